//! Calibration: the shipped parameters meet every target (docs/reproducing.md), and the
//! fit that produced them is reproducible.

use sasp::calibrate::{fit, reference_free_parameters, residuals};
use sasp::experiment::paper::{neutralization_arms, targets};
use sasp::experiment::Experiment;

#[test]
fn the_shipped_parameters_meet_every_calibration_target() {
    let model = sasp::models::iannello2013().unwrap();
    let results = Experiment::new(&model).arms(neutralization_arms().unwrap()).run().unwrap();
    let targets = targets(&results).unwrap();
    assert_eq!(targets.len(), 13);
    for t in &targets {
        assert!(t.met, "target {} ({}) = {} is outside {}", t.id, t.description, t.value, t.band);
    }
    // With the 5 % margin too: every residual is zero.
    assert!(residuals(&results).unwrap().iter().all(|&r| r == 0.0));
    // Target 9: proliferating and senescent cells are killed at the same rate per NK cell.
    let y: Vec<f64> =
        model.compartment_names().map(|n| if ["P", "S", "Na"].contains(&n) { 1.0 } else { 0.0 }).collect();
    let rate = |name: &str| model.process_rate(name, 0.0, &y, &[1.0]).unwrap();
    assert_eq!(rate("NKG2D killing of proliferating cells"), rate("NKG2D killing of senescent cells"));
    assert_eq!(
        rate("NKG2D-independent killing of proliferating cells"),
        rate("NKG2D-independent killing of senescent cells")
    );
}

#[test]
fn the_fit_reproduces_the_shipped_values() {
    let model = sasp::models::iannello2013().unwrap();
    let free = reference_free_parameters();
    let result = fit(&model, &neutralization_arms().unwrap(), &free, 60).unwrap();
    assert_eq!(result.cost, 0.0);
    for (p, v) in free.iter().zip(&result.values) {
        for name in &p.names {
            let shipped = model.parameter(name).unwrap();
            // The file carries six decimals of the fit.
            assert!((v - shipped).abs() <= 1e-4 * shipped, "{name}: fitted {v}, shipped {shipped}");
            let tag = model.spec().parameters.iter().find(|d| &d.name == name).unwrap().tag;
            assert_eq!(tag, sasp::model::Provenance::Fitted, "{name} is tagged as fitted");
        }
    }
}

#[test]
fn bad_calibration_requests_are_errors() {
    let model = sasp::models::iannello2013().unwrap();
    let arms = neutralization_arms().unwrap();
    assert!(fit(&model, &arms, &[], 10).is_err());
    let unknown = [sasp::calibrate::FreeParameter::new("rho_X", 0.01, 1e-4, 1.0)];
    assert!(fit(&model, &arms, &unknown, 10).is_err());
    let bounds = [sasp::calibrate::FreeParameter::new("rho_N", 0.01, 1.0, 0.1)];
    assert!(fit(&model, &arms, &bounds, 10).is_err());
    // Without the arms the targets need.
    let err = fit(&model, &arms[..2], &reference_free_parameters(), 10).unwrap_err();
    assert!(err.to_string().contains("arm"), "{err}");
}
