//! Parameter sweeps and virtual cohorts: many runs of one arm with parameters
//! drawn from a design, in parallel, reproducibly, and in shards a cluster's
//! job array can run and [`merge`] can join.
//!
//! Designs ([`Design`]):
//! - `grid`: the Cartesian product of listed values;
//! - `lhs`: a Latin hypercube over `[lo, hi]` per parameter (log-uniform when
//!   `log = true`);
//! - `cohort`: a log-normal virtual cohort, `value = model value × exp(σ z)`
//!   with `z` standard normal.
//!
//! Every run's sample depends only on the design, the seed and the run's
//! index ([`Sampler::sample`] computes it on demand), so a shard computes
//! exactly the rows an unsharded run would, and results do not depend on the
//! number of threads.
//!
//! A design is checked once before any run ([`Design::check`],
//! [`Design::validate`], and the experiment's own checks of the prepared arm):
//! sizes within [`MAX_RUNS`] and [`MAX_VALUES`], `until` a finite day after
//! day 0, `0 < rtol < 1`, `atol > 0`, known and distinct parameters, valid
//! ranges. Errors from a spec file name its path and the line of the key.
//! A run that fails after that is a `failed: …` row, counted in
//! [`SweepCsv::failed`].
//!
//! Spec files (TOML):
//! ```toml
//! arm = "control"        # an arm of the scenario (default: the paper's arms)
//! design = "cohort"      # grid | lhs | cohort
//! runs = 1000            # lhs and cohort
//! seed = 42
//! until = 21.0
//! [[parameter]]
//! name = "rho_N"
//! sigma = 0.3            # cohort (none: the model's distribution); lhs: lo, hi, log; grid: values = [...]
//! [[output]]             # optional: a column per declared observable and sampled day
//! column = "volume_day14_mm3"
//! observable = "tumor_volume_mm3"
//! day = 14.0
//! ```
//!
//! The columns of a sweep follow the experiment's declared observables and
//! clearance metric ([`run_in`] takes the experiment): `run`, the swept
//! parameters, the `[[output]]` columns (without any: the clearance
//! observable at the reference day and at `until`, named
//! `<observable>_day<d>`), the days to each clearance threshold (by its
//! label), and `status`.

use crate::error::{FileError, ModelError, Result, SaspError};
use crate::experiment::Experiment;
use crate::intervene::{Arm, PreparedArm};
use crate::model::{Distribution, Model, Provenance};
use crate::util::rng::Rng;
use crate::util::text::{number, optional_number};
use rayon::prelude::*;
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// Most runs a design may have (a grid's product included): ten million.
/// A Latin hypercube keeps one permutation of its runs per parameter, and a
/// sweep's CSV holds a row per run, so the size of a design is bounded before
/// anything is allocated for it.
pub const MAX_RUNS: usize = 10_000_000;

/// Most sampled values a design may have, runs × parameters: fifty million
/// (at most 200 MB of Latin hypercube strata, about 1 GB of CSV).
pub const MAX_VALUES: usize = 50_000_000;

/// Runs handed to the thread pool at a time (bounds the rows held twice).
const CHUNK: usize = 8192;

/// How one parameter varies.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SweptParameter {
    /// Model parameter name.
    pub name: String,
    /// Grid: the values.
    #[serde(default)]
    pub values: Vec<f64>,
    /// Latin hypercube: lower bound.
    #[serde(default)]
    pub lo: Option<f64>,
    /// Latin hypercube: upper bound.
    #[serde(default)]
    pub hi: Option<f64>,
    /// Latin hypercube: sample in log space.
    #[serde(default)]
    pub log: bool,
    /// Cohort: log-normal σ around the model's value; with neither it nor
    /// `uncertainty`, the model's distribution of the parameter
    /// ([`Model::parameter_distribution`]: declared in the model file, or
    /// the default of its provenance tag).
    #[serde(default)]
    pub sigma: Option<f64>,
    /// Cohort: a distribution around the model's value, declared as in a
    /// model file (`uncertainty = { distribution = "log-uniform", factor =
    /// 3 }`, `{ distribution = "uniform", low = 0.1, high = 0.4 }`, …;
    /// [`UncertaintyDecl`](crate::model::UncertaintyDecl)), in place of the
    /// model's.
    #[serde(default)]
    pub uncertainty: Option<crate::model::UncertaintyDecl>,
}

/// The kind of design.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DesignKind {
    /// Cartesian product of listed values.
    Grid,
    /// Latin hypercube.
    Lhs,
    /// Log-normal virtual cohort.
    Cohort,
}

/// A sweep: which arm, which parameters, how many runs.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Design {
    /// The arm to run (by name).
    pub arm: String,
    /// Kind of design.
    pub design: DesignKind,
    /// Number of runs (Latin hypercube and cohort, at most [`MAX_RUNS`]; a
    /// grid has as many as its product).
    #[serde(default)]
    pub runs: usize,
    /// Seed of the random designs.
    #[serde(default)]
    pub seed: u64,
    /// Last day of each run (finite, after day 0; default 21).
    #[serde(default = "default_until")]
    pub until: f64,
    /// Relative tolerance of each run, in (0, 1) (default 1e-4: clearance
    /// times agree with rtol 1e-6 runs to about 1e-6 days on the reference model).
    #[serde(default = "default_rtol")]
    pub rtol: f64,
    /// Absolute tolerance of each run, finite and > 0 (default 1e-7).
    #[serde(default = "default_atol")]
    pub atol: f64,
    /// The parameters.
    #[serde(rename = "parameter")]
    pub parameters: Vec<SweptParameter>,
    /// Columns of observables at sampled days (`[[output]]`); none: the
    /// clearance observable at the reference day and at `until`.
    #[serde(default, rename = "output")]
    pub outputs: Vec<SweepOutput>,
    /// The file the design was read from, with the line of each key, so that
    /// errors can point there (`None` for a design built in code).
    #[serde(skip)]
    pub source: Option<SpecSource>,
}

/// One column of a sweep: a declared observable at a sampled day.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SweepOutput {
    /// The column's name in the CSV header.
    pub column: String,
    /// The observable (declared, not hidden).
    pub observable: String,
    /// The day (one of the experiment's sample days).
    pub day: f64,
}

/// Where a design was read from: the file and the position of every key.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SpecSource {
    /// The spec file.
    pub path: PathBuf,
    /// (key, line, column), 1-based: `until`, `parameter`, `parameter.0.name`, …
    keys: Vec<(String, usize, usize)>,
}

impl SpecSource {
    /// Reads the key positions of spec `text` read from `path` (keys of a text
    /// that does not parse are simply not known).
    pub fn new(text: &str, path: impl AsRef<Path>) -> SpecSource {
        use toml::de::{DeTable, DeValue};
        let mut keys = Vec::new();
        let at = |pos: usize| crate::model::line_column(text, pos);
        if let Ok(table) = DeTable::parse(text) {
            for (key, value) in table.get_ref().iter() {
                let name: &str = key.get_ref();
                let (line, column) = at(key.span().start);
                keys.push((name.to_string(), line, column));
                if let (true, DeValue::Array(items)) = (name == "parameter", value.get_ref()) {
                    for (j, item) in items.iter().enumerate() {
                        let (line, column) = at(item.span().start);
                        keys.push((format!("parameter.{j}"), line, column));
                        if let DeValue::Table(fields) = item.get_ref() {
                            for (field, _) in fields.iter() {
                                let (line, column) = at(field.span().start);
                                let field: &str = field.get_ref();
                                keys.push((format!("parameter.{j}.{field}"), line, column));
                            }
                        }
                    }
                }
            }
        }
        SpecSource { path: path.as_ref().to_path_buf(), keys }
    }

    /// Line and column of `key` (`until`, `parameter.2.sigma`, …), or of the
    /// nearest enclosing key that was written (`parameter.2`, `parameter`).
    pub fn position(&self, key: &str) -> Option<(usize, usize)> {
        let mut key = key;
        loop {
            if let Some(&(_, line, column)) = self.keys.iter().find(|(k, _, _)| k == key) {
                return Some((line, column));
            }
            key = &key[..key.rfind('.')?];
        }
    }
}

/// The last day of a sweep's (or an analysis') runs unless a spec says otherwise.
pub(crate) fn default_until() -> f64 {
    21.0
}

/// The relative tolerance of those runs unless a spec says otherwise.
pub(crate) fn default_rtol() -> f64 {
    1e-4
}

/// The absolute tolerance of those runs unless a spec says otherwise.
pub(crate) fn default_atol() -> f64 {
    1e-7
}

impl Design {
    /// Parses spec TOML; `origin` names the source in errors, which point at
    /// the line of the offending key.
    pub fn from_toml_str(text: &str, origin: impl AsRef<Path>) -> Result<Design> {
        let origin = origin.as_ref();
        let mut design: Design = toml::from_str(text).map_err(|e| {
            let (line, column) = crate::model::line_column(text, e.span().map_or(0, |s| s.start));
            FileError::Syntax { path: origin.to_path_buf(), line, column, message: e.message().to_string() }
        })?;
        design.source = Some(SpecSource::new(text, origin));
        design.check()?;
        Ok(design)
    }

    /// Reads a spec file and checks what can be checked without a model
    /// ([`check`](Self::check)).
    pub fn from_file(path: impl AsRef<Path>) -> Result<Design> {
        let path = path.as_ref();
        let text =
            std::fs::read_to_string(path).map_err(|source| FileError::Io { path: path.to_path_buf(), source })?;
        Design::from_toml_str(&text, path)
    }

    /// An error about `key` of the spec (`until`, `parameter.1.sigma`, …): at
    /// its file, line and column when the design was read from a file.
    pub fn error_at(&self, key: &str, message: impl Into<String>) -> SaspError {
        let message = message.into();
        match &self.source {
            Some(source) => {
                let (line, column) = source.position(key).unwrap_or((1, 1));
                FileError::Syntax { path: source.path.clone(), line, column, message }.into()
            }
            None => SaspError::InvalidOptions(message),
        }
    }

    /// Number of runs the design has (a grid's product saturates at
    /// `usize::MAX`; [`check`](Self::check) refuses more than [`MAX_RUNS`]).
    pub fn len(&self) -> usize {
        match self.design {
            DesignKind::Grid => self.grid_runs().unwrap_or(usize::MAX),
            _ => self.runs,
        }
    }

    /// Is the design empty?
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The product of the grid's value counts, `None` on overflow.
    fn grid_runs(&self) -> Option<usize> {
        self.parameters.iter().try_fold(1usize, |n, p| n.checked_mul(p.values.len()))
    }

    /// Checks what does not need a model: sizes within [`MAX_RUNS`] and
    /// [`MAX_VALUES`] (with checked arithmetic), `until` finite and after
    /// day 0 (regression is measured from day 0), `0 < rtol < 1`, `atol`
    /// finite and > 0, distinct parameter names, and each parameter's values,
    /// range or σ.
    pub fn check(&self) -> Result<()> {
        if self.parameters.is_empty() {
            return Err(self.error_at("parameter", "a sweep needs at least one parameter"));
        }
        if !(self.until.is_finite() && self.until > 0.0) {
            return Err(self.error_at(
                "until",
                format!(
                    "until = {}: the last day must be finite and after day 0 (the day regression is measured from)",
                    self.until
                ),
            ));
        }
        if !(self.rtol.is_finite() && self.rtol > 0.0 && self.rtol < 1.0) {
            return Err(
                self.error_at("rtol", format!("rtol = {}: the relative tolerance must be in (0, 1)", self.rtol))
            );
        }
        if !(self.atol.is_finite() && self.atol > 0.0) {
            return Err(
                self.error_at("atol", format!("atol = {}: the absolute tolerance must be finite and > 0", self.atol))
            );
        }
        for (j, p) in self.parameters.iter().enumerate() {
            let key = |field: &str| format!("parameter.{j}.{field}");
            if self.parameters[..j].iter().any(|q| q.name == p.name) {
                return Err(self.error_at(&key("name"), format!("parameter '{}' is swept twice", p.name)));
            }
            if p.uncertainty.is_some() && (self.design != DesignKind::Cohort || p.sigma.is_some()) {
                return Err(self.error_at(
                    &key("uncertainty"),
                    format!("parameter '{}': only a cohort parameter without 'sigma' takes 'uncertainty'", p.name),
                ));
            }
            match self.design {
                DesignKind::Grid => {
                    if p.values.is_empty() {
                        return Err(
                            self.error_at(&key("values"), format!("parameter '{}': an empty list of values", p.name))
                        );
                    }
                    if p.values.iter().any(|v| !(v.is_finite() && *v >= 0.0)) {
                        return Err(self.error_at(
                            &key("values"),
                            format!("parameter '{}': values must be finite and non-negative", p.name),
                        ));
                    }
                }
                DesignKind::Lhs => match (p.lo, p.hi) {
                    (Some(lo), Some(hi))
                        if lo.is_finite() && hi.is_finite() && lo >= 0.0 && hi > lo && (!p.log || lo > 0.0) => {}
                    _ => {
                        return Err(self.error_at(
                            &key("lo"),
                            format!(
                            "parameter '{}': a Latin hypercube needs 0 ≤ lo < hi (lo > 0 in log space): an empty range",
                            p.name
                        ),
                        ))
                    }
                },
                DesignKind::Cohort => match p.sigma {
                    Some(s) if s.is_finite() && s >= 0.0 => {}
                    // The model's distribution of the parameter.
                    None => {}
                    _ => {
                        return Err(
                            self.error_at(&key("sigma"), format!("parameter '{}': a cohort needs sigma ≥ 0", p.name))
                        )
                    }
                },
            }
        }
        let runs = match self.design {
            DesignKind::Grid => match self.grid_runs() {
                Some(n) if n <= MAX_RUNS => n,
                _ => {
                    return Err(self.error_at(
                        "parameter",
                        format!(
                            "the grid has {} runs, over the limit of {MAX_RUNS} runs per sweep (sweep::MAX_RUNS)",
                            self.grid_runs().map_or("more than 2^64".to_string(), |n| n.to_string())
                        ),
                    ))
                }
            },
            _ => {
                if self.runs == 0 {
                    return Err(self.error_at("runs", "the design has no runs (runs = 0 or missing)"));
                }
                if self.runs > MAX_RUNS {
                    return Err(self.error_at(
                        "runs",
                        format!("runs = {}: over the limit of {MAX_RUNS} runs per sweep (sweep::MAX_RUNS)", self.runs),
                    ));
                }
                self.runs
            }
        };
        match runs.checked_mul(self.parameters.len()) {
            Some(v) if v <= MAX_VALUES => Ok(()),
            _ => Err(self.error_at(
                if self.design == DesignKind::Grid { "parameter" } else { "runs" },
                format!(
                    "{runs} runs × {} parameters: over the limit of {MAX_VALUES} sampled values per sweep (sweep::MAX_VALUES)",
                    self.parameters.len()
                ),
            )),
        }
    }

    /// [`check`](Self::check), and that every swept parameter is one of `model`'s.
    pub fn validate(&self, model: &Model) -> Result<()> {
        self.check()?;
        for (j, p) in self.parameters.iter().enumerate() {
            if model.parameter(&p.name).is_err() {
                let e = ModelError::UnknownParameter { name: p.name.clone(), context: "the sweep".into() };
                return Err(match self.source {
                    Some(_) => self.error_at(&format!("parameter.{j}.name"), e.to_string()),
                    None => e.into(),
                });
            }
        }
        Ok(())
    }

    /// Validates the design against `model` and returns what computes each
    /// run's parameters on demand (for a Latin hypercube, one seeded
    /// permutation of the runs per parameter is made here, O(runs)).
    pub fn sampler(&self, model: &Model) -> Result<Sampler<'_>> {
        self.validate(model)?;
        let runs = self.len();
        let base: Vec<f64> = self
            .parameters
            .iter()
            .map(|p| model.spec().parameters.iter().find(|d| d.name == p.name).map_or(0.0, |d| d.value))
            .collect();
        let strata = match self.design {
            // One seeded permutation of the n strata per parameter.
            DesignKind::Lhs => (0..self.parameters.len()).map(|j| permutation(runs, self.seed, j as u64)).collect(),
            _ => Vec::new(),
        };
        let mut distributions = Vec::with_capacity(self.parameters.len());
        for (j, p) in self.parameters.iter().enumerate() {
            distributions.push(match (self.design, p.sigma, &p.uncertainty) {
                (DesignKind::Cohort, None, None) => {
                    Some(model.parameter_distribution(&p.name).map_err(|e| match self.source {
                        Some(_) => self.error_at(&format!("parameter.{j}.name"), e.to_string()),
                        None => e,
                    })?)
                }
                (DesignKind::Cohort, None, Some(declared)) => {
                    Some(declared.distribution_at(base[j]).map_err(|reason| {
                        self.error_at(
                            &format!("parameter.{j}.uncertainty"),
                            format!("parameter '{}': {reason}", p.name),
                        )
                    })?)
                }
                _ => None,
            });
        }
        Ok(Sampler { design: self, runs, base, strata, distributions })
    }

    /// The parameter values of run `k` (see [`Sampler::sample`]; this builds
    /// a [`Sampler`] each call, so use one to sample many runs).
    pub fn sample(&self, model: &Model, k: usize) -> Result<Vec<f64>> {
        self.sampler(model)?.sample(k)
    }
}

/// Computes the parameter values of any run of a validated design (see
/// [`Design::sampler`]).
#[derive(Clone, Debug)]
pub struct Sampler<'d> {
    design: &'d Design,
    runs: usize,
    /// The model's value of each parameter (cohorts vary around it).
    base: Vec<f64>,
    /// Latin hypercube: the stratum of each run, per parameter.
    strata: Vec<Vec<u32>>,
    /// Cohort: the distribution of each parameter without `sigma` (its
    /// `uncertainty`, or the model's).
    distributions: Vec<Option<crate::model::Distribution>>,
}

impl Sampler<'_> {
    /// Number of runs.
    pub fn len(&self) -> usize {
        self.runs
    }

    /// Has the design no runs? (A validated design always has some.)
    pub fn is_empty(&self) -> bool {
        self.runs == 0
    }

    /// The parameter values of run `k`, in the order of the design's
    /// parameters: the same whatever the shard or thread, since each depends
    /// only on the design, the seed and `k`. An error when `k` is not a run.
    pub fn sample(&self, k: usize) -> Result<Vec<f64>> {
        let d = self.design;
        if k >= self.runs {
            return Err(SaspError::InvalidOptions(format!("run {k} is not in a design of {} runs", self.runs)));
        }
        Ok(match d.design {
            DesignKind::Grid => {
                let mut rest = k;
                let mut out = vec![0.0; d.parameters.len()];
                for (j, p) in d.parameters.iter().enumerate().rev() {
                    out[j] = p.values[rest % p.values.len()];
                    rest /= p.values.len();
                }
                out
            }
            DesignKind::Lhs => {
                let n = self.runs;
                let mut rng = Rng::new(d.seed, k as u64);
                d.parameters
                    .iter()
                    .zip(&self.strata)
                    .map(|(p, perm)| {
                        let u = (perm[k] as f64 + rng.uniform()) / n as f64;
                        let (lo, hi) = (p.lo.unwrap_or(0.0), p.hi.unwrap_or(1.0));
                        if p.log {
                            (lo.ln() + u * (hi.ln() - lo.ln())).exp()
                        } else {
                            lo + u * (hi - lo)
                        }
                    })
                    .collect()
            }
            DesignKind::Cohort => {
                let mut rng = Rng::new(d.seed, k as u64);
                d.parameters
                    .iter()
                    .zip(&self.base)
                    .zip(&self.distributions)
                    .map(|((p, &base), distribution)| match distribution {
                        // The quantile at a uniform coordinate in (0, 1).
                        Some(d) => d.quantile(rng.uniform().max(f64::MIN_POSITIVE)),
                        None => base * (p.sigma.unwrap_or(0.0) * rng.normal()).exp(),
                    })
                    .collect()
            }
        })
    }
}

/// A seeded permutation of `0..n` (Fisher–Yates), the same for every caller
/// (`n` ≤ [`MAX_RUNS`] < 2³², so the entries fit in `u32`).
fn permutation(n: usize, seed: u64, stream: u64) -> Vec<u32> {
    let mut rng = Rng::new(seed, 0xA5A5_0000 + stream);
    let mut p: Vec<u32> = (0..n as u32).collect();
    for i in (1..n).rev() {
        let j = (rng.next() % (i as u64 + 1)) as usize;
        p.swap(i, j);
    }
    p
}

/// Which runs a shard does: `index` of `count` (runs `k` with `k % count == index`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    /// This shard, 0-based.
    pub index: usize,
    /// Number of shards.
    pub count: usize,
}

impl Shard {
    /// Parses `i/n` (0-based `i < n`).
    pub fn parse(text: &str) -> Result<Shard> {
        let bad = || SaspError::InvalidOptions(format!("shard '{text}' must be i/n with 0 ≤ i < n"));
        let (i, n) = text.split_once('/').ok_or_else(bad)?;
        let (index, count) =
            (i.trim().parse::<usize>().map_err(|_| bad())?, n.trim().parse::<usize>().map_err(|_| bad())?);
        if count == 0 || index >= count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }

    /// The shard of a SLURM job array task, if the environment says so
    /// (`SLURM_ARRAY_TASK_ID` counted from `SLURM_ARRAY_TASK_MIN`, default 0;
    /// `SLURM_ARRAY_TASK_COUNT`).
    pub fn from_slurm() -> Result<Option<Shard>> {
        Shard::from_slurm_variables(|name| std::env::var(name).ok())
    }

    /// The shard of a SLURM job array task whose variables `var` gives (by
    /// name, as [`Shard::from_slurm`] reads them from the environment).
    pub fn from_slurm_variables(var: impl Fn(&str) -> Option<String>) -> Result<Option<Shard>> {
        match (var("SLURM_ARRAY_TASK_ID"), var("SLURM_ARRAY_TASK_COUNT")) {
            (Some(id), Some(count)) => {
                let min = var("SLURM_ARRAY_TASK_MIN").and_then(|m| m.parse::<usize>().ok()).unwrap_or(0);
                let id: usize =
                    id.parse().map_err(|_| SaspError::InvalidOptions(format!("SLURM_ARRAY_TASK_ID '{id}'")))?;
                Shard::parse(&format!("{}/{count}", id.saturating_sub(min))).map(Some)
            }
            _ => Ok(None),
        }
    }
}

/// The CSV header of a sweep over `design` with observable columns
/// `outputs` and clearance thresholds `labels`.
fn header(design: &Design, outputs: &[SweepOutput], labels: &[String]) -> String {
    let names = design.parameters.iter().map(|p| p.name.as_str());
    let columns = outputs.iter().map(|o| o.column.as_str()).chain(labels.iter().map(String::as_str));
    let fields: Vec<String> = std::iter::once("run")
        .chain(names)
        .chain(columns)
        .chain(std::iter::once("status"))
        .map(|f| crate::util::text::csv_field(f).into_owned())
        .collect();
    format!("{}\n", fields.join(","))
}

/// The observable columns of a sweep in `experiment` on `model` (the
/// design's, or the clearance observable at the reference day and at the
/// end), and the clearance thresholds' labels; each column checked: a
/// declared, shown observable at a sample day, a name no other column has.
fn columns(
    experiment: &Experiment,
    model: &Model,
    design: &Design,
    sample_times: &[f64],
) -> Result<(Vec<SweepOutput>, Vec<String>)> {
    let (observables, clearance) = experiment.declared(model)?;
    let outputs = if design.outputs.is_empty() {
        let (reference, end) = (experiment.measured_from(), design.until);
        [reference, end]
            .iter()
            .map(|&day| SweepOutput {
                column: format!("{}_day{}", clearance.observable, number(day)),
                observable: clearance.observable.clone(),
                day,
            })
            .collect()
    } else {
        design.outputs.clone()
    };
    let labels: Vec<String> = clearance.thresholds.iter().map(|(label, _)| label.clone()).collect();
    let mut seen: Vec<&str> = vec!["run", "status"];
    seen.extend(design.parameters.iter().map(|p| p.name.as_str()));
    for (k, o) in outputs.iter().enumerate() {
        let key = format!("output.{k}");
        let shown = observables.iter().any(|d| d.name == o.observable && !d.hidden);
        if !shown {
            let names: Vec<&str> = observables.iter().filter(|d| !d.hidden).map(|d| d.name.as_str()).collect();
            return Err(design.error_at(
                &key,
                format!(
                    "column '{}': no observable '{}' is declared (declared: {})",
                    o.column,
                    o.observable,
                    names.join(", ")
                ),
            ));
        }
        if !sample_times.iter().any(|&t| (t - o.day).abs() < 1e-9) {
            return Err(design.error_at(
                &key,
                format!(
                    "column '{}': day {} is not a sample day of the run (every day from the start to until)",
                    o.column, o.day
                ),
            ));
        }
        if o.column.is_empty() || o.column.chars().any(char::is_control) || seen.contains(&o.column.as_str()) {
            return Err(design.error_at(
                &key,
                format!("column '{}' is empty, has a control character or repeats another column", o.column),
            ));
        }
        seen.push(&o.column);
    }
    if let Some(label) = labels.iter().find(|l| seen.contains(&l.as_str())) {
        return Err(design.error_at("output", format!("column '{label}' is also a clearance threshold's label")));
    }
    Ok((outputs, labels))
}

/// The rows of a sweep (or of one shard) as CSV, and how many runs failed.
#[derive(Clone, Debug, PartialEq)]
pub struct SweepCsv {
    /// The CSV: the header, then one row per run in run order, each ending in
    /// `ok` or `"failed: …"`.
    pub csv: String,
    /// Runs made (the shard's, when sharded).
    pub runs: usize,
    /// Runs that failed (their rows hold the reason).
    pub failed: usize,
    /// The first failed run and why.
    pub first_failure: Option<(usize, String)>,
}

/// Runs the design (or one shard of it) on `arm`, in parallel, and returns
/// the CSV: one row per run, in run order. The design, the arm and the
/// solver options are checked once before any run; a run that fails after
/// that is a `failed: …` row (counted in [`SweepCsv::failed`]), not an error.
pub fn run(model: &Model, arm: &Arm, design: &Design, shard: Option<Shard>) -> Result<SweepCsv> {
    run_with_progress(model, arm, design, shard, &|| {})
}

/// [`run`], calling `tick` after every finished run (for progress bars).
pub fn run_with_progress(
    model: &Model,
    arm: &Arm,
    design: &Design,
    shard: Option<Shard>,
    tick: &(dyn Fn() + Sync),
) -> Result<SweepCsv> {
    run_in(&Experiment::new(model), arm, design, shard, tick)
}

/// Runs the design (or one shard) on `arm` in `experiment`, whose declared
/// observables, clearance metric, reference day and sampling the runs use
/// (its end day and tolerances are the design's); calls `tick` after every
/// finished run. See [`run`].
pub fn run_in(
    experiment: &Experiment,
    arm: &Arm,
    design: &Design,
    shard: Option<Shard>,
    tick: &(dyn Fn() + Sync),
) -> Result<SweepCsv> {
    let model = experiment.model();
    let sampler = design.sampler(model)?;
    let shard = shard.unwrap_or(Shard { index: 0, count: 1 });
    // The arm is applied once; each run only re-parameterizes its model.
    let prepared = arm.prepare(model, model.initial_time())?;
    let options = crate::solve::Options {
        rtol: design.rtol,
        atol: crate::solve::Tolerance::Scalar(design.atol),
        ..crate::solve::Options::default()
    };
    options.validate(prepared.model.dimension()).map_err(|e| design.error_at("rtol", e.to_string()))?;
    let experiment = experiment.clone().until(design.until).options(options);
    // What fails for every run (an action after `until`, …) fails here, once.
    experiment.check(&prepared).map_err(|e| match design.source {
        Some(ref source) if source.position("until").is_some() => design.error_at("until", e.to_string()),
        Some(_) => design.error_at("arm", e.to_string()),
        None => e,
    })?;
    let (outputs, labels) =
        columns(&experiment, &prepared.model, design, &experiment.sample_times(model.initial_time()))?;
    let n = sampler.len();
    let mine = if shard.index < n { (n - shard.index - 1) / shard.count + 1 } else { 0 };
    let one = |k: usize| -> Result<(String, Option<String>)> {
        let values = sampler.sample(k)?;
        let pairs: Vec<(&str, f64)> =
            design.parameters.iter().map(|p| p.name.as_str()).zip(values.iter().copied()).collect();
        let list = values.iter().map(|&v| number(v)).collect::<Vec<_>>().join(",");
        let outcome = prepared.with_parameters(&pairs).and_then(|arm| experiment.run_prepared(&arm));
        tick();
        Ok(match outcome {
            Ok(r) => {
                let mut row = format!("{k},{list}");
                for o in &outputs {
                    row.push(',');
                    row.push_str(&r.value(&o.observable, o.day).map_or(String::new(), number));
                }
                for label in &labels {
                    row.push(',');
                    row.push_str(&optional_number(r.clearance.days_to(label)));
                }
                row.push_str(",ok\n");
                (row, None)
            }
            Err(e) => {
                let reason = e.to_string();
                let empty = ",".repeat(outputs.len() + labels.len());
                (format!("{k},{list}{empty},\"failed: {}\"\n", reason.replace('"', "\"\"")), Some(reason))
            }
        })
    };
    let mut out = SweepCsv { csv: header(design, &outputs, &labels), runs: mine, failed: 0, first_failure: None };
    for start in (0..mine).step_by(CHUNK) {
        let rows: Vec<(String, Option<String>)> = (start..mine.min(start + CHUNK))
            .into_par_iter()
            .map(|i| one(shard.index + i * shard.count))
            .collect::<Result<_>>()?;
        for (i, (row, failure)) in rows.into_iter().enumerate() {
            out.csv.push_str(&row);
            if let Some(reason) = failure {
                out.failed += 1;
                if out.first_failure.is_none() {
                    out.first_failure = Some((shard.index + (start + i) * shard.count, reason));
                }
            }
        }
    }
    Ok(out)
}

/// One CSV record of a part being merged.
struct Record<'a> {
    /// 1-based line where the record starts.
    line: usize,
    /// The record's text without its line end (CRLF and LF both end a record).
    text: &'a str,
    /// Number of fields.
    fields: usize,
    /// The first field (unquoted fields only: the run number).
    first: &'a str,
    /// The last field, unquoted (the status).
    last: String,
    /// Where the last field starts in `text`.
    last_start: usize,
}

/// Splits `text` into RFC 4180 records (quoted fields may hold commas,
/// doubled quotes and line ends; a record ends in LF or CRLF). Every record
/// must end in a line end.
fn records<'a>(text: &'a str, path: &Path) -> Result<Vec<Record<'a>>> {
    let at = |line: usize, message: String| {
        SaspError::from(FileError::Syntax { path: path.to_path_buf(), line, column: 1, message })
    };
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let (mut i, mut line) = (0, 1);
    while i < bytes.len() {
        let (start, start_line) = (i, line);
        let mut fields = 1;
        let mut field_start = i;
        let mut first: Option<&str> = None;
        let mut last: (usize, usize, bool);
        let end;
        loop {
            // One field at `i` (bytes: UTF-8 continuation bytes are never ASCII).
            if bytes.get(i) == Some(&b'"') {
                i += 1;
                loop {
                    match bytes.get(i) {
                        None => {
                            return Err(at(
                                start_line,
                                "a quoted field is not closed at the end of the file (the part was cut short)".into(),
                            ))
                        }
                        Some(b'"') if bytes.get(i + 1) == Some(&b'"') => i += 2,
                        Some(b'"') => {
                            i += 1;
                            break;
                        }
                        Some(&b) => {
                            line += usize::from(b == b'\n');
                            i += 1;
                        }
                    }
                }
                if !matches!(bytes.get(i), None | Some(b',' | b'\n' | b'\r')) {
                    return Err(at(line, "text after the closing quote of a field".into()));
                }
                last = (field_start, i, true);
            } else {
                while let Some(&b) = bytes.get(i) {
                    match b {
                        b',' | b'\n' | b'\r' => break,
                        b'"' => return Err(at(line, "a quote inside an unquoted field".into())),
                        _ => i += 1,
                    }
                }
                last = (field_start, i, false);
            }
            if first.is_none() {
                first = Some(&text[field_start..i]);
            }
            match bytes.get(i) {
                Some(b',') => {
                    i += 1;
                    fields += 1;
                    field_start = i;
                }
                Some(b'\n') => {
                    end = i;
                    i += 1;
                    line += 1;
                    break;
                }
                Some(b'\r') if bytes.get(i + 1) == Some(&b'\n') => {
                    end = i;
                    i += 2;
                    line += 1;
                    break;
                }
                Some(_) => {
                    return Err(at(line, "a carriage return without a line feed (old Mac line ends?)".into()));
                }
                None => {
                    return Err(at(
                        start_line,
                        "the last row does not end with a line end (the part was cut short)".into(),
                    ))
                }
            }
        }
        let last_start = last.0 - start;
        let last = match last {
            (a, b, true) => text[a + 1..b - 1].replace("\"\"", "\""),
            (a, b, false) => text[a..b].to_string(),
        };
        out.push(Record {
            line: start_line,
            text: &text[start..end],
            fields,
            first: first.unwrap_or(""),
            last,
            last_start,
        });
    }
    Ok(out)
}

/// Joins shard CSVs into exactly the file an unsharded run writes: same
/// header, every run once, in run order. Each part is `(name, text)`; the
/// name (its file) is what errors point at. Every part must have the same
/// sweep header, and every row must end in a line end (LF; CRLF is read and
/// written as LF), have the header's number of fields (RFC 4180 quoting), a
/// run number and a status (`ok` or `failed: …`); the runs together must be
/// 0, 1, … with none missing or repeated. Errors name the file and line.
pub fn merge<P: AsRef<Path>>(parts: &[(P, String)]) -> Result<String> {
    if parts.is_empty() {
        return Err(SaspError::InvalidOptions("no parts to merge".into()));
    }
    for (j, (name, _)) in parts.iter().enumerate() {
        if parts[..j].iter().any(|(other, _)| other.as_ref() == name.as_ref()) {
            return Err(SaspError::InvalidOptions(format!("part '{}' is given twice", name.as_ref().display())));
        }
    }
    let mut head: Option<(&Path, &str, usize)> = None;
    // (run, part, line, text)
    let mut rows: Vec<(usize, usize, usize, &str)> = Vec::new();
    for (n, (name, text)) in parts.iter().enumerate() {
        let path = name.as_ref();
        let at = |line: usize, message: String| {
            SaspError::from(FileError::Syntax { path: path.to_path_buf(), line, column: 1, message })
        };
        let records = records(text, path)?;
        let Some(h) = records.first() else {
            return Err(at(1, "the part is empty: no header".into()));
        };
        if h.fields < 2 || h.first != "run" || h.last != "status" {
            return Err(at(1, "not a sweep part: the header must start with 'run' and end with 'status'".into()));
        }
        match head {
            None => head = Some((path, h.text, h.fields)),
            Some((first, header, _)) if header != h.text => {
                return Err(at(
                    1,
                    format!("the header differs from that of {} (a part of another sweep?)", first.display()),
                ))
            }
            _ => {}
        }
        for r in &records[1..] {
            if r.fields != h.fields {
                return Err(at(
                    r.line,
                    format!("a row of {} fields, the header has {} (a row cut short?)", r.fields, h.fields),
                ));
            }
            let canonical = !r.first.is_empty()
                && r.first.bytes().all(|b| b.is_ascii_digit())
                && (r.first == "0" || !r.first.starts_with('0'));
            let k = r
                .first
                .parse::<usize>()
                .ok()
                .filter(|_| canonical)
                .ok_or_else(|| at(r.line, format!("'{}' is not a run number", r.first)))?;
            if !(r.last == "ok" || r.last.starts_with("failed: ")) {
                return Err(at(
                    r.line,
                    format!("status '{}' is neither 'ok' nor 'failed: …' (a row cut short?)", r.last),
                ));
            }
            // Between the run number and the status: values, each a finite
            // number or empty (not reached); nothing else is copied through.
            if r.fields > 2 {
                let values = &r.text[r.first.len() + 1..r.last_start - 1];
                if let Some(bad) =
                    values.split(',').find(|v| !(v.is_empty() || v.parse::<f64>().is_ok_and(f64::is_finite)))
                {
                    return Err(at(r.line, format!("'{}' is not a finite number (nor empty)", bad.escape_debug())));
                }
            }
            rows.push((k, n, r.line, r.text));
        }
    }
    rows.sort_by_key(|r| r.0);
    let name = |n: usize| parts[n].0.as_ref().display().to_string();
    for w in rows.windows(2) {
        if w[0].0 == w[1].0 {
            return Err(FileError::Syntax {
                path: parts[w[1].1].0.as_ref().to_path_buf(),
                line: w[1].2,
                column: 1,
                message: format!("run {} is also at {}:{} (a shard given twice?)", w[0].0, name(w[0].1), w[0].2),
            }
            .into());
        }
    }
    if let Some(missing) = rows.iter().enumerate().find(|(expected, r)| r.0 != *expected).map(|(e, _)| e) {
        return Err(SaspError::InvalidOptions(format!(
            "run {missing} is missing: the parts hold {} runs up to run {} (a shard not given?)",
            rows.len(),
            rows.last().map_or(0, |r| r.0)
        )));
    }
    let (_, header, _) = head.unwrap_or((Path::new(""), "", 0));
    let mut out = String::with_capacity(parts.iter().map(|p| p.1.len()).sum());
    out.push_str(header);
    out.push('\n');
    for (_, _, _, text) in rows {
        out.push_str(text);
        out.push('\n');
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_follow_rfc_4180() {
        let text = "run,a,status\n0,\"x,\"\"y\"\"\nz\",ok\r\n1,2,\"failed: no\"\n";
        let r = records(text, Path::new("p.csv")).unwrap();
        assert_eq!(r.len(), 3);
        assert_eq!((r[1].line, r[1].fields, r[1].first, r[1].last.as_str()), (2, 3, "0", "ok"));
        assert_eq!(r[1].text, "0,\"x,\"\"y\"\"\nz\",ok");
        assert_eq!((r[2].line, r[2].last.as_str()), (4, "failed: no"));
        for (bad, line, what) in [
            ("run,status\n0,ok", 2, "cut short"),
            ("run,status\n0,\"ok\n", 2, "not closed"),
            ("run,status\n0,o\"k\n", 2, "quote inside"),
            ("run,status\n0,\"ok\"x\n", 2, "after the closing quote"),
            ("run,status\r0,ok\n", 1, "carriage return"),
        ] {
            let e = records(bad, Path::new("p.csv")).err().unwrap().to_string();
            assert!(e.starts_with(&format!("p.csv:{line}:")) && e.contains(what), "{bad:?}: {e}");
        }
    }

    #[test]
    fn spec_keys_have_lines() {
        let text = "arm = \"control\"\ndesign = \"cohort\"\nruns = 3\n\n[[parameter]]\nname = \"a\"\nsigma = 1\n\n[[parameter]]\nname = \"b\"\n";
        let s = SpecSource::new(text, "s.toml");
        assert_eq!(s.position("runs"), Some((3, 1)));
        assert_eq!(s.position("parameter.0.sigma"), Some((7, 1)));
        assert_eq!(s.position("parameter.1.name"), Some((10, 1)));
        assert_eq!(s.position("parameter.1.sigma").map(|p| p.0), s.position("parameter.1").map(|p| p.0));
        assert_eq!(s.position("until"), None);
    }
}

/// The model's parameters tagged `tag` (e.g. [`Provenance::Fitted`]) with
/// their distributions ([`Model::parameter_distribution`]), in declaration
/// order.
///
/// # Errors
///
/// As [`Model::parameter_distribution`] (a parameter of value 0 or a
/// numerical device without a declared uncertainty).
pub fn tagged_parameters(model: &Model, tag: Provenance) -> Result<Vec<(String, Distribution)>> {
    model
        .spec()
        .parameters
        .iter()
        .filter(|p| p.tag == tag)
        .map(|p| Ok((p.name.clone(), model.parameter_distribution(&p.name)?)))
        .collect()
}

/// Quantile bands of an experiment's observables over a parameter
/// distribution ([`bands`]).
#[derive(Clone, Debug, PartialEq)]
pub struct Bands {
    /// The quantile levels, increasing (e.g. 0.05, 0.25, 0.5, 0.75, 0.95).
    pub levels: Vec<f64>,
    /// The parameters varied and their distributions.
    pub parameters: Vec<(String, Distribution)>,
    /// Parameter sets drawn.
    pub runs: usize,
    /// Parameter sets whose run failed in some arm (left out of every
    /// band).
    pub failed: usize,
    /// Each arm's bands, in the experiment's order.
    pub arms: Vec<ArmBands>,
}

/// One arm's bands.
#[derive(Clone, Debug, PartialEq)]
pub struct ArmBands {
    /// The arm.
    pub name: String,
    /// The sample times.
    pub t: Vec<f64>,
    /// Per observable its name and `quantiles[k][l]`: level `l` at sample
    /// `k`, over the runs where the value is defined (NaN where fewer than
    /// half of them define it, e.g. NK per mm³ of a cleared tumor).
    pub observables: Vec<(String, Vec<Vec<f64>>)>,
}

impl Bands {
    /// `(t, quantile)` points of `observable` in `arm` at level index `l`
    /// (`None` for an unknown arm, observable or level).
    pub fn curve(&self, arm: &str, observable: &str, l: usize) -> Option<Vec<(f64, f64)>> {
        let a = self.arms.iter().find(|a| a.name == arm)?;
        let (_, q) = a.observables.iter().find(|(name, _)| name == observable)?;
        if l >= self.levels.len() {
            return None;
        }
        Some(a.t.iter().zip(q).map(|(&t, row)| (t, row[l])).collect())
    }
}

/// The quantiles at `levels` of `observables` in every arm of `experiment`
/// over `runs` parameter sets drawn from `parameters` (each value the
/// quantile of its distribution at a uniform coordinate; run `j` draws from
/// the stream `(seed, j)`, so the bands do not depend on the thread count).
/// Quantiles are the order statistics at `⌊l·(m − 1) + ½⌋` of the `m`
/// defined values (the nearest rank). Runs run in parallel (rayon); a run
/// that fails in any arm is left out and counted in [`Bands::failed`].
///
/// # Errors
///
/// [`SaspError::InvalidOptions`] for `runs` of 0 or above [`MAX_RUNS`],
/// levels outside `[0, 1]` or not increasing, an impossible distribution,
/// or every run failing; [`ModelError::UnknownParameter`] and an unknown
/// observable before any run.
pub fn bands(
    experiment: &Experiment,
    parameters: &[(String, Distribution)],
    observables: &[&str],
    runs: usize,
    seed: u64,
    levels: &[f64],
) -> Result<Bands> {
    if runs == 0 || runs > MAX_RUNS {
        return Err(SaspError::InvalidOptions(format!("bands need 1 to {MAX_RUNS} runs, not {runs}")));
    }
    if levels.iter().any(|l| !(0.0..=1.0).contains(l)) || levels.windows(2).any(|w| w[1] <= w[0]) {
        return Err(SaspError::InvalidOptions(format!("band levels {levels:?} must increase within [0, 1]")));
    }
    let model = experiment.model();
    for (name, d) in parameters {
        model.parameter(name)?;
        if let Some(reason) = d.problem() {
            return Err(SaspError::InvalidOptions(format!("the distribution of '{name}': {reason}")));
        }
    }
    let t0 = model.initial_time();
    let prepared: Vec<PreparedArm> =
        experiment.arm_list().iter().map(|a| a.prepare(model, t0)).collect::<Result<_>>()?;
    // The nominal run checks the observables before any sampled run.
    let mut times = Vec::with_capacity(prepared.len());
    for arm in &prepared {
        let nominal = experiment.run_prepared(arm)?;
        for o in observables {
            nominal.series(o)?;
        }
        times.push(nominal.t);
    }
    let one = |j: usize| -> Option<Vec<Vec<Vec<f64>>>> {
        let mut rng = Rng::new(seed, j as u64);
        let values: Vec<(&str, f64)> = parameters
            .iter()
            .map(|(name, d)| (name.as_str(), d.quantile(rng.uniform().max(f64::MIN_POSITIVE))))
            .collect();
        prepared
            .iter()
            .map(|arm| {
                let arm = arm.with_parameters(&values).ok()?;
                let result = experiment.run_prepared(&arm).ok()?;
                observables.iter().map(|o| result.series(o).ok().map(<[f64]>::to_vec)).collect()
            })
            .collect()
    };
    let all: Vec<Option<Vec<Vec<Vec<f64>>>>> = (0..runs).into_par_iter().map(one).collect();
    let done: Vec<&Vec<Vec<Vec<f64>>>> = all.iter().flatten().collect();
    if done.is_empty() {
        return Err(SaspError::InvalidOptions(format!("every one of the {runs} runs of the bands failed")));
    }
    let mut arms = Vec::with_capacity(prepared.len());
    let mut column = Vec::with_capacity(done.len());
    for (a, arm) in prepared.iter().enumerate() {
        let mut per_observable = Vec::with_capacity(observables.len());
        for (o, name) in observables.iter().enumerate() {
            let quantiles = (0..times[a].len())
                .map(|k| {
                    column.clear();
                    column.extend(done.iter().filter_map(|run| run[a][o].get(k).copied()).filter(|v| !v.is_nan()));
                    column.sort_by(f64::total_cmp);
                    levels
                        .iter()
                        .map(|&l| {
                            if 2 * column.len() < done.len() {
                                f64::NAN
                            } else {
                                column[(l * (column.len() - 1) as f64 + 0.5).floor() as usize]
                            }
                        })
                        .collect()
                })
                .collect();
            per_observable.push((name.to_string(), quantiles));
        }
        arms.push(ArmBands { name: arm.name.clone(), t: times[a].clone(), observables: per_observable });
    }
    Ok(Bands { levels: levels.to_vec(), parameters: parameters.to_vec(), runs, failed: runs - done.len(), arms })
}
