//! Rates that switch formula where a relation changes (`piecewise` on time
//! or on a state), in plain runs: the relations are locked and the run
//! stops at each switching function's root (`Model::integrate`).

use super::sensitivity::{sbml_model, TIME};
use sasp::sbml::Import;
use sasp::solve::{Method, Options};

fn import(xml: &str) -> Import {
    let doc = sasp::sbml::read::read_str(xml, "<test>").unwrap();
    Import::from_document(&doc, "<test>").unwrap()
}

fn piecewise(value: &str, condition: &str, otherwise: &str) -> String {
    format!("<piecewise><piece>{value}{condition}</piece><otherwise>{otherwise}</otherwise></piecewise>")
}

/// `y' = 1` until `t = 1.5`, then 0; `x' = 2` until `x = 2`, then 1: each
/// piece is a polynomial the methods integrate exactly, so a run that
/// switches where the relations change ends at `y = 1.5` and `x = t + 1`
/// to rounding, with no step rejected. (Stepping across the kinks, as
/// before, left errors of 1e-7 and more at rtol 1e-6, and rejected steps.)
#[test]
fn plain_runs_switch_where_the_relations_change() {
    let one = "<cn>1</cn>";
    let xml = sbml_model(
        &[("y", 0.0, false), ("x", 0.0, false), ("T", 1.5, true), ("c", 2.0, true)],
        &[
            ("y", &piecewise(one, &format!("<apply><lt/>{TIME}<ci>T</ci></apply>"), "<cn>0</cn>")),
            ("x", &piecewise("<cn>2</cn>", "<apply><lt/><ci>x</ci><ci>c</ci></apply>", one)),
        ],
        "",
    );
    let import = import(&xml);
    let m = &import.model;
    let (y, x) = (m.index_of("y").unwrap(), m.index_of("x").unwrap());
    for method in [Method::Rodas5p, Method::Rodas3, Method::Bdf] {
        let options = Options { rtol: 1e-6, ..Options::default() };
        let sol = m.simulate(&[0.5, 1.2, 3.0], method, &options).unwrap();
        for (k, &t) in sol.t.iter().enumerate() {
            let (y_exact, x_exact) = (t.min(1.5), if t < 1.0 { 2.0 * t } else { t + 1.0 });
            let s = sol.state(k);
            assert!((s[y] - y_exact).abs() < 1e-12, "{method:?}: y({t}) = {} vs {y_exact}", s[y]);
            assert!((s[x] - x_exact).abs() < 1e-12, "{method:?}: x({t}) = {} vs {x_exact}", s[x]);
        }
        assert_eq!(sol.stats.rejected, 0, "{method:?}: {:?}", sol.stats);
    }
}

/// `y' = −1` while `y > 0`, else `+1`, from `y = 1`: at `t = 1` each
/// formula drives `y` back across 0 (a sliding mode). Locked relations
/// switch at every step there (so do unlocked ones, in effect), and the run
/// ends at the step limit with an error naming where — never with `y`
/// running off on one formula (as it did while a switch restarted at
/// exactly 0 was not watched from its new side: `y(2) = 1`).
#[test]
fn a_chattering_switch_is_an_error_not_a_wrong_value() {
    let xml = sbml_model(
        &[("y", 1.0, false)],
        &[("y", &piecewise("<cn>-1</cn>", "<apply><gt/><ci>y</ci><cn>0</cn></apply>", "<cn>1</cn>"))],
        "",
    );
    let import = import(&xml);
    let m = &import.model;
    let options = Options { rtol: 1e-6, ..Options::default() };
    let before = m.simulate(&[0.5], Method::Rodas5p, &options).unwrap();
    assert!((before.state(0)[0] - 0.5).abs() < 1e-12, "y(0.5) = {}", before.state(0)[0]);
    let e = m.simulate(&[2.0], Method::Rodas5p, &options).unwrap_err().to_string();
    assert!(e.contains("at t = 1.00") && e.contains("'y'"), "{e}");
}

/// A relation on a state resting exactly at its threshold (`L > 0` with
/// `L = 0`, `L' = 0`) has no root to watch and no side to take: `L > 0`
/// and `L < 0` are false, `L ≥ 0` and `L ≤ 0` true, whatever side a
/// locked relation would guess (from "the side it is heading to", `L > 0`
/// was taken as true).
#[test]
fn a_relation_resting_at_its_threshold_keeps_its_value() {
    for (op, slope) in [("gt", 2.0), ("geq", 1.0), ("lt", 2.0), ("leq", 1.0)] {
        let xml = sbml_model(
            &[("y", 0.0, false), ("L", 0.0, false)],
            &[
                ("y", &piecewise("<cn>1</cn>", &format!("<apply><{op}/><ci>L</ci><cn>0</cn></apply>"), "<cn>2</cn>")),
                ("L", "<cn>0</cn>"),
            ],
            "",
        );
        let import = import(&xml);
        let sol = import.model.simulate(&[1.0], Method::Rodas5p, &Options::default()).unwrap();
        assert!((sol.state(0)[0] - slope).abs() < 1e-12, "{op}: y(1) = {}", sol.state(0)[0]);
    }
}

/// An event's trigger and a rate's relation that cross at the same
/// instant: `x = t`; the event's trigger `x < 1` turns false at `t = 1`
/// (nothing executes) and the rate `y' = piecewise(1, x > 1, 0)` switches
/// there too, so `y(3) = 2`. The driver reports the trigger's root; the
/// switch crossed unreported and must flip all the same.
#[test]
fn a_switch_at_an_events_root_flips_too() {
    let trigger = "<apply><lt/><ci>x</ci><cn>1</cn></apply>";
    let event = format!(
        r#"<event id="e" useValuesFromTriggerTime="true"><trigger initialValue="true" persistent="true"><math xmlns="http://www.w3.org/1998/Math/MathML">{trigger}</math></trigger>
<listOfEventAssignments><eventAssignment variable="z"><math xmlns="http://www.w3.org/1998/Math/MathML"><cn>5</cn></math></eventAssignment></listOfEventAssignments></event>"#
    );
    let xml = sbml_model(
        &[("x", 0.0, false), ("y", 0.0, false), ("z", 0.0, false)],
        &[
            ("x", "<cn>1</cn>"),
            ("y", &piecewise("<cn>1</cn>", "<apply><gt/><ci>x</ci><cn>1</cn></apply>", "<cn>0</cn>")),
        ],
        &event,
    );
    let import = import(&xml);
    let m = &import.model;
    let sol = m.simulate(&[3.0], Method::Rodas5p, &Options::default()).unwrap();
    let (y, z) = (m.index_of("y").unwrap(), m.index_of("z").unwrap());
    assert!((sol.state(0)[y] - 2.0).abs() < 1e-9, "y(3) = {}", sol.state(0)[y]);
    assert_eq!(sol.state(0)[z], 0.0);
}

/// A switch whose root lies within rounding of the end: the output at the
/// end is still reported (it was lost when the run stopped at the root).
#[test]
fn a_switch_at_the_end_keeps_the_last_output() {
    let xml = sbml_model(
        &[("y", 0.0, false)],
        &[("y", &piecewise("<cn>1</cn>", &format!("<apply><lt/>{TIME}<cn>0.3</cn></apply>"), "<cn>0</cn>"))],
        "",
    );
    let import = import(&xml);
    let end = 0.1 + 0.2; // 0.30000000000000004
    let sol = import.model.simulate(&[end], Method::Rodas5p, &Options::default()).unwrap();
    assert_eq!(sol.t, vec![end]);
    assert!((sol.state(0)[0] - 0.3).abs() < 1e-12, "y = {}", sol.state(0)[0]);
}

/// The same resting relation in runs with sensitivities, on a parameter
/// (`y' = piecewise(c, k op 0, 2c)` with `k = 0`). With `k` not a
/// direction the relation keeps its value there (`>`, `<` false; `≥`, `≤`
/// true: slope `2c` or `c`) and `∂y/∂c = t · (2 or 1)`; the locked run
/// had taken `k > 0` as true. With `k` a direction, `y` jumps with `k` at
/// the threshold (no derivative): forward and adjoint runs refuse it,
/// naming the switch.
#[test]
fn sensitivities_refuse_a_relation_resting_at_its_threshold_that_moves_with_a_parameter() {
    let c = 3.0;
    for (op, factor) in [("gt", 2.0), ("geq", 1.0), ("lt", 2.0), ("leq", 1.0)] {
        let condition = format!("<apply><{op}/><ci>k</ci><cn>0</cn></apply>");
        let otherwise = "<apply><times/><cn>2</cn><ci>c</ci></apply>";
        let xml = sbml_model(
            &[("y", 0.5, false), ("k", 0.0, true), ("c", c, true)],
            &[("y", &piecewise("<ci>c</ci>", &condition, otherwise))],
            "",
        );
        let doc = sasp::sbml::read::read_str(&xml, "<test>").unwrap();
        let run = |seeds: &[&str]| {
            let seeds: Vec<String> = seeds.iter().map(|s| s.to_string()).collect();
            let import = Import::with_sensitivities(&doc, "<test>", &seeds).unwrap();
            let m = &import.model;
            let (t0, y0) = (m.initial_time(), m.initial_state());
            let options = Options { rtol: 1e-8, ..Options::default() };
            let forward = m.sensitivities_from(
                t0,
                &y0,
                import.initial_sensitivities(),
                &[1.0],
                import.zero_rate_states(),
                &options,
            );
            let adjoint = m.adjoint_run(t0, &y0, &[1.0], import.zero_rate_states(), Method::Rodas5p, &options);
            (m.index_of("y").unwrap(), forward, adjoint.map(|_| ()))
        };
        let (y, forward, adjoint) = run(&["c"]);
        let forward = forward.unwrap();
        assert!((forward.y[0][y] - (0.5 + factor * c)).abs() < 1e-12, "{op}: y(1) = {}", forward.y[0][y]);
        assert!((forward.s[0][0][y] - factor).abs() < 1e-12, "{op}: ∂y/∂c = {}", forward.s[0][0][y]);
        adjoint.unwrap();
        // `k = 0·c`: a held state (it depends on the seed) that the
        // direction leaves at 0 — the relation keeps its own value.
        let assignment = r#"<listOfInitialAssignments><initialAssignment symbol="k"><math xmlns="http://www.w3.org/1998/Math/MathML"><apply><times/><cn>0</cn><ci>c</ci></apply></math></initialAssignment></listOfInitialAssignments>"#;
        let held = xml.replace("<listOfRules>", &format!("{assignment}<listOfRules>"));
        let held = sasp::sbml::read::read_str(&held, "<test>").unwrap();
        let import = Import::with_sensitivities(&held, "<test>", &["c".to_string()]).unwrap();
        let m = &import.model;
        assert!(import.zero_rate_states().contains(&m.index_of("k").unwrap()));
        let options = Options { rtol: 1e-8, ..Options::default() };
        let (t0, y0) = (m.initial_time(), m.initial_state());
        let forward = m
            .sensitivities_from(t0, &y0, import.initial_sensitivities(), &[1.0], import.zero_rate_states(), &options)
            .unwrap();
        assert!((forward.y[0][y] - (0.5 + factor * c)).abs() < 1e-12, "{op}, held k: y(1) = {}", forward.y[0][y]);
        assert!((forward.s[0][0][y] - factor).abs() < 1e-12, "{op}, held k: ∂y/∂c = {}", forward.s[0][0][y]);
        let (_, forward, adjoint) = run(&["k", "c"]);
        for e in [forward.map(|_| ()).unwrap_err(), adjoint.unwrap_err()] {
            let e = e.to_string();
            assert!(
                e.starts_with("unsupported:") && e.contains("rests at its threshold") && e.contains("k = 0"),
                "{op}: {e}"
            );
        }
    }
}

/// A relation resting at 0 whose gradient vanishes there but which reads
/// moving states (`A·B > 0` with `A = B = 0`, `A' = B' = 1`): it leaves 0
/// at once (`A·B = t²`), unwatched by a root finder that needs a sign
/// change, so runs with sensitivities refuse it (a check on the gradient's
/// value had let it pass and locked `A·B > 0` false: `y(1) = 0` for 1).
/// The plain run reads the relation as it is: `y(1) = 1`. A steady state
/// with sensitivities refuses a relation resting on a parameter that is a
/// direction, as the runs it is made of do.
#[test]
fn sensitivities_refuse_a_resting_relation_that_reads_moving_states_or_a_direction() {
    let product = "<apply><gt/><apply><times/><ci>A</ci><ci>B</ci></apply><cn>0</cn></apply>";
    let xml = sbml_model(
        &[("y", 0.0, false), ("A", 0.0, false), ("B", 0.0, false), ("c", 1.0, true)],
        &[("y", &piecewise("<ci>c</ci>", product, "<cn>0</cn>")), ("A", "<cn>1</cn>"), ("B", "<cn>1</cn>")],
        "",
    );
    let doc = sasp::sbml::read::read_str(&xml, "<test>").unwrap();
    let import = Import::with_sensitivities(&doc, "<test>", &["c".to_string()]).unwrap();
    let m = &import.model;
    let options = Options { rtol: 1e-8, ..Options::default() };
    let plain = m.simulate(&[1.0], Method::Rodas5p, &options).unwrap();
    let y = m.index_of("y").unwrap();
    assert!((plain.state(0)[y] - 1.0).abs() < 1e-6, "y(1) = {}", plain.state(0)[y]);
    let (t0, y0) = (m.initial_time(), m.initial_state());
    let e = m
        .sensitivities_from(t0, &y0, import.initial_sensitivities(), &[1.0], import.zero_rate_states(), &options)
        .map(|_| ())
        .unwrap_err()
        .to_string();
    assert!(e.contains("rests at its threshold") && e.contains("A * B"), "{e}");

    let xml = sbml_model(
        &[("y", 0.0, false), ("k", 0.0, true)],
        &[(
            "y",
            &format!(
                "<apply><minus/>{}<ci>y</ci></apply>",
                piecewise("<cn>1</cn>", "<apply><gt/><ci>k</ci><cn>0</cn></apply>", "<cn>2</cn>")
            ),
        )],
        "",
    );
    let doc = sasp::sbml::read::read_str(&xml, "<test>").unwrap();
    let import = Import::with_sensitivities(&doc, "<test>", &["k".to_string()]).unwrap();
    let m = &import.model;
    let (t0, y0) = (m.initial_time(), m.initial_state());
    let e = m
        .steady_state_sensitivities(t0, &y0, import.initial_sensitivities(), import.zero_rate_states(), &options)
        .map(|_| ())
        .unwrap_err()
        .to_string();
    assert!(e.contains("rests at its threshold"), "{e}");
}
