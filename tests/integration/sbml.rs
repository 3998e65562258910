//! SBML export: structure, values, and kinetic laws that evaluate to the
//! model's own process rates.

use roxmltree::{Document, Node};
use sasp::experiment::paper::neutralization_arms;
use sasp::experiment::Experiment;

use crate::own_model_example as own_model;
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
                "lt" => (args[0] < args[1]) as u8 as f64,
                other => panic!("unexpected operator {other}"),
            }
        }
        "notanumber" => f64::NAN,
        "piecewise" => {
            for piece in elements.iter().filter(|e| e.has_tag_name("piece")) {
                let parts: Vec<Node> = piece.children().filter(|n| n.is_element()).collect();
                if eval(parts[1], values) != 0.0 {
                    return eval(parts[0], values);
                }
            }
            let otherwise = elements.iter().find(|e| e.has_tag_name("otherwise")).expect("an otherwise");
            eval(otherwise.children().find(|n| n.is_element()).unwrap(), values)
        }
        other => panic!("unexpected element {other}"),
    }
}

#[test]
fn the_anti_ccl2_arm_exports_completely_and_its_laws_evaluate_to_our_rates() {
    let model = sasp::models::iannello2013().unwrap();
    let arm = neutralization_arms().unwrap().into_iter().find(|a| a.name == "anti-CCL2").unwrap();
    let text = sasp::sbml::export_experiment(&Experiment::new(&model), Some(&arm)).unwrap();
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
    let declared: Vec<String> = sasp::experiment::paper::observables(m).unwrap().into_iter().map(|o| o.name).collect();
    assert_eq!(rules, declared);
    assert!(rules.contains(&"ccl2_total_nM") && rules.contains(&"senescent"), "hidden ones too: {rules:?}");

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

    // A stoichiometry made of parameters (`-p_ex`: the NK cells a kill
    // costs) is set by an initial assignment to its species reference, so
    // that the parameter keeps its effect in the exported model.
    let parametric = m.spec().processes.iter().flat_map(|p| p.changes.values());
    let parametric = parametric.filter(|s| matches!(s, sasp::model::Stoichiometry::Expression(_))).count();
    let references: Vec<Node> =
        children(root, "speciesReference").into_iter().filter(|r| r.attribute("id").is_some()).collect();
    assert_eq!(references.len(), parametric);
    assert!(parametric >= 6, "the six killing processes cost NK cells");
    let assignments = children(root, "initialAssignment");
    assert_eq!(assignments.len(), parametric);
    for r in references {
        let id = r.attribute("id").unwrap();
        let a = assignments.iter().find(|a| a.attribute("symbol") == Some(id)).expect("its initial assignment");
        let math = children(*a, "math")[0];
        assert!(children(math, "ci").iter().any(|c| c.text().map(str::trim) == Some("p_ex")));
        let nu: f64 = r.attribute("stoichiometry").unwrap().parse().unwrap();
        assert_eq!(eval(math, &values), nu, "{id}");
    }
}

/// Evaluates the observable rules of `text` in order on the state of `result`
/// at `day` (reactions by their laws, inputs at `inputs`), and compares each
/// with the value sasp reported.
fn rules_reproduce_the_reported_observables(
    text: &str,
    result: &sasp::experiment::ArmResult,
    day: f64,
    inputs: &[(&str, f64)],
) {
    let doc = Document::parse(text).unwrap();
    let root = doc.root_element();
    let mut values: HashMap<String, f64> = HashMap::new();
    for p in children(root, "parameter") {
        if let Some(v) = p.attribute("value") {
            values.insert(p.attribute("id").unwrap().to_string(), v.parse().unwrap());
        }
    }
    for (name, v) in inputs {
        values.insert(name.to_string(), *v);
    }
    let k = result.index_of_day(day).unwrap();
    let n = result.compartments.len();
    for (name, y) in result.compartments.iter().zip(&result.states[k * n..(k + 1) * n]) {
        values.insert(name.clone(), y.max(0.0));
    }
    for r in children(root, "reaction") {
        let rate = eval(children(r, "math")[0], &values);
        values.insert(r.attribute("id").unwrap().to_string(), rate);
    }
    let mut checked = 0;
    for rule in children(root, "assignmentRule") {
        let name = rule.attribute("variable").unwrap();
        let got = eval(children(rule, "math")[0], &values);
        values.insert(name.to_string(), got);
        if let Ok(want) = result.value(name, day) {
            let same = (got.is_nan() && want.is_nan()) || (got - want).abs() <= 1e-12 * want.abs().max(1e-300);
            assert!(same, "{name} at day {day}: SBML {got} vs sasp {want}");
            checked += 1;
        }
    }
    assert_eq!(checked, result.observables.len());
}

#[test]
fn observable_rules_evaluate_to_the_values_sasp_reports() {
    // The reference model's declared observables on the anti-CCL2 arm: at
    // day 5 (ratios defined) and day 21 (the tumor below the detection
    // volume: the per-volume ratios are NaN in both).
    let model = sasp::models::iannello2013().unwrap();
    let arm = neutralization_arms().unwrap().into_iter().find(|a| a.name == "anti-CCL2").unwrap();
    let experiment = Experiment::new(&model).arms([arm.clone()]);
    let result = &experiment.run().unwrap()[0];
    let text = sasp::sbml::export_experiment(&experiment, Some(&arm)).unwrap();
    for day in [5.0, 21.0] {
        rules_reproduce_the_reported_observables(&text, result, day, &[("doxycycline", 1.0)]);
    }
    assert!(
        result.value("nk_per_mm3", 21.0).unwrap().is_nan() || result.value("tumor_volume_mm3", 21.0).unwrap() >= 0.1
    );
    // A model of one's own: its observables (a ratio with an offset and a
    // limit, free and total CXCL10 with the antibody's complex, summed kill
    // rates), with no paper name in the rules.
    let model = own_model::model().unwrap();
    let experiment = own_model::experiment(&model).unwrap();
    let results = experiment.run().unwrap();
    let arm = &own_model::arms().unwrap()[1];
    let text = sasp::sbml::export_experiment(&experiment, Some(arm)).unwrap();
    assert!(!text.contains("ccl2") && !text.contains("nk_per_mm3") && text.contains("cxcl10_total_nM"));
    for day in [14.0, 42.0] {
        rules_reproduce_the_reported_observables(&text, &results[1], day, &[("treatment", 1.0)]);
    }
    // Without an experiment, no rules.
    assert!(!sasp::sbml::export(&model, Some(arm)).unwrap().contains("assignmentRule"));
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
