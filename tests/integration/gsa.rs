//! Global sensitivity analysis (`sasp::gsa`) against analytic answers: the
//! normal quantile against tabulated values, Sobol' indices of the Ishigami
//! and G functions against their closed forms, Morris' effects of a linear
//! model; results independent of the thread count; typed errors for designs
//! that cannot be.
//!
//! Tolerances: at N = 2¹³ the largest error of any index over seeds 0–19
//! was 0.0043 (Ishigami) and 0.0077 (G function, whose |4x − 2| kink makes
//! it the harder one); the tolerances are about 3–3.5 times those.

use sasp::gsa::{
    inverse_normal_cdf, morris, never_fails, sobol_indices, sobol_indices_of_outputs, DesignError, Distribution,
    GsaError, MorrisOptions, Parameter, SobolIndices, SobolOptions, MAX_PARAMETERS,
};
use std::f64::consts::PI;

const ISHIGAMI_TOLERANCE: f64 = 0.015;
const G_TOLERANCE: f64 = 0.025;

fn uniform(count: usize, low: f64, high: f64) -> Vec<Parameter> {
    (1..=count).map(|i| Parameter::new(format!("x{i}"), Distribution::Uniform { low, high })).collect()
}

// ---------------------------------------------------------------- Ishigami

const A: f64 = 7.0;
const B: f64 = 0.1;

fn ishigami(x: &[f64]) -> f64 {
    x[0].sin() + A * x[1].sin().powi(2) + B * x[2].powi(4) * x[0].sin()
}

/// Analytic (S1, ST, S13) of the Ishigami function, inputs uniform on [−π, π].
fn ishigami_analytic() -> ([f64; 3], [f64; 3], f64) {
    let (pi4, pi8) = (PI.powi(4), PI.powi(8));
    let v = A * A / 8.0 + B * pi4 / 5.0 + B * B * pi8 / 18.0 + 0.5;
    let v1 = B * pi4 / 5.0 + B * B * pi8 / 50.0 + 0.5;
    let v2 = A * A / 8.0;
    let v13 = 8.0 * B * B * pi8 / 225.0;
    ([v1 / v, v2 / v, 0.0], [(v1 + v13) / v, v2 / v, v13 / v], v13 / v)
}

fn ishigami_indices(options: &SobolOptions) -> SobolIndices {
    sobol_indices(&uniform(3, -PI, PI), never_fails(ishigami), options).expect("ishigami")
}

// ---------------------------------------------------------------- G function

const G: [f64; 8] = [0.0, 1.0, 4.5, 9.0, 99.0, 99.0, 99.0, 99.0];

fn g_function(x: &[f64]) -> f64 {
    x.iter().zip(&G).map(|(x, a)| ((4.0 * x - 2.0).abs() + a) / (1.0 + a)).product()
}

/// Analytic (S1, ST) of the G function, inputs uniform on [0, 1].
fn g_analytic() -> (Vec<f64>, Vec<f64>) {
    let partial: Vec<f64> = G.iter().map(|a| 1.0 / (3.0 * (1.0 + a) * (1.0 + a))).collect();
    let product: f64 = partial.iter().map(|v| 1.0 + v).product();
    let v = product - 1.0;
    let first = partial.iter().map(|vi| vi / v).collect();
    let total = partial.iter().map(|vi| vi * product / (1.0 + vi) / v).collect();
    (first, total)
}

fn assert_close(what: &str, estimated: &[f64], analytic: &[f64], tolerance: f64) {
    assert_eq!(estimated.len(), analytic.len());
    for (i, (e, a)) in estimated.iter().zip(analytic).enumerate() {
        assert!((e - a).abs() < tolerance, "{what}[{i}]: estimated {e}, analytic {a} (tolerance {tolerance})");
    }
}

// ---------------------------------------------------------------- tests

#[test]
#[allow(clippy::excessive_precision)] // the table's 20 digits, as tabulated
fn the_normal_quantile_matches_tabulated_values() {
    // Φ⁻¹(p) to 20 digits (rounded to f64 by the compiler).
    let table = [
        (0.975, 1.959_963_984_540_054_235_5),
        (0.995, 2.575_829_303_548_900_760_9),
        (0.9, 1.281_551_565_544_600_811_6),
        (0.8, 0.841_621_233_572_914_344_4),
        (1e-10, -6.361_340_902_404_055_872_9),
    ];
    for (p, z) in table {
        let got = inverse_normal_cdf(p);
        assert!((got - z).abs() <= 1e-15 * z.abs(), "Φ⁻¹({p}) = {got}, expected {z}");
        // Symmetry where 1 − p is exact enough to test it.
        if p > 0.5 {
            assert!((inverse_normal_cdf(1.0 - p) + z).abs() <= 1e-14 * z.abs(), "symmetry at {p}");
        }
    }
    assert_eq!(inverse_normal_cdf(0.5), 0.0);
    assert_eq!(inverse_normal_cdf(0.0), f64::NEG_INFINITY);
    assert_eq!(inverse_normal_cdf(1.0), f64::INFINITY);
    assert!(inverse_normal_cdf(1.5).is_nan() && inverse_normal_cdf(f64::NAN).is_nan());
    // Increasing across the three branches of AS 241.
    let mut last = f64::NEG_INFINITY;
    for k in 1..10_000 {
        let z = inverse_normal_cdf(k as f64 / 10_000.0);
        assert!(z > last);
        last = z;
    }
}

#[test]
fn distributions_map_the_unit_interval_by_their_quantiles() {
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-12 * b.abs().max(1.0);
    assert!(close(Distribution::Uniform { low: 2.0, high: 6.0 }.quantile(0.25), 3.0));
    assert!(close(Distribution::LogUniform { low: 1.0, high: 100.0 }.quantile(0.5), 10.0));
    assert!(close(Distribution::Normal { mean: 1.0, sd: 2.0 }.quantile(0.975), 1.0 + 2.0 * 1.959963984540054));
    assert!(close(Distribution::LogNormal { median: 3.0, sigma: 0.5 }.quantile(0.5), 3.0));
    assert!(close(
        Distribution::LogNormal { median: 3.0, sigma: 0.5 }.quantile(0.975),
        3.0 * (0.5f64 * 1.959963984540054).exp()
    ));
    assert_eq!(Distribution::LogUniform { low: 1e-3, high: 10.0 }.quantile(1.0), 10.0);
}

#[test]
fn impossible_distributions_are_refused_by_name() {
    let bad = [
        Distribution::Uniform { low: 1.0, high: 1.0 },
        Distribution::Uniform { low: 2.0, high: 1.0 },
        Distribution::Uniform { low: f64::NAN, high: 1.0 },
        Distribution::Uniform { low: -f64::MAX, high: f64::MAX },
        Distribution::LogUniform { low: 0.0, high: 1.0 },
        Distribution::LogUniform { low: -1.0, high: 1.0 },
        Distribution::Normal { mean: 0.0, sd: 0.0 },
        Distribution::Normal { mean: f64::INFINITY, sd: 1.0 },
        Distribution::LogNormal { median: 0.0, sigma: 1.0 },
        Distribution::LogNormal { median: 1.0, sigma: -1.0 },
        Distribution::LogNormal { median: 1.0, sigma: 1e3 },
    ];
    for distribution in bad {
        let error = distribution.check("k_kill").expect_err(&format!("{distribution:?} accepted"));
        assert!(matches!(&error, DesignError::InvalidParameter { name, .. } if name == "k_kill"), "{error}");
        let parameters = vec![Parameter::new("k_kill", distribution)];
        let result = sobol_indices(&parameters, never_fails(|x: &[f64]| x[0]), &SobolOptions::default());
        assert!(matches!(result, Err(GsaError::Design(DesignError::InvalidParameter { .. }))));
    }
}

#[test]
fn ishigami_indices_match_the_analytic_values() {
    let indices =
        ishigami_indices(&SobolOptions { base_samples: 1 << 13, bootstrap_resamples: 0, ..SobolOptions::default() });
    let (first, total, _) = ishigami_analytic();
    assert_close("Ishigami S1", &indices.first_order, &first, ISHIGAMI_TOLERANCE);
    assert_close("Ishigami ST", &indices.total, &total, ISHIGAMI_TOLERANCE);
    assert_eq!(indices.runs, (1 << 13) * 5);
    assert_eq!(indices.names, ["x1", "x2", "x3"]);
    // The variance of the runs of A and B against V.
    let v = A * A / 8.0 + B * PI.powi(4) / 5.0 + B * B * PI.powi(8) / 18.0 + 0.5;
    assert!((indices.variance / v - 1.0).abs() < 0.02, "V = {} against {v}", indices.variance);
    assert!(indices.first_order_intervals.is_empty() && indices.second_order.is_empty());
}

#[test]
fn several_outputs_of_one_model_get_the_indices_each_would_get_alone() {
    // Ishigami of x1..x3 and a constant from one design: the first output's
    // indices are exactly those of a run of Ishigami alone (same points,
    // same estimators), the constant has no variance to apportion.
    let options = SobolOptions { base_samples: 1 << 10, bootstrap_resamples: 50, ..SobolOptions::default() };
    let two = |x: &[f64], out: &mut [f64]| -> Result<(), std::convert::Infallible> {
        out[0] = ishigami(x);
        out[1] = 3.0;
        Ok(())
    };
    let both = sobol_indices_of_outputs(&uniform(3, -PI, PI), 2, two, &options).unwrap();
    assert_eq!(both.len(), 2);
    assert_eq!(both[0].as_ref().unwrap(), &ishigami_indices(&options));
    assert!(matches!(both[1], Err(DesignError::InvalidDesign(_))));
    let none = |_: &[f64], _: &mut [f64]| -> Result<(), std::convert::Infallible> { Ok(()) };
    let refused = sobol_indices_of_outputs(&uniform(3, -PI, PI), 0, none, &options).unwrap_err();
    assert!(matches!(refused, GsaError::Design(DesignError::InvalidDesign(_))), "{refused:?}");
}

#[test]
fn g_function_indices_match_the_analytic_values() {
    let parameters = uniform(8, 0.0, 1.0);
    let options = SobolOptions { base_samples: 1 << 13, bootstrap_resamples: 0, ..SobolOptions::default() };
    let indices = sobol_indices(&parameters, never_fails(g_function), &options).expect("G function");
    let (first, total) = g_analytic();
    assert_close("G S1", &indices.first_order, &first, G_TOLERANCE);
    assert_close("G ST", &indices.total, &total, G_TOLERANCE);
    // The four unimportant inputs (a = 99): each well under 1 %.
    for i in 4..8 {
        assert!(indices.first_order[i].abs() < 0.002 && indices.total[i].abs() < 0.002, "x{}", i + 1);
    }
}

#[test]
fn second_order_indices_find_the_one_interaction_of_ishigami() {
    let options =
        SobolOptions { base_samples: 1 << 13, second_order: true, bootstrap_resamples: 0, ..SobolOptions::default() };
    let indices = ishigami_indices(&options);
    assert_eq!(indices.runs, (1 << 13) * (2 * 3 + 2));
    let (first, total, s13) = ishigami_analytic();
    assert_close("Ishigami S1", &indices.first_order, &first, ISHIGAMI_TOLERANCE);
    assert_close("Ishigami ST", &indices.total, &total, ISHIGAMI_TOLERANCE);
    let pairs: Vec<(usize, usize)> = indices.second_order.iter().map(|s| s.pair).collect();
    assert_eq!(pairs, [(0, 1), (0, 2), (1, 2)]);
    let values: Vec<f64> = indices.second_order.iter().map(|s| s.value).collect();
    assert_close("Ishigami S_ij", &values, &[0.0, s13, 0.0], 2.0 * ISHIGAMI_TOLERANCE);
}

#[test]
fn bootstrap_intervals_contain_the_analytic_ishigami_indices() {
    let options = SobolOptions { base_samples: 1 << 13, bootstrap_resamples: 500, seed: 3, ..SobolOptions::default() };
    let indices = ishigami_indices(&options);
    let (first, total, _) = ishigami_analytic();
    for i in 0..3 {
        let (s, t) = (indices.first_order_intervals[i], indices.total_intervals[i]);
        assert!(s.contains(first[i]), "S{} = {} not in {s:?}", i + 1, first[i]);
        assert!(t.contains(total[i]), "ST{} = {} not in {t:?}", i + 1, total[i]);
        assert!(s.contains(indices.first_order[i]) && t.contains(indices.total[i]));
        assert!(s.high - s.low < 0.1 && t.high - t.low < 0.1, "interval too wide to mean anything: {s:?} {t:?}");
    }
}

#[test]
fn the_convergence_check_reports_the_indices_at_a_quarter_half_and_all_samples() {
    let n = 1 << 13;
    let indices =
        ishigami_indices(&SobolOptions { base_samples: n, bootstrap_resamples: 0, ..SobolOptions::default() });
    let convergence = &indices.convergence;
    assert_eq!(convergence.base_samples, [n / 4, n / 2, n]);
    assert_eq!(convergence.first_order[2], indices.first_order);
    assert_eq!(convergence.total[2], indices.total);
    // The estimate at N/2 is the estimate of a run with N/2 base samples.
    let half =
        ishigami_indices(&SobolOptions { base_samples: n / 2, bootstrap_resamples: 0, ..SobolOptions::default() });
    assert_eq!(convergence.first_order[1], half.first_order);
    assert_eq!(convergence.total[1], half.total);
    let (first, _, _) = ishigami_analytic();
    let largest = (0..3).map(|i| (convergence.first_order[1][i] - first[i]).abs()).fold(0.0, f64::max);
    assert!(convergence.changes[1] <= 2.0 * largest + 1e-3, "{convergence:?}");
    assert!(convergence.changes.iter().all(|c| c.is_finite() && *c < 0.05), "{convergence:?}");
}

#[test]
fn results_do_not_depend_on_the_number_of_threads() -> Result<(), Box<dyn std::error::Error>> {
    let parameters = vec![
        Parameter::new("x1", Distribution::Uniform { low: -PI, high: PI }),
        Parameter::new("x2", Distribution::Normal { mean: 0.0, sd: 1.0 }),
        Parameter::new("x3", Distribution::LogUniform { low: 0.1, high: 3.0 }),
        Parameter::new("x4", Distribution::LogNormal { median: 1.0, sigma: 0.3 }),
    ];
    let model = |x: &[f64]| x[0].sin() * x[3] + A * x[1].sin().powi(2) + B * x[2].powi(4) * x[0].sin();
    let sobol_options =
        SobolOptions { base_samples: 1 << 11, second_order: true, bootstrap_resamples: 200, ..SobolOptions::default() };
    let morris_options = MorrisOptions { trajectories: 50, ..MorrisOptions::default() };
    let run = |threads: usize| -> Result<_, Box<dyn std::error::Error>> {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build()?;
        Ok(pool.install(|| {
            (
                sobol_indices(&parameters, never_fails(model), &sobol_options),
                morris(&parameters, never_fails(model), &morris_options),
            )
        }))
    };
    let (sobol_1, morris_1) = run(1)?;
    for threads in [2, 3, 4] {
        let (sobol_k, morris_k) = run(threads)?;
        // Debug prints every bit that matters (f64 Debug round-trips).
        assert_eq!(format!("{sobol_1:?}"), format!("{sobol_k:?}"), "Sobol' with {threads} threads");
        assert_eq!(format!("{morris_1:?}"), format!("{morris_k:?}"), "Morris with {threads} threads");
    }
    assert!(sobol_1.is_ok() && morris_1.is_ok());
    Ok(())
}

#[test]
fn morris_effects_of_a_linear_model_are_its_slopes_times_the_ranges() {
    let c = [2.0, -3.0, 0.5, 0.0];
    let ranges = [(0.0, 1.0), (-1.0, 4.0), (10.0, 30.0), (0.0, 1.0)];
    let parameters: Vec<Parameter> = ranges
        .iter()
        .enumerate()
        .map(|(i, &(low, high))| Parameter::new(format!("x{i}"), Distribution::Uniform { low, high }))
        .collect();
    for levels in [4, 6] {
        let options = MorrisOptions { trajectories: 30, levels, seed: 7, ..MorrisOptions::default() };
        let effects =
            morris(&parameters, never_fails(|x: &[f64]| x.iter().zip(&c).map(|(x, c)| c * x).sum()), &options)
                .expect("morris");
        assert_eq!(effects.runs, 30 * 5);
        assert_eq!(effects.step, levels as f64 / (2.0 * (levels as f64 - 1.0)));
        for i in 0..4 {
            let slope = c[i] * (ranges[i].1 - ranges[i].0);
            let tolerance = 1e-12 * slope.abs().max(1.0) * 10.0;
            assert!((effects.mu_star[i] - slope.abs()).abs() < tolerance, "μ*{i} = {}", effects.mu_star[i]);
            assert!((effects.mu[i] - slope).abs() < tolerance, "μ{i} = {}", effects.mu[i]);
            assert!(effects.sigma[i] < tolerance, "σ{i} = {}", effects.sigma[i]);
        }
        // x3 does not enter: every effect is exactly zero.
        assert_eq!((effects.mu_star[3], effects.sigma[3]), (0.0, 0.0));
    }
}

#[test]
fn morris_separates_interactions_from_additive_effects() {
    // y = x1 + x2 x3: x1 acts alone (σ = 0), x2 and x3 through each other (σ > 0).
    let effects = morris(&uniform(3, 0.0, 1.0), never_fails(|x: &[f64]| x[0] + x[1] * x[2]), &MorrisOptions::default())
        .expect("morris");
    assert!(effects.sigma[0] < 1e-12);
    assert!(effects.sigma[1] > 0.1 && effects.sigma[2] > 0.1, "{effects:?}");
    // Every effect of x2 is x3 ∈ [0, 1]: μ* = mean x3 lies in [0, 1].
    assert!(effects.mu_star[1] > 0.0 && effects.mu_star[1] < 1.0);
}

#[test]
fn designs_that_cannot_be_are_typed_errors() {
    let model = never_fails(|x: &[f64]| x[0]);
    let one = uniform(1, 0.0, 1.0);
    let sobol =
        |parameters: &[Parameter], options: SobolOptions| sobol_indices(parameters, &model, &options).map(|_| ());
    let with_n = |n: usize| SobolOptions { base_samples: n, ..SobolOptions::default() };

    assert!(matches!(sobol(&[], SobolOptions::default()), Err(GsaError::Design(DesignError::InvalidDesign(_)))));
    for n in [0, 1, 4, 1000, 1 << 17, usize::MAX] {
        assert!(matches!(sobol(&one, with_n(n)), Err(GsaError::Design(DesignError::InvalidDesign(_)))), "N = {n}");
    }
    let too_many = uniform(MAX_PARAMETERS + 1, 0.0, 1.0);
    assert!(matches!(
        sobol(&too_many, SobolOptions::default()),
        Err(GsaError::Design(DesignError::LimitExceeded { what: "parameters", .. }))
    ));
    // 128 parameters at N = 2¹⁶ would be 8.5 million runs: allowed; with second order 17 million: not.
    let most = uniform(MAX_PARAMETERS, 0.0, 1.0);
    let huge = SobolOptions { base_samples: 1 << 16, second_order: true, ..SobolOptions::default() };
    assert!(matches!(sobol(&most, huge), Err(GsaError::Design(DesignError::LimitExceeded { what: "model runs", .. }))));
    let repeated = vec![one[0].clone(), one[0].clone()];
    assert!(matches!(sobol(&repeated, SobolOptions::default()), Err(GsaError::Design(DesignError::InvalidDesign(_)))));
    for confidence in [0.0, 1.0, f64::NAN] {
        let options = SobolOptions { confidence, ..SobolOptions::default() };
        assert!(matches!(sobol(&one, options), Err(GsaError::Design(DesignError::InvalidDesign(_)))));
    }
    let resamples = SobolOptions { bootstrap_resamples: usize::MAX, ..SobolOptions::default() };
    assert!(matches!(sobol(&one, resamples), Err(GsaError::Design(DesignError::LimitExceeded { .. }))));

    let morris_with = |options: MorrisOptions| morris(&one, &model, &options).map(|_| ());
    for options in [
        MorrisOptions { trajectories: 1, ..MorrisOptions::default() },
        MorrisOptions { levels: 5, ..MorrisOptions::default() },
        MorrisOptions { levels: 0, ..MorrisOptions::default() },
        MorrisOptions { tail: 0.5, ..MorrisOptions::default() },
    ] {
        assert!(
            matches!(morris_with(options.clone()), Err(GsaError::Design(DesignError::InvalidDesign(_)))),
            "{options:?}"
        );
    }
    let endless = MorrisOptions { trajectories: usize::MAX, ..MorrisOptions::default() };
    assert!(matches!(morris_with(endless), Err(GsaError::Design(DesignError::LimitExceeded { .. }))));
    assert!(matches!(
        morris(&[], &model, &MorrisOptions::default()),
        Err(GsaError::Design(DesignError::InvalidDesign(_)))
    ));
}

#[test]
fn the_first_failing_run_is_reported_whatever_the_thread_count() {
    #[derive(Debug, PartialEq)]
    struct Diverged;
    // Fails wherever x1 > 0.9: many runs fail, the lowest in run order is reported.
    let model = |x: &[f64]| if x[0] > 0.9 { Err(Diverged) } else { Ok(x[0] + x[1]) };
    let options = SobolOptions { base_samples: 1 << 10, ..SobolOptions::default() };
    let parameters = uniform(2, 0.0, 1.0);
    let first = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().expect("pool");
        match pool.install(|| sobol_indices(&parameters, model, &options)) {
            Err(GsaError::Model { run, point, source }) => (run, point, source),
            other => panic!("expected a model error, got {other:?}"),
        }
    };
    let (run, point, source) = first(1);
    assert_eq!(source, Diverged);
    assert!(point[0] > 0.9);
    assert_eq!(first(3), (run, point, Diverged));

    let nan = sobol_indices(&parameters, never_fails(|x: &[f64]| if x[1] > 0.5 { f64::NAN } else { 1.0 }), &options);
    assert!(matches!(nan, Err(GsaError::NotFinite { .. })), "{nan:?}");
    let constant = sobol_indices(&parameters, never_fails(|_: &[f64]| 2.0), &options);
    assert!(matches!(constant, Err(GsaError::Design(DesignError::InvalidDesign(_)))), "{constant:?}");
}

#[test]
fn sasp_errors_pass_through_with_the_question_mark() {
    fn analysis() -> sasp::Result<f64> {
        let parameters = uniform(1, 0.0, 1.0);
        let model = |x: &[f64]| -> sasp::Result<f64> {
            if x[0] < 2.0 {
                Err(sasp::SaspError::InvalidOptions("a failing experiment".into()))
            } else {
                Ok(x[0])
            }
        };
        Ok(sobol_indices(&parameters, model, &SobolOptions::default())?.variance)
    }
    assert!(matches!(analysis(), Err(sasp::SaspError::InvalidOptions(m)) if m == "a failing experiment"));
    // Design errors become the options errors of sasp, with their limits.
    fn design(parameters: usize) -> sasp::Result<()> {
        sobol_indices(&uniform(parameters, 0.0, 1.0), never_fails(|x: &[f64]| x[0]), &SobolOptions::default())?;
        Ok(())
    }
    assert!(matches!(design(0), Err(sasp::SaspError::InvalidOptions(_))));
    assert!(matches!(design(MAX_PARAMETERS + 1), Err(sasp::SaspError::LimitExceeded { limit: MAX_PARAMETERS, .. })));
    assert!(design(2).is_ok());
}

/// The analysis `gsa::experiment` function `how` gives on the reference
/// model's anti-CCL2 arm from a spec: `extra`, with the tumor volume at
/// day 14 as the output unless `extra` names one.
fn on_reference<T>(
    extra: &str,
    how: impl FnOnce(&sasp::experiment::Experiment, &sasp::intervene::Arm, &sasp::gsa::experiment::Spec) -> sasp::Result<T>,
) -> sasp::Result<T> {
    use sasp::experiment::{paper, Experiment};
    use sasp::intervene::Scenario;
    let model = sasp::models::iannello2013()?;
    let scenario = Scenario::from_toml_str(paper::NEUTRALIZATION_TOML, "neutralization.toml")?;
    let arm = scenario.arms.iter().find(|a| a.name == "anti-CCL2").expect("the paper's anti-CCL2 arm");
    let output =
        if extra.contains("output =") { "" } else { "output = { observable = \"tumor_volume_mm3\", day = 14.0 }" };
    let text = format!("arm = \"anti-CCL2\"\n{output}\n{extra}\n");
    let spec = sasp::gsa::experiment::Spec::from_toml_str(&text, "spec.toml")?;
    how(&Experiment::new(&model), arm, &spec)
}

/// An analysis of the reference model's anti-CCL2 arm from a spec.
fn reference_spec(extra: &str) -> sasp::Result<sasp::gsa::experiment::Analysis> {
    on_reference(extra, sasp::gsa::experiment::run)
}

#[test]
fn an_arm_is_analysed_from_a_spec_and_bad_specs_are_refused() {
    use sasp::gsa::experiment::Analysis;
    let k_kill = "[[parameter]]\nname = \"k_kill\"\ndistribution = \"log-uniform\"\nlow = 4.4\nhigh = 17.6\n";
    let k_sen = "[[parameter]]\nname = \"k_sen\"\ndistribution = \"uniform\"\nlow = 0.35\nhigh = 1.4\n";
    let morris = format!("method = \"morris\"\ntrajectories = 4\nseed = 3\n{k_kill}{k_sen}");
    let Analysis::Morris(effects) = reference_spec(&morris).unwrap() else { panic!("a Morris analysis") };
    assert_eq!(effects.runs, 4 * 3);
    assert_eq!(effects.names, ["k_kill", "k_sen"]);
    // More killing and more senescence both shrink the tumor at day 14.
    for k in 0..2 {
        assert!(effects.mu[k] < 0.0 && effects.mu_star[k] > 0.0, "{effects:?}");
        assert!((effects.mu_star[k] - effects.mu[k].abs()).abs() < 1e-9 * effects.mu_star[k], "{effects:?}");
    }
    // The same analysis twice gives the same numbers.
    assert_eq!(reference_spec(&morris).unwrap(), Analysis::Morris(effects));
    let sobol = format!("method = \"sobol\"\nsamples = 8\n{k_kill}{k_sen}");
    let Analysis::Sobol(indices) = reference_spec(&sobol).unwrap() else { panic!("a Sobol' analysis") };
    assert_eq!(indices.runs, 8 * 4);
    assert!(indices.variance > 0.0 && indices.mean > 0.0);
    for (spec, needle) in [
        (
            "method = \"sobol\"\n[[parameter]]\nname = \"k_kill\"\ndistribution = \"gamma\"\nlow = 1\nhigh = 2\n",
            "unknown distribution 'gamma'",
        ),
        ("method = \"sobol\"\n[[parameter]]\nname = \"k_kill\"\ndistribution = \"normal\"\nmean = 1\n", "needs 'sd'"),
        ("method = \"sobol\"\n[[parameter]]\nname = \"nope\"\ndistribution = \"uniform\"\nlow = 1\nhigh = 2\n", "nope"),
        (
            "method = \"sobol\"\n[[parameter]]\nname = \"k_kill\"\ndistribution = \"uniform\"\nlow = 2\nhigh = 1\n",
            "k_kill",
        ),
        ("method = \"sobl\"\n", "spec.toml:"),
    ] {
        let err = reference_spec(spec).unwrap_err().to_string();
        assert!(err.contains(needle), "{spec}: {err}");
    }
}

#[test]
fn the_gsa_benchmarks_example_matches_the_analytic_indices() {
    // What `cargo run --example gsa_benchmarks` prints: N = 2^14, seed 0.
    let json: serde_json::Value =
        serde_json::from_str(&sasp::gsa::benchmarks::benchmarks(1 << 14).unwrap().to_json()).unwrap();
    let read = |f: &str, k: &str| -> Vec<f64> {
        json[f][k]
            .as_array()
            .unwrap_or_else(|| panic!("{f}.{k} in {json}"))
            .iter()
            .map(|v| v.as_f64().unwrap())
            .collect()
    };
    let (first, total, _) = ishigami_analytic();
    // At 2^14 every index lies within 0.0006 of its closed form (docs/gsa.md).
    assert_close("Ishigami S1", &read("ishigami", "S1"), &first, 0.002);
    assert_close("Ishigami ST", &read("ishigami", "ST"), &total, 0.002);
    let (first, total) = g_analytic();
    assert_close("G S1", &read("g_function", "S1"), &first, 0.002);
    assert_close("G ST", &read("g_function", "ST"), &total, 0.002);
}

#[test]
fn shards_of_an_analysis_merge_into_the_unsharded_result_and_foreign_parts_are_refused() {
    use sasp::gsa::experiment::{merge, run_shard};
    use sasp::sweep::Shard;
    let k_kill = "[[parameter]]\nname = \"k_kill\"\ndistribution = \"log-uniform\"\nlow = 4.4\nhigh = 17.6\n";
    let k_sen = "[[parameter]]\nname = \"k_sen\"\ndistribution = \"uniform\"\nlow = 0.35\nhigh = 1.4\n";
    for method in ["method = \"sobol\"\nsamples = 8\nseed = 5\n", "method = \"morris\"\ntrajectories = 3\nseed = 5\n"] {
        let spec = format!("{method}{k_kill}{k_sen}");
        let whole = reference_spec(&spec).unwrap();
        let parts: Vec<(String, String)> = (0..3)
            .map(|i| {
                let part = on_reference(&spec, |e, a, s| run_shard(e, a, s, Shard { index: i, count: 3 })).unwrap();
                (format!("part{i}.csv"), part)
            })
            .collect();
        assert!(parts[0].1.starts_with("run,k_kill,k_sen,tumor_volume_mm3_day14,status\n0,"), "{}", parts[0].1);
        // Any order of the parts gives the unsharded analysis, bit for bit.
        let reversed: Vec<(String, String)> = parts.iter().rev().cloned().collect();
        assert_eq!(on_reference(&spec, |e, a, s| merge(e, a, s, &reversed)).unwrap(), whole);
        // A part missing, or the parts of another seed, are refused.
        let err = on_reference(&spec, |e, a, s| merge(e, a, s, &parts[..2])).unwrap_err().to_string();
        assert!(err.contains("missing"), "{err}");
        let other = spec.replace("seed = 5", "seed = 6");
        let err = on_reference(&other, |e, a, s| merge(e, a, s, &parts)).unwrap_err().to_string();
        assert!(err.contains("not the design's"), "{err}");
    }
    // A failed run is written as such, and the merge names it.
    let spec = format!("method = \"sobol\"\nsamples = 8\n{k_kill}{k_sen}");
    let mut parts = vec![(
        "all.csv".to_string(),
        on_reference(&spec, |e, a, s| run_shard(e, a, s, Shard { index: 0, count: 1 })).unwrap(),
    )];
    let row = parts[0].1.lines().nth(3).unwrap().to_string();
    let failed = format!("{},,failed: the solver gave up", row.rsplitn(3, ',').nth(2).unwrap());
    parts[0].1 = parts[0].1.replace(&row, &failed);
    let err = on_reference(&spec, |e, a, s| merge(e, a, s, &parts)).unwrap_err().to_string();
    assert!(err.contains("run 2 failed (failed: the solver gave up)"), "{err}");
}

#[test]
fn an_output_may_be_a_ratio_of_two_days_or_a_clearance_time() {
    use sasp::experiment::{paper, Experiment};
    use sasp::gsa::experiment::Analysis;
    use sasp::intervene::Scenario;
    // Morris' first point is shared by every kind of output: its value is
    // the output at that point, which one run of the arm gives directly.
    let k_sen = "[[parameter]]\nname = \"k_sen\"\ndistribution = \"uniform\"\nlow = 0.35\nhigh = 1.4\n";
    let model = sasp::models::iannello2013().unwrap();
    let scenario = Scenario::from_toml_str(paper::NEUTRALIZATION_TOML, "n.toml").unwrap();
    let arm = scenario.arms.iter().find(|a| a.name == "anti-CCL2").unwrap();
    let shard = |output: &str| -> String {
        let spec = format!("method = \"morris\"\ntrajectories = 2\n{output}\n{k_sen}");
        on_reference(&spec, |e, a, s| {
            sasp::gsa::experiment::run_shard(e, a, s, sasp::sweep::Shard { index: 0, count: 1 })
        })
        .unwrap()
    };
    let first_run = |csv: &str| -> (f64, f64) {
        let row: Vec<f64> = csv.lines().nth(1).unwrap().split(',').take(3).map(|x| x.parse().unwrap()).collect();
        (row[1], row[2])
    };
    // The spec's defaults: 21 days, rtol 1e-4, atol 1e-7.
    let options = sasp::solve::Options {
        rtol: 1e-4,
        atol: sasp::solve::Tolerance::Scalar(1e-7),
        ..sasp::solve::Options::default()
    };
    let direct = |k_sen: f64| {
        let model = model.with_parameter("k_sen", k_sen).unwrap();
        Experiment::new(&model).arms([arm.clone()]).until(21.0).options(options.clone()).run().unwrap().remove(0)
    };
    let (k, ratio) = first_run(&shard("output = { observable = \"tumor_volume_mm3\", day = 14, relative_to_day = 0 }"));
    let r = direct(k);
    let expected = r.value("tumor_volume_mm3", 14.0).unwrap() / r.value("tumor_volume_mm3", 0.0).unwrap();
    assert!((ratio / expected - 1.0).abs() < 1e-12, "{ratio} against {expected}");
    let (k, days) = first_run(&shard("output = { clearance = \"days_to_50\" }"));
    let r = direct(k);
    // Anti-CCL2 does not halve the tumor in 21 days: censored at the end (21 days from day 0).
    assert_eq!(r.clearance.days_to("days_to_50"), None);
    assert_eq!(days, 21.0 - r.clearance.reference_day);
    // A threshold the metric lacks, and an output of two kinds, are refused by name.
    let err = reference_spec(&format!("method = \"morris\"\noutput = {{ clearance = \"days_to_99\" }}\n{k_sen}"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("no threshold 'days_to_99'") && err.contains("days_to_50"), "{err}");
    let err =
        reference_spec(&format!("method = \"morris\"\noutput = {{ clearance = \"days_to_50\", day = 3 }}\n{k_sen}"))
            .unwrap_err()
            .to_string();
    assert!(err.contains("'clearance' stands alone"), "{err}");
    let Analysis::Morris(effects) = reference_spec(&format!(
        "method = \"morris\"\ntrajectories = 2\noutput = {{ clearance = \"days_to_90\" }}\n{k_sen}"
    ))
    .unwrap() else {
        panic!("a Morris analysis")
    };
    assert_eq!(effects.runs, 4);
}
