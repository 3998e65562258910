//! Differential–algebraic systems: consistent values of the algebraic
//! components.
//!
//! A system with [`OdeSystem::algebraic_components`] is the semi-explicit
//! index-1 system `x' = f_d(t, x, z)`, `0 = f_a(t, x, z)`, written
//! `M y' = f(t, y)` with `M` diagonal (0 on the algebraic components `z`).
//! The Rodas methods and BDF integrate it in that mass-matrix form (their
//! iteration matrix is `M/(hγ) − J`, [`super::IterationMatrix::with_algebraic`]).
//! They need consistent values to start from: before the first step and
//! after every stop that changes the state, [`Consistency::apply`] solves
//! `0 = f_a(t, x, z)` for `z` with `x` held, by Newton's method with the
//! exact block `∂f_a/∂z` and a backtracking line search on `‖f_a‖₂`.
//!
//! Rows that are fast relaxations ([`OdeSystem::algebraic_relaxations`]:
//! `z' = f_a/ε`, `ε → 0`, an SBML fast reaction) first follow that
//! relaxation from the current state by pseudo-transient continuation
//! (implicit Euler steps `(D/Δt − ∂f_a/∂z) δ = f_a`, `D` = 1 on those rows,
//! with `Δt` growing as the residual falls, Kelley & Keyes 1998), so the
//! equilibrium found is the one the fast process reaches, not merely a
//! root; Newton then polishes it, and the equilibrium must be stable (the
//! relaxation rows' block, with the other algebraic rows eliminated, has
//! eigenvalues of negative real part).

use super::failure::dominant;
use super::jacobian::JacobianEvaluator;
use super::linalg::DenseLu;
use super::{JacobianStructure, OdeSystem, Options, Stats};
use crate::error::{SaspError, SolveError, SolveErrorKind};

/// Newton iterations before giving up.
const MAX_ITERATIONS: usize = 50;
/// Halvings of a Newton step before giving up.
const MAX_HALVINGS: usize = 30;
/// Pseudo-transient steps before giving up.
const MAX_RELAXATION_STEPS: usize = 500;
/// The relaxation hands over to Newton once `Δt·‖∂f_a/∂z‖` exceeds this.
const RELAXED: f64 = 1e8;
/// A full Newton step below this weighted size (a millionth of the
/// tolerance) ends the iteration: quadratic convergence has then left an
/// error far below the tolerance. (A step within the tolerance that no
/// longer reduces the residual ends it too: the residual is at round-off.)
const CONVERGED: f64 = 1e-6;

/// What a consistency solve works with besides the state: the system, its
/// Jacobian evaluator, the time, the tolerances, the work counters and the
/// stepper's name (for errors).
pub struct Context<'a, S> {
    /// The system.
    pub system: &'a S,
    /// Evaluates its Jacobian.
    pub jac: &'a mut JacobianEvaluator,
    /// The time.
    pub t: f64,
    /// The tolerances, which the iterations' stopping tests weigh by.
    pub options: &'a Options,
    /// Counters of right-hand sides, Jacobians and solves.
    pub stats: &'a mut Stats,
    /// The stepper, as errors name it.
    pub method: &'static str,
}

/// Work space for making algebraic components consistent (allocated once
/// per stepper; nothing is allocated while solving).
#[derive(Clone, Debug)]
pub struct Consistency {
    /// The algebraic components.
    components: Vec<usize>,
    /// Where `∂f_{a_i}/∂y_{a_j}` is stored in the Jacobian values (column-major
    /// over `(i, j)`), `None` for an entry the structure does not hold.
    positions: Vec<Option<usize>>,
    /// For each algebraic component, is its row a fast relaxation?
    relaxing: Vec<bool>,
    block: DenseLu,
    step: Vec<f64>,
    trial: Vec<f64>,
    f_trial: Vec<f64>,
}

impl Consistency {
    /// For a system whose Jacobian is stored in `structure`; `None` for an
    /// ODE (no algebraic components).
    pub fn new<S: OdeSystem>(system: &S, structure: &JacobianStructure) -> Option<Consistency> {
        let components = system.algebraic_components().to_vec();
        if components.is_empty() {
            return None;
        }
        let (n, m) = (system.dimension(), components.len());
        let mut positions = Vec::with_capacity(m * m);
        for &j in &components {
            for &i in &components {
                positions.push(structure.position(n, i, j));
            }
        }
        let flags = system.algebraic_relaxations();
        let relaxing = (0..m).map(|k| flags.get(k).copied().unwrap_or(false)).collect();
        Some(Consistency {
            components,
            relaxing,
            positions,
            block: DenseLu::new(m),
            step: vec![0.0; m],
            trial: vec![0.0; n],
            f_trial: vec![0.0; n],
        })
    }

    /// The algebraic components.
    pub fn components(&self) -> &[usize] {
        &self.components
    }

    /// Makes the algebraic components of `y` consistent at `cx.t` (the
    /// other components are held) and leaves `f = f(t, y)` at the result.
    pub fn apply<S: OdeSystem>(
        &mut self,
        mut cx: Context<'_, S>,
        y: &mut [f64],
        f: &mut [f64],
    ) -> Result<(), SaspError> {
        cx.system.rhs(cx.t, y, f);
        cx.stats.rhs_evals += 1;
        if self.relaxing.contains(&true) {
            self.relax(&mut cx, y, f)?;
        }
        self.newton(&mut cx, y, f)?;
        if self.relaxing.contains(&true) {
            self.check_stable(&mut cx, y, f)?;
        }
        Ok(())
    }

    /// The Jacobian block `∂f_a/∂y_a` at `(t, y)` into `self.block`;
    /// returns its largest entry.
    fn fill_block<S: OdeSystem>(&mut self, cx: &mut Context<'_, S>, y: &[f64], f: &[f64]) -> f64 {
        cx.jac.evaluate(cx.system, cx.t, y, Some(f), cx.stats);
        let a = self.block.matrix_mut();
        let mut largest = 0.0f64;
        for (entry, p) in a.iter_mut().zip(&self.positions) {
            *entry = p.map_or(0.0, |p| cx.jac.values[p]);
            largest = largest.max(entry.abs());
        }
        largest
    }

    /// Follows the fast relaxations from `y` toward their equilibrium by
    /// pseudo-transient continuation (the other algebraic rows held
    /// satisfied by Newton at each step), until `Δt` is large enough for
    /// Newton to take over.
    fn relax<S: OdeSystem>(&mut self, cx: &mut Context<'_, S>, y: &mut [f64], f: &mut [f64]) -> Result<(), SaspError> {
        let m = self.components.len();
        let mut residual = self.residual(f);
        let mut dt = f64::NAN;
        // The state's size, which bounds a step.
        let scale = (0..y.len()).map(|i| y[i].abs() + cx.options.atol.get(i)).fold(0.0, f64::max);
        for _ in 0..MAX_RELAXATION_STEPS {
            if residual == 0.0 {
                return Ok(());
            }
            let norm = self.fill_block(cx, y, f);
            if dt.is_nan() {
                // The first step is a hundredth of the Jacobian's time scale,
                // and moves at most a hundredth of the state's size.
                let rate = self.components.iter().map(|&i| f[i].abs()).fold(0.0, f64::max);
                dt = (1e-2 / norm).min(1e-2 * scale / rate);
            }
            if dt * norm > RELAXED {
                return Ok(());
            }
            let a = self.block.matrix_mut();
            for (k, &relaxing) in self.relaxing.iter().enumerate() {
                if relaxing {
                    a[k * m + k] -= 1.0 / dt;
                }
            }
            if let Err(singular) = self.block.factor() {
                return Err(self.failure(cx, Some(self.components[singular.column.min(m - 1)])));
            }
            for (s, &i) in self.step.iter_mut().zip(&self.components) {
                *s = -f[i];
            }
            self.block.solve(&mut self.step);
            cx.stats.linear_solves += 1;
            // The relaxations' step must go with their flow (`δ ≈ Δt·f_a`
            // for small Δt) and stay within a tenth of the state's size:
            // one against it, or a leap (Δt too long where the flow is
            // locally unstable), would jump to another root. (The other
            // algebraic rows take Newton steps.)
            let along: f64 = (0..m).filter(|&k| self.relaxing[k]).map(|k| self.step[k] * f[self.components[k]]).sum();
            let leap = (0..m).filter(|&k| self.relaxing[k]).fold(0.0f64, |a, k| a.max(self.step[k].abs()));
            // (Written so that a NaN rejects the step.)
            let with_flow = along >= 0.0 && leap <= 0.1 * scale;
            if !with_flow {
                dt *= 0.25;
                continue;
            }
            self.trial.copy_from_slice(y);
            for (&s, &i) in self.step.iter().zip(&self.components) {
                self.trial[i] += s;
            }
            cx.system.rhs(cx.t, &self.trial, &mut self.f_trial);
            cx.stats.rhs_evals += 1;
            let r = self.residual(&self.f_trial);
            if !r.is_finite() || r > 10.0 * residual {
                dt *= 0.25;
                continue;
            }
            let size = self.weighted_step(y, cx.options);
            y.copy_from_slice(&self.trial);
            f.copy_from_slice(&self.f_trial);
            // Δt at least doubles after an accepted step, and grows as the
            // residual falls (switched evolution relaxation): the residual
            // may rise on the way (the flow crossing a locally unstable
            // stretch), which the checks above keep on the flow.
            dt *= (residual / r.max(f64::MIN_POSITIVE)).clamp(2.0, 10.0);
            residual = r;
            if size <= CONVERGED {
                return Ok(());
            }
        }
        Err(self.failure(cx, None))
    }

    /// Refuses an equilibrium of the fast relaxations that is not stable:
    /// the relaxation rows' block of `∂f_a/∂z` (the Schur complement that
    /// eliminates the other algebraic rows) must have eigenvalues of
    /// negative real part.
    fn check_stable<S: OdeSystem>(&mut self, cx: &mut Context<'_, S>, y: &[f64], f: &[f64]) -> Result<(), SaspError> {
        use nalgebra::DMatrix;
        let m = self.components.len();
        let scale = self.fill_block(cx, y, f);
        let block = DMatrix::from_column_slice(m, m, self.block.matrix_mut());
        let fast: Vec<usize> = (0..m).filter(|&k| self.relaxing[k]).collect();
        let plain: Vec<usize> = (0..m).filter(|&k| !self.relaxing[k]).collect();
        let pick =
            |rows: &[usize], cols: &[usize]| DMatrix::from_fn(rows.len(), cols.len(), |i, j| block[(rows[i], cols[j])]);
        let mut reduced = pick(&fast, &fast);
        if !plain.is_empty() {
            let Some(inverse) = pick(&plain, &plain).try_inverse() else {
                return Err(self.failure(cx, plain.first().map(|&k| self.components[k])));
            };
            reduced -= pick(&fast, &plain) * inverse * pick(&plain, &fast);
        }
        let margin = -64.0 * f64::EPSILON * scale.max(f64::MIN_POSITIVE);
        let stable = reduced.complex_eigenvalues().iter().all(|l| l.re < margin);
        if !stable {
            return Err(self.error(cx, SolveErrorKind::UnstableEquilibrium, fast.first().map(|&k| self.components[k])));
        }
        Ok(())
    }

    /// Newton's method on `0 = f_a` over the algebraic components, with a
    /// backtracking line search.
    fn newton<S: OdeSystem>(&mut self, cx: &mut Context<'_, S>, y: &mut [f64], f: &mut [f64]) -> Result<(), SaspError> {
        let m = self.components.len();
        let mut residual = self.residual(f);
        for _ in 0..MAX_ITERATIONS {
            if residual == 0.0 {
                return Ok(());
            }
            if !residual.is_finite() {
                return Err(self.failure(cx, None));
            }
            self.fill_block(cx, y, f);
            if let Err(singular) = self.block.factor() {
                return Err(self.failure(cx, Some(self.components[singular.column.min(m - 1)])));
            }
            for (s, &i) in self.step.iter_mut().zip(&self.components) {
                *s = -f[i];
            }
            self.block.solve(&mut self.step);
            cx.stats.linear_solves += 1;
            let size = self.weighted_step(y, cx.options);
            if !size.is_finite() {
                return Err(self.failure(cx, None));
            }
            // Backtrack until ‖f_a‖₂ decreases (a step at round-off level is
            // taken whole); when it cannot and the step is already within
            // the tolerance, the residual is at round-off: done.
            let mut lambda = 1.0;
            let mut accepted = false;
            for _ in 0..MAX_HALVINGS {
                self.trial.copy_from_slice(y);
                for (&s, &i) in self.step.iter().zip(&self.components) {
                    self.trial[i] += lambda * s;
                }
                cx.system.rhs(cx.t, &self.trial, &mut self.f_trial);
                cx.stats.rhs_evals += 1;
                let r = self.residual(&self.f_trial);
                if r.is_finite() && (r < residual || size <= CONVERGED) {
                    residual = r;
                    accepted = true;
                    break;
                }
                lambda *= 0.5;
            }
            if !accepted && size <= 1.0 {
                return Ok(());
            }
            if !accepted {
                let components = &self.components;
                let culprit = dominant(&self.step, |k| {
                    let i = components[k];
                    1.0 / (cx.options.atol.get(i) + cx.options.rtol * y[i].abs())
                });
                return Err(self.failure(cx, culprit.map(|k| self.components[k])));
            }
            y.copy_from_slice(&self.trial);
            f.copy_from_slice(&self.f_trial);
            if lambda == 1.0 && size <= CONVERGED {
                return Ok(());
            }
        }
        Err(self.failure(cx, None))
    }

    /// `‖f_a‖₂` over the algebraic rows.
    fn residual(&self, f: &[f64]) -> f64 {
        self.components.iter().map(|&i| f[i] * f[i]).sum::<f64>().sqrt()
    }

    fn failure<S: OdeSystem>(&self, cx: &Context<'_, S>, component: Option<usize>) -> SaspError {
        self.error(cx, SolveErrorKind::InconsistentAlgebraic, component.or(self.components.first().copied()))
    }

    fn error<S: OdeSystem>(&self, cx: &Context<'_, S>, kind: SolveErrorKind, component: Option<usize>) -> SaspError {
        let mut e = SolveError::new(kind, cx.method, cx.t, 0.0);
        e.component = component;
        e.component_name = component.map(|i| cx.system.component_name(i));
        e.into()
    }

    /// The largest step of an algebraic component, weighed by its tolerance.
    fn weighted_step(&self, y: &[f64], options: &Options) -> f64 {
        self.step
            .iter()
            .zip(&self.components)
            .map(|(&s, &i)| s.abs() / (options.atol.get(i) + options.rtol * y[i].abs()))
            .fold(0.0, f64::max)
    }
}

/// The error of a method asked to integrate a differential–algebraic system
/// it cannot.
pub(crate) fn dae_refused(method: &str) -> SaspError {
    SaspError::InvalidOptions(format!(
        "{method} cannot integrate a system with algebraic components (a differential–algebraic system); \
         use rodas5p or bdf"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::solve::bdf::Bdf;
    use crate::solve::dopri5::Dopri5;
    use crate::solve::rosenbrock::Rosenbrock;
    use crate::solve::{solve, Tolerance};

    /// The IVP test set's chemical Akzo Nobel problem (Mazzia & Magherini):
    /// five differential equations and `0 = K_s y₁ y₄ − y₆`, on [0, 180].
    struct Akzo;

    const AKZO_K: [f64; 4] = [18.7, 0.58, 0.09, 0.42];
    const AKZO_KBIG: f64 = 34.4;
    const AKZO_KLA: f64 = 3.3;
    const AKZO_KS: f64 = 115.83;
    const AKZO_PCO2: f64 = 0.9;
    const AKZO_H: f64 = 737.0;
    /// RADAU5 at rtol 1e-19 (the test set's `solut`).
    #[allow(clippy::excessive_precision)]
    const AKZO_180: [f64; 6] = [
        0.1150794920661702,
        0.1203831471567715e-2,
        0.1611562887407974,
        0.3656156421249283e-3,
        0.1708010885264404e-1,
        0.4873531310307455e-2,
    ];

    impl OdeSystem for Akzo {
        fn dimension(&self) -> usize {
            6
        }
        fn rhs(&self, _t: f64, y: &[f64], f: &mut [f64]) {
            let [k1, k2, k3, k4] = AKZO_K;
            let s2 = y[1].max(0.0).sqrt();
            let r1 = k1 * y[0].powi(4) * s2;
            let r2 = k2 * y[2] * y[3];
            let r3 = k2 / AKZO_KBIG * y[0] * y[4];
            let r4 = k3 * y[0] * y[3] * y[3];
            let r5 = k4 * y[5] * y[5] * s2;
            let fin = AKZO_KLA * (AKZO_PCO2 / AKZO_H - y[1]);
            f[0] = -2.0 * r1 + r2 - r3 - r4;
            f[1] = -0.5 * r1 - r4 - 0.5 * r5 + fin;
            f[2] = r1 - r2 + r3;
            f[3] = -r2 + r3 - 2.0 * r4;
            f[4] = r2 - r3 + r5;
            f[5] = AKZO_KS * y[0] * y[3] - y[5];
        }
        fn is_autonomous(&self) -> bool {
            true
        }
        fn component_name(&self, i: usize) -> String {
            format!("y{}", i + 1)
        }
        fn jacobian(&self, _t: f64, y: &[f64], jac: &mut [f64]) -> bool {
            let [k1, k2, k3, k4] = AKZO_K;
            let s2 = y[1].max(1e-300).sqrt();
            let r11 = 4.0 * k1 * y[0].powi(3) * s2;
            let r12 = 0.5 * k1 * y[0].powi(4) / s2;
            let (r23, r24) = (k2 * y[3], k2 * y[2]);
            let (r31, r35) = (k2 / AKZO_KBIG * y[4], k2 / AKZO_KBIG * y[0]);
            let (r41, r44) = (k3 * y[3] * y[3], 2.0 * k3 * y[0] * y[3]);
            let (r52, r56) = (0.5 * k4 * y[5] * y[5] / s2, 2.0 * k4 * y[5] * s2);
            jac.fill(0.0);
            let mut set = |i: usize, j: usize, v: f64| jac[j * 6 + i] = v;
            set(0, 0, -2.0 * r11 - r31 - r41);
            set(0, 1, -2.0 * r12);
            set(0, 2, r23);
            set(0, 3, r24 - r44);
            set(0, 4, -r35);
            set(1, 0, -0.5 * r11 - r41);
            set(1, 1, -0.5 * r12 - 0.5 * r52 - AKZO_KLA);
            set(1, 3, -r44);
            set(1, 5, -0.5 * r56);
            set(2, 0, r11 + r31);
            set(2, 1, r12);
            set(2, 2, -r23);
            set(2, 3, -r24);
            set(2, 4, r35);
            set(3, 0, r31 - 2.0 * r41);
            set(3, 2, -r23);
            set(3, 3, -r24 - 2.0 * r44);
            set(3, 4, r35);
            set(4, 0, -r31);
            set(4, 1, r52);
            set(4, 2, r23);
            set(4, 3, r24);
            set(4, 4, -r35);
            set(4, 5, r56);
            set(5, 0, AKZO_KS * y[3]);
            set(5, 3, AKZO_KS * y[0]);
            set(5, 5, -1.0);
            true
        }
        fn algebraic_components(&self) -> &[usize] {
            &[5]
        }
    }

    fn akzo_options(rtol: f64) -> Options {
        Options { rtol, atol: Tolerance::Scalar(1e-2 * rtol), ..Options::default() }
    }

    /// Largest relative error against the test set's reference at t = 180.
    fn akzo_error(y: &[f64]) -> f64 {
        y.iter().zip(&AKZO_180).map(|(a, b)| ((a - b) / b).abs()).fold(0.0, f64::max)
    }

    #[test]
    fn akzo_nobel_matches_the_ivp_test_set_with_rodas5p_and_bdf() {
        // y₆(0) = 0 is inconsistent: the solve starts from K_s y₁ y₄.
        let y0 = [0.444, 0.00123, 0.0, 0.007, 0.0, 0.0];
        for (name, rtol, bound) in [("rodas5p", 1e-10, 1e-9), ("bdf", 1e-9, 1e-7)] {
            let options = akzo_options(rtol);
            let sol = match name {
                "rodas5p" => solve(&Akzo, Rosenbrock::rodas5p(&Akzo, options).unwrap(), 0.0, &y0, 180.0, &[0.0, 180.0]),
                _ => solve(&Akzo, Bdf::new(&Akzo, options).unwrap(), 0.0, &y0, 180.0, &[0.0, 180.0]),
            }
            .unwrap();
            let start = sol.state(0)[5];
            assert!((start - AKZO_KS * 0.444 * 0.007).abs() < 1e-15, "{name}: consistent y6(0) = {start}");
            let err = akzo_error(sol.state(1));
            assert!(err < bound, "{name} at rtol {rtol}: relative error {err:.2e} (bound {bound:.0e})");
        }
    }

    #[test]
    fn robertson_as_a_dae_reaches_the_ivp_test_set_value_at_1e11() {
        // y₃ = 1 − y₁ − y₂ as an algebraic equation (Hairer & Wanner's form).
        struct RobertsonDae;
        impl OdeSystem for RobertsonDae {
            fn dimension(&self) -> usize {
                3
            }
            fn rhs(&self, _t: f64, y: &[f64], f: &mut [f64]) {
                let (a, b, c) = (0.04 * y[0], 1e4 * y[1] * y[2], 3e7 * y[1] * y[1]);
                f[0] = -a + b;
                f[1] = a - b - c;
                f[2] = y[0] + y[1] + y[2] - 1.0;
            }
            fn is_autonomous(&self) -> bool {
                true
            }
            fn algebraic_components(&self) -> &[usize] {
                &[2]
            }
        }
        let reference = crate::testset::ROBERTSON_1E11;
        let options =
            Options { rtol: 1e-10, atol: Tolerance::PerComponent(vec![1e-20, 1e-24, 1e-12]), ..Options::default() };
        let method = Rosenbrock::rodas5p(&RobertsonDae, options).unwrap();
        let sol = solve(&RobertsonDae, method, 0.0, &[1.0, 0.0, 0.0], 1e11, &[1e11]).unwrap();
        for (i, (&a, &b)) in sol.state(0).iter().zip(&reference).enumerate() {
            assert!(((a - b) / b).abs() < 1e-9, "y{}: {a:e} against {b:e}", i + 1);
        }
    }

    /// `x' = −z cos t`, `0 = z + z³ − x − x³` (so `z = x`): `x = z = e^(−sin t)`.
    struct Nonlinear;
    impl OdeSystem for Nonlinear {
        fn dimension(&self) -> usize {
            2
        }
        fn rhs(&self, t: f64, y: &[f64], f: &mut [f64]) {
            f[0] = -y[1] * t.cos();
            f[1] = y[1] + y[1].powi(3) - y[0] - y[0].powi(3);
        }
        fn time_derivative(&self, t: f64, y: &[f64], ft: &mut [f64]) -> bool {
            ft[0] = y[1] * t.sin();
            ft[1] = 0.0;
            true
        }
        fn jacobian(&self, t: f64, y: &[f64], jac: &mut [f64]) -> bool {
            jac.copy_from_slice(&[0.0, -1.0 - 3.0 * y[0] * y[0], -t.cos(), 1.0 + 3.0 * y[1] * y[1]]);
            true
        }
        fn algebraic_components(&self) -> &[usize] {
            &[1]
        }
    }

    #[test]
    fn rodas5p_keeps_its_order_on_an_index_1_dae() {
        let t_end = 3.0;
        let exact = (-f64::sin(t_end)).exp();
        let error = |steps: usize| {
            let options = Options { fixed_step: Some(t_end / steps as f64), ..Options::default() };
            let method = Rosenbrock::rodas5p(&Nonlinear, options).unwrap();
            let sol = solve(&Nonlinear, method, 0.0, &[1.0, 0.5], t_end, &[t_end]).unwrap();
            let y = sol.state(0);
            ((y[0] - exact).abs(), (y[1] - exact).abs())
        };
        let (coarse, fine) = (error(20), error(40));
        let order_x = (coarse.0 / fine.0).log2();
        let order_z = (coarse.1 / fine.1).log2();
        assert!(order_x > 4.7 && order_z > 4.7, "measured orders {order_x:.2} (x), {order_z:.2} (z)");
    }

    #[test]
    fn explicit_methods_and_singular_algebraic_blocks_are_refused() {
        let e =
            solve(&Nonlinear, Dopri5::new(2, Options::default()).unwrap(), 0.0, &[1.0, 1.0], 1.0, &[1.0]).unwrap_err();
        assert!(e.to_string().contains("algebraic components"), "{e}");
        assert!(Rosenbrock::rodas3(&Nonlinear, Options::default()).is_err());
        // x' = z, 0 = x − 2: the algebraic row does not involve z (index 2).
        struct Index2;
        impl OdeSystem for Index2 {
            fn dimension(&self) -> usize {
                2
            }
            fn rhs(&self, _t: f64, y: &[f64], f: &mut [f64]) {
                f[0] = y[1];
                f[1] = y[0] - 2.0;
            }
            fn component_name(&self, i: usize) -> String {
                ["x", "z"][i].to_string()
            }
            fn algebraic_components(&self) -> &[usize] {
                &[1]
            }
        }
        let method = Rosenbrock::rodas5p(&Index2, Options::default()).unwrap();
        let e = solve(&Index2, method, 0.0, &[1.0, 0.0], 1.0, &[1.0]).unwrap_err();
        let SaspError::Solve(e) = e else { panic!("{e}") };
        assert_eq!((e.kind, e.component_name.as_deref()), (SolveErrorKind::InconsistentAlgebraic, Some("z")));
    }

    /// `x' = 0`, `0 = g = −(x − z) z` as a fast relaxation `z' = g/ε`
    /// when `relaxing` (a fast reaction `S1 → S2` running backwards, as the
    /// SBML Test Suite's case 01399, with `x` the pool `S1 + S2`): its
    /// roots are `z = 0` (stable) and `z = x` (unstable).
    struct Reversed {
        relaxing: bool,
    }
    impl OdeSystem for Reversed {
        fn dimension(&self) -> usize {
            2
        }
        fn rhs(&self, _t: f64, y: &[f64], f: &mut [f64]) {
            f[0] = 0.0;
            f[1] = -(y[0] - y[1]) * y[1];
        }
        fn jacobian(&self, _t: f64, y: &[f64], jac: &mut [f64]) -> bool {
            jac.copy_from_slice(&[0.0, -y[1], 0.0, -y[0] + 2.0 * y[1]]);
            true
        }
        fn component_name(&self, i: usize) -> String {
            ["pool", "S2"][i].to_string()
        }
        fn algebraic_components(&self) -> &[usize] {
            &[1]
        }
        fn algebraic_relaxations(&self) -> &[bool] {
            if self.relaxing {
                &[true]
            } else {
                &[]
            }
        }
    }

    fn consistent(system: &Reversed, z0: f64) -> Result<f64, SaspError> {
        let method = Rosenbrock::rodas5p(system, Options::default()).unwrap();
        let sol = solve(system, method, 0.0, &[10.0, z0], 1.0, &[0.0])?;
        Ok(sol.state(0)[1])
    }

    #[test]
    fn a_fast_relaxation_reaches_its_stable_equilibrium_not_the_nearest_root() {
        // From z = 6, Newton runs to the unstable root 10; the relaxation
        // (z decreasing where g < 0) reaches 0, as the fast process would.
        assert!((consistent(&Reversed { relaxing: false }, 6.0).unwrap() - 10.0).abs() < 1e-12);
        assert!(consistent(&Reversed { relaxing: true }, 6.0).unwrap().abs() < 1e-12);
        // From z = 5, where ∂g/∂z = 0, Newton cannot start; the relaxation can.
        assert!(consistent(&Reversed { relaxing: false }, 5.0).is_err());
        assert!(consistent(&Reversed { relaxing: true }, 5.0).unwrap().abs() < 1e-12);
        // Starting on the unstable equilibrium is refused, naming it.
        let e = consistent(&Reversed { relaxing: true }, 10.0).unwrap_err();
        let SaspError::Solve(e) = e else { panic!("{e}") };
        assert_eq!((e.kind, e.component_name.as_deref()), (SolveErrorKind::UnstableEquilibrium, Some("S2")));
    }
}
