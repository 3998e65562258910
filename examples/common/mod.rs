//! What the examples of uncertainty (`anti_ccl2_dose`, `bystander_odds`,
//! `robustness`, `target_indices`) share: their `--runs N` argument, exit
//! codes and the CSV file they write.

use std::process::ExitCode;

/// Runs `run` with the `--runs N` of the command line (`default` without
/// it; 1 to 1,000,000): exit 0 on success, 1 on an error, 2 on a bad
/// argument, each error on standard error after `name: `.
pub fn main_with_runs(name: &str, default: usize, run: impl FnOnce(usize) -> sasp::Result<()>) -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let runs = match args.iter().position(|a| a == "--runs").map(|k| args.get(k + 1).map(|v| v.parse::<usize>())) {
        None => default,
        Some(Some(Ok(n))) if (1..=1_000_000).contains(&n) => n,
        _ => {
            eprintln!("{name}: --runs takes a whole number from 1 to 1,000,000");
            return ExitCode::from(2);
        }
    };
    match run(runs) {
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
