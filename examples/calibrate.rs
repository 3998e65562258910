//! Fits the free parameters of the reference model to the calibration
//! targets (bounded Levenberg–Marquardt on log-ratio residuals; see
//! `sasp::calibrate`) and prints the fitted values and every target.
//!
//! `cargo run --release --example calibrate` — deterministic. The fitted
//! values are what `models/iannello2013.toml` ships, tagged [F].

use sasp::calibrate::{fit, reference_free_parameters, residuals};
use sasp::experiment::paper::{neutralization_arms, targets};
use sasp::experiment::Experiment;
use std::process::ExitCode;

fn run() -> sasp::Result<()> {
    let base = sasp::models::iannello2013()?;
    let arms = neutralization_arms()?;
    let free = reference_free_parameters();
    let start = std::time::Instant::now();
    let result = fit(&base, &arms, &free, 60)?;
    println!(
        "fit: cost {:.3e} after {} iterations, {} experiments, {:.1} s",
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
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("calibrate: {e}");
            ExitCode::FAILURE
        }
    }
}
