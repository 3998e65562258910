//! Adjoint sensitivities of a model (see [`crate::solve::adjoint`] for the
//! equations and the method).
//!
//! A run forward records the solution ([`Model::adjoint_run`]); the caller
//! evaluates its objective at the output times and hands the objective's
//! gradients in the states back ([`AdjointRun::adjoint`]), which solves
//! the adjoint backward and returns `∂G/∂y₀`. Declare a parameter as a state
//! with zero rate (as for forward sensitivities) and its component of
//! `∂G/∂y₀` is `∂G/∂p`.
//!
//! # Through events and switching rates
//!
//! The forward run stops where [forward sensitivities](super::sensitivity)
//! stop — at each root of a trigger atom or of a switching function of the
//! rates, and where events fire at fixed times — with the rates' relations
//! locked between stops, and records each stretch between stops on its own
//! (all within one run's budget of
//! [`MAX_HISTORY_VALUES`]; a
//! stretch past it is integrated again for its adjoint).
//! At a stop the forward sensitivities jump linearly, `s⁺ = A s⁻`:
//!
//! ```text
//! A = H + (H f⁻ + ∂h/∂t − f⁺) uᵀ,   u = −∇g / (∇g · f⁻ + ∂g/∂t)
//! ```
//!
//! (`H` the composed Jacobian of the events' assignments, `u` zero at an
//! instant of fixed time; see the forward module's docs). Since `λᵀs` is
//! the objective's derivative at every time, the adjoint jumps by the
//! transpose, `λ(τ⁻) = Aᵀ λ(τ⁺)`. The run computes `A` by the forward jump
//! itself, applied to the identity (one direction per state), so both
//! methods share one set of jump conditions; outputs at a stop report the
//! state after it, and their gradients join `λ(τ⁺)`. What forward
//! sensitivities refuse at a jump (an event with a delay, a tangent root,
//! …) is refused here too, and so are models of more than
//! [`MAX_JUMP_DIMENSION`] states with events or switches (`A` is dense).
//!
//! Refused, by name: delays, algebraic constraints, and rates that jump
//! where no relation crosses (`floor`, `eq`: no root to stop at).

use super::eval::Modes;
use super::events::checked_outputs;
use super::sensitivity::{Jumps, Root, Watch, MAX_ROOT_STOPS};
use super::{Model, ModelSystem};
use crate::error::{Result, SaspError};
use crate::solve::adjoint::{solve_adjoint, Recorded};
use crate::solve::history::MAX_HISTORY_VALUES;
use crate::solve::{integrate, Method, Options, Plan};

/// Most states of a model with events or switching rates whose adjoint
/// is solved: each stop's jump is an `n × n` matrix, made dense.
pub const MAX_JUMP_DIMENSION: usize = 2048;

/// A forward run of a model recorded for adjoint solves.
#[derive(Debug)]
pub struct AdjointRun<'m> {
    /// The stretches between stops, in time order.
    pieces: Vec<Piece<'m>>,
    y0: Vec<f64>,
    method: Method,
    options: Options,
    /// The output times.
    pub t: Vec<f64>,
    /// The states at the output times.
    pub y: Vec<Vec<f64>>,
}

/// A stretch of the run between stops: from its start (after the jump
/// there) to the next stop or the end.
#[derive(Debug)]
struct Piece<'m> {
    /// The stretch recorded (`None` for the instant of a stop at the end;
    /// a stretch of no length may have a record too, which is not read).
    record: Option<Recorded<ModelSystem<'m>>>,
    start: f64,
    /// The state at `start`, after the jump.
    y: Vec<f64>,
    /// The jump at `start`, if anything jumped there.
    jump: Option<Jump>,
    /// The outputs it reports: those at `start` (after the jump) up to
    /// those before its end; the last piece's include the end.
    outputs: std::ops::Range<usize>,
    end: f64,
}

/// A jump `s⁺ = A s⁻` of the sensitivities, kept as `A − I` by columns
/// (its nonzero entries).
#[derive(Debug)]
struct Jump {
    columns: Vec<Vec<(usize, f64)>>,
}

impl Jump {
    /// `λ ← Aᵀλ`.
    fn transpose_apply(&self, lambda: &mut [f64]) {
        let after = lambda.to_vec();
        for (l, column) in lambda.iter_mut().zip(&self.columns) {
            *l += column.iter().map(|&(i, a)| a * after[i]).sum::<f64>();
        }
    }
}

impl Model {
    /// Simulates from `y0` at `t0` to the last of `outputs` with `method`,
    /// inputs at their defaults, recording the solution for
    /// [`AdjointRun::adjoint`]. `zero_rate` lists the states whose rates
    /// are identically zero (parameters declared as states), held out of
    /// the iteration matrices ([`Recorded::holding`]). Events fire and
    /// rates switch as in [`Model::sensitivities_from`] (see the
    /// [module docs](self) for the jumps and what is refused).
    pub fn adjoint_run(
        &self,
        t0: f64,
        y0: &[f64],
        outputs: &[f64],
        zero_rate: &[usize],
        method: Method,
        options: &Options,
    ) -> Result<AdjointRun<'_>> {
        self.require_ode("adjoint sensitivities")?;
        if let Some(what) = self.kinetics.expressions.as_ref().and_then(|b| b.unlocked.as_ref()) {
            return Err(SaspError::unsupported(
                format!("adjoint sensitivities of a rate that jumps at {what} (no relation to watch for the jump)"),
                format!("model '{}'", self.name()),
            ));
        }
        self.check_initial_state(y0)?;
        let t_end = checked_outputs(t0, outputs)?;
        let system = self.system(&self.default_inputs())?;
        let mut run = AdjointRun {
            pieces: Vec::new(),
            y0: y0.to_vec(),
            method,
            options: options.clone(),
            t: Vec::new(),
            y: Vec::new(),
        };
        if self.events.is_empty() && self.switching_functions().is_empty() {
            let mut record = Recorded::new(system, t0, y0).holding(zero_rate)?;
            let mut stepper = method.stepper(&record, options.clone())?;
            let solution =
                integrate(&mut stepper, &mut record, t0, y0, t_end, &Plan::outputs(outputs), &mut |_, _, _, _| Ok(()))?
                    .solution;
            run.y = (0..solution.t.len()).map(|k| solution.state(k).to_vec()).collect();
            run.t = solution.t;
            let outputs = 0..run.t.len();
            run.pieces.push(Piece { record: Some(record), start: t0, y: y0.to_vec(), jump: None, outputs, end: t_end });
            return Ok(run);
        }
        let n = self.dimension();
        if n > MAX_JUMP_DIMENSION {
            return Err(SaspError::LimitExceeded {
                what: "states of a model with events or switching rates, for adjoint sensitivities",
                requested: n as f64,
                limit: MAX_JUMP_DIMENSION,
                hint: format!("model '{}': use forward sensitivities", self.name()),
            });
        }
        let jumps = Jumps::new(self, zero_rate)?;
        let inputs = system.inputs().to_vec();
        let mut watch = Watch::new(self, &jumps.switches, &system, t0, y0, &inputs)?;
        let (mut system, modes) = self.locked_system(&system, &watch)?;
        let mut stop = Stop { model: self, jumps: &jumps, modes: modes.as_ref(), queue: self.event_queue() };
        let mut y = y0.to_vec();
        let mut jump = stop.jump(&mut system, &mut watch, t0, &mut y, &inputs, &[])?;
        let watched = self.watched_roots();
        let events = self.root_events(&watched, &inputs);
        let mut t = t0;
        // The first output of the next stretch (those at its start came
        // from the run before).
        let mut first = 0;
        let mut recorded = 0;
        for count in 0.. {
            if count == MAX_ROOT_STOPS {
                return Err(self.too_many_stops("stops at roots in a run recorded for adjoint sensitivities", t));
            }
            let plan = Plan::outputs(&outputs[run.t.len()..]).events(&events);
            let mut record = Recorded::new(system.clone(), t, &y).holding(zero_rate)?;
            let mut stepper = method.stepper(&record, options.clone())?;
            let leg = integrate(&mut stepper, &mut record, t, &y, t_end, &plan, &mut |_, _, _, _| Ok(()))?;
            // All stretches' records share one run's budget; past it, a
            // stretch is integrated again for its adjoint.
            recorded += record.recorded_values();
            if recorded > MAX_HISTORY_VALUES {
                recorded -= record.recorded_values();
                record.drop_record();
            }
            for k in 0..leg.solution.t.len() {
                run.t.push(leg.solution.t[k]);
                run.y.push(leg.solution.state(k).to_vec());
            }
            let (start, start_y) = (t, std::mem::replace(&mut y, leg.y));
            t = leg.t;
            let piece = Piece {
                record: Some(record),
                start,
                y: start_y,
                jump: jump.take(),
                outputs: first..run.t.len(),
                end: t,
            };
            run.pieces.push(piece);
            if leg.events.is_empty() {
                break;
            }
            let mut hits: Vec<Root> = leg.events.iter().map(|h| watched[h.event]).collect();
            watch.update(self, &jumps.switches, &system, t, &y, &inputs, Some(&mut hits))?;
            jump = stop.jump(&mut system, &mut watch, t, &mut y, &inputs, &hits)?;
            // Outputs at the instant report the state after the jump, and
            // belong to the stretch that starts there.
            let at_instant = run.t.iter().rev().take_while(|&&ti| ti == t).count();
            if let Some(last) = run.pieces.last_mut() {
                first = (run.t.len() - at_instant).max(last.outputs.start);
                last.outputs.end = first;
            }
            for state in &mut run.y[first..] {
                state.copy_from_slice(&y);
            }
            if t >= t_end {
                let piece = Piece {
                    record: None,
                    start: t,
                    y: y.clone(),
                    jump: jump.take(),
                    outputs: first..run.t.len(),
                    end: t,
                };
                run.pieces.push(piece);
                break;
            }
        }
        while run.t.len() < outputs.len() && outputs[run.t.len()] <= t {
            run.t.push(outputs[run.t.len()]);
            run.y.push(y.clone());
            if let Some(last) = run.pieces.last_mut() {
                last.outputs.end = run.t.len();
            }
        }
        Ok(run)
    }
}

/// What a run recorded for adjoints carries from stop to stop.
struct Stop<'a> {
    model: &'a Model,
    jumps: &'a Jumps,
    modes: Option<&'a Modes>,
    queue: super::events::Queue,
}

impl Stop<'_> {
    /// Fires what is due at `t` on `y` (at the roots `hits`; none: an
    /// instant of fixed time) as the forward sensitivities' jump does, on
    /// the identity's directions, and returns their jump `A` (`None` where
    /// nothing jumped).
    fn jump(
        &mut self,
        system: &mut ModelSystem<'_>,
        watch: &mut Watch,
        t: f64,
        y: &mut [f64],
        inputs: &[f64],
        hits: &[Root],
    ) -> Result<Option<Jump>> {
        let n = y.len();
        let mut z = vec![0.0; n * (n + 1)];
        z[..n].copy_from_slice(y);
        for k in 0..n {
            z[n + k * n + k] = 1.0;
        }
        let jumped =
            self.jumps.jump(self.model, system, self.modes, watch, t, &mut z, inputs, &mut self.queue, hits)?;
        y.copy_from_slice(&z[..n]);
        if !jumped {
            return Ok(None);
        }
        let columns = z[n..]
            .chunks_exact(n)
            .enumerate()
            .map(|(k, column)| {
                column
                    .iter()
                    .enumerate()
                    .map(|(i, &a)| (i, if i == k { a - 1.0 } else { a }))
                    .filter(|&(_, a)| a != 0.0)
                    .collect()
            })
            .collect();
        Ok(Some(Jump { columns }))
    }
}

impl AdjointRun<'_> {
    /// `∂G/∂y₀` for `G = Σᵢ gᵢ(y(tᵢ))`, given `gradients[i] = ∇gᵢ` at the
    /// `i`-th output (one per output time), by one backward solve (BDF at
    /// `options`), stretch by stretch from the last stop, the adjoint
    /// jumping by `Aᵀ` at each (see the [module docs](self)). A stretch too
    /// long to record whole ([`Recorded::is_complete`]) is integrated again
    /// between its output times (the checkpoints: the states there), one
    /// span at a time from the last, each recorded on its own for its span
    /// of the backward solve; a span still too long is cut into parts, each
    /// part's start a checkpoint from one more run.
    pub fn adjoint(&self, gradients: &[Vec<f64>], options: &Options) -> Result<Vec<f64>> {
        if gradients.len() != self.t.len() {
            return Err(SaspError::DimensionMismatch {
                what: "objective gradients (one per output time)",
                expected: self.t.len(),
                found: gradients.len(),
            });
        }
        if let Some(g) = gradients.iter().find(|g| g.len() != self.y0.len()) {
            return Err(SaspError::DimensionMismatch {
                what: "objective gradient",
                expected: self.y0.len(),
                found: g.len(),
            });
        }
        let mut lambda = vec![0.0; self.y0.len()];
        for piece in self.pieces.iter().rev() {
            lambda = self.piece_adjoint(piece, gradients, lambda, options)?;
            if let Some(jump) = &piece.jump {
                jump.transpose_apply(&mut lambda);
            }
        }
        Ok(lambda)
    }

    /// `λ(start⁺)` of a stretch, from `λ(end)` (what came back from later)
    /// and the gradients of its outputs.
    fn piece_adjoint(
        &self,
        piece: &Piece<'_>,
        gradients: &[Vec<f64>],
        lambda_end: Vec<f64>,
        options: &Options,
    ) -> Result<Vec<f64>> {
        let (times, ys) = (&self.t[piece.outputs.clone()], &self.y[piece.outputs.clone()]);
        let gradients = &gradients[piece.outputs.clone()];
        let record = match &piece.record {
            Some(record) if piece.end > piece.start => record,
            _ => {
                let mut lambda = lambda_end;
                gradients.iter().for_each(|g| add(&mut lambda, g));
                return Ok(lambda);
            }
        };
        if record.is_complete() {
            let mut times = times.to_vec();
            let mut gradients = gradients.to_vec();
            times.push(piece.end);
            gradients.push(lambda_end);
            return solve_adjoint(record, piece.start, &times, &gradients, options);
        }
        let held = record.held();
        let mut lambda = lambda_end;
        let (mut k, mut t) = (times.len(), piece.end);
        loop {
            // λ(t⁻): what came back from later, and every gradient at t.
            while k > 0 && times[k - 1] == t {
                k -= 1;
                add(&mut lambda, &gradients[k]);
            }
            let (ta, ya) = if k > 0 { (times[k - 1], &ys[k - 1]) } else { (piece.start, &piece.y) };
            if ta == t {
                return Ok(lambda);
            }
            lambda = self.span_adjoint(record.inner(), &held, (ta, ya), t, lambda, options, 0)?;
            t = ta;
        }
    }

    /// `λ(ta)` from `λ(tb)` over a span of the run that starts at the
    /// checkpoint `(ta, ya)`: integrated again and recorded; a span too
    /// long to record is cut into [`SPAN_PARTS`] parts whose starts (from
    /// one more run) are checkpoints in turn, down to [`MAX_SPAN_DEPTH`]
    /// levels.
    #[allow(clippy::too_many_arguments)]
    fn span_adjoint(
        &self,
        system: &ModelSystem<'_>,
        held: &[usize],
        (ta, ya): (f64, &[f64]),
        tb: f64,
        lambda: Vec<f64>,
        options: &Options,
        depth: usize,
    ) -> Result<Vec<f64>> {
        let mut span = Recorded::new(system.clone(), ta, ya).holding(held)?;
        let mut stepper = self.method.stepper(&span, self.options.clone())?;
        integrate(&mut stepper, &mut span, ta, ya, tb, &Plan::end_only(), &mut |_, _, _, _| Ok(()))?;
        if span.is_complete() {
            return solve_adjoint(&span, ta, &[tb], &[lambda], options);
        }
        drop(span);
        if depth == MAX_SPAN_DEPTH {
            return Err(SaspError::InvalidOptions(format!(
                "the run from t = {ta} to t = {tb} is too long to record for its adjoint even cut into \
                 {SPAN_PARTS}^{MAX_SPAN_DEPTH} parts: loosen the tolerances"
            )));
        }
        let cuts: Vec<f64> = (1..SPAN_PARTS).map(|j| ta + (tb - ta) * j as f64 / SPAN_PARTS as f64).collect();
        let mut plain = system.clone();
        let mut stepper = self.method.stepper(&plain, self.options.clone())?;
        let run = integrate(&mut stepper, &mut plain, ta, ya, tb, &Plan::outputs(&cuts), &mut |_, _, _, _| Ok(()))?;
        let mut lambda = lambda;
        let mut end = tb;
        for j in (0..=cuts.len()).rev() {
            let (start, y) = if j == 0 { (ta, ya) } else { (cuts[j - 1], run.solution.state(j - 1)) };
            lambda = self.span_adjoint(system, held, (start, y), end, lambda, options, depth + 1)?;
            end = start;
        }
        Ok(lambda)
    }
}

/// The parts a span too long to record is cut into (see
/// [`AdjointRun::adjoint`]).
const SPAN_PARTS: usize = 8;

/// The most times a span is cut (`8⁶ ≈ 2.6·10⁵` parts).
const MAX_SPAN_DEPTH: usize = 6;

/// `a += b`.
fn add(a: &mut [f64], b: &[f64]) {
    a.iter_mut().zip(b).for_each(|(a, b)| *a += b);
}
