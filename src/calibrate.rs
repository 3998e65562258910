//! Calibration: fit free parameters so that the paper's arms meet the
//! calibration targets, by bounded Levenberg–Marquardt on log-ratio residuals.
//!
//! Each target "x ≤ b" contributes `max(0, ln(x/b') )`, "x ≥ b" contributes
//! `max(0, ln(b'/x))` and a band `[lo, hi]` contributes the larger of both,
//! where `b'` is the bound moved 5 % into the band (so that the fitted values
//! meet the targets with a margin, not on the edge). The ordering target
//! becomes three such pairwise residuals. All residuals are zero exactly when
//! every target is met with margin.
//!
//! Parameters are fitted in log space within bounds; a group of parameters
//! can be tied to one value (e.g. `w3 = w4 = w5`). The Jacobian of the
//! residuals is taken by forward differences in log space (one experiment per
//! parameter), and the damped normal equations are solved with a dense LU.

use crate::error::{Result, SaspError};
use crate::experiment::paper::targets;
use crate::experiment::{ArmResult, Experiment};
use crate::intervene::Arm;
use crate::model::Model;
use crate::solve::linalg::DenseLu;

/// A parameter (or a group tied to one value) to fit, from a start value, within bounds.
#[derive(Clone, Debug, PartialEq)]
pub struct FreeParameter {
    /// Model parameters that share this value.
    pub names: Vec<String>,
    /// Where the fit starts (declared unit).
    pub start: f64,
    /// Lower bound (> 0).
    pub lo: f64,
    /// Upper bound.
    pub hi: f64,
}

impl FreeParameter {
    /// One parameter.
    pub fn new(name: &str, start: f64, lo: f64, hi: f64) -> FreeParameter {
        FreeParameter { names: vec![name.to_string()], start, lo, hi }
    }

    /// Several parameters tied to one value.
    pub fn tied(names: &[&str], start: f64, lo: f64, hi: f64) -> FreeParameter {
        FreeParameter { names: names.iter().map(|s| s.to_string()).collect(), start, lo, hi }
    }
}

/// The free parameters of the reference model and their provisional starting values:
/// the recruitment parameters marked "calibrate" (`rho_N`, `eps_N`, and
/// `w3 = w4 = w5`), and two assumptions the targets constrain directly — the
/// kill rate per activated NK cell (`k_kill`, derived from imaging as ~5/day,
/// an order-of-magnitude estimate) and the loss rate of activated NK cells
/// (`delta_Na`, an assumption bounded by the 17-day splenic half-life).
pub fn reference_free_parameters() -> Vec<FreeParameter> {
    vec![
        FreeParameter::new("rho_N", 0.01, 1e-4, 1.0),
        FreeParameter::new("eps_N", 0.2, 1e-3, 1.0),
        FreeParameter::tied(&["w3", "w4", "w5"], 0.05, 1e-4, 0.5),
        FreeParameter::new("k_kill", 5.0, 1.0, 20.0),
        FreeParameter::new("delta_Na", 0.3, 0.05, 2.0),
    ]
}

/// The free parameters of the saturating-kill variant
/// ([`crate::models::iannello2013_saturating_kill`]): those of the reference
/// model with the maximal kill rate per tumor cell `d_kill` (start 5.8/day,
/// de Pillis et al. 2005's mouse value; bounds 0.1–100) in place of `k_kill`.
pub fn saturating_kill_free_parameters() -> Vec<FreeParameter> {
    reference_free_parameters()
        .into_iter()
        .map(|p| if p.names == ["k_kill"] { FreeParameter::new("d_kill", 5.8, 0.1, 100.0) } else { p })
        .collect()
}

/// The result of a fit.
#[derive(Clone, Debug, PartialEq)]
pub struct Fit {
    /// Fitted values, one per free parameter (in the parameters' declared units).
    pub values: Vec<f64>,
    /// Sum of squared residuals at the fit.
    pub cost: f64,
    /// Levenberg–Marquardt iterations taken.
    pub iterations: usize,
    /// Experiments run (residual evaluations).
    pub evaluations: usize,
}

/// Margin by which bounds are moved into their bands.
const MARGIN: f64 = 0.05;

/// Residuals of the calibration targets (see the module docs).
pub fn residuals(results: &[ArmResult]) -> Result<Vec<f64>> {
    let mut r = Vec::new();
    for t in targets(results)? {
        let x = t.value;
        // The ordering target (no numeric bounds) is handled below.
        let (lo, hi) = match t.bounds {
            (None, None) => continue,
            bounds => bounds,
        };
        let below = lo.map_or(0.0, |b| (b * (1.0 + MARGIN) / x).ln());
        let above = hi.map_or(0.0, |b| (x / (b * (1.0 - MARGIN))).ln());
        r.push(below.max(above).max(0.0));
    }
    // Ordering at day 14: control < anti-CCL2 < NKG2D-null, NK-depleted < p53 off.
    let ratio = |name: &str| -> Result<f64> {
        let a = results
            .iter()
            .find(|a| a.name == name)
            .ok_or_else(|| SaspError::MissingArm { arm: name.to_string(), needed_by: "the calibration" })?;
        Ok(a.value("tumor_volume_mm3", 14.0)? / a.value("tumor_volume_mm3", 0.0)?)
    };
    let (c, a, g, d, o) =
        (ratio("control")?, ratio("anti-CCL2")?, ratio("NKG2D-null")?, ratio("NK-depleted")?, ratio("p53 off")?);
    for (lower, higher) in [(c, a), (a, g.min(d)), (g.max(d), o)] {
        r.push(((lower / higher).ln() + MARGIN).max(0.0));
    }
    Ok(r)
}

fn with_values(model: &Model, free: &[FreeParameter], log_values: &[f64]) -> Result<Model> {
    let values: Vec<(&str, f64)> =
        free.iter().zip(log_values).flat_map(|(p, &lv)| p.names.iter().map(move |n| (n.as_str(), lv.exp()))).collect();
    model.with_parameters(&values)
}

/// Fits `free` (starting from the model's values) so that `arms` meet the
/// calibration targets; deterministic for given inputs.
pub fn fit(model: &Model, arms: &[Arm], free: &[FreeParameter], max_iterations: usize) -> Result<Fit> {
    let k = free.len();
    if k == 0 {
        return Err(SaspError::InvalidOptions("nothing to calibrate: no free parameters".into()));
    }
    let mut x = Vec::with_capacity(k);
    for p in free {
        if !(p.lo > 0.0 && p.hi >= p.lo && p.hi.is_finite()) {
            return Err(SaspError::InvalidOptions(format!("bounds of {:?} must satisfy 0 < lo ≤ hi < ∞", p.names)));
        }
        if !(p.start.is_finite() && p.start > 0.0) {
            return Err(SaspError::InvalidOptions(format!("start of {:?} must be positive", p.names)));
        }
        model.parameter(&p.names[0])?;
        x.push(p.start.clamp(p.lo, p.hi).ln());
    }
    let (lo, hi): (Vec<f64>, Vec<f64>) = free.iter().map(|p| (p.lo.ln(), p.hi.ln())).unzip();
    let mut evaluations = 0;
    let mut eval = |x: &[f64]| -> Result<Vec<f64>> {
        evaluations += 1;
        let m = with_values(model, free, x)?;
        residuals(&Experiment::new(&m).arms(arms.iter().cloned()).run()?)
    };
    let cost = |r: &[f64]| r.iter().map(|v| v * v).sum::<f64>();
    let mut r = eval(&x)?;
    let mut c = cost(&r);
    let mut lambda = 1e-2;
    let mut iterations = 0;
    let mut lu = DenseLu::new(k);
    while iterations < max_iterations && c > 0.0 {
        iterations += 1;
        // Forward-difference Jacobian in log space.
        let m = r.len();
        let mut jac = vec![0.0; m * k];
        for j in 0..k {
            let h = if x[j] + 1e-3 <= hi[j] { 1e-3 } else { -1e-3 };
            let mut xp = x.clone();
            xp[j] += h;
            let rp = eval(&xp)?;
            for i in 0..m {
                jac[i * k + j] = (rp[i] - r[i]) / h;
            }
        }
        // (JᵀJ + λ diag(JᵀJ)) δ = −Jᵀ r, retried with larger λ until the cost drops.
        let mut improved = false;
        for _ in 0..10 {
            let m_ = lu.matrix_mut();
            let mut g = vec![0.0; k];
            for a in 0..k {
                for b in 0..k {
                    let v: f64 = (0..m).map(|i| jac[i * k + a] * jac[i * k + b]).sum();
                    m_[b * k + a] = v + if a == b { lambda * v.max(1e-12) } else { 0.0 };
                }
                g[a] = -(0..m).map(|i| jac[i * k + a] * r[i]).sum::<f64>();
            }
            if lu.factor().is_err() {
                lambda *= 10.0;
                continue;
            }
            lu.solve(&mut g);
            let trial: Vec<f64> = (0..k).map(|j| (x[j] + g[j]).clamp(lo[j], hi[j])).collect();
            let rt = eval(&trial)?;
            let ct = cost(&rt);
            if ct < c {
                x = trial;
                r = rt;
                c = ct;
                lambda = (lambda / 3.0).max(1e-7);
                improved = true;
                break;
            }
            lambda *= 4.0;
        }
        if !improved {
            break;
        }
    }
    Ok(Fit { values: x.iter().map(|v| v.exp()).collect(), cost: c, iterations, evaluations })
}

/// How far the calibration pins one free parameter: the interval of its
/// values at which the other free parameters can still be refitted so that
/// every target is met (cost 0). The targets are bands rather than
/// measurements with errors, so this zero set of the profiled cost plays the
/// part of a profile-likelihood interval: outside it no refit of the others
/// meets every target.
#[derive(Clone, Debug, PartialEq)]
pub struct ProfileInterval {
    /// The parameter (or tied group) profiled.
    pub names: Vec<String>,
    /// Its value in the model profiled (the fit).
    pub value: f64,
    /// The lowest value found at which every target can still be met.
    pub low: f64,
    /// The highest such value.
    pub high: f64,
    /// Whether `low` is the parameter's lower bound (the interval may go beyond it).
    pub low_at_bound: bool,
    /// Whether `high` is its upper bound.
    pub high_at_bound: bool,
    /// Refits run.
    pub fits: usize,
}

/// The [`ProfileInterval`] of `free[which]` around its value in `model`,
/// which must meet every target (a fit): on each side, the parameter's bound
/// if the others can be refitted to meet every target there, else
/// `bisections` bisections on its logarithm between the fit and the bound,
/// each a refit of the other free parameters from their values in `model`
/// (at most `max_iterations` iterations; [`fit`]). The interval assumes that
/// the values meeting every target are connected, and it is a lower
/// estimate where a refit stops short of cost 0 from a feasible point.
///
/// # Errors
///
/// `which` out of range, a model that does not meet every target, and the
/// errors of [`fit`].
pub fn profile_interval(
    model: &Model,
    arms: &[Arm],
    free: &[FreeParameter],
    which: usize,
    max_iterations: usize,
    bisections: usize,
) -> Result<ProfileInterval> {
    let profiled = free.get(which).ok_or_else(|| {
        SaspError::InvalidOptions(format!("no free parameter {which} to profile (there are {})", free.len()))
    })?;
    let met = |m: &Model| -> Result<bool> {
        Ok(residuals(&Experiment::new(m).arms(arms.iter().cloned()).run()?)?.iter().all(|&r| r == 0.0))
    };
    if !met(model)? {
        return Err(SaspError::InvalidOptions(format!(
            "profiling {:?}: model '{}' does not meet every calibration target (profile a fit)",
            profiled.names,
            model.name()
        )));
    }
    let value = model.parameter(&profiled.names[0])?;
    // The others start from their values in the model.
    let others: Vec<FreeParameter> = free
        .iter()
        .enumerate()
        .filter(|&(j, _)| j != which)
        .map(|(_, p)| -> Result<FreeParameter> {
            Ok(FreeParameter { start: model.parameter(&p.names[0])?, ..p.clone() })
        })
        .collect::<Result<_>>()?;
    let mut fits = 0;
    let mut feasible = |v: f64| -> Result<bool> {
        let m = with_values(model, std::slice::from_ref(profiled), &[v.ln()])?;
        if met(&m)? {
            return Ok(true);
        }
        if others.is_empty() {
            return Ok(false);
        }
        fits += 1;
        Ok(fit(&m, arms, &others, max_iterations)?.cost == 0.0)
    };
    let mut edge = |bound: f64| -> Result<(f64, bool)> {
        if feasible(bound)? {
            return Ok((bound, true));
        }
        let (mut inside, mut outside) = (value.ln(), bound.ln());
        for _ in 0..bisections {
            let mid = 0.5 * (inside + outside);
            if feasible(mid.exp())? {
                inside = mid;
            } else {
                outside = mid;
            }
        }
        Ok((inside.exp(), false))
    };
    let (low, low_at_bound) = edge(profiled.lo)?;
    let (high, high_at_bound) = edge(profiled.hi)?;
    Ok(ProfileInterval { names: profiled.names.clone(), value, low, high, low_at_bound, high_at_bound, fits })
}
