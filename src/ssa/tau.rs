//! Adaptive explicit tau-leaping that never makes a count negative
//! ([`Method::TauLeaping`](super::Method::TauLeaping)).
//!
//! Instead of firing one process at a time, a **leap** of length `τ` fires
//! each process `p` a Poisson number `k_p ~ Poisson(a_p(x)·τ)` of times, the
//! propensities frozen at the state `x` at the start of the leap:
//! `x ← x + Σ_p k_p ν_p`. This is accurate when no propensity changes
//! much during the leap; the leap size is chosen to ensure it (Cao,
//! Gillespie & Petzold, "Efficient step size selection for the tau-leaping
//! simulation method", J. Chem. Phys. 124, 044109, 2006), and processes
//! close to exhausting what they consume are fired exactly (Cao, Gillespie
//! & Petzold, "Avoiding negative populations in explicit Poisson
//! tau-leaping", J. Chem. Phys. 123, 054104, 2005).
//!
//! # One step
//!
//! At the state `x`, with propensities `a_p` and `a₀ = Σ_p a_p`:
//!
//! 1. **Critical processes.** `L_p = min_{i: ν_{ip} < 0} ⌊x_i/|ν_{ip}|⌋`,
//!    the firings of `p` left before a reactant runs out (`∞` for a process
//!    that consumes nothing); `p` is critical if `a_p > 0` and
//!    `L_p < n_c` ([`Options::n_critical`], default [`N_CRITICAL`] = 10).
//! 2. **Leap size** from the non-critical processes `J_nc`, for every
//!    species `i` that some rate reads:
//!    `μ_i = Σ_{p∈J_nc} ν_{ip} a_p`, `σ_i² = Σ_{p∈J_nc} ν_{ip}² a_p`,
//!    `τ' = min_i { max(ε x_i/g_i, 1)/|μ_i|, max(ε x_i/g_i, 1)²/σ_i² }`
//!    (`ε` = [`Options::epsilon`], default [`EPSILON`] = 0.03; `τ' = ∞`
//!    when nothing bounds it). The bound keeps the expected change and the
//!    standard deviation of each `x_i` within `ε x_i/g_i`, so that no
//!    propensity changes by more than about `ε a_p`.
//! 3. If `τ' < `[`SSA_FACTOR`]`/a₀` (10 mean waiting times), leaping does
//!    not pay: [`SSA_STEPS`] (100) exact steps of the direct method are
//!    taken instead, and the step starts again at 1.
//! 4. `τ'' = −ln(u)/a₀^c`, the waiting time to the next critical firing
//!    (`a₀^c` the critical processes' total propensity; `∞` if none).
//!    The leap is `τ = min(τ', τ'', t_k − t)` (never beyond the next output
//!    time `t_k`); if `τ''` is the smallest, one critical process `j`,
//!    chosen with probability `a_j/a₀^c`, fires once, otherwise none does.
//!    Each non-critical process fires `k_p ~ Poisson(a_p τ)` times
//!    ([`poisson::sample`]).
//! 5. If a count would become negative, the leap is **rejected**: `τ' ← τ/2`
//!    and step 4 is repeated with fresh random numbers (when `τ'` falls
//!    below `SSA_FACTOR/a₀`, exact steps are taken instead, step 3).
//!    Otherwise `x` and `t` are updated.
//!
//! # `g_i`: the order of the rates in each species
//!
//! CGP 2006 take `g_i` from the highest order of reaction in which species
//! `i` is a reactant: 1 for first order; 2 for second order (`2 + 1/(x_i − 1)`
//! if the reaction takes two `i`); 3, `(3/2)(2 + 1/(x_i − 1))` or
//! `3 + 1/(x_i − 1) + 2/(x_i − 2)` for third order. sasp's rate laws are
//! generic expressions, so the orders are read from the network: process
//! `p` is taken to have order `m_{ip} = max(−ν_{ip}, 1)` in each species `i`
//! its rate reads ([`Model::process_reads`](crate::model::Model::process_reads)) —
//! the number of `i` it consumes, at least 1 — and total order
//! `n_p = Σ_i m_{ip}`; then `g_i = max_p (n_p/m_{ip}) Σ_{k=0}^{m_{ip}−1} x_i/(x_i − k)`
//! over the processes that read `i` (exactly CGP's values for orders 1 to 3,
//! and their pattern beyond; `n_p·m_{ip}` while `x_i < m_{ip}`, when such a
//! process cannot fire anyway). This is exact for mass action with the
//! combinatorial propensities; a rate of higher order in a species than the
//! number it consumes (a Hill function `x^h` of a catalyst with `h > 1`)
//! changes faster than `g_i` assumes, and should be run with a smaller `ε`.
//!
//! # What guarantees non-negativity
//!
//! The state after an accepted leap is checked, species by species, and a
//! leap that would make any count negative is never accepted (step 5), so
//! counts are never negative. Critical processes make rejections rare: a
//! process within `n_c` firings of exhausting a reactant fires at most once
//! per leap, and then only if its own `L_p ≥ 1`. The exact steps (3) refuse
//! a negative count as the exact methods do: a rate that does not vanish
//! when what it consumes is gone is an error, not a silent clamp.
//!
//! # Random numbers
//!
//! Trajectory `j` draws every number — Poisson counts, `τ''`, the critical
//! choice, the exact steps — from its own [`Stream`]`::new(seed, j)` in the
//! order the steps consume them; a rejected leap's numbers are discarded
//! and the retry draws the next ones from the same stream. A trajectory is
//! therefore a function of `(seed, j)` and the options alone, and ensembles
//! are bit-identical for any thread count, as for the exact methods.
//!
//! The step count reported in [`Trajectory::jumps`](super::Trajectory::jumps)
//! is the number of accepted leaps plus exact steps; rejected leaps are not
//! counted. [`Options::max_jumps`] bounds that count.

use super::poisson;
use super::{Options, Stochastic, Stream, Work};
use crate::error::{Result, SaspError};

/// Default error control `ε` ([`Options::epsilon`]), CGP 2006's value.
pub const EPSILON: f64 = 0.03;

/// Default critical threshold `n_c` ([`Options::n_critical`]), CGP 2005's value.
pub const N_CRITICAL: u64 = 10;

/// Exact steps are taken when the leap `τ'` is shorter than `SSA_FACTOR/a₀`.
pub const SSA_FACTOR: f64 = 10.0;

/// Exact steps taken in a row when leaping does not pay.
pub const SSA_STEPS: u32 = 100;

/// Tau-leaping's buffers and the per-species orders, made once per chunk
/// of trajectories and reused (nothing is allocated while stepping).
#[derive(Clone, Debug)]
pub(super) struct Leap {
    /// `(n_p, m_{ip})` of the processes reading species `i`:
    /// `orders[order_start[i]..order_start[i + 1]]`, distinct pairs.
    order_start: Vec<usize>,
    orders: Vec<(f64, f64)>,
    critical: Vec<bool>,
    mu: Vec<f64>,
    sigma2: Vec<f64>,
    next: Vec<f64>,
}

impl Leap {
    pub(super) fn new(s: &Stochastic<'_>) -> Leap {
        let n = s.initial.len();
        let m = s.process_count();
        let mut per_species: Vec<Vec<(f64, f64)>> = vec![Vec::new(); n];
        for p in 0..m {
            let reads = s.model.process_reads(p).unwrap_or(&[]);
            let multiplicity = |i: usize| {
                let nu = s.jumps(p).iter().find(|&&(j, _)| j == i).map_or(0.0, |&(_, nu)| nu);
                (-nu).max(1.0)
            };
            let order: f64 = reads.iter().map(|&i| multiplicity(i)).sum();
            for &i in reads {
                let pair = (order, multiplicity(i));
                if !per_species[i].contains(&pair) {
                    per_species[i].push(pair);
                }
            }
        }
        let mut order_start = Vec::with_capacity(n + 1);
        let mut orders = Vec::new();
        for pairs in per_species {
            order_start.push(orders.len());
            orders.extend(pairs);
        }
        order_start.push(orders.len());
        Leap {
            order_start,
            orders,
            critical: vec![false; m],
            mu: vec![0.0; n],
            sigma2: vec![0.0; n],
            next: vec![0.0; n],
        }
    }

    /// `g_i` at `x_i = x`: `max (n/m) Σ_{k<m} x/(x − k)` over the pairs
    /// `(n, m)` of species `i` (`n·m` while `x < m`); 0 if no rate reads `i`.
    fn g(&self, i: usize, x: f64) -> f64 {
        let mut g = 0.0f64;
        for &(n, m) in &self.orders[self.order_start[i]..self.order_start[i + 1]] {
            let gi = if m == 1.0 {
                n
            } else if x < m {
                n * m
            } else {
                let mut sum = 0.0;
                let mut k = 0.0;
                while k < m {
                    sum += x / (x - k);
                    k += 1.0;
                }
                n / m * sum
            };
            g = g.max(gi);
        }
        g
    }
}

impl Stochastic<'_> {
    /// Marks the critical processes (`a_p > 0`, `L_p < n_c`) in
    /// `work.leap.critical`; returns their total propensity `a₀^c`.
    fn mark_critical(&self, work: &mut Work, n_critical: f64) -> f64 {
        let mut total = 0.0;
        for p in 0..self.process_count() {
            let a = work.fresh[p];
            let mut left = f64::INFINITY;
            if a > 0.0 {
                for &(i, nu) in self.jumps(p) {
                    if nu < 0.0 {
                        left = left.min((work.y[i] / -nu).floor());
                    }
                }
            }
            let critical = left < n_critical;
            work.leap.critical[p] = critical;
            if critical {
                total += a;
            }
        }
        total
    }

    /// CGP 2006's `τ'` over the non-critical processes (module docs, step 2).
    fn leap_size(&self, work: &mut Work, epsilon: f64) -> f64 {
        let leap = &mut work.leap;
        leap.mu.fill(0.0);
        leap.sigma2.fill(0.0);
        for p in 0..self.process_count() {
            let a = work.fresh[p];
            if leap.critical[p] || a == 0.0 {
                continue;
            }
            for &(i, nu) in self.jumps(p) {
                leap.mu[i] += nu * a;
                leap.sigma2[i] += nu * nu * a;
            }
        }
        let mut tau = f64::INFINITY;
        for (i, &x) in work.y.iter().enumerate() {
            let g = leap.g(i, x);
            if g == 0.0 {
                continue; // no rate reads species i
            }
            let bound = (epsilon * x / g).max(1.0);
            if leap.mu[i] != 0.0 {
                tau = tau.min(bound / leap.mu[i].abs());
            }
            if leap.sigma2[i] > 0.0 {
                tau = tau.min(bound * bound / leap.sigma2[i]);
            }
        }
        tau
    }

    /// Runs one trajectory by tau-leaping (module docs) from the initial
    /// state already in `work.y`, its rates in `work.fresh`; returns the
    /// number of steps (accepted leaps and exact steps).
    pub(super) fn leap(
        &self,
        work: &mut Work,
        rng: &mut Stream,
        outputs: &[f64],
        options: &Options,
        mut record: impl FnMut(usize, &[f64]) -> Result<()>,
    ) -> Result<u64> {
        let epsilon = options.epsilon;
        if !(epsilon > 0.0 && epsilon < 1.0) {
            return Err(SaspError::InvalidOptions(format!(
                "Options::epsilon = {epsilon}: tau-leaping's error control ε must be in (0, 1)"
            )));
        }
        let n_critical = options.n_critical as f64;
        let mut t = self.model.initial_time();
        let mut k = 0;
        let mut steps = 0u64;
        loop {
            while k < outputs.len() && outputs[k] <= t {
                record(k, work.observed())?;
                k += 1;
            }
            if k == outputs.len() {
                return Ok(steps);
            }
            let a0 = self.total_rate(work, t)?;
            if a0 == 0.0 {
                // Nothing can fire: the state is final, but for doses,
                // switches and events.
                let last = outputs[outputs.len() - 1];
                let Some(at) = self.next_interrupt(work, t, last) else {
                    Stochastic::record_before(work, outputs, &mut k, f64::INFINITY, &mut record)?;
                    return Ok(steps);
                };
                Stochastic::record_before(work, outputs, &mut k, at, &mut record)?;
                t = at;
                self.interrupt(work, t)?;
                continue;
            }
            let a0c = self.mark_critical(work, n_critical);
            let mut tau1 = self.leap_size(work, epsilon);
            // A leap ends at the next output time or interruption (dose,
            // switch, event), exactly.
            let interruption = self.next_interrupt(work, t, outputs[k]);
            let target = interruption.unwrap_or(outputs[k]);
            let horizon = target - t;
            loop {
                if tau1 < SSA_FACTOR / a0 {
                    let limit = u64::from(SSA_STEPS);
                    self.direct_steps(work, rng, outputs, &mut k, &mut t, &mut steps, limit, options, &mut record)?;
                    break;
                }
                let tau2 = if a0c > 0.0 { rng.exponential() / a0c } else { f64::INFINITY };
                let (mut tau, mut fire_critical) = if tau2 <= tau1 { (tau2, true) } else { (tau1, false) };
                if tau >= horizon {
                    // The critical clock rings after t_k (exponential, so memoryless).
                    (tau, fire_critical) = (horizon, fire_critical && tau2 == horizon);
                }
                let leap = &mut work.leap;
                leap.next.copy_from_slice(&work.y);
                for (p, &a) in work.fresh.iter().enumerate() {
                    if leap.critical[p] || a == 0.0 {
                        continue;
                    }
                    let fired = poisson::sample(rng, a * tau);
                    if fired > 0.0 {
                        for &(i, nu) in self.jumps(p) {
                            leap.next[i] += fired * nu;
                        }
                    }
                }
                if fire_critical {
                    let target = rng.uniform() * a0c;
                    let mut sum = 0.0;
                    let mut chosen = usize::MAX;
                    for (p, &a) in work.fresh.iter().enumerate() {
                        if leap.critical[p] {
                            sum += a;
                            chosen = p;
                            if sum > target {
                                break;
                            }
                        }
                    }
                    for &(i, nu) in self.jumps(chosen) {
                        leap.next[i] += nu;
                    }
                }
                if leap.next.iter().any(|&x| x < 0.0) {
                    tau1 = tau / 2.0;
                    continue;
                }
                if steps == options.max_jumps {
                    return Err(self.too_many_jumps(options));
                }
                work.y.copy_from_slice(&leap.next);
                t = if tau == horizon { target } else { t + tau };
                steps += 1;
                if interruption == Some(t) {
                    self.interrupt(work, t)?;
                } else if !self.events_after_jump(work, t)? {
                    self.rates(work, t)?;
                }
                break;
            }
        }
    }
}
