//! Multistart maximum-likelihood fits of a PEtab problem.
//!
//! Each start is a point of a seeded, Owen-scrambled Sobol' sequence in the
//! box of the estimated parameters' bounds on their own scales (start `k`
//! is the sequence's point `k`, so every start is reproducible from the
//! seed alone, whatever the threads or shards that run it). From there
//! [`crate::optimize::minimize`] minimizes `−log L` within the bounds, with
//! the gradient by forward sensitivities and the Fisher information as its
//! Hessian model (Gauss–Newton), or BFGS updates (quasi-Newton) — with
//! BFGS the gradient may come from adjoint sensitivities instead
//! ([`FitSettings::sensitivities`]), one backward solve per condition
//! whatever the number of parameters.

use super::{Prepared, Problem, Sensitivities};
use crate::error::{Result, SaspError};
use crate::optimize::{minimize, Hessian, Settings};
use crate::solve::Options;
use rayon::prelude::*;

/// Most estimated parameters a multistart fit takes (the Sobol' sequence's dimensions).
pub const MAX_FIT_PARAMETERS: usize = 256;
/// Most starts of one fit (the Sobol' sequence's points).
pub const MAX_STARTS: usize = 1 << 16;

/// How to fit.
#[derive(Clone, Debug)]
pub struct FitSettings {
    /// Number of starts.
    pub starts: usize,
    /// Seed of the start points.
    pub seed: u64,
    /// The optimizer's settings (its Hessian model: Fisher or BFGS).
    pub optimizer: Settings,
    /// The integration's options.
    pub options: Options,
    /// How the gradient is computed: forward sensitivities (which the
    /// Fisher information needs) or adjoints (with the BFGS Hessian model).
    pub sensitivities: Sensitivities,
}

impl FitSettings {
    /// Refuses adjoint sensitivities with the Fisher information as the
    /// Hessian model (the adjoint gives the gradient alone).
    pub fn check(&self) -> Result<()> {
        if self.sensitivities == Sensitivities::Adjoint && self.optimizer.hessian == Hessian::Given {
            return Err(SaspError::InvalidOptions(
                "the Fisher information needs forward sensitivities: fit by adjoints with the BFGS Hessian model \
                 (--hessian bfgs)"
                    .into(),
            ));
        }
        Ok(())
    }
}

impl Default for FitSettings {
    fn default() -> Self {
        FitSettings {
            starts: 20,
            seed: 1,
            optimizer: Settings { max_iterations: 200, ..Settings::default() },
            options: Problem::default_options(),
            sensitivities: Sensitivities::Forward,
        }
    }
}

/// One start's result.
#[derive(Clone, Debug, PartialEq)]
pub struct StartResult {
    /// Its index in the sequence of starts.
    pub start: usize,
    /// The start point (estimated parameters on their scales).
    pub initial: Vec<f64>,
    /// The end point (estimated parameters on their scales).
    pub parameters: Vec<f64>,
    /// `log L` at the end point (−∞ when the start failed).
    pub llh: f64,
    /// Optimizer iterations.
    pub iterations: usize,
    /// Likelihood evaluations (each with its gradient).
    pub evaluations: usize,
    /// Did the optimizer converge?
    pub converged: bool,
    /// Why it stopped, or the error that ended it.
    pub stop: String,
    /// Wall time of this start (seconds).
    pub wall_s: f64,
}

impl Problem {
    /// The estimated parameters (indices into [`Problem::parameters`]) and
    /// their bounds on their own scales; fails when one lacks finite bounds
    /// there (a start box needs them).
    pub fn estimated_box(&self) -> Result<(Vec<usize>, Vec<f64>, Vec<f64>)> {
        let mut rows = Vec::new();
        let (mut lower, mut upper) = (Vec::new(), Vec::new());
        for (i, p) in self.parameters.iter().enumerate().filter(|(_, p)| p.estimate) {
            let (lo, hi) = (p.scale.to_scale(p.lower), p.scale.to_scale(p.upper));
            if !(lo.is_finite() && hi.is_finite() && lo <= hi) {
                return Err(SaspError::InvalidOptions(format!(
                    "estimated parameter '{}' needs finite bounds on its scale to be fitted (has [{}, {}])",
                    p.id, p.lower, p.upper
                )));
            }
            rows.push(i);
            lower.push(lo);
            upper.push(hi);
        }
        if rows.is_empty() {
            return Err(SaspError::InvalidOptions("the problem estimates no parameter".into()));
        }
        if rows.len() > MAX_FIT_PARAMETERS {
            return Err(SaspError::InvalidOptions(format!(
                "{} estimated parameters exceed the {MAX_FIT_PARAMETERS} a multistart fit takes",
                rows.len()
            )));
        }
        Ok((rows, lower, upper))
    }

    /// Start point `k` of the sequence seeded by `seed`, on the scales.
    pub fn start_point(&self, k: usize, seed: u64) -> Result<Vec<f64>> {
        let (_, lower, upper) = self.estimated_box()?;
        if k >= MAX_STARTS {
            return Err(SaspError::InvalidOptions(format!("start {k} exceeds the {MAX_STARTS} a fit has")));
        }
        let scramble = (seed ^ (seed >> 32)) as u32;
        Ok((0..lower.len())
            .map(|d| {
                let u = f64::from(sobol_burley::sample(k as u32, d as u32, scramble));
                lower[d] + u * (upper[d] - lower[d])
            })
            .collect())
    }

    /// `−log L`, its gradient (`by` forward or adjoint sensitivities) and
    /// the Hessian model (empty by adjoints) at `x` (estimated parameters
    /// on their scales; the others at their nominal values), with the
    /// models of `prepared` ([`Problem::prepare`]).
    pub(super) fn objective(
        &self,
        prepared: &mut Prepared<'_>,
        x: &[f64],
        options: &Options,
        by: Sensitivities,
    ) -> Result<crate::optimize::Evaluation> {
        let g = prepared.gradient_by(&self.values_at(x)?, options, by)?;
        Ok((-g.evaluation.llh, g.gradient.iter().map(|v| -v).collect(), g.fisher))
    }

    /// Fits from start `k` of `settings`' sequence.
    pub fn fit_start(&self, k: usize, settings: &FitSettings) -> Result<StartResult> {
        settings.check()?;
        let (_, lower, upper) = self.estimated_box()?;
        let initial = self.start_point(k, settings.seed)?;
        let clock = std::time::Instant::now();
        let result = self.prepare().and_then(|mut prepared| {
            let objective = |x: &[f64]| self.objective(&mut prepared, x, &settings.options, settings.sensitivities);
            minimize(objective, &initial, &lower, &upper, &settings.optimizer)
        });
        let result = match result {
            Ok(m) => StartResult {
                start: k,
                parameters: m.x,
                llh: -m.value,
                iterations: m.iterations,
                evaluations: m.evaluations,
                converged: m.stop.converged(),
                stop: format!("{:?}", m.stop),
                initial,
                wall_s: 0.0,
            },
            Err(e) => StartResult {
                start: k,
                parameters: initial.clone(),
                llh: f64::NEG_INFINITY,
                iterations: 0,
                evaluations: 1,
                converged: false,
                stop: e.to_string(),
                initial,
                wall_s: 0.0,
            },
        };
        Ok(StartResult { wall_s: clock.elapsed().as_secs_f64(), ..result })
    }

    /// Fits from every start `k < settings.starts` that `run(k)` selects (a
    /// shard: `k % count == index`), in parallel; returns them best first.
    pub fn fit(&self, settings: &FitSettings, run: impl Fn(usize) -> bool + Sync) -> Result<Vec<StartResult>> {
        if settings.starts == 0 || settings.starts > MAX_STARTS {
            return Err(SaspError::InvalidOptions(format!(
                "a fit takes 1 to {MAX_STARTS} starts, not {}",
                settings.starts
            )));
        }
        settings.check()?;
        self.estimated_box()?;
        let selected: Vec<usize> = (0..settings.starts).filter(|&k| run(k)).collect();
        let mut results =
            selected.par_iter().map(|&k| self.fit_start(k, settings)).collect::<Result<Vec<StartResult>>>()?;
        best_first(&mut results);
        Ok(results)
    }
}

/// Sorts starts best first (highest `log L`), ties by start index: the one
/// order of a fit's results, whether run whole, by shard, or merged.
pub(crate) fn best_first(results: &mut [StartResult]) {
    results.sort_by(|a, b| b.llh.total_cmp(&a.llh).then(a.start.cmp(&b.start)));
}

/// The optimizer's Hessian model by name: `fisher` or `bfgs`.
pub fn hessian_by_name(name: &str) -> Result<Hessian> {
    match name {
        "fisher" => Ok(Hessian::Given),
        "bfgs" => Ok(Hessian::Bfgs),
        _ => Err(SaspError::InvalidOptions(format!("unknown Hessian model '{name}' (fisher or bfgs)"))),
    }
}
