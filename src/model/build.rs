//! Building a [`Model`] from its declaration, step by step: the header and
//! the names checked, compartments, parameters, inputs and transport
//! converted to canonical units, pools resolved, then every process lowered
//! (through the [`Resolver`]) into the compiled kinetics. The steps run in
//! that order, so a declaration with several faults reports the first.

use super::events::ModelEvent;
use super::expression::{Expressions, Unit as ExprUnit};
use super::kinetics::{Kinetics, KineticsBuilder, MAX_CUSTOM_ARGS, MAX_FACTORS};
use super::law::Term;
use super::reparameterize::{FactorRecipe, Parametrization, Recipe};
use super::resolve::{check_unique, parse_unit, Resolver};
use super::{
    ChemotaxisDecl, CustomLaw, Dimension, Factor, Model, ModelSpec, ProcessDecl, RateLaw, Stoichiometry, TransportDecl,
    Unit,
};
use crate::error::{ModelError, Result, SaspError};
use crate::expr::Expr;
use std::collections::HashMap;

/// The name → position maps of compartments, parameters and inputs.
type NameIndices = (HashMap<String, usize>, HashMap<String, usize>, HashMap<String, usize>);

/// Canonical `[[transport]]` coefficients of one declaration: diffusion and,
/// with chemotaxis, sensitivity and saturation (see `Model::transport`).
type CanonicalTransport = (f64, Option<(f64, f64)>);

/// A process's resolved changes: compartment, `ν` and the unit of `ν`.
type Changes = Vec<(usize, f64, Dimension)>;

/// A process's changes with their recipes.
type ResolvedChanges = (Changes, Vec<Recipe>);

impl Model {
    /// Validates a declaration and compiles it.
    pub fn from_spec(spec: ModelSpec) -> Result<Model> {
        check_header(&spec)?;
        let (compartment_index, parameter_index, input_index) = index_names(&spec)?;
        let (compartment_units, initial) = convert_compartments(&spec)?;
        let (parameter_units, parameter_values) = convert_parameters(&spec)?;
        let (input_units, default_inputs) = convert_inputs(&spec)?;
        let transport = convert_transport(&spec, &compartment_index, &compartment_units)?;
        let pools = resolve_pools(&spec, &compartment_index, &compartment_units)?;

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
            undeclared: &undeclared_units(&spec),
            opaque: std::cell::RefCell::new(vec![false; spec.parameters.len()]),
            delays: std::cell::RefCell::new(Vec::new()),
        };
        let expressions = Expressions::new(&resolver)?;
        let mut unchecked_units = Vec::new();
        let (algebraic, relaxing) = check_constraints(&spec, &compartment_index)?;
        let (kinetics, mut parametrization) = compile_processes(&resolver, &expressions, &mut unchecked_units)?;
        let events = ModelEvent::compile_all(&resolver, &expressions, &mut unchecked_units)?;
        let assignments = expressions.assignments()?;
        let delays = super::delay::Delays::compile(&resolver, &expression_slots(&resolver))?;
        parametrization.opaque = resolver.opaque.take();
        parametrization.units = spec
            .parameters
            .iter()
            .zip(&parameter_units)
            .map(|(p, &unit)| (!p.unit.trim().is_empty()).then_some(unit))
            .collect();

        Ok(Model {
            spec: std::sync::Arc::new(spec),
            declared: None,
            current_spec: std::sync::OnceLock::new(),
            kinetics,
            locked_kinetics: std::sync::OnceLock::new(),
            parameter_values,
            initial,
            default_inputs,
            compartment_index,
            parameter_index,
            input_index,
            pools,
            transport,
            assignments,
            events,
            algebraic,
            relaxing,
            delays,
            unchecked_units,
            parametrization: std::sync::Arc::new(parametrization),
        })
    }
}

/// A compartment's or parameter's unit; an empty text is an undeclared
/// unit (SBML allows it): a dimensionless number for conversion, unknown
/// for checks.
fn declared_unit(text: &str, context: &str) -> Result<Unit> {
    if text.trim().is_empty() {
        Ok(Unit::canonical(Dimension::NONE))
    } else {
        parse_unit(text, context)
    }
}

/// The compartments and parameters whose unit is undeclared (empty).
fn undeclared_units(spec: &ModelSpec) -> std::collections::HashSet<String> {
    let compartments = spec.compartments.iter().filter(|c| c.unit.trim().is_empty()).map(|c| c.name.clone());
    let parameters = spec.parameters.iter().filter(|p| p.unit.trim().is_empty()).map(|p| p.name.clone());
    compartments.chain(parameters).collect()
}

/// The model as a whole: at least one compartment, a finite initial time.
fn check_header(spec: &ModelSpec) -> Result<()> {
    if spec.compartments.is_empty() {
        return Err(ModelError::NoCompartments(spec.model.name.clone()).into());
    }
    if !spec.model.initial_time.is_finite() {
        return Err(ModelError::NotFinite {
            kind: "model",
            name: spec.model.name.clone(),
            detail: format!("initial_time {} is not a finite day", spec.model.initial_time),
        }
        .into());
    }
    Ok(())
}

/// Checks that names are non-empty and unique within each kind (and across
/// compartments and pools), and indexes compartments, parameters and inputs.
fn index_names(spec: &ModelSpec) -> Result<NameIndices> {
    let compartment_index = check_unique("compartment", spec.compartments.iter().map(|c| c.name.as_str()))?;
    let parameter_index = check_unique("parameter", spec.parameters.iter().map(|p| p.name.as_str()))?;
    let input_index = check_unique("input", spec.inputs.iter().map(|p| p.name.as_str()))?;
    check_unique("process", spec.processes.iter().map(|p| p.name.as_str()))?;
    check_unique(
        "compartment or pool",
        spec.compartments.iter().map(|c| c.name.as_str()).chain(spec.pools.iter().map(|p| p.name.as_str())),
    )?;
    Ok((compartment_index, parameter_index, input_index))
}

/// Each compartment's unit (whose dimension must be that of its kind) and
/// its initial value, finite and non-negative, converted to canonical units.
fn convert_compartments(spec: &ModelSpec) -> Result<(Vec<Unit>, Vec<f64>)> {
    let mut compartment_units = Vec::with_capacity(spec.compartments.len());
    let mut initial = Vec::with_capacity(spec.compartments.len());
    for c in &spec.compartments {
        let context = format!("compartment '{}'", c.name);
        let unit = declared_unit(&c.unit, &context)?;
        let expected = c.kind.quantity().dimension();
        if unit.dimension != expected {
            return Err(ModelError::UnitMismatch {
                context: format!("{context} of kind {}", c.kind),
                expected: expected.to_string(),
                found: unit.dimension.to_string(),
            }
            .into());
        }
        // An index (a dimensionless state: a score, an imported SBML
        // quantity) may be negative; amounts and sizes may not.
        let may_be_negative = c.kind.quantity() == super::Quantity::Index;
        if !(c.initial.is_finite() && (c.initial >= 0.0 || may_be_negative)) {
            return Err(ModelError::InvalidInitialValue { name: c.name.clone(), value: c.initial }.into());
        }
        let value = unit.to_canonical(c.initial);
        if !value.is_finite() {
            return Err(ModelError::NotFinite {
                kind: "compartment",
                name: c.name.clone(),
                detail: format!(
                    "initial value {} {} is {value} in canonical units ({})",
                    c.initial, c.unit, unit.dimension
                ),
            }
            .into());
        }
        compartment_units.push(unit);
        initial.push(value);
    }
    Ok((compartment_units, initial))
}

/// Each parameter's unit and its value, finite and non-negative, converted
/// to canonical units (the conversion may neither overflow nor underflow to 0).
fn convert_parameters(spec: &ModelSpec) -> Result<(Vec<Unit>, Vec<f64>)> {
    let mut parameter_units = Vec::with_capacity(spec.parameters.len());
    let mut parameter_values = Vec::with_capacity(spec.parameters.len());
    for p in &spec.parameters {
        // Negative values are refused where a factor law uses the parameter
        // (`Resolver::parameter`); expressions may use any finite value, and
        // any value at all when the unit is undeclared (SBML allows INF, NaN).
        let undeclared = p.unit.trim().is_empty();
        if !p.value.is_finite() && !undeclared {
            return Err(ModelError::InvalidParameter { name: p.name.clone(), value: p.value }.into());
        }
        if let Some(Err(reason)) = p.uncertainty.as_ref().map(|u| u.distribution_at(p.value)) {
            return Err(ModelError::invalid(format!("uncertainty of parameter '{}'", p.name), reason).into());
        }
        let unit = declared_unit(&p.unit, &format!("parameter '{}'", p.name))?;
        if undeclared {
            parameter_units.push(unit);
            parameter_values.push(p.value);
            continue;
        }
        let value = unit.to_canonical(p.value);
        if !value.is_finite() || (value == 0.0) != (p.value == 0.0) {
            return Err(ModelError::NotFinite {
                kind: "parameter",
                name: p.name.clone(),
                detail: format!(
                    "value {} {} is {value:e} in canonical units ({}): the conversion {}",
                    p.value,
                    p.unit,
                    unit.dimension,
                    if value.is_finite() { "underflows to 0" } else { "overflows" }
                ),
            }
            .into());
        }
        parameter_units.push(unit);
        parameter_values.push(value);
    }
    Ok((parameter_units, parameter_values))
}

/// Each input's unit and its default value, finite and non-negative, in
/// canonical units.
fn convert_inputs(spec: &ModelSpec) -> Result<(Vec<Unit>, Vec<f64>)> {
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
            return Err(ModelError::NotFinite {
                kind: "input",
                name: u.name.clone(),
                detail: format!("default value {} {} is {value} in canonical units", u.default, u.unit),
            }
            .into());
        }
        input_units.push(unit);
        default_inputs.push(value);
    }
    Ok((input_units, default_inputs))
}

/// Every `[[transport]]` declaration in canonical units (names known,
/// coefficients valid, units checked), then at most one per compartment.
fn convert_transport(
    spec: &ModelSpec,
    compartment_index: &HashMap<String, usize>,
    compartment_units: &[Unit],
) -> Result<Vec<CanonicalTransport>> {
    let mut transport = Vec::with_capacity(spec.transport.len());
    for t in &spec.transport {
        transport.push(convert_one_transport(t, compartment_index, compartment_units)?);
    }
    check_unique("transport", spec.transport.iter().map(|t| t.compartment.as_str()))?;
    Ok(transport)
}

/// One `[[transport]]` declaration: the diffusion coefficient `D` (unit
/// length²/time, mm²/day when absent) converted to mm²/day, and its
/// chemotaxis, if any ([`convert_chemotaxis`]).
fn convert_one_transport(
    t: &TransportDecl,
    compartment_index: &HashMap<String, usize>,
    compartment_units: &[Unit],
) -> Result<CanonicalTransport> {
    let context = format!("transport of '{}'", t.compartment);
    let known = |name: &String| {
        compartment_index
            .get(name)
            .copied()
            .ok_or_else(|| ModelError::UnknownCompartment { name: name.clone(), context: context.clone() })
    };
    let moving = known(&t.compartment)?;
    if !(t.diffusion.is_finite() && t.diffusion >= 0.0) {
        return Err(ModelError::InvalidParameter {
            name: format!("diffusion of {}", t.compartment),
            value: t.diffusion,
        }
        .into());
    }
    let motility = Dimension::LENGTH.powi(2) / Dimension::TIME;
    let diffusion_unit = match &t.unit {
        Some(text) => parse_unit(text, &format!("{context}: diffusion"))?,
        None => Unit::canonical(motility),
    };
    if diffusion_unit.dimension != motility {
        return Err(ModelError::UnitMismatch {
            context: format!("{context}: diffusion"),
            expected: motility.to_string(),
            found: diffusion_unit.dimension.to_string(),
        }
        .into());
    }
    let diffusion = finite_transport(diffusion_unit.to_canonical(t.diffusion), &context, "diffusion")?;
    let mut chemotaxis = None;
    if let Some(c) = &t.chemotaxis {
        let signal = known(&c.signal)?;
        if signal == moving {
            return Err(ModelError::invalid(context, "a compartment cannot chase itself").into());
        }
        chemotaxis = Some(convert_chemotaxis(t, c, compartment_units[signal], &context)?);
    }
    Ok((diffusion, chemotaxis))
}

/// A chemotaxis declaration in canonical units: the sensitivity `χ` (unit
/// length²/time per unit of the signal; mm²/day per the signal's declared
/// unit when absent) and the receptor saturation `K` (the signal's unit;
/// ∞ when absent).
fn convert_chemotaxis(t: &TransportDecl, c: &ChemotaxisDecl, signal_unit: Unit, context: &str) -> Result<(f64, f64)> {
    if !(c.sensitivity.is_finite() && c.sensitivity >= 0.0) {
        return Err(ModelError::InvalidParameter {
            name: format!("chemotaxis of {}", t.compartment),
            value: c.sensitivity,
        }
        .into());
    }
    if let Some(k) = c.saturation.filter(|k| k.is_nan() || *k <= 0.0) {
        return Err(ModelError::InvalidParameter { name: format!("saturation of {}", t.compartment), value: k }.into());
    }
    let motility = Dimension::LENGTH.powi(2) / Dimension::TIME;
    let expected = motility / signal_unit.dimension;
    let sensitivity_unit = match &c.unit {
        Some(text) => parse_unit(text, &format!("{context}: chemotaxis sensitivity"))?,
        None => Unit { dimension: expected, scale: 1.0 / signal_unit.scale },
    };
    if sensitivity_unit.dimension != expected {
        return Err(ModelError::UnitMismatch {
            context: format!("{context}: chemotaxis sensitivity to '{}'", c.signal),
            expected: expected.to_string(),
            found: sensitivity_unit.dimension.to_string(),
        }
        .into());
    }
    let sensitivity =
        finite_transport(sensitivity_unit.to_canonical(c.sensitivity), context, "chemotaxis sensitivity")?;
    let saturation = match c.saturation {
        Some(k) if k.is_finite() => finite_transport(signal_unit.to_canonical(k), context, "receptor saturation")?,
        _ => f64::INFINITY,
    };
    Ok((sensitivity, saturation))
}

/// Each pool's members in declaration order: known compartments, all of one
/// dimension, at least one.
fn resolve_pools(
    spec: &ModelSpec,
    compartment_index: &HashMap<String, usize>,
    compartment_units: &[Unit],
) -> Result<HashMap<String, Vec<usize>>> {
    let mut pools = HashMap::new();
    for pool in &spec.pools {
        let context = format!("pool '{}'", pool.name);
        if pool.sum.is_empty() {
            return Err(ModelError::invalid(context, "has no members").into());
        }
        let mut members: Vec<usize> = Vec::new();
        for m in &pool.sum {
            let &i = compartment_index
                .get(m)
                .ok_or_else(|| ModelError::UnknownCompartment { name: m.clone(), context: context.clone() })?;
            let d = compartment_units[i].dimension;
            let d0 = members.first().map_or(d, |&first| compartment_units[first].dimension);
            if d != d0 {
                return Err(ModelError::UnitMismatch {
                    context: format!("{context}, member '{m}'"),
                    expected: d0.to_string(),
                    found: d.to_string(),
                }
                .into());
            }
            members.push(i);
        }
        pools.insert(pool.name.clone(), members);
    }
    Ok(pools)
}

/// Lowers every process, in declaration order, and compiles them into the
/// model's kinetics; returns them with the recipes of their numbers.
fn compile_processes(
    resolver: &Resolver,
    expressions: &Expressions,
    unchecked: &mut Vec<String>,
) -> Result<(Kinetics, Parametrization)> {
    let n = resolver.spec.compartments.len();
    let mut kb = KineticsBuilder::new(n);
    kb.bind(expression_slots(resolver), resolver.parameter_values);
    for process in &resolver.spec.processes {
        let context = format!("process '{}'", process.name);
        if let RateLaw::Expression { unit, .. } = &process.rate {
            let changes = resolve_changes(resolver, process, &context)?;
            // Modifiers (an antibody blocking the process's receptor) multiply the expression.
            let text = process.rate.to_expression(&process.modifiers).unwrap_or_default();
            let law = ExpressionLaw { text: &text, unit: unit.as_deref() };
            compile_expression(resolver, expressions, law, changes, &context, &mut kb, unchecked)?;
        } else {
            compile_process(resolver, process, &mut kb)?;
        }
    }
    // Constraints after the processes: their residuals are the algebraic
    // rows (`0 = g`), written as processes that change their compartment by
    // 1, so the residual's exact partials are its row of the Jacobian.
    for constraint in &resolver.spec.constraints {
        let context = format!("constraint on '{}'", constraint.variable);
        let (residual, _) = expressions.resolve(&constraint.residual, &context)?;
        let i = resolver.compartments[&constraint.variable];
        emit_expression(resolver, residual, &[(i, 1.0)], vec![Recipe::Fixed], &mut kb)?;
    }
    let recipes = std::mem::take(&mut kb.recipes);
    Ok((kb.finish()?, recipes))
}

/// Checks the `[[constraint]]`s: each determines a declared compartment
/// that no other constraint determines and that no process or transport
/// changes (its value is the constraint's). Returns the constrained
/// compartments, sorted (the model's algebraic components), and whether
/// each is a fast relaxation.
fn check_constraints(spec: &ModelSpec, compartments: &HashMap<String, usize>) -> Result<(Vec<usize>, Vec<bool>)> {
    let mut algebraic: Vec<usize> = Vec::with_capacity(spec.constraints.len());
    for c in &spec.constraints {
        let context = format!("constraint on '{}'", c.variable);
        let &i = compartments
            .get(&c.variable)
            .ok_or_else(|| ModelError::UnknownCompartment { name: c.variable.clone(), context: context.clone() })?;
        if algebraic.contains(&i) {
            return Err(ModelError::invalid(context, "a compartment may have at most one constraint").into());
        }
        if let Some(p) = spec.processes.iter().find(|p| p.changes.contains_key(&c.variable)) {
            return Err(ModelError::invalid(
                context,
                format!("process '{}' changes it; a constrained compartment takes the constraint's value", p.name),
            )
            .into());
        }
        if spec.transport.iter().any(|t| t.compartment == c.variable) {
            return Err(ModelError::invalid(context, "it is transported; a constrained compartment cannot be").into());
        }
        if c.residual.trim().is_empty() {
            return Err(ModelError::invalid(context, "its residual is empty").into());
        }
        algebraic.push(i);
    }
    let mut pairs: Vec<(usize, bool)> = algebraic.into_iter().zip(spec.constraints.iter().map(|c| c.fast)).collect();
    pairs.sort_unstable();
    Ok(pairs.into_iter().unzip())
}

/// The variable slot of each name a resolved expression may use:
/// compartment `j` at `j`, input `k` at `n + k`, and the `k`-th delayed
/// value ([`delayed_name`](crate::expr::delayed_name)) after the inputs.
#[derive(Clone, Debug, Default)]
pub(crate) struct Slots {
    names: HashMap<String, usize>,
    delays_from: usize,
}

impl Slots {
    /// The first slot after the state and the inputs (where the delayed
    /// values, if any, begin).
    pub(crate) fn inputs_end(&self) -> usize {
        self.delays_from
    }

    /// The slot of `name`, if it is a variable of the model.
    pub(crate) fn get(&self, name: &str) -> Option<usize> {
        self.names.get(name).copied().or_else(|| crate::expr::delayed_index(name).map(|k| self.delays_from + k))
    }
}

/// The slots of a model's expressions ([`Slots`]).
pub(super) fn expression_slots(resolver: &Resolver) -> Slots {
    let n = resolver.spec.compartments.len();
    let mut names: HashMap<String, usize> = resolver.compartments.clone();
    names.extend(resolver.inputs.iter().map(|(name, &k)| (name.clone(), n + k)));
    Slots { names, delays_from: n + resolver.inputs.len() }
}

/// The text and declared unit of an expression law.
struct ExpressionLaw<'a> {
    text: &'a str,
    unit: Option<&'a str>,
}

/// A process whose rate is an expression: resolved, its unit checked
/// against the changes where known (else listed in `unchecked`), and its
/// partial derivatives with respect to the state taken symbolically.
#[allow(clippy::too_many_arguments)]
fn compile_expression(
    resolver: &Resolver,
    expressions: &Expressions,
    law: ExpressionLaw<'_>,
    (changes, recipes): ResolvedChanges,
    context: &str,
    kb: &mut KineticsBuilder,
    unchecked: &mut Vec<String>,
) -> Result<()> {
    let (rate, inferred) = expressions.resolve(law.text, context)?;
    let declared = match law.unit {
        Some(u) => Some(parse_unit(u, context)?.dimension),
        None => None,
    };
    let dimension = match (declared, inferred) {
        (Some(d), ExprUnit::Known(i)) if d != i => {
            return Err(ModelError::UnitMismatch {
                context: format!("{context}: the declared unit of its rate"),
                expected: d.to_string(),
                found: i.to_string(),
            }
            .into())
        }
        (Some(d), _) | (None, ExprUnit::Known(d)) => Some(d),
        (None, _) => None,
    };
    match dimension {
        Some(d) => resolver.check_changes(&changes, d, context)?,
        None => unchecked.push(format!("{context}: the unit of its rate")),
    }
    let plain: Vec<(usize, f64)> = changes.iter().map(|&(i, v, _)| (i, v)).collect();
    emit_expression(resolver, rate, &plain, recipes, kb)
}

/// Compiles `dy_i/dt += ν_i · r` for a resolved expression `r` and the
/// changes `plain` (`(i, ν_i)`, with their recipes): the factor program
/// where the expression's shape allows (as fast as a factor law), else the
/// expression tape with its symbolic partials.
fn emit_expression(
    resolver: &Resolver,
    rate: Expr,
    plain: &[(usize, f64)],
    recipes: Vec<Recipe>,
    kb: &mut KineticsBuilder,
) -> Result<()> {
    // The factor program takes numbers: the parameters' values, which then
    // stay as built (the parameters are opaque to an update without a
    // rebuild). The tape reads them as parameters it can update.
    let names = super::lower::Names { compartments: resolver.compartments, inputs: resolver.inputs };
    let numeric = rate
        .substitute(&|v| crate::expr::parameter_index(v).map(|k| Expr::Num(resolver.parameter_values[k])))
        .simplify();
    if let Some(terms) = super::lower::lower(&numeric, &names) {
        let overflows = terms.iter().any(|t| plain.iter().any(|&(_, nu)| !(t.coefficient * nu).is_finite()));
        if !overflows {
            let first_term = kb.term_count();
            for term in terms {
                let first_factor = kb.factor_count();
                // Numbers of a resolved expression: the parameters it read
                // are opaque, so they stay as built.
                for (function, members) in term.factors {
                    let arg = kb.argument(&members);
                    kb.factor(function, arg, FactorRecipe::Fixed);
                }
                kb.term(term.coefficient, first_factor, Recipe::Fixed);
            }
            kb.process(first_term, plain, recipes);
            let mut opaque = resolver.opaque.borrow_mut();
            rate.visit(&mut |node| {
                if let Expr::Var(v) = node {
                    if let Some(k) = crate::expr::parameter_index(v) {
                        opaque[k] = true;
                    }
                }
            });
            return Ok(());
        }
    }
    let mut partials = Vec::new();
    for (name, d) in rate.partials()? {
        if let Some(&j) = resolver.compartments.get(&*name) {
            partials.push((j, d));
        }
    }
    kb.expression_process(rate, partials, plain, recipes);
    Ok(())
}

/// Lowers one process `dy_i/dt += ν_i · r`: its changes `ν`, then either
/// its custom law or each product term of its rate `r`.
fn compile_process(resolver: &Resolver, process: &ProcessDecl, kb: &mut KineticsBuilder) -> Result<()> {
    let context = format!("process '{}'", process.name);
    let (changes, recipes) = resolve_changes(resolver, process, &context)?;
    let plain: Vec<(usize, f64)> = changes.iter().map(|&(i, v, _)| (i, v)).collect();

    if let RateLaw::Custom(law) = &process.rate {
        return compile_custom(resolver, process, law, (&changes, recipes), &plain, &context, kb);
    }

    let first_term = kb.term_count();
    for term in process.rate.terms() {
        compile_term(resolver, process, &term, &changes, &context, kb)?;
    }
    kb.process(first_term, &plain, recipes);
    Ok(())
}

/// The compartments a process changes, with their `ν` (a finite number, or
/// a coefficient of parameters in canonical units) and the unit of `ν`.
fn resolve_changes(resolver: &Resolver, process: &ProcessDecl, context: &str) -> Result<ResolvedChanges> {
    if process.changes.is_empty() {
        return Err(ModelError::invalid(context, "changes no compartment").into());
    }
    let mut changes = Vec::with_capacity(process.changes.len());
    let mut recipes = Vec::with_capacity(process.changes.len());
    for (name, nu) in &process.changes {
        let &i = resolver
            .compartments
            .get(name)
            .ok_or_else(|| ModelError::UnknownCompartment { name: name.clone(), context: context.to_string() })?;
        let (value, dim) = match nu {
            Stoichiometry::Number(v) if v.is_finite() => {
                recipes.push(Recipe::Fixed);
                (*v, Dimension::NONE)
            }
            Stoichiometry::Number(v) => {
                return Err(ModelError::invalid(context, format!("change of '{name}' is not finite ({v})")).into())
            }
            Stoichiometry::Expression(c) => {
                let (value, dim, recipe) = resolver.coefficient(c, context, &process.name)?;
                recipes.push(Recipe::Monomial(recipe));
                (value, dim)
            }
        };
        changes.push((i, value, dim));
    }
    Ok((changes, recipes))
}

/// A process with a custom law: no modifiers, at most [`MAX_CUSTOM_ARGS`]
/// arguments, `ν · r` in the unit of each changed compartment per day, and
/// every consumed compartment among those the law vanishes with.
fn compile_custom(
    resolver: &Resolver,
    process: &ProcessDecl,
    law: &CustomLaw,
    (changes, recipes): (&Changes, Vec<Recipe>),
    plain: &[(usize, f64)],
    context: &str,
    kb: &mut KineticsBuilder,
) -> Result<()> {
    if !process.modifiers.is_empty() {
        return Err(ModelError::invalid(context, "a custom law takes no modifiers").into());
    }
    if law.args.len() > MAX_CUSTOM_ARGS {
        return Err(
            ModelError::invalid(context, format!("a custom law takes at most {MAX_CUSTOM_ARGS} arguments")).into()
        );
    }
    let unit = parse_unit(&law.unit, context)?;
    resolver.check_changes(changes, unit.dimension, context)?;
    let mut vanishing = Vec::new();
    for v in &law.vanishes_at_zero_of {
        vanishing.push(resolver.argument(v, context)?.single);
    }
    for &(i, nu, _) in changes {
        if nu < 0.0 && !vanishing.contains(&Some(i)) {
            return Err(consumes_error(context, &resolver.spec.compartments[i].name));
        }
    }
    let mut args = Vec::new();
    for a in &law.args {
        let arg = resolver.argument(a, context)?;
        args.push(kb.argument(&arg.members));
    }
    kb.custom_process(law.clone(), args, plain, recipes);
    Ok(())
}

/// One product term `c · Π f_k` of a process's rate (with the process's
/// modifiers as extra factors): at most [`MAX_FACTORS`] factors, `c · ν`
/// finite, `ν · c · Π f_k` in the unit of each changed compartment per day,
/// and every compartment the term consumes a factor it vanishes with (a
/// `room` factor can change sign, so every change counts as consuming).
fn compile_term(
    resolver: &Resolver,
    process: &ProcessDecl,
    term: &Term<'_>,
    changes: &Changes,
    context: &str,
    kb: &mut KineticsBuilder,
) -> Result<()> {
    let spec = resolver.spec;
    let n_factors = term.factors.len() + process.modifiers.len();
    if n_factors > MAX_FACTORS {
        return Err(ModelError::invalid(
            context,
            format!("{n_factors} factors in one term, at most {MAX_FACTORS} allowed"),
        )
        .into());
    }
    let (coefficient, mut dimension, recipe) = resolver.coefficient(term.coefficient, context, &process.name)?;
    let coefficient = coefficient * term.sign;
    let recipe = Recipe::Monomial(recipe.scaled(term.sign));
    for &(i, nu, _) in changes {
        if !(coefficient * nu).is_finite() {
            return Err(ModelError::NotFinite {
                kind: "process",
                name: process.name.clone(),
                detail: format!(
                    "rate coefficient '{}' ({coefficient:e}) times the change of '{}' ({nu:e}) overflows",
                    term.coefficient, spec.compartments[i].name
                ),
            }
            .into());
        }
    }
    let first_factor = kb.factor_count();
    let mut vanishing = Vec::new();
    let mut may_change_sign = false;
    for f in term.factors.iter().chain(&process.modifiers) {
        let (d, single) = resolver.factor(f, context, &process.name, kb)?;
        dimension =
            dimension.checked_mul(d).ok_or_else(|| ModelError::invalid(context, "the rate has too large a unit"))?;
        vanishing.extend(single);
        may_change_sign |= matches!(f, Factor::Room { .. });
    }
    kb.term(coefficient, first_factor, recipe);
    // A term that reads a quantity of undeclared unit (an imported SBML
    // species) has no known unit to check.
    let reads_undeclared = term.factors.iter().chain(&process.modifiers).any(|f| resolver.reads_undeclared(f));
    if !reads_undeclared {
        resolver.check_changes(changes, dimension, context)?;
    }
    for &(i, nu, _) in changes {
        let consumes = nu * coefficient < 0.0 || (may_change_sign && nu != 0.0);
        if consumes && !vanishing.contains(&i) {
            return Err(consumes_error(context, &spec.compartments[i].name));
        }
    }
    Ok(())
}

/// The error for a process that consumes a compartment its rate does not
/// vanish with (the state could turn negative).
fn consumes_error(context: &str, compartment: &str) -> SaspError {
    ModelError::NonVanishingConsumption { process: context.to_string(), compartment: compartment.to_string() }.into()
}

/// A transport coefficient after unit conversion: finite, or an error naming it.
fn finite_transport(value: f64, context: &str, what: &str) -> Result<f64> {
    if value.is_finite() {
        Ok(value)
    } else {
        Err(ModelError::NotFinite {
            kind: "transport",
            name: context.to_string(),
            detail: format!("{what} is {value} in canonical units"),
        }
        .into())
    }
}
