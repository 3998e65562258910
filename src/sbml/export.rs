//! SBML Level 3 Version 2 export of a well-mixed model, optionally with an
//! arm's interventions applied (antibody compartments and processes become
//! species and reactions; doses and doxycycline switches become events).
//!
//! - One SBML compartment (`tumor`, size 1; `tumor_`, `tumor__` … if the
//!   model uses the name itself); every state variable is a species
//!   with `hasOnlySubstanceUnits="true"`, so kinetic laws use the amounts in
//!   the model's own units (10⁶ cells, nM, index) exactly as `sasp` does.
//! - Units: `day` (86400 s), `Mcells` (10⁶ items), `nM` (10⁻⁹ mol/L), `mm`, and
//!   a unit definition per parameter dimension.
//! - Parameters carry their canonical values; inputs (doxycycline) are
//!   non-constant parameters that events set.
//! - Observables ([`export_experiment`]: the experiment's declared ones,
//!   hidden ones included) are non-constant parameters set by assignment
//!   rules: a pool is a sum of species, a ratio
//!   `scale · num/(den + offset)` refers to the rules of its numerator and
//!   denominator (NaN, `<notanumber/>`, while the denominator is below its
//!   limit), a total adds the complexes of the arm's antibodies that hold
//!   the species, and summed process rates refer to the reactions' ids
//!   (SBML L3: a reaction's id stands for its rate). [`export`] writes the
//!   model and arm alone.
//! - Expression rate laws ([`RateLaw::Expression`]) are written as their
//!   math ([`mathml::write`]), read as the model reads them (its names
//!   shadow reserved words; a pool is the sum of its members); their
//!   reactions are marked reversible, since such a rate may take either
//!   sign. The model's `[[assignment]]`s are non-constant parameters set by
//!   assignment rules (before the observables' rules), and its `[[event]]`s
//!   SBML events with persistent triggers (`initialValue` as declared), no
//!   delay and no priority, setting species. Custom (closure) laws cannot be
//!   written and are refused; so is a call of a user function.
//! - A compartment or parameter whose unit is undeclared (an imported SBML
//!   model's) is written as dimensionless; values SBML allows but sasp's
//!   own models do not (±∞, NaN) as `INF`, `-INF`, `NaN`.
//! - Time starts at 0, as SBML simulators assume: SBML time `τ = t − t₀`, days
//!   since the model's initial time `t₀` (tumor injection, day −14, for the
//!   reference model); the initial state holds at `τ = 0` and event triggers
//!   are at `t − t₀`. Add `t₀` (stated in the model's notes) to the time column
//!   to read sasp's days. (An earlier export kept sasp's axis; libRoadRunner
//!   then fired every event due by τ = 0 when the model was built, and its
//!   first simulation from −14 ran with doxycycline already on.) The
//!   model's own `time` in expressions is therefore written `time + t₀`.

use crate::error::{ModelError, Result, SaspError};
use crate::experiment::observable::{Definition, Offset, Term, UndefinedBelow};
use crate::experiment::{Experiment, Observable};
use crate::expr::{mathml, Expr, Op};
use crate::intervene::{Arm, TimedAction};
use crate::model::{Coefficient, Dimension, Factor, Model, ModelSpec, ProcessDecl, RateLaw, Stoichiometry, Unit};
use std::collections::{BTreeMap, HashSet};
use std::fmt::Write as _;

/// Escapes text for an XML attribute or element. Characters XML 1.0 cannot
/// hold at all (control characters other than tab, line feed and carriage
/// return, and the non-characters U+FFFE, U+FFFF) are written as `U+XXXX`;
/// tab, line feed and carriage return as character references, so attribute
/// values keep them.
fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' | '\n' | '\r' => {
                let _ = write!(out, "&#{};", u32::from(c));
            }
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {
                let _ = write!(out, "U+{:04X}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out
}

/// An SBML identifier for a name (letters, digits and `_`, not starting with a digit).
fn sid(name: &str) -> String {
    let mut out: String = name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' { c } else { '_' }).collect();
    if out.chars().next().is_none_or(|c| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    out
}

/// MathML builders.
fn ci(name: &str) -> String {
    format!("<ci>{}</ci>", sid(name))
}

fn cn(v: f64) -> String {
    format!("<cn>{v:e}</cn>")
}

/// A number for an XML attribute of type `double`: `{:e}`, or `INF`,
/// `-INF`, `NaN` (imported SBML may hold them).
fn real(v: f64) -> String {
    if v.is_nan() {
        "NaN".into()
    } else if v.is_infinite() {
        if v > 0.0 { "INF" } else { "-INF" }.into()
    } else {
        format!("{v:e}")
    }
}

fn apply(op: &str, args: &[String]) -> String {
    format!("<apply><{op}/>{}</apply>", args.concat())
}

fn times(args: Vec<String>) -> String {
    match args.len() {
        0 => cn(1.0),
        1 => args.into_iter().next().unwrap_or_default(),
        _ => apply("times", &args),
    }
}

fn plus(args: Vec<String>) -> String {
    match args.len() {
        0 => cn(0.0),
        1 => args.into_iter().next().unwrap_or_default(),
        _ => apply("plus", &args),
    }
}

/// The unit definition id and XML for a dimension.
fn unit_id(d: Dimension) -> String {
    let text = d.to_string();
    if text == "1" {
        return "dimensionless".into();
    }
    format!("u_{}", text.replace("^", "").replace('/', "_per_").replace('*', "_").replace(['(', ')'], ""))
}

fn unit_definition(d: Dimension) -> Option<String> {
    if d.is_none() {
        return None;
    }
    let [cells, conc, length, time] = d.exponents().map(i32::from);
    let exps =
        [(cells, "item", 6, 1.0), (conc, "mole", -9, 1.0), (length, "metre", -3, 1.0), (time, "second", 0, 86400.0)];
    let mut units = String::new();
    for (e, kind, scale, multiplier) in exps {
        if e != 0 {
            let _ =
                write!(units, "<unit kind=\"{kind}\" exponent=\"{e}\" scale=\"{scale}\" multiplier=\"{multiplier}\"/>");
        }
    }
    if conc != 0 {
        let _ = write!(units, "<unit kind=\"litre\" exponent=\"{}\" scale=\"0\" multiplier=\"1\"/>", -conc);
    }
    Some(format!("<unitDefinition id=\"{}\"><listOfUnits>{units}</listOfUnits></unitDefinition>", unit_id(d)))
}

/// Context for writing kinetic laws.
struct Laws<'a> {
    pools: BTreeMap<&'a str, &'a [String]>,
    /// Every name the model's expressions may use (they shadow reserved words).
    names: HashSet<&'a str>,
    /// The model's initial time `t₀`: the model's time is SBML's `time + t₀`.
    t0: f64,
    /// The prefix of the reactions' ids (`r`, see [`Ids`]).
    reaction: String,
}

impl<'a> Laws<'a> {
    fn new(spec: &'a ModelSpec, t0: f64) -> Laws<'a> {
        let names = spec
            .compartments
            .iter()
            .map(|c| c.name.as_str())
            .chain(spec.parameters.iter().map(|p| p.name.as_str()))
            .chain(spec.inputs.iter().map(|u| u.name.as_str()))
            .chain(spec.pools.iter().map(|p| p.name.as_str()))
            .chain(spec.assignments.iter().map(|a| a.name.as_str()))
            .collect();
        Laws {
            pools: spec.pools.iter().map(|p| (p.name.as_str(), p.sum.as_slice())).collect(),
            names,
            t0,
            reaction: "r".into(),
        }
    }

    /// The MathML of a model expression (infix text, read as the model
    /// reads it: its names shadow reserved words): names become SBML ids,
    /// a pool the sum of its members, the model's time `time + t₀`.
    /// `context` names the item in errors.
    fn expression(&self, text: &str, context: &str) -> Result<String> {
        let e = Expr::parse_with(text, &|n| self.names.contains(n))
            .map_err(|e| ModelError::invalid(context, format!("its expression does not parse: {e}")))?;
        let mut call = None;
        e.visit(&mut |node| {
            if let Expr::Call(f, _) = node {
                call.get_or_insert_with(|| f.to_string());
            }
        });
        if let Some(f) = call {
            return Err(SaspError::unsupported(format!("a call of the user function '{f}'"), context));
        }
        let e = self.sbml_terms(&e);
        Ok(mathml::write(&e))
    }

    fn sbml_terms(&self, e: &Expr) -> Expr {
        match e {
            Expr::Var(n) => match self.pools.get(&**n) {
                Some(members) => Expr::apply(Op::Plus, members.iter().map(|m| Expr::var(&sid(m))).collect()),
                None => Expr::var(&sid(n)),
            },
            Expr::Time if self.t0 != 0.0 => Expr::apply(Op::Plus, vec![Expr::Time, Expr::Num(self.t0)]),
            Expr::Apply(op, args) => Expr::Apply(*op, args.iter().map(|a| self.sbml_terms(a)).collect()),
            Expr::Call(f, args) => Expr::Call(f.clone(), args.iter().map(|a| self.sbml_terms(a)).collect()),
            Expr::Piecewise { pieces, otherwise } => Expr::Piecewise {
                pieces: pieces.iter().map(|(v, c)| (self.sbml_terms(v), self.sbml_terms(c))).collect(),
                otherwise: otherwise.as_ref().map(|o| Box::new(self.sbml_terms(o))),
            },
            other => other.clone(),
        }
    }

    /// A compartment or the sum of a pool's members.
    fn arg(&self, name: &str) -> String {
        match self.pools.get(name) {
            Some(members) => plus(members.iter().map(|m| ci(m)).collect()),
            None => ci(name),
        }
    }

    fn coefficient(&self, c: &Coefficient) -> Result<String> {
        let (sign, m) = self.magnitude(c)?;
        Ok(if sign < 0.0 { apply("minus", &[m]) } else { m })
    }

    /// The sign of a coefficient and its magnitude `Π xᵉ` as MathML.
    fn magnitude(&self, c: &Coefficient) -> Result<(f64, String)> {
        let (sign, parts) = c.monomial().map_err(|e| ModelError::invalid(format!("coefficient '{c}'"), e))?;
        let mut num = Vec::new();
        let mut den = Vec::new();
        for (token, e) in parts {
            let term = match token.parse::<f64>() {
                Ok(v) => cn(v),
                Err(_) => ci(token),
            };
            if e > 0 {
                num.push(term)
            } else {
                den.push(term)
            }
        }
        let mut m = times(num);
        if !den.is_empty() {
            m = apply("divide", &[m, times(den)]);
        }
        Ok((sign, m))
    }

    fn factor(&self, f: &Factor) -> String {
        match f {
            Factor::Species { of, order } => {
                if *order == 1 {
                    self.arg(of)
                } else {
                    apply("power", &[self.arg(of), cn(*order as f64)])
                }
            }
            Factor::Saturating { of, km } => apply("divide", &[self.arg(of), apply("plus", &[ci(km), self.arg(of)])]),
            Factor::Hill { of, half, n } => {
                let xn = apply("power", &[self.arg(of), cn(*n)]);
                let kn = apply("power", &[ci(half), cn(*n)]);
                apply("divide", &[xn.clone(), apply("plus", &[kn, xn])])
            }
            Factor::HillRepressor { of, half, n } => {
                let xn = apply("power", &[self.arg(of), cn(*n)]);
                let kn = apply("power", &[ci(half), cn(*n)]);
                apply("divide", &[kn.clone(), apply("plus", &[kn, xn])])
            }
            Factor::Room { of, capacity } => apply("minus", &[cn(1.0), apply("divide", &[self.arg(of), ci(capacity)])]),
            Factor::Ratio { of, eps } => apply("divide", &[cn(1.0), apply("plus", &[self.arg(of), ci(eps)])]),
            Factor::Input { input } => ci(input),
        }
    }

    fn law(&self, law: &RateLaw, modifiers: &[Factor], process: &str) -> Result<String> {
        if matches!(law, RateLaw::Custom(_)) {
            return Err(SaspError::Serialization {
                what: "SBML",
                reason: format!("process '{process}' has a custom (closure) rate law, which SBML cannot carry"),
            });
        }
        if let RateLaw::Expression { .. } = law {
            // Modifiers multiply the expression.
            let rate = law.to_expression(modifiers).unwrap_or_default();
            return self.expression(&rate, &format!("process '{process}'"));
        }
        let mut terms = Vec::new();
        for term in law.terms() {
            let mut parts = vec![self.coefficient(term.coefficient)?];
            parts.extend(term.factors.iter().chain(modifiers).map(|f| self.factor(f)));
            let mut t = times(parts);
            if term.sign < 0.0 {
                t = apply("minus", &[t]);
            }
            terms.push(t);
        }
        Ok(plus(terms))
    }
}

/// The model's own names as SBML ids, each with what it is: the model, its
/// species, parameters, inputs, assignments, the observables' rules and
/// the model's events.
fn named_ids(model_id: &str, model: &Model, observables: &[&str]) -> Vec<(String, String)> {
    let spec = model.spec();
    let named = |kind: &str, name: &str| format!("{kind} '{name}'");
    let mut items: Vec<(String, String)> = vec![(model_id.to_string(), format!("the model's id '{model_id}'"))];
    items.extend(spec.compartments.iter().map(|c| (sid(&c.name), named("compartment", &c.name))));
    items.extend(spec.parameters.iter().map(|p| (sid(&p.name), named("parameter", &p.name))));
    items.extend(spec.inputs.iter().map(|u| (sid(&u.name), named("input", &u.name))));
    items.extend(spec.assignments.iter().map(|a| (sid(&a.name), named("assignment", &a.name))));
    items.extend(observables.iter().map(|o| (o.to_string(), format!("the observable rule '{o}'"))));
    items.extend(spec.events.iter().map(|e| (sid(&e.name), named("event", &e.name))));
    items
}

/// Refuses a model whose names would share an SBML identifier: SBML ids are
/// letters, digits and `_`, so `a-b` and `a_b` (or a model named like one
/// of its parameters) would become one id and the file would be invalid.
/// The ids the export makes up itself ([`Ids`]) are chosen free of these.
fn unique_ids(items: &[(String, String)]) -> Result<()> {
    let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
    for (id, what) in items {
        if let Some(first) = seen.get(id.as_str()) {
            return Err(SaspError::Serialization {
                what: "SBML",
                reason: format!(
                    "{first} and {what} would both have the id '{id}' (ids keep only letters, digits and _); rename one"
                ),
            });
        }
        seen.insert(id, what);
    }
    Ok(())
}

/// The ids the export makes up: the one compartment's (`tumor`), and the
/// prefixes of the reactions (`r0`, `r1` …) and of the arm's events (`e0` …);
/// each with as many `_` appended as keep it apart from the model's own
/// names (an imported SBML model may hold `tumor` and `r0` itself: the
/// parameter and the rate that a previous export's compartment and
/// reaction became).
struct Ids {
    container: String,
    reaction: String,
    action: String,
    /// Prefix of the species references whose stoichiometry is a product
    /// of parameters (`nu0`, `nu1` …), set by initial assignments.
    stoichiometry: String,
}

impl Ids {
    fn choose(items: &[(String, String)], reactions: usize, actions: usize, stoichiometries: usize) -> Ids {
        let taken: std::collections::HashSet<&str> = items.iter().map(|(id, _)| id.as_str()).collect();
        let free = |base: &str, numbered: Option<usize>| {
            let mut id = base.to_string();
            while match numbered {
                None => taken.contains(id.as_str()),
                Some(n) => (0..n).any(|k| taken.contains(format!("{id}{k}").as_str())),
            } {
                id.push('_');
            }
            id
        };
        Ids {
            container: free("tumor", None),
            reaction: free("r", Some(reactions)),
            action: free("e", Some(actions)),
            stoichiometry: free("nu", Some(stoichiometries)),
        }
    }
}

/// Exports `model` (with `arm`'s interventions applied, if given) as SBML
/// L3V2, without observables.
pub fn export(model: &Model, arm: Option<&Arm>) -> Result<String> {
    write(model, arm, &[], 0.0)
}

/// Exports the experiment's model (with `arm`'s interventions applied, if
/// given) as SBML L3V2, with the experiment's declared observables as
/// assignment rules ([`Experiment::declared`]; for the reference model
/// without declarations, those of `experiment::paper::observables`).
pub fn export_experiment(experiment: &Experiment, arm: Option<&Arm>) -> Result<String> {
    let model = experiment.model();
    let (observables, _) = experiment.declared(model)?;
    write(model, arm, &observables, experiment.detection_limit())
}

/// The SBML document of `model` with `arm` applied and `observables` as
/// rules (ratios undefined below `detection` where they say so).
fn write(model: &Model, arm: Option<&Arm>, observables: &[Observable], detection: f64) -> Result<String> {
    let t0 = model.initial_time();
    let prepared = match arm {
        Some(arm) => Some(arm.prepare(model, t0)?),
        None => None,
    };
    let (model, actions, complexes) = match &prepared {
        Some(p) => (&p.model, p.actions.clone(), p.complexes.clone()),
        None => (model, Vec::new(), Vec::new()),
    };
    let spec = model.spec();
    let laws = Laws::new(spec, t0);
    let id = sid(&format!("{}{}", spec.model.name, arm.map_or(String::new(), |a| format!("_{}", a.name))));
    let names: Vec<&str> = observables.iter().map(|o| o.name.as_str()).collect();
    let items = named_ids(&id, model, &names);
    unique_ids(&items)?;
    let parametric = spec.processes.iter().flat_map(|p| p.changes.values()).filter(|s| is_parametric(s)).count();
    let ids = Ids::choose(&items, spec.processes.len(), actions.len(), parametric);
    let laws = Laws { reaction: ids.reaction.clone(), ..laws };
    let stoichiometries = parametric_stoichiometries(spec, &laws, &ids.stoichiometry)?;
    let mut rules = spec
        .assignments
        .iter()
        .map(|a| Ok((a.name.as_str(), laws.expression(&a.expression, &format!("assignment '{}'", a.name))?)))
        .collect::<Result<Vec<_>>>()?;
    for o in observables {
        rules.push((o.name.as_str(), observable_math(model, &laws, &complexes, o, detection)?));
    }
    let events = model_events(spec, &laws)?;
    let dims = dimensions_in_use(spec)?;

    let mut out = String::new();
    write_model_header(&mut out, &id, spec, arm, t0);
    write_units_and_compartment(&mut out, &dims, &ids.container);
    write_species(&mut out, model, &ids.container, &changing(spec, &actions))?;
    let labelled: Vec<(&str, String)> =
        observables.iter().map(|o| (o.name.as_str(), format!("{} [{}]", o.name, o.unit))).collect();
    write_parameters(&mut out, model, &labelled)?;
    let stoichiometries: Vec<(String, &String)> = stoichiometries.iter().map(|(id, m)| (id.clone(), m)).collect();
    write_math_list(&mut out, ("listOfInitialAssignments", "initialAssignment", "symbol"), &stoichiometries);
    let rules: Vec<(String, &String)> = rules.iter().map(|(o, m)| (sid(o), m)).collect();
    // An algebraic rule holds a root; a fast constraint the equilibrium of
    // its relaxation, which SBML Level 3 Version 2 (no fast reactions)
    // cannot say: exported as a rule it could mean another root.
    if let Some(c) = spec.constraints.iter().find(|c| c.fast) {
        return Err(SaspError::unsupported(
            "exporting a fast constraint (SBML Level 3 Version 2 has no fast reactions)",
            format!("constraint on '{}'", c.variable),
        ));
    }
    let algebraic = spec
        .constraints
        .iter()
        .map(|c| laws.expression(&c.residual, &format!("constraint on '{}'", c.variable)))
        .collect::<Result<Vec<_>>>()?;
    write_rules(&mut out, &rules, &algebraic);
    write_reactions(&mut out, model, &laws, &ids.stoichiometry)?;
    write_events(&mut out, model, (&ids.action, &actions), t0, &events);
    out.push_str("  </model>\n</sbml>\n");
    Ok(out)
}

/// The dimension of a unit's text; an undeclared unit (empty, as an
/// imported SBML model's) is written as dimensionless.
fn unit_of(text: &str) -> Result<Dimension> {
    if text.trim().is_empty() {
        return Ok(Dimension::NONE);
    }
    Unit::parse(text).map(|u| u.dimension)
}

/// Every dimension in use, each once in order of first use: the
/// compartments', the parameters', and time.
fn dimensions_in_use(spec: &ModelSpec) -> Result<Vec<Dimension>> {
    let mut dims: Vec<Dimension> = Vec::new();
    let mut note = |d: Dimension| {
        if !dims.contains(&d) {
            dims.push(d);
        }
    };
    for c in &spec.compartments {
        note(unit_of(&c.unit)?);
    }
    for p in &spec.parameters {
        note(unit_of(&p.unit)?);
    }
    note(Dimension::TIME);
    Ok(dims)
}

/// The XML declaration, the `<sbml>` element and the opening `<model>` with
/// its notes (sbml time `τ = t − t₀`, the model's description).
fn write_model_header(out: &mut String, id: &str, spec: &ModelSpec, arm: Option<&Arm>, t0: f64) {
    let _ = writeln!(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
    let _ = writeln!(out, "<sbml xmlns=\"http://www.sbml.org/sbml/level3/version2/core\" level=\"3\" version=\"2\">");
    // A model whose every unit is undeclared (an imported SBML model) does
    // not say its time is in days: its time axis is whatever the source's was.
    let undeclared = spec.compartments.iter().all(|c| c.unit.trim().is_empty())
        && spec.parameters.iter().all(|p| p.unit.trim().is_empty());
    let time_units = if undeclared { String::new() } else { format!(" timeUnits=\"{}\"", unit_id(Dimension::TIME)) };
    let _ = writeln!(
        out,
        "  <model id=\"{id}\" name=\"{}\"{time_units} extentUnits=\"dimensionless\">",
        xml(&format!("{}{}", spec.model.name, arm.map_or(String::new(), |a| format!(" — arm {}", a.name)))),
    );
    let _ = writeln!(
        out,
        "    <notes><body xmlns=\"http://www.w3.org/1999/xhtml\"><p>Exported by sasp {}. Time is in days since day {t0} of sasp's axis (the model's initial time): the initial state holds at time 0, and sasp's day d is time d − ({t0}). {}</p></body></notes>",
        env!("CARGO_PKG_VERSION"),
        xml(&spec.model.description)
    );
}

/// The unit definitions of the dimensions in use and the one compartment
/// (`container`: `tumor` unless the model uses that name).
fn write_units_and_compartment(out: &mut String, dims: &[Dimension], container: &str) {
    out.push_str("    <listOfUnitDefinitions>\n");
    for d in dims {
        if let Some(def) = unit_definition(*d) {
            let _ = writeln!(out, "      {def}");
        }
    }
    out.push_str("    </listOfUnitDefinitions>\n");
    let _ = writeln!(
        out,
        "    <listOfCompartments>\n      <compartment id=\"{container}\" spatialDimensions=\"3\" size=\"1\" constant=\"true\"/>\n    </listOfCompartments>"
    );
}

/// One species per compartment, with its initial amount in canonical units.
fn write_species(out: &mut String, model: &Model, container: &str, changing: &HashSet<&str>) -> Result<()> {
    let spec = model.spec();
    out.push_str("    <listOfSpecies>\n");
    let initial = model.initial_state();
    for (c, y0) in spec.compartments.iter().zip(&initial) {
        let _ = writeln!(
            out,
            "      <species id=\"{}\" name=\"{}\" compartment=\"{container}\" initialAmount=\"{}\" substanceUnits=\"{}\" hasOnlySubstanceUnits=\"true\" boundaryCondition=\"false\" constant=\"{}\" sboTerm=\"SBO:0000240\"/>",
            sid(&c.name),
            xml(&format!("{} ({})", c.name, c.kind)),
            real(*y0),
            unit_id(unit_of(&c.unit)?),
            !changing.contains(c.name.as_str())
        );
    }
    out.push_str("    </listOfSpecies>\n");
    Ok(())
}

/// The compartments that something changes: a process, a constraint, an
/// event or a dose. The others are written as constant species, so that an
/// algebraic rule finds no free variable among them (SBML names none).
fn changing<'s>(spec: &'s ModelSpec, actions: &[(f64, TimedAction)]) -> HashSet<&'s str> {
    let mut out: HashSet<&str> = spec.processes.iter().flat_map(|p| p.changes.keys().map(String::as_str)).collect();
    out.extend(spec.constraints.iter().map(|c| c.variable.as_str()));
    out.extend(spec.events.iter().flat_map(|e| e.assignments.iter().map(|a| a.target.as_str())));
    for (_, action) in actions {
        if let TimedAction::Add { compartment, .. } = action {
            if let Some(c) = spec.compartments.get(*compartment) {
                out.insert(c.name.as_str());
            }
        }
    }
    out
}

/// The parameters (constant, canonical values), the inputs (non-constant,
/// at their defaults), one non-constant parameter per assignment (set by
/// its rule) and one per observable (`(id, name with unit)`).
fn write_parameters(out: &mut String, model: &Model, observables: &[(&str, String)]) -> Result<()> {
    let spec = model.spec();
    out.push_str("    <listOfParameters>\n");
    for p in &spec.parameters {
        let _ = writeln!(
            out,
            "      <parameter id=\"{}\" name=\"{}\" value=\"{}\" units=\"{}\" constant=\"true\"/>",
            sid(&p.name),
            xml(&format!("{} {} {}", p.name, p.tag, p.source)),
            real(model.parameter_canonical(&p.name)?),
            unit_id(unit_of(&p.unit)?)
        );
    }
    let inputs = model.default_inputs();
    for (u, v) in spec.inputs.iter().zip(&inputs) {
        let _ = writeln!(
            out,
            "      <parameter id=\"{}\" name=\"{}\" value=\"{}\" units=\"dimensionless\" constant=\"false\"/>",
            sid(&u.name),
            xml(&u.description),
            real(*v)
        );
    }
    for a in &spec.assignments {
        let label = if a.description.is_empty() { a.name.clone() } else { format!("{}: {}", a.name, a.description) };
        let _ = writeln!(out, "      <parameter id=\"{}\" name=\"{}\" constant=\"false\"/>", sid(&a.name), xml(&label));
    }
    for (o, label) in observables {
        let _ = writeln!(out, "      <parameter id=\"{}\" name=\"{}\" constant=\"false\"/>", sid(o), xml(label));
    }
    out.push_str("    </listOfParameters>\n");
    Ok(())
}

/// The MathML of one observable (see the module documentation); names
/// the model lacks are refused, naming the observable.
fn observable_math(
    model: &Model,
    laws: &Laws,
    complexes: &[(usize, usize)],
    o: &Observable,
    detection: f64,
) -> Result<String> {
    let spec = model.spec();
    let unknown = |what: &str, name: &str| {
        SaspError::from(ModelError::Missing {
            needed_by: format!("the observable '{}'", o.name),
            what: format!("the {what} '{name}'"),
            model: model.name().to_string(),
        })
    };
    let state = |name: &str| -> Result<String> {
        match laws.pools.contains_key(name) || model.index_of(name).is_ok() {
            true => Ok(laws.arg(name)),
            false => Err(unknown("compartment or pool", name)),
        }
    };
    let math = match &o.definition {
        Definition::Pool(members) => plus(members.iter().map(|m| state(m)).collect::<Result<_>>()?),
        Definition::Free(species) => state(species)?,
        Definition::Total(species) => {
            let i = model.index_of(species).map_err(|_| unknown("compartment", species))?;
            let bound = complexes.iter().filter(|(t, _)| *t == i).map(|&(_, c)| ci(&spec.compartments[c].name));
            plus(std::iter::once(ci(species)).chain(bound).collect())
        }
        Definition::Linear(terms) => plus(
            terms
                .iter()
                .map(|(c, term)| {
                    let value = match term {
                        Term::State(name) => state(name)?,
                        Term::Parameter(name) => {
                            model.parameter_canonical(name).map_err(|_| unknown("parameter", name))?;
                            ci(name)
                        }
                        Term::Constant => return Ok(cn(*c)),
                    };
                    Ok(if *c == 1.0 { value } else { apply("times", &[cn(*c), value]) })
                })
                .collect::<Result<_>>()?,
        ),
        Definition::Rates(processes) => plus(
            processes
                .iter()
                .map(|name| match spec.processes.iter().position(|p| p.name == *name) {
                    Some(k) => Ok(format!("<ci>{}{k}</ci>", laws.reaction)),
                    None => Err(unknown("process", name)),
                })
                .collect::<Result<_>>()?,
        ),
        Definition::Ratio { numerator, denominator, scale, offset, undefined_below } => {
            let shifted = match offset {
                Offset::None => ci(denominator),
                Offset::Parameter(p) => {
                    model.parameter_canonical(p).map_err(|_| unknown("parameter", p))?;
                    apply("plus", &[ci(denominator), ci(p)])
                }
                Offset::Value(v) => apply("plus", &[ci(denominator), cn(*v)]),
            };
            let ratio = apply("divide", &[ci(numerator), shifted]);
            let value = if *scale == 1.0 { ratio } else { apply("times", &[cn(*scale), ratio]) };
            let limit = match undefined_below {
                UndefinedBelow::Never => None,
                UndefinedBelow::Value(v) => Some(*v),
                UndefinedBelow::DetectionLimit => Some(detection),
            };
            match limit {
                None => value,
                Some(limit) => format!(
                    "<piecewise><piece><notanumber/>{}</piece><otherwise>{value}</otherwise></piecewise>",
                    apply("lt", &[ci(denominator), cn(limit)])
                ),
            }
        }
    };
    Ok(math)
}

/// A list of math elements, `<{list}><{item} {attribute}="id"><math>…</math></{item}>…</{list}>`,
/// nothing when there is none: the model's assignments, then the
/// observables, as assignment rules; the initial assignments.
fn write_math_list(out: &mut String, (list, item, attribute): (&str, &str, &str), entries: &[(String, &String)]) {
    if entries.is_empty() {
        return;
    }
    let _ = writeln!(out, "    <{list}>");
    for (id, m) in entries {
        let _ = writeln!(
            out,
            "      <{item} {attribute}=\"{id}\"><math xmlns=\"http://www.w3.org/1998/Math/MathML\">{m}</math></{item}>"
        );
    }
    let _ = writeln!(out, "    </{list}>");
}

/// The assignment rules (`variable`, MathML) and the algebraic rules (the
/// MathML of the residual each holds at 0: a model's `[[constraint]]`s).
fn write_rules(out: &mut String, assignments: &[(String, &String)], algebraic: &[String]) {
    if assignments.is_empty() && algebraic.is_empty() {
        return;
    }
    let _ = writeln!(out, "    <listOfRules>");
    for (id, m) in assignments {
        let _ = writeln!(
            out,
            "      <assignmentRule variable=\"{id}\"><math xmlns=\"http://www.w3.org/1998/Math/MathML\">{m}</math></assignmentRule>"
        );
    }
    for m in algebraic {
        let _ = writeln!(
            out,
            "      <algebraicRule><math xmlns=\"http://www.w3.org/1998/Math/MathML\">{m}</math></algebraicRule>"
        );
    }
    let _ = writeln!(out, "    </listOfRules>");
}

/// Is a change a product of parameters (not a plain number)?
fn is_parametric(s: &Stoichiometry) -> bool {
    matches!(s, Stoichiometry::Expression(_))
}

/// The species references whose stoichiometry is a product of parameters
/// (`-p_ex`), in process and change order: each its id (`nu{k}`) and the
/// MathML of `|ν|`, so that the exported model keeps the parameter's
/// effect (a number would make the parameter inert in the SBML model).
fn parametric_stoichiometries(spec: &ModelSpec, laws: &Laws, prefix: &str) -> Result<Vec<(String, String)>> {
    let changes = spec.processes.iter().flat_map(|p| p.changes.values());
    let coefficients = changes.filter_map(|s| match s {
        Stoichiometry::Expression(c) => Some(c),
        Stoichiometry::Number(_) => None,
    });
    coefficients.enumerate().map(|(k, c)| Ok((format!("{prefix}{k}"), laws.magnitude(c)?.1))).collect()
}

/// One reaction `r{k}` per process: irreversible, except an expression
/// law's, whose rate may take either sign. A stoichiometry that is a
/// product of parameters is the species reference `{stoichiometry}{j}`,
/// numbered as [`parametric_stoichiometries`] numbers them.
fn write_reactions(out: &mut String, model: &Model, laws: &Laws, stoichiometry: &str) -> Result<()> {
    out.push_str("    <listOfReactions>\n");
    let mut next = 0;
    for (k, p) in model.spec().processes.iter().enumerate() {
        write_reaction(out, model, laws, k, p, (stoichiometry, &mut next))?;
    }
    out.push_str("    </listOfReactions>\n");
    Ok(())
}

/// A stoichiometry's value in canonical units: the number, or the product
/// of the coefficient's parts `Π xᵉ` (parameters at their canonical values).
fn stoichiometry(model: &Model, s: &Stoichiometry) -> Result<f64> {
    match s {
        Stoichiometry::Number(v) => Ok(*v),
        Stoichiometry::Expression(c) => {
            let (sign, parts) = c.monomial().map_err(|e| ModelError::invalid(format!("coefficient '{c}'"), e))?;
            let mut v = sign;
            for (token, e) in parts {
                let x = match token.parse::<f64>() {
                    Ok(x) => x,
                    Err(_) => model.parameter_canonical(token)?,
                };
                v *= x.powi(e);
            }
            Ok(v)
        }
    }
}

/// Reaction `r{k}` of process `p`: reactants (`ν < 0`, stoichiometry
/// `|ν|`), products (`ν > 0`), modifiers (species the law reads but the
/// reaction does not change) and the kinetic law.
fn write_reaction(
    out: &mut String,
    model: &Model,
    laws: &Laws,
    k: usize,
    p: &ProcessDecl,
    (prefix, next): (&str, &mut usize),
) -> Result<()> {
    let spec = model.spec();
    let mut reactants = String::new();
    let mut products = String::new();
    for (name, s) in &p.changes {
        let nu = stoichiometry(model, s)?;
        let id = if is_parametric(s) {
            *next += 1;
            format!(" id=\"{prefix}{}\"", *next - 1)
        } else {
            String::new()
        };
        let refs = format!(
            "<speciesReference{id} species=\"{}\" stoichiometry=\"{:e}\" constant=\"true\"/>",
            sid(name),
            nu.abs()
        );
        if nu < 0.0 {
            reactants.push_str(&refs);
        } else if nu > 0.0 {
            products.push_str(&refs);
        }
    }
    let law = laws.law(&p.rate, &p.modifiers, &p.name)?;
    // Species the law reads but the reaction does not change are modifiers.
    let modifiers: Vec<&str> = spec
        .compartments
        .iter()
        .map(|c| c.name.as_str())
        .filter(|n| !p.changes.contains_key(*n) && law.contains(&format!("<ci>{}</ci>", sid(n))))
        .collect();
    let reversible = matches!(p.rate, RateLaw::Expression { .. });
    let _ = write!(
        out,
        "      <reaction id=\"{}{k}\" name=\"{}\" reversible=\"{reversible}\">",
        laws.reaction,
        xml(&p.name)
    );
    if !reactants.is_empty() {
        let _ = write!(out, "<listOfReactants>{reactants}</listOfReactants>");
    }
    if !products.is_empty() {
        let _ = write!(out, "<listOfProducts>{products}</listOfProducts>");
    }
    if !modifiers.is_empty() {
        out.push_str("<listOfModifiers>");
        for m in modifiers {
            let _ = write!(out, "<modifierSpeciesReference species=\"{}\"/>", sid(m));
        }
        out.push_str("</listOfModifiers>");
    }
    let _ = writeln!(
        out,
        "<kineticLaw><math xmlns=\"http://www.w3.org/1998/Math/MathML\">{law}</math></kineticLaw></reaction>"
    );
    Ok(())
}

/// A model event as SBML: its id, the trigger's `initialValue`, the
/// trigger's MathML and the `(species id, MathML)` of each assignment.
struct SbmlEvent {
    id: String,
    initial_value: bool,
    persistent: bool,
    use_values_from_trigger_time: bool,
    trigger: String,
    delay: Option<String>,
    priority: Option<String>,
    assignments: Vec<(String, String)>,
}

/// The model's `[[event]]`s with their triggers, delays, priorities and
/// assignments to species (the model's compartments); an assignment's
/// scale multiplies its value, which SBML can say unless the value is
/// taken at the trigger of a delayed event (refused).
fn model_events(spec: &ModelSpec, laws: &Laws) -> Result<Vec<SbmlEvent>> {
    spec.events
        .iter()
        .map(|e| {
            let context = format!("event '{}'", e.name);
            let trigger = laws.expression(&e.trigger, &format!("{context}, trigger"))?;
            let assignments = e
                .assignments
                .iter()
                .map(|a| {
                    if !spec.compartments.iter().any(|c| c.name == a.target) {
                        return Err(ModelError::invalid(
                            context.clone(),
                            format!("assigns '{}', which is not a compartment", a.target),
                        )
                        .into());
                    }
                    let value = match &a.scale {
                        None => a.value.clone(),
                        // A scale that reads no state nor time is the same at the
                        // trigger and at the execution.
                        Some(scale)
                            if e.delay.is_some()
                                && e.use_values_from_trigger_time
                                && Expr::parse(scale).map_or(true, |x| {
                                    x.depends_on_time()
                                        || x.symbols().iter().any(|n| !spec.parameters.iter().any(|p| p.name == **n))
                                }) =>
                        {
                            return Err(SaspError::unsupported(
                                "exporting an assignment scale of a delayed event that uses the trigger's values",
                                format!("{context}, assignment to '{}'", a.target),
                            ))
                        }
                        Some(scale) => format!("({}) * ({scale})", a.value),
                    };
                    let math = laws.expression(&value, &format!("{context}, assignment to '{}'", a.target))?;
                    Ok((sid(&a.target), math))
                })
                .collect::<Result<Vec<_>>>()?;
            let optional = |text: &Option<String>, what: &str| -> Result<Option<String>> {
                text.as_ref().map(|t| laws.expression(t, &format!("{context}, {what}"))).transpose()
            };
            Ok(SbmlEvent {
                id: sid(&e.name),
                initial_value: e.initial_value,
                persistent: e.persistent,
                use_values_from_trigger_time: e.use_values_from_trigger_time,
                trigger,
                delay: optional(&e.delay, "delay")?,
                priority: optional(&e.priority, "priority")?,
                assignments,
            })
        })
        .collect()
}

/// Events: doses and switches at their times, counted from t0 (trigger
/// `time ≥ t − t₀`), then the model's own events; none when there are
/// neither.
fn write_events(
    out: &mut String,
    model: &Model,
    (prefix, actions): (&str, &[(f64, TimedAction)]),
    t0: f64,
    events: &[SbmlEvent],
) {
    if actions.is_empty() && events.is_empty() {
        return;
    }
    out.push_str("    <listOfEvents>\n");
    let input_names: Vec<&str> = model.input_names().collect();
    for (k, (t, action)) in actions.iter().enumerate() {
        let assignment = event_assignment(model, &input_names, action);
        let trigger = apply(
            "geq",
            &[
                "<csymbol encoding=\"text\" definitionURL=\"http://www.sbml.org/sbml/symbols/time\">time</csymbol>"
                    .to_string(),
                cn(*t - t0),
            ],
        );
        let _ = writeln!(
            out,
            "      <event id=\"{prefix}{k}\" useValuesFromTriggerTime=\"true\"><trigger initialValue=\"false\" persistent=\"true\"><math xmlns=\"http://www.w3.org/1998/Math/MathML\">{trigger}</math></trigger><listOfEventAssignments>{assignment}</listOfEventAssignments></event>"
        );
    }
    for e in events {
        let _ = write!(
            out,
            "      <event id=\"{}\" useValuesFromTriggerTime=\"{}\"><trigger initialValue=\"{}\" persistent=\"{}\"><math xmlns=\"http://www.w3.org/1998/Math/MathML\">{}</math></trigger>",
            e.id, e.use_values_from_trigger_time, e.initial_value, e.persistent, e.trigger
        );
        for (element, math) in [("priority", &e.priority), ("delay", &e.delay)] {
            if let Some(math) = math {
                let _ = write!(
                    out,
                    "<{element}><math xmlns=\"http://www.w3.org/1998/Math/MathML\">{math}</math></{element}>"
                );
            }
        }
        if !e.assignments.is_empty() {
            out.push_str("<listOfEventAssignments>");
            for (target, math) in &e.assignments {
                let _ = write!(
                    out,
                    "<eventAssignment variable=\"{target}\"><math xmlns=\"http://www.w3.org/1998/Math/MathML\">{math}</math></eventAssignment>"
                );
            }
            out.push_str("</listOfEventAssignments>");
        }
        out.push_str("</event>\n");
    }
    out.push_str("    </listOfEvents>\n");
}

/// An action's event assignment: a dose adds its amount to the species
/// (`s := s + amount`), a switch sets the input.
fn event_assignment(model: &Model, input_names: &[&str], action: &TimedAction) -> String {
    let spec = model.spec();
    match action {
        TimedAction::Add { compartment, amount } => {
            let s = sid(&spec.compartments[*compartment].name);
            format!(
                "<eventAssignment variable=\"{s}\"><math xmlns=\"http://www.w3.org/1998/Math/MathML\">{}</math></eventAssignment>",
                apply("plus", &[format!("<ci>{s}</ci>"), cn(*amount)])
            )
        }
        TimedAction::SetInput { input, value } => format!(
            "<eventAssignment variable=\"{}\"><math xmlns=\"http://www.w3.org/1998/Math/MathML\">{}</math></eventAssignment>",
            sid(input_names[*input]),
            cn(*value)
        ),
    }
}
