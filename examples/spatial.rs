//! p53 restored everywhere in the spatial reference slice (a 2D section
//! through a ≈ 100 mm³ subcutaneous tumor; `docs/spatial.md`), or in the
//! whole tumor as a 3D spheroid (`--spheroid`) or as a radially symmetric
//! sphere on spherical shells (`--radial`).
//!
//! ```text
//! cargo run --release --example spatial [-- --cells 128 --rtol 1e-4]
//! cargo run --release --example spatial -- --spheroid [--cells 64]
//! cargo run --release --example spatial -- --radial [--cells 128 --motion]
//! ```
//!
//! Solves 21 days with doxycycline on from day 0 (BDF with Newton–Krylov
//! solves) and writes, under `out/spatial/`:
//! - `maps.png`: senescent fraction, CCL2 (nM) and NK cells (per mm³) at days
//!   0, 3, 7 and 14, each row on its own colour scale;
//! - `volume.png` and `volume.csv`: tumor volume relative to day 0 in the
//!   slice and in the well-mixed model, day by day;
//! - `fields.csv`: the three fields at those days, box by box.
//!
//! On 128×128 boxes (213k unknowns) the run takes under a minute here. With
//! `--spheroid` the same is written under `out/spheroid/`, the maps showing
//! the equatorial plane. With `--radial` (shells of the 4 mm radius, solved
//! by `auto`: well under a second) `out/radial/` holds `volume.png`,
//! `volume.csv`, radial profiles of the three fields at the map days
//! (`profiles.csv`) and one figure per field (`senescent.png`, `ccl2.png`,
//! `nk.png`).

use indicatif::{ProgressBar, ProgressStyle};
use sasp::ndarray::{Array2, Axis};
use sasp::solve::{integrate, Method, Options, Plan};
use sasp::space::slice::TumorSlice;
use sasp::space::SpatialSystem;
use std::fmt::Write as _;
use std::path::Path;
use std::process::ExitCode;

const MAP_DAYS: [f64; 4] = [0.0, 3.0, 7.0, 14.0];
const T_END: f64 = 21.0;

/// p53 restored everywhere in the spatial reference slice.
#[derive(clap::Parser)]
struct Args {
    /// Boxes per side of the 8 mm slice or cube (default 128 for the slice, 64 for the spheroid).
    #[arg(long, value_parser = clap::value_parser!(u16).range(8..=512))]
    cells: Option<u16>,
    /// The tumor as a sphere in an 8 mm cube instead of a disk in a square (at most 96 boxes per side).
    #[arg(long, conflicts_with = "radial")]
    spheroid: bool,
    /// The tumor as a radially symmetric sphere in a sphere of 8 mm
    /// diameter, on `--cells` spherical shells (default 128).
    #[arg(long)]
    radial: bool,
    /// Tumor cells pushed by their occupancy (mobility `TUMOR_MOBILITY`), so
    /// the tumor grows before clearance; costs far more with the present
    /// preconditioner (128×128: about 40 minutes; use `--cells 64`).
    #[arg(long)]
    motion: bool,
    /// Relative tolerance.
    #[arg(long, default_value_t = 1e-4)]
    rtol: f64,
}

/// Senescent fraction, CCL2 and NK per mm³ in every box of state `y` (in
/// the spheroid: of its equatorial plane; in the radial spheroid: one row
/// of its shells, centre first).
fn fields(slice: &TumorSlice, system: &SpatialSystem, y: &[f64]) -> sasp::Result<[Array2<f64>; 3]> {
    let n = slice.cells;
    let two = |name: &str| -> sasp::Result<Array2<f64>> {
        let field = system.field(y, name)?;
        // A radial profile is one row of the shells.
        let rows = if field.ndim() == 1 { 1 } else { n };
        let plane = if field.ndim() == 3 { field.index_axis(Axis(2), n / 2).to_owned() } else { field };
        Ok(plane.into_shape_with_order((rows, n)).expect("the slice is square"))
    };
    let (p, q, s) = (two("P")?, two("Q")?, two("S")?);
    let capacity = system.model().parameter_canonical("K")?;
    // Senescent share of the tumor cells, where there is tumor (1 % of a box or more).
    let mut senescent = Array2::zeros(p.dim());
    for ((i, j), v) in senescent.indexed_iter_mut() {
        let total = p[(i, j)] + q[(i, j)] + s[(i, j)];
        *v = if total > 0.01 * capacity { s[(i, j)] / total } else { 0.0 };
    }
    // 10⁶ cells per box → cells per mm³.
    let box_volume = slice.spacing().powi(3);
    let nk = (two("Nr")? + two("Na")?) * (1e6 / box_volume);
    Ok([senescent, two("C2")?, nk])
}

fn run() -> Result<(), String> {
    let Args { cells, rtol, spheroid, radial, motion } = clap::Parser::parse();
    let (slice, out, what) = if radial {
        let cells = usize::from(cells.unwrap_or(128));
        (TumorSlice::radial_spheroid(cells), Path::new("out/radial"), format!("radial spheroid of {cells} shells"))
    } else if spheroid {
        let cells = usize::from(cells.unwrap_or(64));
        if cells > 96 {
            return Err(format!("--spheroid takes at most 96 boxes per side ({cells}³ would need too much memory)"));
        }
        (TumorSlice::spheroid(cells), Path::new("out/spheroid"), format!("{cells}×{cells}×{cells} spheroid"))
    } else {
        let cells = usize::from(cells.unwrap_or(128));
        (TumorSlice::new(cells), Path::new("out/spatial"), format!("{cells}×{cells} slice"))
    };
    let slice = TumorSlice { mobility: if motion { sasp::space::slice::TUMOR_MOBILITY } else { 0.0 }, ..slice };
    let model = slice.model().map_err(|e| e.to_string())?;
    let mut system = slice.system(&model, &[1.0]).map_err(|e| e.to_string())?;
    let everywhere = slice.occupancy().mapv(|_| 1.0);
    let y0 = slice.initial_state(&system, everywhere.view()).map_err(|e| e.to_string())?;
    let days: Vec<f64> = (0..=T_END as usize).map(|d| d as f64).collect();
    println!("spatial reference {what}: boxes of {:.1} µm, {} unknowns", slice.spacing() * 1e3, y0.len());

    let bar = ProgressBar::new((T_END * 10.0) as u64);
    bar.set_style(
        ProgressStyle::with_template("{bar:40} day {msg}, {elapsed} (eta {eta})")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let progress = |t: f64| {
        bar.set_position((t * 10.0) as u64);
        bar.set_message(format!("{t:.1}"));
    };
    let start = std::time::Instant::now();
    // Newton–Krylov on 2D/3D grids; `auto` (Rodas5P with a direct sparse solve) on shells.
    let method = if radial { Method::Auto } else { Method::BdfKrylov };
    let mut stepper =
        method.stepper(&system, slice.options(&model, rtol).map_err(|e| e.to_string())?).map_err(|e| e.to_string())?;
    let plan = Plan::outputs(&days).progress(&progress);
    let run = integrate(&mut stepper, &mut system, 0.0, &y0, T_END, &plan, &mut |_, _, _, _| Ok(()))
        .map_err(|e| e.to_string())?;
    bar.finish_and_clear();
    let seconds = start.elapsed().as_secs_f64();
    let stats = run.solution.stats;
    if radial {
        println!("solved 21 days in {seconds:.3} s: {} steps, {} factorizations", stats.steps, stats.factorizations);
    } else {
        println!(
            "solved 21 days in {seconds:.1} s: {} steps ({} rejected), {} GMRES iterations in {} linear solves, {} preconditioner setups, {} Jacobians, {} right-hand sides",
            stats.steps,
            stats.rejected,
            stats.linear_iterations,
            stats.linear_solves,
            stats.factorizations,
            stats.jac_evals,
            stats.rhs_evals
        );
    }

    // The well-mixed model from the same day-0 composition.
    let well_mixed = sasp::models::iannello2013().map_err(|e| e.to_string())?;
    let day0 = sasp::prelude::simulate(&well_mixed, &[], 0.0, &[0.0], Method::Rodas5p, &Options::default())
        .map_err(|e| e.to_string())?
        .state(0)
        .to_vec();
    let wm_system = well_mixed.system(&[1.0]).map_err(|e| e.to_string())?;
    let wm = sasp::solve::solve(
        &wm_system,
        Method::Rodas5p.stepper(&wm_system, Options::default()).map_err(|e| e.to_string())?,
        0.0,
        &day0,
        T_END,
        &days,
    )
    .map_err(|e| e.to_string())?;
    let tumor = well_mixed.indices_where(|k| matches!(k, sasp::model::Compartment::Tumor(_)));
    let wm_volume = |k: usize| tumor.iter().map(|&s| wm.state(k)[s]).sum::<f64>();

    let sol = &run.solution;
    let v0 = slice.tumor_volume(&system, sol.state(0)).map_err(|e| e.to_string())?;
    let mut csv = String::from(if spheroid || radial {
        "day,spheroid_tumor_mm3,spheroid_relative,well_mixed_mm3,well_mixed_relative\n"
    } else {
        "day,slice_tumor_mm2,slice_relative,well_mixed_mm3,well_mixed_relative\n"
    });
    let (mut slice_curve, mut wm_curve) = (Vec::new(), Vec::new());
    println!(
        "{:>4} {:>16} {:>18}",
        "day",
        if spheroid || radial { "spheroid V/V0" } else { "slice V/V0" },
        "well-mixed V/V0"
    );
    for (k, &day) in sol.t.iter().enumerate() {
        let v = slice.tumor_volume(&system, sol.state(k)).map_err(|e| e.to_string())?;
        let (rel, wm_rel) = (v / v0, wm_volume(k) / wm_volume(0));
        let _ = writeln!(csv, "{day},{v},{rel},{},{wm_rel}", wm_volume(k));
        println!("{day:>4} {rel:>16.4} {wm_rel:>18.4}");
        slice_curve.push((day, rel));
        wm_curve.push((day, wm_rel));
    }

    let label = if radial {
        "radial spheroid"
    } else if spheroid {
        "3D spheroid"
    } else {
        "2D slice"
    };
    sasp::plot::lines(
        &[(&slice_curve, label), (&wm_curve, "well-mixed")],
        "Tumor volume after p53 restoration",
        "day",
        "volume / volume at day 0",
        out.join("volume.png"),
    )
    .map_err(|e| e.to_string())?;
    sasp::output::write_atomic(&out.join("volume.csv"), csv.as_bytes()).map_err(|e| e.to_string())?;
    if radial {
        return profiles(&slice, &system, sol, out);
    }

    let mut maps: Vec<[Array2<f64>; 3]> = Vec::new();
    let mut fields_csv = String::from("day,i,j,x_mm,y_mm,senescent_fraction,ccl2_nM,nk_per_mm3\n");
    for &day in &MAP_DAYS {
        let k = sol.t.iter().position(|&t| t == day).expect("map days are output days");
        let f = fields(&slice, &system, sol.state(k)).map_err(|e| e.to_string())?;
        for ((i, j), s) in f[0].indexed_iter() {
            let h = slice.spacing();
            let _ = writeln!(
                fields_csv,
                "{day},{i},{j},{},{},{s},{},{}",
                (i as f64 + 0.5) * h,
                (j as f64 + 0.5) * h,
                f[1][(i, j)],
                f[2][(i, j)]
            );
        }
        maps.push(f);
    }
    let rows: Vec<sasp::plot::FieldRow> = ["senescent fraction", "CCL2 (nM)", "NK cells per mm³"]
        .iter()
        .enumerate()
        .map(|(r, label)| sasp::plot::FieldRow { label, fields: maps.iter().map(|m| m[r].view()).collect() })
        .collect();
    let titles: Vec<String> = MAP_DAYS.iter().map(|d| format!("day {d}")).collect();
    sasp::plot::field_maps(
        &rows,
        &titles,
        slice.side,
        &format!("p53 restored at day 0 — {what} of 8 mm{}", if spheroid { ", equatorial plane" } else { "" }),
        out.join("maps.png"),
    )
    .map_err(|e| e.to_string())?;
    sasp::output::write_atomic(&out.join("fields.csv"), fields_csv.as_bytes()).map_err(|e| e.to_string())?;
    println!("wrote {}/maps.png, volume.png, volume.csv, fields.csv", out.display());
    Ok(())
}

/// The radial spheroid's fields against the radius at the map days:
/// `profiles.csv` and one figure per field.
fn profiles(
    spheroid: &TumorSlice,
    system: &SpatialSystem,
    sol: &sasp::solve::Solution,
    out: &Path,
) -> Result<(), String> {
    let h = spheroid.spacing();
    let mut curves: [Vec<Vec<(f64, f64)>>; 3] = Default::default();
    let mut csv = String::from("day,r_mm,senescent_fraction,ccl2_nM,nk_per_mm3\n");
    for &day in &MAP_DAYS {
        let k = sol.t.iter().position(|&t| t == day).expect("map days are output days");
        let f = fields(spheroid, system, sol.state(k)).map_err(|e| e.to_string())?;
        for (r, curve) in curves.iter_mut().enumerate() {
            curve.push(f[r].iter().enumerate().map(|(i, v)| ((i as f64 + 0.5) * h, *v)).collect());
        }
        for i in 0..spheroid.cells {
            let _ = writeln!(csv, "{day},{},{},{},{}", (i as f64 + 0.5) * h, f[0][(0, i)], f[1][(0, i)], f[2][(0, i)]);
        }
    }
    let titles: Vec<String> = MAP_DAYS.iter().map(|d| format!("day {d}")).collect();
    for (r, (label, file)) in
        [("senescent fraction", "senescent.png"), ("CCL2 (nM)", "ccl2.png"), ("NK cells per mm³", "nk.png")]
            .into_iter()
            .enumerate()
    {
        let series: Vec<(&[(f64, f64)], &str)> =
            curves[r].iter().zip(&titles).map(|(c, t)| (c.as_slice(), t.as_str())).collect();
        sasp::plot::lines(&series, &format!("{label}, p53 restored at day 0"), "radius (mm)", label, out.join(file))
            .map_err(|e| e.to_string())?;
    }
    sasp::output::write_atomic(&out.join("profiles.csv"), csv.as_bytes()).map_err(|e| e.to_string())?;
    println!("wrote {}/volume.png, volume.csv, profiles.csv, senescent.png, ccl2.png, nk.png", out.display());
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("spatial: {e}");
            ExitCode::FAILURE
        }
    }
}
