//! Jacobians for implicit methods: the system's analytic one when it has one,
//! else finite differences with column grouping (banded and sparse structures
//! need only as many extra right-hand sides as there are column groups), and
//! the factorized iteration matrix `shift·I + scale·J`.

use super::linalg::{small_lu, BandedLayout, BandedLu, DenseLu, JacobianStructure, Singular, SmallLu};
use super::sparse::SparseLu;
use super::{OdeSystem, Stats};

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
                for &j in &p.col[p.row_start[i]..p.row_start[i + 1]] {
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

/// Evaluates `∂f/∂y` in the system's storage, analytically or by differences.
#[derive(Clone, Debug)]
pub struct JacobianEvaluator {
    structure: JacobianStructure,
    n: usize,
    groups: Vec<Vec<usize>>,
    y_pert: Vec<f64>,
    f_pert: Vec<f64>,
    f0: Vec<f64>,
    /// The Jacobian values (layout of `structure`).
    pub values: Vec<f64>,
}

impl JacobianEvaluator {
    /// Storage for a system.
    pub fn new<S: OdeSystem>(system: &S) -> JacobianEvaluator {
        let n = system.dimension();
        let structure = system.jacobian_structure();
        JacobianEvaluator {
            groups: column_groups(&structure, n),
            values: vec![0.0; structure.len(n)],
            structure,
            n,
            y_pert: vec![0.0; n],
            f_pert: vec![0.0; n],
            f0: vec![0.0; n],
        }
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
        let f0 = match f0 {
            Some(f0) => {
                self.f0.copy_from_slice(f0);
                &self.f0
            }
            None => {
                system.rhs(t, y, &mut self.f0);
                stats.rhs_evals += 1;
                &self.f0
            }
        };
        // Forward differences, h_j = √ε · max(|y_j|, 1e-5) (signed like y_j).
        let sqrt_eps = f64::EPSILON.sqrt();
        self.values.fill(0.0);
        for g in 0..self.groups.len() {
            self.y_pert.copy_from_slice(y);
            for &j in &self.groups[g] {
                let h = sqrt_eps * y[j].abs().max(1e-5);
                self.y_pert[j] = y[j] + h;
            }
            system.rhs(t, &self.y_pert, &mut self.f_pert);
            stats.rhs_evals += 1;
            for &j in &self.groups[g] {
                let h = self.y_pert[j] - y[j];
                match &self.structure {
                    JacobianStructure::Dense => {
                        for i in 0..self.n {
                            self.values[j * self.n + i] = (self.f_pert[i] - f0[i]) / h;
                        }
                    }
                    JacobianStructure::Banded { lower, upper } => {
                        let layout = BandedLayout { lower: *lower, upper: *upper };
                        for i in j.saturating_sub(*upper)..(j + lower + 1).min(self.n) {
                            self.values[layout.index(i, j)] = (self.f_pert[i] - f0[i]) / h;
                        }
                    }
                    JacobianStructure::Sparse(p) => {
                        for i in 0..self.n {
                            if let Some(k) = p.position(i, j) {
                                self.values[k] = (self.f_pert[i] - f0[i]) / h;
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The factorized iteration matrix `shift·I + scale·J`, in the storage the
/// Jacobian's structure calls for. (One per solve: variant sizes do not matter.)
#[derive(Clone, Debug)]
#[allow(clippy::large_enum_variant)]
pub enum IterationMatrix {
    /// Fixed-size dense LU for dense Jacobians of up to [`super::linalg::MAX_FIXED`] components.
    Small(Box<dyn SmallLu>),
    /// Dense LU with partial pivoting.
    Dense(DenseLu),
    /// Sparse LU on the Jacobian's pattern; a dense LU with partial pivoting
    /// takes over for any matrix whose diagonal pivots are too small.
    Sparse {
        /// The sparse factors.
        lu: SparseLu,
        /// The fallback (allocated at first use).
        fallback: Option<DenseLu>,
        /// Which of the two holds the current factors.
        using_fallback: bool,
    },
    /// Banded LU.
    Banded(BandedLu),
}

impl IterationMatrix {
    /// Storage for a structure and dimension.
    pub fn new(structure: &JacobianStructure, n: usize) -> IterationMatrix {
        match structure {
            JacobianStructure::Banded { lower, upper } => IterationMatrix::Banded(BandedLu::new(n, *lower, *upper)),
            JacobianStructure::Dense => match small_lu(n) {
                Some(lu) => IterationMatrix::Small(lu),
                None => IterationMatrix::Dense(DenseLu::new(n)),
            },
            JacobianStructure::Sparse(p) => {
                IterationMatrix::Sparse { lu: SparseLu::new(p), fallback: None, using_fallback: false }
            }
        }
    }

    /// Forms `shift·I + scale·J` from Jacobian values and factors it.
    pub fn factor(
        &mut self,
        structure: &JacobianStructure,
        jac: &[f64],
        scale: f64,
        shift: f64,
        stats: &mut Stats,
    ) -> Result<(), Singular> {
        stats.factorizations += 1;
        match self {
            IterationMatrix::Small(lu) => lu.factor_shifted(jac, scale, shift),
            IterationMatrix::Dense(lu) => {
                let n = lu.dim();
                let m = lu.matrix_mut();
                match structure {
                    JacobianStructure::Dense => {
                        for (a, &j) in m.iter_mut().zip(jac) {
                            *a = scale * j;
                        }
                    }
                    JacobianStructure::Sparse(p) => expand_sparse(p, jac, scale, m),
                    JacobianStructure::Banded { .. } => unreachable!("banded Jacobians use banded storage"),
                }
                for i in 0..n {
                    m[i * n + i] += shift;
                }
                lu.factor()
            }
            IterationMatrix::Sparse { lu, fallback, using_fallback } => {
                if lu.factor_shifted(jac, scale, shift).is_ok() {
                    *using_fallback = false;
                    return Ok(());
                }
                let JacobianStructure::Sparse(p) = structure else {
                    unreachable!("sparse factors need a sparse Jacobian")
                };
                let dense = fallback.get_or_insert_with(|| DenseLu::new(p.n));
                let m = dense.matrix_mut();
                expand_sparse(p, jac, scale, m);
                for i in 0..p.n {
                    m[i * p.n + i] += shift;
                }
                *using_fallback = true;
                dense.factor()
            }
            IterationMatrix::Banded(lu) => {
                lu.set_shifted(jac, scale, shift);
                lu.factor()
            }
        }
    }

    /// Solves `M x = b` in place.
    pub fn solve(&mut self, b: &mut [f64], stats: &mut Stats) {
        stats.linear_solves += 1;
        match self {
            IterationMatrix::Small(lu) => lu.solve(b),
            IterationMatrix::Dense(lu) => lu.solve(b),
            IterationMatrix::Banded(lu) => lu.solve(b),
            IterationMatrix::Sparse { lu, fallback, using_fallback } => match (fallback, *using_fallback) {
                (Some(dense), true) => dense.solve(b),
                _ => lu.solve(b),
            },
        }
    }
}

/// Writes `scale·J` from CSR values into a zeroed column-major dense matrix.
fn expand_sparse(p: &crate::model::SparsityPattern, jac: &[f64], scale: f64, m: &mut [f64]) {
    m.fill(0.0);
    for i in 0..p.n {
        for k in p.row_start[i]..p.row_start[i + 1] {
            m[p.col[k] * p.n + i] = scale * jac[k];
        }
    }
}
