//! The paper's outputs pinned to the last digit: the ten arms of Iannello et
//! al. 2013 (CSV, JSON with the calibration targets, clearance metrics), the
//! sweep CSV of a small cohort and the SBML of the anti-CCL2 arm, compared
//! byte for byte with files under `tests/data/golden/`.
//!
//! These files were generated once and must not change when the engine is
//! refactored. When a change of the outputs is intended (and reviewed),
//! regenerate them with
//!
//! ```text
//! SASP_UPDATE_GOLDEN=1 cargo test --release --test integration -- golden::
//! ```
//!
//! and commit the new files with the change that explains them.

use sasp::experiment::paper::{neutralization_arms, targets};
use sasp::experiment::Experiment;
use sasp::output::{experiment_csv, experiment_json, optional_number};
use std::fmt::Write as _;
use std::path::PathBuf;

fn golden(name: &str, actual: &str) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/golden").join(name);
    if std::env::var_os("SASP_UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (generate with SASP_UPDATE_GOLDEN=1)", path.display()));
    if expected != actual {
        let line = expected.lines().zip(actual.lines()).position(|(a, b)| a != b);
        let shown = line.map(|k| {
            format!(
                "line {}:\n  expected {}\n  actual   {}",
                k + 1,
                expected.lines().nth(k).unwrap(),
                actual.lines().nth(k).unwrap()
            )
        });
        panic!(
            "{} differs from the output ({} vs {} lines); first difference: {}",
            path.display(),
            expected.lines().count(),
            actual.lines().count(),
            shown.unwrap_or_else(|| "in the length".into())
        );
    }
}

#[test]
fn the_ten_arms_are_unchanged_to_the_last_digit() {
    let model = sasp::models::iannello2013().unwrap();
    let results = Experiment::new(&model).arms(neutralization_arms().unwrap()).run().unwrap();
    golden("neutralization.csv", &experiment_csv(&results));
    golden("neutralization.json", &experiment_json(&results, &targets(&results).unwrap()).unwrap());
    let mut clearance = String::from("arm,volume_at_reference,days_to_50,days_to_90,days_to_1mm3\n");
    for r in &results {
        let c = &r.clearance;
        let _ = writeln!(
            clearance,
            "{},{:?},{},{},{}",
            r.name,
            c.value_at_reference,
            optional_number(c.days_to("days_to_50")),
            optional_number(c.days_to("days_to_90")),
            optional_number(c.days_to("days_to_1mm3"))
        );
    }
    golden("clearance.csv", &clearance);
}

#[test]
fn a_small_cohort_sweep_is_unchanged_to_the_last_digit() {
    let model = sasp::models::iannello2013().unwrap();
    let text = "arm = \"control\"\ndesign = \"cohort\"\nruns = 6\nseed = 42\n[[parameter]]\nname = \"rho_N\"\nsigma = 0.3\n[[parameter]]\nname = \"k_kill\"\nsigma = 0.3\n{}";
    let outputs: String = [0, 14, 21]
        .iter()
        .map(|d| {
            format!("[[output]]\ncolumn = \"volume_day{d}_mm3\"\nobservable = \"tumor_volume_mm3\"\nday = {d}.0\n")
        })
        .collect();
    let text = text.replace("{}", &outputs);
    let design: sasp::sweep::Design = toml::from_str(&text).unwrap();
    let arm = neutralization_arms().unwrap().into_iter().find(|a| a.name == "anti-CCL2").unwrap();
    let control = neutralization_arms().unwrap().into_iter().find(|a| a.name == "control").unwrap();
    golden("cohort_control.csv", &sasp::sweep::run(&model, &control, &design, None).unwrap().csv);
    golden("cohort_anti_ccl2.csv", &sasp::sweep::run(&model, &arm, &design, None).unwrap().csv);
}

#[test]
fn the_sbml_of_the_anti_ccl2_arm_is_unchanged() {
    let model = sasp::models::iannello2013().unwrap();
    let arm = neutralization_arms().unwrap().into_iter().find(|a| a.name == "anti-CCL2").unwrap();
    golden(
        "anti_ccl2.sbml",
        &sasp::sbml::export_experiment(&sasp::experiment::Experiment::new(&model), Some(&arm)).unwrap(),
    );
}
