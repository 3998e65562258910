//! Time integration: the [`OdeSystem`] a problem provides, the [`Options`] of a
//! solve, and the [`Solution`] with its [`Stats`].
//!
//! A problem knows nothing of the method; a method knows nothing of biology.
//! Every method is a [`Stepper`]; the one [`driver`] gives them all output at
//! requested times, exact stops with state jumps, and event location.
//! See `docs/solvers.md` for which method to use when.

pub mod adjoint;
pub mod ark;
pub mod bdf;
pub mod block_tridiagonal;
pub mod dae;
pub mod dop853;
pub mod dopri5;
pub mod driver;
mod failure;
pub mod history;
pub mod jacobian;
pub mod krylov;
pub mod linalg;
pub mod linear;
pub mod method;
#[cfg(feature = "ode_solvers")]
pub mod ode_solvers_bridge;
pub mod pattern;
pub mod rosenbrock;
pub mod sensitivity;
pub mod sparse;
pub mod sparse_pivot;

pub use driver::{integrate, Direction, Event, EventHit, Integration, Plan, Stepper, StopHandler};
pub use history::History;
pub use jacobian::IterationMatrix;
pub use krylov::CellLayout;
pub use linalg::{JacobianStructure, Singular};
pub use linear::LinearSolver;
pub use method::{AnyStepper, Method, ROSENBROCK_1D_MAX};
#[cfg(feature = "ode_solvers")]
pub use ode_solvers_bridge::OdeSolversSystem;
pub use pattern::SparsityPattern;

use crate::error::{Result, SaspError};
pub use crate::error::{SolveError, SolveErrorKind};

/// A system of ordinary differential equations `y' = f(t, y)`.
pub trait OdeSystem {
    /// Number of state variables.
    fn dimension(&self) -> usize;

    /// Writes `f(t, y)` into `dy`. Must not allocate in hot loops.
    fn rhs(&self, t: f64, y: &[f64], dy: &mut [f64]);

    /// A name for component `i`, used in error messages.
    fn component_name(&self, i: usize) -> String {
        format!("y[{i}]")
    }

    /// Does `f` depend on `t` only through `y`? Rosenbrock methods estimate
    /// `∂f/∂t` by a difference when it does not (default: not autonomous).
    fn is_autonomous(&self) -> bool {
        false
    }

    /// Writes `∂f/∂t` at `(t, y)` and returns `true`; returns `false` (the
    /// default) when the system cannot, and a non-autonomous system's
    /// `∂f/∂t` is then estimated by a difference.
    fn time_derivative(&self, t: f64, y: &[f64], ft: &mut [f64]) -> bool {
        let _ = (t, y, ft);
        false
    }

    /// How the Jacobian is stored (default dense).
    fn jacobian_structure(&self) -> JacobianStructure {
        JacobianStructure::Dense
    }

    /// Writes `∂f/∂y` at `(t, y)` in the layout of [`OdeSystem::jacobian_structure`]
    /// and returns `true`; returns `false` (the default) when the system has no
    /// analytic Jacobian, and the solver then uses finite differences.
    fn jacobian(&self, t: f64, y: &[f64], values: &mut [f64]) -> bool {
        let _ = (t, y, values);
        false
    }

    /// For a system on a grid of cells that each hold the same components,
    /// stored cell by cell: the layout, which lets Newton–Krylov methods
    /// precondition by cell and by species ([`CellLayout`]). Default: none.
    fn cell_layout(&self) -> Option<CellLayout> {
        None
    }

    /// The components whose rows are algebraic, in increasing order: the
    /// system is then the semi-explicit differential–algebraic system
    /// `M y' = f(t, y)` with `M` diagonal, `M_ii = 0` for these components
    /// (`0 = f_i(t, y)`) and `1` for the others. Default: none (an ODE).
    ///
    /// Each algebraic row must determine its component (index 1: the block
    /// `∂f_a/∂y_a` of the algebraic rows and components is nonsingular).
    /// Only methods with [`Stepper::solves_dae`] integrate such a system (the
    /// Rodas methods with their dense output, and BDF with a direct linear
    /// solve); the driver makes the algebraic components consistent at the
    /// start and after every stop ([`dae`]).
    fn algebraic_components(&self) -> &[usize] {
        &[]
    }

    /// For each algebraic component (in the order of
    /// [`OdeSystem::algebraic_components`]), is its row the rate of a fast
    /// relaxation, `y_i' = f_i/ε` with `ε → 0` (a rapid equilibrium, as an
    /// SBML fast reaction)? Then its consistent value is the equilibrium
    /// that relaxation reaches from the current state, found by
    /// pseudo-transient continuation, and that equilibrium must be stable.
    /// Default (an empty slice): no row is.
    fn algebraic_relaxations(&self) -> &[bool] {
        &[]
    }

    /// The recorded past of a delay differential equation, whose right-hand
    /// side reads it ([`history`]); `None` (the default) for an ODE. The
    /// driver records every accepted step into it, keeps steps within its
    /// shortest constant lag and restarts at its breakpoints.
    fn history(&self) -> Option<&std::cell::RefCell<History>> {
        None
    }

    /// The right-hand side's first `leading` components into
    /// `dy[..leading]`, for a system whose first `leading` components do not
    /// depend on the others (a variational system's states: a staggered
    /// corrector iterates on them first). The rest of `dy` may be left
    /// unchanged. Default: the whole right-hand side.
    fn rhs_leading(&self, t: f64, y: &[f64], dy: &mut [f64], leading: usize) {
        let _ = leading;
        self.rhs(t, y, dy)
    }

    /// The right-hand side's components from `leading` on into
    /// `dy[leading..]`, the first `leading` components being those
    /// [`OdeSystem::rhs_leading`] computes (a staggered corrector iterates
    /// on the rest once they have converged, and needs their rates no
    /// more). The first `leading` components of `dy` may be left
    /// unchanged. Default: the whole right-hand side.
    fn rhs_trailing(&self, t: f64, y: &[f64], dy: &mut [f64], leading: usize) {
        let _ = leading;
        self.rhs(t, y, dy)
    }
}

/// A shared reference to a system is a system (stop handlers that change the
/// system need `&mut`; plain solves do not).
impl<T: OdeSystem + ?Sized> OdeSystem for &T {
    fn dimension(&self) -> usize {
        (**self).dimension()
    }
    fn rhs(&self, t: f64, y: &[f64], dy: &mut [f64]) {
        (**self).rhs(t, y, dy)
    }
    fn component_name(&self, i: usize) -> String {
        (**self).component_name(i)
    }
    fn is_autonomous(&self) -> bool {
        (**self).is_autonomous()
    }
    fn time_derivative(&self, t: f64, y: &[f64], ft: &mut [f64]) -> bool {
        (**self).time_derivative(t, y, ft)
    }
    fn jacobian_structure(&self) -> JacobianStructure {
        (**self).jacobian_structure()
    }
    fn jacobian(&self, t: f64, y: &[f64], values: &mut [f64]) -> bool {
        (**self).jacobian(t, y, values)
    }
    fn cell_layout(&self) -> Option<CellLayout> {
        (**self).cell_layout()
    }
    fn algebraic_components(&self) -> &[usize] {
        (**self).algebraic_components()
    }
    fn algebraic_relaxations(&self) -> &[bool] {
        (**self).algebraic_relaxations()
    }
    fn history(&self) -> Option<&std::cell::RefCell<History>> {
        (**self).history()
    }
    fn rhs_leading(&self, t: f64, y: &[f64], dy: &mut [f64], leading: usize) {
        (**self).rhs_leading(t, y, dy, leading)
    }
    fn rhs_trailing(&self, t: f64, y: &[f64], dy: &mut [f64], leading: usize) {
        (**self).rhs_trailing(t, y, dy, leading)
    }
}

/// Integrates `system` with a stepper from `(t0, y0)` to `t_end`, recording
/// the state at `outputs`: the shortest way to solve without stops or events.
pub fn solve<S: OdeSystem, M: Stepper>(
    system: &S,
    mut method: M,
    t0: f64,
    y0: &[f64],
    t_end: f64,
    outputs: &[f64],
) -> Result<Solution> {
    let plan = Plan::outputs(outputs);
    let mut system = system;
    Ok(integrate(&mut method, &mut system, t0, y0, t_end, &plan, &mut |_, _, _, _| Ok(()))?.solution)
}

/// Absolute tolerance: one for all components, or one per component.
#[derive(Clone, Debug, PartialEq)]
pub enum Tolerance {
    /// The same value for every component.
    Scalar(f64),
    /// One value per component.
    PerComponent(Vec<f64>),
}

impl Tolerance {
    /// The largest tolerance of any component (the scalar itself).
    pub fn largest(&self) -> f64 {
        match self {
            Tolerance::Scalar(v) => *v,
            Tolerance::PerComponent(v) => v.iter().copied().fold(0.0, f64::max),
        }
    }

    /// The tolerance of component `i`.
    #[inline]
    pub fn get(&self, i: usize) -> f64 {
        match self {
            Tolerance::Scalar(v) => *v,
            Tolerance::PerComponent(v) => v[i],
        }
    }

    /// The error weights `wᵢ = 1/(atolᵢ + rtol·|yᵢ|)` of the state `y`, into
    /// `weights` (one pass, the tolerance's kind decided once).
    pub fn weights(&self, rtol: f64, y: &[f64], weights: &mut [f64]) {
        match self {
            Tolerance::Scalar(atol) => {
                for (w, &y) in weights.iter_mut().zip(y) {
                    *w = 1.0 / (atol + rtol * y.abs());
                }
            }
            Tolerance::PerComponent(atol) => {
                for ((w, &y), &atol) in weights.iter_mut().zip(y).zip(atol) {
                    *w = 1.0 / (atol + rtol * y.abs());
                }
            }
        }
    }
}

/// Options of a solve. Construct with `Options::default()` and adjust fields.
#[derive(Clone, Debug, PartialEq)]
pub struct Options {
    /// Relative tolerance (default 1e-6).
    pub rtol: f64,
    /// Absolute tolerance (default 1e-9 for every component).
    pub atol: Tolerance,
    /// Initial step size; chosen automatically when `None`.
    pub h0: Option<f64>,
    /// Largest step size (default: unbounded).
    pub h_max: f64,
    /// Most steps (accepted and rejected) per solve before
    /// [`SolveErrorKind::TooManySteps`] (default 100 000).
    pub max_steps: usize,
    /// Take steps of exactly this size (shortened only to land on stops) and
    /// accept them whatever the error estimate: for convergence studies.
    pub fixed_step: Option<f64>,
    /// Forward sensitivities ([`sensitivity::Variational`]): do they enter
    /// the local error test (default `true`, CVODES's `errconS`)? Without,
    /// the states' error alone chooses the steps and the sensitivities
    /// follow them, converged by Newton in their own weights but not
    /// error-controlled. Other solves ignore it.
    pub sensitivity_error_test: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            rtol: 1e-6,
            atol: Tolerance::Scalar(1e-9),
            h0: None,
            h_max: f64::INFINITY,
            max_steps: 100_000,
            fixed_step: None,
            sensitivity_error_test: true,
        }
    }
}

impl Options {
    /// Checks tolerances and limits against a system of dimension `n`.
    ///
    /// Refused: a system with no components (`n = 0`: there is nothing to
    /// integrate); `rtol` not in (0, 1) (at `rtol ≥ 1` an error as large as
    /// the solution itself passes, and states turn negative); an absolute
    /// tolerance that is 0 for every component (pure relative control fails
    /// wherever a state reaches 0, which cleared tumors and antibodies before
    /// their first dose do); negative or non-finite values; an `atol` of the
    /// wrong length; non-positive step sizes; `max_steps = 0`.
    pub fn validate(&self, n: usize) -> Result<()> {
        let bad = |what: String| Err(SaspError::InvalidOptions(what));
        if n == 0 {
            return bad("the system has no components (a model needs at least one compartment)".to_string());
        }
        if !(self.rtol.is_finite() && self.rtol > 0.0) {
            return bad(format!("rtol must be positive and finite, is {}", self.rtol));
        }
        if self.rtol >= 1.0 {
            return bad(format!(
                "rtol must be below 1, is {}: a relative error as large as the solution itself would pass (states could turn negative)",
                self.rtol
            ));
        }
        match &self.atol {
            Tolerance::Scalar(a) if !(a.is_finite() && *a >= 0.0) => {
                return bad(format!("atol must be non-negative and finite, is {a}"))
            }
            Tolerance::PerComponent(v) if v.len() != n => {
                return bad(format!("atol has {} components, the system {n}", v.len()))
            }
            Tolerance::PerComponent(v) if v.iter().any(|a| !(a.is_finite() && *a >= 0.0)) => {
                return bad("every atol component must be non-negative and finite".to_string())
            }
            _ => {}
        }
        if (0..n).all(|i| self.atol.get(i) == 0.0) {
            return bad("atol is 0 for every component: pure relative error control fails wherever a state reaches 0 \
                 (a cleared tumor, an antibody before its first dose); give a small positive atol such as 1e-9"
                .to_string());
        }
        for (name, value) in [("h0", self.h0), ("fixed_step", self.fixed_step)] {
            if let Some(h) = value {
                if !(h.is_finite() && h > 0.0) {
                    return bad(format!("{name} must be positive and finite, is {h}"));
                }
            }
        }
        if self.h_max.is_nan() || self.h_max <= 0.0 {
            return bad(format!("h_max must be positive, is {}", self.h_max));
        }
        if self.max_steps == 0 {
            return bad("max_steps must be at least 1".to_string());
        }
        Ok(())
    }
}

/// Work counters of a solve.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// Accepted steps.
    pub steps: usize,
    /// Rejected steps (error test failures and non-finite stages).
    pub rejected: usize,
    /// Right-hand-side evaluations.
    pub rhs_evals: usize,
    /// Jacobian evaluations.
    pub jac_evals: usize,
    /// Matrix factorizations.
    pub factorizations: usize,
    /// Linear solves (with a factorized matrix, or by GMRES).
    pub linear_solves: usize,
    /// GMRES iterations of Newton–Krylov methods (0 for direct solves).
    pub linear_iterations: usize,
}

impl std::ops::AddAssign for Stats {
    fn add_assign(&mut self, o: Stats) {
        self.steps += o.steps;
        self.rejected += o.rejected;
        self.rhs_evals += o.rhs_evals;
        self.jac_evals += o.jac_evals;
        self.factorizations += o.factorizations;
        self.linear_solves += o.linear_solves;
        self.linear_iterations += o.linear_iterations;
    }
}

impl std::ops::Sub for Stats {
    type Output = Stats;

    /// The work done between two readings of a stepper's cumulative counters.
    fn sub(self, o: Stats) -> Stats {
        Stats {
            steps: self.steps - o.steps,
            rejected: self.rejected - o.rejected,
            rhs_evals: self.rhs_evals - o.rhs_evals,
            jac_evals: self.jac_evals - o.jac_evals,
            factorizations: self.factorizations - o.factorizations,
            linear_solves: self.linear_solves - o.linear_solves,
            linear_iterations: self.linear_iterations - o.linear_iterations,
        }
    }
}

/// States at requested output times.
#[derive(Clone, Debug, PartialEq)]
pub struct Solution {
    /// Output times.
    pub t: Vec<f64>,
    /// States, one row of `n` values per output time (row-major).
    pub y: Vec<f64>,
    /// Number of components.
    pub n: usize,
    /// Work counters.
    pub stats: Stats,
    /// The method that ran, by [`Method::name`] (`rodas5p`, `bdf`, …): what
    /// [`Method::Auto`] chose for this system and tolerance. Empty for a
    /// solution no integrator has filled.
    pub method: &'static str,
    /// The recorded past of a delay differential equation's run, which
    /// values that read delays at the output times need (set by
    /// `Model::simulate` for a model with
    /// delays; `None` otherwise).
    pub history: Option<std::sync::Arc<History>>,
}

impl Solution {
    /// An empty solution for `n` components.
    pub fn new(n: usize) -> Solution {
        Solution { t: Vec::new(), y: Vec::new(), n, stats: Stats::default(), method: "", history: None }
    }

    /// The state at output `k`.
    pub fn state(&self, k: usize) -> &[f64] {
        &self.y[k * self.n..(k + 1) * self.n]
    }

    /// The last state.
    pub fn last(&self) -> Option<&[f64]> {
        self.t.len().checked_sub(1).map(|k| self.state(k))
    }

    /// Component `i` over all outputs.
    pub fn component(&self, i: usize) -> impl Iterator<Item = f64> + '_ {
        self.y.iter().skip(i).step_by(self.n).copied()
    }

    pub(crate) fn push(&mut self, t: f64, y: &[f64]) {
        self.t.push(t);
        self.y.extend_from_slice(y);
    }
}

/// Checks a solve's interval, initial state and output times.
pub(crate) fn check_problem(n: usize, t0: f64, y0: &[f64], t_end: f64, outputs: &[f64]) -> Result<()> {
    if y0.len() != n {
        return Err(SaspError::DimensionMismatch { what: "initial state", expected: n, found: y0.len() });
    }
    if !(t0.is_finite() && t_end.is_finite() && t_end >= t0) {
        return Err(SaspError::InvalidOptions(format!("need finite t0 <= t_end, got t0 = {t0}, t_end = {t_end}")));
    }
    if let Some(k) = y0.iter().position(|v| !v.is_finite()) {
        return Err(SaspError::InvalidOptions(format!("initial state component {k} is not finite")));
    }
    let mut last = t0;
    for &t in outputs {
        if !(t >= last && t <= t_end) {
            return Err(SaspError::InvalidOptions(format!(
                "output times must be increasing within [{t0}, {t_end}]; {t} is not"
            )));
        }
        last = t;
    }
    Ok(())
}

/// The weighted RMS norm `sqrt(mean((vᵢ wᵢ)²))` of the Newton iterations
/// (`wᵢ = 1/(atolᵢ + rtol·|yᵢ|)`, computed by each method).
#[inline]
pub(crate) fn weighted_rms(v: &[f64], weights: &[f64]) -> f64 {
    let mut s = 0.0;
    for (x, w) in v.iter().zip(weights) {
        let r = x * w;
        s += r * r;
    }
    (s / v.len().max(1) as f64).sqrt()
}

/// The weighted RMS norm `sqrt(mean((eᵢ / (atolᵢ + rtol·max(|yᵢ|, |ŷᵢ|)))²))`.
#[inline]
pub(crate) fn error_norm(err: &[f64], y: &[f64], y_new: &[f64], options: &Options) -> f64 {
    let mut sum = 0.0;
    for i in 0..err.len() {
        let scale = options.atol.get(i) + options.rtol * y[i].abs().max(y_new[i].abs());
        let r = err[i] / scale;
        sum += r * r;
    }
    (sum / err.len().max(1) as f64).sqrt()
}
