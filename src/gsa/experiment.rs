//! Global sensitivity analysis of an experiment: one arm run over a
//! distribution of parameter values, one scalar of each run as the output
//! (an observable at a day, its ratio to another day, or a clearance time),
//! analysed by [`sobol_indices`](super::sobol_indices) or [`morris`](super::morris). A spec file says which
//! (TOML):
//!
//! ```toml
//! arm = "anti-CCL2"
//! method = "sobol"          # or "morris"
//! samples = 1024            # Sobol': N, a power of two (runs: N·(d + 2))
//! # trajectories = 20       # Morris: r (runs: r·(d + 1)); levels = 4
//! seed = 1
//! output = { observable = "tumor_volume_ratio", day = 14 }
//! # output = { observable = "tumor_volume_mm3", day = 14, relative_to_day = 0 }   # a ratio
//! # output = { clearance = "days_to_50" }   # a clearance time (censored at `until`)
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
//!
//! On a cluster, [`run_shard`] runs the runs `k` with `k mod n = i` of the
//! design and returns them as a sweep part (CSV: `run`, the parameter
//! values, the output, `status`); [`merge`] checks the parts together (as
//! [`crate::sweep::merge`] does, and that each run's parameter values are
//! the design's) and computes the analysis from them: the same result as
//! [`run`], bit for bit.

use super::{
    Distribution, ElementaryEffects, MorrisOptions, MorrisPlan, Parameter, SobolIndices, SobolOptions, SobolPlan,
};
use crate::error::{FileError, Result, SaspError};
use crate::experiment::Experiment;
use crate::intervene::Arm;
use crate::model::Model;
use crate::sweep::Shard;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// Which analysis a spec asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum GsaMethod {
    /// First-order and total Sobol' indices ([`sobol_indices`](super::sobol_indices)).
    Sobol,
    /// Morris elementary effects ([`morris`](super::morris)).
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
/// sample days (`observable`, `day`), optionally divided by the same
/// observable at another sample day (`relative_to_day`: a ratio such as the
/// tumor volume relative to day 0); or a clearance time (`clearance`: the
/// label of a threshold of the experiment's clearance metric, e.g.
/// `days_to_50`), in days from the reference day, censored at the end of
/// the run (a run that does not reach the threshold counts as
/// `until − reference day`).
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpecOutput {
    /// The observable (with `day`).
    #[serde(default)]
    pub observable: Option<String>,
    /// The day (with `observable`).
    #[serde(default)]
    pub day: Option<f64>,
    /// The day whose value the output is divided by (with `observable`).
    #[serde(default)]
    pub relative_to_day: Option<f64>,
    /// A clearance threshold's label (alone).
    #[serde(default)]
    pub clearance: Option<String>,
}

/// What a [`SpecOutput`] reads from a run.
#[derive(Clone, Debug, PartialEq)]
enum Output {
    Value { observable: String, day: f64, relative_to: Option<f64> },
    Clearance { label: String, censored: f64 },
}

impl SpecOutput {
    /// What to read, checked: an observable and a day, or a clearance label
    /// alone; `censored` is the value of a threshold not reached.
    fn output(&self, censored: f64) -> Result<Output> {
        let bad = |why: &str| SaspError::InvalidOptions(format!("output: {why}"));
        match (&self.observable, self.day, self.relative_to_day, &self.clearance) {
            (Some(observable), Some(day), relative_to, None) => {
                Ok(Output::Value { observable: observable.clone(), day, relative_to })
            }
            (None, None, None, Some(label)) => Ok(Output::Clearance { label: label.clone(), censored }),
            (_, _, _, Some(_)) => Err(bad("'clearance' stands alone (no observable, day or relative_to_day)")),
            _ => Err(bad(
                "give 'observable' and 'day' (and optionally 'relative_to_day'), or 'clearance' (a threshold's label)",
            )),
        }
    }

    /// The name of the output's column in a shard's CSV.
    fn column(&self) -> String {
        match (&self.observable, self.day, self.relative_to_day, &self.clearance) {
            (_, _, _, Some(label)) => label.clone(),
            (Some(o), Some(day), None, _) => format!("{o}_day{day}"),
            (Some(o), Some(day), Some(base), _) => format!("{o}_day{day}_over_day{base}"),
            _ => "output".into(),
        }
    }
}

impl Output {
    /// The output of one run.
    fn of(&self, result: &crate::experiment::ArmResult) -> Result<f64> {
        match self {
            Output::Value { observable, day, relative_to: None } => result.value(observable, *day),
            Output::Value { observable, day, relative_to: Some(base) } => {
                Ok(result.value(observable, *day)? / result.value(observable, *base)?)
            }
            Output::Clearance { label, censored } => {
                if !result.clearance.days.iter().any(|(l, _)| l == label) {
                    let known: Vec<&str> = result.clearance.days.iter().map(|(l, _)| l.as_str()).collect();
                    return Err(SaspError::InvalidOptions(format!(
                        "output: the clearance metric has no threshold '{label}' (it has: {})",
                        known.join(", ")
                    )));
                }
                Ok(result.clearance.days_to(label).unwrap_or(*censored))
            }
        }
    }
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

/// The design of an analysis: which runs, and the analysis from their outputs.
enum Plan {
    Sobol(SobolPlan),
    Morris(MorrisPlan),
}

impl Plan {
    fn runs(&self) -> usize {
        match self {
            Plan::Sobol(p) => p.runs(),
            Plan::Morris(p) => p.runs(),
        }
    }

    fn point(&self, run: usize, point: &mut [f64]) {
        match self {
            Plan::Sobol(p) => p.point(run, point),
            Plan::Morris(p) => p.point(run, point),
        }
    }

    fn analyse(&self, outputs: &[f64]) -> Result<Analysis> {
        Ok(match self {
            Plan::Sobol(p) => Analysis::Sobol(Box::new(p.indices(outputs)?)),
            Plan::Morris(p) => Analysis::Morris(p.effects(outputs)?),
        })
    }
}

/// An analysis ready to run: the arm applied once, the experiment with the
/// spec's end day and tolerances, the parameters, the output and the design.
struct Prepared<'e> {
    experiment: Experiment<'e>,
    arm: crate::intervene::PreparedArm,
    parameters: Vec<Parameter>,
    output: Output,
    plan: Plan,
}

impl<'e> Prepared<'e> {
    /// Prepares `spec` on `arm` in `experiment`, and computes the output at
    /// the model's own parameter values, so that an unknown parameter,
    /// observable, day or threshold fails before any sampled run.
    fn new(experiment: &Experiment<'e>, arm: &Arm, spec: &Spec) -> Result<Prepared<'e>> {
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
        let output = spec.output.output(spec.until - experiment.measured_from())?;
        let plan = match spec.method {
            GsaMethod::Sobol => Plan::Sobol(SobolPlan::new(
                &parameters,
                &SobolOptions { base_samples: spec.samples, seed: spec.seed, ..SobolOptions::default() },
            )?),
            GsaMethod::Morris => Plan::Morris(MorrisPlan::new(
                &parameters,
                &MorrisOptions {
                    trajectories: spec.trajectories,
                    levels: spec.levels,
                    seed: spec.seed,
                    ..MorrisOptions::default()
                },
            )?),
        };
        let this = Prepared { experiment, arm: prepared, parameters, output, plan };
        let nominal: Vec<f64> = this.parameters.iter().map(|p| model.parameter(&p.name)).collect::<Result<_>>()?;
        this.output_at(&nominal)?;
        Ok(this)
    }

    /// The output of the run at parameter values `values`.
    fn output_at(&self, values: &[f64]) -> Result<f64> {
        let pairs: Vec<(&str, f64)> =
            self.parameters.iter().map(|p| p.name.as_str()).zip(values.iter().copied()).collect();
        self.output.of(&self.experiment.run_prepared(&self.arm.with_parameters(&pairs)?)?)
    }

    /// The header of a shard's CSV.
    fn header(&self, spec: &Spec) -> String {
        let names = self.parameters.iter().map(|p| p.name.clone());
        let fields: Vec<String> = std::iter::once("run".to_string())
            .chain(names)
            .chain([spec.output.column(), "status".into()])
            .map(|f| crate::util::text::csv_field(&f).into_owned())
            .collect();
        fields.join(",") + "\n"
    }
}

/// Runs the analysis `spec` asks for on `arm` in `experiment` (whose
/// declared observables, clearance metric and sampling the runs use; its
/// end day and tolerances are the spec's). The output at the model's own
/// parameter values is computed first, so an unknown parameter,
/// observable, day or threshold fails before any sampled run.
pub fn run(experiment: &Experiment, arm: &Arm, spec: &Spec) -> Result<Analysis> {
    let prepared = Prepared::new(experiment, arm, spec)?;
    let outputs = super::evaluate(
        prepared.plan.runs(),
        prepared.parameters.len(),
        |run, point| prepared.plan.point(run, point),
        &|values: &[f64]| prepared.output_at(values),
    )?;
    prepared.plan.analyse(&outputs)
}

/// Runs shard `shard` of the analysis (the runs `k` with `k mod n = i`) and
/// returns them as a sweep part: a header `run,<parameters>,<output>,status`
/// and a row per run (the parameter values, the output, `ok`; or an empty
/// output and `failed: <reason>`). [`merge`] takes the parts.
pub fn run_shard(experiment: &Experiment, arm: &Arm, spec: &Spec, shard: Shard) -> Result<String> {
    use rayon::prelude::*;
    use std::fmt::Write;
    let prepared = Prepared::new(experiment, arm, spec)?;
    let d = prepared.parameters.len();
    let mine: Vec<usize> = (shard.index..prepared.plan.runs()).step_by(shard.count).collect();
    let rows: Vec<String> = mine
        .par_iter()
        .map_init(
            || vec![0.0; d],
            |point, &run| {
                prepared.plan.point(run, point);
                let mut row = run.to_string();
                for x in point.iter() {
                    let _ = write!(row, ",{x}");
                }
                match prepared.output_at(point).and_then(|y| {
                    if y.is_finite() {
                        Ok(y)
                    } else {
                        Err(SaspError::InvalidOptions(format!("the output is {y}, not a finite number")))
                    }
                }) {
                    Ok(y) => {
                        let _ = write!(row, ",{y},ok");
                    }
                    Err(e) => {
                        let reason = format!("failed: {}", e.to_string().replace(['\n', '\r'], " "));
                        let _ = write!(row, ",,{}", crate::util::text::csv_field(&reason));
                    }
                }
                row + "\n"
            },
        )
        .collect();
    Ok(prepared.header(spec) + &rows.concat())
}

/// The analysis from the parts that [`run_shard`] wrote for `spec` (each
/// `(name, text)`, names for errors): the parts are merged as
/// [`crate::sweep::merge`] merges a sweep's (every run once, rows whole),
/// then each run's parameter values must be the design's (another seed,
/// sample count or distribution is refused, naming the run), and every run
/// must have succeeded. The result is [`run`]'s, bit for bit.
pub fn merge<P: AsRef<Path>>(
    experiment: &Experiment,
    arm: &Arm,
    spec: &Spec,
    parts: &[(P, String)],
) -> Result<Analysis> {
    let prepared = Prepared::new(experiment, arm, spec)?;
    let merged = crate::sweep::merge(parts)?;
    let mut lines = merged.lines();
    let header = prepared.header(spec);
    if lines.next() != Some(header.trim_end()) {
        return Err(SaspError::InvalidOptions(format!(
            "the parts' header is not this analysis' ({}): parts of another spec?",
            header.trim_end()
        )));
    }
    let d = prepared.parameters.len();
    let mut point = vec![0.0; d];
    let mut outputs = Vec::with_capacity(prepared.plan.runs());
    for (run, line) in lines.enumerate() {
        if run >= prepared.plan.runs() {
            return Err(SaspError::InvalidOptions(format!(
                "the parts hold run {run}; the design has {} runs",
                prepared.plan.runs()
            )));
        }
        prepared.plan.point(run, &mut point);
        // The row as run_shard writes it: run, values, output, status.
        let fields: Vec<&str> = line.splitn(d + 3, ',').collect();
        let values_match = fields.len() == d + 3
            && fields[1..=d].iter().zip(&point).all(|(text, x)| text.parse::<f64>().ok() == Some(*x));
        if !values_match {
            return Err(SaspError::InvalidOptions(format!(
                "run {run}: its parameter values are not the design's (a part of another seed, sample count or distribution?)"
            )));
        }
        if fields[d + 2] != "ok" {
            return Err(SaspError::InvalidOptions(format!(
                "run {run} failed ({}): the analysis needs every run",
                fields[d + 2].trim_matches('"')
            )));
        }
        outputs.push(fields[d + 1].parse::<f64>().map_err(|_| {
            SaspError::InvalidOptions(format!("run {run}: the output '{}' is not a number", fields[d + 1]))
        })?);
    }
    if outputs.len() != prepared.plan.runs() {
        return Err(SaspError::InvalidOptions(format!(
            "the parts hold {} of the design's {} runs",
            outputs.len(),
            prepared.plan.runs()
        )));
    }
    prepared.plan.analyse(&outputs)
}
