//! IMEX additive Runge–Kutta (ARK4(3)6L[2]SA, transport implicit) against
//! `bdf-krylov` on two 2D grid problems, one JSON object per run.
//!
//! ```text
//! cargo run --release --example imex -- --problem P [--n N] --method M --rtol R [--repeat K] [--save FILE]
//! cargo run --release --example imex -- --problem P [--n N] --reference
//! ```
//! Problems:
//!
//! - `brusselator2d`: the test set's Brusselator on an N×N periodic grid
//!   (`sasp::testset::grid`, default N = 32) to t = 11.5, forcing switched on
//!   at 1.1; IMEX with the reactions and forcing explicit, diffusion
//!   (α = 10, `α/Δx² ≈ 10⁴` at N = 32) implicit.
//! - `diffusion2d`: diffusion-dominated autocatalysis, U + V → 2V
//!   (0.5/(nM·day)), V → U (1/day), both diffusing at 1 mm²/day on the unit
//!   square of N×N cells (default N = 64, zero flux, `4D/h² ≈ 1.6·10⁴` at
//!   N = 64, rates of order 1), U = 3 everywhere and V = 2 in a corner
//!   block of N/8 × N/8 cells, to t = 1 (`sasp::space::imex` with
//!   `Stiffness::Transport`).
//!
//! Methods: `ark4-imex` and `bdf-krylov`, atol = 1e-2·rtol. `error` is the
//! mixed error `max |y − ref| / (atol/rtol + |ref|)` (`sasp::testset::mixed_error`)
//! against a reference from `bdf-krylov` at rtol 1e-12 (atol 1e-14), cached
//! in `out/imex_reference_P_N.txt`; `--reference` computes it afresh,
//! also by `ark4-imex` at rtol 1e-11 (atol 1e-13), and prints how far the
//! two agree (in the mixed error at rtol 1e-10, atol 1e-12). On the
//! Brusselator at N = 32 both are within 3.4e-9 and 7.7e-10 of Rodas5P at
//! rtol 1e-11 (`testset --problem brusselator2d --method rodas5p --rtol 1e-11`);
//! `bdf-krylov` at rtol 1e-10 is not (9.4e-8).
//! `wall_s` is the median of the repeats, `wall_min_s` the fastest;
//! `--save FILE` writes the final state, one value a line.

use sasp::model::{Compartment, Model, ModelBuilder, ProcessDecl, Provenance, Quantity, RateLaw};
use sasp::solve::{integrate, Method, Options, Plan, Stats, Tolerance};
use sasp::space::{imex, Grid, SpatialSystem, Stiffness, Transport};
use sasp::testset::grid::Brusselator2d;
use sasp::testset::mixed_error;
use std::process::ExitCode;
use std::time::Instant;

struct Args {
    problem: String,
    n: Option<usize>,
    method: String,
    rtol: f64,
    repeat: usize,
    reference: bool,
    save: Option<String>,
}

fn parse() -> Result<Args, String> {
    let mut args = Args {
        problem: String::new(),
        n: None,
        method: "ark4-imex".into(),
        rtol: 1e-6,
        repeat: 1,
        reference: false,
        save: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        if flag == "--reference" {
            args.reference = true;
            continue;
        }
        let value = it.next().ok_or_else(|| format!("{flag} needs a value"))?;
        let count = |v: &str| v.parse::<usize>().map_err(|_| format!("{flag}: '{v}' is not a count"));
        match flag.as_str() {
            "--problem" => args.problem = value,
            "--method" => args.method = value,
            "--rtol" => args.rtol = value.parse().map_err(|_| format!("--rtol: '{value}' is not a number"))?,
            "--repeat" => args.repeat = count(&value)?.max(1),
            "--n" => args.n = Some(count(&value)?),
            "--save" => args.save = Some(value),
            other => return Err(format!("unknown option {other}")),
        }
    }
    if !["brusselator2d", "diffusion2d"].contains(&args.problem.as_str()) {
        return Err(format!("--problem must be brusselator2d or diffusion2d, not '{}'", args.problem));
    }
    if !["ark4-imex", "bdf-krylov"].contains(&args.method.as_str()) {
        return Err(format!("--method must be ark4-imex or bdf-krylov, not '{}'", args.method));
    }
    Ok(args)
}

fn autocatalysis() -> sasp::Result<Model> {
    let conc = Compartment::Other(Quantity::Concentration);
    ModelBuilder::new("autocatalysis")
        .compartment("U", conc, "nM", 3.0)
        .compartment("V", conc, "nM", 0.0)
        .parameter("k", 0.5, "1/(nM*day)", Provenance::Assumed, "example")
        .parameter("b", 1.0, "1/day", Provenance::Assumed, "example")
        .process(
            ProcessDecl::new("conversion", RateLaw::MassAction { k: "k".into(), of: vec!["U".into(), "V".into()] })
                .change("U", -1.0)
                .change("V", 1.0),
        )
        .process(
            ProcessDecl::new("return", RateLaw::FirstOrder { k: "b".into(), of: "V".into() })
                .change("V", -1.0)
                .change("U", 1.0),
        )
        .build()
}

fn diffusion_system(model: &Model, n: usize) -> sasp::Result<(SpatialSystem<'_>, Vec<f64>)> {
    let grid = Grid::new(&[n, n], 1.0 / n as f64)?;
    let transport = Transport::immobile(model, &grid).diffusing(model, "U", 1.0)?.diffusing(model, "V", 1.0)?;
    let system = SpatialSystem::new(model, grid, transport, &[])?;
    let block = (n / 8).max(1);
    let y0 = (0..n * n).flat_map(|c| [3.0, if c / n < block && c % n < block { 2.0 } else { 0.0 }]).collect();
    Ok((system, y0))
}

/// One solve of `problem` on N×N by `method`: the state at the end and the work.
fn run(problem: &str, n: usize, method: &str, options: &Options) -> sasp::Result<(Vec<f64>, Stats)> {
    match problem {
        "brusselator2d" => {
            let b = Brusselator2d::new(n);
            if method == "ark4-imex" {
                b.solve_imex(Stiffness::Transport, options.clone())
            } else {
                let run = b.solve(Method::BdfKrylov, options.clone())?;
                Ok((run.y, run.solution.stats))
            }
        }
        _ => {
            let model = autocatalysis()?;
            let (system, y0) = diffusion_system(&model, n)?;
            if method == "ark4-imex" {
                imex(&system, &y0, 0.0, 1.0, options, Stiffness::Transport)
            } else {
                let mut stepper = Method::BdfKrylov.stepper(&system, options.clone())?;
                let run =
                    integrate(&mut stepper, &mut &system, 0.0, &y0, 1.0, &Plan::end_only(), &mut |_, _, _, _| Ok(()))?;
                Ok((run.y, run.solution.stats))
            }
        }
    }
}

fn options(rtol: f64, atol: f64) -> Options {
    Options { rtol, atol: Tolerance::Scalar(atol), max_steps: 1_000_000, ..Options::default() }
}

fn reference_path(problem: &str, n: usize) -> String {
    format!("out/imex_reference_{problem}_{n}.txt")
}

/// The reference state: read from the cache, or computed by `bdf-krylov` at rtol 1e-12.
fn reference(problem: &str, n: usize, fresh: bool) -> sasp::Result<Vec<f64>> {
    let path = reference_path(problem, n);
    if !fresh {
        if let Ok(text) = std::fs::read_to_string(&path) {
            let values: Result<Vec<f64>, _> = text.split_whitespace().map(str::parse).collect();
            if let Ok(values) = values {
                return Ok(values);
            }
        }
    }
    let (y, _) = run(problem, n, "bdf-krylov", &options(1e-12, 1e-14))?;
    std::fs::create_dir_all("out").map_err(|e| sasp::SaspError::InvalidOptions(format!("out/: {e}")))?;
    let text: Vec<String> = y.iter().map(|v| format!("{v:e}")).collect();
    std::fs::write(&path, text.join("\n")).map_err(|e| sasp::SaspError::InvalidOptions(format!("{path}: {e}")))?;
    Ok(y)
}

fn main() -> ExitCode {
    let args = match parse() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let n = args.n.unwrap_or(if args.problem == "brusselator2d" { 32 } else { 64 });
    let result = (|| -> sasp::Result<String> {
        if args.reference {
            let start = Instant::now();
            let bdf = reference(&args.problem, n, true)?;
            let bdf_s = start.elapsed().as_secs_f64();
            let start = Instant::now();
            let (ark, stats) = run(&args.problem, n, "ark4-imex", &options(1e-11, 1e-13))?;
            let ark_s = start.elapsed().as_secs_f64();
            return Ok(format!(
                "{{\"problem\": \"{}\", \"n\": {n}, \"reference\": \"bdf-krylov rtol 1e-12\", \"reference_s\": {bdf_s:.3}, \
                 \"ark4_imex_1e-11_mixed_error\": {:e}, \"ark4_imex_1e-11_s\": {ark_s:.3}, \"ark4_imex_1e-11_steps\": {}}}",
                args.problem,
                mixed_error(&ark, &bdf, 1e-12, 1e-10),
                stats.steps
            ));
        }
        let atol = 1e-2 * args.rtol;
        let opts = options(args.rtol, atol);
        let mut times = Vec::new();
        let mut last = None;
        for _ in 0..args.repeat {
            let start = Instant::now();
            last = Some(run(&args.problem, n, &args.method, &opts)?);
            times.push(start.elapsed().as_secs_f64());
        }
        times.sort_by(f64::total_cmp);
        let (y, s) = last.expect("at least one repeat");
        if let Some(path) = &args.save {
            let text: Vec<String> = y.iter().map(|v| format!("{v:e}")).collect();
            std::fs::write(path, text.join("\n"))
                .map_err(|e| sasp::SaspError::InvalidOptions(format!("{path}: {e}")))?;
        }
        let reference = reference(&args.problem, n, false)?;
        let error = mixed_error(&y, &reference, atol, args.rtol);
        let unknowns = y.len();
        Ok(format!(
            "{{\"problem\": \"{}\", \"n\": {n}, \"unknowns\": {unknowns}, \"method\": \"{}\", \"rtol\": {:e}, \"atol\": {atol:e}, \
             \"steps\": {}, \"rejected\": {}, \"rhs_evals\": {}, \"jac_evals\": {}, \"factorizations\": {}, \
             \"linear_solves\": {}, \"linear_iterations\": {}, \"wall_s\": {:e}, \"wall_min_s\": {:e}, \"error\": {error:e}}}",
            args.problem,
            args.method,
            args.rtol,
            s.steps,
            s.rejected,
            s.rhs_evals,
            s.jac_evals,
            s.factorizations,
            s.linear_solves,
            s.linear_iterations,
            times[times.len() / 2],
            times[0],
        ))
    })();
    match result {
        Ok(line) => {
            println!("{line}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
