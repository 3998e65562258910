//! Name resolution and unit arithmetic while a model is built: the
//! compartments and pools an argument names, the parameters a coefficient
//! multiplies, and each rate-law factor lowered into the kinetics builder
//! with its unit and the compartment it vanishes with.

use super::kinetics::{FactorFn, KineticsBuilder};
use super::reparameterize::{FactorRecipe, Monomial, Part};
use super::{Coefficient, Dimension, Factor, ModelSpec, Unit, MAX_ORDER};
use crate::error::{ModelError, Result, SaspError};
use std::collections::HashMap;

/// A resolved argument: weighted compartments and the dimension of their sum.
pub(super) struct Argument {
    pub(super) members: Vec<(usize, f64)>,
    pub(super) dimension: Dimension,
    /// The compartment, when the argument is exactly one compartment.
    pub(super) single: Option<usize>,
}

/// Name resolution and unit arithmetic during a build.
pub(super) struct Resolver<'a> {
    pub(super) spec: &'a ModelSpec,
    pub(super) compartments: &'a HashMap<String, usize>,
    pub(super) compartment_units: &'a [Unit],
    pub(super) parameters: &'a HashMap<String, usize>,
    pub(super) parameter_values: &'a [f64],
    pub(super) parameter_units: &'a [Unit],
    pub(super) inputs: &'a HashMap<String, usize>,
    pub(super) input_units: &'a [Unit],
    pub(super) pools: &'a HashMap<String, Vec<usize>>,
    /// Compartments and parameters whose unit is undeclared (unknown to checks).
    pub(super) undeclared: &'a std::collections::HashSet<String>,
    /// The parameters an expression reads (their values are folded into it):
    /// [`Model::with_parameters`](super::Model::with_parameters) rebuilds
    /// the model when one of them changes.
    pub(super) opaque: std::cell::RefCell<Vec<bool>>,
    /// The distinct `delay(x, τ)` of the model's expressions, resolved, in
    /// slot order ([`Expressions::resolve`](super::expression::Expressions::resolve)
    /// binds them).
    pub(super) delays: std::cell::RefCell<Vec<(crate::expr::Expr, crate::expr::Expr)>>,
}

impl Resolver<'_> {
    pub(super) fn argument(&self, name: &str, context: &str) -> Result<Argument> {
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
        Err(ModelError::UnknownCompartment { name: name.to_string(), context: context.to_string() }.into())
    }

    /// A parameter a factor law uses: its position, canonical value and dimension.
    fn parameter(&self, name: &str, context: &str) -> Result<(usize, f64, Dimension)> {
        let &k = self
            .parameters
            .get(name)
            .ok_or_else(|| ModelError::UnknownParameter { name: name.to_string(), context: context.to_string() })?;
        // Factor laws keep the state non-negative only with non-negative
        // parameters (expressions may use any finite value).
        let value = self.spec.parameters[k].value;
        if !(value >= 0.0 && value.is_finite()) {
            return Err(ModelError::InvalidParameter { name: name.to_string(), value }.into());
        }
        Ok((k, self.parameter_values[k], self.parameter_units[k].dimension))
    }

    /// A parameter that must match `dimension` and be strictly positive:
    /// its position and canonical value.
    fn positive_parameter(&self, name: &str, dimension: Dimension, role: &str, context: &str) -> Result<(usize, f64)> {
        let (k, value, dim) = self.parameter(name, context)?;
        if dim != dimension {
            return Err(ModelError::UnitMismatch {
                context: format!("{context}: {role} '{name}'"),
                expected: dimension.to_string(),
                found: dim.to_string(),
            }
            .into());
        }
        if value <= 0.0 {
            return Err(ModelError::invalid(context, format!("{role} '{name}' must be positive, is {value}")).into());
        }
        Ok((k, value))
    }

    /// Value (with sign), dimension and recipe of `a*b/c`; the value must be
    /// finite (and not vanish by underflow when none of its parts is 0).
    pub(super) fn coefficient(
        &self,
        c: &Coefficient,
        context: &str,
        process: &str,
    ) -> Result<(f64, Dimension, Monomial)> {
        let (sign, parts) = c.monomial().map_err(|e| ModelError::invalid(context, e.to_string()))?;
        let mut value = sign;
        let mut dimension = Dimension::NONE;
        let mut has_zero = false;
        let mut recipe = Monomial { sign, parts: Vec::with_capacity(parts.len()), scale: 1.0 };
        for (token, exponent) in parts {
            let (v, d) = match token.parse::<f64>() {
                Ok(number) if number.is_finite() => {
                    recipe.parts.push((Part::Number(number), exponent));
                    (number, Dimension::NONE)
                }
                Ok(_) => {
                    return Err(ModelError::invalid(context, format!("non-finite number in '{c}'")).into());
                }
                Err(_) => {
                    let (k, v, d) = self.parameter(token, context)?;
                    recipe.parts.push((Part::Parameter(k), exponent));
                    (v, d)
                }
            };
            if exponent < 0 && v == 0.0 {
                return Err(ModelError::invalid(
                    context,
                    format!("coefficient '{c}' divides by '{token}', which is 0"),
                )
                .into());
            }
            has_zero |= v == 0.0;
            value *= v.powi(exponent);
            dimension = d
                .checked_powi(exponent)
                .and_then(|d| dimension.checked_mul(d))
                .ok_or_else(|| ModelError::invalid(context, format!("coefficient '{c}' has too large a unit")))?;
        }
        if !value.is_finite() {
            return Err(ModelError::NotFinite {
                kind: "process",
                name: process.to_string(),
                detail: format!(
                    "coefficient '{c}' is {value} in canonical units (a product, quotient or unit conversion overflows)"
                ),
            }
            .into());
        }
        if value == 0.0 && !has_zero {
            return Err(ModelError::NotFinite {
                kind: "process",
                name: process.to_string(),
                detail: format!("coefficient '{c}' underflows to 0 in canonical units though none of its parts is 0"),
            }
            .into());
        }
        Ok((value, dimension, recipe))
    }

    /// Compiles one factor into the builder; returns its dimension and the
    /// compartment it vanishes with, if it is a function of a single
    /// compartment that is 0 when that compartment is 0.
    pub(super) fn factor(
        &self,
        f: &Factor,
        context: &str,
        process: &str,
        kb: &mut KineticsBuilder,
    ) -> Result<(Dimension, Option<usize>)> {
        let same_unit =
            |arg: &Argument, param: &str, role: &str| self.positive_parameter(param, arg.dimension, role, context);
        let not_finite = |detail: String| ModelError::NotFinite { kind: "process", name: process.to_string(), detail };
        match f {
            Factor::Species { of, order } => {
                let arg = self.argument(of, context)?;
                if *order == 0 || *order > MAX_ORDER {
                    return Err(ModelError::invalid(
                        context,
                        format!("order of '{of}' must be from 1 to {MAX_ORDER}, is {order}"),
                    )
                    .into());
                }
                let dimension = arg.dimension.checked_powi(*order as i32).ok_or_else(|| {
                    ModelError::invalid(context, format!("'{of}' to the power {order} has too large a unit"))
                })?;
                let range = kb.argument(&arg.members);
                kb.factor(FactorFn::Power(*order as i32), range, FactorRecipe::Fixed);
                Ok((dimension, arg.single))
            }
            Factor::Saturating { of, km } => {
                let arg = self.argument(of, context)?;
                let (p, k) = same_unit(&arg, km, "half-saturation constant")?;
                let range = kb.argument(&arg.members);
                kb.factor(FactorFn::Saturating { k }, range, FactorRecipe::Parameter(p));
                Ok((Dimension::NONE, arg.single))
            }
            Factor::Hill { of, half, n } | Factor::HillRepressor { of, half, n } => {
                let arg = self.argument(of, context)?;
                let (p, k) = same_unit(&arg, half, "half-activation constant")?;
                if !(n.is_finite() && *n >= 1.0) {
                    return Err(ModelError::invalid(
                        context,
                        format!("Hill coefficient must be finite and at least 1 (its derivative is infinite at 0 otherwise), is {n}"),
                    )
                    .into());
                }
                let kn = k.powf(*n);
                if !(kn.is_finite() && kn > 0.0) {
                    return Err(not_finite(format!(
                        "'{half}'^{n} = {kn} in canonical units: the Hill constant overflows or underflows"
                    ))
                    .into());
                }
                // An activating Hill factor vanishes with its argument; a repressor does not.
                let (function, vanishes_with) = match f {
                    Factor::Hill { .. } => (FactorFn::Hill { kn, n: *n }, arg.single),
                    _ => (FactorFn::HillRepressor { kn, n: *n }, None),
                };
                let range = kb.argument(&arg.members);
                kb.factor(function, range, FactorRecipe::Parameter(p));
                Ok((Dimension::NONE, vanishes_with))
            }
            Factor::Room { of, capacity } => {
                let arg = self.argument(of, context)?;
                let (p, k) = same_unit(&arg, capacity, "capacity")?;
                let inv_capacity = 1.0 / k;
                if !inv_capacity.is_finite() {
                    return Err(not_finite(format!(
                        "1/'{capacity}' overflows ('{capacity}' = {k:e} in canonical units)"
                    ))
                    .into());
                }
                let range = kb.argument(&arg.members);
                kb.factor(FactorFn::Room { inv_capacity }, range, FactorRecipe::Parameter(p));
                Ok((Dimension::NONE, None))
            }
            Factor::Ratio { of, eps } => {
                let arg = self.argument(of, context)?;
                let (p, e) = same_unit(&arg, eps, "regularization")?;
                let range = kb.argument(&arg.members);
                kb.factor(FactorFn::Ratio { eps: e }, range, FactorRecipe::Parameter(p));
                Ok((arg.dimension.powi(-1), None))
            }
            Factor::Input { input } => {
                let &i = self
                    .inputs
                    .get(input)
                    .ok_or_else(|| ModelError::UnknownInput { name: input.clone(), context: context.to_string() })?;
                let range = kb.argument(&[]);
                kb.factor(FactorFn::Input(i), range, FactorRecipe::Fixed);
                Ok((self.input_units[i].dimension, None))
            }
        }
    }

    /// Does factor `f` read a compartment (or pool member) or parameter whose
    /// unit is undeclared?
    pub(super) fn reads_undeclared(&self, f: &Factor) -> bool {
        let undeclared = |name: &str| {
            self.undeclared.contains(name)
                || self
                    .pools
                    .get(name)
                    .is_some_and(|m| m.iter().any(|&i| self.undeclared.contains(&self.spec.compartments[i].name)))
        };
        match f {
            Factor::Species { of, .. } => undeclared(of),
            Factor::Saturating { of, km } => undeclared(of) || undeclared(km),
            Factor::Hill { of, half, .. } | Factor::HillRepressor { of, half, .. } => {
                undeclared(of) || undeclared(half)
            }
            Factor::Room { of, capacity } => undeclared(of) || undeclared(capacity),
            Factor::Ratio { of, eps } => undeclared(of) || undeclared(eps),
            Factor::Input { .. } => false,
        }
    }

    /// Checks that `ν · rate` has the unit of each changed compartment per day.
    pub(super) fn check_changes(
        &self,
        changes: &[(usize, f64, Dimension)],
        rate: Dimension,
        context: &str,
    ) -> Result<()> {
        for &(i, _, nu_dim) in changes {
            if self.undeclared.contains(&self.spec.compartments[i].name) {
                continue;
            }
            let expected = self.compartment_units[i].dimension / Dimension::TIME;
            let found = nu_dim.checked_mul(rate);
            if found != Some(expected) {
                return Err(ModelError::UnitMismatch {
                    context: format!("{context}, change of '{}'", self.spec.compartments[i].name),
                    expected: expected.to_string(),
                    found: found.map_or_else(|| "a unit with too large exponents".to_string(), |f| f.to_string()),
                }
                .into());
            }
        }
        Ok(())
    }
}

/// Indexes names of one kind by position; every name non-empty and unique.
pub(super) fn check_unique<'a>(
    kind: &'static str,
    names: impl Iterator<Item = &'a str>,
) -> Result<HashMap<String, usize>> {
    let mut map = HashMap::new();
    for (i, name) in names.enumerate() {
        if name.trim().is_empty() {
            return Err(ModelError::EmptyName(kind).into());
        }
        if map.insert(name.to_string(), i).is_some() {
            return Err(ModelError::Duplicate { kind, name: name.to_string() }.into());
        }
    }
    Ok(map)
}

/// Parses a unit, naming `context` in the error.
pub(super) fn parse_unit(text: &str, context: &str) -> Result<Unit> {
    Unit::parse(text).map_err(|e| match e {
        SaspError::Model(ModelError::UnitParse { text, reason }) => {
            ModelError::UnitParse { text, reason: format!("{reason} ({context})") }.into()
        }
        other => other,
    })
}
