//! How robust are the paper's findings to the model's uncertain
//! parameters? For each calibration target (docs/reproducing.md), the
//! fraction of parameter sets in which it holds, and all of them together,
//! with 95 % Wilson intervals, and the parameters whose rank correlation
//! with the target's value is largest.
//!
//! ```text
//! cargo run --release --example robustness [-- --runs 400]
//! ```
//!
//! Two distributions (`Model::parameter_distribution`, docs/model.md
//! "Uncertainty"): the seven fitted `[F]` parameters alone (log-uniform
//! ×/÷ 2), and every parameter that has a default range (fitted ×/÷ 2,
//! derived ×/÷ 1.5, verified ×/÷ 1.25, recalled and assumed ×/÷ 4; not the
//! numerical devices or the parameters whose value is 0). Each draw runs the
//! ten arms of the neutralization experiment to day 21. Printed, and
//! written to `out/robustness.csv`, with a bar chart per distribution of
//! P(holds) by target and its interval (`out/robustness_fitted.png`,
//! `out/robustness_all.png`).

#[path = "common/mod.rs"]
mod common;

use rayon::prelude::*;
use sasp::experiment::paper::{neutralization_arms, targets};
use sasp::experiment::Experiment;
use sasp::gsa::{rank_correlation, wilson_interval};
use sasp::model::{Distribution, Model, Provenance};
use sasp::plot::{Bar, Bars};
use sasp::util::rng::Rng;
use std::fmt::Write as _;
use std::process::ExitCode;

/// The targets' values and whether each holds, for one parameter set.
fn evaluate(model: &Model, values: &[(&str, f64)]) -> Option<Vec<(f64, bool)>> {
    let m = model.with_parameters(values).ok()?;
    let results = Experiment::new(&m).arms(neutralization_arms().ok()?).run().ok()?;
    Some(targets(&results).ok()?.iter().map(|t| (t.value, t.met)).collect())
}

fn run(runs: usize, reference: &common::Reference) -> sasp::Result<()> {
    let model = reference.model.clone();
    let nominal = targets(&Experiment::new(&model).arms(neutralization_arms()?).run()?)?;
    let fitted: Vec<(String, Distribution)> = sasp::sweep::tagged_parameters(&model, Provenance::Fitted)?;
    let all: Vec<(String, Distribution)> = model
        .spec()
        .parameters
        .iter()
        .filter_map(|p| model.parameter_distribution(&p.name).ok().map(|d| (p.name.clone(), d)))
        .collect();
    let mut csv =
        String::from("distribution,parameters,target,description,nominal_met,p_met,low,high,top_correlations\n");
    let mut figures = Vec::new();
    for (label, parameters, name) in [("fitted ×/÷ 2", &fitted, "fitted"), ("every default range", &all, "all")] {
        let mut bars = Vec::new();
        let start = std::time::Instant::now();
        let sets: Vec<Vec<f64>> = (0..runs)
            .map(|j| {
                let mut rng = Rng::new(17, j as u64);
                parameters.iter().map(|(_, d)| d.quantile(rng.uniform().max(f64::MIN_POSITIVE))).collect()
            })
            .collect();
        let outcomes: Vec<Option<Vec<(f64, bool)>>> = sets
            .par_iter()
            .map(|values| {
                let pairs: Vec<(&str, f64)> =
                    parameters.iter().map(|p| p.0.as_str()).zip(values.iter().copied()).collect();
                evaluate(&model, &pairs)
            })
            .collect();
        let done: Vec<(usize, &Vec<(f64, bool)>)> =
            outcomes.iter().enumerate().filter_map(|(j, o)| o.as_ref().map(|o| (j, o))).collect();
        let n = done.len();
        if n == 0 {
            return Err(sasp::SaspError::InvalidOptions(format!("every run failed ({label})")));
        }
        println!(
            "\n{label}: {} parameters, {runs} sets, {} failed, {:.1} s",
            parameters.len(),
            runs - n,
            start.elapsed().as_secs_f64()
        );
        println!("{:<4} {:<66} {:>22}  largest rank correlations", "id", "target", "P(holds) [95 %]");
        for (i, t) in nominal.iter().enumerate() {
            let k = done.iter().filter(|(_, o)| o[i].1).count();
            let (lo, hi) = wilson_interval(k, n);
            let value: Vec<f64> = done.iter().map(|(_, o)| o[i].0).collect();
            let mut rho: Vec<(f64, &str)> = (0..parameters.len())
                .map(|q| {
                    let x: Vec<f64> = done.iter().map(|(j, _)| sets[*j][q].ln()).collect();
                    (rank_correlation(&x, &value), parameters[q].0.as_str())
                })
                .collect();
            rho.sort_by(|a, b| b.0.abs().total_cmp(&a.0.abs()));
            let top: Vec<String> = rho.iter().take(3).map(|(r, p)| format!("{p} {r:+.2}")).collect();
            bars.push(Bar { label: t.id.to_string(), value: k as f64 / n as f64, interval: Some((lo, hi)) });
            println!(
                "{:<4} {:<66} {:>6.3} [{lo:.3}, {hi:.3}]  {}",
                t.id,
                t.description,
                k as f64 / n as f64,
                top.join(", ")
            );
            let _ = writeln!(
                csv,
                "{label},{},{},{},{},{},{lo},{hi},{}",
                parameters.len(),
                t.id,
                sasp::util::text::csv_field(&t.description),
                t.met,
                k as f64 / n as f64,
                sasp::util::text::csv_field(&top.join("; "))
            );
        }
        let k = done.iter().filter(|(_, o)| o.iter().all(|x| x.1)).count();
        let (lo, hi) = wilson_interval(k, n);
        println!("{:<4} {:<66} {:>6.3} [{lo:.3}, {hi:.3}]", "all", "every target at once", k as f64 / n as f64);
        let _ = writeln!(
            csv,
            "{label},{},all,every target at once,{},{},{lo},{hi},",
            parameters.len(),
            nominal.iter().all(|t| t.met),
            k as f64 / n as f64
        );
        bars.push(Bar { label: "all".into(), value: k as f64 / n as f64, interval: Some((lo, hi)) });
        let chart = Bars {
            title: format!(
                "Calibration targets that hold over {label} ({} parameters, {n} sets; 95 % intervals)",
                parameters.len()
            ),
            y_label: "P(target holds)".into(),
            bars,
            reference: None,
            decimals: 2,
        };
        figures.push((format!("out/{}_{name}.png", reference.file("robustness")), chart));
    }
    let experiment = Experiment::new(&model).arms(neutralization_arms()?);
    let results = experiment.run()?;
    common::write_csv(&reference.file("robustness"), &csv, &experiment, &results)?;
    for (path, chart) in figures {
        chart.draw_to(&path)?;
        println!("wrote {path}");
    }
    Ok(())
}

fn main() -> ExitCode {
    common::main_with_runs("robustness", 400, run)
}
