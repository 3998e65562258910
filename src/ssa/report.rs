//! An ensemble as tables (and, with the `plot` feature, a figure): what
//! `sasp ssa` and `sasp ssa-merge` write.

use super::Ensemble;
use crate::util::text::{csv_field, number};

/// The column suffix of quantile `q`: `q05` for 0.05, `q50`, `q2.5` for
/// 0.025, `q100` for 1 (the percentage, two digits at least).
pub fn quantile_label(q: f64) -> String {
    let percent = q * 100.0;
    let rounded = percent.round();
    if (percent - rounded).abs() < 1e-9 {
        format!("q{:02}", rounded as u64)
    } else {
        format!("q{}", number(percent))
    }
}

/// `x` as written in the tables: [`number`], and `inf` for `∞`.
fn cell(x: f64) -> String {
    if x == f64::INFINITY {
        "inf".to_string()
    } else {
        number(x)
    }
}

impl Ensemble {
    /// The ensemble as CSV: `time`, then for each variable `X-mean`, `X-sd`
    /// and `X-qNN` per quantile in `quantiles`, then per extinction set
    /// `extinct-NAME` (the fraction of trajectories extinct at that time);
    /// one row per output time.
    pub fn to_csv(&self, quantiles: &[f64]) -> String {
        let mut header = vec!["time".to_string()];
        for name in &self.names {
            header.push(format!("{name}-mean"));
            header.push(format!("{name}-sd"));
            header.extend(quantiles.iter().map(|&q| format!("{name}-{}", quantile_label(q))));
        }
        header.extend(self.extinction_names.iter().map(|e| format!("extinct-{e}")));
        let mut out: String = header.iter().map(|h| csv_field(h).into_owned()).collect::<Vec<_>>().join(",");
        out.push('\n');
        for (k, &t) in self.times.iter().enumerate() {
            let mut row = vec![number(t)];
            for v in 0..self.names.len() {
                row.push(number(self.mean(k, v)));
                row.push(number(self.sd(k, v)));
                row.extend(quantiles.iter().map(|&q| number(self.quantile(k, v, q))));
            }
            row.extend((0..self.extinction_names.len()).map(|e| number(self.extinction(k, e))));
            out.push_str(&row.join(","));
            out.push('\n');
        }
        out
    }

    /// The extinction times as CSV, one row per extinction set:
    /// `extinction` (its name), `ever-extinct` (the fraction of trajectories
    /// in which it was extinct at some time up to the last output: at an
    /// output time for the exact methods, at a firing for the hybrid one),
    /// `time-qNN` per quantile of the extinction time over all trajectories
    /// (`inf` where fewer than that fraction died out) and
    /// `time-mean-extinct` (the mean over the trajectories that died out;
    /// empty when none did).
    pub fn extinction_times_csv(&self, quantiles: &[f64]) -> String {
        let mut out = String::from("extinction,ever-extinct");
        for &q in quantiles {
            out.push_str(&format!(",time-{}", quantile_label(q)));
        }
        out.push_str(",time-mean-extinct\n");
        for (e, name) in self.extinction_names.iter().enumerate() {
            let mut times: Vec<f64> = self.extinction_times(e).collect();
            times.sort_by(f64::total_cmp);
            let n = times.len();
            let died: Vec<f64> = times.iter().copied().filter(|t| t.is_finite()).collect();
            let mut row = vec![csv_field(name).into_owned(), number(died.len() as f64 / n.max(1) as f64)];
            for &q in quantiles {
                let rank = ((q * n as f64).ceil() as usize).clamp(1, n.max(1));
                row.push(times.get(rank - 1).map_or(String::new(), |&t| cell(t)));
            }
            row.push(if died.is_empty() {
                String::new()
            } else {
                number(died.iter().sum::<f64>() / died.len() as f64)
            });
            out.push_str(&row.join(","));
            out.push('\n');
        }
        out
    }
}
