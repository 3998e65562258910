//! SBML import: a [`Document`] (L3V2, L3V1, L2V4) made into an ordinary
//! [`Model`] of expression laws, assignments and events.
//!
//! # How SBML's symbols become a model
//!
//! Every SBML id keeps its name. What it becomes depends on what can change it:
//!
//! | SBML symbol | becomes |
//! |---|---|
//! | anything with an assignment rule | an `[[assignment]]` (its rule) |
//! | a constant compartment, parameter, species reference | a parameter (its initial value) |
//! | a species changed by reactions or events | a state holding its **amount** |
//! | a species with a rate rule | a state holding its symbol's value (the concentration unless `hasOnlySubstanceUnits`) |
//! | a compartment, parameter or species reference with a rate rule, or set by an event | a state |
//! | a variable an algebraic rule determines (`src/sbml/algebraic.rs`) | a state with a `[[constraint]]` (the rule) |
//! | any other species (constant, or a boundary species nothing changes) | a parameter holding its amount |
//!
//! Where a species stored as an amount appears in math, its symbol stands
//! for `amount / size` (unless `hasOnlySubstanceUnits`), so a compartment
//! whose size changes dilutes or concentrates its species exactly as SBML
//! says, `d[S]/dt = (dn/dt)/V − [S]·(dV/dt)/V`, without differentiating the size.
//!
//! A reaction is a process whose rate is its kinetic law (local parameters
//! substituted), changing each non-boundary, non-constant species by
//! `(products − reactants) · conversion factor`. A stoichiometry that can
//! change in time (a species reference set by a rule or event, or L2
//! `stoichiometryMath`) or a variable conversion factor gives that species a
//! process of its own whose rate is `ν · rate`. A reaction's id in math is
//! its rate. Rate rules are processes of rate `rule` changing their target
//! by 1. Events keep their triggers; an event that sets a species held as an
//! amount sets `value · size`, with the size before the event (even when
//! the same event sets the size too). A constant species keeps its amount.
//!
//! # rateOf
//!
//! `rateOf(x)` (read as the variable [`mathml::rate_of`] makes) is replaced
//! by the rate of change of `x` as its symbol denotes, worked out in SBML's
//! terms and then rewritten like any other math, so the model never sees
//! `rateOf`:
//!
//! | `x` | `rateOf(x)` |
//! |---|---|
//! | a symbol with a rate rule | the rule's math |
//! | a symbol with an assignment rule, or a reaction (its kinetic law) | d/dt of that math: Σ ∂f/∂y · rateOf(y) over the symbols y it reads, plus ∂f/∂time |
//! | a species otherwise | its amount's rate `dn/dt` = Σ over reactions of ± stoichiometry · conversion factor · rate (0 without reactions); with `hasOnlySubstanceUnits` that is the rate; otherwise the concentration's, `(dn/dt)/V − [S]·(dV/dt)/V` with `dV/dt` = rateOf(compartment) |
//! | any other compartment, parameter or species reference (constant, or set only by events and initial assignments) | 0 |
//! | a local parameter of the kinetic law that reads it | 0 |
//!
//! A rate that needs itself (through rate rules, or a kinetic law reading
//! the rate of a species it changes) is an error naming the chain or cycle;
//! so is `rateOf` of an id the model does not declare. `rateOf` of a symbol
//! whose defining math itself reads `rateOf` is refused
//! ([`SaspError::Unsupported`]). In initial assignments the rates are
//! evaluated at time 0 with the initial values. Inside a `delay`, `rateOf`
//! is 0 before time 0 (the history is constant there).
//!
//! # delay
//!
//! `delay(x, τ)` becomes the model's delay (`crate::model::delay`): before
//! time 0 every symbol keeps its initial value and `x`'s assignment rules
//! are evaluated at the past time, except a symbol whose initial value
//! reads time (an initial assignment `sin(10*time)`: a history that is not
//! constant), whose past is that math at the past time: inside the delay
//! it reads `piecewise(past, time < 0, symbol)`. `rateOf` of such a symbol
//! inside a delay is refused.
//!
//! Initial values: attributes, then initial assignments and assignment rules
//! together, evaluated at time 0 in dependency order (cycles refused), a
//! delay's `x` at time `−τ` as above.
//! Units are not converted: every quantity is taken as the number the
//! document writes, time is the model's time axis, and the model lists its
//! rates as unchecked ([`Model::unchecked_units`]).

use super::read::{Document, Rule, SbmlEvent};
use super::sensitivity::{InitialRecipe, StateOrigin};
use crate::error::{ModelError, Result, SaspError};
use crate::expr::{mathml, Expr, ExprError, Op};
use crate::model::{
    AssignmentDecl, Compartment, CompartmentDecl, ConstraintDecl, EventDecl, Model, ModelBuilder, ModelSpec,
    ParameterDecl, ProcessDecl, Quantity, RateLaw,
};
use std::collections::{HashMap, HashSet};
use std::path::Path;

/// Names that mean something in expression text by themselves; an SBML id
/// spelled so is renamed in the model (`pi` → `pi_`).
const RESERVED: &[&str] = &[
    "time",
    "avogadro",
    "pi",
    "exponentiale",
    "true",
    "false",
    "infinity",
    "INF",
    "inf",
    "notanumber",
    "NaN",
    "nan",
    "and",
    "or",
    "not",
    "xor",
];

/// What a species' state (or parameter) holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Holds {
    /// The amount of substance.
    Amount,
    /// The value its symbol denotes (concentration unless `hasOnlySubstanceUnits`).
    Symbol,
}

/// How one SBML species is represented.
#[derive(Clone, Debug)]
struct SpeciesInfo {
    compartment: String,
    only_substance: bool,
    holds: Holds,
}

/// An SBML model imported as a [`Model`], with what is needed to read its
/// results back in SBML's terms (amounts, concentrations and the values of
/// SBML symbols).
#[derive(Clone, Debug)]
pub struct Import {
    /// The model.
    pub model: Model,
    /// The model name of each SBML id (the same, unless reserved).
    names: HashMap<String, String>,
    species: HashMap<String, SpeciesInfo>,
    /// Species ids in document order.
    species_order: Vec<String>,
    /// `∂y₀/∂q` for each seed `q` of [`Import::with_sensitivities`]
    /// (empty for a plain import).
    initial_sensitivities: Vec<Vec<f64>>,
    /// The initial state and `∂y₀/∂q` as functions of the seeds' values
    /// (none for a plain import).
    initial_recipe: Option<InitialRecipe>,
    /// The states [`Import::with_sensitivities`] gave zero rate, by index.
    pub(super) zero_rate: Vec<usize>,
}

impl Model {
    /// Reads an SBML file (L3V2, L3V1 or L2V4) into a model (see
    /// [`crate::sbml::import`](super::import)); constructs the import does not
    /// implement are refused by name ([`SaspError::Unsupported`]).
    pub fn from_sbml(path: impl AsRef<Path>) -> Result<Model> {
        Ok(Import::from_file(path)?.model)
    }
}

impl Import {
    /// Reads and imports an SBML file.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Import> {
        let path = path.as_ref();
        let doc = super::read::read_file(path)?;
        Import::from_document(&doc, &path.display().to_string())
    }

    /// Imports a parsed document; `source` names it in errors.
    pub fn from_document(doc: &Document, source: &str) -> Result<Import> {
        Importer::new(doc, source)?.build(None)
    }

    /// Imports a document prepared for sensitivities (see
    /// [`super::sensitivity`]): `seeds` are parameters with zero rate, and
    /// [`Import::initial_sensitivities`] gives the initial state's
    /// derivatives with respect to each, through the initial assignments.
    pub(super) fn from_document_with_seeds(doc: &Document, source: &str, seeds: &[String]) -> Result<Import> {
        Importer::new(doc, source)?.build(Some(seeds))
    }

    /// `∂y₀/∂q` for each seed `q` of [`Import::with_sensitivities`], over
    /// the model's states (empty for a plain import).
    pub fn initial_sensitivities(&self) -> &[Vec<f64>] {
        &self.initial_sensitivities
    }

    /// The initial state and `∂y₀/∂q` for each seed of
    /// [`Import::with_sensitivities`] when the seeds take the values `q`
    /// (in the order of its `seeds`), everything else as imported: the
    /// model imported again with these values would start there, but this
    /// evaluates the initial assignments alone (compiled when the model was
    /// imported). Fails for a plain import, for a `q` of another length
    /// and for an initial value that is not finite.
    pub fn initial_state_at(&self, q: &[f64]) -> Result<(Vec<f64>, Vec<Vec<f64>>)> {
        match &self.initial_recipe {
            Some(recipe) => recipe.evaluate(&self.model, q),
            None => Err(SaspError::InvalidOptions(
                "initial_state_at: the model was not imported with sensitivities".to_string(),
            )),
        }
    }

    /// The states whose rate [`Import::with_sensitivities`] made zero
    /// (the seeds, and what their initial assignments set), by index: what
    /// [`Model::adjoint_run`] and [`Model::sensitivities_from`] hold (empty
    /// for a plain import).
    pub fn zero_rate_states(&self) -> &[usize] {
        &self.zero_rate
    }

    /// The model's name for an SBML id.
    pub fn model_name<'a>(&'a self, id: &'a str) -> &'a str {
        self.names.get(id).map_or(id, String::as_str)
    }

    /// Species ids in document order.
    pub fn species_ids(&self) -> impl Iterator<Item = &str> {
        self.species_order.iter().map(String::as_str)
    }

    /// Does the document declare `id` as a species?
    pub fn is_species(&self, id: &str) -> bool {
        self.species.contains_key(id)
    }

    /// Does species `id` have `hasOnlySubstanceUnits` (its symbol an amount)?
    pub fn has_only_substance_units(&self, id: &str) -> bool {
        self.species.get(id).is_some_and(|s| s.only_substance)
    }

    /// Simulates the model (with its events) at `times` and tabulates
    /// `time` and each of `variables` ([`Import::tabulate`]).
    pub fn time_course(
        &self,
        times: &[f64],
        variables: &[String],
        amounts: &[String],
        concentrations: &[String],
        method: crate::solve::Method,
        options: &crate::solve::Options,
    ) -> Result<super::suite::Table> {
        let solution = self.model.simulate(times, method, options)?;
        self.tabulate(&solution, variables, amounts, concentrations)
    }

    /// Tabulates a solution of the model: `time` and each of `variables`,
    /// species under `amounts` as amounts, under `concentrations` as
    /// concentrations, any other id (species, compartment, parameter,
    /// species reference, reaction) as the value its SBML symbol denotes.
    /// `variables` empty: every species, in document order, as its symbol
    /// denotes.
    pub fn tabulate(
        &self,
        solution: &crate::solve::Solution,
        variables: &[String],
        amounts: &[String],
        concentrations: &[String],
    ) -> Result<super::suite::Table> {
        let all: Vec<String>;
        let variables = if variables.is_empty() {
            all = self.species_order.clone();
            &all[..]
        } else {
            variables
        };
        let mut header = vec!["time".to_string()];
        header.extend(variables.iter().cloned());
        let mut rows = Vec::with_capacity(solution.t.len());
        let declared = self.model.default_inputs();
        for (k, &t) in solution.t.iter().enumerate() {
            let y = solution.state(k);
            // The inputs, and for a model with delays their values from the run's history.
            let inputs = self.model.with_inputs_at(t, y, &declared, solution.history.as_deref(), <[f64]>::to_vec)?;
            let mut row = Vec::with_capacity(header.len());
            row.push(t);
            for v in variables {
                row.push(if amounts.contains(v) && self.is_species(v) {
                    self.amount_in(v, t, y, &inputs)?
                } else if concentrations.contains(v) && self.is_species(v) {
                    self.concentration_in(v, t, y, &inputs)?
                } else {
                    self.value_in(v, t, y, &inputs)?
                });
            }
            rows.push(row);
        }
        Ok(super::suite::Table { header, rows })
    }

    /// The value of a model name (state, parameter or assignment) at `(t, y)`.
    fn named_value(&self, name: &str, t: f64, y: &[f64], inputs: &[f64]) -> Result<f64> {
        let m = &self.model;
        if let Some(i) = m.find_index(name) {
            return Ok(y[i]);
        }
        if let Some(v) = m.find_parameter_canonical(name) {
            return Ok(v);
        }
        m.assignment(name, t, y, inputs)
    }

    /// `∂/∂y` of a model name's value (see [`Import::value_gradient`]).
    fn named_gradient(&self, name: &str, t: f64, y: &[f64], out: &mut [f64]) -> Result<()> {
        let m = &self.model;
        out.fill(0.0);
        if let Some(i) = m.find_index(name) {
            out[i] = 1.0;
            return Ok(());
        }
        if m.find_parameter_canonical(name).is_some() {
            return Ok(());
        }
        m.assignment_gradient(name, t, y, &m.default_inputs(), out)
    }

    /// `∂/∂y` of [`Import::value`]`(id, t, y)` over the model's states,
    /// written into `out`.
    pub fn value_gradient(&self, id: &str, t: f64, y: &[f64], out: &mut [f64]) -> Result<()> {
        if out.len() != self.model.dimension() {
            return Err(SaspError::DimensionMismatch {
                what: "gradient",
                expected: self.model.dimension(),
                found: out.len(),
            });
        }
        let inputs = &self.model.default_inputs();
        match self.species.get(id) {
            Some(s) if s.holds == Holds::Amount && !s.only_substance => {
                // c = n / V: ∂c = (∂n·V − n·∂V)/V².
                let size_name = self.model_name(&s.compartment);
                let (amount, size) = (self.amount_in(id, t, y, inputs)?, self.named_value(size_name, t, y, inputs)?);
                self.named_gradient(self.model_name(id), t, y, out)?;
                let mut d_size = vec![0.0; out.len()];
                self.named_gradient(size_name, t, y, &mut d_size)?;
                for (o, ds) in out.iter_mut().zip(&d_size) {
                    *o = (*o * size - amount * ds) / (size * size);
                }
                Ok(())
            }
            _ => self.named_gradient(self.model_name(id), t, y, out),
        }
    }

    /// The value of SBML symbol `id` (a compartment's size, a parameter, a
    /// species' concentration or amount as its symbol denotes, a species
    /// reference's stoichiometry) at `(t, y)`.
    pub fn value(&self, id: &str, t: f64, y: &[f64]) -> Result<f64> {
        self.value_in(id, t, y, &self.model.default_inputs())
    }

    /// [`Import::value`] with the values the model's expressions read as
    /// inputs ([`Model::with_inputs_at`](crate::model::Model::with_inputs_at)).
    fn value_in(&self, id: &str, t: f64, y: &[f64], inputs: &[f64]) -> Result<f64> {
        match self.species.get(id) {
            Some(s) if s.holds == Holds::Amount && !s.only_substance => {
                Ok(self.amount_in(id, t, y, inputs)?
                    / self.named_value(self.model_name(&s.compartment), t, y, inputs)?)
            }
            _ => self.named_value(self.model_name(id), t, y, inputs),
        }
    }

    /// The amount of species `id` at `(t, y)`.
    pub fn amount(&self, id: &str, t: f64, y: &[f64]) -> Result<f64> {
        self.amount_in(id, t, y, &self.model.default_inputs())
    }

    fn amount_in(&self, id: &str, t: f64, y: &[f64], inputs: &[f64]) -> Result<f64> {
        let s = self.species.get(id).ok_or_else(|| not_species(id))?;
        let v = self.named_value(self.model_name(id), t, y, inputs)?;
        Ok(match (s.holds, s.only_substance) {
            (Holds::Amount, _) | (Holds::Symbol, true) => v,
            (Holds::Symbol, false) => v * self.named_value(self.model_name(&s.compartment), t, y, inputs)?,
        })
    }

    /// The concentration of species `id` at `(t, y)`.
    pub fn concentration(&self, id: &str, t: f64, y: &[f64]) -> Result<f64> {
        self.concentration_in(id, t, y, &self.model.default_inputs())
    }

    fn concentration_in(&self, id: &str, t: f64, y: &[f64], inputs: &[f64]) -> Result<f64> {
        let s = self.species.get(id).ok_or_else(|| not_species(id))?;
        match (s.holds, s.only_substance) {
            (Holds::Symbol, false) => self.named_value(self.model_name(id), t, y, inputs),
            _ => {
                Ok(self.amount_in(id, t, y, inputs)?
                    / self.named_value(self.model_name(&s.compartment), t, y, inputs)?)
            }
        }
    }
}

/// `e` with each `rateOf(x)` inside a delay's `x` made 0 before time 0:
/// `piecewise(rateOf(x), time >= 0, 0)`, the delayed expression being
/// evaluated at the past time. Before the start the history is constant, so
/// its rate is 0 (SBML Test Suite cases 01400–01409).
fn rates_in_the_past(e: &Expr) -> Expr {
    e.map_delays(|x, lag| {
        let x = x.substitute(&|v| {
            mathml::rate_of_target(v).map(|_| Expr::Piecewise {
                pieces: vec![(Expr::var(v), Expr::binary(Op::Geq, Expr::Time, Expr::Num(0.0)))],
                otherwise: Some(Box::new(Expr::Num(0.0))),
            })
        });
        Expr::apply(Op::Delay, vec![x, lag])
    })
}

fn not_species(id: &str) -> SaspError {
    ModelError::invalid(format!("'{id}'"), "is not a species of the SBML model").into()
}

/// What each non-reaction SBML symbol is, and the facts the import needs.
struct Importer<'d> {
    doc: &'d Document,
    source: &'d str,
    names: HashMap<String, String>,
    assignment_rules: HashMap<&'d str, &'d Expr>,
    rate_rules: HashMap<&'d str, &'d Expr>,
    event_targets: HashSet<&'d str>,
    changed_by_reactions: HashSet<&'d str>,
    /// Each algebraic rule's math and the variable it determines
    /// ([`super::algebraic`]), in document order.
    algebraic: Vec<(&'d str, &'d Expr)>,
    /// The fast reactions as equilibrium constraints ([`super::fast`]),
    /// worked out when the initial values are known.
    fast: Option<FastSystem>,
    species: HashMap<String, SpeciesInfo>,
    /// Kinetic laws with local parameters substituted, by reaction id.
    laws: HashMap<&'d str, Expr>,
    /// SBML id → the expression over model names its symbol stands for;
    /// also each `rateOf(x)` variable ([`mathml::rate_of`]) → x's rate.
    symbols: HashMap<String, Expr>,
    /// Each `rateOf(x)` variable the math uses → x's rate in SBML's terms
    /// (for the initial values).
    rates: HashMap<String, Expr>,
    /// The past of each symbol whose initial value depends on time (an
    /// initial history that is not constant): its initial value's math as a
    /// function of time, in SBML's terms ([`Importer::past_histories`]).
    histories: HashMap<String, Expr>,
}

impl<'d> Importer<'d> {
    fn new(doc: &'d Document, source: &'d str) -> Result<Importer<'d>> {
        let mut ids: HashSet<&str> = HashSet::new();
        let all_ids = doc
            .compartments
            .iter()
            .map(|c| c.id.as_str())
            .chain(doc.species.iter().map(|s| s.id.as_str()))
            .chain(doc.parameters.iter().map(|p| p.id.as_str()))
            .chain(doc.reactions.iter().map(|r| r.id.as_str()))
            .chain(
                doc.reactions
                    .iter()
                    .flat_map(|r| r.reactants.iter().chain(&r.products))
                    .filter_map(|s| s.id.as_deref()),
            );
        for id in all_ids {
            if !ids.insert(id) {
                return Err(ModelError::Duplicate { kind: "SBML id", name: id.to_string() }.into());
            }
        }
        let mut names = HashMap::new();
        for &id in &ids {
            if RESERVED.contains(&id) {
                let mut name = format!("{id}_");
                while ids.contains(name.as_str()) {
                    name.push('_');
                }
                names.insert(id.to_string(), name);
            }
        }
        // Symbols a rule, initial assignment or event may set: compartments,
        // species, parameters and species references (not reactions).
        let reactions: HashSet<&str> = doc.reactions.iter().map(|r| r.id.as_str()).collect();
        let settable = |id: &str, what: &str| -> Result<()> {
            if ids.contains(id) && !reactions.contains(id) {
                Ok(())
            } else {
                Err(ModelError::invalid(
                    format!("{what} in {source}"),
                    format!("sets '{id}', which is not a compartment, species, parameter or species reference"),
                )
                .into())
            }
        };
        let mut assignment_rules = HashMap::new();
        let mut rate_rules = HashMap::new();
        let mut algebraic_rules = Vec::new();
        for rule in &doc.rules {
            let (variable, math, kind) = match rule {
                Rule::Assignment { variable, math } => (variable, math, "assignment rule"),
                Rule::Rate { variable, math } => (variable, math, "rate rule"),
                Rule::Algebraic { math } => {
                    algebraic_rules.push(math);
                    continue;
                }
            };
            settable(variable, kind)?;
            let twice = assignment_rules.contains_key(variable.as_str()) || rate_rules.contains_key(variable.as_str());
            if twice {
                return Err(ModelError::invalid(
                    format!("{kind} for '{variable}' in {source}"),
                    "a symbol may have at most one rule",
                )
                .into());
            }
            match rule {
                Rule::Assignment { .. } => assignment_rules.insert(variable.as_str(), math),
                _ => rate_rules.insert(variable.as_str(), math),
            };
        }
        for ia in &doc.initial_assignments {
            settable(&ia.symbol, "initial assignment")?;
        }
        let mut event_targets = HashSet::new();
        for e in &doc.events {
            for (v, _) in &e.assignments {
                settable(v, "event assignment")?;
                event_targets.insert(v.as_str());
            }
        }
        let compartments: HashSet<&str> = doc.compartments.iter().map(|c| c.id.as_str()).collect();
        if let Some(s) = doc.species.iter().find(|s| !compartments.contains(s.compartment.as_str())) {
            return Err(ModelError::invalid(
                format!("species '{}' in {source}", s.id),
                format!("is in compartment '{}', which the model does not declare", s.compartment),
            )
            .into());
        }
        let species_by_id: HashMap<&str, &super::read::SbmlSpecies> =
            doc.species.iter().map(|s| (s.id.as_str(), s)).collect();
        let mut changed_by_reactions = HashSet::new();
        let mut laws = HashMap::new();
        for r in &doc.reactions {
            for sr in r.reactants.iter().chain(&r.products) {
                let s = species_by_id.get(sr.species.as_str()).ok_or_else(|| {
                    ModelError::invalid(format!("reaction '{}'", r.id), format!("unknown species '{}'", sr.species))
                })?;
                if !s.boundary_condition && !s.constant {
                    changed_by_reactions.insert(s.id.as_str());
                }
            }
            if let Some(law) = &r.kinetic_law {
                let locals: HashMap<&str, f64> = r.local_parameters.iter().map(|(n, v)| (n.as_str(), *v)).collect();
                // A local parameter is a constant: its rate is 0.
                let law = law.substitute(&|v| match mathml::rate_of_target(v) {
                    Some(x) => locals.contains_key(x).then_some(Expr::Num(0.0)),
                    None => locals.get(v).map(|&x| Expr::Num(x)),
                });
                laws.insert(r.id.as_str(), law);
            }
        }
        let mut importer = Importer {
            doc,
            source,
            names,
            assignment_rules,
            rate_rules,
            event_targets,
            changed_by_reactions,
            algebraic: Vec::new(),
            fast: None,
            species: HashMap::new(),
            laws,
            symbols: HashMap::new(),
            rates: HashMap::new(),
            histories: HashMap::new(),
        };
        importer.algebraic = importer.algebraic_variables(&algebraic_rules)?;
        Ok(importer)
    }

    fn name(&self, id: &str) -> String {
        self.names.get(id).cloned().unwrap_or_else(|| id.to_string())
    }

    fn var(&self, id: &str) -> Expr {
        Expr::var(&self.name(id))
    }

    /// Rewrites SBML math into model terms, as [`Importer::symbols`] says
    /// (a reaction's id is an assignment holding its rate; a delayed
    /// `rateOf` is 0 before time 0, [`rates_in_the_past`]).
    fn rewrite(&self, e: &Expr) -> Expr {
        rates_in_the_past(&self.histories_in_the_past(e)).substitute(&|v| self.symbols.get(v).cloned())
    }

    /// The import; with `seeds`, for sensitivities with respect to them.
    fn build(mut self, seeds: Option<&[String]>) -> Result<Import> {
        let doc = self.doc;
        // Species: what each holds, and the symbol of each.
        for s in &doc.species {
            // Every species with a state holds its amount, which a change of
            // its compartment's size keeps (the suite's cases 01117, 01505);
            // a constant species keeps its amount too.
            let holds = if self.assignment_rules.contains_key(s.id.as_str()) { Holds::Symbol } else { Holds::Amount };
            let info =
                SpeciesInfo { compartment: s.compartment.clone(), only_substance: s.has_only_substance_units, holds };
            let symbol = if holds == Holds::Amount && !s.has_only_substance_units {
                Expr::binary(Op::Divide, self.var(&s.id), self.var(&s.compartment))
            } else {
                self.var(&s.id)
            };
            self.symbols.insert(s.id.clone(), symbol);
            self.species.insert(s.id.clone(), info);
        }
        for id in doc.compartments.iter().map(|c| &c.id).chain(doc.parameters.iter().map(|p| &p.id)) {
            self.symbols.insert(id.clone(), self.var(id));
        }
        for sr in doc.reactions.iter().flat_map(|r| r.reactants.iter().chain(&r.products)) {
            if let Some(id) = &sr.id {
                self.symbols.insert(id.clone(), self.var(id));
            }
        }
        for r in &doc.reactions {
            if self.laws.contains_key(r.id.as_str()) {
                self.symbols.insert(r.id.clone(), self.var(&r.id));
            }
        }
        self.rates = self.rates()?;
        self.histories = self.past_histories()?;
        for (name, rate) in &self.rates {
            let rate = self.rewrite(rate);
            self.symbols.insert(name.clone(), rate);
        }
        self.check_algebraic_initial_values()?;
        let initial = self.initial_values()?;
        self.fast = self.fast_system(&initial)?;
        let mut spec = ModelBuilder::new(if doc.model_id.is_empty() { "sbml" } else { &doc.model_id }).spec().clone();
        spec.model.description = format!("imported from {}", self.source);
        self.declare_symbols(&mut spec, &initial)?;
        self.declare_reactions(&mut spec, &initial)?;
        for (k, event) in doc.events.iter().enumerate() {
            spec.events.push(self.event(k, event)?);
        }
        if spec.compartments.is_empty() {
            // A model of rules alone: one placeholder state keeps the solver's
            // time axis (it never changes).
            let mut name = "sbml_time_axis".to_string();
            while self.symbols.contains_key(&name) {
                name.push('_');
            }
            spec.compartments.push(state(&name, "placeholder", 0.0)?);
        }
        let model = Model::from_spec(spec)?;
        let (initial_recipe, initial_sensitivities) = if let Some(seeds) = seeds {
            let recipe = self.initial_recipe(&model, seeds, &initial)?;
            let at_import: Vec<f64> = seeds.iter().map(|q| self.value_of(&initial, q)).collect::<Result<_>>()?;
            let (_, s0) = recipe.evaluate(&model, &at_import)?;
            (Some(recipe), s0)
        } else {
            (None, Vec::new())
        };
        let species_order = doc.species.iter().map(|s| s.id.clone()).collect();
        Ok(Import {
            model,
            names: self.names,
            species: self.species,
            species_order,
            initial_sensitivities,
            initial_recipe,
            zero_rate: Vec::new(),
        })
    }

    /// The recipe of the initial state and its derivatives with respect
    /// to `seeds` ([`InitialRecipe`]), for `model` built from the initial
    /// values `initial`.
    fn initial_recipe(&self, model: &Model, seeds: &[String], initial: &HashMap<String, f64>) -> Result<InitialRecipe> {
        let (def, order) = self.initial_definitions()?;
        let states: Vec<StateOrigin<'_>> = model
            .compartment_names()
            .enumerate()
            .map(|(i, name)| {
                let id = self.names.iter().find(|(_, n)| n.as_str() == name).map_or(name, |(id, _)| id.as_str());
                let compartment = self
                    .species
                    .get(id)
                    .filter(|s| s.holds == Holds::Amount && !s.only_substance)
                    .map(|s| s.compartment.as_str());
                (i, id, compartment)
            })
            .collect();
        InitialRecipe::new(
            &def,
            &order,
            |e| self.at_initial_time(e),
            initial,
            seeds,
            &states,
            // A symbol neither a state nor an expression of the model: a number.
            |id| {
                model.find_parameter_canonical(&self.name(id)).is_some().then(|| {
                    SaspError::unsupported(
                        "a sensitivity through a constant the model holds as a number although its initial value depends on the parameter (through rateOf)",
                        format!("SBML symbol '{id}' in {}", self.source),
                    )
                })
            },
            |id, why| self.no_derivative(id, why),
        )
    }

    fn no_derivative(&self, id: &str, why: &str) -> SaspError {
        SaspError::unsupported(
            "a sensitivity through an initial value that cannot be differentiated",
            format!("SBML symbol '{id}' in {} ({why})", self.source),
        )
    }

    /// Every symbol's value at time 0, as its symbol denotes it.
    fn initial_values(&self) -> Result<HashMap<String, f64>> {
        let (def, order) = self.initial_definitions()?;
        let mut values: HashMap<String, f64> = HashMap::new();
        for id in order {
            let e = self.at_initial_time(&def[id]);
            let v = e.eval(&|v| values.get(v).copied(), 0.0).map_err(|_| self.undefined(id, &e))?;
            values.insert(id.to_string(), v);
        }
        Ok(values)
    }

    /// The past of every symbol whose initial value depends on time (an
    /// initial assignment `sin(10*time)`: the symbol "has been oscillating"
    /// before time 0, SBML Test Suite cases 00938–00943): its initial
    /// value's math with the symbols it reads that are such symbols too
    /// replaced by their own pasts, a function of time. Empty for a model
    /// without delays (no past is read).
    ///
    /// A `rateOf` of such a symbol inside a delay is refused (its past rate
    /// is not the constant history's 0).
    fn past_histories(&self) -> Result<HashMap<String, Expr>> {
        let mut histories = HashMap::new();
        let mut delayed = false;
        for math in self.all_math() {
            math.visit(&mut |node| delayed |= matches!(node, Expr::Apply(Op::Delay, _)));
        }
        if !delayed {
            return Ok(histories);
        }
        let (def, order) = self.initial_definitions()?;
        for id in order {
            // A `rateOf` variable's definition is a rate, not a value it had
            // before the start (a delayed rate is 0 there: `rates_in_the_past`).
            if mathml::rate_of_target(id).is_some() {
                continue;
            }
            let e = &def[id];
            if e.depends_on_time() || e.symbols().iter().any(|v| histories.contains_key(&**v)) {
                let past = e.substitute(&|v| histories.get(v).cloned());
                histories.insert(id.to_string(), past);
            }
        }
        for math in self.all_math() {
            let mut found: Option<String> = None;
            math.visit(&mut |node| {
                let Expr::Apply(Op::Delay, args) = node else { return };
                if found.is_none() && !args.is_empty() {
                    let expanded = self.expand_definitions(&args[0]);
                    found = expanded
                        .symbols()
                        .into_iter()
                        .filter_map(|v| mathml::rate_of_target(&v).map(str::to_string))
                        .find(|x| histories.contains_key(x));
                }
            });
            if let Some(x) = found {
                return Err(SaspError::unsupported(
                    "rateOf, inside a delay, of a symbol whose initial value depends on time",
                    format!("'{x}' in {}", self.source),
                ));
            }
        }
        Ok(histories)
    }

    /// `x` with the assignment rules and kinetic laws it reads substituted
    /// (recursively: they read one another without cycles).
    fn expand_definitions(&self, x: &Expr) -> Expr {
        let definition = |v: &str| self.assignment_rules.get(v).copied().or_else(|| self.laws.get(v)).cloned();
        let mut x = x.clone();
        for _ in 0..=self.assignment_rules.len() + self.laws.len() {
            let expanded = std::cell::Cell::new(false);
            x = x.substitute(&|v| {
                let d = definition(v);
                expanded.set(expanded.get() || d.is_some());
                d
            });
            if !expanded.get() {
                break;
            }
        }
        x
    }

    /// `e` with the argument `x` of each delay that reads a symbol with a
    /// past ([`Importer::past_histories`]) expanded and each such symbol `v`
    /// read as `piecewise(past_v, time < 0, v)`: the delay evaluates it at
    /// the past time, so before time 0 it is the past, after it the run.
    fn histories_in_the_past(&self, e: &Expr) -> Expr {
        if self.histories.is_empty() {
            return e.clone();
        }
        e.map_delays(|x, lag| {
            let expanded = self.expand_definitions(x);
            let reads_past = expanded.symbols().iter().any(|v| self.histories.contains_key(&**v));
            let x = if reads_past {
                expanded.substitute(&|v| {
                    self.histories.get(v).map(|past| Expr::Piecewise {
                        pieces: vec![(past.clone(), Expr::binary(Op::Lt, Expr::Time, Expr::Num(0.0)))],
                        otherwise: Some(Box::new(Expr::var(v))),
                    })
                })
            } else {
                x.clone()
            };
            Expr::apply(Op::Delay, vec![x, lag])
        })
    }

    /// `e` at time 0 with each `delay(x, τ)` taken from the initial
    /// history: `x` at time `−τ`, the assignment rules and kinetic laws it
    /// reads evaluated then, a symbol whose initial value depends on time
    /// at its past ([`Importer::histories_in_the_past`]) and every other
    /// symbol at its initial value (as the model's history gives it during
    /// the run).
    fn at_initial_time(&self, e: &Expr) -> Expr {
        rates_in_the_past(&self.histories_in_the_past(e)).map_delays(|x, lag| {
            let x = self.expand_definitions(x);
            // A delay of a delay: the inner one taken from the history
            // first, then both shifted (`y` at `−τ₁ − τ₂`).
            let mut nested = false;
            x.visit(&mut |node| nested |= matches!(node, Expr::Apply(Op::Delay, _)));
            let x = if nested { self.at_initial_time(&x) } else { x };
            x.substitute_time(&Expr::binary(Op::Minus, Expr::Time, lag))
        })
    }

    /// The defining expression of each symbol at time 0, in SBML's terms,
    /// and the symbols in an order in which each definition's symbols come first.
    fn initial_definitions(&self) -> Result<(HashMap<&str, Expr>, Vec<&str>)> {
        let doc = self.doc;
        // The defining expression of each symbol at time 0, in SBML's terms.
        let mut def: HashMap<&str, Expr> = HashMap::new();
        for c in &doc.compartments {
            if let Some(v) = c.size {
                def.insert(&c.id, Expr::Num(v));
            } else if c.spatial_dimensions == Some(0.0) {
                def.insert(&c.id, Expr::Num(1.0));
            }
        }
        for p in &doc.parameters {
            if let Some(v) = p.value {
                def.insert(&p.id, Expr::Num(v));
            }
        }
        for s in &doc.species {
            let size = Expr::var(&s.compartment);
            let e = match (s.initial_amount, s.initial_concentration, s.has_only_substance_units) {
                (Some(a), _, true) => Expr::Num(a),
                (Some(a), _, false) => Expr::binary(Op::Divide, Expr::Num(a), size),
                (None, Some(c), false) => Expr::Num(c),
                (None, Some(c), true) => Expr::binary(Op::Times, Expr::Num(c), size),
                (None, None, _) => continue,
            };
            def.insert(&s.id, e);
        }
        for r in &doc.reactions {
            for sr in r.reactants.iter().chain(&r.products) {
                if let Some(id) = &sr.id {
                    def.insert(id, Expr::Num(sr.stoichiometry.unwrap_or(1.0)));
                }
            }
            if let Some(law) = self.laws.get(r.id.as_str()) {
                def.insert(&r.id, law.clone());
            }
        }
        for ia in &doc.initial_assignments {
            def.insert(&ia.symbol, ia.math.clone());
        }
        for (&id, &math) in &self.assignment_rules {
            def.insert(id, math.clone());
        }
        for (name, rate) in &self.rates {
            def.insert(name, rate.clone());
        }
        // A variable an algebraic rule determines, with no value of its
        // own: its Newton solve starts from 0.
        for &(v, _) in &self.algebraic {
            def.entry(v).or_insert(Expr::Num(0.0));
        }
        let order = dependency_order(&def, "initial assignments and assignment rules")?;
        Ok((def, order))
    }

    fn undefined(&self, id: &str, e: &Expr) -> SaspError {
        let missing: Vec<String> = e.symbols().iter().map(|s| s.to_string()).collect();
        ModelError::invalid(
            format!("SBML symbol '{id}' in {}", self.source),
            format!("has no initial value (its value needs {})", missing.join(", ")),
        )
        .into()
    }

    fn value_of(&self, initial: &HashMap<String, f64>, id: &str) -> Result<f64> {
        initial.get(id).copied().ok_or_else(|| self.no_initial_value(id))
    }

    fn no_initial_value(&self, id: &str) -> SaspError {
        ModelError::invalid(format!("SBML symbol '{id}' in {}", self.source), "has no initial value").into()
    }

    /// Declares compartments, species, parameters and species references
    /// as states, parameters or assignments; rate rules as processes.
    fn declare_symbols(&self, spec: &mut ModelSpec, initial: &HashMap<String, f64>) -> Result<()> {
        let doc = self.doc;
        let mut items: Vec<(&str, bool, &'static str)> = Vec::new();
        items.extend(doc.compartments.iter().map(|c| (c.id.as_str(), c.constant, "size")));
        items.extend(doc.species.iter().map(|s| (s.id.as_str(), s.constant, "species")));
        items.extend(doc.parameters.iter().map(|p| (p.id.as_str(), p.constant, "parameter")));
        for r in &doc.reactions {
            items.extend(
                r.reactants
                    .iter()
                    .chain(&r.products)
                    .filter_map(|s| s.id.as_deref().map(|id| (id, s.constant, "stoichiometry"))),
            );
        }
        for (id, constant, kind) in items {
            let name = self.name(id);
            if let Some(rule) = self.assignment_rules.get(id) {
                spec.assignments.push(AssignmentDecl::new(&name, &self.rewrite(rule).to_string()));
                continue;
            }
            if let Some(fast) = &self.fast {
                if let Some(i) = fast.species.iter().position(|s| s == id) {
                    self.declare_fast_species(fast, i, spec, initial)?;
                    continue;
                }
            }
            let rate_rule = self.rate_rules.get(id);
            let evented = self.event_targets.contains(id);
            let reacting = self.changed_by_reactions.contains(id);
            if constant && (rate_rule.is_some() || evented) {
                return Err(ModelError::invalid(
                    format!("SBML symbol '{id}' in {}", self.source),
                    "is constant but a rule or event changes it",
                )
                .into());
            }
            let determined = self.algebraic_rule_of(id);
            let is_state = rate_rule.is_some() || evented || reacting || determined.is_some();
            // A symbol without a value that is not a state is left out (an
            // expression that reads it is then refused when the model is built).
            if !initial.contains_key(id) {
                if is_state {
                    return Err(self.no_initial_value(id));
                }
                continue;
            }
            let value = self.initial_amount(id, initial)?;
            if is_state {
                spec.compartments.push(state(&name, kind, value)?);
                if let Some(rule) = determined {
                    spec.constraints.push(ConstraintDecl::new(&name, &self.rewrite(rule).to_string()));
                }
                if let Some(rule) = rate_rule {
                    let rate = self.rate_rule(id, rule)?;
                    let process = ProcessDecl::new(
                        &format!("rate rule {name}"),
                        RateLaw::Expression { rate: rate.to_string(), unit: None },
                    )
                    .change(&name, 1.0);
                    spec.processes.push(process);
                }
            } else {
                spec.parameters.push(ParameterDecl::new(&name, value, ""));
            }
        }
        Ok(())
    }

    /// The rate of change of the state a rate rule targets: the rule
    /// itself, except for a species whose symbol is a concentration, whose
    /// state is its amount `n = [S]·V`: `dn/dt = V·d[S]/dt + [S]·dV/dt`,
    /// with `dV/dt` the compartment's own rate rule (0 when its size is fixed).
    fn rate_rule(&self, id: &str, rule: &Expr) -> Result<Expr> {
        let rate = self.rewrite(rule);
        let Some(info) = self.species.get(id).filter(|s| !s.only_substance) else { return Ok(rate) };
        let c = info.compartment.as_str();
        let size = self.symbols[c].clone();
        let mut terms = vec![Expr::binary(Op::Times, size, rate)];
        if self.assignment_rules.contains_key(c) {
            return Err(SaspError::unsupported(
                "a rate rule on a species concentration in a compartment sized by an assignment rule",
                format!("species '{id}' in {}", self.source),
            ));
        }
        if let Some(size_rule) = self.rate_rules.get(c) {
            terms.push(Expr::binary(Op::Times, self.symbols[id].clone(), self.rewrite(size_rule)));
        }
        Ok(Expr::apply(Op::Plus, terms))
    }

    /// The stoichiometry of a species reference: a number, or an expression
    /// when it may change in time.
    fn stoichiometry(&self, sr: &super::read::SpeciesReference, initial: &HashMap<String, f64>) -> Result<Stoich> {
        if let Some(math) = &sr.stoichiometry_math {
            return Ok(Stoich::Expr(self.rewrite(math)));
        }
        match &sr.id {
            Some(id)
                if self.assignment_rules.contains_key(id.as_str())
                    || self.rate_rules.contains_key(id.as_str())
                    || self.event_targets.contains(id.as_str()) =>
            {
                Ok(Stoich::Expr(self.var(id)))
            }
            Some(id) => Ok(Stoich::Number(self.value_of(initial, id)?)),
            None => Ok(Stoich::Number(sr.stoichiometry.unwrap_or(1.0))),
        }
    }

    /// The conversion factor of a species: none, a number, or an expression.
    fn conversion_factor(&self, species: &str, initial: &HashMap<String, f64>) -> Result<Option<Stoich>> {
        let s = self.doc.species.iter().find(|s| s.id == species);
        let Some(id) = s.and_then(|s| s.conversion_factor.as_deref()).or(self.doc.conversion_factor.as_deref()) else {
            return Ok(None);
        };
        let constant =
            self.doc.parameters.iter().any(|p| p.id == id && p.constant) && !self.assignment_rules.contains_key(id);
        Ok(Some(if constant { Stoich::Number(self.value_of(initial, id)?) } else { Stoich::Expr(self.var(id)) }))
    }

    /// Each reaction as a process (numeric changes), plus one process per
    /// species whose change varies in time.
    fn declare_reactions(&self, spec: &mut ModelSpec, initial: &HashMap<String, f64>) -> Result<()> {
        for r in &self.doc.reactions {
            let Some(law) = self.laws.get(r.id.as_str()) else { continue };
            // The reaction's id is an assignment holding its rate.
            let name = self.name(&r.id);
            spec.assignments.push(AssignmentDecl::new(&name, &self.rewrite(law).to_string()));
            if r.fast {
                // Its effect is its equilibrium constraint.
                continue;
            }
            let rate = Expr::var(&name);
            // Net change of each species: a number, and/or expression terms.
            let mut numeric: Vec<(String, f64)> = Vec::new();
            let mut variable: Vec<(String, Expr)> = Vec::new();
            for (sign, sr) in r.reactants.iter().map(|s| (-1.0, s)).chain(r.products.iter().map(|s| (1.0, s))) {
                if !self.changed_by_reactions.contains(sr.species.as_str()) {
                    continue;
                }
                let name = self.name(&sr.species);
                let nu = self.stoichiometry(sr, initial)?;
                let cf = self.conversion_factor(&sr.species, initial)?;
                if let Some(fast) = &self.fast {
                    if let Some(i) = fast.species.iter().position(|s| s == &sr.species) {
                        let change = sign * fixed_change(nu, cf, &sr.species, self.source)?;
                        for (pool, v) in fast.pool_changes(i, change) {
                            add(&mut numeric, pool, v);
                        }
                        continue;
                    }
                }
                match (nu, cf) {
                    (Stoich::Number(n), None) => add(&mut numeric, &name, sign * n),
                    (Stoich::Number(n), Some(Stoich::Number(c))) => add(&mut numeric, &name, sign * n * c),
                    (nu, cf) => {
                        let mut factors = vec![Expr::Num(sign), nu.into_expr()];
                        if let Some(cf) = cf {
                            factors.push(cf.into_expr());
                        }
                        variable.push((name, Expr::apply(Op::Times, factors)));
                    }
                }
            }
            let changes: Vec<(String, f64)> = numeric.into_iter().filter(|(_, v)| *v != 0.0).collect();
            if !changes.is_empty() {
                let mut p = ProcessDecl::new(&name, RateLaw::Expression { rate: rate.to_string(), unit: None });
                for (s, v) in changes {
                    p = p.change(&s, v);
                }
                spec.processes.push(p);
            }
            for (k, (species, nu)) in variable.into_iter().enumerate() {
                let text = Expr::binary(Op::Times, nu, rate.clone()).to_string();
                let p = ProcessDecl::new(
                    &format!("{name} change {k} of {species}"),
                    RateLaw::Expression { rate: text, unit: None },
                )
                .change(&species, 1.0);
                spec.processes.push(p);
            }
        }
        Ok(())
    }

    /// An SBML event as a model event: triggers rewritten; a species held
    /// as an amount is set to `value · size`.
    fn event(&self, k: usize, e: &SbmlEvent) -> Result<EventDecl> {
        let name = e.id.clone().unwrap_or_else(|| format!("event_{k}"));
        let mut decl = EventDecl::new(&name, &self.rewrite(&e.trigger).to_string());
        decl.initial_value = e.initial_value;
        decl.persistent = e.persistent;
        decl.use_values_from_trigger_time = e.use_values_from_trigger_time;
        decl.delay = e.delay.as_ref().map(|d| self.rewrite(d).to_string());
        decl.priority = e.priority.as_ref().map(|p| self.rewrite(p).to_string());
        for (target, math) in &e.assignments {
            let value = self.rewrite(math);
            // A species held as an amount: the value times the size at
            // execution, before the event's own assignments, even if the
            // event sets the size too (the suite's case 01780) or the value
            // was computed at the trigger (case 01507).
            let scale = self
                .species
                .get(target)
                .filter(|info| info.holds == Holds::Amount && !info.only_substance)
                .map(|info| self.symbols[&info.compartment].to_string());
            if self.assignment_rules.contains_key(target.as_str()) {
                return Err(ModelError::invalid(
                    format!("event '{name}' in {}", self.source),
                    format!("sets '{target}', which an assignment rule defines"),
                )
                .into());
            }
            decl = decl.assign(&self.name(target), &value.to_string());
            if let Some(a) = decl.assignments.last_mut() {
                a.scale = scale;
            }
        }
        Ok(decl)
    }
}

/// `rateOf`: the rate of change of SBML symbols, in SBML's terms (a
/// species' id is its symbol's value, a reaction's id its rate), for
/// [`Importer::build`] to rewrite into model terms.
impl<'d> Importer<'d> {
    /// Every piece of math the document holds (kinetic laws with their
    /// local parameters substituted).
    fn all_math(&self) -> Vec<&Expr> {
        let doc = self.doc;
        let mut all: Vec<&Expr> = self.laws.values().collect();
        for rule in &doc.rules {
            all.push(match rule {
                Rule::Assignment { math, .. } | Rule::Rate { math, .. } | Rule::Algebraic { math } => math,
            });
        }
        all.extend(doc.initial_assignments.iter().map(|ia| &ia.math));
        for r in &doc.reactions {
            all.extend(r.reactants.iter().chain(&r.products).filter_map(|sr| sr.stoichiometry_math.as_ref()));
        }
        for e in &doc.events {
            all.push(&e.trigger);
            all.extend(e.delay.iter().chain(e.priority.iter()));
            all.extend(e.assignments.iter().map(|(_, m)| m));
        }
        all
    }

    /// The rate of each symbol whose `rateOf` the math reads, keyed by the
    /// variable that stands for it ([`mathml::rate_of`]).
    fn rates(&self) -> Result<HashMap<String, Expr>> {
        // In name order, so that an error names the same symbol every time.
        let names: std::collections::BTreeSet<_> = self.all_math().into_iter().flat_map(Expr::symbols).collect();
        let mut memo = HashMap::new();
        let mut out = HashMap::new();
        for name in names {
            if let Some(x) = mathml::rate_of_target(&name) {
                let rate = self.rate_of(x, &mut Vec::new(), &mut memo)?;
                out.insert(name.to_string(), rate);
            }
        }
        Ok(out)
    }

    /// `e` with each `rateOf(x)` variable replaced by x's rate.
    fn with_rates(&self, e: &Expr, stack: &mut Vec<String>, memo: &mut HashMap<String, Expr>) -> Result<Expr> {
        let mut map = HashMap::new();
        for name in e.symbols() {
            if let Some(x) = mathml::rate_of_target(&name) {
                map.insert(name.to_string(), self.rate_of(x, stack, memo)?);
            }
        }
        Ok(if map.is_empty() { e.clone() } else { e.substitute(&|v| map.get(v).cloned()) })
    }

    /// The rate of change of SBML symbol `id` as its symbol denotes it
    /// (see the module documentation). `stack`: the symbols whose rates
    /// are being worked out, so that a rate that needs itself is refused.
    fn rate_of(&self, id: &str, stack: &mut Vec<String>, memo: &mut HashMap<String, Expr>) -> Result<Expr> {
        if let Some(rate) = memo.get(id) {
            return Ok(rate.clone());
        }
        if stack.iter().any(|s| s == id) {
            let mut chain: Vec<&str> = stack.iter().map(String::as_str).collect();
            chain.push(id);
            return Err(ModelError::invalid(
                format!("rateOf({id}) in {}", self.source),
                format!("the rate depends on itself: rateOf({})", chain.join(") → rateOf(")),
            )
            .into());
        }
        stack.push(id.to_string());
        let rate = self.rate_of_uncached(id, stack, memo);
        stack.pop();
        let rate = rate?.simplify();
        memo.insert(id.to_string(), rate.clone());
        Ok(rate)
    }

    fn rate_of_uncached(&self, id: &str, stack: &mut Vec<String>, memo: &mut HashMap<String, Expr>) -> Result<Expr> {
        if self.fast_species().any(|s| s == id) {
            return Err(SaspError::unsupported(
                "rateOf a species that a fast reaction changes",
                format!("rateOf({id}) in {}", self.source),
            ));
        }
        if self.algebraic_rule_of(id).is_some() {
            return Err(SaspError::unsupported(
                "rateOf a variable an algebraic rule determines",
                format!("rateOf({id}) in {}", self.source),
            ));
        }
        if let Some(rule) = self.rate_rules.get(id) {
            return self.with_rates(rule, stack, memo);
        }
        if let Some(rule) = self.assignment_rules.get(id) {
            return self.time_derivative(id, rule, stack, memo);
        }
        if let Some(law) = self.laws.get(id) {
            return self.time_derivative(id, law, stack, memo);
        }
        if !self.symbols.contains_key(id) {
            return Err(ModelError::invalid(
                format!("rateOf({id}) in {}", self.source),
                format!("'{id}' is not a compartment, species, parameter, species reference or reaction with a rate"),
            )
            .into());
        }
        let Some(info) = self.species.get(id) else {
            // A compartment, parameter or species reference that only
            // events change (or nothing).
            return Ok(Expr::Num(0.0));
        };
        // A species held as its amount n: dn/dt from its reactions.
        let mut terms = Vec::new();
        if self.changed_by_reactions.contains(id) {
            let cf = self
                .doc
                .species
                .iter()
                .find(|s| s.id == id)
                .and_then(|s| s.conversion_factor.as_deref())
                .or(self.doc.conversion_factor.as_deref());
            for r in &self.doc.reactions {
                if !self.laws.contains_key(r.id.as_str()) {
                    continue;
                }
                let refs = r.reactants.iter().map(|s| (-1.0, s)).chain(r.products.iter().map(|s| (1.0, s)));
                for (sign, sr) in refs.filter(|(_, sr)| sr.species == id) {
                    let nu = match (&sr.stoichiometry_math, &sr.id) {
                        (Some(math), _) => self.with_rates(math, stack, memo)?,
                        (None, Some(sid)) => Expr::var(sid),
                        (None, None) => Expr::Num(sr.stoichiometry.unwrap_or(1.0)),
                    };
                    let mut factors = vec![Expr::Num(sign), nu, Expr::var(&r.id)];
                    factors.extend(cf.map(Expr::var));
                    terms.push(Expr::apply(Op::Times, factors));
                }
            }
        }
        let amount_rate = if terms.is_empty() { Expr::Num(0.0) } else { Expr::apply(Op::Plus, terms) };
        if info.only_substance {
            return Ok(amount_rate);
        }
        // The concentration [S] = n/V: d[S]/dt = (dn/dt)/V − [S]·(dV/dt)/V.
        let size = Expr::var(&info.compartment);
        let size_rate = self.rate_of(&info.compartment, stack, memo)?;
        let mut rate = Expr::binary(Op::Divide, amount_rate, size.clone());
        if size_rate != Expr::Num(0.0) {
            let dilution = Expr::binary(Op::Divide, Expr::binary(Op::Times, Expr::var(id), size_rate), size);
            rate = Expr::binary(Op::Minus, rate, dilution);
        }
        Ok(rate)
    }

    /// d/dt of the math `f` that defines `id` (an assignment rule or a
    /// kinetic law): the chain rule through each symbol it reads, plus
    /// ∂f/∂time.
    fn time_derivative(
        &self,
        id: &str,
        f: &Expr,
        stack: &mut Vec<String>,
        memo: &mut HashMap<String, Expr>,
    ) -> Result<Expr> {
        let context = || format!("rateOf({id}) in {}", self.source);
        let diff = |e: &Expr, v: &str| {
            e.diff(v).map_err(|err| match err {
                ExprError::Unsupported(construct) => SaspError::unsupported(construct, context()),
                other => SaspError::from(ModelError::invalid(context(), other.to_string())),
            })
        };
        let symbols = f.symbols();
        if symbols.iter().any(|s| mathml::rate_of_target(s).is_some()) {
            return Err(SaspError::unsupported("rateOf of a symbol whose definition reads rateOf", context()));
        }
        let mut terms = Vec::new();
        for v in &symbols {
            let partial = diff(f, v)?;
            if partial == Expr::Num(0.0) {
                continue;
            }
            let rate = self.rate_of(v, stack, memo)?;
            if rate != Expr::Num(0.0) {
                terms.push(Expr::binary(Op::Times, partial, rate));
            }
        }
        if f.depends_on_time() {
            // A name no SBML id can have stands for time while differentiating.
            const T: &str = "d/dtime";
            let dt = diff(&f.substitute_time(&Expr::var(T)), T)?;
            terms.push(dt.substitute(&|v| (v == T).then_some(Expr::Time)));
        }
        Ok(if terms.is_empty() { Expr::Num(0.0) } else { Expr::apply(Op::Plus, terms) })
    }
}

/// A stoichiometry or conversion factor: fixed, or varying in time.
enum Stoich {
    Number(f64),
    Expr(Expr),
}

impl Stoich {
    fn into_expr(self) -> Expr {
        match self {
            Stoich::Number(v) => Expr::Num(v),
            Stoich::Expr(e) => e,
        }
    }
}

fn add(changes: &mut Vec<(String, f64)>, name: &str, v: f64) {
    match changes.iter_mut().find(|(n, _)| n == name) {
        Some((_, x)) => *x += v,
        None => changes.push((name.to_string(), v)),
    }
}

/// A dimensionless state of the given role (`index.species`, `index.size` …).
fn state(name: &str, role: &str, initial: f64) -> Result<CompartmentDecl> {
    Ok(CompartmentDecl {
        name: name.to_string(),
        kind: Compartment::named(Quantity::Index, role)?,
        unit: String::new(),
        initial,
        description: String::new(),
    })
}

/// The ids of `def` in an order where each comes after those it reads
/// (depth-first, iterative; a cycle is refused naming `what`).
fn dependency_order<'k>(def: &HashMap<&'k str, Expr>, what: &str) -> Result<Vec<&'k str>> {
    let mut order = Vec::with_capacity(def.len());
    // 0 = new, 1 = on the stack, 2 = done.
    let mut state: HashMap<&str, u8> = HashMap::new();
    let mut keys: Vec<&&str> = def.keys().collect();
    keys.sort();
    for &&root in &keys {
        if state.get(root).copied().unwrap_or(0) != 0 {
            continue;
        }
        let mut stack: Vec<(&str, Vec<String>)> = vec![(root, deps(&def[root]))];
        state.insert(root, 1);
        while let Some((id, pending)) = stack.last_mut() {
            match pending.pop() {
                Some(dep) => {
                    let Some((&key, e)) = def.get_key_value(dep.as_str()) else { continue };
                    match state.get(key).copied().unwrap_or(0) {
                        0 => {
                            state.insert(key, 1);
                            stack.push((key, deps(e)));
                        }
                        1 => {
                            return Err(ModelError::invalid(
                                format!("SBML symbol '{key}'"),
                                format!("{what} depend on each other in a cycle (through '{id}')"),
                            )
                            .into())
                        }
                        _ => {}
                    }
                }
                None => {
                    let id = *id;
                    state.insert(id, 2);
                    order.push(id);
                    stack.pop();
                }
            }
        }
    }
    Ok(order)
}

fn deps(e: &Expr) -> Vec<String> {
    e.symbols().iter().map(|s| s.to_string()).collect()
}

/// Algebraic rules: the variable each determines ([`super::algebraic`]),
/// and what the import cannot yet do with them.
impl<'d> Importer<'d> {
    /// Each algebraic rule with the variable it determines, in document
    /// order. A variable nothing else determines is free: not constant, not
    /// set by an assignment rule, a rate rule or an event, and (a species)
    /// not changed by reactions. Refused: an overdetermined or ambiguous
    /// structure; the size of a compartment with a species whose amount at
    /// the start would need the size (one without an initialAmount).
    fn algebraic_variables(&self, rules: &[&'d Expr]) -> Result<Vec<(&'d str, &'d Expr)>> {
        if rules.is_empty() {
            return Ok(Vec::new());
        }
        let doc = self.doc;
        let source = self.source;
        // The variables nothing else determines, in document order.
        let mut free: Vec<&'d str> = Vec::new();
        free.extend(doc.compartments.iter().filter(|c| !c.constant).map(|c| c.id.as_str()));
        free.extend(
            doc.species
                .iter()
                .filter(|s| !s.constant && !self.changed_by_reactions.contains(s.id.as_str()))
                .map(|s| s.id.as_str()),
        );
        free.extend(doc.parameters.iter().filter(|p| !p.constant).map(|p| p.id.as_str()));
        for r in &doc.reactions {
            let references = r.reactants.iter().chain(&r.products).filter(|sr| !sr.constant);
            free.extend(references.filter_map(|sr| sr.id.as_deref()));
        }
        // An event's target is not free either: the rule would overrule the event.
        free.retain(|id| {
            !self.assignment_rules.contains_key(id)
                && !self.rate_rules.contains_key(id)
                && !self.event_targets.contains(id)
        });
        let index: HashMap<&str, usize> = free.iter().enumerate().map(|(k, &id)| (id, k)).collect();
        let adj: Vec<Vec<usize>> = rules
            .iter()
            .map(|math| {
                let mut v: Vec<usize> =
                    self.reads(math).iter().filter_map(|id| index.get(id.as_str()).copied()).collect();
                v.sort_unstable();
                v.dedup();
                v
            })
            .collect();
        let matched = super::algebraic::unique_matching(&adj, free.len()).map_err(|e| match e {
            super::algebraic::Unmatched::Overdetermined(k) => SaspError::from(ModelError::invalid(
                format!("algebraic rule {} in {source}", k + 1),
                "has no variable left to determine: each variable it reads is constant, set by another rule, \
                 changed by reactions or determined by another algebraic rule (the model is overdetermined)",
            )),
            super::algebraic::Unmatched::Ambiguous(k, a, b) => SaspError::unsupported(
                "an algebraic rule whose variable is not unique",
                format!("algebraic rule {} in {source} could determine '{}' or '{}'", k + 1, free[a], free[b]),
            ),
        })?;
        let out: Vec<(&'d str, &'d Expr)> = rules.iter().zip(matched).map(|(&math, v)| (free[v], math)).collect();
        for &(v, _) in &out {
            // A species held as its amount whose symbol is a concentration
            // starts from its initialAmount (the size is not known yet).
            let by_concentration = doc.species.iter().find(|s| {
                s.compartment == v
                    && !s.has_only_substance_units
                    && !self.assignment_rules.contains_key(s.id.as_str())
                    && self.amount_given(&s.id).is_none()
            });
            if let Some(s) = by_concentration {
                return Err(SaspError::unsupported(
                    "a species without an initialAmount in a compartment whose size an algebraic rule determines",
                    format!("species '{}' in compartment '{v}' in {source}", s.id),
                ));
            }
        }
        Ok(out)
    }

    /// The SBML symbols `math` reads, directly or through the assignment
    /// rules and reaction rates it reads.
    fn reads(&self, math: &Expr) -> HashSet<String> {
        let mut out = HashSet::new();
        let mut stack: Vec<String> = math.symbols().into_iter().map(|s| s.to_string()).collect();
        while let Some(s) = stack.pop() {
            let next = self.assignment_rules.get(s.as_str()).copied().or_else(|| self.laws.get(s.as_str()));
            if let Some(e) = next {
                if !out.contains(&s) {
                    stack.extend(e.symbols().into_iter().map(|x| x.to_string()));
                }
            }
            out.insert(s);
        }
        out
    }

    /// The `initialAmount` of species `id` when that is its initial value
    /// (no initial assignment overrides it).
    fn amount_given(&self, id: &str) -> Option<f64> {
        let s = self.doc.species.iter().find(|s| s.id == id)?;
        let assigned = self.doc.initial_assignments.iter().any(|ia| ia.symbol == id);
        s.initial_amount.filter(|_| !assigned)
    }

    /// The variable algebraic rule determines `id`, with its rule's math.
    fn algebraic_rule_of(&self, id: &str) -> Option<&'d Expr> {
        self.algebraic.iter().find(|(v, _)| *v == id).map(|&(_, math)| math)
    }

    /// Refuses an initial value (other than an assignment rule's or a
    /// reaction's, which the model evaluates on the state) that is
    /// computed from a variable an algebraic rule determines or a species
    /// a fast reaction changes: the import computes initial values before
    /// the solver makes those consistent, so it would read the declared
    /// value instead.
    fn check_algebraic_initial_values(&self) -> Result<()> {
        let mut tainted: HashMap<&str, &str> = self.algebraic.iter().map(|&(v, _)| (v, v)).collect();
        tainted.extend(self.fast_species().map(|s| (s, s)));
        if tainted.is_empty() {
            return Ok(());
        }
        let (def, order) = self.initial_definitions()?;
        for id in order {
            if tainted.contains_key(id) {
                continue;
            }
            let Some(from) = def[id].symbols().iter().find_map(|s| tainted.get(&**s).copied()) else { continue };
            tainted.insert(id, from);
            // Assignment rules and reaction rates are evaluated on the
            // state; a species with an initialAmount holds it as its state
            // (only its concentration reads the size).
            let evaluated = self.assignment_rules.contains_key(id)
                || self.laws.contains_key(id)
                || (self.species.contains_key(id) && self.amount_given(id).is_some());
            if !evaluated && !self.rates.contains_key(id) {
                return Err(SaspError::unsupported(
                    "an initial value computed from a variable an algebraic rule determines or a fast reaction changes",
                    format!("'{id}' reads '{from}' in {}", self.source),
                ));
            }
        }
        Ok(())
    }
}

/// The fast reactions of an SBML model as equilibrium constraints
/// ([`super::fast`]): the species they change, each a pivot (an algebraic
/// state held by a fast constraint: the rate at which the fast reactions
/// change it) or the sum of a pool state and pivots (`S_q = u + A S_p`, an
/// assignment).
struct FastSystem {
    /// SBML ids of the species the fast reactions change, in document order.
    species: Vec<String>,
    /// The change of each species by each fast reaction (`N_f`, amounts).
    changes: Vec<Vec<f64>>,
    /// The elimination: pivots and rows of `A`.
    elimination: super::fast::Elimination,
    /// Each fast reaction's kinetic law, in model terms (its constraint).
    laws: Vec<Expr>,
    /// The model name of each non-pivot species' pool state.
    pools: Vec<Option<String>>,
}

impl FastSystem {
    /// The pool changes of a change `v` of species `i` (by a slow
    /// reaction): `v` to its own pool, or for a pivot `−A_{q,k} v` to each
    /// pool `q`.
    fn pool_changes(&self, i: usize, v: f64) -> Vec<(&str, f64)> {
        let e = &self.elimination;
        match &self.pools[i] {
            Some(pool) => vec![(pool.as_str(), v)],
            None => {
                let k = e.pivots.iter().position(|&p| p == i).unwrap_or(0);
                e.rows
                    .iter()
                    .zip(&self.pools)
                    .filter_map(|(row, pool)| Some((pool.as_deref()?, -row.as_ref()?[k] * v)))
                    .filter(|&(_, c)| c != 0.0)
                    .collect()
            }
        }
    }
}

/// A change `ν·cf` that must be a number (a species a fast reaction changes).
fn fixed_change(nu: Stoich, cf: Option<Stoich>, species: &str, source: &str) -> Result<f64> {
    match (nu, cf) {
        (Stoich::Number(n), None) => Ok(n),
        (Stoich::Number(n), Some(Stoich::Number(c))) => Ok(n * c),
        _ => Err(SaspError::unsupported(
            "a stoichiometry or conversion factor that varies in time for a species a fast reaction changes",
            format!("species '{species}' in {source}"),
        )),
    }
}

/// Fast reactions (see [`FastSystem`]).
impl<'d> Importer<'d> {
    /// The SBML ids of the species the fast reactions change (not
    /// boundary, not constant), in document order, each once.
    fn fast_species(&self) -> impl Iterator<Item = &'d str> + '_ {
        let doc = self.doc;
        let changed: HashSet<&str> = doc
            .reactions
            .iter()
            .filter(|r| r.fast)
            .flat_map(|r| r.reactants.iter().chain(&r.products))
            .map(|sr| sr.species.as_str())
            .filter(|s| self.changed_by_reactions.contains(s))
            .collect();
        doc.species.iter().map(|s| s.id.as_str()).filter(move |s| changed.contains(s))
    }

    /// The fast reactions' elimination, or `None` without fast reactions.
    /// Refused: a fast reaction without a kinetic law, stoichiometries
    /// that vary in time, fast reactions whose stoichiometries are linearly
    /// dependent, and events that set a species the fast reactions change.
    fn fast_system(&self, initial: &HashMap<String, f64>) -> Result<Option<FastSystem>> {
        let doc = self.doc;
        let fast: Vec<&super::read::Reaction> = doc.reactions.iter().filter(|r| r.fast).collect();
        if fast.is_empty() {
            return Ok(None);
        }
        let species: Vec<String> = self.fast_species().map(str::to_string).collect();
        if let Some(s) = species.iter().find(|s| self.event_targets.contains(s.as_str())) {
            return Err(SaspError::unsupported(
                "an event assignment to a species that a fast reaction changes",
                format!("species '{s}' in {}", self.source),
            ));
        }
        let m = fast.len();
        let mut n_f = vec![vec![0.0; m]; species.len()];
        let mut laws = Vec::with_capacity(m);
        for (k, r) in fast.iter().enumerate() {
            let law = self.laws.get(r.id.as_str()).ok_or_else(|| {
                SaspError::unsupported(
                    "a fast reaction without a kinetic law",
                    format!("reaction '{}' in {}", r.id, self.source),
                )
            })?;
            laws.push(self.rewrite(law));
            for (sign, sr) in r.reactants.iter().map(|s| (-1.0, s)).chain(r.products.iter().map(|s| (1.0, s))) {
                let Some(i) = species.iter().position(|s| s == &sr.species) else { continue };
                let nu = self.stoichiometry(sr, initial)?;
                let cf = self.conversion_factor(&sr.species, initial)?;
                n_f[i][k] += sign * fixed_change(nu, cf, &sr.species, self.source)?;
            }
        }
        let elimination = super::fast::eliminate(&n_f, m).ok_or_else(|| {
            SaspError::unsupported(
                "fast reactions whose stoichiometries are linearly dependent",
                format!(
                    "reactions {} in {}",
                    fast.iter().map(|r| format!("'{}'", r.id)).collect::<Vec<_>>().join(", "),
                    self.source
                ),
            )
        })?;
        let mut taken: HashSet<String> = self.symbols.keys().cloned().chain(self.names.values().cloned()).collect();
        let pools = elimination
            .rows
            .iter()
            .zip(&species)
            .map(|(row, s)| {
                row.as_ref().map(|_| {
                    let mut name = format!("{}_pool", self.name(s));
                    while taken.contains(&name) {
                        name.push('_');
                    }
                    taken.insert(name.clone());
                    name
                })
            })
            .collect();
        Ok(Some(FastSystem { species, changes: n_f, elimination, laws, pools }))
    }

    /// The initial value of symbol `id`'s state: its symbol's value, or
    /// for a species held as the amount of a concentration, that times the
    /// size (its `initialAmount` itself where an algebraic rule sizes the
    /// compartment, whose size is not known yet).
    fn initial_amount(&self, id: &str, initial: &HashMap<String, f64>) -> Result<f64> {
        let value = self.value_of(initial, id)?;
        match self.species.get(id) {
            Some(info) if info.holds == Holds::Amount && !info.only_substance => match self.amount_given(id) {
                Some(amount) if self.algebraic_rule_of(&info.compartment).is_some() => Ok(amount),
                _ => Ok(value * self.value_of(initial, &info.compartment)?),
            },
            _ => Ok(value),
        }
    }

    /// Species `i` of the fast reactions: a pivot is a state (its amount)
    /// held by a fast constraint, the rate at which the fast reactions
    /// change it; any other species is
    /// the assignment `S_q = u + Σ_k A_{q,k} S_{p_k}` over a pool state `u`
    /// that starts at `S_q(0) − Σ_k A_{q,k} S_{p_k}(0)`.
    fn declare_fast_species(
        &self,
        fast: &FastSystem,
        i: usize,
        spec: &mut ModelSpec,
        initial: &HashMap<String, f64>,
    ) -> Result<()> {
        let e = &fast.elimination;
        let id = &fast.species[i];
        let name = self.name(id);
        match (&e.rows[i], &fast.pools[i]) {
            (Some(row), Some(pool)) => {
                let mut u0 = self.initial_amount(id, initial)?;
                let mut terms = vec![Expr::var(pool)];
                for (&p, &a) in e.pivots.iter().zip(row) {
                    if a != 0.0 {
                        u0 -= a * self.initial_amount(&fast.species[p], initial)?;
                        terms.push(Expr::binary(Op::Times, Expr::Num(a), Expr::var(&self.name(&fast.species[p]))));
                    }
                }
                spec.compartments.push(state(pool, "species", u0)?);
                spec.assignments.push(AssignmentDecl::new(&name, &Expr::apply(Op::Plus, terms).to_string()));
            }
            _ => {
                // Its constraint: the rate at which the fast reactions
                // change it, Σ_k N_{p,k} v_k (zero with the laws, and the
                // relaxation whose equilibrium the fast reactions reach).
                let terms: Vec<Expr> = fast.changes[i]
                    .iter()
                    .zip(&fast.laws)
                    .filter(|(&nu, _)| nu != 0.0)
                    .map(|(&nu, law)| Expr::binary(Op::Times, Expr::Num(nu), law.clone()))
                    .collect();
                spec.compartments.push(state(&name, "species", self.initial_amount(id, initial)?)?);
                spec.constraints.push(ConstraintDecl::fast(&name, &Expr::apply(Op::Plus, terms).to_string()));
            }
        }
        Ok(())
    }
}
