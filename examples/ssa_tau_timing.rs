//! Exact simulation against adaptive tau-leaping (`sasp::ssa`) on
//! Gillespie's decaying–dimerising network as in Cao, Gillespie & Petzold
//! (2006): S1 → ∅ (c1 = 1), 2 S1 → S2 (c2 = 0.002, propensity
//! c2·S1(S1 − 1)/2), S2 → 2 S1 (c3 = 0.5), S2 → S3 (c4 = 0.04), from
//! S1 = 10⁵ to t = 10. 100 trajectories each (one thread), then one JSON
//! line: seconds, steps per trajectory (jumps for the exact method; leaps
//! plus exact steps for tau-leaping), and the two-sample Kolmogorov–Smirnov
//! statistic between the two at t = 10 for each species with its critical
//! value at α = 0.001 (docs/ssa.md).
//!
//! ```sh
//! cargo run --release --example ssa_tau_timing
//! ```

use sasp::prelude::*;
use sasp::ssa::stats::ks_two_sample as ks;
use sasp::ssa::{Method, Options, Stochastic};

/// A process: its name, its rate expression and its changes.
type Process = (&'static str, &'static str, &'static [(&'static str, f64)]);

fn model() -> sasp::Result<Model> {
    let mut b = ModelBuilder::new("decaying-dimerising");
    for (s, x0) in [("S1", 1e5), ("S2", 0.0), ("S3", 0.0)] {
        b = b.compartment(s, Compartment::Other(Quantity::Index), "1", x0);
    }
    for (p, v) in [("c1", 1.0), ("c2", 0.002), ("c3", 0.5), ("c4", 0.04)] {
        b = b.declare(ParameterDecl::new(p, v, "1/day"));
    }
    let processes: [Process; 4] = [
        ("decay", "c1*S1", &[("S1", -1.0)]),
        ("dimerise", "c2*S1*(S1 - 1)/2", &[("S1", -2.0), ("S2", 1.0)]),
        ("split", "c3*S2", &[("S1", 2.0), ("S2", -1.0)]),
        ("convert", "c4*S2", &[("S2", -1.0), ("S3", 1.0)]),
    ];
    for (name, rate, changes) in processes {
        let mut decl = ProcessDecl::new(name, RateLaw::expression(rate));
        for &(s, nu) in changes {
            decl = decl.change(s, nu);
        }
        b = b.process(decl);
    }
    b.build()
}

fn main() -> sasp::Result<()> {
    let n = 100;
    let model = model()?;
    let s = Stochastic::new(&model)?;
    let mut seconds = Vec::new();
    let mut steps = Vec::new();
    let mut finals: Vec<Vec<Vec<f64>>> = Vec::new();
    for (method, seed) in [(Method::Direct, 1), (Method::TauLeaping, 2)] {
        let options = Options { method, seed, threads: Some(1), ..Options::default() };
        let mut x: Vec<Vec<f64>> = (0..3).map(|_| Vec::with_capacity(n)).collect();
        let mut total = 0;
        let start = std::time::Instant::now();
        for j in 0..n {
            let t = s.trajectory(&[10.0], j as u64, &options)?;
            total += t.jumps;
            for (i, v) in x.iter_mut().enumerate() {
                v.push(t.state(0)[i]);
            }
        }
        seconds.push(start.elapsed().as_secs_f64());
        steps.push(total as f64 / n as f64);
        finals.push(x);
    }
    let d: Vec<f64> = (0..3).map(|i| ks(&finals[0][i], &finals[1][i])).collect();
    let critical = (-(0.0005f64).ln() / 2.0).sqrt() * (2.0 / n as f64).sqrt();
    println!(
        "{}",
        serde_json::json!({
            "network": "decaying-dimerising, S1 = 1e5, t = 10",
            "trajectories": n,
            "exact_seconds": seconds[0],
            "tau_seconds": seconds[1],
            "speedup": seconds[0] / seconds[1],
            "exact_jumps_per_trajectory": steps[0],
            "tau_steps_per_trajectory": steps[1],
            "ks_S1_S2_S3": d,
            "ks_critical_alpha_0.001": critical,
        })
    );
    Ok(())
}
