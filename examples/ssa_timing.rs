//! Time per jump of the exact stochastic methods (`sasp::ssa`) on
//! first-order chains `X₀ → X₁ → … → X_M` (1000 molecules from `X₀`,
//! 20 trajectories, one thread): one JSON line per chain length, for the
//! threshold at which `Method::Auto` switches to the next-reaction method
//! (docs/ssa.md).
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

fn main() -> sasp::Result<()> {
    for m in [2usize, 8, 24, 64, 256] {
        let model = chain(m)?;
        let s = Stochastic::new(&model)?;
        let mut ns_per_jump = Vec::new();
        for method in [Method::Direct, Method::NextReaction] {
            let options = Options { method, seed: 9, threads: Some(1), ..Options::default() };
            let start = std::time::Instant::now();
            let mut jumps = 0;
            for j in 0..20 {
                jumps += s.trajectory(&[m as f64], j, &options)?.jumps;
            }
            ns_per_jump.push(start.elapsed().as_secs_f64() * 1e9 / jumps as f64);
        }
        println!(
            "{}",
            serde_json::json!({ "processes": m, "direct_ns_per_jump": ns_per_jump[0], "next_reaction_ns_per_jump": ns_per_jump[1] })
        );
    }
    Ok(())
}
