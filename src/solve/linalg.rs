//! Linear algebra for implicit methods: the iteration matrix `M = I/(hγ) − J`
//! in the storage the Jacobian's structure calls for, and its LU factorization.
//!
//! - **Dense** (column-major `n × n`): LU with partial pivoting, in place.
//! - **Banded** (`lower` sub- and `upper` super-diagonals): LU with partial
//!   pivoting in LAPACK band layout (`2·lower + upper + 1` rows), O(n·l·(l+u)).
//! - **Sparse** (CSR pattern with the diagonal): see [`super::sparse`] (diagonal
//!   pivots, the default) and [`super::sparse_pivot`] (threshold pivoting, the fallback).
//!
//! Each implements [`LinearSolver`] ([`super::linear`]).
//!
//! All storage is allocated once per solve; factorizing and solving allocate nothing.

use super::linear::LinearSolver;
use crate::solve::SparsityPattern;

/// How a system's Jacobian is stored, and so which linear solver an implicit
/// method uses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum JacobianStructure {
    /// Dense `n × n`, column-major: entry `(i, j)` at `j·n + i`.
    Dense,
    /// Banded: `J[i][j] = 0` unless `−lower ≤ j − i ≤ upper`. Values are stored by
    /// [`BandedLayout`]: entry `(i, j)` at `j·(lower + upper + 1) + (upper + i − j)`.
    Banded {
        /// Number of sub-diagonals.
        lower: usize,
        /// Number of super-diagonals.
        upper: usize,
    },
    /// Sparse, compressed rows, values in pattern order; the pattern must hold the diagonal.
    Sparse(SparsityPattern),
}

impl JacobianStructure {
    /// Number of stored values for a system of dimension `n`.
    pub fn len(&self, n: usize) -> usize {
        match self {
            JacobianStructure::Dense => n * n,
            JacobianStructure::Banded { lower, upper } => n * (lower + upper + 1),
            JacobianStructure::Sparse(p) => p.nnz(),
        }
    }

    /// Where entry `(i, j)` of an `n × n` Jacobian is stored in this
    /// structure's value array, or `None` when the structure holds no
    /// such entry (it is then 0).
    pub fn position(&self, n: usize, i: usize, j: usize) -> Option<usize> {
        match self {
            JacobianStructure::Dense => (i < n && j < n).then_some(j * n + i),
            JacobianStructure::Banded { lower, upper } => {
                let layout = BandedLayout { lower: *lower, upper: *upper };
                (i < n && j < n && layout.contains(i, j)).then(|| layout.index(i, j))
            }
            JacobianStructure::Sparse(p) => p.position(i, j),
        }
    }
}

/// Index arithmetic of the banded Jacobian layout.
#[derive(Clone, Copy, Debug)]
pub struct BandedLayout {
    /// Sub-diagonals.
    pub lower: usize,
    /// Super-diagonals.
    pub upper: usize,
}

impl BandedLayout {
    /// Position of `(i, j)` (which must be inside the band) in the value array.
    #[inline]
    pub fn index(&self, i: usize, j: usize) -> usize {
        j * (self.lower + self.upper + 1) + (self.upper + i - j)
    }

    /// Is `(i, j)` inside the band?
    #[inline]
    pub fn contains(&self, i: usize, j: usize) -> bool {
        i <= j + self.lower && j <= i + self.upper
    }
}

/// A factorization failed: the matrix is singular to working precision.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Singular {
    /// The pivot column where it failed.
    pub column: usize,
}

/// Dense LU with partial pivoting of an `n × n` column-major matrix.
#[derive(Clone, Debug)]
pub struct DenseLu {
    n: usize,
    lu: Vec<f64>,
    pivots: Vec<usize>,
    /// Reciprocals of U's diagonal: back substitution multiplies instead of dividing.
    inv_diag: Vec<f64>,
}

impl DenseLu {
    /// Storage for dimension `n`.
    pub fn new(n: usize) -> DenseLu {
        DenseLu { n, lu: vec![0.0; n * n], pivots: vec![0; n], inv_diag: vec![0.0; n] }
    }

    /// The dimension.
    pub fn dim(&self) -> usize {
        self.n
    }

    /// The matrix to factor, column-major (`(i, j)` at `j·n + i`); write `M`
    /// here, then call [`DenseLu::factor`].
    pub fn matrix_mut(&mut self) -> &mut [f64] {
        &mut self.lu
    }

    /// Factors the matrix in place (`PA = LU`, L unit lower triangular).
    pub fn factor(&mut self) -> Result<(), Singular> {
        lu_factor(&mut self.lu, self.n, &mut self.pivots, &mut self.inv_diag)
    }

    /// Solves `M x = b` in place (`b` becomes `x`).
    pub fn solve(&self, b: &mut [f64]) {
        lu_solve(&self.lu, self.n, &self.pivots, &self.inv_diag, b)
    }

    /// Solves `Mᵀ x = b` in place: `Uᵀ z = b`, `Lᵀ w = z`, then the row
    /// interchanges undone in reverse order.
    pub fn solve_transposed(&self, b: &mut [f64]) {
        let (n, a) = (self.n, &self.lu);
        let b = &mut b[..n];
        for j in 0..n {
            let col = &a[j * n..j * n + j];
            let d: f64 = col.iter().zip(&b[..j]).map(|(u, z)| u * z).sum();
            b[j] = (b[j] - d) * self.inv_diag[j];
        }
        for j in (0..n).rev() {
            let col = &a[j * n + j + 1..(j + 1) * n];
            let d: f64 = col.iter().zip(&b[j + 1..]).map(|(l, w)| l * w).sum();
            b[j] -= d;
        }
        for (k, &p) in self.pivots.iter().enumerate().rev() {
            b.swap(k, p);
        }
    }
}

/// Dense LU of a fixed, small dimension `N`: the loops unroll completely,
/// which makes factorizations and solves of tiny systems several times faster
/// than the general [`DenseLu`] (measured 4.7 vs 22 ns per solve at n = 3, 41
/// vs 95 ns at n = 8).
#[derive(Clone, Debug)]
pub struct FixedLu<const N: usize> {
    /// Upper triangle U (row-major; only entries on and above the diagonal
    /// are read: the full-length row updates leave rounding residue below).
    u: [[f64; N]; N],
    /// Unit lower triangle's multipliers (row-major; only entries below the
    /// diagonal are read, and each is written by the factorization).
    l: [[f64; N]; N],
    /// Row `i` of `PA` is row `row_of[i]` of `A` (the pivots composed).
    row_of: [usize; N],
    inv_diag: [f64; N],
}

/// Dense LU with partial pivoting of the column-major `n × n` matrix `a`, in
/// place (`PA = LU`, L unit lower triangular); `pivots` and `inv_diag` (length
/// `n`) receive the row interchanges and the reciprocals of U's diagonal. The
/// storage-free core of [`DenseLu`], also used on many small blocks at once.
pub(crate) fn lu_factor(a: &mut [f64], n: usize, pivots: &mut [usize], inv_diag: &mut [f64]) -> Result<(), Singular> {
    for k in 0..n {
        let col = k * n;
        let mut p = k;
        let mut best = a[col + k].abs();
        for i in k + 1..n {
            let v = a[col + i].abs();
            if v > best {
                best = v;
                p = i;
            }
        }
        pivots[k] = p;
        if best == 0.0 || !best.is_finite() {
            return Err(Singular { column: k });
        }
        if p != k {
            for j in 0..n {
                a.swap(j * n + k, j * n + p);
            }
        }
        let inv = 1.0 / a[col + k];
        inv_diag[k] = inv;
        for x in &mut a[col + k + 1..col + n] {
            *x *= inv;
        }
        let (left, right) = a.split_at_mut(col + n);
        let lcol = &left[col + k + 1..col + n];
        for target in right.chunks_exact_mut(n) {
            let f = target[k];
            if f != 0.0 {
                for (t, &l) in target[k + 1..].iter_mut().zip(lcol) {
                    *t -= f * l;
                }
            }
        }
    }
    Ok(())
}

/// Solves with the factors [`lu_factor`] left in `a`, in place (`b` becomes `x`).
///
/// Orders up to 16 (the cell blocks of grid models, solved thousands of times
/// per preconditioner application) go to a copy of the same loops compiled
/// for that order, which the compiler unrolls; larger ones to the general loops.
pub(crate) fn lu_solve(a: &[f64], n: usize, pivots: &[usize], inv_diag: &[f64], b: &mut [f64]) {
    macro_rules! by_order {
        ($($k:literal)*) => {
            match n {
                $($k => lu_solve_order::<$k>(a, pivots, inv_diag, b),)*
                _ => lu_solve_any(a, n, pivots, inv_diag, b),
            }
        };
    }
    by_order!(1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16)
}

/// [`lu_solve`] for a matrix of order `N` known at compile time.
#[inline(always)]
fn lu_solve_order<const N: usize>(a: &[f64], pivots: &[usize], inv_diag: &[f64], b: &mut [f64]) {
    let (a, pivots, inv_diag): (&[f64], &[usize; N], &[f64; N]) =
        (&a[..N * N], pivots.try_into().expect("N pivots"), inv_diag.try_into().expect("N diagonal entries"));
    let b: &mut [f64; N] = (&mut b[..N]).try_into().expect("N right-hand sides");
    for (k, &p) in pivots.iter().enumerate() {
        b.swap(k, p);
    }
    for j in 0..N {
        let x = b[j];
        for i in j + 1..N {
            b[i] -= a[j * N + i] * x;
        }
    }
    for j in (0..N).rev() {
        let x = b[j] * inv_diag[j];
        b[j] = x;
        for i in 0..j {
            b[i] -= a[j * N + i] * x;
        }
    }
}

/// Inverts the `n × n` matrix `a` (stored by rows or by columns: the
/// inverse comes back in the same order) in place by Gauss–Jordan
/// elimination with partial pivoting, `pivots` (length `n`) as work space:
///
/// ```text
/// for each k: pick the largest |a_pk| (p ≥ k), swap rows p and k,
///             a_k· ← a_k· / a_kk (with a_kk ← 1 first),
///             a_i· ← a_i· − a_ik a_k· for i ≠ k (with a_ik ← 0 first);
/// then undo the row swaps as column swaps, in reverse.
/// ```
///
/// `n³` multiply–adds in whole-row updates, against `8n³/3` for an LU and
/// `n` solves with unit columns; orders up to 16 go to a copy compiled for
/// that order, whose row updates the compiler vectorizes. Many small
/// blocks at once are its use (a preconditioner's cell blocks).
pub(crate) fn invert_in_place(a: &mut [f64], n: usize, pivots: &mut [usize]) -> Result<(), Singular> {
    macro_rules! by_order {
        ($($k:literal)*) => {
            match n {
                $($k => invert_order::<$k>(
                    (&mut a[..$k * $k]).try_into().expect("N² entries"),
                    (&mut pivots[..$k]).try_into().expect("N pivots"),
                ),)*
                _ => invert_any(&mut a[..n * n], n, &mut pivots[..n]),
            }
        };
    }
    by_order!(1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16)
}

/// [`invert_in_place`] for an order `N` known at compile time.
#[inline(always)]
fn invert_order<const N: usize>(a: &mut [f64], pivots: &mut [usize; N]) -> Result<(), Singular> {
    let mut rows = [[0.0; N]; N];
    for (row, entries) in rows.iter_mut().zip(a.chunks_exact(N)) {
        row.copy_from_slice(entries);
    }
    for k in 0..N {
        let mut p = k;
        let mut best = rows[k][k].abs();
        for (i, row) in rows.iter().enumerate().skip(k + 1) {
            if row[k].abs() > best {
                best = row[k].abs();
                p = i;
            }
        }
        if best == 0.0 || !best.is_finite() {
            return Err(Singular { column: k });
        }
        pivots[k] = p;
        rows.swap(k, p);
        let inv = 1.0 / rows[k][k];
        rows[k][k] = 1.0;
        let pivot_row = rows[k].map(|x| x * inv);
        rows[k] = pivot_row;
        for (i, row) in rows.iter_mut().enumerate() {
            if i != k {
                let f = row[k];
                row[k] = 0.0;
                for (x, &y) in row.iter_mut().zip(&pivot_row) {
                    *x -= f * y;
                }
            }
        }
    }
    for k in (0..N).rev() {
        if pivots[k] != k {
            for row in rows.iter_mut() {
                row.swap(k, pivots[k]);
            }
        }
    }
    for (entries, row) in a.chunks_exact_mut(N).zip(&rows) {
        entries.copy_from_slice(row);
    }
    Ok(())
}

/// [`invert_in_place`] for any order.
fn invert_any(a: &mut [f64], n: usize, pivots: &mut [usize]) -> Result<(), Singular> {
    for k in 0..n {
        let mut p = k;
        let mut best = a[k * n + k].abs();
        for i in k + 1..n {
            if a[i * n + k].abs() > best {
                best = a[i * n + k].abs();
                p = i;
            }
        }
        if best == 0.0 || !best.is_finite() {
            return Err(Singular { column: k });
        }
        pivots[k] = p;
        if p != k {
            for j in 0..n {
                a.swap(k * n + j, p * n + j);
            }
        }
        let inv = 1.0 / a[k * n + k];
        a[k * n + k] = 1.0;
        for x in &mut a[k * n..(k + 1) * n] {
            *x *= inv;
        }
        for i in (0..n).filter(|&i| i != k) {
            let f = a[i * n + k];
            a[i * n + k] = 0.0;
            for j in 0..n {
                a[i * n + j] -= f * a[k * n + j];
            }
        }
    }
    for k in (0..n).rev() {
        if pivots[k] != k {
            for i in 0..n {
                a.swap(i * n + k, i * n + pivots[k]);
            }
        }
    }
    Ok(())
}

/// [`lu_solve`] for any order.
fn lu_solve_any(a: &[f64], n: usize, pivots: &[usize], inv_diag: &[f64], b: &mut [f64]) {
    let b = &mut b[..n];
    for (k, &p) in pivots.iter().enumerate() {
        b.swap(k, p);
    }
    for (j, col) in a.chunks_exact(n).enumerate() {
        let x = b[j];
        for (bi, &l) in b[j + 1..].iter_mut().zip(&col[j + 1..]) {
            *bi -= l * x;
        }
    }
    for (j, col) in a.chunks_exact(n).enumerate().rev() {
        let x = b[j] * inv_diag[j];
        b[j] = x;
        for (bi, &u) in b[..j].iter_mut().zip(&col[..j]) {
            *bi -= u * x;
        }
    }
}

impl<const N: usize> Default for FixedLu<N> {
    fn default() -> Self {
        FixedLu { u: [[0.0; N]; N], l: [[0.0; N]; N], row_of: [0; N], inv_diag: [0.0; N] }
    }
}

impl<const N: usize> FixedLu<N> {
    /// Forms `shift·I + scale·J` from a column-major dense `J` and factors it.
    pub fn factor_shifted(&mut self, jac: &[f64], scale: f64, shift: f64) -> Result<(), Singular> {
        let (a, l) = (&mut self.u, &mut self.l);
        for (j, col) in jac.chunks_exact(N).take(N).enumerate() {
            let col: &[f64; N] = col.try_into().expect("chunks of N");
            for i in 0..N {
                a[i][j] = scale * col[i];
            }
            a[j][j] += shift;
        }
        // Every entry of L below the diagonal is written before a solve
        // reads it (and moves with its row), so L needs no clearing.
        self.row_of = std::array::from_fn(|i| i);
        for k in 0..N {
            let mut p = k;
            let mut best = a[k][k].abs();
            for i in k + 1..N {
                if a[i][k].abs() > best {
                    best = a[i][k].abs();
                    p = i;
                }
            }
            if best == 0.0 || !best.is_finite() {
                return Err(Singular { column: k });
            }
            if p != k {
                a.swap(k, p);
                l.swap(k, p);
                self.row_of.swap(k, p);
            }
            let inv = 1.0 / a[k][k];
            self.inv_diag[k] = inv;
            let pivot_row = a[k];
            // Full-length row updates (entries left of k are zero in U and
            // stay zero), so the inner loop has a fixed trip count and unrolls.
            for i in k + 1..N {
                let m = a[i][k] * inv;
                l[i][k] = m;
                let row = &mut a[i];
                for j in 0..N {
                    row[j] -= m * pivot_row[j];
                }
            }
        }
        Ok(())
    }

    /// Solves `M x = b` in place.
    pub fn solve(&self, b: &mut [f64]) {
        let b: &mut [f64; N] = (&mut b[..N]).try_into().expect("length N");
        // The row interchanges as one gather into a local copy.
        let mut x: [f64; N] = std::array::from_fn(|i| b[self.row_of[i]]);
        for i in 0..N {
            let mut d = 0.0;
            for k in 0..i {
                d += self.l[i][k] * x[k];
            }
            x[i] -= d;
        }
        for i in (0..N).rev() {
            let mut d = 0.0;
            for k in i + 1..N {
                d += self.u[i][k] * x[k];
            }
            x[i] = (x[i] - d) * self.inv_diag[i];
        }
        *b = x;
    }

    /// Solves `Mᵀ x = b` in place (`P M = L U`, so `Mᵀ = Uᵀ Lᵀ P`).
    pub fn solve_transposed(&self, b: &mut [f64]) {
        let b: &mut [f64; N] = (&mut b[..N]).try_into().expect("length N");
        let mut z = *b;
        for i in 0..N {
            let mut d = 0.0;
            for k in 0..i {
                d += self.u[k][i] * z[k];
            }
            z[i] = (z[i] - d) * self.inv_diag[i];
        }
        for i in (0..N).rev() {
            let mut d = 0.0;
            for k in i + 1..N {
                d += self.l[k][i] * z[k];
            }
            z[i] -= d;
        }
        for i in 0..N {
            b[self.row_of[i]] = z[i];
        }
    }
}

/// Largest dimension with a fixed-size LU.
pub const MAX_FIXED: usize = 16;

/// A fixed-size LU for `n ≤ MAX_FIXED`, as a [`LinearSolver`] for dense Jacobians.
pub fn small_lu(n: usize) -> Option<Box<dyn LinearSolver>> {
    macro_rules! sizes {
        ($($k:literal)*) => {
            match n {
                $($k => Some(Box::new(FixedLu::<$k>::default()) as Box<dyn LinearSolver>),)*
                _ => None,
            }
        };
    }
    sizes!(1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16)
}

/// Banded LU with partial pivoting (the algorithm of LAPACK `dgbtf2`).
///
/// Storage: `ldab = 2·lower + upper + 1` rows per column; entry `(i, j)` of the
/// original matrix sits at row `lower + upper + i − j` of column `j`, leaving
/// `lower` extra rows on top for the fill-in that row interchanges create.
#[derive(Clone, Debug)]
pub struct BandedLu {
    n: usize,
    lower: usize,
    upper: usize,
    ab: Vec<f64>,
    pivots: Vec<usize>,
    /// `1/U[j][j]`: the solves multiply (a division on the solve's
    /// dependency chain costs several times a multiplication).
    inv_pivot: Vec<f64>,
    /// Did the last factorization interchange rows? If not, `U` has only
    /// `upper` super-diagonals and the solve runs by rows (see [`BandedLu::solve`]).
    interchanged: bool,
}

impl BandedLu {
    /// Storage for dimension `n` and the given bandwidths.
    pub fn new(n: usize, lower: usize, upper: usize) -> BandedLu {
        BandedLu {
            n,
            lower,
            upper,
            ab: vec![0.0; n * (2 * lower + upper + 1)],
            pivots: vec![0; n],
            inv_pivot: vec![0.0; n],
            interchanged: false,
        }
    }

    /// The dimension.
    pub fn dim(&self) -> usize {
        self.n
    }

    /// Number of stored values (band plus the room for fill from interchanges).
    pub fn stored_entries(&self) -> usize {
        self.ab.len()
    }

    fn ldab(&self) -> usize {
        2 * self.lower + self.upper + 1
    }

    /// Zeroes the storage and copies `scale · J` (in [`BandedLayout`]) into it,
    /// then adds `shift` to the diagonal: the iteration matrix `shift·I + scale·J`.
    pub fn set_shifted(&mut self, jac: &[f64], scale: f64, shift: f64) {
        let (l, u, ld) = (self.lower, self.upper, self.ldab());
        let band = l + u + 1;
        self.ab.fill(0.0);
        for j in 0..self.n {
            for r in 0..band {
                // r = upper + i − j in the Jacobian layout.
                self.ab[j * ld + l + r] = scale * jac[j * band + r];
            }
            self.ab[j * ld + l + u] += shift;
        }
    }

    /// Factors in place: `P M = L U` by columns with partial pivoting among
    /// the `lower` rows below the diagonal (LAPACK `dgbtf2`). Row interchanges
    /// widen `U` to `lower + upper` super-diagonals, which the storage's
    /// extra rows hold. A column whose candidates are all zero, or hold a
    /// NaN or an infinity, is reported as [`Singular`] (a NaN anywhere in
    /// the matrix reaches some column's candidates); the factors are then
    /// unusable.
    ///
    /// The storage must hold the matrix with zeros in the extra rows (as
    /// [`BandedLu::set_shifted`] and [`BandedLu::storage_mut`] users leave it).
    pub fn factor(&mut self) -> Result<(), Singular> {
        let (n, kl, ku) = (self.n, self.lower, self.upper);
        let ld = self.ldab();
        let kv = ku + kl;
        let ab = &mut self.ab[..];
        let mut ju = 0;
        self.interchanged = false;
        for j in 0..n {
            let km = kl.min(n - 1 - j);
            // Column j from its diagonal down: ab[d..=d + km].
            let d = j * ld + kv;
            let mut p = 0;
            let mut best = ab[d].abs();
            for r in 1..=km {
                let v = ab[d + r].abs();
                // Larger, or NaN (then reported below).
                if v > best || v.is_nan() {
                    best = v;
                    p = r;
                }
            }
            self.pivots[j] = j + p;
            if best == 0.0 || !best.is_finite() {
                return Err(Singular { column: j });
            }
            ju = ju.max((j + ku + p).min(n - 1));
            if p != 0 {
                self.interchanged = true;
                // Rows j and j + p, columns j..=ju: (i, c) at c·ld + kv + i − c.
                for c in j..=ju {
                    let top = c * ld + kv + j - c;
                    ab.swap(top, top + p);
                }
            }
            let inv = 1.0 / ab[d];
            self.inv_pivot[j] = inv;
            for v in &mut ab[d + 1..=d + km] {
                *v *= inv;
            }
            if km == 0 {
                continue;
            }
            // Rank-one update of columns j + 1..=ju, rows j + 1..=j + km.
            let (left, right) = ab.split_at_mut((j + 1) * ld);
            let l = &left[d + 1..=d + km];
            for c in j + 1..=ju {
                let top = (c - j - 1) * ld + kv + j - c; // (j, c) in `right`
                let f = right[top];
                if f != 0.0 {
                    for (a, &lr) in right[top + 1..=top + km].iter_mut().zip(l) {
                        *a -= lr * f;
                    }
                }
            }
        }
        // Scale U's rows by the reciprocal pivots (U = D U', U' unit upper
        // triangular): the backward solve's chain is then one multiply–subtract
        // per row, the multiplication by 1/U(i, i) moving off it.
        let width = if self.interchanged { kv } else { ku };
        for i in 0..n {
            let inv = self.inv_pivot[i];
            for k in 1..=width.min(n - 1 - i) {
                ab[(i + k) * ld + kv - k] *= inv;
            }
        }
        Ok(())
    }

    /// Solves `M x = b` in place with the factors: the interchanges and `L`
    /// forward, then `U` backward, by rows: each unknown is one short dot
    /// product with the latest unknown added last. The solve is a chain of
    /// dependent operations, and this keeps the chain to one
    /// multiply–subtract per row (column updates store and reload each
    /// unknown, with vector stores that overlap the next row's loads, which
    /// measured twice as slow). `U` has `lower + upper` super-diagonals
    /// after interchanges, only `upper` without; the forward pass runs by
    /// columns when rows were interchanged (the interchanges come between
    /// its updates). `U`'s rows are stored divided by their pivots, so each
    /// row starts from `b_i / U(i, i)` and subtracts `U(i, i+k)/U(i, i) x_{i+k}`.
    pub fn solve(&self, b: &mut [f64]) {
        let (n, kl, ku) = (self.n, self.lower, self.upper);
        assert_eq!(b.len(), n, "right-hand side of the wrong length");
        let ld = self.ldab();
        let kv = ku + kl;
        let ab = &self.ab[..];
        if self.interchanged {
            for j in 0..n {
                let p = self.pivots[j];
                if p != j {
                    b.swap(j, p);
                }
                let km = kl.min(n - 1 - j);
                let x = b[j];
                if x != 0.0 && km > 0 {
                    let d = j * ld + kv;
                    for (bi, &l) in b[j + 1..=j + km].iter_mut().zip(&ab[d + 1..=d + km]) {
                        *bi -= l * x;
                    }
                }
            }
        } else {
            // L(i, i − r) at column i − r, row r below its diagonal.
            match kl {
                0 => {}
                1 => forward_rows::<1>(ab, ld, kv, b),
                2 => forward_rows::<2>(ab, ld, kv, b),
                3 => forward_rows::<3>(ab, ld, kv, b),
                4 => forward_rows::<4>(ab, ld, kv, b),
                _ => {
                    for i in 1..n {
                        let mut s = b[i];
                        for r in (1..=kl.min(i)).rev() {
                            s -= ab[(i - r) * ld + kv + r] * b[i - r];
                        }
                        b[i] = s;
                    }
                }
            }
        }
        // U(i, i + k) at column i + k, row k above its diagonal; interchanges
        // widen U to kl + ku super-diagonals.
        let width = if self.interchanged { kv } else { ku };
        let inv = &self.inv_pivot[..];
        match width {
            1 => backward_rows::<1>(ab, ld, kv, inv, b),
            2 => backward_rows::<2>(ab, ld, kv, inv, b),
            3 => backward_rows::<3>(ab, ld, kv, inv, b),
            4 => backward_rows::<4>(ab, ld, kv, inv, b),
            5 => backward_rows::<5>(ab, ld, kv, inv, b),
            6 => backward_rows::<6>(ab, ld, kv, inv, b),
            7 => backward_rows::<7>(ab, ld, kv, inv, b),
            8 => backward_rows::<8>(ab, ld, kv, inv, b),
            _ => {
                for i in (0..n).rev() {
                    let mut s = b[i] * inv[i];
                    for k in (1..=width.min(n - 1 - i)).rev() {
                        s -= ab[(i + k) * ld + kv - k] * b[i + k];
                    }
                    b[i] = s;
                }
            }
        }
    }

    /// Solves `Mᵀ x = b` in place with the factors (LAPACK `dgbtrs`, `'T'`):
    /// `Uᵀ` forward, then `Lᵀ` and the interchanges backward.
    pub fn solve_transposed(&self, b: &mut [f64]) {
        let (n, kl, ku) = (self.n, self.lower, self.upper);
        assert_eq!(b.len(), n, "right-hand side of the wrong length");
        let ld = self.ldab();
        let kv = ku + kl;
        let ab = &self.ab[..];
        // With U = D U' (rows stored scaled): U'ᵀ z = b, then x = D⁻¹ z.
        for j in 0..n {
            let d = j * ld + kv;
            let top = j.saturating_sub(kv);
            let s: f64 = b[top..j].iter().zip(&ab[d - (j - top)..d]).map(|(x, u)| x * u).sum();
            b[j] -= s;
        }
        for (x, inv) in b.iter_mut().zip(&self.inv_pivot) {
            *x *= inv;
        }
        for j in (0..n).rev() {
            let km = kl.min(n - 1 - j);
            let d = j * ld + kv;
            let s: f64 = b[j + 1..=j + km].iter().zip(&ab[d + 1..=d + km]).map(|(x, l)| x * l).sum();
            b[j] -= s;
            let p = self.pivots[j];
            if p != j {
                b.swap(j, p);
            }
        }
    }

    /// The sub- and super-diagonals of the matrix (before interchanges).
    pub fn bandwidths(&self) -> (usize, usize) {
        (self.lower, self.upper)
    }

    /// Where entry `(i, j)` of the matrix (inside its band) sits in
    /// [`BandedLu::storage_mut`]: row `l + u + i − j` of column `j`, as LAPACK
    /// stores it, i.e. `j·(2l + u + 1) + l + u + i − j`.
    pub fn storage_index(&self, i: usize, j: usize) -> usize {
        debug_assert!(i <= j + self.lower && j <= i + self.upper, "({i}, {j}) outside the band");
        j * self.ldab() + self.lower + self.upper + i - j
    }

    /// The band storage, to write the matrix into before [`BandedLu::factor`]
    /// (at [`BandedLu::storage_index`]; everything else must be zero).
    pub fn storage_mut(&mut self) -> &mut [f64] {
        &mut self.ab
    }
}

/// Forward substitution by rows with the unit lower factor of a [`BandedLu`]
/// factored without interchanges (`KL` sub-diagonals), the last `KL`
/// unknowns kept in registers: the dependency chain per row is one
/// multiply–subtract, with no store and reload in it.
fn forward_rows<const KL: usize>(ab: &[f64], ld: usize, kv: usize, b: &mut [f64]) {
    let n = b.len();
    // The first rows, which have fewer than KL predecessors.
    for i in 1..KL.min(n) {
        let mut s = b[i];
        for r in (1..=i).rev() {
            s -= ab[(i - r) * ld + kv + r] * b[i - r];
        }
        b[i] = s;
    }
    if n <= KL {
        return;
    }
    // window[r − 1] = y[i − r]
    let mut window = [0.0; KL];
    for (r, w) in window.iter_mut().enumerate() {
        *w = b[KL - 1 - r];
    }
    for i in KL..n {
        let mut s = b[i];
        for r in (1..=KL).rev() {
            s -= ab[(i - r) * ld + kv + r] * window[r - 1];
        }
        b[i] = s;
        for r in (1..KL).rev() {
            window[r] = window[r - 1];
        }
        window[0] = s;
    }
}

/// Backward substitution by rows with the upper factor of a [`BandedLu`]
/// (`W` super-diagonals, rows stored divided by their pivots; `inv` the inverse pivots), the next `W` unknowns
/// kept in registers (see [`forward_rows`]).
fn backward_rows<const W: usize>(ab: &[f64], ld: usize, kv: usize, inv: &[f64], b: &mut [f64]) {
    let n = b.len();
    // The last rows, which have fewer than W successors.
    let tail = W.min(n);
    for i in (n - tail..n).rev() {
        let mut s = b[i] * inv[i];
        for k in (1..=(n - 1 - i)).rev() {
            s -= ab[(i + k) * ld + kv - k] * b[i + k];
        }
        b[i] = s;
    }
    if n <= W {
        return;
    }
    // window[k − 1] = x[i + k]
    let mut window = [0.0; W];
    for (k, w) in window.iter_mut().enumerate() {
        *w = b[n - W + k];
    }
    for i in (0..n - W).rev() {
        let mut s = b[i] * inv[i];
        for k in (1..=W).rev() {
            s -= ab[(i + k) * ld + kv - k] * window[k - 1];
        }
        let x = s;
        b[i] = x;
        for k in (1..W).rev() {
            window[k] = window[k - 1];
        }
        window[0] = x;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matvec(a: &[f64], n: usize, x: &[f64]) -> Vec<f64> {
        (0..n).map(|i| (0..n).map(|j| a[j * n + i] * x[j]).sum()).collect()
    }

    fn pseudo_random(k: usize) -> f64 {
        ((k as f64 * 12.9898).sin() * 43758.5453).fract()
    }

    /// The Gauss–Jordan inverse against the identity, on the specialized
    /// orders and the general loop, with pivoting forced by a zero diagonal.
    #[test]
    fn gauss_jordan_inverse_times_the_matrix_is_the_identity() {
        for n in [2, 3, 13, 16, 17, 20] {
            let mut a: Vec<f64> = (0..n * n).map(|k| pseudo_random(k + 11 * n)).collect();
            for k in 0..n {
                a[k * n + k] = 0.0;
            }
            let mut inverse = a.clone();
            let mut pivots = vec![0; n];
            invert_in_place(&mut inverse, n, &mut pivots).unwrap();
            for i in 0..n {
                for j in 0..n {
                    let product: f64 = (0..n).map(|k| inverse[i * n + k] * a[k * n + j]).sum();
                    let expected = if i == j { 1.0 } else { 0.0 };
                    assert!((product - expected).abs() < 1e-9, "n = {n}: ({i}, {j}) = {product}");
                }
            }
        }
        // A singular matrix names the column where elimination stopped.
        for n in [4, 18] {
            let mut a: Vec<f64> = (0..n * n).map(|k| 1.0 + pseudo_random(k)).collect();
            for i in 0..n {
                a[i * n + 2] = 0.0;
            }
            let err = invert_in_place(&mut a, n, &mut vec![0; n]).unwrap_err();
            assert_eq!(err.column, 2, "n = {n}");
        }
    }

    #[test]
    fn dense_lu_solves() {
        let n = 7;
        let a: Vec<f64> = (0..n * n).map(pseudo_random).collect();
        let x: Vec<f64> = (0..n).map(|i| i as f64 - 3.0).collect();
        let mut b = matvec(&a, n, &x);
        let mut lu = DenseLu::new(n);
        lu.matrix_mut().copy_from_slice(&a);
        lu.factor().unwrap();
        lu.solve(&mut b);
        for i in 0..n {
            assert!((b[i] - x[i]).abs() < 1e-10, "{} vs {}", b[i], x[i]);
        }
        // The fixed-size LU gives the same answer.
        let mut small = small_lu(n).unwrap();
        small.factor_shifted(&a, 1.0, 0.0).unwrap();
        let mut c = matvec(&a, n, &x);
        small.solve(&mut c);
        for i in 0..n {
            assert!((c[i] - x[i]).abs() < 1e-10, "{} vs {}", c[i], x[i]);
        }
        assert!(small_lu(MAX_FIXED + 1).is_none());
        let mut singular = DenseLu::new(2);
        singular.matrix_mut().copy_from_slice(&[1.0, 2.0, 2.0, 4.0]);
        assert_eq!(singular.factor(), Err(Singular { column: 1 }));
    }

    #[test]
    fn banded_lu_matches_dense() {
        let (n, lower, upper) = (12, 2, 3);
        let layout = BandedLayout { lower, upper };
        let band = lower + upper + 1;
        let mut jac = vec![0.0; n * band];
        let mut dense = vec![0.0; n * n];
        for j in 0..n {
            for i in 0..n {
                if layout.contains(i, j) {
                    // Small diagonal so that pivoting really happens.
                    let v = if i == j { 0.01 * pseudo_random(i) } else { pseudo_random(i * n + j + 1) };
                    jac[layout.index(i, j)] = v;
                    dense[j * n + i] = -2.0 * v + if i == j { 0.5 } else { 0.0 };
                }
            }
        }
        let x: Vec<f64> = (0..n).map(|i| (i as f64).cos()).collect();
        let mut b = matvec(&dense, n, &x);
        let mut lu = BandedLu::new(n, lower, upper);
        lu.set_shifted(&jac, -2.0, 0.5);
        lu.factor().unwrap();
        lu.solve(&mut b);
        for i in 0..n {
            assert!((b[i] - x[i]).abs() < 1e-9, "row {i}: {} vs {}", b[i], x[i]);
        }
    }
}
