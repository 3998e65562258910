//! Evaluating a built model: the checked right-hand side, process rates
//! and exact Jacobian (dense or sparse) that callers use, the unchecked ones
//! solvers use once sizes are known, and [`ModelSystem`], the model with its
//! inputs fixed as an ODE system.

use super::kinetics::Storage;
use super::{Model, SparsityPattern};
use crate::error::{ModelError, Result, SaspError};
use crate::solve::History;
use nalgebra::DMatrix;
use std::cell::RefCell;
use std::rc::Rc;

impl Model {
    /// Checks the sizes of a call with state `y` and inputs `inputs`. A
    /// model with delays takes, after its inputs, the delayed value of each
    /// of its [`Model::delays`] (as [`Model::with_inputs_at`] gives them).
    fn check_call(&self, y: usize, inputs: usize) -> Result<()> {
        self.check_len("state", y)?;
        let expected = self.spec.inputs.len() + self.delays.len();
        if inputs != expected {
            return Err(SaspError::DimensionMismatch {
                what: if !self.delays.is_empty() { "inputs and delayed values" } else { "inputs" },
                expected,
                found: inputs,
            });
        }
        Ok(())
    }

    /// The right-hand side `dy = f(t, y, u)`.
    pub fn rhs(&self, t: f64, y: &[f64], inputs: &[f64], dy: &mut [f64]) -> Result<()> {
        self.check_call(y.len(), inputs.len())?;
        self.check_len("derivative", dy.len())?;
        self.kinetics.rhs(t, y, inputs, dy);
        Ok(())
    }

    /// The rate of every process, in [`Model::process_names`] order.
    pub fn process_rates(&self, t: f64, y: &[f64], inputs: &[f64], rates: &mut [f64]) -> Result<()> {
        self.check_call(y.len(), inputs.len())?;
        if rates.len() != self.spec.processes.len() {
            return Err(SaspError::DimensionMismatch {
                what: "process rates",
                expected: self.spec.processes.len(),
                found: rates.len(),
            });
        }
        self.kinetics.rates(t, y, inputs, rates);
        Ok(())
    }

    /// The changes `(compartment index, ν)` of process `p` (in
    /// [`Model::process_names`] order): firing it once adds `ν` to each
    /// listed compartment, `dy_i/dt = Σ_p ν_{ip} r_p`. `None` beyond the
    /// last process. A compartment listed twice changes by the sum.
    pub fn process_changes(&self, p: usize) -> Option<&[(usize, f64)]> {
        self.kinetics.changes_of(p)
    }

    /// The compartments (state indices, sorted, distinct) that the rate of
    /// process `p` reads: `r_p` depends on `y_j` only if `j` is listed.
    /// `None` beyond the last process.
    pub fn process_reads(&self, p: usize) -> Option<&[usize]> {
        self.kinetics.process_reads.get(p).map(Vec::as_slice)
    }

    /// The plan of [`Model::process_rate_by_plan`], or `None` when a process
    /// has a custom or expression law.
    pub(crate) fn process_rate_plan(&self) -> Option<super::kinetics::RatePlan> {
        self.kinetics.rate_plan()
    }

    /// The rate of process `p` alone, unchecked (sizes are the caller's
    /// concern), bit for bit as [`Model::process_rates`] gives it.
    #[inline]
    pub(crate) fn process_rate_by_plan(
        &self,
        plan: &super::kinetics::RatePlan,
        p: usize,
        y: &[f64],
        inputs: &[f64],
    ) -> f64 {
        self.kinetics.rate_by_plan(plan, p, y, inputs)
    }

    /// The number of processes.
    pub fn process_count(&self) -> usize {
        self.spec.processes.len()
    }

    /// The rate of one process (by name).
    pub fn process_rate(&self, name: &str, t: f64, y: &[f64], inputs: &[f64]) -> Result<f64> {
        self.check_call(y.len(), inputs.len())?;
        let p = self
            .spec
            .processes
            .iter()
            .position(|p| p.name == name)
            .ok_or_else(|| ModelError::UnknownProcess { model: self.name().to_string(), name: name.to_string() })?;
        Ok(self.kinetics.rate(p, t, y, inputs))
    }

    /// The exact Jacobian `∂f/∂y` into a dense `n × n` matrix.
    pub fn jacobian_dense(&self, t: f64, y: &[f64], inputs: &[f64], jac: &mut DMatrix<f64>) -> Result<()> {
        self.check_call(y.len(), inputs.len())?;
        if jac.nrows() != self.dimension() || jac.ncols() != self.dimension() {
            return Err(SaspError::DimensionMismatch {
                what: "Jacobian (rows and columns)",
                expected: self.dimension(),
                found: if jac.nrows() != self.dimension() { jac.nrows() } else { jac.ncols() },
            });
        }
        self.kinetics.jacobian(t, y, inputs, jac.as_mut_slice(), Storage::Dense);
        Ok(())
    }

    /// The exact Jacobian's values in the CSR layout of [`Model::sparsity`].
    pub fn jacobian_sparse(&self, t: f64, y: &[f64], inputs: &[f64], values: &mut [f64]) -> Result<()> {
        self.check_call(y.len(), inputs.len())?;
        if values.len() != self.kinetics.pattern.nnz() {
            return Err(SaspError::DimensionMismatch {
                what: "sparse Jacobian values",
                expected: self.kinetics.pattern.nnz(),
                found: values.len(),
            });
        }
        self.kinetics.jacobian(t, y, inputs, values, Storage::Sparse);
        Ok(())
    }

    /// The Jacobian's sparsity pattern (CSR; the diagonal is always present).
    pub fn sparsity(&self) -> &SparsityPattern {
        &self.kinetics.pattern
    }

    /// Unchecked sparse Jacobian (values in the CSR layout of [`Model::sparsity`]).
    pub(crate) fn jacobian_sparse_unchecked(&self, t: f64, y: &[f64], inputs: &[f64], values: &mut [f64]) {
        self.kinetics.jacobian(t, y, inputs, values, Storage::Sparse);
    }

    /// Does the right-hand side depend on `t` only through `y` and the inputs?
    /// (False when a custom law, which sees `t`, or an expression law that
    /// reads `time` is present.)
    pub fn is_autonomous(&self) -> bool {
        self.kinetics.customs.is_empty() && !self.kinetics.expressions.as_ref().is_some_and(|e| e.reads_time)
    }

    /// Does a stiff solver do better with a dense Jacobian than with the
    /// sparse one? Only for small models (up to
    /// [`MAX_FIXED`](crate::solve::linalg::MAX_FIXED) compartments, where a
    /// fixed-size LU exists) whose Jacobian is more than half full. Measured:
    /// the 13-compartment reference model (61 of 169 entries) runs from
    /// injection to day 21 in 0.76 ms with the sparse LU against 0.90 ms with
    /// the dense one.
    pub(crate) fn dense_jacobian_pays(&self) -> bool {
        let n = self.dimension();
        n <= crate::solve::linalg::MAX_FIXED && 2 * self.kinetics.pattern.nnz() > n * n
    }

    /// The compartments that `[[constraint]]`s determine, sorted: the
    /// algebraic components of the model as a differential–algebraic system
    /// (their rows of [`Model::rhs`] are the residuals `0 = g`). Empty for
    /// an ODE model.
    pub fn algebraic_components(&self) -> &[usize] {
        &self.algebraic
    }

    /// Refuses a model that is not an ordinary differential equation, one
    /// with `[[constraint]]`s or delays, for `what` (an analysis that needs
    /// an ODE): [`SaspError::Unsupported`] naming both.
    pub fn require_ode(&self, what: &str) -> Result<()> {
        let kind = if !self.algebraic.is_empty() {
            "algebraic constraints"
        } else if !self.delays.is_empty() {
            "delays"
        } else {
            return Ok(());
        };
        Err(SaspError::unsupported(format!("{what} of a model with {kind}"), format!("model '{}'", self.name())))
    }

    /// Unchecked right-hand side for solvers that checked sizes once.
    pub(crate) fn rhs_unchecked(&self, t: f64, y: &[f64], inputs: &[f64], dy: &mut [f64]) {
        self.kinetics.rhs(t, y, inputs, dy);
    }
}

/// A model with its inputs fixed: the [`OdeSystem`](crate::solve::OdeSystem)
/// a solver integrates between two input switches. For a model with delays
/// it also holds the history of the run, which its right-hand side reads
/// and the solver records ([`OdeSystem::history`](crate::solve::OdeSystem::history)).
#[derive(Clone, Debug)]
pub struct ModelSystem<'a> {
    model: &'a Model,
    /// The model's kinetics, or a locked twin of them (see
    /// [`ModelSystem::lock`]).
    kinetics: &'a super::kinetics::Kinetics,
    inputs: Vec<f64>,
    history: Option<Rc<RefCell<History>>>,
}

impl Model {
    /// The model as an ODE system (a delay differential equation, for a
    /// model with delays) with the given input values.
    pub fn system(&self, inputs: &[f64]) -> Result<ModelSystem<'_>> {
        if inputs.len() != self.spec.inputs.len() {
            return Err(SaspError::DimensionMismatch {
                what: "inputs",
                expected: self.spec.inputs.len(),
                found: inputs.len(),
            });
        }
        let history = (!self.delays.is_empty())
            .then(|| Rc::new(RefCell::new(self.delays.history(self.initial_time(), &self.initial))));
        Ok(ModelSystem { model: self, kinetics: &self.kinetics, inputs: inputs.to_vec(), history })
    }
}

/// The locked relations of a model's rates (*discontinuity locking*, as
/// AMICI's Heaviside variables): each relation `op(gᵢ, 0)` of the rates is
/// a number, 1 or 0, held in the system's inputs after the declared ones
/// (from `first` on), and changes only where its switching function `gᵢ`
/// crosses zero. Every step then integrates one smooth formula, even the
/// step across a switch, so BDF's error test never sees a kink (a
/// sensitivity that starts to grow from exactly zero there would fail it
/// at every step size); the run goes back to the root and restarts.
pub(super) struct Modes {
    relations: Vec<(crate::expr::Op, usize)>,
    first: usize,
}

impl Modes {
    /// The first mode's index in the inputs (the number of declared inputs).
    pub(super) fn first(&self) -> usize {
        self.first
    }

    /// Sets every relation from the side its switching function is on
    /// (`side[i]`: `gᵢ > 0`, or heading there from 0), or, where it rests
    /// at exactly 0 (`rest[i]`), from the relation itself: `≥` and `≤`
    /// hold there, `>` and `<` do not.
    pub(super) fn set(&self, system: &mut ModelSystem<'_>, side: &[bool], rest: &[bool]) {
        use crate::expr::Op;
        for (j, &(op, i)) in self.relations.iter().enumerate() {
            let holds = match op {
                Op::Geq | Op::Leq if rest[i] => true,
                Op::Gt | Op::Lt if rest[i] => false,
                Op::Gt | Op::Geq => side[i],
                _ => !side[i],
            };
            system.set_input(self.first + j, if holds { 1.0 } else { 0.0 });
        }
    }
}

impl<'a> ModelSystem<'a> {
    /// Locks the rates' relations (see [`Modes`]): the system integrates
    /// the model's locked twin of its kinetics, the modes read after the
    /// inputs and set from `side` and `rest` (see [`Modes::set`]). `None`,
    /// and the system unchanged, when the rates read no relation or the
    /// model is not an ODE (constraints, delays).
    pub(super) fn lock(&mut self, side: &[bool], rest: &[bool]) -> Option<Modes> {
        if self.history.is_some() || !self.model.algebraic_components().is_empty() {
            return None;
        }
        let model: &'a Model = self.model;
        let block = model.kinetics.expressions.as_ref().and_then(|b| b.locked.as_deref())?;
        let kinetics = model
            .locked_kinetics
            .get_or_init(|| {
                let mut kinetics = model.kinetics.clone();
                kinetics.expressions = Some(Box::new(block.clone()));
                Box::new(kinetics)
            })
            .as_ref();
        let modes = Modes { relations: block.modes.clone(), first: self.inputs.len() };
        self.kinetics = kinetics;
        self.inputs.resize(modes.first + modes.relations.len(), 0.0);
        modes.set(self, side, rest);
        Some(modes)
    }

    /// Undoes [`ModelSystem::lock`]: the model's own kinetics, the
    /// declared inputs only.
    pub(super) fn unlock(&mut self, modes: &Modes) {
        self.kinetics = &self.model.kinetics;
        self.inputs.truncate(modes.first);
    }
}

impl ModelSystem<'_> {
    /// Current input values.
    pub fn inputs(&self) -> &[f64] {
        &self.inputs
    }

    /// Sets input `i` (e.g. at a switch time).
    pub fn set_input(&mut self, i: usize, value: f64) {
        self.inputs[i] = value;
    }

    /// The history of the run, shared (a model with delays; `None` for an ODE).
    pub fn history_handle(&self) -> Option<Rc<RefCell<History>>> {
        self.history.clone()
    }

    /// Runs `f` with the values the compiled expressions read as inputs at
    /// `(t, y)`: the inputs, then the delayed values from the history.
    #[inline]
    fn with_inputs<R>(&self, t: f64, y: &[f64], f: impl FnOnce(&[f64]) -> R) -> R {
        match &self.history {
            None => f(&self.inputs),
            Some(h) => self.model.with_delayed_inputs(t, y, &self.inputs, &h.borrow(), f),
        }
    }
}

impl crate::solve::OdeSystem for ModelSystem<'_> {
    fn dimension(&self) -> usize {
        self.model.dimension()
    }

    fn rhs(&self, t: f64, y: &[f64], dy: &mut [f64]) {
        self.with_inputs(t, y, |inputs| self.kinetics.rhs(t, y, inputs, dy));
    }

    fn component_name(&self, i: usize) -> String {
        self.model.spec.compartments[i].name.clone()
    }

    /// Autonomous unless a custom law (which sees `t`) or a delay (whose
    /// value moves with `t`) is present; inputs are piecewise constant and
    /// change only at stops.
    fn is_autonomous(&self) -> bool {
        // The system's own kinetics: locked rates may no longer read time.
        self.kinetics.customs.is_empty()
            && !self.kinetics.expressions.as_ref().is_some_and(|e| e.reads_time)
            && self.history.is_none()
    }

    /// The model's sparsity pattern (sparse LU) unless the model is small
    /// (up to 16 compartments) and its Jacobian more than half full
    /// (fixed-size dense LU): the sparse LU is faster on the reference model.
    fn jacobian_structure(&self) -> crate::solve::JacobianStructure {
        if self.model.dense_jacobian_pays() {
            crate::solve::JacobianStructure::Dense
        } else {
            crate::solve::JacobianStructure::Sparse(self.kinetics.pattern.clone())
        }
    }

    /// Exact when the model has no custom law (the expression laws that read
    /// `time` are differentiated symbolically); not given for a model with
    /// delays, whose delayed values move with `t` too (the solver then takes
    /// a difference quotient in `t`).
    fn time_derivative(&self, t: f64, y: &[f64], ft: &mut [f64]) -> bool {
        self.history.is_none() && self.kinetics.time_derivative(t, y, &self.inputs, ft)
    }

    fn algebraic_components(&self) -> &[usize] {
        &self.model.algebraic
    }

    fn algebraic_relaxations(&self) -> &[bool] {
        &self.model.relaxing
    }

    fn jacobian(&self, t: f64, y: &[f64], values: &mut [f64]) -> bool {
        let storage = if self.model.dense_jacobian_pays() { Storage::Dense } else { Storage::Sparse };
        self.with_inputs(t, y, |inputs| self.kinetics.jacobian(t, y, inputs, values, storage));
        true
    }

    fn history(&self) -> Option<&RefCell<History>> {
        self.history.as_deref()
    }
}
