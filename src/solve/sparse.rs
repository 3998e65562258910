//! Sparse LU for iteration matrices `shift·I + scale·J` with a fixed pattern.
//!
//! - **Ordering**: minimum degree on the symmetrized pattern, once per solve,
//!   so that elimination creates little fill.
//! - **Symbolic factorization**: the filled pattern of `L + U` for that order,
//!   and a map from each Jacobian entry to its place in it — once per solve.
//! - **Numeric factorization**: row-by-row elimination on the fixed filled
//!   pattern with diagonal pivots, allocation-free. Iteration matrices of
//!   stiff integrators are dominated by their diagonal (`1/(hγ)` or `1`) in
//!   the regimes where they are used; when a pivot is nevertheless too small
//!   relative to its row, the factorization reports it, and the caller
//!   ([`super::jacobian::IterationMatrix`]) falls back to the sparse LU with
//!   threshold pivoting ([`super::sparse_pivot`]) for that matrix.

use super::linalg::Singular;
use super::SparsityPattern;
use std::sync::{Arc, OnceLock, RwLock};

/// Layout version of generated LU kernels (and of the kernels generated
/// with them by the layers above): raise it whenever the
/// generator or the evaluation order it mirrors changes, so that kernels
/// written before no longer match (`tests/integration/compiled.rs` also fails until they
/// are rewritten).
pub const LAYOUT: u64 = 1;

/// A compiled factorization: `(jac, scale, shift, lu values, inverse
/// pivots)`, `Err(row)` at a pivot too small.
pub type LuFactor = fn(&[f64], f64, f64, &mut [f64], &mut [f64]) -> std::result::Result<(), usize>;

/// Straight-line sparse LU kernels for the layout the sparse LU chooses for
/// a model's Jacobian pattern (elimination order and fill included).
#[derive(Debug)]
pub struct CompiledLu {
    /// Dimension of the layout (checked, with `nnz`, before the fingerprint
    /// is computed, so large systems pay nothing for the lookup).
    pub n: usize,
    /// Stored entries of `L + U`, fill included.
    pub nnz: usize,
    /// The layout they were written for.
    pub fingerprint: u64,
    /// Forms `shift·I + scale·J` from the Jacobian's CSR values and factors
    /// it: `(jac, scale, shift, lu values, inverse pivots)`; `Err(row)` names
    /// the elimination step whose pivot is too small.
    pub factor: LuFactor,
    /// Solves in place with the factors: `(lu values, inverse pivots, b)`.
    pub solve: fn(&[f64], &[f64], &mut [f64]),
}

impl LuLayout<'_> {
    /// FNV-1a of the layout.
    pub(crate) fn fingerprint(&self) -> u64 {
        let mut h = crate::util::hash::Fingerprint::default();
        h.add(LAYOUT);
        h.add(self.n as u64);
        for part in [self.perm, self.row_start, self.cols, self.diag, self.from_jacobian] {
            h.add_all(part.iter().map(|&x| x as u64));
        }
        h.0
    }
}

/// LU kernels known to the sparse LU: every layout a [`SparseLu`] is built
/// for is looked up here. The model layer registers the kernels it compiles
/// ([`register_lu`]); the numerical core knows nothing of models.
static LU_REGISTRY: RwLock<Vec<&'static CompiledLu>> = RwLock::new(Vec::new());

/// Makes compiled LU kernels available to every sparse LU built afterwards
/// whose layout matches. Registering the same kernels twice is harmless.
pub fn register_lu(lu: &'static CompiledLu) {
    let mut list = LU_REGISTRY.write().unwrap_or_else(|e| e.into_inner());
    if !list.iter().any(|k| std::ptr::eq(*k, lu)) {
        list.push(lu);
    }
}

/// A minimum-degree elimination order of the symmetrized pattern.
pub(crate) fn minimum_degree(pattern: &SparsityPattern) -> Vec<usize> {
    let n = pattern.n();
    let mut adj: Vec<Vec<usize>> = vec![Vec::new(); n];
    for i in 0..n {
        for &j in pattern.row(i) {
            if i != j {
                adj[i].push(j);
                adj[j].push(i);
            }
        }
    }
    for a in adj.iter_mut() {
        a.sort_unstable();
        a.dedup();
    }
    let mut eliminated = vec![false; n];
    let mut order = Vec::with_capacity(n);
    // A min-heap of (degree, node) with lazy deletion: stale entries (whose
    // degree changed since they were pushed) are skipped when popped.
    let mut heap: std::collections::BinaryHeap<std::cmp::Reverse<(usize, usize)>> =
        (0..n).map(|v| std::cmp::Reverse((adj[v].len(), v))).collect();
    while let Some(std::cmp::Reverse((degree, v))) = heap.pop() {
        if eliminated[v] || degree != adj[v].len() {
            continue;
        }
        eliminated[v] = true;
        order.push(v);
        // Eliminating v joins its neighbours into a clique.
        let nbrs = std::mem::take(&mut adj[v]);
        for &a in &nbrs {
            let list = &mut adj[a];
            list.retain(|&x| x != v);
            for &b in &nbrs {
                if b != a {
                    if let Err(p) = list.binary_search(&b) {
                        list.insert(p, b);
                    }
                }
            }
            heap.push(std::cmp::Reverse((list.len(), a)));
        }
    }
    order
}

/// The symbolic analysis of a sparse LU for one pattern: the elimination
/// order and the filled pattern, made once per [`SparsityPattern`] and
/// shared by every factorization on it.
#[derive(Debug)]
pub(crate) struct Symbolic {
    n: usize,
    /// `perm[k]` = original index eliminated at step `k`.
    perm: Vec<usize>,
    /// Filled pattern, by permuted rows, columns (permuted) increasing.
    row_start: Vec<usize>,
    cols: Vec<usize>,
    /// Position of each row's diagonal in `cols`.
    diag: Vec<usize>,
    /// For each entry of the Jacobian's CSR pattern, its position in `values`.
    from_jacobian: Vec<usize>,
    /// The layout's fingerprint, computed when compiled kernels of its
    /// size are first looked for.
    fingerprint: OnceLock<u64>,
}

impl Symbolic {
    /// Orders and symbolically factors a pattern (which holds the diagonal).
    fn analyse(pattern: &SparsityPattern) -> Symbolic {
        let n = pattern.n();
        let perm = minimum_degree(pattern);
        let mut inv = vec![0; n];
        for (k, &p) in perm.iter().enumerate() {
            inv[p] = k;
        }
        // Permuted rows of A (and the diagonal), then symbolic elimination.
        let mut rows: Vec<Vec<usize>> = (0..n).map(|k| vec![k]).collect();
        for i in 0..n {
            for &j in pattern.row(i) {
                rows[inv[i]].push(inv[j]);
            }
        }
        let mut mark = vec![usize::MAX; n];
        for i in 0..n {
            // Row i of L+U: start from A's row, then for each k < i in it (in
            // increasing order, including fill found on the way) add U's row k.
            let mut row = std::mem::take(&mut rows[i]);
            for &c in &row {
                mark[c] = i;
            }
            let mut heap: std::collections::BinaryHeap<std::cmp::Reverse<usize>> =
                row.iter().copied().filter(|&c| c < i).map(std::cmp::Reverse).collect();
            while let Some(std::cmp::Reverse(k)) = heap.pop() {
                for &c in &rows[k] {
                    if c > k && mark[c] != i {
                        mark[c] = i;
                        row.push(c);
                        if c < i {
                            heap.push(std::cmp::Reverse(c));
                        }
                    }
                }
            }
            row.sort_unstable();
            row.dedup();
            rows[i] = row;
        }
        let mut row_start = vec![0];
        let mut cols = Vec::new();
        let mut diag = Vec::with_capacity(n);
        for (i, r) in rows.iter().enumerate() {
            diag.push(cols.len() + r.binary_search(&i).expect("diagonal present"));
            cols.extend_from_slice(r);
            row_start.push(cols.len());
        }
        let mut from_jacobian = Vec::with_capacity(pattern.nnz());
        for i in 0..n {
            let pi = inv[i];
            let row = &cols[row_start[pi]..row_start[pi + 1]];
            for &j in pattern.row(i) {
                let p = row.binary_search(&inv[j]).expect("filled pattern holds A");
                from_jacobian.push(row_start[pi] + p);
            }
        }
        let symbolic = Symbolic { n, perm, row_start, cols, diag, from_jacobian, fingerprint: OnceLock::new() };
        assert!(symbolic.check_layout(), "symbolic factorization broke its layout invariants");
        // Once per pattern: the fill is complete, so every update of the
        // numeric factorization has its slot.
        assert!(
            (0..n).all(|i| symbolic.cols[symbolic.diag[i]] == i && symbolic.fill_is_complete(i)),
            "symbolic fill is incomplete"
        );
        symbolic
    }

    /// The layout, as compiled kernels are written from it.
    fn layout(&self) -> LuLayout<'_> {
        LuLayout {
            n: self.n,
            perm: &self.perm,
            row_start: &self.row_start,
            cols: &self.cols,
            diag: &self.diag,
            from_jacobian: &self.from_jacobian,
        }
    }

    /// The registered LU kernels for this layout, if any (dimension and
    /// entry count are compared first, so large systems pay nothing; the
    /// fingerprint is computed once).
    fn compiled(&self) -> Option<&'static CompiledLu> {
        let registry = LU_REGISTRY.read().unwrap_or_else(|e| e.into_inner());
        let mut candidates = registry.iter().filter(|lu| lu.n == self.n && lu.nnz == self.cols.len()).peekable();
        candidates.peek()?;
        let fingerprint = *self.fingerprint.get_or_init(|| self.layout().fingerprint());
        candidates.find(|lu| lu.fingerprint == fingerprint).copied()
    }

    /// The layout invariants the unchecked loops of [`SparseLu::solve`] rely on.
    fn check_layout(&self) -> bool {
        let n = self.n;
        let mut seen = vec![false; n];
        let permutation =
            self.perm.len() == n && self.perm.iter().all(|&p| p < n && !std::mem::replace(&mut seen[p], true));
        permutation
            && self.diag.len() == n
            && self.row_start.len() == n + 1
            && self.row_start[n] == self.cols.len()
            && self.cols.iter().all(|&c| c < n)
            && (0..n).all(|i| self.row_start[i] <= self.diag[i] && self.diag[i] < self.row_start[i + 1])
    }

    /// Is row `i` of the symbolic factors closed under elimination: its
    /// columns strictly increasing and, for every `k < i` in it, holding
    /// every column of U's row `k`? (Then the numeric factorization finds a
    /// slot for every update it makes.)
    fn fill_is_complete(&self, i: usize) -> bool {
        let row = &self.cols[self.row_start[i]..self.row_start[i + 1]];
        row.windows(2).all(|w| w[0] < w[1])
            && row[..self.diag[i] - self.row_start[i]].iter().all(|&k| {
                self.cols[self.diag[k] + 1..self.row_start[k + 1]].iter().all(|c| row.binary_search(c).is_ok())
            })
    }
}

/// LU factors of a sparse matrix on a fixed filled pattern.
#[derive(Clone, Debug)]
pub struct SparseLu {
    /// The elimination order and filled pattern, shared with every other
    /// factorization on the same pattern.
    symbolic: Arc<Symbolic>,
    /// `L + U` on the filled pattern.
    values: Vec<f64>,
    inv_diag: Vec<f64>,
    /// Scratch: column → position in the row being eliminated.
    position: Vec<usize>,
    /// Scratch for permuted solves.
    work: Vec<f64>,
    /// Scratch for [`SparseLu::solve_columns`]: the columns interleaved,
    /// row by row in elimination order (sized at its first use).
    rows: Vec<f64>,
    /// Straight-line factorization and solve for this layout, where known
    /// (registered by the model layer, [`register_lu`]).
    compiled: Option<&'static CompiledLu>,
}

/// The symbolic layout of a [`SparseLu`], which its compiled kernels are
/// written from (`perm`, then the filled rows by elimination order).
pub(crate) struct LuLayout<'a> {
    pub n: usize,
    pub perm: &'a [usize],
    pub row_start: &'a [usize],
    pub cols: &'a [usize],
    pub diag: &'a [usize],
    pub from_jacobian: &'a [usize],
}

impl SparseLu {
    /// A factorization on `pattern` (which holds the diagonal): its
    /// symbolic analysis (minimum-degree order, fill, compiled kernels) is
    /// made the first time a pattern is factored and reused afterwards.
    pub fn new(pattern: &SparsityPattern) -> SparseLu {
        let symbolic = pattern.symbolic(Symbolic::analyse);
        let (n, nnz) = (symbolic.n, symbolic.cols.len());
        SparseLu {
            compiled: symbolic.compiled(),
            values: vec![0.0; nnz],
            inv_diag: vec![0.0; n],
            position: vec![usize::MAX; n],
            work: vec![0.0; n],
            rows: Vec::new(),
            symbolic,
        }
    }

    /// The symbolic layout.
    pub(crate) fn layout(&self) -> LuLayout<'_> {
        self.symbolic.layout()
    }

    /// Does this factorization run compiled kernels?
    pub fn uses_compiled_kernels(&self) -> bool {
        self.compiled.is_some()
    }

    /// A copy that factors and solves with the general loops even where
    /// compiled kernels exist: for checking them, or timing the difference.
    pub fn interpreted(&self) -> SparseLu {
        SparseLu { compiled: None, ..self.clone() }
    }

    /// The dimension.
    pub fn dim(&self) -> usize {
        self.symbolic.n
    }

    /// Number of stored entries of `L + U` (fill included).
    pub fn nnz(&self) -> usize {
        self.symbolic.cols.len()
    }

    /// Forms `shift·I + scale·J` from CSR values of `J` and factors it.
    ///
    /// Row `i` is eliminated against the earlier rows its pattern names:
    /// `l = m[i][k] / u[k][k]`, then `m[i][c] -= l · u[k][c]` for row `k`'s
    /// upper entries, which the symbolic factorization placed in row `i`'s
    /// pattern. Indexing is unchecked, as in [`SparseLu::solve`].
    pub fn factor_shifted(&mut self, jac: &[f64], scale: f64, shift: f64) -> Result<(), Singular> {
        let sym = &*self.symbolic;
        assert_eq!(jac.len(), sym.from_jacobian.len(), "Jacobian values of the wrong length");
        debug_assert!(self.check_layout());
        if let Some(kernels) = self.compiled {
            return (kernels.factor)(jac, scale, shift, &mut self.values, &mut self.inv_diag)
                .map_err(|row| Singular { column: sym.perm[row] });
        }
        self.values.fill(0.0);
        for (&p, &v) in sym.from_jacobian.iter().zip(jac) {
            self.values[p] += scale * v;
        }
        for i in 0..sym.n {
            self.values[sym.diag[i]] += shift;
        }
        // SAFETY: the layout invariants of `solve`; besides, `position` has
        // length n and holds, while row i is eliminated, the place in `values`
        // of each of its columns, and the symbolic factorization put every
        // column of row k's upper part (k < i in row i) into row i's pattern,
        // so each `position[c]` read below was written for this row.
        unsafe {
            let values = self.values.as_mut_ptr();
            let cols = sym.cols.as_ptr();
            let position = self.position.as_mut_ptr();
            let row_start = sym.row_start.as_ptr();
            let diag = sym.diag.as_ptr();
            for i in 0..sym.n {
                let (start, end, d) = (*row_start.add(i), *row_start.add(i + 1), *diag.add(i));
                let mut row_max: f64 = 0.0;
                for p in start..end {
                    *position.add(*cols.add(p)) = p;
                    row_max = row_max.max((*values.add(p)).abs());
                }
                for p in start..d {
                    let k = *cols.add(p);
                    let l = *values.add(p) * *self.inv_diag.get_unchecked(k);
                    *values.add(p) = l;
                    if l != 0.0 {
                        for q in *diag.add(k) + 1..*row_start.add(k + 1) {
                            *values.add(*position.add(*cols.add(q))) -= l * *values.add(q);
                        }
                    }
                }
                let pivot = *values.add(d);
                if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() {
                    return Err(Singular { column: sym.perm[i] });
                }
                *self.inv_diag.get_unchecked_mut(i) = 1.0 / pivot;
            }
        }
        Ok(())
    }

    /// Solves `M x = b` in place: `b` permuted into elimination order, forward
    /// substitution with the unit lower factor, backward substitution with the
    /// upper factor (multiplying by the stored inverse pivots), and back.
    ///
    /// This runs eight times per Rosenbrock step, and its rows are short (two
    /// or three entries on the models we solve), so the per-row bounds checks
    /// of safe indexing cost as much as the arithmetic: the loops index without
    /// them, relying on the invariants [`SparseLu::new`] establishes and nothing
    /// changes afterwards (`check_layout`, asserted when the pattern is analysed
    /// and in debug builds at every call).
    pub fn solve(&mut self, b: &mut [f64]) {
        let sym = &*self.symbolic;
        let n = sym.n;
        assert_eq!(b.len(), n, "right-hand side of the wrong length");
        debug_assert!(self.check_layout());
        if let Some(kernels) = self.compiled {
            (kernels.solve)(&self.values, &self.inv_diag, b);
            return;
        }
        // SAFETY: `perm` is a permutation of 0..n and `work`, `inv_diag`,
        // `diag` have length n, `row_start` n + 1; every `cols[p]` < n and
        // `row_start[i] <= diag[i] < row_start[i + 1] <= values.len() == cols.len()`
        // (built in `new`, never resized).
        unsafe {
            let y = self.work.as_mut_ptr();
            let values = self.values.as_ptr();
            let cols = sym.cols.as_ptr();
            // Forward, reading b in elimination order as it goes.
            for i in 0..n {
                let mut s = *b.get_unchecked(*sym.perm.get_unchecked(i));
                for p in *sym.row_start.get_unchecked(i)..*sym.diag.get_unchecked(i) {
                    s -= *values.add(p) * *y.add(*cols.add(p));
                }
                *y.add(i) = s;
            }
            // Backward, writing each unknown back to its place in b too.
            for i in (0..n).rev() {
                let mut s = *y.add(i);
                for p in *sym.diag.get_unchecked(i) + 1..*sym.row_start.get_unchecked(i + 1) {
                    s -= *values.add(p) * *y.add(*cols.add(p));
                }
                let x = s * *self.inv_diag.get_unchecked(i);
                *y.add(i) = x;
                *b.get_unchecked_mut(*sym.perm.get_unchecked(i)) = x;
            }
        }
    }

    /// Solves `M X = B` in place for `k` right-hand sides stored one after
    /// another in `b` (`b.len() = k·n`), as [`SparseLu::solve`] solves each
    /// (the same operations in the same order, so the same bits), but
    /// sweeping the factors once: each factor entry updates a row of `k`
    /// values, held contiguously, where `k` solves would each read it and
    /// its column index again for one value.
    pub fn solve_columns(&mut self, b: &mut [f64]) {
        let n = self.symbolic.n;
        if n == 0 || b.len() < 2 * n || self.compiled.is_some() {
            for column in b.chunks_exact_mut(n.max(1)) {
                self.solve(column);
            }
            return;
        }
        assert_eq!(b.len() % n, 0, "right-hand sides of the wrong length");
        let k = b.len() / n;
        let sym = &*self.symbolic;
        // Grows once, to the largest set of columns solved.
        if self.rows.len() < n * k {
            self.rows.resize(n * k, 0.0);
        }
        let rows = &mut self.rows[..n * k];
        for (i, row) in rows.chunks_exact_mut(k).enumerate() {
            let from = sym.perm[i];
            for (x, column) in row.iter_mut().zip(b.chunks_exact(n)) {
                *x = column[from];
            }
        }
        // Forward with the unit lower factor: row i −= l_ip · row cols[p].
        for i in 0..n {
            let (done, rest) = rows.split_at_mut(i * k);
            let row = &mut rest[..k];
            for p in sym.row_start[i]..sym.diag[i] {
                let (l, j) = (self.values[p], sym.cols[p]);
                for (x, &y) in row.iter_mut().zip(&done[j * k..(j + 1) * k]) {
                    *x -= l * y;
                }
            }
        }
        // Backward with the upper factor, then the inverse pivot.
        for i in (0..n).rev() {
            let (head, tail) = rows.split_at_mut((i + 1) * k);
            let row = &mut head[i * k..];
            for p in sym.diag[i] + 1..sym.row_start[i + 1] {
                let (u, j) = (self.values[p], sym.cols[p]);
                let solved = &tail[(j - i - 1) * k..(j - i) * k];
                for (x, &y) in row.iter_mut().zip(solved) {
                    *x -= u * y;
                }
            }
            let inverse_pivot = self.inv_diag[i];
            for x in row.iter_mut() {
                *x *= inverse_pivot;
            }
        }
        for (i, row) in rows.chunks_exact(k).enumerate() {
            let to = sym.perm[i];
            for (&x, column) in row.iter().zip(b.chunks_exact_mut(n)) {
                column[to] = x;
            }
        }
    }

    /// The numeric buffers fit the symbolic layout (whose own invariants
    /// were checked when it was made).
    fn check_layout(&self) -> bool {
        let n = self.symbolic.n;
        self.work.len() == n
            && self.position.len() == n
            && self.inv_diag.len() == n
            && self.values.len() == self.symbolic.cols.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The symbolic analysis is made once per pattern: factorizations on the
    /// pattern, on its clones and on an equal pattern built apart share it,
    /// and factor alike.
    #[test]
    fn factorizations_on_one_pattern_share_its_symbolic_analysis() {
        let pattern = SparsityPattern::from_rows(4, vec![vec![1, 3], vec![0], vec![3], vec![0, 2]]);
        let (a, b) = (SparseLu::new(&pattern), SparseLu::new(&pattern.clone()));
        assert!(Arc::ptr_eq(&a.symbolic, &b.symbolic));
        let equal = SparsityPattern::from_rows(4, vec![vec![1, 3], vec![0], vec![3], vec![0, 2]]);
        assert!(Arc::ptr_eq(&a.symbolic, &SparseLu::new(&equal).symbolic), "equal patterns built apart share it");
        let other = SparsityPattern::from_rows(4, vec![vec![1, 3], vec![0], vec![3], vec![0, 1]]);
        assert!(!Arc::ptr_eq(&a.symbolic, &SparseLu::new(&other).symbolic), "a different pattern analyses apart");
        let jac: Vec<f64> = (0..pattern.nnz()).map(|k| 1.0 + k as f64).collect();
        let (mut a, mut b) = (a, b);
        a.factor_shifted(&jac, -0.1, 1.0).unwrap();
        b.factor_shifted(&jac, -0.1, 1.0).unwrap();
        let (mut x, mut y) = (vec![1.0, 2.0, 3.0, 4.0], vec![1.0, 2.0, 3.0, 4.0]);
        a.solve(&mut x);
        b.solve(&mut y);
        assert_eq!(x, y);
    }

    /// Solving several right-hand sides in one sweep gives each the bits a
    /// solve of its own gives, on a pattern with fill (a ring with chords).
    #[test]
    fn several_columns_solve_as_each_alone() {
        let n = 12;
        let rows = (0..n).map(|i| vec![(i + 1) % n, (i + 5) % n, (i + n - 1) % n]).collect();
        let pattern = SparsityPattern::from_rows(n, rows);
        let jac: Vec<f64> = (0..pattern.nnz()).map(|k| 0.1 + 0.37 * (k as f64).sin()).collect();
        let mut lu = SparseLu::new(&pattern);
        lu.factor_shifted(&jac, -0.8, 1.0).unwrap();
        assert!(lu.nnz() > pattern.nnz(), "the pattern fills in");
        let columns = 5;
        let mut together: Vec<f64> = (0..n * columns).map(|k| (0.7 * k as f64).cos()).collect();
        let mut alone = together.clone();
        lu.solve_columns(&mut together);
        for column in alone.chunks_exact_mut(n) {
            lu.solve(column);
        }
        assert_eq!(together, alone);
        // And each is a solution: M x = b, M = I − 0.8 J.
        let b: Vec<f64> = (0..n).map(|k| (0.7 * k as f64).cos()).collect();
        for i in 0..n {
            let mut mx = together[i];
            for k in pattern.range(i) {
                mx -= 0.8 * jac[k] * together[pattern.col()[k]];
            }
            assert!((mx - b[i]).abs() < 1e-12, "row {i}: {mx} vs {}", b[i]);
        }
    }

    /// An arrow matrix (dense first row and column): natural order fills in
    /// completely, minimum degree eliminates the hub last and creates no fill.
    #[test]
    fn minimum_degree_avoids_fill_and_the_solve_is_exact() {
        let n = 30;
        let mut row_start = vec![0];
        let mut col = Vec::new();
        for i in 0..n {
            if i == 0 {
                col.extend(0..n);
            } else {
                col.extend([0, i]);
            }
            row_start.push(col.len());
        }
        let pattern = SparsityPattern::from_csr(n, row_start, col).expect("a valid pattern");
        let mut lu = SparseLu::new(&pattern);
        assert_eq!(lu.nnz(), pattern.nnz(), "no fill");
        // J: −1 on the diagonal, 0.3 in the arrow; M = 2 I − J.
        let jac: Vec<f64> = (0..n)
            .flat_map(|i| {
                let r = pattern.range(i);
                pattern.col()[r].iter().map(move |&j| if i == j { -1.0 } else { 0.3 }).collect::<Vec<_>>()
            })
            .collect();
        lu.factor_shifted(&jac, -1.0, 2.0).unwrap();
        let x: Vec<f64> = (0..n).map(|i| (i as f64).sin()).collect();
        // b = M x
        let mut b = vec![0.0; n];
        for i in 0..n {
            for k in pattern.range(i) {
                let j = pattern.col()[k];
                b[i] += (if i == j { 2.0 } else { 0.0 } - jac[k]) * x[j];
            }
        }
        lu.solve(&mut b);
        for i in 0..n {
            assert!((b[i] - x[i]).abs() < 1e-12, "{i}: {} vs {}", b[i], x[i]);
        }
        // A zero pivot is reported, not divided by.
        assert!(lu.factor_shifted(&vec![0.0; jac.len()], 1.0, 0.0).is_err());
    }
}
