//! One figure per declared observable: its time course in every arm.
//!
//! What [`write()`] draws follows the experiment's declarations and nothing
//! else: a figure per shown observable (`<name>.png` or `.svg`), titled by
//! its name, the `y` axis labelled with its unit, one line per arm in the
//! palette's order, the reference day marked. Undefined values (NaN: a
//! ratio below its limit) leave gaps. A log axis is used when every defined
//! value is positive and they span more than three decades.

use super::figure::{self, Figure, LineStyle, Panel, Series};
use crate::error::{Result, SaspError};
use crate::experiment::ArmResult;
use std::path::{Path, PathBuf};

/// The file name of observable `name` with extension `ext`: characters
/// other than ASCII letters, digits, `_` and `-` become `_`.
pub fn file_name(name: &str, ext: &str) -> String {
    let stem: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' || c == '-' { c } else { '_' }).collect();
    format!("{stem}.{ext}")
}

/// Draws every observable of `results` (all arms of one experiment, which
/// report the same observables) into `dir`, as `<name>.<ext>` (`ext` is
/// `png` or `svg`), marking `reference_day`; returns the files written.
/// Two observables whose file names would coincide are refused.
pub fn write(results: &[ArmResult], reference_day: f64, dir: &Path, ext: &str) -> Result<Vec<PathBuf>> {
    let first = results.first().ok_or_else(|| SaspError::InvalidOptions("no arm results to plot".to_string()))?;
    let mut written: Vec<PathBuf> = Vec::new();
    for observable in &first.observables {
        let path = dir.join(file_name(&observable.name, ext));
        if written.contains(&path) {
            return Err(SaspError::InvalidOptions(format!(
                "observable '{}' would be drawn into {}, which another observable's figure already uses",
                observable.name,
                path.display()
            )));
        }
        figure::draw(&observable_figure(results, &observable.name, &observable.unit, reference_day)?, &path)?;
        written.push(path);
    }
    Ok(written)
}

/// The figure of one observable.
fn observable_figure(results: &[ArmResult], name: &str, unit: &str, reference_day: f64) -> Result<Figure> {
    let series = results
        .iter()
        .enumerate()
        .map(|(k, r)| {
            let values = r.series(name)?;
            Ok(Series {
                label: r.name.clone(),
                points: r.t.iter().copied().zip(values.iter().copied()).collect(),
                style: LineStyle::nth(k),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let defined = || series.iter().flat_map(|s| &s.points).map(|p| p.1).filter(|v| v.is_finite());
    let (lo, hi) = defined().fold((f64::INFINITY, 0.0_f64), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let log_y = lo > 0.0 && hi / lo > 1e3;
    let mut panel = Panel::new(name, series);
    panel.marks = vec![(reference_day, " reference day".to_string())];
    Ok(Figure {
        title: format!("{name} in every arm"),
        x_label: "day".to_string(),
        y_label: format!("{name} ({unit})"),
        log_y,
        panels: vec![panel],
        size: Some((900, 640)),
    })
}
