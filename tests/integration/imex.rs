//! The IMEX additive Runge–Kutta method ARK4(3)6L[2]SA on grids
//! (`sasp::solve::ark`, `sasp::space::imex`): measured order 4 at fixed
//! steps against the exact solution of a linear reaction–diffusion problem,
//! errors that follow the tolerance, mass conserved to round-off with implicit
//! transport, positivity on a reaction–diffusion front, typed errors.

use crate::common;

use sasp::prelude::*;
use sasp::solve::ark::{integrate_imex, Ark};
use sasp::solve::{solve, OdeSystem, SolveErrorKind};
use sasp::space::{imex, Boundary, Grid, Part, SpatialSystem, Stiffness, Transport};
use std::f64::consts::PI;

const CONC: Compartment = Compartment::Other(Quantity::Concentration);

/// `u' = D u_xx − r u`: one compartment decaying at `r`.
fn decay_model(r: f64) -> sasp::model::Model {
    ModelBuilder::new("decay")
        .compartment("u", CONC, "nM", 0.0)
        .parameter("r", r, "1/day", Provenance::Assumed, "test")
        .process(ProcessDecl::new("decay", RateLaw::FirstOrder { k: "r".into(), of: "u".into() }).change("u", -1.0))
        .build()
        .unwrap()
}

/// The periodic line of `n` cells on [0, 1) with `u' = D u_xx − r u`, its
/// initial state (modes 0, 1 and 3) and the exact solution of the
/// semi-discrete system at `t`: mode `k` of the periodic second difference
/// decays as `exp(−(D (2 − 2 cos 2πk h)/h² + r) t)`.
struct Periodic {
    n: usize,
    d: f64,
    r: f64,
}

impl Periodic {
    const MODES: [(usize, f64); 3] = [(0, 1.0), (1, 1.0), (3, 0.5)];

    fn x(&self, i: usize) -> f64 {
        (i as f64 + 0.5) / self.n as f64
    }

    fn exact(&self, t: f64) -> Vec<f64> {
        let h = 1.0 / self.n as f64;
        (0..self.n)
            .map(|i| {
                Self::MODES
                    .iter()
                    .map(|&(k, a)| {
                        let lambda = self.d * (2.0 - 2.0 * (2.0 * PI * k as f64 * h).cos()) / (h * h) + self.r;
                        let shape = if k == 0 { 1.0 } else { (2.0 * PI * k as f64 * self.x(i)).sin() };
                        a * shape * (-lambda * t).exp()
                    })
                    .sum()
            })
            .collect()
    }
}

fn periodic_system<'m>(model: &'m sasp::model::Model, p: &Periodic) -> SpatialSystem<'m> {
    let grid = Grid::new(&[p.n], 1.0 / p.n as f64).unwrap();
    let transport = Transport::immobile(model, &grid)
        .diffusing(model, "u", p.d)
        .unwrap()
        .boundary(model, "u", Boundary::Periodic)
        .unwrap();
    SpatialSystem::new(model, grid, transport, &[]).unwrap()
}

fn sci(v: &[f64]) -> String {
    v.iter().map(|x| format!("{x:.3e}")).collect::<Vec<_>>().join(" ")
}

fn max_abs_diff(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| (x - y).abs()).fold(0.0, f64::max)
}

#[test]
fn fixed_steps_converge_at_fourth_order_on_linear_reaction_diffusion() {
    // Transport implicit: diffusion the stiffer part (4D/h² = 205 against
    // r = 1); reactions implicit: decay the stiffer part (r = 20 against
    // 4D/h² = 10, within the explicit method's stability at these steps).
    for (stiffness, d, r) in [(Stiffness::Transport, 0.05, 1.0), (Stiffness::Reactions, 0.0025, 20.0)] {
        let p = Periodic { n: 32, d, r };
        let model = decay_model(p.r);
        let system = periodic_system(&model, &p);
        let (y0, exact) = (p.exact(0.0), p.exact(1.0));
        let errors: Vec<f64> = [20usize, 40, 80, 160]
            .iter()
            .map(|&steps| {
                let opts = Options { fixed_step: Some(1.0 / steps as f64), ..Options::default() };
                let (y, stats) = imex(&system, &y0, 0.0, 1.0, &opts, stiffness).unwrap();
                assert_eq!(stats.steps, steps);
                max_abs_diff(&y, &exact)
            })
            .collect();
        let orders: Vec<f64> = errors.windows(2).map(|w| (w[0] / w[1]).log2()).collect();
        eprintln!("{stiffness:?} implicit: errors {}, orders {orders:.3?}", sci(&errors));
        for order in &orders {
            assert!((3.7..4.3).contains(order), "{stiffness:?}: order {order:.2} from {errors:?}");
        }
    }
}

#[test]
fn fixed_steps_converge_at_fourth_order_on_a_nonlinear_grid_problem() {
    // The autocatalysis on a line of 40 cells (zero flux), 2 days, against
    // Rodas5P at rtol 1e-12: the coupling of a nonlinear explicit part with
    // the implicit transport keeps order 4.
    let model = common::autocatalysis(1.0, 0.5);
    let (system, y0) = common::autocatalysis_line(&model);
    let tight = Options { rtol: 1e-12, atol: Tolerance::Scalar(1e-14), max_steps: 1_000_000, ..Options::default() };
    let exact = solve(&system, Method::Rodas5p.stepper(&system, tight).unwrap(), 0.0, &y0, 2.0, &[2.0]).unwrap();
    let errors: Vec<f64> = [10usize, 20, 40]
        .iter()
        .map(|&steps| {
            let opts = Options { fixed_step: Some(2.0 / steps as f64), ..Options::default() };
            max_abs_diff(&imex(&system, &y0, 0.0, 2.0, &opts, Stiffness::Transport).unwrap().0, exact.state(0))
        })
        .collect();
    let orders: Vec<f64> = errors.windows(2).map(|w| (w[0] / w[1]).log2()).collect();
    eprintln!("autocatalysis: errors {}, orders {orders:.3?}", sci(&errors));
    for order in &orders {
        assert!((3.7..4.5).contains(order), "order {order:.2} from {errors:?}");
    }
}

#[test]
fn the_error_follows_the_tolerance() {
    let p = Periodic { n: 64, d: 0.05, r: 1.0 };
    let model = decay_model(p.r);
    let system = periodic_system(&model, &p);
    let (y0, exact) = (p.exact(0.0), p.exact(2.0));
    let mut last = f64::INFINITY;
    for rtol in [1e-4, 1e-6, 1e-8] {
        let opts = Options { rtol, atol: Tolerance::Scalar(1e-2 * rtol), ..Options::default() };
        let (y, stats) = imex(&system, &y0, 0.0, 2.0, &opts, Stiffness::Transport).unwrap();
        let error = max_abs_diff(&y, &exact);
        eprintln!("rtol {rtol:e}: error {error:.3e}, {} steps, {} rejected", stats.steps, stats.rejected);
        // Measured: 1.2e-6, 3.9e-8, 5.4e-10.
        assert!(error < rtol, "rtol {rtol:e}: error {error:e}");
        assert!(error < last, "rtol {rtol:e}: error {error:e} not below {last:e}");
        last = error;
    }
}

fn diffusion_only() -> sasp::model::Model {
    ModelBuilder::new("tracer").compartment("c0", CONC, "nM", 0.0).compartment("c1", CONC, "nM", 0.0).build().unwrap()
}

#[test]
fn implicit_zero_flux_diffusion_conserves_mass_to_round_off() {
    let model = diffusion_only();
    let grid = Grid::new(&[24, 20], 0.05).unwrap();
    let transport =
        Transport::immobile(&model, &grid).diffusing(&model, "c0", 1.0).unwrap().diffusing(&model, "c1", 0.3).unwrap();
    let system = SpatialSystem::new(&model, grid, transport, &[]).unwrap();
    let mut y0 = vec![0.0; system.dimension()];
    let c0 = ndarray::Array2::from_shape_fn((24, 20), |(i, j)| 1.0 + ((i * 7 + j * 3) % 13) as f64);
    let c1 = ndarray::Array2::from_shape_fn((24, 20), |(i, j)| if i < 6 && j < 5 { 4.0 } else { 0.0 });
    system.set_field(&mut y0, "c0", c0.view().into_dyn()).unwrap();
    system.set_field(&mut y0, "c1", c1.view().into_dyn()).unwrap();
    let opts = Options { rtol: 1e-4, atol: Tolerance::Scalar(1e-6), ..Options::default() };
    let (y, stats) = imex(&system, &y0, 0.0, 0.5, &opts, Stiffness::Transport).unwrap();
    // Newton–Krylov stages (the grid has a cell layout).
    assert!(stats.linear_iterations > 0 && stats.steps > 0, "{stats:?}");
    for c in ["c0", "c1"] {
        let (before, after) = (system.total(&y0, c).unwrap(), system.total(&y, c).unwrap());
        eprintln!("{c}: {before} → {after} (relative change {:.2e})", (after - before) / before);
        assert!((after - before).abs() <= 1e-13 * before, "{c}: {before} → {after}");
    }
    // It smooths: c0 flattens towards its mean.
    let f = system.field(&y, "c0").unwrap();
    let spread = f.iter().cloned().fold(f64::NEG_INFINITY, f64::max) - f.iter().cloned().fold(f64::INFINITY, f64::min);
    assert!(spread < 0.5, "{spread}");
}

#[test]
fn a_reaction_diffusion_front_stays_non_negative() {
    // V invades from one corner of a 2D grid where it is absent (V = 0),
    // a quarter day: most cells still hold almost none, and exact solutions
    // stay non-negative.
    let model = common::autocatalysis(1.0, 0.5);
    let n = 24;
    let grid = Grid::new(&[n, n], 1.0 / n as f64).unwrap();
    let transport =
        Transport::immobile(&model, &grid).diffusing(&model, "U", 0.1).unwrap().diffusing(&model, "V", 0.02).unwrap();
    let system = SpatialSystem::new(&model, grid, transport, &[]).unwrap();
    // k U − b = 0.5 at U = 3: V grows where it is present.
    let y0: Vec<f64> = (0..n * n).flat_map(|c| [3.0, if c / n < 3 && c % n < 3 { 2.0 } else { 0.0 }]).collect();
    let atol = 1e-8;
    for stiffness in [Stiffness::Transport, Stiffness::Reactions] {
        let opts = Options { rtol: 1e-4, atol: Tolerance::Scalar(atol), ..Options::default() };
        let (y, stats) = imex(&system, &y0, 0.0, 0.25, &opts, stiffness).unwrap();
        let min = y.iter().cloned().fold(f64::INFINITY, f64::min);
        let v_total = system.total(&y, "V").unwrap();
        eprintln!("{stiffness:?}: min {min:.3e}, V total {v_total:.4}, {} steps", stats.steps);
        // Measured: −2.1e-19 (transport implicit), −2.6e-20 (reactions implicit).
        assert!(min >= -1e-3 * atol, "{stiffness:?}: min {min:e}");
        assert!(v_total > system.total(&y0, "V").unwrap(), "V grows");
    }
}

/// A part whose derivative is NaN once `y` exceeds 2.
struct Blowup;

impl OdeSystem for Blowup {
    fn dimension(&self) -> usize {
        1
    }
    fn rhs(&self, _t: f64, y: &[f64], dy: &mut [f64]) {
        dy[0] = if y[0] > 2.0 { f64::NAN } else { y[0] };
    }
}

#[test]
fn bad_input_is_a_typed_error() {
    let p = Periodic { n: 8, d: 0.05, r: 1.0 };
    let model = decay_model(p.r);
    let system = periodic_system(&model, &p);
    let y0 = p.exact(0.0);
    let ok = Options::default();
    let invalid = |r: sasp::Result<(Vec<f64>, sasp::solve::Stats)>| matches!(r, Err(SaspError::InvalidOptions(_)));
    let bad_rtol = Options { rtol: -1.0, ..Options::default() };
    assert!(invalid(imex(&system, &y0, 0.0, 1.0, &bad_rtol, Stiffness::Transport)));
    assert!(invalid(imex(&system, &y0, 1.0, 0.0, &ok, Stiffness::Transport)));
    let mut nan = y0.clone();
    nan[3] = f64::NAN;
    assert!(invalid(imex(&system, &nan, 0.0, 1.0, &ok, Stiffness::Reactions)));
    assert!(matches!(
        imex(&system, &y0[1..], 0.0, 1.0, &ok, Stiffness::Transport),
        Err(SaspError::DimensionMismatch { .. })
    ));
    // Parts of different sizes.
    let other = Periodic { n: 9, ..p };
    let bigger = periodic_system(&model, &other);
    let (r, t) = (system.with_part(Part::Reactions), bigger.with_part(Part::Transport));
    assert!(matches!(integrate_imex(&r, &t, 0.0, &y0, 1.0, &ok), Err(SaspError::DimensionMismatch { .. })));
    assert!(matches!(Ark::new(&r, &t, ok.clone()), Err(SaspError::DimensionMismatch { .. })));
    // The step budget, and a derivative that turns NaN.
    let few = Options { max_steps: 2, ..Options::default() };
    match imex(&system, &y0, 0.0, 100.0, &few, Stiffness::Transport) {
        Err(SaspError::Solve(e)) => assert!(matches!(e.kind, SolveErrorKind::TooManySteps { .. }), "{e}"),
        other => panic!("expected too many steps, got {other:?}"),
    }
    match integrate_imex(&Blowup, &Blowup, 0.0, &[1.0], 10.0, &ok) {
        Err(SaspError::Solve(e)) => assert_eq!(e.method, "ark4-imex", "{e}"),
        other => panic!("expected a solve failure, got {other:?}"),
    }
    assert!(invalid(integrate_imex(&Blowup, &Blowup, 0.0, &[f64::INFINITY], 1.0, &ok)));
}

#[test]
fn the_brusselator_splits_into_parts_that_add_up_and_imex_meets_its_reference() {
    use sasp::testset::grid::Brusselator2d;
    use sasp::testset::mixed_error;
    let mut full = Brusselator2d::new(16);
    full.forcing = true;
    let (mut react, diffuse) = (full.with_part(Part::Reactions), full.with_part(Part::Transport));
    react.forcing = true;
    let y: Vec<f64> = full.y0().iter().enumerate().map(|(i, v)| v + 0.1 * (i % 7) as f64).collect();
    let n = full.dimension();
    let (mut f, mut fr, mut ft) = (vec![0.0; n], vec![0.0; n], vec![0.0; n]);
    full.rhs(1.0, &y, &mut f);
    react.rhs(1.0, &y, &mut fr);
    diffuse.rhs(1.0, &y, &mut ft);
    let scale = f.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    for i in 0..n {
        assert!((fr[i] + ft[i] - f[i]).abs() <= 1e-12 * scale, "rhs {i}");
    }
    let nnz = match full.jacobian_structure() {
        sasp::solve::JacobianStructure::Sparse(p) => p.nnz(),
        other => panic!("{other:?}"),
    };
    let (mut j, mut jr, mut jt) = (vec![0.0; nnz], vec![0.0; nnz], vec![0.0; nnz]);
    assert!(full.jacobian(1.0, &y, &mut j) && react.jacobian(1.0, &y, &mut jr) && diffuse.jacobian(1.0, &y, &mut jt));
    for k in 0..nnz {
        assert!((jr[k] + jt[k] - j[k]).abs() <= 1e-12 * j[k].abs().max(1.0), "Jacobian entry {k}");
    }
    // The whole run (forcing switched on at 1.1) against bdf-krylov at rtol 1e-11.
    let base = Brusselator2d::new(16);
    let tight = Options { rtol: 1e-11, atol: Tolerance::Scalar(1e-13), max_steps: 1_000_000, ..Options::default() };
    let reference = base.solve(Method::BdfKrylov, tight).unwrap().y;
    // Measured: 4.0e-3 at rtol 1e-4, 1.1e-5 at 1e-6.
    for (rtol, bound) in [(1e-4, 1.5e-2), (1e-6, 4e-5)] {
        let opts = Options { rtol, atol: Tolerance::Scalar(1e-2 * rtol), ..Options::default() };
        let (y, stats) = base.solve_imex(Stiffness::Transport, opts).unwrap();
        let error = mixed_error(&y, &reference, 1e-2 * rtol, rtol);
        eprintln!("Brusselator N = 16, rtol {rtol:e}: mixed error {error:.2e}, {stats:?}");
        assert!(error < bound, "rtol {rtol:e}: {error:e}");
    }
}

/// A grid system without its cell layout: the stages then solve by the
/// direct sparse LU of the Jacobian's pattern.
struct NoLayout<'a, 'm>(&'a SpatialSystem<'m>);

impl OdeSystem for NoLayout<'_, '_> {
    fn dimension(&self) -> usize {
        self.0.dimension()
    }
    fn rhs(&self, t: f64, y: &[f64], dy: &mut [f64]) {
        self.0.rhs(t, y, dy)
    }
    fn is_autonomous(&self) -> bool {
        self.0.is_autonomous()
    }
    fn jacobian_structure(&self) -> sasp::solve::JacobianStructure {
        self.0.jacobian_structure()
    }
    fn jacobian(&self, t: f64, y: &[f64], values: &mut [f64]) -> bool {
        self.0.jacobian(t, y, values)
    }
}

#[test]
fn direct_sparse_and_newton_krylov_stages_agree() {
    let model = common::autocatalysis(1.0, 0.5);
    let n = 12;
    let grid = Grid::new(&[n, n], 1.0 / n as f64).unwrap();
    let transport =
        Transport::immobile(&model, &grid).diffusing(&model, "U", 0.1).unwrap().diffusing(&model, "V", 0.05).unwrap();
    let system = SpatialSystem::new(&model, grid, transport, &[]).unwrap();
    let y0: Vec<f64> = (0..n * n).flat_map(|c| [3.0, if c / n < 3 && c % n < 3 { 2.0 } else { 0.1 }]).collect();
    let (reactions, transport) = (system.with_part(Part::Reactions), system.with_part(Part::Transport));
    let opts = Options { rtol: 1e-8, atol: Tolerance::Scalar(1e-10), ..Options::default() };
    let direct = Ark::new(&reactions, &NoLayout(&transport), opts.clone()).unwrap();
    let krylov = Ark::new(&reactions, &transport, opts.clone()).unwrap();
    assert_eq!((direct.name(), krylov.name()), ("ark4-imex", "ark4-imex-krylov"));
    let (a, sa) = integrate_imex(&reactions, &NoLayout(&transport), 0.0, &y0, 1.0, &opts).unwrap();
    let (b, sb) = integrate_imex(&reactions, &transport, 0.0, &y0, 1.0, &opts).unwrap();
    // Measured: the same 78 steps; GMRES needs one iteration per stage
    // (420 solves), the direct LU, refactored only when hγ drifts by 20 %,
    // 2–3 Newton iterations (1051 solves); states 1.2e-10 apart.
    eprintln!("direct {sa:?}\nkrylov {sb:?}\ndifference {:.2e}", max_abs_diff(&a, &b));
    assert_eq!(sa.linear_iterations, 0);
    assert!(sb.linear_iterations > 0);
    assert!(max_abs_diff(&a, &b) < 1e-6, "{}", max_abs_diff(&a, &b));
}
