//! The 2D Brusselator on grids (the testset's `brusselator2d`): our BDF with
//! Newton–Krylov solves against diffsol's BDF with faer's sparse LU, in one
//! bench, at known accuracy: `cargo bench -p sasp-bench --bench grid`.
//!
//! Before timing, the bench computes a reference for N = 32 (our Rodas5P at
//! rtol 1e-10 with sparse direct solves, a different method and linear solver
//! from the one timed) and prints each solver's mixed error against it, then
//! the loosest of our tolerances whose error is no worse than diffsol's at
//! rtol 1e-6 ("equal error"). It then times N = 32, 64, 128 with our method
//! to show how the cost grows with the grid (`grid scaling` group).
//!
//! The forcing switches on at t = 1.1: both solvers stop there and restart
//! (ours by the driver's stop, diffsol's through `set_stop_time` and
//! `state_mut`, which makes its BDF reinitialize).

use criterion::{criterion_group, criterion_main, Criterion};
use diffsol::{FaerSparseLU, FaerSparseMat, OdeBuilder, OdeSolverMethod, OdeSolverStopReason, Vector};
use sasp::solve::{JacobianStructure, Method, OdeSystem, Options, Tolerance};
use sasp::testset::grid::Brusselator2d;
use sasp::testset::mixed_error;
use std::hint::black_box;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

const RTOL: f64 = 1e-6;

fn atol(rtol: f64) -> f64 {
    1e-2 * rtol
}

fn ours(p: &Brusselator2d, method: Method, rtol: f64) -> Vec<f64> {
    let options = Options { rtol, atol: Tolerance::Scalar(atol(rtol)), max_steps: 1_000_000, ..Options::default() };
    p.solve(method, options).unwrap().y
}

type M = FaerSparseMat<f64>;

/// diffsol's BDF with sparse LU on the same problem (problem and solver built in the timed part:
/// its sparsity detection and colouring are part of its cost, as our symbolic analysis is of ours).
fn diffsol_bdf(p: &Brusselator2d, rtol: f64) -> Vec<f64> {
    let n = p.dimension();
    let forcing = Arc::new(AtomicBool::new(false));
    let (mut plain, mut forced) = (p.clone(), p.clone());
    (plain.forcing, forced.forcing) = (false, true);
    let (jac_p, init_p) = (p.clone(), p.clone());
    let rhs_forcing = forcing.clone();
    let JacobianStructure::Sparse(pattern) = p.jacobian_structure() else { unreachable!("the Brusselator is sparse") };
    let values = Mutex::new(vec![0.0; pattern.nnz()]);
    let problem = OdeBuilder::<M>::new()
        .rtol(rtol)
        .atol(vec![atol(rtol); n])
        .rhs_implicit(
            move |x: &[f64], _p: &[f64], t: f64, y: &mut [f64]| {
                let system = if rhs_forcing.load(Ordering::Relaxed) { &forced } else { &plain };
                system.rhs(t, x, y)
            },
            move |x: &[f64], _p: &[f64], t: f64, v: &[f64], y: &mut [f64]| {
                let mut values = values.lock().unwrap();
                jac_p.jacobian(t, x, &mut values);
                for (i, yi) in y.iter_mut().enumerate() {
                    let r = pattern.range(i);
                    *yi = values[r.clone()].iter().zip(&pattern.col()[r]).map(|(a, &j)| a * v[j]).sum();
                }
            },
        )
        .init(move |_p: &[f64], _t: f64, y: &mut [f64]| y.copy_from_slice(&init_p.y0()), n)
        .build()
        .unwrap();
    let mut solver = problem.bdf::<FaerSparseLU<f64>>().unwrap();
    for (stop, forced) in [(1.1, true), (11.5, false)] {
        solver.set_stop_time(stop).unwrap();
        while !matches!(solver.step().unwrap(), OdeSolverStopReason::TstopReached) {}
        if forced {
            forcing.store(true, Ordering::Relaxed);
            // Touching the state makes diffsol's BDF restart from it (order 1), as ours does at a stop.
            let _ = solver.state_mut();
        }
    }
    solver.state().y.clone_as_vec()
}

fn bench(c: &mut Criterion) {
    let p = Brusselator2d::new(32);
    let start = std::time::Instant::now();
    let reference = ours(&p, Method::Rodas5p, 1e-10);
    eprintln!("brusselator2d N=32: reference (rodas5p, rtol 1e-10) in {:.1} s", start.elapsed().as_secs_f64());
    let err = |y: &[f64]| mixed_error(y, &reference, atol(RTOL), RTOL);
    let target = err(&diffsol_bdf(&p, RTOL));
    eprintln!(
        "brusselator2d N=32: mixed error at rtol {RTOL:e}: bdf-krylov {:.2e}, bdf {:.2e}, diffsol bdf (faer sparse LU) {target:.2e}",
        err(&ours(&p, Method::BdfKrylov, RTOL)),
        err(&ours(&p, Method::Bdf, RTOL)),
    );
    let matched = [1e-4, 5e-5, 3e-5, 2e-5, 1e-5, 7e-6, 5e-6, 3e-6, 2e-6, 1e-6]
        .into_iter()
        .find(|&r| err(&ours(&p, Method::BdfKrylov, r)) <= target)
        .unwrap_or(1e-6);
    eprintln!(
        "brusselator2d N=32: at diffsol's error {target:.2e}: bdf-krylov needs rtol {matched:e} (error {:.2e})",
        err(&ours(&p, Method::BdfKrylov, matched))
    );
    let mut g = c.benchmark_group("brusselator2d N=32");
    g.sample_size(10);
    g.bench_function("sasp bdf-krylov equal error", |b| b.iter(|| ours(black_box(&p), Method::BdfKrylov, matched)));
    g.bench_function("sasp bdf-krylov", |b| b.iter(|| ours(black_box(&p), Method::BdfKrylov, RTOL)));
    g.bench_function("sasp bdf (sparse LU)", |b| b.iter(|| ours(black_box(&p), Method::Bdf, RTOL)));
    g.bench_function("diffsol bdf (faer sparse LU)", |b| b.iter(|| diffsol_bdf(black_box(&p), RTOL)));
    g.finish();
    let mut g = c.benchmark_group("grid scaling");
    g.sample_size(10);
    for n in [32, 64, 128] {
        let p = Brusselator2d::new(n);
        g.bench_function(format!("sasp bdf-krylov N={n}"), |b| b.iter(|| ours(black_box(&p), Method::BdfKrylov, RTOL)));
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
