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
        assert_eq!(v, m.parameter(&p.name).unwrap(), "{}", p.name);
        values.insert(p.name.clone(), v);
    }
    // Events: 11 doses into the depot and the doxycycline switch, at our times.
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
    assert_eq!(triggers.first(), Some(&-1.0));
    assert!(triggers.contains(&0.0));
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
