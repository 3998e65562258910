//! Profile likelihoods of the estimated parameters.
//!
//! The profile of parameter `ξⱼ` (on its scale) is
//! `PL(ξⱼ) = max over the other parameters of log L` with `ξⱼ` held. From
//! the best fit `ξ*` it is traced in both directions: each step holds `ξⱼ`
//! a little further and re-optimizes the others from the previous point
//! ([`crate::optimize::minimize`] with `ξⱼ`'s bounds closed on its value).
//! Steps adapt so that `−2 log(PL/L*)` changes by about 0.5 per step, and
//! a direction ends once that ratio exceeds the 95 % threshold of χ²₁
//! (3.84) by a margin, at the parameter's bound, or after a number of steps.
//!
//! The likelihood-ratio confidence interval at 95 % is where the ratio
//! crosses 3.84 (interpolated linearly between steps); an end that
//! reaches its bound without crossing is open — the data leave the
//! parameter free in that direction (not identifiable).

use super::Problem;
use crate::error::{Result, SaspError};
use crate::optimize::{minimize, Settings};
use crate::solve::Options;

/// χ²₁'s 95 % quantile: the likelihood-ratio threshold of a 95 % interval.
pub const CHI2_95: f64 = 3.841_458_820_694_124;

/// One parameter's profile.
#[derive(Clone, Debug, PartialEq)]
pub struct Profile {
    /// The parameter (index into [`Problem::parameters`]).
    pub parameter: usize,
    /// Points `(ξⱼ, log PL(ξⱼ))`, increasing in `ξⱼ`, the best fit among them.
    pub points: Vec<(f64, f64)>,
    /// The 95 % interval's ends on the parameter's scale (`None`: open
    /// towards the bound in that direction).
    pub interval: (Option<f64>, Option<f64>),
}

/// How to trace profiles.
#[derive(Clone, Debug)]
pub struct ProfileSettings {
    /// Most steps in each direction (default 40).
    pub max_steps: usize,
    /// The ratio `−2 log(PL/L*)` at which a direction ends (default 3.84 + 2).
    pub ratio_limit: f64,
    /// The optimizer at each step.
    pub optimizer: Settings,
    /// The integration's options.
    pub options: Options,
}

impl Default for ProfileSettings {
    fn default() -> Self {
        ProfileSettings {
            max_steps: 40,
            ratio_limit: CHI2_95 + 2.0,
            optimizer: Settings { max_iterations: 100, ..Settings::default() },
            options: Problem::default_options(),
        }
    }
}

impl Problem {
    /// The profile of estimated parameter `j` (its position among
    /// [`Problem::estimated_box`]'s rows) from the best fit `best`
    /// (estimated parameters on their scales) with likelihood `best_llh`.
    pub fn profile(&self, j: usize, best: &[f64], best_llh: f64, settings: &ProfileSettings) -> Result<Profile> {
        let (rows, lower, upper) = self.estimated_box()?;
        if j >= rows.len() || best.len() != rows.len() {
            return Err(SaspError::InvalidOptions(format!(
                "profile of estimated parameter {j} from a point of {} values ({} are estimated)",
                best.len(),
                rows.len()
            )));
        }
        let width = upper[j] - lower[j];
        let mut prepared = self.prepare()?;
        let mut points = vec![(best[j], best_llh)];
        let mut ends = [None, None];
        for (side, direction) in [-1.0_f64, 1.0].into_iter().enumerate() {
            let mut x = best.to_vec();
            let (mut ratio, mut step) = (0.0_f64, width / 200.0);
            let mut previous = (best[j], 0.0_f64);
            for _ in 0..settings.max_steps {
                let at = (x[j] + direction * step).clamp(lower[j], upper[j]);
                if at == x[j] {
                    break;
                }
                let (mut lo, mut hi) = (lower.clone(), upper.clone());
                (lo[j], hi[j]) = (at, at);
                let mut trial = x.clone();
                trial[j] = at;
                let objective =
                    |x: &[f64]| self.objective(&mut prepared, x, &settings.options, super::Sensitivities::Forward);
                let m = minimize(objective, &trial, &lo, &hi, &settings.optimizer)?;
                let llh = -m.value;
                let new_ratio = 2.0 * (best_llh - llh);
                // A step that changes the ratio by more than 1 is taken again
                // shorter, so that the crossing is interpolated between close points.
                if new_ratio - ratio > 1.0 && step > width * 1e-4 {
                    step = (step / 4.0).max(width * 1e-4);
                    continue;
                }
                x = m.x;
                points.push((at, llh));
                if ends[side].is_none() && new_ratio >= CHI2_95 {
                    // Linear interpolation of the crossing between the steps.
                    let (x0, r0) = previous;
                    let f = ((CHI2_95 - r0) / (new_ratio - r0)).clamp(0.0, 1.0);
                    ends[side] = Some(x0 + f * (at - x0));
                }
                previous = (at, new_ratio);
                if new_ratio >= settings.ratio_limit {
                    break;
                }
                let change = (new_ratio - ratio).abs().max(1e-3);
                step = (step * (0.5 / change).sqrt().clamp(0.5, 2.0)).clamp(width * 1e-4, width / 10.0);
                ratio = new_ratio;
            }
        }
        points.sort_by(|a, b| a.0.total_cmp(&b.0));
        Ok(Profile { parameter: rows[j], points, interval: (ends[0], ends[1]) })
    }
}
