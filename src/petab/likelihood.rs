//! Simulating a PEtab problem's conditions and computing its likelihood
//! (the formulas are in the [module docs](super)).

use super::{placeholder, Measurement, Noise, Problem, Transformation, Value};
use crate::error::{Result, SaspError};
use crate::sbml::read::{Document, Rule};
use crate::sbml::Import;
use crate::solve::{Method, Options, Tolerance};
use std::collections::{BTreeMap, HashMap};

/// Relative tolerance of [`Problem::evaluate_nominal`] (as AMICI's reference values).
pub const PETAB_RTOL: f64 = 1e-8;
/// Absolute tolerance of [`Problem::evaluate_nominal`].
pub const PETAB_ATOL: f64 = 1e-12;

/// One measurement's simulation.
#[derive(Clone, Debug, PartialEq)]
pub struct Simulated {
    /// Index into [`Problem::measurements`].
    pub measurement: usize,
    /// The observable's simulated value (linear scale).
    pub simulation: f64,
    /// The noise σ (on the observable's scale).
    pub sigma: f64,
    /// `r = (z(m) − z(y))/σ`.
    pub residual: f64,
    /// This measurement's contribution to `−log L`.
    pub negative_llh: f64,
}

/// The likelihood of a problem at one parameter vector.
#[derive(Clone, Debug, PartialEq)]
pub struct Evaluation {
    /// `log L`.
    pub llh: f64,
    /// `Σ r²`.
    pub chi2: f64,
    /// How many measurements.
    pub n_data: usize,
    /// Each measurement's simulation, in the measurement table's order.
    pub simulated: Vec<Simulated>,
}

impl Problem {
    /// The options [`Problem::evaluate_nominal`] integrates with (rtol
    /// [`PETAB_RTOL`], atol [`PETAB_ATOL`]).
    pub fn default_options() -> Options {
        Options { rtol: PETAB_RTOL, atol: Tolerance::Scalar(PETAB_ATOL), max_steps: 1_000_000, ..Options::default() }
    }

    /// The likelihood at the parameter table's nominal values, by Rodas5P
    /// at [`Problem::default_options`].
    pub fn evaluate_nominal(&self) -> Result<Evaluation> {
        self.evaluate(&self.nominal_values()?, Method::Rodas5p, &Problem::default_options())
    }

    /// Imports the SBML model under conditions `pre` (if any) and `sim`
    /// with parameter `values` into `imports`, unless already there.
    pub(super) fn import_conditions(
        &self,
        imports: &mut HashMap<usize, Import>,
        pre: Option<usize>,
        sim: usize,
        values: &[f64],
    ) -> Result<()> {
        for c in pre.into_iter().chain(std::iter::once(sim)) {
            if let std::collections::hash_map::Entry::Vacant(entry) = imports.entry(c) {
                let doc = self.condition_document(c, values)?;
                let source = format!("{} under condition '{}'", self.sbml_path.display(), self.conditions[c].id);
                entry.insert(Import::from_document(&doc, &source)?);
            }
        }
        Ok(())
    }

    /// The likelihood at `values` (one per row of the parameter table, on
    /// the linear scale): every condition simulated (after its
    /// preequilibration) at its measurement times, every measurement
    /// compared with its observable.
    pub fn evaluate(&self, values: &[f64], method: Method, options: &Options) -> Result<Evaluation> {
        if values.len() != self.parameters.len() {
            return Err(SaspError::DimensionMismatch {
                what: "parameter values",
                expected: self.parameters.len(),
                found: values.len(),
            });
        }
        let groups = self.simulation_groups();
        let mut imports: HashMap<usize, Import> = HashMap::new();
        let mut preequilibrated = HashMap::new();
        let mut simulated: Vec<Option<Simulated>> = vec![None; self.measurements.len()];
        for ((pre, sim), members) in &groups {
            self.import_conditions(&mut imports, *pre, *sim, values)?;
            let import = &imports[sim];
            let model = &import.model;
            let t0 = model.initial_time();
            let pre_import = pre.map(|p| (p, &imports[&p]));
            let y0 = self.run_initial_state(pre_import, *sim, import, method, options, &mut preequilibrated)?;
            let times = self.finite_times(members);
            let context = |e: SaspError| in_condition(e, &self.conditions[*sim].id, "simulation");
            let solution = if times.is_empty() {
                None
            } else {
                Some(model.simulate_from(t0, &y0, &times, method, options).map_err(context)?)
            };
            let mut steady: Option<(f64, Vec<f64>)> = None;
            if members.iter().any(|&k| self.measurements[k].time.is_infinite()) {
                let (t, y) = match &solution {
                    Some(s) => (s.t[s.t.len() - 1], s.state(s.t.len() - 1).to_vec()),
                    None => (t0, y0.clone()),
                };
                steady = Some(model.steady_state(t, &y, method, options).map_err(context)?);
            }
            for &k in members {
                let m = &self.measurements[k];
                let (t, y) = match (&steady, &solution) {
                    (Some((t, y)), _) if m.time.is_infinite() => (*t, &y[..]),
                    (_, Some(s)) if m.time.is_finite() => {
                        let j = times.partition_point(|&x| x < m.time);
                        if s.t.len() != times.len() {
                            return Err(SaspError::InvalidOptions(format!(
                                "the run of condition '{}' returned {} of {} output times",
                                self.conditions[*sim].id,
                                s.t.len(),
                                times.len()
                            )));
                        }
                        (m.time, s.state(j))
                    }
                    _ => {
                        return Err(SaspError::InvalidOptions(format!(
                            "condition '{}' has no simulation at time {}",
                            self.conditions[*sim].id, m.time
                        )))
                    }
                };
                let at = |e: SaspError| e.at_line(&m.source.0, m.source.1);
                simulated[k] = Some(self.compare(k, m, import, t, y, values).map_err(at)?);
            }
        }
        let simulated: Vec<Simulated> = simulated.into_iter().flatten().collect();
        let llh = -simulated.iter().map(|s| s.negative_llh).sum::<f64>();
        let chi2 = simulated.iter().map(|s| s.residual * s.residual).sum();
        Ok(Evaluation { llh, chi2, n_data: simulated.len(), simulated })
    }

    /// The initial state of the run of simulation condition `sim` (its
    /// model `import`): the model's, or, after a preequilibration `pre`
    /// (its condition and model), the preequilibration's steady state with
    /// the states that the simulation condition's species overrides set
    /// re-initialized. Each preequilibration's steady state is computed
    /// once and kept in `steady` for the other runs that start from it.
    pub(super) fn run_initial_state(
        &self,
        pre: Option<(usize, &Import)>,
        sim: usize,
        import: &Import,
        method: Method,
        options: &Options,
        steady: &mut HashMap<usize, Vec<f64>>,
    ) -> Result<Vec<f64>> {
        let model = &import.model;
        let y0 = model.initial_state();
        let Some((pre, pre_import)) = pre else {
            return Ok(y0);
        };
        let steady = match steady.entry(pre) {
            std::collections::hash_map::Entry::Occupied(e) => e.get().clone(),
            std::collections::hash_map::Entry::Vacant(e) => {
                let pre_model = &pre_import.model;
                let (_, y) = pre_model
                    .steady_state(pre_model.initial_time(), &pre_model.initial_state(), method, options)
                    .map_err(|e| in_condition(e, &self.conditions[pre].id, "preequilibration"))?;
                e.insert(y).clone()
            }
        };
        if steady.len() != y0.len() {
            return Err(SaspError::unsupported(
                "conditions whose models differ in their states",
                format!("preequilibration '{}'", self.conditions[pre].id),
            ));
        }
        // The simulation condition's species overrides re-initialize their states.
        let mut y = steady;
        for i in self.reinitialized(sim, import) {
            y[i] = y0[i];
        }
        Ok(y)
    }

    /// The simulation table of an evaluation (PEtab's format, with the
    /// noise σ and the residual added): one tab-separated row per
    /// measurement, in the measurement table's order.
    pub fn simulation_table(&self, evaluation: &Evaluation) -> String {
        let mut out = String::from(
            "observableId\tpreequilibrationConditionId\tsimulationConditionId\ttime\tmeasurement\tsimulation\tsigma\tresidual\n",
        );
        for s in &evaluation.simulated {
            let m = &self.measurements[s.measurement];
            let pre = m.preequilibration.map_or("", |c| self.conditions[c].id.as_str());
            out.push_str(&format!(
                "{}\t{pre}\t{}\t{}\t{}\t{}\t{}\t{}\n",
                self.observables[m.observable].id,
                self.conditions[m.simulation].id,
                m.time,
                m.value,
                s.simulation,
                s.sigma,
                s.residual
            ));
        }
        out
    }

    /// The measurements (indices) of each pair of preequilibration and
    /// simulation conditions: each pair is one run.
    pub(super) fn simulation_groups(&self) -> BTreeMap<(Option<usize>, usize), Vec<usize>> {
        let mut groups: BTreeMap<(Option<usize>, usize), Vec<usize>> = BTreeMap::new();
        for (k, m) in self.measurements.iter().enumerate() {
            groups.entry((m.preequilibration, m.simulation)).or_default().push(k);
        }
        groups
    }

    /// The distinct finite times of measurements `members`, increasing.
    pub(super) fn finite_times(&self, members: &[usize]) -> Vec<f64> {
        let mut times: Vec<f64> =
            members.iter().map(|&k| self.measurements[k].time).filter(|t| t.is_finite()).collect();
        times.sort_by(f64::total_cmp);
        times.dedup();
        times
    }

    /// The simulated value (linear scale) of measurement `m`'s observable,
    /// with its observable parameters, at the state `y` at time `t` of its
    /// condition's model `import`.
    pub(super) fn observable_value(
        &self,
        m: &Measurement,
        import: &Import,
        t: f64,
        y: &[f64],
        values: &[f64],
    ) -> Result<f64> {
        let o = &self.observables[m.observable];
        Ok(o.formula.eval(
            &|name| match placeholder(name, "observableParameter", &o.id) {
                Some(n) => self.value_of(&m.observable_parameters[n - 1], values),
                None => self.model_or_table(name, import, t, y, values),
            },
            t,
        )?)
    }

    /// A measurement's override: a number, or a parameter's value.
    fn value_of(&self, v: &Value, values: &[f64]) -> Option<f64> {
        match v {
            Value::Number(x) => Some(*x),
            Value::Parameter(p) => self.parameter_index(p).map(|i| values[i]),
        }
    }

    /// A symbol of a formula: the model's value at `(t, y)`, else the
    /// parameter table's.
    fn model_or_table(&self, name: &str, import: &Import, t: f64, y: &[f64], values: &[f64]) -> Option<f64> {
        if self.is_model_symbol(name) {
            import.value(name, t, y).ok()
        } else {
            self.parameter_index(name).map(|i| values[i])
        }
    }

    /// Measurement `k` against the simulation `(t, y)` of its condition.
    pub(super) fn compare(
        &self,
        k: usize,
        m: &Measurement,
        import: &Import,
        t: f64,
        y: &[f64],
        values: &[f64],
    ) -> Result<Simulated> {
        let o = &self.observables[m.observable];
        let simulation = self.observable_value(m, import, t, y, values)?;
        let sigma = o.noise_formula.eval(
            &|name| match placeholder(name, "noiseParameter", &o.id) {
                Some(n) => self.value_of(&m.noise_parameters[n - 1], values),
                None if name == o.id => Some(simulation),
                None => self.model_or_table(name, import, t, y, values),
            },
            t,
        )?;
        self.compare_values(k, m, t, simulation, sigma)
    }

    /// [`Problem::compare`] from the observable's value `simulation` and
    /// its noise `sigma` at `t`, evaluated already.
    pub(super) fn compare_values(
        &self,
        k: usize,
        m: &Measurement,
        t: f64,
        simulation: f64,
        sigma: f64,
    ) -> Result<Simulated> {
        let o = &self.observables[m.observable];
        if !(sigma > 0.0 && sigma.is_finite()) {
            return Err(SaspError::InvalidOptions(format!(
                "observable '{}': the noise σ = {sigma} is not positive and finite",
                o.id
            )));
        }
        let (z_m, z_y, jacobian) = match o.transformation {
            Transformation::Lin => (m.value, simulation, 0.0),
            Transformation::Log => (m.value.ln(), simulation.ln(), m.value.ln()),
            Transformation::Log10 => (m.value.log10(), simulation.log10(), (m.value * std::f64::consts::LN_10).ln()),
        };
        if !z_y.is_finite() {
            return Err(SaspError::InvalidOptions(format!(
                "observable '{}' simulates to {simulation} at t = {t}, which its {:?} scale cannot take",
                o.id, o.transformation
            )));
        }
        let residual = (z_m - z_y) / sigma;
        let negative_llh = match o.noise {
            Noise::Normal => 0.5 * (2.0 * std::f64::consts::PI * sigma * sigma).ln() + 0.5 * residual * residual,
            Noise::Laplace => (2.0 * sigma).ln() + residual.abs(),
        } + jacobian;
        Ok(Simulated { measurement: k, simulation, sigma, residual, negative_llh })
    }

    /// The SBML document under condition `c` with parameter values
    /// `values`: parameters of the table set, then the condition's
    /// overrides (each replacing the initial assignment of its target).
    pub(super) fn condition_document(&self, c: usize, values: &[f64]) -> Result<Document> {
        let mut doc = self.document.clone();
        for (p, &v) in self.parameters.iter().zip(values) {
            if let Some(sp) = doc.parameters.iter_mut().find(|x| x.id == p.id) {
                sp.value = Some(v);
                doc.initial_assignments.retain(|a| a.symbol != p.id);
            }
        }
        let condition = &self.conditions[c];
        for (target, value) in &condition.overrides {
            let v = match value {
                Value::Number(x) => *x,
                Value::Parameter(p) => match self.parameter_index(p) {
                    Some(i) => values[i],
                    None => doc.parameters.iter().find(|x| &x.id == p).and_then(|x| x.value).ok_or_else(|| {
                        SaspError::InvalidOptions(format!("condition '{}': '{p}' has no value", condition.id))
                    })?,
                },
            };
            if v.is_nan() {
                continue;
            }
            if doc.rules.iter().any(|r| matches!(r, Rule::Assignment { variable, .. } if variable == target)) {
                return Err(SaspError::unsupported(
                    "a condition override of an entity set by an assignment rule",
                    format!("'{target}' in condition '{}'", condition.id),
                ));
            }
            doc.initial_assignments.retain(|a| &a.symbol != target);
            if let Some(p) = doc.parameters.iter_mut().find(|x| &x.id == target) {
                p.value = Some(v);
            } else if let Some(s) = doc.species.iter_mut().find(|x| &x.id == target) {
                if s.has_only_substance_units {
                    (s.initial_amount, s.initial_concentration) = (Some(v), None);
                } else {
                    (s.initial_amount, s.initial_concentration) = (None, Some(v));
                }
            } else if let Some(comp) = doc.compartments.iter_mut().find(|x| &x.id == target) {
                comp.size = Some(v);
            } else {
                return Err(SaspError::unsupported(
                    "a condition override of an entity other than a parameter, species or compartment",
                    format!("'{target}' in condition '{}'", condition.id),
                ));
            }
        }
        Ok(doc)
    }
}

/// `e` as a failure of condition `id` in its `phase`.
pub(super) fn in_condition(e: SaspError, id: &str, phase: &str) -> SaspError {
    e.in_arm(&format!("{phase} of condition {id}"))
}
