//! Mutation fuzz test of the `sasp` binary: every input file it reads is
//! mutated at random (deterministically) and run, and however broken the file,
//! the run must end cleanly.
//!
//! Formats and seeds (each mutant starts from one seed, in turn):
//! - model files (`models/iannello2013.toml`, `tests/data/fuzz_small_model.toml`),
//!   run by `simulate --model M --scenario <two short arms>`, `export-sbml M`
//!   and `sweep run <three-run spec> --model M`;
//! - scenario files (`models/neutralization.toml`, `tests/data/fuzz_two_arms.toml`),
//!   run by `simulate --scenario S` to CSV and JSON, `export-sbml --scenario S
//!   --arm control` and `sweep run <spec> --scenario S`;
//! - sweep specs (`tests/data/fuzz_sweep_{lhs,grid,cohort}.toml`), run by
//!   `sweep run SPEC` (and `--shard 1/2` on odd mutants);
//! - sweep shard CSVs (two shards of the cohort seed, written by the binary at
//!   the start of the test), one of them mutated, joined by `sweep merge`.
//!
//! Mutations, one to three per mutant: delete, duplicate or swap lines;
//! delete or duplicate a `[[table]]` block; truncate at a byte; replace a
//! number with an extreme one (0, -0.0, 1e308, 1e-320, 5e-324, nan, inf,
//! 1e18, 2^64-1, …) or a plausible one (-14, 0.5, 21, …); swap two names
//! (quoted strings) or two keys; replace a name with a hostile one (empty, a
//! newline, CR LF, NUL, an escape sequence, a comma, quotes, 300 characters,
//! another name of the file or a look-alike of one, `tau-53` for `tau_53`);
//! change a value's type; CR LF line endings; insert a control character.
//!
//! Every command must end with exit code 0, 1 or 2 (never a panic, 101; never
//! a signal, as an abort or an allocation failure gives; never a hang, killed
//! after `SASP_FUZZ_TIMEOUT` seconds, default 20). On exit 0, every number in
//! every file written (CSV, JSON, SBML and manifests) is finite, CSV rows have
//! the header's field count and end in a newline, JSON and XML parse, SBML ids
//! are unique, and no temporary file is left. On a non-zero exit, standard error says something and the command
//! wrote no file at all (no output, no manifest, no `.NAME.tmpPID`). Children
//! run with a 2 GiB address-space limit (`ulimit -v`), so a run that would
//! allocate without bound fails fast, as an abort, instead of taking the
//! machine's memory.
//!
//! Commands:
//! - `cargo test --release --test integration -- fuzz::`: the default count, 400 mutants per
//!   format (1,600 in all, on 2 threads).
//! - `SASP_FUZZ_MUTANTS=5000 cargo test --release --test integration -- fuzz::`: a longer run
//!   (per format).
//! - `SASP_FUZZ_ONLY=model:17 cargo test --release --test integration -- fuzz:: --nocapture`:
//!   rerun one mutant (format `model`, `scenario`, `sweep` or `part`, and its
//!   index; a bare index runs that index of every format) and print its text.
//! - `SASP_FUZZ_SEED=N`: another sequence of mutants (the default is fixed).
//! - add `-- --nocapture` to see the tallies (per format: commands, exit codes
//!   0/1/2, panics, signals or hangs, the slowest command) of a passing run.
//!
//! On failure the test prints each distinct kind of failure (by panic location
//! and message, signal, or broken promise) with how often it happened and its
//! first mutants: format, index, mutations, command, exit status, standard
//! error and the lines that differ from the seed; every failing mutant's full
//! text is written to `target/tmp/fuzz-report/` (the path is printed).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

const DEFAULT_SEED: u64 = 0x5A5F_F022_2013_0001;
const DEFAULT_MUTANTS: usize = 400;
const THREADS: usize = 2;
/// Address-space limit of every child, in KiB (2 GiB).
const MEMORY_LIMIT_KIB: u64 = 2 * 1024 * 1024;

// ---------------------------------------------------------------- generator

/// SplitMix64: small, fast and the same on every machine.
struct Rng(u64);

impl Rng {
    fn new(seed: u64, format: u64, index: u64) -> Rng {
        let mut r = Rng(seed ^ format.wrapping_mul(0xD1B5_4A32_D192_ED03) ^ index.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        r.next();
        r
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n > 0`).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    /// One of `items` (a constant list, never empty).
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// One of `items`, `None` when there are none.
    fn choose<T: Copy>(&mut self, items: &[T]) -> Option<T> {
        (!items.is_empty()).then(|| items[self.below(items.len())])
    }
}

// ---------------------------------------------------------------- mutations

const EXTREME: &[&str] = &[
    "0",
    "-1",
    "-0.0",
    "0.0",
    "1e308",
    "-1e308",
    "1e-320",
    "5e-324",
    "1.5e-20",
    "nan",
    "-nan",
    "inf",
    "-inf",
    "1e18",
    "1000000000000000000",
    "9223372036854775807",
    "-9223372036854775808",
    "18446744073709551615",
    "1e9",
    "1000000000",
    "1e-9",
];

const PLAUSIBLE: &[&str] = &["-14.0", "-20", "-1.0", "0.5", "1", "2", "3.0", "10", "21.0", "100.0", "1e3", "1e4"];

/// Hostile contents of a quoted TOML string (written with TOML escapes).
const HOSTILE: &[&str] = &[
    "",
    " ",
    "\\n",
    "a\\nb",
    "a\\r\\nb",
    "\\r",
    "\\t",
    "\\u0000",
    "\\u001b[31mred",
    "x,y",
    "\\\"q\\\"",
    "<&>",
    "µ",
    "../../x",
    "-",
    "P",
    "T",
    "control",
    "CCL2",
    "1/day",
    "nM",
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
];

/// Values of another type than the key expects.
const RETYPED: &[&str] = &["true", "\"\"", "\"1\"", "[]", "{}", "[1, 2]", "1979-05-27", "{ a = 1 }"];

const CONTROL: &[&str] = &["\0", "\t", "\r", "\x0b", "\x0c", "\x1b", "\x7f", "\u{feff}", "\u{2028}", "\""];

/// A span of bytes in the text.
type Span = (usize, usize);

/// Lines with their endings.
fn lines(text: &str) -> Vec<&str> {
    text.split_inclusive('\n').collect()
}

/// Whether a line says something (not blank, not a comment).
fn is_content(line: &str) -> bool {
    let t = line.trim();
    !t.is_empty() && !t.starts_with('#') && !t.starts_with("description =") && !t.starts_with("source =")
}

/// Spans of the numbers and of the quoted strings' contents, outside comments.
fn tokens(text: &str) -> (Vec<Span>, Vec<Span>) {
    let b = text.as_bytes();
    let (mut numbers, mut strings) = (Vec::new(), Vec::new());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'#' => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'"' => {
                let start = i + 1;
                i += 1;
                while i < b.len() && b[i] != b'"' && b[i] != b'\n' {
                    if b[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
                let end = i.min(b.len());
                strings.push((start, end));
                i = end + 1;
            }
            c => {
                let prev_word = i > 0 && (b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_' || b[i - 1] == b'.');
                let starts = c.is_ascii_digit()
                    || ((c == b'-' || c == b'+') && b.get(i + 1).is_some_and(|d| d.is_ascii_digit()));
                if starts && !prev_word {
                    let start = i;
                    i += 1;
                    while i < b.len() && (b[i].is_ascii_alphanumeric() || matches!(b[i], b'.' | b'_' | b'+' | b'-')) {
                        i += 1;
                    }
                    numbers.push((start, i));
                } else {
                    i += 1;
                }
            }
        }
    }
    // Long strings are prose (descriptions, sources, references), not names.
    strings.retain(|&(s, e)| e - s <= 40);
    (numbers, strings)
}

fn replace(text: &str, (start, end): Span, with: &str) -> String {
    format!("{}{with}{}", &text[..start], &text[end..])
}

/// The `[[table]]` blocks: from a header to the next header (or the end).
fn blocks(ls: &[&str]) -> Vec<(usize, usize)> {
    let heads: Vec<usize> = (0..ls.len()).filter(|&i| ls[i].trim_start().starts_with('[')).collect();
    heads
        .iter()
        .enumerate()
        .filter(|(_, &h)| ls[h].trim_start().starts_with("[["))
        .map(|(k, &h)| (h, heads.get(k + 1).copied().unwrap_or(ls.len())))
        .collect()
}

/// Applies one mutation, or `None` when it does not apply to this text.
fn mutate_once(text: &str, rng: &mut Rng) -> Option<(String, String)> {
    let ls = lines(text);
    let content: Vec<usize> = (0..ls.len()).filter(|&i| is_content(ls[i])).collect();
    let (numbers, strings) = tokens(text);
    let short = |s: &str| visible(&s.chars().take(60).collect::<String>());
    match rng.below(16) {
        0 | 1 => {
            let i = rng.choose(&content)?;
            let mut out = ls.clone();
            out.remove(i);
            Some((out.concat(), format!("delete line {}: {}", i + 1, short(ls[i].trim_end()))))
        }
        2 => {
            let i = rng.choose(&content)?;
            let mut out = ls.clone();
            let line = if ls[i].ends_with('\n') { ls[i].to_string() } else { format!("{}\n", ls[i]) };
            let mut owned: Vec<String> = out.drain(..).map(str::to_string).collect();
            owned.insert(i + 1, line);
            Some((owned.concat(), format!("duplicate line {}: {}", i + 1, short(ls[i].trim_end()))))
        }
        3 => {
            if content.len() < 2 {
                return None;
            }
            let (i, j) = (rng.choose(&content)?, rng.choose(&content)?);
            if i == j {
                return None;
            }
            let mut owned: Vec<String> =
                ls.iter().map(|l| if l.ends_with('\n') { l.to_string() } else { format!("{l}\n") }).collect();
            owned.swap(i, j);
            Some((owned.concat(), format!("swap lines {} and {}", i + 1, j + 1)))
        }
        4 => {
            let mut at = rng.below(text.len() + 1);
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            Some((text[..at].to_string(), format!("truncate at byte {at} of {}", text.len())))
        }
        5..=7 => {
            if numbers.is_empty() {
                return None;
            }
            let span = rng.choose(&numbers)?;
            let with = if rng.below(3) == 0 { rng.pick(PLAUSIBLE) } else { rng.pick(EXTREME) };
            let line = text[..span.0].matches('\n').count() + 1;
            Some((replace(text, span, with), format!("line {line}: number {} -> {with}", &text[span.0..span.1])))
        }
        8 | 9 => {
            if strings.len() < 2 {
                return None;
            }
            let (a, b) = (rng.choose(&strings)?, rng.choose(&strings)?);
            let (a, b) = if a.0 <= b.0 { (a, b) } else { (b, a) };
            if a == b || text[a.0..a.1] == text[b.0..b.1] {
                return None;
            }
            let out =
                format!("{}{}{}{}{}", &text[..a.0], &text[b.0..b.1], &text[a.1..b.0], &text[a.0..a.1], &text[b.1..]);
            Some((out, format!("swap names \"{}\" and \"{}\"", short(&text[a.0..a.1]), short(&text[b.0..b.1]))))
        }
        10 => {
            if strings.is_empty() {
                return None;
            }
            let span = rng.choose(&strings)?;
            let with = if rng.below(3) == 0 {
                // Another name of the file, or a look-alike that differs only in
                // punctuation ("tau_53" -> "tau-53"), as identifiers derived from
                // names (SBML ids) would merge them.
                let other = rng.choose(&strings)?;
                let other = &text[other.0..other.1];
                if rng.below(2) == 0 {
                    other.to_string()
                } else {
                    other.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).collect()
                }
            } else {
                rng.pick(HOSTILE).to_string()
            };
            let line = text[..span.0].matches('\n').count() + 1;
            Some((
                replace(text, span, &with),
                format!("line {line}: name \"{}\" -> \"{}\"", short(&text[span.0..span.1]), short(&with)),
            ))
        }
        11 => {
            let bs = blocks(&ls);
            if bs.is_empty() {
                return None;
            }
            let (s, e) = rng.choose(&bs)?;
            let mut owned: Vec<String> = ls.iter().map(|l| l.to_string()).collect();
            let choice = rng.below(4);
            if choice == 0 {
                // Every table of this kind (`[[compartment]]`, `[[arm]]`, …).
                let head = ls[s].trim().to_string();
                let mut gone = 0;
                for &(s2, e2) in bs.iter().rev() {
                    if ls[s2].trim() == head {
                        owned.drain(s2..e2);
                        gone += 1;
                    }
                }
                Some((owned.concat(), format!("delete all {gone} {head} blocks")))
            } else if choice == 1 {
                owned.drain(s..e);
                Some((owned.concat(), format!("delete block at line {}: {}", s + 1, short(ls[s].trim_end()))))
            } else {
                let mut copy: Vec<String> = owned[s..e].to_vec();
                if let Some(last) = copy.last_mut() {
                    if !last.ends_with('\n') {
                        last.push('\n');
                    }
                }
                owned.splice(e..e, copy);
                Some((owned.concat(), format!("duplicate block at line {}: {}", s + 1, short(ls[s].trim_end()))))
            }
        }
        12 => {
            // Swap two keys (`key = value` lines, or keys inside inline tables).
            let keys: Vec<Span> = content
                .iter()
                .filter_map(|&i| {
                    let start: usize = ls[..i].iter().map(|l| l.len()).sum();
                    let l = ls[i];
                    let eq = l.find('=')?;
                    let key = l[..eq].trim();
                    if key.is_empty() || key.starts_with('[') || !key.chars().all(|c| c.is_alphanumeric() || c == '_') {
                        return None;
                    }
                    let k0 = start + l.find(key)?;
                    Some((k0, k0 + key.len()))
                })
                .collect();
            if keys.len() < 2 {
                return None;
            }
            let (a, b) = (rng.choose(&keys)?, rng.choose(&keys)?);
            let (a, b) = if a.0 <= b.0 { (a, b) } else { (b, a) };
            if a == b || text[a.0..a.1] == text[b.0..b.1] {
                return None;
            }
            let out =
                format!("{}{}{}{}{}", &text[..a.0], &text[b.0..b.1], &text[a.1..b.0], &text[a.0..a.1], &text[b.1..]);
            Some((out, format!("swap keys {} and {}", &text[a.0..a.1], &text[b.0..b.1])))
        }
        13 => {
            // A value of another type.
            let i = rng.choose(&content)?;
            let l = ls[i];
            let eq = l.find('=')?;
            let with = rng.pick(RETYPED);
            let start: usize = ls[..i].iter().map(|l| l.len()).sum();
            let end = start + l.trim_end().len();
            Some((
                replace(text, (start + eq + 1, end), &format!(" {with}")),
                format!("line {}: value -> {with}", i + 1),
            ))
        }
        14 => {
            if rng.below(2) == 0 {
                Some((text.replace("\r\n", "\n").replace('\n', "\r\n"), "CR LF line endings".to_string()))
            } else {
                let i = rng.choose(&content)?;
                let mut owned: Vec<String> = ls.iter().map(|l| l.to_string()).collect();
                if owned[i].ends_with('\n') && !owned[i].ends_with("\r\n") {
                    let at = owned[i].len() - 1;
                    owned[i].insert(at, '\r');
                }
                Some((owned.concat(), format!("CR LF ending on line {}", i + 1)))
            }
        }
        _ => {
            let mut at = rng.below(text.len() + 1);
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            let c = rng.pick(CONTROL);
            let line = text[..at].matches('\n').count() + 1;
            Some((format!("{}{c}{}", &text[..at], &text[at..]), format!("line {line}: insert {}", c.escape_debug())))
        }
    }
}

/// One to three mutations of `seed`, and what they were.
fn mutant(seed: &str, rng: &mut Rng) -> (String, Vec<String>) {
    let count = 1 + rng.below(3);
    let mut text = seed.to_string();
    let mut done = Vec::new();
    let mut tries = 0;
    while done.len() < count && tries < 50 {
        tries += 1;
        if text.is_empty() {
            break;
        }
        if let Some((t, what)) = mutate_once(&text, rng) {
            text = t;
            done.push(what);
        }
    }
    (text, done)
}

// ---------------------------------------------------------------- formats

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Format {
    Model,
    Scenario,
    Sweep,
    Part,
}

impl Format {
    const ALL: [Format; 4] = [Format::Model, Format::Scenario, Format::Sweep, Format::Part];

    fn name(self) -> &'static str {
        match self {
            Format::Model => "model",
            Format::Scenario => "scenario",
            Format::Sweep => "sweep",
            Format::Part => "part",
        }
    }

    /// The file the mutant is written to.
    fn file(self) -> &'static str {
        match self {
            Format::Model => "model.toml",
            Format::Scenario => "scenario.toml",
            Format::Sweep => "spec.toml",
            Format::Part => "part0.csv",
        }
    }

    /// The commands a mutant of this format is run by (inputs are in the run's folder).
    fn commands(self, index: usize) -> Vec<Vec<&'static str>> {
        match self {
            Format::Model => vec![
                vec!["simulate", "--model", "model.toml", "--scenario", "arms.toml", "-o", "out.csv"],
                vec!["export-sbml", "model.toml", "-o", "out.xml"],
                vec!["sweep", "run", "spec.toml", "--model", "model.toml", "-o", "sweep.csv"],
            ],
            Format::Scenario => vec![
                vec!["simulate", "--scenario", "scenario.toml", "-o", "out.csv"],
                vec!["simulate", "--scenario", "scenario.toml", "-o", "out.json"],
                vec!["export-sbml", "model.toml", "--scenario", "scenario.toml", "--arm", "control", "-o", "out.xml"],
                vec!["sweep", "run", "spec.toml", "--scenario", "scenario.toml", "-o", "sweep.csv"],
            ],
            Format::Sweep if index % 2 == 1 => {
                vec![vec!["sweep", "run", "spec.toml", "--shard", "1/2", "-o", "sweep.csv"]]
            }
            Format::Sweep => vec![vec!["sweep", "run", "spec.toml", "-o", "sweep.csv"]],
            Format::Part => vec![vec!["sweep", "merge", "part1.csv", "part0.csv", "-o", "merged.csv"]],
        }
    }
}

/// Seeds and fixed inputs.
struct Inputs {
    seeds: BTreeMap<Format, Vec<(String, String)>>,
    /// Files every run's folder gets besides the mutant: name and text.
    fixed: BTreeMap<Format, Vec<(&'static str, String)>>,
}

fn read(path: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("seed {}: {e}", path.display()))
}

fn inputs(base: &Path) -> Inputs {
    let named = |paths: &[&str]| paths.iter().map(|p| (p.to_string(), read(p))).collect::<Vec<_>>();
    let arms = read("tests/data/fuzz_two_arms.toml");
    let spec = read("tests/data/fuzz_sweep_lhs.toml");
    let small = read("tests/data/fuzz_small_model.toml");
    // Two shards of the cohort seed, written by the binary itself.
    let dir = base.join("shards");
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    let cohort = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/fuzz_sweep_cohort.toml");
    let mut parts = Vec::new();
    for shard in ["0/2", "1/2"] {
        let out = dir.join(format!("part{}.csv", &shard[..1]));
        let status = Command::new(env!("CARGO_BIN_EXE_sasp"))
            .args(["sweep", "run"])
            .arg(&cohort)
            .args(["--shard", shard, "-o"])
            .arg(&out)
            .stderr(Stdio::null())
            .status()
            .unwrap_or_else(|e| panic!("sasp: {e}"));
        assert!(status.success(), "the unmutated cohort shard {shard} failed: {status}");
        parts.push(std::fs::read_to_string(&out).unwrap_or_else(|e| panic!("{}: {e}", out.display())));
    }
    let mut seeds = BTreeMap::new();
    seeds.insert(Format::Model, named(&["models/iannello2013.toml", "tests/data/fuzz_small_model.toml"]));
    seeds.insert(Format::Scenario, named(&["models/neutralization.toml", "tests/data/fuzz_two_arms.toml"]));
    seeds.insert(
        Format::Sweep,
        named(&[
            "tests/data/fuzz_sweep_lhs.toml",
            "tests/data/fuzz_sweep_grid.toml",
            "tests/data/fuzz_sweep_cohort.toml",
        ]),
    );
    seeds.insert(
        Format::Part,
        vec![
            ("shard 0/2 of fuzz_sweep_cohort".into(), parts[0].clone()),
            ("shard 1/2 of fuzz_sweep_cohort".into(), parts[1].clone()),
        ],
    );
    let mut fixed = BTreeMap::new();
    fixed.insert(Format::Model, vec![("arms.toml", arms), ("spec.toml", spec.clone())]);
    fixed.insert(Format::Scenario, vec![("model.toml", small), ("spec.toml", spec)]);
    fixed.insert(Format::Sweep, vec![]);
    fixed.insert(Format::Part, vec![]);
    Inputs { seeds, fixed }
}

// ---------------------------------------------------------------- checks

/// How one command ended.
struct Outcome {
    command: String,
    status: String,
    code: Option<i32>,
    /// Wall time of the command, seconds.
    seconds: f64,
    stderr: String,
    /// What broke, as a signature shared by failures of one kind (digits masked).
    problems: Vec<String>,
}

/// Splits one CSV line into fields, with whether each was quoted.
fn csv_fields(line: &str) -> Option<Vec<(String, bool)>> {
    let mut fields = Vec::new();
    let mut chars = line.chars().peekable();
    loop {
        let mut field = String::new();
        let quoted = chars.peek() == Some(&'"');
        if quoted {
            chars.next();
            loop {
                match chars.next() {
                    Some('"') if chars.peek() == Some(&'"') => {
                        chars.next();
                        field.push('"');
                    }
                    Some('"') => break,
                    Some(c) => field.push(c),
                    None => return None,
                }
            }
        }
        loop {
            match chars.next() {
                Some(',') => break,
                Some(c) if !quoted => field.push(c),
                Some(_) => return None,
                None => {
                    fields.push((field, quoted));
                    return Some(fields);
                }
            }
        }
        fields.push((field, quoted));
    }
}

fn non_finite_number(field: &str) -> bool {
    let t = field.trim().to_ascii_lowercase();
    matches!(t.trim_start_matches(['-', '+']), "nan" | "inf" | "infinity")
        || t.parse::<f64>().is_ok_and(|v| !v.is_finite())
}

fn check_csv(name: &str, text: &str, problems: &mut Vec<String>) {
    if !text.is_empty() && !text.ends_with('\n') {
        problems.push(format!("{name}: the last row has no newline"));
    }
    let mut rows = text.lines();
    let Some(header) = rows.next().and_then(csv_fields) else {
        problems.push(format!("{name}: no header"));
        return;
    };
    let names: Vec<String> = header.into_iter().map(|(f, _)| f).collect();
    for (k, row) in rows.enumerate() {
        let Some(fields) = csv_fields(row) else {
            problems.push(format!("{name}: an unterminated quote — row {}", k + 2));
            continue;
        };
        if fields.len() != names.len() {
            problems.push(format!(
                "{name}: a row with another field count than the header — row {}: {} fields, header {}",
                k + 2,
                fields.len(),
                names.len()
            ));
            continue;
        }
        for ((field, quoted), column) in fields.iter().zip(&names) {
            if *quoted || column == "arm" || column == "status" {
                continue;
            }
            if non_finite_number(field) {
                problems.push(format!("{name}: non-finite {column} — '{field}' in row {}", k + 2));
            } else if !field.is_empty() && field.parse::<f64>().is_err() {
                problems.push(format!("{name}: {column} is not a number — '{field}' in row {}", k + 2));
            }
        }
        if names.last().is_some_and(|n| n == "status") && fields.last().is_some_and(|(f, _)| f.is_empty()) {
            problems.push(format!("{name}: a row without a status — row {}", k + 2));
        }
    }
}

fn check_json(name: &str, text: &str, problems: &mut Vec<String>) {
    // serde_json refuses NaN, infinities and out-of-range numbers.
    if let Err(e) = serde_json::from_str::<serde_json::Value>(text) {
        problems.push(format!("{name}: not JSON — {e}"));
    }
}

fn check_xml(name: &str, text: &str, problems: &mut Vec<String>) {
    let doc = match roxmltree::Document::parse(text) {
        Ok(doc) => doc,
        Err(e) => return problems.push(format!("{name}: not well-formed XML — {e}")),
    };
    // SBML identifiers are unique (unit definitions have a namespace of their own).
    let mut ids = BTreeSet::new();
    for node in doc.descendants().filter(|n| n.is_element() && n.tag_name().name() != "unitDefinition") {
        if let Some(id) = node.attribute("id") {
            if !ids.insert(id) {
                problems.push(format!("{name}: a duplicate SBML id — '{id}'"));
            }
        }
    }
    // <cn> numbers and numeric attributes.
    for piece in text.split("<cn>").skip(1) {
        if let Some(v) = piece.split("</cn>").next() {
            if non_finite_number(v) {
                problems.push(format!("{name}: non-finite number in SBML — <cn>{}</cn>", v.trim()));
            }
        }
    }
    for attr in ["value", "initialConcentration", "initialAmount", "size", "stoichiometry", "multiplier", "exponent"] {
        let pattern = format!(" {attr}=\"");
        for piece in text.split(&pattern).skip(1) {
            if let Some(v) = piece.split('"').next() {
                if non_finite_number(v) {
                    problems.push(format!("{name}: non-finite number in SBML — {attr}=\"{v}\""));
                }
            }
        }
    }
}

fn check_file(path: &Path, problems: &mut Vec<String>) {
    let name = path.file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let text = match std::fs::read(path) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(t) => t,
            Err(_) => return problems.push(format!("{name}: not UTF-8")),
        },
        Err(e) => return problems.push(format!("{name}: unreadable: {e}")),
    };
    if name.ends_with(".json") {
        check_json(&name, &text, problems);
    } else if name.ends_with(".csv") {
        check_csv(&name, &text, problems);
    } else if name.ends_with(".xml") {
        check_xml(&name, &text, problems);
    }
}

fn listing(dir: &Path) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .map(|it| it.filter_map(|e| e.ok()).map(|e| e.file_name().to_string_lossy().into_owned()).collect())
        .unwrap_or_default()
}

/// Masks digits so that failures of one kind share a signature.
fn mask(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_digit() {
            if !out.ends_with('#') {
                out.push('#');
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// The panic's location and message, from standard error.
fn panic_signature(stderr: &str) -> String {
    let mut it = stderr.lines().skip_while(|l| !l.contains("panicked at"));
    let at = it.next().unwrap_or("panicked (no message)");
    let at = at.split("panicked at").nth(1).unwrap_or(at).trim().trim_end_matches(':');
    let message = it.next().unwrap_or("").trim();
    // The first frame of our own code (children run with RUST_BACKTRACE=1), for
    // panics located in the standard library.
    let frame = stderr
        .lines()
        .map(str::trim)
        .find(|l| l.contains(": sasp::") && !l.contains("panicking"))
        .and_then(|l| l.split(": ").nth(1))
        .map_or_else(String::new, |f| format!(" (in {f})"));
    // Keep the location's line number (it is the point of the report), mask the message.
    format!("panic at {at}{frame}: {}", mask(&message.chars().take(120).collect::<String>()))
}

fn run_command(dir: &Path, args: &[&str], timeout: Duration) -> Outcome {
    let command = format!("sasp {}", args.join(" "));
    let before = listing(dir);
    let stderr_path = dir.with_extension("stderr");
    let mut problems = Vec::new();
    let spawned = std::fs::File::create(&stderr_path).and_then(|err| {
        Command::new("sh")
            .arg("-c")
            .arg(format!("ulimit -v {MEMORY_LIMIT_KIB} 2>/dev/null; exec \"$0\" \"$@\""))
            .arg(env!("CARGO_BIN_EXE_sasp"))
            .args(args)
            .current_dir(dir)
            .env("RUST_BACKTRACE", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(err)
            .spawn()
    });
    let mut child = match spawned {
        Ok(c) => c,
        Err(e) => {
            return Outcome {
                command,
                status: "not started".into(),
                code: None,
                seconds: 0.0,
                stderr: e.to_string(),
                problems: vec![format!("harness: {e}")],
            }
        }
    };
    let start = Instant::now();
    let mut hung = false;
    let status = loop {
        match child.try_wait() {
            Ok(Some(s)) => break Some(s),
            Ok(None) if start.elapsed() > timeout => {
                hung = true;
                let _ = child.kill();
                break child.wait().ok();
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(2)),
            Err(_) => break None,
        }
    };
    let stderr = std::fs::read_to_string(&stderr_path).unwrap_or_default();
    let _ = std::fs::remove_file(&stderr_path);
    let status_text = status.map_or_else(|| "unknown".to_string(), |s| s.to_string());
    let code = status.and_then(|s| s.code());
    if hung {
        problems.push(format!("hang: no exit after {} s ({})", timeout.as_secs(), args[..2].join(" ")));
    } else {
        match code {
            Some(0..=2) => {}
            Some(101) => problems.push(panic_signature(&stderr)),
            Some(c) => problems.push(format!("exit code {c} — {}", stderr.lines().next().unwrap_or(""))),
            None => {
                use std::os::unix::process::ExitStatusExt;
                let signal = status.and_then(|s| s.signal()).unwrap_or(0);
                let first = stderr.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
                problems.push(format!("killed by signal {signal}: {}", mask(first)))
            }
        }
    }
    let new: Vec<String> = listing(dir).difference(&before).cloned().collect();
    if code == Some(0) {
        for f in &new {
            if f.contains(".tmp") {
                problems.push(format!("temporary file {} left after success", mask(f)));
            } else {
                check_file(&dir.join(f), &mut problems);
            }
        }
        let out = args.iter().position(|a| *a == "-o").and_then(|k| args.get(k + 1));
        if let Some(out) = out {
            if !dir.join(out).is_file() {
                problems.push(format!("exit 0 but no {out}"));
            }
        }
    } else if !hung && code.is_some() {
        if !new.is_empty() {
            problems.push(format!("failed ({}) but left {}", args[..2].join(" "), mask(&new.join(", "))));
        }
        if stderr.trim().is_empty() {
            problems.push(format!("failed ({}) without a message", args[..2].join(" ")));
        }
    }
    // The next command starts from the inputs alone.
    for f in &new {
        let _ = std::fs::remove_file(dir.join(f));
    }
    Outcome { command, status: status_text, code, seconds: start.elapsed().as_secs_f64(), stderr, problems }
}

// ---------------------------------------------------------------- driver

struct Failure {
    format: Format,
    index: usize,
    seed_name: String,
    mutations: Vec<String>,
    diff: String,
    text: String,
    outcome: Outcome,
}

/// Control characters escaped, the rest as is.
fn visible(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() || c == '\u{feff}' { c.escape_debug().to_string() } else { c.to_string() })
        .collect()
}

/// The lines that differ between seed and mutant (common head and tail cut).
fn diff(seed: &str, text: &str) -> String {
    let (a, b) = (lines(seed), lines(text));
    let head = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let tail = a[head..].iter().rev().zip(b[head..].iter().rev()).take_while(|(x, y)| x == y).count();
    let mut out = format!("@@ line {} @@\n", head + 1);
    let show = |l: &str| visible(l.trim_end_matches('\n'));
    for l in a[head..a.len() - tail].iter().take(20) {
        out.push_str(&format!("-{}\n", show(l)));
    }
    for l in b[head..b.len() - tail].iter().take(20) {
        out.push_str(&format!("+{}\n", show(l)));
    }
    out
}

fn env_usize(name: &str) -> Option<usize> {
    std::env::var(name).ok().and_then(|v| v.trim().parse().ok())
}

/// `SASP_FUZZ_ONLY`: `format:index` or `index`.
fn only() -> Option<(Option<Format>, usize)> {
    let v = std::env::var("SASP_FUZZ_ONLY").ok()?;
    match v.split_once(':') {
        Some((f, i)) => Some((Format::ALL.into_iter().find(|x| x.name() == f), i.trim().parse().ok()?)),
        None => Some((None, v.trim().parse().ok()?)),
    }
}

/// How many commands ended how: exit codes 0, 1, 2, panics (101), other;
/// and the slowest command (seconds, index, command).
#[derive(Default)]
struct Tally {
    exits: [usize; 5],
    slowest: (f64, usize, String),
}

fn tally(tally: &mut Tally, index: usize, outcome: &Outcome) {
    if outcome.seconds > tally.slowest.0 {
        tally.slowest = (outcome.seconds, index, outcome.command.clone());
    }
    let slot = match outcome.code {
        Some(0) => 0,
        Some(1) => 1,
        Some(2) => 2,
        Some(101) => 3,
        _ => 4,
    };
    tally.exits[slot] += 1;
}

fn run_mutant(
    base: &Path,
    inputs: &Inputs,
    seed: u64,
    format: Format,
    index: usize,
    timeout: Duration,
    counts: &mut Tally,
) -> Vec<Failure> {
    let seeds = &inputs.seeds[&format];
    let (seed_name, seed_text) = &seeds[index % seeds.len()];
    let mut rng = Rng::new(seed, format as u64 + 1, index as u64);
    let (text, mutations) = mutant(seed_text, &mut rng);
    let dir = base.join(format!("{}-{index}", format.name()));
    let _ = std::fs::remove_dir_all(&dir);
    if let Err(e) = std::fs::create_dir_all(&dir) {
        panic!("{}: {e}", dir.display());
    }
    let mut files: Vec<(&str, String)> = inputs.fixed[&format].clone();
    files.push((format.file(), text.clone()));
    if format == Format::Part {
        // The other shard, intact.
        files.push(("part1.csv", seeds[(index + 1) % seeds.len()].1.clone()));
    }
    for (name, body) in &files {
        std::fs::write(dir.join(name), body).unwrap_or_else(|e| panic!("{}: {e}", dir.join(name).display()));
    }
    let mut failures = Vec::new();
    for args in format.commands(index) {
        let outcome = run_command(&dir, &args, timeout);
        tally(counts, index, &outcome);
        if !outcome.problems.is_empty() {
            failures.push(Failure {
                format,
                index,
                seed_name: seed_name.clone(),
                mutations: mutations.clone(),
                diff: diff(seed_text, &text),
                text: text.clone(),
                outcome,
            });
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    failures
}

fn report(failures: &[Failure], report_dir: &Path) -> String {
    let mut kinds: BTreeMap<String, Vec<&Failure>> = BTreeMap::new();
    for f in failures {
        let distinct: BTreeSet<String> = f.outcome.problems.iter().map(|p| mask_problem(p)).collect();
        for kind in distinct {
            kinds.entry(kind).or_default().push(f);
        }
    }
    let _ = std::fs::create_dir_all(report_dir);
    let mut out = format!("{} failing commands, {} kinds of failure:\n", failures.len(), kinds.len());
    for (kind, fs) in &kinds {
        out.push_str(&format!("\n=== {kind}  ({} times)\n", fs.len()));
        for f in fs.iter().take(2) {
            let file = report_dir.join(format!("{}-{}-{}", f.format.name(), f.index, f.format.file()));
            let _ = std::fs::write(&file, &f.text);
            out.push_str(&format!(
                "--- {}:{} (seed {}), mutations: {}\n    {} -> {}\n    stderr: {}\n    mutant: {}\n{}",
                f.format.name(),
                f.index,
                f.seed_name,
                f.mutations.join("; "),
                f.outcome.command,
                f.outcome.status,
                f.outcome.stderr.trim().lines().take(6).collect::<Vec<_>>().join("\n            "),
                file.display(),
                f.diff
            ));
        }
    }
    for f in failures {
        let file = report_dir.join(format!("{}-{}-{}", f.format.name(), f.index, f.format.file()));
        let _ = std::fs::write(&file, &f.text);
    }
    out
}

/// A problem's kind: panics keep their location, the rest are masked.
fn mask_problem(p: &str) -> String {
    if p.starts_with("panic at") {
        p.to_string()
    } else {
        mask(p.split(" — ").next().unwrap_or(p))
    }
}

#[test]
fn mutants_end_cleanly() {
    let seed = std::env::var("SASP_FUZZ_SEED").ok().and_then(|v| v.parse().ok()).unwrap_or(DEFAULT_SEED);
    let count = env_usize("SASP_FUZZ_MUTANTS").unwrap_or(DEFAULT_MUTANTS);
    let timeout = Duration::from_secs(env_usize("SASP_FUZZ_TIMEOUT").unwrap_or(20) as u64);
    let base = std::env::temp_dir().join(format!("sasp-fuzz-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&base);
    let inputs = inputs(&base);
    let jobs: Vec<(Format, usize)> = match only() {
        Some((format, index)) => {
            Format::ALL.into_iter().filter(|f| format.is_none_or(|g| g == *f)).map(|f| (f, index)).collect()
        }
        None => (0..count).flat_map(|i| Format::ALL.into_iter().map(move |f| (f, i))).collect(),
    };
    if only().is_some() {
        for &(format, index) in &jobs {
            let seeds = &inputs.seeds[&format];
            let (name, text) = &seeds[index % seeds.len()];
            let (mutant_text, mutations) = mutant(text, &mut Rng::new(seed, format as u64 + 1, index as u64));
            println!("=== {}:{index} (seed {name}): {}\n{mutant_text}", format.name(), mutations.join("; "));
        }
    }
    let next = AtomicUsize::new(0);
    let failures = Mutex::new(Vec::new());
    let counts: Mutex<BTreeMap<Format, Tally>> = Mutex::new(BTreeMap::new());
    let start = Instant::now();
    std::thread::scope(|s| {
        for _ in 0..THREADS {
            s.spawn(|| loop {
                let k = next.fetch_add(1, Ordering::Relaxed);
                let Some(&(format, index)) = jobs.get(k) else { break };
                let mut mine = Tally::default();
                let found = run_mutant(&base, &inputs, seed, format, index, timeout, &mut mine);
                if let Ok(mut c) = counts.lock() {
                    let total = c.entry(format).or_default();
                    for (t, n) in total.exits.iter_mut().zip(mine.exits) {
                        *t += n;
                    }
                    if mine.slowest.0 > total.slowest.0 {
                        total.slowest = mine.slowest;
                    }
                }
                if let Ok(mut all) = failures.lock() {
                    all.extend(found);
                }
            });
        }
    });
    let _ = std::fs::remove_dir_all(&base);
    let mut failures = failures.into_inner().unwrap_or_else(|e| e.into_inner());
    failures.sort_by_key(|f| (f.format, f.index));
    let counts = counts.into_inner().unwrap_or_else(|e| e.into_inner());
    let mut summary = format!(
        "fuzz: {} mutants ({count} per format, seed {seed:#x}) in {:.1} s, {} failing commands; exits of the commands:",
        jobs.len(),
        start.elapsed().as_secs_f64(),
        failures.len()
    );
    for (format, c) in &counts {
        let e = &c.exits;
        summary.push_str(&format!(
            "\n  {:<8} {:>6} commands: exit 0 {}, exit 1 {}, exit 2 {}, panic {}, signal or hang {}; slowest {:.2} s ({}:{}, {})",
            format.name(),
            e.iter().sum::<usize>(),
            e[0],
            e[1],
            e[2],
            e[3],
            e[4],
            c.slowest.0,
            format.name(),
            c.slowest.1,
            c.slowest.2
        ));
    }
    eprintln!("{summary}");
    if !failures.is_empty() {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("fuzz-report");
        let text = report(&failures, &dir);
        let _ = std::fs::write(dir.join("report.txt"), &text);
        panic!("{text}\n(report also in {})", dir.join("report.txt").display());
    }
}

#[test]
fn the_seeds_run_cleanly_and_mutants_are_reproducible() {
    // Unmutated seeds pass every check, so a failure of the fuzz test is the mutation's.
    let base: PathBuf = std::env::temp_dir().join(format!("sasp-fuzz-seeds-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&base);
    let inputs = inputs(&base);
    for format in Format::ALL {
        for (k, (name, text)) in inputs.seeds[&format].iter().enumerate() {
            let dir = base.join(format!("{}-{k}", format.name()));
            std::fs::create_dir_all(&dir).unwrap();
            for (f, body) in &inputs.fixed[&format] {
                std::fs::write(dir.join(f), body).unwrap();
            }
            std::fs::write(dir.join(format.file()), text).unwrap();
            if format == Format::Part {
                std::fs::write(dir.join("part1.csv"), &inputs.seeds[&format][(k + 1) % 2].1).unwrap();
            }
            for args in format.commands(k) {
                let o = run_command(&dir, &args, Duration::from_secs(60));
                assert!(
                    o.problems.is_empty() && o.code == Some(0),
                    "{name}: {}: {:?}\n{}",
                    o.command,
                    o.problems,
                    o.stderr
                );
            }
        }
    }
    let _ = std::fs::remove_dir_all(&base);
    // Same seed, same mutant.
    let seed = &inputs.seeds[&Format::Model][1].1;
    for i in 0..20 {
        let a = mutant(seed, &mut Rng::new(DEFAULT_SEED, 1, i));
        let b = mutant(seed, &mut Rng::new(DEFAULT_SEED, 1, i));
        assert_eq!(a, b);
        assert!(!a.1.is_empty() || a.0.is_empty());
    }
}

// ---------------------------------------------------------------- fixed cases
//
// Single inputs the fuzz test found that no other test covers: each runs one
// command under the fuzz test's checks (clean exit, finite and well-formed
// output, nothing left on failure).

/// Runs `args` in a fresh folder holding `files`, under the fuzz test's checks.
fn hostile(name: &str, files: &[(&str, String)], args: &[&str]) -> Outcome {
    let dir = std::env::temp_dir().join(format!("sasp-fuzz-case-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for (f, body) in files {
        std::fs::write(dir.join(f), body).unwrap();
    }
    let outcome = run_command(&dir, args, Duration::from_secs(60));
    let _ = std::fs::remove_dir_all(&dir);
    outcome
}

fn assert_refused(o: &Outcome) {
    assert!(o.problems.is_empty(), "{}: {:?}\n{}", o.command, o.problems, o.stderr);
    assert_eq!(o.code, Some(1), "{} should be refused:\n{}", o.command, o.stderr);
}

#[test]
fn a_p53_switch_off_at_nan_is_refused() {
    // `off <= on` is false for NaN (src/intervene/mod.rs), so the arm ran with
    // doxycycline never switched off and its SBML had <cn>NaN</cn>.
    let scenario = read("tests/data/fuzz_two_arms.toml").replace("off = 2.5", "off = nan");
    let files = [("s.toml", scenario), ("m.toml", read("models/iannello2013.toml"))];
    assert_refused(&hostile("off-nan-sim", &files, &["simulate", "--scenario", "s.toml", "-o", "out.csv"]));
    assert_refused(&hostile(
        "off-nan-sbml",
        &files,
        &["export-sbml", "m.toml", "--scenario", "s.toml", "--arm", "control", "-o", "out.xml"],
    ));
}

#[test]
fn a_cohort_never_writes_an_infinite_parameter() {
    // exp(sigma z) overflows for a large sigma: the sample was written as `inf`.
    let spec = read("tests/data/fuzz_sweep_cohort.toml").replace("sigma = 0.3", "sigma = 1e3");
    let o = hostile("cohort-inf", &[("spec.toml", spec)], &["sweep", "run", "spec.toml", "-o", "out.csv"]);
    assert!(o.problems.is_empty(), "{:?}\n{}", o.problems, o.stderr);
}

#[test]
fn sbml_export_stays_well_formed_with_control_characters_in_text() {
    // A NUL (or ESC, …) in a name or source went into the XML unescaped.
    let model =
        read("tests/data/fuzz_small_model.toml").replace("name = \"fuzz_small\"", "name = \"fuzz\\u0000small\"");
    let o = hostile("sbml-nul", &[("m.toml", model)], &["export-sbml", "m.toml", "-o", "out.xml"]);
    assert!(o.problems.is_empty(), "{:?}\n{}", o.problems, o.stderr);
    let model = read("tests/data/fuzz_small_model.toml")
        .replace("name = \"K2\"", "name = \"K2\"\nsource = \"esc \\u001b[31m\"");
    let o = hostile("sbml-esc", &[("m.toml", model)], &["export-sbml", "m.toml", "-o", "out.xml"]);
    assert!(o.problems.is_empty(), "{:?}\n{}", o.problems, o.stderr);
}

#[test]
fn sbml_ids_stay_unique_for_names_that_differ_in_punctuation() {
    // "a-b" and "a_b" both became the SBML id "a_b".
    let model = read("tests/data/fuzz_small_model.toml")
        .replace("\"eps\"", "\"a-b\"")
        .replace("\"tau\"", "\"a_b\"")
        .replace("1/tau", "1/a_b");
    let o = hostile("sbml-ids", &[("m.toml", model)], &["export-sbml", "m.toml", "-o", "out.xml"]);
    assert!(o.problems.is_empty(), "{:?}\n{}", o.problems, o.stderr);
}

#[test]
fn a_model_starting_at_minus_1e308_is_refused() {
    // The sample count (t_end - t0) / sample_every saturated to usize::MAX
    // (capacity overflow in Experiment::run_prepared).
    let model = read("tests/data/fuzz_small_model.toml").replace("initial_time = -14.0", "initial_time = -1e308");
    let files = [("m.toml", model), ("s.toml", read("tests/data/fuzz_two_arms.toml"))];
    assert_refused(&hostile("t0", &files, &["simulate", "--model", "m.toml", "--scenario", "s.toml", "-o", "out.csv"]));
}

#[test]
fn merge_refuses_cells_that_are_not_finite_numbers() {
    // Merge checked only the run number and copied `inf`, `nan` and torn cells.
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/fuzz_sweep_cohort.toml");
    let dir = std::env::temp_dir().join(format!("sasp-fuzz-case-merge-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut parts = Vec::new();
    for shard in ["0/2", "1/2"] {
        let out = dir.join("part.csv");
        let status = Command::new(env!("CARGO_BIN_EXE_sasp"))
            .args(["sweep", "run"])
            .arg(&spec)
            .args(["--shard", shard, "-o"])
            .arg(&out)
            .stderr(Stdio::null())
            .status()
            .unwrap();
        assert!(status.success());
        parts.push(std::fs::read_to_string(&out).unwrap());
    }
    let _ = std::fs::remove_dir_all(&dir);
    for (k, bad) in ["inf", "nan", "1.2 3e1", ""].into_iter().enumerate() {
        // The first row's volume at day 0 (the fourth field).
        let mut lines: Vec<String> = parts[0].lines().map(str::to_string).collect();
        let mut fields: Vec<&str> = lines[1].split(',').collect();
        fields[3] = bad;
        lines[1] = fields.join(",");
        let part0 = lines.join("\n") + "\n";
        let files = [("a.csv", part0), ("b.csv", parts[1].clone())];
        let o = hostile(&format!("merge-{k}"), &files, &["sweep", "merge", "a.csv", "b.csv", "-o", "m.csv"]);
        if bad.is_empty() {
            // An empty cell is a value the run did not reach: allowed.
            assert!(o.problems.is_empty() && o.code == Some(0), "{:?}\n{}", o.problems, o.stderr);
        } else {
            assert_refused(&o);
        }
    }
}
