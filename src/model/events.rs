//! A model's own events and assignments, and simulating a model with them.
//!
//! An event ([`EventDecl`](super::EventDecl)) triggers when its trigger
//! turns from false to true; after its delay (none: at once) it is
//! executed: its assignments, all computed with the values at the trigger
//! (or at the execution, if it does not use the values from the trigger
//! time), replace the states they target, and the integration restarts
//! cleanly from there. [`Model::simulate`] runs a model from its initial
//! state with its events, as SBML Level 3 Version 2 defines them:
//!
//! 1. at the initial time, every event whose trigger is true while its
//!    `initial_value` is false triggers;
//! 2. during the integration every *atom* of every trigger is watched: each
//!    relation `a > b` by the root of `a − b` (its sign forced to the
//!    relation's truth, so a root located on the far side of a crossing is
//!    a point where the relation has changed, even where `a − b` is exactly
//!    0), any other condition by a ±1 function; a trigger changes only where
//!    an atom does, so a trigger true in a window shorter than a step is
//!    still found;
//! 3. where an atom changes, triggers that turned true queue their events
//!    (due after the delay, evaluated then); a trigger that is not
//!    `persistent` and turned false cancels its event's pending executions;
//!    the integration also stops exactly at each pending execution time;
//! 4. at an instant, the events due execute one at a time: the highest
//!    priority first (evaluated at that instant; events without priority
//!    last), among equal priorities one at random (SBML leaves that order
//!    random; the choice is seeded, so runs are reproducible), else the
//!    first triggered; after each execution the triggers are checked again,
//!    so events trigger one another (at most [`MAX_CASCADE`] rounds per
//!    event and instant); an output at exactly that time reports the state
//!    after the events.

use super::build::expression_slots;
use super::eval::Modes;
use super::expression::{Expressions, Unit as ExprUnit};
use super::kinetics::eval_tape;
use super::resolve::Resolver;
use super::sensitivity::{Root, SwitchRates, Watch};
use super::Model;
use super::ModelSystem;
use crate::error::{ModelError, Result, SaspError};
use crate::expr::{truth, Expr, Op, Tape};
use crate::solve::driver::illinois;
use crate::solve::{
    integrate, Direction, Event, Integration, Method, OdeSystem, Options, Plan, Solution, Stepper, StopHandler,
};
use std::cell::Cell;

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
    /// The trigger, resolved: over compartments, inputs, time and the
    /// parameters, each named by [`parameter_name`](crate::expr::parameter_name).
    pub trigger: Expr,
    /// The trigger's value taken for the instant before the initial time.
    pub initial_value: bool,
    /// The assignments: state index and resolved value.
    pub assignments: Vec<(usize, Expr)>,
    /// Its delay, resolved.
    pub delay: Option<Expr>,
    /// Its priority, resolved.
    pub priority: Option<Expr>,
    /// Does a pending execution survive the trigger turning false?
    pub persistent: bool,
    /// Are the values computed when it triggers (or when it executes)?
    pub use_values_from_trigger_time: bool,
    /// Does the trigger, delay, priority or an assignment read an input?
    reads_input: bool,
    /// `[trigger, g₁, holds₁, g₂, holds₂, …]` over its atoms.
    tape: Tape,
    /// How many atoms the trigger has.
    n_atoms: usize,
    /// The values of the assignments.
    values: Tape,
    /// `[delay, priority, scale₁, scale₂, …]`, delay and priority 0 when
    /// absent, each scale 1.
    timing: Tape,
    /// Each atom's root function `g` where the atom is a relation (`None`
    /// for a condition of another kind, watched by a ±1 function).
    atom_functions: Vec<Option<Expr>>,
    /// Each assignment's scale (the target receives value × scale).
    scales: Vec<Expr>,
}

impl ModelEvent {
    /// Does the trigger, delay, priority or an assignment read an input?
    pub fn reads_input(&self) -> bool {
        self.reads_input
    }

    /// How many atoms (relations whose sign can change its value) the
    /// trigger has.
    pub(crate) fn atom_count(&self) -> usize {
        self.n_atoms
    }

    /// The event with the parameters' canonical values `values` in its
    /// compiled trigger, values, delay, priority and scales.
    pub(super) fn set_parameters(&mut self, values: &[f64]) {
        for tape in [&mut self.tape, &mut self.values, &mut self.timing] {
            tape.set_parameters(values);
        }
    }

    /// Atom `j`'s root function `g` (resolved), where the atom is a
    /// relation `a > b` (`g = a − b`) and the like; `None` for a condition
    /// of another kind (watched by a ±1 function, without a root to
    /// differentiate).
    pub(crate) fn atom_function(&self, j: usize) -> Option<&Expr> {
        self.atom_functions.get(j).and_then(Option::as_ref)
    }

    /// What the event's assignments write: `(state index, value × scale)`,
    /// resolved.
    pub(crate) fn assigned(&self) -> impl Iterator<Item = (usize, Expr)> + '_ {
        self.assignments
            .iter()
            .zip(&self.scales)
            .map(|((i, v), s)| (*i, Expr::binary(Op::Times, v.clone(), s.clone()).simplify()))
    }
}

impl std::fmt::Debug for ModelEvent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ModelEvent").field("name", &self.name).field("trigger", &self.trigger.to_string()).finish()
    }
}

/// The atoms of a trigger, each `(g, holds)`: a relation `a > b` or
/// `a ≥ b` gives `(a − b, relation)`, `a < b` or `a ≤ b` gives `(b − a,
/// relation)`; `and`, `or`, `xor` and `not` give their operands' atoms; any
/// other condition gives `(±1, condition)`. The trigger can change its
/// value only where an atom changes sign, so each atom is watched for roots
/// on its own: a trigger true only in a short window (`x > 4.5 && x < 5.1`)
/// is found even when one step jumps the whole window.
fn atoms(trigger: &Expr, out: &mut Vec<(Expr, Expr)>) {
    match trigger {
        Expr::Apply(op @ (Op::Gt | Op::Geq | Op::Lt | Op::Leq), args) if args.len() == 2 => {
            let (a, b) = if matches!(op, Op::Gt | Op::Geq) { (&args[0], &args[1]) } else { (&args[1], &args[0]) };
            out.push((Expr::binary(Op::Minus, a.clone(), b.clone()).simplify(), trigger.clone()));
        }
        Expr::Apply(Op::And | Op::Or | Op::Xor | Op::Not, args) if !args.is_empty() => {
            for a in args {
                atoms(a, out);
            }
        }
        _ => out.push((
            Expr::Piecewise {
                pieces: vec![(Expr::Num(1.0), trigger.clone())],
                otherwise: Some(Box::new(Expr::Num(-1.0))),
            },
            trigger.clone(),
        )),
    }
}

/// The root functions of every relation `a > b`, `a ≥ b`, `a < b`, `a ≤ b`
/// in `e` (each `a − b`, once), wherever it sits: a piecewise condition, a
/// logical operand. Where one changes sign, a right-hand side that reads it
/// changes its formula (a kink or a jump).
pub(crate) fn relations(e: &Expr, out: &mut Vec<Expr>) {
    e.visit(&mut |x| {
        if let Expr::Apply(Op::Gt | Op::Geq | Op::Lt | Op::Leq, args) = x {
            if args.len() == 2 {
                let g = Expr::binary(Op::Minus, args[0].clone(), args[1].clone()).simplify();
                if !matches!(g, Expr::Num(_)) && !out.contains(&g) {
                    out.push(g);
                }
            }
        }
    });
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
        let bind = |name: &str| slots.get(name);
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
            let mut scales = Vec::with_capacity(e.assignments.len());
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
                let (scale, scale_unit) = match &a.scale {
                    Some(text) => expressions.resolve(text, &format!("{item}, scale"))?,
                    None => (Expr::Num(1.0), ExprUnit::Free),
                };
                // The unit of value × scale; a target of undeclared unit (an
                // imported SBML quantity) takes any value.
                let unit = match (unit, scale_unit) {
                    _ if resolver.undeclared.contains(&a.target) => ExprUnit::Unknown,
                    (u, ExprUnit::Free) => u,
                    (ExprUnit::Free, u) => u,
                    (ExprUnit::Known(a), ExprUnit::Known(b)) => ExprUnit::Known(a * b),
                    _ => ExprUnit::Unknown,
                };
                scales.push(scale);
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
            let mut parts = Vec::new();
            atoms(&trigger, &mut parts);
            let n_atoms = parts.len();
            let atom_functions = parts
                .iter()
                .map(|(g, holds)| {
                    matches!(holds, Expr::Apply(Op::Gt | Op::Geq | Op::Lt | Op::Leq, a) if a.len() == 2)
                        .then(|| g.clone())
                })
                .collect();
            let mut roots = vec![trigger.clone()];
            roots.extend(parts.into_iter().flat_map(|(g, holds)| [g, holds]));
            let parameters = resolver.parameter_values;
            let tape = Tape::compile_with_parameters(&roots, bind, parameters)?;
            let values: Vec<Expr> = assignments.iter().map(|(_, v)| v.clone()).collect();
            let values = Tape::compile_with_parameters(&values, bind, parameters)?;
            let mut optional = |text: &Option<String>, what: &str| -> Result<Option<Expr>> {
                let Some(text) = text else { return Ok(None) };
                let item = format!("{context}, {what}");
                let (e, unit) = expressions.resolve(text, &item)?;
                if matches!(unit, ExprUnit::Unknown) {
                    unchecked.push(format!("{item}: its unit"));
                }
                Ok(Some(e))
            };
            let delay = optional(&e.delay, "delay")?;
            let priority = optional(&e.priority, "priority")?;
            let mut timing_roots =
                vec![delay.clone().unwrap_or(Expr::Num(0.0)), priority.clone().unwrap_or(Expr::Num(0.0))];
            timing_roots.extend(scales.iter().cloned());
            let timing = Tape::compile_with_parameters(&timing_roots, bind, parameters)?;
            let reads_input = std::iter::once(&trigger)
                .chain(assignments.iter().map(|(_, v)| v))
                .chain(delay.iter())
                .chain(priority.iter())
                .any(|x| resolver.inputs.keys().any(|u| x.depends_on(u)));
            out.push(ModelEvent {
                name: e.name.clone(),
                trigger,
                initial_value: e.initial_value,
                assignments,
                delay,
                priority,
                persistent: e.persistent,
                use_values_from_trigger_time: e.use_values_from_trigger_time,
                reads_input,
                tape,
                n_atoms,
                values,
                timing,
                atom_functions,
                scales,
            });
        }
        Ok(out)
    }

    /// The trigger's value at `(t, y)`.
    fn holds(&self, t: f64, y: &[f64], inputs: &[f64]) -> bool {
        eval_tape(&self.tape, t, y, inputs, |regs| truth(self.tape.root_in(regs, 0)))
    }

    /// Atom `j`'s root function at `(t, y)`, its sign made that of the
    /// atom's truth (positive exactly where it holds: a root located on
    /// the far side of a crossing is a point where the atom has changed,
    /// even where `a − b` is exactly 0 at `a > b`).
    pub(crate) fn atom(&self, j: usize, t: f64, y: &[f64], inputs: &[f64]) -> f64 {
        eval_tape(&self.tape, t, y, inputs, |regs| {
            let g = self.tape.root_in(regs, 1 + 2 * j);
            let holds = truth(self.tape.root_in(regs, 2 + 2 * j));
            let g = if g.is_nan() { -1.0 } else { g };
            if holds {
                g.max(f64::MIN_POSITIVE)
            } else {
                g.min(-f64::MIN_POSITIVE)
            }
        })
    }

    /// The assignments' values at `(t, y)`.
    fn values(&self, t: f64, y: &[f64], inputs: &[f64]) -> Vec<f64> {
        eval_tape(&self.values, t, y, inputs, |regs| {
            (0..self.assignments.len()).map(|k| self.values.root_in(regs, k)).collect()
        })
    }

    /// `(delay, priority)` at `(t, y)`; 0 where the event has none.
    fn timing(&self, t: f64, y: &[f64], inputs: &[f64]) -> (f64, f64) {
        eval_tape(&self.timing, t, y, inputs, |regs| (self.timing.root_in(regs, 0), self.timing.root_in(regs, 1)))
    }
}

/// One execution of an event, as [`Model::fire_due_settled`] reports it
/// before the assignments are made.
pub(crate) struct Execution<'a> {
    /// Index of the event.
    pub event: usize,
    /// The state the assignments change.
    pub before: &'a [f64],
    /// Were the values computed at the trigger from a state that another
    /// execution at the same instant has changed since?
    pub stale_values: bool,
}

/// An event that has triggered and waits to be executed.
#[derive(Clone, Debug)]
struct Pending {
    /// Index of the event.
    event: usize,
    /// When it is to be executed.
    time: f64,
    /// Its values, when computed at the trigger.
    values: Option<Vec<f64>>,
    /// Order of triggering.
    sequence: u64,
}

/// The events that have triggered and wait, and the triggers' last values:
/// the events' state over one run ([`Model::event_queue`]).
pub(crate) struct Queue {
    pending: Vec<Pending>,
    armed: Vec<bool>,
    sequence: u64,
    firings: usize,
    /// State of the random choice among events of equal priority
    /// (splitmix64, seeded the same for every run: runs are reproducible).
    random: u64,
}

impl Queue {
    /// A uniformly random index below `n` (> 0).
    fn random_below(&mut self, n: usize) -> usize {
        self.random = self.random.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.random;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        ((z >> 11) as f64 / (1u64 << 53) as f64 * n as f64) as usize % n
    }

    /// The earliest time an event is due, if any is pending.
    pub(crate) fn next_due(&self) -> Option<f64> {
        self.pending.iter().map(|p| p.time).min_by(f64::total_cmp)
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

    /// `∂/∂y` of assignment `name` at `(t, y)` with inputs `inputs`,
    /// written into `out` (one value per state): its expression
    /// differentiated symbolically by each state it reads.
    pub fn assignment_gradient(&self, name: &str, t: f64, y: &[f64], inputs: &[f64], out: &mut [f64]) -> Result<()> {
        let (_, e) = self.assignments.iter().find(|(n, _)| n == name).ok_or_else(|| {
            SaspError::from(ModelError::invalid(format!("model '{}'", self.name()), format!("no assignment '{name}'")))
        })?;
        let n = self.dimension();
        if y.len() != n || out.len() != n {
            return Err(SaspError::DimensionMismatch { what: "state", expected: n, found: y.len().min(out.len()) });
        }
        let lookup = |v: &str| self.lookup(v, y, inputs);
        out.fill(0.0);
        for v in e.symbols() {
            if let Some(&i) = self.compartment_index.get(&*v) {
                out[i] = e.diff(&v)?.eval(&lookup, t)?;
            }
        }
        Ok(())
    }

    /// The value of assignment `name` at `(t, y)` with inputs `inputs`. An
    /// assignment that reads a delay also needs the delayed values after
    /// the inputs ([`Model::with_inputs_at`] gives them).
    pub fn assignment(&self, name: &str, t: f64, y: &[f64], inputs: &[f64]) -> Result<f64> {
        let (_, e) = self.assignments.iter().find(|(n, _)| n == name).ok_or_else(|| {
            SaspError::from(ModelError::invalid(format!("model '{}'", self.name()), format!("no assignment '{name}'")))
        })?;
        let delayed = self.spec.inputs.len() + self.delays().len();
        if inputs.len() < delayed && e.symbols().iter().any(|v| crate::expr::delayed_index(v).is_some()) {
            return Err(SaspError::unsupported(
                format!("assignment '{name}', which reads a delay, without the delayed values"),
                format!("model '{}': evaluate it with Model::with_inputs_at and the run's history", self.name()),
            ));
        }
        let n = self.dimension();
        let lookup = |v: &str| self.lookup(v, y, inputs);
        if y.len() != n {
            return Err(SaspError::DimensionMismatch { what: "state", expected: n, found: y.len() });
        }
        Ok(e.eval(&lookup, t)?)
    }

    /// The value of a name in a resolved expression at state `y` and
    /// inputs `inputs`: a compartment, an input or a parameter
    /// ([`parameter_name`](crate::expr::parameter_name)).
    pub(super) fn lookup(&self, name: &str, y: &[f64], inputs: &[f64]) -> Option<f64> {
        if let Some(&i) = self.compartment_index.get(name) {
            return y.get(i).copied();
        }
        if let Some(&k) = self.input_index.get(name) {
            return inputs.get(k).copied();
        }
        if let Some(k) = crate::expr::delayed_index(name) {
            return inputs.get(self.spec.inputs.len() + k).copied();
        }
        crate::expr::parameter_index(name).and_then(|k| self.parameter_values.get(k).copied())
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
        self.check_initial_state(y0)?;
        let t_end = checked_outputs(t0, outputs)?;
        let mut system = self.system(&self.default_inputs())?;
        let mut stepper = method.stepper(&system, options.clone())?;
        let plan = Plan::outputs(outputs);
        let mut run = self.integrate(&mut stepper, &mut system, t0, y0, t_end, &plan, &mut |_, _, _, _| Ok(()))?;
        // What values that read delays at the output times need.
        run.solution.history = system.history_handle().map(|h| std::sync::Arc::new(h.borrow().clone()));
        Ok(run.solution)
    }

    /// Refuses an initial state `y0` whose length is not the model's dimension.
    pub(crate) fn check_initial_state(&self, y0: &[f64]) -> Result<()> {
        if y0.len() != self.dimension() {
            return Err(SaspError::DimensionMismatch {
                what: "initial state",
                expected: self.dimension(),
                found: y0.len(),
            });
        }
        Ok(())
    }

    /// Integrates from `y0` at `t0` (events included) until the state is
    /// steady: `‖ẏ‖` in the weighted root-mean-square norm of the
    /// tolerances, `sqrt(mean((ẏᵢ / (atol + rtol·|yᵢ|))²))`, at most 1 —
    /// checked at `t0 + 1, 10, 100, …` — and returns that time and state.
    /// Fails, with the last norm, when no steady state is reached by
    /// `t0 + 1e12` (an oscillating or growing system).
    /// A model with delays is refused: each leg would restart its history.
    pub fn steady_state(&self, t0: f64, y0: &[f64], method: Method, options: &Options) -> Result<(f64, Vec<f64>)> {
        if !self.delays().is_empty() {
            return Err(SaspError::unsupported(
                "a steady state of a model with delays",
                format!("model '{}'", self.name()),
            ));
        }
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
    /// integration restarting after each. Events that read an input are
    /// refused here (inputs change at stops, inside the integration).
    ///
    /// Rates whose formula switches where a relation changes (a
    /// `piecewise` on `time` or on a state) are integrated with the
    /// relations *locked*, as AMICI integrates Heaviside functions: each
    /// relation is held at its value (1 or 0) while the run watches its
    /// switching function, which stops the run at its root; the relation
    /// flips and the run restarts there. Every step then integrates one
    /// smooth formula: no step is rejected for straddling a kink or a jump,
    /// and the switch is where the model puts it, not wherever a step
    /// happened to end. (A model with delays or constraints, a switch that
    /// reads an input the stops may change, or one that chatters — more
    /// than [`MAX_CHATTER`] switches in a row that leave time where it was —
    /// is integrated with the relations as they are.) A model with neither
    /// events nor such rates is integrated by [`integrate`] itself.
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
        let lockable = self.lockable_switches(system, plan);
        if self.events.is_empty() && !lockable {
            return integrate(method, system, t0, y0, t_end, plan, on_stop);
        }
        if let Some(e) = self.events.iter().find(|e| e.reads_input) {
            return Err(SaspError::unsupported(
                "an event that reads an input in a run with stops",
                format!("event '{}' of model '{}'", e.name, self.name()),
            ));
        }
        let inputs = system.inputs().to_vec();
        let history = system.history_handle();
        let mut y = y0.to_vec();
        let t = t0;
        let mut queue = self.event_queue();
        // A model with constraints: consistent values before the triggers
        // are first read, and again after each event's assignments.
        method.make_consistent(&*system, t, &mut y)?;
        // A model with delays: the triggers at `t0` read the initial history.
        if let Some(h) = &history {
            h.borrow_mut().begin(t, &y);
        }
        let settled: &ModelSystem<'s> = system;
        self.fire_due_settled(
            t,
            &mut y,
            &inputs,
            settled.history(),
            &mut queue,
            &mut |t, y| method.make_consistent(settled, t, y),
            &mut |_| Ok(()),
        )?;
        // Locked relations: the sides of the switching functions now, and
        // the modes that follow from them (the system integrates the locked
        // rates until it is unlocked, before this returns).
        let mut locking = if lockable { Locking::start(self, system, t, &y, &inputs) } else { None };
        let run = self.integrate_from(method, system, &mut locking, &inputs, &mut queue, (t, y), t_end, plan, on_stop);
        if let Some(l) = &locking {
            system.unlock(&l.modes);
        }
        run
    }

    /// The loop of [`Model::integrate`] from `(t, y)` (the events due
    /// there fired), with the relations locked by `locking` if it is some.
    #[allow(clippy::too_many_arguments)]
    fn integrate_from<'s, M: Stepper>(
        &self,
        method: &mut M,
        system: &mut ModelSystem<'s>,
        locking: &mut Option<Locking>,
        inputs: &[f64],
        queue: &mut Queue,
        (mut t, mut y): (f64, Vec<f64>),
        t_end: f64,
        plan: &Plan<'_, '_>,
        on_stop: &mut StopHandler<'_, ModelSystem<'s>>,
    ) -> Result<Integration> {
        let history = system.history_handle();
        // The scale of time in this run, for how far a switch moved it.
        let span = (t_end - t).abs().max(t.abs());
        // Which side each locked relation's switching function is on: one
        // at exactly 0 (where a run restarts after its root) counts as on
        // that side, so that leaving 0 either way is a crossing.
        let sides: Vec<Cell<bool>> =
            locking.as_ref().map_or_else(Vec::new, |l| l.watch.switches.iter().map(|&s| Cell::new(s)).collect());
        // The plan's events first (their indices as the caller gave them),
        // then the model's, terminal, then the switching functions of the
        // locked relations, terminal.
        let n_plan = plan.events.len();
        let mut events: Vec<Event<'_>> = plan
            .events
            .iter()
            .map(|e| Event { g: Box::new(|t, y| (e.g)(t, y)), direction: e.direction, terminal: e.terminal })
            .collect();
        // Every atom of every trigger, either way: a trigger turns true
        // (and, if it is not persistent, false, cancelling its pending
        // executions) only where one of them changes sign.
        for e in &self.events {
            for j in 0..e.n_atoms {
                let inputs = inputs.to_vec();
                let history = history.clone();
                events.push(Event::new(
                    move |t, y| match &history {
                        None => e.atom(j, t, y, &inputs),
                        Some(h) => self.with_delayed_inputs(t, y, &inputs, &h.borrow(), |all| e.atom(j, t, y, all)),
                    },
                    Direction::Either,
                    true,
                ));
            }
        }
        let n_model = events.len();
        if locking.is_some() {
            let block = self.kinetics.expressions.as_deref();
            for (i, side) in sides.iter().enumerate() {
                events.push(Event::new(
                    move |t, y| match block.map_or(f64::NAN, |b| b.switch_value(i, t, y, inputs)) {
                        0.0 if side.get() => f64::MIN_POSITIVE,
                        0.0 => -f64::MIN_POSITIVE,
                        g => g,
                    },
                    Direction::Either,
                    true,
                ));
            }
        }
        let mut out = Integration { solution: Solution::new(self.dimension()), events: Vec::new(), t, y: y.clone() };
        let (mut next_out, mut next_stop) = (0, 0);
        loop {
            // Unlocked (chattering, a relation at rest): no switch to watch.
            if locking.is_none() {
                events.truncate(n_model);
            }
            // Up to the next pending execution, if one falls before the end;
            // a stop at that instant is applied by the next call, as one at
            // a located trigger.
            let until = queue.next_due().map_or(t_end, |d| d.min(t_end));
            let outputs = &plan.outputs[next_out..];
            let stops = &plan.stops[next_stop..];
            let sub = Plan {
                outputs: &outputs[..outputs.partition_point(|&o| o <= until)],
                stops: if until < t_end { &stops[..stops.partition_point(|&s| s < until)] } else { stops },
                events: &events,
                progress: plan.progress,
            };
            let offset = next_stop;
            let run = {
                // A stop may change the state: the locked relations follow.
                let locked = &mut *locking;
                integrate(method, system, t, &y, until, &sub, &mut |k, t, y, s| {
                    on_stop(k + offset, t, y, s)?;
                    Locking::update(locked, self, s, t, y, None, &sides)
                })?
            };
            next_out += run.solution.t.len();
            out.solution.t.extend_from_slice(&run.solution.t);
            out.solution.y.extend_from_slice(&run.solution.y);
            out.solution.stats += run.solution.stats;
            out.solution.method = run.solution.method;
            let plan_terminal = run.events.iter().any(|h| h.event < n_plan && plan.events[h.event].terminal);
            let switched: Vec<usize> =
                run.events.iter().filter(|h| h.event >= n_model).map(|h| h.event - n_model).collect();
            let any_root = !run.events.is_empty();
            out.events.extend(run.events.into_iter().filter(|h| h.event < n_plan));
            let advanced = run.t - t > STALL * span;
            t = run.t;
            y.copy_from_slice(&run.y);
            // Any root (a switch, an event's atom) may be where other
            // switching functions crossed unreported: their relations flip.
            if any_root {
                Locking::update(locking, self, system, t, &y, Some((&switched, advanced)), &sides)?;
            }
            if plan_terminal {
                // A terminal event of the caller's ends the run there.
                while next_out < plan.outputs.len() && plan.outputs[next_out] <= t {
                    out.solution.push(plan.outputs[next_out], &y);
                    next_out += 1;
                }
                break;
            }
            let due = queue.next_due().is_some_and(|d| d <= t);
            if !any_root && !due && t >= t_end {
                break;
            }
            // Stops before the event's instant were applied; one at it is
            // applied by the next call, before anything else happens there.
            next_stop += plan.stops[next_stop..].partition_point(|&s| s < t);
            let settled: &ModelSystem<'s> = system;
            let fired = self.fire_due_settled(
                t,
                &mut y,
                settled.inputs(),
                settled.history(),
                queue,
                &mut |t, y| method.make_consistent(settled, t, y),
                &mut |_| Ok(()),
            )?;
            if fired > 0 {
                Locking::update(locking, self, system, t, &y, None, &sides)?;
            }
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

    /// Does [`Model::integrate`] lock the rates' relations in a run of
    /// `system` through `plan` (see there)?
    fn lockable_switches(&self, system: &ModelSystem<'_>, plan: &Plan<'_, '_>) -> bool {
        let Some(block) = self.kinetics.expressions.as_deref() else { return false };
        let reads_input =
            || self.switching_functions().iter().any(|g| self.spec.inputs.iter().any(|u| g.depends_on(&u.name)));
        block.locked.is_some()
            && block.unlocked.is_none()
            && system.history_handle().is_none()
            && self.algebraic_components().is_empty()
            && (plan.stops.is_empty() || !reads_input())
    }

    /// The events' state at the start of a run: nothing pending, each
    /// trigger taken to have had its `initial_value` just before.
    pub(crate) fn event_queue(&self) -> Queue {
        Queue {
            pending: Vec::new(),
            armed: self.events.iter().map(|e| e.initial_value).collect(),
            sequence: 0,
            firings: 0,
            random: 0x5EED,
        }
    }

    /// The first time in `(a, b]` at which a trigger can change its value
    /// while the state stays `y` (between the jumps of a stochastic
    /// simulation, where only time moves): the earliest root of an atom of
    /// a trigger ([`ModelEvent`]'s atoms) whose sign differs at `a` and
    /// `b`, located by the Illinois method on the side where it has
    /// changed. An atom that changes sign an even number of times within
    /// `(a, b]` is not seen (as within one step of an ODE solver).
    pub(crate) fn first_trigger_change(&self, a: f64, b: f64, y: &[f64], inputs: &[f64]) -> Option<f64> {
        let mut first: Option<f64> = None;
        for e in &self.events {
            for j in 0..e.n_atoms {
                let (ga, gb) = (e.atom(j, a, y, inputs), e.atom(j, b, y, inputs));
                if (ga > 0.0) != (gb > 0.0) {
                    let root = illinois(|c| e.atom(j, c, y, inputs), a, b, ga, gb);
                    first = Some(first.map_or(root, |f: f64| f.min(root)));
                }
            }
        }
        first
    }

    /// The events at instant `(t, y)`: every trigger that turned true
    /// (false before, as `queue.armed` remembers) queues its event, due
    /// after its delay, with its values if they are taken at the trigger;
    /// a trigger that is not persistent and turned false cancels its
    /// event's pending executions. Then the events due now execute one at a
    /// time, the highest priority first (see [`EventDecl`](super::EventDecl)),
    /// the triggers checked again after each.
    /// Returns how many executions there were.
    pub(crate) fn fire_due(&self, t: f64, y: &mut [f64], inputs: &[f64], queue: &mut Queue) -> Result<usize> {
        self.fire_due_settled(t, y, inputs, None, queue, &mut |_, _| Ok(()), &mut |_| Ok(()))
    }

    /// [`Model::fire_due`], calling `settle` on the state after each
    /// execution (before the triggers are read again): how a model with
    /// constraints makes its algebraic components consistent in between;
    /// and `observe` before each execution, with the state it changes (how
    /// sensitivities follow the jumps). A model with delays reads them from
    /// `history` (its run's).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn fire_due_settled(
        &self,
        t: f64,
        y: &mut [f64],
        inputs: &[f64],
        history: Option<&std::cell::RefCell<crate::solve::History>>,
        queue: &mut Queue,
        settle: &mut dyn FnMut(f64, &mut [f64]) -> Result<()>,
        observe: &mut dyn FnMut(&Execution<'_>) -> Result<()>,
    ) -> Result<usize> {
        let before = queue.firings;
        // The triggering order when this call last executed an event.
        let mut last_execution: Option<u64> = None;
        let declared = inputs;
        for _ in 0..MAX_CASCADE * self.events.len().max(1) {
            // The inputs with the delayed values at this state (an
            // execution may change a state a lag depends on).
            let all: std::borrow::Cow<'_, [f64]> = match history {
                Some(h) if !self.delays().is_empty() => {
                    std::borrow::Cow::Owned(self.with_delayed_inputs(t, y, declared, &h.borrow(), <[f64]>::to_vec))
                }
                _ => std::borrow::Cow::Borrowed(declared),
            };
            let inputs: &[f64] = &all;
            for (k, e) in self.events.iter().enumerate() {
                let now = e.holds(t, y, inputs);
                if now && !queue.armed[k] {
                    queue.armed[k] = true;
                    let (delay, _) = e.timing(t, y, inputs);
                    if !(delay >= 0.0 && delay.is_finite()) {
                        return Err(SaspError::InvalidOptions(format!(
                            "event '{}' triggered at t = {t} with delay {delay}: a delay must be finite and non-negative",
                            e.name
                        )));
                    }
                    let values = e.use_values_from_trigger_time.then(|| e.values(t, y, inputs));
                    queue.sequence += 1;
                    queue.pending.push(Pending { event: k, time: t + delay, values, sequence: queue.sequence });
                } else if !now {
                    queue.armed[k] = false;
                    if !e.persistent {
                        queue.pending.retain(|p| p.event != k);
                    }
                }
            }
            // The events due now with the highest priority; among several
            // with the same defined priority, one at random (SBML leaves
            // their order random), else the first triggered.
            let mut best: Vec<usize> = Vec::new();
            let mut top = f64::NEG_INFINITY;
            for (j, p) in queue.pending.iter().enumerate() {
                if p.time > t {
                    continue;
                }
                let e = &self.events[p.event];
                let priority = if e.priority.is_some() { e.timing(t, y, inputs).1 } else { f64::NEG_INFINITY };
                let priority = if priority.is_nan() { f64::NEG_INFINITY } else { priority };
                if best.is_empty() || priority > top {
                    best.clear();
                    top = priority;
                }
                if priority == top {
                    best.push(j);
                }
            }
            let j = match best.len() {
                0 => return Ok(queue.firings - before),
                n if n > 1 && top > f64::NEG_INFINITY => best[queue.random_below(n)],
                _ => *best
                    .iter()
                    .min_by_key(|&&j| (queue.pending[j].sequence, queue.pending[j].event))
                    .unwrap_or(&best[0]),
            };
            let p = queue.pending.remove(j);
            let e = &self.events[p.event];
            observe(&Execution {
                event: p.event,
                before: y,
                stale_values: p.values.is_some() && last_execution.is_some_and(|s| s >= p.sequence),
            })?;
            last_execution = Some(queue.sequence);
            let values = match p.values {
                Some(v) => v,
                None => e.values(t, y, inputs),
            };
            let scales: Vec<f64> = eval_tape(&e.timing, t, y, inputs, |regs| {
                (0..e.assignments.len()).map(|k| e.timing.root_in(regs, 2 + k)).collect()
            });
            for ((&(i, _), v), s) in e.assignments.iter().zip(values).zip(scales) {
                y[i] = v * s;
            }
            settle(t, y)?;
            queue.firings += 1;
            if queue.firings > MAX_FIRINGS {
                return Err(SaspError::LimitExceeded {
                    what: "event firings",
                    requested: queue.firings as f64,
                    limit: MAX_FIRINGS,
                    hint: format!("event '{}' fires again and again near t = {t}", e.name),
                });
            }
        }
        Err(SaspError::LimitExceeded {
            what: "rounds of simultaneous events",
            requested: (MAX_CASCADE * self.events.len().max(1)) as f64 + 1.0,
            limit: MAX_CASCADE * self.events.len().max(1),
            hint: format!("events keep triggering each other at t = {t}"),
        })
    }
}

/// The last of `outputs`, after checking that there is one and that they
/// are finite, increasing and not before `t0` (a run's output times).
pub(crate) fn checked_outputs(t0: f64, outputs: &[f64]) -> Result<f64> {
    let Some(&t_end) = outputs.last() else {
        return Err(SaspError::InvalidOptions("simulate needs at least one output time".into()));
    };
    let ordered = outputs[0] >= t0 && outputs.windows(2).all(|w| w[1] >= w[0]);
    if !ordered || !t_end.is_finite() {
        return Err(SaspError::InvalidOptions(format!(
            "output times must be finite, increasing and not before the initial time {t0}"
        )));
    }
    Ok(t_end)
}

/// Most switches of locked relations in a row that each leave time where
/// it was (less than 1e-9 of the run's time scale): a relation that
/// chatters at its switch (a sliding mode, where each formula drives the
/// state back across the switch). The run then goes on with the relations
/// as they are.
pub const MAX_CHATTER: usize = 100;

/// How far, as a share of a run's time scale (`max(|t_end − t0|, |t0|)`),
/// a run must get past a switch for it not to count as chattering.
const STALL: f64 = 1e-9;

/// A run's locked relations ([`Model::integrate`]): which side of zero each
/// switching function is on, and the modes that follow.
struct Locking {
    rates: SwitchRates,
    watch: Watch,
    modes: Modes,
    /// Switches in a row that did not get past [`STALL`].
    stalled: usize,
}

impl Locking {
    /// Locks `system`'s relations from the sides at `(t, y)`; `None` (the
    /// system as it was) where they cannot be locked.
    fn start(model: &Model, system: &mut ModelSystem<'_>, t: f64, y: &[f64], inputs: &[f64]) -> Option<Locking> {
        let rates = SwitchRates::new(model).ok()?;
        let watch = Watch::new(model, &rates, system, t, y, inputs).ok().filter(|w| !w.at_rest())?;
        let modes = system.lock(&watch.switches, &watch.rest)?;
        Some(Locking { rates, watch, modes, stalled: 0 })
    }

    /// Every side read again at `(t, y)`, the relations and `sides`
    /// following: at a stop at roots (`switches`: the switching functions
    /// among them, maybe none, and whether the run got past [`STALL`]
    /// since the last stop), each switching function that crossed at that
    /// instant flips; without (after the state jumped: an event, a stop),
    /// each side is read afresh. Where the run must go on unlocked — the
    /// relations chatter ([`MAX_CHATTER`] switches in a row that did not
    /// advance time) or a switching function rests at exactly 0 (see
    /// [`Watch::at_rest`]) — `system` is unlocked and `locking`
    /// emptied.
    fn update(
        locking: &mut Option<Locking>,
        model: &Model,
        system: &mut ModelSystem<'_>,
        t: f64,
        y: &[f64],
        switches: Option<(&[usize], bool)>,
        sides: &[Cell<bool>],
    ) -> Result<()> {
        let Some(l) = locking.as_mut() else { return Ok(()) };
        let mut hits: Option<Vec<Root>> = switches.map(|(s, _)| s.iter().map(|&i| Root::Switch(i)).collect());
        let inputs = &system.inputs()[..l.modes.first()];
        l.watch.update(model, &l.rates, system, t, y, inputs, hits.as_mut())?;
        l.follow(system, sides);
        if let Some((_, advanced)) = switches.filter(|(s, _)| !s.is_empty()) {
            l.stalled = if advanced { 0 } else { l.stalled + 1 };
        }
        if l.stalled > MAX_CHATTER || l.watch.at_rest() {
            system.unlock(&l.modes);
            *locking = None;
        }
        Ok(())
    }

    /// The relations and `sides` set from the watched sides.
    fn follow(&self, system: &mut ModelSystem<'_>, sides: &[Cell<bool>]) {
        self.modes.set(system, &self.watch.switches, &self.watch.rest);
        for (cell, &side) in sides.iter().zip(&self.watch.switches) {
            cell.set(side);
        }
    }
}
