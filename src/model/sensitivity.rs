//! Forward sensitivities of a model's states (see
//! [`crate::solve::sensitivity`] for the equations and the method).
//!
//! A model's Jacobian is exact (factor laws differentiated by the product
//! rule, expressions symbolically), so its sensitivities are too. The
//! directions are given by their initial sensitivities `∂y₀/∂pₖ`: a unit
//! vector for a state's initial value; for a parameter, declare it as a
//! state with zero rate (the PEtab layer does so for the parameters it
//! estimates) so that `∂f/∂p` is a column of the Jacobian.

use super::Model;
use crate::error::{Result, SaspError};
use crate::solve::sensitivity::{solve_forward, SensitivitySolution, Variational};
use crate::solve::{OdeSystem, Options};

impl Model {
    /// The states at `outputs` and their sensitivities, from `y0` and the
    /// initial sensitivities `s0` (one per direction, each of the model's
    /// dimension) at `t0`, inputs at their defaults, by BDF. Models with
    /// events are refused: their sensitivities jump at the events (not
    /// implemented).
    pub fn sensitivities_from(
        &self,
        t0: f64,
        y0: &[f64],
        s0: &[Vec<f64>],
        outputs: &[f64],
        options: &Options,
    ) -> Result<SensitivitySolution> {
        self.refuse_events()?;
        super::events::checked_outputs(t0, outputs)?;
        let system = self.system(&self.default_inputs())?;
        solve_forward(&system, t0, y0, s0, outputs, options)
    }

    /// [`Model::steady_state`] with sensitivities: integrates states and
    /// sensitivities from `(t0, y0, s0)` until both are steady — the rate of
    /// change of the extended state `(y, s₁, …)` at most 1 in the weighted
    /// root-mean-square norm of the tolerances, checked at
    /// `t0 + 1, 10, 100, …` — and returns that time, state and sensitivities
    /// (the steady state's `∂y/∂p`).
    pub fn steady_state_sensitivities(
        &self,
        t0: f64,
        y0: &[f64],
        s0: &[Vec<f64>],
        options: &Options,
    ) -> Result<(f64, Vec<f64>, Vec<Vec<f64>>)> {
        self.refuse_events()?;
        let system = self.system(&self.default_inputs())?;
        let variational = Variational::new(&system, s0.len())?;
        let n = self.dimension();
        let mut z = variational.initial_state(y0, s0)?;
        let mut dz = vec![0.0; z.len()];
        let norm = |t: f64, z: &[f64], dz: &mut [f64]| {
            variational.rhs(t, z, dz);
            let sum: f64 = z
                .iter()
                .zip(dz.iter())
                .enumerate()
                .map(|(i, (&z, &d))| (d / (options.atol.get(i % n) + options.rtol * z.abs())).powi(2))
                .sum();
            (sum / z.len().max(1) as f64).sqrt()
        };
        let mut t = t0;
        let mut last = norm(t, &z, &mut dz);
        let mut span = 1.0;
        while last > 1.0 && span <= 1e12 {
            let stepper = variational.stepper_from(t, &z, options)?;
            let solution = crate::solve::solve(&variational, stepper, t, &z, t0 + span, &[t0 + span])?;
            t = t0 + span;
            z = solution.state(solution.t.len() - 1).to_vec();
            last = norm(t, &z, &mut dz);
            span *= 10.0;
        }
        if last > 1.0 {
            return Err(SaspError::InvalidOptions(format!(
                "model '{}' with its sensitivities reaches no steady state by t = {t:e}: the rate of change is still {last:.3e} times the tolerances",
                self.name()
            )));
        }
        let s = z[n..].chunks_exact(n).map(<[f64]>::to_vec).collect();
        z.truncate(n);
        Ok((t, z, s))
    }

    fn refuse_events(&self) -> Result<()> {
        self.require_ode("forward sensitivities")?;
        if self.events.is_empty() {
            Ok(())
        } else {
            Err(SaspError::unsupported(
                "forward sensitivities of a model with events",
                format!("model '{}'", self.name()),
            ))
        }
    }
}
