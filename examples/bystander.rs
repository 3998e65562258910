//! The authors' open question, in space: when only a fraction `f` of the
//! tumor cells can restore p53, placed as clones of radius `r_c`, do the NK
//! cells that the senescent clones call in also clear the p53-deficient cells
//! around them?
//!
//! ```text
//! cargo run --release --example bystander [-- --cells 64 --seeds 1 --rtol 1e-4 --kill ratio]
//! ```
//!
//! `--kill saturating` applies the variant whose NK killing saturates in the
//! effector-to-target ratio (`models/iannello2013_saturating_kill.toml`) to
//! the slice's model, and writes `out/bystander_saturating/`.
//!
//! For f = 0, 0.1, …, 1 and r_c = 0.05, 0.1, 0.2, 0.4, 0.8 mm (clone centres
//! drawn uniformly in the tumor with fixed seeds, averaged over `--seeds`),
//! the reference slice runs 21 days with doxycycline from day 0. Writes
//! `out/bystander/bystander.csv` (one row per f, r_c and seed) and
//! `out/bystander/bystander.png`: the p53-deficient tumor left at day 21 as a
//! share of the p53-deficient tumor at day 0 (n/a at f = 1, where there is
//! none). Runs go in parallel; a
//! progress bar counts them. 64×64 boxes (125 µm: the smallest clones are one
//! box) take a few minutes on two cores with immobile tumor cells (the
//! default); with the tumor motion (`--motion`) one 64×64 run takes about ten
//! times longer (47 s against 4.6 s; docs/spatial.md); `--cells 128` resolves
//! 50 µm clones.

use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use sasp::model::Model;
use sasp::models;
use sasp::ndarray::Array2;
use sasp::solve::{solve, Method};
use sasp::space::slice::TumorSlice;
use std::fmt::Write as _;
use std::path::Path;
use std::process::ExitCode;

const FRACTIONS: usize = 11;
const RADII: [f64; 5] = [0.05, 0.1, 0.2, 0.4, 0.8];
const T_END: f64 = 21.0;

/// The bystander map on the reference slice.
#[derive(clap::Parser)]
struct Args {
    /// Boxes per side of the 8 mm slice.
    #[arg(long, default_value_t = 64, value_parser = clap::value_parser!(u16).range(8..=512))]
    cells: u16,
    /// Clone placements averaged per point of the map.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..))]
    seeds: u64,
    /// Relative tolerance.
    #[arg(long, default_value_t = 1e-4)]
    rtol: f64,
    /// Tumor cells pushed by their occupancy (mobility `TUMOR_MOBILITY`; about ten times the cost).
    #[arg(long)]
    motion: bool,
    /// NK killing: `ratio` (the reference model) or `saturating` (its variant).
    #[arg(long, default_value = "ratio", value_parser = ["ratio", "saturating"])]
    kill: String,
}

/// One run: clones covering `f` of the tumor, radius `r` (mm), `seed`.
/// Returns (covered fraction, p53-deficient mm² at day 0, at day 21, all tumor at day 21).
fn run_one(
    slice: &TumorSlice,
    model: &Model,
    f: f64,
    r: f64,
    seed: u64,
    rtol: f64,
) -> sasp::Result<(f64, f64, f64, f64)> {
    let system = slice.system(model, &[1.0])?;
    let (restorable, covered) = slice.clones(f, r, seed)?;
    let y0 = slice.initial_state(&system, restorable.view())?;
    let stepper = Method::BdfKrylov.stepper(&system, slice.options(model, rtol)?)?;
    let sol = solve(&system, stepper, 0.0, &y0, T_END, &[T_END])?;
    let y21 = sol.state(0);
    Ok((
        covered,
        slice.deficient_volume(&system, &y0)?,
        slice.deficient_volume(&system, y21)?,
        slice.tumor_volume(&system, y21)?,
    ))
}

fn run() -> Result<(), String> {
    let args: Args = clap::Parser::parse();
    let cells = usize::from(args.cells);
    let mobility = if args.motion { sasp::space::slice::TUMOR_MOBILITY } else { 0.0 };
    let slice = TumorSlice { mobility, ..TumorSlice::new(cells) };
    let mut model = slice.model().map_err(|e| e.to_string())?;
    let mut out = "out/bystander".to_string();
    if args.kill == "saturating" {
        model = model
            .with_variant_toml(models::IANNELLO2013_SATURATING_KILL_TOML, "models/iannello2013_saturating_kill.toml")
            .map_err(|e| e.to_string())?;
        out += "_saturating";
    }
    let fractions: Vec<f64> = (0..FRACTIONS).map(|k| k as f64 / (FRACTIONS - 1) as f64).collect();
    let jobs: Vec<(usize, usize, u64)> = (0..RADII.len())
        .flat_map(|i| (0..FRACTIONS).flat_map(move |j| (0..args.seeds).map(move |s| (i, j, s))))
        .collect();
    println!(
        "bystander map: {} runs of 21 days on {}×{} boxes ({:.0} µm)",
        jobs.len(),
        cells,
        cells,
        slice.spacing() * 1e3
    );
    let bar = ProgressBar::new(jobs.len() as u64);
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} runs, {elapsed} (eta {eta})")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let results: Vec<sasp::Result<(f64, f64, f64, f64)>> = jobs
        .par_iter()
        .map(|&(i, j, s)| {
            let r = run_one(&slice, &model, fractions[j], RADII[i], 1 + s, args.rtol);
            bar.inc(1);
            r
        })
        .collect();
    bar.finish_and_clear();
    let mut csv = String::from(
        "restorable_fraction,clone_radius_mm,seed,covered_fraction,deficient_day0_mm2,deficient_day21_mm2,tumor_day21_mm2\n",
    );
    let mut left = Array2::<f64>::zeros((RADII.len(), FRACTIONS));
    for (&(i, j, s), result) in jobs.iter().zip(results) {
        let (covered, q0, q21, t21) =
            result.map_err(|e| format!("f = {}, r_c = {} mm: {e}", fractions[j], RADII[i]))?;
        let _ = writeln!(csv, "{},{},{},{covered},{q0},{q21},{t21}", fractions[j], RADII[i], 1 + s);
        // With every cell restorable there is no p53-deficient tumor to speak of.
        left[(i, j)] += if q0 > 0.0 { q21 / q0 } else { f64::NAN } / args.seeds as f64;
    }
    println!("p53-deficient tumor at day 21 / at day 0 (rows r_c in mm, columns f):");
    print!("{:>8}", "r_c \\ f");
    for f in &fractions {
        print!("{f:>7.1}");
    }
    println!();
    for (i, r) in RADII.iter().enumerate() {
        print!("{r:>8.2}");
        for j in 0..FRACTIONS {
            let v = left[(i, j)];
            if v.is_finite() {
                print!("{v:>7.3}");
            } else {
                print!("{:>7}", "n/a");
            }
        }
        println!();
    }
    let out = Path::new(&out);
    sasp::output::write_atomic(&out.join("bystander.csv"), csv.as_bytes()).map_err(|e| e.to_string())?;
    sasp::plot::heatmap(
        left.view(),
        &fractions.iter().map(|f| format!("{f:.1}")).collect::<Vec<_>>(),
        &RADII.iter().map(|r| format!("{r} mm")).collect::<Vec<_>>(),
        ("fraction f of tumor cells that restore p53", "clone radius r_c"),
        "deficient left / at day 0",
        &format!("p53-deficient tumor left at day 21 ({}×{} slice, {} seed(s))", cells, cells, args.seeds),
        out.join("bystander.png"),
    )
    .map_err(|e| e.to_string())?;
    println!("wrote {}/bystander.csv and bystander.png", out.display());
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bystander: {e}");
            ExitCode::FAILURE
        }
    }
}
