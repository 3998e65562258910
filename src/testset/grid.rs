//! Grid problems, defined exactly so that results compare across solvers.
//!
//! **Brusselator 2D** (the DifferentialEquations.jl "large stiff equations"
//! form): on `x_i = i/(N−1)`, `y_j = j/(N−1)`, `i, j = 0..N−1`,
//! `dx = 1/(N−1)`, five-point Laplacian with periodic wrap (indices mod N),
//!
//! `u' = α Δu + B + u²v − (A+1) u + f`, `v' = α Δv + A u − u²v`,
//!
//! `A = 3.4`, `B = 1`, `α = 10`, `f = 5` where `(x−0.3)² + (y−0.6)² ≤ 0.01`
//! and `t ≥ 1.1`, else 0; `u(0) = 22 (y(1−y))^1.5`, `v(0) = 27 (x(1−x))^1.5`;
//! `t_end = 11.5`; state `y[2(iN+j)+c]`, c = 0 for u, 1 for v. The forcing
//! switches on at an exact stop (t = 1.1).
//!
//! **Brusselator 3D**: the same on an N×N×N grid (`z_l = l/(N−1)`, seven-point
//! Laplacian, initial state independent of z, forcing in the ball
//! `(x−0.3)² + (y−0.6)² + (z−0.5)² ≤ 0.01`); state `y[2((iN+j)N+l)+c]`.
//!
//! **Keller–Segel 1D** (logistic growth and chemotaxis on [0, 20], zero flux):
//! `u' = −∂x J_u + u(1−u)`, `c' = −∂x J_c + u − c` on N cell-centred volumes,
//! `dx = 20/N`, face fluxes `J_u = −(u_{i+1}−u_i)/dx + 5 (u_i+u_{i+1})/2 ·
//! (c_{i+1}−c_i)/dx`, `J_c = −(c_{i+1}−c_i)/dx`, zero on the boundary faces;
//! `u(x,0) = 1 + 0.2 exp(−(x−6)²)` at cell centres, `c(x,0) = 1`; `t_end = 20`;
//! state `y[2i] = u_i`, `y[2i+1] = c_i`. Its Jacobian is sparse within a
//! band of 3 and 3, and exact (as is the Jacobian–vector product the
//! benchmarks give diffsol).
//!
//! The Brusselator's reactions (with the forcing) and diffusion can be
//! evaluated apart ([`Brusselator2d::with_part`]) for the IMEX method
//! ([`Brusselator2d::solve_imex`]).

use crate::error::Result;
use crate::model::SparsityPattern;
use crate::solve::ark::Ark;
use crate::solve::{integrate, CellLayout, Integration, JacobianStructure, Method, OdeSystem, Options, Plan, Stats};
use crate::space::{Part, Stiffness};

const A: f64 = 3.4;
const B: f64 = 1.0;
const ALPHA: f64 = 10.0;

/// The Brusselator on an N×N (2D) or N×N×N (3D) periodic grid.
#[derive(Clone, Debug)]
pub struct Brusselator2d {
    /// Grid points per side.
    pub n: usize,
    /// 2 or 3.
    pub dimensions: usize,
    /// Is the forcing on (t ≥ 1.1)? Switched by the stop at 1.1.
    pub forcing: bool,
    /// Cells inside the forcing disc (ball in 3D).
    disc: Vec<bool>,
    pattern: SparsityPattern,
    /// The terms evaluated: reactions (with the forcing), diffusion, or both.
    part: Part,
}

impl Brusselator2d {
    /// The 2D problem on an N×N grid (N ≥ 3).
    pub fn new(n: usize) -> Brusselator2d {
        Brusselator2d::with_dimensions(n, 2)
    }

    /// The 3D problem on an N×N×N grid (N ≥ 3): the 2D problem's equations
    /// with the seven-point Laplacian, the same initial state (independent of
    /// `z_l = l/(N−1)`), and forcing in the ball `(x−0.3)² + (y−0.6)² + (z−0.5)² ≤ 0.01`.
    pub fn new_3d(n: usize) -> Brusselator2d {
        Brusselator2d::with_dimensions(n, 3)
    }

    fn with_dimensions(n: usize, dimensions: usize) -> Brusselator2d {
        let h = 1.0 / (n as f64 - 1.0);
        let cells = n.pow(dimensions as u32);
        let mut problem = Brusselator2d {
            n,
            dimensions,
            forcing: false,
            disc: Vec::new(),
            pattern: SparsityPattern::from_rows(0, Vec::new()),
            part: Part::All,
        };
        problem.disc = (0..cells)
            .map(|k| {
                let [i, j, l] = problem.coordinates(k);
                let (x, y) = (i as f64 * h, j as f64 * h);
                let z = if dimensions == 3 { (l as f64 * h - 0.5).powi(2) } else { 0.0 };
                (x - 0.3).powi(2) + (y - 0.6).powi(2) + z <= 0.01
            })
            .collect();
        // Pattern: each variable couples to both variables of its cell and to
        // the same variable in the neighbours.
        let mut row_start = vec![0];
        let mut col = Vec::new();
        for k in 0..cells {
            let nbrs = problem.neighbours(k);
            for c in 0..2 {
                let mut cols: Vec<usize> = nbrs[..2 * dimensions].iter().map(|&m| 2 * m + c).collect();
                cols.extend([2 * k, 2 * k + 1]);
                cols.sort_unstable();
                cols.dedup();
                col.extend(cols);
                row_start.push(col.len());
            }
        }
        problem.pattern = SparsityPattern::from_csr(2 * cells, row_start, col).expect("a valid pattern");
        problem
    }

    /// The same problem evaluating only `part` of its right-hand side and
    /// Jacobian ([`Part::Reactions`]: the reactions and forcing,
    /// [`Part::Transport`]: the diffusion; the sparsity pattern stays the full one).
    pub fn with_part(&self, part: Part) -> Brusselator2d {
        Brusselator2d { part, ..self.clone() }
    }

    /// Solves from `t = 0` to 11.5 by ARK4(3)6L\[2\]SA with the `stiffness`
    /// part implicit ([`crate::solve::ark`]), switching the forcing on at
    /// `t = 1.1` (one integrator across the switch: its step size and
    /// Jacobian carry over). Returns the state at 11.5 and the work counters.
    pub fn solve_imex(&self, stiffness: Stiffness, options: Options) -> Result<(Vec<f64>, Stats)> {
        let mut reactions = self.with_part(Part::Reactions);
        let transport = self.with_part(Part::Transport);
        reactions.forcing = false;
        let mut y = self.y0();
        let mut ark = match stiffness {
            Stiffness::Transport => Ark::new(&reactions, &transport, options)?,
            Stiffness::Reactions => Ark::new(&transport, &reactions, options)?,
        };
        for (t0, t1, forcing) in [(0.0, 1.1, false), (1.1, 11.5, true)] {
            reactions.forcing = forcing;
            match stiffness {
                Stiffness::Transport => ark.advance(&reactions, &transport, t0, &mut y, t1)?,
                Stiffness::Reactions => ark.advance(&transport, &reactions, t0, &mut y, t1)?,
            }
        }
        Ok((y, ark.stats()))
    }

    /// Number of grid points.
    fn cells(&self) -> usize {
        self.n.pow(self.dimensions as u32)
    }

    /// Grid point `k`'s indices `(i, j, l)` along x, y (and z; 0 in 2D).
    fn coordinates(&self, k: usize) -> [usize; 3] {
        let n = self.n;
        if self.dimensions == 3 {
            [k / (n * n), (k / n) % n, k % n]
        } else {
            [k / n, k % n, 0]
        }
    }

    /// Initial state.
    pub fn y0(&self) -> Vec<f64> {
        let h = 1.0 / (self.n as f64 - 1.0);
        let mut y = vec![0.0; 2 * self.cells()];
        for k in 0..self.cells() {
            let [i, j, _] = self.coordinates(k);
            let (x, yy) = (i as f64 * h, j as f64 * h);
            y[2 * k] = 22.0 * (yy * (1.0 - yy)).powf(1.5);
            y[2 * k + 1] = 27.0 * (x * (1.0 - x)).powf(1.5);
        }
        y
    }

    /// The periodic neighbours of point `k`: along x, then y, then (in 3D) z;
    /// the first `2 × dimensions` are meaningful.
    fn neighbours(&self, k: usize) -> [usize; 6] {
        let n = self.n;
        let [i, j, l] = self.coordinates(k);
        let (down, up) = (|a: usize| (a + n - 1) % n, |a: usize| (a + 1) % n);
        if self.dimensions == 3 {
            let at = |i: usize, j: usize, l: usize| (i * n + j) * n + l;
            [at(down(i), j, l), at(up(i), j, l), at(i, down(j), l), at(i, up(j), l), at(i, j, down(l)), at(i, j, up(l))]
        } else {
            [down(i) * n + j, up(i) * n + j, i * n + down(j), i * n + up(j), 0, 0]
        }
    }

    /// Solves from `t = 0` to 11.5 with `method`, switching the forcing on at
    /// the stop at `t = 1.1` (the method restarts there).
    pub fn solve(&self, method: Method, options: Options) -> Result<Integration> {
        let mut system = self.clone();
        system.forcing = false;
        let mut stepper = method.stepper(&system, options)?;
        let plan = Plan::end_only().stops(&[1.1]);
        integrate(&mut stepper, &mut system, 0.0, &self.y0(), 11.5, &plan, &mut |_, _, _, s| {
            s.forcing = true;
            Ok(())
        })
    }
}

impl OdeSystem for Brusselator2d {
    fn dimension(&self) -> usize {
        2 * self.cells()
    }

    fn rhs(&self, _t: f64, y: &[f64], dy: &mut [f64]) {
        let h = 1.0 / (self.n as f64 - 1.0);
        let d = ALPHA / (h * h);
        let (stencil, centre) = (2 * self.dimensions, 2.0 * self.dimensions as f64);
        let (react, diffuse) = (self.part != Part::Transport, self.part != Part::Reactions);
        for k in 0..self.cells() {
            let (u, v) = (y[2 * k], y[2 * k + 1]);
            let nb = &self.neighbours(k)[..stencil];
            let lap_u: f64 = nb.iter().map(|&m| y[2 * m]).sum::<f64>() - centre * u;
            let lap_v: f64 = nb.iter().map(|&m| y[2 * m + 1]).sum::<f64>() - centre * v;
            let f = if self.forcing && self.disc[k] { 5.0 } else { 0.0 };
            let uuv = u * u * v;
            // Each part alone, or the full sums as they always were.
            (dy[2 * k], dy[2 * k + 1]) = match (react, diffuse) {
                (true, true) => (d * lap_u + B + uuv - (A + 1.0) * u + f, d * lap_v + A * u - uuv),
                (false, _) => (d * lap_u, d * lap_v),
                (true, false) => (B + uuv - (A + 1.0) * u + f, A * u - uuv),
            };
        }
    }

    /// Autonomous between stops: the forcing changes only at the stop at t = 1.1.
    fn is_autonomous(&self) -> bool {
        true
    }

    fn cell_layout(&self) -> Option<CellLayout> {
        Some(CellLayout::new(&vec![self.n; self.dimensions], 2))
    }

    fn jacobian_structure(&self) -> JacobianStructure {
        JacobianStructure::Sparse(self.pattern.clone())
    }

    fn jacobian(&self, _t: f64, y: &[f64], values: &mut [f64]) -> bool {
        let h = 1.0 / (self.n as f64 - 1.0);
        let d = ALPHA / (h * h);
        let (stencil, centre) = (2 * self.dimensions, 2.0 * self.dimensions as f64);
        let (react, diffuse) = (self.part != Part::Transport, self.part != Part::Reactions);
        let p = &self.pattern;
        values.fill(0.0);
        for k in 0..self.cells() {
            let (u, v) = (y[2 * k], y[2 * k + 1]);
            let nb = &self.neighbours(k)[..stencil];
            for c in 0..2 {
                let row = 2 * k + c;
                let mut put = |col: usize, x: f64| {
                    if let Some(pos) = p.position(row, col) {
                        values[pos] += x;
                    }
                };
                // The diagonal's diffusion share (−2·dimensions·d), written as
                // one sum with the reactions' when both parts are on (the full
                // system's values are unchanged bit for bit).
                let (dd, rd) = (if diffuse { -centre * d } else { 0.0 }, if react { 1.0 } else { 0.0 });
                if diffuse {
                    for &m in nb {
                        put(2 * m + c, d);
                    }
                }
                if c == 0 {
                    put(2 * k, dd + rd * 2.0 * u * v - rd * (A + 1.0));
                    put(2 * k + 1, rd * (u * u));
                } else {
                    put(2 * k, rd * (A - 2.0 * u * v));
                    put(2 * k + 1, dd - rd * (u * u));
                }
            }
        }
        true
    }
}

/// 1D Keller–Segel with logistic growth on N cells.
#[derive(Clone, Debug)]
pub struct KellerSegel {
    /// Number of cells.
    pub n: usize,
}

impl KellerSegel {
    /// Initial state.
    pub fn y0(&self) -> Vec<f64> {
        let dx = 20.0 / self.n as f64;
        let mut y = vec![1.0; 2 * self.n];
        for i in 0..self.n {
            let x = (i as f64 + 0.5) * dx;
            y[2 * i] = 1.0 + 0.2 * (-(x - 6.0) * (x - 6.0)).exp();
        }
        y
    }
}

impl OdeSystem for KellerSegel {
    fn dimension(&self) -> usize {
        2 * self.n
    }

    fn rhs(&self, _t: f64, y: &[f64], dy: &mut [f64]) {
        let n = self.n;
        let dx = 20.0 / n as f64;
        // Fluxes through the interior faces i+1/2, i = 0..n-2; zero on the boundary.
        let flux = |i: usize| -> (f64, f64) {
            let (u0, u1, c0, c1) = (y[2 * i], y[2 * i + 2], y[2 * i + 1], y[2 * i + 3]);
            let gc = (c1 - c0) / dx;
            (-(u1 - u0) / dx + 5.0 * 0.5 * (u0 + u1) * gc, -gc)
        };
        let mut left = (0.0, 0.0);
        for i in 0..n {
            let right = if i + 1 < n { flux(i) } else { (0.0, 0.0) };
            let (u, c) = (y[2 * i], y[2 * i + 1]);
            dy[2 * i] = -(right.0 - left.0) / dx + u * (1.0 - u);
            dy[2 * i + 1] = -(right.1 - left.1) / dx + u - c;
            left = right;
        }
    }

    fn is_autonomous(&self) -> bool {
        true
    }

    fn cell_layout(&self) -> Option<CellLayout> {
        Some(CellLayout::new(&[self.n], 2))
    }

    /// `u` couples to `u` and `c` in its cell and the two neighbours; `c` to
    /// `c` there and to `u` in its own cell.
    fn jacobian_structure(&self) -> JacobianStructure {
        let n = self.n;
        let mut row_start = vec![0];
        let mut col = Vec::new();
        for row in 0..2 * n {
            let i = row / 2;
            let cells = i.saturating_sub(1)..(i + 2).min(n);
            if row % 2 == 0 {
                col.extend(cells.flat_map(|j| [2 * j, 2 * j + 1]));
            } else {
                col.extend(cells.flat_map(|j| if j == i { vec![2 * j, 2 * j + 1] } else { vec![2 * j + 1] }));
            }
            row_start.push(col.len());
        }
        JacobianStructure::Sparse(SparsityPattern::from_csr(2 * n, row_start, col).expect("a valid pattern"))
    }

    /// The exact Jacobian in the pattern's order. Across face `i + ½`
    /// (`χ = 5`, `ū = (u_i + u_{i+1})/2`, `g = (c_{i+1} − c_i)/dx`):
    /// `∂J_u/∂u_i = 1/dx + χ g/2`, `∂J_u/∂u_{i+1} = −1/dx + χ g/2`,
    /// `∂J_u/∂c_i = −χ ū/dx = −∂J_u/∂c_{i+1}`, `∂J_c/∂c_i = 1/dx =
    /// −∂J_c/∂c_{i+1}`; cell `i` gains `−(J_{i+½} − J_{i−½})/dx`, and its
    /// reactions add `1 − 2u_i` (u by u), 1 (c by u) and −1 (c by c).
    fn jacobian(&self, _t: f64, y: &[f64], values: &mut [f64]) -> bool {
        let n = self.n;
        let dx = 20.0 / n as f64;
        let inv = 1.0 / dx;
        // Face i + ½: derivatives of J_u by (u_i, u_{i+1}, c_i, c_{i+1}); zero on the boundary.
        let face = |i: usize| -> [f64; 4] {
            if i + 1 >= n {
                return [0.0; 4];
            }
            let (u0, u1, c0, c1) = (y[2 * i], y[2 * i + 2], y[2 * i + 1], y[2 * i + 3]);
            let (g, bar) = ((c1 - c0) * inv, 0.5 * (u0 + u1));
            [inv + 2.5 * g, -inv + 2.5 * g, -5.0 * bar * inv, 5.0 * bar * inv]
        };
        let mut k = 0;
        let mut put = |v: f64| {
            values[k] = v;
            k += 1;
        };
        let mut left = [0.0; 4];
        for i in 0..n {
            let right = face(i);
            let u = y[2 * i];
            // Row u_i: −(J_R − J_L)/dx + u(1 − u), columns u, c of cells i−1, i, i+1.
            if i > 0 {
                put(left[0] * inv);
                put(left[2] * inv);
            }
            put((-right[0] + left[1]) * inv + 1.0 - 2.0 * u);
            put((-right[2] + left[3]) * inv);
            if i + 1 < n {
                put(-right[1] * inv);
                put(-right[3] * inv);
            }
            // Row c_i: (c_{i−1} − 2c_i + c_{i+1})/dx² (one neighbour at an end) + u − c.
            let neighbours = usize::from(i > 0) + usize::from(i + 1 < n);
            if i > 0 {
                put(inv * inv);
            }
            put(1.0);
            put(-(neighbours as f64) * inv * inv - 1.0);
            if i + 1 < n {
                put(inv * inv);
            }
            left = right;
        }
        true
    }
}
