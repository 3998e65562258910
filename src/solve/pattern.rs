//! The sparsity pattern of a Jacobian, in compressed sparse rows.

use super::sparse::Symbolic;
use crate::error::{Result, SaspError};
use std::sync::{Arc, Mutex, OnceLock};

/// How many recently analysed patterns are kept for equal patterns built
/// apart to share their analysis (a lookup compares the dimension and entry
/// count first, so a miss costs little).
const RECENT_PATTERNS: usize = 64;
/// Patterns with more entries than this are not kept (their analysis is
/// large, and grids reuse theirs through their own pattern).
const RECENT_MAX_ENTRIES: usize = 1 << 16;
/// The patterns analysed lately, the most recent last.
static RECENT: Mutex<Vec<SparsityPattern>> = Mutex::new(Vec::new());

/// Compressed sparse row pattern of a Jacobian (always includes the diagonal).
///
/// The fields are private so that every pattern is valid — `n + 1` monotone
/// row starts from 0 to the number of entries, columns in range and strictly
/// increasing within a row, the diagonal present in every row — which the
/// sparse LU relies on when it indexes without bounds checks.
///
/// A pattern is immutable and shared: cloning it copies a pointer, and the
/// sparse LU's symbolic analysis (elimination order, fill, the lookup of
/// compiled kernels) is done once per pattern and kept with it, so every
/// solve of a model (every run of a sweep) reuses it. Equal patterns built
/// apart share it too while one of them is among the last 64 analysed
/// (patterns of at most 65,536 entries): a fit's evaluations and a PEtab
/// problem's conditions rebuild their sensitivity systems' patterns at
/// every evaluation, equal to the last ones.
#[derive(Clone)]
pub struct SparsityPattern {
    csr: Arc<Csr>,
}

/// The rows of a [`SparsityPattern`] and the sparse LU's analysis of them.
struct Csr {
    /// Number of rows (= columns).
    n: usize,
    /// Row `i` holds entries `row_start[i]..row_start[i + 1]`.
    row_start: Vec<usize>,
    /// Column index of each stored entry, increasing within a row.
    col: Vec<usize>,
    /// The sparse LU's symbolic analysis, made on first use.
    symbolic: OnceLock<Arc<Symbolic>>,
}

impl PartialEq for SparsityPattern {
    fn eq(&self, other: &SparsityPattern) -> bool {
        Arc::ptr_eq(&self.csr, &other.csr)
            || (self.csr.n == other.csr.n && self.csr.row_start == other.csr.row_start && self.csr.col == other.csr.col)
    }
}

impl Eq for SparsityPattern {}

impl std::fmt::Debug for SparsityPattern {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SparsityPattern")
            .field("n", &self.csr.n)
            .field("row_start", &self.csr.row_start)
            .field("col", &self.csr.col)
            .finish()
    }
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
        SparsityPattern::new_unchecked(n, row_start, col)
    }

    /// A pattern of rows already known to be valid.
    fn new_unchecked(n: usize, row_start: Vec<usize>, col: Vec<usize>) -> SparsityPattern {
        SparsityPattern { csr: Arc::new(Csr { n, row_start, col, symbolic: OnceLock::new() }) }
    }

    /// The sparse LU's symbolic analysis of this pattern: that of an equal
    /// pattern analysed lately, or made by `analyse`, the first time; shared
    /// by every clone afterwards.
    pub(crate) fn symbolic(&self, analyse: impl FnOnce(&SparsityPattern) -> Symbolic) -> Arc<Symbolic> {
        self.csr
            .symbolic
            .get_or_init(|| {
                let kept = self.csr.col.len() <= RECENT_MAX_ENTRIES;
                // A poisoned lock only loses the sharing.
                if kept {
                    if let Ok(recent) = RECENT.lock() {
                        if let Some(shared) =
                            recent.iter().rev().find(|p| *p == self).and_then(|p| p.csr.symbolic.get())
                        {
                            return shared.clone();
                        }
                    }
                }
                let made = Arc::new(analyse(self));
                if kept {
                    if let Ok(mut recent) = RECENT.lock() {
                        if recent.len() >= RECENT_PATTERNS {
                            recent.remove(0);
                        }
                        recent.push(self.clone());
                    }
                }
                made
            })
            .clone()
    }

    /// A pattern from its compressed sparse rows, checked: `row_start` has
    /// `n + 1` entries, starts at 0, never decreases and ends at `col.len()`;
    /// within each row the columns are below `n`, strictly increasing, and
    /// include the diagonal.
    pub fn from_csr(n: usize, row_start: Vec<usize>, col: Vec<usize>) -> Result<SparsityPattern> {
        let bad = |why: String| Err(SaspError::InvalidOptions(format!("sparsity pattern of {n} rows: {why}")));
        if row_start.len() != n + 1 {
            return bad(format!("{} row starts, need {}", row_start.len(), n + 1));
        }
        if row_start[0] != 0 || row_start[n] != col.len() {
            return bad(format!("row starts run from {} to {}, need 0 to {}", row_start[0], row_start[n], col.len()));
        }
        for i in 0..n {
            if row_start[i] > row_start[i + 1] {
                return bad(format!("row {i} starts after row {}", i + 1));
            }
            let row = &col[row_start[i]..row_start[i + 1]];
            if !row.windows(2).all(|w| w[0] < w[1]) {
                return bad(format!("the columns of row {i} do not increase"));
            }
            if row.last().is_some_and(|&c| c >= n) {
                return bad(format!("a column of row {i} is out of range"));
            }
            if row.binary_search(&i).is_err() {
                return bad(format!("row {i} lacks its diagonal entry"));
            }
        }
        Ok(SparsityPattern::new_unchecked(n, row_start, col))
    }

    /// Number of rows (= columns).
    #[inline]
    pub fn n(&self) -> usize {
        self.csr.n
    }

    /// Row `i` holds entries `row_start()[i]..row_start()[i + 1]` (`n + 1` values).
    #[inline]
    pub fn row_start(&self) -> &[usize] {
        &self.csr.row_start
    }

    /// Column index of each stored entry, increasing within a row.
    #[inline]
    pub fn col(&self) -> &[usize] {
        &self.csr.col
    }

    /// The positions of row `i`'s entries in the value array.
    #[inline]
    pub fn range(&self, i: usize) -> std::ops::Range<usize> {
        self.csr.row_start[i]..self.csr.row_start[i + 1]
    }

    /// The columns of row `i`.
    #[inline]
    pub fn row(&self, i: usize) -> &[usize] {
        &self.csr.col[self.range(i)]
    }

    /// Number of stored entries.
    pub fn nnz(&self) -> usize {
        self.csr.col.len()
    }

    /// Position of `(row, col)` in the value array, if stored.
    pub fn position(&self, row: usize, col: usize) -> Option<usize> {
        let r = self.range(row);
        self.csr.col[r.clone()].binary_search(&col).ok().map(|k| r.start + k)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn from_csr_accepts_valid_rows_and_refuses_each_broken_invariant() {
        // [x x .; . x .; x . x]
        let p = SparsityPattern::from_csr(3, vec![0, 2, 3, 5], vec![0, 1, 1, 0, 2]).unwrap();
        assert_eq!(p, SparsityPattern::from_rows(3, vec![vec![1], vec![], vec![0]]));
        assert_eq!((p.n(), p.row(2), p.range(1), p.position(2, 0)), (3, &[0, 2][..], 2..3, Some(3)));
        let refused = |row_start: Vec<usize>, col: Vec<usize>, why: &str| {
            let e = SparsityPattern::from_csr(3, row_start, col).unwrap_err().to_string();
            assert!(e.contains(why), "{e}");
        };
        refused(vec![0, 2, 3], vec![0, 1, 1], "row starts");
        refused(vec![1, 2, 3, 5], vec![0, 1, 1, 0, 2], "run from 1");
        refused(vec![0, 2, 1, 5], vec![0, 1, 1, 0, 2], "row 1 starts after row 2");
        refused(vec![0, 2, 3, 5], vec![1, 0, 1, 0, 2], "do not increase");
        refused(vec![0, 2, 3, 5], vec![0, 0, 1, 0, 2], "do not increase");
        refused(vec![0, 2, 3, 5], vec![0, 1, 1, 2, 3], "out of range");
        refused(vec![0, 1, 2, 3], vec![1, 1, 2], "row 0 lacks its diagonal");
    }
}
