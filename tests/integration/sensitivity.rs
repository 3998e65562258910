//! Forward sensitivities (`sasp::solve::sensitivity`, `Model::sensitivities_from`)
//! against analytic derivatives and central finite differences.

use sasp::solve::bdf::Bdf;
use sasp::solve::sensitivity::{solve_forward, solve_forward_holding, Variational};
use sasp::solve::{JacobianStructure, OdeSystem, Options, Tolerance};

/// `y' = −k y` with `k` a state of zero rate: `z = (y, k)`.
#[derive(Debug)]
struct Decay;

impl OdeSystem for Decay {
    fn dimension(&self) -> usize {
        2
    }
    fn rhs(&self, _t: f64, z: &[f64], dz: &mut [f64]) {
        dz[0] = -z[1] * z[0];
        dz[1] = 0.0;
    }
    fn is_autonomous(&self) -> bool {
        true
    }
    fn jacobian(&self, _t: f64, z: &[f64], j: &mut [f64]) -> bool {
        // Dense, column-major.
        j.copy_from_slice(&[-z[1], 0.0, -z[0], 0.0]);
        true
    }
}

/// Robertson's stiff kinetics with its three rate constants as states.
#[derive(Debug)]
struct Robertson;

impl OdeSystem for Robertson {
    fn dimension(&self) -> usize {
        6
    }
    fn rhs(&self, _t: f64, z: &[f64], dz: &mut [f64]) {
        let (y1, y2, y3, k1, k2, k3) = (z[0], z[1], z[2], z[3], z[4], z[5]);
        dz[0] = -k1 * y1 + k3 * y2 * y3;
        dz[1] = k1 * y1 - k3 * y2 * y3 - k2 * y2 * y2;
        dz[2] = k2 * y2 * y2;
        dz[3..].fill(0.0);
    }
    fn is_autonomous(&self) -> bool {
        true
    }
    fn jacobian_structure(&self) -> JacobianStructure {
        JacobianStructure::Dense
    }
    fn jacobian(&self, _t: f64, z: &[f64], j: &mut [f64]) -> bool {
        let (y1, y2, y3, k1, k2, k3) = (z[0], z[1], z[2], z[3], z[4], z[5]);
        j.fill(0.0);
        let mut set = |i: usize, c: usize, v: f64| j[c * 6 + i] = v;
        set(0, 0, -k1);
        set(0, 1, k3 * y3);
        set(0, 2, k3 * y2);
        set(0, 3, -y1);
        set(0, 5, y2 * y3);
        set(1, 0, k1);
        set(1, 1, -k3 * y3 - 2.0 * k2 * y2);
        set(1, 2, -k3 * y2);
        set(1, 3, y1);
        set(1, 4, -y2 * y2);
        set(1, 5, -y2 * y3);
        set(2, 1, 2.0 * k2 * y2);
        set(2, 4, y2 * y2);
        true
    }
}

fn tight() -> Options {
    Options { rtol: 1e-10, atol: Tolerance::Scalar(1e-14), max_steps: 1_000_000, ..Options::default() }
}

fn unit(n: usize, i: usize) -> Vec<f64> {
    let mut e = vec![0.0; n];
    e[i] = 1.0;
    e
}

#[test]
fn decay_sensitivities_are_the_analytic_derivatives() {
    let (y0, k) = (3.0, 0.7);
    let times = [0.5, 1.0, 2.0, 5.0];
    // `k` integrated with its constant sensitivities, then held.
    for held in [&[][..], &[1]] {
        let s0 = [unit(2, 0), unit(2, 1)];
        let run = solve_forward_holding(&Decay, 0.0, &[y0, k], &s0, held, &times, &tight()).unwrap();
        for (i, &t) in times.iter().enumerate() {
            let e = (-k * t).exp();
            assert!((run.y[i][0] - y0 * e).abs() <= 1e-8 * y0 * e, "y at {t}");
            let (d_y0, d_k) = (run.s[i][0][0], run.s[i][1][0]);
            assert!((d_y0 - e).abs() <= 1e-7 * e, "∂y/∂y0 at {t}: {d_y0} vs {e}");
            let exact = -t * y0 * e;
            assert!((d_k - exact).abs() <= 1e-7 * exact.abs(), "∂y/∂k at {t}: {d_k} vs {exact}");
            // The parameter's own row stays the unit vector.
            assert_eq!((run.s[i][1][1], run.s[i][0][1]), (1.0, 0.0));
        }
    }
}

/// Robertson's states at `times` for rate constants `k` (at tight tolerances).
fn robertson(k: [f64; 3], times: &[f64]) -> Vec<Vec<f64>> {
    let z0 = [1.0, 0.0, 0.0, k[0], k[1], k[2]];
    let stepper = Bdf::new(&Robertson, tight()).unwrap();
    let s = sasp::solve::solve(&Robertson, stepper, 0.0, &z0, *times.last().unwrap(), times).unwrap();
    (0..times.len()).map(|i| s.state(i)[..3].to_vec()).collect()
}

#[test]
fn robertson_sensitivities_match_central_differences() {
    let k = [0.04, 3e7, 1e4];
    let times = [0.4, 4.0, 40.0, 400.0];
    let z0 = [1.0, 0.0, 0.0, k[0], k[1], k[2]];
    let s0: Vec<Vec<f64>> = (3..6).map(|i| unit(6, i)).collect();
    let run = solve_forward(&Robertson, 0.0, &z0, &s0, &times, &tight()).unwrap();
    // The rate constants held: each direction integrates the three species'
    // sensitivities alone (6 + 3·3 components, not 6·4).
    let held = solve_forward_holding(&Robertson, 0.0, &z0, &s0, &[3, 4, 5], &times, &tight()).unwrap();
    // The states' error alone choosing the steps (CVODES's errconS = false).
    let untested = Options { sensitivity_error_test: false, ..tight() };
    let states_only = solve_forward_holding(&Robertson, 0.0, &z0, &s0, &[3, 4, 5], &times, &untested).unwrap();
    let variational = Variational::new(Robertson, 3).unwrap().holding(&[3, 4, 5], 0.0, &z0).unwrap();
    assert_eq!(variational.dimension(), 15);
    for p in 0..3 {
        let h = 1e-4 * k[p];
        let (mut up, mut down) = (k, k);
        up[p] += h;
        down[p] -= h;
        let (a, b) = (robertson(up, &times), robertson(down, &times));
        for (i, &t) in times.iter().enumerate() {
            for c in 0..3 {
                let fd = (a[i][c] - b[i][c]) / (2.0 * h);
                let s = run.s[i][p][c];
                // Relative to the sensitivity's scale over the three species.
                let scale = (0..3).map(|c| run.s[i][p][c].abs()).fold(0.0, f64::max);
                assert!((s - fd).abs() <= 1e-5 * scale, "∂y{c}/∂k{p} at t = {t}: {s} vs {fd}");
                let s = held.s[i][p][c];
                assert!((s - fd).abs() <= 1e-5 * scale, "held: ∂y{c}/∂k{p} at t = {t}: {s} vs {fd}");
                let s = states_only.s[i][p][c];
                assert!((s - fd).abs() <= 1e-5 * scale, "untested: ∂y{c}/∂k{p} at t = {t}: {s} vs {fd}");
            }
            // The held components' sensitivities come back whole.
            assert_eq!(held.s[i][p][3..], unit(6, 3 + p)[3..]);
        }
    }
}

/// A rate constant of `3·10⁻¹⁵` on a state of `10¹²` (the scales of a
/// model in molecules): the direction is integrated scaled by the
/// parameter's magnitude and comes back unscaled, `∂y/∂k = −t y₀ e^{−kt}`.
#[test]
fn a_tiny_parameter_is_integrated_scaled_and_returned_unscaled() {
    let (y0, k) = (1e12, 3e-15);
    let times = [1e12, 1e14, 3e14];
    let options = Options { atol: Tolerance::Scalar(1e-6), ..tight() };
    let run = solve_forward_holding(&Decay, 0.0, &[y0, k], &[unit(2, 1)], &[1], &times, &options).unwrap();
    for (i, &t) in times.iter().enumerate() {
        let exact = -t * y0 * (-k * t).exp();
        let d_k = run.s[i][0][0];
        assert!((d_k - exact).abs() <= 1e-7 * exact.abs(), "∂y/∂k at {t}: {d_k} vs {exact}");
        assert_eq!(run.s[i][0][1], 1.0);
    }
}

/// The edges: every component held (no sensitivity is integrated) and no
/// direction at all (the states alone).
#[test]
fn all_held_and_no_direction_are_plain_runs() {
    #[derive(Debug)]
    struct Still;
    impl OdeSystem for Still {
        fn dimension(&self) -> usize {
            2
        }
        fn rhs(&self, _t: f64, _y: &[f64], dy: &mut [f64]) {
            dy.fill(0.0);
        }
        fn jacobian(&self, _t: f64, _y: &[f64], j: &mut [f64]) -> bool {
            j.fill(0.0);
            true
        }
    }
    let run = solve_forward_holding(&Still, 0.0, &[1.0, 3.0], &[unit(2, 1)], &[0, 1], &[1.0, 2.0], &tight()).unwrap();
    assert_eq!((run.y[1].clone(), run.s[1][0].clone()), (vec![1.0, 3.0], unit(2, 1)));
    let run = solve_forward_holding(&Decay, 0.0, &[2.0, 0.5], &[], &[1], &[1.0], &tight()).unwrap();
    assert!((run.y[0][0] - 2.0 * (-0.5f64).exp()).abs() < 1e-9 && run.s[0].is_empty(), "{run:?}");
}

#[test]
fn refusals_are_errors() {
    #[derive(Debug)]
    struct NoJacobian;
    impl OdeSystem for NoJacobian {
        fn dimension(&self) -> usize {
            1
        }
        fn rhs(&self, _t: f64, y: &[f64], dy: &mut [f64]) {
            dy[0] = -y[0];
        }
    }
    let e = Variational::new(NoJacobian, 1).unwrap_err().to_string();
    assert!(e.contains("analytic Jacobian"), "{e}");
    let e = solve_forward(&Decay, 0.0, &[1.0, 1.0], &[vec![1.0]], &[1.0], &tight()).unwrap_err().to_string();
    assert!(e.contains("initial sensitivity"), "{e}");
    let e = Variational::new(Decay, usize::MAX / 2).unwrap_err().to_string();
    assert!(e.contains("exceed"), "{e}");
    // Only a component whose rate is zero may be held: `y` decays.
    for held in [&[0][..], &[2]] {
        let e = solve_forward_holding(&Decay, 0.0, &[1.0, 1.0], &[unit(2, 1)], held, &[1.0], &tight());
        let e = e.unwrap_err().to_string();
        assert!(e.contains("cannot be held"), "{e}");
    }
}

/// SBML's `time` in MathML.
pub(crate) const TIME: &str =
    r#"<csymbol encoding="text" definitionURL="http://www.sbml.org/sbml/symbols/time">time</csymbol>"#;

/// An SBML model of `parameters` (id, value, constant), rate rules and
/// events, for sensitivities through events.
pub(crate) fn sbml_model(parameters: &[(&str, f64, bool)], rate_rules: &[(&str, &str)], events: &str) -> String {
    let parameters: String =
        parameters.iter().map(|(id, v, c)| format!(r#"<parameter id="{id}" value="{v}" constant="{c}"/>"#)).collect();
    let rules: String = rate_rules
        .iter()
        .map(|(v, math)| {
            format!(
                r#"<rateRule variable="{v}"><math xmlns="http://www.w3.org/1998/Math/MathML">{math}</math></rateRule>"#
            )
        })
        .collect();
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<sbml xmlns="http://www.sbml.org/sbml/level3/version1/core" level="3" version="1">
<model id="m"><listOfParameters>{parameters}</listOfParameters>
<listOfRules>{rules}</listOfRules><listOfEvents>{events}</listOfEvents></model></sbml>"#
    )
}

/// An event with one assignment, its trigger and value in MathML.
fn sbml_event(id: &str, trigger: &str, target: &str, value: &str, delay: Option<&str>) -> String {
    let math = |m: &str| format!(r#"<math xmlns="http://www.w3.org/1998/Math/MathML">{m}</math>"#);
    let delay = delay.map(|d| format!("<delay>{}</delay>", math(d))).unwrap_or_default();
    format!(
        r#"<event id="{id}" useValuesFromTriggerTime="true"><trigger initialValue="true" persistent="true">{}</trigger>{delay}
<listOfEventAssignments><eventAssignment variable="{target}">{}</eventAssignment></listOfEventAssignments></event>"#,
        math(trigger),
        math(value)
    )
}

/// `(states, sensitivities)` at `times` of an SBML model with `seeds` as directions.
fn event_sensitivities(
    xml: &str,
    seeds: &[&str],
    times: &[f64],
) -> sasp::Result<sasp::solve::sensitivity::SensitivitySolution> {
    let doc = sasp::sbml::read::read_str(xml, "<test>")?;
    let seeds: Vec<String> = seeds.iter().map(|s| s.to_string()).collect();
    let import = sasp::sbml::Import::with_sensitivities(&doc, "<test>", &seeds)?;
    let model = &import.model;
    model.sensitivities_from(
        model.initial_time(),
        &model.initial_state(),
        import.initial_sensitivities(),
        times,
        import.zero_rate_states(),
        &tight(),
    )
}

/// The gradient of `G = Σᵢ wᵢ · y(tᵢ)` (fixed, unequal weights) by
/// adjoints against the forward sensitivities' `Σᵢ wᵢ · sᵢ`, for each
/// seed: the largest difference relative to the largest component. The
/// adjoint jumps by the transpose of the forward jump at every event and
/// switch, so the two agree wherever the forward sensitivities are right.
fn adjoint_difference(xml: &str, seeds: &[&str], times: &[f64]) -> f64 {
    let forward = event_sensitivities(xml, seeds, times).unwrap();
    let doc = sasp::sbml::read::read_str(xml, "<test>").unwrap();
    let seeds: Vec<String> = seeds.iter().map(|s| s.to_string()).collect();
    let import = sasp::sbml::Import::with_sensitivities(&doc, "<test>", &seeds).unwrap();
    let model = &import.model;
    let n = model.dimension();
    let weights: Vec<Vec<f64>> =
        (0..times.len()).map(|i| (0..n).map(|j| 1.0 + ((3 * i + 5 * j) % 7) as f64 / 4.0).collect()).collect();
    let (t0, y0) = (model.initial_time(), model.initial_state());
    let run =
        model.adjoint_run(t0, &y0, times, import.zero_rate_states(), sasp::solve::Method::Rodas5p, &tight()).unwrap();
    assert_eq!(run.t, times);
    let lambda = run.adjoint(&weights, &tight()).unwrap();
    let dot = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(x, y)| x * y).sum::<f64>();
    let pairs: Vec<(f64, f64)> = import
        .initial_sensitivities()
        .iter()
        .enumerate()
        .map(|(d, s0)| (dot(&lambda, s0), (0..times.len()).map(|i| dot(&weights[i], &forward.s[i][d])).sum()))
        .collect();
    let scale = pairs.iter().fold(0.0_f64, |m, &(_, f)| m.max(f.abs()));
    let difference = pairs.iter().map(|&(a, f)| (a - f).abs() / scale).fold(0.0, f64::max);
    println!("adjoint {pairs:?}: largest difference {difference:e}");
    difference
}

/// `y' = −k y` from `y0`, reset to `a` whenever `y` falls below ½: each
/// reset's time depends on `k`, `a` and `y0`, so the sensitivities jump
/// by `(f⁻ − f⁺) dτ/dp` as well as by the assignment's own derivative.
/// Exactly: between resets `y = −t ∂y/∂k`, `∂y/∂y0 = y/y0`, and after the
/// `r`-th reset `∂y/∂a = r y/a` (the later resets come later as `a` grows).
#[test]
fn sensitivities_jump_at_state_triggered_events() {
    let (k, a, y0) = (0.7, 1.3, 1.0);
    let xml = sbml_model(
        &[("y", y0, false), ("k", k, true), ("a", a, true), ("y0", y0, true)],
        &[("y", "<apply><times/><apply><minus/><ci>k</ci></apply><ci>y</ci></apply>")],
        &sbml_event("reset", "<apply><lt/><ci>y</ci><cn>0.5</cn></apply>", "y", "<ci>a</ci>", None),
    )
    .replace(r#"<listOfRules>"#, r#"<listOfInitialAssignments><initialAssignment symbol="y"><math xmlns="http://www.w3.org/1998/Math/MathML"><ci>y0</ci></math></initialAssignment></listOfInitialAssignments><listOfRules>"#);
    let tau1 = (2.0 * y0).ln() / k;
    let tau2 = tau1 + (2.0 * a).ln() / k;
    let times = [0.5, 1.5, 3.0];
    assert!(times[0] < tau1 && tau1 < times[1] && times[1] < tau2 && tau2 < times[2]);
    let sol = event_sensitivities(&xml, &["k", "a", "y0"], &times).unwrap();
    let iy = 0; // parameter `y` is the first state
    for (i, &t) in times.iter().enumerate() {
        let (resets, start, scale) = if t < tau1 {
            (0.0, 0.0, y0)
        } else if t < tau2 {
            (1.0, tau1, a)
        } else {
            (2.0, tau2, a)
        };
        let y = scale * (-k * (t - start)).exp();
        assert!((sol.y[i][iy] - y).abs() < 1e-8, "y({t}) = {} vs {y}", sol.y[i][iy]);
        let expected = [-t * y, resets * y / a, y / y0];
        for (d, e) in expected.iter().enumerate() {
            let s = sol.s[i][d][iy];
            assert!((s - e).abs() < 1e-6 * (1.0 + e.abs()), "∂y/∂p{d} at t = {t}: {s} vs {e}");
        }
    }
    let by_adjoint = adjoint_difference(&xml, &["k", "a", "y0"], &times);
    assert!(by_adjoint < 1e-7, "adjoint against forward: {by_adjoint:e}");
}

/// `y' = −k y + u` where an event sets `u = c` at `t ≥ t_on`: the event's
/// time is a parameter, and `∂y/∂t_on = −c e^{−k(t − t_on)}` after it.
#[test]
fn sensitivities_jump_at_parameter_timed_events() {
    let (k, c, t_on) = (0.4, 2.0, 1.25);
    let xml = sbml_model(
        &[("y", 1.0, false), ("u", 0.0, false), ("k", k, true), ("c", c, true), ("t_on", t_on, true)],
        &[("y", "<apply><plus/><apply><times/><apply><minus/><ci>k</ci></apply><ci>y</ci></apply><ci>u</ci></apply>")],
        &sbml_event("on", &format!("<apply><geq/>{TIME}<ci>t_on</ci></apply>"), "u", "<ci>c</ci>", None),
    )
    .replace(r#"initialValue="true""#, r#"initialValue="false""#);
    let times = [1.0, 2.0, 4.0];
    let sol = event_sensitivities(&xml, &["t_on", "c"], &times).unwrap();
    for (i, &t) in times.iter().enumerate() {
        let on = (t - t_on).max(0.0);
        let e = (-k * on).exp();
        let y = (-k * t).exp() + if t > t_on { c / k * (1.0 - e) } else { 0.0 };
        assert!((sol.y[i][0] - y).abs() < 1e-8, "y({t}) = {} vs {y}", sol.y[i][0]);
        let (d_on, d_c) = if t > t_on { (-c * e, (1.0 - e) / k) } else { (0.0, 0.0) };
        assert!((sol.s[i][0][0] - d_on).abs() < 1e-6, "∂y/∂t_on at {t}: {} vs {d_on}", sol.s[i][0][0]);
        assert!((sol.s[i][1][0] - d_c).abs() < 1e-6, "∂y/∂c at {t}: {} vs {d_c}", sol.s[i][1][0]);
        // u jumps from 0 to c: ∂u/∂c = 1 after the event, ∂u/∂t_on = 0 either side.
        assert_eq!(sol.s[i][1][1], if t > t_on { 1.0 } else { 0.0 });
        assert!(sol.s[i][0][1].abs() < 1e-12);
    }
    let by_adjoint = adjoint_difference(&xml, &["t_on", "c"], &times);
    assert!(by_adjoint < 1e-7, "adjoint against forward: {by_adjoint:e}");
}

/// Rates that jump where a relation changes: `y' = 1` until `t = T`, then
/// 0 (a time switch whose time is a parameter: `∂y/∂T = 1` after it); and
/// `x' = 2` until `x = c`, then 1 (a state switch: `x = t + c/2` after
/// it, `∂x/∂c = ½`). A run that stepped over the switches would keep
/// `∂y/∂T = ∂x/∂c = 0`.
#[test]
fn sensitivities_jump_where_rates_jump() {
    let time = TIME;
    let xml = sbml_model(
        &[("y", 0.0, false), ("x", 0.0, false), ("T", 1.5, true), ("c", 2.0, true)],
        &[
            ("y", &format!("<piecewise><piece><cn>1</cn><apply><lt/>{time}<ci>T</ci></apply></piece><otherwise><cn>0</cn></otherwise></piecewise>")),
            ("x", "<piecewise><piece><cn>2</cn><apply><lt/><ci>x</ci><ci>c</ci></apply></piece><otherwise><cn>1</cn></otherwise></piecewise>"),
        ],
        "",
    );
    let times = [0.5, 1.2, 3.0];
    let sol = event_sensitivities(&xml, &["T", "c"], &times).unwrap();
    // Two switching functions with one root, `t − 2` and `t − (2 + off)`
    // with `off = 0`: the driver reports one of them, and the other must
    // switch too: `w' = a` until 2, then `b`, so `∂w/∂b = t − 2` after it.
    let xml_both = sbml_model(
        &[("w", 0.0, false), ("a", 0.5, true), ("b", 3.0, true), ("off", 0.0, true)],
        &[(
            "w",
            &format!(
                "<apply><plus/><piecewise><piece><ci>a</ci><apply><leq/>{time}<cn>2</cn></apply></piece><otherwise><cn>0</cn></otherwise></piecewise>\
                 <piecewise><piece><ci>b</ci><apply><gt/>{time}<apply><plus/><cn>2</cn><ci>off</ci></apply></apply></piece><otherwise><cn>0</cn></otherwise></piecewise></apply>"
            ),
        )],
        "",
    );
    let both = event_sensitivities(&xml_both, &["b"], &[1.0, 3.5]).unwrap();
    assert!((both.y[1][0] - (1.0 + 4.5)).abs() < 1e-8, "w(3.5) = {}", both.y[1][0]);
    assert!(both.s[0][0][0].abs() < 1e-12 && (both.s[1][0][0] - 1.5).abs() < 1e-8, "{:?}", both.s);
    for (i, &t) in times.iter().enumerate() {
        let (y, dy_dt) = if t < 1.5 { (t, 0.0) } else { (1.5, 1.0) };
        let (x, dx_dc) = if t < 1.0 { (2.0 * t, 0.0) } else { (t + 1.0, 0.5) };
        assert!((sol.y[i][0] - y).abs() < 1e-8 && (sol.y[i][1] - x).abs() < 1e-8, "t = {t}: {:?}", sol.y[i]);
        assert!((sol.s[i][0][0] - dy_dt).abs() < 1e-7, "∂y/∂T at {t}: {}", sol.s[i][0][0]);
        assert!((sol.s[i][1][1] - dx_dc).abs() < 1e-7, "∂x/∂c at {t}: {}", sol.s[i][1][1]);
        assert!(sol.s[i][0][1].abs() < 1e-9 && sol.s[i][1][0].abs() < 1e-9);
    }
    for (xml, seeds, times) in [(&xml, &["T", "c"][..], &times[..]), (&xml_both, &["b"][..], &[1.0, 3.5][..])] {
        let by_adjoint = adjoint_difference(xml, seeds, times);
        assert!(by_adjoint < 1e-7, "adjoint against forward: {by_adjoint:e}");
    }
}

#[test]
fn sensitivities_refuse_what_events_they_cannot_follow() {
    let decay = [("y", "<apply><times/><cn>-1</cn><ci>y</ci></apply>")];
    let params = [("y", 1.0, false), ("k", 0.5, true)];
    let below = "<apply><lt/><ci>y</ci><cn>0.5</cn></apply>";
    // Adjoints refuse the same, by the same names.
    let adjoint_error = |xml: &str| {
        let doc = sasp::sbml::read::read_str(xml, "<test>").unwrap();
        let import = sasp::sbml::Import::with_sensitivities(&doc, "<test>", &["k".to_string()]).unwrap();
        let m = &import.model;
        let method = sasp::solve::Method::Rodas5p;
        m.adjoint_run(0.0, &m.initial_state(), &[2.0], import.zero_rate_states(), method, &tight())
            .and_then(|run| run.adjoint(&[vec![1.0; m.dimension()]], &tight()))
            .unwrap_err()
            .to_string()
    };
    // A delay.
    let xml = sbml_model(&params, &decay, &sbml_event("late", below, "y", "<ci>k</ci>", Some("<cn>0.1</cn>")));
    for e in [event_sensitivities(&xml, &["k"], &[2.0]).unwrap_err().to_string(), adjoint_error(&xml)] {
        assert!(e.contains("event with a delay") && e.contains("late"), "{e}");
    }
    // A trigger that changes where no relation crosses (`floor(t) = 1`
    // turns true at t = 1): no root to differentiate.
    let time = TIME;
    let at_one = format!("<apply><eq/><apply><floor/>{time}</apply><cn>1</cn></apply>");
    let xml = sbml_model(&params, &decay, &sbml_event("flag", &at_one, "y", "<ci>k</ci>", None))
        .replace(r#"initialValue="true""#, r#"initialValue="false""#);
    for e in [event_sensitivities(&xml, &["k"], &[2.0]).unwrap_err().to_string(), adjoint_error(&xml)] {
        assert!(e.contains("no relation crosses") && e.contains("flag"), "{e}");
    }
    // A rate that jumps where no relation crosses (`floor(t)`).
    let xml =
        sbml_model(&params, &[("y", &format!("<apply><times/><apply><floor/>{time}</apply><ci>y</ci></apply>"))], "");
    for e in [event_sensitivities(&xml, &["k"], &[2.0]).unwrap_err().to_string(), adjoint_error(&xml)] {
        assert!(e.contains("floor") && e.contains("unsupported"), "{e}");
    }
    // A steady state runs through events: `y' = k − y`, reset to 0 at
    // t = 1, settles at `y = k` with `∂y/∂k = 1`.
    let relax = [("y", "<apply><minus/><ci>k</ci><ci>y</ci></apply>")];
    let at = format!("<apply><geq/>{time}<cn>1</cn></apply>");
    let xml =
        sbml_model(&[("y", 0.0, false), ("k", 0.5, true)], &relax, &sbml_event("reset", &at, "y", "<cn>0</cn>", None))
            .replace(r#"initialValue="true""#, r#"initialValue="false""#);
    let doc = sasp::sbml::read::read_str(&xml, "<test>").unwrap();
    let import = sasp::sbml::Import::with_sensitivities(&doc, "<test>", &["k".to_string()]).unwrap();
    let m = &import.model;
    let (_, y, s) = m
        .steady_state_sensitivities(
            0.0,
            &m.initial_state(),
            import.initial_sensitivities(),
            import.zero_rate_states(),
            &tight(),
        )
        .unwrap();
    assert!((y[0] - 0.5).abs() < 1e-9 && (s[0][0] - 1.0).abs() < 1e-8, "{y:?} {s:?}");
}

/// The adjoint of `G = Σᵢ wᵢ·y(tᵢ)` on Robertson's stiff kinetics (over six
/// decades of time) against the same gradient from forward sensitivities,
/// `Σᵢ wᵢ·sₖ(tᵢ)`, with the rate constants held out of the iteration
/// matrices and without.
#[test]
fn robertson_adjoint_matches_forward_sensitivities() {
    use sasp::solve::adjoint::{solve_adjoint, Recorded};
    use sasp::solve::{integrate, Plan};
    let k = [0.04, 3e7, 1e4];
    let times = [0.4, 4.0, 40.0, 400.0, 4e5];
    let z0 = [1.0, 0.0, 0.0, k[0], k[1], k[2]];
    // Weights on the three species at each time (rows of ∇gᵢ).
    let weights: Vec<Vec<f64>> =
        (0..times.len()).map(|i| vec![1.0 + i as f64, -2.0e4 * (i as f64 - 1.5), 3.0, 0.0, 0.0, 0.0]).collect();
    let s0: Vec<Vec<f64>> = (0..6).map(|i| unit(6, i)).collect();
    let forward = solve_forward(&Robertson, 0.0, &z0, &s0, &times, &tight()).unwrap();
    let expected: Vec<f64> = (0..6)
        .map(|d| (0..times.len()).map(|i| (0..3).map(|c| weights[i][c] * forward.s[i][d][c]).sum::<f64>()).sum())
        .collect();
    for held in [vec![], vec![3, 4, 5]] {
        let mut recorded = Recorded::new(Robertson, 0.0, &z0).holding(&held).unwrap();
        let mut bdf = Bdf::new(&recorded, tight()).unwrap();
        integrate(&mut bdf, &mut recorded, 0.0, &z0, 4e5, &Plan::outputs(&times), &mut |_, _, _, _| Ok(())).unwrap();
        let lambda = solve_adjoint(&recorded, 0.0, &times, &weights, &tight()).unwrap();
        for d in 0..6 {
            let scale = expected[d].abs().max(1e-12);
            assert!(
                (lambda[d] - expected[d]).abs() <= 1e-6 * scale,
                "held {held:?}: ∂G/∂z{d}: {} vs {}",
                lambda[d],
                expected[d]
            );
        }
    }
    // A component whose rate is not zero cannot be held; bad gradients are refused.
    let e = Recorded::new(Robertson, 0.0, &z0).holding(&[0]).unwrap_err().to_string();
    assert!(e.contains("cannot be held"), "{e}");
    let recorded = Recorded::new(Robertson, 0.0, &z0);
    assert!(solve_adjoint(&recorded, 0.0, &times, &weights[..2], &tight()).is_err());
    assert!(solve_adjoint(&recorded, 0.0, &[1.0], &[vec![1.0; 3]], &tight()).is_err());
}

/// A model whose initial state depends on a seed `q` in every way the
/// import follows: a compartment sized `q²` (the species' amounts follow
/// it), a constant `k = r + sin(time)` set through an assignment rule
/// `r = 2q`, a species' initial concentration `2k`; and, with `rate_of`, a
/// constant `c = rateOf(S)` that the model would hold as a number.
fn seeded_model(q: f64, rate_of: bool) -> String {
    let m = |x: &str| format!(r#"<math xmlns="http://www.w3.org/1998/Math/MathML">{x}</math>"#);
    let ci = |x: &str| format!("<ci>{x}</ci>");
    let species = |id: &str, c: f64| {
        format!(
            r#"<species id="{id}" compartment="V" initialConcentration="{c}" hasOnlySubstanceUnits="false" boundaryCondition="false" constant="false"/>"#
        )
    };
    let rate_of_parameter = if rate_of { r#"<parameter id="c" value="0" constant="true"/>"# } else { "" };
    let rate_of_assignment = if rate_of {
        format!(
            r#"<initialAssignment symbol="c">{}</initialAssignment>"#,
            m(
                r#"<apply><csymbol encoding="text" definitionURL="http://www.sbml.org/sbml/symbols/rateOf">rateOf</csymbol><ci>S</ci></apply>"#
            )
        )
    } else {
        String::new()
    };
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<sbml xmlns="http://www.sbml.org/sbml/level3/version2/core" level="3" version="2">
<model id="m">
<listOfCompartments><compartment id="V" spatialDimensions="3" size="1" constant="true"/></listOfCompartments>
<listOfSpecies>{}{}</listOfSpecies>
<listOfParameters><parameter id="q" value="{q}" constant="true"/><parameter id="r" constant="false"/><parameter id="k" value="0" constant="true"/>{rate_of_parameter}</listOfParameters>
<listOfInitialAssignments>
<initialAssignment symbol="V">{}</initialAssignment>
<initialAssignment symbol="k">{}</initialAssignment>
<initialAssignment symbol="P">{}</initialAssignment>{rate_of_assignment}
</listOfInitialAssignments>
<listOfRules><assignmentRule variable="r">{}</assignmentRule></listOfRules>
<listOfReactions><reaction id="R" reversible="false">
<listOfReactants><speciesReference species="S" stoichiometry="1" constant="true"/></listOfReactants>
<listOfProducts><speciesReference species="P" stoichiometry="1" constant="true"/></listOfProducts>
<kineticLaw>{}</kineticLaw></reaction></listOfReactions>
</model></sbml>"#,
        species("S", 3.0),
        species("P", 0.0),
        m(&format!("<apply><times/>{}{}</apply>", ci("q"), ci("q"))),
        m(&format!("<apply><plus/>{}<apply><sin/><csymbol encoding=\"text\" definitionURL=\"http://www.sbml.org/sbml/symbols/time\">t</csymbol></apply></apply>", ci("r"))),
        m(&format!("<apply><times/>{}<cn>2</cn></apply>", ci("k"))),
        m(&format!("<apply><times/><cn>2</cn>{}</apply>", ci("q"))),
        m(&format!("<apply><times/>{}{}</apply>", ci("k"), ci("S"))),
    )
}

#[test]
fn initial_states_at_new_seeds_are_those_of_a_fresh_import() {
    use sasp::sbml::Import;
    let seeds = ["q".to_string()];
    let import_at = |q: f64| {
        let doc = sasp::sbml::read::read_str(&seeded_model(q, false), "<test>").unwrap();
        Import::with_sensitivities(&doc, "<test>", &seeds).unwrap()
    };
    let (q1, q2) = (1.5, 2.5);
    let first = import_at(q1);
    let (y, s) = first.initial_state_at(&[q2]).unwrap();
    let fresh = import_at(q2);
    let (y_fresh, s_fresh) = (fresh.model.initial_state(), fresh.initial_sensitivities());
    let index = |id: &str| first.model.index_of(first.model_name(id)).unwrap();
    // Amounts: S = 3·V = 3q², P = 2k·V = 4q³; k = 2q and V = q² are held states.
    for (id, value, derivative) in [
        ("S", 3.0 * q2 * q2, 6.0 * q2),
        ("P", 4.0 * q2.powi(3), 12.0 * q2 * q2),
        ("k", 2.0 * q2, 2.0),
        ("V", q2 * q2, 2.0 * q2),
        ("q", q2, 1.0),
    ] {
        let i = index(id);
        assert!((y[i] - value).abs() <= 1e-14 * value.abs(), "{id}: {} vs {value}", y[i]);
        assert!((s[0][i] - derivative).abs() <= 1e-14 * derivative.abs(), "∂{id}/∂q: {} vs {derivative}", s[0][i]);
        assert_eq!((y[i], s[0][i]), (y_fresh[i], s_fresh[0][i]), "{id}");
    }
    assert_eq!(first.zero_rate_states().len(), 3, "q, V and k are held");
    // Refused: the number of seeds, a plain import.
    assert!(first.initial_state_at(&[q2, q2]).is_err());
    let doc = sasp::sbml::read::read_str(&seeded_model(q1, false), "<test>").unwrap();
    assert!(Import::from_document(&doc, "<test>").unwrap().initial_state_at(&[q2]).is_err());
    // A constant tied to the seed through rateOf would be a number of the
    // model: its dependence would be lost, so the import is refused, naming it.
    let doc = sasp::sbml::read::read_str(&seeded_model(q1, true), "<test>").unwrap();
    let error = Import::with_sensitivities(&doc, "<test>", &seeds).unwrap_err().to_string();
    println!("{error}");
    assert!(error.contains("unsupported") && error.contains("'c'"), "{error}");
}
