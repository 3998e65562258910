//! Poisson random numbers from a [`Stream`], for tau-leaping.
//!
//! `P(K = k) = e^{−λ} λᵏ/k!`, mean and variance `λ`.
//!
//! - `λ < 10`: **inversion by sequential search** — one uniform `u`, the
//!   smallest `k` with `F(k) = Σ_{j≤k} e^{−λ}λʲ/j! ≥ u` (the terms by the
//!   recurrence `p_k = p_{k−1}·λ/k`; about `λ + 1` steps).
//! - `λ ≥ 10`: **PTRS**, transformed rejection with squeeze (W. Hörmann,
//!   "The transformed rejection method for generating Poisson random
//!   variables", Insurance: Mathematics and Economics 12, 39–45, 1993),
//!   with `b = 0.931 + 2.53√λ`, `a = −0.059 + 0.02483·b`,
//!   `1/α = 1.1239 + 1.1328/(b − 3.4)`, `v_r = 0.9277 − 3.6224/(b − 2)`:
//!   draw `U` uniform on (−½, ½) and `V` on (0, 1), `u_s = ½ − |U|`,
//!   `k = ⌊(2a/u_s + b)U + λ + 0.43⌋`; accept at once if `u_s ≥ 0.07` and
//!   `V ≤ v_r`; reject if `k < 0` or (`u_s < 0.013` and `V > u_s`);
//!   otherwise accept if
//!   `ln V + ln(1/α) − ln(a/u_s² + b) ≤ −λ + k ln λ − ln k!`.
//!   About 1.13 pairs of uniforms per draw for any `λ ≥ 10` (the same
//!   algorithm as NumPy's and `rand_distr`'s large-mean samplers).
//!
//! `ln k!` is summed exactly below 16 and taken from Stirling's series
//! `k ln k − k + ½ ln(2πk) + 1/(12k) − 1/(360k³) + 1/(1260k⁵)` above
//! (error below 10⁻¹¹).

use super::Stream;

/// Means from which [`sample`] uses PTRS rather than inversion.
pub const PTRS_FROM: f64 = 10.0;

/// `ln k!` for a whole `k ≥ 0`.
pub fn ln_factorial(k: f64) -> f64 {
    if k < 16.0 {
        let mut sum = 0.0;
        let mut j = 2.0;
        while j <= k {
            sum += f64::ln(j);
            j += 1.0;
        }
        return sum;
    }
    let r = 1.0 / k;
    let r2 = r * r;
    k * k.ln() - k + 0.5 * (2.0 * std::f64::consts::PI * k).ln() + r * (1.0 / 12.0 - r2 * (1.0 / 360.0 - r2 / 1260.0))
}

/// A Poisson draw with mean `mean` (returned as a whole `f64`): inversion
/// below [`PTRS_FROM`], Hörmann's PTRS from it on (module documentation).
/// A mean that is 0, negative or NaN gives 0.
pub fn sample(rng: &mut Stream, mean: f64) -> f64 {
    if mean.is_nan() || mean <= 0.0 {
        return 0.0;
    }
    if mean < PTRS_FROM {
        let u = rng.uniform();
        let mut p = (-mean).exp();
        let mut cdf = p;
        let mut k = 0.0;
        // F(k) reaches u within a few hundred terms for λ < 10 (P(K > 200) < 10⁻²⁰⁰);
        // the bound only guards against rounding when u is within 10⁻¹⁶ of 1.
        while u > cdf && k < 400.0 {
            k += 1.0;
            p *= mean / k;
            cdf += p;
        }
        return k;
    }
    let ln_mean = mean.ln();
    let b = 0.931 + 2.53 * mean.sqrt();
    let a = -0.059 + 0.02483 * b;
    let inv_alpha = 1.1239 + 1.1328 / (b - 3.4);
    let v_r = 0.9277 - 3.6224 / (b - 2.0);
    loop {
        let u = rng.uniform() - 0.5;
        let v = rng.uniform();
        let us = 0.5 - u.abs();
        let k = ((2.0 * a / us + b) * u + mean + 0.43).floor();
        if us >= 0.07 && v <= v_r {
            return k;
        }
        if k < 0.0 || (us < 0.013 && v > us) {
            continue;
        }
        if v.ln() + inv_alpha.ln() - (a / (us * us) + b).ln() <= -mean + k * ln_mean - ln_factorial(k) {
            return k;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ln_factorial_is_exact_below_16_and_stirling_above() {
        assert_eq!(ln_factorial(0.0), 0.0);
        assert_eq!(ln_factorial(1.0), 0.0);
        assert!((ln_factorial(5.0) - 120f64.ln()).abs() < 1e-14);
        // 20! = 2432902008176640000.
        assert!((ln_factorial(20.0) - 2_432_902_008_176_640_000f64.ln()).abs() < 1e-11);
        let direct: f64 = (2..=100).map(|j| f64::ln(j as f64)).sum();
        assert!((ln_factorial(100.0) - direct).abs() < 1e-10);
    }
}
