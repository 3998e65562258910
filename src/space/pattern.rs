//! The grid's sparsity pattern and the tables assembly derives from the
//! grid: each cell's reaction block (the model's pattern, shifted to the
//! cell) plus the couplings transport adds, where each reaction entry lies
//! in that pattern, and each cell's neighbours.

use super::{Boundary, ChemotaxisScheme, Grid, Transport};
use crate::model::SparsityPattern;

/// The pattern of the grid's Jacobian (state cell-major, `m` compartments a
/// cell): row `c·m + s` holds the model's row `s` shifted to cell `c`, the
/// diagonal, and the transport couplings ([`row_columns`]).
pub(super) fn grid_pattern(local: &SparsityPattern, grid: &Grid, transport: &Transport, m: usize) -> SparsityPattern {
    let cells = grid.cells();
    let mut rows: Vec<Vec<usize>> = Vec::with_capacity(cells * m);
    for c in 0..cells {
        for s in 0..m {
            rows.push(row_columns(local, grid, transport, m, c, s));
        }
    }
    let mut row_start = vec![0];
    let mut col = Vec::new();
    for r in rows {
        col.extend(r);
        row_start.push(col.len());
    }
    SparsityPattern::from_csr(cells * m, row_start, col).expect("a valid pattern")
}

/// The columns of row `c·m + s`, sorted and distinct: the model's row `s`
/// in cell `c`, the diagonal, `s` in each neighbour when `s` diffuses, and
/// for each chemotaxis term moving `s` the signal in `c` and `s` and the
/// signal in each neighbour, and with MUSCL `s` two cells away along each
/// axis; for each pressure-driven motion group holding `s`, every
/// population of the group in `c` and in each neighbour.
fn row_columns(
    local: &SparsityPattern,
    grid: &Grid,
    transport: &Transport,
    m: usize,
    c: usize,
    s: usize,
) -> Vec<usize> {
    let mut cols: Vec<usize> = local.row(s).iter().map(|&j| c * m + j).collect();
    // Transport always touches the diagonal, whatever the reactions do.
    cols.push(c * m + s);
    if transport.diffusion[s] > 0.0 {
        for axis in 0..grid.shape.len() {
            let periodic = transport.boundaries[s][2 * axis] == Boundary::Periodic;
            for dir in [-1, 1] {
                if let Some(nb) = grid.neighbour(c, axis, dir, periodic) {
                    cols.push(nb * m + s);
                }
            }
        }
    }
    for term in transport.chemotaxis.iter().filter(|t| t.population == s) {
        cols.push(c * m + term.signal);
        for axis in 0..grid.shape.len() {
            let periodic = transport.boundaries[s][2 * axis] == Boundary::Periodic;
            for dir in [-1, 1] {
                if let Some(nb) = grid.neighbour(c, axis, dir, periodic) {
                    cols.extend([nb * m + s, nb * m + term.signal]);
                    // MUSCL reconstructs the face from `nb` with the cell beyond it.
                    if let (ChemotaxisScheme::Muscl(_), Some(beyond)) =
                        (transport.chemotaxis_scheme, grid.neighbour(nb, axis, dir, periodic))
                    {
                        cols.push(beyond * m + s);
                    }
                }
            }
        }
    }
    // Pressure-driven motion: every population of the group, here and in
    // each neighbour (the occupancy drop across each face).
    for group in transport.motion.iter().filter(|g| g.populations.contains(&s)) {
        cols.extend(group.populations.iter().map(|&q| c * m + q));
        let first = group.populations[0];
        for axis in 0..grid.shape.len() {
            let periodic = transport.boundaries[first][2 * axis] == Boundary::Periodic;
            for dir in [-1, 1] {
                if let Some(nb) = grid.neighbour(c, axis, dir, periodic) {
                    cols.extend(group.populations.iter().map(|&q| nb * m + q));
                }
            }
        }
    }
    cols.sort_unstable();
    cols.dedup();
    cols
}

/// Where each entry of each cell's reaction block lies in the grid
/// pattern: entry `k` of the model's pattern in cell `c` is at
/// `block[c · nnz + k]`.
pub(super) fn reaction_block(local: &SparsityPattern, pattern: &SparsityPattern, cells: usize, m: usize) -> Vec<usize> {
    let mut block = Vec::with_capacity(cells * local.nnz());
    for c in 0..cells {
        for s in 0..m {
            for &j in local.row(s) {
                block.push(pattern.position(c * m + s, c * m + j).expect("pattern holds the reaction block"));
            }
        }
    }
    block
}

/// The neighbour of each cell across each side, `[open, wrapped]` per
/// (cell, side): `open` is `usize::MAX` at a grid side, `wrapped` wraps around.
pub(super) fn neighbour_table(grid: &Grid) -> Vec<[usize; 2]> {
    let cells = grid.cells();
    let sides = 2 * grid.shape.len();
    let mut neighbours = Vec::with_capacity(cells * sides);
    for c in 0..cells {
        for side in 0..sides {
            let (axis, dir) = (side / 2, if side % 2 == 0 { -1 } else { 1 });
            let open = grid.neighbour(c, axis, dir, false).unwrap_or(usize::MAX);
            let wrapped = grid.neighbour(c, axis, dir, true).expect("a periodic neighbour always exists");
            neighbours.push([open, wrapped]);
        }
    }
    neighbours
}
