//! Linearly implicit Rosenbrock methods for stiff systems.
//!
//! Each step solves `S` linear systems with one matrix `M = I/(hγ) − J`,
//! where `J = ∂f/∂y(t, y)` is the exact (or finite-difference) Jacobian:
//!
//! `M kᵢ = f(t + cᵢh, y + Σ_{j<i} aᵢⱼ kⱼ) + h dᵢ ∂f/∂t + Σ_{j<i} (Cᵢⱼ/h) kⱼ`,
//! `y₁ = y + Σ bⱼ kⱼ`, error estimate `Σ eⱼ kⱼ`
//!
//! (the transformed form of Hairer & Wanner, *Solving ODEs II*, §IV.7). No
//! Newton iteration, so nothing to converge or fail quietly; one factorization
//! per step; and a one-step method restarts for free after every dose.
//!
//! Methods:
//! - [`Rosenbrock::rodas5p`]: Rodas5P (Steinebach 2023), order 5(4), 8 stages,
//!   stiffly accurate, L-stable, 4th-order dense output. The default for stiff
//!   problems at moderate to tight tolerances.
//! - [`Rosenbrock::rodas3`]: Rodas3 (Sandu et al. 1997), order 3(2), 4 stages,
//!   stiffly accurate, L-stable, cubic Hermite dense output. For loose
//!   tolerances (rtol ≳ 1e-3).
//!
//! For a differential–algebraic system `M y' = f` (`M` diagonal, 0 on the
//! algebraic components, [`OdeSystem::algebraic_components`]) the matrix is
//! `M/(hγ) − J` and the `Σ (Cᵢⱼ/h) kⱼ` terms are multiplied by `M` (Hairer &
//! Wanner, §VI.4): Rodas5P, built for such systems, keeps its order on
//! index-1 problems. Rodas3's Hermite dense output interpolates `y'`, which
//! the algebraic components do not have, so it refuses them.
// Coefficients and reference values are kept with the digits they were published with.
#![allow(clippy::excessive_precision)]

use super::dae::{dae_refused, Consistency, Context};
use super::driver::{check_finite, check_state, initial_step_guess, next_step, Stepper};
use super::failure::{dominant, first_non_finite, FailureLog, Rejection};
use super::jacobian::{IterationMatrix, JacobianEvaluator};
use super::{error_norm, OdeSystem, Options, Stats};
use crate::error::{Result, SaspError};

const MAX_STAGES: usize = 8;

/// How a method interpolates inside a step.
#[derive(Clone, Copy, Debug)]
enum DenseOutput {
    /// `y(θ) = (1−θ) y₀ + θ (y₁ + (1−θ)(K₁ + θ (K₂ + θ K₃)))`, `K_m = Σⱼ h_{m,j} kⱼ`.
    Rodas { h: [[f64; MAX_STAGES]; 3], terms: usize },
    /// Cubic Hermite through `(y₀, f₀)` and `(y₁, f₁)`.
    Hermite,
}

/// Coefficients of a Rosenbrock method in transformed form.
#[derive(Clone, Debug)]
struct Tableau {
    name: &'static str,
    stages: usize,
    gamma: f64,
    a: [[f64; MAX_STAGES]; MAX_STAGES],
    cc: [[f64; MAX_STAGES]; MAX_STAGES],
    c: [f64; MAX_STAGES],
    d: [f64; MAX_STAGES],
    b: [f64; MAX_STAGES],
    e: [f64; MAX_STAGES],
    /// Order of the error estimate (its local error is O(h^(q+1))).
    embedded_order: usize,
    dense: DenseOutput,
}

/// For stiffly accurate methods written as `u_{i+1} = u_i + k_i` after the
/// last internal stage: rows of `a` for the trailing stages, `b` and `e`.
fn stiffly_accurate_tail(a: &mut [[f64; MAX_STAGES]; MAX_STAGES], from: usize, stages: usize) -> [f64; MAX_STAGES] {
    for i in from..stages {
        a[i] = a[i - 1];
        a[i][i - 1] = 1.0;
    }
    let mut b = a[stages - 1];
    b[stages - 1] = 1.0;
    b
}

fn rodas5p() -> Tableau {
    let mut a = [[0.0; MAX_STAGES]; MAX_STAGES];
    a[1][0] = 3.0;
    a[2][..2].copy_from_slice(&[2.849394379747939, 0.45842242204463923]);
    a[3][..3].copy_from_slice(&[-6.954028509809101, 2.489845061869568, -10.358996098473584]);
    a[4][..4].copy_from_slice(&[2.8029986275628964, 0.5072464736228206, -0.3988312541770524, -0.04721187230404641]);
    a[5][..5].copy_from_slice(&[
        -7.502846399306121,
        2.561846144803919,
        -11.627539656261098,
        -0.18268767659942256,
        0.030198172008377946,
    ]);
    let b = stiffly_accurate_tail(&mut a, 6, 8);
    let mut cc = [[0.0; MAX_STAGES]; MAX_STAGES];
    cc[1][0] = -14.155112264123755;
    cc[2][..2].copy_from_slice(&[-17.97296035885952, -2.859693295451294]);
    cc[3][..3].copy_from_slice(&[147.12150275711716, -1.41221402718213, 71.68940251302358]);
    cc[4][..4].copy_from_slice(&[165.43517024871676, -0.4592823456491126, 42.90938336958603, -5.961986721573306]);
    cc[5][..5].copy_from_slice(&[
        24.854864614690072,
        -3.0009227002832186,
        47.4931110020768,
        5.5814197821558125,
        -0.6610691825249471,
    ]);
    cc[6][..6].copy_from_slice(&[
        30.91273214028599,
        -3.1208243349937974,
        77.79954646070892,
        34.28646028294783,
        -19.097331116725623,
        -28.087943162872662,
    ]);
    cc[7][..7].copy_from_slice(&[
        37.80277123390563,
        -3.2571969029072276,
        112.26918849496327,
        66.9347231244047,
        -40.06618937091002,
        -54.66780262877968,
        -9.48861652309627,
    ]);
    let mut e = [0.0; MAX_STAGES];
    e[7] = 1.0;
    let h = [
        [
            25.948786856663858,
            -2.5579724845846235,
            10.433815404888879,
            -2.3679251022685204,
            0.524948541321073,
            1.1241088310450404,
            0.4272876194431874,
            -0.17202221070155493,
        ],
        [
            -9.91568850695171,
            -0.9689944594115154,
            3.0438037242978453,
            -24.495224566215796,
            20.176138334709044,
            15.98066361424651,
            -6.789040303419874,
            -6.710236069923372,
        ],
        [
            11.419903575922262,
            2.8879645146136994,
            72.92137995996029,
            80.12511834622643,
            -52.072871366152654,
            -59.78993625266729,
            -0.15582684282751913,
            4.883087185713722,
        ],
    ];
    Tableau {
        name: "rodas5p",
        stages: 8,
        gamma: 0.21193756319429014,
        a,
        cc,
        c: [0.0, 0.6358126895828704, 0.4095798393397535, 0.9769306725060716, 0.4288403609558664, 1.0, 1.0, 1.0],
        d: [
            0.21193756319429014,
            -0.42387512638858027,
            -0.3384627126235924,
            1.8046452872882734,
            2.325825639765069,
            0.0,
            0.0,
            0.0,
        ],
        b,
        e,
        embedded_order: 4,
        dense: DenseOutput::Rodas { h, terms: 3 },
    }
}

fn rodas3() -> Tableau {
    let mut a = [[0.0; MAX_STAGES]; MAX_STAGES];
    a[2][0] = 2.0;
    a[3][..3].copy_from_slice(&[2.0, 0.0, 1.0]);
    let mut cc = [[0.0; MAX_STAGES]; MAX_STAGES];
    cc[1][0] = 4.0;
    cc[2][..2].copy_from_slice(&[1.0, -1.0]);
    cc[3][..3].copy_from_slice(&[1.0, -1.0, -8.0 / 3.0]);
    let mut b = [0.0; MAX_STAGES];
    b[..4].copy_from_slice(&[2.0, 0.0, 1.0, 1.0]);
    let mut e = [0.0; MAX_STAGES];
    e[3] = 1.0;
    let mut c = [0.0; MAX_STAGES];
    c[2] = 1.0;
    c[3] = 1.0;
    let mut d = [0.0; MAX_STAGES];
    d[0] = 0.5;
    d[1] = 1.5;
    Tableau { name: "rodas3", stages: 4, gamma: 0.5, a, cc, c, d, b, e, embedded_order: 2, dense: DenseOutput::Hermite }
}

/// A Rosenbrock method as a [`Stepper`].
#[derive(Clone, Debug)]
pub struct Rosenbrock {
    tab: Tableau,
    opt: Options,
    n: usize,
    t: f64,
    t_prev: f64,
    h: f64,
    y: Vec<f64>,
    y_prev: Vec<f64>,
    f: Vec<f64>,
    f_prev: Vec<f64>,
    ft: Vec<f64>,
    /// Stage vectors, stage `j` at `k[j·n..(j+1)·n]`.
    k: Vec<f64>,
    u: Vec<f64>,
    y_new: Vec<f64>,
    err: Vec<f64>,
    dense: [Vec<f64>; 3],
    /// Are `dense` computed for the last step?
    dense_ready: bool,
    jac: JacobianEvaluator,
    matrix: IterationMatrix,
    /// Is `jac` evaluated at the current `(t, y)`?
    jac_current: bool,
    /// `hγ` the matrix was last factored with.
    factored_for: f64,
    /// The tableau's shortcuts, read off once: is it stiffly accurate (see
    /// [`stiffly_accurate`]), and is its error estimate the last increment?
    stiffly_accurate: bool,
    error_is_last_increment: bool,
    stats: Stats,
    log: FailureLog,
    /// The first component of `ft` that is not finite (for a failure report).
    ft_bad: Option<usize>,
    /// For a differential–algebraic system: its consistent initialization,
    /// and a stage's algebraic rows before the `Σ (Cᵢⱼ/h) kⱼ` terms, which
    /// multiply `M` and so skip those rows.
    consistency: Option<Consistency>,
    algebraic_rows: Vec<f64>,
}

impl Rosenbrock {
    /// Rodas5P for `system` (order 5, the default stiff method).
    pub fn rodas5p<S: OdeSystem>(system: &S, options: Options) -> Result<Rosenbrock> {
        Rosenbrock::with_tableau(rodas5p(), system, options)
    }

    /// Rodas3 for `system` (order 3, for loose tolerances).
    pub fn rodas3<S: OdeSystem>(system: &S, options: Options) -> Result<Rosenbrock> {
        Rosenbrock::with_tableau(rodas3(), system, options)
    }

    fn with_tableau<S: OdeSystem>(tab: Tableau, system: &S, options: Options) -> Result<Rosenbrock> {
        let n = system.dimension();
        options.validate(n)?;
        let v = || vec![0.0; n];
        let jac = JacobianEvaluator::new(system);
        let algebraic = system.algebraic_components();
        if !algebraic.is_empty() && !matches!(tab.dense, DenseOutput::Rodas { .. }) {
            return Err(dae_refused(tab.name));
        }
        let matrix = IterationMatrix::new(jac.structure(), n).with_algebraic(jac.structure(), algebraic);
        let consistency = Consistency::new(system, jac.structure());
        let last = tab.stages - 1;
        let error_is_last_increment = tab.e[last] == 1.0 && tab.e[..last].iter().all(|&e| e == 0.0);
        Ok(Rosenbrock {
            stiffly_accurate: stiffly_accurate(&tab),
            error_is_last_increment,
            k: vec![0.0; tab.stages * n],
            tab,
            opt: options,
            n,
            t: 0.0,
            t_prev: 0.0,
            h: 0.0,
            y: v(),
            y_prev: v(),
            f: v(),
            f_prev: v(),
            ft: v(),
            u: v(),
            y_new: v(),
            err: v(),
            dense: [v(), v(), v()],
            dense_ready: false,
            jac,
            matrix,
            jac_current: false,
            factored_for: f64::NAN,
            stats: Stats::default(),
            log: FailureLog::default(),
            ft_bad: None,
            algebraic_rows: vec![0.0; algebraic.len()],
            consistency,
        })
    }

    /// Solves its linear systems with `matrix` instead of the default solver
    /// for the system's Jacobian structure (see [`IterationMatrix`]): e.g.
    /// `IterationMatrix::with_solver(Box::new(my_solver))`, where `my_solver`
    /// implements [`super::LinearSolver`] for that structure and dimension.
    pub fn with_iteration_matrix(mut self, matrix: IterationMatrix) -> Result<Rosenbrock> {
        if matrix.dim() != self.n {
            return Err(SaspError::InvalidOptions(format!(
                "linear solver of dimension {} for a system of {}",
                matrix.dim(),
                self.n
            )));
        }
        let algebraic = self.consistency.as_ref().map_or(&[][..], |c| c.components());
        self.matrix = matrix.with_algebraic(self.jac.structure(), algebraic);
        self.factored_for = f64::NAN;
        Ok(self)
    }

    /// Attempts one step of size `h` from `(t, y)`; returns the error norm, or
    /// why it failed (the iteration matrix is singular, with its failing
    /// column, or a stage is not finite, with the first bad component).
    fn attempt<S: OdeSystem>(&mut self, system: &S, h: f64) -> Result<f64, (Rejection, Option<usize>)> {
        let (n, t) = (self.n, self.t);
        if !self.jac_current {
            self.jac.evaluate(system, t, &self.y, Some(&self.f), &mut self.stats);
            if system.is_autonomous() {
                self.ft.fill(0.0);
            } else if system.time_derivative(t, &self.y, &mut self.ft) {
                // Exact.
            } else {
                let dt = f64::EPSILON.sqrt() * t.abs().max(1.0);
                system.rhs(t + dt, &self.y, &mut self.ft);
                self.stats.rhs_evals += 1;
                for i in 0..n {
                    self.ft[i] = (self.ft[i] - self.f[i]) / dt;
                }
            }
            self.ft_bad = first_non_finite(&self.ft);
            self.jac_current = true;
            self.factored_for = f64::NAN;
        }
        let tab = &self.tab;
        let hg = h * tab.gamma;
        if hg != self.factored_for {
            if let Err(singular) = self.matrix.factor(&self.jac.values, -1.0, 1.0 / hg, &mut self.stats) {
                self.factored_for = f64::NAN;
                return Err((Rejection::Singular, Some(singular.column)));
            }
            self.factored_for = hg;
        }
        let inv_h = 1.0 / h;
        let autonomous = system.is_autonomous();
        for s in 0..tab.stages {
            let (done, rest) = self.k.split_at_mut(s * n);
            let ks = &mut rest[..n];
            if s == 0 {
                ks.copy_from_slice(&self.f);
            } else {
                // u = y + Σ_{j<s} a_sj k_j (axpy per earlier stage: contiguous, vectorized)
                self.u.copy_from_slice(&self.y);
                accumulate(&mut self.u, done, &tab.a[s][..s], 1.0);
                system.rhs(t + tab.c[s] * h, &self.u, ks);
                self.stats.rhs_evals += 1;
            }
            // rhs_s = f_s + h d_s f_t + Σ_{j<s} (C_sj / h) k_j (f_t = 0 when autonomous)
            let hd = h * tab.d[s];
            if hd != 0.0 && !autonomous {
                for (k, &ft) in ks.iter_mut().zip(&self.ft) {
                    *k += hd * ft;
                }
            }
            match &self.consistency {
                None => accumulate(ks, done, &tab.cc[s][..s], inv_h),
                Some(c) => {
                    // M Σ (C_sj/h) k_j: nothing on the algebraic rows.
                    for (saved, &i) in self.algebraic_rows.iter_mut().zip(c.components()) {
                        *saved = ks[i];
                    }
                    accumulate(ks, done, &tab.cc[s][..s], inv_h);
                    for (&saved, &i) in self.algebraic_rows.iter().zip(c.components()) {
                        ks[i] = saved;
                    }
                }
            }
            self.matrix.solve(ks, &mut self.stats);
        }
        if let Some(k) = first_non_finite(&self.k) {
            let ft_bad = if autonomous { None } else { self.ft_bad };
            let culprit = ft_bad.or_else(|| self.non_finite_stage_rhs(system, h));
            return Err((Rejection::NonFinite, culprit.or(Some(k % n))));
        }
        let last = tab.stages - 1;
        if self.stiffly_accurate {
            // b = (a_last, 1): the last stage's argument plus its increment.
            self.y_new.copy_from_slice(&self.u);
            accumulate(&mut self.y_new, &self.k[last * n..], &[1.0], 1.0);
        } else {
            self.y_new.copy_from_slice(&self.y);
            accumulate(&mut self.y_new, &self.k, &tab.b[..tab.stages], 1.0);
        }
        if self.error_is_last_increment {
            self.err.copy_from_slice(&self.k[last * n..]);
        } else {
            self.err.fill(0.0);
            accumulate(&mut self.err, &self.k, &tab.e[..tab.stages], 1.0);
        }
        Ok(error_norm(&self.err, &self.y, &self.y_new, &self.opt))
    }
}

impl Rosenbrock {
    /// After a stage came out non-finite: the first non-finite component of
    /// the first stage right-hand side that is not finite, found by
    /// evaluating the stages again up to it (the linear solves spread a NaN
    /// over every component, so the solved stages cannot tell), or `None`
    /// when the right-hand sides were finite and a solve overflowed. For the
    /// failure report only: these evaluations are not counted in [`Stats`],
    /// and they overwrite only scratch that the next attempt recomputes.
    fn non_finite_stage_rhs<S: OdeSystem>(&mut self, system: &S, h: f64) -> Option<usize> {
        let n = self.n;
        for s in 1..self.tab.stages {
            let done = &self.k[..s * n];
            if first_non_finite(done).is_some() {
                return None;
            }
            self.u.copy_from_slice(&self.y);
            accumulate(&mut self.u, done, &self.tab.a[s][..s], 1.0);
            system.rhs(self.t + self.tab.c[s] * h, &self.u, &mut self.y_new);
            if let Some(i) = first_non_finite(&self.y_new) {
                return Some(i);
            }
        }
        None
    }
}

/// Is the new state the last stage's argument plus the last increment
/// (`b_j = a_{s,j}` for `j < s`, `b_s = 1`, with `s` the last stage)? Then
/// `y₁ = u_s + k_s` reuses `u_s`, which the last stage computed.
fn stiffly_accurate(tab: &Tableau) -> bool {
    let last = tab.stages - 1;
    last > 0 && tab.b[last] == 1.0 && tab.b[..last] == tab.a[last][..last]
}

/// `out += scale · Σ_j coef_j k_j`, where stage `j` is `stages[j·n..(j+1)·n]`
/// and `n = out.len()`. Small systems get a fixed-size loop that unrolls.
#[inline]
fn accumulate(out: &mut [f64], stages: &[f64], coef: &[f64], scale: f64) {
    macro_rules! fixed {
        ($($k:literal)*) => {
            match out.len() {
                $($k => accumulate_fixed::<$k>(out, stages, coef, scale),)*
                n => {
                    for (kj, &c) in stages.chunks_exact(n).zip(coef) {
                        let c = c * scale;
                        for (o, &k) in out.iter_mut().zip(kj) {
                            *o += c * k;
                        }
                    }
                }
            }
        };
    }
    fixed!(1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24)
}

fn accumulate_fixed<const N: usize>(out: &mut [f64], stages: &[f64], coef: &[f64], scale: f64) {
    let out: &mut [f64; N] = out.try_into().expect("dispatched on the length");
    for (kj, &c) in stages.chunks_exact(N).zip(coef) {
        let kj: &[f64; N] = kj.try_into().expect("chunks of N");
        let c = c * scale;
        for i in 0..N {
            out[i] += c * kj[i];
        }
    }
}

impl Stepper for Rosenbrock {
    fn name(&self) -> &'static str {
        self.tab.name
    }

    fn reset<S: OdeSystem>(&mut self, system: &S, t: f64, y: &[f64]) -> Result<()> {
        check_state(self.n, system, y)?;
        self.t = t;
        self.t_prev = t;
        self.y.copy_from_slice(y);
        match &mut self.consistency {
            None => {
                system.rhs(t, &self.y, &mut self.f);
                self.stats.rhs_evals += 1;
            }
            Some(c) => {
                let cx = Context {
                    system,
                    jac: &mut self.jac,
                    t,
                    options: &self.opt,
                    stats: &mut self.stats,
                    method: self.tab.name,
                };
                c.apply(cx, &mut self.y, &mut self.f)?;
            }
        }
        check_finite(self.tab.name, system, t, self.h, &self.f)?;
        self.jac_current = false;
        if self.h == 0.0 {
            self.h = match self.opt.h0 {
                Some(h) => h,
                None => initial_step_guess(
                    system,
                    t,
                    y,
                    &self.f,
                    self.tab.embedded_order + 1,
                    &self.opt,
                    (&mut self.u, &mut self.f_prev),
                    &mut self.stats,
                ),
            };
        }
        Ok(())
    }

    fn step<S: OdeSystem>(&mut self, system: &S, t_stop: f64) -> Result<()> {
        let exponent = 1.0 / (self.tab.embedded_order as f64 + 1.0);
        let mut rejected_last = false;
        loop {
            let (h, lands) = next_step(&self.stats, &self.opt, self.t, self.h, t_stop)
                .map_err(|(kind, h)| self.log.error(kind, self.tab.name, system, self.t, h, &self.y))?;
            let err = match self.attempt(system, h) {
                Ok(err) if err.is_finite() => err,
                failed => {
                    let (reason, component) =
                        failed.err().unwrap_or_else(|| (Rejection::NonFinite, first_non_finite(&self.err)));
                    self.log.rejected(reason, component);
                    self.stats.rejected += 1;
                    self.h = 0.25 * h;
                    rejected_last = true;
                    continue;
                }
            };
            if err > 1.0 && self.opt.fixed_step.is_none() {
                self.stats.rejected += 1;
                let (opt, y, y_new) = (&self.opt, &self.y, &self.y_new);
                let weight = |i: usize| 1.0 / (opt.atol.get(i) + opt.rtol * y[i].abs().max(y_new[i].abs()));
                self.log.rejected(Rejection::ErrorTest, dominant(&self.err, weight));
                self.h = h * (0.9 * err.powf(-exponent)).max(0.2);
                rejected_last = true;
                continue;
            }
            // Accept.
            std::mem::swap(&mut self.y_prev, &mut self.y);
            std::mem::swap(&mut self.y, &mut self.y_new);
            std::mem::swap(&mut self.f_prev, &mut self.f);
            self.t_prev = self.t;
            self.t = if lands { t_stop } else { self.t + h };
            system.rhs(self.t, &self.y, &mut self.f);
            self.stats.rhs_evals += 1;
            check_finite(self.tab.name, system, self.t, h, &self.f)?;
            self.dense_ready = false;
            self.jac_current = false;
            self.stats.steps += 1;
            self.log.accepted();
            let mut factor = (0.9 * err.max(1e-10).powf(-exponent)).clamp(0.2, 6.0);
            if rejected_last {
                factor = factor.min(1.0);
            }
            self.h = if lands { self.h.max(h * factor) } else { h * factor };
            return Ok(());
        }
    }

    fn solves_dae(&self) -> bool {
        matches!(self.tab.dense, DenseOutput::Rodas { .. })
    }

    fn make_consistent<S: OdeSystem>(&mut self, system: &S, t: f64, y: &mut [f64]) -> Result<()> {
        let Some(c) = &mut self.consistency else { return Ok(()) };
        // `f` is scratch here: the next reset evaluates it again.
        c.apply(
            Context {
                system,
                jac: &mut self.jac,
                t,
                options: &self.opt,
                stats: &mut self.stats,
                method: self.tab.name,
            },
            y,
            &mut self.f,
        )?;
        self.jac_current = false;
        Ok(())
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

    /// Rodas dense output needs `K_m = Σⱼ h_{m,j} kⱼ`: computed only for the
    /// steps where an output or an event needs it.
    fn prepare_dense<S: OdeSystem>(&mut self, _system: &S) {
        if self.dense_ready {
            return;
        }
        if let DenseOutput::Rodas { h: coef, terms } = self.tab.dense {
            for m in 0..terms {
                let out = &mut self.dense[m];
                out.fill(0.0);
                for (j, kj) in self.k.chunks_exact(self.n).enumerate() {
                    let c = coef[m][j];
                    for (o, &k) in out.iter_mut().zip(kj) {
                        *o += c * k;
                    }
                }
            }
        }
        self.dense_ready = true;
    }

    fn interpolate(&self, t: f64, out: &mut [f64]) {
        let h = self.t - self.t_prev;
        if h <= 0.0 {
            out.copy_from_slice(&self.y);
            return;
        }
        let th = (t - self.t_prev) / h;
        let th1 = 1.0 - th;
        match self.tab.dense {
            DenseOutput::Rodas { terms, .. } => {
                let [k1, k2, k3] = &self.dense;
                for i in 0..self.n {
                    let inner = if terms == 3 { k1[i] + th * (k2[i] + th * k3[i]) } else { k1[i] + th * k2[i] };
                    out[i] = th1 * self.y_prev[i] + th * (self.y[i] + th1 * inner);
                }
            }
            DenseOutput::Hermite => {
                let h00 = (1.0 + 2.0 * th) * th1 * th1;
                let h10 = th * th1 * th1;
                let h01 = th * th * (3.0 - 2.0 * th);
                let h11 = -th * th * th1;
                for i in 0..self.n {
                    out[i] = h00 * self.y_prev[i] + h * h10 * self.f_prev[i] + h01 * self.y[i] + h * h11 * self.f[i];
                }
            }
        }
    }

    fn stats(&self) -> Stats {
        self.stats
    }
}
