//! Morris' elementary effects: a screening of which inputs matter, from
//! one-at-a-time steps along random trajectories of a grid.

use super::{check_outputs, check_parameters, evaluate, DesignError, GsaError, Parameter, MAX_RUNS};
use crate::util::rng::Rng;
use serde::Serialize;

/// Most grid levels `p`: 1024.
const MAX_LEVELS: usize = 1024;

/// Options of [`morris`].
#[derive(Clone, Debug, PartialEq)]
pub struct MorrisOptions {
    /// Trajectories `r`, at least 2 (default 20): `r (d + 1)` runs.
    pub trajectories: usize,
    /// Grid levels `p`, even, from 2 to 1024 (default 4): the unit coordinates
    /// are `0, 1/(p−1), …, 1` and the step is `Δ = p / (2 (p − 1))`.
    pub levels: usize,
    /// Seed of the trajectories (default 0).
    pub seed: u64,
    /// For normal and log-normal parameters, whose quantiles diverge at 0 and
    /// 1: the grid spans the quantiles from `tail` to `1 − tail`, in (0, ½)
    /// (default 0.005, the 0.5 % and 99.5 % quantiles). Bounded distributions
    /// span their whole range.
    pub tail: f64,
}

impl Default for MorrisOptions {
    fn default() -> MorrisOptions {
        MorrisOptions { trajectories: 20, levels: 4, seed: 0, tail: 0.005 }
    }
}

/// Elementary-effect statistics of each parameter: see [`morris`].
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ElementaryEffects {
    /// The parameters' names, in order.
    pub names: Vec<String>,
    /// `μ_i`: the mean elementary effect (effects of opposite signs cancel).
    pub mu: Vec<f64>,
    /// `μ*_i`: the mean absolute elementary effect (the importance of `x_i`).
    pub mu_star: Vec<f64>,
    /// `σ_i`: the standard deviation of the elementary effects (denominator
    /// `r − 1`): large when `x_i` acts non-linearly or through interactions.
    pub sigma: Vec<f64>,
    /// The step `Δ` in unit coordinates.
    pub step: f64,
    /// Model runs, `r (d + 1)`.
    pub runs: usize,
}

/// One trajectory on the grid: each parameter's starting level, the order in
/// which the parameters move (and each one's turn in it), and each
/// parameter's direction (`+Δ` or `−Δ`).
#[derive(Clone, Debug)]
struct Trajectory {
    start: Vec<usize>,
    order: Vec<usize>,
    turn: Vec<usize>,
    up: Vec<bool>,
}

/// Morris' elementary effects of `model` over `parameters`.
///
/// The unit hypercube is a grid of `p` levels per coordinate,
/// `u ∈ {0, 1/(p−1), …, 1}`, with the step `Δ = p / (2 (p − 1))` (so that
/// every level is reached equally often). Each of the `r` trajectories
/// (seeded, Campolongo et al. 2007's random construction) starts at a random
/// grid point and moves each coordinate once, in a random order, by `+Δ` or
/// `−Δ` (a random direction that keeps it on the grid): `d + 1` points.
/// Unit coordinates map to values by the distributions' quantiles (normal and
/// log-normal ones over `[tail, 1 − tail]`, see [`MorrisOptions::tail`]).
/// The step of `x_i` from point `x` to `x'` gives the elementary effect, in
/// output units per unit coordinate,
///
/// `EE_i = (f(x') − f(x)) / (±Δ)`,
///
/// and over the trajectories `μ_i = mean EE_i`, `μ*_i = mean |EE_i|`,
/// `σ_i = sd EE_i` (denominator `r − 1`). For a linear model
/// `f = Σ c_i x_i` with `x_i` uniform on `[low_i, high_i]`,
/// `μ*_i = |c_i| (high_i − low_i)` and `σ_i = 0`.
///
/// Errors (before any run): [`DesignError`] for an empty or invalid parameter
/// list, `r < 2`, `p` odd or out of range, `tail` outside (0, ½), more than
/// [`MAX_RUNS`](super::MAX_RUNS) runs; after the runs, the first failing run
/// in run order.
pub fn morris<F, E>(
    parameters: &[Parameter],
    model: F,
    options: &MorrisOptions,
) -> Result<ElementaryEffects, GsaError<E>>
where
    F: Fn(&[f64]) -> Result<f64, E> + Sync,
    E: Send,
{
    let plan = MorrisPlan::new(parameters, options)?;
    let outputs = evaluate(plan.runs(), parameters.len(), |run, point| plan.point(run, point), &model)?;
    Ok(plan.effects(&outputs)?)
}

/// The trajectories of [`morris`] on their own: the parameter values of
/// each run ([`MorrisPlan::point`]) and the statistics from the runs'
/// outputs ([`MorrisPlan::effects`]), for runs made elsewhere (shards of a
/// cluster job, another program).
#[derive(Clone, Debug)]
pub struct MorrisPlan {
    parameters: Vec<Parameter>,
    tail: f64,
    /// `p − 1`.
    intervals: f64,
    /// `p/2`: the grid levels of one step.
    jump: usize,
    trajectories: Vec<Trajectory>,
}

impl MorrisPlan {
    /// The trajectories of `parameters` with `options`; the errors of
    /// [`morris`] before any run.
    pub fn new(parameters: &[Parameter], options: &MorrisOptions) -> Result<MorrisPlan, DesignError> {
        check_parameters(parameters)?;
        let d = parameters.len();
        let r = options.trajectories;
        let p = options.levels;
        if r < 2 {
            return Err(DesignError::InvalidDesign(format!("{r} trajectories: Morris' σ needs at least 2")));
        }
        if p < 2 || p % 2 != 0 || p > MAX_LEVELS {
            return Err(DesignError::InvalidDesign(format!(
                "{p} levels: the grid needs an even number from 2 to {MAX_LEVELS}"
            )));
        }
        if !(options.tail > 0.0 && options.tail < 0.5) {
            return Err(DesignError::InvalidDesign(format!("tail {} must lie in (0, 0.5)", options.tail)));
        }
        let runs = r.saturating_mul(d + 1);
        if runs > MAX_RUNS {
            return Err(DesignError::LimitExceeded { what: "model runs", requested: runs, limit: MAX_RUNS });
        }
        for q in parameters {
            if !q.distribution.is_bounded() {
                let at_tail = q.distribution.quantile(options.tail);
                if !at_tail.is_finite() || !q.distribution.quantile(1.0 - options.tail).is_finite() {
                    return Err(DesignError::InvalidParameter {
                        name: q.name.clone(),
                        reason: format!("its quantile at the tail {} is not finite", options.tail),
                    });
                }
            }
        }
        // Steps of Δ = p/(2(p−1)) are p/2 grid intervals: a coordinate that moves
        // up starts on one of the p/2 lowest levels, one that moves down on one of
        // the p/2 highest.
        let jump = p / 2;
        let trajectories: Vec<Trajectory> = (0..r)
            .map(|t| {
                let mut rng = Rng::new(options.seed, t as u64);
                let mut below = |n: usize| ((rng.next() as u128 * n as u128) >> 64) as usize;
                let mut start = vec![0; d];
                let mut up = vec![false; d];
                for k in 0..d {
                    up[k] = below(2) == 0;
                    start[k] = below(jump) + if up[k] { 0 } else { jump };
                }
                let mut order: Vec<usize> = (0..d).collect();
                for k in (1..d).rev() {
                    order.swap(k, below(k + 1));
                }
                let mut turn = vec![0; d];
                for (position, &k) in order.iter().enumerate() {
                    turn[k] = position;
                }
                Trajectory { start, order, turn, up }
            })
            .collect();
        Ok(MorrisPlan {
            parameters: parameters.to_vec(),
            tail: options.tail,
            intervals: (p - 1) as f64,
            jump,
            trajectories,
        })
    }

    /// The model runs: `r (d + 1)`.
    pub fn runs(&self) -> usize {
        self.trajectories.len() * (self.parameters.len() + 1)
    }

    /// Writes the parameter values of run `run` (`< runs()`) into `point`:
    /// run `t (d + 1) + s` is trajectory `t` after its first `s` moves.
    pub fn point(&self, run: usize, point: &mut [f64]) {
        let d = self.parameters.len();
        let (t, moved) = (run / (d + 1), run % (d + 1));
        let trajectory = &self.trajectories[t];
        for (k, (x, q)) in point.iter_mut().zip(&self.parameters).enumerate() {
            // The grid level of x_k: its start, moved by p/2 levels once its turn has come.
            let level = match (trajectory.turn[k] < moved, trajectory.up[k]) {
                (false, _) => trajectory.start[k],
                (true, true) => trajectory.start[k] + self.jump,
                (true, false) => trajectory.start[k] - self.jump,
            };
            let u = level as f64 / self.intervals;
            *x = if q.distribution.is_bounded() {
                q.distribution.quantile(u)
            } else {
                q.distribution.quantile(self.tail + u * (1.0 - 2.0 * self.tail))
            };
        }
    }

    /// The statistics from `outputs`, the model's output at each run in run
    /// order: an error when their number is not [`MorrisPlan::runs`] or one
    /// is not finite.
    pub fn effects(&self, outputs: &[f64]) -> Result<ElementaryEffects, DesignError> {
        let (d, r) = (self.parameters.len(), self.trajectories.len());
        check_outputs(outputs, self.runs())?;
        let step = self.jump as f64 / self.intervals;
        // effects[t · d + k]: the elementary effect of x_k on trajectory t.
        let mut effects = vec![0.0; r * d];
        for (t, trajectory) in self.trajectories.iter().enumerate() {
            let y = &outputs[t * (d + 1)..(t + 1) * (d + 1)];
            for (s, &k) in trajectory.order.iter().enumerate() {
                let signed_step = if trajectory.up[k] { step } else { -step };
                effects[t * d + k] = (y[s + 1] - y[s]) / signed_step;
            }
        }
        let count = r as f64;
        let effects = &effects;
        let of = |k: usize| (0..r).map(move |t| effects[t * d + k]);
        let mu: Vec<f64> = (0..d).map(|k| of(k).sum::<f64>() / count).collect();
        let mu_star = (0..d).map(|k| of(k).map(f64::abs).sum::<f64>() / count).collect();
        let sigma = (0..d).map(|k| (of(k).map(|e| (e - mu[k]).powi(2)).sum::<f64>() / (count - 1.0)).sqrt()).collect();
        Ok(ElementaryEffects {
            names: self.parameters.iter().map(|q| q.name.clone()).collect(),
            mu,
            mu_star,
            sigma,
            step,
            runs: self.runs(),
        })
    }
}
