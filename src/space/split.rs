//! Strang splitting: the documented baseline for grid solvers.
//!
//! With the grid's right-hand side split into reactions `R` (every cell on
//! its own) and transport `T` (diffusion and chemotaxis), one step of size
//! `Δt` is
//!
//! `y ← T(Δt/2) y`, `y ← R(Δt) y`, `y ← T(Δt/2) y`,
//!
//! each part solved to the given tolerances by BDF with Newton–Krylov solves
//! (for the reactions alone its preconditioner is exact: the cell blocks). The
//! splitting error is `O(Δt²)`
//! (measured in the tests) and does not shrink with the tolerances, which is
//! why splitting is the baseline and not the default: `bdf-krylov` on the
//! whole system controls the whole error (`docs/spatial.md` compares them).

use super::{Part, SpatialSystem};
use crate::error::{Result, SaspError};
use crate::solve::{integrate, AnyStepper, Method, OdeSystem, Options, Plan, Stats, Stepper};

/// The state at `t_end` after Strang steps of (at most) `dt` from `(t0, y0)`,
/// with the work of all sub-solves added up.
pub fn strang(
    system: &SpatialSystem,
    y0: &[f64],
    t0: f64,
    t_end: f64,
    dt: f64,
    options: &Options,
) -> Result<(Vec<f64>, Stats)> {
    let valid = dt.is_finite() && dt > 0.0 && t_end > t0;
    if !valid {
        return Err(SaspError::InvalidOptions(format!(
            "Strang splitting needs a positive step and t_end > t0 (dt {dt}, t0 {t0}, t_end {t_end})"
        )));
    }
    if y0.len() != system.dimension() {
        return Err(SaspError::DimensionMismatch { what: "grid state", expected: system.dimension(), found: y0.len() });
    }
    let reactions = system.with_part(Part::Reactions);
    let transport = system.with_part(Part::Transport);
    // One stepper per part, kept across steps (its preconditioner is built
    // once, and it starts each sub-solve from its last step size).
    let mut transport_stepper = Method::BdfKrylov.stepper(&transport, options.clone())?;
    let mut reaction_stepper = Method::BdfKrylov.stepper(&reactions, options.clone())?;
    let plan = Plan::end_only();
    let advance = |stepper: &mut AnyStepper, part: &SpatialSystem, from: f64, to: f64, y: &mut Vec<f64>| {
        let run = integrate(stepper, &mut &*part, from, y, to, &plan, &mut |_, _, _, _| Ok(()))?;
        y.copy_from_slice(&run.y);
        Ok::<(), SaspError>(())
    };
    let mut y = y0.to_vec();
    let mut t = t0;
    let steps = ((t_end - t0) / dt).ceil() as usize;
    let h = (t_end - t0) / steps as f64;
    for k in 0..steps {
        let t_next = if k + 1 == steps { t_end } else { t0 + (k + 1) as f64 * h };
        let mid = 0.5 * (t + t_next);
        advance(&mut transport_stepper, &transport, t, mid, &mut y)?;
        advance(&mut reaction_stepper, &reactions, t, t_next, &mut y)?;
        advance(&mut transport_stepper, &transport, mid, t_next, &mut y)?;
        t = t_next;
    }
    let mut stats = transport_stepper.stats();
    stats += reaction_stepper.stats();
    Ok((y, stats))
}
