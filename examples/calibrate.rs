//! Fits the free parameters of the reference model to the calibration
//! targets (bounded Levenberg–Marquardt on log-ratio residuals; see
//! `sasp::calibrate`) and prints the fitted values and every target.
//!
//! `cargo run --release --example calibrate` — deterministic. The fitted
//! values are what `models/iannello2013.toml` ships, tagged [F].
//!
//! `cargo run --release --example calibrate -- --kill saturating` fits the
//! saturating-kill variant (`sasp::models::iannello2013_saturating_kill`):
//! the same parameters with `d_kill` in place of `k_kill`, from the values
//! its file ships (and `d_kill` from de Pillis's 5.8/day); its fitted values
//! are what `models/iannello2013_saturating_kill.toml` ships.
//!
//! `-- --profile` then profiles each fitted parameter
//! (`sasp::calibrate::profile_interval`): the range over which the others can
//! be refitted to meet every target (10 bisections per side, within the
//! fit's bounds), and writes `out/profile.csv` (`out/profile_saturating.csv`).

#[path = "common/mod.rs"]
mod common;

use rayon::prelude::*;
use sasp::calibrate::{
    fit, profile_interval, reference_free_parameters, residuals, saturating_kill_free_parameters, FreeParameter,
    ProfileInterval,
};
use sasp::experiment::paper::{neutralization_arms, targets};
use sasp::experiment::Experiment;
use sasp::intervene::Arm;
use sasp::model::Model;
use std::fmt::Write as _;
use std::process::ExitCode;

fn run(reference: &common::Reference) -> sasp::Result<()> {
    let base = &reference.model;
    let arms = neutralization_arms()?;
    let free = if reference.saturating { saturating_kill_free_parameters() } else { reference_free_parameters() };
    let start = std::time::Instant::now();
    let result = fit(base, &arms, &free, 60)?;
    println!(
        "{}: cost {:.3e} after {} iterations, {} experiments, {:.1} s",
        base.name(),
        result.cost,
        result.iterations,
        result.evaluations,
        start.elapsed().as_secs_f64()
    );
    let mut model = base.clone();
    for (p, &v) in free.iter().zip(&result.values) {
        for name in &p.names {
            println!("  {name:<10} {v:>12.6}   (start {}, shipped {})", p.start, base.parameter(name)?);
            model = model.with_parameter(name, v)?;
        }
    }
    let results = Experiment::new(&model).arms(arms.clone()).run()?;
    for t in targets(&results)? {
        println!(
            "  {:<3} {:<70} {:>8.3}  band {:<10} {}",
            t.id,
            t.description,
            t.value,
            t.band,
            if t.met { "met" } else { "NOT met" }
        );
    }
    println!("residual norm {:.3e}", residuals(&results)?.iter().map(|r| r * r).sum::<f64>().sqrt());
    if std::env::args().any(|a| a == "--profile") {
        profile(reference, &model, &arms, &free)?;
    }
    Ok(())
}

/// Prints and writes the profile interval of every free parameter of the fitted `model`.
fn profile(reference: &common::Reference, model: &Model, arms: &[Arm], free: &[FreeParameter]) -> sasp::Result<()> {
    let start = std::time::Instant::now();
    let intervals: Vec<ProfileInterval> = (0..free.len())
        .into_par_iter()
        .map(|j| profile_interval(model, arms, free, j, 60, 10))
        .collect::<sasp::Result<_>>()?;
    let fits: usize = intervals.iter().map(|p| p.fits).sum();
    println!(
        "every target met while one parameter moves, the others refitted ({fits} fits, {:.1} s):",
        start.elapsed().as_secs_f64()
    );
    let mut csv = String::from("parameter,fitted,low,high,low_at_bound,high_at_bound\n");
    for p in &intervals {
        let bound = |at: bool| if at { " (bound)" } else { "" };
        println!(
            "  {:<10} {:>10.4}   [{:.4}{}, {:.4}{}]   ×/÷ {:.2} / {:.2}",
            p.names.join("="),
            p.value,
            p.low,
            bound(p.low_at_bound),
            p.high,
            bound(p.high_at_bound),
            p.value / p.low,
            p.high / p.value
        );
        let _ = writeln!(
            csv,
            "{},{},{},{},{},{}",
            p.names.join("="),
            p.value,
            p.low,
            p.high,
            p.low_at_bound,
            p.high_at_bound
        );
    }
    let experiment = Experiment::new(model).arms(arms.iter().cloned());
    let results = experiment.run()?;
    common::write_csv(&reference.file("profile"), &csv, &experiment, &results)
}

fn main() -> ExitCode {
    let reference = match common::Reference::from_args() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("calibrate: {e}");
            return ExitCode::from(2);
        }
    };
    match run(&reference) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("calibrate: {e}");
            ExitCode::FAILURE
        }
    }
}
