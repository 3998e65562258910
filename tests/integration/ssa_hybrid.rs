//! Hybrid stochastic simulation (`sasp::ssa::hybrid`): exact where counts
//! are small (analytic laws of immigration–death and of extinction under a
//! decaying drug, i.e. time-varying propensities), the continuous phase of
//! large populations (pure death from 10⁴ cells: the extinction time's law
//! `P(T ≤ t) = (1 − e^{−kt})^N`, one-sample Kolmogorov–Smirnov), results
//! independent of the thread count, the reference model's arms against the
//! ODE while populations are large, and refusals.

use sasp::experiment::paper;
use sasp::intervene::{PreparedArm, TimedAction};
use sasp::model::EventDecl;
use sasp::prelude::*;
use sasp::ssa::hybrid::{Hybrid, HybridOptions};
use sasp::ssa::stats::{ks_one_sample, ks_two_sample};

/// Cells in 10⁶ cells: one cell is 10⁻⁶ Mcells.
const CELL: f64 = 1e-6;

fn cells_model(name: &str, x0_cells: f64, extra: impl FnOnce(ModelBuilder) -> ModelBuilder) -> Model {
    let b = ModelBuilder::new(name).compartment("X", Compartment::Tumor(TumorState::Proliferating), "cells", x0_cells);
    extra(b).build().unwrap()
}

/// One-sample KS distance (library function on a sample it may keep).
fn ks_one(sample: Vec<f64>, cdf: impl Fn(f64) -> f64) -> f64 {
    ks_one_sample(&sample, cdf)
}

/// Critical value of the one-sample KS test at α = 0.001: `1.949/√n`.
fn ks_critical(n: usize) -> f64 {
    sasp::ssa::stats::ks_critical(0.001, n, None)
}

#[test]
fn immigration_death_below_the_threshold_is_poisson() {
    // ∅ → X at k₁ = 50 cells/day, X → ∅ at k₂ = 1/day: at t, Poisson with
    // mean 50(1 − e^{−t}); all of it below θ = 1000, so exact.
    let model = cells_model("immigration-death", 0.0, |b| {
        b.declare(ParameterDecl::new("k1", 50.0, "cells/day"))
            .declare(ParameterDecl::new("k2", 1.0, "1/day"))
            .process(ProcessDecl::new("in", RateLaw::constant("k1")).change("X", 1.0))
            .process(ProcessDecl::new("out", RateLaw::first_order("k2", "X")).change("X", -1.0))
    });
    let options = HybridOptions { threshold: 1000.0, seed: 3, ..HybridOptions::default() };
    let hybrid = Hybrid::new(&model, &options).unwrap();
    let n = 3000;
    let runs = hybrid.ensemble(&[0.5, 4.0], n).unwrap();
    for (k, t) in [(0, 0.5f64), (1, 4.0)] {
        let lambda = 50.0 * (1.0 - (-t).exp());
        let mean = runs.mean(k, 0) / CELL;
        let var = (runs.sd(k, 0) / CELL).powi(2);
        assert!((mean - lambda).abs() < 5.0 * (lambda / n as f64).sqrt(), "t = {t}: mean {mean} vs {lambda}");
        // Poisson: μ₄ = λ(1 + 3λ), so SE(S²) = √((λ + 2λ²)/n).
        let se = ((lambda + 2.0 * lambda * lambda) / n as f64).sqrt();
        assert!((var - lambda).abs() < 5.0 * se, "t = {t}: variance {var} vs {lambda}");
        // Counts are whole numbers of cells.
        let median = runs.quantile(k, 0, 0.5) / CELL;
        assert!((median - median.round()).abs() < 1e-6 && (median - lambda).abs() <= 2.0, "median {median}");
    }
}

#[test]
fn model_events_reset_the_population_exactly_at_their_times() {
    // Immigration (1 cell/day) and death (0.1/day) from 0 cells; at t ≥ 10
    // an event sets 50 cells, one delayed by 5 after t ≥ 15 sets 20. Below
    // θ = 100 everything is exact: 50 and 20 cells exactly at t = 10 and
    // 20, and after a reset to x₀ at s the law is Poisson(10(1 − e^{−0.1(t−s)}))
    // plus Binomial(x₀, e^{−0.1(t−s)}). With θ = 10 the reset populations
    // are continuous (≥ 2θ) and turn exact as they fall: still exactly 50
    // and 20 at the events, and means as the ODE's.
    let model = cells_model("reset", 0.0, |b| {
        b.declare(ParameterDecl::new("alpha", 1.0, "cells/day"))
            .declare(ParameterDecl::new("mu", 0.1, "1/day"))
            .declare(EventDecl::new("reset", "time >= 10").assign("X", "5e-5"))
            .declare(EventDecl::new("later", "time >= 15").assign("X", "2e-5").delay("5"))
            .process(ProcessDecl::new("in", RateLaw::constant("alpha")).change("X", 1.0))
            .process(ProcessDecl::new("out", RateLaw::first_order("mu", "X")).change("X", -1.0))
    });
    let times = [9.9, 10.0, 14.0, 20.0, 24.0];
    let law = |x0: f64, s: f64| {
        let p = (-0.1 * s).exp();
        let l = 10.0 * (1.0 - p);
        (l + x0 * p, l + x0 * p * (1.0 - p))
    };
    let n = 2000;
    for threshold in [100.0, 10.0] {
        let options = HybridOptions { threshold, seed: 12, ..HybridOptions::default() };
        let runs = Hybrid::new(&model, &options).unwrap().ensemble(&times, n).unwrap();
        assert!((runs.mean(1, 0) / CELL - 50.0).abs() < 1e-9 && runs.sd(1, 0) < 1e-12, "θ = {threshold}");
        assert!((runs.mean(3, 0) / CELL - 20.0).abs() < 1e-9 && runs.sd(3, 0) < 1e-12, "θ = {threshold}");
        for (k, (x0, s)) in [(0, (0.0, 9.9)), (2, (50.0, 4.0)), (4, (20.0, 4.0))] {
            let (mean, var) = law(x0, s);
            let got = runs.mean(k, 0) / CELL;
            let tol = 5.0 * (var / n as f64).sqrt();
            assert!((got - mean).abs() < tol, "θ = {threshold}, t = {}: {got} vs {mean}", times[k]);
            if threshold == 100.0 {
                let v = (runs.sd(k, 0) / CELL).powi(2);
                assert!((v - var).abs() < 0.2 * var, "t = {}: variance {v} vs {var}", times[k]);
            }
        }
    }
    // An event that leaves half a cell in an exact compartment is refused.
    let half = cells_model("half", 4.0, |b| {
        b.declare(EventDecl::new("halve", "time >= 1").assign("X", "X*0.375"))
            .declare(ParameterDecl::new("mu", 0.01, "1/day"))
            .process(ProcessDecl::new("out", RateLaw::first_order("mu", "X")).change("X", -1.0))
    });
    let hybrid = Hybrid::new(&half, &HybridOptions::default()).unwrap();
    let err = (0..10).find_map(|j| hybrid.trajectory(&[2.0], j).err()).expect("a fraction of a cell").to_string();
    assert!(err.contains("compartment 'X'") && err.contains("t = 1") && err.contains("whole number"), "{err}");
}

#[test]
fn a_decaying_drug_kills_with_the_integrated_propensity() {
    // Each of 20 cells dies at rate k·D(t), D = D₀e^{−λt} continuous: a cell
    // survives to t with probability exp(−k D₀ (1 − e^{−λt})/λ), and all are
    // dead with probability (1 − that)^20.
    let (k, d0, lambda) = (0.5, 2.0, 0.3);
    let model = cells_model("drug-kill", 20.0, |b| {
        b.compartment("D", Compartment::Other(Quantity::Concentration), "nM", d0)
            .declare(ParameterDecl::new("k", k, "1/(nM*day)"))
            .declare(ParameterDecl::new("lambda", lambda, "1/day"))
            .process(ProcessDecl::new("clearance", RateLaw::first_order("lambda", "D")).change("D", -1.0))
            .process(ProcessDecl::new("kill", RateLaw::expression("k*D*X")).change("X", -1.0))
    });
    let options = HybridOptions { seed: 11, extinction: vec!["X".into()], ..HybridOptions::default() };
    let hybrid = Hybrid::new(&model, &options).unwrap();
    let n = 4000;
    let times = [1.0, 3.0, 10.0];
    let runs = hybrid.ensemble(&times, n).unwrap();
    for (j, &t) in times.iter().enumerate() {
        let survive = (-k * d0 * (1.0 - (-lambda * t).exp()) / lambda).exp();
        let p = (1.0 - survive).powi(20);
        let se = (p * (1.0 - p) / n as f64).sqrt().max(1e-3);
        assert!((runs.extinction(j, 0) - p).abs() < 5.0 * se, "t = {t}: {} vs {p}", runs.extinction(j, 0));
        let mean = runs.mean(j, 0) / CELL;
        assert!((mean - 20.0 * survive).abs() < 5.0 * (20.0 * survive * (1.0 - survive) / n as f64).sqrt() + 1e-9);
        // D is continuous: the same in every trajectory, the ODE's value.
        let d = runs.mean(j, 1);
        assert!((d - d0 * (-lambda * t).exp()).abs() < 1e-5 * d0 && runs.sd(j, 1) < 1e-6 * d0, "D({t}) = {d}");
    }
    // Extinction times: their law is P(T ≤ t) = (1 − survive(t))^20.
    let died: Vec<f64> = runs.extinction_times(0).collect();
    assert_eq!(died.len(), n);
    let finite: Vec<f64> = died.iter().copied().filter(|t| t.is_finite()).collect();
    let cdf = |t: f64| (1.0 - (-k * d0 * (1.0 - (-lambda * t).exp()) / lambda).exp()).powi(20);
    // Conditioned on extinction by t = 10 (the last output).
    let p10 = cdf(10.0);
    let d = ks_one(finite.clone(), |t| cdf(t) / p10);
    assert!(d < ks_critical(finite.len()), "KS {d} on {} extinction times", finite.len());
    // The same test rejects a killing rate 20 % off.
    let wrong = |t: f64| (1.0 - (-1.2 * k * d0 * (1.0 - (-lambda * t).exp()) / lambda).exp()).powi(20);
    let p_wrong = wrong(10.0);
    assert!(ks_one(finite, |t| wrong(t) / p_wrong) > ks_critical(died.len()));
}

#[test]
fn a_continuous_state_below_zero_within_the_tolerance_reads_as_zero() {
    // Cells X die at k·D·X while D is 2 nM; at t = 1 an event sets D just
    // below 0 — within the ODE's absolute tolerance (10⁻⁹) it is an
    // undershoot, and the kill's propensity is 0, not negative, when cells Y
    // arrive (their influx makes the propensities be evaluated): no X dies
    // after t = 1. Further below it is an error naming the process.
    let model = |below: f64| {
        cells_model("undershoot", 20.0, |b| {
            b.compartment("D", Compartment::Other(Quantity::Concentration), "nM", 2.0)
                .compartment("Y", Compartment::Tumor(TumorState::Senescent), "cells", 0.0)
                .declare(ParameterDecl::new("k", 0.5, "1/(nM*day)"))
                .declare(ParameterDecl::new("b", 10.0, "cells/day"))
                .declare(EventDecl::new("wash-out", "time >= 1").assign("D", &format!("-{below}")))
                .process(ProcessDecl::new("kill", RateLaw::expression("k*D*X")).change("X", -1.0))
                .process(ProcessDecl::new("influx", RateLaw::expression("b")).change("Y", 1.0))
        })
    };
    let hybrid = Hybrid::new(&model(5e-10), &HybridOptions { seed: 3, ..HybridOptions::default() }).unwrap();
    let mut left = 0.0;
    for j in 0..50 {
        let run = hybrid.trajectory(&[1.5, 5.0], j).unwrap();
        assert_eq!(run.state(0)[0], run.state(1)[0], "trajectory {j}: cells died while D < 0");
        left += run.state(0)[0] / CELL / 50.0;
    }
    // Before t = 1 each cell survived with probability e^{−k·2·1} = 0.37.
    assert!((left - 20.0 * (-1.0f64).exp()).abs() < 2.0, "{left} cells left on average");
    let hybrid = Hybrid::new(&model(5e-7), &HybridOptions { seed: 3, ..HybridOptions::default() }).unwrap();
    let err = (0..20).find_map(|j| hybrid.trajectory(&[5.0], j).err()).expect("a negative propensity").to_string();
    assert!(err.contains("process 'kill'") && err.contains("propensit"), "{err}");
}

#[test]
fn pure_death_of_ten_thousand_cells_ends_at_the_maximum_of_exponentials() {
    // X → ∅ at k·X from N = 10⁴: continuous down to θ = 100 cells, exact
    // below. The extinction time is the largest of N Exp(k) lifetimes:
    // P(T ≤ t) = (1 − e^{−kt})^N, mean H_N/k = 9.788/k.
    let (k, big_n) = (1.0, 10_000.0);
    let model = cells_model("pure-death", big_n, |b| {
        b.declare(ParameterDecl::new("k", k, "1/day"))
            .process(ProcessDecl::new("death", RateLaw::first_order("k", "X")).change("X", -1.0))
    });
    let options = HybridOptions { seed: 5, extinction: vec!["X".into()], ..HybridOptions::default() };
    let hybrid = Hybrid::new(&model, &options).unwrap();
    let n = 2000;
    let runs = hybrid.ensemble(&[2.0, 40.0], n).unwrap();
    // At t = 2 the population is large: continuous, N e^{−2}.
    assert!((runs.mean(0, 0) / CELL - big_n * (-2.0f64).exp()).abs() < 1e-3 * big_n);
    let times: Vec<f64> = runs.extinction_times(0).collect();
    assert!(times.iter().all(|t| t.is_finite()) && runs.extinction(1, 0) == 1.0);
    let cdf = |t: f64| (1.0 - (-k * t).exp()).powf(big_n);
    let d = ks_one(times.clone(), cdf);
    assert!(d < ks_critical(n), "KS distance {d}");
    let mean = times.iter().sum::<f64>() / n as f64;
    let h_n: f64 = (1..=10_000).map(|j| 1.0 / j as f64).sum();
    // SD of T ≈ π/√6 /k = 1.28/k.
    assert!((mean - h_n / k).abs() < 5.0 * 1.28 / (n as f64).sqrt(), "mean extinction time {mean} vs {}", h_n / k);
    // A 20 % faster death is rejected by the same test.
    assert!(ks_one(times, |t| (1.0 - (-1.2 * k * t).exp()).powf(big_n)) > ks_critical(n));
}

#[test]
fn a_fractional_change_is_a_random_whole_number_with_that_mean() {
    // X → ∅ at rate k·X changes Y by +0.3: each of the 50 deaths adds a
    // Y cell with probability 0.3, so Y(∞) ~ Binomial(50, 0.3): mean 15,
    // variance 10.5.
    let model = cells_model("fraction", 50.0, |b| {
        b.compartment("Y", Compartment::Tumor(TumorState::Senescent), "cells", 0.0)
            .declare(ParameterDecl::new("k", 1.0, "1/day"))
            .process(ProcessDecl::new("death", RateLaw::first_order("k", "X")).change("X", -1.0).change("Y", 0.3))
    });
    let n = 4000;
    let runs = Hybrid::new(&model, &HybridOptions { seed: 9, ..HybridOptions::default() })
        .unwrap()
        .ensemble(&[40.0], n)
        .unwrap();
    let (mean, var) = (runs.mean(0, 1) / CELL, (runs.sd(0, 1) / CELL).powi(2));
    assert_eq!(runs.mean(0, 0), 0.0);
    assert!((mean - 15.0).abs() < 5.0 * (10.5f64 / n as f64).sqrt(), "mean {mean}");
    // Binomial μ₄ = 3σ⁴ + σ²(1 − 6pq) with σ² = 10.5, pq = 0.21.
    let mu4 = 3.0 * 10.5f64.powi(2) + 10.5 * (1.0 - 6.0 * 0.21);
    assert!((var - 10.5).abs() < 5.0 * ((mu4 - 10.5f64.powi(2)) / n as f64).sqrt(), "variance {var}");
}

fn ks_two(a: Vec<f64>, b: Vec<f64>) -> f64 {
    ks_two_sample(&a, &b)
}

/// A large population X (birth–death about 2000) drives a small one Y:
/// ∅ → Y at `ky·X`, Y → ∅ at `Y`. Counts in dimensionless compartments.
fn driven(ky: f64) -> Model {
    ModelBuilder::new("driven")
        .compartment("X", Compartment::Other(Quantity::Index), "1", 2000.0)
        .compartment("Y", Compartment::Other(Quantity::Index), "1", 0.0)
        .declare(ParameterDecl::new("bx", 400.0, "1/day"))
        .declare(ParameterDecl::new("dx", 0.2, "1/day"))
        .declare(ParameterDecl::new("ky", ky, "1/day"))
        .declare(ParameterDecl::new("dy", 1.0, "1/day"))
        .process(ProcessDecl::new("x birth", RateLaw::constant("bx")).change("X", 1.0))
        .process(ProcessDecl::new("x death", RateLaw::first_order("dx", "X")).change("X", -1.0))
        .process(ProcessDecl::new("y birth", RateLaw::first_order("ky", "X")).change("Y", 1.0))
        .process(ProcessDecl::new("y death", RateLaw::first_order("dy", "Y")).change("Y", -1.0))
        .build()
        .unwrap()
}

#[test]
fn hybrid_and_exact_methods_agree_on_the_small_population() {
    // X stays near 2000 (continuous in the hybrid: its ±2 % noise is
    // dropped), Y near 20 (exact). Y's law at t = 0.5, 2, 5 from both
    // methods, compared by the two-sample KS test at α = 0.001; the same
    // test rejects Y's birth rate 30 % higher in the exact model.
    use sasp::ssa::{Options as SsaOptions, Stochastic};
    let n = 1000;
    let times = [0.5, 2.0, 5.0];
    let counted = vec![("X".to_string(), 1.0), ("Y".to_string(), 1.0)];
    let model = driven(0.01);
    let options = HybridOptions { seed: 21, counted, ..HybridOptions::default() };
    let hybrid = Hybrid::new(&model, &options).unwrap();
    let exact = Stochastic::new(&model).unwrap();
    let wrong_model = driven(0.013);
    let wrong = Stochastic::new(&wrong_model).unwrap();
    let critical = sasp::ssa::stats::ks_critical(0.001, n, Some(n));
    let sample = |k: usize, one: &dyn Fn(u64) -> Vec<f64>| (0..n as u64).map(|j| one(j)[k]).collect::<Vec<f64>>();
    let hybrid_y = |j: u64| {
        let tr = hybrid.trajectory(&times, j).unwrap();
        (0..times.len()).map(|k| tr.state(k)[1]).collect::<Vec<f64>>()
    };
    let exact_y = |s: &Stochastic<'_>, j: u64| {
        let tr = s.trajectory(&times, j, &SsaOptions { seed: 22, ..SsaOptions::default() }).unwrap();
        (0..times.len()).map(|k| tr.state(k)[1]).collect::<Vec<f64>>()
    };
    for (k, t) in times.iter().enumerate() {
        let h = sample(k, &hybrid_y);
        let e = sample(k, &|j| exact_y(&exact, j));
        let d = ks_two(h.clone(), e);
        assert!(d < critical, "t = {t}: KS {d} ≥ {critical}");
        if k == 2 {
            let w = sample(k, &|j| exact_y(&wrong, j));
            let d = ks_two(h, w);
            assert!(d > critical, "KS {d} does not reject a 30 % higher birth rate of Y");
        }
    }
}

#[test]
fn ensembles_are_bit_identical_for_any_thread_count() {
    let model = cells_model("birth-death", 150.0, |b| {
        b.declare(ParameterDecl::new("b", 1.0, "1/day"))
            .declare(ParameterDecl::new("d", 1.1, "1/day"))
            .process(ProcessDecl::new("birth", RateLaw::first_order("b", "X")).change("X", 1.0))
            .process(ProcessDecl::new("death", RateLaw::first_order("d", "X")).change("X", -1.0))
    });
    let run = |threads: Option<usize>, seed: u64| {
        let options = HybridOptions { threads, seed, extinction: vec!["X".into()], ..HybridOptions::default() };
        Hybrid::new(&model, &options).unwrap().ensemble(&[1.0, 5.0, 30.0], 100).unwrap()
    };
    let one = run(Some(1), 1);
    assert_eq!(one, run(Some(2), 1));
    assert_eq!(one, run(None, 1));
    assert_ne!(one, run(Some(1), 2));
}

#[test]
fn the_reference_model_follows_the_ode_while_populations_are_large() {
    // Control arm: by day 7 after restoration the tumor holds ~10⁸ cells and
    // thousands of NK cells have arrived, so the hybrid mean of every
    // compartment agrees with the ODE to a fraction of a percent.
    let model = sasp::models::iannello2013().unwrap();
    let arm = paper::neutralization_arms().unwrap().into_iter().find(|a| a.name == "control").unwrap();
    let prepared = arm.prepare(&model, model.initial_time()).unwrap();
    let days = [0.0, 7.0];
    let ode = Experiment::new(&model).arms([arm.clone()]).run().unwrap();
    let options = HybridOptions { seed: 2, ..HybridOptions::default() };
    let hybrid = Hybrid::for_arm(&prepared, &options).unwrap();
    let runs = hybrid.ensemble(&days, 8).unwrap();
    for name in ["P", "S", "Na"] {
        let v = runs.variable(name).unwrap();
        for (k, &day) in days.iter().enumerate() {
            let expected = ode[0].compartment_at(name, day).unwrap();
            let got = runs.mean(k, v);
            assert!(
                (got - expected).abs() <= 5e-3 * expected.abs() + 1e-4,
                "{name} at day {day}: {got} vs ODE {expected}"
            );
        }
    }
}

#[test]
fn what_hybrid_simulation_cannot_do_is_refused_by_name() {
    let plain = ModelBuilder::new("plain")
        .compartment("C", Compartment::Other(Quantity::Concentration), "nM", 1.0)
        .build()
        .unwrap();
    let err = Hybrid::new(&plain, &HybridOptions::default()).unwrap_err().to_string();
    assert!(err.contains("no counted compartment"), "{err}");
    let death = cells_model("d", 10.0, |b| {
        b.declare(ParameterDecl::new("k", 1.0, "1/day"))
            .process(ProcessDecl::new("death", RateLaw::first_order("k", "X")).change("X", -1.0))
    });
    for threshold in [0.5, f64::NAN] {
        let options = HybridOptions { threshold, ..HybridOptions::default() };
        assert!(Hybrid::new(&death, &options).unwrap_err().to_string().contains("threshold"));
    }
    let options = HybridOptions { counted: vec![("Y".into(), 1.0)], ..HybridOptions::default() };
    assert!(Hybrid::new(&death, &options).unwrap_err().to_string().contains("'Y'"));
    let options = HybridOptions { extinction: vec!["nothing".into()], ..HybridOptions::default() };
    assert!(Hybrid::new(&death, &options).is_err());
    let hybrid = Hybrid::new(&death, &HybridOptions::default()).unwrap();
    assert!(hybrid.ensemble(&[], 10).is_err() && hybrid.ensemble(&[1.0, 0.5], 10).is_err());
    assert!(hybrid.ensemble(&[1.0], 0).is_err());
    let options = HybridOptions { max_firings: 3, ..HybridOptions::default() };
    let err = Hybrid::new(&death, &options).unwrap().trajectory(&[100.0], 0).unwrap_err().to_string();
    assert!(err.contains("firings"), "{err}");
    // A dose of cells into a counted compartment (an adoptive transfer).
    let prepared = PreparedArm {
        name: "transfer".into(),
        model: death.clone(),
        actions: vec![(1.0, TimedAction::Add { compartment: 0, amount: 1.0 })],
        complexes: Vec::new(),
        pharmacokinetics: Vec::new(),
        fixed_parameters: Vec::new(),
    };
    let err = Hybrid::for_arm(&prepared, &HybridOptions::default()).unwrap_err().to_string();
    assert!(err.contains("dose into a counted compartment") && err.contains("'X'"), "{err}");
}
