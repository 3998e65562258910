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
//! target = "CCL2"        # CCL2 CCL3 CCL4 CCL5 CXCL1_2 (neutralizing), NKG2D, NK (depleting), isotype
//! dose_nm = 330.0
//! first = -1.0
//! every = 2.0
//! until = 21.0
//! ```
//! An arm may also say `nkg2d_knockout = true`.

use super::{Antibody, AntibodyTarget, Arm, DoseSchedule, Intervention, P53Restoration};
use crate::error::{Result, SaspError};
use crate::model::Chemokine;
use serde::Deserialize;
use std::path::Path;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ScenarioFile {
    #[serde(default)]
    experiment: ExperimentSection,
    #[serde(default, rename = "arm")]
    arms: Vec<ArmSection>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExperimentSection {
    #[serde(default = "default_until")]
    until: f64,
    #[serde(default = "default_sample")]
    sample_every: f64,
}

impl Default for ExperimentSection {
    fn default() -> Self {
        ExperimentSection { until: default_until(), sample_every: default_sample() }
    }
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
    name: String,
    #[serde(default)]
    p53_restoration: Option<P53Section>,
    #[serde(default)]
    nkg2d_knockout: bool,
    #[serde(default, rename = "antibody")]
    antibodies: Vec<AntibodySection>,
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
    target: String,
    #[serde(default)]
    name: Option<String>,
    dose_nm: f64,
    first: f64,
    #[serde(default)]
    every: Option<f64>,
    #[serde(default)]
    until: Option<f64>,
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
}

/// Parses an antibody target: a chemokine, `NKG2D`, `NK` or `isotype`.
pub fn parse_target(text: &str) -> Result<AntibodyTarget> {
    if let Some(c) = Chemokine::ALL.into_iter().find(|c| c.name() == text) {
        return Ok(AntibodyTarget::Chemokine(c));
    }
    match text {
        "NKG2D" => Ok(AntibodyTarget::Nkg2d),
        "NK" => Ok(AntibodyTarget::NkDepletion),
        "isotype" => Ok(AntibodyTarget::Isotype),
        other => Err(SaspError::InvalidModel(format!(
            "antibody target '{other}' is not a chemokine (CCL2, CCL3, CCL4, CCL5, CXCL1_2), NKG2D, NK or isotype"
        ))),
    }
}

fn antibody(section: &AntibodySection) -> Result<Antibody> {
    let target = parse_target(&section.target)?;
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
        let file: ScenarioFile =
            toml::from_str(text).map_err(|e| at(e.span().map_or(0, |s| s.start), e.message().to_string()))?;
        let mut arms = Vec::with_capacity(file.arms.len());
        let mut search_from = 0;
        for section in &file.arms {
            // Errors point at the arm's name line (or at the offending target).
            let arm_pos = text[search_from..].find(&format!("\"{}\"", section.name)).map_or(0, |k| search_from + k);
            search_from = arm_pos;
            let mut arm = Arm::new(&section.name);
            if let Some(p) = &section.p53_restoration {
                arm = arm.with(P53Restoration { on: p.on, off: p.off, restorable_fraction: p.restorable_fraction });
            }
            if section.nkg2d_knockout {
                arm = arm.with(Intervention::Nkg2dKnockout);
            }
            for ab in &section.antibodies {
                let found = text[arm_pos..].find(&format!("\"{}\"", ab.target)).map_or(arm_pos, |k| arm_pos + k);
                arm = arm.with(antibody(ab).map_err(|e| at(found, e.to_string()))?);
            }
            arms.push(arm);
        }
        Ok(Scenario { arms, until: file.experiment.until, sample_every: file.experiment.sample_every })
    }

    /// Reads a scenario file.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Scenario> {
        let path = path.as_ref();
        let text =
            std::fs::read_to_string(path).map_err(|source| SaspError::Io { path: path.to_path_buf(), source })?;
        Scenario::from_toml_str(&text, path)
    }
}
