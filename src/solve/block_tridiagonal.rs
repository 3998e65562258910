//! Block LU of a block-tridiagonal iteration matrix: the Jacobian of a
//! method-of-lines system on a 1D grid stored cell by cell (each cell's `m`
//! species coupled to the neighbouring cells only), factored block row by
//! block row (the block Thomas algorithm), with a banded LU with partial
//! pivoting ([`SparseBandedLu`]) as its fallback.
//!
//! With the matrix cut into `m × m` blocks — `Lᵢ` (block row `i`'s coupling
//! to block `i − 1`), `Dᵢ` and `Uᵢ` (to block `i + 1`) — the factorization
//! `A = L̃ Ũ` (`L̃` block lower bidiagonal with `D'ᵢ` on its diagonal and
//! `Lᵢ` below, `Ũ` unit block upper bidiagonal with `Wᵢ` above) is
//!
//! ```text
//! D'₀ = D₀,   D'ᵢ = Dᵢ − Lᵢ Wᵢ₋₁,   Wᵢ = D'ᵢ⁻¹ Uᵢ
//! ```
//!
//! (each `D'ᵢ` inverted through a dense LU with partial pivoting, its
//! inverse kept: the solves then only multiply), and a solve is
//!
//! ```text
//! zᵢ = D'ᵢ⁻¹ (bᵢ − Lᵢ zᵢ₋₁)   (forward),      xᵢ = zᵢ − Wᵢ xᵢ₊₁   (backward):
//! ```
//!
//! `3m²` multiply–adds per block against a banded LU's `m(2l + u)` with
//! `l, u ≈ 2m − 1`, nothing computed for the band's structural zeros, and
//! no row interchanges between cells.
//!
//! Block LU does not pivot between blocks. Its computed solution solves
//! `(A + ΔA) x = b` with `‖ΔA‖ ≤ c_n u (‖A‖ + ‖L̃‖ ‖Ũ‖)` (Higham, *Accuracy
//! and Stability of Numerical Algorithms*, Thm. 13.6; Demmel, Higham &
//! Schreiber 1995) when the diagonal blocks are solved stably; here they
//! are applied as explicit inverses, which adds a factor of their condition
//! number. So each factorization computes the factors' growth
//! `‖L̃‖∞ ‖Ũ‖∞ / ‖A‖∞` and each block's `κ∞(D'ᵢ)`, and where the growth
//! exceeds [`BlockTridiagonalLu::MAX_GROWTH`], a block's condition number
//! [`BlockTridiagonalLu::MAX_BLOCK_CONDITION`], or a `D'ᵢ` is singular (or
//! the matrix holds a NaN or an infinity) the same matrix is factored by
//! the banded LU with partial pivoting instead, and the solves use that
//! until the next factorization. Iteration matrices `I/(hγ) − J` of diffusion-dominated
//! grids (block diagonally dominant) have growth near 1 at every step size.

use super::linalg::Singular;
use super::linear::{bandwidths, LinearSolver, SparseBandedLu};
use super::SparsityPattern;

/// A factorization of a block-tridiagonal sparse pattern (see the [module docs](self)).
#[derive(Clone, Debug)]
pub struct BlockTridiagonalLu {
    /// The block size `m`.
    m: usize,
    /// Number of block rows.
    blocks: usize,
    /// Per block row `i`, `[Lᵢ | Dᵢ | Uᵢ]` (row-major `m × m` each) at
    /// `i·3m²`; factored, `[Lᵢ | D'ᵢ⁻¹ | Wᵢ]`.
    a: Vec<f64>,
    /// The row interchanges of each `D'ᵢ`'s LU (`m` per block, within the block).
    pivots: Vec<usize>,
    /// For each CSR entry of `J`, its place in `a`.
    to_block: Vec<usize>,
    /// The place of each diagonal entry in `a`.
    diagonal: Vec<usize>,
    /// The fallback for matrices whose blocks are not diagonally dominant.
    banded: SparseBandedLu,
    /// Did the last factorization fall back to `banded`?
    fell_back: bool,
    /// Scratch: one column of a block, and a block's LU.
    column: Vec<f64>,
    block_lu: Vec<f64>,
}

impl BlockTridiagonalLu {
    /// Smallest dimension for which [`super::linear::default_solver`] picks
    /// it (as for [`SparseBandedLu::MIN_DIM`]).
    pub const MIN_DIM: usize = 64;
    /// Largest block size it is picked for.
    pub const MAX_BLOCK: usize = 8;
    /// Largest growth `‖L̃‖∞ ‖Ũ‖∞ / ‖A‖∞` of the block factors accepted
    /// before the banded LU with pivoting takes the matrix (the backward
    /// error is then at most about this many units of rounding).
    pub const MAX_GROWTH: f64 = 100.0;
    /// Largest condition number `‖D'ᵢ‖∞ ‖D'ᵢ⁻¹‖∞` of a diagonal block
    /// accepted (its inverse multiplies the solves' rounding by as much).
    pub const MAX_BLOCK_CONDITION: f64 = 1e6;

    /// The smallest block size `m` (dividing `n`) for which every entry of
    /// `pattern` lies in the block tridiagonal (block row and column differ
    /// by at most 1); `n` itself when no smaller one does.
    pub fn block_size(pattern: &SparsityPattern) -> usize {
        let n = pattern.n();
        Self::block_size_up_to(pattern, n).unwrap_or(n.max(1))
    }

    /// The smallest block size up to `largest` that [`Self::block_size`] would find.
    fn block_size_up_to(pattern: &SparsityPattern, largest: usize) -> Option<usize> {
        let n = pattern.n();
        let (lower, upper) = bandwidths(pattern);
        // Entries of neighbouring blocks of m lie at most 2m − 1 off the diagonal.
        let least = lower.max(upper).div_ceil(2).max(1);
        (least..largest.min(n))
            .filter(|m| n % m == 0)
            .find(|&m| (0..n).all(|i| pattern.row(i).iter().all(|&j| (i / m).abs_diff(j / m) <= 1)))
    }

    /// Does [`super::linear::default_solver`] take it for `pattern`? When
    /// the dimension is at least [`Self::MIN_DIM`] and the pattern is block
    /// tridiagonal in blocks of at most [`Self::MAX_BLOCK`], at least four
    /// of them: true of 1D grids stored cell by cell with nearest-neighbour
    /// coupling, false of 2D grids and of scattered networks.
    pub fn fits(pattern: &SparsityPattern) -> bool {
        let n = pattern.n();
        if n < Self::MIN_DIM {
            return false;
        }
        Self::block_size_up_to(pattern, Self::MAX_BLOCK + 1).is_some_and(|m| n / m >= 4)
    }

    /// A factorization for `pattern` (any pattern: one whose block size is
    /// `n` is one dense block).
    pub fn new(pattern: &SparsityPattern) -> BlockTridiagonalLu {
        let n = pattern.n();
        let m = Self::block_size(pattern);
        let blocks = n / m;
        let place = |i: usize, j: usize| {
            let (bi, bj) = (i / m, j / m);
            // 0: L (bj = bi − 1), 1: D, 2: U (bj = bi + 1).
            let which = bj + 1 - bi;
            bi * 3 * m * m + which * m * m + (i % m) * m + j % m
        };
        let to_block = (0..n).flat_map(|i| pattern.row(i).iter().map(move |&j| place(i, j))).collect();
        let diagonal = (0..n).map(|i| place(i, i)).collect();
        BlockTridiagonalLu {
            m,
            blocks,
            a: vec![0.0; blocks * 3 * m * m],
            pivots: vec![0; n],
            to_block,
            diagonal,
            banded: SparseBandedLu::new(pattern),
            fell_back: false,
            column: vec![0.0; m],
            block_lu: vec![0.0; m * m],
        }
    }

    /// The block size.
    pub fn block(&self) -> usize {
        self.m
    }

    /// Did the last factorization fall back to the banded LU?
    pub fn fell_back(&self) -> bool {
        self.fell_back
    }

    /// The block factorization of the matrix in `a`; `Err` when a `D'ᵢ` is
    /// singular or the factors' growth exceeds [`Self::MAX_GROWTH`].
    fn factor_blocks(&mut self) -> Result<(), ()> {
        let growth = match self.m {
            1 => factor_fixed::<1>(&mut self.a)?,
            2 => factor_fixed::<2>(&mut self.a)?,
            3 => factor_fixed::<3>(&mut self.a)?,
            4 => factor_fixed::<4>(&mut self.a)?,
            5 => factor_fixed::<5>(&mut self.a)?,
            6 => factor_fixed::<6>(&mut self.a)?,
            7 => factor_fixed::<7>(&mut self.a)?,
            8 => factor_fixed::<8>(&mut self.a)?,
            _ => self.factor_any()?,
        };
        if growth <= Self::MAX_GROWTH {
            Ok(())
        } else {
            Err(())
        }
    }

    /// [`factor_fixed`] for any block size; returns the growth.
    fn factor_any(&mut self) -> Result<f64, ()> {
        let (m, mm) = (self.m, self.m * self.m);
        let row_sums = |block: &[f64], r: usize| block[r * m..(r + 1) * m].iter().map(|v| v.abs()).sum::<f64>();
        let norm_a = self
            .a
            .chunks_exact(3 * mm)
            .flat_map(|row| {
                (0..m)
                    .map(move |r| row_sums(&row[..mm], r) + row_sums(&row[mm..2 * mm], r) + row_sums(&row[2 * mm..], r))
            })
            .fold(0.0, f64::max);
        let (mut norm_l, mut norm_u) = (0.0_f64, 0.0_f64);
        for i in 0..self.blocks {
            let (done, rest) = self.a.split_at_mut(i * 3 * mm);
            let (lower, rest) = rest.split_at_mut(mm);
            let (diag, rest) = rest.split_at_mut(mm);
            let upper = &mut rest[..mm];
            if i > 0 {
                // D'ᵢ = Dᵢ − Lᵢ Wᵢ₋₁ (Wᵢ₋₁ in the previous block row's last slot).
                let w = &done[done.len() - mm..];
                for r in 0..m {
                    for k in 0..m {
                        let l = lower[r * m + k];
                        if l != 0.0 {
                            for c in 0..m {
                                diag[r * m + c] -= l * w[k * m + c];
                            }
                        }
                    }
                }
            }
            let mut norm_d = 0.0_f64;
            for r in 0..m {
                norm_l = norm_l.max(row_sums(lower, r) + row_sums(diag, r));
                norm_d = norm_d.max(row_sums(diag, r));
            }
            // D'ᵢ⁻¹ through its LU, column by column of the identity.
            let pivots = &mut self.pivots[i * m..(i + 1) * m];
            self.block_lu.copy_from_slice(diag);
            lu_in_place(&mut self.block_lu, m, pivots)?;
            diag.fill(0.0);
            for r in 0..m {
                diag[r * m + r] = 1.0;
            }
            solve_columns(&self.block_lu, m, pivots, diag, &mut self.column);
            let norm_inverse = (0..m).map(|r| row_sums(diag, r)).fold(0.0, f64::max);
            ill_conditioned(norm_d * norm_inverse)?;
            if i + 1 < self.blocks {
                // Wᵢ = D'ᵢ⁻¹ Uᵢ.
                self.block_lu.copy_from_slice(upper);
                for r in 0..m {
                    for c in 0..m {
                        upper[r * m + c] = (0..m).map(|k| diag[r * m + k] * self.block_lu[k * m + c]).sum();
                    }
                    norm_u = norm_u.max(row_sums(upper, r));
                }
            }
        }
        Ok(growth(norm_l, norm_u, norm_a))
    }
}

/// `Err` when a block's condition number `kappa` exceeds
/// [`BlockTridiagonalLu::MAX_BLOCK_CONDITION`] or is NaN.
fn ill_conditioned(kappa: f64) -> Result<(), ()> {
    if kappa.is_nan() || kappa > BlockTridiagonalLu::MAX_BLOCK_CONDITION {
        Err(())
    } else {
        Ok(())
    }
}

/// The growth `‖L̃‖∞ ‖Ũ‖∞ / ‖A‖∞` from `max(‖Lᵢ‖ + ‖D'ᵢ‖)`, `max ‖Wᵢ‖` and `‖A‖∞`
/// (infinite for a zero or non-finite matrix).
fn growth(norm_l: f64, norm_u: f64, norm_a: f64) -> f64 {
    let g = norm_l * (1.0 + norm_u) / norm_a;
    if g.is_finite() {
        g
    } else {
        f64::INFINITY
    }
}

/// The block factorization with blocks of `M` (known at compile time) of
/// `a` (`[Lᵢ | Dᵢ | Uᵢ]` per block row, row-major) into `[Lᵢ | D'ᵢ⁻¹ | Wᵢ]`,
/// each `D'ᵢ` inverted by Gauss–Jordan elimination with partial pivoting;
/// returns the growth ([`BlockTridiagonalLu::MAX_GROWTH`]), `Err` when a
/// `D'ᵢ` is singular.
fn factor_fixed<const M: usize>(a: &mut [f64]) -> Result<f64, ()> {
    let mm = M * M;
    let (mut norm_a, mut norm_l, mut norm_u) = (0.0_f64, 0.0_f64, 0.0_f64);
    let mut w_previous = [[0.0; M]; M];
    let blocks = a.len() / (3 * mm);
    for (i, row) in a.chunks_exact_mut(3 * mm).enumerate() {
        let (lower, rest) = row.split_at_mut(mm);
        let (diag, upper) = rest.split_at_mut(mm);
        let mut d = [[0.0; M]; M];
        for r in 0..M {
            let mut sum_a = 0.0;
            let mut sum_l = 0.0;
            for c in 0..M {
                let (l, dv, u) = (lower[r * M + c], diag[r * M + c], upper[r * M + c]);
                sum_a += l.abs() + dv.abs() + u.abs();
                sum_l += l.abs();
                d[r][c] = dv;
            }
            norm_a = norm_a.max(sum_a);
            if i > 0 {
                // D'ᵢ = Dᵢ − Lᵢ Wᵢ₋₁.
                for k in 0..M {
                    let l = lower[r * M + k];
                    for c in 0..M {
                        d[r][c] -= l * w_previous[k][c];
                    }
                }
            }
            norm_l = norm_l.max(sum_l + d[r].iter().map(|v| v.abs()).sum::<f64>());
        }
        let inverse = invert::<M>(d)?;
        let norm =
            |rows: &[[f64; M]; M]| rows.iter().map(|r| r.iter().map(|v| v.abs()).sum::<f64>()).fold(0.0, f64::max);
        ill_conditioned(norm(&d) * norm(&inverse))?;
        for r in 0..M {
            diag[r * M..(r + 1) * M].copy_from_slice(&inverse[r]);
        }
        if i + 1 < blocks {
            // Wᵢ = D'ᵢ⁻¹ Uᵢ.
            let mut w = [[0.0; M]; M];
            for r in 0..M {
                for k in 0..M {
                    let v = inverse[r][k];
                    for c in 0..M {
                        w[r][c] += v * upper[k * M + c];
                    }
                }
            }
            for r in 0..M {
                upper[r * M..(r + 1) * M].copy_from_slice(&w[r]);
                norm_u = norm_u.max(w[r].iter().map(|v| v.abs()).sum());
            }
            w_previous = w;
        }
    }
    Ok(growth(norm_l, norm_u, norm_a))
}

/// The inverse of `d` by Gauss–Jordan elimination with partial pivoting;
/// `Err` on a zero or non-finite pivot.
fn invert<const M: usize>(mut d: [[f64; M]; M]) -> Result<[[f64; M]; M], ()> {
    let mut inverse = [[0.0; M]; M];
    for (r, row) in inverse.iter_mut().enumerate() {
        row[r] = 1.0;
    }
    for k in 0..M {
        let p = (k..M).fold(k, |p, r| if d[r][k].abs() > d[p][k].abs() { r } else { p });
        let pivot = d[p][k];
        if pivot == 0.0 || !pivot.is_finite() {
            return Err(());
        }
        d.swap(k, p);
        inverse.swap(k, p);
        let inv = 1.0 / pivot;
        for c in 0..M {
            d[k][c] *= inv;
            inverse[k][c] *= inv;
        }
        for r in 0..M {
            if r != k {
                let f = d[r][k];
                if f != 0.0 {
                    for c in 0..M {
                        d[r][c] -= f * d[k][c];
                        inverse[r][c] -= f * inverse[k][c];
                    }
                }
            }
        }
    }
    Ok(inverse)
}

/// Dense LU with partial pivoting of the row-major `m × m` block `d` in
/// place (unit lower factor below the diagonal); `Err` on a zero or
/// non-finite pivot.
fn lu_in_place(d: &mut [f64], m: usize, pivots: &mut [usize]) -> Result<(), ()> {
    for k in 0..m {
        let p = (k..m).fold(k, |p, r| if d[r * m + k].abs() > d[p * m + k].abs() { r } else { p });
        let pivot = d[p * m + k];
        if pivot == 0.0 || !pivot.is_finite() {
            return Err(());
        }
        pivots[k] = p;
        if p != k {
            for c in 0..m {
                d.swap(k * m + c, p * m + c);
            }
        }
        let inv = 1.0 / pivot;
        for r in k + 1..m {
            let f = d[r * m + k] * inv;
            d[r * m + k] = f;
            if f != 0.0 {
                for c in k + 1..m {
                    d[r * m + c] -= f * d[k * m + c];
                }
            }
        }
    }
    Ok(())
}

/// `x ← D⁻¹ x` for one vector `x` of length `m`, with `D`'s LU from [`lu_in_place`].
#[inline]
fn lu_solve(d: &[f64], m: usize, pivots: &[usize], x: &mut [f64]) {
    for k in 0..m {
        x.swap(k, pivots[k]);
    }
    for r in 1..m {
        let s: f64 = (0..r).map(|c| d[r * m + c] * x[c]).sum();
        x[r] -= s;
    }
    for r in (0..m).rev() {
        let s: f64 = (r + 1..m).map(|c| d[r * m + c] * x[c]).sum();
        x[r] = (x[r] - s) / d[r * m + r];
    }
}

/// `B ← D⁻¹ B` for the row-major `m × m` block `b`, column by column
/// (`column`: scratch of length `m`).
fn solve_columns(d: &[f64], m: usize, pivots: &[usize], b: &mut [f64], column: &mut [f64]) {
    for c in 0..m {
        for r in 0..m {
            column[r] = b[r * m + c];
        }
        lu_solve(d, m, pivots, column);
        for r in 0..m {
            b[r * m + c] = column[r];
        }
    }
}

/// The solve with blocks of `M` (known at compile time: the products stay
/// in registers): forward `zᵢ = D'ᵢ⁻¹ (bᵢ − Lᵢ zᵢ₋₁)`, backward
/// `xᵢ = zᵢ − Wᵢ xᵢ₊₁`, with `a` the factored `[Lᵢ | D'ᵢ⁻¹ | Wᵢ]`.
fn solve_fixed<const M: usize>(a: &[f64], b: &mut [f64]) {
    let mm = M * M;
    let mut previous = [0.0; M];
    for (i, (row, z)) in a.chunks_exact(3 * mm).zip(b.chunks_exact_mut(M)).enumerate() {
        let mut t = [0.0; M];
        for r in 0..M {
            let mut s = z[r];
            if i > 0 {
                for k in 0..M {
                    s -= row[r * M + k] * previous[k];
                }
            }
            t[r] = s;
        }
        for r in 0..M {
            let mut s = 0.0;
            for k in 0..M {
                s += row[mm + r * M + k] * t[k];
            }
            previous[r] = s;
            z[r] = s;
        }
    }
    let mut next = previous;
    for (row, x) in a.chunks_exact(3 * mm).zip(b.chunks_exact_mut(M)).rev().skip(1) {
        let mut out = [0.0; M];
        for r in 0..M {
            let mut s = x[r];
            for k in 0..M {
                s -= row[2 * mm + r * M + k] * next[k];
            }
            out[r] = s;
        }
        x.copy_from_slice(&out);
        next = out;
    }
}

/// [`solve_fixed`] for any block size `m` (`t`: scratch of length `m`).
fn solve_any(a: &[f64], m: usize, b: &mut [f64], t: &mut [f64]) {
    let mm = m * m;
    let blocks = b.len() / m;
    for i in 0..blocks {
        let row = &a[i * 3 * mm..(i + 1) * 3 * mm];
        let (before, here) = b.split_at_mut(i * m);
        let z = &mut here[..m];
        t.copy_from_slice(z);
        if i > 0 {
            let previous = &before[(i - 1) * m..];
            for (r, tr) in t.iter_mut().enumerate() {
                *tr -= row[r * m..(r + 1) * m].iter().zip(previous).map(|(l, x)| l * x).sum::<f64>();
            }
        }
        for (r, zr) in z.iter_mut().enumerate() {
            *zr = row[mm + r * m..mm + (r + 1) * m].iter().zip(&*t).map(|(d, x)| d * x).sum();
        }
    }
    for i in (0..blocks.saturating_sub(1)).rev() {
        let w = &a[i * 3 * mm + 2 * mm..(i + 1) * 3 * mm];
        let (here, after) = b.split_at_mut((i + 1) * m);
        let (x, next) = (&mut here[i * m..], &after[..m]);
        for (r, xr) in x.iter_mut().enumerate() {
            *xr -= w[r * m..(r + 1) * m].iter().zip(next).map(|(v, y)| v * y).sum::<f64>();
        }
    }
}

impl LinearSolver for BlockTridiagonalLu {
    fn dim(&self) -> usize {
        self.m * self.blocks
    }

    fn factor_shifted(&mut self, jac: &[f64], scale: f64, shift: f64) -> Result<(), Singular> {
        assert_eq!(jac.len(), self.to_block.len(), "Jacobian values of the wrong length");
        self.a.fill(0.0);
        let mut finite = scale.is_finite() && shift.is_finite();
        for (&k, &v) in self.to_block.iter().zip(jac) {
            self.a[k] = scale * v;
            finite &= v.is_finite();
        }
        for &k in &self.diagonal {
            self.a[k] += shift;
        }
        // A NaN or an infinity goes to the banded LU, which reports it.
        self.fell_back = !finite || self.factor_blocks().is_err();
        if self.fell_back {
            return self.banded.factor_shifted(jac, scale, shift);
        }
        Ok(())
    }

    fn solve(&mut self, b: &mut [f64]) {
        if self.fell_back {
            return self.banded.solve(b);
        }
        assert_eq!(b.len(), self.m * self.blocks, "right-hand side of the wrong length");
        match self.m {
            1 => solve_fixed::<1>(&self.a, b),
            2 => solve_fixed::<2>(&self.a, b),
            3 => solve_fixed::<3>(&self.a, b),
            4 => solve_fixed::<4>(&self.a, b),
            5 => solve_fixed::<5>(&self.a, b),
            6 => solve_fixed::<6>(&self.a, b),
            7 => solve_fixed::<7>(&self.a, b),
            8 => solve_fixed::<8>(&self.a, b),
            m => solve_any(&self.a, m, b, &mut self.column),
        }
    }

    fn solve_transposed(&mut self, b: &mut [f64]) -> bool {
        // Only the banded factors solve transposed systems.
        self.fell_back && self.banded.solve_transposed(b)
    }

    fn stored_entries(&self) -> usize {
        self.a.len() + self.banded.stored_entries()
    }

    fn name(&self) -> &'static str {
        "block-tridiagonal"
    }

    fn clone_box(&self) -> Box<dyn LinearSolver> {
        Box::new(self.clone())
    }
}
