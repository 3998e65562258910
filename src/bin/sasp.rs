//! The `sasp` command line: run experiments, simulate scenarios, export SBML,
//! and run the solver test set. Errors go to standard error; the exit code is
//! 0 on success, 1 when the work failed, 2 when the command line is wrong.

use clap::{Parser, Subcommand};
use sasp::experiment::paper::{antibody_schedule, neutralization_arms, targets};
use sasp::experiment::Experiment;
use sasp::intervene::Scenario;
use sasp::model::Model;
use sasp::output::{experiment_csv, experiment_json, write_with_manifest, Manifest};
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
        #[arg(long)]
        model: Option<PathBuf>,
        /// Scenario file with the arms (TOML); the paper's arms when omitted.
        #[arg(long)]
        scenario: Option<PathBuf>,
        /// Output file: `.csv` or `.json`.
        #[arg(short, long)]
        output: PathBuf,
    },
    /// Run one of the paper's experiments and write its tables and plots.
    Experiment {
        /// Which experiment (`neutralization`).
        name: String,
        /// Output folder.
        #[arg(long, default_value = "out")]
        out: PathBuf,
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
        /// Output file.
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
        /// Problem: robertson, robertson-long, hires, pollution, vdp, arenstorf, brusselator2d, keller-segel.
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
        /// Grid size of the grid problems (brusselator2d, keller-segel).
        #[arg(long)]
        n: Option<usize>,
    },
}

#[derive(Subcommand)]
enum SweepAction {
    /// Run a sweep spec (or one shard of it) and write one CSV row per run.
    Run {
        /// Sweep spec (TOML; see `sasp::sweep`).
        spec: PathBuf,
        /// Model file; the reference model when omitted.
        #[arg(long)]
        model: Option<PathBuf>,
        /// Scenario holding the arm; the paper's arms when omitted.
        #[arg(long)]
        scenario: Option<PathBuf>,
        /// Run only shard i of n (`i/n`, 0-based); read from SLURM_ARRAY_TASK_ID and
        /// SLURM_ARRAY_TASK_COUNT when absent.
        #[arg(long)]
        shard: Option<String>,
        /// Output CSV.
        #[arg(short, long)]
        output: PathBuf,
    },
    /// Join shard outputs into the file an unsharded run writes.
    Merge {
        /// Shard CSVs.
        parts: Vec<PathBuf>,
        /// Output CSV.
        #[arg(short, long)]
        output: PathBuf,
    },
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

fn run(cli: Cli) -> sasp::Result<()> {
    match cli.command {
        Command::Simulate { model, scenario, output } => {
            let model = load_model(model.as_deref())?;
            let scenario = load_scenario(scenario.as_deref())?;
            let experiment = Experiment::from_scenario(&model, &scenario);
            let results = experiment.run()?;
            let text = match output.extension().and_then(|e| e.to_str()) {
                Some("csv") => experiment_csv(&results),
                Some("json") => experiment_json(&results, &[])?,
                _ => {
                    return Err(sasp::SaspError::InvalidOptions(format!(
                        "output '{}' must end in .csv or .json",
                        output.display()
                    )))
                }
            };
            write_with_manifest(&output, text.as_bytes(), &experiment.manifest(&results)?)?;
            eprintln!("wrote {} ({} arms) and its manifest", output.display(), results.len());
        }
        Command::Experiment { name, out } => {
            if name != "neutralization" {
                return Err(sasp::SaspError::InvalidOptions(format!(
                    "unknown experiment '{name}' (known: neutralization)"
                )));
            }
            let model = sasp::models::iannello2013()?;
            let experiment = Experiment::new(&model).arms(neutralization_arms()?);
            let results = experiment.run()?;
            let manifest = experiment.manifest(&results)?;
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
            write_with_manifest(&out.join("neutralization.csv"), experiment_csv(&results).as_bytes(), &manifest)?;
            write_with_manifest(
                &out.join("neutralization.json"),
                experiment_json(&results, &targets)?.as_bytes(),
                &manifest,
            )?;
            let fine = experiment.clone().sample_every(sasp::plot::paper::SAMPLE_EVERY).run()?;
            let doses = antibody_schedule().times("doses", model.initial_time())?;
            sasp::plot::paper::draw_all(&fine, &doses, |name| out.join(name))?;
            for plot in sasp::plot::paper::FILES {
                sasp::output::write_manifest(&out.join(plot), &manifest)?;
            }
            eprintln!(
                "wrote {}/neutralization.csv, .json, the figures (clearance, ccl2, nk_infiltration, nk_day5; .png and .svg) and their manifests",
                out.display()
            );
        }
        Command::ExportSbml { model, arm, scenario, output } => {
            let model = Model::from_file(&model)?;
            let chosen = match arm {
                Some(name) => {
                    let scenario = load_scenario(scenario.as_deref())?;
                    let known: Vec<String> = scenario.arms.iter().map(|a| a.name.clone()).collect();
                    Some(scenario.arms.into_iter().find(|a| a.name == name).ok_or_else(|| {
                        sasp::SaspError::InvalidOptions(format!("no arm '{name}' (known: {})", known.join(", ")))
                    })?)
                }
                None => None,
            };
            let text = sasp::sbml::export(&model, chosen.as_ref())?;
            let mut manifest = Manifest::new(&model, sasp::solve::Method::Auto, &Default::default())?;
            manifest.method = "none (export)".into();
            manifest.arms = chosen.iter().map(|a| a.name.clone()).collect();
            write_with_manifest(&output, text.as_bytes(), &manifest)?;
            eprintln!("wrote {} and its manifest", output.display());
        }
        Command::Sweep { action: SweepAction::Run { spec, model, scenario, shard, output } } => {
            let model = load_model(model.as_deref())?;
            let design = sasp::sweep::Design::from_file(&spec)?;
            let scenario = load_scenario(scenario.as_deref())?;
            let arm = scenario.arms.iter().find(|a| a.name == design.arm).ok_or_else(|| {
                sasp::SaspError::InvalidOptions(format!("the sweep's arm '{}' is not in the scenario", design.arm))
            })?;
            let shard = match shard {
                Some(text) => Some(sasp::sweep::Shard::parse(&text)?),
                None => sasp::sweep::Shard::from_slurm()?,
            };
            let start = std::time::Instant::now();
            let total = shard.map_or(design.len(), |s| (design.len() + s.count - 1 - s.index) / s.count);
            let bar = indicatif::ProgressBar::new(total as u64);
            bar.set_style(
                indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} runs, {elapsed} (eta {eta})")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            let csv = sasp::sweep::run_with_progress(&model, arm, &design, shard, &|| bar.inc(1))?;
            bar.finish_and_clear();
            let options = sasp::solve::Options {
                rtol: design.rtol,
                atol: sasp::solve::Tolerance::Scalar(design.atol),
                ..Default::default()
            };
            let mut manifest = Manifest::new(&model, sasp::solve::Method::Auto, &options)?;
            manifest.arms = vec![arm.name.clone()];
            write_with_manifest(&output, csv.as_bytes(), &manifest)?;
            eprintln!(
                "wrote {} ({} runs in {:.2} s)",
                output.display(),
                csv.lines().count().saturating_sub(1),
                start.elapsed().as_secs_f64()
            );
        }
        Command::Sweep { action: SweepAction::Merge { parts, output } } => {
            let texts = parts
                .iter()
                .map(|p| std::fs::read_to_string(p).map_err(|source| sasp::SaspError::Io { path: p.clone(), source }))
                .collect::<sasp::Result<Vec<_>>>()?;
            sasp::output::write_atomic(&output, sasp::sweep::merge(&texts)?.as_bytes())?;
            // The shards' manifests describe the runs; the merged file gets the first one's.
            let mut first = parts[0].as_os_str().to_owned();
            first.push(".manifest.json");
            if let Ok(text) = std::fs::read_to_string(&first) {
                let mut name = output.as_os_str().to_owned();
                name.push(".manifest.json");
                sasp::output::write_atomic(Path::new(&name), text.as_bytes())?;
            }
            eprintln!("wrote {}", output.display());
        }
        Command::Testset { problem, method, rtol, atol, repeat, n } => {
            println!("{}", sasp::testset::run(&problem, &method, rtol, atol, n, repeat)?.to_json());
        }
    }
    Ok(())
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("sasp: {e}");
            ExitCode::FAILURE
        }
    }
}
