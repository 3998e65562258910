//! Runs a standard test problem with one method and prints one JSON object.
//!
//! ```text
//! cargo run --release --example testset -- --problem P --method M --rtol R [--atol A] [--n N] [--repeat K]
//! cargo run --release --example testset -- --list-methods
//! cargo run --release --example testset -- --problem P --reference
//! cargo run --release --example testset -- --sbml FILE.xml --t-end T [--method M] [--rtol R] [--atol A] [--repeat K]
//! cargo run --release --example testset -- --sbml FILE.xml --t-end T --reference
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
//!
//! `--sbml FILE --t-end T` runs an SBML model instead
//! ([`sasp::sbml::Import`]): the file is imported once (`load_s`: parse and
//! build, seconds), then simulated with its own parameter values and events
//! from 0 to T (`Model::simulate`) `--repeat` times (default method auto,
//! rtol 1e-6, atol 1e-4 rtol, at most 10^6 steps). The JSON has the fields
//! above (`problem` is the file's stem, `n` the number of states, `error`
//! null) and `names`, the species ids in document order, with `y` their
//! values at T as their SBML symbols denote them (the concentration unless
//! `hasOnlySubstanceUnits`, then the amount). With `--reference` it prints
//! `{"problem", "t_end", "names", "reference", "source", "load_s"}`, the same
//! values from Rodas5P at rtol 1e-12, atol 1e-14 (`benches/external/sbml_models.py`
//! compares libRoadRunner with it).
//!
//! Exit codes: 0 success, 2 bad arguments, 3 a construct sasp does not
//! implement (`unsupported: …` on stderr), 1 any other error.

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
    sbml: Option<String>,
    t_end: Option<f64>,
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
        sbml: None,
        t_end: None,
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
                 | --problem P --reference | --sbml FILE --t-end T [--method M] [--rtol R] [--atol A] \
                 [--repeat K] [--reference] | --list-methods"
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
            "--sbml" => args.sbml = Some(value),
            "--t-end" => args.t_end = Some(number(&value)?),
            "--n" => args.n = Some(value.parse().map_err(|_| format!("--n: '{value}' is not a grid size"))?),
            other => return Err(format!("unknown option {other}")),
        }
    }
    match (&args.sbml, args.problem.is_empty()) {
        (None, true) => return Err("--problem or --sbml is required".into()),
        (Some(_), false) => return Err("--problem and --sbml exclude each other".into()),
        (Some(_), true) if args.t_end.is_none() => return Err("--sbml needs --t-end".into()),
        (None, false) if args.t_end.is_some() => return Err("--t-end applies to --sbml".into()),
        (Some(_), true) if args.n.is_some() => return Err("--n applies to the grid problems, not to --sbml".into()),
        _ => {}
    }
    if args.repeat == 0 {
        return Err("--repeat must be at least 1".into());
    }
    Ok(Some(args))
}

fn run(args: &Args) -> Result<String, sasp::SaspError> {
    if let (Some(path), Some(t_end)) = (&args.sbml, args.t_end) {
        return run_sbml(args, path, t_end);
    }
    if args.reference {
        return reference(&args.problem);
    }
    Ok(sasp::testset::run(&args.problem, &args.method, args.rtol, args.atol, args.n, args.repeat)?.to_json())
}

/// A number in JSON (`null` when not finite).
fn number(v: f64) -> String {
    if v.is_finite() {
        format!("{v:e}")
    } else {
        "null".into()
    }
}

/// A JSON list of numbers.
fn numbers(v: &[f64]) -> String {
    v.iter().map(|&x| number(x)).collect::<Vec<_>>().join(", ")
}

/// A JSON string.
fn string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// An SBML model imported, simulated from 0 to `t_end`, its species' values
/// at `t_end` (or the reference values), as JSON.
fn run_sbml(args: &Args, path: &str, t_end: f64) -> Result<String, sasp::SaspError> {
    use sasp::solve::{Options, Tolerance};
    let start = std::time::Instant::now();
    let import = sasp::sbml::Import::from_file(path)?;
    let load_s = start.elapsed().as_secs_f64();
    let problem = std::path::Path::new(path).file_stem().map_or(path.to_string(), |s| s.to_string_lossy().into());
    let names: Vec<&str> = import.species_ids().collect();
    let names_json = names.iter().map(|n| string(n)).collect::<Vec<_>>().join(", ");
    let values = |solution: &sasp::solve::Solution| -> Result<Vec<f64>, sasp::SaspError> {
        let k = solution.t.len() - 1;
        let (t, y) = (solution.t[k], solution.state(k));
        names.iter().map(|id| import.value(id, t, y)).collect()
    };
    if args.reference {
        let options =
            Options { rtol: 1e-12, atol: Tolerance::Scalar(1e-14), max_steps: 10_000_000, ..Options::default() };
        let solution = import.model.simulate(&[t_end], Method::Rodas5p, &options)?;
        return Ok(format!(
            "{{\"problem\": {}, \"t_end\": {}, \"names\": [{names_json}], \"reference\": [{}], \
             \"source\": \"sasp rodas5p at rtol 1e-12, atol 1e-14\", \"load_s\": {}}}",
            string(&problem),
            number(t_end),
            numbers(&values(&solution)?),
            number(load_s)
        ));
    }
    let method = Method::parse(&args.method)?;
    let atol = args.atol.unwrap_or(1e-4 * args.rtol);
    let options =
        Options { rtol: args.rtol, atol: Tolerance::Scalar(atol), max_steps: 1_000_000, ..Options::default() };
    let mut times = Vec::with_capacity(args.repeat);
    let mut last = None;
    for _ in 0..args.repeat {
        let start = std::time::Instant::now();
        let solution = import.model.simulate(&[t_end], method, &options)?;
        times.push(start.elapsed().as_secs_f64());
        last = Some(solution);
    }
    let solution = last.expect("repeat is at least 1");
    times.sort_by(f64::total_cmp);
    let s = &solution.stats;
    Ok(format!(
        "{{\"problem\": {}, \"method\": \"{}\", \"rtol\": {}, \"atol\": {}, \"t_end\": {}, \"n\": {}, \
         \"names\": [{names_json}], \"y\": [{}], \"steps\": {}, \"rejected\": {}, \"rhs_evals\": {}, \
         \"jac_evals\": {}, \"factorizations\": {}, \"linear_solves\": {}, \"linear_iterations\": {}, \
         \"wall_s\": {}, \"wall_min_s\": {}, \"load_s\": {}, \"error\": null}}",
        string(&problem),
        solution.method,
        number(args.rtol),
        number(atol),
        number(t_end),
        solution.n,
        numbers(&values(&solution)?),
        s.steps,
        s.rejected,
        s.rhs_evals,
        s.jac_evals,
        s.factorizations,
        s.linear_solves,
        s.linear_iterations,
        number(times[times.len() / 2]),
        number(times[0]),
        number(load_s),
    ))
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
            if e.is_unsupported() {
                ExitCode::from(3)
            } else {
                ExitCode::FAILURE
            }
        }
    }
}
