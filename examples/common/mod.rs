//! What the examples of uncertainty (`anti_ccl2_dose`, `bystander_odds`,
//! `robustness`) share: their `--runs N` argument and exit codes.

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
