//! Radially symmetric grids (`Grid::spherical`, `Grid::cylindrical`): the
//! finite volumes of the radial Laplacian against Crank's series solution
//! for a sphere and the steady parabolas of a sphere and a cylinder (measured
//! orders), exact conservation of `Σ V_c y_c` by diffusion, chemotaxis and
//! pressure-driven motion, the exact Jacobian against central differences,
//! a growing sphere's front at the porous-Fisher speed, the radial
//! reference spheroid against the 3D one, and bad input refused.

use crate::common;

use sasp::model::{Compartment, ModelBuilder, ProcessDecl, Provenance, Quantity, RateLaw};
use sasp::prelude::*;
use sasp::solve::{solve, OdeSystem};
use sasp::space::slice::TumorSlice;
use sasp::space::{Boundary, ChemotaxisScheme, Geometry, Grid, Limiter, SpatialSystem, Transport};
use std::f64::consts::PI;

fn tight() -> Options {
    Options { rtol: 1e-10, atol: Tolerance::Scalar(1e-12), max_steps: 1_000_000, ..Options::default() }
}

fn sci(values: &[f64]) -> String {
    values.iter().map(|v| format!("{v:.2e}")).collect::<Vec<_>>().join(", ")
}

fn orders(errors: &[f64]) -> Vec<f64> {
    errors.windows(2).map(|w| (w[0] / w[1]).log2()).collect()
}

/// `u`, made at the constant rate `q` (nM/day).
fn source(q: f64) -> sasp::model::Model {
    ModelBuilder::new("source")
        .compartment("u", Compartment::Other(Quantity::Concentration), "nM", 0.0)
        .parameter("q", q, "nM/day", Provenance::Assumed, "test")
        .process(ProcessDecl::new("made", RateLaw::constant("q")).change("u", 1.0))
        .build()
        .unwrap()
}

/// `u` diffusing (D = 1) on `grid`, held at `g` on the surface.
fn diffusing_to(model: &sasp::model::Model, grid: Grid, g: f64) -> SpatialSystem<'_> {
    let transport = Transport::immobile(model, &grid)
        .diffusing(model, "u", 1.0)
        .unwrap()
        .surface(model, "u", Boundary::Dirichlet(g))
        .unwrap();
    SpatialSystem::new(model, grid, transport, &[]).unwrap()
}

/// Crank (The Mathematics of Diffusion, eq. 6.18): a sphere of radius `R`
/// at 1 whose surface is held at 0 from `t = 0`,
/// `u(r, t) = (2R/πr) Σ_n (−1)^{n+1}/n · sin(nπr/R) · exp(−D n²π² t/R²)`.
fn crank_sphere(r: f64, t: f64) -> f64 {
    (1..=200)
        .map(|n| {
            let n = n as f64;
            let sign = if n as u64 % 2 == 1 { 1.0 } else { -1.0 };
            2.0 / (PI * r) * sign / n * (n * PI * r).sin() * (-n * n * PI * PI * t).exp()
        })
        .sum()
}

#[test]
fn diffusion_in_a_sphere_converges_at_second_order_to_the_series_solution() {
    let model = source(0.0);
    let t = 0.05;
    let errors: Vec<f64> = [20, 40, 80]
        .iter()
        .map(|&n| {
            let h = 1.0 / n as f64;
            let system = diffusing_to(&model, Grid::spherical(n, h).unwrap(), 0.0);
            let stepper = Method::Rodas5p.stepper(&system, tight()).unwrap();
            let sol = solve(&system, stepper, 0.0, &vec![1.0; n], t, &[t]).unwrap();
            (0..n).map(|i| (sol.state(0)[i] - crank_sphere((i as f64 + 0.5) * h, t)).abs()).fold(0.0, f64::max)
        })
        .collect();
    let p = orders(&errors);
    println!("sphere, Crank's series at t = {t}: max errors {} (20, 40, 80 shells), orders {p:.2?}", sci(&errors));
    // The series against Crank's own centre value (eq. 6.19):
    // u(0, t) = −2 Σ_n (−1)^n exp(−D n²π² t/R²) = 0.966 at t = 0.05.
    let centre: f64 = (1..=50).map(|n| -2.0 * (-1f64).powi(n) * (-f64::from(n * n) * PI * PI * t).exp()).sum();
    assert!((crank_sphere(1e-7, t) - centre).abs() < 1e-10 && (centre - 0.966).abs() < 1e-3, "{centre}");
    assert!(p.iter().all(|&p| (1.8..2.3).contains(&p)), "{p:?}");
    assert!(errors[2] < 2e-4, "{errors:?}");
}

#[test]
fn steady_sources_in_a_sphere_and_a_cylinder_meet_their_parabolas() {
    // D Δu + q = 0, u(R) = g: u = g + q (R² − r²)/(2 k' D), k' = 3 in a
    // sphere, 2 in a cylinder (R = 1, D = 1, q = 6, g = 0.5).
    let model = source(6.0);
    for (geometry, k) in [(Geometry::Spherical, 3.0), (Geometry::Cylindrical, 2.0)] {
        let exact = |r: f64| 0.5 + 6.0 * (1.0 - r * r) / (2.0 * k);
        let errors: Vec<f64> = [10, 20, 40]
            .iter()
            .map(|&n| {
                let h = 1.0 / n as f64;
                let grid = Grid { geometry, ..Grid::spherical(n, h).unwrap() };
                let system = diffusing_to(&model, grid, 0.5);
                let stepper = Method::Rodas5p.stepper(&system, tight()).unwrap();
                // Slowest mode e^{−λ₁ t}, λ₁ ≥ 5.7: at t = 10 it is below 1e-24.
                let sol = solve(&system, stepper, 0.0, &vec![0.0; n], 10.0, &[10.0]).unwrap();
                (0..n).map(|i| (sol.state(0)[i] - exact((i as f64 + 0.5) * h)).abs()).fold(0.0, f64::max)
            })
            .collect();
        let p = orders(&errors);
        println!("{geometry:?} steady parabola: max errors {} (10, 20, 40 shells), orders {p:.2?}", sci(&errors));
        assert!(p.iter().all(|&p| (1.8..2.3).contains(&p)), "{geometry:?} {p:?}");
        assert!(errors[2] < 1e-3, "{geometry:?} {errors:?}");
    }
}

/// Compartments `n`, `c` and `m` with no reactions.
fn tracers() -> sasp::model::Model {
    let mut b = ModelBuilder::new("tracers");
    for s in ["n", "c", "m"] {
        b = b.compartment(s, Compartment::Other(Quantity::Cells), "Mcells", 0.0);
    }
    b.build().unwrap()
}

/// `c` diffuses (0.4) and attracts `n` (MUSCL or upwind, saturating) and
/// `m`; `n` and `m` fill space together (capacity 2, mobility 0.3); `c` held
/// at `surface` on the surface when given, else zero flux.
fn everything(
    model: &sasp::model::Model,
    grid: Grid,
    scheme: ChemotaxisScheme,
    surface: Option<f64>,
) -> SpatialSystem<'_> {
    let mut transport = Transport::immobile(model, &grid)
        .diffusing(model, "c", 0.4)
        .unwrap()
        .saturating_chemotaxis(model, "n", "c", 0.7, 3.0)
        .unwrap()
        .chemotaxis(model, "m", "c", 0.2)
        .unwrap()
        .chemotaxis_scheme(scheme)
        .pressure_motion(model, &["n", "m"], 2.0, 0.3)
        .unwrap();
    if let Some(g) = surface {
        transport = transport.surface(model, "c", Boundary::Dirichlet(g)).unwrap();
    }
    SpatialSystem::new(model, grid, transport, &[]).unwrap()
}

const SCHEMES: [ChemotaxisScheme; 3] =
    [ChemotaxisScheme::Upwind, ChemotaxisScheme::Muscl(Limiter::Minmod), ChemotaxisScheme::Muscl(Limiter::VanLeer)];

/// Irregular positive fields (every limiter branch occurs).
fn irregular(system: &SpatialSystem) -> Vec<f64> {
    (0..system.dimension()).map(|k| 0.5 + (k as f64 * 0.737).sin().abs() * 4.0).collect()
}

#[test]
fn radial_transport_conserves_the_volume_integral_exactly() {
    let model = tracers();
    for grid in [Grid::spherical(30, 0.1).unwrap(), Grid::cylindrical(30, 0.1).unwrap()] {
        for scheme in SCHEMES {
            let system = everything(&model, grid.clone(), scheme, None);
            let y = irregular(&system);
            let mut dy = vec![0.0; system.dimension()];
            system.rhs(0.0, &y, &mut dy);
            for (s, name) in ["n", "c", "m"].iter().enumerate() {
                let (rate, scale) = (0..30).fold((0.0, 0.0), |(r, a), c| {
                    let v = grid.cell_volume(c);
                    (r + v * dy[3 * c + s], a + v * dy[3 * c + s].abs())
                });
                assert!(
                    rate.abs() <= 1e-13 * scale,
                    "{:?} {scheme:?} {name}: Σ V dy = {rate:e} of {scale:e}",
                    grid.geometry
                );
            }
            // And along a solution: the totals at t = 2 are those at 0.
            let stepper = Method::Rodas5p.stepper(&system, Options { rtol: 1e-6, ..tight() }).unwrap();
            let sol = solve(&system, stepper, 0.0, &y, 2.0, &[2.0]).unwrap();
            for name in ["n", "c", "m"] {
                let (before, after) = (system.total(&y, name).unwrap(), system.total(sol.state(0), name).unwrap());
                assert!(
                    (after / before - 1.0).abs() < 1e-11,
                    "{:?} {scheme:?} {name}: {before} → {after}",
                    grid.geometry
                );
            }
        }
    }
    // The total is the volume integral: a uniform field times the body's volume.
    let sphere = Grid::spherical(25, 0.2).unwrap();
    let system = everything(&model, sphere, SCHEMES[0], None);
    let total = system.total(&system.uniform(&[1.0, 2.0, 3.0]), "m").unwrap();
    assert!((total / (3.0 * 4.0 / 3.0 * PI * 125.0) - 1.0).abs() < 1e-14, "{total}");
    // Rim-enhanced vessels have mean 1 over the sphere's volume.
    let grid = Grid::spherical(25, 0.2).unwrap();
    let v = sasp::space::vessels::rim(&grid, 3.0, 0.5);
    let mean = v.iter().enumerate().map(|(c, x)| x * grid.cell_volume(c)).sum::<f64>() / (4.0 / 3.0 * PI * 125.0);
    assert!((mean - 1.0).abs() < 1e-14 && v[[24]] > v[[0]], "{mean} {v}");
}

#[test]
fn the_radial_jacobian_is_exact() {
    let model = tracers();
    for grid in [Grid::spherical(9, 0.1).unwrap(), Grid::cylindrical(9, 0.1).unwrap()] {
        for scheme in SCHEMES {
            for surface in [None, Some(0.25)] {
                let system = everything(&model, grid.clone(), scheme, surface);
                let error = common::sparse_jacobian_error(&system, &irregular(&system)).0;
                assert!(error < 5e-7, "{:?} {scheme:?} {surface:?}: {error:e}", grid.geometry);
            }
        }
    }
}

/// The radius of a sphere of `u = 1` growing by `u_t = κ ∇·(u ∇u) + g u (1
/// − u)` (κ = g = 1) from radius 5, on shells of width `h` out to 100, from
/// its volume `Σ u V_c` (the plateau is 1), at `times`.
fn sphere_radius(h: f64, times: &[f64]) -> Vec<f64> {
    let model = crate::growth::porous_fisher();
    let n = (100.0 / h).round() as usize;
    let grid = Grid::spherical(n, h).unwrap();
    let transport = Transport::immobile(&model, &grid).pressure_motion(&model, &["u"], 1.0, 1.0).unwrap();
    let system = SpatialSystem::new(&model, grid, transport, &[]).unwrap();
    let y0: Vec<f64> = (0..n).map(|i| if (i as f64 + 0.5) * h < 5.0 { 1.0 } else { 0.0 }).collect();
    // The front's kinks, not the tolerance, set the steps: rtol 1e-7 gives
    // the same radii to 5 digits in 3.5× the time.
    let rtol = 1e-5;
    let options = Options { rtol, atol: Tolerance::Scalar(rtol * 1e-2), max_steps: 1_000_000, ..Options::default() };
    let end = *times.last().unwrap();
    let sol = solve(&system, Method::Auto.stepper(&system, options).unwrap(), 0.0, &y0, end, times).unwrap();
    (0..times.len()).map(|k| (system.total(sol.state(k), "u").unwrap() * 3.0 / (4.0 * PI)).cbrt()).collect()
}

#[test]
fn a_growing_sphere_expands_at_the_porous_fisher_speed() {
    // The sharp front of the porous-Fisher equation moves at √(κ g / 2)
    // (Aronson 1980, Newman 1980) when flat. A sphere's front is slower by
    // its curvature, a deficit falling like 1/R; upwinding's numerical
    // diffusion adds O(h). Speeds over days 20–40 and 60–100 on shells of
    // 0.1 and 0.05 (0.05 and 0.025: 3.5× the time, 1.8e-3 from √(κg/2)), extrapolated to h → 0, then to 1/R → 0.
    let c = 0.5f64.sqrt();
    let times = [20.0, 40.0, 60.0, 100.0];
    let windows =
        |r: &[f64]| [((r[1] - r[0]) / 20.0, (r[0] + r[1]) / 2.0), ((r[3] - r[2]) / 40.0, (r[2] + r[3]) / 2.0)];
    let [coarse, fine] = [0.1, 0.05].map(|h| windows(&sphere_radius(h, &times)));
    let flat: Vec<(f64, f64)> = (0..2).map(|w| (2.0 * fine[w].0 - coarse[w].0, fine[w].1)).collect();
    let [(s1, r1), (s2, r2)] = [flat[0], flat[1]];
    let extrapolated = (s2 * r2 - s1 * r1) / (r2 - r1);
    println!(
        "sphere front: speeds (h = 0.1, 0.05) {:.5}, {:.5} at mean radius {r1:.1} and {:.5}, {:.5} at {r2:.1}; \
         at h → 0 {s1:.5}, {s2:.5} (deficits {:.2e}, {:.2e}: ratio {:.2}, 1/R ratio {:.2}); at 1/R → 0 \
         {extrapolated:.5} against √(κg/2) = {c:.5} ({:.1e})",
        coarse[0].0,
        fine[0].0,
        coarse[1].0,
        fine[1].0,
        c - s1,
        c - s2,
        (c - s1) / (c - s2),
        r2 / r1,
        extrapolated / c - 1.0
    );
    // Curvature slows the front, less as it grows, about as 1/R.
    assert!(s1 < s2 && s2 < c, "{flat:?}");
    assert!(((c - s1) / (c - s2) / (r2 / r1) - 1.0).abs() < 0.3, "{flat:?}");
    assert!((extrapolated / c - 1.0).abs() < 0.005, "{extrapolated}");
}

#[test]
fn the_radial_spheroid_follows_the_3d_spheroid() {
    // The 3D spheroid on 64³ boxes (docs/spatial.md, 274.5 s): tumor volume
    // relative to day 0 of 0.971 at day 2, 0.291 at day 7 and 0.0052 at day
    // 14 with p53 restored everywhere. The radial spheroid is the same
    // sphere without the cube's corners of host tissue and without the
    // staircase rim.
    let spheroid = TumorSlice::radial_spheroid(64);
    let model = spheroid.model().unwrap();
    let system = spheroid.system(&model, &[1.0]).unwrap();
    let y0 =
        spheroid.initial_state(&system, spheroid.occupancy().mapv(|o| if o > 0.0 { 1.0 } else { 0.0 }).view()).unwrap();
    let options = spheroid.options(&model, 1e-6).unwrap();
    let days = [2.0, 7.0, 14.0];
    let sol = solve(&system, Method::Auto.stepper(&system, options).unwrap(), 0.0, &y0, 14.0, &days).unwrap();
    let v0 = spheroid.tumor_volume(&system, &y0).unwrap();
    let relative: Vec<f64> = (0..3).map(|k| spheroid.tumor_volume(&system, sol.state(k)).unwrap() / v0).collect();
    println!("radial spheroid (64 shells): tumor at days 2, 7, 14 relative to day 0 {relative:.4?}; 3D 64³: [0.971, 0.291, 0.0052]");
    assert!((relative[0] / 0.971 - 1.0).abs() < 0.003, "{relative:?}");
    assert!((relative[1] / 0.291 - 1.0).abs() < 0.01, "{relative:?}");
    assert!((0.003..0.0065).contains(&relative[2]), "{relative:?}");
    // 13 species a shell: more than the block LU takes, and the band is
    // too wide for its storage rule: the sparse LU.
    let n = system.dimension();
    let solver = sasp::solve::IterationMatrix::new(&system.jacobian_structure(), n).solver().name();
    println!("radial spheroid: the default linear solver is {solver}");
    assert_eq!(solver, "sparse");
    // Newton–Krylov takes the shells too (its transport preconditioner
    // uses the mean face coefficient; GMRES absorbs the radial factors).
    let options = spheroid.options(&model, 1e-6).unwrap();
    let krylov = solve(&system, Method::BdfKrylov.stepper(&system, options).unwrap(), 0.0, &y0, 7.0, &[7.0]).unwrap();
    let day7 = spheroid.tumor_volume(&system, krylov.state(0)).unwrap() / v0;
    assert!((day7 / relative[1] - 1.0).abs() < 1e-3, "bdf-krylov {day7} against {}", relative[1]);
}

#[test]
fn radial_grids_refuse_what_they_cannot_mean() {
    let model = source(1.0);
    let sphere = Grid::spherical(10, 0.1).unwrap();
    // A condition at the centre (Transport::boundary sets every side).
    let transport = Transport::immobile(&model, &sphere).boundary(&model, "u", Boundary::Dirichlet(1.0)).unwrap();
    let e = SpatialSystem::new(&model, sphere.clone(), transport, &[]).unwrap_err().to_string();
    assert!(e.contains("centre") && e.contains("u") && e.contains("Transport::surface"), "{e}");
    let transport = Transport::immobile(&model, &sphere).boundary(&model, "u", Boundary::Periodic).unwrap();
    assert!(SpatialSystem::new(&model, sphere.clone(), transport, &[]).is_err());
    // A periodic surface has no opposite side.
    let e = Transport::immobile(&model, &sphere).surface(&model, "u", Boundary::Periodic).unwrap_err().to_string();
    assert!(e.contains("periodic"), "{e}");
    // A surface on a grid of more than one axis.
    let square = Grid::new(&[4, 4], 0.1).unwrap();
    let e = Transport::immobile(&model, &square).surface(&model, "u", Boundary::ZeroFlux).unwrap_err().to_string();
    assert!(e.contains("4 sides"), "{e}");
    // A radial geometry on two axes.
    let flat = Grid { geometry: Geometry::Spherical, ..Grid::new(&[4, 4], 0.1).unwrap() };
    let transport = Transport::immobile(&model, &flat);
    let e = SpatialSystem::new(&model, flat, transport, &[]).unwrap_err().to_string();
    assert!(e.contains("one radial axis"), "{e}");
    // No shells, or shells of no width.
    assert!(Grid::spherical(0, 0.1).is_err() && Grid::cylindrical(5, 0.0).is_err());
}
