//! The Flux Balance Constraints package (fbc, versions 1 and 2): flux
//! bounds and objectives read from a document ([`FluxBalanceDecl`]) and
//! made into a [`FluxBalance`] problem ([`flux_balance`]).
//!
//! What the problem is made of:
//!
//! | fbc | becomes |
//! |---|---|
//! | every reaction | a flux `v_j`, bounded by the bounds below, unbounded where none is given |
//! | a species that is neither a boundary species nor constant | a steady state `Σ_j S_ij v_j = 0` |
//! | a species reference | `S_ij`: its stoichiometry (its id's value after initial assignments), minus for reactants |
//! | fbc v1 `<fbc:fluxBound fbc:operation="lessEqual \| greaterEqual \| equal" fbc:value=…>` | `v ≤ value`, `v ≥ value`, `v = value`; several bounds of one reaction intersect (an empty intersection: infeasible) |
//! | fbc v2 `fbc:lowerFluxBound`, `fbc:upperFluxBound` on a reaction | `v ≥ p`, `v ≤ p` with the value of parameter `p` at time 0: its assignment rule, else its initial assignment, else its `value` |
//! | the active `<fbc:objective fbc:type="maximize \| minimize">` | `z = Σ coefficient · v` over its flux objectives, maximized or minimized; its id reads `z` |
//!
//! Kinetic laws, rules that do not set a bound or a stoichiometry, and
//! events play no part (flux balance is a steady state of the network's
//! stoichiometry, not of its kinetics), nor do gene products and their
//! associations (annotations of the reactions), `fbc:strict`, charges and
//! chemical formulas. Objectives other than the active one are read and
//! not used.
//!
//! Refused by name ([`SaspError::Unsupported`]): fbc version 3's
//! user-defined constraints and quadratic flux objectives, the strict
//! operations `less` and `greater` of fbc v1 (a linear program has no
//! strict inequalities), species references whose stoichiometry varies in
//! time (set by a rule or an event, or L2 `stoichiometryMath`), and a package version
//! other than 1, 2 or 3.

use roxmltree::Node;

use std::cell::RefCell;
use std::collections::HashMap;

use super::read::{Document, Reader, Rule};
use crate::error::{ModelError, Result, SaspError};
use crate::flux_balance::{FluxBalance, Sense};

/// The namespace of fbc version `n` is this prefix followed by `n`.
pub const FBC_NS_PREFIX: &str = "http://www.sbml.org/sbml/level3/version1/fbc/version";

/// What a document's fbc elements declare.
#[derive(Clone, Debug, PartialEq)]
pub struct FluxBalanceDecl {
    /// The package version (1, 2 or 3).
    pub version: u32,
    /// fbc v1 `<fbc:fluxBound>`s, in document order.
    pub flux_bounds: Vec<FluxBoundDecl>,
    /// fbc v2 reaction bounds: `(reaction, lowerFluxBound, upperFluxBound)`,
    /// parameter ids, for each reaction that names either.
    pub reaction_bounds: Vec<(String, Option<String>, Option<String>)>,
    /// The objectives, in document order.
    pub objectives: Vec<ObjectiveDecl>,
    /// The id of the active objective (`fbc:activeObjective`).
    pub active_objective: Option<String>,
}

/// An fbc v1 `<fbc:fluxBound>`.
#[derive(Clone, Debug, PartialEq)]
pub struct FluxBoundDecl {
    /// The reaction it bounds.
    pub reaction: String,
    /// How: `v ≤ value`, `v ≥ value` or `v = value`.
    pub operation: BoundOperation,
    /// The value.
    pub value: f64,
}

/// The operation of an fbc v1 flux bound.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BoundOperation {
    /// `lessEqual`: `v ≤ value`.
    LessEqual,
    /// `greaterEqual`: `v ≥ value`.
    GreaterEqual,
    /// `equal`: `v = value`.
    Equal,
}

/// An `<fbc:objective>`.
#[derive(Clone, Debug, PartialEq)]
pub struct ObjectiveDecl {
    /// Its id.
    pub id: String,
    /// `fbc:type`.
    pub sense: Sense,
    /// Its flux objectives: `(reaction, coefficient)`.
    pub terms: Vec<(String, f64)>,
}

/// What the fbc reader refused in a document, kept until a flux balance
/// analysis asks for the declarations ([`flux_balance`]): a construct it
/// does not implement, or an invalid declaration.
#[derive(Clone, Debug, PartialEq)]
pub enum FbcRefusal {
    /// A construct refused by name ([`SaspError::Unsupported`]).
    Unsupported {
        /// The construct.
        construct: String,
        /// Where it was found.
        context: String,
    },
    /// An invalid declaration: the error's text.
    Invalid(String),
}

impl From<SaspError> for FbcRefusal {
    fn from(e: SaspError) -> FbcRefusal {
        match e {
            SaspError::Unsupported { construct, context } => FbcRefusal::Unsupported { construct, context },
            other => FbcRefusal::Invalid(other.to_string()),
        }
    }
}

/// The fbc version whose namespace is `uri`, if `uri` is an fbc namespace.
fn fbc_version(uri: &str) -> Option<&str> {
    uri.strip_prefix(FBC_NS_PREFIX)
}

impl Reader<'_> {
    /// The fbc declarations of `model`, `None` when no fbc namespace is in
    /// scope there.
    pub(super) fn flux_balance_decl<'a, 'i>(&self, model: Node<'a, 'i>) -> crate::Result<Option<FluxBalanceDecl>> {
        let Some((uri, version)) =
            model.namespaces().find_map(|n| fbc_version(n.uri()).map(|v| (n.uri().to_string(), v.to_string())))
        else {
            return Ok(None);
        };
        let version: u32 = match version.as_str() {
            "1" => 1,
            "2" => 2,
            "3" => 3,
            other => return Err(self.unsupported(format!("fbc version {other}"), model)),
        };
        let ns = uri.as_str();
        let is = |n: &Node, name: &str| {
            n.is_element() && n.tag_name().name() == name && n.tag_name().namespace() == Some(ns)
        };
        let required = |n: Node, name: &str| -> crate::Result<String> {
            n.attribute((ns, name))
                .map(str::to_string)
                .ok_or_else(|| self.invalid(n, format!("missing required attribute 'fbc:{name}'")))
        };
        let number = |n: Node, name: &str| -> crate::Result<f64> {
            let text = required(n, name)?;
            super::read::parse_number(&text)
                .ok_or_else(|| self.invalid(n, format!("attribute 'fbc:{name}' is not a number: '{text}'")))
        };
        fn items<'a, 'i>(
            parent: Node<'a, 'i>,
            is: impl Fn(&Node, &str) -> bool,
            list: &str,
            item: &str,
        ) -> Vec<Node<'a, 'i>> {
            let lists = parent.children().filter(|c| is(c, list));
            lists.flat_map(|l| l.children().filter(|c| is(c, item)).collect::<Vec<_>>()).collect()
        }
        if let Some(n) = model.descendants().find(|n| is(n, "listOfUserDefinedConstraints")) {
            return Err(self.unsupported("fbc user-defined constraints", n));
        }
        let mut decl = FluxBalanceDecl {
            version,
            flux_bounds: Vec::new(),
            reaction_bounds: Vec::new(),
            objectives: Vec::new(),
            active_objective: None,
        };
        for b in items(model, is, "listOfFluxBounds", "fluxBound") {
            let operation = match required(b, "operation")?.trim() {
                "lessEqual" => BoundOperation::LessEqual,
                "greaterEqual" => BoundOperation::GreaterEqual,
                "equal" => BoundOperation::Equal,
                strict @ ("less" | "greater") => {
                    return Err(self.unsupported(format!("fbc:operation '{strict}' (a strict inequality)"), b))
                }
                other => return Err(self.invalid(b, format!("fbc:operation '{other}' is not an operation"))),
            };
            decl.flux_bounds.push(FluxBoundDecl {
                reaction: required(b, "reaction")?,
                operation,
                value: number(b, "value")?,
            });
        }
        for r in self.list(model, "listOfReactions", "reaction") {
            let (lower, upper) = (r.attribute((ns, "lowerFluxBound")), r.attribute((ns, "upperFluxBound")));
            if lower.is_some() || upper.is_some() {
                let id = r.attribute("id").unwrap_or("").to_string();
                decl.reaction_bounds.push((id, lower.map(str::to_string), upper.map(str::to_string)));
            }
        }
        for list in model.children().filter(|c| is(c, "listOfObjectives")) {
            decl.active_objective = list.attribute((ns, "activeObjective")).map(str::to_string);
            for o in list.children().filter(|c| is(c, "objective")) {
                let sense = match required(o, "type")?.trim() {
                    "maximize" => Sense::Maximize,
                    "minimize" => Sense::Minimize,
                    other => {
                        return Err(self.invalid(o, format!("fbc:type '{other}' is neither maximize nor minimize")))
                    }
                };
                let mut terms = Vec::new();
                for f in items(o, is, "listOfFluxObjectives", "fluxObjective") {
                    if f.attribute((ns, "variableType")).is_some_and(|t| t.trim() == "quadratic") {
                        return Err(self.unsupported("a quadratic fbc flux objective", f));
                    }
                    terms.push((required(f, "reaction")?, number(f, "coefficient")?));
                }
                decl.objectives.push(ObjectiveDecl { id: required(o, "id")?, sense, terms });
            }
        }
        Ok(Some(decl))
    }
}

/// Is `id` set by a rule or an event (a value that changes in time)?
fn changes_in_time(doc: &Document, id: &str) -> bool {
    let ruled = doc.rules.iter().any(|r| match r {
        Rule::Assignment { variable, .. } | Rule::Rate { variable, .. } => variable == id,
        Rule::Algebraic { .. } => false,
    });
    ruled || doc.events.iter().any(|e| e.assignments.iter().any(|(v, _)| v == id))
}

/// Deepest chain of assignments [`InitialValues`] follows.
const MAX_CHAIN: usize = 1000;

/// The values of parameters, compartments and species references at time
/// 0: an assignment rule's math, else an initial assignment's, else the
/// attribute; evaluated on demand, remembered.
struct InitialValues<'d> {
    doc: &'d Document,
    memo: RefCell<HashMap<String, f64>>,
}

impl InitialValues<'_> {
    fn value(&self, id: &str, depth: usize) -> Result<f64> {
        if let Some(&x) = self.memo.borrow().get(id) {
            return Ok(x);
        }
        let doc = self.doc;
        let item = || format!("SBML symbol '{id}'");
        if depth > MAX_CHAIN {
            return Err(ModelError::invalid(
                item(),
                format!("its value needs a chain of more than {MAX_CHAIN} assignments (a cycle?)"),
            )
            .into());
        }
        let rule = doc.rules.iter().find_map(|r| match r {
            Rule::Assignment { variable, math } if variable == id => Some(math),
            _ => None,
        });
        let math = rule.or_else(|| doc.initial_assignments.iter().find(|a| a.symbol == id).map(|a| &a.math));
        let x = if let Some(math) = math {
            let mut known = HashMap::new();
            for s in math.symbols() {
                known.insert(s.to_string(), self.value(&s, depth + 1)?);
            }
            math.eval(&|v| known.get(v).copied(), 0.0)
                .map_err(|e| SaspError::from(ModelError::invalid(item(), format!("its initial value: {e}"))))?
        } else if let Some(p) = doc.parameters.iter().find(|p| p.id == id) {
            p.value.ok_or_else(|| ModelError::invalid(item(), "has no value"))?
        } else if let Some(c) = doc.compartments.iter().find(|c| c.id == id) {
            c.size.ok_or_else(|| ModelError::invalid(item(), "has no size"))?
        } else if let Some(sr) = doc
            .reactions
            .iter()
            .flat_map(|r| r.reactants.iter().chain(&r.products))
            .find(|sr| sr.id.as_deref() == Some(id))
        {
            sr.stoichiometry.ok_or_else(|| ModelError::invalid(item(), "has no stoichiometry"))?
        } else if doc.species.iter().any(|s| s.id == id) || doc.reactions.iter().any(|r| r.id == id) {
            return Err(SaspError::unsupported(
                "a flux bound or stoichiometry that reads a species or a reaction",
                item(),
            ));
        } else {
            return Err(ModelError::invalid(item(), "is not declared").into());
        };
        self.memo.borrow_mut().insert(id.to_string(), x);
        Ok(x)
    }
}

/// The flux balance problem of an SBML document with fbc (see the [module
/// documentation](self)); `source` names the document in errors. The
/// objective is the active one, named by its id.
///
/// # Errors
///
/// [`ModelError::Invalid`] for a document without fbc or without an
/// active objective, a bound or objective that names an unknown reaction or
/// parameter, a bound that is not a number (bounds that exclude each other
/// make the problem infeasible, not an error), an initial value that cannot be evaluated (undeclared, no value,
/// a cycle of assignments); [`SaspError::Unsupported`] for what the module
/// refuses, and for a bound or stoichiometry whose math reads a species or
/// a reaction.
pub fn flux_balance(doc: &Document, source: &str) -> Result<FluxBalance> {
    let invalid = |item: String, reason: String| -> SaspError { ModelError::invalid(item, reason).into() };
    let decl = match &doc.flux_balance {
        None => return Err(invalid(source.to_string(), "declares no flux balance constraints (fbc)".into())),
        Some(Err(FbcRefusal::Unsupported { construct, context })) => {
            return Err(SaspError::unsupported(construct.clone(), context.clone()))
        }
        Some(Err(FbcRefusal::Invalid(reason))) => return Err(invalid(format!("fbc in {source}"), reason.clone())),
        Some(Ok(decl)) => decl,
    };
    let values = InitialValues { doc, memo: RefCell::new(HashMap::new()) };
    let value = |id: &str| values.value(id, 0);
    let metabolite = |species: &str| {
        doc.species.iter().find(|s| s.id == species).is_some_and(|s| !s.boundary_condition && !s.constant)
    };
    let mut fba = FluxBalance::new();
    for r in &doc.reactions {
        let mut changes: Vec<(&str, f64)> = Vec::new();
        for (sign, sr) in r.reactants.iter().map(|s| (-1.0, s)).chain(r.products.iter().map(|s| (1.0, s))) {
            let what = || format!("species reference of '{}' in reaction '{}'", sr.species, r.id);
            if sr.stoichiometry_math.is_some() || sr.id.as_deref().is_some_and(|id| changes_in_time(doc, id)) {
                return Err(SaspError::unsupported("a variable stoichiometry in flux balance analysis", what()));
            }
            let nu = match (&sr.id, sr.stoichiometry) {
                (Some(id), _) => value(id)?,
                (None, Some(s)) => s,
                (None, None) => return Err(invalid(what(), "has no stoichiometry".into())),
            };
            if metabolite(&sr.species) {
                changes.push((&sr.species, sign * nu));
            }
        }
        fba.add_reaction(&r.id, &changes, f64::NEG_INFINITY, f64::INFINITY)?;
    }
    // Several bounds of a reaction intersect; bounds that exclude each
    // other make the problem infeasible, not invalid.
    let mut tighten = |reaction: &str, lower: f64, upper: f64, what: &str| -> Result<()> {
        if fba.bounds(reaction).is_none() {
            return Err(invalid(format!("{what} of reaction '{reaction}'"), "names no reaction of the model".into()));
        }
        fba.intersect_bounds(reaction, lower, upper)
    };
    for b in &decl.flux_bounds {
        let (lower, upper) = match b.operation {
            BoundOperation::LessEqual => (f64::NEG_INFINITY, b.value),
            BoundOperation::GreaterEqual => (b.value, f64::INFINITY),
            BoundOperation::Equal => (b.value, b.value),
        };
        tighten(&b.reaction, lower, upper, "fbc:fluxBound")?;
    }
    for (reaction, lower, upper) in &decl.reaction_bounds {
        let bound = |p: &Option<String>, what: &str| -> Result<Option<f64>> {
            p.as_deref()
                .map(|p| {
                    if !doc.parameters.iter().any(|q| q.id == p) {
                        return Err(invalid(
                            format!("{what} of reaction '{reaction}'"),
                            format!("'{p}' is not a parameter"),
                        ));
                    }
                    value(p)
                })
                .transpose()
        };
        let lower = bound(lower, "fbc:lowerFluxBound")?.unwrap_or(f64::NEG_INFINITY);
        let upper = bound(upper, "fbc:upperFluxBound")?.unwrap_or(f64::INFINITY);
        tighten(reaction, lower, upper, "fbc flux bounds")?;
    }
    let Some(active) = &decl.active_objective else {
        return Err(invalid(source.to_string(), "has no active fbc objective (fbc:activeObjective)".into()));
    };
    let objective =
        decl.objectives.iter().find(|o| &o.id == active).ok_or_else(|| {
            invalid(format!("fbc:activeObjective '{active}'"), "names no objective of the model".into())
        })?;
    let terms: Vec<(&str, f64)> = objective.terms.iter().map(|(r, c)| (r.as_str(), *c)).collect();
    fba.set_objective(&objective.id, objective.sense, &terms)?;
    Ok(fba)
}
