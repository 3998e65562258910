//! Delay differential equations: `delay(x, τ)` in model files, checked
//! against solutions by the method of steps and a series solution, with
//! measured orders, events that read delays, and refusals.

use sasp::model::Model;
use sasp::solve::{Method, Options, Tolerance};

/// `x' = −k·x(t − τ)`, `x = 1` up to `t = 0` (the delayed decay of Bellman
/// & Cooke; Hairer, Nørsett & Wanner II.17): `k = 1/day`, `τ = 1 day`.
const DELAYED_DECAY: &str = r#"
[model]
name = "delayed_decay"

[[compartment]]
name = "x"
kind = "concentration.signal"
unit = "nM"
initial = 1.0

[[parameter]]
name = "k"
value = 1.0
unit = "1/day"
tag = "A"

[[parameter]]
name = "tau"
value = 1.0
unit = "day"
tag = "A"

[[process]]
name = "decay by the past value"
changes = { x = -1 }
rate = { law = "expression", rate = "k*delay(x, tau)" }
"#;

/// The solution of [`DELAYED_DECAY`] by the method of steps:
/// `x(t) = Σ_{j ≥ 0, t ≥ j − 1} (−1)ʲ (t − j + 1)ʲ / j!`.
fn delayed_decay(t: f64) -> f64 {
    delayed_decay_with_lag(t, 1.0)
}

/// `x' = −x(t − τ)`, `x = 1` up to `t = 0`, by the method of steps:
/// `x(t) = Σ_{j ≥ 0, t ≥ (j − 1)τ} (−1)ʲ (t − (j − 1)τ)ʲ / j!`.
fn delayed_decay_with_lag(t: f64, tau: f64) -> f64 {
    let mut sum = 0.0;
    let mut j = 0;
    while t - (j as f64 - 1.0) * tau >= 0.0 {
        let u = t - (j as f64 - 1.0) * tau;
        let factorial: f64 = (1..=j).map(|i| i as f64).product();
        sum += (-1f64).powi(j) * u.powi(j) / factorial;
        j += 1;
    }
    sum
}

fn tight() -> Options {
    Options { rtol: 1e-10, atol: Tolerance::Scalar(1e-12), ..Options::default() }
}

#[test]
fn the_delayed_decay_matches_the_method_of_steps_with_every_method() {
    let model = Model::from_toml_str(DELAYED_DECAY, "delayed_decay.toml").unwrap();
    assert_eq!(model.delays().len(), 1);
    let outputs: Vec<f64> = (0..=12).map(|k| 0.5 * k as f64).collect();
    for method in [Method::Rodas5p, Method::Bdf, Method::Dopri5, Method::Dop853, Method::Auto] {
        let sol = model.simulate(&outputs, method, &tight()).unwrap();
        for (k, &t) in outputs.iter().enumerate() {
            let (got, exact) = (sol.state(k)[0], delayed_decay(t));
            let bound = if method == Method::Bdf { 1e-7 } else { 1e-9 };
            assert!((got - exact).abs() < bound, "{method:?} at t = {t}: {got} vs {exact}");
        }
    }
}

#[test]
fn rodas5p_converges_at_order_five_on_a_delay_equation() {
    // x' = −2x + x(t − 1), x = 1 up to t = 0. By the method of steps:
    // x = (1 + e^{−2t})/2 on [0, 1], and on [1, 2]
    // x = (x(1) − 1/4) e^{−2(t−1)} + 1/4 + (t − 1) e^{−2(t−1)}/2.
    let text = DELAYED_DECAY
        .replace("changes = { x = -1 }", "changes = { x = 1 }")
        .replace("rate = \"k*delay(x, tau)\"", "rate = \"k*(delay(x, tau) - 2*x)\"");
    let model = Model::from_toml_str(&text, "two_rates.toml").unwrap();
    let x1 = 0.5 + 0.5 * (-2f64).exp();
    let exact = (x1 - 0.25) * (-2f64).exp() + 0.25 + 0.5 * (-2f64).exp();
    // Fixed steps that land on the breakpoint t = 1: the error at t = 2 as
    // the step halves.
    let error = |h: f64| {
        let options = Options { fixed_step: Some(h), ..tight() };
        let sol = model.simulate(&[2.0], Method::Rodas5p, &options).unwrap();
        (sol.state(0)[0] - exact).abs()
    };
    let errors: Vec<f64> = [0.2, 0.1, 0.05].iter().map(|&h| error(h)).collect();
    for w in errors.windows(2) {
        let order = (w[0] / w[1]).log2();
        assert!(order > 4.5, "measured order {order:.2} from errors {errors:?}");
    }
    // And adaptively, to the tolerance.
    let sol = model.simulate(&[1.0, 2.0], Method::Rodas5p, &tight()).unwrap();
    assert!((sol.state(0)[0] - x1).abs() < 1e-10 && (sol.state(1)[0] - exact).abs() < 1e-10);
}

/// The pantograph equation `x' = x(t/2)`, `x(0) = 1`: a lag `t/2` that
/// vanishes at the start, with the series solution
/// `x(t) = Σ tⁿ / (n! · 2^{n(n−1)/2})` (Fox, Mayers, Ockendon & Tayler 1971).
#[test]
fn a_lag_that_depends_on_time_the_pantograph_equation() {
    let text = DELAYED_DECAY
        .replace("changes = { x = -1 }", "changes = { x = 1 }")
        .replace("rate = \"k*delay(x, tau)\"", "rate = \"k*delay(x, time/2)\"");
    let model = Model::from_toml_str(&text, "pantograph.toml").unwrap();
    let series = |t: f64| {
        let (mut term, mut sum) = (1.0, 1.0);
        for n in 1..60 {
            // term_n = term_{n−1} · t / (n · 2^{n−1})
            term *= t / (n as f64 * 2f64.powi(n - 1));
            sum += term;
        }
        sum
    };
    // The first step reads past the record (the lag is shorter than any
    // step there) and is taken again over its own dense output.
    let outputs = [0.5, 1.0, 2.0, 4.0];
    for method in [Method::Rodas5p, Method::Bdf, Method::Dopri5, Method::Dop853] {
        let sol = model.simulate(&outputs, method, &tight()).unwrap();
        for (k, &t) in outputs.iter().enumerate() {
            let (got, exact) = (sol.state(k)[0], series(t));
            assert!((got - exact).abs() < 1e-9 * exact, "{method:?} at t = {t}: {got} vs {exact}");
        }
    }
}

#[test]
fn assignments_and_events_read_delays_from_the_history() {
    // `echo` is x one day ago; an event sets `flag` where the echo falls to
    // one half: e^{−(t−1)} = 1/2 at t = 1 + ln 2 for the decay x' = −x.
    let text = r#"
[model]
name = "echo"

[[compartment]]
name = "x"
kind = "concentration.signal"
unit = "nM"
initial = 1.0

[[compartment]]
name = "flag"
kind = "index.flag"
unit = ""
initial = 0.0

[[parameter]]
name = "k"
value = 1.0
unit = "1/day"
tag = "A"

[[process]]
name = "decay"
changes = { x = -1 }
rate = { law = "expression", rate = "k*x" }

[[assignment]]
name = "echo"
expression = "delay(x, 1)"

[[event]]
name = "echo at one half"
trigger = "echo < 0.5"
assign = [{ target = "flag", value = "time" }]
"#;
    let model = Model::from_toml_str(text, "echo.toml").unwrap();
    let outputs = [0.5, 1.0, 1.5, 2.0, 3.0];
    let sol = model.simulate(&outputs, Method::Rodas5p, &tight()).unwrap();
    let history = sol.history.as_deref().expect("a model with delays keeps its history");
    let inputs = model.default_inputs();
    for (k, &t) in outputs.iter().enumerate() {
        let y = sol.state(k);
        let echo =
            model.with_inputs_at(t, y, &inputs, Some(history), |all| model.assignment("echo", t, y, all)).unwrap();
        let exact = if t <= 1.0 { 1.0 } else { (-(t - 1.0)).exp() };
        assert!((echo.unwrap() - exact).abs() < 1e-9, "t = {t}");
    }
    let fired = sol.state(outputs.len() - 1)[1];
    assert!((fired - (1.0 + 2f64.ln())).abs() < 1e-9, "the event fired at {fired}");
    // Without the history the assignment cannot be evaluated, and says so.
    let e = model.assignment("echo", 2.0, sol.state(3), &inputs).unwrap_err();
    assert!(e.to_string().contains("reads a delay"), "{e}");
    let e = model.with_inputs_at(2.0, sol.state(3), &inputs, None, |_| ()).unwrap_err();
    assert!(e.to_string().contains("history"), "{e}");
}

#[test]
fn delays_round_trip_through_model_files_and_sbml() {
    let model = Model::from_toml_str(DELAYED_DECAY, "delayed_decay.toml").unwrap();
    let again = Model::from_toml_str(&model.to_toml().unwrap(), "<round trip>").unwrap();
    assert_eq!(again, model);
    let sbml = sasp::sbml::export(&model, None).unwrap();
    assert!(sbml.contains("http://www.sbml.org/sbml/symbols/delay"), "the delay csymbol");
    let doc = sasp::sbml::read::read_str(&sbml, "<export>").unwrap();
    let imported = sasp::sbml::Import::from_document(&doc, "<export>").unwrap();
    let (a, b) = (
        model.simulate(&[4.0], Method::Rodas5p, &tight()).unwrap(),
        imported.model.simulate(&[4.0], Method::Rodas5p, &tight()).unwrap(),
    );
    assert!((a.state(0)[0] - b.state(0)[0]).abs() < 1e-12, "{} vs {}", a.state(0)[0], b.state(0)[0]);
}

#[test]
fn what_delays_cannot_do_is_refused_by_name() {
    let refused = |from: &str, to: &str, what: &str| {
        let text = DELAYED_DECAY.replace(from, to);
        let e = Model::from_toml_str(&text, "bad.toml").unwrap_err();
        assert!(e.to_string().contains(what), "{to}: {e}");
    };
    refused("k*delay(x, tau)", "k*delay(x, k)", "the lag of a delay");
    refused("k*delay(x, tau)", "k*delay(x)", "'delay' takes 2");
    // Analyses that need an ordinary differential equation.
    let model = Model::from_toml_str(DELAYED_DECAY, "delayed_decay.toml").unwrap();
    let e = model.sensitivities_from(0.0, &[1.0], &[vec![1.0]], &[1.0], &[], &tight()).unwrap_err();
    assert!(e.to_string().contains("model with delays"), "{e}");
    let e = model.steady_state(0.0, &[1.0], Method::Rodas5p, &tight()).unwrap_err();
    assert!(e.to_string().contains("model with delays"), "{e}");
    // Its right-hand side takes the delayed values after the inputs.
    let mut dy = [0.0];
    let e = model.rhs(0.0, &[1.0], &[], &mut dy).unwrap_err();
    assert!(e.to_string().contains("delayed values"), "{e}");
    model.rhs(0.0, &[1.0], &[0.5], &mut dy).unwrap();
    assert_eq!(dy[0], -0.5);
}

#[test]
fn a_history_that_is_not_constant_is_written_into_the_delayed_expression() {
    // x' = −x(t − 1) with the history φ(s) = 1 + s before t = 0 (x0 = 1 nM,
    // r = 1 nM/day). By the method of steps: x = 1 − t²/2 on [0, 1] and
    // x = 1/2 − (t − 1) + (t − 1)³/6 on [1, 2].
    let text = DELAYED_DECAY.replace("k*delay(x, tau)", "k*delay(piecewise(x0 + r*time, time < 0, x), tau)")
        + r#"
[[parameter]]
name = "x0"
value = 1.0
unit = "nM"
tag = "A"

[[parameter]]
name = "r"
value = 1.0
unit = "nM/day"
tag = "A"
"#;
    let model = Model::from_toml_str(&text, "history.toml").unwrap();
    let exact = |t: f64| if t <= 1.0 { 1.0 - t * t / 2.0 } else { 0.5 - (t - 1.0) + (t - 1.0).powi(3) / 6.0 };
    let outputs = [0.0, 0.5, 1.0, 1.5, 2.0];
    for method in [Method::Rodas5p, Method::Dopri5] {
        let sol = model.simulate(&outputs, method, &tight()).unwrap();
        for (k, &t) in outputs.iter().enumerate() {
            assert!(
                (sol.state(k)[0] - exact(t)).abs() < 1e-9,
                "{method:?} at {t}: {} vs {}",
                sol.state(k)[0],
                exact(t)
            );
        }
    }
}

#[test]
fn a_delay_of_a_delay_reads_the_sum_of_the_lags() {
    // x' = −x((t − 1/2) − 1/2) is the delayed decay with τ = 1; the inner
    // delay takes a slot of its own, computed at the outer one's past time.
    // With lags 1 and 0.3, x' = −x(t − 1.3): the derivative jumps at 1.3,
    // 2.6, … (breakpoints of the sum, not of either lag).
    for (inner, outer, total) in [("tau/2", "tau/2", 1.0), ("0.3*tau", "tau", 1.3)] {
        let rate = format!("k*delay(delay(x, {inner}), {outer})");
        let nested = DELAYED_DECAY.replace("k*delay(x, tau)", &rate);
        let model = Model::from_toml_str(&nested, "nested.toml").unwrap();
        assert_eq!(model.delays().len(), 2);
        let outputs: Vec<f64> = (0..=8).map(|k| 0.5 * k as f64).collect();
        for method in [Method::Rodas5p, Method::Dopri5] {
            let sol = model.simulate(&outputs, method, &tight()).unwrap();
            for (k, &t) in outputs.iter().enumerate() {
                let (got, exact) = (sol.state(k)[0], delayed_decay_with_lag(t, total));
                assert!((got - exact).abs() < 1e-8, "{rate}, {method:?} at t = {t}: {got} vs {exact}");
            }
        }
    }
    // Nesting is bounded (each level evaluates the ones below at its own
    // past time).
    let deep = (0..9).fold("x".to_string(), |e, _| format!("delay({e}, tau/9)"));
    let text = DELAYED_DECAY.replace("k*delay(x, tau)", &format!("k*{deep}"));
    let e = Model::from_toml_str(&text, "deep.toml").unwrap_err();
    assert!(e.is_unsupported() && e.to_string().contains("nested more than 8 deep"), "{e}");
}
