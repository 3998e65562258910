//! PEtab: parameter-estimation problems as the PEtab format (version 1)
//! writes them — an SBML model plus tables of conditions, observables,
//! measurements and parameters, tied together by a YAML file — read into a
//! [`Problem`] whose log-likelihood sasp computes ([`Problem::evaluate`]).
//!
//! # What the tables mean
//!
//! - **Parameters** (`parameterId`, `parameterScale` `lin`/`log`/`log10`,
//!   `lowerBound`, `upperBound`, `nominalValue`, `estimate`): values on the
//!   linear scale; a parameter that is also an SBML parameter replaces the
//!   model's value (and any initial assignment of it).
//! - **Conditions** (`conditionId`, then one column per model entity): a
//!   parameter's value, a species' initial value (as its symbol denotes:
//!   concentration unless `hasOnlySubstanceUnits`), or a compartment's
//!   size; a cell is a number or a parameter id, and `NaN` keeps the
//!   model's value. An entity set by a rule cannot be overridden (refused).
//! - **Observables** (`observableId`, `observableFormula`, `noiseFormula`,
//!   `observableTransformation` `lin`/`log`/`log10`, `noiseDistribution`
//!   `normal`/`laplace`): formulas in SymPy's notation (`log` is the natural
//!   logarithm, `**` a power) over the model's symbols, the parameter
//!   table's ids and the placeholders `observableParameter{n}_{observableId}`
//!   (in the formula) and `noiseParameter{n}_{observableId}` (in the noise
//!   formula), which each measurement fills from its `observableParameters`
//!   and `noiseParameters` cells (`;`-separated numbers or parameter ids).
//! - **Measurements** (`observableId`, `simulationConditionId`,
//!   `preequilibrationConditionId`, `measurement`, `time`, …): a time `inf`
//!   is the steady state of the simulation condition. With a
//!   preequilibration condition, the model runs to steady state under it,
//!   then from that state under the simulation condition, whose species
//!   overrides (non-`NaN`) re-initialize their species.
//!
//! # The likelihood
//!
//! For a measurement `m`, simulated value `y` and noise `σ` on the
//! observable's scale (`z(x) = x`, `ln x` or `log10 x`), the residual is
//! `r = (z(m) − z(y))/σ` and
//!
//! ```text
//! normal:  −log L = ½·ln(2πσ²) + ½·r²   + J
//! laplace: −log L = ln(2σ)     + |r|    + J
//! ```
//!
//! with `J = ln m` for `log` and `ln(m·ln 10)` for `log10` (the density of
//! `m` itself, as PEtab defines it) and 0 for `lin`; `chi2 = Σ r²`.
//! Priors are not part of the likelihood.
//!
//! Constructs of the format sasp does not implement — several problems in
//! one file, more than one SBML file, mapping tables, extensions, noise
//! distributions other than normal and Laplace — are refused by name.

mod curves;
mod fit;
mod gradient;
mod likelihood;
mod profile;
mod report;
mod table;

pub use curves::{Curve, MAX_CURVE_POINTS};
pub use fit::{hessian_by_name, FitSettings, StartResult, MAX_FIT_PARAMETERS, MAX_STARTS};
pub use gradient::{Gradient, Prepared, Sensitivities};
pub use likelihood::{Evaluation, Simulated, PETAB_ATOL, PETAB_RTOL};
pub use profile::{Profile, ProfileSettings, CHI2_95};
pub use report::{
    hessian_name, merge_fit, read_starts, starts_header, starts_table, write_fit, write_profiles, FitPart, FitRecord,
    Written, BEST_STARTS_WITHIN, CURVE_POINTS, FIT_PLOTS, INTERVALS_FILE, PROFILES_FILE, STARTS_FILE,
};
pub use table::{Table, MAX_TABLE_BYTES};

use crate::error::{FileError, Result, SaspError};
use crate::expr::{Dialect, Expr};
use crate::sbml::read::Document;
use std::path::{Path, PathBuf};
use table::syntax;

/// Most rows across a problem's measurement tables.
pub const MAX_MEASUREMENTS: usize = 10_000_000;

/// A parameter's scale: the space in which it is estimated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scale {
    /// `lin`: the value itself.
    Lin,
    /// `log`: its natural logarithm.
    Log,
    /// `log10`: its decimal logarithm.
    Log10,
}

impl Scale {
    fn parse(text: &str) -> Option<Scale> {
        match text {
            "" | "lin" => Some(Scale::Lin),
            "log" => Some(Scale::Log),
            "log10" => Some(Scale::Log10),
            _ => None,
        }
    }

    /// A linear value on this scale.
    pub fn to_scale(self, x: f64) -> f64 {
        match self {
            Scale::Lin => x,
            Scale::Log => x.ln(),
            Scale::Log10 => x.log10(),
        }
    }

    /// A value on this scale back on the linear one.
    pub fn to_linear(self, x: f64) -> f64 {
        match self {
            Scale::Lin => x,
            Scale::Log => x.exp(),
            Scale::Log10 => 10f64.powf(x),
        }
    }
}

/// One row of the parameter table.
#[derive(Clone, Debug)]
pub struct Parameter {
    /// `parameterId`.
    pub id: String,
    /// `parameterScale`.
    pub scale: Scale,
    /// `lowerBound` (linear scale; −∞ when empty).
    pub lower: f64,
    /// `upperBound` (linear scale; +∞ when empty).
    pub upper: f64,
    /// `nominalValue` (linear scale; NaN when empty).
    pub nominal: f64,
    /// `estimate`: is it fitted?
    pub estimate: bool,
}

/// A cell that is a number or a parameter id.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// A number (`NaN` in a condition keeps the model's value).
    Number(f64),
    /// The value of a parameter of the parameter table (or of the model).
    Parameter(String),
}

impl Value {
    fn parse(text: &str) -> Value {
        match table::parse_number(text) {
            Some(v) => Value::Number(v),
            None => Value::Parameter(text.to_string()),
        }
    }
}

/// One row of the condition table.
#[derive(Clone, Debug)]
pub struct Condition {
    /// `conditionId`.
    pub id: String,
    /// Model entity → its value under this condition.
    pub overrides: Vec<(String, Value)>,
}

/// How measurements of an observable are compared with it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transformation {
    /// `lin`.
    Lin,
    /// `log`: natural logarithms of both.
    Log,
    /// `log10`: decimal logarithms of both.
    Log10,
}

/// The noise model of an observable.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Noise {
    /// Normal with standard deviation σ.
    Normal,
    /// Laplace with scale σ.
    Laplace,
}

/// One row of the observable table.
#[derive(Clone, Debug)]
pub struct Observable {
    /// `observableId`.
    pub id: String,
    /// `observableFormula`.
    pub formula: Expr,
    /// `noiseFormula`.
    pub noise_formula: Expr,
    /// `observableTransformation`.
    pub transformation: Transformation,
    /// `noiseDistribution`.
    pub noise: Noise,
    /// How many `observableParameter{n}` placeholders the formula uses (the largest n).
    observable_placeholders: usize,
    /// How many `noiseParameter{n}` placeholders the noise formula uses.
    noise_placeholders: usize,
}

/// One row of the measurement table.
#[derive(Clone, Debug)]
pub struct Measurement {
    /// The file and line it was read from.
    pub source: (PathBuf, usize),
    /// Index into [`Problem::observables`].
    pub observable: usize,
    /// Index into [`Problem::conditions`] of the preequilibration condition.
    pub preequilibration: Option<usize>,
    /// Index into [`Problem::conditions`] of the simulation condition.
    pub simulation: usize,
    /// The measured value.
    pub value: f64,
    /// The time (`inf`: at steady state).
    pub time: f64,
    /// `observableParameters`.
    pub observable_parameters: Vec<Value>,
    /// `noiseParameters`.
    pub noise_parameters: Vec<Value>,
}

/// A PEtab problem.
#[derive(Clone, Debug)]
pub struct Problem {
    /// The YAML file.
    pub path: PathBuf,
    /// The SBML model file.
    pub sbml_path: PathBuf,
    /// The SBML model.
    pub document: Document,
    /// The parameter table.
    pub parameters: Vec<Parameter>,
    /// The condition table.
    pub conditions: Vec<Condition>,
    /// The observable table.
    pub observables: Vec<Observable>,
    /// The measurement table.
    pub measurements: Vec<Measurement>,
}

impl Problem {
    /// Reads a PEtab problem from its YAML file (paths in it relative to the
    /// file's folder).
    pub fn from_file(path: impl AsRef<Path>) -> Result<Problem> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|e| FileError::io(path, e))?;
        let files = Files::from_yaml(&text, path)?;
        let dir = path.parent().unwrap_or(Path::new("."));
        let sbml_path = dir.join(&files.sbml);
        let document = crate::sbml::read::read_file(&sbml_path)?;
        let mut problem = Problem {
            path: path.to_path_buf(),
            sbml_path,
            document,
            parameters: Vec::new(),
            conditions: Vec::new(),
            observables: Vec::new(),
            measurements: Vec::new(),
        };
        for f in &files.parameters {
            problem.read_parameters(&Table::read(&dir.join(f))?)?;
        }
        for f in &files.conditions {
            problem.read_conditions(&Table::read(&dir.join(f))?)?;
        }
        for f in &files.observables {
            problem.read_observables(&Table::read(&dir.join(f))?)?;
        }
        for f in &files.measurements {
            problem.read_measurements(&Table::read(&dir.join(f))?)?;
        }
        if problem.measurements.is_empty() {
            return Err(syntax(path, 1, 1, "the problem has no measurements".into()));
        }
        Ok(problem)
    }

    /// The nominal values of the parameter table, in its order (linear
    /// scale); fails naming a parameter without one.
    pub fn nominal_values(&self) -> Result<Vec<f64>> {
        if let Some(p) = self.parameters.iter().find(|p| p.nominal.is_nan()) {
            return Err(SaspError::InvalidOptions(format!("parameter '{}' has no nominal value", p.id)));
        }
        Ok(self.parameters.iter().map(|p| p.nominal).collect())
    }

    /// Index of parameter `id` in the parameter table.
    pub fn parameter_index(&self, id: &str) -> Option<usize> {
        self.parameters.iter().position(|p| p.id == id)
    }

    /// Is `id` a symbol of the SBML model (species, compartment, parameter,
    /// reaction or species reference)?
    fn is_model_symbol(&self, id: &str) -> bool {
        let d = &self.document;
        d.species.iter().any(|s| s.id == id)
            || d.compartments.iter().any(|c| c.id == id)
            || d.parameters.iter().any(|p| p.id == id)
            || d.reactions
                .iter()
                .any(|r| r.id == id || r.reactants.iter().chain(&r.products).any(|s| s.id.as_deref() == Some(id)))
    }

    fn read_parameters(&mut self, t: &Table) -> Result<()> {
        t.require(&["parameterId", "parameterScale", "lowerBound", "upperBound", "nominalValue", "estimate"])?;
        for row in t.rows() {
            let id = row.required("parameterId")?.to_string();
            if self.parameter_index(&id).is_some() {
                return Err(row.error("parameterId", format!("parameter '{id}' appears twice")));
            }
            let scale = Scale::parse(row.get("parameterScale")).ok_or_else(|| {
                row.error(
                    "parameterScale",
                    format!("unknown parameterScale '{}' (lin, log, log10)", row.get("parameterScale")),
                )
            })?;
            let bound = |name: &str, default: f64| -> Result<f64> {
                if row.get(name).is_empty() {
                    Ok(default)
                } else {
                    row.number(name)
                }
            };
            let lower = bound("lowerBound", f64::NEG_INFINITY)?;
            let upper = bound("upperBound", f64::INFINITY)?;
            let nominal = bound("nominalValue", f64::NAN)?;
            let estimate = match row.get("estimate") {
                "1" => true,
                "0" => false,
                other => return Err(row.error("estimate", format!("estimate must be 0 or 1, is '{other}'"))),
            };
            if lower > upper {
                return Err(row.error("lowerBound", format!("lower bound {lower} above upper bound {upper}")));
            }
            if estimate && scale != Scale::Lin && lower <= 0.0 {
                return Err(
                    row.error("lowerBound", format!("a {scale:?}-scaled parameter needs a positive lower bound"))
                );
            }
            if self.document.species.iter().any(|s| s.id == id) || self.document.compartments.iter().any(|c| c.id == id)
            {
                return Err(SaspError::unsupported(
                    "a species or compartment in the parameter table",
                    format!("'{id}' at {}:{}", t.path.display(), row.line),
                ));
            }
            self.parameters.push(Parameter { id, scale, lower, upper, nominal, estimate });
        }
        Ok(())
    }

    fn read_conditions(&mut self, t: &Table) -> Result<()> {
        t.require(&["conditionId"])?;
        let targets: Vec<&String> =
            t.columns.iter().filter(|c| !c.is_empty() && *c != "conditionId" && *c != "conditionName").collect();
        for target in &targets {
            if !self.is_model_symbol(target) {
                return Err(syntax(
                    &t.path,
                    1,
                    1,
                    format!("condition column '{target}' is not a species, compartment or parameter of the model"),
                ));
            }
        }
        for row in t.rows() {
            let id = row.required("conditionId")?.to_string();
            if self.conditions.iter().any(|c| c.id == id) {
                return Err(row.error("conditionId", format!("condition '{id}' appears twice")));
            }
            let mut overrides = Vec::with_capacity(targets.len());
            for target in &targets {
                let cell = row.get(target);
                // An empty cell keeps the model's value, as NaN does.
                let value = if cell.is_empty() { Value::Number(f64::NAN) } else { Value::parse(cell) };
                if let Value::Parameter(p) = &value {
                    if self.parameter_index(p).is_none() && !self.is_model_symbol(p) {
                        return Err(row.error(target, format!("'{p}' is neither a number nor a parameter")));
                    }
                }
                overrides.push(((*target).clone(), value));
            }
            self.conditions.push(Condition { id, overrides });
        }
        Ok(())
    }

    fn read_observables(&mut self, t: &Table) -> Result<()> {
        t.require(&["observableId", "observableFormula", "noiseFormula"])?;
        for row in t.rows() {
            let id = row.required("observableId")?.to_string();
            if self.observables.iter().any(|o| o.id == id) {
                return Err(row.error("observableId", format!("observable '{id}' appears twice")));
            }
            let transformation = match row.get("observableTransformation") {
                "" | "lin" => Transformation::Lin,
                "log" => Transformation::Log,
                "log10" => Transformation::Log10,
                other => {
                    return Err(row.error(
                        "observableTransformation",
                        format!("unknown observableTransformation '{other}' (lin, log, log10)"),
                    ))
                }
            };
            let noise = match row.get("noiseDistribution") {
                "" | "normal" => Noise::Normal,
                "laplace" => Noise::Laplace,
                other => {
                    return Err(SaspError::unsupported(
                        format!("noiseDistribution '{other}'"),
                        format!("observable '{id}' at {}:{}", t.path.display(), row.line),
                    ))
                }
            };
            let formula = self.formula(&row, "observableFormula")?;
            let noise_formula = self.formula(&row, "noiseFormula")?;
            let observable_placeholders =
                self.check_symbols(&row, "observableFormula", &formula, &id, "observableParameter", None)?;
            let noise_placeholders =
                self.check_symbols(&row, "noiseFormula", &noise_formula, &id, "noiseParameter", Some(&id))?;
            self.observables.push(Observable {
                id,
                formula,
                noise_formula,
                transformation,
                noise,
                observable_placeholders,
                noise_placeholders,
            });
        }
        Ok(())
    }

    /// The formula in column `column` of `row`, in SymPy's notation.
    fn formula(&self, row: &table::Row<'_>, column: &str) -> Result<Expr> {
        let text = row.required(column)?;
        Expr::parse_dialect(text, &|n| self.is_model_symbol(n) || self.parameter_index(n).is_some(), Dialect::Sympy)
            .map_err(|e| row.error(column, format!("{column}: {e}")))
    }

    /// Checks that every symbol of `formula` is known; returns the largest
    /// `n` of its `{prefix}{n}_{observable}` placeholders.
    fn check_symbols(
        &self,
        row: &table::Row<'_>,
        column: &str,
        formula: &Expr,
        observable: &str,
        prefix: &str,
        own: Option<&str>,
    ) -> Result<usize> {
        let mut most = 0;
        for name in formula.symbols() {
            let name: &str = &name;
            if let Some(n) = placeholder(name, prefix, observable) {
                most = most.max(n);
            } else if !(self.is_model_symbol(name) || self.parameter_index(name).is_some() || own == Some(name)) {
                return Err(row.error(
                    column,
                    format!("'{name}' is not a model symbol, a parameter or a placeholder of '{observable}'"),
                ));
            }
        }
        Ok(most)
    }

    fn read_measurements(&mut self, t: &Table) -> Result<()> {
        t.require(&["observableId", "simulationConditionId", "measurement", "time"])?;
        if self.measurements.len() + t.rows.len() > MAX_MEASUREMENTS {
            return Err(SaspError::LimitExceeded {
                what: "measurements",
                requested: (self.measurements.len() + t.rows.len()) as f64,
                limit: MAX_MEASUREMENTS,
                hint: "split the problem".into(),
            });
        }
        let condition = |row: &table::Row<'_>, column: &str| -> Result<Option<usize>> {
            match row.get(column) {
                "" => Ok(None),
                id => self
                    .conditions
                    .iter()
                    .position(|c| c.id == id)
                    .map(Some)
                    .ok_or_else(|| row.error(column, format!("condition '{id}' is not in the condition table"))),
            }
        };
        let mut read = Vec::with_capacity(t.rows.len());
        for row in t.rows() {
            let obs_id = row.required("observableId")?;
            let observable = self.observables.iter().position(|o| o.id == obs_id).ok_or_else(|| {
                row.error("observableId", format!("observable '{obs_id}' is not in the observable table"))
            })?;
            let simulation = condition(&row, "simulationConditionId")?
                .ok_or_else(|| row.error("simulationConditionId", "'simulationConditionId' is empty".into()))?;
            let preequilibration = condition(&row, "preequilibrationConditionId")?;
            let value = row.number("measurement")?;
            let time = row.number("time")?;
            if !value.is_finite() {
                return Err(row.error("measurement", format!("measurement {value} is not finite")));
            }
            if time.is_nan() || time < 0.0 || time == f64::NEG_INFINITY {
                return Err(row.error("time", format!("time {time} must be non-negative (or inf)")));
            }
            let o = &self.observables[observable];
            if o.transformation != Transformation::Lin && value <= 0.0 {
                return Err(row.error("measurement", format!("measurement {value} of a log-scale observable")));
            }
            let list = |column: &str, needed: usize| -> Result<Vec<Value>> {
                let cell = row.get(column);
                let values: Vec<Value> = if cell.is_empty() {
                    Vec::new()
                } else {
                    cell.split(';').map(|v| Value::parse(v.trim())).collect()
                };
                if values.len() < needed {
                    return Err(row.error(
                        column,
                        format!("observable '{obs_id}' needs {needed} {column}, the row gives {}", values.len()),
                    ));
                }
                for v in &values {
                    if let Value::Parameter(p) = v {
                        if self.parameter_index(p).is_none() {
                            return Err(row.error(column, format!("'{p}' is neither a number nor a parameter")));
                        }
                    }
                }
                Ok(values)
            };
            let observable_parameters = list("observableParameters", o.observable_placeholders)?;
            let noise_parameters = list("noiseParameters", o.noise_placeholders)?;
            read.push(Measurement {
                source: (t.path.clone(), row.line),
                observable,
                preequilibration,
                simulation,
                value,
                time,
                observable_parameters,
                noise_parameters,
            });
        }
        self.measurements.extend(read);
        Ok(())
    }
}

/// `n` of a placeholder `{prefix}{n}_{observable}`.
fn placeholder(name: &str, prefix: &str, observable: &str) -> Option<usize> {
    let rest = name.strip_prefix(prefix)?;
    let (n, id) = rest.split_once('_')?;
    (id == observable).then_some(())?;
    n.parse::<usize>().ok().filter(|&n| n >= 1)
}

/// The files a PEtab YAML file lists.
struct Files {
    sbml: String,
    parameters: Vec<String>,
    conditions: Vec<String>,
    observables: Vec<String>,
    measurements: Vec<String>,
}

impl Files {
    fn from_yaml(text: &str, path: &Path) -> Result<Files> {
        use yaml_rust2::{Yaml, YamlLoader};
        let bad = |message: String| syntax(path, 1, 1, message);
        let docs = YamlLoader::load_from_str(text).map_err(|e| {
            let m = e.marker();
            syntax(path, m.line().max(1), m.col() + 1, e.to_string())
        })?;
        let [doc] = &docs[..] else {
            return Err(bad(format!("{} YAML documents, one expected", docs.len())));
        };
        let version = match &doc["format_version"] {
            Yaml::Integer(v) => v.to_string(),
            Yaml::Real(v) | Yaml::String(v) => v.clone(),
            Yaml::BadValue => return Err(bad("'format_version' is missing".into())),
            other => return Err(bad(format!("'format_version' is {other:?}"))),
        };
        if !matches!(version.as_str(), "1" | "1.0" | "1.0.0") {
            return Err(SaspError::unsupported(
                format!("PEtab format_version {version}"),
                format!("{} (version 1 is implemented)", path.display()),
            ));
        }
        for key in ["extensions"] {
            if !doc[key].is_badvalue() && !doc[key].is_null() {
                return Err(SaspError::unsupported(format!("PEtab '{key}'"), path.display().to_string()));
            }
        }
        let list = |node: &Yaml, key: &str| -> Result<Vec<String>> {
            match &node[key] {
                Yaml::String(s) => Ok(vec![s.clone()]),
                Yaml::Array(items) => items
                    .iter()
                    .map(|i| i.as_str().map(str::to_string).ok_or_else(|| bad(format!("'{key}' lists a non-string"))))
                    .collect(),
                Yaml::BadValue | Yaml::Null => Ok(Vec::new()),
                other => Err(bad(format!("'{key}' is {other:?}, a file name or a list of them expected"))),
            }
        };
        let parameters = list(doc, "parameter_file")?;
        if parameters.is_empty() {
            return Err(bad("'parameter_file' is missing".into()));
        }
        let problems = doc["problems"].as_vec().ok_or_else(|| bad("'problems' is missing".into()))?;
        let [problem] = &problems[..] else {
            return Err(SaspError::unsupported(
                format!("{} problems in one PEtab file", problems.len()),
                format!("{} (one is implemented)", path.display()),
            ));
        };
        if !list(problem, "mapping_files")?.is_empty() {
            return Err(SaspError::unsupported("PEtab mapping tables", path.display().to_string()));
        }
        let sbml = list(problem, "sbml_files")?;
        let [sbml] = &sbml[..] else {
            return Err(SaspError::unsupported(
                format!("{} SBML files in one problem", sbml.len()),
                format!("{} (one is implemented)", path.display()),
            ));
        };
        let files = Files {
            sbml: sbml.clone(),
            parameters,
            conditions: list(problem, "condition_files")?,
            observables: list(problem, "observable_files")?,
            measurements: list(problem, "measurement_files")?,
        };
        for (what, f) in
            [("condition", &files.conditions), ("observable", &files.observables), ("measurement", &files.measurements)]
        {
            if f.is_empty() {
                return Err(bad(format!("the problem lists no {what} files")));
            }
        }
        Ok(files)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_name_their_observable_and_index() {
        assert_eq!(placeholder("noiseParameter2_obs_a", "noiseParameter", "obs_a"), Some(2));
        assert_eq!(placeholder("noiseParameter2_obs_b", "noiseParameter", "obs_a"), None);
        assert_eq!(placeholder("noiseParameter0_obs_a", "noiseParameter", "obs_a"), None);
        assert_eq!(placeholder("observableParameter1_x", "noiseParameter", "x"), None);
    }

    #[test]
    fn scales_round_trip() {
        for s in [Scale::Lin, Scale::Log, Scale::Log10] {
            assert!((s.to_linear(s.to_scale(0.37)) - 0.37).abs() < 1e-15);
        }
    }
}
