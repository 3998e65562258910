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
//! box) take under a minute per seed on two cores with immobile tumor cells
//! (the default; 1 min 46 s for three seeds); the tumor motion (`--motion`)
//! costs many times more per run (docs/spatial.md); `--cells 128` resolves
//! 50 µm clones.
//!
//! ## With the parameters' uncertainty (`--draws N`)
//!
//! ```text
//! cargo run --release --example bystander -- --draws 32 [--kill saturating]
//!     [--fractions 0.5,0.8,0.9,0.95 --radii 0.1,0.4 --shard i/n | --merge]
//! ```
//!
//! Draws `N` parameter sets from the model's distributions of the eleven
//! parameters `bystander_odds` varies (the same sets: set `j` from random
//! stream (2026, `j`)), and for each set, fraction and clone radius runs the
//! slice 42 days with doxycycline from day 0, the clones placed with seed
//! `1 + j`. A continuum slice cannot count single cells, so a run *clears*
//! the p53-deficient cells when less than 1 % of their day-0 amount is left
//! (a hundredfold reduction, well above the solver's absolute tolerance of
//! 10⁻⁴ of a box's capacity). Printed and written to
//! `out/bystander_draws[_saturating]/summary.csv`, per fraction and radius:
//! P(cleared by day 21) and by day 42 with 95 % Wilson intervals, the median
//! share left at day 42 with its 5–95 % range (a share that the solver
//! leaves a hair below 0 counts as 0), and the Spearman rank
//! correlation of each parameter's logarithm with the log of the share left
//! at day 42; every run's numbers are in `runs-0-of-1.csv`.
//!
//! `--shard i/n` (or a SLURM array: `SLURM_ARRAY_TASK_ID`,
//! `SLURM_ARRAY_TASK_COUNT`) runs only the runs `k` with `k % n == i` and
//! writes `runs-i-of-n.csv` (a sweep part: `run` first, `status` last);
//! `--merge` then reads every `runs-*.csv` of the directory, checks them as
//! `sasp sweep merge` does (each run of the design there exactly once, rows
//! whole) and that they are this design's runs, and summarises them.

#[path = "common/mod.rs"]
mod common;

use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use sasp::gsa::{rank_correlation, wilson_interval};
use sasp::model::{Distribution, Model};
use sasp::models;
use sasp::ndarray::Array2;
use sasp::solve::{solve, Method};
use sasp::space::slice::TumorSlice;
use sasp::sweep::Shard;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
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
    /// Parameter sets drawn from the model's distributions (the study with
    /// uncertainty; without it, the map at the shipped parameters).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=100_000))]
    draws: Option<u64>,
    /// With `--draws`: the restorable fractions.
    #[arg(long, value_delimiter = ',', default_values_t = [0.5, 0.8, 0.9, 0.95])]
    fractions: Vec<f64>,
    /// With `--draws`: the clone radii (mm).
    #[arg(long, value_delimiter = ',', default_values_t = [0.1, 0.4])]
    radii: Vec<f64>,
    /// With `--draws`: run only shard `i/n` of the runs (0 ≤ i < n).
    #[arg(long, conflicts_with = "merge")]
    shard: Option<String>,
    /// With `--draws`: summarise the shards' files instead of running.
    #[arg(long)]
    merge: bool,
}

/// What [`run_one`] reads: the covered fraction, the p53-deficient mm² at
/// day 0, and at each day read the p53-deficient and all tumor mm².
type Reading = (f64, f64, Vec<(f64, f64)>);

/// One run: clones covering `f` of the tumor, radius `r` (mm), `seed`, read
/// at `days`.
fn run_one(
    slice: &TumorSlice,
    model: &Model,
    (f, r, seed): (f64, f64, u64),
    rtol: f64,
    days: &[f64],
) -> sasp::Result<Reading> {
    let system = slice.system(model, &[1.0])?;
    let (restorable, covered) = slice.clones(f, r, seed)?;
    let y0 = slice.initial_state(&system, restorable.view())?;
    let stepper = Method::BdfKrylov.stepper(&system, slice.options(model, rtol)?)?;
    let end = days.iter().copied().fold(0.0, f64::max);
    let sol = solve(&system, stepper, 0.0, &y0, end, days)?;
    let read = (0..days.len())
        .map(|k| Ok((slice.deficient_volume(&system, sol.state(k))?, slice.tumor_volume(&system, sol.state(k))?)))
        .collect::<sasp::Result<Vec<_>>>()?;
    Ok((covered, slice.deficient_volume(&system, &y0)?, read))
}

fn run() -> Result<(), String> {
    let args: Args = clap::Parser::parse();
    let cells = usize::from(args.cells);
    let mobility = if args.motion { sasp::space::slice::TUMOR_MOBILITY } else { 0.0 };
    let slice = TumorSlice { mobility, ..TumorSlice::new(cells) };
    let mut model = slice.model().map_err(|e| e.to_string())?;
    let reference = common::Reference::named(&args.kill)?;
    if reference.saturating {
        model = model
            .with_variant_toml(models::IANNELLO2013_SATURATING_KILL_TOML, "models/iannello2013_saturating_kill.toml")
            .map_err(|e| e.to_string())?;
    }
    if let Some(draws) = args.draws {
        let study = Draws::new(&args, &reference, &model, draws as usize)?;
        return study.run(&args, &slice, &model);
    }
    let out = format!("out/{}", reference.file("bystander"));
    let fractions: Vec<f64> = (0..FRACTIONS).map(|k| k as f64 / (FRACTIONS - 1) as f64).collect();
    let jobs: Vec<(usize, usize, u64)> = (0..RADII.len())
        .flat_map(|i| (0..FRACTIONS).flat_map(move |j| (0..args.seeds).map(move |s| (i, j, s))))
        .collect();
    // With f = 0 (no clone) and f = 1 (every tumor box restorable) the
    // state does not depend on the radius or the seed: one run each serves
    // every radius and seed of its column.
    let run_of = |(i, j, s): (usize, usize, u64)| if j == 0 || j == FRACTIONS - 1 { (0, j, 0) } else { (i, j, s) };
    let mut runs: Vec<(usize, usize, u64)> = jobs.iter().map(|&job| run_of(job)).collect();
    runs.sort_unstable();
    runs.dedup();
    println!(
        "bystander map: {} runs of 21 days on {}×{} boxes ({:.0} µm)",
        runs.len(),
        cells,
        cells,
        slice.spacing() * 1e3
    );
    let bar = progress(runs.len());
    let computed: Vec<sasp::Result<Reading>> = runs
        .par_iter()
        .map(|&(i, j, s)| {
            let r = run_one(&slice, &model, (fractions[j], RADII[i], 1 + s), args.rtol, &[T_END]);
            bar.inc(1);
            r
        })
        .collect();
    bar.finish_and_clear();
    let results = jobs.iter().map(|&job| match runs.binary_search(&run_of(job)) {
        Ok(k) => computed[k].as_ref().map_err(|e| e.to_string()),
        Err(_) => Err("no run for this job".to_string()),
    });
    let mut csv = String::from(
        "restorable_fraction,clone_radius_mm,seed,covered_fraction,deficient_day0_mm2,deficient_day21_mm2,tumor_day21_mm2\n",
    );
    let mut left = Array2::<f64>::zeros((RADII.len(), FRACTIONS));
    for (&(i, j, s), result) in jobs.iter().zip(results) {
        let (covered, q0, read) = result.map_err(|e| format!("f = {}, r_c = {} mm: {e}", fractions[j], RADII[i]))?;
        let (covered, q0) = (*covered, *q0);
        let (q21, t21) = read[0];
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

/// A progress bar over `n` runs.
fn progress(n: usize) -> ProgressBar {
    let bar = ProgressBar::new(n as u64);
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} runs, {elapsed} (eta {eta})")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar
}

/// The days at which the study with uncertainty reads its runs.
const DRAW_DAYS: [f64; 2] = [21.0, 42.0];
/// The share of the day-0 p53-deficient tumor below which a run clears it.
const CLEARED: f64 = 0.01;
/// The largest number of fractions or radii in a study.
const MOST_LEVELS: usize = 64;

/// One run of the study with uncertainty: a parameter set, a fraction and a
/// radius (indices).
#[derive(Clone, Copy, Debug, PartialEq)]
struct Job {
    draw: usize,
    fraction: usize,
    radius: usize,
}

/// What a run gives: the covered fraction and the p53-deficient mm² at day
/// 0 and at each of [`DRAW_DAYS`]; or why it failed.
type Outcome = Result<[f64; 4], String>;

/// The study with uncertainty (`--draws`): its design and where it writes.
struct Draws {
    parameters: Vec<&'static str>,
    sets: Vec<Vec<f64>>,
    fractions: Vec<f64>,
    radii: Vec<f64>,
    jobs: Vec<Job>,
    dir: PathBuf,
    rtol: f64,
}

impl Draws {
    /// The design of `args`, with `draws` parameter sets drawn from the
    /// distributions `model` declares for the bystander parameters.
    fn new(args: &Args, reference: &common::Reference, model: &Model, draws: usize) -> Result<Draws, String> {
        for (name, levels, ok) in [
            ("--fractions", &args.fractions, (|f: f64| f > 0.0 && f < 1.0) as fn(f64) -> bool),
            ("--radii", &args.radii, |r: f64| r.is_finite() && r > 0.0),
        ] {
            if levels.is_empty() || levels.len() > MOST_LEVELS {
                return Err(format!("{name} takes 1 to {MOST_LEVELS} values"));
            }
            if let Some(bad) = levels.iter().find(|&&x| !ok(x)) {
                return Err(format!("{name}: {bad} is out of range (fractions in (0, 1), radii positive mm)"));
            }
        }
        let parameters = reference.bystander_parameters();
        let distributions: Vec<Distribution> = parameters
            .iter()
            .map(|p| model.parameter_distribution(p))
            .collect::<sasp::Result<_>>()
            .map_err(|e| e.to_string())?;
        let sets = (0..draws).map(|j| common::parameter_set(&distributions, j)).collect();
        let (nf, nr) = (args.fractions.len(), args.radii.len());
        let jobs = (0..draws * nf * nr)
            .map(|k| Job { draw: k / (nf * nr), fraction: (k / nr) % nf, radius: k % nr })
            .collect();
        Ok(Draws {
            parameters,
            sets,
            fractions: args.fractions.clone(),
            radii: args.radii.clone(),
            jobs,
            dir: Path::new("out").join(reference.file("bystander_draws")),
            rtol: args.rtol,
        })
    }

    /// Runs this shard's runs and writes them; summarises when it is the
    /// only shard, or (`--merge`) summarises the shards' files.
    fn run(&self, args: &Args, slice: &TumorSlice, model: &Model) -> Result<(), String> {
        if args.merge {
            let outcomes = self.read_shards()?;
            return self.summarise(&outcomes, slice);
        }
        let shard = match &args.shard {
            Some(text) => Shard::parse(text),
            None => Shard::from_slurm().map(|s| s.unwrap_or(Shard { index: 0, count: 1 })),
        }
        .map_err(|e| e.to_string())?;
        let mine: Vec<usize> = (0..self.jobs.len()).filter(|k| k % shard.count == shard.index).collect();
        println!(
            "bystander with uncertainty: {} parameter sets × {} fractions × {} radii; shard {}/{}: {} runs of {} days on {}×{} boxes",
            self.sets.len(),
            self.fractions.len(),
            self.radii.len(),
            shard.index,
            shard.count,
            mine.len(),
            DRAW_DAYS[1],
            slice.cells,
            slice.cells
        );
        let bar = progress(mine.len());
        let done: Vec<Outcome> = mine
            .par_iter()
            .map(|&k| {
                let outcome = self.one(self.jobs[k], slice, model).map_err(|e| e.to_string());
                bar.inc(1);
                outcome
            })
            .collect();
        bar.finish_and_clear();
        let mut csv = self.header();
        for (&k, outcome) in mine.iter().zip(&done) {
            csv += &self.row(k, outcome);
        }
        let file = self.dir.join(format!("runs-{}-of-{}.csv", shard.index, shard.count));
        sasp::output::write_atomic(&file, csv.as_bytes()).map_err(|e| e.to_string())?;
        println!("wrote {}", file.display());
        if shard.count == 1 {
            self.summarise(&done, slice)
        } else {
            println!("when every shard is done: the same command with --merge in place of --shard");
            Ok(())
        }
    }

    /// One run on parameter set `job.draw`, clones placed with seed `1 + draw`.
    fn one(&self, job: Job, slice: &TumorSlice, model: &Model) -> sasp::Result<[f64; 4]> {
        let pairs: Vec<(&str, f64)> =
            self.parameters.iter().copied().zip(self.sets[job.draw].iter().copied()).collect();
        let model = model.with_parameters(&pairs)?;
        let design = (self.fractions[job.fraction], self.radii[job.radius], 1 + job.draw as u64);
        let (covered, q0, read) = run_one(slice, &model, design, self.rtol, &DRAW_DAYS)?;
        Ok([covered, q0, read[0].0, read[1].0])
    }

    /// The header of a shard's CSV: a sweep part's (`run` first, `status`
    /// last), so that [`sasp::sweep::merge`] checks the parts.
    fn header(&self) -> String {
        let mut h = String::from(
            "run,draw,restorable_fraction,clone_radius_mm,seed,covered_fraction,deficient_day0_mm2,deficient_day21_mm2,deficient_day42_mm2",
        );
        for p in &self.parameters {
            let _ = write!(h, ",{p}");
        }
        h + ",status\n"
    }

    /// Run `k`'s row: the design, the numbers (empty for a failed run), the
    /// parameter set, and `ok` or `failed: …`.
    fn row(&self, k: usize, outcome: &Outcome) -> String {
        let job = self.jobs[k];
        let mut row =
            format!("{k},{},{},{},{}", job.draw, self.fractions[job.fraction], self.radii[job.radius], 1 + job.draw);
        match outcome {
            Ok(numbers) => numbers.iter().for_each(|x| {
                let _ = write!(row, ",{x}");
            }),
            Err(_) => row.push_str(",,,,"),
        }
        for x in &self.sets[job.draw] {
            let _ = write!(row, ",{x}");
        }
        let status = match outcome {
            Ok(_) => "ok".to_string(),
            Err(e) => sasp::util::text::csv_field(&format!("failed: {}", e.replace(['\n', '\r'], " "))).into_owned(),
        };
        row + "," + &status + "\n"
    }

    /// Every run's outcome, in run order, from the `runs-*.csv` files of
    /// the output directory, merged as a sweep's parts (one header, whole
    /// rows, every run once: [`sasp::sweep::merge`]); refuses parts of
    /// another design.
    fn read_shards(&self) -> Result<Vec<Outcome>, String> {
        let entries = std::fs::read_dir(&self.dir).map_err(|e| format!("{}: {e}", self.dir.display()))?;
        let mut parts: Vec<(PathBuf, String)> = Vec::new();
        for path in entries.filter_map(|e| e.ok().map(|e| e.path())) {
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            if name.starts_with("runs-") && name.ends_with(".csv") {
                let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
                parts.push((path, text));
            }
        }
        parts.sort();
        let merged = sasp::sweep::merge(&parts).map_err(|e| e.to_string())?;
        let mut lines = merged.lines();
        if lines.next().map(|l| format!("{l}\n")) != Some(self.header()) {
            return Err("the shards are not of this design (another --kill or another version)".into());
        }
        let rows: Vec<&str> = lines.collect();
        if rows.len() != self.jobs.len() {
            return Err(format!("the shards hold {} runs, this design has {}", rows.len(), self.jobs.len()));
        }
        let columns = 9 + self.parameters.len();
        rows.iter()
            .zip(&self.jobs)
            .enumerate()
            .map(|(k, (line, job))| {
                let fields: Vec<&str> = line.splitn(columns + 1, ',').collect();
                let number = |i: usize| fields.get(i).and_then(|f| f.parse::<f64>().ok());
                let design = (number(1), number(2), number(3));
                let expected = (job.draw as f64, self.fractions[job.fraction], self.radii[job.radius]);
                if design != (Some(expected.0), Some(expected.1), Some(expected.2)) {
                    return Err(format!(
                        "run {k} is not set {}, f = {}, r_c = {} (another --draws, --fractions or --radii?)",
                        expected.0, expected.1, expected.2
                    ));
                }
                Ok(match [number(5), number(6), number(7), number(8)] {
                    [Some(a), Some(b), Some(c), Some(d)] => Ok([a, b, c, d]),
                    _ => Err(fields.get(columns).unwrap_or(&"").trim_matches('"').to_string()),
                })
            })
            .collect()
    }

    /// Prints and writes the summary of every run's outcome.
    fn summarise(&self, outcomes: &[Outcome], slice: &TumorSlice) -> Result<(), String> {
        let (nf, nr) = (self.fractions.len(), self.radii.len());
        let mut csv = String::from(
            "restorable_fraction,clone_radius_mm,runs,failed,p_cleared_day21,low21,high21,p_cleared_day42,low42,high42,share_left_day42_median,share_left_day42_p05,share_left_day42_p95",
        );
        for p in &self.parameters {
            let _ = write!(csv, ",spearman_{p}");
        }
        csv.push('\n');
        let mut p42 = Array2::<f64>::from_elem((nr, nf), f64::NAN);
        println!(
            "p53-deficient tumor cleared (< {} % of day 0 left), over {} parameter sets:",
            CLEARED * 100.0,
            self.sets.len()
        );
        println!(
            "{:>5} {:>7} {:>6} {:>22} {:>22} {:>26}  rank correlations with the share left at day 42",
            "f", "r_c mm", "failed", "P(cleared by d21)", "P(cleared by d42)", "share left d42 [5, 95 %]"
        );
        for (fi, f) in self.fractions.iter().enumerate() {
            for (ri, r) in self.radii.iter().enumerate() {
                // (parameter set, share left at day 21, at day 42) of the runs that succeeded.
                let done: Vec<(usize, f64, f64)> = self
                    .jobs
                    .iter()
                    .zip(outcomes)
                    .filter(|(job, _)| job.fraction == fi && job.radius == ri)
                    .filter_map(|(job, o)| match o {
                        // A share within the solver's tolerance below 0 counts as 0.
                        Ok([_, q0, q21, q42]) if *q0 > 0.0 => {
                            Some((job.draw, (q21 / q0).max(0.0), (q42 / q0).max(0.0)))
                        }
                        _ => None,
                    })
                    .collect();
                let n = done.len();
                let failed = self.sets.len() - n;
                let k21 = done.iter().filter(|d| d.1 < CLEARED).count();
                let k42 = done.iter().filter(|d| d.2 < CLEARED).count();
                let ((lo21, hi21), (lo42, hi42)) = (wilson_interval(k21, n), wilson_interval(k42, n));
                let (pr21, pr42) = (k21 as f64 / n as f64, k42 as f64 / n as f64);
                let mut shares: Vec<f64> = done.iter().map(|d| d.2).collect();
                shares.sort_by(f64::total_cmp);
                let level = |l: f64| {
                    if shares.is_empty() {
                        f64::NAN
                    } else {
                        shares[(l * (shares.len() - 1) as f64 + 0.5).floor() as usize]
                    }
                };
                let outcome: Vec<f64> = done.iter().map(|d| d.2.max(1e-12).log10()).collect();
                let rho: Vec<f64> = (0..self.parameters.len())
                    .map(|i| {
                        rank_correlation(&done.iter().map(|d| self.sets[d.0][i].ln()).collect::<Vec<_>>(), &outcome)
                    })
                    .collect();
                let mut order: Vec<usize> = (0..rho.len()).collect();
                order.sort_by(|&a, &b| rho[b].abs().total_cmp(&rho[a].abs()));
                let top: Vec<String> =
                    order.iter().take(3).map(|&i| format!("{} {:+.2}", self.parameters[i], rho[i])).collect();
                println!(
                    "{f:>5} {r:>7} {failed:>6} {pr21:>6.3} [{lo21:.3}, {hi21:.3}] {pr42:>6.3} [{lo42:.3}, {hi42:.3}] {:>8.3} [{:.3}, {:.3}]  {}",
                    level(0.5),
                    level(0.05),
                    level(0.95),
                    top.join(", ")
                );
                let _ = write!(
                    csv,
                    "{f},{r},{},{failed},{pr21},{lo21},{hi21},{pr42},{lo42},{hi42},{},{},{}",
                    self.sets.len(),
                    level(0.5),
                    level(0.05),
                    level(0.95)
                );
                for x in &rho {
                    let _ = write!(csv, ",{x}");
                }
                csv.push('\n');
                p42[(ri, fi)] = pr42;
            }
        }
        let summary = self.dir.join("summary.csv");
        sasp::output::write_atomic(&summary, csv.as_bytes()).map_err(|e| e.to_string())?;
        sasp::plot::heatmap(
            p42.view(),
            &self.fractions.iter().map(|f| format!("{f}")).collect::<Vec<_>>(),
            &self.radii.iter().map(|r| format!("{r} mm")).collect::<Vec<_>>(),
            ("fraction f of tumor cells that restore p53", "clone radius r_c"),
            "P(cleared by day 42)",
            &format!(
                "p53-deficient tumor cleared by day 42 ({}×{} slice, {} parameter sets)",
                slice.cells,
                slice.cells,
                self.sets.len()
            ),
            self.dir.join("cleared.png"),
        )
        .map_err(|e| e.to_string())?;
        println!("wrote {} and cleared.png", summary.display());
        Ok(())
    }
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
