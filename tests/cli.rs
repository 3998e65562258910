//! The `sasp` command line: outputs, exit codes, errors on standard error.

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
    let bad = sasp(&["sweep", "run", &s(&spec), "--shard", "2/2", "-o", &s(&temp("bad.csv"))]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(!temp("bad.csv").exists());
}
