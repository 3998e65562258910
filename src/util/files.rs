//! Writing files safely: atomic writes through a temporary beside the target,
//! sets of files committed together ([`Staged`]), symbolic links written
//! through, inputs never overwritten, stale temporaries of dead processes
//! removed.

use crate::error::{FileError, Result, SaspError};
use std::io::Write;
use std::path::{Path, PathBuf};

fn io_error(path: &Path, kind: std::io::ErrorKind, message: &str) -> SaspError {
    FileError::Io { path: path.to_path_buf(), source: std::io::Error::new(kind, message.to_string()) }.into()
}

/// The file a write to `path` lands on: `path` itself, or, when `path` is a
/// symbolic link (or a chain of them, at most 40), the file the link points
/// at (which need not exist yet).
pub fn resolve_link(path: &Path) -> Result<PathBuf> {
    let mut p = path.to_path_buf();
    for _ in 0..40 {
        match std::fs::symlink_metadata(&p) {
            Ok(m) if m.file_type().is_symlink() => {
                let target = std::fs::read_link(&p).map_err(|source| FileError::Io { path: p.clone(), source })?;
                p = match p.parent() {
                    Some(parent) if target.is_relative() => parent.join(target),
                    _ => target,
                };
            }
            _ => return Ok(p),
        }
    }
    Err(io_error(path, std::io::ErrorKind::InvalidInput, "more than 40 levels of symbolic links"))
}

/// Are `a` and `b` the same existing file (same canonical path, or on Unix
/// the same device and inode, so hard links count)? `false` when either does
/// not exist.
pub fn same_file(a: &Path, b: &Path) -> bool {
    let (Some(ca), Some(cb)) = (canonical(a), canonical(b)) else {
        return false;
    };
    if ca == cb {
        return true;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if let (Ok(ma), Ok(mb)) = (std::fs::metadata(&ca), std::fs::metadata(&cb)) {
            return ma.dev() == mb.dev() && ma.ino() == mb.ino();
        }
    }
    false
}

/// The canonical path of an existing file, also when the path passes
/// through folders that do not exist yet (`new/../input.toml`, which a write
/// would create and leave): such paths are cleaned lexically first.
fn canonical(path: &Path) -> Option<PathBuf> {
    if let Ok(c) = std::fs::canonicalize(path) {
        return Some(c);
    }
    let absolute = if path.is_absolute() { path.to_path_buf() } else { std::env::current_dir().ok()?.join(path) };
    let mut clean = PathBuf::new();
    for part in absolute.components() {
        match part {
            std::path::Component::ParentDir => {
                clean.pop();
            }
            std::path::Component::CurDir => {}
            other => clean.push(other),
        }
    }
    std::fs::canonicalize(clean).ok()
}

/// Refuses an output that is the same file as one of the inputs (or whose
/// manifest would be): writing it would destroy the input.
pub fn refuse_same_file(output: &Path, inputs: &[&Path]) -> Result<()> {
    for candidate in [output.to_path_buf(), manifest_path(output)] {
        if let Some(input) = inputs.iter().find(|i| same_file(&candidate, i)) {
            return Err(SaspError::InvalidOptions(format!(
                "output '{}' is the input file '{}': refusing to overwrite an input",
                candidate.display(),
                input.display()
            )));
        }
    }
    Ok(())
}

/// `<path>.manifest.json`: where the manifest of `path` is written.
pub fn manifest_path(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".manifest.json");
    PathBuf::from(name)
}

/// The process id in `entry` if it is one of our temporaries for a target
/// named `name` with extension `ext`: `.NAME.tmpPID`, `.NAME.tmpPID.EXT`
/// (staged), `.NAME.PID.tmp.EXT` (charts) or `..NAME.tmpPID.EXT.PID.tmp.EXT`
/// (a chart drawn into a staged path).
pub(crate) fn temporary_pid(entry: &str, name: &str, ext: &str) -> Option<u32> {
    let digits = |s: &str| -> Option<(u32, usize)> {
        let n = s.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 || n > 10 {
            return None;
        }
        s[..n].parse().ok().map(|p| (p, n))
    };
    let dot_ext = format!(".{ext}");
    if let Some(rest) = entry.strip_prefix(&format!(".{name}.tmp")) {
        let (pid, n) = digits(rest)?;
        let tail = &rest[n..];
        return (tail.is_empty() || (!ext.is_empty() && tail == dot_ext)).then_some(pid);
    }
    if let Some(rest) = entry.strip_prefix(&format!("..{name}.tmp")) {
        let (pid, n) = digits(rest)?;
        let tail = rest[n..].strip_prefix(&dot_ext)?.strip_prefix('.')?;
        let (_, m) = digits(tail)?;
        return (!ext.is_empty() && tail[m..] == format!(".tmp{dot_ext}")).then_some(pid);
    }
    if let Some(rest) = entry.strip_prefix(&format!(".{name}.")) {
        let (pid, n) = digits(rest)?;
        return (!ext.is_empty() && rest[n..] == format!(".tmp{dot_ext}")).then_some(pid);
    }
    None
}

/// Is process `pid` running? Known on Linux (`/proc/PID`); assumed elsewhere.
fn alive(pid: u32) -> bool {
    if cfg!(target_os = "linux") {
        pid == std::process::id() || Path::new("/proc").join(pid.to_string()).exists()
    } else {
        true
    }
}

/// Removes the temporaries of our own name pattern for `path` (see the
/// module documentation) left by processes that no longer run (a killed
/// write). Only on Linux, where a process's liveness is known; files of
/// running processes and every other file are left alone. Returns how many
/// were removed.
pub fn remove_stale_temporaries(path: &Path) -> usize {
    let (Some(name), Some(dir)) = (path.file_name().and_then(|n| n.to_str()), path.parent()) else {
        return 0;
    };
    if !cfg!(target_os = "linux") {
        return 0;
    }
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    let dir = if dir.as_os_str().is_empty() { Path::new(".") } else { dir };
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    let mut removed = 0;
    for entry in entries.flatten() {
        let Some(entry_name) = entry.file_name().to_str().map(String::from) else { continue };
        match temporary_pid(&entry_name, name, ext) {
            Some(pid) if !alive(pid) => {
                let is_file = entry.file_type().is_ok_and(|t| t.is_file() || t.is_symlink());
                if is_file && std::fs::remove_file(entry.path()).is_ok() {
                    removed += 1;
                }
            }
            _ => {}
        }
    }
    removed
}

/// Where a write to `path` goes: the resolved target (through symbolic
/// links), refused when it is a folder; its parent folders are created (the
/// ones made are pushed on `created`, outermost first) and stale temporaries
/// are cleaned.
fn prepare_target(path: &Path, created: &mut Vec<PathBuf>) -> Result<PathBuf> {
    let target = resolve_link(path)?;
    if target.file_name().is_none() {
        return Err(io_error(path, std::io::ErrorKind::InvalidInput, "not a file path"));
    }
    if target.is_dir() {
        return Err(io_error(path, std::io::ErrorKind::IsADirectory, "is a folder, not a file"));
    }
    if let Some(parent) = target.parent().filter(|p| !p.as_os_str().is_empty()) {
        let mut missing: Vec<PathBuf> =
            parent.ancestors().take_while(|a| !a.as_os_str().is_empty() && !a.exists()).map(PathBuf::from).collect();
        missing.reverse();
        std::fs::create_dir_all(parent).map_err(|source| FileError::Io { path: path.to_path_buf(), source })?;
        created.extend(missing);
    }
    remove_stale_temporaries(&target);
    Ok(target)
}

/// The temporary name of `target` for this process: `.NAME.tmpPID`, with
/// `.EXT` appended when `keep_extension` (for files drawn by extension).
fn temporary_name(target: &Path, keep_extension: bool) -> PathBuf {
    let name = target.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    let mut tmp = format!(".{name}.tmp{}", std::process::id());
    if let (true, Some(ext)) = (keep_extension, target.extension().and_then(|e| e.to_str())) {
        tmp.push('.');
        tmp.push_str(ext);
    }
    target.with_file_name(tmp)
}

/// Writes `bytes` to a fresh file at `tmp` and syncs it.
fn write_new(tmp: &Path, bytes: &[u8]) -> std::io::Result<()> {
    match std::fs::remove_file(tmp) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
        _ => {}
    }
    let mut f = std::fs::OpenOptions::new().write(true).create_new(true).open(tmp)?;
    f.write_all(bytes)?;
    f.sync_all()
}

/// Writes `bytes` to `path` atomically (a temporary beside the target, then a
/// rename), creating the parent folder if needed. A symbolic link is written
/// through to its target; a folder is refused; stale temporaries of earlier
/// killed writes are removed first. Writes nothing on failure.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut staged = Staged::new();
    staged.bytes(path, bytes)?;
    staged.commit_plain()
}

/// One staged file.
#[derive(Debug)]
struct Entry {
    /// The path the caller named.
    named: PathBuf,
    /// The file that the rename replaces (the named path through its links).
    target: PathBuf,
    /// The temporary holding the new content.
    tmp: PathBuf,
    /// Is this a manifest (renamed after the data files)?
    manifest: bool,
}

/// Several outputs written together: each is written (or drawn) to a
/// temporary beside its target, and [`commit`](Staged::commit) renames them
/// all into place, data files first and manifests last, after removing the
/// data files' old manifests. Dropping a `Staged` without committing removes
/// every temporary (and the folders it created, when empty), so a failure
/// part-way leaves no new file.
///
/// ```
/// let dir = std::env::temp_dir().join(format!("sasp-staged-doc-{}", std::process::id()));
/// let mut staged = sasp::output::Staged::new();
/// staged.bytes(&dir.join("a.csv"), b"x\n")?;
/// let png = staged.path(&dir.join("b.png"))?; // draw here; it ends in .png
/// assert!(png.to_string_lossy().ends_with(".png"));
/// std::fs::write(&png, b"not really a png")?;
/// staged.commit()?;
/// assert!(dir.join("a.csv").exists() && dir.join("b.png").exists());
/// # std::fs::remove_dir_all(dir)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Default)]
pub struct Staged {
    entries: Vec<Entry>,
    created: Vec<PathBuf>,
}

impl Staged {
    /// Nothing staged yet.
    pub fn new() -> Staged {
        Staged::default()
    }

    fn stage(&mut self, path: &Path, keep_extension: bool, manifest: bool) -> Result<PathBuf> {
        let target = prepare_target(path, &mut self.created)?;
        if self.entries.iter().any(|e| e.target == target) {
            return Err(io_error(path, std::io::ErrorKind::AlreadyExists, "the same output is staged twice"));
        }
        let tmp = temporary_name(&target, keep_extension);
        self.entries.push(Entry { named: path.to_path_buf(), target, tmp: tmp.clone(), manifest });
        Ok(tmp)
    }

    /// Stages `bytes` as the new content of `path` (written to its temporary now).
    pub fn bytes(&mut self, path: &Path, bytes: &[u8]) -> Result<()> {
        let tmp = self.stage(path, false, false)?;
        write_new(&tmp, bytes).map_err(|source| FileError::io(path, source).into())
    }

    /// Stages a file that something else writes (a chart): returns the
    /// temporary path to write it to, which ends in the same extension as
    /// `path` (`.png`, `.svg`).
    pub fn path(&mut self, path: &Path) -> Result<PathBuf> {
        self.stage(path, true, false)
    }

    /// Withdraws `path` from the staged files and removes its temporary (a
    /// chart whose drawing failed part-way); a path not staged is left
    /// alone.
    ///
    /// ```
    /// let dir = std::env::temp_dir().join(format!("sasp-unstage-doc-{}", std::process::id()));
    /// let mut staged = sasp::output::Staged::new();
    /// staged.bytes(&dir.join("table.tsv"), b"x\n")?;
    /// let png = staged.path(&dir.join("plot.png"))?;
    /// std::fs::write(&png, b"half a png")?; // the drawing fails here
    /// staged.unstage(&dir.join("plot.png"));
    /// assert!(!png.exists());
    /// staged.commit()?; // the table alone
    /// assert!(dir.join("table.tsv").exists() && !dir.join("plot.png").exists());
    /// # std::fs::remove_dir_all(dir)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn unstage(&mut self, path: &Path) {
        let named: Vec<PathBuf> = self.entries.iter().filter(|e| e.named == path).map(|e| e.tmp.clone()).collect();
        for tmp in named {
            let _ = std::fs::remove_file(&tmp);
        }
        self.entries.retain(|e| e.named != path);
    }

    /// Stages `manifest` as the manifest of `path` (`<path>.manifest.json`).
    pub fn manifest(&mut self, path: &Path, manifest: &impl serde::Serialize) -> Result<()> {
        let json = serde_json::to_string_pretty(manifest)
            .map_err(|e| SaspError::Serialization { what: "the manifest", reason: e.to_string() })?;
        self.manifest_bytes(path, json.as_bytes())
    }

    /// Stages `bytes` (an existing manifest, copied) as the manifest of `path`.
    pub fn manifest_bytes(&mut self, path: &Path, bytes: &[u8]) -> Result<()> {
        let named = manifest_path(path);
        let tmp = self.stage(&named, false, true)?;
        write_new(&tmp, bytes).map_err(|source| FileError::io(named, source).into())
    }

    /// Renames every staged file into place: removes the old manifests of the
    /// data files, renames the data files, then the manifests. A staged path
    /// that was never written is an error (and nothing is renamed).
    pub fn commit(self) -> Result<()> {
        self.finish(true)
    }

    /// Commits without touching manifests (plain [`write_atomic`]).
    fn commit_plain(self) -> Result<()> {
        self.finish(false)
    }

    fn finish(mut self, manifests: bool) -> Result<()> {
        for e in &self.entries {
            if !e.tmp.is_file() {
                return Err(io_error(&e.named, std::io::ErrorKind::NotFound, "the staged output was not written"));
            }
        }
        if manifests {
            // Removed even when a new one is staged: a run killed between the
            // renames must not leave new data beside the old manifest.
            for e in self.entries.iter().filter(|e| !e.manifest) {
                let old = manifest_path(&e.named);
                match std::fs::remove_file(&old) {
                    Err(err) if err.kind() != std::io::ErrorKind::NotFound => {
                        return Err(FileError::Io { path: old, source: err }.into())
                    }
                    _ => {}
                }
            }
        }
        let entries = std::mem::take(&mut self.entries);
        let (data, meta): (Vec<Entry>, Vec<Entry>) = entries.into_iter().partition(|e| !e.manifest);
        let mut pending: Vec<Entry> = data.into_iter().chain(meta).collect();
        while !pending.is_empty() {
            let e = pending.remove(0);
            if let Err(source) = std::fs::rename(&e.tmp, &e.target) {
                // Leave nothing behind: the rest are dropped (and removed) below.
                let _ = std::fs::remove_file(&e.tmp);
                self.entries = pending;
                return Err(FileError::Io { path: e.named, source }.into());
            }
        }
        self.created.clear();
        Ok(())
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        for e in &self.entries {
            let _ = std::fs::remove_file(&e.tmp);
        }
        for dir in self.created.iter().rev() {
            let _ = std::fs::remove_dir(dir);
        }
    }
}
