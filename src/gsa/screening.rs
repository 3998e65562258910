//! Screening statistics for sampled parameter sets: how often an outcome
//! happens (a proportion with its Wilson interval) and which parameters go
//! with it (Spearman's rank correlation), for analyses that sample a
//! distribution rather than a Sobol' design.

/// The 95 % Wilson score interval of a proportion `k/n` (`n > 0`):
/// `(p̂ + z²/2n ± z√(p̂(1 − p̂)/n + z²/4n²)) / (1 + z²/n)` with
/// `z = Φ⁻¹(0.975)`, clipped to `[0, 1]`. Unlike the normal approximation it
/// stays inside `[0, 1]` and is not empty at `k = 0` or `k = n`. `(NaN, NaN)`
/// when `n = 0`.
pub fn wilson_interval(k: usize, n: usize) -> (f64, f64) {
    if n == 0 {
        return (f64::NAN, f64::NAN);
    }
    let (n, p, z) = (n as f64, k as f64 / n as f64, 1.959963984540054);
    let centre = (p + z * z / (2.0 * n)) / (1.0 + z * z / n);
    let half = z * (p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt() / (1.0 + z * z / n);
    ((centre - half).max(0.0), (centre + half).min(1.0))
}

/// Ranks from 1, ties given the mean of the ranks they span (NaN sorts
/// last, by `f64::total_cmp`).
pub fn ranks(x: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..x.len()).collect();
    order.sort_by(|&a, &b| x[a].total_cmp(&x[b]));
    let mut r = vec![0.0; x.len()];
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && x[order[j + 1]] == x[order[i]] {
            j += 1;
        }
        for &k in &order[i..=j] {
            r[k] = (i + j) as f64 / 2.0 + 1.0;
        }
        i = j + 1;
    }
    r
}

/// Spearman's rank correlation of `x` and `y` (the same length): the
/// Pearson correlation of their [`ranks`]; 0 when either is constant or
/// they are shorter than 2.
pub fn rank_correlation(x: &[f64], y: &[f64]) -> f64 {
    let len = x.len().min(y.len());
    if len < 2 {
        return 0.0;
    }
    let (rx, ry) = (ranks(&x[..len]), ranks(&y[..len]));
    let n = len as f64;
    let (mx, my) = (rx.iter().sum::<f64>() / n, ry.iter().sum::<f64>() / n);
    let cov: f64 = rx.iter().zip(&ry).map(|(a, b)| (a - mx) * (b - my)).sum();
    let vx: f64 = rx.iter().map(|a| (a - mx).powi(2)).sum();
    let vy: f64 = ry.iter().map(|b| (b - my).powi(2)).sum();
    if vx == 0.0 || vy == 0.0 {
        0.0
    } else {
        cov / (vx * vy).sqrt()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wilson_intervals_match_published_values() {
        // Newcombe (Stat. Med. 17, 1998), Table I: 81/263 → 0.2553–0.3662;
        // 15/148 → 0.0624–0.1605; 0/20 → 0–0.1611; 1/29 → 0.0061–0.1718.
        for (k, n, lo, hi) in
            [(81, 263, 0.2553, 0.3662), (15, 148, 0.0624, 0.1605), (0, 20, 0.0, 0.1611), (1, 29, 0.0061, 0.1718)]
        {
            let (a, b) = wilson_interval(k, n);
            assert!((a - lo).abs() < 5e-5 && (b - hi).abs() < 5e-5, "{k}/{n}: ({a}, {b})");
        }
        assert!(wilson_interval(0, 0).0.is_nan());
    }

    #[test]
    fn rank_correlation_of_known_samples() {
        // Ties share their mean rank.
        assert_eq!(ranks(&[3.0, 1.0, 3.0, 2.0]), [3.5, 1.0, 3.5, 2.0]);
        // Monotone (not linear) relations are ±1.
        let x: Vec<f64> = (1..=10).map(f64::from).collect();
        let y: Vec<f64> = x.iter().map(|v| v.powi(3)).collect();
        assert!((rank_correlation(&x, &y) - 1.0).abs() < 1e-15);
        let z: Vec<f64> = x.iter().map(|v| -v.exp()).collect();
        assert!((rank_correlation(&x, &z) + 1.0).abs() < 1e-15);
        // Without ties ρ = 1 − 6Σd²/(n(n² − 1)): ranks 1..5 against
        // 2, 1, 4, 3, 5 give Σd² = 4, ρ = 1 − 24/120 = 0.8.
        assert!((rank_correlation(&[1.0, 2.0, 3.0, 4.0, 5.0], &[2.0, 1.0, 4.0, 3.0, 5.0]) - 0.8).abs() < 1e-15);
        assert_eq!(rank_correlation(&x, &[1.0; 10]), 0.0);
        assert_eq!(rank_correlation(&[1.0], &[2.0]), 0.0);
    }
}
