//! The Vilar oscillator (Vilar, Kueh, Barkai & Leibler, PNAS 2002,
//! "Mechanisms of noise-resistance in genetic oscillators") as rebop's
//! benchmark defines it (`benches/vilar/` of rebop: 9 species, 16
//! mass-action reactions, `Da = Dr = 1` at t = 0, the rest 0), simulated
//! with `sasp::ssa` from t = 0 to 200 and recorded at t = 0, 1, …, 200 (201
//! output times, rebop's `nb_steps = 200`). Prints one JSON line: wall
//! times of the ensemble on one thread and on rayon's pool (median and
//! fastest of `--repeat` runs), total jumps, ns per jump (one thread), and
//! the mean and standard deviation of `A`, `R` and `C` at t = 25, 50, …, 200
//! for the comparison with rebop (`benches/external/rebop_vilar.py`).
//!
//! ```sh
//! cargo run --release --example ssa_vilar -- [--trajectories 100] [--method direct|next-reaction]
//!     [--seed 1] [--repeat 5]
//! ```

use sasp::prelude::*;
use sasp::ssa::{Method, Options, Stochastic};
use std::time::Instant;

/// The rate constants of rebop's Vilar benchmark (per unit time; the
/// second-order ones per molecule, no volume).
const PARAMETERS: [(&str, f64); 15] = [
    ("alphaA", 50.0),
    ("alphapA", 500.0),
    ("alphaR", 0.01),
    ("alphapR", 50.0),
    ("betaA", 50.0),
    ("betaR", 5.0),
    ("deltaMA", 10.0),
    ("deltaMR", 0.5),
    ("deltaA", 1.0),
    ("deltaR", 0.2),
    ("gammaA", 1.0),
    ("gammaR", 1.0),
    ("gammaC", 2.0),
    ("thetaA", 50.0),
    ("thetaR", 100.0),
];

/// The reactions in rebop's order: name, rate constant, reactants, products.
const REACTIONS: [(&str, &str, &[&str], &[&str]); 16] = [
    ("activation_a", "gammaA", &["Da", "A"], &["Dpa"]),
    ("activation_r", "gammaR", &["Dr", "A"], &["Dpr"]),
    ("deactivation_a", "thetaA", &["Dpa"], &["Da", "A"]),
    ("deactivation_r", "thetaR", &["Dpr"], &["Dr", "A"]),
    ("transcription_a", "alphaA", &["Da"], &["Da", "Ma"]),
    ("transcription_r", "alphaR", &["Dr"], &["Dr", "Mr"]),
    ("transcription_p_a", "alphapA", &["Dpa"], &["Dpa", "Ma"]),
    ("transcription_p_r", "alphapR", &["Dpr"], &["Dpr", "Mr"]),
    ("translation_a", "betaA", &["Ma"], &["Ma", "A"]),
    ("translation_r", "betaR", &["Mr"], &["Mr", "R"]),
    ("complexation", "gammaC", &["A", "R"], &["C"]),
    ("decomplexation", "deltaA", &["C"], &["R"]),
    ("decay_mrna_a", "deltaMA", &["Ma"], &[]),
    ("decay_mrna_r", "deltaMR", &["Mr"], &[]),
    ("decay_prot_a", "deltaA", &["A"], &[]),
    ("decay_prot_r", "deltaR", &["R"], &[]),
];

/// The species in rebop's order and their initial counts.
const SPECIES: [(&str, f64); 9] = [
    ("Da", 1.0),
    ("Dr", 1.0),
    ("Dpa", 0.0),
    ("Dpr", 0.0),
    ("Ma", 0.0),
    ("Mr", 0.0),
    ("A", 0.0),
    ("R", 0.0),
    ("C", 0.0),
];

/// The network: dimensionless compartments (counts), mass-action factor laws.
fn vilar() -> sasp::Result<Model> {
    let mut b = ModelBuilder::new("vilar");
    for (name, x0) in SPECIES {
        b = b.compartment(name, Compartment::Other(Quantity::Index), "1", x0);
    }
    for (name, value) in PARAMETERS {
        b = b.declare(ParameterDecl::new(name, value, "1/day"));
    }
    for (name, k, reactants, products) in REACTIONS {
        // Net changes (`ProcessDecl::change` sets, it does not add):
        // `Da → Da + Ma` changes `Ma` only.
        let mut net: Vec<(&str, f64)> = Vec::new();
        for (species, nu) in reactants.iter().map(|&r| (r, -1.0)).chain(products.iter().map(|&p| (p, 1.0))) {
            match net.iter_mut().find(|(s, _)| *s == species) {
                Some((_, total)) => *total += nu,
                None => net.push((species, nu)),
            }
        }
        let mut decl = ProcessDecl::new(name, RateLaw::mass_action(k, reactants.iter().copied()));
        for (species, nu) in net.into_iter().filter(|&(_, nu)| nu != 0.0) {
            decl = decl.change(species, nu);
        }
        b = b.process(decl);
    }
    b.build()
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        0.5 * (v[n / 2 - 1] + v[n / 2])
    }
}

fn main() -> sasp::Result<()> {
    let (mut n, mut method, mut seed, mut repeat) = (100usize, Method::Direct, 1u64, 5usize);
    let args: Vec<String> = std::env::args().skip(1).collect();
    for pair in args.chunks(2) {
        let value = pair.get(1).map(String::as_str).unwrap_or("");
        let bad = || SaspError::InvalidOptions(format!("{} {value}", pair[0]));
        match pair[0].as_str() {
            "--trajectories" => n = value.parse().map_err(|_| bad())?,
            "--seed" => seed = value.parse().map_err(|_| bad())?,
            "--repeat" => repeat = value.parse::<usize>().map_err(|_| bad())?.max(1),
            "--method" => {
                method = match value {
                    "direct" => Method::Direct,
                    "next-reaction" => Method::NextReaction,
                    "auto" => Method::Auto,
                    _ => return Err(bad()),
                }
            }
            _ => return Err(bad()),
        }
    }
    let model = vilar()?;
    let s = Stochastic::new(&model)?;
    let t_end = 200.0;
    let outputs: Vec<f64> = (0..=200).map(f64::from).collect();
    let one = Options { method, seed, threads: Some(1), ..Options::default() };
    let pool = Options { threads: None, ..one.clone() };
    let (mut wall_one, mut wall_pool) = (Vec::new(), Vec::new());
    let mut runs = None;
    for _ in 0..repeat {
        let start = Instant::now();
        runs = Some(s.ensemble(&outputs, n, &one)?);
        wall_one.push(start.elapsed().as_secs_f64() * 1e3);
        let start = Instant::now();
        let pooled = s.ensemble(&outputs, n, &pool)?;
        wall_pool.push(start.elapsed().as_secs_f64() * 1e3);
        assert_eq!(runs.as_ref(), Some(&pooled), "results depend on the thread count");
    }
    let runs = runs.expect("at least one repeat");
    // The same trajectories one by one (streams (seed, j)), for their jumps.
    let mut jumps = 0u64;
    for j in 0..n {
        jumps += s.trajectory(&[t_end], j as u64, &one)?.jumps;
    }
    let probe: Vec<usize> = (1..=8).map(|q| 25 * q).collect();
    let stats = |name: &str| -> sasp::Result<serde_json::Value> {
        let v = runs.variable(name).ok_or_else(|| SaspError::InvalidOptions(name.into()))?;
        let mean: Vec<f64> = probe.iter().map(|&k| runs.mean(k, v)).collect();
        let sd: Vec<f64> = probe.iter().map(|&k| runs.sd(k, v)).collect();
        Ok(serde_json::json!({ "mean": mean, "sd": sd }))
    };
    let ms_one = median(wall_one.clone());
    println!(
        "{}",
        serde_json::json!({
            "model": "vilar",
            "trajectories": n,
            "t_end": t_end,
            "outputs": outputs.len(),
            "method": format!("{:?}", method.resolve(model.process_count())),
            "seed": seed,
            "repeat": repeat,
            "ms_one_thread": ms_one,
            "ms_one_thread_min": wall_one.iter().copied().fold(f64::INFINITY, f64::min),
            "ms_pool": median(wall_pool.clone()),
            "ms_pool_min": wall_pool.iter().copied().fold(f64::INFINITY, f64::min),
            "pool_threads": rayon::current_num_threads(),
            "jumps": jumps,
            "ns_per_jump": ms_one * 1e6 / jumps as f64,
            "mean_A_t200": runs.mean(200, runs.variable("A").unwrap_or(0)),
            "probe_times": probe,
            "A": stats("A")?,
            "R": stats("R")?,
            "C": stats("C")?,
        })
    );
    Ok(())
}
