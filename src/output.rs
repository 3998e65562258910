//! Writing results.
//!
//! - Numbers: [`number`] writes every value in CSV the same way (shortest
//!   round-trip form, plain between 1e-4 and 1e15, with an exponent outside);
//!   an undefined value (NaN, ±∞) is an empty field in CSV and `null` in JSON.
//! - CSV fields: [`csv_field`] quotes a field holding a comma, a quote, CR or
//!   LF (RFC 4180), so a name with a newline cannot break a row.
//! - Files: every file is written to a temporary name beside its target
//!   (`.NAME.tmpPID`) and renamed into place, so an interrupted run never
//!   leaves a half-written file. An output that is a symbolic link is written
//!   through to the file it points at; an output that is a folder is refused;
//!   stale temporaries of our own pattern whose process is gone are removed
//!   first (Linux: `/proc/PID`; elsewhere they are left alone). [`Staged`]
//!   writes several files that appear together or not at all, and a data
//!   file's old manifest is removed before the new data replaces it.

use crate::error::{Result, SaspError};
use crate::experiment::paper::Target;
use crate::experiment::ArmResult;
pub use crate::util::files::{
    manifest_path, refuse_same_file, remove_stale_temporaries, resolve_link, same_file, write_atomic, Staged,
};
pub use crate::util::hash::fnv1a;
pub use crate::util::text::{csv_field, number, optional_number};
use std::fmt::Write as _;
use std::path::Path;

/// The time courses of all arms as CSV, one row per arm and sample:
/// `arm,day,` then one column per declared observable (those of the first
/// arm; for the paper's,
/// `tumor_volume_mm3,nk_in_tumor,nk_per_mm3,ccl2_free_nM,ccl2_total_nM,senescent_fraction,nk_kills_per_day`).
/// Numbers are written by [`number`] (undefined values are empty fields), the
/// arm's name by [`csv_field`]. A later arm without one of the columns has
/// empty fields there.
pub fn experiment_csv(results: &[ArmResult]) -> String {
    let columns: Vec<&str> =
        results.first().map_or(Vec::new(), |r| r.observables.iter().map(|o| o.name.as_str()).collect());
    let mut out = String::from("arm,day");
    for c in &columns {
        out.push(',');
        out.push_str(&csv_field(c));
    }
    out.push('\n');
    for r in results {
        let name = csv_field(&r.name);
        let series: Vec<Option<&[f64]>> = columns.iter().map(|c| r.series(c).ok()).collect();
        for k in 0..r.t.len() {
            let _ = write!(out, "{name},{}", number(r.t[k]));
            for s in &series {
                out.push(',');
                if let Some(s) = s {
                    out.push_str(&number(s[k]));
                }
            }
            out.push('\n');
        }
    }
    out
}

/// The arms and the calibration targets as JSON:
/// `{"arms": [{"name", "t", "tumor_volume_mm3", …}], "targets": [{"id", "description", "value", "band", "met"}]}`.
/// An undefined value (NaN, ±∞) is written as `null` (never as a number).
pub fn experiment_json(results: &[ArmResult], targets: &[Target]) -> Result<String> {
    #[derive(serde::Serialize)]
    struct Document<'a> {
        arms: &'a [ArmResult],
        targets: &'a [Target],
    }
    // serde_json writes every non-finite f64 as `null` (tested below).
    serde_json::to_string_pretty(&Document { arms: results, targets })
        .map_err(|e| SaspError::Serialization { what: "JSON", reason: e.to_string() })
}

/// How an output file was made: written as `<file>.manifest.json` beside it.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Manifest {
    /// `sasp` version.
    pub sasp_version: String,
    /// The command line (or the program) that made the file.
    pub command: Vec<String>,
    /// Model name.
    pub model: String,
    /// FNV-1a 64-bit hash of the model's canonical TOML (identifies the exact model).
    pub model_hash: String,
    /// Every parameter value used (canonical units, as the solver sees them;
    /// see [`Model::parameter_canonical`](crate::model::Model::parameter_canonical)).
    pub parameters: std::collections::BTreeMap<String, f64>,
    /// Arms run (names), if any.
    pub arms: Vec<String>,
    /// The integration method that ran: [`Method::Auto`](crate::solve::Method::Auto)
    /// is recorded as the method it chose (`rodas5p`, `rodas3`, `bdf` …, what
    /// [`Solution::method`](crate::solve::Solution::method) holds), never as `auto`.
    pub method: String,
    /// Relative tolerance.
    pub rtol: f64,
    /// Absolute tolerance (scalar, or the largest component).
    pub atol: f64,
    /// Solver work per arm (steps, rejected, rhs, Jacobians, factorizations, solves).
    pub solver_stats: Vec<(String, [usize; 6])>,
    /// What else describes how the file was made, by kind of output (e.g.
    /// `fit`: a PEtab fit's seed, starts, shard and Hessian model; see
    /// [`FitRecord`](crate::petab::FitRecord)): each entry is written at
    /// the top level beside the fields above, so a manifest without extras
    /// reads exactly as before.
    #[serde(flatten)]
    pub extra: std::collections::BTreeMap<String, serde_json::Value>,
}

impl Manifest {
    /// A manifest for `model` run with `method` and `options`; fill in arms and stats.
    pub fn new(
        model: &crate::model::Model,
        method: crate::solve::Method,
        options: &crate::solve::Options,
    ) -> Result<Manifest> {
        let atol = options.atol.largest();
        let parameters = model
            .spec()
            .parameters
            .iter()
            .map(|p| model.parameter_canonical(&p.name).map(|v| (p.name.clone(), v)))
            .collect::<Result<_>>()?;
        let toml = model.to_toml().unwrap_or_default();
        Ok(Manifest {
            sasp_version: env!("CARGO_PKG_VERSION").to_string(),
            command: std::env::args().collect(),
            model: model.name().to_string(),
            model_hash: fnv1a(toml.as_bytes()),
            parameters,
            arms: Vec::new(),
            method: method.resolve_for(&model.system(&model.default_inputs())?, options.rtol).name().to_string(),
            rtol: options.rtol,
            atol,
            solver_stats: Vec::new(),
            extra: std::collections::BTreeMap::new(),
        })
    }

    /// The manifest of `results` of `experiment`: its model, method and
    /// options, the arms and their solver statistics.
    pub fn for_experiment(experiment: &crate::experiment::Experiment<'_>, results: &[ArmResult]) -> Result<Manifest> {
        let (method, options) = experiment.settings();
        Ok(Manifest::new(experiment.model(), method, options)?.with_results(results))
    }

    /// Records the arms of an experiment and their solver statistics.
    pub fn with_results(mut self, results: &[ArmResult]) -> Manifest {
        for r in results {
            let s = r.stats;
            self.arms.push(r.name.clone());
            self.solver_stats.push((
                r.name.clone(),
                [s.steps, s.rejected, s.rhs_evals, s.jac_evals, s.factorizations, s.linear_solves],
            ));
        }
        self
    }
}

/// Writes `bytes` to `path` and the manifest to `<path>.manifest.json`, both
/// atomically: both are written to temporaries first; then the old manifest is
/// removed, the data renamed into place, then the manifest (so a run killed in
/// between never leaves new data beside an old manifest).
pub fn write_with_manifest(path: &Path, bytes: &[u8], manifest: &Manifest) -> Result<()> {
    let mut staged = Staged::new();
    staged.bytes(path, bytes)?;
    staged.manifest(path, manifest)?;
    staged.commit()
}

/// Writes the manifest of an already written file to `<path>.manifest.json`.
pub fn write_manifest(path: &Path, manifest: &Manifest) -> Result<()> {
    let mut staged = Staged::new();
    staged.manifest(path, manifest)?;
    staged.commit()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::util::files::temporary_pid;
    use std::path::PathBuf;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("sasp-output-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> =
            std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().to_string()).collect();
        v.sort();
        v
    }

    /// A process id that is not running: a finished child's.
    fn dead_pid() -> u32 {
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let pid = child.id();
        child.wait().unwrap();
        assert!(!Path::new("/proc").join(pid.to_string()).exists() || !cfg!(target_os = "linux"));
        pid
    }

    #[test]
    fn numbers_are_shortest_round_trip_with_exponents_outside_the_plain_range() {
        assert_eq!(number(1e-84), "1e-84");
        assert_eq!(number(-2e-14), "-2e-14");
        assert_eq!(number(94.8), "94.8");
        assert_eq!(number(0.0), "0");
        assert_eq!(number(-0.0), "0");
        assert_eq!(number(1e-4), "0.0001");
        assert_eq!(number(9.99e-5), "9.99e-5");
        assert_eq!(number(123456789012345.0), "123456789012345");
        assert_eq!(number(1e15), "1e15");
        assert_eq!(number(-1.5e300), "-1.5e300");
        assert_eq!(number(21.0), "21");
        for x in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            assert_eq!(number(x), "");
        }
        assert_eq!(optional_number(None), "");
        assert_eq!(optional_number(Some(7.5)), "7.5");
        // Round trip, bit for bit.
        for x in [1.0 / 3.0, 6.314337262173256, 1.9350615844574678e-69, f64::MIN_POSITIVE, f64::MAX, 5e-324] {
            assert_eq!(number(x).parse::<f64>().unwrap().to_bits(), x.to_bits(), "{x}");
        }
    }

    #[test]
    fn csv_fields_with_separators_are_quoted() {
        assert_eq!(csv_field("control"), "control");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("two\nlines"), "\"two\nlines\"");
        assert_eq!(csv_field("cr\r"), "\"cr\r\"");
    }

    #[test]
    fn json_writes_undefined_values_as_null() {
        #[derive(serde::Serialize)]
        struct V {
            a: Vec<f64>,
            b: Option<f64>,
        }
        let text =
            serde_json::to_string(&V { a: vec![f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 1e-84], b: None }).unwrap();
        assert_eq!(text, "{\"a\":[null,null,null,1e-84],\"b\":null}");
    }

    #[test]
    fn experiment_files_write_undefined_values_as_empty_fields_and_null() {
        let model = crate::models::iannello2013().unwrap();
        // Experiments refuse control characters in names; quotes and commas are quoted.
        let arm = crate::intervene::Arm::new("a \"b\", c");
        let mut results = crate::experiment::Experiment::new(&model).until(2.0).arms([arm]).run().unwrap();
        let r = &mut results[0];
        let mut set = |name: &str, k: usize, v: f64| {
            r.observables.iter_mut().find(|o| o.name == name).unwrap().values[k] = v;
        };
        set("nk_per_mm3", 1, f64::NAN);
        set("ccl2_free_nM", 1, f64::INFINITY);
        set("tumor_volume_mm3", 2, 1e-84);
        set("nk_in_tumor", 2, -2e-14);
        let csv = experiment_csv(&results);
        let rows: Vec<&str> = csv.split("\"a \"\"b\"\", c\",").collect();
        assert_eq!(rows.len(), 1 + 17, "{csv}");
        let row1: Vec<&str> = rows[2].trim_end().split(',').collect();
        assert_eq!((row1[0], row1[3], row1[4]), ("-13", "", ""), "{csv}");
        let row2: Vec<&str> = rows[3].trim_end().split(',').collect();
        assert_eq!((row2[0], row2[1], row2[2]), ("-12", "1e-84", "-2e-14"), "{csv}");
        assert!(!csv.contains("NaN") && !csv.contains("inf"));
        let json = experiment_json(&results, &[]).unwrap();
        let value: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert!(value["arms"][0]["nk_per_mm3"][1].is_null() && value["arms"][0]["ccl2_free_nM"][1].is_null());
        // (serde_json reads floats to within an ulp without its float_roundtrip feature; the text is exact.)
        assert!(json.contains("1e-84") && !json.contains("NaN") && !json.contains("inf"));
        assert_eq!(value["arms"][0]["name"], "a \"b\", c");
    }

    #[test]
    fn writes_and_replaces_leaving_no_temporary() {
        let dir = scratch("replace");
        let path = dir.join("a/b.txt");
        write_atomic(&path, b"one").unwrap();
        write_atomic(&path, b"two").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "two");
        assert_eq!(names(path.parent().unwrap()), ["b.txt"]);
        assert!(write_atomic(Path::new("/proc/definitely/not/writable.txt"), b"x").is_err());
        // A folder in the way is refused, and the folders made for it are not left behind.
        std::fs::create_dir_all(dir.join("c/d.txt")).unwrap();
        let err = write_atomic(&dir.join("c/d.txt"), b"x").unwrap_err();
        assert!(err.to_string().contains("d.txt") && err.to_string().contains("folder"), "{err}");
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn a_symbolic_link_is_written_through() {
        let dir = scratch("link");
        std::fs::create_dir(dir.join("real")).unwrap();
        std::fs::write(dir.join("real/target.csv"), "old").unwrap();
        std::os::unix::fs::symlink("real/target.csv", dir.join("link.csv")).unwrap();
        write_atomic(&dir.join("link.csv"), b"new").unwrap();
        assert!(std::fs::symlink_metadata(dir.join("link.csv")).unwrap().file_type().is_symlink());
        assert_eq!(std::fs::read_to_string(dir.join("real/target.csv")).unwrap(), "new");
        assert_eq!(names(&dir.join("real")), ["target.csv"]);
        // A dangling link creates its target.
        std::os::unix::fs::symlink("real/fresh.csv", dir.join("dangling.csv")).unwrap();
        write_atomic(&dir.join("dangling.csv"), b"fresh").unwrap();
        assert_eq!(std::fs::read_to_string(dir.join("real/fresh.csv")).unwrap(), "fresh");
        // A loop is an error, not a hang.
        std::os::unix::fs::symlink("loop2", dir.join("loop1")).unwrap();
        std::os::unix::fs::symlink("loop1", dir.join("loop2")).unwrap();
        assert!(write_atomic(&dir.join("loop1"), b"x").is_err());
        // Same file through a link.
        assert!(same_file(&dir.join("link.csv"), &dir.join("real/target.csv")));
        assert!(!same_file(&dir.join("link.csv"), &dir.join("real/fresh.csv")));
        assert!(refuse_same_file(&dir.join("real/target.csv"), &[&dir.join("link.csv")]).is_err());
        assert!(refuse_same_file(&dir.join("other.csv"), &[&dir.join("link.csv")]).is_ok());
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn temporaries_of_our_pattern_are_recognised() {
        assert_eq!(temporary_pid(".a.csv.tmp123", "a.csv", "csv"), Some(123));
        assert_eq!(temporary_pid(".a.png.tmp123.png", "a.png", "png"), Some(123));
        assert_eq!(temporary_pid(".a.png.123.tmp.png", "a.png", "png"), Some(123));
        assert_eq!(temporary_pid("..a.png.tmp123.png.123.tmp.png", "a.png", "png"), Some(123));
        for other in [".a.csv.tmp", ".a.csv.tmp12x", ".a.csv.tmp123.bak", "a.csv.tmp123", ".b.csv.tmp123", ".a.csv"] {
            assert_eq!(temporary_pid(other, "a.csv", "csv"), None, "{other}");
        }
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn stale_temporaries_of_dead_processes_are_removed() {
        let dir = scratch("stale");
        let dead = dead_pid();
        let stale = dir.join(format!(".out.csv.tmp{dead}"));
        let live = dir.join(".out.csv.tmp1"); // init: always running
        let foreign = dir.join(format!(".out.csv.tmp{dead}.bak"));
        for f in [&stale, &live, &foreign] {
            std::fs::write(f, "partial").unwrap();
        }
        write_atomic(&dir.join("out.csv"), b"done").unwrap();
        assert_eq!(names(&dir), [".out.csv.tmp1".to_string(), format!(".out.csv.tmp{dead}.bak"), "out.csv".into()]);
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn staged_outputs_appear_together_or_not_at_all() {
        let dir = scratch("staged");
        let out = dir.join("new/deeper");
        {
            let mut staged = Staged::new();
            staged.bytes(&out.join("a.csv"), b"a").unwrap();
            let png = staged.path(&out.join("b.png")).unwrap();
            assert!(png.to_string_lossy().ends_with(".png"));
            std::fs::write(&png, b"png").unwrap();
            assert!(!out.join("a.csv").exists());
            // Dropped without commit: no temporary, no folder left.
        }
        assert!(!dir.join("new").exists(), "{:?}", names(&dir));
        // A path handed out but never written fails the commit, and nothing appears.
        let mut staged = Staged::new();
        staged.bytes(&out.join("a.csv"), b"a").unwrap();
        let _ = staged.path(&out.join("b.svg")).unwrap();
        assert!(staged.commit().is_err());
        assert!(!dir.join("new").exists());
        // The same target twice is refused.
        let mut staged = Staged::new();
        staged.bytes(&dir.join("x.csv"), b"1").unwrap();
        assert!(staged.bytes(&dir.join("x.csv"), b"2").is_err());
        staged.commit().unwrap();
        assert_eq!(names(&dir), ["x.csv"]);
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn an_old_manifest_goes_before_the_new_data_arrives() {
        let dir = scratch("manifest");
        let data = dir.join("d.csv");
        std::fs::write(&data, "old").unwrap();
        std::fs::write(manifest_path(&data), "{\"old\": true}").unwrap();
        // Data without a manifest: the old manifest, which describes other data, is removed.
        let mut staged = Staged::new();
        staged.bytes(&data, b"new").unwrap();
        staged.commit().unwrap();
        assert_eq!(names(&dir), ["d.csv"]);
        // With a manifest: both replaced.
        let model = crate::models::iannello2013().unwrap();
        let manifest = Manifest::new(&model, crate::solve::Method::Auto, &Default::default()).unwrap();
        write_with_manifest(&data, b"newer", &manifest).unwrap();
        assert_eq!(names(&dir), ["d.csv", "d.csv.manifest.json"]);
        assert!(std::fs::read_to_string(manifest_path(&data)).unwrap().contains("model_hash"));
        std::fs::remove_dir_all(dir).unwrap();
    }
}
