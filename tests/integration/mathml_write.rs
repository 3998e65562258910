//! `sasp::expr::mathml::write`: Content MathML that `mathml::read_expr`
//! reads back to the same tree, for every node (a broad list of infix
//! expressions and random trees over every operator), evaluating to the
//! same values bit for bit (NaN and infinities included).

use sasp::expr::{mathml, Constant, Expr, Op};
use sasp::util::rng::Rng;

fn read_back(e: &Expr) -> Expr {
    let text = format!("<math xmlns=\"http://www.w3.org/1998/Math/MathML\">{}</math>", mathml::write(e));
    let doc = roxmltree::Document::parse(&text).unwrap_or_else(|err| panic!("{e}: {err}\n{text}"));
    mathml::read_expr(doc.root_element()).unwrap_or_else(|err| panic!("{e}: {err}\n{text}"))
}

/// What the MathML of a number that is not finite reads back as: the
/// constants (`<infinity/>`, `<notanumber/>`, `−<infinity/>`).
fn normalized(e: &Expr) -> Expr {
    match e {
        Expr::Num(v) if v.is_nan() => Expr::Const(Constant::NaN),
        Expr::Num(v) if *v == f64::INFINITY => Expr::Const(Constant::Infinity),
        Expr::Num(v) if *v == f64::NEG_INFINITY => Expr::unary(Op::Minus, Expr::Const(Constant::Infinity)),
        Expr::Apply(op, args) => Expr::Apply(*op, args.iter().map(normalized).collect()),
        Expr::Call(f, args) => Expr::Call(f.clone(), args.iter().map(normalized).collect()),
        Expr::Piecewise { pieces, otherwise } => Expr::Piecewise {
            pieces: pieces.iter().map(|(v, c)| (normalized(v), normalized(c))).collect(),
            otherwise: otherwise.as_ref().map(|o| Box::new(normalized(o))),
        },
        other => other.clone(),
    }
}

fn same_bits(a: f64, b: f64) -> bool {
    a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
}

const POINTS: [[f64; 3]; 6] = [
    [0.5, 2.0, -1.25],
    [0.0, -0.0, 3.0],
    [1e-300, 1e300, 7.0],
    [f64::INFINITY, -2.0, 0.1],
    [f64::NAN, 1.0, 2.0],
    [-3.0, 4.5, f64::NEG_INFINITY],
];

fn check(e: &Expr, vars: &[&str]) {
    let back = read_back(e);
    assert_eq!(back, normalized(e), "{e}\n{}", mathml::write(e));
    for point in POINTS {
        let env = |n: &str| vars.iter().position(|m| *m == n).map(|k| point[k % 3]);
        let (a, b) = (e.eval(&env, 1.5), back.eval(&env, 1.5));
        match (a, b) {
            (Ok(a), Ok(b)) => assert!(same_bits(a, b), "{e} at {point:?}: {a} vs {b}"),
            (a, b) => assert_eq!(a.is_err(), b.is_err(), "{e}"),
        }
    }
}

#[test]
fn infix_expressions_write_and_read_back() {
    let vars = ["x", "y", "z"];
    for text in [
        "Vmax*x/(Km + x)*y",
        "x - y + z",
        "-x",
        "-(3)",
        "-3",
        "-0.0 + 0",
        "x ^ 2 ^ y",
        "log(x)",
        "log(2, x)",
        "log(y, x)",
        "ln(x) + exp(-x)",
        "root(3, x) + sqrt(y) + root(y, z)",
        "abs(x) + floor(y) + ceiling(z) + factorial(3)",
        "sin(x) + cos(x) + tan(x) + sec(x) + csc(x) + cot(x)",
        "sinh(x) + cosh(x) + tanh(x) + sech(x) + csch(x) + coth(x)",
        "arcsin(x) + arccos(x) + arctan(x) + arcsec(y) + arccsc(y) + arccot(y)",
        "arcsinh(x) + arccosh(y) + arctanh(x) + arcsech(x) + arccsch(y) + arccoth(y)",
        "min(x) + max(x, y, z) + min(x, y)",
        "rem(x, y) + quotient(y, x) + rem(-7, 2)",
        "eq(x) + eq(x, y, z) + neq(x, y)",
        "lt(x, y, z) || leq(x, y) && gt(z, y, x) || geq(x, x, y)",
        "x < y && y <= z || !(x > z) || x >= 1",
        "xor() + xor(x < y, y < z, true) + implies(x > 0, false)",
        "and() + or() + and(x) + or(y)",
        "plus() + times() + plus(x) + times(y)",
        "piecewise(1, x < 0, 2)",
        "piecewise(1, x < 0, 2, y > 3)",
        "piecewise(x)",
        "piecewise()",
        "time * avogadro + pi - exponentiale + infinity + notanumber + true + false",
        "-infinity",
        "1e-7 * 1e300 + 0.1 + 123456789012345678 + 2147483647 + 2147483648 + -2147483648 + 4.9e-324",
        "1.7976931348623157e308 + -1.7976931348623157e308 + 0.30000000000000004 + 5e-324",
        "1/3 + 2.5 + 1e15 + 1e16 + 1e-4 + 1e-5 + 0.000123",
    ] {
        check(&Expr::parse(text).unwrap_or_else(|err| panic!("{text}: {err}")), &vars);
    }
}

#[test]
fn numbers_nodes_and_names_are_exact() {
    let nums = [
        0.0,
        -0.0,
        1.0,
        -1.0,
        42.0,
        2_147_483_647.0,
        2_147_483_648.0,
        -2_147_483_648.0,
        1e15,
        1e16,
        1e300,
        f64::MAX,
        f64::MIN_POSITIVE,
        5e-324,
        0.1,
        1.0 / 3.0,
        std::f64::consts::PI,
        -6.02214179e23,
        123.456e-78,
    ];
    for v in nums {
        let back = read_back(&Expr::Num(v));
        assert!(matches!(back, Expr::Num(w) if w.to_bits() == v.to_bits()), "{v:?}: {back:?}");
    }
    assert_eq!(mathml::write(&Expr::Num(3.0)), "<cn type=\"integer\">3</cn>");
    assert_eq!(mathml::write(&Expr::Num(-0.0)), "<cn>-0.0</cn>");
    assert_eq!(mathml::write(&Expr::Num(1.5e-7)), "<cn type=\"e-notation\">1.5<sep/>-7</cn>");
    assert_eq!(mathml::write(&Expr::Num(f64::INFINITY)), "<infinity/>");
    assert_eq!(mathml::write(&Expr::Num(f64::NEG_INFINITY)), "<apply><minus/><infinity/></apply>");
    assert_eq!(mathml::write(&Expr::Num(f64::NAN)), "<notanumber/>");
    assert_eq!(
        mathml::write(&Expr::Time),
        "<csymbol encoding=\"text\" definitionURL=\"http://www.sbml.org/sbml/symbols/time\">time</csymbol>"
    );
    assert_eq!(
        mathml::write(&Expr::parse("log(x)").unwrap()),
        "<apply><log/><logbase><cn type=\"integer\">10</cn></logbase><ci>x</ci></apply>"
    );
    // Names are escaped; a name spelled like a reserved word stays a variable.
    for name in ["a&b", "x<y>z", "time", "pi", "\"q'", "é_ü"] {
        let e = Expr::binary(Op::Times, Expr::var(name), Expr::Call(name.into(), vec![Expr::var(name)]));
        assert_eq!(read_back(&e), e, "{name}");
    }
    // Every operator, at every arity the reader accepts up to 3.
    for op in Op::ALL {
        let (min, max) = op.arity();
        for n in min..=max.min(3) {
            let e = Expr::apply(*op, (0..n).map(|k| Expr::Num(k as f64 + 2.0)).collect());
            check(&e, &[]);
        }
    }
}

// ------------------------------------------------------------------ random trees

const LEAF_NUMBERS: [f64; 12] = [0.0, 1.0, 2.0, 0.5, -3.0, 1e-7, 2.5e10, 1e300, 0.1, -0.0, 3.0e9, 7.25];

fn leaf(rng: &mut Rng, vars: &[&str]) -> Expr {
    let u = rng.uniform();
    if u < 0.5 {
        Expr::var(vars[(rng.next() % vars.len() as u64) as usize])
    } else if u < 0.85 {
        Expr::Num(LEAF_NUMBERS[(rng.next() % LEAF_NUMBERS.len() as u64) as usize])
    } else if u < 0.9 {
        // Any bit pattern: subnormals, huge, NaN, infinities.
        Expr::Num(f64::from_bits(rng.next()))
    } else {
        let constants = [
            Expr::Const(Constant::Pi),
            Expr::Const(Constant::E),
            Expr::Const(Constant::True),
            Expr::Const(Constant::False),
            Expr::Const(Constant::Infinity),
            Expr::Const(Constant::NaN),
            Expr::Time,
            Expr::Avogadro,
        ];
        constants[(rng.next() % constants.len() as u64) as usize].clone()
    }
}

fn random_expr(rng: &mut Rng, depth: usize, vars: &[&str]) -> Expr {
    if depth == 0 || rng.uniform() < 0.2 {
        return leaf(rng, vars);
    }
    let pick = (rng.next() % (Op::ALL.len() as u64 + 4)) as usize;
    if pick == Op::ALL.len() + 3 {
        let n = (rng.next() % 3) as usize;
        return Expr::Call(format!("f{n}").into(), (0..n).map(|_| random_expr(rng, depth - 1, vars)).collect());
    }
    if pick >= Op::ALL.len() {
        let n = (rng.next() % 3) as usize;
        let pieces = (0..n).map(|_| (random_expr(rng, depth - 1, vars), random_expr(rng, depth - 1, vars))).collect();
        let otherwise = (rng.uniform() < 0.7).then(|| Box::new(random_expr(rng, depth - 1, vars)));
        return Expr::Piecewise { pieces, otherwise };
    }
    let op = Op::ALL[pick];
    let (min, max) = op.arity();
    let n = min + (rng.next() % (max.min(4) - min + 1) as u64) as usize;
    Expr::apply(op, (0..n).map(|_| random_expr(rng, depth - 1, vars)).collect())
}

#[test]
fn random_trees_write_and_read_back() {
    let vars = ["a", "k_1", "S2"];
    let mut rng = Rng::new(2026, 11);
    for _ in 0..5000 {
        let e = random_expr(&mut rng, 5, &vars);
        let back = read_back(&e);
        assert_eq!(back, normalized(&e), "{e}");
        if !matches!(back, Expr::Call(..)) && e.symbols().is_empty() {
            // No calls (or delays, which only a model evaluates) inside
            // either: compare values too.
            let mut calls = false;
            e.visit(&mut |n| calls |= matches!(n, Expr::Call(..) | Expr::Apply(Op::Delay, _)));
            if !calls {
                let (a, b) = (e.eval(&|_| None, 0.25).unwrap(), back.eval(&|_| None, 0.25).unwrap());
                assert!(same_bits(a, b), "{e}: {a} vs {b}");
            }
        }
    }
    for _ in 0..2000 {
        let e = random_expr(&mut rng, 4, &vars);
        let mut calls = false;
        e.visit(&mut |n| calls |= matches!(n, Expr::Call(..) | Expr::Apply(Op::Delay, _)));
        if !calls {
            check(&e, &vars);
        }
    }
}
