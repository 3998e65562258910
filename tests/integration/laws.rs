//! Every rate law, alone, against finite differences; and the positivity rule.

use crate::common;

use common::{check_jacobian, Rng};
use sasp::model::{Compartment, CustomLaw, Factor, Model, ModelBuilder, ProcessDecl, Provenance, Quantity, RateLaw};
use std::sync::Arc;

/// Compartments A, B, Cx (cells), L, R, LR (nM); pool Tot = A + B + Cx; input u.
fn base() -> ModelBuilder {
    let cells = Compartment::Other(Quantity::Cells);
    let conc = Compartment::Other(Quantity::Concentration);
    let p = |b: ModelBuilder, name: &str, v: f64, unit: &str| b.parameter(name, v, unit, Provenance::Assumed, "test");
    let mut b = ModelBuilder::new("zoo")
        .compartment("A", cells, "Mcells", 1.0)
        .compartment("B", cells, "Mcells", 2.0)
        .compartment("Cx", cells, "Mcells", 0.5)
        .compartment("L", conc, "nM", 1.0)
        .compartment("R", conc, "nM", 1.0)
        .compartment("LR", conc, "nM", 0.0)
        .pool("Tot", &["A", "B", "Cx"])
        .input("u", 1.0);
    b = p(b, "k0", 0.7, "Mcells/day");
    b = p(b, "k1", 0.3, "1/day");
    b = p(b, "k2", 0.05, "1/(Mcells*day)");
    b = p(b, "Km", 1.5, "Mcells");
    b = p(b, "Kc", 50.0, "Mcells");
    b = p(b, "eps", 1e-3, "Mcells");
    b = p(b, "kon", 86.4, "1/(nM*day)");
    b = p(b, "koff", 8.64, "1/day");
    b
}

fn laws() -> Vec<ProcessDecl> {
    let s = |x: &str| x.to_string();
    let custom = |gradient: bool| CustomLaw {
        args: vec![s("A"), s("B"), s("Tot")],
        unit: s("Mcells/day"),
        vanishes_at_zero_of: vec![],
        rate: Arc::new(|_t, a: &[f64]| 0.1 * a[0] * a[1] * a[1] / (1.0 + a[2])),
        gradient: gradient.then(|| {
            Arc::new(|_t: f64, a: &[f64], g: &mut [f64]| {
                let d = 1.0 + a[2];
                g[0] = 0.1 * a[1] * a[1] / d;
                g[1] = 0.2 * a[0] * a[1] / d;
                g[2] = -0.1 * a[0] * a[1] * a[1] / (d * d);
            }) as Arc<dyn Fn(f64, &[f64], &mut [f64]) + Send + Sync>
        }),
    };
    vec![
        ProcessDecl::new("constant", RateLaw::Constant { k: "k0".into() }).change("A", 1.0),
        ProcessDecl::new("time source", RateLaw::TimeSource { k: "k0".into(), input: s("u") }).change("A", 1.0),
        ProcessDecl::new("first order", RateLaw::FirstOrder { k: "k1".into(), of: s("A") })
            .change("A", -1.0)
            .change("B", 1.0),
        ProcessDecl::new("first order of a pool", RateLaw::FirstOrder { k: "k1".into(), of: s("Tot") })
            .change("Cx", 1.0),
        ProcessDecl::new("mass action", RateLaw::MassAction { k: "k2".into(), of: vec![s("A"), s("B")] })
            .change("A", -1.0)
            .change("B", -1.0)
            .change("Cx", 1.0),
        ProcessDecl::new("second order", RateLaw::MassAction { k: "k2".into(), of: vec![s("A"), s("A")] })
            .change("A", -2.0)
            .change("Cx", 1.0),
        ProcessDecl::new("michaelis-menten", RateLaw::MichaelisMenten { k: "k0".into(), of: s("A"), km: s("Km") })
            .change("A", -1.0)
            .change("B", 1.0),
        ProcessDecl::new("hill", RateLaw::Hill { k: "k0".into(), of: s("A"), half: s("Km"), n: 2.5 }).change("A", -1.0),
        ProcessDecl::new(
            "hill repressor",
            RateLaw::HillRepressor { k: "k0".into(), of: s("B"), half: s("Km"), n: 3.0 },
        )
        .change("A", 1.0),
        ProcessDecl::new(
            "logistic",
            RateLaw::Logistic { k: "k1".into(), of: s("A"), total: s("Tot"), capacity: s("Kc") },
        )
        .change("A", 1.0),
        ProcessDecl::new(
            "ratio-dependent killing",
            RateLaw::RatioDependent { k: "k1".into(), of: vec![s("Cx"), s("A")], total: s("Tot"), eps: s("eps") },
        )
        .change("A", -1.0)
        .change("Cx", "-k1/k1"),
        ProcessDecl::new(
            "binding",
            RateLaw::Binding { kon: "kon".into(), koff: "koff".into(), of: [s("L"), s("R")], complex: s("LR") },
        )
        .change("L", -1.0)
        .change("R", -1.0)
        .change("LR", 1.0),
        ProcessDecl::new("modified", RateLaw::FirstOrder { k: "k1".into(), of: s("A") })
            .times(Factor::HillRepressor { of: s("B"), half: s("Km"), n: 1.0 })
            .times(Factor::Saturating { of: s("Cx"), km: s("Km") })
            .times(Factor::Input { input: s("u") })
            .times(Factor::Species { of: s("Tot"), order: 2 })
            .times(Factor::Ratio { of: s("Tot"), eps: s("eps") })
            .times(Factor::Ratio { of: s("Tot"), eps: s("eps") })
            .change("B", 1.0),
        ProcessDecl::new("custom with gradient", RateLaw::Custom(custom(true))).change("Cx", 1.0),
        ProcessDecl::new("custom by differences", RateLaw::Custom(custom(false))).change("Cx", 1.0),
    ]
}

#[test]
fn every_law_matches_finite_differences() {
    let mut rng = Rng::new(7);
    for law in laws() {
        let name = law.name.clone();
        let model = base().process(law).build().unwrap_or_else(|e| panic!("{name}: {e}"));
        let mut worst: f64 = 0.0;
        for _ in 0..50 {
            let y: Vec<f64> = (0..model.dimension()).map(|_| rng.log_uniform(1e-3, 1e2)).collect();
            let u = [rng.uniform()];
            worst = worst.max(check_jacobian(&model, rng.uniform() * 10.0, &y, &u));
        }
        // Custom laws without a gradient use plain central differences (error ~1e-10 relative).
        assert!(worst < 1e-6, "{name}: worst relative Jacobian error {worst:e}");
    }
}

#[test]
fn all_laws_together_match_finite_differences() {
    let mut b = base();
    for law in laws() {
        b = b.process(law);
    }
    let model = b.build().unwrap();
    let mut rng = Rng::new(11);
    for _ in 0..200 {
        let y: Vec<f64> = (0..model.dimension()).map(|_| rng.log_uniform(1e-3, 1e2)).collect();
        let worst = check_jacobian(&model, 0.0, &y, &[rng.uniform()]);
        assert!(worst < 1e-6, "worst relative Jacobian error {worst:e}");
    }
}

#[test]
fn rates_follow_their_formulas() {
    // One state, every law by hand.
    let y: [f64; 6] = [2.0, 3.0, 0.5, 4.0, 5.0, 1.0];
    let (a, b, cx, l, r, lr) = (y[0], y[1], y[2], y[3], y[4], y[5]);
    let tot = a + b + cx;
    let expected = [
        0.7,
        0.7 * 0.25,
        0.3 * a,
        0.3 * tot,
        0.05 * a * b,
        0.05 * a * a,
        0.7 * a / (1.5 + a),
        0.7 * a.powf(2.5) / (1.5f64.powf(2.5) + a.powf(2.5)),
        0.7 * 1.5f64.powi(3) / (1.5f64.powi(3) + b.powi(3)),
        0.3 * a * (1.0 - tot / 50.0),
        0.3 * cx * a / (tot + 1e-3),
        86.4 * l * r - 8.64 * lr,
        0.3 * a * (1.5 / (1.5 + b)) * (cx / (1.5 + cx)) * 0.25 * tot * tot / (tot + 1e-3).powi(2),
        0.1 * a * b * b / (1.0 + tot),
        0.1 * a * b * b / (1.0 + tot),
    ];
    let mut builder = base();
    for law in laws() {
        builder = builder.process(law);
    }
    let model = builder.build().unwrap();
    let names: Vec<String> = model.process_names().map(String::from).collect();
    assert_eq!(names.len(), expected.len());
    for (name, want) in names.iter().zip(expected) {
        let got = model.process_rate(name, 0.0, &y, &[0.25]).unwrap();
        assert!((got - want).abs() <= 1e-14 * want.abs().max(1.0), "{name}: {got} vs {want}");
    }
    // A total pushed below zero by numerical undershoot counts as zero in a
    // ratio: the rate stays finite (k x/ε) instead of blowing up at −ε.
    let ratio = names.iter().position(|n| n.contains("ratio")).expect("a ratio-dependent law");
    let undershoot: [f64; 6] = [-1e-3, 1e-4, -2e-4, 4.0, 5.0, 1.0];
    let got = model.process_rate(&names[ratio], 0.0, &undershoot, &[0.25]).unwrap();
    let want = 0.3 * undershoot[2] * undershoot[0] / 1e-3;
    assert!((got - want).abs() <= 1e-14 * want.abs(), "at a negative total: {got} vs {want}");
}

#[test]
fn the_reference_model_matches_finite_differences() {
    let model = sasp::models::iannello2013().unwrap();
    let mut rng = Rng::new(2013);
    let mut worst: f64 = 0.0;
    for k in 0..500 {
        let y: Vec<f64> = (0..model.dimension()).map(|_| rng.log_uniform(1e-4, 1e3)).collect();
        worst = worst.max(check_jacobian(&model, 0.0, &y, &[(k % 2) as f64]));
    }
    assert!(worst < 1e-6, "worst relative Jacobian error {worst:e}");
}

/// Wherever a compartment is zero, its right-hand side is non-negative.
fn check_positivity(model: &Model, seed: u64, inputs: &[f64]) {
    let mut rng = Rng::new(seed);
    let n = model.dimension();
    let mut dy = vec![0.0; n];
    for _ in 0..2000 {
        let mut y: Vec<f64> = (0..n).map(|_| rng.log_uniform(1e-4, 1e3)).collect();
        // Zero a random subset (at least one compartment).
        let first = (rng.next_u64() % n as u64) as usize;
        y[first] = 0.0;
        for v in y.iter_mut() {
            if rng.uniform() < 0.3 {
                *v = 0.0;
            }
        }
        model.rhs(0.0, &y, inputs, &mut dy).unwrap();
        for i in 0..n {
            if y[i] == 0.0 {
                assert!(dy[i] >= 0.0, "compartment {i} is 0 but its derivative is {} at {y:?}", dy[i]);
            }
        }
    }
}

#[test]
fn zero_compartments_never_decrease() {
    let model = sasp::models::iannello2013().unwrap();
    check_positivity(&model, 1, &[0.0]);
    check_positivity(&model, 2, &[1.0]);
    let mut b = base();
    for law in laws() {
        b = b.process(law);
    }
    check_positivity(&b.build().unwrap(), 3, &[0.5]);
}

#[test]
fn a_process_that_would_drive_a_state_negative_is_refused() {
    // Consumes B at a rate that does not vanish with B.
    let err = base()
        .process(ProcessDecl::new("leak", RateLaw::FirstOrder { k: "k1".into(), of: "A".into() }).change("B", -1.0))
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("consumes 'B'"), "{err}");
    // A Hill repressor does not vanish at zero either.
    let err = base()
        .process(
            ProcessDecl::new(
                "repressed decay",
                RateLaw::HillRepressor { k: "k0".into(), of: "A".into(), half: "Km".into(), n: 1.0 },
            )
            .change("A", -1.0),
        )
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("consumes 'A'"), "{err}");
}

/// Kernels of the zoo of every law (all processes of [`laws`] on [`base`]),
/// written by `sasp::model::compiled::rust_source` as a user's build script
/// would, and kept current by the test below (`SASP_UPDATE_KERNELS=1` rewrites).
mod zoo_kernels {
    include!("kernels/zoo.rs");
}

fn zoo() -> Model {
    let mut b = base();
    for law in laws() {
        b = b.process(law);
    }
    b.build().unwrap()
}

#[test]
fn a_model_its_user_compiles_and_registers_matches_the_interpreter() {
    use sasp::model::compiled;
    use sasp::solve::sparse::SparseLu;
    let model = zoo();
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/integration/kernels/zoo.rs");
    let source = compiled::rust_source(&model, "zoo", "sasp").unwrap();
    if std::env::var_os("SASP_UPDATE_KERNELS").is_some() {
        std::fs::write(path, &source).unwrap();
    }
    assert!(
        std::fs::read_to_string(path).unwrap() == source,
        "tests/integration/kernels/zoo.rs is stale: SASP_UPDATE_KERNELS=1"
    );
    assert!(!model.uses_compiled_kernels(), "not built in");
    compiled::register(&zoo_kernels::ZOO);
    compiled::register(&zoo_kernels::ZOO);
    let fast = zoo();
    assert!(fast.uses_compiled_kernels());
    assert_eq!(fast.structure_fingerprint(), model.structure_fingerprint());
    // The same bits, custom laws included (they are added after the kernels).
    let mut rng = Rng::new(11);
    let (n, nnz) = (model.dimension(), model.sparsity().nnz());
    let lu = SparseLu::new(fast.sparsity());
    assert!(lu.uses_compiled_kernels());
    for _ in 0..50 {
        let y: Vec<f64> = (0..n).map(|_| rng.log_uniform(1e-3, 1e2)).collect();
        let u = [rng.uniform()];
        let (mut a, mut b) = (vec![0.0; n], vec![0.0; n]);
        fast.rhs(1.0, &y, &u, &mut a).unwrap();
        model.rhs(1.0, &y, &u, &mut b).unwrap();
        assert_eq!(a, b);
        let (mut ja, mut jb) = (vec![0.0; nnz], vec![0.0; nnz]);
        fast.jacobian_sparse(1.0, &y, &u, &mut ja).unwrap();
        model.jacobian_sparse(1.0, &y, &u, &mut jb).unwrap();
        assert_eq!(ja, jb);
        let (mut la, mut lb) = (lu.clone(), lu.interpreted());
        la.factor_shifted(&ja, -1.0, 10.0).unwrap();
        lb.factor_shifted(&jb, -1.0, 10.0).unwrap();
        let (mut xa, mut xb) = (y.clone(), y.clone());
        la.solve(&mut xa);
        lb.solve(&mut xb);
        assert_eq!(xa, xb);
    }
}
