//! Scenario files: arms written in TOML, with the same validation as arms
//! built in Rust, and errors that name the file, line and column.
//!
//! ```toml
//! [experiment]
//! until = 21.0          # last day
//! sample_every = 1.0    # days between samples
//!
//! [[arm]]
//! name = "anti-CCL2"
//! p53_restoration = { on = 0.0 }            # optional: off = …, restorable_fraction = …
//! [[arm.antibody]]
//! target = "CCL2"        # see the targets below
//! dose_nm = 330.0
//! first = -1.0
//! every = 2.0
//! until = 21.0
//! pk = { kel = 0.5, ka = "ka_fast" }   # optional: a value (in the quantity's typical unit,
//!                                      # or { value = 0.5, unit = "1/h" }) or a model parameter
//! ```
//!
//! Antibody targets: a chemokine name (`CCL2`, `CXCL10`: neutralizes the
//! compartment of kind `chemokine.<NAME>`), `neutralize:<compartment>` (any
//! soluble species by name), `NKG2D` or `block:<RECEPTOR>` (blocks the
//! processes with role `receptor.<RECEPTOR>`), `NK` (depletes the `nk.*`
//! family) or `deplete:<compartment>`, and `isotype` (binds nothing). The
//! pharmacokinetic quantities and their defaults are those of
//! [`Pharmacokinetics`].
//!
//! `p53_restoration` switches the input `doxycycline` unless it says
//! `input = "…"`. An arm may also set parameters for the whole run, and
//! switch any input its model declares (a treatment of a model of one's own):
//!
//! ```toml
//! nkg2d_knockout = true   # the same as the [[arm.parameter]] g_NKG2D = 0 below
//! [[arm.parameter]]
//! name = "g_NKG2D"      # a parameter of the model
//! value = 0.0           # in the unit the model declares it in
//! [[arm.input]]
//! name = "treatment"    # an input of the model
//! day = 7.0             # from this day on
//! value = 1.0           # finite, non-negative
//! ```
//!
//! Checked when the file is read, each error with the file and line of the
//! offending item: `until` finite and after day 0, `sample_every` positive and
//! finite with at most [`MAX_SAMPLES`] samples
//! from day 0 to `until`; arm names not empty, free of control characters and
//! unique; antibody targets; dose schedules and doxycycline windows
//! ([`Arm::check_schedules`]), none after `until`. What depends on the model
//! (a dose before its initial time, a chemokine it lacks) is checked when the
//! arm is applied, and those errors name the arm's file and line too
//! ([`Scenario::locate`]).

use super::{
    Antibody, AntibodyTarget, Arm, DoseSchedule, Intervention, P53Restoration, Pharmacokinetics, PkValue, Species,
    Switch,
};
use crate::error::{FileError, ModelError, Result, SaspError};
use crate::model::{Chemokine, Compartment, Name};
use serde::Deserialize;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// Most samples one arm of an experiment may record (a run from the
/// model's initial time to the end day at the sampling interval); checked
/// when a scenario is read and again when an experiment runs.
pub const MAX_SAMPLES: usize = 1_000_000;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ScenarioFile {
    #[serde(default)]
    experiment: ExperimentSection,
    #[serde(default, rename = "arm")]
    arms: Vec<ArmSection>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExperimentSection {
    #[serde(default)]
    until: Option<Spanned<f64>>,
    #[serde(default)]
    sample_every: Option<Spanned<f64>>,
}

fn default_until() -> f64 {
    21.0
}

fn default_sample() -> f64 {
    1.0
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ArmSection {
    name: Spanned<String>,
    #[serde(default)]
    p53_restoration: Option<Spanned<P53Section>>,
    #[serde(default)]
    nkg2d_knockout: bool,
    #[serde(default, rename = "antibody")]
    antibodies: Vec<Spanned<AntibodySection>>,
    #[serde(default, rename = "input")]
    inputs: Vec<Spanned<InputSection>>,
    #[serde(default, rename = "parameter")]
    parameters: Vec<Spanned<ParameterSection>>,
}

/// `[[arm.parameter]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ParameterSection {
    name: String,
    value: f64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct InputSection {
    name: String,
    day: f64,
    value: f64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct P53Section {
    #[serde(default)]
    input: Option<String>,
    on: f64,
    #[serde(default)]
    off: Option<f64>,
    #[serde(default = "one")]
    restorable_fraction: f64,
}

fn one() -> f64 {
    1.0
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AntibodySection {
    target: Spanned<String>,
    #[serde(default)]
    name: Option<String>,
    dose_nm: f64,
    first: f64,
    #[serde(default)]
    every: Option<f64>,
    #[serde(default)]
    until: Option<f64>,
    #[serde(default)]
    pk: std::collections::BTreeMap<String, PkSection>,
}

/// One entry of an antibody's `pk` table.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum PkSection {
    /// A value in the quantity's typical unit.
    Number(f64),
    /// A parameter of the model.
    Parameter(String),
    /// A value with its unit.
    Value {
        /// The value.
        value: f64,
        /// Its unit.
        unit: String,
    },
}

/// Where an arm of a scenario file is declared.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArmSource {
    /// The scenario file.
    pub path: PathBuf,
    /// 1-based line of the arm's `name`.
    pub line: usize,
}

/// A scenario: arms and the run's end and sampling.
#[derive(Clone, Debug, PartialEq)]
pub struct Scenario {
    /// The arms, in file order.
    pub arms: Vec<Arm>,
    /// Last day of the run.
    pub until: f64,
    /// Days between samples.
    pub sample_every: f64,
    /// Where each arm is declared, in the order of `arms` (empty for a
    /// scenario assembled in code).
    pub sources: Vec<ArmSource>,
}

/// Parses an antibody target as written in scenario files (see the module
/// documentation): `CCL2` and other chemokine names, `neutralize:<compartment>`,
/// `NKG2D`, `block:<RECEPTOR>`, `NK`, `deplete:<compartment>`, `isotype`.
pub fn parse_target(text: &str) -> Result<AntibodyTarget> {
    let prefixed = |prefix: &str| text.strip_prefix(prefix).filter(|rest| !rest.is_empty());
    if let Some(species) = prefixed("neutralize:") {
        return Ok(AntibodyTarget::Neutralizes(Species::Named(species.to_string())));
    }
    if let Some(receptor) = prefixed("block:") {
        return Name::new(receptor).map(AntibodyTarget::Blocks);
    }
    if let Some(species) = prefixed("deplete:") {
        return Ok(AntibodyTarget::Depletes(Species::Named(species.to_string())));
    }
    match text {
        "NKG2D" => Ok(AntibodyTarget::Blocks(Name::new("NKG2D")?)),
        "NK" => Ok(AntibodyTarget::Depletes(Species::Family("nk".to_string()))),
        "isotype" => Ok(AntibodyTarget::Isotype),
        other => Chemokine::named(other)
            .map(|c| AntibodyTarget::Neutralizes(Species::Kind(Compartment::Chemokine(c))))
            .map_err(|e| {
                ModelError::invalid(
                    "antibody target",
                    format!(
                        "'{other}' is not a chemokine name (e.g. CCL2, CXCL10), neutralize:<compartment>, \
                         NKG2D, block:<RECEPTOR>, NK, deplete:<compartment> or isotype: {e}"
                    ),
                )
                .into()
            }),
    }
}

/// The antibody an `[[arm.antibody]]` section describes: named after its
/// target as [`Antibody`]'s constructors name it, unless it says `name`.
fn antibody(section: &AntibodySection) -> Result<Antibody> {
    let target = parse_target(section.target.get_ref())?;
    let schedule =
        DoseSchedule { amount_nm: section.dose_nm, first: section.first, every: section.every, until: section.until };
    let mut ab = match &target {
        AntibodyTarget::Neutralizes(Species::Kind(Compartment::Chemokine(c))) => Antibody::neutralizing(*c, schedule),
        AntibodyTarget::Neutralizes(Species::Named(name)) => Antibody::against(name, schedule),
        AntibodyTarget::Blocks(receptor) => Antibody::blocking(*receptor, schedule),
        AntibodyTarget::Depletes(Species::Family(f)) if f == "nk" => Antibody::nk_depleting(schedule),
        AntibodyTarget::Depletes(Species::Named(name)) => {
            Antibody::new(&format!("anti_{name}"), target.clone(), schedule)
        }
        _ => Antibody::new("isotype", target.clone(), schedule),
    };
    if let Some(name) = &section.name {
        ab.name = name.clone();
    }
    for (quantity, value) in &section.pk {
        let typical = Pharmacokinetics::QUANTITIES.iter().find(|q| q.name == quantity.as_str());
        let value = match (value, typical) {
            (PkSection::Number(v), Some(q)) => PkValue::Value(*v, q.unit.to_string()),
            (PkSection::Number(v), None) => PkValue::Value(*v, String::new()),
            (PkSection::Parameter(p), _) => PkValue::Parameter(p.clone()),
            (PkSection::Value { value, unit }, _) => PkValue::Value(*value, unit.clone()),
        };
        ab = ab.with_pk(quantity, value)?;
    }
    Ok(ab)
}

impl Scenario {
    /// Parses scenario TOML; `origin` names the source in errors.
    pub fn from_toml_str(text: &str, origin: impl AsRef<Path>) -> Result<Scenario> {
        let origin = origin.as_ref().to_path_buf();
        let at = |pos: usize, message: String| {
            let (line, column) = crate::model::line_column(text, pos);
            FileError::Syntax { path: origin.clone(), line, column, message }
        };
        let line_of = |pos: usize| crate::model::line_column(text, pos).0;
        let file: ScenarioFile =
            toml::from_str(text).map_err(|e| at(e.span().map_or(0, |s| s.start), e.message().to_string()))?;
        let until = file.experiment.until.as_ref().map_or(default_until(), |u| *u.get_ref());
        let until_pos = file.experiment.until.as_ref().map_or(0, |u| u.span().start);
        let sample_every = file.experiment.sample_every.as_ref().map_or(default_sample(), |u| *u.get_ref());
        let sample_pos = file.experiment.sample_every.as_ref().map_or(until_pos, |u| u.span().start);
        if !(until.is_finite() && until > 0.0) {
            return Err(SaspError::InvalidOptions(format!(
                "until = {until}: the run must end on a finite day after day 0 (p53 restoration, when regression is measured from)"
            ))
            .at_line(origin.clone(), line_of(until_pos)));
        }
        if !(sample_every.is_finite() && sample_every > 0.0) {
            return Err(SaspError::InvalidOptions(format!(
                "sample_every = {sample_every}: the sampling interval must be a positive number of days"
            ))
            .at_line(origin.clone(), line_of(sample_pos)));
        }
        let max = MAX_SAMPLES;
        let count = (until / sample_every).floor() + 1.0;
        if count > max as f64 {
            return Err(SaspError::LimitExceeded {
                what: "samples",
                requested: count,
                limit: max,
                hint: format!("day 0 to day {until:?} every {sample_every:?} days: sample less often"),
            }
            .at_line(origin.clone(), line_of(sample_pos)));
        }
        let mut arms = Vec::with_capacity(file.arms.len());
        let mut sources: Vec<ArmSource> = Vec::with_capacity(file.arms.len());
        for section in &file.arms {
            // Errors point at the arm's name line, or at the offending item.
            let name = section.name.get_ref();
            let line = line_of(section.name.span().start);
            let in_arm = |pos: usize, e: SaspError| e.in_arm(name).at_line(origin.clone(), line_of(pos));
            super::check_arm_name(name).map_err(|e| in_arm(section.name.span().start, e))?;
            if let Some(k) = arms.iter().position(|a: &Arm| a.name == *name) {
                return Err(in_arm(
                    section.name.span().start,
                    SaspError::InvalidOptions(format!(
                        "another arm of the same name is declared at line {}",
                        sources[k].line
                    )),
                ));
            }
            let mut arm = Arm::new(name);
            if let Some(p) = &section.p53_restoration {
                let pos = p.span().start;
                let p = p.get_ref();
                let single = Arm::new(name).with(P53Restoration {
                    input: p.input.clone().unwrap_or_else(|| "doxycycline".to_string()),
                    on: p.on,
                    off: p.off,
                    restorable_fraction: p.restorable_fraction,
                });
                single.check_schedules(Some(until)).map_err(|e| in_arm(pos, e))?;
                arm.interventions.extend(single.interventions);
            }
            if section.nkg2d_knockout {
                arm = arm.with(Intervention::nkg2d_knockout());
            }
            for parameter in &section.parameters {
                let pos = parameter.span().start;
                let p = parameter.get_ref();
                let single = Arm::new(name).with(Intervention::Parameter { name: p.name.clone(), value: p.value });
                single.check_schedules(Some(until)).map_err(|e| in_arm(pos, e))?;
                arm.interventions.extend(single.interventions);
            }
            for input in &section.inputs {
                let pos = input.span().start;
                let i = input.get_ref();
                let single = Arm::new(name).with(Switch::new(i.day, &i.name, i.value));
                single.check_schedules(Some(until)).map_err(|e| in_arm(pos, e))?;
                arm.interventions.extend(single.interventions);
            }
            for ab in &section.antibodies {
                let target_pos = ab.get_ref().target.span().start;
                let ab_pos = ab.span().start;
                let parsed = antibody(ab.get_ref()).map_err(|e| {
                    let (line, column) = crate::model::line_column(text, target_pos);
                    FileError::At { path: origin.clone(), line, column: Some(column), source: Box::new(e) }
                })?;
                let single = Arm::new(name).with(parsed);
                single.check_schedules(Some(until)).map_err(|e| in_arm(ab_pos, e))?;
                arm.interventions.extend(single.interventions);
            }
            arms.push(arm);
            sources.push(ArmSource { path: origin.clone(), line });
        }
        Ok(Scenario { arms, until, sample_every, sources })
    }

    /// `error` as an error of the arm named `arm`, at the file and line the
    /// arm is declared at (for errors found when the arm meets a model, e.g.
    /// by [`Arm::prepare`]).
    pub fn locate(&self, arm: &str, error: SaspError) -> SaspError {
        let error = error.in_arm(arm);
        match self.arms.iter().position(|a| a.name == arm).and_then(|k| self.sources.get(k)) {
            Some(source) => error.at_line(source.path.clone(), source.line),
            None => error,
        }
    }

    /// Reads a scenario file.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Scenario> {
        let path = path.as_ref();
        let text =
            std::fs::read_to_string(path).map_err(|source| FileError::Io { path: path.to_path_buf(), source })?;
        Scenario::from_toml_str(&text, path)
    }
}
