//! The SBML Test Suite harness: settings, results tables, the judging rule,
//! expected outcomes, running cases (with fake simulators) and the
//! `sbml-case` command. Needs no copy of the suite; the last test also
//! checks the rule on every case of the shared suite when it is present.

use sasp::sbml::suite::{
    case_tags, compare_expected, improvements, is_core, judge, run_case, run_suite, CaseReport, CaseSettings, Counts,
    Outcome, SuiteReport, Table,
};
use sasp::{FileError, SaspError};
use std::path::{Path, PathBuf};

const SETTINGS_00001: &str = "start: 0\nduration: 5\nsteps: 50\nvariables: S1, S2\nabsolute: 1.000000e-007\nrelative: 0.0001\namount: S1, S2\nconcentration:\n";

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sasp-sbml-suite-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn settings(variables: &[&str], steps: usize) -> CaseSettings {
    CaseSettings {
        start: 0.0,
        duration: 1.0,
        steps,
        variables: variables.iter().map(|s| s.to_string()).collect(),
        absolute: 1e-6,
        relative: 1e-3,
        amount: Vec::new(),
        concentration: Vec::new(),
        time_course: true,
    }
}

fn table(header: &[&str], rows: &[&[f64]]) -> Table {
    Table { header: header.iter().map(|s| s.to_string()).collect(), rows: rows.iter().map(|r| r.to_vec()).collect() }
}

#[test]
fn judge_applies_absolute_plus_relative_tolerance() {
    let s = settings(&["A", "B"], 1);
    let expected = table(&["time", "A", "B"], &[&[0.0, 1.0, 100.0], &[1.0, 2.0, 200.0]]);
    // Within 1e-6 + 1e-3·|x|, columns in another order and an extra column.
    let got = table(&["time", "B", "extra", "A"], &[&[0.0, 100.09, 7.0, 1.0], &[1.0, 200.0, 7.0, 2.0 + 0.5e-3]]);
    assert_eq!(judge(&s, &expected, &got), Outcome::Passed);
    // Just outside: the message names the variable, time, expected and got.
    let got = table(&["time", "A", "B"], &[&[0.0, 1.0, 100.0], &[1.0, 2.0, 200.21]]);
    match judge(&s, &expected, &got) {
        Outcome::Wrong(m) => {
            assert!(m.contains('B') && m.contains("time 1") && m.contains("200") && m.contains("200.21"), "{m}")
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(judge(&s, &expected, &got).label(), "wrong");
}

#[test]
fn judge_matches_nan_and_infinities_only_with_themselves() {
    let s = settings(&["A"], 0);
    let with = |e: f64, g: f64| judge(&s, &table(&["time", "A"], &[&[0.0, e]]), &table(&["time", "A"], &[&[0.0, g]]));
    let (nan, inf) = (f64::NAN, f64::INFINITY);
    assert_eq!(with(nan, nan), Outcome::Passed);
    assert_eq!(with(inf, inf), Outcome::Passed);
    assert_eq!(with(-inf, -inf), Outcome::Passed);
    for (e, g) in [(nan, 0.0), (0.0, nan), (inf, -inf), (-inf, inf), (inf, 1e308), (1.0, inf), (inf, nan), (nan, inf)] {
        assert_eq!(with(e, g).label(), "wrong", "expected {e}, got {g}");
    }
}

#[test]
fn judge_requires_every_column_every_row_and_the_same_times() {
    let s = settings(&["A", "B"], 1);
    let expected = table(&["time", "A", "B"], &[&[0.0, 1.0, 1.0], &[1.0, 1.0, 1.0]]);
    let missing = table(&["time", "A", "b"], &[&[0.0, 1.0, 1.0], &[1.0, 1.0, 1.0]]);
    match judge(&s, &expected, &missing) {
        Outcome::Wrong(m) => assert!(m.contains("'B'"), "{m}"),
        other => panic!("{other:?}"),
    }
    let short = table(&["time", "A", "B"], &[&[0.0, 1.0, 1.0]]);
    match judge(&s, &expected, &short) {
        Outcome::Wrong(m) => assert!(m.contains("1 rows, expected 2"), "{m}"),
        other => panic!("{other:?}"),
    }
    let shifted = table(&["time", "A", "B"], &[&[0.0, 1.0, 1.0], &[1.5, 1.0, 1.0]]);
    assert_eq!(judge(&s, &expected, &shifted).label(), "wrong");
    // A ragged row is wrong, not a panic.
    let ragged = table(&["time", "A", "B"], &[&[0.0, 1.0, 1.0], &[1.0, 1.0]]);
    assert_eq!(judge(&s, &expected, &ragged).label(), "wrong");
    // The expected results lacking a variable is the suite's problem: an error.
    let s = settings(&["C"], 1);
    assert_eq!(judge(&s, &expected, &expected).label(), "error");
}

#[test]
fn a_steady_state_is_judged_on_one_row_by_name() {
    // A flux-balance case: settings without times, one row, no time column.
    let text =
        "start:\nduration:\nsteps:\nvariables: R01, OBJF\nabsolute: 0.001\nrelative: 0.001\namount:\nconcentration:\n";
    let s = CaseSettings::parse(text, "steady-settings.txt").unwrap();
    assert!(!s.time_course);
    let expected = table(&["R01", "OBJF"], &[&[1.0, 0.5]]);
    // Columns in another order, and others besides, are matched by name.
    let got = table(&["OBJF", "R26", "R01"], &[&[0.5004, 9.0, 1.0]]);
    assert_eq!(judge(&s, &expected, &got), Outcome::Passed);
    let off = table(&["OBJF", "R01"], &[&[0.502, 1.0]]);
    assert!(matches!(judge(&s, &expected, &off), Outcome::Wrong(m) if m.contains("OBJF")));
    assert_eq!(judge(&s, &expected, &table(&["R01"], &[&[1.0]])).label(), "wrong");
    assert_eq!(judge(&s, &expected, &table(&["R01", "OBJF"], &[&[1.0, 0.5], &[1.0, 0.5]])).label(), "wrong");
    // Infeasible: NaN matches NaN only.
    let nan = table(&["R01", "OBJF"], &[&[f64::NAN, f64::NAN]]);
    assert_eq!(judge(&s, &nan, &nan), Outcome::Passed);
    assert_eq!(judge(&s, &nan, &expected).label(), "wrong");
    // Expected results that are not one row are the suite's problem.
    assert_eq!(judge(&s, &table(&["R01", "OBJF"], &[]), &expected).label(), "error");
    // Some of the times blank, not all: a syntax error.
    let partial = text.replace("steps:", "steps: 2");
    assert!(CaseSettings::parse(&partial, "partial.txt").is_err());
}

#[test]
fn settings_are_read_with_lists_and_tolerances() {
    let dir = temp("settings");
    let path = dir.join("00001-settings.txt");
    std::fs::write(&path, SETTINGS_00001).unwrap();
    let s = CaseSettings::read(&path).unwrap();
    assert_eq!((s.start, s.duration, s.steps), (0.0, 5.0, 50));
    assert_eq!(s.variables, ["S1", "S2"]);
    assert_eq!((s.absolute, s.relative), (1e-7, 1e-4));
    assert_eq!(s.amount, ["S1", "S2"]);
    assert!(s.concentration.is_empty());
    assert_eq!(s.times().len(), 51);
    assert_eq!(s.times()[50], 5.0);
}

#[test]
fn bad_settings_name_the_file_the_line_and_the_key() {
    let dir = temp("bad-settings");
    let path = dir.join("00002-settings.txt");
    let read = |text: &str| {
        std::fs::write(&path, text).unwrap();
        CaseSettings::read(&path).unwrap_err()
    };
    let e = read(&SETTINGS_00001.replace("relative: 0.0001\n", ""));
    assert!(matches!(e, SaspError::File(FileError::Syntax { line: 8, .. })), "{e:?}");
    assert!(e.to_string().contains("missing key 'relative'") && e.to_string().contains("00002-settings.txt"), "{e}");
    let e = read(&SETTINGS_00001.replace("steps: 50", "steps: 2000000"));
    assert!(matches!(e.root(), SaspError::LimitExceeded { limit: 1_000_000, .. }), "{e:?}");
    assert!(e.to_string().contains(":3:"), "{e}");
    let e = read(&SETTINGS_00001.replace("duration: 5", "duration: five"));
    assert!(matches!(e, SaspError::File(FileError::Syntax { line: 2, .. })), "{e:?}");
    assert!(e.to_string().contains("'five' is not a number"), "{e}");
    let e = read(&SETTINGS_00001.replace("absolute: 1.000000e-007", "absolute: inf"));
    assert!(e.to_string().contains("not finite"), "{e}");
    let e = read(&SETTINGS_00001.replace("steps: 50", "steps: 2.5"));
    assert!(e.to_string().contains("whole number"), "{e}");
    let e = read(&SETTINGS_00001.replace("start: 0", "start 0"));
    assert!(matches!(e, SaspError::File(FileError::Syntax { line: 1, .. })), "{e:?}");
    let e = CaseSettings::read(dir.join("no-such-settings.txt")).unwrap_err();
    assert!(matches!(e, SaspError::File(FileError::Io { .. })), "{e:?}");
}

#[test]
fn results_csv_reads_nan_and_infinities_and_writes_them_back() {
    let dir = temp("csv");
    let path = dir.join("results.csv");
    std::fs::write(
        &path,
        "time,S1,S2,S3\n0,1.427438729460607e-005,NaN,INF\n0.1,-INF,inf,nan\n0.2,1e-300,-0,Infinity\n",
    )
    .unwrap();
    let t = Table::read_csv(&path).unwrap();
    assert_eq!(t.header, ["time", "S1", "S2", "S3"]);
    assert_eq!(t.rows[0][1], 1.427438729460607e-5);
    assert!(t.rows[0][2].is_nan() && t.rows[1][3].is_nan());
    assert_eq!(
        (t.rows[0][3], t.rows[1][1], t.rows[1][2], t.rows[2][3]),
        (f64::INFINITY, f64::NEG_INFINITY, f64::INFINITY, f64::INFINITY)
    );
    let out = dir.join("sub/written.csv");
    t.write_csv(&out).unwrap();
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.contains(",NaN,INF\n") && text.contains("-INF,INF,NaN"), "{text}");
    let back = Table::read_csv(&out).unwrap();
    assert_eq!(back.header, t.header);
    for (a, b) in back.rows.iter().flatten().zip(t.rows.iter().flatten()) {
        assert!(a == b || (a.is_nan() && b.is_nan()), "{a} vs {b}");
    }
    // Nothing but the written file in its folder (no temporaries left).
    assert_eq!(std::fs::read_dir(dir.join("sub")).unwrap().count(), 1);
    std::fs::write(&path, "time,S1\n0,1\n0.1,x\n").unwrap();
    let e = Table::read_csv(&path).unwrap_err();
    assert!(matches!(e, SaspError::File(FileError::Syntax { line: 3, column: 5, .. })), "{e:?}");
    std::fs::write(&path, "time,S1\n0,1,2\n").unwrap();
    assert!(Table::read_csv(&path).unwrap_err().to_string().contains("3 fields"));
}

fn case(id: &str, tags: &[&str], outcome: Outcome) -> CaseReport {
    CaseReport {
        id: id.into(),
        tags: tags.iter().map(|s| s.to_string()).collect(),
        packages: Vec::new(),
        outcome,
        seconds: 0.0,
    }
}

#[test]
fn regressions_are_lost_passes_and_any_wrong_answer() {
    let report = SuiteReport::from_cases(vec![
        case("00003", &["Species"], Outcome::Unsupported("unsupported: delay".into())),
        case("00001", &["Species"], Outcome::Passed),
        case("00002", &["Species"], Outcome::Error("boom".into())),
        case("00004", &["Species"], Outcome::Wrong("S1 at time 1".into())),
        case("00005", &["Species"], Outcome::Passed),
        case("00006", &["Species"], Outcome::Wrong("new and wrong".into())),
        case("00007", &["Species"], Outcome::Passed),
    ]);
    assert_eq!(report.outcomes_text().lines().next(), Some("00001 passed"));
    assert_eq!(report.outcomes_text().lines().count(), 7);
    // Its own list: only the wrong answers regress.
    let own = compare_expected(&report, &report.outcomes_text());
    assert_eq!(own.len(), 2, "{own:?}");
    assert!(own[0].starts_with("00004: wrong") && own[1].starts_with("00006: wrong"), "{own:?}");
    let list = "00001 passed\n00002 passed\n00003 unsupported\n00004 unsupported\n00005 error\n00099 passed\n";
    let regressions = compare_expected(&report, list);
    assert_eq!(regressions.len(), 3, "{regressions:?}");
    assert!(regressions[0].starts_with("00002: expected passed, now error (boom)"), "{regressions:?}");
    assert!(regressions[1].starts_with("00004: wrong, expected unsupported"), "{regressions:?}");
    assert!(regressions[2].starts_with("00006: wrong, new"), "{regressions:?}");
    let better = improvements(&report, list);
    assert_eq!(better, ["00005: now passed, expected error", "00007: passed (new)"]);
    // A damaged list fails the comparison.
    assert!(compare_expected(&report, "00001 passed\n00002 fine\n").iter().any(|r| r.contains("line 2")));
    // Counts by tag and the core count.
    assert_eq!(report.by_tag["Species"], Counts { passed: 3, unsupported: 1, wrong: 2, error: 1 });
    assert_eq!(report.core.total(), 7);
    let summary = report.summary();
    assert!(summary.contains("core: 3 of 7 core cases passed (42.9%)"), "{summary}");
    assert!(summary.contains("wrong: 2 of 7 cases") && summary.contains("00006 new and wrong"), "{summary}");
    let json = report.to_json().unwrap();
    assert!(json.contains("\"label\": \"wrong\"") && json.contains("\"message\": \"boom\""), "{json}");
}

#[test]
fn core_excludes_delays_algebraic_rules_and_packages() {
    let tags = |t: &[&str]| t.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert!(is_core(&tags(&["Compartment", "Species", "Reaction", "EventNoDelay", "RateRule"])));
    for not in [
        "EventWithDelay",
        "EventPriority",
        "AlgebraicRule",
        "FastReaction",
        "CSymbolRateOf",
        "DelayInTrigger",
        "comp:Port",
        "fbc:FluxBound",
        "Submodel",
    ] {
        assert!(!is_core(&tags(&["Species", not])), "{not}");
    }
    let mut c = case("00010", &["Species"], Outcome::Passed);
    assert!(c.is_core());
    c.packages = vec!["comp".into()];
    assert!(!c.is_core());
}

/// A fake case folder `root/id` whose expected results are `results`.
fn fake_case(root: &Path, id: &str, tags: &str, results: &str) -> PathBuf {
    let dir = root.join(id);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join(format!("{id}-model.m")),
        format!(
            "(*\ncategory:      Test\ncomponentTags: {tags}\ntestTags:      Amount, \ntestType:      TimeCourse\n*)\n"
        ),
    )
    .unwrap();
    std::fs::write(
        dir.join(format!("{id}-settings.txt")),
        "start: 0\nduration: 1\nsteps: 2\nvariables: S1\nabsolute: 1e-6\nrelative: 1e-4\namount: S1\nconcentration:\n",
    )
    .unwrap();
    std::fs::write(dir.join(format!("{id}-results.csv")), results).unwrap();
    dir
}

#[test]
fn run_suite_judges_reports_unsupported_and_survives_panics() {
    let root = temp("suite");
    let results = "time,S1\n0,1\n0.5,0.5\n1,0.25\n";
    fake_case(&root, "00001", "Compartment, Species", results);
    fake_case(&root, "00002", "Species, EventWithDelay", results);
    fake_case(&root, "00003", "Species", results);
    std::fs::create_dir_all(root.join("notes")).unwrap();
    assert_eq!(case_tags(root.join("00002")).unwrap(), ["Species", "EventWithDelay", "Amount"]);
    let simulate = |dir: &Path, settings: &CaseSettings| -> sasp::Result<Table> {
        assert_eq!(settings.steps, 2);
        match dir.file_name().unwrap().to_str().unwrap() {
            "00001" => Table::read_csv(dir.join("00001-results.csv")),
            "00002" => Err(SaspError::unsupported("delay", "event e1")),
            _ => panic!("the fake simulator gives up"),
        }
    };
    let report = run_suite(&root, &simulate, Some(2)).unwrap();
    let ids: Vec<&str> = report.cases.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["00001", "00002", "00003"]);
    assert_eq!(report.cases[0].outcome, Outcome::Passed);
    assert_eq!(report.cases[1].outcome, Outcome::Unsupported("unsupported: delay (event e1)".into()));
    match &report.cases[2].outcome {
        Outcome::Error(m) => assert!(m.starts_with("panic: the fake simulator gives up"), "{m}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(report.totals, Counts { passed: 1, unsupported: 1, wrong: 0, error: 1 });
    assert_eq!(report.core, Counts { passed: 1, unsupported: 0, wrong: 0, error: 1 });
    assert_eq!(report.by_tag["Amount"].total(), 3);
    assert_eq!(report.outcomes_text(), "00001 passed\n00002 unsupported\n00003 error\n");
    // A failing simulation is an error; a case that cannot be read is one too.
    let fails = |_: &Path, _: &CaseSettings| -> sasp::Result<Table> { Err(SaspError::InvalidOptions("no".into())) };
    assert_eq!(run_case(&root.join("00001"), &fails).outcome.label(), "error");
    assert_eq!(run_case(&root.join("notes"), &simulate).outcome.label(), "error");
    assert!(run_suite(root.join("missing"), &simulate, None).is_err());
    assert!(run_suite(&root, &simulate, Some(0)).is_err());
}

#[cfg(feature = "cli")]
#[test]
fn sbml_case_exits_3_for_an_unsupported_construct() {
    let root = temp("cli");
    let dir = fake_case(&root, "01234", "Parameter, AlgebraicRule", "time,x\n0,1\n0.5,1\n1,1\n");
    std::fs::write(
        dir.join("01234-settings.txt"),
        "start: 0\nduration: 1\nsteps: 2\nvariables: x\nabsolute: 1e-6\nrelative: 1e-4\namount:\nconcentration:\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("01234-sbml-l3v2.xml"),
        r#"<?xml version="1.0" encoding="UTF-8"?>
<sbml xmlns="http://www.sbml.org/sbml/level3/version2/core" level="3" version="2">
  <model id="delayed">
    <listOfParameters>
      <parameter id="x" value="1" constant="false"/>
      <parameter id="y" constant="false"/>
    </listOfParameters>
    <listOfInitialAssignments>
      <initialAssignment symbol="y">
        <math xmlns="http://www.w3.org/1998/Math/MathML">
          <csymbol encoding="text" definitionURL="http://www.sbml.org/sbml/symbols/time"> t </csymbol>
        </math>
      </initialAssignment>
    </listOfInitialAssignments>
    <listOfRules>
      <rateRule variable="y">
        <math xmlns="http://www.w3.org/1998/Math/MathML"><cn> 1 </cn></math>
      </rateRule>
      <assignmentRule variable="x">
        <math xmlns="http://www.w3.org/1998/Math/MathML">
          <apply><csymbol encoding="text" definitionURL="http://www.sbml.org/sbml/symbols/delay">delay</csymbol><apply><csymbol encoding="text" definitionURL="http://www.sbml.org/sbml/symbols/rateOf">rateOf</csymbol><ci> y </ci></apply><cn> 2 </cn></apply>
        </math>
      </assignmentRule>
    </listOfRules>
  </model>
</sbml>
"#,
    )
    .unwrap();
    let out = root.join("out.csv");
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_sasp"))
        .args(["sbml-case", dir.to_str().unwrap(), "-o", out.to_str().unwrap()])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("unsupported: rateOf, inside a delay"), "{stderr}");
    assert!(!out.exists());
    // A folder that is no case: exit 1.
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_sasp"))
        .args(["sbml-case", root.join("nothing").to_str().unwrap(), "-o", out.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(1), "{}", String::from_utf8_lossy(&run.stderr));
}

/// On the shared copy of the suite (skipped when absent): every time-course
/// case passes against its own expected results, and fails once one value
/// is moved beyond the tolerance.
#[test]
fn every_case_of_the_shared_suite_passes_against_its_own_results() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/sbml-test-suite/semantic");
    if !root.is_dir() {
        eprintln!("skipped: no {}", root.display());
        return;
    }
    let echo = |dir: &Path, _: &CaseSettings| Table::read_csv(sasp::sbml::suite::case_file(dir, "results.csv"));
    let report = run_suite(&root, &echo, None).unwrap();
    assert!(report.cases.len() > 1000);
    for c in &report.cases {
        assert!(matches!(c.outcome, Outcome::Passed | Outcome::Unsupported(_)), "{} {:?}", c.id, c.outcome);
    }
    assert!(report.totals.passed > 1000, "{:?}", report.totals);
    // Moving the last finite value of the first variable by twice its tolerance fails.
    let nudge = |dir: &Path, s: &CaseSettings| {
        let mut t = Table::read_csv(sasp::sbml::suite::case_file(dir, "results.csv"))?;
        let Some(col) = s.variables.first().and_then(|v| t.column(v)) else {
            return Ok(t);
        };
        if let Some(row) = t.rows.iter_mut().rev().find(|r| r[col].is_finite()) {
            row[col] += 2.0 * (s.absolute + s.relative * row[col].abs());
        }
        Ok(t)
    };
    let report = run_suite(&root, &nudge, None).unwrap();
    assert!(report.totals.wrong > 1000, "{:?}", report.totals);
    assert_eq!(report.totals.error, 0, "{:?}", report.totals);
}
