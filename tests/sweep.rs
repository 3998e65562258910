//! Sweeps: designs, determinism, shards that merge into the unsharded file, bad input.

use sasp::experiment::paper::neutralization_arms;
use sasp::sweep::{merge, run, Design, Shard};

fn design(text: &str) -> Design {
    toml::from_str(text).unwrap()
}

fn control() -> sasp::intervene::Arm {
    neutralization_arms().unwrap().into_iter().find(|a| a.name == "control").unwrap()
}

const COHORT: &str = "arm = \"control\"\ndesign = \"cohort\"\nruns = 12\nseed = 7\n[[parameter]]\nname = \"rho_N\"\nsigma = 0.3\n[[parameter]]\nname = \"k_kill\"\nsigma = 0.2\n";

#[test]
fn a_grid_is_the_cartesian_product_in_order() {
    let model = sasp::models::iannello2013().unwrap();
    let d = design("arm = \"control\"\ndesign = \"grid\"\n[[parameter]]\nname = \"rho_N\"\nvalues = [0.01, 0.02]\n[[parameter]]\nname = \"k_kill\"\nvalues = [4.0, 8.0, 12.0]\n");
    assert_eq!(d.len(), 6);
    let s = d.samples(&model).unwrap();
    assert_eq!(s[0], vec![0.01, 4.0]);
    assert_eq!(s[1], vec![0.01, 8.0]);
    assert_eq!(s[5], vec![0.02, 12.0]);
    let csv = run(&model, &control(), &d, None).unwrap();
    assert_eq!(csv.lines().count(), 7);
    assert!(csv.lines().skip(1).all(|l| l.ends_with(",ok")), "{csv}");
    // More killing clears faster: days to 50 % regression fall along k_kill.
    let d50: Vec<f64> = csv.lines().skip(1).take(3).map(|l| l.split(',').nth(6).unwrap().parse().unwrap()).collect();
    assert!(d50[0] > d50[1] && d50[1] > d50[2], "{d50:?}");
}

#[test]
fn a_latin_hypercube_hits_every_stratum_once() {
    let model = sasp::models::iannello2013().unwrap();
    let d = design("arm = \"control\"\ndesign = \"lhs\"\nruns = 50\nseed = 3\n[[parameter]]\nname = \"rho_N\"\nlo = 0.005\nhi = 0.05\nlog = true\n[[parameter]]\nname = \"k_kill\"\nlo = 2.0\nhi = 12.0\n");
    let s = d.samples(&model).unwrap();
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
    let whole = run(&model, &control(), &d, None).unwrap();
    let single = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
    assert_eq!(single.install(|| run(&model, &control(), &d, None).unwrap()), whole);
    let parts: Vec<String> =
        (0..3).map(|i| run(&model, &control(), &d, Some(Shard { index: i, count: 3 })).unwrap()).collect();
    assert_eq!(merge(&[parts[2].clone(), parts[0].clone(), parts[1].clone()]).unwrap(), whole);
    // A missing shard or mixed headers are errors.
    assert!(merge(&parts[..2]).is_err());
    let other =
        run(&model, &control(), &design(&COHORT.replace("k_kill", "delta_Na")), Some(Shard { index: 1, count: 3 }))
            .unwrap();
    assert!(merge(&[parts[0].clone(), other, parts[2].clone()]).is_err());
    // The cohort is log-normal around the model's values.
    let s = d.samples(&model).unwrap();
    assert!(s.iter().all(|v| v[0] > 0.0 && v[1] > 0.0));
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
    for bad in ["3/3", "1/0", "x/2", "2"] {
        assert!(Shard::parse(bad).is_err(), "{bad}");
    }
    assert_eq!(Shard::parse("2/5").unwrap(), Shard { index: 2, count: 5 });
    let file = std::env::temp_dir().join(format!("sasp-sweep-{}.toml", std::process::id()));
    std::fs::write(&file, "arm = \"control\"\ndesign = \"spiral\"\n").unwrap();
    let err = Design::from_file(&file).unwrap_err();
    assert!(err.to_string().contains(":2:"), "{err}");
    std::fs::remove_file(file).unwrap();
}

#[test]
fn slurm_array_variables_choose_the_shard() {
    // Only this test touches these variables.
    std::env::set_var("SLURM_ARRAY_TASK_ID", "4");
    std::env::set_var("SLURM_ARRAY_TASK_MIN", "1");
    std::env::set_var("SLURM_ARRAY_TASK_COUNT", "5");
    assert_eq!(Shard::from_slurm().unwrap(), Some(Shard { index: 3, count: 5 }));
    std::env::set_var("SLURM_ARRAY_TASK_ID", "9");
    assert!(Shard::from_slurm().is_err());
    for v in ["SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_MIN", "SLURM_ARRAY_TASK_COUNT"] {
        std::env::remove_var(v);
    }
    assert_eq!(Shard::from_slurm().unwrap(), None);
}
