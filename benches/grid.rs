//! The grid problems of the testset against diffsol's BDF with faer's sparse
//! LU, at known accuracy: `cargo bench -p sasp-bench --bench grid`
//! (`-- brusselator` or `-- keller` for one problem).
//!
//! **Keller–Segel 1D** (`keller-segel`, N = 200 and 1000 cells): the
//! reference is our Rodas5P at rtol 1e-11, printed with its distance to
//! diffsol at rtol 1e-10 (an independent check). diffsol gets the exact
//! Jacobian–vector product (written below; it finds the sparsity from it),
//! sasp the same exact Jacobian (`KellerSegel::jacobian`). Each of our methods (`auto`, `bdf`,
//! `rodas5p`) is timed at the loosest rtol of a grid whose mixed error
//! (atol/rtol = 1e-2) is no worse than diffsol's at rtol 1e-6.
//!
//! **Brusselator 2D**: our BDF with Newton–Krylov solves against diffsol.
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
use sasp::solve::{integrate, Plan};
use sasp::solve::{JacobianStructure, Method, OdeSystem, Options, Tolerance};
use sasp::testset::grid::{Brusselator2d, KellerSegel};
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

/// Our solve of Keller–Segel (as `sasp testset --problem keller-segel` runs it).
fn ours_ks(p: &KellerSegel, method: Method, rtol: f64) -> Vec<f64> {
    let options = Options { rtol, atol: Tolerance::Scalar(atol(rtol)), max_steps: 1_000_000, ..Options::default() };
    let mut stepper = method.stepper(p, options).unwrap();
    integrate(&mut stepper, &mut &*p, 0.0, &p.y0(), 20.0, &Plan::end_only(), &mut |_, _, _, _| Ok(())).unwrap().y
}

/// `J(y) v` of Keller–Segel, exactly (the linearization of `KellerSegel::rhs`).
fn ks_jacobian_times(n: usize, y: &[f64], v: &[f64], out: &mut [f64]) {
    let dx = 20.0 / n as f64;
    // Face i + 1/2: (dJ_u, dJ_c).
    let flux = |i: usize| -> (f64, f64) {
        let (u0, u1, c0, c1) = (y[2 * i], y[2 * i + 2], y[2 * i + 1], y[2 * i + 3]);
        let (du0, du1, dc0, dc1) = (v[2 * i], v[2 * i + 2], v[2 * i + 1], v[2 * i + 3]);
        let (gc, dgc) = ((c1 - c0) / dx, (dc1 - dc0) / dx);
        (-(du1 - du0) / dx + 2.5 * (du0 + du1) * gc + 2.5 * (u0 + u1) * dgc, -dgc)
    };
    let mut left = (0.0, 0.0);
    for i in 0..n {
        let right = if i + 1 < n { flux(i) } else { (0.0, 0.0) };
        let (u, du, dc) = (y[2 * i], v[2 * i], v[2 * i + 1]);
        out[2 * i] = -(right.0 - left.0) / dx + (1.0 - 2.0 * u) * du;
        out[2 * i + 1] = -(right.1 - left.1) / dx + du - dc;
        left = right;
    }
}

/// diffsol's problem for Keller–Segel (its build finds the Jacobian's sparsity
/// from Jacobian–vector products). A macro: the problem's type names closures.
macro_rules! diffsol_ks_problem {
    ($p:expr, $rtol:expr) => {{
        let p: &KellerSegel = $p;
        let n = p.dimension();
        let cells = p.n;
        let (rhs_p, init_p) = (p.clone(), p.clone());
        OdeBuilder::<M>::new()
            .rtol($rtol)
            .atol(vec![atol($rtol); n])
            .rhs_implicit(
                move |x: &[f64], _p: &[f64], t: f64, y: &mut [f64]| rhs_p.rhs(t, x, y),
                move |x: &[f64], _p: &[f64], _t: f64, v: &[f64], y: &mut [f64]| ks_jacobian_times(cells, x, v, y),
            )
            .init(move |_p: &[f64], _t: f64, y: &mut [f64]| y.copy_from_slice(&init_p.y0()), n)
            .build()
            .unwrap()
    }};
}

/// A BDF solve (faer's sparse LU) of a built diffsol problem to t = 20.
macro_rules! diffsol_ks_solve {
    ($problem:expr) => {{
        let mut solver = $problem.bdf::<FaerSparseLU<f64>>().unwrap();
        solver.set_stop_time(20.0).unwrap();
        while !matches!(solver.step().unwrap(), OdeSolverStopReason::TstopReached) {}
        solver.state().y.clone_as_vec()
    }};
}

/// diffsol's BDF with faer's sparse LU on Keller–Segel (problem and solver built
/// in the timed part, as ours are).
fn diffsol_ks(p: &KellerSegel, rtol: f64) -> Vec<f64> {
    let problem = diffsol_ks_problem!(p, rtol);
    diffsol_ks_solve!(problem)
}

/// Is a problem asked for (no filter, or a filter it contains)?
fn wanted(problem: &str) -> bool {
    let filters: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with('-')).collect();
    filters.is_empty() || filters.iter().any(|f| problem.contains(f.as_str()))
}

fn keller_segel(c: &mut Criterion) {
    if !wanted("keller-segel") {
        return;
    }
    for cells in [200, 1000] {
        let p = KellerSegel { n: cells };
        let start = std::time::Instant::now();
        let reference = ours_ks(&p, Method::Rodas5p, 1e-11);
        let err = |y: &[f64]| mixed_error(y, &reference, atol(RTOL), RTOL);
        eprintln!(
            "keller-segel N={cells}: reference (rodas5p, rtol 1e-11) in {:.1} s; diffsol at rtol 1e-10 differs by {:.2e} (mixed, rtol 1e-6)",
            start.elapsed().as_secs_f64(),
            err(&diffsol_ks(&p, 1e-10))
        );
        let target = err(&diffsol_ks(&p, RTOL));
        let auto = Method::Auto.resolve(p.dimension(), RTOL, p.cell_layout()).name();
        eprintln!("keller-segel N={cells}: diffsol bdf (faer sparse LU) at rtol {RTOL:e}: error {target:.2e}; auto is {auto} at rtol 1e-6");
        let mut matched = Vec::new();
        for method in [Method::Auto, Method::Bdf, Method::Rodas5p] {
            let rtol = [1e-4, 5e-5, 3e-5, 2e-5, 1e-5, 7e-6, 5e-6, 3e-6, 2e-6, 1e-6, 7e-7, 5e-7, 3e-7, 2e-7, 1e-7]
                .into_iter()
                .find(|&r| err(&ours_ks(&p, method, r)) <= target)
                .unwrap_or(1e-7);
            let picked = method.resolve(p.dimension(), rtol, p.cell_layout()).name();
            eprintln!(
                "keller-segel N={cells}: sasp {} ({picked}) at diffsol's error: rtol {rtol:e}, error {:.2e}",
                method.name(),
                err(&ours_ks(&p, method, rtol))
            );
            matched.push((method, rtol));
        }
        let mut g = c.benchmark_group(format!("keller-segel N={cells}"));
        g.sample_size(20);
        g.bench_function("diffsol bdf (faer sparse LU) rtol 1e-6", |b| b.iter(|| diffsol_ks(black_box(&p), RTOL)));
        // Without the problem's build (its sparsity detection) in the timed part.
        let problem = diffsol_ks_problem!(&p, RTOL);
        g.bench_function("diffsol bdf (faer sparse LU) rtol 1e-6, problem built once", |b| {
            b.iter(|| diffsol_ks_solve!(black_box(&problem)))
        });
        for (method, rtol) in matched {
            g.bench_function(format!("sasp {} equal error (rtol {rtol:e})", method.name()), |b| {
                b.iter(|| ours_ks(black_box(&p), method, rtol))
            });
        }
        g.finish();
    }
}

fn brusselator(c: &mut Criterion) {
    if !wanted("brusselator2d") {
        return;
    }
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
    for n in [32, 64, 128, 256] {
        let p = Brusselator2d::new(n);
        g.bench_function(format!("brusselator2d sasp bdf-krylov N={n}"), |b| {
            b.iter(|| ours(black_box(&p), Method::BdfKrylov, RTOL))
        });
    }
    // The 3D problem (seven-point Laplacian): N = 16 and 32 (8,192 and 65,536 unknowns).
    for n in [16, 32] {
        let p = Brusselator2d::new_3d(n);
        g.bench_function(format!("brusselator3d sasp bdf-krylov N={n}"), |b| {
            b.iter(|| ours(black_box(&p), Method::BdfKrylov, RTOL))
        });
    }
    g.finish();
}

criterion_group!(benches, keller_segel, brusselator);
criterion_main!(benches);
