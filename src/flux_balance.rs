//! Flux balance analysis: the best steady state a reaction network's
//! stoichiometry and flux bounds allow, a linear program.
//!
//! For reactions `j` with fluxes `v_j`, metabolites `i` and stoichiometry
//! `S_ij` (what one unit of flux `j` adds to metabolite `i`),
//!
//! ```text
//! maximize (or minimize)  z = Σ_j c_j v_j
//! subject to              Σ_j S_ij v_j = 0   for every metabolite i   (steady state)
//!                         l_j ≤ v_j ≤ u_j    for every reaction j      (flux bounds)
//! ```
//!
//! Bounds may be infinite. The outcome is an optimal flux distribution, or
//! the finding that no flux satisfies the constraints
//! ([`FluxOutcome::Infeasible`]) or that the objective has no finite
//! optimum ([`FluxOutcome::Unbounded`]).
//!
//! An optimum's fluxes need not be unique: a network with alternative routes
//! reaches the same `z` through many distributions, and the solver returns
//! one vertex of that set. [`FluxBalance::flux_variability`] gives, for each
//! reaction, the range of fluxes over all distributions whose objective is
//! within a fraction of the optimum (flux variability analysis, Mahadevan &
//! Schilling, Metab. Eng. 5:264, 2003): a reaction whose range is a point is
//! determined by the optimum.
//!
//! ```
//! use sasp::flux_balance::{FluxBalance, FluxOutcome, Sense};
//!
//! // Uptake → A, A → B by two routes, B → biomass; uptake at most 10.
//! let mut fba = FluxBalance::new();
//! fba.add_reaction("uptake", &[("A", 1.0)], 0.0, 10.0)?;
//! fba.add_reaction("route1", &[("A", -1.0), ("B", 1.0)], 0.0, f64::INFINITY)?;
//! fba.add_reaction("route2", &[("A", -2.0), ("B", 1.0)], 0.0, f64::INFINITY)?;
//! fba.add_reaction("growth", &[("B", -1.0)], 0.0, f64::INFINITY)?;
//! fba.set_objective("biomass", Sense::Maximize, &[("growth", 1.0)])?;
//! let FluxOutcome::Optimal(best) = fba.solve()? else { panic!("feasible and bounded") };
//! assert!((best.objective - 10.0).abs() < 1e-9);        // all of A by the cheaper route
//! assert_eq!(best.value("biomass"), Some(best.objective));
//! assert!((best.flux("route1").unwrap() - 10.0).abs() < 1e-9);
//! # Ok::<(), sasp::SaspError>(())
//! ```
//!
//! The linear programs are solved by [`microlp`] (a maintained pure-Rust
//! bounded-variable simplex method with sparse LU factors, the fork of
//! `minilp` that `good_lp` uses): a hand-written dense simplex would not
//! serve genome-scale networks (thousands of reactions), and the native
//! solvers (GLPK, HiGHS, CPLEX) would put a C/C++ build into every user's
//! dependency graph. Every solution it returns is checked here: the steady
//! state to [`FEASIBILITY_TOLERANCE`] relative to the largest flux, every
//! bound likewise; a solution that fails the check, or a panic inside the
//! solver, is an error ([`SaspError::LinearProgram`]) rather than a number.

use std::collections::HashMap;

use crate::error::{ModelError, Result, SaspError};
use crate::model::Model;

/// Most reactions (variables) a problem may have (2²⁰).
pub const MAX_REACTIONS: usize = 1 << 20;

/// Largest violation of the steady state or of a bound a returned solution
/// may have, relative to `1 + max_j |v_j|`.
pub const FEASIBILITY_TOLERANCE: f64 = 1e-7;

/// Largest `metabolites × free fluxes` matrix the polish of a solution
/// factors (250 000 entries, an SVD of some tens of milliseconds); larger problems keep
/// the solver's solution as it is.
pub const MAX_POLISH_ENTRIES: usize = 250_000;

/// Whether the objective is maximized or minimized.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sense {
    /// Largest `z`.
    Maximize,
    /// Smallest `z`.
    Minimize,
}

/// A flux balance problem: reactions with their stoichiometry and bounds,
/// and an objective (see the [module documentation](self)).
#[derive(Clone, Debug, Default)]
pub struct FluxBalance {
    reactions: Vec<String>,
    reaction_index: HashMap<String, usize>,
    metabolites: Vec<String>,
    metabolite_index: HashMap<String, usize>,
    /// The stoichiometry by reaction: `(metabolite, S_ij)`, one entry per
    /// metabolite, nonzero.
    columns: Vec<Vec<(usize, f64)>>,
    lower: Vec<f64>,
    upper: Vec<f64>,
    objective: Option<Objective>,
}

/// The objective `z = Σ_j c_j v_j`.
#[derive(Clone, Debug, PartialEq)]
struct Objective {
    name: String,
    sense: Sense,
    /// `(reaction, c_j)`, one entry per reaction.
    terms: Vec<(usize, f64)>,
}

/// An optimal flux distribution.
#[derive(Clone, Debug, PartialEq)]
pub struct FluxDistribution {
    /// The objective's name ([`FluxBalance::set_objective`]).
    pub objective_name: String,
    /// The optimal objective `z = Σ_j c_j v_j`.
    pub objective: f64,
    /// The reactions' names, in the problem's order.
    pub reactions: Vec<String>,
    /// The fluxes `v_j`, in the order of `reactions`.
    pub fluxes: Vec<f64>,
    /// The largest steady-state residual `max_i |Σ_j S_ij v_j|`.
    pub residual: f64,
}

impl FluxDistribution {
    /// The flux of the reaction `name`, `None` if the problem has none.
    pub fn flux(&self, name: &str) -> Option<f64> {
        self.reactions.iter().position(|r| r == name).map(|j| self.fluxes[j])
    }

    /// The value of `name`: the objective's value if `name` is the
    /// objective's, else the flux of the reaction `name`.
    pub fn value(&self, name: &str) -> Option<f64> {
        if name == self.objective_name {
            Some(self.objective)
        } else {
            self.flux(name)
        }
    }
}

/// What solving a flux balance problem found.
#[derive(Clone, Debug, PartialEq)]
pub enum FluxOutcome {
    /// An optimum (one of them, when the fluxes are not unique).
    Optimal(FluxDistribution),
    /// No flux satisfies the steady state and the bounds.
    Infeasible,
    /// The objective improves without limit.
    Unbounded,
}

/// The range of one reaction's flux over the near-optimal distributions
/// ([`FluxBalance::flux_variability`]).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FluxRange {
    /// The smallest flux (`−∞` when unbounded below).
    pub min: f64,
    /// The largest flux (`+∞` when unbounded above).
    pub max: f64,
}

fn invalid(item: impl Into<String>, reason: impl Into<String>) -> SaspError {
    ModelError::invalid(item, reason).into()
}

/// Checks a pair of flux bounds.
fn check_bounds(reaction: &str, lower: f64, upper: f64) -> Result<()> {
    let item = || format!("flux bounds of reaction '{reaction}'");
    if lower.is_nan() || upper.is_nan() {
        return Err(invalid(item(), "a bound is NaN"));
    }
    if lower == f64::INFINITY || upper == f64::NEG_INFINITY {
        return Err(invalid(item(), format!("[{lower}, {upper}] admits no finite flux")));
    }
    if lower > upper {
        return Err(invalid(item(), format!("the lower bound {lower} exceeds the upper bound {upper}")));
    }
    Ok(())
}

impl FluxBalance {
    /// An empty problem (no reactions, no objective).
    pub fn new() -> FluxBalance {
        FluxBalance::default()
    }

    /// The problem of a model's processes as reactions: each process's
    /// changes ([`Model::process_changes`]) as its stoichiometry over the
    /// model's compartments, its flux unbounded (set bounds with
    /// [`FluxBalance::set_bounds`]); no objective. The rate laws play no
    /// part: flux balance asks which fluxes the network can carry at steady
    /// state, not what its kinetics would give.
    ///
    /// # Errors
    ///
    /// As [`FluxBalance::add_reaction`] (more than [`MAX_REACTIONS`] processes).
    pub fn from_model(model: &Model) -> Result<FluxBalance> {
        let names: Vec<&str> = model.compartment_names().collect();
        let mut fba = FluxBalance::new();
        for (p, process) in model.process_names().enumerate() {
            let changes = model.process_changes(p).unwrap_or(&[]);
            let changes: Vec<(&str, f64)> = changes.iter().map(|&(i, nu)| (names[i], nu)).collect();
            fba.add_reaction(process, &changes, f64::NEG_INFINITY, f64::INFINITY)?;
        }
        Ok(fba)
    }

    /// Adds the reaction `name` with stoichiometry `changes` (`(metabolite,
    /// S_ij)`: one unit of flux adds `S_ij` to the metabolite; a metabolite
    /// listed twice changes by the sum; metabolites are declared by first
    /// use) and bounds `lower ≤ v ≤ upper` (infinite for no bound).
    ///
    /// # Errors
    ///
    /// [`ModelError::Invalid`] for an empty or repeated name, a
    /// stoichiometry that is not finite, a NaN bound, `lower > upper`, or
    /// bounds that admit no finite flux (`lower = +∞`, `upper = −∞`);
    /// [`SaspError::LimitExceeded`] past [`MAX_REACTIONS`].
    pub fn add_reaction(&mut self, name: &str, changes: &[(&str, f64)], lower: f64, upper: f64) -> Result<()> {
        if name.is_empty() {
            return Err(invalid("reaction", "the name is empty"));
        }
        if self.reaction_index.contains_key(name) {
            return Err(invalid(format!("reaction '{name}'"), "is declared twice"));
        }
        if self.reactions.len() >= MAX_REACTIONS {
            return Err(SaspError::LimitExceeded {
                what: "reactions in a flux balance problem",
                requested: (self.reactions.len() + 1) as f64,
                limit: MAX_REACTIONS,
                hint: format!("reaction '{name}'"),
            });
        }
        check_bounds(name, lower, upper)?;
        let mut column: Vec<(usize, f64)> = Vec::with_capacity(changes.len());
        for &(metabolite, nu) in changes {
            if !nu.is_finite() {
                return Err(invalid(format!("reaction '{name}'"), format!("stoichiometry {nu} of '{metabolite}'")));
            }
            let i = match self.metabolite_index.get(metabolite) {
                Some(&i) => i,
                None => {
                    self.metabolites.push(metabolite.to_string());
                    self.metabolite_index.insert(metabolite.to_string(), self.metabolites.len() - 1);
                    self.metabolites.len() - 1
                }
            };
            match column.iter_mut().find(|(k, _)| *k == i) {
                Some((_, sum)) => *sum += nu,
                None => column.push((i, nu)),
            }
        }
        column.retain(|&(_, nu)| nu != 0.0);
        self.reaction_index.insert(name.to_string(), self.reactions.len());
        self.reactions.push(name.to_string());
        self.columns.push(column);
        self.lower.push(lower);
        self.upper.push(upper);
        Ok(())
    }

    fn reaction(&self, name: &str) -> Result<usize> {
        self.reaction_index.get(name).copied().ok_or_else(|| invalid(format!("reaction '{name}'"), "is not declared"))
    }

    /// Sets the bounds `lower ≤ v ≤ upper` of the reaction `name`.
    ///
    /// # Errors
    ///
    /// [`ModelError::Invalid`] for an undeclared reaction or bounds
    /// [`FluxBalance::add_reaction`] refuses.
    pub fn set_bounds(&mut self, name: &str, lower: f64, upper: f64) -> Result<()> {
        let j = self.reaction(name)?;
        check_bounds(name, lower, upper)?;
        self.lower[j] = lower;
        self.upper[j] = upper;
        Ok(())
    }

    /// Narrows the bounds of the reaction `name` to their intersection with
    /// `[lower, upper]` (a model's several bounds on one flux). An empty
    /// intersection is allowed: the problem is then infeasible
    /// ([`FluxOutcome::Infeasible`]), as a model whose bounds exclude each
    /// other is.
    ///
    /// # Errors
    ///
    /// [`ModelError::Invalid`] for an undeclared reaction or a NaN bound.
    pub fn intersect_bounds(&mut self, name: &str, lower: f64, upper: f64) -> Result<()> {
        let j = self.reaction(name)?;
        if lower.is_nan() || upper.is_nan() {
            return Err(invalid(format!("flux bounds of reaction '{name}'"), "a bound is NaN"));
        }
        self.lower[j] = self.lower[j].max(lower);
        self.upper[j] = self.upper[j].min(upper);
        Ok(())
    }

    /// The bounds `(lower, upper)` of the reaction `name`.
    pub fn bounds(&self, name: &str) -> Option<(f64, f64)> {
        self.reaction_index.get(name).map(|&j| (self.lower[j], self.upper[j]))
    }

    /// Sets the objective `name`: `z = Σ c_j v_j` over `terms` (`(reaction,
    /// c_j)`; a reaction listed twice counts the sum), maximized or
    /// minimized. `name` is what [`FluxDistribution::value`] answers to.
    ///
    /// # Errors
    ///
    /// [`ModelError::Invalid`] for an undeclared reaction or a coefficient
    /// that is not finite.
    pub fn set_objective(&mut self, name: &str, sense: Sense, terms: &[(&str, f64)]) -> Result<()> {
        let mut sum: Vec<(usize, f64)> = Vec::with_capacity(terms.len());
        for &(reaction, c) in terms {
            let j = self.reaction(reaction)?;
            if !c.is_finite() {
                return Err(invalid(format!("objective '{name}'"), format!("coefficient {c} of '{reaction}'")));
            }
            match sum.iter_mut().find(|(k, _)| *k == j) {
                Some((_, s)) => *s += c,
                None => sum.push((j, c)),
            }
        }
        self.objective = Some(Objective { name: name.to_string(), sense, terms: sum });
        Ok(())
    }

    /// The reactions' names, in order.
    pub fn reaction_names(&self) -> impl Iterator<Item = &str> {
        self.reactions.iter().map(String::as_str)
    }

    /// The metabolites' names, in order of first use.
    pub fn metabolite_names(&self) -> impl Iterator<Item = &str> {
        self.metabolites.iter().map(String::as_str)
    }

    fn objective(&self) -> Result<&Objective> {
        self.objective.as_ref().ok_or_else(|| invalid("flux balance problem", "has no objective (set_objective)"))
    }

    /// Solves the problem.
    ///
    /// # Errors
    ///
    /// [`ModelError::Invalid`] without an objective;
    /// [`SaspError::LinearProgram`] when the solver fails or returns a
    /// solution that violates the constraints.
    pub fn solve(&self) -> Result<FluxOutcome> {
        let objective = self.objective()?;
        let c = self.coefficients(objective);
        match self.optimize(objective.sense, &c, None)? {
            Lp::Optimal(fluxes) => {
                let residual = self.check(&fluxes, None)?;
                let z = objective.terms.iter().map(|&(j, c)| c * fluxes[j]).sum();
                Ok(FluxOutcome::Optimal(FluxDistribution {
                    objective_name: objective.name.clone(),
                    objective: z,
                    reactions: self.reactions.clone(),
                    fluxes,
                    residual,
                }))
            }
            Lp::Infeasible => Ok(FluxOutcome::Infeasible),
            Lp::Unbounded => Ok(FluxOutcome::Unbounded),
        }
    }

    /// Flux variability: for every reaction, the smallest and largest flux
    /// over the distributions whose objective is within `(1 − fraction)·|z*|`
    /// of the optimum `z*` (`fraction = 1`: the optimal distributions
    /// alone; a slack of `1e-9·(1 + |z*|)` absorbs the optimum's rounding).
    /// Two linear programs per reaction.
    ///
    /// # Errors
    ///
    /// [`ModelError::Invalid`] for a `fraction` outside `[0, 1]` or a
    /// problem without an objective or without a finite optimum (infeasible
    /// or unbounded); [`SaspError::LinearProgram`] as [`FluxBalance::solve`].
    pub fn flux_variability(&self, fraction: f64) -> Result<Vec<FluxRange>> {
        if !(0.0..=1.0).contains(&fraction) {
            return Err(invalid(
                "flux variability",
                format!("the fraction of the optimum {fraction} is not in [0, 1]"),
            ));
        }
        let objective = self.objective()?;
        let best = match self.solve()? {
            FluxOutcome::Optimal(best) => best.objective,
            other => {
                let what = if other == FluxOutcome::Infeasible { "infeasible" } else { "unbounded" };
                return Err(invalid("flux variability", format!("the problem is {what}")));
            }
        };
        let slack = (1.0 - fraction) * best.abs() + 1e-9 * (1.0 + best.abs());
        let floor = match objective.sense {
            Sense::Maximize => Bound::AtLeast(best - slack),
            Sense::Minimize => Bound::AtMost(best + slack),
        };
        let c_objective = self.coefficients(objective);
        let near = Some((c_objective.as_slice(), floor));
        let mut ranges = Vec::with_capacity(self.reactions.len());
        let mut c = vec![0.0; self.reactions.len()];
        for j in 0..self.reactions.len() {
            c[j] = 1.0;
            let mut range = [0.0; 2];
            for (k, sense) in [Sense::Minimize, Sense::Maximize].into_iter().enumerate() {
                range[k] = match self.optimize(sense, &c, near)? {
                    Lp::Optimal(fluxes) => {
                        self.check(&fluxes, near)?;
                        fluxes[j]
                    }
                    Lp::Unbounded if sense == Sense::Minimize => f64::NEG_INFINITY,
                    Lp::Unbounded => f64::INFINITY,
                    Lp::Infeasible => {
                        return Err(SaspError::LinearProgram(format!(
                            "flux variability of '{}': the near-optimal set is reported empty",
                            self.reactions[j]
                        )))
                    }
                };
            }
            c[j] = 0.0;
            ranges.push(FluxRange { min: range[0], max: range[1] });
        }
        Ok(ranges)
    }

    /// The objective's coefficients as a dense vector over the reactions.
    fn coefficients(&self, objective: &Objective) -> Vec<f64> {
        let mut c = vec![0.0; self.reactions.len()];
        for &(j, cj) in &objective.terms {
            c[j] = cj;
        }
        c
    }

    /// Solves `sense c·v` subject to the steady state, the bounds and,
    /// when given, the constraint `extra` on `a·v`.
    fn optimize(&self, sense: Sense, c: &[f64], extra: Option<(&[f64], Bound)>) -> Result<Lp> {
        use microlp::{ComparisonOp, Error, LinearExpr, OptimizationDirection, Problem, SolveOutcome};
        let direction = match sense {
            Sense::Maximize => OptimizationDirection::Maximize,
            Sense::Minimize => OptimizationDirection::Minimize,
        };
        // Bounds that exclude every flux ([`FluxBalance::intersect_bounds`]).
        let empty = |j: usize| {
            self.lower[j] > self.upper[j] || self.lower[j] == f64::INFINITY || self.upper[j] == f64::NEG_INFINITY
        };
        if (0..self.reactions.len()).any(empty) {
            return Ok(Lp::Infeasible);
        }
        let mut problem = Problem::new(direction);
        let vars: Vec<_> =
            (0..self.reactions.len()).map(|j| problem.add_var(c[j], (self.lower[j], self.upper[j]))).collect();
        let mut rows: Vec<LinearExpr> = (0..self.metabolites.len()).map(|_| LinearExpr::empty()).collect();
        for (j, column) in self.columns.iter().enumerate() {
            for &(i, nu) in column {
                rows[i].add(vars[j], nu);
            }
        }
        for row in rows {
            problem.add_constraint(row, ComparisonOp::Eq, 0.0);
        }
        if let Some((a, bound)) = extra {
            let mut row = LinearExpr::empty();
            for (j, &aj) in a.iter().enumerate() {
                if aj != 0.0 {
                    row.add(vars[j], aj);
                }
            }
            match bound {
                Bound::AtLeast(b) => problem.add_constraint(row, ComparisonOp::Ge, b),
                Bound::AtMost(b) => problem.add_constraint(row, ComparisonOp::Le, b),
            }
        }
        // The solver may panic on hard problems (its documentation says
        // so): a panic is an error here, never an abort of the caller.
        let solved = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            problem.solve().map(|outcome| match outcome {
                SolveOutcome::Solution(s) => Some(vars.iter().map(|&v| s.var_value(v)).collect::<Vec<f64>>()),
                SolveOutcome::Interrupted(_) => None,
            })
        }));
        match solved {
            Ok(Ok(Some(fluxes))) => Ok(Lp::Optimal(self.polish(fluxes, c))),
            Ok(Ok(None)) => Err(SaspError::LinearProgram("the solver stopped without a solution".into())),
            Ok(Err(Error::Infeasible)) => Ok(Lp::Infeasible),
            Ok(Err(Error::Unbounded)) => Ok(Lp::Unbounded),
            Ok(Err(e)) => Err(SaspError::LinearProgram(e.to_string())),
            Err(_) => Err(SaspError::LinearProgram("the solver panicked".into())),
        }
    }

    /// The vertex a solver's solution approximates: fluxes within
    /// [`FEASIBILITY_TOLERANCE`] (relative) of a finite bound are set to it,
    /// and the others corrected by the least-norm `δ` that restores the
    /// steady state, `S_free δ = −S v` (an SVD), rounding noise below
    /// `1e-15·(1 + max |v|)` set to 0. The solver's own solution is kept
    /// when the correction leaves a bound, does not restore the steady
    /// state, moves a flux by more than the feasibility tolerance, changes
    /// the objective `c·v` by more than `1e-9·(1 + |c·v|)`, or the free part
    /// is larger than [`MAX_POLISH_ENTRIES`]. So a flux bounded by 1 reads
    /// 1, not `1 + 9e-8`.
    fn polish(&self, v: Vec<f64>, c: &[f64]) -> Vec<f64> {
        let near = |x: f64, b: f64| b.is_finite() && (x - b).abs() <= FEASIBILITY_TOLERANCE * (1.0 + b.abs());
        let mut w = v.clone();
        let mut free = Vec::new();
        for j in 0..w.len() {
            if near(w[j], self.lower[j]) {
                w[j] = self.lower[j];
            } else if near(w[j], self.upper[j]) {
                w[j] = self.upper[j];
            } else {
                free.push(j);
            }
        }
        let residual = self.balance(&w);
        let m = residual.len();
        // The polished solution replaces the solver's only if it keeps the
        // optimum and stays within the tolerance of it.
        let keeps = |w: &[f64]| {
            let scale = 1.0 + w.iter().fold(0.0f64, |s, x| s.max(x.abs()));
            let objective = |x: &[f64]| -> f64 { x.iter().zip(c).map(|(x, c)| x * c).sum() };
            let (before, after) = (objective(&v), objective(w));
            (after - before).abs() <= 1e-9 * (1.0 + before.abs())
                && v.iter().zip(w).all(|(a, b)| b.is_finite() && (a - b).abs() <= FEASIBILITY_TOLERANCE * scale)
        };
        if free.is_empty() || m == 0 || free.len() * m > MAX_POLISH_ENTRIES {
            let balanced = residual.iter().all(|&r| r == 0.0);
            return if balanced && keeps(&w) { w } else { v };
        }
        let mut a = nalgebra::DMatrix::<f64>::zeros(m, free.len());
        for (k, &j) in free.iter().enumerate() {
            for &(i, nu) in &self.columns[j] {
                a[(i, k)] = nu;
            }
        }
        let rhs = nalgebra::DVector::from_iterator(m, residual.iter().map(|r| -r));
        let Ok(delta) = a.clone().svd(true, true).solve(&rhs, 1e-12) else { return v };
        for (k, &j) in free.iter().enumerate() {
            w[j] += delta[k];
        }
        let scale = 1.0 + w.iter().fold(0.0f64, |s, x| s.max(x.abs()));
        for &j in &free {
            // Rounding noise of the correction (1e-22 for a flux of 0).
            if w[j].abs() <= 1e-15 * scale {
                w[j] = 0.0;
            }
        }
        let delta = nalgebra::DVector::from_iterator(free.len(), free.iter().map(|&j| w[j] - v[j]));
        let within = free.iter().all(|&j| w[j] >= self.lower[j] && w[j] <= self.upper[j]);
        let restored = (&a * &delta - &rhs).amax() <= 1e-12 * scale;
        if within && restored && keeps(&w) {
            w
        } else {
            v
        }
    }

    /// The steady-state residuals `Σ_j S_ij v_j`, by metabolite.
    fn balance(&self, v: &[f64]) -> Vec<f64> {
        let mut balance = vec![0.0; self.metabolites.len()];
        for (column, vj) in self.columns.iter().zip(v) {
            for &(i, nu) in column {
                balance[i] += nu * vj;
            }
        }
        balance
    }

    /// Checks a solution against the steady state, the bounds and `extra`
    /// (to [`FEASIBILITY_TOLERANCE`] relative to `1 + max |v|`); returns the
    /// largest steady-state residual.
    fn check(&self, v: &[f64], extra: Option<(&[f64], Bound)>) -> Result<f64> {
        let scale = 1.0 + v.iter().fold(0.0f64, |m, x| m.max(x.abs()));
        let tolerance = FEASIBILITY_TOLERANCE * scale;
        if let Some(j) = v.iter().position(|x| !x.is_finite()) {
            return Err(SaspError::LinearProgram(format!("the flux of '{}' is {}", self.reactions[j], v[j])));
        }
        for j in 0..v.len() {
            if v[j] < self.lower[j] - tolerance || v[j] > self.upper[j] + tolerance {
                return Err(SaspError::LinearProgram(format!(
                    "the flux of '{}', {}, is outside its bounds [{}, {}]",
                    self.reactions[j], v[j], self.lower[j], self.upper[j]
                )));
            }
        }
        let (worst, residual) =
            self.balance(v)
                .iter()
                .enumerate()
                .fold((0, 0.0f64), |(k, m), (i, b)| if b.abs() > m { (i, b.abs()) } else { (k, m) });
        if residual > tolerance {
            return Err(SaspError::LinearProgram(format!(
                "the steady state of '{}' is violated by {residual:e}",
                self.metabolites[worst]
            )));
        }
        if let Some((a, bound)) = extra {
            let av: f64 = a.iter().zip(v).map(|(a, v)| a * v).sum();
            let ok = match bound {
                Bound::AtLeast(b) => av >= b - tolerance,
                Bound::AtMost(b) => av <= b + tolerance,
            };
            if !ok {
                return Err(SaspError::LinearProgram(format!("the objective {av} leaves the near-optimal range")));
            }
        }
        Ok(residual)
    }
}

/// A one-sided constraint on a linear form.
#[derive(Clone, Copy, Debug)]
enum Bound {
    AtLeast(f64),
    AtMost(f64),
}

/// A linear program's result, fluxes unchecked.
enum Lp {
    Optimal(Vec<f64>),
    Infeasible,
    Unbounded,
}
