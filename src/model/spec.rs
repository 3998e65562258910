//! The declaration of a model: what a model file holds and what
//! [`ModelBuilder`] assembles. A declaration is checked and compiled into a
//! [`Model`](super::Model) by [`Model::from_spec`](super::Model::from_spec).

use super::compartment::Compartment;
use super::distribution::Distribution;
use super::law::{Coefficient, Factor, RateLaw, Stoichiometry};
use super::role::Role;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// How sure a parameter value is (the provenance tags of docs/model.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Provenance {
    /// `[V]` verified from a source.
    #[serde(rename = "V")]
    Verified,
    /// `[D]` derived from verified numbers (the arithmetic is in the source text).
    #[serde(rename = "D")]
    Derived,
    /// `[R]` recalled from the literature, unchecked.
    #[serde(rename = "R")]
    Recalled,
    /// `[A]` an assumption, to be calibrated.
    #[serde(rename = "A")]
    Assumed,
    /// `[F]` fitted to calibration targets by a reproducible procedure.
    #[serde(rename = "F")]
    Fitted,
    /// `[N]` a numerical device (regularization), not biology.
    #[serde(rename = "N")]
    Numerical,
}

impl fmt::Display for Provenance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let tag = match self {
            Provenance::Verified => "V",
            Provenance::Derived => "D",
            Provenance::Recalled => "R",
            Provenance::Assumed => "A",
            Provenance::Fitted => "F",
            Provenance::Numerical => "N",
        };
        write!(f, "[{tag}]")
    }
}

fn is_empty(s: &str) -> bool {
    s.is_empty()
}

fn dimensionless() -> String {
    "1".to_string()
}

/// General information about a model.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelInfo {
    /// Short identifier, e.g. `iannello2013`.
    pub name: String,
    /// What the model describes.
    #[serde(default, skip_serializing_if = "is_empty")]
    pub description: String,
    /// The time (days) at which the declared initial state holds.
    #[serde(default)]
    pub initial_time: f64,
    /// Literature the model is built from.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<String>,
}

/// A state variable.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CompartmentDecl {
    /// Short name used in processes (`P`, `C2`, `Na`).
    pub name: String,
    /// What it is.
    pub kind: Compartment,
    /// Unit; its dimension must match the kind's quantity.
    pub unit: String,
    /// Value at `initial_time`, in `unit`.
    pub initial: f64,
    /// Human description.
    #[serde(default, skip_serializing_if = "is_empty")]
    pub description: String,
}

/// A parameter with provenance.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParameterDecl {
    /// Name used in rate laws.
    pub name: String,
    /// Value in `unit` (finite, ≥ 0).
    pub value: f64,
    /// Unit (any unit of the right dimension; converted when the model is built).
    pub unit: String,
    /// Provenance tag.
    pub tag: Provenance,
    /// Where the value comes from.
    #[serde(default, skip_serializing_if = "is_empty")]
    pub source: String,
    /// What the parameter means.
    #[serde(default, skip_serializing_if = "is_empty")]
    pub description: String,
    /// How uncertain the value is (none: the default of its provenance
    /// tag, [`Model::parameter_distribution`](super::Model::parameter_distribution)).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uncertainty: Option<UncertaintyDecl>,
}

/// How uncertain a parameter's value is: a distribution around it, in the
/// parameter's declared unit — `uncertainty = { distribution =
/// "log-uniform", factor = 2 }` (from value/2 to 2·value), `{ distribution
/// = "log-normal", sigma = 0.5 }` (median the value), `{ distribution =
/// "normal", sd = 0.1 }` (mean the value), or `low`/`high` bounds for a
/// uniform or log-uniform range.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UncertaintyDecl {
    /// `log-uniform`, `uniform`, `log-normal` or `normal`.
    pub distribution: String,
    /// Log-uniform or uniform from value/factor to value·factor (> 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub factor: Option<f64>,
    /// Lower bound (uniform, log-uniform; instead of `factor`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub low: Option<f64>,
    /// Upper bound (uniform, log-uniform; instead of `factor`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub high: Option<f64>,
    /// Standard deviation of the logarithm (log-normal).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sigma: Option<f64>,
    /// Standard deviation (normal).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sd: Option<f64>,
}

impl UncertaintyDecl {
    /// A log-uniform range from `value/factor` to `value·factor`.
    pub fn factor(factor: f64) -> UncertaintyDecl {
        UncertaintyDecl {
            distribution: "log-uniform".into(),
            factor: Some(factor),
            low: None,
            high: None,
            sigma: None,
            sd: None,
        }
    }

    /// A log-normal distribution with median the value and `σ` of its
    /// logarithm.
    pub fn log_normal(sigma: f64) -> UncertaintyDecl {
        UncertaintyDecl {
            distribution: "log-normal".into(),
            sigma: Some(sigma),
            factor: None,
            ..UncertaintyDecl::factor(1.0)
        }
    }

    /// The distribution around `value`, or what is wrong with the
    /// declaration (a missing or extra field, an impossible value).
    pub fn distribution_at(&self, value: f64) -> std::result::Result<Distribution, String> {
        let need =
            |v: Option<f64>, what: &str| v.ok_or_else(|| format!("a {} uncertainty needs '{what}'", self.distribution));
        let range = |log: bool| -> std::result::Result<Distribution, String> {
            let (low, high) = match (self.factor, self.low, self.high) {
                (Some(f), None, None) if f > 1.0 && f.is_finite() => (value / f, value * f),
                (Some(f), None, None) => return Err(format!("factor = {f} must be finite and above 1")),
                (None, Some(low), Some(high)) => (low, high),
                _ => {
                    return Err(format!("a {} uncertainty needs 'factor' or both 'low' and 'high'", self.distribution))
                }
            };
            Ok(if log { Distribution::LogUniform { low, high } } else { Distribution::Uniform { low, high } })
        };
        let unused = |fields: &[(&str, Option<f64>)]| match fields.iter().find(|(_, v)| v.is_some()) {
            Some((k, _)) => Err(format!("'{k}' is not a field of a {} uncertainty", self.distribution)),
            None => Ok(()),
        };
        let d = match self.distribution.as_str() {
            "log-uniform" | "uniform" => {
                unused(&[("sigma", self.sigma), ("sd", self.sd)])?;
                range(self.distribution == "log-uniform")?
            }
            "log-normal" => {
                unused(&[("factor", self.factor), ("low", self.low), ("high", self.high), ("sd", self.sd)])?;
                Distribution::LogNormal { median: value, sigma: need(self.sigma, "sigma")? }
            }
            "normal" => {
                unused(&[("factor", self.factor), ("low", self.low), ("high", self.high), ("sigma", self.sigma)])?;
                Distribution::Normal { mean: value, sd: need(self.sd, "sd")? }
            }
            other => return Err(format!("unknown distribution '{other}' (log-uniform, uniform, log-normal, normal)")),
        };
        match d.problem() {
            Some(reason) => Err(reason),
            None => Ok(d),
        }
    }
}

impl ParameterDecl {
    /// A parameter `name = value` in `unit`, tagged [`Provenance::Assumed`]
    /// until [`provenance`](Self::provenance) says otherwise, with no source
    /// or description yet:
    ///
    /// ```
    /// use sasp::model::{ModelBuilder, ParameterDecl, Provenance};
    ///
    /// let decl = ParameterDecl::new("kd", 0.7, "1/day")
    ///     .provenance(Provenance::Recalled)
    ///     .source("plasma half-life about one day")
    ///     .description("elimination rate of the drug");
    /// let builder = ModelBuilder::new("pk").declare(decl);
    /// assert_eq!(builder.spec().parameters[0].description, "elimination rate of the drug");
    /// ```
    pub fn new(name: &str, value: f64, unit: &str) -> ParameterDecl {
        ParameterDecl {
            name: name.to_string(),
            value,
            unit: unit.to_string(),
            tag: Provenance::Assumed,
            source: String::new(),
            description: String::new(),
            uncertainty: None,
        }
    }

    /// Declares how uncertain the value is.
    pub fn uncertainty(mut self, uncertainty: UncertaintyDecl) -> ParameterDecl {
        self.uncertainty = Some(uncertainty);
        self
    }

    /// Sets how sure the value is.
    pub fn provenance(mut self, tag: Provenance) -> ParameterDecl {
        self.tag = tag;
        self
    }

    /// Sets where the value comes from.
    pub fn source(mut self, source: &str) -> ParameterDecl {
        self.source = source.to_string();
        self
    }

    /// Sets what the parameter means.
    pub fn description(mut self, text: &str) -> ParameterDecl {
        self.description = text.to_string();
        self
    }
}

/// A named sum of compartments of the same unit (e.g. total tumor `T = P + Q + S`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PoolDecl {
    /// Name usable wherever a rate law takes a compartment argument.
    pub name: String,
    /// Member compartments.
    pub sum: Vec<String>,
    /// Human description.
    #[serde(default, skip_serializing_if = "is_empty")]
    pub description: String,
}

/// How one compartment moves on a grid (`[[transport]]` in a model file);
/// the well-mixed model ignores it, `space::Transport::declared` reads it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransportDecl {
    /// The moving compartment.
    pub compartment: String,
    /// Diffusion coefficient or random motility, in `unit`; 0 = immobile.
    #[serde(default)]
    pub diffusion: f64,
    /// Unit of `diffusion` (length²/time, e.g. `um^2/s`); absent = `mm^2/day`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// Chemotaxis toward a signal, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chemotaxis: Option<ChemotaxisDecl>,
    /// Human description (source of the coefficients).
    #[serde(default, skip_serializing_if = "is_empty")]
    pub description: String,
}

/// Chemotaxis of a transport declaration: flux `χ n ∇c / (1 + c/K)²`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChemotaxisDecl {
    /// The attracting compartment (e.g. a chemokine).
    pub signal: String,
    /// Sensitivity χ, in `unit`.
    pub sensitivity: f64,
    /// Unit of `sensitivity` (length²/time per unit of the signal, e.g.
    /// `mm^2/day/nM`); absent = mm²/day per the signal's declared unit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// Receptor saturation constant K, in the signal's declared unit; absent
    /// = no saturation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub saturation: Option<f64>,
}

/// A piecewise-constant external signal (e.g. doxycycline on = 1, off = 0).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InputDecl {
    /// Name used by `time_source` laws and `input` factors.
    pub name: String,
    /// Unit (default dimensionless).
    #[serde(default = "dimensionless")]
    pub unit: String,
    /// Value when no schedule sets it.
    #[serde(default)]
    pub default: f64,
    /// Human description.
    #[serde(default, skip_serializing_if = "is_empty")]
    pub description: String,
}

/// A process: a rate law and the changes it makes per unit of rate.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProcessDecl {
    /// Unique name.
    pub name: String,
    /// `compartment → ν`: `dy/dt += ν · rate`.
    pub changes: BTreeMap<String, Stoichiometry>,
    /// The rate law.
    pub rate: RateLaw,
    /// Extra factors multiplying the law.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub modifiers: Vec<Factor>,
    /// Roles the engine's mechanisms look for ([`Role`]): `recruitment`
    /// (scaled by vascular density, spared by depleting antibodies),
    /// `killing` (counted by kill-rate observables), `receptor.<NAME>`
    /// (blocked by an antibody against the receptor).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<Role>,
    /// Human description.
    #[serde(default, skip_serializing_if = "is_empty")]
    pub description: String,
}

impl ProcessDecl {
    /// A process with a law and no changes yet.
    pub fn new(name: &str, rate: RateLaw) -> ProcessDecl {
        ProcessDecl {
            name: name.to_string(),
            changes: BTreeMap::new(),
            rate,
            modifiers: Vec::new(),
            roles: Vec::new(),
            description: String::new(),
        }
    }

    /// Adds a role.
    pub fn role(mut self, role: Role) -> ProcessDecl {
        self.roles.push(role);
        self
    }

    /// Does the process have this role?
    pub fn has_role(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    /// Adds a change `dy[compartment]/dt += ν · rate`. A compartment changed
    /// twice changes by the sum: `A → A + B` written as `.change("A", -1.0)
    /// .change("A", 1.0)` leaves `A` unchanged. A sum that involves a
    /// parameter expression is kept as the text `a + b`, which the model
    /// build refuses (a coefficient is a product of parameters): write the
    /// net change instead.
    pub fn change(mut self, compartment: &str, nu: impl Into<Stoichiometry>) -> ProcessDecl {
        let nu = nu.into();
        let total = match (self.changes.remove(compartment), nu) {
            (None, nu) => nu,
            (Some(Stoichiometry::Number(a)), Stoichiometry::Number(b)) => Stoichiometry::Number(a + b),
            (Some(a), b) => Stoichiometry::Expression(Coefficient(format!("{} + {}", a.text(), b.text()))),
        };
        self.changes.insert(compartment.to_string(), total);
        self
    }

    /// Multiplies the law by a factor.
    pub fn times(mut self, factor: Factor) -> ProcessDecl {
        self.modifiers.push(factor);
        self
    }

    /// Sets the description.
    pub fn describe(mut self, text: &str) -> ProcessDecl {
        self.description = text.to_string();
        self
    }
}

/// An item that [`ModelBuilder::declare`] adds to a model declaration.
pub trait Declaration {
    /// Appends the item to `spec`.
    fn add_to(self, spec: &mut ModelSpec);
}

impl Declaration for ParameterDecl {
    fn add_to(self, spec: &mut ModelSpec) {
        spec.parameters.push(self);
    }
}

impl Declaration for ProcessDecl {
    fn add_to(self, spec: &mut ModelSpec) {
        spec.processes.push(self);
    }
}

impl Declaration for PoolDecl {
    fn add_to(self, spec: &mut ModelSpec) {
        spec.pools.push(self);
    }
}

/// A named quantity defined by a math expression (an SBML assignment rule):
/// `[[assignment]] name = "total", expression = "A + B"`. Expressions
/// (rate laws, other assignments, event triggers and assignments) may use
/// its name; it is substituted where used (cycles are refused), and
/// [`Model::assignment`](super::Model::assignment) evaluates it on a state.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssignmentDecl {
    /// Unique name (distinct from compartments, pools, parameters and inputs).
    pub name: String,
    /// Its value, as infix text over compartments, pools, parameters,
    /// inputs, other assignments and `time`.
    pub expression: String,
    /// Human description.
    #[serde(default, skip_serializing_if = "is_empty")]
    pub description: String,
}

impl AssignmentDecl {
    /// `name = expression`.
    pub fn new(name: &str, expression: &str) -> AssignmentDecl {
        AssignmentDecl { name: name.to_string(), expression: expression.to_string(), description: String::new() }
    }
}

/// One change an event makes: `target` (a compartment) takes the value of
/// `value`, evaluated with the values just before the event.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventAssignmentDecl {
    /// The compartment that changes.
    pub target: String,
    /// Its new value (infix text, in the compartment's declared unit … in
    /// canonical units, as every expression).
    pub value: String,
    /// A factor the value is multiplied by when the event is executed,
    /// evaluated then (with the values just before any assignment), even
    /// when the value itself was computed at the trigger: how an SBML
    /// concentration set by a delayed event becomes the amount a state
    /// holds (`scale` = the compartment's size at execution).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale: Option<String>,
}

/// A state-triggered event: when `trigger` turns from false to true, the
/// assignments are made, at once or after a delay.
///
/// ```toml
/// [[event]]
/// name = "refill"
/// trigger = "S < 0.1"
/// assign = [{ target = "S", value = "S + 1" }]
/// ```
///
/// The trigger is located by root finding on the solver's dense output
/// (a relation `a < b` by the root of `b − a`; `and`/`or` by the minimum
/// and maximum of their operands' functions), and the integration restarts
/// cleanly after the event. A trigger already true at the initial time
/// fires there only if `initial_value` is false.
///
/// As in SBML: an event with a `delay` (an expression evaluated when the
/// trigger turns true) is executed that long after; its assignments are
/// computed when it triggers (`use_values_from_trigger_time`, the default)
/// or when it is executed. A trigger that is not `persistent` cancels the
/// pending execution if it turns false before. Events due at the same
/// instant execute one at a time, the highest `priority` first (evaluated
/// at that instant; an event without one after those with one), ties in
/// the order they were triggered, then declaration order; after each, the
/// triggers are checked again, so events can trigger one another.
///
/// ```toml
/// [[event]]
/// name = "washout"
/// trigger = "time >= 2"
/// delay = "tau"
/// priority = "1"
/// persistent = false
/// use_values_from_trigger_time = false
/// assign = [{ target = "S", value = "0" }]
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventDecl {
    /// Unique name.
    pub name: String,
    /// When it fires: a boolean expression (infix text).
    pub trigger: String,
    /// The trigger's value taken for the instant before the initial time.
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub initial_value: bool,
    /// What it changes, all computed before any is made.
    #[serde(default, rename = "assign")]
    pub assignments: Vec<EventAssignmentDecl>,
    /// How long after the trigger turns true the event is executed (an
    /// expression evaluated then); none: at once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delay: Option<String>,
    /// Which of the events due at one instant executes first (an
    /// expression, the highest first, evaluated at that instant).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<String>,
    /// Does a pending execution survive its trigger turning false?
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub persistent: bool,
    /// Are the assignments' values computed when the event triggers (true)
    /// or when it is executed (false)?
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub use_values_from_trigger_time: bool,
}

fn yes() -> bool {
    true
}

fn is_true(v: &bool) -> bool {
    *v
}

impl EventDecl {
    /// An event with a trigger and no assignments yet.
    pub fn new(name: &str, trigger: &str) -> EventDecl {
        EventDecl {
            name: name.to_string(),
            trigger: trigger.to_string(),
            initial_value: true,
            assignments: Vec::new(),
            delay: None,
            priority: None,
            persistent: true,
            use_values_from_trigger_time: true,
        }
    }

    /// Executes the event `delay` (an expression evaluated when it
    /// triggers) after its trigger turns true.
    pub fn delay(mut self, delay: &str) -> EventDecl {
        self.delay = Some(delay.to_string());
        self
    }

    /// Orders it among events due at the same instant (highest first).
    pub fn priority(mut self, priority: &str) -> EventDecl {
        self.priority = Some(priority.to_string());
        self
    }

    /// Adds `target := value`.
    pub fn assign(mut self, target: &str, value: &str) -> EventDecl {
        self.assignments.push(EventAssignmentDecl {
            target: target.to_string(),
            value: value.to_string(),
            scale: None,
        });
        self
    }
}

/// An algebraic constraint `0 = residual` that determines a compartment
/// (an SBML algebraic rule): the compartment is then an algebraic component
/// of the system, not a differential one, and the model is the index-1
/// differential–algebraic system
///
/// `x' = f(t, x, z)`,  `0 = g(t, x, z)`
///
/// with `z` the constrained compartments and `g` their residuals. Each
/// residual must determine its compartment (`∂g/∂z` nonsingular, checked
/// when the model is solved); no process or transport may change it. The
/// Rodas5P and BDF methods solve such a model (explicit methods and Rodas3
/// refuse it), starting from values of `z` that satisfy the constraints at
/// the initial time and after every event or dose (the declared initial
/// value is the first guess of that Newton solve).
///
/// ```toml
/// [[constraint]]
/// variable = "S2"
/// residual = "S1 + S2 - total"
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConstraintDecl {
    /// The compartment the constraint determines.
    pub variable: String,
    /// The expression that is held at 0 (infix text over compartments,
    /// pools, parameters, inputs, assignments and `time`).
    pub residual: String,
    /// Is the residual the rate at which a fast process moves the variable
    /// (`variable' = residual` on a time scale far shorter than the
    /// model's: a rapid equilibrium, as an SBML fast reaction)? Then the
    /// variable takes the equilibrium that process reaches from the
    /// current state (not merely a root of the residual), and that
    /// equilibrium must be stable. Default: false.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub fast: bool,
    /// Human description.
    #[serde(default, skip_serializing_if = "is_empty")]
    pub description: String,
}

impl ConstraintDecl {
    /// `0 = residual`, determining `variable`.
    pub fn new(variable: &str, residual: &str) -> ConstraintDecl {
        ConstraintDecl {
            variable: variable.to_string(),
            residual: residual.to_string(),
            fast: false,
            description: String::new(),
        }
    }

    /// `variable' = residual` on a fast time scale: its equilibrium (see
    /// [`ConstraintDecl::fast`]).
    pub fn fast(variable: &str, residual: &str) -> ConstraintDecl {
        ConstraintDecl { fast: true, ..ConstraintDecl::new(variable, residual) }
    }
}

impl Declaration for ConstraintDecl {
    fn add_to(self, spec: &mut ModelSpec) {
        spec.constraints.push(self);
    }
}

impl Declaration for AssignmentDecl {
    fn add_to(self, spec: &mut ModelSpec) {
        spec.assignments.push(self);
    }
}

impl Declaration for EventDecl {
    fn add_to(self, spec: &mut ModelSpec) {
        spec.events.push(self);
    }
}

/// A whole model declaration: the content of a model file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelSpec {
    /// General information.
    pub model: ModelInfo,
    /// State variables, in state-vector order.
    #[serde(default, rename = "compartment")]
    pub compartments: Vec<CompartmentDecl>,
    /// Parameters.
    #[serde(default, rename = "parameter")]
    pub parameters: Vec<ParameterDecl>,
    /// Pools (sums of compartments).
    #[serde(default, rename = "pool", skip_serializing_if = "Vec::is_empty")]
    pub pools: Vec<PoolDecl>,
    /// Time-dependent inputs.
    #[serde(default, rename = "input", skip_serializing_if = "Vec::is_empty")]
    pub inputs: Vec<InputDecl>,
    /// Processes.
    #[serde(default, rename = "process")]
    pub processes: Vec<ProcessDecl>,
    /// Transport on grids (ignored by the well-mixed model).
    #[serde(default, rename = "transport", skip_serializing_if = "Vec::is_empty")]
    pub transport: Vec<TransportDecl>,
    /// Named quantities defined by expressions (SBML assignment rules).
    #[serde(default, rename = "assignment", skip_serializing_if = "Vec::is_empty")]
    pub assignments: Vec<AssignmentDecl>,
    /// State-triggered events.
    #[serde(default, rename = "event", skip_serializing_if = "Vec::is_empty")]
    pub events: Vec<EventDecl>,
    /// Algebraic constraints (SBML algebraic rules).
    #[serde(default, rename = "constraint", skip_serializing_if = "Vec::is_empty")]
    pub constraints: Vec<ConstraintDecl>,
}

/// Assembles a model declaration in Rust and builds it.
///
/// ```
/// use sasp::model::{ModelBuilder, Compartment, TumorState, RateLaw, ProcessDecl, Provenance};
/// let model = ModelBuilder::new("decay")
///     .compartment("S", Compartment::Tumor(TumorState::Senescent), "Mcells", 10.0)
///     .parameter("k", 0.5, "1/day", Provenance::Assumed, "example")
///     .process(
///         ProcessDecl::new("clearance", RateLaw::FirstOrder { k: "k".into(), of: "S".into() })
///             .change("S", -1.0),
///     )
///     .build()?;
/// let mut dy = [0.0];
/// model.rhs(0.0, &[10.0], &[], &mut dy);
/// assert_eq!(dy[0], -5.0);
/// # Ok::<(), sasp::SaspError>(())
/// ```
#[derive(Clone, Debug)]
pub struct ModelBuilder {
    spec: ModelSpec,
}

impl ModelBuilder {
    /// An empty model with a name.
    pub fn new(name: &str) -> ModelBuilder {
        ModelBuilder {
            spec: ModelSpec {
                model: ModelInfo {
                    name: name.to_string(),
                    description: String::new(),
                    initial_time: 0.0,
                    references: Vec::new(),
                },
                compartments: Vec::new(),
                parameters: Vec::new(),
                pools: Vec::new(),
                inputs: Vec::new(),
                processes: Vec::new(),
                transport: Vec::new(),
                assignments: Vec::new(),
                events: Vec::new(),
                constraints: Vec::new(),
            },
        }
    }

    /// Starts from an existing declaration (e.g. a loaded model's) to extend it.
    pub fn from_spec(spec: ModelSpec) -> ModelBuilder {
        ModelBuilder { spec }
    }

    /// Sets the time at which the initial state holds.
    pub fn initial_time(mut self, t: f64) -> ModelBuilder {
        self.spec.model.initial_time = t;
        self
    }

    /// Declares a compartment with its unit and initial value.
    pub fn compartment(mut self, name: &str, kind: Compartment, unit: &str, initial: f64) -> ModelBuilder {
        self.spec.compartments.push(CompartmentDecl {
            name: name.to_string(),
            kind,
            unit: unit.to_string(),
            initial,
            description: String::new(),
        });
        self
    }

    /// Declares a parameter (shorthand for
    /// `declare(ParameterDecl::new(name, value, unit).provenance(tag).source(source))`;
    /// [`declare`](Self::declare) also sets a description).
    pub fn parameter(self, name: &str, value: f64, unit: &str, tag: Provenance, source: &str) -> ModelBuilder {
        self.declare(ParameterDecl::new(name, value, unit).provenance(tag).source(source))
    }

    /// Adds a declaration: a [`ParameterDecl`], [`ProcessDecl`] or [`PoolDecl`].
    pub fn declare(mut self, item: impl Declaration) -> ModelBuilder {
        item.add_to(&mut self.spec);
        self
    }

    /// Declares a pool (sum of compartments).
    pub fn pool(mut self, name: &str, members: &[&str]) -> ModelBuilder {
        self.spec.pools.push(PoolDecl {
            name: name.to_string(),
            sum: members.iter().map(|m| m.to_string()).collect(),
            description: String::new(),
        });
        self
    }

    /// Declares a dimensionless input with its default value.
    pub fn input(mut self, name: &str, default: f64) -> ModelBuilder {
        self.spec.inputs.push(InputDecl {
            name: name.to_string(),
            unit: dimensionless(),
            default,
            description: String::new(),
        });
        self
    }

    /// Adds a process.
    pub fn process(mut self, process: ProcessDecl) -> ModelBuilder {
        self.spec.processes.push(process);
        self
    }

    /// The declaration so far.
    pub fn spec(&self) -> &ModelSpec {
        &self.spec
    }

    /// The declaration, to edit in place (it is validated by [`ModelBuilder::build`]).
    pub fn spec_mut(&mut self) -> &mut ModelSpec {
        &mut self.spec
    }

    /// Validates and compiles the model.
    pub fn build(self) -> crate::Result<super::Model> {
        super::Model::from_spec(self.spec)
    }
}

/// A coefficient made of one parameter name.
impl From<String> for Coefficient {
    fn from(s: String) -> Coefficient {
        Coefficient(s)
    }
}

impl ModelSpec {
    /// The parameter table in Markdown (name, value, unit, tag, meaning, source),
    /// as `docs/model.md` shows it; a test keeps the two in agreement.
    pub fn parameter_table_markdown(&self) -> String {
        let cell = |s: &str| s.replace('|', "\\|");
        let mut out =
            String::from("| parameter | value | unit | tag | meaning | source |\n|---|---|---|---|---|---|\n");
        for p in &self.parameters {
            out.push_str(&format!(
                "| `{}` | {} | {} | {} | {} | {} |\n",
                p.name,
                p.value,
                cell(&p.unit),
                p.tag,
                cell(&p.description),
                cell(&p.source)
            ));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Compartment, Quantity};

    #[test]
    fn a_compartment_changed_twice_changes_by_the_sum() {
        // A catalysed step A + B → A + C written reactant by reactant.
        let decl = ProcessDecl::new("step", RateLaw::mass_action("k", ["A", "B"]))
            .change("A", -1.0)
            .change("B", -1.0)
            .change("A", 1.0)
            .change("C", 1.0);
        assert_eq!(decl.changes["A"], Stoichiometry::Number(0.0));
        assert_eq!(decl.changes["C"], Stoichiometry::Number(1.0));
        // A sum with a parameter expression is not a coefficient: refused at build.
        let mut b = ModelBuilder::new("m");
        for c in ["A", "B"] {
            b = b.compartment(c, Compartment::Other(Quantity::Index), "1", 1.0);
        }
        let err = b
            .declare(ParameterDecl::new("k", 1.0, "1/day"))
            .declare(ParameterDecl::new("q", 1.0, "1"))
            .process(ProcessDecl::new("mixed", RateLaw::first_order("k", "A")).change("B", "q").change("B", 1.0))
            .build()
            .unwrap_err()
            .to_string();
        assert!(err.contains("mixed") || err.contains("q + 1"), "{err}");
    }
}
