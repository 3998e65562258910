//! SBML export: structure, values, and kinetic laws that evaluate to the
//! model's own process rates.

use roxmltree::{Document, Node};
use sasp::experiment::paper::neutralization_arms;
use std::collections::HashMap;

fn children<'a, 'i>(node: Node<'a, 'i>, name: &str) -> Vec<Node<'a, 'i>> {
    node.descendants().filter(|n| n.has_tag_name(name)).collect()
}

/// Evaluates a MathML expression (the subset the exporter writes).
fn eval(node: Node, values: &HashMap<String, f64>) -> f64 {
    let elements: Vec<Node> = node.children().filter(|n| n.is_element()).collect();
    match node.tag_name().name() {
        "math" => eval(elements[0], values),
        "cn" => node.text().unwrap().trim().parse().unwrap(),
        "ci" => *values.get(node.text().unwrap().trim()).unwrap_or_else(|| panic!("no value for {:?}", node.text())),
        "csymbol" => values["time"],
        "apply" => {
            let op = elements[0].tag_name().name();
            let args: Vec<f64> = elements[1..].iter().map(|&a| eval(a, values)).collect();
            match op {
                "times" => args.iter().product(),
                "plus" => args.iter().sum(),
                "minus" if args.len() == 1 => -args[0],
                "minus" => args[0] - args[1],
                "divide" => args[0] / args[1],
                "power" => args[0].powf(args[1]),
                "geq" => (args[0] >= args[1]) as u8 as f64,
                other => panic!("unexpected operator {other}"),
            }
        }
        other => panic!("unexpected element {other}"),
    }
}

#[test]
fn the_anti_ccl2_arm_exports_completely_and_its_laws_evaluate_to_our_rates() {
    let model = sasp::models::iannello2013().unwrap();
    let arm = neutralization_arms().unwrap().into_iter().find(|a| a.name == "anti-CCL2").unwrap();
    let text = sasp::sbml::export(&model, Some(&arm)).unwrap();
    let doc = Document::parse(&text).expect("well-formed XML");
    let root = doc.root_element();
    assert_eq!((root.attribute("level"), root.attribute("version")), (Some("3"), Some("2")));
    let prepared = arm.prepare(&model, model.initial_time()).unwrap();
    let m = &prepared.model;

    // Species with their initial amounts.
    let species = children(root, "species");
    assert_eq!(species.len(), m.dimension());
    let mut values: HashMap<String, f64> = HashMap::new();
    for (s, (name, y0)) in species.iter().zip(m.compartment_names().zip(m.initial_state())) {
        assert_eq!(s.attribute("id"), Some(name));
        assert_eq!(s.attribute("initialAmount").unwrap().parse::<f64>().unwrap(), y0);
    }
    // Parameters with their values.
    for p in &m.spec().parameters {
        let node =
            children(root, "parameter").into_iter().find(|n| n.attribute("id") == Some(p.name.as_str())).unwrap();
        let v: f64 = node.attribute("value").unwrap().parse().unwrap();
        assert_eq!(v, m.parameter_canonical(&p.name).unwrap(), "{}", p.name);
        values.insert(p.name.clone(), v);
    }
    // Events: 11 doses into the depot and the doxycycline switch, at their
    // days counted from the model's initial time (day −14 = SBML time 0).
    let events = children(root, "event");
    assert_eq!(events.len(), prepared.actions.len());
    let mut triggers: Vec<f64> = events
        .iter()
        .map(|e| {
            let trigger = children(*e, "trigger")[0];
            let math = children(trigger, "apply")[0];
            children(math, "cn")[0].text().unwrap().trim().parse().unwrap()
        })
        .collect();
    triggers.sort_by(f64::total_cmp);
    assert_eq!(model.initial_time(), -14.0);
    assert_eq!(triggers.first(), Some(&13.0), "first dose at day −1");
    assert!(triggers.contains(&14.0), "doxycycline from day 0");
    assert_eq!(triggers.last(), Some(&35.0), "last dose at day 21");
    // Observables as assignment rules.
    let rules: Vec<&str> = children(root, "assignmentRule").iter().map(|r| r.attribute("variable").unwrap()).collect();
    assert_eq!(rules, ["tumor_volume_mm3", "nk_per_mm3", "ccl2_free_nM", "ccl2_total_nM"]);

    // Every reaction's kinetic law equals our process rate at random states.
    let reactions = children(root, "reaction");
    assert_eq!(reactions.len(), m.spec().processes.len());
    let mut seed = 12345u64;
    let mut next = || {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((seed >> 11) as f64 / (1u64 << 53) as f64) * 50.0 + 0.01
    };
    for dox in [0.0, 1.0] {
        let y: Vec<f64> = (0..m.dimension()).map(|_| next()).collect();
        for (name, v) in m.compartment_names().zip(&y) {
            values.insert(name.to_string(), *v);
        }
        values.insert("doxycycline".into(), dox);
        for (r, p) in reactions.iter().zip(&m.spec().processes) {
            assert_eq!(r.attribute("name"), Some(p.name.as_str()));
            let law = children(*r, "math")[0];
            let got = eval(law, &values);
            let want = m.process_rate(&p.name, 0.0, &y, &[dox]).unwrap();
            assert!((got - want).abs() <= 1e-12 * want.abs().max(1e-12), "{}: {got} vs {want}", p.name);
        }
    }
}

#[test]
fn models_without_an_arm_export_too_and_custom_laws_are_refused() {
    let model = sasp::models::iannello2013().unwrap();
    let text = sasp::sbml::export(&model, None).unwrap();
    let doc = Document::parse(&text).unwrap();
    assert_eq!(children(doc.root_element(), "event").len(), 0);
    assert_eq!(children(doc.root_element(), "reaction").len(), 49);
    let custom = sasp::model::ModelBuilder::from_spec(model.spec().clone())
        .process(
            sasp::model::ProcessDecl::new(
                "closure",
                sasp::model::RateLaw::Custom(sasp::model::CustomLaw {
                    args: vec!["P".into()],
                    unit: "Mcells/day".into(),
                    vanishes_at_zero_of: vec![],
                    rate: std::sync::Arc::new(|_, a| a[0]),
                    gradient: None,
                }),
            )
            .change("S", 1.0),
        )
        .build()
        .unwrap();
    let err = sasp::sbml::export(&custom, None).unwrap_err();
    assert!(err.to_string().contains("custom"), "{err}");
}

/// The anti-CCL2 arm's state at days 7 and 21 (compartment order of the arm's
/// model) from libRoadRunner 2.10.0 (SUNDIALS CVODE, model compiled by LLVM)
/// on `sasp export-sbml models/iannello2013.toml --arm anti-CCL2`, at rtol 1e-12,
/// atol 1e-16: `simulate(0, 35, 36)`, rows at SBML times 21 and 35.
/// An independent reading of the exported file by a program that shares no
/// code with sasp (`benches/external/vs_roadrunner.py` reproduces it).
const LIBROADRUNNER_DAY_7: [f64; 17] = [
    11.1604339244272,
    0.0,
    167.44355494604054,
    0.9990881180344359,
    0.03135375155078783,
    0.9490033005255976,
    0.9490033005255976,
    0.9490033005255976,
    0.9490033005255976,
    0.9490033005255976,
    0.6970451816691388,
    0.7298948876852202,
    3.0743664528800436,
    336.15692822824803,
    857.490772156795,
    219.90464612653136,
    64.65194581922856,
];
const LIBROADRUNNER_DAY_21: [f64; 17] = [
    0.0308510770469808,
    0.0,
    83.3413334586263,
    0.9999999992417441,
    0.021275953155918233,
    0.9996866713027668,
    0.9996866713027668,
    0.9996866713027668,
    0.9996866713027668,
    0.9996866713027668,
    0.30944072751083324,
    0.42209532951408224,
    1.7183672933433611,
    336.15692892254305,
    1388.6186381601535,
    392.99137692650055,
    79.03398012301307,
];

#[test]
fn the_anti_ccl2_arm_agrees_with_libroadrunner_on_the_exported_file() {
    use sasp::experiment::Experiment;
    use sasp::solve::{Method, Options, Tolerance};
    let (model, arm) = sasp::testset::anti_ccl2_arm().unwrap();
    let run = |rtol: f64, atol: f64| {
        let options = Options { rtol, atol: Tolerance::Scalar(atol), max_steps: 1_000_000, ..Options::default() };
        Experiment::new(&model).method(Method::Rodas5p).options(options).run_prepared(&arm).unwrap()
    };
    let state = |r: &sasp::experiment::ArmResult, day: f64| {
        let n = r.compartments.len();
        let k = r.index_of_day(day).unwrap();
        r.states[k * n..(k + 1) * n].to_vec()
    };
    // Tight: the two programs agree to 1e-9 relative (measured: 3e-11).
    let tight = run(1e-12, 1e-16);
    for (day, theirs) in [(7.0, LIBROADRUNNER_DAY_7), (21.0, LIBROADRUNNER_DAY_21)] {
        let ours = state(&tight, day);
        for (i, (a, b)) in ours.iter().zip(&theirs).enumerate() {
            let scale = b.abs().max(1e-12);
            assert!((a - b).abs() <= 1e-9 * scale, "day {day}, {}: {a} vs {b}", tight.compartments[i]);
        }
    }
    // The experiments' default tolerance: mixed error within 10 rtol.
    let default = run(1e-6, 1e-9);
    for (day, theirs) in [(7.0, LIBROADRUNNER_DAY_7), (21.0, LIBROADRUNNER_DAY_21)] {
        let error = sasp::testset::mixed_error(&state(&default, day), &theirs, 1e-9, 1e-6);
        assert!(error <= 1e-5, "day {day}: mixed error {error:e} at rtol 1e-6");
    }
}
