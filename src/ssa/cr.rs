//! The composition–rejection method of Slepoy, Thompson & Plimpton
//! ("A constant-time kinetic Monte Carlo algorithm for simulation of large
//! biochemical reaction networks", J. Chem. Phys. 128, 205101, 2008):
//! [`Method::CompositionRejection`](super::Method::CompositionRejection).
//!
//! # Groups
//!
//! A process with propensity `a_p > 0` belongs to group
//! `g = ⌊log₂ a_p⌋`, so `2^g ≤ a_p < 2^{g+1}` (read off the exponent field
//! of the `f64`; the subnormal propensities, below `2^{−1022}`, form one
//! group of their own). Processes with `a_p = 0` are in no group. Only the
//! groups from the smallest to the largest exponent present are kept (the
//! span `G`, about `log₂(a_max/a_min) + 1`). Each group keeps its sum
//! `S_g = Σ_{p∈g} a_p` and its members, contiguous in one permutation of
//! the processes (group by group, by increasing `g`, then the processes
//! with propensity 0), with the position of every process: a process
//! moves from group `g` to group `h` by `|g − h|` swaps at group
//! boundaries, `O(1)` for the usual small change of a propensity and at
//! most `O(G)`, like the group search. Nothing is allocated after the
//! buffers of a trajectory are made.
//!
//! # One jump
//!
//! With `a₀ = Σ_g S_g` (summed afresh over the `G` groups each jump):
//!
//! 1. the waiting time is `τ = −ln(u₁)/a₀`;
//! 2. the group is the first `g`, from the largest down, with
//!    `Σ_{h≥g} S_h > u₂·a₀` (composition: a linear search over `G` sums);
//! 3. within it, a member `p` is drawn uniformly (`⌊r·n_g⌋` from 64 random
//!    bits `r`) and accepted with probability `a_p/2^{g+1} ∈ [½, 1)`
//!    (`u₃ < a_p·2^{−(g+1)}`, the product exact: a power of two), else
//!    drawn again — fewer than 2 tries on average. (In the subnormal group
//!    the member is found by a linear search instead: there the bound
//!    `2^{−1022}` may be far above every member.)
//!
//! A process `p` is thus chosen with probability
//! `(S_g/a₀)·(a_p/S_g) = a_p/a₀`, as in the direct method: the method is
//! exact, at a cost per jump independent of the number of processes `M`
//! (`O(G)` for the search and the moves, `O(1)` expected for the
//! rejection).
//!
//! # Keeping the sums exact to rounding
//!
//! After a firing, the process that fired and its dependents change
//! propensity: a change within group `g` adds `a^new − a^old` to `S_g`
//! (exact by Sterbenz's lemma: both lie in `[2^g, 2^{g+1})`), a move
//! subtracts `a^old` from one group's sum and adds `a^new` to the other's.
//! Each such update rounds once, so errors accumulate; they matter when
//! they cancel, a sum left small after large members left. The rule:
//!
//! - a group whose last member leaves has its sum set to exactly 0 (no
//!   residue can make an empty group selectable);
//! - a group's sum is recomputed from its members (in member order) once
//!   it has had `max(n_g, 16)` incremental updates since its last
//!   recomputation.
//!
//! Every member of group `g` lies in `[2^g, 2^{g+1})`, so between
//! recomputations its sum holds at most `n_g + 16` updates each rounding by
//! at most `u·S` with `S ≤ 2^{g+1}·(n_g + 16)`, against `S_g ≥ n_g·2^g`:
//! the relative error of `S_g` stays `O((n_g + 16)·u)` (`u = 2^{−53}`),
//! the order of the error of summing the `n_g` members afresh — no drift
//! over a long run, and no catastrophic cancellation, which needs a sum
//! much smaller than the terms that built it. A recomputation costs `n_g`
//! additions once per `n_g` updates: `O(1)` amortised. `a₀` is summed
//! afresh from the `S_g` each jump, so it inherits their error only. The
//! selection probabilities are then those of the direct method to a few
//! units of rounding, as the direct method's own sums are.

use super::{Stochastic, Work};
use crate::error::Result;
use crate::ssa::{Options, Stream};

/// Exponent fields of a positive finite `f64`: `0..=2046`.
const EXPONENTS: usize = 2047;

/// A group's sum is recomputed after this many incremental updates at least.
const RECOMPUTE_MIN: u32 = 16;

/// The group of a positive finite propensity: its biased exponent field
/// `e`, with `a ∈ [2^{e−1023}, 2^{e−1022})` (for `e = 0`, the subnormals,
/// `a < 2^{−1022}`).
#[inline]
fn exponent(a: f64) -> usize {
    ((a.to_bits() >> 52) & 0x7ff) as usize
}

/// `2^{−(g+1)}` for group `e` (`g = e − 1023`): `2^{1022−e}`, exactly (a
/// subnormal for `e ≥ 2045`).
#[inline]
fn inverse_bound(e: usize) -> f64 {
    let k = 1022 - e as i64;
    if k >= -1022 {
        f64::from_bits(((k + 1023) as u64) << 52)
    } else {
        f64::from_bits(1u64 << (k + 1074))
    }
}

/// The processes grouped by `⌊log₂ a_p⌋`, with the group sums (module docs).
#[derive(Clone, Debug)]
pub(super) struct Groups {
    /// Group `e` (for `lo ≤ e ≤ hi`) holds `order[start[e]..start[e + 1]]`;
    /// `order[start[hi + 1]..]` are the processes with propensity 0.
    order: Vec<u32>,
    /// `order[position[p]] = p`.
    position: Vec<u32>,
    /// The propensity each process is grouped by.
    rate: Vec<f64>,
    /// Group boundaries, meaningful on `lo..=hi + 1`.
    start: Vec<u32>,
    /// `S_e`; exactly 0 outside `lo..=hi` and for empty groups.
    sum: Vec<f64>,
    /// Incremental updates of `S_e` since it was last summed afresh.
    updates: Vec<u32>,
    /// The span of groups kept; none when `nonzero == 0`.
    lo: usize,
    hi: usize,
    /// Processes with a positive propensity (`start[hi + 1]`).
    nonzero: usize,
}

impl Groups {
    /// Groups for `m` processes, all with propensity 0.
    pub(super) fn new(m: usize) -> Groups {
        Groups {
            order: (0..m as u32).collect(),
            position: (0..m as u32).collect(),
            rate: vec![0.0; m],
            start: vec![0; EXPONENTS + 1],
            sum: vec![0.0; EXPONENTS],
            updates: vec![0; EXPONENTS],
            lo: 0,
            hi: 0,
            nonzero: 0,
        }
    }

    /// Regroups every process by `rates` from scratch (by increasing
    /// exponent, processes in index order within a group): the state does
    /// not depend on earlier trajectories.
    pub(super) fn rebuild(&mut self, rates: &[f64]) {
        if self.nonzero > 0 {
            self.sum[self.lo..=self.hi].fill(0.0);
            self.updates[self.lo..=self.hi].fill(0);
            self.start[self.lo..=self.hi + 1].fill(0);
        }
        self.rate.copy_from_slice(rates);
        let (mut lo, mut hi, mut nonzero) = (EXPONENTS, 0, 0);
        for &a in rates {
            if a > 0.0 {
                let e = exponent(a);
                lo = lo.min(e);
                hi = hi.max(e);
                nonzero += 1;
                // Counts, shifted by one: start[e + 1] counts group e.
                self.start[e + 1] += 1;
            }
        }
        self.nonzero = nonzero;
        if nonzero == 0 {
            self.start[1..].fill(0);
            for (p, (o, q)) in self.order.iter_mut().zip(self.position.iter_mut()).enumerate() {
                *o = p as u32;
                *q = p as u32;
            }
            self.lo = 0;
            self.hi = 0;
            return;
        }
        (self.lo, self.hi) = (lo, hi);
        // Prefix sums: start[e] = members of groups lo..e (exclusive).
        self.start[lo] = 0;
        for e in lo..=hi {
            self.start[e + 1] += self.start[e];
        }
        // Place the processes, using `updates` as each group's fill cursor.
        let mut zero = nonzero;
        for (p, &a) in rates.iter().enumerate() {
            let slot = if a > 0.0 {
                let e = exponent(a);
                let slot = self.start[e] as usize + self.updates[e] as usize;
                self.updates[e] += 1;
                self.sum[e] += a;
                slot
            } else {
                zero += 1;
                zero - 1
            };
            self.order[slot] = p as u32;
            self.position[p] = slot as u32;
        }
        self.updates[lo..=hi].fill(0);
    }

    /// `a₀ = Σ_g S_g`, summed from the smallest group up.
    #[inline]
    pub(super) fn total(&self) -> f64 {
        if self.nonzero == 0 {
            return 0.0;
        }
        self.sum[self.lo..=self.hi].iter().sum()
    }

    /// Members of group `e`.
    #[inline]
    fn count(&self, e: usize) -> usize {
        (self.start[e + 1] - self.start[e]) as usize
    }

    /// Swaps the processes at positions `i` and `j` of `order`.
    #[inline]
    fn swap(&mut self, i: usize, j: usize) {
        let (p, q) = (self.order[i], self.order[j]);
        self.order[i] = q;
        self.order[j] = p;
        self.position[q as usize] = i as u32;
        self.position[p as usize] = j as u32;
    }

    /// Moves process `p` from group `g` up to group `h > g` (`h ≤ hi + 1`;
    /// `hi + 1` is the region of propensity 0): at each boundary it swaps
    /// with the last member of its group and becomes the first of the next.
    fn move_up(&mut self, p: usize, g: usize, h: usize) {
        for e in g..h {
            let last = self.start[e + 1] as usize - 1;
            self.swap(self.position[p] as usize, last);
            self.start[e + 1] -= 1;
        }
    }

    /// Moves process `p` from group `g` (or the zero region, `g = hi + 1`)
    /// down to group `h < g`: it swaps with the first member of its group
    /// and becomes the last of the group below.
    fn move_down(&mut self, p: usize, g: usize, h: usize) {
        for e in (h + 1..=g).rev() {
            let first = self.start[e] as usize;
            self.swap(self.position[p] as usize, first);
            self.start[e] += 1;
        }
    }

    /// Widens the span to hold group `e` (new groups empty).
    fn widen(&mut self, e: usize) {
        if self.nonzero == 0 {
            // An empty span: group e alone, its boundaries at 0.
            self.lo = e;
            self.hi = e;
            self.start[e] = 0;
            self.start[e + 1] = 0;
        } else if e > self.hi {
            let end = self.start[self.hi + 1];
            self.start[self.hi + 2..=e + 1].fill(end);
            self.hi = e;
        } else if e < self.lo {
            self.start[e..self.lo].fill(0);
            self.lo = e;
        }
    }

    /// Drops empty groups at both ends of the span (their sums are 0).
    fn narrow(&mut self) {
        if self.nonzero == 0 {
            let (lo, hi) = (self.lo, self.hi);
            self.sum[lo..=hi].fill(0.0);
            self.updates[lo..=hi].fill(0);
            self.start[lo..=hi + 1].fill(0);
            self.lo = 0;
            self.hi = 0;
            return;
        }
        while self.count(self.hi) == 0 {
            self.start[self.hi + 1] = 0;
            self.hi -= 1;
        }
        while self.count(self.lo) == 0 {
            self.start[self.lo] = 0;
            self.lo += 1;
        }
    }

    /// `S_e += delta`, or `S_e` summed afresh after `max(n_e, 16)` updates;
    /// exactly 0 for an empty group.
    fn add(&mut self, e: usize, delta: f64) {
        let n = self.count(e);
        if n == 0 {
            self.sum[e] = 0.0;
            self.updates[e] = 0;
            return;
        }
        self.updates[e] += 1;
        if self.updates[e] as usize >= n.max(RECOMPUTE_MIN as usize) {
            let (s, end) = (self.start[e] as usize, self.start[e + 1] as usize);
            self.sum[e] = self.order[s..end].iter().map(|&q| self.rate[q as usize]).sum();
            self.updates[e] = 0;
        } else {
            self.sum[e] += delta;
        }
    }

    /// Sets the propensity of process `p` to `a` (finite, ≥ 0), moving it
    /// between groups and updating their sums.
    pub(super) fn set(&mut self, p: usize, a: f64) {
        let old = self.rate[p];
        if old.to_bits() == a.to_bits() {
            return;
        }
        self.rate[p] = a;
        match (old > 0.0, a > 0.0) {
            (false, false) => {}
            (true, false) => {
                let g = exponent(old);
                self.move_up(p, g, self.hi + 1);
                self.nonzero -= 1;
                self.add(g, -old);
                self.narrow();
            }
            (false, true) => {
                let h = exponent(a);
                self.widen(h);
                // From the zero region, first after the last group, down.
                let first = self.start[self.hi + 1] as usize;
                self.swap(self.position[p] as usize, first);
                self.start[self.hi + 1] += 1;
                self.nonzero += 1;
                self.move_down(p, self.hi, h);
                self.add(h, a);
            }
            (true, true) => {
                let (g, h) = (exponent(old), exponent(a));
                if g == h {
                    // Exact: both in [2^g, 2^{g+1}) (Sterbenz).
                    self.add(g, a - old);
                    return;
                }
                self.widen(h);
                if h > g {
                    self.move_up(p, g, h);
                } else {
                    self.move_down(p, g, h);
                }
                self.add(g, -old);
                self.add(h, a);
                self.narrow();
            }
        }
    }

    /// The process to fire, given `a₀ = total > 0`: a group by its sum
    /// (largest groups first), then a member by rejection.
    #[inline]
    pub(super) fn select(&self, rng: &mut Stream, total: f64) -> usize {
        let target = rng.uniform() * total;
        let mut sum = 0.0;
        let mut group = usize::MAX;
        for e in (self.lo..=self.hi).rev() {
            let s = self.sum[e];
            if s > 0.0 {
                sum += s;
                group = e;
                if sum > target {
                    break;
                }
            }
        }
        let (first, n) = (self.start[group] as usize, self.count(group));
        if group == 0 {
            // Subnormal propensities: a linear search (module docs).
            let members = &self.order[first..first + n];
            let target = rng.uniform() * members.iter().map(|&q| self.rate[q as usize]).sum::<f64>();
            let mut sum = 0.0;
            for &q in members {
                sum += self.rate[q as usize];
                if sum > target {
                    return q as usize;
                }
            }
            return members[n - 1] as usize;
        }
        let bound = inverse_bound(group);
        loop {
            let i = ((u128::from(rng.next_u64()) * n as u128) >> 64) as usize;
            let p = self.order[first + i] as usize;
            if rng.uniform() < self.rate[p] * bound {
                return p;
            }
        }
    }
}

impl Stochastic<'_> {
    /// A trajectory by the composition–rejection method (module docs),
    /// from the rates in `work.fresh` at the initial state; returns the
    /// number of jumps.
    pub(super) fn composition_rejection(
        &self,
        work: &mut Work,
        rng: &mut Stream,
        outputs: &[f64],
        options: &Options,
        mut record: impl FnMut(usize, &[f64]) -> Result<()>,
    ) -> Result<u64> {
        let mut t = self.model.initial_time();
        let (mut k, mut jumps) = (0, 0u64);
        let t_last = outputs.last().copied().unwrap_or(t);
        work.groups.rebuild(&work.fresh);
        loop {
            let total = work.groups.total();
            if !total.is_finite() {
                return Err(self.overflow(t));
            }
            let next = if total > 0.0 { t + rng.exponential() / total } else { f64::INFINITY };
            if let Some(at) = self.next_interrupt(work, t, next.min(t_last)) {
                Stochastic::record_before(work, outputs, &mut k, at, &mut record)?;
                t = at;
                self.interrupt(work, t)?;
                work.groups.rebuild(&work.fresh);
                continue;
            }
            if Stochastic::record_before(work, outputs, &mut k, next, &mut record)? {
                break;
            }
            if jumps == options.max_jumps {
                return Err(self.too_many_jumps(options));
            }
            let mu = work.groups.select(rng, total);
            t = next;
            self.fire(work, mu, t)?;
            jumps += 1;
            self.update_rates(work, mu, t)?;
            if self.plan.is_some() {
                let dependents = &self.dependents[self.dependent_start[mu]..self.dependent_start[mu + 1]];
                for &p in std::iter::once(&mu).chain(dependents) {
                    work.groups.set(p, work.fresh[p]);
                }
            } else {
                // Every rate was evaluated; only those of `mu` and its
                // dependents can differ, and they are set in the same order
                // as above (`mu` first, then by index), so the groups — and
                // the trajectory — are the same bit for bit.
                work.groups.set(mu, work.fresh[mu]);
                for (p, &a) in work.fresh.iter().enumerate() {
                    if p != mu {
                        work.groups.set(p, a);
                    }
                }
            }
            if self.events_after_jump(work, t)? {
                work.groups.rebuild(&work.fresh);
            }
        }
        Ok(jumps)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Checks the invariants against the rates: membership, boundaries,
    /// positions, and sums within rounding.
    fn check(g: &Groups) {
        let m = g.rate.len();
        for p in 0..m {
            assert_eq!(g.order[g.position[p] as usize] as usize, p);
        }
        let nonzero = g.rate.iter().filter(|&&a| a > 0.0).count();
        assert_eq!(g.nonzero, nonzero);
        if nonzero == 0 {
            assert!(g.sum.iter().all(|&s| s == 0.0));
            return;
        }
        assert_eq!(g.start[g.lo], 0);
        assert_eq!(g.start[g.hi + 1] as usize, nonzero);
        assert!(g.count(g.lo) > 0 && g.count(g.hi) > 0);
        for e in 0..EXPONENTS {
            let exact: f64 = g.rate.iter().filter(|&&a| a > 0.0 && exponent(a) == e).sum();
            if e < g.lo || e > g.hi {
                assert_eq!((g.sum[e], exact), (0.0, 0.0), "group {e}");
                continue;
            }
            for i in g.start[e]..g.start[e + 1] {
                assert_eq!(exponent(g.rate[g.order[i as usize] as usize]), e);
            }
            assert!((g.sum[e] - exact).abs() <= 1e-12 * exact, "group {e}: {} vs {exact}", g.sum[e]);
        }
        for i in nonzero..m {
            assert_eq!(g.rate[g.order[i] as usize], 0.0);
        }
    }

    #[test]
    fn bounds_are_exact_powers_of_two() {
        for a in [1.0, 1.5, 3.0, 1e-300, 1e300, f64::MAX, f64::MIN_POSITIVE] {
            let r = a * inverse_bound(exponent(a));
            assert!((0.5..1.0).contains(&r), "{a}: {r}");
        }
        assert_eq!(inverse_bound(1023), 0.5);
        assert_eq!(inverse_bound(2046), 2f64.powi(-1023) / 2.0);
    }

    #[test]
    fn random_updates_keep_groups_and_sums() {
        let m = 40;
        let mut rng = Stream::new(3, 0);
        let mut g = Groups::new(m);
        let rates: Vec<f64> = (0..m).map(|p| if p % 3 == 0 { 0.0 } else { (p as f64).powi(3) * 1e-4 }).collect();
        g.rebuild(&rates);
        check(&g);
        for step in 0..20_000 {
            let p = (rng.next_u64() % m as u64) as usize;
            let a = match rng.next_u64() % 5 {
                0 => 0.0,
                1 => g.rate[p] * (1.0 + rng.uniform()),
                2 => g.rate[p] * 0.9,
                _ => (rng.uniform() * 40.0 - 20.0).exp2(),
            };
            g.set(p, a);
            if step % 97 == 0 {
                check(&g);
            }
        }
        check(&g);
        // Selection frequencies follow a_p/a₀.
        let mut g = Groups::new(5);
        g.rebuild(&[1.0, 3.0, 0.0, 1e-3, 6.0]);
        check(&g);
        let (total, n) = (g.total(), 400_000);
        let mut hits = [0usize; 5];
        for _ in 0..n {
            hits[g.select(&mut rng, total)] += 1;
        }
        for (p, &a) in [1.0, 3.0, 0.0, 1e-3, 6.0].iter().enumerate() {
            let q = a / total;
            let tol = 5.0 * (q * (1.0 - q) / n as f64).sqrt() + 1e-9;
            assert!((hits[p] as f64 / n as f64 - q).abs() <= tol, "{p}: {} vs {q}", hits[p]);
        }
    }
}
