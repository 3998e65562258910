//! IMEX additive Runge–Kutta on a grid: the grid's right-hand side split into
//! its reactions `R` (every cell on its own, with vascular entry) and its
//! transport `T` (diffusion and chemotaxis), integrated as
//!
//! `y' = f_E(t, y) + f_I(t, y)`
//!
//! by ARK4(3)6L\[2\]SA (Kennedy & Carpenter 2003; [`crate::solve::ark`]) with
//! one part explicit and the other implicit: [`Stiffness::Transport`] takes
//! `f_I = T`, `f_E = R` (diffusion-dominated grids: fine grids make diffusion
//! stiff, `|λ| ≈ 4 d D/h²`, while the reactions stay mild), and
//! [`Stiffness::Reactions`] the reverse (stiff kinetics, slow transport). The
//! implicit stages solve with Newton–Krylov (the grid has a cell layout):
//! for transport alone the split preconditioner is exact for constant
//! diffusion, for the reactions alone it is exact (the cell blocks). Unlike
//! Strang splitting ([`super::split`]) the method is of order 4 in time for
//! the coupled system and its error is controlled by the tolerances.

use super::{Part, SpatialSystem};
use crate::error::Result;
use crate::solve::ark::integrate_imex;
use crate::solve::{Options, Stats};

/// Which part of a grid's right-hand side the IMEX method treats implicitly.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stiffness {
    /// Transport implicit, reactions explicit.
    Transport,
    /// Reactions implicit, transport explicit.
    Reactions,
}

/// The state at `t_end` from `(t0, y0)` by ARK4(3)6L\[2\]SA with the
/// `stiffness` part implicit, to the tolerances of `options`, and the work
/// counters (`rhs_evals` counts evaluations of either part).
pub fn imex(
    system: &SpatialSystem,
    y0: &[f64],
    t0: f64,
    t_end: f64,
    options: &Options,
    stiffness: Stiffness,
) -> Result<(Vec<f64>, Stats)> {
    let reactions = system.with_part(Part::Reactions);
    let transport = system.with_part(Part::Transport);
    match stiffness {
        Stiffness::Transport => integrate_imex(&reactions, &transport, t0, y0, t_end, options),
        Stiffness::Reactions => integrate_imex(&transport, &reactions, t0, y0, t_end, options),
    }
}
