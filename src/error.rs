//! The error types of the library.
//!
//! Every fallible call returns [`Result<T>`](crate::Result), whose error is a
//! [`SaspError`]. Failures that belong to one layer have their own types,
//! wrapped by `SaspError` (and converted into it with `?`):
//!
//! - [`ModelError`]: a model's declaration is wrong (unknown or repeated
//!   names, invalid values, units, structure);
//! - [`FileError`]: a file cannot be read or parsed, or an error was found in
//!   an item at a known line of it (wrapping that error);
//! - [`SolveError`]: an integration failed, with the solver's diagnostics.
//!
//! The other variants of `SaspError` name the experiment, output or option
//! that failed. Variants carry the names and numbers needed to act on the
//! failure: which compartment, which parameter, which process, which line of
//! which file, which arm and day, which time and step size.
//! [`SaspError::root`] finds the cause under the arm and file wrappers.

use std::path::{Path, PathBuf};

/// Everything that can go wrong in `sasp`, grouped by the layer that detects it.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SaspError {
    // ---------------------------------------------------------------- model
    /// A model's declaration is wrong: see [`ModelError`].
    #[error(transparent)]
    Model(#[from] ModelError),
    /// A construct the engine does not implement (an SBML element or
    /// attribute, a rule kind, an event feature): refused by name rather than
    /// simulated wrongly. The message starts with `unsupported:`; the command
    /// line exits with code 3.
    #[error("unsupported: {construct} ({context})")]
    Unsupported {
        /// The construct, as the format names it (`delay`, `algebraicRule`, `event priority`).
        construct: String,
        /// Where it was found (a file, an element id).
        context: String,
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
    /// A state vector, derivative vector or Jacobian buffer handed to a
    /// model, grid or solver has the wrong size.
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
    /// A file cannot be read, written or parsed, or an error was found at a
    /// known line of it: see [`FileError`].
    #[error(transparent)]
    File(#[from] FileError),
    /// A value cannot be written in an output format (a JSON or TOML
    /// serialization that fails, a model SBML cannot carry).
    #[error("cannot write {what}: {reason}")]
    Serialization {
        /// What was being written (`JSON`, `TOML`, `SBML`, `the manifest`).
        what: &'static str,
        /// Why it failed.
        reason: String,
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
    /// The integration failed (step size underflow, too many steps, Newton
    /// failures, a singular iteration matrix, a non-finite right-hand side),
    /// with the solver's diagnostics: see [`SolveError`].
    #[error(transparent)]
    Solve(Box<SolveError>),
    /// A linear program (flux balance analysis, `sasp::flux_balance`)
    /// that the solver could not solve, whose solution failed the check of
    /// its constraints, or (where an optimum is required, as by the command
    /// line) that has none: what went wrong.
    #[error("linear program: {0}")]
    LinearProgram(String),
    /// A method name (`--method`, a sweep's or test set's method) that no
    /// method has.
    #[error("unknown method '{name}' (known: {known})")]
    UnknownMethod {
        /// The name as given.
        name: String,
        /// The known names, comma-separated.
        known: String,
    },

    // ---------------------------------------------------------------- experiments
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
    /// Two items of an experiment (arms, observables) share a name.
    #[error("duplicate {kind} '{name}'")]
    Duplicate {
        /// What kind of item (`arm`, `observable`).
        kind: &'static str,
        /// The repeated name.
        name: String,
    },
    /// An arm's result is asked for a day it did not sample.
    #[error("arm '{}' has no sample at day {day}", printable(arm))]
    NoSample {
        /// The arm.
        arm: String,
        /// The day asked for.
        day: f64,
    },
    /// An arm's result is asked for an observable the experiment did not
    /// record.
    #[error("arm '{}' has no observable '{name}'", printable(arm))]
    UnknownObservable {
        /// The arm.
        arm: String,
        /// The observable's name as given.
        name: String,
    },
    /// An arm is asked for by name (`--arm`) that the scenario does not declare.
    #[error("no arm '{}' (known: {known})", printable(name))]
    UnknownArm {
        /// The name as given.
        name: String,
        /// The declared arms, comma-separated.
        known: String,
    },
    /// A calibration, its targets or the paper's figures need an arm that
    /// was not run.
    #[error("{needed_by} needs the arm '{}', which was not run", printable(arm))]
    MissingArm {
        /// The arm.
        arm: String,
        /// What needs it (`the calibration`, `plotting the paper's figures` …).
        needed_by: &'static str,
    },
    /// A problem of the solver test set asked for by a name it does not have.
    #[error("unknown problem '{name}' (known: {known})")]
    UnknownProblem {
        /// The name as given.
        name: String,
        /// The known names, comma-separated.
        known: String,
    },
    /// A figure has nothing to draw (no arms, no points, no finite points).
    #[error("nothing to plot: {0}")]
    NothingToPlot(String),

    // ---------------------------------------------------------------- options
    /// An option value is invalid or options are inconsistent (negative
    /// tolerances, t_end before t0, a step size, sample interval, grid or
    /// shard that cannot be, an experiment's observable or arm names that
    /// cannot be written …).
    #[error("invalid options: {0}")]
    InvalidOptions(String),
}

impl From<SolveError> for SaspError {
    fn from(e: SolveError) -> SaspError {
        SaspError::Solve(Box::new(e))
    }
}

impl SaspError {
    /// The solver failure under any [`SaspError::InArm`] and
    /// [`FileError::At`] wrappers, if this is one.
    pub fn solve_error(&self) -> Option<&SolveError> {
        match self.root() {
            SaspError::Solve(e) => Some(e),
            _ => None,
        }
    }

    /// The model error under any [`SaspError::InArm`] and [`FileError::At`]
    /// wrappers, if this is one.
    pub fn model_error(&self) -> Option<&ModelError> {
        match self.root() {
            SaspError::Model(e) => Some(e),
            _ => None,
        }
    }

    /// Wraps `self` as an error of arm `arm` (unless it already names that arm).
    pub fn in_arm(self, arm: &str) -> SaspError {
        match self {
            SaspError::InArm { arm: ref a, .. } if a == arm => self,
            SaspError::File(FileError::At { ref source, .. }) if matches!(&**source, SaspError::InArm { arm: a, .. } if a == arm) => {
                self
            }
            other => SaspError::InArm { arm: arm.to_string(), source: Box::new(other) },
        }
    }

    /// Wraps `self` as an error of the item at `line` of `path` (unless it
    /// already names a file position).
    pub fn at_line(self, path: impl Into<PathBuf>, line: usize) -> SaspError {
        match self {
            SaspError::File(FileError::At { .. } | FileError::Syntax { .. }) => self,
            other => FileError::At { path: path.into(), line, column: None, source: Box::new(other) }.into(),
        }
    }

    /// The innermost error, under any [`SaspError::InArm`] and
    /// [`FileError::At`] wrappers.
    pub fn root(&self) -> &SaspError {
        match self {
            SaspError::InArm { source, .. } | SaspError::File(FileError::At { source, .. }) => source.root(),
            other => other,
        }
    }

    /// Is the root cause a construct the engine refuses
    /// ([`SaspError::Unsupported`])?
    pub fn is_unsupported(&self) -> bool {
        matches!(self.root(), SaspError::Unsupported { .. })
    }

    /// An [`SaspError::Unsupported`] naming `construct` found in `context`.
    pub fn unsupported(construct: impl Into<String>, context: impl Into<String>) -> SaspError {
        SaspError::Unsupported { construct: construct.into(), context: context.into() }
    }
}

/// A model's declaration is wrong: raised by the model layer (building a
/// model from a specification, a file, a builder, or changing its values)
/// and by the layers above when what they add to a model (an arm's
/// antibody, an observable) does not fit it.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ModelError {
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
    /// A process is asked for by a name the model does not declare.
    #[error("model '{model}' has no process '{name}'")]
    UnknownProcess {
        /// The model.
        model: String,
        /// The name that was not found.
        name: String,
    },
    /// A compartment kind that is neither well-known nor `<quantity>.<name>`.
    #[error(
        "unknown compartment kind '{0}': a well-known kind (tumor.proliferating, nk.recruited, \
         chemokine.CCL2, …) or <quantity>.<name> with quantity cells, concentration, fraction, \
         index or length (e.g. cells.T_effector); see sasp::model::compartment"
    )]
    UnknownKind(String),
    /// A process role that is not one of the known roles.
    #[error(
        "unknown process role '{0}': the roles are recruitment, killing and receptor.<NAME> (e.g. receptor.NKG2D)"
    )]
    UnknownRole(String),
    /// Two items of the same kind share a name.
    #[error("duplicate {kind} '{name}'")]
    Duplicate {
        /// What kind of item (compartment, parameter, process, pool, input).
        kind: &'static str,
        /// The repeated name.
        name: String,
    },
    /// An item has an empty name.
    #[error("a {0} has an empty name")]
    EmptyName(&'static str),
    /// A name that is not an identifier (a user chemokine's or compartment
    /// kind's name).
    #[error("'{name}' is not a valid name: {reason}")]
    InvalidName {
        /// The name as written.
        name: String,
        /// What a name must be.
        reason: String,
    },
    /// A name that differs from a well-known one only in case (`ccl2`).
    #[error("{what} '{name}' differs from the well-known '{known}' only in case: write '{known}'")]
    CaseVariant {
        /// What kind of name (`chemokine`, `receptor`).
        what: &'static str,
        /// The name as written.
        name: String,
        /// The well-known name.
        known: String,
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
    /// A model without compartments.
    #[error("model '{0}' declares no compartments: a model needs at least one state variable ([[compartment]])")]
    NoCompartments(String),
    /// A process consumes a compartment at a rate that does not vanish when
    /// the compartment is zero, which would drive the state negative.
    #[error(
        "{process} consumes '{compartment}' but its rate does not vanish when '{compartment}' is 0 \
         (make '{compartment}' a factor of the rate, or the state can turn negative)"
    )]
    NonVanishingConsumption {
        /// The process (e.g. `process 'kill'`).
        process: String,
        /// The compartment it consumes.
        compartment: String,
    },
    /// Something added to a model, or computed from it, needs an item the
    /// model does not declare (an observable's pool, an antibody's target,
    /// the compartments of p53 restoration).
    #[error("{needed_by} needs {what}, which model '{model}' does not declare")]
    Missing {
        /// What needs it (e.g. `the observable 'ratio'`).
        needed_by: String,
        /// What is missing (e.g. `the pool 'tumor'`).
        what: String,
        /// The model.
        model: String,
    },
    /// A model is wrong in a way not covered by the variants above (a Hill
    /// coefficient below 1, a process that changes no compartment, an
    /// antibody whose target is not a concentration …), naming the item.
    #[error("invalid model: {item}: {reason}")]
    Invalid {
        /// The item that is wrong (e.g. `process 'kill'`).
        item: String,
        /// What is wrong with it.
        reason: String,
    },
}

impl ModelError {
    /// [`ModelError::Invalid`] for `item`.
    pub fn invalid(item: impl Into<String>, reason: impl Into<String>) -> ModelError {
        ModelError::Invalid { item: item.into(), reason: reason.into() }
    }

    /// [`ModelError::UnknownParameter`]: `name`, referenced by `context`.
    pub fn unknown_parameter(name: impl Into<String>, context: impl Into<String>) -> ModelError {
        ModelError::UnknownParameter { name: name.into(), context: context.into() }
    }

    /// [`ModelError::UnknownCompartment`]: `name`, referenced by `context`.
    pub fn unknown_compartment(name: impl Into<String>, context: impl Into<String>) -> ModelError {
        ModelError::UnknownCompartment { name: name.into(), context: context.into() }
    }
}

/// A file cannot be read, written or parsed, or an error was found in an
/// item declared at a known line of it: raised by the layers that read
/// files (models, scenarios, sweeps) and write them (outputs, manifests).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FileError {
    /// A model, scenario or sweep file is malformed. `line` and `column`
    /// are 1-based.
    #[error("{path}:{line}:{column}: {message}", path = path.display())]
    Syntax {
        /// The file (or `<string>` for in-memory text).
        path: PathBuf,
        /// 1-based line of the error.
        line: usize,
        /// 1-based column of the error.
        column: usize,
        /// What the parser or validator reported.
        message: String,
    },
    /// An error found in an item declared at a known line (and column) of a
    /// file: a model file's unknown parameter, an arm of a scenario file
    /// whose schedule does not fit the model. [`SaspError::root`] finds
    /// `source`.
    #[error("{}: {source}", position(path, *line, *column))]
    At {
        /// The file.
        path: PathBuf,
        /// 1-based line of the item.
        line: usize,
        /// 1-based column, where known.
        column: Option<usize>,
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
}

impl FileError {
    /// [`FileError::Io`] on `path`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> FileError {
        FileError::Io { path: path.into(), source }
    }
}

/// `path:line` or `path:line:column`.
fn position(path: &Path, line: usize, column: Option<usize>) -> String {
    match column {
        Some(c) => format!("{}:{line}:{c}", path.display()),
        None => format!("{}:{line}", path.display()),
    }
}

/// How many Newton iterations a [`SolveError`] reports (the implicit
/// methods stop a Newton attempt after at most this many).
pub const NEWTON_HISTORY: usize = 8;

/// How many of the last attempts a [`SolveError`] counts rejections among.
pub const RECENT_ATTEMPTS: usize = 32;

/// What made a solve fail: the `kind` of a [`SolveError`].
#[derive(Clone, Copy, Debug, PartialEq)]
#[non_exhaustive]
pub enum SolveErrorKind {
    /// Steps were rejected by the error test until the step size fell below
    /// what floating point can resolve at `t` (a solution that blows up, or a
    /// discontinuity the solver was not told about).
    StepSizeUnderflow,
    /// The solver needed more steps (accepted and rejected) than its options
    /// allow before reaching `t_end`.
    TooManySteps {
        /// The limit from the solver options.
        max_steps: usize,
        /// Time that was asked for.
        t_end: f64,
    },
    /// The Newton iteration of an implicit method failed to converge, with
    /// a fresh Jacobian, at every step size down to round-off.
    NewtonFailed,
    /// The iteration matrix `shift·I + scale·J` could not be factored (a zero
    /// or non-finite pivot) at every step size down to round-off.
    SingularMatrix,
    /// The right-hand side produced NaN or infinity.
    NonFiniteRhs,
    /// The algebraic components of a differential–algebraic system could
    /// not be made consistent at `t` (Newton on `0 = f_a(t, y)` over them
    /// diverged, or `∂f_a/∂y_a` is singular there: the algebraic rows do
    /// not determine their components, so the system is not of index 1).
    InconsistentAlgebraic,
    /// The equilibrium that makes the fast relaxations of a
    /// differential–algebraic system consistent
    /// (`OdeSystem::algebraic_relaxations` in the solver layer) is not stable at
    /// `t`: a fast process would move away from it.
    UnstableEquilibrium,
}

/// A failed integration, with what a user needs to find the cause.
///
/// - `kind`: what failed ([`SolveErrorKind`]);
/// - `method`, `t`, `h`: the method (as `Method::name`
///   spells it), the time it reached and the step size it last tried;
/// - `component`: the component that dominated the last rejected step — the
///   largest weighted local error `|eᵢ|/(atolᵢ + rtol·|yᵢ|)`, the largest
///   weighted Newton correction, the pivot column of a singular iteration
///   matrix, or the first non-finite derivative — and `component_name`, its
///   name where the system gives one (the solver asks the system's
///   `component_name`; callers that know better names may set them with
///   [`SolveError::name_components`]);
/// - `newton_history`: the weighted RMS norms of the Newton corrections of
///   the last failed Newton attempt, iteration by iteration (empty for
///   explicit and Rosenbrock methods, which do not iterate);
/// - `rejections` of the last `attempts` attempts (at most
///   [`RECENT_ATTEMPTS`]) were rejected: many mean the solver was fighting;
/// - `condition`: an estimate of the 1-norm condition number of the iteration
///   matrix when it was the problem (infinite for a singular one; a lower
///   bound, from solves with its factors, when Newton failed).
///
/// It prints on one line, e.g.
///
/// ```text
/// step size underflow at t = 1.0000003324865583: h = 3.388727739352331e-15 (dopri5); component 0 ('tumor') dominated the last rejected step; 16 of the last 32 attempts rejected
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct SolveError {
    /// What failed.
    pub kind: SolveErrorKind,
    /// The method that ran.
    pub method: &'static str,
    /// Time reached.
    pub t: f64,
    /// The step size last tried (or that would have been needed).
    pub h: f64,
    /// Index of the component that dominated the last rejected step, if known.
    pub component: Option<usize>,
    /// Its name, where known.
    pub component_name: Option<String>,
    /// Its value in the last accepted state, where it dominated the last
    /// rejected step or Newton correction (a value grown by orders of
    /// magnitude points to a solution that blows up).
    pub component_value: Option<f64>,
    /// Weighted norms of the Newton corrections of the last failed Newton
    /// attempt (at most [`NEWTON_HISTORY`]).
    pub newton_history: Vec<f64>,
    /// Rejected attempts among the last `attempts`.
    pub rejections: usize,
    /// Attempts counted (the last [`RECENT_ATTEMPTS`], or all if fewer).
    pub attempts: usize,
    /// Estimated 1-norm condition number of the iteration matrix, when it
    /// was the problem.
    pub condition: Option<f64>,
}

impl SolveError {
    /// A failure of `kind` in `method` at `(t, h)`, with no diagnostics yet.
    pub fn new(kind: SolveErrorKind, method: &'static str, t: f64, h: f64) -> SolveError {
        SolveError {
            kind,
            method,
            t,
            h,
            component: None,
            component_name: None,
            component_value: None,
            newton_history: Vec::new(),
            rejections: 0,
            attempts: 0,
            condition: None,
        }
    }

    /// Names the dominant component with `name(index)` (replacing a name the
    /// solver found), for callers that know the system's components.
    pub fn name_components(mut self, name: impl Fn(usize) -> String) -> SolveError {
        if let Some(i) = self.component {
            self.component_name = Some(name(i));
        }
        self
    }
}

impl std::fmt::Display for SolveError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (t, h, method) = (self.t, self.h, self.method);
        match self.kind {
            SolveErrorKind::StepSizeUnderflow => write!(f, "step size underflow at t = {t}: h = {h:e} ({method})")?,
            SolveErrorKind::TooManySteps { max_steps, t_end } => write!(
                f,
                "too many steps: {max_steps} steps reached at t = {t} before t_end = {t_end} ({method}, h = {h:e})"
            )?,
            SolveErrorKind::NewtonFailed => {
                write!(f, "Newton iteration did not converge down to h = {h:e} at t = {t} ({method})")?
            }
            SolveErrorKind::SingularMatrix => {
                write!(f, "singular iteration matrix down to h = {h:e} at t = {t} ({method})")?
            }
            SolveErrorKind::NonFiniteRhs => write!(f, "non-finite right-hand side at t = {t} ({method}, h = {h:e})")?,
            SolveErrorKind::InconsistentAlgebraic => write!(
                f,
                "no consistent values of the algebraic components at t = {t} ({method}): \
                 Newton on the algebraic equations failed or their Jacobian in those components is singular \
                 (not an index-1 system there)"
            )?,
            SolveErrorKind::UnstableEquilibrium => write!(
                f,
                "the equilibrium of the fast relaxations at t = {t} is not stable ({method}): \
                 a fast process would move away from it"
            )?,
        }
        if let Some(i) = self.component {
            let role = match self.kind {
                SolveErrorKind::NonFiniteRhs => "is not finite",
                SolveErrorKind::SingularMatrix => "is the failing pivot column",
                SolveErrorKind::NewtonFailed => "dominated the last Newton correction",
                SolveErrorKind::InconsistentAlgebraic | SolveErrorKind::UnstableEquilibrium => {
                    "is the algebraic component that failed"
                }
                _ => "dominated the last rejected step",
            };
            match (&self.component_name, self.component_value) {
                (Some(name), Some(v)) => write!(f, "; component {i} ('{}' = {v:.3e}) {role}", printable(name))?,
                (Some(name), None) => write!(f, "; component {i} ('{}') {role}", printable(name))?,
                (None, Some(v)) => write!(f, "; component {i} (= {v:.3e}) {role}")?,
                (None, None) => write!(f, "; component {i} {role}")?,
            }
        }
        if self.attempts > 0 {
            write!(f, "; {} of the last {} attempts rejected", self.rejections, self.attempts)?;
        }
        if !self.newton_history.is_empty() {
            write!(f, "; last Newton corrections")?;
            for (k, v) in self.newton_history.iter().enumerate() {
                write!(f, "{}{v:.2e}", if k == 0 { " " } else { ", " })?;
            }
        }
        if let Some(c) = self.condition {
            write!(f, "; iteration matrix condition ≈ {c:.1e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for SolveError {}

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
