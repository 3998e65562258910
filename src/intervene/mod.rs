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

use crate::error::{Result, SaspError};
use crate::model::{
    AntibodyPool, Chemokine, Compartment, Factor, Model, ModelBuilder, ProcessDecl, RateLaw, TumorState,
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

/// What an antibody binds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AntibodyTarget {
    /// Neutralizes a chemokine (binding in the tumor interstitium).
    Chemokine(Chemokine),
    /// Blocks the NKG2D receptor.
    Nkg2d,
    /// Depletes NK cells.
    NkDepletion,
    /// Binds nothing (isotype control).
    Isotype,
}

/// An antibody with its dose schedule.
#[derive(Clone, Debug, PartialEq)]
pub struct Antibody {
    /// Name, used as the prefix of its compartments (`{name}_depot` …).
    pub name: String,
    /// What it binds.
    pub target: AntibodyTarget,
    /// When it is given.
    pub schedule: DoseSchedule,
}

impl Antibody {
    /// A neutralizing antibody against a chemokine (`anti-CCL2` …).
    pub fn neutralizing(chemokine: Chemokine, schedule: DoseSchedule) -> Antibody {
        Antibody { name: format!("anti_{}", chemokine.name()), target: AntibodyTarget::Chemokine(chemokine), schedule }
    }

    /// An isotype control.
    pub fn isotype(schedule: DoseSchedule) -> Antibody {
        Antibody { name: "isotype".to_string(), target: AntibodyTarget::Isotype, schedule }
    }

    /// An NKG2D-blocking antibody.
    pub fn anti_nkg2d(schedule: DoseSchedule) -> Antibody {
        Antibody { name: "anti_NKG2D".to_string(), target: AntibodyTarget::Nkg2d, schedule }
    }

    /// An NK-depleting antibody.
    pub fn nk_depleting(schedule: DoseSchedule) -> Antibody {
        Antibody { name: "anti_NK".to_string(), target: AntibodyTarget::NkDepletion, schedule }
    }

    fn compartment(&self, pool: &str) -> String {
        format!("{}_{pool}", self.name)
    }
}

/// p53 restoration: doxycycline from `on` (until `off`), with a fraction of the
/// injected tumor restorable (the rest stays p53-deficient).
#[derive(Clone, Debug, PartialEq)]
pub struct P53Restoration {
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
        P53Restoration { on: day, off: None, restorable_fraction: 1.0 }
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
    /// The host lacks NKG2D (`g_NKG2D = 0`).
    Nkg2dKnockout,
    /// Any input of the model set to a value from a time on (a treatment
    /// switched on, a diet changed…): the general form of a switch, for
    /// models of their own.
    Input(Switch),
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
    /// The complex compartment of every neutralizing antibody, with the
    /// chemokine it binds (total chemokine = free + its complexes).
    pub complexes: Vec<(Chemokine, usize)>,
}

impl PreparedArm {
    /// Complex compartments of the antibodies that bind `chemokine`.
    pub fn complexes_of(&self, chemokine: Chemokine) -> Vec<usize> {
        self.complexes.iter().filter(|(c, _)| *c == chemokine).map(|&(_, i)| i).collect()
    }

    /// Complex compartments of the antibodies that bind the species at
    /// index `species` of the arm's model.
    pub fn complexes_of_index(&self, species: usize) -> Vec<usize> {
        match self.model.kind(species).chemokine() {
            Some(c) => self.complexes_of(c),
            None => Vec::new(),
        }
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
                Intervention::Nkg2dKnockout => None,
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
        let mut switches: Vec<(f64, f64)> = Vec::new(); // (time, doxycycline value)
        let mut inputs: Vec<&Switch> = Vec::new();
        let mut windows: Vec<(f64, f64)> = Vec::new();
        let mut complex_names = Vec::new();
        for intervention in &self.interventions {
            match intervention {
                Intervention::Nkg2dKnockout => {
                    let spec = builder.spec_mut();
                    let p = spec.parameters.iter_mut().find(|p| p.name == "g_NKG2D").ok_or_else(|| {
                        SaspError::UnknownParameter {
                            name: "g_NKG2D".into(),
                            context: "the NKG2D knockout, which sets it to 0 (the model must declare it)".into(),
                        }
                    })?;
                    p.value = 0.0;
                }
                Intervention::Input(switch) => inputs.push(switch),
                Intervention::P53Restoration(p) => {
                    check_p53(p, t0, &mut windows)?;
                    switches.push((p.on, 1.0));
                    if let Some(off) = p.off {
                        switches.push((off, 0.0));
                    }
                    split_injection(&mut builder, p.restorable_fraction)?;
                }
                Intervention::Antibody(ab) => {
                    for t in ab.schedule.times(&ab.name, t0)? {
                        doses.push((t, ab.compartment("depot"), ab.schedule.amount_nm));
                    }
                    check_antibody_parameters(base, ab)?;
                    builder = add_antibody(builder, base, ab)?;
                    if let AntibodyTarget::Chemokine(c) = ab.target {
                        complex_names.push((c, ab.compartment("complex")));
                    }
                }
            }
        }
        let model = builder.build()?;
        let mut actions = Vec::new();
        if !switches.is_empty() {
            let dox = model.input_index("doxycycline").map_err(|_| SaspError::UnknownInput {
                name: "doxycycline".into(),
                context: "p53 restoration, which switches it (the model must declare it)".into(),
            })?;
            for (t, v) in switches {
                actions.push((t, TimedAction::SetInput { input: dox, value: v }));
            }
        }
        for switch in inputs {
            let input = switch.resolve(&model, t0)?;
            actions.push((switch.time, TimedAction::SetInput { input, value: switch.value }));
        }
        for (t, compartment, amount) in doses {
            actions.push((t, TimedAction::Add { compartment: model.index_of(&compartment)?, amount }));
        }
        actions.sort_by(|a, b| a.0.total_cmp(&b.0));
        let complexes = complex_names.iter().map(|(c, n)| model.index_of(n).map(|i| (*c, i))).collect::<Result<_>>()?;
        Ok(PreparedArm { name: self.name.clone(), model, actions, complexes })
    }
}

/// A short name of an intervention for errors.
fn intervention_name(intervention: &Intervention) -> String {
    match intervention {
        Intervention::P53Restoration(_) => "p53 restoration".to_string(),
        Intervention::Antibody(ab) => ab.name.clone(),
        Intervention::Nkg2dKnockout => "NKG2D knockout".to_string(),
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

/// The parameters an antibody's generated processes read, which the base
/// model must declare: named here, not as an unknown parameter of a process
/// the user never wrote.
fn check_antibody_parameters(base: &Model, ab: &Antibody) -> Result<()> {
    let (kind, extra): (&str, &[&str]) = match ab.target {
        AntibodyTarget::Isotype => ("isotype control", &[]),
        AntibodyTarget::Chemokine(_) => ("neutralizing antibody", &["kon", "koff", "delta_B"]),
        AntibodyTarget::Nkg2d => ("NKG2D-blocking antibody", &["Kd_NKG2D"]),
        AntibodyTarget::NkDepletion => ("NK-depleting antibody", &["k_dep", "Kd_dep"]),
    };
    let required = ["ka", "kel", "kpen", "phi"].iter().chain(extra);
    let missing: Vec<&str> = required.copied().filter(|name| base.parameter(name).is_err()).collect();
    match missing.first() {
        None => Ok(()),
        Some(first) => Err(SaspError::UnknownParameter {
            name: first.to_string(),
            context: format!(
                "the pharmacokinetics the {kind} '{}' adds to the model (declare every missing parameter: {})",
                ab.name,
                missing.join(", ")
            ),
        }),
    }
}

/// Splits the injected tumor: a fraction `f` stays restorable (`tumor.proliferating`),
/// the rest becomes p53-deficient.
fn split_injection(builder: &mut ModelBuilder, f: f64) -> Result<()> {
    let spec = builder.spec_mut();
    let find = |state: TumorState| spec.compartments.iter().position(|c| c.kind == Compartment::Tumor(state));
    let (p, q) = match (find(TumorState::Proliferating), find(TumorState::P53Deficient)) {
        (Some(p), Some(q)) => (p, q),
        _ => {
            return Err(SaspError::InvalidModel(
                "p53 restoration needs tumor.proliferating and tumor.p53_deficient compartments".to_string(),
            ))
        }
    };
    let total = spec.compartments[p].initial + spec.compartments[q].initial;
    spec.compartments[p].initial = f * total;
    spec.compartments[q].initial = (1.0 - f) * total;
    Ok(())
}

/// Adds an antibody's compartments and processes.
fn add_antibody(mut b: ModelBuilder, base: &Model, ab: &Antibody) -> Result<ModelBuilder> {
    let (depot, plasma, tumor, complex) =
        (ab.compartment("depot"), ab.compartment("plasma"), ab.compartment("tumor"), ab.compartment("complex"));
    let first = |k: &str, of: &str| RateLaw::FirstOrder { k: k.into(), of: of.into() };
    b = b
        .compartment(&depot, Compartment::Antibody(AntibodyPool::Depot), "nM", 0.0)
        .compartment(&plasma, Compartment::Antibody(AntibodyPool::Plasma), "nM", 0.0)
        .compartment(&tumor, Compartment::Antibody(AntibodyPool::Tumor), "nM", 0.0)
        .process(
            ProcessDecl::new(&format!("{} absorption", ab.name), first("ka", &depot))
                .change(&depot, -1.0)
                .change(&plasma, 1.0),
        )
        .process(ProcessDecl::new(&format!("{} elimination", ab.name), first("kel", &plasma)).change(&plasma, -1.0))
        .process(ProcessDecl::new(&format!("{} penetration", ab.name), first("kpen*phi", &plasma)).change(&tumor, 1.0))
        .process(ProcessDecl::new(&format!("{} back-diffusion", ab.name), first("kpen", &tumor)).change(&tumor, -1.0));
    match ab.target {
        AntibodyTarget::Isotype => {}
        AntibodyTarget::Chemokine(c) => {
            let target = base
                .spec()
                .compartments
                .iter()
                .find(|d| d.kind == Compartment::Chemokine(c))
                .map(|d| d.name.clone())
                .ok_or_else(|| {
                    let declared: Vec<&str> =
                        base.spec().compartments.iter().filter_map(|d| d.kind.chemokine()).map(|c| c.name()).collect();
                    SaspError::InvalidModel(format!(
                        "antibody '{}': the model has no {} (no chemokine.{} compartment; it declares {})",
                        ab.name,
                        c.name(),
                        c.name(),
                        if declared.is_empty() { "no chemokine".to_string() } else { declared.join(", ") }
                    ))
                })?;
            b = b
                .compartment(&complex, Compartment::Antibody(AntibodyPool::Complex), "nM", 0.0)
                .process(
                    ProcessDecl::new(
                        &format!("{} binding", ab.name),
                        RateLaw::Binding {
                            kon: "kon".into(),
                            koff: "koff".into(),
                            of: [tumor.clone(), target.clone()],
                            complex: complex.clone(),
                        },
                    )
                    .change(&tumor, -1.0)
                    .change(&target, -1.0)
                    .change(&complex, 1.0),
                )
                .process(
                    ProcessDecl::new(&format!("{} complex clearance", ab.name), first("delta_B", &complex))
                        .change(&complex, -1.0),
                );
        }
        AntibodyTarget::Nkg2d => {
            // Killing through NKG2D × (1 − A/(A + Kd)) = Kd/(Kd + A).
            let block = Factor::HillRepressor { of: plasma.clone(), half: "Kd_NKG2D".into(), n: 1.0 };
            let spec = b.spec_mut();
            let mut found = false;
            for p in spec.processes.iter_mut().filter(|p| p.has_tag("nkg2d")) {
                p.modifiers.push(block.clone());
                found = true;
            }
            if !found {
                return Err(SaspError::InvalidModel(format!("antibody '{}': no process is tagged 'nkg2d'", ab.name)));
            }
        }
        AntibodyTarget::NkDepletion => {
            let spare = Factor::HillRepressor { of: plasma.clone(), half: "Kd_dep".into(), n: 1.0 };
            let spec = b.spec_mut();
            for p in spec.processes.iter_mut().filter(|p| p.has_tag("nk_recruitment")) {
                p.modifiers.push(spare.clone());
            }
            let nk: Vec<String> = spec
                .compartments
                .iter()
                .filter(|c| matches!(c.kind, Compartment::Nk(_)))
                .map(|c| c.name.clone())
                .collect();
            if nk.is_empty() {
                return Err(SaspError::InvalidModel(format!(
                    "antibody '{}': the model has no NK compartments",
                    ab.name
                )));
            }
            for name in nk {
                b = b.process(
                    ProcessDecl::new(&format!("{} depletion of {name}", ab.name), first("k_dep", &name))
                        .times(Factor::Saturating { of: plasma.clone(), km: "Kd_dep".into() })
                        .change(&name, -1.0),
                );
            }
        }
    }
    Ok(b)
}
