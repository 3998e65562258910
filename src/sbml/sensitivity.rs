//! Importing an SBML model for forward sensitivities with respect to some
//! of its parameters.
//!
//! Each such parameter (a *seed*) becomes a state with zero rate, so that
//! `∂f/∂q` is a column of the model's exact Jacobian
//! ([`crate::solve::sensitivity`]). A constant symbol whose initial value
//! depends on a seed through initial assignments (a compartment size
//! `V = 2*q`, a parameter `k2 = q/10`, a constant species) would be a plain
//! number in the model and lose that dependence, so it becomes a state
//! with zero rate too. The initial state's derivatives with respect to each
//! seed follow the initial assignments ([`Import::initial_sensitivities`]).

use super::import::Import;
use super::read::{Document, Rule};
use crate::error::{Result, SaspError};
use crate::expr::{Expr, Tape};
use std::collections::{HashMap, HashSet};

impl Import {
    /// Imports `doc` with `seeds` (ids of its global parameters) and what
    /// depends on them at the start made states with zero rate, so that
    /// `∂f/∂q` is a column of the model's exact Jacobian: a constant whose
    /// initial value depends on a seed through initial assignments (a
    /// compartment size `V = 2*q`, a parameter `k2 = q/10`, a constant
    /// species) becomes such a state too, or it would be a plain number in
    /// the model. [`Import::initial_sensitivities`] then gives the initial
    /// state's derivatives. Refused: a seed that is not a parameter, or
    /// that a rule or event sets; a species reference's stoichiometry that
    /// depends on a seed.
    pub fn with_sensitivities(doc: &Document, source: &str, seeds: &[String]) -> Result<Import> {
        let mut doc = doc.clone();
        if doc.rules.iter().any(|r| matches!(r, Rule::Algebraic { .. })) || doc.reactions.iter().any(|r| r.fast) {
            return Err(SaspError::unsupported(
                "sensitivities of a model with algebraic rules or fast reactions",
                source.to_string(),
            ));
        }
        let ruled: HashSet<String> = doc
            .rules
            .iter()
            .filter_map(|r| match r {
                Rule::Assignment { variable, .. } | Rule::Rate { variable, .. } => Some(variable.clone()),
                Rule::Algebraic { .. } => None,
            })
            .chain(doc.events.iter().flat_map(|e| e.assignments.iter().map(|(v, _)| v.clone())))
            .collect();
        for q in seeds {
            if !doc.parameters.iter().any(|p| &p.id == q) {
                return Err(SaspError::unsupported(
                    "a sensitivity to something other than a global parameter",
                    format!("'{q}' in {source}"),
                ));
            }
            if ruled.contains(q) {
                return Err(SaspError::unsupported(
                    "a sensitivity to a parameter that a rule or event sets",
                    format!("'{q}' in {source}"),
                ));
            }
        }
        // Everything whose initial value depends on a seed: through initial
        // assignments, and through the assignment rules and kinetic laws
        // (a reaction's id is its rate) those read.
        let mut depends: HashSet<String> = seeds.iter().cloned().collect();
        let reads_depending = |e: &Expr, depends: &HashSet<String>| e.symbols().iter().any(|s| depends.contains(&**s));
        loop {
            let before = depends.len();
            for a in &doc.initial_assignments {
                if reads_depending(&a.math, &depends) {
                    depends.insert(a.symbol.clone());
                }
            }
            for r in &doc.rules {
                if let Rule::Assignment { variable, math } = r {
                    if reads_depending(math, &depends) {
                        depends.insert(variable.clone());
                    }
                }
            }
            for r in &doc.reactions {
                if r.kinetic_law.as_ref().is_some_and(|law| reads_depending(law, &depends)) {
                    depends.insert(r.id.clone());
                }
            }
            for s in &doc.species {
                if depends.contains(&s.compartment) {
                    depends.insert(s.id.clone());
                }
            }
            if depends.len() == before {
                break;
            }
        }
        let reacting: HashSet<&str> = doc
            .reactions
            .iter()
            .flat_map(|r| r.reactants.iter().chain(&r.products))
            .map(|sr| sr.species.as_str())
            .collect();
        if let Some(sr) = doc
            .reactions
            .iter()
            .flat_map(|r| r.reactants.iter().chain(&r.products))
            .find(|sr| sr.id.as_ref().is_some_and(|id| depends.contains(id)))
        {
            return Err(SaspError::unsupported(
                "a sensitivity of a stoichiometry",
                format!("species reference '{}' in {source}", sr.id.as_deref().unwrap_or_default()),
            ));
        }
        let mut zero_rate = Vec::new();
        for p in doc.parameters.iter_mut().filter(|p| depends.contains(&p.id) && !ruled.contains(&p.id)) {
            p.constant = false;
            zero_rate.push(p.id.clone());
        }
        for c in doc.compartments.iter_mut().filter(|c| depends.contains(&c.id) && !ruled.contains(&c.id)) {
            c.constant = false;
            zero_rate.push(c.id.clone());
        }
        for s in doc.species.iter_mut().filter(|s| depends.contains(&s.id) && !ruled.contains(&s.id)) {
            let state_anyway = reacting.contains(s.id.as_str()) && !s.boundary_condition && !s.constant;
            if !state_anyway {
                s.constant = false;
                zero_rate.push(s.id.clone());
            }
        }
        doc.rules
            .extend(zero_rate.iter().map(|variable| Rule::Rate { variable: variable.clone(), math: Expr::Num(0.0) }));
        let mut import = Import::from_document_with_seeds(&doc, source, seeds)?;
        // (Each is a state; one that were not would simply not be held.)
        import.zero_rate =
            zero_rate.iter().filter_map(|id| import.model.index_of(import.model_name(id)).ok()).collect();
        Ok(import)
    }
}

/// The initial state and its derivatives with respect to the seeds of
/// [`Import::with_sensitivities`], as functions of the seeds' values: the
/// symbols whose initial values depend on a seed (through initial
/// assignments, assignment rules, kinetic laws and `rateOf`, in dependency
/// order) that a state needs, each with its value and its partial
/// derivatives in the symbols it reads compiled once into a [`Tape`].
/// Evaluating it at new seed values is the forward-mode chain rule
///
/// ```text
/// v_x = e_x(v),   ∂v_x/∂q_k = Σ_{u read by e_x} ∂e_x/∂u · ∂v_u/∂q_k
/// ```
///
/// over those symbols, and a species whose state is the amount of a
/// concentration `c` in a compartment of size `V` starts at `c·V`, with
/// `∂(c·V) = V ∂c + c ∂V`: the model need not be imported again when only
/// the seeds change (a symbol that depends on a seed but that the model
/// would hold as a number is refused when the recipe is made).
#[derive(Clone, Debug)]
pub(super) struct InitialRecipe {
    /// Every symbol's initial value at the import's seeds, by slot.
    base: Vec<f64>,
    /// Each seed's slot.
    seed_slots: Vec<usize>,
    /// For each slot, its row in the derivative table (`NONE` for a symbol
    /// that does not depend on a seed or that no state needs).
    row: Vec<usize>,
    /// The symbols that depend on a seed, the seeds excepted, in
    /// dependency order.
    steps: Vec<Step>,
    /// The states that depend on a seed: index, slot, and the slot of the
    /// compartment whose size converts a concentration to the amount the
    /// state holds.
    states: Vec<(usize, usize, Option<usize>)>,
    /// The most registers a step's tape needs.
    registers: usize,
}

const NONE: usize = usize::MAX;

#[derive(Clone, Debug)]
struct Step {
    slot: usize,
    /// The slots of the symbols it reads that depend on a seed.
    reads: Vec<usize>,
    /// Roots: the value, then `∂/∂` each of `reads`.
    tape: Tape,
}

/// A state of the model as the recipe sees it: index, SBML id, and the
/// compartment of a species whose state is the amount of its concentration.
pub(super) type StateOrigin<'a> = (usize, &'a str, Option<&'a str>);

impl InitialRecipe {
    /// The recipe for `seeds` from the initial definitions `def` (in
    /// dependency `order`; `at_start` gives a definition at time 0, as the
    /// import evaluates it), the initial values `initial` at the import's
    /// seeds, the model's states (`states`) and `no_derivative(id,
    /// why)` for a definition that cannot be differentiated. Refused with
    /// `baked(id)`'s error: a symbol whose initial value depends on a seed
    /// but that the model holds as a number (a constant that only a
    /// `rateOf` ties to the seed), whose derivative would be lost.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn new(
        def: &HashMap<&str, Expr>,
        order: &[&str],
        at_start: impl Fn(&Expr) -> Expr,
        initial: &HashMap<String, f64>,
        seeds: &[String],
        states: &[StateOrigin<'_>],
        baked: impl Fn(&str) -> Option<SaspError>,
        no_derivative: impl Fn(&str, &str) -> SaspError,
    ) -> Result<InitialRecipe> {
        let slot_of: HashMap<&str, usize> = order.iter().enumerate().map(|(i, &id)| (id, i)).collect();
        let bind = |name: &str| slot_of.get(name).copied();
        let base: Vec<f64> = order.iter().map(|id| initial.get(*id).copied().unwrap_or(f64::NAN)).collect();
        let mut seed_slots = Vec::with_capacity(seeds.len());
        for q in seeds {
            seed_slots.push(bind(q).ok_or_else(|| no_derivative(q, "the seed has no initial value"))?);
        }
        // Which symbols depend on a seed, and through which of those they read.
        let mut reads: Vec<Option<Vec<usize>>> = vec![None; order.len()];
        for &s in &seed_slots {
            reads[s] = Some(Vec::new());
        }
        for (slot, &id) in order.iter().enumerate() {
            if reads[slot].is_some() {
                continue;
            }
            let through: Vec<usize> =
                def[id].symbols().iter().filter_map(|v| bind(v)).filter(|&u| reads[u].is_some()).collect();
            if !through.is_empty() {
                if let Some(refusal) = baked(id) {
                    return Err(refusal);
                }
                reads[slot] = Some(through);
            }
        }
        let mut depending = Vec::new();
        for &(i, id, compartment) in states {
            let Some(&slot) = slot_of.get(id) else { continue };
            let size = compartment.and_then(|c| slot_of.get(c).copied());
            if compartment.is_some() && size.is_none() {
                return Err(no_derivative(id, "its compartment has no initial size"));
            }
            if reads[slot].is_some() || size.is_some_and(|c| reads[c].is_some()) {
                depending.push((i, slot, size));
            }
        }
        // The symbols the depending states need, back from them.
        let mut needed = vec![false; order.len()];
        let mut stack: Vec<usize> =
            depending.iter().flat_map(|&(_, slot, size)| std::iter::once(slot).chain(size)).collect();
        while let Some(slot) = stack.pop() {
            if let (false, Some(through)) = (needed[slot], &reads[slot]) {
                needed[slot] = true;
                stack.extend(through);
            }
        }
        let mut row = vec![NONE; order.len()];
        for (k, &s) in seed_slots.iter().enumerate() {
            row[s] = k;
        }
        let mut steps = Vec::new();
        for (slot, &id) in order.iter().enumerate() {
            let (true, NONE, Some(through)) = (needed[slot], row[slot], &reads[slot]) else { continue };
            let e = &def[id];
            let mut roots = vec![at_start(e)];
            for &u in through {
                roots.push(e.diff(order[u]).map_err(|err| no_derivative(id, &err.to_string()))?);
            }
            let tape = Tape::compile(&roots, bind).map_err(|err| no_derivative(id, &err.to_string()))?;
            row[slot] = seeds.len() + steps.len();
            steps.push(Step { slot, reads: through.clone(), tape });
        }
        depending.retain(|&(_, slot, size)| row[slot] != NONE || size.is_some_and(|c| row[c] != NONE));
        let registers = steps.iter().map(|s| s.tape.register_count()).max().unwrap_or(0);
        Ok(InitialRecipe { base, seed_slots, row, steps, states: depending, registers })
    }

    /// The initial state of `model` (the import's) and `∂y₀/∂q_k` for each
    /// seed at seed values `q`.
    pub(super) fn evaluate(&self, model: &crate::model::Model, q: &[f64]) -> Result<(Vec<f64>, Vec<Vec<f64>>)> {
        let m = self.seed_slots.len();
        if q.len() != m {
            return Err(SaspError::DimensionMismatch { what: "seed values", expected: m, found: q.len() });
        }
        let mut v = self.base.clone();
        // The derivative table: row r holds ∂v/∂q of a symbol that depends on a seed.
        let mut d = vec![0.0; (m + self.steps.len()) * m];
        for (k, (&slot, &value)) in self.seed_slots.iter().zip(q).enumerate() {
            v[slot] = value;
            d[k * m + k] = 1.0;
        }
        let mut registers = vec![0.0; self.registers];
        for step in &self.steps {
            step.tape.eval_in(&v, 0.0, &mut registers);
            v[step.slot] = step.tape.root_in(&registers, 0);
            let target = self.row[step.slot] * m;
            for (j, &u) in step.reads.iter().enumerate() {
                let partial = step.tape.root_in(&registers, j + 1);
                let source = self.row[u] * m;
                // A symbol whose derivative is zero adds nothing, even
                // where the partial is not finite.
                if d[source..source + m].iter().all(|&x| x == 0.0) {
                    continue;
                }
                for k in 0..m {
                    d[target + k] += partial * d[source + k];
                }
            }
        }
        let mut y0 = model.initial_state();
        let mut s0 = vec![vec![0.0; y0.len()]; m];
        let derivative = |slot: usize, k: usize| match self.row[slot] {
            NONE => 0.0,
            r => d[r * m + k],
        };
        for &(i, slot, size) in &self.states {
            y0[i] = match size {
                Some(c) => v[slot] * v[c],
                None => v[slot],
            };
            if !y0[i].is_finite() {
                let name = model.compartment_names().nth(i).unwrap_or_default().to_string();
                return Err(crate::error::ModelError::InvalidInitialValue { name, value: y0[i] }.into());
            }
            for (k, sk) in s0.iter_mut().enumerate() {
                sk[i] = match size {
                    Some(c) => derivative(slot, k) * v[c] + v[slot] * derivative(c, k),
                    None => derivative(slot, k),
                };
            }
        }
        Ok((y0, s0))
    }
}
