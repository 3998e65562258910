//! The figures of the neutralization experiment (Iannello et al., J Exp Med
//! 2013), each panel answering one of the paper's questions:
//!
//! - [`clearance`]: tumor volume on a log axis down to the detection limit,
//!   in three panels: does restoring p53 clear the tumor; is CCL2 (not
//!   CCL3/4/5) needed; are NK cells and NKG2D needed.
//! - [`ccl2`]: free and total (free + antibody-bound) CCL2 under anti-CCL2,
//!   beside free CCL2 in the control arm: the antibody holds CCL2 in
//!   complexes, so total CCL2 rises while the free chemokine that recruits NK
//!   cells falls.
//! - [`nk_infiltration`]: NK cells per mm³ of tumor over time, with the p53-off
//!   arm drawn grey for reference; [`nk_day5`]: the same at day 5, as bars
//!   with the p53-off level marked.
//!
//! The results should be sampled finely (e.g. every 1/16 day) so the curves
//! are smooth: samples come from the solver's dense output, so a fine grid
//! costs little.

use super::figure::{self, Band, Dash, Figure, Floor, LineStyle, Panel, Series, GREY, OKABE_ITO};
use crate::error::{FileError, Result, SaspError};
use crate::experiment::ArmResult;
use crate::sweep::Bands;
use std::path::Path;

/// The look of each of the paper's arms, the same in every figure.
pub fn style(arm: &str) -> LineStyle {
    let [black, orange, sky, green, blue, vermillion, purple] = OKABE_ITO;
    match arm {
        "p53 off" => LineStyle::new(GREY, Dash::Solid),
        "control" => LineStyle::new(black, Dash::Solid),
        "anti-CCL2" => LineStyle::new(vermillion, Dash::Solid),
        "anti-CCL3/4/5" => LineStyle::new(sky, Dash::Dashed),
        "anti-CCL3" => LineStyle::new(orange, Dash::Dotted),
        "anti-CCL4" => LineStyle::new(green, Dash::Dotted),
        "anti-CCL5" => LineStyle::new(purple, Dash::Dotted),
        "NK-depleted" => LineStyle::new(blue, Dash::Solid),
        "anti-NKG2D" => LineStyle::new(green, Dash::Dashed),
        "NKG2D-null" => LineStyle::new(purple, Dash::LongDash),
        _ => LineStyle::new(orange, Dash::Solid),
    }
}

/// The detection limit drawn on the volume axis (mm³).
pub const FLOOR_MM3: f64 = 0.1;

fn arm<'a>(results: &'a [ArmResult], name: &str) -> Result<&'a ArmResult> {
    results
        .iter()
        .find(|r| r.name == name)
        .ok_or_else(|| SaspError::MissingArm { arm: name.to_string(), needed_by: "plotting the paper's figures" })
}

/// The paper's observables the figures draw ([`crate::experiment::paper::observables`]).
const VOLUME: &str = "tumor_volume_mm3";
const NK: &str = "nk_per_mm3";
const CCL2_FREE: &str = "ccl2_free_nM";
const CCL2_TOTAL: &str = "ccl2_total_nM";

/// A series of one arm's observable `observable`, labelled `label`.
fn series(r: &ArmResult, label: &str, style: LineStyle, observable: &str) -> Result<Series> {
    let values = r.series(observable)?;
    Ok(Series { label: label.to_string(), points: r.t.iter().copied().zip(values.iter().copied()).collect(), style })
}

fn arms_series(results: &[ArmResult], names: &[&str], observable: &str) -> Result<Vec<Series>> {
    names.iter().map(|&n| series(arm(results, n)?, n, style(n), observable)).collect()
}

/// The quantile levels of the bands the figures draw: 5, 25, 50, 75 and
/// 95 % (the 90 % band between the first and last, the 50 % band between
/// the second and fourth).
pub const BAND_LEVELS: [f64; 5] = [0.05, 0.25, 0.5, 0.75, 0.95];

/// The observables the figures draw bands of.
pub const BAND_OBSERVABLES: [&str; 4] = [VOLUME, NK, CCL2_FREE, CCL2_TOTAL];

/// The figures' bands of `fine` (the experiment sampled every
/// [`SAMPLE_EVERY`] days) over `runs` draws of the model's fitted (`[F]`)
/// parameters from their distributions (seed 1; see [`crate::sweep::bands`]).
///
/// # Errors
///
/// As [`crate::sweep::bands`].
pub fn fitted_bands(fine: &crate::experiment::Experiment, runs: usize) -> Result<Bands> {
    let fitted = crate::sweep::tagged_parameters(fine.model(), crate::model::Provenance::Fitted)?;
    crate::sweep::bands(fine, &fitted, &BAND_OBSERVABLES, runs, 1, &BAND_LEVELS)
}

/// [`fitted_bands`] over every parameter that has a distribution (declared,
/// or its provenance tag's default; numerical devices `[N]` and parameters
/// of value 0 have none unless declared), drawn independently: the whole
/// declared uncertainty, assumptions (×/÷ 4) included.
///
/// # Errors
///
/// As [`crate::sweep::bands`].
pub fn declared_bands(fine: &crate::experiment::Experiment, runs: usize) -> Result<Bands> {
    let model = fine.model();
    let all: Vec<(String, crate::model::Distribution)> = model
        .spec()
        .parameters
        .iter()
        .filter_map(|p| model.parameter_distribution(&p.name).ok().map(|d| (p.name.clone(), d)))
        .collect();
    crate::sweep::bands(fine, &all, &BAND_OBSERVABLES, runs, 1, &BAND_LEVELS)
}

/// The 90 % and 50 % bands of `observable` for each arm of `names`, in the
/// arm's colour (the first arm's labelled), and the median of each as a
/// thin dotted line; none without `bands`. `observable` is drawn with
/// `style` (the arm's own style by default: [`style`]).
fn arms_bands(
    bands: Option<&Bands>,
    names: &[&str],
    observable: &str,
    style: impl Fn(&str) -> LineStyle,
) -> Result<(Vec<Band>, Vec<Series>)> {
    let Some(bands) = bands else { return Ok((Vec::new(), Vec::new())) };
    if bands.levels != BAND_LEVELS {
        return Err(SaspError::InvalidOptions(format!(
            "the figures' bands need the levels {BAND_LEVELS:?}, not {:?}",
            bands.levels
        )));
    }
    let (mut out, mut medians) = (Vec::new(), Vec::new());
    for (k, &name) in names.iter().enumerate() {
        let curve = |l: usize| {
            bands.curve(name, observable, l).ok_or_else(|| {
                SaspError::InvalidOptions(format!(
                    "the bands have no '{observable}' of arm '{name}' (the figures need {BAND_OBSERVABLES:?} of the paper's arms)"
                ))
            })
        };
        let colour = style(name).colour;
        for ((lo, hi), (opacity, label)) in [((0, 4), (0.12, "90 % of parameter sets")), ((1, 3), (0.22, "50 %"))] {
            let (low, high) = (curve(lo)?, curve(hi)?);
            out.push(Band {
                label: (k == 0).then(|| format!("{label} ({name})")),
                points: low.iter().zip(&high).map(|(&(t, a), &(_, b))| (t, a, b)).collect(),
                colour,
                opacity,
            });
        }
        medians.push(Series {
            label: if k == 0 { format!("median of parameter sets ({name})") } else { String::new() },
            points: curve(2)?,
            style: LineStyle { width: 2, ..LineStyle::new(colour, Dash::Dotted) },
        });
    }
    Ok((out, medians))
}

/// A panel of `series` (the shipped parameters' runs) with `bands` and
/// their medians drawn beneath.
fn with_bands(title: &str, mut series: Vec<Series>, (bands, medians): (Vec<Band>, Vec<Series>)) -> Panel {
    series.extend(medians);
    Panel { bands, ..Panel::new(title, series) }
}

const DAYS: &str = "days since doxycycline (p53 restored at day 0)";

fn doxycycline() -> Vec<(f64, String)> {
    vec![(0.0, " doxycycline".to_string())]
}

/// Tumor volume of the paper's arms in three panels (log axis, detection
/// limit [`FLOOR_MM3`] labelled, tumors that fall below it marked), with the
/// antibody doses `dose_days` above the data and, with `bands`, the 50 %
/// and 90 % bands of each arm over the parameter distribution and their
/// medians (the solid lines are the shipped parameters' runs).
pub fn clearance(
    results: &[ArmResult],
    dose_days: &[f64],
    bands: Option<&Bands>,
    path: impl AsRef<Path>,
) -> Result<()> {
    let floor = Floor {
        value: FLOOR_MM3,
        label: format!("detection limit {FLOOR_MM3} mm³"),
        crossing: "below detection (cleared)".into(),
    };
    let doses = Some((dose_days.to_vec(), "antibody dose (i.p.)".to_string()));
    let panel = |title: &str, names: &[&str], doses: Option<(Vec<f64>, String)>| -> Result<Panel> {
        Ok(Panel {
            y_range: Some((FLOOR_MM3 / 2.0, 5000.0)),
            floor: Some(floor.clone()),
            marks: doxycycline(),
            events: doses,
            ..with_bands(title, arms_series(results, names, VOLUME)?, arms_bands(bands, names, VOLUME, style)?)
        })
    };
    let figure = Figure {
        title: "Restoring p53 clears liver tumors through CCL2, NK cells and NKG2D".into(),
        x_label: DAYS.into(),
        y_label: "tumor volume (mm³)".into(),
        log_y: true,
        panels: vec![
            panel("A. Is p53 restoration needed?", &["p53 off", "control"], None)?,
            panel("B. Which chemokine is needed?", &["control", "anti-CCL3/4/5", "anti-CCL2"], doses.clone())?,
            panel("C. Are NK cells and NKG2D needed?", &["control", "anti-NKG2D", "NKG2D-null", "NK-depleted"], doses)?,
        ],
        size: Some((1950, 680)),
    };
    figure::draw(&figure, path)
}

/// Free and total CCL2 under anti-CCL2, and free CCL2 in the control arm,
/// with `bands` as in [`clearance`].
pub fn ccl2(results: &[ArmResult], dose_days: &[f64], bands: Option<&Bands>, path: impl AsRef<Path>) -> Result<()> {
    let (anti, control) = (arm(results, "anti-CCL2")?, arm(results, "control")?);
    let [_, _, _, _, _, vermillion, _] = OKABE_ITO;
    let total = LineStyle::new(vermillion, Dash::Dashed);
    let series = vec![
        series(control, "free CCL2, control", style("control"), CCL2_FREE)?,
        series(anti, "free CCL2, anti-CCL2", LineStyle::new(vermillion, Dash::Solid), CCL2_FREE)?,
        series(anti, "total CCL2 (free + bound), anti-CCL2", total, CCL2_TOTAL)?,
    ];
    let (mut shades, mut medians) = arms_bands(bands, &["control", "anti-CCL2"], CCL2_FREE, style)?;
    let (more, median) = arms_bands(bands, &["anti-CCL2"], CCL2_TOTAL, |_| total)?;
    shades.extend(more.into_iter().map(|b| Band { label: None, ..b }));
    medians.extend(median.into_iter().map(|m| Series { label: String::new(), ..m }));
    let figure = Figure {
        title: "Anti-CCL2 lowers free CCL2 while total CCL2 accumulates in complexes".into(),
        x_label: DAYS.into(),
        y_label: "CCL2 in the tumor (nM)".into(),
        log_y: true,
        panels: vec![Panel {
            marks: doxycycline(),
            events: Some((dose_days.to_vec(), "antibody dose (i.p.)".to_string())),
            y_range: Some((1e-3, 1e3)),
            ..with_bands("CCL2 under anti-CCL2", series, (shades, medians))
        }],
        size: Some((1000, 680)),
    };
    figure::draw(&figure, path)
}

/// NK cells per mm³ of tumor over time in two panels (chemokines; NK cells
/// and NKG2D), the p53-off arm in grey as the reference level, with
/// `bands` as in [`clearance`]. Undefined values (tumor below the detection
/// volume) leave gaps.
pub fn nk_infiltration(results: &[ArmResult], bands: Option<&Bands>, path: impl AsRef<Path>) -> Result<()> {
    let panel = |title: &str, names: &[&str]| -> Result<Panel> {
        Ok(Panel {
            marks: doxycycline(),
            ..with_bands(title, arms_series(results, names, NK)?, arms_bands(bands, names, NK, style)?)
        })
    };
    let figure = Figure {
        title: "NK cells in the tumor: recruited after p53 restoration, through CCL2".into(),
        x_label: DAYS.into(),
        y_label: "NK cells per mm³ of tumor".into(),
        log_y: true,
        panels: vec![
            panel("Chemokines", &["p53 off", "control", "anti-CCL3/4/5", "anti-CCL2"])?,
            panel("NK cells and NKG2D", &["p53 off", "control", "anti-NKG2D", "NKG2D-null", "NK-depleted"])?,
        ],
        size: Some((1400, 680)),
    };
    figure::draw(&figure, path)
}

/// NK cells per mm³ of tumor at `day` in every arm, as bars, with the
/// p53-off arm's level drawn across and, with `bands`, a whisker over each
/// bar from the 5 % to the 95 % quantile over the parameter distribution.
pub fn nk_day5(results: &[ArmResult], day: f64, bands: Option<&Bands>, path: impl AsRef<Path>) -> Result<()> {
    let reference = arm(results, "p53 off")?;
    let level = reference.value(NK, day)?;
    let bars = results
        .iter()
        .map(|r| {
            let interval = match bands {
                None => None,
                Some(b) => {
                    let at = |l: usize| {
                        b.curve(&r.name, NK, l)
                            .and_then(|c| c.into_iter().find(|p| (p.0 - day).abs() < 1e-9))
                            .map(|p| p.1)
                            .ok_or_else(|| {
                                SaspError::InvalidOptions(format!(
                                    "the bands have no '{NK}' of arm '{}' at day {day}",
                                    r.name
                                ))
                            })
                    };
                    Some((at(0)?, at(BAND_LEVELS.len() - 1)?))
                }
            };
            Ok(super::Bar { label: r.name.clone(), value: r.value(NK, day)?, interval })
        })
        .collect::<Result<Vec<_>>>()?;
    let whiskers = if bands.is_some() { " (whiskers: 90 % of parameter sets)" } else { "" };
    super::Bars {
        title: format!("NK cells in the tumor at day {day}{whiskers}"),
        y_label: "NK cells per mm³ of tumor".into(),
        bars,
        reference: Some((level, "p53 off".into())),
        decimals: 0,
    }
    .draw_to(path)
}

/// Every figure file [`draw_all`] writes, by name.
pub const FILES: [&str; 8] = [
    "clearance.png",
    "clearance.svg",
    "ccl2.png",
    "ccl2.svg",
    "nk_infiltration.png",
    "nk_infiltration.svg",
    "nk_day5.png",
    "nk_day5.svg",
];

/// How finely to sample the runs drawn by [`draw_all`] (days): smooth curves
/// from the dense output, and every whole day (day 5 for [`nk_day5`]) is a
/// sample since 1/16 is exact in binary.
pub const SAMPLE_EVERY: f64 = 1.0 / 16.0;

/// Draws every figure of [`FILES`] from `results` (sampled every
/// [`SAMPLE_EVERY`] days), each to `path(name)`, with `bands` (levels
/// [`BAND_LEVELS`]) on every figure.
pub fn draw_all(
    results: &[ArmResult],
    dose_days: &[f64],
    bands: Option<&Bands>,
    path: impl Fn(&str) -> std::path::PathBuf,
) -> Result<()> {
    for name in FILES {
        let target = path(name);
        match name.split('.').next() {
            Some("clearance") => clearance(results, dose_days, bands, target)?,
            Some("ccl2") => ccl2(results, dose_days, bands, target)?,
            Some("nk_infiltration") => nk_infiltration(results, bands, target)?,
            _ => nk_day5(results, 5.0, bands, target)?,
        }
    }
    Ok(())
}

/// Writes the neutralization experiment's files into `dir` together:
/// `neutralization.csv` and `.json` from `results` (with `targets`), the
/// figures of [`FILES`] from `fine` (the same arms sampled every
/// [`SAMPLE_EVERY`] days), and a manifest beside each; with `bands` (over
/// the same fine samples) they are drawn on the figures and written as
/// `neutralization_bands.csv` (`arm,observable,day,q05,q25,q50,q75,q95`).
/// Everything is staged first and renamed into place at the end, so a
/// failure (a figure that cannot be drawn, a folder that cannot be written)
/// leaves no new file.
#[allow(clippy::too_many_arguments)]
pub fn write_experiment(
    dir: &Path,
    results: &[ArmResult],
    fine: &[ArmResult],
    targets: &[crate::experiment::paper::Target],
    dose_days: &[f64],
    bands: Option<&Bands>,
    manifest: &crate::output::Manifest,
) -> Result<()> {
    use crate::output::{experiment_csv, experiment_json, Staged};
    let mut staged = Staged::new();
    let csv = dir.join("neutralization.csv");
    staged.bytes(&csv, experiment_csv(results).as_bytes())?;
    staged.manifest(&csv, manifest)?;
    let json = dir.join("neutralization.json");
    staged.bytes(&json, experiment_json(results, targets)?.as_bytes())?;
    staged.manifest(&json, manifest)?;
    if let Some(bands) = bands {
        let path = dir.join("neutralization_bands.csv");
        staged.bytes(&path, bands_csv(bands).as_bytes())?;
        staged.manifest(&path, manifest)?;
    }
    let mut temporaries = Vec::with_capacity(FILES.len());
    for name in FILES {
        let path = dir.join(name);
        temporaries.push((name, staged.path(&path)?, path.clone()));
        staged.manifest(&path, manifest)?;
    }
    let temporary = |name: &str| temporaries.iter().find(|t| t.0 == name).map(|t| t.1.clone()).unwrap_or_default();
    draw_all(fine, dose_days, bands, temporary).map_err(|e| match e {
        // Errors name the output, not its temporary.
        SaspError::File(FileError::Io { path, source }) => {
            let path = temporaries.iter().find(|t| t.1 == path).map_or(path, |t| t.2.clone());
            FileError::Io { path, source }.into()
        }
        other => other,
    })?;
    staged.commit()
}

/// The bands as CSV: `arm,observable,day`, then one column per level
/// (`q05`, `q25`, …), one row per arm, observable and sample.
pub fn bands_csv(bands: &Bands) -> String {
    use std::fmt::Write;
    let mut out = String::from("arm,observable,day");
    for l in &bands.levels {
        let _ = write!(out, ",q{:02.0}", l * 100.0);
    }
    out.push('\n');
    for arm in &bands.arms {
        for (name, quantiles) in &arm.observables {
            for (t, row) in arm.t.iter().zip(quantiles) {
                let _ = write!(out, "{},{},{t}", crate::util::text::csv_field(&arm.name), name);
                for v in row {
                    let _ = write!(out, ",{v}");
                }
                out.push('\n');
            }
        }
    }
    out
}
