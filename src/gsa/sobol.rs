//! Variance-based (Sobol') sensitivity indices by Saltelli's design.
//!
//! The points come from `sobol_burley`: an Owen-scrambled Sobol' sequence
//! (Burley 2020, Joe–Kuo direction numbers) in pure Rust without
//! dependencies, seeded, up to 256 dimensions and `2¹⁶` points. It was chosen
//! over the `sobol` crate, whose sequence is not scrambled (its first point is
//! the origin, where a normal quantile is infinite, and one unscrambled
//! sequence gives no independent replicates); the analytic tests
//! (`tests/integration/gsa.rs`: Ishigami and G functions) check the estimates it gives.

use super::{
    check_outputs, check_parameters, evaluate_outputs, DesignError, GsaError, Parameter, MAX_BASE_SAMPLES,
    MAX_RESAMPLES, MAX_RUNS, MIN_BASE_SAMPLES,
};
use crate::util::rng::Rng;
use rayon::prelude::*;
use serde::Serialize;

/// Most bootstrap values held at once, resamples × estimated indices: fifty
/// million (400 MB).
const MAX_BOOTSTRAP_VALUES: usize = 50_000_000;

/// Options of [`sobol_indices`].
#[derive(Clone, Debug, PartialEq)]
pub struct SobolOptions {
    /// Base samples `N`: a power of two from
    /// [`MIN_BASE_SAMPLES`](super::MIN_BASE_SAMPLES) to
    /// [`MAX_BASE_SAMPLES`](super::MAX_BASE_SAMPLES) (default `2¹²`). The
    /// analysis runs the model `N (d + 2)` times, `N (2d + 2)` with
    /// `second_order`.
    pub base_samples: usize,
    /// Seed of the scrambled sequence and of the bootstrap (default 0).
    pub seed: u64,
    /// Also estimate the second-order indices `S_ij` (default `false`).
    pub second_order: bool,
    /// Bootstrap resamples for the confidence intervals, at most
    /// [`MAX_RESAMPLES`](super::MAX_RESAMPLES); 0: no intervals (default 1000).
    pub bootstrap_resamples: usize,
    /// Confidence level of the intervals, in (0, 1) (default 0.95).
    pub confidence: f64,
}

impl Default for SobolOptions {
    fn default() -> SobolOptions {
        SobolOptions {
            base_samples: 1 << 12,
            seed: 0,
            second_order: false,
            bootstrap_resamples: 1000,
            confidence: 0.95,
        }
    }
}

/// A bootstrap percentile confidence interval.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Interval {
    /// Lower end: the `(1 − confidence)/2` quantile of the resampled estimates.
    pub low: f64,
    /// Upper end: the `(1 + confidence)/2` quantile of the resampled estimates.
    pub high: f64,
}

impl Interval {
    /// Whether `value` lies in `[low, high]`.
    pub fn contains(&self, value: f64) -> bool {
        self.low <= value && value <= self.high
    }
}

/// A second-order index `S_ij` of the pair `(i, j)`, `i < j`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SecondOrderIndex {
    /// The parameters' positions `(i, j)` in the parameter list, `i < j`.
    pub pair: (usize, usize),
    /// `S_ij`: the share of the variance from the interaction of `x_i` and
    /// `x_j` alone.
    pub value: f64,
    /// Its bootstrap confidence interval (`None` without resamples).
    pub interval: Option<Interval>,
}

/// The indices estimated on the first `N/4`, `N/2` and `N` base samples (the
/// prefixes of a scrambled Sobol' sequence whose lengths are powers of two
/// are balanced designs of their own).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Convergence {
    /// `N/4`, `N/2`, `N`.
    pub base_samples: [usize; 3],
    /// `S_i` at each of the three sizes.
    pub first_order: [Vec<f64>; 3],
    /// `S_Ti` at each of the three sizes.
    pub total: [Vec<f64>; 3],
    /// The largest absolute change of any `S_i` or `S_Ti` from `N/4` to
    /// `N/2`, and from `N/2` to `N`: a converging estimate's change shrinks
    /// (by about √2 per doubling for Monte Carlo, more for quasi-Monte Carlo).
    pub changes: [f64; 2],
}

/// Sobol' indices of one output: see [`sobol_indices`].
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SobolIndices {
    /// The parameters' names, in order.
    pub names: Vec<String>,
    /// First-order indices `S_i = V_i / V`.
    pub first_order: Vec<f64>,
    /// Total indices `S_Ti = V_Ti / V`.
    pub total: Vec<f64>,
    /// Bootstrap intervals of `S_i` (empty without resamples).
    pub first_order_intervals: Vec<Interval>,
    /// Bootstrap intervals of `S_Ti` (empty without resamples).
    pub total_intervals: Vec<Interval>,
    /// Second-order indices of every pair `i < j` in the order (0,1), (0,2) …
    /// (empty unless [`SobolOptions::second_order`]).
    pub second_order: Vec<SecondOrderIndex>,
    /// The output's mean over the runs of `A` and `B`.
    pub mean: f64,
    /// The output's variance `V` over the runs of `A` and `B`.
    pub variance: f64,
    /// Base samples `N`.
    pub base_samples: usize,
    /// Model runs, `N (d + 2)` or `N (2d + 2)`.
    pub runs: usize,
    /// The indices at `N/4`, `N/2` and `N`.
    pub convergence: Convergence,
}

/// The Sobol' indices of `model` over `parameters`, by Saltelli's design.
///
/// With `V = Var(y)`, the first-order index of `x_i` is the share of the
/// variance its main effect explains, and the total index the share of every
/// term `x_i` enters (alone or with others):
///
/// `S_i = Var_{x_i}(E[y | x_i]) / V`,  `S_Ti = E_{x_~i}(Var[y | x_~i]) / V`.
///
/// Design (Saltelli et al. 2010): two `N × d` matrices `A` and `B` of unit
/// coordinates — the first `N` points of a `2d`-dimensional Owen-scrambled
/// Sobol' sequence, `A` its first `d` coordinates and `B` the last `d` —
/// and for each `i` the matrix `A_B^(i)`, `A` with its column `i` from `B`;
/// with `second_order`, also `B_A^(i)`, `B` with its column `i` from `A`.
/// Each row maps through the distributions' quantiles and the model gives
/// `f_A`, `f_B`, `f_{A_B^(i)}`, `f_{B_A^(i)}`. With `V` the variance of the
/// `2N` values of `f_A` and `f_B`, means over the rows `j`:
///
/// - first order (Saltelli 2010): `S_i = mean_j(f_B (f_{A_B^(i)} − f_A)) / V`;
/// - total (Jansen 1999): `S_Ti = mean_j((f_A − f_{A_B^(i)})²) / (2V)`;
/// - second order (Saltelli 2002):
///   `S_ij = mean_j(f_{B_A^(i)} f_{A_B^(j)} − f_A f_B) / V − S_i − S_j`.
///
/// Outputs are centred on the mean of `f_A` and `f_B` before the sums (the
/// estimators' expectations do not change; their variance drops).
///
/// Confidence intervals: `bootstrap_resamples` times, `N` rows drawn with
/// replacement (seeded) give the indices again; the interval is the
/// percentile interval of those estimates at level `confidence`.
///
/// Errors (before any run): [`DesignError`] for an empty or invalid
/// parameter list, more than [`MAX_PARAMETERS`](super::MAX_PARAMETERS),
/// `N` not a power of two in its range, too many runs or bootstrap values,
/// a confidence level outside (0, 1); after the runs, the first failing run
/// in run order ([`GsaError::Model`], [`GsaError::NotFinite`]), or
/// [`DesignError::InvalidDesign`] when the output does not vary (`V = 0`).
/// A bootstrap resample whose output happens not to vary gives NaN indices,
/// which sort above every number in the intervals.
pub fn sobol_indices<F, E>(
    parameters: &[Parameter],
    model: F,
    options: &SobolOptions,
) -> Result<SobolIndices, GsaError<E>>
where
    F: Fn(&[f64]) -> Result<f64, E> + Sync,
    E: Send,
{
    let one = |point: &[f64], out: &mut [f64]| -> Result<(), E> {
        out[0] = model(point)?;
        Ok(())
    };
    let mut indices = sobol_indices_of_outputs(parameters, 1, one, options)?;
    Ok(indices.remove(0)?)
}

/// The Sobol' indices of each of `width` outputs of one model, from one
/// design: `model` writes its outputs for a point into its second
/// argument (`width` numbers), so that a run that yields several results
/// (every calibration target of an experiment, say) runs once. The same
/// design, estimators, intervals and errors as [`sobol_indices`], whose
/// result each output gets, except that an output without variance gets
/// its [`DesignError`] in its place instead of failing the others.
pub fn sobol_indices_of_outputs<F, E>(
    parameters: &[Parameter],
    width: usize,
    model: F,
    options: &SobolOptions,
) -> Result<Vec<Result<SobolIndices, DesignError>>, GsaError<E>>
where
    F: Fn(&[f64], &mut [f64]) -> Result<(), E> + Sync,
    E: Send,
{
    if width == 0 {
        return Err(DesignError::InvalidDesign("a model with no outputs".into()).into());
    }
    let plan = SobolPlan::new(parameters, options)?;
    let outputs = evaluate_outputs(plan.runs(), parameters.len(), width, |run, point| plan.point(run, point), &model)?;
    Ok((0..width)
        .map(|j| {
            let column: Vec<f64> = outputs.iter().skip(j).step_by(width).copied().collect();
            plan.indices(&column)
        })
        .collect())
}

/// Saltelli's design of [`sobol_indices`] on its own: the parameter values
/// of each run ([`SobolPlan::point`]) and the indices from the runs'
/// outputs ([`SobolPlan::indices`]), for runs made elsewhere (shards of a
/// cluster job, another program).
///
/// ```
/// use sasp::gsa::{Distribution, Parameter, SobolOptions, SobolPlan};
///
/// let parameters = [
///     Parameter::new("x1", Distribution::Uniform { low: 0.0, high: 1.0 }),
///     Parameter::new("x2", Distribution::Uniform { low: 0.0, high: 1.0 }),
/// ];
/// let plan = SobolPlan::new(&parameters, &SobolOptions { base_samples: 1024, ..SobolOptions::default() })?;
/// let mut point = [0.0; 2];
/// let outputs: Vec<f64> = (0..plan.runs())
///     .map(|run| {
///         plan.point(run, &mut point);
///         point[0] + 2.0 * point[1] // y = x1 + 2 x2: S = (1/5, 4/5)
///     })
///     .collect();
/// let indices = plan.indices(&outputs)?;
/// assert!((indices.first_order[1] - 0.8).abs() < 0.02);
/// # Ok::<(), sasp::gsa::DesignError>(())
/// ```
#[derive(Clone, Debug)]
pub struct SobolPlan {
    parameters: Vec<Parameter>,
    options: SobolOptions,
    /// Runs per base sample: `d + 2`, or `2d + 2` with second order.
    block: usize,
    scramble: u32,
}

impl SobolPlan {
    /// The design of `parameters` with `options`; the errors of
    /// [`sobol_indices`] before any run.
    pub fn new(parameters: &[Parameter], options: &SobolOptions) -> Result<SobolPlan, DesignError> {
        check_parameters(parameters)?;
        let d = parameters.len();
        let n = options.base_samples;
        if !n.is_power_of_two() || !(MIN_BASE_SAMPLES..=MAX_BASE_SAMPLES).contains(&n) {
            return Err(DesignError::InvalidDesign(format!(
                "base samples N = {n}: N must be a power of two from {MIN_BASE_SAMPLES} to {MAX_BASE_SAMPLES}"
            )));
        }
        let block = if options.second_order { 2 * d + 2 } else { d + 2 };
        let runs = n.saturating_mul(block);
        if runs > MAX_RUNS {
            return Err(DesignError::LimitExceeded { what: "model runs", requested: runs, limit: MAX_RUNS });
        }
        if !(options.confidence > 0.0 && options.confidence < 1.0) {
            return Err(DesignError::InvalidDesign(format!("confidence {} must lie in (0, 1)", options.confidence)));
        }
        let resamples = options.bootstrap_resamples;
        if resamples > MAX_RESAMPLES {
            return Err(DesignError::LimitExceeded {
                what: "bootstrap resamples",
                requested: resamples,
                limit: MAX_RESAMPLES,
            });
        }
        let estimated = 2 * d + if options.second_order { d * (d - 1) / 2 } else { 0 };
        if resamples.saturating_mul(estimated) > MAX_BOOTSTRAP_VALUES {
            return Err(DesignError::LimitExceeded {
                what: "bootstrap values (resamples × indices)",
                requested: resamples.saturating_mul(estimated),
                limit: MAX_BOOTSTRAP_VALUES,
            });
        }
        let scramble = (options.seed ^ (options.seed >> 32)) as u32;
        Ok(SobolPlan { parameters: parameters.to_vec(), options: options.clone(), block, scramble })
    }

    /// The model runs of the design: `N (d + 2)`, or `N (2d + 2)` with
    /// second order.
    pub fn runs(&self) -> usize {
        self.options.base_samples * self.block
    }

    /// Writes the parameter values of run `run` (`< runs()`) into `point`
    /// (one per parameter): run `j · block + c` is row `j` of `A` (`c = 0`),
    /// `B` (`c = 1`), `A_B^(i)` (`c = 2 + i`) or `B_A^(i)` (`c = 2 + d + i`).
    pub fn point(&self, run: usize, point: &mut [f64]) {
        let (d, block) = (self.parameters.len(), self.block);
        let (row, kind) = (run / block, run % block);
        for (k, p) in self.parameters.iter().enumerate() {
            let from_b = match kind {
                0 => false,
                1 => true,
                c if c < d + 2 => k == c - 2,
                c => k != c - 2 - d,
            };
            let dimension = if from_b { d + k } else { k };
            point[k] = p.distribution.quantile(unit_coordinate(row, dimension, self.scramble));
        }
    }

    /// The indices from `outputs`, the model's output at each run in run
    /// order: an error when their number is not [`SobolPlan::runs`], when
    /// one is not finite, or when the output does not vary.
    pub fn indices(&self, outputs: &[f64]) -> Result<SobolIndices, DesignError> {
        check_outputs(outputs, self.runs())?;
        indices_of(&self.parameters, outputs, &self.options, self.block)
    }
}

/// The indices of one output from its values at the `N · block` runs of
/// the design.
fn indices_of(
    parameters: &[Parameter],
    outputs: &[f64],
    options: &SobolOptions,
    block: usize,
) -> Result<SobolIndices, DesignError> {
    let (d, n, runs, resamples) = (parameters.len(), options.base_samples, outputs.len(), options.bootstrap_resamples);
    let design = Design { outputs, d, block, second_order: options.second_order };
    let all: Vec<usize> = (0..n).collect();
    let (mean, variance) = design.moments(&all);
    if variance <= 0.0 || !variance.is_finite() {
        return Err(DesignError::InvalidDesign(format!(
            "the output is {mean} at every run of A and B: it has no variance to apportion"
        )));
    }
    let full = design.estimate(&all);
    let half = design.estimate(&all[..n / 2]);
    let quarter = design.estimate(&all[..n / 4]);
    let change = |a: &Estimate, b: &Estimate| {
        a.first.iter().zip(&b.first).chain(a.total.iter().zip(&b.total)).map(|(x, y)| (x - y).abs()).fold(0.0, f64::max)
    };
    let convergence = Convergence {
        base_samples: [n / 4, n / 2, n],
        changes: [change(&quarter, &half), change(&half, &full)],
        first_order: [quarter.first, half.first.clone(), full.first.clone()],
        total: [quarter.total, half.total.clone(), full.total.clone()],
    };

    // Bootstrap: resample b draws its rows from its own stream of the seed.
    let replicates: Vec<Estimate> = (0..resamples)
        .into_par_iter()
        .map_init(
            || vec![0; n],
            |rows, b| {
                let mut rng = Rng::new(options.seed ^ 0xB007_5742_u64, b as u64);
                for r in rows.iter_mut() {
                    *r = ((rng.next() as u128 * n as u128) >> 64) as usize;
                }
                design.estimate(rows)
            },
        )
        .collect();
    let level = options.confidence;
    let intervals = |pick: &dyn Fn(&Estimate) -> f64| -> Option<Interval> {
        if replicates.is_empty() {
            return None;
        }
        let mut values: Vec<f64> = replicates.iter().map(pick).collect();
        values.sort_by(f64::total_cmp);
        Some(Interval { low: percentile(&values, (1.0 - level) / 2.0), high: percentile(&values, (1.0 + level) / 2.0) })
    };
    let first_order_intervals = (0..d).filter_map(|i| intervals(&|e: &Estimate| e.first[i])).collect();
    let total_intervals = (0..d).filter_map(|i| intervals(&|e: &Estimate| e.total[i])).collect();
    let second_order = full
        .second
        .iter()
        .enumerate()
        .map(|(k, &(pair, value))| SecondOrderIndex { pair, value, interval: intervals(&|e: &Estimate| e.second[k].1) })
        .collect();

    Ok(SobolIndices {
        names: parameters.iter().map(|p| p.name.clone()).collect(),
        first_order: full.first,
        total: full.total,
        first_order_intervals,
        total_intervals,
        second_order,
        mean,
        variance,
        base_samples: n,
        runs,
        convergence,
    })
}

/// Coordinate `dimension` of point `index` of the scrambled sequence, moved
/// from the left end of its cell of width `2⁻²³` to the middle, so that it
/// lies in `(0, 1)`: from `2⁻²⁴` to `1 − 2⁻²⁴`.
fn unit_coordinate(index: usize, dimension: usize, scramble: u32) -> f64 {
    // The callers keep index < 2¹⁶ and dimension < 256 (checked sizes).
    f64::from(sobol_burley::sample(index as u32, dimension as u32, scramble)) + super::SMALLEST_COORDINATE
}

/// The `q` quantile of sorted `values` (linear interpolation between order
/// statistics, as numpy's default).
fn percentile(values: &[f64], q: f64) -> f64 {
    let position = q * (values.len() - 1) as f64;
    let below = position.floor() as usize;
    let above = (below + 1).min(values.len() - 1);
    let weight = position - below as f64;
    values[below] + weight * (values[above] - values[below])
}

/// The model outputs of a Saltelli design, run `j · block + c` being row `j`
/// of `A` (`c = 0`), `B` (`c = 1`), `A_B^(i)` (`c = 2 + i`) or `B_A^(i)`
/// (`c = 2 + d + i`).
struct Design<'a> {
    outputs: &'a [f64],
    d: usize,
    block: usize,
    second_order: bool,
}

/// Indices estimated on a set of rows.
struct Estimate {
    first: Vec<f64>,
    total: Vec<f64>,
    second: Vec<((usize, usize), f64)>,
}

impl Design<'_> {
    fn a(&self, row: usize) -> f64 {
        self.outputs[row * self.block]
    }
    fn b(&self, row: usize) -> f64 {
        self.outputs[row * self.block + 1]
    }
    fn ab(&self, row: usize, i: usize) -> f64 {
        self.outputs[row * self.block + 2 + i]
    }
    fn ba(&self, row: usize, i: usize) -> f64 {
        self.outputs[row * self.block + 2 + self.d + i]
    }

    /// Mean and (population) variance of `f_A` and `f_B` over `rows`.
    fn moments(&self, rows: &[usize]) -> (f64, f64) {
        let count = 2.0 * rows.len() as f64;
        let mean = rows.iter().map(|&j| self.a(j) + self.b(j)).sum::<f64>() / count;
        let variance =
            rows.iter().map(|&j| (self.a(j) - mean).powi(2) + (self.b(j) - mean).powi(2)).sum::<f64>() / count;
        (mean, variance)
    }

    /// The estimators of [`sobol_indices`] over `rows` (repeats allowed),
    /// summed in the order of `rows`.
    fn estimate(&self, rows: &[usize]) -> Estimate {
        let d = self.d;
        let (mean, variance) = self.moments(rows);
        let mut first = vec![0.0; d];
        let mut total = vec![0.0; d];
        for &j in rows {
            let (fa, fb) = (self.a(j) - mean, self.b(j) - mean);
            for i in 0..d {
                let fab = self.ab(j, i) - mean;
                first[i] += fb * (fab - fa);
                total[i] += (fa - fab) * (fa - fab);
            }
        }
        let count = rows.len() as f64;
        for i in 0..d {
            first[i] /= count * variance;
            total[i] /= 2.0 * count * variance;
        }
        let mut second = Vec::new();
        if self.second_order {
            for i in 0..d {
                for k in i + 1..d {
                    let mut sum = 0.0;
                    for &j in rows {
                        let (fa, fb) = (self.a(j) - mean, self.b(j) - mean);
                        sum += (self.ba(j, i) - mean) * (self.ab(j, k) - mean) - fa * fb;
                    }
                    second.push(((i, k), sum / (count * variance) - first[i] - first[k]));
                }
            }
        }
        Estimate { first, total, second }
    }
}
