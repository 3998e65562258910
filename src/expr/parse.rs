//! The infix parser (grammar in the [module documentation](super)).

use std::sync::Arc;

use super::ast::{Constant, Expr, Op};
use super::{ExprError, MAX_DEPTH, MAX_INPUT_LEN};

#[derive(Clone, Copy, Debug, PartialEq)]
enum Tok<'a> {
    Num(f64),
    Ident(&'a str),
    LParen,
    RParen,
    Comma,
    Plus,
    Minus,
    Star,
    Slash,
    Caret,
    Lt,
    Le,
    Gt,
    Ge,
    EqEq,
    Ne,
    AndAnd,
    OrOr,
    Bang,
    End,
}

fn describe(t: Tok) -> String {
    match t {
        Tok::Num(v) => format!("number {v}"),
        Tok::Ident(s) => format!("'{s}'"),
        Tok::End => "end of input".into(),
        other => {
            let s = match other {
                Tok::LParen => "(",
                Tok::RParen => ")",
                Tok::Comma => ",",
                Tok::Plus => "+",
                Tok::Minus => "-",
                Tok::Star => "*",
                Tok::Slash => "/",
                Tok::Caret => "^",
                Tok::Lt => "<",
                Tok::Le => "<=",
                Tok::Gt => ">",
                Tok::Ge => ">=",
                Tok::EqEq => "==",
                Tok::Ne => "!=",
                Tok::AndAnd => "&&",
                Tok::OrOr => "||",
                _ => "!",
            };
            format!("'{s}'")
        }
    }
}

/// A syntax error at byte `pos` of `text`, with a snippet and a caret.
pub(crate) fn syntax_error(text: &str, pos: usize, message: impl Into<String>) -> ExprError {
    let pos = pos.min(text.len());
    let mut start = pos.saturating_sub(40);
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = (pos + 40).min(text.len());
    while !text.is_char_boundary(end) {
        end += 1;
    }
    let shown: String = text[start..end].chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    let caret = text[start..pos].chars().count();
    let lead = if start > 0 { "…" } else { "" };
    let tail = if end < text.len() { "…" } else { "" };
    let snippet = format!("  {lead}{shown}{tail}\n  {}{}^", if start > 0 { " " } else { "" }, " ".repeat(caret));
    ExprError::Syntax { message: message.into(), column: pos + 1, snippet }
}

fn lex(text: &str) -> Result<Vec<(Tok<'_>, usize)>, ExprError> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        let two = |s: &[u8]| bytes[i..].starts_with(s);
        let (tok, len) = match c {
            b'(' => (Tok::LParen, 1),
            b')' => (Tok::RParen, 1),
            b',' => (Tok::Comma, 1),
            b'+' => (Tok::Plus, 1),
            b'-' => (Tok::Minus, 1),
            b'*' if two(b"**") => (Tok::Caret, 2),
            b'*' => (Tok::Star, 1),
            b'/' => (Tok::Slash, 1),
            b'^' => (Tok::Caret, 1),
            b'<' if two(b"<=") => (Tok::Le, 2),
            b'<' => (Tok::Lt, 1),
            b'>' if two(b">=") => (Tok::Ge, 2),
            b'>' => (Tok::Gt, 1),
            b'=' if two(b"==") => (Tok::EqEq, 2),
            b'!' if two(b"!=") => (Tok::Ne, 2),
            b'!' => (Tok::Bang, 1),
            b'&' if two(b"&&") => (Tok::AndAnd, 2),
            b'|' if two(b"||") => (Tok::OrOr, 2),
            b'0'..=b'9' | b'.' => {
                let mut j = i;
                while j < bytes.len() && bytes[j].is_ascii_digit() {
                    j += 1;
                }
                if j < bytes.len() && bytes[j] == b'.' {
                    j += 1;
                    while j < bytes.len() && bytes[j].is_ascii_digit() {
                        j += 1;
                    }
                }
                if j < bytes.len() && (bytes[j] == b'e' || bytes[j] == b'E') {
                    let mut k = j + 1;
                    if k < bytes.len() && (bytes[k] == b'+' || bytes[k] == b'-') {
                        k += 1;
                    }
                    if k < bytes.len() && bytes[k].is_ascii_digit() {
                        while k < bytes.len() && bytes[k].is_ascii_digit() {
                            k += 1;
                        }
                        j = k;
                    } else {
                        return Err(syntax_error(text, k, "expected digits of an exponent"));
                    }
                }
                let s = &text[i..j];
                let v: f64 = s.parse().map_err(|_| syntax_error(text, i, format!("malformed number '{s}'")))?;
                if !v.is_finite() {
                    return Err(syntax_error(text, i, format!("number '{s}' is out of range")));
                }
                (Tok::Num(v), j - i)
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                let mut j = i + 1;
                while j < bytes.len() && (bytes[j].is_ascii_alphanumeric() || bytes[j] == b'_') {
                    j += 1;
                }
                (Tok::Ident(&text[i..j]), j - i)
            }
            _ => {
                let ch = text[i..].chars().next().unwrap_or('?');
                let msg = match c {
                    b'=' => "unexpected '=': write '==' for equality".to_string(),
                    b'&' => "unexpected '&': write '&&' for 'and'".to_string(),
                    b'|' => "unexpected '|': write '||' for 'or'".to_string(),
                    _ => format!("unexpected character '{}'", ch.escape_default()),
                };
                return Err(syntax_error(text, i, msg));
            }
        };
        out.push((tok, start));
        i += len;
    }
    out.push((Tok::End, text.len()));
    Ok(out)
}

struct Parser<'a> {
    text: &'a str,
    toks: Vec<(Tok<'a>, usize)>,
    pos: usize,
    depth: usize,
    /// Names that are variables even where they are reserved (`pi`, `time` …).
    shadow: &'a dyn Fn(&str) -> bool,
    /// Which conventions the text follows.
    dialect: Dialect,
}

/// The conventions of infix text that differ between the tools that write it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    /// libSBML's L3 infix (sasp's own): `log(x)` is the base-10 logarithm,
    /// `log(b, x)` the base-`b` one.
    Sbml,
    /// SymPy's, as PEtab tables write formulas: `log(x)` is the natural
    /// logarithm, `log(x, b)` the base-`b` one.
    Sympy,
}

/// Parses infix text (see the grammar in the [module documentation](super)).
pub fn parse(text: &str) -> Result<Expr, ExprError> {
    parse_with(text, &|_| false)
}

/// Parses infix text where the names for which `shadow` is true are
/// variables even if they are reserved (a model's compartment called `pi`
/// or `time`): the constant or csymbol is then not reachable by that name.
pub fn parse_with(text: &str, shadow: &dyn Fn(&str) -> bool) -> Result<Expr, ExprError> {
    parse_dialect(text, shadow, Dialect::Sbml)
}

/// Parses infix text written in `dialect`, with `shadow` as in [`parse_with`].
pub fn parse_dialect(text: &str, shadow: &dyn Fn(&str) -> bool, dialect: Dialect) -> Result<Expr, ExprError> {
    if text.len() > MAX_INPUT_LEN {
        return Err(ExprError::TooLong { len: text.len(), limit: MAX_INPUT_LEN });
    }
    let toks = lex(text)?;
    let mut p = Parser { text, toks, pos: 0, depth: 0, shadow, dialect };
    if p.peek() == Tok::End {
        return Err(syntax_error(text, 0, "empty expression"));
    }
    let e = p.expr()?;
    match p.peek() {
        Tok::End => Ok(e),
        t => Err(p.error(format!("unexpected {}", describe(t)))),
    }
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Tok<'a> {
        self.toks[self.pos].0
    }
    fn peek2(&self) -> Tok<'a> {
        self.toks.get(self.pos + 1).map_or(Tok::End, |t| t.0)
    }
    fn bump(&mut self) -> Tok<'a> {
        let t = self.toks[self.pos].0;
        if t != Tok::End {
            self.pos += 1;
        }
        t
    }
    fn at(&self) -> usize {
        self.toks[self.pos].1
    }
    fn error(&self, message: String) -> ExprError {
        syntax_error(self.text, self.at(), message)
    }
    fn expect(&mut self, t: Tok, what: &str) -> Result<(), ExprError> {
        if self.peek() == t {
            self.bump();
            Ok(())
        } else {
            Err(self.error(format!("expected {what}, found {}", describe(self.peek()))))
        }
    }
    fn nested<T>(&mut self, f: impl FnOnce(&mut Self) -> Result<T, ExprError>) -> Result<T, ExprError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(ExprError::TooDeep { limit: MAX_DEPTH });
        }
        let out = f(self);
        self.depth -= 1;
        out
    }

    fn expr(&mut self) -> Result<Expr, ExprError> {
        self.nested(|p| p.or())
    }

    fn is_word(&self, w: &str) -> bool {
        matches!(self.peek(), Tok::Ident(s) if s == w)
    }

    fn or(&mut self) -> Result<Expr, ExprError> {
        let mut terms = vec![self.and()?];
        while self.peek() == Tok::OrOr || self.is_word("or") {
            self.bump();
            terms.push(self.and()?);
        }
        Ok(if terms.len() == 1 { terms.pop().unwrap() } else { Expr::Apply(Op::Or, terms) })
    }

    fn and(&mut self) -> Result<Expr, ExprError> {
        let mut terms = vec![self.relation()?];
        while self.peek() == Tok::AndAnd || self.is_word("and") {
            self.bump();
            terms.push(self.relation()?);
        }
        Ok(if terms.len() == 1 { terms.pop().unwrap() } else { Expr::Apply(Op::And, terms) })
    }

    fn rel_op(t: Tok) -> Option<Op> {
        Some(match t {
            Tok::Lt => Op::Lt,
            Tok::Le => Op::Leq,
            Tok::Gt => Op::Gt,
            Tok::Ge => Op::Geq,
            Tok::EqEq => Op::Eq,
            Tok::Ne => Op::Neq,
            _ => return None,
        })
    }

    fn relation(&mut self) -> Result<Expr, ExprError> {
        let left = self.additive()?;
        let Some(op) = Self::rel_op(self.peek()) else { return Ok(left) };
        self.bump();
        let right = self.additive()?;
        if Self::rel_op(self.peek()).is_some() {
            return Err(self.error(format!(
                "chained comparison: write 'and(a {0} b, b {0} c)' or '{1}(a, b, c)'",
                describe(self.peek()).trim_matches('\''),
                op.name()
            )));
        }
        Ok(Expr::binary(op, left, right))
    }

    /// A left-associative level: an unparenthesised run of `chain` is one
    /// n-ary node; `other` (binary) takes everything to its left.
    fn level(
        &mut self,
        chain: (Tok, Op),
        other: (Tok, Op),
        next: fn(&mut Self) -> Result<Expr, ExprError>,
    ) -> Result<Expr, ExprError> {
        let mut terms = vec![next(self)?];
        // Each binary `other` nests the tree one level deeper on the left.
        let mut spine = 0;
        loop {
            let t = self.peek();
            if t == chain.0 {
                self.bump();
                terms.push(next(self)?);
            } else if t == other.0 {
                self.bump();
                spine += 1;
                if self.depth + spine > MAX_DEPTH {
                    return Err(ExprError::TooDeep { limit: MAX_DEPTH });
                }
                let right = next(self)?;
                let left = if terms.len() == 1 {
                    terms.pop().unwrap()
                } else {
                    Expr::Apply(chain.1, std::mem::take(&mut terms))
                };
                terms = vec![Expr::binary(other.1, left, right)];
            } else {
                break;
            }
        }
        Ok(if terms.len() == 1 { terms.pop().unwrap() } else { Expr::Apply(chain.1, terms) })
    }

    fn additive(&mut self) -> Result<Expr, ExprError> {
        self.level((Tok::Plus, Op::Plus), (Tok::Minus, Op::Minus), Self::multiplicative)
    }

    fn multiplicative(&mut self) -> Result<Expr, ExprError> {
        self.level((Tok::Star, Op::Times), (Tok::Slash, Op::Divide), Self::unary)
    }

    fn unary(&mut self) -> Result<Expr, ExprError> {
        // Prefix operators are read in a loop (not recursion), each counting
        // as a level of nesting.
        let mut prefix = Vec::new();
        let result = loop {
            match self.peek() {
                Tok::Minus => {
                    self.bump();
                    // `-3` is the number −3 (unless it is a base: `-3^2` = −(3²)).
                    if let (Tok::Num(v), next) = (self.peek(), self.peek2()) {
                        if next != Tok::Caret {
                            self.bump();
                            break Ok(Expr::Num(-v));
                        }
                    }
                    prefix.push(Op::Minus);
                }
                Tok::Bang | Tok::Ident("not") => {
                    self.bump();
                    prefix.push(Op::Not);
                }
                _ => break self.power(),
            }
            self.depth += 1;
            if self.depth > MAX_DEPTH {
                break Err(ExprError::TooDeep { limit: MAX_DEPTH });
            }
        };
        self.depth -= prefix.len().min(self.depth);
        let mut e = result?;
        while let Some(op) = prefix.pop() {
            e = Expr::unary(op, e);
        }
        Ok(e)
    }

    fn power(&mut self) -> Result<Expr, ExprError> {
        let base = self.primary()?;
        if self.peek() == Tok::Caret {
            self.bump();
            let exponent = self.nested(|p| p.unary())?;
            return Ok(Expr::binary(Op::Power, base, exponent));
        }
        Ok(base)
    }

    fn primary(&mut self) -> Result<Expr, ExprError> {
        let at = self.at();
        match self.bump() {
            Tok::Num(v) => Ok(Expr::Num(v)),
            Tok::LParen => {
                let e = self.expr()?;
                self.expect(Tok::RParen, "')'")?;
                Ok(e)
            }
            Tok::Ident(name) if self.peek() == Tok::LParen => {
                self.bump();
                let mut args = Vec::new();
                if self.peek() != Tok::RParen {
                    loop {
                        args.push(self.expr()?);
                        if self.peek() == Tok::Comma {
                            self.bump();
                        } else {
                            break;
                        }
                    }
                }
                self.expect(Tok::RParen, "',' or ')'")?;
                call(name, args, self.dialect).map_err(|e| match e {
                    ExprError::Arity { .. } | ExprError::Unsupported(_) => syntax_error(self.text, at, e.to_string()),
                    other => other,
                })
            }
            Tok::Ident(name) => match name {
                "and" | "or" | "not" | "xor" => {
                    Err(syntax_error(self.text, at, format!("unexpected '{name}': it is an operator, not a name")))
                }
                _ if (self.shadow)(name) => Ok(Expr::Var(Arc::from(name))),
                _ => Ok(symbol(name)),
            },
            t => Err(syntax_error(
                self.text,
                at,
                if t == Tok::End {
                    "unexpected end of input".to_string()
                } else {
                    format!("unexpected {}", describe(t))
                },
            )),
        }
    }
}

/// The meaning of a bare name: csymbols and constants, else a variable.
fn symbol(name: &str) -> Expr {
    match name {
        "time" => Expr::Time,
        "avogadro" => Expr::Avogadro,
        "pi" => Expr::Const(Constant::Pi),
        "exponentiale" => Expr::Const(Constant::E),
        "true" => Expr::Const(Constant::True),
        "false" => Expr::Const(Constant::False),
        "infinity" | "INF" | "inf" => Expr::Const(Constant::Infinity),
        "notanumber" | "NaN" | "nan" => Expr::Const(Constant::NaN),
        _ => Expr::Var(Arc::from(name)),
    }
}

/// The meaning of `name(args)`: a built-in function (with the libSBML L3
/// spellings and defaults), else a call of a user function.
fn call(name: &str, mut args: Vec<Expr>, dialect: Dialect) -> Result<Expr, ExprError> {
    let arity = |n: &str, expected: &str, found: usize| ExprError::Arity {
        function: n.to_string(),
        expected: expected.to_string(),
        found,
    };
    let op = match name {
        "piecewise" => {
            let otherwise = if args.len() % 2 == 1 { Some(Box::new(args.pop().unwrap())) } else { None };
            let mut pieces = Vec::with_capacity(args.len() / 2);
            let mut it = args.into_iter();
            while let (Some(v), Some(c)) = (it.next(), it.next()) {
                pieces.push((v, c));
            }
            return Ok(Expr::Piecewise { pieces, otherwise });
        }
        "log" if dialect == Dialect::Sympy => {
            return match args.len() {
                1 => Ok(Expr::Apply(Op::Ln, args)),
                2 => {
                    let (x, b) = (args.remove(0), args.remove(0));
                    Ok(Expr::binary(Op::Log, b, x))
                }
                n => Err(arity(name, "1 or 2", n)),
            };
        }
        "log" | "root" => {
            let (op, default) = if name == "log" { (Op::Log, 10.0) } else { (Op::Root, 2.0) };
            return match args.len() {
                1 => Ok(Expr::binary(op, Expr::Num(default), args.pop().unwrap())),
                2 => Ok(Expr::Apply(op, args)),
                n => Err(arity(name, "1 or 2", n)),
            };
        }
        "log10" | "sqrt" => {
            if args.len() != 1 {
                return Err(arity(name, "1", args.len()));
            }
            let (op, v) = if name == "log10" { (Op::Log, 10.0) } else { (Op::Root, 2.0) };
            return Ok(Expr::binary(op, Expr::Num(v), args.pop().unwrap()));
        }
        "rateOf" => return Err(ExprError::Unsupported(format!("{name} csymbol"))),
        "pow" => Op::Power,
        "ceil" => Op::Ceiling,
        "asin" => Op::Arcsin,
        "acos" => Op::Arccos,
        "atan" => Op::Arctan,
        "asec" => Op::Arcsec,
        "acsc" => Op::Arccsc,
        "acot" => Op::Arccot,
        "asinh" => Op::Arcsinh,
        "acosh" => Op::Arccosh,
        "atanh" => Op::Arctanh,
        "asech" => Op::Arcsech,
        "acsch" => Op::Arccsch,
        "acoth" => Op::Arccoth,
        other => match Op::from_name(other) {
            Some(op) => op,
            None => return Ok(Expr::Call(Arc::from(name), args)),
        },
    };
    op.check_arity(args.len())?;
    Ok(Expr::Apply(op, args))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippets_show_a_window_around_the_column() {
        let long = format!("{}+ ) {}", "a".repeat(100), "b".repeat(100));
        let ExprError::Syntax { column, snippet, .. } = parse(&long).unwrap_err() else { panic!() };
        assert_eq!(column, 103);
        let lines: Vec<&str> = snippet.lines().collect();
        assert!(lines[0].starts_with("  …") && lines[0].ends_with('…'), "{snippet}");
        // The caret sits under the ')' (counting characters, not bytes).
        let caret = lines[1].chars().count() - 1;
        assert_eq!(lines[0].chars().nth(caret), Some(')'), "{snippet}");
        // Multi-byte text and control characters.
        let ExprError::Syntax { column, snippet, .. } = parse("µ\t+ x").unwrap_err() else { panic!() };
        assert_eq!(column, 1);
        assert_eq!(snippet, "  µ + x\n  ^");
        let ExprError::Syntax { column, snippet, .. } = parse("x\n+ @").unwrap_err() else { panic!() };
        assert_eq!(column, 5);
        assert_eq!(snippet, "  x + @\n      ^");
    }

    #[test]
    fn nesting_counts_parentheses_arguments_prefixes_exponents_and_binary_runs() {
        let ok = |s: String| assert!(parse(&s).is_ok(), "{}", &s[..20]);
        let deep = |s: String| assert!(matches!(parse(&s), Err(ExprError::TooDeep { .. })), "{}", &s[..20]);
        ok("(".repeat(255) + "x" + &")".repeat(255));
        deep("(".repeat(256) + "x" + &")".repeat(256));
        ok("-".repeat(255) + "x");
        deep("-".repeat(256) + "x");
        ok("x^".repeat(255) + "x");
        deep("x^".repeat(256) + "x");
        ok("x-".repeat(255) + "x");
        deep("x-".repeat(256) + "x");
        // Runs of + and * are one flat node: no limit but the text's length.
        ok("x+".repeat(10_000) + "x");
        ok("x*".repeat(10_000) + "x");
        ok("x || ".repeat(10_000) + "x");
    }
}
