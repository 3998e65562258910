//! The well-mixed version of the authors' open question: if only a fraction
//! `f` of the injected tumor cells can restore p53, do the NK cells that the
//! senescent cells recruit also clear their p53-deficient neighbours?
//!
//! `cargo run --release --example p53_fraction` prints, for f = 0, 0.1, …, 1,
//! the p53-deficient tumor mass left at day 21 (doxycycline from day 0) and
//! writes `out/p53_fraction.csv` and `out/p53_fraction.png`.

use sasp::experiment::Experiment;
use sasp::intervene::{Arm, P53Restoration};
use sasp::model::{Compartment, TumorState};
use std::fmt::Write as _;
use std::path::Path;
use std::process::ExitCode;

fn run() -> sasp::Result<()> {
    let model = sasp::models::iannello2013()?;
    let fractions: Vec<f64> = (0..=10).map(|k| k as f64 / 10.0).collect();
    let arms = fractions
        .iter()
        .map(|&f| Arm::new(&format!("f = {f:.1}")).with(P53Restoration::at(0.0).restorable_fraction(f)));
    let experiment = Experiment::new(&model).arms(arms).until(21.0);
    let results = experiment.run()?;
    let manifest = sasp::output::Manifest::for_experiment(&experiment, &results)?;
    let mut points = Vec::new();
    let mut csv = String::from("restorable_fraction,p53_deficient_day0_mm3,p53_deficient_day21_mm3,tumor_day21_mm3\n");
    println!("{:>6} {:>22} {:>22} {:>16}", "f", "p53-deficient d0 mm3", "p53-deficient d21 mm3", "tumor d21 mm3");
    // The p53-deficient compartment, by kind (its name is the model's choice).
    let q =
        &model.spec().compartments[model.indices_where(|k| k == Compartment::Tumor(TumorState::P53Deficient))[0]].name;
    for (&f, r) in fractions.iter().zip(&results) {
        let (q0, q21) = (r.compartment_at(q, 0.0)?, r.compartment_at(q, 21.0)?);
        let v21 = r.value("tumor_volume_mm3", 21.0)?;
        println!("{f:>6.1} {q0:>22.2} {q21:>22.3} {v21:>16.2}");
        let _ = writeln!(csv, "{f},{q0},{q21},{v21}");
        points.push((f, q21));
    }
    sasp::output::write_with_manifest(Path::new("out/p53_fraction.csv"), csv.as_bytes(), &manifest)?;
    sasp::plot::line_chart(
        &points,
        "p53-deficient tumor left at day 21 (well-mixed model)",
        "fraction of tumor cells that can restore p53",
        "p53-deficient cells at day 21 (mm³)",
        "out/p53_fraction.png",
    )?;
    sasp::output::write_manifest(Path::new("out/p53_fraction.png"), &manifest)?;
    println!("wrote out/p53_fraction.csv and out/p53_fraction.png");
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("p53_fraction: {e}");
            ExitCode::FAILURE
        }
    }
}
