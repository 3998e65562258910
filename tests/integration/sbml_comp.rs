//! The SBML comp package, flattened by the reader (`sasp::sbml::read`):
//! instances of one model definition with prefixed ids, replacements (with
//! conversion factors), deletions, ports, external model definitions, time
//! conversion; checked against the equivalent flat models written by hand
//! or analytic values, and refusals by name.

use sasp::sbml::read::{read_file, read_str};
use sasp::sbml::suite::Table;
use sasp::sbml::Import;
use sasp::solve::{Method, Options, Tolerance};

const MATH: &str = r#"<math xmlns="http://www.w3.org/1998/Math/MathML">"#;

/// A comp document: `model` (the main model's children) and `defs` (the
/// children of `<comp:listOfModelDefinitions>`).
fn comp(model: &str, defs: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<sbml xmlns="http://www.sbml.org/sbml/level3/version2/core" xmlns:comp="http://www.sbml.org/sbml/level3/version1/comp/version1" level="3" version="2" comp:required="true">
  <model id="top">{model}</model>
  <comp:listOfModelDefinitions>{defs}</comp:listOfModelDefinitions>
</sbml>"#
    )
}

/// A flat Level 3 Version 2 document around `body`.
fn flat(body: &str) -> String {
    format!(
        r#"<sbml xmlns="http://www.sbml.org/sbml/level3/version2/core" level="3" version="2"><model id="top">{body}</model></sbml>"#
    )
}

/// The model definition `decay`: `dx/dt = −k·x` (a rate rule, metaid
/// `rr`), `x(0) = x0`, an assignment `z = 2·x`, a port `x_port` on `x`.
const DECAY: &str = r#"<comp:modelDefinition id="decay">
  <listOfParameters>
    <parameter id="k" value="0.5" constant="true"/>
    <parameter id="x" value="4" constant="false"/>
    <parameter id="z" constant="false"/>
  </listOfParameters>
  <listOfRules>
    <rateRule metaid="rr" variable="x"><math xmlns="http://www.w3.org/1998/Math/MathML"><apply><times/><apply><minus/><ci>k</ci></apply><ci>x</ci></apply></math></rateRule>
    <assignmentRule variable="z"><math xmlns="http://www.w3.org/1998/Math/MathML"><apply><times/><cn>2</cn><ci>x</ci></apply></math></assignmentRule>
  </listOfRules>
  <comp:listOfPorts><comp:port comp:id="x_port" comp:idRef="x"/></comp:listOfPorts>
</comp:modelDefinition>"#;

fn import(xml: &str) -> Import {
    let doc = read_str(xml, "inline.xml").unwrap_or_else(|e| panic!("{e}\n{xml}"));
    Import::from_document(&doc, "inline.xml").unwrap_or_else(|e| panic!("{e}\n{xml}"))
}

fn course(import: &Import, variables: &[&str]) -> Table {
    let options = Options { rtol: 1e-11, atol: Tolerance::Scalar(1e-13), ..Options::default() };
    let variables: Vec<String> = variables.iter().map(|v| v.to_string()).collect();
    import.time_course(&[0.0, 0.5, 1.0, 2.0, 4.0], &variables, &[], &[], Method::Rodas5p, &options).unwrap()
}

fn same(a: &Table, b: &Table) {
    assert_eq!(a.rows.len(), b.rows.len());
    for (ra, rb) in a.rows.iter().zip(&b.rows) {
        for (x, y) in ra.iter().zip(rb) {
            assert!((x - y).abs() <= 1e-10 * (1.0 + y.abs()), "{ra:?} against {rb:?}");
        }
    }
}

fn refused(xml: &str) -> String {
    match read_str(xml, "inline.xml") {
        Ok(d) => panic!("read: {d:?}"),
        Err(e) => {
            assert!(e.is_unsupported(), "{e}");
            e.to_string()
        }
    }
}

#[test]
fn two_instances_of_one_definition_get_prefixed_ids_and_match_the_flat_model() {
    let xml = comp(
        r#"<comp:listOfSubmodels>
  <comp:submodel comp:id="A" comp:modelRef="decay"/>
  <comp:submodel comp:id="B" comp:modelRef="decay"/>
</comp:listOfSubmodels>"#,
        DECAY,
    );
    let doc = read_str(&xml, "inline.xml").unwrap();
    let mut ids: Vec<&str> = doc.parameters.iter().map(|p| p.id.as_str()).collect();
    ids.sort();
    assert_eq!(ids, ["A__k", "A__x", "A__z", "B__k", "B__x", "B__z"]);
    let by_hand = flat(&format!(
        r#"<listOfParameters>
  <parameter id="A__k" value="0.5" constant="true"/><parameter id="A__x" value="4" constant="false"/><parameter id="A__z" constant="false"/>
  <parameter id="B__k" value="0.5" constant="true"/><parameter id="B__x" value="4" constant="false"/><parameter id="B__z" constant="false"/>
</listOfParameters>
<listOfRules>
  <rateRule variable="A__x">{MATH}<apply><times/><apply><minus/><ci>A__k</ci></apply><ci>A__x</ci></apply></math></rateRule>
  <assignmentRule variable="A__z">{MATH}<apply><times/><cn>2</cn><ci>A__x</ci></apply></math></assignmentRule>
  <rateRule variable="B__x">{MATH}<apply><times/><apply><minus/><ci>B__k</ci></apply><ci>B__x</ci></apply></math></rateRule>
  <assignmentRule variable="B__z">{MATH}<apply><times/><cn>2</cn><ci>B__x</ci></apply></math></assignmentRule>
</listOfRules>"#
    ));
    let vars = ["A__x", "A__z", "B__x", "B__z"];
    let (got, want) = (course(&import(&xml), &vars), course(&import(&by_hand), &vars));
    same(&got, &want);
    for row in &got.rows {
        assert!((row[1] - 4.0 * (-0.5 * row[0]).exp()).abs() < 1e-8, "{row:?}");
    }
}

/// The parent's `y` replaces the submodel's `x` with conversion factor
/// `f = 2` (x = y / f): `dy/dt = f · (−k · y/f) = −k·y`, `A__z = 2·y/f`.
#[test]
fn a_replacement_with_a_conversion_factor_reads_and_assigns_through_the_factor() {
    let xml = comp(
        r#"<listOfParameters>
  <parameter id="f" value="2" constant="true"/>
  <parameter id="y" value="10" constant="false">
    <comp:listOfReplacedElements><comp:replacedElement comp:submodelRef="A" comp:idRef="x" comp:conversionFactor="f"/></comp:listOfReplacedElements>
  </parameter>
</listOfParameters>
<comp:listOfSubmodels><comp:submodel comp:id="A" comp:modelRef="decay"/></comp:listOfSubmodels>"#,
        DECAY,
    );
    let doc = read_str(&xml, "inline.xml").unwrap();
    assert!(doc.parameters.iter().all(|p| p.id != "A__x"), "the replaced x is gone");
    let table = course(&import(&xml), &["y", "A__z"]);
    for row in &table.rows {
        let y = 10.0 * (-0.5 * row[0]).exp();
        assert!((row[1] - y).abs() < 1e-8 && (row[2] - y).abs() < 1e-8, "{row:?}");
    }
}

#[test]
fn a_port_reference_and_replaced_by_reach_the_same_element_as_its_id() {
    let parent = |reference: &str| {
        comp(
            &format!(
                r#"<listOfParameters>
  <parameter id="y" value="1" constant="false">
    <comp:listOfReplacedElements><comp:replacedElement comp:submodelRef="A" {reference}/></comp:listOfReplacedElements>
  </parameter>
</listOfParameters>
<comp:listOfSubmodels><comp:submodel comp:id="A" comp:modelRef="decay"/></comp:listOfSubmodels>"#
            ),
            DECAY,
        )
    };
    let by_port = course(&import(&parent(r#"comp:portRef="x_port""#)), &["y", "A__z"]);
    let by_id = course(&import(&parent(r#"comp:idRef="x""#)), &["y", "A__z"]);
    same(&by_port, &by_id);
    assert!((by_port.rows[4][1] - (-0.5f64 * 4.0).exp()).abs() < 1e-8);
    // replacedBy: the submodel's x replaces the parent's y, taking its id and
    // its role: the parent's w reads y, i.e. A's x (starting at 4).
    let xml = comp(
        &format!(
            r#"<listOfParameters>
  <parameter id="y" value="1" constant="false"><comp:replacedBy comp:submodelRef="A" comp:idRef="x"/></parameter>
  <parameter id="w" constant="false"/>
</listOfParameters>
<listOfRules><assignmentRule variable="w">{MATH}<ci>y</ci></math></assignmentRule></listOfRules>
<comp:listOfSubmodels><comp:submodel comp:id="A" comp:modelRef="decay"/></comp:listOfSubmodels>"#
        ),
        DECAY,
    );
    let table = course(&import(&xml), &["y", "w"]);
    for row in &table.rows {
        let x = 4.0 * (-0.5 * row[0]).exp();
        assert!((row[1] - x).abs() < 1e-8 && (row[2] - x).abs() < 1e-8, "{row:?}");
    }
}

#[test]
fn a_deletion_removes_the_element_and_a_deleted_id_still_read_is_refused() {
    let sub = |deletion: &str| {
        comp(
            &format!(
                r#"<comp:listOfSubmodels><comp:submodel comp:id="A" comp:modelRef="decay">
  <comp:listOfDeletions>{deletion}</comp:listOfDeletions>
</comp:submodel></comp:listOfSubmodels>"#
            ),
            DECAY,
        )
    };
    // Without its rate rule, x stays at 4 and z at 8.
    let table = course(&import(&sub(r#"<comp:deletion comp:metaIdRef="rr"/>"#)), &["A__x", "A__z"]);
    for row in &table.rows {
        assert_eq!((row[1], row[2]), (4.0, 8.0), "{row:?}");
    }
    // k is still read by the rate rule.
    let message = refused(&sub(r#"<comp:deletion comp:idRef="k"/>"#));
    assert!(message.contains("comp:deletion of 'A__k'"), "{message}");
}

/// A submodel in minutes under a parent in seconds (`t = 60`): its time
/// reads `time/60` and its rate rule `dx/dt = 1` (per minute) gives
/// `x = time/60`.
#[test]
fn a_time_conversion_factor_scales_the_submodels_time_and_rates() {
    let xml = comp(
        r#"<listOfParameters><parameter id="t" value="60" constant="true"/></listOfParameters>
<comp:listOfSubmodels><comp:submodel comp:id="A" comp:modelRef="clock" comp:timeConversionFactor="t"/></comp:listOfSubmodels>"#,
        &format!(
            r#"<comp:modelDefinition id="clock">
  <listOfParameters><parameter id="x" value="0" constant="false"/><parameter id="p" constant="false"/></listOfParameters>
  <listOfRules>
    <rateRule variable="x">{MATH}<cn>1</cn></math></rateRule>
    <assignmentRule variable="p">{MATH}<csymbol encoding="text" definitionURL="http://www.sbml.org/sbml/symbols/time">t</csymbol></math></assignmentRule>
  </listOfRules>
</comp:modelDefinition>"#
        ),
    );
    let table = course(&import(&xml), &["A__x", "A__p"]);
    for row in &table.rows {
        assert!((row[1] - row[0] / 60.0).abs() < 1e-10 && (row[2] - row[0] / 60.0).abs() < 1e-12, "{row:?}");
    }
}

#[test]
fn an_external_model_definition_is_read_relative_to_the_document() {
    let dir = std::env::temp_dir().join(format!("sasp-comp-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let external = format!(
        r#"<sbml xmlns="http://www.sbml.org/sbml/level3/version2/core" xmlns:comp="http://www.sbml.org/sbml/level3/version1/comp/version1" level="3" version="2" comp:required="true">
  <model id="unused"/>
  <comp:listOfModelDefinitions>{DECAY}</comp:listOfModelDefinitions>
</sbml>"#
    );
    std::fs::write(dir.join("lib.xml"), external).unwrap();
    let main = r#"<sbml xmlns="http://www.sbml.org/sbml/level3/version2/core" xmlns:comp="http://www.sbml.org/sbml/level3/version1/comp/version1" level="3" version="2" comp:required="true">
  <model id="top"><comp:listOfSubmodels><comp:submodel comp:id="A" comp:modelRef="ext"/></comp:listOfSubmodels></model>
  <comp:listOfExternalModelDefinitions>
    <comp:externalModelDefinition comp:id="ext" comp:source="lib.xml" comp:modelRef="decay"/>
  </comp:listOfExternalModelDefinitions>
</sbml>"#;
    std::fs::write(dir.join("main.xml"), main).unwrap();
    let doc = read_file(&dir.join("main.xml")).unwrap();
    assert!(doc.parameters.iter().any(|p| p.id == "A__x" && p.value == Some(4.0)));
    std::fs::write(dir.join("main.xml"), main.replace("lib.xml", "missing.xml")).unwrap();
    let e = read_file(&dir.join("main.xml")).unwrap_err();
    assert!(e.is_unsupported() && e.to_string().contains("comp:externalModelDefinition source 'missing.xml'"), "{e}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn what_flattening_does_not_convert_is_refused_by_name() {
    // A conversion factor on a species that a reaction changes.
    let def = r#"<comp:modelDefinition id="r">
  <listOfCompartments><compartment id="c" size="1" constant="true"/></listOfCompartments>
  <listOfSpecies><species id="S" compartment="c" initialAmount="1" hasOnlySubstanceUnits="true" boundaryCondition="false" constant="false"/></listOfSpecies>
  <listOfReactions><reaction id="J" reversible="false">
    <listOfReactants><speciesReference species="S" stoichiometry="1" constant="true"/></listOfReactants>
    <kineticLaw><math xmlns="http://www.w3.org/1998/Math/MathML"><ci>S</ci></math></kineticLaw>
  </reaction></listOfReactions>
</comp:modelDefinition>"#;
    let xml = comp(
        r#"<listOfCompartments><compartment id="c" size="1" constant="true"/></listOfCompartments>
<listOfSpecies><species id="T" compartment="c" initialAmount="1" hasOnlySubstanceUnits="true" boundaryCondition="false" constant="false">
  <comp:listOfReplacedElements><comp:replacedElement comp:submodelRef="A" comp:idRef="S" comp:conversionFactor="f"/></comp:listOfReplacedElements>
</species></listOfSpecies>
<listOfParameters><parameter id="f" value="2" constant="true"/></listOfParameters>
<comp:listOfSubmodels><comp:submodel comp:id="A" comp:modelRef="r"/></comp:listOfSubmodels>"#,
        def,
    );
    let message = refused(&xml);
    assert!(
        message.contains("comp:conversionFactor on 'A__S', used as the species of a speciesReference"),
        "{message}"
    );
    // A time conversion factor on a submodel that reads rateOf.
    let xml = comp(
        r#"<listOfParameters><parameter id="t" value="60" constant="true"/></listOfParameters>
<comp:listOfSubmodels><comp:submodel comp:id="A" comp:modelRef="m" comp:timeConversionFactor="t"/></comp:listOfSubmodels>"#,
        &format!(
            r#"<comp:modelDefinition id="m">
  <listOfParameters><parameter id="x" value="0" constant="false"/><parameter id="p" constant="false"/></listOfParameters>
  <listOfRules>
    <rateRule variable="x">{MATH}<cn>1</cn></math></rateRule>
    <assignmentRule variable="p">{MATH}<apply><csymbol encoding="text" definitionURL="http://www.sbml.org/sbml/symbols/rateOf">rateOf</csymbol><ci>x</ci></apply></math></assignmentRule>
  </listOfRules>
</comp:modelDefinition>"#
        ),
    );
    let message = refused(&xml);
    assert!(message.contains("comp:timeConversionFactor") && message.contains("rateOf"), "{message}");
    // A model that instantiates itself.
    let xml = comp(
        r#"<comp:listOfSubmodels><comp:submodel comp:id="A" comp:modelRef="loop"/></comp:listOfSubmodels>"#,
        r#"<comp:modelDefinition id="loop"><comp:listOfSubmodels><comp:submodel comp:id="B" comp:modelRef="loop"/></comp:listOfSubmodels></comp:modelDefinition>"#,
    );
    assert!(refused(&xml).contains("comp:submodel nested"));
}

/// Instances multiply (two submodels of two submodels …, 2^40 leaves):
/// a limit, not an exhausted memory.
#[test]
fn exponentially_many_instances_are_a_limit_error() {
    let mut defs = String::from(
        r#"<comp:modelDefinition id="m0"><listOfParameters><parameter id="p" value="1" constant="true"/></listOfParameters></comp:modelDefinition>"#,
    );
    for k in 1..=40 {
        defs.push_str(&format!(
            r#"<comp:modelDefinition id="m{k}"><comp:listOfSubmodels><comp:submodel comp:id="a" comp:modelRef="m{}"/><comp:submodel comp:id="b" comp:modelRef="m{}"/></comp:listOfSubmodels></comp:modelDefinition>"#,
            k - 1,
            k - 1
        ));
    }
    let xml = comp(
        r#"<comp:listOfSubmodels><comp:submodel comp:id="top" comp:modelRef="m40"/></comp:listOfSubmodels>"#,
        &defs,
    );
    let start = std::time::Instant::now();
    let e = read_str(&xml, "inline.xml").unwrap_err();
    assert!(matches!(e, sasp::SaspError::LimitExceeded { .. }), "{e}");
    assert!(start.elapsed().as_secs() < 30);
}

/// Deep math inside a submodel and garbled comp references: errors, never a
/// panic or a stack overflow (on a thread with a small stack).
#[test]
fn deep_or_garbled_comp_documents_are_errors_not_panics() {
    let deep = format!(
        r#"<comp:modelDefinition id="d"><listOfParameters><parameter id="x" constant="false"/></listOfParameters>
<listOfRules><assignmentRule variable="x">{MATH}{}<cn>1</cn>{}</math></assignmentRule></listOfRules></comp:modelDefinition>"#,
        "<apply><minus/>".repeat(900),
        "</apply>".repeat(900)
    );
    let sub = r#"<comp:listOfSubmodels><comp:submodel comp:id="A" comp:modelRef="d"/></comp:listOfSubmodels>"#;
    let garbled = [
        comp(sub, &deep),
        comp(
            r#"<comp:listOfSubmodels><comp:submodel comp:id="A" comp:modelRef="nowhere"/></comp:listOfSubmodels>"#,
            DECAY,
        ),
        comp(r#"<comp:listOfSubmodels><comp:submodel comp:modelRef="decay"/></comp:listOfSubmodels>"#, DECAY),
        comp(
            r#"<listOfParameters><parameter id="y" value="1" constant="true"><comp:listOfReplacedElements>
<comp:replacedElement comp:submodelRef="A" comp:portRef="no_port"/><comp:replacedElement comp:submodelRef="Z" comp:idRef="x"/>
</comp:listOfReplacedElements></parameter></listOfParameters>
<comp:listOfSubmodels><comp:submodel comp:id="A" comp:modelRef="decay"/></comp:listOfSubmodels>"#,
            DECAY,
        ),
        comp(
            r#"<comp:listOfSubmodels><comp:submodel comp:id="A" comp:modelRef="decay"><comp:listOfDeletions>
<comp:deletion comp:idRef="nothing"/></comp:listOfDeletions></comp:submodel></comp:listOfSubmodels>"#,
            DECAY,
        ),
    ];
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || {
            for xml in &garbled {
                assert!(read_str(xml, "inline.xml").is_err(), "{xml}");
            }
        })
        .unwrap()
        .join()
        .unwrap();
}

/// The main model's `conversionFactor` converts its own species, not a
/// submodel's: `dT/dt = 3 · 1`, `dA__S/dt = 1`.
#[test]
fn a_models_conversion_factor_holds_for_its_own_species_only() {
    let reaction = |species: &str| {
        format!(
            r#"<listOfReactions><reaction id="J" reversible="false"><listOfProducts><speciesReference species="{species}" stoichiometry="1" constant="true"/></listOfProducts>
<kineticLaw>{MATH}<cn>1</cn></math></kineticLaw></reaction></listOfReactions>"#
        )
    };
    let species = |id: &str| {
        format!(
            r#"<listOfCompartments><compartment id="c" size="1" constant="true"/></listOfCompartments>
<listOfSpecies><species id="{id}" compartment="c" initialAmount="0" hasOnlySubstanceUnits="true" boundaryCondition="false" constant="false"/></listOfSpecies>"#
        )
    };
    let xml = comp(
        &format!(
            r#"{}<listOfParameters><parameter id="f" value="3" constant="true"/></listOfParameters>{}
<comp:listOfSubmodels><comp:submodel comp:id="A" comp:modelRef="source"/></comp:listOfSubmodels>"#,
            species("T"),
            reaction("T")
        ),
        &format!(r#"<comp:modelDefinition id="source">{}{}</comp:modelDefinition>"#, species("S"), reaction("S")),
    )
    .replace(r#"<model id="top">"#, r#"<model id="top" conversionFactor="f">"#);
    let table = course(&import(&xml), &["T", "A__S"]);
    for row in &table.rows {
        assert!((row[1] - 3.0 * row[0]).abs() < 1e-10 && (row[2] - row[0]).abs() < 1e-10, "{row:?}");
    }
}

/// A main model's own `A__k` beside submodel `A`'s `k`: refused, not merged.
#[test]
fn a_flat_id_shared_by_two_elements_is_refused() {
    let xml = comp(
        r#"<listOfParameters><parameter id="A__k" value="9" constant="true"/></listOfParameters>
<comp:listOfSubmodels><comp:submodel comp:id="A" comp:modelRef="decay"/></comp:listOfSubmodels>"#,
        DECAY,
    );
    let message = refused(&xml);
    assert!(message.contains("have the id 'A__k'"), "{message}");
}
