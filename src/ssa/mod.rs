//! Exact stochastic simulation of a model's processes (Gillespie's
//! stochastic simulation algorithm) and ensembles of trajectories.
//!
//! # The discrete-stochastic form of a model
//!
//! A built [`Model`] with processes `p = 1…M`, rates `r_p(y)` and changes
//! `ν_{ip}` ([`Model::process_changes`]) is read as a continuous-time Markov
//! chain on whole-number states: process `p` fires with **propensity**
//! `a_p(y) = r_p(y)` (the process rate as [`Model::process_rates`] gives it,
//! extent per unit time, evaluated at the current counts) and each firing
//! adds `ν_{ip}` to compartment `i`. The probability that `p` fires in
//! `[t, t + dt)` is `a_p(y(t)) dt + o(dt)`. (That is for counts; cells and
//! other units are converted as below.)
//!
//! # Counts and units
//!
//! Each compartment `i` has a **size of one individual** `c_i` in its
//! canonical unit: by default [`CELL`] = 10⁻⁶ for compartments of cells
//! (held in 10⁶ cells) and 1 for every other (the value is the count);
//! [`Stochastic::counting`] sets others — a species in nM in a volume `V`
//! litres has `c = 10⁹/(N_A V)`. The state is the counts `n_i = y_i/c_i`
//! (whole numbers, or refused), the rates are evaluated at `y = c∘n` in
//! canonical units, and one firing of process `p` has the **extent**
//!
//! - `e_p = 1` when every compartment it changes has size 1: the rate is
//!   the propensity and `ν_ip` the change in individuals — the convention
//!   of the SBML Test Suite's stochastic cases (species in amounts,
//!   `hasOnlySubstanceUnits`, the kinetic law written as the propensity,
//!   `k1·P·(P − 1)/2` for `2P → P₂`);
//! - otherwise one individual of the compartment it changes most,
//!   `e_p = g·min_j c_j/|ν_jp|`, with `g` the smallest whole number up to
//!   12 that makes every change `ν_ip e_p/c_i` a whole number of
//!   individuals (`2A → B` on cells: `g = 2`, two cells of A make one of B).
//!
//! Process `p` then fires with propensity `a_p = r_p(c∘n)/e_p` and changes
//! `n_i` by `ν_ip e_p/c_i`: the mean change per unit time is the ODE's
//! `ν_ip r_p`. Outputs, doses and event assignments are in canonical units,
//! as in ODE runs. A mass-action law written on concentrations
//! `k·[A][B]` is, over counts, `(k/(N_A V))·A·B` — what the conversion gives
//! with `c = 1/(N_A V)` — but `k·[A]²` for `2A →` is over counts the
//! combinatorial `k·A(A − 1)/(N_A V)`, which differs from `k[A]²` by
//! `k·A/(N_A V)`: write the law that way (in `A − c_A`) where a handful of
//! molecules matter. A change that is no whole number of individuals (the
//! reference model's NK cell spent in 3 % of kills) is refused: the hybrid
//! method ([`hybrid`]) draws such fractions.
//!
//! **Refused** (with an error naming the item): rates that read time or
//! custom laws (not autonomous: the waiting times would not be
//! exponential); changes that are not whole numbers (`ν = 0.5`); initial
//! states, doses and event assignments that are negative or not whole
//! numbers; and, at run time, a propensity that is negative, not finite or
//! not a number (with the time and the process), propensities whose sum
//! overflows, or a firing that makes a count negative (a rate that does not
//! vanish when what it consumes is gone). Every process is taken as a
//! reaction: a model whose processes stand for continuous rate rules is not
//! a reaction network, and callers that can tell (the SBML harness) refuse
//! it.
//!
//! # Stops and events
//!
//! Between jumps the state is constant and so are the propensities (the
//! inputs are fixed between stops). Three things interrupt the jumps at
//! exact times, after which every propensity is evaluated afresh and the
//! method's clocks are drawn anew (exact, since the waiting times are
//! memoryless):
//!
//! - **doses and input switches** of an arm ([`Stochastic::for_arm`],
//!   [`PreparedArm::actions`]): a dose adds a whole number of individuals,
//!   a switch sets an input (doxycycline withdrawn, an antibody's
//!   presence);
//! - **model events** whose trigger changes with time while the state is
//!   held (`time ≥ 25`): before a jump drawn for `t'` is made, each atom of
//!   each trigger is compared at `t` and `t'` and a change of sign located
//!   by the Illinois method; the events then fire at that instant and the
//!   drawn jump is discarded;
//! - **delayed executions** of events that triggered earlier, at their
//!   due times.
//!
//! Triggers on the state (`X > 30`) are checked after every jump. Events
//! follow the same rules as in ODE runs (priorities, delays, persistence,
//! `useValuesFromTriggerTime`, cascades; [`Model::integrate`]); an output
//! at the instant of a stop or event reports the state after it, as the
//! SBML Test Suite does. Tau-leaping ends its leaps at these instants too,
//! and checks state triggers after each leap (a leap may cross a threshold
//! by more than one individual).
//!
//! # Methods
//!
//! - [`Method::Direct`] — Gillespie's direct method (1977): with
//!   `a₀ = Σ_p a_p`, the waiting time is `τ = −ln(u₁)/a₀` and the process
//!   the first `μ` with `Σ_{p≤μ} a_p > u₂·a₀` (two uniforms per jump, a
//!   linear search).
//! - [`Method::NextReaction`] — Gibson & Bruck's next-reaction method
//!   (2000): every process has a putative firing time `τ_p` in an indexed
//!   binary heap; the earliest fires, gets a fresh `τ_μ = t − ln(u)/a_μ`,
//!   and each process `α` whose rate reads a compartment `μ` changes (the
//!   dependency graph, from [`Model::process_reads`]) has its time rescaled,
//!   `τ_α ← t + (a_α^old/a_α^new)(τ_α − t)` — one uniform per jump,
//!   `O(log M)` per update.
//! - [`Method::CompositionRejection`] — Slepoy, Thompson & Plimpton's
//!   composition–rejection method (2008): processes grouped by
//!   `g = ⌊log₂ a_p⌋` (so `2^g ≤ a_p < 2^{g+1}`), a group chosen by a
//!   linear search over the group sums `S_g` (`Σ_{h≥g} S_h > u₂·a₀`), a
//!   member `p` of it drawn uniformly and accepted with probability
//!   `a_p/2^{g+1} ≥ ½`, else drawn again; `τ = −ln(u₁)/a₀`. The cost per
//!   jump depends on the number of groups, not of processes; the group
//!   sums are updated incrementally and summed afresh often enough to stay
//!   exact to rounding (the [`cr`] module).
//! - [`Method::Auto`] — composition–rejection for networks of
//!   [`AUTO_COMPOSITION_REJECTION`] processes or more, the next-reaction
//!   method from [`AUTO_NEXT_REACTION`], the direct method below.
//! - [`Method::TauLeaping`] — not exact: adaptive explicit tau-leaping
//!   (Cao, Gillespie & Petzold 2006) that never makes a count negative
//!   (their 2005 critical reactions), with [`Options::epsilon`] and
//!   [`Options::n_critical`]; see the [`tau`] module.
//!
//! After a jump only the rates of the process that fired and of its
//! dependents are evaluated, each on its own from the model's product
//! terms (bit for bit the values of the program that evaluates all of
//! them); a model with an expression or custom law has all its rates
//! evaluated after each jump. The direct method still sums and searches
//! the `M` propensities; the next-reaction method saves that and one
//! random number, at the cost of heap updates.
//!
//! # Output times and ensembles
//!
//! A trajectory is recorded at requested output times `t_k` (at or after
//! [`Model::initial_time`], non-decreasing): the state at `t_k` is the state
//! after the last jump before `t_k`. Ensembles ([`Stochastic::ensemble`])
//! run `n` trajectories in parallel (rayon), trajectory `j` on its own
//! random stream [`Stream::new`]`(seed, j)`, in fixed chunks of
//! [`CHUNK`] trajectories whose statistics are merged in chunk order: the
//! results are bit-identical for any number of threads. Per output time
//! and variable they keep the streaming mean and variance (Welford, merged
//! by Chan et al.'s formula) — not the trajectories — and, for chosen
//! compartments, how many trajectories have it at 0 (the extinction
//! probability). Ranges of chunks run apart (shards, e.g. on a cluster) are
//! kept chunk by chunk and merged into exactly the same ensemble
//! ([`shard`]); a [`Progress`] callback can follow the chunks done.
//!
//! ```
//! use sasp::prelude::*;
//! use sasp::ssa::{Options, Stochastic};
//!
//! // Birth and death: ∅ → X at k₁ = 10, X → ∅ at k₂·X with k₂ = 1.
//! let model = ModelBuilder::new("birth-death")
//!     .compartment("X", Compartment::Other(Quantity::Index), "1", 0.0)
//!     .declare(ParameterDecl::new("k1", 10.0, "1/day"))
//!     .declare(ParameterDecl::new("k2", 1.0, "1/day"))
//!     .process(ProcessDecl::new("birth", RateLaw::constant("k1")).change("X", 1.0))
//!     .process(ProcessDecl::new("death", RateLaw::first_order("k2", "X")).change("X", -1.0))
//!     .build()?;
//! let runs = Stochastic::new(&model)?.ensemble(&[0.0, 10.0], 2000, &Options::default())?;
//! let mean = runs.mean(1, 0); // at t = 10: Poisson with mean k₁/k₂ = 10
//! assert!((mean - 10.0).abs() < 5.0 * (10.0f64 / 2000.0).sqrt());
//! # Ok::<(), sasp::SaspError>(())
//! ```

pub mod cr;
mod heap;
pub mod hybrid;
pub mod poisson;
pub mod report;
pub mod rng;
pub mod shard;
pub mod stats;
pub mod tau;

use crate::error::{ModelError, Result, SaspError};
use crate::intervene::{PreparedArm, TimedAction};
use crate::model::events::Queue;
use crate::model::kinetics::RatePlan;
use crate::model::{Model, Quantity};
use heap::IndexedHeap;
use rayon::prelude::*;
pub use rng::Stream;
pub use shard::Chunks;
pub use stats::Histogram;
use stats::Moments;

/// [`Method::Auto`] uses the next-reaction method from this many processes
/// on (up to [`AUTO_COMPOSITION_REJECTION`]), the direct method below.
/// Measured (`cargo run --release --example ssa_timing`, one thread, the
/// faster of two runs on a shared machine; docs/ssa.md): direct against
/// next-reaction 63 against 74 ns/jump at 24 processes and 88 against 79
/// at 48 on first-order chains; 56 against 50 at 24 and 126 against 66 at
/// 64 on networks whose propensities span 12 orders of magnitude.
pub const AUTO_NEXT_REACTION: usize = 48;

/// [`Method::Auto`] uses the composition–rejection method from this many
/// processes on. Measured as [`AUTO_NEXT_REACTION`]: next-reaction against
/// composition–rejection 80 against 86 ns/jump at 256 processes, 87
/// against 87 at 512, 95 against 89 at 1024 and 116 against 90 at 4096 on
/// the networks spanning 12 orders of magnitude; on chains (ten groups)
/// composition–rejection is ahead from 48 processes (85 against 70 at
/// 512, 85 against 73 at 4096).
pub const AUTO_COMPOSITION_REJECTION: usize = 512;

/// Trajectories per chunk of an ensemble: the unit of parallel work, whose
/// statistics are merged in order (so the thread count does not matter).
pub const CHUNK: usize = 32;

/// Chunks of an ensemble run in parallel before their statistics are merged.
const BATCH: usize = 256;

/// Most trajectories one ensemble may ask for.
pub const MAX_TRAJECTORIES: usize = 100_000_000;

/// Most output times one run may ask for.
pub const MAX_OUTPUTS: usize = 10_000_000;

/// A stochastic simulation method: exact ones, and tau-leaping.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Method {
    /// Composition–rejection for [`AUTO_COMPOSITION_REJECTION`] processes
    /// or more, next-reaction for [`AUTO_NEXT_REACTION`] or more, direct
    /// below (always an exact method).
    #[default]
    Auto,
    /// Gillespie's direct method.
    Direct,
    /// Gibson and Bruck's next-reaction method.
    NextReaction,
    /// Slepoy, Thompson & Plimpton's composition–rejection method: groups
    /// by `⌊log₂ a_p⌋`, a group by its sum, a member by rejection with
    /// probability `a_p/2^{g+1}` (see the [`cr`] module).
    CompositionRejection,
    /// Adaptive explicit tau-leaping with critical reactions (Cao,
    /// Gillespie & Petzold 2005, 2006): approximate, controlled by
    /// [`Options::epsilon`] and [`Options::n_critical`] ([`tau`]).
    TauLeaping,
}

impl Method {
    /// The method actually used for a network of `processes` processes.
    pub fn resolve(self, processes: usize) -> Method {
        match self {
            Method::Auto if processes >= AUTO_COMPOSITION_REJECTION => Method::CompositionRejection,
            Method::Auto if processes >= AUTO_NEXT_REACTION => Method::NextReaction,
            Method::Auto => Method::Direct,
            m => m,
        }
    }
}

/// Options of a stochastic run.
#[derive(Clone, Debug, PartialEq)]
pub struct Options {
    /// The method.
    pub method: Method,
    /// The seed: trajectory `j` uses the stream `Stream::new(seed, j)`.
    pub seed: u64,
    /// Threads of an ensemble (`None`: rayon's global pool). The results
    /// do not depend on it.
    pub threads: Option<usize>,
    /// Most jumps one trajectory may make (an error beyond: an explosive
    /// network, or a time span too long for exact simulation).
    pub max_jumps: u64,
    /// Compartments, pools or unions (`P+Q`) whose extinction an ensemble
    /// reports: the fraction of trajectories where every count is 0.
    pub extinction: Vec<String>,
    /// Tau-leaping's error control `ε` in (0, 1): a leap changes no
    /// propensity by more than about `ε·a_p` ([`tau`]; default 0.03).
    pub epsilon: f64,
    /// Tau-leaping's critical threshold `n_c`: a process within `n_c`
    /// firings of exhausting a reactant fires at most once per leap
    /// ([`tau`]; default 10).
    pub n_critical: u64,
}

impl Default for Options {
    /// [`Method::Auto`], seed 0, rayon's threads, 10⁹ jumps, no
    /// extinction; for tau-leaping `ε = 0.03`, `n_c = 10`.
    fn default() -> Options {
        Options {
            method: Method::Auto,
            seed: 0,
            threads: None,
            max_jumps: 1_000_000_000,
            extinction: Vec::new(),
            epsilon: tau::EPSILON,
            n_critical: tau::N_CRITICAL,
        }
    }
}

/// A function of the state at an output time, `observe(t, y, out)`, that
/// writes the ensemble's variables (an SBML symbol's value, a pool, a
/// ratio); called once per trajectory and output time, never between jumps.
pub type Observe<'a> = dyn Fn(f64, &[f64], &mut [f64]) -> Result<()> + Sync + 'a;

/// A model in its discrete-stochastic form: the propensities are its
/// process rates (inputs fixed), the jumps its whole-number changes.
#[derive(Clone, Debug)]
pub struct Stochastic<'m> {
    model: &'m Model,
    inputs: Vec<f64>,
    initial: Vec<f64>,
    /// Jumps of process `p`: `jumps[jump_start[p]..jump_start[p + 1]]`,
    /// `(compartment, ν)` with ν a nonzero whole number.
    jump_start: Vec<usize>,
    jumps: Vec<(usize, f64)>,
    /// Processes whose rate must be recomputed after `p` fires (those that
    /// read a compartment `p` changes, `p` itself excluded):
    /// `dependents[dependent_start[p]..dependent_start[p + 1]]`.
    dependent_start: Vec<usize>,
    dependents: Vec<usize>,
    /// Evaluates one process's rate on its own (`None`: a custom or
    /// expression law; all rates are then evaluated after each jump).
    plan: Option<RatePlan>,
    /// Doses and input switches, sorted by time (an arm's actions).
    actions: Vec<(f64, TimedAction)>,
    /// The size of one individual of each compartment in its canonical
    /// unit (1: the value is the count).
    size: Vec<f64>,
    /// The extent of one firing of each process (1 when the process
    /// changes only compartments of size 1).
    extent: Vec<f64>,
    /// Is any size not 1 (the state is then converted for the rates)?
    converted: bool,
    /// Are there actions or model events (anything but jumps)?
    interrupts: bool,
}

/// The observation of every compartment as it is.
pub(crate) fn copy_state(_: f64, y: &[f64], out: &mut [f64]) -> Result<()> {
    out.copy_from_slice(y);
    Ok(())
}

fn is_count(x: f64) -> bool {
    x.is_finite() && x >= 0.0 && x.fract() == 0.0 && x < 9.0e15
}

/// One cell in the canonical unit of cells (10⁶ cells): the default size
/// of an individual of a compartment of cells.
pub const CELL: f64 = 1e-6;

/// `x/c` as a whole number of individuals of size `c`, if it is one (to
/// 10⁻⁹ relative when `c ≠ 1`; exactly when `c = 1`), from 0 to 9·10¹⁵.
fn individuals(x: f64, c: f64) -> Option<f64> {
    if c == 1.0 {
        return is_count(x).then_some(x);
    }
    let n = x / c;
    let whole = n.round();
    ((n - whole).abs() <= 1e-9 * whole.max(1.0) && is_count(whole)).then_some(whole)
}

/// The extent of one firing of a process with `changes` `(compartment,
/// ν)`: 1 when every compartment it changes has size 1 (the rate is the
/// propensity, `ν` the change in individuals); else one individual of the
/// compartment it changes most, `min_j c_j/|ν_j|`, times the smallest whole
/// `g ≤ 12` that makes every change a whole number of individuals
/// (`2A → B`: `g = 2`); `g = 1` when none does (the caller refuses it).
fn firing_extent(changes: &[(usize, f64)], size: &[f64]) -> f64 {
    if changes.iter().all(|&(i, _)| size[i] == 1.0) {
        return 1.0;
    }
    let e = changes.iter().filter(|c| c.1 != 0.0).map(|&(i, nu)| size[i] / nu.abs()).fold(f64::INFINITY, f64::min);
    if !e.is_finite() {
        return 1.0;
    }
    (1..=12)
        .map(|g| f64::from(g) * e)
        .find(|&x| changes.iter().all(|&(i, nu)| individuals(nu.abs() * x, size[i]).is_some()))
        .unwrap_or(e)
}

impl<'m> Stochastic<'m> {
    /// The discrete-stochastic form of `model` with its default inputs.
    ///
    /// # Errors
    ///
    /// [`SaspError::Unsupported`] for events, rates that read time or
    /// custom laws, and changes that are not whole numbers (naming the
    /// process and compartment); [`ModelError::Invalid`] for an initial
    /// state that is not a whole number ≥ 0 (naming the compartment).
    pub fn new(model: &'m Model) -> Result<Stochastic<'m>> {
        Stochastic::with_inputs(model, &model.default_inputs())
    }

    /// As [`Stochastic::new`], with the inputs fixed at `inputs`.
    ///
    /// # Errors
    ///
    /// As [`Stochastic::new`]; [`SaspError::DimensionMismatch`] when
    /// `inputs` has not one value per input of the model.
    pub fn with_inputs(model: &'m Model, inputs: &[f64]) -> Result<Stochastic<'m>> {
        Stochastic::build(model, inputs, Vec::new(), None)
    }

    /// The discrete-stochastic form of a prepared arm: its model, with its
    /// doses and input switches ([`PreparedArm::actions`]) carried out at
    /// their times, exactly (the jumps stop there; see [Stops and
    /// events](self#stops-and-events)).
    ///
    /// # Errors
    ///
    /// As [`Stochastic::new`], in the arm's name; [`ModelError::Invalid`]
    /// for a dose that is not a whole number of individuals (naming the
    /// compartment).
    pub fn for_arm(arm: &'m PreparedArm) -> Result<Stochastic<'m>> {
        Stochastic::build(&arm.model, &arm.model.default_inputs(), arm.actions.clone(), None)
            .map_err(|e| e.in_arm(&arm.name))
    }

    /// The same discrete form with the sizes of individuals `counted`
    /// (`(compartment, size)`: one individual is `size` of the
    /// compartment's canonical unit) instead of the defaults; see [Counts
    /// and units](self#counts-and-units).
    ///
    /// # Errors
    ///
    /// [`SaspError::InvalidOptions`] for an unknown compartment or a size
    /// that is not positive and finite; as [`Stochastic::new`] for what the
    /// sizes make of the initial state and the changes.
    pub fn counting(self, counted: &[(String, f64)]) -> Result<Stochastic<'m>> {
        let mut size = self.size.clone();
        for (name, c) in counted {
            let i = self.model.index_of(name)?;
            if !(c.is_finite() && *c > 0.0) {
                return Err(SaspError::InvalidOptions(format!(
                    "the size of one individual of '{name}' must be positive and finite, is {c}"
                )));
            }
            size[i] = *c;
        }
        Stochastic::build(self.model, &self.inputs, self.actions, Some(size))
    }

    fn build(
        model: &'m Model,
        inputs: &[f64],
        actions: Vec<(f64, TimedAction)>,
        size: Option<Vec<f64>>,
    ) -> Result<Stochastic<'m>> {
        model.require_ode("a stochastic simulation")?;
        let expected = model.default_inputs().len();
        if inputs.len() != expected {
            return Err(SaspError::DimensionMismatch { what: "inputs", expected, found: inputs.len() });
        }
        if !model.is_autonomous() {
            return Err(SaspError::unsupported(
                "rates that read time, or custom laws, in stochastic simulation",
                format!("model '{}'", model.name()),
            ));
        }
        let names: Vec<&str> = model.compartment_names().collect();
        let processes: Vec<&str> = model.process_names().collect();
        let size = size.unwrap_or_else(|| {
            (0..names.len()).map(|i| if model.kind(i).quantity() == Quantity::Cells { CELL } else { 1.0 }).collect()
        });
        let converted = size.iter().any(|&c| c != 1.0);
        for (time, action) in &actions {
            if let TimedAction::Add { compartment, amount } = *action {
                if individuals(amount.abs(), size[compartment]).is_none() {
                    return Err(ModelError::invalid(
                        format!("the dose into '{}' at t = {time}", names[compartment]),
                        format!(
                            "{amount} is not a whole number of individuals (of size {}), as stochastic simulation needs",
                            size[compartment]
                        ),
                    )
                    .into());
                }
            }
        }
        let mut initial = model.initial_state();
        for (i, x) in initial.iter_mut().enumerate() {
            match individuals(*x, size[i]) {
                Some(n) => *x = n,
                None => {
                    return Err(ModelError::invalid(
                        format!("initial value of compartment '{}' in model '{}'", names[i], model.name()),
                        format!(
                            "{x} is not a count (a whole number from 0 to 9·10¹⁵ of individuals of size {}) as stochastic simulation needs",
                            size[i]
                        ),
                    )
                    .into())
                }
            }
        }
        let m = processes.len();
        let mut extent = Vec::with_capacity(m);
        let mut jump_start = Vec::with_capacity(m + 1);
        let mut jumps: Vec<(usize, f64)> = Vec::new();
        for (p, name) in processes.iter().enumerate() {
            jump_start.push(jumps.len());
            let start = jumps.len();
            for &(i, nu) in model.process_changes(p).unwrap_or(&[]) {
                match jumps[start..].iter_mut().find(|(j, _)| *j == i) {
                    Some((_, total)) => *total += nu,
                    None => jumps.push((i, nu)),
                }
            }
            let e = firing_extent(&jumps[start..], &size);
            extent.push(e);
            for (i, nu) in &mut jumps[start..] {
                match individuals(nu.abs() * e, size[*i]).map(|n| n.copysign(*nu)) {
                    Some(n) => *nu = n,
                    None => {
                        return Err(SaspError::unsupported(
                            "non-integer stoichiometry in stochastic simulation",
                            format!(
                                "process '{name}' changes '{}' by {nu} (by {} individuals of size {} in one firing; the hybrid method draws fractions)",
                                names[*i],
                                *nu * e / size[*i],
                                size[*i]
                            ),
                        ));
                    }
                }
            }
            let mut k = start;
            while k < jumps.len() {
                if jumps[k].1 == 0.0 {
                    jumps.remove(k);
                } else {
                    k += 1;
                }
            }
        }
        jump_start.push(jumps.len());
        // Dependency graph: p → every α ≠ p whose rate reads a compartment p changes.
        let mut readers: Vec<Vec<usize>> = vec![Vec::new(); names.len()];
        for alpha in 0..m {
            for &j in model.process_reads(alpha).unwrap_or(&[]) {
                readers[j].push(alpha);
            }
        }
        let mut dependent_start = Vec::with_capacity(m + 1);
        let mut dependents = Vec::new();
        for p in 0..m {
            dependent_start.push(dependents.len());
            let mut these: Vec<usize> =
                jumps[jump_start[p]..jump_start[p + 1]].iter().flat_map(|&(i, _)| readers[i].iter().copied()).collect();
            these.sort_unstable();
            these.dedup();
            dependents.extend(these.into_iter().filter(|&a| a != p));
        }
        dependent_start.push(dependents.len());
        let plan = model.process_rate_plan();
        let interrupts = !actions.is_empty() || !model.events().is_empty();
        Ok(Stochastic {
            model,
            inputs: inputs.to_vec(),
            initial,
            jump_start,
            jumps,
            dependent_start,
            dependents,
            plan,
            actions,
            size,
            extent,
            converted,
            interrupts,
        })
    }

    /// The model.
    pub fn model(&self) -> &Model {
        self.model
    }

    /// The initial counts.
    pub fn initial_state(&self) -> &[f64] {
        &self.initial
    }

    /// The jumps `(compartment, ν)` of process `p` (whole, nonzero ν).
    /// Panics if `p` is not a process index (as slice indexing does).
    pub fn jumps(&self, p: usize) -> &[(usize, f64)] {
        &self.jumps[self.jump_start[p]..self.jump_start[p + 1]]
    }

    /// The processes whose propensity can change when `p` fires (its
    /// dependents in the next-reaction method; `p` itself not listed).
    /// Panics if `p` is not a process index.
    pub fn dependents(&self, p: usize) -> &[usize] {
        &self.dependents[self.dependent_start[p]..self.dependent_start[p + 1]]
    }

    fn process_count(&self) -> usize {
        self.jump_start.len() - 1
    }

    fn check_outputs(&self, outputs: &[f64]) -> Result<()> {
        if outputs.len() > MAX_OUTPUTS {
            return Err(SaspError::LimitExceeded {
                what: "output times",
                requested: outputs.len() as f64,
                limit: MAX_OUTPUTS,
                hint: "the output times of a stochastic run".into(),
            });
        }
        let t0 = self.model.initial_time();
        let mut last = t0;
        for &t in outputs {
            if !t.is_finite() || t < last {
                return Err(SaspError::InvalidOptions(format!(
                    "output time {t}: output times must be finite, at or after the initial time {t0}, and non-decreasing"
                )));
            }
            last = t;
        }
        Ok(())
    }

    /// One trajectory (number `index` of the ensemble with `options.seed`)
    /// recorded at `outputs`.
    ///
    /// # Errors
    ///
    /// [`SaspError::InvalidOptions`] for output times that are not finite,
    /// before the initial time or decreasing, and for tau-leaping with
    /// [`Options::epsilon`] outside (0, 1); [`ModelError::Invalid`] for a
    /// propensity that is negative or not finite (naming the process and
    /// time) and for a firing that makes a count negative;
    /// [`SaspError::LimitExceeded`] beyond `options.max_jumps` jumps.
    pub fn trajectory(&self, outputs: &[f64], index: u64, options: &Options) -> Result<Trajectory> {
        self.check_outputs(outputs)?;
        let n = self.initial.len();
        let mut work = Work::new(self);
        let mut states = vec![0.0; outputs.len() * n];
        let jumps = self.run(&mut work, outputs, index, options, |k, y| {
            states[k * n..(k + 1) * n].copy_from_slice(y);
            Ok(())
        })?;
        Ok(Trajectory { times: outputs.to_vec(), dimension: n, states, jumps })
    }

    /// Mean and standard deviation of every compartment over `n`
    /// trajectories at `outputs` (see [`Stochastic::ensemble_observed`]).
    ///
    /// # Errors
    ///
    /// As [`Stochastic::ensemble_observed`].
    pub fn ensemble(&self, outputs: &[f64], n: usize, options: &Options) -> Result<Ensemble> {
        let names: Vec<String> = self.model.compartment_names().map(String::from).collect();
        let observe = |_: f64, y: &[f64], out: &mut [f64]| {
            out.copy_from_slice(y);
            Ok(())
        };
        self.ensemble_observed(outputs, n, options, &names, &observe)
    }

    /// Mean, standard deviation and quantiles of the variables `observe`
    /// writes (`names.len()` of them) over `n` trajectories at `outputs`,
    /// and the extinction of `options.extinction` (probability at each
    /// output time; per trajectory, the first output time at which it was
    /// seen); trajectories `0..n` of `options.seed`, in parallel, results
    /// independent of the thread count.
    ///
    /// # Errors
    ///
    /// [`SaspError::InvalidOptions`] for `n = 0`, zero threads or bad output
    /// times; [`SaspError::LimitExceeded`] beyond [`MAX_TRAJECTORIES`]; an
    /// unknown extinction compartment or pool; the first error of any
    /// trajectory (in trajectory order) or of `observe`.
    pub fn ensemble_observed(
        &self,
        outputs: &[f64],
        n: usize,
        options: &Options,
        names: &[String],
        observe: &Observe<'_>,
    ) -> Result<Ensemble> {
        self.ensemble_of(outputs, n, options, names, observe, None)
    }

    /// The ensemble of `observe` over trajectories `0..n`, with an optional
    /// progress callback: the one body of the `ensemble` methods.
    fn ensemble_of(
        &self,
        outputs: &[f64],
        n: usize,
        options: &Options,
        names: &[String],
        observe: &Observe<'_>,
        progress: Option<&Progress<'_>>,
    ) -> Result<Ensemble> {
        self.check_outputs(outputs)?;
        let extinct = extinction_sets(self.model, &options.extinction)?;
        let spec = EnsembleSpec {
            outputs,
            n,
            threads: options.threads,
            names,
            observe,
            extinction: &options.extinction,
            progress,
        };
        gather(
            &spec,
            &extinct,
            || Work::new(self),
            |work, j, record, _| self.run(work, outputs, j, options, record).map(|_| ()),
        )
    }

    /// As [`Stochastic::ensemble`], telling `progress` how many chunks of
    /// [`CHUNK`] trajectories are done (the results are the same).
    ///
    /// # Errors
    ///
    /// As [`Stochastic::ensemble_observed`].
    pub fn ensemble_with_progress(
        &self,
        outputs: &[f64],
        n: usize,
        options: &Options,
        progress: &Progress<'_>,
    ) -> Result<Ensemble> {
        let names: Vec<String> = self.model.compartment_names().map(String::from).collect();
        self.ensemble_of(outputs, n, options, &names, &copy_state, Some(progress))
    }

    /// The statistics of every compartment over the chunks `chunks` of an
    /// ensemble of `n` trajectories (chunk `c`: trajectories
    /// `c·CHUNK..min((c + 1)·CHUNK, n)`), kept chunk by chunk: a shard of
    /// the ensemble that [`shard::merge`] joins with the others into
    /// exactly the [`Stochastic::ensemble`] of all `n`. `progress`, if any,
    /// counts the chunks done.
    ///
    /// # Errors
    ///
    /// As [`Stochastic::ensemble_observed`]; [`SaspError::InvalidOptions`]
    /// for chunks beyond `⌈n/CHUNK⌉`.
    pub fn ensemble_chunks(
        &self,
        outputs: &[f64],
        n: usize,
        options: &Options,
        chunks: std::ops::Range<usize>,
        progress: Option<&Progress<'_>>,
    ) -> Result<Chunks> {
        self.check_outputs(outputs)?;
        let extinct = extinction_sets(self.model, &options.extinction)?;
        let names: Vec<String> = self.model.compartment_names().map(String::from).collect();
        let spec = EnsembleSpec {
            outputs,
            n,
            threads: options.threads,
            names: &names,
            observe: &copy_state,
            extinction: &options.extinction,
            progress,
        };
        gather_chunks(
            &spec,
            &extinct,
            chunks,
            || Work::new(self),
            |work, j, record, _| self.run(work, outputs, j, options, record).map(|_| ()),
        )
    }

    /// Checks a propensity: finite and ≥ 0.
    fn check_rate(&self, p: usize, a: f64, t: f64) -> Result<()> {
        if a >= 0.0 && a.is_finite() {
            return Ok(());
        }
        let name = self.model.process_names().nth(p).unwrap_or("?");
        Err(ModelError::invalid(
            format!("process '{name}' of model '{}' at t = {t}", self.model.name()),
            format!("its propensity is {a}: propensities must be finite and not negative"),
        )
        .into())
    }

    /// Rates at `work.y` into `work.fresh`, checked (converted: the state
    /// in canonical units into `work.scaled` first, each rate over its
    /// firing's extent).
    fn rates(&self, work: &mut Work, t: f64) -> Result<()> {
        if self.converted {
            self.rescale(work);
            self.model.process_rates(t, &work.scaled, &work.inputs, &mut work.fresh)?;
            for (a, &e) in work.fresh.iter_mut().zip(&self.extent) {
                *a /= e;
            }
        } else {
            self.model.process_rates(t, &work.y, &work.inputs, &mut work.fresh)?;
        }
        for (p, &a) in work.fresh.iter().enumerate() {
            if !(a >= 0.0 && a.is_finite()) {
                return self.check_rate(p, a, t);
            }
        }
        Ok(())
    }

    /// The rates after `mu` fired at `t`, into `work.fresh`, checked: with a
    /// rate plan, those of `mu` and its dependents only — the others read no
    /// compartment that changed, so they keep the same bits — else all.
    #[inline]
    fn update_rates(&self, work: &mut Work, mu: usize, t: f64) -> Result<()> {
        let Some(plan) = &self.plan else { return self.rates(work, t) };
        let dependents = &self.dependents[self.dependent_start[mu]..self.dependent_start[mu + 1]];
        let y = if self.converted { &work.scaled } else { &work.y };
        for &p in std::iter::once(&mu).chain(dependents) {
            let mut a = self.model.process_rate_by_plan(plan, p, y, &work.inputs);
            if self.converted {
                a /= self.extent[p];
            }
            if !(a >= 0.0 && a.is_finite()) {
                return self.check_rate(p, a, t);
            }
            work.fresh[p] = a;
        }
        Ok(())
    }

    /// Fires process `p` at `t`: applies its jumps, refusing a negative count.
    fn fire(&self, work: &mut Work, p: usize, t: f64) -> Result<()> {
        for &(i, nu) in &self.jumps[self.jump_start[p]..self.jump_start[p + 1]] {
            let x = work.y[i] + nu;
            if x < 0.0 {
                let process = self.model.process_names().nth(p).unwrap_or("?");
                let compartment = self.model.compartment_names().nth(i).unwrap_or("?");
                return Err(ModelError::invalid(
                    format!("process '{process}' of model '{}' at t = {t}", self.model.name()),
                    format!(
                        "firing it makes '{compartment}' {x}: its propensity must vanish when what it consumes is gone"
                    ),
                )
                .into());
            }
            work.y[i] = x;
            if self.converted {
                work.scaled[i] = x * self.size[i];
            }
        }
        Ok(())
    }

    /// The first interruption of the jumps in `(t, until]`, if any: a dose
    /// or switch, a delayed event's execution, or a trigger that changes
    /// with time while the state stays as it is.
    #[inline]
    fn next_interrupt(&self, work: &Work, t: f64, until: f64) -> Option<f64> {
        if !self.interrupts {
            return None;
        }
        let mut first = match self.actions.get(work.next_action) {
            Some(&(s, _)) => s,
            None => f64::INFINITY,
        };
        if let Some(queue) = &work.queue {
            if let Some(due) = queue.next_due() {
                first = first.min(due);
            }
            let b = first.min(until);
            if b > t {
                if let Some(c) = self.model.first_trigger_change(t, b, &work.y, &work.inputs) {
                    first = first.min(c);
                }
            }
        }
        (first <= until).then_some(first)
    }

    /// What happens at `t` besides jumps: the doses and switches due then,
    /// in order, then the model's events; every rate evaluated afresh.
    fn interrupt(&self, work: &mut Work, t: f64) -> Result<()> {
        let n = work.y.len();
        self.rescale(work);
        let state = if self.converted { &mut work.scaled } else { &mut work.y };
        while let Some((time, action)) = self.actions.get(work.next_action) {
            if *time > t {
                break;
            }
            let inputs = &mut work.inputs;
            action.apply(state, n, |i, value| inputs[i] = value);
            work.next_action += 1;
        }
        if let Some(queue) = &mut work.queue {
            self.model.fire_due(t, state, &work.inputs, queue)?;
        }
        self.settle(work, t)
    }

    /// `work.scaled` from the counts (tau-leaping's leaps change the counts
    /// alone).
    fn rescale(&self, work: &mut Work) {
        if self.converted {
            for ((v, &n), &c) in work.scaled.iter_mut().zip(&work.y).zip(&self.size) {
                *v = n * c;
            }
        }
    }

    /// After doses, switches or events changed the state (in canonical
    /// units in `work.scaled` when converted): the counts, checked, and
    /// every rate afresh.
    fn settle(&self, work: &mut Work, t: f64) -> Result<()> {
        if self.converted {
            for i in 0..work.y.len() {
                match individuals(work.scaled[i], self.size[i]) {
                    Some(n) => work.y[i] = n,
                    None => return self.check_counts(&work.scaled, t),
                }
            }
        }
        self.check_counts(&work.y, t)?;
        self.rates(work, t)
    }

    /// The model's events after a jump at `t` (triggers the jump turned):
    /// `true` when any was executed, every rate then evaluated afresh.
    #[inline]
    fn events_after_jump(&self, work: &mut Work, t: f64) -> Result<bool> {
        if work.queue.is_none() {
            return Ok(false);
        }
        self.rescale(work);
        let Some(queue) = &mut work.queue else { return Ok(false) };
        let state = if self.converted { &mut work.scaled } else { &mut work.y };
        if self.model.fire_due(t, state, &work.inputs, queue)? == 0 {
            return Ok(false);
        }
        self.settle(work, t)?;
        Ok(true)
    }

    /// Checks that every compartment holds a count after a dose or event.
    fn check_counts(&self, y: &[f64], t: f64) -> Result<()> {
        match y.iter().zip(&self.size).position(|(&x, &c)| individuals(x, c).is_none()) {
            None => Ok(()),
            Some(i) => Err(ModelError::invalid(
                format!(
                    "compartment '{}' of model '{}' after the doses and events at t = {t}",
                    self.model.compartment_names().nth(i).unwrap_or("?"),
                    self.model.name()
                ),
                format!(
                    "{} is not a count (a whole number from 0 to 9·10¹⁵ of individuals of size {})",
                    y[i], self.size[i]
                ),
            )
            .into()),
        }
    }

    /// Records the outputs before `until` (the state at each is the
    /// current one); `true` when every output is recorded.
    #[inline]
    fn record_before(
        work: &Work,
        outputs: &[f64],
        k: &mut usize,
        until: f64,
        record: &mut impl FnMut(usize, &[f64]) -> Result<()>,
    ) -> Result<bool> {
        while *k < outputs.len() && outputs[*k] < until {
            record(*k, work.observed())?;
            *k += 1;
        }
        Ok(*k == outputs.len())
    }

    /// The next-reaction method's putative times drawn afresh for every
    /// process at `t` (exact: the waiting times are memoryless).
    fn draw_all(work: &mut Work, rng: &mut Stream, t: f64) {
        work.rate.copy_from_slice(&work.fresh);
        for (tau, &a) in work.tau.iter_mut().zip(&work.rate) {
            *tau = if a > 0.0 { t + rng.exponential() / a } else { f64::INFINITY };
        }
        work.heap.rebuild(&work.tau);
    }

    /// Direct-method jumps from `t` until every output is recorded or
    /// `limit` jumps are made (tau-leaping's exact steps).
    #[allow(clippy::too_many_arguments)]
    fn direct_steps(
        &self,
        work: &mut Work,
        rng: &mut Stream,
        outputs: &[f64],
        k: &mut usize,
        t: &mut f64,
        jumps: &mut u64,
        limit: u64,
        options: &Options,
        record: &mut impl FnMut(usize, &[f64]) -> Result<()>,
    ) -> Result<()> {
        let t_last = outputs.last().copied().unwrap_or(*t);
        for _ in 0..limit {
            let total = self.total_rate(work, *t)?;
            let next = if total > 0.0 { *t + rng.exponential() / total } else { f64::INFINITY };
            if let Some(at) = self.next_interrupt(work, *t, next.min(t_last)) {
                Stochastic::record_before(work, outputs, k, at, record)?;
                *t = at;
                self.interrupt(work, at)?;
                continue;
            }
            if Stochastic::record_before(work, outputs, k, next, record)? {
                break;
            }
            if *jumps == options.max_jumps {
                return Err(self.too_many_jumps(options));
            }
            let mu = select(&work.fresh, rng.uniform() * total);
            *t = next;
            self.fire(work, mu, next)?;
            *jumps += 1;
            self.update_rates(work, mu, next)?;
            self.events_after_jump(work, next)?;
        }
        Ok(())
    }

    /// `a₀ = Σ_p a_p` of `work.fresh`, refused if it overflows.
    #[inline]
    fn total_rate(&self, work: &Work, t: f64) -> Result<f64> {
        let total: f64 = work.fresh.iter().sum();
        if total == f64::INFINITY {
            return Err(self.overflow(t));
        }
        Ok(total)
    }

    /// The propensities at `t` sum to more than the largest number.
    fn overflow(&self, t: f64) -> SaspError {
        ModelError::invalid(
            format!("the processes of model '{}' at t = {t}", self.model.name()),
            "their propensities sum to more than the largest number",
        )
        .into()
    }

    fn too_many_jumps(&self, options: &Options) -> SaspError {
        SaspError::LimitExceeded {
            what: "jumps of one trajectory",
            requested: options.max_jumps as f64 + 1.0,
            limit: usize::try_from(options.max_jumps).unwrap_or(usize::MAX),
            hint: format!("Options::max_jumps, or a shorter time span (model '{}')", self.model.name()),
        }
    }

    /// Runs trajectory `index` from the initial state, calling
    /// `record(k, y)` with the state at each output time; returns the
    /// number of jumps. Nothing is allocated after `work` is made (but by a
    /// model's events, when they trigger).
    fn run(
        &self,
        work: &mut Work,
        outputs: &[f64],
        index: u64,
        options: &Options,
        mut record: impl FnMut(usize, &[f64]) -> Result<()>,
    ) -> Result<u64> {
        let mut rng = Stream::new(options.seed, index);
        work.y.copy_from_slice(&self.initial);
        work.inputs.copy_from_slice(&self.inputs);
        let mut t = self.model.initial_time();
        work.next_action = self.actions.partition_point(|a| a.0 < t);
        work.queue = (!self.model.events().is_empty()).then(|| self.model.event_queue());
        let (mut k, mut jumps) = (0, 0u64);
        let t_last = outputs.last().copied().unwrap_or(t);
        if self.interrupts {
            self.interrupt(work, t)?;
        } else {
            self.rates(work, t)?;
        }
        match options.method.resolve(self.process_count()) {
            Method::TauLeaping => return self.leap(work, &mut rng, outputs, options, record),
            Method::CompositionRejection => {
                return self.composition_rejection(work, &mut rng, outputs, options, record)
            }
            Method::NextReaction => {
                Stochastic::draw_all(work, &mut rng, t);
                while let Some((mu, next)) = work.heap.top() {
                    if let Some(at) = self.next_interrupt(work, t, next.min(t_last)) {
                        Stochastic::record_before(work, outputs, &mut k, at, &mut record)?;
                        t = at;
                        self.interrupt(work, t)?;
                        Stochastic::draw_all(work, &mut rng, t);
                        continue;
                    }
                    if Stochastic::record_before(work, outputs, &mut k, next, &mut record)? {
                        break;
                    }
                    if jumps == options.max_jumps {
                        return Err(self.too_many_jumps(options));
                    }
                    t = next;
                    self.fire(work, mu, t)?;
                    jumps += 1;
                    self.update_rates(work, mu, t)?;
                    for &alpha in &self.dependents[self.dependent_start[mu]..self.dependent_start[mu + 1]] {
                        let (old, new) = (work.rate[alpha], work.fresh[alpha]);
                        let tau = work.heap.time(alpha);
                        let updated = if new == 0.0 {
                            f64::INFINITY
                        } else if old == 0.0 || tau == f64::INFINITY {
                            t + rng.exponential() / new
                        } else {
                            t + (old / new) * (tau - t)
                        };
                        work.rate[alpha] = new;
                        work.heap.update(alpha, updated);
                    }
                    let a = work.fresh[mu];
                    work.rate[mu] = a;
                    work.heap.update(mu, if a > 0.0 { t + rng.exponential() / a } else { f64::INFINITY });
                    if self.events_after_jump(work, t)? {
                        Stochastic::draw_all(work, &mut rng, t);
                    }
                }
                // No process at all: the state never changes.
                Stochastic::record_before(work, outputs, &mut k, f64::INFINITY, &mut record)?;
            }
            _ => {
                self.direct_steps(work, &mut rng, outputs, &mut k, &mut t, &mut jumps, u64::MAX, options, &mut record)?
            }
        }
        Ok(jumps)
    }
}

/// The direct method's choice: the first process `μ` with
/// `Σ_{p≤μ} a_p > target` (skipping zero propensities), for
/// `target = u·a₀`; the last positive one if rounding leaves the sum short,
/// `usize::MAX` when every propensity is 0.
pub(crate) fn select(rates: &[f64], target: f64) -> usize {
    let (mut sum, mut mu) = (0.0, usize::MAX);
    for (p, &a) in rates.iter().enumerate() {
        if a > 0.0 {
            sum += a;
            mu = p;
            if sum > target {
                break;
            }
        }
    }
    mu
}

/// What an ensemble records: output times, size, threads, variables.
pub(crate) struct EnsembleSpec<'a, 'o> {
    pub outputs: &'a [f64],
    pub n: usize,
    pub threads: Option<usize>,
    pub names: &'a [String],
    pub observe: &'a Observe<'o>,
    pub extinction: &'a [String],
    pub progress: Option<&'a Progress<'o>>,
}

/// A progress callback of an ensemble, `progress(done, total)`: `done` of
/// the `total` chunks of [`CHUNK`] trajectories to run are finished. Called
/// from the worker threads, in no particular order of chunks (but `done`
/// counts up); it has no effect on the results.
pub type Progress<'a> = dyn Fn(usize, usize) + Sync + 'a;

/// The compartments of each extinction set: a compartment, a pool's
/// members, or a union of them written with `+` (`P+Q`); extinct when every
/// one is 0.
pub(crate) fn extinction_sets(model: &Model, names: &[String]) -> Result<Vec<Vec<usize>>> {
    names
        .iter()
        .map(|name| {
            let mut set = Vec::new();
            for part in name.split('+').map(str::trim) {
                match model.pool_members(part) {
                    Some(members) => set.extend_from_slice(members),
                    None => set.push(model.index_of(part)?),
                }
            }
            set.sort_unstable();
            set.dedup();
            Ok(set)
        })
        .collect()
}

/// Checks an ensemble's size `n`: at least 1, at most [`MAX_TRAJECTORIES`].
pub(crate) fn check_size(n: usize) -> Result<()> {
    if n == 0 {
        return Err(SaspError::InvalidOptions("an ensemble needs at least one trajectory".into()));
    }
    if n > MAX_TRAJECTORIES {
        return Err(SaspError::LimitExceeded {
            what: "trajectories",
            requested: n as f64,
            limit: MAX_TRAJECTORIES,
            hint: "the ensemble size".into(),
        });
    }
    Ok(())
}

/// Runs the chunks `chunks` of trajectories `0..n` (chunk `c` holds
/// trajectories `c·CHUNK..min((c + 1)·CHUNK, n)`) on rayon's threads (or
/// `spec.threads` of them), each chunk with its own `work`, and hands each
/// chunk's statistics to `sink` in chunk order. `one(work, j, record, died)`
/// runs trajectory `j`, calling `record(k, y)` with the state at output `k`;
/// it may write into `died[e]` (given as NaN) the time extinction set `e`
/// died out when it knows it better than the output times do; where it
/// leaves NaN, the first output time at which the set was 0 is taken.
/// `spec.progress`, if any, is told `(chunks done, chunks in the range)`
/// after each chunk.
fn run_chunks<W>(
    spec: &EnsembleSpec<'_, '_>,
    extinct: &[Vec<usize>],
    chunks: std::ops::Range<usize>,
    work: impl Fn() -> W + Sync,
    one: impl Fn(&mut W, u64, &mut dyn FnMut(usize, &[f64]) -> Result<()>, &mut [f64]) -> Result<()> + Sync,
    mut sink: impl FnMut(Moments) + Send,
) -> Result<()> {
    let (outputs, n) = (spec.outputs, spec.n);
    check_size(n)?;
    let all = n.div_ceil(CHUNK);
    if chunks.start > chunks.end || chunks.end > all {
        return Err(SaspError::InvalidOptions(format!(
            "chunks {}..{} of an ensemble of {all} chunks ({n} trajectories)",
            chunks.start, chunks.end
        )));
    }
    let (t_len, v_len, e_len) = (outputs.len(), spec.names.len(), extinct.len());
    let total = chunks.len();
    let done = std::sync::atomic::AtomicUsize::new(0);
    let chunk = |c: usize| -> Result<Moments> {
        let mut work = work();
        let mut moments = Moments::new(t_len * v_len, t_len * e_len);
        let mut values = vec![0.0; v_len];
        let mut seen = vec![f64::INFINITY; e_len];
        let mut died = vec![f64::NAN; e_len];
        for j in c * CHUNK..((c + 1) * CHUNK).min(n) {
            moments.count += 1;
            seen.fill(f64::INFINITY);
            died.fill(f64::NAN);
            let mut record = |k: usize, y: &[f64]| {
                (spec.observe)(outputs[k], y, &mut values)?;
                for (v, &x) in values.iter().enumerate() {
                    moments.add(k * v_len + v, x);
                }
                for (e, set) in extinct.iter().enumerate() {
                    if set.iter().all(|&i| y[i] == 0.0) {
                        moments.zeros[k * e_len + e] += 1;
                        seen[e] = seen[e].min(outputs[k]);
                    }
                }
                Ok(())
            };
            one(&mut work, j as u64, &mut record, &mut died)?;
            for (&d, &s) in died.iter().zip(&seen) {
                moments.extinction_times.push(if d.is_nan() { s } else { d });
            }
        }
        if let Some(progress) = spec.progress {
            let finished = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
            progress(finished, total);
        }
        Ok(moments)
    };
    // Chunks run in parallel a batch at a time and are handed on in chunk
    // order: bounded memory, and the same sums whatever the threads.
    let mut run = || -> Result<()> {
        for first in chunks.clone().step_by(BATCH) {
            let parts: Vec<Result<Moments>> =
                (first..(first + BATCH).min(chunks.end)).into_par_iter().map(&chunk).collect();
            for part in parts {
                sink(part?);
            }
        }
        Ok(())
    };
    match spec.threads {
        None => run(),
        Some(0) => Err(SaspError::InvalidOptions("the number of threads must be at least 1".into())),
        Some(k) => rayon::ThreadPoolBuilder::new()
            .num_threads(k)
            .build()
            .map_err(|e| SaspError::InvalidOptions(format!("cannot start {k} threads: {e}")))?
            .install(run),
    }
}

/// Runs trajectories `0..n` in chunks of [`CHUNK`] (see [`run_chunks`]) and
/// merges the chunks' statistics in chunk order.
pub(crate) fn gather<W>(
    spec: &EnsembleSpec<'_, '_>,
    extinct: &[Vec<usize>],
    work: impl Fn() -> W + Sync,
    one: impl Fn(&mut W, u64, &mut dyn FnMut(usize, &[f64]) -> Result<()>, &mut [f64]) -> Result<()> + Sync,
) -> Result<Ensemble> {
    let mut total = Moments::new(spec.outputs.len() * spec.names.len(), spec.outputs.len() * extinct.len());
    run_chunks(spec, extinct, 0..spec.n.div_ceil(CHUNK), work, one, |part| total.merge(&part))?;
    Ok(Ensemble::from_moments(spec.outputs, spec.names, spec.extinction, spec.n, total))
}

/// Runs the chunks `chunks` of trajectories `0..n` (see [`run_chunks`]) and
/// keeps each chunk's statistics apart, for [`shard::merge`].
pub(crate) fn gather_chunks<W>(
    spec: &EnsembleSpec<'_, '_>,
    extinct: &[Vec<usize>],
    chunks: std::ops::Range<usize>,
    work: impl Fn() -> W + Sync,
    one: impl Fn(&mut W, u64, &mut dyn FnMut(usize, &[f64]) -> Result<()>, &mut [f64]) -> Result<()> + Sync,
) -> Result<Chunks> {
    let mut parts = Vec::with_capacity(chunks.len().min(1 << 16));
    let first = chunks.start;
    run_chunks(spec, extinct, chunks, work, one, |part| parts.push(part))?;
    Ok(Chunks {
        times: spec.outputs.to_vec(),
        names: spec.names.to_vec(),
        extinction_names: spec.extinction.to_vec(),
        trajectories: spec.n,
        first,
        parts,
    })
}

/// The buffers of one trajectory, reused by the next.
struct Work {
    y: Vec<f64>,
    /// The inputs now (switches change them).
    inputs: Vec<f64>,
    /// The next action to carry out.
    next_action: usize,
    /// The model's events, if it has any.
    queue: Option<Queue>,
    /// The state in canonical units (`y_i·c_i`) when converted.
    scaled: Vec<f64>,
    /// Is the state converted (sizes other than 1)?
    converted: bool,
    /// Rates as evaluated at the current state.
    fresh: Vec<f64>,
    /// Next-reaction method: the rates its putative times were drawn with.
    rate: Vec<f64>,
    tau: Vec<f64>,
    heap: IndexedHeap,
    /// Tau-leaping's buffers.
    leap: tau::Leap,
    /// Composition–rejection's groups.
    groups: cr::Groups,
}

impl Work {
    /// The state as recorded: in canonical units.
    fn observed(&self) -> &[f64] {
        if self.converted {
            &self.scaled
        } else {
            &self.y
        }
    }

    fn new(s: &Stochastic<'_>) -> Work {
        let m = s.process_count();
        let mut heap = IndexedHeap::default();
        heap.rebuild(&vec![f64::INFINITY; m]);
        let leap = tau::Leap::new(s);
        let groups = cr::Groups::new(m);
        Work {
            y: s.initial.clone(),
            inputs: s.inputs.clone(),
            next_action: 0,
            queue: None,
            scaled: s.initial.iter().zip(&s.size).map(|(&n, &c)| n * c).collect(),
            converted: s.converted,
            fresh: vec![0.0; m],
            rate: vec![0.0; m],
            tau: vec![0.0; m],
            heap,
            leap,
            groups,
        }
    }
}

/// One recorded trajectory.
#[derive(Clone, Debug, PartialEq)]
pub struct Trajectory {
    /// The output times.
    pub times: Vec<f64>,
    dimension: usize,
    states: Vec<f64>,
    /// The number of steps made: jumps for the exact methods; for
    /// [`Method::TauLeaping`], leaps plus the jumps of its exact batches.
    pub jumps: u64,
}

impl Trajectory {
    /// The counts at output time `k` (state order of the model). Panics if
    /// `k` is not an output index, as [`Solution::state`](crate::solve::Solution::state).
    pub fn state(&self, k: usize) -> &[f64] {
        &self.states[k * self.dimension..(k + 1) * self.dimension]
    }
}

/// Statistics of an ensemble of trajectories per output time and variable.
#[derive(Clone, Debug, PartialEq)]
pub struct Ensemble {
    /// The output times.
    pub times: Vec<f64>,
    /// The variables' names (the model's compartments, or the observed ones).
    pub names: Vec<String>,
    /// The compartments whose extinction is counted.
    pub extinction_names: Vec<String>,
    /// The number of trajectories `n`.
    pub trajectories: usize,
    mean: Vec<f64>,
    sd: Vec<f64>,
    histograms: Vec<Histogram>,
    extinct: Vec<u64>,
    extinction_times: Vec<f64>,
}

impl Ensemble {
    /// The ensemble of statistics `total` (every chunk merged in order).
    pub(crate) fn from_moments(
        times: &[f64],
        names: &[String],
        extinction: &[String],
        trajectories: usize,
        total: Moments,
    ) -> Ensemble {
        let denominator = (total.count as f64 - 1.0).max(1.0);
        Ensemble {
            times: times.to_vec(),
            names: names.to_vec(),
            extinction_names: extinction.to_vec(),
            trajectories,
            sd: total.m2.iter().map(|m2| (m2 / denominator).max(0.0).sqrt()).collect(),
            mean: total.mean,
            histograms: total.histograms,
            extinct: total.zeros,
            extinction_times: total.extinction_times,
        }
    }

    /// The sample mean `X̄ = (1/n) Σ_j X_j` of variable `v` at output time
    /// `k`. Panics if `k` or `v` is out of range (so do [`Ensemble::sd`] and
    /// [`Ensemble::extinction`]).
    pub fn mean(&self, k: usize, v: usize) -> f64 {
        self.mean[k * self.names.len() + v]
    }

    /// The sample standard deviation `S = √(Σ_j (X_j − X̄)²/(n − 1))` of
    /// variable `v` at output time `k` (0 for a single trajectory).
    pub fn sd(&self, k: usize, v: usize) -> f64 {
        self.sd[k * self.names.len() + v]
    }

    /// The index of a variable by name.
    pub fn variable(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|n| n == name)
    }

    /// The fraction of trajectories in which compartment (or every
    /// member of pool) `options.extinction[e]` is 0 at output time `k`.
    pub fn extinction(&self, k: usize, e: usize) -> f64 {
        self.extinct[k * self.extinction_names.len() + e] as f64 / self.trajectories as f64
    }

    /// The `q`-quantile of variable `v` at output time `k` over the
    /// trajectories, from a log-binned histogram ([`Histogram::quantile`]:
    /// exact for whole numbers below 46, otherwise within 2.2 %).
    pub fn quantile(&self, k: usize, v: usize, q: f64) -> f64 {
        self.histograms[k * self.names.len() + v].quantile(q)
    }

    /// The extinction time of set `e` in every trajectory, in trajectory
    /// order (`∞`: not extinct by the last output time). Exact methods
    /// report the first output time at which the set was 0; the hybrid
    /// method the time of the firing that emptied it.
    pub fn extinction_times(&self, e: usize) -> impl Iterator<Item = f64> + '_ {
        let e_len = self.extinction_names.len();
        self.extinction_times.iter().skip(e).step_by(e_len.max(1)).copied().take(if e < e_len {
            self.trajectories
        } else {
            0
        })
    }
}
