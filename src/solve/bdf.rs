//! Variable-order (1–5), quasi-constant step-size BDF (in its NDF variant)
//! with Jacobian and factorization reuse, for long stiff runs without events.
//!
//! The method keeps backward differences `D₀ … D_{q+2}` of the solution
//! (Shampine & Reichelt, "The MATLAB ODE suite", 1997, the form SciPy's `BDF`
//! uses). Each step predicts `y⁰ = Σ_{j≤q} D_j`, then solves
//! `y − (h/α_q) f(t+h, y) = y⁰ − ψ` by a simplified Newton iteration with the
//! matrix `M = I − (h/α_q) J`:
//!
//! - `J` is re-evaluated only when Newton fails to converge with the current
//!   one (or every 50 steps), and `M` is refactored only when `h/α_q` changes;
//! - the step size changes only after `q + 1` equal steps, when the order is
//!   also chosen among `q − 1, q, q + 1` by the estimated local errors;
//! - the error estimate is `C_{q+1} · (y − y⁰)`.
//!
//! A restart (after a stop) goes back to order 1: BDF pays for every dose,
//! which is why Rosenbrock methods are the default for dosing schedules.
//!
//! [`Bdf::krylov`] is the same method with Newton–Krylov linear solves
//! (GMRES preconditioned by cell and by species, [`super::krylov`]) for
//! systems on grids: `M` is then never factored.

use super::dae::{dae_refused, Consistency, Context};
use super::driver::{check_finite, check_state, h_min, initial_step_guess, Stepper};
use super::failure::{dominant, first_non_finite, FailureLog, Rejection};
use super::jacobian::{IterationMatrix, JacobianEvaluator};
use super::krylov::KrylovSolver;
use super::{JacobianStructure, OdeSystem, Options, Stats};
use crate::error::{Result, SaspError, SolveErrorKind};

const MAX_ORDER: usize = 5;
const NEWTON_MAXITER: usize = 4;
const MIN_FACTOR: f64 = 0.2;
const MAX_FACTOR: f64 = 10.0;
/// The sensitivity part of a staggered corrector stops when its estimated
/// iteration error, as it would enter the local error estimate, is at most
/// this share of the error test's bound (CVODES's `nlscoef` is 0.1).
const SENSITIVITY_NEWTON_COEF: f64 = 0.03;
/// The carried contraction rate of the sensitivity part decays at most by
/// this factor per iteration (CVODES's `CRDOWN`).
const RATE_DECAY: f64 = 0.3;
/// GMRES stops at this fraction of the Newton tolerance.
const KRYLOV_FRACTION: f64 = 0.3;
/// Re-evaluate the Jacobian at least this often (steps).
const JACOBIAN_AGE: usize = 50;

/// NDF coefficients κ_q (Shampine & Reichelt 1997): the numerical
/// differentiation formulas trade a little stability (orders 1–4) for smaller
/// error constants; κ = 0 gives the classical BDF.
const KAPPA: [f64; MAX_ORDER + 2] = [0.0, -0.1850, -1.0 / 9.0, -0.0823, -0.0415, 0.0, 0.0];

/// `γ_q = Σ_{i≤q} 1/i`, q = 0..=6.
const GAMMA: [f64; MAX_ORDER + 2] =
    [0.0, 1.0, 1.5, 1.5 + 1.0 / 3.0, 1.5 + 1.0 / 3.0 + 0.25, 1.5 + 1.0 / 3.0 + 0.25 + 0.2, 2.45];

/// `γ_q`.
#[inline]
fn gamma(q: usize) -> f64 {
    GAMMA[q]
}

/// `α_q = (1 − κ_q) γ_q`.
#[inline]
fn alpha(q: usize) -> f64 {
    (1.0 - KAPPA[q]) * GAMMA[q]
}

/// Error constant of order `q`: `κ_q γ_q + 1/(q + 1)`.
#[inline]
fn error_const(q: usize) -> f64 {
    KAPPA[q] * GAMMA[q] + 1.0 / (q as f64 + 1.0)
}

/// Newton's tolerances on the weighted RMS norm of its iteration error.
#[derive(Clone, Copy)]
struct Tolerances {
    /// For the states (all components unless the corrector is staggered):
    /// `max(10ε/rtol, min(0.03, √rtol))` (Hairer & Wanner's `fnewt`).
    states: f64,
    /// For the sensitivity part of a staggered corrector:
    /// `SENSITIVITY_NEWTON_COEF / C_{q+1}`, so that the iteration error
    /// enters the local error estimate `C_{q+1}‖y − y⁰‖` at most that share
    /// of its bound of 1 (CVODES's test).
    sensitivities: f64,
}

/// The matrix `R(order, factor)` that rescales the differences for a step-size
/// ratio `factor` (Shampine & Reichelt, eq. 2.5), written into `out` (row-major, (q+1)²).
fn compute_r(order: usize, factor: f64, out: &mut [f64]) {
    let m = order + 1;
    out[..m * m].fill(0.0);
    for j in 0..m {
        out[j] = 1.0;
    }
    for i in 1..m {
        for j in 0..m {
            let prev = out[(i - 1) * m + j];
            let entry = if j == 0 { 0.0 } else { (i as f64 - 1.0 - factor * j as f64) / i as f64 };
            out[i * m + j] = prev * entry;
        }
    }
}

/// How the Newton iteration solves with `M = I − (h/α) J`. (Created once per
/// solve, so the size difference between variants does not matter.)
#[derive(Clone, Debug)]
#[allow(clippy::large_enum_variant)]
enum LinearSolve {
    /// Factor `M` (dense, banded or sparse LU).
    Direct(IterationMatrix),
    /// GMRES with an operator-split preconditioner (grids).
    Krylov(KrylovSolver),
}

/// The BDF method as a [`Stepper`].
#[derive(Clone, Debug)]
pub struct Bdf {
    opt: Options,
    n: usize,
    t: f64,
    t_prev: f64,
    h: f64,
    order: usize,
    /// Highest order the method may use (1..=5).
    max_order: usize,
    n_equal_steps: usize,
    /// Differences, `D_j` at `d[j·n..(j+1)·n]`, j = 0..MAX_ORDER+2.
    d: Vec<f64>,
    y: Vec<f64>,
    y_pred: Vec<f64>,
    psi: Vec<f64>,
    /// Error weights `1/(atol + rtol·|y|)`.
    scale: Vec<f64>,
    f: Vec<f64>,
    corr: Vec<f64>,
    dy: Vec<f64>,
    work: Vec<f64>,
    r: Vec<f64>,
    u: Vec<f64>,
    jac: JacobianEvaluator,
    linear: LinearSolve,
    /// Is there a Jacobian to factor with?
    jac_valid: bool,
    /// Was it evaluated during the current step attempt?
    jac_current: bool,
    /// Accepted steps since it was evaluated.
    jac_age: usize,
    factored_for: f64,
    /// The contraction rate of a staggered corrector's sensitivity part,
    /// carried from step to step; NaN (unknown) after the iteration matrix
    /// changes.
    sensitivity_rate: f64,
    stats: Stats,
    /// Diagnostics of the last rejected attempts, for a failure report.
    log: FailureLog,
    /// For a differential–algebraic system, its consistent initialization.
    consistency: Option<Consistency>,
    /// A staggered corrector's leading block: Newton converges on
    /// components `0..k` first, then on the rest with those held.
    stagger: Option<usize>,
    /// The components the local error test weighs: `0..tested` (all of
    /// them unless [`Bdf::with_error_test_on`] leaves the rest out).
    tested: usize,
}

impl Bdf {
    /// A BDF method for `system`, factoring its iteration matrices.
    pub fn new<S: OdeSystem>(system: &S, options: Options) -> Result<Bdf> {
        let jac = JacobianEvaluator::new(system);
        let matrix = IterationMatrix::new(jac.structure(), system.dimension())
            .with_algebraic(jac.structure(), system.algebraic_components());
        Bdf::with_linear_solve(system, options, jac, LinearSolve::Direct(matrix))
    }

    /// A BDF method whose Newton iterations solve by GMRES, preconditioned by
    /// the per-cell reaction blocks and per-species transport solves, for a
    /// system that declares its [`super::CellLayout`] and a sparse Jacobian.
    pub fn krylov<S: OdeSystem>(system: &S, options: Options) -> Result<Bdf> {
        if !system.algebraic_components().is_empty() {
            return Err(dae_refused("bdf-krylov"));
        }
        let jac = JacobianEvaluator::new(system);
        let (Some(layout), JacobianStructure::Sparse(pattern)) = (system.cell_layout(), jac.structure()) else {
            return Err(SaspError::InvalidOptions(
                "bdf-krylov needs a system on a grid of cells (OdeSystem::cell_layout) with a sparse Jacobian".into(),
            ));
        };
        let linear = LinearSolve::Krylov(KrylovSolver::new(pattern, layout)?);
        Bdf::with_linear_solve(system, options, jac, linear)
    }

    fn with_linear_solve<S: OdeSystem>(
        system: &S,
        options: Options,
        jac: JacobianEvaluator,
        linear: LinearSolve,
    ) -> Result<Bdf> {
        let n = system.dimension();
        options.validate(n)?;
        let v = || vec![0.0; n];
        let m = MAX_ORDER + 1;
        let consistency = Consistency::new(system, jac.structure());
        Ok(Bdf {
            consistency,
            opt: options,
            n,
            t: 0.0,
            t_prev: 0.0,
            h: 0.0,
            order: 1,
            max_order: MAX_ORDER,
            n_equal_steps: 0,
            d: vec![0.0; (MAX_ORDER + 3) * n],
            y: v(),
            y_pred: v(),
            psi: v(),
            scale: v(),
            f: v(),
            corr: v(),
            dy: v(),
            work: vec![0.0; m * n],
            r: vec![0.0; m * m],
            u: vec![0.0; m * m],
            jac,
            linear,
            jac_valid: false,
            jac_current: false,
            jac_age: 0,
            factored_for: f64::NAN,
            sensitivity_rate: f64::NAN,
            stats: Stats::default(),
            log: FailureLog::default(),
            stagger: None,
            tested: n,
        })
    }

    /// Forgets the step size, so that the next [`Stepper::reset`] chooses
    /// its first step afresh (as at the start) instead of going on with the
    /// last one: for a restart after a jump that starts a new transient.
    pub fn forget_step_size(&mut self) {
        self.h = 0.0;
    }

    /// Caps the order (1..=5), e.g. to measure the convergence of one formula.
    pub fn with_max_order(mut self, q: usize) -> Result<Bdf> {
        if !(1..=MAX_ORDER).contains(&q) {
            return Err(SaspError::InvalidOptions(format!("BDF order must be 1 to {MAX_ORDER}, not {q}")));
        }
        self.max_order = q;
        Ok(self)
    }

    /// Solves its Newton systems with `matrix` instead of the default solver
    /// for the system's Jacobian structure (see [`IterationMatrix`]); also
    /// turns a Newton–Krylov BDF into a direct one.
    pub fn with_iteration_matrix(mut self, matrix: IterationMatrix) -> Result<Bdf> {
        if matrix.dim() != self.n {
            return Err(SaspError::InvalidOptions(format!(
                "linear solver of dimension {} for a system of {}",
                matrix.dim(),
                self.n
            )));
        }
        let algebraic = self.consistency.as_ref().map_or(&[][..], |c| c.components());
        self.linear = LinearSolve::Direct(matrix.with_algebraic(self.jac.structure(), algebraic));
        self.factored_for = f64::NAN;
        Ok(self)
    }

    /// A *staggered corrector* (CVODES's `CV_STAGGERED`) for a system
    /// whose components `leading..` depend on `0..leading` but not the
    /// reverse, and whose iteration matrix is block diagonal with a block
    /// of size `leading` first (a variational system: states, then their
    /// sensitivities, [`super::sensitivity`]). Each step's Newton iteration
    /// converges on the leading block first, then on the rest with it held:
    /// the trailing blocks then see a fixed leading block, and the coupling
    /// the block-diagonal matrix leaves out (`∂(J s)/∂y`) no longer slows
    /// or stops their convergence. Each part has its own convergence test.
    pub(crate) fn with_staggered_corrector(mut self, leading: usize) -> Result<Bdf> {
        if leading == 0
            || leading > self.n
            || self.consistency.is_some()
            || !matches!(self.linear, LinearSolve::Direct(_))
        {
            return Err(SaspError::InvalidOptions(format!(
                "a staggered corrector needs an ordinary system with a direct linear solver and a leading block of 1 to {} components, not {leading}",
                self.n
            )));
        }
        self.stagger = Some(leading);
        Ok(self)
    }

    /// Weighs only the components `0..leading` in the local error test and
    /// the choice of order and step (CVODES's `errconS = false` for a
    /// variational system: the states' error chooses the steps, and the
    /// sensitivities follow them; their Newton iteration still converges
    /// in their own weights).
    pub(crate) fn with_error_test_on(mut self, leading: usize) -> Result<Bdf> {
        if leading == 0 || leading > self.n {
            return Err(SaspError::InvalidOptions(format!(
                "an error test on the leading 1 to {} components, not {leading}",
                self.n
            )));
        }
        self.tested = leading;
        Ok(self)
    }

    /// Evaluates the Jacobian at the predicted point `(t_new, y⁰)`.
    fn evaluate_jacobian<S: OdeSystem>(&mut self, system: &S, t_new: f64) {
        self.jac.evaluate(system, t_new, &self.y_pred, None, &mut self.stats);
        self.jac_valid = true;
        self.jac_current = true;
        self.jac_age = 0;
        self.factored_for = f64::NAN;
        if let LinearSolve::Krylov(k) = &mut self.linear {
            k.invalidate();
        }
    }

    fn diff(&self, j: usize) -> &[f64] {
        &self.d[j * self.n..(j + 1) * self.n]
    }

    /// Rescales the differences for a new step size `h·factor`.
    fn change_step(&mut self, factor: f64) {
        let (q, n) = (self.order, self.n);
        let m = q + 1;
        compute_r(q, factor, &mut self.r);
        compute_r(q, 1.0, &mut self.u);
        // RU = R·U; D[0..=q] ← (RU)ᵀ D[0..=q]. Each new D_k is assigned by
        // its first term, not cleared first.
        let mut started = [false; MAX_ORDER + 1];
        for i in 0..m {
            for k in 0..m {
                let mut ru = 0.0;
                for l in 0..m {
                    ru += self.r[i * m + l] * self.u[l * m + k];
                }
                // new D_k += RU[i][k] · D_i
                if ru != 0.0 {
                    let (src, dst) = (&self.d[i * n..(i + 1) * n], &mut self.work[k * n..(k + 1) * n]);
                    if std::mem::replace(&mut started[k], true) {
                        for (w, &x) in dst.iter_mut().zip(src) {
                            *w += ru * x;
                        }
                    } else {
                        for (w, &x) in dst.iter_mut().zip(src) {
                            *w = ru * x;
                        }
                    }
                }
            }
        }
        for k in (0..m).filter(|&k| !started[k]) {
            self.work[k * n..(k + 1) * n].fill(0.0);
        }
        self.d[..m * n].copy_from_slice(&self.work[..m * n]);
        self.h *= factor;
        self.n_equal_steps = 0;
    }

    /// Weighted RMS norm with the weights `1/scale` in `self.scale`, over
    /// the components the error test weighs.
    fn rms(&self, v: &[f64]) -> f64 {
        super::weighted_rms(&v[..self.tested], &self.scale[..self.tested])
    }

    /// Simplified Newton for the corrector: from `y = y⁰` (and `d = 0`),
    ///
    /// ```text
    /// M Δ = c·f(t_new, y) − ψ − d,   y ← y + Δ,   d ← d + Δ      (c = h/α_q)
    /// ```
    ///
    /// stopping when the estimated distance to the solution
    /// `ρ/(1 − ρ)·‖Δ‖ < tol` (ρ the observed contraction rate `‖Δ_k‖/‖Δ_{k−1}‖`)
    /// and giving up when `ρ ≥ 1` or when even `NEWTON_MAXITER` iterations at
    /// that rate would not reach the tolerance. The sensitivity part of a
    /// staggered corrector (linear in the sensitivities, so one iteration
    /// with a current matrix solves it) tests as CVODES does instead: its
    /// rate is carried from step to step, `ρ ← max(0.3·ρ, ‖Δ_k‖/‖Δ_{k−1}‖)`,
    /// unknown again when the matrix changes, and it stops when
    /// `ρ/(1 − ρ)·‖Δ‖ ≤ tol` (`‖Δ‖ ≤ tol` while `ρ` is unknown) at its looser
    /// [`Tolerances::sensitivities`]: most steps take one iteration there,
    /// where a rate measured within the step needs two. Returns the number of
    /// iterations it needed, or why it failed and the component that
    /// dominated (the largest weighted correction, or the first non-finite
    /// derivative); the correction norms go to the failure log.
    fn newton<S: OdeSystem>(
        &mut self,
        system: &S,
        t_new: f64,
        c: f64,
        tol: Tolerances,
    ) -> std::result::Result<usize, (Rejection, Option<usize>)> {
        self.y.copy_from_slice(&self.y_pred);
        self.corr.fill(0.0);
        self.dy.fill(0.0);
        self.log.newton_start();
        match self.stagger {
            None => self.newton_on(system, t_new, c, tol.states, 0..self.n),
            Some(k) => {
                let leading = self.newton_on(system, t_new, c, tol.states, 0..k)?;
                if k == self.n {
                    return Ok(leading);
                }
                self.dy[..k].fill(0.0);
                // The step-size safety sees both parts' iterations (the larger
                // of the two alone took Boehm's gradient from 5.0 to 7.8 ms:
                // more rejected steps).
                Ok(leading + self.newton_on(system, t_new, c, tol.sensitivities, k..self.n)?)
            }
        }
    }

    /// [`Bdf::newton`]'s iteration on the components `part` (all of them,
    /// or one part of a staggered corrector), the others held.
    fn newton_on<S: OdeSystem>(
        &mut self,
        system: &S,
        t_new: f64,
        c: f64,
        tol: f64,
        part: std::ops::Range<usize>,
    ) -> std::result::Result<usize, (Rejection, Option<usize>)> {
        let mut dy_norm_old: Option<f64> = None;
        let carried = part.start > 0;
        for k in 0..NEWTON_MAXITER {
            if part.start == 0 && part.end < self.n {
                system.rhs_leading(t_new, &self.y, &mut self.f, part.end);
            } else if part.start > 0 {
                system.rhs_trailing(t_new, &self.y, &mut self.f, part.start);
            } else {
                system.rhs(t_new, &self.y, &mut self.f);
            }
            self.stats.rhs_evals += 1;
            let krylov = matches!(self.linear, LinearSolve::Krylov(_));
            // A direct solve carries a non-finite derivative into the
            // correction's norm, checked below; GMRES must not see one.
            if krylov {
                if let Some(bad) = first_non_finite(&self.f[part.clone()]) {
                    return Err((Rejection::NonFinite, Some(part.start + bad)));
                }
            }
            {
                let r = part.clone();
                let (f, psi, corr) = (&self.f[r.clone()], &self.psi[r.clone()], &self.corr[r.clone()]);
                for (((d, &f), &psi), &corr) in self.dy[r].iter_mut().zip(f).zip(psi).zip(corr) {
                    *d = c * f - psi - corr;
                }
            }
            if let Some(dae) = &self.consistency {
                // M (ψ + corr) is 0 on the algebraic rows.
                for &i in dae.components() {
                    self.dy[i] = c * self.f[i];
                }
            }
            let dy = &mut self.dy[part.clone()];
            match &mut self.linear {
                LinearSolve::Direct(matrix) => matrix.solve_part(dy, part.start, &mut self.stats),
                LinearSolve::Krylov(k) => {
                    // Inexact Newton: the linear residual is kept well below the Newton tolerance.
                    if !k.solve(&self.jac.values, dy, &self.scale, KRYLOV_FRACTION * tol, &mut self.stats) {
                        return Err(self.newton_failure());
                    }
                }
            }
            // y ← y + Δ, d ← d + Δ and ‖Δ‖ in one pass (on a failure below
            // the next attempt starts again from y⁰).
            let mut sum = 0.0;
            {
                let r = part.clone();
                let (dy, scale) = (&self.dy[r.clone()], &self.scale[r.clone()]);
                for (((y, corr), &d), &w) in self.y[r.clone()].iter_mut().zip(&mut self.corr[r]).zip(dy).zip(scale) {
                    *y += d;
                    *corr += d;
                    let weighted = d * w;
                    sum += weighted * weighted;
                }
            }
            let dy_norm = (sum / part.len().max(1) as f64).sqrt();
            if !dy_norm.is_finite() {
                if let Some(bad) = first_non_finite(&self.f[part.clone()]) {
                    return Err((Rejection::NonFinite, Some(part.start + bad)));
                }
            }
            self.log.newton_iteration(dy_norm);
            let rate = dy_norm_old.map(|old| dy_norm / old);
            if let Some(rate) = rate {
                if rate >= 1.0 || rate.powi((NEWTON_MAXITER - k) as i32) / (1.0 - rate) * dy_norm > tol {
                    return Err(self.newton_failure());
                }
                if carried {
                    let before = self.sensitivity_rate;
                    self.sensitivity_rate = if before.is_nan() { rate } else { (RATE_DECAY * before).max(rate) };
                }
            }
            let converged = if carried {
                let rate = self.sensitivity_rate;
                rate.is_nan() && dy_norm <= tol || rate / (1.0 - rate) * dy_norm <= tol
            } else {
                dy_norm == 0.0 || rate.is_some_and(|rate| rate / (1.0 - rate) * dy_norm < tol)
            };
            if converged {
                return Ok(k + 1);
            }
            dy_norm_old = Some(dy_norm);
        }
        Err(self.newton_failure())
    }

    /// Keeps the history of a failed Newton iteration; names the component
    /// of its largest weighted correction.
    fn newton_failure(&mut self) -> (Rejection, Option<usize>) {
        self.log.newton_failed();
        let scale = &self.scale;
        (Rejection::Newton, dominant(&self.dy, |i| scale[i]))
    }

    /// Phase 1, the predictor: with `α_q = (1 − κ_q) γ_q`,
    ///
    /// ```text
    /// y⁰ = Σ_{j=0..q} D_j,    ψ = (1/α_q) Σ_{j=1..q} γ_j D_j,
    /// ```
    ///
    /// and the error weights `wᵢ = 1/(atolᵢ + rtol·|y⁰ᵢ|)` for the Newton norm.
    fn predict(&mut self, q: usize) {
        let n = self.n;
        let alpha = alpha(q);
        self.y_pred.copy_from_slice(&self.d[..n]);
        self.psi.fill(0.0);
        for j in 1..=q {
            let g = gamma(j) / alpha;
            let dj = &self.d[j * n..(j + 1) * n];
            for ((y, psi), &d) in self.y_pred.iter_mut().zip(&mut self.psi).zip(dj) {
                *y += d;
                *psi += g * d;
            }
        }
        self.opt.atol.weights(self.opt.rtol, &self.y_pred, &mut self.scale);
    }

    /// Phase 2, the corrector: solves `y − c·f(t_new, y) = y⁰ − ψ`
    /// (`c = h/α_q`) by [`Bdf::newton`] with `M = I − c·J`, evaluating `J`
    /// if there is none and factoring `M` if `c` changed; when Newton fails
    /// with an old `J`, retries once with a fresh one. Returns the Newton
    /// iterations, or why the attempt failed (a singular `M` with its pivot
    /// column, Newton divergence, a non-finite right-hand side).
    fn correct<S: OdeSystem>(
        &mut self,
        system: &S,
        t_new: f64,
        c: f64,
        tol: Tolerances,
    ) -> std::result::Result<usize, (Rejection, Option<usize>)> {
        loop {
            // A Krylov preconditioner rebuilt for a new `c` is rebuilt
            // from a fresh Jacobian: the rebuild is paid anyway, the
            // evaluation costs a fraction of it, and a stale Jacobian is
            // what makes Newton fail and a step be retried.
            let rebuilding = match &self.linear {
                LinearSolve::Krylov(k) => k.needs_setup(c),
                LinearSolve::Direct(_) => false,
            };
            if !self.jac_valid || (rebuilding && !self.jac_current) {
                self.evaluate_jacobian(system, t_new);
            }
            if c != self.factored_for {
                let prepared = match &mut self.linear {
                    LinearSolve::Direct(matrix) => matrix.factor(&self.jac.values, -c, 1.0, &mut self.stats),
                    LinearSolve::Krylov(k) => k.prepare(&self.jac.values, c, &mut self.stats),
                };
                if let Err(singular) = prepared {
                    self.factored_for = f64::NAN;
                    return Err((Rejection::Singular, Some(singular.column)));
                }
                self.factored_for = c;
                self.sensitivity_rate = f64::NAN;
            }
            match self.newton(system, t_new, c, tol) {
                Ok(k) => return Ok(k),
                Err(failure) if self.jac_current => return Err(failure),
                // Retry with a fresh Jacobian before shrinking the step.
                Err(_) => self.evaluate_jacobian(system, t_new),
            }
        }
    }

    /// Phase 3, the error test: with the weights `wᵢ = 1/(atolᵢ + rtol·|yᵢ|)`
    /// of the corrected `y`, the local error estimate of order `q` is
    ///
    /// ```text
    /// ‖err‖ = C_{q+1} · ‖y − y⁰‖,   C_{q+1} = κ_q γ_q + 1/(q + 1).
    /// ```
    fn local_error(&mut self, q: usize) -> f64 {
        self.opt.atol.weights(self.opt.rtol, &self.y, &mut self.scale);
        error_const(q) * self.rms(&self.corr)
    }

    /// Phase 4a, accept: `t ← t_new` and the differences updated with
    /// `d = y − y⁰`:
    ///
    /// ```text
    /// D_{q+2} = d − D_{q+1},   D_{q+1} = d,   D_j ← D_j + D_{j+1}  (j = q, …, 0).
    /// ```
    fn accept(&mut self, t_new: f64, q: usize) {
        let n = self.n;
        self.stats.steps += 1;
        self.log.accepted();
        self.t_prev = self.t;
        self.t = t_new;
        self.jac_current = false;
        self.jac_age += 1;
        if self.jac_age >= JACOBIAN_AGE {
            self.jac_valid = false;
        }
        {
            let (dq1, dq2) = self.d[(q + 1) * n..(q + 3) * n].split_at_mut(n);
            for ((d2, d1), &corr) in dq2.iter_mut().zip(dq1.iter_mut()).zip(&self.corr) {
                *d2 = corr - *d1;
                *d1 = corr;
            }
        }
        for j in (0..=q).rev() {
            let (lo, hi) = self.d.split_at_mut((j + 1) * n);
            let dj = &mut lo[j * n..];
            for (a, &b) in dj.iter_mut().zip(&hi[..n]) {
                *a += b;
            }
        }
        self.n_equal_steps += 1;
    }

    /// Phase 4b, order and step-size selection after `q + 1` equal steps:
    /// the error estimates of orders `q − 1` and `q + 1`,
    ///
    /// ```text
    /// err₋ = C_q ‖D_q‖,   err₊ = C_{q+2} ‖D_{q+2}‖,
    /// ```
    ///
    /// give the factors `err₋^(−1/q)`, `err^(−1/(q+1))`, `err₊^(−1/(q+2))`;
    /// the order with the largest one is taken and `h` is multiplied by
    /// `min(safety·factor, MAX_FACTOR)`. With fixed steps the order climbs
    /// to the highest allowed and `h` never changes.
    fn select_order_and_step(&mut self, q: usize, error_norm: f64, safety: f64) {
        if self.n_equal_steps < q + 1 {
            return;
        }
        if self.opt.fixed_step.is_some() {
            // Fixed steps: climb to the highest allowed order, never change h.
            if q < self.max_order {
                self.order += 1;
                self.n_equal_steps = 0;
            }
            return;
        }
        let err_m = if q > 1 { error_const(q - 1) * self.rms(self.diff(q)) } else { f64::INFINITY };
        let err_p = if q < self.max_order { error_const(q + 1) * self.rms(self.diff(q + 2)) } else { f64::INFINITY };
        let factors = [
            err_m.powf(-1.0 / q as f64),
            error_norm.max(1e-10).powf(-1.0 / (q as f64 + 1.0)),
            err_p.powf(-1.0 / (q as f64 + 2.0)),
        ];
        let best = (0..3).max_by(|&a, &b| factors[a].total_cmp(&factors[b])).unwrap_or(1);
        self.order = q + best - 1;
        let factor = (safety * factors[best]).min(MAX_FACTOR);
        self.change_step(factor);
    }

    /// The failure report at the current `(t, h)`: `kind` when given, else
    /// what the last rejections point to; with the condition estimate of
    /// `M` when Newton was what failed (direct solves only).
    fn failure<S: OdeSystem>(&mut self, kind: Option<SolveErrorKind>, system: &S) -> SaspError {
        let condition = match &mut self.linear {
            LinearSolve::Direct(matrix) if self.log.last_was_newton() && !self.factored_for.is_nan() => {
                Some(matrix.condition_estimate(self.jac.structure(), &self.jac.values, -self.factored_for, 1.0))
            }
            _ => None,
        };
        let name = self.name();
        let mut e = self.log.error(kind, name, system, self.t, self.h, &self.d[..self.n]);
        e.condition = e.condition.or(condition);
        e.into()
    }
}

impl Stepper for Bdf {
    fn name(&self) -> &'static str {
        match self.linear {
            LinearSolve::Direct(_) => "bdf",
            LinearSolve::Krylov(_) => "bdf-krylov",
        }
    }

    fn solves_dae(&self) -> bool {
        matches!(self.linear, LinearSolve::Direct(_))
    }

    fn make_consistent<S: OdeSystem>(&mut self, system: &S, t: f64, y: &mut [f64]) -> Result<()> {
        let name = self.name();
        let Some(c) = &mut self.consistency else { return Ok(()) };
        // `f` is scratch here: the next reset evaluates it again.
        c.apply(
            Context { system, jac: &mut self.jac, t, options: &self.opt, stats: &mut self.stats, method: name },
            y,
            &mut self.f,
        )?;
        self.jac_valid = false;
        Ok(())
    }

    fn reset<S: OdeSystem>(&mut self, system: &S, t: f64, y: &[f64]) -> Result<()> {
        check_state(self.n, system, y)?;
        let n = self.n;
        self.t = t;
        self.t_prev = t;
        self.y.copy_from_slice(y);
        let name = self.name();
        match &mut self.consistency {
            None => {
                system.rhs(t, y, &mut self.f);
                self.stats.rhs_evals += 1;
            }
            Some(c) => c.apply(
                Context { system, jac: &mut self.jac, t, options: &self.opt, stats: &mut self.stats, method: name },
                &mut self.y,
                &mut self.f,
            )?,
        }
        let y = &self.y[..];
        check_finite(self.name(), system, t, self.h, &self.f)?;
        let h = match (self.h, self.opt.h0) {
            (h, _) if h > 0.0 => h,
            (_, Some(h0)) => h0,
            _ => {
                let (a, b) = self.work.split_at_mut(n);
                initial_step_guess(system, t, y, &self.f, 1, &self.opt, (a, &mut b[..n]), &mut self.stats)
            }
        };
        self.h = h.min(self.opt.h_max);
        self.d.fill(0.0);
        self.d[..n].copy_from_slice(y);
        for i in 0..n {
            self.d[n + i] = self.f[i] * self.h;
        }
        self.order = 1;
        self.n_equal_steps = 0;
        self.jac_valid = false;
        self.jac_current = false;
        self.factored_for = f64::NAN;
        Ok(())
    }

    /// One accepted step: predict (`Bdf::predict`), correct by Newton
    /// (`Bdf::correct`), test the local error (`Bdf::local_error`), then
    /// accept (`Bdf::accept`) and choose the next order and step size
    /// (`Bdf::select_order_and_step`), or reject and retry with a smaller
    /// step (halved after a Newton failure; by
    /// `max(safety·‖err‖^(−1/(q+1)), MIN_FACTOR)` after an error-test failure).
    fn step<S: OdeSystem>(&mut self, system: &S, t_stop: f64) -> Result<()> {
        let newton_tol = (10.0 * f64::EPSILON / self.opt.rtol).max(0.03f64.min(self.opt.rtol.sqrt()));
        if let Some(fixed) = self.opt.fixed_step {
            if self.h != fixed {
                self.change_step(fixed / self.h);
            }
        }
        loop {
            if self.stats.steps + self.stats.rejected >= self.opt.max_steps {
                let kind = SolveErrorKind::TooManySteps { max_steps: self.opt.max_steps, t_end: t_stop };
                return Err(self.failure(Some(kind), system));
            }
            if self.h > self.opt.h_max {
                self.change_step(self.opt.h_max / self.h);
            }
            // Land exactly on the stop.
            if self.t + self.h > t_stop - 1e-12 * (t_stop - self.t).abs().max(h_min(self.t)) {
                let factor = (t_stop - self.t) / self.h;
                self.change_step(factor);
            }
            let h = self.h;
            if h <= h_min(self.t) {
                return Err(self.failure(None, system));
            }
            let q = self.order;
            // A step stretched to the stop may fall short of it by rounding;
            // the rest would be a step below the smallest.
            let t_new = if self.t + h >= t_stop - h_min(t_stop) { t_stop } else { self.t + h };
            self.predict(q);
            let c = h / alpha(q);
            let tol = Tolerances { states: newton_tol, sensitivities: SENSITIVITY_NEWTON_COEF / error_const(q) };
            let iterations = match self.correct(system, t_new, c, tol) {
                Ok(k) => k,
                Err((reason, component)) => {
                    self.log.rejected(reason, component);
                    self.stats.rejected += 1;
                    self.change_step(0.5);
                    continue;
                }
            };
            // Step-size safety shrinks when Newton needed many iterations.
            let safety = 0.9 * (2 * NEWTON_MAXITER + 1) as f64 / (2 * NEWTON_MAXITER + iterations) as f64;
            let error_norm = self.local_error(q);
            if error_norm > 1.0 && self.opt.fixed_step.is_none() {
                let scale = &self.scale;
                let component = dominant(&self.corr[..self.tested], |i| scale[i]);
                self.log.rejected(Rejection::ErrorTest, component);
                self.stats.rejected += 1;
                let factor = (safety * error_norm.powf(-1.0 / (q as f64 + 1.0))).max(MIN_FACTOR);
                self.change_step(factor);
                continue;
            }
            self.accept(t_new, q);
            self.select_order_and_step(q, error_norm, safety);
            return Ok(());
        }
    }

    fn t(&self) -> f64 {
        self.t
    }

    fn y(&self) -> &[f64] {
        &self.d[..self.n]
    }

    fn t_prev(&self) -> f64 {
        self.t_prev
    }

    /// The interpolating polynomial through the last `q + 1` points:
    /// `y(t) = D₀ + Σ_{j=1..q} D_j Π_{m<j} (t − t_n + m h)/((m + 1) h)`.
    ///
    /// The differences may have been rescaled for the next step size and order
    /// at the end of the step; they still describe the same polynomial, so the
    /// current `h` and order are the right ones to evaluate it with.
    fn interpolate(&self, t: f64, out: &mut [f64]) {
        let n = self.n;
        out.copy_from_slice(&self.d[..n]);
        if self.t == self.t_prev {
            return;
        }
        let h = self.h;
        let mut p = 1.0;
        for j in 1..=self.order {
            let m = (j - 1) as f64;
            p *= (t - (self.t - m * h)) / ((m + 1.0) * h);
            let dj = &self.d[j * n..(j + 1) * n];
            for i in 0..n {
                out[i] += dj[i] * p;
            }
        }
    }

    fn stats(&self) -> Stats {
        self.stats
    }
}
