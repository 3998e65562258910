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

#[rustfmt::skip]
mod builtin_kernels;
pub mod compartment;
pub mod compiled;
mod file;
pub(crate) use file::line_column;
pub(crate) mod kinetics;
pub mod law;
pub mod role;
pub mod spec;
pub mod units;

pub use crate::solve::SparsityPattern;
pub use compartment::{AntibodyPool, Chemokine, Compartment, Cytokine, Name, NkState, Quantity, TumorState};
pub use kinetics::{MAX_CUSTOM_ARGS, MAX_FACTORS};
pub use role::Role;

/// Highest order of a `species` factor (`xⁿ`, n from 1 to this).
pub const MAX_ORDER: u32 = 16;
pub use law::{Coefficient, CustomLaw, Factor, GradientFn, RateFn, RateLaw, Stoichiometry};
pub use spec::{
    ChemotaxisDecl, CompartmentDecl, Declaration, InputDecl, ModelBuilder, ModelInfo, ModelSpec, ParameterDecl,
    PoolDecl, ProcessDecl, Provenance, TransportDecl,
};
pub use units::{Dimension, Unit};

use crate::error::{Result, SaspError};
use kinetics::{FactorFn, Kinetics, KineticsBuilder, Storage};
use nalgebra::DMatrix;
use std::collections::HashMap;
use std::fmt;

/// A validated, compiled model.
///
/// State vectors are ordered as the compartments were declared; all values are
/// in canonical units (day, 10⁶ cells, nM, mm). `inputs` slices are ordered as
/// the inputs were declared (see [`Model::default_inputs`]).
#[derive(Clone)]
pub struct Model {
    spec: ModelSpec,
    kinetics: Kinetics,
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
        self.spec == other.spec
    }
}

/// A resolved argument: weighted compartments and the dimension of their sum.
struct Argument {
    members: Vec<(usize, f64)>,
    dimension: Dimension,
    /// The compartment, when the argument is exactly one compartment.
    single: Option<usize>,
}

/// Name resolution and unit arithmetic during a build.
struct Resolver<'a> {
    spec: &'a ModelSpec,
    compartments: &'a HashMap<String, usize>,
    compartment_units: &'a [Unit],
    parameters: &'a HashMap<String, usize>,
    parameter_values: &'a [f64],
    parameter_units: &'a [Unit],
    inputs: &'a HashMap<String, usize>,
    input_units: &'a [Unit],
    pools: &'a HashMap<String, Vec<usize>>,
}

impl Resolver<'_> {
    fn argument(&self, name: &str, context: &str) -> Result<Argument> {
        if let Some(&i) = self.compartments.get(name) {
            return Ok(Argument {
                members: vec![(i, 1.0)],
                dimension: self.compartment_units[i].dimension,
                single: Some(i),
            });
        }
        if let Some(members) = self.pools.get(name) {
            return Ok(Argument {
                members: members.iter().map(|&i| (i, 1.0)).collect(),
                dimension: self.compartment_units[members[0]].dimension,
                single: None,
            });
        }
        Err(SaspError::UnknownCompartment { name: name.to_string(), context: context.to_string() })
    }

    fn parameter(&self, name: &str, context: &str) -> Result<(f64, Dimension)> {
        let &k = self
            .parameters
            .get(name)
            .ok_or_else(|| SaspError::UnknownParameter { name: name.to_string(), context: context.to_string() })?;
        Ok((self.parameter_values[k], self.parameter_units[k].dimension))
    }

    /// A parameter that must match `dimension` and be strictly positive.
    fn positive_parameter(&self, name: &str, dimension: Dimension, role: &str, context: &str) -> Result<f64> {
        let (value, dim) = self.parameter(name, context)?;
        if dim != dimension {
            return Err(SaspError::UnitMismatch {
                context: format!("{context}: {role} '{name}'"),
                expected: dimension.to_string(),
                found: dim.to_string(),
            });
        }
        if value <= 0.0 {
            return Err(SaspError::InvalidModel(format!("{context}: {role} '{name}' must be positive, is {value}")));
        }
        Ok(value)
    }

    /// Value (with sign) and dimension of `a*b/c`; the value must be finite
    /// (and not vanish by underflow when none of its parts is 0).
    fn coefficient(&self, c: &Coefficient, context: &str, process: &str) -> Result<(f64, Dimension)> {
        let (sign, parts) = c.monomial().map_err(|e| SaspError::InvalidModel(format!("{context}: {e}")))?;
        let mut value = sign;
        let mut dimension = Dimension::NONE;
        let mut has_zero = false;
        for (token, exponent) in parts {
            let (v, d) = match token.parse::<f64>() {
                Ok(number) if number.is_finite() => (number, Dimension::NONE),
                Ok(_) => {
                    return Err(SaspError::InvalidModel(format!("{context}: non-finite number in '{c}'")));
                }
                Err(_) => self.parameter(token, context)?,
            };
            if exponent < 0 && v == 0.0 {
                return Err(SaspError::InvalidModel(format!(
                    "{context}: coefficient '{c}' divides by '{token}', which is 0"
                )));
            }
            has_zero |= v == 0.0;
            value *= v.powi(exponent);
            dimension = d
                .checked_powi(exponent)
                .and_then(|d| dimension.checked_mul(d))
                .ok_or_else(|| SaspError::InvalidModel(format!("{context}: coefficient '{c}' has too large a unit")))?;
        }
        if !value.is_finite() {
            return Err(SaspError::NotFinite {
                kind: "process",
                name: process.to_string(),
                detail: format!(
                    "coefficient '{c}' is {value} in canonical units (a product, quotient or unit conversion overflows)"
                ),
            });
        }
        if value == 0.0 && !has_zero {
            return Err(SaspError::NotFinite {
                kind: "process",
                name: process.to_string(),
                detail: format!("coefficient '{c}' underflows to 0 in canonical units though none of its parts is 0"),
            });
        }
        Ok((value, dimension))
    }

    /// Compiles one factor into the builder; returns its dimension and the
    /// compartment it vanishes with, if it is a function of a single
    /// compartment that is 0 when that compartment is 0.
    fn factor(
        &self,
        f: &Factor,
        context: &str,
        process: &str,
        kb: &mut KineticsBuilder,
    ) -> Result<(Dimension, Option<usize>)> {
        let same_unit =
            |arg: &Argument, param: &str, role: &str| self.positive_parameter(param, arg.dimension, role, context);
        let not_finite = |detail: String| SaspError::NotFinite { kind: "process", name: process.to_string(), detail };
        match f {
            Factor::Species { of, order } => {
                let arg = self.argument(of, context)?;
                if *order == 0 || *order > MAX_ORDER {
                    return Err(SaspError::InvalidModel(format!(
                        "{context}: order of '{of}' must be from 1 to {MAX_ORDER}, is {order}"
                    )));
                }
                let dimension = arg.dimension.checked_powi(*order as i32).ok_or_else(|| {
                    SaspError::InvalidModel(format!("{context}: '{of}' to the power {order} has too large a unit"))
                })?;
                let range = kb.argument(&arg.members);
                kb.factor(FactorFn::Power(*order as i32), range);
                Ok((dimension, arg.single))
            }
            Factor::Saturating { of, km } => {
                let arg = self.argument(of, context)?;
                let k = same_unit(&arg, km, "half-saturation constant")?;
                let range = kb.argument(&arg.members);
                kb.factor(FactorFn::Saturating { k }, range);
                Ok((Dimension::NONE, arg.single))
            }
            Factor::Hill { of, half, n } | Factor::HillRepressor { of, half, n } => {
                let arg = self.argument(of, context)?;
                let k = same_unit(&arg, half, "half-activation constant")?;
                if !(n.is_finite() && *n >= 1.0) {
                    return Err(SaspError::InvalidModel(format!(
                        "{context}: Hill coefficient must be finite and at least 1 (its derivative is infinite at 0 otherwise), is {n}"
                    )));
                }
                let kn = k.powf(*n);
                if !(kn.is_finite() && kn > 0.0) {
                    return Err(not_finite(format!(
                        "'{half}'^{n} = {kn} in canonical units: the Hill constant overflows or underflows"
                    )));
                }
                // An activating Hill factor vanishes with its argument; a repressor does not.
                let (function, vanishes_with) = match f {
                    Factor::Hill { .. } => (FactorFn::Hill { kn, n: *n }, arg.single),
                    _ => (FactorFn::HillRepressor { kn, n: *n }, None),
                };
                let range = kb.argument(&arg.members);
                kb.factor(function, range);
                Ok((Dimension::NONE, vanishes_with))
            }
            Factor::Room { of, capacity } => {
                let arg = self.argument(of, context)?;
                let k = same_unit(&arg, capacity, "capacity")?;
                let inv_capacity = 1.0 / k;
                if !inv_capacity.is_finite() {
                    return Err(not_finite(format!(
                        "1/'{capacity}' overflows ('{capacity}' = {k:e} in canonical units)"
                    )));
                }
                let range = kb.argument(&arg.members);
                kb.factor(FactorFn::Room { inv_capacity }, range);
                Ok((Dimension::NONE, None))
            }
            Factor::Ratio { of, eps } => {
                let arg = self.argument(of, context)?;
                let e = same_unit(&arg, eps, "regularization")?;
                let range = kb.argument(&arg.members);
                kb.factor(FactorFn::Ratio { eps: e }, range);
                Ok((arg.dimension.powi(-1), None))
            }
            Factor::Input { input } => {
                let &i = self
                    .inputs
                    .get(input)
                    .ok_or_else(|| SaspError::UnknownInput { name: input.clone(), context: context.to_string() })?;
                let range = kb.argument(&[]);
                kb.factor(FactorFn::Input(i), range);
                Ok((self.input_units[i].dimension, None))
            }
        }
    }

    /// Checks that `ν · rate` has the unit of each changed compartment per day.
    fn check_changes(&self, changes: &[(usize, f64, Dimension)], rate: Dimension, context: &str) -> Result<()> {
        for &(i, _, nu_dim) in changes {
            let expected = self.compartment_units[i].dimension / Dimension::TIME;
            let found = nu_dim.checked_mul(rate);
            if found != Some(expected) {
                return Err(SaspError::UnitMismatch {
                    context: format!("{context}, change of '{}'", self.spec.compartments[i].name),
                    expected: expected.to_string(),
                    found: found.map_or_else(|| "a unit with too large exponents".to_string(), |f| f.to_string()),
                });
            }
        }
        Ok(())
    }
}

fn check_unique<'a>(kind: &'static str, names: impl Iterator<Item = &'a str>) -> Result<HashMap<String, usize>> {
    let mut map = HashMap::new();
    for (i, name) in names.enumerate() {
        if name.trim().is_empty() {
            return Err(SaspError::InvalidModel(format!("a {kind} has an empty name")));
        }
        if map.insert(name.to_string(), i).is_some() {
            return Err(SaspError::Duplicate { kind, name: name.to_string() });
        }
    }
    Ok(map)
}

fn parse_unit(text: &str, context: &str) -> Result<Unit> {
    Unit::parse(text).map_err(|e| match e {
        SaspError::UnitParse { text, reason } => SaspError::UnitParse { text, reason: format!("{reason} ({context})") },
        other => other,
    })
}

impl Model {
    /// Validates a declaration and compiles it.
    pub fn from_spec(spec: ModelSpec) -> Result<Model> {
        if spec.compartments.is_empty() {
            return Err(SaspError::InvalidModel(format!(
                "model '{}' declares no compartments: a model needs at least one state variable ([[compartment]])",
                spec.model.name
            )));
        }
        if !spec.model.initial_time.is_finite() {
            return Err(SaspError::NotFinite {
                kind: "model",
                name: spec.model.name.clone(),
                detail: format!("initial_time {} is not a finite day", spec.model.initial_time),
            });
        }
        // Names.
        let compartment_index = check_unique("compartment", spec.compartments.iter().map(|c| c.name.as_str()))?;
        let parameter_index = check_unique("parameter", spec.parameters.iter().map(|p| p.name.as_str()))?;
        let input_index = check_unique("input", spec.inputs.iter().map(|p| p.name.as_str()))?;
        check_unique("process", spec.processes.iter().map(|p| p.name.as_str()))?;
        check_unique(
            "compartment or pool",
            spec.compartments.iter().map(|c| c.name.as_str()).chain(spec.pools.iter().map(|p| p.name.as_str())),
        )?;

        // Compartments: units match kinds, initial values valid.
        let mut compartment_units = Vec::with_capacity(spec.compartments.len());
        let mut initial = Vec::with_capacity(spec.compartments.len());
        for c in &spec.compartments {
            let context = format!("compartment '{}'", c.name);
            let unit = parse_unit(&c.unit, &context)?;
            let expected = c.kind.quantity().dimension();
            if unit.dimension != expected {
                return Err(SaspError::UnitMismatch {
                    context: format!("{context} of kind {}", c.kind),
                    expected: expected.to_string(),
                    found: unit.dimension.to_string(),
                });
            }
            if !(c.initial.is_finite() && c.initial >= 0.0) {
                return Err(SaspError::InvalidInitialValue { name: c.name.clone(), value: c.initial });
            }
            let value = unit.to_canonical(c.initial);
            if !value.is_finite() {
                return Err(SaspError::NotFinite {
                    kind: "compartment",
                    name: c.name.clone(),
                    detail: format!(
                        "initial value {} {} is {value} in canonical units ({})",
                        c.initial, c.unit, unit.dimension
                    ),
                });
            }
            compartment_units.push(unit);
            initial.push(value);
        }

        // Parameters.
        let mut parameter_units = Vec::with_capacity(spec.parameters.len());
        let mut parameter_values = Vec::with_capacity(spec.parameters.len());
        for p in &spec.parameters {
            if !(p.value.is_finite() && p.value >= 0.0) {
                return Err(SaspError::InvalidParameter { name: p.name.clone(), value: p.value });
            }
            let unit = parse_unit(&p.unit, &format!("parameter '{}'", p.name))?;
            let value = unit.to_canonical(p.value);
            if !value.is_finite() || (value == 0.0) != (p.value == 0.0) {
                return Err(SaspError::NotFinite {
                    kind: "parameter",
                    name: p.name.clone(),
                    detail: format!(
                        "value {} {} is {value:e} in canonical units ({}): the conversion {}",
                        p.value,
                        p.unit,
                        unit.dimension,
                        if value.is_finite() { "underflows to 0" } else { "overflows" }
                    ),
                });
            }
            parameter_units.push(unit);
            parameter_values.push(value);
        }

        // Inputs.
        let mut input_units = Vec::with_capacity(spec.inputs.len());
        let mut default_inputs = Vec::with_capacity(spec.inputs.len());
        for u in &spec.inputs {
            let unit = parse_unit(&u.unit, &format!("input '{}'", u.name))?;
            if !(u.default.is_finite() && u.default >= 0.0) {
                return Err(SaspError::InvalidSchedule {
                    name: u.name.clone(),
                    reason: format!("default value {} must be finite and non-negative", u.default),
                });
            }
            let value = unit.to_canonical(u.default);
            if !value.is_finite() {
                return Err(SaspError::NotFinite {
                    kind: "input",
                    name: u.name.clone(),
                    detail: format!("default value {} {} is {value} in canonical units", u.default, u.unit),
                });
            }
            input_units.push(unit);
            default_inputs.push(value);
        }

        // Transport: names known, coefficients valid, units checked.
        let mut transport = Vec::with_capacity(spec.transport.len());
        for t in &spec.transport {
            let context = format!("transport of '{}'", t.compartment);
            let known = |name: &String| {
                compartment_index
                    .get(name)
                    .copied()
                    .ok_or_else(|| SaspError::UnknownCompartment { name: name.clone(), context: context.clone() })
            };
            let moving = known(&t.compartment)?;
            if !(t.diffusion.is_finite() && t.diffusion >= 0.0) {
                return Err(SaspError::InvalidParameter {
                    name: format!("diffusion of {}", t.compartment),
                    value: t.diffusion,
                });
            }
            let motility = Dimension::LENGTH.powi(2) / Dimension::TIME;
            let diffusion_unit = match &t.unit {
                Some(text) => parse_unit(text, &format!("{context}: diffusion"))?,
                None => Unit::canonical(motility),
            };
            if diffusion_unit.dimension != motility {
                return Err(SaspError::UnitMismatch {
                    context: format!("{context}: diffusion"),
                    expected: motility.to_string(),
                    found: diffusion_unit.dimension.to_string(),
                });
            }
            let diffusion = finite_transport(diffusion_unit.to_canonical(t.diffusion), &context, "diffusion")?;
            let mut chemotaxis = None;
            if let Some(c) = &t.chemotaxis {
                let signal = known(&c.signal)?;
                if signal == moving {
                    return Err(SaspError::InvalidModel(format!("{context}: a compartment cannot chase itself")));
                }
                if !(c.sensitivity.is_finite() && c.sensitivity >= 0.0) {
                    return Err(SaspError::InvalidParameter {
                        name: format!("chemotaxis of {}", t.compartment),
                        value: c.sensitivity,
                    });
                }
                if let Some(k) = c.saturation.filter(|k| k.is_nan() || *k <= 0.0) {
                    return Err(SaspError::InvalidParameter {
                        name: format!("saturation of {}", t.compartment),
                        value: k,
                    });
                }
                let signal_unit = compartment_units[signal];
                let expected = motility / signal_unit.dimension;
                let sensitivity_unit = match &c.unit {
                    Some(text) => parse_unit(text, &format!("{context}: chemotaxis sensitivity"))?,
                    None => Unit { dimension: expected, scale: 1.0 / signal_unit.scale },
                };
                if sensitivity_unit.dimension != expected {
                    return Err(SaspError::UnitMismatch {
                        context: format!("{context}: chemotaxis sensitivity to '{}'", c.signal),
                        expected: expected.to_string(),
                        found: sensitivity_unit.dimension.to_string(),
                    });
                }
                let sensitivity =
                    finite_transport(sensitivity_unit.to_canonical(c.sensitivity), &context, "chemotaxis sensitivity")?;
                let saturation = match c.saturation {
                    Some(k) if k.is_finite() => {
                        finite_transport(signal_unit.to_canonical(k), &context, "receptor saturation")?
                    }
                    _ => f64::INFINITY,
                };
                chemotaxis = Some((sensitivity, saturation));
            }
            transport.push((diffusion, chemotaxis));
        }
        check_unique("transport", spec.transport.iter().map(|t| t.compartment.as_str()))?;

        // Pools.
        let mut pools = HashMap::new();
        for pool in &spec.pools {
            let context = format!("pool '{}'", pool.name);
            if pool.sum.is_empty() {
                return Err(SaspError::InvalidModel(format!("{context} has no members")));
            }
            let mut members: Vec<usize> = Vec::new();
            for m in &pool.sum {
                let &i = compartment_index
                    .get(m)
                    .ok_or_else(|| SaspError::UnknownCompartment { name: m.clone(), context: context.clone() })?;
                let d = compartment_units[i].dimension;
                let d0 = members.first().map_or(d, |&first| compartment_units[first].dimension);
                if d != d0 {
                    return Err(SaspError::UnitMismatch {
                        context: format!("{context}, member '{m}'"),
                        expected: d0.to_string(),
                        found: d.to_string(),
                    });
                }
                members.push(i);
            }
            pools.insert(pool.name.clone(), members);
        }

        let resolver = Resolver {
            spec: &spec,
            compartments: &compartment_index,
            compartment_units: &compartment_units,
            parameters: &parameter_index,
            parameter_values: &parameter_values,
            parameter_units: &parameter_units,
            inputs: &input_index,
            input_units: &input_units,
            pools: &pools,
        };

        let mut kb = KineticsBuilder::new(spec.compartments.len());
        for process in &spec.processes {
            let context = format!("process '{}'", process.name);
            if process.changes.is_empty() {
                return Err(SaspError::InvalidModel(format!("{context} changes no compartment")));
            }
            let mut changes = Vec::with_capacity(process.changes.len());
            for (name, nu) in &process.changes {
                let &i = compartment_index
                    .get(name)
                    .ok_or_else(|| SaspError::UnknownCompartment { name: name.clone(), context: context.clone() })?;
                let (value, dim) = match nu {
                    Stoichiometry::Number(v) if v.is_finite() => (*v, Dimension::NONE),
                    Stoichiometry::Number(v) => {
                        return Err(SaspError::InvalidModel(format!(
                            "{context}: change of '{name}' is not finite ({v})"
                        )))
                    }
                    Stoichiometry::Expression(c) => resolver.coefficient(c, &context, &process.name)?,
                };
                changes.push((i, value, dim));
            }
            let plain: Vec<(usize, f64)> = changes.iter().map(|&(i, v, _)| (i, v)).collect();

            if let RateLaw::Custom(law) = &process.rate {
                if !process.modifiers.is_empty() {
                    return Err(SaspError::InvalidModel(format!("{context}: a custom law takes no modifiers")));
                }
                if law.args.len() > MAX_CUSTOM_ARGS {
                    return Err(SaspError::InvalidModel(format!(
                        "{context}: a custom law takes at most {MAX_CUSTOM_ARGS} arguments"
                    )));
                }
                let unit = parse_unit(&law.unit, &context)?;
                resolver.check_changes(&changes, unit.dimension, &context)?;
                let mut vanishing = Vec::new();
                for v in &law.vanishes_at_zero_of {
                    vanishing.push(resolver.argument(v, &context)?.single);
                }
                for &(i, nu, _) in &changes {
                    if nu < 0.0 && !vanishing.contains(&Some(i)) {
                        return Err(consumes_error(&context, &spec.compartments[i].name));
                    }
                }
                let mut args = Vec::new();
                for a in &law.args {
                    let arg = resolver.argument(a, &context)?;
                    args.push(kb.argument(&arg.members));
                }
                kb.custom_process(law.clone(), args, &plain);
                continue;
            }

            let first_term = kb.term_count();
            for term in process.rate.terms() {
                let n_factors = term.factors.len() + process.modifiers.len();
                if n_factors > MAX_FACTORS {
                    return Err(SaspError::InvalidModel(format!(
                        "{context}: {n_factors} factors in one term, at most {MAX_FACTORS} allowed"
                    )));
                }
                let (coefficient, mut dimension) = resolver.coefficient(term.coefficient, &context, &process.name)?;
                let coefficient = coefficient * term.sign;
                for &(i, nu, _) in &changes {
                    if !(coefficient * nu).is_finite() {
                        return Err(SaspError::NotFinite {
                            kind: "process",
                            name: process.name.clone(),
                            detail: format!(
                                "rate coefficient '{}' ({coefficient:e}) times the change of '{}' ({nu:e}) overflows",
                                term.coefficient, spec.compartments[i].name
                            ),
                        });
                    }
                }
                let first_factor = kb.factor_count();
                let mut vanishing = Vec::new();
                let mut may_change_sign = false;
                for f in term.factors.iter().chain(&process.modifiers) {
                    let (d, single) = resolver.factor(f, &context, &process.name, &mut kb)?;
                    dimension = dimension
                        .checked_mul(d)
                        .ok_or_else(|| SaspError::InvalidModel(format!("{context}: the rate has too large a unit")))?;
                    vanishing.extend(single);
                    may_change_sign |= matches!(f, Factor::Room { .. });
                }
                kb.term(coefficient, first_factor);
                resolver.check_changes(&changes, dimension, &context)?;
                for &(i, nu, _) in &changes {
                    let consumes = nu * coefficient < 0.0 || (may_change_sign && nu != 0.0);
                    if consumes && !vanishing.contains(&i) {
                        return Err(consumes_error(&context, &spec.compartments[i].name));
                    }
                }
            }
            kb.process(first_term, &plain);
        }
        let kinetics = kb.finish();

        Ok(Model {
            spec,
            kinetics,
            parameter_values,
            initial,
            default_inputs,
            compartment_index,
            parameter_index,
            input_index,
            pools,
            transport,
        })
    }

    /// The `[[transport]]` declaration `k` in canonical units: diffusion
    /// (mm²/day) and, if it declares chemotaxis, its sensitivity (mm²/day
    /// per canonical unit of the signal) and receptor saturation (canonical
    /// signal unit; ∞ = none).
    pub fn transport_canonical(&self, k: usize) -> Option<(f64, Option<(f64, f64)>)> {
        self.transport.get(k).copied()
    }

    /// The declaration this model was built from.
    pub fn spec(&self) -> &ModelSpec {
        &self.spec
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
        m
    }

    /// Number of state variables.
    pub fn dimension(&self) -> usize {
        self.spec.compartments.len()
    }

    /// Compartment names in state-vector order.
    pub fn compartment_names(&self) -> impl Iterator<Item = &str> {
        self.spec.compartments.iter().map(|c| c.name.as_str())
    }

    /// Index of a compartment in the state vector.
    pub fn index_of(&self, name: &str) -> Result<usize> {
        self.compartment_index.get(name).copied().ok_or_else(|| SaspError::UnknownCompartment {
            name: name.to_string(),
            context: format!("a lookup in model '{}'", self.name()),
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
        Ok(self.spec.parameters[k].value)
    }

    /// A parameter's value in the canonical unit of its dimension (day,
    /// Mcells, nM, mm): the value the right-hand side uses.
    pub fn parameter_canonical(&self, name: &str) -> Result<f64> {
        let k = self.parameter_position(name)?;
        Ok(self.parameter_values[k])
    }

    fn parameter_position(&self, name: &str) -> Result<usize> {
        self.parameter_index.get(name).copied().ok_or_else(|| SaspError::UnknownParameter {
            name: name.to_string(),
            context: format!("a lookup in model '{}'", self.name()),
        })
    }

    /// A copy of the model with a parameter set to `value` (in the parameter's
    /// declared unit, as [`Model::parameter`] returns it), rebuilt and revalidated.
    pub fn with_parameter(&self, name: &str, value: f64) -> Result<Model> {
        let mut spec = self.spec.clone();
        let p = spec.parameters.iter_mut().find(|p| p.name == name).ok_or_else(|| SaspError::UnknownParameter {
            name: name.to_string(),
            context: "with_parameter".to_string(),
        })?;
        p.value = value;
        Model::from_spec(spec)
    }

    /// A copy of the model with several parameters set (declared units), rebuilt once.
    pub fn with_parameters(&self, values: &[(&str, f64)]) -> Result<Model> {
        let mut spec = self.spec.clone();
        for &(name, value) in values {
            let p = spec.parameters.iter_mut().find(|p| p.name == name).ok_or_else(|| SaspError::UnknownParameter {
                name: name.to_string(),
                context: "with_parameters".to_string(),
            })?;
            p.value = value;
        }
        Model::from_spec(spec)
    }

    /// A copy of the model with a compartment's initial value set (declared unit).
    pub fn with_initial(&self, name: &str, value: f64) -> Result<Model> {
        let mut spec = self.spec.clone();
        let c = spec.compartments.iter_mut().find(|c| c.name == name).ok_or_else(|| SaspError::UnknownCompartment {
            name: name.to_string(),
            context: "with_initial".to_string(),
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
        self.input_index.get(name).copied().ok_or_else(|| SaspError::UnknownInput {
            name: name.to_string(),
            context: format!("a lookup in model '{}'", self.name()),
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

    fn check_call(&self, y: usize, inputs: usize) -> Result<()> {
        self.check_len("state", y)?;
        if inputs != self.spec.inputs.len() {
            return Err(SaspError::DimensionMismatch {
                what: "inputs",
                expected: self.spec.inputs.len(),
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

    /// The rate of one process (by name).
    pub fn process_rate(&self, name: &str, t: f64, y: &[f64], inputs: &[f64]) -> Result<f64> {
        self.check_call(y.len(), inputs.len())?;
        let p = self
            .spec
            .processes
            .iter()
            .position(|p| p.name == name)
            .ok_or_else(|| SaspError::InvalidModel(format!("model '{}' has no process '{name}'", self.name())))?;
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
    /// (False only when a custom law, which sees `t`, is present.)
    pub fn is_autonomous(&self) -> bool {
        self.kinetics.customs.is_empty()
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

    /// Unchecked right-hand side for solvers that checked sizes once.
    pub(crate) fn rhs_unchecked(&self, t: f64, y: &[f64], inputs: &[f64], dy: &mut [f64]) {
        self.kinetics.rhs(t, y, inputs, dy);
    }
}

fn consumes_error(context: &str, compartment: &str) -> SaspError {
    SaspError::InvalidModel(format!(
        "{context} consumes '{compartment}' but its rate does not vanish when '{compartment}' is 0 \
         (make '{compartment}' a factor of the rate, or the state can turn negative)"
    ))
}

/// A model with its inputs fixed: the [`OdeSystem`](crate::solve::OdeSystem)
/// a solver integrates between two input switches.
#[derive(Clone, Debug)]
pub struct ModelSystem<'a> {
    model: &'a Model,
    inputs: Vec<f64>,
}

impl Model {
    /// The model as an ODE system with the given input values.
    pub fn system(&self, inputs: &[f64]) -> Result<ModelSystem<'_>> {
        if inputs.len() != self.spec.inputs.len() {
            return Err(SaspError::DimensionMismatch {
                what: "inputs",
                expected: self.spec.inputs.len(),
                found: inputs.len(),
            });
        }
        Ok(ModelSystem { model: self, inputs: inputs.to_vec() })
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
}

impl crate::solve::OdeSystem for ModelSystem<'_> {
    fn dimension(&self) -> usize {
        self.model.dimension()
    }

    fn rhs(&self, t: f64, y: &[f64], dy: &mut [f64]) {
        self.model.rhs_unchecked(t, y, &self.inputs, dy);
    }

    fn component_name(&self, i: usize) -> String {
        self.model.spec.compartments[i].name.clone()
    }

    /// Autonomous unless a custom law (which sees `t`) is present; inputs are
    /// piecewise constant and change only at stops.
    fn is_autonomous(&self) -> bool {
        self.model.is_autonomous()
    }

    /// The model's sparsity pattern (sparse LU) unless the model is small
    /// (up to 16 compartments) and its Jacobian more than half full
    /// (fixed-size dense LU): the sparse LU is faster on the reference model.
    fn jacobian_structure(&self) -> crate::solve::JacobianStructure {
        if self.model.dense_jacobian_pays() {
            crate::solve::JacobianStructure::Dense
        } else {
            crate::solve::JacobianStructure::Sparse(self.model.kinetics.pattern.clone())
        }
    }

    fn jacobian(&self, t: f64, y: &[f64], values: &mut [f64]) -> bool {
        let storage = if self.model.dense_jacobian_pays() { Storage::Dense } else { Storage::Sparse };
        self.model.kinetics.jacobian(t, y, &self.inputs, values, storage);
        true
    }
}

/// A transport coefficient after unit conversion: finite, or an error naming it.
fn finite_transport(value: f64, context: &str, what: &str) -> Result<f64> {
    if value.is_finite() {
        Ok(value)
    } else {
        Err(SaspError::NotFinite {
            kind: "transport",
            name: context.to_string(),
            detail: format!("{what} is {value} in canonical units"),
        })
    }
}
