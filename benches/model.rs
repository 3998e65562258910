//! Cost of the reference model's right-hand side and Jacobian, and of whole
//! runs from injection (day −14) to day 21 (`cargo bench --bench model`):
//! p53 restored at day 0, with and without an anti-CCL2 antibody dosed every
//! two days from day −1 (12 bolus doses into an i.p. depot; binding to CCL2
//! at kon = 86.4 /nM/day makes the system stiff).

use criterion::{criterion_group, criterion_main, Criterion};
use nalgebra::DMatrix;
use sasp::model::{AntibodyPool, Compartment, ModelBuilder, ProcessDecl, RateLaw};
use sasp::prelude::*;
use sasp::solve::{integrate, Plan};
use std::hint::black_box;

fn reference_state(model: &Model) -> Vec<f64> {
    // The state at day 5 after p53 restoration.
    let run = simulate(model, &[Switch::p53_restored_at(0.0)], 5.0, &[5.0], Method::Auto, &Options::default()).unwrap();
    run.state(0).to_vec()
}

/// The reference model with one anti-CCL2 antibody's pharmacokinetics and binding.
fn with_anti_ccl2(model: &Model) -> Model {
    let c = |name: &str, pool| (name.to_string(), Compartment::Antibody(pool));
    let mut b = ModelBuilder::from_spec(model.spec().clone());
    for (name, kind) in [
        c("Ab_depot", AntibodyPool::Depot),
        c("Ab_plasma", AntibodyPool::Plasma),
        c("Ab_tumor", AntibodyPool::Tumor),
        c("Ab_complex", AntibodyPool::Complex),
    ] {
        b = b.compartment(&name, kind, "nM", 0.0);
    }
    let first = |k: &str, of: &str| RateLaw::FirstOrder { k: k.into(), of: of.into() };
    b.process(ProcessDecl::new("absorption", first("ka", "Ab_depot")).change("Ab_depot", -1.0).change("Ab_plasma", 1.0))
        .process(ProcessDecl::new("elimination", first("kel", "Ab_plasma")).change("Ab_plasma", -1.0))
        .process(ProcessDecl::new("penetration", first("kpen*phi", "Ab_plasma")).change("Ab_tumor", 1.0))
        .process(ProcessDecl::new("back-diffusion", first("kpen", "Ab_tumor")).change("Ab_tumor", -1.0))
        .process(
            ProcessDecl::new(
                "binding",
                RateLaw::Binding {
                    kon: "kon".into(),
                    koff: "koff".into(),
                    of: ["Ab_tumor".into(), "C2".into()],
                    complex: "Ab_complex".into(),
                },
            )
            .change("Ab_tumor", -1.0)
            .change("C2", -1.0)
            .change("Ab_complex", 1.0),
        )
        .process(ProcessDecl::new("complex clearance", first("delta_B", "Ab_complex")).change("Ab_complex", -1.0))
        .build()
        .unwrap()
}

/// Injection to day 21 with doxycycline at day 0 and 330 nM into the depot every 2 days from day −1.
fn dosed_run(model: &Model, method: Method, options: &Options, days: &[f64]) -> sasp::solve::Integration {
    let depot = model.index_of("Ab_depot").unwrap();
    let dox = model.input_index("doxycycline").unwrap();
    let stops: Vec<f64> = (0..12).map(|k| -1.0 + 2.0 * k as f64).collect();
    let mut system = model.system(&model.default_inputs()).unwrap();
    let mut stepper = method.stepper(&system, options.clone()).unwrap();
    let plan = Plan { outputs: days, stops: &stops, events: &[] };
    integrate(&mut stepper, &mut system, -14.0, &model.initial_state(), 21.0, &plan, &mut |_, t, y, sys| {
        y[depot] += 330.0;
        if t >= 0.0 {
            sys.set_input(dox, 1.0);
        }
        Ok(())
    })
    .unwrap()
}

fn bench(c: &mut Criterion) {
    let model = sasp::models::iannello2013().unwrap();
    let y = reference_state(&model);
    let n = model.dimension();
    let inputs = [1.0];
    let mut dy = vec![0.0; n];
    c.bench_function("iannello2013 rhs", |b| b.iter(|| model.rhs(0.0, black_box(&y), &inputs, &mut dy).unwrap()));
    let mut dense = DMatrix::zeros(n, n);
    c.bench_function("iannello2013 jacobian dense", |b| {
        b.iter(|| model.jacobian_dense(0.0, black_box(&y), &inputs, &mut dense).unwrap())
    });
    let mut values = vec![0.0; model.sparsity().nnz()];
    c.bench_function("iannello2013 jacobian sparse", |b| {
        b.iter(|| model.jacobian_sparse(0.0, black_box(&y), &inputs, &mut values).unwrap())
    });
    let days: Vec<f64> = (-14..=21).map(f64::from).collect();
    let options = Options::default();
    c.bench_function("iannello2013 35 days rodas5p rtol 1e-6", |b| {
        b.iter(|| {
            simulate(&model, &[Switch::p53_restored_at(0.0)], 21.0, black_box(&days), Method::Auto, &options).unwrap()
        })
    });
    let dosed = with_anti_ccl2(&model);
    for method in [Method::Rodas5p, Method::Rodas3, Method::Bdf] {
        let stats = dosed_run(&dosed, method, &options, &days).solution.stats;
        eprintln!("dosed run with {}: {stats:?}", method.name());
        c.bench_function(&format!("iannello2013 + anti-CCL2, 12 doses, 35 days {} rtol 1e-6", method.name()), |b| {
            b.iter(|| dosed_run(&dosed, method, &options, black_box(&days)))
        });
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
