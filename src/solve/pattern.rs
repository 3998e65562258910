//! The sparsity pattern of a Jacobian, in compressed sparse rows.

/// Compressed sparse row pattern of a Jacobian (always includes the diagonal).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SparsityPattern {
    /// Number of rows (= columns).
    pub n: usize,
    /// Row `i` holds entries `row_start[i]..row_start[i + 1]`.
    pub row_start: Vec<usize>,
    /// Column index of each stored entry, increasing within a row.
    pub col: Vec<usize>,
}

impl SparsityPattern {
    /// The pattern of `n` rows whose row `i` holds the columns `rows[i]`
    /// (in any order, repeats allowed; the diagonal is added).
    ///
    /// # Panics
    /// If `rows` does not have `n` rows or a column is `n` or more: patterns
    /// are built by code from structures it knows, not from input.
    pub fn from_rows(n: usize, mut rows: Vec<Vec<usize>>) -> SparsityPattern {
        assert_eq!(rows.len(), n, "a pattern of {n} rows needs {n} row lists");
        let mut row_start = Vec::with_capacity(n + 1);
        row_start.push(0);
        let mut col = Vec::new();
        for (i, r) in rows.iter_mut().enumerate() {
            r.push(i);
            r.sort_unstable();
            r.dedup();
            assert!(r.last().is_none_or(|&c| c < n), "column out of range in row {i} of a pattern of {n}");
            col.extend_from_slice(r);
            row_start.push(col.len());
        }
        SparsityPattern { n, row_start, col }
    }

    /// Number of stored entries.
    pub fn nnz(&self) -> usize {
        self.col.len()
    }

    /// Position of `(row, col)` in the value array, if stored.
    pub fn position(&self, row: usize, col: usize) -> Option<usize> {
        let r = self.row_start[row]..self.row_start[row + 1];
        self.col[r.clone()].binary_search(&col).ok().map(|k| r.start + k)
    }
}
