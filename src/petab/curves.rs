//! The simulated observables of a PEtab problem on a fine time grid: the
//! lines of a plot of a fit against its data.

use super::{Problem, Value};
use crate::error::Result;
use crate::sbml::Import;
use crate::solve::{Method, Options};
use std::collections::HashMap;

/// Most points of one curve's time grid.
pub const MAX_CURVE_POINTS: usize = 100_000;

/// One observable simulated through one run of the problem (a simulation
/// condition after its preequilibration, if any), on a time grid.
#[derive(Clone, Debug, PartialEq)]
pub struct Curve {
    /// Index into [`Problem::observables`].
    pub observable: usize,
    /// Index into [`Problem::conditions`] of the preequilibration condition.
    pub preequilibration: Option<usize>,
    /// Index into [`Problem::conditions`] of the simulation condition.
    pub simulation: usize,
    /// The `observableParameters` of the measurements it is drawn for
    /// (several curves of one observable and run differ in them).
    pub observable_parameters: Vec<Value>,
    /// The measurements (indices into [`Problem::measurements`], at finite
    /// times) it is drawn for.
    pub measurements: Vec<usize>,
    /// `(t, simulated value)` on the linear scale, in increasing `t`: the
    /// grid and every measurement time; NaN where the formula has no value.
    pub points: Vec<(f64, f64)>,
}

impl Problem {
    /// The observables simulated at `values` (one per row of the parameter
    /// table, linear scale) on a grid of `points` evenly spaced times from
    /// each run's initial time to its last finite measurement time, plus the
    /// measurement times themselves (so each curve passes through the
    /// simulated values the likelihood compares): one [`Curve`] per run,
    /// observable and set of `observableParameters` that measurements use.
    /// Runs whose measurements are all at steady state (`inf`) have no
    /// curve.
    pub fn curves(&self, values: &[f64], points: usize, method: Method, options: &Options) -> Result<Vec<Curve>> {
        if values.len() != self.parameters.len() {
            return Err(crate::error::SaspError::DimensionMismatch {
                what: "parameter values",
                expected: self.parameters.len(),
                found: values.len(),
            });
        }
        let points = points.clamp(2, MAX_CURVE_POINTS);
        let mut imports: HashMap<usize, Import> = HashMap::new();
        let mut preequilibrated = HashMap::new();
        let mut curves = Vec::new();
        for ((pre, sim), members) in &self.simulation_groups() {
            let finite: Vec<usize> =
                members.iter().copied().filter(|&k| self.measurements[k].time.is_finite()).collect();
            if finite.is_empty() {
                continue;
            }
            self.import_conditions(&mut imports, *pre, *sim, values)?;
            let import = &imports[sim];
            let t0 = import.model.initial_time();
            let pre_import = pre.map(|p| (p, &imports[&p]));
            let y0 = self.run_initial_state(pre_import, *sim, import, method, options, &mut preequilibrated)?;
            let mut times = self.finite_times(&finite);
            let t_end = times.last().copied().unwrap_or(t0);
            if t_end > t0 {
                times.extend((0..points).map(|i| t0 + (t_end - t0) * i as f64 / (points - 1) as f64));
                times.sort_by(f64::total_cmp);
                times.dedup();
            }
            let solution = import
                .model
                .simulate_from(t0, &y0, &times, method, options)
                .map_err(|e| super::likelihood::in_condition(e, &self.conditions[*sim].id, "simulation"))?;
            let mut own: Vec<Curve> = Vec::new();
            for &k in &finite {
                let m = &self.measurements[k];
                match own
                    .iter_mut()
                    .find(|c| c.observable == m.observable && c.observable_parameters == m.observable_parameters)
                {
                    Some(c) => c.measurements.push(k),
                    None => own.push(Curve {
                        observable: m.observable,
                        preequilibration: *pre,
                        simulation: *sim,
                        observable_parameters: m.observable_parameters.clone(),
                        measurements: vec![k],
                        points: Vec::new(),
                    }),
                }
            }
            for c in &mut own {
                let m = &self.measurements[c.measurements[0]];
                c.points = (0..solution.t.len().min(times.len()))
                    .map(|j| {
                        let t = solution.t[j];
                        (t, self.observable_value(m, import, t, solution.state(j), values).unwrap_or(f64::NAN))
                    })
                    .collect();
            }
            curves.extend(own);
        }
        curves.sort_by_key(|c| c.observable);
        Ok(curves)
    }
}
