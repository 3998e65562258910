//! Rate laws: how fast a process runs, declared by name, with analytic derivatives.
//!
//! Every rate law is a *coefficient* (a product of parameters, e.g. `rho_N*w2`
//! or `1/tau_53`) times a product of elementary *factors* of the state; a few
//! laws (binding/unbinding) are a difference of two such products. Each factor
//! knows its own derivative, so the Jacobian of any model follows from the
//! product rule, exactly.
//!
//! | law | rate |
//! |---|---|
//! | `constant` | k |
//! | `time_source` | k · u(t) (u a declared input, e.g. doxycycline on/off) |
//! | `first_order` | k · x |
//! | `mass_action` | k · Π xᵢ (repeat a name for higher order) |
//! | `michaelis_menten` | k · x / (K_m + x) |
//! | `hill` | k · xⁿ / (Kⁿ + xⁿ) |
//! | `hill_repressor` | k · Kⁿ / (Kⁿ + xⁿ) |
//! | `logistic` | k · x · (1 − N/K), N a compartment or pool |
//! | `ratio_dependent` | k · Π xᵢ / (N + ε), e.g. killing k·E·T/(T̂) |
//! | `binding` | k_on · a · b − k_off · c |
//! | `expression` | any math expression, e.g. `Vmax*S/(Km + S)` (symbolic derivatives) |
//! | custom (Rust only) | any closure, with or without its derivative |
//!
//! A process may multiply its law by extra [`Factor`]s (`modifiers`), e.g.
//! NK recruitment `ρ_N w₂ · C₂/(K₂ + C₂) · T` is a Michaelis–Menten law in C₂
//! with the modifier `{ factor = "species", of = "T" }`.
//!
//! **Positivity.** A factor law that consumes a compartment must have it as
//! a factor (checked when the model is built), so the exact solution stays
//! non-negative. An `expression` law cannot be checked that way: a
//! consuming expression that does not vanish at zero can drive a state
//! negative. The build accepts it, and
//! [`Model::negative_excursions`](crate::model::Model::negative_excursions)
//! reports states that went below zero beyond the tolerance in a solution,
//! rather than hiding them.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::sync::Arc;

/// A sign and `(token, exponent)` factors: the parsed form of a [`Coefficient`].
pub(crate) type Monomial<'a> = (f64, Vec<(&'a str, i32)>);

/// A product of parameters and numbers, written `a*b/c` (e.g. `rho_N*eps_N`,
/// `1/tau_53`, `0.5*k`). Every rate law is scaled by one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Coefficient(pub String);

impl Coefficient {
    /// A coefficient that is a single parameter.
    pub fn param(name: &str) -> Coefficient {
        Coefficient(name.to_string())
    }

    /// Splits `a*b/c` into `(token, exponent)` pairs: `[("a", 1), ("b", 1), ("c", -1)]`.
    /// A leading `-` is returned as the sign.
    pub(crate) fn monomial(&self) -> Result<Monomial<'_>, String> {
        let text = self.0.trim();
        let (sign, text) = match text.strip_prefix('-') {
            Some(rest) => (-1.0, rest.trim()),
            None => (1.0, text),
        };
        if text.is_empty() {
            return Err(format!("empty coefficient '{}'", self.0));
        }
        let mut out = Vec::new();
        let mut exponent = 1;
        let mut start = 0;
        for (i, c) in text.char_indices().chain(std::iter::once((text.len(), '*'))) {
            if c == '*' || c == '/' {
                let token = text[start..i].trim();
                if token.is_empty() {
                    return Err(format!("missing factor in coefficient '{}'", self.0));
                }
                out.push((token, exponent));
                exponent = if c == '/' { -1 } else { 1 };
                start = i + 1;
            }
        }
        Ok((sign, out))
    }
}

impl From<&str> for Coefficient {
    fn from(s: &str) -> Coefficient {
        Coefficient(s.to_string())
    }
}

impl From<&String> for Coefficient {
    fn from(s: &String) -> Coefficient {
        Coefficient(s.clone())
    }
}

impl fmt::Display for Coefficient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A stoichiometric coefficient: a number, or a parameter expression such as `-p_ex`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Stoichiometry {
    /// A plain number (`-1`, `1`, `2`).
    Number(f64),
    /// A product of parameters with an optional sign (`-p_ex`).
    Expression(Coefficient),
}

impl Stoichiometry {
    /// The coefficient as text (`-1`, `-p_ex`).
    pub fn text(&self) -> String {
        match self {
            Stoichiometry::Number(v) => v.to_string(),
            Stoichiometry::Expression(c) => c.0.clone(),
        }
    }
}

impl From<f64> for Stoichiometry {
    fn from(v: f64) -> Self {
        Stoichiometry::Number(v)
    }
}

impl From<&str> for Stoichiometry {
    fn from(s: &str) -> Self {
        Stoichiometry::Expression(Coefficient(s.to_string()))
    }
}

fn one() -> u32 {
    1
}

fn is_one(v: &u32) -> bool {
    *v == 1
}

/// An elementary factor of a rate: a function of one compartment or pool
/// (or of an input) with a known derivative.
///
/// Where a factor takes `of`, it may name a compartment or a pool (a declared
/// sum of compartments, such as the total tumor `T = P + Q + S`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "factor", rename_all = "snake_case")]
pub enum Factor {
    /// `xⁿ` (n a positive integer, default 1).
    Species {
        /// Compartment or pool.
        of: String,
        /// Integer order n ≥ 1.
        #[serde(default = "one", skip_serializing_if = "is_one")]
        order: u32,
    },
    /// `x / (K_m + x)`.
    Saturating {
        /// Compartment or pool.
        of: String,
        /// Half-saturation parameter, same unit as `of`.
        km: String,
    },
    /// `xⁿ / (Kⁿ + xⁿ)` (n ≥ 1).
    Hill {
        /// Compartment or pool.
        of: String,
        /// Half-activation parameter K, same unit as `of`.
        half: String,
        /// Hill coefficient n ≥ 1.
        n: f64,
    },
    /// `Kⁿ / (Kⁿ + xⁿ)` (n ≥ 1): 1 at x = 0, ½ at x = K.
    HillRepressor {
        /// Compartment or pool.
        of: String,
        /// Half-repression parameter K, same unit as `of`.
        half: String,
        /// Hill coefficient n ≥ 1.
        n: f64,
    },
    /// `1 − N/K`: the room left under a carrying capacity.
    Room {
        /// Compartment or pool N.
        of: String,
        /// Capacity parameter K, same unit as `of`.
        capacity: String,
    },
    /// `1 / (N + ε)`: per-capita scaling that stays finite as N → 0 (a
    /// negative N, which only numerical undershoot produces, counts as 0).
    Ratio {
        /// Compartment or pool N.
        of: String,
        /// Regularization parameter ε > 0, same unit as `of`.
        eps: String,
    },
    /// `u(t)`: the current value of a declared input (piecewise constant).
    Input {
        /// Input name.
        input: String,
    },
}

impl Factor {
    /// The factor as expression text (`x/(Km + x)`, `1/(max(N, 0) + eps)` …).
    pub fn to_expression(&self) -> String {
        match self {
            Factor::Species { of, order: 1 } => of.clone(),
            Factor::Species { of, order } => format!("{of}^{order}"),
            Factor::Saturating { of, km } => format!("{of}/({km} + {of})"),
            Factor::Hill { of, half, n } => {
                format!("max({of}, 0)^{n}/({half}^{n} + max({of}, 0)^{n})")
            }
            Factor::HillRepressor { of, half, n } => {
                format!("{half}^{n}/({half}^{n} + max({of}, 0)^{n})")
            }
            Factor::Room { of, capacity } => format!("1 - {of}/{capacity}"),
            Factor::Ratio { of, eps } => format!("1/(max({of}, 0) + {eps})"),
            Factor::Input { input } => input.clone(),
        }
    }

    /// `x` to the first power.
    pub fn species(of: &str) -> Factor {
        Factor::Species { of: of.to_string(), order: 1 }
    }
}

/// A rate closure `f(t, args)`.
pub type RateFn = Arc<dyn Fn(f64, &[f64]) -> f64 + Send + Sync>;
/// A gradient closure writing `∂f/∂argsᵢ` into its last argument.
pub type GradientFn = Arc<dyn Fn(f64, &[f64], &mut [f64]) + Send + Sync>;

/// A user-supplied rate: `f(t, args)`, with an optional analytic gradient.
///
/// When no gradient is given, the Jacobian uses central finite differences of
/// `f` with respect to each argument.
#[derive(Clone)]
pub struct CustomLaw {
    /// Compartments or pools whose values are passed as `args`, in order (at most 16).
    pub args: Vec<String>,
    /// Unit of the rate (e.g. `Mcells/day`), checked against the process's changes.
    pub unit: String,
    /// Compartments this law may consume (its rate must vanish when they are 0);
    /// declare here every compartment with a negative change.
    pub vanishes_at_zero_of: Vec<String>,
    /// The rate `f(t, args)`.
    pub rate: RateFn,
    /// The gradient `∂f/∂argsᵢ` written into the slice, if known.
    pub gradient: Option<GradientFn>,
}

impl fmt::Debug for CustomLaw {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CustomLaw")
            .field("args", &self.args)
            .field("unit", &self.unit)
            .field("analytic_gradient", &self.gradient.is_some())
            .finish()
    }
}

impl PartialEq for CustomLaw {
    fn eq(&self, other: &Self) -> bool {
        self.args == other.args
            && self.unit == other.unit
            && Arc::ptr_eq(&self.rate, &other.rate)
            && match (&self.gradient, &other.gradient) {
                (Some(a), Some(b)) => Arc::ptr_eq(a, b),
                (None, None) => true,
                _ => false,
            }
    }
}

/// The rate law of a process. See the [module docs](self) for the formulas.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "law", rename_all = "snake_case")]
pub enum RateLaw {
    /// `k`.
    Constant {
        /// Rate.
        k: Coefficient,
    },
    /// `k · u(t)`.
    TimeSource {
        /// Rate at u = 1.
        k: Coefficient,
        /// Input name.
        input: String,
    },
    /// `k · x`.
    FirstOrder {
        /// Rate constant.
        k: Coefficient,
        /// Compartment or pool.
        of: String,
    },
    /// `k · Π xᵢ`.
    MassAction {
        /// Rate constant.
        k: Coefficient,
        /// Reactants (repeat for higher order).
        of: Vec<String>,
    },
    /// `k · x / (K_m + x)`.
    MichaelisMenten {
        /// Maximal rate.
        k: Coefficient,
        /// Substrate.
        of: String,
        /// Half-saturation parameter.
        km: String,
    },
    /// `k · xⁿ / (Kⁿ + xⁿ)`.
    Hill {
        /// Maximal rate.
        k: Coefficient,
        /// Activator.
        of: String,
        /// Half-activation parameter.
        half: String,
        /// Hill coefficient (≥ 1).
        n: f64,
    },
    /// `k · Kⁿ / (Kⁿ + xⁿ)`.
    HillRepressor {
        /// Maximal rate.
        k: Coefficient,
        /// Repressor.
        of: String,
        /// Half-repression parameter.
        half: String,
        /// Hill coefficient (≥ 1).
        n: f64,
    },
    /// `k · x · (1 − N/K)`.
    Logistic {
        /// Growth rate.
        k: Coefficient,
        /// Growing compartment.
        of: String,
        /// Compartment or pool that fills the capacity.
        total: String,
        /// Carrying capacity parameter.
        capacity: String,
    },
    /// `k · Π xᵢ / (N + ε)`.
    RatioDependent {
        /// Rate constant.
        k: Coefficient,
        /// Numerator compartments (e.g. killer and target).
        of: Vec<String>,
        /// Denominator compartment or pool N.
        total: String,
        /// Regularization parameter ε.
        eps: String,
    },
    /// `k_on · a · b − k_off · c` for `a + b ⇌ c`.
    Binding {
        /// Association rate constant.
        kon: Coefficient,
        /// Dissociation rate constant.
        koff: Coefficient,
        /// The two binding partners.
        of: [String; 2],
        /// The complex.
        complex: String,
    },
    /// Any rate written as a math expression (infix text, see
    /// [`crate::expr`]): `"Vmax*S/(Km + S)"`. Its names are compartments,
    /// pools, parameters, inputs, the model's assignments and `time`; the
    /// Jacobian comes from its symbolic derivatives, exactly.
    ///
    /// Numbers in the text are in canonical units (prefer parameters, which
    /// carry their own). The rate's unit is checked against the changed
    /// compartments when it is known: declared as `unit`, or inferred when
    /// every name in the expression has a unit and no bare number takes part
    /// in a product. Positivity is not guaranteed by construction (see the
    /// [module docs](self)).
    Expression {
        /// The rate, as infix text.
        rate: String,
        /// The rate's unit, if declared (e.g. `nM/day`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        unit: Option<String>,
    },
    /// A Rust closure (cannot be written to a model file).
    #[serde(skip)]
    Custom(CustomLaw),
}

/// Constructors, one per law, each taking names as `&str` (or anything
/// `Into<String>`) and the coefficient as a parameter expression (`"kd"`,
/// `"rho_N*w2"`, `"1/tau"`):
///
/// ```
/// use sasp::model::RateLaw;
///
/// let decay = RateLaw::first_order("kd", "drug");                  // kd · drug
/// let uptake = RateLaw::michaelis_menten("vmax", "S", "Km");       // vmax · S / (Km + S)
/// let binding = RateLaw::binding("kon", "koff", "Ab", "CCL2", "AbCCL2");
/// assert_eq!(decay.name(), "first_order");
/// # let _ = (uptake, binding);
/// ```
impl RateLaw {
    /// `k` — a constant rate (a zero-order source).
    pub fn constant(k: impl Into<Coefficient>) -> RateLaw {
        RateLaw::Constant { k: k.into() }
    }

    /// `k · u(t)` — a source switched by the declared input `input`.
    pub fn time_source(k: impl Into<Coefficient>, input: impl Into<String>) -> RateLaw {
        RateLaw::TimeSource { k: k.into(), input: input.into() }
    }

    /// `k · x` — first order in the compartment or pool `of`.
    pub fn first_order(k: impl Into<Coefficient>, of: impl Into<String>) -> RateLaw {
        RateLaw::FirstOrder { k: k.into(), of: of.into() }
    }

    /// `k · Π xᵢ` — mass action in the reactants `of` (repeat a name for
    /// higher order).
    pub fn mass_action<S: Into<String>>(k: impl Into<Coefficient>, of: impl IntoIterator<Item = S>) -> RateLaw {
        RateLaw::MassAction { k: k.into(), of: of.into_iter().map(Into::into).collect() }
    }

    /// `k · x / (K_m + x)` — Michaelis–Menten in the substrate `of`, with the
    /// half-saturation parameter `km`.
    pub fn michaelis_menten(k: impl Into<Coefficient>, of: impl Into<String>, km: impl Into<String>) -> RateLaw {
        RateLaw::MichaelisMenten { k: k.into(), of: of.into(), km: km.into() }
    }

    /// `k · xⁿ / (Kⁿ + xⁿ)` — Hill activation by `of`, half-activation
    /// parameter `half`, Hill coefficient `n ≥ 1`.
    pub fn hill(k: impl Into<Coefficient>, of: impl Into<String>, half: impl Into<String>, n: f64) -> RateLaw {
        RateLaw::Hill { k: k.into(), of: of.into(), half: half.into(), n }
    }

    /// `k · Kⁿ / (Kⁿ + xⁿ)` — Hill repression by `of`, half-repression
    /// parameter `half`, Hill coefficient `n ≥ 1`.
    pub fn hill_repressor(
        k: impl Into<Coefficient>,
        of: impl Into<String>,
        half: impl Into<String>,
        n: f64,
    ) -> RateLaw {
        RateLaw::HillRepressor { k: k.into(), of: of.into(), half: half.into(), n }
    }

    /// `k · x · (1 − N/K)` — logistic growth of `of`, where the compartment
    /// or pool `total` (N) fills the carrying capacity parameter `capacity` (K).
    pub fn logistic(
        k: impl Into<Coefficient>,
        of: impl Into<String>,
        total: impl Into<String>,
        capacity: impl Into<String>,
    ) -> RateLaw {
        RateLaw::Logistic { k: k.into(), of: of.into(), total: total.into(), capacity: capacity.into() }
    }

    /// `k · Π xᵢ / (N + ε)` — ratio-dependent rate of the compartments `of`
    /// over the compartment or pool `total` (N), regularized by the parameter
    /// `eps` (ε), e.g. NK killing `k · E · T / (T + ε)`.
    pub fn ratio_dependent<S: Into<String>>(
        k: impl Into<Coefficient>,
        of: impl IntoIterator<Item = S>,
        total: impl Into<String>,
        eps: impl Into<String>,
    ) -> RateLaw {
        RateLaw::RatioDependent {
            k: k.into(),
            of: of.into_iter().map(Into::into).collect(),
            total: total.into(),
            eps: eps.into(),
        }
    }

    /// `k_on · a · b − k_off · c` — reversible binding `a + b ⇌ c`.
    pub fn binding(
        kon: impl Into<Coefficient>,
        koff: impl Into<Coefficient>,
        a: impl Into<String>,
        b: impl Into<String>,
        complex: impl Into<String>,
    ) -> RateLaw {
        RateLaw::Binding { kon: kon.into(), koff: koff.into(), of: [a.into(), b.into()], complex: complex.into() }
    }

    /// A rate given as a math expression (infix text), its unit inferred
    /// where the names' units allow.
    pub fn expression(rate: impl Into<String>) -> RateLaw {
        RateLaw::Expression { rate: rate.into(), unit: None }
    }

    /// A Rust closure with its own unit and (optionally) gradient.
    pub fn custom(law: CustomLaw) -> RateLaw {
        RateLaw::Custom(law)
    }
}

/// One product term of a lowered rate law: `sign · coefficient · Π factors`.
pub(crate) struct Term<'a> {
    pub sign: f64,
    pub coefficient: &'a Coefficient,
    pub factors: Vec<Factor>,
}

impl RateLaw {
    /// The law written as a sum of product terms (custom laws have none).
    pub(crate) fn terms(&self) -> Vec<Term<'_>> {
        let sp = Factor::species;
        let term = |coefficient, factors| Term { sign: 1.0, coefficient, factors };
        match self {
            RateLaw::Constant { k } => vec![term(k, vec![])],
            RateLaw::TimeSource { k, input } => {
                vec![term(k, vec![Factor::Input { input: input.clone() }])]
            }
            RateLaw::FirstOrder { k, of } => vec![term(k, vec![sp(of)])],
            RateLaw::MassAction { k, of } => vec![term(k, of.iter().map(|x| sp(x)).collect())],
            RateLaw::MichaelisMenten { k, of, km } => {
                vec![term(k, vec![Factor::Saturating { of: of.clone(), km: km.clone() }])]
            }
            RateLaw::Hill { k, of, half, n } => {
                vec![term(k, vec![Factor::Hill { of: of.clone(), half: half.clone(), n: *n }])]
            }
            RateLaw::HillRepressor { k, of, half, n } => {
                vec![term(k, vec![Factor::HillRepressor { of: of.clone(), half: half.clone(), n: *n }])]
            }
            RateLaw::Logistic { k, of, total, capacity } => {
                vec![term(k, vec![sp(of), Factor::Room { of: total.clone(), capacity: capacity.clone() }])]
            }
            RateLaw::RatioDependent { k, of, total, eps } => {
                let mut factors: Vec<Factor> = of.iter().map(|x| sp(x)).collect();
                factors.push(Factor::Ratio { of: total.clone(), eps: eps.clone() });
                vec![term(k, factors)]
            }
            RateLaw::Binding { kon, koff, of, complex } => vec![
                term(kon, vec![sp(&of[0]), sp(&of[1])]),
                Term { sign: -1.0, coefficient: koff, factors: vec![sp(complex)] },
            ],
            RateLaw::Custom(_) | RateLaw::Expression { .. } => vec![],
        }
    }

    /// The same rate as an expression law's text, with `modifiers`
    /// multiplied in: `k·x/(K_m + x)` becomes `"(k)*(x/(Km + x))"`. `None`
    /// for a custom law. The two evaluate to the same numbers (to rounding).
    ///
    /// ```
    /// use sasp::model::{Factor, RateLaw};
    ///
    /// let law = RateLaw::michaelis_menten("vmax", "S", "Km");
    /// let text = law.to_expression(&[Factor::species("E")]).unwrap();
    /// assert_eq!(text, "(vmax)*(S/(Km + S))*(E)");
    /// ```
    pub fn to_expression(&self, modifiers: &[Factor]) -> Option<String> {
        if let RateLaw::Expression { rate, .. } = self {
            return Some(if modifiers.is_empty() {
                rate.clone()
            } else {
                let extra: Vec<String> = modifiers.iter().map(|f| format!("({})", f.to_expression())).collect();
                format!("({rate})*{}", extra.join("*"))
            });
        }
        if matches!(self, RateLaw::Custom(_)) {
            return None;
        }
        let terms: Vec<String> = self
            .terms()
            .iter()
            .map(|term| {
                let mut parts = vec![format!("({})", term.coefficient)];
                parts.extend(term.factors.iter().chain(modifiers).map(|f| format!("({})", f.to_expression())));
                let product = parts.join("*");
                if term.sign < 0.0 {
                    format!("-{product}")
                } else {
                    product
                }
            })
            .collect();
        Some(terms.join(" + "))
    }

    /// The law's name as written in model files.
    pub fn name(&self) -> &'static str {
        match self {
            RateLaw::Constant { .. } => "constant",
            RateLaw::TimeSource { .. } => "time_source",
            RateLaw::FirstOrder { .. } => "first_order",
            RateLaw::MassAction { .. } => "mass_action",
            RateLaw::MichaelisMenten { .. } => "michaelis_menten",
            RateLaw::Hill { .. } => "hill",
            RateLaw::HillRepressor { .. } => "hill_repressor",
            RateLaw::Logistic { .. } => "logistic",
            RateLaw::RatioDependent { .. } => "ratio_dependent",
            RateLaw::Binding { .. } => "binding",
            RateLaw::Expression { .. } => "expression",
            RateLaw::Custom(_) => "custom",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn monomials_parse() {
        let c = Coefficient::from("rho_N*w2/K");
        let (s, m) = c.monomial().unwrap();
        assert_eq!(s, 1.0);
        assert_eq!(m, vec![("rho_N", 1), ("w2", 1), ("K", -1)]);
        let c = Coefficient::from("-p_ex");
        let (s, m) = c.monomial().unwrap();
        assert_eq!((s, m), (-1.0, vec![("p_ex", 1)]));
        let c = Coefficient::from("1/tau");
        let (_, m) = c.monomial().unwrap();
        assert_eq!(m, vec![("1", 1), ("tau", -1)]);
        assert!(Coefficient::from("a**b").monomial().is_err());
        assert!(Coefficient::from("").monomial().is_err());
        assert!(Coefficient::from("a/").monomial().is_err());
    }
}
