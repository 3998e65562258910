//! The math expression layer (`sasp::expr`): semantics of every function
//! against `f64`, parsing and printing, MathML, inlining, simplification,
//! derivatives against central differences, the shared tape, hostile input.

use std::collections::BTreeSet;

use sasp::expr::{mathml, Constant, Expr, ExprError, FunctionTable, Op, Tape, AVOGADRO};
use sasp::util::rng::Rng;

const NAMES: [&str; 3] = ["x", "y", "z"];

fn slot(n: &str) -> Option<usize> {
    NAMES.iter().position(|m| *m == n)
}

fn same(a: f64, b: f64) -> bool {
    a == b || (a.is_nan() && b.is_nan())
}

/// The value of `text` at x, y, z = `v`, time 1.5: by the tree, by the tape
/// and by the simplified tree, which must agree exactly.
fn value(text: &str, v: [f64; 3]) -> f64 {
    let e = Expr::parse(text).unwrap_or_else(|err| panic!("{text}: {err}"));
    let env = |n: &str| slot(n).map(|k| v[k]);
    let tree = e.eval(&env, 1.5).unwrap();
    let tape = Tape::compile(std::slice::from_ref(&e), slot).unwrap();
    let mut ws = tape.workspace();
    let taped = tape.eval(&v, 1.5, &mut ws)[0];
    assert!(same(tree, taped), "{text}: tree {tree} tape {taped}");
    let simple = e.simplify().eval(&env, 1.5).unwrap();
    assert!(same(tree, simple), "{text}: tree {tree} simplified {simple} ({})", e.simplify());
    tree
}

fn at(text: &str, x: f64) -> f64 {
    value(text, [x, 0.0, 0.0])
}

// ------------------------------------------------------------------ semantics

#[test]
fn every_unary_function_matches_std_math() {
    type F = fn(f64) -> f64;
    let table: &[(&str, F)] = &[
        ("exp", f64::exp),
        ("ln", f64::ln),
        ("abs", f64::abs),
        ("floor", f64::floor),
        ("ceiling", f64::ceil),
        ("sin", f64::sin),
        ("cos", f64::cos),
        ("tan", f64::tan),
        ("sec", |x| 1.0 / x.cos()),
        ("csc", |x| 1.0 / x.sin()),
        ("cot", |x| 1.0 / x.tan()),
        ("sinh", f64::sinh),
        ("cosh", f64::cosh),
        ("tanh", f64::tanh),
        ("sech", |x| 1.0 / x.cosh()),
        ("csch", |x| 1.0 / x.sinh()),
        ("coth", |x| 1.0 / x.tanh()),
        ("arcsin", f64::asin),
        ("arccos", f64::acos),
        ("arctan", f64::atan),
        ("arcsec", |x| (1.0 / x).acos()),
        ("arccsc", |x| (1.0 / x).asin()),
        ("arccot", |x| (1.0 / x).atan()),
        ("arcsinh", f64::asinh),
        ("arccosh", f64::acosh),
        ("arctanh", f64::atanh),
        ("arcsech", |x| (1.0 / x).acosh()),
        ("arccsch", |x| (1.0 / x).asinh()),
        ("arccoth", |x| (1.0 / x).atanh()),
        ("sqrt", f64::sqrt),
        ("log10", f64::log10),
        ("log", f64::log10),
        ("-", |x| -x),
        ("not", |x| if x != 0.0 && !x.is_nan() { 0.0 } else { 1.0 }),
    ];
    let points = [
        -2.5,
        -1.0,
        -0.3,
        0.0,
        -0.0,
        0.3,
        0.5,
        1.0,
        2.0,
        7.25,
        1e-300,
        1e300,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NAN,
    ];
    for (name, f) in table {
        for &x in &points {
            let got = at(&format!("{name}(x)"), x);
            assert!(same(got, f(x)), "{name}({x}) = {got}, std gives {}", f(x));
        }
    }
}

#[test]
fn binary_functions_follow_the_documented_semantics() {
    let v = |t: &str| value(t, [0.0; 3]);
    // quotient truncates toward zero; rem has the sign of the dividend (fmod).
    assert_eq!(v("quotient(7, 2)"), 3.0);
    assert_eq!(v("quotient(-7, 2)"), -3.0);
    assert_eq!(v("quotient(7, -2)"), -3.0);
    assert_eq!(v("quotient(-7, -2)"), 3.0);
    assert_eq!(v("rem(7, 2)"), 1.0);
    assert_eq!(v("rem(-7, 2)"), -1.0);
    assert_eq!(v("rem(7, -2)"), 1.0);
    assert_eq!(v("rem(-7, -2)"), -1.0);
    assert_eq!(v("rem(9, 2)"), 1.0); // SBML test 01273
    assert!(v("rem(1, 0)").is_nan());
    // a = q·b + r for several operands.
    for (a, b) in [(7.5, 2.0), (-7.5, 2.0), (7.5, -2.0), (5.0, 0.75), (-0.3, 0.1)] {
        let q = value(&format!("quotient({a}, {b})"), [0.0; 3]);
        let r = value(&format!("rem({a}, {b})"), [0.0; 3]);
        assert!((q * b + r - a).abs() < 1e-12, "{a} {b}: {q} {r}");
        assert!(r == 0.0 || r.signum() == a.signum());
    }
    // log: one argument is base 10, two put the base first.
    assert_eq!(v("log(1000)"), 3.0);
    assert_eq!(v("log(2, 1024)"), 10.0);
    assert!((v("log(3, 81)") - 4.0).abs() < 1e-15);
    assert_eq!(v("log(exponentiale, exponentiale)"), 1.0);
    assert_eq!(v("ln(exponentiale)"), 1.0);
    // root: degree first, default 2; powf semantics (negative radicand: NaN).
    assert_eq!(v("root(16)"), 4.0);
    assert_eq!(v("root(2, 16)"), 4.0);
    assert_eq!(v("root(3, 27)"), 27f64.powf(1.0 / 3.0));
    assert!(v("root(3, -8)").is_nan());
    assert_eq!(v("root(0.5, 3)"), 9.0);
    // factorial: non-negative integers only.
    assert_eq!(v("factorial(0)"), 1.0);
    assert_eq!(v("factorial(5)"), 120.0);
    assert_eq!(v("factorial(4)"), 24.0); // SBML tests 00028, 01495
    assert_eq!(v("factorial(170)"), (1..=170).fold(1.0, |p, k| p * f64::from(k)));
    assert_eq!(v("factorial(171)"), f64::INFINITY);
    assert!(v("factorial(2.5)").is_nan());
    assert!(v("factorial(-1)").is_nan());
    // power
    assert_eq!(v("2^10"), 1024.0);
    assert_eq!(v("0^0"), 1.0);
    assert_eq!(v("2^3^2"), 512.0);
    assert_eq!(v("-2^2"), -4.0);
    assert_eq!(v("(-2)^2"), 4.0);
    assert_eq!(v("2^-1"), 0.5);
    assert!(v("(-8)^(1/3)").is_nan());
    assert_eq!(v("pow(3, 2)"), 9.0);
    // min / max: n-ary, NaN propagates.
    assert_eq!(v("min(3, 1, 2)"), 1.0);
    assert_eq!(v("max(3, 1, 2)"), 3.0);
    assert_eq!(v("min(4)"), 4.0);
    assert!(v("min(1, notanumber, 0)").is_nan());
    assert!(v("max(notanumber, 1)").is_nan());
    // division and IEEE
    assert_eq!(v("1/0"), f64::INFINITY);
    assert!(v("0 * infinity").is_nan());
    assert_eq!(v("avogadro"), 6.02214179e23); // SBML L3's value (test suite case 00961)
    assert_eq!(v("avogadro"), AVOGADRO);
    assert_eq!(v("pi"), std::f64::consts::PI);
    assert_eq!(v("exponentiale"), std::f64::consts::E);
    assert_eq!(v("time"), 1.5);
    assert_eq!(v("INF"), f64::INFINITY);
    assert!(v("NaN").is_nan());
}

/// Integer exponents up to 16 in size go by repeated squaring (a few
/// products instead of `powf`): exact where the products are, within a
/// few ulps of `powf` elsewhere, with `powf`'s special values; tree and
/// tape agree exactly (`value`).
#[test]
fn small_integer_powers_are_products_within_ulps_of_powf() {
    let v = |t: &str, x: f64| value(t, [x, 0.0, 0.0]);
    assert_eq!(v("x^4", 3.0), 81.0);
    assert_eq!(v("x^3", -2.0), -8.0);
    assert_eq!(v("x^-3", 2.0), 0.125);
    assert_eq!(v("x^0", 0.0), 1.0);
    assert_eq!(v("x^0", f64::NAN), 1.0);
    assert_eq!(v("x^-2", 0.0), f64::INFINITY);
    assert_eq!(v("x^3", -0.0).to_bits(), (-0.0f64).to_bits());
    assert!(v("x^5", f64::NAN).is_nan());
    for x in [1.1, 0.37, -1.7, 123.456, 2.5e-3] {
        for n in [-16, -7, -1, 1, 3, 4, 5, 6, 9, 16] {
            let (got, want) = (v(&format!("x^{n}"), x), x.powf(f64::from(n)));
            assert!((got - want).abs() <= 8.0 * f64::EPSILON * want.abs(), "{x}^{n}: {got} vs powf {want}");
        }
        // Beyond 16, and for a fractional exponent, `powf` itself.
        assert_eq!(v("x^17", x), x.powf(17.0));
        assert!(same(v("x^2.5", x), x.powf(2.5)), "{x}^2.5");
    }
}

#[test]
fn relational_and_logical_operators_are_n_ary_as_sbml_defines_them() {
    let v = |t: &str| value(t, [0.0; 3]);
    for (text, want) in [
        ("1 < 2", 1.0),
        ("2 < 1", 0.0),
        ("lt(1, 2, 3)", 1.0),
        ("lt(1, 3, 2)", 0.0),
        ("leq(1, 1, 2)", 1.0),
        ("gt(3, 2, 1)", 1.0),
        ("geq(3, 3, 4)", 0.0),
        ("eq(2, 2, 2)", 1.0),
        ("eq(2, 2, 3)", 0.0),
        ("lt(5)", 1.0),
        ("1 != 2", 1.0),
        ("notanumber == notanumber", 0.0),
        ("notanumber != notanumber", 1.0),
        ("notanumber < 1", 0.0),
        ("true && false", 0.0),
        ("and(true, true, true)", 1.0),
        ("and()", 1.0),
        ("or()", 0.0),
        ("or(false, false, true)", 1.0),
        ("xor(true, true)", 0.0),
        ("xor(true, true, true)", 1.0),
        ("xor()", 0.0),
        ("!true", 0.0),
        ("not 0", 1.0),
        ("!notanumber", 1.0),
        ("implies(false, false)", 1.0),
        ("implies(true, false)", 0.0),
        ("2 && 3", 1.0),
        ("1 < 2 || 2 < 1", 1.0),
        ("1 < 2 and 3 > 4", 0.0),
        ("piecewise(10, false, 20, true, 30)", 20.0),
        ("piecewise(10, false, 30)", 30.0),
        ("piecewise(10, 1 > 2, 20, notanumber)", f64::NAN),
        ("piecewise(7)", 7.0),
    ] {
        assert!(same(v(text), want), "{text} = {}, want {want}", v(text));
    }
}

// ------------------------------------------------------------------ parsing

#[test]
fn infix_parses_the_usual_forms() {
    let e = Expr::parse("Vmax*S/(Km + S)*cell").unwrap();
    let names = ["Vmax", "S", "Km", "cell"];
    let env = |n: &str| names.iter().position(|m| *m == n).map(|k| [3.0, 2.0, 1.0, 0.5][k]);
    assert_eq!(e.eval(&env, 0.0).unwrap(), 3.0 * 2.0 / 3.0 * 0.5);
    assert_eq!(e.symbols().iter().map(|s| s.to_string()).collect::<Vec<_>>(), ["Km", "S", "Vmax", "cell"]);
    assert_eq!(at("1e-3", 0.0), 1e-3);
    assert_eq!(at(".5", 0.0), 0.5);
    assert_eq!(at("5.", 0.0), 5.0);
    assert_eq!(at("2.5E+2", 0.0), 250.0);
    assert_eq!(at("1 - 2 - 3", 0.0), -4.0);
    assert_eq!(at("8 / 4 / 2", 0.0), 1.0);
    assert_eq!(at("2 * 3 + 4 * 5", 0.0), 26.0);
    assert_eq!(at("--x", 3.0), 3.0);
    assert_eq!(at("- -x", 3.0), 3.0);
    assert_eq!(at("x^-2", 2.0), 0.25);
    assert_eq!(Expr::parse("-3").unwrap(), Expr::Num(-3.0));
    assert_eq!(Expr::parse("-x").unwrap(), Expr::unary(Op::Minus, Expr::var("x")));
    assert_eq!(
        Expr::parse("a + b + c").unwrap(),
        Expr::apply(Op::Plus, vec![Expr::var("a"), Expr::var("b"), Expr::var("c")])
    );
    assert_eq!(Expr::parse("time").unwrap(), Expr::Time);
    assert_eq!(Expr::parse("true").unwrap(), Expr::Const(Constant::True));
    assert_eq!(Expr::parse("f(x, 2)").unwrap(), Expr::Call("f".into(), vec![Expr::var("x"), Expr::Num(2.0)]));
    assert_eq!(Expr::parse("exp").unwrap(), Expr::var("exp"));
    assert_eq!("k1 * S".parse::<Expr>().unwrap().to_string(), "k1 * S");
}

#[test]
fn syntax_errors_name_the_column_and_show_a_caret() {
    let err = Expr::parse("Vmax*S)").unwrap_err();
    let ExprError::Syntax { message, column, snippet } = &err else { panic!("{err:?}") };
    assert_eq!(message, "unexpected ')'");
    assert_eq!(*column, 7);
    assert_eq!(snippet, "  Vmax*S)\n        ^");
    assert!(err.to_string().starts_with("unexpected ')' at column 7\n"), "{err}");
    for (text, col, needle) in [
        ("a +", 4, "end of input"),
        ("(a + b", 7, "expected ')'"),
        ("a < b < c", 7, "chained comparison"),
        ("1e999", 1, "out of range"),
        ("2e", 3, "exponent"),
        ("a = b", 3, "'=='"),
        ("a & b", 3, "'&&'"),
        ("a $ b", 3, "unexpected character"),
        ("", 1, "empty"),
        ("f(a,)", 5, "unexpected ')'"),
        ("log(1, 2, 3)", 1, "'log' takes 1 or 2"),
        ("exp(1, 2)", 1, "'exp' takes 1"),
        ("neq(1, 2, 3)", 1, "'neq' takes 2"),
        ("delay(x)", 1, "'delay' takes 2"),
        ("a and", 6, "end of input"),
        ("and", 1, "operator"),
        ("x y", 3, "unexpected 'y'"),
    ] {
        match Expr::parse(text) {
            Err(ExprError::Syntax { message, column, .. }) => {
                assert_eq!(column, col, "{text}: {message}");
                assert!(message.contains(needle), "{text}: {message}");
            }
            other => panic!("{text}: {other:?}"),
        }
    }
    // Into the crate's error: a model error of the item `expression`, with the column.
    let sasp: sasp::SaspError = err.into();
    assert!(
        matches!(&sasp, sasp::SaspError::Model(sasp::ModelError::Invalid { item, reason }) if item == "expression" && reason.contains("at column 7")),
        "{sasp:?}"
    );
    let other: sasp::SaspError = ExprError::Unbound("k".into()).into();
    assert_eq!(other.to_string(), "invalid model: expression: unbound symbol 'k'");
}

#[test]
fn hostile_input_gives_errors_not_stack_overflows() {
    let mb = "x+".repeat(512 * 1024) + "x";
    assert!(matches!(Expr::parse(&mb), Err(ExprError::TooLong { .. })));
    for deep in [
        "(".repeat(100_000) + "x" + &")".repeat(100_000),
        "-".repeat(100_000) + "x",
        "!".repeat(100_000) + "x",
        "x^".repeat(50_000) + "x",
        "exp(".repeat(50_000) + "x" + &")".repeat(50_000),
        "(".repeat(200_000),
        "x-".repeat(100_000) + "x",
        "x/".repeat(100_000) + "x",
    ] {
        assert!(matches!(Expr::parse(&deep), Err(ExprError::TooDeep { limit: 256 })), "{}", &deep[..20]);
    }
    // Just under the limit: fine, and it differentiates and compiles.
    let ok = "sin(".repeat(250) + "x" + &")".repeat(250);
    let e = Expr::parse(&ok).unwrap();
    let d = e.diff("x").unwrap();
    let tape = Tape::compile(&[e, d], slot).unwrap();
    let mut ws = tape.workspace();
    assert!(tape.eval(&[0.1, 0.0, 0.0], 0.0, &mut ws).iter().all(|v| v.is_finite()));
    // Deep MathML.
    let xml = format!(
        "<math xmlns=\"http://www.w3.org/1998/Math/MathML\">{}<ci>x</ci>{}</math>",
        "<apply><minus/>".repeat(1000),
        "</apply>".repeat(1000)
    );
    // (roxmltree's own limits may refuse it first.)
    if let Ok(doc) = roxmltree::Document::parse(&xml) {
        assert!(matches!(Expr::from_mathml(doc.root_element()), Err(ExprError::TooDeep { .. })));
    }
    let xml = format!(
        "<math xmlns=\"http://www.w3.org/1998/Math/MathML\">{}<ci>x</ci>{}</math>",
        "<apply><minus/>".repeat(300),
        "</apply>".repeat(300)
    );
    let doc = roxmltree::Document::parse(&xml).unwrap();
    assert!(matches!(Expr::from_mathml(doc.root_element()), Err(ExprError::TooDeep { .. })));
}

// ------------------------------------------------------------------ random trees

const LEAF_NUMBERS: [f64; 7] = [0.0, 1.0, 2.0, 0.5, 3.0, -1.5, 0.25];

fn leaf(rng: &mut Rng, vars: &[&str]) -> Expr {
    let u = rng.uniform();
    if u < 0.6 {
        Expr::var(vars[(rng.next() % vars.len() as u64) as usize])
    } else if u < 0.9 {
        Expr::Num(LEAF_NUMBERS[(rng.next() % LEAF_NUMBERS.len() as u64) as usize])
    } else {
        [Expr::Const(Constant::Pi), Expr::Const(Constant::E), Expr::Const(Constant::True), Expr::Time]
            [(rng.next() % 4) as usize]
            .clone()
    }
}

/// Every operator that has a value outside a model (all but `delay`).
fn evaluated_ops() -> Vec<Op> {
    Op::ALL.iter().copied().filter(|&op| op != Op::Delay).collect()
}

/// A random tree over every evaluated operator (and piecewise), `depth`
/// levels at most.
fn random_expr(rng: &mut Rng, depth: usize, vars: &[&str]) -> Expr {
    if depth == 0 || rng.uniform() < 0.2 {
        return leaf(rng, vars);
    }
    let ops = evaluated_ops();
    let pick = (rng.next() % (ops.len() as u64 + 3)) as usize;
    if pick >= ops.len() {
        let n = 1 + (rng.next() % 2) as usize;
        let pieces = (0..n)
            .map(|_| {
                let v = random_expr(rng, depth - 1, vars);
                let c = Expr::binary(Op::Lt, random_expr(rng, depth - 1, vars), random_expr(rng, depth - 1, vars));
                (v, c)
            })
            .collect();
        let otherwise = (rng.uniform() < 0.8).then(|| Box::new(random_expr(rng, depth - 1, vars)));
        return Expr::Piecewise { pieces, otherwise };
    }
    let op = ops[pick];
    let (min, max) = op.arity();
    let n = min.max(1) + (rng.next() % (max.min(3) - min.max(1) + 1) as u64) as usize;
    let n = if matches!(op, Op::Plus | Op::Times) { n.max(2) } else { n };
    Expr::apply(op, (0..n).map(|_| random_expr(rng, depth - 1, vars)).collect())
}

#[test]
fn printing_parses_back_to_the_same_tree() {
    for text in [
        "Vmax*S/(Km + S)*cell",
        "a - b + c",
        "a - (b + c)",
        "(a + b) + c",
        "a + (b + c)",
        "a / (b * c)",
        "a / b * c",
        "(a ^ b) ^ c",
        "a ^ b ^ c",
        "-a ^ 2",
        "(-a) ^ 2",
        "(-2) ^ x",
        "-(2)",
        "-(-2)",
        "2 ^ -x",
        "!(a < b) || c && d",
        "(a || b) && c",
        "(a < b) == (c < d)",
        "lt(a, b, c)",
        "plus(a)",
        "times()",
        "piecewise(1, x < 0, 2)",
        "f(x, g(y))",
        "log(x)",
        "sqrt(x) + root(3, y)",
        "1e-7 * 1e300 + 0.1 + 123456789012345678",
        "time * avogadro + pi - exponentiale + infinity",
    ] {
        let e = Expr::parse(text).unwrap();
        let printed = e.to_string();
        assert_eq!(Expr::parse(&printed).unwrap(), e, "{text} printed as {printed}");
    }
    let mut rng = Rng::new(7, 1);
    for _ in 0..3000 {
        let e = random_expr(&mut rng, 5, &["a", "k_1", "S2"]);
        let printed = e.to_string();
        let back = Expr::parse(&printed).unwrap_or_else(|err| panic!("{printed}: {err}"));
        assert_eq!(back, e, "{printed}");
    }
}

// ------------------------------------------------------------------ MathML

fn mathml_of(e: &Expr) -> String {
    match e {
        Expr::Num(v) => format!("<cn>{v:?}</cn>"),
        Expr::Var(n) => format!("<ci> {n} </ci>"),
        Expr::Const(c) => format!("<{}/>", c.name()),
        Expr::Time => {
            "<csymbol encoding=\"text\" definitionURL=\"http://www.sbml.org/sbml/symbols/time\"> t </csymbol>".into()
        }
        Expr::Avogadro => "<csymbol definitionURL=\"http://www.sbml.org/sbml/symbols/avogadro\">NA</csymbol>".into(),
        Expr::Apply(op @ (Op::Log | Op::Root), args) => {
            let q = if *op == Op::Log { "logbase" } else { "degree" };
            format!("<apply><{}/><{q}>{}</{q}>{}</apply>", op.name(), mathml_of(&args[0]), mathml_of(&args[1]))
        }
        Expr::Apply(op, args) => {
            format!("<apply><{}/>{}</apply>", op.name(), args.iter().map(mathml_of).collect::<String>())
        }
        Expr::Call(f, args) => format!("<apply><ci>{f}</ci>{}</apply>", args.iter().map(mathml_of).collect::<String>()),
        Expr::Piecewise { pieces, otherwise } => {
            let mut s = "<piecewise>".to_string();
            for (v, c) in pieces {
                s += &format!("<piece>{}{}</piece>", mathml_of(v), mathml_of(c));
            }
            if let Some(o) = otherwise {
                s += &format!("<otherwise>{}</otherwise>", mathml_of(o));
            }
            s + "</piecewise>"
        }
    }
}

fn read(xml: &str) -> Result<mathml::Math, ExprError> {
    let text = format!("<math xmlns=\"http://www.w3.org/1998/Math/MathML\" xmlns:sbml=\"http://www.sbml.org/sbml/level3/version2/core\">{xml}</math>");
    let doc = roxmltree::Document::parse(&text).unwrap();
    mathml::read(doc.root_element())
}

fn read_expr(xml: &str) -> Expr {
    match read(xml) {
        Ok(mathml::Math::Expr(e)) => e,
        other => panic!("{xml}: {other:?}"),
    }
}

#[test]
fn mathml_reads_every_operator() {
    let mut rng = Rng::new(11, 2);
    for _ in 0..2000 {
        let e = random_expr(&mut rng, 4, &["a", "k_1", "S2"]);
        assert_eq!(read_expr(&mathml_of(&e)), e, "{e}");
    }
    // Every operator with a MathML element of its own (`delay` is a
    // csymbol, read in `mathml_numbers_symbols_and_qualifiers`).
    let mut covered = BTreeSet::new();
    for op in evaluated_ops() {
        let (min, _) = op.arity();
        let args: Vec<Expr> = (0..min.max(1)).map(|k| Expr::Num(k as f64 + 2.0)).collect();
        let e = Expr::apply(op, args);
        assert_eq!(read_expr(&mathml_of(&e)), e);
        covered.insert(op.name());
    }
    assert_eq!(covered.len(), Op::ALL.len() - 1);
}

#[test]
fn mathml_numbers_symbols_and_qualifiers() {
    assert_eq!(read_expr("<cn type=\"integer\"> 42 </cn>"), Expr::Num(42.0));
    assert_eq!(read_expr("<cn sbml:units=\"mole\"> 1.5 </cn>"), Expr::Num(1.5));
    assert_eq!(read_expr("<cn type=\"e-notation\"> 1.2 <sep/> -3 </cn>"), Expr::Num(1.2e-3));
    assert_eq!(read_expr("<cn type=\"rational\"> 1 <sep/> 4 </cn>"), Expr::Num(0.25));
    assert_eq!(read_expr("<cn> INF </cn>"), Expr::Num(f64::INFINITY));
    assert_eq!(
        read_expr("<csymbol definitionURL=\"http://www.sbml.org/sbml/symbols/avogadro\"> avogadro </csymbol>"),
        Expr::Avogadro
    );
    assert_eq!(read_expr("<apply><log/><ci>x</ci></apply>"), Expr::parse("log(10, x)").unwrap());
    assert_eq!(read_expr("<apply><root/><ci>x</ci></apply>"), Expr::parse("root(2, x)").unwrap());
    assert_eq!(
        read_expr("<apply><root/><degree><cn>3</cn></degree><ci>x</ci></apply>"),
        Expr::parse("root(3, x)").unwrap()
    );
    assert_eq!(
        read_expr("<semantics><apply><plus/><ci>a</ci><cn>1</cn></apply><annotation encoding=\"text\">a+1</annotation></semantics>"),
        Expr::parse("a + 1").unwrap()
    );
    assert_eq!(
        read_expr("<apply><times/><semantics definitionURL=\"x\"><ci>k</ci><annotation-xml><foo/></annotation-xml></semantics><ci>S</ci></apply>"),
        Expr::parse("k * S").unwrap()
    );
    // An application without operator or arguments is its inner expression
    // (libSBML's reading; BioModels write it); with arguments it is refused.
    assert_eq!(read_expr("<apply><apply><times/><ci>a</ci><ci>b</ci></apply></apply>"), Expr::parse("a * b").unwrap());
    assert!(read("<apply><apply><times/><ci>a</ci><ci>b</ci></apply><ci>c</ci></apply>").is_err());
    match read(
        "<lambda><bvar><ci> x </ci></bvar><bvar><ci>y</ci></bvar><apply><times/><ci>x</ci><ci>y</ci></apply></lambda>",
    ) {
        Ok(mathml::Math::Lambda(l)) => {
            assert_eq!(l.params.iter().map(|p| p.to_string()).collect::<Vec<_>>(), ["x", "y"]);
            assert_eq!(l.body, Expr::parse("x * y").unwrap());
        }
        other => panic!("{other:?}"),
    }
    // delay(x, τ) is the operator `delay`, in MathML the csymbol, and
    // nothing outside a model can evaluate it.
    let delay = read_expr("<apply><csymbol definitionURL=\"http://www.sbml.org/sbml/symbols/delay\">delay</csymbol><ci>x</ci><cn>1</cn></apply>");
    assert_eq!(delay, Expr::parse("delay(x, 1)").unwrap());
    assert_eq!(delay, Expr::apply(Op::Delay, vec![Expr::var("x"), Expr::Num(1.0)]));
    assert_eq!(read_expr(&mathml::write(&delay)), delay);
    assert!(mathml::write(&delay).contains("symbols/delay\">delay</csymbol><ci>x</ci>"));
    assert!(delay.eval(&|_| Some(1.0), 0.0).unwrap_err().to_string().contains("outside a model"));
    assert!(delay.diff("x").is_err());
    assert_eq!(Expr::parse("delay(2, x)").unwrap().simplify(), Expr::Num(2.0));
    // Each delay replaced, a lag's own delays first, every other node kept.
    let e = Expr::parse("piecewise(delay(x, 1), delay(y, delay(z, 2)) > 0, f(3))").unwrap();
    let mut seen = Vec::new();
    let replaced = e.map_delays(|x, lag| {
        seen.push(format!("{x} after {lag}"));
        Expr::var(&format!("d{}", seen.len()))
    });
    assert_eq!(seen, ["x after 1", "z after 2", "y after d2"]);
    assert_eq!(replaced, Expr::parse("piecewise(d1, d3 > 0, f(3))").unwrap());
    assert_eq!(Expr::parse("a + f(b)").unwrap().map_delays(|_, _| unreachable!()), Expr::parse("a + f(b)").unwrap());
    // rateOf(x) is the variable `rateOf(x)`, which the SBML importer
    // replaces; it is written back as the csymbol, and infix text refuses it.
    let rate = read_expr("<apply><csymbol definitionURL=\"http://www.sbml.org/sbml/symbols/rateOf\">rateOf</csymbol><ci> x </ci></apply>");
    assert_eq!(rate, mathml::rate_of("x"));
    assert_eq!(mathml::rate_of_target("rateOf(x)"), Some("x"));
    assert_eq!((mathml::rate_of_target("x"), mathml::rate_of_target("rateOf()")), (None, None));
    assert_eq!(read_expr(&mathml::write(&rate)), rate);
    assert!(mathml::write(&rate).contains("symbols/rateOf\">rateOf</csymbol><ci>x</ci>"));
    assert!(Expr::parse(&rate.to_string()).unwrap_err().to_string().contains("rateOf csymbol"));
    // Errors name the construct.
    for (xml, needle) in [
        ("<apply><csymbol definitionURL=\"http://www.sbml.org/sbml/symbols/delay\">delay</csymbol><ci>x</ci></apply>", "delay takes two arguments"),
        ("<csymbol definitionURL=\"http://www.sbml.org/sbml/symbols/delay\">delay</csymbol>", "the delay csymbol outside an <apply>"),
        ("<lambda><bvar><ci>x</ci></bvar><apply><csymbol definitionURL=\"http://www.sbml.org/sbml/symbols/delay\">delay</csymbol><ci>x</ci><cn>1</cn></apply></lambda>", "delay csymbol in a function definition"),
        ("<apply><csymbol definitionURL=\"http://www.sbml.org/sbml/symbols/rateOf\">rateOf</csymbol><cn>1</cn></apply>", "rateOf csymbol of an expression that is not a symbol"),
        ("<apply><csymbol definitionURL=\"http://www.sbml.org/sbml/symbols/rateOf\">rateOf</csymbol><ci>x</ci><ci>y</ci></apply>", "rateOf takes one argument"),
        ("<csymbol definitionURL=\"http://www.sbml.org/sbml/symbols/rateOf\">rateOf</csymbol>", "outside an <apply>"),
        ("<lambda><bvar><ci>x</ci></bvar><apply><csymbol definitionURL=\"http://www.sbml.org/sbml/symbols/rateOf\">rateOf</csymbol><ci>x</ci></apply></lambda>", "rateOf csymbol in a function definition"),
        ("<ci>rateOf(x)</ci>", "is not a name"),
        ("<apply><diff/><ci>x</ci></apply>", "<diff>"),
        ("<matrix/>", "<matrix>"),
        ("<apply><exp/><ci>x</ci><ci>y</ci></apply>", "'exp' takes 1"),
        ("<apply><sin/><degree><cn>2</cn></degree><ci>x</ci></apply>", "<degree> does not apply"),
        ("<cn type=\"e-notation\">1</cn>", "<sep/>"),
        ("<cn>abc</cn>", "not a number"),
        ("<cn type=\"complex-cartesian\">1<sep/>2</cn>", "complex-cartesian"),
        ("<piecewise><piece><cn>1</cn></piece></piecewise>", "value and a condition"),
        ("<csymbol definitionURL=\"http://example.org/x\">x</csymbol>", "unknown csymbol"),
    ] {
        let err = read(xml).unwrap_err();
        assert!(err.to_string().contains(needle), "{xml}: {err}");
    }
}

fn suite_math(file: &str) -> Vec<mathml::Math> {
    let path = format!("{}/tests/data/sbml-test-suite/{file}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(path).unwrap();
    let doc = roxmltree::Document::parse(&text).unwrap();
    doc.descendants().filter(|n| n.has_tag_name("math")).map(|n| mathml::read(n).unwrap()).collect()
}

#[test]
fn sbml_test_suite_math_blocks() {
    // 00025: a function definition (lambda) called from a kinetic law.
    let maths = suite_math("00025-sbml-l3v2.xml");
    let mathml::Math::Lambda(multiply) = &maths[0] else { panic!("{:?}", maths[0]) };
    let mathml::Math::Expr(law) = &maths[1] else { panic!() };
    assert_eq!(*law, Expr::parse("compartment * multiply(k1, S1)").unwrap());
    let mut defs = FunctionTable::new();
    defs.insert("multiply", multiply.clone());
    assert_eq!(law.inline(&defs).unwrap(), Expr::parse("compartment * (k1 * S1)").unwrap());
    // 00190: piecewise with a constant false piece.
    let maths = suite_math("00190-sbml-l3v2.xml");
    let mathml::Math::Expr(law) = &maths[0] else { panic!() };
    assert_eq!(*law, Expr::parse("piecewise(p1, false, p2)").unwrap());
    assert_eq!(law.simplify(), Expr::var("p2"));
    // 00851: the time csymbol.
    let maths = suite_math("00851-sbml-l3v2.xml");
    let mathml::Math::Expr(law) = maths.last().unwrap() else { panic!() };
    assert_eq!(*law, Expr::parse("C * k1 * S1 * time").unwrap());
    assert!(law.depends_on_time());
}

// ------------------------------------------------------------------ functions

#[test]
fn function_definitions_are_inlined_checked_and_not_recursive() {
    let lambda = |text: &str, params: &[&str]| sasp::expr::Lambda {
        params: params.iter().map(|p| (*p).into()).collect(),
        body: Expr::parse(text).unwrap(),
    };
    let mut defs = FunctionTable::new();
    defs.insert("mm", lambda("V*S/(K + S)", &["V", "S", "K"]));
    defs.insert("twice", lambda("2*mm(a, b, 1)", &["a", "b"]));
    let e = Expr::parse("twice(x + 1, y) + mm(1, 2, 3)").unwrap().inline(&defs).unwrap();
    assert_eq!(e, Expr::parse("2 * ((x + 1) * y / (1 + y)) + 1 * 2 / (3 + 2)").unwrap());
    assert!(matches!(
        Expr::parse("mm(1, 2)").unwrap().inline(&defs),
        Err(ExprError::Arity { expected, found: 2, .. }) if expected == "3"
    ));
    assert!(matches!(Expr::parse("nope(1)").unwrap().inline(&defs), Err(ExprError::UnknownFunction(n)) if n == "nope"));
    defs.insert("f", lambda("g(x) + 1", &["x"]));
    defs.insert("g", lambda("f(x) * 2", &["x"]));
    let err = Expr::parse("f(1)").unwrap().inline(&defs).unwrap_err();
    assert_eq!(err.to_string(), "recursive function definitions: f → g → f");
    // Exponential growth is capped.
    for k in 0..30 {
        defs.insert(&format!("h{}", k + 1), lambda(&format!("h{k}(x) + h{k}(x)"), &["x"]));
    }
    defs.insert("h0", lambda("x", &["x"]));
    assert!(matches!(Expr::parse("h30(1)").unwrap().inline(&defs), Err(ExprError::TooLarge { .. })));
    // So is depth: a deep body nested in itself.
    defs.insert("deep", lambda(&("sin(".repeat(200) + "x" + &")".repeat(200)), &["x"]));
    let nested = "deep(".repeat(20) + "y" + &")".repeat(20);
    assert!(matches!(Expr::parse(&nested).unwrap().inline(&defs), Err(ExprError::TooDeep { limit: 1024 })));
    assert_eq!(Expr::parse("h3(y)").unwrap().inline(&defs).unwrap().eval(&|_| Some(1.0), 0.0).unwrap(), 8.0);
    // Calls must be inlined before derivatives and tapes.
    assert!(Expr::parse("f(x)").unwrap().diff("x").is_err());
    assert!(Tape::compile(&[Expr::parse("f(x)").unwrap()], slot).is_err());
}

// ------------------------------------------------------------------ simplification

#[test]
fn simplification_keeps_values_and_ieee_honest() {
    let s = |t: &str| Expr::parse(t).unwrap().simplify().to_string();
    assert_eq!(s("x + 0"), "x");
    assert_eq!(s("0 + x + 0"), "x");
    assert_eq!(s("x * 1"), "x");
    assert_eq!(s("x - 0"), "x");
    assert_eq!(s("0 - x"), "-x");
    assert_eq!(s("--x"), "x");
    assert_eq!(s("x / 1"), "x");
    assert_eq!(s("x ^ 1"), "x");
    assert_eq!(s("x ^ 0"), "1");
    assert_eq!(s("1 ^ x"), "1");
    assert_eq!(s("2 * 3 + x"), "6 + x");
    assert_eq!(s("exp(0) * x"), "x");
    assert_eq!(s("x * 0"), "x * 0"); // x may be infinite or NaN
    assert_eq!(s("0 * infinity"), "notanumber");
    assert_eq!(s("x - x"), "x - x");
    assert_eq!(s("piecewise(a, 1 > 2, b, 2 > 1, c)"), "b");
    assert_eq!(s("piecewise(a, x > 0, a)"), "a");
    assert_eq!(s("piecewise(a, false)"), "notanumber");
    assert_eq!(s("piecewise(a, x > 0)"), "piecewise(a, x > 0)");
    // Values never change (over random trees and points).
    let mut rng = Rng::new(3, 3);
    for _ in 0..2000 {
        let e = random_expr(&mut rng, 4, &NAMES);
        let simple = e.simplify();
        for _ in 0..3 {
            let v = [rng.normal() * 2.0, rng.normal(), rng.uniform()];
            let env = |n: &str| slot(n).map(|k| v[k]);
            let (a, b) = (e.eval(&env, 0.7).unwrap(), simple.eval(&env, 0.7).unwrap());
            assert!(same(a, b) || (a == 0.0 && b == 0.0), "{e} = {a}, simplified {simple} = {b}");
        }
    }
}

// ------------------------------------------------------------------ derivatives

/// Central differences of `e` in variable `k` at `v`, step `h`.
fn central(e: &Expr, k: usize, v: [f64; 3], h: f64) -> f64 {
    let mut up = v;
    let mut down = v;
    up[k] += h;
    down[k] -= h;
    let f = |p: [f64; 3]| e.eval(&|n: &str| slot(n).map(|j| p[j]), 1.5).unwrap();
    (f(up) - f(down)) / (2.0 * h)
}

/// Checks `d e / d NAMES[k]` at `v` against central differences; `Some(true)`
/// if it agrees, `None` when differences cannot tell (not finite, or the two
/// step sizes disagree: a kink, jump or steep region inside the stencil).
fn agrees(e: &Expr, de: &Expr, k: usize, v: [f64; 3]) -> Option<bool> {
    let env = |n: &str| slot(n).map(|j| v[j]);
    let f = e.eval(&env, 1.5).unwrap();
    let d = de.eval(&env, 1.5).unwrap();
    let h = 1e-5 * (1.0 + v[k].abs());
    let (fd1, fd2) = (central(e, k, v, h), central(e, k, v, h / 2.0));
    if ![f, d, fd1, fd2].iter().all(|x| x.is_finite()) {
        return None;
    }
    let scale = 1.0 + fd2.abs() + 1e-9 * f.abs() / h;
    if (fd1 - fd2).abs() > 1e-5 * scale {
        return None;
    }
    Some((d - fd2).abs() <= 1e-5 * scale)
}

fn ops_in(e: &Expr, into: &mut BTreeSet<&'static str>) {
    e.visit(&mut |n| match n {
        Expr::Apply(op, _) => {
            into.insert(op.name());
        }
        Expr::Piecewise { .. } => {
            into.insert("piecewise");
        }
        _ => {}
    });
}

#[test]
fn every_derivative_matches_central_differences() {
    let hand = [
        "x + y + x*y",
        "x - y",
        "-x",
        "x/y",
        "y/x",
        "x^y",
        "x^3",
        "y^x",
        "x^2.5",
        "exp(x*y)",
        "ln(x*y)",
        "log(y, x)",
        "log(x)",
        "log(x, y)",
        "root(3, x)",
        "root(y, x)",
        "root(x, y)",
        "sqrt(x)",
        "abs(x - 0.5)",
        "floor(y)*x",
        "ceiling(y)*x",
        "factorial(floor(y))*x",
        "sin(x*y)",
        "cos(x)",
        "tan(x)",
        "sec(x)",
        "csc(x)",
        "cot(x)",
        "sinh(x)",
        "cosh(x)",
        "tanh(x)",
        "sech(x)",
        "csch(x)",
        "coth(x)",
        "arcsin(x)",
        "arccos(x)",
        "arctan(x)",
        "arcsec(y)",
        "arccsc(y)",
        "arccot(x)",
        "arcsinh(x)",
        "arccosh(y)",
        "arctanh(x)",
        "arcsech(x)",
        "arccsch(x)",
        "arccoth(y)",
        "min(x, y, x*y)",
        "max(x, y, 1)",
        "min(x)",
        "rem(y, x)",
        "rem(x*y, 0.3)",
        "quotient(y, x)*x",
        "piecewise(x^2, x < 0.5, x*y, y > 2, y)",
        "piecewise(x*x, x < y)",
        "(x < y) * x",
        "and(x < y, y > 1) + x",
        "or(x > y, y > 1)*x",
        "xor(x < y, y < 1)*x",
        "not(x > y)*x",
        "implies(x > y, y > 1)*x",
        "eq(x, y) + x",
        "neq(x, y)*x",
        "leq(x, y, 3)*x",
        "geq(y, x)*x",
        "gt(y, x)*y",
        "lt(x, y)*y",
        "time*x",
        "avogadro*x/1e23",
        "pi*x",
        "exponentiale^x",
        "x*y*z + y*z",
        "Vmax*x/(Km + x)",
        "x^y^z",
    ];
    let mut rng = Rng::new(42, 4);
    let mut covered = BTreeSet::new();
    let mut checks = 0;
    let check = |e: &Expr, rng: &mut Rng, points: usize, covered: &mut BTreeSet<&'static str>| -> usize {
        let mut ok = 0;
        for (k, name) in NAMES.iter().enumerate() {
            let de = e.diff(name).unwrap();
            for _ in 0..points {
                let v = [0.2 + 0.7 * rng.uniform(), 1.5 + 1.5 * rng.uniform(), 0.5 + rng.uniform()];
                match agrees(e, &de, k, v) {
                    Some(true) => {
                        ok += 1;
                        ops_in(e, covered);
                    }
                    Some(false) => panic!("d({e})/d{name} = {de} disagrees with differences at {v:?}"),
                    None => {}
                }
            }
        }
        ok
    };
    for text in hand {
        let e = Expr::parse(text).unwrap_or_else(|err| panic!("{text}: {err}"));
        let e = e.substitute(&|n| match n {
            "Vmax" => Some(Expr::Num(2.0)),
            "Km" => Some(Expr::Num(0.3)),
            _ => None,
        });
        let n = check(&e, &mut rng, 8, &mut covered);
        assert!(n > 0, "{text}: no point could be checked");
        checks += n;
    }
    for _ in 0..3000 {
        let e = random_expr(&mut rng, 4, &NAMES);
        checks += check(&e, &mut rng, 2, &mut covered);
    }
    let all: BTreeSet<&str> = evaluated_ops().iter().map(|o| o.name()).chain(["piecewise"]).collect();
    assert_eq!(all.difference(&covered).collect::<Vec<_>>(), Vec::<&&str>::new());
    assert!(checks > 5000, "only {checks} checks");
}

#[test]
fn derivatives_at_the_special_points() {
    let d = |text: &str, x: f64| {
        let de = Expr::parse(text).unwrap().diff("x").unwrap();
        de.eval(&|n| (n == "x").then_some(x), 0.0).unwrap()
    };
    assert_eq!(d("x^2", 0.0), 0.0); // not 0·ln 0 = NaN
    assert_eq!(d("x^3", 0.0), 0.0);
    assert_eq!(d("x^2", 3.0), 6.0);
    assert_eq!(d("x^0", 0.0), 0.0);
    assert_eq!(d("x^1", 0.0), 1.0);
    assert_eq!(d("abs(x)", -2.0), -1.0);
    assert_eq!(d("abs(x)", 0.0), 0.0);
    assert_eq!(d("min(x, 1)", 0.5), 1.0);
    assert_eq!(d("min(x, 1)", 2.0), 0.0);
    assert_eq!(d("max(x, 2*x)", 1.0), 2.0);
    assert_eq!(d("floor(x)", 1.5), 0.0);
    assert_eq!(d("piecewise(x^2, x < 0, 3*x)", -1.0), -2.0);
    assert_eq!(d("piecewise(x^2, x < 0, 3*x)", 1.0), 3.0);
    assert!(d("piecewise(x^2, x < 0)", 1.0).is_nan());
    // Structural zeros: no term for what does not depend on the variable.
    assert_eq!(Expr::parse("k*y*exp(z)").unwrap().diff("x").unwrap(), Expr::Num(0.0));
    assert_eq!(Expr::parse("k*x").unwrap().diff("x").unwrap().to_string(), "k");
    assert_eq!(Expr::parse("x*y + y").unwrap().diff("x").unwrap().to_string(), "y");
    assert_eq!(Expr::parse("exp(2*x)").unwrap().diff("x").unwrap().to_string(), "exp(2 * x) * 2");
    assert_eq!(Expr::parse("x^2").unwrap().diff("x").unwrap().to_string(), "2 * x");
    // One sparse Jacobian row: no entry for what only enters a condition.
    let row = Expr::parse("k*x*piecewise(y, z > 1, 2)").unwrap().partials().unwrap();
    let row: Vec<String> = row.iter().map(|(n, d)| format!("{n}: {d}")).collect();
    assert_eq!(
        row,
        ["k: x * piecewise(y, z > 1, 2)", "x: k * piecewise(y, z > 1, 2)", "y: k * x * piecewise(1, z > 1, 0)"]
    );
}

// ------------------------------------------------------------------ the tape

#[test]
fn the_tape_shares_common_subexpressions() {
    let roots = [Expr::parse("(a + b)^2").unwrap(), Expr::parse("exp(a + b)").unwrap()];
    let names = ["a", "b"];
    let tape = Tape::compile(&roots, |n| names.iter().position(|m| *m == n)).unwrap();
    assert_eq!(tape.count(Op::Plus), 1);
    assert_eq!(tape.count(Op::Power), 1);
    assert_eq!(tape.count(Op::Exp), 1);
    assert_eq!(tape.instruction_count(), 5); // a, b, a+b, ^2, exp
    let mut ws = tape.workspace();
    assert_eq!(tape.eval(&[1.0, 2.0], 0.0, &mut ws), &[9.0, 3f64.exp()]);
    assert_eq!(tape.value(&ws, 1), 3f64.exp());
    let mut out = [0.0; 2];
    tape.eval_into(&[0.5, 0.5], 0.0, &mut ws, &mut out);
    assert_eq!(out, [1.0, 1f64.exp()]);

    // A rate with all its partials costs less than them compiled apart.
    let rate = Expr::parse("k*x*y/(K + x)*exp(-(x + y)/T)").unwrap();
    let mut roots = vec![rate.clone()];
    for v in ["x", "y"] {
        roots.push(rate.diff(v).unwrap());
    }
    let names = ["k", "x", "y", "K", "T"];
    let bind = |n: &str| names.iter().position(|m| *m == n);
    let together = Tape::compile(&roots, bind).unwrap();
    let apart: usize =
        roots.iter().map(|r| Tape::compile(std::slice::from_ref(r), bind).unwrap().instruction_count()).sum();
    assert!(together.instruction_count() < apart * 2 / 3, "{} vs {apart}", together.instruction_count());
    assert_eq!(together.count(Op::Exp), 1);
    assert_eq!(together.root_count(), 3);
    assert_eq!(together.var_count(), 5);

    // Same values as the tree, evaluation after evaluation with one workspace.
    let mut ws = together.workspace();
    let mut rng = Rng::new(5, 5);
    for _ in 0..100 {
        let v: Vec<f64> = (0..5).map(|_| rng.uniform() * 3.0).collect();
        let env = |n: &str| bind(n).map(|k| v[k]);
        let out = together.eval(&v, 0.0, &mut ws).to_vec();
        for (r, o) in roots.iter().zip(out) {
            assert!(same(r.eval(&env, 0.0).unwrap(), o));
        }
    }
    // Unbound symbols are refused.
    assert!(matches!(Tape::compile(&[Expr::var("q")], bind), Err(ExprError::Unbound(n)) if n == "q"));
}

#[test]
fn the_tape_agrees_with_the_tree_on_random_expressions() {
    let mut rng = Rng::new(9, 6);
    let roots: Vec<Expr> = (0..400).map(|_| random_expr(&mut rng, 5, &NAMES)).collect();
    let tape = Tape::compile(&roots, slot).unwrap();
    let separate: usize =
        roots.iter().map(|r| Tape::compile(std::slice::from_ref(r), slot).unwrap().instruction_count()).sum();
    assert!(tape.instruction_count() < separate);
    let mut ws = tape.workspace();
    for _ in 0..20 {
        let v = [rng.normal() * 3.0, rng.normal(), rng.uniform() * 5.0];
        let t = rng.uniform() * 10.0;
        let out = tape.eval(&v, t, &mut ws).to_vec();
        for (r, o) in roots.iter().zip(out) {
            let want = r.eval(&|n: &str| slot(n).map(|k| v[k]), t).unwrap();
            assert!(same(want, o), "{r}: tree {want}, tape {o}");
        }
    }
}

// ------------------------------------------------------------------ no allocation

struct Counting;

thread_local! {
    static ALLOCATIONS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

unsafe impl std::alloc::GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        let _ = ALLOCATIONS.try_with(|c| c.set(c.get() + 1));
        unsafe { std::alloc::System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: std::alloc::Layout) {
        unsafe { std::alloc::System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

#[test]
fn evaluating_a_tape_allocates_nothing() {
    let mut rng = Rng::new(1, 7);
    let mut roots: Vec<Expr> = (0..50).map(|_| random_expr(&mut rng, 5, &NAMES)).collect();
    roots.push(Expr::parse("piecewise(x, x < y, min(x, y, z), z > 1, max(x, y))").unwrap());
    let tape = Tape::compile(&roots, slot).unwrap();
    let mut ws = tape.workspace();
    let mut out = vec![0.0; tape.root_count()];
    let before = ALLOCATIONS.with(|c| c.get());
    let mut sum = 0.0;
    for k in 0..1000 {
        let v = [k as f64 * 0.01, 1.0, 2.0];
        sum += tape.eval(&v, 0.5, &mut ws)[0];
        tape.eval_into(&v, 0.5, &mut ws, &mut out);
    }
    assert_eq!(ALLOCATIONS.with(|c| c.get()), before);
    std::hint::black_box(sum);
    // The counter does count: a workspace is an allocation.
    let _another = tape.workspace();
    assert!(ALLOCATIONS.with(|c| c.get()) > before);
}

#[test]
fn random_text_parses_or_fails_cleanly_and_what_parses_prints_back() {
    let pieces = [
        "x",
        "y",
        "2",
        ".5",
        "1e3",
        "-",
        "+",
        "*",
        "/",
        "^",
        "(",
        ")",
        ",",
        "<",
        "<=",
        "==",
        "!=",
        "&&",
        "||",
        "!",
        "and",
        "or",
        "not",
        "exp(",
        "log(",
        "piecewise(",
        "min(",
        "f(",
        "time",
        "pi",
        " ",
        "=",
        "&",
        "µ",
        "1e",
        "..",
    ];
    let mut rng = Rng::new(13, 8);
    let mut parsed = 0;
    for _ in 0..60_000 {
        let n = 1 + (rng.next() % 12) as usize;
        let text: String = (0..n).map(|_| pieces[(rng.next() % pieces.len() as u64) as usize]).collect();
        match Expr::parse(&text) {
            Ok(e) => {
                parsed += 1;
                let printed = e.to_string();
                assert_eq!(Expr::parse(&printed).as_ref(), Ok(&e), "{text} printed as {printed}");
            }
            Err(ExprError::Syntax { column, .. }) => assert!(column >= 1 && column <= text.len() + 1, "{text}"),
            Err(ExprError::Arity { .. } | ExprError::Unsupported(_)) => panic!("{text}: not reported as syntax"),
            Err(other) => panic!("{text}: {other:?}"),
        }
    }
    assert!(parsed > 1000, "{parsed}");
}

#[test]
fn sympy_dialect_reads_petab_formulas() {
    use sasp::expr::Dialect;
    let sympy =
        |t: &str, x: f64| Expr::parse_dialect(t, &|_| false, Dialect::Sympy).unwrap().eval(&|_| Some(x), 0.0).unwrap();
    assert!((sympy("log(x)", 7.0) - 7f64.ln()).abs() < 1e-15);
    assert!((sympy("log(x, 2)", 8.0) - 3.0).abs() < 1e-15);
    assert!((sympy("log10(x)", 1000.0) - 3.0).abs() < 1e-15);
    assert_eq!(sympy("x**2 + 2^x", 3.0), 17.0);
    // sasp's own text keeps libSBML's meaning: log(x) is base 10.
    assert_eq!(at("log(x)", 100.0), 2.0);
    assert_eq!(at("x**3", 2.0), 8.0);
    assert!(Expr::parse_dialect("log(x, 2, 3)", &|_| false, Dialect::Sympy).is_err());
}

#[test]
fn tape_parameters_update_without_recompiling_to_the_bit_of_a_new_compile() {
    use sasp::expr::{parameter_index, parameter_name};
    // y = k0·x/(k1 + x) + exp(-k0/k1)·t: exp(-k0/k1) reads parameters alone
    // and is computed once, not at each evaluation.
    let (p0, p1) = (parameter_name(0), parameter_name(1));
    assert_eq!((parameter_index(&p1), parameter_index("$p01"), parameter_index("k")), (Some(1), None, None));
    let e = Expr::parse(&format!("{p0}*x/({p1} + x) + exp(-{p0}/{p1})*t").replace('$', "")).unwrap();
    // (Infix names cannot hold `$`: put the parameters in by substitution.)
    let e = e.substitute(&|v| match v {
        "p0" => Some(Expr::var(&p0)),
        "p1" => Some(Expr::var(&p1)),
        _ => None,
    });
    let bind = |n: &str| ["x", "t"].iter().position(|m| *m == n);
    let values = [2.0, 0.5];
    let mut tape = Tape::compile_with_parameters(std::slice::from_ref(&e), bind, &values).unwrap();
    let plain = Tape::compile(&[Expr::parse("x + exp(t)").unwrap()], bind).unwrap();
    assert_eq!(plain.instruction_count(), 4, "loads of x and t, exp, +");
    // Loads of x and t, k0·x, k1 + x, the division, the product with t and
    // the sum: exp(-k0/k1) is hoisted.
    assert_eq!(tape.instruction_count(), 7);
    let at = |tape: &Tape| {
        let mut ws = tape.workspace();
        tape.eval(&[0.7, 1.5], 0.0, &mut ws)[0]
    };
    let expected = 2.0 * 0.7 / (0.5 + 0.7) + (-2.0f64 / 0.5).exp() * 1.5;
    assert_eq!(at(&tape), expected);
    tape.set_parameters(&[3.0, 0.25]);
    let fresh = Tape::compile_with_parameters(std::slice::from_ref(&e), bind, &[3.0, 0.25]).unwrap();
    assert_eq!(at(&tape).to_bits(), at(&fresh).to_bits());
    assert_eq!(at(&tape), 3.0 * 0.7 / (0.25 + 0.7) + (-3.0f64 / 0.25).exp() * 1.5);
    assert!(tape.reads_parameter(1) && !tape.reads_parameter(2));
    // Without parameters (or beyond their number), the name is unbound.
    assert!(Tape::compile(std::slice::from_ref(&e), bind).is_err());
    assert!(Tape::compile_with_parameters(std::slice::from_ref(&e), bind, &[1.0]).is_err());
}

/// Registers tagged with a tape's constants (`Tape::eval_tagged`, the
/// per-thread pool the model evaluates its tapes with) are reused only
/// while those constants stand: new parameter values, or another tape,
/// write them again.
#[test]
fn tagged_registers_follow_the_tapes_parameters() {
    let p = |k| Expr::var(&sasp::expr::parameter_name(k));
    let cube = Expr::binary(Op::Power, p(1), Expr::Num(3.0));
    let e = Expr::binary(
        Op::Plus,
        Expr::binary(Op::Times, Expr::var("x"), p(0)),
        Expr::binary(Op::Times, Expr::Num(2.0), cube),
    );
    let mut tape = Tape::compile_with_parameters(std::slice::from_ref(&e), slot, &[3.0, 2.0]).unwrap();
    let other = Tape::compile(&[Expr::parse("x + 100").unwrap()], slot).unwrap();
    let mut regs = vec![0.0; tape.register_count().max(other.register_count())];
    let mut tag = 0;
    let vars = [5.0, 0.0, 0.0];
    let mut value = |tape: &Tape, tag: &mut u64| {
        tape.eval_tagged(&vars, 0.0, &mut regs, tag);
        tape.root_in(&regs, 0)
    };
    assert_eq!(value(&tape, &mut tag), 31.0);
    assert_eq!(tag, tape.generation());
    assert_eq!(value(&tape, &mut tag), 31.0);
    tape.set_parameters(&[1.0, 3.0]);
    assert_ne!(tag, tape.generation());
    assert_eq!(value(&tape, &mut tag), 59.0);
    assert_eq!(value(&other, &mut tag), 105.0);
    assert_eq!(value(&tape, &mut tag), 59.0);
    let copy = tape.clone();
    assert_eq!(copy.generation(), tape.generation());
    assert_eq!(value(&copy, &mut tag), 59.0);
}
