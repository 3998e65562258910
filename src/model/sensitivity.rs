//! Forward sensitivities of a model's states (see
//! [`crate::solve::sensitivity`] for the equations and the method).
//!
//! A model's Jacobian is exact (factor laws differentiated by the product
//! rule, expressions symbolically), so its sensitivities are too. The
//! directions are given by their initial sensitivities `∂y₀/∂pₖ`: a unit
//! vector for a state's initial value; for a parameter, declare it as a
//! state with zero rate (the PEtab layer does so for the parameters it
//! estimates) so that `∂f/∂p` is a column of the Jacobian.
//!
//! # Through events and switching rates
//!
//! At an event the state jumps, `y⁺ = h(τ, y⁻)` (`h` writes the event's
//! assignments and keeps the other states), at a time `τ` that itself
//! depends on the parameters when the trigger is a root `g(τ, y(τ)) = 0`
//! of the state. Where a rate changes its formula (a relation in a
//! `piecewise` crosses: a *switching function* `g = a − b`), the state does
//! not jump but `f` may, and `sₖ` then jumps as at an event without
//! assignments. The run watches every trigger atom and switching function
//! for roots, goes back to each and restarts the integration there (the
//! steps after it start from the new formula). Differentiating `y⁺` and `τ`
//! (parameters are states here, so `p` does not appear on its own):
//!
//! ```text
//! dτ/dpₖ = −(∇g · sₖ⁻) / (∇g · f⁻ + ∂g/∂t)
//! sₖ⁺    = ∇h (sₖ⁻ + f⁻ dτ/dpₖ) + ∂h/∂t dτ/dpₖ − f⁺ dτ/dpₖ
//! ```
//!
//! with `f⁻`, `f⁺` the right-hand side before and after the jump (the
//! rates' relations are locked, so `f⁻` is the old formula at the root,
//! `f⁺` the new one: see below). An event
//! at a fixed time (`t ≥ 10`) has `dτ/dpₖ = 0` unless that time is a
//! parameter; one that fires at the start (its trigger true there) has
//! `dτ/dpₖ = 0` whatever its trigger reads. Several events at one instant compose: each
//! execution applies its `∇h` (evaluated at the state it changes) to
//! `sₖ⁻ + f⁻ dτ/dpₖ`, and `f⁺ dτ/dpₖ` is subtracted after the last. The
//! gradients are the assignments' and roots' symbolic derivatives.
//! Refused, with the event named: a delay (the execution time's own
//! sensitivity and the values kept from the trigger are not tracked), a
//! trigger that changes where no relation crosses, a crossing where the
//! root's rate vanishes to rounding (a tangent: `τ` is not differentiable), two roots
//! crossing at one instant with different `dτ/dp`, and values taken at
//! the trigger from a state another execution at the instant has changed.
//!
//! A root is found once a step across it is accepted, so the rates'
//! relations are *locked* (discontinuity locking, as AMICI's Heaviside
//! variables): each relation a rate reads is a number held fixed between
//! roots, flipped where its switching function crosses zero (re-read after
//! an event's execution). Every step then integrates one smooth formula,
//! the step across a switch too; without it, a sensitivity that starts
//! growing from exactly zero at a kink (`sₖ′` jumping from 0, as in the
//! PEtab problem of Smith 2013) fails BDF's relative error test at every
//! step size.

use super::eval::Modes;
use super::events::{checked_outputs, Execution};
use super::{Model, ModelSystem};
use crate::error::{Result, SaspError};
use crate::expr::Expr;
use crate::solve::sensitivity::{solve_forward_holding, SensitivitySolution, Variational};
use crate::solve::{integrate, Direction, Event, OdeSystem, Options, Plan};

impl Model {
    /// The states at `outputs` and their sensitivities, from `y0` and the
    /// initial sensitivities `s0` (one per direction, each of the model's
    /// dimension) at `t0`, inputs at their defaults, by BDF. The model's
    /// events fire as [`Model::simulate`] fires them, the integration
    /// restarts where a rate changes its formula, and the sensitivities
    /// jump with the states (see the [module docs](self)). `zero_rate`
    /// lists the states whose rates are identically zero (parameters
    /// declared as states): their sensitivities are held, not integrated
    /// ([`Variational::holding`]).
    pub fn sensitivities_from(
        &self,
        t0: f64,
        y0: &[f64],
        s0: &[Vec<f64>],
        outputs: &[f64],
        zero_rate: &[usize],
        options: &Options,
    ) -> Result<SensitivitySolution> {
        self.require_ode("forward sensitivities")?;
        if let Some(what) = self.kinetics.expressions.as_ref().and_then(|b| b.unlocked.as_ref()) {
            return Err(SaspError::unsupported(
                format!("forward sensitivities of a rate that jumps at {what} (no relation to watch for the jump)"),
                format!("model '{}'", self.name()),
            ));
        }
        let t_end = checked_outputs(t0, outputs)?;
        let system = self.system(&self.default_inputs())?;
        if self.events.is_empty() && self.switching_functions().is_empty() {
            return solve_forward_holding(&system, t0, y0, s0, zero_rate, outputs, options);
        }
        self.sensitivities_with_switches(&system, (t0, y0, s0), outputs, t_end, zero_rate, options)
    }

    /// The root functions where a rate of the model changes its formula
    /// (each relation its expression laws read: see the [module docs](self)).
    pub(crate) fn switching_functions(&self) -> &[Expr] {
        self.kinetics.expressions.as_ref().map_or(&[], |b| &b.switches)
    }

    /// The error of a run that reached [`MAX_ROOT_STOPS`] stops (`what`)
    /// near `t`.
    pub(super) fn too_many_stops(&self, what: &'static str, t: f64) -> SaspError {
        SaspError::LimitExceeded {
            what,
            requested: MAX_ROOT_STOPS as f64 + 1.0,
            limit: MAX_ROOT_STOPS,
            hint: format!(
                "roots of model '{}' keep recurring near t = {t} (a rate chattering at a switch?)",
                self.name()
            ),
        }
    }

    /// The run's system with the rates' relations locked (see [`Modes`]),
    /// each set from the side `watch` has its switching function on, and
    /// the modes; `system` itself when the rates read no relation.
    pub(super) fn locked_system<'a>(
        &'a self,
        system: &ModelSystem<'a>,
        watch: &Watch,
    ) -> Result<(ModelSystem<'a>, Option<Modes>)> {
        let mut locked = system.clone();
        if self.kinetics.expressions.as_ref().is_some_and(|b| b.locked.is_some()) {
            self.require_ode("a run with locked relations")?;
        }
        let modes = locked.lock(&watch.switches, &watch.rest);
        Ok((locked, modes))
    }

    /// Every root a run through events and switches watches: each atom of
    /// each trigger (as [`Model::integrate`] watches them), then each
    /// switching function.
    pub(super) fn watched_roots(&self) -> Vec<Root> {
        self.events
            .iter()
            .enumerate()
            .flat_map(|(k, e)| (0..e.atom_count()).map(move |j| Root::Atom(k, j)))
            .chain((0..self.switching_functions().len()).map(Root::Switch))
            .collect()
    }

    /// The driver's events for the roots `watched`, crossed either way,
    /// each stopping the run; they read the model's states, the first
    /// [`Model::dimension`] components of the integrated vector.
    pub(super) fn root_events<'a>(&'a self, watched: &[Root], inputs: &'a [f64]) -> Vec<Event<'a>> {
        let n = self.dimension();
        watched
            .iter()
            .map(|&root| match root {
                Root::Atom(k, j) => {
                    let e = &self.events[k];
                    Event::new(move |t, z: &[f64]| e.atom(j, t, &z[..n], inputs), Direction::Either, true)
                }
                Root::Switch(i) => {
                    let block = self.kinetics.expressions.as_deref();
                    Event::new(
                        move |t, z: &[f64]| block.map_or(f64::NAN, |b| b.switch_value(i, t, &z[..n], inputs)),
                        Direction::Either,
                        true,
                    )
                }
            })
            .collect()
    }

    /// [`Model::sensitivities_from`] for a model with events or switching
    /// rates: states and sensitivities integrated from one root to the next
    /// (each trigger's atoms and each switching function watched, as
    /// [`Model::integrate`] watches the atoms) with the rates' relations
    /// locked ([`Modes`]), restarted there, and both jumped where events
    /// execute or a rate jumps.
    fn sensitivities_with_switches(
        &self,
        system: &ModelSystem<'_>,
        (t0, y0, s0): (f64, &[f64], &[Vec<f64>]),
        outputs: &[f64],
        t_end: f64,
        zero_rate: &[usize],
        options: &Options,
    ) -> Result<SensitivitySolution> {
        let jumps = Jumps::new(self, zero_rate)?;
        let n = self.dimension();
        let m = s0.len();
        let inputs = system.inputs().to_vec();
        // Which side of zero each root function is on, from the plain rates.
        let mut watch = Watch::new(self, &jumps.switches, system, t0, y0, &inputs)?;
        let (mut system, modes) = self.locked_system(system, &watch)?;
        let modes = modes.as_ref();
        // The whole extended state `(y, s₁, …, s_m)`, as the jumps read it.
        self.check_initial_state(y0)?;
        if let Some(s) = s0.iter().find(|s| s.len() != n) {
            return Err(SaspError::DimensionMismatch { what: "initial sensitivity", expected: n, found: s.len() });
        }
        let mut z: Vec<f64> = y0.iter().chain(s0.iter().flatten()).copied().collect();
        let mut queue = self.event_queue();
        jumps.jump(self, &mut system, modes, &mut watch, t0, &mut z, &inputs, &mut queue, &[])?;
        let watched = self.watched_roots();
        let events = self.root_events(&watched, &inputs);
        // The outputs so far: times, states and sensitivities.
        let mut out = SensitivitySolution { t: Vec::new(), y: Vec::new(), s: Vec::new() };
        let split = |z: &[f64]| -> (Vec<f64>, Vec<Vec<f64>>) {
            (z[..n].to_vec(), z[n..].chunks_exact(n).map(<[f64]>::to_vec).collect())
        };
        let mut t = t0;
        for stop in 0.. {
            if stop == MAX_ROOT_STOPS {
                return Err(self.too_many_stops("stops at roots in a run with sensitivities", t));
            }
            let plan = Plan::outputs(&outputs[out.t.len()..]).events(&events);
            let hits = {
                let mut variational = Variational::new(&system, m)?.holding(zero_rate, t, &z[..n])?;
                let (y, s) = split(&z);
                let start = variational.initial_state(&y, &s)?;
                let mut stepper = variational.stepper_from(t, &start, options)?;
                let run = integrate(&mut stepper, &mut variational, t, &start, t_end, &plan, &mut |_, _, _, _| Ok(()))?;
                for k in 0..run.solution.t.len() {
                    out.t.push(run.solution.t[k]);
                    let (y, s) = variational.split(run.solution.state(k));
                    out.y.push(y);
                    out.s.push(s);
                }
                (t, z) = (run.t, variational.whole(&run.y));
                run.events
            };
            if hits.is_empty() {
                break;
            }
            let mut hits: Vec<Root> = hits.iter().map(|h| watched[h.event]).collect();
            watch.update(self, &jumps.switches, &system, t, &z[..n], &inputs, Some(&mut hits))?;
            if jumps.jump(self, &mut system, modes, &mut watch, t, &mut z, &inputs, &mut queue, &hits)? {
                // Outputs at the instant report the state after the jump.
                let at_instant = out.t.iter().rev().take_while(|&&ti| ti == t).count();
                let first = out.t.len() - at_instant;
                for k in first..out.t.len() {
                    (out.y[k], out.s[k]) = split(&z);
                }
            }
            if t >= t_end {
                break;
            }
        }
        while out.t.len() < outputs.len() && outputs[out.t.len()] <= t {
            out.t.push(outputs[out.t.len()]);
            let (y, s) = split(&z);
            out.y.push(y);
            out.s.push(s);
        }
        Ok(out)
    }

    /// [`Model::steady_state`] with sensitivities: integrates states and
    /// sensitivities from `(t0, y0, s0)` until both are steady — the rate of
    /// change of the extended state `(y, s̃₁, …)` (each direction scaled as
    /// [`Variational`] integrates it) at most 1 in the weighted
    /// root-mean-square norm of the tolerances, checked at
    /// `t0 + 1, 10, 100, …` — and returns that time, state and sensitivities
    /// (the steady state's `∂y/∂p`). Each leg is a run of
    /// [`Model::sensitivities_from`] (events and switching rates included),
    /// as each leg of [`Model::steady_state`] is a simulation; a leg of a
    /// model without events where no rate changes its formula (every
    /// switching function keeps its sign) is one plain run. `zero_rate` as
    /// for [`Model::sensitivities_from`].
    pub fn steady_state_sensitivities(
        &self,
        t0: f64,
        y0: &[f64],
        s0: &[Vec<f64>],
        zero_rate: &[usize],
        options: &Options,
    ) -> Result<(f64, Vec<f64>, Vec<Vec<f64>>)> {
        self.require_ode("forward sensitivities")?;
        let system = self.system(&self.default_inputs())?;
        let mut variational = Variational::new(&system, s0.len())?.holding(zero_rate, t0, y0)?;
        let n = self.dimension();
        let mut z = variational.initial_state(y0, s0)?;
        let mut dz = vec![0.0; z.len()];
        // Over the whole extended state: the held sensitivities count as
        // components that do not change.
        let whole = n * (1 + s0.len());
        let norm = |variational: &Variational<_>, t: f64, z: &[f64], dz: &mut [f64]| {
            variational.rhs(t, z, dz);
            let sum: f64 = z
                .iter()
                .zip(dz.iter())
                .enumerate()
                .map(|(i, (&z, &d))| {
                    (d / (options.atol.get(variational.component_of(i)) + options.rtol * z.abs())).powi(2)
                })
                .sum();
            (sum / whole.max(1) as f64).sqrt()
        };
        let mut t = t0;
        let mut last = norm(&variational, t, &z, &mut dz);
        let mut span = 1.0;
        let inputs = system.inputs();
        // Which side each switching function is on; `None` where one is at
        // exactly 0 (resting there, a plain run would read its relation
        // one-sided: the run with sensitivities checks it).
        let sides = |t: f64, y: &[f64]| -> Result<Option<Vec<bool>>> {
            let g = switch_values(self, t, y, inputs)?;
            Ok((!g.contains(&0.0)).then(|| g.into_iter().map(|g| g > 0.0).collect()))
        };
        while last > 1.0 && span <= 1e12 {
            // A leg without events whose rates keep their formulas is one
            // plain run; otherwise (or if that fails at a switch) it is a
            // run of `sensitivities_from`, which stops at every root.
            let before = if self.events.is_empty() { sides(t, &z[..n])? } else { None };
            let plain = if let Some(before) = before {
                let run = variational
                    .stepper_from(t, &z, options)
                    .and_then(|stepper| crate::solve::solve(&variational, stepper, t, &z, t0 + span, &[t0 + span]));
                match run {
                    Ok(solution) => {
                        let end = solution.state(solution.t.len() - 1).to_vec();
                        (sides(t0 + span, &end[..n])?.as_ref() == Some(&before)).then_some(end)
                    }
                    Err(e) if self.switching_functions().is_empty() => return Err(e),
                    Err(_) => None,
                }
            } else {
                None
            };
            z = match plain {
                Some(end) => end,
                None => {
                    let (y, s) = variational.split(&z);
                    let leg = self.sensitivities_from(t, &y, &s, &[t0 + span], zero_rate, options)?;
                    variational.initial_state(&leg.y[0], &leg.s[0])?
                }
            };
            t = t0 + span;
            last = norm(&variational, t, &z, &mut dz);
            span *= 10.0;
        }
        if last > 1.0 {
            return Err(SaspError::InvalidOptions(format!(
                "model '{}' with its sensitivities reaches no steady state by t = {t:e}: the rate of change is still {last:.3e} times the tolerances",
                self.name()
            )));
        }
        let (y, s) = variational.split(&z);
        Ok((t, y, s))
    }
}

/// Stands for the time in a derivative with respect to it (no model
/// symbol starts with a control character).
const TIME: &str = "\u{1}time";

/// An expression's derivatives with respect to the states it reads and to
/// time, symbolic.
struct Gradient {
    states: Vec<(usize, Expr)>,
    time: Expr,
}

impl Gradient {
    fn of(model: &Model, e: &Expr) -> Result<Gradient> {
        let mut states = Vec::new();
        for v in e.symbols() {
            if let Some(&i) = model.compartment_index.get(&*v) {
                states.push((i, e.diff(&v)?));
            }
        }
        let time = e.substitute_time(&Expr::var(TIME)).diff(TIME)?;
        Ok(Gradient { states, time })
    }

    /// `(∂e/∂y at (t, y) as (index, value) pairs, ∂e/∂t)`.
    fn at(&self, model: &Model, t: f64, y: &[f64], inputs: &[f64]) -> Result<(Vec<(usize, f64)>, f64)> {
        let lookup = |v: &str| if v == TIME { Some(t) } else { model.lookup(v, y, inputs) };
        let states = self.states.iter().map(|(i, d)| Ok((*i, d.eval(&lookup, t)?))).collect::<Result<_>>()?;
        Ok((states, self.time.eval(&lookup, t)?))
    }
}

/// Most stops at roots in one run with sensitivities (a rate that
/// chatters at a switch would otherwise never let time advance).
pub const MAX_ROOT_STOPS: usize = 100_000;

/// Which side of zero each root function of a run is on: the switching
/// functions (`true`: positive, or at 0 and rising) and each trigger atom
/// (`true`: holds). The driver reports one root per stop; another may
/// cross at the same instant (`t − 4` and `t − (4 + t₀)` with `t₀ = 0`),
/// which [`Watch::update`] finds by its side.
pub(super) struct Watch {
    pub(super) switches: Vec<bool>,
    atoms: Vec<Vec<bool>>,
    /// `rest[i]`: did the last update find switching function `i` at
    /// exactly 0 and not moving (a relation on parameters only, a state
    /// resting at its threshold)? Its side is then no side: `g > 0` and
    /// `g ≥ 0` differ there, and the relations are read as they are
    /// ([`Modes::set`]).
    pub(super) rest: Vec<bool>,
}

impl Watch {
    pub(super) fn new(
        model: &Model,
        rates: &SwitchRates,
        system: &ModelSystem<'_>,
        t: f64,
        y: &[f64],
        inputs: &[f64],
    ) -> Result<Watch> {
        let atoms = model.events.iter().map(|e| vec![false; e.atom_count()]).collect();
        let count = model.switching_functions().len();
        let mut watch = Watch { switches: vec![false; count], atoms, rest: vec![false; count] };
        watch.update(model, rates, system, t, y, inputs, None)?;
        Ok(watch)
    }

    /// Updates every side to `(t, y)`. With `hits` (a stop at those
    /// roots), adds to it the roots that crossed at the same instant
    /// unreported: a reported switching function at exactly 0 has crossed,
    /// an unreported one at 0 takes the side it is heading to. Without (at
    /// the start, or after a jump of the state), every side is re-read, a
    /// switching function at exactly 0 taking the side it is heading to.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn update(
        &mut self,
        model: &Model,
        rates: &SwitchRates,
        system: &ModelSystem<'_>,
        t: f64,
        y: &[f64],
        inputs: &[f64],
        mut hits: Option<&mut Vec<Root>>,
    ) -> Result<()> {
        self.rest.fill(false);
        for (i, g) in switch_values(model, t, y, inputs)?.into_iter().enumerate() {
            let hit = hits.as_ref().is_some_and(|h| h.iter().any(|&h| matches!(h, Root::Switch(j) if j == i)));
            let now = match g {
                _ if hit && g == 0.0 => !self.switches[i],
                0.0 => match rates.rate(model, system, i, t, y, inputs)? {
                    r if r > 0.0 => true,
                    r if r < 0.0 => false,
                    _ => {
                        self.rest[i] = true;
                        if hits.is_none() {
                            true
                        } else {
                            self.switches[i]
                        }
                    }
                },
                _ => g > 0.0,
            };
            if now != self.switches[i] {
                self.switches[i] = now;
                if let Some(hits) = hits.as_deref_mut().filter(|_| !hit) {
                    hits.push(Root::Switch(i));
                }
            }
        }
        for (k, e) in model.events.iter().enumerate() {
            for j in 0..e.atom_count() {
                let now = e.atom(j, t, y, inputs) > 0.0;
                if now != self.atoms[k][j] {
                    self.atoms[k][j] = now;
                    if let Some(hits) = hits.as_deref_mut() {
                        if !hits.iter().any(|&h| matches!(h, Root::Atom(a, b) if (a, b) == (k, j))) {
                            hits.push(Root::Atom(k, j));
                        }
                    }
                }
            }
        }
        Ok(())
    }

    /// Does a switching function rest at exactly 0 (see `rest`)?
    pub(super) fn at_rest(&self) -> bool {
        self.rest.contains(&true)
    }
}

/// The switching functions' values at `(t, y)`.
fn switch_values(model: &Model, t: f64, y: &[f64], inputs: &[f64]) -> Result<Vec<f64>> {
    let block = model.kinetics.expressions.as_deref();
    Ok((0..model.switching_functions().len())
        .map(|i| block.map_or(f64::NAN, |b| b.switch_value(i, t, y, inputs)))
        .collect())
}

/// The gradients of a model's switching functions: which way one at
/// exactly zero is heading.
pub(super) struct SwitchRates(Vec<Gradient>);

impl SwitchRates {
    pub(super) fn new(model: &Model) -> Result<SwitchRates> {
        Ok(SwitchRates(model.switching_functions().iter().map(|g| Gradient::of(model, g)).collect::<Result<_>>()?))
    }

    /// The rate of change `∇gᵢ · f + ∂gᵢ/∂t` of switching function `i` at
    /// `(t, y)`.
    fn rate(
        &self,
        model: &Model,
        system: &ModelSystem<'_>,
        i: usize,
        t: f64,
        y: &[f64],
        inputs: &[f64],
    ) -> Result<f64> {
        let mut f = vec![0.0; y.len()];
        system.rhs(t, y, &mut f);
        let (grad, g_t) = self.0[i].at(model, t, y, inputs)?;
        Ok(grad.iter().map(|&(j, d)| d * f[j]).sum::<f64>() + g_t)
    }
}

/// A root watched by a run with sensitivities.
#[derive(Clone, Copy, Debug)]
pub(super) enum Root {
    /// Event `k`'s trigger atom `j`.
    Atom(usize, usize),
    /// Switching function `i` of the rates.
    Switch(usize),
}

/// The derivatives of every root and event assignment that the jumps of
/// the sensitivities need (see the [module docs](self)).
pub(super) struct Jumps {
    /// `atoms[k][j]`: the gradient of event `k`'s atom `j`, where it is a relation.
    atoms: Vec<Vec<Option<Gradient>>>,
    /// `assignments[k]`: event `k`'s targets and the gradients of what they receive.
    assignments: Vec<Vec<(usize, Gradient)>>,
    /// The gradients of the rates' switching functions.
    pub(super) switches: SwitchRates,
    /// The states held at their values (rate 0) in this run.
    held: Vec<usize>,
}

impl Jumps {
    /// The jumps of a run in which the states `held` keep their values.
    pub(super) fn new(model: &Model, held: &[usize]) -> Result<Jumps> {
        let mut atoms = Vec::with_capacity(model.events.len());
        let mut assignments = Vec::with_capacity(model.events.len());
        for e in &model.events {
            if e.delay.as_ref().is_some_and(|d| *d != Expr::Num(0.0)) {
                return Err(SaspError::unsupported(
                    "sensitivities (forward or adjoint) through an event with a delay",
                    format!("event '{}' of model '{}'", e.name, model.name()),
                ));
            }
            atoms.push(
                (0..e.atom_count())
                    .map(|j| e.atom_function(j).map(|g| Gradient::of(model, g)).transpose())
                    .collect::<Result<_>>()?,
            );
            assignments.push(e.assigned().map(|(i, h)| Ok((i, Gradient::of(model, &h)?))).collect::<Result<_>>()?);
        }
        Ok(Jumps { atoms, assignments, switches: SwitchRates::new(model)?, held: held.to_vec() })
    }

    /// At the roots `hits` (none: an instant of fixed time, such as the
    /// start), fires the events due on the
    /// extended state `z = (y, s₁, …)` — states and sensitivities jump
    /// together — sets the locked relations from `watch`'s sides (re-read
    /// after an execution: the state jumped), and jumps
    /// the sensitivities by `(f⁻ − f⁺) dτ/dp` where the rate itself jumps
    /// (`f⁻` with the relations as they were, `f⁺` as they are now).
    /// Returns whether `z` changed.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn jump(
        &self,
        model: &Model,
        system: &mut ModelSystem<'_>,
        modes: Option<&Modes>,
        watch: &mut Watch,
        t: f64,
        z: &mut [f64],
        inputs: &[f64],
        queue: &mut super::events::Queue,
        hits: &[Root],
    ) -> Result<bool> {
        let n = model.dimension();
        let (y, s) = z.split_at_mut(n);
        let m = s.len() / n;
        let mut f_before = vec![0.0; n];
        system.rhs(t, y, &mut f_before);
        let f_before = &f_before;
        // Taken (and its error raised) only where something jumps.
        let mut dtau = Some(self.event_time_sensitivity(model, t, y, s, f_before, inputs, hits));
        // w = s⁻ + f⁻ dτ/dp, then ∇h w + ∂h/∂t dτ/dp for each execution.
        let mut w: Option<(Vec<f64>, Vec<f64>)> = None;
        let mut observe = |x: &Execution<'_>| -> Result<()> {
            let event = &model.events[x.event];
            if x.stale_values {
                return Err(SaspError::unsupported(
                    "sensitivities (forward or adjoint) through values taken at a trigger that another event at the same instant changed",
                    format!("event '{}' of model '{}' at t = {t}", event.name, model.name()),
                ));
            }
            if w.is_none() {
                let dtau = dtau.take().unwrap_or_else(|| Ok(vec![0.0; m]))?;
                let mut start = s.to_vec();
                for (wk, &d) in start.chunks_exact_mut(n).zip(&dtau) {
                    wk.iter_mut().zip(f_before).for_each(|(w, f)| *w += f * d);
                }
                w = Some((start, dtau));
            }
            let Some((w, dtau)) = w.as_mut() else { return Ok(()) };
            let mut rows = Vec::with_capacity(self.assignments[x.event].len());
            for (i, h) in &self.assignments[x.event] {
                let (grad, h_t) = h.at(model, t, x.before, inputs)?;
                let row: Vec<f64> = w
                    .chunks_exact(n)
                    .zip(dtau.iter())
                    .map(|(wk, d)| grad.iter().map(|&(j, g)| g * wk[j]).sum::<f64>() + h_t * d)
                    .collect();
                rows.push((*i, row));
            }
            for (i, row) in rows {
                for (wk, v) in w.chunks_exact_mut(n).zip(row) {
                    wk[i] = v;
                }
            }
            Ok(())
        };
        model.fire_due_settled(t, y, inputs, None, queue, &mut |_, _| Ok(()), &mut observe)?;
        if w.is_some() {
            // The state jumped: each side as it now is.
            watch.update(model, &self.switches, system, t, y, inputs, None)?;
        }
        if let Some(modes) = modes {
            modes.set(system, &watch.switches, &watch.rest);
        }
        let mut f_after = vec![0.0; n];
        system.rhs(t, y, &mut f_after);
        let jump = match (w, dtau) {
            (Some(w), _) => Some(w),
            (None, Some(dtau)) if !hits.is_empty() => {
                // No execution: the sensitivities jump only where the rate
                // does (at a kink the two formulas agree to rounding).
                let size = f_before.iter().chain(&f_after).fold(0.0f64, |m, f| m.max(f.abs()));
                let jumped = f_before.iter().zip(&f_after).any(|(a, b)| (a - b).abs() > 1e-8 * size);
                match dtau {
                    Ok(dtau) => {
                        let mut w = s.to_vec();
                        for (wk, &d) in w.chunks_exact_mut(n).zip(&dtau) {
                            wk.iter_mut().zip(f_before).for_each(|(w, f)| *w += f * d);
                        }
                        Some((w, dtau))
                    }
                    Err(_) if !jumped => None,
                    Err(e) => return Err(e),
                }
            }
            _ => None,
        };
        if let Some((w, dtau)) = &jump {
            for ((sk, wk), d) in s.chunks_exact_mut(n).zip(w.chunks_exact(n)).zip(dtau) {
                for ((s, w), f) in sk.iter_mut().zip(wk).zip(&f_after) {
                    *s = w - f * d;
                }
            }
        }
        // The sides are read against the sensitivities as they now are.
        self.refuse_moving_rest(model, watch, t, s, &f_after)?;
        Ok(jump.is_some())
    }

    /// Refuses a switching function resting at exactly 0 (see [`Watch`]'s
    /// `rest`) that reads time, a state not held, or one the directions
    /// `s` move — by what it reads, not by its derivatives' values at this
    /// instant (`A·B` with `A = B = 0` has a zero gradient and still leaves
    /// 0 as soon as they grow): its relation would then leave 0 unwatched
    /// or jump with the parameters (no derivative). One that reads only
    /// inputs and held states the directions leave alone keeps its
    /// relation's value, with no derivative to add.
    fn refuse_moving_rest(&self, model: &Model, watch: &Watch, t: f64, s: &[f64], f: &[f64]) -> Result<()> {
        let n = f.len();
        for i in (0..watch.rest.len()).filter(|&i| watch.rest[i]) {
            let g = &self.switches.0[i];
            let moves = g.time != Expr::Num(0.0)
                || g.states
                    .iter()
                    .any(|&(j, _)| !self.held.contains(&j) || f[j] != 0.0 || s.chunks_exact(n).any(|sk| sk[j] != 0.0));
            if moves {
                return Err(SaspError::unsupported(
                    "sensitivities (forward or adjoint) where a rate's relation rests at its threshold and reads time, a state that may move or one the parameters move (its value jumps there: no derivative)",
                    format!(
                        "the rates' switch where {} = 0, model '{}', at t = {t}",
                        model.switching_functions()[i],
                        model.name()
                    ),
                ));
            }
        }
        Ok(())
    }

    /// `dτ/dpₖ` for each direction at a crossing of the roots `hits` (zero
    /// at an instant of fixed time), from the rate `f` just before. An
    /// error (only raised where something jumps) where it is undefined.
    #[allow(clippy::too_many_arguments)]
    fn event_time_sensitivity(
        &self,
        model: &Model,
        t: f64,
        y: &[f64],
        s: &[f64],
        f: &[f64],
        inputs: &[f64],
        hits: &[Root],
    ) -> Result<Vec<f64>> {
        let n = y.len();
        let mut dtau: Option<Vec<f64>> = None;
        for &hit in hits {
            let (g, name) = match hit {
                Root::Atom(k, j) => (
                    self.atoms[k][j].as_ref(),
                    format!("event '{}' of model '{}' at t = {t}", model.events[k].name, model.name()),
                ),
                Root::Switch(i) => (
                    Some(&self.switches.0[i]),
                    format!(
                        "the rates' switch where {} = 0, model '{}', at t = {t}",
                        model.switching_functions()[i],
                        model.name()
                    ),
                ),
            };
            let g = g.ok_or_else(|| {
                SaspError::unsupported(
                    "sensitivities (forward or adjoint) at a trigger that changes where no relation crosses",
                    name.clone(),
                )
            })?;
            let (grad, g_t) = g.at(model, t, y, inputs)?;
            let rate: f64 = grad.iter().map(|&(i, d)| d * f[i]).sum::<f64>() + g_t;
            let size: f64 = grad.iter().map(|&(i, d)| (d * f[i]).abs()).sum::<f64>() + g_t.abs();
            if rate.abs() <= 1e-10 * size || !rate.is_finite() {
                return Err(SaspError::unsupported(
                    "sensitivities (forward or adjoint) at a root reached without crossing (zero rate: its time is not differentiable)",
                    name,
                ));
            }
            let this: Vec<f64> =
                s.chunks_exact(n).map(|sk| -grad.iter().map(|&(i, d)| d * sk[i]).sum::<f64>() / rate).collect();
            match &dtau {
                None => dtau = Some(this),
                Some(first) => {
                    let scale = first.iter().chain(&this).fold(0.0f64, |m, v| m.max(v.abs())).max(1e-300);
                    if first.iter().zip(&this).any(|(a, b)| (a - b).abs() > 1e-8 * scale) {
                        return Err(SaspError::unsupported(
                            "sensitivities (forward or adjoint) where two roots cross at one instant with different time sensitivities",
                            name,
                        ));
                    }
                }
            }
        }
        Ok(dtau.unwrap_or_else(|| vec![0.0; s.len() / n]))
    }
}
