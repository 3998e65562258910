//! Tumors that grow and shrink in space: pressure-driven (Darcy) motion of
//! cells that fill space together (`Transport::pressure_motion`,
//! `∂n_k/∂t = ∇·(κ n_k ∇ρ)`, `ρ = Σ w_k n_k`). Checked: exact conservation of
//! each population by the motion alone, positivity and the occupancy's
//! maximum principle from sharp profiles, a uniform tumor on a grid follows
//! the well-mixed model, the porous-Fisher front speed `√(κ g / 2)` in 1D and
//! the disk's radial speed in 2D, the exact Jacobian against central
//! differences, first-order spatial convergence on a smooth solution, and the
//! reference slice growing before restoration and shrinking after.

use crate::common;

use sasp::model::{Compartment, ModelBuilder, ProcessDecl, Provenance, Quantity, RateLaw};
use sasp::prelude::*;
use sasp::solve::{solve, OdeSystem};
use sasp::space::{Boundary, Grid, SpatialSystem, Transport};

fn sci(values: &[f64]) -> String {
    values.iter().map(|v| format!("{v:.2e}")).collect::<Vec<_>>().join(", ")
}

fn tight() -> Options {
    Options { rtol: 1e-10, atol: Tolerance::Scalar(1e-12), max_steps: 1_000_000, ..Options::default() }
}

/// Compartments `a`, `b` and `c` with no reactions: only transport moves them.
fn tracers() -> sasp::model::Model {
    let mut b = ModelBuilder::new("tracers");
    for s in ["a", "b", "c"] {
        b = b.compartment(s, Compartment::Other(Quantity::Cells), "Mcells", 0.0);
    }
    b.build().unwrap()
}

/// `a` and `b` (capacity 2: `ρ = (a + b)/2`) pushed by their occupancy with
/// mobility `kappa`; `c` diffuses (0.3). `periodic` axes wrap for all three.
fn pushed<'m>(model: &'m sasp::model::Model, grid: Grid, periodic: &[usize], kappa: f64) -> SpatialSystem<'m> {
    let mut transport = Transport::immobile(model, &grid)
        .diffusing(model, "c", 0.3)
        .unwrap()
        .pressure_motion(model, &["a", "b"], 2.0, kappa)
        .unwrap();
    for &axis in periodic {
        for s in 0..3 {
            transport.boundaries[s][2 * axis] = Boundary::Periodic;
            transport.boundaries[s][2 * axis + 1] = Boundary::Periodic;
        }
    }
    SpatialSystem::new(model, grid, transport, &[]).unwrap()
}

/// The grids of the conservation, positivity and Jacobian checks, with their periodic axes.
fn grids() -> Vec<(Vec<usize>, Vec<usize>)> {
    vec![
        (vec![30], vec![]),
        (vec![30], vec![0]),
        (vec![9, 8], vec![1]),
        (vec![4, 5, 6], vec![]),
        (vec![3, 4, 5], vec![0]),
    ]
}

/// A rough field: on each cell `a` and `b` are 0 (a third of cells each) or
/// random up to 1.5, `c` random.
fn rough(system: &SpatialSystem, seed: u64) -> Vec<f64> {
    let mut rng = common::Rng::new(seed);
    (0..system.dimension())
        .map(|_| {
            let u = rng.uniform();
            if u < 0.33 {
                0.0
            } else {
                1.5 * rng.uniform()
            }
        })
        .collect()
}

#[test]
fn motion_alone_conserves_each_population_exactly() {
    let model = tracers();
    for (shape, periodic) in grids() {
        let grid = Grid::new(&shape, 0.1).unwrap();
        let system = pushed(&model, grid, &periodic, 0.7);
        let y0 = rough(&system, 11);
        // The right-hand side sums to round-off for each population.
        let mut dy = vec![0.0; system.dimension()];
        system.rhs(0.0, &y0, &mut dy);
        for s in 0..3 {
            let sum: f64 = dy.iter().skip(s).step_by(3).sum();
            let size: f64 = dy.iter().skip(s).step_by(3).map(|v| v.abs()).sum();
            assert!(sum.abs() <= 1e-14 * size, "{shape:?} {periodic:?} species {s}: Σ {sum:e} of {size:e}");
        }
        // Over a solve (bdf: banded LU in 1D, sparse LU otherwise) the totals stay.
        let sol = solve(&system, Method::Bdf.stepper(&system, tight()).unwrap(), 0.0, &y0, 0.2, &[0.2]).unwrap();
        for name in ["a", "b", "c"] {
            let (before, after) = (system.total(&y0, name).unwrap(), system.total(sol.state(0), name).unwrap());
            let change = (after - before).abs() / before;
            println!("{shape:?} periodic {periodic:?} {name}: total {before:.6} → relative change {change:.1e}");
            assert!(change <= 1e-12, "{shape:?} {name}: {before} → {after}");
        }
    }
}

#[test]
fn motion_keeps_cells_non_negative_and_occupancy_below_its_maximum() {
    let model = tracers();
    let rho = |y: &[f64], cell: usize| (y[3 * cell] + y[3 * cell + 1]) / 2.0;
    for (shape, periodic) in grids() {
        let grid = Grid::new(&shape, 0.1).unwrap();
        let system = pushed(&model, grid, &periodic, 0.7);
        let cells = system.grid().cells();
        // Semi-discrete positivity on a rough field: an empty cell never loses.
        let y = rough(&system, 5);
        let mut dy = vec![0.0; system.dimension()];
        system.rhs(0.0, &y, &mut dy);
        let empty = (0..system.dimension()).filter(|&i| y[i] == 0.0 && i % 3 != 2).count();
        assert!(empty > cells / 2, "{empty} empty cells");
        assert!((0..system.dimension()).all(|i| y[i] > 0.0 || i % 3 == 2 || dy[i] >= 0.0));
        // A sharp profile: a full block of `a` (ρ = 0.9) and one of `b` next
        // to it in empty tissue. Nothing goes negative beyond rounding, and
        // the occupancy never exceeds its starting maximum.
        let mut y0 = vec![0.0; system.dimension()];
        for cell in 0..cells {
            let f = cell as f64 / cells as f64;
            if f < 0.3 {
                y0[3 * cell] = 1.8;
            } else if f < 0.45 {
                y0[3 * cell + 1] = 1.2;
            }
        }
        let outputs: Vec<f64> = (1..=10).map(|k| 0.05 * k as f64).collect();
        let options =
            Options { rtol: 1e-8, atol: Tolerance::Scalar(1e-10), max_steps: 1_000_000, ..Options::default() };
        let sol = solve(&system, Method::Bdf.stepper(&system, options).unwrap(), 0.0, &y0, 0.5, &outputs).unwrap();
        let (mut lowest, mut highest): (f64, f64) = (0.0, 0.0);
        for k in 0..outputs.len() {
            let y = sol.state(k);
            lowest = lowest.min(y.iter().copied().fold(f64::INFINITY, f64::min));
            highest = highest.max((0..cells).map(|c| rho(y, c)).fold(0.0, f64::max));
        }
        println!("{shape:?} periodic {periodic:?}: lowest amount {lowest:.1e}, highest occupancy {highest:.6}");
        assert!(lowest >= -5e-10, "{shape:?}: {lowest:e}");
        assert!(highest <= 0.9 + 1e-8, "{shape:?}: {highest}");
        // The block has spread: cells moved into the empty tissue.
        let last = sol.state(outputs.len() - 1);
        assert!(
            (0..cells).filter(|&c| rho(last, c) > 1e-3).count() > (0..cells).filter(|&c| rho(&y0, c) > 0.0).count()
        );
    }
}

#[test]
fn the_motion_jacobian_is_exact_on_1d_2d_and_3d_grids() {
    let model = tracers();
    let mut worst: f64 = 0.0;
    for (shape, periodic) in grids() {
        let grid = Grid::new(&shape, 0.1).unwrap();
        let system = pushed(&model, grid, &periodic, 0.7);
        // Irregular positive fields (no face with ρ_i = ρ_j, the upwind kink).
        let y: Vec<f64> = (0..system.dimension()).map(|k| 0.5 + (k as f64 * 0.737).sin().abs() * 4.0).collect();
        let error = common::sparse_jacobian_error(&system, &y).0;
        println!("{shape:?} periodic {periodic:?}: max |J − FD| = {error:.1e}");
        assert!(error < 5e-7, "{shape:?}: {error:e}");
        worst = worst.max(error);
    }
    // With the reactions of a growth law too (porous Fisher, 2D).
    let model = porous_fisher();
    let grid = Grid::new(&[6, 7], 0.3).unwrap();
    let transport = Transport::immobile(&model, &grid).pressure_motion(&model, &["u"], 1.0, 1.3).unwrap();
    let system = SpatialSystem::new(&model, grid, transport, &[]).unwrap();
    let y: Vec<f64> = (0..system.dimension()).map(|k| 0.05 + (k as f64 * 0.737).sin().abs()).collect();
    let error = common::sparse_jacobian_error(&system, &y).0;
    println!("porous Fisher 6×7: max |J − FD| = {error:.1e}");
    assert!(error < 5e-7, "{error:e}");
    println!("worst Jacobian error {worst:.1e}");
}

#[test]
fn pressure_motion_refuses_bad_arguments() {
    let model = tracers();
    let grid = Grid::new(&[4], 0.1).unwrap();
    let t = Transport::immobile(&model, &grid);
    assert!(t.clone().pressure_motion(&model, &["a"], 1.0, -1.0).is_err());
    assert!(t.clone().pressure_motion(&model, &["a"], 1.0, f64::NAN).is_err());
    assert!(t.clone().pressure_motion(&model, &["a"], 0.0, 1.0).is_err());
    assert!(t.clone().pressure_motion(&model, &["a", "a"], 1.0, 1.0).is_err());
    assert!(t.clone().pressure_motion(&model, &[], 1.0, 1.0).is_err());
    assert!(t.clone().pressure_motion(&model, &["z"], 1.0, 1.0).is_err());
    // The populations of a group share their periodic sides.
    let mut mixed = t.pressure_motion(&model, &["a", "b"], 1.0, 1.0).unwrap();
    mixed.boundaries[0] = vec![Boundary::Periodic; 2];
    assert!(SpatialSystem::new(&model, grid, mixed, &[]).is_err());
}

/// `u` (occupancy, capacity 1) with logistic growth `g u (1 − u)`, `g` = 1/day.
pub(crate) fn porous_fisher() -> sasp::model::Model {
    ModelBuilder::new("porous Fisher")
        .compartment("u", Compartment::Other(Quantity::Cells), "Mcells", 0.0)
        .parameter("g", 1.0, "1/day", Provenance::Assumed, "test")
        .parameter("K", 1.0, "Mcells", Provenance::Assumed, "test")
        .process(ProcessDecl::new("growth", RateLaw::logistic("g", "u", "u", "K")).change("u", 1.0))
        .build()
        .unwrap()
}

/// The speed of the porous-Fisher front `u_t = κ ∇·(u ∇u) + g u (1 − u)`
/// (κ = 1, g = 1: `c = √(1/2)`) on `cells` cells of size `h` along the
/// first axis (`dims` axes, the others as long), from `u = 1` within
/// `start` of the corner: the growth rate of the covered length (1D) or
/// radius (2D, a quarter disk: `R = √(4 A / π)`), `A = Σ u hᵈ` (the plateau is 1),
/// between `t1` and `t2`, solved at relative tolerance `rtol`.
fn front_speed(dims: usize, cells: usize, h: f64, start: f64, [t1, t2]: [f64; 2], rtol: f64) -> f64 {
    let model = porous_fisher();
    let grid = Grid::new(&vec![cells; dims], h).unwrap();
    let transport = Transport::immobile(&model, &grid).pressure_motion(&model, &["u"], 1.0, 1.0).unwrap();
    let system = SpatialSystem::new(&model, grid, transport, &[]).unwrap();
    let y0: Vec<f64> = (0..system.dimension())
        .map(|c| {
            let (i, j) = (c % cells, c / cells);
            let x = (i as f64 + 0.5) * h;
            let r = if dims == 1 { x } else { x.hypot((j as f64 + 0.5) * h) };
            if r < start {
                1.0
            } else {
                0.0
            }
        })
        .collect();
    let options = Options { rtol, atol: Tolerance::Scalar(rtol * 1e-2), max_steps: 1_000_000, ..Options::default() };
    let sol = solve(&system, Method::Auto.stepper(&system, options).unwrap(), 0.0, &y0, t2, &[t1, t2]).unwrap();
    let extent = |k: usize| {
        let area = sol.state(k).iter().sum::<f64>() * h.powi(dims as i32);
        if dims == 1 {
            area
        } else {
            (4.0 * area / std::f64::consts::PI).sqrt()
        }
    };
    (extent(1) - extent(0)) / (t2 - t1)
}

#[test]
fn the_porous_fisher_front_moves_at_the_aronson_speed_in_1d() {
    // Aronson (1980), Newman (1980): the sharp travelling wave of
    // u_t = κ (u u_x)_x + g u (1 − u) moves at √(κ g / 2).
    let c = 0.5f64.sqrt();
    let speeds: Vec<f64> =
        [0.2, 0.1, 0.05].iter().map(|&h| front_speed(1, (50.0 / h) as usize, h, 5.0, [20.0, 40.0], 1e-7)).collect();
    let errors: Vec<f64> = speeds.iter().map(|s| s / c - 1.0).collect();
    let extrapolated = 2.0 * speeds[2] - speeds[1];
    let orders: Vec<f64> = errors.windows(2).map(|w| (w[0] / w[1]).log2()).collect();
    println!(
        "1D front speeds {speeds:.5?} (h = 0.2, 0.1, 0.05) against √(κg/2) = {c:.5}: relative errors {}, orders \
         {orders:.2?}; extrapolated {extrapolated:.5} ({:.1e})",
        sci(&errors),
        extrapolated / c - 1.0
    );
    // Upwinding's numerical diffusion speeds the front up by O(h).
    assert!(errors.iter().all(|&e| e > 0.0) && errors[2] < 0.03, "{speeds:?}");
    assert!(orders.iter().all(|&p| (0.7..1.2).contains(&p)), "{orders:?}");
    assert!((extrapolated / c - 1.0).abs() < 0.01, "{extrapolated}");
}

#[test]
fn a_disk_expands_at_the_front_speed_in_2d() {
    // A quarter disk of radius 3 in the corner of zero-flux walls (the
    // walls are its symmetry planes), radius from the area, t = 14 to 28.
    // At rtol 1e-5 the speeds agree with rtol 1e-7's to 4e-8 (h = 0.25);
    // the front's kinks, not the tolerance, set the step count.
    let c = 0.5f64.sqrt();
    let speeds: Vec<f64> =
        [0.25, 0.125].iter().map(|&h| front_speed(2, (25.0 / h) as usize, h, 3.0, [14.0, 28.0], 1e-5)).collect();
    let extrapolated = 2.0 * speeds[1] - speeds[0];
    println!(
        "2D radial speeds {speeds:.5?} (h = 0.25, 0.125) against √(κg/2) = {c:.5}: relative errors {:.2e}, {:.2e}; \
         extrapolated {extrapolated:.5} ({:.1e})",
        speeds[0] / c - 1.0,
        speeds[1] / c - 1.0,
        extrapolated / c - 1.0
    );
    assert!((speeds[1] / c - 1.0).abs() < 0.04, "{speeds:?}");
    assert!((extrapolated / c - 1.0).abs() < 0.02, "{extrapolated}");
}

/// `a` and `b` (ρ = (a + b)/2, κ = 0.05) from smooth positive profiles on
/// [0, 1] (zero-flux) at t = 0.5, on `cells` cells.
fn smooth_motion(cells: usize) -> Vec<f64> {
    let model = tracers();
    let h = 1.0 / cells as f64;
    let system = pushed(&model, Grid::new(&[cells], h).unwrap(), &[], 0.05);
    let pi = std::f64::consts::PI;
    let y0: Vec<f64> = (0..cells)
        .flat_map(|i| {
            let x = (i as f64 + 0.5) * h;
            [0.8 + 0.6 * (pi * x).cos(), 0.6 + 0.4 * (2.0 * pi * x).sin(), 0.0]
        })
        .collect();
    let options = Options { rtol: 1e-11, atol: Tolerance::Scalar(1e-13), max_steps: 1_000_000, ..Options::default() };
    solve(&system, Method::Bdf.stepper(&system, options).unwrap(), 0.0, &y0, 0.5, &[0.5]).unwrap().state(0).to_vec()
}

#[test]
fn the_motion_converges_at_first_order_on_a_smooth_solution() {
    // The difference between the solutions on N and 2N cells (the finer
    // averaged onto the coarser grid), L1 over both moving populations.
    let sizes = [50, 100, 200, 400];
    let solutions: Vec<Vec<f64>> = sizes.iter().map(|&n| smooth_motion(n)).collect();
    let differences: Vec<f64> = sizes
        .windows(2)
        .zip(solutions.windows(2))
        .map(|(n, y)| {
            let h = 1.0 / n[0] as f64;
            (0..n[0])
                .map(|i| {
                    (0..2).map(|s| (y[0][3 * i + s] - 0.5 * (y[1][6 * i + s] + y[1][6 * i + 3 + s])).abs()).sum::<f64>()
                        * h
                })
                .sum()
        })
        .collect();
    let orders: Vec<f64> = differences.windows(2).map(|w| (w[0] / w[1]).log2()).collect();
    println!("smooth motion: L1 differences {}, orders {orders:.2?}", sci(&differences));
    assert!(orders.iter().all(|&p| (0.85..1.15).contains(&p)), "{orders:?} ({differences:?})");
}

#[test]
fn a_uniform_tumor_follows_the_well_mixed_model() {
    // The spatial reference model on a 3×3 grid of 0.25 mm boxes with its
    // declared transport and its tumor cells pushed by their occupancy
    // (κ = 0.47 mm²/day, the slice's): a uniform state follows the
    // well-mixed model of one box, with p53 off (the tumor grows to fill the
    // box) and restored (it is cleared).
    let model = sasp::models::iannello2013_spatial(0.25).unwrap();
    for inputs in [[0.0], [1.0]] {
        let y_box = model.initial_state();
        let well_mixed = model.system(&inputs).unwrap();
        let days = [1.0, 2.0, 7.0, 14.0];
        let reference =
            solve(&well_mixed, Method::Rodas5p.stepper(&well_mixed, tight()).unwrap(), 0.0, &y_box, 14.0, &days)
                .unwrap();
        let grid = Grid::new(&[3, 3], 0.25).unwrap();
        let capacity = model.parameter_canonical("K").unwrap();
        let transport = Transport::declared(&model, &grid)
            .unwrap()
            .pressure_motion(&model, &["P", "Q", "S"], capacity, 0.47)
            .unwrap();
        let system = SpatialSystem::new(&model, grid, transport, &inputs).unwrap();
        let on_grid = solve(
            &system,
            Method::Rodas5p.stepper(&system, tight()).unwrap(),
            0.0,
            &system.uniform(&y_box),
            14.0,
            &days,
        )
        .unwrap();
        let m = model.dimension();
        let volume = |y: &[f64]| y[0] + y[1] + y[2];
        let mut worst: f64 = 0.0;
        for k in 0..days.len() {
            let expected = volume(reference.state(k));
            for cell in on_grid.state(k).chunks(m) {
                worst = worst.max((volume(cell) / expected - 1.0).abs());
            }
        }
        println!(
            "doxycycline {}: box tumor {:.4} → {:.4} of capacity at day 14; largest relative difference {worst:.1e}",
            inputs[0],
            volume(&y_box) / capacity,
            volume(reference.state(3)) / capacity
        );
        assert!(worst < 1e-8, "{worst:e}");
    }
}

/// The reference slice on `cells × cells` boxes with tumor-cell mobility
/// `mobility`, all cells restorable, doxycycline `dox` from day 0: tumor
/// relative to day 0 at days 0, 1, …, `end`, the wall time (s) and the
/// solver's statistics (`bdf-krylov`, rtol 1e-4).
fn slice_curve(cells: usize, mobility: f64, dox: f64, end: usize) -> (Vec<f64>, f64, sasp::solve::Stats) {
    use sasp::space::slice::TumorSlice;
    let slice = TumorSlice { mobility, ..TumorSlice::new(cells) };
    let model = slice.model().unwrap();
    let system = slice.system(&model, &[dox]).unwrap();
    let y0 = slice.initial_state(&system, slice.occupancy().mapv(|_| 1.0).view()).unwrap();
    let days: Vec<f64> = (0..=end).map(|d| d as f64).collect();
    let start = std::time::Instant::now();
    let stepper = Method::BdfKrylov.stepper(&system, slice.options(&model, 1e-4).unwrap()).unwrap();
    let sol = solve(&system, stepper, 0.0, &y0, end as f64, &days).unwrap();
    let seconds = start.elapsed().as_secs_f64();
    let v0 = slice.tumor_volume(&system, &y0).unwrap();
    let curve = (0..days.len()).map(|k| slice.tumor_volume(&system, sol.state(k)).unwrap() / v0).collect();
    (curve, seconds, sol.stats)
}

#[test]
fn the_slice_grows_before_restoration_and_shrinks_after() {
    use sasp::space::slice::TUMOR_MOBILITY;
    // 32×32 boxes. Without p53 the tumor pushes into the host tissue and
    // grows (immobile tumor cells: 1.001 at day 2); restored from day 0 it
    // grows while p53 comes on and senescence sets in, then is cleared.
    let (off, ..) = slice_curve(32, TUMOR_MOBILITY, 0.0, 2);
    let (on, ..) = slice_curve(32, TUMOR_MOBILITY, 1.0, 21);
    println!("p53 off, day 2: {:.4}; restored, days 2, 7, 21: {:.4} {:.4} {:.4}", off[2], on[2], on[7], on[21]);
    let close = |value: f64, expected: f64| (value / expected - 1.0).abs() < 0.02;
    assert!(close(off[1], 1.0628) && close(off[2], 1.1622), "{off:?}");
    assert!(close(on[2], 1.0825) && close(on[7], 0.5338) && close(on[21], 0.0738), "{on:?}");
    let peak = on.iter().copied().fold(0.0, f64::max);
    assert_eq!(peak, on[2], "{on:?}");
    assert!(on.windows(2).skip(2).all(|w| w[1] < w[0]), "{on:?}");
}

/// The slice's volume curves and cost with and without tumor-cell motion
/// (`SASP_SLICE_CELLS`, default 32; `SASP_SLICE_RESTORED_ONLY=1` skips the
/// runs without p53):
/// `cargo test --release --test integration -- growth::slice_volume --ignored --nocapture`.
#[test]
#[ignore = "a measurement for docs/spatial.md"]
fn slice_volume_curves_with_and_without_motion() {
    use sasp::space::slice::TUMOR_MOBILITY;
    let cells: usize = std::env::var("SASP_SLICE_CELLS").ok().and_then(|v| v.parse().ok()).unwrap_or(32);
    let restored_only = std::env::var("SASP_SLICE_RESTORED_ONLY").is_ok();
    for mobility in [0.0, TUMOR_MOBILITY] {
        let slice = sasp::space::slice::TumorSlice { mobility, ..sasp::space::slice::TumorSlice::new(cells) };
        let model = slice.model().unwrap();
        let system = slice.system(&model, &[1.0]).unwrap();
        if let sasp::solve::JacobianStructure::Sparse(pattern) = system.jacobian_structure() {
            println!("{cells}×{cells}, κ = {mobility}: {} Jacobian non-zeros", pattern.nnz());
        }
    }
    for mobility in [0.0, TUMOR_MOBILITY] {
        for (dox, end) in [(0.0, 7), (1.0, 21)] {
            if restored_only && dox == 0.0 {
                continue;
            }
            let (curve, seconds, stats) = slice_curve(cells, mobility, dox, end);
            let curve: Vec<String> = curve.iter().map(|v| format!("{v:.4}")).collect();
            println!(
                "{cells}×{cells}, κ = {mobility}, doxycycline {dox}: {seconds:.2} s, {} steps ({} rejected), {} \
                 GMRES iterations in {} solves; V/V0 by day: {}",
                stats.steps,
                stats.rejected,
                stats.linear_iterations,
                stats.linear_solves,
                curve.join(" ")
            );
        }
    }
}
