//! The grid's exact sparse Jacobian: each cell's reaction block (with
//! vascular entry) scattered into the grid pattern, in parallel chunks of
//! cells on large grids, then the transport couplings, walked in a fixed
//! order whose pattern positions assembly records once.

use super::system::{ChunkScratch, SpatialSystem};
use super::{Boundary, ChemotaxisScheme, Limiter, Part};
use crate::solve::krylov::{CHUNK_CELLS, PARALLEL_MIN};
use rayon::prelude::*;

impl SpatialSystem<'_> {
    /// Adds the reaction blocks into `values` (zeroed, in the grid
    /// pattern's CSR order): cell by cell `∂f/∂y_c + (v_c − 1) ·
    /// ∂f_recruit/∂y_c`, in parallel chunks on large grids (a chunk's cells
    /// own a contiguous run of rows). Adds nothing for [`Part::Transport`].
    pub(super) fn add_reaction_blocks(&self, t: f64, y: &[f64], values: &mut [f64]) {
        let m = self.model.dimension();
        let local_nnz = self.model.sparsity().nnz();
        let cells = self.grid.cells();
        let pieces = self.split_at_chunks(values);
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
    }

    /// Splits the Jacobian's values at the rows where chunks of
    /// `CHUNK_CELLS` cells begin: `(first cell, offset of the piece, piece)`.
    fn split_at_chunks<'v>(&self, values: &'v mut [f64]) -> Vec<(usize, usize, &'v mut [f64])> {
        let m = self.model.dimension();
        let cells = self.grid.cells();
        let mut pieces = Vec::with_capacity(cells.div_ceil(CHUNK_CELLS));
        let mut rest = values;
        let mut offset = 0;
        for first in (0..cells).step_by(CHUNK_CELLS) {
            let end = self.pattern.row_start()[((first + CHUNK_CELLS).min(cells)) * m];
            let (piece, tail) = std::mem::take(&mut rest).split_at_mut(end - offset);
            pieces.push((first, offset, piece));
            rest = tail;
            offset = end;
        }
        pieces
    }

    /// Adds the transport couplings into `values` at the positions recorded
    /// at assembly (`transport_slots`).
    pub(super) fn add_transport_jacobian(&self, y: &[f64], values: &mut [f64]) {
        let mut slot = self.transport_slots.iter();
        self.transport_jacobian(y, |_, _, v| values[*slot.next().expect("one slot per transport entry")] += v);
    }

    /// Walks the transport part of the Jacobian (diffusion, chemotaxis and
    /// pressure-driven motion),
    /// calling `add(row, column, value)` for each contribution in a fixed
    /// order that depends only on the grid and transport, not on `y`; the
    /// order is recorded once as `transport_slots` at assembly.
    pub(super) fn transport_jacobian(&self, y: &[f64], mut add: impl FnMut(usize, usize, f64)) {
        self.diffusion_jacobian(&mut add);
        self.chemotaxis_jacobian(y, &mut add);
        self.motion_jacobian(y, &mut add);
    }

    /// Pressure-driven motion's entries, group by group and cell by cell: the
    /// derivatives of population `p`'s outflow
    /// `κ/h² · (max(d, 0) n_{p,c} − max(−d, 0) n_{p,nb})`, `d = ρ_c − ρ_nb`,
    /// `ρ = Σ_q w_q n_q`: by `n_{p,c}` and `n_{p,nb}` directly, and through
    /// `d` by every population `q` of the group in both cells
    /// (`∂d/∂n_{q,c} = w_q = −∂d/∂n_{q,nb}`), with the upwind value
    /// (`n_{p,c}` if `d > 0`, else `n_{p,nb}`) as `∂out/∂d`. At `d = 0` (a
    /// kink) the derivative is that of the branch `d < 0`.
    fn motion_jacobian(&self, y: &[f64], add: &mut impl FnMut(usize, usize, f64)) {
        let m = self.model.dimension();
        let inv_h2 = 1.0 / (self.grid.spacing * self.grid.spacing);
        for group in &self.transport.motion {
            let k = group.mobility * inv_h2;
            let first = group.populations[0];
            for c in 0..self.grid.cells() {
                let rho_c = group.occupancy(&y[c * m..(c + 1) * m]);
                for axis in 0..self.grid.shape.len() {
                    let periodic = self.transport.boundaries[first][2 * axis] == Boundary::Periodic;
                    for side in [2 * axis, 2 * axis + 1] {
                        if let Some(nb) = self.next(c, side, periodic) {
                            let d = rho_c - group.occupancy(&y[nb * m..(nb + 1) * m]);
                            let k = k * self.face_factor(c, side);
                            for &p in &group.populations {
                                let row = c * m + p;
                                add(row, row, -k * d.max(0.0));
                                add(row, nb * m + p, k * (-d).max(0.0));
                                let upwind = if d > 0.0 { y[row] } else { y[nb * m + p] };
                                for (&q, w) in group.populations.iter().zip(&group.volumes) {
                                    add(row, c * m + q, -k * upwind * w);
                                    add(row, nb * m + q, k * upwind * w);
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Diffusion's entries, compartment by compartment and cell by cell:
    /// `−D/h²` on the diagonal and `D/h²` at the neighbour per open face,
    /// `−2D/h²` on the diagonal per Dirichlet side, each times the face
    /// factor (1 on a Cartesian grid; see [`face_factor`](Self::face_factor)).
    /// Chemotaxis and motion below are weighted by the same factors.
    fn diffusion_jacobian(&self, add: &mut impl FnMut(usize, usize, f64)) {
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
                        let d = d * self.face_factor(c, side);
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
    }

    /// Chemotaxis's entries, term by term and cell by cell: the derivatives
    /// of the outflow `χ/h² · (max(Δ, 0) n_{c→nb} − max(−Δ, 0) n_{nb→c})`,
    /// `Δ = φ(c_nb) − φ(c_c)`, by `n_c`, `n_nb`, `c_nb` and `c_c`, and with
    /// MUSCL also by `n` in the cells beyond `c` and beyond `nb`
    /// ([`muscl_face`](Self::muscl_face)). At `Δ = 0` (a kink) the
    /// derivative is that of the branch `Δ < 0`.
    fn chemotaxis_jacobian(&self, y: &[f64], add: &mut impl FnMut(usize, usize, f64)) {
        let m = self.model.dimension();
        let inv_h2 = 1.0 / (self.grid.spacing * self.grid.spacing);
        for term in &self.transport.chemotaxis {
            let (p, q) = (term.population, term.signal);
            let k = term.sensitivity * inv_h2;
            for c in 0..self.grid.cells() {
                let row = c * m + p;
                for axis in 0..self.grid.shape.len() {
                    let periodic = self.transport.boundaries[p][2 * axis] == Boundary::Periodic;
                    for dir in [-1, 1] {
                        let side = 2 * axis + usize::from(dir > 0);
                        if let Some(nb) = self.next(c, side, periodic) {
                            let k = k * self.face_factor(c, side);
                            // Upwind: out = max(Δ,0) n_c − max(−Δ,0) n_nb, Δ = φ(c_nb) − φ(c_c).
                            let (s_c, s_nb) = (y[c * m + q], y[nb * m + q]);
                            let delta = term.potential(s_nb) - term.potential(s_c);
                            let d_out_d_delta = match self.transport.chemotaxis_scheme {
                                ChemotaxisScheme::Upwind => {
                                    let (n_c, n_nb) = (y[c * m + p], y[nb * m + p]);
                                    add(row, row, -k * delta.max(0.0));
                                    add(row, nb * m + p, k * (-delta).max(0.0));
                                    if delta > 0.0 {
                                        n_c
                                    } else {
                                        n_nb
                                    }
                                }
                                ChemotaxisScheme::Muscl(limiter) => {
                                    // out = Δ · n_face, reconstructed in the upwind cell.
                                    let (back_c, back_nb) =
                                        (self.next(c, side ^ 1, periodic), self.next(nb, side, periodic));
                                    let [face, d_c, d_nb, d_back_c, d_back_nb] = if delta > 0.0 {
                                        let [face, d_u, d_d, d_b] = self.muscl_face(y, p, [c, nb], back_c, limiter);
                                        [face, d_u, d_d, d_b, 0.0]
                                    } else {
                                        let [face, d_u, d_d, d_b] = self.muscl_face(y, p, [nb, c], back_nb, limiter);
                                        [face, d_d, d_u, 0.0, d_b]
                                    };
                                    add(row, row, -k * delta * d_c);
                                    add(row, nb * m + p, -k * delta * d_nb);
                                    if let Some(b) = back_c {
                                        add(row, b * m + p, -k * delta * d_back_c);
                                    }
                                    if let Some(b) = back_nb {
                                        add(row, b * m + p, -k * delta * d_back_nb);
                                    }
                                    face
                                }
                            };
                            add(row, nb * m + q, -k * d_out_d_delta * term.potential_slope(s_nb));
                            add(row, c * m + q, k * d_out_d_delta * term.potential_slope(s_c));
                        }
                    }
                }
            }
        }
    }

    /// The MUSCL face value from upwind cell `u` to downwind cell `d`
    /// (`[u, d]`, `b` the cell beyond `u`; see
    /// [`face_value`](Self::face_value)) and its derivatives by `n_u`,
    /// `n_d` and `n_b`: with `(L_a, L_b)` the limiter's derivatives at
    /// `a = n_u − n_b`, `b = n_d − n_u`, they are `1 + ½(L_a − L_b)`, `½ L_b`
    /// and `−½ L_a` (`1, 0, 0` without `b`).
    fn muscl_face(&self, y: &[f64], p: usize, [u, d]: [usize; 2], b: Option<usize>, limiter: Limiter) -> [f64; 4] {
        let m = self.model.dimension();
        let face = self.face_value(y, p, [u, d], b, limiter);
        match b {
            None => [face, 1.0, 0.0, 0.0],
            Some(b) => {
                let n_u = y[u * m + p];
                let (l_a, l_b) = limiter.slope_derivatives(n_u - y[b * m + p], y[d * m + p] - n_u);
                [face, 1.0 + 0.5 * (l_a - l_b), 0.5 * l_b, -0.5 * l_a]
            }
        }
    }
}
