//! Will the last tumor cell die? The neutralization experiment's arms as
//! hybrid stochastic simulations (`sasp::ssa::hybrid`): cells are counted
//! one by one where they are few (below 100), chemokines and large
//! populations flow as ODEs.
//!
//! ```sh
//! cargo run --release --example extinction [-- --trajectories N --seed S --threshold θ --kill K]
//! ```
//!
//! `--kill saturating` runs the variant whose NK killing saturates in the
//! effector-to-target ratio (`sasp::models::iannello2013_saturating_kill`)
//! and writes `out/extinction_saturating/`; `ratio` (the default) is the
//! reference model.
//!
//! For each arm: the probability that every tumor cell, and every
//! proliferating (p53-off or p53-deficient) cell, is gone by day 21 and by
//! day 42, the distribution of the time to extinction, and the tumor's
//! median with its 5–95 % band. Then relapse: doxycycline withdrawn (p53
//! off again) at day 21 after an apparent cure, and in the control arm at
//! earlier days, with the probability that the tumor grows back to
//! 1 mm³ (10⁶ cells) by day 63. Prints one JSON line and writes
//! `out/extinction/` (CSV, plots).

#[path = "common/mod.rs"]
mod common;

use sasp::experiment::paper;
use sasp::intervene::{Arm, Intervention};
use sasp::plot::figure::{draw, Dash, Figure, LineStyle, Panel, Series};
use sasp::ssa::hybrid::{Hybrid, HybridOptions};
use sasp::ssa::Ensemble;
use std::fmt::Write as _;
use std::path::Path;
use std::process::ExitCode;

/// One cell in the model's unit (10⁶ cells).
const CELL: f64 = 1e-6;
/// What the ensembles report, in cells: all tumor cells, proliferating ones,
/// NK cells; and 1 where proliferating cells number 10⁶ (≈ 1 mm³) or more,
/// else 0 (its mean is the probability of regrowth).
const VARIABLES: [&str; 4] = ["tumor_cells", "proliferating_cells", "nk_cells", "regrown"];
/// Extinction sets: every tumor cell; every cell that can proliferate.
const SETS: [&str; 2] = ["T", "P+Q"];

struct Args {
    trajectories: usize,
    seed: u64,
    threshold: f64,
    kill: String,
}

fn args() -> Result<Args, String> {
    let mut a =
        Args { trajectories: 200, seed: 1, threshold: HybridOptions::default().threshold, kill: "ratio".into() };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().ok_or(format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--trajectories" => a.trajectories = value.parse().map_err(|e| format!("--trajectories {value}: {e}"))?,
            "--seed" => a.seed = value.parse().map_err(|e| format!("--seed {value}: {e}"))?,
            "--threshold" => a.threshold = value.parse().map_err(|e| format!("--threshold {value}: {e}"))?,
            "--kill" => a.kill = value,
            _ => return Err(format!("unknown option {flag} (--trajectories N, --seed S, --threshold θ, --kill K)")),
        }
    }
    Ok(a)
}

/// Runs one arm: statistics of [`VARIABLES`] at `days`, extinction of [`SETS`].
fn simulate(model: &sasp::model::Model, arm: &Arm, days: &[f64], a: &Args) -> sasp::Result<Ensemble> {
    let prepared = arm.prepare(model, model.initial_time())?;
    let options = HybridOptions {
        seed: a.seed,
        threshold: a.threshold,
        extinction: SETS.iter().map(|s| s.to_string()).collect(),
        ..HybridOptions::default()
    };
    let hybrid = Hybrid::for_arm(&prepared, &options)?;
    let m = hybrid.model();
    let (p, q, s) = (m.index_of("P")?, m.index_of("Q")?, m.index_of("S")?);
    let (nr, na) = (m.index_of("Nr")?, m.index_of("Na")?);
    let observe = move |_: f64, y: &[f64], out: &mut [f64]| {
        out[0] = (y[p] + y[q] + y[s]) / CELL;
        out[1] = (y[p] + y[q]) / CELL;
        out[2] = (y[nr] + y[na]) / CELL;
        out[3] = f64::from(u8::from(out[1] >= 1e6));
        Ok(())
    };
    let names: Vec<String> = VARIABLES.iter().map(|v| v.to_string()).collect();
    hybrid.ensemble_observed(days, a.trajectories, &names, &observe)
}

/// Quantile `q` of the finite extinction times of set `e` (NaN if none).
fn time_quantile(runs: &Ensemble, e: usize, q: f64) -> f64 {
    let mut t: Vec<f64> = runs.extinction_times(e).filter(|t| t.is_finite()).collect();
    if t.is_empty() {
        return f64::NAN;
    }
    t.sort_by(f64::total_cmp);
    t[((q * t.len() as f64).ceil() as usize).clamp(1, t.len()) - 1]
}

/// The arm with p53 switched off again (doxycycline withdrawn) at `day`.
fn withdrawn(arm: &Arm, day: f64) -> Arm {
    let mut arm = arm.clone().named(&format!("{} (dox off day {day})", arm.name));
    for i in &mut arm.interventions {
        if let Intervention::P53Restoration(r) = i {
            *i = Intervention::P53Restoration(r.clone().until(day));
        }
    }
    arm
}

fn run() -> sasp::Result<()> {
    let a = args().map_err(sasp::SaspError::InvalidOptions)?;
    let reference = common::Reference::named(&a.kill).map_err(sasp::SaspError::InvalidOptions)?;
    let model = reference.model.clone();
    let dir_name = format!("out/{}", reference.file("extinction"));
    let dir = Path::new(&dir_name);
    let days: Vec<f64> = (0..=84).map(|k| f64::from(k) * 0.5).collect();
    let at = |day: f64| days.iter().position(|&d| d == day).expect("an output day");
    let arms = paper::neutralization_arms()?;
    let start = std::time::Instant::now();
    let mut csv = String::from(
        "arm,trajectories,p_all_gone_day21,p_all_gone_day42,p_no_proliferating_day21,p_no_proliferating_day42,\
         all_gone_day_p05,all_gone_day_median,all_gone_day_p95,no_proliferating_day_p05,no_proliferating_day_median,\
         no_proliferating_day_p95,proliferating_cells_day42_median,proliferating_cells_day42_p05,\
         proliferating_cells_day42_p95\n",
    );
    println!(
        "{:>14} {:>9} {:>9} {:>9} {:>9} {:>30} {:>24}",
        "arm",
        "P(T=0)21",
        "P(T=0)42",
        "P(PQ=0)21",
        "P(PQ=0)42",
        "day PQ=0 5%/50%/95% (if by 42)",
        "PQ cells d42 50% [5-95%]"
    );
    let mut json = serde_json::Map::new();
    let mut results = Vec::new();
    for arm in &arms {
        let runs = simulate(&model, arm, &days, &a)?;
        let (k21, k42) = (at(21.0), at(42.0));
        let e = [0.05, 0.5, 0.95].map(|q| time_quantile(&runs, 0, q));
        let ep = [0.05, 0.5, 0.95].map(|q| time_quantile(&runs, 1, q));
        let p42 = [0.5, 0.05, 0.95].map(|q| runs.quantile(k42, 1, q));
        println!(
            "{:>14} {:>9.3} {:>9.3} {:>9.3} {:>9.3} {:>9.3} {:>9.3} {:>9.3}  {:>9.0} [{:.0}–{:.0}]",
            arm.name,
            runs.extinction(k21, 0),
            runs.extinction(k42, 0),
            runs.extinction(k21, 1),
            runs.extinction(k42, 1),
            ep[0],
            ep[1],
            ep[2],
            p42[0],
            p42[1],
            p42[2]
        );
        let cells = |x: [f64; 3]| x.map(|v| format!("{v}")).join(",");
        let _ = writeln!(
            csv,
            "{},{},{},{},{},{},{},{},{}",
            arm.name,
            a.trajectories,
            runs.extinction(k21, 0),
            runs.extinction(k42, 0),
            runs.extinction(k21, 1),
            runs.extinction(k42, 1),
            cells(e),
            cells(ep),
            cells(p42)
        );
        let finite = |x: [f64; 3]| x.map(|v| if v.is_finite() { Some(v) } else { None });
        json.insert(
            arm.name.clone(),
            serde_json::json!({
                "p_all_gone": [runs.extinction(k21, 0), runs.extinction(k42, 0)],
                "p_no_proliferating": [runs.extinction(k21, 1), runs.extinction(k42, 1)],
                "all_gone_day_quantiles": finite(e),
                "no_proliferating_day_quantiles": finite(ep),
                "proliferating_cells_day42_quantiles": [p42[1], p42[0], p42[2]],
            }),
        );
        results.push((arm.name.clone(), runs));
    }
    // Relapse: doxycycline withdrawn at day 21 in every arm, and earlier in
    // the control arm; relapse = 10⁶ proliferating cells (≈ 1 mm³) by day 63.
    let late: Vec<f64> = (0..=252).map(|k| f64::from(k) * 0.25).collect();
    let k63 = late.len() - 1;
    let regrown = |runs: &Ensemble| runs.mean(k63, 3);
    let mut relapse_rows = String::from("arm,withdrawal_day,p_no_proliferating_at_withdrawal,p_relapse_day63\n");
    println!("\nrelapse: doxycycline withdrawn, P(no proliferating cell at withdrawal), P(≥ 10⁶ proliferating cells at day 63)");
    let mut relapse_json = serde_json::Map::new();
    let control = arms.iter().find(|a| a.name == "control").expect("the control arm");
    let mut scan = Vec::new();
    let mut plans: Vec<(&Arm, f64)> = arms.iter().filter(|a| a.name != "p53 off").map(|a| (a, 21.0)).collect();
    plans.extend([2.0, 3.0, 4.0, 4.05, 4.1, 4.15, 4.2, 4.25, 5.0, 8.0].map(|d| (control, d)));
    for (arm, day) in plans {
        let runs = simulate(&model, &withdrawn(arm, day), &late, &a)?;
        let k = late.partition_point(|&t| t < day).min(k63);
        let (gone, relapse) = (runs.extinction(k, 1), regrown(&runs));
        println!("{:>14} day {day:>5}: {gone:>6.3} {relapse:>6.3}", arm.name);
        let _ = writeln!(relapse_rows, "{},{day},{gone},{relapse}", arm.name);
        relapse_json.insert(format!("{} day {day}", arm.name), serde_json::json!([gone, relapse]));
        if arm.name == "control" {
            scan.push((day, relapse));
        }
    }
    write(dir, "extinction.csv", &csv)?;
    write(dir, "relapse.csv", &relapse_rows)?;
    plots(dir, &days, &results, &scan)?;
    json.insert("relapse".into(), serde_json::Value::Object(relapse_json));
    json.insert("trajectories".into(), a.trajectories.into());
    json.insert("seed".into(), a.seed.into());
    json.insert("threshold".into(), a.threshold.into());
    json.insert("seconds".into(), start.elapsed().as_secs_f64().into());
    println!("{}", serde_json::Value::Object(json));
    println!("wrote {dir_name}/ (extinction.csv, relapse.csv, tumor_bands.png, extinction.png, extinction_times.png, relapse.png)");
    Ok(())
}

fn write(dir: &Path, name: &str, text: &str) -> sasp::Result<()> {
    sasp::util::files::write_atomic(&dir.join(name), text.as_bytes())
}

fn plots(dir: &Path, days: &[f64], results: &[(String, Ensemble)], scan: &[(f64, f64)]) -> sasp::Result<()> {
    let shown = ["control", "anti-CCL2", "NKG2D-null", "NK-depleted"];
    let mut bands = Vec::new();
    let mut extinct = Vec::new();
    for (k, (name, runs)) in results.iter().filter(|(n, _)| shown.contains(&n.as_str())).enumerate() {
        let colour = LineStyle::nth(k).colour;
        for (q, dash, label) in [
            (0.5, Dash::Solid, format!("{name}: median")),
            (0.05, Dash::Dotted, format!("{name}: 5 %")),
            (0.95, Dash::Dotted, format!("{name}: 95 %")),
        ] {
            let points = days.iter().enumerate().map(|(j, &d)| (d, runs.quantile(j, 0, q).max(0.5))).collect();
            bands.push(Series { label, points, style: LineStyle::new(colour, dash) });
        }
        for (e, dash, what) in [(0, Dash::Solid, "all tumor cells"), (1, Dash::Dashed, "proliferating cells")] {
            let points = days.iter().enumerate().map(|(j, &d)| (d, runs.extinction(j, e))).collect();
            extinct.push(Series { label: format!("{name}: {what}"), points, style: LineStyle::new(colour, dash) });
        }
    }
    let figure = |title: &str, y: &str, log_y, panels| Figure {
        title: title.into(),
        x_label: "days after p53 restoration".into(),
        y_label: y.into(),
        log_y,
        panels,
        size: Some((1100, 700)),
    };
    draw(
        &figure(
            "Tumor cells, hybrid stochastic simulation: median (solid) and 5–95 % (dotted)",
            "tumor cells (0 drawn at 0.5)",
            true,
            vec![Panel::new("", bands)],
        ),
        dir.join("tumor_bands.png"),
    )?;
    let mut panel = Panel::new("", extinct);
    panel.y_range = Some((0.0, 1.05));
    draw(
        &figure("Probability that the tumor is extinct by day t", "probability", false, vec![panel]),
        dir.join("extinction.png"),
    )?;
    // Histograms of the extinction times of every tumor cell, in seconds
    // from each arm's median (the spread is seconds, the medians days apart).
    let mut histograms = Vec::new();
    for (k, (name, runs)) in results.iter().enumerate() {
        let mut t: Vec<f64> = runs.extinction_times(0).filter(|t| t.is_finite()).collect();
        if t.len() < 2 {
            continue;
        }
        t.sort_by(f64::total_cmp);
        let median = t[t.len() / 2];
        let seconds: Vec<f64> = t.iter().map(|x| (x - median) * 86_400.0).collect();
        let (lo, hi) = (seconds[0], seconds[seconds.len() - 1]);
        let bins = 25;
        let width = ((hi - lo) / bins as f64).max(1e-9);
        let mut counts = vec![0usize; bins];
        for m in &seconds {
            counts[(((m - lo) / width) as usize).min(bins - 1)] += 1;
        }
        let mut points = Vec::new();
        for (b, &c) in counts.iter().enumerate() {
            let density = c as f64 / seconds.len() as f64;
            points.push((lo + b as f64 * width, density));
            points.push((lo + (b + 1) as f64 * width, density));
        }
        let label = format!("{name} (median day {median:.3}, n = {})", t.len());
        histograms.push(Series { label, points, style: LineStyle::nth(k) });
    }
    if !histograms.is_empty() {
        let mut f = figure(
            "When does the last tumor cell die? Extinction times around each arm's median",
            "fraction of trajectories per bin",
            false,
            vec![Panel::new("", histograms)],
        );
        f.x_label = "seconds from the arm's median extinction time".into();
        draw(&f, dir.join("extinction_times.png"))?;
    }
    let mut panel =
        Panel::new("", vec![Series { label: "control arm".into(), points: scan.to_vec(), style: LineStyle::nth(0) }]);
    panel.y_range = Some((0.0, 1.05));
    let mut f = figure(
        "Relapse (≥ 10⁶ proliferating cells by day 63) when doxycycline is withdrawn",
        "probability of relapse",
        false,
        vec![panel],
    );
    f.x_label = "day doxycycline is withdrawn (p53 off again)".into();
    draw(&f, dir.join("relapse.png"))
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("extinction: {e}");
            ExitCode::FAILURE
        }
    }
}
