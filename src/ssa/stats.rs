//! Streaming statistics of an ensemble: per output time and variable the
//! running mean and variance (Welford), a log-binned histogram for
//! quantiles, counts of extinct trajectories, and per trajectory the time of
//! extinction. Chunks of trajectories are merged in chunk order, so the
//! results do not depend on how many threads ran them.

use std::collections::BTreeMap;

/// Histogram bins per octave: a bin spans a factor `2^(1/32)`, so a
/// quantile read from it is within 2.2 % of the sample quantile (exact for
/// the whole numbers up to 45, which get a bin each).
pub const BINS_PER_OCTAVE: f64 = 32.0;

/// A histogram on logarithmic bins of width `2^(1/32)` for values of either
/// sign (0 has a bin of its own): `bin(x) = ⌊32 log₂|x|⌋` with the sign of
/// `x`. Each bin keeps its count and the sum of its values, so a bin that
/// holds one distinct value (a whole number below 46) reports it exactly.
/// Memory grows with the number of distinct bins used, not with the number
/// of values; merging two histograms adds them bin by bin.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Histogram {
    bins: BTreeMap<(i8, i32), (u64, f64)>,
    count: u64,
}

impl Histogram {
    fn key(x: f64) -> (i8, i32) {
        if x == 0.0 || x.is_nan() {
            return (0, 0);
        }
        let bin = (x.abs().log2() * BINS_PER_OCTAVE).floor() as i32;
        // Order: negative values (largest magnitude first), 0, positive ones.
        if x < 0.0 {
            (-1, -bin)
        } else {
            (1, bin)
        }
    }

    /// Adds a value (NaN is counted at 0; states are never NaN).
    pub fn add(&mut self, x: f64) {
        let entry = self.bins.entry(Histogram::key(x)).or_insert((0, 0.0));
        entry.0 += 1;
        entry.1 += if x.is_nan() { 0.0 } else { x };
        self.count += 1;
    }

    /// Adds another histogram's values.
    pub fn merge(&mut self, other: &Histogram) {
        for (key, &(count, sum)) in &other.bins {
            let entry = self.bins.entry(*key).or_insert((0, 0.0));
            entry.0 += count;
            entry.1 += sum;
        }
        self.count += other.count;
    }

    /// The bins in order: `(key, (count, sum of values))`.
    pub(crate) fn bins(&self) -> impl Iterator<Item = ((i8, i32), (u64, f64))> + '_ {
        self.bins.iter().map(|(&k, &v)| (k, v))
    }

    /// A histogram of the given bins; `None` for a key given twice, a bin
    /// with no values, a sign outside −1, 0, 1, or counts whose sum overflows.
    pub(crate) fn from_bins(bins: impl IntoIterator<Item = ((i8, i32), (u64, f64))>) -> Option<Histogram> {
        let mut h = Histogram::default();
        for (key, (count, sum)) in bins {
            if !(-1..=1).contains(&key.0) || count == 0 || h.bins.insert(key, (count, sum)).is_some() {
                return None;
            }
            h.count = h.count.checked_add(count)?;
        }
        Some(h)
    }

    /// The number of values.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// The `q`-quantile (`0 ≤ q ≤ 1`): the mean of the values in the bin
    /// that holds the value of rank `⌈q·n⌉` (at least 1) in sorted order —
    /// within a bin's width (2.2 %) of the sample quantile. `NaN` when
    /// empty or `q` is outside `[0, 1]`.
    pub fn quantile(&self, q: f64) -> f64 {
        if self.count == 0 || !(0.0..=1.0).contains(&q) {
            return f64::NAN;
        }
        let rank = ((q * self.count as f64).ceil() as u64).clamp(1, self.count);
        let mut seen = 0;
        for &(count, sum) in self.bins.values() {
            seen += count;
            if seen >= rank {
                return sum / count as f64;
            }
        }
        f64::NAN
    }
}

/// The two-sample Kolmogorov–Smirnov statistic
/// `D = sup_x |F_a(x) − F_b(x)|` between the empirical distribution
/// functions of two samples (ties counted together, so it also serves
/// discrete laws such as counts). For comparing two methods' ensembles.
pub fn ks_two_sample(a: &[f64], b: &[f64]) -> f64 {
    let (mut a, mut b) = (a.to_vec(), b.to_vec());
    a.sort_by(f64::total_cmp);
    b.sort_by(f64::total_cmp);
    let (mut i, mut j, mut d) = (0, 0, 0.0f64);
    while i < a.len() && j < b.len() {
        let x = a[i].min(b[j]);
        while i < a.len() && a[i] <= x {
            i += 1;
        }
        while j < b.len() && b[j] <= x {
            j += 1;
        }
        d = d.max((i as f64 / a.len() as f64 - j as f64 / b.len() as f64).abs());
    }
    d
}

/// The one-sample Kolmogorov–Smirnov statistic
/// `D = sup_x |F_n(x) − F(x)|` between a sample and a continuous
/// distribution function `cdf`.
pub fn ks_one_sample(sample: &[f64], cdf: impl Fn(f64) -> f64) -> f64 {
    let mut x = sample.to_vec();
    x.sort_by(f64::total_cmp);
    let n = x.len() as f64;
    x.iter().enumerate().fold(0.0f64, |d, (i, &v)| {
        let f = cdf(v);
        d.max((f - i as f64 / n).abs()).max(((i + 1) as f64 / n - f).abs())
    })
}

/// The asymptotic critical value of the Kolmogorov–Smirnov test at level
/// `α` for samples of sizes `n` and `m` (`m = None`: one sample):
/// `c(α)·√((n + m)/(n m))` (or `c(α)/√n`) with `c(α) = √(−ln(α/2)/2)`
/// (1.949 at α = 0.001). Conservative for discrete laws.
pub fn ks_critical(alpha: f64, n: usize, m: Option<usize>) -> f64 {
    let c = (-(alpha / 2.0).ln() / 2.0).sqrt();
    match m {
        Some(m) => c * ((n + m) as f64 / (n as f64 * m as f64)).sqrt(),
        None => c / (n as f64).sqrt(),
    }
}

/// The statistics of a chunk of trajectories, merged chunk after chunk.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Moments {
    pub count: u64,
    pub mean: Vec<f64>,
    pub m2: Vec<f64>,
    pub histograms: Vec<Histogram>,
    /// Trajectories extinct at each output time, per extinction set.
    pub zeros: Vec<u64>,
    /// Per trajectory (in order) and extinction set, the extinction time
    /// (`∞` when never extinct).
    pub extinction_times: Vec<f64>,
}

impl Moments {
    pub fn new(values: usize, zeros: usize) -> Moments {
        Moments {
            count: 0,
            mean: vec![0.0; values],
            m2: vec![0.0; values],
            histograms: vec![Histogram::default(); values],
            zeros: vec![0; zeros],
            extinction_times: Vec::new(),
        }
    }

    /// Adds value `x` at slot `at` of the trajectory being counted
    /// (`count` already incremented): Welford's update and the histogram.
    pub fn add(&mut self, at: usize, x: f64) {
        let delta = x - self.mean[at];
        self.mean[at] += delta / self.count as f64;
        self.m2[at] += delta * (x - self.mean[at]);
        self.histograms[at].add(x);
    }

    /// Chan, Golub & LeVeque's merge: with `δ = mean_b − mean_a`,
    /// `mean = mean_a + δ·n_b/n`, `M2 = M2_a + M2_b + δ²·n_a·n_b/n`.
    pub fn merge(&mut self, other: &Moments) {
        let (na, nb) = (self.count as f64, other.count as f64);
        let n = na + nb;
        if nb == 0.0 {
            return;
        }
        for k in 0..self.mean.len() {
            let delta = other.mean[k] - self.mean[k];
            self.mean[k] += delta * nb / n;
            self.m2[k] += other.m2[k] + delta * delta * na * nb / n;
            self.histograms[k].merge(&other.histograms[k]);
        }
        for (z, o) in self.zeros.iter_mut().zip(&other.zeros) {
            *z += o;
        }
        self.extinction_times.extend_from_slice(&other.extinction_times);
        self.count += other.count;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_of_whole_numbers_are_exact_and_of_reals_within_a_bin() {
        let mut h = Histogram::default();
        for x in 0..=40 {
            h.add(x as f64);
        }
        assert_eq!(h.quantile(0.5), 20.0); // rank 21 of 41
        assert_eq!(h.quantile(0.0), 0.0);
        assert_eq!(h.quantile(1.0), 40.0);
        let mut r = Histogram::default();
        let values: Vec<f64> = (1..=10_000).map(|k| 1e3 * (k as f64 / 10_000.0).powi(3) - 0.5).collect();
        for &x in &values {
            r.add(x);
        }
        for q in [0.05, 0.25, 0.5, 0.9, 0.99] {
            let exact = values[(q * 10_000.0f64).ceil() as usize - 1];
            let width = 2f64.powf(1.0 / BINS_PER_OCTAVE) - 1.0;
            assert!(
                (r.quantile(q) - exact).abs() <= width * exact.abs() + 1e-12,
                "q = {q}: {} vs {exact}",
                r.quantile(q)
            );
        }
        assert!(r.quantile(1.5).is_nan() && Histogram::default().quantile(0.5).is_nan());
    }

    #[test]
    fn kolmogorov_smirnov_statistics_of_known_samples() {
        assert_eq!(ks_two_sample(&[1.0, 2.0, 3.0], &[1.0, 2.0, 3.0]), 0.0);
        assert_eq!(ks_two_sample(&[1.0, 2.0], &[3.0, 4.0]), 1.0);
        // {1, 2, 3, 4} against {3, 4, 5, 6}: F_a(2) = 1/2, F_b(2) = 0.
        assert_eq!(ks_two_sample(&[1.0, 2.0, 3.0, 4.0], &[3.0, 4.0, 5.0, 6.0]), 0.5);
        // The sample (k − ½)/n of the uniform law: D = 1/(2n).
        let sample: Vec<f64> = (1..=10).map(|k| (k as f64 - 0.5) / 10.0).collect();
        assert!((ks_one_sample(&sample, |x| x) - 0.05).abs() < 1e-12);
        assert!((ks_critical(0.001, 100, None) - 0.19495).abs() < 1e-4);
        assert!((ks_critical(0.001, 100, Some(100)) - 0.19495 * 2f64.sqrt()).abs() < 1e-4);
    }

    #[test]
    fn merged_histograms_and_moments_equal_one_pass() {
        let xs: Vec<f64> = (0..100).map(|k| ((k * 37) % 101) as f64 - 20.0).collect();
        let mut one = Moments::new(1, 0);
        for &x in &xs {
            one.count += 1;
            one.add(0, x);
        }
        let (mut a, mut b) = (Moments::new(1, 0), Moments::new(1, 0));
        for &x in &xs[..30] {
            a.count += 1;
            a.add(0, x);
        }
        for &x in &xs[30..] {
            b.count += 1;
            b.add(0, x);
        }
        a.merge(&b);
        assert_eq!(a.histograms, one.histograms);
        assert!((a.mean[0] - one.mean[0]).abs() < 1e-12 && (a.m2[0] - one.m2[0]).abs() < 1e-9);
        for q in [0.1, 0.5, 0.9] {
            assert_eq!(a.histograms[0].quantile(q), one.histograms[0].quantile(q));
        }
    }
}
