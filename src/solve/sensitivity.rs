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
//! `n(1 + m)`, `z' = (f(y), J(y)s₁, …, J(y)s_m)` (or fewer: the
//! components with zero rate are held, see [`Variational`]). Its Jacobian is block lower
//! triangular: diagonal blocks `J`, and below them `∂(J sₖ)/∂y`, which needs
//! second derivatives. Newton's iteration of an implicit BDF step does not
//! need them: [`Variational`] declares the block-diagonal part, and its
//! linear solver [`BlockDiagonal`] factors one block `I − (h/α) J` (of
//! the components not held) and solves each block with it, the state's factorization
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
//! (CVODES's `errconS = true`; [`Options::sensitivity_error_test`] leaves
//! them out, the states' error alone then choosing the steps).
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
/// (`n(1 + m)`, counted before any component is held).
pub const MAX_EXTENDED: usize = 50_000_000;

/// The variational system `z = (y, s₁, …, s_m)` of an inner system with an
/// analytic Jacobian (see the [module docs](self)).
///
/// Components of the inner system whose rates are identically zero (the
/// parameters a model declares as states, [`Variational::holding`]) are
/// *held*: their sensitivities never change, so `z` carries each
/// direction's sensitivities of the other components alone, `n_d` of them,
/// and the held ones' constant values enter as a forcing,
///
/// ```text
/// s_d' = J_dd s_d + J_dh c,     c = the held components' sensitivities,
/// ```
///
/// where `J_dh` holds the Jacobian's columns of the held components (`∂f/∂p`
/// for a parameter). The integrated vector then has `n + m·n_d` components
/// instead of `n(1 + m)`; [`Variational::split`] gives them back whole.
///
/// Each direction is integrated scaled, `s̃ₖ = p̄ₖ sₖ` (CVODES's `pbar`), by
/// the magnitude `p̄ₖ = |y_h / s_{k,h}|` at the held component `h` it moves
/// most — the parameter's value, for a parameter declared as a state —
/// rounded to a power of two so that scaling is exact; 1 for a direction
/// that moves none. The error test then weighs `∂y/∂ln p`, in
/// the states' own units, against the states' tolerances: a rate constant
/// of `10⁻¹⁵` per molecule no longer makes `∂y/∂p` twenty-seven orders of
/// magnitude larger than `y`, where no absolute tolerance suits both.
#[derive(Debug)]
pub struct Variational<S> {
    inner: S,
    n: usize,
    m: usize,
    /// The inner components that are not held, in order (`n_d` of them).
    dynamic: Vec<usize>,
    /// The held components, in order.
    held: Vec<usize>,
    /// The inner Jacobian's pattern (the band or the full matrix when it is stored so).
    pattern: SparsityPattern,
    /// Inner storage index → position in `pattern` order (`usize::MAX`: unused band slot).
    scatter: Vec<usize>,
    /// `J_dd`'s pattern over the dynamic components' positions in `dynamic`.
    reduced: SparsityPattern,
    /// Each entry of `reduced` → its position in `pattern` (`usize::MAX`: a
    /// diagonal the inner pattern leaves out).
    reduced_entry: Vec<usize>,
    /// The first block's pattern: `J` without the held columns, the held
    /// rows their diagonal alone (their corrections are zero).
    first: SparsityPattern,
    /// Each entry of `first` → its position in `pattern` (`usize::MAX`: zero).
    first_entry: Vec<usize>,
    /// Each entry of `reduced` → its position in `first`.
    reduced_in_first: Vec<usize>,
    /// Each held component's column in the dynamic rows: `(row in
    /// `dynamic`, position in `pattern`)`.
    held_columns: Vec<Vec<(usize, usize)>>,
    /// Each direction's nonzero held sensitivities `(index in `held`,
    /// value)`, scaled as the direction is.
    held_sensitivities: Vec<Vec<(usize, f64)>>,
    /// Each direction's scale `p̄ₖ`.
    scales: Vec<f64>,
    /// The block-diagonal pattern of the extended system.
    blocks: SparsityPattern,
    /// Scratch: the inner Jacobian in its own storage, and in `pattern`
    /// order, and the point `(t, y)` it was evaluated at (a staggered
    /// corrector evaluates the right-hand side at one `y` several times).
    scratch: RefCell<Scratch>,
}

/// [`Variational`]'s inner Jacobian (in its storage, in compressed rows,
/// and `J_dd`'s values) and where it was evaluated.
#[derive(Debug)]
struct Scratch {
    stored: Vec<f64>,
    csr: Vec<f64>,
    /// `J_dd`'s values in `reduced` order.
    reduced: Vec<f64>,
    at: Option<(f64, Vec<f64>)>,
    /// The directions interleaved, component by component (`m` values per
    /// dynamic component), then their products with `J_dd` alike.
    interleaved: Vec<f64>,
}

impl<S: OdeSystem> Variational<S> {
    /// The variational system of `inner` with `m` sensitivity directions,
    /// no component held. Fails when `inner` has no analytic Jacobian
    /// (sensitivities from a difference Jacobian would be differences) or
    /// the extended system would exceed [`MAX_EXTENDED`] components.
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
        let nnz = pattern.nnz();
        let mut variational = Variational {
            inner,
            n,
            m,
            dynamic: Vec::new(),
            held: Vec::new(),
            pattern,
            scatter,
            reduced: SparsityPattern::from_rows(0, Vec::new()),
            reduced_entry: Vec::new(),
            first: SparsityPattern::from_rows(0, Vec::new()),
            first_entry: Vec::new(),
            reduced_in_first: Vec::new(),
            held_columns: Vec::new(),
            held_sensitivities: vec![Vec::new(); m],
            scales: vec![1.0; m],
            blocks: SparsityPattern::from_rows(0, Vec::new()),
            scratch: RefCell::new(Scratch {
                stored: vec![0.0; len],
                csr: vec![0.0; nnz],
                reduced: Vec::new(),
                at: None,
                interleaved: Vec::new(),
            }),
        };
        variational.hold(vec![false; n]);
        Ok(variational)
    }

    /// Declares `components` held: their rates are identically zero (the
    /// caller knows it from the model; a model's parameters declared as
    /// states). Checked at the run's start `(t0, y0)`: fails for an index
    /// out of range, or a component whose rate or Jacobian row is not zero
    /// there. The held sensitivities and the scales are then set by
    /// [`Variational::initial_state`], which must make the vector a run
    /// starts from (a vector from elsewhere would miss them).
    pub fn holding(mut self, components: &[usize], t0: f64, y0: &[f64]) -> Result<Variational<S>> {
        if y0.len() != self.n {
            return Err(SaspError::DimensionMismatch { what: "initial state", expected: self.n, found: y0.len() });
        }
        let held = super::adjoint::held_components(&self.inner, t0, y0, components)?;
        self.hold(held);
        Ok(self)
    }

    /// Builds the patterns for the held components `held` (one flag per component).
    fn hold(&mut self, held: Vec<bool>) {
        let n = self.n;
        self.dynamic = (0..n).filter(|&i| !held[i]).collect();
        self.held = (0..n).filter(|&i| held[i]).collect();
        let mut position = vec![usize::MAX; n];
        for (r, &i) in self.dynamic.iter().enumerate() {
            position[i] = r;
        }
        for (h, &i) in self.held.iter().enumerate() {
            position[i] = h;
        }
        let nd = self.dynamic.len();
        let pattern = &self.pattern;
        let dynamic_columns = |i: usize| pattern.row(i).iter().copied().filter(|&j| !held[j]);
        self.reduced = SparsityPattern::from_rows(
            nd,
            self.dynamic.iter().map(|&i| dynamic_columns(i).map(|j| position[j]).collect()).collect(),
        );
        self.reduced_entry = (0..nd)
            .flat_map(|r| self.reduced.row(r).iter().map(move |&c| (r, c)))
            .map(|(r, c)| pattern.position(self.dynamic[r], self.dynamic[c]).unwrap_or(usize::MAX))
            .collect();
        self.first = SparsityPattern::from_rows(
            n,
            (0..n).map(|i| if held[i] { Vec::new() } else { dynamic_columns(i).collect() }).collect(),
        );
        self.first_entry = (0..n)
            .flat_map(|i| self.first.row(i).iter().map(move |&j| (i, j)))
            .map(|(i, j)| if held[i] { usize::MAX } else { pattern.position(i, j).unwrap_or(usize::MAX) })
            .collect();
        self.reduced_in_first = (0..nd)
            .flat_map(|r| self.reduced.row(r).iter().map(move |&c| (r, c)))
            .map(|(r, c)| self.first.position(self.dynamic[r], self.dynamic[c]).unwrap_or(usize::MAX))
            .collect();
        self.held_columns = vec![Vec::new(); self.held.len()];
        for (r, &i) in self.dynamic.iter().enumerate() {
            for e in pattern.range(i) {
                let j = pattern.col()[e];
                if held[j] {
                    self.held_columns[position[j]].push((r, e));
                }
            }
        }
        let first = &self.first;
        let reduced = &self.reduced;
        self.blocks = SparsityPattern::from_rows(
            n + self.m * nd,
            (0..n)
                .map(|i| first.row(i).to_vec())
                .chain(
                    (0..self.m)
                        .flat_map(|k| (0..nd).map(move |r| (k, r)))
                        .map(|(k, r)| reduced.row(r).iter().map(|&c| n + k * nd + c).collect()),
                )
                .collect(),
        );
        let scratch = self.scratch.get_mut();
        scratch.reduced = vec![0.0; self.reduced.nnz()];
        scratch.interleaved = vec![0.0; 2 * nd * self.m];
        scratch.at = None;
    }

    /// The inner system.
    pub fn inner(&self) -> &S {
        &self.inner
    }

    /// Number of sensitivity directions.
    pub fn directions(&self) -> usize {
        self.m
    }

    /// The inner component of the extended vector's component `i`
    /// (`i <` [`OdeSystem::dimension`]).
    pub fn component_of(&self, i: usize) -> usize {
        match i.checked_sub(self.n) {
            None => i,
            Some(k) => self.dynamic[k % self.dynamic.len()],
        }
    }

    /// The extended initial state `(y₀, s̃₁(t₀), …, s̃_m(t₀))` (each `sₖ`
    /// scaled, without its held components); `s0[k]` is direction `k`'s
    /// initial sensitivity `∂y₀/∂pₖ`, whose held components this system
    /// keeps and whose scale they set (see the type's docs).
    pub fn initial_state(&mut self, y0: &[f64], s0: &[Vec<f64>]) -> Result<Vec<f64>> {
        let mismatch = |what, expected, found| Err(SaspError::DimensionMismatch { what, expected, found });
        if y0.len() != self.n {
            return mismatch("initial state", self.n, y0.len());
        }
        if s0.len() != self.m {
            return mismatch("initial sensitivities", self.m, s0.len());
        }
        let mut z = Vec::with_capacity(self.n + self.m * self.dynamic.len());
        z.extend_from_slice(y0);
        for ((s, held), scale) in s0.iter().zip(&mut self.held_sensitivities).zip(&mut self.scales) {
            if s.len() != self.n {
                return mismatch("initial sensitivity", self.n, s.len());
            }
            // The value of the held component the direction moves most:
            // `p` itself for a parameter's unit seed, and for a constant
            // `q = c·p` set from it, `q / (∂q/∂p) = p` too.
            let moved =
                self.held.iter().copied().filter(|&i| s[i] != 0.0).max_by(|&a, &b| s[a].abs().total_cmp(&s[b].abs()));
            let magnitude = moved.map_or(0.0, |i| (y0[i] / s[i]).abs());
            let power = 2f64.powi(magnitude.log2().round() as i32);
            *scale = if magnitude.is_normal() && power.is_normal() { power } else { 1.0 };
            z.extend(self.dynamic.iter().map(|&i| *scale * s[i]));
            held.clear();
            held.extend(self.held.iter().enumerate().filter(|(_, &i)| s[i] != 0.0).map(|(h, &i)| (h, *scale * s[i])));
        }
        Ok(z)
    }

    /// The states and each direction's whole sensitivity `sₖ` (unscaled,
    /// held components included) of an extended vector `z` of a run from
    /// [`Variational::initial_state`]'s vector.
    pub fn split(&self, z: &[f64]) -> (Vec<f64>, Vec<Vec<f64>>) {
        let (n, nd) = (self.n, self.dynamic.len());
        let s = (0..self.m)
            .map(|k| {
                let mut s = vec![0.0; n];
                for (r, &i) in self.dynamic.iter().enumerate() {
                    s[i] = z[n + k * nd + r] / self.scales[k];
                }
                for &(h, v) in &self.held_sensitivities[k] {
                    s[self.held[h]] = v / self.scales[k];
                }
                s
            })
            .collect();
        (z[..n].to_vec(), s)
    }

    /// [`Variational::split`] as one vector `(y, s₁, …, s_m)` of `n(1 + m)` components.
    pub fn whole(&self, z: &[f64]) -> Vec<f64> {
        let (y, s) = self.split(z);
        let mut whole = Vec::with_capacity(self.n * (1 + self.m));
        whole.extend_from_slice(&y);
        for sk in &s {
            whole.extend_from_slice(sk);
        }
        whole
    }

    /// A BDF stepper for this system: [`Bdf`] with [`BlockDiagonal`] as
    /// its linear solver (the pivoting sparse LU of `J_dd` as fallback),
    /// the sensitivities in its error test unless
    /// [`Options::sensitivity_error_test`] is off.
    pub fn stepper(&self, options: Options) -> Result<Bdf> {
        let options = self.extended_options(options)?;
        let solver = |lu: Box<dyn LinearSolver>| {
            Box::new(BlockDiagonal::new(lu, self.n, self.dynamic.clone(), self.reduced_in_first.clone(), self.m))
        };
        let first = solver(Box::new(SparseLu::new(&self.reduced)));
        let fallback = solver(Box::new(PivotingSparseLu::new(&self.reduced)));
        let matrix = IterationMatrix::with_solver(first).with_fallback(fallback);
        let test_all = options.sensitivity_error_test;
        let bdf = Bdf::new(self, options)?.with_iteration_matrix(matrix)?.with_staggered_corrector(self.n)?;
        if test_all {
            Ok(bdf)
        } else {
            bdf.with_error_test_on(self.n)
        }
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
            options.atol = Tolerance::PerComponent((0..self.dimension()).map(|i| atol[self.component_of(i)]).collect());
        }
        Ok(options)
    }

    /// `dz[n..]`: each direction's `J_dd s_k + J_dh c_k` at the states `z[..n]`.
    fn sensitivity_rhs(&self, t: f64, z: &[f64], dz: &mut [f64]) {
        let (n, nd) = (self.n, self.dynamic.len());
        if nd == 0 || self.m == 0 {
            return;
        }
        let (y, s) = z.split_at(n);
        let ds = &mut dz[n..];
        let mut scratch = self.scratch.borrow_mut();
        self.inner_jacobian(t, y, &mut scratch);
        let Scratch { csr, reduced: values, interleaved, .. } = &mut *scratch;
        let (start, col) = (self.reduced.row_start(), self.reduced.col());
        // J_dd S for all m directions in one sweep of J_dd: each entry
        // updates a row of m products, contiguous (the sums in the same
        // order as one direction at a time).
        let m = self.m;
        let (directions, products) = interleaved.split_at_mut(nd * m);
        for (k, sk) in s.chunks_exact(nd).enumerate() {
            for (c, &x) in sk.iter().enumerate() {
                directions[c * m + k] = x;
            }
        }
        for (r, row) in products.chunks_exact_mut(m).enumerate() {
            row.fill(0.0);
            for e in start[r]..start[r + 1] {
                let (v, from) = (values[e], &directions[col[e] * m..(col[e] + 1) * m]);
                for (p, &x) in row.iter_mut().zip(from) {
                    *p += v * x;
                }
            }
        }
        for (k, dsk) in ds.chunks_exact_mut(nd).enumerate() {
            for (r, d) in dsk.iter_mut().enumerate() {
                *d = products[r * m + k];
            }
        }
        for (dsk, held) in ds.chunks_exact_mut(nd).zip(&self.held_sensitivities) {
            for &(h, c) in held {
                for &(r, e) in &self.held_columns[h] {
                    dsk[r] += c * csr[e];
                }
            }
        }
    }

    /// Evaluates the inner Jacobian at `(t, y)` into the scratch, in
    /// `pattern` and `reduced` order, unless it holds that point's already.
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
        for (v, &e) in scratch.reduced.iter_mut().zip(&self.reduced_entry) {
            *v = scratch.csr.get(e).copied().unwrap_or(0.0);
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
        self.n + self.m * self.dynamic.len()
    }

    /// `(f(y), J_dd s₁ + J_dh c₁, …, J_dd s_m + J_dh c_m)`.
    fn rhs(&self, t: f64, z: &[f64], dz: &mut [f64]) {
        self.inner.rhs(t, &z[..self.n], &mut dz[..self.n]);
        self.sensitivity_rhs(t, z, dz);
    }

    fn component_name(&self, i: usize) -> String {
        let name = self.inner.component_name(self.component_of(i));
        match i.checked_sub(self.n) {
            None => name,
            Some(k) => format!("∂{name}/∂p[{}]", k / self.dynamic.len()),
        }
    }

    fn is_autonomous(&self) -> bool {
        self.inner.is_autonomous()
    }

    /// The block-diagonal part: `J` without the held columns in the first
    /// block, `J_dd` in every other.
    fn jacobian_structure(&self) -> JacobianStructure {
        JacobianStructure::Sparse(self.blocks.clone())
    }

    fn jacobian(&self, t: f64, z: &[f64], values: &mut [f64]) -> bool {
        let mut scratch = self.scratch.borrow_mut();
        self.inner_jacobian(t, &z[..self.n], &mut scratch);
        let (first, rest) = values.split_at_mut(self.first_entry.len());
        for (v, &e) in first.iter_mut().zip(&self.first_entry) {
            *v = scratch.csr.get(e).copied().unwrap_or(0.0);
        }
        if !scratch.reduced.is_empty() {
            for block in rest.chunks_exact_mut(scratch.reduced.len()) {
                block.copy_from_slice(&scratch.reduced);
            }
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

    /// After the states (`leading == n`): the sensitivities' right-hand
    /// side alone, the states' rates left as they are; otherwise the whole.
    fn rhs_trailing(&self, t: f64, z: &[f64], dz: &mut [f64], leading: usize) {
        if leading == self.n {
            self.sensitivity_rhs(t, z, dz);
        } else {
            self.rhs(t, z, dz);
        }
    }
}

/// The linear solver of [`Variational`]'s block-diagonal iteration matrix:
/// it factors `M_dd = shift·I + scale·J_dd` once and solves every block
/// with it — the first block (the states) on its dynamic components, its
/// held ones dividing by `shift` alone, and each sensitivity block whole.
#[derive(Debug)]
pub struct BlockDiagonal {
    block: Box<dyn LinearSolver>,
    /// The first block's dimension.
    n: usize,
    /// The first block's components `block` solves for.
    dynamic: Vec<usize>,
    /// Each of `block`'s Jacobian entries → its position in the first block's values.
    gather: Vec<usize>,
    copies: usize,
    shift: f64,
    values: Vec<f64>,
    part: Vec<f64>,
}

impl BlockDiagonal {
    /// `copies` blocks after a first one of dimension `n`, every block
    /// solved by `block` (on the first block's components `dynamic`, whose
    /// Jacobian values `block` reads from the first block's at `gather`).
    pub fn new(
        block: Box<dyn LinearSolver>,
        n: usize,
        dynamic: Vec<usize>,
        gather: Vec<usize>,
        copies: usize,
    ) -> BlockDiagonal {
        let (values, part) = (vec![0.0; gather.len()], vec![0.0; dynamic.len()]);
        BlockDiagonal { block, n, dynamic, gather, copies, shift: 1.0, values, part }
    }
}

impl LinearSolver for BlockDiagonal {
    fn dim(&self) -> usize {
        self.n + self.block.dim() * self.copies
    }

    fn factor_shifted(&mut self, jac: &[f64], scale: f64, shift: f64) -> std::result::Result<(), Singular> {
        for (v, &e) in self.values.iter_mut().zip(&self.gather) {
            *v = jac.get(e).copied().unwrap_or(0.0);
        }
        if shift == 0.0 && self.dynamic.len() < self.n {
            // A held row is `shift` alone.
            let held = (0..self.n).find(|i| !self.dynamic.contains(i)).unwrap_or(0);
            return Err(Singular { column: held });
        }
        self.shift = shift;
        // The block's columns are the first block's dynamic components.
        let dynamic = &self.dynamic;
        self.block
            .factor_shifted(&self.values, scale, shift)
            .map_err(|e| Singular { column: dynamic.get(e.column).copied().unwrap_or(e.column) })
    }

    fn solve(&mut self, b: &mut [f64]) {
        self.solve_part(b, 0)
    }

    fn solve_part(&mut self, b: &mut [f64], start: usize) {
        let nd = self.part.len();
        debug_assert!(
            start == 0 || (start >= self.n && nd > 0 && (start - self.n) % nd == 0),
            "a part of whole blocks"
        );
        let rest = if start == 0 {
            let (first, rest) = b.split_at_mut(self.n.min(b.len()));
            for (p, &i) in self.part.iter_mut().zip(&self.dynamic) {
                *p = first[i];
            }
            self.block.solve(&mut self.part);
            // The held rows of `M` are `shift` on the diagonal alone.
            for v in first.iter_mut() {
                *v /= self.shift;
            }
            for (p, &i) in self.part.iter().zip(&self.dynamic) {
                first[i] = *p;
            }
            rest
        } else {
            b
        };
        if !self.part.is_empty() {
            self.block.solve_columns(rest);
        }
    }

    fn stored_entries(&self) -> usize {
        self.block.stored_entries()
    }

    fn name(&self) -> &'static str {
        "block-diagonal"
    }

    fn clone_box(&self) -> Box<dyn LinearSolver> {
        Box::new(BlockDiagonal {
            block: self.block.clone_box(),
            n: self.n,
            dynamic: self.dynamic.clone(),
            gather: self.gather.clone(),
            copies: self.copies,
            shift: self.shift,
            values: self.values.clone(),
            part: self.part.clone(),
        })
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
    /// Splits whole extended states `z = (y, s₁, …)` (each `sₖ` of all `n`
    /// components, unscaled: [`Variational::whole`], not a run's reduced
    /// vector) recorded at `t` into states and sensitivities.
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
    solve_forward_holding(system, t0, y0, s0, &[], outputs, options)
}

/// [`solve_forward`] with the components `held` of `system` held (their
/// rates identically zero: [`Variational::holding`]).
pub fn solve_forward_holding<S: OdeSystem>(
    system: &S,
    t0: f64,
    y0: &[f64],
    s0: &[Vec<f64>],
    held: &[usize],
    outputs: &[f64],
    options: &Options,
) -> Result<SensitivitySolution> {
    let mut variational = Variational::new(system, s0.len())?.holding(held, t0, y0)?;
    let z0 = variational.initial_state(y0, s0)?;
    let Some(&t_end) = outputs.last() else {
        return Err(SaspError::InvalidOptions("a sensitivity run needs at least one output time".into()));
    };
    let stepper = variational.stepper_from(t0, &z0, options)?;
    let solution = super::solve(&variational, stepper, t0, &z0, t_end, outputs)?;
    let (y, s) = (0..solution.t.len()).map(|i| variational.split(solution.state(i))).unzip();
    Ok(SensitivitySolution { t: solution.t.clone(), y, s })
}
