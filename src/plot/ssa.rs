//! Figures of stochastic ensembles (`sasp::ssa`): means, quantile bands and
//! extinction probabilities over time.

use super::figure::{Dash, Figure, LineStyle, Panel, Series};
use crate::ssa::report::quantile_label;
use crate::ssa::Ensemble;

/// A figure of the ensemble: a panel per variable with its mean (solid)
/// and the quantiles in `quantiles` (dashed), and a panel with the
/// extinction probability of each extinction set over time.
pub fn ensemble_figure(ensemble: &Ensemble, quantiles: &[f64], title: &str) -> Figure {
    let this = ensemble;
    let colour = |k: usize| LineStyle::nth(k).colour;
    let mut panels: Vec<Panel> = (0..this.names.len())
        .map(|v| {
            let line = |label: String, style: LineStyle, f: &dyn Fn(usize) -> f64| Series {
                label,
                points: this.times.iter().enumerate().map(|(k, &t)| (t, f(k))).collect(),
                style,
            };
            let mut series = vec![line("mean".into(), LineStyle::new(colour(0), Dash::Solid), &|k| this.mean(k, v))];
            for (i, &q) in quantiles.iter().enumerate() {
                series.push(line(quantile_label(q), LineStyle::new(colour(1 + i), Dash::Dashed), &|k| {
                    this.quantile(k, v, q)
                }));
            }
            Panel::new(this.names[v].clone(), series)
        })
        .collect();
    if !this.extinction_names.is_empty() {
        let series = this
            .extinction_names
            .iter()
            .enumerate()
            .map(|(e, name)| Series {
                label: format!("P({name} extinct)"),
                points: this.times.iter().enumerate().map(|(k, &t)| (t, this.extinction(k, e))).collect(),
                style: LineStyle::nth(e),
            })
            .collect();
        let mut panel = Panel::new("extinction probability", series);
        panel.y_range = Some((0.0, 1.0));
        panels.push(panel);
    }
    Figure {
        title: title.to_string(),
        x_label: "time".into(),
        y_label: "count (last panel: probability)".into(),
        log_y: false,
        panels,
        size: None,
    }
}
