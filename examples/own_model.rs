//! A model of one's own: `cargo run --release --example own_model`.
//!
//! Not the paper's model: `models/cxcl10_tcells.toml` is an illustrative
//! CXCL10-driven T-cell recruitment model (tumor cells grow logistically; a
//! treatment switched on at day 7 makes them secrete CXCL10, which recruits
//! effector T cells that kill them). The experiment declares its own
//! observables (tumor volume, T cells per mm³, free and total CXCL10, kills
//! per day) and its own clearance metric, measured from the first day of
//! treatment; four arms: the treatment, and the treatment with an antibody
//! that neutralizes CXCL10, one that blocks its receptor CXCR3 (the
//! processes with role `receptor.CXCR3`), or one that depletes the T cells
//! (anti-CD8). The model declares no antibody parameters: the typical values
//! of `Pharmacokinetics` are used. Prints a table and writes
//! `out/own_model/own_model.csv`, `out/own_model/own_model.json` and a figure
//! per observable (`out/own_model/<observable>.png`). Nothing on the way is
//! specific to the paper's model.

use sasp::experiment::{ArmResult, ClearanceSpec, Experiment, Level, Observable, UndefinedBelow};
use sasp::intervene::{Antibody, AntibodyTarget, Arm, DoseSchedule, Species, Switch};
use sasp::model::{Chemokine, Model, Name};
use std::path::Path;
use std::process::ExitCode;

/// The model file's text.
pub const MODEL_TOML: &str = include_str!("../models/cxcl10_tcells.toml");
/// The day the treatment starts: clearance is measured from it.
pub const TREATMENT_DAY: f64 = 7.0;
/// The last day of the run.
pub const UNTIL: f64 = 42.0;

/// The model.
pub fn model() -> sasp::Result<Model> {
    Model::from_toml_str(MODEL_TOML, "models/cxcl10_tcells.toml")
}

/// What the experiment reports.
pub fn observables() -> Vec<Observable> {
    vec![
        Observable::pool("tumor_volume_mm3", "mm³", &["C"]),
        Observable::pool("t_cells", "10⁶ cells", &["E"]).hidden(),
        // 10⁶ T cells per 10⁶ tumor cells (≈ 1 mm³) → cells per mm³;
        // undefined while the tumor is below 1 mm³ (too small to measure).
        Observable::ratio("t_cells_per_mm3", "cells/mm³", "t_cells", "tumor_volume_mm3")
            .scaled(1e6)
            .offset("C_eps")
            .undefined_below(UndefinedBelow::Value(1.0)),
        Observable::free("cxcl10_free_nM", "nM", "X"),
        Observable::total("cxcl10_total_nM", "nM", "X"),
        Observable::rates("kills_per_day", "10⁶ cells/day", &["T-cell killing"]),
    ]
}

/// Clearance of the tumor from the first day of treatment.
pub fn clearance() -> ClearanceSpec {
    ClearanceSpec::of("tumor_volume_mm3")
        .reference_label("volume_at_treatment")
        .threshold("days_to_half", Level::Fraction(0.5))
        .threshold("days_to_tenth", Level::Fraction(0.1))
        .threshold("days_to_1mm3", Level::Below(1.0))
}

/// The arms: treatment from day 7; the same with anti-CXCL10, anti-CXCR3
/// or anti-CD8 (each 100 nM into the depot every 3 days from day 6).
pub fn arms() -> sasp::Result<Vec<Arm>> {
    let treatment = Switch::new(TREATMENT_DAY, "treatment", 1.0);
    let doses = DoseSchedule::repeated(100.0, TREATMENT_DAY - 1.0, 3.0, UNTIL);
    let with = |name: &str, antibody: Antibody| Arm::new(name).with(treatment.clone()).with(antibody);
    let t_cells = AntibodyTarget::Depletes(Species::Named("E".into()));
    Ok(vec![
        Arm::new("treatment").with(treatment.clone()),
        with("treatment + anti-CXCL10", Antibody::neutralizing(Chemokine::named("CXCL10")?, doses.clone())),
        with("treatment + anti-CXCR3", Antibody::blocking(Name::new("CXCR3")?, doses.clone())),
        with("treatment + anti-CD8", Antibody::new("anti_CD8", t_cells, doses)),
    ])
}

/// The experiment on `model`.
pub fn experiment(model: &Model) -> sasp::Result<Experiment<'_>> {
    Ok(Experiment::new(model)
        .arms(arms()?)
        .until(UNTIL)
        .sample_every(1.0)
        .reference_day(TREATMENT_DAY)
        .observables(observables())
        .clearance(clearance()))
}

/// Runs the experiment and writes CSV, JSON and a figure per observable
/// (`<observable>.png`) under `dir`.
pub fn run_into(dir: &Path) -> sasp::Result<Vec<ArmResult>> {
    let model = model()?;
    let results = experiment(&model)?.run()?;
    std::fs::create_dir_all(dir).map_err(|source| sasp::FileError::Io { path: dir.to_path_buf(), source })?;
    sasp::output::write_atomic(&dir.join("own_model.csv"), sasp::output::experiment_csv(&results).as_bytes())?;
    sasp::output::write_atomic(&dir.join("own_model.json"), sasp::output::experiment_json(&results, &[])?.as_bytes())?;
    sasp::plot::observables::write(&results, TREATMENT_DAY, dir, "png")?;
    Ok(results)
}

fn run() -> sasp::Result<()> {
    let dir = Path::new("out/own_model");
    let results = run_into(dir)?;
    println!(
        "{:<26} {:>9} {:>9} {:>9} {:>12} {:>10} {:>12}",
        "arm", "V day 7", "V day 14", "V day 28", "T/mm3 d14", "CXCL10 d14", "days to 1mm3"
    );
    for r in &results {
        let at = |name: &str, day: f64| -> sasp::Result<f64> { r.at(r.series(name)?, day) };
        println!(
            "{:<26} {:>9.1} {:>9.1} {:>9.1} {:>12.0} {:>10.3} {:>12}",
            r.name,
            at("tumor_volume_mm3", 7.0)?,
            at("tumor_volume_mm3", 14.0)?,
            at("tumor_volume_mm3", 28.0)?,
            at("t_cells_per_mm3", 14.0)?,
            at("cxcl10_free_nM", 14.0)?,
            r.clearance.days_to("days_to_1mm3").map_or("—".to_string(), |d| format!("{d:.1}")),
        );
    }
    println!(
        "wrote {0}/own_model.csv, {0}/own_model.json and a figure per observable ({0}/<observable>.png)",
        dir.display()
    );
    Ok(())
}

#[allow(dead_code)] // also compiled into the integration tests (tests/integration/main.rs), which have their own main
fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("own_model: {e}");
            ExitCode::FAILURE
        }
    }
}
