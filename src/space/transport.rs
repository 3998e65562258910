//! Transport on the grid: each compartment's diffusion coefficient and
//! boundary conditions, chemotaxis terms with their receptor law, and the
//! vascular density that scales NK entry.

use super::{Boundary, Grid};
use crate::error::{ModelError, Result, SaspError};
use crate::model::Model;

/// Transport of each compartment: diffusion coefficient and boundaries.
#[derive(Clone, Debug, PartialEq)]
pub struct Transport {
    /// Diffusion coefficient per compartment (mm²/day), in the model's order.
    pub diffusion: Vec<f64>,
    /// Boundary per compartment and side: `[axis0−, axis0+, axis1−, axis1+, …]`.
    pub boundaries: Vec<Vec<Boundary>>,
    /// Chemotaxis terms.
    pub chemotaxis: Vec<Chemotaxis>,
    /// Vascular density per cell (mean 1), scaling NK recruitment; `None`
    /// for uniform entry.
    pub vascular_density: Option<Vec<f64>>,
    /// How chemotactic fluxes are discretized across faces (first-order
    /// upwind unless chosen otherwise; see [`ChemotaxisScheme`]).
    pub chemotaxis_scheme: ChemotaxisScheme,
    /// Pressure-driven motion of cell populations (see [`PressureMotion`]).
    pub motion: Vec<PressureMotion>,
}

/// Pressure-driven (Darcy) motion of cell populations that fill space
/// together: a tumor's cells pushed apart by their own proliferation, as in
/// continuum tumor models.
///
/// The listed populations `n_k` (amounts per grid cell) make up the
/// occupancy `ρ = Σ_k w_k n_k` (the volume fraction they fill: `w_k` is the
/// volume of one unit of `n_k` relative to a grid cell, `1/K` when one grid
/// cell holds `K` at occupancy 1). The pressure is porous-medium, `p = ρ`,
/// and every listed population moves with the Darcy velocity
/// `v = −κ ∇p` (`κ` the mobility, mm²/day):
///
/// `∂n_k/∂t = ∇·(κ n_k ∇ρ) + reactions`,
///
/// so that the occupancy itself obeys the porous-medium equation
/// `∂ρ/∂t = ∇·(κ ρ ∇ρ) + …` (with logistic growth `g ρ (1 − ρ)`: the
/// porous-Fisher equation, whose fronts move at `√(κ g / 2)`).
///
/// Across the face between cell `i` and its neighbour `j`, with the
/// occupancy drop `d = ρ_i − ρ_j` (the velocity points from `i` to `j`
/// when `d > 0`), the flux of `n_k` from `i` to `j` is upwind:
///
/// `F_ij = κ/h · (max(d, 0) n_{k,i} − max(−d, 0) n_{k,j})`, `∂n_{k,i}/∂t −= Σ_j F_ij / h`.
///
/// It is antisymmetric (conservative), takes the face value from the
/// upwind cell (nothing leaves an empty cell: positivity), and since the
/// occupancy's own flux is `κ/h (max(d, 0) ρ_i − max(−d, 0) ρ_j)`, a cell
/// at a local maximum of `ρ` only loses: motion never raises the occupancy
/// above its largest neighbouring value (volume filling is left to the
/// growth law, e.g. logistic in the local occupancy). No flux crosses a
/// non-periodic grid side (zero-flux walls, Dirichlet sides included);
/// periodic sides wrap (the populations of a group must share them).
#[derive(Clone, Debug, PartialEq)]
pub struct PressureMotion {
    /// Indices of the moving populations (the model's order).
    pub populations: Vec<usize>,
    /// Occupancy per unit amount of each population (`w_k`; `1/K`).
    pub volumes: Vec<f64>,
    /// Mobility `κ` (mm²/day per unit of occupancy).
    pub mobility: f64,
}

impl PressureMotion {
    /// The occupancy `ρ = Σ_k w_k n_k` of one grid cell's state (summed in
    /// the populations' order, so both cells of a face get the same bits).
    #[inline]
    pub(super) fn occupancy(&self, cell: &[f64]) -> f64 {
        self.populations.iter().zip(&self.volumes).map(|(&p, w)| w * cell[p]).sum()
    }
}

/// The discretization of the chemotactic flux across a face.
///
/// Across the face between cell `i` and its neighbour `j` (with
/// `Δ = φ(c_j) − φ(c_i)`) the flux from `i` to `j` is
///
/// `F_ij = χ/h · (max(Δ, 0) n_{i→j} − max(−Δ, 0) n_{j→i})`,
///
/// where `n_{i→j}` is the value of `n` on the face reconstructed from the
/// upwind cell `i`. [`Upwind`](ChemotaxisScheme::Upwind) takes the cell value
/// `n_{i→j} = n_i` (first order); [`Muscl`](ChemotaxisScheme::Muscl) adds a
/// limited slope from the cell `b` beyond `i` (on the far side from `j`,
/// along the same axis):
///
/// `n_{i→j} = n_i + ½ L(n_i − n_b, n_j − n_i)`,
///
/// second order where the solution is smooth. Where `b` does not exist (a
/// non-periodic grid side) the slope is zero (first order in that cell).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ChemotaxisScheme {
    /// First-order upwind: the face value is the upwind cell's value.
    #[default]
    Upwind,
    /// MUSCL: the upwind cell's value plus half a limited slope (second order
    /// on smooth solutions, a wider stencil: two cells on each side).
    Muscl(Limiter),
}

/// The slope limiter `L(a, b)` of [`ChemotaxisScheme::Muscl`], from the
/// backward difference `a = n_i − n_b` and the forward difference
/// `b = n_j − n_i` of the upwind cell `i`. Both are zero unless `a b > 0`
/// and then lie between 0 and `2 min(|a|, |b|)` with the sign of `a`, so the
/// face value lies between `n_i` and `n_j` (hence non-negative when they are).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Limiter {
    /// `L = sign(a) min(|a|, |b|)` when `a b > 0`: the most diffusive TVD limiter.
    Minmod,
    /// `L = 2 a b / (a + b)` when `a b > 0` (van Leer's harmonic limiter):
    /// smooth away from `a b = 0`, sharper than minmod.
    VanLeer,
}

impl Limiter {
    /// The limited slope `L(a, b)`.
    pub fn slope(self, a: f64, b: f64) -> f64 {
        if !same_sign(a, b) {
            return 0.0;
        }
        match self {
            Limiter::Minmod => {
                if a.abs() <= b.abs() {
                    a
                } else {
                    b
                }
            }
            // b/(a + b) lies in (0, 1): no overflow for large differences.
            Limiter::VanLeer => 2.0 * a * (b / (a + b)),
        }
    }

    /// The partial derivatives `(∂L/∂a, ∂L/∂b)` on the branch that
    /// [`slope`](Limiter::slope) takes at `(a, b)`: zero when `a b ≤ 0`;
    /// minmod `(1, 0)` when `|a| ≤ |b|`, else `(0, 1)`; van Leer
    /// `(2b²/(a + b)², 2a²/(a + b)²)`.
    pub fn slope_derivatives(self, a: f64, b: f64) -> (f64, f64) {
        if !same_sign(a, b) {
            return (0.0, 0.0);
        }
        match self {
            Limiter::Minmod => {
                if a.abs() <= b.abs() {
                    (1.0, 0.0)
                } else {
                    (0.0, 1.0)
                }
            }
            Limiter::VanLeer => {
                let (wa, wb) = (b / (a + b), a / (a + b));
                (2.0 * wa * wa, 2.0 * wb * wb)
            }
        }
    }
}

/// Whether `a b > 0` (both non-zero, of one sign), without forming `a b`.
fn same_sign(a: f64, b: f64) -> bool {
    (a > 0.0 && b > 0.0) || (a < 0.0 && b < 0.0)
}

/// One chemotaxis term: `population` moves up the gradient of `signal`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Chemotaxis {
    /// Index of the moving compartment (e.g. recruited NK cells).
    pub population: usize,
    /// Index of the attracting compartment (e.g. a chemokine).
    pub signal: usize,
    /// Sensitivity `χ` (mm²/day per unit of signal).
    pub sensitivity: f64,
    /// Receptor saturation constant `K` (signal units; `f64::INFINITY` for none).
    pub saturation: f64,
}

impl Chemotaxis {
    /// The receptor law `φ(c) = c / (1 + c/K)` (negative `c` taken as linear).
    pub(super) fn potential(&self, c: f64) -> f64 {
        c / (1.0 + c.max(0.0) / self.saturation)
    }

    /// `φ'(c) = 1 / (1 + c/K)²`.
    pub(super) fn potential_slope(&self, c: f64) -> f64 {
        let r = 1.0 + c.max(0.0) / self.saturation;
        1.0 / (r * r)
    }
}

impl Transport {
    /// Every compartment immobile with zero-flux sides.
    pub fn immobile(model: &Model, grid: &Grid) -> Transport {
        let m = model.dimension();
        Transport {
            diffusion: vec![0.0; m],
            boundaries: vec![vec![Boundary::ZeroFlux; 2 * grid.shape.len()]; m],
            chemotaxis: Vec::new(),
            vascular_density: None,
            chemotaxis_scheme: ChemotaxisScheme::Upwind,
            motion: Vec::new(),
        }
    }

    /// NK entry through vessels of density `density` (shaped like the grid,
    /// non-negative; 1 recruits at the well-mixed rate): see [`vessels`](super::vessels).
    pub fn vascular_entry(mut self, density: ndarray::ArrayViewD<f64>) -> Result<Transport> {
        if let Some(bad) = density.iter().find(|v| !(v.is_finite() && **v >= 0.0)) {
            return Err(ModelError::InvalidParameter { name: "vascular density".into(), value: *bad }.into());
        }
        if density.iter().all(|&v| v == 0.0) {
            return Err(SaspError::InvalidOptions("vascular density is zero everywhere".into()));
        }
        self.vascular_density = Some(density.iter().copied().collect());
        Ok(self)
    }

    /// The transport the model file declares (`[[transport]]`: diffusion and
    /// chemotaxis per compartment), zero-flux sides; others immobile.
    pub fn declared(model: &Model, grid: &Grid) -> Result<Transport> {
        let mut transport = Transport::immobile(model, grid);
        for (k, t) in model.spec().transport.iter().enumerate() {
            // Validated and converted when the model was built.
            let (diffusion, chemotaxis) = model.transport_canonical(k).unwrap_or((t.diffusion, None));
            transport = transport.diffusing(model, &t.compartment, diffusion)?;
            if let (Some(c), Some((chi, saturation))) = (&t.chemotaxis, chemotaxis) {
                transport = transport.saturating_chemotaxis(model, &t.compartment, &c.signal, chi, saturation)?;
            }
        }
        Ok(transport)
    }

    /// Sets a compartment's diffusion coefficient (mm²/day).
    pub fn diffusing(mut self, model: &Model, compartment: &str, d: f64) -> Result<Transport> {
        if !(d.is_finite() && d >= 0.0) {
            return Err(ModelError::InvalidParameter { name: format!("diffusion of {compartment}"), value: d }.into());
        }
        let i = model.index_of(compartment)?;
        self.diffusion[i] = d;
        Ok(self)
    }

    /// Adds chemotaxis of `population` up the gradient of `signal` with
    /// sensitivity `chi` (mm²/day per unit of signal), without saturation.
    pub fn chemotaxis(self, model: &Model, population: &str, signal: &str, chi: f64) -> Result<Transport> {
        self.saturating_chemotaxis(model, population, signal, chi, f64::INFINITY)
    }

    /// Adds chemotaxis with receptor saturation constant `k`: flux
    /// `χ n ∇c / (1 + c/K)²`.
    pub fn saturating_chemotaxis(
        mut self,
        model: &Model,
        population: &str,
        signal: &str,
        chi: f64,
        k: f64,
    ) -> Result<Transport> {
        if !(chi.is_finite() && chi >= 0.0) {
            return Err(ModelError::InvalidParameter {
                name: format!("chemotaxis of {population} to {signal}"),
                value: chi,
            }
            .into());
        }
        if k.is_nan() || k <= 0.0 {
            return Err(ModelError::InvalidParameter {
                name: format!("receptor saturation of {population} to {signal}"),
                value: k,
            }
            .into());
        }
        let (population, signal) = (model.index_of(population)?, model.index_of(signal)?);
        if population == signal {
            return Err(SaspError::InvalidOptions(format!(
                "compartment {population} cannot be its own chemotactic signal"
            )));
        }
        self.chemotaxis.push(Chemotaxis { population, signal, sensitivity: chi, saturation: k });
        Ok(self)
    }

    /// Discretizes every chemotaxis term with `scheme` (the default is
    /// [`ChemotaxisScheme::Upwind`]): e.g.
    /// `transport.chemotaxis_scheme(ChemotaxisScheme::Muscl(Limiter::VanLeer))`.
    pub fn chemotaxis_scheme(mut self, scheme: ChemotaxisScheme) -> Transport {
        self.chemotaxis_scheme = scheme;
        self
    }

    /// Adds pressure-driven motion ([`PressureMotion`]) of the
    /// `populations`, which fill a grid cell at occupancy 1 when their amounts
    /// sum to `capacity` (`ρ = Σ n_k / capacity`; the reference models'
    /// `K`), with mobility `kappa` (mm²/day): `∂n_k/∂t = ∇·(κ n_k ∇ρ)`.
    ///
    /// ```
    /// use sasp::space::{Grid, Transport};
    /// let model = sasp::models::iannello2013_spatial(0.25)?;
    /// let grid = Grid::new(&[8, 8], 0.25)?;
    /// let k = model.parameter_canonical("K")?;
    /// let transport = Transport::declared(&model, &grid)?.pressure_motion(&model, &["P", "Q", "S"], k, 0.36)?;
    /// assert_eq!(transport.motion[0].populations.len(), 3);
    /// # Ok::<(), sasp::SaspError>(())
    /// ```
    pub fn pressure_motion(
        mut self,
        model: &Model,
        populations: &[&str],
        capacity: f64,
        kappa: f64,
    ) -> Result<Transport> {
        if !(kappa.is_finite() && kappa >= 0.0) {
            return Err(
                ModelError::InvalidParameter { name: format!("mobility of {populations:?}"), value: kappa }.into()
            );
        }
        if !(capacity.is_finite() && capacity > 0.0) {
            return Err(
                ModelError::InvalidParameter { name: format!("capacity of {populations:?}"), value: capacity }.into()
            );
        }
        let indices = populations.iter().map(|p| model.index_of(p)).collect::<Result<Vec<usize>>>()?;
        if indices.is_empty() || (1..indices.len()).any(|i| indices[..i].contains(&indices[i])) {
            return Err(SaspError::InvalidOptions(format!(
                "pressure-driven motion needs distinct populations, not {populations:?}"
            )));
        }
        let volumes = vec![1.0 / capacity; indices.len()];
        self.motion.push(PressureMotion { populations: indices, volumes, mobility: kappa });
        Ok(self)
    }

    /// Sets the boundary of a compartment at the surface `r = R` of a
    /// radial grid ([`Grid::spherical`], [`Grid::cylindrical`]): the + side
    /// of its axis, the only side it has (its centre always takes zero
    /// flux). On a 1D Cartesian grid, its + side; refused on grids of more
    /// axes.
    ///
    /// ```
    /// use sasp::space::{Boundary, Grid, SpatialSystem, Transport};
    /// let model = sasp::models::iannello2013_spatial(0.1)?;
    /// let grid = Grid::spherical(40, 0.1)?;
    /// let transport = Transport::declared(&model, &grid)?.surface(&model, "C2", Boundary::Dirichlet(0.0))?;
    /// let system = SpatialSystem::new(&model, grid, transport, &[1.0])?;
    /// # Ok::<(), sasp::SaspError>(())
    /// ```
    pub fn surface(mut self, model: &Model, compartment: &str, b: Boundary) -> Result<Transport> {
        let i = model.index_of(compartment)?;
        if b == Boundary::Periodic {
            return Err(SaspError::InvalidOptions(format!(
                "{compartment}: a surface cannot be periodic (it has no opposite side)"
            )));
        }
        let sides = self.boundaries.get(i).map_or(0, Vec::len);
        if sides != 2 {
            return Err(SaspError::InvalidOptions(format!(
                "{compartment}: a surface is the one side of a radial (one-axis) grid; this grid has {sides} sides"
            )));
        }
        self.boundaries[i][1] = b;
        Ok(self)
    }

    /// Sets one boundary for every side of a compartment (on a radial grid
    /// use [`Transport::surface`]: the centre is not a side).
    pub fn boundary(mut self, model: &Model, compartment: &str, b: Boundary) -> Result<Transport> {
        let i = model.index_of(compartment)?;
        for side in self.boundaries[i].iter_mut() {
            *side = b;
        }
        Ok(self)
    }
}

#[cfg(test)]
mod tests {
    use super::Limiter;

    #[test]
    fn limiters_keep_the_face_between_the_cells_and_their_derivatives_match_differences() {
        let values = [-3.0, -1.0, -0.25, 0.0, 0.5, 1.0, 2.0, 7.0];
        for limiter in [Limiter::Minmod, Limiter::VanLeer] {
            for &a in &values {
                for &b in &values {
                    let l = limiter.slope(a, b);
                    if a * b > 0.0 {
                        // Same sign as b and at most 2b: n_i + L/2 lies between n_i and n_j.
                        assert!(l / b > 0.0 && l / b <= 2.0 && l.abs() <= 2.0 * a.abs().min(b.abs()), "{a} {b} {l}");
                    } else {
                        assert_eq!(l, 0.0);
                    }
                    // Derivatives of the branch taken, against central differences
                    // (no kink within 1e-6 of these points except where a b = 0 or |a| = |b|).
                    if a * b > 0.0 && a.abs() != b.abs() {
                        let e = 1e-6;
                        let (da, db) = limiter.slope_derivatives(a, b);
                        let fa = (limiter.slope(a + e, b) - limiter.slope(a - e, b)) / (2.0 * e);
                        let fb = (limiter.slope(a, b + e) - limiter.slope(a, b - e)) / (2.0 * e);
                        assert!((da - fa).abs() < 1e-8 && (db - fb).abs() < 1e-8, "{limiter:?} {a} {b}");
                    }
                }
            }
        }
        assert_eq!(Limiter::Minmod.slope(1.0, 3.0), 1.0);
        assert_eq!(Limiter::Minmod.slope(-3.0, -1.0), -1.0);
        assert_eq!(Limiter::VanLeer.slope(1.0, 3.0), 1.5);
        // No overflow for large differences.
        assert_eq!(Limiter::VanLeer.slope(1e300, 1e300), 1e300);
    }
}
