//! Runs a standard test problem with one method and prints one JSON object.
//!
//! ```text
//! cargo run --release --example testset -- --problem P --method M --rtol R [--atol A] [--n N] [--repeat K]
//! cargo run --release --example testset -- --list-methods
//! ```
//! Problems: robertson, robertson-long, hires, pollution, vdp, arenstorf.
//! Fields: problem, method, rtol, atol, t_end, y (state at t_end), steps,
//! rejected, rhs_evals, jac_evals, factorizations, wall_s (median of the
//! repeats, solve only), and error (mixed error against the reference, where
//! one is published).

use sasp::solve::{solve, Method, OdeSystem, Options, Tolerance};
use sasp::testset::{mixed_error, Problem};
use std::process::ExitCode;
use std::time::Instant;

struct Args {
    problem: String,
    method: String,
    rtol: f64,
    atol: Option<f64>,
    repeat: usize,
}

fn parse() -> Result<Option<Args>, String> {
    let mut args = Args { problem: String::new(), method: "auto".into(), rtol: 1e-6, atol: None, repeat: 1 };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        if flag == "--list-methods" {
            for m in Method::ALL {
                println!("{}", m.name());
            }
            println!("auto");
            return Ok(None);
        }
        if flag == "--help" || flag == "-h" {
            println!("usage: testset --problem P --method M --rtol R [--atol A] [--n N] [--repeat K] | --list-methods");
            println!("problems: {}", sasp::testset::NAMES.join(", "));
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
            "--n" => return Err("--n applies to grid problems, which this build does not have yet".into()),
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
    let problem = Problem::by_name(&args.problem)?;
    let method = Method::parse(&args.method)?;
    let atol = args.atol.unwrap_or(problem.default_atol(args.rtol));
    let options = Options { rtol: args.rtol, atol: Tolerance::Scalar(atol), ..Options::default() };
    let (t0, t_end, y0) = (problem.t0(), problem.t_end(), problem.y0());
    let mut times = Vec::with_capacity(args.repeat);
    let mut last = None;
    for _ in 0..args.repeat {
        let stepper = method.stepper(&problem, options.clone())?;
        let start = Instant::now();
        let sol = solve(&problem, stepper, t0, &y0, t_end, &[t_end])?;
        times.push(start.elapsed().as_secs_f64());
        last = Some(sol);
    }
    times.sort_by(f64::total_cmp);
    let sol = last.expect("at least one repeat");
    let y = sol.last().expect("t_end is an output").to_vec();
    let s = sol.stats;
    let error = problem.reference().map(|r| mixed_error(&y, &r, atol, args.rtol));
    let list = |v: &[f64]| v.iter().map(|x| format!("{x:e}")).collect::<Vec<_>>().join(", ");
    Ok(format!(
        "{{\"problem\": \"{}\", \"method\": \"{}\", \"rtol\": {:e}, \"atol\": {:e}, \"t_end\": {:e}, \"n\": {}, \"y\": [{}], \
         \"steps\": {}, \"rejected\": {}, \"rhs_evals\": {}, \"jac_evals\": {}, \"factorizations\": {}, \
         \"linear_solves\": {}, \"wall_s\": {:e}, \"error\": {}}}",
        problem.name(),
        method.resolve(problem.dimension(), args.rtol).name(),
        args.rtol,
        atol,
        t_end,
        problem.dimension(),
        list(&y),
        s.steps,
        s.rejected,
        s.rhs_evals,
        s.jac_evals,
        s.factorizations,
        s.linear_solves,
        times[times.len() / 2],
        error.map_or("null".to_string(), |e| format!("{e:e}")),
    ))
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
