//! Symbolic differentiation.

use super::ast::{Expr, Op};
use super::ExprError;

fn num(v: f64) -> Expr {
    Expr::Num(v)
}
fn un(op: Op, a: &Expr) -> Expr {
    Expr::unary(op, a.clone())
}
fn mul(v: Vec<Expr>) -> Expr {
    Expr::Apply(Op::Times, v)
}
fn div(a: Expr, b: Expr) -> Expr {
    Expr::binary(Op::Divide, a, b)
}
fn neg(a: Expr) -> Expr {
    Expr::unary(Op::Minus, a)
}
fn pow(a: Expr, b: Expr) -> Expr {
    Expr::binary(Op::Power, a, b)
}
fn sq(a: &Expr) -> Expr {
    pow(a.clone(), num(2.0))
}
fn sub(a: Expr, b: Expr) -> Expr {
    Expr::binary(Op::Minus, a, b)
}
fn add(a: Expr, b: Expr) -> Expr {
    Expr::Apply(Op::Plus, vec![a, b])
}
fn sqrt(a: Expr) -> Expr {
    Expr::binary(Op::Root, num(2.0), a)
}

impl Expr {
    /// The derivative with respect to variable `var`, simplified
    /// ([`Expr::simplify`]). Rules are listed in the
    /// [module documentation](super#derivatives). Calls of user functions
    /// must be inlined first ([`Expr::inline`]).
    pub fn diff(&self, var: &str) -> Result<Expr, ExprError> {
        Ok(d(self, var)?.map_or(Expr::Num(0.0), |e| e.simplify()))
    }

    /// The partial derivatives with respect to every variable the
    /// expression reads ([`Expr::symbols`], in name order): one row of a
    /// sparse Jacobian. Variables whose derivative simplifies to the number
    /// 0 (e.g. only inside `floor` or a condition) are left out.
    pub fn partials(&self) -> Result<Vec<(super::Name, Expr)>, ExprError> {
        let mut out = Vec::new();
        for name in self.symbols() {
            let de = self.diff(&name)?;
            if de != Expr::Num(0.0) {
                out.push((name, de));
            }
        }
        Ok(out)
    }
}

/// `Some(derivative)`, or `None` when `e` does not depend on `x` (a
/// structural zero: no term is built for it).
fn d(e: &Expr, x: &str) -> Result<Option<Expr>, ExprError> {
    Ok(match e {
        Expr::Num(_) | Expr::Const(_) | Expr::Time | Expr::Avogadro => None,
        Expr::Var(n) => (&**n == x).then(|| num(1.0)),
        Expr::Call(name, _) => {
            return Err(ExprError::Unsupported(format!(
                "derivative of a call of '{name}': inline user functions first"
            )))
        }
        Expr::Piecewise { pieces, otherwise } => {
            let dv = pieces.iter().map(|(v, _)| d(v, x)).collect::<Result<Vec<_>, _>>()?;
            let dothers = match otherwise {
                Some(o) => d(o, x)?,
                None => None,
            };
            if dv.iter().all(Option::is_none) && dothers.is_none() {
                return Ok(None);
            }
            Some(Expr::Piecewise {
                pieces: dv.into_iter().zip(pieces).map(|(dv, (_, c))| (dv.unwrap_or(num(0.0)), c.clone())).collect(),
                otherwise: otherwise.as_ref().map(|_| Box::new(dothers.unwrap_or(num(0.0)))),
            })
        }
        Expr::Apply(Op::Delay, _) => return Err(super::ast::delay_unbound()),
        Expr::Apply(op, args) => {
            op.check_arity(args.len())?;
            apply(*op, args, x)?
        }
    })
}

fn apply(op: Op, args: &[Expr], x: &str) -> Result<Option<Expr>, ExprError> {
    let ds = args.iter().map(|a| d(a, x)).collect::<Result<Vec<_>, _>>()?;
    if ds.iter().all(Option::is_none) {
        return Ok(None);
    }
    let u = &args[0];
    // f'(u)·u' for unary functions.
    let chain = |f: Expr| Some(mul(vec![f, ds[0].clone().expect("depends")]));
    Ok(match op {
        Op::Plus => {
            let terms: Vec<Expr> = ds.into_iter().flatten().collect();
            Some(if terms.len() == 1 { terms.into_iter().next().unwrap() } else { Expr::Apply(Op::Plus, terms) })
        }
        Op::Minus if args.len() == 1 => ds[0].clone().map(neg),
        Op::Minus => match (&ds[0], &ds[1]) {
            (Some(a), Some(b)) => Some(sub(a.clone(), b.clone())),
            (Some(a), None) => Some(a.clone()),
            (None, Some(b)) => Some(neg(b.clone())),
            (None, None) => None,
        },
        Op::Times => {
            let mut terms = Vec::new();
            for (k, dk) in ds.iter().enumerate() {
                if let Some(dk) = dk {
                    let mut factors = args.to_vec();
                    factors[k] = dk.clone();
                    terms.push(mul(factors));
                }
            }
            Some(if terms.len() == 1 { terms.pop().unwrap() } else { Expr::Apply(Op::Plus, terms) })
        }
        Op::Divide => {
            let v = &args[1];
            match (&ds[0], &ds[1]) {
                (Some(du), None) => Some(div(du.clone(), v.clone())),
                (None, Some(dv)) => Some(neg(div(mul(vec![u.clone(), dv.clone()]), sq(v)))),
                (Some(du), Some(dv)) => {
                    Some(div(sub(mul(vec![du.clone(), v.clone()]), mul(vec![u.clone(), dv.clone()])), sq(v)))
                }
                (None, None) => None,
            }
        }
        Op::Power => {
            let v = &args[1];
            if matches!(v, Expr::Num(n) if *n == 0.0) {
                return Ok(None); // u^0 = 1 for every u, NaN and ∞ included
            }
            match (&ds[0], &ds[1]) {
                (Some(du), None) => {
                    // n·u^(n−1)·u', so that d(x²)/dx at 0 is 0, not 0·ln 0.
                    let lowered = match v {
                        Expr::Num(n) => num(n - 1.0),
                        _ => sub(v.clone(), num(1.0)),
                    };
                    Some(mul(vec![v.clone(), pow(u.clone(), lowered), du.clone()]))
                }
                (None, Some(dv)) => Some(mul(vec![e_pow(u, v), un(Op::Ln, u), dv.clone()])),
                (Some(du), Some(dv)) => Some(mul(vec![
                    e_pow(u, v),
                    add(mul(vec![dv.clone(), un(Op::Ln, u)]), div(mul(vec![v.clone(), du.clone()]), u.clone())),
                ])),
                (None, None) => None,
            }
        }
        Op::Root => {
            let (n, r) = (&args[0], &args[1]);
            if ds[0].is_some() {
                // x^(1/n) with a variable degree.
                return d(&pow(r.clone(), div(num(1.0), n.clone())), x);
            }
            let dr = ds[1].clone().expect("depends");
            // r' / (n · root(n, r)^(n−1))
            let lowered = match n {
                Expr::Num(k) => num(k - 1.0),
                _ => sub(n.clone(), num(1.0)),
            };
            Some(div(dr, mul(vec![n.clone(), pow(Expr::binary(Op::Root, n.clone(), r.clone()), lowered)])))
        }
        Op::Log => {
            let (b, a) = (&args[0], &args[1]);
            if ds[0].is_some() {
                // ln(a)/ln(b) with a variable base.
                return d(&div(un(Op::Ln, a), un(Op::Ln, b)), x);
            }
            Some(div(ds[1].clone().expect("depends"), mul(vec![a.clone(), un(Op::Ln, b)])))
        }
        Op::Exp => chain(un(Op::Exp, u)),
        Op::Ln => Some(div(ds[0].clone().expect("depends"), u.clone())),
        Op::Abs => chain(Expr::Piecewise {
            pieces: vec![
                (num(1.0), Expr::binary(Op::Gt, u.clone(), num(0.0))),
                (num(-1.0), Expr::binary(Op::Lt, u.clone(), num(0.0))),
            ],
            otherwise: Some(Box::new(num(0.0))),
        }),
        Op::Sin => chain(un(Op::Cos, u)),
        Op::Cos => chain(neg(un(Op::Sin, u))),
        Op::Tan => chain(sq(&un(Op::Sec, u))),
        Op::Sec => chain(mul(vec![un(Op::Sec, u), un(Op::Tan, u)])),
        Op::Csc => chain(neg(mul(vec![un(Op::Csc, u), un(Op::Cot, u)]))),
        Op::Cot => chain(neg(sq(&un(Op::Csc, u)))),
        Op::Sinh => chain(un(Op::Cosh, u)),
        Op::Cosh => chain(un(Op::Sinh, u)),
        Op::Tanh => chain(sq(&un(Op::Sech, u))),
        Op::Sech => chain(neg(mul(vec![un(Op::Sech, u), un(Op::Tanh, u)]))),
        Op::Csch => chain(neg(mul(vec![un(Op::Csch, u), un(Op::Coth, u)]))),
        Op::Coth => chain(neg(sq(&un(Op::Csch, u)))),
        Op::Arcsin => chain(div(num(1.0), sqrt(sub(num(1.0), sq(u))))),
        Op::Arccos => chain(neg(div(num(1.0), sqrt(sub(num(1.0), sq(u)))))),
        Op::Arctan | Op::Arccot => {
            let f = div(num(1.0), add(num(1.0), sq(u)));
            chain(if op == Op::Arctan { f } else { neg(f) })
        }
        Op::Arcsec | Op::Arccsc => {
            let f = div(num(1.0), mul(vec![un(Op::Abs, u), sqrt(sub(sq(u), num(1.0)))]));
            chain(if op == Op::Arcsec { f } else { neg(f) })
        }
        Op::Arcsinh => chain(div(num(1.0), sqrt(add(sq(u), num(1.0))))),
        Op::Arccosh => chain(div(num(1.0), sqrt(sub(sq(u), num(1.0))))),
        Op::Arctanh | Op::Arccoth => chain(div(num(1.0), sub(num(1.0), sq(u)))),
        Op::Arcsech => chain(neg(div(num(1.0), mul(vec![u.clone(), sqrt(sub(num(1.0), sq(u)))])))),
        Op::Arccsch => chain(neg(div(num(1.0), mul(vec![un(Op::Abs, u), sqrt(add(num(1.0), sq(u)))])))),
        Op::Min | Op::Max => {
            // The derivative of the first argument that is the extreme one
            // (ties go to the first): piece k holds when a_k is at or
            // beyond every later argument, earlier pieces having failed.
            let cmp = if op == Op::Min { Op::Leq } else { Op::Geq };
            let n = args.len();
            let value = |k: usize| ds[k].clone().unwrap_or(num(0.0));
            let pieces = (0..n - 1)
                .map(|k| {
                    let conds: Vec<Expr> =
                        (k + 1..n).map(|j| Expr::binary(cmp, args[k].clone(), args[j].clone())).collect();
                    let c =
                        if conds.len() == 1 { conds.into_iter().next().unwrap() } else { Expr::Apply(Op::And, conds) };
                    (value(k), c)
                })
                .collect();
            Some(Expr::Piecewise { pieces, otherwise: Some(Box::new(value(n - 1))) })
        }
        Op::Rem => {
            // a − b·quotient(a, b), the quotient piecewise constant.
            let da = ds[0].clone();
            let db = ds[1].clone().map(|db| mul(vec![db, Expr::Apply(Op::Quotient, args.to_vec())]));
            match (da, db) {
                (Some(a), Some(b)) => Some(sub(a, b)),
                (Some(a), None) => Some(a),
                (None, Some(b)) => Some(neg(b)),
                (None, None) => None,
            }
        }
        // Piecewise constant: floor, ceiling, factorial, quotient, relational, logical.
        Op::Floor
        | Op::Ceiling
        | Op::Factorial
        | Op::Quotient
        | Op::Eq
        | Op::Neq
        | Op::Lt
        | Op::Leq
        | Op::Gt
        | Op::Geq
        | Op::And
        | Op::Or
        | Op::Xor
        | Op::Not
        | Op::Implies => None,
        Op::Delay => return Err(super::ast::delay_unbound()),
    })
}

fn e_pow(u: &Expr, v: &Expr) -> Expr {
    pow(u.clone(), v.clone())
}
