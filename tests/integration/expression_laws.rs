//! Expression rate laws, assignments and events in models: the same numbers
//! as the factor laws they can replace, exact Jacobians (against finite
//! differences), units inferred and checked, events against analytic
//! solutions, and clear errors.

use sasp::model::{
    AssignmentDecl, Compartment, EventDecl, Model, ModelBuilder, ParameterDecl, ProcessDecl, Quantity, RateLaw,
};
use sasp::solve::{Method, Options, Tolerance};

fn reference() -> Model {
    sasp::models::iannello2013().unwrap()
}

/// A state near the reference trajectory, every compartment positive.
fn probe_state(model: &Model) -> Vec<f64> {
    model.initial_state().iter().enumerate().map(|(i, &v)| v + 0.37 + 0.11 * i as f64).collect()
}

#[test]
fn the_reference_model_written_with_expressions_has_the_same_rhs_and_jacobian() {
    let model = reference().interpreted();
    let expr = model.with_expression_laws().unwrap();
    assert!(expr.unchecked_units().is_empty(), "every unit inferred: {:?}", expr.unchecked_units());
    let n = model.dimension();
    let y = probe_state(&model);
    let mut inputs = model.default_inputs();
    inputs.iter_mut().for_each(|u| *u = 1.0);
    let (mut a, mut b) = (vec![0.0; n], vec![0.0; n]);
    model.rhs(3.0, &y, &inputs, &mut a).unwrap();
    expr.rhs(3.0, &y, &inputs, &mut b).unwrap();
    for i in 0..n {
        assert!((a[i] - b[i]).abs() <= 1e-12 * a[i].abs().max(1.0), "rhs[{i}]: {} vs {}", a[i], b[i]);
    }
    let mut ja = nalgebra::DMatrix::zeros(n, n);
    let mut jb = nalgebra::DMatrix::zeros(n, n);
    model.jacobian_dense(3.0, &y, &inputs, &mut ja).unwrap();
    expr.jacobian_dense(3.0, &y, &inputs, &mut jb).unwrap();
    for i in 0..n {
        for j in 0..n {
            let (x, z) = (ja[(i, j)], jb[(i, j)]);
            assert!((x - z).abs() <= 1e-12 * x.abs().max(1.0), "J[{i},{j}]: {x} vs {z}");
        }
    }
    // The sparse pattern is the same set of entries (expressions know which
    // partials vanish symbolically).
    assert_eq!(model.sparsity().nnz(), expr.sparsity().nnz());
    // Every law's shape is recognised: the expressions compile to the very
    // program of the factor laws, compiled kernels included.
    assert_eq!(expr.structure_fingerprint(), reference().structure_fingerprint());
    assert!(expr.uses_compiled_kernels());
}

#[test]
fn the_reference_model_written_with_expressions_solves_to_the_same_trajectory() {
    let model = reference();
    let expr = model.with_expression_laws().unwrap();
    let days: Vec<f64> = (0..=10).map(|d| model.initial_time() + 4.0 * d as f64).collect();
    let options = Options { rtol: 1e-8, atol: Tolerance::Scalar(1e-10), ..Options::default() };
    let a = model.simulate(&days, Method::Rodas5p, &options).unwrap();
    let b = expr.simulate(&days, Method::Rodas5p, &options).unwrap();
    for (x, z) in a.y.iter().zip(&b.y) {
        assert!((x - z).abs() <= 1e-7 * x.abs().max(1e-6), "{x} vs {z}");
    }
}

fn one_state(rate: &str, unit: Option<&str>) -> sasp::Result<Model> {
    ModelBuilder::new("m")
        .compartment("S", Compartment::Other(Quantity::Concentration), "nM", 2.0)
        .compartment("P", Compartment::Other(Quantity::Concentration), "nM", 0.0)
        .declare(ParameterDecl::new("Vmax", 3.0, "nM/day"))
        .declare(ParameterDecl::new("Km", 0.5, "nM"))
        .declare(ParameterDecl::new("k", 0.2, "1/day"))
        .process(
            ProcessDecl::new("conversion", RateLaw::Expression { rate: rate.into(), unit: unit.map(Into::into) })
                .change("S", -1.0)
                .change("P", 1.0),
        )
        .build()
}

#[test]
fn jacobian_of_a_nonlinear_expression_matches_finite_differences() {
    let model = one_state("Vmax*S^2/(Km^2 + S^2) * exp(-k*time) + k*sin(P)*S", None).unwrap();
    let y = [1.3, 0.7];
    let n = 2;
    let mut jac = nalgebra::DMatrix::zeros(n, n);
    model.jacobian_dense(0.4, &y, &[], &mut jac).unwrap();
    for j in 0..n {
        let h = 1e-6;
        let (mut up, mut down) = (y, y);
        up[j] += h;
        down[j] -= h;
        let (mut fu, mut fd) = ([0.0; 2], [0.0; 2]);
        model.rhs(0.4, &up, &[], &mut fu).unwrap();
        model.rhs(0.4, &down, &[], &mut fd).unwrap();
        for i in 0..n {
            let fdiff = (fu[i] - fd[i]) / (2.0 * h);
            assert!((jac[(i, j)] - fdiff).abs() < 1e-7, "J[{i},{j}] {} vs {fdiff}", jac[(i, j)]);
        }
    }
}

#[test]
fn units_are_inferred_checked_or_listed_as_unchecked() {
    // Vmax·S/(Km + S): nM/day, as the changes need.
    assert!(one_state("Vmax*S/(Km + S)", None).unwrap().unchecked_units().is_empty());
    // k·S·S is nM²/day: refused, naming the change.
    let err = one_state("k*S*S", None).unwrap_err().to_string();
    assert!(err.contains("change of 'P'") && err.contains("nM^2/day"), "{err}");
    // Adding a concentration to a rate constant is refused.
    let err = one_state("k + S", None).unwrap_err().to_string();
    assert!(err.contains("added or compared"), "{err}");
    // A bare number has no unit of its own: the rate is unchecked, and said so.
    let model = one_state("0.5", None).unwrap();
    assert_eq!(model.unchecked_units(), ["process 'conversion': the unit of its rate"]);
    // … unless the unit is declared, which is then checked.
    assert!(one_state("0.5", Some("nM/day")).unwrap().unchecked_units().is_empty());
    assert!(one_state("0.5", Some("1/day")).is_err());
    assert!(one_state("Vmax", Some("1/day")).unwrap_err().to_string().contains("declared unit"));
}

#[test]
fn bad_expressions_are_refused_naming_the_process() {
    let err = one_state("Vmax*Q", None).unwrap_err().to_string();
    assert!(err.contains("process 'conversion'") && err.contains("'Q'"), "{err}");
    let err = one_state("Vmax*(S", None).unwrap_err().to_string();
    assert!(err.contains("conversion"), "{err}");
    let err = one_state("f(S)", None).unwrap_err().to_string();
    assert!(err.contains("'f'"), "{err}");
}

fn decay_with(assignments: &[(&str, &str)], events: Vec<EventDecl>) -> sasp::Result<Model> {
    let mut b = ModelBuilder::new("decay")
        .compartment("x", Compartment::Other(Quantity::Index), "1", 1.0)
        .declare(ParameterDecl::new("k", 1.0, "1/day"));
    for (name, e) in assignments {
        b = b.declare(AssignmentDecl::new(name, e));
    }
    for e in events {
        b = b.declare(e);
    }
    b.process(ProcessDecl::new("loss", RateLaw::expression("rate")).change("x", -1.0)).build()
}

#[test]
fn assignments_are_substituted_in_dependency_order_and_evaluated() {
    let model = decay_with(&[("rate", "k*half*2"), ("half", "x/2")], vec![]).unwrap();
    let mut dy = [0.0];
    model.rhs(0.0, &[3.0], &[], &mut dy).unwrap();
    assert_eq!(dy[0], -3.0);
    assert_eq!(model.assignment("half", 0.0, &[3.0], &[]).unwrap(), 1.5);
    assert_eq!(model.assignment_names().collect::<Vec<_>>(), ["rate", "half"]);
    let err = decay_with(&[("rate", "k*a"), ("a", "b"), ("b", "a")], vec![]).unwrap_err().to_string();
    assert!(err.contains("cycle"), "{err}");
    let err = decay_with(&[("rate", "k*x"), ("k", "2")], vec![]).unwrap_err().to_string();
    assert!(err.contains("already declared"), "{err}");
}

#[test]
fn an_event_refills_a_decaying_state_at_the_located_time() {
    // x' = −x from 1; when x < 0.25 (t = ln 4) it is set to 1 again, so the
    // pattern repeats with period ln 4.
    let refill = EventDecl::new("refill", "x < 0.25").assign("x", "1");
    let model = decay_with(&[("rate", "k*x")], vec![refill]).unwrap();
    let period = 4f64.ln();
    let times: Vec<f64> = (0..=20).map(|k| 0.25 * k as f64).collect();
    let options = Options { rtol: 1e-10, atol: Tolerance::Scalar(1e-12), ..Options::default() };
    let sol = model.simulate(&times, Method::Rodas5p, &options).unwrap();
    for (k, &t) in times.iter().enumerate() {
        let exact = (-(t % period)).exp();
        assert!((sol.state(k)[0] - exact).abs() < 1e-7, "t = {t}: {} vs {exact}", sol.state(k)[0]);
    }
}

#[test]
fn events_at_the_initial_time_and_time_triggers() {
    // initial_value = false: a trigger true at t0 fires at once.
    let mut at_start = EventDecl::new("start", "x > 0.5").assign("x", "2");
    at_start.initial_value = false;
    // A time trigger doubles x at t = 1 (then x' = −x continues).
    let double = EventDecl::new("double", "time >= 1").assign("x", "2*x");
    let model = decay_with(&[("rate", "k*x")], vec![at_start, double]).unwrap();
    let options = Options { rtol: 1e-10, atol: Tolerance::Scalar(1e-12), ..Options::default() };
    let sol = model.simulate(&[0.0, 0.5, 1.0, 2.0], Method::Rodas5p, &options).unwrap();
    let expect = [2.0, 2.0 * (-0.5f64).exp(), 4.0 * (-1f64).exp(), 4.0 * (-2f64).exp()];
    for (k, e) in expect.iter().enumerate() {
        assert!((sol.state(k)[0] - e).abs() < 1e-8, "output {k}: {} vs {e}", sol.state(k)[0]);
    }
    let err = decay_with(&[("rate", "k*x")], vec![EventDecl::new("e", "x < 1").assign("y", "0")]).unwrap_err();
    assert!(err.to_string().contains("'y'"), "{err}");
}

#[test]
fn negative_excursions_of_an_expression_law_are_reported() {
    // A constant drain does not vanish at zero: x goes negative, and the
    // model says so (factor laws would have been refused at build time).
    let model = ModelBuilder::new("drain")
        .compartment("x", Compartment::Other(Quantity::Concentration), "nM", 1.0)
        .process(
            ProcessDecl::new("drain", RateLaw::Expression { rate: "1".into(), unit: Some("nM/day".into()) })
                .change("x", -1.0),
        )
        .build()
        .unwrap();
    let sol = model.simulate(&[0.0, 1.0, 2.0], Method::Rodas5p, &Options::default()).unwrap();
    let report = model.negative_excursions(&sol, 1e-9);
    assert_eq!(report.len(), 1);
    assert_eq!(report[0].0, "x");
    assert!((report[0].2 + 1.0).abs() < 1e-9);
}

#[test]
fn expression_laws_read_from_a_model_file() {
    let text = r#"
[model]
name = "mm"

[[compartment]]
name = "S"
kind = "concentration.S"
unit = "nM"
initial = 2.0

[[parameter]]
name = "Vmax"
value = 3.0
unit = "nM/day"
tag = "A"

[[parameter]]
name = "Km"
value = 0.5
unit = "nM"
tag = "A"

[[assignment]]
name = "uptake"
expression = "Vmax*S/(Km + S)"

[[process]]
name = "uptake"
changes = { S = -1 }
rate = { law = "expression", rate = "uptake" }

[[event]]
name = "top_up"
trigger = "S < 1"
assign = [{ target = "S", value = "S + 1" }]
"#;
    let model = Model::from_toml_str(text, "mm.toml").unwrap();
    let mut dy = [0.0];
    model.rhs(0.0, &[2.0], &[], &mut dy).unwrap();
    assert!((dy[0] + 3.0 * 2.0 / 2.5).abs() < 1e-15);
    assert_eq!(model.events().len(), 1);
}

#[test]
fn recognised_and_taped_expressions_give_the_same_numbers() {
    // `Vmax*S/(Km + S)` compiles to a saturating factor; the same rate
    // written as `Vmax*S*(Km + S)^-1` is evaluated by the expression tape.
    let lowered = one_state("Vmax*S/(Km + S)", None).unwrap();
    let taped = one_state("Vmax*S*(Km + S)^-1", None).unwrap();
    same_rates_and_jacobians(&lowered, &taped, &[[2.0, 0.0], [0.3, 1.0], [1e-9, 5.0]]);
}

#[test]
fn the_time_derivative_of_a_rate_that_reads_time_is_exact() {
    use sasp::solve::OdeSystem;
    let model = one_state("Vmax*S/(Km + S) * exp(-k*time) * (1 + sin(time))", None).unwrap();
    assert!(!model.is_autonomous());
    let system = model.system(&[]).unwrap();
    let y = [1.3, 0.4];
    for t in [0.0, 0.7, 3.0] {
        let mut ft = [0.0; 2];
        assert!(system.time_derivative(t, &y, &mut ft));
        let h = 1e-6;
        let (mut up, mut down) = ([0.0; 2], [0.0; 2]);
        system.rhs(t + h, &y, &mut up);
        system.rhs(t - h, &y, &mut down);
        for i in 0..2 {
            let fd = (up[i] - down[i]) / (2.0 * h);
            assert!((ft[i] - fd).abs() < 1e-8, "∂f/∂t[{i}] at t = {t}: {} vs {fd}", ft[i]);
        }
    }
    // An autonomous model's is zero.
    let model = one_state("Vmax*S/(Km + S)", None).unwrap();
    let mut ft = [1.0; 2];
    assert!(model.system(&[]).unwrap().time_derivative(0.0, &[1.0, 1.0], &mut ft));
    assert_eq!(ft, [0.0; 2]);
}

#[test]
fn a_hostile_chain_of_assignments_is_an_error_not_a_crash() {
    // a0 = x, a1 = a0 + 1, …: 50 000 links would overflow a recursive
    // resolution; it is refused by length.
    let chain: Vec<(String, String)> = (0..50_000)
        .map(|k| (format!("a{k}"), if k == 0 { "x".to_string() } else { format!("a{} + 1", k - 1) }))
        .collect();
    let mut spec = decay_with(&[("rate", "k*x")], vec![]).unwrap().spec().clone();
    // Declared last link first, so that resolving follows the whole chain.
    spec.assignments.extend(chain.iter().rev().map(|(n, e)| AssignmentDecl::new(n, e)));
    let err = Model::from_spec(spec.clone()).unwrap_err().to_string();
    assert!(err.contains("chain of more than 2000"), "{err}");
    // In dependency order, the substituted expression is what grows too deep.
    spec.assignments.reverse();
    spec.assignments.rotate_left(1);
    let err = Model::from_spec(spec).unwrap_err().to_string();
    assert!(err.contains("nests"), "{err}");
}

#[test]
fn michaelis_menten_on_concentrations_compiles_to_a_saturating_factor() {
    // SBML writes Michaelis–Menten with concentrations S/V: the saturation
    // sits in a product and its argument is weighted. It is lowered (no
    // process on the tape) and gives the tape's numbers.
    let lowered = one_state("S/2 * k * P/(S/2 + Km)", None).unwrap();
    assert!(lowered.taped_processes().is_empty());
    // The same rate with a form the lowering does not take (a power -1).
    let taped = one_state("S/2 * k * P * (S/2 + Km)^-1", None).unwrap();
    assert_eq!(taped.taped_processes(), ["conversion"]);
    same_rates_and_jacobians(&lowered, &taped, &[[2.0, 0.5], [0.3, 1.0], [7.0, 3.0]]);
}

/// A clock `c' = 1` (c = t) and a register `x` that events set: delays,
/// values from the trigger or the execution time, persistence and
/// priorities, each checked against the times and values they imply.
fn clocked(events: &str) -> Model {
    let text = format!(
        r#"
[model]
name = "clock"

[[compartment]]
name = "c"
kind = "index.clock"
unit = ""
initial = 0.0

[[compartment]]
name = "x"
kind = "index.register"
unit = ""
initial = 0.0

[[process]]
name = "tick"
changes = {{ c = 1 }}
rate = {{ law = "expression", rate = "1" }}
{events}"#
    );
    Model::from_toml_str(&text, "clock.toml").unwrap()
}

fn x_at(model: &Model, times: &[f64]) -> Vec<f64> {
    let sol = model.simulate(times, Method::Rodas5p, &Options { rtol: 1e-10, ..Options::default() }).unwrap();
    (0..times.len()).map(|k| sol.state(k)[1]).collect()
}

#[test]
fn events_with_delays_priorities_and_persistence_from_a_model_file() {
    // Triggered at c = 1, executed 0.5 later, with c as it was at the trigger…
    let at_trigger = clocked(
        r#"
[[event]]
name = "store"
trigger = "c >= 1"
delay = "0.5"
assign = [{ target = "x", value = "c" }]
"#,
    );
    let x = x_at(&at_trigger, &[1.4, 1.6]);
    assert_eq!(x[0], 0.0);
    assert!((x[1] - 1.0).abs() < 1e-9, "{x:?}");
    // …or as it is at the execution; a delay evaluated at the trigger (2·c = 2).
    let at_execution = clocked(
        r#"
[[event]]
name = "store"
trigger = "c >= 1"
delay = "2*c"
use_values_from_trigger_time = false
assign = [{ target = "x", value = "c" }]
"#,
    );
    let x = x_at(&at_execution, &[2.9, 3.1]);
    assert_eq!(x[0], 0.0);
    assert!((x[1] - 3.0).abs() < 1e-9, "{x:?}");
    // A window 0.3 long: a persistent trigger still executes after a delay
    // of 1, one that is not persistent is cancelled when the window closes.
    for (persistent, expected) in [(true, 7.0), (false, 0.0)] {
        let model = clocked(&format!(
            r#"
[[event]]
name = "window"
trigger = "c > 2 && c < 2.3"
delay = "1"
persistent = {persistent}
assign = [{{ target = "x", value = "7" }}]
"#
        ));
        assert_eq!(x_at(&model, &[4.0])[0], expected, "persistent = {persistent}");
    }
    // Two events at the same instant: the higher priority executes first,
    // so the other's assignment (computed at execution) is the one that stays.
    for (p_add, p_double, expected) in [(2, 1, 2.0), (1, 2, 1.0)] {
        let model = clocked(&format!(
            r#"
[[event]]
name = "add"
trigger = "c >= 1"
priority = "{p_add}"
use_values_from_trigger_time = false
assign = [{{ target = "x", value = "x + 1" }}]

[[event]]
name = "double"
trigger = "c >= 1"
priority = "{p_double}"
use_values_from_trigger_time = false
assign = [{{ target = "x", value = "2*x" }}]
"#
        ));
        assert_eq!(x_at(&model, &[1.5])[0], expected, "priorities add {p_add}, double {p_double}");
    }
    // A negative delay is an error naming the event.
    let err = clocked(
        r#"
[[event]]
name = "back"
trigger = "c >= 1"
delay = "-1"
assign = [{ target = "x", value = "1" }]
"#,
    )
    .simulate(&[2.0], Method::Rodas5p, &Options::default())
    .unwrap_err();
    assert!(err.to_string().contains("event 'back'"), "{err}");
}

/// The two models' right-hand sides (to 1e-14 relative) and dense
/// Jacobians (to 1e-13) agree at each of `states`.
fn same_rates_and_jacobians(lowered: &Model, taped: &Model, states: &[[f64; 2]]) {
    for y in states {
        let (mut a, mut b) = ([0.0; 2], [0.0; 2]);
        lowered.rhs(0.0, y, &[], &mut a).unwrap();
        taped.rhs(0.0, y, &[], &mut b).unwrap();
        let (mut ja, mut jb) = (nalgebra::DMatrix::zeros(2, 2), nalgebra::DMatrix::zeros(2, 2));
        lowered.jacobian_dense(0.0, y, &[], &mut ja).unwrap();
        taped.jacobian_dense(0.0, y, &[], &mut jb).unwrap();
        for i in 0..2 {
            assert!((a[i] - b[i]).abs() <= 1e-14 * a[i].abs().max(1e-300), "{a:?} {b:?}");
            for j in 0..2 {
                assert!((ja[(i, j)] - jb[(i, j)]).abs() <= 1e-13 * ja[(i, j)].abs().max(1e-12), "{ja} {jb}");
            }
        }
    }
}
