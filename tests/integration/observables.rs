//! Honest observables: per-volume ratios undefined below the detection
//! volume, solver overshoot below zero reported as zero, and the paper's
//! figures drawn from finely sampled runs.

use sasp::experiment::paper::{antibody_schedule, neutralization_arms};
use sasp::experiment::{ArmResult, Experiment, DETECTION_VOLUME_MM3};

fn paper_runs(sample_every: f64) -> Vec<ArmResult> {
    let model = sasp::models::iannello2013().unwrap();
    Experiment::new(&model).arms(neutralization_arms().unwrap()).sample_every(sample_every).run().unwrap()
}

#[test]
fn ratios_are_undefined_below_the_detection_volume_and_defined_above() {
    let results = paper_runs(1.0);
    let control = results.iter().find(|r| r.name == "control").unwrap();
    let mut undefined = 0;
    for k in 0..control.t.len() {
        let (v, nk, f) = (
            control.series("tumor_volume_mm3").unwrap()[k],
            control.series("nk_per_mm3").unwrap()[k],
            control.series("senescent_fraction").unwrap()[k],
        );
        if v < DETECTION_VOLUME_MM3 {
            assert!(nk.is_nan() && f.is_nan(), "day {}: {v} mm³ gives {nk} NK/mm³", control.t[k]);
            undefined += 1;
        } else {
            // Above it: finite, and never above the packing density of cells
            // (10⁶ per mm³) by more than the model's infiltrate can explain.
            assert!(nk.is_finite() && nk < 1e7, "day {}: {nk}", control.t[k]);
            assert!((0.0..=1.0).contains(&f), "day {}: senescent fraction {f}", control.t[k]);
        }
    }
    // The control tumor is cleared at day 11 of 21: days 11–21 are undefined.
    assert_eq!(undefined, 11);
    // The calibration target of NK infiltration at day 5 is unchanged.
    let day5 = control.value("nk_per_mm3", 5.0).unwrap();
    assert!((day5 - 38238.0).abs() < 1.0, "{day5}");
    // A detection volume of 0 keeps every ratio defined.
    let model = sasp::models::iannello2013().unwrap();
    let arms: Vec<_> = neutralization_arms().unwrap().into_iter().filter(|a| a.name == "control").collect();
    let all = Experiment::new(&model).arms(arms).detection_volume(0.0).run().unwrap();
    assert!(all[0].series("nk_per_mm3").unwrap().iter().all(|v| v.is_finite()));
    assert!(
        all[0].series("nk_per_mm3").unwrap().iter().any(|&v| v > 1e7),
        "the ratio of vanishing numbers the default hides"
    );
    let err = Experiment::new(&model).detection_volume(f64::NAN).arms(neutralization_arms().unwrap()).run();
    assert!(err.unwrap_err().to_string().contains("detection volume"));
}

#[test]
fn observables_of_non_negative_quantities_are_never_negative() {
    let results = paper_runs(0.25);
    let mut raw_negative = 0;
    for r in &results {
        let n = r.compartments.len();
        for k in 0..r.t.len() {
            assert!(
                r.series("tumor_volume_mm3").unwrap()[k] >= 0.0,
                "{} day {}: {}",
                r.name,
                r.t[k],
                r.series("tumor_volume_mm3").unwrap()[k]
            );
            assert!(
                r.series("nk_in_tumor").unwrap()[k] >= 0.0
                    && r.series("ccl2_free_nM").unwrap()[k] >= 0.0
                    && r.series("ccl2_total_nM").unwrap()[k] >= 0.0
            );
            // The raw states keep what the solver returned, within atol of zero.
            for &y in &r.states[k * n..(k + 1) * n] {
                assert!(y >= -1e-9, "{} day {}: state {y}", r.name, r.t[k]);
                raw_negative += usize::from(y < 0.0);
            }
        }
    }
    // The solver does overshoot zero after clearance (which is why the
    // observables clip): the test would be empty otherwise.
    assert!(raw_negative > 0);
}

#[test]
fn the_paper_figures_are_drawn_from_fine_samples() {
    let results = paper_runs(sasp::plot::paper::SAMPLE_EVERY);
    let model = sasp::models::iannello2013().unwrap();
    let doses = antibody_schedule().times("doses", model.initial_time()).unwrap();
    let dir = std::env::temp_dir().join(format!("sasp-figures-{}", std::process::id()));
    sasp::plot::paper::draw_all(&results, &doses, None, |name| dir.join(name)).unwrap();
    for name in sasp::plot::paper::FILES {
        let bytes = std::fs::read(dir.join(name)).unwrap();
        if name.ends_with(".png") {
            assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "{name}");
        } else {
            assert!(bytes.starts_with(b"<svg"), "{name}");
        }
    }
    let svg = std::fs::read_to_string(dir.join("clearance.svg")).unwrap();
    for text in ["Is p53 restoration needed?", "Which chemokine is needed?", "detection limit 0.1 mm³", "antibody dose"]
    {
        assert!(svg.contains(text), "clearance.svg lacks '{text}'");
    }
    let svg = std::fs::read_to_string(dir.join("ccl2.svg")).unwrap();
    assert!(svg.contains("total CCL2 (free + bound), anti-CCL2"));
    // 560 samples per arm over 35 days: smooth curves, not daily corners.
    assert_eq!(results[0].t.len(), 35 * 16 + 1);
    std::fs::remove_dir_all(dir).unwrap();
}

/// The reference model with its tumor compartments declared as plain cells.
fn model_without_tumor_kind() -> sasp::model::Model {
    let text = sasp::models::IANNELLO2013_TOML
        .replace("kind = \"tumor.proliferating\"", "kind = \"other.cells\"")
        .replace("kind = \"tumor.p53_deficient\"", "kind = \"other.cells\"")
        .replace("kind = \"tumor.senescent\"", "kind = \"other.cells\"");
    sasp::model::Model::from_toml_str(&text, "edited.toml").unwrap()
}

#[test]
fn a_model_lacking_what_the_default_observables_need_is_an_error_not_a_wrong_result() {
    let model = model_without_tumor_kind();
    let arm = sasp::intervene::Arm::new("untreated");
    let err = Experiment::new(&model).arms([arm]).run().unwrap_err().to_string();
    assert!(err.contains("tumor compartment") && err.contains("Experiment::observables"), "{err}");
}

#[test]
fn declared_observables_and_clearance_from_a_chosen_day() {
    use sasp::experiment::{ClearanceSpec, Level, Observable, UndefinedBelow};
    let model = model_without_tumor_kind();
    let arm = sasp::intervene::Arm::new("untreated");
    let results = Experiment::new(&model)
        .arms([arm])
        .observables([
            Observable::pool("cells", "10⁶ cells", &["P", "Q", "S"]),
            Observable::pool("nk", "10⁶ cells", &["Nr", "Na"]).hidden(),
            Observable::ratio("nk_density", "1/mm³", "nk", "cells")
                .scaled(1e6)
                .undefined_below(UndefinedBelow::Value(50.0)),
            Observable::total("ccl2", "nM", "C2"),
        ])
        .clearance(ClearanceSpec::of("cells").threshold("doubling", Level::Fraction(2.0)))
        .reference_day(-7.0)
        .run()
        .unwrap();
    let r = &results[0];
    let names: Vec<&str> = r.observables.iter().map(|o| o.name.as_str()).collect();
    assert_eq!(names, ["cells", "nk_density", "ccl2"]);
    assert!(r.series("tumor_volume_mm3").is_err(), "only declared observables are reported");
    let cells = r.series("cells").unwrap();
    let density = r.series("nk_density").unwrap();
    for k in 0..r.t.len() {
        assert_eq!(density[k].is_nan(), cells[k] < 50.0, "day {}", r.t[k]);
    }
    // Measured from day −7; a falling crossing of twice the reference
    // value (a growing tumor) never happens.
    assert_eq!(r.clearance.value_at_reference, r.at(cells, -7.0).unwrap());
    assert_eq!(r.clearance.days_to("doubling"), None);
    let csv = sasp::output::experiment_csv(&results);
    assert!(csv.starts_with("arm,day,cells,nk_density,ccl2\n"), "{csv}");
    let json = sasp::output::experiment_json(&results, &[]).unwrap();
    assert!(json.contains("\"value_at_reference\"") && json.contains("\"doubling\": null"), "{json}");
    // A clearance observable that is not declared, a ratio of an unknown
    // observable, a compartment the model lacks: errors that name them.
    let bare = || Experiment::new(&model).arms([sasp::intervene::Arm::new("untreated")]);
    let err = bare().observables([Observable::pool("cells", "", &["P"])]).run().unwrap_err().to_string();
    assert!(err.contains("tumor_volume_mm3"), "{err}");
    let err = bare().observables([Observable::pool("cells", "", &["P", "Tumour"])]).run().unwrap_err().to_string();
    assert!(err.contains("'Tumour'") && err.contains("'cells'"), "{err}");
    let err = bare().observables([Observable::ratio("r", "", "a", "b")]).run().unwrap_err().to_string();
    assert!(err.contains("'a'"), "{err}");
}
