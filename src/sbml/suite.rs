//! The SBML Test Suite: reading its cases, judging results, running it.
//!
//! The suite's semantic cases live in numbered folders (`00001/`, …), each
//! with a model (`NNNNN-sbml-l3v2.xml` …), its description and tags
//! (`NNNNN-model.m`), the simulation settings (`NNNNN-settings.txt`, read by
//! [`CaseSettings::read`]) and the expected time course
//! (`NNNNN-results.csv`, read by [`Table::read_csv`]).
//!
//! - [`judge`] applies the suite's rule to a simulated [`Table`]: every
//!   variable of the settings present (by name), one row per output time
//!   (`steps + 1`, the same times), each value within
//!   `absolute + relative·|expected|`; NaN matches only NaN, `+∞` only
//!   `+∞`, `−∞` only `−∞`.
//! - [`run_case`] simulates one case with a caller's function (the engine's
//!   is `sasp::sbml::simulate_case`) and judges it: an error that
//!   [`is_unsupported`](crate::SaspError::is_unsupported) makes the case
//!   [`Outcome::Unsupported`], any other error or a panic
//!   [`Outcome::Error`]. [`run_suite`] runs every case in parallel and counts
//!   outcomes by tag ([`SuiteReport`]).
//! - The *core* cases ([`is_core`]) are those that use no package (`comp`,
//!   `fbc`) and none of the constructs [`NOT_CORE`] names (delays, event
//!   priorities, non-persistent triggers, algebraic rules, fast reactions,
//!   `rateOf`, random event order).
//! - Continuous integration keeps a list of every case's outcome
//!   ([`SuiteReport::outcomes_text`]); [`compare_expected`] lists the
//!   regressions against it (a case that passed and no longer does, and any
//!   wrong answer) and [`improvements`] the cases that now pass.

use crate::error::{FileError, Result, SaspError};
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The largest `steps` a settings file may ask for.
pub const MAX_STEPS: usize = 1_000_000;

/// The tags that make a case not *core* (see [`is_core`]): constructs the
/// engine may refuse by design. Package tags (`comp:…`, `fbc:…`) and cases
/// whose `packagesPresent:` line names a package are not core either.
pub const NOT_CORE: &[&str] = &[
    "EventWithDelay",
    "EventPriority",
    "EventIsNotPersistent",
    "CSymbolDelay",
    "DelayInTrigger",
    "DelayInEventAssignment",
    "AlgebraicRule",
    "FastReaction",
    "MultipleFastReactions",
    "CSymbolRateOf",
    "RandomEventExecution",
];

/// Tags of the `comp` and `fbc` packages (the suite writes them with their
/// package prefix, `comp:Submodel`; they are recognized with or without it).
const PACKAGE_TAGS: &[&str] = &[
    "Submodel",
    "ModelDefinition",
    "ExternalModelDefinition",
    "ReplacedElement",
    "ReplacedBy",
    "Port",
    "SBaseRef",
    "Deletion",
    "SubmodelOutput",
    "ExtentConversionFactor",
    "TimeConversionFactor",
    "Objective",
    "FluxObjective",
    "MaximizeObjective",
    "MinimizeObjective",
    "FluxBound",
    "BoundLessEqual",
    "BoundGreaterEqual",
];

/// Is a case with these tags *core*: none of [`NOT_CORE`], no package tag
/// (`comp:…`, `fbc:…`, or a `comp`/`fbc` tag name without its prefix)?
///
/// ```
/// use sasp::sbml::suite::is_core;
/// assert!(is_core(&["Compartment".into(), "Species".into(), "EventNoDelay".into()]));
/// assert!(!is_core(&["Species".into(), "EventWithDelay".into()]));
/// assert!(!is_core(&["comp:Submodel".into()]));
/// ```
pub fn is_core(tags: &[String]) -> bool {
    tags.iter().all(|t| !t.contains(':') && !NOT_CORE.contains(&t.as_str()) && !PACKAGE_TAGS.contains(&t.as_str()))
}

// ------------------------------------------------------------------ settings

/// A case's simulation settings (`NNNNN-settings.txt`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CaseSettings {
    /// Time of the first output row.
    pub start: f64,
    /// Length of the simulated interval (the last row is at `start + duration`).
    pub duration: f64,
    /// Number of output intervals: the results have `steps + 1` rows.
    pub steps: usize,
    /// The variables to report (ids of species, compartments, parameters,
    /// reactions), in the order of the results' columns.
    pub variables: Vec<String>,
    /// Absolute tolerance of the comparison.
    pub absolute: f64,
    /// Relative tolerance of the comparison.
    pub relative: f64,
    /// Species to report as amounts.
    pub amount: Vec<String>,
    /// Species to report as concentrations.
    pub concentration: Vec<String>,
    /// Whether the case is a time course. A steady-state case (flux balance)
    /// leaves `start`, `duration` and `steps` blank: they read as 0, and its
    /// results are one row of the variables, without a time column.
    pub time_course: bool,
}

/// The keys a settings file must have.
const SETTINGS_KEYS: [&str; 8] =
    ["start", "duration", "steps", "variables", "absolute", "relative", "amount", "concentration"];

fn syntax(path: &Path, line: usize, column: usize, message: impl Into<String>) -> SaspError {
    FileError::Syntax { path: path.to_path_buf(), line, column, message: message.into() }.into()
}

/// A comma-separated list: items trimmed, empty ones dropped.
fn list(text: &str) -> Vec<String> {
    text.split(',').map(str::trim).filter(|s| !s.is_empty()).map(String::from).collect()
}

impl CaseSettings {
    /// Reads a settings file: lines `key: value` with the keys `start`,
    /// `duration`, `steps`, `variables`, `absolute`, `relative`, `amount`
    /// and `concentration` (the last two may be empty lists); blank lines
    /// and other keys are ignored. `start`, `duration` and `steps` all blank
    /// make a steady-state case ([`CaseSettings::time_course`] false).
    ///
    /// # Errors
    ///
    /// [`FileError::Io`] when the file cannot be read; [`FileError::Syntax`]
    /// (with the line) for a line without `:`, a repeated key, a missing key
    /// (named, at the line after the last), a number that is not finite,
    /// negative tolerances or duration, `steps` that is not a whole number;
    /// [`SaspError::LimitExceeded`] (at its line) for `steps` above
    /// [`MAX_STEPS`].
    pub fn read(path: impl AsRef<Path>) -> Result<CaseSettings> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|e| FileError::io(path, e))?;
        CaseSettings::parse(&text, path)
    }

    /// Parses the text of a settings file (`path` names it in errors); see
    /// [`CaseSettings::read`].
    pub fn parse(text: &str, path: impl AsRef<Path>) -> Result<CaseSettings> {
        let path = path.as_ref();
        let mut values: BTreeMap<&str, (usize, usize, &str)> = BTreeMap::new();
        let mut lines = 0;
        for (k, line) in text.lines().enumerate() {
            lines = k + 1;
            if line.trim().is_empty() {
                continue;
            }
            let Some((key, value)) = line.split_once(':') else {
                return Err(syntax(path, k + 1, 1, format!("expected 'key: value', found '{}'", line.trim())));
            };
            let key = key.trim();
            let Some(known) = SETTINGS_KEYS.iter().find(|&&s| s == key) else {
                continue;
            };
            let column = key.len() + 2 + value.len() - value.trim_start().len();
            if values.insert(known, (k + 1, column, value.trim())).is_some() {
                return Err(syntax(path, k + 1, 1, format!("the key '{key}' is given twice")));
            }
        }
        if let Some(missing) = SETTINGS_KEYS.iter().find(|k| !values.contains_key(*k)) {
            return Err(syntax(path, lines + 1, 1, format!("missing key '{missing}'")));
        }
        let number = |key: &str, non_negative: bool| -> Result<f64> {
            let (line, column, text) = values[key];
            let x: f64 =
                text.parse().map_err(|_| syntax(path, line, column, format!("{key}: '{text}' is not a number")))?;
            if !x.is_finite() {
                return Err(syntax(path, line, column, format!("{key}: '{text}' is not finite")));
            }
            if non_negative && x < 0.0 {
                return Err(syntax(path, line, column, format!("{key}: {x} is negative")));
            }
            Ok(x)
        };
        // A steady-state case leaves the times blank.
        let time_course = !["start", "duration", "steps"].iter().all(|key| values[key].2.is_empty());
        let (start, duration, steps) = if time_course {
            let steps = number("steps", true)?;
            let (line, column, text) = values["steps"];
            if steps.fract() != 0.0 {
                return Err(syntax(path, line, column, format!("steps: '{text}' is not a whole number")));
            }
            if steps > MAX_STEPS as f64 {
                return Err(SaspError::LimitExceeded {
                    what: "output steps",
                    requested: steps,
                    limit: MAX_STEPS,
                    hint: "the settings' steps".into(),
                }
                .at_line(path, line));
            }
            (number("start", false)?, number("duration", true)?, steps as usize)
        } else {
            (0.0, 0.0, 0)
        };
        Ok(CaseSettings {
            start,
            duration,
            steps,
            variables: list(values["variables"].2),
            absolute: number("absolute", true)?,
            relative: number("relative", true)?,
            amount: list(values["amount"].2),
            concentration: list(values["concentration"].2),
            time_course,
        })
    }

    /// The output times: `start + duration·k/steps` for `k = 0..=steps`.
    pub fn times(&self) -> Vec<f64> {
        if self.steps == 0 {
            return vec![self.start];
        }
        (0..=self.steps).map(|k| self.start + self.duration * k as f64 / self.steps as f64).collect()
    }
}

// ------------------------------------------------------------------ tables

/// A time course as the suite writes it: a header (`time`, then the
/// variables) and rows of numbers, the time first.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Table {
    /// Column names: `time`, then the variables.
    pub header: Vec<String>,
    /// One row per output time, as many values as the header has names.
    pub rows: Vec<Vec<f64>>,
}

/// A number of a results file: Rust's `f64` syntax (`1.427438729460607e-005`),
/// or `NaN`, `INF`, `-INF`, `Infinity` in any case.
fn parse_number(text: &str) -> Option<f64> {
    let t = text.trim();
    let (sign, body) = match t.strip_prefix('-') {
        Some(rest) => (-1.0, rest),
        None => (1.0, t.strip_prefix('+').unwrap_or(t)),
    };
    if body.eq_ignore_ascii_case("nan") {
        return Some(f64::NAN);
    }
    if body.eq_ignore_ascii_case("inf") || body.eq_ignore_ascii_case("infinity") {
        return Some(sign * f64::INFINITY);
    }
    t.parse().ok()
}

/// A value as [`Table::to_csv`] writes it.
fn format_number(x: f64) -> String {
    if x.is_nan() {
        "NaN".into()
    } else if x == f64::INFINITY {
        "INF".into()
    } else if x == f64::NEG_INFINITY {
        "-INF".into()
    } else {
        crate::util::text::number(x)
    }
}

impl Table {
    /// Reads a results CSV (see [`Table::parse_csv`]).
    ///
    /// # Errors
    ///
    /// [`FileError::Io`] when the file cannot be read, [`FileError::Syntax`]
    /// as for [`Table::parse_csv`].
    pub fn read_csv(path: impl AsRef<Path>) -> Result<Table> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|e| FileError::io(path, e))?;
        Table::parse_csv(&text, path)
    }

    /// Parses a results CSV (`path` names it in errors): a header line of
    /// names, then one line of numbers per row (blank lines skipped).
    /// Numbers are in Rust's or C's notation (`1.427438729460607e-005`);
    /// `NaN`, `INF`, `-INF`, `inf`, `nan`, `Infinity` are read in any case.
    ///
    /// # Errors
    ///
    /// [`FileError::Syntax`] for an empty file, a row with more or fewer
    /// fields than the header, or a field that is not a number (with its
    /// line and column).
    pub fn parse_csv(text: &str, path: impl AsRef<Path>) -> Result<Table> {
        let path = path.as_ref();
        let mut lines = text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty());
        let Some((_, first)) = lines.next() else {
            return Err(syntax(path, 1, 1, "empty file: expected a header line"));
        };
        let header: Vec<String> = first.split(',').map(|s| s.trim().to_string()).collect();
        let mut rows = Vec::new();
        for (k, line) in lines {
            let mut row = Vec::with_capacity(header.len());
            let mut column = 1;
            for field in line.split(',') {
                let x = parse_number(field)
                    .ok_or_else(|| syntax(path, k + 1, column, format!("'{}' is not a number", field.trim())))?;
                row.push(x);
                column += field.len() + 1;
            }
            if row.len() != header.len() {
                return Err(syntax(
                    path,
                    k + 1,
                    1,
                    format!("{} fields in a row, the header has {}", row.len(), header.len()),
                ));
            }
            rows.push(row);
        }
        Ok(Table { header, rows })
    }

    /// The table as CSV: the header, then one line per row; numbers in the
    /// shortest form that reads back to the same `f64`
    /// ([`number`](crate::util::text::number)), NaN as `NaN`, infinities as
    /// `INF` and `-INF`.
    pub fn to_csv(&self) -> String {
        let mut out = self.header.join(",");
        out.push('\n');
        for row in &self.rows {
            let fields: Vec<String> = row.iter().map(|&x| format_number(x)).collect();
            out.push_str(&fields.join(","));
            out.push('\n');
        }
        out
    }

    /// Writes [`Table::to_csv`] to `path` atomically (a temporary beside it,
    /// then a rename: never a half-written file).
    ///
    /// # Errors
    ///
    /// [`FileError::Io`] when the file cannot be written.
    pub fn write_csv(&self, path: impl AsRef<Path>) -> Result<()> {
        crate::util::files::write_atomic(path.as_ref(), self.to_csv().as_bytes())
    }

    /// The index of the variable column named `name` (case-sensitive),
    /// the first column (time, whatever its header says) excluded: a
    /// variable may itself be called `time` or `Time`.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.header.iter().skip(1).position(|h| h == name).map(|k| k + 1)
    }
}

// ------------------------------------------------------------------ judging

/// What became of one case.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "label", content = "message", rename_all = "lowercase")]
pub enum Outcome {
    /// The results agree with the expected ones.
    Passed,
    /// The engine refused a construct of the case (the message names it).
    Unsupported(String),
    /// The results disagree (the message names the first difference).
    Wrong(String),
    /// The case could not be run (a file that cannot be read, a failed
    /// simulation, a panic).
    Error(String),
}

impl Outcome {
    /// `passed`, `unsupported`, `wrong` or `error`.
    pub fn label(&self) -> &'static str {
        match self {
            Outcome::Passed => "passed",
            Outcome::Unsupported(_) => "unsupported",
            Outcome::Wrong(_) => "wrong",
            Outcome::Error(_) => "error",
        }
    }

    /// The message (empty for [`Outcome::Passed`]).
    pub fn message(&self) -> &str {
        match self {
            Outcome::Passed => "",
            Outcome::Unsupported(m) | Outcome::Wrong(m) | Outcome::Error(m) => m,
        }
    }
}

/// Does `got` match `expected` within `absolute + relative·|expected|`? NaN
/// matches only NaN and an infinity only the same infinity.
fn matches(expected: f64, got: f64, absolute: f64, relative: f64) -> bool {
    if expected.is_nan() {
        got.is_nan()
    } else if expected.is_infinite() {
        got == expected
    } else {
        got.is_finite() && (got - expected).abs() <= absolute + relative * expected.abs()
    }
}

/// Judges a simulated table `got` against the `expected` results by the
/// suite's rule: `got` must have a column for each of the settings'
/// variables (matched by name, case-sensitive; other columns are ignored),
/// as many rows as `expected` (`steps + 1`) at the same times (the first
/// column, within 10⁻⁹ of the time span), and each value within
/// `absolute + relative·|expected|`; NaN matches only NaN, `+∞` only `+∞`,
/// `−∞` only `−∞`.
///
/// [`Outcome::Wrong`] names the first difference (row by row, variable by
/// variable: the variable, the time, the expected and the simulated value);
/// [`Outcome::Error`] when `expected` itself lacks a variable or a value.
///
/// A steady-state case ([`CaseSettings::time_course`] false) has one row
/// and no time column: the values are matched by name alone.
pub fn judge(settings: &CaseSettings, expected: &Table, got: &Table) -> Outcome {
    if !settings.time_course {
        return judge_steady_state(settings, expected, got);
    }
    let mut columns = Vec::with_capacity(settings.variables.len());
    for v in &settings.variables {
        let Some(e) = expected.column(v) else {
            return Outcome::Error(format!("the expected results have no column '{v}'"));
        };
        let Some(g) = got.column(v) else {
            return Outcome::Wrong(format!("no column '{v}' in the results"));
        };
        columns.push((v, e, g));
    }
    if got.rows.len() != expected.rows.len() {
        return Outcome::Wrong(format!(
            "{} rows, expected {} (steps + 1 = {})",
            got.rows.len(),
            expected.rows.len(),
            settings.steps + 1
        ));
    }
    let span = (settings.start.abs() + settings.duration.abs()).max(f64::MIN_POSITIVE);
    for (k, (e_row, g_row)) in expected.rows.iter().zip(&got.rows).enumerate() {
        let (Some(&te), Some(&tg)) = (e_row.first(), g_row.first()) else {
            return Outcome::Wrong(format!("row {k} is empty"));
        };
        let same_time = (te - tg).abs() <= 1e-9 * span; // false for a NaN time
        if !same_time {
            return Outcome::Wrong(format!("row {k} is at time {tg}, expected {te}"));
        }
        for &(name, e, g) in &columns {
            let Some(&xe) = e_row.get(e) else {
                return Outcome::Error(format!("the expected results have no value of '{name}' at time {te}"));
            };
            let Some(&xg) = g_row.get(g) else {
                return Outcome::Wrong(format!("no value of '{name}' at time {te}"));
            };
            if !matches(xe, xg, settings.absolute, settings.relative) {
                return Outcome::Wrong(format!("{name} at time {te}: expected {xe}, got {xg}"));
            }
        }
    }
    Outcome::Passed
}

/// [`judge`] of a steady-state case: one row each, no time column.
fn judge_steady_state(settings: &CaseSettings, expected: &Table, got: &Table) -> Outcome {
    let [e_row] = expected.rows.as_slice() else {
        return Outcome::Error(format!(
            "the expected results have {} rows (a steady state has one)",
            expected.rows.len()
        ));
    };
    let [g_row] = got.rows.as_slice() else {
        return Outcome::Wrong(format!("{} rows in the results (a steady state has one)", got.rows.len()));
    };
    for name in &settings.variables {
        let value =
            |table: &Table, row: &[f64]| table.header.iter().position(|h| h == name).and_then(|k| row.get(k).copied());
        let Some(xe) = value(expected, e_row) else {
            return Outcome::Error(format!("the expected results have no value of '{name}'"));
        };
        let Some(xg) = value(got, g_row) else {
            return Outcome::Wrong(format!("no value of '{name}' in the results"));
        };
        if !matches(xe, xg, settings.absolute, settings.relative) {
            return Outcome::Wrong(format!("{name}: expected {xe}, got {xg}"));
        }
    }
    Outcome::Passed
}

// ------------------------------------------------------------------ cases

/// What a case's `NNNNN-model.m` says about it.
#[derive(Debug, Default)]
struct CaseInfo {
    tags: Vec<String>,
    packages: Vec<String>,
    test_type: String,
}

/// The case's number: the folder's name.
fn case_id(dir: &Path) -> String {
    let named = dir.file_name().map(|n| n.to_string_lossy().into_owned());
    named
        .or_else(|| dir.canonicalize().ok().and_then(|d| d.file_name().map(|n| n.to_string_lossy().into_owned())))
        .unwrap_or_default()
}

/// The file `<dir>/<NNNNN>-<suffix>` of a case.
pub fn case_file(dir: &Path, suffix: &str) -> PathBuf {
    dir.join(format!("{}-{suffix}", case_id(dir)))
}

fn case_info(dir: &Path) -> Result<CaseInfo> {
    let path = case_file(dir, "model.m");
    let text = std::fs::read_to_string(&path).map_err(|e| FileError::io(&path, e))?;
    let field = |key: &str| {
        text.lines().find_map(|l| l.trim_start().strip_prefix(key).map(|v| v.trim().to_string())).unwrap_or_default()
    };
    let mut tags = list(&field("componentTags:"));
    tags.extend(list(&field("testTags:")));
    Ok(CaseInfo { tags, packages: list(&field("packagesPresent:")), test_type: field("testType:") })
}

/// A case's tags (`NNNNN-model.m`): its component tags, then its test tags,
/// trimmed, empty ones dropped.
///
/// # Errors
///
/// [`FileError::Io`] when the model description cannot be read.
pub fn case_tags(dir: impl AsRef<Path>) -> Result<Vec<String>> {
    Ok(case_info(dir.as_ref())?.tags)
}

/// The packages a case's `packagesPresent:` line names (`comp`, `fbc`;
/// empty for a core SBML case).
///
/// # Errors
///
/// [`FileError::Io`] when the model description cannot be read.
pub fn case_packages(dir: impl AsRef<Path>) -> Result<Vec<String>> {
    Ok(case_info(dir.as_ref())?.packages)
}

/// The function that simulates a case: given the case's folder and settings,
/// the time course at the settings' output times (`time`, then the
/// variables).
pub type Simulate = dyn Fn(&Path, &CaseSettings) -> Result<Table> + Sync;

/// One case's outcome.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CaseReport {
    /// The case's number (`00001`).
    pub id: String,
    /// Its component and test tags.
    pub tags: Vec<String>,
    /// The packages it uses (`packagesPresent:`).
    pub packages: Vec<String>,
    /// What became of it.
    pub outcome: Outcome,
    /// Wall-clock seconds spent on it.
    pub seconds: f64,
}

impl CaseReport {
    /// Is this a core case: no package and [`is_core`] tags?
    pub fn is_core(&self) -> bool {
        self.packages.is_empty() && is_core(&self.tags)
    }
}

/// The text of a panic's payload.
fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(no message)".into())
}

/// Runs the case in `dir`: reads its tags, settings and expected results,
/// calls `simulate` and [`judge`]s the table. Never fails: a case whose
/// files cannot be read, whose simulation fails or panics is
/// [`Outcome::Error`] (`panic: …` for a panic); an error that
/// [`is_unsupported`](SaspError::is_unsupported), or a case whose
/// `testType:` is neither a time course (`TimeCourse`, or none) nor a flux
/// balance (`FluxBalanceSteadyState`, settings without times), is
/// [`Outcome::Unsupported`].
pub fn run_case(dir: &Path, simulate: &Simulate) -> CaseReport {
    let start = std::time::Instant::now();
    let info = case_info(dir);
    let (tags, packages) = match &info {
        Ok(i) => (i.tags.clone(), i.packages.clone()),
        Err(_) => (Vec::new(), Vec::new()),
    };
    let outcome = info.and_then(|i| run_checked(dir, &i, simulate)).unwrap_or_else(|e| Outcome::Error(e.to_string()));
    CaseReport { id: case_id(dir), tags, packages, outcome, seconds: start.elapsed().as_secs_f64() }
}

fn run_checked(dir: &Path, info: &CaseInfo, simulate: &Simulate) -> Result<Outcome> {
    let steady = match info.test_type.as_str() {
        "" | "TimeCourse" => false,
        "FluxBalanceSteadyState" => true,
        other => return Ok(Outcome::Unsupported(format!("unsupported: test type {other}"))),
    };
    let settings = CaseSettings::read(case_file(dir, "settings.txt"))?;
    if settings.time_course == steady {
        let what = if steady { "has output times" } else { "has no output times" };
        return Ok(Outcome::Error(format!("the {} case's settings {what}", info.test_type)));
    }
    let expected = Table::read_csv(case_file(dir, "results.csv"))?;
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| simulate(dir, &settings)));
    Ok(match result {
        Ok(Ok(table)) => judge(&settings, &expected, &table),
        Ok(Err(e)) if e.is_unsupported() => Outcome::Unsupported(e.to_string()),
        Ok(Err(e)) => Outcome::Error(e.to_string()),
        Err(payload) => Outcome::Error(format!("panic: {}", panic_text(&*payload))),
    })
}

// ------------------------------------------------------------------ the suite

/// How many cases had each outcome.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Cases that passed.
    pub passed: usize,
    /// Cases with a construct the engine refuses.
    pub unsupported: usize,
    /// Cases with a wrong result.
    pub wrong: usize,
    /// Cases that could not be run.
    pub error: usize,
}

impl Counts {
    /// Counts one more case with `outcome`.
    pub fn add(&mut self, outcome: &Outcome) {
        match outcome {
            Outcome::Passed => self.passed += 1,
            Outcome::Unsupported(_) => self.unsupported += 1,
            Outcome::Wrong(_) => self.wrong += 1,
            Outcome::Error(_) => self.error += 1,
        }
    }

    /// All cases counted.
    pub fn total(&self) -> usize {
        self.passed + self.unsupported + self.wrong + self.error
    }
}

/// The outcome of a run of the suite.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SuiteReport {
    /// Every case, by number.
    pub cases: Vec<CaseReport>,
    /// Outcomes of the cases carrying each tag.
    pub by_tag: BTreeMap<String, Counts>,
    /// Outcomes of all cases.
    pub totals: Counts,
    /// Outcomes of the core cases ([`CaseReport::is_core`]).
    pub core: Counts,
}

impl SuiteReport {
    /// The report of these cases (sorted by number), counted by tag.
    pub fn from_cases(mut cases: Vec<CaseReport>) -> SuiteReport {
        cases.sort_by(|a, b| a.id.cmp(&b.id));
        let mut by_tag: BTreeMap<String, Counts> = BTreeMap::new();
        let (mut totals, mut core) = (Counts::default(), Counts::default());
        for case in &cases {
            let mut tags: Vec<&String> = case.tags.iter().collect();
            tags.sort();
            tags.dedup();
            for tag in tags {
                by_tag.entry(tag.clone()).or_default().add(&case.outcome);
            }
            totals.add(&case.outcome);
            if case.is_core() {
                core.add(&case.outcome);
            }
        }
        SuiteReport { cases, by_tag, totals, core }
    }

    /// The report as pretty-printed JSON.
    ///
    /// # Errors
    ///
    /// [`SaspError::Serialization`] if serde_json fails.
    pub fn to_json(&self) -> Result<String> {
        serde_json::to_string_pretty(self).map_err(|e| SaspError::Serialization { what: "JSON", reason: e.to_string() })
    }

    /// A table for people: one line per tag (passed, unsupported, wrong,
    /// error), the totals, the core cases passed (as a percentage), then
    /// the wrong cases and the cases that failed to run, with their
    /// messages.
    pub fn summary(&self) -> String {
        let width = self.by_tag.keys().map(|t| t.chars().count()).max().unwrap_or(0).max(5);
        let mut out = String::new();
        let line = |out: &mut String, name: &str, c: &Counts| {
            let _ =
                writeln!(out, "{name:<width$}  {:>6}  {:>11}  {:>5}  {:>5}", c.passed, c.unsupported, c.wrong, c.error);
        };
        let _ =
            writeln!(out, "{:<width$}  {:>6}  {:>11}  {:>5}  {:>5}", "tag", "passed", "unsupported", "wrong", "error");
        for (tag, counts) in &self.by_tag {
            line(&mut out, tag, counts);
        }
        line(&mut out, "total", &self.totals);
        let percent = |n: usize, of: usize| if of == 0 { 0.0 } else { 100.0 * n as f64 / of as f64 };
        let _ = writeln!(
            out,
            "core: {} of {} core cases passed ({:.1}%)",
            self.core.passed,
            self.core.total(),
            percent(self.core.passed, self.core.total())
        );
        let _ = writeln!(out, "wrong: {} of {} cases", self.totals.wrong, self.totals.total());
        for (label, title) in [("wrong", "wrong cases"), ("error", "cases that could not be run")] {
            let listed: Vec<&CaseReport> = self.cases.iter().filter(|c| c.outcome.label() == label).collect();
            if !listed.is_empty() {
                let _ = writeln!(out, "{title}:");
                for case in listed {
                    let _ = writeln!(out, "  {} {}", case.id, case.outcome.message());
                }
            }
        }
        out
    }

    /// One line per case, `NNNNN label`, sorted by number: the list of
    /// expected outcomes [`compare_expected`] reads.
    pub fn outcomes_text(&self) -> String {
        let mut lines: Vec<String> = self.cases.iter().map(|c| format!("{} {}\n", c.id, c.outcome.label())).collect();
        lines.sort();
        lines.concat()
    }
}

/// The expected outcomes of a list (`NNNNN label` lines; blank lines and
/// `#` comments skipped); a malformed line is reported by line number.
fn expected_outcomes(text: &str) -> (BTreeMap<String, String>, Vec<String>) {
    let (mut map, mut bad) = (BTreeMap::new(), Vec::new());
    for (k, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut words = line.split_whitespace();
        match (words.next(), words.next(), words.next()) {
            (Some(id), Some(label @ ("passed" | "unsupported" | "wrong" | "error")), None) => {
                map.insert(id.to_string(), label.to_string());
            }
            _ => bad.push(format!("line {} of the expected outcomes is not 'NNNNN label': '{line}'", k + 1)),
        }
    }
    (map, bad)
}

/// The regressions of `report` against a list of expected outcomes
/// ([`SuiteReport::outcomes_text`]): every case expected `passed` that now
/// is not, and every case that now is `wrong` whatever the list says (a
/// wrong answer always fails), plus any malformed line of the list. Cases of
/// the list that were not run are ignored; cases that are not in the list
/// are new (only a wrong one is a regression). Empty when nothing regressed.
pub fn compare_expected(report: &SuiteReport, text: &str) -> Vec<String> {
    let (expected, mut regressions) = expected_outcomes(text);
    for case in &report.cases {
        let now = case.outcome.label();
        let before = expected.get(&case.id).map(String::as_str);
        let detail = |m: &str| if m.is_empty() { String::new() } else { format!(" ({m})") };
        if before == Some("passed") && now != "passed" {
            regressions.push(format!("{}: expected passed, now {now}{}", case.id, detail(case.outcome.message())));
        } else if now == "wrong" {
            let was = before.map_or("new".to_string(), |b| format!("expected {b}"));
            regressions.push(format!("{}: wrong, {was}{}", case.id, detail(case.outcome.message())));
        }
    }
    regressions
}

/// The cases of `report` that pass but are listed with another outcome (or
/// are not listed): progress to record by regenerating the list. Not
/// failures.
pub fn improvements(report: &SuiteReport, text: &str) -> Vec<String> {
    let (expected, _) = expected_outcomes(text);
    report
        .cases
        .iter()
        .filter(|c| c.outcome == Outcome::Passed)
        .filter_map(|c| match expected.get(&c.id).map(String::as_str) {
            Some("passed") => None,
            Some(before) => Some(format!("{}: now passed, expected {before}", c.id)),
            None => Some(format!("{}: passed (new)", c.id)),
        })
        .collect()
}

/// Runs every case of the suite folder `root` (its subfolders whose names
/// are all digits, by number) with `simulate`, in parallel on `threads`
/// threads (rayon's default, one per core, when `None`).
///
/// # Errors
///
/// [`FileError::Io`] when `root` cannot be listed;
/// [`SaspError::InvalidOptions`] for `threads` of 0 or a thread pool that
/// cannot be built. The cases themselves never fail the run (see
/// [`run_case`]).
pub fn run_suite(root: impl AsRef<Path>, simulate: &Simulate, threads: Option<usize>) -> Result<SuiteReport> {
    use rayon::prelude::*;
    let root = root.as_ref();
    let mut dirs = Vec::new();
    for entry in std::fs::read_dir(root).map_err(|e| FileError::io(root, e))? {
        let entry = entry.map_err(|e| FileError::io(root, e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.is_empty() && name.bytes().all(|b| b.is_ascii_digit()) && entry.path().is_dir() {
            dirs.push((name, entry.path()));
        }
    }
    dirs.sort();
    let run = || dirs.par_iter().map(|(_, dir)| run_case(dir, simulate)).collect::<Vec<_>>();
    let cases = match threads {
        None => run(),
        Some(0) => return Err(SaspError::InvalidOptions("the number of threads must be at least 1".into())),
        Some(n) => rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .map_err(|e| SaspError::InvalidOptions(format!("cannot start {n} threads: {e}")))?
            .install(run),
    };
    Ok(SuiteReport::from_cases(cases))
}
