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
use crate::expr::Expr;
use std::collections::HashSet;

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
        // Everything whose initial value depends on a seed.
        let mut depends: HashSet<String> = seeds.iter().cloned().collect();
        loop {
            let before = depends.len();
            for a in &doc.initial_assignments {
                if a.math.symbols().iter().any(|s| depends.contains(&**s)) {
                    depends.insert(a.symbol.clone());
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
