//! The layers import one way (docs/architecture.md, "Layers"): a module may
//! use its own layer and the layers below it, never one above. This test
//! reads every source file under `src/` and fails on any `crate::…` path (in
//! code or doc comments, not in plain comments or `#[cfg(test)]` modules)
//! that reaches up.

use std::path::Path;

/// Layer of each top-level module, bottom first.
const LAYERS: &[(&str, u8)] = &[
    ("util", 0),
    ("error", 0),
    ("solve", 1),
    ("expr", 1),
    ("model", 2),
    ("models", 2),
    ("space", 3),
    ("intervene", 3),
    ("experiment", 4),
    ("sweep", 5),
    ("calibrate", 5),
    ("optimize", 5),
    ("testset", 5),
    ("gsa", 5),
    ("ssa", 5),
    ("flux_balance", 5),
    ("output", 6),
    ("plot", 6),
    ("sbml", 6),
    ("petab", 6),
];

fn layer(module: &str) -> Option<u8> {
    LAYERS.iter().find(|(m, _)| *m == module).map(|(_, l)| *l)
}

/// Every `crate::name` in `line`.
fn crate_paths(line: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = line;
    while let Some(k) = rest.find("crate::") {
        let after = &rest[k + "crate::".len()..];
        let end = after.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(after.len());
        let preceded = rest[..k].chars().last().is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$');
        if !preceded {
            out.push(&after[..end]);
        }
        rest = &after[end..];
    }
    out
}

fn visit(dir: &Path, files: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            visit(&path, files);
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
}

#[test]
fn modules_import_only_their_own_layer_and_those_below() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    visit(&src, &mut files);
    let mut violations = Vec::new();
    let mut checked = 0;
    for file in &files {
        let relative = file.strip_prefix(&src).unwrap();
        let first = relative.components().next().unwrap().as_os_str().to_string_lossy().into_owned();
        let module = first.trim_end_matches(".rs");
        let Some(own) = layer(module) else {
            // lib.rs (the crate root and prelude) and the command line sit on top.
            assert!(matches!(module, "lib" | "bin"), "{} is in no layer: add it to LAYERS", relative.display());
            continue;
        };
        let text = std::fs::read_to_string(file).unwrap();
        for (k, line) in text.lines().enumerate() {
            let code = line.trim_start();
            if code.starts_with("#[cfg(test)]") {
                break; // test modules come last and may use anything
            }
            // Doc comments count (a doc link to an upper layer is knowledge of
            // it); plain comments do not.
            if code.starts_with("//") && !(code.starts_with("///") || code.starts_with("//!")) {
                continue;
            }
            let code = if code.starts_with("//") { code } else { code.split("//").next().unwrap_or("") };
            for target in crate_paths(code) {
                checked += 1;
                if target.is_empty() {
                    violations.push(format!(
                        "{}:{}: a grouped `crate::{{…}}` import: write one path per `use` so this test can read it",
                        relative.display(),
                        k + 1
                    ));
                }
                match layer(target) {
                    Some(l) if l > own => violations.push(format!(
                        "{}:{}: {module} (layer {own}) uses crate::{target} (layer {l})",
                        relative.display(),
                        k + 1
                    )),
                    _ => {}
                }
            }
        }
    }
    assert!(checked > 100, "the scan found only {checked} crate paths: is it reading the sources?");
    assert!(violations.is_empty(), "imports that reach up a layer:\n{}", violations.join("\n"));
}

#[test]
fn the_scan_sees_paths_and_skips_lookalikes() {
    assert_eq!(crate_paths("use crate::model::Model; my_crate::z; $crate::w; crate::solve"), ["model", "solve"]);
    assert_eq!(crate_paths("use crate::{model, solve};"), [""]);
}
