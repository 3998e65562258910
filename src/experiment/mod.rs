//! Running a model through time with its interventions.
//!
//! [`simulate`] integrates a model from its initial state, stopping exactly at
//! every switch time, and samples the state at the requested output times.

use crate::error::{Result, SaspError};
use crate::intervene::Switch;
use crate::model::Model;
use crate::solve::{integrate, Method, Options, Plan, Solution};

/// Simulates `model` from its initial time and state to `t_end`, applying
/// `switches`, and returns the states at `outputs` (increasing, within the run),
/// integrated with `method` (use [`Method::Auto`] for the library's choice).
///
/// ```
/// use sasp::{experiment::simulate, intervene::Switch, solve::{Method, Options}};
/// let model = sasp::models::iannello2013()?;
/// let days: Vec<f64> = (-14..=21).map(f64::from).collect();
/// let run = simulate(&model, &[Switch::p53_restored_at(0.0)], 21.0, &days, Method::Auto, &Options::default())?;
/// let t = model.index_of("P")?;
/// assert!(run.state(14)[t] > 50.0); // about 100 mm³ of tumor at day 0
/// # Ok::<(), sasp::SaspError>(())
/// ```
pub fn simulate(
    model: &Model,
    switches: &[Switch],
    t_end: f64,
    outputs: &[f64],
    method: Method,
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
    let stops: Vec<f64> = resolved.iter().map(|s| s.0.min(t_end)).collect();
    let mut system = model.system(&model.default_inputs())?;
    let mut stepper = method.stepper(&system, options.clone())?;
    let plan = Plan { outputs, stops: &stops, events: &[] };
    let run = integrate(&mut stepper, &mut system, t0, &model.initial_state(), t_end, &plan, &mut |k, _, _, sys| {
        let (_, input, value) = resolved[k];
        sys.set_input(input, value);
        Ok(())
    })?;
    Ok(run.solution)
}
