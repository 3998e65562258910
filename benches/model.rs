//! Cost of the reference model's right-hand side and Jacobian, and of a whole
//! 35-day run (`cargo bench --bench model`).

use criterion::{criterion_group, criterion_main, Criterion};
use nalgebra::DMatrix;
use sasp::prelude::*;
use std::hint::black_box;

fn reference_state(model: &Model) -> Vec<f64> {
    // The state at day 5 after p53 restoration.
    let run = simulate(model, &[Switch::p53_restored_at(0.0)], 5.0, &[5.0], Method::Auto, &Options::default()).unwrap();
    run.state(0).to_vec()
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
}

criterion_group!(benches, bench);
criterion_main!(benches);
