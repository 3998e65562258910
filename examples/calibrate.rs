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

#[path = "common/mod.rs"]
mod common;

use sasp::calibrate::{fit, reference_free_parameters, residuals, FreeParameter};
use sasp::experiment::paper::{neutralization_arms, targets};
use sasp::experiment::Experiment;
use std::process::ExitCode;

fn run(reference: &common::Reference) -> sasp::Result<()> {
    let base = &reference.model;
    let arms = neutralization_arms()?;
    let mut free = reference_free_parameters();
    if reference.saturating {
        for p in &mut free {
            if p.names == ["k_kill"] {
                *p = FreeParameter::new("d_kill", 5.8, 0.1, 100.0);
            }
        }
    }
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
    let results = Experiment::new(&model).arms(arms).run()?;
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
    Ok(())
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
