//! Content MathML as SBML Level 3 Version 2 uses it, read from a
//! [`roxmltree::Node`].

use std::sync::Arc;

use super::ast::{Constant, Expr, Lambda, Op};
use super::{ExprError, MAX_DEPTH};

/// What a `<math>` element holds: an expression, or (in a function
/// definition) a lambda.
#[derive(Clone, Debug, PartialEq)]
pub enum Math {
    /// An expression.
    Expr(Expr),
    /// `lambda(bvar…, body)`.
    Lambda(Lambda),
}

const SBML_SYMBOLS: &str = "http://www.sbml.org/sbml/symbols/";

/// The variable that stands for SBML's `rateOf(symbol)`: the csymbol
/// `rateOf` applied to `<ci>symbol</ci>` is read as the variable named
/// `rateOf(symbol)`, a name no SBML id can have. The expression layer knows
/// nothing of rates; the SBML importer replaces this variable by the rate
/// of `symbol` (see the `sbml::import` module). Its printed
/// form, `rateOf(symbol)`, is refused by the infix parser, so it cannot
/// reach a model unreplaced.
///
/// ```
/// use sasp::expr::{mathml, Expr};
///
/// let xml = r#"<math xmlns="http://www.w3.org/1998/Math/MathML"><apply><times/><cn>2</cn>
///   <apply><csymbol definitionURL="http://www.sbml.org/sbml/symbols/rateOf">rateOf</csymbol><ci>S</ci></apply>
/// </apply></math>"#;
/// let doc = roxmltree::Document::parse(xml).unwrap();
/// let e = mathml::read_expr(doc.root_element())?;
/// assert_eq!(e, Expr::apply(sasp::expr::Op::Times, vec![Expr::Num(2.0), mathml::rate_of("S")]));
/// assert_eq!(mathml::rate_of_target("rateOf(S)"), Some("S"));
/// # Ok::<(), sasp::expr::ExprError>(())
/// ```
pub fn rate_of(symbol: &str) -> Expr {
    Expr::var(&format!("rateOf({symbol})"))
}

/// The symbol whose rate the variable `name` stands for, if `name` is one
/// that [`rate_of`] makes.
pub fn rate_of_target(name: &str) -> Option<&str> {
    name.strip_prefix("rateOf(")?.strip_suffix(')').filter(|s| !s.is_empty())
}

fn invalid(node: roxmltree::Node, message: impl Into<String>) -> ExprError {
    ExprError::MathMl { element: node.tag_name().name().to_string(), message: message.into() }
}

fn elements<'a, 'i>(node: roxmltree::Node<'a, 'i>) -> impl Iterator<Item = roxmltree::Node<'a, 'i>> {
    node.children().filter(|c| c.is_element())
}

/// Reads a `<math>` element (or any MathML content element).
pub fn read(node: roxmltree::Node) -> Result<Math, ExprError> {
    let node = if node.tag_name().name() == "math" {
        let mut kids = elements(node);
        let first = kids.next().ok_or_else(|| invalid(node, "empty <math>"))?;
        if kids.next().is_some() {
            return Err(invalid(node, "more than one child"));
        }
        first
    } else {
        node
    };
    let node = unwrap_semantics(node, 0)?;
    if node.tag_name().name() == "lambda" {
        return lambda(node).map(Math::Lambda);
    }
    expr(node, 0).map(Math::Expr)
}

/// Reads a `<math>` element that must hold an expression (not a lambda).
pub fn read_expr(node: roxmltree::Node) -> Result<Expr, ExprError> {
    match read(node)? {
        Math::Expr(e) => Ok(e),
        Math::Lambda(_) => Err(invalid(node, "a lambda where an expression is expected")),
    }
}

/// Reads a `<math>` element that must hold a lambda (a function definition).
pub fn read_lambda(node: roxmltree::Node) -> Result<Lambda, ExprError> {
    match read(node)? {
        Math::Lambda(l) => Ok(l),
        Math::Expr(_) => Err(invalid(node, "an expression where a lambda is expected")),
    }
}

/// `<semantics>`: its first child; annotations are ignored.
fn unwrap_semantics<'a, 'i>(node: roxmltree::Node<'a, 'i>, depth: usize) -> Result<roxmltree::Node<'a, 'i>, ExprError> {
    if depth > MAX_DEPTH {
        return Err(ExprError::TooDeep { limit: MAX_DEPTH });
    }
    if node.tag_name().name() == "semantics" {
        let first = elements(node)
            .find(|c| !matches!(c.tag_name().name(), "annotation" | "annotation-xml"))
            .ok_or_else(|| invalid(node, "no content"))?;
        return unwrap_semantics(first, depth + 1);
    }
    Ok(node)
}

fn lambda(node: roxmltree::Node) -> Result<Lambda, ExprError> {
    let mut params = Vec::new();
    let mut body = None;
    for child in elements(node) {
        let child = unwrap_semantics(child, 0)?;
        if child.tag_name().name() == "bvar" {
            if body.is_some() {
                return Err(invalid(node, "<bvar> after the body"));
            }
            let ci = elements(child).next().filter(|c| c.tag_name().name() == "ci");
            let ci = ci.ok_or_else(|| invalid(child, "expected one <ci>"))?;
            params.push(Arc::from(text(ci)));
        } else if body.is_none() {
            body = Some(expr(child, 1)?);
        } else {
            return Err(invalid(node, "more than one body"));
        }
    }
    let body = body.ok_or_else(|| invalid(node, "no body"))?;
    if body.symbols().iter().any(|s| rate_of_target(s).is_some()) {
        // Inlining would not reach the bound variable inside the name.
        return Err(ExprError::Unsupported("rateOf csymbol in a function definition".into()));
    }
    let mut delays = false;
    body.visit(&mut |node| delays |= matches!(node, Expr::Apply(Op::Delay, _)));
    if delays {
        return Err(ExprError::Unsupported("delay csymbol in a function definition".into()));
    }
    Ok(Lambda { params, body })
}

fn text<'a>(node: roxmltree::Node<'a, '_>) -> &'a str {
    node.text().unwrap_or("").trim()
}

fn csymbol(node: roxmltree::Node) -> Result<Expr, ExprError> {
    let url = node.attribute("definitionURL").unwrap_or("");
    match url.strip_prefix(SBML_SYMBOLS) {
        Some("time") => Ok(Expr::Time),
        Some("avogadro") => Ok(Expr::Avogadro),
        Some(f @ ("delay" | "rateOf")) => Err(invalid(node, format!("the {f} csymbol outside an <apply>"))),
        _ => Err(invalid(node, format!("unknown csymbol definitionURL '{url}'"))),
    }
}

fn number(node: roxmltree::Node) -> Result<f64, ExprError> {
    let kind = node.attribute("type").unwrap_or("real");
    if let Some(base) = node.attribute("base") {
        if base.trim() != "10" {
            return Err(ExprError::Unsupported(format!("<cn base=\"{base}\">")));
        }
    }
    let parse = |s: &str| -> Result<f64, ExprError> {
        let s = s.trim();
        match s {
            "INF" | "inf" | "infinity" => Ok(f64::INFINITY),
            "-INF" | "-inf" | "-infinity" => Ok(f64::NEG_INFINITY),
            "NaN" | "nan" => Ok(f64::NAN),
            _ => s.parse::<f64>().map_err(|_| invalid(node, format!("'{s}' is not a number"))),
        }
    };
    // The parts before and after <sep/>.
    let mut parts = vec![String::new()];
    for c in node.children() {
        if c.is_element() {
            if c.tag_name().name() == "sep" {
                parts.push(String::new());
            } else {
                return Err(invalid(node, format!("unexpected <{}>", c.tag_name().name())));
            }
        } else if let Some(t) = c.text() {
            parts.last_mut().unwrap().push_str(t);
        }
    }
    match (kind, parts.as_slice()) {
        ("real" | "integer" | "double", [v]) => parse(v),
        ("e-notation", [m, e]) => {
            // m·10^e, read as the decimal text `me` so that it is correctly rounded.
            let (m, e) = (m.trim(), e.trim());
            if e.parse::<i32>().is_err() {
                return Err(invalid(node, format!("exponent '{e}' is not an integer")));
            }
            parse(&format!("{m}e{e}"))
        }
        ("rational", [n, d]) => Ok(parse(n)? / parse(d)?),
        ("e-notation" | "rational", _) => {
            Err(invalid(node, format!("type '{kind}' needs two parts separated by <sep/>")))
        }
        ("real" | "integer" | "double", _) => Err(invalid(node, "unexpected <sep/>")),
        _ => Err(ExprError::Unsupported(format!("<cn type=\"{kind}\">"))),
    }
}

fn expr(node: roxmltree::Node, depth: usize) -> Result<Expr, ExprError> {
    if depth > MAX_DEPTH {
        return Err(ExprError::TooDeep { limit: MAX_DEPTH });
    }
    let node = unwrap_semantics(node, depth)?;
    let name = node.tag_name().name();
    Ok(match name {
        "cn" => Expr::Num(number(node)?),
        "ci" => {
            let t = text(node);
            if t.is_empty() {
                return Err(invalid(node, "empty name"));
            }
            if rate_of_target(t).is_some() {
                return Err(invalid(node, format!("'{t}' is not a name")));
            }
            Expr::Var(Arc::from(t))
        }
        "csymbol" => csymbol(node)?,
        "true" => Expr::Const(Constant::True),
        "false" => Expr::Const(Constant::False),
        "pi" => Expr::Const(Constant::Pi),
        "exponentiale" => Expr::Const(Constant::E),
        "infinity" => Expr::Const(Constant::Infinity),
        "notanumber" => Expr::Const(Constant::NaN),
        "piecewise" => {
            let mut pieces = Vec::new();
            let mut otherwise = None;
            for child in elements(node) {
                match child.tag_name().name() {
                    "piece" if otherwise.is_none() => {
                        let parts: Vec<_> = elements(child).collect();
                        if parts.len() != 2 {
                            return Err(invalid(
                                child,
                                format!("expected a value and a condition, found {} elements", parts.len()),
                            ));
                        }
                        pieces.push((expr(parts[0], depth + 1)?, expr(parts[1], depth + 1)?));
                    }
                    "otherwise" if otherwise.is_none() => {
                        let parts: Vec<_> = elements(child).collect();
                        if parts.len() != 1 {
                            return Err(invalid(child, format!("expected one value, found {} elements", parts.len())));
                        }
                        otherwise = Some(Box::new(expr(parts[0], depth + 1)?));
                    }
                    other => return Err(invalid(node, format!("unexpected <{other}>"))),
                }
            }
            Expr::Piecewise { pieces, otherwise }
        }
        "apply" => apply(node, depth)?,
        "lambda" => return Err(invalid(node, "a lambda inside an expression")),
        other => return Err(ExprError::Unsupported(format!("MathML element <{other}>"))),
    })
}

fn apply(node: roxmltree::Node, depth: usize) -> Result<Expr, ExprError> {
    let mut kids = elements(node);
    let head = kids.next().ok_or_else(|| invalid(node, "no operator"))?;
    let head = unwrap_semantics(head, depth)?;
    let mut qualifier = None;
    let mut args = Vec::new();
    for k in kids {
        match k.tag_name().name() {
            q @ ("degree" | "logbase") => {
                let inner = elements(k).next().ok_or_else(|| invalid(k, "empty"))?;
                if qualifier.is_some() {
                    return Err(invalid(node, format!("more than one qualifier (<{q}>)")));
                }
                qualifier = Some((q, expr(inner, depth + 1)?));
            }
            "bvar" => return Err(invalid(k, "<bvar> outside a lambda")),
            _ => args.push(expr(k, depth + 1)?),
        }
    }
    let op_name = head.tag_name().name();
    match op_name {
        // `<apply><apply>…</apply></apply>`: an application with no
        // operator of its own and no arguments stands for the inner
        // expression, as libSBML reads it (BioModels and the PEtab
        // benchmark's Beer 2014 model write it).
        "apply" if args.is_empty() && qualifier.is_none() => return expr(head, depth + 1),
        "ci" => return Ok(Expr::Call(Arc::from(text(head)), args)),
        "csymbol" if head.attribute("definitionURL").and_then(|u| u.strip_prefix(SBML_SYMBOLS)) == Some("rateOf") => {
            return match (args.as_slice(), qualifier) {
                ([Expr::Var(x)], None) => Ok(rate_of(x)),
                ([_], None) => {
                    Err(ExprError::Unsupported("rateOf csymbol of an expression that is not a symbol".into()))
                }
                _ => Err(invalid(node, "rateOf takes one argument")),
            };
        }
        "csymbol" if head.attribute("definitionURL").and_then(|u| u.strip_prefix(SBML_SYMBOLS)) == Some("delay") => {
            return match (args.len(), qualifier) {
                (2, None) => Ok(Expr::Apply(Op::Delay, args)),
                _ => Err(invalid(node, "delay takes two arguments")),
            };
        }
        "csymbol" => {
            return match csymbol(head) {
                Err(e) => Err(e),
                Ok(_) => Err(invalid(head, "a csymbol that is not a function, applied")),
            };
        }
        _ => {}
    }
    let op = Op::from_name(op_name)
        .filter(|&op| op != Op::Delay)
        .ok_or_else(|| ExprError::Unsupported(format!("MathML operator <{op_name}>")))?;
    if let Some((q, value)) = qualifier {
        let wanted = if op == Op::Log { "logbase" } else { "degree" };
        if !matches!(op, Op::Log | Op::Root) || q != wanted {
            return Err(invalid(node, format!("<{q}> does not apply to <{op_name}>")));
        }
        args.insert(0, value);
    } else if matches!(op, Op::Log | Op::Root) {
        args.insert(0, Expr::Num(if op == Op::Log { 10.0 } else { 2.0 }));
    }
    op.check_arity(args.len())?;
    Ok(Expr::Apply(op, args))
}

// ------------------------------------------------------------------ writing

/// Writes `expr` as Content MathML (without the enclosing `<math>`), in the
/// SBML Level 3 Version 2 subset that [`read`] reads back to the same tree:
///
/// - a number: `<cn type="integer">` when it is integral, not −0 and below
///   2³¹ in magnitude (any SBML reader holds it); otherwise its shortest
///   round-trip decimal, `<cn>0.1</cn>`, or with an exponent
///   `<cn type="e-notation">1.5<sep/>-7</cn>`, so that reading it gives the
///   same `f64` bit for bit. +∞ is `<infinity/>`, −∞
///   `<apply><minus/><infinity/></apply>`, NaN `<notanumber/>` (these read
///   back as the [`Constant`]s, which have the same values);
/// - a variable `<ci>name</ci>` (`&`, `<`, `>` escaped; the variable
///   [`rate_of`] makes as the `rateOf` csymbol applied to its symbol; a name holding
///   characters XML 1.0 cannot carry at all, control characters other than
///   tab, line feed and carriage return, is not representable and those
///   characters are replaced by U+FFFD);
/// - the constants `<pi/>`, `<exponentiale/>`, `<true/>`, `<false/>`,
///   `<infinity/>`, `<notanumber/>`; `time` and `avogadro` as `<csymbol>`s
///   with their SBML `definitionURL`s;
/// - an operator `<apply><name/>…</apply>` with its MathML name
///   ([`Op::name`]); `log` with its base in `<logbase>` and `root` with its
///   degree in `<degree>`, always written out;
/// - `<piecewise>` with `<piece>`s and `<otherwise>`; a user function call
///   `<apply><ci>f</ci>…</apply>`.
///
/// ```
/// use sasp::expr::{mathml, Expr};
///
/// let e = Expr::parse("Vmax*S/(Km + S)")?;
/// let text = format!("<math xmlns=\"http://www.w3.org/1998/Math/MathML\">{}</math>", mathml::write(&e));
/// let doc = roxmltree::Document::parse(&text).unwrap();
/// assert_eq!(mathml::read_expr(doc.root_element())?, e);
/// # Ok::<(), sasp::expr::ExprError>(())
/// ```
pub fn write(expr: &Expr) -> String {
    let mut out = String::new();
    write_to(&mut out, expr);
    out
}

/// [`write()`], appending to `out`.
pub fn write_to(out: &mut String, expr: &Expr) {
    match expr {
        Expr::Num(v) => write_number(out, *v),
        Expr::Var(name) => match rate_of_target(name) {
            Some(x) => {
                out.push_str("<apply>");
                write_csymbol(out, "rateOf");
                write_ci(out, x);
                out.push_str("</apply>");
            }
            None => write_ci(out, name),
        },
        Expr::Const(c) => {
            out.push('<');
            out.push_str(c.name());
            out.push_str("/>");
        }
        Expr::Time => write_csymbol(out, "time"),
        Expr::Avogadro => write_csymbol(out, "avogadro"),
        Expr::Apply(Op::Delay, args) => {
            out.push_str("<apply>");
            write_csymbol(out, "delay");
            args.iter().for_each(|a| write_to(out, a));
            out.push_str("</apply>");
        }
        Expr::Apply(op, args) => {
            out.push_str("<apply><");
            out.push_str(op.name());
            out.push_str("/>");
            match (op, args.as_slice()) {
                (Op::Log | Op::Root, [qualifier, x]) => {
                    let q = if *op == Op::Log { "logbase" } else { "degree" };
                    out.push('<');
                    out.push_str(q);
                    out.push('>');
                    write_to(out, qualifier);
                    out.push_str("</");
                    out.push_str(q);
                    out.push('>');
                    write_to(out, x);
                }
                _ => args.iter().for_each(|a| write_to(out, a)),
            }
            out.push_str("</apply>");
        }
        Expr::Piecewise { pieces, otherwise } => {
            out.push_str("<piecewise>");
            for (value, condition) in pieces {
                out.push_str("<piece>");
                write_to(out, value);
                write_to(out, condition);
                out.push_str("</piece>");
            }
            if let Some(o) = otherwise {
                out.push_str("<otherwise>");
                write_to(out, o);
                out.push_str("</otherwise>");
            }
            out.push_str("</piecewise>");
        }
        Expr::Call(name, args) => {
            out.push_str("<apply>");
            write_ci(out, name);
            args.iter().for_each(|a| write_to(out, a));
            out.push_str("</apply>");
        }
    }
}

/// Largest magnitude written as `<cn type="integer">` (exclusive): 2³¹.
const INTEGER_LIMIT: f64 = 2_147_483_648.0;

fn write_number(out: &mut String, v: f64) {
    use std::fmt::Write as _;
    if v.is_nan() {
        out.push_str("<notanumber/>");
    } else if v == f64::INFINITY {
        out.push_str("<infinity/>");
    } else if v == f64::NEG_INFINITY {
        out.push_str("<apply><minus/><infinity/></apply>");
    } else if v.fract() == 0.0 && v.abs() < INTEGER_LIMIT && !(v == 0.0 && v.is_sign_negative()) {
        let _ = write!(out, "<cn type=\"integer\">{}</cn>", v as i64);
    } else {
        // `{:?}` is the shortest decimal that reads back to the same f64.
        let text = format!("{v:?}");
        match text.split_once('e') {
            Some((mantissa, exponent)) => {
                let _ = write!(out, "<cn type=\"e-notation\">{mantissa}<sep/>{exponent}</cn>");
            }
            None => {
                let _ = write!(out, "<cn>{text}</cn>");
            }
        }
    }
}

fn write_csymbol(out: &mut String, name: &str) {
    out.push_str("<csymbol encoding=\"text\" definitionURL=\"");
    out.push_str(SBML_SYMBOLS);
    out.push_str(name);
    out.push_str("\">");
    out.push_str(name);
    out.push_str("</csymbol>");
}

fn write_ci(out: &mut String, name: &str) {
    out.push_str("<ci>");
    escape_into(out, name);
    out.push_str("</ci>");
}

/// Escapes element text; characters XML cannot hold become U+FFFD.
fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
}
