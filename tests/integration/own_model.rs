//! A model that is not the paper's, end to end: `examples/own_model.rs`
//! (CXCL10-driven T-cell recruitment, `models/cxcl10_tcells.toml`) run
//! through an experiment with its own observables and clearance metric.

use crate::own_model_example as own_model;

use sasp::experiment::ArmResult;

fn results() -> Vec<ArmResult> {
    let model = own_model::model().unwrap();
    own_model::experiment(&model).unwrap().run().unwrap()
}

fn at(r: &ArmResult, name: &str, day: f64) -> f64 {
    r.at(r.series(name).unwrap(), day).unwrap()
}

#[test]
fn anti_cxcl10_lowers_free_cxcl10_and_t_cells_and_slows_clearance() {
    let results = results();
    let (treated, blocked) = (&results[0], &results[1]);
    assert_eq!(treated.name, "treatment");
    for day in [10.0, 14.0] {
        let (free, free_ab) = (at(treated, "cxcl10_free_nM", day), at(blocked, "cxcl10_free_nM", day));
        assert!(free > 0.5 && free_ab < 0.05 * free, "day {day}: free CXCL10 {free_ab} vs {free} nM");
        let (total, total_ab) = (at(treated, "cxcl10_total_nM", day), at(blocked, "cxcl10_total_nM", day));
        assert!(total_ab > total, "day {day}: bound CXCL10 adds up: total {total_ab} vs {total} nM");
        let (t, t_ab) = (at(treated, "t_cells_per_mm3", day), at(blocked, "t_cells_per_mm3", day));
        assert!(t_ab < 0.5 * t, "day {day}: T cells per mm³ {t_ab} vs {t}");
    }
    // Clearance from the first day of treatment (day 7), not from day 0.
    let day7 = at(treated, "tumor_volume_mm3", 7.0);
    assert_eq!(treated.clearance.reference_day, 7.0);
    assert_eq!(treated.clearance.value_at_reference, day7);
    let cleared = treated.clearance.days_to("days_to_1mm3").expect("the treatment clears the tumor");
    let cleared_ab = blocked.clearance.days_to("days_to_1mm3").unwrap_or(f64::INFINITY);
    assert!(cleared > 0.0 && cleared_ab > cleared + 5.0, "days to 1 mm³: {cleared_ab} vs {cleared}");
    let half = treated.clearance.days_to("days_to_half").unwrap();
    assert!(half < cleared && at(treated, "tumor_volume_mm3", 7.0 + half.floor()) > 0.5 * day7);
    // Undefined below 1 mm³: empty, not a huge ratio of vanishing numbers.
    let end = treated.t.len() - 1;
    assert!(treated.series("t_cells_per_mm3").unwrap()[end].is_nan());
}

#[test]
fn blocking_cxcr3_or_depleting_t_cells_acts_through_roles_and_kinds() {
    let results = results();
    let (treated, cxcr3, cd8) = (&results[0], &results[2], &results[3]);
    assert_eq!((cxcr3.name.as_str(), cd8.name.as_str()), ("treatment + anti-CXCR3", "treatment + anti-CD8"));
    for day in [10.0, 14.0] {
        let t = at(treated, "t_cells_per_mm3", day);
        // Blocking the receptor leaves CXCL10 free but keeps T cells out.
        assert!(at(cxcr3, "t_cells_per_mm3", day) < 0.5 * t, "day {day}");
        assert!(at(cxcr3, "cxcl10_free_nM", day) >= 0.99 * at(treated, "cxcl10_free_nM", day), "day {day}");
        // Depletion removes nearly all of them.
        assert!(at(cd8, "t_cells_per_mm3", day) < 0.01 * t, "day {day}");
    }
    assert!(cd8.clearance.days_to("days_to_1mm3").is_none());
    // The model declares no antibody parameters: typical values, as parameters of the arm's model.
    let model = own_model::model().unwrap();
    let arms = own_model::arms().unwrap();
    let prepared = arms[3].prepare(&model, 0.0).unwrap();
    let sources: Vec<(&str, &str, sasp::intervene::PkSource)> =
        prepared.pharmacokinetics.iter().map(|e| (e.quantity, e.parameter.as_str(), e.source)).collect();
    assert!(sources.contains(&("k_dep", "anti_CD8_k_dep", sasp::intervene::PkSource::Typical)), "{sources:?}");
    assert_eq!(prepared.model.parameter("anti_CD8_kel").unwrap(), 0.1);
}

#[test]
fn before_treatment_the_tumor_grows_logistically() {
    let model = own_model::model().unwrap();
    let (r, k) = (model.parameter("r").unwrap(), model.parameter("K").unwrap());
    let results = results();
    for arm in &results {
        let c0 = at(arm, "tumor_volume_mm3", 0.0);
        assert_eq!(c0, 5.0);
        for day in 1..=7 {
            let t = f64::from(day);
            let logistic = k * c0 * (r * t).exp() / (k + c0 * ((r * t).exp() - 1.0));
            let v = at(arm, "tumor_volume_mm3", t);
            assert!((v - logistic).abs() <= 1e-5 * logistic, "{} day {day}: {v} vs {logistic}", arm.name);
            assert_eq!(at(arm, "t_cells_per_mm3", t), 0.0);
            assert_eq!(at(arm, "cxcl10_free_nM", t), 0.0);
        }
    }
}

#[test]
fn outputs_follow_the_declared_observables_with_no_paper_names() {
    let dir = std::env::temp_dir().join(format!("sasp-own-model-{}", std::process::id()));
    let results = own_model::run_into(&dir).unwrap();
    assert_eq!(results.len(), 4);
    // A figure per declared observable, named after it.
    for name in ["tumor_volume_mm3", "t_cells_per_mm3", "cxcl10_free_nM", "cxcl10_total_nM", "kills_per_day"] {
        let png = std::fs::read(dir.join(format!("{name}.png"))).unwrap();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "{name}");
        assert!(png.len() > 10_000, "{name}: {} bytes", png.len());
    }
    assert!(!dir.join("t_cells.png").exists(), "hidden observables are not drawn");
    let csv = std::fs::read_to_string(dir.join("own_model.csv")).unwrap();
    let header = csv.lines().next().unwrap();
    assert_eq!(header, "arm,day,tumor_volume_mm3,t_cells_per_mm3,cxcl10_free_nM,cxcl10_total_nM,kills_per_day");
    let json = std::fs::read_to_string(dir.join("own_model.json")).unwrap();
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    let mut keys = Vec::new();
    collect_keys(&value, &mut keys);
    assert!(keys.iter().any(|k| k == "volume_at_treatment"), "{keys:?}");
    for text in keys.iter().map(String::as_str).chain(header.split(',')) {
        let lower = text.to_lowercase();
        for paper in ["ccl2", "nk", "doxycycline", "p53"] {
            assert!(!lower.contains(paper), "'{text}' names the paper's '{paper}'");
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

fn collect_keys(value: &serde_json::Value, keys: &mut Vec<String>) {
    match value {
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                keys.push(k.clone());
                collect_keys(v, keys);
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| collect_keys(v, keys)),
        _ => {}
    }
}

#[test]
fn a_sweep_of_the_own_model_has_its_observables_and_thresholds_as_columns() {
    let model = own_model::model().unwrap();
    let experiment = own_model::experiment(&model).unwrap();
    let arm = &own_model::arms().unwrap()[0];
    let text =
        "arm = \"treatment\"\ndesign = \"grid\"\nuntil = 42.0\n[[parameter]]\nname = \"rho_E\"\nvalues = [0.5, 2.0]\n";
    let design: sasp::sweep::Design = toml::from_str(text).unwrap();
    let csv = sasp::sweep::run_in(&experiment, arm, &design, None, &|| {}).unwrap().csv;
    let mut lines = csv.lines();
    assert_eq!(
        lines.next().unwrap(),
        "run,rho_E,tumor_volume_mm3_day7,tumor_volume_mm3_day42,days_to_half,days_to_tenth,days_to_1mm3,status"
    );
    // Day 7 is the first day of treatment: the untreated volume in both runs (at the sweep's rtol 1e-4).
    let day7: Vec<f64> = lines.map(|l| l.split(',').nth(2).unwrap().parse().unwrap()).collect();
    let results = experiment.run().unwrap();
    let reference = at(&results[0], "tumor_volume_mm3", 7.0);
    assert!(day7.iter().all(|v| (v - reference).abs() < 1e-3 * reference), "{day7:?} vs {reference} (rtol 1e-4)");
    // Declared columns; an observable that is not declared, or a day that is not sampled, is refused.
    let with = |output: &str| -> Result<String, String> {
        let design: sasp::sweep::Design = toml::from_str(&format!("{text}[[output]]\n{output}")).unwrap();
        sasp::sweep::run_in(&experiment, arm, &design, None, &|| {}).map(|s| s.csv).map_err(|e| e.to_string())
    };
    let csv = with("column = \"T14\"\nobservable = \"t_cells_per_mm3\"\nday = 14.0\n").unwrap();
    assert!(csv.starts_with("run,rho_E,T14,days_to_half,"), "{csv}");
    let e = with("column = \"V\"\nobservable = \"tumor_volume_mm3_typo\"\nday = 14.0\n").unwrap_err();
    assert!(e.contains("no observable 'tumor_volume_mm3_typo'") && e.contains("t_cells_per_mm3"), "{e}");
    let e = with("column = \"V\"\nobservable = \"tumor_volume_mm3\"\nday = 14.5\n").unwrap_err();
    assert!(e.contains("day 14.5 is not a sample day"), "{e}");
    let e = with("column = \"days_to_half\"\nobservable = \"tumor_volume_mm3\"\nday = 14.0\n").unwrap_err();
    assert!(e.contains("clearance threshold"), "{e}");
}
