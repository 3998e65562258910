//! The gradient of a PEtab problem's log-likelihood by forward or adjoint
//! sensitivities.
//!
//! Every estimated parameter that the model reads — a parameter of the SBML
//! model, or the value a condition gives a model entity — becomes a
//! sensitivity direction ([`Import::with_sensitivities`]): the states'
//! sensitivities `sₖ = ∂y/∂θₖ` are integrated with them
//! ([`crate::solve::sensitivity`]), through preequilibration (the steady
//! state's sensitivities carried into the simulation, those of re-initialized
//! species reset) and to steady state for `inf` times. Each measurement's
//! simulation `h` and noise `σ` are differentiated symbolically in the
//! symbols they read; a model symbol's derivative is `∇_y v · sₖ`, a
//! parameter's (placeholder or table) is 1 for itself. With the residual
//! `r = (z(m) − z(h))/σ` (`z` the observable's transformation),
//!
//! ```text
//! dr = −z'(h) dh/σ − r dσ/σ
//! d(−log L) = Σ dσ/σ + r dr          (normal)
//!           = Σ dσ/σ + sign(r) dr    (Laplace)
//! ```
//!
//! and on a parameter's own scale `∂/∂ξ = ∂/∂θ · dθ/dξ` with `dθ/dξ` = 1,
//! `θ` or `θ ln 10` for `lin`, `log`, `log10`.
//!
//! By adjoints ([`Sensitivities::Adjoint`]) no `sₖ` is integrated: each
//! measurement's `d(−log L)` in the states at its time, `∂/∂y(t)`, is the
//! jump of the adjoint `λ` there ([`crate::solve::adjoint`]), and one
//! backward solve per condition gives `λ(t₀)`; a seed's share is then
//! `λ(t₀) · s₀ₖ`, with `s₀ₖ = ∂y₀/∂θₖ` (after a preequilibration, its steady
//! state's sensitivities, computed forward).

use super::likelihood::{in_condition, Evaluation};
use super::{placeholder, Problem, Scale, Transformation, Value};
use crate::error::{Result, SaspError};
use crate::expr::{Expr, ExprError, Tape};
use crate::sbml::read::{Document, InitialAssignment, SbmlParameter};
use crate::sbml::Import;
use crate::solve::{Method, Options};
use std::collections::HashMap;

/// The log-likelihood and its gradient at one parameter vector.
#[derive(Clone, Debug, PartialEq)]
pub struct Gradient {
    /// The likelihood (from the same run as the gradient).
    pub evaluation: Evaluation,
    /// The estimated parameters: indices into [`Problem::parameters`].
    pub parameters: Vec<usize>,
    /// `∂ log L/∂ξ` for each of [`Gradient::parameters`], `ξ` the parameter
    /// on its own scale.
    pub gradient: Vec<f64>,
    /// The Fisher information of the data for [`Gradient::parameters`] on
    /// their scales, row-major: `Σ aaᵀ + c·bbᵀ` over the measurements with
    /// `a = z'(h)∇h/σ`, `b = ∇σ/σ` and `c` = 2 (normal) or 1 (Laplace) —
    /// the expected Hessian of `−log L`, the Gauss–Newton matrix of a fit.
    pub fisher: Vec<f64>,
}

/// A formula's symbols, each with the formula's derivative by it: as
/// expressions, and compiled into one tape whose variable `k` is symbol
/// `k`'s value, whose root `k` is `∂e/∂symbol_k` and whose last root is
/// `e` itself (no tape when the formula reads what a tape does not
/// compile, a call or a delay: the expressions then evaluate, and report
/// what they cannot).
struct Partials {
    list: Vec<(String, Expr)>,
    tape: Option<Tape>,
}

impl Partials {
    /// The partial derivatives of `e`.
    fn of(e: &Expr) -> Result<Partials> {
        let list: Vec<(String, Expr)> =
            e.symbols().iter().map(|v| Ok((v.to_string(), e.diff(v)?))).collect::<Result<_>>()?;
        let roots: Vec<Expr> = list.iter().map(|(_, d)| d.clone()).chain(std::iter::once(e.clone())).collect();
        let tape = Tape::compile(&roots, |v| list.iter().position(|(name, _)| name == v)).ok();
        Ok(Partials { list, tape })
    }

    /// Each partial at time `t`, the symbols' values `resolved` (in the
    /// list's order; `None` where a symbol has none), into `out`; returns
    /// the formula's value where the tape gave it (every symbol has a
    /// value). `scratch` holds the tape's variables and registers.
    fn values(
        &self,
        resolved: &[Option<f64>],
        t: f64,
        scratch: &mut (Vec<f64>, Vec<f64>),
        out: &mut Vec<f64>,
    ) -> std::result::Result<Option<f64>, ExprError> {
        out.clear();
        let (vars, regs) = scratch;
        match &self.tape {
            Some(tape) if resolved.iter().all(Option::is_some) => {
                vars.clear();
                vars.extend(resolved.iter().flatten());
                regs.resize(regs.len().max(tape.register_count()), 0.0);
                tape.eval_in(vars, t, regs);
                out.extend((0..self.list.len()).map(|k| tape.root_in(regs, k)));
                Ok(Some(tape.root_in(regs, self.list.len())))
            }
            _ => {
                let lookup = |v: &str| self.list.iter().position(|(name, _)| name == v).and_then(|i| resolved[i]);
                for (_, partial) in &self.list {
                    out.push(partial.eval(&lookup, t)?);
                }
                Ok(None)
            }
        }
    }
}

/// How [`Problem::gradient_by`] differentiates the simulations.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Sensitivities {
    /// Forward sensitivities (one direction per parameter the model reads):
    /// the gradient and the Fisher information.
    #[default]
    Forward,
    /// Adjoint sensitivities (one backward solve per condition whatever the
    /// number of parameters; [`crate::solve::adjoint`]): the gradient
    /// alone; through events and switching rates the adjoint jumps where
    /// the forward sensitivities do ([`crate::model::adjoint`]). Steady
    /// states (a preequilibration's, and those `inf` measurements read,
    /// reached from the simulation's start) are differentiated by forward
    /// sensitivities.
    Adjoint,
}

impl Problem {
    /// The log-likelihood at `values` (one per row of the parameter table,
    /// linear scale) and its gradient with respect to the estimated
    /// parameters on their scales, by forward sensitivities (BDF at
    /// `options`), with the Fisher information.
    pub fn gradient(&self, values: &[f64], options: &Options) -> Result<Gradient> {
        self.gradient_by(values, options, Sensitivities::Forward)
    }

    /// [`Problem::gradient`] by forward or adjoint sensitivities; by
    /// adjoints [`Gradient::fisher`] is empty (the adjoint gives the
    /// gradient alone) and each simulation runs by Rodas5P, as
    /// [`Problem::evaluate`]'s do, its adjoint backward by BDF. Each call
    /// imports the models anew: for many parameter vectors, as a fit
    /// evaluates, [`Problem::prepare`] once and [`Prepared::gradient_by`].
    pub fn gradient_by(&self, values: &[f64], options: &Options, by: Sensitivities) -> Result<Gradient> {
        self.prepare()?.gradient_by(values, options, by)
    }

    /// The problem ready for gradients at many parameter vectors: each
    /// condition's model is imported for sensitivities at the first
    /// vector and kept while the values of the parameters it holds as
    /// numbers (those not estimated) stay the same; at each vector only the
    /// initial state is computed anew ([`Import::initial_state_at`]).
    pub fn prepare(&self) -> Result<Prepared<'_>> {
        let seeds = self.sensitivity_seeds();
        let seed_index: Vec<usize> = seeds.iter().filter_map(|s| self.parameter_index(s)).collect();
        let partials = self
            .observables
            .iter()
            .map(|o| Ok((Partials::of(&o.formula)?, Partials::of(&o.noise_formula)?)))
            .collect::<Result<_>>()?;
        // The rows whose values the documents hold as numbers.
        let fixed_rows = (0..self.parameters.len())
            .filter(|i| !seed_index.contains(i))
            .filter(|&i| {
                let id = &self.parameters[i].id;
                self.document.parameters.iter().any(|p| &p.id == id)
                    || self
                        .conditions
                        .iter()
                        .any(|c| c.overrides.iter().any(|(_, v)| matches!(v, Value::Parameter(x) if x == id)))
            })
            .collect();
        Ok(Prepared {
            problem: self,
            seeds,
            seed_index,
            partials,
            fixed_rows,
            fixed: Vec::new(),
            imports: HashMap::new(),
            imported: 0,
        })
    }
}

/// A [`Problem`] ready for gradients at many parameter vectors
/// ([`Problem::prepare`]): the models of its conditions imported once.
pub struct Prepared<'p> {
    problem: &'p Problem,
    /// The estimated parameters the models read, and their rows.
    seeds: Vec<String>,
    seed_index: Vec<usize>,
    /// Each observable's formula's and noise formula's partial derivatives.
    partials: Vec<(Partials, Partials)>,
    /// The rows (not seeds) whose values the imported documents hold, and
    /// those values (bits) when `imports` were made.
    fixed_rows: Vec<usize>,
    fixed: Vec<u64>,
    /// Each condition's model, imported with the seeds as states.
    imports: HashMap<usize, Import>,
    /// Models imported so far.
    imported: usize,
}

impl Prepared<'_> {
    /// How many condition models it has imported so far (each condition
    /// once, again after a parameter it holds as a number changed).
    pub fn imported(&self) -> usize {
        self.imported
    }

    /// [`Problem::gradient_by`] with the models imported for an earlier
    /// call reused: the same numbers as a call on the problem (the models
    /// hold no value that depends on the estimated parameters other than
    /// through the initial state, [`Import::initial_state_at`]).
    pub fn gradient_by(&mut self, values: &[f64], options: &Options, by: Sensitivities) -> Result<Gradient> {
        let problem = self.problem;
        if values.len() != problem.parameters.len() {
            return Err(SaspError::DimensionMismatch {
                what: "parameter values",
                expected: problem.parameters.len(),
                found: values.len(),
            });
        }
        let fixed: Vec<u64> = self.fixed_rows.iter().map(|&i| values[i].to_bits()).collect();
        if fixed != self.fixed {
            self.imports.clear();
            self.fixed = fixed;
        }
        let estimated: Vec<usize> = (0..problem.parameters.len()).filter(|&i| problem.parameters[i].estimate).collect();
        let (seeds, seed_index, partials) = (&self.seeds, &self.seed_index, &self.partials);
        let q: Vec<f64> = seed_index.iter().map(|&i| values[i]).collect();
        let (imports, imported) = (&mut self.imports, &mut self.imported);
        let groups = problem.simulation_groups();
        // Each preequilibration's steady state and sensitivities, computed once.
        let mut preequilibrated: HashMap<usize, (Vec<f64>, Vec<Vec<f64>>)> = HashMap::new();
        let mut simulated = vec![None; problem.measurements.len()];
        let rows = problem.parameters.len();
        // ∂(−log L)/∂θ on the linear scale, over all rows of the parameter table.
        let mut d_nllh = vec![0.0; rows];
        let p = estimated.len();
        let mut fisher = vec![0.0; if by == Sensitivities::Forward { p * p } else { 0 }];
        let (mut a, mut b) = (vec![0.0; p], vec![0.0; p]);
        // At one measurement: a formula's symbols' values, its partials'
        // values, and their tape's scratch (reused from one to the next).
        let (mut resolved, mut partial, mut scratch) = (Vec::new(), Vec::new(), (Vec::new(), Vec::new()));
        for ((pre, sim), members) in &groups {
            for c in pre.iter().chain(std::iter::once(sim)) {
                if !imports.contains_key(c) {
                    imports.insert(*c, problem.sensitivity_import(*c, values, seeds)?);
                    *imported += 1;
                }
            }
            let import = &imports[sim];
            let model = &import.model;
            let n = model.dimension();
            let t0 = model.initial_time();
            let (mut y0, mut s0) = import.initial_state_at(&q)?;
            if let Some(pre) = pre {
                let (mut y, mut s) = match preequilibrated.entry(*pre) {
                    std::collections::hash_map::Entry::Occupied(e) => e.get().clone(),
                    std::collections::hash_map::Entry::Vacant(e) => {
                        let pre_import = &imports[pre];
                        let pre_model = &pre_import.model;
                        let (pre_y0, pre_s0) = pre_import.initial_state_at(&q)?;
                        let (_, y, s) = pre_model
                            .steady_state_sensitivities(
                                pre_model.initial_time(),
                                &pre_y0,
                                &pre_s0,
                                pre_import.zero_rate_states(),
                                options,
                            )
                            .map_err(|e| in_condition(e, &problem.conditions[*pre].id, "preequilibration"))?;
                        e.insert((y, s)).clone()
                    }
                };
                if y.len() != y0.len() {
                    return Err(SaspError::unsupported(
                        "conditions whose models differ in their states",
                        format!("preequilibration '{}'", problem.conditions[*pre].id),
                    ));
                }
                for i in problem.reinitialized(*sim, import) {
                    y[i] = y0[i];
                    for (sk, s0k) in s.iter_mut().zip(&s0) {
                        sk[i] = s0k[i];
                    }
                }
                (y0, s0) = (y, s);
            }
            let times = problem.finite_times(members);
            let context = |e: SaspError| in_condition(e, &problem.conditions[*sim].id, "simulation");
            let steady_state = members.iter().any(|&k| problem.measurements[k].time.is_infinite());
            let run = match by {
                _ if times.is_empty() => Run::None,
                Sensitivities::Forward => Run::Forward(
                    model
                        .sensitivities_from(t0, &y0, &s0, &times, import.zero_rate_states(), options)
                        .map_err(context)?,
                ),
                Sensitivities::Adjoint => Run::Adjoint(Box::new(
                    model
                        .adjoint_run(t0, &y0, &times, import.zero_rate_states(), Method::Rodas5p, options)
                        .map_err(context)?,
                )),
            };
            // By adjoints: the jump of λ at each measurement time.
            let mut jumps = vec![vec![0.0; if matches!(run, Run::Adjoint(_)) { n } else { 0 }]; times.len()];
            let mut steady = None;
            if steady_state {
                let (t, y, s) = match &run {
                    Run::Forward(r) => (r.t[r.t.len() - 1], &r.y[r.y.len() - 1], &r.s[r.s.len() - 1]),
                    _ => (t0, &y0, &s0),
                };
                steady = Some(
                    model.steady_state_sensitivities(t, y, s, import.zero_rate_states(), options).map_err(context)?,
                );
            }
            let mut gradient_y = vec![0.0; n];
            // d(symbol)/d(θ, y(t)): the parameter table's rows, then the states.
            let mut dh = vec![0.0; rows + n];
            let mut dsigma = vec![0.0; rows + n];
            let mut d = vec![0.0; rows + n];
            for &k in members {
                let m = &problem.measurements[k];
                let j = times.partition_point(|&x| x < m.time);
                let (t, y, s) = match (&steady, &run) {
                    (Some((t, y, s)), _) if m.time.is_infinite() => (*t, &y[..], Some(&s[..])),
                    (_, Run::Forward(r)) if m.time.is_finite() && r.t.len() == times.len() => {
                        (m.time, &r.y[j][..], Some(&r.s[j][..]))
                    }
                    (_, Run::Adjoint(r)) if m.time.is_finite() && r.t.len() == times.len() => {
                        (m.time, &r.y[j][..], None)
                    }
                    _ => {
                        return Err(SaspError::InvalidOptions(format!(
                            "condition '{}' has no simulation at time {}",
                            problem.conditions[*sim].id, m.time
                        )))
                    }
                };
                let at = |e: SaspError| e.at_line(&m.source.0, m.source.1);
                let o = &problem.observables[m.observable];
                // d(symbol) into `d`: 1 for a parameter's row, `∇_y v` for a model symbol.
                let mut symbol_derivative = |name: &str, parameters: &[Value], prefix: &str, d: &mut [f64]| {
                    d.iter_mut().for_each(|v| *v = 0.0);
                    let row = match placeholder(name, prefix, &o.id) {
                        Some(n) => match &parameters[n - 1] {
                            Value::Parameter(p) => problem.parameter_index(p),
                            Value::Number(_) => None,
                        },
                        None if problem.is_model_symbol(name) => {
                            import.value_gradient(name, t, y, &mut gradient_y)?;
                            d[rows..].copy_from_slice(&gradient_y);
                            None
                        }
                        None => problem.parameter_index(name),
                    };
                    if let Some(row) = row {
                        d[row] = 1.0;
                    }
                    Ok::<(), SaspError>(())
                };
                let value_of = |v: &Value| match v {
                    Value::Number(x) => Some(*x),
                    Value::Parameter(p) => problem.parameter_index(p).map(|i| values[i]),
                };
                let lookup = |name: &str, parameters: &[Value], prefix: &str, h: Option<f64>| match placeholder(
                    name, prefix, &o.id,
                ) {
                    Some(n) => value_of(&parameters[n - 1]),
                    None if name == o.id => h,
                    None if problem.is_model_symbol(name) => import.value(name, t, y).ok(),
                    None => problem.parameter_index(name).map(|i| values[i]),
                };
                let (formula_partials, noise_partials) = &partials[m.observable];
                // Each symbol a formula reads, resolved once for all its partials.
                let resolve = |list: &Partials, parameters: &[Value], prefix: &str, h, into: &mut Vec<Option<f64>>| {
                    into.clear();
                    into.extend(list.list.iter().map(|(name, _)| lookup(name, parameters, prefix, h)));
                };
                // The observable's value and noise from the partials' tapes
                // where they evaluate, else from the formulas' trees.
                let mut result = None;
                let (parameters, prefix) = (&m.observable_parameters, "observableParameter");
                resolve(formula_partials, parameters, prefix, None, &mut resolved);
                let h = match formula_partials
                    .values(&resolved, t, &mut scratch, &mut partial)
                    .map_err(|e| at(e.into()))?
                {
                    Some(h) => h,
                    None => result.insert(problem.compare(k, m, import, t, y, values).map_err(at)?).simulation,
                };
                dh.iter_mut().for_each(|v| *v = 0.0);
                for ((name, _), &p) in formula_partials.list.iter().zip(&partial) {
                    if p != 0.0 {
                        symbol_derivative(name, parameters, prefix, &mut d).map_err(at)?;
                        dh.iter_mut().zip(&d).for_each(|(a, b)| *a += p * b);
                    }
                }
                let (parameters, prefix) = (&m.noise_parameters, "noiseParameter");
                resolve(noise_partials, parameters, prefix, Some(h), &mut resolved);
                let sigma =
                    noise_partials.values(&resolved, t, &mut scratch, &mut partial).map_err(|e| at(e.into()))?;
                let result = match (result, sigma) {
                    (Some(result), _) => result,
                    (None, Some(sigma)) => problem.compare_values(k, m, t, h, sigma).map_err(at)?,
                    (None, None) => problem.compare(k, m, import, t, y, values).map_err(at)?,
                };
                dsigma.iter_mut().for_each(|v| *v = 0.0);
                for ((name, _), &p) in noise_partials.list.iter().zip(&partial) {
                    if p == 0.0 {
                        continue;
                    }
                    if name == &o.id {
                        dsigma.iter_mut().zip(&dh).for_each(|(a, b)| *a += p * b);
                    } else {
                        symbol_derivative(name, parameters, prefix, &mut d).map_err(at)?;
                        dsigma.iter_mut().zip(&d).for_each(|(a, b)| *a += p * b);
                    }
                }
                let h = result.simulation;
                let dz = match o.transformation {
                    Transformation::Lin => 1.0,
                    Transformation::Log => 1.0 / h,
                    Transformation::Log10 => 1.0 / (h * std::f64::consts::LN_10),
                };
                let (r, sigma) = (result.residual, result.sigma);
                let weight = match o.noise {
                    super::Noise::Normal => r,
                    super::Noise::Laplace => r.signum(),
                };
                // d(−log L) = Σ dσ/σ + weight·dr with dr = −z'(h) dh/σ − r dσ/σ.
                let (alpha, beta) = (-weight * dz / sigma, (1.0 - weight * r) / sigma);
                // Forward: dh and dσ in θ alone (through sₖ); by adjoints
                // their states' part makes the jump of λ at t.
                let width = if let Some(s) = s {
                    project(&mut dh, rows, s, seed_index);
                    project(&mut dsigma, rows, s, seed_index);
                    rows
                } else {
                    rows + n
                };
                d[..width].iter_mut().zip(dh.iter().zip(&dsigma)).for_each(|(c, (h, s))| *c = alpha * h + beta * s);
                add(&mut d_nllh, &d[..rows]);
                match s {
                    None => add(&mut jumps[j], &d[rows..]),
                    Some(_) => {
                        for (&i, (ak, bk)) in estimated.iter().zip(a.iter_mut().zip(b.iter_mut())) {
                            *ak = dz * dh[i] / sigma;
                            *bk = dsigma[i] / sigma;
                        }
                        let c = match o.noise {
                            super::Noise::Normal => 2.0,
                            super::Noise::Laplace => 1.0,
                        };
                        for (row, (&ai, &bi)) in fisher.chunks_exact_mut(p.max(1)).zip(a.iter().zip(&b)) {
                            if ai != 0.0 || bi != 0.0 {
                                for (f, (&aj, &bj)) in row.iter_mut().zip(a.iter().zip(&b)) {
                                    *f += ai * aj + c * bi * bj;
                                }
                            }
                        }
                    }
                }
                simulated[k] = Some(result);
            }
            if let (Run::Adjoint(r), false) = (&run, seed_index.is_empty()) {
                // ∂(−log L)/∂θₖ through the states: λ(t₀) · s₀ₖ.
                let lambda = r.adjoint(&jumps, options).map_err(context)?;
                for (sk, &row) in s0.iter().zip(seed_index) {
                    d_nllh[row] += lambda.iter().zip(sk).map(|(l, s)| l * s).sum::<f64>();
                }
            }
        }
        let simulated: Vec<_> = simulated.into_iter().flatten().collect();
        let llh = -simulated.iter().map(|s: &super::likelihood::Simulated| s.negative_llh).sum::<f64>();
        let chi2 = simulated.iter().map(|s| s.residual * s.residual).sum();
        let evaluation = Evaluation { llh, chi2, n_data: simulated.len(), simulated };
        // dθ/dξ of each estimated parameter.
        let chain: Vec<f64> = estimated
            .iter()
            .map(|&i| match problem.parameters[i].scale {
                Scale::Lin => 1.0,
                Scale::Log => values[i],
                Scale::Log10 => values[i] * std::f64::consts::LN_10,
            })
            .collect();
        let gradient = estimated.iter().zip(&chain).map(|(&i, c)| -d_nllh[i] * c).collect();
        for (row, ci) in fisher.chunks_exact_mut(p.max(1)).zip(&chain) {
            for (f, cj) in row.iter_mut().zip(&chain) {
                *f *= ci * cj;
            }
        }
        Ok(Gradient { evaluation, parameters: estimated, gradient, fisher })
    }
}

impl Problem {
    /// The states of the first simulation's model as the gradient imports
    /// it at the nominal values (the model's states and the parameters it
    /// reads, declared states with zero rate): with the number of
    /// estimated parameters, what decides whether forward or adjoint
    /// sensitivities are cheaper.
    pub fn sensitivity_states(&self) -> Result<usize> {
        let Some(((_, sim), _)) = self.simulation_groups().into_iter().next() else { return Ok(0) };
        Ok(self.sensitivity_import(sim, &self.nominal_values()?, &self.sensitivity_seeds())?.model.dimension())
    }

    /// The model of condition `c` at `values` imported with `seeds` as
    /// states of zero rate ([`Import::with_sensitivities`]).
    fn sensitivity_import(&self, c: usize, values: &[f64], seeds: &[String]) -> Result<Import> {
        let doc = self.sensitivity_document(c, values, seeds)?;
        let source = format!("{} under condition '{}'", self.sbml_path.display(), self.conditions[c].id);
        Import::with_sensitivities(&doc, &source, seeds)
    }

    /// The estimated parameters the model reads: parameters of the SBML
    /// model and values of condition overrides.
    fn sensitivity_seeds(&self) -> Vec<String> {
        let mut seeds: Vec<String> = Vec::new();
        for p in self.parameters.iter().filter(|p| p.estimate) {
            let in_model = self.document.parameters.iter().any(|x| x.id == p.id);
            let in_conditions = self
                .conditions
                .iter()
                .any(|c| c.overrides.iter().any(|(_, v)| matches!(v, Value::Parameter(x) if x == &p.id)));
            if in_model || in_conditions {
                seeds.push(p.id.clone());
            }
        }
        seeds
    }

    /// The document of condition `c` at `values` for sensitivities: every
    /// seed a parameter of it, and every override by an estimated parameter
    /// an initial assignment of it (so that the dependence is kept).
    fn sensitivity_document(&self, c: usize, values: &[f64], seeds: &[String]) -> Result<Document> {
        let mut doc = self.condition_document(c, values)?;
        let condition = &self.conditions[c];
        for (target, value) in &condition.overrides {
            if seeds.contains(target) && value != &Value::Parameter(target.clone()) {
                return Err(SaspError::unsupported(
                    "a condition override of an estimated parameter (for its sensitivities)",
                    format!("'{target}' in condition '{}'", condition.id),
                ));
            }
        }
        for q in seeds {
            if !doc.parameters.iter().any(|p| &p.id == q) {
                let i = self.parameter_index(q).unwrap_or_default();
                doc.parameters.push(SbmlParameter { id: q.clone(), value: Some(values[i]), constant: true });
            }
        }
        for (target, value) in &condition.overrides {
            if let Value::Parameter(p) = value {
                if seeds.contains(p) && p != target {
                    doc.initial_assignments.push(InitialAssignment { symbol: target.clone(), math: Expr::var(p) });
                }
            }
        }
        Ok(doc)
    }

    /// States of the simulation condition `sim` that its species overrides
    /// re-initialize after preequilibration.
    pub(super) fn reinitialized(&self, sim: usize, import: &Import) -> Vec<usize> {
        self.conditions[sim]
            .overrides
            .iter()
            .filter(|(target, v)| {
                self.document.species.iter().any(|s| &s.id == target) && !matches!(v, Value::Number(x) if x.is_nan())
            })
            .filter_map(|(target, _)| import.model.index_of(import.model_name(target)).ok())
            .collect()
    }
}

/// A condition's simulation for the gradient.
enum Run<'m> {
    /// No finite measurement time.
    None,
    /// States and sensitivities at the measurement times.
    Forward(crate::solve::sensitivity::SensitivitySolution),
    /// The recorded run (states at the measurement times).
    Adjoint(Box<crate::model::adjoint::AdjointRun<'m>>),
}

/// `d[..rows] += d[rows..] · sₖ` at each seed's row, and `d[rows..]` cleared:
/// a derivative in `(θ, y(t))` as one in `θ` alone (`sₖ = ∂y/∂θ` of seed
/// `k`). An observable reads few states: only their components are summed.
fn project(d: &mut [f64], rows: usize, s: &[Vec<f64>], seed_index: &[usize]) {
    let (theta, y) = d.split_at_mut(rows);
    for (i, yi) in y.iter_mut().enumerate() {
        if *yi != 0.0 {
            for (sk, &row) in s.iter().zip(seed_index) {
                theta[row] += *yi * sk[i];
            }
            *yi = 0.0;
        }
    }
}

fn add(to: &mut [f64], v: &[f64]) {
    to.iter_mut().zip(v).for_each(|(a, b)| *a += b);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The tape gives what the trees give (value and every partial, to
    /// rounding), and a symbol without a value is the trees' error.
    #[test]
    fn partials_by_tape_match_the_trees_and_a_missing_symbol_is_an_error() {
        let e = Expr::parse("scale * x^3 / (K + x^n) + offset * exp(-k * time) + piecewise(x, x > K, K)").unwrap();
        let partials = Partials::of(&e).unwrap();
        assert!(partials.tape.is_some());
        let value = |name: &str| match name {
            "scale" => Some(2.5),
            "x" => Some(1.7),
            "K" => Some(0.4),
            "n" => Some(1.3),
            "offset" => Some(0.2),
            "k" => Some(0.9),
            _ => None,
        };
        let resolved: Vec<Option<f64>> = partials.list.iter().map(|(name, _)| value(name)).collect();
        let (mut scratch, mut out) = ((Vec::new(), Vec::new()), Vec::new());
        let t = 0.6;
        let h = partials.values(&resolved, t, &mut scratch, &mut out).unwrap().unwrap();
        let by_tree = e.eval(&value, t).unwrap();
        assert!((h - by_tree).abs() <= 1e-14 * by_tree.abs(), "{h} vs {by_tree}");
        assert_eq!(out.len(), partials.list.len());
        for ((name, d), &p) in partials.list.iter().zip(&out) {
            let expected = d.eval(&value, t).unwrap();
            assert!((p - expected).abs() <= 1e-14 * expected.abs().max(1.0), "∂/∂{name}: {p} vs {expected}");
        }
        // ∂/∂x by central differences, against the tape's.
        let x = partials.list.iter().position(|(name, _)| name == "x").unwrap();
        let at = |v: f64| e.eval(&|name| if name == "x" { Some(v) } else { value(name) }, t).unwrap();
        let fd = (at(1.7 + 1e-6) - at(1.7 - 1e-6)) / 2e-6;
        assert!((out[x] - fd).abs() < 1e-7 * fd.abs(), "{} vs {fd}", out[x]);
        // Without K's value the trees evaluate, and name it.
        let missing: Vec<Option<f64>> =
            partials.list.iter().map(|(name, _)| if name == "K" { None } else { value(name) }).collect();
        let error = partials.values(&missing, t, &mut scratch, &mut out).unwrap_err();
        assert!(error.to_string().contains('K'), "{error}");
    }
}
