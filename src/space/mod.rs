//! Space: the same declared model on a 1D, 2D or 3D Cartesian grid, or on
//! the radial axis of a radially symmetric sphere or cylinder ([`Geometry`]),
//! by the method of lines: grids, boundary conditions, diffusion, chemotaxis and
//! vascular entry; [`slice`](mod@slice) builds the spatial reference geometry. Large
//! grids are solved by `Method::BdfKrylov` (see `docs/spatial.md`).
//!
//! The state is cell-major: compartment `s` of cell `c` is `y[c·m + s]` (m
//! compartments), so each cell's reactions form one diagonal block of the
//! Jacobian and diffusion couples a compartment to itself in neighbouring
//! cells. For compartment `s` with diffusion coefficient `D_s` on a uniform
//! grid of spacing `h` (cell-centred finite volumes):
//!
//! `∂y_s/∂t = f_s(y) + D_s Σ_faces (y_neighbour − y_cell)/h²`,
//!
//! where a zero-flux side contributes nothing, a Dirichlet side with value `g`
//! contributes `2 (g − y_cell)/h²` (ghost cell `2g − y_cell`), and a periodic
//! side wraps around. This is second-order accurate and conserves mass
//! exactly with zero-flux or periodic boundaries. On a radial grid each
//! face's term is multiplied by the face factor `A_f h / V_c` (the face's
//! area over the shell's volume, times `h`; 1 for a Cartesian box), the
//! finite volumes of the radial Laplacian (see [`Geometry`]); the same
//! factors weight chemotaxis and pressure-driven motion below.
//!
//! Chemotaxis of a mobile population `n` up the gradient of a signal `c` with
//! sensitivity `χ` (mm²/day per signal unit) and receptor saturation constant
//! `K` adds the Keller–Segel flux `J = χ n ∇φ(c)` with the receptor law
//! `φ(c) = c / (1 + c/K)`, i.e. sensitivity `χ/(1 + c/K)²` to `∇c` (`K = ∞`:
//! no saturation). Across the face between cell `i` and its neighbour `j`,
//! with `Δ = φ(c_j) − φ(c_i)`, the flux from `i` to `j` is first-order upwind:
//!
//! `F_ij = χ/h · (max(Δ, 0) n_i − max(−Δ, 0) n_j)`, and `∂n_i/∂t −= F_ij / h`.
//!
//! Optionally ([`ChemotaxisScheme::Muscl`], chosen by
//! [`Transport::chemotaxis_scheme()`]) the face values are reconstructed from
//! the upwind cell with a limited slope, second order on smooth solutions:
//! `n_i` becomes `n_i + ½ L(n_i − n_b, n_j − n_i)` with `b` the cell beyond
//! `i` along the same axis ([`Limiter`]: minmod or van Leer; zero slope
//! where `b` is missing at a non-periodic side), and likewise `n_j`.
//!
//! Cells enter through vessels: every process with role `recruitment` is
//! scaled in cell `c` by the vascular density `v_c` (1 = the well-mixed rate;
//! the [`vessels`] fields have mean 1 over the grid, so a uniform tumor
//! recruits as many NK cells as the well-mixed model), by adding
//! `(v_c − 1) · f_recruit(y_c)` to that cell's reactions.
//!
//! Upwinding keeps `n` non-negative and the flux is antisymmetric, so the
//! total of `n` is conserved. MUSCL keeps both: its face value lies between
//! the two cells' values and is the empty cell's own 0 when the upwind cell
//! is empty, so `dn_i/dt ≥ 0` wherever `n_i = 0`. No chemotactic flux crosses a grid side (the
//! cells' periodic sides wrap, as for diffusion).
//!
//! Pressure-driven motion ([`PressureMotion`], [`Transport::pressure_motion`]):
//! populations that fill space together (a tumor's cells) move with the
//! Darcy velocity `v = −κ ∇ρ` of their occupancy `ρ = Σ_k w_k n_k`
//! (porous-medium pressure `p = ρ`), `∂n_k/∂t = ∇·(κ n_k ∇ρ)`, across each
//! face with the upwind flux `F_ij = κ/h · (max(d, 0) n_{k,i} − max(−d, 0)
//! n_{k,j})`, `d = ρ_i − ρ_j`: conservative and positivity-preserving, its
//! Jacobian exact (including the derivatives of `ρ` by every population).
//!
//! The pieces: [`Grid`] and [`Boundary`] (`grid`), [`Transport`] and
//! [`Chemotaxis`] (`transport`), [`vessels`] fields; the [`SpatialSystem`]
//! assembled (`system`) on the grid's sparsity pattern (`pattern`), with
//! vascular entry (`entry`), its right-hand side (`rhs`) and its exact
//! Jacobian (`jacobian`).

mod entry;
mod grid;
mod imex;
mod jacobian;
mod pattern;
mod rhs;
pub mod slice;
pub mod split;
mod system;
mod transport;
pub mod vessels;

pub use grid::{Boundary, Geometry, Grid};
pub use imex::{imex, Stiffness};
pub use system::SpatialSystem;
pub use transport::{Chemotaxis, ChemotaxisScheme, Limiter, PressureMotion, Transport};

/// Which part of the grid's right-hand side a [`SpatialSystem`] evaluates:
/// operator splitting ([`split`]) solves the parts one after the other, the
/// IMEX method ([`imex()`]) treats one explicitly and the other implicitly.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    /// Reactions and transport: the full method-of-lines system.
    All,
    /// Each cell's reactions (with vascular entry) alone.
    Reactions,
    /// Diffusion, chemotaxis and pressure-driven motion alone.
    Transport,
}

/// The role of the processes that vascular density scales.
pub const RECRUITMENT: crate::model::Role = crate::model::Role::Recruitment;
