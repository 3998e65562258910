//! Jacobians for implicit methods: the system's analytic one when it has one,
//! else finite differences with column grouping (banded and sparse structures
//! need only as many extra right-hand sides as there are column groups), and
//! the factorized iteration matrix `shift·I + scale·J`.

use super::linalg::{BandedLayout, JacobianStructure, Singular};
use super::linear::{default_solver, LinearSolver};
use super::sparse_pivot::PivotingSparseLu;
use super::{OdeSystem, Stats};
use crate::solve::SparsityPattern;

/// Columns that share no row, perturbed together in one finite difference.
fn column_groups(structure: &JacobianStructure, n: usize) -> Vec<Vec<usize>> {
    match structure {
        JacobianStructure::Dense => (0..n).map(|j| vec![j]).collect(),
        JacobianStructure::Banded { lower, upper } => {
            let stride = lower + upper + 1;
            (0..stride.min(n)).map(|g| (g..n).step_by(stride).collect()).collect()
        }
        JacobianStructure::Sparse(p) => {
            // Greedy colouring of the column intersection graph.
            let mut rows_of_col: Vec<Vec<usize>> = vec![Vec::new(); n];
            for i in 0..n {
                for &j in p.row(i) {
                    rows_of_col[j].push(i);
                }
            }
            let mut groups: Vec<Vec<usize>> = Vec::new();
            let mut rows_taken: Vec<Vec<bool>> = Vec::new();
            for j in 0..n {
                let g = (0..groups.len()).find(|&g| rows_of_col[j].iter().all(|&i| !rows_taken[g][i]));
                let g = g.unwrap_or_else(|| {
                    groups.push(Vec::new());
                    rows_taken.push(vec![false; n]);
                    groups.len() - 1
                });
                groups[g].push(j);
                for &i in &rows_of_col[j] {
                    rows_taken[g][i] = true;
                }
            }
            groups
        }
    }
}

/// The entries of a CSR pattern by column: `(col_start, by_column)` with the
/// `(row, CSR index)` of column `j`'s entries in `by_column[col_start[j]..col_start[j + 1]]`.
fn compressed_columns(p: &SparsityPattern) -> (Vec<usize>, Vec<(usize, usize)>) {
    let n = p.n();
    let mut col_start = vec![0usize; n + 1];
    for &j in p.col() {
        col_start[j + 1] += 1;
    }
    for j in 0..n {
        col_start[j + 1] += col_start[j];
    }
    let mut next = col_start.clone();
    let mut by_column = vec![(0, 0); p.nnz()];
    for i in 0..n {
        for k in p.range(i) {
            let j = p.col()[k];
            by_column[next[j]] = (i, k);
            next[j] += 1;
        }
    }
    (col_start, by_column)
}

/// Evaluates `∂f/∂y` in the system's storage, analytically or by differences.
#[derive(Clone, Debug)]
pub struct JacobianEvaluator {
    structure: JacobianStructure,
    n: usize,
    /// What finite differences need, made at the first one: a system with
    /// an analytic Jacobian (every model) never pays for the column
    /// grouping, which on a small model costs as much as a few steps.
    differences: Option<Differences>,
    /// The Jacobian values (layout of `structure`).
    pub values: Vec<f64>,
}

/// The column groups and buffers of finite-difference Jacobians.
#[derive(Clone, Debug)]
struct Differences {
    groups: Vec<Vec<usize>>,
    /// For a sparse structure, the entries of each column (compressed
    /// columns): those of column `j` are `by_column[col_start[j]..col_start[j + 1]]`,
    /// as `(row, index into values)`. A finite difference then writes only
    /// the entries its columns have, `O(nnz)` per Jacobian instead of a
    /// search of every row for every column.
    col_start: Vec<usize>,
    by_column: Vec<(usize, usize)>,
    y_pert: Vec<f64>,
    f_pert: Vec<f64>,
    f0: Vec<f64>,
}

impl Differences {
    fn new(structure: &JacobianStructure, n: usize) -> Differences {
        let (col_start, by_column) = match structure {
            JacobianStructure::Sparse(p) => compressed_columns(p),
            _ => (Vec::new(), Vec::new()),
        };
        Differences {
            groups: column_groups(structure, n),
            col_start,
            by_column,
            y_pert: vec![0.0; n],
            f_pert: vec![0.0; n],
            f0: vec![0.0; n],
        }
    }
}

impl JacobianEvaluator {
    /// Storage for a system.
    pub fn new<S: OdeSystem>(system: &S) -> JacobianEvaluator {
        let n = system.dimension();
        let structure = system.jacobian_structure();
        JacobianEvaluator { values: vec![0.0; structure.len(n)], structure, n, differences: None }
    }

    /// The storage structure.
    pub fn structure(&self) -> &JacobianStructure {
        &self.structure
    }

    /// Evaluates the Jacobian at `(t, y)`; `f0 = f(t, y)` when the caller has it
    /// (finite differences need it, analytic Jacobians do not).
    pub fn evaluate<S: OdeSystem>(&mut self, system: &S, t: f64, y: &[f64], f0: Option<&[f64]>, stats: &mut Stats) {
        stats.jac_evals += 1;
        if system.jacobian(t, y, &mut self.values) {
            return;
        }
        let (structure, n) = (&self.structure, self.n);
        let d = self.differences.get_or_insert_with(|| Differences::new(structure, n));
        let f0 = match f0 {
            Some(f0) => {
                d.f0.copy_from_slice(f0);
                &d.f0
            }
            None => {
                system.rhs(t, y, &mut d.f0);
                stats.rhs_evals += 1;
                &d.f0
            }
        };
        // Forward differences, h_j = √ε · max(|y_j|, 1e-5) (signed like y_j).
        let sqrt_eps = f64::EPSILON.sqrt();
        self.values.fill(0.0);
        for group in &d.groups {
            d.y_pert.copy_from_slice(y);
            for &j in group {
                let h = sqrt_eps * y[j].abs().max(1e-5);
                d.y_pert[j] = y[j] + h;
            }
            system.rhs(t, &d.y_pert, &mut d.f_pert);
            stats.rhs_evals += 1;
            for &j in group {
                let h = d.y_pert[j] - y[j];
                match structure {
                    JacobianStructure::Dense => {
                        for i in 0..n {
                            self.values[j * n + i] = (d.f_pert[i] - f0[i]) / h;
                        }
                    }
                    JacobianStructure::Banded { lower, upper } => {
                        let layout = BandedLayout { lower: *lower, upper: *upper };
                        for i in j.saturating_sub(*upper)..(j + lower + 1).min(n) {
                            self.values[layout.index(i, j)] = (d.f_pert[i] - f0[i]) / h;
                        }
                    }
                    JacobianStructure::Sparse(_) => {
                        for &(i, k) in &d.by_column[d.col_start[j]..d.col_start[j + 1]] {
                            self.values[k] = (d.f_pert[i] - f0[i]) / h;
                        }
                    }
                }
            }
        }
    }
}

/// The factorized iteration matrix `M = shift·I + scale·J` of an implicit
/// method: a [`LinearSolver`], and for the default sparse solver (which pivots
/// on the diagonal only) a fallback that takes over for a matrix it cannot
/// factor. Counts factorizations and solves in [`Stats`].
///
/// [`IterationMatrix::new`] picks the solver for a Jacobian structure
/// ([`default_solver`]); [`IterationMatrix::with_solver`] takes any solver,
/// yours included (hand it to a stepper with
/// [`super::rosenbrock::Rosenbrock::with_iteration_matrix`] or
/// [`super::bdf::Bdf::with_iteration_matrix`]).
#[derive(Clone, Debug)]
pub struct IterationMatrix {
    solver: Box<dyn LinearSolver>,
    fallback: Fallback,
    /// Does the fallback hold the current factors?
    using_fallback: bool,
    /// For a differential–algebraic system, where the diagonal entries of
    /// its algebraic components are stored: the matrix is then
    /// `shift·M + scale·J` with `M_ii = 0` there
    /// ([`IterationMatrix::with_algebraic`]).
    algebraic_diagonal: Vec<usize>,
    /// The Jacobian values with those diagonal entries moved by `−shift/scale`.
    masked: Vec<f64>,
}

/// `jac`, or for a differential–algebraic system a copy whose algebraic
/// diagonal entries are moved by `−shift/scale`, so that a solver forming
/// `shift·I + scale·J` forms `shift·M + scale·J` (`M_ii = 0` there).
fn with_mass<'a>(masked: &'a mut Vec<f64>, diagonal: &[usize], jac: &'a [f64], scale: f64, shift: f64) -> &'a [f64] {
    if diagonal.is_empty() || scale == 0.0 {
        return jac;
    }
    masked.clear();
    masked.extend_from_slice(jac);
    for &p in diagonal {
        masked[p] -= shift / scale;
    }
    masked
}

/// The solver that takes over when the first one reports [`Singular`].
#[derive(Clone, Debug)]
enum Fallback {
    None,
    /// The pivoting sparse LU for this pattern, built at first need.
    Pending(SparsityPattern),
    Ready(Box<dyn LinearSolver>),
}

impl IterationMatrix {
    /// The default solver for a structure and dimension: fixed-size or general
    /// dense LU, banded LU, or the diagonal-pivot sparse LU with the
    /// threshold-pivoting sparse LU as its fallback.
    pub fn new(structure: &JacobianStructure, n: usize) -> IterationMatrix {
        let fallback = match structure {
            JacobianStructure::Sparse(p) => Fallback::Pending(p.clone()),
            _ => Fallback::None,
        };
        IterationMatrix {
            solver: default_solver(structure, n),
            fallback,
            using_fallback: false,
            algebraic_diagonal: Vec::new(),
            masked: Vec::new(),
        }
    }

    /// A given solver, without fallback: its [`Singular`] is the matrix's.
    pub fn with_solver(solver: Box<dyn LinearSolver>) -> IterationMatrix {
        IterationMatrix {
            solver,
            fallback: Fallback::None,
            using_fallback: false,
            algebraic_diagonal: Vec::new(),
            masked: Vec::new(),
        }
    }

    /// For the differential–algebraic system `M y' = f` whose algebraic
    /// components ([`OdeSystem::algebraic_components`]) are `components`:
    /// [`IterationMatrix::factor`] then forms `shift·M + scale·J`, with
    /// `M_ii = 0` for those components and 1 for the others, from the
    /// Jacobian's values in `structure`'s storage (every structure stores
    /// the diagonal).
    pub fn with_algebraic(mut self, structure: &JacobianStructure, components: &[usize]) -> IterationMatrix {
        let n = self.dim();
        self.algebraic_diagonal = components.iter().filter_map(|&i| structure.position(n, i, i)).collect();
        self
    }

    /// Sets the solver that factors a matrix the first one reports singular
    /// (same structure and dimension).
    pub fn with_fallback(self, fallback: Box<dyn LinearSolver>) -> IterationMatrix {
        assert_eq!(fallback.dim(), self.solver.dim(), "fallback of another dimension");
        IterationMatrix { fallback: Fallback::Ready(fallback), ..self }
    }

    /// The dimension.
    pub fn dim(&self) -> usize {
        self.solver.dim()
    }

    /// The first solver.
    pub fn solver(&self) -> &dyn LinearSolver {
        &*self.solver
    }

    /// The fallback, once built.
    pub fn fallback(&self) -> Option<&dyn LinearSolver> {
        match &self.fallback {
            Fallback::Ready(f) => Some(&**f),
            _ => None,
        }
    }

    /// Does the fallback hold the current factors?
    pub fn using_fallback(&self) -> bool {
        self.using_fallback
    }

    /// Forms `shift·I + scale·J` from Jacobian values (in the storage of the
    /// structure the solvers were built for) and factors it: with the first
    /// solver, and if that reports [`Singular`], with the fallback.
    pub fn factor(&mut self, jac: &[f64], scale: f64, shift: f64, stats: &mut Stats) -> Result<(), Singular> {
        stats.factorizations += 1;
        let jac = with_mass(&mut self.masked, &self.algebraic_diagonal, jac, scale, shift);
        let first = self.solver.factor_shifted(jac, scale, shift);
        if first.is_ok() {
            self.using_fallback = false;
            return first;
        }
        if let Fallback::Pending(p) = &self.fallback {
            self.fallback = Fallback::Ready(Box::new(PivotingSparseLu::new(p)));
        }
        match &mut self.fallback {
            Fallback::Ready(f) => {
                let result = f.factor_shifted(jac, scale, shift);
                self.using_fallback = result.is_ok();
                result
            }
            _ => first,
        }
    }

    /// An estimate of the 1-norm condition number `‖M‖₁·‖M⁻¹‖₁` of the last
    /// factored matrix `M = shift·I + scale·J` (`jac` in `structure`'s
    /// storage, as it was factored): `‖M‖₁` exactly, `‖M⁻¹‖₁` by
    /// [`LinearSolver::inverse_norm1_estimate`] with the factors. For
    /// failure reports (it allocates); not counted in [`Stats`].
    pub fn condition_estimate(&mut self, structure: &JacobianStructure, jac: &[f64], scale: f64, shift: f64) -> f64 {
        let n = self.dim();
        let jac = with_mass(&mut self.masked, &self.algebraic_diagonal, jac, scale, shift);
        let norm = iteration_norm1(structure, n, jac, scale, shift);
        let inverse = match &mut self.fallback {
            Fallback::Ready(f) if self.using_fallback => f.inverse_norm1_estimate(),
            _ => self.solver.inverse_norm1_estimate(),
        };
        norm * inverse
    }

    /// Solves `M x = b` in place.
    pub fn solve(&mut self, b: &mut [f64], stats: &mut Stats) {
        self.solve_part(b, 0, stats)
    }

    /// Solves for the components `start..start + b.len()` of a
    /// block-diagonal `M` alone ([`LinearSolver::solve_part`]).
    pub fn solve_part(&mut self, b: &mut [f64], start: usize, stats: &mut Stats) {
        stats.linear_solves += 1;
        match &mut self.fallback {
            Fallback::Ready(f) if self.using_fallback => f.solve_part(b, start),
            _ => self.solver.solve_part(b, start),
        }
    }
}

/// `‖shift·I + scale·J‖₁` (the largest column sum of absolute values), `J`
/// in the storage of `structure`.
pub fn iteration_norm1(structure: &JacobianStructure, n: usize, jac: &[f64], scale: f64, shift: f64) -> f64 {
    let mut sums = vec![0.0f64; n];
    match structure {
        JacobianStructure::Dense => {
            for (j, col) in jac.chunks_exact(n).enumerate() {
                sums[j] =
                    col.iter().enumerate().map(|(i, &v)| (scale * v + if i == j { shift } else { 0.0 }).abs()).sum();
            }
        }
        JacobianStructure::Banded { lower, upper } => {
            let layout = BandedLayout { lower: *lower, upper: *upper };
            for (j, sum) in sums.iter_mut().enumerate() {
                for i in j.saturating_sub(*upper)..(j + lower + 1).min(n) {
                    *sum += (scale * jac[layout.index(i, j)] + if i == j { shift } else { 0.0 }).abs();
                }
            }
        }
        JacobianStructure::Sparse(p) => {
            for i in 0..n {
                for k in p.range(i) {
                    let j = p.col()[k];
                    sums[j] += (scale * jac[k] + if i == j { shift } else { 0.0 }).abs();
                }
            }
        }
    }
    sums.into_iter().fold(0.0, f64::max)
}
