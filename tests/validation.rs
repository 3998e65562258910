//! Each bad input yields its own error, naming the offending item; none panics.

use sasp::model::{
    Compartment, Factor, Model, ModelBuilder, ModelSpec, ProcessDecl, Provenance, Quantity, RateLaw, TumorState,
};
use sasp::SaspError;

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
        matches!(&e, SaspError::UnknownCompartment { name, context } if name == "Z" && context.contains("senescence")),
        "{e}"
    );

    let e = build(|s| process(s, "senescence").rate = RateLaw::FirstOrder { k: "nope".into(), of: "P".into() });
    assert!(matches!(&e, SaspError::UnknownParameter { name, .. } if name == "nope"), "{e}");

    let e =
        build(|s| process(s, "p53 induction").rate = RateLaw::TimeSource { k: "1/tau_53".into(), input: "dox".into() });
    assert!(matches!(&e, SaspError::UnknownInput { name, .. } if name == "dox"), "{e}");

    let e = build(|s| s.pools[0].sum.push("Y".into()));
    assert!(
        matches!(&e, SaspError::UnknownCompartment { name, context } if name == "Y" && context.contains("pool 'T'")),
        "{e}"
    );
}

#[test]
fn duplicates() {
    let e = build(|s| s.compartments[1].name = "P".into());
    assert!(matches!(&e, SaspError::Duplicate { kind: "compartment", name } if name == "P"), "{e}");
    let e = build(|s| s.parameters[1].name = "r".into());
    assert!(matches!(&e, SaspError::Duplicate { kind: "parameter", name } if name == "r"), "{e}");
    let e = build(|s| s.processes[1].name = s.processes[0].name.clone());
    assert!(matches!(&e, SaspError::Duplicate { kind: "process", .. }), "{e}");
    let e = build(|s| s.pools[0].name = "P".into());
    assert!(matches!(&e, SaspError::Duplicate { kind: "compartment or pool", name } if name == "P"), "{e}");
}

#[test]
fn bad_values() {
    for bad in [-1.0, f64::NAN, f64::INFINITY] {
        let e = build(|s| s.parameters[0].value = bad);
        assert!(matches!(&e, SaspError::InvalidParameter { name, .. } if name == "r"), "{e}");
        let e = build(|s| s.compartments[0].initial = bad);
        assert!(matches!(&e, SaspError::InvalidInitialValue { name, .. } if name == "P"), "{e}");
    }
    let model = sasp::models::iannello2013().unwrap();
    assert!(matches!(model.with_parameter("K", -5.0), Err(SaspError::InvalidParameter { .. })));
    assert!(matches!(model.with_parameter("KK", 5.0), Err(SaspError::UnknownParameter { .. })));
    assert!(matches!(model.with_initial("P", f64::NAN), Err(SaspError::InvalidInitialValue { .. })));
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
    assert!(matches!(&e, SaspError::UnitMismatch { context, .. } if context.contains("'C2'")), "{e}");
    // A secretion rate in the wrong unit: rate would be 1/day, C2 needs nM/day.
    let e = build(|s| s.parameters.iter_mut().find(|p| p.name == "sigma2_S").unwrap().unit = "1/day".into());
    match &e {
        SaspError::UnitMismatch { context, expected, found } => {
            assert!(context.contains("secretion of C2 by senescent cells"), "{context}");
            assert_eq!(expected, "nM/day");
            assert_eq!(found, "1/day");
        }
        other => panic!("{other}"),
    }
    // A half-saturation constant in the wrong unit.
    let e = build(|s| s.parameters.iter_mut().find(|p| p.name == "K2").unwrap().unit = "Mcells".into());
    assert!(matches!(&e, SaspError::UnitMismatch { context, .. } if context.contains("'K2'")), "{e}");
    // A pool mixing cells and concentrations.
    let e = build(|s| s.pools[0].sum.push("C2".into()));
    assert!(matches!(&e, SaspError::UnitMismatch { .. }), "{e}");
    // Unparseable unit text.
    let e = build(|s| s.parameters[0].unit = "1/fortnight".into());
    assert!(matches!(&e, SaspError::UnitParse { .. }), "{e}");
}

#[test]
fn equivalent_units_are_converted() {
    // delta_C written per hour: 20/24 per hour is the same model.
    let mut spec = reference_spec();
    let p = spec.parameters.iter_mut().find(|p| p.name == "delta_C").unwrap();
    p.value = 20.0 / 24.0;
    p.unit = "1/h".into();
    let model = Model::from_spec(spec).unwrap();
    assert!((model.parameter("delta_C").unwrap() - 20.0).abs() < 1e-12);
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
