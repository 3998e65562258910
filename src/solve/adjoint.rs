//! Adjoint sensitivities: the gradient of a scalar objective of a solution
//! by one backward solve, whatever the number of parameters.
//!
//! For `y' = f(t, y)`, `y(t₀) = y₀`, and an objective that sums functions of
//! the state at measurement times `t₀ ≤ t₁ < … < t_K`,
//!
//! ```text
//! G = Σᵢ gᵢ(y(tᵢ)),
//! ```
//!
//! the adjoint `λ(t)` solves, backward from `λ(t_K⁺) = 0`,
//!
//! ```text
//! λ' = −J(t, y(t))ᵀ λ,          λ(tᵢ⁻) = λ(tᵢ⁺) + ∇gᵢ(y(tᵢ)),
//! ```
//!
//! and then `∂G/∂y₀ = λ(t₀)`. A parameter that enters `f` is a state with
//! zero rate (as for [forward sensitivities](super::sensitivity)): its
//! component of `λ` integrates `−λᵀ ∂f/∂p` backward, the quadrature that
//! gives its share of the gradient, and `λ(t₀)` is then `∂G/∂z₀` for the
//! whole extended state `z = (y, p)`. The gradient in a direction whose
//! initial sensitivity is `s₀ₖ = ∂z₀/∂θₖ` is `λ(t₀) · s₀ₖ`: one backward
//! solve of `n` components for any number of directions, where forward
//! sensitivities integrate `n` per direction.
//!
//! The backward solve reads `y(t)` between the forward run's steps:
//! [`Recorded`] keeps every accepted step of that run as a polynomial through
//! its dense output ([`History`]; at most
//! [`MAX_HISTORY_VALUES`](super::history::MAX_HISTORY_VALUES) values), so
//! the backward solve needs no second forward run. Between measurement
//! times `tᵢ₋₁ < tᵢ` it integrates `μ(s) = λ(tᵢ − s)` forward in `s`,
//! `μ' = J(tᵢ − s, y(tᵢ − s))ᵀ μ`, by BDF with the exact, transposed
//! Jacobian (its pattern is the transpose of the forward one), and restarts
//! at each `tᵢ`, where `λ` jumps.
//!
//! ```
//! use sasp::solve::adjoint::{solve_adjoint, Recorded};
//! use sasp::solve::bdf::Bdf;
//! use sasp::solve::{integrate, OdeSystem, Options, Plan, Tolerance};
//!
//! // y' = −k y (k a state with zero rate), G = y(1) + y(2):
//! // ∂G/∂y₀ = e^{−k} + e^{−2k}, ∂G/∂k = −y₀ (e^{−k} + 2 e^{−2k}).
//! struct Decay;
//! impl OdeSystem for Decay {
//!     fn dimension(&self) -> usize { 2 }
//!     fn rhs(&self, _: f64, y: &[f64], dy: &mut [f64]) { dy[0] = -y[1] * y[0]; dy[1] = 0.0; }
//!     fn jacobian(&self, _: f64, y: &[f64], j: &mut [f64]) -> bool {
//!         // dense, column-major
//!         j.copy_from_slice(&[-y[1], 0.0, -y[0], 0.0]);
//!         true
//!     }
//! }
//! let options = Options { rtol: 1e-10, atol: Tolerance::Scalar(1e-12), ..Options::default() };
//! let (y0, k) = (2.0, 0.7);
//! let mut forward = Recorded::new(Decay, 0.0, &[y0, k]);
//! let mut bdf = Bdf::new(&forward, options.clone()).unwrap();
//! integrate(&mut bdf, &mut forward, 0.0, &[y0, k], 2.0, &Plan::outputs(&[1.0, 2.0]), &mut |_, _, _, _| Ok(())).unwrap();
//! let lambda = solve_adjoint(&forward, 0.0, &[1.0, 2.0], &[vec![1.0, 0.0], vec![1.0, 0.0]], &options).unwrap();
//! let (e1, e2) = ((-k).exp(), (-2.0 * k).exp());
//! assert!((lambda[0] - (e1 + e2)).abs() < 1e-8);
//! assert!((lambda[1] + y0 * (e1 + 2.0 * e2)).abs() < 1e-8);
//! ```

use super::bdf::Bdf;
use super::driver::{integrate, Plan};
use super::history::History;
use super::linalg::{BandedLayout, JacobianStructure};
use super::pattern::SparsityPattern;
use super::{CellLayout, OdeSystem, Options};
use crate::error::{Result, SaspError};
use std::cell::RefCell;

/// A system whose runs record every accepted step, for a backward solve
/// that reads the solution between them ([`solve_adjoint`]). The system is
/// otherwise unchanged: integrate it with any method (the record is as
/// accurate as the method's dense output).
///
/// Components with zero rate — parameters declared as states — may be
/// declared [held](Recorded::holding): their Jacobian columns (`∂f/∂p`,
/// which may be many orders of magnitude larger than the rest: `∂(k·a·b)/∂k
/// = a·b` for a rate constant `k ~ 10⁻¹⁶` and `a·b ~ 10²²` molecules²) are
/// then left out of the iteration matrices, forward and backward. That
/// changes no step: a held component's stages and Newton corrections are
/// zero, so its column multiplies zero; but a factorization that pivots
/// on such entries loses the rest of the matrix to rounding.
#[derive(Debug)]
pub struct Recorded<S> {
    inner: S,
    /// The run's start (the held components keep their values from it).
    start: Vec<f64>,
    /// The other components' record.
    trajectory: RefCell<History>,
    /// Did the run outgrow the record (and stop recording)?
    overflowed: std::cell::Cell<bool>,
    held: Vec<bool>,
    /// Forward storage index → its column is held.
    held_entries: Vec<bool>,
}

impl<S: OdeSystem> Recorded<S> {
    /// Records runs of `inner` that start at `(t0, y0)` (every component).
    pub fn new(inner: S, t0: f64, y0: &[f64]) -> Recorded<S> {
        let components = (0..y0.len()).collect();
        let trajectory = RefCell::new(History::new(t0, y0, components, Vec::new()));
        Recorded {
            inner,
            start: y0.to_vec(),
            trajectory,
            overflowed: std::cell::Cell::new(false),
            held: vec![false; y0.len()],
            held_entries: Vec::new(),
        }
    }

    /// Declares `components` held: their rates are identically zero (see
    /// the type's docs), which the caller knows from the model. Checked at
    /// the run's start `(t0, y0)`: fails for an index out of range, or a
    /// component whose rate or Jacobian row is not zero there.
    pub fn holding(mut self, components: &[usize]) -> Result<Recorded<S>> {
        let n = self.inner.dimension();
        let t0 = self.trajectory.borrow().t0();
        let y0 = self.start.clone();
        self.held = held_components(&self.inner, t0, &y0, components)?;
        let (pattern, scatter) = compressed_pattern(&self.inner.jacobian_structure(), n);
        // Only the others change: only they are recorded.
        let recorded = (0..n).filter(|&i| !self.held[i]).collect();
        self.trajectory = RefCell::new(History::new(t0, &y0, recorded, Vec::new()));
        self.held_entries = scatter.iter().map(|&k| k != usize::MAX && self.held[pattern.col()[k]]).collect();
        Ok(self)
    }

    /// The system recorded.
    pub fn inner(&self) -> &S {
        &self.inner
    }

    /// The components declared held ([`Recorded::holding`]).
    pub fn held(&self) -> Vec<usize> {
        (0..self.held.len()).filter(|&i| self.held[i]).collect()
    }

    /// The values the record holds.
    pub fn recorded_values(&self) -> usize {
        self.trajectory.borrow().len()
    }

    /// Drops the record, as a run that outgrew it does (for a caller that
    /// keeps several records within one budget): the run is then not
    /// [complete](Recorded::is_complete).
    pub fn drop_record(&self) {
        self.overflowed.set(true);
        self.trajectory.borrow_mut().truncate(f64::NEG_INFINITY);
    }

    /// Is the whole run recorded? A run whose record would exceed
    /// [`MAX_HISTORY_VALUES`](super::history::MAX_HISTORY_VALUES) stops
    /// recording (and drops the record): integrate its stretches between
    /// checkpoints again, each recorded on its own, for the backward solve.
    pub fn is_complete(&self) -> bool {
        !self.overflowed.get()
    }
}

impl<S: OdeSystem> OdeSystem for Recorded<S> {
    fn dimension(&self) -> usize {
        self.inner.dimension()
    }
    fn rhs(&self, t: f64, y: &[f64], dy: &mut [f64]) {
        self.inner.rhs(t, y, dy)
    }
    fn component_name(&self, i: usize) -> String {
        self.inner.component_name(i)
    }
    fn is_autonomous(&self) -> bool {
        self.inner.is_autonomous()
    }
    fn time_derivative(&self, t: f64, y: &[f64], ft: &mut [f64]) -> bool {
        self.inner.time_derivative(t, y, ft)
    }
    fn jacobian_structure(&self) -> JacobianStructure {
        self.inner.jacobian_structure()
    }
    /// The inner Jacobian without the held columns (for iteration matrices).
    fn jacobian(&self, t: f64, y: &[f64], values: &mut [f64]) -> bool {
        let ok = self.inner.jacobian(t, y, values);
        for (v, &held) in values.iter_mut().zip(&self.held_entries) {
            if held {
                *v = 0.0;
            }
        }
        ok
    }
    fn cell_layout(&self) -> Option<CellLayout> {
        self.inner.cell_layout()
    }
    fn algebraic_components(&self) -> &[usize] {
        self.inner.algebraic_components()
    }
    fn algebraic_relaxations(&self) -> &[bool] {
        self.inner.algebraic_relaxations()
    }
    /// The record, until it is full (the run then goes on unrecorded).
    fn history(&self) -> Option<&RefCell<History>> {
        if self.overflowed.get() {
            return None;
        }
        if self.trajectory.borrow().is_full() {
            self.drop_record();
            return None;
        }
        Some(&self.trajectory)
    }
}

/// Marks `components` of `inner` held (their rates identically zero, which
/// the caller knows from the model), checked at `(t0, y0)`: fails for an
/// index out of range, or a component whose rate or Jacobian row is not
/// zero there, or a system without an analytic Jacobian.
pub(crate) fn held_components<S: OdeSystem>(inner: &S, t0: f64, y0: &[f64], components: &[usize]) -> Result<Vec<bool>> {
    let n = inner.dimension();
    let mut held = vec![false; n];
    if components.is_empty() {
        return Ok(held);
    }
    let structure = inner.jacobian_structure();
    let (pattern, scatter) = compressed_pattern(&structure, n);
    let mut f = vec![0.0; n];
    inner.rhs(t0, y0, &mut f);
    let mut stored = vec![0.0; structure.len(n)];
    let analytic = inner.jacobian(t0, y0, &mut stored);
    let mut row = vec![0.0; pattern.nnz()];
    for (&k, &v) in scatter.iter().zip(&stored) {
        if k != usize::MAX {
            row[k] += v;
        }
    }
    for &i in components {
        if i >= n || f[i] != 0.0 || !analytic || row[pattern.range(i)].iter().any(|&v| v != 0.0) {
            return Err(SaspError::InvalidOptions(format!(
                "component {i} cannot be held: its rate is not zero at the start"
            )));
        }
        held[i] = true;
    }
    Ok(held)
}

/// The Jacobian pattern of a system in compressed rows whatever its storage,
/// and where each stored value goes in it (`usize::MAX`: a band slot outside
/// the matrix).
pub(crate) fn compressed_pattern(structure: &JacobianStructure, n: usize) -> (SparsityPattern, Vec<usize>) {
    match structure {
        JacobianStructure::Sparse(p) => (p.clone(), (0..p.nnz()).collect()),
        JacobianStructure::Dense => {
            let p = SparsityPattern::from_rows(n, (0..n).map(|_| (0..n).collect()).collect());
            let scatter = (0..n * n).map(|k| p.position(k % n, k / n).unwrap_or(usize::MAX)).collect();
            (p, scatter)
        }
        &JacobianStructure::Banded { lower, upper } => {
            let rows = (0..n).map(|i| (i.saturating_sub(lower)..(i + upper + 1).min(n)).collect()).collect();
            let p = SparsityPattern::from_rows(n, rows);
            let layout = BandedLayout { lower, upper };
            let mut scatter = vec![usize::MAX; structure.len(n)];
            for i in 0..n {
                for &j in p.row(i) {
                    scatter[layout.index(i, j)] = p.position(i, j).unwrap_or(usize::MAX);
                }
            }
            (p, scatter)
        }
    }
}

/// The absolute tolerance that leaves the quadratures (the held
/// components' adjoints) out of the error test: no error reaches it, and its
/// weight `10⁻¹⁰⁰` keeps the norms' products normal numbers (`f64::MAX`'s
/// weight is subnormal, which made Lang 2024's backward solve 1.8× slower).
const QUADRATURE_ATOL: f64 = 1e100;

/// The backward system `μ' = J(t, y(t))ᵀ μ`, `t = origin − s`, of a
/// recorded run (see the [module docs](self)), in reversed time `s`.
#[derive(Debug)]
pub struct Adjoint<'a, S> {
    forward: &'a Recorded<S>,
    /// The forward time at `s = 0`.
    pub origin: f64,
    /// The transposed pattern.
    transposed: SparsityPattern,
    /// Forward storage index → position in `transposed` (`usize::MAX`: unused).
    scatter: Vec<usize>,
    /// The iteration matrix's pattern: `transposed` without the held
    /// components' rows off the diagonal (quadratures that nothing else
    /// reads) and without their columns (`∂fₚ/∂y`, zero).
    iteration: SparsityPattern,
    /// Position in `iteration` → position in `transposed`.
    iteration_entries: Vec<usize>,
    scratch: RefCell<AdjointScratch>,
}

/// The forward Jacobian at one time, transposed.
#[derive(Debug)]
struct AdjointScratch {
    y: Vec<f64>,
    stored: Vec<f64>,
    values: Vec<f64>,
    at: Option<f64>,
}

impl<'a, S: OdeSystem> Adjoint<'a, S> {
    /// The backward system of the run `forward` recorded. Fails when the
    /// system has no analytic Jacobian.
    pub fn new(forward: &'a Recorded<S>) -> Result<Adjoint<'a, S>> {
        let n = forward.dimension();
        if forward.inner.history().is_some() || !forward.inner.algebraic_components().is_empty() {
            return Err(SaspError::unsupported(
                "adjoint sensitivities of a system with delays or algebraic components",
                "the system",
            ));
        }
        let structure = forward.jacobian_structure();
        let len = structure.len(n);
        let mut stored = vec![0.0; len];
        let t0 = forward.trajectory.borrow().t0();
        if !forward.inner.jacobian(t0, &forward.start, &mut stored) {
            return Err(SaspError::unsupported(
                "adjoint sensitivities of a system without an analytic Jacobian",
                "the system",
            ));
        }
        let (pattern, to_csr) = compressed_pattern(&structure, n);
        let mut rows: Vec<Vec<usize>> = vec![Vec::new(); n];
        for i in 0..n {
            for &j in pattern.row(i) {
                rows[j].push(i);
            }
        }
        let transposed = SparsityPattern::from_rows(n, rows);
        let scatter = to_csr
            .iter()
            .map(|&k| {
                if k == usize::MAX {
                    return usize::MAX;
                }
                // Position k of `pattern` is (i, j): find its row i.
                let i = pattern.row_start().partition_point(|&start| start <= k) - 1;
                let j = pattern.col()[k];
                transposed.position(j, i).unwrap_or(usize::MAX)
            })
            .collect();
        let values = vec![0.0; transposed.nnz()];
        let kept = |i: usize, j: usize| if forward.held[i] { i == j } else { !forward.held[j] };
        let iteration = SparsityPattern::from_rows(
            n,
            (0..n).map(|i| transposed.row(i).iter().copied().filter(|&j| kept(i, j)).collect()).collect(),
        );
        let iteration_entries = (0..n)
            .flat_map(|i| iteration.row(i).iter().map(move |&j| (i, j)))
            .map(|(i, j)| transposed.position(i, j).unwrap_or(usize::MAX))
            .collect();
        Ok(Adjoint {
            forward,
            origin: 0.0,
            transposed,
            scatter,
            iteration,
            iteration_entries,
            scratch: RefCell::new(AdjointScratch { y: forward.start.clone(), stored, values, at: None }),
        })
    }

    /// Evaluates `Jᵀ` at forward time `t` into the scratch (once per time).
    fn transpose_at(&self, t: f64) {
        let mut guard = self.scratch.borrow_mut();
        let scratch = &mut *guard;
        if scratch.at == Some(t) {
            return;
        }
        let trajectory = self.forward.trajectory.borrow();
        trajectory.state_at(t, &mut scratch.y);
        // The full Jacobian (the held columns are the quadratures' integrands).
        self.forward.inner.jacobian(t, &scratch.y, &mut scratch.stored);
        scratch.values.iter_mut().for_each(|v| *v = 0.0);
        for (&to, &v) in self.scatter.iter().zip(&scratch.stored) {
            if to != usize::MAX {
                scratch.values[to] += v;
            }
        }
        scratch.at = Some(t);
    }
}

impl<S: OdeSystem> OdeSystem for Adjoint<'_, S> {
    fn dimension(&self) -> usize {
        self.transposed.n()
    }
    fn rhs(&self, s: f64, mu: &[f64], dmu: &mut [f64]) {
        self.transpose_at(self.origin - s);
        let scratch = self.scratch.borrow();
        for (j, d) in dmu.iter_mut().enumerate() {
            let range = self.transposed.range(j);
            *d = self.transposed.col()[range.clone()].iter().zip(&scratch.values[range]).map(|(&i, v)| v * mu[i]).sum();
        }
    }
    fn component_name(&self, i: usize) -> String {
        format!("adjoint of {}", self.forward.component_name(i))
    }
    /// The iteration matrix's pattern (see [`Adjoint::jacobian`]).
    fn jacobian_structure(&self) -> JacobianStructure {
        JacobianStructure::Sparse(self.iteration.clone())
    }
    /// `Jᵀ` without the held rows' entries off the diagonal: a held
    /// component's adjoint is a quadrature `μₚ' = Σᵢ ∂fᵢ/∂p μᵢ` that
    /// nothing else reads, so Newton's iteration converges on the others
    /// and then on it; the matrix keeps the sparsity of the states' own
    /// coupling however many parameters there are.
    fn jacobian(&self, s: f64, _mu: &[f64], values: &mut [f64]) -> bool {
        self.transpose_at(self.origin - s);
        let scratch = self.scratch.borrow();
        for (v, &k) in values.iter_mut().zip(&self.iteration_entries) {
            *v = scratch.values.get(k).copied().unwrap_or(0.0);
        }
        true
    }
}

/// `λ(t₀) = ∂G/∂y₀` for `G = Σᵢ gᵢ(y(tᵢ))` over the run `forward` recorded
/// from `t0` (see the [module docs](self)): `times` are the measurement
/// times (nondecreasing, within the recorded run, none before `t0`),
/// `gradients[i]` is `∇gᵢ` at `y(tᵢ)`. Solved by BDF at `options` (the
/// absolute tolerance the largest of `options`'), restarted at each
/// measurement time.
pub fn solve_adjoint<S: OdeSystem>(
    forward: &Recorded<S>,
    t0: f64,
    times: &[f64],
    gradients: &[Vec<f64>],
    options: &Options,
) -> Result<Vec<f64>> {
    let n = forward.dimension();
    if gradients.len() != times.len() {
        return Err(SaspError::DimensionMismatch {
            what: "objective gradients (one per measurement time)",
            expected: times.len(),
            found: gradients.len(),
        });
    }
    if let Some(g) = gradients.iter().find(|g| g.len() != n) {
        return Err(SaspError::DimensionMismatch { what: "objective gradient", expected: n, found: g.len() });
    }
    if !forward.is_complete() {
        return Err(SaspError::InvalidOptions(
            "the forward run outgrew its record: solve the adjoint between checkpoints".into(),
        ));
    }
    let (start, end) = (forward.trajectory.borrow().t0(), forward.trajectory.borrow().end());
    if t0 != start {
        return Err(SaspError::InvalidOptions(format!(
            "the adjoint's initial time {t0} is not the recorded run's, {start}"
        )));
    }
    if times.iter().any(|t| !(*t >= t0 && *t <= end)) || times.windows(2).any(|w| w[1] < w[0]) {
        return Err(SaspError::InvalidOptions(format!(
            "adjoint measurement times must be nondecreasing within the recorded run [{t0}, {end}]"
        )));
    }
    let mut lambda = vec![0.0; n];
    if times.is_empty() {
        return Ok(lambda);
    }
    // The held components' adjoints are quadratures: left out of the error
    // test (CVODES's default for quadratures), the others at the largest
    // of `options`' absolute tolerances.
    let atol = options.atol.largest();
    let atol = forward.held.iter().map(|&held| if held { QUADRATURE_ATOL } else { atol }).collect();
    let options = Options { atol: super::Tolerance::PerComponent(atol), ..options.clone() };
    let mut system = Adjoint::new(forward)?;
    let mut bdf = Bdf::new(&system, options)?;
    // Leg by leg from the last time back, each leg in its own reversed
    // time `s = origin − t` from 0 (a transient after a jump late in a long
    // run needs steps far below the spacing of floating-point numbers at
    // its `t`), each measurement time's gradients added where it begins.
    let mut k = times.len();
    let mut t = times[k - 1];
    loop {
        while k > 0 && times[k - 1] == t {
            k -= 1;
            add(&mut lambda, &gradients[k]);
        }
        let next = if k > 0 { times[k - 1] } else { t0 };
        if next == t {
            return Ok(lambda);
        }
        system.origin = t;
        bdf.forget_step_size();
        let run =
            integrate(&mut bdf, &mut system, 0.0, &lambda, t - next, &Plan::end_only(), &mut |_, _, _, _| Ok(()))?;
        lambda.copy_from_slice(&run.y);
        t = next;
    }
}

fn add(to: &mut [f64], v: &[f64]) {
    to.iter_mut().zip(v).for_each(|(a, b)| *a += b);
}
