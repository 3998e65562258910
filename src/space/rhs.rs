//! The grid's right-hand side, cell by cell: each cell's reactions (with
//! vascular entry), then diffusion, then chemotaxis, then pressure-driven
//! motion, summed in that order.

use super::system::SpatialSystem;
use super::{Boundary, ChemotaxisScheme, Limiter, Part};

impl SpatialSystem<'_> {
    /// The neighbour of cell `c` across `side` (`2·axis` for −, `2·axis + 1`
    /// for +), or `None` at a non-periodic grid side.
    pub(super) fn next(&self, c: usize, side: usize, periodic: bool) -> Option<usize> {
        let [open, wrapped] = self.neighbours[c * 2 * self.grid.shape.len() + side];
        if periodic {
            Some(wrapped)
        } else if open == usize::MAX {
            None
        } else {
            Some(open)
        }
    }

    /// The factor `A_f h / V_c` by which the flux across `side` of cell `c`
    /// enters its rate: 1 on a Cartesian grid, the face's area over the
    /// shell's volume (times `h`) on a radial one ([`Geometry`](super::Geometry)).
    #[inline]
    pub(super) fn face_factor(&self, c: usize, side: usize) -> f64 {
        if self.face_factors.is_empty() {
            1.0
        } else {
            self.face_factors[c * 2 * self.grid.shape.len() + side]
        }
    }

    /// `dy_cell = f(y)` for cell `c`: its reactions, vascular entry, diffusion
    /// and chemotaxis (`rates`: scratch of one cell's length).
    pub(super) fn cell_rhs(&self, t: f64, y: &[f64], c: usize, dy_cell: &mut [f64], rates: &mut [f64]) {
        if self.part == Part::Transport {
            dy_cell.fill(0.0);
        } else {
            self.cell_reactions(t, y, c, dy_cell, rates);
        }
        if self.part == Part::Reactions {
            return;
        }
        self.add_cell_diffusion(y, c, dy_cell, rates);
        self.add_cell_chemotaxis(y, c, dy_cell);
        self.add_cell_motion(y, c, dy_cell);
    }

    /// Subtracts the pressure-driven outflow of cell `c`: for each motion
    /// group and face, with the occupancy drop `d = ρ_c − ρ_nb`, each
    /// population loses `κ/h² · (max(d, 0) n_c − max(−d, 0) n_nb)` (times
    /// the face factor on a radial grid).
    fn add_cell_motion(&self, y: &[f64], c: usize, dy_cell: &mut [f64]) {
        let m = self.model.dimension();
        let inv_h2 = 1.0 / (self.grid.spacing * self.grid.spacing);
        for group in &self.transport.motion {
            let k = group.mobility * inv_h2;
            if k == 0.0 {
                continue;
            }
            let rho_c = group.occupancy(&y[c * m..(c + 1) * m]);
            let first = group.populations[0];
            for axis in 0..self.grid.shape.len() {
                let periodic = self.transport.boundaries[first][2 * axis] == Boundary::Periodic;
                for side in [2 * axis, 2 * axis + 1] {
                    if let Some(nb) = self.next(c, side, periodic) {
                        let d = rho_c - group.occupancy(&y[nb * m..(nb + 1) * m]);
                        let w = k * self.face_factor(c, side);
                        let (out, back) = (w * d.max(0.0), w * (-d).max(0.0));
                        for &p in &group.populations {
                            dy_cell[p] -= out * y[c * m + p] - back * y[nb * m + p];
                        }
                    }
                }
            }
        }
    }

    /// Cell `c`'s reactions `f(y_c)` plus vascular entry `(v_c − 1) ·
    /// f_recruit(y_c)` into `dy_cell`.
    fn cell_reactions(&self, t: f64, y: &[f64], c: usize, dy_cell: &mut [f64], rates: &mut [f64]) {
        let m = self.model.dimension();
        let r = c * m..(c + 1) * m;
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

    /// Adds diffusion to cell `c`: `D_s/h² Σ_faces w_f (y_neighbour − y_cell)`,
    /// a Dirichlet side `g` counting `2 w_f (g − y_cell)`, a zero-flux side
    /// nothing (`w_f` the face factor: 1 on a Cartesian grid). Each face
    /// across to a neighbour cell is one update of every species' sum in
    /// `acc` (one cell's length); only a grid side looks at each species'
    /// boundary.
    fn add_cell_diffusion(&self, y: &[f64], c: usize, dy_cell: &mut [f64], acc: &mut [f64]) {
        let m = self.model.dimension();
        let inv_h2 = 1.0 / (self.grid.spacing * self.grid.spacing);
        let sides = 2 * self.grid.shape.len();
        let yc = &y[c * m..(c + 1) * m];
        acc.fill(0.0);
        for side in 0..sides {
            let w = self.face_factor(c, side);
            let [open, wrapped] = self.neighbours[c * sides + side];
            if open != usize::MAX {
                // Inside the grid every species has the same neighbour.
                let yn = &y[open * m..(open + 1) * m];
                for ((a, &n), &x) in acc.iter_mut().zip(yn).zip(yc) {
                    *a += w * (n - x);
                }
                continue;
            }
            for (s, (a, &x)) in acc.iter_mut().zip(yc).enumerate() {
                match self.transport.boundaries[s][side] {
                    Boundary::Periodic => *a += w * (y[wrapped * m + s] - x),
                    Boundary::Dirichlet(g) => *a += w * 2.0 * (g - x),
                    Boundary::ZeroFlux => {}
                }
            }
        }
        for ((dy, &a), &d) in dy_cell.iter_mut().zip(acc.iter()).zip(&self.transport.diffusion) {
            let d = d * inv_h2;
            if d != 0.0 {
                *dy += d * a;
            }
        }
    }

    /// Subtracts the chemotactic outflow of cell `c`: for each face, with
    /// `Δ = φ(c_nb) − φ(c_c)`, `χ/h² · (max(Δ, 0) n_{c→nb} − max(−Δ, 0) n_{nb→c})`
    /// (times the face factor on a radial grid), the face values `n_{c→nb} = n_c` (upwind) or reconstructed by MUSCL
    /// ([`face_value`](Self::face_value)).
    fn add_cell_chemotaxis(&self, y: &[f64], c: usize, dy_cell: &mut [f64]) {
        let m = self.model.dimension();
        let inv_h2 = 1.0 / (self.grid.spacing * self.grid.spacing);
        for term in &self.transport.chemotaxis {
            let (p, q) = (term.population, term.signal);
            let k = term.sensitivity * inv_h2;
            let mut out = 0.0;
            for axis in 0..self.grid.shape.len() {
                let periodic = self.transport.boundaries[p][2 * axis] == Boundary::Periodic;
                for dir in [-1, 1] {
                    let side = 2 * axis + usize::from(dir > 0);
                    if let Some(nb) = self.next(c, side, periodic) {
                        let delta = term.potential(y[nb * m + q]) - term.potential(y[c * m + q]);
                        let flux = match self.transport.chemotaxis_scheme {
                            ChemotaxisScheme::Upwind => {
                                delta.max(0.0) * y[c * m + p] - (-delta).max(0.0) * y[nb * m + p]
                            }
                            // Only the upwind side's reconstruction is needed.
                            ChemotaxisScheme::Muscl(limiter) if delta > 0.0 => {
                                let back = self.next(c, side ^ 1, periodic);
                                delta * self.face_value(y, p, [c, nb], back, limiter)
                            }
                            ChemotaxisScheme::Muscl(limiter) if delta < 0.0 => {
                                let back = self.next(nb, side, periodic);
                                delta * self.face_value(y, p, [nb, c], back, limiter)
                            }
                            ChemotaxisScheme::Muscl(_) => 0.0,
                        };
                        out += self.face_factor(c, side) * flux;
                    }
                }
            }
            dy_cell[p] -= k * out;
        }
    }

    /// The MUSCL value of compartment `p` on the face from the upwind cell
    /// `u` to the downwind cell `d` (`[u, d]`), with `b` the cell beyond `u`
    /// on the far side from `d`:
    /// `n_u + ½ L(n_u − n_b, n_d − n_u)`, or `n_u` when `b` is missing (a
    /// non-periodic grid side). The same numbers in the same order whichever
    /// of the two cells evaluates it, so the flux is exactly antisymmetric.
    pub(super) fn face_value(
        &self,
        y: &[f64],
        p: usize,
        [u, d]: [usize; 2],
        b: Option<usize>,
        limiter: Limiter,
    ) -> f64 {
        let m = self.model.dimension();
        let n_u = y[u * m + p];
        match b {
            None => n_u,
            Some(b) => n_u + 0.5 * limiter.slope(n_u - y[b * m + p], y[d * m + p] - n_u),
        }
    }
}
