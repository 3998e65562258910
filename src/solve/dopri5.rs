//! Explicit Dormand–Prince 5(4) (Dormand & Prince 1980; Hairer, Nørsett &
//! Wanner, *Solving ODEs I*, §II.5) with the 5th-order continuous extension,
//! per-component absolute tolerances, and a PI step-size controller.
//!
//! The last step is shortened to land exactly on `t_end`, so a caller that
//! integrates from stop to stop never steps over a dose or a switch.

use super::{check_problem, error_norm, OdeSystem, Options, Solution, Stats};
use crate::error::{Result, SaspError};

const C2: f64 = 1.0 / 5.0;
const C3: f64 = 3.0 / 10.0;
const C4: f64 = 4.0 / 5.0;
const C5: f64 = 8.0 / 9.0;
const A21: f64 = 1.0 / 5.0;
const A31: f64 = 3.0 / 40.0;
const A32: f64 = 9.0 / 40.0;
const A41: f64 = 44.0 / 45.0;
const A42: f64 = -56.0 / 15.0;
const A43: f64 = 32.0 / 9.0;
const A51: f64 = 19372.0 / 6561.0;
const A52: f64 = -25360.0 / 2187.0;
const A53: f64 = 64448.0 / 6561.0;
const A54: f64 = -212.0 / 729.0;
const A61: f64 = 9017.0 / 3168.0;
const A62: f64 = -355.0 / 33.0;
const A63: f64 = 46732.0 / 5247.0;
const A64: f64 = 49.0 / 176.0;
const A65: f64 = -5103.0 / 18656.0;
const A71: f64 = 35.0 / 384.0;
const A73: f64 = 500.0 / 1113.0;
const A74: f64 = 125.0 / 192.0;
const A75: f64 = -2187.0 / 6784.0;
const A76: f64 = 11.0 / 84.0;
const E1: f64 = 71.0 / 57600.0;
const E3: f64 = -71.0 / 16695.0;
const E4: f64 = 71.0 / 1920.0;
const E5: f64 = -17253.0 / 339200.0;
const E6: f64 = 22.0 / 525.0;
const E7: f64 = -1.0 / 40.0;
const D1: f64 = -12715105075.0 / 11282082432.0;
const D3: f64 = 87487479700.0 / 32700410799.0;
const D4: f64 = -10690763975.0 / 1880347072.0;
const D5: f64 = 701980252875.0 / 199316789632.0;
const D6: f64 = -1453857185.0 / 822651844.0;
const D7: f64 = 69997945.0 / 29380423.0;

/// The Dormand–Prince 5(4) method.
#[derive(Clone, Debug, Default)]
pub struct Dopri5 {
    /// Tolerances and limits.
    pub options: Options,
}

/// Stage vectors and dense-output coefficients, allocated once per solve.
struct Work {
    k: [Vec<f64>; 7],
    y_stage: Vec<f64>,
    y_new: Vec<f64>,
    err: Vec<f64>,
    cont: [Vec<f64>; 5],
    out: Vec<f64>,
}

impl Work {
    fn new(n: usize) -> Work {
        let v = || vec![0.0; n];
        Work {
            k: [v(), v(), v(), v(), v(), v(), v()],
            y_stage: v(),
            y_new: v(),
            err: v(),
            cont: [v(), v(), v(), v(), v()],
            out: v(),
        }
    }
}

impl Dopri5 {
    /// A method with the given options.
    pub fn new(options: Options) -> Dopri5 {
        Dopri5 { options }
    }

    /// Integrates from `(t0, y0)` to `t_end`, recording the state at each of
    /// `outputs` (increasing, within `[t0, t_end]`) from the dense output.
    pub fn solve<S: OdeSystem>(
        &self,
        system: &S,
        t0: f64,
        y0: &[f64],
        t_end: f64,
        outputs: &[f64],
    ) -> Result<Solution> {
        let n = system.dimension();
        let opt = &self.options;
        opt.validate(n)?;
        check_problem(n, t0, y0, t_end, outputs)?;
        let mut sol = Solution::new(n);
        let mut stats = Stats::default();
        let mut w = Work::new(n);
        let mut y = y0.to_vec();
        let mut t = t0;
        let mut next_out = 0;
        while next_out < outputs.len() && outputs[next_out] <= t0 {
            sol.push(t0, &y);
            next_out += 1;
        }
        if t_end == t0 {
            sol.stats = stats;
            return Ok(sol);
        }

        system.rhs(t, &y, &mut w.k[0]);
        stats.rhs_evals += 1;
        check_finite(system, t, &w.k[0])?;
        let span = t_end - t0;
        let mut h = match opt.h0 {
            Some(h) => h,
            None => initial_step(system, t, &y, &mut w, opt, &mut stats),
        }
        .min(opt.h_max)
        .min(span);
        let mut err_old: f64 = 1e-4;
        let mut rejected_last = false;

        while t < t_end {
            if stats.steps + stats.rejected >= opt.max_steps {
                return Err(SaspError::TooManySteps { max_steps: opt.max_steps, t, t_end });
            }
            let last = t + h >= t_end - 1e-12 * span.abs().max(1.0);
            if last {
                h = t_end - t;
            }
            if h <= 16.0 * f64::EPSILON * t.abs().max(1.0) {
                return Err(SaspError::StepSizeUnderflow { t, h });
            }
            self.stages(system, t, &y, h, &mut w);
            stats.rhs_evals += 6;
            let err = error_norm(&w.err, &y, &w.y_new, opt);
            if !err.is_finite() {
                stats.rejected += 1;
                h *= 0.1;
                rejected_last = true;
                continue;
            }
            if err <= 1.0 {
                // Accept: dense output for [t, t + h], then advance.
                dense_coefficients(&y, h, &mut w);
                let t_new = if last { t_end } else { t + h };
                while next_out < outputs.len() && outputs[next_out] <= t_new {
                    let theta = (outputs[next_out] - t) / h;
                    interpolate(&w.cont, theta, &mut w.out);
                    sol.push(outputs[next_out], &w.out);
                    next_out += 1;
                }
                std::mem::swap(&mut y, &mut w.y_new);
                w.k.swap(0, 6); // FSAL: k7 of this step is k1 of the next.
                t = t_new;
                stats.steps += 1;
                let beta = 0.04;
                let mut factor = 0.9 * err.max(1e-10).powf(-0.2 + 0.75 * beta) * err_old.powf(beta);
                factor = factor.clamp(0.2, 10.0);
                if rejected_last {
                    factor = factor.min(1.0);
                }
                err_old = err.max(1e-4);
                h = (h * factor).min(opt.h_max);
                rejected_last = false;
            } else {
                stats.rejected += 1;
                h *= (0.9 * err.powf(-0.2)).max(0.2);
                rejected_last = true;
            }
        }
        sol.stats = stats;
        Ok(sol)
    }

    /// Computes stages 2..7, the 5th-order solution in `y_new` and the error estimate.
    fn stages<S: OdeSystem>(&self, system: &S, t: f64, y: &[f64], h: f64, w: &mut Work) {
        let n = y.len();
        let [k1, k2, k3, k4, k5, k6, k7] = &mut w.k;
        let ys = &mut w.y_stage;
        for i in 0..n {
            ys[i] = y[i] + h * A21 * k1[i];
        }
        system.rhs(t + C2 * h, ys, k2);
        for i in 0..n {
            ys[i] = y[i] + h * (A31 * k1[i] + A32 * k2[i]);
        }
        system.rhs(t + C3 * h, ys, k3);
        for i in 0..n {
            ys[i] = y[i] + h * (A41 * k1[i] + A42 * k2[i] + A43 * k3[i]);
        }
        system.rhs(t + C4 * h, ys, k4);
        for i in 0..n {
            ys[i] = y[i] + h * (A51 * k1[i] + A52 * k2[i] + A53 * k3[i] + A54 * k4[i]);
        }
        system.rhs(t + C5 * h, ys, k5);
        for i in 0..n {
            ys[i] = y[i] + h * (A61 * k1[i] + A62 * k2[i] + A63 * k3[i] + A64 * k4[i] + A65 * k5[i]);
        }
        system.rhs(t + h, ys, k6);
        let yn = &mut w.y_new;
        for i in 0..n {
            yn[i] = y[i] + h * (A71 * k1[i] + A73 * k3[i] + A74 * k4[i] + A75 * k5[i] + A76 * k6[i]);
        }
        system.rhs(t + h, yn, k7);
        for i in 0..n {
            w.err[i] = h * (E1 * k1[i] + E3 * k3[i] + E4 * k4[i] + E5 * k5[i] + E6 * k6[i] + E7 * k7[i]);
        }
    }
}

/// Hairer's continuous extension coefficients of the step `y → y_new`.
fn dense_coefficients(y: &[f64], h: f64, w: &mut Work) {
    let [k1, _, k3, k4, k5, k6, k7] = &w.k;
    let [r1, r2, r3, r4, r5] = &mut w.cont;
    for i in 0..y.len() {
        let dy = w.y_new[i] - y[i];
        let bspl = h * k1[i] - dy;
        r1[i] = y[i];
        r2[i] = dy;
        r3[i] = bspl;
        r4[i] = dy - h * k7[i] - bspl;
        r5[i] = h * (D1 * k1[i] + D3 * k3[i] + D4 * k4[i] + D5 * k5[i] + D6 * k6[i] + D7 * k7[i]);
    }
}

/// Evaluates the dense output at `θ ∈ [0, 1]` of the last accepted step.
fn interpolate(cont: &[Vec<f64>; 5], theta: f64, out: &mut [f64]) {
    let theta1 = 1.0 - theta;
    for i in 0..out.len() {
        out[i] = cont[0][i] + theta * (cont[1][i] + theta1 * (cont[2][i] + theta * (cont[3][i] + theta1 * cont[4][i])));
    }
}

fn check_finite<S: OdeSystem>(system: &S, t: f64, dy: &[f64]) -> Result<()> {
    match dy.iter().position(|v| !v.is_finite()) {
        Some(component) => Err(SaspError::NonFiniteRhs { component, name: system.component_name(component), t }),
        None => Ok(()),
    }
}

/// Hairer's starting step: balance `h·|f|` against the tolerance and a second
/// derivative estimate.
fn initial_step<S: OdeSystem>(system: &S, t: f64, y: &[f64], w: &mut Work, opt: &Options, stats: &mut Stats) -> f64 {
    let n = y.len();
    let scale = |i: usize, v: f64| opt.atol.get(i) + opt.rtol * v.abs();
    let (mut d0, mut d1) = (0.0, 0.0);
    for i in 0..n {
        let s = scale(i, y[i]);
        d0 += (y[i] / s).powi(2);
        d1 += (w.k[0][i] / s).powi(2);
    }
    let (d0, d1) = ((d0 / n as f64).sqrt(), (d1 / n as f64).sqrt());
    let h0 = if d0 < 1e-5 || d1 < 1e-5 { 1e-6 } else { 0.01 * d0 / d1 };
    for i in 0..n {
        w.y_stage[i] = y[i] + h0 * w.k[0][i];
    }
    system.rhs(t + h0, &w.y_stage, &mut w.k[1]);
    stats.rhs_evals += 1;
    let mut d2 = 0.0;
    for i in 0..n {
        d2 += ((w.k[1][i] - w.k[0][i]) / scale(i, y[i])).powi(2);
    }
    let d2 = (d2 / n as f64).sqrt() / h0;
    let h1 = if d1.max(d2) <= 1e-15 { (h0 * 1e-3).max(1e-6) } else { (0.01 / d1.max(d2)).powf(0.2) };
    (100.0 * h0).min(h1)
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Decay;
    impl OdeSystem for Decay {
        fn dimension(&self) -> usize {
            1
        }
        fn rhs(&self, _t: f64, y: &[f64], dy: &mut [f64]) {
            dy[0] = -y[0];
        }
    }

    #[test]
    fn exponential_decay_and_dense_output() {
        let outputs: Vec<f64> = (0..=10).map(|k| k as f64 * 0.5).collect();
        let options = Options { rtol: 1e-10, atol: super::super::Tolerance::Scalar(1e-12), ..Options::default() };
        let sol = Dopri5::new(options).solve(&Decay, 0.0, &[1.0], 5.0, &outputs).unwrap();
        assert_eq!(sol.t, outputs);
        for (k, &t) in sol.t.iter().enumerate() {
            assert!((sol.state(k)[0] - (-t).exp()).abs() < 1e-9, "t = {t}");
        }
    }

    #[test]
    fn rejects_bad_problems() {
        let m = Dopri5::default();
        assert!(m.solve(&Decay, 0.0, &[1.0, 2.0], 1.0, &[]).is_err());
        assert!(m.solve(&Decay, 1.0, &[1.0], 0.0, &[]).is_err());
        assert!(m.solve(&Decay, 0.0, &[1.0], 1.0, &[0.5, 0.2]).is_err());
        let bad = Dopri5::new(Options { rtol: -1.0, ..Options::default() });
        assert!(bad.solve(&Decay, 0.0, &[1.0], 1.0, &[]).is_err());
        let few = Dopri5::new(Options { max_steps: 3, rtol: 1e-12, ..Options::default() });
        assert!(matches!(few.solve(&Decay, 0.0, &[1.0], 100.0, &[]), Err(SaspError::TooManySteps { .. })));
    }
}
