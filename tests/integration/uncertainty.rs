//! Parameter uncertainty in the model: declared distributions
//! (`uncertainty = { … }` in a model file), the defaults of the provenance
//! tags, their refusals, and their use by GSA specs and cohorts that name a
//! parameter without a distribution.

use sasp::gsa::experiment::Spec;
use sasp::model::{Distribution, Model, ParameterDecl, UncertaintyDecl};
use sasp::prelude::*;
use sasp::sweep::Design;

/// A small model file whose parameters declare (or do not declare) their
/// uncertainty; `extra` is spliced into the parameter `k`'s table.
fn model_file(extra: &str) -> String {
    format!(
        r#"
[model]
name = "uncertain"

[[compartment]]
name = "X"
kind = "index.X"
unit = "1"
initial = 10.0

[[parameter]]
name = "k"
value = 0.5
unit = "1/day"
tag = "A"
{extra}

[[parameter]]
name = "v"
value = 2.0
unit = "1/day"
tag = "V"

[[process]]
name = "decay"
changes = {{ X = -1 }}
rate = {{ law = "first_order", k = "k", of = "X" }}
"#
    )
}

#[test]
fn declared_distributions_are_read_and_tags_give_the_defaults() {
    let cases = [
        (
            r#"uncertainty = { distribution = "log-normal", sigma = 0.5 }"#,
            Distribution::LogNormal { median: 0.5, sigma: 0.5 },
        ),
        (r#"uncertainty = { distribution = "normal", sd = 0.1 }"#, Distribution::Normal { mean: 0.5, sd: 0.1 }),
        (
            r#"uncertainty = { distribution = "log-uniform", factor = 3 }"#,
            Distribution::LogUniform { low: 0.5 / 3.0, high: 1.5 },
        ),
        (
            r#"uncertainty = { distribution = "uniform", low = 0.1, high = 0.9 }"#,
            Distribution::Uniform { low: 0.1, high: 0.9 },
        ),
        // Without a declaration: [A] is log-uniform over a factor 4.
        ("", Distribution::LogUniform { low: 0.125, high: 2.0 }),
    ];
    for (extra, expected) in cases {
        let model = Model::from_toml_str(&model_file(extra), "uncertain.toml").unwrap();
        assert_eq!(model.parameter_distribution("k").unwrap(), expected, "{extra}");
        // [V]: a factor 1.25.
        assert_eq!(model.parameter_distribution("v").unwrap(), Distribution::LogUniform { low: 1.6, high: 2.5 });
        // The declaration survives writing the model back out.
        let again = Model::from_toml_str(&model.to_toml().unwrap(), "again.toml").unwrap();
        assert_eq!(again.parameter_distribution("k").unwrap(), expected, "{extra}");
    }
    // The reference model: fitted [F] a factor 2, derived [D] 1.5, a
    // numerical device [N] has none.
    let reference = sasp::models::iannello2013().unwrap();
    let k = reference.parameter("k_kill").unwrap();
    assert_eq!(
        reference.parameter_distribution("k_kill").unwrap(),
        Distribution::LogUniform { low: k / 2.0, high: k * 2.0 }
    );
    let d = reference.parameter("delta_C").unwrap();
    assert_eq!(
        reference.parameter_distribution("delta_C").unwrap(),
        Distribution::LogUniform { low: d / 1.5, high: d * 1.5 }
    );
    let err = reference.parameter_distribution("T_eps").unwrap_err().to_string();
    assert!(err.contains("'T_eps'") && err.contains("numerical device"), "{err}");
    assert!(reference.parameter_distribution("nothing").is_err());
    // From Rust.
    let built = ModelBuilder::new("b")
        .compartment("X", Compartment::Other(Quantity::Index), "1", 1.0)
        .declare(ParameterDecl::new("k", 1.0, "1/day").uncertainty(UncertaintyDecl::log_normal(0.2)))
        .declare(ParameterDecl::new("zero", 0.0, "1/day"))
        .build()
        .unwrap();
    assert_eq!(built.parameter_distribution("k").unwrap(), Distribution::LogNormal { median: 1.0, sigma: 0.2 });
    let err = built.parameter_distribution("zero").unwrap_err().to_string();
    assert!(err.contains("no default log-uniform range"), "{err}");
}

#[test]
fn impossible_declarations_are_refused_with_the_line() {
    for (extra, says) in [
        (r#"uncertainty = { distribution = "log-uniform", factor = 0.5 }"#, "factor = 0.5 must be finite and above 1"),
        (r#"uncertainty = { distribution = "log-normal" }"#, "needs 'sigma'"),
        (r#"uncertainty = { distribution = "log-normal", sigma = -1 }"#, "sigma must be > 0"),
        (r#"uncertainty = { distribution = "normal", sd = 0.1, sigma = 2 }"#, "'sigma' is not a field of a normal"),
        (r#"uncertainty = { distribution = "gamma", sd = 1 }"#, "unknown distribution 'gamma'"),
        (r#"uncertainty = { distribution = "uniform", low = 2, high = 1 }"#, "low = 2 must be below high = 1"),
        (r#"uncertainty = { distribution = "log-uniform" }"#, "needs 'factor' or both 'low' and 'high'"),
        (r#"uncertainty = { distribution = "log-uniform", factor = 2, shape = 1 }"#, "shape"),
    ] {
        let err = Model::from_toml_str(&model_file(extra), "uncertain.toml").unwrap_err().to_string();
        assert!(err.contains(says), "{extra}: {err}");
        assert!(err.contains("uncertain.toml:"), "{extra}: no file and line in {err}");
    }
}

#[test]
fn gsa_specs_and_cohorts_take_the_models_distribution() {
    let model = sasp::models::iannello2013().unwrap();
    let k = model.parameter("k_kill").unwrap();
    let spec = Spec::from_toml_str(
        "arm = \"control\"\nmethod = \"sobol\"\noutput = { observable = \"tumor_volume_mm3\", day = 14.0 }\n\
         [[parameter]]\nname = \"k_kill\"\n[[parameter]]\nname = \"rho_N\"\ndistribution = \"log-normal\"\nmedian = 0.02\nsigma = 0.1\n",
        "gsa.toml",
    )
    .unwrap();
    let parameters = spec.parameters(&model).unwrap();
    assert_eq!(parameters[0].distribution, Distribution::LogUniform { low: k / 2.0, high: 2.0 * k });
    assert_eq!(parameters[1].distribution, Distribution::LogNormal { median: 0.02, sigma: 0.1 });
    let values_alone = Spec::from_toml_str(
        "arm = \"control\"\nmethod = \"sobol\"\noutput = { observable = \"tumor_volume_mm3\", day = 14.0 }\n\
         [[parameter]]\nname = \"k_kill\"\nlow = 1.0\n",
        "gsa.toml",
    )
    .unwrap();
    let err = values_alone.parameters(&model).unwrap_err().to_string();
    assert!(err.contains("'k_kill'") && err.contains("values without a distribution"), "{err}");

    // A cohort without sigma draws k_kill log-uniformly over [k/2, 2k]:
    // ln x uniform, mean ln k, standard deviation ln 2/√3; rho_N keeps its
    // sigma.
    let runs = 4000;
    let cohort = Design::from_toml_str(
        &format!(
            "arm = \"control\"\ndesign = \"cohort\"\nruns = {runs}\nseed = 5\n[[parameter]]\nname = \"k_kill\"\n\
             [[parameter]]\nname = \"rho_N\"\nsigma = 0.3\n"
        ),
        "cohort.toml",
    )
    .unwrap();
    let sampler = cohort.sampler(&model).unwrap();
    let logs: Vec<f64> = (0..runs).map(|j| sampler.sample(j).unwrap()[0].ln()).collect();
    assert!(logs.iter().all(|&x| x >= (k / 2.0).ln() - 1e-12 && x <= (2.0 * k).ln() + 1e-12));
    let mean = logs.iter().sum::<f64>() / runs as f64;
    let sd = 2f64.ln() / 3f64.sqrt();
    assert!((mean - k.ln()).abs() < 5.0 * sd / (runs as f64).sqrt(), "mean of ln k_kill {mean} vs {}", k.ln());
    let var = logs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (runs - 1) as f64;
    assert!((var.sqrt() / sd - 1.0).abs() < 0.05, "sd of ln k_kill {} vs {sd}", var.sqrt());
    // A cohort parameter may declare its own distribution as a model file
    // does: uniform on [0.1, 0.3] has mean 0.2 and sd 0.1/√3; the model's
    // own ×/÷ 2 range of k_kill is not used then.
    let declared = Design::from_toml_str(
        &format!(
            "arm = \"control\"\ndesign = \"cohort\"\nruns = {runs}\nseed = 5\n[[parameter]]\nname = \"k_kill\"\n\
             uncertainty = {{ distribution = \"uniform\", low = 0.1, high = 0.3 }}\n"
        ),
        "cohort.toml",
    )
    .unwrap();
    let sampler = declared.sampler(&model).unwrap();
    let values: Vec<f64> = (0..runs).map(|j| sampler.sample(j).unwrap()[0]).collect();
    assert!(values.iter().all(|&x| (0.1..=0.3).contains(&x)));
    let mean = values.iter().sum::<f64>() / runs as f64;
    let sd = 0.1 / 3f64.sqrt();
    assert!((mean - 0.2).abs() < 5.0 * sd / (runs as f64).sqrt(), "mean {mean}");
    // A declaration that cannot be, or one beside sigma or in a grid, is
    // refused at its line.
    for (text, needle) in [
        ("uncertainty = { distribution = \"log-uniform\", factor = 0.5 }", "cohort.toml:6"),
        ("sigma = 0.2\nuncertainty = { distribution = \"normal\", sd = 1.0 }", "without 'sigma'"),
    ] {
        let design = Design::from_toml_str(
            &format!("arm = \"control\"\ndesign = \"cohort\"\nruns = 3\n[[parameter]]\nname = \"k_kill\"\n{text}\n"),
            "cohort.toml",
        );
        let err = design.and_then(|d| d.sampler(&model).map(|_| ())).unwrap_err().to_string();
        assert!(err.contains(needle), "{text}: {err}");
    }
    let grid = Design::from_toml_str(
        "arm = \"control\"\ndesign = \"grid\"\n[[parameter]]\nname = \"k_kill\"\nvalues = [1.0]\n\
         uncertainty = { distribution = \"normal\", sd = 1.0 }\n",
        "grid.toml",
    );
    let err = grid.and_then(|d| d.sampler(&model).map(|_| ())).unwrap_err().to_string();
    assert!(err.contains("grid.toml:6") && err.contains("only a cohort parameter"), "{err}");
    // A numerical device has no distribution: refused at the spec's line.
    let device = Design::from_toml_str(
        "arm = \"control\"\ndesign = \"cohort\"\nruns = 3\n[[parameter]]\nname = \"T_eps\"\n",
        "cohort.toml",
    )
    .unwrap();
    let err = device.sampler(&model).unwrap_err().to_string();
    assert!(err.contains("cohort.toml:5") && err.contains("numerical device"), "{err}");
}

#[test]
fn bands_are_the_quantiles_of_the_prediction_over_the_distribution() {
    use sasp::experiment::{ClearanceSpec, Experiment, Level, Observable};
    use sasp::intervene::Arm;
    // X' = −kX from 1 with k log-uniform on [0.5, 2]: X(t) = e^{−kt}
    // falls as k rises, so its quantile at level l is e^{−k(1−l) t} with
    // k(q) = 0.5·4^q. Each empirical quantile, mapped back to its level,
    // lies within 5 standard errors √(l(1 − l)/n) of l.
    let model = ModelBuilder::new("decay")
        .compartment("X", Compartment::Other(Quantity::Index), "1", 1.0)
        .declare(ParameterDecl::new("k", 1.0, "1/day").uncertainty(UncertaintyDecl::factor(2.0)))
        .process(ProcessDecl::new("decay", RateLaw::first_order("k", "X")).change("X", -1.0))
        .build()
        .unwrap();
    let experiment = Experiment::new(&model)
        .arms([Arm::new("none")])
        .observables([Observable::pool("x", "1", &["X"])])
        .clearance(ClearanceSpec::of("x").threshold("half", Level::Fraction(0.5)))
        .until(2.0)
        .sample_every(1.0);
    let parameters = vec![("k".to_string(), model.parameter_distribution("k").unwrap())];
    let levels = [0.05, 0.25, 0.5, 0.75, 0.95];
    let n = 2001;
    let bands = sasp::sweep::bands(&experiment, &parameters, &["x"], n, 3, &levels).unwrap();
    assert_eq!((bands.runs, bands.failed), (n, 0));
    let arm = &bands.arms[0];
    assert_eq!(arm.name, "none");
    for (k, &t) in arm.t.iter().enumerate() {
        for (l, &level) in levels.iter().enumerate() {
            let x = arm.observables[0].1[k][l];
            if t == 0.0 {
                assert!((x - 1.0).abs() < 1e-6, "every run starts at 1");
                continue;
            }
            let rate = -x.ln() / t;
            let found = 1.0 - (rate / 0.5).ln() / 4f64.ln();
            let se = (level * (1.0 - level) / n as f64).sqrt();
            assert!((found - level).abs() < 5.0 * se, "t = {t}, level {level}: found {found}");
        }
    }
    assert_eq!(bands.curve("none", "x", 2).unwrap().len(), arm.t.len());
    assert!(bands.curve("none", "y", 2).is_none() && bands.curve("other", "x", 2).is_none());
    // The same bands for any thread count.
    let one = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
    let again = one.install(|| sasp::sweep::bands(&experiment, &parameters, &["x"], n, 3, &levels).unwrap());
    assert_eq!(again, bands);
    // Refusals, before any run.
    assert!(sasp::sweep::bands(&experiment, &parameters, &["x"], 0, 3, &levels).is_err());
    assert!(sasp::sweep::bands(&experiment, &parameters, &["x"], 10, 3, &[0.5, 0.25]).is_err());
    assert!(sasp::sweep::bands(&experiment, &parameters, &["x"], 10, 3, &[1.5]).is_err());
    let err = sasp::sweep::bands(&experiment, &parameters, &["nothing"], 10, 3, &levels).unwrap_err();
    assert!(err.to_string().contains("nothing"), "{err}");
    let unknown = vec![("q".to_string(), Distribution::LogUniform { low: 1.0, high: 2.0 })];
    assert!(sasp::sweep::bands(&experiment, &unknown, &["x"], 10, 3, &levels).is_err());
    let impossible = vec![("k".to_string(), Distribution::LogUniform { low: 2.0, high: 1.0 })];
    assert!(sasp::sweep::bands(&experiment, &impossible, &["x"], 10, 3, &levels).is_err());
}

#[test]
fn the_paper_figures_carry_the_bands() {
    use sasp::experiment::paper::{antibody_schedule, neutralization_arms};
    use sasp::experiment::Experiment;
    let model = sasp::models::iannello2013().unwrap();
    let experiment = Experiment::new(&model)
        .arms(neutralization_arms().unwrap())
        .until(21.0)
        .sample_every(sasp::plot::paper::SAMPLE_EVERY);
    let fitted = vec![("k_kill".to_string(), model.parameter_distribution("k_kill").unwrap())];
    let levels = sasp::plot::paper::BAND_LEVELS;
    let observables = sasp::plot::paper::BAND_OBSERVABLES;
    let bands = sasp::sweep::bands(&experiment, &fitted, &observables, 8, 1, &levels).unwrap();
    let results = experiment.run().unwrap();
    let doses = antibody_schedule().times("doses", model.initial_time()).unwrap();
    let dir = std::env::temp_dir().join(format!("sasp-bands-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    sasp::plot::paper::draw_all(&results, &doses, Some(&bands), |name| dir.join(name)).unwrap();
    let svg = std::fs::read_to_string(dir.join("clearance.svg")).unwrap();
    assert!(svg.contains("90 % of parameter sets"), "the band's legend entry");
    assert!(svg.contains("median of parameter sets (control)"), "the median's legend entry");
    let svg = std::fs::read_to_string(dir.join("ccl2.svg")).unwrap();
    assert!(svg.contains("90 % of parameter sets (control)"), "the CCL2 figure's band");
    let svg = std::fs::read_to_string(dir.join("nk_day5.svg")).unwrap();
    assert!(svg.contains("whiskers: 90 % of parameter sets"), "the day-5 bars' whiskers");
    // Bands without the CCL2 observables are refused, naming what is missing.
    let two = sasp::sweep::bands(&experiment, &fitted, &observables[..2], 2, 1, &levels).unwrap();
    let err = sasp::plot::paper::draw_all(&results, &doses, Some(&two), |name| dir.join(name)).unwrap_err();
    assert!(err.to_string().contains("no 'ccl2_free_nM'"), "{err}");
    // The CSV: a header, then a row per arm, observable and sample.
    let csv = sasp::plot::paper::bands_csv(&bands);
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("arm,observable,day,q05,q25,q50,q75,q95"));
    assert_eq!(lines.count(), 10 * observables.len() * bands.arms[0].t.len());
    // Bands of other levels are refused by the figures.
    let other = sasp::sweep::bands(&experiment, &fitted, &observables, 2, 1, &[0.5]).unwrap();
    let err = sasp::plot::paper::draw_all(&results, &doses, Some(&other), |name| dir.join(name)).unwrap_err();
    assert!(err.to_string().contains("levels"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}
