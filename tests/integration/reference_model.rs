//! The reference model with its provisional (uncalibrated) parameters: p53
//! restoration at day 0 from a ~100 mm³ tumor makes it senesce, secrete CCL2,
//! recruit NK cells and shrink; with p53 off it grows. (The calibrated,
//! shipped parameters are tested against the calibration targets in
//! `tests/integration/calibration.rs`.)

use sasp::prelude::*;
use sasp::ModelError;

struct Run {
    model: Model,
    sol: Solution,
}

/// The reference model with the provisional (uncalibrated) values of
/// the parameters that calibration fits.
fn uncalibrated() -> Model {
    let mut model = sasp::models::iannello2013().unwrap();
    for p in sasp::calibrate::reference_free_parameters() {
        for name in &p.names {
            model = model.with_parameter(name, p.start).unwrap();
        }
    }
    model
}

impl Run {
    fn new(switches: &[Switch]) -> Run {
        let model = uncalibrated();
        let days: Vec<f64> = (-14..=21).map(f64::from).collect();
        let options = Options { rtol: 1e-8, atol: Tolerance::Scalar(1e-10), ..Options::default() };
        let sol = simulate(&model, switches, 21.0, &days, Method::Auto, &options).unwrap();
        Run { model, sol }
    }
    /// Value of a compartment or pool at a day (-14..=21).
    fn at(&self, name: &str, day: i32) -> f64 {
        let k = (day + 14) as usize;
        assert_eq!(self.sol.t[k], day as f64);
        self.model.value_of(name, self.sol.state(k)).unwrap()
    }
    fn nk_per_mm3(&self, day: i32) -> f64 {
        1e6 * self.at("NK", day) / (self.at("T", day) + 1e-3)
    }
}

#[test]
fn p53_restoration_recruits_nk_cells_and_the_tumor_regresses() {
    let on = Run::new(&[Switch::p53_restored_at(0.0)]);
    let v0 = on.at("T", 0);
    assert!((80.0..150.0).contains(&v0), "about 100 mm³ at day 0, got {v0}");
    // Before doxycycline nothing senesces.
    assert_eq!(on.at("S", 0), 0.0);
    // Senescence rises: most of the tumor is senescent within a week.
    let senescent = |d| on.at("S", d) / on.at("T", d);
    assert!(senescent(2) > 0.3 && senescent(7) > 0.8, "{} {}", senescent(2), senescent(7));
    assert!((1..=14).all(|d| senescent(d) > senescent(d - 1)));
    // CCL2 rises about tenfold (σ_S/σ_P = 10) towards 2 nM.
    assert!((on.at("C2", 0) - 0.2).abs() < 0.01, "{}", on.at("C2", 0));
    assert!(on.at("C2", 14) > 1.8 && on.at("C2", 14) < 2.0, "{}", on.at("C2", 14));
    // NK cells per mm³ of tumor rise at least twofold by day 5.
    let fold = on.nk_per_mm3(5) / on.nk_per_mm3(0);
    assert!(fold > 2.0, "NK density fold change at day 5: {fold}");
    // The tumor shrinks: below a third of its day-0 volume by day 21, falling every day after day 5.
    assert!(on.at("T", 21) < v0 / 3.0, "{} vs {v0}", on.at("T", 21));
    assert!((6..=21).all(|d| on.at("T", d) < on.at("T", d - 1)));
}

#[test]
fn with_p53_off_the_tumor_keeps_growing() {
    let off = Run::new(&[]);
    let v0 = off.at("T", 0);
    assert!(off.at("T", 14) / v0 >= 5.0, "{} / {v0}", off.at("T", 14));
    assert!((1..=21).all(|d| off.at("T", d) > off.at("T", d - 1)));
    assert_eq!(off.at("S", 21), 0.0);
}

#[test]
fn the_p53_switch_is_an_exact_stop() {
    // π is exactly zero at the switch and follows 1 − exp(−t/τ) afterwards (τ = 1 day).
    let on = Run::new(&[Switch::p53_restored_at(0.0)]);
    assert_eq!(on.at("pi", 0), 0.0);
    for d in 1..=5 {
        let exact = 1.0 - (-(d as f64)).exp();
        assert!((on.at("pi", d) - exact).abs() < 1e-7, "day {d}: {} vs {exact}", on.at("pi", d));
    }
}

#[test]
fn bad_switches_are_errors() {
    let model = sasp::models::iannello2013().unwrap();
    let days = [0.0];
    let o = Options::default();
    let err = simulate(&model, &[Switch::p53_restored_at(-20.0)], 21.0, &days, Method::Auto, &o).unwrap_err();
    assert!(err.to_string().contains("before the run starts"), "{err}");
    let err = simulate(&model, &[Switch::new(0.0, "doxycyline", 1.0)], 21.0, &days, Method::Auto, &o).unwrap_err();
    assert!(matches!(err, SaspError::Model(ModelError::UnknownInput { .. })), "{err}");
    let err = simulate(&model, &[Switch::new(0.0, "doxycycline", -1.0)], 21.0, &days, Method::Auto, &o).unwrap_err();
    assert!(matches!(err, SaspError::InvalidSchedule { .. }), "{err}");
    let err = simulate(&model, &[], -20.0, &[], Method::Auto, &o).unwrap_err();
    assert!(matches!(err, SaspError::InvalidOptions(_)), "{err}");
    let err = simulate(&model, &[], 21.0, &[30.0], Method::Auto, &o).unwrap_err();
    assert!(matches!(err, SaspError::InvalidOptions(_)), "{err}");
}
