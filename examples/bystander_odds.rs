//! The authors' open question with its uncertainty (well-mixed model): when
//! only a fraction `f` of the tumor cells can restore p53, how likely is it
//! — over the parameters' uncertainty — that the NK cells the senescent
//! cells call in also eliminate the p53-deficient cells, and which
//! parameters decide it?
//!
//! ```text
//! cargo run --release --example bystander_odds [-- --runs 400]
//! ```
//!
//! For f = 0.5, 0.8, 0.9 and 0.95 (doxycycline from day 0), `--runs`
//! parameter sets are drawn from the model's distributions of the seven
//! fitted parameters and four that the question names (`k_sen`,
//! `sigma2_S`, `delta_Nr`, `g_NKG2D`; `Model::parameter_distribution`:
//! fitted ×/÷ 2, assumed and recalled ×/÷ 4, log-uniform), the same sets for
//! every f. Printed and written to `out/bystander_odds.csv`: the
//! probability that fewer than one p53-deficient cell is left at day 21 and
//! at day 42, with 95 % Wilson intervals, the nominal model's answer, and the
//! Spearman rank correlation of each parameter with the log of the cells
//! left at day 42; drawn in `out/bystander_odds.png` (the probabilities
//! against `f` with their intervals).
//!
//! Then the smallest change of one deciding parameter, the others at their
//! shipped values, that makes partial restoration work (fewer than one
//! p53-deficient cell at day 42): the factor on NK recruitment `rho_N`,
//! the NKG2D share of killing `g_NKG2D`, killing per NK cell `k_kill` (`d_kill`
//! with `--kill saturating`) and
//! CCL2 output per senescent cell `sigma2_S` (raised), or on the loss of
//! recruited and active NK cells `delta_Nr` and `delta_Na` (lowered), by
//! bisection on its logarithm within ×/÷ 100 (assuming elimination is
//! monotone in the parameter; both ends are checked). Printed and written
//! to `out/bystander_thresholds.csv`.

#[path = "common/mod.rs"]
mod common;

use common::KILL;
use rayon::prelude::*;
use sasp::experiment::Experiment;
use sasp::gsa::{rank_correlation, wilson_interval};
use sasp::intervene::{Arm, P53Restoration};
use sasp::model::{Compartment, Distribution, Model, TumorState};
use sasp::plot::figure::{Band, Dash, Figure, LineStyle, Panel, Series, OKABE_ITO};
use std::fmt::Write as _;
use std::process::ExitCode;

const FRACTIONS: [f64; 4] = [0.5, 0.8, 0.9, 0.95];
/// One cell, in the model's unit of cells (10⁶ cells).
const CELL: f64 = 1e-6;
/// The parameters whose threshold is sought, and whether raising (`true`)
/// or lowering them helps the NK cells.
const DECIDING: [(&str, bool); 6] =
    [("rho_N", true), ("g_NKG2D", true), (KILL, true), ("sigma2_S", true), ("delta_Nr", false), ("delta_Na", false)];
/// The largest factor searched.
const MOST: f64 = 100.0;

/// The smallest factor (≥ 1) by which raising (or dividing, when `raise`
/// is false) `parameter` alone eliminates the p53-deficient cells by day
/// 42, within [`MOST`]: `Ok(None)` when even [`MOST`] does not; 30
/// bisection steps on the logarithm (relative precision 5·10⁻⁹). The
/// flag says whether elimination also held at eight factors spread
/// log-evenly from the threshold to [`MOST`] (the monotonicity the
/// bisection assumes).
fn threshold(
    model: &Model,
    deficient: &str,
    f: f64,
    (parameter, raise): (&str, bool),
) -> sasp::Result<Option<(f64, bool)>> {
    let nominal = model.parameter(parameter)?;
    let eliminated = |log_factor: f64| -> sasp::Result<bool> {
        let factor = if raise { log_factor.exp() } else { (-log_factor).exp() };
        let m = model.with_parameter(parameter, nominal * factor)?;
        Ok(left(&m, deficient, f)?.1 < CELL)
    };
    let (mut low, mut high) = (0.0, MOST.ln());
    if eliminated(low)? {
        high = low;
    } else if !eliminated(high)? {
        return Ok(None);
    } else {
        for _ in 0..30 {
            let mid = 0.5 * (low + high);
            if eliminated(mid)? {
                high = mid;
            } else {
                low = mid;
            }
        }
    }
    let top = MOST.ln();
    let mut monotone = true;
    for k in 1..=8 {
        monotone &= eliminated(high + (top - high) * f64::from(k) / 8.0)?;
    }
    Ok(Some((high.exp(), monotone)))
}

/// P(eliminated by day 21 and 42) against the restorable fraction, each
/// with its 95 % Wilson interval as a band; `curve` as [`run`] collects it.
fn odds_figure(curve: &[[f64; 7]], runs: usize) -> Figure {
    let [_, orange, _, _, blue, ..] = OKABE_ITO;
    let mut panel = Panel::new(
        format!("over {runs} parameter sets (95 % intervals)"),
        vec![
            Series {
                label: "by day 21".into(),
                points: curve.iter().map(|c| (c[0], c[1])).collect(),
                style: LineStyle::new(blue, Dash::Solid),
            },
            Series {
                label: "by day 42".into(),
                points: curve.iter().map(|c| (c[0], c[4])).collect(),
                style: LineStyle::new(orange, Dash::Dashed),
            },
        ],
    );
    panel.bands = vec![
        Band { label: None, points: curve.iter().map(|c| (c[0], c[2], c[3])).collect(), colour: blue, opacity: 0.15 },
        Band { label: None, points: curve.iter().map(|c| (c[0], c[5], c[6])).collect(), colour: orange, opacity: 0.15 },
    ];
    panel.y_range = Some((0.0, 1.0));
    Figure {
        title: "Do the NK cells also eliminate the p53-deficient cells (fewer than one left)?".into(),
        x_label: "fraction f of tumor cells that can restore p53".into(),
        y_label: "probability over the parameter distribution".into(),
        log_y: false,
        panels: vec![panel],
        size: Some((1000, 680)),
    }
}

/// The p53-deficient cells left at days 21 and 42 with fraction `f`
/// restorable, on `model`.
fn left(model: &Model, deficient: &str, f: f64) -> sasp::Result<(f64, f64)> {
    let arm = Arm::new(&format!("f = {f}")).with(P53Restoration::at(0.0).restorable_fraction(f));
    let results = Experiment::new(model).arms([arm]).until(42.0).run()?;
    Ok((results[0].compartment_at(deficient, 21.0)?, results[0].compartment_at(deficient, 42.0)?))
}

fn run(runs: usize, reference: &common::Reference) -> sasp::Result<()> {
    let model = reference.model.clone();
    let named = |p: &'static str| if p == KILL { reference.kill_parameter() } else { p };
    let parameters = reference.bystander_parameters();
    let deciding: Vec<(&str, bool)> = DECIDING.iter().map(|&(p, raise)| (named(p), raise)).collect();
    let deficient = model.spec().compartments
        [model.indices_where(|k| k == Compartment::Tumor(TumorState::P53Deficient))[0]]
        .name
        .clone();
    let distributions: Vec<Distribution> =
        parameters.iter().map(|p| model.parameter_distribution(p)).collect::<sasp::Result<_>>()?;
    // The same parameter sets for every fraction: set j from stream (2026, j).
    let sets: Vec<Vec<f64>> = (0..runs).map(|j| common::parameter_set(&distributions, j)).collect();
    let start = std::time::Instant::now();
    let mut csv = String::from(
        "restorable_fraction,runs,failed,p_eliminated_day21,low21,high21,p_eliminated_day42,low42,high42,nominal_left_day21_cells,nominal_left_day42_cells",
    );
    for &p in &parameters {
        let _ = write!(csv, ",spearman_{p}");
    }
    csv.push('\n');
    println!(
        "{:>5} {:>24} {:>24} {:>16} {:>16}",
        "f", "P(eliminated by d21)", "P(eliminated by d42)", "nominal d21", "nominal d42"
    );
    // Per fraction: (f, P21, low, high, P42, low, high).
    let mut curve: Vec<[f64; 7]> = Vec::new();
    for f in FRACTIONS {
        let (n21, n42) = left(&model, &deficient, f)?;
        let outcomes: Vec<Option<(f64, f64)>> = sets
            .par_iter()
            .map(|values| {
                let pairs: Vec<(&str, f64)> = parameters.iter().copied().zip(values.iter().copied()).collect();
                let m = model.with_parameters(&pairs).ok()?;
                left(&m, &deficient, f).ok()
            })
            .collect();
        let done: Vec<(usize, (f64, f64))> =
            outcomes.iter().enumerate().filter_map(|(j, o)| o.map(|o| (j, o))).collect();
        let n = done.len();
        if n == 0 {
            return Err(sasp::SaspError::InvalidOptions(format!("every run failed at f = {f}")));
        }
        let k21 = done.iter().filter(|(_, o)| o.0 < CELL).count();
        let k42 = done.iter().filter(|(_, o)| o.1 < CELL).count();
        let (lo21, hi21) = wilson_interval(k21, n);
        let (lo42, hi42) = wilson_interval(k42, n);
        curve.push([f, k21 as f64 / n as f64, lo21, hi21, k42 as f64 / n as f64, lo42, hi42]);
        let outcome: Vec<f64> = done.iter().map(|(_, o)| (o.1.max(1e-12)).log10()).collect();
        let rho: Vec<f64> = (0..parameters.len())
            .map(|i| rank_correlation(&done.iter().map(|(j, _)| sets[*j][i].ln()).collect::<Vec<_>>(), &outcome))
            .collect();
        println!(
            "{f:>5} {:>8.3} [{lo21:.3}, {hi21:.3}] {:>8.3} [{lo42:.3}, {hi42:.3}] {:>10.3e} cells {:>10.3e} cells",
            k21 as f64 / n as f64,
            k42 as f64 / n as f64,
            n21 / CELL,
            n42 / CELL
        );
        let mut order: Vec<usize> = (0..parameters.len()).collect();
        order.sort_by(|&a, &b| rho[b].abs().total_cmp(&rho[a].abs()));
        let top: Vec<String> = order.iter().take(4).map(|&i| format!("{} {:+.2}", parameters[i], rho[i])).collect();
        println!("      cells left at d42, rank correlation: {}", top.join(", "));
        let _ = write!(
            csv,
            "{f},{runs},{},{},{lo21},{hi21},{},{lo42},{hi42},{},{}",
            runs - n,
            k21 as f64 / n as f64,
            k42 as f64 / n as f64,
            n21 / CELL,
            n42 / CELL
        );
        for r in &rho {
            let _ = write!(csv, ",{r}");
        }
        csv.push('\n');
    }
    println!("{} runs for each of {} fractions in {:.1} s", runs, FRACTIONS.len(), start.elapsed().as_secs_f64());
    let experiment = Experiment::new(&model)
        .arms([Arm::new("f = 0.9").with(P53Restoration::at(0.0).restorable_fraction(0.9))])
        .until(42.0);
    let results = experiment.run()?;
    common::write_csv(&reference.file("bystander_odds"), &csv, &experiment, &results)?;
    let path = format!("out/{}.png", reference.file("bystander_odds"));
    sasp::plot::figure::draw(&odds_figure(&curve, runs), &path)?;
    println!("wrote {path}");

    // One parameter at a time, the others shipped: how far must it move?
    let start = std::time::Instant::now();
    let cases: Vec<(f64, (&str, bool))> =
        FRACTIONS.iter().flat_map(|&f| deciding.iter().map(move |&d| (f, d))).collect();
    let found: Vec<Option<(f64, bool)>> = cases
        .par_iter()
        .map(|&(f, deciding)| threshold(&model, &deficient, f, deciding))
        .collect::<sasp::Result<_>>()?;
    println!("\nthe smallest change of one parameter (the others shipped) that eliminates the p53-deficient cells by day 42:");
    print!("{:>5}", "f");
    for &(p, raise) in &deciding {
        print!(" {:>14}", format!("{p} {}", if raise { "×" } else { "÷" }));
    }
    println!();
    let mut thresholds = String::from("restorable_fraction,parameter,direction,factor,eliminated_beyond_it_too\n");
    for (row, &f) in FRACTIONS.iter().enumerate() {
        print!("{f:>5}");
        for (k, (p, raise)) in deciding.iter().enumerate() {
            let factor = found[row * deciding.len() + k];
            match factor {
                Some((x, true)) => print!(" {x:>14.2}"),
                Some((x, false)) => print!(" {:>14}", format!("{x:.2}*")),
                None => print!(" {:>14}", format!("> {MOST}")),
            }
            let direction = if *raise { "multiply" } else { "divide" };
            let (value, monotone) =
                factor.map_or((format!(">{MOST}"), String::new()), |(x, m)| (x.to_string(), m.to_string()));
            let _ = writeln!(thresholds, "{f},{p},{direction},{value},{monotone}");
        }
        println!();
    }
    println!(
        "(* elimination fails again at some larger change)\n{} searches in {:.1} s",
        cases.len(),
        start.elapsed().as_secs_f64()
    );
    common::write_csv(&reference.file("bystander_thresholds"), &thresholds, &experiment, &results)?;
    Ok(())
}

fn main() -> ExitCode {
    common::main_with_runs("bystander_odds", 400, run)
}
