//! Global sensitivity analysis of an experiment: one arm run over a
//! distribution of parameter values, one observable at one day as the
//! output, analysed by [`sobol_indices`] or [`morris`]. A spec file says
//! which (TOML):
//!
//! ```toml
//! arm = "anti-CCL2"
//! method = "sobol"          # or "morris"
//! samples = 1024            # Sobol': N, a power of two (runs: N·(d + 2))
//! # trajectories = 20       # Morris: r (runs: r·(d + 1)); levels = 4
//! seed = 1
//! output = { observable = "tumor_volume_ratio", day = 14 }
//!
//! [[parameter]]
//! name = "k_kill"
//! distribution = "log-uniform"   # uniform, log-uniform (low, high), normal (mean, sd), log-normal (median, sigma)
//! low = 0.5
//! high = 2.0
//! ```
//!
//! The arm is applied to the model once; each run only re-parameterizes the
//! prepared model (as sweeps do), and runs go in parallel with results
//! identical for any thread count. `until`, `rtol` and `atol` default to a
//! sweep's (21 days, 1e-4, 1e-7). A failing run fails the analysis, naming
//! the run and its parameter values.

use super::{
    morris, sobol_indices, Distribution, ElementaryEffects, MorrisOptions, Parameter, SobolIndices, SobolOptions,
};
use crate::error::{FileError, Result, SaspError};
use crate::experiment::Experiment;
use crate::intervene::Arm;
use crate::model::Model;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// Which analysis a spec asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum GsaMethod {
    /// First-order and total Sobol' indices ([`sobol_indices`]).
    Sobol,
    /// Morris elementary effects ([`morris`]).
    Morris,
}

/// One uncertain parameter of a spec: a model parameter and its distribution.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpecParameter {
    /// The model parameter.
    pub name: String,
    /// `uniform`, `log-uniform`, `normal` or `log-normal`; none: the
    /// model's own ([`Model::parameter_distribution`]: declared in the model
    /// file, or the default of the parameter's provenance tag).
    #[serde(default)]
    pub distribution: Option<String>,
    /// Lower bound (uniform, log-uniform).
    pub low: Option<f64>,
    /// Upper bound (uniform, log-uniform).
    pub high: Option<f64>,
    /// Mean (normal).
    pub mean: Option<f64>,
    /// Standard deviation (normal).
    pub sd: Option<f64>,
    /// Median (log-normal).
    pub median: Option<f64>,
    /// Standard deviation of the logarithm (log-normal).
    pub sigma: Option<f64>,
}

/// The output of a spec: a declared observable at one of the experiment's
/// sample days.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpecOutput {
    /// The observable.
    pub observable: String,
    /// The day.
    pub day: f64,
}

/// A global sensitivity analysis of one arm (see the [module docs](self)).
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    /// The arm (by name).
    pub arm: String,
    /// The analysis.
    pub method: GsaMethod,
    /// Sobol': base samples `N` (a power of two; default 1024).
    #[serde(default = "default_samples")]
    pub samples: usize,
    /// Morris: trajectories `r` (default 20).
    #[serde(default = "default_trajectories")]
    pub trajectories: usize,
    /// Morris: grid levels `p` (even; default 4).
    #[serde(default = "default_levels")]
    pub levels: usize,
    /// Seed of the design.
    #[serde(default)]
    pub seed: u64,
    /// Last day of each run (default 21).
    #[serde(default = "crate::sweep::default_until")]
    pub until: f64,
    /// Relative tolerance of each run (default 1e-4).
    #[serde(default = "crate::sweep::default_rtol")]
    pub rtol: f64,
    /// Absolute tolerance of each run (default 1e-7).
    #[serde(default = "crate::sweep::default_atol")]
    pub atol: f64,
    /// The output.
    pub output: SpecOutput,
    /// The uncertain parameters.
    #[serde(rename = "parameter")]
    pub parameters: Vec<SpecParameter>,
}

fn default_samples() -> usize {
    1024
}
fn default_trajectories() -> usize {
    20
}
fn default_levels() -> usize {
    4
}

/// The result of an analysis, as `sasp gsa` writes it (JSON).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "method", rename_all = "lowercase")]
pub enum Analysis {
    /// Sobol' indices.
    Sobol(Box<SobolIndices>),
    /// Morris elementary effects.
    Morris(ElementaryEffects),
}

impl Spec {
    /// Reads a spec from TOML text; `origin` names it in errors.
    pub fn from_toml_str(text: &str, origin: impl AsRef<Path>) -> Result<Spec> {
        toml::from_str(text).map_err(|e| {
            let (line, column) = e.span().map_or((1, 1), |s| {
                let before = &text[..s.start.min(text.len())];
                let line = before.matches('\n').count() + 1;
                (line, before.len() - before.rfind('\n').map_or(0, |k| k + 1) + 1)
            });
            FileError::Syntax { path: origin.as_ref().to_path_buf(), line, column, message: e.message().to_string() }
                .into()
        })
    }

    /// Reads a spec file.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Spec> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|e| FileError::io(path, e))?;
        Spec::from_toml_str(&text, path)
    }

    /// The spec's parameters with their distributions (a parameter without
    /// one takes `model`'s); fails naming a parameter whose distribution is
    /// unknown or lacks a value, or that gives values without a distribution.
    pub fn parameters(&self, model: &Model) -> Result<Vec<Parameter>> {
        self.parameters
            .iter()
            .map(|p| {
                let Some(named) = &p.distribution else {
                    let given = [p.low, p.high, p.mean, p.sd, p.median, p.sigma];
                    if given.iter().any(Option::is_some) {
                        return Err(SaspError::InvalidOptions(format!(
                            "parameter '{}': values without a distribution (name one, or give none to take the model's)",
                            p.name
                        )));
                    }
                    return Ok(Parameter::new(p.name.clone(), model.parameter_distribution(&p.name)?));
                };
                let need = |v: Option<f64>, what: &str| {
                    v.ok_or_else(|| {
                        SaspError::InvalidOptions(format!(
                            "parameter '{}': a {named} distribution needs '{what}'",
                            p.name
                        ))
                    })
                };
                let distribution = match named.as_str() {
                    "uniform" => Distribution::Uniform { low: need(p.low, "low")?, high: need(p.high, "high")? },
                    "log-uniform" => Distribution::LogUniform { low: need(p.low, "low")?, high: need(p.high, "high")? },
                    "normal" => Distribution::Normal { mean: need(p.mean, "mean")?, sd: need(p.sd, "sd")? },
                    "log-normal" => {
                        Distribution::LogNormal { median: need(p.median, "median")?, sigma: need(p.sigma, "sigma")? }
                    }
                    other => {
                        return Err(SaspError::InvalidOptions(format!(
                            "parameter '{}': unknown distribution '{other}' (uniform, log-uniform, normal, log-normal)",
                            p.name
                        )))
                    }
                };
                distribution.check(&p.name)?;
                Ok(Parameter::new(p.name.clone(), distribution))
            })
            .collect()
    }
}

/// Runs the analysis `spec` asks for on `arm` in `experiment` (whose
/// declared observables and sampling the runs use; its end day and
/// tolerances are the spec's). The output at the model's own parameter
/// values is computed first, so an unknown parameter, observable or day
/// fails before any sampled run.
pub fn run(experiment: &Experiment, arm: &Arm, spec: &Spec) -> Result<Analysis> {
    let model = experiment.model();
    let parameters = spec.parameters(model)?;
    for p in &parameters {
        model.parameter(&p.name)?;
    }
    let prepared = arm.prepare(model, model.initial_time())?;
    let options = crate::solve::Options {
        rtol: spec.rtol,
        atol: crate::solve::Tolerance::Scalar(spec.atol),
        ..crate::solve::Options::default()
    };
    options.validate(prepared.model.dimension())?;
    let experiment = experiment.clone().until(spec.until).options(options);
    let output = |values: &[f64]| -> Result<f64> {
        let pairs: Vec<(&str, f64)> = parameters.iter().map(|p| p.name.as_str()).zip(values.iter().copied()).collect();
        experiment.run_prepared(&prepared.with_parameters(&pairs)?)?.value(&spec.output.observable, spec.output.day)
    };
    let nominal: Vec<f64> = parameters.iter().map(|p| model.parameter(&p.name)).collect::<Result<_>>()?;
    output(&nominal)?;
    Ok(match spec.method {
        GsaMethod::Sobol => Analysis::Sobol(Box::new(sobol_indices(
            &parameters,
            output,
            &SobolOptions { base_samples: spec.samples, seed: spec.seed, ..SobolOptions::default() },
        )?)),
        GsaMethod::Morris => Analysis::Morris(morris(
            &parameters,
            output,
            &MorrisOptions {
                trajectories: spec.trajectories,
                levels: spec.levels,
                seed: spec.seed,
                ..MorrisOptions::default()
            },
        )?),
    })
}
