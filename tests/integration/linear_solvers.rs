//! One conformance test for every [`LinearSolver`]: each implementation, in
//! each storage it serves, factors `M = shift·I + scale·J` and solves with it
//! to a residual `‖Mx − b‖∞ ≤ 1e-10·‖M‖∞‖x‖∞` measured against the dense `M`;
//! every one reports a singular matrix; the diagonal-pivot sparse LU reports a
//! matrix that needs row interchanges and the pivoting ones solve it. Then the
//! fallback on a 20,000-unknown grid, in memory proportional to n.

#![allow(clippy::needless_range_loop)] // matrices are indexed

use crate::common;

use common::Rng;
use sasp::model::SparsityPattern;
use sasp::solve::linalg::{small_lu, BandedLayout, BandedLu, MAX_FIXED};
use sasp::solve::linear::{BlockTridiagonalLu, DenseSolver, SparseBandedLu};
use sasp::solve::sparse::SparseLu;
use sasp::solve::sparse_pivot::PivotingSparseLu;
use sasp::solve::{IterationMatrix, JacobianStructure, LinearSolver, Stats};

/// The storages a Jacobian can have, for generating test matrices.
#[derive(Clone, Copy, Debug)]
enum Storage {
    Dense,
    Banded { lower: usize, upper: usize },
    Sparse,
}

/// A test problem: `J` in some storage, and the dense `M = shift·I + scale·J`.
struct Case {
    label: String,
    n: usize,
    structure: JacobianStructure,
    jac: Vec<f64>,
    scale: f64,
    shift: f64,
    /// `M`, row-major.
    m: Vec<f64>,
}

impl Case {
    /// From `J`'s entries `(i, j, value)` (each at most once); a sparse
    /// pattern holds them and the diagonal.
    fn new(label: String, n: usize, storage: Storage, entries: &[(usize, usize, f64)], scale: f64, shift: f64) -> Case {
        let mut m = vec![0.0; n * n];
        for &(i, j, v) in entries {
            m[i * n + j] = scale * v;
        }
        for i in 0..n {
            m[i * n + i] += shift;
        }
        let (structure, jac) = match storage {
            Storage::Dense => {
                let mut jac = vec![0.0; n * n];
                for &(i, j, v) in entries {
                    jac[j * n + i] = v;
                }
                (JacobianStructure::Dense, jac)
            }
            Storage::Banded { lower, upper } => {
                let layout = BandedLayout { lower, upper };
                let mut jac = vec![0.0; n * (lower + upper + 1)];
                for &(i, j, v) in entries {
                    assert!(layout.contains(i, j), "({i}, {j}) outside the band");
                    jac[layout.index(i, j)] = v;
                }
                (JacobianStructure::Banded { lower, upper }, jac)
            }
            Storage::Sparse => {
                let mut rows: Vec<Vec<(usize, f64)>> = (0..n).map(|i| vec![(i, 0.0)]).collect();
                for &(i, j, v) in entries {
                    match rows[i].iter_mut().find(|e| e.0 == j) {
                        Some(e) => e.1 = v,
                        None => rows[i].push((j, v)),
                    }
                }
                let mut row_start = vec![0];
                let (mut col, mut jac) = (Vec::new(), Vec::new());
                for r in &mut rows {
                    r.sort_by_key(|e| e.0);
                    col.extend(r.iter().map(|e| e.0));
                    jac.extend(r.iter().map(|e| e.1));
                    row_start.push(col.len());
                }
                (JacobianStructure::Sparse(SparsityPattern::from_csr(n, row_start, col).expect("a valid pattern")), jac)
            }
        };
        Case { label, n, structure, jac, scale, shift, m }
    }

    fn norm_m(&self) -> f64 {
        self.m.chunks(self.n).map(|r| r.iter().map(|v| v.abs()).sum::<f64>()).fold(0.0, f64::max)
    }

    /// `‖Mx − b‖∞ / (‖M‖∞‖x‖∞)`.
    fn relative_residual(&self, x: &[f64], b: &[f64]) -> f64 {
        let n = self.n;
        let r =
            (0..n).map(|i| ((0..n).map(|j| self.m[i * n + j] * x[j]).sum::<f64>() - b[i]).abs()).fold(0.0, f64::max);
        let xn = x.iter().map(|v| v.abs()).fold(0.0, f64::max);
        r / (self.norm_m() * xn)
    }
}

/// Every implementation that serves a structure, through the trait.
fn implementations(structure: &JacobianStructure, n: usize) -> Vec<Box<dyn LinearSolver>> {
    let mut out: Vec<Box<dyn LinearSolver>> = vec![Box::new(DenseSolver::new(structure, n))];
    match structure {
        JacobianStructure::Dense => out.extend(small_lu(n)),
        JacobianStructure::Banded { lower, upper } => out.push(Box::new(BandedLu::new(n, *lower, *upper))),
        JacobianStructure::Sparse(p) => {
            out.push(Box::new(SparseLu::new(p)));
            out.push(Box::new(SparseBandedLu::new(p)));
            out.push(Box::new(BlockTridiagonalLu::new(p)));
            out.push(Box::new(PivotingSparseLu::new(p)));
            out.push(Box::new(PivotingSparseLu::with_threshold(p, 1.0)));
        }
    }
    out
}

/// Can this solver factor matrices whose diagonal is not a usable pivot?
fn pivots(solver: &dyn LinearSolver) -> bool {
    solver.name() != "sparse"
}

fn storages(n: usize) -> Vec<Storage> {
    vec![
        Storage::Dense,
        Storage::Banded { lower: 1, upper: 1 },
        Storage::Banded { lower: 2.min(n - 1), upper: 3.min(n - 1) },
        Storage::Sparse,
    ]
}

/// Does the storage hold `(i, j)`? (Sparse patterns are generated around it.)
fn holds(storage: Storage, i: usize, j: usize) -> bool {
    match storage {
        Storage::Dense | Storage::Sparse => true,
        Storage::Banded { lower, upper } => BandedLayout { lower, upper }.contains(i, j),
    }
}

/// A random `J` (about `density` of the admissible off-diagonal entries, in
/// [−1, 1]) with a dominant negative diagonal, as a stiff Jacobian has: every
/// `M` of the variants below is then diagonally dominant, so well conditioned.
fn random_entries(rng: &mut Rng, n: usize, storage: Storage, density: f64) -> Vec<(usize, usize, f64)> {
    let mut entries = Vec::new();
    for i in 0..n {
        let mut row_sum = 0.0;
        for j in 0..n {
            if i != j && holds(storage, i, j) && rng.uniform() < density {
                let v = 2.0 * rng.uniform() - 1.0;
                row_sum += v.abs();
                entries.push((i, j, v));
            }
        }
        entries.push((i, i, -(1.0 + row_sum) * (1.0 + rng.uniform())));
    }
    entries
}

/// `(scale, shift)`: `J` itself, Rodas (`1/(hγ) I − J`), BDF (`I − c J`), and
/// a positive scale.
/// (Powers of two where it matters: the singular test cancels the shift exactly.)
const VARIANTS: [(f64, f64); 4] = [(1.0, 0.0), (-1.0, 1.0e3), (-0.25, 1.0), (2.0, 0.5)];

/// Factors and solves `case` with `solver`; returns the relative residual.
fn check_solves(solver: &mut dyn LinearSolver, case: &Case, rng: &mut Rng) -> f64 {
    let what = format!("{} with {}", case.label, solver.name());
    assert_eq!(solver.dim(), case.n, "{what}");
    solver.factor_shifted(&case.jac, case.scale, case.shift).unwrap_or_else(|e| panic!("{what}: {e:?}"));
    let mut worst: f64 = 0.0;
    // Several right-hand sides per factorization.
    for _ in 0..3 {
        let b: Vec<f64> = (0..case.n).map(|_| 2.0 * rng.uniform() - 1.0).collect();
        let mut x = b.clone();
        solver.solve(&mut x);
        let r = case.relative_residual(&x, &b);
        assert!(r <= 1e-10, "{what}: relative residual {r:e}");
        worst = worst.max(r);
    }
    worst
}

#[test]
fn every_solver_solves_well_conditioned_matrices_in_every_storage() {
    let mut rng = Rng::new(0x11_5e1);
    let mut checked = std::collections::BTreeMap::<&'static str, usize>::new();
    for n in [1, 2, 3, 8, MAX_FIXED, MAX_FIXED + 1, 40] {
        for storage in storages(n) {
            for (scale, shift) in VARIANTS {
                let density = if matches!(storage, Storage::Sparse) { 3.0 / n as f64 } else { 0.7 };
                let entries = random_entries(&mut rng, n, storage, density);
                let case = Case::new(
                    format!("n = {n}, {storage:?}, M = {shift}·I + {scale}·J"),
                    n,
                    storage,
                    &entries,
                    scale,
                    shift,
                );
                for mut solver in implementations(&case.structure, n) {
                    check_solves(&mut *solver, &case, &mut rng);
                    // A second factorization of other values reuses the storage.
                    let rescaled: Vec<_> =
                        entries.iter().map(|&(i, j, v)| (i, j, if i == j { v } else { v * rng.uniform() })).collect();
                    let again = Case::new(case.label.clone(), n, storage, &rescaled, scale, shift);
                    assert_eq!(again.structure, case.structure);
                    check_solves(&mut *solver, &again, &mut rng);
                    *checked.entry(solver.name()).or_default() += 1;
                }
            }
        }
    }
    for name in ["dense", "dense-fixed", "banded", "sparse", "sparse-banded", "block-tridiagonal", "sparse-pivoting"] {
        assert!(checked.get(name).copied().unwrap_or(0) > 10, "{name} barely checked: {checked:?}");
    }
}

/// `J`'s entries for an `M` (with `scale = −1`, `shift = 1`) of zero diagonal
/// whose rows come in pairs that must be interchanged: rows `2k` and `2k + 1`
/// hold `M[2k][2k+1]` and `M[2k+1][2k]` in [2, 3], plus entries ≤ 0.3 (scaled
/// by `coupling`) to the neighbouring pairs within the storage. Well conditioned.
fn swapped_pairs(rng: &mut Rng, n: usize, storage: Storage, coupling: f64) -> Vec<(usize, usize, f64)> {
    assert!(n % 2 == 0);
    let mut entries = Vec::new();
    for i in 0..n {
        entries.push((i, i, 1.0)); // M_ii = 1 − 1 = 0 exactly.
        let partner = i ^ 1;
        entries.push((i, partner, -(2.0 + rng.uniform())));
        for j in [i.wrapping_sub(2), i + 2, i.wrapping_sub(3), i + 3] {
            if j < n && j != partner && holds(storage, i, j) {
                entries.push((i, j, coupling * 0.3 * (2.0 * rng.uniform() - 1.0)));
            }
        }
    }
    entries
}

#[test]
fn a_zero_diagonal_needs_pivoting_the_diagonal_pivot_lu_reports_it() {
    let mut rng = Rng::new(0xd1a6);
    for n in [2, 6, 16, 30] {
        for storage in storages(n) {
            let entries = swapped_pairs(&mut rng, n, storage, 1.0);
            let case = Case::new(format!("zero diagonal, n = {n}, {storage:?}"), n, storage, &entries, -1.0, 1.0);
            for mut solver in implementations(&case.structure, n) {
                if pivots(&*solver) {
                    check_solves(&mut *solver, &case, &mut rng);
                } else {
                    assert!(
                        solver.factor_shifted(&case.jac, case.scale, case.shift).is_err(),
                        "{}: {} must report its zero pivot",
                        case.label,
                        solver.name()
                    );
                }
            }
            // The iteration matrix falls back to the pivoting sparse LU.
            let mut matrix = IterationMatrix::new(&case.structure, n);
            let mut stats = Stats::default();
            matrix.factor(&case.jac, case.scale, case.shift, &mut stats).unwrap();
            assert_eq!(matrix.using_fallback(), matches!(storage, Storage::Sparse), "{}", case.label);
            let b: Vec<f64> = (0..n).map(|i| i as f64 - 1.5).collect();
            let mut x = b.clone();
            matrix.solve(&mut x, &mut stats);
            assert!(case.relative_residual(&x, &b) <= 1e-10, "{}", case.label);
            assert_eq!((stats.factorizations, stats.linear_solves), (1, 1));
            // A matrix its first solver can factor again goes back to it.
            let dominant: Vec<_> = entries.iter().map(|&(i, j, v)| (i, j, if i == j { -5.0 } else { v })).collect();
            let good = Case::new(case.label.clone(), n, storage, &dominant, -1.0, 1.0);
            matrix.factor(&good.jac, -1.0, 1.0, &mut stats).unwrap();
            assert!(!matrix.using_fallback());
            let mut x = b.clone();
            matrix.solve(&mut x, &mut stats);
            assert!(good.relative_residual(&x, &b) <= 1e-10, "{}", good.label);
        }
    }
}

#[test]
fn every_solver_reports_a_singular_matrix() {
    let mut rng = Rng::new(0x5146);
    for n in [1, 3, 8, 17, 40] {
        for storage in storages(n) {
            for (scale, shift) in VARIANTS {
                // Row `zero` of M vanishes: J's off-diagonal entries there are
                // zero, and its diagonal cancels the shift exactly.
                let zero = n / 2;
                let mut entries = random_entries(&mut rng, n, storage, 0.7);
                for e in entries.iter_mut().filter(|e| e.0 == zero) {
                    e.2 = if e.1 == zero { -shift / scale } else { 0.0 };
                }
                let case = Case::new(
                    format!("singular, n = {n}, {storage:?}, {scale}, {shift}"),
                    n,
                    storage,
                    &entries,
                    scale,
                    shift,
                );
                assert!(case.m[zero * n..(zero + 1) * n].iter().all(|&v| v == 0.0));
                for mut solver in implementations(&case.structure, n) {
                    assert!(
                        solver.factor_shifted(&case.jac, case.scale, case.shift).is_err(),
                        "{}: {} factored a singular matrix",
                        case.label,
                        solver.name()
                    );
                }
                let mut matrix = IterationMatrix::new(&case.structure, n);
                assert!(matrix.factor(&case.jac, scale, shift, &mut Stats::default()).is_err(), "{}", case.label);
            }
        }
    }
}

#[test]
fn the_compiled_sparse_lu_conforms_too() {
    let model = sasp::models::iannello2013().unwrap();
    let n = model.dimension();
    let lu = SparseLu::new(model.sparsity());
    assert!(lu.uses_compiled_kernels());
    let mut rng = Rng::new(7);
    let y: Vec<f64> = (0..n).map(|_| rng.log_uniform(1e-2, 1e2)).collect();
    let mut jac = vec![0.0; model.sparsity().nnz()];
    model.jacobian_sparse(0.0, &y, &[1.0], &mut jac).unwrap();
    let entries: Vec<(usize, usize, f64)> = (0..n)
        .flat_map(|i| {
            let p = model.sparsity();
            (p.range(i)).map(move |k| (i, p.col()[k], k)).collect::<Vec<_>>()
        })
        .map(|(i, j, k)| (i, j, jac[k]))
        .collect();
    for shift in [1e4, 1e2, 1.0] {
        let case = Case::new(format!("iannello2013 at shift {shift}"), n, Storage::Sparse, &entries, -1.0, shift);
        assert_eq!(case.structure, JacobianStructure::Sparse(model.sparsity().clone()));
        let mut solvers: Vec<Box<dyn LinearSolver>> =
            vec![Box::new(lu.clone()), Box::new(lu.interpreted()), Box::new(PivotingSparseLu::new(model.sparsity()))];
        for solver in &mut solvers {
            check_solves(&mut **solver, &case, &mut rng);
        }
    }
}

/// A 1D grid of 10,000 cells with two species each (20,000 unknowns, stored
/// cell by cell): within a cell the species are coupled with a zero diagonal
/// (`M = I − J` with `J_ii = 1`), between neighbouring cells each species
/// diffuses. The diagonal-pivot LU fails at once; the fallback must solve it
/// in memory proportional to n (the dense fallback this replaces took n² =
/// 4·10⁸ values, 3.2 GB). The default solver for this narrow pattern, the
/// banded LU, solves it at once in as little memory.
#[test]
fn the_fallback_solves_a_20000_unknown_grid_in_memory_proportional_to_n() {
    let cells: usize = 10_000;
    let n = 2 * cells;
    let mut rng = Rng::new(20_000);
    let mut entries = Vec::new();
    for c in 0..cells {
        for s in 0..2 {
            let i = 2 * c + s;
            entries.push((i, i, 1.0));
            entries.push((i, 2 * c + 1 - s, -(2.0 + rng.uniform())));
            for nb in [c.wrapping_sub(1), c + 1] {
                if nb < cells {
                    entries.push((i, 2 * nb + s, 0.4 * rng.uniform()));
                }
            }
        }
    }
    let mut rows: Vec<Vec<(usize, f64)>> = vec![Vec::new(); n];
    for &(i, j, v) in &entries {
        rows[i].push((j, v));
    }
    let mut row_start = vec![0];
    let (mut col, mut jac) = (Vec::new(), Vec::new());
    for r in &mut rows {
        r.sort_by_key(|e| e.0);
        col.extend(r.iter().map(|e| e.0));
        jac.extend(r.iter().map(|e| e.1));
        row_start.push(col.len());
    }
    let pattern = SparsityPattern::from_csr(n, row_start, col).expect("a valid pattern");
    let structure = JacobianStructure::Sparse(pattern.clone());
    // The default for this narrow pattern is the block LU (its pairs are
    // 2 × 2 blocks with their own pivoting), which needs no fallback; the
    // diagonal-pivot sparse LU with the pivoting one behind it is checked
    // explicitly.
    let default = IterationMatrix::new(&structure, n);
    assert_eq!(default.solver().name(), "block-tridiagonal");
    let with_fallback = IterationMatrix::with_solver(Box::new(SparseLu::new(&pattern)))
        .with_fallback(Box::new(PivotingSparseLu::new(&pattern)));
    for (mut matrix, falls_back) in [(with_fallback, true), (default, false)] {
        let mut stats = Stats::default();
        let started = std::time::Instant::now();
        matrix.factor(&jac, -1.0, 1.0, &mut stats).unwrap();
        assert_eq!(matrix.using_fallback(), falls_back, "the diagonal pivots are zero");
        let used = if falls_back { matrix.fallback().unwrap() } else { matrix.solver() };
        let name = used.name();
        assert_eq!(name, if falls_back { "sparse-pivoting" } else { "block-tridiagonal" });
        let entries_stored = used.stored_entries();
        println!(
            "{name} on n = {n}: {entries_stored} stored entries ({:.1} per unknown, {:.2} MB of values; dense: {:.1} GB), factored in {:.1} ms",
            entries_stored as f64 / n as f64,
            8.0 * entries_stored as f64 / 1e6,
            8.0 * (n * n) as f64 / 1e9,
            started.elapsed().as_secs_f64() * 1e3
        );
        assert!(entries_stored < 50 * n, "{entries_stored} entries is not O(n)");
        // Residual, computed sparsely: M = I − J.
        let b: Vec<f64> = (0..n).map(|i| ((i * 7919) % 1000) as f64 / 500.0 - 1.0).collect();
        let mut x = b.clone();
        matrix.solve(&mut x, &mut stats);
        let (mut r, mut norm_m) = (0.0_f64, 0.0_f64);
        for i in 0..n {
            let (mut mx, mut row) = (0.0, 0.0);
            for k in pattern.range(i) {
                let j = pattern.col()[k];
                let m = if i == j { 1.0 } else { 0.0 } - jac[k];
                mx += m * x[j];
                row += m.abs();
            }
            r = r.max((mx - b[i]).abs());
            norm_m = norm_m.max(row);
        }
        let xn = x.iter().map(|v| v.abs()).fold(0.0, f64::max);
        assert!(r <= 1e-10 * norm_m * xn, "{name}: residual {r:e}");
    }
}

/// A sparse pattern inside the band `(lower, upper)`: each admissible
/// off-diagonal entry with probability `density`, values in [−1, 1], and,
/// when the band has both sides, a diagonal of at most 1e-3 in magnitude
/// (zero in every fifth row), so that `M = J` needs row interchanges. The outermost diagonals are always held,
/// so the pattern's band is exactly `(lower, upper)`.
fn small_diagonal_band(rng: &mut Rng, n: usize, lower: usize, upper: usize, density: f64) -> Vec<(usize, usize, f64)> {
    let mut entries = Vec::new();
    for i in 0..n {
        for j in i.saturating_sub(lower)..(i + upper + 1).min(n) {
            let edge = (j < i && i - j == lower) || (j > i && j - i == upper);
            if i == j {
                // A triangular matrix (one-sided band) with a small diagonal is
                // singular to working precision: its diagonal stays in ±[0.5, 1].
                let sign = if rng.uniform() < 0.5 { -1.0 } else { 1.0 };
                let d = if lower == 0 || upper == 0 {
                    sign * (0.5 + 0.5 * rng.uniform())
                } else if i % 5 == 0 {
                    0.0
                } else {
                    sign * 1e-3 * rng.uniform()
                };
                entries.push((i, i, d));
            } else if edge || rng.uniform() < density {
                entries.push((i, j, 2.0 * rng.uniform() - 1.0));
            }
        }
    }
    entries
}

/// The banded LU of a sparse pattern against the dense LU: on random banded
/// matrices whose diagonal is too small to pivot on (the diagonal-pivot
/// sparse LU refuses them), with symmetric, lopsided and one-sided bands, it
/// finds the dense LU's solution and a residual at rounding level.
#[test]
fn the_banded_lu_of_a_sparse_pattern_matches_the_dense_lu_when_pivoting_is_needed() {
    let mut rng = Rng::new(0xba4d);
    for (n, lower, upper) in [(300, 2, 3), (500, 3, 1), (257, 0, 2), (200, 5, 5), (120, 1, 0), (64, 7, 2)] {
        let entries = small_diagonal_band(&mut rng, n, lower, upper, 0.6);
        let case = Case::new(format!("band ({lower}, {upper}), n = {n}"), n, Storage::Sparse, &entries, 1.0, 0.0);
        let JacobianStructure::Sparse(pattern) = &case.structure else { unreachable!() };
        let mut banded = SparseBandedLu::new(pattern);
        assert_eq!(banded.bandwidths(), (lower, upper), "{}", case.label);
        assert_eq!(banded.stored_entries(), n * (2 * lower + upper + 1));
        let mut dense = DenseSolver::new(&case.structure, n);
        dense.factor_shifted(&case.jac, 1.0, 0.0).unwrap();
        banded.factor_shifted(&case.jac, 1.0, 0.0).unwrap_or_else(|e| panic!("{}: {e:?}", case.label));
        if lower > 0 && upper > 0 {
            assert!(
                SparseLu::new(pattern).factor_shifted(&case.jac, 1.0, 0.0).is_err(),
                "{}: the diagonal alone must not do",
                case.label
            );
        }
        for _ in 0..3 {
            let b: Vec<f64> = (0..n).map(|_| 2.0 * rng.uniform() - 1.0).collect();
            let (mut x, mut reference) = (b.clone(), b.clone());
            banded.solve(&mut x);
            dense.solve(&mut reference);
            let r = case.relative_residual(&x, &b);
            assert!(r <= 1e-12, "{}: relative residual {r:e}", case.label);
            let scale = reference.iter().fold(0.0_f64, |m, v| m.max(v.abs()));
            let diff = x.iter().zip(&reference).fold(0.0_f64, |m, (a, b)| m.max((a - b).abs()));
            assert!(diff <= 1e-9 * scale, "{}: banded and dense differ by {diff:e} (of {scale:e})", case.label);
            // The transposed solve, used by the condition estimate: Mᵀ x = b.
            let mut xt = b.clone();
            assert!(banded.solve_transposed(&mut xt));
            let rt = (0..n)
                .map(|j| ((0..n).map(|i| case.m[i * n + j] * xt[i]).sum::<f64>() - b[j]).abs())
                .fold(0.0, f64::max);
            let xn = xt.iter().fold(0.0_f64, |m, v| m.max(v.abs()));
            assert!(rt <= 1e-12 * case.norm_m() * xn, "{}: transposed residual {rt:e}", case.label);
        }
        // A shifted matrix, as the integrators factor it, through the same storage.
        banded.factor_shifted(&case.jac, -0.5, 2.0).unwrap();
        dense.factor_shifted(&case.jac, -0.5, 2.0).unwrap();
        let b: Vec<f64> = (0..n).map(|i| (i as f64).sin()).collect();
        let (mut x, mut reference) = (b.clone(), b.clone());
        banded.solve(&mut x);
        dense.solve(&mut reference);
        assert!(x.iter().zip(&reference).all(|(a, b)| (a - b).abs() <= 1e-10 * (1.0 + b.abs())), "{}", case.label);
    }
}

/// Singular band matrices are refused with the failing column, never a
/// panic or a division by zero: a zero column, a zero row, and a NaN.
#[test]
fn the_banded_lu_of_a_sparse_pattern_refuses_singular_matrices() {
    let mut rng = Rng::new(0x5b);
    let (n, lower, upper) = (150, 2, 3);
    let entries = small_diagonal_band(&mut rng, n, lower, upper, 0.8);
    for (what, kill) in [("zero column 77", 77usize), ("zero row 40", 40), ("zero last column", n - 1)] {
        let singular: Vec<_> = entries
            .iter()
            .map(|&(i, j, v)| {
                (
                    i,
                    j,
                    if (what.contains("column") && j == kill) || (what.contains("row") && i == kill) { 0.0 } else { v },
                )
            })
            .collect();
        let case = Case::new(what.into(), n, Storage::Sparse, &singular, 1.0, 0.0);
        let JacobianStructure::Sparse(pattern) = &case.structure else { unreachable!() };
        let mut banded = SparseBandedLu::new(pattern);
        let err = banded.factor_shifted(&case.jac, 1.0, 0.0).expect_err(what);
        assert!(err.column < n, "{what}: {err:?}");
        if what.contains("column") {
            assert!(err.column <= kill, "{what}: reported column {}", err.column);
        }
        // The same storage factors a regular matrix afterwards.
        banded.factor_shifted(&case.jac, -1.0, 10.0).unwrap();
        let mut nan = case.jac.clone();
        nan[3 * n] = f64::NAN;
        assert!(banded.factor_shifted(&nan, 1.0, 0.0).is_err(), "{what}: NaN");
    }
    // Through the iteration matrix (the default for this pattern): an error, not a panic.
    let zero_row: Vec<_> = entries.iter().map(|&(i, j, v)| (i, j, if i == 9 { 0.0 } else { v })).collect();
    let case = Case::new("zero row".into(), n, Storage::Sparse, &zero_row, 1.0, 0.0);
    let mut matrix = IterationMatrix::new(&case.structure, n);
    assert_eq!(matrix.solver().name(), "block-tridiagonal", "a band of 2 and 3 is block tridiagonal in blocks of 3");
    assert!(matrix.factor(&case.jac, 1.0, 0.0, &mut Stats::default()).is_err());
}

/// Which patterns the default solver factors by blocks or in band storage:
/// 1D grids of at least 64 unknowns stored cell by cell (by blocks when
/// nearest neighbours couple, in the band when the stencil is wider), not
/// 2D grids, small networks or scattered patterns.
#[test]
fn the_default_solver_takes_the_band_of_1d_grids_only() {
    use sasp::solve::OdeSystem;
    use sasp::testset::grid::{Brusselator2d, KellerSegel};
    let name = |s: JacobianStructure, n| IterationMatrix::new(&s, n).solver().name();
    for cells in [32, 200, 1000] {
        let ks = KellerSegel { n: cells };
        assert_eq!(name(ks.jacobian_structure(), 2 * cells), "block-tridiagonal", "Keller–Segel, {cells} cells");
        let JacobianStructure::Sparse(p) = ks.jacobian_structure() else { unreachable!() };
        assert_eq!(BlockTridiagonalLu::block_size(&p), 2);
    }
    // A stencil reaching 9 off the diagonal (block size 10 > MAX_BLOCK): the band.
    let wide = SparsityPattern::from_rows(
        300,
        (0..300)
            .map(|i: usize| (i.saturating_sub(9)..(i + 10).min(300)).filter(|j| (i / 3).abs_diff(j / 3) != 1).collect())
            .collect(),
    );
    assert_eq!(name(JacobianStructure::Sparse(wide), 300), "sparse-banded");
    assert_eq!(name(KellerSegel { n: 20 }.jacobian_structure(), 40), "sparse", "40 unknowns stay with the sparse LU");
    let b = Brusselator2d::new(16);
    assert_eq!(name(b.jacobian_structure(), 512), "sparse", "2D grid");
    // An arrow (a hub coupled to every unknown) spans the whole matrix.
    let n = 100;
    let arrow =
        SparsityPattern::from_rows(n, (0..n).map(|i| if i == 0 { (0..n).collect() } else { vec![0] }).collect());
    assert_eq!(name(JacobianStructure::Sparse(arrow), n), "sparse");
    let model = sasp::models::iannello2013().unwrap();
    assert_eq!(name(JacobianStructure::Sparse(model.sparsity().clone()), model.dimension()), "sparse");
}

/// A random block-tridiagonal `J` of `blocks` blocks of `m` (each entry
/// present with probability `density`, values in [−1, 1]; the diagonal and
/// the entries `2m − 1` off it, the outermost blocks' corners, always
/// present, so the block size is exactly `m`).
fn block_tridiagonal(rng: &mut Rng, m: usize, blocks: usize, density: f64) -> Vec<(usize, usize, f64)> {
    let n = m * blocks;
    let mut entries = Vec::new();
    for i in 0..n {
        for j in 0..n {
            let corner = i.abs_diff(j) == 2 * m - 1 && (i / m).abs_diff(j / m) == 1;
            if (i / m).abs_diff(j / m) <= 1 && (i == j || corner || rng.uniform() < density) {
                entries.push((i, j, 2.0 * rng.uniform() - 1.0));
            }
        }
    }
    entries
}

/// The block LU against the dense LU: on diagonally dominant block
/// tridiagonal matrices (blocks of 1 to 8, the sizes compiled for, and 11)
/// it factors by blocks and solves to rounding; on matrices whose blocks
/// are not dominant (the factors' growth above its limit) and on band
/// matrices that need row interchanges it falls back to the banded LU and
/// still finds the dense LU's solution; a singular matrix is refused.
#[test]
fn the_block_tridiagonal_lu_matches_the_dense_lu_and_falls_back_when_its_factors_grow() {
    let mut rng = Rng::new(0xb10c);
    let solve_both = |case: &Case, rng: &mut Rng| -> (bool, f64) {
        let JacobianStructure::Sparse(pattern) = &case.structure else { unreachable!() };
        let mut block = BlockTridiagonalLu::new(pattern);
        let mut dense = DenseSolver::new(&case.structure, case.n);
        block.factor_shifted(&case.jac, case.scale, case.shift).unwrap_or_else(|e| panic!("{}: {e:?}", case.label));
        dense.factor_shifted(&case.jac, case.scale, case.shift).unwrap();
        let b: Vec<f64> = (0..case.n).map(|_| 2.0 * rng.uniform() - 1.0).collect();
        let (mut x, mut reference) = (b.clone(), b.clone());
        block.solve(&mut x);
        dense.solve(&mut reference);
        let r = case.relative_residual(&x, &b);
        assert!(r <= 1e-13, "{}: relative residual {r:e}", case.label);
        let scale = reference.iter().fold(0.0_f64, |m, v| m.max(v.abs()));
        let diff = x.iter().zip(&reference).fold(0.0_f64, |m, (a, b)| m.max((a - b).abs()));
        (block.fell_back(), diff / scale)
    };
    for m in [1, 2, 3, 4, 5, 6, 7, 8, 11] {
        let blocks = 300 / m;
        let entries = block_tridiagonal(&mut rng, m, blocks, 0.7);
        // Dominant: M = (3m + 1)·I − J (each row of J sums to at most 3m in magnitude).
        let case =
            Case::new(format!("dominant, m = {m}"), m * blocks, Storage::Sparse, &entries, -1.0, 3.0 * m as f64 + 1.0);
        let JacobianStructure::Sparse(pattern) = &case.structure else { unreachable!() };
        assert_eq!(BlockTridiagonalLu::block_size(pattern), m, "{}", case.label);
        let (fell_back, difference) = solve_both(&case, &mut rng);
        assert!(!fell_back && difference <= 1e-13, "{}: fell back {fell_back}, differs by {difference:e}", case.label);
        // Not dominant: M = J, whose block LU grows without pivoting between blocks.
        let case = Case::new(format!("J itself, m = {m}"), m * blocks, Storage::Sparse, &entries, 1.0, 0.0);
        let (fell_back, difference) = solve_both(&case, &mut rng);
        assert!(fell_back && difference <= 1e-8, "{}: fell back {fell_back}, differs by {difference:e}", case.label);
    }
    // A band whose diagonal is too small to pivot on: only the banded LU's interchanges do.
    let entries = small_diagonal_band(&mut rng, 300, 2, 3, 0.6);
    let case = Case::new("small diagonal".into(), 300, Storage::Sparse, &entries, 1.0, 0.0);
    let (fell_back, difference) = solve_both(&case, &mut rng);
    assert!(fell_back && difference <= 1e-9, "small diagonal: fell back {fell_back}, differs by {difference:e}");
    // Singular (a zero block row) and NaN: refused, never a number.
    let entries = block_tridiagonal(&mut rng, 2, 50, 0.7);
    let zero: Vec<_> = entries.iter().map(|&(i, j, v)| (i, j, if i / 2 == 17 { 0.0 } else { v })).collect();
    let case = Case::new("zero block row".into(), 100, Storage::Sparse, &zero, 1.0, 0.0);
    let JacobianStructure::Sparse(pattern) = &case.structure else { unreachable!() };
    let mut block = BlockTridiagonalLu::new(pattern);
    assert!(block.factor_shifted(&case.jac, 1.0, 0.0).is_err());
    // A NaN anywhere, also where the block recurrences would not carry it
    // to a pivot (above the diagonal of the last block, over a zero).
    let entries = block_tridiagonal(&mut rng, 2, 50, 0.0);
    let mut last: Vec<_> = entries.into_iter().filter(|&(i, j, _)| !(i >= 98 && j >= 98 && i != j)).collect();
    last.extend([(98, 99, 0.5), (99, 98, 0.0)]);
    let case = Case::new("last block".into(), 100, Storage::Sparse, &last, 1.0, 0.0);
    let JacobianStructure::Sparse(pattern) = &case.structure else { unreachable!() };
    let mut block = BlockTridiagonalLu::new(pattern);
    block.factor_shifted(&case.jac, -1.0, 10.0).unwrap();
    for k in 0..case.jac.len() {
        let mut nan = case.jac.clone();
        nan[k] = f64::NAN;
        assert!(block.factor_shifted(&nan, -1.0, 10.0).is_err(), "NaN at entry {k}");
    }
    block.factor_shifted(&case.jac, -1.0, 10.0).unwrap();
    // An ill-conditioned diagonal block (κ ≈ 1e9, no growth between blocks): the band.
    let mut near: Vec<_> =
        last.iter().map(|&(i, j, v)| (i, j, if i / 2 == 20 && j / 2 == 20 { 1.0 } else { v })).collect();
    near.retain(|&(i, j, _)| !(i / 2 == 20 && j / 2 == 20));
    near.extend([(40, 40, 1.0), (40, 41, 1.0), (41, 40, 1.0), (41, 41, 1.0 + 1e-9)]);
    let case = Case::new("ill-conditioned block".into(), 100, Storage::Sparse, &near, 1.0, 0.0);
    let (fell_back, difference) = solve_both(&case, &mut rng);
    assert!(fell_back && difference <= 1e-5, "ill-conditioned block: fell back {fell_back}, differs by {difference:e}");
}
