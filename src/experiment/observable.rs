//! Declared observables: what an experiment reports, by name and unit.
//!
//! An [`Observable`] is a name, a unit (text, written into outputs as
//! documentation) and a [`Definition`]:
//!
//! - [`Definition::Pool`]: the sum of compartments (or the model's pools), by name;
//! - [`Definition::Ratio`]: `scale · numerator / (denominator + offset)` of two
//!   observables declared before it, undefined (NaN: an empty CSV field,
//!   `null` in JSON) while the denominator is below a threshold;
//! - [`Definition::Free`] / [`Definition::Total`]: a species alone, or with
//!   the complexes of every antibody in the arm that binds it;
//! - [`Definition::Linear`]: `Σ cᵢ·termᵢ` of states, parameters and constants;
//! - [`Definition::Rates`]: the summed rates of named processes (per day).
//!
//! Nothing is looked up by the model's biology: every name is resolved
//! against the arm's model when the arm runs, and a name the model lacks is
//! an error that names the observable and what is missing.

use crate::error::{ModelError, Result, SaspError};
use crate::intervene::PreparedArm;
use crate::model::Model;
use serde::{Deserialize, Serialize};

/// One term of a [`Definition::Linear`] expression.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Term {
    /// A compartment (or pool) of the model, by name.
    State(String),
    /// A parameter of the model (canonical units), by name.
    Parameter(String),
    /// The number 1 (so `(c, Constant)` adds `c`).
    Constant,
}

/// When a [`Definition::Ratio`] is undefined.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UndefinedBelow {
    /// Always defined.
    Never,
    /// Undefined while the denominator (before its offset) is below this value.
    Value(f64),
    /// Undefined while the denominator is below the experiment's
    /// [detection limit](super::Experiment::detection_volume).
    DetectionLimit,
}

/// What a [`Definition::Ratio`] adds to its denominator.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Offset {
    /// Nothing.
    None,
    /// A parameter of the model (canonical units), by name.
    Parameter(String),
    /// A number.
    Value(f64),
}

/// How an observable is computed from a sample.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Definition {
    /// Sum of compartments or pools, by name, in the order given.
    Pool(Vec<String>),
    /// `scale · numerator / (denominator + offset)`, both observables declared
    /// before this one; `offset` is a parameter's name (none: 0).
    Ratio {
        /// The numerator observable.
        numerator: String,
        /// The denominator observable.
        denominator: String,
        /// Factor applied to the ratio.
        scale: f64,
        /// Added to the denominator (e.g. a small volume that keeps it positive).
        offset: Offset,
        /// When the ratio is reported as undefined.
        undefined_below: UndefinedBelow,
    },
    /// A species (compartment) alone.
    Free(String),
    /// A species plus every antibody complex that holds it.
    Total(String),
    /// `Σ coefficient · term`.
    Linear(Vec<(f64, Term)>),
    /// Summed rates of processes, by name.
    Rates(Vec<String>),
}

/// A named quantity an experiment reports.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Observable {
    /// Name: the CSV column and JSON key.
    pub name: String,
    /// Unit, as text (e.g. `mm³`, `nM`, `1/mm³`).
    pub unit: String,
    /// How it is computed.
    pub definition: Definition,
    /// Computed (for ratios and clearance) but not reported in results and outputs.
    #[serde(default)]
    pub hidden: bool,
}

impl Observable {
    /// An observable.
    pub fn new(name: &str, unit: &str, definition: Definition) -> Observable {
        Observable { name: name.to_string(), unit: unit.to_string(), definition, hidden: false }
    }

    /// Computed for other observables (a ratio's numerator, the clearance
    /// metric) but not reported.
    pub fn hidden(mut self) -> Observable {
        self.hidden = true;
        self
    }

    /// The sum of compartments or pools.
    pub fn pool(name: &str, unit: &str, members: &[&str]) -> Observable {
        Observable::new(name, unit, Definition::Pool(members.iter().map(|s| s.to_string()).collect()))
    }

    /// `numerator / denominator` of two observables declared before it, always defined.
    pub fn ratio(name: &str, unit: &str, numerator: &str, denominator: &str) -> Observable {
        Observable::new(
            name,
            unit,
            Definition::Ratio {
                numerator: numerator.to_string(),
                denominator: denominator.to_string(),
                scale: 1.0,
                offset: Offset::None,
                undefined_below: UndefinedBelow::Never,
            },
        )
    }

    /// A species alone.
    pub fn free(name: &str, unit: &str, species: &str) -> Observable {
        Observable::new(name, unit, Definition::Free(species.to_string()))
    }

    /// A species with the antibody complexes that hold it.
    pub fn total(name: &str, unit: &str, species: &str) -> Observable {
        Observable::new(name, unit, Definition::Total(species.to_string()))
    }

    /// Summed rates of processes.
    pub fn rates(name: &str, unit: &str, processes: &[&str]) -> Observable {
        Observable::new(name, unit, Definition::Rates(processes.iter().map(|s| s.to_string()).collect()))
    }

    /// Sets a ratio's scale (no effect on other definitions).
    pub fn scaled(mut self, factor: f64) -> Observable {
        if let Definition::Ratio { scale, .. } = &mut self.definition {
            *scale = factor;
        }
        self
    }

    /// Adds a parameter to a ratio's denominator.
    pub fn offset(mut self, parameter: &str) -> Observable {
        if let Definition::Ratio { offset, .. } = &mut self.definition {
            *offset = Offset::Parameter(parameter.to_string());
        }
        self
    }

    /// Adds a number to a ratio's denominator.
    pub fn offset_value(mut self, value: f64) -> Observable {
        if let Definition::Ratio { offset, .. } = &mut self.definition {
            *offset = Offset::Value(value);
        }
        self
    }

    /// When a ratio is undefined.
    pub fn undefined_below(mut self, below: UndefinedBelow) -> Observable {
        if let Definition::Ratio { undefined_below, .. } = &mut self.definition {
            *undefined_below = below;
        }
        self
    }
}

/// When a clearance threshold is reached.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// The observable falls to this fraction of its value at the reference day.
    Fraction(f64),
    /// The observable falls below this value (reached at once, day 0, when
    /// it is already below at the reference day).
    Below(f64),
}

/// Clearance measured on a named observable from the experiment's reference
/// day: days until each threshold is crossed downwards.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClearanceSpec {
    /// The observable (declared in the experiment; a pool, free/total species
    /// or linear expression: a function of the state).
    pub observable: String,
    /// Key of its value at the reference day in outputs.
    pub reference_label: String,
    /// Thresholds: the key of the days to reach each, and its level.
    pub thresholds: Vec<(String, Level)>,
}

impl ClearanceSpec {
    /// Clearance of `observable` with no thresholds yet; its value at the
    /// reference day is reported as `value_at_reference`.
    pub fn of(observable: &str) -> ClearanceSpec {
        ClearanceSpec {
            observable: observable.to_string(),
            reference_label: "value_at_reference".to_string(),
            thresholds: Vec::new(),
        }
    }

    /// Adds a threshold reported under `label`.
    pub fn threshold(mut self, label: &str, level: Level) -> ClearanceSpec {
        self.thresholds.push((label.to_string(), level));
        self
    }

    /// Sets the key of the reference value.
    pub fn reference_label(mut self, label: &str) -> ClearanceSpec {
        self.reference_label = label.to_string();
        self
    }
}

/// A resolved observable: indices into the arm's model.
#[derive(Clone, Debug)]
pub(crate) enum Resolved {
    /// One index.
    One(usize),
    /// Indices summed.
    Sum(Vec<usize>),
    /// `first + Σ rest` (a free species and its complexes).
    Total(Option<usize>, Vec<usize>),
    /// `Σ c·y[i]` (None: a constant `c`).
    Linear(Vec<(f64, Option<usize>)>),
    /// Ratio of earlier observables (by position).
    Ratio { numerator: usize, denominator: usize, scale: f64, offset: f64, below: Option<f64> },
    /// Summed process rates.
    Rates(Vec<usize>),
}

impl Resolved {
    /// Value from the state alone, for definitions that are functions of it.
    pub(crate) fn of_state(&self, y: &[f64]) -> Option<f64> {
        match self {
            Resolved::One(i) => Some(y[*i]),
            Resolved::Sum(i) => Some(i.iter().map(|&i| y[i]).sum()),
            Resolved::Total(free, bound) => {
                let free = free.map_or(0.0, |i| y[i]);
                let bound: f64 = bound.iter().map(|&i| y[i]).sum();
                Some(free + bound)
            }
            Resolved::Linear(terms) => Some(terms.iter().map(|&(c, i)| i.map_or(c, |i| c * y[i])).sum()),
            Resolved::Ratio { .. } | Resolved::Rates(_) => None,
        }
    }
}

fn states(model: &Model, names: &[String], observable: &str) -> Result<Vec<usize>> {
    let mut out = Vec::new();
    for name in names {
        if let Some(members) = model.pool_members(name) {
            out.extend_from_slice(members);
        } else {
            out.push(model.index_of(name).map_err(|_| missing(model, name, observable, "compartment or pool"))?);
        }
    }
    Ok(out)
}

fn missing(model: &Model, name: &str, observable: &str, what: &str) -> SaspError {
    ModelError::Missing {
        needed_by: format!("the observable '{observable}'"),
        what: format!("the {what} '{name}'"),
        model: model.name().to_string(),
    }
    .into()
}

/// Resolves `observables` against a prepared arm; `detection` is the
/// experiment's detection limit.
pub(crate) fn resolve(observables: &[Observable], arm: &PreparedArm, detection: f64) -> Result<Vec<Resolved>> {
    let model = &arm.model;
    let mut out: Vec<Resolved> = Vec::with_capacity(observables.len());
    for (k, o) in observables.iter().enumerate() {
        let name = o.name.as_str();
        if name.trim().is_empty() || name.contains(|c: char| c.is_control() || c == ',' || c == '"') {
            return Err(SaspError::InvalidOptions(format!(
                "observable name {name:?} must be non-empty without commas, quotes or control characters (it is a CSV column)"
            )));
        }
        if matches!(name, "arm" | "day" | "name" | "t" | "clearance") || observables[..k].iter().any(|p| p.name == name)
        {
            return Err(SaspError::Duplicate { kind: "observable", name: name.to_string() });
        }
        let earlier = |of: &str| {
            observables[..k].iter().position(|p| p.name == of).ok_or_else(|| {
                SaspError::InvalidOptions(format!(
                    "the ratio '{name}' uses the observable '{of}', which is not declared before it"
                ))
            })
        };
        let resolved = match &o.definition {
            Definition::Pool(names) => Resolved::Sum(states(model, names, name)?),
            Definition::Free(species) => {
                Resolved::One(model.index_of(species).map_err(|_| missing(model, species, name, "species"))?)
            }
            Definition::Total(species) => {
                let i = model.index_of(species).map_err(|_| missing(model, species, name, "species"))?;
                Resolved::Total(Some(i), arm.complexes_of_index(i))
            }
            Definition::Linear(terms) => {
                let mut out = Vec::with_capacity(terms.len());
                for (c, term) in terms {
                    out.push(match term {
                        Term::State(s) => (*c, Some(states(model, std::slice::from_ref(s), name).and_then(single)?)),
                        Term::Parameter(p) => {
                            (*c * model.parameter_canonical(p).map_err(|_| missing(model, p, name, "parameter"))?, None)
                        }
                        Term::Constant => (*c, None),
                    });
                }
                Resolved::Linear(out)
            }
            Definition::Rates(processes) => {
                let mut out = Vec::with_capacity(processes.len());
                for p in processes {
                    let i = model.process_names().position(|q| q == p);
                    out.push(i.ok_or_else(|| missing(model, p, name, "process"))?);
                }
                Resolved::Rates(out)
            }
            Definition::Ratio { numerator, denominator, scale, offset, undefined_below } => Resolved::Ratio {
                numerator: earlier(numerator)?,
                denominator: earlier(denominator)?,
                scale: *scale,
                offset: match offset {
                    Offset::Parameter(p) => {
                        model.parameter_canonical(p).map_err(|_| missing(model, p, name, "parameter"))?
                    }
                    Offset::Value(v) => *v,
                    Offset::None => 0.0,
                },
                below: match undefined_below {
                    UndefinedBelow::Never => None,
                    UndefinedBelow::Value(v) => Some(*v),
                    UndefinedBelow::DetectionLimit => Some(detection),
                },
            },
        };
        out.push(resolved);
    }
    Ok(out)
}

/// A pool used as a single term of a linear expression is its sum: resolved
/// to one index only when it is one compartment.
fn single(indices: Vec<usize>) -> Result<usize> {
    match indices[..] {
        [i] => Ok(i),
        _ => Err(SaspError::InvalidOptions(
            "a term of a linear observable must be one compartment (use a pool observable for sums)".to_string(),
        )),
    }
}

/// Evaluates resolved observables at one sample into `out`.
pub(crate) fn evaluate(resolved: &[Resolved], y: &[f64], rates: &[f64], out: &mut Vec<f64>) {
    out.clear();
    for r in resolved {
        let value = match r {
            Resolved::Ratio { numerator, denominator, scale, offset, below } => {
                let (num, den) = (out[*numerator], out[*denominator]);
                if below.is_some_and(|b| den < b || den.is_nan() || b.is_nan()) {
                    f64::NAN
                } else {
                    scale * num / (den + offset)
                }
            }
            Resolved::Rates(p) => p.iter().map(|&p| rates[p]).sum(),
            other => other.of_state(y).unwrap_or(f64::NAN),
        };
        out.push(value);
    }
}
