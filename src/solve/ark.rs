//! IMEX additive Runge–Kutta: ARK4(3)6L\[2\]SA of Kennedy & Carpenter (2003),
//! for `y' = f_E(t, y) + f_I(t, y)` with a non-stiff part `f_E` treated
//! explicitly and a stiff part `f_I` implicitly (on grids: transport
//! implicit and reactions explicit, or the reverse where the stiffness sits
//! in the reactions).
//!
//! One step of size `h` from `(t_n, y_n)` computes six stages `Z_i` (with
//! `Z_1 = y_n`) and their derivatives `E_i = f_E(t_n + c_i h, Z_i)`,
//! `I_i = f_I(t_n + c_i h, Z_i)`:
//!
//! ```text
//! Z_i = y_n + h Σ_{j<i} (a^E_ij E_j + a^I_ij I_j) + h γ f_I(t_n + c_i h, Z_i),   i = 2..6,
//! y_{n+1} = y_n + h Σ_i b_i (E_i + I_i),
//! ŷ_{n+1} = y_n + h Σ_i b̂_i (E_i + I_i),
//! ```
//!
//! `A^E` strictly lower triangular (an explicit Runge–Kutta method), `A^I`
//! an ESDIRK with an explicit first stage and diagonal `γ = 1/4`, the two
//! sharing the nodes `c` and weights `b` (order 4) and `b̂` (order 3, the
//! embedded error estimate `y_{n+1} − ŷ_{n+1}`). The implicit method is
//! L-stable and stiffly accurate (its last row is `b`). Coefficients: Kennedy
//! & Carpenter, "Additive Runge–Kutta schemes for convection–diffusion–reaction
//! equations", Appl. Numer. Math. 44 (2003) 139–181, Appendix C (the tables
//! SUNDIALS ARKODE ships as `ARK436L2SA_ERK_6_3_4` / `ARK436L2SA_DIRK_6_3_4`);
//! the unit tests check their order conditions.
//!
//! Each implicit stage solves `Z − h γ f_I(t_i, Z) = s_i` by a simplified
//! Newton iteration with `M = I − h γ J_I` (`J_I` the implicit part's
//! Jacobian, analytic or by grouped differences): GMRES with the
//! operator-split preconditioner ([`super::krylov`]) when the implicit system
//! has a [`super::CellLayout`] and a sparse Jacobian, a direct LU of its
//! structure otherwise. `J_I` is kept across stages and steps while Newton
//! converges (re-evaluated after a failure or every 50 steps), a direct `M` is
//! refactored when `h γ` drifts by more than 20 % (ARKODE's rule), GMRES
//! always multiplies by the current `M` and its preconditioner is rebuilt
//! for each new `h γ` (five stage solves share it; building is cheap). `I_i` is re-evaluated at the
//! converged stage, so a part that conserves mass (`Σ f_I = 0`) conserves it
//! to round-off whatever the Newton tolerance.
//!
//! Step sizes come from the embedded estimate in the weighted RMS norm
//! `‖e‖ = sqrt(mean((e_i / (atol_i + rtol·max(|y_i|, |y_new,i|)))²))` with a PI
//! controller `h ← h · 0.9 ‖e_n‖^(−0.7/4) ‖e_{n−1}‖^(0.4/4)` (bounded to
//! `[0.2, 5]`, no growth right after a rejection); a failed error test
//! shrinks `h` by `max(0.2, 0.9 ‖e‖^(−1/4))`, a failed Newton iteration (with
//! a fresh Jacobian) by 4.

use super::driver::{check_finite, h_min};
use super::failure::{dominant, first_non_finite, FailureLog, Rejection};
use super::jacobian::{IterationMatrix, JacobianEvaluator};
use super::krylov::KrylovSolver;
use super::{error_norm, JacobianStructure, OdeSystem, Options, Stats};
use crate::error::{Result, SaspError, SolveErrorKind};

/// Stages of ARK4(3)6L\[2\]SA.
pub const STAGES: usize = 6;

/// The Butcher tables of an additive Runge–Kutta pair: an explicit method
/// `(c, A^E, b)` and a singly diagonally implicit one `(c, A^I, b)` with the
/// same nodes and weights, and the embedded weights `b̂` shared by both.
#[derive(Clone, Debug, PartialEq)]
pub struct ArkTableau {
    /// Nodes `c_i` (row sums of both matrices).
    pub c: [f64; STAGES],
    /// The explicit matrix `A^E` (strictly lower triangular), row by row.
    pub a_explicit: [[f64; STAGES]; STAGES],
    /// The implicit matrix `A^I` (lower triangular, first row zero,
    /// diagonal `γ`), row by row.
    pub a_implicit: [[f64; STAGES]; STAGES],
    /// Weights `b` of the order-4 solution.
    pub b: [f64; STAGES],
    /// Weights `b̂` of the embedded order-3 solution.
    pub b_hat: [f64; STAGES],
    /// The diagonal `γ` of `A^I`.
    pub gamma: f64,
}

/// ARK4(3)6L\[2\]SA (Kennedy & Carpenter 2003, Appendix C): order 4 with an
/// embedded order 3, six stages, `γ = 1/4`, L-stable stiffly accurate ESDIRK.
pub const ARK436L2SA: ArkTableau = ArkTableau {
    c: [0.0, 0.5, 83.0 / 250.0, 31.0 / 50.0, 17.0 / 20.0, 1.0],
    a_explicit: [
        [0.0; STAGES],
        [0.5, 0.0, 0.0, 0.0, 0.0, 0.0],
        [13861.0 / 62500.0, 6889.0 / 62500.0, 0.0, 0.0, 0.0, 0.0],
        [
            -116923316275.0 / 2393684061468.0,
            -2731218467317.0 / 15368042101831.0,
            9408046702089.0 / 11113171139209.0,
            0.0,
            0.0,
            0.0,
        ],
        [
            -451086348788.0 / 2902428689909.0,
            -2682348792572.0 / 7519795681897.0,
            12662868775082.0 / 11960479115383.0,
            3355817975965.0 / 11060851509271.0,
            0.0,
            0.0,
        ],
        [
            647845179188.0 / 3216320057751.0,
            73281519250.0 / 8382639484533.0,
            552539513391.0 / 3454668386233.0,
            3354512671639.0 / 8306763924573.0,
            4040.0 / 17871.0,
            0.0,
        ],
    ],
    a_implicit: [
        [0.0; STAGES],
        [0.25, 0.25, 0.0, 0.0, 0.0, 0.0],
        [8611.0 / 62500.0, -1743.0 / 31250.0, 0.25, 0.0, 0.0, 0.0],
        [5012029.0 / 34652500.0, -654441.0 / 2922500.0, 174375.0 / 388108.0, 0.25, 0.0, 0.0],
        [
            15267082809.0 / 155376265600.0,
            -71443401.0 / 120774400.0,
            730878875.0 / 902184768.0,
            2285395.0 / 8070912.0,
            0.25,
            0.0,
        ],
        [82889.0 / 524892.0, 0.0, 15625.0 / 83664.0, 69875.0 / 102672.0, -2260.0 / 8211.0, 0.25],
    ],
    b: [82889.0 / 524892.0, 0.0, 15625.0 / 83664.0, 69875.0 / 102672.0, -2260.0 / 8211.0, 0.25],
    b_hat: [
        4586570599.0 / 29645900160.0,
        0.0,
        178811875.0 / 945068544.0,
        814220225.0 / 1159782912.0,
        -3700637.0 / 11593932.0,
        61727.0 / 225920.0,
    ],
    gamma: 0.25,
};

/// Newton iterations per stage before the attempt fails.
const NEWTON_MAXITER: usize = 4;
/// Newton stops when the estimated distance to the stage solution is below
/// this, in the weighted RMS norm of the error test.
const NEWTON_TOL: f64 = 0.03;
/// A correction this much larger than the previous one means divergence.
const NEWTON_DIVERGENCE: f64 = 2.0;
/// GMRES stops at this fraction of the Newton tolerance (as in BDF).
const KRYLOV_FRACTION: f64 = 0.3;
/// Refactor a direct `M` when `hγ` has drifted further than this (relative).
const STALE_FACTOR: f64 = 0.2;
/// Re-evaluate the Jacobian at least this often (accepted steps).
const JACOBIAN_AGE: usize = 50;
/// Step-size controller: safety factor, bounds, PI exponents (`k = 4`, the
/// local order of the order-3 estimate).
const SAFETY: f64 = 0.9;
const MIN_FACTOR: f64 = 0.2;
const MAX_FACTOR: f64 = 5.0;
const PI_ALPHA: f64 = 0.7 / 4.0;
const PI_BETA: f64 = 0.4 / 4.0;
/// Step reduction after a Newton failure with a fresh Jacobian.
const NEWTON_SHRINK: f64 = 0.25;

/// How the stages solve with `M = I − hγ J_I`.
#[derive(Clone, Debug)]
#[allow(clippy::large_enum_variant)]
enum LinearSolve {
    /// Factor `M` (dense, banded or sparse LU).
    Direct(IterationMatrix),
    /// GMRES with the operator-split preconditioner (grids).
    Krylov(KrylovSolver),
}

/// Why a step attempt failed: the rejection and the dominating component.
type Failure = (Rejection, Option<usize>);

/// The ARK4(3)6L\[2\]SA integrator (Kennedy & Carpenter 2003) for
/// `y' = f_E(t, y) + f_I(t, y)`, with its workspace: stages
/// `Z_i = y_n + h Σ_{j<i} (a^E_ij E_j + a^I_ij I_j) + hγ f_I(t_n + c_i h, Z_i)`,
/// solution `y_n + h Σ b_i (E_i + I_i)`, error `h Σ (b_i − b̂_i)(E_i + I_i)`
/// ([`ARK436L2SA`]; the [module](self) documents the solves and the step
/// control). Created once for a pair of systems, it can [`Ark::advance`] the
/// state over several intervals (keeping its step size and Jacobian across
/// them, e.g. on either side of a switch that changes one part).
#[derive(Clone, Debug)]
pub struct Ark {
    opt: Options,
    n: usize,
    /// The step size the controller proposes next (0: not chosen yet).
    h: f64,
    /// The previous accepted error norm (PI controller).
    err_prev: f64,
    y: Vec<f64>,
    y_new: Vec<f64>,
    /// Stage derivatives, stage `i` at `[i·n, (i+1)·n)`.
    fe: Vec<f64>,
    fi: Vec<f64>,
    /// The current stage value and its right-hand side `s_i`.
    z: Vec<f64>,
    base: Vec<f64>,
    delta: Vec<f64>,
    err: Vec<f64>,
    /// Error weights `1/(atol + rtol·|y_n|)` for the Newton and GMRES norms.
    weights: Vec<f64>,
    /// Is `fe[0..n]`, `fi[0..n]` the derivative at the current `(t, y)`?
    first_stage_valid: bool,
    jac: JacobianEvaluator,
    linear: LinearSolve,
    jac_valid: bool,
    /// Was the Jacobian evaluated during the current step attempt?
    jac_current: bool,
    jac_age: usize,
    /// The `hγ` a direct `M` was factored for (NaN: none).
    factored_for: f64,
    /// Newton's observed contraction rate, kept across stages and steps.
    rate: f64,
    /// Does the implicit part not depend on `t` (its derivative at the
    /// previous stage then starts the Newton iteration)?
    autonomous: bool,
    stats: Stats,
    log: FailureLog,
}

impl Ark {
    /// An integrator for `y' = f_E + f_I` with `explicit` giving `f_E` and
    /// `implicit` giving `f_I` (and the Jacobian the stages solve with).
    /// Newton–Krylov when `implicit` has a cell layout and a sparse Jacobian,
    /// a direct LU of its Jacobian's structure otherwise.
    ///
    /// Errors: parts of different dimensions, invalid options
    /// ([`Options::validate`]), a cell layout that does not cover the state.
    pub fn new<E: OdeSystem, I: OdeSystem>(explicit: &E, implicit: &I, options: Options) -> Result<Ark> {
        let n = implicit.dimension();
        if explicit.dimension() != n {
            return Err(SaspError::DimensionMismatch {
                what: "explicit part of the IMEX system",
                expected: n,
                found: explicit.dimension(),
            });
        }
        options.validate(n)?;
        let jac = JacobianEvaluator::new(implicit);
        let linear = match (implicit.cell_layout(), jac.structure()) {
            (Some(layout), JacobianStructure::Sparse(pattern)) => {
                LinearSolve::Krylov(KrylovSolver::new(pattern, layout)?)
            }
            (_, structure) => LinearSolve::Direct(IterationMatrix::new(structure, n)),
        };
        let v = || vec![0.0; n];
        Ok(Ark {
            opt: options,
            n,
            h: 0.0,
            err_prev: 1e-4,
            y: v(),
            y_new: v(),
            fe: vec![0.0; STAGES * n],
            fi: vec![0.0; STAGES * n],
            z: v(),
            base: v(),
            delta: v(),
            err: v(),
            weights: v(),
            first_stage_valid: false,
            jac,
            linear,
            jac_valid: false,
            jac_current: false,
            jac_age: 0,
            factored_for: f64::NAN,
            rate: 1.0,
            autonomous: implicit.is_autonomous(),
            stats: Stats::default(),
            log: FailureLog::default(),
        })
    }

    /// `ark4-imex-krylov` when the stages solve by GMRES, else `ark4-imex`.
    pub fn name(&self) -> &'static str {
        match self.linear {
            LinearSolve::Direct(_) => "ark4-imex",
            LinearSolve::Krylov(_) => "ark4-imex-krylov",
        }
    }

    /// Work counters so far (`rhs_evals` counts evaluations of either part).
    pub fn stats(&self) -> Stats {
        self.stats
    }

    /// The step size the controller will try next (0 before the first step).
    pub fn step_size(&self) -> f64 {
        self.h
    }

    /// Integrates `y` in place from `t0` to `t_end` (`t_end ≥ t0`), landing
    /// exactly on `t_end`. The step size and Jacobian carry over to the next
    /// call; a call may pass other systems (the same dimension and Jacobian
    /// structure), e.g. after a switch.
    ///
    /// Errors: a state of the wrong length or not finite, an interval that is
    /// not finite or runs backward, a non-finite derivative at the start, and
    /// the solve's failures ([`SolveErrorKind`]: too many steps, step-size
    /// underflow after repeated error-test or Newton failures, a singular
    /// iteration matrix, non-finite stages).
    pub fn advance<E: OdeSystem, I: OdeSystem>(
        &mut self,
        explicit: &E,
        implicit: &I,
        t0: f64,
        y: &mut [f64],
        t_end: f64,
    ) -> Result<()> {
        let n = self.n;
        for (what, found) in [("initial state", y.len()), ("explicit part", explicit.dimension())] {
            if found != n {
                return Err(SaspError::DimensionMismatch { what, expected: n, found });
            }
        }
        if implicit.dimension() != n {
            return Err(SaspError::DimensionMismatch {
                what: "implicit part",
                expected: n,
                found: implicit.dimension(),
            });
        }
        super::check_problem(n, t0, y, t_end, &[])?;
        self.autonomous = implicit.is_autonomous();
        self.y.copy_from_slice(y);
        self.first_stage_valid = false;
        let mut t = t0;
        while t < t_end {
            if !self.first_stage_valid {
                self.first_stage(explicit, implicit, t)?;
            }
            if self.h <= 0.0 {
                self.h = match (self.opt.fixed_step, self.opt.h0) {
                    (Some(h), _) | (None, Some(h)) => h,
                    (None, None) => self.initial_step(explicit, implicit, t),
                }
                .min(self.opt.h_max);
            }
            t = self.step(explicit, implicit, t, t_end)?;
        }
        y.copy_from_slice(&self.y);
        Ok(())
    }

    /// `E_1 = f_E(t, y)`, `I_1 = f_I(t, y)`; an error if either is not finite.
    fn first_stage<E: OdeSystem, I: OdeSystem>(&mut self, explicit: &E, implicit: &I, t: f64) -> Result<()> {
        let n = self.n;
        explicit.rhs(t, &self.y, &mut self.fe[..n]);
        implicit.rhs(t, &self.y, &mut self.fi[..n]);
        self.stats.rhs_evals += 2;
        check_finite(self.name(), explicit, t, self.h, &self.fe[..n])?;
        check_finite(self.name(), implicit, t, self.h, &self.fi[..n])?;
        self.first_stage_valid = true;
        Ok(())
    }

    /// Hairer's starting step (Solving ODEs I, II.4) for the sum `f = f_E + f_I`
    /// and the local order 4 of the error estimate: `h = min(100 h₀, (0.01 /
    /// max(d₁, d₂))^(1/4))` with `h₀ = 0.01 ‖y‖/‖f‖` and `d₂` the difference
    /// quotient of `f` over an Euler step of `h₀`.
    fn initial_step<E: OdeSystem, I: OdeSystem>(&mut self, explicit: &E, implicit: &I, t: f64) -> f64 {
        let n = self.n;
        let scale = |i: usize, v: f64| self.opt.atol.get(i) + self.opt.rtol * v.abs();
        let (mut d0, mut d1) = (0.0, 0.0);
        for i in 0..n {
            let s = scale(i, self.y[i]);
            let f = self.fe[i] + self.fi[i];
            d0 += (self.y[i] / s).powi(2);
            d1 += (f / s).powi(2);
        }
        let (d0, d1) = ((d0 / n as f64).sqrt(), (d1 / n as f64).sqrt());
        let h0 = if d0 < 1e-5 || d1 < 1e-5 { 1e-6 } else { 0.01 * d0 / d1 };
        for i in 0..n {
            self.z[i] = self.y[i] + h0 * (self.fe[i] + self.fi[i]);
        }
        explicit.rhs(t + h0, &self.z, &mut self.base);
        implicit.rhs(t + h0, &self.z, &mut self.delta);
        self.stats.rhs_evals += 2;
        let mut d2 = 0.0;
        for i in 0..n {
            let df = self.base[i] + self.delta[i] - self.fe[i] - self.fi[i];
            d2 += (df / scale(i, self.y[i])).powi(2);
        }
        let d2 = (d2 / n as f64).sqrt() / h0;
        let h1 = if !d2.is_finite() {
            h0
        } else if d1.max(d2) <= 1e-15 {
            (h0 * 1e-3).max(1e-6)
        } else {
            (0.01 / d1.max(d2)).powf(0.25)
        };
        (100.0 * h0).min(h1)
    }

    /// Evaluates the implicit part's Jacobian at `(t, y_n)`.
    fn evaluate_jacobian<I: OdeSystem>(&mut self, implicit: &I, t: f64) {
        let n = self.n;
        self.jac.evaluate(implicit, t, &self.y, Some(&self.fi[..n]), &mut self.stats);
        self.jac_valid = true;
        self.jac_current = true;
        self.jac_age = 0;
        self.factored_for = f64::NAN;
        self.rate = 1.0;
        if let LinearSolve::Krylov(k) = &mut self.linear {
            k.invalidate();
        }
    }

    /// Makes `M = I − hγ J_I` ready: a direct `M` is refactored when none is
    /// factored or `hγ` drifted by more than 20 % (the simplified Newton
    /// iteration converges with a nearby `M`); GMRES is set to the exact `hγ`
    /// and its preconditioner rebuilt when `hγ` changed.
    fn prepare_matrix(&mut self, hg: f64) -> std::result::Result<(), Failure> {
        let prepared = match &mut self.linear {
            LinearSolve::Direct(matrix) => {
                if !self.factored_for.is_nan() && (hg / self.factored_for - 1.0).abs() <= STALE_FACTOR {
                    return Ok(());
                }
                self.rate = 1.0;
                matrix.factor(&self.jac.values, -hg, 1.0, &mut self.stats)
            }
            LinearSolve::Krylov(k) => {
                // The five stage solves of a step share hγ: a preconditioner
                // built for it (cheap, per-cell blocks and per-mode scalars)
                // saves GMRES iterations that a stale one (`STALE_C` in
                // krylov.rs, tuned for BDF's fewer solves per h) would cost.
                if hg != self.factored_for {
                    k.discard_preconditioner();
                }
                k.prepare(&self.jac.values, hg, &mut self.stats)
            }
        };
        match prepared {
            Ok(()) => {
                self.factored_for = hg;
                Ok(())
            }
            Err(singular) => {
                self.factored_for = f64::NAN;
                Err((Rejection::Singular, Some(singular.column)))
            }
        }
    }

    /// Weighted RMS norm with the Newton weights.
    fn rms(&self, v: &[f64]) -> f64 {
        super::weighted_rms(v, &self.weights)
    }

    /// Solves the stage equation `Z − hγ f_I(t_i, Z) = s_i` (`s_i` in `base`)
    /// by simplified Newton from `Z` as it is in `z`:
    ///
    /// ```text
    /// M Δ = s_i + hγ f_I(t_i, Z) − Z,   Z ← Z + Δ,
    /// ```
    ///
    /// converged when `min(1, ρ)·‖Δ‖ ≤ NEWTON_TOL`, with `ρ` the contraction
    /// rate (`max(0.3 ρ, ‖Δ_k‖/‖Δ_{k−1}‖)`, kept from stage to stage as CVODE
    /// and ARKODE keep it); fails on a correction more than twice the last,
    /// after `NEWTON_MAXITER` iterations, on a GMRES failure or a non-finite
    /// derivative.
    ///
    /// `known` names a stage `j` with `Z = Z_j` and `f_I(t_i, Z) = I_j` (an
    /// autonomous implicit part at the previous stage, the predictor): the
    /// first iteration then reuses `I_j` instead of evaluating `f_I`.
    fn newton<I: OdeSystem>(
        &mut self,
        implicit: &I,
        t_stage: f64,
        hg: f64,
        known: Option<usize>,
    ) -> std::result::Result<(), Failure> {
        let n = self.n;
        self.log.newton_start();
        let mut norm_old = f64::NAN;
        for k in 0..NEWTON_MAXITER {
            match known {
                Some(j) if k == 0 => self.delta.copy_from_slice(&self.fi[j * n..(j + 1) * n]),
                _ => {
                    implicit.rhs(t_stage, &self.z, &mut self.delta);
                    self.stats.rhs_evals += 1;
                }
            }
            if let Some(bad) = first_non_finite(&self.delta) {
                return Err((Rejection::NonFinite, Some(bad)));
            }
            for i in 0..n {
                self.delta[i] = self.base[i] + hg * self.delta[i] - self.z[i];
            }
            match &mut self.linear {
                LinearSolve::Direct(matrix) => matrix.solve(&mut self.delta, &mut self.stats),
                LinearSolve::Krylov(solver) => {
                    if !solver.solve(
                        &self.jac.values,
                        &mut self.delta,
                        &self.weights,
                        KRYLOV_FRACTION * NEWTON_TOL,
                        &mut self.stats,
                    ) {
                        return Err(self.newton_failure());
                    }
                }
            }
            let norm = self.rms(&self.delta);
            self.log.newton_iteration(norm);
            if !norm.is_finite() {
                return Err(self.newton_failure());
            }
            if k > 0 {
                let ratio = norm / norm_old;
                if ratio > NEWTON_DIVERGENCE {
                    return Err(self.newton_failure());
                }
                self.rate = (0.3 * self.rate).max(ratio);
            }
            for i in 0..n {
                self.z[i] += self.delta[i];
            }
            if norm == 0.0 || self.rate.min(1.0) * norm <= NEWTON_TOL {
                return Ok(());
            }
            norm_old = norm;
        }
        Err(self.newton_failure())
    }

    /// Keeps the history of a failed Newton iteration; names the component
    /// of its largest weighted correction.
    fn newton_failure(&mut self) -> Failure {
        self.log.newton_failed();
        let w = &self.weights;
        (Rejection::Newton, dominant(&self.delta, |i| w[i]))
    }

    /// One attempt at a step of size `h` from `(t, y_n)`: the stages, then
    /// `y_{n+1}` in `y_new` and the error estimate in `err`; returns the
    /// estimate's weighted norm.
    fn attempt<E: OdeSystem, I: OdeSystem>(
        &mut self,
        explicit: &E,
        implicit: &I,
        t: f64,
        h: f64,
    ) -> std::result::Result<f64, Failure> {
        let n = self.n;
        let tab = &ARK436L2SA;
        let hg = h * tab.gamma;
        self.prepare_matrix(hg)?;
        self.z.copy_from_slice(&self.y);
        for i in 1..STAGES {
            // s_i = y_n + h Σ_{j<i} (a^E_ij E_j + a^I_ij I_j)
            self.base.copy_from_slice(&self.y);
            for j in 0..i {
                let (ae, ai) = (h * tab.a_explicit[i][j], h * tab.a_implicit[i][j]);
                let (fe, fi) = (&self.fe[j * n..(j + 1) * n], &self.fi[j * n..(j + 1) * n]);
                for k in 0..n {
                    self.base[k] += ae * fe[k] + ai * fi[k];
                }
            }
            // Predictor: the previous stage (ARKODE's trivial predictor), whose
            // implicit derivative is known when f_I does not depend on t.
            let t_stage = t + tab.c[i] * h;
            let known = self.autonomous.then_some(i - 1);
            self.newton(implicit, t_stage, hg, known)?;
            let (fe, fi) = (&mut self.fe[i * n..(i + 1) * n], &mut self.fi[i * n..(i + 1) * n]);
            implicit.rhs(t_stage, &self.z, fi);
            explicit.rhs(t_stage, &self.z, fe);
            self.stats.rhs_evals += 2;
            if let Some(bad) = first_non_finite(fi).or_else(|| first_non_finite(fe)) {
                return Err((Rejection::NonFinite, Some(bad)));
            }
        }
        // y_{n+1} = y_n + h Σ b_i (E_i + I_i), error h Σ (b_i − b̂_i)(E_i + I_i).
        self.y_new.copy_from_slice(&self.y);
        self.err.fill(0.0);
        for j in 0..STAGES {
            let (b, d) = (h * tab.b[j], h * (tab.b[j] - tab.b_hat[j]));
            let (fe, fi) = (&self.fe[j * n..(j + 1) * n], &self.fi[j * n..(j + 1) * n]);
            for k in 0..n {
                let f = fe[k] + fi[k];
                self.y_new[k] += b * f;
                self.err[k] += d * f;
            }
        }
        if let Some(bad) = first_non_finite(&self.y_new) {
            return Err((Rejection::NonFinite, Some(bad)));
        }
        Ok(error_norm(&self.err, &self.y, &self.y_new, &self.opt))
    }

    /// One accepted step from `t` toward `t_end`; returns the new time.
    fn step<E: OdeSystem, I: OdeSystem>(&mut self, explicit: &E, implicit: &I, t: f64, t_end: f64) -> Result<f64> {
        let n = self.n;
        for i in 0..n {
            self.weights[i] = 1.0 / (self.opt.atol.get(i) + self.opt.rtol * self.y[i].abs());
        }
        self.jac_current = false;
        let mut rejected = false;
        loop {
            if self.stats.steps + self.stats.rejected >= self.opt.max_steps {
                let kind = SolveErrorKind::TooManySteps { max_steps: self.opt.max_steps, t_end };
                return Err(self.log.error(Some(kind), self.name(), implicit, t, self.h, &self.y).into());
            }
            // Fixed steps are shortened only after a Newton failure.
            let proposed = match self.opt.fixed_step {
                Some(fixed) if !rejected => fixed,
                _ => self.h,
            }
            .min(self.opt.h_max);
            let lands = t + proposed >= t_end - 1e-12 * (t_end - t).abs().max(h_min(t));
            let h = if lands { t_end - t } else { proposed };
            if h <= h_min(t) || !h.is_finite() {
                return Err(self.log.error(None, self.name(), implicit, t, h, &self.y).into());
            }
            if !self.jac_valid {
                self.evaluate_jacobian(implicit, t);
            }
            match self.attempt(explicit, implicit, t, h) {
                Ok(norm) if norm <= 1.0 || self.opt.fixed_step.is_some() => {
                    self.accept(h, norm, rejected, lands);
                    return Ok(if lands { t_end } else { t + h });
                }
                Ok(norm) => {
                    let w = &self.weights;
                    let component = dominant(&self.err, |i| w[i]);
                    self.log.rejected(Rejection::ErrorTest, component);
                    self.stats.rejected += 1;
                    rejected = true;
                    let factor =
                        if norm.is_finite() { (SAFETY * norm.powf(-0.25)).max(MIN_FACTOR) } else { MIN_FACTOR };
                    self.h = h * factor;
                }
                Err((Rejection::Newton, _)) if !self.jac_current => {
                    // Retry with a fresh Jacobian before shrinking the step.
                    self.evaluate_jacobian(implicit, t);
                }
                Err((reason, component)) => {
                    self.log.rejected(reason, component);
                    self.stats.rejected += 1;
                    rejected = true;
                    self.h = h * NEWTON_SHRINK;
                    if reason == Rejection::Singular {
                        self.jac_valid = false;
                    }
                }
            }
        }
    }

    /// Accepts the step: `y ← y_{n+1}`, the first stage of the next step
    /// evaluated later, and the next step size from the PI controller.
    fn accept(&mut self, h: f64, norm: f64, rejected: bool, lands: bool) {
        std::mem::swap(&mut self.y, &mut self.y_new);
        self.first_stage_valid = false;
        self.stats.steps += 1;
        self.log.accepted();
        self.jac_age += 1;
        if self.jac_age >= JACOBIAN_AGE {
            self.jac_valid = false;
        }
        if self.opt.fixed_step.is_some() {
            return;
        }
        let norm = norm.max(1e-10);
        let mut factor = SAFETY * norm.powf(-PI_ALPHA) * self.err_prev.powf(PI_BETA);
        factor = factor.clamp(MIN_FACTOR, MAX_FACTOR);
        if rejected {
            factor = factor.min(1.0);
        }
        self.err_prev = norm.max(1e-4);
        // A step shortened to land on t_end keeps the controller's step for the next interval.
        self.h = if lands { self.h.max(h * factor) } else { h * factor };
    }
}

/// Integrates `y' = f_E(t, y) + f_I(t, y)` from `(t0, y0)` to `t_end` with
/// ARK4(3)6L\[2\]SA (Kennedy & Carpenter 2003; [`Ark`], the [module](self)
/// has the tables): `explicit` gives `f_E` (treated explicitly), `implicit`
/// gives `f_I` (treated by the L-stable ESDIRK, with its Jacobian); per step
///
/// ```text
/// Z_i = y_n + h Σ_{j<i} (a^E_ij f_E(Z_j) + a^I_ij f_I(Z_j)) + h γ f_I(Z_i),   y_{n+1} = y_n + h Σ_i b_i (f_E(Z_i) + f_I(Z_i)).
/// ```
/// Returns the state at `t_end` and the work counters
/// (`rhs_evals` counts evaluations of either part).
///
/// Tolerances, `h0`, `h_max`, `max_steps` and `fixed_step` come from
/// `options` as for the other methods (fixed steps skip the error test; a
/// Newton failure still shrinks that one step by 4). Errors: invalid options or inputs
/// (typed [`SaspError`] variants, never panics) and the solve's failures.
pub fn integrate_imex<E: OdeSystem, I: OdeSystem>(
    explicit: &E,
    implicit: &I,
    t0: f64,
    y0: &[f64],
    t_end: f64,
    options: &Options,
) -> Result<(Vec<f64>, Stats)> {
    let mut ark = Ark::new(explicit, implicit, options.clone())?;
    let mut y = y0.to_vec();
    ark.advance(explicit, implicit, t0, &mut y, t_end)?;
    Ok((y, ark.stats()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::solve::Tolerance;

    const TOL: f64 = 1e-12;

    fn dot(u: &[f64], v: &[f64]) -> f64 {
        u.iter().zip(v).map(|(a, b)| a * b).sum()
    }

    fn mul(a: &[[f64; STAGES]; STAGES], v: &[f64]) -> Vec<f64> {
        a.iter().map(|row| dot(row, v)).collect()
    }

    fn pow(v: &[f64], p: i32) -> Vec<f64> {
        v.iter().map(|x| x.powi(p)).collect()
    }

    fn times(u: &[f64], v: &[f64]) -> Vec<f64> {
        u.iter().zip(v).map(|(a, b)| a * b).collect()
    }

    /// The order conditions of a Runge–Kutta method `(A, b, c)` up to `order`
    /// (the 1 + 1 + 2 + 4 trees of orders 1–4), as `(value, exact)` pairs.
    fn conditions(a: &[[f64; STAGES]; STAGES], b: &[f64], c: &[f64], order: usize) -> Vec<(f64, f64, &'static str)> {
        let one = [1.0; STAGES];
        let ac = mul(a, c);
        let mut out = vec![(dot(b, &one), 1.0, "b·1")];
        if order >= 2 {
            out.push((dot(b, c), 0.5, "b·c"));
        }
        if order >= 3 {
            out.push((dot(b, &pow(c, 2)), 1.0 / 3.0, "b·c²"));
            out.push((dot(b, &ac), 1.0 / 6.0, "b·Ac"));
        }
        if order >= 4 {
            out.push((dot(b, &pow(c, 3)), 0.25, "b·c³"));
            out.push((dot(b, &times(c, &ac)), 0.125, "b·(c∘Ac)"));
            out.push((dot(b, &mul(a, &pow(c, 2))), 1.0 / 12.0, "b·Ac²"));
            out.push((dot(b, &mul(a, &ac)), 1.0 / 24.0, "b·AAc"));
        }
        out
    }

    #[test]
    fn each_table_has_order_four_and_the_embedding_order_three() {
        let t = &ARK436L2SA;
        for (name, a) in [("explicit", &t.a_explicit), ("implicit", &t.a_implicit)] {
            for (value, exact, what) in conditions(a, &t.b, &t.c, 4) {
                assert!((value - exact).abs() < TOL, "{name} {what}: {value} vs {exact}");
            }
            for (value, exact, what) in conditions(a, &t.b_hat, &t.c, 3) {
                assert!((value - exact).abs() < TOL, "{name} embedded {what}: {value} vs {exact}");
            }
            // The embedding is genuinely of order 3: it misses a fourth-order condition.
            let misses = conditions(a, &t.b_hat, &t.c, 4).iter().map(|(v, e, _)| (v - e).abs()).fold(0.0, f64::max);
            assert!(misses > 1e-4, "{name}: the embedding satisfies order 4 ({misses})");
            // Row sums are the nodes.
            for (i, row) in a.iter().enumerate() {
                assert!((row.iter().sum::<f64>() - t.c[i]).abs() < TOL, "{name} row {i}");
            }
        }
        // Structure: explicit strictly lower; ESDIRK with explicit first stage,
        // diagonal γ, stiffly accurate.
        for i in 0..STAGES {
            for j in i..STAGES {
                assert_eq!(t.a_explicit[i][j], 0.0);
                if j > i {
                    assert_eq!(t.a_implicit[i][j], 0.0);
                }
            }
            assert_eq!(t.a_implicit[i][i], if i == 0 { 0.0 } else { t.gamma });
        }
        assert_eq!(t.a_implicit[STAGES - 1], t.b);
    }

    #[test]
    fn the_coupling_conditions_hold_to_order_four() {
        // With shared b and c, the conditions of trees whose nodes mix the
        // two methods are b·(A^X A^Y c) = 1/24, b·(A^X c²) = 1/12,
        // b·(c∘A^X c) = 1/8 and b·(A^X c) = 1/6 for X, Y ∈ {E, I}; the
        // embedding's b̂·(A^X c) = 1/6.
        let t = &ARK436L2SA;
        let tables = [&t.a_explicit, &t.a_implicit];
        for x in tables {
            for y in tables {
                let v = dot(&t.b, &mul(x, &mul(y, &t.c)));
                assert!((v - 1.0 / 24.0).abs() < TOL, "b·A^X A^Y c = {v}");
            }
            assert!((dot(&t.b, &mul(x, &pow(&t.c, 2))) - 1.0 / 12.0).abs() < TOL);
            assert!((dot(&t.b, &times(&t.c, &mul(x, &t.c))) - 0.125).abs() < TOL);
            assert!((dot(&t.b, &mul(x, &t.c)) - 1.0 / 6.0).abs() < TOL);
            assert!((dot(&t.b_hat, &mul(x, &t.c)) - 1.0 / 6.0).abs() < TOL);
        }
    }

    /// `R(z) = 1 + z bᵀ (I − z A)⁻¹ 1` of the implicit method.
    fn stability(z: f64) -> f64 {
        let a = &ARK436L2SA.a_implicit;
        let mut k = [0.0; STAGES];
        for i in 0..STAGES {
            let s: f64 = 1.0 + z * (0..i).map(|j| a[i][j] * k[j]).sum::<f64>();
            k[i] = s / (1.0 - z * a[i][i]);
        }
        1.0 + z * dot(&ARK436L2SA.b, &k)
    }

    #[test]
    fn the_implicit_method_is_l_stable() {
        assert!(stability(-1e12).abs() < 1e-9, "R(−∞) = {}", stability(-1e12));
        for z in [-0.1, -1.0, -10.0, -100.0, -1e4] {
            assert!(stability(z).abs() < 1.0, "|R({z})| = {}", stability(z));
        }
        // R(z) = e^z + O(z⁵).
        let z: f64 = -0.01;
        assert!((stability(z) - z.exp()).abs() < 1e-11);
    }

    /// `y' = λ_E y + λ_I y` as two dense systems.
    struct Scalar(f64);

    impl OdeSystem for Scalar {
        fn dimension(&self) -> usize {
            1
        }
        fn rhs(&self, _t: f64, y: &[f64], dy: &mut [f64]) {
            dy[0] = self.0 * y[0];
        }
        fn jacobian(&self, _t: f64, _y: &[f64], values: &mut [f64]) -> bool {
            values[0] = self.0;
            true
        }
    }

    /// `y' = λ y`, declared autonomous.
    struct Autonomous(f64);

    impl OdeSystem for Autonomous {
        fn dimension(&self) -> usize {
            1
        }
        fn rhs(&self, _t: f64, y: &[f64], dy: &mut [f64]) {
            dy[0] = self.0 * y[0];
        }
        fn is_autonomous(&self) -> bool {
            true
        }
        fn jacobian(&self, _t: f64, _y: &[f64], values: &mut [f64]) -> bool {
            values[0] = self.0;
            true
        }
    }

    #[test]
    fn a_scalar_split_problem_converges_at_fourth_order_and_counts_its_work() {
        let (le, li) = (Scalar(-1.0), Scalar(-5.0));
        let mut errors = Vec::new();
        for steps in [10usize, 20, 40, 80] {
            let opts = Options { fixed_step: Some(1.0 / steps as f64), ..Options::default() };
            let (y, stats) = integrate_imex(&le, &li, 0.0, &[1.0], 1.0, &opts).unwrap();
            errors.push((y[0] - (-6.0f64).exp()).abs());
            assert_eq!(stats.steps, steps);
            assert_eq!(stats.rejected, 0);
            // One Jacobian and factorization, renewed every 50 steps.
            assert_eq!(stats.jac_evals, 1 + (steps - 1) / JACOBIAN_AGE);
            assert_eq!(stats.factorizations, stats.jac_evals);
            // Both parts at each step's start and at each of the 5 implicit
            // stages, and one implicit evaluation per Newton iteration (one
            // linear solve each); one iteration per stage once the observed
            // contraction rate is small, a second one while it is measured
            // (again after each new Jacobian).
            assert_eq!(stats.rhs_evals, 2 * steps + 10 * steps + stats.linear_solves, "{stats:?}");
            assert!(stats.linear_solves <= 5 * steps + 15 * stats.jac_evals, "{stats:?}");
            // An autonomous implicit part starts each stage's Newton
            // iteration from the previous stage's derivative: one evaluation
            // fewer per stage, the same numbers.
            let (y_auto, auto) = integrate_imex(&le, &Autonomous(li.0), 0.0, &[1.0], 1.0, &opts).unwrap();
            assert_eq!(auto.rhs_evals, 7 * steps + auto.linear_solves, "{auto:?}");
            assert!((y_auto[0] - y[0]).abs() <= 1e-14 * y[0].abs(), "{} vs {}", y_auto[0], y[0]);
        }
        for w in errors.windows(2) {
            let order = (w[0] / w[1]).log2();
            assert!((3.7..4.5).contains(&order), "order {order:.2} from {errors:?}");
        }
    }

    /// `y' = −y³`, declared autonomous.
    struct Cubic;

    impl OdeSystem for Cubic {
        fn dimension(&self) -> usize {
            1
        }
        fn rhs(&self, _t: f64, y: &[f64], dy: &mut [f64]) {
            dy[0] = -y[0].powi(3);
        }
        fn jacobian(&self, _t: f64, y: &[f64], values: &mut [f64]) -> bool {
            values[0] = -3.0 * y[0] * y[0];
            true
        }
    }

    #[test]
    fn a_newton_failure_shrinks_the_step_and_the_solve_recovers() {
        // From y = 10 with a first step of 1, the simplified Newton iteration
        // (Jacobian −300 at y_n, −3 Z² ≈ −20 at the stage) cannot converge
        // in four iterations: the step is rejected and shrunk.
        let opts = Options { rtol: 1e-8, atol: Tolerance::Scalar(1e-10), h0: Some(1.0), ..Options::default() };
        let (y, stats) = integrate_imex(&Scalar(0.0), &Cubic, 0.0, &[10.0], 1.0, &opts).unwrap();
        let exact = 10.0 / 201f64.sqrt();
        // Newton failed with stale Jacobians (one per 50 steps otherwise);
        // measured: 116 steps, 6 rejected, 10 Jacobians.
        assert!(stats.jac_evals > 1 + stats.steps / JACOBIAN_AGE, "{stats:?}");
        assert!(stats.rejected >= 1, "{stats:?}");
        // Fixed steps of 0.5 reject only on Newton failures: each shrinks
        // the step by 4 until Newton converges (measured: 56 steps, 177
        // rejected), and the next step tries 0.5 again.
        let fixed = Options { fixed_step: Some(0.5), ..opts.clone() };
        let (y_fixed, s) = integrate_imex(&Scalar(0.0), &Cubic, 0.0, &[10.0], 1.0, &fixed).unwrap();
        assert!(s.rejected >= 1 && s.steps > 2, "{s:?}");
        assert!((y_fixed[0] - exact).abs() < 1e-4, "{} vs {exact}", y_fixed[0]);
        assert!((y[0] - exact).abs() < 1e-7, "{} vs {exact}", y[0]);
    }
}
