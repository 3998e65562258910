//! Sweeps: designs, determinism, shards that merge into the unsharded file,
//! sizes and settings refused before any run, damaged parts refused by merge.

use sasp::experiment::paper::neutralization_arms;
use sasp::sweep::{merge, run, Design, Shard, MAX_RUNS, MAX_VALUES};
use std::path::PathBuf;

fn design(text: &str) -> Design {
    toml::from_str(text).unwrap()
}

fn control() -> sasp::intervene::Arm {
    neutralization_arms().unwrap().into_iter().find(|a| a.name == "control").unwrap()
}

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sasp-sweep-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

const COHORT: &str = "arm = \"control\"\ndesign = \"cohort\"\nruns = 12\nseed = 7\n[[parameter]]\nname = \"rho_N\"\nsigma = 0.3\n[[parameter]]\nname = \"k_kill\"\nsigma = 0.2\n";
const LHS: &str = "arm = \"control\"\ndesign = \"lhs\"\nruns = 50\nseed = 3\n[[parameter]]\nname = \"rho_N\"\nlo = 0.005\nhi = 0.05\nlog = true\n[[parameter]]\nname = \"k_kill\"\nlo = 2.0\nhi = 12.0\n";
const GRID: &str = "arm = \"control\"\ndesign = \"grid\"\n[[parameter]]\nname = \"rho_N\"\nvalues = [0.01, 0.02]\n[[parameter]]\nname = \"k_kill\"\nvalues = [4.0, 8.0, 12.0]\n";

fn samples(d: &Design) -> Vec<Vec<f64>> {
    let model = sasp::models::iannello2013().unwrap();
    let s = d.sampler(&model).unwrap();
    (0..s.len()).map(|k| s.sample(k).unwrap()).collect()
}

fn field(row: &str, i: usize) -> f64 {
    row.split(',').nth(i).unwrap().parse().unwrap()
}

#[test]
fn a_grid_is_the_cartesian_product_in_order() {
    let model = sasp::models::iannello2013().unwrap();
    let d = design(GRID);
    assert_eq!(d.len(), 6);
    let s = samples(&d);
    assert_eq!(s[0], vec![0.01, 4.0]);
    assert_eq!(s[1], vec![0.01, 8.0]);
    assert_eq!(s[5], vec![0.02, 12.0]);
    let out = run(&model, &control(), &d, None).unwrap();
    assert_eq!((out.runs, out.failed), (6, 0));
    let csv = out.csv;
    assert_eq!(csv.lines().count(), 7);
    assert!(csv.lines().skip(1).all(|l| l.ends_with(",ok")), "{csv}");
    // Numbers in shortest round-trip form: plain in the usual range.
    assert!(csv.lines().nth(1).unwrap().starts_with("0,0.01,4,"), "{csv}");
    // More killing clears faster: days to 50 % regression fall along k_kill.
    let d50: Vec<f64> = csv.lines().skip(1).take(3).map(|l| field(l, 5)).collect();
    assert!(d50[0] > d50[1] && d50[1] > d50[2], "{d50:?}");
}

#[test]
fn samples_are_those_of_the_designs_before_on_demand_sampling() {
    // Taken from the code that built every run's vector up front (commit b122583):
    // sampling one run at a time must give the same bits.
    let model = sasp::models::iannello2013().unwrap();
    let cohort = design(COHORT);
    let c = samples(&cohort);
    assert_eq!(c[0], [0.033953110065067925, 7.245888631212848]);
    assert_eq!(c[1], [0.016485634628111256, 12.957293777670657]);
    assert_eq!(c[2], [0.019538548239105, 10.020810069826249]);
    assert_eq!(c[3], [0.018964433256833915, 10.993524604233249]);
    assert_eq!(c[11], [0.01800911867667178, 9.96283541990405]);
    let l = samples(&design(LHS));
    assert_eq!(l[0], [0.012971072136803135, 6.522594936509325]);
    assert_eq!(l[1], [0.02502592043097282, 9.088871843411155]);
    assert_eq!(l[2], [0.044411423466910106, 6.941114129793914]);
    assert_eq!(l[3], [0.005520057876134327, 3.80638731161143]);
    assert_eq!(l[49], [0.030549712665061932, 10.02631698834235]);
    assert_eq!(design(LHS).sample(&model, 3).unwrap(), l[3]);
    assert!(design(LHS).sampler(&model).unwrap().sample(50).is_err());
    // And the runs' results (parameters, day-0 volume, days to 50 %, 90 %, 1 mm³) are unchanged.
    let csv = run(&model, &control(), &cohort, None).unwrap().csv;
    let rows: Vec<&str> = csv.lines().skip(1).collect();
    let then = [
        [
            0.033953110065067925,
            7.245888631212848,
            75.00600533641277,
            6.314337262173256,
            7.305310404686707,
            7.536268354979785,
        ],
        [
            0.016485634628111256,
            12.957293777670657,
            88.02222822866995,
            7.798046523920259,
            9.427932145637708,
            9.900211586895514,
        ],
    ];
    for (row, then) in rows.iter().zip(then) {
        let now = [field(row, 1), field(row, 2), field(row, 3), field(row, 5), field(row, 6), field(row, 7)];
        assert_eq!(now, then, "{row}");
    }
}

#[test]
fn a_latin_hypercube_hits_every_stratum_once() {
    let s = samples(&design(LHS));
    let mut strata: Vec<usize> = s.iter().map(|v| ((v[1] - 2.0) / 10.0 * 50.0).floor() as usize).collect();
    strata.sort_unstable();
    assert_eq!(strata, (0..50).collect::<Vec<_>>());
    let mut log_strata: Vec<usize> =
        s.iter().map(|v| ((v[0] / 0.005).ln() / (10f64).ln() * 50.0).floor() as usize).collect();
    log_strata.sort_unstable();
    assert_eq!(log_strata, (0..50).collect::<Vec<_>>());
}

#[test]
fn shards_merge_into_exactly_the_unsharded_file_whatever_the_threads() {
    let model = sasp::models::iannello2013().unwrap();
    let d = design(COHORT);
    let whole = run(&model, &control(), &d, None).unwrap().csv;
    let single = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
    assert_eq!(single.install(|| run(&model, &control(), &d, None).unwrap().csv), whole);
    let parts: Vec<(String, String)> = (0..3)
        .map(|i| (format!("part{i}.csv"), run(&model, &control(), &d, Some(Shard { index: i, count: 3 })).unwrap().csv))
        .collect();
    assert_eq!(merge(&[parts[2].clone(), parts[0].clone(), parts[1].clone()]).unwrap(), whole);
    // A missing shard or mixed headers are errors.
    let err = merge(&parts[..2]).unwrap_err().to_string();
    assert!(err.contains("run 2 is missing"), "{err}");
    let other =
        run(&model, &control(), &design(&COHORT.replace("k_kill", "delta_Na")), Some(Shard { index: 1, count: 3 }))
            .unwrap()
            .csv;
    let err = merge(&[parts[0].clone(), ("other.csv".into(), other), parts[2].clone()]).unwrap_err().to_string();
    assert!(err.starts_with("other.csv:1:") && err.contains("header differs from that of part0.csv"), "{err}");
    // A shard of no run is a header alone, and merges.
    let tiny = design(&COHORT.replace("runs = 12", "runs = 2"));
    let empty = run(&model, &control(), &tiny, Some(Shard { index: 2, count: 3 })).unwrap();
    assert_eq!(empty.runs, 0);
    assert_eq!(empty.csv.lines().count(), 1);
    // The cohort is log-normal around the model's values.
    assert!(samples(&d).iter().all(|v| v[0] > 0.0 && v[1] > 0.0));
}

/// The three parts of the 12-run cohort, and the unsharded file.
fn cohort_parts() -> (Vec<(String, String)>, String) {
    let model = sasp::models::iannello2013().unwrap();
    let d = design(COHORT);
    let parts = (0..3)
        .map(|i| (format!("p{i}.csv"), run(&model, &control(), &d, Some(Shard { index: i, count: 3 })).unwrap().csv))
        .collect();
    (parts, run(&model, &control(), &d, None).unwrap().csv)
}

#[test]
fn merge_refuses_damaged_parts_naming_file_and_line() {
    let (parts, whole) = cohort_parts();
    let with = |k: usize, text: String| {
        let mut p = parts.clone();
        p[k].1 = text;
        p
    };
    let error = |p: &[(String, String)]| merge(p).unwrap_err().to_string();
    let p1 = parts[1].1.clone();
    // Cut short by 40 bytes (`head -c -40`): the last row has no line end.
    let cut = error(&with(1, p1[..p1.len() - 40].to_string()));
    assert!(cut.starts_with("p1.csv:5:") && cut.contains("does not end with a line end"), "{cut}");
    // Cut down to `19,`, with and without its line end.
    let rows: String = p1.lines().take(3).map(|l| format!("{l}\n")).collect();
    let e = error(&with(1, format!("{rows}19,")));
    assert!(e.starts_with("p1.csv:4:") && e.contains("line end"), "{e}");
    let e = error(&with(1, format!("{rows}19,\n")));
    assert!(e.starts_with("p1.csv:4:") && e.contains("2 fields, the header has 9"), "{e}");
    // A row with the right field count but no status.
    let e = error(&with(1, format!("{rows}19,1,2,3,4,5,6,7,\n")));
    assert!(e.starts_with("p1.csv:4:") && e.contains("status ''"), "{e}");
    let e = error(&with(1, format!("{rows}x9,1,2,3,4,5,6,7,ok\n")));
    assert!(e.starts_with("p1.csv:4:") && e.contains("'x9' is not a run number"), "{e}");
    // Empty, and not a sweep at all.
    let e = error(&with(2, String::new()));
    assert!(e.starts_with("p2.csv:1:") && e.contains("empty"), "{e}");
    let e = error(&with(2, "a,b\n1,2\n".into()));
    assert!(e.starts_with("p2.csv:1:") && e.contains("not a sweep part"), "{e}");
    // No parts at all.
    assert!(merge::<&str>(&[]).unwrap_err().to_string().contains("no parts"));
    // Windows line ends are read (as LF): the merge is exactly the unsharded file.
    let crlf = with(1, p1.replace('\n', "\r\n"));
    assert_eq!(merge(&crlf).unwrap(), whole);
    // A bare CR is refused for what it is.
    let e = error(&with(1, p1.replacen('\n', "\r", 1)));
    assert!(e.starts_with("p1.csv:1:") && e.contains("carriage return"), "{e}");
}

#[test]
fn merge_names_the_duplicated_run_and_both_files() {
    let (parts, _) = cohort_parts();
    // p1 holds runs 1, 4, 7, 10; a copy of its row of run 7 lands in p2.
    let row7 = parts[1].1.lines().find(|l| l.starts_with("7,")).unwrap().to_string();
    let mut p = parts.clone();
    p[2].1.push_str(&format!("{row7}\n"));
    let e = merge(&p).unwrap_err().to_string();
    assert!(e.starts_with("p2.csv:6:") && e.contains("run 7 is also at p1.csv:4"), "{e}");
    // The same part twice.
    let e = merge(&[parts[0].clone(), parts[1].clone(), parts[0].clone()]).unwrap_err().to_string();
    assert!(e.contains("'p0.csv' is given twice"), "{e}");
}

#[test]
fn failed_runs_are_quoted_rows_and_counted() {
    let model = sasp::models::iannello2013().unwrap();
    // r = 1e300 cannot be integrated; r = 0.3 can.
    let d = design("arm = \"control\"\ndesign = \"grid\"\n[[parameter]]\nname = \"r\"\nvalues = [0.3, 1e300]\n");
    let out = run(&model, &control(), &d, None).unwrap();
    assert_eq!((out.runs, out.failed), (2, 1));
    assert_eq!(out.first_failure.as_ref().map(|f| f.0), Some(1));
    let failed = out.csv.lines().nth(2).unwrap();
    assert!(failed.starts_with("1,1e300,,,,,,\"failed: ") && failed.ends_with('"'), "{failed}");
    // The failed row is a well-formed row: it merges.
    assert_eq!(merge(&[("all.csv", out.csv.clone())]).unwrap(), out.csv);
}

#[test]
fn sizes_over_the_limits_are_refused_before_anything_is_allocated() {
    let model = sasp::models::iannello2013().unwrap();
    let start = std::time::Instant::now();
    for runs in ["1000000000", "1000000000000000000", "18446744073709551615"] {
        let d = design(&COHORT.replace("runs = 12", &format!("runs = {runs}")));
        let e = run(&model, &control(), &d, None).unwrap_err().to_string();
        assert!(e.contains(&format!("runs = {runs}")) && e.contains("MAX_RUNS"), "{e}");
    }
    // runs × parameters over MAX_VALUES.
    let mut lhs = LHS.replace("runs = 50", &format!("runs = {MAX_RUNS}"));
    for name in ["delta_Na", "delta_Nr", "alpha", "K_I", "eps_N"] {
        lhs.push_str(&format!("[[parameter]]\nname = \"{name}\"\nlo = 0.1\nhi = 1.0\n"));
    }
    const { assert!(7 * MAX_RUNS > MAX_VALUES) };
    let e = design(&lhs).check().unwrap_err().to_string();
    assert!(e.contains("MAX_VALUES"), "{e}");
    // A grid whose product overflows usize.
    let mut grid = String::from("arm = \"control\"\ndesign = \"grid\"\n");
    let values = format!("[{}]", (1..=1000).map(|v| format!("{v}.0")).collect::<Vec<_>>().join(", "));
    for name in ["r", "K", "k_sen", "rho_N", "alpha", "k_kill", "delta_Na", "K_I"] {
        grid.push_str(&format!("[[parameter]]\nname = \"{name}\"\nvalues = {values}\n"));
    }
    let d = design(&grid);
    assert_eq!(d.len(), usize::MAX);
    let e = d.check().unwrap_err().to_string();
    assert!(e.contains("more than 2^64") && e.contains("MAX_RUNS"), "{e}");
    assert!(start.elapsed().as_secs_f64() < 1.0, "{:?}", start.elapsed());
}

#[test]
fn settings_that_would_fail_every_run_are_refused_at_their_line() {
    let model = sasp::models::iannello2013().unwrap();
    let spec = temp("settings.toml");
    for (line, needle) in [
        ("until = 10.0", "after the end of the run (day 10)"),
        ("until = nan", "until = NaN"),
        ("until = -20.0", "until = -20"),
        ("until = inf", "until = inf"),
        ("atol = 0.0", "atol = 0"),
        ("atol = -1e-7", "atol = -0.0000001"),
        ("rtol = 10.0", "rtol = 10"),
        ("rtol = 1.0", "rtol = 1"),
        ("rtol = 0.0", "rtol = 0"),
    ] {
        // The setting is on line 3 of the file.
        std::fs::write(&spec, COHORT.replacen("runs = 12\n", &format!("runs = 12\n{line}\n"), 1)).unwrap();
        let e = Design::from_file(&spec)
            .and_then(|d| run(&model, &control(), &d, None).map(|_| ()))
            .unwrap_err()
            .to_string();
        assert!(e.starts_with(&format!("{}:4:", spec.display())) && e.contains(needle), "{line}: {e}");
    }
    // An unknown parameter and a repeated one, at their `name` lines.
    std::fs::write(&spec, COHORT.replace("k_kill", "rho_X")).unwrap();
    let d = Design::from_file(&spec).unwrap();
    let e = run(&model, &control(), &d, None).unwrap_err().to_string();
    assert!(e.starts_with(&format!("{}:9:", spec.display())) && e.contains("rho_X"), "{e}");
    std::fs::write(&spec, COHORT.replace("k_kill", "rho_N")).unwrap();
    let e = Design::from_file(&spec).unwrap_err().to_string();
    assert!(e.starts_with(&format!("{}:9:", spec.display())) && e.contains("swept twice"), "{e}");
    std::fs::remove_file(spec).unwrap();
}

#[test]
fn bad_sweeps_are_errors() {
    let model = sasp::models::iannello2013().unwrap();
    let err = run(&model, &control(), &design(&COHORT.replace("rho_N", "rho_X")), None).unwrap_err();
    assert!(err.to_string().contains("rho_X"), "{err}");
    let empty = design(
        "arm = \"control\"\ndesign = \"lhs\"\nruns = 5\n[[parameter]]\nname = \"rho_N\"\nlo = 0.05\nhi = 0.05\n",
    );
    assert!(run(&model, &control(), &empty, None).unwrap_err().to_string().contains("empty range"));
    let no_values = design("arm = \"control\"\ndesign = \"grid\"\n[[parameter]]\nname = \"rho_N\"\nvalues = []\n");
    assert!(run(&model, &control(), &no_values, None).is_err());
    let no_runs = design(&COHORT.replace("runs = 12\n", ""));
    assert!(run(&model, &control(), &no_runs, None).unwrap_err().to_string().contains("no runs"));
    for bad in ["3/3", "1/0", "x/2", "2"] {
        assert!(Shard::parse(bad).is_err(), "{bad}");
    }
    assert_eq!(Shard::parse("2/5").unwrap(), Shard { index: 2, count: 5 });
    let file = temp("spiral.toml");
    std::fs::write(&file, "arm = \"control\"\ndesign = \"spiral\"\n").unwrap();
    let err = Design::from_file(&file).unwrap_err();
    assert!(err.to_string().contains(":2:"), "{err}");
    std::fs::remove_file(file).unwrap();
}

#[test]
fn slurm_array_variables_choose_the_shard() {
    fn vars<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| pairs.iter().find(|(k, _)| *k == name).map(|(_, v)| v.to_string())
    }
    let task = [("SLURM_ARRAY_TASK_ID", "4"), ("SLURM_ARRAY_TASK_MIN", "1"), ("SLURM_ARRAY_TASK_COUNT", "5")];
    assert_eq!(Shard::from_slurm_variables(vars(&task)).unwrap(), Some(Shard { index: 3, count: 5 }));
    let beyond = [("SLURM_ARRAY_TASK_ID", "9"), ("SLURM_ARRAY_TASK_MIN", "1"), ("SLURM_ARRAY_TASK_COUNT", "5")];
    assert!(Shard::from_slurm_variables(vars(&beyond)).is_err());
    assert_eq!(Shard::from_slurm_variables(vars(&[])).unwrap(), None);
}
