//! What the examples of uncertainty (`anti_ccl2_dose`, `bystander_odds`,
//! `robustness`, `target_indices`) and `calibrate` share: their `--runs N`
//! and `--kill ratio|saturating` arguments, exit codes and the CSV file
//! they write. Each example uses a part of it.
#![allow(dead_code)]

use std::process::ExitCode;

/// The well-mixed model an example runs, chosen by `--kill`: `ratio` (the
/// default) is the reference model, whose NK killing grows with the
/// effector-to-target ratio without bound; `saturating` its variant where
/// it saturates (`sasp::models::iannello2013_saturating_kill`).
pub struct Reference {
    /// The model.
    pub model: sasp::model::Model,
    /// Whether it is the saturating-kill variant.
    pub saturating: bool,
}

impl Reference {
    /// The model of the command line's `--kill` (an error message for a bad value).
    pub fn from_args() -> Result<Reference, String> {
        let args: Vec<String> = std::env::args().collect();
        match args.iter().position(|a| a == "--kill").map(|k| args.get(k + 1)) {
            None => Reference::named("ratio"),
            Some(kill) => Reference::named(kill.map_or("", String::as_str)),
        }
    }

    /// The model of `--kill {kill}`.
    pub fn named(kill: &str) -> Result<Reference, String> {
        let saturating = match kill {
            "ratio" => false,
            "saturating" => true,
            _ => return Err(format!("--kill takes 'ratio' (the reference model) or 'saturating', not '{kill}'")),
        };
        let model =
            if saturating { sasp::models::iannello2013_saturating_kill() } else { sasp::models::iannello2013() };
        Ok(Reference { model: model.map_err(|e| e.to_string())?, saturating })
    }

    /// The kill rate's fitted scale: `k_kill` (kills per NK cell per day) or
    /// `d_kill` (the saturating law's maximal kill rate per tumor cell).
    pub fn kill_parameter(&self) -> &'static str {
        if self.saturating {
            "d_kill"
        } else {
            "k_kill"
        }
    }

    /// The parameters the bystander question varies (`bystander_odds`, and
    /// `bystander --draws` in space): the fitted ones and those the question
    /// names, with this model's kill-rate scale.
    pub fn bystander_parameters(&self) -> Vec<&'static str> {
        BYSTANDER_PARAMETERS.iter().map(|&p| if p == KILL { self.kill_parameter() } else { p }).collect()
    }

    /// An output file's name: `name`, or `name_saturating` for the variant.
    pub fn file(&self, name: &str) -> String {
        if self.saturating {
            format!("{name}_saturating")
        } else {
            name.to_string()
        }
    }
}

/// The parameters of [`Reference::bystander_parameters`], with [`KILL`] for
/// the kill-rate scale.
const BYSTANDER_PARAMETERS: [&str; 11] =
    ["w3", "w4", "w5", "eps_N", "rho_N", "delta_Na", KILL, "k_sen", "sigma2_S", "delta_Nr", "g_NKG2D"];

/// Placeholder for [`Reference::kill_parameter`].
pub const KILL: &str = "kill";

/// Parameter set `j` of an uncertainty run over `distributions`: one
/// quantile each, from random stream (2026, `j`), so that every example and
/// shard draws the same sets.
pub fn parameter_set(distributions: &[sasp::model::Distribution], j: usize) -> Vec<f64> {
    let mut rng = sasp::util::rng::Rng::new(2026, j as u64);
    distributions.iter().map(|d| d.quantile(rng.uniform().max(f64::MIN_POSITIVE))).collect()
}

/// Runs `run` with the `--runs N` of the command line (`default` without
/// it; 1 to 1,000,000) and the model of its `--kill`: exit 0 on success, 1
/// on an error, 2 on a bad argument, each error on standard error after `name: `.
pub fn main_with_runs(name: &str, default: usize, run: impl FnOnce(usize, &Reference) -> sasp::Result<()>) -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let runs = match args.iter().position(|a| a == "--runs").map(|k| args.get(k + 1).map(|v| v.parse::<usize>())) {
        None => default,
        Some(Some(Ok(n))) if (1..=1_000_000).contains(&n) => n,
        _ => {
            eprintln!("{name}: --runs takes a whole number from 1 to 1,000,000");
            return ExitCode::from(2);
        }
    };
    let reference = match Reference::from_args() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("{name}: {e}");
            return ExitCode::from(2);
        }
    };
    match run(runs, &reference) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{name}: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Writes `csv` to `out/{name}.csv` with the manifest of `experiment` and
/// its `results` (the nominal run the file's numbers vary around), and says so.
pub fn write_csv(
    name: &str,
    csv: &str,
    experiment: &sasp::experiment::Experiment,
    results: &[sasp::experiment::ArmResult],
) -> sasp::Result<()> {
    let manifest = sasp::output::Manifest::for_experiment(experiment, results)?;
    let path = format!("out/{name}.csv");
    sasp::output::write_with_manifest(std::path::Path::new(&path), csv.as_bytes(), &manifest)?;
    println!("wrote {path}");
    Ok(())
}
