//! SBML import against the SBML Test Suite's own expected results (37
//! cases copied into tests/data/sbml-test-suite/cases with the suite's
//! LGPL licence: events, rate rules on species and compartments, conversion
//! factors, variable stoichiometry, L2 stoichiometryMath, local parameters,
//! function definitions, ids named `time`, INF and NaN values, avogadro,
//! algebraic rules with a rate rule, sizing a compartment, with a delayed
//! event and with default values, fast reactions feeding a slow one, fed
//! by one, and running backwards from a point where Newton cannot start;
//! delays of a function of time, with a lag that is itself a delay, in a
//! kinetic law, in a trigger that is not persistent and in an event
//! assignment; flux balance: fbc v1 bounds, an infeasible problem, initial
//! assignments of an infinite bound and of stoichiometries),
//! refusals by name, and interventions on an imported model.

use sasp::intervene::{Antibody, Arm, DoseSchedule, PkValue};
use sasp::sbml::suite::{judge, CaseSettings, Outcome, Table};
use sasp::sbml::{read, simulate_case, Import};
use sasp::solve::{Method, Options, Tolerance};
use std::path::{Path, PathBuf};

fn cases() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/sbml-test-suite/cases");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root).unwrap().map(|e| e.unwrap().path()).collect();
    dirs.sort();
    dirs
}

#[test]
fn copied_suite_cases_match_the_suites_expected_results() {
    let dirs = cases();
    assert_eq!(dirs.len(), 37);
    for dir in dirs {
        let id = dir.file_name().unwrap().to_str().unwrap().to_string();
        let settings = CaseSettings::read(dir.join(format!("{id}-settings.txt"))).unwrap();
        let expected = Table::read_csv(dir.join(format!("{id}-results.csv"))).unwrap();
        let got = simulate_case(&dir, &settings).unwrap_or_else(|e| panic!("case {id}: {e}"));
        assert_eq!(judge(&settings, &expected, &got), Outcome::Passed, "case {id}");
    }
}

#[test]
fn a_value_moved_past_the_tolerance_is_judged_wrong() {
    // The judge is what makes the test above able to fail.
    let dir = cases().into_iter().find(|d| d.ends_with("00001")).unwrap();
    let settings = CaseSettings::read(dir.join("00001-settings.txt")).unwrap();
    let expected = Table::read_csv(dir.join("00001-results.csv")).unwrap();
    let mut got = simulate_case(&dir, &settings).unwrap();
    let k = got.rows.len() / 2;
    got.rows[k][1] += 2.0 * (settings.absolute + settings.relative * got.rows[k][1].abs());
    assert!(matches!(judge(&settings, &expected, &got), Outcome::Wrong(_)));
}

const HEAD: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<sbml xmlns="http://www.sbml.org/sbml/level3/version2/core" level="3" version="2">
<model id="m">"#;

fn import(body: &str) -> sasp::Result<Import> {
    let text = format!("{HEAD}{body}</model></sbml>");
    let doc = read::read_str(&text, "inline.xml")?;
    Import::from_document(&doc, "inline.xml")
}

#[test]
fn a_history_that_reads_time_is_the_initial_value_at_the_past_time() {
    // x = delay(y, 2) with y' = 1 and the initial assignment y = time:
    // before the start y "has been" time, so x = t − 2 at every t, the
    // initial value included (y(t) = t after the start as well).
    // w = delay(z, 1) with z' = 0 and z = 5·time²: z's past is 5s², its run
    // 0, so w is 5(t − 1)² until t = 1 and 0 after.
    const DELAY: &str =
        "<csymbol encoding=\"text\" definitionURL=\"http://www.sbml.org/sbml/symbols/delay\">delay</csymbol>";
    const TIME: &str = "<csymbol encoding=\"text\" definitionURL=\"http://www.sbml.org/sbml/symbols/time\">t</csymbol>";
    let timed = |x_math: &str| {
        format!(
            r#"<listOfParameters><parameter id="x" constant="false"/><parameter id="y" constant="false"/><parameter id="z" constant="false"/><parameter id="w" constant="false"/></listOfParameters>
<listOfInitialAssignments><initialAssignment symbol="y"><math xmlns="http://www.w3.org/1998/Math/MathML">{TIME}</math></initialAssignment>
<initialAssignment symbol="z"><math xmlns="http://www.w3.org/1998/Math/MathML"><apply><times/><cn>5</cn>{TIME}{TIME}</apply></math></initialAssignment></listOfInitialAssignments>
<listOfRules><rateRule variable="y"><math xmlns="http://www.w3.org/1998/Math/MathML"><cn>1</cn></math></rateRule>
<rateRule variable="z"><math xmlns="http://www.w3.org/1998/Math/MathML"><cn>0</cn></math></rateRule>
<assignmentRule variable="x"><math xmlns="http://www.w3.org/1998/Math/MathML">{x_math}</math></assignmentRule>
<assignmentRule variable="w"><math xmlns="http://www.w3.org/1998/Math/MathML"><apply>{DELAY}<ci>z</ci><cn>1</cn></apply></math></assignmentRule></listOfRules>"#
        )
    };
    let imported = import(&timed(&format!("<apply>{DELAY}<ci>y</ci><cn>2</cn></apply>"))).unwrap();
    let options = Options { rtol: 1e-10, atol: Tolerance::Scalar(1e-12), ..Options::default() };
    let variables = ["x".to_string(), "w".to_string()];
    let times = [0.0, 0.5, 1.0, 3.0];
    let table = imported.time_course(&times, &variables, &[], &[], Method::Rodas5p, &options).unwrap();
    for (row, t) in table.rows.iter().zip(times) {
        assert!((row[1] - (t - 2.0)).abs() < 1e-9, "x at {t}: {}", row[1]);
        let w = if t < 1.0 { 5.0 * (t - 1.0) * (t - 1.0) } else { 0.0 };
        assert!((row[2] - w).abs() < 1e-9, "w at {t}: {}", row[2]);
    }
    // A delay of a delay: v = delay(delay(y, 1), 0.5) is y at t − 1.5, and
    // so is u's initial value (u' = 0): −1.5 throughout.
    let nested = timed(&format!("<apply>{DELAY}<ci>y</ci><cn>2</cn></apply>")).replace(
        "</listOfRules>",
        &format!(
            r#"<assignmentRule variable="v"><math xmlns="http://www.w3.org/1998/Math/MathML"><apply>{DELAY}<apply>{DELAY}<ci>y</ci><cn>1</cn></apply><cn>0.5</cn></apply></math></assignmentRule>
<rateRule variable="u"><math xmlns="http://www.w3.org/1998/Math/MathML"><cn>0</cn></math></rateRule></listOfRules>"#
        ),
    );
    let nested = nested
        .replace(
            "<parameter id=\"w\" constant=\"false\"/>",
            "<parameter id=\"w\" constant=\"false\"/><parameter id=\"v\" constant=\"false\"/><parameter id=\"u\" constant=\"false\"/>",
        )
        .replace(
            "</listOfInitialAssignments>",
            &format!(
                r#"<initialAssignment symbol="u"><math xmlns="http://www.w3.org/1998/Math/MathML"><apply>{DELAY}<apply>{DELAY}<ci>y</ci><cn>1</cn></apply><cn>0.5</cn></apply></math></initialAssignment></listOfInitialAssignments>"#
            ),
        );
    let imported = import(&nested).unwrap();
    let variables = ["v".to_string(), "u".to_string()];
    let table = imported.time_course(&times, &variables, &[], &[], Method::Rodas5p, &options).unwrap();
    for (row, t) in table.rows.iter().zip(times) {
        assert!((row[1] - (t - 1.5)).abs() < 1e-9, "v at {t}: {}", row[1]);
        assert!((row[2] + 1.5).abs() < 1e-9, "u at {t}: {}", row[2]);
    }
    // The rate of such a symbol before the start is not the constant
    // history's 0: refused by name.
    const RATE_OF: &str =
        "<csymbol encoding=\"text\" definitionURL=\"http://www.sbml.org/sbml/symbols/rateOf\">rateOf</csymbol>";
    let err =
        import(&timed(&format!("<apply>{DELAY}<apply>{RATE_OF}<ci>z</ci></apply><cn>2</cn></apply>"))).unwrap_err();
    assert!(err.is_unsupported() && err.to_string().contains("initial value depends on time"), "{err}");
}

#[test]
fn a_delayed_rate_is_zero_before_the_start() {
    // x = delay(rateOf(y), 2) with y' = time: the history before time 0 is
    // constant (y's initial value does not read time, its rate does), so x
    // is 0 until t = 2 and t − 2 after.
    const DELAY: &str =
        "<csymbol encoding=\"text\" definitionURL=\"http://www.sbml.org/sbml/symbols/delay\">delay</csymbol>";
    const RATE_OF: &str =
        "<csymbol encoding=\"text\" definitionURL=\"http://www.sbml.org/sbml/symbols/rateOf\">rateOf</csymbol>";
    let xml = format!(
        r#"<listOfParameters><parameter id="x" constant="false"/><parameter id="y" value="1" constant="false"/></listOfParameters>
<listOfRules><rateRule variable="y"><math xmlns="http://www.w3.org/1998/Math/MathML"><csymbol encoding="text" definitionURL="http://www.sbml.org/sbml/symbols/time">t</csymbol></math></rateRule>
<assignmentRule variable="x"><math xmlns="http://www.w3.org/1998/Math/MathML">
<apply>{DELAY}<apply>{RATE_OF}<ci>y</ci></apply><cn>2</cn></apply>
</math></assignmentRule></listOfRules>"#
    );
    let import = import(&xml).unwrap();
    let options = Options { rtol: 1e-10, atol: Tolerance::Scalar(1e-12), ..Options::default() };
    let variables = ["x".to_string(), "y".to_string()];
    let table = import.time_course(&[0.0, 1.0, 3.0], &variables, &[], &[], Method::Rodas5p, &options).unwrap();
    let x: Vec<f64> = table.rows.iter().map(|r| r[1]).collect();
    assert_eq!(&x[..2], [0.0, 0.0]);
    assert!((x[2] - 1.0).abs() < 1e-9, "{}", x[2]);
    assert!((table.rows[2][2] - 5.5).abs() < 1e-9);
}

#[test]
fn cycles_and_missing_values_are_errors_not_answers() {
    let cycle = r#"<listOfParameters><parameter id="a" constant="false"/><parameter id="b" constant="false"/></listOfParameters>
<listOfRules>
<assignmentRule variable="a"><math xmlns="http://www.w3.org/1998/Math/MathML"><ci>b</ci></math></assignmentRule>
<assignmentRule variable="b"><math xmlns="http://www.w3.org/1998/Math/MathML"><ci>a</ci></math></assignmentRule>
</listOfRules>"#;
    let err = import(cycle).unwrap_err().to_string();
    assert!(err.contains("cycle"), "{err}");
    let missing = r#"<listOfParameters><parameter id="k" constant="true"/><parameter id="x" value="1" constant="false"/></listOfParameters>
<listOfRules><rateRule variable="x"><math xmlns="http://www.w3.org/1998/Math/MathML"><ci>k</ci></math></rateRule></listOfRules>"#;
    let err = import(missing).unwrap_err().to_string();
    assert!(err.contains("'k'"), "{err}");
}

/// Case 00001 (S1 → S2 at rate k1·S1·compartment) imported, with an
/// antibody against S1 whose complex is not cleared (`delta_B = 0`): the
/// complex forms, S2 is made more slowly, and S1 + S2 + complex is conserved.
#[test]
fn an_antibody_against_an_imported_species() {
    let dir = cases().into_iter().find(|d| d.ends_with("00001")).unwrap();
    let import = Import::from_file(dir.join("00001-sbml-l3v2.xml")).unwrap();
    let model = &import.model;
    assert!(!model.unchecked_units().is_empty(), "SBML without units: rates unchecked, and said so");
    let antibody = Antibody::against("S1", DoseSchedule::once(1e-3, 0.0))
        .with_pk("delta_B", PkValue::Value(0.0, "1/day".into()))
        .unwrap();
    let arm = Arm::new("anti-S1").with(antibody);
    let prepared = arm.prepare(model, 0.0).unwrap();
    let treated = &prepared.model;
    let options = Options { rtol: 1e-10, atol: Tolerance::Scalar(1e-16), ..Options::default() };
    let times = [0.0, 1.0, 5.0];
    let base = model.simulate(&times, Method::Rodas5p, &options).unwrap();
    // The dose is given by the experiment at its stop; here it is placed in
    // the depot of the antibody at t = 0 by hand.
    let mut y0 = treated.initial_state();
    let depot = treated.compartment_names().position(|n| n.contains("depot")).expect("a depot");
    y0[depot] = 1e-3;
    let mut system = treated.system(&treated.default_inputs()).unwrap();
    let mut stepper = Method::Rodas5p.stepper(&system, options.clone()).unwrap();
    let plan = sasp::solve::Plan::outputs(&times);
    let run =
        sasp::solve::integrate(&mut stepper, &mut system, 0.0, &y0, 5.0, &plan, &mut |_, _, _, _| Ok(())).unwrap();
    let s2 = |sol: &sasp::solve::Solution, m: &sasp::model::Model, k: usize| sol.state(k)[m.index_of("S2").unwrap()];
    assert!(s2(&run.solution, treated, 2) < s2(&base, model, 2), "binding S1 slows its conversion");
    let complexes = prepared.complexes_of_index(treated.index_of("S1").unwrap());
    assert!(!complexes.is_empty());
    for (k, t) in times.iter().enumerate() {
        let y = run.solution.state(k);
        let total = y[treated.index_of("S1").unwrap()]
            + y[treated.index_of("S2").unwrap()]
            + complexes.iter().map(|&c| y[c]).sum::<f64>();
        assert!((total - 1.5e-4).abs() < 1e-12, "S1 + S2 + complex at t = {t}: {total}");
    }
}

#[test]
fn arms_run_a_models_own_events_with_their_stops() {
    // Suite case 01780: at t = 0.45 an event sets C1 = 0.2 and S1 = 0.2
    // (a concentration, with the size before the event): the amount of S1
    // goes from 2 · 0.5 = 1 to 0.2 · 0.5 = 0.1. An arm (here a switch of no
    // input: a plain run with a stop at 0.3) runs the event as
    // `Model::simulate` does.
    let dir = cases().into_iter().find(|d| d.ends_with("01780")).unwrap();
    let import = Import::from_file(dir.join("01780-sbml-l3v2.xml")).unwrap();
    let model = &import.model;
    let prepared = Arm::new("plain").prepare(model, 0.0).unwrap();
    let options = Options { rtol: 1e-10, atol: Tolerance::Scalar(1e-14), ..Options::default() };
    let times = [0.0, 0.3, 0.4, 0.5, 0.6];
    let direct = model.simulate(&times, Method::Rodas5p, &options).unwrap();
    let mut system = prepared.model.system(&prepared.model.default_inputs()).unwrap();
    let mut stepper = Method::Rodas5p.stepper(&system, options.clone()).unwrap();
    let plan = sasp::solve::Plan::outputs(&times).stops(&[0.3]);
    let mut stops = 0;
    let run = prepared
        .model
        .integrate(&mut stepper, &mut system, 0.0, &prepared.model.initial_state(), 0.6, &plan, &mut |_, _, _, _| {
            stops += 1;
            Ok(())
        })
        .unwrap();
    assert_eq!(stops, 1);
    let s1 = model.index_of("S1").unwrap();
    for (k, expect) in [1.0, 1.0, 1.0, 0.1, 0.1].iter().enumerate() {
        assert!((run.solution.state(k)[s1] - expect).abs() < 1e-9, "t = {}: {}", times[k], run.solution.state(k)[s1]);
        assert_eq!(run.solution.state(k), direct.state(k));
    }
}

#[test]
fn invalid_documents_are_errors_naming_the_item() {
    let unknown_compartment = r#"<listOfSpecies><species id="S" compartment="nowhere" initialAmount="1" hasOnlySubstanceUnits="false" boundaryCondition="false" constant="false"/></listOfSpecies>"#;
    let err = import(unknown_compartment).unwrap_err().to_string();
    assert!(err.contains("species 'S'") && err.contains("'nowhere'"), "{err}");
    let unknown_rule = r#"<listOfParameters><parameter id="x" value="1" constant="false"/></listOfParameters>
<listOfRules><rateRule variable="y"><math xmlns="http://www.w3.org/1998/Math/MathML"><cn>1</cn></math></rateRule></listOfRules>"#;
    let err = import(unknown_rule).unwrap_err().to_string();
    assert!(err.contains("rate rule") && err.contains("'y'"), "{err}");
    let two_rules = r#"<listOfParameters><parameter id="x" value="1" constant="false"/></listOfParameters>
<listOfRules>
<rateRule variable="x"><math xmlns="http://www.w3.org/1998/Math/MathML"><cn>1</cn></math></rateRule>
<assignmentRule variable="x"><math xmlns="http://www.w3.org/1998/Math/MathML"><cn>2</cn></math></assignmentRule>
</listOfRules>"#;
    let err = import(two_rules).unwrap_err().to_string();
    assert!(err.contains("at most one rule"), "{err}");
}

// ------------------------------------------------------------------ rateOf

const MATH: &str = r#"<math xmlns="http://www.w3.org/1998/Math/MathML">"#;

fn rate_of(x: &str) -> String {
    format!(
        r#"<apply><csymbol encoding="text" definitionURL="http://www.sbml.org/sbml/symbols/rateOf">rateOf</csymbol><ci>{x}</ci></apply>"#
    )
}

/// Simulates `import` and returns the table of `variables` at `times`.
fn course(import: &Import, times: &[f64], variables: &[&str]) -> Table {
    let options = Options { rtol: 1e-10, atol: Tolerance::Scalar(1e-12), ..Options::default() };
    let variables: Vec<String> = variables.iter().map(|v| v.to_string()).collect();
    import.time_course(times, &variables, &[], &[], Method::Rodas5p, &options).unwrap()
}

/// S decays by a reaction (`dS/dt = −k·S` as a concentration in a
/// compartment of size 2): `p := rateOf(S)` is `−k·S` at every time, and
/// an initial assignment `q = rateOf(S)` is `−k·S(0)`.
#[test]
fn rate_of_a_species_changed_by_a_reaction_is_its_concentrations_rate() {
    let body = format!(
        r#"<listOfCompartments><compartment id="C" size="2" constant="true"/></listOfCompartments>
<listOfSpecies><species id="S" compartment="C" initialConcentration="3" hasOnlySubstanceUnits="false" boundaryCondition="false" constant="false"/></listOfSpecies>
<listOfParameters><parameter id="k" value="0.7" constant="true"/><parameter id="p" constant="false"/><parameter id="q" constant="true"/></listOfParameters>
<listOfInitialAssignments><initialAssignment symbol="q">{MATH}{}</math></initialAssignment></listOfInitialAssignments>
<listOfRules><assignmentRule variable="p">{MATH}{}</math></assignmentRule></listOfRules>
<listOfReactions><reaction id="r" reversible="false"><listOfReactants><speciesReference species="S" stoichiometry="1" constant="true"/></listOfReactants>
<kineticLaw>{MATH}<apply><times/><ci>k</ci><ci>S</ci><ci>C</ci></apply></math></kineticLaw></reaction></listOfReactions>"#,
        rate_of("S"),
        rate_of("S")
    );
    let import = import(&body).unwrap();
    let table = course(&import, &[0.0, 0.5, 1.0, 3.0], &["S", "p", "q"]);
    for row in &table.rows {
        let (t, s, p, q) = (row[0], row[1], row[2], row[3]);
        assert!((s - 3.0 * (-0.7 * t).exp()).abs() < 1e-8, "S at {t}: {s}");
        assert!((p + 0.7 * s).abs() < 1e-12, "rateOf(S) at {t}: {p} against {}", -0.7 * s);
        assert_eq!(q, -0.7 * 3.0, "initial assignment at {t}");
    }
}

/// A compartment growing at `dV/dt = g` and a species made at `a`
/// amount per time: `d[S]/dt = a/V − [S]·g/V` (dilution), while the rate
/// of its amount (`hasOnlySubstanceUnits` species T, made alike) is `a`,
/// and the rate of the size is `g`.
#[test]
fn rate_of_a_concentration_in_a_growing_compartment_includes_dilution() {
    let body = format!(
        r#"<listOfCompartments><compartment id="V" size="1" constant="false"/></listOfCompartments>
<listOfSpecies>
<species id="S" compartment="V" initialAmount="2" hasOnlySubstanceUnits="false" boundaryCondition="false" constant="false"/>
<species id="T" compartment="V" initialAmount="2" hasOnlySubstanceUnits="true" boundaryCondition="false" constant="false"/>
</listOfSpecies>
<listOfParameters><parameter id="a" value="0.3" constant="true"/><parameter id="g" value="0.5" constant="true"/>
<parameter id="dS" constant="false"/><parameter id="dT" constant="false"/><parameter id="dV" constant="false"/></listOfParameters>
<listOfRules>
<rateRule variable="V">{MATH}<ci>g</ci></math></rateRule>
<assignmentRule variable="dS">{MATH}{}</math></assignmentRule>
<assignmentRule variable="dT">{MATH}{}</math></assignmentRule>
<assignmentRule variable="dV">{MATH}{}</math></assignmentRule>
</listOfRules>
<listOfReactions><reaction id="make" reversible="false"><listOfProducts>
<speciesReference species="S" stoichiometry="1" constant="true"/><speciesReference species="T" stoichiometry="1" constant="true"/>
</listOfProducts><kineticLaw>{MATH}<ci>a</ci></math></kineticLaw></reaction></listOfReactions>"#,
        rate_of("S"),
        rate_of("T"),
        rate_of("V")
    );
    let import = import(&body).unwrap();
    let table = course(&import, &[0.0, 1.0, 2.0, 4.0], &["S", "V", "dS", "dT", "dV"]);
    for row in &table.rows {
        let (t, s, v, ds, dt, dv) = (row[0], row[1], row[2], row[3], row[4], row[5]);
        let (n, size) = (2.0 + 0.3 * t, 1.0 + 0.5 * t);
        assert!((v - size).abs() < 1e-9 && (s - n / size).abs() < 1e-8, "S, V at {t}: {s}, {v}");
        // d(n/V)/dt = a/V − n·g/V².
        let exact = 0.3 / size - n * 0.5 / (size * size);
        assert!((ds - exact).abs() < 1e-8, "rateOf(S) at {t}: {ds} against {exact}");
        assert!((dt - 0.3).abs() < 1e-15 && (dv - 0.5).abs() < 1e-15, "rateOf(T), rateOf(V) at {t}: {dt}, {dv}");
    }
}

/// An assignment rule `y = x² + time` with `dx/dt = −x`:
/// `rateOf(y) = 2x·(−x) + 1`, by the chain rule; a rate rule may read it.
#[test]
fn rate_of_an_assigned_symbol_is_the_time_derivative_of_its_rule() {
    let body = format!(
        r#"<listOfParameters><parameter id="x" value="2" constant="false"/><parameter id="y" constant="false"/>
<parameter id="dy" constant="false"/><parameter id="z" value="0" constant="false"/></listOfParameters>
<listOfRules>
<rateRule variable="x">{MATH}<apply><minus/><ci>x</ci></apply></math></rateRule>
<assignmentRule variable="y">{MATH}<apply><plus/><apply><power/><ci>x</ci><cn>2</cn></apply><csymbol definitionURL="http://www.sbml.org/sbml/symbols/time">t</csymbol></apply></math></assignmentRule>
<assignmentRule variable="dy">{MATH}{}</math></assignmentRule>
<rateRule variable="z">{MATH}{}</math></rateRule>
</listOfRules>"#,
        rate_of("y"),
        rate_of("y")
    );
    let import = import(&body).unwrap();
    let table = course(&import, &[0.0, 0.5, 2.0], &["x", "y", "dy", "z"]);
    for row in &table.rows {
        let (t, x, y, dy, z) = (row[0], row[1], row[2], row[3], row[4]);
        assert!((x - 2.0 * (-t).exp()).abs() < 1e-8, "x at {t}: {x}");
        assert!((dy - (1.0 - 2.0 * x * x)).abs() < 1e-12, "rateOf(y) at {t}: {dy}");
        // z integrates rateOf(y): z(t) = y(t) − y(0).
        assert!((z - (y - 4.0)).abs() < 1e-7, "z at {t}: {z} against {}", y - 4.0);
    }
}

#[test]
fn rate_of_anything_but_a_symbol_and_rates_that_need_themselves_are_refused() {
    let params = r#"<listOfParameters><parameter id="x" value="1" constant="false"/><parameter id="y" value="1" constant="false"/></listOfParameters>"#;
    // rateOf of an expression.
    let body = format!(
        r#"{params}<listOfRules><rateRule variable="x">{MATH}<apply><csymbol definitionURL="http://www.sbml.org/sbml/symbols/rateOf">rateOf</csymbol><apply><times/><cn>2</cn><ci>y</ci></apply></apply></math></rateRule></listOfRules>"#
    );
    let err = import(&body).unwrap_err();
    assert!(
        err.is_unsupported() && err.to_string().contains("rateOf csymbol of an expression that is not a symbol"),
        "{err}"
    );
    // rateOf inside a function definition.
    let body = format!(
        r#"<listOfFunctionDefinitions><functionDefinition id="f">{MATH}<lambda><bvar><ci>u</ci></bvar>{}</lambda></math></functionDefinition></listOfFunctionDefinitions>{params}"#,
        rate_of("u")
    );
    let err = import(&body).unwrap_err();
    assert!(err.is_unsupported() && err.to_string().contains("rateOf csymbol in a function definition"), "{err}");
    // A rate rule that reads its own rate, directly and through another.
    for (rx, ry, chain) in [
        (rate_of("x"), "<cn>1</cn>".to_string(), "rateOf(x) → rateOf(x)"),
        (rate_of("y"), rate_of("x"), "rateOf(x) → rateOf(y) → rateOf(x)"),
    ] {
        let body = format!(
            r#"{params}<listOfRules><rateRule variable="x">{MATH}{rx}</math></rateRule><rateRule variable="y">{MATH}{ry}</math></rateRule></listOfRules>"#
        );
        let err = import(&body).unwrap_err();
        assert!(!err.is_unsupported() && err.to_string().contains(chain), "{err}");
    }
    // A kinetic law that reads the rate of the species it changes.
    let body = format!(
        r#"<listOfCompartments><compartment id="C" size="1" constant="true"/></listOfCompartments>
<listOfSpecies><species id="S" compartment="C" initialAmount="1" hasOnlySubstanceUnits="true" boundaryCondition="false" constant="false"/></listOfSpecies>
<listOfReactions><reaction id="r" reversible="false"><listOfReactants><speciesReference species="S" stoichiometry="1" constant="true"/></listOfReactants>
<kineticLaw>{MATH}{}</math></kineticLaw></reaction></listOfReactions>"#,
        rate_of("S")
    );
    let err = import(&body).unwrap_err();
    assert!(!err.is_unsupported() && err.to_string().contains("cycle"), "{err}");
    // rateOf of a symbol whose assignment rule reads rateOf (a second derivative).
    let body = format!(
        r#"{params}<listOfRules><rateRule variable="x">{MATH}<cn>1</cn></math></rateRule><assignmentRule variable="y">{MATH}{}</math></assignmentRule>
<assignmentRule variable="z">{MATH}{}</math></assignmentRule></listOfRules>"#,
        rate_of("x"),
        rate_of("y")
    )
    .replace(r#"<parameter id="y" value="1" constant="false"/>"#, r#"<parameter id="y" constant="false"/><parameter id="z" constant="false"/>"#);
    let err = import(&body).unwrap_err();
    assert!(
        err.is_unsupported() && err.to_string().contains("rateOf of a symbol whose definition reads rateOf"),
        "{err}"
    );
    // rateOf of an id the model does not declare.
    let body = format!(
        r#"{params}<listOfRules><rateRule variable="x">{MATH}{}</math></rateRule></listOfRules>"#,
        rate_of("nope")
    );
    let err = import(&body).unwrap_err();
    assert!(err.to_string().contains("rateOf(nope)"), "{err}");
}

/// `rateOf` in an event trigger (the rates before the event) and of a
/// reaction's id (d/dt of its kinetic law): S decays at `k·S`
/// (concentration 3 in a compartment of size 2), the event fires when
/// `rateOf(S) = −k·S` rises past −0.5, at `t = ln(4.2)/k`, and
/// `rateOf(r) = k·C·(−k·S)`.
#[test]
fn rate_of_in_a_trigger_and_of_a_reaction() {
    let body = format!(
        r#"<listOfCompartments><compartment id="C" size="2" constant="true"/></listOfCompartments>
<listOfSpecies><species id="S" compartment="C" initialConcentration="3" hasOnlySubstanceUnits="false" boundaryCondition="false" constant="false"/></listOfSpecies>
<listOfParameters><parameter id="k" value="0.7" constant="true"/><parameter id="flag" value="0" constant="false"/><parameter id="dr" constant="false"/></listOfParameters>
<listOfRules><assignmentRule variable="dr">{MATH}{}</math></assignmentRule></listOfRules>
<listOfReactions><reaction id="r" reversible="false"><listOfReactants><speciesReference species="S" stoichiometry="1" constant="true"/></listOfReactants>
<kineticLaw>{MATH}<apply><times/><ci>k</ci><ci>S</ci><ci>C</ci></apply></math></kineticLaw></reaction></listOfReactions>
<listOfEvents><event id="e" useValuesFromTriggerTime="true"><trigger initialValue="true" persistent="true">{MATH}<apply><gt/>{}<cn>-0.5</cn></apply></math></trigger>
<listOfEventAssignments><eventAssignment variable="flag">{MATH}<cn>1</cn></math></eventAssignment></listOfEventAssignments></event></listOfEvents>"#,
        rate_of("r"),
        rate_of("S")
    );
    let import = import(&body).unwrap();
    let fires = 4.2f64.ln() / 0.7;
    let table = course(&import, &[0.0, fires - 0.01, fires + 0.01, 4.0], &["S", "flag", "dr"]);
    for row in &table.rows {
        let (t, s, flag, dr) = (row[0], row[1], row[2], row[3]);
        assert_eq!(flag, if t > fires { 1.0 } else { 0.0 }, "flag at {t}");
        assert!((dr + 0.7 * 2.0 * 0.7 * s).abs() < 1e-12, "rateOf(r) at {t}: {dr}");
    }
}

fn algebraic(parameters: &str, rule: &str) -> String {
    format!(
        r#"<listOfParameters>{parameters}</listOfParameters>
<listOfRules><algebraicRule><math xmlns="http://www.w3.org/1998/Math/MathML">{rule}</math></algebraicRule></listOfRules>"#
    )
}

#[test]
fn an_algebraic_rule_determines_the_one_variable_nothing_else_does() {
    // 0 = x + y − 10 with y constant: x is determined, and starts from the
    // consistent value 7, not its declared 1.
    let body = algebraic(
        r#"<parameter id="x" value="1" constant="false"/><parameter id="y" value="3" constant="true"/>"#,
        "<apply><minus/><apply><plus/><ci>x</ci><ci>y</ci></apply><cn>10</cn></apply>",
    );
    let import = import(&body).unwrap();
    let model = &import.model;
    assert_eq!(model.spec().constraints.len(), 1);
    assert_eq!(model.spec().constraints[0].variable, "x");
    let options = Options { rtol: 1e-10, atol: Tolerance::Scalar(1e-12), ..Options::default() };
    let sol = model.simulate(&[0.0, 1.0], Method::Auto, &options).unwrap();
    assert_eq!(sol.method, "rodas5p");
    let x = model.index_of("x").unwrap();
    assert_eq!((sol.state(0)[x], sol.state(1)[x]), (7.0, 7.0));
}

#[test]
fn algebraic_rules_that_do_not_determine_a_variable_are_refused() {
    // Two free variables: which one the rule determines changes the answer.
    let ambiguous = algebraic(
        r#"<parameter id="x" value="1" constant="false"/><parameter id="y" value="3" constant="false"/>"#,
        "<apply><minus/><apply><plus/><ci>x</ci><ci>y</ci></apply><cn>10</cn></apply>",
    );
    let err = import(&ambiguous).unwrap_err();
    assert!(err.is_unsupported() && err.to_string().contains("could determine 'x' or 'y'"), "{err}");
    // Nothing left to determine: the model is overdetermined.
    let over =
        algebraic(r#"<parameter id="x" value="1" constant="true"/>"#, "<apply><minus/><ci>x</ci><cn>1</cn></apply>");
    let err = import(&over).unwrap_err().to_string();
    assert!(err.contains("algebraic rule 1") && err.contains("overdetermined"), "{err}");
    // An initial value computed from the determined variable would read
    // its declared value, not the consistent one.
    let initial = format!(
        "{}<listOfInitialAssignments><initialAssignment symbol=\"k\"><math xmlns=\"http://www.w3.org/1998/Math/MathML\"><ci>x</ci></math></initialAssignment></listOfInitialAssignments>",
        algebraic(
            r#"<parameter id="x" value="1" constant="false"/><parameter id="k" constant="true"/>"#,
            "<apply><minus/><ci>x</ci><cn>2</cn></apply>",
        )
    );
    let err = import(&initial).unwrap_err();
    assert!(err.is_unsupported() && err.to_string().contains("'k' reads 'x'"), "{err}");
    // x appears in its rule only as x − x: no Newton step can determine it.
    let index2 = algebraic(
        r#"<parameter id="x" value="1" constant="false"/>"#,
        "<apply><minus/><apply><minus/><ci>x</ci><ci>x</ci></apply><cn>1</cn></apply>",
    );
    let model = import(&index2).unwrap().model;
    let e = model.simulate(&[0.0, 1.0], Method::Auto, &Options::default()).unwrap_err();
    assert!(e.to_string().contains("no consistent values of the algebraic components"), "{e}");
}

#[test]
fn fast_reactions_that_cannot_be_equilibria_are_refused_by_name() {
    let species = r#"<listOfCompartments><compartment id="c" size="1" constant="true"/></listOfCompartments>
<listOfSpecies><species id="A" compartment="c" initialAmount="1" hasOnlySubstanceUnits="true" boundaryCondition="false" constant="false"/>
<species id="B" compartment="c" initialAmount="0" hasOnlySubstanceUnits="true" boundaryCondition="false" constant="false"/></listOfSpecies>"#;
    let reaction = |id: &str, nu: &str| {
        format!(
            r#"<reaction id="{id}" reversible="false" fast="true"><listOfReactants><speciesReference species="A" stoichiometry="{nu}" constant="true"/></listOfReactants>
<listOfProducts><speciesReference species="B" stoichiometry="{nu}" constant="true"/></listOfProducts>
<kineticLaw><math xmlns="http://www.w3.org/1998/Math/MathML"><ci>A</ci></math></kineticLaw></reaction>"#
        )
    };
    // A → B twice over: no two species determine both.
    let dependent =
        format!("{species}<listOfReactions>{}{}</listOfReactions>", reaction("f1", "1"), reaction("f2", "2"));
    let err = import(&dependent).unwrap_err();
    assert!(
        err.is_unsupported() && err.to_string().contains("linearly dependent") && err.to_string().contains("'f2'"),
        "{err}"
    );
    // An event that sets a species the fast reaction holds in equilibrium.
    let evented = format!(
        r#"{species}<listOfReactions>{}</listOfReactions><listOfEvents><event id="e" useValuesFromTriggerTime="true">
<trigger initialValue="false" persistent="true"><math xmlns="http://www.w3.org/1998/Math/MathML"><apply><gt/><csymbol encoding="text" definitionURL="http://www.sbml.org/sbml/symbols/time">t</csymbol><cn>1</cn></apply></math></trigger>
<listOfEventAssignments><eventAssignment variable="B"><math xmlns="http://www.w3.org/1998/Math/MathML"><cn>3</cn></math></eventAssignment></listOfEventAssignments></event></listOfEvents>"#,
        reaction("f", "1")
    );
    let err = import(&evented).unwrap_err();
    assert!(err.is_unsupported() && err.to_string().contains("species 'B'"), "{err}");
    // The one fast reaction alone: A is pushed to 0, B holds the pool.
    let one = format!("{species}<listOfReactions>{}</listOfReactions>", reaction("f", "1"));
    let import = import(&one).unwrap();
    let sol = import.model.simulate(&[0.0, 1.0], Method::Auto, &Options::default()).unwrap();
    for k in 0..2 {
        let y = sol.state(k);
        let (a, b) = (import.amount("A", sol.t[k], y).unwrap(), import.amount("B", sol.t[k], y).unwrap());
        assert!(a.abs() < 1e-12 && (b - 1.0).abs() < 1e-12, "t = {}: A = {a}, B = {b}", sol.t[k]);
    }
}
