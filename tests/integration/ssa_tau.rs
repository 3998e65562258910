//! Adaptive tau-leaping (`sasp::ssa::Method::TauLeaping`): its Poisson
//! sampler, two-sample Kolmogorov–Smirnov tests against the exact direct
//! method (each shown able to reject a wrong rate constant), the analytic
//! law of a tau-leaped pure death and birth–death, non-negativity at the
//! edge, refusals, bit-identity across threads, and its work (steps) on
//! the decaying–dimerising network of Cao, Gillespie & Petzold (2006).

use sasp::prelude::*;
use sasp::ssa::stats::ks_two_sample as ks;
use sasp::ssa::{poisson, Method, Options, Stochastic, Stream};

/// A process: its name, its rate expression and its changes.
type Process<'a> = (&'a str, &'a str, &'a [(&'a str, f64)]);

/// A model over dimensionless counts.
fn network(name: &str, states: &[(&str, f64)], parameters: &[(&str, f64)], processes: &[Process<'_>]) -> Model {
    let mut b = ModelBuilder::new(name);
    for (s, x0) in states {
        b = b.compartment(s, Compartment::Other(Quantity::Index), "1", *x0);
    }
    for (p, v) in parameters {
        b = b.declare(ParameterDecl::new(p, *v, "1/day"));
    }
    for (p, rate, changes) in processes {
        let mut decl = ProcessDecl::new(p, RateLaw::expression(*rate));
        for (s, nu) in *changes {
            decl = decl.change(s, *nu);
        }
        b = b.process(decl);
    }
    b.build().unwrap()
}

fn options(method: Method, seed: u64) -> Options {
    Options { method, seed, ..Options::default() }
}

fn tau(seed: u64) -> Options {
    options(Method::TauLeaping, seed)
}

fn exact(seed: u64) -> Options {
    options(Method::Direct, seed)
}

fn birth_death(k1: f64) -> Model {
    network(
        "birth-death",
        &[("X", 0.0)],
        &[("k1", k1), ("k2", 1.0)],
        &[("birth", "k1", &[("X", 1.0)]), ("death", "k2*X", &[("X", -1.0)])],
    )
}

/// The production–dimerisation network of `tests/integration/ssa.rs`.
fn dimerisation(k0: f64) -> Model {
    network(
        "dimerisation",
        &[("A", 0.0), ("D", 0.0)],
        &[("k0", k0), ("k1", 0.02), ("k2", 0.5), ("k3", 0.2)],
        &[
            ("make", "k0", &[("A", 1.0)]),
            ("bind", "k1*A*(A - 1)/2", &[("A", -2.0), ("D", 1.0)]),
            ("unbind", "k2*D", &[("A", 2.0), ("D", -1.0)]),
            ("lose", "k3*D", &[("D", -1.0)]),
        ],
    )
}

/// Gillespie's decaying–dimerising network as in CGP 2006: S1 → ∅ (c1 = 1),
/// 2 S1 → S2 (c2 = 0.002, propensity c2·S1(S1 − 1)/2), S2 → 2 S1
/// (c3 = 0.5), S2 → S3 (c4), from S1 = 10⁵.
fn decaying_dimerising(c4: f64) -> Model {
    network(
        "decaying-dimerising",
        &[("S1", 1e5), ("S2", 0.0), ("S3", 0.0)],
        &[("c1", 1.0), ("c2", 0.002), ("c3", 0.5), ("c4", c4)],
        &[
            ("decay", "c1*S1", &[("S1", -1.0)]),
            ("dimerise", "c2*S1*(S1 - 1)/2", &[("S1", -2.0), ("S2", 1.0)]),
            ("split", "c3*S2", &[("S1", 2.0), ("S2", -1.0)]),
            ("convert", "c4*S2", &[("S2", -1.0), ("S3", 1.0)]),
        ],
    )
}

/// `samples[k][i]`: the `n` draws of compartment `i` at output `k`,
/// trajectories `0..n` of `options`.
fn samples(model: &Model, times: &[f64], n: usize, options: &Options) -> Vec<Vec<Vec<f64>>> {
    let s = Stochastic::new(model).unwrap();
    let dim = s.initial_state().len();
    let mut out: Vec<Vec<Vec<f64>>> =
        (0..times.len()).map(|_| (0..dim).map(|_| Vec::with_capacity(n)).collect()).collect();
    for j in 0..n {
        let t = s.trajectory(times, j as u64, options).unwrap();
        for (k, at) in out.iter_mut().enumerate() {
            for (i, v) in at.iter_mut().enumerate() {
                v.push(t.state(k)[i]);
            }
        }
    }
    out
}

/// The critical value of the two-sample KS test at α = 0.001 for two
/// samples of `n`: `c(α)·√(2/n)`, `c = √(−ln(α/2)/2) ≈ 1.949` (conservative
/// for discrete laws), as in `tests/integration/ssa.rs`.
fn critical(n: usize) -> f64 {
    (-(0.0005f64).ln() / 2.0).sqrt() * (2.0 / n as f64).sqrt()
}

#[test]
fn poisson_draws_have_the_mean_and_variance_of_their_law() {
    // Inversion below 10, PTRS from 10 on. For Poisson(λ): variance λ,
    // fourth central moment λ(1 + 3λ), so the sample variance has standard
    // error √((λ + 2λ²)/n).
    let n = 200_000;
    for (s, &lambda) in [0.5, 3.0, 9.9, 10.0, 47.5, 1e3, 1e7].iter().enumerate() {
        let mut rng = Stream::new(99, s as u64);
        let (mut sum, mut sum2) = (0.0, 0.0);
        for _ in 0..n {
            let k = poisson::sample(&mut rng, lambda);
            assert!(k >= 0.0 && k.fract() == 0.0, "λ = {lambda}: {k}");
            sum += k;
            sum2 += k * k;
        }
        let mean = sum / n as f64;
        let var = (sum2 - n as f64 * mean * mean) / (n as f64 - 1.0);
        let mean_tol = 5.0 * (lambda / n as f64).sqrt();
        let var_tol = 5.0 * ((lambda + 2.0 * lambda * lambda) / n as f64).sqrt();
        assert!((mean - lambda).abs() < mean_tol, "λ = {lambda}: mean {mean} (± {mean_tol})");
        assert!((var - lambda).abs() < var_tol, "λ = {lambda}: variance {var} (± {var_tol})");
    }
    assert_eq!(poisson::sample(&mut Stream::new(0, 0), 0.0), 0.0);
}

#[test]
fn poisson_draws_follow_the_probabilities_of_each_count() {
    // Frequencies of k within 5 binomial standard errors of e^{−λ}λᵏ/k!,
    // for a mean drawn by inversion (4) and one by PTRS (20).
    let n = 200_000;
    for lambda in [4.0f64, 20.0] {
        let mut rng = Stream::new(5, lambda as u64);
        let mut counts = vec![0usize; 200];
        for _ in 0..n {
            counts[(poisson::sample(&mut rng, lambda) as usize).min(199)] += 1;
        }
        for (k, &c) in counts.iter().enumerate().take((3.0 * lambda) as usize) {
            let p = (-lambda + k as f64 * lambda.ln() - poisson::ln_factorial(k as f64)).exp();
            let freq = c as f64 / n as f64;
            let tol = 5.0 * (p * (1.0 - p) / n as f64).sqrt() + 1e-9;
            assert!((freq - p).abs() < tol, "λ = {lambda}, k = {k}: {freq} vs {p} (± {tol})");
        }
    }
}

#[test]
fn tau_leaping_agrees_with_the_exact_method_in_distribution() {
    // Birth–death with k₁ = 1000 (mean 632 at t = 1, near 1000 at t = 5):
    // leaps of about 0.02 time units, each some 20–40 events. Leaping's
    // mean is Euler's, λ(1 − (1 − k₂τ)^{t/τ}): 636 against 632 at t = 1,
    // 0.15 standard deviations, which 1000 trajectories a side resolve
    // (D = 0.104 > 0.087 at these seeds); 500 a side do not, and still
    // reject a 10 % change of k₁ (a shift of 2.5 standard deviations).
    let n = 500;
    let times = [1.0, 5.0];
    let model = birth_death(1000.0);
    let a = samples(&model, &times, n, &exact(1));
    let b = samples(&model, &times, n, &tau(2));
    for k in 0..times.len() {
        let d = ks(&a[k][0], &b[k][0]);
        assert!(d < critical(n), "birth–death at t = {}: D = {d} ≥ {}", times[k], critical(n));
    }
    let wrong = samples(&birth_death(1100.0), &times, n, &tau(2));
    let d = ks(&a[0][0], &wrong[0][0]);
    assert!(d > critical(n), "a 10 % change of k₁ went unnoticed: D = {d}");

    // The production–dimerisation network: small counts, mostly exact
    // steps and critical processes.
    let n = 2000;
    let model = dimerisation(20.0);
    let a = samples(&model, &[1.0, 5.0], n, &exact(1));
    let b = samples(&model, &[1.0, 5.0], n, &tau(2));
    for (k, i) in [(0, 1), (1, 0), (1, 1)] {
        let d = ks(&a[k][i], &b[k][i]);
        assert!(d < critical(n), "dimerisation, compartment {i}, output {k}: D = {d} ≥ {}", critical(n));
    }
    let wrong = samples(&dimerisation(26.0), &[5.0], n, &tau(2));
    let d = ks(&a[1][0], &wrong[0][0]);
    assert!(d > critical(n), "a 30 % change of k0 went unnoticed: D = {d}");
}

#[test]
fn tau_leaping_agrees_with_the_exact_method_on_the_decaying_dimerising_network() {
    // From S1 = 10⁵ to t = 1: about 97,000 exact jumps per trajectory
    // against some 730 steps of tau-leaping.
    let n = 200;
    let a = samples(&decaying_dimerising(0.04), &[1.0], n, &exact(3));
    let b = samples(&decaying_dimerising(0.04), &[1.0], n, &tau(4));
    for i in 0..3 {
        let d = ks(&a[0][i], &b[0][i]);
        assert!(d < critical(n), "S{}: D = {d} ≥ {}", i + 1, critical(n));
    }
    // c4 10 % higher: S3 visibly different.
    let wrong = samples(&decaying_dimerising(0.044), &[1.0], n, &tau(4));
    let d = ks(&a[0][2], &wrong[0][2]);
    assert!(d > critical(n), "a 10 % change of c4 went unnoticed: D = {d}");
}

#[test]
fn tau_leaped_pure_death_follows_its_own_law_and_stays_within_the_leaping_bias_of_the_binomial() {
    // X → ∅ at k·X from 10⁴ (k = 1, ε = 0.03): while X ≥ 334 every leap is
    // τ = ε/k (the mean bound; the variance bound ε²X/k is larger), so
    // X_{n+1} = X_n − Poisson(kτX_n) exactly, with mean m' = (1 − kτ)m and
    // variance v' = (1 − kτ)²v + kτm; the last leap before an output time
    // is cut to end on it.
    let (x0, k, eps, n) = (1e4, 1.0, 0.03, 4000);
    let model = network("death", &[("X", x0)], &[("k", k)], &[("death", "k*X", &[("X", -1.0)])]);
    let times = [0.25, 1.0, 2.0, 3.0];
    let e = Stochastic::new(&model).unwrap().ensemble(&times, n, &tau(7)).unwrap();
    let (mut t, mut m, mut v) = (0.0f64, x0, 0.0);
    for (j, &tk) in times.iter().enumerate() {
        while t < tk {
            let step = (eps / k).min(tk - t);
            t = if step == tk - t { tk } else { t + step };
            v = (1.0 - k * step).powi(2) * v + k * step * m;
            m *= 1.0 - k * step;
        }
        let (mean, var) = (e.mean(j, 0), e.sd(j, 0).powi(2));
        let mean_tol = 5.0 * (v / n as f64).sqrt();
        let var_tol = 5.0 * v * (2.0 / n as f64).sqrt();
        assert!((mean - m).abs() < mean_tol, "t = {tk}: mean {mean} vs {m} (± {mean_tol})");
        assert!((var - v).abs() < var_tol, "t = {tk}: variance {var} vs {v} (± {var_tol})");
        // Against the exact law Binomial(x₀, e^{−kt}): the first-order
        // bias of explicit leaping, (1 − kτ)^{t/τ} against e^{−kt}, about
        // εkt/2 relative, below εkt; beyond 5 standard errors here (a
        // binomial check at 4000 trajectories fails at ε = 0.03).
        let p = (-k * tk).exp();
        let (b_mean, b_var) = (x0 * p, x0 * p * (1.0 - p));
        let bias = (b_mean - mean) / b_mean;
        assert!(bias > 0.0 && bias < eps * k * tk, "t = {tk}: relative bias {bias}");
        assert!(b_mean - mean > 5.0 * (b_var / n as f64).sqrt(), "t = {tk}: bias {} within noise", b_mean - mean);
    }
    // With ε = 0.001 the leaps are exact steps (τ' < 10/a₀): the binomial law.
    let fine = Options { epsilon: 0.001, ..tau(7) };
    let e = Stochastic::new(&model).unwrap().ensemble(&[1.0], n, &fine).unwrap();
    let p = (-k).exp();
    let (b_mean, b_var) = (x0 * p, x0 * p * (1.0 - p));
    assert!((e.mean(0, 0) - b_mean).abs() < 5.0 * (b_var / n as f64).sqrt(), "{}", e.mean(0, 0));
    assert!((e.sd(0, 0).powi(2) - b_var).abs() < 5.0 * b_var * (2.0 / n as f64).sqrt(), "{}", e.sd(0, 0));
}

#[test]
fn birth_death_leaps_to_the_stationary_mean_and_a_variance_inflated_by_the_leap() {
    // ∅ → X at k₁ = 1000, X → ∅ at k₂X (k₂ = 1): stationary Poisson(1000).
    // The mean is unbiased at ε = 0.03; the variance of explicit leaping is
    // inflated, about 1/(1 − k₂τ/2) for a fixed leap τ, which the adaptive
    // τ ≈ ε²λ/(2k₂) at stationarity makes about 20 % at ε = 0.03 and 5 %
    // at ε = 0.01 (within 5 standard errors at 4000 trajectories).
    let (lambda, n) = (1000.0, 4000);
    let model = birth_death(lambda);
    let var_tol = 5.0 * ((lambda + 2.0 * lambda * lambda) / n as f64).sqrt();
    let coarse = Stochastic::new(&model).unwrap().ensemble(&[20.0], n, &tau(11)).unwrap();
    let (mean, var) = (coarse.mean(0, 0), coarse.sd(0, 0).powi(2));
    assert!((mean - lambda).abs() < 5.0 * (var / n as f64).sqrt(), "ε = 0.03: mean {mean}");
    assert!(var > lambda * 1.1 && var < lambda * 1.35, "ε = 0.03: variance {var}");
    let fine = Options { epsilon: 0.01, ..tau(11) };
    let e = Stochastic::new(&model).unwrap().ensemble(&[20.0], n, &fine).unwrap();
    let (mean, var) = (e.mean(0, 0), e.sd(0, 0).powi(2));
    assert!((mean - lambda).abs() < 5.0 * (var / n as f64).sqrt(), "ε = 0.01: mean {mean}");
    assert!((var - lambda).abs() < var_tol, "ε = 0.01: variance {var} vs {lambda} (± {var_tol})");
}

/// The first output index at which compartment 0 is 0 (`times.len()` if never).
fn extinction_index(s: &Stochastic<'_>, times: &[f64], j: u64, options: &Options) -> f64 {
    let t = s.trajectory(times, j, options).unwrap();
    for (k, tk) in times.iter().enumerate() {
        let x = t.state(k)[0];
        assert!(x >= 0.0 && x.fract() == 0.0, "trajectory {j}, t = {tk}: {x}");
    }
    (0..times.len()).find(|&k| t.state(k)[0] == 0.0).unwrap_or(times.len()) as f64
}

#[test]
fn leaping_at_the_edge_never_makes_a_count_negative_and_extinction_times_agree() {
    // A saturated consumption X → ∅ at v·X/(1 + X) (v = 100) from 500: the
    // propensity barely falls as X runs out, the case where a Poisson leap
    // overdraws. With ε = 0.3 leaps take 30 % of X at once (no leap
    // overdrew in these 1000 trajectories, measured); with ε = 0.9 some do
    // and are halved (289 rejected leaps in the 1000, n_c = 0 or 10).
    // Counts stay ≥ 0, and the extinction time (on a grid of 0.01) has the
    // exact method's law.
    let model = network("saturated", &[("X", 500.0)], &[("v", 100.0)], &[("use", "v*X/(1 + X)", &[("X", -1.0)])]);
    let s = Stochastic::new(&model).unwrap();
    let times: Vec<f64> = (0..=800).map(|k| k as f64 * 0.01).collect();
    let n = 1000;
    let reference: Vec<f64> = (0..n).map(|j| extinction_index(&s, &times, j, &exact(5))).collect();
    assert!(reference.iter().all(|&k| k < times.len() as f64), "not all extinct by t = 8");
    for (eps, n_critical) in [(0.3, 10), (0.9, 0), (0.9, 10)] {
        let o = Options { epsilon: eps, n_critical, ..tau(6) };
        let leaped: Vec<f64> = (0..n).map(|j| extinction_index(&s, &times, j, &o)).collect();
        let d = ks(&reference, &leaped);
        assert!(d < critical(n as usize), "ε = {eps}, n_c = {n_critical}: D = {d}");
        let steps = s.trajectory(&[8.0], 0, &o).unwrap().jumps;
        assert!(steps < 400, "ε = {eps}, n_c = {n_critical}: {steps} steps for 500 firings");
    }
    // A pure death at k = 10 from 10⁴ with ε = 0.3: never negative either.
    let fast = network("fast", &[("X", 1e4)], &[("k", 10.0)], &[("death", "k*X", &[("X", -1.0)])]);
    let s = Stochastic::new(&fast).unwrap();
    let times: Vec<f64> = (0..=300).map(|k| k as f64 * 0.01).collect();
    for n_critical in [0, 10] {
        let o = Options { epsilon: 0.3, n_critical, ..tau(8) };
        for j in 0..200 {
            extinction_index(&s, &times, j, &o);
        }
    }
}

#[test]
fn bad_epsilon_is_refused_by_name_and_auto_stays_exact() {
    let model = birth_death(10.0);
    let s = Stochastic::new(&model).unwrap();
    for eps in [0.0, -0.1, 1.0, 1.5, f64::NAN] {
        let o = Options { epsilon: eps, ..tau(0) };
        let err = s.trajectory(&[1.0], 0, &o).unwrap_err().to_string();
        assert!(err.contains("Options::epsilon") && err.contains("(0, 1)"), "ε = {eps}: {err}");
        assert!(s.ensemble(&[1.0], 10, &o).is_err(), "ε = {eps}");
    }
    // The exact methods do not read ε.
    assert!(s.trajectory(&[1.0], 0, &Options { epsilon: 2.0, ..exact(0) }).is_ok());
    for processes in [1, 10, 1000] {
        assert!(matches!(
            Method::Auto.resolve(processes),
            Method::Direct | Method::NextReaction | Method::CompositionRejection
        ));
    }
    assert_eq!(Method::TauLeaping.resolve(1000), Method::TauLeaping);
    assert_eq!((Options::default().epsilon, Options::default().n_critical), (0.03, 10));
    // A leak (a rate that does not vanish at 0) is refused as by the exact methods.
    let leak = network("leak", &[("X", 1.0)], &[("k", 1.0)], &[("leak", "k*(X+1)", &[("X", -1.0)])]);
    let err = Stochastic::new(&leak).unwrap().trajectory(&[1e6], 0, &tau(0)).unwrap_err().to_string();
    assert!(err.contains("process 'leak'") && err.contains("makes 'X' -1"), "{err}");
    // max_jumps bounds the steps.
    let err = Stochastic::new(&decaying_dimerising(0.04))
        .unwrap()
        .trajectory(&[10.0], 0, &Options { max_jumps: 50, ..tau(0) })
        .unwrap_err();
    assert!(err.to_string().contains("jumps"), "{err}");
}

#[test]
fn tau_leaping_ensembles_are_bit_identical_for_any_thread_count() {
    let model = decaying_dimerising(0.04);
    let times = [0.5, 2.0, 10.0];
    let run = |threads| {
        let o = Options { threads, extinction: vec!["S3".into()], ..tau(42) };
        Stochastic::new(&model).unwrap().ensemble(&times, 70, &o).unwrap()
    };
    let (one, two, pool) = (run(Some(1)), run(Some(2)), run(None));
    assert_eq!(one, two);
    assert_eq!(one, pool);
    for k in 0..times.len() {
        for v in 0..3 {
            assert_eq!(one.mean(k, v).to_bits(), two.mean(k, v).to_bits());
            assert_eq!(one.sd(k, v).to_bits(), two.sd(k, v).to_bits());
        }
    }
    let other = Stochastic::new(&model).unwrap().ensemble(&times, 70, &tau(43)).unwrap();
    assert_ne!(one.mean(2, 0), other.mean(2, 0));
}

#[test]
fn tau_leaping_takes_far_fewer_steps_than_the_exact_method_jumps() {
    // The decaying–dimerising network from S1 = 10⁵ to t = 10: the exact
    // method makes about 385,000 jumps per trajectory, tau-leaping about
    // 1,100 steps (leaps and exact steps).
    let model = decaying_dimerising(0.04);
    let s = Stochastic::new(&model).unwrap();
    let (mut jumps, mut steps) = (0, 0);
    for j in 0..2 {
        jumps += s.trajectory(&[10.0], j, &exact(j)).unwrap().jumps;
        steps += s.trajectory(&[10.0], j, &tau(j)).unwrap().jumps;
    }
    assert!(jumps > 600_000, "{jumps} exact jumps");
    assert!(steps * 100 < jumps, "{steps} tau-leaping steps against {jumps} jumps");
}
