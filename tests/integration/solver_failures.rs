//! Each kind of solver failure, provoked by a small system, with the
//! diagnostics of its report ([`SolveError`]) checked against what the
//! system makes them: the time, the component to blame, the Newton history,
//! the rejections and the condition of the iteration matrix.

use sasp::error::NEWTON_HISTORY;
use sasp::solve::{solve, Method, OdeSystem, Options, Tolerance};
use sasp::{SaspError, SolveError, SolveErrorKind};

fn options(rtol: f64, atol: f64) -> Options {
    Options { rtol, atol: Tolerance::Scalar(atol), ..Options::default() }
}

/// The solver failure of a solve from `(0, y0)` to `t_end` that must fail.
fn failure<S: OdeSystem>(system: &S, method: Method, opt: Options, y0: &[f64], t_end: f64) -> SolveError {
    let stepper = method.stepper(system, opt).unwrap();
    let e: SaspError = solve(system, stepper, 0.0, y0, t_end, &[]).expect_err("the solve must fail");
    let message = e.to_string();
    assert!(!message.contains('\n'), "one line: {message}");
    let s = e.solve_error().unwrap_or_else(|| panic!("{}: not a solver failure: {e}", method.name())).clone();
    assert_eq!(s.method, method.name(), "{message}");
    assert!(s.rejections <= s.attempts && s.attempts <= sasp::error::RECENT_ATTEMPTS, "{message}");
    s
}

/// `tumor' = tumor²` from 1 (blows up at t = 1) beside a quiet decay `drug' = −drug`.
struct BlowUp;

impl OdeSystem for BlowUp {
    fn dimension(&self) -> usize {
        2
    }
    fn rhs(&self, _t: f64, y: &[f64], dy: &mut [f64]) {
        dy[0] = y[0] * y[0];
        dy[1] = -y[1];
    }
    fn component_name(&self, i: usize) -> String {
        ["tumor", "drug"][i].to_string()
    }
}

#[test]
fn a_finite_time_blow_up_is_a_step_size_underflow_at_the_pole_blamed_on_the_blowing_component() {
    // (Rodas3 is left out: with an exact Jacobian it steps across the pole
    // onto the rational continuation y = 1/(1 − t).)
    for method in [Method::Dopri5, Method::Dop853, Method::Rodas5p, Method::Bdf] {
        let e = failure(&BlowUp, method, options(1e-6, 1e-9), &[1.0, 1.0], 2.0);
        let m = e.to_string();
        assert_eq!(e.kind, SolveErrorKind::StepSizeUnderflow, "{m}");
        assert!((e.t - 1.0).abs() < 1e-4, "the pole is at t = 1: {m}");
        assert!(e.h > 0.0 && e.h < 1e-12, "{m}");
        assert_eq!((e.component, e.component_name.as_deref()), (Some(0), Some("tumor")), "{m}");
        assert!(m.starts_with("step size underflow at t = ") && m.contains("component 0 ('tumor' = "), "{m}");
        // y = 1/(1 − t) has grown from 1 by orders of magnitude near the pole.
        assert!(e.component_value.is_some_and(|y| y > 1e3 && y.is_finite()), "{m}");
        assert!(e.newton_history.is_empty() && e.condition.is_none(), "{m}");
    }
    // The explicit methods and Rodas5P get there by rejections.
    for method in [Method::Dopri5, Method::Dop853, Method::Rodas5p] {
        let e = failure(&BlowUp, method, options(1e-6, 1e-9), &[1.0, 1.0], 2.0);
        assert!(e.rejections >= 5, "{e}");
    }
}

#[test]
fn too_many_steps_says_where_the_budget_ran_out() {
    for method in [Method::Dopri5, Method::Dop853, Method::Rodas5p, Method::Rodas3, Method::Bdf] {
        let few = Options { max_steps: 5, ..options(1e-10, 1e-12) };
        let e = failure(&BlowUp, method, few, &[1.0, 1.0], 2.0);
        let m = e.to_string();
        assert_eq!(e.kind, SolveErrorKind::TooManySteps { max_steps: 5, t_end: 2.0 }, "{m}");
        assert!(e.t > 0.0 && e.t < 0.5 && e.h > 0.0, "{m}");
        assert!(e.attempts == 5 || e.attempts == 4, "{m}");
        assert!(m.starts_with("too many steps: 5 steps reached at t = "), "{m}");
    }
}

/// A right-hand side that turns NaN in component 1 after t = 0.5.
struct Poisoned;

impl OdeSystem for Poisoned {
    fn dimension(&self) -> usize {
        3
    }
    fn rhs(&self, t: f64, y: &[f64], dy: &mut [f64]) {
        dy[0] = -y[0];
        dy[1] = if t > 0.5 { f64::NAN } else { -2.0 * y[1] };
        dy[2] = 1.0;
    }
}

/// The same poison triggered by a clock component, autonomous: Rosenbrock
/// methods then form no `∂f/∂t`, and must find the bad component among their
/// stages' right-hand sides, whose linear solves spread the NaN.
struct PoisonedByClock;

impl OdeSystem for PoisonedByClock {
    fn dimension(&self) -> usize {
        3
    }
    fn rhs(&self, _t: f64, y: &[f64], dy: &mut [f64]) {
        dy[0] = -y[0];
        dy[1] = if y[2] > 0.5 { f64::NAN } else { -2.0 * y[1] };
        dy[2] = 1.0;
    }
    fn is_autonomous(&self) -> bool {
        true
    }
    /// The Jacobian away from the switch (a finite difference across it
    /// would be NaN, and the report would rightly blame the matrix).
    fn jacobian(&self, _t: f64, _y: &[f64], values: &mut [f64]) -> bool {
        values.copy_from_slice(&[-1.0, 0.0, 0.0, 0.0, -2.0, 0.0, 0.0, 0.0, 0.0]);
        true
    }
}

#[test]
fn an_autonomous_right_hand_side_that_turns_nan_is_found_in_rosenbrock_stages_and_bdf_corrections() {
    // BDF too, with its finite Jacobian: the direct solve carries the NaN
    // into the Newton correction's norm, where BDF looks for its component.
    for method in [Method::Rodas5p, Method::Rodas3, Method::Bdf] {
        let e = failure(&PoisonedByClock, method, options(1e-6, 1e-9), &[1.0, 1.0, 0.0], 1.0);
        let m = e.to_string();
        assert_eq!(e.kind, SolveErrorKind::NonFiniteRhs, "{m}");
        assert!((e.t - 0.5).abs() < 1e-6, "NaN from t = 0.5 on: {m}");
        assert_eq!(e.component, Some(1), "{m}");
    }
}

#[test]
fn a_right_hand_side_that_turns_nan_is_found_at_its_time_and_component() {
    for method in [Method::Dopri5, Method::Dop853, Method::Rodas5p, Method::Rodas3] {
        let e = failure(&Poisoned, method, options(1e-6, 1e-9), &[1.0, 1.0, 0.0], 1.0);
        let m = e.to_string();
        assert_eq!(e.kind, SolveErrorKind::NonFiniteRhs, "{m}");
        assert!((e.t - 0.5).abs() < 1e-6, "NaN from t = 0.5 on: {m}");
        assert_eq!((e.component, e.component_name.as_deref()), (Some(1), Some("y[1]")), "{m}");
        assert!(m.starts_with("non-finite right-hand side at t = ") && m.contains("component 1 ('y[1]')"), "{m}");
        assert_eq!(e.component_value, None, "a finite value whose derivative is not: {m}");
    }
    // BDF evaluates its Jacobian at the predicted point of a step that
    // reaches past t = 0.5, and keeps that NaN Jacobian while it shrinks the
    // step: its iteration matrix cannot be factored from then on, and the
    // report says so, with the column of the NaN.
    let e = failure(&Poisoned, Method::Bdf, options(1e-6, 1e-9), &[1.0, 1.0, 0.0], 1.0);
    let m = e.to_string();
    assert_eq!(e.kind, SolveErrorKind::SingularMatrix, "{m}");
    assert!(e.t > 0.3 && e.t < 0.5, "{m}");
    assert_eq!((e.component, e.condition, e.rejections, e.attempts), (Some(1), Some(f64::INFINITY), 32, 32), "{m}");
}

/// `y₀' = 1`, `y₁' = √y₁` from `y₁ = 0`, with its exact Jacobian: `∂f₁/∂y₁ =
/// 1/(2√y₁)` is infinite there, so no iteration matrix `I − cJ` can be
/// factored, at any step size.
struct InfiniteJacobian;

impl OdeSystem for InfiniteJacobian {
    fn dimension(&self) -> usize {
        2
    }
    fn rhs(&self, _t: f64, y: &[f64], dy: &mut [f64]) {
        dy[0] = 1.0;
        dy[1] = y[1].max(0.0).sqrt();
    }
    fn jacobian(&self, _t: f64, y: &[f64], values: &mut [f64]) -> bool {
        // Column-major dense storage.
        values.copy_from_slice(&[0.0, 0.0, 0.0, 0.5 / y[1].max(0.0).sqrt()]);
        true
    }
    fn component_name(&self, i: usize) -> String {
        ["clock", "root"][i].to_string()
    }
}

#[test]
fn an_iteration_matrix_that_cannot_be_factored_is_reported_with_its_pivot_column() {
    for method in [Method::Rodas5p, Method::Rodas3, Method::Bdf] {
        let e = failure(&InfiniteJacobian, method, options(1e-6, 1e-9), &[0.0, 0.0], 1.0);
        let m = e.to_string();
        assert_eq!(e.kind, SolveErrorKind::SingularMatrix, "{m}");
        assert_eq!((e.t, e.component, e.component_name.as_deref()), (0.0, Some(1), Some("root")), "{m}");
        assert_eq!(e.condition, Some(f64::INFINITY), "{m}");
        assert_eq!(e.rejections, e.attempts, "every attempt failed: {m}");
        assert!(e.rejections >= 10, "h halves (or quarters) down to round-off: {m}");
        assert!(m.starts_with("singular iteration matrix") && m.contains("condition ≈ inf"), "{m}");
    }
}

/// `y' = −sign(y)`: reaches 0 at t = 1, where the implicit equation of a
/// step across 0 has no solution, so Newton cannot converge at any step size.
struct Relay;

impl OdeSystem for Relay {
    fn dimension(&self) -> usize {
        1
    }
    fn rhs(&self, _t: f64, y: &[f64], dy: &mut [f64]) {
        dy[0] = if y[0] > 0.0 { -1.0 } else { 1.0 };
    }
}

#[test]
fn newton_failures_down_to_round_off_are_reported_with_their_history_and_the_matrix_condition() {
    let e = failure(&Relay, Method::Bdf, options(1e-6, 1e-9), &[1.0], 2.0);
    let m = e.to_string();
    assert_eq!(e.kind, SolveErrorKind::NewtonFailed, "{m}");
    assert!((e.t - 1.0).abs() < 1e-9, "the relay switches at t = 1: {m}");
    assert_eq!(e.component, Some(0), "{m}");
    // The iteration bounces across 0: at least two corrections, the second
    // no smaller than the first (contraction rate ≥ 1).
    let h = &e.newton_history;
    assert!(h.len() >= 2 && h.len() <= NEWTON_HISTORY && h[1] >= h[0] && h[0] > 0.0, "{m}");
    assert!(e.rejections > e.attempts / 2, "{m}");
    // J = 0 (the finite difference sees no change), so M = I: condition 1.
    assert!(e.condition.is_some_and(|c| (c - 1.0).abs() < 1e-12), "{m}");
    assert!(m.starts_with("Newton iteration did not converge") && m.contains("last Newton corrections"), "{m}");
}

#[test]
fn callers_that_know_the_components_can_name_them() {
    let e = failure(&Poisoned, Method::Rodas5p, options(1e-6, 1e-9), &[1.0, 1.0, 0.0], 1.0);
    let named = e.clone().name_components(|i| ["A", "B", "C"][i].to_string());
    assert_eq!(named.component_name.as_deref(), Some("B"));
    assert!(named.to_string().contains("component 1 ('B')"), "{named}");
    // Without a dominant component there is nothing to name.
    let bare = SolveError::new(SolveErrorKind::StepSizeUnderflow, "bdf", 1.0, 1e-16).name_components(|_| "x".into());
    assert_eq!(bare.component_name, None);
    assert_eq!(bare.to_string(), "step size underflow at t = 1: h = 1e-16 (bdf)");
    // A component's value prints after its name, or alone without one.
    let mut valued = SolveError::new(SolveErrorKind::StepSizeUnderflow, "bdf", 1.0, 1e-16);
    (valued.component, valued.component_value) = (Some(2), Some(5.0e6));
    assert_eq!(
        valued.to_string(),
        "step size underflow at t = 1: h = 1e-16 (bdf); component 2 (= 5.000e6) dominated the last rejected step"
    );
    let named = valued.name_components(|_| "tumor".into());
    assert!(named.to_string().contains("component 2 ('tumor' = 5.000e6) dominated"), "{named}");
}

#[test]
fn the_condition_estimate_of_a_factored_matrix_is_close_to_the_truth() {
    use sasp::solve::linalg::JacobianStructure;
    use sasp::solve::linear::{default_solver, DenseSolver, LinearSolver};
    // J = [[-1, 1e4], [0, -1]] (column-major), M = I − J = [[2, −1e4], [0, 2]]:
    // ‖M‖₁ = 1e4 + 2, M⁻¹ = [[0.5, 2500], [0, 0.5]], ‖M⁻¹‖₁ = 2500.5.
    let jac = [-1.0, 0.0, 1e4, -1.0];
    let exact = (1e4 + 2.0) * 2500.5;
    let mut solvers: Vec<Box<dyn LinearSolver>> =
        vec![default_solver(&JacobianStructure::Dense, 2), Box::new(DenseSolver::new(&JacobianStructure::Dense, 2))];
    for s in &mut solvers {
        s.factor_shifted(&jac, -1.0, 1.0).unwrap();
        let norm = sasp::solve::jacobian::iteration_norm1(&JacobianStructure::Dense, 2, &jac, -1.0, 1.0);
        let estimate = norm * s.inverse_norm1_estimate();
        assert!(estimate <= exact * (1.0 + 1e-12) && estimate >= exact / 3.0, "{}: {estimate} vs {exact}", s.name());
    }
}
