//! Sobol' indices of the two standard test functions of global sensitivity
//! analysis at N = 2¹⁴ base samples, printed as one JSON line
//! (`sasp::gsa::benchmarks`):
//!
//! - Ishigami: `y = sin x₁ + a sin² x₂ + b x₃⁴ sin x₁`, `a = 7`, `b = 0.1`,
//!   `x_i` uniform on `[−π, π]`;
//! - Sobol' G: `y = ∏ (|4x_i − 2| + a_i) / (1 + a_i)`,
//!   `a = (0, 1, 4.5, 9, 99, 99, 99, 99)`, `x_i` uniform on `[0, 1]`.
//!
//! `cargo run --release --example gsa_benchmarks`; `docs/gsa.md` compares
//! the numbers with the analytic indices, and `tests/integration/gsa.rs` checks the
//! same computation against them.

fn main() -> sasp::Result<()> {
    println!("{}", sasp::gsa::benchmarks::benchmarks(1 << 14)?.to_json());
    Ok(())
}
