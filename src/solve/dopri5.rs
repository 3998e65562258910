//! Explicit Dormand–Prince 5(4) (Dormand & Prince 1980; Hairer, Nørsett &
//! Wanner, *Solving ODEs I*, §II.5) with the 5th-order continuous extension,
//! per-component absolute tolerances, and a PI step-size controller.
//!
//! The last step is shortened to land exactly on `t_end`, so a caller that
//! integrates from stop to stop never steps over a dose or a switch.

use super::driver::{check_finite, check_state, h_min, initial_step_guess, next_step, Stepper};
use super::failure::{dominant, first_non_finite, FailureLog, Rejection};
use super::{error_norm, OdeSystem, Options, Stats};
use crate::error::Result;

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

/// The Dormand–Prince 5(4) method as a [`Stepper`].
#[derive(Clone, Debug)]
pub struct Dopri5 {
    opt: Options,
    n: usize,
    t: f64,
    t_prev: f64,
    h: f64,
    y: Vec<f64>,
    k: [Vec<f64>; 7],
    y_stage: Vec<f64>,
    y_new: Vec<f64>,
    err: Vec<f64>,
    cont: [Vec<f64>; 5],
    err_old: f64,
    stats: Stats,
    log: FailureLog,
}

impl Dopri5 {
    /// A method for systems of dimension `n` with the given options.
    pub fn new(n: usize, options: Options) -> Result<Dopri5> {
        options.validate(n)?;
        let v = || vec![0.0; n];
        Ok(Dopri5 {
            opt: options,
            n,
            t: 0.0,
            t_prev: 0.0,
            h: 0.0,
            y: v(),
            k: [v(), v(), v(), v(), v(), v(), v()],
            y_stage: v(),
            y_new: v(),
            err: v(),
            cont: [v(), v(), v(), v(), v()],
            err_old: 1e-4,
            stats: Stats::default(),
            log: FailureLog::default(),
        })
    }

    /// Computes stages 2..7, the 5th-order solution in `y_new` and the error estimate.
    fn stages<S: OdeSystem>(&mut self, system: &S, h: f64) {
        let (t, y, n) = (self.t, &self.y, self.n);
        let [k1, k2, k3, k4, k5, k6, k7] = &mut self.k;
        let ys = &mut self.y_stage;
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
        let yn = &mut self.y_new;
        for i in 0..n {
            yn[i] = y[i] + h * (A71 * k1[i] + A73 * k3[i] + A74 * k4[i] + A75 * k5[i] + A76 * k6[i]);
        }
        system.rhs(t + h, yn, k7);
        for i in 0..n {
            self.err[i] = h * (E1 * k1[i] + E3 * k3[i] + E4 * k4[i] + E5 * k5[i] + E6 * k6[i] + E7 * k7[i]);
        }
        self.stats.rhs_evals += 6;
    }

    /// Hairer's continuous extension coefficients of the step `y → y_new`.
    fn dense_coefficients(&mut self, h: f64) {
        let [k1, _, k3, k4, k5, k6, k7] = &self.k;
        let [r1, r2, r3, r4, r5] = &mut self.cont;
        for i in 0..self.n {
            let dy = self.y_new[i] - self.y[i];
            let bspl = h * k1[i] - dy;
            r1[i] = self.y[i];
            r2[i] = dy;
            r3[i] = bspl;
            r4[i] = dy - h * k7[i] - bspl;
            r5[i] = h * (D1 * k1[i] + D3 * k3[i] + D4 * k4[i] + D5 * k5[i] + D6 * k6[i] + D7 * k7[i]);
        }
    }
}

impl Stepper for Dopri5 {
    fn name(&self) -> &'static str {
        "dopri5"
    }

    fn reset<S: OdeSystem>(&mut self, system: &S, t: f64, y: &[f64]) -> Result<()> {
        check_state(self.n, system, y)?;
        self.t = t;
        self.t_prev = t;
        self.y.copy_from_slice(y);
        system.rhs(t, &self.y, &mut self.k[0]);
        self.stats.rhs_evals += 1;
        check_finite("dopri5", system, t, self.h, &self.k[0])?;
        if self.h == 0.0 {
            self.h = match self.opt.h0 {
                Some(h) => h,
                None => {
                    let [k1, k2, ..] = &mut self.k;
                    initial_step_guess(system, t, y, k1, 5, &self.opt, (&mut self.y_stage, k2), &mut self.stats)
                }
            };
        }
        self.err_old = 1e-4;
        Ok(())
    }

    fn step<S: OdeSystem>(&mut self, system: &S, t_stop: f64) -> Result<()> {
        let mut rejected_last = false;
        loop {
            let (h, lands) = next_step(&self.stats, &self.opt, self.t, self.h, t_stop)
                .map_err(|(kind, h)| self.log.error(kind, "dopri5", system, self.t, h, &self.y))?;
            self.stages(system, h);
            let err = error_norm(&self.err, &self.y, &self.y_new, &self.opt);
            if !err.is_finite() {
                self.stats.rejected += 1;
                self.log.rejected(Rejection::NonFinite, first_non_finite(&self.err));
                self.h = 0.1 * h;
                rejected_last = true;
                if self.h <= h_min(self.t) {
                    check_finite("dopri5", system, self.t + h, h, &self.k[6])?;
                }
                continue;
            }
            if err <= 1.0 || self.opt.fixed_step.is_some() {
                self.dense_coefficients(h);
                self.t_prev = self.t;
                self.t = if lands { t_stop } else { self.t + h };
                std::mem::swap(&mut self.y, &mut self.y_new);
                self.k.swap(0, 6); // FSAL: k7 of this step is k1 of the next.
                self.stats.steps += 1;
                self.log.accepted();
                let beta = 0.04;
                let mut factor = 0.9 * err.max(1e-10).powf(-0.2 + 0.75 * beta) * self.err_old.powf(beta);
                factor = factor.clamp(0.2, 10.0);
                if rejected_last {
                    factor = factor.min(1.0);
                }
                self.err_old = err.max(1e-4);
                // A step shortened to land on a stop does not shrink the next one.
                self.h = if lands { self.h.max(h * factor) } else { h * factor };
                return Ok(());
            }
            self.stats.rejected += 1;
            let (opt, y, y_new) = (&self.opt, &self.y, &self.y_new);
            let weight = |i: usize| 1.0 / (opt.atol.get(i) + opt.rtol * y[i].abs().max(y_new[i].abs()));
            self.log.rejected(Rejection::ErrorTest, dominant(&self.err, weight));
            self.h = h * (0.9 * err.powf(-0.2)).max(0.2);
            rejected_last = true;
        }
    }

    fn t(&self) -> f64 {
        self.t
    }

    fn y(&self) -> &[f64] {
        &self.y
    }

    fn t_prev(&self) -> f64 {
        self.t_prev
    }

    fn interpolate(&self, t: f64, out: &mut [f64]) {
        let h = self.t - self.t_prev;
        let theta = if h > 0.0 { (t - self.t_prev) / h } else { 1.0 };
        let theta1 = 1.0 - theta;
        let c = &self.cont;
        for i in 0..self.n {
            out[i] = c[0][i] + theta * (c[1][i] + theta1 * (c[2][i] + theta * (c[3][i] + theta1 * c[4][i])));
        }
    }

    fn stats(&self) -> Stats {
        self.stats
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::solve::Tolerance;

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
        let options = Options { rtol: 1e-10, atol: Tolerance::Scalar(1e-12), ..Options::default() };
        let sol = crate::solve::solve(&Decay, Dopri5::new(1, options).unwrap(), 0.0, &[1.0], 5.0, &outputs).unwrap();
        assert_eq!(sol.t, outputs);
        for (k, &t) in sol.t.iter().enumerate() {
            assert!((sol.state(k)[0] - (-t).exp()).abs() < 1e-9, "t = {t}");
        }
    }

    #[test]
    fn too_many_steps_is_an_error() {
        let few = Options { max_steps: 3, rtol: 1e-12, ..Options::default() };
        let result = crate::solve::solve(&Decay, Dopri5::new(1, few).unwrap(), 0.0, &[1.0], 100.0, &[]);
        let e = result.unwrap_err();
        let e = e.solve_error().expect("a solver failure");
        assert!(matches!(e.kind, crate::SolveErrorKind::TooManySteps { max_steps: 3, .. }), "{e}");
    }
}
