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
//! index, so a shard computes exactly the rows an unsharded run would, and
//! results do not depend on the number of threads.
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
//! sigma = 0.3            # cohort; lhs: lo, hi, log; grid: values = [...]
//! ```

use crate::error::{Result, SaspError};
use crate::experiment::Experiment;
use crate::intervene::Arm;
use crate::model::Model;
use rayon::prelude::*;
use serde::Deserialize;
use std::fmt::Write as _;
use std::path::Path;

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
    /// Cohort: log-normal σ around the model's value.
    #[serde(default)]
    pub sigma: Option<f64>,
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
    /// Number of runs (Latin hypercube and cohort; a grid has as many as its product).
    #[serde(default)]
    pub runs: usize,
    /// Seed of the random designs.
    #[serde(default)]
    pub seed: u64,
    /// Last day of each run.
    #[serde(default = "default_until")]
    pub until: f64,
    /// Relative tolerance of each run (default 1e-4: clearance times agree with
    /// rtol 1e-6 runs to about 1e-6 days on the reference model).
    #[serde(default = "default_rtol")]
    pub rtol: f64,
    /// Absolute tolerance of each run (default 1e-7).
    #[serde(default = "default_atol")]
    pub atol: f64,
    /// The parameters.
    #[serde(rename = "parameter")]
    pub parameters: Vec<SweptParameter>,
}

fn default_until() -> f64 {
    21.0
}

fn default_rtol() -> f64 {
    1e-4
}

fn default_atol() -> f64 {
    1e-7
}

/// SplitMix64: a small, fast, reproducible generator.
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn new(seed: u64, stream: u64) -> Rng {
        let mut r = Rng(seed ^ stream.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        r.next();
        r
    }
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in (0, 1).
    pub(crate) fn uniform(&mut self) -> f64 {
        ((self.next() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }
    /// Standard normal (Box–Muller).
    fn normal(&mut self) -> f64 {
        let (u1, u2) = (self.uniform(), self.uniform());
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }
}

impl Design {
    /// Reads a spec file.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Design> {
        let path = path.as_ref();
        let text =
            std::fs::read_to_string(path).map_err(|source| SaspError::Io { path: path.to_path_buf(), source })?;
        toml::from_str(&text).map_err(|e| {
            let (line, column) = crate::model::line_column(&text, e.span().map_or(0, |s| s.start));
            SaspError::FileSyntax { path: path.to_path_buf(), line, column, message: e.message().to_string() }
        })
    }

    /// Number of runs the design has.
    pub fn len(&self) -> usize {
        match self.design {
            DesignKind::Grid => self.parameters.iter().map(|p| p.values.len()).product(),
            _ => self.runs,
        }
    }

    /// Is the design empty?
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Checks the design against a model.
    pub fn validate(&self, model: &Model) -> Result<()> {
        let bad = |m: String| Err(SaspError::InvalidOptions(m));
        if self.parameters.is_empty() {
            return bad("a sweep needs at least one parameter".into());
        }
        for p in &self.parameters {
            model
                .parameter(&p.name)
                .map_err(|_| SaspError::UnknownParameter { name: p.name.clone(), context: "the sweep".into() })?;
            match self.design {
                DesignKind::Grid => {
                    if p.values.is_empty() {
                        return bad(format!("parameter '{}': an empty list of values", p.name));
                    }
                    if p.values.iter().any(|v| !(v.is_finite() && *v >= 0.0)) {
                        return bad(format!("parameter '{}': values must be finite and non-negative", p.name));
                    }
                }
                DesignKind::Lhs => match (p.lo, p.hi) {
                    (Some(lo), Some(hi))
                        if lo.is_finite() && hi.is_finite() && lo >= 0.0 && hi > lo && (!p.log || lo > 0.0) => {}
                    _ => {
                        return bad(format!(
                            "parameter '{}': a Latin hypercube needs 0 ≤ lo < hi (lo > 0 in log space): an empty range",
                            p.name
                        ))
                    }
                },
                DesignKind::Cohort => match p.sigma {
                    Some(s) if s.is_finite() && s >= 0.0 => {}
                    _ => return bad(format!("parameter '{}': a cohort needs sigma ≥ 0", p.name)),
                },
            }
        }
        if self.is_empty() {
            return bad("the design has no runs".into());
        }
        Ok(())
    }

    /// The parameter values of every run, in run order (the same whatever the
    /// shard or thread: each depends only on the design, the seed and the index).
    pub fn samples(&self, model: &Model) -> Result<Vec<Vec<f64>>> {
        let n = self.len();
        let base = |name: &str| model.spec().parameters.iter().find(|d| d.name == name).map_or(0.0, |d| d.value);
        Ok(match self.design {
            DesignKind::Grid => (0..n)
                .map(|k| {
                    let mut rest = k;
                    let mut out = vec![0.0; self.parameters.len()];
                    for (j, p) in self.parameters.iter().enumerate().rev() {
                        out[j] = p.values[rest % p.values.len()];
                        rest /= p.values.len();
                    }
                    out
                })
                .collect(),
            DesignKind::Lhs => {
                // One seeded permutation of the n strata per parameter.
                let strata: Vec<Vec<usize>> =
                    (0..self.parameters.len()).map(|j| permutation(n, self.seed, j as u64)).collect();
                (0..n)
                    .map(|k| {
                        let mut rng = Rng::new(self.seed, k as u64);
                        self.parameters
                            .iter()
                            .zip(&strata)
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
                    })
                    .collect()
            }
            DesignKind::Cohort => (0..n)
                .map(|k| {
                    let mut rng = Rng::new(self.seed, k as u64);
                    self.parameters
                        .iter()
                        .map(|p| base(&p.name) * (p.sigma.unwrap_or(0.0) * rng.normal()).exp())
                        .collect()
                })
                .collect(),
        })
    }
}

/// A seeded permutation of `0..n` (Fisher–Yates), the same for every caller.
fn permutation(n: usize, seed: u64, stream: u64) -> Vec<usize> {
    let mut rng = Rng::new(seed, 0xA5A5_0000 + stream);
    let mut p: Vec<usize> = (0..n).collect();
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
        let var = |name: &str| std::env::var(name).ok();
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

/// The CSV header of a sweep over `design`.
fn header(design: &Design) -> String {
    let names: Vec<&str> = design.parameters.iter().map(|p| p.name.as_str()).collect();
    format!(
        "run,{},volume_day0_mm3,volume_day14_mm3,volume_day21_mm3,days_to_50,days_to_90,days_to_1mm3,status\n",
        names.join(",")
    )
}

/// Runs the design (or one shard of it) on `arm`, in parallel, and returns
/// the CSV: one row per run, in run order.
pub fn run(model: &Model, arm: &Arm, design: &Design, shard: Option<Shard>) -> Result<String> {
    run_with_progress(model, arm, design, shard, &|| {})
}

/// [`run`], calling `tick` after every finished run (for progress bars).
pub fn run_with_progress(
    model: &Model,
    arm: &Arm,
    design: &Design,
    shard: Option<Shard>,
    tick: &(dyn Fn() + Sync),
) -> Result<String> {
    design.validate(model)?;
    let shard = shard.unwrap_or(Shard { index: 0, count: 1 });
    let samples = design.samples(model)?;
    // The arm is applied once; each run only re-parameterizes its model.
    let prepared = arm.prepare(model, model.initial_time())?;
    let options = crate::solve::Options {
        rtol: design.rtol,
        atol: crate::solve::Tolerance::Scalar(design.atol),
        ..crate::solve::Options::default()
    };
    options.validate(prepared.model.dimension())?;
    let experiment = Experiment::new(model).until(design.until).options(options);
    let runs: Vec<usize> = (0..design.len()).filter(|k| k % shard.count == shard.index).collect();
    let rows: Vec<String> = runs
        .par_iter()
        .map(|&k| -> Result<String> {
            let values = &samples[k];
            let pairs: Vec<(&str, f64)> =
                design.parameters.iter().map(|p| p.name.as_str()).zip(values.iter().copied()).collect();
            let list = values.iter().map(|v| format!("{v:e}")).collect::<Vec<_>>().join(",");
            let opt = |v: Option<f64>| v.map_or(String::new(), |d| format!("{d}"));
            let outcome = prepared.model.with_parameters(&pairs).and_then(|m| {
                let arm = crate::intervene::PreparedArm {
                    name: prepared.name.clone(),
                    model: m,
                    actions: prepared.actions.clone(),
                    complexes: prepared.complexes.clone(),
                };
                experiment.run_prepared(&arm)
            });
            tick();
            Ok(match outcome {
                Ok(r) => {
                    let at = |d: f64| r.at(&r.tumor_volume_mm3, d).map_or(String::new(), |v| format!("{v:e}"));
                    format!(
                        "{k},{list},{},{},{},{},{},{},ok\n",
                        at(0.0),
                        at(14.0),
                        at(design.until.min(21.0)),
                        opt(r.clearance.days_to_50),
                        opt(r.clearance.days_to_90),
                        opt(r.clearance.days_to_1mm3)
                    )
                }
                Err(e) => format!("{k},{list},,,,,,,\"failed: {}\"\n", e.to_string().replace('"', "'")),
            })
        })
        .collect::<Result<_>>()?;
    let mut out = header(design);
    for r in rows {
        out.push_str(&r);
    }
    Ok(out)
}

/// Joins shard CSVs into exactly the file an unsharded run writes: same
/// header, every run once, in run order.
pub fn merge(parts: &[String]) -> Result<String> {
    let mut head: Option<&str> = None;
    let mut rows: Vec<(usize, &str)> = Vec::new();
    for (n, part) in parts.iter().enumerate() {
        let mut lines = part.split_inclusive('\n');
        let h = lines.next().ok_or_else(|| SaspError::InvalidOptions(format!("shard {n} is empty")))?;
        match head {
            None => head = Some(h),
            Some(first) if first != h => {
                return Err(SaspError::InvalidOptions(format!("shard {n} has another header than shard 0")))
            }
            _ => {}
        }
        for line in lines {
            let k = line
                .split(',')
                .next()
                .and_then(|k| k.parse::<usize>().ok())
                .ok_or_else(|| SaspError::InvalidOptions(format!("shard {n}: a row without a run number")))?;
            rows.push((k, line));
        }
    }
    rows.sort_by_key(|r| r.0);
    for (expected, (k, _)) in rows.iter().enumerate() {
        if *k != expected {
            return Err(SaspError::InvalidOptions(format!(
                "the shards do not hold every run exactly once (run {expected} is missing or duplicated)"
            )));
        }
    }
    let mut out = String::from(head.unwrap_or_default());
    for (_, line) in rows {
        let _ = write!(out, "{line}");
    }
    Ok(out)
}
