//! `sasp ssa` and `sasp ssa-merge`: shards that merge into exactly a single
//! run (files and `Ensemble`s), refusals of incomplete and mismatched
//! shard sets and of bad flags, and a birth–death model file against the
//! Poisson law.

use sasp::prelude::*;
use sasp::ssa::shard::{merge, shard_chunks, Identity, Shard};
use sasp::ssa::{Method, Options, Stochastic};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Birth at `k1 = 10`, death at `k2·X` (`k2 = 1`), from 0: at `t`, `X` is
/// Poisson with mean `10(1 − e^{−t})`.
const BIRTH_DEATH: &str = r#"
[model]
name = "birth-death"

[[compartment]]
name = "X"
kind = "index.X"
unit = "1"
initial = 0.0

[[parameter]]
name = "k1"
value = 10.0
unit = "1/day"
tag = "A"

[[parameter]]
name = "k2"
value = 1.0
unit = "1/day"
tag = "A"

[[process]]
name = "birth"
changes = { X = 1 }
rate = { law = "constant", k = "k1" }

[[process]]
name = "death"
changes = { X = -1 }
rate = { law = "first_order", k = "k2", of = "X" }
"#;

fn folder(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sasp-ssa-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn model_file(dir: &Path) -> String {
    let path = dir.join("bd.toml");
    std::fs::write(&path, BIRTH_DEATH).unwrap();
    path.display().to_string()
}

fn sasp(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sasp")).args(args).output().unwrap()
}

fn ok(args: &[&str]) {
    let out = sasp(args);
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

fn refused(args: &[&str], code: i32, says: &str) {
    let out = sasp(args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(code), "{args:?}: {stderr}");
    assert!(stderr.contains(says), "{args:?}: '{stderr}' does not say '{says}'");
}

fn s(p: &Path) -> String {
    p.display().to_string()
}

#[test]
fn shards_merge_into_the_files_of_a_single_run_byte_for_byte() {
    let dir = folder("shards");
    let model = model_file(&dir);
    let common = ["--t-end", "6", "--every", "1.5", "--trajectories", "300", "--seed", "7", "--extinction", "X"];
    let one = dir.join("one.csv");
    let mut args = vec!["ssa", model.as_str(), "--method", "direct", "--threads", "2", "--progress", "-o"];
    let one_s = s(&one);
    args.push(&one_s);
    args.extend(common);
    let out = sasp(&args);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("chunks"), "--progress prints the chunks done");
    let mut parts = Vec::new();
    for i in 0..3 {
        let part = s(&dir.join(format!("part{i}.json")));
        let shard = format!("{i}/3");
        let mut args = vec!["ssa", model.as_str(), "--method", "direct", "--threads", "1", "--shard", &shard, "-o"];
        args.push(&part);
        args.extend(common);
        let out = sasp(&args);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        assert!(!String::from_utf8_lossy(&out.stderr).contains("%)"), "no progress line off a terminal by default");
        parts.push(part);
    }
    let merged = s(&dir.join("merged.csv"));
    let plot = s(&dir.join("merged.png"));
    ok(&["ssa-merge", &parts[2], &parts[0], &parts[1], "-o", &merged, "--plot", &plot]);
    assert!(std::fs::metadata(&plot).unwrap().len() > 1000, "the figure is drawn");
    let read = |p: &str| std::fs::read(p).unwrap();
    assert_eq!(read(&s(&one)), read(&merged));
    assert_eq!(read(&s(&dir.join("one.extinction.csv"))), read(&s(&dir.join("merged.extinction.csv"))));
    let header = String::from_utf8(read(&merged)).unwrap();
    assert!(header.starts_with("time,X-mean,X-sd,X-q05,X-q50,X-q95,extinct-X\n"), "{header}");
    assert_eq!(header.lines().count(), 1 + 5);
}

fn birth_death() -> Model {
    Model::from_toml_str(BIRTH_DEATH, "bd.toml").unwrap()
}

#[test]
fn shards_merge_into_the_ensemble_of_a_single_run_through_their_files() {
    let model = birth_death();
    let s = Stochastic::new(&model).unwrap();
    let times = [0.0, 0.5, 2.0, 5.0];
    let n = 1000; // 32 chunks, the last of 8
    for method in [Method::Direct, Method::NextReaction, Method::TauLeaping] {
        let options = Options { method, seed: 3, extinction: vec!["X".into()], ..Options::default() };
        let single = s.ensemble(&times, n, &Options { threads: Some(2), ..options.clone() }).unwrap();
        for count in [1, 3, 5, 40] {
            let shards: Vec<Shard> = (0..count)
                .rev()
                .map(|i| {
                    let chunks = s
                        .ensemble_chunks(
                            &times,
                            n,
                            &Options { threads: Some(1), ..options.clone() },
                            shard_chunks(n, i, count),
                            None,
                        )
                        .unwrap();
                    let shard = Shard {
                        path: format!("part{i}.json").into(),
                        identity: Identity {
                            model: "birth-death".into(),
                            fingerprint: "f".into(),
                            method: format!("{method:?}"),
                            seed: 3,
                        },
                        chunks,
                    };
                    let read = Shard::parse(&shard.to_json().unwrap(), &shard.path).unwrap();
                    assert_eq!(read, shard, "a shard reads back as it was written");
                    read
                })
                .collect();
            assert_eq!(merge(&shards).unwrap(), single, "{method:?}, {count} shards");
        }
        let calls = std::sync::atomic::AtomicUsize::new(0);
        let progress = |done: usize, total: usize| {
            assert!(done <= total && total == 32);
            calls.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        };
        assert_eq!(s.ensemble_with_progress(&times, n, &options, &progress).unwrap(), single);
        assert_eq!(calls.into_inner(), 32);
    }
}

#[test]
fn incomplete_mismatched_and_damaged_shards_are_refused_by_name() {
    let dir = folder("refused");
    let model = model_file(&dir);
    let run = |shard: &str, seed: &str, name: &str| {
        let part = s(&dir.join(name));
        ok(&["ssa", &model, "--t-end", "2", "--trajectories", "100", "--seed", seed, "--shard", shard, "-o", &part]);
        part
    };
    let (a, b, c) = (run("0/3", "1", "a.json"), run("1/3", "1", "b.json"), run("2/3", "1", "c.json"));
    let other_seed = run("1/3", "2", "d.json");
    let out = s(&dir.join("out.csv"));
    refused(&["ssa-merge", &a, &c, "-o", &out], 1, "chunks 1..2 of 4 (trajectories 32..64) are in no shard");
    refused(&["ssa-merge", &a, &b, "-o", &out], 1, "chunks 2..4 of 4 (trajectories 64..100) are in no shard");
    refused(&["ssa-merge", &a, &b, &b, &c, "-o", &out], 1, "are in both");
    refused(&["ssa-merge", &a, &other_seed, &c, "-o", &out], 1, "not parts of one ensemble: seed 1 against 2");
    let longer = s(&dir.join("e.json"));
    ok(&["ssa", &model, "--t-end", "3", "--trajectories", "100", "--shard", "1/3", "-o", &longer]);
    refused(&["ssa-merge", &a, &longer, &c, "-o", &out], 1, "output times");
    let damaged = dir.join("damaged.json");
    let text = std::fs::read_to_string(&b).unwrap().replacen("\"count\":32", "\"count\":31", 1);
    std::fs::write(&damaged, text).unwrap();
    refused(&["ssa-merge", &a, &s(&damaged), &c, "-o", &out], 1, "chunk 1: count 31");
    let huge = dir.join("huge.json");
    let text = std::fs::read_to_string(&b).unwrap().replacen("\"total_chunks\":4", "\"total_chunks\":4000000000", 1);
    std::fs::write(&huge, text).unwrap();
    refused(&["ssa-merge", &s(&huge), "-o", &out], 1, "total_chunks 4000000000 does not fit 100 trajectories");
    std::fs::write(&damaged, "{\"format\": \"something else\"").unwrap();
    refused(&["ssa-merge", &s(&damaged), "-o", &out], 1, "damaged.json:1:");
    refused(&["ssa-merge", &a, &b, &c, "--extinction", "X", "-o", &out], 2, "--extinction [X] differs");
    assert!(!Path::new(&out).exists(), "a refused merge writes nothing");
}

#[test]
fn a_birth_death_model_file_follows_the_poisson_law() {
    let dir = folder("poisson");
    let model = model_file(&dir);
    // The hybrid method with X counted (one individual = 1) runs from the command line.
    let hybrid = s(&dir.join("hybrid.csv"));
    ok(&[
        "ssa",
        &model,
        "--t-end",
        "2",
        "--trajectories",
        "40",
        "--method",
        "hybrid",
        "--counted",
        "X=1",
        "--threshold",
        "3",
        "-o",
        &hybrid,
    ]);
    assert_eq!(std::fs::read_to_string(&hybrid).unwrap().lines().count(), 1 + 101);
    let out = dir.join("bd.csv");
    let n = 2000.0;
    ok(&[
        "ssa",
        &model,
        "--t-end",
        "8",
        "--every",
        "4",
        "--trajectories",
        "2000",
        "--method",
        "next-reaction",
        "-o",
        &s(&out),
    ]);
    let text = std::fs::read_to_string(&out).unwrap();
    let rows: Vec<Vec<f64>> =
        text.lines().skip(1).map(|l| l.split(',').map(|x| x.parse().unwrap()).collect()).collect();
    assert_eq!(rows.len(), 3);
    for row in &rows[1..] {
        let (t, mean, sd) = (row[0], row[1], row[2]);
        let lambda = 10.0 * (1.0 - f64::exp(-t));
        // Poisson: variance λ; the sample variance's variance (λ + 2λ²)/n.
        let se_mean = (lambda / n).sqrt();
        let se_var = ((lambda + 2.0 * lambda * lambda) / n).sqrt();
        assert!((mean - lambda).abs() < 5.0 * se_mean, "t = {t}: mean {mean} against {lambda}");
        assert!((sd * sd - lambda).abs() < 5.0 * se_var, "t = {t}: variance {} against {lambda}", sd * sd);
        assert_eq!(row[4].fract(), 0.0, "the median of counts is a count");
    }
}

/// Birth at `k1·on` (the input `on`, 1 by default), death at `k2·X`.
const SWITCHED: &str = r#"
[model]
name = "switched"

[[compartment]]
name = "X"
kind = "index.X"
unit = "1"
initial = 0.0

[[input]]
name = "on"
unit = "1"
default = 1.0

[[parameter]]
name = "k1"
value = 10.0
unit = "1/day"
tag = "A"

[[parameter]]
name = "k2"
value = 1.0
unit = "1/day"
tag = "A"

[[process]]
name = "birth"
changes = { X = 1 }
rate = { law = "expression", rate = "k1*on" }

[[process]]
name = "death"
changes = { X = -1 }
rate = { law = "first_order", k = "k2", of = "X" }
"#;

/// An arm that switches births off at day 4.
const SWITCH_OFF: &str = r#"
[experiment]
until = 8.0
sample_every = 4.0

[[arm]]
name = "off at day 4"
[[arm.input]]
name = "on"
day = 4.0
value = 0.0
"#;

#[test]
fn an_arms_switch_is_an_exact_stop_and_slurm_arrays_shard_the_ensemble() {
    // Until day 4, X is Poisson(10(1 − e^{−t})); after the switch each
    // individual survives with e^{−(t−4)}: Poisson(10(1 − e^{−4})e^{−(t−4)}).
    let dir = folder("switch");
    let (model, scenario) = (dir.join("switched.toml"), dir.join("switch.toml"));
    std::fs::write(&model, SWITCHED).unwrap();
    std::fs::write(&scenario, SWITCH_OFF).unwrap();
    let (model, scenario) = (s(&model), s(&scenario));
    let out = dir.join("off.csv");
    let n = 2000.0;
    let args = ["ssa", &model, "--scenario", &scenario, "--arm", "off at day 4", "--trajectories", "2000"];
    ok(&[&args[..], &["--method", "direct", "-o", &s(&out)]].concat());
    let text = std::fs::read_to_string(&out).unwrap();
    let rows: Vec<Vec<f64>> =
        text.lines().skip(1).map(|l| l.split(',').map(|x| x.parse().unwrap()).collect()).collect();
    assert_eq!(rows.iter().map(|r| r[0]).collect::<Vec<_>>(), [0.0, 4.0, 8.0]);
    let at_4 = 10.0 * (1.0 - f64::exp(-4.0));
    for (row, lambda) in rows[1..].iter().zip([at_4, at_4 * f64::exp(-4.0)]) {
        let (t, mean) = (row[0], row[1]);
        assert!((mean - lambda).abs() < 5.0 * (lambda / n).sqrt(), "t = {t}: mean {mean} against {lambda}");
    }
    // Two SLURM array tasks (ids 3 and 4 of an array from 3) write the
    // shards that merge into the same file as the run above.
    for task in ["3", "4"] {
        let shard = s(&dir.join(format!("task{task}.json")));
        let run = Command::new(env!("CARGO_BIN_EXE_sasp"))
            .args(args)
            .args(["--method", "direct", "-o", &shard])
            .env("SLURM_ARRAY_TASK_ID", task)
            .env("SLURM_ARRAY_TASK_MIN", "3")
            .env("SLURM_ARRAY_TASK_COUNT", "2")
            .output()
            .unwrap();
        assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    }
    let merged = s(&dir.join("merged.csv"));
    ok(&["ssa-merge", &s(&dir.join("task3.json")), &s(&dir.join("task4.json")), "-o", &merged]);
    assert_eq!(std::fs::read_to_string(&merged).unwrap(), text);
}

#[test]
fn bad_flags_and_combinations_are_refused() {
    let dir = folder("flags");
    let model = model_file(&dir);
    let out = s(&dir.join("x.csv"));
    let base = ["ssa", model.as_str(), "--t-end", "1", "-o", out.as_str()];
    let with = |more: &[&str]| -> Vec<String> { base.iter().chain(more).map(|x| x.to_string()).collect() };
    let check = |more: &[&str], code: i32, says: &str| {
        let args = with(more);
        refused(&args.iter().map(String::as_str).collect::<Vec<_>>(), code, says);
    };
    check(&["--threshold", "50"], 2, "--threshold is an option of --method hybrid");
    check(&["--method", "gillespie"], 2, "--method 'gillespie'");
    check(&["--quantiles", "0.5,1.5"], 2, "--quantiles: '1.5'");
    check(&["--shard", "3/3"], 2, "--shard");
    check(&["--trajectories", "0"], 2, "--trajectories");
    check(&["--every", "0"], 2, "--every");
    check(&["--threads", "0"], 2, "--threads");
    check(&["--shard", "0/2", "--plot", "p.png"], 2, "--plot");
    check(&["--plot", &out], 2, "would overwrite");
    check(&["--plot", &model], 2, "");
    check(&["--extinction", "Y"], 1, "Y");
    check(&["--method", "hybrid"], 1, "counted");
    check(&["--counted", "X=0"], 1, "the size of one individual of 'X' must be positive");
    check(&["--method", "hybrid", "--counted", "X"], 2, "--counted 'X' must be NAME=SIZE");
    check(&["--epsilon", "0.01"], 2, "--epsilon is an option of --method tau");
    check(&["--method", "tau", "--epsilon", "2"], 1, "epsilon");
    refused(&["ssa", &model, "-o", &out], 2, "--t-end");
    refused(&["ssa", &model, "--t-end", "1", "--scenario", "s.toml", "-o", &out], 2, "--arm");
    // The reference model's NK cell spent in 3 % of kills is no whole
    // number: exact methods refuse it (the hybrid method draws it).
    refused(&["ssa", "--arm", "anti-NKG2D", "--method", "direct", "-o", &out], 3, "non-integer stoichiometry");
    assert!(!Path::new(&out).exists());
}

#[test]
fn hybrid_shards_merge_into_the_ensemble_of_a_single_run() {
    use sasp::ssa::hybrid::{Hybrid, HybridOptions};
    let model = birth_death();
    let options = HybridOptions {
        seed: 5,
        threshold: 3.0,
        counted: vec![("X".into(), 1.0)],
        extinction: vec!["X".into()],
        ..HybridOptions::default()
    };
    let h = Hybrid::new(&model, &options).unwrap();
    let times = [0.0, 1.0, 3.0];
    let n = 70; // 3 chunks, the last of 6
    let single = h.ensemble(&times, n).unwrap();
    let shards: Vec<Shard> = (0..2)
        .map(|i| Shard {
            path: format!("h{i}.json").into(),
            identity: Identity::default(),
            chunks: h.ensemble_chunks(&times, n, shard_chunks(n, i, 2), None).unwrap(),
        })
        .map(|shard| Shard::parse(&shard.to_json().unwrap(), &shard.path).unwrap())
        .collect();
    assert_eq!(merge(&shards).unwrap(), single);
}
