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
