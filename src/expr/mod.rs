//! Math expressions: the layer that SBML import and expression rate laws
//! build on.
//!
//! Rate laws, rules, event triggers and assignments, initial assignments and
//! observables may be arbitrary math. This module reads it — infix text
//! ([`Expr::parse`]) or SBML Level 3 Version 2 MathML ([`Expr::from_mathml`],
//! [`mathml`]) — inlines function definitions ([`Expr::inline`]), simplifies
//! without changing values ([`Expr::simplify`]), differentiates symbolically
//! ([`Expr::diff`]) so that Jacobians stay exact and sparse (no finite
//! differences), and compiles any set of expressions into one flat
//! instruction tape with common subexpressions shared ([`Tape`]), evaluated
//! without allocation.
//!
//! ```
//! use sasp::expr::{Expr, Tape};
//!
//! let rate = Expr::parse("Vmax*S/(Km + S)*cell")?;
//! let d_rate = rate.diff("S")?;                          // ∂rate/∂S, exact
//! let names = ["Vmax", "S", "Km", "cell"];
//! let tape = Tape::compile(&[rate, d_rate], |n| names.iter().position(|m| *m == n))?;
//! let mut ws = tape.workspace();
//! let out = tape.eval(&[2.0, 1.0, 1.0, 1.0], 0.0, &mut ws);
//! assert_eq!(out, &[1.0, 0.5]);
//! # Ok::<(), sasp::expr::ExprError>(())
//! ```
//!
//! Errors are [`ExprError`]s; they convert into [`SaspError`](crate::SaspError)
//! (syntax errors as `FileSyntax` of the path `<expression>`, line 1, the
//! others as `InvalidModel`).
//!
//! # Values
//!
//! Everything evaluates to an `f64`. Booleans are 1.0 (true) and 0.0
//! (false); in a boolean context (conditions, logical operators) a value is
//! true when it is nonzero and not NaN. IEEE rules apply otherwise (`1/0` is
//! +∞, `ln(-1)` NaN); nothing traps.
//!
//! # Grammar of infix text
//!
//! ```text
//! expr     = or
//! or       = and { ("||" | "or") and }            (* one n-ary node per run *)
//! and      = relation { ("&&" | "and") relation }
//! relation = sum [ ("<" | "<=" | ">" | ">=" | "==" | "!=") sum ]   (* no chains *)
//! sum      = product { ("+" | "-") product }      (* a run of + is one n-ary node;
//!                                                    - is binary, left-associative *)
//! product  = unary { ("*" | "/") unary }          (* likewise *)
//! unary    = ("-" | "!" | "not") unary | power
//! power    = primary [ ("^" | "**") unary ]       (* right-associative: a^b^c = a^(b^c);
//!                                                    -x^2 = -(x^2); 2^-x allowed *)
//! primary  = number | name | name "(" [ expr { "," expr } ] ")" | "(" expr ")"
//! number   = digits [ "." [digits] ] [ exponent ] | "." digits [ exponent ]
//! exponent = ("e" | "E") [ "+" | "-" ] digits
//! name     = (letter | "_") { letter | digit | "_" }
//! ```
//!
//! A `-` directly before a number literal is part of it (`-3` is the number
//! −3, as libSBML reads it) unless the number is a base (`-3^2` = −(3²)).
//! Whitespace is free. Text is limited to [`MAX_INPUT_LEN`] bytes and
//! nesting to [`MAX_DEPTH`] levels (counting parentheses and function
//! arguments, prefix operators, exponents, and each binary `-` or `/` of a
//! run), so hostile input gives an error, never a stack overflow. Syntax
//! errors name the byte column and show a caret:
//!
//! ```text
//! unexpected ')' at column 7
//!   Vmax*S)
//!         ^
//! ```
//!
//! Names that mean something by themselves: `time` and `avogadro` (the SBML
//! csymbols), `pi`, `exponentiale`, `true`, `false`, `infinity` (also `INF`,
//! `inf`), `notanumber` (also `NaN`, `nan`). `and`, `or`, `not` are operators
//! (`xor(…)` and `implies(…)` are functions). Any other name is a variable,
//! or, followed by `(`, a built-in function below (with the libSBML L3
//! spellings `pow`, `sqrt`, `log10`, `ceil`, `asin` … `acoth`) or else a call
//! of a user function. `rateOf(…)` is refused ([`ExprError::Unsupported`]);
//! `delay(x, τ)` is the value of `x` at `time − τ`, which only a model can
//! give (it keeps the history of its solution): evaluating, compiling or
//! differentiating it elsewhere is an error.
//!
//! Every operator also has a function form under its MathML name
//! (`plus(…)`, `times(…)`, `lt(a, b, c)`, `and(…)`, `power(a, b)` …).
//!
//! [`Expr`]'s `Display` prints infix text that parses back to the same tree
//! (function forms where infix cannot say it, e.g. `lt(a, b, c)`), except for
//! a variable or user function that takes a reserved name (a MathML
//! `<ci>time</ci>` prints as `time`, which reads back as the csymbol).
//!
//! # Functions and their semantics
//!
//! As SBML L3V2 defines them (section 3.4, which takes the MathML 2.0
//! definitions, themselves following Abramowitz & Stegun), with the choices
//! below where the specifications leave room:
//!
//! | function | value |
//! |---|---|
//! | `a + b + …`, `a * b * …` | left to right; no arguments: 0 and 1 |
//! | `-a`, `a - b`, `a / b` | IEEE |
//! | `a ^ b`, `power(a, b)`, `pow` | `f64::powf` (`0^0` = 1, negative base with a non-integer exponent: NaN); `a ^ 2` is `a * a`, another integer exponent up to 16 in size repeated squaring (`f64::powi`: within a few ulps of `powf`, and several times faster) |
//! | `exp(x)`, `ln(x)` | eˣ, natural logarithm |
//! | `log(x)` | **base 10** (MathML's default `logbase`; libSBML's L3 parser's default) |
//! | `log(b, x)` | log base `b` of `x`, the base **first** (libSBML L3 infix; MathML `<logbase>`) = ln x / ln b (exact `log10`, `log2` for b = 10, 2) |
//! | `root(n, x)`, `root(x)`, `sqrt(x)` | x^(1/n) with `powf` (degree first; default degree 2, computed with `sqrt`). A negative radicand gives NaN even for odd `n` (the principal root is not real; no `cbrt`-style odd roots) |
//! | `abs`, `floor`, `ceiling` (`ceil`) | as `f64` |
//! | `factorial(n)` | n! for a non-negative integer n (+∞ past 170!); **NaN for anything else** (MathML defines factorial on the natural numbers only; we refuse rather than round or extend with Γ) |
//! | `sin cos tan`, `sinh cosh tanh`, `arcsin arccos arctan`, `arcsinh arccosh arctanh` | `f64` |
//! | `sec csc cot`, `sech csch coth` | 1/cos, 1/sin, 1/tan, 1/cosh, 1/sinh, 1/tanh |
//! | `arcsec arccsc arccot` | arccos(1/x), arcsin(1/x), arctan(1/x) (Abramowitz & Stegun 4.4.8–4.4.9; so `arccot` jumps at 0) |
//! | `arcsech arccsch arccoth` | arccosh(1/x), arcsinh(1/x), arctanh(1/x) |
//! | `min(…)`, `max(…)` | n-ary (at least one argument); NaN if any argument is NaN |
//! | `quotient(a, b)` | a/b **truncated toward zero**: the q of a = q·b + r with \|r\| < \|b\| and a·r ≥ 0 (Content MathML / OpenMath `integer1`, which SBML L3V2 adopts). libSBML's own evaluator uses ⌊a/b⌋, which differs for operands of opposite sign |
//! | `rem(a, b)` | the r above: **sign of the dividend**, `f64 %` (C `fmod`): `rem(-7, 2)` = −1 |
//! | `piecewise(v1, c1, v2, c2, …, [otherwise])` | the value of the first piece whose condition is true, else `otherwise`, else NaN |
//! | `a < b`, `lt(a, b, c…)` and `<=`, `>`, `>=`, `==` (`eq`) | n-ary as SBML defines them: true when every neighbour pair satisfies the relation (`lt(a, b, c)` = a < b and b < c); one argument: true |
//! | `a != b`, `neq(a, b)` | exactly two arguments |
//! | `a && b`, `and(…)`; `a \|\| b`, `or(…)`; `xor(…)` | n-ary (no arguments: true, false, false); xor: an odd number true |
//! | `!a`, `not(a)`; `implies(a, b)` | negation; not a, or b |
//! | `time`, `avogadro` | the time handed to the evaluation; 6.02214179e23, SBML L3's value ([`AVOGADRO`]) |
//! | `delay(x, τ)` | the value of `x` at `time − τ`, from the history a model keeps of its solution (in a model only; see the model documentation) |
//!
//! # MathML
//!
//! [`mathml::read`] takes a `<math>` element (or any content element) and
//! reads the SBML L3V2 subset: `apply` with every operator above, `ci`,
//! `cn` (`type` `integer`, `real`, `e-notation` and `rational` with `<sep/>`;
//! `sbml:units` ignored), `csymbol` `time` and `avogadro` (by
//! `definitionURL`; `rateOf(x)` of one symbol is read as the variable
//! [`mathml::rate_of`] names, for the SBML import to replace; `delay(x, τ)`
//! is read as [`Op::Delay`]), `piecewise`/`piece`/`otherwise`,
//! `lambda` with `bvar` ([`mathml::Math::Lambda`]), `degree`, `logbase`, the
//! constants, and `semantics` (its first child; annotations ignored).
//! Anything else is an error naming the element.
//!
//! # Function definitions
//!
//! [`Expr::inline`] replaces calls of user functions ([`FunctionTable`] of
//! [`Lambda`]s) by their bodies, checking argument counts and refusing
//! recursion (calls nest at most [`MAX_CALL_DEPTH`] deep; a result has at
//! most [`MAX_NODES`] nodes and [`MAX_INLINED_DEPTH`] levels).
//!
//! # Simplification
//!
//! [`Expr::simplify`] only rewrites what gives the same value for every
//! input (see its rules in the source module `simplify.rs`): constant
//! folding (with the same kernels as evaluation), `x+0`, `x-0`, `0-x`,
//! `--x`, `x*1`, `x/1`, `x^1`, `x^0 = 1`, `1^x = 1`, piecewise with constant
//! conditions. It never turns `x*0` into 0 (∞·0 and NaN·0 are NaN), `x-x`
//! into 0 or `x/x` into 1, and does not reassociate sums or products.
//!
//! # Derivatives
//!
//! [`Expr::diff`] differentiates every operator: the sum, product and
//! quotient rules; chain rule for every elementary function (`d tan u =
//! sec²u du`, `d arcsec u = du / (|u| √(u²−1))` …); powers: a constant
//! exponent gives `n·u^(n−1)·u'` (so `d(x²)/dx` at 0 is 0), a variable one
//! `u^v·(v'·ln u + v·u'/u)`; `root` and `log` with constant degree or base
//! directly, otherwise through `powf` and `ln`; `abs`: `piecewise(1, u > 0,
//! −1, u < 0, 0)·u'`; `min`/`max`: a piecewise choosing the derivative of
//! the extreme argument (ties to the first); `rem(a, b)`: `a' −
//! b'·quotient(a, b)`; piecewise: each piece differentiated, conditions
//! unchanged; `floor`, `ceiling`, `factorial`, `quotient`, relational and
//! logical operators: 0 (piecewise constant). A subexpression that does not
//! depend on the variable contributes no term at all (a structural zero), so
//! derivatives stay small and sparse without folding `x*0`.
//!
//! # Compiled evaluation
//!
//! [`Tape::compile`] (or [`TapeBuilder`] root by root) hash-conses the
//! expressions on their structure, so each distinct subexpression is one
//! register computed once per evaluation; variables are bound to slots by a
//! closure. [`Tape::eval`] runs the instructions into a [`Workspace`] and
//! returns the roots' values; it allocates nothing. Parameters named by
//! [`parameter_name`] are numbers of the tape that
//! [`Tape::set_parameters`] changes without recompiling; what depends on
//! numbers and parameters alone is computed once, not at each evaluation.
//! [`Tape::instruction_count`] measures the cost. A piecewise evaluates all
//! its pieces (no branches on the tape).

mod ast;
mod diff;
pub mod mathml;
mod parse;
mod simplify;
mod tape;

pub use ast::{factorial, truth, Constant, Expr, FunctionTable, Lambda, Name, Op, AVOGADRO};
pub use parse::Dialect;
pub use tape::{Tape, TapeBuilder, Workspace};

/// The variable name that stands for parameter `k` of a model in a
/// resolved expression: `$p` then `k` (a name no model item can have, as
/// names cannot contain `$`). A [`TapeBuilder::with_parameters`] tape reads
/// it as a number it can change without recompiling
/// ([`Tape::set_parameters`]).
pub fn parameter_name(k: usize) -> String {
    format!("$p{k}")
}

/// The parameter index of a name made by [`parameter_name`], if it is one.
pub fn parameter_index(name: &str) -> Option<usize> {
    index_after(name, "$p")
}

/// `k` of a name `prefix` then `k` (decimal, no leading zeros), if it is one.
fn index_after(name: &str, prefix: &str) -> Option<usize> {
    let digits = name.strip_prefix(prefix)?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) || (digits.len() > 1 && digits.starts_with('0'))
    {
        return None;
    }
    digits.parse().ok()
}

/// The variable name that stands for the `k`-th distinct `delay(x, τ)` of
/// a model in its compiled expressions: `$d` then `k` (as
/// [`parameter_name`], a name no model item can have). The model computes
/// its value from the history of the solution before each evaluation.
pub fn delayed_name(k: usize) -> String {
    format!("$d{k}")
}

/// The index of a name made by [`delayed_name`], if it is one.
pub fn delayed_index(name: &str) -> Option<usize> {
    index_after(name, "$d")
}

/// Largest infix text accepted, in bytes.
pub const MAX_INPUT_LEN: usize = 256 * 1024;
/// Deepest nesting accepted in infix text and MathML.
pub const MAX_DEPTH: usize = 256;
/// Deepest nesting of user-function calls [`Expr::inline`] follows.
pub const MAX_CALL_DEPTH: usize = 64;
/// Largest expression [`Expr::inline`] builds, in nodes.
pub const MAX_NODES: usize = 1_000_000;
/// Deepest expression [`Expr::inline`] builds (bodies nest arguments: a
/// function of depth 200 applied to itself 200 times would be 40 000 deep).
pub const MAX_INLINED_DEPTH: usize = 1024;

/// What can go wrong reading, inlining, differentiating or compiling an
/// expression.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ExprError {
    /// Infix text is malformed. `column` is the 1-based byte column;
    /// `snippet` shows the text around it with a caret under it.
    #[error("{message} at column {column}\n{snippet}")]
    Syntax {
        /// What is wrong.
        message: String,
        /// 1-based byte column.
        column: usize,
        /// Two lines: the text and a caret.
        snippet: String,
    },
    /// Infix text is longer than [`MAX_INPUT_LEN`].
    #[error("expression text of {len} bytes is too long (at most {limit})")]
    TooLong {
        /// Its length.
        len: usize,
        /// The limit.
        limit: usize,
    },
    /// Nesting deeper than the limit.
    #[error("expression nested more than {limit} levels deep")]
    TooDeep {
        /// The limit.
        limit: usize,
    },
    /// Inlining function definitions built more than [`MAX_NODES`] nodes.
    #[error("expression grows past {limit} nodes when function definitions are inlined")]
    TooLarge {
        /// The limit.
        limit: usize,
    },
    /// A function applied to the wrong number of arguments.
    #[error("'{function}' takes {expected} argument(s), found {found}")]
    Arity {
        /// The function.
        function: String,
        /// The allowed counts.
        expected: String,
        /// The count found.
        found: usize,
    },
    /// A call of a function that is neither built in nor defined.
    #[error("unknown function '{0}'")]
    UnknownFunction(String),
    /// A function definition calls itself (directly or through others).
    #[error("recursive function definitions: {chain}")]
    Recursion {
        /// The chain of calls.
        chain: String,
    },
    /// A variable with no slot (compilation) or no value (evaluation).
    #[error("unbound symbol '{0}'")]
    Unbound(String),
    /// A construct this layer does not support (named).
    #[error("unsupported: {0}")]
    Unsupported(String),
    /// Malformed MathML.
    #[error("invalid MathML <{element}>: {message}")]
    MathMl {
        /// The element.
        element: String,
        /// What is wrong.
        message: String,
    },
}

/// An expression error is a model error of the item `expression` (a model
/// file that holds the expression locates it further, at its line).
impl From<ExprError> for crate::error::SaspError {
    fn from(e: ExprError) -> Self {
        let reason = match e {
            ExprError::Unsupported(construct) => {
                return crate::error::SaspError::unsupported(construct, "a math expression")
            }
            ExprError::Syntax { message, column, snippet } => format!("{message} at column {column}\n{snippet}"),
            other => other.to_string(),
        };
        crate::error::ModelError::invalid("expression", reason).into()
    }
}

impl Expr {
    /// Parses infix text (see the [grammar](self#grammar-of-infix-text)).
    pub fn parse(text: &str) -> Result<Expr, ExprError> {
        parse::parse(text)
    }

    /// Parses infix text where the names for which `shadow` is true are
    /// variables even if they are reserved words (`pi`, `time`, `inf` …):
    /// how a model whose compartment is called `pi` reads its expressions.
    ///
    /// ```
    /// use sasp::expr::Expr;
    ///
    /// assert_eq!(Expr::parse("2*pi")?.as_number(), None);
    /// let e = Expr::parse_with("2*pi", &|n| n == "pi")?;
    /// assert!(e.depends_on("pi"));
    /// # Ok::<(), sasp::expr::ExprError>(())
    /// ```
    pub fn parse_with(text: &str, shadow: &dyn Fn(&str) -> bool) -> Result<Expr, ExprError> {
        parse::parse_with(text, shadow)
    }

    /// Parses infix text written in `dialect` (PEtab's formulas follow
    /// SymPy: `log(x)` is `ln(x)`), with `shadow` as in [`Expr::parse_with`].
    ///
    /// ```
    /// use sasp::expr::{Dialect, Expr};
    ///
    /// let ln = Expr::parse_dialect("log(x)", &|_| false, Dialect::Sympy)?;
    /// assert_eq!(ln.eval(&|_| Some(std::f64::consts::E), 0.0)?, 1.0);
    /// let log10 = Expr::parse("log(x)")?;
    /// assert_eq!(log10.eval(&|_| Some(100.0), 0.0)?, 2.0);
    /// # Ok::<(), sasp::expr::ExprError>(())
    /// ```
    pub fn parse_dialect(text: &str, shadow: &dyn Fn(&str) -> bool, dialect: Dialect) -> Result<Expr, ExprError> {
        parse::parse_dialect(text, shadow, dialect)
    }

    /// Reads a MathML `<math>` element (or content element) holding an
    /// expression; see [`mathml::read`] for lambdas.
    pub fn from_mathml(node: roxmltree::Node) -> Result<Expr, ExprError> {
        mathml::read_expr(node)
    }
}

impl std::str::FromStr for Expr {
    type Err = ExprError;
    fn from_str(s: &str) -> Result<Expr, ExprError> {
        Expr::parse(s)
    }
}
