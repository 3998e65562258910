//! Open compartment kinds: a chemokine the engine has never heard of
//! (`chemokine.CXCL10`) is a typed chemokine like the well-known ones — it
//! loads, runs, and a neutralizing antibody binds it — and an ill-formed
//! kind is refused at its line.

use sasp::experiment::{Experiment, Observable};
use sasp::intervene::{Antibody, Arm, DoseSchedule, Scenario, Switch};
use sasp::model::{Chemokine, Compartment, Model, Quantity};
use sasp::FileError;
use sasp::SaspError;

const MODEL: &str = include_str!("../../models/cxcl10_tcells.toml");

fn model() -> Model {
    Model::from_toml_str(MODEL, "cxcl10_tcells.toml").unwrap()
}

fn line_of(text: &str, needle: &str) -> usize {
    text[..text.find(needle).unwrap()].matches('\n').count() + 1
}

#[test]
fn a_user_chemokine_is_a_typed_compartment() {
    let model = model();
    let cxcl10 = Chemokine::named("CXCL10").unwrap();
    let x = model.spec().compartments.iter().find(|c| c.name == "X").unwrap();
    assert_eq!(x.kind, Compartment::Chemokine(cxcl10));
    assert_eq!(x.kind.quantity(), Quantity::Concentration);
    assert_eq!(x.kind.to_string(), "chemokine.CXCL10");
    assert!(!cxcl10.is_well_known());
    assert_eq!(Chemokine::named("CCL2").unwrap(), Chemokine::CCL2);
}

#[test]
fn an_antibody_against_a_user_chemokine_neutralizes_it() {
    let model = model();
    let cxcl10 = Chemokine::named("CXCL10").unwrap();
    let treatment = Arm::new("treatment").with(Switch::new(7.0, "treatment", 1.0));
    let blocked = Arm::new("blocked")
        .with(Switch::new(7.0, "treatment", 1.0))
        .with(Antibody::neutralizing(cxcl10, DoseSchedule::repeated(100.0, 6.0, 3.0, 27.0)));
    let results = Experiment::new(&model)
        .arms([treatment, blocked])
        .until(28.0)
        .reference_day(7.0)
        .observables([Observable::pool("tumor", "mm³", &["C"]), Observable::free("cxcl10", "nM", "X")])
        .clearance(sasp::experiment::ClearanceSpec::of("tumor"))
        .run()
        .unwrap();
    let (free, total) = results[0].chemokine_at(cxcl10, 14.0).unwrap();
    let (free_ab, total_ab) = results[1].chemokine_at(cxcl10, 14.0).unwrap();
    assert!(free > 0.1, "CXCL10 is secreted under treatment: {free} nM");
    assert!((free - total).abs() < 1e-12 * total.max(1.0), "no antibody, no complex: {free} vs {total}");
    assert!(free_ab < 0.1 * free, "the antibody neutralizes CXCL10: free {free_ab} vs {free} nM");
    assert!(total_ab > total, "bound CXCL10 accumulates: total {total_ab} vs {total} nM");
    // Before treatment there is no CXCL10 in either arm.
    assert_eq!(results[1].chemokine_at(cxcl10, 5.0).unwrap().0, 0.0);
}

#[test]
fn ill_formed_kinds_are_refused_at_their_line() {
    for (bad, needle) in [
        ("chemokine.CXCL-10", "CXCL-10"),
        ("chemokine.", "chemokine.\""),
        ("chemokine.cxcl10 ", "cxcl10 "),
        ("chemokin.CXCL10", "chemokin."),
    ] {
        let text = MODEL.replacen("chemokine.CXCL10", bad, 1);
        match Model::from_toml_str(&text, "m.toml").unwrap_err() {
            SaspError::File(FileError::Syntax { line, message, .. }) => {
                assert_eq!(line, line_of(&text, needle), "{bad}: {message}");
                assert!(message.contains(bad.trim_end_matches(' ').rsplit('.').next().unwrap()), "{message}");
            }
            other => panic!("{bad}: {other}"),
        }
    }
    // A well-known name in the wrong case points at the right spelling.
    let text = MODEL.replacen("chemokine.CXCL10", "chemokine.ccl2", 1);
    let message = Model::from_toml_str(&text, "m.toml").unwrap_err().to_string();
    assert!(message.contains("'CCL2'"), "{message}");
}

const SCENARIO: &str = "[experiment]\nuntil = 21.0\n\n[[arm]]\nname = \"blocked\"\n[[arm.antibody]]\ntarget = \"CXCL10\"\ndose_nm = 100.0\nfirst = 6.0\n";

#[test]
fn scenario_files_take_any_chemokine_the_model_declares() {
    let scenario = Scenario::from_toml_str(SCENARIO, "blocked.toml").unwrap();
    let model = model();
    let results = Experiment::from_scenario(&model, &scenario)
        .observables([Observable::free("cxcl10", "nM", "X")])
        .clearance(sasp::experiment::ClearanceSpec::of("cxcl10"))
        .run()
        .unwrap();
    assert_eq!(results.len(), 1);

    // A model without CXCL10: refused at the arm's line, naming what it has.
    let reference = sasp::models::iannello2013().unwrap();
    let err = Experiment::from_scenario(&reference, &scenario).run().unwrap_err().to_string();
    assert!(err.contains("blocked.toml") && err.contains(":5"), "{err}");
    assert!(err.contains("chemokine.CXCL10") && err.contains("CCL2"), "{err}");

    // An ill-formed target: refused when the file is read, at its line.
    let text = SCENARIO.replace("\"CXCL10\"", "\"CXCL 10\"");
    match Scenario::from_toml_str(&text, "bad.toml").unwrap_err() {
        SaspError::File(FileError::At { line, source, .. }) => {
            let message = source.to_string();
            assert_eq!(line, 7);
            assert!(message.contains("is not a chemokine") && message.contains("CXCL 10"), "{message}");
        }
        other => panic!("{other}"),
    }
}

#[test]
fn scenario_files_switch_any_input_the_model_declares() {
    let text = "[experiment]\nuntil = 28.0\n\n[[arm]]\nname = \"treatment\"\n[[arm.input]]\nname = \"treatment\"\nday = 7.0\nvalue = 1.0\n[[arm.antibody]]\ntarget = \"CXCL10\"\ndose_nm = 100.0\nfirst = 6.0\nevery = 3.0\nuntil = 27.0\n";
    let scenario = Scenario::from_toml_str(text, "treatment.toml").unwrap();
    let expected = Arm::new("treatment").with(Switch::new(7.0, "treatment", 1.0)).with(Antibody::neutralizing(
        Chemokine::named("CXCL10").unwrap(),
        DoseSchedule::repeated(100.0, 6.0, 3.0, 27.0),
    ));
    assert_eq!(scenario.arms[0], expected);
    let model = model();
    let results = Experiment::from_scenario(&model, &scenario)
        .observables([Observable::free("cxcl10", "nM", "X"), Observable::total("cxcl10_total", "nM", "X")])
        .clearance(sasp::experiment::ClearanceSpec::of("cxcl10"))
        .run()
        .unwrap();
    let total = results[0].series("cxcl10_total").unwrap();
    assert_eq!(total[6], 0.0);
    assert!(total[14] > 0.1, "CXCL10 secreted from day 7: {}", total[14]);

    // A switch after the end of the run: refused at its line.
    let late = text.replace("day = 7.0", "day = 30.0");
    let err = Scenario::from_toml_str(&late, "late.toml").unwrap_err().to_string();
    assert!(err.contains("late.toml") && err.contains(":6") && err.contains("after the end"), "{err}");
    // An input the model lacks: refused when the arm meets the model, at the arm's line.
    let other = text.replace("name = \"treatment\"\nday", "name = \"treatmnt\"\nday");
    let scenario = Scenario::from_toml_str(&other, "other.toml").unwrap();
    let err = Experiment::from_scenario(&model, &scenario)
        .observables([Observable::free("cxcl10", "nM", "X")])
        .clearance(sasp::experiment::ClearanceSpec::of("cxcl10"))
        .run()
        .unwrap_err()
        .to_string();
    assert!(err.contains("other.toml") && err.contains("treatmnt"), "{err}");
}
