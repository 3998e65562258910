//! Delays: `delay(x, τ)` in a model's expressions, the value `x` had at
//! `time − τ`.
//!
//! A model with delays is a delay differential equation
//! `y'(t) = f(t, y(t), x₁(t − τ₁, y(t − τ₁)), …)`. Each distinct
//! `delay(x, τ)` of its expressions (rates, assignments, event triggers,
//! values, delays and priorities, constraints) takes a slot: a variable
//! ([`delayed_name`](crate::expr::delayed_name)) after the inputs that the
//! compiled expressions read like an input. Before every evaluation the
//! model fills the slots from the history of the solution
//! ([`History`]): for slot `k`,
//!
//! 1. the lag `τ_k` at `(t, y(t))` (a lag may itself read delays of earlier
//!    slots, and may depend on the state and time);
//! 2. the state at `s = t − τ_k` from the history (the initial state before
//!    the initial time: a constant initial history);
//! 3. `x_k` evaluated at time `s` with that state, so that an expression of
//!    `time` delays as the expression does (`delay(sin(time), 1)` is
//!    `sin(time − 1)`, before the initial time too).
//!
//! A delay of a delay (`delay(delay(y, τ₂) + y, τ₁)`) gives the inner delay a
//! slot of its own, computed for the outer one at the past time: at `s` its
//! lag `τ₂(s, y(s))`, then `y` at `s − τ₂` (so `y(t − τ₁ − τ₂)` for constant
//! lags). The history then also records the states the inner lags read.
//!
//! A negative or NaN lag gives NaN (the solver then stops with its
//! diagnostics); a lag of 0 is the present value. The Jacobian holds the
//! delayed values fixed: exact for constant lags with steps shorter than the
//! lags (which the solver keeps), an approximation for lags that depend on
//! the state.
//!
//! Forward sensitivities, stochastic and spatial simulation refuse models
//! with delays ([`Model::require_ode`]).

use super::build::Slots;
use super::kinetics::with_buffer;
use super::resolve::Resolver;
use super::Model;
use crate::error::{Result, SaspError};
use crate::expr::{Expr, Tape};
use crate::solve::History;

/// Most total lags (sums along delays of delays) one slot contributes to
/// the breakpoints.
const MAX_TOTAL_LAGS: usize = 16;

/// One distinct `delay(x, τ)` of a model, compiled.
#[derive(Clone, Debug)]
pub struct DelaySlot {
    /// `x`, resolved: over compartments, parameters and time.
    pub value: Expr,
    /// `τ`, resolved: over compartments, inputs, time and earlier slots.
    pub lag: Expr,
    /// `x` over `[y | u | d]` (`d`: the slots of a delay inside `x`).
    value_tape: Tape,
    /// `τ` over `[y | u | d]`.
    lag_tape: Tape,
    /// `τ` when it is a number.
    constant: Option<f64>,
    /// The earlier slots to compute at the past time `t − τ` before `x`
    /// there: those `x` reads, and those their lags read, increasing.
    inner: Vec<usize>,
}

/// A model's delays (empty for an ordinary differential equation).
#[derive(Clone, Debug, Default)]
pub(crate) struct Delays {
    slots: Vec<DelaySlot>,
    /// The state components the delayed expressions read (what the
    /// history records), increasing.
    components: Vec<usize>,
    /// The positive constant lags.
    lags: Vec<f64>,
}

impl Delays {
    /// Compiles the delays the resolver collected while the model's
    /// expressions were resolved; marks the parameters they read opaque (a
    /// change rebuilds the model).
    pub(super) fn compile(resolver: &Resolver, slots: &Slots) -> Result<Delays> {
        let found = resolver.delays.borrow();
        let bind = |name: &str| slots.get(name);
        let mut out = Delays::default();
        // Each slot's total constant lags back to the state: its own, plus
        // those of the delays inside its `x` (a delay of a delay reaches
        // `τ₁ + τ₂` back, where the solution's derivatives jump too).
        let mut totals: Vec<Vec<f64>> = Vec::with_capacity(found.len());
        let n = resolver.spec.compartments.len();
        let mut opaque = resolver.opaque.borrow_mut();
        for (value, lag) in found.iter() {
            let value_tape =
                Tape::compile_with_parameters(std::slice::from_ref(value), bind, resolver.parameter_values)?;
            let lag_tape = Tape::compile_with_parameters(std::slice::from_ref(lag), bind, resolver.parameter_values)?;
            for e in [value, lag] {
                e.visit(&mut |node| {
                    if let Expr::Var(v) = node {
                        if let Some(k) = crate::expr::parameter_index(v) {
                            opaque[k] = true;
                        }
                    }
                });
            }
            for name in value.symbols() {
                if let Some(i) = slots.get(&name).filter(|&i| i < n) {
                    out.components.push(i);
                }
            }
            // The slots `x` reads and (transitively, through their lags)
            // those the lags of those read: all earlier slots.
            let reads =
                |e: &Expr| -> Vec<usize> { e.symbols().iter().filter_map(|v| crate::expr::delayed_index(v)).collect() };
            let mut inner = reads(value);
            let mut k = 0;
            while k < inner.len() {
                let j = inner[k];
                let inner_slot: &DelaySlot = &out.slots[j];
                for i in reads(&inner_slot.lag) {
                    if !inner.contains(&i) {
                        inner.push(i);
                    }
                }
                // The inner lag is evaluated at the past time: its states
                // must be recorded.
                for name in inner_slot.lag.symbols() {
                    if let Some(i) = slots.get(&name).filter(|&i| i < n) {
                        out.components.push(i);
                    }
                }
                k += 1;
            }
            inner.sort_unstable();
            let constant = lag
                .substitute(&|v| crate::expr::parameter_index(v).map(|k| Expr::Num(resolver.parameter_values[k])))
                .simplify()
                .as_number();
            let mut own = Vec::new();
            if let Some(c) = constant.filter(|&c| c > 0.0 && c.is_finite()) {
                own.push(c);
                for j in reads(value) {
                    own.extend(totals[j].iter().map(|t| c + t));
                }
                own.truncate(MAX_TOTAL_LAGS);
                for &t in &own {
                    if !out.lags.contains(&t) {
                        out.lags.push(t);
                    }
                }
            }
            totals.push(own);
            out.slots.push(DelaySlot { value: value.clone(), lag: lag.clone(), value_tape, lag_tape, constant, inner });
        }
        out.components.sort_unstable();
        out.components.dedup();
        Ok(out)
    }

    /// The number of slots.
    pub(crate) fn len(&self) -> usize {
        self.slots.len()
    }

    /// No delays: an ordinary differential equation.
    pub(crate) fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// An empty history of a run from `(t0, y0)` for these delays.
    pub(crate) fn history(&self, t0: f64, y0: &[f64]) -> History {
        History::new(t0, y0, self.components.clone(), self.lags.clone())
    }

    /// Writes the delayed value of every slot at `(t, y)` with inputs
    /// `inputs` into `out` (see the [module documentation](self)).
    pub(crate) fn fill(&self, t: f64, y: &[f64], inputs: &[f64], history: &History, out: &mut [f64]) {
        let (n, m) = (y.len(), inputs.len());
        with_buffer(n + m + self.slots.len(), |vars| {
            vars[..n].copy_from_slice(y);
            vars[n..n + m].copy_from_slice(inputs);
            // One past-state buffer for every slot: each overwrites the
            // recorded components, the only ones a delayed expression reads.
            with_buffer(vars.len(), |past| {
                past[..n + m].copy_from_slice(&vars[..n + m]);
                for k in 0..self.slots.len() {
                    let value = self.value_at(k, t, vars, past, (n, m), history, true);
                    vars[n + m + k] = value;
                    out[k] = value;
                }
            })
        })
    }

    /// The delayed value of slot `k` at time `t`, where `vars` holds
    /// `[y(t) | u | d(t)]` (`(n, m)` states and inputs) with the earlier
    /// slots its lag reads filled in, and `past` is a scratch buffer with
    /// the inputs `u` in place; `note` tells the history the lag (the top
    /// level only: an inner lag reaches further back).
    #[allow(clippy::too_many_arguments)]
    fn value_at(
        &self,
        k: usize,
        t: f64,
        vars: &[f64],
        past: &mut [f64],
        (n, m): (usize, usize),
        history: &History,
        note: bool,
    ) -> f64 {
        let eval = |tape: &Tape, vars: &[f64], t: f64| {
            with_buffer(tape.register_count(), |regs| {
                tape.eval_in(vars, t, regs);
                tape.root_in(regs, 0)
            })
        };
        let slot = &self.slots[k];
        let lag = slot.constant.unwrap_or_else(|| eval(&slot.lag_tape, vars, t));
        if note {
            history.note_lag(lag);
        }
        // A lag of 0 is the present value; a negative or NaN one, NaN.
        let s = if lag == 0.0 {
            t
        } else if lag > 0.0 {
            t - lag
        } else {
            return f64::NAN;
        };
        if slot.inner.is_empty() {
            if s == t {
                return eval(&slot.value_tape, vars, t);
            }
            history.state_at(s, &mut past[..n]);
            return eval(&slot.value_tape, past, s);
        }
        // A delay of a delay: the state and the inner delays at `s` in a
        // buffer of this level (the inner ones take `past` as their scratch).
        with_buffer(vars.len(), |here| {
            here[..n + m].copy_from_slice(&vars[..n + m]);
            if s != t {
                history.state_at(s, &mut here[..n]);
            }
            for &j in &slot.inner {
                let value = self.value_at(j, s, here, past, (n, m), history, false);
                here[n + m + j] = value;
            }
            eval(&slot.value_tape, here, s)
        })
    }
}

impl Model {
    /// The distinct `delay(x, τ)` of the model's expressions, in slot order
    /// (empty for an ordinary differential equation).
    pub fn delays(&self) -> &[DelaySlot] {
        &self.delays.slots
    }

    /// Runs `f` with the values the model's compiled expressions read as
    /// inputs at `(t, y)`: `inputs`, then (for a model with delays) the
    /// delayed value of each slot from `history` (see the [module
    /// documentation](self)). A model with delays needs the history: without
    /// one it is [`SaspError::Unsupported`].
    pub fn with_inputs_at<R>(
        &self,
        t: f64,
        y: &[f64],
        inputs: &[f64],
        history: Option<&History>,
        f: impl FnOnce(&[f64]) -> R,
    ) -> Result<R> {
        if self.delays.is_empty() {
            return Ok(f(inputs));
        }
        let Some(history) = history else {
            return Err(SaspError::unsupported(
                "evaluating delays without the history of the run",
                format!("model '{}'", self.name()),
            ));
        };
        self.check_len("state", y.len())?;
        Ok(self.with_delayed_inputs(t, y, inputs, history, f))
    }

    /// [`Model::with_inputs_at`] for a model with delays, sizes unchecked.
    pub(crate) fn with_delayed_inputs<R>(
        &self,
        t: f64,
        y: &[f64],
        inputs: &[f64],
        history: &History,
        f: impl FnOnce(&[f64]) -> R,
    ) -> R {
        let m = inputs.len();
        with_buffer(m + self.delays.len(), |all| {
            all[..m].copy_from_slice(inputs);
            self.delays.fill(t, y, inputs, history, &mut all[m..]);
            f(all)
        })
    }
}
