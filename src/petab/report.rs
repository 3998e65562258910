//! A fit's and a profile's results written to a folder, and shards of a
//! fit merged.
//!
//! [`write_fit`] writes `starts.tsv` (every start, best first) with its
//! manifest and, with the `plot` feature, the waterfall, parameter and
//! fit-versus-data plots (`.png` and `.svg`); [`write_profiles`] writes
//! `profiles.tsv` and `intervals.tsv` with their manifests and a plot per
//! parameter. Every file of one call appears together or not at all
//! ([`Staged`]), except a plot that fails to draw, which is left out with a
//! note (the tables are written all the same); a plot of an earlier run
//! that this one does not draw is removed, so the folder never mixes two
//! runs.
//!
//! A fit's manifest ([`FitRecord`]) records what decides its starts: the
//! problem (a hash of its files' bytes), the seed, the number of starts,
//! the optimizer's settings (Hessian model, iterations, tolerances), the
//! integration's tolerances, and the shard. [`merge_fit`] joins the
//! `starts.tsv` of shard runs into exactly the table an unsharded run
//! writes, after checking that the parts are of one fit of this problem
//! and together hold every start once.

use super::{FitSettings, Problem, Profile, ProfileSettings, StartResult, CHI2_95};
use crate::error::{FileError, Result, SaspError};
use crate::optimize::Hessian;
use crate::output::{fnv1a, manifest_path, Manifest, Staged};
use crate::sweep::Shard;
use serde_json::{json, Map, Value as Json};
use std::path::{Path, PathBuf};

/// The table of a fit's starts in its folder.
pub const STARTS_FILE: &str = "starts.tsv";
/// The table of every profile's points in a profile's folder.
pub const PROFILES_FILE: &str = "profiles.tsv";
/// The table of the 95 % intervals in a profile's folder.
pub const INTERVALS_FILE: &str = "intervals.tsv";
/// The plots a fit's folder may hold (each as `.png` and `.svg`).
pub const FIT_PLOTS: [&str; 3] = ["waterfall", "parameters", "fit"];
/// Starts whose `log L` is within this of the best one's are drawn as the
/// best (½ χ²₁'s 95 % quantile, as pyPESTO's default).
pub const BEST_STARTS_WITHIN: f64 = CHI2_95 / 2.0;
/// Time points of each simulated curve of the fit-versus-data plot.
pub const CURVE_POINTS: usize = 300;

/// What a write put in the folder, and what it left out and why.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Written {
    /// The files written (tables, manifests, plots).
    pub files: Vec<PathBuf>,
    /// Notes for the user: plots not drawn and why, data not shown.
    pub notes: Vec<String>,
}

/// The name of a Hessian model as `--hessian` takes it (the inverse of
/// [`super::hessian_by_name`]).
pub fn hessian_name(hessian: Hessian) -> &'static str {
    match hessian {
        Hessian::Given => "fisher",
        Hessian::Bfgs => "bfgs",
    }
}

impl Problem {
    /// The problem's name: its YAML file's name without the extension (the
    /// benchmark collection's problem id).
    pub fn name(&self) -> String {
        self.path.file_stem().map_or_else(|| self.path.display().to_string(), |s| s.to_string_lossy().into_owned())
    }

    /// The files of the problem: the YAML file, the SBML model and every
    /// table, in that order.
    pub fn source_files(&self) -> Result<Vec<PathBuf>> {
        let text = std::fs::read_to_string(&self.path).map_err(|e| FileError::io(&self.path, e))?;
        let files = super::Files::from_yaml(&text, &self.path)?;
        let dir = self.path.parent().unwrap_or(Path::new("."));
        let tables =
            files.parameters.iter().chain(&files.conditions).chain(&files.observables).chain(&files.measurements);
        Ok(std::iter::once(self.path.clone())
            .chain(std::iter::once(dir.join(&files.sbml)))
            .chain(tables.map(|f| dir.join(f)))
            .collect())
    }

    /// FNV-1a hash of the problem's files ([`Problem::source_files`]): each
    /// file's length (8 bytes, little-endian) then its bytes. The same
    /// files, wherever they lie, give the same hash.
    pub fn fingerprint(&self) -> Result<String> {
        let mut bytes = Vec::new();
        for path in self.source_files()? {
            let content = std::fs::read(&path).map_err(|e| FileError::io(&path, e))?;
            bytes.extend_from_slice(&(content.len() as u64).to_le_bytes());
            bytes.extend_from_slice(&content);
        }
        Ok(fnv1a(&bytes))
    }

    /// A manifest of an output computed from this problem by likelihoods
    /// and their gradients (BDF with forward sensitivities) at `rtol` and
    /// `atol`: `model` is [`Problem::name`], `model_hash` its
    /// [`Problem::fingerprint`], `parameters` the nominal values (null where
    /// the table has none), and `problem` the YAML file's path.
    pub fn manifest(&self, rtol: f64, atol: f64) -> Result<Manifest> {
        Ok(self.manifest_hashed(rtol, atol, self.fingerprint()?))
    }

    /// [`Problem::manifest`] with the problem's hash already computed.
    fn manifest_hashed(&self, rtol: f64, atol: f64, model_hash: String) -> Manifest {
        let mut manifest = Manifest {
            sasp_version: env!("CARGO_PKG_VERSION").to_string(),
            command: std::env::args().collect(),
            model: self.name(),
            model_hash,
            parameters: self.parameters.iter().map(|p| (p.id.clone(), p.nominal)).collect(),
            arms: Vec::new(),
            method: "bdf".to_string(),
            rtol,
            atol,
            solver_stats: Vec::new(),
            extra: Default::default(),
        };
        manifest.extra.insert("problem".into(), json!(self.path.display().to_string()));
        manifest
    }

    /// The estimated parameters' ids, in the order of the start points.
    fn estimated_ids(&self) -> Result<Vec<String>> {
        let (rows, _, _) = self.estimated_box()?;
        Ok(rows.iter().map(|&i| self.parameters[i].id.clone()).collect())
    }

    /// The parameter table's values with the estimated ones at `x` (on
    /// their scales).
    pub fn values_at(&self, x: &[f64]) -> Result<Vec<f64>> {
        let (rows, _, _) = self.estimated_box()?;
        if x.len() != rows.len() {
            return Err(SaspError::DimensionMismatch {
                what: "estimated parameters",
                expected: rows.len(),
                found: x.len(),
            });
        }
        let mut values = self.nominal_values()?;
        for (&i, &xi) in rows.iter().zip(x) {
            values[i] = self.parameters[i].scale.to_linear(xi);
        }
        Ok(values)
    }
}

/// What decides a multistart fit's starts, as its manifest records it (the
/// `fit` object, and `model_hash`, `rtol`, `atol`): two shards are parts of
/// one fit when all of it but the shard agrees.
#[derive(Clone, Debug, PartialEq)]
pub struct FitRecord {
    /// [`Problem::fingerprint`] of the problem fitted.
    pub model_hash: String,
    /// The integration's relative tolerance.
    pub rtol: f64,
    /// The integration's absolute tolerance.
    pub atol: f64,
    /// The seed of the start points.
    pub seed: u64,
    /// The number of starts of the whole fit (all shards).
    pub starts: usize,
    /// The shard this run did (`None`: every start).
    pub shard: Option<Shard>,
    /// The manifest's `fit` object without `shard`: `seed`, `starts`,
    /// `optimizer` (the method's name), `hessian` (`fisher` or `bfgs`),
    /// `sensitivities` (`forward` or `adjoint`), `max_iterations`, `initial_radius`,
    /// `gradient_tolerance`, `value_tolerance`, `step_tolerance` and
    /// `estimated` (the parameters' ids, in the table's column order).
    pub settings: Map<String, Json>,
}

/// The optimizer a fit's record names (so that parts of fits by another
/// method, from an earlier version, are not merged with this one's).
const OPTIMIZER: &str = "interior reflective trust region (Coleman-Li)";

impl FitRecord {
    /// The record of a fit of `problem` with `settings`, of `shard` (if any).
    pub fn new(problem: &Problem, settings: &FitSettings, shard: Option<Shard>) -> Result<FitRecord> {
        let o = &settings.optimizer;
        let atol = settings.options.atol.largest();
        let fit = json!({
            "seed": settings.seed,
            "starts": settings.starts,
            "optimizer": OPTIMIZER,
            "hessian": hessian_name(o.hessian),
            "sensitivities": match settings.sensitivities {
                super::Sensitivities::Forward => "forward",
                super::Sensitivities::Adjoint => "adjoint",
            },
            "max_iterations": o.max_iterations,
            "initial_radius": o.initial_radius,
            "gradient_tolerance": o.gradient_tolerance,
            "value_tolerance": o.value_tolerance,
            "step_tolerance": o.step_tolerance,
            "estimated": problem.estimated_ids()?,
        });
        let Json::Object(settings_map) = fit else { unreachable!("json! of an object is an object") };
        Ok(FitRecord {
            model_hash: problem.fingerprint()?,
            rtol: settings.options.rtol,
            atol,
            seed: settings.seed,
            starts: settings.starts,
            shard,
            settings: settings_map,
        })
    }

    /// The manifest of the fit's `starts.tsv`.
    pub fn manifest(&self, problem: &Problem) -> Manifest {
        let mut manifest = problem.manifest_hashed(self.rtol, self.atol, self.model_hash.clone());
        let mut fit = self.settings.clone();
        fit.insert("shard".into(), self.shard.map_or(Json::Null, |s| json!(format!("{}/{}", s.index, s.count))));
        manifest.extra.insert("fit".into(), Json::Object(fit));
        manifest
    }

    /// Reads the record from the manifest text `text` of a fit's
    /// `starts.tsv` (`path` names it in errors).
    pub fn from_manifest(path: &Path, text: &str) -> Result<FitRecord> {
        let bad = |message: String| {
            SaspError::from(FileError::Syntax { path: path.to_path_buf(), line: 1, column: 1, message })
        };
        let json: Json = serde_json::from_str(text).map_err(|e| bad(format!("not a manifest: {e}")))?;
        let number = |value: &Json, key: &str| {
            value[key].as_f64().ok_or_else(|| bad(format!("'{key}' is missing or not a number")))
        };
        let model_hash = json["model_hash"].as_str().ok_or_else(|| bad("'model_hash' is missing".into()))?.to_string();
        let (rtol, atol) = (number(&json, "rtol")?, number(&json, "atol")?);
        let Some(fit) = json["fit"].as_object() else {
            return Err(bad("no 'fit' object: not the manifest of a fit's starts.tsv".into()));
        };
        let count = |key: &str| {
            fit.get(key).and_then(Json::as_u64).ok_or_else(|| bad(format!("fit '{key}' is missing or not a count")))
        };
        let (seed, starts) = (count("seed")?, count("starts")?);
        let shard = match fit.get("shard") {
            None | Some(Json::Null) => None,
            Some(Json::String(s)) => Some(Shard::parse(s).map_err(|e| bad(format!("fit 'shard': {e}")))?),
            Some(other) => return Err(bad(format!("fit 'shard' is {other}, not \"i/n\" or null"))),
        };
        let mut settings = fit.clone();
        settings.remove("shard");
        // Fits recorded before adjoint fits existed were by forward sensitivities.
        settings.entry("sensitivities").or_insert_with(|| json!("forward"));
        Ok(FitRecord {
            model_hash,
            rtol,
            atol,
            seed,
            starts: usize::try_from(starts)
                .ok()
                .filter(|&n| (1..=super::MAX_STARTS).contains(&n))
                .ok_or_else(|| bad(format!("{starts} starts (a fit has 1 to {})", super::MAX_STARTS)))?,
            shard,
            settings,
        })
    }

    /// How `other` differs from this record in what decides the starts
    /// (everything but the shard), or `None`.
    fn difference(&self, other: &FitRecord) -> Option<String> {
        if self.model_hash != other.model_hash {
            return Some(format!("problem hash {} against {}", self.model_hash, other.model_hash));
        }
        let mut keys: Vec<&String> = self.settings.keys().chain(other.settings.keys()).collect();
        keys.sort();
        keys.dedup();
        let show = |v: Option<&Json>| v.map_or_else(|| "none".to_string(), |v| v.to_string());
        for key in keys {
            let (a, b) = (self.settings.get(key), other.settings.get(key));
            if a != b {
                let label = if key == "hessian" { "Hessian model" } else { key.as_str() };
                return Some(format!("{label} {} against {}", show(a), show(b)));
            }
        }
        if self.rtol.to_bits() != other.rtol.to_bits() || self.atol.to_bits() != other.atol.to_bits() {
            return Some(format!(
                "integration tolerances rtol {} atol {} against rtol {} atol {}",
                self.rtol, self.atol, other.rtol, other.atol
            ));
        }
        None
    }
}

/// The header of a fit's `starts.tsv`: `start, llh, converged, stop,
/// iterations, evaluations, wall_s`, then each estimated parameter's id.
pub fn starts_header(problem: &Problem) -> Result<String> {
    let mut header = String::from("start\tllh\tconverged\tstop\titerations\tevaluations\twall_s");
    for id in problem.estimated_ids()? {
        header.push('\t');
        header.push_str(&id);
    }
    Ok(header)
}

/// A fit's `starts.tsv`: one row per start in the order given (a fit's
/// results are best first), the end point's parameters on their scales;
/// numbers in Rust's shortest round-trip form (`-inf` for a start that
/// failed), tabs and line breaks in the stop reason replaced by spaces.
pub fn starts_table(problem: &Problem, results: &[StartResult]) -> Result<String> {
    let mut table = starts_header(problem)?;
    table.push('\n');
    for r in results {
        table.push_str(&format!(
            "{}\t{}\t{}\t{}\t{}\t{}\t{}",
            r.start,
            r.llh,
            r.converged,
            r.stop.replace(['\t', '\n', '\r'], " "),
            r.iterations,
            r.evaluations,
            r.wall_s
        ));
        for x in &r.parameters {
            table.push_str(&format!("\t{x}"));
        }
        table.push('\n');
    }
    Ok(table)
}

/// The starts of a fit's `starts.tsv` text `text` (read from `path`) of the
/// fit `record` describes: every row checked (its fields, a start of the
/// record's shard below its number of starts); each start point recomputed
/// from the seed.
pub fn read_starts(problem: &Problem, record: &FitRecord, path: &Path, text: &str) -> Result<Vec<StartResult>> {
    let at = |line: usize, message: String| {
        SaspError::from(FileError::Syntax { path: path.to_path_buf(), line, column: 1, message })
    };
    let header = starts_header(problem)?;
    let body = text.strip_suffix('\n').unwrap_or(text);
    let mut lines = body.split('\n').enumerate().map(|(k, l)| (k + 1, l));
    match lines.next() {
        Some((_, first)) if first == header => {}
        _ => {
            return Err(at(
                1,
                format!("the header is not that of a fit of this problem ('{}')", header.replace('\t', " ")),
            ))
        }
    }
    let fields = header.split('\t').count();
    let mut results = Vec::new();
    for (line, row) in lines {
        if row.is_empty() {
            return Err(at(line, "an empty row".into()));
        }
        let cells: Vec<&str> = row.split('\t').collect();
        if cells.len() != fields {
            return Err(at(
                line,
                format!("a row of {} fields, the header has {fields} (a row cut short?)", cells.len()),
            ));
        }
        // Finite numbers, but for the −∞ log-likelihood of a failed start.
        let number = |k: usize| -> Result<f64> {
            cells[k].parse::<f64>().ok().filter(|v| v.is_finite() || (k == 1 && *v == f64::NEG_INFINITY)).ok_or_else(
                || at(line, format!("{} '{}' is not a number", header.split('\t').nth(k).unwrap_or(""), cells[k])),
            )
        };
        let count = |k: usize| -> Result<usize> {
            cells[k].parse::<usize>().map_err(|_| {
                at(line, format!("{} '{}' is not a count", header.split('\t').nth(k).unwrap_or(""), cells[k]))
            })
        };
        let start = count(0)?;
        if start >= record.starts {
            return Err(at(line, format!("start {start} is not below the fit's {} starts", record.starts)));
        }
        if let Some(s) = record.shard {
            if start % s.count != s.index {
                return Err(at(line, format!("start {start} is not of shard {}/{}", s.index, s.count)));
            }
        }
        let converged = match cells[2] {
            "true" => true,
            "false" => false,
            other => return Err(at(line, format!("converged '{other}' is neither true nor false"))),
        };
        results.push(StartResult {
            start,
            initial: problem.start_point(start, record.seed)?,
            parameters: (7..fields).map(number).collect::<Result<_>>()?,
            llh: number(1)?,
            iterations: count(4)?,
            evaluations: count(5)?,
            converged,
            stop: cells[3].to_string(),
            wall_s: number(6)?,
        });
    }
    Ok(results)
}

/// One shard's output folder, read back: its record and starts.
#[derive(Clone, Debug, PartialEq)]
pub struct FitPart {
    /// The folder.
    pub dir: PathBuf,
    /// What its manifest records.
    pub record: FitRecord,
    /// Its starts, in the table's order.
    pub results: Vec<StartResult>,
}

impl FitPart {
    /// Reads `dir/starts.tsv` and its manifest (a part without a manifest
    /// is refused: nothing would tell which fit it belongs to).
    pub fn read(problem: &Problem, dir: &Path) -> Result<FitPart> {
        let table = dir.join(STARTS_FILE);
        let manifest = manifest_path(&table);
        let text = super::table::read_text(&table)?;
        let manifest_text = match super::table::read_text(&manifest) {
            Ok(t) => t,
            Err(SaspError::File(FileError::Io { source, .. })) if source.kind() == std::io::ErrorKind::NotFound => {
                return Err(SaspError::InvalidOptions(format!(
                    "{} has no manifest ({}): nothing tells which fit it is part of",
                    table.display(),
                    manifest.display()
                )))
            }
            Err(e) => return Err(e),
        };
        let record = FitRecord::from_manifest(&manifest, &manifest_text)?;
        let results = read_starts(problem, &record, &table, &text)?;
        Ok(FitPart { dir: dir.to_path_buf(), record, results })
    }
}

/// Joins the parts of a sharded fit of `problem` into the starts of the
/// whole fit, best first (ties by start), as [`Problem::fit`] returns them,
/// and the whole fit's record (no shard). Refused: no parts, a folder given
/// twice, a part of another problem (its files' hash differs from
/// `problem`'s) or of another fit (seed, number of starts, Hessian model,
/// iterations, tolerances), a start in two parts, and starts in none
/// (named).
pub fn merge_fit(problem: &Problem, parts: &[FitPart]) -> Result<(FitRecord, Vec<StartResult>)> {
    let Some(first) = parts.first() else {
        return Err(SaspError::InvalidOptions("no parts to merge".into()));
    };
    for (j, part) in parts.iter().enumerate() {
        if parts[..j].iter().any(|p| p.dir == part.dir || crate::output::same_file(&p.dir, &part.dir)) {
            return Err(SaspError::InvalidOptions(format!("part '{}' is given twice", part.dir.display())));
        }
    }
    let own = problem.fingerprint()?;
    for part in parts {
        if part.record.model_hash != own {
            return Err(SaspError::InvalidOptions(format!(
                "part '{}' is a fit of another problem than {} (its files' hash {} against {own})",
                part.dir.display(),
                problem.path.display(),
                part.record.model_hash
            )));
        }
        if let Some(what) = first.record.difference(&part.record) {
            return Err(SaspError::InvalidOptions(format!(
                "parts '{}' and '{}' are not parts of one fit: {what}",
                first.dir.display(),
                part.dir.display()
            )));
        }
    }
    let starts = first.record.starts;
    let mut owner: Vec<Option<usize>> = vec![None; starts];
    for (n, part) in parts.iter().enumerate() {
        for r in &part.results {
            if r.start >= starts {
                return Err(SaspError::InvalidOptions(format!(
                    "part '{}' holds start {}, beyond the fit's {starts}",
                    part.dir.display(),
                    r.start
                )));
            }
            if let Some(m) = owner[r.start] {
                return Err(SaspError::InvalidOptions(format!(
                    "start {} is in both '{}' and '{}' (a shard given twice?)",
                    r.start,
                    parts[m].dir.display(),
                    part.dir.display()
                )));
            }
            owner[r.start] = Some(n);
        }
    }
    let missing: Vec<usize> = (0..starts).filter(|&k| owner[k].is_none()).collect();
    if !missing.is_empty() {
        let shown: Vec<String> = missing.iter().take(20).map(usize::to_string).collect();
        let more = if missing.len() > 20 { format!(" and {} more", missing.len() - 20) } else { String::new() };
        return Err(SaspError::InvalidOptions(format!(
            "{} of the fit's {starts} starts are in no part: {}{more} (a shard not given?)",
            missing.len(),
            shown.join(", ")
        )));
    }
    let mut results: Vec<StartResult> = parts.iter().flat_map(|p| p.results.iter().cloned()).collect();
    // As Problem::fit orders its results.
    super::fit::best_first(&mut results);
    Ok((FitRecord { shard: None, ..first.record.clone() }, results))
}

/// Writes a fit's results to the folder `dir` (created if needed):
/// `starts.tsv` (every start in the order given, best first from
/// [`Problem::fit`] or [`merge_fit`]) with its manifest (`record`'s), and
/// with the `plot` feature `waterfall`, `parameters` and `fit` as `.png`
/// and `.svg`. Plots need a start with a finite likelihood (the fit plot,
/// a measurement at a finite time and a simulation that succeeds); those
/// that cannot be drawn are left out, with a note saying why, and their
/// files from an earlier run removed.
pub fn write_fit(problem: &Problem, record: &FitRecord, results: &[StartResult], dir: &Path) -> Result<Written> {
    let mut staged = Staged::new();
    let mut written = Written::default();
    let table = dir.join(STARTS_FILE);
    staged.bytes(&table, starts_table(problem, results)?.as_bytes())?;
    staged.manifest(&table, &record.manifest(problem))?;
    written.files.extend([table.clone(), manifest_path(&table)]);
    #[cfg(feature = "plot")]
    let drawn = stage_fit_plots(problem, record, results, dir, &mut staged, &mut written)?;
    #[cfg(not(feature = "plot"))]
    let drawn: Vec<&str> = {
        written.notes.push("built without the plot feature: no plots".into());
        Vec::new()
    };
    staged.commit()?;
    for name in FIT_PLOTS.iter().filter(|n| !drawn.contains(n)) {
        for ext in ["png", "svg"] {
            remove_if_present(&dir.join(format!("{name}.{ext}")))?;
        }
    }
    Ok(written)
}

/// Removes `path` if it exists (a plot of an earlier run).
fn remove_if_present(path: &Path) -> Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(FileError::io(path, e).into()),
        _ => Ok(()),
    }
}

/// Stages (draws) the fit's plots that can be drawn; returns their names.
#[cfg(feature = "plot")]
fn stage_fit_plots(
    problem: &Problem,
    record: &FitRecord,
    results: &[StartResult],
    dir: &Path,
    staged: &mut Staged,
    written: &mut Written,
) -> Result<Vec<&'static str>> {
    use crate::plot::petab as plots;
    let Some(best) = results.iter().find(|r| r.llh.is_finite()) else {
        let why =
            if results.is_empty() { "no start was run (an empty shard)" } else { "no start has a finite likelihood" };
        written.notes.push(format!("{why}: no plots"));
        return Ok(Vec::new());
    };
    let mut drawn = Vec::new();
    // A plot that fails (plotters' drawing, or its file) is left out with a
    // note, so that the table is written all the same (a failing disk then
    // fails the table's commit).
    let mut stage =
        |name: &'static str, draw: &dyn Fn(&Path) -> Result<()>, drawn: &mut Vec<&'static str>| -> Result<()> {
            let paths = ["png", "svg"].map(|ext| dir.join(format!("{name}.{ext}")));
            for path in &paths {
                let tmp = staged.path(path)?;
                if let Err(e) = draw(&tmp) {
                    paths.iter().for_each(|p| staged.unstage(p));
                    written.notes.push(format!("the {name} plot could not be drawn: {e}"));
                    return Ok(());
                }
            }
            written.files.extend(paths);
            drawn.push(name);
            Ok(())
        };
    stage("waterfall", &|p| plots::waterfall(results, p), &mut drawn)?;
    stage("parameters", &|p| plots::parameters(problem, results, p), &mut drawn)?;
    let options = crate::solve::Options {
        rtol: record.rtol,
        atol: crate::solve::Tolerance::Scalar(record.atol),
        ..Problem::default_options()
    };
    let curves = problem
        .values_at(&best.parameters)
        .and_then(|values| problem.curves(&values, CURVE_POINTS, crate::solve::Method::Rodas5p, &options));
    match curves {
        Ok(curves) if !curves.is_empty() => stage("fit", &|p| plots::fit_versus_data(problem, &curves, p), &mut drawn)?,
        Ok(_) => written.notes.push("no measurement at a finite time: no fit plot".into()),
        Err(e) => written.notes.push(format!("the best start's simulation failed, so no fit plot: {e}")),
    }
    let steady = problem.measurements.iter().filter(|m| m.time.is_infinite()).count();
    if steady > 0 && drawn.contains(&"fit") {
        written.notes.push(format!("{steady} steady-state measurement(s) (time inf) are not in the fit plot"));
    }
    Ok(drawn)
}

/// Writes profiles to the folder `dir` (created if needed):
/// `profiles.tsv` (every point: parameter, value on its scale, `log PL`,
/// ratio `−2 log(PL/L*)`), `intervals.tsv` (each parameter's best value,
/// 95 % interval ends or `open`, and whether both are closed), each with a
/// manifest recording the fit (`fit`: as [`FitRecord`]'s), the profiles'
/// settings (`profile`) and the best start (`best`), and with the `plot`
/// feature `profile_ID.png` and `.svg` per parameter.
pub fn write_profiles(
    problem: &Problem,
    fit: &FitSettings,
    settings: &ProfileSettings,
    best: &StartResult,
    profiles: &[Profile],
    dir: &Path,
) -> Result<Written> {
    let record = FitRecord::new(problem, fit, None)?;
    let mut manifest = record.manifest(problem);
    manifest.extra.insert(
        "profile".into(),
        json!({
            "max_steps": settings.max_steps,
            "ratio_limit": settings.ratio_limit,
            "max_iterations": settings.optimizer.max_iterations,
            "hessian": hessian_name(settings.optimizer.hessian),
        }),
    );
    manifest.extra.insert("best".into(), json!({"start": best.start, "llh": best.llh}));
    let mut table = String::from("parameter\tvalue\tllh\tratio\n");
    let mut intervals = String::from("parameter\tbest\tlower95\tupper95\tidentifiable\n");
    let show = |v: Option<f64>| v.map_or_else(|| "open".to_string(), |x| x.to_string());
    let (rows, _, _) = problem.estimated_box()?;
    for p in profiles {
        let j =
            rows.iter().position(|&i| i == p.parameter).filter(|&j| j < best.parameters.len()).ok_or_else(|| {
                SaspError::InvalidOptions(format!("a profile of parameter {}, which is not estimated", p.parameter))
            })?;
        let id = &problem.parameters[p.parameter].id;
        for &(x, llh) in &p.points {
            table.push_str(&format!("{id}\t{x}\t{llh}\t{}\n", 2.0 * (best.llh - llh)));
        }
        let closed = p.interval.0.is_some() && p.interval.1.is_some();
        intervals.push_str(&format!(
            "{id}\t{}\t{}\t{}\t{closed}\n",
            best.parameters[j],
            show(p.interval.0),
            show(p.interval.1)
        ));
    }
    let mut staged = Staged::new();
    let mut written = Written::default();
    for (name, text) in [(PROFILES_FILE, &table), (INTERVALS_FILE, &intervals)] {
        let path = dir.join(name);
        staged.bytes(&path, text.as_bytes())?;
        staged.manifest(&path, &manifest)?;
        written.files.extend([path.clone(), manifest_path(&path)]);
    }
    let mut stale = Vec::new();
    #[cfg(feature = "plot")]
    for p in profiles {
        let id = &problem.parameters[p.parameter].id;
        if !p.points.iter().any(|(x, llh)| x.is_finite() && llh.is_finite()) {
            written.notes.push(format!("the profile of '{id}' has no finite point: no plot"));
            stale.extend(["png", "svg"].map(|ext| dir.join(format!("profile_{id}.{ext}"))));
            continue;
        }
        let paths = ["png", "svg"].map(|ext| dir.join(format!("profile_{id}.{ext}")));
        for path in &paths {
            let tmp = staged.path(path)?;
            if let Err(e) = crate::plot::petab::profile(problem, p, best.llh, &tmp) {
                paths.iter().for_each(|p| staged.unstage(p));
                written.notes.push(format!("the profile of '{id}' could not be drawn: {e}"));
                stale.extend(paths.iter().cloned());
                break;
            }
        }
        if !stale.contains(&paths[0]) {
            written.files.extend(paths);
        }
    }
    #[cfg(not(feature = "plot"))]
    {
        written.notes.push("built without the plot feature: no plots".into());
        for p in profiles {
            let id = &problem.parameters[p.parameter].id;
            stale.extend(["png", "svg"].map(|ext| dir.join(format!("profile_{id}.{ext}"))));
        }
    }
    staged.commit()?;
    for path in &stale {
        remove_if_present(path)?;
    }
    Ok(written)
}
