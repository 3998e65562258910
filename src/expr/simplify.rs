//! Value-preserving simplification.
//!
//! Every rewrite gives the same `f64` for every input as the original
//! (up to the sign of a zero: `x + 0` → `x` turns `-0 + 0 = +0` into `-0`):
//!
//! - an operator whose arguments are all numbers or constants is evaluated
//!   (with the same [`Op::apply`] as the tape, so `0 * infinity` folds to NaN);
//! - `x + 0`, `0 + x`, `x - 0` → `x`; `0 - x` → `-x`; `--x` → `x`;
//! - `x * 1`, `1 * x`, `x / 1`, `x ^ 1` → `x`; `x ^ 0` → `1` and `1 ^ x` → `1`
//!   (IEEE `pow` gives 1 there even for NaN and ∞);
//! - `plus(x)`, `times(x)` → `x`; an empty sum → 0, an empty product → 1;
//! - a piecewise drops pieces whose condition is constantly false, stops at
//!   the first constantly true one, and becomes its value when every piece
//!   and `otherwise` have the same value.
//!
//! Not done, because it would change values: `x * 0` → `0` (NaN or ∞ times
//! 0 is NaN; a finite constant times 0 folds as a constant), `x - x` → 0,
//! `x / x` → 1, reassociating sums or products (rounding). Derivatives do
//! not need `x * 0` → `0`: [`Expr::diff`] never builds a term for a
//! subexpression that does not depend on the variable.

use super::ast::{truth, Expr, Op};

fn is(e: &Expr, v: f64) -> bool {
    matches!(e, Expr::Num(x) if *x == v)
}

impl Expr {
    /// A simplified copy (see the [rules](super#simplification)).
    pub fn simplify(&self) -> Expr {
        match self {
            Expr::Apply(op, args) => simplify_apply(*op, args.iter().map(Expr::simplify).collect()),
            Expr::Piecewise { pieces, otherwise } => {
                let mut kept = Vec::with_capacity(pieces.len());
                let mut otherwise = otherwise.as_ref().map(|o| o.simplify());
                for (v, c) in pieces {
                    let c = c.simplify();
                    match c.as_number() {
                        Some(x) if !truth(x) => continue,
                        Some(_) => {
                            otherwise = Some(v.simplify());
                            break;
                        }
                        None => kept.push((v.simplify(), c)),
                    }
                }
                match otherwise {
                    None if kept.is_empty() => Expr::Num(f64::NAN),
                    Some(o) if kept.iter().all(|(v, _)| *v == o) => o,
                    o => Expr::Piecewise { pieces: kept, otherwise: o.map(Box::new) },
                }
            }
            Expr::Call(f, args) => Expr::Call(f.clone(), args.iter().map(Expr::simplify).collect()),
            other => other.clone(),
        }
    }
}

fn simplify_apply(op: Op, mut args: Vec<Expr>) -> Expr {
    // The past value of a number is that number; anything else waits for
    // the history a model keeps.
    if op == Op::Delay {
        return match args.first().and_then(Expr::as_number) {
            Some(v) if args.len() == 2 => Expr::Num(v),
            _ => Expr::Apply(op, args),
        };
    }
    if op.check_arity(args.len()).is_ok() {
        let values: Option<Vec<f64>> = args.iter().map(Expr::as_number).collect();
        if let Some(v) = values {
            return Expr::Num(op.apply(v.len(), |k| v[k]));
        }
    }
    match (op, args.len()) {
        (Op::Plus, _) => {
            args.retain(|a| !is(a, 0.0));
            match args.len() {
                0 => Expr::Num(0.0),
                1 => args.pop().unwrap(),
                _ => Expr::Apply(Op::Plus, args),
            }
        }
        (Op::Times, _) => {
            args.retain(|a| !is(a, 1.0));
            match args.len() {
                0 => Expr::Num(1.0),
                1 => args.pop().unwrap(),
                _ => Expr::Apply(Op::Times, args),
            }
        }
        (Op::Minus, 1) => match args.pop().unwrap() {
            Expr::Apply(Op::Minus, mut inner) if inner.len() == 1 => inner.pop().unwrap(),
            a => Expr::unary(Op::Minus, a),
        },
        (Op::Minus, 2) if is(&args[1], 0.0) => args.swap_remove(0),
        (Op::Minus, 2) if is(&args[0], 0.0) => simplify_apply(Op::Minus, vec![args.pop().unwrap()]),
        (Op::Divide, 2) if is(&args[1], 1.0) => args.swap_remove(0),
        (Op::Power, 2) if is(&args[1], 1.0) => args.swap_remove(0),
        (Op::Power, 2) if is(&args[1], 0.0) || is(&args[0], 1.0) => Expr::Num(1.0),
        _ => Expr::Apply(op, args),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(t: &str) -> String {
        Expr::parse(t).unwrap().simplify().to_string()
    }

    #[test]
    fn folds_constants_with_the_evaluation_kernels() {
        assert_eq!(s("2^10 + x"), "1024 + x");
        assert_eq!(s("x * (1 + 1)"), "x * 2");
        assert_eq!(s("ln(-1) + x"), "notanumber + x");
        assert_eq!(s("quotient(-7, 2)"), "-3");
        assert_eq!(s("pi"), "pi"); // a constant alone stays as written
        assert_eq!(s("2 * pi"), format!("{:?}", 2.0 * std::f64::consts::PI));
        assert_eq!(s("1 < 2 && x"), "1 && x");
        assert_eq!(s("plus(x)"), "x");
        assert_eq!(s("times()"), "1");
        assert_eq!(s("-(-(x))"), "x");
        assert_eq!(s("x - 0 + 0 * 5"), "x");
    }

    #[test]
    fn never_folds_what_could_change_a_value() {
        for t in ["x * 0", "0 * x", "x - x", "x / x", "x^0.5 * x^0.5", "exp(ln(x))", "(a + b) + c", "x + 1 + 2"] {
            assert_eq!(s(t), Expr::parse(t).unwrap().to_string(), "{t}");
        }
    }
}
