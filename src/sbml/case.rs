//! Simulating one SBML Test Suite case: the case's SBML file imported
//! ([`Import`]), simulated with its events at tight tolerances, and its
//! variables reported as the settings ask (amounts, concentrations, or the
//! values of their symbols).

use super::import::Import;
use super::suite::{CaseSettings, Table};
use crate::flux_balance::{FluxBalance, FluxOutcome};
use crate::solve::{Method, Options, Tolerance};
use std::path::{Path, PathBuf};

/// Relative tolerance of the integration (the suite judges at 1e-4 or looser).
pub const CASE_RTOL: f64 = 1e-10;
/// Absolute tolerance of the integration.
pub const CASE_ATOL: f64 = 1e-14;

/// The SBML file of a case: `NNNNN-sbml-l3v2.xml`, else `-l3v1`, else `-l2v4`.
pub fn case_model(dir: &Path) -> crate::Result<PathBuf> {
    for suffix in ["sbml-l3v2.xml", "sbml-l3v1.xml", "sbml-l2v4.xml"] {
        let path = super::suite::case_file(dir, suffix);
        if path.is_file() {
            return Ok(path);
        }
    }
    Err(crate::SaspError::unsupported(
        "SBML levels other than L3V2, L3V1 and L2V4",
        format!("{} has no file of those levels", dir.display()),
    ))
}

/// Simulates the case in `dir` according to `settings`: the time course at
/// the settings' output times, `time` then the settings' variables (species
/// listed under `amount` as amounts, under `concentration` as
/// concentrations, everything else as the value of its SBML symbol).
///
/// A steady-state case (settings without times) is a flux balance analysis
/// ([`super::fbc`]): one row of the settings' variables, each a reaction's
/// flux or the active objective's value (its id), NaN for all when the
/// problem is infeasible; an unbounded objective is an error.
pub fn simulate_case(dir: &Path, settings: &CaseSettings) -> crate::Result<Table> {
    if !settings.time_course {
        let path = case_model(dir)?;
        let doc = super::read::read_file(&path)?;
        let fba = super::fbc::flux_balance(&doc, &path.display().to_string())?;
        return flux_balance_table(&fba, &settings.variables);
    }
    let import = Import::from_file(case_model(dir)?)?;
    let options = Options { rtol: CASE_RTOL, atol: Tolerance::Scalar(CASE_ATOL), ..Options::default() };
    import.time_course(
        &settings.times(),
        &settings.variables,
        &settings.amount,
        &settings.concentration,
        Method::Rodas5p,
        &options,
    )
}

/// One row of `variables` from the optimum of `fba`: a reaction's flux or
/// the objective's value by its name; every value NaN when the problem is
/// infeasible.
fn flux_balance_table(fba: &FluxBalance, variables: &[String]) -> crate::Result<Table> {
    let row = match fba.solve()? {
        FluxOutcome::Optimal(best) => variables
            .iter()
            .map(|v| {
                best.value(v).ok_or_else(|| {
                    crate::SaspError::from(crate::ModelError::invalid(
                        format!("variable '{v}'"),
                        "is neither a reaction nor the active fbc objective",
                    ))
                })
            })
            .collect::<crate::Result<Vec<f64>>>()?,
        FluxOutcome::Infeasible => vec![f64::NAN; variables.len()],
        FluxOutcome::Unbounded => {
            return Err(crate::SaspError::LinearProgram("the objective is unbounded".into()));
        }
    };
    Ok(Table { header: variables.to_vec(), rows: vec![row] })
}
