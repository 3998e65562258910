//! Sparse LU with threshold partial pivoting, for iteration matrices whose
//! diagonal cannot be used as the pivot (the fallback of the diagonal-pivot
//! [`super::sparse::SparseLu`]).
//!
//! Left-looking (Gilbert–Peierls): columns are taken in a minimum-degree
//! order of the symmetrized pattern (the order that suits diagonal pivots);
//! for column `k` the sparse triangular solve `x = L \ A(:, q_k)` visits only
//! the columns of `L` its nonzeros reach (a depth-first search on `L`'s graph
//! gives them in topological order), so the work is proportional to the
//! arithmetic. The pivot is the diagonal entry `x_{q_k}` when
//! `|x_{q_k}| ≥ τ · max_i |x_i|` over the rows not yet pivotal (τ = 0.1,
//! [`PivotingSparseLu::DEFAULT_THRESHOLD`]), else the largest of them: the
//! sparsity of the diagonal order is kept where it is numerically safe, and
//! growth is bounded by `1 + 1/τ` per step where it is not.
//!
//! Memory is the fill of `L + U` for the pivot sequence found (plus `O(n)`
//! work arrays), never `n²`. The factors live in vectors that are cleared,
//! not freed, between factorizations: after the first one, a factorization
//! allocates only if a different pivot sequence makes more fill than any
//! before.

use super::linalg::Singular;
use super::sparse::minimum_degree;
use crate::solve::SparsityPattern;

const NONE: usize = usize::MAX;

/// Sparse LU with threshold partial pivoting on a fixed pattern.
#[derive(Clone, Debug)]
pub struct PivotingSparseLu {
    n: usize,
    tau: f64,
    /// Column order: column `q[k]` of `M` is eliminated at step `k`.
    q: Vec<usize>,
    /// `M` in compressed columns (the pattern plus the diagonal).
    a_colptr: Vec<usize>,
    a_rows: Vec<usize>,
    a_values: Vec<f64>,
    /// For each entry of the Jacobian's CSR pattern, its place in `a_values`.
    from_jacobian: Vec<usize>,
    /// The diagonal's place in `a_values`, per column.
    a_diag: Vec<usize>,
    /// `L` by columns, unit diagonal first; rows are original indices while
    /// factoring, pivot steps afterwards.
    l_colptr: Vec<usize>,
    l_rows: Vec<usize>,
    l_values: Vec<f64>,
    /// `U` by columns, rows are pivot steps, diagonal last.
    u_colptr: Vec<usize>,
    u_rows: Vec<usize>,
    u_values: Vec<f64>,
    /// `pinv[i]` = step at which row `i` became pivotal.
    pinv: Vec<usize>,
    /// Work: the dense column being eliminated, the reach (`xi[top..n]`),
    /// the depth-first stack and its positions, visit stamps.
    x: Vec<f64>,
    xi: Vec<usize>,
    stack: Vec<usize>,
    pstack: Vec<usize>,
    mark: Vec<u64>,
    stamp: u64,
    /// Did the last factorization succeed (so that `solve` may run)?
    factored: bool,
}

impl PivotingSparseLu {
    /// The pivot threshold τ used by [`PivotingSparseLu::new`].
    pub const DEFAULT_THRESHOLD: f64 = 0.1;

    /// Orders a pattern (the diagonal is added if missing) with the default threshold.
    pub fn new(pattern: &SparsityPattern) -> PivotingSparseLu {
        PivotingSparseLu::with_threshold(pattern, Self::DEFAULT_THRESHOLD)
    }

    /// Orders a pattern with pivot threshold `tau` in `(0, 1]` (1 is plain
    /// partial pivoting; smaller values keep the diagonal more often).
    pub fn with_threshold(pattern: &SparsityPattern, tau: f64) -> PivotingSparseLu {
        assert!(tau > 0.0 && tau <= 1.0, "pivot threshold {tau} outside (0, 1]");
        let n = pattern.n();
        // Compressed columns of the pattern plus the diagonal.
        let mut count = vec![0usize; n];
        let mut has_diag = vec![false; n];
        for i in 0..n {
            for &j in pattern.row(i) {
                count[j] += 1;
                has_diag[i] |= i == j;
            }
        }
        for j in 0..n {
            count[j] += usize::from(!has_diag[j]);
        }
        let mut a_colptr = vec![0; n + 1];
        for j in 0..n {
            a_colptr[j + 1] = a_colptr[j] + count[j];
        }
        let nnz = a_colptr[n];
        let mut next = a_colptr.clone();
        let mut a_rows = vec![0; nnz];
        let mut a_diag = vec![NONE; n];
        let mut from_jacobian = Vec::with_capacity(pattern.nnz());
        for i in 0..n {
            for &j in pattern.row(i) {
                a_rows[next[j]] = i;
                if i == j {
                    a_diag[j] = next[j];
                }
                from_jacobian.push(next[j]);
                next[j] += 1;
            }
        }
        for j in 0..n {
            if a_diag[j] == NONE {
                a_rows[next[j]] = j;
                a_diag[j] = next[j];
                next[j] += 1;
            }
        }
        PivotingSparseLu {
            n,
            tau,
            q: minimum_degree(pattern),
            a_colptr,
            a_rows,
            a_values: vec![0.0; nnz],
            from_jacobian,
            a_diag,
            l_colptr: vec![0; n + 1],
            l_rows: Vec::new(),
            l_values: Vec::new(),
            u_colptr: vec![0; n + 1],
            u_rows: Vec::new(),
            u_values: Vec::new(),
            pinv: vec![NONE; n],
            x: vec![0.0; n],
            xi: vec![0; n],
            stack: vec![0; n],
            pstack: vec![0; n],
            mark: vec![0; n],
            stamp: 0,
            factored: false,
        }
    }

    /// The dimension.
    pub fn dim(&self) -> usize {
        self.n
    }

    /// Number of stored entries of `L + U` of the last factorization (fill
    /// and `L`'s unit diagonal included).
    pub fn nnz(&self) -> usize {
        self.l_values.len() + self.u_values.len()
    }

    /// Number of pivots of the last factorization that were not on the
    /// diagonal (0 when the diagonal order was safe throughout).
    pub fn off_diagonal_pivots(&self) -> usize {
        (0..self.n).filter(|&k| self.pinv[self.q[k]] != k).count()
    }

    /// Marks the nodes of `L`'s graph reachable from row `start` and writes
    /// them to `xi[..top]` (descending) in topological order; returns the new top.
    fn depth_first(&mut self, start: usize, mut top: usize) -> usize {
        let mut head = 0;
        self.stack[0] = start;
        loop {
            let j = self.stack[head];
            let col = self.pinv[j];
            if self.mark[j] != self.stamp {
                self.mark[j] = self.stamp;
                self.pstack[head] = if col == NONE { 0 } else { self.l_colptr[col] + 1 };
            }
            let end = if col == NONE { 0 } else { self.l_colptr[col + 1] };
            let mut descended = false;
            let mut p = self.pstack[head];
            while p < end {
                let i = self.l_rows[p];
                p += 1;
                if self.mark[i] != self.stamp {
                    self.pstack[head] = p;
                    head += 1;
                    self.stack[head] = i;
                    descended = true;
                    break;
                }
            }
            if !descended {
                top -= 1;
                self.xi[top] = j;
                if head == 0 {
                    return top;
                }
                head -= 1;
            }
        }
    }

    /// Forms `shift·I + scale·J` from CSR values of `J` and factors it.
    pub fn factor_shifted(&mut self, jac: &[f64], scale: f64, shift: f64) -> Result<(), Singular> {
        assert_eq!(jac.len(), self.from_jacobian.len(), "Jacobian values of the wrong length");
        let n = self.n;
        self.factored = false;
        self.a_values.fill(0.0);
        for (&p, &v) in self.from_jacobian.iter().zip(jac) {
            self.a_values[p] += scale * v;
        }
        for &d in &self.a_diag {
            self.a_values[d] += shift;
        }
        self.pinv.fill(NONE);
        self.l_rows.clear();
        self.l_values.clear();
        self.u_rows.clear();
        self.u_values.clear();
        for k in 0..n {
            let col = self.q[k];
            self.stamp += 1;
            // The reach of A(:, col) in L's graph, topologically ordered.
            let mut top = n;
            for p in self.a_colptr[col]..self.a_colptr[col + 1] {
                let i = self.a_rows[p];
                if self.mark[i] != self.stamp {
                    top = self.depth_first(i, top);
                }
            }
            for &i in &self.xi[top..n] {
                self.x[i] = 0.0;
            }
            for p in self.a_colptr[col]..self.a_colptr[col + 1] {
                self.x[self.a_rows[p]] = self.a_values[p];
            }
            // x = L \ A(:, col).
            for &i in &self.xi[top..n] {
                let j = self.pinv[i];
                if j == NONE {
                    continue;
                }
                let xj = self.x[i];
                if xj != 0.0 {
                    for p in self.l_colptr[j] + 1..self.l_colptr[j + 1] {
                        self.x[self.l_rows[p]] -= self.l_values[p] * xj;
                    }
                }
            }
            // U(:, k) from the pivotal rows; the pivot among the others.
            let mut pivot_row = NONE;
            let mut largest = 0.0_f64;
            for &i in &self.xi[top..n] {
                let j = self.pinv[i];
                if j == NONE {
                    let v = self.x[i].abs();
                    if v > largest || v.is_nan() {
                        largest = v;
                        pivot_row = i;
                    }
                } else {
                    self.u_rows.push(j);
                    self.u_values.push(self.x[i]);
                }
            }
            if pivot_row == NONE || largest == 0.0 || !largest.is_finite() {
                return Err(Singular { column: col });
            }
            // The diagonal where it is within the threshold (it is in the
            // reach: the diagonal is in A's pattern).
            if self.pinv[col] == NONE && self.x[col].abs() >= self.tau * largest {
                pivot_row = col;
            }
            let pivot = self.x[pivot_row];
            self.u_rows.push(k);
            self.u_values.push(pivot);
            self.pinv[pivot_row] = k;
            self.l_rows.push(pivot_row);
            self.l_values.push(1.0);
            let inv = 1.0 / pivot;
            for &i in &self.xi[top..n] {
                if self.pinv[i] == NONE {
                    self.l_rows.push(i);
                    self.l_values.push(self.x[i] * inv);
                }
            }
            self.l_colptr[k + 1] = self.l_rows.len();
            self.u_colptr[k + 1] = self.u_rows.len();
        }
        // L's rows by pivot step, for the solve.
        for r in &mut self.l_rows {
            *r = self.pinv[*r];
        }
        self.factored = true;
        Ok(())
    }

    /// Solves `M x = b` in place: rows permuted into pivot order, `L` forward,
    /// `U` backward (both by columns), columns back into the original order.
    pub fn solve(&mut self, b: &mut [f64]) {
        let n = self.n;
        assert_eq!(b.len(), n, "right-hand side of the wrong length");
        assert!(self.factored, "solve needs a successful factorization");
        let x = &mut self.x;
        for (i, &v) in b.iter().enumerate() {
            x[self.pinv[i]] = v;
        }
        for j in 0..n {
            let xj = x[j];
            if xj != 0.0 {
                for p in self.l_colptr[j] + 1..self.l_colptr[j + 1] {
                    x[self.l_rows[p]] -= self.l_values[p] * xj;
                }
            }
        }
        for j in (0..n).rev() {
            let last = self.u_colptr[j + 1] - 1;
            let xj = x[j] / self.u_values[last];
            x[j] = xj;
            if xj != 0.0 {
                for p in self.u_colptr[j]..last {
                    x[self.u_rows[p]] -= self.u_values[p] * xj;
                }
            }
        }
        for (k, &c) in self.q.iter().enumerate() {
            b[c] = x[k];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pattern(n: usize, entries: &[(usize, usize)]) -> SparsityPattern {
        let mut rows: Vec<Vec<usize>> = vec![Vec::new(); n];
        for &(i, j) in entries {
            rows[i].push(j);
        }
        let mut row_start = vec![0];
        let mut col = Vec::new();
        for r in &mut rows {
            r.sort_unstable();
            r.dedup();
            col.extend_from_slice(r);
            row_start.push(col.len());
        }
        SparsityPattern::from_csr(n, row_start, col).expect("a valid pattern")
    }

    /// A permutation matrix (zero diagonal) needs row interchanges.
    #[test]
    fn pivots_off_the_diagonal() {
        let n = 5;
        let entries: Vec<(usize, usize)> = (0..n).flat_map(|i| [(i, i), (i, (i + 1) % n)]).collect();
        let p = pattern(n, &entries);
        let jac: Vec<f64> = (0..n).flat_map(|i| if i + 1 < n { [0.0, 2.0 + i as f64] } else { [3.0, 0.0] }).collect();
        let mut lu = PivotingSparseLu::new(&p);
        lu.factor_shifted(&jac, 1.0, 0.0).unwrap();
        assert!(lu.off_diagonal_pivots() > 0);
        let x: Vec<f64> = (0..n).map(|i| i as f64 + 1.0).collect();
        let mut b = vec![0.0; n];
        for i in 0..n {
            for k in p.range(i) {
                b[i] += jac[k] * x[p.col()[k]];
            }
        }
        lu.solve(&mut b);
        for i in 0..n {
            assert!((b[i] - x[i]).abs() < 1e-14, "{i}: {} vs {}", b[i], x[i]);
        }
    }

    /// After the first factorization of a pattern, refactoring values with the
    /// same pivot sequence reuses the factors' storage.
    #[test]
    fn refactoring_does_not_reallocate() {
        let n = 50;
        let entries: Vec<(usize, usize)> = (0..n)
            .flat_map(|i| [(i, i), (i, i ^ 1), (i, (i + 2) % n), (i, (i + n - 2) % n)])
            .filter(|e| e.1 < n)
            .collect();
        let p = pattern(n, &entries);
        let values = |w: f64| -> Vec<f64> {
            (0..n)
                .flat_map(|i| p.row(i).iter().map(move |&j| (i, j)))
                .map(|(i, j)| {
                    if i == j {
                        1.0
                    } else if j == (i ^ 1) {
                        -3.0 - w
                    } else {
                        0.1 * w
                    }
                })
                .collect()
        };
        let mut lu = PivotingSparseLu::new(&p);
        lu.factor_shifted(&values(0.5), -1.0, 1.0).unwrap();
        let before = (lu.l_values.as_ptr(), lu.u_values.as_ptr(), lu.l_rows.as_ptr(), lu.u_rows.as_ptr(), lu.nnz());
        lu.factor_shifted(&values(0.7), -1.0, 1.0).unwrap();
        let after = (lu.l_values.as_ptr(), lu.u_values.as_ptr(), lu.l_rows.as_ptr(), lu.u_rows.as_ptr(), lu.nnz());
        assert_eq!(before, after);
        assert_eq!(lu.off_diagonal_pivots(), n);
    }
}
