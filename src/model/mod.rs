//! Typed, validated compartment models.
//!
//! A model is declared (in a TOML file or with [`ModelBuilder`]) as
//! compartments, parameters, pools, inputs and processes, and built into a
//! [`Model`]: every name resolved, every unit checked, every parameter
//! converted to canonical units, and the processes compiled into an
//! allocation-free right-hand side with its exact Jacobian.
//!
//! Validation at build time, each with its own error naming the item:
//! unknown compartments, parameters and inputs; duplicate names; negative or
//! non-finite parameters and initial values; unit mismatches (a process rate
//! must have the unit of every compartment it changes, per day);
//! non-positive half-saturation constants, capacities and regularizations;
//! and processes that would drive a compartment negative (a process that
//! consumes `x` must have `x` as a factor of its rate).
//!
//! This module holds the [`Model`] type and its accessors; building it from
//! a declaration is in `build` (validation and unit conversion) and
//! `resolve` (names, coefficients and factors of rate laws), evaluating it
//! in `eval` (with [`ModelSystem`]), and the compiled arrays it evaluates
//! from in `kinetics`.

mod build;
mod reparameterize;
#[rustfmt::skip]
mod builtin_kernels;
pub mod adjoint;
pub mod compartment;
pub mod compiled;
pub mod delay;
pub mod distribution;
mod eval;
pub mod events;
mod expression;
mod file;
pub mod sensitivity;
pub(crate) use file::line_column;
pub(crate) mod kinetics;
pub mod law;
mod lower;
mod resolve;
pub mod role;
pub mod spec;
pub mod units;
pub mod variant;

pub use crate::solve::SparsityPattern;
pub use compartment::{AntibodyPool, Chemokine, Compartment, Cytokine, Name, NkState, Quantity, TumorState};
pub use kinetics::{MAX_CUSTOM_ARGS, MAX_FACTORS};
pub use role::Role;

/// Highest order of a `species` factor (`xⁿ`, n from 1 to this).
pub const MAX_ORDER: u32 = 16;
pub use delay::DelaySlot;
pub use distribution::Distribution;
pub use eval::ModelSystem;
pub use law::{Coefficient, CustomLaw, Factor, GradientFn, RateFn, RateLaw, Stoichiometry};
pub use spec::{
    AssignmentDecl, ChemotaxisDecl, CompartmentDecl, ConstraintDecl, Declaration, EventAssignmentDecl, EventDecl,
    InputDecl, ModelBuilder, ModelInfo, ModelSpec, ParameterDecl, PoolDecl, ProcessDecl, Provenance, TransportDecl,
    UncertaintyDecl,
};
pub use units::{Dimension, Unit};
pub use variant::ModelVariant;

use crate::error::{ModelError, Result, SaspError};
use kinetics::Kinetics;
use std::collections::HashMap;
use std::fmt;

/// A validated, compiled model.
///
/// State vectors are ordered as the compartments were declared; all values are
/// in canonical units (day, 10⁶ cells, nM, mm). `inputs` slices are ordered as
/// the inputs were declared (see [`Model::default_inputs`]).
#[derive(Clone)]
pub struct Model {
    /// The declaration the model was built from; its parameter values are
    /// outdated where `declared` holds others ([`Model::spec`]).
    spec: std::sync::Arc<ModelSpec>,
    /// The declared parameter values, when an update without a rebuild
    /// changed them ([`Model::with_parameters`]).
    declared: Option<Vec<f64>>,
    /// The declaration with those values, made on first use.
    current_spec: std::sync::OnceLock<std::sync::Arc<ModelSpec>>,
    kinetics: Kinetics,
    /// The kinetics with the rates' relations locked, for runs that stop
    /// at every switch (made on first use: `Model::locked_system`).
    locked_kinetics: std::sync::OnceLock<Box<Kinetics>>,
    parameter_values: Vec<f64>,
    initial: Vec<f64>,
    default_inputs: Vec<f64>,
    compartment_index: HashMap<String, usize>,
    parameter_index: HashMap<String, usize>,
    input_index: HashMap<String, usize>,
    pools: HashMap<String, Vec<usize>>,
    /// `[[transport]]` coefficients in canonical units, one per declaration:
    /// diffusion (mm²/day) and, with chemotaxis, sensitivity (mm²/day per
    /// canonical signal unit) and saturation (canonical signal unit, ∞ = none).
    transport: Vec<(f64, Option<(f64, f64)>)>,
    /// The `[[assignment]]`s, resolved (over compartments, inputs and time).
    assignments: Vec<(String, crate::expr::Expr)>,
    /// The `[[event]]`s, compiled.
    events: Vec<events::ModelEvent>,
    /// The compartments `[[constraint]]`s determine (sorted): the algebraic
    /// components of the model's differential–algebraic system.
    algebraic: Vec<usize>,
    /// For each of them, is its constraint a fast relaxation?
    relaxing: Vec<bool>,
    /// The `delay(x, τ)` its expressions read.
    delays: delay::Delays,
    /// Items whose units could not be checked.
    unchecked_units: Vec<String>,
    /// How the kinetics' numbers follow from the parameters (new values
    /// without a rebuild: [`Model::with_parameters`]).
    parametrization: std::sync::Arc<reparameterize::Parametrization>,
}

impl fmt::Debug for Model {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Model")
            .field("name", &self.spec.model.name)
            .field("compartments", &self.compartment_names().collect::<Vec<_>>())
            .field("processes", &self.spec.processes.len())
            .field("jacobian_nonzeros", &self.kinetics.pattern.nnz())
            .finish()
    }
}

impl PartialEq for Model {
    /// Two models are equal when their declarations are.
    fn eq(&self, other: &Self) -> bool {
        self.spec() == other.spec()
    }
}

impl Model {
    /// The `[[transport]]` declaration `k` in canonical units: diffusion
    /// (mm²/day) and, if it declares chemotaxis, its sensitivity (mm²/day
    /// per canonical unit of the signal) and receptor saturation (canonical
    /// signal unit; ∞ = none).
    pub fn transport_canonical(&self, k: usize) -> Option<(f64, Option<(f64, f64)>)> {
        self.transport.get(k).copied()
    }

    /// The declaration the model was built from, for its names, kinds,
    /// processes and roles: its parameter values are outdated after an
    /// update without a rebuild ([`Model::spec`] has them), but it costs
    /// nothing to reach (runs read it).
    pub(crate) fn built_spec(&self) -> &ModelSpec {
        &self.spec
    }

    /// The model's declaration, with its current parameter values (after
    /// an update without a rebuild, made on the first call).
    pub fn spec(&self) -> &ModelSpec {
        match &self.declared {
            None => &self.spec,
            Some(values) => self.current_spec.get_or_init(|| {
                let mut spec = (*self.spec).clone();
                for (p, &v) in spec.parameters.iter_mut().zip(values) {
                    p.value = v;
                }
                std::sync::Arc::new(spec)
            }),
        }
    }

    /// The model's name.
    pub fn name(&self) -> &str {
        &self.spec.model.name
    }

    /// Does this model evaluate its right-hand side and sparse Jacobian with
    /// compiled kernels ([`compiled`])? True for the reference model and the
    /// paper's arms, whatever their parameter values.
    pub fn uses_compiled_kernels(&self) -> bool {
        self.kinetics.compiled.is_some()
    }

    /// Names of the processes whose rate runs on the expression tape (an
    /// expression law whose shape is not a sum of products of the factor
    /// laws' factors; see [`RateLaw::Expression`]); the others run on the
    /// factor program.
    pub fn taped_processes(&self) -> Vec<&str> {
        let Some(block) = &self.kinetics.expressions else { return Vec::new() };
        block.process.iter().map(|&p| self.spec.processes[p].name.as_str()).collect()
    }

    /// The fingerprint of the model's structure (compartments, factors, terms,
    /// sparsity; not the parameter values) that compiled kernels are matched by.
    pub fn structure_fingerprint(&self) -> u64 {
        self.kinetics.structure(self.dimension()).0
    }

    /// A copy that evaluates from its arrays even where compiled kernels
    /// exist: for checking the kernels, or timing the difference.
    pub fn interpreted(&self) -> Model {
        let mut m = self.clone();
        m.kinetics.compiled = None;
        m.kinetics.constants = Vec::new();
        m.locked_kinetics = std::sync::OnceLock::new();
        m
    }

    /// The same model with every factor law written as an expression law
    /// ([`RateLaw::to_expression`]): the same numbers, evaluated by the
    /// expression tapes instead of the factor tables (for checking one
    /// against the other, and timing the difference). Custom laws stay.
    pub fn with_expression_laws(&self) -> Result<Model> {
        let mut spec = self.spec().clone();
        for p in &mut spec.processes {
            if let Some(text) = p.rate.to_expression(&p.modifiers) {
                p.rate = RateLaw::Expression { rate: text, unit: None };
                p.modifiers.clear();
            }
        }
        Model::from_spec(spec)
    }

    /// Number of state variables.
    pub fn dimension(&self) -> usize {
        self.spec.compartments.len()
    }

    /// Compartment names in state-vector order.
    pub fn compartment_names(&self) -> impl Iterator<Item = &str> {
        self.spec.compartments.iter().map(|c| c.name.as_str())
    }

    /// [`Model::index_of`] without the error: `None` for a name that is
    /// no compartment of the model (for lookups in a loop).
    pub fn find_index(&self, name: &str) -> Option<usize> {
        self.compartment_index.get(name).copied()
    }

    /// [`Model::parameter_canonical`] without the error: `None` for a name
    /// that is no parameter of the model.
    pub fn find_parameter_canonical(&self, name: &str) -> Option<f64> {
        self.parameter_index.get(name).map(|&k| self.parameter_values[k])
    }

    /// Index of a compartment in the state vector.
    pub fn index_of(&self, name: &str) -> Result<usize> {
        self.compartment_index.get(name).copied().ok_or_else(|| {
            SaspError::from(ModelError::UnknownCompartment {
                name: name.to_string(),
                context: format!("a lookup in model '{}'", self.name()),
            })
        })
    }

    /// The compartments of a pool the model declares, in state order.
    pub fn pool_members(&self, name: &str) -> Option<&[usize]> {
        self.pools.get(name).map(Vec::as_slice)
    }

    /// Indices of the compartments whose kind satisfies `pred`.
    pub fn indices_where(&self, pred: impl Fn(Compartment) -> bool) -> Vec<usize> {
        (0..self.dimension()).filter(|&i| pred(self.spec.compartments[i].kind)).collect()
    }

    /// The kind of compartment `i`.
    pub fn kind(&self, i: usize) -> Compartment {
        self.spec.compartments[i].kind
    }

    /// Value of a compartment or pool in state `y`.
    pub fn value_of(&self, name: &str, y: &[f64]) -> Result<f64> {
        self.check_len("state", y.len())?;
        if let Some(members) = self.pools.get(name) {
            return Ok(members.iter().map(|&i| y[i]).sum());
        }
        Ok(y[self.index_of(name)?])
    }

    /// The declared initial state, in canonical units.
    pub fn initial_state(&self) -> Vec<f64> {
        self.initial.clone()
    }

    /// The time (days) at which [`Model::initial_state`] holds.
    pub fn initial_time(&self) -> f64 {
        self.spec.model.initial_time
    }

    /// A parameter's value in its declared unit (the `unit` of its
    /// declaration), the unit [`Model::with_parameter`] takes: the two are
    /// inverse, whatever the unit.
    ///
    /// ```
    /// use sasp::prelude::*;
    ///
    /// let model = ModelBuilder::new("pk")
    ///     .compartment("drug", Compartment::Other(Quantity::Concentration), "nM", 1.0)
    ///     .declare(ParameterDecl::new("kd", 0.5, "1/h"))
    ///     .process(ProcessDecl::new("clearance", RateLaw::first_order("kd", "drug")).change("drug", -1.0))
    ///     .build()?;
    /// assert_eq!(model.parameter("kd")?, 0.5);                      // 1/h, as declared
    /// assert_eq!(model.parameter_canonical("kd")?, 12.0);           // 1/day, as the solver sees it
    /// assert_eq!(model.with_parameter("kd", 2.0)?.parameter("kd")?, 2.0);
    /// # Ok::<(), sasp::SaspError>(())
    /// ```
    pub fn parameter(&self, name: &str) -> Result<f64> {
        let k = self.parameter_position(name)?;
        Ok(self.declared.as_ref().map_or(self.spec.parameters[k].value, |values| values[k]))
    }

    /// The distribution of a parameter's value (in its declared unit): the
    /// one its declaration states ([`UncertaintyDecl`]), else the default of
    /// its provenance tag — log-uniform from value/f to value·f with
    /// f = 1.25 for `[V]` (verified), 1.5 for `[D]` (derived), 2 for `[F]`
    /// (fitted; a stated range until profile-likelihood intervals replace
    /// it) and 4 for `[R]` and `[A]` (recalled, assumed).
    ///
    /// # Errors
    ///
    /// [`ModelError::UnknownParameter`]; [`ModelError::Invalid`] for a
    /// numerical device (`[N]`) or a value of 0 without a declared
    /// uncertainty (no default range), or a declaration that cannot be.
    pub fn parameter_distribution(&self, name: &str) -> Result<Distribution> {
        let p = &self.spec().parameters[self.parameter_position(name)?];
        let invalid = |reason: String| -> SaspError {
            ModelError::invalid(format!("uncertainty of parameter '{name}' in model '{}'", self.name()), reason).into()
        };
        if let Some(u) = &p.uncertainty {
            return u.distribution_at(p.value).map_err(invalid);
        }
        let factor = match p.tag {
            Provenance::Verified => 1.25,
            Provenance::Derived => 1.5,
            Provenance::Fitted => 2.0,
            Provenance::Recalled | Provenance::Assumed => 4.0,
            Provenance::Numerical => {
                return Err(invalid("a numerical device [N] has no default range: declare its uncertainty".into()))
            }
        };
        if p.value <= 0.0 {
            return Err(invalid(format!(
                "value {} has no default log-uniform range: declare its uncertainty",
                p.value
            )));
        }
        UncertaintyDecl::factor(factor).distribution_at(p.value).map_err(invalid)
    }

    /// A parameter's value in the canonical unit of its dimension (day,
    /// Mcells, nM, mm): the value the right-hand side uses.
    pub fn parameter_canonical(&self, name: &str) -> Result<f64> {
        let k = self.parameter_position(name)?;
        Ok(self.parameter_values[k])
    }

    fn parameter_position(&self, name: &str) -> Result<usize> {
        self.parameter_index.get(name).copied().ok_or_else(|| {
            SaspError::from(ModelError::UnknownParameter {
                name: name.to_string(),
                context: format!("a lookup in model '{}'", self.name()),
            })
        })
    }

    /// A copy of the model with a parameter set to `value` (in the parameter's
    /// declared unit, as [`Model::parameter`] returns it); see
    /// [`Model::with_parameters`].
    pub fn with_parameter(&self, name: &str, value: f64) -> Result<Model> {
        self.updated(&[(name, value)], "with_parameter")
    }

    /// A copy of the model with several parameters set (declared units):
    /// the model a build of its declaration with these values gives, bit
    /// for bit, validated as a build validates them.
    ///
    /// When only parameters that factor laws use change, and within what
    /// the build checked (positive values, coefficients that keep their
    /// signs), the compiled numbers are recomputed from the new values
    /// without a rebuild (about 20 times faster on the reference model);
    /// otherwise (a parameter an expression reads, a value that the build
    /// must judge) the model is rebuilt from its declaration.
    pub fn with_parameters(&self, values: &[(&str, f64)]) -> Result<Model> {
        self.updated(values, "with_parameters")
    }

    fn updated(&self, values: &[(&str, f64)], context: &str) -> Result<Model> {
        let mut updates = Vec::with_capacity(values.len());
        for &(name, value) in values {
            let k = self
                .parameter_index
                .get(name)
                .copied()
                .ok_or_else(|| ModelError::UnknownParameter { name: name.to_string(), context: context.to_string() })?;
            updates.push((k, value));
        }
        if let Some(model) = self.reparameterized(&updates) {
            return Ok(model);
        }
        let mut spec = self.spec().clone();
        for (k, value) in updates {
            spec.parameters[k].value = value;
        }
        Model::from_spec(spec)
    }

    /// A copy of the model with a compartment's initial value set (declared unit).
    pub fn with_initial(&self, name: &str, value: f64) -> Result<Model> {
        let mut spec = self.spec().clone();
        let c = spec.compartments.iter_mut().find(|c| c.name == name).ok_or_else(|| {
            ModelError::UnknownCompartment { name: name.to_string(), context: "with_initial".to_string() }
        })?;
        c.initial = value;
        Model::from_spec(spec)
    }

    /// Input names in the order `inputs` slices use.
    pub fn input_names(&self) -> impl Iterator<Item = &str> {
        self.spec.inputs.iter().map(|u| u.name.as_str())
    }

    /// Index of an input in `inputs` slices.
    pub fn input_index(&self, name: &str) -> Result<usize> {
        self.input_index.get(name).copied().ok_or_else(|| {
            SaspError::from(ModelError::UnknownInput {
                name: name.to_string(),
                context: format!("a lookup in model '{}'", self.name()),
            })
        })
    }

    /// Input values when no schedule sets them.
    pub fn default_inputs(&self) -> Vec<f64> {
        self.default_inputs.clone()
    }

    /// Process names in the order of [`Model::process_rates`].
    pub fn process_names(&self) -> impl Iterator<Item = &str> {
        self.spec.processes.iter().map(|p| p.name.as_str())
    }

    fn check_len(&self, what: &'static str, found: usize) -> Result<()> {
        let expected = self.dimension();
        if found != expected {
            return Err(SaspError::DimensionMismatch { what, expected, found });
        }
        Ok(())
    }
}
