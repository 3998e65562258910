//! Runs a standard test problem with one method and prints one JSON object.
//!
//! ```text
//! cargo run --release --example testset -- --problem P --method M --rtol R [--atol A] [--n N] [--repeat K]
//! cargo run --release --example testset -- --list-methods
//! cargo run --release --example testset -- --problem P --reference
//! ```
//! Problems: robertson, robertson-long, hires, pollution, vdp, arenstorf, the
//! grid problems brusselator2d and keller-segel (`--n` sets the grid), and
//! anti-ccl2, the reference model's anti-CCL2 arm over 35 days with its 11
//! doses (`sasp::testset::MODEL_NAMES`).
//! Fields: problem, method, rtol, atol, t_end, y (state at t_end), steps,
//! rejected, rhs_evals, jac_evals, factorizations, wall_s (median of the
//! repeats, solve only), wall_min_s (the fastest repeat), and error (mixed
//! error against the reference, where one is published).
//!
//! `--reference` prints the reference state at t_end the errors are measured
//! against (`{"problem", "t_end", "reference", "source"}`): the IVP test set's
//! published solution where there is one, otherwise a Rodas5P solve at
//! rtol 1e-12 (what `benches/stiff.rs` uses), so that other solvers
//! (`benches/external/compare.py`) are measured against the same numbers.

use sasp::solve::Method;
use std::process::ExitCode;

struct Args {
    problem: String,
    method: String,
    rtol: f64,
    atol: Option<f64>,
    repeat: usize,
    n: Option<usize>,
    reference: bool,
}

fn parse() -> Result<Option<Args>, String> {
    let mut args = Args {
        problem: String::new(),
        method: "auto".into(),
        rtol: 1e-6,
        atol: None,
        repeat: 1,
        n: None,
        reference: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        if flag == "--list-methods" {
            for m in Method::ALL {
                println!("{}", m.name());
            }
            println!("auto");
            return Ok(None);
        }
        if flag == "--reference" {
            args.reference = true;
            continue;
        }
        if flag == "--help" || flag == "-h" {
            println!(
                "usage: testset --problem P --method M --rtol R [--atol A] [--n N] [--repeat K] \
                 | --problem P --reference | --list-methods"
            );
            println!(
                "problems: {}, {}, {}",
                sasp::testset::NAMES.join(", "),
                sasp::testset::GRID_NAMES.join(", "),
                sasp::testset::MODEL_NAMES.join(", ")
            );
            return Ok(None);
        }
        let value = it.next().ok_or_else(|| format!("{flag} needs a value"))?;
        let number = |v: &str| v.parse::<f64>().map_err(|_| format!("{flag}: '{v}' is not a number"));
        match flag.as_str() {
            "--problem" => args.problem = value,
            "--method" => args.method = value,
            "--rtol" => args.rtol = number(&value)?,
            "--atol" => args.atol = Some(number(&value)?),
            "--repeat" => args.repeat = value.parse().map_err(|_| format!("--repeat: '{value}' is not a count"))?,
            "--n" => args.n = Some(value.parse().map_err(|_| format!("--n: '{value}' is not a grid size"))?),
            other => return Err(format!("unknown option {other}")),
        }
    }
    if args.problem.is_empty() {
        return Err("--problem is required".into());
    }
    if args.repeat == 0 {
        return Err("--repeat must be at least 1".into());
    }
    Ok(Some(args))
}

fn run(args: &Args) -> Result<String, sasp::SaspError> {
    if args.reference {
        return reference(&args.problem);
    }
    Ok(sasp::testset::run(&args.problem, &args.method, args.rtol, args.atol, args.n, args.repeat)?.to_json())
}

/// The reference state of a standard problem, as JSON.
fn reference(name: &str) -> Result<String, sasp::SaspError> {
    use sasp::solve::{solve, Options, Tolerance};
    let json = |t_end: f64, reference: &[f64], source: &str| {
        let values: Vec<String> = reference.iter().map(|v| format!("{v:e}")).collect();
        format!(
            "{{\"problem\": \"{name}\", \"t_end\": {t_end:e}, \"reference\": [{}], \"source\": \"{source}\"}}",
            values.join(", ")
        )
    };
    if name == "anti-ccl2" {
        let (model, arm) = sasp::testset::anti_ccl2_arm()?;
        let options =
            Options { rtol: 1e-12, atol: Tolerance::Scalar(1e-15), max_steps: 10_000_000, ..Options::default() };
        let run =
            sasp::experiment::Experiment::new(&model).method(Method::Rodas5p).options(options).run_prepared(&arm)?;
        let n = run.compartments.len();
        return Ok(json(21.0, &run.states[run.states.len() - n..], "sasp rodas5p at rtol 1e-12, atol 1e-15"));
    }
    let problem = sasp::testset::Problem::by_name(name)?;
    let (reference, source) = match problem.reference() {
        Some(r) => (r, "IVP test set (RADAU5 at rtol = atol = 1.1e-18)".to_string()),
        None => {
            let options =
                Options { rtol: 1e-12, atol: Tolerance::Scalar(1e-20), max_steps: 10_000_000, ..Options::default() };
            let stepper = Method::Rodas5p.stepper(&problem, options)?;
            let t_end = problem.t_end();
            let solution = solve(&problem, stepper, problem.t0(), &problem.y0(), t_end, &[t_end])?;
            (solution.state(0).to_vec(), "sasp rodas5p at rtol 1e-12, atol 1e-20".to_string())
        }
    };
    Ok(json(problem.t_end(), &reference, &source))
}

fn main() -> ExitCode {
    let args = match parse() {
        Ok(Some(args)) => args,
        Ok(None) => return ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("testset: {message}");
            return ExitCode::from(2);
        }
    };
    match run(&args) {
        Ok(json) => {
            println!("{json}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("testset: {e}");
            ExitCode::FAILURE
        }
    }
}
