//! Hybrid stochastic simulation: the processes that change small
//! populations fire one individual at a time, exactly; the others flow as
//! ODEs, integrated by the stiff solvers.
//!
//! # The model in individuals
//!
//! Some compartments are **counted**: each holds a whole number of
//! individuals of a given size `c_i` in the compartment's canonical unit
//! (by default every compartment of cells, `c_i = 10⁻⁶` because cells are
//! held in 10⁶ cells; [`HybridOptions::counted`] names others, e.g. a
//! species in nM in a volume `V` has `c = 10⁹/(N_A V)`). Concentrations,
//! activities and antibodies are not counted and stay continuous.
//!
//! A process `p` that changes a counted compartment fires one individual
//! at a time: one firing has the **extent** `e_p = min_j c_j/|ν_jp|` over
//! the counted compartments `j` it changes (one individual of the one it
//! changes most) and changes compartment `i` by `ν_ip·e_p`. Its propensity
//! is `a_p = r_p/e_p` firings per day (`r_p` the process rate, extent per
//! day). Where `ν_ip·e_p/c_i` is not a whole number of individuals (the
//! reference model's NK cell is spent in 3 % of its kills, `ν = −0.03`), a
//! counted compartment held exactly changes by its whole part and by one
//! more individual with probability the fraction: the process read as two,
//! with and without the extra individual, at rates in that proportion, so
//! the mean change is `ν_ip·e_p`.
//!
//! # The partition
//!
//! A counted compartment is **exact** while it holds fewer than `θ`
//! individuals ([`HybridOptions::threshold`], default 100) and
//! **continuous** from `2θ` on (the gap keeps it from switching back and
//! forth). A process is **discrete** when it changes an exact compartment,
//! otherwise **continuous**. Between firings of discrete processes the
//! state follows the ODE of the continuous processes, with the exact
//! compartments held fixed, and the integrated propensity
//! `G(t) = ∫ Σ_{p discrete} a_p dt` alongside. The next firing happens when
//! `G` reaches `ξ ~ Exp(1)` (the random time change representation of a
//! Poisson process with time-varying intensity), located by root finding on
//! the solver's dense output; the process that fires is `p` with
//! probability `a_p/Σ a` at that time. Then `G ← 0` and a new `ξ` is drawn.
//! A continuous compartment that falls to `θ` individuals (a root of
//! `y_i − θ c_i`) becomes exact, its value rounded to a whole count without
//! bias (up with probability equal to the fraction); an exact compartment
//! that a firing brings to `2θ` becomes continuous. Each partition is its
//! own ODE model (the discrete processes' changes replaced by their
//! contribution to `G`), built once and shared, so the Jacobian stays exact
//! and sparse.
//!
//! Stops are exact: doses and input switches (an arm's
//! [`PreparedArm::actions`]) happen at their times, and the integrated
//! propensity carries across them. So do the model's events: each atom of
//! each trigger is watched for roots on the dense output (as in ODE runs),
//! triggers on exact compartments are checked after every firing, delayed
//! executions end the integration at their due time, and the events follow
//! the rules of [`Model::integrate`] (the same event queue). After an event
//! an exact compartment must hold a whole number of individuals, and a
//! continuous one set below `θ` turns exact. With every counted compartment below `θ`
//! the method is the exact stochastic simulation algorithm for the counted
//! part with time-varying propensities; with all above `2θ`, the ODE.
//!
//! A set of counted compartments is **extinct** once all of them are exact
//! and 0: the time of the firing that emptied the last is recorded.

use super::{
    copy_state, extinction_sets, gather, gather_chunks, Chunks, Ensemble, EnsembleSpec, Observe, Progress, Stream,
    Trajectory, MAX_OUTPUTS,
};
use crate::error::{ModelError, Result, SaspError};
use crate::intervene::{PreparedArm, TimedAction};
use crate::model::{Coefficient, Compartment, CompartmentDecl, Factor, Model, Quantity, RateLaw, Stoichiometry};
use crate::solve::{integrate, AnyStepper, Direction, Event, Method, Options as OdeOptions, Plan};
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

/// The ODE model and stepper of each partition a worker has met: a
/// stepper keeps its step size from one firing to the next.
type Steppers = HashMap<Vec<bool>, (Arc<Model>, AnyStepper)>;

/// The name of the integrated propensity `G` in each partition's ODE model.
const INTEGRATED_PROPENSITY: &str = "hybrid_integrated_propensity";

/// Propensities down to `−10⁻⁹` firings per day count as 0 (rounding);
/// continuous states that undershoot 0 within the ODE's absolute tolerance
/// are read as 0 by the propensities.
pub const NUMERICAL_ZERO: f64 = 1e-9;

/// Options of a hybrid run.
#[derive(Clone, Debug, PartialEq)]
pub struct HybridOptions {
    /// The seed: trajectory `j` uses the stream `Stream::new(seed, j)`.
    pub seed: u64,
    /// Threads of an ensemble (`None`: rayon's pool); results do not depend on it.
    pub threads: Option<usize>,
    /// `θ`: a counted compartment is exact below `θ` individuals and
    /// continuous from `2θ` (default 100).
    pub threshold: f64,
    /// Counted compartments and the size of one individual in the
    /// compartment's canonical unit; empty (the default): every compartment
    /// of cells, one cell = 10⁻⁶ (10⁶ cells).
    pub counted: Vec<(String, f64)>,
    /// Compartments or pools whose extinction is reported.
    pub extinction: Vec<String>,
    /// The ODE method for the continuous part (default Rodas5P).
    pub method: Method,
    /// Tolerances of the continuous part (default rtol 10⁻⁶, atol 10⁻⁹ in
    /// canonical units: 10⁻³ cells). Its `max_steps` counts the steps of a
    /// whole trajectory, over all its firings (default 10⁸).
    pub ode: OdeOptions,
    /// Most firings one trajectory may make.
    pub max_firings: u64,
}

impl Default for HybridOptions {
    fn default() -> HybridOptions {
        HybridOptions {
            seed: 0,
            threads: None,
            threshold: 100.0,
            counted: Vec::new(),
            extinction: Vec::new(),
            method: Method::Rodas5p,
            ode: OdeOptions { max_steps: 100_000_000, ..OdeOptions::default() },
            max_firings: 100_000_000,
        }
    }
}

/// A model (with an arm's doses and switches) in its hybrid form.
#[derive(Debug)]
pub struct Hybrid {
    /// The model with its sign-changing processes split (see [`split_processes`]).
    model: Model,
    name: String,
    actions: Vec<(f64, TimedAction)>,
    /// Size of one individual per compartment (0: not counted).
    size: Vec<f64>,
    /// Extent of one firing per process (0: changes no counted compartment).
    extent: Vec<f64>,
    /// Changes of one firing: `(compartment, Δ)` in canonical units, and for
    /// counted compartments `Δ/c_i` individuals (at most 1 in magnitude
    /// except for the compartment that sets the extent).
    firing: Vec<Vec<(usize, f64, f64)>>,
    threshold: f64,
    options: HybridOptions,
    partitions: Mutex<HashMap<Vec<bool>, Arc<Model>>>,
}

impl Hybrid {
    /// The hybrid form of `model` alone (no doses, default inputs).
    ///
    /// # Errors
    ///
    /// As [`Hybrid::for_arm`].
    pub fn new(model: &Model, options: &HybridOptions) -> Result<Hybrid> {
        Hybrid::build(model, model.name().to_string(), Vec::new(), options)
    }

    /// The hybrid form of a prepared arm: its model, doses and switches.
    ///
    /// # Errors
    ///
    /// [`SaspError::Unsupported`] for a dose into a counted compartment and
    /// for an event that reads an input when the arm switches inputs;
    /// [`SaspError::InvalidOptions`] for a threshold below 1, an unknown
    /// counted compartment, an individual size that is not positive and
    /// finite, no counted compartment at all, or an extinction set that is
    /// not counted.
    pub fn for_arm(arm: &PreparedArm, options: &HybridOptions) -> Result<Hybrid> {
        Hybrid::build(&arm.model, arm.name.clone(), arm.actions.clone(), options).map_err(|e| e.in_arm(&arm.name))
    }

    fn build(model: &Model, name: String, actions: Vec<(f64, TimedAction)>, options: &HybridOptions) -> Result<Hybrid> {
        model.require_ode("a hybrid stochastic simulation")?;
        let bad = |what: String| Err(SaspError::InvalidOptions(what));
        let switches = actions.iter().any(|a| matches!(a.1, TimedAction::SetInput { .. }));
        if let Some(event) = model.events().iter().find(|e| switches && e.reads_input()) {
            return Err(SaspError::unsupported(
                "an event that reads an input in a hybrid run with switches",
                format!("event '{}' of model '{}'", event.name, model.name()),
            ));
        }
        if !(options.threshold >= 1.0 && options.threshold <= 1e12) {
            return bad(format!(
                "the hybrid threshold must be between 1 and 10¹² individuals, is {}",
                options.threshold
            ));
        }
        let n = model.dimension();
        let mut size = vec![0.0; n];
        if options.counted.is_empty() {
            for i in 0..n {
                if model.kind(i).quantity() == Quantity::Cells {
                    size[i] = 1e-6;
                }
            }
        } else {
            for (compartment, c) in &options.counted {
                let i = model.index_of(compartment)?;
                if !(c.is_finite() && *c > 0.0) {
                    return bad(format!("the size of one individual of '{compartment}' must be positive, is {c}"));
                }
                size[i] = *c;
            }
        }
        if size.iter().all(|&c| c == 0.0) {
            return bad(format!(
                "model '{}' has no counted compartment (no cells; name some in `counted`)",
                model.name()
            ));
        }
        let compartments: Vec<&str> = model.compartment_names().collect();
        for (_, action) in &actions {
            if let TimedAction::Add { compartment, .. } = action {
                if size[*compartment] > 0.0 {
                    return Err(SaspError::unsupported(
                        "a dose into a counted compartment in hybrid stochastic simulation",
                        format!("compartment '{}'", compartments[*compartment]),
                    ));
                }
            }
        }
        for set in extinction_sets(model, &options.extinction)? {
            if let Some(&i) = set.iter().find(|&&i| size[i] == 0.0) {
                return bad(format!("extinction needs counted compartments; '{}' is not counted", compartments[i]));
            }
        }
        let model = split_processes(model, &size)?;
        let mut extent = Vec::with_capacity(model.process_count());
        let mut firing = Vec::with_capacity(model.process_count());
        for (p, process) in model.process_names().enumerate() {
            let mut changes: BTreeMap<usize, f64> = BTreeMap::new();
            for &(i, nu) in model.process_changes(p).unwrap_or(&[]) {
                *changes.entry(i).or_insert(0.0) += nu;
            }
            changes.retain(|_, nu| *nu != 0.0);
            // The extent of one firing: one individual of the counted
            // compartment it changes most (in individuals per unit extent).
            let e = changes
                .iter()
                .filter(|(&i, _)| size[i] > 0.0)
                .map(|(&i, nu)| size[i] / nu.abs())
                .fold(f64::INFINITY, f64::min);
            let e = if e.is_finite() { e } else { 0.0 };
            let mut jumps = Vec::new();
            if e > 0.0 {
                for (&i, &nu) in &changes {
                    let delta = nu * e;
                    let individuals = if size[i] > 0.0 { delta / size[i] } else { 0.0 };
                    if !delta.is_finite() {
                        return Err(SaspError::unsupported(
                            "a change that is not finite in hybrid stochastic simulation",
                            format!("process '{process}' changes '{}' by {delta}", compartments[i]),
                        ));
                    }
                    jumps.push((i, delta, individuals));
                }
            }
            extent.push(e);
            firing.push(jumps);
        }
        Ok(Hybrid {
            model,
            name,
            actions,
            size,
            extent,
            firing,
            threshold: options.threshold,
            options: options.clone(),
            partitions: Mutex::new(HashMap::new()),
        })
    }

    /// The model.
    pub fn model(&self) -> &Model {
        &self.model
    }

    /// The size of one individual of each compartment (0 when not counted).
    pub fn individual_sizes(&self) -> &[f64] {
        &self.size
    }

    /// Is process `p` discrete when the compartments flagged in `exact` are exact?
    fn discrete(&self, p: usize, exact: &[bool]) -> bool {
        self.extent[p] > 0.0 && self.firing[p].iter().any(|&(i, _, _)| exact[i])
    }

    /// The ODE model of a partition: the model's compartments and `G`; the
    /// continuous processes as they are, the discrete ones changing only
    /// `G`, by `1/e_p` per unit of extent (so `G' = Σ a_p`). Built once per
    /// partition and shared by every trajectory.
    fn partition(&self, exact: &[bool]) -> Result<Arc<Model>> {
        let mut cache = self.partitions.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(model) = cache.get(exact) {
            return Ok(Arc::clone(model));
        }
        let mut spec = self.model.spec().clone();
        spec.compartments.push(CompartmentDecl {
            name: INTEGRATED_PROPENSITY.to_string(),
            kind: Compartment::Other(Quantity::Index),
            unit: String::new(),
            initial: 0.0,
            description: "integrated propensity of the discrete processes (hybrid simulation)".into(),
        });
        for (p, process) in spec.processes.iter_mut().enumerate() {
            if self.discrete(p, exact) {
                process.changes =
                    BTreeMap::from([(INTEGRATED_PROPENSITY.to_string(), Stoichiometry::Number(1.0 / self.extent[p]))]);
            }
        }
        let model = Arc::new(Model::from_spec(spec)?);
        cache.insert(exact.to_vec(), Arc::clone(&model));
        Ok(model)
    }

    fn check_outputs(&self, outputs: &[f64]) -> Result<()> {
        if outputs.is_empty() || outputs.len() > MAX_OUTPUTS {
            return Err(SaspError::InvalidOptions(format!(
                "a hybrid run needs between 1 and {MAX_OUTPUTS} output times, has {}",
                outputs.len()
            )));
        }
        let mut last = self.model.initial_time();
        for &t in outputs {
            if !(t.is_finite() && t >= last) {
                return Err(SaspError::InvalidOptions(format!(
                    "output time {t}: output times must be finite, at or after the initial time {}, and non-decreasing",
                    self.model.initial_time()
                )));
            }
            last = t;
        }
        Ok(())
    }

    /// One trajectory (number `index` under the options' seed) recorded at
    /// `outputs`; `jumps` counts the firings.
    ///
    /// # Errors
    ///
    /// Bad output times; a solver failure of the continuous part (with its
    /// diagnostics); a propensity that is negative or not finite, or a
    /// firing that makes a count negative (naming process and time);
    /// [`SaspError::LimitExceeded`] beyond `max_firings`.
    pub fn trajectory(&self, outputs: &[f64], index: u64) -> Result<Trajectory> {
        self.check_outputs(outputs)?;
        let n = self.model.dimension();
        let mut states = vec![0.0; outputs.len() * n];
        let mut died = vec![f64::NAN; 0];
        let jumps = self.run(&mut Steppers::default(), outputs, index, &[], &mut died, &mut |k, y| {
            states[k * n..(k + 1) * n].copy_from_slice(y);
            Ok(())
        })?;
        Ok(Trajectory { times: outputs.to_vec(), dimension: n, states, jumps })
    }

    /// Mean, standard deviation, quantiles and extinction of every
    /// compartment over `n` trajectories at `outputs`.
    ///
    /// # Errors
    ///
    /// As [`Hybrid::ensemble_observed`].
    pub fn ensemble(&self, outputs: &[f64], n: usize) -> Result<Ensemble> {
        let names: Vec<String> = self.model.compartment_names().map(String::from).collect();
        let observe = |_: f64, y: &[f64], out: &mut [f64]| {
            out.copy_from_slice(y);
            Ok(())
        };
        self.ensemble_observed(outputs, n, &names, &observe)
    }

    /// Statistics of the variables `observe` writes over trajectories
    /// `0..n`, in parallel, independent of the thread count; the extinction
    /// times of [`HybridOptions::extinction`] are the times of the firings
    /// that emptied them.
    ///
    /// # Errors
    ///
    /// [`SaspError::InvalidOptions`] for `n = 0`, zero threads or bad output
    /// times; the first error of any trajectory (in trajectory order).
    pub fn ensemble_observed(
        &self,
        outputs: &[f64],
        n: usize,
        names: &[String],
        observe: &Observe<'_>,
    ) -> Result<Ensemble> {
        self.ensemble_run(outputs, n, names, observe, None)
    }

    /// As [`Hybrid::ensemble`], telling `progress` how many chunks of
    /// [`CHUNK`](super::CHUNK) trajectories are done (the results are the same).
    ///
    /// # Errors
    ///
    /// As [`Hybrid::ensemble_observed`].
    pub fn ensemble_with_progress(&self, outputs: &[f64], n: usize, progress: &Progress<'_>) -> Result<Ensemble> {
        let names: Vec<String> = self.model.compartment_names().map(String::from).collect();
        self.ensemble_run(outputs, n, &names, &copy_state, Some(progress))
    }

    fn ensemble_run(
        &self,
        outputs: &[f64],
        n: usize,
        names: &[String],
        observe: &Observe<'_>,
        progress: Option<&Progress<'_>>,
    ) -> Result<Ensemble> {
        self.check_outputs(outputs)?;
        let extinct = extinction_sets(&self.model, &self.options.extinction)?;
        let spec = EnsembleSpec {
            outputs,
            n,
            threads: self.options.threads,
            names,
            observe,
            extinction: &self.options.extinction,
            progress,
        };
        gather(&spec, &extinct, Steppers::default, |steppers, j, record, died| {
            self.run(steppers, outputs, j, &extinct, died, record).map(|_| ())
        })
        .map_err(|e| if self.actions.is_empty() { e } else { e.in_arm(&self.name) })
    }

    /// The statistics of every compartment over the chunks `chunks` of an
    /// ensemble of `n` trajectories, kept chunk by chunk (a shard; see
    /// [`Stochastic::ensemble_chunks`](super::Stochastic::ensemble_chunks)).
    ///
    /// # Errors
    ///
    /// As [`Hybrid::ensemble_observed`]; chunks beyond `⌈n/CHUNK⌉`.
    pub fn ensemble_chunks(
        &self,
        outputs: &[f64],
        n: usize,
        chunks: std::ops::Range<usize>,
        progress: Option<&Progress<'_>>,
    ) -> Result<Chunks> {
        self.check_outputs(outputs)?;
        let extinct = extinction_sets(&self.model, &self.options.extinction)?;
        let names: Vec<String> = self.model.compartment_names().map(String::from).collect();
        let spec = EnsembleSpec {
            outputs,
            n,
            threads: self.options.threads,
            names: &names,
            observe: &copy_state,
            extinction: &self.options.extinction,
            progress,
        };
        gather_chunks(&spec, &extinct, chunks, Steppers::default, |steppers, j, record, died| {
            self.run(steppers, outputs, j, &extinct, died, record).map(|_| ())
        })
        .map_err(|e| if self.actions.is_empty() { e } else { e.in_arm(&self.name) })
    }

    fn invalid_rate(&self, p: usize, a: f64, t: f64) -> SaspError {
        let process = self.model.process_names().nth(p).unwrap_or("?");
        ModelError::invalid(
            format!("process '{process}' of model '{}' at t = {t}", self.model.name()),
            format!("its propensity is {a}: propensities must be finite and not negative"),
        )
        .into()
    }

    /// Runs trajectory `index`, recording the state at each output and the
    /// extinction time of each set into `died`; returns the number of firings.
    fn run(
        &self,
        steppers: &mut Steppers,
        outputs: &[f64],
        index: u64,
        extinct: &[Vec<usize>],
        died: &mut [f64],
        record: &mut dyn FnMut(usize, &[f64]) -> Result<()>,
    ) -> Result<u64> {
        let model = &self.model;
        let n = model.dimension();
        let theta = self.threshold;
        let t_end = *outputs.last().expect("checked: at least one output");
        let mut rng = Stream::new(self.options.seed, index);
        let mut y = model.initial_state();
        let mut inputs = model.default_inputs();
        let mut exact = vec![false; n];
        let mut count = vec![0.0; n];
        for i in 0..n {
            if self.size[i] > 0.0 && y[i] / self.size[i] < 2.0 * theta {
                exact[i] = true;
                count[i] = unbiased_round(y[i] / self.size[i], &mut rng);
                y[i] = count[i] * self.size[i];
            }
        }
        let mut t = model.initial_time();
        let mut queue = (!model.events().is_empty()).then(|| model.event_queue());
        if let Some(queue) = &mut queue {
            model.fire_due(t, &mut y, &inputs, queue)?;
            self.repartition(t, &mut y, &mut exact, &mut count, &mut rng)?;
        }
        mark_extinct(extinct, &exact, &count, t, died);
        let stop_times: Vec<f64> = {
            let mut s: Vec<f64> = self.actions.iter().map(|a| a.0).filter(|&s| s <= t_end).collect();
            s.dedup();
            s
        };
        let mut next_stop = stop_times.partition_point(|&s| s < t);
        let mut next_out = 0;
        let mut xi = rng.exponential();
        let mut g = 0.0;
        let mut firings = 0u64;
        let mut rates = vec![0.0; model.process_count()];
        let mut clamped = vec![0.0; n];
        let mut state = vec![0.0; n + 1];
        let mut out = vec![0.0; n];
        loop {
            if !steppers.contains_key(&exact[..]) {
                let ode = self.partition(&exact)?;
                let stepper = self.options.method.stepper(&ode.system(&inputs)?, self.options.ode.clone())?;
                steppers.insert(exact.clone(), (ode, stepper));
            }
            let (ode, stepper) = steppers.get_mut(&exact[..]).expect("inserted above");
            let mut system = ode.system(&inputs)?;
            state[..n].copy_from_slice(&y);
            state[n] = g;
            let mut events = vec![Event::new(move |_, v: &[f64]| v[n] - xi, Direction::Rising, true)];
            let watched: Vec<usize> = (0..n).filter(|&i| self.size[i] > 0.0 && !exact[i]).collect();
            for &i in &watched {
                let level = theta * self.size[i];
                events.push(Event::new(move |_, v: &[f64]| v[i] - level, Direction::Falling, true));
            }
            // The model's events: every atom of every trigger, either way
            // (as in ODE runs), and the integration ends where a delayed
            // execution is due.
            let first_atom = events.len();
            // The inputs as they are now (no event reads them when the arm
            // switches them: refused when built).
            let now: &[f64] = &inputs;
            for e in model.events() {
                for j in 0..e.atom_count() {
                    events.push(Event::new(move |t, v: &[f64]| e.atom(j, t, &v[..n], now), Direction::Either, true));
                }
            }
            let due = queue.as_ref().and_then(|q| q.next_due()).filter(|&d| d < t_end);
            let until = due.unwrap_or(t_end);
            let outputs_now = &outputs[next_out..];
            let outputs_now = &outputs_now[..outputs_now.partition_point(|&o| o <= until)];
            let stops = &stop_times[next_stop..];
            let stops = if due.is_some() { &stops[..stops.partition_point(|&s| s < until)] } else { stops };
            let plan = Plan::outputs(outputs_now).stops(stops).events(&events);
            let mut applied = 0;
            let result = integrate(
                stepper,
                &mut system,
                t,
                &state,
                until,
                &plan,
                &mut |s, at, v: &mut [f64], sys: &mut crate::model::ModelSystem<'_>| {
                    for (time, action) in &self.actions {
                        if *time == at {
                            action.apply(&mut v[..n], n, |i, value| sys.set_input(i, value));
                        }
                    }
                    applied = s + 1;
                    Ok(())
                },
            )?;
            next_stop += applied;
            // The watched functions borrow the inputs, which the stops changed.
            drop(events);
            // A model event (or a delayed execution) at the instant of the
            // last output: that output reports the state after it.
            let model_hit = result.events.last().is_some_and(|h| h.event >= first_atom);
            let at_due = result.events.is_empty() && due.is_some_and(|d| result.t >= d);
            let hold = usize::from((model_hit || at_due) && result.solution.t.last() == Some(&result.t));
            let rows = result.solution.t.len() - hold;
            for v in result.solution.y.chunks_exact(n + 1).take(rows) {
                out.copy_from_slice(&v[..n]);
                for i in 0..n {
                    if exact[i] {
                        out[i] = count[i] * self.size[i];
                    }
                }
                record(next_out, &out)?;
                next_out += 1;
            }
            inputs.copy_from_slice(system.inputs());
            t = result.t;
            y.copy_from_slice(&result.y[..n]);
            g = result.y[n];
            for i in 0..n {
                if exact[i] {
                    y[i] = count[i] * self.size[i];
                }
            }
            if model_hit || at_due {
                let queue = queue.as_mut().expect("model events have a queue");
                model.fire_due(t, &mut y, &inputs, queue)?;
                self.repartition(t, &mut y, &mut exact, &mut count, &mut rng)?;
                mark_extinct(extinct, &exact, &count, t, died);
                if hold == 1 {
                    out.copy_from_slice(&y);
                    record(next_out, &out)?;
                    next_out += 1;
                }
                if t >= t_end {
                    break;
                }
                continue;
            }
            // Every event is terminal: the run stopped at the last one, or reached t_end.
            let Some(hit) = result.events.last() else { break };
            if hit.event == 0 {
                // A discrete process fires.
                if firings == self.options.max_firings {
                    return Err(SaspError::LimitExceeded {
                        what: "firings of one hybrid trajectory",
                        requested: firings as f64 + 1.0,
                        limit: usize::try_from(firings).unwrap_or(usize::MAX),
                        hint: format!("HybridOptions::max_firings, or a larger threshold (model '{}')", model.name()),
                    });
                }
                // A continuous state that undershoots 0 by no more than the
                // ODE's absolute tolerance is 0 for the propensities.
                for (i, (c, &v)) in clamped.iter_mut().zip(&y).enumerate() {
                    *c = if v < 0.0 && v >= -self.options.ode.atol.get(i) { 0.0 } else { v };
                }
                model.process_rates(t, &clamped, &inputs, &mut rates)?;
                let mut total = 0.0;
                for (p, r) in rates.iter_mut().enumerate() {
                    let a = if self.discrete(p, &exact) { *r / self.extent[p] } else { 0.0 };
                    if !(a >= -NUMERICAL_ZERO && a.is_finite()) {
                        return Err(self.invalid_rate(p, a, t));
                    }
                    *r = a.max(0.0);
                    total += *r;
                }
                let mu = super::select(&rates, rng.uniform() * total);
                if mu != usize::MAX {
                    self.fire(mu, t, &mut y, &mut exact, &mut count, &mut rng)?;
                    firings += 1;
                    mark_extinct(extinct, &exact, &count, t, died);
                }
                g = 0.0;
                xi = rng.exponential();
            } else {
                // A continuous compartment fell to θ individuals.
                let i = watched[hit.event - 1];
                exact[i] = true;
                count[i] = unbiased_round(y[i] / self.size[i], &mut rng);
                y[i] = count[i] * self.size[i];
                mark_extinct(extinct, &exact, &count, t, died);
            }
            // Triggers on the exact compartments change at firings.
            if let Some(queue) = &mut queue {
                if model.fire_due(t, &mut y, &inputs, queue)? > 0 {
                    self.repartition(t, &mut y, &mut exact, &mut count, &mut rng)?;
                    mark_extinct(extinct, &exact, &count, t, died);
                }
            }
        }
        Ok(firings)
    }

    /// The partition after model events assigned to the state at `t`: an
    /// exact compartment must hold a whole number of individuals (it turns
    /// continuous from `2θ`); a continuous one below `θ` turns exact,
    /// rounded without bias.
    fn repartition(
        &self,
        t: f64,
        y: &mut [f64],
        exact: &mut [bool],
        count: &mut [f64],
        rng: &mut Stream,
    ) -> Result<()> {
        let theta = self.threshold;
        for i in 0..y.len() {
            if self.size[i] == 0.0 {
                continue;
            }
            let individuals = y[i] / self.size[i];
            let whole = individuals.round();
            let bad = if exact[i] {
                !((individuals - whole).abs() <= 1e-9 * whole.max(1.0) && whole >= 0.0)
            } else {
                individuals.is_nan() || individuals < 0.0
            };
            if bad {
                return Err(ModelError::invalid(
                    format!(
                        "compartment '{}' of model '{}' after the events at t = {t}",
                        self.model.compartment_names().nth(i).unwrap_or("?"),
                        self.model.name()
                    ),
                    format!("{individuals} individuals (of size {}): not a whole number ≥ 0", self.size[i]),
                )
                .into());
            }
            if exact[i] {
                count[i] = whole;
                y[i] = whole * self.size[i];
                if whole >= 2.0 * theta {
                    exact[i] = false;
                }
            } else if individuals < theta {
                exact[i] = true;
                count[i] = unbiased_round(individuals, rng);
                y[i] = count[i] * self.size[i];
            }
        }
        Ok(())
    }

    /// Fires process `p` at `t`: whole individuals of counted compartments,
    /// the extent's worth of the others; switches compartments between
    /// exact and continuous as their counts cross the thresholds.
    fn fire(
        &self,
        p: usize,
        t: f64,
        y: &mut [f64],
        exact: &mut [bool],
        count: &mut [f64],
        rng: &mut Stream,
    ) -> Result<()> {
        let theta = self.threshold;
        for &(i, delta, individuals) in &self.firing[p] {
            if exact[i] {
                // A fractional change is the mean of a random whole number:
                // its whole part, and one more with probability the fraction.
                let whole = individuals.trunc();
                let extra = f64::from(u8::from(rng.uniform() < individuals.fract().abs()));
                count[i] += whole + extra * individuals.signum();
                if count[i] < 0.0 {
                    let process = self.model.process_names().nth(p).unwrap_or("?");
                    let compartment = self.model.compartment_names().nth(i).unwrap_or("?");
                    return Err(ModelError::invalid(
                        format!("process '{process}' of model '{}' at t = {t}", self.model.name()),
                        format!(
                            "firing it makes '{compartment}' {} individuals: its rate must vanish when what it consumes is gone",
                            count[i]
                        ),
                    )
                    .into());
                }
                y[i] = count[i] * self.size[i];
                if count[i] >= 2.0 * theta {
                    exact[i] = false;
                }
            } else {
                y[i] += delta;
                if self.size[i] > 0.0 && y[i] < theta * self.size[i] {
                    exact[i] = true;
                    count[i] = unbiased_round(y[i] / self.size[i], rng);
                    y[i] = count[i] * self.size[i];
                }
            }
        }
        Ok(())
    }
}

/// `⌊x⌋ + 1` with probability `x − ⌊x⌋`, else `⌊x⌋` (mean `x`); negative
/// values round to 0.
fn unbiased_round(x: f64, rng: &mut Stream) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    let floor = x.floor();
    floor + f64::from(u8::from(rng.uniform() < x - floor))
}

/// Records `t` for every extinction set that has just died out (all its
/// compartments exact and 0) and has no time yet.
fn mark_extinct(extinct: &[Vec<usize>], exact: &[bool], count: &[f64], t: f64, died: &mut [f64]) {
    for (set, d) in extinct.iter().zip(died.iter_mut()) {
        if d.is_nan() && set.iter().all(|&i| exact[i] && count[i] == 0.0) {
            *d = t;
        }
    }
}

/// The model with every process that changes a counted compartment and can
/// run backwards split in two, forward and reverse, so that propensities
/// are never negative: a term with a negative sign (the unbinding of a
/// binding law) runs in the reverse process, and a carrying-capacity factor
/// `1 − N/K` (logistic growth `r X (1 − N/K)`) is read as births `r X` and
/// crowding deaths `r X N/K` (the usual birth–death reading of logistic
/// growth). The right-hand side is unchanged. Processes with expression or
/// custom laws are kept whole; a negative propensity is an error when it
/// fires.
fn split_processes(model: &Model, size: &[f64]) -> Result<Model> {
    let index: HashMap<&str, usize> = model.compartment_names().enumerate().map(|(i, c)| (c, i)).collect();
    let mut spec = model.spec().clone();
    let mut processes = Vec::with_capacity(spec.processes.len());
    let mut split = false;
    for process in spec.processes.drain(..) {
        let counted = process.changes.keys().any(|c| index.get(c.as_str()).is_some_and(|&i| size[i] > 0.0));
        let terms = process.rate.terms();
        let runs_backwards = terms.iter().any(|t| {
            t.sign < 0.0 || t.factors.iter().chain(&process.modifiers).any(|f| matches!(f, Factor::Room { .. }))
        });
        if !counted || !runs_backwards {
            processes.push(process);
            continue;
        }
        let (mut forward, mut reverse) = (Vec::new(), Vec::new());
        for term in &terms {
            let factors: Vec<&Factor> = term.factors.iter().chain(&process.modifiers).collect();
            let rooms = factors.iter().filter(|f| matches!(f, Factor::Room { .. })).count();
            if rooms > 1 {
                return Err(SaspError::unsupported(
                    "more than one carrying-capacity factor in one term, in hybrid stochastic simulation",
                    format!("process '{}'", process.name),
                ));
            }
            let product = |room: Option<&str>| {
                let mut parts = vec![format!("({})", term.coefficient)];
                for f in &factors {
                    match f {
                        Factor::Room { of, capacity } => {
                            if let Some(text) = room {
                                parts.push(text.replace("{of}", of).replace("{capacity}", capacity));
                            }
                        }
                        f => parts.push(format!("({})", f.to_expression())),
                    }
                }
                parts.join("*")
            };
            let (ahead, behind) =
                if term.sign < 0.0 { (&mut reverse, &mut forward) } else { (&mut forward, &mut reverse) };
            ahead.push(product(None));
            if rooms == 1 {
                behind.push(product(Some("({of}/{capacity})")));
            }
        }
        let law = |parts: &[String]| RateLaw::Expression { rate: parts.join(" + "), unit: None };
        let mut reversed = process.clone();
        reversed.name = format!("{} (reverse)", process.name);
        reversed.rate = law(&reverse);
        reversed.modifiers.clear();
        for nu in reversed.changes.values_mut() {
            *nu = match nu {
                Stoichiometry::Number(v) => Stoichiometry::Number(-*v),
                Stoichiometry::Expression(c) => {
                    Stoichiometry::Expression(Coefficient(match c.0.trim().strip_prefix('-') {
                        Some(positive) => positive.to_string(),
                        None => format!("-{}", c.0.trim()),
                    }))
                }
            };
        }
        let mut forward_process = process;
        forward_process.rate = law(&forward);
        forward_process.modifiers.clear();
        if !forward.is_empty() {
            processes.push(forward_process);
        }
        if !reverse.is_empty() {
            processes.push(reversed);
        }
        split = true;
    }
    if !split {
        return Ok(model.clone());
    }
    spec.processes = processes;
    Model::from_spec(spec)
}
