//! Bounded minimization of a smooth objective from its gradient and a
//! positive semidefinite model of its Hessian: a projected
//! Levenberg–Marquardt (trust-region) method.
//!
//! Each iteration at `x` with value `f`, gradient `g` and Hessian model `H`
//! (the Fisher information for a likelihood — Gauss–Newton — or a BFGS
//! update, [`Hessian`]):
//!
//! 1. The *active* bounds are those `x` sits on with `g` pointing out of the
//!    box; their coordinates stay fixed this iteration.
//! 2. On the free coordinates `F`, the step solves
//!    `(H_FF + λ·diag(max(H_ii, ε))) δ = −g_F` and the trial point is
//!    `clamp(x + δ)` into the bounds.
//! 3. A trial that lowers `f` is accepted and `λ` shrinks (÷3); otherwise
//!    (or when the objective cannot be evaluated there) `λ` grows (×4) and
//!    the step is solved again.
//!
//! It stops, converged, when the projected gradient `‖clamp(x − g) − x‖∞`
//! is below `gradient_tolerance`, when an accepted step lowers `f` by less
//! than `value_tolerance·(1 + |f|)`, or when the step is below
//! `step_tolerance`; it stops unconverged at `max_iterations` or when
//! `λ` exceeds 1e12 without a decrease.
//!
//! Why not argmin: its trust-region and quasi-Newton solvers take no
//! bounds, and parameter estimation needs them (rates stay within their
//! prior ranges, on log scales).

use crate::error::{Result, SaspError};
use crate::solve::linalg::DenseLu;

/// Where the Hessian model comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hessian {
    /// The objective's own (for a likelihood, the Fisher information: Gauss–Newton).
    Given,
    /// BFGS updates from the gradients, starting from the first given matrix
    /// (a quasi-Newton method that needs no second-order information).
    Bfgs,
}

/// Settings of [`minimize`].
#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    /// Most iterations (default 500).
    pub max_iterations: usize,
    /// Converged when the projected gradient's largest component is below this (default 1e-6).
    pub gradient_tolerance: f64,
    /// Converged when an accepted step lowers the value by less than this times `1 + |f|` (default 1e-10).
    pub value_tolerance: f64,
    /// Converged when the step's largest component is below this (default 1e-10).
    pub step_tolerance: f64,
    /// The Hessian model (default [`Hessian::Given`]).
    pub hessian: Hessian,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            max_iterations: 500,
            gradient_tolerance: 1e-6,
            value_tolerance: 1e-10,
            step_tolerance: 1e-10,
            hessian: Hessian::Given,
        }
    }
}

/// Why [`minimize`] stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stop {
    /// The projected gradient is below its tolerance.
    Gradient,
    /// The last accepted step barely lowered the value.
    Value,
    /// The last step was below its tolerance.
    Step,
    /// No step lowered the value however short.
    NoProgress,
    /// [`Settings::max_iterations`] reached.
    Iterations,
}

impl Stop {
    /// Did the method converge (rather than give up)?
    pub fn converged(self) -> bool {
        matches!(self, Stop::Gradient | Stop::Value | Stop::Step)
    }
}

/// The end of a minimization.
#[derive(Clone, Debug, PartialEq)]
pub struct Minimum {
    /// The point.
    pub x: Vec<f64>,
    /// The objective there.
    pub value: f64,
    /// Its gradient there.
    pub gradient: Vec<f64>,
    /// Iterations taken.
    pub iterations: usize,
    /// Objective evaluations.
    pub evaluations: usize,
    /// Why it stopped.
    pub stop: Stop,
}

/// The objective at one point: value, gradient and Hessian model (row-major `n × n`).
pub type Evaluation = (f64, Vec<f64>, Vec<f64>);

/// Minimizes `objective` within `[lower, upper]` from `x0` (clamped into
/// the bounds); see the [module docs](self). `objective` may fail at a
/// trial point (a step is then shortened); a failure at `x0` is returned.
pub fn minimize<F>(mut objective: F, x0: &[f64], lower: &[f64], upper: &[f64], settings: &Settings) -> Result<Minimum>
where
    F: FnMut(&[f64]) -> Result<Evaluation>,
{
    let n = x0.len();
    if lower.len() != n || upper.len() != n {
        return Err(SaspError::DimensionMismatch { what: "bounds", expected: n, found: lower.len().min(upper.len()) });
    }
    if let Some(i) = (0..n).find(|&i| lower[i].is_nan() || upper[i].is_nan() || lower[i] > upper[i]) {
        return Err(SaspError::InvalidOptions(format!(
            "bounds of coordinate {i} are not ordered: [{}, {}]",
            lower[i], upper[i]
        )));
    }
    let clamp = |x: f64, i: usize| x.clamp(lower[i], upper[i]);
    let mut x: Vec<f64> = x0.iter().enumerate().map(|(i, &v)| clamp(v, i)).collect();
    let checked = |e: Evaluation| -> Option<Evaluation> {
        (e.0.is_finite() && e.1.len() == n && e.2.len() == n * n && e.1.iter().all(|g| g.is_finite())).then_some(e)
    };
    let (mut f, mut g, given) = objective(&x)?;
    if !(f.is_finite() && g.len() == n && given.len() == n * n) {
        return Err(SaspError::InvalidOptions(format!("the objective is {f} (or malformed) at the start")));
    }
    let mut h = given;
    let mut evaluations = 1;
    let mut lambda = 1e-3;
    let mut iterations = 0;
    let stop = loop {
        let projected = (0..n).map(|i| (clamp(x[i] - g[i], i) - x[i]).abs()).fold(0.0, f64::max);
        if projected < settings.gradient_tolerance {
            break Stop::Gradient;
        }
        if iterations >= settings.max_iterations {
            break Stop::Iterations;
        }
        iterations += 1;
        let free: Vec<usize> =
            (0..n).filter(|&i| !((x[i] <= lower[i] && g[i] > 0.0) || (x[i] >= upper[i] && g[i] < 0.0))).collect();
        let k = free.len();
        let mut accepted = None;
        let mut lu = DenseLu::new(k.max(1));
        while lambda <= 1e12 {
            let m = lu.matrix_mut();
            for (a, &i) in free.iter().enumerate() {
                for (b, &j) in free.iter().enumerate() {
                    let damping = if a == b { lambda * h[i * n + i].abs().max(1e-10) } else { 0.0 };
                    // Column-major, as DenseLu stores it.
                    m[b * k + a] = h[i * n + j] + damping;
                }
            }
            if lu.factor().is_err() {
                lambda *= 4.0;
                continue;
            }
            let mut delta: Vec<f64> = free.iter().map(|&i| -g[i]).collect();
            lu.solve(&mut delta);
            let mut trial = x.clone();
            for (&i, d) in free.iter().zip(&delta) {
                trial[i] = clamp(x[i] + d, i);
            }
            let step = (0..n).map(|i| (trial[i] - x[i]).abs()).fold(0.0, f64::max);
            if step < settings.step_tolerance {
                accepted = Some(None);
                break;
            }
            evaluations += 1;
            match objective(&trial).ok().and_then(checked) {
                Some((ft, gt, ht)) if ft < f => {
                    lambda = (lambda / 3.0).max(1e-12);
                    accepted = Some(Some((trial, ft, gt, ht)));
                    break;
                }
                _ => lambda *= 4.0,
            }
        }
        match accepted {
            None => break Stop::NoProgress,
            Some(None) => break Stop::Step,
            Some(Some((trial, ft, gt, ht))) => {
                let decrease = f - ft;
                if settings.hessian == Hessian::Bfgs {
                    bfgs_update(&mut h, &x, &trial, &g, &gt);
                } else {
                    h = ht;
                }
                (x, f, g) = (trial, ft, gt);
                if decrease < settings.value_tolerance * (1.0 + f.abs()) {
                    break Stop::Value;
                }
            }
        }
    };
    Ok(Minimum { x, value: f, gradient: g, iterations, evaluations, stop })
}

/// The BFGS update `H ← H + yyᵀ/(yᵀs) − (Hs)(Hs)ᵀ/(sᵀHs)` with
/// `s = x₁ − x₀`, `y = g₁ − g₀`, skipped unless `yᵀs > 0` (which keeps `H`
/// positive definite).
fn bfgs_update(h: &mut [f64], x0: &[f64], x1: &[f64], g0: &[f64], g1: &[f64]) {
    let n = x0.len();
    let s: Vec<f64> = x1.iter().zip(x0).map(|(a, b)| a - b).collect();
    let y: Vec<f64> = g1.iter().zip(g0).map(|(a, b)| a - b).collect();
    let ys: f64 = y.iter().zip(&s).map(|(a, b)| a * b).sum();
    let hs: Vec<f64> = (0..n).map(|i| (0..n).map(|j| h[i * n + j] * s[j]).sum()).collect();
    let shs: f64 = s.iter().zip(&hs).map(|(a, b)| a * b).sum();
    if ys <= 1e-12 * ys.abs().max(1.0) || shs <= 0.0 {
        return;
    }
    for i in 0..n {
        for j in 0..n {
            h[i * n + j] += y[i] * y[j] / ys - hs[i] * hs[j] / shs;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rosenbrock's function with its exact Hessian.
    fn rosenbrock(x: &[f64]) -> Result<Evaluation> {
        let (a, b) = (x[0], x[1]);
        let f = (1.0 - a).powi(2) + 100.0 * (b - a * a).powi(2);
        let g = vec![-2.0 * (1.0 - a) - 400.0 * a * (b - a * a), 200.0 * (b - a * a)];
        let h00 = 2.0 - 400.0 * (b - a * a) + 800.0 * a * a;
        let h = vec![h00, -400.0 * a, -400.0 * a, 200.0];
        Ok((f, g, h))
    }

    #[test]
    fn rosenbrock_minimum_is_found_with_either_hessian() {
        for hessian in [Hessian::Given, Hessian::Bfgs] {
            let settings = Settings { hessian, max_iterations: 2000, ..Settings::default() };
            let m = minimize(rosenbrock, &[-1.2, 1.0], &[-5.0, -5.0], &[5.0, 5.0], &settings).unwrap();
            assert!(m.stop.converged(), "{hessian:?}: {:?}", m.stop);
            assert!((m.x[0] - 1.0).abs() < 1e-4 && (m.x[1] - 1.0).abs() < 1e-4, "{hessian:?}: {:?}", m.x);
        }
    }

    #[test]
    fn an_active_bound_holds_the_minimum_on_it() {
        // The unconstrained minimum (1, 1) lies outside b ≤ 0.5: the bounded
        // one is where ∂f/∂a = 0 on b = 0.5, a = 0.7071… (a² ≈ b for the
        // large term; exactly the root of −2(1 − a) − 400a(0.5 − a²) = 0).
        let settings = Settings { max_iterations: 2000, ..Settings::default() };
        let m = minimize(rosenbrock, &[0.0, 0.0], &[-5.0, -5.0], &[5.0, 0.5], &settings).unwrap();
        assert_eq!(m.x[1], 0.5);
        let a = m.x[0];
        assert!((-2.0 * (1.0 - a) - 400.0 * a * (0.5 - a * a)).abs() < 1e-5, "{a}");
        assert!(m.gradient[1] < 0.0, "the bound holds the point: {:?}", m.gradient);
    }

    #[test]
    fn bad_input_is_an_error() {
        let s = Settings::default();
        assert!(minimize(rosenbrock, &[0.0, 0.0], &[1.0], &[2.0, 2.0], &s).is_err());
        assert!(minimize(rosenbrock, &[0.0, 0.0], &[1.0, 3.0], &[2.0, 2.0], &s).is_err());
        let nan = |_: &[f64]| -> Result<Evaluation> { Ok((f64::NAN, vec![0.0], vec![0.0])) };
        assert!(minimize(nan, &[0.0], &[-1.0], &[1.0], &s).is_err());
    }
}
