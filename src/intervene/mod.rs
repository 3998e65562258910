//! Interventions: values that transform a model and add timed events.
//!
//! An [`Intervention`] changes the model (adds an antibody's compartments and
//! processes, zeroes NKG2D killing, splits the injected tumor into
//! restorable and p53-deficient cells) and schedules [`TimedAction`]s (input
//! switches, bolus doses). An [`Arm`] is a named set of interventions;
//! [`Arm::prepare`] applies them all to a base model and returns the model to
//! integrate with its stop times. Stop times are exact solver stops.
//!
//! Antibody pharmacokinetics and binding, for an antibody `j`
//! against a target `z`:
//!
//! - depot `D' = −ka D` (+ bolus doses), plasma `A' = ka D − kel A`,
//! - tumor `T' = kpen (φ A − T) − kon T z + koff B`,
//! - complex `B' = kon T z − koff B − δ_B B`, and `z` loses `kon T z − koff B`.
//!
//! Targets: a chemokine (neutralization: binding as above), NKG2D (blockade
//! `b = A/(A + Kd_NKG2D)` multiplies every `nkg2d`-tagged killing process by
//! `1 − b`), an NK depletion antigen (extra loss `k_dep A/(A + Kd_dep)` of NK
//! cells and recruitment scaled by `1 − A/(A + Kd_dep)`), or nothing (isotype
//! control: same pharmacokinetics, binds nothing).

pub mod scenario;

pub use scenario::Scenario;

use crate::error::{ModelError, Result, SaspError};
use crate::model::{
    AntibodyPool, Chemokine, Compartment, CompartmentDecl, Factor, Model, ModelBuilder, ModelSpec, Name, ParameterDecl,
    ProcessDecl, Quantity, RateLaw, Role, Stoichiometry, TumorState, Unit,
};
use serde::{Deserialize, Serialize};

/// Sets input `input` to `value` from time `time` (days) on.
#[derive(Clone, Debug, PartialEq)]
pub struct Switch {
    /// Time of the switch, in days.
    pub time: f64,
    /// The input's name.
    pub input: String,
    /// The new value (finite, ≥ 0).
    pub value: f64,
}

impl Switch {
    /// A switch of `input` to `value` at `time`.
    pub fn new(time: f64, input: &str, value: f64) -> Switch {
        Switch { time, input: input.to_string(), value }
    }

    /// Doxycycline on at `time`: p53 restored in restorable cells.
    pub fn p53_restored_at(time: f64) -> Switch {
        Switch::new(time, "doxycycline", 1.0)
    }

    /// Checks the switch against a model and a run starting at `t0`; returns the input's index.
    pub fn resolve(&self, model: &Model, t0: f64) -> Result<usize> {
        let index = model.input_index(&self.input)?;
        let problem = |reason: String| Err(SaspError::InvalidSchedule { name: self.input.clone(), reason });
        if !self.time.is_finite() {
            return problem(format!("switch time {} is not finite", self.time));
        }
        if self.time < t0 {
            return problem(format!("switch at day {} is before the run starts (day {t0})", self.time));
        }
        if !(self.value.is_finite() && self.value >= 0.0) {
            return problem(format!("switch value {} must be finite and non-negative", self.value));
        }
        Ok(index)
    }
}

/// Most doses one schedule may hold.
pub const MAX_DOSES: usize = 100_000;

/// Checks an arm's name: not empty, no control characters (CR, LF, tab or
/// any other), which would break the lines of the CSV files results are
/// written to.
pub fn check_arm_name(name: &str) -> Result<()> {
    if name.trim().is_empty() {
        return Err(SaspError::InvalidOptions("an arm has an empty name".to_string()));
    }
    if let Some(c) = name.chars().find(|c| c.is_control()) {
        return Err(SaspError::InvalidOptions(format!(
            "arm name {name:?} contains the control character {c:?}: names are written into CSV lines"
        )));
    }
    Ok(())
}

/// When an antibody is given: `amount` nM into the depot at `first`, then
/// every `every` days while the dose time is at most `until`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DoseSchedule {
    /// Dose, in nM of the depot (330 nM ≈ 100 µg i.p. in 2 mL).
    pub amount_nm: f64,
    /// First dose (day).
    pub first: f64,
    /// Interval between doses (days); a single dose when absent.
    #[serde(default)]
    pub every: Option<f64>,
    /// Last possible dose time (day); required with `every`.
    #[serde(default)]
    pub until: Option<f64>,
}

impl DoseSchedule {
    /// A single dose.
    pub fn once(amount_nm: f64, at: f64) -> DoseSchedule {
        DoseSchedule { amount_nm, first: at, every: None, until: None }
    }

    /// Repeated doses from `first` every `every` days up to `until`.
    pub fn repeated(amount_nm: f64, first: f64, every: f64, until: f64) -> DoseSchedule {
        DoseSchedule { amount_nm, first, every: Some(every), until: Some(until) }
    }

    /// The dose times, checked against a run starting at `t0`.
    pub fn times(&self, name: &str, t0: f64) -> Result<Vec<f64>> {
        let bad = |reason: String| Err(SaspError::InvalidSchedule { name: name.to_string(), reason });
        if !(self.amount_nm.is_finite() && self.amount_nm >= 0.0) {
            return bad(format!("dose {} nM must be finite and non-negative", self.amount_nm));
        }
        if !self.first.is_finite() {
            return bad(format!("first dose at day {} is not finite", self.first));
        }
        if self.first < t0 {
            return bad(format!("first dose at day {} is before the simulation starts (day {t0})", self.first));
        }
        match (self.every, self.until) {
            (None, None) => Ok(vec![self.first]),
            (Some(every), Some(until)) => {
                if !(every.is_finite() && every > 0.0) {
                    return bad(format!("dose interval {every} days must be positive"));
                }
                if !(until.is_finite() && until >= self.first) {
                    return bad(format!("last dose day {until} is before the first ({})", self.first));
                }
                // Counted in floating point first: a tiny interval over a long
                // span must not overflow the conversion to an integer.
                let count = ((until - self.first) / every + 1e-9).floor() + 1.0;
                if count > MAX_DOSES as f64 {
                    return Err(SaspError::LimitExceeded {
                        what: "doses",
                        requested: count,
                        limit: MAX_DOSES,
                        hint: format!("schedule of '{name}': raise `every` or bring `until` closer to `first`"),
                    });
                }
                Ok((0..count as usize).map(|k| self.first + k as f64 * every).collect())
            }
            _ => bad("a repeated schedule needs both `every` and `until`".to_string()),
        }
    }
}

/// Which compartments of a model an intervention acts on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Species {
    /// The compartment of this name.
    Named(String),
    /// Every compartment of this kind (e.g. `chemokine.CCL2`).
    Kind(Compartment),
    /// Every compartment whose kind is of this family ([`Compartment::family`]:
    /// `nk` for `nk.recruited` and `nk.activated`).
    Family(String),
}

impl Species {
    /// Indices (into `spec.compartments`) of the compartments selected.
    fn select(&self, spec: &ModelSpec) -> Vec<usize> {
        let hit = |c: &CompartmentDecl| match self {
            Species::Named(name) => c.name == *name,
            Species::Kind(kind) => c.kind == *kind,
            Species::Family(family) => c.kind.family() == family,
        };
        (0..spec.compartments.len()).filter(|&i| hit(&spec.compartments[i])).collect()
    }
}

impl std::fmt::Display for Species {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Species::Named(name) => write!(f, "compartment '{name}'"),
            Species::Kind(kind) => write!(f, "compartments of kind {kind}"),
            Species::Family(family) => write!(f, "compartments of the {family}.* family"),
        }
    }
}

/// What an antibody does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AntibodyTarget {
    /// Neutralizes a soluble species (exactly one compartment, a
    /// concentration) by binding it in the tumor interstitium.
    Neutralizes(Species),
    /// Blocks a receptor: every process with role `receptor.<NAME>` is
    /// multiplied by `Kd/(Kd + A)` (`A` the antibody in plasma).
    Blocks(Name),
    /// Depletes cells (one or more compartments of cells): extra loss
    /// `k_dep·A/(A + Kd_dep)` of each, and the `recruitment` processes that
    /// bring them in are multiplied by `Kd_dep/(Kd_dep + A)`.
    Depletes(Species),
    /// Binds nothing (isotype control).
    Isotype,
}

/// One quantity of an antibody's pharmacokinetics.
#[derive(Clone, Debug, PartialEq)]
pub enum PkValue {
    /// The model's parameter of the quantity's conventional name
    /// ([`Pharmacokinetics::QUANTITIES`]) if the model declares it,
    /// otherwise the typical value of that table.
    Default,
    /// A parameter of the model, by name.
    Parameter(String),
    /// A value in a unit (the unit is checked like any parameter's).
    Value(f64, String),
}

/// Where a resolved pharmacokinetic quantity came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PkSource {
    /// A parameter the model declares (named explicitly or by convention).
    Model,
    /// A value given with the antibody.
    Given,
    /// The typical value of [`Pharmacokinetics::QUANTITIES`].
    Typical,
}

/// One resolved quantity of an antibody's pharmacokinetics in a prepared arm.
#[derive(Clone, Debug, PartialEq)]
pub struct PkEntry {
    /// The antibody.
    pub antibody: String,
    /// The quantity (`ka`, `kel`, …).
    pub quantity: &'static str,
    /// The parameter of the prepared model that holds it.
    pub parameter: String,
    /// Where its value came from.
    pub source: PkSource,
}

/// The parameter map of an antibody's pharmacokinetics and binding: each
/// quantity is [`PkValue::Default`] unless set.
///
/// The quantities, their conventional parameter names and typical values
/// (a mouse IgG given i.p.; the values of the reference model) are in
/// [`Pharmacokinetics::QUANTITIES`]. A quantity given as a value becomes a
/// parameter `<antibody>_<quantity>` of the prepared model.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Pharmacokinetics {
    set: Vec<(&'static str, PkValue)>,
}

/// One row of [`Pharmacokinetics::QUANTITIES`].
#[derive(Clone, Copy, Debug)]
pub struct PkQuantity {
    /// The quantity's name, which is also its conventional parameter name
    /// (`Kd` of a blocking antibody is looked up as `Kd_<RECEPTOR>`).
    pub name: &'static str,
    /// Typical value.
    pub value: f64,
    /// Its unit.
    pub unit: &'static str,
    /// What it is.
    pub meaning: &'static str,
}

impl Pharmacokinetics {
    /// The quantities: `ka` (depot → plasma), `kel` (plasma elimination),
    /// `kpen` and `phi` (tumor penetration towards `phi·A`), `kon`, `koff`
    /// and `delta_B` (binding and complex clearance of a neutralizing
    /// antibody), `Kd` (half-blocking plasma level of a blocking antibody),
    /// `k_dep` and `Kd_dep` (maximal rate and half-saturation of depletion).
    pub const QUANTITIES: [PkQuantity; 10] = [
        PkQuantity { name: "ka", value: 2.0, unit: "1/day", meaning: "absorption from the i.p. depot" },
        PkQuantity { name: "kel", value: 0.1, unit: "1/day", meaning: "elimination from plasma (IgG t½ ≈ 7 days)" },
        PkQuantity { name: "kpen", value: 1.0, unit: "1/day", meaning: "exchange between plasma and tumor" },
        PkQuantity { name: "phi", value: 0.3, unit: "1", meaning: "tumor/plasma partition at equilibrium" },
        PkQuantity { name: "kon", value: 86.4, unit: "1/(nM*day)", meaning: "association (10⁶ /M/s)" },
        PkQuantity { name: "koff", value: 8.64, unit: "1/day", meaning: "dissociation (Kd = 0.1 nM)" },
        PkQuantity { name: "delta_B", value: 0.5, unit: "1/day", meaning: "clearance of bound complexes" },
        PkQuantity { name: "Kd", value: 1.0, unit: "nM", meaning: "plasma level that blocks half the receptor" },
        PkQuantity { name: "k_dep", value: 5.0, unit: "1/day", meaning: "maximal depletion rate" },
        PkQuantity { name: "Kd_dep", value: 1.0, unit: "nM", meaning: "plasma level of half-maximal depletion" },
    ];

    /// Sets quantity `quantity` (one of [`QUANTITIES`](Self::QUANTITIES)).
    pub fn set(mut self, quantity: &str, value: PkValue) -> Result<Pharmacokinetics> {
        let row = Self::QUANTITIES.iter().find(|q| q.name == quantity).ok_or_else(|| {
            let names: Vec<&str> = Self::QUANTITIES.iter().map(|q| q.name).collect();
            SaspError::InvalidOptions(format!(
                "'{quantity}' is not a quantity of antibody pharmacokinetics (they are {})",
                names.join(", ")
            ))
        })?;
        self.set.retain(|(q, _)| *q != row.name);
        self.set.push((row.name, value));
        Ok(self)
    }

    /// The value set for `quantity`, or [`PkValue::Default`].
    pub fn get(&self, quantity: &str) -> &PkValue {
        self.set.iter().find(|(q, _)| *q == quantity).map_or(&PkValue::Default, |(_, v)| v)
    }
}

/// An antibody with its dose schedule and pharmacokinetics.
#[derive(Clone, Debug, PartialEq)]
pub struct Antibody {
    /// Name, used as the prefix of its compartments (`{name}_depot` …).
    pub name: String,
    /// What it does.
    pub target: AntibodyTarget,
    /// When it is given.
    pub schedule: DoseSchedule,
    /// Its pharmacokinetic and binding parameters.
    pub pk: Pharmacokinetics,
}

impl Antibody {
    /// An antibody called `name` with default pharmacokinetics.
    pub fn new(name: &str, target: AntibodyTarget, schedule: DoseSchedule) -> Antibody {
        Antibody { name: name.to_string(), target, schedule, pk: Pharmacokinetics::default() }
    }

    /// A neutralizing antibody against a chemokine (`anti_CCL2` …).
    pub fn neutralizing(chemokine: Chemokine, schedule: DoseSchedule) -> Antibody {
        let target = AntibodyTarget::Neutralizes(Species::Kind(Compartment::Chemokine(chemokine)));
        Antibody::new(&format!("anti_{}", chemokine.name()), target, schedule)
    }

    /// A neutralizing antibody against the compartment called `species`
    /// (`anti_<species>`).
    pub fn against(species: &str, schedule: DoseSchedule) -> Antibody {
        Antibody::new(&format!("anti_{species}"), AntibodyTarget::Neutralizes(Species::Named(species.into())), schedule)
    }

    /// An isotype control.
    pub fn isotype(schedule: DoseSchedule) -> Antibody {
        Antibody::new("isotype", AntibodyTarget::Isotype, schedule)
    }

    /// An antibody blocking a receptor (`anti_<receptor>`).
    pub fn blocking(receptor: Name, schedule: DoseSchedule) -> Antibody {
        Antibody::new(&format!("anti_{receptor}"), AntibodyTarget::Blocks(receptor), schedule)
    }

    /// An NKG2D-blocking antibody.
    pub fn anti_nkg2d(schedule: DoseSchedule) -> Antibody {
        Antibody::blocking(NKG2D.get_or_init(|| Name::new("NKG2D").expect("a valid name")).to_owned(), schedule)
    }

    /// An NK-depleting antibody (`anti_NK`: the `nk.*` family).
    pub fn nk_depleting(schedule: DoseSchedule) -> Antibody {
        Antibody::new("anti_NK", AntibodyTarget::Depletes(Species::Family("nk".into())), schedule)
    }

    /// Sets one quantity of its pharmacokinetics ([`Pharmacokinetics::set`]).
    pub fn with_pk(mut self, quantity: &str, value: PkValue) -> Result<Antibody> {
        self.pk = self.pk.set(quantity, value)?;
        Ok(self)
    }

    fn compartment(&self, pool: &str) -> String {
        format!("{}_{pool}", self.name)
    }

    /// The parameter of `builder`'s model that holds `quantity`, declaring
    /// it if the value is given or typical.
    fn pk_parameter(
        &self,
        builder: &mut ModelBuilder,
        quantity: &'static str,
        entries: &mut Vec<PkEntry>,
    ) -> Result<String> {
        let row = Pharmacokinetics::QUANTITIES.iter().find(|q| q.name == quantity).expect("a listed quantity");
        let conventional = match (&self.target, quantity) {
            (AntibodyTarget::Blocks(receptor), "Kd") => format!("Kd_{receptor}"),
            _ => quantity.to_string(),
        };
        let own = format!("{}_{quantity}", self.name);
        let declared = |spec: &ModelSpec, name: &str| spec.parameters.iter().any(|p| p.name == name);
        let (parameter, source) = match self.pk.get(quantity) {
            PkValue::Parameter(name) if declared(builder.spec(), name) => (name.clone(), PkSource::Model),
            PkValue::Parameter(name) => {
                return Err(ModelError::UnknownParameter {
                    name: name.clone(),
                    context: format!("{quantity} of antibody '{}' (the model must declare it)", self.name),
                }
                .into())
            }
            PkValue::Default if declared(builder.spec(), &conventional) => (conventional, PkSource::Model),
            value => {
                let (v, unit, source) = match value {
                    PkValue::Value(v, unit) => (*v, unit.as_str(), PkSource::Given),
                    _ => (row.value, row.unit, PkSource::Typical),
                };
                let dimension = |u: &str| Unit::parse(u).map(|u| u.dimension);
                if dimension(unit)? != dimension(row.unit)? {
                    return Err(ModelError::UnitMismatch {
                        context: format!("{quantity} of antibody '{}' (parameter '{own}')", self.name),
                        expected: row.unit.to_string(),
                        found: unit.to_string(),
                    }
                    .into());
                }
                if declared(builder.spec(), &own) {
                    return Err(ModelError::Duplicate { kind: "parameter", name: own }.into());
                }
                let decl = ParameterDecl::new(&own, v, unit)
                    .description(&format!("{} of antibody '{}'", row.meaning, self.name));
                builder.spec_mut().parameters.push(decl);
                (own, source)
            }
        };
        entries.push(PkEntry { antibody: self.name.clone(), quantity, parameter: parameter.clone(), source });
        Ok(parameter)
    }
}

/// The interned name of NKG2D.
static NKG2D: std::sync::OnceLock<Name> = std::sync::OnceLock::new();

/// p53 restoration: the model's switch input (`doxycycline` unless set)
/// on from `on` (until `off`), with a fraction of the injected tumor
/// restorable (the rest stays p53-deficient). The model must have
/// `tumor.proliferating` and `tumor.p53_deficient` compartments, whose
/// initial amounts are split by the fraction.
#[derive(Clone, Debug, PartialEq)]
pub struct P53Restoration {
    /// The input switched to 1 at `on` (and back to 0 at `off`).
    pub input: String,
    /// Doxycycline on (day).
    pub on: f64,
    /// Doxycycline off again (day), if ever.
    pub off: Option<f64>,
    /// Fraction of the injected tumor cells that are p53-restorable, in [0, 1].
    pub restorable_fraction: f64,
}

impl P53Restoration {
    /// Doxycycline from `day` on, all cells restorable.
    pub fn at(day: f64) -> P53Restoration {
        P53Restoration { input: "doxycycline".to_string(), on: day, off: None, restorable_fraction: 1.0 }
    }

    /// Switches another input of the model than `doxycycline`.
    pub fn switching(mut self, input: &str) -> P53Restoration {
        self.input = input.to_string();
        self
    }

    /// Only a fraction `f` of the injected cells restorable.
    pub fn restorable_fraction(mut self, f: f64) -> P53Restoration {
        self.restorable_fraction = f;
        self
    }

    /// Doxycycline off again at `day`.
    pub fn until(mut self, day: f64) -> P53Restoration {
        self.off = Some(day);
        self
    }
}

/// One intervention.
#[derive(Clone, Debug, PartialEq)]
pub enum Intervention {
    /// Doxycycline switches p53 back on.
    P53Restoration(P53Restoration),
    /// An antibody with pharmacokinetics and binding.
    Antibody(Antibody),
    /// A parameter of the model set to a value (in its declared unit) for
    /// the whole run: a knockout host, a mutant, a different strain.
    Parameter {
        /// The parameter's name.
        name: String,
        /// Its value in the arm, in the unit the model declares it in.
        value: f64,
    },
    /// Any input of the model set to a value from a time on (a treatment
    /// switched on, a diet changed…): the general form of a switch, for
    /// models of their own.
    Input(Switch),
}

impl Intervention {
    /// The host lacks NKG2D: parameter `g_NKG2D` set to 0.
    pub fn nkg2d_knockout() -> Intervention {
        Intervention::Parameter { name: "g_NKG2D".to_string(), value: 0.0 }
    }
}

impl From<Switch> for Intervention {
    fn from(s: Switch) -> Self {
        Intervention::Input(s)
    }
}

impl From<P53Restoration> for Intervention {
    fn from(p: P53Restoration) -> Self {
        Intervention::P53Restoration(p)
    }
}

impl From<Antibody> for Intervention {
    fn from(a: Antibody) -> Self {
        Intervention::Antibody(a)
    }
}

/// Something that happens at a stop time.
#[derive(Clone, Debug, PartialEq)]
pub enum TimedAction {
    /// Set input `input` (index) to `value`.
    SetInput {
        /// Input index in the prepared model.
        input: usize,
        /// New value.
        value: f64,
    },
    /// Add `amount` to compartment `compartment` (index): a bolus dose.
    Add {
        /// Compartment index in the prepared model.
        compartment: usize,
        /// Amount, in the compartment's canonical unit.
        amount: f64,
    },
}

impl TimedAction {
    /// Carries the action out on a state of boxes of `box_size` components
    /// each (one box for the well-mixed model; every cell of a grid alike): a
    /// dose adds its amount to the compartment in every box, a switch calls
    /// `set_input`. Indices come from [`Arm::prepare`] for the same model.
    pub fn apply(&self, y: &mut [f64], box_size: usize, mut set_input: impl FnMut(usize, f64)) {
        match *self {
            TimedAction::SetInput { input, value } => set_input(input, value),
            TimedAction::Add { compartment, amount } => {
                for cell in y.chunks_mut(box_size) {
                    cell[compartment] += amount;
                }
            }
        }
    }
}

/// A named set of interventions: one arm of an experiment.
#[derive(Clone, Debug, PartialEq)]
pub struct Arm {
    /// The arm's name (e.g. `anti-CCL2`).
    pub name: String,
    /// Its interventions, applied in order.
    pub interventions: Vec<Intervention>,
}

/// An arm applied to a model: what to integrate and when to stop.
#[derive(Clone, Debug)]
pub struct PreparedArm {
    /// The arm's name.
    pub name: String,
    /// The transformed model.
    pub model: Model,
    /// Sorted stop times with the actions to take there.
    pub actions: Vec<(f64, TimedAction)>,
    /// `(target, complex)`: the compartment index of every species a
    /// neutralizing antibody binds and of the complex that holds it (total
    /// = free + its complexes).
    pub complexes: Vec<(usize, usize)>,
    /// The resolved pharmacokinetic quantities of every antibody.
    pub pharmacokinetics: Vec<PkEntry>,
    /// The parameters the arm's interventions set (`g_NKG2D = 0` for an
    /// NKG2D knockout): [`PreparedArm::with_parameters`] leaves them as the
    /// arm set them.
    pub fixed_parameters: Vec<String>,
}

impl PreparedArm {
    /// The arm with parameters of its model set (declared units; without a
    /// rebuild where [`Model::with_parameters`] can), as a sweep, a
    /// sensitivity analysis or a band run varies them, except those the
    /// arm's interventions set themselves: a varied `g_NKG2D` leaves the
    /// NKG2D knockout's 0, so the arm stays the experiment it names.
    pub fn with_parameters(&self, values: &[(&str, f64)]) -> Result<PreparedArm> {
        let kept: Vec<(&str, f64)> =
            values.iter().filter(|(name, _)| !self.fixed_parameters.iter().any(|f| f == name)).copied().collect();
        Ok(PreparedArm { model: self.model.with_parameters(&kept)?, ..self.clone() })
    }

    /// Complex compartments of the antibodies that bind the species at
    /// index `species` of the arm's model.
    pub fn complexes_of_index(&self, species: usize) -> Vec<usize> {
        self.complexes.iter().filter(|(t, _)| *t == species).map(|&(_, c)| c).collect()
    }

    /// Distinct stop times, increasing.
    pub fn stop_times(&self) -> Vec<f64> {
        let mut t: Vec<f64> = self.actions.iter().map(|a| a.0).collect();
        t.dedup();
        t
    }
}

impl Arm {
    /// An arm with no interventions yet.
    pub fn new(name: &str) -> Arm {
        Arm { name: name.to_string(), interventions: Vec::new() }
    }

    /// Adds an intervention.
    pub fn with(mut self, intervention: impl Into<Intervention>) -> Arm {
        self.interventions.push(intervention.into());
        self
    }

    /// A copy under another name.
    pub fn named(mut self, name: &str) -> Arm {
        self.name = name.to_string();
        self
    }

    /// Applies every intervention to `base` for a run starting at `t0`.
    /// Errors name the arm ([`SaspError::InArm`]).
    pub fn prepare(&self, base: &Model, t0: f64) -> Result<PreparedArm> {
        self.prepare_unnamed(base, t0).map_err(|e| e.in_arm(&self.name))
    }

    /// Checks the interventions that do not depend on a model: dose
    /// schedules, doxycycline windows and restorable fractions, and that no
    /// dose or switch falls after `until` (if given). Errors name the
    /// intervention; [`Scenario`] files call this when they are read.
    pub fn check_schedules(&self, until: Option<f64>) -> Result<()> {
        check_arm_name(&self.name)?;
        let mut windows = Vec::new();
        for intervention in &self.interventions {
            let last = match intervention {
                Intervention::Parameter { name, value } => {
                    if !(value.is_finite() && *value >= 0.0) {
                        return Err(ModelError::InvalidParameter { name: name.clone(), value: *value }.into());
                    }
                    None
                }
                Intervention::Input(switch) => {
                    if !(switch.time.is_finite() && switch.value.is_finite() && switch.value >= 0.0) {
                        return Err(SaspError::InvalidSchedule {
                            name: switch.input.clone(),
                            reason: format!(
                                "switch at day {} to {}: the day must be finite, the value finite and non-negative",
                                switch.time, switch.value
                            ),
                        });
                    }
                    Some(switch.time)
                }
                Intervention::P53Restoration(p) => {
                    check_p53(p, f64::NEG_INFINITY, &mut windows)?;
                    Some(p.off.unwrap_or(p.on))
                }
                Intervention::Antibody(ab) => ab.schedule.times(&ab.name, f64::NEG_INFINITY)?.last().copied(),
            };
            if let (Some(t), Some(end)) = (last, until) {
                if t > end {
                    return Err(SaspError::InvalidSchedule {
                        name: intervention_name(intervention),
                        reason: format!("an action at day {t} is after the end of the run (day {end})"),
                    });
                }
            }
        }
        Ok(())
    }

    fn prepare_unnamed(&self, base: &Model, t0: f64) -> Result<PreparedArm> {
        check_arm_name(&self.name)?;

        let mut builder = ModelBuilder::from_spec(base.spec().clone());
        let mut doses: Vec<(f64, String, f64)> = Vec::new();
        let mut inputs: Vec<Switch> = Vec::new();
        let mut windows: Vec<(f64, f64)> = Vec::new();
        let mut complex_names = Vec::new();
        let mut pharmacokinetics = Vec::new();
        for intervention in &self.interventions {
            match intervention {
                Intervention::Parameter { name, value } => {
                    let p = builder.spec_mut().parameters.iter_mut().find(|p| p.name == *name).ok_or_else(|| {
                        ModelError::UnknownParameter {
                            name: name.clone(),
                            context: format!("arm intervention setting it to {value} (the model must declare it)"),
                        }
                    })?;
                    p.value = *value;
                }
                Intervention::Input(switch) => inputs.push(switch.clone()),
                Intervention::P53Restoration(p) => {
                    check_p53(p, t0, &mut windows)?;
                    inputs.push(Switch::new(p.on, &p.input, 1.0));
                    if let Some(off) = p.off {
                        inputs.push(Switch::new(off, &p.input, 0.0));
                    }
                    split_injection(&mut builder, p.restorable_fraction)?;
                }
                Intervention::Antibody(ab) => {
                    for t in ab.schedule.times(&ab.name, t0)? {
                        doses.push((t, ab.compartment("depot"), ab.schedule.amount_nm));
                    }
                    if let Some(target) = add_antibody(&mut builder, ab, &mut pharmacokinetics)? {
                        complex_names.push((target, ab.compartment("complex")));
                    }
                }
            }
        }
        let model = builder.build()?;
        let mut actions = Vec::new();
        for switch in inputs {
            let input = switch.resolve(&model, t0)?;
            actions.push((switch.time, TimedAction::SetInput { input, value: switch.value }));
        }
        for (t, compartment, amount) in doses {
            actions.push((t, TimedAction::Add { compartment: model.index_of(&compartment)?, amount }));
        }
        actions.sort_by(|a, b| a.0.total_cmp(&b.0));
        let complexes = complex_names
            .iter()
            .map(|(target, complex)| Ok((model.index_of(target)?, model.index_of(complex)?)))
            .collect::<Result<_>>()?;
        let fixed_parameters = self
            .interventions
            .iter()
            .filter_map(|i| match i {
                Intervention::Parameter { name, .. } => Some(name.clone()),
                _ => None,
            })
            .collect();
        Ok(PreparedArm { name: self.name.clone(), model, actions, complexes, pharmacokinetics, fixed_parameters })
    }
}

/// A short name of an intervention for errors.
fn intervention_name(intervention: &Intervention) -> String {
    match intervention {
        Intervention::P53Restoration(_) => "p53 restoration".to_string(),
        Intervention::Antibody(ab) => ab.name.clone(),
        Intervention::Parameter { name, .. } => format!("parameter '{name}'"),
        Intervention::Input(s) => format!("input '{}'", s.input),
    }
}

/// Checks a doxycycline window against a run starting at `t0` and the
/// windows before it (which it joins).
fn check_p53(p: &P53Restoration, t0: f64, windows: &mut Vec<(f64, f64)>) -> Result<()> {
    let bad = |reason: String| Err(SaspError::InvalidSchedule { name: "p53 restoration".to_string(), reason });
    if !(0.0..=1.0).contains(&p.restorable_fraction) {
        return bad(format!("restorable fraction {} is outside [0, 1]", p.restorable_fraction));
    }
    if !p.on.is_finite() {
        return bad(format!("doxycycline on at day {} is not a finite day", p.on));
    }
    if p.on < t0 {
        return bad(format!("doxycycline on at day {} is before the simulation starts (day {t0})", p.on));
    }
    let end = p.off.unwrap_or(f64::INFINITY);
    if p.off.is_some_and(|off| !off.is_finite()) {
        return bad(format!("doxycycline off at day {end} is not a finite day"));
    }
    if end <= p.on {
        return bad(format!("doxycycline off at day {end} is not after on at day {}", p.on));
    }
    if windows.iter().any(|&(a, b)| p.on < b && a < end) {
        return bad(format!("doxycycline window from day {} overlaps another", p.on));
    }
    windows.push((p.on, end));
    Ok(())
}

/// Splits the injected tumor: a fraction `f` stays restorable (`tumor.proliferating`),
/// the rest becomes p53-deficient.
fn split_injection(builder: &mut ModelBuilder, f: f64) -> Result<()> {
    let spec = builder.spec_mut();
    let find = |state: TumorState| spec.compartments.iter().position(|c| c.kind == Compartment::Tumor(state));
    let (p, q) = match (find(TumorState::Proliferating), find(TumorState::P53Deficient)) {
        (Some(p), Some(q)) => (p, q),
        _ => {
            return Err(ModelError::Missing {
                needed_by: "p53 restoration".to_string(),
                what: "tumor.proliferating and tumor.p53_deficient compartments".to_string(),
                model: spec.model.name.clone(),
            }
            .into())
        }
    };
    let total = spec.compartments[p].initial + spec.compartments[q].initial;
    spec.compartments[p].initial = f * total;
    spec.compartments[q].initial = (1.0 - f) * total;
    Ok(())
}

/// Adds an antibody's compartments, parameters and processes to `b`;
/// returns the name of the compartment it neutralizes, if any.
fn add_antibody(b: &mut ModelBuilder, ab: &Antibody, entries: &mut Vec<PkEntry>) -> Result<Option<String>> {
    let (depot, plasma, tumor, complex) =
        (ab.compartment("depot"), ab.compartment("plasma"), ab.compartment("tumor"), ab.compartment("complex"));
    let mut pk = |quantity: &'static str| ab.pk_parameter(b, quantity, entries);
    let (ka, kel, kpen, phi) = (pk("ka")?, pk("kel")?, pk("kpen")?, pk("phi")?);
    let extra: Vec<String> = match ab.target {
        AntibodyTarget::Isotype => Vec::new(),
        AntibodyTarget::Neutralizes(_) => vec![pk("kon")?, pk("koff")?, pk("delta_B")?],
        AntibodyTarget::Blocks(_) => vec![pk("Kd")?],
        AntibodyTarget::Depletes(_) => vec![pk("k_dep")?, pk("Kd_dep")?],
    };
    let first = |k: &str, of: &str| RateLaw::FirstOrder { k: k.into(), of: of.into() };
    let builder = std::mem::replace(b, ModelBuilder::new(""));
    *b = builder
        .compartment(&depot, Compartment::Antibody(AntibodyPool::Depot), "nM", 0.0)
        .compartment(&plasma, Compartment::Antibody(AntibodyPool::Plasma), "nM", 0.0)
        .compartment(&tumor, Compartment::Antibody(AntibodyPool::Tumor), "nM", 0.0)
        .process(
            ProcessDecl::new(&format!("{} absorption", ab.name), first(&ka, &depot))
                .change(&depot, -1.0)
                .change(&plasma, 1.0),
        )
        .process(ProcessDecl::new(&format!("{} elimination", ab.name), first(&kel, &plasma)).change(&plasma, -1.0))
        .process(
            ProcessDecl::new(&format!("{} penetration", ab.name), first(&format!("{kpen}*{phi}"), &plasma))
                .change(&tumor, 1.0),
        )
        .process(ProcessDecl::new(&format!("{} back-diffusion", ab.name), first(&kpen, &tumor)).change(&tumor, -1.0));
    match &ab.target {
        AntibodyTarget::Isotype => Ok(None),
        AntibodyTarget::Neutralizes(species) => {
            let target = neutralized(b.spec(), ab, species)?;
            let (kon, koff, delta_b) = (&extra[0], &extra[1], &extra[2]);
            let builder = std::mem::replace(b, ModelBuilder::new(""));
            *b = builder
                .compartment(&complex, Compartment::Antibody(AntibodyPool::Complex), "nM", 0.0)
                .process(
                    ProcessDecl::new(
                        &format!("{} binding", ab.name),
                        RateLaw::Binding {
                            kon: kon.as_str().into(),
                            koff: koff.as_str().into(),
                            of: [tumor.clone(), target.clone()],
                            complex: complex.clone(),
                        },
                    )
                    .change(&tumor, -1.0)
                    .change(&target, -1.0)
                    .change(&complex, 1.0),
                )
                .process(
                    ProcessDecl::new(&format!("{} complex clearance", ab.name), first(delta_b, &complex))
                        .change(&complex, -1.0),
                );
            Ok(Some(target))
        }
        AntibodyTarget::Blocks(receptor) => {
            // A process through the receptor × (1 − A/(A + Kd)) = Kd/(Kd + A).
            let block = Factor::HillRepressor { of: plasma.clone(), half: extra[0].as_str().into(), n: 1.0 };
            let role = Role::Receptor(*receptor);
            let mut found = false;
            for p in b.spec_mut().processes.iter_mut().filter(|p| p.has_role(role)) {
                p.modifiers.push(block.clone());
                found = true;
            }
            match found {
                true => Ok(None),
                false => Err(ModelError::Missing {
                    needed_by: format!("antibody '{}', which blocks {receptor},", ab.name),
                    what: format!("a process with the role '{role}'"),
                    model: b.spec_mut().model.name.clone(),
                }
                .into()),
            }
        }
        AntibodyTarget::Depletes(species) => {
            let (k_dep, kd_dep) = (&extra[0], &extra[1]);
            let spec = b.spec_mut();
            let cells: Vec<String> = species
                .select(spec)
                .into_iter()
                .filter(|&i| spec.compartments[i].kind.quantity() == Quantity::Cells)
                .map(|i| spec.compartments[i].name.clone())
                .collect();
            if cells.is_empty() {
                return Err(ModelError::Missing {
                    needed_by: format!("antibody '{}', which depletes {species},", ab.name),
                    what: "a compartment of those cells".to_string(),
                    model: spec.model.name.clone(),
                }
                .into());
            }
            // Recruitment of the depleted cells × (1 − A/(A + Kd_dep)).
            let spare = Factor::HillRepressor { of: plasma.clone(), half: kd_dep.as_str().into(), n: 1.0 };
            let gains = |nu: &Stoichiometry| match nu {
                Stoichiometry::Number(v) => *v > 0.0,
                Stoichiometry::Expression(c) => !c.0.trim_start().starts_with('-'),
            };
            let recruits = |p: &ProcessDecl| cells.iter().any(|c| p.changes.get(c).is_some_and(gains));
            for p in spec.processes.iter_mut().filter(|p| p.has_role(Role::Recruitment) && recruits(p)) {
                p.modifiers.push(spare.clone());
            }
            for name in cells {
                let builder = std::mem::replace(b, ModelBuilder::new(""));
                *b = builder.process(
                    ProcessDecl::new(&format!("{} depletion of {name}", ab.name), first(k_dep, &name))
                        .times(Factor::Saturating { of: plasma.clone(), km: kd_dep.as_str().into() })
                        .change(&name, -1.0),
                );
            }
            Ok(None)
        }
    }
}

/// The one compartment `species` selects for antibody `ab` to neutralize:
/// a concentration.
fn neutralized(spec: &ModelSpec, ab: &Antibody, species: &Species) -> Result<String> {
    let hits = species.select(spec);
    let declared = || {
        let soluble: Vec<String> = spec
            .compartments
            .iter()
            .filter(|c| c.kind.quantity() == Quantity::Concentration && !matches!(c.kind, Compartment::Antibody(_)))
            .map(|c| format!("{} ({})", c.name, c.kind))
            .collect();
        if soluble.is_empty() {
            "none".to_string()
        } else {
            soluble.join(", ")
        }
    };
    match hits[..] {
        // A concentration, or a quantity of undeclared unit (an imported
        // SBML species, whose units the model does not know).
        [i] if spec.compartments[i].kind.quantity() == Quantity::Concentration
            || spec.compartments[i].unit.trim().is_empty() =>
        {
            Ok(spec.compartments[i].name.clone())
        }
        [i] => Err(ModelError::invalid(
            format!("antibody '{}'", ab.name),
            format!(
                "neutralizes {species}, which holds {:?}, not a concentration",
                spec.compartments[i].kind.quantity()
            ),
        )
        .into()),
        [] => Err(ModelError::invalid(
            format!("antibody '{}'", ab.name),
            format!("the model has no {species} (its soluble species: {})", declared()),
        )
        .into()),
        _ => Err(ModelError::invalid(
            format!("antibody '{}'", ab.name),
            format!("neutralizes {species}, which selects {} compartments: name one", hits.len()),
        )
        .into()),
    }
}
