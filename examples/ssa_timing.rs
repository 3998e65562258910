//! Time per jump of the exact stochastic methods (`sasp::ssa`): direct,
//! next-reaction and composition–rejection, one thread, the fastest of
//! three repetitions. One JSON line per network:
//!
//! - first-order chains `X₀ → X₁ → … → X_M` (rate `k·X_i`, `k = 1`, 1000
//!   molecules from `X₀`, 20 trajectories to `t = min(M, 64)`), from 2 to
//!   4096 processes;
//! - "wide" networks of `n` independent birth–death pairs
//!   `∅ → X_i` at `b_i`, `X_i → ∅` at `d·X_i` (`d = 1`) (`2n` processes), with
//!   `b_i = 10^{−6 + 12 i/(n−1)}` so that the propensities span 12 orders
//!   of magnitude (about 40 groups of composition–rejection), started at
//!   `X_i = round(b_i)`, 5 trajectories of about 2·10⁵ jumps each.
//!
//! The thresholds of `Method::Auto` come from these figures (docs/ssa.md).
//!
//! ```sh
//! cargo run --release --example ssa_timing
//! ```

use sasp::prelude::*;
use sasp::ssa::{Method, Options, Stochastic};

/// The chain of `m` first-order steps, rate `k = 1` each.
fn chain(m: usize) -> sasp::Result<Model> {
    let mut b = ModelBuilder::new("chain");
    for i in 0..=m {
        b = b.compartment(
            &format!("X{i}"),
            Compartment::Other(Quantity::Index),
            "1",
            if i == 0 { 1000.0 } else { 0.0 },
        );
    }
    b = b.declare(ParameterDecl::new("k", 1.0, "1/day"));
    for i in 0..m {
        let decl = ProcessDecl::new(&format!("step{i}"), RateLaw::expression(format!("k*X{i}")))
            .change(&format!("X{i}"), -1.0)
            .change(&format!("X{}", i + 1), 1.0);
        b = b.process(decl);
    }
    b.build()
}

/// `n` birth–death pairs with birth rates `10^{−6}` to `10^{6}`; returns
/// the model and its initial total propensity `a₀`.
fn wide(n: usize) -> sasp::Result<(Model, f64)> {
    let mut b = ModelBuilder::new("wide").declare(ParameterDecl::new("d", 1.0, "1/day"));
    let mut total = 0.0;
    for i in 0..n {
        let rate = 10f64.powf(-6.0 + 12.0 * i as f64 / (n - 1) as f64);
        total += rate + rate.round();
        b = b
            .compartment(&format!("X{i}"), Compartment::Other(Quantity::Index), "1", rate.round())
            .declare(ParameterDecl::new(&format!("b{i}"), rate, "1/day"))
            .process(
                ProcessDecl::new(&format!("birth{i}"), RateLaw::expression(format!("b{i}")))
                    .change(&format!("X{i}"), 1.0),
            )
            .process(
                ProcessDecl::new(&format!("death{i}"), RateLaw::expression(format!("d*X{i}")))
                    .change(&format!("X{i}"), -1.0),
            );
    }
    Ok((b.build()?, total))
}

/// Nanoseconds per jump of each method: the fastest of three repetitions
/// of `trajectories` trajectories to `t_end`.
fn time(model: &Model, t_end: f64, trajectories: u64) -> sasp::Result<Vec<f64>> {
    let s = Stochastic::new(model)?;
    let mut best = Vec::new();
    for method in [Method::Direct, Method::NextReaction, Method::CompositionRejection] {
        let options = Options { method, seed: 9, threads: Some(1), ..Options::default() };
        let mut fastest = f64::INFINITY;
        for _ in 0..3 {
            let start = std::time::Instant::now();
            let mut jumps = 0;
            for j in 0..trajectories {
                jumps += s.trajectory(&[t_end], j, &options)?.jumps;
            }
            fastest = fastest.min(start.elapsed().as_secs_f64() * 1e9 / jumps as f64);
        }
        best.push(fastest);
    }
    Ok(best)
}

fn line(network: &str, processes: usize, ns: &[f64]) {
    let round = |x: f64| (x * 10.0).round() / 10.0;
    println!(
        "{}",
        serde_json::json!({
            "network": network,
            "processes": processes,
            "direct_ns_per_jump": round(ns[0]),
            "next_reaction_ns_per_jump": round(ns[1]),
            "composition_rejection_ns_per_jump": round(ns[2]),
        })
    );
}

fn main() -> sasp::Result<()> {
    let only: Option<String> = std::env::args().nth(1);
    if only.as_deref() != Some("wide") {
        for m in [2usize, 8, 24, 48, 64, 128, 256, 512, 1024, 4096] {
            let ns = time(&chain(m)?, (m as f64).min(64.0), 20)?;
            line("chain", m, &ns);
        }
    }
    if only.as_deref() != Some("chain") {
        for n in [4usize, 12, 32, 128, 256, 512, 2048] {
            let (model, total) = wide(n)?;
            let ns = time(&model, 2.0e5 / total, 5)?;
            line("wide", 2 * n, &ns);
        }
    }
    Ok(())
}
