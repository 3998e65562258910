//! Expression laws lowered into the factor program where their shape allows.
//!
//! A resolved rate expression that is a sum of products of numbers and
//! recognised factors of the state compiles into the same product terms as
//! the factor laws (and then runs exactly as fast, compiled kernels
//! included); anything else is evaluated by the expression tape. The
//! recognised factors, each of a compartment or a sum of compartments `x`:
//!
//! | expression | factor |
//! |---|---|
//! | `x`, `x^n` (n an integer, 1 ≤ n ≤ 16) | power |
//! | `x/(K + x)` | saturating |
//! | `max(x, 0)^n/(Kⁿ + max(x, 0)^n)` | Hill |
//! | `Kⁿ/(Kⁿ + max(x, 0)^n)` | Hill repressor |
//! | `1 - x/K` | room |
//! | `1/(max(x, 0) + ε)` | ratio |
//! | an input `u` | input |
//!
//! (`K`, `ε`, `n` numbers once the parameters are substituted.) Products may
//! be divided by numbers, or by `K + w·y` when they hold the factor `y`
//! (`y/(K + w·y) = (1/w)·y/(K/w + y)`: Michaelis–Menten as SBML writes it
//! with concentrations `S/V`); sums and differences of such products are
//! sums of terms. [`RateLaw::to_expression`](super::RateLaw::to_expression) writes
//! every factor law in these shapes, so a model rewritten with expressions
//! compiles to the program it had.

use super::kinetics::FactorFn;
use super::{MAX_FACTORS, MAX_ORDER};
use crate::expr::{Expr, Op};
use std::collections::HashMap;

/// A factor and its argument's members `(compartment, weight)`.
pub(super) type LoweredFactor = (FactorFn, Vec<(usize, f64)>);

/// One product term `c · Π f_k`.
pub(super) struct LoweredTerm {
    pub coefficient: f64,
    pub factors: Vec<LoweredFactor>,
}

/// Names a resolved expression may read: compartments and inputs by index.
pub(super) struct Names<'a> {
    pub compartments: &'a HashMap<String, usize>,
    pub inputs: &'a HashMap<String, usize>,
}

/// `e` as a sum of product terms, if every part of it is recognised.
pub(super) fn lower(e: &Expr, names: &Names) -> Option<Vec<LoweredTerm>> {
    let mut terms = Vec::new();
    sum(e, 1.0, names, &mut terms)?;
    Some(terms)
}

fn sum(e: &Expr, sign: f64, names: &Names, out: &mut Vec<LoweredTerm>) -> Option<()> {
    match e {
        Expr::Apply(Op::Plus, args) => args.iter().try_for_each(|a| sum(a, sign, names, out)),
        Expr::Apply(Op::Minus, args) if args.len() == 1 => sum(&args[0], -sign, names, out),
        Expr::Apply(Op::Minus, args) if args.len() == 2 && factor(e, names).is_none() => {
            sum(&args[0], sign, names, out)?;
            sum(&args[1], -sign, names, out)
        }
        _ => {
            let mut term = LoweredTerm { coefficient: sign, factors: Vec::new() };
            product(e, names, &mut term)?;
            if term.factors.len() > MAX_FACTORS || !term.coefficient.is_finite() {
                return None;
            }
            out.push(term);
            Some(())
        }
    }
}

fn product(e: &Expr, names: &Names, term: &mut LoweredTerm) -> Option<()> {
    if let Some(f) = factor(e, names) {
        term.factors.push(f);
        return Some(());
    }
    match e {
        Expr::Num(v) => {
            term.coefficient *= v;
            Some(())
        }
        Expr::Apply(Op::Times, args) => args.iter().try_for_each(|a| product(a, names, term)),
        Expr::Apply(Op::Minus, args) if args.len() == 1 => {
            term.coefficient = -term.coefficient;
            product(&args[0], names, term)
        }
        Expr::Apply(Op::Divide, args) => {
            if let Some(d) = args[1].as_number() {
                product(&args[0], names, term)?;
                term.coefficient /= d;
                return Some(());
            }
            saturation_in_product(&args[0], &args[1], names, term)
        }
        _ => None,
    }
}

/// `(… · y · …)/(K + w·y)`: a product over a saturation in one of its
/// factors (`S/V · k · E/(S/V + Km)`, as SBML writes Michaelis–Menten with
/// concentrations), since `y/(K + w·y) = (1/w) · y/(K/w + y)`.
fn saturation_in_product(num: &Expr, den: &Expr, names: &Names, term: &mut LoweredTerm) -> Option<()> {
    let (k, rest) = number_plus(den)?;
    let (j, w) = weighted(rest, names)?;
    if !(w > 0.0 && w.is_finite()) {
        return None;
    }
    let mut inner = LoweredTerm { coefficient: 1.0, factors: Vec::new() };
    product(num, names, &mut inner)?;
    let at = inner.factors.iter().position(|(f, m)| matches!(f, FactorFn::Power(1)) && m[..] == [(j, 1.0)])?;
    inner.factors.remove(at);
    inner.factors.push((FactorFn::Saturating { k: k / w }, vec![(j, 1.0)]));
    term.coefficient *= inner.coefficient / w;
    term.factors.extend(inner.factors);
    Some(())
}

/// A compartment times a positive number: `y`, `y/v`, `w·y`, `y·w`.
fn weighted(e: &Expr, names: &Names) -> Option<(usize, f64)> {
    let var = |e: &Expr| match e {
        Expr::Var(n) => names.compartments.get(&**n).copied(),
        _ => None,
    };
    match e {
        Expr::Var(_) => Some((var(e)?, 1.0)),
        Expr::Apply(Op::Divide, args) => Some((var(&args[0])?, 1.0 / args[1].as_number()?)),
        Expr::Apply(Op::Times, args) if args.len() == 2 => match (args[0].as_number(), args[1].as_number()) {
            (Some(w), None) => Some((var(&args[1])?, w)),
            (None, Some(w)) => Some((var(&args[0])?, w)),
            _ => None,
        },
        _ => None,
    }
}

/// A compartment or a plain sum of compartments.
fn argument(e: &Expr, names: &Names) -> Option<Vec<(usize, f64)>> {
    match e {
        Expr::Var(n) => names.compartments.get(&**n).map(|&j| vec![(j, 1.0)]),
        Expr::Apply(Op::Plus, args) if !args.is_empty() => {
            args.iter().map(|a| argument(a, names).and_then(|m| (m.len() == 1).then(|| m[0]))).collect()
        }
        _ => None,
    }
}

/// `max(x, 0)` → the argument x.
fn clamped(e: &Expr, names: &Names) -> Option<Vec<(usize, f64)>> {
    match e {
        Expr::Apply(Op::Max, args) if args.len() == 2 && args[1].as_number() == Some(0.0) => argument(&args[0], names),
        _ => None,
    }
}

/// `max(x, 0)^n` → (x, n).
fn clamped_power(e: &Expr, names: &Names) -> Option<(Vec<(usize, f64)>, f64)> {
    match e {
        Expr::Apply(Op::Power, args) => Some((clamped(&args[0], names)?, args[1].as_number()?)),
        _ => None,
    }
}

/// The two operands of a two-term sum, as (number, other) in either order.
fn number_plus(e: &Expr) -> Option<(f64, &Expr)> {
    match e {
        Expr::Apply(Op::Plus, args) if args.len() == 2 => match (args[0].as_number(), args[1].as_number()) {
            (Some(k), None) => Some((k, &args[1])),
            (None, Some(k)) => Some((k, &args[0])),
            _ => None,
        },
        _ => None,
    }
}

fn factor(e: &Expr, names: &Names) -> Option<LoweredFactor> {
    match e {
        Expr::Var(n) => {
            if let Some(&k) = names.inputs.get(&**n) {
                return Some((FactorFn::Input(k), Vec::new()));
            }
            Some((FactorFn::Power(1), argument(e, names)?))
        }
        Expr::Apply(Op::Plus, _) => Some((FactorFn::Power(1), argument(e, names)?)),
        Expr::Apply(Op::Power, args) => {
            let n = args[1].as_number()?;
            let order = (n.fract() == 0.0 && n >= 1.0 && n <= f64::from(MAX_ORDER)).then_some(n as i32)?;
            Some((FactorFn::Power(order), argument(&args[0], names)?))
        }
        Expr::Apply(Op::Minus, args) if args.len() == 2 && args[0].as_number() == Some(1.0) => match &args[1] {
            Expr::Apply(Op::Divide, q) => {
                let capacity = q[1].as_number()?;
                Some((FactorFn::Room { inv_capacity: 1.0 / capacity }, argument(&q[0], names)?))
            }
            _ => None,
        },
        Expr::Apply(Op::Divide, args) => {
            let (num, den) = (&args[0], &args[1]);
            let (k, rest) = number_plus(den)?;
            // x/(K + x)
            if let Some(x) = argument(num, names) {
                if argument(rest, names).as_ref() == Some(&x) && rest == num {
                    return Some((FactorFn::Saturating { k }, x));
                }
            }
            // 1/(max(x, 0) + ε)
            if num.as_number() == Some(1.0) {
                if let Some(x) = clamped(rest, names) {
                    return Some((FactorFn::Ratio { eps: k }, x));
                }
            }
            let (x, n) = clamped_power(rest, names)?;
            // max(x, 0)^n/(Kⁿ + max(x, 0)^n)
            if num == rest {
                return Some((FactorFn::Hill { kn: k, n }, x));
            }
            // Kⁿ/(Kⁿ + max(x, 0)^n)
            if num.as_number() == Some(k) {
                return Some((FactorFn::HillRepressor { kn: k, n }, x));
            }
            None
        }
        _ => None,
    }
}
