//! Forward sensitivities: the variational equations of a system, solved
//! alongside it by BDF with one factorization for all of them.
//!
//! For `y' = f(t, y)`, `y(t₀) = y₀(p)`, the sensitivity `sₖ = ∂y/∂pₖ` of
//! direction `k` obeys the variational equation
//!
//! ```text
//! sₖ' = J(t, y) sₖ,          sₖ(t₀) = ∂y₀/∂pₖ,          J = ∂f/∂y.
//! ```
//!
//! A parameter that enters `f` becomes such a direction by becoming a state
//! with zero rate (`p' = 0`, `p(t₀) = p`): its column of the extended
//! Jacobian is then `∂f/∂p`, exact wherever `J` is, and its own sensitivity
//! row stays the unit vector. (The model layer does this: a model's
//! Jacobian is exact and symbolic, so `∂f/∂p` is too — no differences.)
//!
//! [`Variational`] is the system `z = (y, s₁, …, s_m)` of dimension
//! `n(1 + m)`, `z' = (f(y), J(y)s₁, …, J(y)s_m)`. Its Jacobian is block lower
//! triangular: diagonal blocks `J`, and below them `∂(J sₖ)/∂y`, which needs
//! second derivatives. Newton's iteration of an implicit BDF step does not
//! need them: [`Variational`] declares the block-diagonal part, and its
//! linear solver [`BlockDiagonal`] factors the one `n × n` block
//! `I − (h/α) J` and solves each block with it, the state's factorization
//! shared by every sensitivity. The iteration is CVODES's *staggered
//! corrector*: each step's Newton
//! iteration converges on the states first, then on the sensitivities with
//! the states held — a linear problem, whose iteration the left-out
//! `∂(J sₖ)/∂y` can no longer slow or stall (with large sensitivities it
//! did, iterating on both at once). [`Variational`] evaluates `J` once per
//! state the iteration visits, and the states' right-hand side alone while
//! they converge. The residual is exact, so the converged step is the BDF
//! step of the full system: the sensitivities are those of the BDF
//! solution up to the Newton tolerance, and the error test covers them
//! (CVODES's `errconS = true`).
//! Rosenbrock methods need the exact Jacobian of the system they integrate
//! (their order conditions use it), so [`solve_forward`] integrates with BDF.

use super::bdf::Bdf;
use super::jacobian::IterationMatrix;
use super::linalg::{JacobianStructure, Singular};
use super::linear::LinearSolver;
use super::pattern::SparsityPattern;
use super::sparse::SparseLu;
use super::sparse_pivot::PivotingSparseLu;
use super::{OdeSystem, Options, Tolerance};
use crate::error::{Result, SaspError};
use std::cell::RefCell;

/// Most sensitivity directions times states a [`Variational`] system takes
/// (the extended state has `n(1 + m)` components).
pub const MAX_EXTENDED: usize = 50_000_000;

/// The variational system `z = (y, s₁, …, s_m)` of an inner system with an
/// analytic Jacobian (see the [module docs](self)).
#[derive(Debug)]
pub struct Variational<S> {
    inner: S,
    n: usize,
    m: usize,
    /// The inner Jacobian's pattern (the band or the full matrix when it is stored so).
    pattern: SparsityPattern,
    /// The block-diagonal pattern of the extended system.
    blocks: SparsityPattern,
    /// Inner storage index → position in `pattern` order (`usize::MAX`: unused band slot).
    scatter: Vec<usize>,
    /// Scratch: the inner Jacobian in its own storage, and in `pattern`
    /// order, and the point `(t, y)` it was evaluated at (a staggered
    /// corrector evaluates the right-hand side at one `y` several times).
    scratch: RefCell<Scratch>,
}

/// [`Variational`]'s inner Jacobian and where it was evaluated.
#[derive(Debug)]
struct Scratch {
    stored: Vec<f64>,
    csr: Vec<f64>,
    at: Option<(f64, Vec<f64>)>,
}

impl<S: OdeSystem> Variational<S> {
    /// The variational system of `inner` with `m` sensitivity directions.
    /// Fails when `inner` has no analytic Jacobian (sensitivities from a
    /// difference Jacobian would be differences) or the extended system
    /// would exceed [`MAX_EXTENDED`] components.
    pub fn new(inner: S, m: usize) -> Result<Variational<S>> {
        let n = inner.dimension();
        if n.checked_mul(m + 1).is_none_or(|size| size > MAX_EXTENDED) {
            return Err(SaspError::InvalidOptions(format!(
                "{m} sensitivity directions of {n} states exceed {MAX_EXTENDED} components"
            )));
        }
        let structure = inner.jacobian_structure();
        let len = structure.len(n);
        let mut probe = vec![0.0; len];
        let y = vec![0.0; n];
        if !inner.jacobian(0.0, &y, &mut probe) {
            return Err(SaspError::unsupported(
                "forward sensitivities of a system without an analytic Jacobian",
                "the system",
            ));
        }
        let (pattern, scatter) = super::adjoint::compressed_pattern(&structure, n);
        let blocks = SparsityPattern::from_rows(
            n * (m + 1),
            (0..=m)
                .flat_map(|b| (0..n).map(move |i| (b, i)))
                .map(|(b, i)| pattern.row(i).iter().map(|&j| b * n + j).collect())
                .collect(),
        );
        let nnz = pattern.nnz();
        Ok(Variational {
            inner,
            n,
            m,
            pattern,
            blocks,
            scatter,
            scratch: RefCell::new(Scratch { stored: vec![0.0; len], csr: vec![0.0; nnz], at: None }),
        })
    }

    /// The inner system.
    pub fn inner(&self) -> &S {
        &self.inner
    }

    /// Number of sensitivity directions.
    pub fn directions(&self) -> usize {
        self.m
    }

    /// The extended initial state `(y₀, s₁(t₀), …, s_m(t₀))`; `s0[k]` is
    /// direction `k`'s initial sensitivity `∂y₀/∂pₖ`.
    pub fn initial_state(&self, y0: &[f64], s0: &[Vec<f64>]) -> Result<Vec<f64>> {
        let mismatch = |what, expected, found| Err(SaspError::DimensionMismatch { what, expected, found });
        if y0.len() != self.n {
            return mismatch("initial state", self.n, y0.len());
        }
        if s0.len() != self.m {
            return mismatch("initial sensitivities", self.m, s0.len());
        }
        let mut z = y0.to_vec();
        for s in s0 {
            if s.len() != self.n {
                return mismatch("initial sensitivity", self.n, s.len());
            }
            z.extend_from_slice(s);
        }
        Ok(z)
    }

    /// A BDF stepper for this system: [`Bdf`] with [`BlockDiagonal`] as
    /// its linear solver (the pivoting sparse LU of the block as fallback).
    pub fn stepper(&self, options: Options) -> Result<Bdf> {
        let options = self.extended_options(options)?;
        let first = BlockDiagonal::new(Box::new(SparseLu::new(&self.pattern)), self.m + 1);
        let fallback = BlockDiagonal::new(Box::new(PivotingSparseLu::new(&self.pattern)), self.m + 1);
        let matrix = IterationMatrix::with_solver(Box::new(first)).with_fallback(Box::new(fallback));
        Bdf::new(self, options)?.with_iteration_matrix(matrix)?.with_staggered_corrector(self.n)
    }

    /// A stepper for a run from `(t0, z0)` ([`Variational::stepper`]) whose
    /// first step is no longer than the one the states alone would start
    /// with (Hairer's guess, when `options` give none): the sensitivities,
    /// large and smooth, must not hide a pulse in the states' inputs from
    /// the starting step, whose local error is measured over all components.
    pub fn stepper_from(&self, t0: f64, z0: &[f64], options: &Options) -> Result<Bdf> {
        let mut options = options.clone();
        if options.h0.is_none() && z0.len() == self.dimension() {
            let y0 = &z0[..self.n];
            let (mut f0, mut y1, mut f1) = (vec![0.0; self.n], vec![0.0; self.n], vec![0.0; self.n]);
            self.inner.rhs(t0, y0, &mut f0);
            let mut stats = super::Stats::default();
            let h = super::driver::initial_step_guess(
                &self.inner,
                t0,
                y0,
                &f0,
                1,
                &options,
                (&mut y1, &mut f1),
                &mut stats,
            );
            if h.is_finite() && h > 0.0 {
                options.h0 = Some(h.min(options.h_max));
            }
        }
        self.stepper(options)
    }

    /// `options` for the extended system: an absolute tolerance given per
    /// state applies to each state's sensitivities too.
    fn extended_options(&self, mut options: Options) -> Result<Options> {
        if let Tolerance::PerComponent(atol) = &options.atol {
            if atol.len() != self.n {
                return Err(SaspError::DimensionMismatch {
                    what: "absolute tolerances",
                    expected: self.n,
                    found: atol.len(),
                });
            }
            options.atol = Tolerance::PerComponent(atol.iter().copied().cycle().take(self.n * (self.m + 1)).collect());
        }
        Ok(options)
    }

    /// Evaluates the inner Jacobian at `(t, y)` into the scratch, in
    /// `pattern` order, unless it holds that point's already.
    fn inner_jacobian(&self, t: f64, y: &[f64], scratch: &mut Scratch) {
        if scratch.at.as_ref().is_some_and(|(ta, ya)| *ta == t && ya.as_slice() == y) {
            return;
        }
        self.inner.jacobian(t, y, &mut scratch.stored);
        for (k, &v) in scratch.stored.iter().enumerate() {
            if let Some(slot) = scratch.csr.get_mut(self.scatter[k]) {
                *slot = v;
            }
        }
        match &mut scratch.at {
            Some((ta, ya)) => {
                *ta = t;
                ya.copy_from_slice(y);
            }
            None => scratch.at = Some((t, y.to_vec())),
        }
    }
}

impl<S: OdeSystem> OdeSystem for Variational<S> {
    fn dimension(&self) -> usize {
        self.n * (self.m + 1)
    }

    /// `(f(y), J(y)s₁, …, J(y)s_m)`.
    fn rhs(&self, t: f64, z: &[f64], dz: &mut [f64]) {
        let n = self.n;
        let (y, s) = z.split_at(n);
        let (dy, ds) = dz.split_at_mut(n);
        self.inner.rhs(t, y, dy);
        let mut scratch = self.scratch.borrow_mut();
        self.inner_jacobian(t, y, &mut scratch);
        let csr = &scratch.csr;
        let (start, col) = (self.pattern.row_start(), self.pattern.col());
        for (sk, dsk) in s.chunks_exact(n).zip(ds.chunks_exact_mut(n)) {
            for (i, d) in dsk.iter_mut().enumerate() {
                *d = (start[i]..start[i + 1]).map(|e| csr[e] * sk[col[e]]).sum();
            }
        }
    }

    fn component_name(&self, i: usize) -> String {
        let (block, state) = (i / self.n, i % self.n);
        match block {
            0 => self.inner.component_name(state),
            b => format!("∂{}/∂p[{}]", self.inner.component_name(state), b - 1),
        }
    }

    fn is_autonomous(&self) -> bool {
        self.inner.is_autonomous()
    }

    /// The block-diagonal part: `J` in every diagonal block.
    fn jacobian_structure(&self) -> JacobianStructure {
        JacobianStructure::Sparse(self.blocks.clone())
    }

    fn jacobian(&self, t: f64, z: &[f64], values: &mut [f64]) -> bool {
        let mut scratch = self.scratch.borrow_mut();
        self.inner_jacobian(t, &z[..self.n], &mut scratch);
        for block in values.chunks_exact_mut(scratch.csr.len()) {
            block.copy_from_slice(&scratch.csr);
        }
        true
    }

    /// The states' right-hand side alone (they do not depend on the sensitivities).
    fn rhs_leading(&self, t: f64, z: &[f64], dz: &mut [f64], leading: usize) {
        if leading <= self.n {
            self.inner.rhs(t, &z[..self.n], &mut dz[..self.n]);
        } else {
            self.rhs(t, z, dz);
        }
    }
}

/// A linear solver for a block-diagonal iteration matrix whose diagonal
/// blocks are equal: it factors the first block and solves every block
/// with it ([`Variational`]'s Newton matrix).
#[derive(Debug)]
pub struct BlockDiagonal {
    block: Box<dyn LinearSolver>,
    copies: usize,
}

impl BlockDiagonal {
    /// `copies` blocks, each solved by `block` (which reads the first
    /// block's Jacobian values, the first [`JacobianStructure::len`] of them).
    pub fn new(block: Box<dyn LinearSolver>, copies: usize) -> BlockDiagonal {
        BlockDiagonal { block, copies }
    }
}

impl LinearSolver for BlockDiagonal {
    fn dim(&self) -> usize {
        self.block.dim() * self.copies
    }

    fn factor_shifted(&mut self, jac: &[f64], scale: f64, shift: f64) -> std::result::Result<(), Singular> {
        self.block.factor_shifted(&jac[..jac.len() / self.copies], scale, shift)
    }

    fn solve(&mut self, b: &mut [f64]) {
        for part in b.chunks_exact_mut(self.block.dim()) {
            self.block.solve(part);
        }
    }

    fn stored_entries(&self) -> usize {
        self.block.stored_entries()
    }

    fn name(&self) -> &'static str {
        "block-diagonal"
    }

    fn clone_box(&self) -> Box<dyn LinearSolver> {
        Box::new(BlockDiagonal { block: self.block.clone_box(), copies: self.copies })
    }
}

/// A solution with sensitivities at its output times.
#[derive(Clone, Debug, PartialEq)]
pub struct SensitivitySolution {
    /// Output times.
    pub t: Vec<f64>,
    /// States at the output times, `y[i]` of length `n`.
    pub y: Vec<Vec<f64>>,
    /// Sensitivities at the output times: `s[i][k]` is direction `k`'s `∂y/∂pₖ` at `t[i]`.
    pub s: Vec<Vec<Vec<f64>>>,
}

impl SensitivitySolution {
    /// Splits extended states `z = (y, s₁, …)` recorded at `t` into states and sensitivities.
    pub fn from_extended(t: Vec<f64>, z: impl Iterator<Item = Vec<f64>>, n: usize) -> SensitivitySolution {
        let (mut y, mut s) = (Vec::new(), Vec::new());
        for z in z {
            let mut chunks = z.chunks_exact(n);
            y.push(chunks.next().map(<[f64]>::to_vec).unwrap_or_default());
            s.push(chunks.map(<[f64]>::to_vec).collect());
        }
        SensitivitySolution { t, y, s }
    }
}

/// Integrates `system` and its sensitivities `s0` (one initial sensitivity
/// per direction) from `t0` and records them at `outputs` (increasing, not
/// before `t0`), by BDF with [`BlockDiagonal`] Newton solves.
pub fn solve_forward<S: OdeSystem>(
    system: &S,
    t0: f64,
    y0: &[f64],
    s0: &[Vec<f64>],
    outputs: &[f64],
    options: &Options,
) -> Result<SensitivitySolution> {
    let variational = Variational::new(system, s0.len())?;
    let z0 = variational.initial_state(y0, s0)?;
    let Some(&t_end) = outputs.last() else {
        return Err(SaspError::InvalidOptions("a sensitivity run needs at least one output time".into()));
    };
    let stepper = variational.stepper_from(t0, &z0, options)?;
    let solution = super::solve(&variational, stepper, t0, &z0, t_end, outputs)?;
    let n = system.dimension();
    let states = (0..solution.t.len()).map(|i| solution.state(i).to_vec());
    Ok(SensitivitySolution::from_extended(solution.t.clone(), states, n))
}
