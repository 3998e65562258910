//! Charts of experiments: multi-panel line figures ([`figure`]), a figure per
//! declared observable ([`observables`]), the paper's
//! figures ([`paper`]), bars of an observable per arm, simple line plots and
//! field maps, as PNG (bitmap) and SVG, drawn with `plotters` and a bundled
//! DejaVu Sans font (pure Rust: no system font or C library is needed).
//!
//! Files are drawn to a temporary name beside the target and renamed when
//! complete, so a failed plot never leaves a half-written file.

use crate::error::{FileError, Result, SaspError};
use crate::experiment::ArmResult;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::{register_font, FontStyle};
use std::path::{Path, PathBuf};
use std::sync::Once;

pub mod figure;
pub mod observables;
pub mod paper;
pub mod petab;
pub mod ssa;

/// DejaVu Sans (free license, see `assets/fonts/DejaVu-LICENSE.txt`).
const FONT: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");

/// The colour of series `k`: the Okabe–Ito palette in turn
/// ([`figure::OKABE_ITO`], safe for colour-blind readers).
pub fn colour(k: usize) -> RGBColor {
    figure::OKABE_ITO[k % figure::OKABE_ITO.len()]
}

fn register() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // The bundled font is valid; a failure here would show as missing text.
        let _ = register_font("sans-serif", FontStyle::Normal, FONT);
    });
}

fn plot_error(path: &Path, e: impl std::fmt::Display) -> SaspError {
    FileError::Io { path: path.to_path_buf(), source: std::io::Error::other(format!("cannot draw the chart: {e}")) }
        .into()
}

/// A chart that can be drawn on any `plotters` backend (so one drawing
/// serves PNG and SVG).
pub trait Chart {
    /// Draws the chart on `root`.
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> std::result::Result<(), String>
    where
        DB::ErrorType: 'static;
}

/// Draws `chart` into `path` (`.png` or `.svg`, by extension) of the given size, atomically.
pub fn render(path: &Path, size: (u32, u32), chart: &impl Chart) -> Result<()> {
    register();
    let tmp = temporary(path)?;
    let result = match path.extension().and_then(|e| e.to_str()) {
        Some("svg") => {
            let mut text = String::new();
            {
                let root = SVGBackend::with_string(&mut text, size).into_drawing_area();
                chart.draw(&root).and_then(|_| root.present().map_err(|e| e.to_string()))
            }
            .and_then(|_| std::fs::write(&tmp, text).map_err(|e| e.to_string()))
        }
        Some("png") => {
            let root = BitMapBackend::new(&tmp, size).into_drawing_area();
            chart.draw(&root).and_then(|_| root.present().map_err(|e| e.to_string()))
        }
        _ => Err(format!("unknown image type '{}' (use .png or .svg)", path.display())),
    };
    match result.and_then(|_| std::fs::rename(&tmp, path).map_err(|e| e.to_string())) {
        Ok(()) => Ok(()),
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            Err(plot_error(path, e))
        }
    }
}

fn temporary(path: &Path) -> Result<PathBuf> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|source| FileError::Io { path: path.to_path_buf(), source })?;
    }
    let name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("tmp");
    Ok(path.with_file_name(format!(".{name}.{}.tmp.{ext}", std::process::id())))
}

/// A bar per arm: NK cells per mm³ of tumor at `day`, with an optional
/// reference level `(value, label)` drawn across (e.g. an untreated arm).
/// An undefined value (tumor below the detection volume) is written as
/// "n/a" with no bar.
pub fn nk_infiltration(
    results: &[ArmResult],
    day: f64,
    reference: Option<(f64, &str)>,
    path: impl AsRef<Path>,
) -> Result<()> {
    let bars: Vec<Bar> = results
        .iter()
        .map(|r| r.value("nk_per_mm3", day).map(|v| Bar { label: r.name.clone(), value: v, interval: None }))
        .collect::<Result<_>>()?;
    let chart = Bars {
        title: format!("NK cells in the tumor at day {day}"),
        y_label: "NK cells per mm³ of tumor".into(),
        bars,
        reference: reference.map(|(v, label)| (v, label.to_string())),
        decimals: 0,
    };
    chart.draw_to(path)
}

/// One bar of [`Bars`]: its label under the axis, its value (not finite:
/// no bar, "n/a") and an optional interval `(low, high)` drawn as a whisker
/// (e.g. a 90 % band over the parameter distribution, or a confidence
/// interval).
#[derive(Clone, Debug, PartialEq)]
pub struct Bar {
    /// Label under the bar.
    pub label: String,
    /// Height.
    pub value: f64,
    /// Whisker from low to high, if any.
    pub interval: Option<(f64, f64)>,
}

/// A bar chart: one bar per item, its value written above it, optional
/// whiskers, and an optional reference level drawn across.
#[derive(Clone, Debug, PartialEq)]
pub struct Bars {
    /// Title above the chart.
    pub title: String,
    /// Label of the value axis.
    pub y_label: String,
    /// The bars, left to right.
    pub bars: Vec<Bar>,
    /// A horizontal reference level `(value, label)`.
    pub reference: Option<(f64, String)>,
    /// Decimals of the values written above the bars and on the axis.
    pub decimals: usize,
}

impl Bars {
    /// Draws the chart into `path` (`.png` or `.svg`), 1200 × 700 pixels
    /// (wider with more than 12 bars), atomically.
    pub fn draw_to(&self, path: impl AsRef<Path>) -> Result<()> {
        if self.bars.is_empty() {
            return Err(SaspError::NothingToPlot("no bars".into()));
        }
        let width = 1200 + 60 * self.bars.len().saturating_sub(12) as u32;
        render(path.as_ref(), (width.min(4000), 700), self)
    }

    /// The top of the value axis: 15 % above the highest value, whisker or
    /// level (1 when none is above 0).
    fn top(&self) -> f64 {
        let highest = self
            .bars
            .iter()
            .flat_map(|b| [Some(b.value), b.interval.map(|i| i.1)])
            .flatten()
            .chain(self.reference.as_ref().map(|r| r.0))
            .filter(|v| v.is_finite())
            .fold(0.0, f64::max);
        if highest > 0.0 {
            highest * 1.15
        } else {
            1.0
        }
    }
}

impl Chart for Bars {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> std::result::Result<(), String>
    where
        DB::ErrorType: 'static,
    {
        let (top, n, decimals) = (self.top(), self.bars.len(), self.decimals);
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let mut chart = ChartBuilder::on(root)
            .caption(&self.title, ("sans-serif", 28))
            .margin(20)
            .x_label_area_size(60)
            .y_label_area_size(90)
            .build_cartesian_2d((0..n - 1).into_segmented(), 0.0..top)
            .map_err(|e| e.to_string())?;
        let names: Vec<String> = self.bars.iter().map(|b| b.label.clone()).collect();
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(n)
            .x_label_formatter(&|x| match x {
                SegmentValue::CenterOf(k) if *k < names.len() => names[*k].clone(),
                _ => String::new(),
            })
            .y_label_formatter(&|v| format!("{v:.decimals$}"))
            .y_desc(&self.y_label)
            .axis_desc_style(("sans-serif", 20))
            .label_style(("sans-serif", 14))
            .light_line_style(WHITE.mix(0.0))
            .draw()
            .map_err(|e| e.to_string())?;
        let finite = || self.bars.iter().enumerate().filter(|(_, b)| b.value.is_finite());
        chart
            .draw_series(finite().map(|(k, b)| {
                let (a, c) = (SegmentValue::Exact(k), SegmentValue::Exact(k + 1));
                let mut bar = Rectangle::new([(a, 0.0), (c, b.value)], figure::OKABE_ITO[4].mix(0.85).filled());
                bar.set_margin(0, 0, 12, 12);
                bar
            }))
            .map_err(|e| e.to_string())?;
        // Whiskers: a vertical line from low to high with a cap of 16
        // pixels at each end.
        let whiskers: Vec<(usize, f64, f64)> = self
            .bars
            .iter()
            .enumerate()
            .filter_map(|(k, b)| b.interval.filter(|(l, h)| l.is_finite() && h.is_finite()).map(|(l, h)| (k, l, h)))
            .collect();
        chart
            .draw_series(whiskers.iter().map(|&(k, low, high)| {
                PathElement::new(
                    vec![(SegmentValue::CenterOf(k), low), (SegmentValue::CenterOf(k), high)],
                    BLACK.stroke_width(2),
                )
            }))
            .map_err(|e| e.to_string())?;
        chart
            .draw_series(whiskers.iter().flat_map(|&(k, low, high)| [(k, low), (k, high)]).map(|(k, y)| {
                EmptyElement::at((SegmentValue::CenterOf(k), y))
                    + PathElement::new(vec![(-8, 0), (8, 0)], BLACK.stroke_width(2))
            }))
            .map_err(|e| e.to_string())?;
        chart
            .draw_series(self.bars.iter().enumerate().map(|(k, b)| {
                let centred =
                    TextStyle::from(("sans-serif", 15).into_font()).pos(plotters::style::text_anchor::Pos::new(
                        plotters::style::text_anchor::HPos::Center,
                        plotters::style::text_anchor::VPos::Bottom,
                    ));
                let above = b.interval.map_or(b.value, |i| i.1.max(b.value));
                let (text, at) = if b.value.is_finite() {
                    (format!("{:.decimals$}", b.value), if above.is_finite() { above } else { b.value })
                } else {
                    ("n/a".to_string(), 0.0)
                };
                Text::new(text, (SegmentValue::CenterOf(k), at + top * 0.005), centred)
            }))
            .map_err(|e| e.to_string())?;
        if let Some((level, label)) = &self.reference {
            let (first, last) = (SegmentValue::Exact(0), SegmentValue::Exact(n));
            chart
                .draw_series(DashedLineSeries::new(
                    vec![(first, *level), (last, *level)],
                    10,
                    6,
                    BLACK.mix(0.7).stroke_width(2),
                ))
                .map_err(|e| e.to_string())?;
            let left = TextStyle::from(("sans-serif", 15).into_font()).pos(plotters::style::text_anchor::Pos::new(
                plotters::style::text_anchor::HPos::Left,
                plotters::style::text_anchor::VPos::Bottom,
            ));
            chart
                .draw_series(std::iter::once(Text::new(
                    format!("{label}: {level:.decimals$}"),
                    (SegmentValue::Exact(n - 1), *level + top * 0.01),
                    left,
                )))
                .map_err(|e| e.to_string())?;
        }
        Ok(())
    }
}

/// One line through `(x, y)` points with markers, titled and labelled.
pub fn line_chart(
    points: &[(f64, f64)],
    title: &str,
    x_label: &str,
    y_label: &str,
    path: impl AsRef<Path>,
) -> Result<()> {
    lines(&[(points, "")], title, x_label, y_label, path)
}

/// Lines through `(x, y)` points with markers, one per `(points, name)`
/// series (a legend when they have names), titled and labelled.
pub fn lines(
    series: &[(&[(f64, f64)], &str)],
    title: &str,
    x_label: &str,
    y_label: &str,
    path: impl AsRef<Path>,
) -> Result<()> {
    let path = path.as_ref();
    if series.is_empty() || series.iter().all(|(p, _)| p.is_empty()) {
        return Err(SaspError::NothingToPlot("no points".into()));
    }
    let all = || series.iter().flat_map(|(p, _)| p.iter());
    let (x0, x1) = all().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), p| (a.min(p.0), b.max(p.0)));
    // One x value: an axis of width 2 around it.
    let (x0, x1) = if x1 > x0 { (x0, x1) } else { (x0 - 1.0, x1 + 1.0) };
    let y1 = all().map(|p| p.1).fold(f64::NEG_INFINITY, f64::max).max(1e-9) * 1.1;
    render(path, (1000, 650), &LineChart { series, title, x_label, y_label, x0, x1, y1 })
}

struct LineChart<'a> {
    series: &'a [(&'a [(f64, f64)], &'a str)],
    title: &'a str,
    x_label: &'a str,
    y_label: &'a str,
    x0: f64,
    x1: f64,
    y1: f64,
}

impl Chart for LineChart<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> std::result::Result<(), String>
    where
        DB::ErrorType: 'static,
    {
        let LineChart { series, title, x_label, y_label, x0, x1, y1 } = *self;
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let mut chart = ChartBuilder::on(root)
            .caption(title, ("sans-serif", 26))
            .margin(20)
            .x_label_area_size(60)
            .y_label_area_size(90)
            .build_cartesian_2d(x0..x1, 0.0..y1)
            .map_err(|e| e.to_string())?;
        chart
            .configure_mesh()
            .x_desc(x_label)
            .y_desc(y_label)
            .axis_desc_style(("sans-serif", 20))
            .label_style(("sans-serif", 16))
            .y_label_formatter(&|v| if y1 < 10.0 { format!("{v:.2}") } else { format!("{v:.0}") })
            .light_line_style(WHITE.mix(0.0))
            .draw()
            .map_err(|e| e.to_string())?;
        for (k, (points, name)) in series.iter().enumerate() {
            let style = ShapeStyle::from(colour(k)).stroke_width(3);
            let line = chart.draw_series(LineSeries::new(points.iter().copied(), style)).map_err(|e| e.to_string())?;
            if !name.is_empty() {
                line.label(*name).legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], style));
            }
            chart
                .draw_series(points.iter().map(|&p| Circle::new(p, 5, colour(k).filled())))
                .map_err(|e| e.to_string())?;
        }
        if series.iter().any(|(_, name)| !name.is_empty()) {
            chart
                .configure_series_labels()
                .background_style(WHITE.mix(0.8))
                .border_style(BLACK)
                .label_font(("sans-serif", 18))
                .draw()
                .map_err(|e| e.to_string())?;
        }
        Ok(())
    }
}

/// One row of [`field_maps`]: a quantity (label with its unit) at several
/// times, drawn with one colour scale.
pub struct FieldRow<'a> {
    /// What the maps show, with unit (e.g. "CCL2 (nM)").
    pub label: &'a str,
    /// One field per column, rows of the array along the first grid axis.
    pub fields: Vec<ndarray::ArrayView2<'a, f64>>,
}

/// Maps of fields on a grid of side `extent` (mm): one row per quantity, one
/// column per time (`column_titles`), each row on its own viridis colour
/// scale with a colour bar.
pub fn field_maps(
    rows: &[FieldRow],
    column_titles: &[String],
    extent: f64,
    title: &str,
    path: impl AsRef<Path>,
) -> Result<()> {
    let path = path.as_ref();
    let columns = column_titles.len();
    if rows.is_empty() || columns == 0 || rows.iter().any(|r| r.fields.len() != columns) {
        return Err(SaspError::InvalidOptions(format!(
            "field maps need one field per column ({columns}) in every row ({} rows)",
            rows.len()
        )));
    }
    let size = (360 * columns as u32 + 170, 330 * rows.len() as u32 + 70);
    render(path, size, &FieldMaps { rows, column_titles, extent, title })
}

struct FieldMaps<'a, 'f> {
    rows: &'a [FieldRow<'f>],
    column_titles: &'a [String],
    extent: f64,
    title: &'a str,
}

/// The finite range of some values (a flat range is widened so it can be drawn).
fn value_range<'v>(values: impl Iterator<Item = &'v f64>) -> (f64, f64) {
    let (lo, hi) = values
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &v| (lo.min(v), hi.max(v)));
    match (lo.is_finite(), hi > lo) {
        (false, _) => (0.0, 1.0),
        (true, true) => (lo, hi),
        (true, false) => (lo - 0.5 * lo.abs().max(1e-12), hi + 0.5 * hi.abs().max(1e-12)),
    }
}

fn viridis(value: f64, (lo, hi): (f64, f64)) -> RGBColor {
    use plotters::style::colors::colormaps::{ColorMap, ViridisRGB};
    let h = ((value - lo) / (hi - lo)).clamp(0.0, 1.0);
    ViridisRGB.get_color(h as f32)
}

/// A vertical colour bar for `range`, labelled `label`.
fn colour_bar<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    range: (f64, f64),
    label: &str,
) -> std::result::Result<(), String>
where
    DB::ErrorType: 'static,
{
    let mut bar = ChartBuilder::on(area)
        .margin_top(30)
        .margin_bottom(30)
        .margin_right(10)
        .y_label_area_size(70)
        .build_cartesian_2d(0.0..1.0, range.0..range.1)
        .map_err(|e| e.to_string())?;
    bar.configure_mesh()
        .disable_x_mesh()
        .disable_x_axis()
        .y_desc(label)
        .axis_desc_style(("sans-serif", 15))
        .label_style(("sans-serif", 13))
        .y_label_formatter(&|v| {
            let span = (range.1 - range.0).abs();
            if span >= 100.0 {
                format!("{v:.0}")
            } else if span >= 1.0 {
                format!("{v:.2}")
            } else {
                format!("{v:.3}")
            }
        })
        .light_line_style(WHITE.mix(0.0))
        .draw()
        .map_err(|e| e.to_string())?;
    let steps = 100;
    let dv = (range.1 - range.0) / steps as f64;
    bar.draw_series((0..steps).map(|k| {
        let v = range.0 + k as f64 * dv;
        Rectangle::new([(0.0, v), (1.0, v + dv)], viridis(v + 0.5 * dv, range).filled())
    }))
    .map_err(|e| e.to_string())?;
    Ok(())
}

impl Chart for FieldMaps<'_, '_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> std::result::Result<(), String>
    where
        DB::ErrorType: 'static,
    {
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let root = root.titled(self.title, ("sans-serif", 26)).map_err(|e| e.to_string())?;
        let (width, _) = root.dim_in_pixel();
        for (row, area) in self.rows.iter().zip(root.split_evenly((self.rows.len(), 1))) {
            let range = value_range(row.fields.iter().flat_map(|f| f.iter()));
            let (maps, bar) = area.split_horizontally(width - 170);
            for ((field, title), panel) in
                row.fields.iter().zip(self.column_titles).zip(maps.split_evenly((1, self.column_titles.len())))
            {
                let (nx, ny) = field.dim();
                let (hx, hy) = (self.extent / nx as f64, self.extent / ny as f64);
                let mut chart = ChartBuilder::on(&panel)
                    .caption(format!("{} — {title}", row.label), ("sans-serif", 16))
                    .margin(8)
                    .x_label_area_size(28)
                    .y_label_area_size(36)
                    .build_cartesian_2d(0.0..self.extent, 0.0..self.extent)
                    .map_err(|e| e.to_string())?;
                chart
                    .configure_mesh()
                    .disable_mesh()
                    .x_labels(5)
                    .y_labels(5)
                    .label_style(("sans-serif", 12))
                    .x_label_formatter(&|v| format!("{v:.0} mm"))
                    .y_label_formatter(&|v| format!("{v:.0}"))
                    .draw()
                    .map_err(|e| e.to_string())?;
                chart
                    .draw_series(field.indexed_iter().map(|((i, j), &v)| {
                        let (x, y) = (i as f64 * hx, j as f64 * hy);
                        Rectangle::new([(x, y), (x + hx, y + hy)], viridis(v, range).filled())
                    }))
                    .map_err(|e| e.to_string())?;
            }
            colour_bar(&bar, range, row.label)?;
        }
        Ok(())
    }
}

/// A heatmap of `values` (rows along y, labelled `y_labels`; columns along x,
/// labelled `x_labels`), each cell printed with its value (grey "n/a" where
/// it is not finite), with a colour bar labelled `value_label`.
pub fn heatmap(
    values: ndarray::ArrayView2<f64>,
    x_labels: &[String],
    y_labels: &[String],
    axis_labels: (&str, &str),
    value_label: &str,
    title: &str,
    path: impl AsRef<Path>,
) -> Result<()> {
    let path = path.as_ref();
    if values.dim() != (y_labels.len(), x_labels.len()) || values.is_empty() {
        return Err(SaspError::InvalidOptions(format!(
            "heatmap of {:?} values needs {} × {} labels",
            values.dim(),
            y_labels.len(),
            x_labels.len()
        )));
    }
    render(path, (1100, 650), &Heatmap { values, x_labels, y_labels, axis_labels, value_label, title })
}

struct Heatmap<'a, 'v> {
    values: ndarray::ArrayView2<'v, f64>,
    x_labels: &'a [String],
    y_labels: &'a [String],
    axis_labels: (&'a str, &'a str),
    value_label: &'a str,
    title: &'a str,
}

impl Chart for Heatmap<'_, '_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> std::result::Result<(), String>
    where
        DB::ErrorType: 'static,
    {
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let root = root.titled(self.title, ("sans-serif", 24)).map_err(|e| e.to_string())?;
        let (width, _) = root.dim_in_pixel();
        let (main, bar) = root.split_horizontally(width - 170);
        let range = value_range(self.values.iter());
        let (rows, cols) = self.values.dim();
        let mut chart = ChartBuilder::on(&main)
            .margin(15)
            .x_label_area_size(60)
            .y_label_area_size(90)
            .build_cartesian_2d(0.0..cols as f64, 0.0..rows as f64)
            .map_err(|e| e.to_string())?;
        let label_at = |labels: &'_ [String], v: f64| -> String {
            let k = (v - 0.5).round();
            if (v - 0.5 - k).abs() < 1e-6 && k >= 0.0 && (k as usize) < labels.len() {
                labels[k as usize].clone()
            } else {
                String::new()
            }
        };
        chart
            .configure_mesh()
            .disable_mesh()
            .x_labels(2 * cols + 1)
            .y_labels(2 * rows + 1)
            .x_label_formatter(&|v| label_at(self.x_labels, *v))
            .y_label_formatter(&|v| label_at(self.y_labels, *v))
            .x_desc(self.axis_labels.0)
            .y_desc(self.axis_labels.1)
            .axis_desc_style(("sans-serif", 18))
            .label_style(("sans-serif", 14))
            .draw()
            .map_err(|e| e.to_string())?;
        chart
            .draw_series(self.values.indexed_iter().map(|((i, j), &v)| {
                let fill = if v.is_finite() { viridis(v, range) } else { RGBColor(220, 220, 220) };
                Rectangle::new([(j as f64, i as f64), (j as f64 + 1.0, i as f64 + 1.0)], fill.filled())
            }))
            .map_err(|e| e.to_string())?;
        let mid = 0.5 * (range.0 + range.1);
        chart
            .draw_series(self.values.indexed_iter().map(|((i, j), &v)| {
                let ink = if v > mid || !v.is_finite() { BLACK } else { WHITE };
                let text = if v.is_finite() { format!("{v:.3}") } else { "n/a".to_string() };
                Text::new(text, (j as f64 + 0.25, i as f64 + 0.6), ("sans-serif", 12).into_font().color(&ink))
            }))
            .map_err(|e| e.to_string())?;
        colour_bar(&bar, range, self.value_label)
    }
}
