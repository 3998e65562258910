//! Plots of PEtab fits and profiles, as pyPESTO and Data2Dynamics draw
//! them: the waterfall of a multistart fit's starts, the starts' end points
//! per parameter within its bounds, the best start's simulated observables
//! against the measurements, and each parameter's profile likelihood.

use super::figure::{Dash, Figure, LineStyle, Panel, Series, GREY, OKABE_ITO};
use super::{render, Chart};
use crate::error::{Result, SaspError};
use crate::petab::{Curve, Problem, Profile, StartResult, Transformation, BEST_STARTS_WITHIN, CHI2_95};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::path::Path;

/// The colour of the best starts (vermillion).
const BEST: RGBColor = OKABE_ITO[5];

fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

fn font(size: u32) -> TextStyle<'static> {
    TextStyle::from(("sans-serif", size).into_font())
}

fn anchored(size: u32, h: HPos, v: VPos) -> TextStyle<'static> {
    font(size).pos(Pos::new(h, v))
}

/// A short number for axis labels: integers plainly, others to 4 significant digits.
fn short(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 * v.abs().max(1.0) {
        format!("{v:.0}")
    } else {
        let s = format!("{v:.4}");
        let s = s.trim_end_matches('0');
        s.trim_end_matches('.').to_string()
    }
}

/// `(lo, hi)` widened by `margin` of its width on each side (a flat range by ±1).
fn padded(lo: f64, hi: f64, margin: f64) -> (f64, f64) {
    if !(lo.is_finite() && hi.is_finite()) {
        return (0.0, 1.0);
    }
    if hi > lo {
        let d = (hi - lo) * margin;
        (lo - d, hi + d)
    } else {
        (lo - 1.0, hi + 1.0)
    }
}

/// The waterfall of a multistart fit: each start's `−log L` above the
/// best one's, starts sorted best first; the starts within
/// [`BEST_STARTS_WITHIN`] of the best in colour, the threshold dashed.
/// Starts that failed (−∞) are counted in the title, not drawn.
pub fn waterfall(results: &[StartResult], path: &Path) -> Result<()> {
    let mut finite: Vec<f64> = results.iter().map(|r| r.llh).filter(|l| l.is_finite()).collect();
    if finite.is_empty() {
        return Err(SaspError::NothingToPlot("no start with a finite likelihood".into()));
    }
    finite.sort_by(|a, b| b.total_cmp(a));
    let best = finite[0];
    let chart = Waterfall { deltas: finite.iter().map(|l| best - l).collect(), failed: results.len() - finite.len() };
    render(path, (1000, 650), &chart)
}

struct Waterfall {
    deltas: Vec<f64>,
    failed: usize,
}

impl Chart for Waterfall {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> std::result::Result<(), String>
    where
        DB::ErrorType: 'static,
    {
        root.fill(&WHITE).map_err(err)?;
        let n = self.deltas.len();
        // As pyPESTO draws it: Δ + 1 on a log axis, so the best start sits at 1.
        let top = self.deltas.iter().map(|d| d + 1.0).fold(10.0, f64::max) * 1.6;
        let failed = if self.failed > 0 { format!(", {} failed (not drawn)", self.failed) } else { String::new() };
        let within = self.deltas.iter().filter(|d| **d <= BEST_STARTS_WITHIN).count();
        let mut chart = ChartBuilder::on(root)
            .caption(format!("Multistart fit: waterfall ({n} starts{failed})"), ("sans-serif", 26))
            .margin(20)
            .x_label_area_size(60)
            .y_label_area_size(90)
            .build_cartesian_2d(0.5..(n as f64 + 0.5), (0.8..top).log_scale())
            .map_err(err)?;
        chart
            .configure_mesh()
            .x_desc("start (sorted by likelihood)")
            .y_desc("−log L − (−log L of the best start) + 1")
            .axis_desc_style(("sans-serif", 20))
            .label_style(("sans-serif", 16))
            .x_labels(n.min(12))
            .x_label_formatter(&|v| if (v - v.round()).abs() < 1e-9 { format!("{v:.0}") } else { String::new() })
            .y_label_formatter(&|v| short(*v))
            .light_line_style(WHITE.mix(0.0))
            .draw()
            .map_err(err)?;
        let points: Vec<(f64, f64)> = self.deltas.iter().enumerate().map(|(k, &d)| ((k + 1) as f64, d + 1.0)).collect();
        let threshold = BEST_STARTS_WITHIN + 1.0;
        chart.draw_series(LineSeries::new(points.iter().copied(), GREY.stroke_width(2))).map_err(err)?;
        chart
            .draw_series(DashedLineSeries::new(
                vec![(0.5, threshold), (n as f64 + 0.5, threshold)],
                8,
                6,
                BLACK.mix(0.6).stroke_width(1),
            ))
            .map_err(err)?
            .label(format!("Δ = {BEST_STARTS_WITHIN:.2} (½ χ²₁ 95 %)"))
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], BLACK.mix(0.6).stroke_width(1)));
        chart
            .draw_series(points.iter().filter(|p| p.1 > threshold).map(|&p| Circle::new(p, 5, GREY.filled())))
            .map_err(err)?
            .label(format!("other starts ({})", n - within))
            .legend(|(x, y)| Circle::new((x + 10, y), 5, GREY.filled()));
        chart
            .draw_series(points.iter().filter(|p| p.1 <= threshold).map(|&p| Circle::new(p, 6, BEST.filled())))
            .map_err(err)?
            .label(format!("within {BEST_STARTS_WITHIN:.2} of the best ({within})"))
            .legend(|(x, y)| Circle::new((x + 10, y), 6, BEST.filled()));
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .background_style(WHITE.mix(0.9))
            .border_style(BLACK)
            .label_font(("sans-serif", 17))
            .draw()
            .map_err(err)
    }
}

/// The parameter plot: a row per estimated parameter (its id on the left),
/// each start's end point on the parameter's scale, the points of one start
/// joined across the rows; the starts within [`BEST_STARTS_WITHIN`] of the
/// best in colour (drawn last), the others grey; each parameter's bounds
/// as bars. Starts that failed are not drawn.
pub fn parameters(problem: &Problem, results: &[StartResult], path: &Path) -> Result<()> {
    let (rows, lower, upper) = problem.estimated_box()?;
    let finite: Vec<&StartResult> = results.iter().filter(|r| r.llh.is_finite()).collect();
    let Some(best) = finite.iter().map(|r| r.llh).reduce(f64::max) else {
        return Err(SaspError::NothingToPlot("no start with a finite likelihood".into()));
    };
    let ids: Vec<String> = rows
        .iter()
        .map(|&i| {
            let p = &problem.parameters[i];
            match p.scale {
                crate::petab::Scale::Lin => p.id.clone(),
                crate::petab::Scale::Log => format!("{} (ln)", p.id),
                crate::petab::Scale::Log10 => format!("{} (log10)", p.id),
            }
        })
        .collect();
    let (mut others, mut bests) = (Vec::new(), Vec::new());
    for r in &finite {
        if r.parameters.len() == rows.len() {
            if best - r.llh <= BEST_STARTS_WITHIN {
                bests.push(r.parameters.clone());
            } else {
                others.push(r.parameters.clone());
            }
        }
    }
    let label_width = ids.iter().map(|s| s.chars().count()).max().unwrap_or(4) as u32 * 9 + 24;
    let height = (214 + 46 * rows.len() as u32).max(460);
    let chart = Parameters {
        ids,
        lower,
        upper,
        others,
        bests,
        failed: results.len() - finite.len(),
        label_width: label_width.clamp(80, 400),
    };
    render(path, (label_width.clamp(80, 400) + 1000, height), &chart)
}

struct Parameters {
    ids: Vec<String>,
    lower: Vec<f64>,
    upper: Vec<f64>,
    others: Vec<Vec<f64>>,
    bests: Vec<Vec<f64>>,
    failed: usize,
    label_width: u32,
}

impl Chart for Parameters {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> std::result::Result<(), String>
    where
        DB::ErrorType: 'static,
    {
        root.fill(&WHITE).map_err(err)?;
        let (_, height) = root.dim_in_pixel();
        let (main, legend) = root.split_vertically(height.saturating_sub(44));
        let root = &main;
        let n = self.ids.len();
        let lo = self.lower.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = self.upper.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let (x0, x1) = padded(lo, hi, 0.03);
        // Parameter j on row n − 1 − j: the table's first at the top.
        let row = |j: usize| (n - 1 - j) as f64;
        let failed = if self.failed > 0 { format!(", {} failed (not drawn)", self.failed) } else { String::new() };
        let total = self.others.len() + self.bests.len();
        let mut chart = ChartBuilder::on(root)
            .caption(
                format!("Estimated parameters at the end of each start ({total} starts{failed})"),
                ("sans-serif", 24),
            )
            .margin(20)
            .margin_right(30)
            .x_label_area_size(60)
            .y_label_area_size(self.label_width)
            .build_cartesian_2d(x0..x1, -0.6..(n as f64 - 0.4))
            .map_err(err)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(0)
            .x_desc("value on the parameter's scale")
            .axis_desc_style(("sans-serif", 19))
            .label_style(("sans-serif", 15))
            .x_label_formatter(&|v| short(*v))
            .light_line_style(WHITE.mix(0.0))
            .bold_line_style(BLACK.mix(0.08))
            .draw()
            .map_err(err)?;
        // The ids, right-aligned beside their rows.
        let base = root.get_base_pixel();
        for (j, id) in self.ids.iter().enumerate() {
            let (px, py) = chart.backend_coord(&(x0, row(j)));
            root.draw(&Text::new(id.clone(), (px - base.0 - 10, py - base.1), anchored(15, HPos::Right, VPos::Center)))
                .map_err(err)?;
        }
        // Row lines and bounds.
        for j in 0..n {
            chart
                .draw_series(std::iter::once(PathElement::new(vec![(x0, row(j)), (x1, row(j))], BLACK.mix(0.08))))
                .map_err(err)?;
        }
        let bound =
            |x: f64, j: usize| PathElement::new(vec![(x, row(j) - 0.3), (x, row(j) + 0.3)], BLACK.stroke_width(3));
        chart.draw_series((0..n).flat_map(|j| [bound(self.lower[j], j), bound(self.upper[j], j)])).map_err(err)?;
        let path = |p: &Vec<f64>| p.iter().enumerate().map(|(j, &x)| (x, row(j))).collect::<Vec<_>>();
        let grey = GREY.mix(0.55);
        for p in &self.others {
            chart.draw_series(std::iter::once(PathElement::new(path(p), grey.stroke_width(1)))).map_err(err)?;
        }
        chart.draw_series(self.others.iter().flat_map(&path).map(|c| Circle::new(c, 4, grey.filled()))).map_err(err)?;
        for p in &self.bests {
            chart.draw_series(std::iter::once(PathElement::new(path(p), BEST.stroke_width(2)))).map_err(err)?;
        }
        chart.draw_series(self.bests.iter().flat_map(&path).map(|c| Circle::new(c, 5, BEST.filled()))).map_err(err)?;
        // The legend, in a row below the axis (never over the data).
        let (x, y) = (self.label_width as i32 + 20, 18);
        legend.draw(&PathElement::new(vec![(x + 8, y - 9), (x + 8, y + 9)], BLACK.stroke_width(3))).map_err(err)?;
        legend.draw(&Text::new("bounds", (x + 22, y), anchored(15, HPos::Left, VPos::Center))).map_err(err)?;
        let x = x + 120;
        legend.draw(&PathElement::new(vec![(x, y), (x + 30, y)], BEST.stroke_width(2))).map_err(err)?;
        legend.draw(&Circle::new((x + 15, y), 5, BEST.filled())).map_err(err)?;
        let best = format!("within {BEST_STARTS_WITHIN:.2} of the best −log L ({})", self.bests.len());
        legend.draw(&Text::new(best, (x + 40, y), anchored(15, HPos::Left, VPos::Center))).map_err(err)?;
        let x = x + 390;
        legend.draw(&PathElement::new(vec![(x, y), (x + 30, y)], grey.stroke_width(1))).map_err(err)?;
        legend.draw(&Circle::new((x + 15, y), 4, grey.filled())).map_err(err)?;
        let others = format!("other starts ({})", self.others.len());
        legend.draw(&Text::new(others, (x + 40, y), anchored(15, HPos::Left, VPos::Center))).map_err(err)
    }
}

/// The fit-versus-data plot: a panel per observable with a time-course
/// measurement, its measurements (points) and the simulated `curves`
/// (lines) against time, one colour per run (simulation condition, after
/// its preequilibration); an observable with a `log`/`log10`
/// transformation on that scale. Measurements at steady state (`inf`) are
/// not drawn; the panel says how many.
pub fn fit_versus_data(problem: &Problem, curves: &[Curve], path: &Path) -> Result<()> {
    // The runs in the order of their first appearance among the curves.
    let mut runs: Vec<(Option<usize>, usize)> = Vec::new();
    for c in curves {
        if !runs.contains(&(c.preequilibration, c.simulation)) {
            runs.push((c.preequilibration, c.simulation));
        }
    }
    let run_label = |(pre, sim): (Option<usize>, usize)| match pre {
        Some(p) => format!("{} → {}", problem.conditions[p].id, problem.conditions[sim].id),
        None => problem.conditions[sim].id.clone(),
    };
    let mut panels = Vec::new();
    for (o, observable) in problem.observables.iter().enumerate() {
        let z = |x: f64| match observable.transformation {
            Transformation::Lin => x,
            Transformation::Log => x.ln(),
            Transformation::Log10 => x.log10(),
        };
        let lines: Vec<(usize, Vec<(f64, f64)>)> = curves
            .iter()
            .filter(|c| c.observable == o)
            .map(|c| {
                let k = runs.iter().position(|r| *r == (c.preequilibration, c.simulation)).unwrap_or(0);
                (k, c.points.iter().map(|&(t, y)| (t, z(y))).collect())
            })
            .collect();
        let mut points = Vec::new();
        let mut steady = 0;
        for m in problem.measurements.iter().filter(|m| m.observable == o) {
            if m.time.is_infinite() {
                steady += 1;
            } else if let Some(k) = runs.iter().position(|r| *r == (m.preequilibration, m.simulation)) {
                points.push((k, (m.time, z(m.value))));
            }
        }
        if lines.is_empty() && points.is_empty() && steady == 0 {
            continue;
        }
        let mut title = match observable.transformation {
            Transformation::Lin => observable.id.clone(),
            Transformation::Log => format!("ln {}", observable.id),
            Transformation::Log10 => format!("log10 {}", observable.id),
        };
        if steady > 0 {
            title.push_str(&format!(" ({steady} at steady state, not shown)"));
        }
        panels.push(FitPanel { title, lines, points });
    }
    if panels.iter().all(|p| p.lines.is_empty() && p.points.is_empty()) {
        return Err(SaspError::NothingToPlot("no measurement at a finite time".into()));
    }
    // A bounded image: at most MAX_FIT_PANELS observables, the rest counted.
    let mut title = problem.name();
    if panels.len() > MAX_FIT_PANELS {
        title.push_str(&format!(" (the first {MAX_FIT_PANELS} of {} observables)", panels.len()));
        panels.truncate(MAX_FIT_PANELS);
    }
    let columns = (panels.len() as f64).sqrt().ceil().clamp(1.0, 4.0) as usize;
    let rows = panels.len().div_ceil(columns);
    let labels: Vec<String> = runs.iter().map(|&r| run_label(r)).collect();
    let legend_rows = labels.len().min(MAX_LEGEND).div_ceil(LEGEND_COLUMNS) + usize::from(labels.len() > MAX_LEGEND);
    let width = 560 * columns as u32 + 40;
    let height = 440 * rows as u32 + 70 + 26 * legend_rows as u32 + 20;
    render(path, (width, height), &FitPlot { title, panels, columns, labels })
}

/// Most observables (panels) one fit-versus-data plot draws.
const MAX_FIT_PANELS: usize = 48;

/// Most legend entries drawn (one per run); the rest are counted.
const MAX_LEGEND: usize = 24;
/// Columns of the legend.
const LEGEND_COLUMNS: usize = 3;

struct FitPanel {
    title: String,
    /// (run, points) of each curve.
    lines: Vec<(usize, Vec<(f64, f64)>)>,
    /// (run, (t, value)) of each measurement at a finite time.
    points: Vec<(usize, (f64, f64))>,
}

struct FitPlot {
    title: String,
    panels: Vec<FitPanel>,
    columns: usize,
    labels: Vec<String>,
}

/// The look of run `k`: the palette's colours, then again dashed.
fn run_style(k: usize) -> LineStyle {
    let mut style = LineStyle::nth(k);
    style.width = 2;
    style
}

/// A marker of run `k` at `c`: circles, then triangles, squares, diamonds
/// as the palette repeats.
fn marker<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    k: usize,
    (x, y): (i32, i32),
) -> std::result::Result<(), String>
where
    DB::ErrorType: 'static,
{
    let colour = run_style(k).colour;
    let style = colour.filled();
    let edge = WHITE.stroke_width(1);
    match (k / OKABE_ITO.len()) % 4 {
        0 => {
            area.draw(&Circle::new((x, y), 5, style)).map_err(err)?;
            area.draw(&Circle::new((x, y), 5, edge)).map_err(err)
        }
        1 => area.draw(&Polygon::new(vec![(x - 6, y + 5), (x + 6, y + 5), (x, y - 6)], style)).map_err(err),
        2 => area.draw(&Rectangle::new([(x - 5, y - 5), (x + 5, y + 5)], style)).map_err(err),
        _ => area.draw(&Polygon::new(vec![(x - 6, y), (x, y - 6), (x + 6, y), (x, y + 6)], style)).map_err(err),
    }
}

impl Chart for FitPlot {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> std::result::Result<(), String>
    where
        DB::ErrorType: 'static,
    {
        root.fill(&WHITE).map_err(err)?;
        let root = root
            .titled(
                &format!("{}: the best start's simulation (lines) and the data (points)", self.title),
                ("sans-serif", 24),
            )
            .map_err(err)?;
        let (_, height) = root.dim_in_pixel();
        let legend_rows =
            self.labels.len().min(MAX_LEGEND).div_ceil(LEGEND_COLUMNS) + usize::from(self.labels.len() > MAX_LEGEND);
        let (grid, legend) = root.split_vertically(height.saturating_sub(26 * legend_rows as u32 + 20));
        let rows = self.panels.len().div_ceil(self.columns);
        let areas = grid.split_evenly((rows, self.columns));
        for (panel, area) in self.panels.iter().zip(&areas) {
            draw_fit_panel(panel, area)?;
        }
        // The legend: one entry per run, with its line and marker.
        let (width, _) = legend.dim_in_pixel();
        let column = (width as i32 - 40) / LEGEND_COLUMNS as i32;
        for (k, label) in self.labels.iter().take(MAX_LEGEND).enumerate() {
            let (x, y) = (30 + (k % LEGEND_COLUMNS) as i32 * column, 14 + (k / LEGEND_COLUMNS) as i32 * 26);
            let style = run_style(k);
            let line = vec![(x, y), (x + 36, y)];
            match style.dash {
                Dash::Solid => legend.draw(&PathElement::new(line, style.colour.stroke_width(style.width))),
                _ => legend.draw(&plotters::element::DashedPathElement::new(
                    line,
                    10,
                    6,
                    style.colour.stroke_width(style.width),
                )),
            }
            .map_err(err)?;
            marker(&legend, k, (x + 18, y))?;
            legend.draw(&Text::new(label.clone(), (x + 46, y), anchored(15, HPos::Left, VPos::Center))).map_err(err)?;
        }
        if self.labels.len() > MAX_LEGEND {
            let y = 14 + (MAX_LEGEND / LEGEND_COLUMNS) as i32 * 26;
            let more = format!("… and {} more conditions (colours repeat)", self.labels.len() - MAX_LEGEND);
            legend.draw(&Text::new(more, (30, y), anchored(15, HPos::Left, VPos::Center))).map_err(err)?;
        }
        Ok(())
    }
}

fn draw_fit_panel<DB: DrawingBackend>(
    panel: &FitPanel,
    area: &DrawingArea<DB, Shift>,
) -> std::result::Result<(), String>
where
    DB::ErrorType: 'static,
{
    let all = || panel.lines.iter().flat_map(|(_, p)| p.iter()).chain(panel.points.iter().map(|(_, p)| p));
    let finite = || all().filter(|p| p.0.is_finite() && p.1.is_finite());
    let (t0, t1) = finite().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), p| (a.min(p.0), b.max(p.0)));
    let (y0, y1) = finite().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), p| (a.min(p.1), b.max(p.1)));
    let (t0, t1) =
        if t0.is_finite() { (t0.min(0.0), if t1 > t0.min(0.0) { t1 } else { t0 + 1.0 }) } else { (0.0, 1.0) };
    // Room for the markers at the ends.
    let (t0, t1) = (t0 - 0.015 * (t1 - t0), t1 + 0.025 * (t1 - t0));
    let (y0, y1) = padded(y0, y1, 0.06);
    let mut chart = ChartBuilder::on(area)
        .caption(&panel.title, ("sans-serif", 19))
        .margin(12)
        .margin_right(20)
        .x_label_area_size(44)
        .y_label_area_size(70)
        .build_cartesian_2d(t0..t1, y0..y1)
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_desc("time")
        .y_desc(if panel.title.starts_with("ln ") || panel.title.starts_with("log10 ") {
            "value (log scale)"
        } else {
            "value"
        })
        .axis_desc_style(("sans-serif", 16))
        .label_style(("sans-serif", 13))
        .x_label_formatter(&|v| short(*v))
        .y_label_formatter(&|v| short(*v))
        .light_line_style(BLACK.mix(0.03))
        .bold_line_style(BLACK.mix(0.1))
        .draw()
        .map_err(err)?;
    for (k, points) in &panel.lines {
        let style = run_style(*k);
        let shape = style.colour.stroke_width(style.width);
        // Gaps where the observable has no value.
        for run in points.split(|p| !(p.0.is_finite() && p.1.is_finite())).filter(|r| r.len() > 1) {
            match style.dash {
                Dash::Solid => chart.draw_series(LineSeries::new(run.iter().copied(), shape)).map(|_| ()),
                _ => chart.draw_series(DashedLineSeries::new(run.iter().copied(), 10, 6, shape)).map(|_| ()),
            }
            .map_err(err)?;
        }
    }
    let base = area.get_base_pixel();
    for (k, p) in panel.points.iter().filter(|(_, p)| p.0.is_finite() && p.1.is_finite()) {
        let (x, y) = chart.backend_coord(p);
        marker(area, *k, (x - base.0, y - base.1))?;
    }
    Ok(())
}

/// A parameter's profile: `−2 log(PL/L*)` against the parameter on its
/// scale, with the 95 % threshold (χ²₁'s 3.84) and the interval's ends.
pub fn profile(problem: &Problem, profile: &Profile, best_llh: f64, path: &Path) -> Result<()> {
    let id = &problem.parameters[profile.parameter].id;
    let points: Vec<(f64, f64)> = profile.points.iter().map(|&(x, llh)| (x, 2.0 * (best_llh - llh).max(0.0))).collect();
    // Room beside the curve for the threshold's label (left) and the labels
    // of the interval's ends (right): an unlabelled series of undefined
    // values that only widens the x axis.
    let xs = points.iter().map(|p| p.0).filter(|x| x.is_finite());
    let (x0, x1) = xs.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| (a.min(x), b.max(x)));
    let room = if x1 > x0 { 0.1 * (x1 - x0) } else { 1.0 };
    let style = LineStyle::new(OKABE_ITO[4], Dash::Solid);
    let widen =
        Series { label: String::new(), points: vec![(x0 - 1.5 * room, f64::NAN), (x1 + room, f64::NAN)], style };
    let mut panel = Panel::new(String::new(), vec![Series { label: String::new(), points, style }, widen]);
    panel.levels = vec![(CHI2_95, format!("95 % threshold ({CHI2_95:.2})"))];
    let (lo, hi) = profile.interval;
    panel.marks = [(lo, "95 % lower"), (hi, "95 % upper")]
        .into_iter()
        .filter_map(|(end, label)| end.map(|x| (x, label.to_string())))
        .collect();
    let describe = |end: Option<f64>| end.map_or_else(|| "open".to_string(), short);
    let figure = Figure {
        title: format!("Profile likelihood of {id}: 95 % interval [{}, {}]", describe(lo), describe(hi)),
        x_label: format!("{id} (on its scale)"),
        y_label: "−2 log(PL / L*)".into(),
        log_y: false,
        panels: vec![panel],
        size: Some((1000, 680)),
    };
    super::figure::draw(&figure, path)
}
