//! The integration driver shared by every method: output at requested times
//! from dense output, exact stops (where a callback may change the state or the
//! system, and the method restarts cleanly), and state-triggered events located
//! by root finding on the dense output.

use super::failure::first_non_finite;
use super::{check_problem, OdeSystem, Options, Solution, Stats};
use crate::error::{Result, SaspError, SolveError, SolveErrorKind};

/// A one-step-at-a-time integrator with dense output over its last step.
pub trait Stepper {
    /// The method's name (as `testset --method` spells it).
    fn name(&self) -> &'static str;

    /// (Re)starts at `(t, y)`: at the beginning, and after every stop (the
    /// state or the right-hand side may have jumped).
    fn reset<S: OdeSystem>(&mut self, system: &S, t: f64, y: &[f64]) -> Result<()>;

    /// Can the method integrate a differential–algebraic system
    /// ([`OdeSystem::algebraic_components`])? Such a method makes the
    /// algebraic components consistent in [`Stepper::reset`] (its
    /// [`Stepper::y`] then holds the consistent state). Default: no.
    fn solves_dae(&self) -> bool {
        false
    }

    /// Makes the algebraic components of `y` consistent at `t` (holding the
    /// others), for a caller that changes the state between runs (an
    /// event's assignments) and needs the consistent values before the
    /// next [`Stepper::reset`]. A no-op for an ODE and for methods without
    /// [`Stepper::solves_dae`].
    fn make_consistent<S: OdeSystem>(&mut self, system: &S, t: f64, y: &mut [f64]) -> Result<()> {
        let _ = (system, t, y);
        Ok(())
    }

    /// Takes one accepted step, never past `t_stop` (landing on it exactly when
    /// the step would reach it).
    fn step<S: OdeSystem>(&mut self, system: &S, t_stop: f64) -> Result<()>;

    /// Current time.
    fn t(&self) -> f64;

    /// Current state.
    fn y(&self) -> &[f64];

    /// Start of the last step.
    fn t_prev(&self) -> f64;

    /// Makes the dense output of the last step available (methods whose
    /// continuous extension costs extra right-hand sides compute it here, and
    /// only for steps where outputs or events need it).
    fn prepare_dense<S: OdeSystem>(&mut self, system: &S) {
        let _ = system;
    }

    /// Dense output at `t ∈ [t_prev, t]` of the last step (after [`Stepper::prepare_dense`]).
    fn interpolate(&self, t: f64, out: &mut [f64]);

    /// Work counters so far.
    fn stats(&self) -> Stats;
}

/// Which sign changes of an event function count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// From negative to positive.
    Rising,
    /// From positive to negative.
    Falling,
    /// Either way.
    Either,
}

/// An event function `g(t, y)`.
pub type EventFn<'a> = Box<dyn Fn(f64, &[f64]) -> f64 + 'a>;

/// A state-triggered event: a root of `g(t, y)`.
pub struct Event<'a> {
    /// The event function.
    pub g: EventFn<'a>,
    /// Which crossings count.
    pub direction: Direction,
    /// Stop the integration at the event.
    pub terminal: bool,
}

impl<'a> Event<'a> {
    /// An event at roots of `g` in the given direction.
    pub fn new(g: impl Fn(f64, &[f64]) -> f64 + 'a, direction: Direction, terminal: bool) -> Event<'a> {
        Event { g: Box::new(g), direction, terminal }
    }
}

/// An event that happened.
#[derive(Clone, Debug, PartialEq)]
pub struct EventHit {
    /// Index of the event in the list given to [`integrate`].
    pub event: usize,
    /// Time of the root.
    pub t: f64,
    /// State at the root (from the dense output).
    pub y: Vec<f64>,
}

/// What [`integrate`] returns.
#[derive(Clone, Debug, PartialEq)]
pub struct Integration {
    /// States at the output times reached.
    pub solution: Solution,
    /// Events in the order they happened.
    pub events: Vec<EventHit>,
    /// Time where the integration ended (`t_end`, or a terminal event).
    pub t: f64,
    /// State there.
    pub y: Vec<f64>,
}

/// Called at each stop time with the stop's index, the time, the state (which
/// it may change: a bolus dose) and the system (whose inputs it may change).
pub type StopHandler<'h, S> = dyn FnMut(usize, f64, &mut [f64], &mut S) -> Result<()> + 'h;

/// The problem-independent part of a solve: where to output and stop.
///
/// Built from its output times, with stops, events and a progress callback
/// added as needed:
///
/// ```
/// use sasp::solve::Plan;
///
/// let days = [7.0, 14.0, 21.0];
/// let plan = Plan::outputs(&days).stops(&[0.0, 2.0]);
/// assert_eq!(plan.outputs, &days);
/// assert!(plan.events.is_empty() && plan.progress.is_none());
/// ```
pub struct Plan<'p, 'e> {
    /// Output times (increasing, within the run).
    pub outputs: &'p [f64],
    /// Stop times (increasing, within the run); the handler runs at each.
    pub stops: &'p [f64],
    /// State-triggered events.
    pub events: &'p [Event<'e>],
    /// Called with the time after every accepted step (progress bars on long runs).
    pub progress: Option<&'p dyn Fn(f64)>,
}

impl<'p, 'e> Plan<'p, 'e> {
    /// Output at `times` (increasing, within the run); no stops, no events,
    /// no progress callback.
    pub fn outputs(times: &'p [f64]) -> Plan<'p, 'e> {
        Plan { outputs: times, stops: &[], events: &[], progress: None }
    }

    /// No output times: the run's end state only (see [`Plan::outputs`]).
    pub fn end_only() -> Plan<'p, 'e> {
        Plan::outputs(&[])
    }

    /// Stops at `times` (increasing, within the run), where the handler runs.
    pub fn stops(mut self, times: &'p [f64]) -> Plan<'p, 'e> {
        self.stops = times;
        self
    }

    /// State-triggered events.
    pub fn events(mut self, events: &'p [Event<'e>]) -> Plan<'p, 'e> {
        self.events = events;
        self
    }

    /// Calls `progress` with the time after every accepted step.
    pub fn progress(mut self, progress: &'p dyn Fn(f64)) -> Plan<'p, 'e> {
        self.progress = Some(progress);
        self
    }
}

/// Integrates `system` from `(t0, y0)` to `t_end` with `method`.
///
/// The solution's statistics count this call's work only, so a stepper reused
/// for several calls (phases of an experiment) is not counted twice.
///
/// Outputs at a stop time are recorded after the stop's handler has run
/// (values are right-continuous). A terminal event ends the run at the event.
pub fn integrate<S: OdeSystem, M: Stepper>(
    method: &mut M,
    system: &mut S,
    t0: f64,
    y0: &[f64],
    t_end: f64,
    plan: &Plan<'_, '_>,
    on_stop: &mut StopHandler<'_, S>,
) -> Result<Integration> {
    let n = system.dimension();
    check_problem(n, t0, y0, t_end, plan.outputs)?;
    let mut last = t0;
    for &s in plan.stops {
        if !(s >= last && s <= t_end) {
            return Err(SaspError::InvalidOptions(format!(
                "stop times must be increasing within [{t0}, {t_end}]; {s} is not"
            )));
        }
        last = s;
    }
    // A stepper's counters are cumulative (it may serve several calls): this
    // call reports its own work.
    let stats_before = method.stats();
    let mut solution = Solution::new(n);
    solution.method = method.name();
    let mut hits = Vec::new();
    let mut y = y0.to_vec();
    let mut t = t0;
    let mut next_stop = 0;
    let mut next_out = 0;
    let mut buf = vec![0.0; n];
    // Where a step of a delay differential equation started (to take it again).
    let mut y_start = vec![0.0; if system.history().is_some() { n } else { 0 }];
    let mut g_prev = vec![0.0; plan.events.len()];
    let mut g_a = vec![0.0; plan.events.len()];
    let mut crossing = vec![false; plan.events.len()];
    let mut roots: Vec<(f64, usize)> = Vec::with_capacity(plan.events.len());
    if let Some(history) = system.history() {
        history.borrow_mut().begin(t0, y0);
    }
    let dae = !system.algebraic_components().is_empty();
    if dae && !method.solves_dae() {
        return Err(super::dae::dae_refused(method.name()));
    }
    loop {
        // Stops due now: the handler may change the state and the system.
        while next_stop < plan.stops.len() && plan.stops[next_stop] <= t {
            on_stop(next_stop, t, &mut y, system)?;
            next_stop += 1;
        }
        // A differential–algebraic system restarts from consistent values,
        // which are also what an output at this time records.
        if dae {
            method.reset(system, t, &y)?;
            y.copy_from_slice(method.y());
        }
        while next_out < plan.outputs.len() && plan.outputs[next_out] <= t {
            solution.push(plan.outputs[next_out], &y);
            next_out += 1;
        }
        if t >= t_end {
            break;
        }
        // A delay differential equation also restarts where its solution's
        // derivatives jump (multiples of its constant lags).
        let breakpoint = system.history().map_or(f64::INFINITY, |h| h.borrow().next_breakpoint(t));
        let seg_end = plan.stops.get(next_stop).map_or(t_end, |&s| s.min(t_end)).min(breakpoint);
        if !dae {
            method.reset(system, t, &y)?;
        }
        for (k, e) in plan.events.iter().enumerate() {
            g_prev[k] = (e.g)(t, &y);
        }
        let mut terminal = false;
        while method.t() < seg_end {
            // Steps of a delay differential equation stay within its
            // shortest lag, so that their stages read recorded steps only.
            let max_step = system.history().map_or(f64::INFINITY, |h| h.borrow().max_step());
            // (Within two lags of the segment's end, halfway there, so
            // that no sliver of a step is left.)
            let left = seg_end - method.t();
            let t_stop = if left <= max_step {
                seg_end
            } else if left < 2.0 * max_step {
                method.t() + 0.5 * left
            } else {
                method.t() + max_step
            };
            if let Some(history) = system.history() {
                y_start.copy_from_slice(method.y());
                history.borrow().take_overlap();
            }
            let t_start = method.t();
            method.step(system, t_stop)?;
            // The step joins the history before anything (an event
            // function, an output) reads the solution at its end.
            let recorded = record_delay_step(method, system, t_start, &y_start)?;
            let (ta, tb) = (method.t_prev(), method.t());
            if let Some(progress) = plan.progress {
                progress(tb);
            }
            // Which event functions change sign over the step (from their
            // values at the step's ends; the dense output is needed only to
            // locate a root, or for an output inside the step).
            let mut any_crossing = false;
            for (k, e) in plan.events.iter().enumerate() {
                let gb = (e.g)(tb, method.y());
                let ga = g_prev[k];
                crossing[k] = match e.direction {
                    Direction::Rising => ga < 0.0 && gb >= 0.0,
                    Direction::Falling => ga > 0.0 && gb <= 0.0,
                    Direction::Either => (ga < 0.0 && gb >= 0.0) || (ga > 0.0 && gb <= 0.0),
                };
                any_crossing |= crossing[k];
                g_a[k] = ga;
                g_prev[k] = gb;
            }
            let output_inside = plan.outputs.get(next_out).is_some_and(|&o| o <= tb);
            if (output_inside || any_crossing) && !recorded {
                method.prepare_dense(system);
            }
            // Every event root in (ta, tb], in time order; the step ends at
            // the first terminal one (a non-terminal root before it is
            // recorded and hides nothing after it).
            roots.clear();
            for (k, e) in plan.events.iter().enumerate().filter(|&(k, _)| crossing[k]) {
                roots.push((locate_root(&*e.g, method, ta, tb, g_a[k], g_prev[k], &mut buf), k));
            }
            roots.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            let first = roots.iter().copied().find(|&(_, k)| plan.events[k].terminal);
            let t_limit = first.map_or(tb, |(te, _)| te);
            // Outputs at a stop time wait until the stop has been applied.
            while next_out < plan.outputs.len()
                && (plan.outputs[next_out] < t_limit || (plan.outputs[next_out] == t_limit && t_limit < seg_end))
            {
                method.interpolate(plan.outputs[next_out], &mut buf);
                solution.push(plan.outputs[next_out], &buf);
                next_out += 1;
            }
            for &(te, k) in roots.iter().filter(|&&(te, k)| te <= t_limit && !plan.events[k].terminal) {
                method.interpolate(te, &mut buf);
                hits.push(EventHit { event: k, t: te, y: buf.clone() });
            }
            if let Some((te, k)) = first {
                method.interpolate(te, &mut buf);
                hits.push(EventHit { event: k, t: te, y: buf.clone() });
                if let Some(history) = system.history() {
                    history.borrow_mut().truncate(te);
                }
                t = te;
                y.copy_from_slice(&buf);
                terminal = true;
                break;
            }
        }
        if terminal {
            break;
        }
        t = method.t();
        y.copy_from_slice(method.y());
    }
    solution.stats = method.stats() - stats_before;
    Ok(Integration { solution, events: hits, t, y })
}

/// How many times a step of a delay differential equation whose stages read
/// past the recorded history is taken again, each time reading the step's
/// own previous dense output there (a fixed-point iteration on the step).
pub const OVERLAP_ITERATIONS: usize = 4;

/// Records the step just taken from `(t_start, y_start)` into the system's
/// history, if it has one (returns whether it had). A step whose stages read
/// past the record (a lag shorter than the step, as where a lag vanishes) is
/// taken again from the same start [`OVERLAP_ITERATIONS`] times, each time
/// over its own previous dense output.
fn record_delay_step<S: OdeSystem, M: Stepper>(
    method: &mut M,
    system: &S,
    t_start: f64,
    y_start: &[f64],
) -> Result<bool> {
    let Some(history) = system.history() else { return Ok(false) };
    let overlapped = history.borrow().take_overlap();
    for iteration in 0..=OVERLAP_ITERATIONS {
        method.prepare_dense(system);
        let (ta, tb) = (method.t_prev(), method.t());
        history.borrow_mut().record(ta, tb, |t, out| method.interpolate(t, out))?;
        if iteration == OVERLAP_ITERATIONS || !overlapped {
            break;
        }
        method.reset(system, t_start, y_start)?;
        method.step(system, tb)?;
    }
    history.borrow().take_overlap();
    Ok(true)
}

/// Illinois (modified regula falsi) on the dense output, to `4ε·max(1, |t|)`.
fn locate_root<M: Stepper>(
    g: &dyn Fn(f64, &[f64]) -> f64,
    method: &M,
    a: f64,
    b: f64,
    ga: f64,
    gb: f64,
    buf: &mut [f64],
) -> f64 {
    illinois(
        |c| {
            method.interpolate(c, buf);
            g(c, buf)
        },
        a,
        b,
        ga,
        gb,
    )
}

/// A root of `g` in `(a, b]` where `g(a) = ga` and `g(b) = gb` have
/// opposite signs, by the Illinois method (modified regula falsi), to
/// `4ε·max(1, |t|)`: the end of the last bracket on `b`'s side (where `g`
/// has `gb`'s sign), or a point where `g` is exactly 0.
pub(crate) fn illinois(mut g: impl FnMut(f64) -> f64, mut a: f64, mut b: f64, mut ga: f64, mut gb: f64) -> f64 {
    let mut side = 0;
    for _ in 0..200 {
        if (b - a).abs() <= 4.0 * f64::EPSILON * b.abs().max(1.0) {
            break;
        }
        let mut c = b - gb * (b - a) / (gb - ga);
        if !(c > a && c < b) {
            c = 0.5 * (a + b);
        }
        let gc = g(c);
        if gc == 0.0 {
            return c;
        }
        if (gc > 0.0) == (gb > 0.0) {
            b = c;
            gb = gc;
            if side == -1 {
                ga *= 0.5;
            }
            side = -1;
        } else {
            a = c;
            ga = gc;
            if side == 1 {
                gb *= 0.5;
            }
            side = 1;
        }
    }
    b
}

/// Hairer's starting step size for a method of the given order.
#[allow(clippy::too_many_arguments)]
pub(crate) fn initial_step_guess<S: OdeSystem>(
    system: &S,
    t: f64,
    y: &[f64],
    f0: &[f64],
    order: usize,
    opt: &Options,
    scratch: (&mut [f64], &mut [f64]),
    stats: &mut Stats,
) -> f64 {
    // Hairer's starting step (Solving ODEs I, II.4).
    let n = y.len();
    let (y1, f1) = scratch;
    let scale = |i: usize, v: f64| opt.atol.get(i) + opt.rtol * v.abs();
    let (mut d0, mut d1) = (0.0, 0.0);
    for i in 0..n {
        let s = scale(i, y[i]);
        d0 += (y[i] / s).powi(2);
        d1 += (f0[i] / s).powi(2);
    }
    let (d0, d1) = ((d0 / n as f64).sqrt(), (d1 / n as f64).sqrt());
    let h0 = if d0 < 1e-5 || d1 < 1e-5 { 1e-6 } else { 0.01 * d0 / d1 };
    for i in 0..n {
        y1[i] = y[i] + h0 * f0[i];
    }
    system.rhs(t + h0, y1, f1);
    stats.rhs_evals += 1;
    let mut d2 = 0.0;
    for i in 0..n {
        d2 += ((f1[i] - f0[i]) / scale(i, y[i])).powi(2);
    }
    let d2 = (d2 / n as f64).sqrt() / h0;
    let h1 =
        if d1.max(d2) <= 1e-15 { (h0 * 1e-3).max(1e-6) } else { (0.01 / d1.max(d2)).powf(1.0 / (order as f64 + 1.0)) };
    (100.0 * h0).min(h1)
}

/// Checks a right-hand side for NaN or infinity (`method` and `h` for the report).
pub(crate) fn check_finite<S: OdeSystem>(method: &'static str, system: &S, t: f64, h: f64, dy: &[f64]) -> Result<()> {
    match first_non_finite(dy) {
        Some(component) => {
            let mut e = SolveError::new(SolveErrorKind::NonFiniteRhs, method, t, h);
            e.component = Some(component);
            e.component_name = Some(system.component_name(component));
            Err(e.into())
        }
        None => Ok(()),
    }
}

/// Why [`next_step`] refused to step: the kind (`None` for a step size below
/// round-off, whose kind the rejections that shrank it decide) and the step size.
pub(crate) type Refusal = (Option<SolveErrorKind>, f64);

/// The step a one-step method attempts from `t` toward `t_stop`: checks the
/// step budget, applies `fixed_step` and `h_max`, shortens the step to land
/// exactly on `t_stop`, and refuses steps below round-off. Returns `(h, lands)`.
pub(crate) fn next_step(
    stats: &Stats,
    opt: &Options,
    t: f64,
    h: f64,
    t_stop: f64,
) -> std::result::Result<(f64, bool), Refusal> {
    if stats.steps + stats.rejected >= opt.max_steps {
        return Err((Some(SolveErrorKind::TooManySteps { max_steps: opt.max_steps, t_end: t_stop }), h));
    }
    let mut h = opt.fixed_step.unwrap_or(h.min(opt.h_max));
    let lands = t + h >= t_stop - 1e-12 * (t_stop - t).abs().max(h_min(t));
    if lands {
        h = t_stop - t;
    }
    if h <= h_min(t) {
        return Err((None, h));
    }
    Ok((h, lands))
}

/// Checks that a restart state fits the method and the system.
pub(crate) fn check_state<S: OdeSystem>(n: usize, system: &S, y: &[f64]) -> Result<()> {
    if y.len() != n || system.dimension() != n {
        return Err(SaspError::DimensionMismatch { what: "state", expected: n, found: y.len() });
    }
    Ok(())
}

/// The step size below which a method gives up at time `t`.
#[inline]
pub(crate) fn h_min(t: f64) -> f64 {
    16.0 * f64::EPSILON * t.abs().max(1.0)
}
