//! Declaration files: what an experiment reports, written in TOML, so the
//! command line (`sasp simulate --observables FILE`) runs a model of one's
//! own with its own observables and clearance metric.
//!
//! ```toml
//! reference_day = 7.0                 # clearance measured from this day (default 0)
//!
//! [[observable]]
//! name = "tumor_volume_mm3"
//! unit = "mm³"
//! pool = ["C"]                        # a sum of compartments or pools
//!
//! [[observable]]
//! name = "t_cells"
//! unit = "10⁶ cells"
//! pool = ["E"]
//! hidden = true                       # computed for the ratio below, not reported
//!
//! [[observable]]
//! name = "t_cells_per_mm3"
//! unit = "cells/mm³"
//! ratio = { numerator = "t_cells", denominator = "tumor_volume_mm3", scale = 1e6, offset = "C_eps", undefined_below = 1.0 }
//!
//! [[observable]]
//! name = "cxcl10_total_nM"
//! unit = "nM"
//! total = "X"                         # or free = "X"; rates = ["process", …]; linear = [[2.0, "X"], [1.0, "param:k"], [0.5, "1"]]
//!
//! [clearance]
//! observable = "tumor_volume_mm3"
//! reference_label = "volume_at_treatment"   # default value_at_reference
//! threshold = [{ label = "days_to_half", fraction = 0.5 }, { label = "days_to_1mm3", below = 1.0 }]
//! ```
//!
//! Each observable has exactly one definition (`pool`, `ratio`, `free`,
//! `total`, `linear`, `rates`); a ratio's `offset` is a parameter's name or
//! a number, its `undefined_below` a number or `"detection_limit"`. In a
//! `linear` term, `"param:NAME"` is a parameter, `"1"` a constant and any
//! other name a compartment or pool. Errors name the file and the line of
//! the offending observable; names are resolved against the model when the
//! experiment runs.

use super::observable::{ClearanceSpec, Definition, Level, Observable, Offset, Term, UndefinedBelow};
use crate::error::{FileError, Result, SaspError};
use serde::Deserialize;
use std::path::Path;
use toml::Spanned;

/// What a declaration file declares.
#[derive(Clone, Debug, PartialEq)]
pub struct Declarations {
    /// The observables, in file order.
    pub observables: Vec<Observable>,
    /// The clearance metric, if declared.
    pub clearance: Option<ClearanceSpec>,
    /// The day clearance is measured from, if declared.
    pub reference_day: Option<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    reference_day: Option<f64>,
    #[serde(default, rename = "observable")]
    observables: Vec<Spanned<ObservableSection>>,
    #[serde(default)]
    clearance: Option<Spanned<ClearanceSection>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ObservableSection {
    name: String,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    hidden: bool,
    #[serde(default)]
    pool: Option<Vec<String>>,
    #[serde(default)]
    free: Option<String>,
    #[serde(default)]
    total: Option<String>,
    #[serde(default)]
    rates: Option<Vec<String>>,
    #[serde(default)]
    linear: Option<Vec<(f64, String)>>,
    #[serde(default)]
    ratio: Option<RatioSection>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RatioSection {
    numerator: String,
    denominator: String,
    #[serde(default = "one")]
    scale: f64,
    #[serde(default)]
    offset: Option<NumberOrName>,
    #[serde(default)]
    undefined_below: Option<NumberOrName>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum NumberOrName {
    Number(f64),
    Name(String),
}

fn one() -> f64 {
    1.0
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ClearanceSection {
    observable: String,
    #[serde(default)]
    reference_label: Option<String>,
    #[serde(default)]
    threshold: Vec<ThresholdSection>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ThresholdSection {
    label: String,
    #[serde(default)]
    fraction: Option<f64>,
    #[serde(default)]
    below: Option<f64>,
}

impl ObservableSection {
    /// The observable, with exactly one definition.
    fn observable(&self) -> std::result::Result<Observable, String> {
        let mut definitions = Vec::new();
        if let Some(pool) = &self.pool {
            definitions.push(Definition::Pool(pool.clone()));
        }
        if let Some(species) = &self.free {
            definitions.push(Definition::Free(species.clone()));
        }
        if let Some(species) = &self.total {
            definitions.push(Definition::Total(species.clone()));
        }
        if let Some(processes) = &self.rates {
            definitions.push(Definition::Rates(processes.clone()));
        }
        if let Some(terms) = &self.linear {
            let term = |name: &str| match (name, name.strip_prefix("param:")) {
                ("1", _) => Term::Constant,
                (_, Some(p)) => Term::Parameter(p.to_string()),
                _ => Term::State(name.to_string()),
            };
            definitions.push(Definition::Linear(terms.iter().map(|(c, name)| (*c, term(name))).collect()));
        }
        if let Some(r) = &self.ratio {
            if !r.scale.is_finite() {
                return Err(format!("ratio scale {} is not finite", r.scale));
            }
            let offset = match &r.offset {
                None => Offset::None,
                Some(NumberOrName::Number(v)) if v.is_finite() => Offset::Value(*v),
                Some(NumberOrName::Number(v)) => return Err(format!("ratio offset {v} is not finite")),
                Some(NumberOrName::Name(p)) => Offset::Parameter(p.clone()),
            };
            let undefined_below = match &r.undefined_below {
                None => UndefinedBelow::Never,
                Some(NumberOrName::Number(v)) if v.is_finite() => UndefinedBelow::Value(*v),
                Some(NumberOrName::Name(n)) if n == "detection_limit" => UndefinedBelow::DetectionLimit,
                Some(other) => {
                    let text = match other {
                        NumberOrName::Number(v) => v.to_string(),
                        NumberOrName::Name(n) => n.clone(),
                    };
                    return Err(format!("undefined_below = {text}: a finite number or \"detection_limit\""));
                }
            };
            definitions.push(Definition::Ratio {
                numerator: r.numerator.clone(),
                denominator: r.denominator.clone(),
                scale: r.scale,
                offset,
                undefined_below,
            });
        }
        match definitions.len() {
            1 => {
                let o = Observable::new(&self.name, &self.unit, definitions.remove(0));
                Ok(if self.hidden { o.hidden() } else { o })
            }
            0 => Err("no definition: give one of pool, free, total, rates, linear, ratio".to_string()),
            _ => {
                Err("more than one definition: give exactly one of pool, free, total, rates, linear, ratio".to_string())
            }
        }
    }
}

impl Declarations {
    /// Parses a declaration file's text; `origin` names it in errors.
    pub fn from_toml_str(text: &str, origin: impl AsRef<Path>) -> Result<Declarations> {
        let origin = origin.as_ref();
        let at = |pos: usize, message: String| -> SaspError {
            let (line, column) = crate::model::line_column(text, pos);
            FileError::Syntax { path: origin.to_path_buf(), line, column, message }.into()
        };
        let file: File =
            toml::from_str(text).map_err(|e| at(e.span().map_or(0, |s| s.start), e.message().to_string()))?;
        if let Some(day) = file.reference_day.filter(|d| !d.is_finite()) {
            return Err(at(0, format!("reference_day = {day}: not a finite day")));
        }
        let mut observables: Vec<Observable> = Vec::with_capacity(file.observables.len());
        for section in &file.observables {
            let pos = section.span().start;
            let o = section
                .get_ref()
                .observable()
                .map_err(|why| at(pos, format!("observable '{}': {why}", section.get_ref().name)))?;
            if observables.iter().any(|p| p.name == o.name) {
                return Err(at(pos, format!("observable '{}' is declared twice", o.name)));
            }
            observables.push(o);
        }
        let clearance = match &file.clearance {
            None => None,
            Some(section) => {
                let pos = section.span().start;
                let c = section.get_ref();
                let mut spec = ClearanceSpec::of(&c.observable);
                if let Some(label) = &c.reference_label {
                    spec = spec.reference_label(label);
                }
                for t in &c.threshold {
                    let level = match (t.fraction, t.below) {
                        (Some(f), None) if f.is_finite() && f > 0.0 => Level::Fraction(f),
                        (None, Some(v)) if v.is_finite() => Level::Below(v),
                        _ => {
                            return Err(at(
                                pos,
                                format!("threshold '{}': give either a positive fraction or a finite below", t.label),
                            ))
                        }
                    };
                    spec = spec.threshold(&t.label, level);
                }
                Some(spec)
            }
        };
        Ok(Declarations { observables, clearance, reference_day: file.reference_day })
    }

    /// Reads a declaration file.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Declarations> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|e| FileError::io(path, e))?;
        Declarations::from_toml_str(&text, path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_definition_reads_and_bad_ones_are_refused_at_their_line() {
        let text = r#"
reference_day = 3.0
[[observable]]
name = "v"
pool = ["A", "B"]
[[observable]]
name = "r"
unit = "1"
ratio = { numerator = "v", denominator = "v", offset = 0.5, undefined_below = "detection_limit" }
[[observable]]
name = "l"
linear = [[2.0, "A"], [1.0, "param:k"], [0.5, "1"]]
[[observable]]
name = "k"
rates = ["p"]
[clearance]
observable = "v"
threshold = [{ label = "half", fraction = 0.5 }]
"#;
        let d = Declarations::from_toml_str(text, "d.toml").unwrap();
        assert_eq!(d.reference_day, Some(3.0));
        assert_eq!(d.observables[0].definition, Definition::Pool(vec!["A".into(), "B".into()]));
        assert!(matches!(
            &d.observables[1].definition,
            Definition::Ratio { offset: Offset::Value(v), undefined_below: UndefinedBelow::DetectionLimit, .. } if *v == 0.5
        ));
        assert_eq!(
            d.observables[2].definition,
            Definition::Linear(vec![
                (2.0, Term::State("A".into())),
                (1.0, Term::Parameter("k".into())),
                (0.5, Term::Constant)
            ])
        );
        assert_eq!(d.clearance.unwrap().thresholds, vec![("half".to_string(), Level::Fraction(0.5))]);
        for (bad, line, why) in [
            ("[[observable]]\nname = \"x\"\n", 1, "no definition"),
            ("\n[[observable]]\nname = \"x\"\npool = []\n[[observable]]\nname = \"x\"\nfree = \"A\"\n", 5, "declared twice"),
            ("[[observable]]\nname = \"x\"\nratio = { numerator = \"a\", denominator = \"b\", undefined_below = \"never\" }\n", 1, "detection_limit"),
            ("[clearance]\nobservable = \"v\"\nthreshold = [{ label = \"t\", fraction = 0.5, below = 1.0 }]\n", 1, "either"),
            ("[[observable]]\nname = \"x\"\nsum = [\"A\"]\n", 3, "unknown field"),
        ] {
            let e = Declarations::from_toml_str(bad, "d.toml").unwrap_err().to_string();
            assert!(e.starts_with(&format!("d.toml:{line}:")) && e.contains(why), "{bad}: {e}");
        }
    }
}
