//! Global sensitivity analysis of any scalar model `y = f(x₁, …, x_d)` whose
//! inputs are uncertain: which inputs the output's variance comes from
//! ([`sobol_indices`]), and a cheaper screening of which inputs matter at all
//! ([`morris`]).
//!
//! The module knows nothing about the paper's model: a model is any closure
//! `Fn(&[f64]) -> Result<f64, E> + Sync` that maps the parameters' values, in
//! the order of the [`Parameter`] list, to one output (an experiment's
//! observable at a day, a clearance time …). Its error `E` is handed back in
//! [`GsaError::Model`] with the run and the point; [`never_fails`] wraps a
//! plain `Fn(&[f64]) -> f64`. Runs are evaluated in parallel (rayon) into a
//! vector indexed by run, and every sum is taken in a fixed order, so the
//! results are bit-identical for any number of threads.
//!
//! - Each parameter has a [`Distribution`] (uniform, log-uniform, normal,
//!   log-normal) that maps a unit coordinate `u ∈ (0, 1)` to a value by its
//!   quantile function `x = F⁻¹(u)`; designs are built in the unit hypercube.
//! - [`sobol_indices`]: first-order `S_i = V[E(y | x_i)] / V(y)` and total
//!   `S_Ti = E[V(y | x_~i)] / V(y)` indices by Saltelli's (2010) design on
//!   an Owen-scrambled Sobol' sequence, `N (d + 2)` runs (`N (2d + 2)` with
//!   second-order indices `S_ij`), with bootstrap confidence intervals and a
//!   convergence check (the indices at `N/4`, `N/2`, `N`).
//! - [`morris`]: Morris' elementary effects on `r` trajectories of a `p`-level
//!   grid, `r (d + 1)` runs: `μ`, `μ*` (mean absolute effect), `σ`.
//!
//! ```
//! use sasp::gsa::{never_fails, sobol_indices, Distribution, Parameter, SobolOptions};
//! use std::f64::consts::PI;
//!
//! // The Ishigami function, y = sin x₁ + 7 sin² x₂ + 0.1 x₃⁴ sin x₁, x_i ~ U(−π, π).
//! let parameters: Vec<Parameter> = ["x1", "x2", "x3"]
//!     .iter()
//!     .map(|name| Parameter::new(*name, Distribution::Uniform { low: -PI, high: PI }))
//!     .collect();
//! let ishigami = never_fails(|x: &[f64]| x[0].sin() + 7.0 * x[1].sin().powi(2) + 0.1 * x[2].powi(4) * x[0].sin());
//! let options = SobolOptions { base_samples: 1 << 12, bootstrap_resamples: 100, ..SobolOptions::default() };
//! let indices = sobol_indices(&parameters, ishigami, &options)?;
//! assert_eq!(indices.runs, (1 << 12) * (3 + 2));
//! assert!((indices.first_order[1] - 0.4424).abs() < 0.03); // x₂ alone: 44 % of the variance
//! assert!(indices.first_order[2].abs() < 0.03); // x₃ acts only with x₁ …
//! assert!((indices.total[2] - 0.2437).abs() < 0.03); // … and that is 24 % of it
//! # Ok::<(), sasp::SaspError>(())
//! ```
//!
//! [`experiment`] runs either analysis on an arm of an experiment, from a
//! spec file (`sasp gsa SPEC.toml`).
//!
//! Sizes are checked before anything is allocated: at most
//! [`MAX_PARAMETERS`] parameters, `N` a power of two from
//! [`MIN_BASE_SAMPLES`] to [`MAX_BASE_SAMPLES`], at most [`MAX_RUNS`] runs and
//! [`MAX_RESAMPLES`] bootstrap resamples. `docs/gsa.md` explains the methods
//! and shows the estimates for the Ishigami and Sobol' G functions next to
//! their analytic values.

pub mod benchmarks;
pub mod experiment;
mod morris;
pub mod screening;
mod sobol;

pub use crate::model::distribution::{inverse_normal_cdf, Distribution, SMALLEST_COORDINATE};

impl Distribution {
    /// Checks the distribution of the parameter called `name` (named in
    /// the error; see [`Distribution::problem`]).
    pub fn check(&self, name: &str) -> Result<(), DesignError> {
        match self.problem() {
            None => Ok(()),
            Some(reason) => Err(DesignError::InvalidParameter { name: name.to_string(), reason }),
        }
    }
}
pub use morris::{morris, ElementaryEffects, MorrisOptions, MorrisPlan};
pub use screening::{rank_correlation, wilson_interval};
pub use sobol::{
    sobol_indices, sobol_indices_of_outputs, Convergence, Interval, SecondOrderIndex, SobolIndices, SobolOptions,
    SobolPlan,
};

use crate::error::SaspError;
use rayon::prelude::*;

/// Most parameters an analysis may have: 128 (the Sobol' design draws the
/// two matrices `A` and `B` from one sequence of `2d` dimensions, and the
/// sequence has 256).
pub const MAX_PARAMETERS: usize = 128;

/// Fewest base samples `N` of a Sobol' analysis: 8 (the convergence check
/// estimates at `N/4`, which needs two rows).
pub const MIN_BASE_SAMPLES: usize = 8;

/// Most base samples `N` of a Sobol' analysis: `2¹⁶` (the length of the
/// scrambled Sobol' sequence).
pub const MAX_BASE_SAMPLES: usize = 1 << 16;

/// Most model runs one analysis may ask for: ten million.
pub const MAX_RUNS: usize = 10_000_000;

/// Most bootstrap resamples of a Sobol' analysis: one hundred thousand.
pub const MAX_RESAMPLES: usize = 100_000;

/// Runs handed to the thread pool at a time: bounds the results held with
/// their error type before the first failure (in run order) is known.
const CHUNK: usize = 8192;

/// One uncertain input of the model: a name (for errors and reports) and its
/// distribution.
#[derive(Clone, Debug, PartialEq)]
pub struct Parameter {
    /// The name.
    pub name: String,
    /// How it varies.
    pub distribution: Distribution,
}

impl Parameter {
    /// A parameter called `name` distributed as `distribution`.
    pub fn new(name: impl Into<String>, distribution: Distribution) -> Parameter {
        Parameter { name: name.into(), distribution }
    }
}

/// A design or a distribution that cannot be: found before any run.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum DesignError {
    /// A parameter's distribution is impossible (non-finite values,
    /// `low ≥ high`, a non-positive bound on a log scale, `sd ≤ 0` …).
    #[error("parameter '{name}': {reason}")]
    InvalidParameter {
        /// The parameter.
        name: String,
        /// What is wrong with its distribution.
        reason: String,
    },
    /// An option of the analysis is impossible (no parameters, a repeated
    /// name, `N` not a power of two, a confidence level outside (0, 1) …).
    #[error("invalid design: {0}")]
    InvalidDesign(String),
    /// A size exceeds its documented limit.
    #[error("too many {what}: {requested} requested, at most {limit} allowed")]
    LimitExceeded {
        /// What is counted.
        what: &'static str,
        /// How many the options ask for (saturating).
        requested: usize,
        /// The limit.
        limit: usize,
    },
}

/// Why an analysis failed: a design error before any run, or the first run
/// (in run order, whatever the thread count) whose model failed or returned a
/// value that is not a finite number.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum GsaError<E> {
    /// The design or a distribution cannot be: see [`DesignError`].
    #[error(transparent)]
    Design(#[from] DesignError),
    /// The model failed at run `run`, at the parameter values `point`.
    #[error("model run {run} at {point:?} failed: {source}")]
    Model {
        /// The run's index in the design.
        run: usize,
        /// The parameter values of the run.
        point: Vec<f64>,
        /// The model's error.
        #[source]
        source: E,
    },
    /// The model returned `value`, which is not a finite number, at run `run`.
    #[error("model run {run} at {point:?} returned {value}, not a finite number")]
    NotFinite {
        /// The run's index in the design.
        run: usize,
        /// The parameter values of the run.
        point: Vec<f64>,
        /// The value returned.
        value: f64,
    },
}

impl From<DesignError> for SaspError {
    fn from(e: DesignError) -> SaspError {
        match e {
            DesignError::LimitExceeded { what, requested, limit } => SaspError::LimitExceeded {
                what,
                requested: requested as f64,
                limit,
                hint: "reduce the parameters, base samples, trajectories or resamples of the analysis".into(),
            },
            other => SaspError::InvalidOptions(other.to_string()),
        }
    }
}

/// A model error that is a [`SaspError`] (or converts into one) comes back
/// as itself, so that `?` works in functions returning [`crate::Result`];
/// a non-finite output becomes [`SaspError::InvalidOptions`] naming the run.
impl<E: Into<SaspError>> From<GsaError<E>> for SaspError {
    fn from(e: GsaError<E>) -> SaspError {
        match e {
            GsaError::Design(d) => d.into(),
            GsaError::Model { source, .. } => source.into(),
            GsaError::NotFinite { run, point, value } => {
                SaspError::InvalidOptions(format!("model run {run} at {point:?} returned {value}, not a finite number"))
            }
        }
    }
}

/// The error type of a model that cannot fail ([`never_fails`]): it has no
/// values. It converts into [`SaspError`] (trivially), so an analysis of such
/// a model can use `?` in a function returning [`crate::Result`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoModelError {}

impl std::fmt::Display for NoModelError {
    fn fmt(&self, _: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {}
    }
}

impl std::error::Error for NoModelError {}

impl From<NoModelError> for SaspError {
    fn from(e: NoModelError) -> SaspError {
        match e {}
    }
}

/// Wraps a model that cannot fail, `Fn(&[f64]) -> f64`, as the fallible
/// model the analyses take (its error type, [`NoModelError`], has no values).
pub fn never_fails<F>(model: F) -> impl Fn(&[f64]) -> Result<f64, NoModelError> + Sync
where
    F: Fn(&[f64]) -> f64 + Sync,
{
    move |x: &[f64]| Ok(model(x))
}

/// Checks the parameter list: not empty, at most [`MAX_PARAMETERS`], names
/// distinct and not empty, distributions valid.
fn check_parameters(parameters: &[Parameter]) -> Result<(), DesignError> {
    if parameters.is_empty() {
        return Err(DesignError::InvalidDesign("no parameters: an analysis needs at least one".into()));
    }
    if parameters.len() > MAX_PARAMETERS {
        return Err(DesignError::LimitExceeded {
            what: "parameters",
            requested: parameters.len(),
            limit: MAX_PARAMETERS,
        });
    }
    for (k, p) in parameters.iter().enumerate() {
        if p.name.is_empty() {
            return Err(DesignError::InvalidDesign(format!("parameter {k} has an empty name")));
        }
        if parameters[..k].iter().any(|q| q.name == p.name) {
            return Err(DesignError::InvalidDesign(format!("parameter '{}' is listed twice", p.name)));
        }
        p.distribution.check(&p.name)?;
    }
    Ok(())
}

/// Checks the outputs handed to a design's analysis: one per run of its
/// `runs`, each finite.
fn check_outputs(outputs: &[f64], runs: usize) -> Result<(), DesignError> {
    if outputs.len() != runs {
        return Err(DesignError::InvalidDesign(format!("{} outputs for a design of {runs} runs", outputs.len())));
    }
    match outputs.iter().position(|v| !v.is_finite()) {
        Some(run) => {
            Err(DesignError::InvalidDesign(format!("the output of run {run} is {}, not a finite number", outputs[run])))
        }
        None => Ok(()),
    }
}

/// Evaluates `model` at every run of a design, in parallel, into a vector
/// indexed by run. `fill(run, point)` writes the parameter values of run
/// `run` into `point` (one buffer per worker, no allocation per run). The
/// first failure in run order is returned, whatever the thread count.
fn evaluate<F, E, P>(runs: usize, dimension: usize, fill: P, model: &F) -> Result<Vec<f64>, GsaError<E>>
where
    F: Fn(&[f64]) -> Result<f64, E> + Sync,
    E: Send,
    P: Fn(usize, &mut [f64]) + Sync,
{
    let one = |point: &[f64], out: &mut [f64]| -> Result<(), E> {
        out[0] = model(point)?;
        Ok(())
    };
    evaluate_outputs(runs, dimension, 1, fill, &one)
}

/// [`evaluate`] for a model of `width` outputs, which it writes into its
/// second argument: the outputs run after run (`width` each).
fn evaluate_outputs<F, E, P>(
    runs: usize,
    dimension: usize,
    width: usize,
    fill: P,
    model: &F,
) -> Result<Vec<f64>, GsaError<E>>
where
    F: Fn(&[f64], &mut [f64]) -> Result<(), E> + Sync,
    E: Send,
    P: Fn(usize, &mut [f64]) + Sync,
{
    let mut outputs = Vec::with_capacity(runs * width);
    let mut start = 0;
    while start < runs {
        let end = (start + CHUNK).min(runs);
        let chunk: Vec<Result<Vec<f64>, E>> = (start..end)
            .into_par_iter()
            .map_init(
                || vec![0.0; dimension],
                |point, run| {
                    fill(run, point);
                    let mut out = vec![0.0; width];
                    model(point, &mut out).map(|()| out)
                },
            )
            .collect();
        for (k, result) in chunk.into_iter().enumerate() {
            let run = start + k;
            let point = || {
                let mut p = vec![0.0; dimension];
                fill(run, &mut p);
                p
            };
            match result {
                Ok(values) => match values.iter().find(|v| !v.is_finite()) {
                    None => outputs.extend(values),
                    Some(&value) => return Err(GsaError::NotFinite { run, point: point(), value }),
                },
                Err(source) => return Err(GsaError::Model { run, point: point(), source }),
            }
        }
        start = end;
    }
    Ok(outputs)
}
