//! The spatial system: a model on a grid with its transport, assembled
//! once (checks, sparsity pattern, neighbour table, vascular entry, scratch)
//! into an [`OdeSystem`] whose right-hand side (`rhs`) and exact sparse
//! Jacobian (`jacobian`) are evaluated cell by cell; its accessors read and
//! write fields of the grid state.

use super::entry::VascularEntry;
use super::pattern::{grid_pattern, neighbour_table, reaction_block};
use super::{Boundary, Grid, Part, Transport};
use crate::error::{Result, SaspError};
use crate::model::{Model, SparsityPattern};
use crate::solve::krylov::{CHUNK_CELLS, PARALLEL_MIN};
use crate::solve::{CellLayout, JacobianStructure, OdeSystem};
use ndarray::{ArrayD, ArrayViewD, IxDyn};
use rayon::prelude::*;

/// A model on a grid: an [`OdeSystem`] with the exact sparse Jacobian.
#[derive(Clone, Debug)]
pub struct SpatialSystem<'m> {
    pub(super) model: &'m Model,
    pub(super) grid: Grid,
    pub(super) transport: Transport,
    pub(super) inputs: Vec<f64>,
    pub(super) pattern: SparsityPattern,
    /// Position of each (cell, model-pattern entry) in the grid pattern.
    pub(super) block: Vec<usize>,
    /// Neighbour of each cell across each side, `[open, wrapped]` per
    /// (cell, side): `open` is `usize::MAX` at a grid side, `wrapped` wraps
    /// around (computed once, read in every right-hand side and Jacobian).
    pub(super) neighbours: Vec<[usize; 2]>,
    /// On a radial grid, the factor `A_f h / V_c` of each (cell, side)
    /// (see [`face_factor`](Self::face_factor)); empty on a Cartesian grid,
    /// where every factor is 1.
    pub(super) face_factors: Vec<f64>,
    /// Position in the pattern of each transport Jacobian contribution, in
    /// the order `transport_jacobian` produces them.
    pub(super) transport_slots: Vec<usize>,
    /// Scratch for each chunk of `CHUNK_CELLS` cells (no allocation per
    /// evaluation; one lock per evaluation, chunks then run in parallel).
    pub(super) scratch: Scratch,
    /// Vascular entry: the recruitment processes alone, each cell's weight
    /// `v_c − 1`, and where their Jacobian entries go in the model pattern.
    pub(super) entry: Option<VascularEntry>,
    /// What `rhs` and `jacobian` evaluate.
    pub(super) part: Part,
}

/// Per-chunk scratch behind one lock (cloned with its system).
#[derive(Debug)]
pub(super) struct Scratch(pub(super) std::sync::Mutex<Vec<ChunkScratch>>);

impl Clone for Scratch {
    fn clone(&self) -> Scratch {
        Scratch(std::sync::Mutex::new(self.0.lock().unwrap_or_else(|e| e.into_inner()).clone()))
    }
}

/// One chunk's scratch: the recruitment rates, a cell's reaction Jacobian,
/// and the recruitment Jacobian.
#[derive(Clone, Debug)]
pub(super) struct ChunkScratch {
    pub(super) rates: Vec<f64>,
    pub(super) local: Vec<f64>,
    pub(super) entry: Vec<f64>,
}

impl<'m> SpatialSystem<'m> {
    /// Assembles `model` on `grid` with `transport` and input values `inputs`.
    pub fn new(model: &'m Model, grid: Grid, transport: Transport, inputs: &[f64]) -> Result<SpatialSystem<'m>> {
        check_assembly(model, &grid, &transport, inputs)?;
        let m = model.dimension();
        let cells = grid.cells();
        let local = model.sparsity();
        let pattern = grid_pattern(local, &grid, &transport, m);
        let block = reaction_block(local, &pattern, cells, m);
        let entry = match &transport.vascular_density {
            None => None,
            Some(density) => Some(VascularEntry::new(model, density, cells)?),
        };
        let neighbours = neighbour_table(&grid);
        let face_factors = grid.face_factors().unwrap_or_default();
        let scratch = Scratch::new(m, local.nnz(), entry.as_ref(), cells);
        let mut system = SpatialSystem {
            model,
            grid,
            transport,
            inputs: inputs.to_vec(),
            pattern,
            block,
            neighbours,
            face_factors,
            transport_slots: Vec::new(),
            scratch,
            entry,
            part: Part::All,
        };
        system.transport_slots = system.record_transport_slots();
        Ok(system)
    }

    /// The position in the pattern of each transport Jacobian contribution,
    /// in the (fixed) order `transport_jacobian` produces them.
    fn record_transport_slots(&self) -> Vec<usize> {
        let (cells, m) = (self.grid.cells(), self.model.dimension());
        let mut slots = Vec::new();
        self.transport_jacobian(&vec![0.0; cells * m], |row, col, _| {
            slots.push(self.pattern.position(row, col).expect("the pattern holds every transport entry"))
        });
        slots
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

    /// Total amount of a compartment, `Σ_c y_c V_c` (cell volume `V_c`:
    /// `h^d` on a Cartesian grid, a shell's on a radial one; see
    /// [`Grid::cell_volume`]).
    pub fn total(&self, y: &[f64], compartment: &str) -> Result<f64> {
        let field = self.field(y, compartment)?;
        Ok(match self.grid.geometry {
            super::Geometry::Cartesian => field.iter().sum::<f64>() * self.grid.cell_volume(0),
            _ => field.iter().enumerate().map(|(c, v)| v * self.grid.cell_volume(c)).sum(),
        })
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
        values.fill(0.0);
        self.add_reaction_blocks(t, y, values);
        if self.part == Part::Reactions {
            return true;
        }
        self.add_transport_jacobian(y, values);
        true
    }
}

/// Checks that the transport and inputs fit the model and grid: one
/// diffusion coefficient per compartment and two boundaries per axis, one
/// value per input, chemotaxis between existing compartments, periodic
/// sides in opposite pairs, and on a radial grid one axis whose centre side
/// is zero-flux.
fn check_assembly(model: &Model, grid: &Grid, transport: &Transport, inputs: &[f64]) -> Result<()> {
    model.require_ode("a spatial system")?;
    let m = model.dimension();
    if transport.diffusion.len() != m || transport.boundaries.iter().any(|b| b.len() != 2 * grid.shape.len()) {
        return Err(SaspError::DimensionMismatch { what: "transport", expected: m, found: transport.diffusion.len() });
    }
    if grid.is_radial() && grid.shape.len() != 1 {
        return Err(SaspError::InvalidOptions(format!(
            "a {:?} grid has one radial axis, not {:?}",
            grid.geometry, grid.shape
        )));
    }
    if grid.is_radial() {
        if let Some((s, sides)) = transport.boundaries.iter().enumerate().find(|(_, b)| b[0] != Boundary::ZeroFlux) {
            return Err(SaspError::InvalidOptions(format!(
                "{}: the centre of a {:?} grid is not a side and takes zero flux only, not {:?} \
                 (Transport::surface sets the boundary at the surface)",
                model.compartment_names().nth(s).unwrap_or("?"),
                grid.geometry,
                sides[0]
            )));
        }
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
    for group in &transport.motion {
        let bad = group.populations.is_empty()
            || group.populations.len() != group.volumes.len()
            || group.populations.iter().any(|&p| p >= m)
            || group.volumes.iter().any(|w| !(w.is_finite() && *w >= 0.0))
            || !(group.mobility.is_finite() && group.mobility >= 0.0);
        if bad {
            return Err(SaspError::InvalidOptions(format!("invalid pressure-driven motion {group:?}")));
        }
        // The group's faces wrap where its first population's do: all must agree.
        let periodic = |p: usize| transport.boundaries[p].iter().map(|b| *b == Boundary::Periodic).collect::<Vec<_>>();
        if group.populations.iter().any(|&p| periodic(p) != periodic(group.populations[0])) {
            return Err(SaspError::InvalidOptions(format!(
                "the populations of a pressure-driven motion must share their periodic sides: {:?}",
                group.populations
            )));
        }
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
    Ok(())
}

impl Scratch {
    /// One chunk's scratch per `CHUNK_CELLS` cells: `m` rates, a reaction
    /// Jacobian of `local_nnz` values and the recruitment Jacobian.
    fn new(m: usize, local_nnz: usize, entry: Option<&VascularEntry>, cells: usize) -> Scratch {
        let chunk = ChunkScratch {
            rates: vec![0.0; m],
            local: vec![0.0; local_nnz],
            entry: vec![0.0; entry.map_or(0, |e| e.recruitment.sparsity().nnz())],
        };
        Scratch(std::sync::Mutex::new(vec![chunk; cells.div_ceil(CHUNK_CELLS)]))
    }
}
