//! The past of a solution, as a delay differential equation reads it.
//!
//! A delay differential equation `y'(t) = f(t, y(t), y(t − τ₁), …)` needs the
//! solution at earlier times. [`History`] keeps it for the components the
//! delays read:
//!
//! - before the initial time `t₀`, the initial state (a constant initial
//!   history, SBML's semantics and that of most published test problems);
//! - after it, each accepted step `[t_a, t_b]` as the polynomial of degree
//!   [`NODES`]` − 1` through samples of the method's dense output at
//!   equally spaced points of the step, so the past is as accurate as the
//!   dense output (whose degree is at most 5 for the Rosenbrock and
//!   Dormand–Prince 5 methods, which it then reproduces exactly);
//! - a time beyond the last step (a stage of the step in progress, where a
//!   lag is shorter than the step) extrapolates the last step's polynomial.
//!
//! The driver ([`integrate`](super::integrate)) records every accepted step
//! of a system whose [`OdeSystem::history`](super::OdeSystem::history) is
//! set, and cuts the record at a terminal event. It keeps each step within
//! the shortest constant lag and the shortest lag read during the previous
//! step (the method of steps: a stage then reads only recorded steps, but
//! for a lag that shrinks within a step or vanishes, as `τ = t/2` at
//! `t = 0`, where the last step is extrapolated), and restarts at the
//! points `t₀ + j·τ` where the derivatives of the solution jump, up to
//! [`BREAKPOINT_ORDER`] multiples of each constant lag.
//!
//! ```
//! use sasp::solve::History;
//!
//! // y = t² on [0, 1], recorded as one step from its exact dense output.
//! let mut h = History::new(0.0, &[0.0], vec![0], vec![]);
//! h.record(0.0, 1.0, |t, out| out[0] = t * t).unwrap();
//! let mut y = [0.0];
//! h.state_at(0.3, &mut y);
//! assert!((y[0] - 0.09).abs() < 1e-15);
//! h.state_at(-1.0, &mut y); // before t₀: the initial state
//! assert_eq!(y[0], 0.0);
//! ```

use crate::error::{Result, SaspError};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// Samples per recorded step (a polynomial of degree `NODES − 1`).
pub const NODES: usize = 6;

/// Most values a history may hold (steps × samples × recorded components):
/// 2²⁴, 128 MiB.
pub const MAX_HISTORY_VALUES: usize = 1 << 24;

/// How many multiples `t₀ + j·τ` of each constant lag the driver restarts
/// at: the derivative of order `j` of the solution may jump there, and past
/// the order of the methods the jump no longer matters.
pub const BREAKPOINT_ORDER: usize = 5;

/// Barycentric weights of [`NODES`] equally spaced nodes: `(−1)ʲ C(5, j)`.
const WEIGHTS: [f64; NODES] = [1.0, -5.0, 10.0, -10.0, 5.0, -1.0];

/// The recorded past of a solution (see the [module documentation](self)).
#[derive(Clone, Debug, PartialEq)]
pub struct History {
    /// The initial time.
    t0: f64,
    /// The initial state's recorded components.
    y0: Vec<f64>,
    /// The state components recorded, increasing.
    components: Vec<usize>,
    /// The constant lags (positive), for the step limit and the breakpoints.
    lags: Vec<f64>,
    /// Step `k` is the polynomial in `θ = (t − start[k]) / width[k]` ...
    start: Vec<f64>,
    width: Vec<f64>,
    /// ... valid up to `end[k]` (the step's end, or a terminal event within it).
    end: Vec<f64>,
    /// `NODES × components` samples per step, node-major.
    samples: Vec<f64>,
    /// Scratch for one full state.
    state: Vec<f64>,
    /// The shortest positive lag read since the last step was recorded
    /// (and whether a read went past the record) ...
    noted: Notes,
    /// ... and while the last step was taken: the next step stays within it.
    recent: f64,
}

impl History {
    /// The history of a solution that starts at `(t0, y0)`, recording the
    /// state `components` (indices into `y0`, increasing); `lags` are the
    /// system's constant lags (positive; empty if every lag depends on the
    /// state or time).
    ///
    /// # Panics
    ///
    /// If a component is not an index of `y0`.
    pub fn new(t0: f64, y0: &[f64], components: Vec<usize>, lags: Vec<f64>) -> History {
        let start_values = components.iter().map(|&i| y0[i]).collect();
        History {
            t0,
            y0: start_values,
            components,
            lags,
            start: Vec::new(),
            width: Vec::new(),
            end: Vec::new(),
            samples: Vec::new(),
            state: vec![0.0; y0.len()],
            noted: Notes::default(),
            recent: f64::INFINITY,
        }
    }

    /// Starts the record of a run from `(t0, y0)`, unless the record ends at
    /// `t0` (a run continued: the next phase of an experiment, the
    /// integration after an event), which it then goes on from.
    pub fn begin(&mut self, t0: f64, y0: &[f64]) {
        if !self.end.is_empty() && self.end() == t0 {
            return;
        }
        self.t0 = t0;
        for (v, &i) in self.y0.iter_mut().zip(&self.components) {
            *v = y0[i];
        }
        self.truncate(f64::NEG_INFINITY);
        self.noted = Notes::default();
        self.recent = f64::INFINITY;
    }

    /// The initial time.
    pub fn t0(&self) -> f64 {
        self.t0
    }

    /// The values recorded (at most [`MAX_HISTORY_VALUES`]).
    pub fn len(&self) -> usize {
        self.samples.len()
    }

    /// Is nothing recorded?
    pub fn is_empty(&self) -> bool {
        self.samples.is_empty()
    }

    /// Would recording one more step exceed [`MAX_HISTORY_VALUES`]?
    pub fn is_full(&self) -> bool {
        self.samples.len() + NODES * self.components.len() > MAX_HISTORY_VALUES
    }

    /// Where the record ends: the end of the last step (`t0` before any).
    pub fn end(&self) -> f64 {
        self.end.last().copied().unwrap_or(self.t0)
    }

    /// The largest step that keeps every stage within the record: the
    /// shortest constant lag, and the shortest lag read during the last
    /// step (a lag that depends on time or the state; ∞ if none).
    pub fn max_step(&self) -> f64 {
        self.lags.iter().copied().fold(self.recent, f64::min)
    }

    /// Did a read go past the end of the record (a stage of a step longer
    /// than a lag) since the last call? Clears the note.
    pub fn take_overlap(&self) -> bool {
        self.noted.overlap.swap(false, Ordering::Relaxed)
    }

    /// Notes a lag a delay has read (see [`History::max_step`]).
    pub fn note_lag(&self, lag: f64) {
        self.noted.note_lag(lag);
    }

    /// The first point after `t` where the solution's derivatives may jump:
    /// `t₀ + j·τ` for a constant lag `τ` and `1 ≤ j ≤` [`BREAKPOINT_ORDER`]
    /// (∞ if none is left).
    pub fn next_breakpoint(&self, t: f64) -> f64 {
        let mut next = f64::INFINITY;
        for &lag in &self.lags {
            for j in 1..=BREAKPOINT_ORDER {
                let b = self.t0 + j as f64 * lag;
                // Points within rounding of `t` count as passed.
                if b > t + 1e-12 * t.abs().max(lag) {
                    next = next.min(b);
                    break;
                }
            }
        }
        next
    }

    /// Records the accepted step `[ta, tb]` from `dense`, which writes the
    /// state at a time in the step into its second argument. Refuses a
    /// record that would grow past [`MAX_HISTORY_VALUES`].
    pub fn record(&mut self, ta: f64, tb: f64, mut dense: impl FnMut(f64, &mut [f64])) -> Result<()> {
        let m = self.components.len();
        if self.is_full() {
            return Err(SaspError::InvalidOptions(format!(
                "the recorded solution (the history delays read, or the run an adjoint reads) would exceed \
                 {MAX_HISTORY_VALUES} values ({} steps of {m} components) at t = {tb}: shorten the run or \
                 loosen the tolerances",
                self.end.len()
            )));
        }
        // A step that starts before the record's end replaces what it overlaps
        // (a restart after a terminal event or a stop).
        self.truncate(ta);
        let width = tb - ta;
        for j in 0..NODES {
            let t = if j + 1 == NODES { tb } else { ta + width * j as f64 / (NODES - 1) as f64 };
            dense(t, &mut self.state);
            self.samples.extend(self.components.iter().map(|&i| self.state[i]));
        }
        self.start.push(ta);
        self.width.push(width);
        self.end.push(tb);
        self.recent = self.noted.take_shortest_lag();
        Ok(())
    }

    /// Forgets the record after `t` (a terminal event inside the last step).
    pub fn truncate(&mut self, t: f64) {
        let keep = self.end.partition_point(|&s| s < t);
        // Steps that begin before `t` stay, ending at `t` at the latest.
        let keep = if keep < self.start.len() && self.start[keep] < t { keep + 1 } else { keep };
        let m = self.components.len();
        self.start.truncate(keep);
        self.width.truncate(keep);
        self.end.truncate(keep);
        self.samples.truncate(keep * NODES * m);
        if let Some(last) = self.end.last_mut() {
            *last = last.min(t);
        }
    }

    /// Writes the recorded components of the state at time `s` into `out`
    /// (a full state; other components are left as they are): the initial
    /// state for `s ≤ t₀`, else the step that covers `s` (the earlier one at
    /// a step boundary), else the last step extrapolated.
    pub fn state_at(&self, s: f64, out: &mut [f64]) {
        if s > self.end() {
            self.noted.overlap.store(true, Ordering::Relaxed);
        }
        if s <= self.t0 || self.end.is_empty() {
            for (&i, &v) in self.components.iter().zip(&self.y0) {
                out[i] = v;
            }
            return;
        }
        let k = self.end.partition_point(|&e| e < s).min(self.end.len() - 1);
        let m = self.components.len();
        let block = &self.samples[k * NODES * m..(k + 1) * NODES * m];
        let theta = (s - self.start[k]) / self.width[k];
        let step = 1.0 / (NODES - 1) as f64;
        // At a node, its sample; else the barycentric formula (exact for the
        // interpolating polynomial, inside the step or beyond it).
        if let Some(j) = (0..NODES).find(|&j| theta == j as f64 * step) {
            for (c, &i) in self.components.iter().enumerate() {
                out[i] = block[j * m + c];
            }
            return;
        }
        let mut coefficients = [0.0; NODES];
        let mut total = 0.0;
        for (j, c) in coefficients.iter_mut().enumerate() {
            *c = WEIGHTS[j] / (theta - j as f64 * step);
            total += *c;
        }
        for (c, &i) in self.components.iter().enumerate() {
            let mut v = 0.0;
            for (j, &w) in coefficients.iter().enumerate() {
                v += w * block[j * m + c];
            }
            out[i] = v / total;
        }
    }
}

/// What the right-hand side notes while a step is taken, through a shared
/// reference (and in a [`History`] that a finished solution shares between
/// threads): the shortest positive lag read (∞ if none), and whether a
/// read went past the end of the record.
#[derive(Debug)]
struct Notes {
    shortest_lag: AtomicU64,
    overlap: AtomicBool,
}

impl Notes {
    fn note_lag(&self, lag: f64) {
        if lag > 0.0 && lag < self.shortest_lag() {
            self.shortest_lag.store(lag.to_bits(), Ordering::Relaxed);
        }
    }

    fn shortest_lag(&self) -> f64 {
        f64::from_bits(self.shortest_lag.load(Ordering::Relaxed))
    }

    /// The shortest lag, starting over.
    fn take_shortest_lag(&self) -> f64 {
        f64::from_bits(self.shortest_lag.swap(f64::INFINITY.to_bits(), Ordering::Relaxed))
    }
}

impl Default for Notes {
    fn default() -> Self {
        Notes { shortest_lag: AtomicU64::new(f64::INFINITY.to_bits()), overlap: AtomicBool::new(false) }
    }
}

impl Clone for Notes {
    fn clone(&self) -> Self {
        Notes {
            shortest_lag: AtomicU64::new(self.shortest_lag.load(Ordering::Relaxed)),
            overlap: AtomicBool::new(self.overlap.load(Ordering::Relaxed)),
        }
    }
}

impl PartialEq for Notes {
    fn eq(&self, other: &Self) -> bool {
        self.shortest_lag() == other.shortest_lag()
            && self.overlap.load(Ordering::Relaxed) == other.overlap.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_quintic_is_reproduced_and_the_initial_state_holds_before_t0() {
        let p = |t: f64| 1.0 - 2.0 * t + 0.5 * t.powi(3) - 0.25 * t.powi(5);
        let mut h = History::new(1.0, &[p(1.0), 7.0], vec![0], vec![]);
        for k in 0..4 {
            let (a, b) = (1.0 + 0.5 * k as f64, 1.5 + 0.5 * k as f64);
            h.record(a, b, |t, out| {
                out[0] = p(t);
                out[1] = f64::NAN;
            })
            .unwrap();
        }
        let mut y = [0.0, 7.0];
        for s in [1.1, 1.5, 2.37, 2.999, 3.0] {
            h.state_at(s, &mut y);
            assert!((y[0] - p(s)).abs() < 1e-12 * p(s).abs().max(1.0), "{s}: {} vs {}", y[0], p(s));
            assert_eq!(y[1], 7.0, "components not recorded are left alone");
        }
        // Extrapolated past the end: the last step's polynomial, the quintic itself.
        h.state_at(3.2, &mut y);
        assert!((y[0] - p(3.2)).abs() < 1e-9 * p(3.2).abs());
        h.state_at(0.2, &mut y);
        assert_eq!(y[0], p(1.0));
    }

    #[test]
    fn a_terminal_event_cuts_the_record_and_a_restart_replaces_it() {
        let mut h = History::new(0.0, &[0.0], vec![0], vec![]);
        h.record(0.0, 1.0, |t, out| out[0] = t).unwrap();
        h.record(1.0, 2.0, |t, out| out[0] = t).unwrap();
        h.truncate(1.5);
        assert_eq!(h.end(), 1.5);
        // After a jump at 1.5 the state continues from 10.
        h.record(1.5, 2.5, |t, out| out[0] = 10.0 + t).unwrap();
        let mut y = [0.0];
        h.state_at(1.25, &mut y);
        assert!((y[0] - 1.25).abs() < 1e-14);
        h.state_at(2.0, &mut y);
        assert!((y[0] - 12.0).abs() < 1e-14);
        // At the jump, the left value.
        h.state_at(1.5, &mut y);
        assert!((y[0] - 1.5).abs() < 1e-14);
    }

    #[test]
    fn breakpoints_are_the_first_multiples_of_each_lag() {
        let h = History::new(0.0, &[0.0], vec![0], vec![1.0, 0.75]);
        assert_eq!(h.max_step(), 0.75);
        assert_eq!(h.next_breakpoint(0.0), 0.75);
        assert_eq!(h.next_breakpoint(0.75), 1.0);
        assert_eq!(h.next_breakpoint(1.0), 1.5);
        assert_eq!(h.next_breakpoint(4.9), 5.0);
        assert_eq!(h.next_breakpoint(5.0), f64::INFINITY);
    }

    #[test]
    fn the_record_is_bounded() {
        let mut h = History::new(0.0, &[0.0; 1 << 12], (0..1 << 12).collect(), vec![]);
        let steps = MAX_HISTORY_VALUES / (NODES << 12);
        for k in 0..steps {
            h.record(k as f64, k as f64 + 1.0, |_, out| out.fill(0.0)).unwrap();
        }
        let err = h.record(steps as f64, steps as f64 + 1.0, |_, out| out.fill(0.0)).unwrap_err();
        assert!(err.to_string().contains("history"), "{err}");
    }
}
