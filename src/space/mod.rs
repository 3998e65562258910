//! Space: the same declared model on a 1D, 2D or 3D Cartesian grid, by the
//! method of lines: grids, boundary conditions, diffusion, chemotaxis and
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
//! exactly with zero-flux or periodic boundaries.
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
//! NK cells enter through vessels: every process tagged `nk_recruitment` is
//! scaled in cell `c` by the vascular density `v_c` (1 = the well-mixed rate;
//! the [`vessels`] fields have mean 1 over the grid, so a uniform tumor
//! recruits as many NK cells as the well-mixed model), by adding
//! `(v_c − 1) · f_recruit(y_c)` to that cell's reactions.
//!
//! Upwinding keeps `n` non-negative and the flux is antisymmetric, so the
//! total of `n` is conserved. No chemotactic flux crosses a grid side (the
//! cells' periodic sides wrap, as for diffusion).

use crate::error::{Result, SaspError};
use crate::model::{Model, SparsityPattern};
use crate::solve::krylov::{CHUNK_CELLS, PARALLEL_MIN};
use crate::solve::{CellLayout, JacobianStructure, OdeSystem};
use ndarray::{ArrayD, ArrayViewD, IxDyn};
use rayon::prelude::*;

/// What happens at one side of the grid for one compartment.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Boundary {
    /// No flux through the side.
    ZeroFlux,
    /// The value on the side is fixed.
    Dirichlet(f64),
    /// The side wraps around to the opposite one.
    Periodic,
}

/// A uniform Cartesian grid of cells.
#[derive(Clone, Debug, PartialEq)]
pub struct Grid {
    /// Cells along each axis (1 to 3 axes).
    pub shape: Vec<usize>,
    /// Cell size (mm).
    pub spacing: f64,
}

impl Grid {
    /// A grid with `shape` cells of size `spacing` mm.
    pub fn new(shape: &[usize], spacing: f64) -> Result<Grid> {
        if shape.is_empty() || shape.len() > 3 || shape.contains(&0) {
            return Err(SaspError::InvalidOptions(format!(
                "a grid has 1 to 3 axes of at least one cell, not {shape:?}"
            )));
        }
        if !(spacing.is_finite() && spacing > 0.0) {
            return Err(SaspError::InvalidOptions(format!("grid spacing {spacing} must be positive")));
        }
        Ok(Grid { shape: shape.to_vec(), spacing })
    }

    /// Number of cells.
    pub fn cells(&self) -> usize {
        self.shape.iter().product()
    }

    /// The neighbour of `cell` along `axis` in direction `dir` (−1 or +1), or
    /// `None` at a non-periodic side; `periodic` says whether that side wraps.
    fn neighbour(&self, cell: usize, axis: usize, dir: isize, periodic: bool) -> Option<usize> {
        let stride: usize = self.shape[axis + 1..].iter().product();
        let n = self.shape[axis];
        let i = (cell / stride) % n;
        let j = i as isize + dir;
        let j = if j < 0 || j >= n as isize {
            if !periodic {
                return None;
            }
            j.rem_euclid(n as isize) as usize
        } else {
            j as usize
        };
        Some(cell - i * stride + j * stride)
    }
}

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
}

/// Which part of the grid's right-hand side a [`SpatialSystem`] evaluates:
/// operator splitting ([`split`]) solves the parts one after the other.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    /// Reactions and transport: the full method-of-lines system.
    All,
    /// Each cell's reactions (with vascular entry) alone.
    Reactions,
    /// Diffusion and chemotaxis alone.
    Transport,
}

/// The tag of the processes that vascular density scales.
pub const RECRUITMENT_TAG: &str = "nk_recruitment";

pub mod slice;
pub mod split;

/// Vascular density fields for NK entry.
pub mod vessels {
    use super::Grid;
    use ndarray::{ArrayD, IxDyn};

    /// Uniform density: every cell 1.
    pub fn uniform(grid: &Grid) -> ArrayD<f64> {
        ArrayD::from_elem(IxDyn(&grid.shape), 1.0)
    }

    /// Rim-enhanced density, normalized to mean 1: `1 + (enhancement − 1)
    /// exp(−d / width)`, where `d` (mm) is a cell centre's distance to the
    /// nearest grid side — vessels crowd the tumor's edge.
    pub fn rim(grid: &Grid, enhancement: f64, width: f64) -> ArrayD<f64> {
        let h = grid.spacing;
        let mut v = ArrayD::from_shape_fn(IxDyn(&grid.shape), |index| {
            let d = (0..grid.shape.len())
                .map(|a| {
                    let x = (index[a] as f64 + 0.5) * h;
                    x.min(grid.shape[a] as f64 * h - x)
                })
                .fold(f64::INFINITY, f64::min);
            1.0 + (enhancement - 1.0) * (-d / width).exp()
        });
        let mean = v.mean().unwrap_or(1.0);
        v.mapv_inplace(|x| x / mean);
        v
    }
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
    fn potential(&self, c: f64) -> f64 {
        c / (1.0 + c.max(0.0) / self.saturation)
    }

    /// `φ'(c) = 1 / (1 + c/K)²`.
    fn potential_slope(&self, c: f64) -> f64 {
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
        }
    }

    /// NK entry through vessels of density `density` (shaped like the grid,
    /// non-negative; 1 recruits at the well-mixed rate): see [`vessels`].
    pub fn vascular_entry(mut self, density: ndarray::ArrayViewD<f64>) -> Result<Transport> {
        if let Some(bad) = density.iter().find(|v| !(v.is_finite() && **v >= 0.0)) {
            return Err(SaspError::InvalidParameter { name: "vascular density".into(), value: *bad });
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
            return Err(SaspError::InvalidParameter { name: format!("diffusion of {compartment}"), value: d });
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
            return Err(SaspError::InvalidParameter {
                name: format!("chemotaxis of {population} to {signal}"),
                value: chi,
            });
        }
        if k.is_nan() || k <= 0.0 {
            return Err(SaspError::InvalidParameter {
                name: format!("receptor saturation of {population} to {signal}"),
                value: k,
            });
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

    /// Sets one boundary for every side of a compartment.
    pub fn boundary(mut self, model: &Model, compartment: &str, b: Boundary) -> Result<Transport> {
        let i = model.index_of(compartment)?;
        for side in self.boundaries[i].iter_mut() {
            *side = b;
        }
        Ok(self)
    }
}

/// A model on a grid: an [`OdeSystem`] with the exact sparse Jacobian.
#[derive(Clone, Debug)]
pub struct SpatialSystem<'m> {
    model: &'m Model,
    grid: Grid,
    transport: Transport,
    inputs: Vec<f64>,
    pattern: SparsityPattern,
    /// Position of each (cell, model-pattern entry) in the grid pattern.
    block: Vec<usize>,
    /// Neighbour of each cell across each side, `[open, wrapped]` per
    /// (cell, side): `open` is `usize::MAX` at a grid side, `wrapped` wraps
    /// around (computed once, read in every right-hand side and Jacobian).
    neighbours: Vec<[usize; 2]>,
    /// Position in the pattern of each transport Jacobian contribution, in
    /// the order `transport_jacobian` produces them.
    transport_slots: Vec<usize>,
    /// Scratch for each chunk of `CHUNK_CELLS` cells (no allocation per
    /// evaluation; one lock per evaluation, chunks then run in parallel).
    scratch: Scratch,
    /// Vascular entry: the recruitment processes alone, each cell's weight
    /// `v_c − 1`, and where their Jacobian entries go in the model pattern.
    entry: Option<VascularEntry>,
    /// What `rhs` and `jacobian` evaluate.
    part: Part,
}

#[derive(Clone, Debug)]
struct VascularEntry {
    recruitment: Model,
    weight: Vec<f64>,
    into_local: Vec<usize>,
}

/// Per-chunk scratch behind one lock (cloned with its system).
#[derive(Debug)]
struct Scratch(std::sync::Mutex<Vec<ChunkScratch>>);

impl Clone for Scratch {
    fn clone(&self) -> Scratch {
        Scratch(std::sync::Mutex::new(self.0.lock().unwrap_or_else(|e| e.into_inner()).clone()))
    }
}

/// One chunk's scratch: the recruitment rates, a cell's reaction Jacobian,
/// and the recruitment Jacobian.
#[derive(Clone, Debug)]
struct ChunkScratch {
    rates: Vec<f64>,
    local: Vec<f64>,
    entry: Vec<f64>,
}

impl<'m> SpatialSystem<'m> {
    /// Assembles `model` on `grid` with `transport` and input values `inputs`.
    pub fn new(model: &'m Model, grid: Grid, transport: Transport, inputs: &[f64]) -> Result<SpatialSystem<'m>> {
        let m = model.dimension();
        if transport.diffusion.len() != m || transport.boundaries.iter().any(|b| b.len() != 2 * grid.shape.len()) {
            return Err(SaspError::DimensionMismatch {
                what: "transport",
                expected: m,
                found: transport.diffusion.len(),
            });
        }
        if inputs.len() != model.default_inputs().len() {
            return Err(SaspError::DimensionMismatch {
                what: "inputs",
                expected: model.default_inputs().len(),
                found: inputs.len(),
            });
        }
        if let Some(t) = transport.chemotaxis.iter().find(|t| t.population.max(t.signal) >= m) {
            return Err(SaspError::InvalidOptions(format!("chemotaxis term {t:?} names a compartment beyond {m}")));
        }
        for (s, sides) in transport.boundaries.iter().enumerate() {
            for axis in 0..grid.shape.len() {
                let (lo, hi) = (sides[2 * axis], sides[2 * axis + 1]);
                if (lo == Boundary::Periodic) != (hi == Boundary::Periodic) {
                    return Err(SaspError::InvalidOptions(format!(
                        "compartment {s}: a periodic side needs a periodic opposite side (axis {axis})"
                    )));
                }
            }
        }
        let cells = grid.cells();
        let local = model.sparsity();
        let mut rows: Vec<Vec<usize>> = Vec::with_capacity(cells * m);
        for c in 0..cells {
            for s in 0..m {
                let mut cols: Vec<usize> = local.row(s).iter().map(|&j| c * m + j).collect();
                // Transport always touches the diagonal, whatever the reactions do.
                cols.push(c * m + s);
                if transport.diffusion[s] > 0.0 {
                    for axis in 0..grid.shape.len() {
                        let periodic = transport.boundaries[s][2 * axis] == Boundary::Periodic;
                        for dir in [-1, 1] {
                            if let Some(nb) = grid.neighbour(c, axis, dir, periodic) {
                                cols.push(nb * m + s);
                            }
                        }
                    }
                }
                for term in transport.chemotaxis.iter().filter(|t| t.population == s) {
                    cols.push(c * m + term.signal);
                    for axis in 0..grid.shape.len() {
                        let periodic = transport.boundaries[s][2 * axis] == Boundary::Periodic;
                        for dir in [-1, 1] {
                            if let Some(nb) = grid.neighbour(c, axis, dir, periodic) {
                                cols.extend([nb * m + s, nb * m + term.signal]);
                            }
                        }
                    }
                }
                cols.sort_unstable();
                cols.dedup();
                rows.push(cols);
            }
        }
        let mut row_start = vec![0];
        let mut col = Vec::new();
        for r in rows {
            col.extend(r);
            row_start.push(col.len());
        }
        let pattern = SparsityPattern::from_csr(cells * m, row_start, col).expect("a valid pattern");
        let mut block = Vec::with_capacity(cells * local.nnz());
        for c in 0..cells {
            for s in 0..m {
                for &j in local.row(s) {
                    block.push(pattern.position(c * m + s, c * m + j).expect("pattern holds the reaction block"));
                }
            }
        }
        let entry = match &transport.vascular_density {
            None => None,
            Some(density) => {
                if density.len() != cells {
                    return Err(SaspError::DimensionMismatch {
                        what: "vascular density",
                        expected: cells,
                        found: density.len(),
                    });
                }
                let mut spec = model.spec().clone();
                spec.processes.retain(|p| p.has_tag(RECRUITMENT_TAG));
                if spec.processes.is_empty() {
                    return Err(SaspError::InvalidModel(format!(
                        "vascular entry scales processes tagged '{RECRUITMENT_TAG}', and the model has none"
                    )));
                }
                let recruitment = Model::from_spec(spec)?;
                let sub = recruitment.sparsity();
                let mut into_local = Vec::with_capacity(sub.nnz());
                for i in 0..m {
                    for &j in sub.row(i) {
                        into_local.push(local.position(i, j).expect("recruitment entries lie in the model pattern"));
                    }
                }
                let weight = density.iter().map(|v| v - 1.0).collect();
                Some(VascularEntry { recruitment, weight, into_local })
            }
        };
        let sides = 2 * grid.shape.len();
        let mut neighbours = Vec::with_capacity(cells * sides);
        for c in 0..cells {
            for side in 0..sides {
                let (axis, dir) = (side / 2, if side % 2 == 0 { -1 } else { 1 });
                let open = grid.neighbour(c, axis, dir, false).unwrap_or(usize::MAX);
                let wrapped = grid.neighbour(c, axis, dir, true).expect("a periodic neighbour always exists");
                neighbours.push([open, wrapped]);
            }
        }
        let chunk = ChunkScratch {
            rates: vec![0.0; m],
            local: vec![0.0; local.nnz()],
            entry: vec![0.0; entry.as_ref().map_or(0, |e| e.recruitment.sparsity().nnz())],
        };
        let scratch = Scratch(std::sync::Mutex::new(vec![chunk; cells.div_ceil(CHUNK_CELLS)]));
        let mut system = SpatialSystem {
            model,
            grid,
            transport,
            inputs: inputs.to_vec(),
            pattern,
            block,
            neighbours,
            transport_slots: Vec::new(),
            scratch,
            entry,
            part: Part::All,
        };
        let mut slots = Vec::new();
        system.transport_jacobian(&vec![0.0; cells * m], |row, col, _| {
            slots.push(system.pattern.position(row, col).expect("the pattern holds every transport entry"))
        });
        system.transport_slots = slots;
        Ok(system)
    }

    /// The neighbour of cell `c` across `side` (`2·axis` for −, `2·axis + 1`
    /// for +), or `None` at a non-periodic grid side.
    fn next(&self, c: usize, side: usize, periodic: bool) -> Option<usize> {
        let [open, wrapped] = self.neighbours[c * 2 * self.grid.shape.len() + side];
        if periodic {
            Some(wrapped)
        } else if open == usize::MAX {
            None
        } else {
            Some(open)
        }
    }

    /// `dy_cell = f(y)` for cell `c`: its reactions, vascular entry, diffusion
    /// and chemotaxis (`rates`: scratch of one cell's length).
    fn cell_rhs(&self, t: f64, y: &[f64], c: usize, dy_cell: &mut [f64], rates: &mut [f64]) {
        let m = self.model.dimension();
        let inv_h2 = 1.0 / (self.grid.spacing * self.grid.spacing);
        let r = c * m..(c + 1) * m;
        if self.part == Part::Transport {
            dy_cell.fill(0.0);
        } else {
            self.model.rhs_unchecked(t, &y[r.clone()], &self.inputs, dy_cell);
            if let Some(entry) = &self.entry {
                let w = entry.weight[c];
                if w != 0.0 {
                    entry.recruitment.rhs_unchecked(t, &y[r], &self.inputs, rates);
                    for (d, f) in dy_cell.iter_mut().zip(rates.iter()) {
                        *d += w * f;
                    }
                }
            }
        }
        if self.part == Part::Reactions {
            return;
        }
        for (s, dy) in dy_cell.iter_mut().enumerate() {
            let d = self.transport.diffusion[s] * inv_h2;
            if d == 0.0 {
                continue;
            }
            let yc = y[c * m + s];
            let mut acc = 0.0;
            for axis in 0..self.grid.shape.len() {
                for side in [2 * axis, 2 * axis + 1] {
                    let b = self.transport.boundaries[s][side];
                    match self.next(c, side, b == Boundary::Periodic) {
                        Some(nb) => acc += y[nb * m + s] - yc,
                        None => {
                            if let Boundary::Dirichlet(g) = b {
                                acc += 2.0 * (g - yc);
                            }
                        }
                    }
                }
            }
            *dy += d * acc;
        }
        for term in &self.transport.chemotaxis {
            let (p, q) = (term.population, term.signal);
            let k = term.sensitivity * inv_h2;
            let mut out = 0.0;
            for axis in 0..self.grid.shape.len() {
                let periodic = self.transport.boundaries[p][2 * axis] == Boundary::Periodic;
                for dir in [-1, 1] {
                    if let Some(nb) = self.next(c, 2 * axis + usize::from(dir > 0), periodic) {
                        let delta = term.potential(y[nb * m + q]) - term.potential(y[c * m + q]);
                        out += delta.max(0.0) * y[c * m + p] - (-delta).max(0.0) * y[nb * m + p];
                    }
                }
            }
            dy_cell[p] -= k * out;
        }
    }

    /// Walks the transport part of the Jacobian (diffusion and chemotaxis),
    /// calling `add(row, column, value)` for each contribution in a fixed
    /// order that depends only on the grid and transport, not on `y`; the
    /// order is recorded once as `transport_slots` at assembly.
    fn transport_jacobian(&self, y: &[f64], mut add: impl FnMut(usize, usize, f64)) {
        let m = self.model.dimension();
        let inv_h2 = 1.0 / (self.grid.spacing * self.grid.spacing);
        for s in 0..m {
            let d = self.transport.diffusion[s] * inv_h2;
            if d == 0.0 {
                continue;
            }
            for c in 0..self.grid.cells() {
                let row = c * m + s;
                for axis in 0..self.grid.shape.len() {
                    for side in [2 * axis, 2 * axis + 1] {
                        let b = self.transport.boundaries[s][side];
                        match self.next(c, side, b == Boundary::Periodic) {
                            Some(nb) => {
                                add(row, row, -d);
                                add(row, nb * m + s, d);
                            }
                            None => {
                                if let Boundary::Dirichlet(_) = b {
                                    add(row, row, -2.0 * d);
                                }
                            }
                        }
                    }
                }
            }
        }
        for term in &self.transport.chemotaxis {
            let (p, q) = (term.population, term.signal);
            let k = term.sensitivity * inv_h2;
            for c in 0..self.grid.cells() {
                let row = c * m + p;
                for axis in 0..self.grid.shape.len() {
                    let periodic = self.transport.boundaries[p][2 * axis] == Boundary::Periodic;
                    for dir in [-1, 1] {
                        if let Some(nb) = self.next(c, 2 * axis + usize::from(dir > 0), periodic) {
                            // out = max(Δ,0) n_c − max(−Δ,0) n_nb with Δ = c_nb − c_c.
                            let (s_c, s_nb) = (y[c * m + q], y[nb * m + q]);
                            let delta = term.potential(s_nb) - term.potential(s_c);
                            let (n_c, n_nb) = (y[c * m + p], y[nb * m + p]);
                            let d_out_d_delta = if delta > 0.0 { n_c } else { n_nb };
                            add(row, row, -k * delta.max(0.0));
                            add(row, nb * m + p, k * (-delta).max(0.0));
                            add(row, nb * m + q, -k * d_out_d_delta * term.potential_slope(s_nb));
                            add(row, c * m + q, k * d_out_d_delta * term.potential_slope(s_c));
                        }
                    }
                }
            }
        }
    }

    /// The same system evaluating only `part` of its right-hand side (and
    /// Jacobian; the sparsity pattern is the full one).
    pub fn with_part(&self, part: Part) -> SpatialSystem<'m> {
        SpatialSystem { part, ..self.clone() }
    }

    /// The grid.
    pub fn grid(&self) -> &Grid {
        &self.grid
    }

    /// The model in every cell.
    pub fn model(&self) -> &'m Model {
        self.model
    }

    /// Sets input `i` (e.g. doxycycline at a switch).
    pub fn set_input(&mut self, i: usize, value: f64) {
        self.inputs[i] = value;
    }

    /// Carries out an intervention's timed action on the grid, as the
    /// well-mixed runs do on one box: a switch sets the input everywhere, a
    /// dose adds its amount to the compartment in every cell (a systemic
    /// dose reaches every box of the tumor alike).
    pub fn apply(&mut self, action: &crate::intervene::TimedAction, y: &mut [f64]) -> Result<()> {
        use crate::intervene::TimedAction;
        self.check_state(y)?;
        let m = self.model.dimension();
        let (index, bound, what) = match *action {
            TimedAction::SetInput { input, .. } => (input, self.inputs.len(), "input index"),
            TimedAction::Add { compartment, .. } => (compartment, m, "compartment index"),
        };
        if index >= bound {
            return Err(SaspError::DimensionMismatch { what, expected: bound, found: index });
        }
        action.apply(y, m, |i, v| self.inputs[i] = v);
        Ok(())
    }

    /// A uniform field: every cell holds `cell_state`.
    pub fn uniform(&self, cell_state: &[f64]) -> Vec<f64> {
        cell_state.iter().copied().cycle().take(self.grid.cells() * cell_state.len()).collect()
    }

    /// The field of one compartment as an array shaped like the grid
    /// (`field[[i, j]]` is cell `(i, j)` of a 2D grid).
    pub fn field(&self, y: &[f64], compartment: &str) -> Result<ArrayD<f64>> {
        let s = self.model.index_of(compartment)?;
        let m = self.model.dimension();
        self.check_state(y)?;
        let values = (0..self.grid.cells()).map(|c| y[c * m + s]).collect();
        Ok(ArrayD::from_shape_vec(IxDyn(&self.grid.shape), values).expect("grid-shaped"))
    }

    /// Writes one compartment's field into the state `y`; `field` must be
    /// shaped like the grid.
    pub fn set_field(&self, y: &mut [f64], compartment: &str, field: ArrayViewD<f64>) -> Result<()> {
        let s = self.model.index_of(compartment)?;
        let m = self.model.dimension();
        self.check_state(y)?;
        if field.shape() != self.grid.shape.as_slice() {
            return Err(SaspError::InvalidOptions(format!(
                "field for {compartment} has shape {:?}, the grid is {:?}",
                field.shape(),
                self.grid.shape
            )));
        }
        for (c, v) in field.iter().enumerate() {
            y[c * m + s] = *v;
        }
        Ok(())
    }

    fn check_state(&self, y: &[f64]) -> Result<()> {
        if y.len() != self.dimension() {
            return Err(SaspError::DimensionMismatch {
                what: "grid state",
                expected: self.dimension(),
                found: y.len(),
            });
        }
        Ok(())
    }

    /// Total amount of a compartment (sum over cells × cell volume `h^d`).
    pub fn total(&self, y: &[f64], compartment: &str) -> Result<f64> {
        let volume = self.grid.spacing.powi(self.grid.shape.len() as i32);
        Ok(self.field(y, compartment)?.iter().sum::<f64>() * volume)
    }
}

impl OdeSystem for SpatialSystem<'_> {
    fn dimension(&self) -> usize {
        self.grid.cells() * self.model.dimension()
    }

    /// Cell by cell (in parallel chunks on large grids): reactions, vascular
    /// entry, diffusion, then chemotaxis, each cell's own sum in that order.
    fn rhs(&self, t: f64, y: &[f64], dy: &mut [f64]) {
        let m = self.model.dimension();
        let mut scratch = self.scratch.0.lock().unwrap_or_else(|e| e.into_inner());
        let chunk = |((k, dy), scratch): ((usize, &mut [f64]), &mut ChunkScratch)| {
            for (i, dy_cell) in dy.chunks_mut(m).enumerate() {
                self.cell_rhs(t, y, k * CHUNK_CELLS + i, dy_cell, &mut scratch.rates);
            }
        };
        if y.len() >= PARALLEL_MIN {
            dy.par_chunks_mut(m * CHUNK_CELLS).enumerate().zip(scratch.par_iter_mut()).for_each(chunk);
        } else {
            dy.chunks_mut(m * CHUNK_CELLS).enumerate().zip(scratch.iter_mut()).for_each(chunk);
        }
    }

    fn component_name(&self, i: usize) -> String {
        let m = self.model.dimension();
        let name = self.model.compartment_names().nth(i % m).unwrap_or("?").to_string();
        format!("{name} in cell {}", i / m)
    }

    fn is_autonomous(&self) -> bool {
        self.model.is_autonomous()
    }

    fn cell_layout(&self) -> Option<CellLayout> {
        Some(CellLayout::new(&self.grid.shape, self.model.dimension()))
    }

    fn jacobian_structure(&self) -> JacobianStructure {
        JacobianStructure::Sparse(self.pattern.clone())
    }

    /// The reaction blocks cell by cell (in parallel chunks on large grids:
    /// a chunk's cells own a contiguous run of rows), then the transport.
    fn jacobian(&self, t: f64, y: &[f64], values: &mut [f64]) -> bool {
        let m = self.model.dimension();
        let local_nnz = self.model.sparsity().nnz();
        values.fill(0.0);
        let cells = self.grid.cells();
        // Split the values at the rows where chunks of cells begin.
        let mut pieces = Vec::with_capacity(cells.div_ceil(CHUNK_CELLS));
        let mut rest = &mut values[..];
        let mut offset = 0;
        for first in (0..cells).step_by(CHUNK_CELLS) {
            let end = self.pattern.row_start()[((first + CHUNK_CELLS).min(cells)) * m];
            let (piece, tail) = std::mem::take(&mut rest).split_at_mut(end - offset);
            pieces.push((first, offset, piece));
            rest = tail;
            offset = end;
        }
        let mut scratch = self.scratch.0.lock().unwrap_or_else(|e| e.into_inner());
        let chunk = |((first, offset, piece), scratch): ((usize, usize, &mut [f64]), &mut ChunkScratch)| {
            for c in first..(first + CHUNK_CELLS).min(cells) {
                let yc = &y[c * m..(c + 1) * m];
                self.model.jacobian_sparse_unchecked(t, yc, &self.inputs, &mut scratch.local);
                if let Some(entry) = &self.entry {
                    let w = entry.weight[c];
                    if w != 0.0 {
                        entry.recruitment.jacobian_sparse_unchecked(t, yc, &self.inputs, &mut scratch.entry);
                        for (k, v) in scratch.entry.iter().enumerate() {
                            scratch.local[entry.into_local[k]] += w * v;
                        }
                    }
                }
                for (k, v) in scratch.local.iter().enumerate() {
                    piece[self.block[c * local_nnz + k] - offset] += v;
                }
            }
        };
        match self.part {
            Part::Transport => {}
            _ if y.len() >= PARALLEL_MIN => pieces.into_par_iter().zip(scratch.par_iter_mut()).for_each(chunk),
            _ => pieces.into_iter().zip(scratch.iter_mut()).for_each(chunk),
        }
        if self.part == Part::Reactions {
            return true;
        }
        let mut slot = self.transport_slots.iter();
        self.transport_jacobian(y, |_, _, v| values[*slot.next().expect("one slot per transport entry")] += v);
        true
    }
}
