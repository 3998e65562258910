//! The SBML Test Suite's stochastic cases (the DSMTS of Evans, Gillespie &
//! Wilkinson 2008, and the `distrib` cases): each case simulated as an
//! ensemble of exact trajectories ([`crate::ssa`]) and judged by the suite's
//! criteria on the ensemble's mean and standard deviation.
//!
//! A case directory `NNNNN/` holds `NNNNN-settings.txt` (`start`,
//! `duration`, `steps`, `variables`, `amount`, `concentration`,
//! `meanRange`, `sdRange`), `NNNNN-results.csv` (`time`, then `X-mean` and
//! `X-sd` per variable: the exact mean `μ` and standard deviation `σ`),
//! `NNNNN-model.m` (tags and packages) and the SBML model.
//!
//! **Criteria** (at every output time, for every variable, with `n`
//! trajectories, sample mean `X̄` and sample variance `S²`):
//!
//! - `Z = √n (X̄ − μ)/σ` within `meanRange` (default `(−3, 3)`);
//! - `Y = √(n/2) (S²/σ² − 1)` within `sdRange` (default `(−5, 5)`);
//! - where `σ = 0` (a deterministic point: the initial state), `X̄ = μ`
//!   (to 10⁻⁹ relative) and `S = 0`.
//!
//! Events are exact stops of the jumps (see [`crate::ssa`]).
//!
//! **Refused** ([`Outcome::Unsupported`], naming the construct): cases using
//! a package (`distrib`), rate rules, variable stoichiometry
//! (`stoichiometryMath`, a species reference set by a rule or event),
//! conversion factors, and whatever [`Stochastic::new`](crate::ssa::Stochastic::new)
//! refuses (non-integer stoichiometry, rates that read time).

use super::case::case_model;
use super::import::Import;
use super::read::{read_file, Rule};
use super::suite::{case_file, case_packages, case_tags, CaseReport, Outcome, SuiteReport, Table};
use crate::error::{FileError, Result, SaspError};
use crate::ssa::{Options, Stochastic};
use std::path::Path;

/// A stochastic case's settings (`NNNNN-settings.txt`).
#[derive(Clone, Debug, PartialEq)]
pub struct StochasticSettings {
    /// Time of the first output row.
    pub start: f64,
    /// Length of the simulated interval.
    pub duration: f64,
    /// Number of output intervals (`steps + 1` rows).
    pub steps: usize,
    /// The variables, in the order of the results' columns.
    pub variables: Vec<String>,
    /// Species reported as amounts.
    pub amount: Vec<String>,
    /// Species reported as concentrations.
    pub concentration: Vec<String>,
    /// The interval `Z` must lie in (exclusive).
    pub mean_range: (f64, f64),
    /// The interval `Y` must lie in (exclusive).
    pub sd_range: (f64, f64),
}

fn syntax(path: &Path, line: usize, message: impl Into<String>) -> SaspError {
    FileError::Syntax { path: path.to_path_buf(), line, column: 1, message: message.into() }.into()
}

fn list(text: &str) -> Vec<String> {
    text.split(',').map(str::trim).filter(|s| !s.is_empty()).map(String::from).collect()
}

impl StochasticSettings {
    /// Reads a settings file (see [`StochasticSettings::parse`]).
    ///
    /// # Errors
    ///
    /// [`FileError::Io`] when the file cannot be read; as
    /// [`StochasticSettings::parse`].
    pub fn read(path: impl AsRef<Path>) -> Result<StochasticSettings> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|e| FileError::io(path, e))?;
        StochasticSettings::parse(&text, path)
    }

    /// Parses the text of a settings file: lines `key: value`; `start`,
    /// `duration`, `steps` and `variables` required, `amount`,
    /// `concentration` lists (may be empty), `meanRange` and `sdRange` as
    /// `(lo, hi)` (defaults `(−3, 3)` and `(−5, 5)`); other keys (the empty
    /// `absolute` and `relative`, `output`) ignored.
    ///
    /// # Errors
    ///
    /// [`FileError::Syntax`] (with the line) for a line without `:`, a
    /// missing key, a number that is not finite, a negative duration,
    /// `steps` not a whole number or above 10⁶, a range that is not `(lo, hi)`
    /// with `lo < hi`.
    pub fn parse(text: &str, path: impl AsRef<Path>) -> Result<StochasticSettings> {
        let path = path.as_ref();
        let mut found: Vec<(&str, usize, &str)> = Vec::new();
        for (k, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let Some((key, value)) = line.split_once(':') else {
                return Err(syntax(path, k + 1, format!("expected 'key: value', found '{}'", line.trim())));
            };
            found.push((key.trim(), k + 1, value.trim()));
        }
        let lines = text.lines().count();
        let get = |key: &str| found.iter().find(|(k, _, _)| *k == key).map(|&(_, l, v)| (l, v));
        let need = |key: &str| get(key).ok_or_else(|| syntax(path, lines + 1, format!("missing key '{key}'")));
        let number = |key: &str| -> Result<f64> {
            let (line, text) = need(key)?;
            text.parse::<f64>()
                .ok()
                .filter(|x| x.is_finite())
                .ok_or_else(|| syntax(path, line, format!("{key}: '{text}' is not a finite number")))
        };
        let range = |key: &str, default: (f64, f64)| -> Result<(f64, f64)> {
            let Some((line, text)) = get(key) else { return Ok(default) };
            let inner = text.trim().trim_start_matches('(').trim_end_matches(')');
            let parts: Vec<Option<f64>> = inner.split(',').map(|s| s.trim().parse::<f64>().ok()).collect();
            match parts[..] {
                [Some(lo), Some(hi)] if lo.is_finite() && hi.is_finite() && lo < hi => Ok((lo, hi)),
                _ => Err(syntax(path, line, format!("{key}: '{text}' is not a range '(lo, hi)' with lo < hi"))),
            }
        };
        let duration = number("duration")?;
        if duration < 0.0 {
            return Err(syntax(path, need("duration")?.0, format!("duration: {duration} is negative")));
        }
        let steps = number("steps")?;
        if steps.fract() != 0.0 || !(0.0..=1.0e6).contains(&steps) {
            return Err(syntax(path, need("steps")?.0, format!("steps: {steps} is not a whole number from 0 to 10⁶")));
        }
        Ok(StochasticSettings {
            start: number("start")?,
            duration,
            steps: steps as usize,
            variables: list(need("variables")?.1),
            amount: get("amount").map(|(_, v)| list(v)).unwrap_or_default(),
            concentration: get("concentration").map(|(_, v)| list(v)).unwrap_or_default(),
            mean_range: range("meanRange", (-3.0, 3.0))?,
            sd_range: range("sdRange", (-5.0, 5.0))?,
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

/// The constructs of a case's SBML that stochastic simulation refuses.
fn refuse(dir: &Path) -> Result<()> {
    let packages = case_packages(dir)?;
    if let Some(p) = packages.first() {
        return Err(SaspError::unsupported(
            format!("the SBML '{p}' package in stochastic simulation"),
            dir.display().to_string(),
        ));
    }
    let path = case_model(dir)?;
    let doc = read_file(&path)?;
    let at = |what: &str| format!("{what} in {}", path.display());
    if let Some(Rule::Rate { variable, .. }) = doc.rules.iter().find(|r| matches!(r, Rule::Rate { .. })) {
        return Err(SaspError::unsupported(
            "rate rules in stochastic simulation",
            at(&format!("rule for '{variable}'")),
        ));
    }
    if let Some(r) = doc.reactions.iter().find(|r| r.fast) {
        return Err(SaspError::unsupported(
            "fast reactions in stochastic simulation",
            at(&format!("reaction '{}'", r.id)),
        ));
    }
    let ruled = |id: &str| {
        doc.rules
            .iter()
            .any(|r| matches!(r, Rule::Assignment { variable, .. } | Rule::Rate { variable, .. } if variable == id))
            || doc.initial_assignments.iter().any(|a| a.symbol == id)
            || doc.events.iter().any(|e| e.assignments.iter().any(|(variable, _)| variable == id))
    };
    for r in &doc.reactions {
        for sr in r.reactants.iter().chain(&r.products) {
            if sr.stoichiometry_math.is_some() || sr.id.as_deref().is_some_and(ruled) {
                return Err(SaspError::unsupported(
                    "variable stoichiometry in stochastic simulation",
                    at(&format!("reaction '{}', species '{}'", r.id, sr.species)),
                ));
            }
        }
    }
    if doc.conversion_factor.is_some() || doc.species.iter().any(|s| s.conversion_factor.is_some()) {
        return Err(SaspError::unsupported("conversion factors in stochastic simulation", at("the model")));
    }
    Ok(())
}

/// Simulates case `dir` as `n` trajectories (`options` give the method,
/// seed and threads) and tabulates `time`, then `X-mean` and `X-sd` for
/// each variable of the settings (species under `amount` as amounts, under
/// `concentration` as concentrations, others as their SBML symbol's value).
///
/// # Errors
///
/// [`SaspError::Unsupported`] for what the module documentation lists;
/// the import's, the settings' and the simulation's errors.
pub fn simulate_stochastic_case(
    dir: &Path,
    settings: &StochasticSettings,
    n: usize,
    options: &Options,
) -> Result<Table> {
    refuse(dir)?;
    let import = Import::from_file(case_model(dir)?)?;
    let stochastic = Stochastic::new(&import.model)?;
    let variables = &settings.variables;
    let observe = |t: f64, y: &[f64], out: &mut [f64]| -> Result<()> {
        for (v, o) in variables.iter().zip(out.iter_mut()) {
            *o = if settings.amount.contains(v) && import.is_species(v) {
                import.amount(v, t, y)?
            } else if settings.concentration.contains(v) && import.is_species(v) {
                import.concentration(v, t, y)?
            } else {
                import.value(v, t, y)?
            };
        }
        Ok(())
    };
    let times = settings.times();
    let ensemble = stochastic.ensemble_observed(&times, n, options, variables, &observe)?;
    let mut header = vec!["time".to_string()];
    for v in variables {
        header.push(format!("{v}-mean"));
        header.push(format!("{v}-sd"));
    }
    let rows = times
        .iter()
        .enumerate()
        .map(|(k, &t)| {
            let mut row = vec![t];
            for v in 0..variables.len() {
                row.push(ensemble.mean(k, v));
                row.push(ensemble.sd(k, v));
            }
            row
        })
        .collect();
    Ok(Table { header, rows })
}

/// Judges an ensemble's table (`X-mean`, `X-sd` columns) of `n`
/// trajectories against the expected one by the suite's criteria (module
/// documentation): [`Outcome::Passed`], or [`Outcome::Wrong`] naming the
/// first variable and time that fails and its statistic.
pub fn judge_stochastic(settings: &StochasticSettings, n: usize, expected: &Table, got: &Table) -> Outcome {
    if expected.rows.len() != got.rows.len() {
        return Outcome::Wrong(format!("{} rows expected, {} simulated", expected.rows.len(), got.rows.len()));
    }
    let nf = n as f64;
    for v in &settings.variables {
        let columns = |t: &Table| Some((t.column(&format!("{v}-mean"))?, t.column(&format!("{v}-sd"))?));
        let (Some((em, es)), Some((gm, gs))) = (columns(expected), columns(got)) else {
            return Outcome::Wrong(format!("no '{v}-mean' and '{v}-sd' columns in both tables"));
        };
        for (e, g) in expected.rows.iter().zip(&got.rows) {
            let (t, mu, sigma, mean, sd) = (e[0], e[em], e[es], g[gm], g[gs]);
            if sigma == 0.0 {
                if (mean - mu).abs() > 1e-9 * mu.abs().max(1.0) || sd != 0.0 {
                    return Outcome::Wrong(format!(
                        "{v} at t = {t}: σ = 0 and μ = {mu}, but the mean is {mean} and the SD {sd}"
                    ));
                }
                continue;
            }
            let z = nf.sqrt() * (mean - mu) / sigma;
            let y = (nf / 2.0).sqrt() * (sd * sd / (sigma * sigma) - 1.0);
            let inside = |x: f64, (lo, hi): (f64, f64)| x > lo && x < hi;
            if !inside(z, settings.mean_range) {
                return Outcome::Wrong(format!("{v} at t = {t}: Z = {z:.3} (mean {mean}, μ = {mu}, σ = {sigma})"));
            }
            if !inside(y, settings.sd_range) {
                return Outcome::Wrong(format!("{v} at t = {t}: Y = {y:.3} (SD {sd}, σ = {sigma})"));
            }
        }
    }
    Outcome::Passed
}

/// Runs the stochastic case in `dir` with `n` trajectories and judges it.
/// Never fails: a refused construct is [`Outcome::Unsupported`], any other
/// error [`Outcome::Error`].
pub fn run_stochastic_case(dir: &Path, n: usize, options: &Options) -> CaseReport {
    let start = std::time::Instant::now();
    let id = dir.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default();
    let tags = case_tags(dir).unwrap_or_default();
    let packages = case_packages(dir).unwrap_or_default();
    let outcome = (|| -> Result<Outcome> {
        let settings = StochasticSettings::read(case_file(dir, "settings.txt"))?;
        let expected = Table::read_csv(case_file(dir, "results.csv"))?;
        Ok(match simulate_stochastic_case(dir, &settings, n, options) {
            Ok(got) => judge_stochastic(&settings, n, &expected, &got),
            Err(e) if e.is_unsupported() => Outcome::Unsupported(e.to_string()),
            Err(e) => Outcome::Error(e.to_string()),
        })
    })()
    .unwrap_or_else(|e| Outcome::Error(e.to_string()));
    CaseReport { id, tags, packages, outcome, seconds: start.elapsed().as_secs_f64() }
}

/// Runs every case directory under `root` (sorted by name; one at a time,
/// each ensemble in parallel) with `n` trajectories.
///
/// # Errors
///
/// [`FileError::Io`] when `root` cannot be listed.
pub fn run_stochastic_suite(root: impl AsRef<Path>, n: usize, options: &Options) -> Result<SuiteReport> {
    let root = root.as_ref();
    let mut dirs: Vec<std::path::PathBuf> = std::fs::read_dir(root)
        .map_err(|e| FileError::io(root, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    Ok(SuiteReport::from_cases(dirs.iter().map(|d| run_stochastic_case(d, n, options)).collect()))
}
