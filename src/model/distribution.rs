//! Parameter distributions: each maps a coordinate `u` of the unit interval
//! to a parameter value by its inverse cumulative distribution function
//! (quantile function) `x = F⁻¹(u)`, so that a design built in the unit
//! hypercube becomes a sample of the parameters.

/// The distribution of one uncertain parameter.
///
/// Each variant maps `u ∈ (0, 1)` to a value by its quantile function
/// ([`Distribution::quantile`]):
///
/// | variant | quantile `F⁻¹(u)` |
/// |---|---|
/// | `Uniform { low, high }` | `low + u (high − low)` |
/// | `LogUniform { low, high }` | `exp(ln low + u (ln high − ln low))` |
/// | `Normal { mean, sd }` | `mean + sd Φ⁻¹(u)` |
/// | `LogNormal { median, sigma }` | `median · exp(sigma Φ⁻¹(u))` |
///
/// where `Φ⁻¹` is the standard normal quantile ([`inverse_normal_cdf`]). A
/// log-normal parameter is `median · exp(sigma z)` with `z` standard normal:
/// `ln x` has mean `ln median` (the `μ` of the usual parametrisation) and
/// standard deviation `sigma`.
///
/// [`Distribution::problem`] names impossible parameters (non-finite values,
/// `low ≥ high`, non-positive bounds of a log scale, `sd ≤ 0`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Distribution {
    /// Uniform on `[low, high]`.
    Uniform {
        /// Lower bound.
        low: f64,
        /// Upper bound (`> low`).
        high: f64,
    },
    /// Log-uniform on `[low, high]`: `ln x` uniform on `[ln low, ln high]`.
    LogUniform {
        /// Lower bound (`> 0`).
        low: f64,
        /// Upper bound (`> low`).
        high: f64,
    },
    /// Normal with mean `mean` and standard deviation `sd`.
    Normal {
        /// Mean.
        mean: f64,
        /// Standard deviation (`> 0`).
        sd: f64,
    },
    /// Log-normal: `median · exp(sigma z)`, `z` standard normal (`ln x` has
    /// mean `ln median` and standard deviation `sigma`).
    LogNormal {
        /// Median (`> 0`), `exp(μ)` in the `(μ, σ)` parametrisation.
        median: f64,
        /// Standard deviation of `ln x` (`> 0`).
        sigma: f64,
    },
}

impl Distribution {
    /// What is wrong with the distribution's parameters, if anything: all
    /// must be finite, `low < high`, `low > 0` on a log scale, `sd > 0`,
    /// `median > 0`, `sigma > 0`, and the quantiles finite from
    /// [`SMALLEST_COORDINATE`] to `1 −` it.
    pub fn problem(&self) -> Option<String> {
        let invalid = Some;
        let finite = |values: &[(&str, f64)]| {
            values.iter().find(|(_, v)| !v.is_finite()).map(|(k, v)| format!("{k} = {v} is not finite"))
        };
        match *self {
            Distribution::Uniform { low, high } | Distribution::LogUniform { low, high } => {
                if let Some(reason) = finite(&[("low", low), ("high", high)]) {
                    return invalid(reason);
                }
                if low >= high {
                    return invalid(format!("low = {low} must be below high = {high}"));
                }
                if matches!(self, Distribution::LogUniform { .. }) && low <= 0.0 {
                    return invalid(format!("a log-uniform range needs low > 0, found low = {low}"));
                }
                if matches!(self, Distribution::Uniform { .. }) && !(high - low).is_finite() {
                    return invalid(format!("the range high − low = {high} − {low} is not finite"));
                }
            }
            Distribution::Normal { mean, sd } => {
                if let Some(reason) = finite(&[("mean", mean), ("sd", sd)]) {
                    return invalid(reason);
                }
                if sd <= 0.0 {
                    return invalid(format!("sd must be > 0, found {sd}"));
                }
            }
            Distribution::LogNormal { median, sigma } => {
                if let Some(reason) = finite(&[("median", median), ("sigma", sigma)]) {
                    return invalid(reason);
                }
                if median <= 0.0 {
                    return invalid(format!("median must be > 0, found {median}"));
                }
                if sigma <= 0.0 {
                    return invalid(format!("sigma must be > 0, found {sigma}"));
                }
            }
        }
        // The extreme quantiles a design can ask for must be numbers.
        for u in [SMALLEST_COORDINATE, 1.0 - SMALLEST_COORDINATE] {
            let x = self.quantile(u);
            if !x.is_finite() {
                return invalid(format!("its quantile at u = {u:e} is {x}, not a finite number"));
            }
        }
        None
    }

    /// The value at unit coordinate `u ∈ (0, 1)`: the quantile `F⁻¹(u)`
    /// (table in [`Distribution`]). `u` outside `(0, 1)` is clamped to the
    /// closed interval; bounded distributions give their bounds at 0 and 1,
    /// unbounded ones `±∞`.
    pub fn quantile(&self, u: f64) -> f64 {
        let u = u.clamp(0.0, 1.0);
        match *self {
            Distribution::Uniform { low, high } => low + u * (high - low),
            Distribution::LogUniform { low, high } => (low.ln() + u * (high.ln() - low.ln())).exp().clamp(low, high),
            Distribution::Normal { mean, sd } => mean + sd * inverse_normal_cdf(u),
            Distribution::LogNormal { median, sigma } => median * (sigma * inverse_normal_cdf(u)).exp(),
        }
    }

    /// Whether the support is a bounded interval (uniform and log-uniform):
    /// then the unit coordinates 0 and 1 map to the bounds; the normal and
    /// log-normal quantiles diverge there.
    pub fn is_bounded(&self) -> bool {
        matches!(self, Distribution::Uniform { .. } | Distribution::LogUniform { .. })
    }
}

/// The smallest unit coordinate the Sobol' design produces (`2⁻²⁴`, half the
/// resolution of its points): [`Distribution::check`] requires finite
/// quantiles from `SMALLEST_COORDINATE` to `1 − SMALLEST_COORDINATE`.
pub const SMALLEST_COORDINATE: f64 = 1.0 / (1u64 << 24) as f64;

/// The standard normal quantile `Φ⁻¹(p)`: the `z` with
/// `Φ(z) = (1/√(2π)) ∫_{−∞}^{z} e^{−t²/2} dt = p`.
///
/// Wichura's algorithm AS 241 (`PPND16`, Applied Statistics 37, 1988):
/// rational approximations of degree 7 in `r = 0.180625 − q²`
/// (`q = p − ½`, `|q| ≤ 0.425`) and in `r = √(−ln min(p, 1−p))` on two
/// tail ranges, relative accuracy about `1e-16`. `Φ⁻¹(0) = −∞`,
/// `Φ⁻¹(1) = +∞`, NaN outside `[0, 1]`.
// The coefficients as AS 241 prints them (more digits than an f64 holds).
#[allow(clippy::excessive_precision)]
pub fn inverse_normal_cdf(p: f64) -> f64 {
    if p.is_nan() || !(0.0..=1.0).contains(&p) {
        return f64::NAN;
    }
    if p == 0.0 {
        return f64::NEG_INFINITY;
    }
    if p == 1.0 {
        return f64::INFINITY;
    }
    let q = p - 0.5;
    if q.abs() <= 0.425 {
        let r = 0.180625 - q * q;
        let num = ((((((r * 2509.0809287301226727 + 33430.575583588128105) * r + 67265.770927008700853) * r
            + 45921.953931549871457)
            * r
            + 13731.693765509461125)
            * r
            + 1971.5909503065514427)
            * r
            + 133.14166789178437745)
            * r
            + 3.387132872796366608;
        let den = ((((((r * 5226.495278852545925 + 28729.085735721942674) * r + 39307.89580009271061) * r
            + 21213.794301586595867)
            * r
            + 5394.1960214247511077)
            * r
            + 687.1870074920579083)
            * r
            + 42.313330701600911252)
            * r
            + 1.0;
        return q * num / den;
    }
    let tail = if q < 0.0 { p } else { 1.0 - p };
    let mut r = (-tail.ln()).sqrt();
    let z = if r <= 5.0 {
        r -= 1.6;
        let num = ((((((r * 7.7454501427834140764e-4 + 0.0227238449892691845833) * r + 0.24178072517745061177) * r
            + 1.27045825245236838258)
            * r
            + 3.64784832476320460504)
            * r
            + 5.7694972214606914055)
            * r
            + 4.6303378461565452959)
            * r
            + 1.42343711074968357734;
        let den = ((((((r * 1.05075007164441684324e-9 + 5.475938084995344946e-4) * r + 0.0151986665636164571966)
            * r
            + 0.14810397642748007459)
            * r
            + 0.68976733498510000455)
            * r
            + 1.6763848301838038494)
            * r
            + 2.05319162663775882187)
            * r
            + 1.0;
        num / den
    } else {
        r -= 5.0;
        let num = ((((((r * 2.01033439929228813265e-7 + 2.71155556874348757815e-5) * r + 0.0012426609473880784386)
            * r
            + 0.026532189526576123093)
            * r
            + 0.29656057182850489123)
            * r
            + 1.7848265399172913358)
            * r
            + 5.4637849111641143699)
            * r
            + 6.6579046435011037772;
        let den = ((((((r * 2.04426310338993978564e-15 + 1.4215117583164458887e-7) * r + 1.8463183175100546818e-5)
            * r
            + 7.868691311456132591e-4)
            * r
            + 0.0148753612908506148525)
            * r
            + 0.13692988092273580531)
            * r
            + 0.59983220655588793769)
            * r
            + 1.0;
        num / den
    };
    if q < 0.0 {
        -z
    } else {
        z
    }
}
