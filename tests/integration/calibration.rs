//! Calibration: the shipped parameters meet every target (docs/reproducing.md), and the
//! fit that produced them is reproducible.

use crate::common;

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

/// The fit of `free` from its starts meets every target and returns the
/// values `model` ships (its file carries six decimals), each tagged fitted.
fn assert_fit_reproduces_shipped_values(model: &sasp::model::Model, free: &[sasp::calibrate::FreeParameter]) {
    let result = fit(model, &neutralization_arms().unwrap(), free, 60).unwrap();
    assert_eq!(result.cost, 0.0);
    for (p, v) in free.iter().zip(&result.values) {
        for name in &p.names {
            let shipped = model.parameter(name).unwrap();
            assert!((v - shipped).abs() <= 1e-4 * shipped, "{name}: fitted {v}, shipped {shipped}");
            let tag = model.spec().parameters.iter().find(|d| &d.name == name).unwrap().tag;
            assert_eq!(tag, sasp::model::Provenance::Fitted, "{name} is tagged as fitted");
        }
    }
}

#[test]
fn the_fit_reproduces_the_shipped_values() {
    assert_fit_reproduces_shipped_values(&sasp::models::iannello2013().unwrap(), &reference_free_parameters());
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

#[test]
fn the_saturating_kill_variant_kills_by_de_pillis_law_and_its_fit_reproduces_its_shipped_values() {
    let model = sasp::models::iannello2013_saturating_kill().unwrap();
    let reference = sasp::models::iannello2013().unwrap();
    let (d, lambda, s) = (
        model.parameter("d_kill").unwrap(),
        model.parameter("lambda_kill").unwrap(),
        model.parameter("s_kill").unwrap(),
    );
    let (g, eps) = (model.parameter("g_NKG2D").unwrap(), model.parameter("T_eps").unwrap());
    // The rate by hand, d g P ET^λ/(s + ET^λ) with ET = Na/(T + T_eps), at
    // effector-to-target ratios from 10⁻⁴ to 10⁴: bounded by d g P, while the
    // reference law grows with the ratio.
    for na in [1e-4, 1e-2, 1.0, 1e2, 1e4] {
        let y: Vec<f64> = model
            .compartment_names()
            .map(|n| match n {
                "P" => 0.6,
                "Q" => 0.1,
                "S" => 0.3,
                "Na" => na,
                _ => 0.0,
            })
            .collect();
        let et = na / (1.0 + eps);
        let expected = d * g * 0.6 * et.powf(lambda) / (s + et.powf(lambda));
        let rate = model.process_rate("NKG2D killing of proliferating cells", 0.0, &y, &[1.0]).unwrap();
        assert!((rate - expected).abs() <= 1e-13 * expected, "E/T {et}: {rate} vs {expected}");
        assert!(rate < d * g * 0.6);
        let linear = reference.process_rate("NKG2D killing of proliferating cells", 0.0, &y, &[1.0]).unwrap();
        let k = reference.parameter("k_kill").unwrap();
        assert!((linear - k * g * na * 0.6 / (1.0 + eps)).abs() <= 1e-13 * linear);
        // The Jacobian is exact (symbolic) there too.
        let worst = common::check_jacobian(&model, 0.0, &y, &[1.0]);
        assert!(worst < 1e-6, "E/T {et}: Jacobian off by {worst:e}");
    }
    assert_fit_reproduces_shipped_values(&model, &sasp::calibrate::saturating_kill_free_parameters());
}

#[test]
fn a_profile_interval_ends_where_no_refit_of_the_others_meets_every_target() {
    use sasp::calibrate::profile_interval;
    let model = sasp::models::iannello2013().unwrap();
    let arms = neutralization_arms().unwrap();
    let free = reference_free_parameters();
    let which = free.iter().position(|p| p.names == ["rho_N"]).unwrap();
    let bisections = 6;
    let p = profile_interval(&model, &arms, &free, which, 60, bisections).unwrap();
    assert!(p.low < p.value && p.value < p.high && !p.low_at_bound && !p.high_at_bound, "{p:?}");
    // The others, refitted from the shipped values at a value of rho_N.
    let others: Vec<sasp::calibrate::FreeParameter> = free
        .iter()
        .enumerate()
        .filter(|&(j, _)| j != which)
        .map(|(_, q)| sasp::calibrate::FreeParameter { start: model.parameter(&q.names[0]).unwrap(), ..q.clone() })
        .collect();
    let cost_at = |v: f64| fit(&model.with_parameter("rho_N", v).unwrap(), &arms, &others, 60).unwrap().cost;
    // Each end meets every target; one bisection step beyond it, none does.
    let (lo, hi) = (free[which].lo, free[which].hi);
    let step_low = (p.value / lo).ln() / f64::from(1 << bisections);
    let step_high = (hi / p.value).ln() / f64::from(1 << bisections);
    assert_eq!(cost_at(p.low), 0.0);
    assert_eq!(cost_at(p.high), 0.0);
    assert!(cost_at(p.low * (-1.01 * step_low).exp()) > 0.0, "{p:?}");
    assert!(cost_at(p.high * (1.01 * step_high).exp()) > 0.0, "{p:?}");
    // Ten bisections (examples/calibrate.rs --profile) gave [0.0140, 0.0628].
    assert!(
        (p.low / 0.0140).ln().abs() <= step_low + 0.01 && (p.high / 0.0628).ln().abs() <= step_high + 0.01,
        "{p:?}"
    );
    // Refused: no such parameter, and a model that misses a target.
    assert!(profile_interval(&model, &arms, &free, free.len(), 60, 2).is_err());
    let off = model.with_parameter("rho_N", 1.0).unwrap();
    let err = profile_interval(&off, &arms, &free, which, 60, 2).unwrap_err();
    assert!(err.to_string().contains("does not meet every calibration target"), "{err}");
}
