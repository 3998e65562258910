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
//! `gradient_s` and `adjoint_s` are one evaluation of the likelihood and
//! its gradient by forward and by adjoint sensitivities
//! (`Prepared::gradient_by`: each condition's model imported once, at the
//! first of the K, as a fit's evaluations share it), the median of K (or the error that refused
//! it; `--no-forward` skips the forward one, `--no-adjoint` the adjoint one), `gradient` the gradient
//! itself (on the parameters' scales, by forward sensitivities where they
//! ran), `adjoint_difference` the largest difference between the two
//! relative to the largest component, and `parameters` and `states` the
//! estimated parameters and the states of the model with sensitivities.
//! With `--fd`, `fd_s` is the gradient by central differences (two
//! likelihoods per estimated parameter, steps of 10⁻⁵ on its scale), the
//! median of K, and `fd_difference` its largest difference from the
//! gradient by sensitivities, relative to the largest component: the
//! baseline sensitivities are measured against.

#[path = "shared/gradient_timing.rs"]
mod gradient_timing;

use gradient_timing::time_gradient;
use sasp::petab::{Problem, Sensitivities};
use serde_json::{json, Map, Value};
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut repeat = 20usize;
    let mut forward = true;
    let mut adjoint = true;
    let mut fd = false;
    let mut paths = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        if a == "--repeat" {
            repeat = args.next().ok_or("--repeat needs a number")?.parse()?;
        } else if a == "--no-forward" {
            forward = false;
        } else if a == "--no-adjoint" {
            adjoint = false;
        } else if a == "--fd" {
            fd = true;
        } else {
            paths.push(a);
        }
    }
    if paths.is_empty() || repeat == 0 {
        return Err("usage: petab_timing PROBLEM.yaml… [--repeat K ≥ 1] [--no-forward] [--no-adjoint] [--fd]".into());
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
        let ids: Vec<String> = problem.parameters.iter().filter(|p| p.estimate).map(|p| p.id.clone()).collect();
        let by_id = |g: &[f64]| -> Map<String, Value> { ids.iter().cloned().zip(g.iter().map(|v| json!(v))).collect() };
        let outcome = |r: &sasp::Result<(f64, Vec<f64>)>| match r {
            Ok((t, _)) => json!(t),
            Err(e) => json!(e.to_string()),
        };
        let by_forward = if forward { Some(time_gradient(&problem, repeat, Sensitivities::Forward)) } else { None };
        let by_adjoint = if adjoint { Some(time_gradient(&problem, repeat, Sensitivities::Adjoint)) } else { None };
        let difference = match (&by_forward, &by_adjoint) {
            (Some(Ok((_, f))), Some(Ok((_, a)))) => {
                let scale = f.iter().fold(0.0_f64, |m, x| m.max(x.abs()));
                json!(f.iter().zip(a).map(|(x, y)| (x - y).abs()).fold(0.0, f64::max) / scale)
            }
            _ => Value::Null,
        };
        let gradient = match (&by_forward, &by_adjoint) {
            (Some(Ok((_, g))), _) | (_, Some(Ok((_, g)))) => by_id(g),
            _ => Map::new(),
        };
        let (fd_s, fd_difference) = match (fd, &by_forward, &by_adjoint) {
            (false, _, _) => (Value::Null, Value::Null),
            (true, Some(Ok((_, g))), _) | (true, _, Some(Ok((_, g)))) => {
                let (t, by_fd) = time_central_differences(&problem, repeat)?;
                let scale = g.iter().fold(0.0_f64, |m, x| m.max(x.abs()));
                let worst = g.iter().zip(&by_fd).map(|(x, y)| (x - y).abs()).fold(0.0, f64::max);
                (json!(t), json!(worst / scale))
            }
            (true, _, _) => (Value::Null, Value::Null),
        };
        let name = std::path::Path::new(&path).file_stem().map_or(path.clone(), |s| s.to_string_lossy().into_owned());
        println!(
            "{}",
            json!({
                "problem": name,
                "llh": llh,
                "parameters": ids.len(),
                "states": problem.sensitivity_states().map_or_else(|e| json!(e.to_string()), |n| json!(n)),
                "load_s": load_s,
                "llh_s": times[times.len() / 2],
                "gradient_s": by_forward.as_ref().map(outcome),
                "adjoint_s": by_adjoint.as_ref().map(outcome),
                "adjoint_difference": difference,
                "fd_s": fd_s,
                "fd_difference": fd_difference,
                "gradient": gradient,
            })
        );
    }
    Ok(())
}

/// The median wall time of `repeat` gradients of the log-likelihood by
/// central differences at the nominal values (each estimated parameter
/// stepped by ±10⁻⁵ on its own scale), and the last gradient.
fn time_central_differences(problem: &Problem, repeat: usize) -> sasp::Result<(f64, Vec<f64>)> {
    let values = problem.nominal_values()?;
    let options = Problem::default_options();
    let h = 1e-5;
    let mut times = Vec::with_capacity(repeat);
    let mut gradient = Vec::new();
    for _ in 0..repeat {
        let start = Instant::now();
        gradient.clear();
        for (i, p) in problem.parameters.iter().enumerate().filter(|(_, p)| p.estimate) {
            let at = |d: f64| {
                let mut v = values.clone();
                v[i] = p.scale.to_linear(p.scale.to_scale(values[i]) + d);
                problem.evaluate(&v, sasp::solve::Method::Rodas5p, &options).map(|e| e.llh)
            };
            gradient.push((at(h)? - at(-h)?) / (2.0 * h));
        }
        times.push(start.elapsed().as_secs_f64());
    }
    times.sort_by(f64::total_cmp);
    Ok((times[times.len() / 2], gradient))
}
