//! Writing results: every file is written to a temporary name beside its
//! target and renamed into place, so an interrupted run never leaves a
//! half-written file.

use crate::error::{Result, SaspError};
use crate::experiment::paper::Target;
use crate::experiment::ArmResult;
use std::fmt::Write as _;
use std::io::Write;
use std::path::Path;

/// The time courses of all arms as CSV, one row per arm and sample:
/// `arm,day,tumor_volume_mm3,nk_in_tumor,nk_per_mm3,ccl2_free_nM,ccl2_total_nM,senescent_fraction,nk_kills_per_day`.
pub fn experiment_csv(results: &[ArmResult]) -> String {
    let mut out = String::from(
        "arm,day,tumor_volume_mm3,nk_in_tumor,nk_per_mm3,ccl2_free_nM,ccl2_total_nM,senescent_fraction,nk_kills_per_day\n",
    );
    for r in results {
        let name = if r.name.contains(',') || r.name.contains('"') {
            format!("\"{}\"", r.name.replace('"', "\"\""))
        } else {
            r.name.clone()
        };
        for k in 0..r.t.len() {
            let _ = writeln!(
                out,
                "{name},{},{},{},{},{},{},{},{}",
                r.t[k],
                r.tumor_volume_mm3[k],
                r.nk_in_tumor[k],
                r.nk_per_mm3[k],
                r.ccl2_free_nm[k],
                r.ccl2_total_nm[k],
                r.senescent_fraction[k],
                r.nk_kills_per_day[k]
            );
        }
    }
    out
}

/// The arms and the calibration targets as JSON:
/// `{"arms": [{"name", "t", "tumor_volume_mm3", …}], "targets": [{"id", "description", "value", "band", "met"}]}`.
pub fn experiment_json(results: &[ArmResult], targets: &[Target]) -> Result<String> {
    #[derive(serde::Serialize)]
    struct Document<'a> {
        arms: &'a [ArmResult],
        targets: &'a [Target],
    }
    serde_json::to_string_pretty(&Document { arms: results, targets })
        .map_err(|e| SaspError::InvalidModel(format!("cannot write JSON: {e}")))
}

/// Writes `bytes` to `path` atomically, creating the parent folder if needed.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let io = |source| SaspError::Io { path: path.to_path_buf(), source };
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(io)?;
    }
    let file_name = path.file_name().ok_or_else(|| SaspError::Io {
        path: path.to_path_buf(),
        source: std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a file path"),
    })?;
    let tmp = path.with_file_name(format!(".{}.tmp{}", file_name.to_string_lossy(), std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map_err(io)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_and_replaces() {
        let dir = std::env::temp_dir().join(format!("sasp-output-{}", std::process::id()));
        let path = dir.join("a/b.txt");
        write_atomic(&path, b"one").unwrap();
        write_atomic(&path, b"two").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "two");
        let leftovers = std::fs::read_dir(path.parent().unwrap()).unwrap().count();
        assert_eq!(leftovers, 1);
        assert!(write_atomic(Path::new("/proc/definitely/not/writable.txt"), b"x").is_err());
        std::fs::remove_dir_all(dir).unwrap();
    }
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
    /// Every parameter value used (canonical units).
    pub parameters: std::collections::BTreeMap<String, f64>,
    /// Arms run (names), if any.
    pub arms: Vec<String>,
    /// Integration method.
    pub method: String,
    /// Relative tolerance.
    pub rtol: f64,
    /// Absolute tolerance (scalar, or the largest component).
    pub atol: f64,
    /// Solver work per arm (steps, rejected, rhs, Jacobians, factorizations, solves).
    pub solver_stats: Vec<(String, [usize; 6])>,
}

/// FNV-1a 64-bit hash, as 16 hex digits.
pub fn fnv1a(bytes: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{h:016x}")
}

impl Manifest {
    /// A manifest for `model` run with `method` and `options`; fill in arms and stats.
    pub fn new(
        model: &crate::model::Model,
        method: crate::solve::Method,
        options: &crate::solve::Options,
    ) -> Result<Manifest> {
        let atol = match &options.atol {
            crate::solve::Tolerance::Scalar(a) => *a,
            crate::solve::Tolerance::PerComponent(v) => v.iter().copied().fold(0.0, f64::max),
        };
        let parameters = model
            .spec()
            .parameters
            .iter()
            .map(|p| model.parameter(&p.name).map(|v| (p.name.clone(), v)))
            .collect::<Result<_>>()?;
        let toml = model.to_toml().unwrap_or_default();
        Ok(Manifest {
            sasp_version: env!("CARGO_PKG_VERSION").to_string(),
            command: std::env::args().collect(),
            model: model.name().to_string(),
            model_hash: fnv1a(toml.as_bytes()),
            parameters,
            arms: Vec::new(),
            method: method.resolve(model.dimension(), options.rtol, None).name().to_string(),
            rtol: options.rtol,
            atol,
            solver_stats: Vec::new(),
        })
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

/// Writes `bytes` to `path` and the manifest to `<path>.manifest.json`, both atomically.
pub fn write_with_manifest(path: &Path, bytes: &[u8], manifest: &Manifest) -> Result<()> {
    write_atomic(path, bytes)?;
    write_manifest(path, manifest)
}

/// Writes the manifest of an already written file to `<path>.manifest.json`.
pub fn write_manifest(path: &Path, manifest: &Manifest) -> Result<()> {
    let json = serde_json::to_string_pretty(manifest)
        .map_err(|e| SaspError::InvalidModel(format!("cannot write the manifest: {e}")))?;
    let mut name = path.as_os_str().to_owned();
    name.push(".manifest.json");
    write_atomic(Path::new(&name), json.as_bytes())
}
