//! Expressions in a model: names resolved, assignments substituted, units
//! inferred where they are known.
//!
//! An expression (a rate law, an assignment, an event trigger or value) may
//! name compartments, pools, parameters, inputs, the model's assignments
//! and `time`. Resolving it yields an expression over the state (each
//! compartment a variable of its own name), the inputs (likewise) and time
//! only: a parameter becomes the variable
//! [`parameter_name`](crate::expr::parameter_name)`(k)`, which tapes read
//! as a number they can update without recompiling, a pool the sum of its
//! members, an assignment its own resolved expression. Everything is then
//! simplified before the expression is differentiated and compiled; what
//! depends on numbers and parameters alone is computed once per tape.
//!
//! Units are inferred bottom-up: a name has its declared unit's dimension,
//! `time` is a time, a number takes the unit its context needs in a sum
//! (`S + 1`) and is dimensionless in a product (`2*k*S`); a sum of unequal
//! known dimensions is an error; elementary functions (`exp`, `ln`, `sin` …),
//! relations and logic are dimensionless; a power has a known dimension when
//! its exponent is an integer literal or its base is dimensionless. Anything
//! else (an assignment whose unit cannot be inferred, `x^y`) leaves the
//! unit unknown, and the model lists what it could not check
//! ([`Model::unchecked_units`](super::Model::unchecked_units)).

use super::resolve::Resolver;
use super::Dimension;
use crate::error::{ModelError, Result, SaspError};
use crate::expr::{Expr, Op};
use std::collections::{HashMap, HashSet};

/// Largest expression (in nodes) that substituting assignments may produce.
pub(crate) const MAX_RESOLVED_SIZE: usize = 1_000_000;
/// Deepest expression that substituting assignments may produce (chains of
/// assignments nest), well within what compiling follows.
pub(crate) const MAX_RESOLVED_DEPTH: usize = 2_000;

/// The unit of an expression, as far as it is known.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Unit {
    /// A bare number: whatever its context needs.
    Free,
    /// Known.
    Known(Dimension),
    /// Not known (an unknown part, or a construct whose unit cannot be inferred).
    Unknown,
}

/// Resolves the expressions of one model.
pub(crate) struct Expressions<'a> {
    resolver: &'a Resolver<'a>,
    /// The assignments, resolved, by name.
    resolved: HashMap<String, Expr>,
    /// The assignments' inferred units.
    units: HashMap<String, Unit>,
    /// The assignments in dependency order.
    order: Vec<String>,
    /// The assignments' names.
    assignment_names: HashSet<String>,
}

impl<'a> Expressions<'a> {
    /// Parses and resolves every assignment of the model, in dependency
    /// order; refuses unknown names, names that clash with other
    /// declarations, and cycles.
    pub(crate) fn new(resolver: &'a Resolver<'a>) -> Result<Expressions<'a>> {
        let spec = resolver.spec;
        let mut parsed: HashMap<&str, Expr> = HashMap::new();
        let assignment_names: HashSet<String> = spec.assignments.iter().map(|a| a.name.clone()).collect();
        for a in &spec.assignments {
            let context = format!("assignment '{}'", a.name);
            if a.name.trim().is_empty() {
                return Err(ModelError::EmptyName("assignment").into());
            }
            if resolver.compartments.contains_key(&a.name)
                || resolver.pools.contains_key(&a.name)
                || resolver.parameters.contains_key(&a.name)
                || resolver.inputs.contains_key(&a.name)
            {
                return Err(ModelError::invalid(context, "its name is already declared as another item").into());
            }
            let e = parse(resolver, &assignment_names, &a.expression, &context)?;
            if parsed.insert(&a.name, e).is_some() {
                return Err(ModelError::Duplicate { kind: "assignment", name: a.name.clone() }.into());
            }
        }
        // Dependency order (depth-first, cycles refused).
        let mut order: Vec<String> = Vec::new();
        let mut done: HashSet<&str> = HashSet::new();
        for a in &spec.assignments {
            let mut path: Vec<&str> = Vec::new();
            visit(&a.name, &parsed, &mut done, &mut path, &mut order)?;
        }
        let mut this =
            Expressions { resolver, resolved: HashMap::new(), units: HashMap::new(), order, assignment_names };
        for name in this.order.clone() {
            let context = format!("assignment '{name}'");
            let e = &parsed[name.as_str()];
            let unit = this.unit(e, &context)?;
            let resolved = this.resolve_expr(e, &context)?;
            this.units.insert(name.clone(), unit);
            this.resolved.insert(name, resolved);
        }
        Ok(this)
    }

    /// The assignments, resolved, in declaration order of the model, each
    /// `delay(…)` bound to its slot ([`Expressions::resolve`]).
    pub(crate) fn assignments(&self) -> Result<Vec<(String, Expr)>> {
        let spec = &self.resolver.spec;
        spec.assignments
            .iter()
            .map(|a| {
                let context = format!("assignment '{}'", a.name);
                Ok((a.name.clone(), self.bind_delays(&self.resolved[&a.name], &context)?))
            })
            .collect()
    }

    /// Parses `text` and resolves it (see the module docs); returns the
    /// resolved expression and its unit. Each `delay(x, τ)` in it becomes the
    /// variable of its slot ([`delayed_name`](crate::expr::delayed_name)),
    /// the same slot wherever the same `x` and `τ` appear in the model.
    pub(crate) fn resolve(&self, text: &str, context: &str) -> Result<(Expr, Unit)> {
        let e = parse(self.resolver, &self.assignment_names, text, context)?;
        let unit = self.unit(&e, context)?;
        Ok((self.bind_delays(&self.resolve_expr(&e, context)?, context)?, unit))
    }

    /// Replaces each `delay(x, τ)` of a resolved expression by the variable
    /// of its slot, registering new slots with the resolver. A delay inside
    /// a lag or inside `x` (a delay of a delay, at most
    /// `MAX_DELAY_NESTING` deep) takes a slot of its own first (slots are
    /// computed in order); `x`, with the lags of the delays inside it, may
    /// not read an input (inputs are controls whose past the model does not
    /// keep).
    fn bind_delays(&self, e: &Expr, context: &str) -> Result<Expr> {
        e.replace_delays(&mut |value, lag| {
            if delay_nesting(value) >= MAX_DELAY_NESTING {
                return Err(SaspError::unsupported(
                    format!("delays nested more than {MAX_DELAY_NESTING} deep"),
                    context,
                ));
            }
            if let Some(u) = value.symbols().into_iter().find(|v| self.resolver.inputs.contains_key(&**v)) {
                return Err(SaspError::unsupported(
                    format!("a delay of an expression that reads input '{u}'"),
                    context,
                ));
            }
            let value = &self.bind_delays(value, context)?;
            let mut delays = self.resolver.delays.borrow_mut();
            let k = match delays.iter().position(|(v, l)| v == value && *l == lag) {
                Some(k) => k,
                None => {
                    delays.push((value.clone(), lag));
                    delays.len() - 1
                }
            };
            Ok(Expr::var(&crate::expr::delayed_name(k)))
        })
    }

    fn resolve_expr(&self, e: &Expr, context: &str) -> Result<Expr> {
        let r = self.resolver;
        let unknown: std::cell::RefCell<Option<String>> = std::cell::RefCell::new(None);
        let mut call: Option<String> = None;
        e.visit(&mut |node| {
            if let Expr::Call(f, _) = node {
                call.get_or_insert_with(|| f.to_string());
            }
        });
        if let Some(f) = call {
            return Err(ModelError::invalid(context, format!("calls '{f}', which is not a built-in function")).into());
        }
        let out = e.substitute(&|name| {
            if r.compartments.contains_key(name) || r.inputs.contains_key(name) {
                return None;
            }
            if let Some(&k) = r.parameters.get(name) {
                return Some(Expr::var(&crate::expr::parameter_name(k)));
            }
            if let Some(members) = r.pools.get(name) {
                let terms = members.iter().map(|&i| Expr::var(&r.spec.compartments[i].name)).collect();
                return Some(Expr::apply(Op::Plus, terms));
            }
            if let Some(a) = self.resolved.get(name) {
                return Some(a.clone());
            }
            unknown.borrow_mut().get_or_insert_with(|| name.to_string());
            None
        });
        if let Some(name) = unknown.into_inner() {
            return Err(ModelError::invalid(
                context,
                format!("'{name}' is not a compartment, pool, parameter, input or assignment of the model"),
            )
            .into());
        }
        let size = out.size();
        if size > MAX_RESOLVED_SIZE {
            return Err(ModelError::invalid(
                context,
                format!("substituting its assignments gives {size} terms, at most {MAX_RESOLVED_SIZE} allowed"),
            )
            .into());
        }
        let depth = out.depth();
        if depth > MAX_RESOLVED_DEPTH {
            return Err(ModelError::invalid(
                context,
                format!("substituting its assignments nests {depth} deep, at most {MAX_RESOLVED_DEPTH} allowed"),
            )
            .into());
        }
        Ok(out.simplify())
    }

    /// The unit of `e` as far as it can be inferred (see the module docs).
    pub(crate) fn unit(&self, e: &Expr, context: &str) -> Result<Unit> {
        let r = self.resolver;
        Ok(match e {
            Expr::Num(_) | Expr::Const(_) | Expr::Avogadro => Unit::Free,
            Expr::Time => Unit::Known(Dimension::TIME),
            Expr::Var(name) => {
                let name: &str = name;
                if r.undeclared.contains(name) {
                    Unit::Unknown
                } else if let Some(&i) = r.compartments.get(name) {
                    Unit::Known(r.compartment_units[i].dimension)
                } else if let Some(&k) = r.parameters.get(name) {
                    Unit::Known(r.parameter_units[k].dimension)
                } else if let Some(&k) = r.inputs.get(name) {
                    Unit::Known(r.input_units[k].dimension)
                } else if let Some(members) = r.pools.get(name) {
                    Unit::Known(r.compartment_units[members[0]].dimension)
                } else {
                    self.units.get(name).copied().unwrap_or(Unit::Unknown)
                }
            }
            Expr::Call(..) => Unit::Unknown,
            Expr::Piecewise { pieces, otherwise } => {
                let mut units = Vec::new();
                for (v, _) in pieces {
                    units.push(self.unit(v, context)?);
                }
                if let Some(o) = otherwise {
                    units.push(self.unit(o, context)?);
                }
                same(&units, context)?
            }
            Expr::Apply(op, args) => {
                let mut units = Vec::with_capacity(args.len());
                for a in args {
                    units.push(self.unit(a, context)?);
                }
                apply_unit(*op, args, &units, context)?
            }
        })
    }
}

/// The unit of `op` applied to arguments of the given units.
fn apply_unit(op: Op, args: &[Expr], units: &[Unit], context: &str) -> Result<Unit> {
    let product = |units: &[Unit], invert_rest: bool| -> Unit {
        let mut d = Dimension::NONE;
        let mut all_free = true;
        for (k, u) in units.iter().enumerate() {
            match u {
                Unit::Unknown => return Unit::Unknown,
                Unit::Free => {}
                Unit::Known(x) => {
                    all_free = false;
                    let x = if invert_rest && k > 0 { x.checked_powi(-1) } else { Some(*x) };
                    match x.and_then(|x| d.checked_mul(x)) {
                        Some(p) => d = p,
                        None => return Unit::Unknown,
                    }
                }
            }
        }
        if all_free {
            Unit::Free
        } else {
            Unit::Known(d)
        }
    };
    Ok(match op {
        Op::Plus | Op::Minus | Op::Abs | Op::Floor | Op::Ceiling | Op::Min | Op::Max | Op::Rem => {
            let operands = if op == Op::Rem { &units[..1] } else { units };
            same(operands, context)?
        }
        // The past value of `x` has its unit; the lag must be a time.
        Op::Delay => {
            if let Unit::Known(d) = units[1] {
                if d != Dimension::TIME {
                    return Err(ModelError::UnitMismatch {
                        context: format!("{context}: the lag of a delay"),
                        expected: Dimension::TIME.to_string(),
                        found: d.to_string(),
                    }
                    .into());
                }
            }
            units[0]
        }
        Op::Times => product(units, false),
        Op::Divide | Op::Quotient => product(units, true),
        Op::Power => match (units[0], args[1].as_number()) {
            (Unit::Known(d), Some(n)) if n.fract() == 0.0 && n.abs() <= 64.0 => {
                d.checked_powi(n as i32).map_or(Unit::Unknown, Unit::Known)
            }
            (Unit::Known(d), _) if d.is_none() => Unit::Known(Dimension::NONE),
            (Unit::Free, _) => Unit::Free,
            _ => Unit::Unknown,
        },
        Op::Root => match units[1] {
            Unit::Known(d) if d.is_none() => Unit::Known(Dimension::NONE),
            Unit::Free => Unit::Free,
            _ => Unit::Unknown,
        },
        // Elementary functions, relations and logic are dimensionless.
        _ => Unit::Known(Dimension::NONE),
    })
}

/// The common unit of operands that must agree (a sum, a piecewise value).
fn same(units: &[Unit], context: &str) -> Result<Unit> {
    let mut out = Unit::Free;
    for &u in units {
        match (out, u) {
            (_, Unit::Unknown) | (Unit::Unknown, _) => return Ok(Unit::Unknown),
            (Unit::Free, u) => out = u,
            (_, Unit::Free) => {}
            (Unit::Known(a), Unit::Known(b)) if a != b => {
                return Err(ModelError::UnitMismatch {
                    context: format!("{context}: terms that are added or compared"),
                    expected: a.to_string(),
                    found: b.to_string(),
                }
                .into())
            }
            _ => {}
        }
    }
    Ok(out)
}

/// Depth-first visit of an assignment's dependencies; `path` holds the
/// chain being visited, so meeting a name on it is a cycle.
fn visit<'s>(
    name: &'s str,
    parsed: &'s HashMap<&str, Expr>,
    done: &mut HashSet<&'s str>,
    path: &mut Vec<&'s str>,
    order: &mut Vec<String>,
) -> Result<()> {
    if done.contains(name) {
        return Ok(());
    }
    // A chain this long would nest too deep once substituted; refusing it
    // here also bounds this recursion.
    if path.len() > MAX_RESOLVED_DEPTH {
        return Err(ModelError::invalid(
            format!("assignment '{name}'"),
            format!("depends on a chain of more than {MAX_RESOLVED_DEPTH} assignments"),
        )
        .into());
    }
    if let Some(k) = path.iter().position(|&p| p == name) {
        let mut cycle: Vec<&str> = path[k..].to_vec();
        cycle.push(name);
        return Err(ModelError::invalid(
            format!("assignment '{name}'"),
            format!("assignments depend on each other in a cycle: {}", cycle.join(" → ")),
        )
        .into());
    }
    let Some((key, e)) = parsed.get_key_value(name) else { return Ok(()) };
    path.push(key);
    for dep in e.symbols() {
        if let Some((dep_key, _)) = parsed.get_key_value(&*dep) {
            visit(dep_key, parsed, done, path, order)?;
        }
    }
    path.pop();
    done.insert(key);
    order.push(key.to_string());
    Ok(())
}

/// Parses `text`, the model's own names shadowing reserved words.
fn parse(resolver: &Resolver, assignments: &HashSet<String>, text: &str, context: &str) -> Result<Expr> {
    let declared = |name: &str| {
        resolver.compartments.contains_key(name)
            || resolver.parameters.contains_key(name)
            || resolver.inputs.contains_key(name)
            || resolver.pools.contains_key(name)
            || assignments.contains(name)
    };
    Expr::parse_with(text, &declared).map_err(|e| in_context(e.into(), context))
}

/// An expression error with the item it was found in.
fn in_context(e: crate::SaspError, context: &str) -> crate::SaspError {
    match e {
        crate::SaspError::Model(ModelError::Invalid { reason, .. }) => ModelError::invalid(context, reason).into(),
        other => other,
    }
}

/// Deepest nesting of delays inside a delayed expression (a delay of a
/// delay is 2): each level evaluates the levels below it at its own past
/// time.
pub(crate) const MAX_DELAY_NESTING: usize = 8;

/// How deep delays nest in `e` (0 without a delay).
fn delay_nesting(e: &Expr) -> usize {
    let below = |args: &[Expr]| args.iter().map(delay_nesting).max().unwrap_or(0);
    match e {
        Expr::Apply(Op::Delay, args) => 1 + below(args),
        Expr::Apply(_, args) | Expr::Call(_, args) => below(args),
        Expr::Piecewise { pieces, otherwise } => {
            pieces.iter().flat_map(|(v, c)| [v, c]).chain(otherwise.as_deref()).map(delay_nesting).max().unwrap_or(0)
        }
        _ => 0,
    }
}
