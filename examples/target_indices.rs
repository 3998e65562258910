//! Which parameters decide each calibration target? Sobol' total and
//! first-order indices of whether each target holds (docs/reproducing.md;
//! 1 when its value lies in its band, else 0, so that the variance
//! apportioned is that of the probability `P(holds)` the `robustness`
//! example estimates, and a value that is undefined in some runs, a ratio
//! of a cleared tumor, counts as not holding) over
//! every parameter that has a default range (fitted ×/÷ 2, derived ×/÷ 1.5,
//! verified ×/÷ 1.25, recalled and assumed ×/÷ 4, log-uniform: the second
//! distribution of the `robustness` example), from one Saltelli design:
//! each run sets the parameters and runs the ten arms of the neutralization
//! experiment to day 21 once, and gives all thirteen targets.
//!
//! ```text
//! cargo run --release --example target_indices [-- --runs 512]
//! ```
//!
//! `--runs` is the base sample count `N` (a power of two from 8 to 65,536;
//! default 512): `N (d + 2)` runs. Prints, per target, the parameters with
//! the largest total indices (with their 95 % bootstrap intervals) and the
//! convergence check, writes every index to `out/target_indices.csv`, and
//! draws the total indices of the (at most twelve) parameters that reach
//! 0.05 for some target as a heatmap (`out/target_indices.png`).

#[path = "common/mod.rs"]
mod common;

use sasp::experiment::paper::{neutralization_arms, targets};
use sasp::experiment::Experiment;
use sasp::gsa::{sobol_indices_of_outputs, Parameter, SobolOptions};
use std::fmt::Write as _;
use std::process::ExitCode;

fn run(samples: usize, reference: &common::Reference) -> sasp::Result<()> {
    let model = reference.model.clone();
    let experiment = Experiment::new(&model).arms(neutralization_arms()?);
    let results = experiment.run()?;
    let nominal = targets(&results)?;
    let parameters: Vec<Parameter> = model
        .spec()
        .parameters
        .iter()
        .filter_map(|p| model.parameter_distribution(&p.name).ok().map(|d| Parameter::new(p.name.clone(), d)))
        .collect();
    let start = std::time::Instant::now();
    // Every arm is prepared from the parameters (an arm that sets one of
    // them, as NKG2D-null sets g_NKG2D, applies its own value after).
    let targets_at = |values: &[f64], out: &mut [f64]| -> sasp::Result<()> {
        let pairs: Vec<(&str, f64)> = parameters.iter().map(|p| p.name.as_str()).zip(values.iter().copied()).collect();
        let m = model.with_parameters(&pairs)?;
        let all = targets(&Experiment::new(&m).arms(neutralization_arms()?).run()?)?;
        for (o, t) in out.iter_mut().zip(&all) {
            *o = f64::from(u8::from(t.met));
        }
        Ok(())
    };
    let options = SobolOptions { base_samples: samples, seed: 5, ..SobolOptions::default() };
    let indices = sobol_indices_of_outputs(&parameters, nominal.len(), targets_at, &options)?;
    println!(
        "{} parameters, N = {samples}: {} runs of the ten arms in {:.1} s",
        parameters.len(),
        samples * (parameters.len() + 2),
        start.elapsed().as_secs_f64()
    );
    let mut csv =
        String::from("target,description,parameter,first_order,first_low,first_high,total,total_low,total_high\n");
    // (target id, total indices) of the targets with variance.
    let mut rows: Vec<(String, Vec<f64>)> = Vec::new();
    println!("{:<4} {:<66} largest total indices [95 %]  (largest change N/2 → N)", "id", "target");
    for (t, result) in nominal.iter().zip(&indices) {
        let s = match result {
            Ok(s) => s,
            Err(_) => {
                println!(
                    "{:<4} {:<66} the same in every run (always or never met): no variance to apportion",
                    t.id, t.description
                );
                continue;
            }
        };
        let mut order: Vec<usize> = (0..parameters.len()).collect();
        order.sort_by(|&a, &b| s.total[b].total_cmp(&s.total[a]));
        let top: Vec<String> = order
            .iter()
            .take(3)
            .map(|&k| {
                let i = &s.total_intervals[k];
                format!("{} {:.2} [{:.2}, {:.2}]", s.names[k], s.total[k], i.low, i.high)
            })
            .collect();
        println!("{:<4} {:<66} {}  ({:.3})", t.id, t.description, top.join(", "), s.convergence.changes[1]);
        rows.push((t.id.to_string(), s.total.clone()));
        for &k in &order {
            let (f, tt) = (&s.first_order_intervals[k], &s.total_intervals[k]);
            let _ = writeln!(
                csv,
                "{},{},{},{},{},{},{},{},{}",
                t.id,
                sasp::util::text::csv_field(&t.description),
                s.names[k],
                s.first_order[k],
                f.low,
                f.high,
                s.total[k],
                tt.low,
                tt.high
            );
        }
    }
    let name = reference.file("target_indices");
    common::write_csv(&name, &csv, &experiment, &results)?;
    // The parameters whose largest total index reaches 0.05, at most the
    // twelve largest, in decreasing order of it.
    let largest = |k: usize| rows.iter().map(|(_, total)| total[k]).fold(f64::NEG_INFINITY, f64::max);
    let mut shown: Vec<usize> = (0..parameters.len()).filter(|&k| largest(k) >= 0.05).collect();
    shown.sort_by(|&a, &b| largest(b).total_cmp(&largest(a)));
    shown.truncate(12);
    if !rows.is_empty() && !shown.is_empty() {
        let values = sasp::ndarray::Array2::from_shape_fn((rows.len(), shown.len()), |(i, j)| rows[i].1[shown[j]]);
        let path = format!("out/{name}.png");
        sasp::plot::heatmap(
            values.view(),
            &shown.iter().map(|&k| parameters[k].name.clone()).collect::<Vec<_>>(),
            &rows.iter().map(|(id, _)| format!("target {id}")).collect::<Vec<_>>(),
            ("parameter (the twelve largest total indices ≥ 0.05 for some target)", "calibration target"),
            "total Sobol' index S_T",
            &format!("Which parameters decide whether each target holds (N = {samples})"),
            &path,
        )?;
        println!("wrote {path}");
    }
    Ok(())
}

fn main() -> ExitCode {
    common::main_with_runs("target_indices", 512, run)
}
