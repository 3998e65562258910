//! Interventions: timed changes to a model's inputs (and, later, doses and
//! model transformations).
//!
//! A [`Switch`] sets a declared input (e.g. `doxycycline`) to a value at a
//! time. Switch times are exact solver stops: the integrator lands on them and
//! restarts with the new input value.

use crate::error::{Result, SaspError};
use crate::model::Model;

/// Sets input `input` to `value` from time `time` (days) on.
#[derive(Clone, Debug, PartialEq)]
pub struct Switch {
    /// Time of the switch, in days.
    pub time: f64,
    /// The input's name.
    pub input: String,
    /// The new value (finite, ≥ 0).
    pub value: f64,
}

impl Switch {
    /// A switch of `input` to `value` at `time`.
    pub fn new(time: f64, input: &str, value: f64) -> Switch {
        Switch { time, input: input.to_string(), value }
    }

    /// Doxycycline on at `time`: p53 restored in restorable cells.
    pub fn p53_restored_at(time: f64) -> Switch {
        Switch::new(time, "doxycycline", 1.0)
    }

    /// Checks the switch against a model and a run starting at `t0`; returns the input's index.
    pub fn resolve(&self, model: &Model, t0: f64) -> Result<usize> {
        let index = model.input_index(&self.input)?;
        let problem = |reason: String| Err(SaspError::InvalidSchedule { name: self.input.clone(), reason });
        if !self.time.is_finite() {
            return problem(format!("switch time {} is not finite", self.time));
        }
        if self.time < t0 {
            return problem(format!("switch at day {} is before the run starts (day {t0})", self.time));
        }
        if !(self.value.is_finite() && self.value >= 0.0) {
            return problem(format!("switch value {} must be finite and non-negative", self.value));
        }
        Ok(index)
    }
}
