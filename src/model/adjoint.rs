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
//! Refused, by name: models with events or rates that change their formula
//! (`piecewise` relations: the adjoint jumps where they switch, which is not
//! implemented; use forward sensitivities), delays and algebraic
//! constraints.

use super::events::checked_outputs;
use super::{Model, ModelSystem};
use crate::error::{Result, SaspError};
use crate::solve::adjoint::{solve_adjoint, Recorded};
use crate::solve::{integrate, Method, Options, Plan};

/// A forward run of a model recorded for adjoint solves.
#[derive(Debug)]
pub struct AdjointRun<'m> {
    system: Recorded<ModelSystem<'m>>,
    t0: f64,
    y0: Vec<f64>,
    method: Method,
    options: Options,
    /// The output times.
    pub t: Vec<f64>,
    /// The states at the output times.
    pub y: Vec<Vec<f64>>,
}

impl Model {
    /// Simulates from `y0` at `t0` to the last of `outputs` with `method`,
    /// inputs at their defaults, recording the solution for
    /// [`AdjointRun::adjoint`]. `zero_rate` lists the states whose rates
    /// are identically zero (parameters declared as states), held out of
    /// the iteration matrices ([`Recorded::holding`]). Models with events,
    /// switching rates, delays or algebraic constraints are refused (see
    /// the [module docs](self)).
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
        let refuse = |what: &str| Err(SaspError::unsupported(what, format!("model '{}'", self.name())));
        if !self.events.is_empty() {
            return refuse("adjoint sensitivities of a model with events (use forward sensitivities)");
        }
        if !self.switching_functions().is_empty()
            || self.kinetics.expressions.as_ref().is_some_and(|b| b.unlocked.is_some())
        {
            return refuse(
                "adjoint sensitivities of a model whose rates change their formula (piecewise; use forward \
                 sensitivities)",
            );
        }
        self.check_initial_state(y0)?;
        let t_end = checked_outputs(t0, outputs)?;
        let mut system = Recorded::new(self.system(&self.default_inputs())?, t0, y0).holding(zero_rate)?;
        let mut stepper = method.stepper(&system, options.clone())?;
        let run =
            integrate(&mut stepper, &mut system, t0, y0, t_end, &Plan::outputs(outputs), &mut |_, _, _, _| Ok(()))?;
        let y = (0..run.solution.t.len()).map(|k| run.solution.state(k).to_vec()).collect();
        Ok(AdjointRun { system, t0, y0: y0.to_vec(), method, options: options.clone(), t: run.solution.t, y })
    }
}

impl AdjointRun<'_> {
    /// `∂G/∂y₀` for `G = Σᵢ gᵢ(y(tᵢ))`, given `gradients[i] = ∇gᵢ` at the
    /// `i`-th output (one per output time), by one backward solve (BDF at
    /// `options`). A run too long to record whole
    /// ([`Recorded::is_complete`]) is integrated again between its output
    /// times (the checkpoints: the states there), one stretch at a time
    /// from the last, each recorded on its own for its stretch of the
    /// backward solve.
    pub fn adjoint(&self, gradients: &[Vec<f64>], options: &Options) -> Result<Vec<f64>> {
        if self.system.is_complete() {
            return solve_adjoint(&self.system, self.t0, &self.t, gradients, options);
        }
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
        let held = self.system.held();
        let mut lambda = vec![0.0; self.y0.len()];
        let mut k = self.t.len();
        while k > 0 {
            let t = self.t[k - 1];
            // λ(t⁻): what came back from later, and every gradient at t.
            while k > 0 && self.t[k - 1] == t {
                k -= 1;
                lambda.iter_mut().zip(&gradients[k]).for_each(|(l, g)| *l += g);
            }
            let (ta, ya) = if k > 0 { (self.t[k - 1], &self.y[k - 1]) } else { (self.t0, &self.y0) };
            if ta == t {
                continue;
            }
            let mut leg = Recorded::new(self.system.inner().clone(), ta, ya).holding(&held)?;
            let mut stepper = self.method.stepper(&leg, self.options.clone())?;
            integrate(&mut stepper, &mut leg, ta, ya, t, &Plan::end_only(), &mut |_, _, _, _| Ok(()))?;
            if !leg.is_complete() {
                return Err(SaspError::InvalidOptions(format!(
                    "the run from t = {ta} to the next output t = {t} is too long to record for its adjoint: \
                     add output times in between or loosen the tolerances"
                )));
            }
            lambda = solve_adjoint(&leg, ta, &[t], &[lambda], options)?;
        }
        Ok(lambda)
    }
}
