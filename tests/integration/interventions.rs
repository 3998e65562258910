//! Interventions and the neutralization experiment: analytic pharmacokinetics,
//! directions of the paper's findings, clearance metrics and bad input.

use sasp::experiment::paper::{neutralization_arms, targets};
use sasp::experiment::{ArmResult, Experiment};
use sasp::intervene::{Antibody, Arm, DoseSchedule, Intervention, P53Restoration};
use sasp::model::Chemokine;
use sasp::solve::{Options, Tolerance};
use sasp::SaspError;
use sasp::{FileError, ModelError};

fn tight() -> Options {
    Options { rtol: 1e-10, atol: Tolerance::Scalar(1e-12), ..Options::default() }
}

fn run(arms: Vec<Arm>) -> Vec<ArmResult> {
    let model = sasp::models::iannello2013().unwrap();
    Experiment::new(&model).arms(arms).until(21.0).run().unwrap()
}

#[test]
fn plasma_antibody_follows_the_bateman_function() {
    // One isotype dose D at day 0 into the depot: A(t) = D ka/(ka − kel) (e^{−kel t} − e^{−ka t}).
    let model = sasp::models::iannello2013().unwrap();
    let arm = Arm::new("pk").with(Antibody::isotype(DoseSchedule::once(330.0, 0.0)));
    let prepared = arm.prepare(&model, -14.0).unwrap();
    let plasma = prepared.model.index_of("isotype_plasma").unwrap();
    let tumor = prepared.model.index_of("isotype_tumor").unwrap();
    let days: Vec<f64> = (-14..=21).map(f64::from).collect();
    let stops = prepared.stop_times();
    assert_eq!(stops, vec![0.0]);
    let mut system = prepared.model.system(&prepared.model.default_inputs()).unwrap();
    let mut stepper = sasp::solve::Method::Rodas5p.stepper(&system, tight()).unwrap();
    let plan = sasp::solve::Plan::outputs(&days).stops(&stops);
    let depot = prepared.model.index_of("isotype_depot").unwrap();
    let run = sasp::solve::integrate(
        &mut stepper,
        &mut system,
        -14.0,
        &prepared.model.initial_state(),
        21.0,
        &plan,
        &mut |_, _, y, _| {
            y[depot] += 330.0;
            Ok(())
        },
    )
    .unwrap();
    let (ka, kel, kpen, phi) = (2.0, 0.1, 1.0, 0.3);
    for (k, &t) in run.solution.t.iter().enumerate() {
        let exact = if t < 0.0 { 0.0 } else { 330.0 * ka / (ka - kel) * ((-kel * t).exp() - (-ka * t).exp()) };
        let got = run.solution.state(k)[plasma];
        assert!((got - exact).abs() <= 1e-7 * exact.max(1.0), "day {t}: {got} vs {exact}");
    }
    // Tumor antibody: T' = kpen (φ A − T), solved by convolution; check the late
    // quasi-steady ratio instead: T/A → kpen φ/(kpen − kel) as the exponentials separate.
    let last = run.solution.state(35);
    let ratio = last[tumor] / last[plasma];
    let expected = kpen * phi / (kpen - kel);
    assert!((ratio - expected).abs() < 1e-4, "{ratio} vs {expected}");
}

#[test]
fn the_isotype_control_changes_nothing_in_the_tumor() {
    let with = run(vec![Arm::new("iso")
        .with(P53Restoration::at(0.0))
        .with(Antibody::isotype(DoseSchedule::repeated(330.0, -1.0, 2.0, 21.0)))]);
    let without = run(vec![Arm::new("plain").with(P53Restoration::at(0.0))]);
    for k in 0..with[0].t.len() {
        let (a, b) =
            (with[0].series("tumor_volume_mm3").unwrap()[k], without[0].series("tumor_volume_mm3").unwrap()[k]);
        assert!((a - b).abs() < 1e-5 * b.abs() + 1e-9, "day {}: {a} vs {b}", with[0].t[k]);
    }
}

#[test]
fn the_papers_findings_hold_as_directions() {
    let results = run(neutralization_arms().unwrap());
    let arm = |name: &str| results.iter().find(|r| r.name == name).unwrap();
    let at = |name: &str, series: fn(&ArmResult) -> &[f64], day: f64| {
        let r = arm(name);
        r.at(series(r), day).unwrap()
    };
    fn volume(r: &ArmResult) -> &[f64] {
        r.series("tumor_volume_mm3").unwrap()
    }
    fn nk(r: &ArmResult) -> &[f64] {
        r.series("nk_per_mm3").unwrap()
    }
    fn free(r: &ArmResult) -> &[f64] {
        r.series("ccl2_free_nM").unwrap()
    }
    fn total(r: &ArmResult) -> &[f64] {
        r.series("ccl2_total_nM").unwrap()
    }
    // Restoring p53 brings NK cells in and shrinks the tumor.
    assert!(at("control", nk, 5.0) > 2.0 * at("p53 off", nk, 5.0));
    assert!(at("control", volume, 21.0) < 0.2 * at("control", volume, 0.0));
    // Neutralizing CCL2 removes free CCL2, keeps NK cells out, slows regression.
    assert!(at("anti-CCL2", free, 5.0) < 0.1 * at("control", free, 5.0));
    assert!(at("anti-CCL2", total, 5.0) > at("anti-CCL2", free, 5.0));
    assert!(at("anti-CCL2", nk, 5.0) < 0.5 * at("control", nk, 5.0));
    assert!(at("anti-CCL2", volume, 14.0) > 2.0 * at("control", volume, 14.0));
    // CCL3, CCL4 or CCL5 alone hardly matter.
    for name in ["anti-CCL3", "anti-CCL4", "anti-CCL5"] {
        let ratio = at(name, nk, 5.0) / at("control", nk, 5.0);
        assert!((0.9..=1.1).contains(&ratio), "{name}: {ratio}");
    }
    // Without NKG2D or NK cells elimination fails.
    for name in ["NKG2D-null", "anti-NKG2D", "NK-depleted"] {
        assert!(at(name, volume, 14.0) > 0.5 * at(name, volume, 0.0), "{name}");
    }
    assert!(at("NK-depleted", nk, 5.0) < 0.01 * at("control", nk, 5.0));
    // Free CCL2 is never negative anywhere, and total ≥ free.
    for r in &results {
        for k in 0..r.t.len() {
            assert!(
                r.series("ccl2_free_nM").unwrap()[k] >= 0.0
                    && r.series("ccl2_total_nM").unwrap()[k] >= r.series("ccl2_free_nM").unwrap()[k] - 1e-12,
                "{}",
                r.name
            );
        }
    }
    // Free and total are observables for every chemokine, not only CCL2.
    let (free5, total5) = arm("anti-CCL5").chemokine_at(Chemokine::CCL5, 5.0).unwrap();
    let (control_free5, control_total5) = arm("control").chemokine_at(Chemokine::CCL5, 5.0).unwrap();
    assert_eq!(control_free5, control_total5);
    assert!(free5 < 0.1 * control_free5 && total5 > free5, "{free5} {total5} {control_free5}");
    let (f2, t2) = arm("anti-CCL2").chemokine_at(Chemokine::CCL2, 5.0).unwrap();
    assert_eq!((f2, t2), (at("anti-CCL2", free, 5.0), at("anti-CCL2", total, 5.0)));
    // Every target is evaluated (13 checks; which are met depends on calibration).
    assert_eq!(targets(&results).unwrap().len(), 13);
}

#[test]
fn clearance_metrics_bracket_the_samples() {
    let results = run(vec![Arm::new("control").with(P53Restoration::at(0.0))]);
    let r = &results[0];
    let v0 = r.clearance.value_at_reference;
    assert_eq!(v0, r.value("tumor_volume_mm3", 0.0).unwrap());
    let d50 = r.clearance.days_to("days_to_50").expect("the tumor halves within 21 days");
    let (before, after) =
        (r.value("tumor_volume_mm3", d50.floor()).unwrap(), r.value("tumor_volume_mm3", d50.ceil()).unwrap());
    assert!(before >= 0.5 * v0 && after <= 0.5 * v0, "{before} {after} {v0} at {d50}");
}

#[test]
fn a_restorable_fraction_of_zero_is_p53_off() {
    let results = run(vec![Arm::new("f0").with(P53Restoration::at(0.0).restorable_fraction(0.0)), Arm::new("off")]);
    for k in 0..results[0].t.len() {
        assert!(results[0].series("senescent_fraction").unwrap()[k].abs() < 1e-15);
        let (a, b) =
            (results[0].series("tumor_volume_mm3").unwrap()[k], results[1].series("tumor_volume_mm3").unwrap()[k]);
        assert!((a - b).abs() < 1e-6 * b);
    }
}

#[test]
fn bad_interventions_are_errors() {
    let model = sasp::models::iannello2013().unwrap();
    let check = |arm: Arm, needle: &str| {
        let err = Experiment::new(&model).arms([arm]).run().unwrap_err();
        assert!(err.to_string().contains(needle), "expected '{needle}' in: {err}");
    };
    check(Arm::new("early").with(Antibody::isotype(DoseSchedule::once(330.0, -20.0))), "before the simulation starts");
    check(Arm::new("negative").with(Antibody::isotype(DoseSchedule::once(-1.0, 0.0))), "non-negative");
    check(Arm::new("fraction").with(P53Restoration::at(0.0).restorable_fraction(1.5)), "outside [0, 1]");
    check(Arm::new("overlap").with(P53Restoration::at(0.0).until(10.0)).with(P53Restoration::at(5.0)), "overlaps");
    check(Arm::new("backwards").with(P53Restoration::at(5.0).until(2.0)), "not after");
    let half = DoseSchedule { amount_nm: 1.0, first: 0.0, every: Some(2.0), until: None };
    check(Arm::new("half").with(Antibody::isotype(half)), "needs both");
    let zero = DoseSchedule::repeated(1.0, 0.0, 0.0, 10.0);
    check(Arm::new("zero").with(Antibody::isotype(zero)), "must be positive");
    check(Arm::new("late").with(Antibody::isotype(DoseSchedule::once(1.0, 30.0))), "after the end of the run");
    let err = Experiment::new(&model).arms([Arm::new("a"), Arm::new("a")]).run().unwrap_err();
    assert!(matches!(err.root(), SaspError::Duplicate { kind: "arm", .. }), "{err}");
    assert!(err.to_string().starts_with("arm 'a': duplicate arm"), "{err}");
    // A model without the target chemokine.
    let mut spec = model.spec().clone();
    spec.processes.retain(|p| !p.changes.contains_key("C5") && !p.name.contains("C5"));
    spec.compartments.retain(|c| c.name != "C5");
    let no_ccl5 = sasp::model::Model::from_spec(spec).unwrap();
    let arm =
        Arm::new("x").with(Intervention::from(Antibody::neutralizing(Chemokine::CCL5, DoseSchedule::once(1.0, 0.0))));
    let err = arm.prepare(&no_ccl5, -14.0).unwrap_err();
    assert!(err.to_string().contains("has no compartments of kind chemokine.CCL5"), "{err}");
}

#[test]
fn the_shipped_scenario_holds_the_papers_arms() {
    let arms = neutralization_arms().unwrap();
    let names: Vec<&str> = arms.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "p53 off",
            "control",
            "anti-CCL2",
            "anti-CCL3",
            "anti-CCL4",
            "anti-CCL5",
            "anti-CCL3/4/5",
            "NKG2D-null",
            "anti-NKG2D",
            "NK-depleted"
        ]
    );
    let schedule = DoseSchedule::repeated(330.0, -1.0, 2.0, 21.0);
    let expected = Arm::new("anti-CCL2")
        .with(P53Restoration::at(0.0))
        .with(Antibody::neutralizing(Chemokine::CCL2, schedule.clone()));
    assert_eq!(arms[2], expected);
    let expected = Arm::new("NKG2D-null")
        .with(P53Restoration::at(0.0))
        .with(Intervention::nkg2d_knockout())
        .with(Antibody::isotype(schedule));
    assert_eq!(arms[7], expected);
}

#[test]
fn malformed_scenarios_name_the_line() {
    use sasp::intervene::Scenario;
    let text = "[[arm]]\nname = \"bad\"\np53_restoration = { on = 0.0 }\n[[arm.antibody]]\ntarget = \"tumor.senescent\"\ndose_nm = 1.0\nfirst = 0.0\n";
    match Scenario::from_toml_str(text, "bad.toml").unwrap_err() {
        SaspError::File(FileError::At { line, source, .. }) => {
            assert_eq!(line, 5);
            assert!(matches!(*source, SaspError::Model(ModelError::Invalid { .. })), "{source}");
            assert!(source.to_string().contains("is not a chemokine"), "{source}");
        }
        other => panic!("{other}"),
    }
    let text = "[[arm]]\nname = \"typo\"\np53_restoraton = { on = 0.0 }\n";
    match Scenario::from_toml_str(text, "bad.toml").unwrap_err() {
        SaspError::File(FileError::Syntax { line, message, .. }) => {
            assert_eq!(line, 3);
            assert!(message.contains("p53_restoraton"), "{message}");
        }
        other => panic!("{other}"),
    }
    // Schedule errors surface when the arm meets the model.
    let text = "[[arm]]\nname = \"early\"\n[[arm.antibody]]\ntarget = \"CCL2\"\ndose_nm = 330.0\nfirst = -30.0\n";
    let scenario = Scenario::from_toml_str(text, "early.toml").unwrap();
    let model = sasp::models::iannello2013().unwrap();
    let err = Experiment::from_scenario(&model, &scenario).run().unwrap_err();
    assert!(err.to_string().contains("before the simulation starts"), "{err}");
}

#[test]
fn plots_are_written_whole_or_not_at_all() {
    let results = run(vec![Arm::new("control").with(P53Restoration::at(0.0)), Arm::new("p53 off")]);
    let dir = std::env::temp_dir().join(format!("sasp-plots-{}", std::process::id()));
    sasp::plot::nk_infiltration(&results, 5.0, None, dir.join("nk.png")).unwrap();
    sasp::plot::nk_infiltration(&results, 5.0, Some((1.0, "p53 off")), dir.join("nk.svg")).unwrap();
    let png = std::fs::read(dir.join("nk.png")).unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    let svg = std::fs::read_to_string(dir.join("nk.svg")).unwrap();
    assert!(svg.starts_with("<svg") && svg.contains("control") && svg.contains("p53 off: 1"));
    // Bars with whiskers, every value 0 (the axis then runs to 1), and none at all.
    let bar = |label: &str, value: f64| sasp::plot::Bar { label: label.into(), value, interval: Some((0.0, value)) };
    let zero = sasp::plot::Bars {
        title: "P(holds)".into(),
        y_label: "probability".into(),
        bars: vec![bar("1", 0.0), bar("all", 0.0)],
        reference: None,
        decimals: 2,
    };
    zero.draw_to(dir.join("zero.svg")).unwrap();
    let svg = std::fs::read_to_string(dir.join("zero.svg")).unwrap();
    assert!(svg.contains("0.00") && svg.contains("1.00") && svg.contains("all"), "the axis runs to 1");
    assert!(sasp::plot::Bars { bars: Vec::new(), ..zero }.draw_to(dir.join("none.svg")).is_err());
    std::fs::remove_file(dir.join("zero.svg")).unwrap();
    // Bad requests are errors and leave nothing behind: an unknown image
    // type, a day that was not sampled, a paper figure whose arms were not run.
    assert!(sasp::plot::nk_infiltration(&results, 5.0, None, dir.join("chart.gif")).is_err());
    assert!(sasp::plot::nk_infiltration(&results, 5.5, None, dir.join("nk2.png")).is_err());
    let err = sasp::plot::paper::clearance(&results, &[], None, dir.join("clearance.png")).unwrap_err();
    assert!(err.to_string().contains("anti-CCL3/4/5"), "{err}");
    let mut files: Vec<String> =
        std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    files.sort();
    assert_eq!(files, ["nk.png", "nk.svg"]);
    std::fs::remove_dir_all(dir).unwrap();
}

/// The error of a scenario text, with its message.
fn scenario_error(text: &str) -> String {
    sasp::intervene::Scenario::from_toml_str(text, "bad.toml").unwrap_err().to_string()
}

#[test]
fn scenario_run_settings_are_checked_at_their_line() {
    for (text, line) in [
        ("[experiment]\nuntil = 21.0\nsample_every = 1e-9\n", 3),
        ("[experiment]\nuntil = 21.0\nsample_every = 1.5e-20\n", 3),
        ("[experiment]\nsample_every = 0.0\n", 2),
        ("[experiment]\nsample_every = nan\n", 2),
        ("[experiment]\nuntil = 1e9\n", 2),
        ("[experiment]\nuntil = -20.0\n", 2),
        ("[experiment]\nuntil = nan\n", 2),
        ("[experiment]\nuntil = inf\n", 2),
    ] {
        let e = scenario_error(text);
        assert!(e.starts_with(&format!("bad.toml:{line}: ")), "{text:?}: {e}");
    }
    let e = scenario_error("[experiment]\nuntil = 21.0\nsample_every = 1e-9\n");
    assert!(e.contains("too many samples"), "{e}");
}

#[test]
fn scenario_arm_names_are_checked_at_their_line() {
    let e = scenario_error("[[arm]]\nname = \"ok\"\n\n[[arm]]\nname = \"two\\nlines\"\n");
    assert!(e.starts_with("bad.toml:5: ") && e.contains("control character"), "{e}");
    assert!(!e.contains('\n') && e.contains("arm 'two\\nlines'"), "the message stays on one line: {e}");
    let e = scenario_error("[[arm]]\nname = \"\"\n");
    assert!(e.starts_with("bad.toml:2: ") && e.contains("empty name"), "{e}");
    let e = scenario_error("[[arm]]\nname = \"a\"\n[[arm]]\nname = \"a\"\n");
    assert!(e.starts_with("bad.toml:4: arm 'a': ") && e.contains("line 2"), "{e}");
}

#[test]
fn scenario_schedule_errors_name_the_arm_file_and_line() {
    // Found when the file is read: a zero interval, a dose after the run, a NaN window.
    let text = "[[arm]]\nname = \"first\"\n\n[[arm]]\nname = \"zero\"\n[[arm.antibody]]\ntarget = \"CCL2\"\ndose_nm = 330.0\nfirst = 0.0\nevery = 0.0\nuntil = 10.0\n";
    let e = scenario_error(text);
    assert!(e.starts_with("bad.toml:6: arm 'zero': invalid schedule for 'anti_CCL2'"), "{e}");
    let text = "[experiment]\nuntil = 10.0\n[[arm]]\nname = \"late\"\n[[arm.antibody]]\ntarget = \"isotype\"\ndose_nm = 1.0\nfirst = 12.0\n";
    let e = scenario_error(text);
    assert!(e.starts_with("bad.toml:5: arm 'late': ") && e.contains("after the end of the run"), "{e}");
    let text = "[[arm]]\nname = \"nan\"\np53_restoration = { on = 0.0, off = nan }\n";
    let e = scenario_error(text);
    assert!(e.starts_with("bad.toml:3: arm 'nan': invalid schedule for 'p53 restoration'"), "{e}");
    // A tiny interval over a long span is a bounded error, not an overflow.
    let text = "[[arm]]\nname = \"many\"\n[[arm.antibody]]\ntarget = \"CCL2\"\ndose_nm = 1.0\nfirst = 0.0\nevery = 1e-300\nuntil = 20.0\n";
    let e = scenario_error(text);
    assert!(e.starts_with("bad.toml:3: arm 'many': too many doses"), "{e}");
    // Found when the arm meets the model: still the arm, file and line.
    let text = "[[arm]]\nname = \"ok\"\n\n[[arm]]\nname = \"early\"\n[[arm.antibody]]\ntarget = \"CCL2\"\ndose_nm = 330.0\nfirst = -30.0\n";
    let scenario = sasp::intervene::Scenario::from_toml_str(text, "early.toml").unwrap();
    let model = sasp::models::iannello2013().unwrap();
    let e = Experiment::from_scenario(&model, &scenario).run().unwrap_err();
    assert!(matches!(e.root(), SaspError::InvalidSchedule { .. }), "{e}");
    let e = e.to_string();
    assert!(e.starts_with("early.toml:5: arm 'early': invalid schedule for 'anti_CCL2'"), "{e}");
    assert!(e.contains("before the simulation starts"), "{e}");
    // Scenario::locate does the same for callers that prepare arms themselves.
    let err = scenario.arms[1].prepare(&model, model.initial_time()).unwrap_err();
    assert!(scenario.locate("early", err).to_string().starts_with("early.toml:5: arm 'early': "));
}

#[test]
fn antibody_pharmacokinetics_come_from_the_model_a_given_value_or_the_typical_value() {
    use sasp::intervene::{PkSource, PkValue};
    let model = sasp::models::iannello2013().unwrap();
    let once = DoseSchedule::once(330.0, 0.0);
    let pk = |arm: &sasp::intervene::PreparedArm, q: &str| {
        arm.pharmacokinetics.iter().find(|e| e.quantity == q).map(|e| (e.parameter.clone(), e.source)).unwrap()
    };
    // The reference model declares every quantity: its parameters are used.
    let arm = Arm::new("iso").with(Antibody::isotype(once.clone())).prepare(&model, -14.0).unwrap();
    assert_eq!(pk(&arm, "ka"), ("ka".to_string(), PkSource::Model));
    let quantities: Vec<&str> = arm.pharmacokinetics.iter().map(|e| e.quantity).collect();
    assert_eq!(quantities, ["ka", "kel", "kpen", "phi"]);
    // A model without ka and kel gets the typical values as parameters of its own.
    let mut spec = model.spec().clone();
    spec.parameters.retain(|p| p.name != "ka" && p.name != "kel");
    let no_pk = sasp::model::Model::from_spec(spec).unwrap();
    let arm = Arm::new("iso").with(Antibody::isotype(once.clone())).prepare(&no_pk, -14.0).unwrap();
    assert_eq!(pk(&arm, "ka"), ("isotype_ka".to_string(), PkSource::Typical));
    assert_eq!(pk(&arm, "kpen"), ("kpen".to_string(), PkSource::Model));
    assert_eq!(arm.model.parameter("isotype_kel").unwrap(), 0.1);
    // Blocking antibodies look their Kd up as Kd_<RECEPTOR>.
    let arm = Arm::new("block").with(Antibody::anti_nkg2d(once.clone())).prepare(&model, -14.0).unwrap();
    assert_eq!(pk(&arm, "Kd"), ("Kd_NKG2D".to_string(), PkSource::Model));
    // A value given with its unit becomes a parameter of the arm's model, converted.
    let fast = Antibody::neutralizing(Chemokine::CCL2, once.clone())
        .with_pk("kel", PkValue::Value(1.0, "1/h".into()))
        .unwrap();
    let arm = Arm::new("fast").with(fast).prepare(&model, -14.0).unwrap();
    assert_eq!(pk(&arm, "kel"), ("anti_CCL2_kel".to_string(), PkSource::Given));
    assert!((arm.model.parameter_canonical("anti_CCL2_kel").unwrap() - 24.0).abs() < 1e-12);
    // Errors: a named parameter the model lacks, a unit of the wrong dimension, an unknown quantity.
    let missing = Antibody::isotype(once.clone()).with_pk("ka", PkValue::Parameter("ka_ip".into())).unwrap();
    let e = Arm::new("m").with(missing).prepare(&model, -14.0).unwrap_err();
    assert!(matches!(e.root(), SaspError::Model(ModelError::UnknownParameter { name, .. }) if name == "ka_ip"), "{e}");
    assert!(e.to_string().contains("ka of antibody 'isotype'"), "{e}");
    let wrong = Antibody::isotype(once.clone()).with_pk("kel", PkValue::Value(1.0, "nM".into())).unwrap();
    let e = Arm::new("w").with(wrong).prepare(&model, -14.0).unwrap_err().to_string();
    assert!(e.contains("isotype_kel"), "{e}");
    let e = Antibody::isotype(once).with_pk("half_life", PkValue::Default).unwrap_err().to_string();
    assert!(e.contains("'half_life'") && e.contains("ka, kel"), "{e}");
}

#[test]
fn a_varied_parameter_leaves_what_the_arm_set_itself() {
    // A sweep or sensitivity analysis that varies g_NKG2D on the NKG2D-null
    // arm leaves the knockout's 0, and sets the other parameters.
    let model = sasp::models::iannello2013().unwrap();
    let arm = Arm::new("NKG2D-null").with(P53Restoration::at(0.0)).with(Intervention::nkg2d_knockout());
    let prepared = arm.prepare(&model, model.initial_time()).unwrap();
    assert_eq!(prepared.fixed_parameters, ["g_NKG2D"]);
    let varied = prepared.with_parameters(&[("g_NKG2D", 2.0), ("k_kill", 5.0)]).unwrap();
    assert_eq!(varied.model.parameter("g_NKG2D").unwrap(), 0.0);
    assert_eq!(varied.model.parameter("k_kill").unwrap(), 5.0);
    // The same solve as the arm prepared from a model with k_kill = 5.
    let direct = arm.prepare(&model.with_parameter("k_kill", 5.0).unwrap(), model.initial_time()).unwrap();
    let experiment = Experiment::new(&model).until(21.0);
    let (a, b) = (experiment.run_prepared(&varied).unwrap(), experiment.run_prepared(&direct).unwrap());
    assert_eq!(a.value("tumor_volume_mm3", 14.0).unwrap(), b.value("tumor_volume_mm3", 14.0).unwrap());
    // An unknown name is still an error.
    assert!(prepared.with_parameters(&[("no_such_parameter", 1.0)]).is_err());
}
