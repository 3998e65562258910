//! The model on a grid: uniform states follow the well-mixed model, diffusion
//! conserves mass, converges at second order, and the Jacobian is exact.

use crate::common;

use sasp::model::{Compartment, ModelBuilder, Quantity};
use sasp::prelude::*;
use sasp::solve::{solve, OdeSystem};
use sasp::space::{Boundary, Grid, SpatialSystem, Transport};
use sasp::FileError;

fn tight() -> Options {
    Options { rtol: 1e-10, atol: Tolerance::Scalar(1e-12), max_steps: 1_000_000, ..Options::default() }
}

#[test]
fn a_uniform_grid_follows_the_well_mixed_model() {
    let model = sasp::models::iannello2013().unwrap();
    // The well-mixed state at day 0, then doxycycline on for 5 days.
    let day0 = simulate(&model, &[], 0.0, &[0.0], Method::Rodas5p, &tight()).unwrap().state(0).to_vec();
    let well_mixed = solve(
        &model.system(&[1.0]).unwrap(),
        Method::Rodas5p.stepper(&model.system(&[1.0]).unwrap(), tight()).unwrap(),
        0.0,
        &day0,
        5.0,
        &[5.0],
    )
    .unwrap();
    let grid = Grid::new(&[3, 4], 0.1).unwrap();
    let mut transport = Transport::immobile(&model, &grid);
    for (c, d) in [("C2", 2.6), ("C3", 2.6), ("X", 2.6), ("Nr", 0.03), ("Na", 0.03), ("P", 1e-4)] {
        transport = transport.diffusing(&model, c, d).unwrap();
    }
    let system = SpatialSystem::new(&model, grid, transport, &[1.0]).unwrap();
    let y0 = system.uniform(&day0);
    // The right-hand side of a uniform field is the well-mixed one in every cell, exactly.
    let (mut dy, mut f) = (vec![0.0; system.dimension()], vec![0.0; 13]);
    system.rhs(0.0, &y0, &mut dy);
    model.rhs(0.0, &day0, &[1.0], &mut f).unwrap();
    for (k, v) in dy.iter().enumerate() {
        assert_eq!(*v, f[k % 13]);
    }
    let on_grid = solve(&system, Method::Rodas5p.stepper(&system, tight()).unwrap(), 0.0, &y0, 5.0, &[5.0]).unwrap();
    let reference = well_mixed.state(0);
    for (k, v) in on_grid.state(0).iter().enumerate() {
        let r = reference[k % 13];
        assert!((v - r).abs() <= 1e-8 * r.abs().max(1e-6), "component {k}: {v} vs {r}");
    }
}

fn diffusion_only(n_species: usize) -> sasp::model::Model {
    let mut b = ModelBuilder::new("tracer");
    for s in 0..n_species {
        b = b.compartment(&format!("c{s}"), Compartment::Other(Quantity::Concentration), "nM", 0.0);
    }
    b.build().unwrap()
}

#[test]
fn diffusion_conserves_mass_with_zero_flux_and_periodic_sides() {
    let model = diffusion_only(2);
    let grid = Grid::new(&[12, 10], 0.05).unwrap();
    let transport = Transport::immobile(&model, &grid)
        .diffusing(&model, "c0", 1.0)
        .unwrap()
        .diffusing(&model, "c1", 0.3)
        .unwrap()
        .boundary(&model, "c1", Boundary::Periodic)
        .unwrap();
    let system = SpatialSystem::new(&model, grid, transport, &[]).unwrap();
    // Fields are set and read as arrays shaped like the grid (12 × 10).
    let mut y0 = vec![0.0; system.dimension()];
    let c0 = ndarray::Array2::from_shape_fn((12, 10), |(i, j)| 1.0 + ((i * 7 + j * 3) % 13) as f64);
    let c1 = ndarray::Array2::from_shape_fn((12, 10), |(i, j)| if i < 6 && j < 5 { 4.0 } else { 0.5 });
    system.set_field(&mut y0, "c0", c0.view().into_dyn()).unwrap();
    system.set_field(&mut y0, "c1", c1.view().into_dyn()).unwrap();
    assert_eq!(y0[2 * (3 * 10 + 4)], c0[[3, 4]]);
    assert_eq!(system.field(&y0, "c1").unwrap().into_dimensionality::<ndarray::Ix2>().unwrap(), c1);
    let wrong = ndarray::Array2::<f64>::zeros((10, 12));
    assert!(system.set_field(&mut y0, "c0", wrong.view().into_dyn()).is_err());
    assert!(system.set_field(&mut y0, "c9", c0.view().into_dyn()).is_err());
    assert!(system.field(&y0[1..], "c0").is_err());
    let sol = solve(&system, Method::Rodas5p.stepper(&system, tight()).unwrap(), 0.0, &y0, 0.5, &[0.5]).unwrap();
    for c in ["c0", "c1"] {
        let (before, after) = (system.total(&y0, c).unwrap(), system.total(sol.state(0), c).unwrap());
        assert!((after - before).abs() <= 1e-10 * before, "{c}: {before} → {after}");
    }
    // It also smooths: the field flattens towards its mean.
    let f = system.field(sol.state(0), "c0").unwrap();
    let spread = f.iter().cloned().fold(f64::NEG_INFINITY, f64::max) - f.iter().cloned().fold(f64::INFINITY, f64::min);
    assert!(spread < 0.1, "{spread}");
}

#[test]
fn diffusion_converges_at_second_order() {
    // u_t = u_xx on [0, 1], zero flux: u = cos(πx) e^{−π² t}.
    let model = diffusion_only(1);
    let errors: Vec<f64> = [20usize, 40, 80]
        .iter()
        .map(|&n| {
            let h = 1.0 / n as f64;
            let grid = Grid::new(&[n], h).unwrap();
            let transport = Transport::immobile(&model, &grid).diffusing(&model, "c0", 1.0).unwrap();
            let system = SpatialSystem::new(&model, grid, transport, &[]).unwrap();
            let x = |i: usize| (i as f64 + 0.5) * h;
            let y0: Vec<f64> = (0..n).map(|i| (std::f64::consts::PI * x(i)).cos()).collect();
            let t = 0.1;
            let sol = solve(&system, Method::Rodas5p.stepper(&system, tight()).unwrap(), 0.0, &y0, t, &[t]).unwrap();
            let decay = (-std::f64::consts::PI.powi(2) * t).exp();
            (0..n).map(|i| (sol.state(0)[i] - y0[i] * decay).abs()).fold(0.0, f64::max)
        })
        .collect();
    let p1 = (errors[0] / errors[1]).log2();
    let p2 = (errors[1] / errors[2]).log2();
    assert!((p1 - 2.0).abs() < 0.3 && (p2 - 2.0).abs() < 0.3, "orders {p1:.2} {p2:.2} ({errors:?})");
}

#[test]
fn the_grid_jacobian_is_exact_and_bad_transport_is_refused() {
    let model = sasp::models::iannello2013().unwrap();
    let grid = Grid::new(&[3, 3], 0.1).unwrap();
    let transport = Transport::immobile(&model, &grid)
        .diffusing(&model, "C2", 2.6)
        .unwrap()
        .boundary(&model, "C2", Boundary::Dirichlet(0.5))
        .unwrap()
        .diffusing(&model, "Na", 0.03)
        .unwrap()
        .boundary(&model, "Na", Boundary::Periodic)
        .unwrap()
        .chemotaxis(&model, "Na", "C2", 0.2)
        .unwrap()
        .saturating_chemotaxis(&model, "Nr", "C3", 0.1, 2.0)
        .unwrap()
        .vascular_entry(sasp::space::vessels::rim(&grid, 4.0, 0.1).view())
        .unwrap();
    let system = SpatialSystem::new(&model, grid, transport, &[1.0]).unwrap();
    let n = system.dimension();
    let y: Vec<f64> = (0..n).map(|k| 0.5 + (k as f64 * 0.37).sin().abs() * 10.0).collect();
    common::assert_sparse_jacobian_matches_differences(&system, &y, 1e-5);
    assert!(Grid::new(&[], 0.1).is_err());
    assert!(Grid::new(&[4, 0], 0.1).is_err());
    assert!(Grid::new(&[4], -1.0).is_err());
    assert!(Transport::immobile(&model, &Grid::new(&[4], 0.1).unwrap()).diffusing(&model, "C2", -1.0).is_err());
    assert!(Transport::immobile(&model, &Grid::new(&[4], 0.1).unwrap()).diffusing(&model, "Z", 1.0).is_err());
    let line = Transport::immobile(&model, &Grid::new(&[4], 0.1).unwrap());
    assert!(line.clone().chemotaxis(&model, "Na", "C2", f64::NAN).is_err());
    assert!(line.clone().chemotaxis(&model, "Na", "Na", 1.0).is_err());
    assert!(line.clone().saturating_chemotaxis(&model, "Na", "C2", 1.0, 0.0).is_err());
    assert!(line.chemotaxis(&model, "Na", "CCL9", 1.0).is_err());
}

/// Cells `n` (diffusion D) on [0, 1] up a fixed linear signal `c = g x`
/// (chemotaxis χ, receptor saturation K): the steady state is
/// n ∝ exp(χ φ(g x) / D) with φ(c) = c / (1 + c/K).
fn chemotactic_steady_state(cells: usize, k: f64) -> (Vec<f64>, Vec<f64>, f64, f64) {
    let model = diffusion_only(2);
    let h = 1.0 / cells as f64;
    let (d, chi, g) = (1.0, 2.0, 1.0);
    let grid = Grid::new(&[cells], h).unwrap();
    let transport = Transport::immobile(&model, &grid)
        .diffusing(&model, "c0", d)
        .unwrap()
        .saturating_chemotaxis(&model, "c0", "c1", chi, k)
        .unwrap();
    let system = SpatialSystem::new(&model, grid, transport, &[]).unwrap();
    let x = |i: usize| (i as f64 + 0.5) * h;
    let phi = |c: f64| c / (1.0 + c / k);
    let mut y0 = vec![0.0; 2 * cells];
    for i in 0..cells {
        y0[2 * i] = 1.0;
        y0[2 * i + 1] = g * x(i);
    }
    let t = 5.0;
    let sol = solve(&system, Method::Bdf.stepper(&system, tight()).unwrap(), 0.0, &y0, t, &[t]).unwrap();
    let n: Vec<f64> = system.field(sol.state(0), "c0").unwrap().iter().copied().collect();
    let boltzmann: Vec<f64> = (0..cells).map(|i| (chi * phi(g * x(i)) / d).exp()).collect();
    let scale = n.iter().sum::<f64>() / boltzmann.iter().sum::<f64>();
    let (before, after) = (system.total(&y0, "c0").unwrap(), system.total(sol.state(0), "c0").unwrap());
    (n, boltzmann.iter().map(|b| b * scale).collect(), before, after)
}

#[test]
fn chemotaxis_climbs_the_gradient_conserves_cells_and_converges_at_first_order() {
    let errors: Vec<f64> = [25usize, 50, 100]
        .iter()
        .map(|&cells| {
            let (n, exact, before, after) = chemotactic_steady_state(cells, f64::INFINITY);
            assert!((after - before).abs() <= 1e-10 * before, "cells not conserved: {before} → {after}");
            assert!(n.iter().all(|&v| v > 0.0));
            assert!(n.windows(2).all(|w| w[1] > w[0]), "cells must pile up where the signal is high");
            // Relative max error against the continuous Boltzmann profile.
            n.iter().zip(&exact).map(|(a, b)| ((a - b) / b).abs()).fold(0.0, f64::max)
        })
        .collect();
    let p1 = (errors[0] / errors[1]).log2();
    let p2 = (errors[1] / errors[2]).log2();
    assert!((p1 - 1.0).abs() < 0.2 && (p2 - 1.0).abs() < 0.2, "orders {p1:.2} {p2:.2} ({errors:?})");
    assert!(errors[2] < 0.02, "{errors:?}");
    // Receptor saturation (K = 0.5) flattens the profile; the scheme follows it.
    let (n, exact, _, _) = chemotactic_steady_state(100, 0.5);
    let error = n.iter().zip(&exact).map(|(a, b)| ((a - b) / b).abs()).fold(0.0, f64::max);
    assert!(error < 0.01, "{error}");
    assert!(n[99] / n[0] < 2.0 && exact[99] / exact[0] > 1.8, "{} {}", n[99] / n[0], exact[99] / exact[0]);
}

#[test]
fn vascular_entry_redistributes_nk_recruitment_without_changing_its_total() {
    let model = sasp::models::iannello2013().unwrap();
    let grid = Grid::new(&[9, 9], 0.1).unwrap();
    let density = sasp::space::vessels::rim(&grid, 5.0, 0.1);
    assert!((density.mean().unwrap() - 1.0).abs() < 1e-12);
    assert!(density[[0, 4]] > 2.0 * density[[4, 4]], "{density}");
    let transport = Transport::immobile(&model, &grid).vascular_entry(density.view()).unwrap();
    let system = SpatialSystem::new(&model, grid.clone(), transport, &[1.0]).unwrap();
    let day0 = simulate(&model, &[], 0.0, &[0.0], Method::Rodas5p, &tight()).unwrap().state(0).to_vec();
    let y = system.uniform(&day0);
    let mut dy = vec![0.0; system.dimension()];
    system.rhs(0.0, &y, &mut dy);
    let mut f = vec![0.0; 13];
    model.rhs(0.0, &day0, &[1.0], &mut f).unwrap();
    let nr = model.index_of("Nr").unwrap();
    // Summed over the grid, recruitment equals the well-mixed model's in every cell.
    let total: f64 = (0..81).map(|c| dy[c * 13 + nr]).sum();
    assert!((total - 81.0 * f[nr]).abs() <= 1e-10 * (81.0 * f[nr]).abs(), "{total} vs {}", 81.0 * f[nr]);
    // The rim recruits more than the centre; compartments not recruited are untouched.
    assert!(dy[4 * 13 + nr] > dy[(4 * 9 + 4) * 13 + nr]);
    let ts = model.index_of("C2").unwrap();
    assert_eq!(dy[4 * 13 + ts], f[ts]);
    // Bad densities and models without recruitment are refused.
    let bad = ndarray::ArrayD::from_elem(ndarray::IxDyn(&[9, 9]), -1.0);
    assert!(Transport::immobile(&model, &grid).vascular_entry(bad.view()).is_err());
    let zero = ndarray::ArrayD::from_elem(ndarray::IxDyn(&[9, 9]), 0.0);
    assert!(Transport::immobile(&model, &grid).vascular_entry(zero.view()).is_err());
    let tracer = diffusion_only(1);
    let t = Transport::immobile(&tracer, &grid).vascular_entry(density.view()).unwrap();
    assert!(SpatialSystem::new(&tracer, grid.clone(), t, &[]).is_err());
    let wrong = Transport::immobile(&model, &grid)
        .vascular_entry(sasp::space::vessels::uniform(&Grid::new(&[4], 0.1).unwrap()).view())
        .unwrap();
    assert!(SpatialSystem::new(&model, grid, wrong, &[1.0]).is_err());
}

const TRANSPORT: &str = r#"
[[transport]]
compartment = "C2"
diffusion = 2.6

[[transport]]
compartment = "Nr"
diffusion = 0.03
chemotaxis = { signal = "C2", sensitivity = 0.5, saturation = 5.0 }
"#;

#[test]
fn transport_is_declared_in_the_model_file() {
    let base = std::fs::read_to_string("models/iannello2013.toml").unwrap();
    let text = format!("{base}{TRANSPORT}");
    let model = sasp::model::Model::from_toml_str(&text, "spatial.toml").unwrap();
    let grid = Grid::new(&[4, 4], 0.25).unwrap();
    let declared = Transport::declared(&model, &grid).unwrap();
    let by_hand = Transport::immobile(&model, &grid)
        .diffusing(&model, "C2", 2.6)
        .unwrap()
        .diffusing(&model, "Nr", 0.03)
        .unwrap()
        .saturating_chemotaxis(&model, "Nr", "C2", 0.5, 5.0)
        .unwrap();
    assert_eq!(declared, by_hand);
    // The file round-trips, transport included; the well-mixed model ignores it.
    let again = sasp::model::Model::from_toml_str(&model.to_toml().unwrap(), "again.toml").unwrap();
    assert_eq!(again.spec().transport, model.spec().transport);
    let plain = sasp::models::iannello2013().unwrap();
    let (mut a, mut b) = (vec![0.0; 13], vec![0.0; 13]);
    model.rhs(0.0, &plain.initial_state(), &[1.0], &mut a).unwrap();
    plain.rhs(0.0, &plain.initial_state(), &[1.0], &mut b).unwrap();
    assert_eq!(a, b);
    // Mistakes point at their line.
    let line_of = |needle: &str, text: &str| text.lines().position(|l| l.contains(needle)).unwrap() + 1;
    let bad = format!("{base}{}", TRANSPORT.replace("signal = \"C2\"", "signal = \"CCL9\""));
    match sasp::model::Model::from_toml_str(&bad, "bad.toml") {
        Err(SaspError::File(FileError::At { line, source, .. })) => {
            let message = source.to_string();
            assert_eq!(line, line_of("CCL9", &bad), "{message}");
            assert!(message.contains("CCL9"), "{message}");
        }
        other => panic!("expected a located error, got {other:?}"),
    }
    let negative = format!("{base}{}", TRANSPORT.replace("diffusion = 0.03", "diffusion = -0.03"));
    assert!(sasp::model::Model::from_toml_str(&negative, "neg.toml").is_err());
    let twice = format!("{base}{TRANSPORT}{TRANSPORT}");
    assert!(sasp::model::Model::from_toml_str(&twice, "twice.toml").is_err());
    let typo = format!("{base}{}", TRANSPORT.replace("diffusion = 2.6", "difusion = 2.6"));
    assert!(matches!(
        sasp::model::Model::from_toml_str(&typo, "typo.toml"),
        Err(SaspError::File(FileError::Syntax { .. }))
    ));
}

#[test]
fn the_spatial_reference_model_is_the_well_mixed_model_in_every_box() {
    use sasp::space::slice::TumorSlice;
    // Same processes and parameters as the well-mixed file, except the box's
    // capacity K and the regularization T_eps; 11 transport declarations.
    let spatial = sasp::models::iannello2013_spatial(0.25).unwrap();
    let well_mixed = sasp::models::iannello2013().unwrap();
    assert_eq!(spatial.spec().processes, well_mixed.spec().processes);
    for p in &well_mixed.spec().parameters {
        let v = spatial.parameter(&p.name).unwrap();
        match p.name.as_str() {
            "K" => assert!((v - 0.25f64.powi(3)).abs() < 1e-15, "K = {v}"),
            "T_eps" => assert!((v - 0.01 * 0.25f64.powi(3)).abs() < 1e-17, "T_eps = {v}"),
            _ => assert_eq!(v, p.value, "{}", p.name),
        }
    }
    assert_eq!(spatial.spec().transport.len(), 11);
    assert!(sasp::models::iannello2013_spatial(0.0).is_err());
    // A uniform, fully occupied tumor in a closed box follows the well-mixed
    // model whose capacity is the box's: 14 days with p53 restored.
    let boxed = well_mixed
        .with_parameters(&[("K", spatial.parameter("K").unwrap()), ("T_eps", spatial.parameter("T_eps").unwrap())])
        .unwrap();
    let y_box = spatial.initial_state();
    let sys = boxed.system(&[1.0]).unwrap();
    let reference = solve(&sys, Method::Rodas5p.stepper(&sys, tight()).unwrap(), 0.0, &y_box, 14.0, &[14.0]).unwrap();
    let grid = Grid::new(&[4, 4], 0.25).unwrap();
    let transport = Transport::declared(&spatial, &grid).unwrap();
    let system = SpatialSystem::new(&spatial, grid, transport, &[1.0]).unwrap();
    let on_grid =
        solve(&system, Method::Rodas5p.stepper(&system, tight()).unwrap(), 0.0, &system.uniform(&y_box), 14.0, &[14.0])
            .unwrap();
    for (k, v) in on_grid.state(0).iter().enumerate() {
        let r = reference.state(0)[k % 13];
        assert!((v - r).abs() <= 1e-7 * r.abs().max(1e-3 * y_box[0]), "component {k}: {v} vs {r}");
    }
    // The slice's geometry: a disk of 0.9 occupancy, and its mistakes are errors.
    let slice = TumorSlice::new(32);
    let model = slice.model().unwrap();
    let system = slice.system(&model, &[1.0]).unwrap();
    let all = slice.occupancy().mapv(|_| 1.0);
    let y0 = slice.initial_state(&system, all.view()).unwrap();
    let area = slice.tumor_volume(&system, &y0).unwrap();
    assert!((area / (0.9 * std::f64::consts::PI * 2.8 * 2.8) - 1.0).abs() < 0.02, "tumor area {area}");
    assert_eq!(slice.deficient_volume(&system, &y0).unwrap(), 0.0);
    assert!(slice.initial_state(&system, all.mapv(|_| 1.5).view()).is_err());
    assert!(slice.initial_state(&system, sasp::ndarray::ArrayD::zeros(vec![3, 3]).view()).is_err());
    assert!(slice.clones(1.2, 0.1, 1).is_err() && slice.clones(0.5, 0.0, 1).is_err());
    // Clones: the same seed places them the same way and covers at least the fraction asked.
    for (f, r) in [(0.0, 0.2), (0.3, 0.1), (0.3, 0.8), (1.0, 0.4)] {
        let (a, covered) = slice.clones(f, r, 7).unwrap();
        let (b, _) = slice.clones(f, r, 7).unwrap();
        assert_eq!(a, b);
        assert!(covered >= f && covered <= f + 0.35, "f {f} r {r}: covered {covered}");
        let q0 = slice.deficient_volume(&system, &slice.initial_state(&system, a.view()).unwrap()).unwrap();
        assert!((q0 / area - (1.0 - covered)).abs() < 1e-9, "deficient share {}", q0 / area);
    }
}

#[test]
fn newton_krylov_matches_direct_bdf_on_the_slice_and_threads_do_not_change_results() {
    use sasp::space::slice::TumorSlice;
    // 24×24 boxes (7,488 unknowns), 3 days of p53 restoration at rtol 1e-6:
    // GMRES solves and sparse LU solves give the same answer to tolerance.
    let slice = TumorSlice::new(24);
    let model = slice.model().unwrap();
    let system = slice.system(&model, &[1.0]).unwrap();
    let y0 = slice.initial_state(&system, slice.occupancy().mapv(|_| 1.0).view()).unwrap();
    let options = slice.options(&model, 1e-6).unwrap();
    let run = |method: Method| {
        solve(&system, method.stepper(&system, options.clone()).unwrap(), 0.0, &y0, 3.0, &[3.0]).unwrap()
    };
    let (krylov, direct) = (run(Method::BdfKrylov), run(Method::Bdf));
    assert!(krylov.stats.linear_iterations > 0 && direct.stats.linear_iterations == 0);
    let k = model.parameter_canonical("K").unwrap();
    let m = model.dimension();
    for (i, (a, b)) in krylov.state(0).iter().zip(direct.state(0)).enumerate() {
        let scale = if model.kind(i % m).quantity() == Quantity::Cells { k } else { 1.0 };
        assert!((a - b).abs() < 1e-4 * scale, "component {i}: {a} vs {b}");
    }
    // Above the parallel threshold (64×64 boxes, 53,248 unknowns) one thread
    // and two give the same bits.
    let run = |threads: usize| {
        rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap().install(|| {
            let slice = TumorSlice::new(64);
            let model = slice.model().unwrap();
            let system = slice.system(&model, &[1.0]).unwrap();
            let y0 = slice.initial_state(&system, slice.occupancy().mapv(|_| 1.0).view()).unwrap();
            let options = slice.options(&model, 1e-4).unwrap();
            solve(&system, Method::BdfKrylov.stepper(&system, options).unwrap(), 0.0, &y0, 0.5, &[0.5]).unwrap()
        })
    };
    let (one, two) = (run(1), run(2));
    assert_eq!(one.stats, two.stats);
    assert_eq!(one.state(0), two.state(0));
}

#[test]
fn strang_splitting_converges_at_second_order_on_a_smooth_problem() {
    use sasp::space::split::strang;
    // U + V → 2V (0.5/(nM·day)), V → U (1/day); U diffuses at 0.1 mm²/day,
    // V at 0.01, on a 2 mm line of 40 cells, smooth start, 2 days. Strang
    // steps of 0.2, 0.1, 0.05 days against the unsplit solution at rtol 1e-10.
    let model = common::autocatalysis(1.0, 0.5);
    let (system, y0) = common::autocatalysis_line(&model);
    let opts = Options { rtol: 1e-11, atol: Tolerance::Scalar(1e-13), max_steps: 1_000_000, ..Options::default() };
    let exact = solve(&system, Method::Rodas5p.stepper(&system, opts.clone()).unwrap(), 0.0, &y0, 2.0, &[2.0]).unwrap();
    let error = |y: &[f64]| y.iter().zip(exact.state(0)).map(|(a, b)| (a - b).abs()).fold(0.0, f64::max);
    let errors: Vec<f64> =
        [0.2, 0.1, 0.05].iter().map(|&dt| error(&strang(&system, &y0, 0.0, 2.0, dt, &opts).unwrap().0)).collect();
    eprintln!("Strang errors: {errors:?}");
    for w in errors.windows(2) {
        let order = (w[0] / w[1]).log2();
        assert!((order - 2.0).abs() < 0.3, "order {order:.2} from {errors:?}");
    }
    assert!(strang(&system, &y0, 0.0, 2.0, 0.0, &opts).is_err());
    assert!(strang(&system, &y0[1..], 0.0, 2.0, 0.5, &opts).is_err());
}

#[test]
fn an_antibody_arm_runs_unchanged_on_a_uniform_grid() {
    use sasp::solve::{integrate, Plan};
    // The anti-CCL2 arm (doxycycline from day 0, antibody doses, binding and
    // pharmacokinetics) prepared on the well-mixed model, then run on one box
    // and on a uniform 2×3 grid with diffusing CCL2: every cell follows the box.
    let model = sasp::models::iannello2013().unwrap();
    let arm =
        sasp::experiment::paper::neutralization_arms().unwrap().into_iter().find(|a| a.name == "anti-CCL2").unwrap();
    let prepared = arm.prepare(&model, model.initial_time()).unwrap();
    let m = prepared.model.dimension();
    assert!(m > model.dimension(), "the arm adds antibody compartments");
    let (t0, t_end) = (model.initial_time(), 14.0);
    let stops: Vec<f64> = prepared.stop_times().into_iter().filter(|&t| t <= t_end).collect();
    let y_box = prepared.model.initial_state();
    let mut well_mixed = prepared.model.system(&prepared.model.default_inputs()).unwrap();
    let mut stepper = Method::Rodas5p.stepper(&well_mixed, tight()).unwrap();
    let last = [t_end];
    let plan = Plan::outputs(&last).stops(&stops);
    let reference = integrate(&mut stepper, &mut well_mixed, t0, &y_box, t_end, &plan, &mut |_, t, y, sys| {
        for (time, action) in &prepared.actions {
            if *time == t {
                action.apply(y, y.len(), |i, v| sys.set_input(i, v));
            }
        }
        Ok(())
    })
    .unwrap();
    let grid = Grid::new(&[2, 3], 0.2).unwrap();
    let transport = Transport::immobile(&prepared.model, &grid).diffusing(&prepared.model, "C2", 2.6).unwrap();
    let mut system = SpatialSystem::new(&prepared.model, grid, transport, &prepared.model.default_inputs()).unwrap();
    let y0 = system.uniform(&y_box);
    let mut stepper = Method::Rodas5p.stepper(&system, tight()).unwrap();
    let on_grid = integrate(&mut stepper, &mut system, t0, &y0, t_end, &plan, &mut |_, t, y, sys| {
        for (time, action) in &prepared.actions {
            if *time == t {
                sys.apply(action, y)?;
            }
        }
        Ok(())
    })
    .unwrap();
    let doses = prepared.actions.iter().filter(|(_, a)| matches!(a, sasp::intervene::TimedAction::Add { .. })).count();
    assert!(doses >= 5, "{doses} doses");
    for (k, v) in on_grid.y.iter().enumerate() {
        let r = reference.y[k % m];
        assert!((v - r).abs() <= 1e-7 * r.abs().max(1e-3), "component {k}: {v} vs {r}");
    }
    // A bad action is an error, not a panic.
    let bad = sasp::intervene::TimedAction::Add { compartment: m, amount: 1.0 };
    assert!(system.apply(&bad, &mut y0.clone()).is_err());
}

/// `[[transport]]` coefficients carry units: converted to mm²/day (and the
/// signal's canonical unit), a wrong dimension refused at build time.
#[test]
fn transport_coefficients_are_unit_checked() {
    let file = |diffusion_unit: &str, sensitivity_unit: &str| {
        format!(
            r#"
[model]
name = "chase"
[[compartment]]
name = "N"
kind = "nk.recruited"
unit = "Mcells"
initial = 1.0
[[compartment]]
name = "C"
kind = "chemokine.CCL2"
unit = "uM"
initial = 0.001
[[transport]]
compartment = "N"
diffusion = 1.0
unit = "{diffusion_unit}"
chemotaxis = {{ signal = "C", sensitivity = 2.0, {sensitivity_unit} saturation = 0.5 }}
"#
        )
    };
    let model = sasp::model::Model::from_toml_str(&file("um^2/s", ""), "<chase>").unwrap();
    let (d, chemotaxis) = model.transport_canonical(0).unwrap();
    assert!((d - 0.0864).abs() < 1e-15, "1 µm²/s = 0.0864 mm²/day, got {d}");
    let (chi, k) = chemotaxis.unwrap();
    // Sensitivity per µM of the signal (its declared unit) is 1/1000 per nM;
    // the saturation 0.5 µM is 500 nM.
    assert!((chi - 2e-3).abs() < 1e-18 && (k - 500.0).abs() < 1e-12, "{chi} {k}");
    let model = sasp::model::Model::from_toml_str(&file("mm^2/day", r#"unit = "mm^2/day/nM","#), "<chase>").unwrap();
    assert_eq!(model.transport_canonical(0).unwrap().1.unwrap().0, 2.0);
    for (d_unit, s_unit) in [("mm/day", ""), ("mm^2/day", r#"unit = "mm^2/day","#)] {
        let err = sasp::model::Model::from_toml_str(&file(d_unit, s_unit), "<chase>").unwrap_err();
        assert!(err.to_string().contains("unit mismatch in transport of 'N'"), "{err}");
    }
}
