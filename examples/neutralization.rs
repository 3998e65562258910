//! The README's main command: `cargo run --release --example neutralization`.
//!
//! Runs the ten arms of the neutralization experiment (Iannello et al., J Exp
//! Med 2013) on the reference model, from tumor injection at day −14 through
//! doxycycline at day 0 to day 21, prints a table (volume at days 0/7/14/21,
//! NK per mm³ at day 5, days to 90 % regression) and each calibration target
//! with its band, and writes `out/neutralization.csv`,
//! `out/neutralization.json` and the figures (PNG and SVG): `clearance`
//! (tumor volume in three panels: p53 on vs off; anti-CCL2 vs anti-CCL3/4/5
//! vs control; NK cells and NKG2D), `ccl2` (free vs total CCL2 under
//! anti-CCL2), `nk_infiltration` (NK per mm³ over time) and `nk_day5`.
//! The clearance and NK figures carry each arm's 50 % and 90 % bands over
//! the uncertainty of the fitted `[F]` parameters (their model
//! distributions, log-uniform ×/÷ 2; [`BAND_RUNS`] parameter sets), also
//! written as `out/neutralization_bands.csv`.

use sasp::experiment::paper::{antibody_schedule, neutralization_arms, targets};
use sasp::experiment::Experiment;
use std::path::Path;
use std::process::ExitCode;

/// Parameter sets behind the uncertainty bands.
const BAND_RUNS: usize = 200;

fn run() -> sasp::Result<()> {
    let model = sasp::models::iannello2013()?;
    let start = std::time::Instant::now();
    let experiment = Experiment::new(&model).arms(neutralization_arms()?).until(21.0);
    let results = experiment.run()?;
    let elapsed = start.elapsed();
    println!(
        "{:<14} {:>9} {:>9} {:>9} {:>9} {:>12} {:>12}",
        "arm", "V day 0", "V day 7", "V day 14", "V day 21", "NK/mm3 d5", "days to 90%"
    );
    for r in &results {
        let v = |d| r.value("tumor_volume_mm3", d);
        println!(
            "{:<14} {:>9.1} {:>9.1} {:>9.1} {:>9.1} {:>12.0} {:>12}",
            r.name,
            v(0.0)?,
            v(7.0)?,
            v(14.0)?,
            v(21.0)?,
            r.value("nk_per_mm3", 5.0)?,
            r.clearance.days_to("days_to_90").map_or("—".to_string(), |d| format!("{d:.1}")),
        );
    }
    let targets = targets(&results)?;
    println!("\ncalibration targets (docs/reproducing.md):");
    for t in &targets {
        println!(
            "  {:<3} {:<70} {:>8.3}  band {:<10} {}",
            t.id,
            t.description,
            // A cleared tumor's solver-level residue (|v| < 5e-4) prints as 0, not "-0.000".
            if t.value.abs() < 5e-4 { 0.0 } else { t.value },
            t.band,
            if t.met { "met" } else { "NOT met" }
        );
    }
    let met = targets.iter().filter(|t| t.met).count();
    println!("{met} of {} targets met (shipped parameters, [F] values from examples/calibrate.rs)", targets.len());
    println!("10 arms solved in {:.1} ms", elapsed.as_secs_f64() * 1e3);
    let manifest = sasp::output::Manifest::for_experiment(&experiment, &results)?;
    // The figures: the same arms sampled finely (dense output) for smooth curves.
    let fine = experiment.clone().sample_every(sasp::plot::paper::SAMPLE_EVERY).run()?;
    let doses = antibody_schedule().times("doses", model.initial_time())?;
    // The bands: the fitted parameters drawn from their distributions.
    let start = std::time::Instant::now();
    let fine_experiment = experiment.clone().sample_every(sasp::plot::paper::SAMPLE_EVERY);
    let bands = sasp::plot::paper::fitted_bands(&fine_experiment, BAND_RUNS)?;
    let names: Vec<&str> = bands.parameters.iter().map(|p| p.0.as_str()).collect();
    println!(
        "bands: {} parameter sets of {} ({} failed) in {:.1} s",
        bands.runs,
        names.join(", "),
        bands.failed,
        start.elapsed().as_secs_f64()
    );
    let out = Path::new("out");
    sasp::plot::paper::write_experiment(out, &results, &fine, &targets, &doses, Some(&bands), &manifest)?;
    println!(
        "wrote out/neutralization.csv, .json, _bands.csv and the figures {} (each with a .manifest.json)",
        sasp::plot::paper::FILES.join(", ")
    );
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("neutralization: {e}");
            ExitCode::FAILURE
        }
    }
}
