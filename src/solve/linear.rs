//! The [`LinearSolver`] trait: what an implicit method needs from linear
//! algebra, and the solvers that implement it.
//!
//! A Rosenbrock stage or a Newton iteration of BDF solves with the iteration
//! matrix
//!
//! ```text
//! M = shift·I + scale·J        (Rodas: shift = 1/(hγ), scale = −1;
//!                               BDF:  shift = 1,      scale = −h/α)
//! ```
//!
//! where `J = ∂f/∂y` is given by its values in the storage of the system's
//! [`JacobianStructure`]. A solver is built for one structure and dimension;
//! [`LinearSolver::factor_shifted`] forms `M` from `J`'s values and factors it,
//! [`LinearSolver::solve`] then solves `M x = b` in place, any number of times.
//!
//! | solver | storage | pivoting | memory |
//! |---|---|---|---|
//! | [`FixedLu`] (via [`small_lu`]) | dense, `n ≤ 16` | partial | `2n²`, on the stack |
//! | [`DenseSolver`] | any (expanded) | partial | `n²` |
//! | [`BandedLu`] | banded | partial | `n·(2l + u + 1)` |
//! | [`SparseBandedLu`] | sparse, narrow band | partial (within the band) | `n·(2l + u + 1)` |
//! | [`BlockTridiagonalLu`] | sparse, block tridiagonal (1D grids) | within blocks; the banded LU where the factors grow or a block is ill-conditioned | `3nm` + the band |
//! | [`SparseLu`] | sparse | diagonal only (fails on a small pivot) | the symbolic fill |
//! | [`PivotingSparseLu`] | sparse | threshold partial (τ = 0.1) | the fill of the pivot sequence |
//!
//! [`default_solver`] picks one for a structure; [`super::jacobian::IterationMatrix`]
//! owns it (and, for sparse Jacobians, the pivoting sparse LU as its fallback).

pub use super::block_tridiagonal::BlockTridiagonalLu;
use super::linalg::{small_lu, BandedLayout, BandedLu, DenseLu, FixedLu, JacobianStructure, Singular};
use super::sparse::SparseLu;
use super::sparse_pivot::PivotingSparseLu;
use super::SparsityPattern;

/// A factor-and-solve for iteration matrices `M = shift·I + scale·J`.
///
/// Contract (checked for every implementation by `tests/integration/linear_solvers.rs`):
/// - `factor_shifted(jac, scale, shift)` reads `jac` in the storage of the
///   structure the solver was built for (its length is that structure's
///   [`JacobianStructure::len`]), forms `M` and factors it. It returns
///   [`Singular`] (with the failing column, in the original numbering) when a
///   pivot is zero, not finite, or — for solvers that cannot pivot — too small
///   to be used; the factors are then unusable until the next success.
/// - `solve(b)` overwrites `b` (length [`LinearSolver::dim`]) with `x`,
///   `M x = b`, using the last successful factorization.
/// - Neither allocates after the first factorization of the solver's pattern
///   (storage is allocated at construction or grows at the first factorization;
///   a pivoting solver whose fill grows with a new pivot sequence may grow it
///   again, never shrink it).
pub trait LinearSolver: std::fmt::Debug + Send + Sync {
    /// The dimension `n` of `M`.
    fn dim(&self) -> usize;

    /// Forms `M = shift·I + scale·J` from the Jacobian's values and factors it.
    fn factor_shifted(&mut self, jac: &[f64], scale: f64, shift: f64) -> Result<(), Singular>;

    /// Solves `M x = b` in place (`b` becomes `x`).
    fn solve(&mut self, b: &mut [f64]);

    /// Solves for the components `start..start + b.len()` alone, a set of
    /// whole diagonal blocks of a block-diagonal `M` (a staggered
    /// corrector's part). The default, for a matrix without such blocks,
    /// solves `b` whole (`start` is then 0 and `b` all of `M`'s dimension).
    fn solve_part(&mut self, b: &mut [f64], start: usize) {
        debug_assert!(start == 0 && b.len() == self.dim(), "a part of a matrix without diagonal blocks");
        self.solve(b)
    }

    /// Solves `M X = B` in place for the columns of `B`, stored one after
    /// another in `b` (its length a multiple of [`LinearSolver::dim`]): a
    /// staggered corrector's sensitivity directions. The default solves
    /// them one by one.
    fn solve_columns(&mut self, b: &mut [f64]) {
        let n = self.dim();
        if n > 0 {
            for column in b.chunks_exact_mut(n) {
                self.solve(column);
            }
        }
    }

    /// Number of floating-point values the factors occupy (fill included):
    /// the solver's memory, up to index arrays of the same order.
    fn stored_entries(&self) -> usize;

    /// A short name (`"dense"`, `"banded"`, `"sparse"`, …) for diagnostics.
    fn name(&self) -> &'static str;

    /// A boxed copy (so that steppers holding a solver can be cloned).
    fn clone_box(&self) -> Box<dyn LinearSolver>;

    /// Solves `Mᵀ x = b` in place with the last factorization and returns
    /// `true`, or returns `false` (the default) when the solver cannot.
    /// Used only by [`LinearSolver::inverse_norm1_estimate`].
    fn solve_transposed(&mut self, b: &mut [f64]) -> bool {
        let _ = b;
        false
    }

    /// An estimate of `‖M⁻¹‖₁` from solves with the last factorization:
    /// Hager's estimator as refined by Higham (1988; LAPACK's `xLACON`),
    /// at most five iterations plus Higham's alternating-sign test vector.
    /// Every value it returns is `‖M⁻¹x‖₁/‖x‖₁` for some `x`, so it is a
    /// lower bound, and usually within a factor 3 of the truth. A solver
    /// without [`LinearSolver::solve_transposed`] uses `M` in place of `Mᵀ`
    /// in the gradient step (exact for symmetric `M`; still a lower bound).
    ///
    /// For failure reports only: it allocates three vectors of length `n`.
    fn inverse_norm1_estimate(&mut self) -> f64 {
        let n = self.dim();
        if n == 0 {
            return 0.0;
        }
        let norm1 = |v: &[f64]| v.iter().map(|x| x.abs()).sum::<f64>();
        let mut x = vec![1.0 / n as f64; n];
        let mut z = vec![0.0; n];
        self.solve(&mut x);
        let mut est = norm1(&x);
        let mut last_j = usize::MAX;
        for _ in 0..5 {
            if !est.is_finite() {
                return f64::INFINITY;
            }
            for (zi, &xi) in z.iter_mut().zip(&x) {
                *zi = if xi >= 0.0 { 1.0 } else { -1.0 };
            }
            if !self.solve_transposed(&mut z) {
                self.solve(&mut z);
            }
            let j = (0..n).max_by(|&a, &b| z[a].abs().total_cmp(&z[b].abs())).unwrap_or(0);
            if j == last_j {
                break;
            }
            last_j = j;
            x.fill(0.0);
            x[j] = 1.0;
            self.solve(&mut x);
            let next = norm1(&x);
            if next <= est {
                break;
            }
            est = next;
        }
        // Higham's safeguard: x_i = (−1)^i (1 + i/(n−1)).
        let mut w: Vec<f64> = (0..n)
            .map(|i| {
                let sign = if i % 2 == 0 { 1.0 } else { -1.0 };
                sign * (1.0 + if n > 1 { i as f64 / (n - 1) as f64 } else { 0.0 })
            })
            .collect();
        let w_norm = norm1(&w);
        self.solve(&mut w);
        est.max(norm1(&w) / w_norm)
    }
}

impl Clone for Box<dyn LinearSolver> {
    fn clone(&self) -> Self {
        self.clone_box()
    }
}

/// The solver an implicit method uses by default for a structure: the
/// fixed-size LU for dense `n ≤ 16`, else the dense LU; the banded LU; for a
/// sparse pattern, the block LU of its blocks when
/// [`BlockTridiagonalLu::fits`] (a method-of-lines system on a 1D grid,
/// stored cell by cell, nearest neighbours coupled), else the banded LU of
/// its band when [`SparseBandedLu::fits`] (a 1D grid with a wider stencil),
/// else the diagonal-pivot sparse LU (with compiled kernels where they exist).
pub fn default_solver(structure: &JacobianStructure, n: usize) -> Box<dyn LinearSolver> {
    match structure {
        JacobianStructure::Dense => small_lu(n).unwrap_or_else(|| Box::new(DenseSolver::new(structure, n))),
        JacobianStructure::Banded { lower, upper } => Box::new(BandedLu::new(n, *lower, *upper)),
        JacobianStructure::Sparse(p) if BlockTridiagonalLu::fits(p) => Box::new(BlockTridiagonalLu::new(p)),
        JacobianStructure::Sparse(p) if SparseBandedLu::fits(p) => Box::new(SparseBandedLu::new(p)),
        JacobianStructure::Sparse(p) => Box::new(SparseLu::new(p)),
    }
}

/// The lower and upper bandwidth of a pattern in its own numbering: the
/// largest `i − j` and `j − i` over its entries `(i, j)`.
pub fn bandwidths(pattern: &SparsityPattern) -> (usize, usize) {
    let (mut lower, mut upper) = (0, 0);
    for i in 0..pattern.n() {
        if let (Some(&first), Some(&last)) = (pattern.row(i).first(), pattern.row(i).last()) {
            lower = lower.max(i.saturating_sub(first));
            upper = upper.max(last.saturating_sub(i));
        }
    }
    (lower, upper)
}

/// LU with partial pivoting of a sparse iteration matrix whose pattern lies
/// in a narrow band, in band storage ([`BandedLu`], LAPACK `dgbtf2`): the
/// Jacobian of a method-of-lines system on a 1D grid stored cell by cell,
/// whose `m` species per cell couple to the neighbouring cells only, lies
/// within `2m − 1` diagonals of the main one in the pattern's own numbering.
///
/// Against the general sparse LU ([`SparseLu`]) it needs no ordering or
/// symbolic analysis, runs dense inner loops over contiguous band columns
/// instead of indexed rows (a solve costs `n·(2l + u)` multiply–adds), and
/// pivots by rows within the band, so it needs no fallback for a small
/// diagonal. The band does not grow past `l + u` super-diagonals in `U`
/// (interchanges move rows by at most `l`).
///
/// `factor_shifted` scatters `shift·I + scale·J` from the pattern's CSR
/// values into the band through a map made at construction (allocation-free
/// afterwards), then factors; a zero or non-finite pivot column is reported
/// as [`Singular`] (in the original numbering: the band is not permuted).
#[derive(Clone, Debug)]
pub struct SparseBandedLu {
    lu: BandedLu,
    /// For each CSR entry of `J`, its place in the band storage.
    to_band: Vec<usize>,
    /// The place of each diagonal entry in the band storage.
    diagonal: Vec<usize>,
}

impl SparseBandedLu {
    /// Smallest dimension for which [`default_solver`] picks the band: below
    /// it, models are well-mixed networks whose sparse LU (often compiled
    /// for the model) is already minimal.
    pub const MIN_DIM: usize = 64;

    /// Largest ratio of the band storage `n·(2l + u + 1)` to the pattern's
    /// entries for which [`default_solver`] picks the band.
    pub const MAX_STORAGE_RATIO: usize = 4;

    /// Does [`default_solver`] factor `pattern` in band storage? When the
    /// dimension is at least [`SparseBandedLu::MIN_DIM`] and the band, room
    /// for interchanges included, stores at most
    /// [`SparseBandedLu::MAX_STORAGE_RATIO`] times the pattern's entries:
    /// true of 1D grids stored cell by cell, false of 2D grids (whose band
    /// is a whole row of cells wide) and of scattered networks.
    pub fn fits(pattern: &SparsityPattern) -> bool {
        let n = pattern.n();
        if n < Self::MIN_DIM {
            return false;
        }
        let (lower, upper) = bandwidths(pattern);
        n.saturating_mul(2 * lower + upper + 1) <= Self::MAX_STORAGE_RATIO * pattern.nnz()
    }

    /// A factorization for `pattern`, in the band its entries span (any
    /// pattern fits; [`SparseBandedLu::fits`] says when it pays).
    pub fn new(pattern: &SparsityPattern) -> SparseBandedLu {
        let n = pattern.n();
        let (lower, upper) = bandwidths(pattern);
        let lu = BandedLu::new(n, lower, upper);
        let mut to_band = Vec::with_capacity(pattern.nnz());
        for i in 0..n {
            for &j in pattern.row(i) {
                to_band.push(lu.storage_index(i, j));
            }
        }
        let diagonal = (0..n).map(|i| lu.storage_index(i, i)).collect();
        SparseBandedLu { lu, to_band, diagonal }
    }

    /// The sub- and super-diagonals of the band.
    pub fn bandwidths(&self) -> (usize, usize) {
        self.lu.bandwidths()
    }
}

impl LinearSolver for SparseBandedLu {
    fn dim(&self) -> usize {
        self.lu.dim()
    }

    fn factor_shifted(&mut self, jac: &[f64], scale: f64, shift: f64) -> Result<(), Singular> {
        assert_eq!(jac.len(), self.to_band.len(), "Jacobian values of the wrong length");
        let ab = self.lu.storage_mut();
        ab.fill(0.0);
        for (&k, &v) in self.to_band.iter().zip(jac) {
            ab[k] = scale * v;
        }
        for &k in &self.diagonal {
            ab[k] += shift;
        }
        self.lu.factor()
    }

    fn solve(&mut self, b: &mut [f64]) {
        self.lu.solve(b)
    }

    fn solve_transposed(&mut self, b: &mut [f64]) -> bool {
        self.lu.solve_transposed(b);
        true
    }

    fn stored_entries(&self) -> usize {
        self.lu.stored_entries()
    }

    fn name(&self) -> &'static str {
        "sparse-banded"
    }

    fn clone_box(&self) -> Box<dyn LinearSolver> {
        Box::new(self.clone())
    }
}

/// Dense LU with partial pivoting of `M`, for a Jacobian in any storage (a
/// banded or sparse one is expanded into the `n × n` matrix): the reference
/// every other solver can be checked against, and the general dense solver.
#[derive(Clone, Debug)]
pub struct DenseSolver {
    structure: JacobianStructure,
    lu: DenseLu,
}

impl DenseSolver {
    /// Storage for a structure and dimension (`n²` values).
    pub fn new(structure: &JacobianStructure, n: usize) -> DenseSolver {
        DenseSolver { structure: structure.clone(), lu: DenseLu::new(n) }
    }
}

impl LinearSolver for DenseSolver {
    fn dim(&self) -> usize {
        self.lu.dim()
    }

    fn factor_shifted(&mut self, jac: &[f64], scale: f64, shift: f64) -> Result<(), Singular> {
        let n = self.lu.dim();
        assert_eq!(jac.len(), self.structure.len(n), "Jacobian values of the wrong length");
        let m = self.lu.matrix_mut();
        match &self.structure {
            JacobianStructure::Dense => {
                for (a, &j) in m.iter_mut().zip(jac) {
                    *a = scale * j;
                }
            }
            JacobianStructure::Banded { lower, upper } => {
                m.fill(0.0);
                let layout = BandedLayout { lower: *lower, upper: *upper };
                for j in 0..n {
                    for i in j.saturating_sub(*upper)..(j + lower + 1).min(n) {
                        m[j * n + i] = scale * jac[layout.index(i, j)];
                    }
                }
            }
            JacobianStructure::Sparse(p) => {
                m.fill(0.0);
                for i in 0..n {
                    for k in p.range(i) {
                        m[p.col()[k] * n + i] = scale * jac[k];
                    }
                }
            }
        }
        for i in 0..n {
            m[i * n + i] += shift;
        }
        self.lu.factor()
    }

    fn solve(&mut self, b: &mut [f64]) {
        self.lu.solve(b)
    }

    fn solve_transposed(&mut self, b: &mut [f64]) -> bool {
        self.lu.solve_transposed(b);
        true
    }

    fn stored_entries(&self) -> usize {
        self.lu.dim() * self.lu.dim()
    }

    fn name(&self) -> &'static str {
        "dense"
    }

    fn clone_box(&self) -> Box<dyn LinearSolver> {
        Box::new(self.clone())
    }
}

impl<const N: usize> LinearSolver for FixedLu<N> {
    fn dim(&self) -> usize {
        N
    }

    fn factor_shifted(&mut self, jac: &[f64], scale: f64, shift: f64) -> Result<(), Singular> {
        FixedLu::factor_shifted(self, jac, scale, shift)
    }

    fn solve(&mut self, b: &mut [f64]) {
        FixedLu::solve(self, b)
    }

    fn solve_transposed(&mut self, b: &mut [f64]) -> bool {
        FixedLu::solve_transposed(self, b);
        true
    }

    fn stored_entries(&self) -> usize {
        2 * N * N
    }

    fn name(&self) -> &'static str {
        "dense-fixed"
    }

    fn clone_box(&self) -> Box<dyn LinearSolver> {
        Box::new(self.clone())
    }
}

impl LinearSolver for BandedLu {
    fn dim(&self) -> usize {
        BandedLu::dim(self)
    }

    fn factor_shifted(&mut self, jac: &[f64], scale: f64, shift: f64) -> Result<(), Singular> {
        self.set_shifted(jac, scale, shift);
        self.factor()
    }

    fn solve(&mut self, b: &mut [f64]) {
        BandedLu::solve(self, b)
    }

    fn stored_entries(&self) -> usize {
        BandedLu::stored_entries(self)
    }

    fn name(&self) -> &'static str {
        "banded"
    }

    fn clone_box(&self) -> Box<dyn LinearSolver> {
        Box::new(self.clone())
    }
}

impl LinearSolver for SparseLu {
    fn dim(&self) -> usize {
        SparseLu::dim(self)
    }

    fn factor_shifted(&mut self, jac: &[f64], scale: f64, shift: f64) -> Result<(), Singular> {
        SparseLu::factor_shifted(self, jac, scale, shift)
    }

    fn solve(&mut self, b: &mut [f64]) {
        SparseLu::solve(self, b)
    }

    fn solve_columns(&mut self, b: &mut [f64]) {
        SparseLu::solve_columns(self, b)
    }

    fn stored_entries(&self) -> usize {
        self.nnz()
    }

    fn name(&self) -> &'static str {
        "sparse"
    }

    fn clone_box(&self) -> Box<dyn LinearSolver> {
        Box::new(self.clone())
    }
}

impl LinearSolver for PivotingSparseLu {
    fn dim(&self) -> usize {
        PivotingSparseLu::dim(self)
    }

    fn factor_shifted(&mut self, jac: &[f64], scale: f64, shift: f64) -> Result<(), Singular> {
        PivotingSparseLu::factor_shifted(self, jac, scale, shift)
    }

    fn solve(&mut self, b: &mut [f64]) {
        PivotingSparseLu::solve(self, b)
    }

    fn stored_entries(&self) -> usize {
        self.nnz()
    }

    fn name(&self) -> &'static str {
        "sparse-pivoting"
    }

    fn clone_box(&self) -> Box<dyn LinearSolver> {
        Box::new(self.clone())
    }
}
