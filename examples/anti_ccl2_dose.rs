//! Anti-CCL2 dose–response with its uncertainty: NK infiltration at day 5
//! and tumor volume at days 14 and 21 against the antibody dose (10–100 µg
//! every 2 days) and against the day treatment starts, each with its median
//! and 90 % band over the fitted parameters' distributions.
//!
//! ```text
//! cargo run --release --example anti_ccl2_dose [-- --runs 200]
//! ```
//!
//! The arms: p53 restored at day 0 and anti-CCL2 every 2 days to day 21 at
//! 10, 20, 50 and 100 µg (33, 66, 165 and 330 nM into the 2 mL i.p. depot,
//! 100 µg ≈ 330 nM as in the paper's arms) from day −1, and 100 µg from
//! day 1, 3 and 5; the control arm (isotype) for reference. The bands are
//! [`sasp::sweep::bands`] over `--runs` draws of the seven fitted `[F]`
//! parameters (log-uniform ×/÷ 2). Printed, and written to
//! `out/anti_ccl2_dose.csv`; drawn in `out/anti_ccl2_dose.png` (against the
//! dose, from day −1) and `out/anti_ccl2_dose_start.png` (100 µg, against
//! the first day): the shipped parameters' values, the median and the 90 %
//! band, with the control arm's value drawn across.

#[path = "common/mod.rs"]
mod common;

use sasp::experiment::Experiment;
use sasp::intervene::{Antibody, Arm, DoseSchedule, P53Restoration};
use sasp::model::{Chemokine, Provenance};
use sasp::plot::figure::{Band, Dash, Figure, Floor, LineStyle, Panel, Series, OKABE_ITO};
use sasp::plot::paper::FLOOR_MM3;
use std::fmt::Write as _;
use std::process::ExitCode;

/// nM in the depot per µg of antibody (330 nM ≈ 100 µg in 2 mL).
const NM_PER_UG: f64 = 3.3;
const DOSES_UG: [f64; 4] = [10.0, 20.0, 50.0, 100.0];
const STARTS: [f64; 3] = [1.0, 3.0, 5.0];
const LEVELS: [f64; 3] = [0.05, 0.5, 0.95];

fn arms() -> Vec<(String, Arm)> {
    let anti = |ug: f64, first: f64| {
        Arm::new(&format!("{ug} µg from day {first}"))
            .with(P53Restoration::at(0.0))
            .with(Antibody::neutralizing(Chemokine::CCL2, DoseSchedule::repeated(ug * NM_PER_UG, first, 2.0, 21.0)))
    };
    let mut arms = vec![(
        "control (isotype)".to_string(),
        Arm::new("control (isotype)")
            .with(P53Restoration::at(0.0))
            .with(Antibody::isotype(DoseSchedule::repeated(330.0, -1.0, 2.0, 21.0))),
    )];
    arms.extend(DOSES_UG.iter().map(|&ug| (format!("{ug} µg from day -1"), anti(ug, -1.0))));
    arms.extend(STARTS.iter().map(|&first| (format!("100 µg from day {first}"), anti(100.0, first))));
    arms
}

fn run(runs: usize, reference: &common::Reference) -> sasp::Result<()> {
    let model = reference.model.clone();
    let arms = arms();
    let experiment = Experiment::new(&model).arms(arms.iter().map(|a| a.1.clone())).until(21.0);
    let results = experiment.run()?;
    let fitted = sasp::sweep::tagged_parameters(&model, Provenance::Fitted)?;
    let start = std::time::Instant::now();
    let observables = ["nk_per_mm3", "tumor_volume_mm3"];
    let bands = sasp::sweep::bands(&experiment, &fitted, &observables, runs, 7, &LEVELS)?;
    let mut csv = String::from("arm,quantity,day,shipped,q05,q50,q95\n");
    // Per arm, per quantity: (shipped, q05, q50, q95).
    let mut table: Vec<Vec<[f64; 4]>> = Vec::new();
    println!(
        "{:<22} {:>30} {:>30} {:>30}",
        "arm", "NK/mm³ day 5 [5–95 %]", "volume day 14 mm³ [5–95 %]", "volume day 21 mm³ [5–95 %]"
    );
    for (r, b) in results.iter().zip(&bands.arms) {
        let mut line = format!("{:<22}", r.name);
        let mut row = Vec::new();
        for (observable, day) in QUANTITIES {
            let shipped = r.value(observable, day)?;
            let k = r.index_of_day(day).ok_or(sasp::SaspError::NoSample { arm: r.name.clone(), day })?;
            let q = &b.observables.iter().find(|o| o.0 == observable).expect("requested").1[k];
            let _ = write!(line, " {:>9.1} [{:>7.1}, {:>7.1}]", q[1], q[0], q[2]);
            row.push([shipped, q[0], q[1], q[2]]);
            let _ = writeln!(
                csv,
                "{},{observable},{day},{shipped},{},{},{}",
                sasp::util::text::csv_field(&r.name),
                q[0],
                q[1],
                q[2]
            );
        }
        println!("{line}");
        table.push(row);
    }
    println!(
        "(median and 5–95 % over {} draws of the fitted parameters, {} failed, in {:.1} s)",
        bands.runs,
        bands.failed,
        start.elapsed().as_secs_f64()
    );
    let name = reference.file("anti_ccl2_dose");
    common::write_csv(&name, &csv, &experiment, &results)?;
    // Arm 0 is the control; arms 1..=4 the doses from day −1; arm 4 and
    // the last three 100 µg from day −1, 1, 3 and 5.
    let by_dose: Vec<(f64, usize)> = DOSES_UG.iter().enumerate().map(|(k, &ug)| (ug, 1 + k)).collect();
    let by_start: Vec<(f64, usize)> = std::iter::once((-1.0, DOSES_UG.len()))
        .chain(STARTS.iter().enumerate().map(|(k, &day)| (day, 1 + DOSES_UG.len() + k)))
        .collect();
    for (points, x_label, file, title) in [
        (&by_dose, "anti-CCL2 dose every 2 days from day −1 (µg)", format!("out/{name}.png"), "against the dose"),
        (&by_start, "first day of 100 µg anti-CCL2 every 2 days", format!("out/{name}_start.png"), "against the start"),
    ] {
        figure(
            &table,
            points,
            x_label,
            &format!(
                "Anti-CCL2 {title}: shipped parameters, median and 90 % band over {} parameter sets",
                bands.runs - bands.failed
            ),
        )
        .and_then(|f| sasp::plot::figure::draw(&f, &file))?;
        println!("wrote {file}");
    }
    Ok(())
}

/// The quantities shown: NK infiltration at day 5, tumor volume at days 14 and 21.
const QUANTITIES: [(&str, f64); 3] = [("nk_per_mm3", 5.0), ("tumor_volume_mm3", 14.0), ("tumor_volume_mm3", 21.0)];

/// A panel per quantity of the arms `points` (`(x, arm)`): the shipped
/// parameters' values (solid), the median (dotted) and the 5–95 % band,
/// with the control arm's (arm 0) shipped value drawn across.
fn figure(table: &[Vec<[f64; 4]>], points: &[(f64, usize)], x_label: &str, title: &str) -> sasp::Result<Figure> {
    let colour = OKABE_ITO[5];
    let titles =
        ["A. NK cells per mm³ of tumor, day 5", "B. tumor volume (mm³), day 14", "C. tumor volume (mm³), day 21"];
    let panels = titles
        .iter()
        .enumerate()
        .map(|(q, title)| {
            let line = |k: usize| points.iter().map(|&(x, arm)| (x, table[arm][q][k])).collect::<Vec<_>>();
            Panel {
                bands: vec![Band {
                    label: Some("90 % of parameter sets".into()),
                    points: points.iter().map(|&(x, arm)| (x, table[arm][q][1], table[arm][q][3])).collect(),
                    colour,
                    opacity: 0.18,
                }],
                levels: vec![(table[0][q][0], "control (isotype)".into())],
                // Volumes on the clearance figure's axis: down to the detection limit.
                y_range: (q > 0).then_some((FLOOR_MM3 / 2.0, 5000.0)),
                floor: (q > 0).then(|| Floor {
                    value: FLOOR_MM3,
                    label: format!("detection limit {FLOOR_MM3} mm³"),
                    crossing: "below detection (cleared)".into(),
                }),
                ..Panel::new(
                    *title,
                    vec![
                        Series {
                            label: "shipped parameters".into(),
                            points: line(0),
                            style: LineStyle::new(colour, Dash::Solid),
                        },
                        Series {
                            label: "median".into(),
                            points: line(2),
                            style: LineStyle { width: 2, ..LineStyle::new(colour, Dash::Dotted) },
                        },
                    ],
                )
            }
        })
        .collect();
    Ok(Figure {
        title: title.into(),
        x_label: x_label.into(),
        y_label: "NK cells per mm³ (A); tumor volume, mm³ (B, C)".into(),
        log_y: true,
        panels,
        size: Some((1800, 640)),
    })
}

fn main() -> ExitCode {
    common::main_with_runs("anti_ccl2_dose", 200, run)
}
