//! Stiff test problems at rtol 1e-6: our methods against diffsol's BDF (dense
//! nalgebra LU, analytic Jacobian–vector products) in one bench, so the ratio
//! can be read on any machine: `cargo bench -p sasp-bench --bench stiff`.
//!
//! Before timing, the bench prints each solver's mixed error against the
//! reference (IVP test set for HIRES and Pollution; a tight Rodas5P solution
//! for Robertson), so speed is compared at known accuracy: once at the same
//! rtol (1e-6), and once "at equal error", with our rtol loosened as far as
//! our error stays at or below diffsol's (the work-precision comparison).

use criterion::{criterion_group, criterion_main, Criterion};
use diffsol::matrix::MatrixCommon;
use diffsol::{NalgebraLU, NalgebraMat, OdeBuilder, OdeEquationsImplicit, OdeSolverMethod, OdeSolverProblem};
use sasp::solve::{solve, Method, OdeSystem, Options, Tolerance};
use sasp::testset::{mixed_error, Problem};
use std::hint::black_box;

const RTOL: f64 = 1e-6;

fn ours(p: &Problem, method: Method, rtol: f64, atol: f64) -> Vec<f64> {
    let options = Options { rtol, atol: Tolerance::Scalar(atol), max_steps: 1_000_000, ..Options::default() };
    let stepper = method.stepper(p, options).unwrap();
    let sol = solve(p, stepper, p.t0(), &p.y0(), p.t_end(), &[p.t_end()]).unwrap();
    sol.last().unwrap().to_vec()
}

type M = NalgebraMat<f64>;

/// diffsol's problem for one of ours (built once, outside the timed loop).
fn diffsol_problem(
    p: &Problem,
    atol: f64,
) -> OdeSolverProblem<impl OdeEquationsImplicit<M = M, V = <M as MatrixCommon>::V, T = f64, C = <M as MatrixCommon>::C>>
{
    let n = p.dimension();
    let (rhs_p, jac_p, init_p) = (p.clone(), p.clone(), p.clone());
    OdeBuilder::<M>::new()
        .rtol(RTOL)
        .atol(vec![atol; n])
        .rhs_implicit(
            move |x: &[f64], _p: &[f64], t: f64, y: &mut [f64]| rhs_p.rhs(t, x, y),
            move |x: &[f64], _p: &[f64], _t: f64, v: &[f64], y: &mut [f64]| {
                jac_p.jacobian_times(x, v, y).expect("stiff problems have Jacobians")
            },
        )
        .init(move |_p: &[f64], _t: f64, y: &mut [f64]| y.copy_from_slice(&init_p.y0()), n)
        .build()
        .unwrap()
}

/// Solves diffsol's problem to `t_end` with its BDF (the solver is built in the timed part).
fn diffsol_bdf<Eqn>(problem: &OdeSolverProblem<Eqn>, t_end: f64, n: usize) -> Vec<f64>
where
    Eqn: OdeEquationsImplicit<M = M, V = <M as MatrixCommon>::V, T = f64, C = <M as MatrixCommon>::C>,
{
    let mut solver = problem.bdf::<NalgebraLU<f64>>().unwrap();
    let (ys, _) = solver.solve_dense(&[t_end]).unwrap();
    (0..n).map(|i| ys[(i, 0)]).collect()
}

fn reference(p: &Problem) -> Vec<f64> {
    p.reference().unwrap_or_else(|| ours(p, Method::Rodas5p, 1e-12, 1e-20))
}

fn bench(c: &mut Criterion) {
    for name in ["robertson", "hires", "pollution"] {
        let p = Problem::by_name(name).unwrap();
        let atol = p.default_atol(RTOL);
        let reference = reference(&p);
        let err = |y: &[f64]| mixed_error(y, &reference, atol, RTOL);
        let (dp, n) = (diffsol_problem(&p, atol), p.dimension());
        eprintln!(
            "{name}: mixed error at rtol {RTOL:e}: rodas5p {:.2e}, rodas3 {:.2e}, bdf {:.2e}, diffsol bdf {:.2e}",
            err(&ours(&p, Method::Rodas5p, RTOL, atol)),
            err(&ours(&p, Method::Rodas3, RTOL, atol)),
            err(&ours(&p, Method::Bdf, RTOL, atol)),
            err(&diffsol_bdf(&dp, p.t_end(), n)),
        );
        // Equal accuracy: the loosest of our tolerances whose error (in the same
        // metric) is no worse than diffsol's at rtol 1e-6.
        let target = err(&diffsol_bdf(&dp, p.t_end(), n));
        let matched = |method: Method| {
            [1e-4, 7e-5, 5e-5, 4e-5, 3e-5, 2e-5, 1.5e-5, 1.2e-5, 1e-5, 8e-6, 7e-6, 6e-6, 5e-6, 4e-6, 3e-6, 2e-6, 1e-6]
                .into_iter()
                .find(|&r| err(&ours(&p, method, r, p.default_atol(r))) <= target)
                .unwrap_or(1e-6)
        };
        let (r5, rb) = (matched(Method::Rodas5p), matched(Method::Bdf));
        eprintln!(
            "{name}: at diffsol's error {target:.2e}: rodas5p needs rtol {r5:e} (error {:.2e}), bdf rtol {rb:e} (error {:.2e})",
            err(&ours(&p, Method::Rodas5p, r5, p.default_atol(r5))),
            err(&ours(&p, Method::Bdf, rb, p.default_atol(rb))),
        );
        let mut g = c.benchmark_group(name);
        g.bench_function("sasp rodas5p equal error", |b| {
            b.iter(|| ours(black_box(&p), Method::Rodas5p, r5, p.default_atol(r5)))
        });
        g.bench_function("sasp bdf equal error", |b| {
            b.iter(|| ours(black_box(&p), Method::Bdf, rb, p.default_atol(rb)))
        });
        g.bench_function("sasp rodas5p", |b| b.iter(|| ours(black_box(&p), Method::Rodas5p, RTOL, atol)));
        g.bench_function("sasp rodas3", |b| b.iter(|| ours(black_box(&p), Method::Rodas3, RTOL, atol)));
        g.bench_function("sasp bdf", |b| b.iter(|| ours(black_box(&p), Method::Bdf, RTOL, atol)));
        g.bench_function("diffsol bdf", |b| b.iter(|| diffsol_bdf(black_box(&dp), p.t_end(), n)));
        g.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
