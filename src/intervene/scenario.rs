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
//! target = "CCL2"        # a chemokine of the model, e.g. CCL2 or CXCL10 (neutralizing), NKG2D, NK (depleting), isotype
//! dose_nm = 330.0
//! first = -1.0
//! every = 2.0
//! until = 21.0
//! ```
//! An arm may also say `nkg2d_knockout = true`, and switch any input its
//! model declares (a treatment of a model of one's own):
//!
//! ```toml
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

use super::{Antibody, AntibodyTarget, Arm, DoseSchedule, Intervention, P53Restoration, Switch};
use crate::error::{Result, SaspError};
use crate::model::Chemokine;
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

/// Parses an antibody target: `NKG2D`, `NK`, `isotype`, or else a chemokine
/// by name (a well-known one such as `CCL2`, or any identifier such as
/// `CXCL10`; whether the model declares it is checked when the arm meets
/// the model).
pub fn parse_target(text: &str) -> Result<AntibodyTarget> {
    match text {
        "NKG2D" => Ok(AntibodyTarget::Nkg2d),
        "NK" => Ok(AntibodyTarget::NkDepletion),
        "isotype" => Ok(AntibodyTarget::Isotype),
        other => Chemokine::named(other).map(AntibodyTarget::Chemokine).map_err(|e| {
            SaspError::InvalidModel(format!(
                "antibody target '{other}' is not a chemokine name (e.g. CCL2, CXCL10), NKG2D, NK or isotype: {e}"
            ))
        }),
    }
}

fn antibody(section: &AntibodySection) -> Result<Antibody> {
    let target = parse_target(section.target.get_ref())?;
    let schedule =
        DoseSchedule { amount_nm: section.dose_nm, first: section.first, every: section.every, until: section.until };
    let mut ab = match target {
        AntibodyTarget::Chemokine(c) => Antibody::neutralizing(c, schedule),
        AntibodyTarget::Nkg2d => Antibody::anti_nkg2d(schedule),
        AntibodyTarget::NkDepletion => Antibody::nk_depleting(schedule),
        AntibodyTarget::Isotype => Antibody::isotype(schedule),
    };
    if let Some(name) = &section.name {
        ab.name = name.clone();
    }
    Ok(ab)
}

impl Scenario {
    /// Parses scenario TOML; `origin` names the source in errors.
    pub fn from_toml_str(text: &str, origin: impl AsRef<Path>) -> Result<Scenario> {
        let origin = origin.as_ref().to_path_buf();
        let at = |pos: usize, message: String| {
            let (line, column) = crate::model::line_column(text, pos);
            SaspError::FileSyntax { path: origin.clone(), line, column, message }
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
                    on: p.on,
                    off: p.off,
                    restorable_fraction: p.restorable_fraction,
                });
                single.check_schedules(Some(until)).map_err(|e| in_arm(pos, e))?;
                arm.interventions.extend(single.interventions);
            }
            if section.nkg2d_knockout {
                arm = arm.with(Intervention::Nkg2dKnockout);
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
                let parsed = antibody(ab.get_ref()).map_err(|e| at(target_pos, e.to_string()))?;
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
            std::fs::read_to_string(path).map_err(|source| SaspError::Io { path: path.to_path_buf(), source })?;
        Scenario::from_toml_str(&text, path)
    }
}
