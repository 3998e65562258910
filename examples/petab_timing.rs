//! The median wall time of a PEtab problem's log-likelihood at its nominal
//! values, as one JSON line per problem, for the comparison with AMICI
//! (`benches/external/petab_amici.py`, docs/petab.md):
//!
//! ```sh
//! cargo run --release --example petab_timing -- PROBLEM.yaml… [--repeat K]
//! ```
//!
//! `load_s` is reading the files once; `llh_s` is one evaluation (every
//! condition's model built from the SBML document with the parameter
//! values, simulated, and compared with the data), the median of K;
//! `gradient_s` is one evaluation of the likelihood and its gradient by
//! forward sensitivities (`Problem::gradient`), the median of K, and
//! `gradient` the gradient itself (on the parameters' scales).

use sasp::petab::Problem;
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut repeat = 20usize;
    let mut paths = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        if a == "--repeat" {
            repeat = args.next().ok_or("--repeat needs a number")?.parse()?;
        } else {
            paths.push(a);
        }
    }
    if paths.is_empty() || repeat == 0 {
        return Err("usage: petab_timing PROBLEM.yaml… [--repeat K ≥ 1]".into());
    }
    for path in paths {
        let start = Instant::now();
        let problem = Problem::from_file(&path)?;
        let load_s = start.elapsed().as_secs_f64();
        let mut times = Vec::with_capacity(repeat);
        let mut llh = f64::NAN;
        for _ in 0..repeat {
            let start = Instant::now();
            llh = problem.evaluate_nominal()?.llh;
            times.push(start.elapsed().as_secs_f64());
        }
        times.sort_by(f64::total_cmp);
        let values = problem.nominal_values()?;
        let mut gradient_times = Vec::with_capacity(repeat);
        let mut gradient = serde_json::Map::new();
        for _ in 0..repeat {
            let start = Instant::now();
            let g = problem.gradient(&values, &Problem::default_options())?;
            gradient_times.push(start.elapsed().as_secs_f64());
            gradient = g
                .parameters
                .iter()
                .zip(&g.gradient)
                .map(|(&i, &v)| (problem.parameters[i].id.clone(), serde_json::json!(v)))
                .collect();
        }
        gradient_times.sort_by(f64::total_cmp);
        let name = std::path::Path::new(&path).file_stem().map_or(path.clone(), |s| s.to_string_lossy().into_owned());
        println!(
            "{}",
            serde_json::json!({
                "problem": name,
                "llh": llh,
                "load_s": load_s,
                "llh_s": times[times.len() / 2],
                "gradient_s": gradient_times[gradient_times.len() / 2],
                "gradient": gradient,
            })
        );
    }
    Ok(())
}
