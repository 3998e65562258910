//! Sobol' indices of the two standard test functions of global sensitivity
//! analysis at N = 2¹⁴ base samples, printed as one JSON line:
//!
//! - Ishigami: `y = sin x₁ + a sin² x₂ + b x₃⁴ sin x₁`, `a = 7`, `b = 0.1`,
//!   `x_i` uniform on `[−π, π]`;
//! - Sobol' G: `y = ∏ (|4x_i − 2| + a_i) / (1 + a_i)`,
//!   `a = (0, 1, 4.5, 9, 99, 99, 99, 99)`, `x_i` uniform on `[0, 1]`.
//!
//! `cargo run --release --example gsa_benchmarks`; `docs/gsa.md` compares
//! the numbers with the analytic indices (`tests/gsa.rs` checks them).

use sasp::gsa::{never_fails, sobol_indices, Distribution, Parameter, SobolIndices, SobolOptions};
use std::f64::consts::PI;

fn parameters(count: usize, distribution: Distribution) -> Vec<Parameter> {
    (1..=count).map(|i| Parameter::new(format!("x{i}"), distribution)).collect()
}

fn indices_json(indices: &SobolIndices) -> serde_json::Value {
    serde_json::json!({ "S1": indices.first_order, "ST": indices.total })
}

fn main() -> sasp::Result<()> {
    let options = SobolOptions { base_samples: 1 << 14, bootstrap_resamples: 0, ..SobolOptions::default() };

    let (a, b) = (7.0, 0.1);
    let ishigami = never_fails(move |x: &[f64]| x[0].sin() + a * x[1].sin().powi(2) + b * x[2].powi(4) * x[0].sin());
    let ishigami = sobol_indices(&parameters(3, Distribution::Uniform { low: -PI, high: PI }), ishigami, &options)?;

    let g = [0.0, 1.0, 4.5, 9.0, 99.0, 99.0, 99.0, 99.0];
    let g_function =
        never_fails(move |x: &[f64]| x.iter().zip(&g).map(|(x, a)| ((4.0 * x - 2.0).abs() + a) / (1.0 + a)).product());
    let g_function =
        sobol_indices(&parameters(8, Distribution::Uniform { low: 0.0, high: 1.0 }), g_function, &options)?;

    // Written by hand so that the keys keep this order (serde_json's maps sort them).
    println!(r#"{{"ishigami": {}, "g_function": {}}}"#, indices_json(&ishigami), indices_json(&g_function));
    Ok(())
}
