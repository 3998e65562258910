//! Running a model through time with its interventions.
//!
//! [`simulate`] integrates a model from its initial state, stopping exactly at
//! every switch time, and samples the state at the requested output times.

use crate::error::{Result, SaspError};
use crate::intervene::Switch;
use crate::model::Model;
use crate::solve::dopri5::Dopri5;
use crate::solve::{Options, Solution};

/// Simulates `model` from its initial time and state to `t_end`, applying
/// `switches`, and returns the states at `outputs` (increasing, within the run).
///
/// ```
/// use sasp::{experiment::simulate, intervene::Switch, solve::Options};
/// let model = sasp::models::iannello2013()?;
/// let days: Vec<f64> = (-14..=21).map(f64::from).collect();
/// let run = simulate(&model, &[Switch::p53_restored_at(0.0)], 21.0, &days, &Options::default())?;
/// let t = model.index_of("P")?;
/// assert!(run.state(14)[t] > 50.0); // about 100 mm³ of tumor at day 0
/// # Ok::<(), sasp::SaspError>(())
/// ```
pub fn simulate(
    model: &Model,
    switches: &[Switch],
    t_end: f64,
    outputs: &[f64],
    options: &Options,
) -> Result<Solution> {
    let t0 = model.initial_time();
    if !(t_end.is_finite() && t_end >= t0) {
        return Err(SaspError::InvalidOptions(format!("t_end = {t_end} is before the model's initial time {t0}")));
    }
    let mut resolved = Vec::with_capacity(switches.len());
    for s in switches {
        resolved.push((s.time, s.resolve(model, t0)?, s.value));
    }
    resolved.sort_by(|a, b| a.0.total_cmp(&b.0));
    crate::solve::check_problem(model.dimension(), t0, &model.initial_state(), t_end, outputs)?;
    let mut system = model.system(&model.default_inputs())?;
    let method = Dopri5::new(options.clone());
    let mut y = model.initial_state();
    let mut t = t0;
    let mut solution = Solution::new(model.dimension());
    let mut next_switch = 0;
    let mut segment_outputs = Vec::with_capacity(outputs.len() + 1);
    loop {
        // Apply every switch due now, then integrate exactly to the next one.
        while next_switch < resolved.len() && resolved[next_switch].0 <= t {
            let (_, input, value) = resolved[next_switch];
            system.set_input(input, value);
            next_switch += 1;
        }
        let stop = resolved.get(next_switch).map_or(t_end, |s| s.0.min(t_end));
        // Outputs in [t, stop) belong to this segment; the final segment takes `stop` too.
        segment_outputs.clear();
        segment_outputs.extend(
            outputs[solution.t.len()..].iter().copied().take_while(|&o| o < stop || (stop == t_end && o <= stop)),
        );
        let n_wanted = segment_outputs.len();
        segment_outputs.push(stop);
        let segment = method.solve(&system, t, &y, stop, &segment_outputs)?;
        for j in 0..n_wanted {
            solution.push(segment.t[j], segment.state(j));
        }
        solution.stats += segment.stats;
        y.copy_from_slice(segment.state(n_wanted));
        t = stop;
        if t >= t_end {
            return Ok(solution);
        }
    }
}
