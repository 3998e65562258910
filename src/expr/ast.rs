//! The expression tree, the operators with their numeric semantics (one
//! definition shared by tree evaluation, constant folding and the tape), and
//! infix printing.

use std::collections::BTreeSet;
use std::fmt;
use std::sync::Arc;

use super::ExprError;

/// Avogadro's number as SBML Level 3 defines the `avogadro` csymbol:
/// 6.02214179 × 10²³ (CODATA 2006, the value the L3V1 and L3V2
/// specifications fix and the SBML Test Suite checks), not the exact SI
/// 2019 value 6.02214076 × 10²³.
pub const AVOGADRO: f64 = 6.022_141_79e23;

/// A name in an expression: a variable (species, parameter, compartment …)
/// or a function. Cheap to clone.
pub type Name = Arc<str>;

/// The named constants of MathML.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Constant {
    /// π.
    Pi,
    /// e (MathML `exponentiale`).
    E,
    /// Boolean true (1.0 in evaluation).
    True,
    /// Boolean false (0.0 in evaluation).
    False,
    /// +∞ (MathML `infinity`).
    Infinity,
    /// NaN (MathML `notanumber`).
    NaN,
}

impl Constant {
    /// The value in evaluation.
    pub fn value(self) -> f64 {
        match self {
            Constant::Pi => std::f64::consts::PI,
            Constant::E => std::f64::consts::E,
            Constant::True => 1.0,
            Constant::False => 0.0,
            Constant::Infinity => f64::INFINITY,
            Constant::NaN => f64::NAN,
        }
    }
    /// The MathML element name (also the infix spelling).
    pub fn name(self) -> &'static str {
        match self {
            Constant::Pi => "pi",
            Constant::E => "exponentiale",
            Constant::True => "true",
            Constant::False => "false",
            Constant::Infinity => "infinity",
            Constant::NaN => "notanumber",
        }
    }
}

macro_rules! ops {
    ($($(#[$doc:meta])* $variant:ident = $name:literal, $min:expr, $max:expr;)*) => {
        /// An operator or built-in function. The argument counts and the
        /// value of each are listed in the [module documentation](super).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Op {
            $($(#[$doc])* $variant,)*
        }
        impl Op {
            /// Every operator.
            pub const ALL: &'static [Op] = &[$(Op::$variant,)*];
            /// The MathML element name, which is also the function name in infix text.
            pub fn name(self) -> &'static str {
                match self { $(Op::$variant => $name,)* }
            }
            /// The smallest and largest number of arguments (`usize::MAX`: any).
            pub fn arity(self) -> (usize, usize) {
                match self { $(Op::$variant => ($min, $max),)* }
            }
        }
    };
}

const ANY: usize = usize::MAX;

ops! {
    /// `a + b + …` (no arguments: 0).
    Plus = "plus", 0, ANY;
    /// `a * b * …` (no arguments: 1).
    Times = "times", 0, ANY;
    /// `-a` or `a - b`.
    Minus = "minus", 1, 2;
    /// `a / b`.
    Divide = "divide", 2, 2;
    /// `a ^ b`.
    Power = "power", 2, 2;
    /// eˣ.
    Exp = "exp", 1, 1;
    /// Natural logarithm.
    Ln = "ln", 1, 1;
    /// `log(base, x)`.
    Log = "log", 2, 2;
    /// `root(degree, x)` = x^(1/degree).
    Root = "root", 2, 2;
    /// |x|.
    Abs = "abs", 1, 1;
    /// ⌊x⌋.
    Floor = "floor", 1, 1;
    /// ⌈x⌉.
    Ceiling = "ceiling", 1, 1;
    /// n! for non-negative integers, NaN otherwise.
    Factorial = "factorial", 1, 1;
    /// sine
    Sin = "sin", 1, 1;
    /// cosine
    Cos = "cos", 1, 1;
    /// tangent
    Tan = "tan", 1, 1;
    /// 1/cos
    Sec = "sec", 1, 1;
    /// 1/sin
    Csc = "csc", 1, 1;
    /// 1/tan
    Cot = "cot", 1, 1;
    /// hyperbolic sine
    Sinh = "sinh", 1, 1;
    /// hyperbolic cosine
    Cosh = "cosh", 1, 1;
    /// hyperbolic tangent
    Tanh = "tanh", 1, 1;
    /// 1/cosh
    Sech = "sech", 1, 1;
    /// 1/sinh
    Csch = "csch", 1, 1;
    /// 1/tanh
    Coth = "coth", 1, 1;
    /// inverse sine
    Arcsin = "arcsin", 1, 1;
    /// inverse cosine
    Arccos = "arccos", 1, 1;
    /// inverse tangent
    Arctan = "arctan", 1, 1;
    /// arccos(1/x)
    Arcsec = "arcsec", 1, 1;
    /// arcsin(1/x)
    Arccsc = "arccsc", 1, 1;
    /// arctan(1/x)
    Arccot = "arccot", 1, 1;
    /// inverse hyperbolic sine
    Arcsinh = "arcsinh", 1, 1;
    /// inverse hyperbolic cosine
    Arccosh = "arccosh", 1, 1;
    /// inverse hyperbolic tangent
    Arctanh = "arctanh", 1, 1;
    /// arccosh(1/x)
    Arcsech = "arcsech", 1, 1;
    /// arcsinh(1/x)
    Arccsch = "arccsch", 1, 1;
    /// arctanh(1/x)
    Arccoth = "arccoth", 1, 1;
    /// Smallest argument (NaN if any is NaN).
    Min = "min", 1, ANY;
    /// Largest argument (NaN if any is NaN).
    Max = "max", 1, ANY;
    /// Remainder of truncated division, sign of the dividend (C `fmod`).
    Rem = "rem", 2, 2;
    /// Quotient truncated toward zero.
    Quotient = "quotient", 2, 2;
    /// `a == b == …` (every neighbour pair equal).
    Eq = "eq", 1, ANY;
    /// `a != b`.
    Neq = "neq", 2, 2;
    /// `a < b < …`.
    Lt = "lt", 1, ANY;
    /// `a <= b <= …`.
    Leq = "leq", 1, ANY;
    /// `a > b > …`.
    Gt = "gt", 1, ANY;
    /// `a >= b >= …`.
    Geq = "geq", 1, ANY;
    /// All arguments true (no arguments: true).
    And = "and", 0, ANY;
    /// Any argument true (no arguments: false).
    Or = "or", 0, ANY;
    /// An odd number of arguments true.
    Xor = "xor", 0, ANY;
    /// Logical negation.
    Not = "not", 1, 1;
    /// `implies(a, b)` = not a or b.
    Implies = "implies", 2, 2;
    /// `delay(x, τ)`: the value `x` had at `time − τ` (the SBML `delay`
    /// csymbol). It has no value of its own: a model binds it to the
    /// history of its solution, and evaluating it anywhere else is an error.
    Delay = "delay", 2, 2;
}

impl Op {
    /// The operator named `name` (MathML element name).
    pub fn from_name(name: &str) -> Option<Op> {
        Op::ALL.iter().copied().find(|op| op.name() == name)
    }

    /// Whether the result is a boolean (relational and logical operators).
    pub fn is_boolean(self) -> bool {
        matches!(
            self,
            Op::Eq | Op::Neq | Op::Lt | Op::Leq | Op::Gt | Op::Geq | Op::And | Op::Or | Op::Xor | Op::Not | Op::Implies
        )
    }

    /// Checks that `n` arguments are allowed.
    pub fn check_arity(self, n: usize) -> Result<(), ExprError> {
        let (min, max) = self.arity();
        if n < min || n > max {
            let expected = match (min, max) {
                (a, b) if a == b => format!("{a}"),
                (a, ANY) => format!("at least {a}"),
                (a, b) => format!("{a} to {b}"),
            };
            return Err(ExprError::Arity { function: self.name().to_string(), expected, found: n });
        }
        Ok(())
    }

    /// The value of `self` applied to `n` arguments, the `k`-th being `arg(k)`.
    /// This is the one definition of every operator's numeric semantics: tree
    /// evaluation, constant folding and the tape all call it.
    #[inline]
    pub fn apply(self, n: usize, arg: impl Fn(usize) -> f64) -> f64 {
        match self {
            Op::Plus | Op::Times if n == 0 => {
                if self == Op::Plus {
                    0.0
                } else {
                    1.0
                }
            }
            Op::Plus => (1..n).fold(arg(0), |s, k| s + arg(k)),
            Op::Times => (1..n).fold(arg(0), |p, k| p * arg(k)),
            Op::Minus if n == 1 => -arg(0),
            Op::Min | Op::Max => {
                let mut best = arg(0);
                for k in 1..n {
                    let v = arg(k);
                    if v.is_nan() || best.is_nan() {
                        best = f64::NAN;
                    } else if (self == Op::Min && v < best) || (self == Op::Max && v > best) {
                        best = v;
                    }
                }
                best
            }
            Op::Eq | Op::Lt | Op::Leq | Op::Gt | Op::Geq => {
                let holds = (1..n).all(|k| {
                    let (a, b) = (arg(k - 1), arg(k));
                    match self {
                        Op::Eq => a == b,
                        Op::Lt => a < b,
                        Op::Leq => a <= b,
                        Op::Gt => a > b,
                        _ => a >= b,
                    }
                });
                boolean(holds)
            }
            Op::And => boolean((0..n).all(|k| truth(arg(k)))),
            Op::Or => boolean((0..n).any(|k| truth(arg(k)))),
            Op::Xor => boolean((0..n).filter(|&k| truth(arg(k))).count() % 2 == 1),
            _ if n == 1 => apply1(self, arg(0)),
            _ if n == 2 => apply2(self, arg(0), arg(1)),
            _ => f64::NAN,
        }
    }
}

/// The error of evaluating or differentiating `delay(x, τ)` outside a model,
/// which alone keeps the history it reads.
pub(crate) fn delay_unbound() -> ExprError {
    ExprError::Unsupported("delay(…) outside a model, which keeps the history it reads".into())
}

/// Whether a value is true in a boolean context: nonzero and not NaN.
#[inline]
pub fn truth(x: f64) -> bool {
    x != 0.0 && !x.is_nan()
}

#[inline]
fn boolean(b: bool) -> f64 {
    if b {
        1.0
    } else {
        0.0
    }
}

/// n! for a non-negative integer `x` (+∞ past 170!), NaN for anything else.
pub fn factorial(x: f64) -> f64 {
    if x.is_nan() || x < 0.0 || x.fract() != 0.0 {
        return f64::NAN;
    }
    if x > 170.0 {
        return f64::INFINITY;
    }
    (2..=x as u32).fold(1.0, |p, k| p * f64::from(k))
}

#[inline]
pub(crate) fn apply1(op: Op, x: f64) -> f64 {
    match op {
        Op::Minus => -x,
        Op::Exp => x.exp(),
        Op::Ln => x.ln(),
        Op::Abs => x.abs(),
        Op::Floor => x.floor(),
        Op::Ceiling => x.ceil(),
        Op::Factorial => factorial(x),
        Op::Sin => x.sin(),
        Op::Cos => x.cos(),
        Op::Tan => x.tan(),
        Op::Sec => 1.0 / x.cos(),
        Op::Csc => 1.0 / x.sin(),
        Op::Cot => 1.0 / x.tan(),
        Op::Sinh => x.sinh(),
        Op::Cosh => x.cosh(),
        Op::Tanh => x.tanh(),
        Op::Sech => 1.0 / x.cosh(),
        Op::Csch => 1.0 / x.sinh(),
        Op::Coth => 1.0 / x.tanh(),
        Op::Arcsin => x.asin(),
        Op::Arccos => x.acos(),
        Op::Arctan => x.atan(),
        Op::Arcsec => (1.0 / x).acos(),
        Op::Arccsc => (1.0 / x).asin(),
        Op::Arccot => (1.0 / x).atan(),
        Op::Arcsinh => x.asinh(),
        Op::Arccosh => x.acosh(),
        Op::Arctanh => x.atanh(),
        Op::Arcsech => (1.0 / x).acosh(),
        Op::Arccsch => (1.0 / x).asinh(),
        Op::Arccoth => (1.0 / x).atanh(),
        Op::Not => boolean(!truth(x)),
        _ => f64::NAN,
    }
}

/// The largest integer exponent [`apply2`] takes by repeated squaring.
pub(crate) const MAX_POWI: f64 = 16.0;

#[inline]
pub(crate) fn apply2(op: Op, a: f64, b: f64) -> f64 {
    match op {
        Op::Minus => a - b,
        Op::Divide => a / b,
        // x² as the (correctly rounded) product: faster than `powf`, which
        // may differ from it by an ulp.
        Op::Power if b == 2.0 => a * a,
        // Small integer powers (Hill coefficients, their derivatives) by
        // repeated squaring: a few products instead of `powf`'s hundred
        // or more instructions, within a few ulps of it (|b| roundings at
        // most).
        Op::Power if b.abs() <= MAX_POWI && b == f64::from(b as i32) => a.powi(b as i32),
        Op::Power => a.powf(b),
        Op::Log => {
            if a == 10.0 {
                b.log10()
            } else if a == 2.0 {
                b.log2()
            } else {
                b.ln() / a.ln()
            }
        }
        Op::Root => {
            if a == 2.0 {
                b.sqrt()
            } else {
                b.powf(1.0 / a)
            }
        }
        Op::Rem => a % b,
        Op::Quotient => (a / b).trunc(),
        Op::Neq => boolean(a != b),
        Op::Implies => boolean(!truth(a) || truth(b)),
        // Two-argument min and max, NaN if either is NaN (as the n-ary forms).
        Op::Min if a.is_nan() || b.is_nan() => f64::NAN,
        Op::Min => a.min(b),
        Op::Max if a.is_nan() || b.is_nan() => f64::NAN,
        Op::Max => a.max(b),
        _ => f64::NAN,
    }
}

/// A math expression.
///
/// Build one with [`Expr::parse`] (infix text), [`Expr::from_mathml`]
/// (MathML) or the constructors; see the [module documentation](super).
#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    /// A number.
    Num(f64),
    /// A variable, bound to a slot when the expression is compiled
    /// ([`Tape::compile`](super::Tape::compile)).
    Var(Name),
    /// A named constant (`pi`, `true` …).
    Const(Constant),
    /// The SBML `time` csymbol.
    Time,
    /// The SBML `avogadro` csymbol ([`AVOGADRO`]).
    Avogadro,
    /// An operator applied to its arguments.
    Apply(Op, Vec<Expr>),
    /// The value of the first piece whose condition is true, else
    /// `otherwise`, else NaN.
    Piecewise {
        /// `(value, condition)` pairs, in order.
        pieces: Vec<(Expr, Expr)>,
        /// The value when no condition holds.
        otherwise: Option<Box<Expr>>,
    },
    /// A call of a user function (a function definition), replaced by its
    /// body by [`Expr::inline`].
    Call(Name, Vec<Expr>),
}

impl Expr {
    /// A variable.
    pub fn var(name: &str) -> Expr {
        Expr::Var(Arc::from(name))
    }
    /// `op(args)`.
    pub fn apply(op: Op, args: Vec<Expr>) -> Expr {
        Expr::Apply(op, args)
    }
    /// `op(a)`.
    pub fn unary(op: Op, a: Expr) -> Expr {
        Expr::Apply(op, vec![a])
    }
    /// `op(a, b)`.
    pub fn binary(op: Op, a: Expr, b: Expr) -> Expr {
        Expr::Apply(op, vec![a, b])
    }

    /// The numeric value if `self` is a number or a named constant.
    pub fn as_number(&self) -> Option<f64> {
        match self {
            Expr::Num(v) => Some(*v),
            Expr::Const(c) => Some(c.value()),
            Expr::Avogadro => Some(AVOGADRO),
            _ => None,
        }
    }

    /// The variables the expression reads (not `time`, not function names).
    pub fn symbols(&self) -> BTreeSet<Name> {
        let mut out = BTreeSet::new();
        self.visit(&mut |e| {
            if let Expr::Var(n) = e {
                out.insert(n.clone());
            }
        });
        out
    }

    /// Whether the expression reads variable `name`.
    pub fn depends_on(&self, name: &str) -> bool {
        let mut found = false;
        self.visit(&mut |e| found |= matches!(e, Expr::Var(n) if &**n == name));
        found
    }

    /// Whether the expression reads the `time` csymbol.
    pub fn depends_on_time(&self) -> bool {
        let mut found = false;
        self.visit(&mut |e| found |= matches!(e, Expr::Time));
        found
    }

    /// Calls `f` on every node, parents before children.
    pub fn visit(&self, f: &mut impl FnMut(&Expr)) {
        f(self);
        match self {
            Expr::Apply(_, args) | Expr::Call(_, args) => args.iter().for_each(|a| a.visit(f)),
            Expr::Piecewise { pieces, otherwise } => {
                for (v, c) in pieces {
                    v.visit(f);
                    c.visit(f);
                }
                if let Some(o) = otherwise {
                    o.visit(f);
                }
            }
            _ => {}
        }
    }

    /// The number of nodes.
    pub fn size(&self) -> usize {
        let mut n = 0;
        self.visit(&mut |_| n += 1);
        n
    }

    /// The nesting depth (a leaf has depth 1).
    pub fn depth(&self) -> usize {
        1 + match self {
            Expr::Apply(_, args) | Expr::Call(_, args) => args.iter().map(Expr::depth).max().unwrap_or(0),
            Expr::Piecewise { pieces, otherwise } => pieces
                .iter()
                .map(|(v, c)| v.depth().max(c.depth()))
                .chain(otherwise.iter().map(|o| o.depth()))
                .max()
                .unwrap_or(0),
            _ => 0,
        }
    }

    /// Evaluates the tree directly (slow but simple: for tests, constant
    /// expressions and one-off values; compile a [`Tape`](super::Tape) for
    /// repeated evaluation). `vars` gives each variable's value.
    pub fn eval(&self, vars: &dyn Fn(&str) -> Option<f64>, time: f64) -> Result<f64, ExprError> {
        Ok(match self {
            Expr::Num(v) => *v,
            Expr::Const(c) => c.value(),
            Expr::Time => time,
            Expr::Avogadro => AVOGADRO,
            Expr::Var(n) => vars(n).ok_or_else(|| ExprError::Unbound(n.to_string()))?,
            Expr::Apply(Op::Delay, _) => return Err(delay_unbound()),
            Expr::Apply(op, args) => {
                op.check_arity(args.len())?;
                // Up to four arguments (nearly every operation) on the stack:
                // a formula evaluated per measurement allocates nothing.
                const ON_STACK: usize = 4;
                if args.len() <= ON_STACK {
                    let mut values = [0.0; ON_STACK];
                    for (value, a) in values.iter_mut().zip(args) {
                        *value = a.eval(vars, time)?;
                    }
                    op.apply(args.len(), |k| values[k])
                } else {
                    let values = args.iter().map(|a| a.eval(vars, time)).collect::<Result<Vec<f64>, _>>()?;
                    op.apply(values.len(), |k| values[k])
                }
            }
            Expr::Piecewise { pieces, otherwise } => {
                for (v, c) in pieces {
                    if truth(c.eval(vars, time)?) {
                        return v.eval(vars, time);
                    }
                }
                match otherwise {
                    Some(o) => o.eval(vars, time)?,
                    None => f64::NAN,
                }
            }
            Expr::Call(name, _) => return Err(ExprError::UnknownFunction(name.to_string())),
        })
    }

    /// Replaces every variable named in `map` by its expression.
    pub fn substitute(&self, map: &dyn Fn(&str) -> Option<Expr>) -> Expr {
        match self {
            Expr::Var(n) => map(n).unwrap_or_else(|| self.clone()),
            Expr::Apply(op, args) => Expr::Apply(*op, args.iter().map(|a| a.substitute(map)).collect()),
            Expr::Call(f, args) => Expr::Call(f.clone(), args.iter().map(|a| a.substitute(map)).collect()),
            Expr::Piecewise { pieces, otherwise } => Expr::Piecewise {
                pieces: pieces.iter().map(|(v, c)| (v.substitute(map), c.substitute(map))).collect(),
                otherwise: otherwise.as_ref().map(|o| Box::new(o.substitute(map))),
            },
            _ => self.clone(),
        }
    }
}

impl Expr {
    /// A copy with each `delay(x, τ)` replaced by `f(x, τ′)`, where `τ′` is
    /// `τ` with its own delays replaced first (`x` is passed as it is).
    pub fn replace_delays<E>(&self, f: &mut dyn FnMut(&Expr, Expr) -> Result<Expr, E>) -> Result<Expr, E> {
        Ok(self.replaced_delays(f)?.unwrap_or_else(|| self.clone()))
    }

    /// [`Expr::replace_delays`] with an `f` that cannot fail.
    pub fn map_delays(&self, mut f: impl FnMut(&Expr, Expr) -> Expr) -> Expr {
        match self.replace_delays::<std::convert::Infallible>(&mut |x, lag| Ok(f(x, lag))) {
            Ok(e) => e,
            Err(never) => match never {},
        }
    }

    /// [`Expr::replace_delays`], `None` where nothing holds a delay (one
    /// pass over the tree, copying only the branches that change).
    fn replaced_delays<E>(&self, f: &mut dyn FnMut(&Expr, Expr) -> Result<Expr, E>) -> Result<Option<Expr>, E> {
        /// Each expression replaced, or `None` if none holds a delay.
        fn all<'e, E>(
            items: impl Iterator<Item = &'e Expr>,
            f: &mut dyn FnMut(&Expr, Expr) -> Result<Expr, E>,
        ) -> Result<Option<Vec<Expr>>, E> {
            let items: Vec<&Expr> = items.collect();
            let mut replaced: Vec<Option<Expr>> = Vec::with_capacity(items.len());
            for e in &items {
                replaced.push(e.replaced_delays(f)?);
            }
            if replaced.iter().all(Option::is_none) {
                return Ok(None);
            }
            Ok(Some(replaced.into_iter().zip(items).map(|(r, e)| r.unwrap_or_else(|| e.clone())).collect()))
        }
        Ok(match self {
            Expr::Apply(Op::Delay, args) if args.len() == 2 => {
                let lag = args[1].replace_delays(f)?;
                Some(f(&args[0], lag)?)
            }
            Expr::Apply(op, args) => all(args.iter(), f)?.map(|args| Expr::Apply(*op, args)),
            Expr::Call(name, args) => all(args.iter(), f)?.map(|args| Expr::Call(name.clone(), args)),
            Expr::Piecewise { pieces, otherwise } => {
                let parts = pieces.iter().flat_map(|(v, c)| [v, c]).chain(otherwise.as_deref());
                all(parts, f)?.map(|mut parts| {
                    let otherwise = otherwise.as_ref().and_then(|_| parts.pop()).map(Box::new);
                    let mut parts = parts.into_iter();
                    let pieces = std::iter::from_fn(|| Some((parts.next()?, parts.next()?))).collect();
                    Expr::Piecewise { pieces, otherwise }
                })
            }
            _ => None,
        })
    }

    /// A copy with every `time` csymbol replaced by `by` (e.g. a variable,
    /// to differentiate with respect to time with [`Expr::diff`]).
    pub fn substitute_time(&self, by: &Expr) -> Expr {
        match self {
            Expr::Time => by.clone(),
            Expr::Apply(op, args) => Expr::Apply(*op, args.iter().map(|a| a.substitute_time(by)).collect()),
            Expr::Call(f, args) => Expr::Call(f.clone(), args.iter().map(|a| a.substitute_time(by)).collect()),
            Expr::Piecewise { pieces, otherwise } => Expr::Piecewise {
                pieces: pieces.iter().map(|(v, c)| (v.substitute_time(by), c.substitute_time(by))).collect(),
                otherwise: otherwise.as_ref().map(|o| Box::new(o.substitute_time(by))),
            },
            other => other.clone(),
        }
    }
}

impl From<f64> for Expr {
    fn from(v: f64) -> Expr {
        Expr::Num(v)
    }
}

// ------------------------------------------------------------------ printing

/// Binding strength of printed forms (higher binds tighter).
pub(crate) mod prec {
    pub const OR: u8 = 1;
    pub const AND: u8 = 2;
    pub const REL: u8 = 3;
    pub const ADD: u8 = 4;
    pub const MUL: u8 = 5;
    pub const UNARY: u8 = 6;
    pub const POW: u8 = 7;
    pub const ATOM: u8 = 8;
}

fn infix_symbol(op: Op) -> Option<(&'static str, u8)> {
    Some(match op {
        Op::Or => ("||", prec::OR),
        Op::And => ("&&", prec::AND),
        Op::Eq => ("==", prec::REL),
        Op::Neq => ("!=", prec::REL),
        Op::Lt => ("<", prec::REL),
        Op::Leq => ("<=", prec::REL),
        Op::Gt => (">", prec::REL),
        Op::Geq => (">=", prec::REL),
        Op::Plus => ("+", prec::ADD),
        Op::Minus => ("-", prec::ADD),
        Op::Times => ("*", prec::MUL),
        Op::Divide => ("/", prec::MUL),
        Op::Power => ("^", prec::POW),
        _ => return None,
    })
}

/// How tightly `e` binds as printed.
fn strength(e: &Expr) -> u8 {
    match e {
        Expr::Num(v) if *v < 0.0 || (*v == 0.0 && v.is_sign_negative()) => prec::UNARY,
        Expr::Apply(Op::Minus | Op::Not, args) if args.len() == 1 => prec::UNARY,
        Expr::Apply(op, args) => match infix_symbol(*op) {
            Some((_, p))
                if args.len() == 2 || (args.len() > 2 && matches!(op, Op::Plus | Op::Times | Op::And | Op::Or)) =>
            {
                p
            }
            _ => prec::ATOM,
        },
        _ => prec::ATOM,
    }
}

fn number_text(v: f64) -> String {
    if v.is_nan() {
        "notanumber".into()
    } else if v.is_infinite() {
        if v > 0.0 { "infinity" } else { "-infinity" }.into()
    } else if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{v}")
    } else {
        format!("{v:?}")
    }
}

struct Wrap<'a>(&'a Expr, bool);

impl fmt::Display for Wrap<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.1 {
            write!(f, "({})", self.0)
        } else {
            write!(f, "{}", self.0)
        }
    }
}

fn write_call(f: &mut fmt::Formatter<'_>, name: &str, args: &[Expr]) -> fmt::Result {
    write!(f, "{name}(")?;
    for (k, a) in args.iter().enumerate() {
        if k > 0 {
            f.write_str(", ")?;
        }
        write!(f, "{a}")?;
    }
    f.write_str(")")
}

/// Infix text that [`Expr::parse`] reads back to the same tree: operators
/// with the fewest parentheses that keep the tree's shape, functions by
/// their MathML names (`log(10, x)`, `root(2, x)`), `piecewise(v1, c1, …,
/// otherwise)`.
impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expr::Num(v) => f.write_str(&number_text(*v)),
            Expr::Var(n) => f.write_str(n),
            Expr::Const(c) => f.write_str(c.name()),
            Expr::Time => f.write_str("time"),
            Expr::Avogadro => f.write_str("avogadro"),
            Expr::Call(n, args) => write_call(f, n, args),
            Expr::Piecewise { pieces, otherwise } => {
                f.write_str("piecewise(")?;
                let mut first = true;
                for (v, c) in pieces {
                    if !first {
                        f.write_str(", ")?;
                    }
                    first = false;
                    write!(f, "{v}, {c}")?;
                }
                if let Some(o) = otherwise {
                    if !first {
                        f.write_str(", ")?;
                    }
                    write!(f, "{o}")?;
                }
                f.write_str(")")
            }
            Expr::Apply(op, args) => {
                let own = strength(self);
                if args.len() == 1 && matches!(op, Op::Minus | Op::Not) {
                    let a = &args[0];
                    // `-(3)` stays a negation of a number (`-3` reads as the number −3).
                    let paren = strength(a) < prec::UNARY || matches!(a, Expr::Num(_));
                    let sym = if *op == Op::Minus { "-" } else { "!" };
                    return write!(f, "{sym}{}", Wrap(a, paren));
                }
                if own == prec::ATOM {
                    return write_call(f, op.name(), args);
                }
                let (sym, p) = infix_symbol(*op).expect("infix operator");
                match op {
                    Op::Power => {
                        // Right-associative; the exponent is read at unary level.
                        write!(
                            f,
                            "{}^{}",
                            Wrap(&args[0], strength(&args[0]) <= p),
                            Wrap(&args[1], strength(&args[1]) < prec::UNARY)
                        )
                    }
                    Op::Minus | Op::Divide => {
                        // Left-associative: the left operand may be any chain of this level.
                        write!(
                            f,
                            "{} {sym} {}",
                            Wrap(&args[0], strength(&args[0]) < p),
                            Wrap(&args[1], strength(&args[1]) <= p)
                        )
                    }
                    Op::Plus | Op::Times | Op::And | Op::Or => {
                        for (k, a) in args.iter().enumerate() {
                            if k > 0 {
                                write!(f, " {sym} ")?;
                            }
                            let s = strength(a);
                            // An unparenthesised chain of one operator reads as one
                            // n-ary node, so a nested node of the same operator needs
                            // parentheses; the first operand may be the other
                            // operator of the level (`a - b + c`).
                            let same = matches!(a, Expr::Apply(o, aa) if o == op && s == p && aa.len() >= 2);
                            let paren = if k == 0 { s < p || same } else { s <= p };
                            write!(f, "{}", Wrap(a, paren))?;
                        }
                        Ok(())
                    }
                    _ => {
                        // Relational: not associative.
                        write!(
                            f,
                            "{} {sym} {}",
                            Wrap(&args[0], strength(&args[0]) <= p),
                            Wrap(&args[1], strength(&args[1]) <= p)
                        )
                    }
                }
            }
        }
    }
}

// ------------------------------------------------------------------ functions

/// A user function (SBML `functionDefinition`): `lambda(params…, body)`.
#[derive(Clone, Debug, PartialEq)]
pub struct Lambda {
    /// Parameter names, in order.
    pub params: Vec<Name>,
    /// The body, which reads the parameters.
    pub body: Expr,
}

/// User functions by name, for [`Expr::inline`].
#[derive(Clone, Debug, Default)]
pub struct FunctionTable {
    map: std::collections::HashMap<Name, Lambda>,
}

impl FunctionTable {
    /// An empty table.
    pub fn new() -> FunctionTable {
        FunctionTable::default()
    }
    /// Adds (or replaces) function `name`.
    pub fn insert(&mut self, name: &str, lambda: Lambda) {
        self.map.insert(Arc::from(name), lambda);
    }
    /// Function `name`.
    pub fn get(&self, name: &str) -> Option<&Lambda> {
        self.map.get(name)
    }
    /// The number of functions.
    pub fn len(&self) -> usize {
        self.map.len()
    }
    /// Whether the table is empty.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
}

impl Expr {
    /// Replaces every call of a user function by its body with the
    /// arguments substituted for the parameters (the arguments themselves
    /// inlined first), recursively. Fails on an unknown function, a wrong
    /// number of arguments, a function that calls itself (directly or
    /// through others: the nesting of calls is limited to
    /// [`MAX_CALL_DEPTH`](super::MAX_CALL_DEPTH)), or a result larger than
    /// [`MAX_NODES`](super::MAX_NODES) nodes or deeper than
    /// [`MAX_INLINED_DEPTH`](super::MAX_INLINED_DEPTH) levels.
    pub fn inline(&self, defs: &FunctionTable) -> Result<Expr, ExprError> {
        let mut budget = super::MAX_NODES;
        let mut stack = Vec::new();
        self.inline_in(defs, &mut stack, &mut budget, 1)
    }

    /// `depth`: the depth of this node in the result.
    fn inline_in(
        &self,
        defs: &FunctionTable,
        stack: &mut Vec<Name>,
        budget: &mut usize,
        depth: usize,
    ) -> Result<Expr, ExprError> {
        *budget = budget.checked_sub(1).ok_or(ExprError::TooLarge { limit: super::MAX_NODES })?;
        if depth > super::MAX_INLINED_DEPTH {
            return Err(ExprError::TooDeep { limit: super::MAX_INLINED_DEPTH });
        }
        Ok(match self {
            Expr::Call(name, args) => {
                let lambda = defs.get(name).ok_or_else(|| ExprError::UnknownFunction(name.to_string()))?;
                if lambda.params.len() != args.len() {
                    return Err(ExprError::Arity {
                        function: name.to_string(),
                        expected: lambda.params.len().to_string(),
                        found: args.len(),
                    });
                }
                if stack.contains(name) || stack.len() >= super::MAX_CALL_DEPTH {
                    let mut chain: Vec<String> = stack.iter().map(|n| n.to_string()).collect();
                    chain.push(name.to_string());
                    return Err(ExprError::Recursion { chain: chain.join(" → ") });
                }
                let args =
                    args.iter().map(|a| a.inline_in(defs, stack, budget, depth)).collect::<Result<Vec<_>, _>>()?;
                let body =
                    lambda.body.substitute(&|n| lambda.params.iter().position(|p| &**p == n).map(|k| args[k].clone()));
                stack.push(name.clone());
                let out = body.inline_in(defs, stack, budget, depth);
                stack.pop();
                out?
            }
            Expr::Apply(op, args) => Expr::Apply(
                *op,
                args.iter().map(|a| a.inline_in(defs, stack, budget, depth + 1)).collect::<Result<_, _>>()?,
            ),
            Expr::Piecewise { pieces, otherwise } => Expr::Piecewise {
                pieces: pieces
                    .iter()
                    .map(|(v, c)| {
                        Ok((v.inline_in(defs, stack, budget, depth + 1)?, c.inline_in(defs, stack, budget, depth + 1)?))
                    })
                    .collect::<Result<_, ExprError>>()?,
                otherwise: match otherwise {
                    Some(o) => Some(Box::new(o.inline_in(defs, stack, budget, depth + 1)?)),
                    None => None,
                },
            },
            other => other.clone(),
        })
    }
}
