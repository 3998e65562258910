//! Each bad input yields its own error, naming the offending item; none panics.

use sasp::model::{
    Compartment, Factor, Model, ModelBuilder, ModelSpec, ProcessDecl, Provenance, Quantity, RateLaw, TumorState,
};
use sasp::ModelError;
use sasp::{SaspError, SolveErrorKind};

fn reference_spec() -> ModelSpec {
    sasp::models::iannello2013().unwrap().spec().clone()
}

fn build(edit: impl FnOnce(&mut ModelSpec)) -> SaspError {
    let mut spec = reference_spec();
    edit(&mut spec);
    Model::from_spec(spec).unwrap_err()
}

fn process<'a>(spec: &'a mut ModelSpec, name: &str) -> &'a mut ProcessDecl {
    spec.processes.iter_mut().find(|p| p.name == name).unwrap()
}

#[test]
fn unknown_names() {
    let e = build(|s| {
        process(s, "senescence").changes.insert("Z".into(), (-1.0).into());
    });
    assert!(
        matches!(&e, SaspError::Model(ModelError::UnknownCompartment { name, context }) if name == "Z" && context.contains("senescence")),
        "{e}"
    );

    let e = build(|s| process(s, "senescence").rate = RateLaw::FirstOrder { k: "nope".into(), of: "P".into() });
    assert!(matches!(&e, SaspError::Model(ModelError::UnknownParameter { name, .. }) if name == "nope"), "{e}");

    let e =
        build(|s| process(s, "p53 induction").rate = RateLaw::TimeSource { k: "1/tau_53".into(), input: "dox".into() });
    assert!(matches!(&e, SaspError::Model(ModelError::UnknownInput { name, .. }) if name == "dox"), "{e}");

    let e = build(|s| s.pools[0].sum.push("Y".into()));
    assert!(
        matches!(&e, SaspError::Model(ModelError::UnknownCompartment { name, context }) if name == "Y" && context.contains("pool 'T'")),
        "{e}"
    );
}

#[test]
fn duplicates() {
    let e = build(|s| s.compartments[1].name = "P".into());
    assert!(matches!(&e, SaspError::Model(ModelError::Duplicate { kind: "compartment", name }) if name == "P"), "{e}");
    let e = build(|s| s.parameters[1].name = "r".into());
    assert!(matches!(&e, SaspError::Model(ModelError::Duplicate { kind: "parameter", name }) if name == "r"), "{e}");
    let e = build(|s| s.processes[1].name = s.processes[0].name.clone());
    assert!(matches!(&e, SaspError::Model(ModelError::Duplicate { kind: "process", .. })), "{e}");
    let e = build(|s| s.pools[0].name = "P".into());
    assert!(
        matches!(&e, SaspError::Model(ModelError::Duplicate { kind: "compartment or pool", name }) if name == "P"),
        "{e}"
    );
}

#[test]
fn bad_values() {
    for bad in [-1.0, f64::NAN, f64::INFINITY] {
        let e = build(|s| s.parameters[0].value = bad);
        assert!(matches!(&e, SaspError::Model(ModelError::InvalidParameter { name, .. }) if name == "r"), "{e}");
        let e = build(|s| s.compartments[0].initial = bad);
        assert!(matches!(&e, SaspError::Model(ModelError::InvalidInitialValue { name, .. }) if name == "P"), "{e}");
    }
    let model = sasp::models::iannello2013().unwrap();
    assert!(matches!(model.with_parameter("K", -5.0), Err(SaspError::Model(ModelError::InvalidParameter { .. }))));
    assert!(matches!(model.with_parameter("KK", 5.0), Err(SaspError::Model(ModelError::UnknownParameter { .. }))));
    assert!(matches!(model.with_initial("P", f64::NAN), Err(SaspError::Model(ModelError::InvalidInitialValue { .. }))));
    // A zero half-saturation constant or a division by a zero parameter.
    let e = model.with_parameter("K2", 0.0).unwrap_err();
    assert!(e.to_string().contains("'K2' must be positive"), "{e}");
    let e = model.with_parameter("tau_53", 0.0).unwrap_err();
    assert!(e.to_string().contains("divides by 'tau_53'"), "{e}");
    // A zero killing share is fine (that is the NKG2D-null host).
    assert_eq!(model.with_parameter("g_NKG2D", 0.0).unwrap().parameter("g_NKG2D").unwrap(), 0.0);
}

#[test]
fn unit_mismatches_name_the_process() {
    // A chemokine counted in cells.
    let e = build(|s| s.compartments[4].unit = "Mcells".into());
    assert!(
        matches!(&e, SaspError::Model(ModelError::UnitMismatch { context, .. }) if context.contains("'C2'")),
        "{e}"
    );
    // A secretion rate in the wrong unit: rate would be 1/day, C2 needs nM/day.
    let e = build(|s| s.parameters.iter_mut().find(|p| p.name == "sigma2_S").unwrap().unit = "1/day".into());
    match &e {
        SaspError::Model(ModelError::UnitMismatch { context, expected, found }) => {
            assert!(context.contains("secretion of C2 by senescent cells"), "{context}");
            assert_eq!(expected, "nM/day");
            assert_eq!(found, "1/day");
        }
        other => panic!("{other}"),
    }
    // A half-saturation constant in the wrong unit.
    let e = build(|s| s.parameters.iter_mut().find(|p| p.name == "K2").unwrap().unit = "Mcells".into());
    assert!(
        matches!(&e, SaspError::Model(ModelError::UnitMismatch { context, .. }) if context.contains("'K2'")),
        "{e}"
    );
    // A pool mixing cells and concentrations.
    let e = build(|s| s.pools[0].sum.push("C2".into()));
    assert!(matches!(&e, SaspError::Model(ModelError::UnitMismatch { .. })), "{e}");
    // Unparseable unit text.
    let e = build(|s| s.parameters[0].unit = "1/fortnight".into());
    assert!(matches!(&e, SaspError::Model(ModelError::UnitParse { .. })), "{e}");
}

#[test]
fn equivalent_units_are_converted() {
    // delta_C written per hour: 20/24 per hour is the same model.
    let mut spec = reference_spec();
    let p = spec.parameters.iter_mut().find(|p| p.name == "delta_C").unwrap();
    p.value = 20.0 / 24.0;
    p.unit = "1/h".into();
    let model = Model::from_spec(spec).unwrap();
    assert!((model.parameter_canonical("delta_C").unwrap() - 20.0).abs() < 1e-12);
    assert!((model.parameter("delta_C").unwrap() - 20.0 / 24.0).abs() < 1e-15); // as declared, in 1/h
}

#[test]
fn structural_errors() {
    let e = build(|s| process(s, "senescence").changes.clear());
    assert!(e.to_string().contains("changes no compartment"), "{e}");
    let e = build(|s| {
        process(s, "senescence").rate = RateLaw::Hill { k: "k_sen".into(), of: "P".into(), half: "K".into(), n: 0.5 }
    });
    assert!(e.to_string().contains("Hill coefficient"), "{e}");
    let e = build(|s| {
        process(s, "senescence").modifiers = vec![Factor::Species { of: "S".into(), order: 0 }];
    });
    assert!(e.to_string().contains("order"), "{e}");
    let e = build(|s| process(s, "senescence").rate = RateLaw::FirstOrder { k: "k_sen**".into(), of: "P".into() });
    assert!(e.to_string().contains("missing factor"), "{e}");
    let too_many = vec![Factor::Input { input: "doxycycline".into() }; sasp::model::MAX_FACTORS];
    let e = build(|s| process(s, "senescence").modifiers = too_many);
    assert!(e.to_string().contains("at most"), "{e}");
}

#[test]
fn calls_with_wrong_sizes_are_errors() {
    let model = sasp::models::iannello2013().unwrap();
    let mut dy = vec![0.0; 13];
    assert!(matches!(model.rhs(0.0, &[1.0; 12], &[0.0], &mut dy), Err(SaspError::DimensionMismatch { .. })));
    assert!(matches!(model.rhs(0.0, &[1.0; 13], &[], &mut dy), Err(SaspError::DimensionMismatch { .. })));
    let mut small = nalgebra::DMatrix::zeros(12, 13);
    assert!(model.jacobian_dense(0.0, &[1.0; 13], &[0.0], &mut small).is_err());
    assert!(model.jacobian_sparse(0.0, &[1.0; 13], &[0.0], &mut [0.0; 3]).is_err());
    assert!(model.index_of("nope").is_err());
    assert!(model.value_of("T", &[1.0; 3]).is_err());
}

#[test]
fn user_defined_compartments_build() {
    let model = ModelBuilder::new("two-state")
        .compartment("P", Compartment::Tumor(TumorState::Proliferating), "Mcells", 1.0)
        .compartment("drug", Compartment::Other(Quantity::Concentration), "uM", 0.5)
        .parameter("r", 0.5, "1/day", Provenance::Assumed, "")
        .parameter("kd", 1.0, "1/day", Provenance::Assumed, "")
        .parameter("IC50", 100.0, "nM", Provenance::Assumed, "")
        .process(
            ProcessDecl::new("growth", RateLaw::FirstOrder { k: "r".into(), of: "P".into() })
                .times(Factor::HillRepressor { of: "drug".into(), half: "IC50".into(), n: 1.0 })
                .change("P", 1.0),
        )
        .process(
            ProcessDecl::new("clearance", RateLaw::FirstOrder { k: "kd".into(), of: "drug".into() })
                .change("drug", -1.0),
        )
        .build()
        .unwrap();
    // The drug's initial 0.5 uM is 500 nM in canonical units.
    assert_eq!(model.initial_state(), vec![1.0, 500.0]);
    let mut dy = [0.0; 2];
    model.rhs(0.0, &[1.0, 500.0], &[], &mut dy).unwrap();
    assert!((dy[0] - 0.5 * 100.0 / 600.0).abs() < 1e-15);
    assert_eq!(dy[1], -500.0);
}

#[test]
fn a_model_without_compartments_is_refused_when_built() {
    let e = ModelBuilder::new("empty").build().unwrap_err();
    assert!(matches!(&e, SaspError::Model(ModelError::NoCompartments(m)) if m == "empty"), "{e}");
    let e = ModelBuilder::new("params").parameter("k", 1.0, "1/day", Provenance::Assumed, "").build().unwrap_err();
    assert!(e.to_string().contains("'params' declares no compartments"), "{e}");
}

#[test]
fn overflow_after_conversion_or_in_a_product_is_refused_when_built() {
    // 1e308 per hour.
    let e = build(|s| {
        let p = s.parameters.iter_mut().find(|p| p.name == "delta_C").unwrap();
        p.value = 1e308;
        p.unit = "1/h".into();
    });
    assert!(
        matches!(&e, SaspError::Model(ModelError::NotFinite { kind: "parameter", name, .. }) if name == "delta_C"),
        "{e}"
    );
    // 1/tau with tau = 1e-320.
    let e = build(|s| s.parameters.iter_mut().find(|p| p.name == "tau_53").unwrap().value = 1e-320);
    assert!(
        matches!(&e, SaspError::Model(ModelError::NotFinite { kind: "process", name, .. }) if name == "p53 induction"),
        "{e}"
    );
    assert!(e.to_string().contains("1/tau_53"), "{e}");
    // k*big*big.
    let e = build(|s| {
        s.parameters.push(sasp::model::ParameterDecl {
            name: "big".into(),
            value: 1e200,
            unit: "1".into(),
            tag: Provenance::Assumed,
            source: String::new(),
            description: String::new(),
            uncertainty: None,
        });
        process(s, "decay of C2").rate = RateLaw::FirstOrder { k: "delta_C*big*big".into(), of: "C2".into() };
    });
    assert!(
        matches!(&e, SaspError::Model(ModelError::NotFinite { kind: "process", name, .. }) if name == "decay of C2"),
        "{e}"
    );
    // Numbers in a coefficient overflow too; a product that underflows to 0 is refused as well.
    let e = build(|s| {
        process(s, "decay of C2").rate = RateLaw::FirstOrder { k: "1e300*delta_C*1e10".into(), of: "C2".into() }
    });
    assert!(matches!(&e, SaspError::Model(ModelError::NotFinite { kind: "process", .. })), "{e}");
    let e = build(|s| {
        process(s, "decay of C2").rate = RateLaw::FirstOrder { k: "1e-300*delta_C*1e-300".into(), of: "C2".into() }
    });
    assert!(e.to_string().contains("underflows to 0"), "{e}");
    // A Hill constant K^n that overflows, a capacity whose reciprocal does.
    let e = build(|s| {
        process(s, "senescence").rate = RateLaw::Hill { k: "k_sen".into(), of: "P".into(), half: "K".into(), n: 200.0 }
    });
    assert!(
        matches!(&e, SaspError::Model(ModelError::NotFinite { kind: "process", name, .. }) if name == "senescence"),
        "{e}"
    );
    let e = build(|s| s.parameters.iter_mut().find(|p| p.name == "K").unwrap().value = 1e-320);
    assert!(matches!(&e, SaspError::Model(ModelError::NotFinite { kind: "process", .. })), "{e}");
    // A parameter that underflows to 0 in canonical units.
    let e = build(|s| {
        let p = s.parameters.iter_mut().find(|p| p.name == "delta_C").unwrap();
        p.value = 5e-324;
        p.unit = "1/week".into();
    });
    assert!(
        matches!(&e, SaspError::Model(ModelError::NotFinite { kind: "parameter", .. }))
            && e.to_string().contains("underflows"),
        "{e}"
    );
    // An absurd species order.
    let e = build(|s| process(s, "senescence").modifiers = vec![Factor::Species { of: "S".into(), order: u32::MAX }]);
    assert!(e.to_string().contains("order of 'S'"), "{e}");
}

#[test]
fn options_refuse_empty_systems_loose_rtol_and_zero_atol() {
    use sasp::solve::{Options, Tolerance};
    let ok = Options::default();
    ok.validate(3).unwrap();
    let e = ok.validate(0).unwrap_err();
    assert!(e.to_string().contains("no components"), "{e}");
    for rtol in [1.0, 10.0] {
        let e = Options { rtol, ..Options::default() }.validate(3).unwrap_err();
        assert!(e.to_string().contains("rtol must be below 1"), "{e}");
    }
    Options { rtol: 0.5, ..Options::default() }.validate(3).unwrap();
    let e = Options { atol: Tolerance::Scalar(0.0), ..Options::default() }.validate(3).unwrap_err();
    assert!(e.to_string().contains("atol is 0 for every component") && e.to_string().contains("reaches 0"), "{e}");
    let e = Options { atol: Tolerance::PerComponent(vec![0.0; 3]), ..Options::default() }.validate(3).unwrap_err();
    assert!(e.to_string().contains("atol is 0"), "{e}");
    // Some components without absolute control are allowed.
    Options { atol: Tolerance::PerComponent(vec![0.0, 1e-9, 0.0]), ..Options::default() }.validate(3).unwrap();
}

#[test]
fn experiments_bound_their_samples_and_check_every_arm_first() {
    use sasp::experiment::{Experiment, MAX_SAMPLES};
    use sasp::intervene::{Arm, P53Restoration};
    use sasp::solve::{Options, Tolerance};
    let model = sasp::models::iannello2013().unwrap();
    let arm = || Arm::new("control").with(P53Restoration::at(0.0));
    let err = |e: Experiment| e.arms([arm()]).run().unwrap_err();
    // until = 1e9 would be 8 GB of samples per run.
    let e = err(Experiment::new(&model).until(1e9));
    assert!(
        matches!(e.root(), SaspError::LimitExceeded { what: "samples", limit, .. } if *limit == MAX_SAMPLES),
        "{e}"
    );
    assert!(e.to_string().starts_with("arm 'control': too many samples"), "{e}");
    for every in [1e-9, 1.5e-20, 0.0, -1.0, f64::NAN] {
        let e = err(Experiment::new(&model).sample_every(every));
        assert!(e.to_string().contains("arm 'control'"), "{every}: {e}");
    }
    for until in [f64::NAN, -20.0, 0.0, f64::INFINITY, 5.5e13] {
        let e = err(Experiment::new(&model).until(until));
        assert!(e.to_string().contains("arm 'control'"), "{until}: {e}");
    }
    // Options are checked against the arm's model.
    let e = err(Experiment::new(&model).options(Options { rtol: 10.0, ..Options::default() }));
    assert!(e.to_string().contains("arm 'control'") && e.to_string().contains("rtol must be below 1"), "{e}");
    let e = err(Experiment::new(&model).options(Options { atol: Tolerance::Scalar(0.0), ..Options::default() }));
    assert!(e.to_string().contains("atol is 0"), "{e}");
    // A solver failure names the arm.
    let e = err(Experiment::new(&model).options(Options { max_steps: 3, ..Options::default() }));
    assert!(matches!(e.solve_error().map(|s| s.kind), Some(SolveErrorKind::TooManySteps { .. })), "{e}");
    assert!(e.to_string().starts_with("arm 'control': too many steps"), "{e}");
    // A bad last arm is found before the first runs: the error comes at once.
    let late =
        Arm::new("late").with(sasp::intervene::Antibody::isotype(sasp::intervene::DoseSchedule::once(1.0, 30.0)));
    let e = Experiment::new(&model).arms([arm(), late]).run().unwrap_err();
    assert!(e.to_string().starts_with("arm 'late':") && e.to_string().contains("after the end"), "{e}");
    // A sweep-style check of a prepared arm does the same.
    let prepared = arm().prepare(&model, model.initial_time()).unwrap();
    let e = Experiment::new(&model).until(1e9).check(&prepared).unwrap_err();
    assert!(matches!(e.root(), SaspError::LimitExceeded { .. }), "{e}");
    Experiment::new(&model).check(&prepared).unwrap();
}

#[test]
fn arm_names_with_control_characters_are_refused() {
    use sasp::experiment::Experiment;
    use sasp::intervene::Arm;
    let model = sasp::models::iannello2013().unwrap();
    for name in ["a\nb", "a\rb", "tab\there", "bell\u{7}", "", "  "] {
        let e = Experiment::new(&model).arms([Arm::new(name)]).run().unwrap_err();
        assert!(matches!(e.root(), SaspError::InvalidOptions(_)), "{name:?}: {e}");
        assert!(!e.to_string().contains(['\n', '\r']), "one line: {e}");
        assert!(Arm::new(name).prepare(&model, -14.0).is_err(), "{name:?}");
    }
}
