//! Multi-panel line figures: each panel answers one question with a few
//! series, drawn in a colour-blind-safe palette with line styles, on linear
//! or log axes, with an optional detection floor below which values are not
//! drawn (the crossing is marked instead), reference lines and event marks
//! kept off the data.

use super::{render, Chart};
use crate::error::{Result, SaspError};
use plotters::coord::ranged1d::{AsRangedCoord, Ranged, ValueFormatter};
use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use std::path::Path;

/// The Okabe–Ito palette (distinguishable with every common colour-vision
/// deficiency), without its yellow, which is too light on white.
pub const OKABE_ITO: [RGBColor; 7] = [
    RGBColor(0, 0, 0),
    RGBColor(230, 159, 0),
    RGBColor(86, 180, 233),
    RGBColor(0, 158, 115),
    RGBColor(0, 114, 178),
    RGBColor(213, 94, 0),
    RGBColor(204, 121, 167),
];

/// Grey for reference series (e.g. an untreated arm drawn for comparison).
pub const GREY: RGBColor = RGBColor(140, 140, 140);

/// How a line is stroked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dash {
    /// A continuous line.
    Solid,
    /// Long dashes.
    Dashed,
    /// Short dashes, close together.
    Dotted,
    /// Very long dashes with short gaps.
    LongDash,
}

/// The look of one series.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LineStyle {
    /// Colour.
    pub colour: RGBColor,
    /// Stroke pattern.
    pub dash: Dash,
    /// Width in pixels.
    pub width: u32,
}

impl LineStyle {
    /// A line of `colour` and `dash`, 3 pixels wide.
    pub fn new(colour: RGBColor, dash: Dash) -> LineStyle {
        LineStyle { colour, dash, width: 3 }
    }

    /// Series `k` of a figure whose styles are not chosen: the palette's
    /// colours in turn, then again with dashes.
    pub fn nth(k: usize) -> LineStyle {
        let dashes = [Dash::Solid, Dash::Dashed, Dash::Dotted, Dash::LongDash];
        LineStyle::new(OKABE_ITO[k % OKABE_ITO.len()], dashes[(k / OKABE_ITO.len()) % dashes.len()])
    }

    /// (dash, gap) in pixels, for the dashed kinds.
    fn pattern(&self) -> Option<(u32, u32)> {
        match self.dash {
            Dash::Solid => None,
            Dash::Dashed => Some((14, 8)),
            Dash::Dotted => Some((4, 5)),
            Dash::LongDash => Some((26, 6)),
        }
    }
}

/// One line: `(x, y)` points (a non-finite `y` leaves a gap), its legend
/// label and its look.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    /// Legend label (empty: no legend entry).
    pub label: String,
    /// The points, in increasing `x`.
    pub points: Vec<(f64, f64)>,
    /// The look.
    pub style: LineStyle,
}

/// A horizontal line below which values are not drawn (e.g. a detection
/// limit on a log axis); where a series falls through it, a downward
/// triangle marks the crossing.
#[derive(Clone, Debug, PartialEq)]
pub struct Floor {
    /// The value of the floor.
    pub value: f64,
    /// Its label, written on the line.
    pub label: String,
    /// The legend entry of the crossing marks.
    pub crossing: String,
}

/// A shaded band between two curves (e.g. the 5–95 % quantiles of a
/// prediction over a parameter distribution): `(x, low, high)` points in
/// increasing `x`; where either bound is not finite the band has a gap, and
/// it is clipped to the panel's range (and floor).
#[derive(Clone, Debug, PartialEq)]
pub struct Band {
    /// Legend label (`None`: no legend entry).
    pub label: Option<String>,
    /// The points `(x, low, high)`.
    pub points: Vec<(f64, f64, f64)>,
    /// Its colour.
    pub colour: RGBColor,
    /// Its opacity in (0, 1]: bands drawn over one another add up.
    pub opacity: f64,
}

/// One panel: a title (the question it answers), axes and series.
#[derive(Clone, Debug, PartialEq)]
pub struct Panel {
    /// Title above the panel.
    pub title: String,
    /// The series.
    pub series: Vec<Series>,
    /// Shaded bands, drawn beneath the series.
    pub bands: Vec<Band>,
    /// The `y` range; from the data when `None`.
    pub y_range: Option<(f64, f64)>,
    /// Values below this are not drawn; the crossings are marked.
    pub floor: Option<Floor>,
    /// Vertical reference lines, `(x, label)` (e.g. the start of a treatment).
    pub marks: Vec<(f64, String)>,
    /// Horizontal reference lines, `(y, label)` (e.g. an untreated level).
    pub levels: Vec<(f64, String)>,
    /// Event times drawn as small triangles along the top edge of the plot,
    /// with their legend label (e.g. antibody doses); choose `y_range` so no
    /// data reaches there.
    pub events: Option<(Vec<f64>, String)>,
}

impl Panel {
    /// A panel titled `title` with `series` and nothing else.
    pub fn new(title: impl Into<String>, series: Vec<Series>) -> Panel {
        Panel {
            title: title.into(),
            series,
            bands: Vec::new(),
            y_range: None,
            floor: None,
            marks: Vec::new(),
            levels: Vec::new(),
            events: None,
        }
    }
}

/// A row of panels sharing the `x` axis range and the axis labels.
#[derive(Clone, Debug, PartialEq)]
pub struct Figure {
    /// Title above the panels.
    pub title: String,
    /// Label of every `x` axis.
    pub x_label: String,
    /// Label of every `y` axis.
    pub y_label: String,
    /// Log scale on `y`.
    pub log_y: bool,
    /// The panels, left to right.
    pub panels: Vec<Panel>,
    /// Size of the image in pixels; `None`: 620 × 640 per panel.
    pub size: Option<(u32, u32)>,
}

/// Draws `figure` into `path` (`.png` or `.svg`), atomically.
pub fn draw(figure: &Figure, path: impl AsRef<Path>) -> Result<()> {
    let path = path.as_ref();
    let points = || figure.panels.iter().flat_map(|p| &p.series).flat_map(|s| &s.points);
    if figure.panels.is_empty() || points().all(|p| !(p.0.is_finite() && p.1.is_finite())) {
        return Err(SaspError::NothingToPlot(format!("no finite points in '{}'", figure.title)));
    }
    let size = figure.size.unwrap_or((620 * figure.panels.len() as u32, 640));
    render(path, size, figure)
}

/// The finite `x` range of the figure's points.
fn x_range(figure: &Figure) -> (f64, f64) {
    let xs = figure.panels.iter().flat_map(|p| &p.series).flat_map(|s| &s.points).map(|p| p.0);
    let (lo, hi) =
        xs.filter(|x| x.is_finite()).fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| (a.min(x), b.max(x)));
    if hi > lo {
        (lo, hi)
    } else {
        (lo - 1.0, lo + 1.0)
    }
}

/// The `y` range of a panel: its own, or from its drawable points with a margin.
fn y_range(panel: &Panel, log: bool) -> (f64, f64) {
    if let Some(r) = panel.y_range {
        return r;
    }
    let floor = panel.floor.as_ref().map_or(f64::NEG_INFINITY, |f| f.value);
    let ys = panel.series.iter().flat_map(|s| &s.points).map(|p| p.1);
    let ys = ys.chain(panel.levels.iter().map(|l| l.0));
    let (lo, hi) = ys
        .filter(|y| y.is_finite() && *y >= floor && (!log || *y > 0.0))
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), y| (a.min(y), b.max(y)));
    let lo = if panel.floor.is_some() { lo.min(floor) } else { lo };
    match (lo.is_finite(), log) {
        (false, true) => (0.1, 10.0),
        (false, false) => (0.0, 1.0),
        (true, true) => (lo / 2.0, hi * 3.0),
        (true, false) => (lo.min(0.0), if hi > lo { hi * 1.1 } else { lo + 1.0 }),
    }
}

fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

impl Chart for Figure {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> std::result::Result<(), String>
    where
        DB::ErrorType: 'static,
    {
        root.fill(&WHITE).map_err(err)?;
        let root = root.titled(&self.title, ("sans-serif", 28)).map_err(err)?;
        let (x0, x1) = x_range(self);
        for (panel, area) in self.panels.iter().zip(root.split_evenly((1, self.panels.len()))) {
            let (y0, y1) = y_range(panel, self.log_y);
            if self.log_y {
                draw_panel(self, panel, &area, x0..x1, (y0.max(f64::MIN_POSITIVE)..y1).log_scale())?;
            } else {
                draw_panel(self, panel, &area, x0..x1, y0..y1)?;
            }
        }
        Ok(())
    }
}

/// Height of the legend strip below each panel, for `entries` entries in two columns.
fn legend_height(entries: usize) -> u32 {
    (entries.div_ceil(2) as u32) * 24 + 12
}

fn draw_panel<DB, Y>(
    figure: &Figure,
    panel: &Panel,
    area: &DrawingArea<DB, Shift>,
    x: std::ops::Range<f64>,
    y: Y,
) -> std::result::Result<(), String>
where
    DB: DrawingBackend,
    DB::ErrorType: 'static,
    Y: AsRangedCoord<Value = f64>,
    Y::CoordDescType: Ranged<ValueType = f64> + ValueFormatter<f64>,
{
    let crossings: Vec<(f64, LineStyle)> = match &panel.floor {
        Some(f) => panel
            .series
            .iter()
            .flat_map(|s| crossings_of(&s.points, f.value, figure.log_y).into_iter().map(|t| (t, s.style)))
            .collect(),
        None => Vec::new(),
    };
    let mut entries: Vec<(String, Option<LineStyle>, Marker)> = panel
        .series
        .iter()
        .filter(|s| !s.label.is_empty())
        .map(|s| (s.label.clone(), Some(s.style), Marker::None))
        .collect();
    for band in &panel.bands {
        if let Some(label) = &band.label {
            entries.push((label.clone(), Some(LineStyle::new(band.colour, Dash::Solid)), Marker::Band));
        }
    }
    if let Some((_, label)) = &panel.events {
        entries.push((label.clone(), None, Marker::Event));
    }
    if let (Some(f), false) = (&panel.floor, crossings.is_empty()) {
        entries.push((f.crossing.clone(), None, Marker::Crossing));
    }
    let (_, height) = area.dim_in_pixel();
    let (plot_area, legend_area) = area.split_vertically(height.saturating_sub(legend_height(entries.len())));
    let mut chart = ChartBuilder::on(&plot_area)
        .caption(&panel.title, ("sans-serif", 21))
        .margin(12)
        .x_label_area_size(48)
        .y_label_area_size(72)
        .build_cartesian_2d(x.clone(), y)
        .map_err(err)?;
    let log = figure.log_y;
    chart
        .configure_mesh()
        .x_desc(&figure.x_label)
        .y_desc(&figure.y_label)
        .axis_desc_style(("sans-serif", 18))
        .label_style(("sans-serif", 15))
        .x_label_formatter(&|v| axis_number(*v, false))
        .y_label_formatter(&|v| axis_number(*v, log))
        .light_line_style(BLACK.mix(0.04))
        .bold_line_style(BLACK.mix(0.12))
        .draw()
        .map_err(err)?;
    let (ylo, yhi) = {
        let r = chart.plotting_area().get_y_range();
        (r.start, r.end)
    };
    for (at, label) in &panel.marks {
        chart
            .draw_series(DashedLineSeries::new(vec![(*at, ylo), (*at, yhi)], 6, 6, BLACK.mix(0.6).stroke_width(1)))
            .map_err(err)?;
        // The label goes below the event strip along the top edge.
        let c = chart.backend_coord(&(*at, yhi));
        let base = plot_area.get_base_pixel();
        plot_area
            .draw(&Text::new(label.clone(), (c.0 - base.0 + 3, c.1 - base.1 + 22), side_label(14)))
            .map_err(err)?;
    }
    for (level, label) in &panel.levels {
        chart
            .draw_series(DashedLineSeries::new(vec![(x.start, *level), (x.end, *level)], 3, 5, GREY.stroke_width(2)))
            .map_err(err)?;
        chart
            .draw_series(std::iter::once(Text::new(label.clone(), (x.start, *level), above_label(14))))
            .map_err(err)?;
    }
    if let Some(f) = &panel.floor {
        chart
            .draw_series(DashedLineSeries::new(vec![(x.start, f.value), (x.end, f.value)], 2, 4, BLACK.stroke_width(1)))
            .map_err(err)?;
        chart
            .draw_series(std::iter::once(Text::new(f.label.clone(), (x.start, f.value), above_label(14))))
            .map_err(err)?;
    }
    // On a log axis nothing below the range's bottom can be drawn either.
    let bottom = if log { ylo } else { f64::NEG_INFINITY };
    let floor = panel.floor.as_ref().map_or(bottom, |f| f.value.max(bottom));
    for band in &panel.bands {
        let colour = band.colour.mix(band.opacity.clamp(0.0, 1.0));
        for run in band_runs(&band.points, floor, yhi, log) {
            let outline: Vec<(f64, f64)> =
                run.iter().map(|p| (p.0, p.2)).chain(run.iter().rev().map(|p| (p.0, p.1))).collect();
            chart.draw_series(std::iter::once(Polygon::new(outline, colour.filled()))).map_err(err)?;
        }
    }
    for s in &panel.series {
        for run in drawable_runs(&s.points, floor, log) {
            stroke(&mut chart, &run, s.style)?;
        }
    }
    for (t, style) in &crossings {
        // A downward triangle resting on the floor (plotters' marker points up).
        let c = chart.backend_coord(&(*t, floor));
        let base = plot_area.get_base_pixel();
        let (cx, cy) = (c.0 - base.0, c.1 - base.1);
        plot_area
            .draw(&Polygon::new(vec![(cx - 8, cy - 14), (cx + 8, cy - 14), (cx, cy)], style.colour.filled()))
            .map_err(err)?;
    }
    if let Some((times, _)) = &panel.events {
        let base = plot_area.get_base_pixel();
        for &t in times.iter().filter(|t| x.contains(t)) {
            let c = chart.backend_coord(&(t, yhi));
            // Inside the top edge of the plot, above every value the panel's range is chosen for.
            let (cx, cy) = (c.0 - base.0, c.1 - base.1 + 16);
            plot_area
                .draw(&Polygon::new(vec![(cx - 5, cy - 12), (cx + 5, cy - 12), (cx, cy)], BLACK.filled()))
                .map_err(err)?;
        }
    }
    draw_legend(&legend_area, &entries)
}

/// What a legend entry shows beside its label.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Marker {
    None,
    Event,
    Crossing,
    Band,
}

fn draw_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    entries: &[(String, Option<LineStyle>, Marker)],
) -> std::result::Result<(), String>
where
    DB::ErrorType: 'static,
{
    let (width, _) = area.dim_in_pixel();
    let column = (width as i32 - 90) / 2;
    let font = ("sans-serif", 15).into_font().color(&BLACK);
    for (k, (label, style, marker)) in entries.iter().enumerate() {
        let (x, y) = (84 + (k as i32 % 2) * column, 12 + (k as i32 / 2) * 24);
        match (style, marker) {
            (Some(s), Marker::Band) => {
                area.draw(&Rectangle::new([(x, y - 7), (x + 40, y + 7)], s.colour.mix(0.3).filled())).map_err(err)?;
            }
            (Some(s), _) => {
                let points = vec![(x, y), (x + 40, y)];
                match s.pattern() {
                    None => area.draw(&PathElement::new(points, s.colour.stroke_width(s.width))),
                    Some((d, g)) => area.draw(&DashedPathElement::new(points, d, g, s.colour.stroke_width(s.width))),
                }
                .map_err(err)?;
            }
            (None, Marker::Event) => {
                area.draw(&Polygon::new(vec![(x + 15, y - 6), (x + 25, y - 6), (x + 20, y + 6)], BLACK.filled()))
                    .map_err(err)?;
            }
            (None, _) => {
                area.draw(&Polygon::new(vec![(x + 12, y - 7), (x + 28, y - 7), (x + 20, y + 7)], GREY.filled()))
                    .map_err(err)?;
            }
        }
        area.draw(&Text::new(label.clone(), (x + 48, y - 8), font.clone())).map_err(err)?;
    }
    Ok(())
}

/// Strokes one run of points in `style`.
fn stroke<DB, X, Y>(
    chart: &mut ChartContext<'_, DB, Cartesian2d<X, Y>>,
    run: &[(f64, f64)],
    style: LineStyle,
) -> std::result::Result<(), String>
where
    DB: DrawingBackend,
    DB::ErrorType: 'static,
    X: Ranged<ValueType = f64>,
    Y: Ranged<ValueType = f64>,
{
    let shape = style.colour.stroke_width(style.width);
    match style.pattern() {
        None => chart.draw_series(LineSeries::new(run.iter().copied(), shape)).map(|_| ()),
        Some((d, g)) => chart.draw_series(DashedLineSeries::new(run.iter().copied(), d, g, shape)).map(|_| ()),
    }
    .map_err(err)
}

/// The maximal runs of a band's points whose bounds are finite (and
/// positive on a log axis), each bound clipped to `[floor, top]`.
fn band_runs(points: &[(f64, f64, f64)], floor: f64, top: f64, log: bool) -> Vec<Vec<(f64, f64, f64)>> {
    let ok = |p: &(f64, f64, f64)| {
        p.0.is_finite() && p.1.is_finite() && p.2.is_finite() && p.2 >= p.1 && (!log || p.2 > 0.0)
    };
    let clip = |v: f64| v.clamp(floor, top);
    let mut runs = Vec::new();
    let mut run: Vec<(f64, f64, f64)> = Vec::new();
    for p in points {
        if ok(p) && p.2 >= floor {
            run.push((p.0, clip(p.1), clip(p.2)));
        } else if !run.is_empty() {
            if run.len() > 1 {
                runs.push(std::mem::take(&mut run));
            }
            run.clear();
        }
    }
    if run.len() > 1 {
        runs.push(run);
    }
    runs
}

/// The maximal runs of points that can be drawn: finite and at or above
/// `floor`; a run that ends by falling through the floor is carried down to
/// the crossing.
fn drawable_runs(points: &[(f64, f64)], floor: f64, log: bool) -> Vec<Vec<(f64, f64)>> {
    let ok = |p: &(f64, f64)| p.0.is_finite() && p.1.is_finite() && p.1 >= floor && (!log || p.1 > 0.0);
    let mut runs: Vec<Vec<(f64, f64)>> = Vec::new();
    let mut run: Vec<(f64, f64)> = Vec::new();
    for p in points {
        if ok(p) {
            run.push(*p);
            continue;
        }
        if let (Some(&last), true) = (run.last(), p.0.is_finite() && p.1 < floor) {
            // Carried down to the floor, unless the run already ends on it.
            if last.1 > floor {
                run.push((crossing(last, *p, floor, log), floor));
            }
        }
        if run.len() > 1 {
            runs.push(std::mem::take(&mut run));
        }
        run.clear();
    }
    if run.len() > 1 {
        runs.push(run);
    }
    runs
}

/// The time at which the line from `a` (at or above `floor`) to `b` (below
/// it) reaches the floor: interpolated in `log y` on log axes where both
/// values are positive, linearly otherwise.
fn crossing(a: (f64, f64), b: (f64, f64), floor: f64, log: bool) -> f64 {
    let (t0, v0, t1, v1) = (a.0, a.1, b.0, b.1);
    let s = if log && v1 > 0.0 && floor > 0.0 && v0 > v1 {
        (v0.ln() - floor.ln()) / (v0.ln() - v1.ln())
    } else if v1.is_finite() && v0 > v1 {
        (v0 - floor) / (v0 - v1)
    } else {
        1.0
    };
    t0 + s.clamp(0.0, 1.0) * (t1 - t0)
}

/// Where the series falls through `floor` (downward crossings), interpolated
/// between the samples on either side (in `log y` when `log`).
pub fn crossings_of(points: &[(f64, f64)], floor: f64, log: bool) -> Vec<f64> {
    points
        .windows(2)
        .filter(|w| w[0].1 >= floor && w[1].1 < floor && w[0].0.is_finite() && w[1].0.is_finite())
        .map(|w| crossing(w[0], w[1], floor, log))
        .collect()
}

/// An axis label: on log axes powers of ten as `10ⁿ` beyond 10⁴ and below
/// 10⁻², other values in their shortest form; on linear axes integers
/// plainly and other values in their shortest form to 10⁻⁶.
fn axis_number(v: f64, log: bool) -> String {
    if log && v > 0.0 {
        let exponent = v.log10().round();
        if (v.log10() - exponent).abs() < 1e-9 && !(-2.0..=4.0).contains(&exponent) {
            let digits: String = format!("{}", exponent as i64)
                .chars()
                .map(|c| match c {
                    '-' => '⁻',
                    d => ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'][d.to_digit(10).unwrap_or(0) as usize],
                })
                .collect();
            return format!("10{digits}");
        }
        return format!("{}", (v * 1e6).round() / 1e6);
    }
    if (v - v.round()).abs() < 1e-9 * v.abs().max(1.0) {
        format!("{v:.0}")
    } else {
        format!("{}", (v * 1e6).round() / 1e6)
    }
}

fn side_label(size: u32) -> TextStyle<'static> {
    use plotters::style::text_anchor::{HPos, Pos, VPos};
    TextStyle::from(("sans-serif", size).into_font()).pos(Pos::new(HPos::Left, VPos::Top))
}

fn above_label(size: u32) -> TextStyle<'static> {
    use plotters::style::text_anchor::{HPos, Pos, VPos};
    TextStyle::from(("sans-serif", size).into_font()).pos(Pos::new(HPos::Left, VPos::Bottom))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crossings_interpolate_between_samples() {
        let points = [(0.0, 2.0), (1.0, 1.0), (2.0, 0.0), (3.0, 0.5), (4.0, 0.05)];
        let c = crossings_of(&points, 0.5, false);
        assert_eq!(c.len(), 2);
        assert!((c[0] - 1.5).abs() < 1e-12);
        assert!((c[1] - 3.0).abs() < 1e-12, "{c:?}");
        // On a log axis, 1 → 0.25 reaches 0.5 halfway in log y.
        let log = crossings_of(&[(0.0, 1.0), (1.0, 0.25)], 0.5, true);
        assert!((log[0] - 0.5).abs() < 1e-12, "{log:?}");
        // Runs stop at the floor: the first run is carried down to the crossing.
        let runs = drawable_runs(&points, 0.5, false);
        assert_eq!(axis_number(1e6, true), "10⁶");
        assert_eq!(axis_number(1e-3, true), "10⁻³");
        assert_eq!(axis_number(0.1, true), "0.1");
        assert_eq!(axis_number(100.0, true), "100");
        // Linear axes: integers plainly, fractions in their shortest form.
        assert_eq!(axis_number(21.0, false), "21");
        assert_eq!(axis_number(2.5, false), "2.5");
        assert_eq!(axis_number(0.95, false), "0.95");
        assert_eq!(axis_number(0.1 + 0.2, false), "0.3");
        assert_eq!(runs, vec![vec![(0.0, 2.0), (1.0, 1.0), (1.5, 0.5)]]);
    }
}
