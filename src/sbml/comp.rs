//! The SBML Level 3 Hierarchical Model Composition package ("comp"),
//! version 1, by flattening.
//!
//! A document that uses comp is rewritten into one flat SBML document with
//! no comp construct, which [`crate::sbml::read`] then reads as any other:
//!
//! - every `<comp:submodel>` is an instance of a `<comp:modelDefinition>`
//!   (or of an `<comp:externalModelDefinition>`, whose `source` is read
//!   relative to the document's folder), instantiated recursively;
//! - every id of an instance's elements (and every `<ci>` of its math) is
//!   prefixed by the submodel ids that lead to it, `A__x` for `x` of
//!   submodel `A`, `A__B__x` for `x` of submodel `B` of `A`; local
//!   parameters of kinetic laws keep their names;
//! - `<comp:deletion>` removes the element it refers to (any element: a
//!   parameter, a rule, an event's priority, a local parameter …); an id of
//!   a removed element that is still referenced is refused;
//! - `<comp:replacedElement>`: the parent's element replaces the submodel's,
//!   which is removed; references to the replaced id now read the replacing
//!   one. With `comp:conversionFactor` `f`, a read of the replaced quantity
//!   becomes `replacing / f` and what assigns it (rules, initial and event
//!   assignments) assigns `replacing = f · math`;
//! - `<comp:replacedBy>`: the submodel's element replaces the parent's,
//!   taking the parent's id;
//! - references (`comp:portRef`, `comp:idRef`, `comp:metaIdRef`, nested
//!   `<comp:sBaseRef>` into sub-submodels) are resolved in the instance they
//!   name; `comp:unitRef` refers to units, which sasp ignores (a replacement
//!   or deletion of a unit changes nothing); a local parameter replaced by a
//!   global leaves its kinetic law reading the global;
//! - `comp:timeConversionFactor` `t` and `comp:extentConversionFactor` `x`
//!   of a submodel convert everything instantiated under it: its `time`
//!   csymbol reads `time / t`, kinetic laws are multiplied by `x / t`, rate
//!   rules divided by `t`, event delays multiplied by `t`, and a reaction id
//!   read in its math (the rate, in the submodel's units) by `t / x`;
//! - a model's `conversionFactor` (the main model's too) is moved onto each
//!   of its own species that names none: it does not convert a submodel's;
//! - units, constraints, notes, annotations and other packages' elements of
//!   the flattened models are dropped, as the reader ignores them.
//!
//! Refused by name ([`SaspError::Unsupported`]):
//!
//! | construct | refused as |
//! |---|---|
//! | an external model whose `source` cannot be read (or is not SBML Level 3) | `comp:externalModelDefinition source 'file.xml'` |
//! | a `comp:conversionFactor` on an element a reaction uses as a species, or species as a compartment | `comp:conversionFactor on 'A__S', used as the species of a speciesReference` |
//! | a deleted element's id still read or assigned | `comp:deletion of 'A__k', which is still referenced` |
//! | a `rateOf` csymbol under a time or extent conversion | `comp:timeConversionFactor or comp:extentConversionFactor with a rateOf csymbol` |
//! | a function definition reading `time` under a time conversion | `comp:timeConversionFactor with a function definition that reads time` |
//! | a reaction whose rate converted math reads and that is also replaced | `comp:replacedElement of reaction '…', whose rate the math of a submodel with …` |
//! | a local parameter replaced with a conversion factor or shadowing a global | `comp:replacedElement of local parameter '…'` |
//! | a reference to a whole submodel, an `sBaseRef` nested under a `portRef` or `metaIdRef` | `comp reference to a whole submodel`, `comp:sBaseRef nested under …` |
//! | an id two elements of the flat model would share (the main model's `A__x` beside submodel `A`'s `x`) | `comp flattening: two elements of the flat model have the id 'A__x'` |
//! | submodels nested more than 64 deep (a model instantiating itself) | `comp:submodel nested more than 64 levels …` |
//!
//! A flattened document of more than a million XML elements is a
//! [`SaspError::LimitExceeded`] (instances multiply); an external file is
//! held to the reader's limits on size and nesting. The flat document is
//! read as `<source> (flattened)`: errors in it give positions in the flat
//! text.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use roxmltree::Node;

use crate::error::{ModelError, SaspError};

/// The comp package's namespace (version 1).
pub(crate) const COMP_NS: &str = "http://www.sbml.org/sbml/level3/version1/comp/version1";
const MATHML: &str = "http://www.w3.org/1998/Math/MathML";

/// Most nested instantiations (a model that instantiates itself is refused).
const MAX_NESTING: usize = 64;

/// Most elements the flattened document may hold (instances multiply).
const MAX_ELEMENTS: usize = 1_000_000;

#[derive(Clone, Copy, Debug, PartialEq)]
enum Ns {
    /// SBML core (the document's own Level and Version).
    Core,
    Math,
    Comp,
    /// Another package's element or attribute (left out of the flat document).
    Other,
    /// An attribute without a namespace.
    Plain,
}

#[derive(Clone, Debug)]
struct El {
    uid: usize,
    ns: Ns,
    name: String,
    attrs: Vec<(Ns, String, String)>,
    children: Vec<Child>,
}

#[derive(Clone, Debug)]
enum Child {
    El(El),
    Text(String),
}

impl El {
    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.iter().find(|(ns, n, _)| *ns == Ns::Plain && n == name).map(|(_, _, v)| v.as_str())
    }
    fn comp_attr(&self, name: &str) -> Option<&str> {
        self.attrs.iter().find(|(ns, n, _)| *ns == Ns::Comp && n == name).map(|(_, _, v)| v.as_str())
    }
    fn elements(&self) -> impl Iterator<Item = &El> {
        self.children.iter().filter_map(|c| match c {
            Child::El(e) => Some(e),
            Child::Text(_) => None,
        })
    }
    fn child(&self, ns: Ns, name: &str) -> Option<&El> {
        self.elements().find(|e| e.ns == ns && e.name == name)
    }
    /// The items `item` of the lists `list` (both of namespace `ns`).
    fn list(&self, ns: Ns, list: &str, item: &str) -> Vec<&El> {
        self.elements()
            .filter(|l| l.ns == ns && l.name == list)
            .flat_map(|l| l.elements().filter(|e| e.ns == ns && e.name == item))
            .collect()
    }
    fn text(&self) -> String {
        self.children
            .iter()
            .filter_map(|c| match c {
                Child::Text(t) => Some(t.as_str()),
                Child::El(_) => None,
            })
            .collect()
    }
    fn what(&self) -> String {
        match self.attr("id").or(self.comp_attr("id")) {
            Some(id) => format!("{} '{id}'", self.name),
            None => self.name.clone(),
        }
    }
}

/// Does the document `root` (an `<sbml>` element) use comp (an element or
/// attribute of its namespace)?
pub(crate) fn uses_comp(root: Node) -> bool {
    root.descendants().any(|n| {
        n.tag_name().namespace() == Some(COMP_NS)
            || (n != root && n.attributes().any(|a| a.namespace() == Some(COMP_NS)))
    })
}

/// The flat SBML text of the comp document `root` (read from `source`).
pub(crate) fn flatten(root: Node, source: &str) -> crate::Result<String> {
    let mut f = Flattener {
        source: source.to_string(),
        next_uid: 0,
        scopes: Vec::new(),
        sections: HashMap::new(),
        removed: HashSet::new(),
        deleted_ids: HashSet::new(),
        redirect: HashMap::new(),
        renamed: HashMap::new(),
        uid_id: HashMap::new(),
        locals: HashMap::new(),
        converted: HashSet::new(),
        depth: 0,
    };
    let dir = Path::new(source).parent().map(Path::to_path_buf).unwrap_or_default();
    let core = root.tag_name().namespace().unwrap_or("").to_string();
    let tree = f.build(root, &core);
    let model = tree.child(Ns::Core, "model").cloned();
    f.add_scope(&tree, dir);
    let (level, version) =
        (tree.attr("level").unwrap_or("3").to_string(), tree.attr("version").unwrap_or("1").to_string());
    let mut out = format!("<sbml xmlns=\"{}\" level=\"{level}\" version=\"{version}\">", escape(&core));
    if let Some(model) = model {
        f.instantiate(0, &model, "")?;
        out.push_str("<model");
        if let Some(id) = model.attr("id") {
            out.push_str(&format!(" id=\"{}\"", escape(id)));
        }
        out.push('>');
        let mut seen = HashSet::new();
        for items in f.sections.values() {
            for item in items {
                f.unique_ids(item, &mut seen)?;
            }
        }
        for (list, _) in SECTIONS {
            let Some(items) = f.sections.get(*list) else { continue };
            let items = items.clone();
            out.push_str(&format!("<{list}>"));
            for item in &items {
                f.write(&mut out, item, &HashSet::new(), false)?;
            }
            out.push_str(&format!("</{list}>"));
        }
        out.push_str("</model>");
    }
    out.push_str("</sbml>");
    Ok(out)
}

/// The core lists flattened, with their items (units and constraints are
/// dropped: sasp ignores them).
const SECTIONS: &[(&str, &str)] = &[
    ("listOfFunctionDefinitions", "functionDefinition"),
    ("listOfCompartments", "compartment"),
    ("listOfSpecies", "species"),
    ("listOfParameters", "parameter"),
    ("listOfInitialAssignments", "initialAssignment"),
    ("listOfRules", ""),
    ("listOfReactions", "reaction"),
    ("listOfEvents", "event"),
];

/// Attributes whose value is an id of the model.
const REF_ATTRS: &[&str] = &["compartment", "species", "variable", "symbol", "conversionFactor"];

enum Def {
    Local(El),
    External { source: String, model_ref: Option<String>, at: String },
}

struct Scope {
    dir: PathBuf,
    defs: HashMap<String, Def>,
}

/// A redirected id: reads of it become `to / factor`.
#[derive(Clone)]
struct Redirect {
    to: String,
    factor: Option<String>,
}

/// One instantiated model: its prefix and what references resolve against.
struct Inst {
    prefix: String,
    ids: HashMap<String, usize>,
    metaids: HashMap<String, usize>,
    ports: HashMap<String, El>,
    subs: HashMap<String, Inst>,
}

enum Target {
    Element(usize),
    Unit,
}

struct Flattener {
    source: String,
    next_uid: usize,
    scopes: Vec<Scope>,
    sections: HashMap<&'static str, Vec<El>>,
    removed: HashSet<usize>,
    deleted_ids: HashSet<String>,
    redirect: HashMap<String, Redirect>,
    /// New ids of elements that replace a parent's (`replacedBy`).
    renamed: HashMap<usize, String>,
    /// The flat id of every element that has one.
    uid_id: HashMap<usize, String>,
    /// Reactions whose rate math converted to a submodel's time and extent.
    converted: HashSet<String>,
    /// The flat id of every local parameter.
    locals: HashMap<usize, String>,
    depth: usize,
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

impl Flattener {
    fn unsupported(&self, construct: impl Into<String>, el: &El) -> SaspError {
        SaspError::unsupported(construct, format!("{}, {}", el.what(), self.source))
    }

    fn invalid(&self, el: &El, reason: impl Into<String>) -> SaspError {
        ModelError::invalid(format!("{} in {}", el.what(), self.source), reason).into()
    }

    fn build(&mut self, node: Node, core: &str) -> El {
        let ns_of = |uri: Option<&str>, none: Ns| match uri {
            None => none,
            Some(u) if u == core => Ns::Core,
            Some(MATHML) => Ns::Math,
            Some(COMP_NS) => Ns::Comp,
            Some(_) => Ns::Other,
        };
        let attrs = node
            .attributes()
            .map(|a| (ns_of(a.namespace(), Ns::Plain), a.name().to_string(), a.value().to_string()))
            .collect();
        let children = node
            .children()
            .filter_map(|c| {
                if c.is_element() {
                    Some(Child::El(self.build(c, core)))
                } else if c.is_text() {
                    Some(Child::Text(c.text().unwrap_or("").to_string()))
                } else {
                    None
                }
            })
            .collect();
        let uid = self.next_uid;
        self.next_uid += 1;
        El {
            uid,
            ns: ns_of(node.tag_name().namespace(), Ns::Other),
            name: node.tag_name().name().to_string(),
            attrs,
            children,
        }
    }

    /// Registers the model definitions of the document `sbml` (its model too,
    /// by id, for external references).
    fn add_scope(&mut self, sbml: &El, dir: PathBuf) {
        let mut defs = HashMap::new();
        if let Some(m) = sbml.child(Ns::Core, "model") {
            if let Some(id) = m.attr("id") {
                defs.insert(id.to_string(), Def::Local(m.clone()));
            }
        }
        for d in sbml.list(Ns::Comp, "listOfModelDefinitions", "modelDefinition") {
            if let Some(id) = d.attr("id").or(d.comp_attr("id")) {
                defs.insert(id.to_string(), Def::Local(d.clone()));
            }
        }
        for d in sbml.list(Ns::Comp, "listOfExternalModelDefinitions", "externalModelDefinition") {
            if let Some(id) = d.comp_attr("id").or(d.attr("id")) {
                defs.insert(
                    id.to_string(),
                    Def::External {
                        source: d.comp_attr("source").unwrap_or("").to_string(),
                        model_ref: d.comp_attr("modelRef").map(str::to_string),
                        at: d.what(),
                    },
                );
            }
        }
        self.scopes.push(Scope { dir, defs });
    }

    /// The model definition `id` of scope `scope`: its scope and element.
    fn lookup(&mut self, scope: usize, id: &str, at: &El) -> crate::Result<(usize, El)> {
        match self.scopes[scope].defs.get(id) {
            None => Err(self.invalid(at, format!("no model definition '{id}'"))),
            Some(Def::Local(el)) => Ok((scope, el.clone())),
            Some(Def::External { source, model_ref, at: what }) => {
                let (source, model_ref, what) = (source.clone(), model_ref.clone(), what.clone());
                let path = self.scopes[scope].dir.join(&source);
                let doc_source = self.source.clone();
                let refuse = |why: String| {
                    SaspError::unsupported(
                        format!("comp:externalModelDefinition source '{source}'"),
                        format!("{what}, {doc_source}: {why}"),
                    )
                };
                if self.depth > MAX_NESTING {
                    return Err(refuse("nested too deep".into()));
                }
                let text = std::fs::read_to_string(&path).map_err(|e| refuse(format!("{}: {e}", path.display())))?;
                if text.len() > super::read::MAX_DOCUMENT_BYTES
                    || super::read::nesting_exceeds(&text, super::read::MAX_XML_DEPTH).is_some()
                {
                    return Err(refuse(format!(
                        "{}: larger or more deeply nested than the reader accepts",
                        path.display()
                    )));
                }
                let doc = roxmltree::Document::parse(&text).map_err(|e| refuse(format!("{}: {e}", path.display())))?;
                let root = doc.root_element();
                let core = root.tag_name().namespace().unwrap_or("").to_string();
                if root.tag_name().name() != "sbml" || root.attribute("level") != Some("3") {
                    return Err(refuse("not an SBML Level 3 document".into()));
                }
                let tree = self.build(root, &core);
                let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
                self.add_scope(&tree, dir);
                let new = self.scopes.len() - 1;
                match model_ref {
                    Some(r) => {
                        self.depth += 1;
                        let found = self.lookup(new, &r, at);
                        self.depth -= 1;
                        found
                    }
                    None => match tree.child(Ns::Core, "model") {
                        Some(m) => Ok((new, m.clone())),
                        None => Err(refuse("no model".into())),
                    },
                }
            }
        }
    }

    /// Instantiates `model` of scope `scope` with `prefix`: its elements go
    /// to the flat sections; returns what references into it resolve against.
    fn instantiate(&mut self, scope: usize, model: &El, prefix: &str) -> crate::Result<Inst> {
        if self.depth > MAX_NESTING {
            return Err(
                self.unsupported("comp:submodel nested more than 64 levels (a model instantiating itself)", model)
            );
        }
        if self.next_uid > MAX_ELEMENTS {
            return Err(SaspError::LimitExceeded {
                what: "elements of a flattened comp document",
                requested: self.next_uid as f64,
                limit: MAX_ELEMENTS,
                hint: format!("{}: its submodels instantiate too many elements", self.source),
            });
        }
        let mut inst = Inst {
            prefix: prefix.to_string(),
            ids: HashMap::new(),
            metaids: HashMap::new(),
            ports: HashMap::new(),
            subs: HashMap::new(),
        };
        for sub in model.list(Ns::Comp, "listOfSubmodels", "submodel") {
            let starts: Vec<usize> = SECTIONS.iter().map(|(l, _)| self.sections.get(l).map_or(0, Vec::len)).collect();
            let id = sub.comp_attr("id").ok_or_else(|| self.invalid(sub, "missing required attribute 'comp:id'"))?;
            let model_ref = sub
                .comp_attr("modelRef")
                .ok_or_else(|| self.invalid(sub, "missing required attribute 'comp:modelRef'"))?;
            let (sub_scope, def) = self.lookup(scope, model_ref, sub)?;
            self.depth += 1;
            let sub_inst = self.instantiate(sub_scope, &def, &format!("{prefix}{id}__"))?;
            self.depth -= 1;
            for del in sub.list(Ns::Comp, "listOfDeletions", "deletion") {
                if let Target::Element(uid) = self.resolve(&sub_inst, del)? {
                    self.removed.insert(uid);
                    self.delete_ids(uid);
                }
            }
            let factor = |attr: &str| sub.comp_attr(attr).map(|f| format!("{prefix}{f}"));
            let (time, extent) = (factor("timeConversionFactor"), factor("extentConversionFactor"));
            if time.is_some() || extent.is_some() {
                self.convert(&starts, time.as_deref(), extent.as_deref()).map_err(|c| self.unsupported(c, sub))?;
            }
            inst.subs.insert(id.to_string(), sub_inst);
        }
        // The model's conversion factor holds for its own species only: it is
        // moved onto each that names none (the flat model declares none).
        let model_cf = model.attr("conversionFactor");
        let mut own = Vec::new();
        for (list, item) in SECTIONS {
            for l in model.elements().filter(|l| l.ns == Ns::Core && l.name == *list) {
                for e in l.elements().filter(|e| e.ns == Ns::Core && (item.is_empty() || e.name == *item)) {
                    let mut copy = self.copy(e, prefix);
                    if let (Some(cf), "species") = (model_cf, *item) {
                        if copy.attr("conversionFactor").is_none() {
                            copy.attrs.push((Ns::Plain, "conversionFactor".into(), format!("{prefix}{cf}")));
                        }
                    }
                    self.register(&copy, prefix, &mut inst, false);
                    collect_replacing(&copy, &mut own);
                    self.sections.entry(list).or_default().push(copy);
                }
            }
        }
        for port in model.list(Ns::Comp, "listOfPorts", "port") {
            if let Some(id) = port.comp_attr("id") {
                inst.ports.insert(id.to_string(), port.clone());
            }
        }
        for el in own {
            self.replace(&mut inst, &el)?;
        }
        Ok(inst)
    }

    /// Converts the elements of one instance (the items of each section from
    /// `starts` on) to the parent's time and extent: `time` is `time / t`,
    /// kinetic laws are multiplied by `x / t`, rate rules divided by `t`,
    /// event delays multiplied by `t`. Refuses (`Err`: the construct) what
    /// this does not convert.
    fn convert(&mut self, starts: &[usize], time: Option<&str>, extent: Option<&str>) -> Result<(), String> {
        let mut reactions = HashSet::new();
        for ((list, _), start) in SECTIONS.iter().zip(starts) {
            if *list == "listOfReactions" {
                for r in self.sections.get(list).map_or(&[][..], |v| &v[*start..]) {
                    reactions.extend(r.attr("id").map(str::to_string));
                }
            }
        }
        for ((list, _), start) in SECTIONS.iter().zip(starts) {
            let Some(items) = self.sections.get_mut(list) else { continue };
            for item in items.iter_mut().skip(*start) {
                convert_el(item, time, extent, &reactions, &mut self.converted)?;
            }
        }
        Ok(())
    }

    /// Copies `el` with fresh uids, ids (local parameters' too) and the
    /// `<ci>`s of its math prefixed.
    fn copy(&mut self, el: &El, prefix: &str) -> El {
        let uid = self.next_uid;
        self.next_uid += 1;
        let attrs = el
            .attrs
            .iter()
            .map(|(ns, n, v)| {
                let renamed = *ns == Ns::Plain
                    && el.ns == Ns::Core
                    && !prefix.is_empty()
                    && (n == "id" || REF_ATTRS.contains(&n.as_str()));
                (*ns, n.clone(), if renamed { format!("{prefix}{v}") } else { v.clone() })
            })
            .collect();
        let is_ci = el.ns == Ns::Math && el.name == "ci";
        let children = el
            .children
            .iter()
            .map(|c| match c {
                Child::El(e) => Child::El(self.copy(e, prefix)),
                Child::Text(t) if is_ci && !prefix.is_empty() => Child::Text(format!("{prefix}{}", t.trim())),
                Child::Text(t) => Child::Text(t.clone()),
            })
            .collect();
        El { uid, ns: el.ns, name: el.name.clone(), attrs, children }
    }

    /// Registers the ids and metaids of `el` and its descendants in `inst`.
    fn register(&mut self, el: &El, prefix: &str, inst: &mut Inst, in_law: bool) {
        if el.ns != Ns::Core {
            return;
        }
        if let Some(meta) = el.attr("metaid") {
            inst.metaids.insert(meta.to_string(), el.uid);
        }
        if let Some(id) = el.attr("id") {
            if in_law && matches!(el.name.as_str(), "localParameter" | "parameter") {
                self.locals.insert(el.uid, id.to_string());
            } else if !in_law {
                let local = id.strip_prefix(prefix).unwrap_or(id);
                inst.ids.insert(local.to_string(), el.uid);
                self.uid_id.insert(el.uid, id.to_string());
            }
        }
        let in_law = in_law || el.name == "kineticLaw";
        for c in el.elements() {
            self.register(c, prefix, inst, in_law);
        }
    }

    /// Marks the ids of `uid` and its descendants deleted.
    fn delete_ids(&mut self, uid: usize) {
        let mut ids = Vec::new();
        for items in self.sections.values() {
            for item in items {
                find(item, uid, &mut |e: &El| collect_ids(e, &mut ids));
            }
        }
        for id in ids {
            if let Some(id) = self.uid_id.get(&id) {
                self.deleted_ids.insert(id.clone());
            }
        }
    }

    /// The element a comp reference (`portRef`, `idRef`, `metaIdRef`,
    /// `unitRef`, nested `sBaseRef`) names in `inst`.
    fn resolve(&self, inst: &Inst, r: &El) -> crate::Result<Target> {
        let nested = r.child(Ns::Comp, "sBaseRef");
        if let Some(port) = r.comp_attr("portRef") {
            let p = inst.ports.get(port).ok_or_else(|| self.invalid(r, format!("no port '{port}'")))?;
            if nested.is_some() {
                return Err(self.unsupported("comp:sBaseRef nested under a comp:portRef", r));
            }
            return self.resolve(inst, p);
        }
        if let Some(id) = r.comp_attr("idRef") {
            if let Some(n) = nested {
                let sub = inst.subs.get(id).ok_or_else(|| self.invalid(r, format!("no submodel '{id}'")))?;
                return self.resolve(sub, n);
            }
            if inst.subs.contains_key(id) {
                return Err(self.unsupported("comp reference to a whole submodel", r));
            }
            return inst
                .ids
                .get(id)
                .map(|u| Target::Element(*u))
                .ok_or_else(|| self.invalid(r, format!("no element with id '{id}'")));
        }
        if let Some(meta) = r.comp_attr("metaIdRef") {
            if nested.is_some() {
                return Err(self.unsupported("comp:sBaseRef nested under a comp:metaIdRef", r));
            }
            return inst
                .metaids
                .get(meta)
                .map(|u| Target::Element(*u))
                .ok_or_else(|| self.invalid(r, format!("no element with metaid '{meta}'")));
        }
        if r.comp_attr("unitRef").is_some() {
            return Ok(Target::Unit);
        }
        Err(self.invalid(r, "a reference with none of portRef, idRef, metaIdRef, unitRef"))
    }

    /// Applies the `replacedElement`s and `replacedBy` of `el` (an element of
    /// `inst`).
    fn replace(&mut self, inst: &mut Inst, el: &El) -> crate::Result<()> {
        let own_id = self.uid_id.get(&el.uid).cloned();
        for re in el.list(Ns::Comp, "listOfReplacedElements", "replacedElement") {
            if re.comp_attr("deletion").is_some() {
                // Replacing what a deletion removed: nothing left to replace.
                continue;
            }
            let Target::Element(t) = self.resolve(self.submodel(inst, re)?, re)? else { continue };
            self.removed.insert(t);
            if let Some(local) = self.locals.get(&t) {
                // A local parameter replaced by a global: its kinetic law reads
                // the global once the local is gone.
                if self.uid_id.values().any(|g| g == local) || re.comp_attr("conversionFactor").is_some() {
                    return Err(self.unsupported(
                        format!("comp:replacedElement of local parameter '{local}' that shadows a global of the same id or has a conversionFactor"),
                        re,
                    ));
                }
                if let Some(to) = own_id.clone() {
                    self.redirect.insert(local.clone(), Redirect { to, factor: None });
                }
                continue;
            }
            // The factor is an id of the parent model: prefixed like it.
            let factor = re.comp_attr("conversionFactor").map(|f| format!("{}{f}", inst.prefix));
            if let (Some(from), Some(to)) = (self.uid_id.get(&t).cloned(), own_id.clone()) {
                if self.converted.contains(&from) {
                    return Err(self.unsupported(
                        format!(
                            "comp:replacedElement of reaction '{from}', whose rate the math of a submodel with \
                             comp:timeConversionFactor or comp:extentConversionFactor reads"
                        ),
                        re,
                    ));
                }
                self.redirect.insert(from, Redirect { to, factor });
            } else if factor.is_some() {
                return Err(self.unsupported("comp:conversionFactor on an element without an id", re));
            }
        }
        if let Some(by) = el.child(Ns::Comp, "replacedBy") {
            let Target::Element(t) = self.resolve(self.submodel(inst, by)?, by)? else { return Ok(()) };
            self.removed.insert(el.uid);
            if let (Some(from), Some(to)) = (self.uid_id.get(&t).cloned(), own_id) {
                self.redirect.insert(from, Redirect { to: to.clone(), factor: None });
                self.renamed.insert(t, to.clone());
                self.uid_id.insert(t, to);
            }
            // References to the parent's element now reach its replacement.
            for uid in inst.ids.values_mut().chain(inst.metaids.values_mut()) {
                if *uid == el.uid {
                    *uid = t;
                }
            }
        }
        Ok(())
    }

    fn submodel<'i>(&self, inst: &'i Inst, r: &El) -> crate::Result<&'i Inst> {
        let id = r
            .comp_attr("submodelRef")
            .ok_or_else(|| self.invalid(r, "missing required attribute 'comp:submodelRef'"))?;
        inst.subs.get(id).ok_or_else(|| self.invalid(r, format!("no submodel '{id}'")))
    }

    /// Where the id `name` leads after replacements: the final id and the
    /// conversion factors met on the way.
    fn follow(&self, name: &str, at: &El) -> crate::Result<(String, Vec<String>)> {
        let (mut name, mut factors) = (name.to_string(), Vec::new());
        for _ in 0..=MAX_NESTING {
            let Some(r) = self.redirect.get(&name) else {
                if self.deleted_ids.contains(&name) {
                    return Err(self.unsupported(format!("comp:deletion of '{name}', which is still referenced"), at));
                }
                return Ok((name, factors));
            };
            name = r.to.clone();
            factors.extend(r.factor.clone());
        }
        Err(self.invalid(at, format!("replacements of '{name}' form a cycle")))
    }

    /// Refuses an id that two elements of the flat model (outside kinetic
    /// laws) would share: a main model's `A__x` beside submodel `A`'s `x`.
    fn unique_ids(&self, el: &El, seen: &mut HashSet<String>) -> crate::Result<()> {
        if self.removed.contains(&el.uid) || el.ns != Ns::Core || el.name == "kineticLaw" {
            return Ok(());
        }
        if let Some(id) = self.renamed.get(&el.uid).map(String::as_str).or(el.attr("id")) {
            if !seen.insert(id.to_string()) {
                return Err(
                    self.unsupported(format!("comp flattening: two elements of the flat model have the id '{id}'"), el)
                );
            }
        }
        for c in el.elements() {
            self.unique_ids(c, seen)?;
        }
        Ok(())
    }

    /// Writes `el` (a core element and its core and MathML content) with
    /// replacements applied; `shadow`: local parameters in scope.
    fn write(&self, out: &mut String, el: &El, shadow: &HashSet<String>, in_function: bool) -> crate::Result<()> {
        if self.removed.contains(&el.uid) {
            return Ok(());
        }
        match el.ns {
            Ns::Comp | Ns::Other | Ns::Plain => return Ok(()),
            Ns::Core if matches!(el.name.as_str(), "annotation" | "notes") => return Ok(()),
            _ => {}
        }
        let in_function = in_function || (el.ns == Ns::Core && el.name == "functionDefinition");
        if el.ns == Ns::Math && el.name == "ci" && !in_function && !shadow.contains(el.text().trim()) {
            let (to, factors) = self.follow(el.text().trim(), el)?;
            for _ in &factors {
                out.push_str("<apply><divide/>");
            }
            out.push_str(&format!("<ci>{}</ci>", escape(&to)));
            for f in &factors {
                out.push_str(&format!("<ci>{}</ci></apply>", escape(f)));
            }
            return Ok(());
        }
        let mut inner;
        let mut shadow = shadow;
        if el.ns == Ns::Core && el.name == "kineticLaw" {
            inner = shadow.clone();
            let kept = local_parameter_els(el).into_iter().filter(|p| !self.removed.contains(&p.uid));
            inner.extend(kept.filter_map(|p| p.attr("id").map(str::to_string)));
            shadow = &inner;
        }
        out.push('<');
        out.push_str(&el.name);
        if el.ns == Ns::Math && el.name == "math" {
            out.push_str(&format!(" xmlns=\"{MATHML}\""));
        }
        let mut scale = Vec::new();
        for (ns, n, v) in &el.attrs {
            if *ns != Ns::Plain || n == "metaid" {
                continue;
            }
            let mut v = v.clone();
            if el.ns == Ns::Core {
                if n == "id" {
                    if let Some(new) = self.renamed.get(&el.uid) {
                        v = new.clone();
                    }
                } else if REF_ATTRS.contains(&n.as_str()) && !in_function {
                    let (to, factors) = self.follow(&v, el)?;
                    if !factors.is_empty() {
                        if matches!(n.as_str(), "variable" | "symbol") {
                            scale = factors;
                        } else if el.name != "modifierSpeciesReference" {
                            return Err(self.unsupported(
                                format!("comp:conversionFactor on '{v}', used as the {n} of a {}", el.name),
                                el,
                            ));
                        }
                    }
                    v = to;
                }
            }
            out.push_str(&format!(" {n}=\"{}\"", escape(&v)));
        }
        out.push('>');
        for c in &el.children {
            match c {
                Child::Text(t) => out.push_str(&escape(t)),
                Child::El(e) if e.ns == Ns::Math && e.name == "math" && !scale.is_empty() => {
                    out.push_str(&format!("<math xmlns=\"{MATHML}\"><apply><times/>"));
                    for m in e.elements() {
                        self.write(out, m, shadow, in_function)?;
                    }
                    for f in &scale {
                        out.push_str(&format!("<ci>{}</ci>", escape(f)));
                    }
                    out.push_str("</apply></math>");
                }
                Child::El(e) => self.write(out, e, shadow, in_function)?,
            }
        }
        out.push_str(&format!("</{}>", el.name));
        Ok(())
    }
}

/// The local parameters of the kinetic law `law` (Level 3 and Level 2).
fn local_parameter_els(law: &El) -> Vec<&El> {
    let mut all = law.list(Ns::Core, "listOfLocalParameters", "localParameter");
    all.extend(law.list(Ns::Core, "listOfParameters", "parameter"));
    all
}

/// Elements (of `el` and below) that carry comp replacements.
fn collect_replacing(el: &El, out: &mut Vec<El>) {
    if el.ns != Ns::Core {
        return;
    }
    if el.child(Ns::Comp, "listOfReplacedElements").is_some() || el.child(Ns::Comp, "replacedBy").is_some() {
        out.push(el.clone());
    }
    for c in el.elements() {
        collect_replacing(c, out);
    }
}

/// Calls `f` on the element `uid` under `el`, if there.
fn find(el: &El, uid: usize, f: &mut impl FnMut(&El)) {
    if el.uid == uid {
        f(el);
        return;
    }
    for c in el.elements() {
        find(c, uid, f);
    }
}

fn collect_ids(el: &El, out: &mut Vec<usize>) {
    out.push(el.uid);
    for c in el.elements() {
        collect_ids(c, out);
    }
}

fn ci(name: &str) -> Child {
    Child::El(El {
        uid: usize::MAX,
        ns: Ns::Math,
        name: "ci".into(),
        attrs: Vec::new(),
        children: vec![Child::Text(name.into())],
    })
}

fn apply(op: &str, args: Vec<Child>) -> Child {
    let op = El { uid: usize::MAX, ns: Ns::Math, name: op.into(), attrs: Vec::new(), children: Vec::new() };
    let mut children = vec![Child::El(op)];
    children.extend(args);
    Child::El(El { uid: usize::MAX, ns: Ns::Math, name: "apply".into(), attrs: Vec::new(), children })
}

/// The math of `el` (its `<math>` child's content) replaced by `f(content)`.
fn wrap_math(el: &mut El, f: &dyn Fn(Child) -> Child) {
    for c in &mut el.children {
        if let Child::El(m) = c {
            if m.ns == Ns::Math && m.name == "math" {
                let content: Vec<Child> =
                    std::mem::take(&mut m.children).into_iter().filter(|c| matches!(c, Child::El(_))).collect();
                m.children = content.into_iter().map(f).collect();
            }
        }
    }
}

/// Converts `el` (an element of a submodel instance) to the parent's time
/// (`time`: the factor's id) and extent (`extent`).
/// `converted`: the reactions whose rate the math reads (converted).
fn convert_el(
    el: &mut El,
    time: Option<&str>,
    extent: Option<&str>,
    reactions: &HashSet<String>,
    converted: &mut HashSet<String>,
) -> Result<(), String> {
    if el.ns == Ns::Core {
        match el.name.as_str() {
            "functionDefinition" if time.is_some() => {
                let mut uses_time = false;
                visit(el, &mut |e| uses_time |= is_csymbol(e, "time"));
                if uses_time {
                    return Err("comp:timeConversionFactor with a function definition that reads time".into());
                }
                return Ok(());
            }
            "functionDefinition" => return Ok(()),
            "kineticLaw" => {
                if let Some(x) = extent {
                    wrap_math(el, &|m| apply("times", vec![m, ci(x)]));
                }
                if let Some(t) = time {
                    wrap_math(el, &|m| apply("divide", vec![m, ci(t)]));
                }
            }
            "rateRule" => {
                if let Some(t) = time {
                    wrap_math(el, &|m| apply("divide", vec![m, ci(t)]));
                }
            }
            "delay" => {
                if let Some(t) = time {
                    wrap_math(el, &|m| apply("times", vec![m, ci(t)]));
                }
            }
            _ => {}
        }
    }
    // (The delay csymbol is refused by the reader.)
    if is_csymbol(el, "rateOf") {
        return Err("comp:timeConversionFactor or comp:extentConversionFactor with a rateOf csymbol".into());
    }
    for c in &mut el.children {
        if let Child::El(e) = c {
            if e.ns == Ns::Math && e.name == "ci" && reactions.contains(e.text().trim()) {
                // A reaction's rate in the submodel's units: rate · t / x.
                converted.insert(e.text().trim().to_string());
                let mut rate = Child::El(e.clone());
                if let Some(t) = time {
                    rate = apply("times", vec![rate, ci(t)]);
                }
                if let Some(x) = extent {
                    rate = apply("divide", vec![rate, ci(x)]);
                }
                let Child::El(rate) = rate else { unreachable!() };
                *e = rate;
                continue;
            }
            if let (Some(t), true) = (time, is_csymbol(e, "time")) {
                let timed = std::mem::replace(
                    e,
                    El { uid: usize::MAX, ns: Ns::Math, name: String::new(), attrs: Vec::new(), children: Vec::new() },
                );
                let Child::El(divided) = apply("divide", vec![Child::El(timed), ci(t)]) else { unreachable!() };
                *e = divided;
                continue;
            }
            convert_el(e, time, extent, reactions, converted)?;
        }
    }
    Ok(())
}

fn is_csymbol(el: &El, symbol: &str) -> bool {
    el.ns == Ns::Math
        && el.name == "csymbol"
        && el.attr("definitionURL").is_some_and(|u| u.trim().ends_with(&format!("/symbols/{symbol}")))
}

fn visit(el: &El, f: &mut impl FnMut(&El)) {
    f(el);
    for c in el.elements() {
        visit(c, f);
    }
}
