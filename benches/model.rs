//! Cost of the reference model's right-hand side and Jacobian, and of whole
//! runs from injection (day −14) to day 21
//! (`cargo bench -p sasp-bench --bench model`): p53 restored at day 0; the anti-CCL2 arm (an antibody dosed every two days
//! from day −1 into an i.p. depot; binding to CCL2 at kon = 86.4 /nM/day makes
//! the system stiff), whole and with the arm applied to the model once (the
//! solve alone, at three tolerances, and at 1e-6 without the compiled
//! kernels); the same model written with expression laws instead of factor
//! laws (rhs, Jacobian, the 35-day run and the anti-CCL2 solve); twenty
//! parameters of the prepared arm set with and without a rebuild; and the
//! whole ten-arm neutralization experiment.

use criterion::{criterion_group, criterion_main, Criterion};
use nalgebra::DMatrix;
use sasp::experiment::paper::{antibody_schedule, neutralization_arms};
use sasp::experiment::Experiment;
use sasp::intervene::{Antibody, Arm, P53Restoration};
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
    let anti_ccl2 = || {
        vec![Arm::new("anti-CCL2")
            .with(P53Restoration::at(0.0))
            .with(Antibody::neutralizing(Chemokine::CCL2, antibody_schedule()))]
    };
    for method in [Method::Rodas5p, Method::Rodas3, Method::Bdf] {
        let experiment = Experiment::new(&model).arms(anti_ccl2()).method(method);
        eprintln!("anti-CCL2 arm with {}: {:?}", method.name(), experiment.run().unwrap()[0].stats);
        c.bench_function(&format!("anti-CCL2 arm (17 states, 11 doses), 35 days, {} rtol 1e-6", method.name()), |b| {
            b.iter(|| black_box(&experiment).run().unwrap())
        });
    }
    // The solve alone: the arm applied to the model once (as a sweep does),
    // then integrated with its doses, events and observables.
    let experiment = Experiment::new(&model).method(Method::Rodas5p);
    let prepared = anti_ccl2().remove(0).prepare(&model, model.initial_time()).unwrap();
    for rtol in [1e-6, 1e-5, 1e-4] {
        let options = Options { rtol, atol: sasp::solve::Tolerance::Scalar(1e-9), ..Options::default() };
        let experiment = experiment.clone().options(options);
        c.bench_function(&format!("anti-CCL2 arm prepared once, 35 days, rodas5p rtol {rtol:e}"), |b| {
            b.iter(|| experiment.run_prepared(black_box(&prepared)).unwrap())
        });
    }
    // New values for twenty parameters of the prepared arm, as every run of
    // a sweep or a Sobol' analysis sets them: without a rebuild (the
    // compiled numbers recomputed) and with one (the declaration built
    // again), which gives the same model.
    let twenty = [
        "r", "K", "tau_53", "k_sen", "delta_C", "sigma2_S", "sigma2_P", "delta_I", "K2", "w2", "w3", "eps_N", "rho_N",
        "delta_Nr", "delta_Na", "k_kill", "g_NKG2D", "K_I", "alpha", "p_ex",
    ];
    let twenty: Vec<(&str, f64)> =
        twenty.iter().map(|&name| (name, prepared.model.parameter(name).unwrap() * 1.1)).collect();
    c.bench_function("anti-CCL2 arm, twenty parameters set (Model::with_parameters)", |b| {
        b.iter(|| prepared.model.with_parameters(black_box(&twenty)).unwrap())
    });
    c.bench_function("anti-CCL2 arm, twenty parameters set by a rebuild (Model::from_spec)", |b| {
        b.iter(|| {
            let mut spec = prepared.model.spec().clone();
            for p in spec.parameters.iter_mut() {
                if let Some(&(_, v)) = twenty.iter().find(|(name, _)| *name == p.name) {
                    p.value = v;
                }
            }
            Model::from_spec(black_box(spec)).unwrap()
        })
    });
    // The same solve evaluating the model from its arrays instead of the
    // built-in compiled kernels.
    let mut interpreted = prepared.clone();
    interpreted.model = prepared.model.interpreted();
    c.bench_function("anti-CCL2 arm prepared once, 35 days, rodas5p rtol 1e-6, interpreted", |b| {
        b.iter(|| experiment.run_prepared(black_box(&interpreted)).unwrap())
    });
    // The reference model written with expression laws (the same numbers,
    // evaluated by expression tapes with symbolic derivatives), side by side
    // with the factor laws above.
    let expr = model.with_expression_laws().unwrap();
    c.bench_function("iannello2013 rhs, expression laws", |b| {
        b.iter(|| expr.rhs(0.0, black_box(&y), &inputs, &mut dy).unwrap())
    });
    c.bench_function("iannello2013 jacobian sparse, expression laws", |b| {
        b.iter(|| expr.jacobian_sparse(0.0, black_box(&y), &inputs, &mut values).unwrap())
    });
    c.bench_function("iannello2013 35 days rodas5p rtol 1e-6, expression laws", |b| {
        b.iter(|| {
            simulate(&expr, &[Switch::p53_restored_at(0.0)], 21.0, black_box(&days), Method::Auto, &options).unwrap()
        })
    });
    let prepared_expr = anti_ccl2().remove(0).prepare(&expr, expr.initial_time()).unwrap();
    let options6 = Options { rtol: 1e-6, atol: sasp::solve::Tolerance::Scalar(1e-9), ..Options::default() };
    let experiment6 = experiment.clone().options(options6);
    c.bench_function("anti-CCL2 arm prepared once, 35 days, rodas5p rtol 1e-6, expression laws", |b| {
        b.iter(|| experiment6.run_prepared(black_box(&prepared_expr)).unwrap())
    });
    let all = Experiment::new(&model).arms(neutralization_arms().unwrap());
    c.bench_function("neutralization experiment, 10 arms, rtol 1e-6", |b| b.iter(|| black_box(&all).run().unwrap()));
}

criterion_group!(benches, bench);
criterion_main!(benches);
