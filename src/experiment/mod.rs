//! Running models through time with their interventions.
//!
//! - [`simulate`]: one model, a list of input switches, states at output times.
//! - [`Experiment`]: arms (named sets of interventions) run from the model's
//!   initial time (tumor injection) to an end day, sampled at a fixed
//!   interval, with the observables of the paper and clearance metrics.
//! - [`paper`]: the arms of Iannello et al. 2013 and the calibration targets.

pub mod paper;

use crate::error::{ModelError, Result, SaspError};
use crate::intervene::{Arm, PreparedArm, Switch, TimedAction};
pub mod declarations;
pub mod observable;

pub use declarations::Declarations;
pub use observable::{ClearanceSpec, Definition, Level, Observable, Offset, Term, UndefinedBelow};

use crate::model::{Chemokine, Compartment, Model};
use crate::solve::{Direction, Event, Method, Options, Plan, Solution, Stats};
use serde::Serialize;

/// Simulates `model` from its initial time and state to `t_end`, applying
/// `switches`, and returns the states at `outputs` (increasing, within the run),
/// integrated with `method` (use [`Method::Auto`] for the library's choice).
///
/// ```
/// use sasp::{experiment::simulate, intervene::Switch, solve::{Method, Options}};
/// let model = sasp::models::iannello2013()?;
/// let days: Vec<f64> = (-14..=21).map(f64::from).collect();
/// let run = simulate(&model, &[Switch::p53_restored_at(0.0)], 21.0, &days, Method::Auto, &Options::default())?;
/// let t = model.index_of("P")?;
/// assert!(run.state(14)[t] > 50.0); // about 100 mm³ of tumor at day 0
/// # Ok::<(), sasp::SaspError>(())
/// ```
pub fn simulate(
    model: &Model,
    switches: &[Switch],
    t_end: f64,
    outputs: &[f64],
    method: Method,
    options: &Options,
) -> Result<Solution> {
    let t0 = model.initial_time();
    if !(t_end.is_finite() && t_end >= t0) {
        return Err(SaspError::InvalidOptions(format!("t_end = {t_end} is before the model's initial time {t0}")));
    }
    let mut resolved = Vec::with_capacity(switches.len());
    for s in switches {
        resolved.push((s.time, s.resolve(model, t0)?, s.value));
    }
    resolved.sort_by(|a, b| a.0.total_cmp(&b.0));
    let stops: Vec<f64> = resolved.iter().map(|s| s.0.min(t_end)).collect();
    let mut system = model.system(&model.default_inputs())?;
    let mut stepper = method.stepper(&system, options.clone())?;
    let plan = Plan::outputs(outputs).stops(&stops);
    let run =
        model.integrate(&mut stepper, &mut system, t0, &model.initial_state(), t_end, &plan, &mut |k, _, _, sys| {
            let (_, input, value) = resolved[k];
            sys.set_input(input, value);
            Ok(())
        })?;
    Ok(run.solution)
}

/// Clearance metrics of one arm: the [clearance observable](ClearanceSpec)
/// at the reference day and the days from then until it crosses each
/// threshold downwards (`None` when it does not within the run), located by
/// root finding on the dense output. Written to JSON as
/// `{reference_label: value, label: days, …}`.
#[derive(Clone, Debug, PartialEq)]
pub struct Clearance {
    /// The observable measured.
    pub observable: String,
    /// The day it is measured from.
    pub reference_day: f64,
    /// Key of [`value_at_reference`](Self::value_at_reference) in outputs.
    pub reference_label: String,
    /// The observable at the reference day.
    pub value_at_reference: f64,
    /// Days to each threshold, by label, in declaration order.
    pub days: Vec<(String, Option<f64>)>,
}

impl Clearance {
    /// Days to the threshold labelled `label` (`None`: not reached, or no such threshold).
    pub fn days_to(&self, label: &str) -> Option<f64> {
        self.days.iter().find(|(l, _)| l == label).and_then(|d| d.1)
    }
}

impl Serialize for Clearance {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(1 + self.days.len()))?;
        map.serialize_entry(&self.reference_label, &self.value_at_reference)?;
        for (label, days) in &self.days {
            map.serialize_entry(label, days)?;
        }
        map.end()
    }
}

/// The values of one declared observable at an arm's samples.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Series {
    /// The observable's name.
    pub name: String,
    /// Its unit.
    pub unit: String,
    /// One value per sample (NaN where undefined).
    pub values: Vec<f64>,
}

/// The time courses of one arm.
///
/// [`observables`](Self::observables) holds the experiment's declared
/// observables (for the reference model, those of [`paper::observables`]);
/// read one by name with [`series`](Self::series) or
/// [`value`](Self::value).
#[derive(Clone, Debug, PartialEq)]
pub struct ArmResult {
    /// The arm's name.
    pub name: String,
    /// Sample times (days).
    pub t: Vec<f64>,
    /// The declared observables, in declaration order. Like every
    /// observable, they are computed from the state with each component
    /// that lies below zero by no more than its absolute tolerance set to
    /// zero (a solver may overshoot zero by that much; the raw values stay
    /// in [`states`](Self::states)).
    pub observables: Vec<Series>,
    /// Clearance metrics.
    pub clearance: Clearance,
    /// Compartment names of the arm's model (antibody compartments included).
    pub compartments: Vec<String>,
    /// Their kinds.
    pub kinds: Vec<Compartment>,
    /// `(target, complex)` compartment indices of every neutralizing
    /// antibody's complex and the species it holds.
    pub complexes: Vec<(usize, usize)>,
    /// Full states at the samples, row-major (`states[k·n + i]`, n = compartments),
    /// as the solver returned them: unlike the observables, not clipped at zero.
    pub states: Vec<f64>,
    /// Solver work.
    pub stats: Stats,
}

impl Serialize for ArmResult {
    /// `{"name", "t", one key per observable, "clearance"}`.
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(3 + self.observables.len()))?;
        map.serialize_entry("name", &self.name)?;
        map.serialize_entry("t", &self.t)?;
        for series in &self.observables {
            map.serialize_entry(&series.name, &series.values)?;
        }
        map.serialize_entry("clearance", &self.clearance)?;
        map.end()
    }
}

impl ArmResult {
    /// Index of the sample at `day` (exact match), if sampled.
    pub fn index_of_day(&self, day: f64) -> Option<usize> {
        self.t.iter().position(|&t| (t - day).abs() < 1e-9)
    }

    /// A compartment's value at a sampled day.
    pub fn compartment_at(&self, name: &str, day: f64) -> Result<f64> {
        let n = self.compartments.len();
        let i = self.compartments.iter().position(|c| c == name).ok_or_else(|| ModelError::UnknownCompartment {
            name: name.to_string(),
            context: format!("the results of arm '{}'", self.name),
        })?;
        let k = self.index_of_day(day).ok_or_else(|| SaspError::NoSample { arm: self.name.clone(), day })?;
        Ok(self.states[k * n + i])
    }

    /// Free and total (free + antibody-bound) concentration of any chemokine
    /// at a sampled day, in nM.
    pub fn chemokine_at(&self, chemokine: Chemokine, day: f64) -> Result<(f64, f64)> {
        let n = self.compartments.len();
        let k = self.index_of_day(day).ok_or_else(|| SaspError::NoSample { arm: self.name.clone(), day })?;
        let y = &self.states[k * n..(k + 1) * n];
        let free: f64 = (0..n).filter(|&i| self.kinds[i] == Compartment::Chemokine(chemokine)).map(|i| y[i]).sum();
        let free_at = |i: usize| self.kinds[i] == Compartment::Chemokine(chemokine);
        let bound: f64 = self.complexes.iter().filter(|&&(t, _)| free_at(t)).map(|&(_, i)| y[i]).sum();
        Ok((free, free + bound))
    }

    /// A declared observable's values, by name.
    pub fn series(&self, name: &str) -> Result<&[f64]> {
        self.observables
            .iter()
            .find(|o| o.name == name)
            .map(|o| &o.values[..])
            .ok_or_else(|| SaspError::UnknownObservable { arm: self.name.clone(), name: name.to_string() })
    }

    /// A declared observable's value at a sampled day, by name.
    pub fn value(&self, observable: &str, day: f64) -> Result<f64> {
        self.at(self.series(observable)?, day)
    }

    /// An observable's value at a sampled day.
    pub fn at(&self, series: &[f64], day: f64) -> Result<f64> {
        self.index_of_day(day).map(|k| series[k]).ok_or_else(|| SaspError::NoSample { arm: self.name.clone(), day })
    }
}

/// Writes into `u` the input values at time `t` under an arm's actions: the
/// model's `defaults`, then every switch at or before `t`.
fn inputs_at(arm: &PreparedArm, defaults: &[f64], t: f64, u: &mut [f64]) {
    u.copy_from_slice(defaults);
    for (time, action) in &arm.actions {
        if let (true, TimedAction::SetInput { input, value }) = (*time <= t, action) {
            u[*input] = *value;
        }
    }
}

pub use crate::intervene::scenario::MAX_SAMPLES;

/// Most values one arm may store for its samples: samples × compartments
/// (the full states kept in [`ArmResult::states`]; 20 million values are
/// 160 MB).
pub const MAX_SAMPLE_VALUES: usize = 20_000_000;

/// A set of arms run on one model.
#[derive(Clone, Debug)]
pub struct Experiment<'m> {
    model: &'m Model,
    arms: Vec<Arm>,
    t_end: f64,
    reference_day: f64,
    sample_every: f64,
    detection_volume: f64,
    method: Method,
    options: Options,
    /// Declared observables (none: the paper's, [`paper::observables`]).
    observables: Option<Vec<Observable>>,
    /// Clearance metric (none: the paper's, [`paper::clearance`]).
    clearance: Option<ClearanceSpec>,
    /// Where arms read from a scenario file are declared (arm name → file and line).
    sources: Vec<(String, crate::intervene::scenario::ArmSource)>,
}

/// The default [detection volume](Experiment::detection_volume), mm³: a
/// tumor of 10⁵ cells, below what calipers measure (about 1 mm³).
pub const DETECTION_VOLUME_MM3: f64 = 0.1;

impl<'m> Experiment<'m> {
    /// An experiment on `model`, from its initial time to day 21, sampled daily,
    /// regression measured from day 0, solved with [`Method::Auto`] at rtol 1e-6.
    pub fn new(model: &'m Model) -> Experiment<'m> {
        let options = Options { rtol: 1e-6, atol: crate::solve::Tolerance::Scalar(1e-9), ..Options::default() };
        Experiment {
            model,
            arms: Vec::new(),
            t_end: 21.0,
            reference_day: 0.0,
            sample_every: 1.0,
            detection_volume: DETECTION_VOLUME_MM3,
            method: Method::Auto,
            options,
            observables: None,
            clearance: None,
            sources: Vec::new(),
        }
    }

    /// An experiment with a scenario's arms, end day and sampling; errors of
    /// an arm then name the file and line it is declared at.
    pub fn from_scenario(model: &'m Model, scenario: &crate::intervene::Scenario) -> Experiment<'m> {
        let mut experiment = Experiment::new(model)
            .arms(scenario.arms.iter().cloned())
            .until(scenario.until)
            .sample_every(scenario.sample_every);
        experiment.sources =
            scenario.arms.iter().map(|a| a.name.clone()).zip(scenario.sources.iter().cloned()).collect();
        experiment
    }

    /// `error` as an error of arm `arm`, at its file and line when the arm
    /// comes from a scenario file.
    fn arm_error(&self, arm: &str, error: SaspError) -> SaspError {
        let error = error.in_arm(arm);
        match self.sources.iter().find(|(name, _)| name == arm) {
            Some((_, source)) => error.at_line(source.path.clone(), source.line),
            None => error,
        }
    }

    /// Sets the arms.
    pub fn arms(mut self, arms: impl IntoIterator<Item = Arm>) -> Self {
        self.arms = arms.into_iter().collect();
        self
    }

    /// Last day of the run.
    pub fn until(mut self, day: f64) -> Self {
        self.t_end = day;
        self
    }

    /// The day clearance is measured from (default 0); it must not be before
    /// the model's initial time.
    pub fn reference_day(mut self, day: f64) -> Self {
        self.reference_day = day;
        self
    }

    /// Declares what the experiment reports (CSV columns and JSON keys follow
    /// them). Without this call, the paper's observables
    /// ([`paper::observables`]) are used, and a model that lacks what they
    /// need is an error naming it.
    pub fn observables(mut self, observables: impl IntoIterator<Item = Observable>) -> Self {
        self.observables = Some(observables.into_iter().collect());
        self
    }

    /// Declares the clearance metric (an observable and its thresholds).
    /// Without this call, the paper's ([`paper::clearance`]): tumor volume,
    /// 50 %, 10 % and 1 mm³.
    pub fn clearance(mut self, clearance: ClearanceSpec) -> Self {
        self.clearance = Some(clearance);
        self
    }

    /// Applies a declaration file's observables, clearance metric and
    /// reference day (each only where the file declares it).
    pub fn declare(mut self, declarations: &Declarations) -> Self {
        if !declarations.observables.is_empty() {
            self = self.observables(declarations.observables.iter().cloned());
        }
        if let Some(clearance) = &declarations.clearance {
            self = self.clearance(clearance.clone());
        }
        if let Some(day) = declarations.reference_day {
            self = self.reference_day(day);
        }
        self
    }

    /// The observables and clearance metric the runs use on `model`.
    pub fn declared(&self, model: &Model) -> Result<(Vec<Observable>, ClearanceSpec)> {
        let observables = match &self.observables {
            Some(o) => o.clone(),
            None => paper::observables(model)?,
        };
        let clearance = self.clearance.clone().unwrap_or_else(paper::clearance);
        Ok((observables, clearance))
    }

    /// Sampling interval (days).
    pub fn sample_every(mut self, days: f64) -> Self {
        self.sample_every = days;
        self
    }

    /// The detection limit (default [`DETECTION_VOLUME_MM3`]): ratio
    /// observables declared with [`UndefinedBelow::DetectionLimit`] (the
    /// paper's NK per mm³ and senescent fraction) are undefined (NaN) while
    /// their denominator is below it, rather than a ratio of two vanishing
    /// numbers.
    pub fn detection_volume(mut self, mm3: f64) -> Self {
        self.detection_volume = mm3;
        self
    }

    /// The integration method.
    pub fn method(mut self, method: Method) -> Self {
        self.method = method;
        self
    }

    /// Solver options.
    pub fn options(mut self, options: Options) -> Self {
        self.options = options;
        self
    }

    /// The integration method and options the runs use.
    pub fn settings(&self) -> (Method, &Options) {
        (self.method, &self.options)
    }

    /// The arms, in the order they run.
    pub fn arm_list(&self) -> &[Arm] {
        &self.arms
    }

    /// The model the arms run on.
    pub fn model(&self) -> &'m Model {
        self.model
    }

    /// Runs every arm. Every arm is prepared and checked
    /// ([`check`](Self::check)) before any runs, so a bad last arm costs no
    /// time; errors name the arm (and its file and line when it comes from a
    /// scenario file).
    pub fn run(&self) -> Result<Vec<ArmResult>> {
        let t0 = self.model.initial_time();
        let mut names = std::collections::HashSet::new();
        let mut prepared = Vec::with_capacity(self.arms.len());
        for arm in &self.arms {
            crate::intervene::check_arm_name(&arm.name).map_err(|e| self.arm_error(&arm.name, e))?;
            if !names.insert(arm.name.as_str()) {
                return Err(self.arm_error(&arm.name, SaspError::Duplicate { kind: "arm", name: arm.name.clone() }));
            }
            let ready = arm.prepare(self.model, t0).map_err(|e| self.arm_error(&arm.name, e))?;
            self.check(&ready).map_err(|e| self.arm_error(&arm.name, e))?;
            prepared.push(ready);
        }
        // Each arm's model is freed as soon as it has run.
        prepared.into_iter().map(|arm| self.run_prepared(&arm).map_err(|e| self.arm_error(&arm.name, e))).collect()
    }

    /// The detection limit ratios may be undefined below ([`detection_volume`](Self::detection_volume)).
    pub fn detection_limit(&self) -> f64 {
        self.detection_volume
    }

    /// The reference day clearance is measured from ([`reference_day`](Self::reference_day)).
    pub fn measured_from(&self) -> f64 {
        self.reference_day
    }

    /// The sample times of a run from `t0`: every `sample_every` days to the
    /// end day, and the end day itself. Assumes [`check`](Self::check) passed.
    pub fn sample_times(&self, t0: f64) -> Vec<f64> {
        let count = ((self.t_end - t0) / self.sample_every + 1e-9).floor() as usize;
        let mut samples: Vec<f64> = (0..=count).map(|k| t0 + k as f64 * self.sample_every).collect();
        if samples.last().is_some_and(|&t| t < self.t_end - 1e-9) {
            samples.push(self.t_end);
        }
        samples
    }

    /// Checks that `arm` can run in this experiment without running it: the
    /// arm's name; the end day (finite, after the reference day, which is not
    /// before the model's initial time); the sampling interval (positive,
    /// finite); the number of samples (at most [`MAX_SAMPLES`], and samples ×
    /// compartments at most [`MAX_SAMPLE_VALUES`]); the solver options for
    /// the arm's model ([`Options::validate`]); and that none of its actions
    /// falls after the end of the run. A sweep calls this once before its
    /// runs; [`run_prepared`](Self::run_prepared) calls it too. Errors name
    /// the arm ([`SaspError::InArm`]).
    pub fn check(&self, arm: &PreparedArm) -> Result<()> {
        self.check_unnamed(arm).map_err(|e| e.in_arm(&arm.name))
    }

    fn check_unnamed(&self, arm: &PreparedArm) -> Result<()> {
        crate::intervene::check_arm_name(&arm.name)?;
        let t0 = arm.model.initial_time();
        let bad = |m: String| Err(SaspError::InvalidOptions(m));
        if !(self.reference_day.is_finite() && self.reference_day >= t0) {
            return bad(format!(
                "the reference day {} must be a finite day not before the model's initial time {t0}",
                self.reference_day
            ));
        }
        if !(self.t_end.is_finite() && self.t_end > self.reference_day) {
            return bad(format!(
                "the end day must be a finite day after the reference day {}, is {}",
                self.reference_day, self.t_end
            ));
        }
        if !(self.sample_every.is_finite() && self.sample_every > 0.0) {
            return bad(format!("the sampling interval must be a positive number of days, is {}", self.sample_every));
        }
        // Counted in floating point: a huge count must not overflow the cast.
        let samples = ((self.t_end - t0) / self.sample_every + 1e-9).floor() + 2.0;
        let values = samples * arm.model.dimension() as f64;
        for (what, requested, limit) in
            [("samples", samples, MAX_SAMPLES), ("sampled values (samples × compartments)", values, MAX_SAMPLE_VALUES)]
        {
            if requested > limit as f64 {
                return Err(SaspError::LimitExceeded {
                    what,
                    requested,
                    limit,
                    hint: format!(
                        "from day {t0:?} to day {:?} every {:?} days: shorten the run or sample less often",
                        self.t_end, self.sample_every
                    ),
                });
            }
        }
        self.options.validate(arm.model.dimension())?;
        if !(self.detection_volume.is_finite() && self.detection_volume >= 0.0) {
            return bad(format!(
                "the detection volume must be finite and non-negative, is {} mm³",
                self.detection_volume
            ));
        }
        for &(t, _) in &arm.actions {
            if t > self.t_end {
                return Err(SaspError::InvalidSchedule {
                    name: "the arm's doses and switches".to_string(),
                    reason: format!("an action at day {t} is after the end of the run (day {})", self.t_end),
                });
            }
        }
        Ok(())
    }

    /// Runs one arm that is already applied to its model (e.g. by a sweep that
    /// prepares the arm once and varies parameters of the prepared model).
    /// Errors (of the checks and of the solver) name the arm.
    pub fn run_prepared(&self, arm: &PreparedArm) -> Result<ArmResult> {
        self.check(arm)?;
        let in_arm = |e: SaspError| e.in_arm(&arm.name);
        let model = &arm.model;
        let t0 = model.initial_time();
        let samples = self.sample_times(t0);
        let stops = arm.stop_times();
        let (observables, spec) = self.declared(model).map_err(in_arm)?;
        let resolved = observable::resolve(&observables, arm, self.detection_volume).map_err(in_arm)?;
        let measured = observables.iter().position(|o| o.name == spec.observable).ok_or_else(|| {
            in_arm(SaspError::InvalidOptions(format!(
                "the clearance metric measures the observable '{}', which the experiment does not declare",
                spec.observable
            )))
        })?;
        let cleared = resolved[measured].clone();
        if cleared.of_state(&model.initial_state()).is_none() {
            return Err(in_arm(SaspError::InvalidOptions(format!(
                "the clearance observable '{}' must be a function of the state (a pool, a species or a linear expression)",
                spec.observable
            ))));
        }
        let mut system = model.system(&model.default_inputs()).map_err(in_arm)?;
        let mut stepper = self.method.stepper(&system, self.options.clone()).map_err(in_arm)?;
        let mut apply = |_k: usize, t: f64, y: &mut [f64], sys: &mut crate::model::ModelSystem<'_>| {
            for (time, action) in &arm.actions {
                if *time == t {
                    action.apply(y, y.len(), |i, v| sys.set_input(i, v));
                }
            }
            Ok(())
        };
        // Phase 1: injection to the reference day (stops there are applied).
        let split = samples.partition_point(|&t| t <= self.reference_day);
        let stops_1: Vec<f64> = stops.iter().copied().filter(|&t| t <= self.reference_day).collect();
        let plan = Plan::outputs(&samples[..split]).stops(&stops_1);
        let first = model
            .integrate(&mut stepper, &mut system, t0, &model.initial_state(), self.reference_day, &plan, &mut apply)
            .map_err(in_arm)?;
        // Phase 2: with clearance events relative to the reference volume.
        let value = move |y: &[f64]| cleared.of_state(y).unwrap_or(f64::NAN);
        let v_ref = value(&first.y);
        let events: Vec<Event> = spec
            .thresholds
            .iter()
            .map(|&(_, level)| {
                let level = match level {
                    Level::Fraction(f) => f * v_ref,
                    Level::Below(v) => v,
                };
                let value = value.clone();
                Event::new(move |_, y: &[f64]| value(y) - level, Direction::Falling, false)
            })
            .collect();
        let stops_2: Vec<f64> = stops.iter().copied().filter(|&t| t > self.reference_day).collect();
        let plan = Plan::outputs(&samples[split..]).stops(&stops_2).events(&events);
        let second = model
            .integrate(&mut stepper, &mut system, self.reference_day, &first.y, self.t_end, &plan, &mut apply)
            .map_err(in_arm)?;
        let first_hit = |k: usize| second.events.iter().find(|e| e.event == k).map(|e| e.t - self.reference_day);
        let days: Vec<(String, Option<f64>)> = spec
            .thresholds
            .iter()
            .enumerate()
            .map(|(k, (label, level))| match level {
                Level::Below(v) if v_ref < *v => (label.clone(), Some(0.0)),
                _ => (label.clone(), first_hit(k)),
            })
            .collect();
        let clearance = Clearance {
            observable: spec.observable.clone(),
            reference_day: self.reference_day,
            reference_label: spec.reference_label.clone(),
            value_at_reference: v_ref,
            days,
        };
        // Observables at the samples.
        let mut result = ArmResult {
            name: arm.name.clone(),
            t: Vec::new(),
            observables: observables
                .iter()
                .filter(|o| !o.hidden)
                .map(|o| Series { name: o.name.clone(), unit: o.unit.clone(), values: Vec::new() })
                .collect(),
            clearance,
            compartments: model.compartment_names().map(String::from).collect(),
            kinds: (0..model.dimension()).map(|i| model.kind(i)).collect(),
            complexes: arm.complexes.clone(),
            states: Vec::new(),
            stats: first.solution.stats,
        };
        result.stats += second.solution.stats;
        let needs_rates = resolved.iter().any(|r| matches!(r, observable::Resolved::Rates(_)));
        let mut values = Vec::with_capacity(resolved.len());
        let mut rates = vec![0.0; model.process_count()];
        let mut y = vec![0.0; model.dimension()];
        let defaults = model.default_inputs();
        let mut u = defaults.clone();
        let atol = |i: usize| match &self.options.atol {
            crate::solve::Tolerance::Scalar(a) => *a,
            crate::solve::Tolerance::PerComponent(a) => a[i],
        };
        for sol in [&first.solution, &second.solution] {
            for (k, &t) in sol.t.iter().enumerate() {
                result.states.extend_from_slice(sol.state(k));
                // Observables of non-negative quantities: a state within its
                // absolute tolerance below zero is zero.
                for (i, (c, &raw)) in y.iter_mut().zip(sol.state(k)).enumerate() {
                    *c = if raw < 0.0 && raw >= -atol(i) { 0.0 } else { raw };
                }
                let y = &y[..];
                if needs_rates {
                    inputs_at(arm, &defaults, t, &mut u);
                    model.process_rates(t, y, &u, &mut rates)?;
                }
                observable::evaluate(&resolved, y, &rates, &mut values);
                result.t.push(t);
                let shown = observables.iter().zip(&values).filter(|(o, _)| !o.hidden);
                for (series, (_, &v)) in result.observables.iter_mut().zip(shown) {
                    series.values.push(v);
                }
            }
        }
        Ok(result)
    }
}
