//! The two standard test functions of global sensitivity analysis, whose
//! Sobol' indices are known in closed form, and their indices estimated by
//! [`sobol_indices`] (the `gsa_benchmarks` example prints them;
//! `tests/integration/gsa.rs` compares them with the closed forms):
//!
//! - Ishigami: `y = sin x₁ + a sin² x₂ + b x₃⁴ sin x₁`, `a = 7`, `b = 0.1`,
//!   `x_i` uniform on `[−π, π]`;
//! - Sobol' G: `y = ∏ (|4x_i − 2| + a_i) / (1 + a_i)`,
//!   `a = (0, 1, 4.5, 9, 99, 99, 99, 99)`, `x_i` uniform on `[0, 1]`.

use super::{never_fails, sobol_indices, Distribution, GsaError, NoModelError, Parameter, SobolIndices, SobolOptions};
use std::f64::consts::PI;

/// The Ishigami function's `a`.
pub const ISHIGAMI_A: f64 = 7.0;
/// The Ishigami function's `b`.
pub const ISHIGAMI_B: f64 = 0.1;
/// The G function's `a_i`.
pub const G_A: [f64; 8] = [0.0, 1.0, 4.5, 9.0, 99.0, 99.0, 99.0, 99.0];

/// `sin x₁ + a sin² x₂ + b x₃⁴ sin x₁` with [`ISHIGAMI_A`] and [`ISHIGAMI_B`].
pub fn ishigami(x: &[f64]) -> f64 {
    x[0].sin() + ISHIGAMI_A * x[1].sin().powi(2) + ISHIGAMI_B * x[2].powi(4) * x[0].sin()
}

/// `∏ (|4x_i − 2| + a_i) / (1 + a_i)` with [`G_A`].
pub fn g_function(x: &[f64]) -> f64 {
    x.iter().zip(&G_A).map(|(x, a)| ((4.0 * x - 2.0).abs() + a) / (1.0 + a)).product()
}

/// The estimated indices of both functions.
#[derive(Clone, Debug, PartialEq)]
pub struct Benchmarks {
    /// Ishigami's (three inputs).
    pub ishigami: SobolIndices,
    /// The G function's (eight inputs).
    pub g_function: SobolIndices,
}

/// The first-order and total indices of both functions at `base_samples`
/// (seed 0, no bootstrap).
pub fn benchmarks(base_samples: usize) -> Result<Benchmarks, GsaError<NoModelError>> {
    let options = SobolOptions { base_samples, bootstrap_resamples: 0, ..SobolOptions::default() };
    let inputs = |count: usize, distribution: Distribution| -> Vec<Parameter> {
        (1..=count).map(|i| Parameter::new(format!("x{i}"), distribution)).collect()
    };
    Ok(Benchmarks {
        ishigami: sobol_indices(
            &inputs(3, Distribution::Uniform { low: -PI, high: PI }),
            never_fails(ishigami),
            &options,
        )?,
        g_function: sobol_indices(
            &inputs(8, Distribution::Uniform { low: 0.0, high: 1.0 }),
            never_fails(g_function),
            &options,
        )?,
    })
}

impl Benchmarks {
    /// One JSON line, `{"ishigami": {"S1": [3], "ST": [3]}, "g_function":
    /// {"S1": [8], "ST": [8]}}`, keys in this order.
    pub fn to_json(&self) -> String {
        let of = |i: &SobolIndices| serde_json::json!({ "S1": i.first_order, "ST": i.total });
        format!(r#"{{"ishigami": {}, "g_function": {}}}"#, of(&self.ishigami), of(&self.g_function))
    }
}
