//! The one error type of the library.
//!
//! Every fallible call returns [`Result<T>`](crate::Result). Variants carry the
//! names and numbers needed to act on the failure: which compartment, which
//! parameter, which process, which line of which file, which time and step size.

use std::path::PathBuf;

/// Everything that can go wrong in `sasp`, grouped by the layer that detects it.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SaspError {
    // ---------------------------------------------------------------- model
    /// A process, pool or observable names a compartment (or pool) that the
    /// model does not declare.
    #[error("unknown compartment '{name}' referenced by {context}")]
    UnknownCompartment {
        /// The name that was not found.
        name: String,
        /// Where it was referenced (e.g. `process 'senescence'`).
        context: String,
    },
    /// A rate law or stoichiometry names a parameter the model does not declare.
    #[error("unknown parameter '{name}' referenced by {context}")]
    UnknownParameter {
        /// The name that was not found.
        name: String,
        /// Where it was referenced.
        context: String,
    },
    /// A rate law names a time-dependent input the model does not declare.
    #[error("unknown input '{name}' referenced by {context}")]
    UnknownInput {
        /// The name that was not found.
        name: String,
        /// Where it was referenced.
        context: String,
    },
    /// Two items of the same kind share a name.
    #[error("duplicate {kind} '{name}'")]
    Duplicate {
        /// What kind of item (compartment, parameter, process, pool, input).
        kind: &'static str,
        /// The repeated name.
        name: String,
    },
    /// A parameter value is negative, NaN or infinite.
    #[error("parameter '{name}' has invalid value {value}: parameters must be finite and non-negative")]
    InvalidParameter {
        /// Parameter name.
        name: String,
        /// The offending value.
        value: f64,
    },
    /// An initial value (or a state handed to the model) is negative or not finite.
    #[error("compartment '{name}' has invalid initial value {value}: states must be finite and non-negative")]
    InvalidInitialValue {
        /// Compartment name.
        name: String,
        /// The offending value.
        value: f64,
    },
    /// A unit string could not be parsed.
    #[error("cannot parse unit '{text}': {reason}")]
    UnitParse {
        /// The unit text as written.
        text: String,
        /// What was wrong.
        reason: String,
    },
    /// Two quantities that must agree in unit do not.
    #[error("unit mismatch in {context}: expected {expected}, found {found}")]
    UnitMismatch {
        /// Where the mismatch was found (names the process or compartment).
        context: String,
        /// The unit that was required.
        expected: String,
        /// The unit that was found.
        found: String,
    },
    /// A model is structurally wrong in a way not covered by the variants above
    /// (e.g. a process that consumes a compartment without vanishing when it is
    /// zero, which would drive the state negative).
    #[error("invalid model: {0}")]
    InvalidModel(String),
    /// A value that is finite as written is not once it is converted to
    /// canonical units or multiplied into a coefficient (`1e308` in `1/h`,
    /// `k*big*big`, `1/tau` with `tau = 1e-320`): the run would fail later
    /// with a non-finite right-hand side.
    #[error("{kind} '{name}': {detail}")]
    NotFinite {
        /// What kind of item (parameter, compartment, input, process).
        kind: &'static str,
        /// Its name.
        name: String,
        /// Which value overflowed (or vanished) and why.
        detail: String,
    },
    /// A size derived from input (samples of a run, doses of a schedule …)
    /// exceeds a documented limit.
    #[error("too many {what}: {} requested, at most {limit} allowed ({hint})", count_text(*requested))]
    LimitExceeded {
        /// What is counted.
        what: &'static str,
        /// How many the input asks for (may be astronomically large).
        requested: f64,
        /// The limit.
        limit: usize,
        /// Which input to change.
        hint: String,
    },
    /// A state vector, derivative vector or Jacobian buffer has the wrong size.
    #[error("dimension mismatch for {what}: expected {expected}, found {found}")]
    DimensionMismatch {
        /// What was sized wrongly.
        what: &'static str,
        /// The size the model needs.
        expected: usize,
        /// The size that was handed in.
        found: usize,
    },

    // ---------------------------------------------------------------- files
    /// A model or scenario file is malformed. `line` and `column` are 1-based.
    #[error("{path}:{line}:{column}: {message}", path = path.display())]
    FileSyntax {
        /// The file (or `<string>` for in-memory text).
        path: PathBuf,
        /// 1-based line of the error.
        line: usize,
        /// 1-based column of the error.
        column: usize,
        /// What the parser or validator reported.
        message: String,
    },
    /// An error found in an item declared at a known line of a file (e.g. an
    /// arm of a scenario file whose schedule does not fit the model).
    #[error("{path}:{line}: {source}", path = path.display())]
    InFile {
        /// The file.
        path: PathBuf,
        /// 1-based line of the item.
        line: usize,
        /// The error.
        #[source]
        source: Box<SaspError>,
    },
    /// A file could not be read or written.
    #[error("cannot access {path}: {source}", path = path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying I/O error.
        #[source]
        source: std::io::Error,
    },

    // ---------------------------------------------------------------- schedules
    /// A schedule of input switches or doses is impossible (times out of
    /// order, before the start of the run, non-finite values …).
    #[error("invalid schedule for '{name}': {reason}")]
    InvalidSchedule {
        /// The input or intervention the schedule belongs to.
        name: String,
        /// What is wrong with it.
        reason: String,
    },

    // ---------------------------------------------------------------- solver
    /// The step size fell below what floating point can resolve at `t`.
    #[error("step size underflow at t = {t}: h = {h:e}")]
    StepSizeUnderflow {
        /// Time at which the solver gave up.
        t: f64,
        /// The step size it would have needed.
        h: f64,
    },
    /// The solver needed more steps than its options allow.
    #[error("too many steps: {max_steps} steps reached at t = {t} before t_end = {t_end}")]
    TooManySteps {
        /// The limit from the solver options.
        max_steps: usize,
        /// Time reached.
        t: f64,
        /// Time that was asked for.
        t_end: f64,
    },
    /// The right-hand side produced NaN or infinity.
    #[error("non-finite right-hand side in component {component} ('{name}') at t = {t}")]
    NonFiniteRhs {
        /// Index of the first bad component.
        component: usize,
        /// Its name, where the system knows it.
        name: String,
        /// Time of the evaluation.
        t: f64,
    },
    /// An error in one arm of an experiment (preparing it, checking it or
    /// integrating it), with the arm's name.
    #[error("arm '{}': {source}", printable(arm))]
    InArm {
        /// The arm's name.
        arm: String,
        /// The error.
        #[source]
        source: Box<SaspError>,
    },
    /// Options are inconsistent (negative tolerances, t_end before t0, an unknown method or arm …).
    #[error("invalid options: {0}")]
    InvalidOptions(String),
}

impl SaspError {
    /// Wraps `self` as an error of arm `arm` (unless it already names that arm).
    pub fn in_arm(self, arm: &str) -> SaspError {
        match self {
            SaspError::InArm { arm: ref a, .. } if a == arm => self,
            SaspError::InFile { ref source, .. } if matches!(&**source, SaspError::InArm { arm: a, .. } if a == arm) => {
                self
            }
            other => SaspError::InArm { arm: arm.to_string(), source: Box::new(other) },
        }
    }

    /// Wraps `self` as an error of the item at `line` of `path` (unless it
    /// already names a file position).
    pub fn at_line(self, path: impl Into<PathBuf>, line: usize) -> SaspError {
        match self {
            SaspError::InFile { .. } | SaspError::FileSyntax { .. } => self,
            other => SaspError::InFile { path: path.into(), line, source: Box::new(other) },
        }
    }

    /// The innermost error, under any [`SaspError::InArm`] and
    /// [`SaspError::InFile`] wrappers.
    pub fn root(&self) -> &SaspError {
        match self {
            SaspError::InArm { source, .. } | SaspError::InFile { source, .. } => source.root(),
            other => other,
        }
    }
}

/// A name for a message, control characters escaped (`\n`) so that the
/// message stays on one line.
fn printable(name: &str) -> String {
    name.chars().map(|c| if c.is_control() { c.escape_default().to_string() } else { c.to_string() }).collect()
}

/// A count for a message: digits while they are exact, else `1.4e21`.
fn count_text(count: f64) -> String {
    if count.abs() < 1e15 {
        format!("{count}")
    } else {
        format!("{count:e}")
    }
}

/// Shorthand for `std::result::Result<T, SaspError>`.
///
/// The error type defaults to [`SaspError`] but can be named, so that
/// `use sasp::prelude::*` leaves a program's own results intact:
///
/// ```
/// use sasp::prelude::*;
///
/// fn parse(text: &str) -> Result<f64, String> {       // std's two-parameter form
///     text.trim().parse().map_err(|e| format!("{text}: {e}"))
/// }
/// fn model() -> Result<Model> {                       // sasp's: the error is SaspError
///     sasp::models::iannello2013()
/// }
/// assert_eq!(parse(" 2.5 "), Ok(2.5));
/// assert!(model().is_ok());
/// ```
pub type Result<T, E = SaspError> = std::result::Result<T, E>;
