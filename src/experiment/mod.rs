//! Running models through time with their interventions.
//!
//! - [`simulate`]: one model, a list of input switches, states at output times.
//! - [`Experiment`]: arms (named sets of interventions) run from the model's
//!   initial time (tumor injection) to an end day, sampled at a fixed
//!   interval, with the observables of the paper and clearance metrics.
//! - [`paper`]: the arms of Iannello et al. 2013 and the calibration targets.

pub mod paper;

use crate::error::{Result, SaspError};
use crate::intervene::{Arm, PreparedArm, Switch, TimedAction};
use crate::model::{Chemokine, Compartment, Model, NkState, TumorState};
use crate::solve::{integrate, Direction, Event, Method, Options, Plan, Solution, Stats};
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
    let run = integrate(&mut stepper, &mut system, t0, &model.initial_state(), t_end, &plan, &mut |k, _, _, sys| {
        let (_, input, value) = resolved[k];
        sys.set_input(input, value);
        Ok(())
    })?;
    Ok(run.solution)
}

/// Days from the reference day (doxycycline, day 0) until the tumor shrinks
/// to 50 % and 10 % of its volume then, and below 1 mm³; `None` when it does
/// not within the run. Located by root finding on the dense output.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Clearance {
    /// Tumor volume at the reference day (mm³).
    pub volume_at_reference: f64,
    /// Days to 50 % regression.
    pub days_to_50: Option<f64>,
    /// Days to 90 % regression.
    pub days_to_90: Option<f64>,
    /// Days until the tumor is below 1 mm³.
    pub days_to_1mm3: Option<f64>,
}

/// The time courses of one arm.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ArmResult {
    /// The arm's name.
    pub name: String,
    /// Sample times (days).
    pub t: Vec<f64>,
    /// Tumor volume (mm³ = 10⁶ cells). Like every observable, it is computed
    /// from the state with each component that lies below zero by no more
    /// than its absolute tolerance set to zero (a solver may overshoot zero
    /// by that much; the raw values stay in [`states`](Self::states)).
    pub tumor_volume_mm3: Vec<f64>,
    /// NK cells in the tumor (10⁶ cells).
    pub nk_in_tumor: Vec<f64>,
    /// NK cells per mm³ of tumor, `10⁶·NK/(T + T_eps)`; NaN (undefined:
    /// empty in CSV, `null` in JSON) while the tumor is smaller than the
    /// experiment's [detection volume](Experiment::detection_volume), where
    /// the ratio of two vanishing numbers would report densities far above
    /// the packing density of cells.
    pub nk_per_mm3: Vec<f64>,
    /// Free CCL2 (nM).
    #[serde(rename = "ccl2_free_nM")]
    pub ccl2_free_nm: Vec<f64>,
    /// Free plus antibody-bound CCL2 (nM).
    #[serde(rename = "ccl2_total_nM")]
    pub ccl2_total_nm: Vec<f64>,
    /// Fraction of tumor cells that are senescent, `S/(T + T_eps)`; NaN
    /// (undefined) below the detection volume, like [`nk_per_mm3`](Self::nk_per_mm3).
    pub senescent_fraction: Vec<f64>,
    /// NK kills per day (10⁶ cells/day).
    pub nk_kills_per_day: Vec<f64>,
    /// Clearance metrics.
    pub clearance: Clearance,
    /// Compartment names of the arm's model (antibody compartments included).
    #[serde(skip)]
    pub compartments: Vec<String>,
    /// Their kinds.
    #[serde(skip)]
    pub kinds: Vec<Compartment>,
    /// Antibody complexes by the chemokine they hold.
    #[serde(skip)]
    pub complexes: Vec<(Chemokine, usize)>,
    /// Full states at the samples, row-major (`states[k·n + i]`, n = compartments),
    /// as the solver returned them: unlike the observables, not clipped at zero.
    #[serde(skip)]
    pub states: Vec<f64>,
    /// Solver work.
    #[serde(skip)]
    pub stats: Stats,
}

impl ArmResult {
    /// Index of the sample at `day` (exact match), if sampled.
    pub fn index_of_day(&self, day: f64) -> Option<usize> {
        self.t.iter().position(|&t| (t - day).abs() < 1e-9)
    }

    /// A compartment's value at a sampled day.
    pub fn compartment_at(&self, name: &str, day: f64) -> Result<f64> {
        let n = self.compartments.len();
        let i = self.compartments.iter().position(|c| c == name).ok_or_else(|| SaspError::UnknownCompartment {
            name: name.to_string(),
            context: format!("the results of arm '{}'", self.name),
        })?;
        let k = self
            .index_of_day(day)
            .ok_or_else(|| SaspError::InvalidOptions(format!("arm '{}' has no sample at day {day}", self.name)))?;
        Ok(self.states[k * n + i])
    }

    /// Free and total (free + antibody-bound) concentration of any chemokine
    /// at a sampled day, in nM.
    pub fn chemokine_at(&self, chemokine: Chemokine, day: f64) -> Result<(f64, f64)> {
        let n = self.compartments.len();
        let k = self
            .index_of_day(day)
            .ok_or_else(|| SaspError::InvalidOptions(format!("arm '{}' has no sample at day {day}", self.name)))?;
        let y = &self.states[k * n..(k + 1) * n];
        let free: f64 = (0..n).filter(|&i| self.kinds[i] == Compartment::Chemokine(chemokine)).map(|i| y[i]).sum();
        let bound: f64 = self.complexes.iter().filter(|(c, _)| *c == chemokine).map(|&(_, i)| y[i]).sum();
        Ok((free, free + bound))
    }

    /// An observable's value at a sampled day.
    pub fn at(&self, series: &[f64], day: f64) -> Result<f64> {
        self.index_of_day(day)
            .map(|k| series[k])
            .ok_or_else(|| SaspError::InvalidOptions(format!("arm '{}' has no sample at day {day}", self.name)))
    }
}

/// Where the observables live in a prepared arm's model.
struct ObservableMap {
    tumor: Vec<usize>,
    senescent: Vec<usize>,
    nk: Vec<usize>,
    ccl2: Option<usize>,
    complexes: Vec<usize>,
    killing: Vec<usize>,
    t_eps: f64,
}

impl ObservableMap {
    fn new(arm: &PreparedArm) -> ObservableMap {
        let m = &arm.model;
        ObservableMap {
            tumor: m.indices_where(|k| matches!(k, Compartment::Tumor(_))),
            senescent: m.indices_where(|k| k == Compartment::Tumor(TumorState::Senescent)),
            nk: m.indices_where(|k| matches!(k, Compartment::Nk(NkState::Recruited | NkState::Activated))),
            ccl2: m.indices_where(|k| k == Compartment::Chemokine(Chemokine::Ccl2)).first().copied(),
            complexes: arm.complexes_of(Chemokine::Ccl2),
            killing: m
                .spec()
                .processes
                .iter()
                .enumerate()
                .filter(|(_, p)| p.has_tag("killing"))
                .map(|(i, _)| i)
                .collect(),
            t_eps: m.parameter_canonical("T_eps").unwrap_or(1e-3),
        }
    }

    fn volume(&self, y: &[f64]) -> f64 {
        self.tumor.iter().map(|&i| y[i]).sum()
    }
}

/// Input values at time `t` under an arm's actions (switches at or before `t`).
fn inputs_at(arm: &PreparedArm, t: f64) -> Vec<f64> {
    let mut u = arm.model.default_inputs();
    for (time, action) in &arm.actions {
        if let (true, TimedAction::SetInput { input, value }) = (*time <= t, action) {
            u[*input] = *value;
        }
    }
    u
}

/// Most samples one arm of an experiment may record (a run from the
/// model's initial time to the end day at the sampling interval).
pub const MAX_SAMPLES: usize = 1_000_000;

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

    /// Sampling interval (days).
    pub fn sample_every(mut self, days: f64) -> Self {
        self.sample_every = days;
        self
    }

    /// The tumor volume (mm³, default [`DETECTION_VOLUME_MM3`]) below which
    /// the per-volume observables (NK per mm³, senescent fraction) are
    /// reported as undefined (NaN) rather than as a ratio of two vanishing
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

    /// A provenance manifest for results of this experiment.
    pub fn manifest(&self, results: &[ArmResult]) -> Result<crate::output::Manifest> {
        Ok(crate::output::Manifest::new(self.model, self.method, &self.options)?.with_results(results))
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
        prepared.iter().map(|arm| self.run_prepared(arm).map_err(|e| self.arm_error(&arm.name, e))).collect()
    }

    /// The sample times of a run from `t0`: every `sample_every` days to the
    /// end day, and the end day itself. Assumes [`check`](Self::check) passed.
    fn sample_times(&self, t0: f64) -> Vec<f64> {
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
        let hint = || {
            format!(
                "from day {t0:?} to day {:?} every {:?} days: shorten the run or sample less often",
                self.t_end, self.sample_every
            )
        };
        if samples > MAX_SAMPLES as f64 {
            return Err(SaspError::LimitExceeded {
                what: "samples",
                requested: samples,
                limit: MAX_SAMPLES,
                hint: hint(),
            });
        }
        let values = samples * arm.model.dimension() as f64;
        if values > MAX_SAMPLE_VALUES as f64 {
            return Err(SaspError::LimitExceeded {
                what: "sampled values (samples × compartments)",
                requested: values,
                limit: MAX_SAMPLE_VALUES,
                hint: hint(),
            });
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
        let map = ObservableMap::new(arm);
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
        let first =
            integrate(&mut stepper, &mut system, t0, &model.initial_state(), self.reference_day, &plan, &mut apply)
                .map_err(in_arm)?;
        // Phase 2: with clearance events relative to the reference volume.
        let v_ref = map.volume(&first.y);
        let tumor = map.tumor.clone();
        let volume = move |y: &[f64]| tumor.iter().map(|&i| y[i]).sum::<f64>();
        let (v1, v2, v3) = (volume.clone(), volume.clone(), volume);
        let events = [
            Event::new(move |_, y: &[f64]| v1(y) - 0.5 * v_ref, Direction::Falling, false),
            Event::new(move |_, y: &[f64]| v2(y) - 0.1 * v_ref, Direction::Falling, false),
            Event::new(move |_, y: &[f64]| v3(y) - 1.0, Direction::Falling, false),
        ];
        let stops_2: Vec<f64> = stops.iter().copied().filter(|&t| t > self.reference_day).collect();
        let plan = Plan::outputs(&samples[split..]).stops(&stops_2).events(&events);
        let second = integrate(&mut stepper, &mut system, self.reference_day, &first.y, self.t_end, &plan, &mut apply)
            .map_err(in_arm)?;
        let first_hit = |k: usize| second.events.iter().find(|e| e.event == k).map(|e| e.t - self.reference_day);
        let clearance = Clearance {
            volume_at_reference: v_ref,
            days_to_50: first_hit(0),
            days_to_90: first_hit(1),
            days_to_1mm3: if v_ref < 1.0 { Some(0.0) } else { first_hit(2) },
        };
        // Observables at the samples.
        let mut result = ArmResult {
            name: arm.name.clone(),
            t: Vec::new(),
            tumor_volume_mm3: Vec::new(),
            nk_in_tumor: Vec::new(),
            nk_per_mm3: Vec::new(),
            ccl2_free_nm: Vec::new(),
            ccl2_total_nm: Vec::new(),
            senescent_fraction: Vec::new(),
            nk_kills_per_day: Vec::new(),
            clearance,
            compartments: model.compartment_names().map(String::from).collect(),
            kinds: (0..model.dimension()).map(|i| model.kind(i)).collect(),
            complexes: arm.complexes.clone(),
            states: Vec::new(),
            stats: first.solution.stats,
        };
        result.stats += second.solution.stats;
        let mut rates = vec![0.0; model.spec().processes.len()];
        let mut y = vec![0.0; model.dimension()];
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
                let v = map.volume(y);
                let detected = v >= self.detection_volume;
                let undefined_below = |ratio: f64| if detected { ratio } else { f64::NAN };
                let nk: f64 = map.nk.iter().map(|&i| y[i]).sum();
                let free = map.ccl2.map_or(0.0, |i| y[i]);
                let bound: f64 = map.complexes.iter().map(|&i| y[i]).sum();
                let senescent: f64 = map.senescent.iter().map(|&i| y[i]).sum();
                model.process_rates(t, y, &inputs_at(arm, t), &mut rates)?;
                result.t.push(t);
                result.tumor_volume_mm3.push(v);
                result.nk_in_tumor.push(nk);
                result.nk_per_mm3.push(undefined_below(1e6 * nk / (v + map.t_eps)));
                result.ccl2_free_nm.push(free);
                result.ccl2_total_nm.push(free + bound);
                result.senescent_fraction.push(undefined_below(senescent / (v + map.t_eps)));
                result.nk_kills_per_day.push(map.killing.iter().map(|&p| rates[p]).sum());
            }
        }
        Ok(result)
    }
}
