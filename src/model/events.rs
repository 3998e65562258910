//! A model's own events and assignments, and simulating a model with them.
//!
//! An event ([`EventDecl`](super::EventDecl)) fires when its trigger turns
//! from false to true; its assignments, all evaluated with the values just
//! before it fires, then replace the states they target, and the
//! integration restarts cleanly from there. [`Model::simulate`] runs a model
//! from its initial state with its events:
//!
//! 1. at the initial time, every event whose trigger is true while its
//!    `initial_value` is false fires;
//! 2. during the integration, each trigger's *root function* (`a − b` for
//!    `a > b`, the minimum over an `and`, the maximum over an `or`, ±1 for
//!    any other condition; its sign forced to the trigger's truth, so that
//!    it is positive exactly where the trigger holds) is watched, and a
//!    rising root is located on the dense output;
//! 3. there, every event whose trigger is now true and was false fires, in
//!    declaration order, each seeing the state the earlier ones left; events
//!    made true by those assignments fire in turn (a cascade, at most
//!    [`MAX_CASCADE`] rounds); an output at exactly that time reports the
//!    state after the events.
//!
//! Triggers are persistent (once fired, an event's assignments are made even
//! if its trigger has turned false again meanwhile) and events have no delay
//! and no priority: the constructs SBML adds beyond these are refused by the
//! SBML import.

use super::build::expression_slots;
use super::expression::{Expressions, Unit as ExprUnit};
use super::kinetics::{with_buffer, with_vars};
use super::resolve::Resolver;
use super::Model;
use super::ModelSystem;
use crate::error::{ModelError, Result, SaspError};
use crate::expr::{truth, Expr, Op, Tape};
use crate::solve::{
    integrate, Direction, Event, Integration, Method, OdeSystem, Options, Plan, Solution, Stepper, StopHandler,
};

/// Most rounds of events that one instant may trigger in turn.
pub const MAX_CASCADE: usize = 1_000;
/// Most event firings in one simulation (an event that re-arms itself at
/// once would otherwise never let time advance).
pub const MAX_FIRINGS: usize = 1_000_000;

/// A compiled event.
#[derive(Clone)]
pub struct ModelEvent {
    /// Its name.
    pub name: String,
    /// The trigger, resolved (over compartments, inputs and time).
    pub trigger: Expr,
    /// The trigger's value taken for the instant before the initial time.
    pub initial_value: bool,
    /// The assignments: state index and resolved value.
    pub assignments: Vec<(usize, Expr)>,
    /// Does the trigger or an assignment read an input?
    reads_input: bool,
    /// `[trigger, root function]`.
    tape: Tape,
    /// The values of the assignments.
    values: Tape,
}

impl std::fmt::Debug for ModelEvent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ModelEvent").field("name", &self.name).field("trigger", &self.trigger.to_string()).finish()
    }
}

/// A continuous function positive where `trigger` holds (see the module docs).
fn root_function(trigger: &Expr) -> Expr {
    let fallback = || Expr::Piecewise {
        pieces: vec![(Expr::Num(1.0), trigger.clone())],
        otherwise: Some(Box::new(Expr::Num(-1.0))),
    };
    match trigger {
        Expr::Apply(op @ (Op::Gt | Op::Geq | Op::Lt | Op::Leq), args) if args.len() == 2 => {
            let (a, b) = if matches!(op, Op::Gt | Op::Geq) { (&args[0], &args[1]) } else { (&args[1], &args[0]) };
            Expr::binary(Op::Minus, a.clone(), b.clone())
        }
        Expr::Apply(Op::And, args) if !args.is_empty() => {
            Expr::apply(Op::Min, args.iter().map(root_function).collect())
        }
        Expr::Apply(Op::Or, args) if !args.is_empty() => Expr::apply(Op::Max, args.iter().map(root_function).collect()),
        Expr::Apply(Op::Not, args) if args.len() == 1 => Expr::unary(Op::Minus, root_function(&args[0])),
        _ => fallback(),
    }
}

impl ModelEvent {
    /// Resolves and compiles every `[[event]]` of the model: targets must be
    /// compartments, each at most once per event; units of values checked
    /// where known.
    pub(super) fn compile_all(
        resolver: &Resolver,
        expressions: &Expressions,
        unchecked: &mut Vec<String>,
    ) -> Result<Vec<ModelEvent>> {
        let slots = expression_slots(resolver);
        let bind = |name: &str| slots.get(name).copied();
        let mut names = std::collections::HashSet::new();
        let mut out = Vec::with_capacity(resolver.spec.events.len());
        for e in &resolver.spec.events {
            let context = format!("event '{}'", e.name);
            if e.name.trim().is_empty() {
                return Err(ModelError::EmptyName("event").into());
            }
            if !names.insert(e.name.as_str()) {
                return Err(ModelError::Duplicate { kind: "event", name: e.name.clone() }.into());
            }
            let (trigger, _) = expressions.resolve(&e.trigger, &format!("{context}, trigger"))?;
            let mut assignments = Vec::with_capacity(e.assignments.len());
            for a in &e.assignments {
                let item = format!("{context}, assignment to '{}'", a.target);
                let &i = resolver.compartments.get(&a.target).ok_or_else(|| ModelError::UnknownCompartment {
                    name: a.target.clone(),
                    context: context.clone(),
                })?;
                if assignments.iter().any(|&(j, _)| j == i) {
                    return Err(ModelError::invalid(context, format!("assigns '{}' twice", a.target)).into());
                }
                let (value, unit) = expressions.resolve(&a.value, &item)?;
                match unit {
                    ExprUnit::Known(d) if d != resolver.compartment_units[i].dimension => {
                        return Err(ModelError::UnitMismatch {
                            context: item,
                            expected: resolver.compartment_units[i].dimension.to_string(),
                            found: d.to_string(),
                        }
                        .into())
                    }
                    ExprUnit::Known(_) | ExprUnit::Free => {}
                    ExprUnit::Unknown => unchecked.push(format!("{item}: the unit of its value")),
                }
                assignments.push((i, value));
            }
            let tape = Tape::compile(&[trigger.clone(), root_function(&trigger).simplify()], bind)?;
            let values: Vec<Expr> = assignments.iter().map(|(_, v)| v.clone()).collect();
            let values = Tape::compile(&values, bind)?;
            let reads_input = std::iter::once(&trigger)
                .chain(assignments.iter().map(|(_, v)| v))
                .any(|x| resolver.inputs.keys().any(|u| x.depends_on(u)));
            out.push(ModelEvent {
                name: e.name.clone(),
                trigger,
                initial_value: e.initial_value,
                assignments,
                reads_input,
                tape,
                values,
            });
        }
        Ok(out)
    }

    /// The trigger's value and its root function at `(t, y)`, the latter's
    /// sign made that of the trigger (positive exactly where it holds: a
    /// root located on the positive side is a point where the event fires,
    /// even where `a − b` is exactly 0 at `a > b`).
    fn eval(&self, t: f64, y: &[f64], inputs: &[f64]) -> (bool, f64) {
        with_vars(y, inputs, |vars| {
            with_buffer(self.tape.register_count(), |regs| {
                self.tape.eval_in(vars, t, regs);
                let now = truth(self.tape.root_in(regs, 0));
                let g = self.tape.root_in(regs, 1);
                let g = if g.is_nan() { -1.0 } else { g };
                (now, if now { g.max(f64::MIN_POSITIVE) } else { g.min(-f64::MIN_POSITIVE) })
            })
        })
    }

    /// Makes the assignments (all values computed first) on `y`.
    fn fire(&self, t: f64, y: &mut [f64], inputs: &[f64]) {
        with_buffer(self.assignments.len(), |new| {
            with_vars(y, inputs, |vars| {
                with_buffer(self.values.register_count(), |regs| {
                    self.values.eval_in(vars, t, regs);
                    for (k, v) in new.iter_mut().enumerate() {
                        *v = self.values.root_in(regs, k);
                    }
                })
            });
            for (&(i, _), &v) in self.assignments.iter().zip(new.iter()) {
                y[i] = v;
            }
        })
    }
}

impl Model {
    /// The model's events, in declaration order.
    pub fn events(&self) -> &[ModelEvent] {
        &self.events
    }

    /// Names of the model's `[[assignment]]`s, in declaration order.
    pub fn assignment_names(&self) -> impl Iterator<Item = &str> {
        self.assignments.iter().map(|(n, _)| n.as_str())
    }

    /// The value of assignment `name` at `(t, y)` with inputs `inputs`.
    pub fn assignment(&self, name: &str, t: f64, y: &[f64], inputs: &[f64]) -> Result<f64> {
        let (_, e) = self.assignments.iter().find(|(n, _)| n == name).ok_or_else(|| {
            SaspError::from(ModelError::invalid(format!("model '{}'", self.name()), format!("no assignment '{name}'")))
        })?;
        let n = self.dimension();
        let lookup = |v: &str| match self.compartment_index.get(v) {
            Some(&i) => y.get(i).copied(),
            None => self.input_index.get(v).and_then(|&k| inputs.get(k).copied()),
        };
        if y.len() != n {
            return Err(SaspError::DimensionMismatch { what: "state", expected: n, found: y.len() });
        }
        Ok(e.eval(&lookup, t)?)
    }

    /// Items whose units could not be checked when the model was built
    /// (expressions whose unit cannot be inferred, e.g. from an SBML model
    /// without unit declarations): empty when everything was checked.
    pub fn unchecked_units(&self) -> &[String] {
        &self.unchecked_units
    }

    /// States of `solution` that went below `−tolerance`: `(state name,
    /// time, value)` of each one's most negative point. Factor laws keep
    /// states non-negative by construction; expression laws cannot, and this
    /// reports (rather than hides) what a solution did. Only compartments
    /// that hold amounts or sizes count: cells, concentrations, lengths,
    /// and the dimensionless kinds `index.species` and `index.size` of
    /// imported SBML species and compartments (not other indices, which
    /// may be negative).
    pub fn negative_excursions(&self, solution: &Solution, tolerance: f64) -> Vec<(String, f64, f64)> {
        let mut out = Vec::new();
        for i in 0..self.dimension() {
            let kind = self.kind(i);
            let amount = match kind {
                super::Compartment::Named(super::Quantity::Index, name) => {
                    matches!(name.as_str(), "species" | "size")
                }
                _ => !matches!(kind.quantity(), super::Quantity::Index | super::Quantity::Fraction),
            };
            if !amount {
                continue;
            }
            let worst =
                (0..solution.t.len()).map(|k| (solution.t[k], solution.state(k)[i])).min_by(|a, b| a.1.total_cmp(&b.1));
            if let Some((t, v)) = worst.filter(|&(_, v)| v < -tolerance) {
                out.push((self.spec.compartments[i].name.clone(), t, v));
            }
        }
        out
    }

    /// Simulates the model from its initial state (at its initial time,
    /// inputs at their defaults) to the last of `outputs` (increasing,
    /// none before the initial time), with its events (see the [module
    /// docs](self)); returns the states at `outputs`.
    pub fn simulate(&self, outputs: &[f64], method: Method, options: &Options) -> Result<Solution> {
        self.simulate_from(self.initial_time(), &self.initial_state(), outputs, method, options)
    }

    /// [`Model::simulate`] from state `y0` at time `t0` instead of the
    /// model's initial state and time (a run continued under other
    /// parameter values, after preequilibration). The events whose
    /// triggers are true at `t0` and whose `initial_value` is false fire at
    /// `t0`, as at the start of any run.
    pub fn simulate_from(
        &self,
        t0: f64,
        y0: &[f64],
        outputs: &[f64],
        method: Method,
        options: &Options,
    ) -> Result<Solution> {
        if y0.len() != self.dimension() {
            return Err(SaspError::DimensionMismatch {
                what: "initial state",
                expected: self.dimension(),
                found: y0.len(),
            });
        }
        let Some(&t_end) = outputs.last() else {
            return Err(SaspError::InvalidOptions("simulate needs at least one output time".into()));
        };
        let ordered = outputs[0] >= t0 && outputs.windows(2).all(|w| w[1] >= w[0]);
        if !ordered || !t_end.is_finite() {
            return Err(SaspError::InvalidOptions(format!(
                "output times must be finite, increasing and not before the initial time {t0}"
            )));
        }
        let mut system = self.system(&self.default_inputs())?;
        let mut stepper = method.stepper(&system, options.clone())?;
        let plan = Plan::outputs(outputs);
        let run = self.integrate(&mut stepper, &mut system, t0, y0, t_end, &plan, &mut |_, _, _, _| Ok(()))?;
        Ok(run.solution)
    }

    /// Integrates from `y0` at `t0` (events included) until the state is
    /// steady: `‖ẏ‖` in the weighted root-mean-square norm of the
    /// tolerances, `sqrt(mean((ẏᵢ / (atol + rtol·|yᵢ|))²))`, at most 1 —
    /// checked at `t0 + 1, 10, 100, …` — and returns that time and state.
    /// Fails, with the last norm, when no steady state is reached by
    /// `t0 + 1e12` (an oscillating or growing system).
    pub fn steady_state(&self, t0: f64, y0: &[f64], method: Method, options: &Options) -> Result<(f64, Vec<f64>)> {
        let system = self.system(&self.default_inputs())?;
        let mut dy = vec![0.0; self.dimension()];
        let norm = |t: f64, y: &[f64], dy: &mut [f64]| {
            system.rhs(t, y, dy);
            let n = y.len().max(1) as f64;
            let sum: f64 = y
                .iter()
                .zip(dy.iter())
                .enumerate()
                .map(|(i, (&y, &d))| (d / (options.atol.get(i) + options.rtol * y.abs())).powi(2))
                .sum();
            (sum / n).sqrt()
        };
        let (mut t, mut y) = (t0, y0.to_vec());
        let mut last = norm(t, &y, &mut dy);
        let mut span = 1.0;
        while span <= 1e12 {
            if last <= 1.0 {
                return Ok((t, y));
            }
            let solution = self.simulate_from(t, &y, &[t0 + span], method, options)?;
            t = t0 + span;
            y = solution.state(solution.t.len() - 1).to_vec();
            last = norm(t, &y, &mut dy);
            span *= 10.0;
        }
        if last <= 1.0 {
            return Ok((t, y));
        }
        Err(SaspError::InvalidOptions(format!(
            "model '{}' reaches no steady state by t = {t:e}: the rate of change is still {last:.3e} times the tolerances",
            self.name()
        )))
    }

    /// [`integrate`] with the model's own events: the same plan (outputs,
    /// stops with their handler, the plan's events, reported as
    /// [`integrate`] reports them), and the model's events fired where their
    /// triggers turn true (at `t0` too: see the [module docs](self)), the
    /// integration restarting after each. A model without events is
    /// integrated by [`integrate`] itself. Events that read an input are
    /// refused here (inputs change at stops, inside the integration).
    #[allow(clippy::too_many_arguments)]
    pub fn integrate<'s, M: Stepper>(
        &self,
        method: &mut M,
        system: &mut ModelSystem<'s>,
        t0: f64,
        y0: &[f64],
        t_end: f64,
        plan: &Plan<'_, '_>,
        on_stop: &mut StopHandler<'_, ModelSystem<'s>>,
    ) -> Result<Integration> {
        if self.events.is_empty() {
            return integrate(method, system, t0, y0, t_end, plan, on_stop);
        }
        if let Some(e) = self.events.iter().find(|e| e.reads_input) {
            return Err(SaspError::unsupported(
                "an event that reads an input in a run with stops",
                format!("event '{}' of model '{}'", e.name, self.name()),
            ));
        }
        let inputs = system.inputs().to_vec();
        let mut y = y0.to_vec();
        let mut t = t0;
        let mut armed: Vec<bool> = self.events.iter().map(|e| e.initial_value).collect();
        let mut firings = 0usize;
        self.fire_due(t, &mut y, &inputs, &mut armed, &mut firings)?;
        // The plan's events first (their indices as the caller gave them),
        // then the model's, terminal.
        let n_plan = plan.events.len();
        let mut events: Vec<Event<'_>> = plan
            .events
            .iter()
            .map(|e| Event { g: Box::new(|t, y| (e.g)(t, y)), direction: e.direction, terminal: e.terminal })
            .collect();
        events.extend(self.events.iter().map(|e| {
            let inputs = inputs.clone();
            Event::new(move |t, y| e.eval(t, y, &inputs).1, Direction::Rising, true)
        }));
        let mut out = Integration { solution: Solution::new(self.dimension()), events: Vec::new(), t, y: y.clone() };
        let (mut next_out, mut next_stop) = (0, 0);
        loop {
            let sub = Plan {
                outputs: &plan.outputs[next_out..],
                stops: &plan.stops[next_stop..],
                events: &events,
                progress: plan.progress,
            };
            let offset = next_stop;
            let run = integrate(method, system, t, &y, t_end, &sub, &mut |k, t, y, s| on_stop(k + offset, t, y, s))?;
            next_out += run.solution.t.len();
            out.solution.t.extend_from_slice(&run.solution.t);
            out.solution.y.extend_from_slice(&run.solution.y);
            out.solution.stats += run.solution.stats;
            out.solution.method = run.solution.method;
            let model_hit = run.events.iter().any(|h| h.event >= n_plan);
            out.events.extend(run.events.into_iter().filter(|h| h.event < n_plan));
            t = run.t;
            y.copy_from_slice(&run.y);
            if !model_hit {
                break;
            }
            // Stops before the event's instant were applied; one at it is
            // applied by the next call, before anything else happens there.
            next_stop += plan.stops[next_stop..].partition_point(|&s| s < t);
            self.fire_due(t, &mut y, system.inputs(), &mut armed, &mut firings)?;
            // An output at the event's instant reports the state after it.
            if out.solution.t.last() == Some(&t) && plan.stops[next_stop..].first() != Some(&t) {
                let k = out.solution.t.len() - 1;
                let n = self.dimension();
                out.solution.y[k * n..(k + 1) * n].copy_from_slice(&y);
            }
            if t >= t_end {
                while next_out < plan.outputs.len() && plan.outputs[next_out] <= t {
                    out.solution.push(plan.outputs[next_out], &y);
                    next_out += 1;
                }
                break;
            }
        }
        out.t = t;
        out.y = y;
        Ok(out)
    }

    /// Fires, at `(t, y)`, every event whose trigger is true and was false
    /// (`armed` holds the previous values), in declaration order and in
    /// cascade; updates `armed` to the triggers' values afterwards.
    fn fire_due(&self, t: f64, y: &mut [f64], inputs: &[f64], armed: &mut [bool], firings: &mut usize) -> Result<()> {
        for _ in 0..MAX_CASCADE {
            let mut fired = false;
            for (k, e) in self.events.iter().enumerate() {
                let (now, _) = e.eval(t, y, inputs);
                if now && !armed[k] {
                    e.fire(t, y, inputs);
                    armed[k] = true;
                    fired = true;
                    *firings += 1;
                    if *firings > MAX_FIRINGS {
                        return Err(SaspError::LimitExceeded {
                            what: "event firings",
                            requested: *firings as f64,
                            limit: MAX_FIRINGS,
                            hint: format!("event '{}' fires again and again near t = {t}", e.name),
                        });
                    }
                } else if !now {
                    armed[k] = false;
                }
            }
            if !fired {
                return Ok(());
            }
        }
        Err(SaspError::LimitExceeded {
            what: "rounds of simultaneous events",
            requested: MAX_CASCADE as f64 + 1.0,
            limit: MAX_CASCADE,
            hint: format!("events keep triggering each other at t = {t}"),
        })
    }
}
