//! Typed errors: real failures match on their variants (docs/architecture.md,
//! "Typed, layered errors"), and `root()` finds the cause under the arm and
//! file wrappers.

use sasp::experiment::Experiment;
use sasp::intervene::Arm;
use sasp::model::{Compartment, CustomLaw, Model, ModelBuilder, ProcessDecl, Quantity, RateLaw};
use sasp::solve::Method;
use sasp::{FileError, ModelError, SaspError};
use std::sync::Arc;

#[test]
fn an_unknown_parameter_in_a_model_file_is_a_model_error_at_its_line() {
    let text = sasp::models::IANNELLO2013_TOML.replacen("k = \"r\"", "k = \"r_typo\"", 1);
    let line = text.lines().position(|l| l.contains("r_typo")).unwrap() + 1;
    let e = Model::from_toml_str(&text, "typo.toml").unwrap_err();
    match &e {
        SaspError::File(FileError::At { path, line: l, column: Some(_), source }) => {
            assert_eq!(path.to_str(), Some("typo.toml"));
            assert_eq!(*l, line);
            assert!(
                matches!(&**source, SaspError::Model(ModelError::UnknownParameter { name, .. }) if name == "r_typo")
            );
        }
        other => panic!("expected a located model error, got {other:?}"),
    }
    assert!(matches!(e.root(), SaspError::Model(ModelError::UnknownParameter { .. })), "{e}");
    assert!(matches!(e.model_error(), Some(ModelError::UnknownParameter { name, .. }) if name == "r_typo"));
    assert!(e.to_string().starts_with(&format!("typo.toml:{line}:")), "{e}");
    assert!(e.to_string().contains("unknown parameter 'r_typo'"), "{e}");
}

#[test]
fn a_model_file_that_does_not_parse_is_a_syntax_error() {
    let text = sasp::models::IANNELLO2013_TOML.replacen("initial = 1.0", "inital = 1.0", 1);
    let e = Model::from_toml_str(&text, "typo.toml").unwrap_err();
    assert!(matches!(&e, SaspError::File(FileError::Syntax { message, .. }) if message.contains("inital")), "{e}");
    assert!(e.model_error().is_none());
    let e = Model::from_file("/nonexistent/model.toml").unwrap_err();
    assert!(matches!(&e, SaspError::File(FileError::Io { .. })), "{e}");
}

#[test]
fn arm_results_refuse_unsampled_days_and_unknown_observables() {
    let model = sasp::models::iannello2013().unwrap();
    let results = Experiment::new(&model).arms([Arm::new("control")]).until(2.0).run().unwrap();
    let control = &results[0];
    let observable = control.observables[0].name.clone();
    control.value(&observable, 1.0).unwrap();
    let e = control.value(&observable, 1.5).unwrap_err();
    assert!(matches!(&e, SaspError::NoSample { arm, day } if arm == "control" && *day == 1.5), "{e}");
    assert_eq!(e.to_string(), "arm 'control' has no sample at day 1.5");
    let e = control.value("no_such_observable", 1.0).unwrap_err();
    assert!(
        matches!(&e, SaspError::UnknownObservable { arm, name } if arm == "control" && name == "no_such_observable"),
        "{e}"
    );
}

#[test]
fn an_unknown_method_name_is_its_own_error() {
    let e = Method::parse("rk99").unwrap_err();
    match &e {
        SaspError::UnknownMethod { name, known } => {
            assert_eq!(name, "rk99");
            assert!(known.contains("dopri5") && known.ends_with("auto"), "{known}");
        }
        other => panic!("expected UnknownMethod, got {other:?}"),
    }
    assert!(e.to_string().starts_with("unknown method 'rk99' (known: "), "{e}");
}

#[test]
fn a_model_with_a_closure_cannot_be_serialized() {
    let cells = Compartment::Other(Quantity::Cells);
    let law = CustomLaw {
        args: vec!["A".to_string()],
        unit: "Mcells/day".to_string(),
        vanishes_at_zero_of: vec![],
        rate: Arc::new(|_t, a: &[f64]| 0.1 * a[0]),
        gradient: None,
    };
    let model = ModelBuilder::new("closure")
        .compartment("A", cells, "Mcells", 1.0)
        .process(ProcessDecl::new("growth", RateLaw::Custom(law)).change("A", 1.0))
        .build()
        .unwrap();
    let e = model.to_toml().unwrap_err();
    assert!(matches!(&e, SaspError::Serialization { what: "TOML", .. }), "{e}");
    // A JSON document with NaN does not fail: serde_json writes `null`.
    let results = Experiment::new(&sasp::models::iannello2013().unwrap()).arms([Arm::new("c")]).until(1.0).run();
    assert!(sasp::output::experiment_json(&results.unwrap(), &[]).is_ok());
}

#[test]
fn root_finds_the_cause_under_arm_and_file_wrappers() {
    let cause = ModelError::unknown_parameter("k", "process 'growth'");
    let e = SaspError::from(cause).in_arm("treated").at_line("scenario.toml", 12);
    assert_eq!(e.to_string(), "scenario.toml:12: arm 'treated': unknown parameter 'k' referenced by process 'growth'");
    assert!(matches!(e.root(), SaspError::Model(ModelError::UnknownParameter { name, .. }) if name == "k"));
    // Wrapping again in the same arm or at another line changes nothing.
    let again = e.in_arm("treated").at_line("other.toml", 3);
    assert!(again.to_string().starts_with("scenario.toml:12: arm 'treated': "), "{again}");
    assert!(again.solve_error().is_none());
}
