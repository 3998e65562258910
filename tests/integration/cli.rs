//! The `sasp` command line: outputs, exit codes, errors on standard error.

use std::path::{Path, PathBuf};
use std::process::Command;

fn sasp(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_sasp")).args(args).output().unwrap()
}

fn temp(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("sasp-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

#[test]
fn export_sbml_writes_the_arm() {
    let out = temp("anti_ccl2.xml");
    let model = concat!(env!("CARGO_MANIFEST_DIR"), "/models/iannello2013.toml");
    let run = sasp(&["export-sbml", model, "--arm", "anti-CCL2", "-o", out.to_str().unwrap()]);
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.contains("anti_CCL2_complex") && text.contains("<listOfEvents>"));
}

#[test]
fn simulate_writes_csv() {
    let out = temp("sim.csv");
    let run = sasp(&["simulate", "-o", out.to_str().unwrap()]);
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let csv = std::fs::read_to_string(&out).unwrap();
    assert!(csv.starts_with("arm,day,tumor_volume_mm3"));
    assert_eq!(csv.lines().count(), 1 + 10 * 36);
}

#[test]
fn testset_prints_one_json_line() {
    let run = sasp(&["testset", "--problem", "hires", "--method", "rodas5p", "--rtol", "1e-6"]);
    assert!(run.status.success());
    let line = String::from_utf8(run.stdout).unwrap();
    assert!(line.starts_with("{\"problem\": \"hires\", \"method\": \"rodas5p\""), "{line}");
    assert_eq!(line.lines().count(), 1);
}

#[test]
fn failures_have_exit_codes_and_leave_nothing_behind() {
    let out = temp("never.xml");
    let model = concat!(env!("CARGO_MANIFEST_DIR"), "/models/iannello2013.toml");
    let run = sasp(&["export-sbml", model, "--arm", "anti-CCL9", "-o", out.to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&run.stderr).contains("no arm 'anti-CCL9'"));
    assert!(!out.exists());
    let run = sasp(&["export-sbml", "no/such/model.toml", "-o", out.to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&run.stderr).contains("no/such/model.toml"));
    let run = sasp(&["simulate", "-o", "/proc/forbidden/x.csv"]);
    assert_eq!(run.status.code(), Some(1));
    let run = sasp(&["frobnicate"]);
    assert_eq!(run.status.code(), Some(2));
    let run = sasp(&["testset", "--problem", "nope"]);
    assert_eq!(run.status.code(), Some(1));
}

#[test]
fn outputs_carry_manifests_and_sweeps_shard_and_merge() {
    let spec = temp("cohort.toml");
    std::fs::write(
        &spec,
        "arm = \"control\"\ndesign = \"cohort\"\nruns = 6\nseed = 1\n[[parameter]]\nname = \"rho_N\"\nsigma = 0.2\n",
    )
    .unwrap();
    let (all, a, b, merged) = (temp("all.csv"), temp("a.csv"), temp("b.csv"), temp("merged.csv"));
    let s = |p: &std::path::Path| p.to_str().unwrap().to_string();
    assert!(sasp(&["sweep", "run", &s(&spec), "-o", &s(&all)]).status.success());
    assert!(sasp(&["sweep", "run", &s(&spec), "--shard", "0/2", "-o", &s(&a)]).status.success());
    assert!(sasp(&["sweep", "run", &s(&spec), "--shard", "1/2", "-o", &s(&b)]).status.success());
    assert!(sasp(&["sweep", "merge", &s(&b), &s(&a), "-o", &s(&merged)]).status.success());
    assert_eq!(std::fs::read(&all).unwrap(), std::fs::read(&merged).unwrap());
    let manifest = std::fs::read_to_string(format!("{}.manifest.json", s(&all))).unwrap();
    assert!(manifest.contains("\"model_hash\"") && manifest.contains("\"rho_N\"") && manifest.contains("sweep"));
    // A shard out of range is a wrong command line.
    let bad = sasp(&["sweep", "run", &s(&spec), "--shard", "2/2", "-o", &s(&temp("bad.csv"))]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(!temp("bad.csv").exists());
}

fn s(p: &Path) -> String {
    p.to_str().unwrap().to_string()
}

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

/// A fresh folder of its own for one test.
fn folder(name: &str) -> PathBuf {
    let dir = temp(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn listing(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().to_string()).collect();
    v.sort();
    v
}

const COHORT: &str =
    "arm = \"control\"\ndesign = \"cohort\"\nruns = 4\nseed = 1\n[[parameter]]\nname = \"rho_N\"\nsigma = 0.2\n";

#[test]
fn merge_without_parts_is_a_usage_error_and_writes_nothing() {
    let dir = folder("merge-none");
    let out = dir.join("m.csv");
    let run = sasp(&["sweep", "merge", "-o", &s(&out)]);
    assert_eq!(run.status.code(), Some(2), "{}", stderr(&run));
    assert!(!out.exists());
    assert!(listing(&dir).is_empty());
}

#[test]
fn merge_of_damaged_parts_names_file_and_line_and_writes_nothing() {
    let dir = folder("merge-bad");
    let spec = dir.join("c.toml");
    std::fs::write(&spec, COHORT).unwrap();
    let (a, b, out) = (dir.join("a.csv"), dir.join("b.csv"), dir.join("m.csv"));
    assert!(sasp(&["sweep", "run", &s(&spec), "--shard", "0/2", "-o", &s(&a)]).status.success());
    assert!(sasp(&["sweep", "run", &s(&spec), "--shard", "1/2", "-o", &s(&b)]).status.success());
    let text = std::fs::read_to_string(&b).unwrap();
    // `head -c -40 b.csv`: the last row (line 3) is cut.
    let cut = dir.join("cut.csv");
    std::fs::write(&cut, &text[..text.len() - 40]).unwrap();
    let run = sasp(&["sweep", "merge", &s(&a), &s(&cut), "-o", &s(&out)]);
    assert_eq!(run.status.code(), Some(1));
    assert!(stderr(&run).contains(&format!("{}:3:", s(&cut))) && stderr(&run).contains("line end"), "{}", stderr(&run));
    assert!(!out.exists());
    // Run 1 in both parts: named, with both files.
    let dup = dir.join("dup.csv");
    std::fs::write(&dup, format!("{text}{}\n", text.lines().nth(1).unwrap())).unwrap();
    let run = sasp(&["sweep", "merge", &s(&a), &s(&dup), "-o", &s(&out)]);
    assert_eq!(run.status.code(), Some(1));
    let e = stderr(&run);
    assert!(e.contains(&format!("{}:4:", s(&dup))) && e.contains(&format!("run 1 is also at {}:2", s(&dup))), "{e}");
    assert!(!out.exists());
    // Windows line ends are read: the merge equals the LF merge.
    let crlf = dir.join("crlf.csv");
    std::fs::write(&crlf, text.replace('\n', "\r\n")).unwrap();
    assert!(sasp(&["sweep", "merge", &s(&a), &s(&crlf), "-o", &s(&out)]).status.success());
    let lf = dir.join("lf.csv");
    assert!(sasp(&["sweep", "merge", &s(&a), &s(&b), "-o", &s(&lf)]).status.success());
    assert_eq!(std::fs::read(&out).unwrap(), std::fs::read(&lf).unwrap());
    // A part is an input: the output may not be one.
    let run = sasp(&["sweep", "merge", &s(&a), &s(&b), "-o", &s(&a)]);
    assert_eq!(run.status.code(), Some(2));
    assert!(stderr(&run).contains("refusing to overwrite an input"), "{}", stderr(&run));
}

#[test]
fn sweeps_report_failed_runs_and_fail_when_all_do() {
    let dir = folder("sweep-failed");
    let spec = dir.join("g.toml");
    let out = dir.join("g.csv");
    // r = 1e300 cannot be integrated (it passes the checks made before running).
    std::fs::write(&spec, "arm = \"control\"\ndesign = \"grid\"\n[[parameter]]\nname = \"r\"\nvalues = [1e300]\n")
        .unwrap();
    let run = sasp(&["sweep", "run", &s(&spec), "-o", &s(&out)]);
    assert_eq!(run.status.code(), Some(1));
    assert!(stderr(&run).contains("1 of 1 runs failed"), "{}", stderr(&run));
    assert!(!out.exists());
    // Some fail: said, exit 0, the CSV written with their rows.
    std::fs::write(
        &spec,
        "arm = \"control\"\ndesign = \"grid\"\n[[parameter]]\nname = \"r\"\nvalues = [0.3, 1e300, 0.4]\n",
    )
    .unwrap();
    let run = sasp(&["sweep", "run", &s(&spec), "-o", &s(&out)]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    assert!(stderr(&run).contains("1 of 3 runs failed"), "{}", stderr(&run));
    let csv = std::fs::read_to_string(&out).unwrap();
    assert_eq!(csv.lines().filter(|l| l.contains("\"failed: ")).count(), 1, "{csv}");
    // Settings that would fail every run are refused before running, at their line.
    for (setting, needle) in [
        ("rtol = 10.0", "rtol = 10"),
        ("until = 10.0", "after the end of the run"),
        ("until = nan", "until = NaN"),
        ("until = -20.0", "until = -20"),
        ("atol = 0.0", "atol = 0"),
    ] {
        std::fs::write(&spec, format!("{setting}\n{COHORT}")).unwrap();
        let run = sasp(&["sweep", "run", &s(&spec), "-o", &s(&dir.join("x.csv"))]);
        assert_eq!(run.status.code(), Some(1), "{setting}");
        assert!(
            stderr(&run).contains(&format!("{}:1:", s(&spec))) && stderr(&run).contains(needle),
            "{}",
            stderr(&run)
        );
    }
    assert!(!dir.join("x.csv").exists());
}

#[test]
fn huge_designs_are_refused_quickly() {
    let dir = folder("sweep-huge");
    let spec = dir.join("h.toml");
    for runs in ["1000000000", "1000000000000000000"] {
        std::fs::write(&spec, COHORT.replace("runs = 4", &format!("runs = {runs}"))).unwrap();
        let start = std::time::Instant::now();
        let run = sasp(&["sweep", "run", &s(&spec), "-o", &s(&dir.join("h.csv"))]);
        assert_eq!(run.status.code(), Some(1));
        assert!(
            stderr(&run).contains(&format!("{}:3:", s(&spec))) && stderr(&run).contains("MAX_RUNS"),
            "{}",
            stderr(&run)
        );
        assert!(start.elapsed().as_secs_f64() < 5.0);
    }
    assert_eq!(listing(&dir), ["h.toml"]);
}

#[test]
fn an_arm_name_with_a_newline_is_refused_and_commas_and_quotes_are_quoted() {
    let dir = folder("newline");
    let scenario = dir.join("s.toml");
    let arm = |name: &str| {
        format!("[experiment]\nuntil = 3.0\nsample_every = 1.0\n\n[[arm]]\nname = \"{name}\"\np53_restoration = {{ on = 0.0 }}\n")
    };
    std::fs::write(&scenario, arm("two\\nlines")).unwrap();
    let out = dir.join("sim.csv");
    let run = sasp(&["simulate", "--scenario", &s(&scenario), "-o", &s(&out)]);
    assert_eq!(run.status.code(), Some(1));
    assert!(stderr(&run).contains("s.toml:6") && stderr(&run).contains("control character"), "{}", stderr(&run));
    assert!(!out.exists());
    std::fs::write(&scenario, arm("one line, \\\"quoted\\\"")).unwrap();
    let run = sasp(&["simulate", "--scenario", &s(&scenario), "-o", &s(&out)]);
    assert!(run.status.success(), "{}", stderr(&run));
    let csv = std::fs::read_to_string(&out).unwrap();
    let row = "\"one line, \"\"quoted\"\"\",";
    assert_eq!(csv.matches(row).count(), 1 + 17, "{csv}");
    assert!(csv.contains(&format!("\n{row}-14,1,0,")), "{csv}");
}

#[test]
fn numbers_are_written_shortest_with_exponents() {
    let dir = folder("numbers");
    let out = dir.join("sim.csv");
    assert!(sasp(&["simulate", "-o", &s(&out)]).status.success());
    let csv = std::fs::read_to_string(&out).unwrap();
    // No long runs of zeros (`0.000…` or `…000000000000`), every field a number or empty.
    assert!(!csv.contains("0.0000000") && !csv.contains("0000000000000000"), "{}", &csv[..2000]);
    for line in csv.lines().skip(1) {
        for f in line.split(',').skip(1) {
            assert!(f.is_empty() || f.parse::<f64>().is_ok_and(f64::is_finite), "{line}");
        }
    }
    assert!(csv.contains("e-"), "tiny values use exponents");
}

#[test]
fn dash_writes_to_standard_output_without_a_manifest() {
    let dir = folder("dash");
    let sim =
        Command::new(env!("CARGO_BIN_EXE_sasp")).current_dir(&dir).args(["simulate", "-o", "-"]).output().unwrap();
    assert!(sim.status.success(), "{}", stderr(&sim));
    let text = String::from_utf8(sim.stdout).unwrap();
    assert!(text.starts_with("arm,day,tumor_volume_mm3") && text.lines().count() == 1 + 10 * 36);
    let json = Command::new(env!("CARGO_BIN_EXE_sasp"))
        .current_dir(&dir)
        .args(["simulate", "--format", "json", "-o", "-"])
        .output()
        .unwrap();
    assert!(String::from_utf8(json.stdout).unwrap().starts_with('{'));
    let model = concat!(env!("CARGO_MANIFEST_DIR"), "/models/iannello2013.toml");
    let sbml = Command::new(env!("CARGO_BIN_EXE_sasp"))
        .current_dir(&dir)
        .args(["export-sbml", model, "-o", "-"])
        .output()
        .unwrap();
    assert!(String::from_utf8(sbml.stdout).unwrap().starts_with("<?xml"));
    assert!(listing(&dir).is_empty(), "{:?}", listing(&dir));
    let run = Command::new(env!("CARGO_BIN_EXE_sasp"))
        .current_dir(&dir)
        .args(["experiment", "neutralization", "--out", "-"])
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(2));
}

#[cfg(unix)]
#[test]
fn a_symbolic_link_output_is_written_through() {
    let dir = folder("symlink");
    std::fs::create_dir(dir.join("data")).unwrap();
    std::fs::write(dir.join("data/real.csv"), "old").unwrap();
    std::os::unix::fs::symlink("data/real.csv", dir.join("link.csv")).unwrap();
    let run = sasp(&["simulate", "-o", &s(&dir.join("link.csv"))]);
    assert!(run.status.success(), "{}", stderr(&run));
    assert!(std::fs::symlink_metadata(dir.join("link.csv")).unwrap().file_type().is_symlink());
    assert!(std::fs::read_to_string(dir.join("data/real.csv")).unwrap().starts_with("arm,day"));
}

#[test]
fn an_output_that_is_an_input_is_refused() {
    let dir = folder("same");
    let model = dir.join("m.toml");
    std::fs::copy(concat!(env!("CARGO_MANIFEST_DIR"), "/models/iannello2013.toml"), &model).unwrap();
    let before = std::fs::read(&model).unwrap();
    let run = sasp(&["export-sbml", &s(&model), "-o", &s(&model)]);
    assert_eq!(run.status.code(), Some(2));
    assert!(stderr(&run).contains("refusing to overwrite an input"), "{}", stderr(&run));
    // The same file by other names (through a folder that does not exist yet, or a hard link).
    let other = dir.join("new/../m.toml");
    let run = sasp(&["simulate", "--model", &s(&model), "--format", "csv", "-o", &s(&other)]);
    assert_eq!(run.status.code(), Some(2), "{}", stderr(&run));
    assert!(stderr(&run).contains("refusing to overwrite an input"), "{}", stderr(&run));
    let hard = dir.join("hard.toml");
    std::fs::hard_link(&model, &hard).unwrap();
    let run = sasp(&["export-sbml", &s(&model), "-o", &s(&hard)]);
    assert_eq!(run.status.code(), Some(2), "{}", stderr(&run));
    std::fs::remove_file(hard).unwrap();
    assert_eq!(std::fs::read(&model).unwrap(), before);
    let spec = dir.join("c.toml");
    std::fs::write(&spec, COHORT).unwrap();
    let run = sasp(&["sweep", "run", &s(&spec), "-o", &s(&spec)]);
    assert_eq!(run.status.code(), Some(2));
    assert_eq!(std::fs::read_to_string(&spec).unwrap(), COHORT);
    assert_eq!(listing(&dir), ["c.toml", "m.toml"]);
}

#[cfg(target_os = "linux")]
#[test]
fn stale_temporaries_are_cleaned_and_old_manifests_removed() {
    let dir = folder("stale");
    let mut child = Command::new("true").spawn().unwrap();
    let dead = child.id();
    child.wait().unwrap();
    let stale = dir.join(format!(".sim.csv.tmp{dead}"));
    std::fs::write(&stale, "half a file").unwrap();
    let out = dir.join("sim.csv");
    assert!(sasp(&["simulate", "-o", &s(&out)]).status.success());
    assert_eq!(listing(&dir), ["sim.csv", "sim.csv.manifest.json"]);
    // A merged file whose parts have no manifest loses its old one: it described other data.
    let spec = dir.join("c.toml");
    std::fs::write(&spec, COHORT).unwrap();
    let part = dir.join("part.csv");
    assert!(sasp(&["sweep", "run", &s(&spec), "-o", &s(&part)]).status.success());
    std::fs::remove_file(dir.join("part.csv.manifest.json")).unwrap();
    let run = sasp(&["sweep", "merge", &s(&part), "-o", &s(&out)]);
    assert!(run.status.success(), "{}", stderr(&run));
    assert_eq!(listing(&dir), ["c.toml", "part.csv", "sim.csv"]);
}

#[test]
fn an_experiment_that_fails_at_a_plot_leaves_no_new_file() {
    let dir = folder("experiment");
    let out = dir.join("out");
    std::fs::create_dir_all(out.join("clearance.png")).unwrap();
    std::fs::write(out.join("neutralization.csv"), "old").unwrap();
    let run = sasp(&["experiment", "neutralization", "--out", &s(&out)]);
    assert_eq!(run.status.code(), Some(1));
    assert!(stderr(&run).contains("clearance.png"), "{}", stderr(&run));
    assert_eq!(listing(&out), ["clearance.png", "neutralization.csv"]);
    assert_eq!(std::fs::read_to_string(out.join("neutralization.csv")).unwrap(), "old");
    assert!(listing(&out.join("clearance.png")).is_empty());
    // A fresh folder that fails is not left behind either.
    let fresh = dir.join("fresh/out");
    std::fs::create_dir_all(dir.join("fresh")).unwrap();
    std::fs::write(dir.join("fresh/out"), "a file where the folder should be").unwrap();
    let run = sasp(&["experiment", "neutralization", "--out", &s(&fresh)]);
    assert_eq!(run.status.code(), Some(1));
    assert_eq!(listing(&dir.join("fresh")), ["out"]);
    // And a working run writes every file at once.
    let good = dir.join("good/out");
    assert!(sasp(&["experiment", "neutralization", "--out", &s(&good)]).status.success());
    // The CSV, the JSON, the bands' CSV and 8 figures, each with its manifest.
    assert_eq!(listing(&good).len(), 22, "{:?}", listing(&good));
    assert!(listing(&good).contains(&"neutralization_bands.csv".to_string()));
    // Without bands, no bands' CSV.
    let plain = dir.join("plain/out");
    assert!(sasp(&["experiment", "neutralization", "--out", &s(&plain), "--bands", "0"]).status.success());
    assert_eq!(listing(&plain).len(), 20, "{:?}", listing(&plain));
}

use crate::own_model_example as own_model;

/// A model of one's own from the command line: its scenario and declaration
/// files give the same CSV, to the last digit, as the library example, and a
/// figure per observable; the reference model's observables are not asked for.
#[test]
fn simulate_runs_a_model_of_ones_own_with_its_declared_observables() {
    let file = |name: &str| format!("{}/models/{name}", env!("CARGO_MANIFEST_DIR"));
    let (out, plots) = (temp("own.csv"), temp("own_plots"));
    let (model, scenario, observables) =
        (file("cxcl10_tcells.toml"), file("cxcl10_scenario.toml"), file("cxcl10_observables.toml"));
    let run = sasp(&[
        "simulate",
        "--model",
        &model,
        "--scenario",
        &scenario,
        "--observables",
        &observables,
        "-o",
        out.to_str().unwrap(),
        "--plots",
        plots.to_str().unwrap(),
    ]);
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let built = own_model::model().unwrap();
    let library = sasp::output::experiment_csv(&own_model::experiment(&built).unwrap().run().unwrap());
    assert_eq!(std::fs::read_to_string(&out).unwrap(), library);
    assert!(plots.join("t_cells_per_mm3.png").exists() && !plots.join("t_cells.png").exists());
    // The same declarations drive a sweep's columns and the SBML rules.
    let spec = temp("own_sweep.toml");
    std::fs::write(
        &spec,
        "arm = \"treatment\"\ndesign = \"grid\"\nuntil = 42.0\n[[parameter]]\nname = \"rho_E\"\nvalues = [0.5, 2.0]\n",
    )
    .unwrap();
    let sweep_out = temp("own_sweep.csv");
    let run = sasp(&[
        "sweep",
        "run",
        spec.to_str().unwrap(),
        "--model",
        &model,
        "--scenario",
        &scenario,
        "--observables",
        &observables,
        "-o",
        sweep_out.to_str().unwrap(),
    ]);
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let header = std::fs::read_to_string(&sweep_out).unwrap().lines().next().unwrap().to_string();
    assert_eq!(
        header,
        "run,rho_E,tumor_volume_mm3_day7,tumor_volume_mm3_day42,days_to_half,days_to_tenth,days_to_1mm3,status"
    );
    let sbml = temp("own.xml");
    let run = sasp(&[
        "export-sbml",
        &model,
        "--scenario",
        &scenario,
        "--arm",
        "treatment + anti-CXCL10",
        "--observables",
        &observables,
        "-o",
        sbml.to_str().unwrap(),
    ]);
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let text = std::fs::read_to_string(&sbml).unwrap();
    assert!(text.contains("<assignmentRule variable=\"cxcl10_total_nM\">") && text.contains("anti_CXCL10_complex"));
    // Without the declarations the reference model's observables are refused by name.
    let run = sasp(&["simulate", "--model", &model, "--scenario", &scenario, "-o", out.to_str().unwrap()]);
    assert!(!run.status.success());
    assert!(
        String::from_utf8_lossy(&run.stderr).contains("does not declare"),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    // A declaration with two definitions is refused at its line.
    let bad = temp("bad_observables.toml");
    std::fs::write(&bad, "[[observable]]\nname = \"x\"\npool = [\"C\"]\nfree = \"C\"\n").unwrap();
    let run = sasp(&[
        "simulate",
        "--model",
        &model,
        "--scenario",
        &scenario,
        "--observables",
        bad.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("bad_observables.toml:1:") && stderr.contains("more than one definition"), "{stderr}");
}

#[test]
fn simulate_runs_an_sbml_time_course_with_its_events() {
    // Suite case 01780: at t = 0.45 an event sets C1 = 0.2 and S1 = 0.2
    // (a concentration, converted with the size before the event), so the
    // concentration of S1 is 2 before and 0.5 after.
    let xml = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/sbml-test-suite/cases/01780/01780-sbml-l3v2.xml");
    let out = sasp(&["simulate", "--sbml", &s(&xml), "--t-end", "1", "--points", "11", "-o", "-"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8(out.stdout).unwrap();
    let rows: Vec<&str> = text.lines().collect();
    assert_eq!(rows[0], "time,S1");
    assert_eq!(rows.len(), 12);
    assert_eq!(rows[5], "0.4,2");
    assert_eq!(rows[7], "0.6,0.5");
    // A time course needs its end, and refuses JSON.
    let out = sasp(&["simulate", "--sbml", &s(&xml), "-o", "-"]);
    assert_eq!(out.status.code(), Some(2));
    let out = sasp(&["simulate", "--sbml", &s(&xml), "--t-end", "1", "-o", "x.json"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn gsa_and_petab_commands_print_their_results() {
    let dir = temp("gsa");
    std::fs::create_dir_all(&dir).unwrap();
    let spec = dir.join("morris.toml");
    std::fs::write(
        &spec,
        "arm = \"control\"\nmethod = \"morris\"\ntrajectories = 2\noutput = { observable = \"tumor_volume_mm3\", day = 14.0 }\n\
         [[parameter]]\nname = \"k_kill\"\ndistribution = \"log-uniform\"\nlow = 4.4\nhigh = 17.6\n",
    )
    .unwrap();
    let out = sasp(&["gsa", &s(&spec), "-o", "-"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["method"], "morris");
    assert_eq!(json["runs"], 4);
    assert!(json["mu_star"][0].as_f64().unwrap() > 0.0);
    // Two shards merge into the unsharded result, byte for byte; one alone is refused.
    let parts: Vec<PathBuf> = (0..2).map(|i| dir.join(format!("part{i}.csv"))).collect();
    for (i, part) in parts.iter().enumerate() {
        let out = sasp(&["gsa", &s(&spec), "--shard", &format!("{i}/2"), "-o", &s(part)]);
        assert!(out.status.success(), "{}", stderr(&out));
    }
    let merged = sasp(&["gsa", &s(&spec), "--merge", &s(&parts[0]), &s(&parts[1]), "-o", "-"]);
    assert!(merged.status.success(), "{}", stderr(&merged));
    assert_eq!(merged.stdout, out.stdout);
    let alone = sasp(&["gsa", &s(&spec), "--merge", &s(&parts[1]), "-o", "-"]);
    assert_eq!(alone.status.code(), Some(1));
    assert!(stderr(&alone).contains("run 0 is missing"), "{}", stderr(&alone));
    // An unknown arm is an error (exit 1), with nothing written.
    std::fs::write(
        &spec,
        "arm = \"nowhere\"\nmethod = \"sobol\"\noutput = { observable = \"x\", day = 1.0 }\nparameter = []\n",
    )
    .unwrap();
    let result = dir.join("result.json");
    let out = sasp(&["gsa", &s(&spec), "-o", &s(&result)]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("nowhere") && !result.exists());
    // A PEtab problem's likelihood as one JSON line.
    let yaml = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/petab/Boehm_JProteomeRes2014/Boehm_JProteomeRes2014.yaml");
    let out = sasp(&["petab", &s(&yaml), "llh"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!((json["llh"].as_f64().unwrap() + 138.2219960026632).abs() < 1e-3, "{json}");
    assert_eq!(json["n_data"], 48);
    // The gradient: one value per estimated parameter (9), near 0 at the optimum.
    let out = sasp(&["petab", &s(&yaml), "gradient"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let gradient = json["gradient"].as_object().unwrap();
    assert_eq!(gradient.len(), 9, "{json}");
    assert!(gradient.values().all(|v| v.as_f64().unwrap().abs() < 0.1), "{json}");
    // The sensitivities outside the error test: the same gradient up to
    // the integration error at rtol 1e-8 (near the optimum, a small difference).
    let out = sasp(&["petab", &s(&yaml), "gradient", "--no-sensitivity-error-test"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let untested: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let largest = gradient.values().map(|v| v.as_f64().unwrap().abs()).fold(0.0, f64::max);
    for (id, v) in gradient {
        let w = untested["gradient"][id].as_f64().unwrap();
        assert!((v.as_f64().unwrap() - w).abs() < 1e-3 * largest, "{id}: {v} vs {w}");
    }
    let out = sasp(&["petab", &s(&yaml), "gradient", "--adjoint", "--no-sensitivity-error-test"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    // A fit writes every start's row and the waterfall; a bad Hessian model is a usage error.
    let decay = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/petab/decay/problem.yaml");
    let fit = dir.join("fit");
    let out = sasp(&["petab", &s(&decay), "fit", "--starts", "3", "--seed", "7", "-o", &s(&fit)]);
    assert!(out.status.success(), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["starts"], 3);
    let table = std::fs::read_to_string(fit.join("starts.tsv")).unwrap();
    assert_eq!(table.lines().count(), 4, "{table}");
    assert!(
        table.starts_with("start\tllh\tconverged\tstop\titerations\tevaluations\twall_s\tk\tsigma\toff\n"),
        "{table}"
    );
    let best: f64 = table.lines().nth(1).unwrap().split('\t').nth(1).unwrap().parse().unwrap();
    assert_eq!(best, json["best_llh"].as_f64().unwrap());
    for file in ["waterfall.png", "waterfall.svg", "parameters.png", "parameters.svg", "fit.png", "fit.svg"] {
        assert!(std::fs::metadata(fit.join(file)).unwrap().len() > 0, "{file}");
    }
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(fit.join("starts.tsv.manifest.json")).unwrap()).unwrap();
    assert_eq!((manifest["fit"]["seed"].as_u64(), manifest["fit"]["shard"].is_null()), (Some(7), true), "{manifest}");
    // Shards of the fit merge into the unsharded fit's table (but for the wall times).
    let parts: Vec<PathBuf> = (0..2).map(|i| dir.join(format!("fit{i}"))).collect();
    for (i, part) in parts.iter().enumerate() {
        let shard = format!("{i}/2");
        let out =
            sasp(&["petab", &s(&decay), "fit", "--starts", "3", "--seed", "7", "--shard", &shard, "-o", &s(part)]);
        assert!(out.status.success(), "{}", stderr(&out));
    }
    let merged = dir.join("merged");
    let out = sasp(&["petab", &s(&decay), "merge", &s(&parts[1]), &s(&parts[0]), "-o", &s(&merged)]);
    assert!(out.status.success(), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!((json["starts"].as_u64(), json["best_llh"].as_f64()), (Some(3), Some(best)), "{json}");
    let without_wall = |text: &str| -> Vec<String> {
        text.lines()
            .map(|l| {
                let mut cells: Vec<&str> = l.split('\t').collect();
                cells.remove(6);
                cells.join("\t")
            })
            .collect()
    };
    let merged_table = std::fs::read_to_string(merged.join("starts.tsv")).unwrap();
    assert_eq!(without_wall(&merged_table), without_wall(&table));
    assert!(merged.join("fit.svg").exists() && merged.join("starts.tsv.manifest.json").exists());
    // A part of a fit with another seed is refused (exit 1, naming it), and nothing written.
    let other = dir.join("other");
    let out = sasp(&["petab", &s(&decay), "fit", "--starts", "3", "--seed", "8", "--shard", "1/2", "-o", &s(&other)]);
    assert!(out.status.success(), "{}", stderr(&out));
    let refused = dir.join("refused");
    let out = sasp(&["petab", &s(&decay), "merge", &s(&parts[0]), &s(&other), "-o", &s(&refused)]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("seed 7 against 8"), "{}", stderr(&out));
    assert!(!refused.exists());
    // A part alone: the missing start is named. The output as one of the parts: a usage error.
    let out = sasp(&["petab", &s(&decay), "merge", &s(&parts[0]), "-o", &s(&refused)]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("in no part: 1 "), "{}", stderr(&out));
    let out = sasp(&["petab", &s(&decay), "merge", &s(&parts[0]), &s(&parts[1]), "-o", &s(&parts[0])]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let profile = dir.join("profile");
    let out = sasp(&["petab", &s(&decay), "profile", "--starts", "2", "-o", &s(&profile)]);
    assert!(out.status.success(), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!((json["parameters"].as_u64(), json["identifiable"].as_u64()), (Some(3), Some(3)), "{json}");
    let intervals = std::fs::read_to_string(profile.join("intervals.tsv")).unwrap();
    assert_eq!(intervals.lines().count(), 4, "{intervals}");
    for file in ["profiles.tsv.manifest.json", "intervals.tsv.manifest.json", "profile_sigma.png", "profile_sigma.svg"]
    {
        assert!(profile.join(file).exists(), "{file}");
    }
    let out = sasp(&["petab", &s(&decay), "fit", "--hessian", "newton", "-o", &s(&fit)]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("newton"));
    // By adjoints: with BFGS (the manifest says so), not with the Fisher information.
    let out = sasp(&["petab", &s(&decay), "fit", "--adjoint", "-o", &s(&fit)]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("--hessian bfgs"), "{}", stderr(&out));
    let adjoint = dir.join("adjoint");
    let out =
        sasp(&["petab", &s(&decay), "fit", "--starts", "2", "--hessian", "bfgs", "--adjoint", "-o", &s(&adjoint)]);
    assert!(out.status.success(), "{}", stderr(&out));
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(adjoint.join("starts.tsv.manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["fit"]["sensitivities"].as_str(), Some("adjoint"), "{manifest}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn sbml_case_writes_mean_and_sd_of_a_stochastic_case() {
    let cases = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/sbml-test-suite-stochastic/cases");
    let dir = cases.join("00001");
    let out = sasp(&["sbml-case", &s(&dir), "-o", "-", "--trajectories", "4000", "--seed", "3"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("time,X-mean,X-sd\n"), "{text}");
    // The ensemble passes the suite's own criteria against its results.
    use sasp::sbml::stochastic::{judge_stochastic, StochasticSettings};
    use sasp::sbml::suite::{Outcome, Table};
    let settings = StochasticSettings::read(dir.join("00001-settings.txt")).unwrap();
    let expected = Table::read_csv(dir.join("00001-results.csv")).unwrap();
    let got = Table::parse_csv(&text, "stdout").unwrap();
    assert_eq!(judge_stochastic(&settings, 4000, &expected, &got), Outcome::Passed);
    // A `distrib` case is refused by name.
    let out = sasp(&["sbml-case", &s(&cases.join("00040")), "-o", "-"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("distrib"), "{}", stderr(&out));
}
