//! SBML round trip: a model imported from SBML (cases of the SBML Test
//! Suite and hand-written documents with assignment rules, rate rules,
//! events and a compartment whose size changes) is exported
//! (`sasp::sbml::export`) and the exported text imported again; the two
//! models have the same right-hand side and Jacobian at several states and
//! the same simulated trajectory. A sasp model written with expression
//! laws, assignments and events (the reference model, initial time −14)
//! goes through the same trip, its time shifted by t₀.

use nalgebra::DMatrix;
use sasp::expr::{mathml, Expr};
use sasp::model::{AssignmentDecl, EventDecl, Model, ModelBuilder, ModelSpec, RateLaw};
use sasp::sbml::{read, Import};
use sasp::solve::{Method, Options, Tolerance};
use std::path::PathBuf;

fn import_str(xml: &str, source: &str) -> Import {
    let doc = read::read_str(xml, source).unwrap_or_else(|e| panic!("{source}: {e}"));
    Import::from_document(&doc, source).unwrap_or_else(|e| panic!("{source}: {e}"))
}

fn suite_case(case: &str) -> String {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("tests/data/sbml-test-suite/{case}-sbml-l3v2.xml"));
    std::fs::read_to_string(path).unwrap()
}

fn close(a: f64, b: f64, rtol: f64, atol: f64) -> bool {
    a == b || (a.is_nan() && b.is_nan()) || (a - b).abs() <= rtol * a.abs().max(b.abs()) + atol
}

/// The exported model of `original`, imported again; every SBML document
/// the export writes is read by the reader.
fn round_trip(original: &Model, source: &str) -> (String, Import) {
    let text = sasp::sbml::export(original, None).unwrap_or_else(|e| panic!("{source}: export: {e}"));
    let again = import_str(&text, &format!("{source} (exported)"));
    (text, again)
}

/// For each state of `a`, its index in `b` (None: `b` holds it as a
/// parameter, which needs it constant in `a`); the species ids are `a`'s
/// names, which `b`'s import renames if they are reserved words (`pi`).
fn state_map(a: &Model, b: &Import) -> Vec<Option<usize>> {
    a.compartment_names().map(|n| b.model.index_of(b.model_name(n)).ok()).collect()
}

/// `b`'s state for `a`'s state `y`.
fn mapped(map: &[Option<usize>], b: &Model, y: &[f64]) -> Vec<f64> {
    let mut out = b.initial_state();
    for (i, m) in map.iter().enumerate() {
        if let Some(j) = m {
            out[*j] = y[i];
        }
    }
    out
}

/// Same right-hand side and Jacobian at `states` (`a`'s time `t`, `b`'s
/// `t − shift`), `a`'s states held as parameters by `b` at their initial
/// values.
fn same_rhs_and_jacobian(a: &Model, b: &Import, states: &[Vec<f64>], times: &[f64], shift: f64, what: &str) {
    let map = state_map(a, b);
    let b = &b.model;
    // The re-import has no states of its own (but a placeholder when no
    // state changes at all).
    let common = map.iter().flatten().count();
    assert!(
        common == b.dimension() || (common == 0 && b.dimension() == 1),
        "{what}: the re-import has states of its own"
    );
    let (n, m) = (a.dimension(), b.dimension());
    // A model with delays takes its delayed values after the inputs: the
    // same made-up values for both (the re-import finds the same delays,
    // in the same order).
    assert_eq!(a.delays().len(), b.delays().len(), "{what}: the delays");
    let delayed = |inputs: Vec<f64>| -> Vec<f64> {
        inputs.into_iter().chain((0..a.delays().len()).map(|k| 0.3 + 0.1 * k as f64)).collect()
    };
    let (ua, ub) = (delayed(a.default_inputs()), delayed(b.default_inputs()));
    for y in states {
        let mut y = y.clone();
        let y0 = a.initial_state();
        for (i, s) in map.iter().enumerate() {
            if s.is_none() {
                y[i] = y0[i];
            }
        }
        let yb = mapped(&map, b, &y);
        for &t in times {
            let (mut da, mut db) = (vec![0.0; n], vec![0.0; m]);
            a.rhs(t, &y, &ua, &mut da).unwrap();
            b.rhs(t - shift, &yb, &ub, &mut db).unwrap();
            let (mut ja, mut jb) = (DMatrix::zeros(n, n), DMatrix::zeros(m, m));
            a.jacobian_dense(t, &y, &ua, &mut ja).unwrap();
            b.jacobian_dense(t - shift, &yb, &ub, &mut jb).unwrap();
            let names: Vec<&str> = a.compartment_names().collect();
            for i in 0..n {
                match map[i] {
                    Some(p) => {
                        assert!(
                            close(da[i], db[p], 1e-12, 1e-300),
                            "{what}: d{}/dt at t = {t}: {} vs {}",
                            names[i],
                            da[i],
                            db[p]
                        );
                        for j in 0..n {
                            if let Some(q) = map[j] {
                                let (x, z) = (ja[(i, j)], jb[(p, q)]);
                                assert!(
                                    close(x, z, 1e-12, 1e-300),
                                    "{what}: J[{}, {}] at t = {t}: {x} vs {z}",
                                    names[i],
                                    names[j]
                                );
                            }
                        }
                    }
                    None => assert_eq!(da[i], 0.0, "{what}: {} changes but was not exported as changing", names[i]),
                }
            }
        }
    }
}

/// Same simulated trajectory at `outputs` (`a`'s times; `b`'s shifted).
fn same_trajectory(a: &Model, b: &Import, outputs: &[f64], shift: f64, what: &str) {
    let options = Options { rtol: 1e-11, atol: Tolerance::Scalar(1e-15), ..Options::default() };
    let sa = a.simulate(outputs, Method::Rodas5p, &options).unwrap_or_else(|e| panic!("{what}: {e}"));
    let shifted: Vec<f64> = outputs.iter().map(|t| t - shift).collect();
    let sb = b.model.simulate(&shifted, Method::Rodas5p, &options).unwrap_or_else(|e| panic!("{what}: {e}"));
    assert_eq!(sa.t.len(), outputs.len(), "{what}");
    assert_eq!(sb.t.len(), outputs.len(), "{what}");
    let map = state_map(a, b);
    let names: Vec<&str> = a.compartment_names().collect();
    for (k, t) in outputs.iter().enumerate() {
        let (ya, yb) = (sa.state(k), sb.state(k));
        for (i, s) in map.iter().enumerate() {
            let other = match s {
                Some(j) => yb[*j],
                None => a.initial_state()[i],
            };
            assert!(close(ya[i], other, 1e-9, 1e-14), "{what}: {} at t = {t}: {} vs {other}", names[i], ya[i]);
        }
    }
}

/// States around the initial one (scaled, shifted, every component positive).
fn probes(model: &Model) -> Vec<Vec<f64>> {
    let y0 = model.initial_state();
    vec![
        y0.clone(),
        y0.iter().enumerate().map(|(i, v)| v * 1.3 + 0.05 * (i + 1) as f64).collect(),
        y0.iter().enumerate().map(|(i, v)| v * 0.4 + 0.2 + 0.01 * i as f64).collect(),
    ]
}

fn check_sbml(xml: &str, source: &str, outputs: &[f64]) -> String {
    let a = import_str(xml, source).model;
    let (text, b) = round_trip(&a, source);
    same_rhs_and_jacobian(&a, &b, &probes(&a), &[0.0, 0.7, 2.5], 0.0, source);
    same_trajectory(&a, &b, outputs, 0.0, source);
    // The trip is stable: exporting the re-import gives the same model again.
    let (_, c) = round_trip(&b.model, source);
    same_rhs_and_jacobian(&b.model, &c, &probes(&b.model), &[1.0], 0.0, source);
    text
}

fn count(text: &str, needle: &str) -> usize {
    text.matches(needle).count()
}

// ------------------------------------------------------------------ suite cases

#[test]
fn suite_cases_round_trip() {
    let outputs: Vec<f64> = (0..=20).map(|k| 0.5 * k as f64).collect();
    for case in ["00025", "00190", "00851"] {
        let text = check_sbml(&suite_case(case), case, &outputs);
        assert!(text.contains("hasOnlySubstanceUnits=\"true\""), "{case}");
        assert!(!text.contains("functionDefinition"), "{case}: function definitions are inlined");
    }
}

// ------------------------------------------------------------------ hand-written

const HEAD: &str = r#"<?xml version="1.0" encoding="UTF-8"?><sbml xmlns="http://www.sbml.org/sbml/level3/version2/core" level="3" version="2">"#;
const MATH: &str = r#"<math xmlns="http://www.w3.org/1998/Math/MathML">"#;

fn doc(model: &str) -> String {
    format!("{HEAD}{}</sbml>", model.replace("<math>", MATH))
}

/// Assignment rules (a parameter, a species, one reading another), rate
/// rules (a parameter, a species' concentration), a reversible reaction
/// with a stoichiometry of 2, a parameter named like a reserved word.
const RULES: &str = r#"<model id="rules">
<listOfCompartments><compartment id="cell" spatialDimensions="3" size="2" constant="true"/></listOfCompartments>
<listOfSpecies>
  <species id="A" compartment="cell" initialConcentration="1.5" hasOnlySubstanceUnits="false" boundaryCondition="false" constant="false"/>
  <species id="B" compartment="cell" initialAmount="0.5" hasOnlySubstanceUnits="true" boundaryCondition="false" constant="false"/>
  <species id="T" compartment="cell" initialAmount="0" hasOnlySubstanceUnits="false" boundaryCondition="false" constant="false"/>
  <species id="C" compartment="cell" initialConcentration="0.25" hasOnlySubstanceUnits="false" boundaryCondition="false" constant="false"/>
</listOfSpecies>
<listOfParameters>
  <parameter id="k" value="0.7" constant="true"/>
  <parameter id="km" value="0.3" constant="true"/>
  <parameter id="pi" value="0.002" constant="true"/>
  <parameter id="total" constant="false"/>
  <parameter id="scaled" constant="false"/>
  <parameter id="x" value="1" constant="false"/>
</listOfParameters>
<listOfRules>
  <assignmentRule variable="scaled"><math><apply><times/><cn>0.5</cn><ci>total</ci></apply></math></assignmentRule>
  <assignmentRule variable="total"><math><apply><plus/><ci>A</ci><ci>B</ci></apply></math></assignmentRule>
  <assignmentRule variable="T"><math><apply><times/><cn type="integer">2</cn><ci>scaled</ci></apply></math></assignmentRule>
  <rateRule variable="x"><math><apply><plus/><apply><times/><apply><minus/><ci>k</ci></apply><ci>x</ci></apply><apply><sin/><csymbol encoding="text" definitionURL="http://www.sbml.org/sbml/symbols/time">t</csymbol></apply></apply></math></rateRule>
  <rateRule variable="C"><math><apply><minus/><apply><divide/><ci>A</ci><ci>T</ci></apply><apply><times/><ci>k</ci><ci>C</ci></apply></apply></math></rateRule>
</listOfRules>
<listOfReactions>
  <reaction id="R1" reversible="true">
    <listOfReactants><speciesReference species="A" stoichiometry="1" constant="true"/></listOfReactants>
    <listOfProducts><speciesReference species="B" stoichiometry="2" constant="true"/></listOfProducts>
    <kineticLaw><math><apply><minus/>
      <apply><divide/><apply><times/><ci>cell</ci><ci>k</ci><ci>A</ci><ci>x</ci></apply><apply><plus/><ci>km</ci><ci>A</ci></apply></apply>
      <apply><times/><ci>pi</ci><apply><power/><ci>B</ci><cn type="integer">2</cn></apply><apply><root/><degree><cn>3</cn></degree><ci>total</ci></apply></apply>
    </apply></math></kineticLaw>
  </reaction>
</listOfReactions>
</model>"#;

/// Events: a refill when a species falls below a level (its concentration
/// set, in a compartment of size 2), a time trigger with
/// `initialValue="false"` that is true at once, a compound trigger setting
/// a parameter that a law reads, and an event with no assignments.
const EVENTS: &str = r#"<model id="events">
<listOfCompartments><compartment id="V" spatialDimensions="3" size="2" constant="true"/></listOfCompartments>
<listOfSpecies>
  <species id="S" compartment="V" initialConcentration="1" hasOnlySubstanceUnits="false" boundaryCondition="false" constant="false"/>
  <species id="P" compartment="V" initialAmount="0" hasOnlySubstanceUnits="true" boundaryCondition="false" constant="false"/>
</listOfSpecies>
<listOfParameters>
  <parameter id="k" value="1" constant="false"/>
</listOfParameters>
<listOfReactions>
  <reaction id="decay" reversible="false">
    <listOfReactants><speciesReference species="S" stoichiometry="1" constant="true"/></listOfReactants>
    <listOfProducts><speciesReference species="P" stoichiometry="1" constant="true"/></listOfProducts>
    <kineticLaw><math><apply><times/><ci>V</ci><ci>k</ci><ci>S</ci></apply></math></kineticLaw>
  </reaction>
</listOfReactions>
<listOfEvents>
  <event id="refill" useValuesFromTriggerTime="true">
    <trigger initialValue="true" persistent="true"><math><apply><lt/><ci>S</ci><cn>0.25</cn></apply></math></trigger>
    <listOfEventAssignments><eventAssignment variable="S"><math><apply><plus/><ci>S</ci><cn>0.75</cn></apply></math></eventAssignment></listOfEventAssignments>
  </event>
  <event id="start" useValuesFromTriggerTime="true">
    <trigger initialValue="false" persistent="true"><math><apply><geq/><csymbol encoding="text" definitionURL="http://www.sbml.org/sbml/symbols/time">t</csymbol><cn>0</cn></apply></math></trigger>
    <listOfEventAssignments><eventAssignment variable="P"><math><cn>0.125</cn></math></eventAssignment></listOfEventAssignments>
  </event>
  <event id="slow" useValuesFromTriggerTime="true">
    <trigger initialValue="true" persistent="true"><math><apply><and/><apply><gt/><ci>P</ci><cn>1.5</cn></apply><apply><geq/><csymbol encoding="text" definitionURL="http://www.sbml.org/sbml/symbols/time">t</csymbol><cn>1</cn></apply></apply></math></trigger>
    <listOfEventAssignments><eventAssignment variable="k"><math><apply><divide/><ci>k</ci><cn>2</cn></apply></math></eventAssignment></listOfEventAssignments>
  </event>
  <event id="noop" useValuesFromTriggerTime="true">
    <trigger initialValue="true" persistent="true"><math><apply><gt/><ci>P</ci><cn>1</cn></apply></math></trigger>
  </event>
</listOfEvents>
</model>"#;

/// A compartment whose size grows by a rate rule, diluting its species,
/// with a reaction inside it and a piecewise law.
const GROWING: &str = r#"<model id="growing">
<listOfCompartments><compartment id="V" spatialDimensions="3" size="1" constant="false"/></listOfCompartments>
<listOfSpecies>
  <species id="S" compartment="V" initialConcentration="2" hasOnlySubstanceUnits="false" boundaryCondition="false" constant="false"/>
  <species id="P" compartment="V" initialConcentration="0" hasOnlySubstanceUnits="false" boundaryCondition="false" constant="false"/>
  <species id="Src" compartment="V" initialConcentration="3" hasOnlySubstanceUnits="false" boundaryCondition="true" constant="false"/>
</listOfSpecies>
<listOfParameters>
  <parameter id="g" value="0.1" constant="true"/>
  <parameter id="k" value="0.8" constant="true"/>
</listOfParameters>
<listOfRules>
  <rateRule variable="V"><math><apply><times/><ci>g</ci><ci>V</ci></apply></math></rateRule>
</listOfRules>
<listOfReactions>
  <reaction id="conv" reversible="false">
    <listOfReactants><speciesReference species="S" stoichiometry="1" constant="true"/></listOfReactants>
    <listOfProducts><speciesReference species="P" stoichiometry="1" constant="true"/></listOfProducts>
    <kineticLaw><math><apply><times/><ci>V</ci><piecewise><piece><apply><times/><ci>k</ci><ci>S</ci></apply><apply><gt/><ci>S</ci><cn>0.5</cn></apply></piece><otherwise><apply><times/><cn>2</cn><ci>k</ci><apply><power/><ci>S</ci><cn>2</cn></apply></apply></otherwise></piecewise></apply></math></kineticLaw>
  </reaction>
  <reaction id="feed" reversible="false">
    <listOfReactants><speciesReference species="Src" stoichiometry="1" constant="true"/></listOfReactants>
    <listOfProducts><speciesReference species="S" stoichiometry="1" constant="true"/></listOfProducts>
    <kineticLaw><math><apply><times/><cn>0.05</cn><ci>Src</ci><ci>V</ci></apply></math></kineticLaw>
  </reaction>
</listOfReactions>
</model>"#;

#[test]
fn rules_round_trip() {
    let outputs: Vec<f64> = (0..=16).map(|k| 0.25 * k as f64).collect();
    let text = check_sbml(&doc(RULES), "rules", &outputs);
    // Assignments (total, scaled, T, the reaction's rate R1) are rules.
    assert_eq!(count(&text, "<assignmentRule"), 4, "{text}");
    assert!(text.contains("<ci>pi_</ci>"), "the renamed reserved id is written as the model's name");
    assert!(text.contains("reversible=\"true\""));
}

#[test]
fn events_round_trip() {
    let outputs: Vec<f64> = (0..=24).map(|k| 0.25 * k as f64).collect();
    let text = check_sbml(&doc(EVENTS), "events", &outputs);
    assert_eq!(count(&text, "<event "), 4, "{text}");
    assert_eq!(count(&text, "initialValue=\"false\""), 1);
    assert_eq!(count(&text, "persistent=\"true\""), 4);
    assert_eq!(count(&text, "<eventAssignment "), 3);
    // The refill really happened in both (S falls below 0.25 before t = 6).
    let a = import_str(&doc(EVENTS), "events").model;
    let options = Options { rtol: 1e-10, atol: Tolerance::Scalar(1e-14), ..Options::default() };
    let sol = a.simulate(&[0.0, 6.0], Method::Rodas5p, &options).unwrap();
    assert_eq!(sol.state(0)[a.index_of("P").unwrap()], 0.125);
    assert!(sol.state(1)[a.index_of("S").unwrap()] > 0.25 * 2.0);
}

#[test]
fn a_growing_compartment_round_trips() {
    let outputs: Vec<f64> = (0..=20).map(|k| 0.5 * k as f64).collect();
    check_sbml(&doc(GROWING), "growing", &outputs);
}

// ------------------------------------------------------------------ sasp models

/// The reference model with every factor law written as an expression.
fn as_expressions(spec: &ModelSpec) -> ModelSpec {
    let mut spec = spec.clone();
    for p in &mut spec.processes {
        let text = p.rate.to_expression(&p.modifiers).unwrap();
        p.rate = RateLaw::Expression { rate: text, unit: None };
        p.modifiers.clear();
    }
    spec
}

#[test]
fn a_sasp_model_with_expressions_assignments_and_events_round_trips_with_its_time_shifted() {
    let reference = sasp::models::iannello2013().unwrap();
    let t0 = reference.initial_time();
    assert_ne!(t0, 0.0);
    let spec = as_expressions(reference.spec());
    let first = spec.compartments[0].name.clone();
    let pool = spec.pools[0].name.clone();
    let mut b = ModelBuilder::from_spec(spec)
        .declare(AssignmentDecl::new("pulse", "piecewise(2, time > 3, 1)"))
        .declare(AssignmentDecl::new("load", &format!("{pool} * pulse")))
        .declare(
            EventDecl::new("boost", &format!("time >= 5 && {first} > 0"))
                .assign(&first, &format!("{first} * 1.5 + load * 0")),
        );
    // The first process also reads time and an assignment.
    let p = &mut b.spec_mut().processes[0];
    if let RateLaw::Expression { rate, .. } = &mut p.rate {
        *rate = format!("({rate}) * (1 + 0.01 * sin(time)) * pulse / pulse");
    }
    let model = b.build().unwrap();
    let (text, again) = round_trip(&model, "reference with expressions");
    assert!(text.contains("<apply><plus/><csymbol encoding=\"text\" definitionURL=\"http://www.sbml.org/sbml/symbols/time\">time</csymbol><cn type=\"integer\">-14</cn></apply>"), "time is shifted by t0");
    assert_eq!(again.model.initial_time(), 0.0);
    // The inputs are parameters at their defaults; every state is exported.
    let y0 = model.initial_state();
    let states: Vec<Vec<f64>> =
        vec![y0.clone(), y0.iter().enumerate().map(|(i, v)| v * 1.1 + 0.37 + 0.11 * i as f64).collect()];
    same_rhs_and_jacobian(&model, &again, &states, &[t0, 0.0, 4.0, 6.5], t0, "reference");
    let outputs: Vec<f64> = (0..=12).map(|k| t0 + 2.0 * k as f64).collect();
    same_trajectory(&model, &again, &outputs, t0, "reference");
}

#[test]
fn names_that_would_share_an_id_are_refused_and_made_up_ids_step_aside() {
    let model = import_str(&doc(EVENTS), "events").model;
    // The model's id and a parameter would both be 'k'.
    let mut spec = model.spec().clone();
    spec.model.name = "k".into();
    let err = sasp::sbml::export(&Model::from_spec(spec).unwrap(), None).unwrap_err().to_string();
    assert!(err.contains("the model's id 'k'"), "{err}");
    // Names the export would make up itself (the compartment 'tumor', the
    // reactions 'r0' …) are taken: it chooses others.
    let mut spec = model.spec().clone();
    spec.assignments.push(AssignmentDecl::new("r0", "1"));
    spec.assignments.push(AssignmentDecl::new("tumor", "2"));
    let m = Model::from_spec(spec).unwrap();
    let text = sasp::sbml::export(&m, None).unwrap();
    assert!(text.contains("<reaction id=\"r_0\"") && text.contains("<compartment id=\"tumor_\""), "{text}");
    let again = import_str(&text, "renamed");
    same_rhs_and_jacobian(&m, &again, &probes(&m), &[0.5], 0.0, "renamed");
}

#[test]
fn undeclared_units_export_as_dimensionless() {
    let a = import_str(&suite_case("00025"), "00025").model;
    assert!(a.spec().parameters.iter().any(|p| p.unit.is_empty()));
    let text = sasp::sbml::export(&a, None).unwrap();
    assert!(text.contains("units=\"dimensionless\""));
    // Every kinetic law is MathML the reader reads.
    let doc = roxmltree::Document::parse(&text).unwrap();
    for law in doc.descendants().filter(|n| n.has_tag_name("kineticLaw")) {
        let math = law.children().find(|n| n.is_element()).unwrap();
        let e: Expr = mathml::read_expr(math).unwrap();
        assert!(!e.symbols().is_empty());
    }
}

// ------------------------------------------------------------------ the whole suite

/// On the shared copy of the SBML Test Suite (skipped when absent): every
/// case that imports exports, and its export imports again with the same
/// right-hand side and Jacobian and the same trajectory over the case's
/// output times.
#[test]
fn every_importable_case_of_the_shared_suite_round_trips() {
    use sasp::sbml::suite::{case_file, CaseSettings};
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/sbml-test-suite/semantic");
    if !root.is_dir() {
        eprintln!("skipped: no {}", root.display());
        return;
    }
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root).unwrap().map(|e| e.unwrap().path()).collect();
    dirs.sort();
    let (mut tripped, mut not_imported, mut not_simulated) = (0, 0, 0);
    let mut refused: Vec<String> = Vec::new();
    for dir in dirs {
        let id = dir.file_name().unwrap().to_string_lossy().to_string();
        let Some(path) = ["sbml-l3v2.xml", "sbml-l3v1.xml", "sbml-l2v4.xml"]
            .iter()
            .map(|s| case_file(&dir, s))
            .find(|p| p.is_file())
        else {
            continue;
        };
        let Ok(a) = Import::from_file(&path) else {
            not_imported += 1;
            continue;
        };
        let a = a.model;
        let text = match sasp::sbml::export(&a, None) {
            Ok(t) => t,
            Err(e) => {
                refused.push(format!("{id}: {e}"));
                continue;
            }
        };
        let b = import_str(&text, &format!("{id} (exported)"));
        same_rhs_and_jacobian(&a, &b, &probes(&a), &[0.0, 1.3], 0.0, &id);
        let Ok(settings) = CaseSettings::read(case_file(&dir, "settings.txt")) else { continue };
        let times = settings.times();
        let options = Options { rtol: 1e-11, atol: Tolerance::Scalar(1e-15), ..Options::default() };
        if a.simulate(&times, Method::Rodas5p, &options).is_err() {
            not_simulated += 1;
            continue;
        }
        same_trajectory(&a, &b, &times, 0.0, &id);
        tripped += 1;
    }
    eprintln!(
        "{tripped} cases round-trip; {not_imported} not imported, {not_simulated} not simulated, {} refused by the export",
        refused.len()
    );
    // The constructs the export refuses: a concentration computed at the
    // trigger of a delayed event, scaled by the size at execution (SBML
    // cannot say it without auxiliary events), and fast reactions (L3V2
    // has none).
    let unexpected: Vec<&String> = refused
        .iter()
        .filter(|r| {
            !r.contains("exporting an assignment scale of a delayed event")
                && !r.contains("exporting a fast constraint")
        })
        .collect();
    assert!(unexpected.is_empty(), "{unexpected:#?}");
    assert!(refused.len() < 30, "{refused:#?}");
    assert!(tripped > 700, "{tripped}");
}

#[test]
fn algebraic_rules_round_trip() {
    // 00040: an algebraic rule with a rate rule; 00539: one that sizes the compartment.
    let outputs: Vec<f64> = (0..=20).map(|k| 0.5 * k as f64).collect();
    for case in ["00040", "00539"] {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join(format!("tests/data/sbml-test-suite/cases/{case}/{case}-sbml-l3v2.xml"));
        let xml = std::fs::read_to_string(path).unwrap();
        let text = check_sbml(&xml, case, &outputs);
        assert_eq!(text.matches("<algebraicRule>").count(), 1, "{case}");
    }
}
