//! The `sasp` command line: run experiments, simulate scenarios, export SBML,
//! run the solver test set and the SBML Test Suite. Errors go to standard
//! error; the exit code is 0 on success, 1 when the work failed, 2 when the
//! command line is wrong (unknown command or option, no parts to merge, a bad
//! `--shard`, an output that is one of the inputs, an output type that does
//! not fit), 3 when the input uses a construct the engine refuses
//! (`unsupported: …`). `-o -`
//! writes a single-file output to standard output (without a manifest).

use clap::{Args, Parser, Subcommand};
use sasp::experiment::paper::{antibody_schedule, neutralization_arms, targets};
use sasp::experiment::Experiment;
use sasp::intervene::Scenario;
use sasp::model::Model;
use sasp::output::{experiment_csv, experiment_json, Manifest, Staged};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "sasp",
    version,
    about = "Senescence, SASP and NK-cell surveillance models: simulate, reproduce, export"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run a scenario's arms on a model and write the time courses (CSV or JSON by extension).
    Simulate {
        /// Model file (TOML); the built-in reference model when omitted.
        #[arg(long, conflicts_with = "sbml")]
        model: Option<PathBuf>,
        /// SBML model file (L3V2, L3V1, L2V4) instead of `--model`. Without
        /// `--scenario`: its time course from 0 to `--t-end` (events
        /// included), every species as its symbol denotes (concentration
        /// unless hasOnlySubstanceUnits). With `--scenario`: the arms, as for
        /// any model.
        #[arg(long)]
        sbml: Option<PathBuf>,
        /// End of the SBML time course (with `--sbml`, no `--scenario`).
        #[arg(long)]
        t_end: Option<f64>,
        /// Output times of the SBML time course, 0 and `--t-end` included.
        #[arg(long, default_value_t = 101)]
        points: usize,
        /// Scenario file with the arms (TOML); the paper's arms when omitted.
        #[arg(long)]
        scenario: Option<PathBuf>,
        /// Output file: `.csv` or `.json`; `-` for standard output (CSV unless `--format json`).
        #[arg(short, long)]
        output: PathBuf,
        /// Output format (`csv` or `json`); by default the output's extension.
        #[arg(long)]
        format: Option<String>,
        /// Declaration file (TOML) with the observables, clearance metric and
        /// reference day to report; the reference model's when omitted.
        #[arg(long)]
        observables: Option<PathBuf>,
        /// Folder to draw a figure per observable into (`<observable>.png`).
        #[arg(long)]
        plots: Option<PathBuf>,
    },
    /// Run one of the paper's experiments and write its tables and plots.
    Experiment {
        /// Which experiment (`neutralization`).
        name: String,
        /// Output folder (every file appears together, or none on failure).
        #[arg(long, default_value = "out")]
        out: PathBuf,
        /// Parameter sets behind the median and 50/90 % uncertainty bands
        /// of the figures (0: no bands).
        #[arg(long, default_value_t = 200)]
        bands: usize,
        /// Which parameters the bands vary, each drawn from its
        /// distribution: `fitted` (the [F] parameters) or `declared` (every
        /// parameter that has a distribution, assumptions included).
        #[arg(long, default_value = "fitted", value_parser = ["fitted", "declared"])]
        bands_over: String,
    },
    /// Export a model (with an arm's interventions) as SBML Level 3 Version 2.
    ExportSbml {
        /// Model file (TOML).
        model: PathBuf,
        /// Arm to apply (by name, from the scenario).
        #[arg(long)]
        arm: Option<String>,
        /// Scenario file holding the arm; the paper's arms when omitted.
        #[arg(long)]
        scenario: Option<PathBuf>,
        /// Declaration file (TOML) with the observables (and clearance
        /// metric, reference day) to use; the reference model's when omitted.
        #[arg(long)]
        observables: Option<PathBuf>,
        /// Output file; `-` for standard output.
        #[arg(short, long)]
        output: PathBuf,
    },
    /// Parameter sweeps and virtual cohorts (parallel, shardable).
    Sweep {
        #[command(subcommand)]
        action: SweepAction,
    },
    /// Solve a standard test problem and print one JSON line.
    Testset {
        /// Problem: robertson, robertson-long, hires, pollution, vdp, arenstorf, brusselator2d, brusselator3d, keller-segel.
        #[arg(long)]
        problem: String,
        /// Method: dopri5, dop853, rodas5p, rodas3, bdf, bdf-krylov (grids), auto.
        #[arg(long, default_value = "auto")]
        method: String,
        /// Relative tolerance.
        #[arg(long, default_value_t = 1e-6)]
        rtol: f64,
        /// Absolute tolerance (default: the problem's customary one).
        #[arg(long)]
        atol: Option<f64>,
        /// Repeats (the reported wall time is their median).
        #[arg(long, default_value_t = 1)]
        repeat: usize,
        /// Grid size of the grid problems (brusselator2d, brusselator3d, keller-segel).
        #[arg(long)]
        n: Option<usize>,
    },
    /// Simulate one SBML Test Suite case and write its time course (CSV).
    SbmlCase {
        /// The case's folder (`…/semantic/00001`, holding `00001-settings.txt`).
        dir: PathBuf,
        /// Output CSV; `-` for standard output.
        #[arg(short, long)]
        output: PathBuf,
        /// For a stochastic case (`testType: StochasticTimeCourse` or
        /// `StatisticalDistribution`, which is refused): how many
        /// trajectories (its table has `X-mean` and `X-sd` columns).
        #[arg(long, default_value_t = 10_000)]
        trajectories: usize,
        /// For a stochastic case: the seed of the trajectories' random streams.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Flux balance analysis of an SBML model with fbc (v1 or v2): the
    /// active objective's optimum, each reaction's flux as CSV
    /// (`reaction,flux`, with `--fva` also `min,max`), and one JSON line on
    /// standard output (status, objective, sizes, seconds). An infeasible
    /// or unbounded problem is an error and writes no CSV.
    FluxBalance {
        /// The SBML file.
        model: PathBuf,
        /// Output CSV; `-` for standard output (the JSON line then goes to
        /// standard error).
        #[arg(short, long)]
        output: PathBuf,
        /// Also each reaction's range over the flux distributions whose
        /// objective is within this fraction of the optimum (1: the optimal
        /// ones alone; flux variability analysis).
        #[arg(long)]
        fva: Option<f64>,
        /// Bounds of a reaction before solving, `ID=LOWER:UPPER` (`inf`,
        /// `-inf` allowed), repeatable: `--bounds R_EX_o2_e=0:1000`.
        #[arg(long = "bounds")]
        bounds: Vec<String>,
    },
    /// Run the SBML Test Suite's cases and print a summary by tag.
    SbmlTestSuite {
        /// The suite's folder of cases (`…/sbml-test-suite/semantic`).
        dir: PathBuf,
        /// Write the full report (every case's outcome) as JSON.
        #[arg(long)]
        report: Option<PathBuf>,
        /// Compare with a list of expected outcomes (`NNNNN label` lines):
        /// exit 1 on a regression (a case that passed and no longer does, or
        /// any wrong result).
        #[arg(long)]
        expected: Option<PathBuf>,
        /// Write the outcomes as a list of expected outcomes.
        #[arg(long)]
        write_expected: Option<PathBuf>,
        /// Threads to run cases on (default: one per core).
        #[arg(long)]
        threads: Option<usize>,
    },
    /// Global sensitivity analysis of an arm (Sobol' indices or Morris
    /// effects of one observable at one day; spec format in
    /// `sasp::gsa::experiment`); writes the result as JSON.
    Gsa {
        /// The analysis spec (TOML).
        spec: PathBuf,
        #[command(flatten)]
        inputs: ArmInputs,
        /// Run only shard i of n (`i/n`, 0-based) of the design's runs and
        /// write them as CSV for `--merge`; read from SLURM_ARRAY_TASK_ID
        /// and SLURM_ARRAY_TASK_COUNT when absent.
        #[arg(long, conflicts_with = "merge")]
        shard: Option<String>,
        /// Compute the analysis from these shard CSVs instead of running.
        #[arg(long, num_args = 1..)]
        merge: Vec<PathBuf>,
        /// Output JSON (CSV with a shard); `-` for standard output.
        #[arg(short, long)]
        output: PathBuf,
    },
    /// Stochastic simulation of a model (counts): an ensemble's mean,
    /// standard deviation, quantiles and extinction over time (CSV), or one
    /// shard of it (`--shard i/n`, JSON) for `sasp ssa-merge`.
    Ssa(Box<SsaArgs>),
    /// Merge the shard files of `sasp ssa --shard i/n` into exactly the
    /// files a single run writes.
    SsaMerge {
        /// Shard files (JSON, any order; together every chunk once).
        #[arg(required = true)]
        parts: Vec<PathBuf>,
        #[command(flatten)]
        report: SsaReport,
    },
    /// Work on a PEtab problem (its YAML file): `llh` prints the
    /// log-likelihood at the nominal parameter values as one JSON line.
    Petab {
        /// The problem's YAML file.
        problem: PathBuf,
        #[command(subcommand)]
        action: PetabAction,
    },
}

/// The arguments of `sasp ssa`.
#[derive(Args)]
struct SsaArgs {
    /// Model file (TOML) whose compartments hold counts; the reference
    /// model when neither it nor `--sbml` is given.
    #[arg(conflicts_with = "sbml")]
    model: Option<PathBuf>,
    /// SBML model file instead (species as amounts, kinetic laws as propensities).
    #[arg(long)]
    sbml: Option<PathBuf>,
    /// Arm whose interventions to apply (from `--scenario`, or the paper's
    /// arms); its doses and switches are exact stops for every method.
    #[arg(long)]
    arm: Option<String>,
    /// Scenario file holding the arm (TOML); the paper's arms when omitted.
    #[arg(long, requires = "arm")]
    scenario: Option<PathBuf>,
    /// Method: direct, next-reaction, tau (tau-leaping, approximate), hybrid
    /// (ODE/exact), auto (an exact method by network size).
    #[arg(long, default_value = "auto")]
    method: String,
    /// Number of trajectories.
    #[arg(long, default_value_t = 1000)]
    trajectories: usize,
    /// Seed of the trajectories' random streams (trajectory j: stream (seed, j)).
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Last output time (default: the scenario's last day with `--arm`).
    #[arg(long)]
    t_end: Option<f64>,
    /// Time between outputs, from the model's initial time (default: the
    /// scenario's sampling with `--arm`, else (t-end − t0)/100).
    #[arg(long)]
    every: Option<f64>,
    /// Hybrid method: compartments are exact below θ individuals,
    /// continuous from 2θ (default 100).
    #[arg(long)]
    threshold: Option<f64>,
    /// A counted compartment and the size of one individual in its
    /// canonical unit (`X=0.01`; repeatable; default: every compartment of
    /// cells, one cell = 1e-6; the exact methods and tau-leaping count
    /// every other compartment as it is, the hybrid method keeps it
    /// continuous).
    #[arg(long)]
    counted: Vec<String>,
    /// Tau-leaping's error control ε in (0, 1) (default 0.03).
    #[arg(long)]
    epsilon: Option<f64>,
    /// Threads (default: one per core); the results do not depend on it.
    #[arg(long)]
    threads: Option<usize>,
    /// Run only shard i of n (`i/n`, 0-based) of the ensemble's chunks and
    /// write its statistics as JSON (`-o SHARD.json`) for `sasp ssa-merge`;
    /// read from SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT when not given.
    #[arg(long)]
    shard: Option<String>,
    /// Print the chunks done on standard error (by default only when it is a terminal).
    #[arg(long)]
    progress: bool,
    #[command(flatten)]
    report: SsaReport,
}

/// What `sasp ssa` and `sasp ssa-merge` write.
#[derive(Args)]
struct SsaReport {
    /// Compartment, pool or union `P+Q` whose extinction (every count 0) to
    /// report; repeatable (`ssa-merge`: the shards' sets, which it may repeat).
    #[arg(long)]
    extinction: Vec<String>,
    /// Quantiles to report per variable (comma-separated, each in [0, 1]).
    #[arg(long, default_value = "0.05,0.5,0.95")]
    quantiles: String,
    /// Output: CSV (`-` for standard output); with `--shard`, the shard's JSON.
    #[arg(short, long)]
    output: PathBuf,
    /// Also draw the means, quantile bands and extinction probabilities (`.png` or `.svg`).
    #[arg(long)]
    plot: Option<PathBuf>,
}

/// Where the arm of a sweep or an analysis comes from.
#[derive(Args)]
struct ArmInputs {
    /// Model file; the reference model when omitted.
    #[arg(long)]
    model: Option<PathBuf>,
    /// Scenario holding the arm; the paper's arms when omitted.
    #[arg(long)]
    scenario: Option<PathBuf>,
    /// Declaration file (TOML) with the observables (and clearance metric,
    /// reference day) to use; the reference model's when omitted.
    #[arg(long)]
    observables: Option<PathBuf>,
}

impl ArmInputs {
    /// The files, for refusing an output that is one of them.
    fn paths(&self) -> [Option<&Path>; 3] {
        [self.model.as_deref(), self.scenario.as_deref(), self.observables.as_deref()]
    }

    /// The model, the experiment with its declarations, and the scenario.
    fn load(&self) -> sasp::Result<(Model, Scenario, Option<sasp::experiment::Declarations>)> {
        let model = load_model(self.model.as_deref())?;
        let declarations = match &self.observables {
            Some(path) => Some(sasp::experiment::Declarations::from_file(path)?),
            None => None,
        };
        Ok((model, load_scenario(self.scenario.as_deref())?, declarations))
    }
}

/// An experiment on `model` with `declarations` (the reference model's when none).
fn experiment_of<'m>(model: &'m Model, declarations: &Option<sasp::experiment::Declarations>) -> Experiment<'m> {
    match declarations {
        Some(d) => Experiment::new(model).declare(d),
        None => Experiment::new(model),
    }
}

#[derive(Subcommand)]
enum PetabAction {
    /// Print `{"llh", "chi2", "n_data", "wall_s"}` at the nominal values
    /// (Rodas5P, rtol 1e-8, atol 1e-12).
    Llh {
        /// Relative tolerance of the integration.
        #[arg(long, default_value_t = sasp::petab::PETAB_RTOL)]
        rtol: f64,
        /// Absolute tolerance of the integration.
        #[arg(long, default_value_t = sasp::petab::PETAB_ATOL)]
        atol: f64,
    },
    /// Print `{"llh", "gradient": {parameter id: value, …}, "wall_s"}` at
    /// the nominal values: the gradient of the log-likelihood on each
    /// estimated parameter's own scale, by forward sensitivities (BDF), or
    /// with `--adjoint` by adjoint sensitivities (through events and
    /// switching rates too).
    Gradient {
        /// Relative tolerance of the integration.
        #[arg(long, default_value_t = sasp::petab::PETAB_RTOL)]
        rtol: f64,
        /// Absolute tolerance of the integration.
        #[arg(long, default_value_t = sasp::petab::PETAB_ATOL)]
        atol: f64,
        /// By adjoint sensitivities: one backward solve per condition
        /// whatever the number of parameters.
        #[arg(long)]
        adjoint: bool,
        /// Forward sensitivities outside the local error test (CVODES's
        /// `errconS = false`): the states' error alone chooses the steps.
        #[arg(long, conflicts_with = "adjoint")]
        no_sensitivity_error_test: bool,
    },
    /// Multistart maximum-likelihood fit: every start's result in
    /// DIR/starts.tsv (best first) with its manifest (the problem's hash,
    /// seed, starts, shard, Hessian model, sensitivities), the waterfall, parameter and
    /// fit-versus-data plots in DIR (`.png` and `.svg`), then one JSON line
    /// `{"best_llh", "starts", "converged", "wall_s"}`. Shards' folders
    /// join with `merge`.
    Fit {
        /// Number of starts (Sobol' points in the bounds, on the parameters' scales).
        #[arg(long, default_value_t = 20)]
        starts: usize,
        /// Seed of the start points (every start is reproducible from it).
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Hessian model of the optimizer: `fisher` (Gauss–Newton) or `bfgs`.
        #[arg(long, default_value = "fisher")]
        hessian: String,
        /// The gradient by adjoint sensitivities (one backward solve per
        /// condition whatever the number of parameters; needs `--hessian
        /// bfgs`, the Fisher information needing forward sensitivities).
        #[arg(long)]
        adjoint: bool,
        /// Most optimizer iterations per start.
        #[arg(long, default_value_t = 200)]
        max_iterations: usize,
        /// Run only the starts of shard i of n (`i/n`, 0-based; start k when
        /// k % n == i); read from SLURM_ARRAY_TASK_ID and
        /// SLURM_ARRAY_TASK_COUNT when not given.
        #[arg(long)]
        shard: Option<String>,
        /// Output folder.
        #[arg(short, long)]
        output: PathBuf,
    },
    /// Join the output folders of a sharded fit (`fit --shard i/n -o
    /// PART`) into what the unsharded fit writes: DIR/starts.tsv (every
    /// start, best first) with its manifest, and the plots; refuses parts
    /// of another problem or fit (seed, starts, Hessian model, …), a start
    /// in two parts and starts in none.
    Merge {
        /// The parts' output folders (each with starts.tsv and its manifest).
        #[arg(required = true)]
        parts: Vec<PathBuf>,
        /// Output folder.
        #[arg(short, long)]
        output: PathBuf,
    },
    /// Profile likelihoods: a multistart fit, then each estimated
    /// parameter's profile from the best start; DIR/profiles.tsv,
    /// DIR/intervals.tsv (95 % likelihood-ratio intervals), each with its
    /// manifest, a plot per parameter (`profile_ID.png` and `.svg`), and
    /// one JSON line `{"best_llh", "parameters", "identifiable", "wall_s"}`.
    Profile {
        /// Starts of the fit that precedes the profiles.
        #[arg(long, default_value_t = 10)]
        starts: usize,
        /// Seed of the fit's start points.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Most steps of a profile in each direction.
        #[arg(long, default_value_t = 40)]
        max_steps: usize,
        /// Output folder.
        #[arg(short, long)]
        output: PathBuf,
    },
    /// Write the simulation table at the nominal values (TSV: each
    /// measurement with its simulated value, noise σ and residual).
    Simulate {
        /// Output TSV; `-` for standard output.
        #[arg(short, long)]
        output: PathBuf,
    },
}

#[derive(Subcommand)]
enum SweepAction {
    /// Run a sweep spec (or one shard of it) and write one CSV row per run.
    Run {
        /// Sweep spec (TOML; see `sasp::sweep`).
        spec: PathBuf,
        #[command(flatten)]
        inputs: ArmInputs,
        /// Run only shard i of n (`i/n`, 0-based); read from SLURM_ARRAY_TASK_ID and
        /// SLURM_ARRAY_TASK_COUNT when absent.
        #[arg(long)]
        shard: Option<String>,
        /// Output CSV; `-` for standard output.
        #[arg(short, long)]
        output: PathBuf,
    },
    /// Join shard outputs into the file an unsharded run writes.
    Merge {
        /// Shard CSVs (at least one).
        #[arg(required = true)]
        parts: Vec<PathBuf>,
        /// Output CSV; `-` for standard output.
        #[arg(short, long)]
        output: PathBuf,
    },
}

/// Why a command did not succeed: a wrong command line (exit 2) or failed
/// work (exit 1; 3 for a construct the engine refuses).
enum Failure {
    /// The command line is wrong.
    Usage(String),
    /// The work failed.
    Work(sasp::SaspError),
    /// The work failed, as the message says.
    Failed(String),
}

impl From<sasp::SaspError> for Failure {
    fn from(e: sasp::SaspError) -> Failure {
        Failure::Work(e)
    }
}

type Outcome<T> = std::result::Result<T, Failure>;

fn usage<T>(message: impl Into<String>) -> Outcome<T> {
    Err(Failure::Usage(message.into()))
}

fn load_model(path: Option<&Path>) -> sasp::Result<Model> {
    match path {
        Some(p) => Model::from_file(p),
        None => sasp::models::iannello2013(),
    }
}

fn load_scenario(path: Option<&Path>) -> sasp::Result<Scenario> {
    match path {
        Some(p) => Scenario::from_file(p),
        None => Scenario::from_toml_str(sasp::experiment::paper::NEUTRALIZATION_TOML, "models/neutralization.toml"),
    }
}

/// Is `path` the standard-output marker `-`?
fn is_stdout(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// Refuses (as a usage error) an output, or its manifest, that is one of the inputs.
/// The text of each shard file, with its path (for `merge`'s errors).
fn read_parts(paths: &[PathBuf]) -> sasp::Result<Vec<(PathBuf, String)>> {
    paths
        .iter()
        .map(|p| {
            std::fs::read_to_string(p)
                .map(|text| (p.clone(), text))
                .map_err(|source| sasp::FileError::io(p, source).into())
        })
        .collect()
}

fn refuse_same_file(output: &Path, inputs: &[Option<&Path>]) -> Outcome<()> {
    if is_stdout(output) {
        return Ok(());
    }
    let inputs: Vec<&Path> = inputs.iter().flatten().copied().collect();
    sasp::output::refuse_same_file(output, &inputs).map_err(|e| match e {
        sasp::SaspError::InvalidOptions(m) => Failure::Usage(m),
        other => Failure::Work(other),
    })
}

/// Writes a single-file output: to standard output for `-` (no manifest), or
/// atomically with its manifest.
fn write_output(output: &Path, bytes: &[u8], manifest: Option<&Manifest>) -> sasp::Result<()> {
    if is_stdout(output) {
        let mut out = std::io::stdout().lock();
        return out
            .write_all(bytes)
            .and_then(|_| out.flush())
            .map_err(|source| sasp::FileError::io(output, source).into());
    }
    let mut staged = Staged::new();
    staged.bytes(output, bytes)?;
    if let Some(m) = manifest {
        staged.manifest(output, m)?;
    }
    staged.commit()
}

/// The integration options of `sasp petab … llh|gradient`: PEtab's defaults
/// with the given tolerances.
fn petab_options(rtol: f64, atol: f64) -> sasp::solve::Options {
    sasp::solve::Options { rtol, atol: sasp::solve::Tolerance::Scalar(atol), ..sasp::petab::Problem::default_options() }
}

/// Prints what a fit or a merge wrote: its notes, the files, and the JSON
/// line `{"best_llh", "starts", "converged", "wall_s"}`.
fn report_fit(
    output: &Path,
    written: &sasp::petab::Written,
    results: &[sasp::petab::StartResult],
    start: std::time::Instant,
) -> Outcome<()> {
    for note in &written.notes {
        eprintln!("note: {note}");
    }
    let names: Vec<String> = written
        .files
        .iter()
        .filter_map(|f| f.file_name().map(|n| n.to_string_lossy().into_owned()))
        .filter(|n| !n.ends_with(".manifest.json"))
        .collect();
    eprintln!("wrote {}: {} (tables with their manifests)", output.display(), names.join(", "));
    let line = serde_json::json!({
        "best_llh": results.first().map_or(f64::NEG_INFINITY, |r| r.llh),
        "starts": results.len(),
        "converged": results.iter().filter(|r| r.converged).count(),
        "wall_s": start.elapsed().as_secs_f64(),
    });
    println!("{line}");
    Ok(())
}

/// Where a single-file output went, for the closing message.
fn written(output: &Path, with_manifest: bool) -> String {
    match (is_stdout(output), with_manifest) {
        (true, _) => "standard output".to_string(),
        (false, true) => format!("{} and its manifest", output.display()),
        (false, false) => output.display().to_string(),
    }
}

/// The quantiles of `--quantiles`.
fn parse_quantiles(text: &str) -> Outcome<Vec<f64>> {
    let mut out = Vec::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        match part.parse::<f64>() {
            Ok(q) if (0.0..=1.0).contains(&q) => out.push(q),
            _ => return usage(format!("--quantiles: '{part}' is not a number from 0 to 1")),
        }
    }
    Ok(out)
}

/// The extinction-time table beside `output`: `NAME.extinction.csv` for `NAME.csv`.
fn extinction_path(output: &Path) -> PathBuf {
    let stem = output.file_stem().map_or_else(|| "ssa".into(), |s| s.to_string_lossy().into_owned());
    output.with_file_name(format!("{stem}.extinction.csv"))
}

/// Writes an ensemble's CSV (with `--extinction`, its extinction-time
/// table beside it, both or neither) and its figure.
fn write_ensemble(ensemble: &sasp::ssa::Ensemble, report: &SsaReport, quantiles: &[f64], title: &str) -> Outcome<()> {
    let table = ensemble.to_csv(quantiles);
    let times = (!ensemble.extinction_names.is_empty()).then(|| ensemble.extinction_times_csv(quantiles));
    if is_stdout(&report.output) {
        write_output(&report.output, table.as_bytes(), None)?;
        if let Some(times) = &times {
            eprint!("extinction times:\n{times}");
        }
    } else {
        let mut staged = Staged::new();
        staged.bytes(&report.output, table.as_bytes())?;
        if let Some(times) = &times {
            staged.bytes(&extinction_path(&report.output), times.as_bytes())?;
        }
        staged.commit()?;
    }
    if let Some(plot) = &report.plot {
        sasp::plot::figure::draw(&sasp::plot::ssa::ensemble_figure(ensemble, quantiles, title), plot)?;
    }
    let mut wrote = written(&report.output, false);
    if times.is_some() && !is_stdout(&report.output) {
        wrote.push_str(&format!(" and {}", extinction_path(&report.output).display()));
    }
    if let Some(plot) = &report.plot {
        wrote.push_str(&format!(" and {}", plot.display()));
    }
    eprintln!("wrote {wrote} ({} trajectories, {} times)", ensemble.trajectories, ensemble.times.len());
    Ok(())
}

/// A progress line on standard error (`\r`, every percent), if asked for
/// or standard error is a terminal.
fn progress_line(asked: bool) -> Option<impl Fn(usize, usize) + Sync> {
    use std::io::IsTerminal as _;
    use std::sync::atomic::{AtomicUsize, Ordering};
    if !(asked || std::io::stderr().is_terminal()) {
        return None;
    }
    let shown = AtomicUsize::new(usize::MAX);
    Some(move |done: usize, total: usize| {
        let percent = done * 100 / total.max(1);
        if shown.swap(percent, Ordering::Relaxed) != percent {
            eprint!("\rssa: {done}/{total} chunks ({percent} %)");
            if done == total {
                eprintln!();
            }
        }
    })
}

/// Refuses a figure that is the output, its extinction table or an input.
fn refuse_plot_clash(report: &SsaReport, inputs: &[Option<&Path>]) -> Outcome<()> {
    let Some(plot) = &report.plot else { return Ok(()) };
    if !is_stdout(&report.output) && (plot == &report.output || plot == &extinction_path(&report.output)) {
        return usage(format!("--plot {} would overwrite a table this run writes", plot.display()));
    }
    refuse_same_file(plot, inputs)
}

/// `sasp ssa`.
fn run_ssa(a: SsaArgs) -> Outcome<()> {
    use sasp::ssa::{hybrid, shard, Method, Stochastic};
    let quantiles = parse_quantiles(&a.report.quantiles)?;
    let method = match a.method.as_str() {
        "direct" => Some(Method::Direct),
        "next-reaction" => Some(Method::NextReaction),
        "tau" => Some(Method::TauLeaping),
        "auto" => Some(Method::Auto),
        "hybrid" => None,
        other => return usage(format!("--method '{other}' is not direct, next-reaction, tau, hybrid or auto")),
    };
    if method.is_some() && a.threshold.is_some() {
        return usage("--threshold is an option of --method hybrid");
    }
    if method != Some(Method::TauLeaping) && a.epsilon.is_some() {
        return usage("--epsilon is an option of --method tau");
    }
    let mut counted = Vec::new();
    for item in &a.counted {
        match item.split_once('=').map(|(name, size)| (name.trim(), size.trim().parse::<f64>())) {
            Some((name, Ok(size))) if !name.is_empty() => counted.push((name.to_string(), size)),
            _ => return usage(format!("--counted '{item}' must be NAME=SIZE (the size of one individual)")),
        }
    }
    if a.trajectories == 0 || a.trajectories > sasp::ssa::MAX_TRAJECTORIES {
        return usage(format!("--trajectories must be from 1 to {}", sasp::ssa::MAX_TRAJECTORIES));
    }
    if a.threads == Some(0) {
        return usage("--threads must be at least 1");
    }
    let shard = match &a.shard {
        Some(text) => match sasp::sweep::Shard::parse(text) {
            Ok(s) => Some(s),
            Err(e) => return usage(format!("--shard: {e}")),
        },
        None => sasp::sweep::Shard::from_slurm()?,
    };
    if shard.is_some() && a.report.plot.is_some() {
        return usage("--plot draws a whole ensemble: give it to sasp ssa-merge, not to a --shard run");
    }
    if shard.is_some() && is_stdout(&a.report.output) {
        return usage("a --shard run writes a shard file: give -o SHARD.json");
    }
    let inputs = [a.model.as_deref(), a.sbml.as_deref(), a.scenario.as_deref()];
    refuse_same_file(&a.report.output, &inputs)?;
    if !is_stdout(&a.report.output) && shard.is_none() {
        refuse_same_file(&extinction_path(&a.report.output), &inputs)?;
    }
    refuse_plot_clash(&a.report, &inputs)?;
    let base = match &a.sbml {
        Some(path) => Model::from_sbml(path)?,
        None => load_model(a.model.as_deref())?,
    };
    let (model, arm, scenario) = match &a.arm {
        Some(name) => {
            let scenario = load_scenario(a.scenario.as_deref())?;
            let known: Vec<String> = scenario.arms.iter().map(|x| x.name.clone()).collect();
            let arm = scenario
                .arms
                .iter()
                .find(|x| &x.name == name)
                .ok_or_else(|| sasp::SaspError::UnknownArm { name: name.clone(), known: known.join(", ") })?;
            let prepared = arm.prepare(&base, base.initial_time())?;
            (prepared.model.clone(), Some(prepared), Some(scenario))
        }
        None => (base, None, None),
    };
    let t0 = model.initial_time();
    let Some(t_end) = a.t_end.or(scenario.as_ref().map(|s| s.until)) else {
        return usage("sasp ssa needs --t-end T (or --arm, whose scenario says until when)");
    };
    if !(t_end.is_finite() && t_end > t0) {
        return usage(format!("--t-end {t_end} must be finite and after the model's initial time {t0}"));
    }
    let every = a.every.or(scenario.as_ref().map(|s| s.sample_every)).unwrap_or((t_end - t0) / 100.0);
    if !(every.is_finite() && every > 0.0) {
        return usage(format!("--every {every} must be finite and > 0"));
    }
    let steps = ((t_end - t0) / every * (1.0 + 1e-12)).floor();
    if steps + 2.0 > sasp::ssa::MAX_OUTPUTS as f64 {
        return usage(format!("--every {every} gives more than {} output times", sasp::ssa::MAX_OUTPUTS));
    }
    let mut times: Vec<f64> = (0..=steps as usize).map(|k| (t0 + k as f64 * every).min(t_end)).collect();
    if times.last().is_some_and(|&t| t < t_end) {
        times.push(t_end);
    }
    let n = a.trajectories;
    let mut method_name = a.method.clone();
    let toml = model.to_toml().unwrap_or_default();
    let fingerprint = sasp::util::hash::fnv1a(
        format!("{toml}\narm={}\nactions={:?}", a.arm.as_deref().unwrap_or(""), arm.as_ref().map(|p| &p.actions))
            .as_bytes(),
    );
    let progress = progress_line(a.progress);
    let progress: Option<&sasp::ssa::Progress<'_>> = progress.as_ref().map(|p| p as &sasp::ssa::Progress<'_>);
    let start = std::time::Instant::now();
    let chunks = shard.map(|s| shard::shard_chunks(n, s.index, s.count));
    enum Out {
        Whole(sasp::ssa::Ensemble),
        Part(sasp::ssa::Chunks),
    }
    let out = match method {
        Some(method) => {
            let options = sasp::ssa::Options {
                method,
                seed: a.seed,
                threads: a.threads,
                extinction: a.report.extinction.clone(),
                epsilon: a.epsilon.unwrap_or(sasp::ssa::tau::EPSILON),
                ..Default::default()
            };
            if method == Method::TauLeaping {
                method_name = format!("tau epsilon={} n_critical={}", options.epsilon, options.n_critical);
            }
            let s = match &arm {
                Some(prepared) => Stochastic::for_arm(prepared)?,
                None => Stochastic::new(&model)?,
            };
            let s = if counted.is_empty() { s } else { s.counting(&counted)? };
            if !counted.is_empty() {
                method_name = format!("{method_name} counted={counted:?}");
            }
            match (chunks, progress) {
                (Some(c), p) => Out::Part(s.ensemble_chunks(&times, n, &options, c, p)?),
                (None, Some(p)) => Out::Whole(s.ensemble_with_progress(&times, n, &options, p)?),
                (None, None) => Out::Whole(s.ensemble(&times, n, &options)?),
            }
        }
        None => {
            let options = hybrid::HybridOptions {
                seed: a.seed,
                threads: a.threads,
                threshold: a.threshold.unwrap_or(hybrid::HybridOptions::default().threshold),
                extinction: a.report.extinction.clone(),
                counted,
                ..Default::default()
            };
            method_name = format!("hybrid threshold={} counted={:?}", options.threshold, options.counted);
            let h = match &arm {
                Some(prepared) => hybrid::Hybrid::for_arm(prepared, &options)?,
                None => hybrid::Hybrid::new(&model, &options)?,
            };
            match (chunks, progress) {
                (Some(c), p) => Out::Part(h.ensemble_chunks(&times, n, c, p)?),
                (None, Some(p)) => Out::Whole(h.ensemble_with_progress(&times, n, p)?),
                (None, None) => Out::Whole(h.ensemble(&times, n)?),
            }
        }
    };
    match out {
        Out::Whole(ensemble) => write_ensemble(&ensemble, &a.report, &quantiles, model.name())?,
        Out::Part(chunks) => {
            let range = chunks.range();
            let part = shard::Shard {
                path: a.report.output.clone(),
                identity: shard::Identity {
                    model: model.name().to_string(),
                    fingerprint,
                    method: method_name,
                    seed: a.seed,
                },
                chunks,
            };
            write_output(&a.report.output, part.to_json()?.as_bytes(), None)?;
            eprintln!(
                "wrote {} (chunks {}..{} of {}, {:.2} s)",
                written(&a.report.output, false),
                range.start,
                range.end,
                n.div_ceil(sasp::ssa::CHUNK),
                start.elapsed().as_secs_f64()
            );
        }
    }
    Ok(())
}

/// `sasp ssa-merge`.
fn run_ssa_merge(parts: Vec<PathBuf>, report: SsaReport) -> Outcome<()> {
    let quantiles = parse_quantiles(&report.quantiles)?;
    let inputs: Vec<Option<&Path>> = parts.iter().map(|p| Some(p.as_path())).collect();
    refuse_same_file(&report.output, &inputs)?;
    if !is_stdout(&report.output) {
        refuse_same_file(&extinction_path(&report.output), &inputs)?;
    }
    refuse_plot_clash(&report, &inputs)?;
    let shards = parts.iter().map(|p| sasp::ssa::shard::Shard::read(p)).collect::<sasp::Result<Vec<_>>>()?;
    let ensemble = sasp::ssa::shard::merge(&shards)?;
    if !report.extinction.is_empty() && report.extinction != ensemble.extinction_names {
        return usage(format!(
            "--extinction [{}] differs from the shards' extinction sets [{}] (give the same, or none: the shards decide)",
            report.extinction.join(", "),
            ensemble.extinction_names.join(", ")
        ));
    }
    let title = shards.first().map_or_else(String::new, |s| s.identity.model.clone());
    write_ensemble(&ensemble, &report, &quantiles, &title)
}

fn run(cli: Cli) -> Outcome<()> {
    match cli.command {
        Command::Ssa(args) => run_ssa(*args)?,
        Command::SsaMerge { parts, report } => run_ssa_merge(parts, report)?,
        Command::Simulate { sbml: Some(path), scenario: None, output, format, t_end, points, .. } => {
            if format.as_deref().is_some_and(|f| f != "csv") || output.extension().is_some_and(|e| e != "csv") {
                return usage("an SBML time course is written as CSV (give an output ending in .csv, or '-')");
            }
            let Some(t_end) = t_end.filter(|t| t.is_finite() && *t > 0.0) else {
                return usage("an SBML time course needs --t-end T (finite, > 0)");
            };
            if !(2..=1_000_000).contains(&points) {
                return usage("--points must be between 2 and 1000000");
            }
            refuse_same_file(&output, &[Some(path.as_path())])?;
            let import = sasp::sbml::Import::from_file(&path)?;
            let unchecked = import.model.unchecked_units();
            if let Some(first) = unchecked.first() {
                let more =
                    if unchecked.len() > 1 { format!(", and {} more", unchecked.len() - 1) } else { String::new() };
                eprintln!("note: units not declared, so not checked ({first}{more})");
            }
            let times: Vec<f64> = (0..points).map(|k| t_end * k as f64 / (points - 1) as f64).collect();
            let options =
                sasp::solve::Options { rtol: 1e-8, atol: sasp::solve::Tolerance::Scalar(1e-12), ..Default::default() };
            let solution = import.model.simulate(&times, sasp::solve::Method::Auto, &options)?;
            let table = import.tabulate(&solution, &[], &[], &[])?;
            // Expression laws do not keep amounts non-negative by construction: say so when they did not.
            for (name, t, v) in import.model.negative_excursions(&solution, 1e-8) {
                eprintln!("warning: '{name}' went negative (most negative {v:e} at t = {t}): check the rate laws that consume it");
            }
            write_output(&output, table.to_csv().as_bytes(), None)?;
            eprintln!("wrote {} ({} species, {} times)", written(&output, false), table.header.len() - 1, points);
        }
        Command::Simulate {
            model: model_path,
            sbml,
            scenario: scenario_path,
            output,
            format,
            observables,
            plots,
            ..
        } => {
            let format = match format.as_deref() {
                Some(f) => f.to_string(),
                None if is_stdout(&output) => "csv".to_string(),
                None => output.extension().and_then(|e| e.to_str()).unwrap_or("").to_string(),
            };
            if format != "csv" && format != "json" {
                return usage(format!(
                    "output '{}' must end in .csv or .json (or give --format csv|json)",
                    output.display()
                ));
            }
            refuse_same_file(
                &output,
                &[model_path.as_deref(), sbml.as_deref(), scenario_path.as_deref(), observables.as_deref()],
            )?;
            let model = match &sbml {
                Some(path) => Model::from_sbml(path)?,
                None => load_model(model_path.as_deref())?,
            };
            let scenario = load_scenario(scenario_path.as_deref())?;
            let mut experiment = Experiment::from_scenario(&model, &scenario);
            if let Some(path) = &observables {
                experiment = experiment.declare(&sasp::experiment::Declarations::from_file(path)?);
            }
            let results = experiment.run()?;
            if let Some(dir) = &plots {
                std::fs::create_dir_all(dir).map_err(|e| sasp::SaspError::from(sasp::FileError::io(dir, e)))?;
                let files = sasp::plot::observables::write(&results, experiment.measured_from(), dir, "png")?;
                eprintln!("drew {} figures into {}", files.len(), dir.display());
            }
            let text = if format == "csv" { experiment_csv(&results) } else { experiment_json(&results, &[])? };
            write_output(
                &output,
                text.as_bytes(),
                Some(&sasp::output::Manifest::for_experiment(&experiment, &results)?),
            )?;
            eprintln!("wrote {} ({} arms)", written(&output, true), results.len());
        }
        Command::Experiment { name, out, bands, bands_over } => {
            if name != "neutralization" {
                return usage(format!("unknown experiment '{name}' (known: neutralization)"));
            }
            if is_stdout(&out) {
                return usage("--out is a folder of several files; '-' (standard output) is not possible here");
            }
            let model = sasp::models::iannello2013()?;
            let experiment = Experiment::new(&model).arms(neutralization_arms()?);
            let results = experiment.run()?;
            let manifest = sasp::output::Manifest::for_experiment(&experiment, &results)?;
            let targets = targets(&results)?;
            for t in &targets {
                println!(
                    "{:<3} {:<70} {:>8.3}  {:<10} {}",
                    t.id,
                    t.description,
                    t.value,
                    t.band,
                    if t.met { "met" } else { "NOT met" }
                );
            }
            let fine_experiment = experiment.clone().sample_every(sasp::plot::paper::SAMPLE_EVERY);
            let fine = fine_experiment.run()?;
            let doses = antibody_schedule().times("doses", model.initial_time())?;
            let bands = match bands {
                0 => None,
                runs if bands_over == "declared" => Some(sasp::plot::paper::declared_bands(&fine_experiment, runs)?),
                runs => Some(sasp::plot::paper::fitted_bands(&fine_experiment, runs)?),
            };
            sasp::plot::paper::write_experiment(&out, &results, &fine, &targets, &doses, bands.as_ref(), &manifest)?;
            eprintln!(
                "wrote {}/neutralization.csv, .json{}, the figures (clearance, ccl2, nk_infiltration, nk_day5; .png and .svg) and their manifests",
                out.display(),
                if bands.is_some() { ", _bands.csv" } else { "" }
            );
        }
        Command::ExportSbml { model: model_path, arm, scenario, observables, output } => {
            refuse_same_file(&output, &[Some(&model_path), scenario.as_deref(), observables.as_deref()])?;
            let model = Model::from_file(&model_path)?;
            let chosen =
                match arm {
                    Some(name) => {
                        let scenario = load_scenario(scenario.as_deref())?;
                        let known: Vec<String> = scenario.arms.iter().map(|a| a.name.clone()).collect();
                        Some(scenario.arms.into_iter().find(|a| a.name == name).ok_or_else(|| {
                            sasp::SaspError::UnknownArm { name: name.clone(), known: known.join(", ") }
                        })?)
                    }
                    None => None,
                };
            // The experiment's observables as rules when it has them (the
            // reference model's by default); a model of one's own without
            // declared observables exports its species and reactions alone.
            let experiment = match &observables {
                Some(path) => Experiment::new(&model).declare(&sasp::experiment::Declarations::from_file(path)?),
                None => Experiment::new(&model),
            };
            let text = match sasp::sbml::export_experiment(&experiment, chosen.as_ref()) {
                Err(e) if observables.is_some() => return Err(e.into()),
                Ok(text) => text,
                Err(e @ sasp::SaspError::InArm { .. }) => return Err(e.into()),
                Err(e) => {
                    eprintln!("note: no observables exported ({e})");
                    sasp::sbml::export(&model, chosen.as_ref())?
                }
            };
            let mut manifest = Manifest::new(&model, sasp::solve::Method::Auto, &Default::default())?;
            manifest.method = "none (export)".into();
            manifest.arms = chosen.iter().map(|a| a.name.clone()).collect();
            write_output(&output, text.as_bytes(), Some(&manifest))?;
            eprintln!("wrote {}", written(&output, true));
        }
        Command::Sweep { action: SweepAction::Run { spec, inputs, shard, output } } => {
            let shard = match shard {
                Some(text) => match sasp::sweep::Shard::parse(&text) {
                    Ok(s) => Some(s),
                    Err(e) => return usage(e.to_string()),
                },
                None => sasp::sweep::Shard::from_slurm()?,
            };
            let [m, s, o] = inputs.paths();
            refuse_same_file(&output, &[Some(&spec), m, s, o])?;
            let (model, scenario, declarations) = inputs.load()?;
            let experiment = experiment_of(&model, &declarations);
            let design = sasp::sweep::Design::from_file(&spec)?;
            let arm = scenario.arms.iter().find(|a| a.name == design.arm).ok_or_else(|| {
                design.error_at("arm", format!("the sweep's arm '{}' is not in the scenario", design.arm))
            })?;
            design.validate(&model)?;
            let start = std::time::Instant::now();
            let total = shard.map_or(design.len(), |s| {
                if s.index < design.len() {
                    (design.len() - s.index - 1) / s.count + 1
                } else {
                    0
                }
            });
            let bar = indicatif::ProgressBar::new(total as u64);
            bar.set_style(
                indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} runs, {elapsed} (eta {eta})")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            let result = sasp::sweep::run_in(&experiment, arm, &design, shard, &|| bar.inc(1));
            bar.finish_and_clear();
            let result = result?;
            let failures = |r: &sasp::sweep::SweepCsv| {
                let (k, reason) = r.first_failure.clone().unwrap_or_default();
                format!("{} of {} runs failed (the first, run {k}: {reason})", r.failed, r.runs)
            };
            if result.runs > 0 && result.failed == result.runs {
                return Err(Failure::Failed(format!("{}; nothing written", failures(&result))));
            }
            if result.failed > 0 {
                eprintln!("sasp: {}; their rows say why", failures(&result));
            }
            let options = sasp::solve::Options {
                rtol: design.rtol,
                atol: sasp::solve::Tolerance::Scalar(design.atol),
                ..Default::default()
            };
            let mut manifest = Manifest::new(&model, sasp::solve::Method::Auto, &options)?;
            manifest.arms = vec![arm.name.clone()];
            write_output(&output, result.csv.as_bytes(), Some(&manifest))?;
            eprintln!(
                "wrote {} ({} runs in {:.2} s)",
                written(&output, true),
                result.runs,
                start.elapsed().as_secs_f64()
            );
        }
        Command::Sweep { action: SweepAction::Merge { parts, output } } => {
            if parts.is_empty() {
                return usage("sweep merge needs at least one part");
            }
            let inputs: Vec<Option<&Path>> = parts.iter().map(|p| Some(p.as_path())).collect();
            refuse_same_file(&output, &inputs)?;
            let merged = sasp::sweep::merge(&read_parts(&parts)?)?;
            // The shards' manifests describe the runs; the merged file gets the first one's.
            let first = sasp::output::manifest_path(&parts[0]);
            let manifest = std::fs::read(&first).ok();
            if is_stdout(&output) {
                write_output(&output, merged.as_bytes(), None)?;
            } else {
                let mut staged = Staged::new();
                staged.bytes(&output, merged.as_bytes())?;
                if let Some(m) = &manifest {
                    staged.manifest_bytes(&output, m)?;
                }
                staged.commit()?;
            }
            eprintln!("wrote {}", written(&output, manifest.is_some()));
        }
        Command::Testset { problem, method, rtol, atol, repeat, n } => {
            println!("{}", sasp::testset::run(&problem, &method, rtol, atol, n, repeat)?.to_json());
        }
        Command::Gsa { spec: spec_path, inputs, shard, merge, output } => {
            let shard = match shard {
                Some(text) => match sasp::sweep::Shard::parse(&text) {
                    Ok(s) => Some(s),
                    Err(e) => return usage(e.to_string()),
                },
                None if merge.is_empty() => sasp::sweep::Shard::from_slurm()?,
                None => None,
            };
            let [m, s, o] = inputs.paths();
            let mut read = vec![Some(spec_path.as_path()), m, s, o];
            read.extend(merge.iter().map(|p| Some(p.as_path())));
            refuse_same_file(&output, &read)?;
            let (model, scenario, declarations) = inputs.load()?;
            let experiment = experiment_of(&model, &declarations);
            let spec = sasp::gsa::experiment::Spec::from_file(&spec_path)?;
            let arm = scenario.arms.iter().find(|a| a.name == spec.arm).ok_or_else(|| {
                sasp::SaspError::InvalidOptions(format!("the analysis' arm '{}' is not in the scenario", spec.arm))
            })?;
            let start = std::time::Instant::now();
            if let Some(shard) = shard {
                let csv = sasp::gsa::experiment::run_shard(&experiment, arm, &spec, shard)?;
                write_output(&output, csv.as_bytes(), None)?;
                eprintln!(
                    "wrote {} (shard {}/{}, {:.1} s)",
                    written(&output, false),
                    shard.index,
                    shard.count,
                    start.elapsed().as_secs_f64()
                );
                return Ok(());
            }
            let analysis = if merge.is_empty() {
                sasp::gsa::experiment::run(&experiment, arm, &spec)?
            } else {
                sasp::gsa::experiment::merge(&experiment, arm, &spec, &read_parts(&merge)?)?
            };
            let json = serde_json::to_string_pretty(&analysis)
                .map_err(|e| sasp::SaspError::Serialization { what: "JSON", reason: e.to_string() })?;
            write_output(&output, format!("{json}\n").as_bytes(), None)?;
            eprintln!("wrote {} ({:.1} s)", written(&output, false), start.elapsed().as_secs_f64());
        }
        Command::Petab { problem, action: PetabAction::Llh { rtol, atol } } => {
            let start = std::time::Instant::now();
            let problem = sasp::petab::Problem::from_file(&problem)?;
            let options = petab_options(rtol, atol);
            let e = problem.evaluate(&problem.nominal_values()?, sasp::solve::Method::Rodas5p, &options)?;
            let line = serde_json::json!({
                "llh": e.llh,
                "chi2": e.chi2,
                "n_data": e.n_data,
                "wall_s": start.elapsed().as_secs_f64(),
            });
            println!("{line}");
        }
        Command::Petab {
            problem,
            action: PetabAction::Gradient { rtol, atol, adjoint, no_sensitivity_error_test },
        } => {
            let start = std::time::Instant::now();
            let problem = sasp::petab::Problem::from_file(&problem)?;
            let options = sasp::solve::Options {
                sensitivity_error_test: !no_sensitivity_error_test,
                ..petab_options(rtol, atol)
            };
            let by = if adjoint { sasp::petab::Sensitivities::Adjoint } else { sasp::petab::Sensitivities::Forward };
            let g = problem.gradient_by(&problem.nominal_values()?, &options, by)?;
            let gradient: serde_json::Map<String, serde_json::Value> = g
                .parameters
                .iter()
                .zip(&g.gradient)
                .map(|(&i, &v)| (problem.parameters[i].id.clone(), serde_json::json!(v)))
                .collect();
            let line = serde_json::json!({
                "llh": g.evaluation.llh,
                "gradient": gradient,
                "wall_s": start.elapsed().as_secs_f64(),
            });
            println!("{line}");
        }
        Command::Petab {
            problem: path,
            action: PetabAction::Fit { starts, seed, hessian, adjoint, max_iterations, shard, output },
        } => {
            let shard = match shard {
                Some(text) => match sasp::sweep::Shard::parse(&text) {
                    Ok(s) => Some(s),
                    Err(e) => return usage(e.to_string()),
                },
                None => sasp::sweep::Shard::from_slurm()?,
            };
            let hessian = match sasp::petab::hessian_by_name(&hessian) {
                Ok(h) => h,
                Err(e) => return usage(e.to_string()),
            };
            let start = std::time::Instant::now();
            let problem = sasp::petab::Problem::from_file(&path)?;
            let settings = sasp::petab::FitSettings {
                starts,
                seed,
                optimizer: sasp::optimize::Settings { max_iterations, hessian, ..sasp::optimize::Settings::default() },
                sensitivities: if adjoint {
                    sasp::petab::Sensitivities::Adjoint
                } else {
                    sasp::petab::Sensitivities::Forward
                },
                ..sasp::petab::FitSettings::default()
            };
            if let Err(e) = settings.check() {
                return usage(e.to_string());
            }
            // The record (and the problem files' hash) as the fit starts.
            let record = sasp::petab::FitRecord::new(&problem, &settings, shard)?;
            let results = problem.fit(&settings, |k| shard.is_none_or(|s| k % s.count == s.index))?;
            let written = sasp::petab::write_fit(&problem, &record, &results, &output)?;
            report_fit(&output, &written, &results, start)?;
        }
        Command::Petab { problem: path, action: PetabAction::Merge { parts, output } } => {
            for part in &parts {
                if sasp::output::same_file(part, &output) {
                    return usage(format!(
                        "output '{}' is the part '{}': refusing to overwrite an input",
                        output.display(),
                        part.display()
                    ));
                }
            }
            let start = std::time::Instant::now();
            let problem = sasp::petab::Problem::from_file(&path)?;
            let parts =
                parts.iter().map(|dir| sasp::petab::FitPart::read(&problem, dir)).collect::<sasp::Result<Vec<_>>>()?;
            let (record, results) = sasp::petab::merge_fit(&problem, &parts)?;
            let written = sasp::petab::write_fit(&problem, &record, &results, &output)?;
            report_fit(&output, &written, &results, start)?;
        }
        Command::Petab { problem: path, action: PetabAction::Profile { starts, seed, max_steps, output } } => {
            use rayon::prelude::*;
            let start = std::time::Instant::now();
            let problem = sasp::petab::Problem::from_file(&path)?;
            let fit = sasp::petab::FitSettings { starts, seed, ..sasp::petab::FitSettings::default() };
            let results = problem.fit(&fit, |_| true)?;
            let best = results
                .first()
                .filter(|r| r.llh.is_finite())
                .ok_or_else(|| sasp::SaspError::InvalidOptions("no start of the fit could be evaluated".into()))?;
            let (rows, _, _) = problem.estimated_box()?;
            let settings = sasp::petab::ProfileSettings { max_steps, ..sasp::petab::ProfileSettings::default() };
            let profiles = (0..rows.len())
                .into_par_iter()
                .map(|j| problem.profile(j, &best.parameters, best.llh, &settings))
                .collect::<sasp::Result<Vec<_>>>()?;
            let written = sasp::petab::write_profiles(&problem, &fit, &settings, best, &profiles, &output)?;
            for note in &written.notes {
                eprintln!("note: {note}");
            }
            let identifiable = profiles.iter().filter(|p| p.interval.0.is_some() && p.interval.1.is_some()).count();
            let line = serde_json::json!({
                "best_llh": best.llh,
                "parameters": rows.len(),
                "identifiable": identifiable,
                "wall_s": start.elapsed().as_secs_f64(),
            });
            eprintln!(
                "wrote {}/{{profiles.tsv, intervals.tsv}} with their manifests and a plot per parameter (.png, .svg)",
                output.display()
            );
            println!("{line}");
        }
        Command::Petab { problem: path, action: PetabAction::Simulate { output } } => {
            refuse_same_file(&output, &[Some(&path)])?;
            let problem = sasp::petab::Problem::from_file(&path)?;
            let e = problem.evaluate_nominal()?;
            write_output(&output, problem.simulation_table(&e).as_bytes(), None)?;
            eprintln!("wrote {}", written(&output, false));
        }
        Command::SbmlCase { dir, output, trajectories, seed } => {
            let settings_path = sasp::sbml::suite::case_file(&dir, "settings.txt");
            refuse_same_file(&output, &[Some(&settings_path)])?;
            // The case's description says whether it is stochastic.
            let description =
                std::fs::read_to_string(sasp::sbml::suite::case_file(&dir, "model.m")).unwrap_or_default();
            let stochastic = description.lines().any(|l| {
                l.split_once(':').is_some_and(|(k, v)| {
                    k.trim() == "testType" && matches!(v.trim(), "StochasticTimeCourse" | "StatisticalDistribution")
                })
            });
            let table = if stochastic {
                if trajectories == 0 {
                    return usage("--trajectories must be at least 1");
                }
                let settings = sasp::sbml::stochastic::StochasticSettings::read(&settings_path)?;
                let options = sasp::ssa::Options { seed, ..sasp::ssa::Options::default() };
                sasp::sbml::stochastic::simulate_stochastic_case(&dir, &settings, trajectories, &options)?
            } else {
                let settings = sasp::sbml::suite::CaseSettings::read(&settings_path)?;
                sasp::sbml::simulate_case(&dir, &settings)?
            };
            if is_stdout(&output) {
                write_output(&output, table.to_csv().as_bytes(), None)?;
            } else {
                table.write_csv(&output)?;
            }
            eprintln!("wrote {} ({} rows)", written(&output, false), table.rows.len());
        }
        Command::FluxBalance { model, output, fva, bounds } => {
            refuse_same_file(&output, &[Some(&model)])?;
            let started = std::time::Instant::now();
            let doc = sasp::sbml::read::read_file(&model)?;
            let mut fba = sasp::sbml::flux_balance(&doc, &model.display().to_string())?;
            for b in &bounds {
                let parsed = b.split_once('=').and_then(|(id, range)| {
                    let (l, u) = range.split_once(':')?;
                    Some((id.trim(), l.trim().parse::<f64>().ok()?, u.trim().parse::<f64>().ok()?))
                });
                let Some((id, lower, upper)) = parsed else {
                    return usage(format!("--bounds '{b}': expected ID=LOWER:UPPER"));
                };
                fba.set_bounds(id, lower, upper)?;
            }
            let read_s = started.elapsed().as_secs_f64();
            let solved = std::time::Instant::now();
            let outcome = fba.solve()?;
            let solve_s = solved.elapsed().as_secs_f64();
            let best = match outcome {
                sasp::flux_balance::FluxOutcome::Optimal(best) => best,
                other => {
                    let status =
                        if other == sasp::flux_balance::FluxOutcome::Infeasible { "infeasible" } else { "unbounded" };
                    let summary = serde_json::json!({ "status": status, "read_s": read_s, "solve_s": solve_s });
                    if is_stdout(&output) {
                        eprintln!("{summary}");
                    } else {
                        println!("{summary}");
                    }
                    return Err(sasp::SaspError::LinearProgram(format!("the problem is {status}: no optimum")).into());
                }
            };
            let varied = std::time::Instant::now();
            let ranges = fva.map(|f| fba.flux_variability(f)).transpose()?;
            let fva_s = varied.elapsed().as_secs_f64();
            let mut csv = String::from(if ranges.is_some() { "reaction,flux,min,max\n" } else { "reaction,flux\n" });
            for (j, name) in best.reactions.iter().enumerate() {
                csv.push_str(&format!("{name},{}", best.fluxes[j]));
                if let Some(r) = &ranges {
                    csv.push_str(&format!(",{},{}", r[j].min, r[j].max));
                }
                csv.push('\n');
            }
            write_output(&output, csv.as_bytes(), None)?;
            let summary = serde_json::json!({
                "status": "optimal",
                "objective": best.objective_name,
                "value": best.objective,
                "reactions": best.reactions.len(),
                "metabolites": fba.metabolite_names().count(),
                "residual": best.residual,
                "read_s": read_s,
                "solve_s": solve_s,
                "fva_s": ranges.as_ref().map(|_| fva_s),
            });
            if is_stdout(&output) {
                eprintln!("{summary}");
            } else {
                println!("{summary}");
                eprintln!("wrote {}", written(&output, false));
            }
        }
        Command::SbmlTestSuite { dir, report: report_path, expected, write_expected, threads } => {
            if threads == Some(0) {
                return usage("--threads must be at least 1");
            }
            let expected_text = match &expected {
                Some(path) => Some(
                    std::fs::read_to_string(path)
                        .map_err(|source| sasp::SaspError::from(sasp::FileError::io(path, source)))?,
                ),
                None => None,
            };
            let simulate =
                |dir: &Path, settings: &sasp::sbml::suite::CaseSettings| sasp::sbml::simulate_case(dir, settings);
            let report = sasp::sbml::suite::run_suite(&dir, &simulate, threads)?;
            print!("{}", report.summary());
            if let Some(path) = &report_path {
                sasp::output::write_atomic(path, report.to_json()?.as_bytes())?;
                eprintln!("wrote {}", path.display());
            }
            if let Some(path) = &write_expected {
                sasp::output::write_atomic(path, report.outcomes_text().as_bytes())?;
                eprintln!("wrote {}", path.display());
            }
            if let (Some(text), Some(path)) = (&expected_text, &expected) {
                let improved = sasp::sbml::suite::improvements(&report, text);
                if !improved.is_empty() {
                    println!("improvements over {} (regenerate it with --write-expected):", path.display());
                    for line in &improved {
                        println!("  {line}");
                    }
                }
                let regressions = sasp::sbml::suite::compare_expected(&report, text);
                if !regressions.is_empty() {
                    return Err(Failure::Failed(format!(
                        "{} regression(s) against {}:\n  {}",
                        regressions.len(),
                        path.display(),
                        regressions.join("\n  ")
                    )));
                }
                eprintln!("no regressions against {}", path.display());
            }
        }
    }
    Ok(())
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Usage(message)) => {
            eprintln!("sasp: {message}");
            ExitCode::from(2)
        }
        Err(Failure::Work(e)) => {
            eprintln!("sasp: {e}");
            if e.is_unsupported() {
                ExitCode::from(3)
            } else {
                ExitCode::FAILURE
            }
        }
        Err(Failure::Failed(message)) => {
            eprintln!("sasp: {message}");
            ExitCode::FAILURE
        }
    }
}
