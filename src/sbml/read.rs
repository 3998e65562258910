//! Reading SBML documents (Level 3 Version 2, Level 3 Version 1, Level 2
//! Version 4) into a plain data model ([`Document`]), which the importer
//! turns into a simulation.
//!
//! ```
//! use sasp::sbml::read::{read_str, Rule};
//!
//! let xml = r#"<sbml xmlns="http://www.sbml.org/sbml/level3/version2/core" level="3" version="2">
//!   <model id="m">
//!     <listOfParameters><parameter id="k" value="2" constant="false"/></listOfParameters>
//!     <listOfRules>
//!       <rateRule variable="k">
//!         <math xmlns="http://www.w3.org/1998/Math/MathML"><apply><minus/><ci>k</ci></apply></math>
//!       </rateRule>
//!     </listOfRules>
//!   </model>
//! </sbml>"#;
//! let doc = read_str(xml, "m.xml")?;
//! assert_eq!((doc.level, doc.version, doc.model_id.as_str()), (3, 2, "m"));
//! assert_eq!(doc.parameters[0].value, Some(2.0));
//! assert_eq!(doc.rules, [Rule::Rate { variable: "k".into(), math: "-k".parse()? }]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The reader does no simulation semantics beyond the SBML defaults: it
//! reads what a document declares, fills in the attributes a level defaults
//! (Level 2 has defaults for what Level 3 requires), inlines function
//! definitions into every piece of math, and refuses by name
//! ([`SaspError::Unsupported`]) what the engine does not simulate:
//!
//! | construct | refused as |
//! |---|---|
//! | SBML Level 1, Level 2 Versions 1–3, any other level or version | `SBML Level x Version y` |
//! | a package other than comp and fbc declared `xxx:required="true"` on `<sbml>` (qual, distrib …) and used (an element or attribute of its namespace) | `required package 'xxx'` |
//! | what comp flattening does not convert (`crate::sbml` comp module: external models that cannot be read, some conversion factors) | `comp:…`, naming the construct |
//! | the MathML csymbol `delay` in a function definition | `delay csymbol in a function definition` |
//! | the csymbol `rateOf` applied to anything but one `<ci>` | `rateOf csymbol of an expression that is not a symbol` |
//! | the csymbol `rateOf` in a function definition | `rateOf csymbol in a function definition` |
//!
//! A document that requires and uses the Hierarchical Model Composition
//! package (comp) is flattened first: its submodels are instantiated with
//! ids prefixed by the submodel ids (`A__x` for `x` of submodel `A`),
//! replacements and deletions applied, and the one flat model read as any
//! other (see docs/sbml.md, "Hierarchical models").
//!
//! `rateOf(x)` of a symbol is read as the variable `rateOf(x)`
//! ([`mathml::rate_of`]), which the importer replaces by the rate of `x`
//! ([`crate::sbml::import`]).
//!
//! The context of an unsupported construct names the element (its id where
//! it has one) and the file position, `reaction 'r1', model.xml:23`.
//!
//! The Flux Balance Constraints package (fbc) is read into
//! [`Document::flux_balance`] whether required or not: flux bounds and
//! objectives, which a flux balance analysis uses
//! ([`crate::sbml::flux_balance`]) and a time course does not. What the fbc
//! reader refuses (v3 user-defined constraints, quadratic objectives, v1
//! strict inequalities, malformed declarations) is kept there and refused
//! by the flux balance analysis alone.
//!
//! What the reader ignores: unit definitions, notes, annotations,
//! constraints (they do not change a simulation), compartment and species
//! types, elements and attributes of other packages that are not required.
//!
//! # Defaults
//!
//! | attribute | Level 2 Version 4 | Level 3 |
//! |---|---|---|
//! | species `hasOnlySubstanceUnits`, `boundaryCondition`, `constant` | false | required |
//! | compartment `constant` | true | required |
//! | compartment `spatialDimensions` | 3 | optional (`None`) |
//! | parameter `constant` | true | required |
//! | reaction `reversible` | true | required |
//! | reaction `fast` | false | required in L3V1, absent in L3V2 |
//! | speciesReference `stoichiometry` | 1 (none when `<stoichiometryMath>` is given) | optional (`None`: the importer decides) |
//! | speciesReference `constant` | true unless `<stoichiometryMath>` is given | required |
//! | event `useValuesFromTriggerTime` | true | required |
//! | trigger `initialValue`, `persistent` | true (Level 2 events behave so) | required |
//!
//! A required attribute that is missing is an error naming the element and
//! the attribute. So is a malformed number or boolean (XML Schema
//! spellings: `true`, `false`, `1`, `0`; numbers as Rust reads them, plus
//! `INF`, `-INF`, `NaN`), a species with both `initialAmount` and
//! `initialConcentration`, and a local parameter without a value.
//!
//! # Math
//!
//! MathML is read by [`crate::expr::mathml`]; every expression returned has
//! the model's function definitions inlined ([`Expr::inline`]), so a call of
//! an undefined function is an error naming it. Local parameters of kinetic
//! laws are returned as they are ([`Reaction::local_parameters`]), not
//! substituted: the kinetic law reads them by name.
//!
//! Level 3 Version 2 lets math be absent, and the SBML Test Suite (cases
//! 01234–01247) reads an element without math as having no effect. A rule
//! (algebraic rules too), initial assignment or event assignment without
//! `<math>` is skipped; an event delay or priority without math is ignored
//! (the event is read as if it had none); a kinetic law without math gives
//! [`Reaction::kinetic_law`] `None`; an event without a `<trigger>`, or
//! whose trigger has no math, never fires and is skipped.
//!
//! # Errors and limits
//!
//! Malformed XML is a [`FileError::Syntax`] with the line and column the
//! XML parser reports; errors in an element are [`FileError::At`] its line
//! and column, wrapping a [`ModelError::Invalid`] that names the element.
//! Documents are limited to [`MAX_DOCUMENT_BYTES`]
//! ([`SaspError::LimitExceeded`]) and to [`MAX_XML_DEPTH`] levels of
//! nested elements (a syntax error at the element too deep); MathML nesting
//! is limited further by the expression layer. No input makes the reader panic.

use std::io::Read;
use std::path::Path;

use roxmltree::Node;

use crate::error::{FileError, ModelError, SaspError};
use crate::expr::{mathml, Expr, ExprError, FunctionTable};
use crate::sbml::comp;
use crate::sbml::fbc::{FbcRefusal, FluxBalanceDecl};

/// Largest SBML document [`read_file`] and [`read_str`] accept, in bytes
/// (64 MiB).
pub const MAX_DOCUMENT_BYTES: usize = 64 * 1024 * 1024;

/// Deepest nesting of XML elements [`read_str`] accepts (the MathML inside
/// is limited further, to [`crate::expr::MAX_DEPTH`]).
pub const MAX_XML_DEPTH: usize = 1000;

/// An SBML model as declared, with level defaults filled in and function
/// definitions inlined.
#[derive(Clone, Debug, PartialEq)]
pub struct Document {
    /// The SBML level (2 or 3).
    pub level: u32,
    /// The SBML version (4 for Level 2; 1 or 2 for Level 3).
    pub version: u32,
    /// The model's `id` (empty when it has none, or there is no model).
    pub model_id: String,
    /// `<compartment>`s, in document order.
    pub compartments: Vec<SbmlCompartment>,
    /// `<species>`, in document order.
    pub species: Vec<SbmlSpecies>,
    /// Global `<parameter>`s, in document order.
    pub parameters: Vec<SbmlParameter>,
    /// `<initialAssignment>`s that have math.
    pub initial_assignments: Vec<InitialAssignment>,
    /// `<assignmentRule>`s and `<rateRule>`s that have math, in document order.
    pub rules: Vec<Rule>,
    /// `<reaction>`s, in document order.
    pub reactions: Vec<Reaction>,
    /// `<event>`s whose trigger has math, in document order.
    pub events: Vec<SbmlEvent>,
    /// The model's `conversionFactor` (Level 3): the id of a parameter that
    /// converts the substance units of reactions for species that do not
    /// name their own.
    pub conversion_factor: Option<String>,
    /// The Flux Balance Constraints package's declarations (flux bounds,
    /// objectives), when the document declares the fbc namespace
    /// ([`crate::sbml::fbc`]); what the fbc reader refuses is kept here and
    /// raised only by a flux balance analysis, since a time course does not
    /// read fbc.
    pub flux_balance: Option<Result<FluxBalanceDecl, FbcRefusal>>,
}

/// An SBML `<compartment>`.
#[derive(Clone, Debug, PartialEq)]
pub struct SbmlCompartment {
    /// Its id.
    pub id: String,
    /// `size`, if given.
    pub size: Option<f64>,
    /// `constant` (Level 2 default: true).
    pub constant: bool,
    /// `spatialDimensions` (Level 2 default: 3; Level 3: optional).
    pub spatial_dimensions: Option<f64>,
}

/// An SBML `<species>`.
#[derive(Clone, Debug, PartialEq)]
pub struct SbmlSpecies {
    /// Its id.
    pub id: String,
    /// The id of its compartment.
    pub compartment: String,
    /// `initialAmount`, if given.
    pub initial_amount: Option<f64>,
    /// `initialConcentration`, if given (never together with `initial_amount`).
    pub initial_concentration: Option<f64>,
    /// `hasOnlySubstanceUnits` (Level 2 default: false).
    pub has_only_substance_units: bool,
    /// `boundaryCondition` (Level 2 default: false).
    pub boundary_condition: bool,
    /// `constant` (Level 2 default: false).
    pub constant: bool,
    /// `conversionFactor` (Level 3): the id of a parameter.
    pub conversion_factor: Option<String>,
}

/// A global SBML `<parameter>`.
#[derive(Clone, Debug, PartialEq)]
pub struct SbmlParameter {
    /// Its id.
    pub id: String,
    /// `value`, if given.
    pub value: Option<f64>,
    /// `constant` (Level 2 default: true).
    pub constant: bool,
}

/// An SBML `<initialAssignment>`.
#[derive(Clone, Debug, PartialEq)]
pub struct InitialAssignment {
    /// The id it assigns (`symbol`).
    pub symbol: String,
    /// Its math, functions inlined.
    pub math: Expr,
}

/// An SBML rule.
#[derive(Clone, Debug, PartialEq)]
pub enum Rule {
    /// `<assignmentRule>`: `variable = math` at all times.
    Assignment {
        /// The id it assigns.
        variable: String,
        /// Its math, functions inlined.
        math: Expr,
    },
    /// `<rateRule>`: `d variable/dt = math`.
    Rate {
        /// The id whose rate it gives.
        variable: String,
        /// Its math, functions inlined.
        math: Expr,
    },
    /// `<algebraicRule>`: `0 = math` at all times (the variable it
    /// determines is worked out by the import).
    Algebraic {
        /// Its math, functions inlined.
        math: Expr,
    },
}

/// An SBML `<reaction>`.
#[derive(Clone, Debug, PartialEq)]
pub struct Reaction {
    /// Its id.
    pub id: String,
    /// `reversible` (Level 2 default: true).
    pub reversible: bool,
    /// `fast`: in rapid equilibrium, its kinetic law held at 0 (the
    /// Level 2 semantics; absent in L3V2, where it is false).
    pub fast: bool,
    /// `<listOfReactants>`.
    pub reactants: Vec<SpeciesReference>,
    /// `<listOfProducts>`.
    pub products: Vec<SpeciesReference>,
    /// The species ids of `<listOfModifiers>`.
    pub modifiers: Vec<String>,
    /// The kinetic law's math, functions inlined (not local parameters);
    /// `None` without a `<kineticLaw>` or without its math.
    pub kinetic_law: Option<Expr>,
    /// The kinetic law's local parameters (`<localParameter>` in Level 3,
    /// `<parameter>` in Level 2), id and value, in document order. They
    /// shadow global ids of the same name inside `kinetic_law`.
    pub local_parameters: Vec<(String, f64)>,
}

/// An SBML `<speciesReference>` (a reactant or product).
#[derive(Clone, Debug, PartialEq)]
pub struct SpeciesReference {
    /// The species' id.
    pub species: String,
    /// Its own id (in Level 3, a symbol whose value is the stoichiometry).
    pub id: Option<String>,
    /// `stoichiometry`: Level 2 defaults it to 1 (unless
    /// `stoichiometry_math` is given); in Level 3 it may be absent (`None`).
    pub stoichiometry: Option<f64>,
    /// `constant` (Level 3); in Level 2, true unless `stoichiometry_math`
    /// is given.
    pub constant: bool,
    /// Level 2 `<stoichiometryMath>`, functions inlined.
    pub stoichiometry_math: Option<Expr>,
}

/// An SBML `<event>`.
#[derive(Clone, Debug, PartialEq)]
pub struct SbmlEvent {
    /// Its id, if any.
    pub id: Option<String>,
    /// The trigger's math, functions inlined.
    pub trigger: Expr,
    /// The trigger's `initialValue` (Level 2: true).
    pub initial_value: bool,
    /// The trigger's `persistent` (Level 2: true).
    pub persistent: bool,
    /// The `<delay>`'s math, if it has one.
    pub delay: Option<Expr>,
    /// The `<priority>`'s math, if it has one.
    pub priority: Option<Expr>,
    /// `useValuesFromTriggerTime` (Level 2 default: true).
    pub use_values_from_trigger_time: bool,
    /// `<eventAssignment>`s that have math: variable and math, functions
    /// inlined, in document order.
    pub assignments: Vec<(String, Expr)>,
}

/// Reads an SBML document from `xml`; `source` names it in messages (a
/// file name).
pub fn read_str(xml: &str, source: &str) -> crate::Result<Document> {
    if xml.len() > MAX_DOCUMENT_BYTES {
        return Err(too_large(xml.len() as f64, source));
    }
    if let Some(pos) = nesting_exceeds(xml, MAX_XML_DEPTH) {
        let (line, column) = crate::model::line_column(xml, pos);
        return Err(FileError::Syntax {
            path: source.into(),
            line,
            column,
            message: format!("elements nested more than {MAX_XML_DEPTH} levels deep"),
        }
        .into());
    }
    let doc = roxmltree::Document::parse(xml).map_err(|e| {
        let pos = e.pos();
        let message = e.to_string();
        let message = message.strip_suffix(&format!(" at {pos}")).map_or(message.clone(), str::to_string);
        SaspError::from(FileError::Syntax {
            path: source.into(),
            line: pos.row as usize,
            column: pos.col as usize,
            message,
        })
    })?;
    Reader { text: xml, source, level: 0, version: 0, ns: None, functions: FunctionTable::new() }
        .document(doc.root_element())
}

/// Reads an SBML document from the file at `path` (at most
/// [`MAX_DOCUMENT_BYTES`], UTF-8).
pub fn read_file(path: &Path) -> crate::Result<Document> {
    let file = std::fs::File::open(path).map_err(|e| FileError::io(path, e))?;
    let mut bytes = Vec::new();
    file.take(MAX_DOCUMENT_BYTES as u64 + 1).read_to_end(&mut bytes).map_err(|e| FileError::io(path, e))?;
    if bytes.len() > MAX_DOCUMENT_BYTES {
        let len = std::fs::metadata(path).map_or(bytes.len() as f64, |m| m.len() as f64);
        return Err(too_large(len, &path.display().to_string()));
    }
    let text = String::from_utf8(bytes)
        .map_err(|e| FileError::io(path, std::io::Error::new(std::io::ErrorKind::InvalidData, e)))?;
    read_str(&text, &path.display().to_string())
}

fn too_large(len: f64, source: &str) -> SaspError {
    SaspError::LimitExceeded {
        what: "bytes in an SBML document",
        requested: len,
        limit: MAX_DOCUMENT_BYTES,
        hint: format!("{source} is larger than the reader accepts"),
    }
}

/// Byte offset of the first start tag nested deeper than `limit`, if any.
///
/// The XML parser recurses on nesting (a few thousand levels overflow a
/// thread's stack), so depth is checked on the text first. Comments, CDATA,
/// processing instructions and declarations are skipped, quoted attribute
/// values respected; malformed text is left to the parser.
pub(super) fn nesting_exceeds(text: &str, limit: usize) -> Option<usize> {
    let b = text.as_bytes();
    let skip_to = |from: usize, end: &str| text[from..].find(end).map(|k| from + k + end.len());
    let (mut i, mut depth) = (0, 0usize);
    while let Some(k) = text[i..].find('<') {
        let at = i + k;
        let rest = &b[at..];
        i = if rest.starts_with(b"<!--") {
            skip_to(at + 4, "-->")?
        } else if rest.starts_with(b"<![CDATA[") {
            skip_to(at + 9, "]]>")?
        } else if rest.starts_with(b"<?") {
            skip_to(at + 2, "?>")?
        } else if rest.starts_with(b"<!") {
            skip_to(at + 2, ">")?
        } else if rest.starts_with(b"</") {
            depth = depth.saturating_sub(1);
            at + 2
        } else {
            // A start tag: its '>' is the first outside quotes.
            let mut j = at + 1;
            let mut quote = None;
            while j < b.len() {
                match (quote, b[j]) {
                    (Some(q), c) if c == q => quote = None,
                    (None, c @ (b'"' | b'\'')) => quote = Some(c),
                    (None, b'>') => break,
                    _ => {}
                }
                j += 1;
            }
            if j >= b.len() {
                return None;
            }
            if b[j - 1] != b'/' {
                depth += 1;
                if depth > limit {
                    return Some(at);
                }
            }
            j + 1
        };
    }
    None
}

/// A number as SBML writes it: Rust's `f64` syntax, or `INF`, `+INF`,
/// `-INF`, `NaN` (surrounding blanks ignored).
pub(super) fn parse_number(text: &str) -> Option<f64> {
    match text.trim() {
        "INF" | "+INF" => Some(f64::INFINITY),
        "-INF" => Some(f64::NEG_INFINITY),
        "NaN" => Some(f64::NAN),
        t => t.parse::<f64>().ok(),
    }
}

const MATHML: &str = "http://www.w3.org/1998/Math/MathML";

/// State of one read: the text (for positions), the core namespace, the
/// level and the function definitions.
pub(super) struct Reader<'t> {
    text: &'t str,
    source: &'t str,
    level: u32,
    version: u32,
    /// The SBML core namespace (the root element's).
    ns: Option<String>,
    functions: FunctionTable,
}

impl Reader<'_> {
    // ------------------------------------------------------------ navigation

    /// Is `node` the core SBML element `name`?
    fn is(&self, node: Node, name: &str) -> bool {
        node.is_element() && node.tag_name().name() == name && node.tag_name().namespace() == self.ns.as_deref()
    }

    /// The core child elements `name` of `node`.
    fn children<'a, 'i: 'a>(&'a self, node: Node<'a, 'i>, name: &'a str) -> impl Iterator<Item = Node<'a, 'i>> + 'a {
        node.children().filter(move |c| self.is(*c, name))
    }

    fn child<'a, 'i: 'a>(&self, node: Node<'a, 'i>, name: &str) -> Option<Node<'a, 'i>> {
        node.children().find(|c| self.is(*c, name))
    }

    /// The elements `item` of the list `list` under `node`.
    pub(super) fn list<'a, 'i: 'a>(&'a self, node: Node<'a, 'i>, list: &'a str, item: &'a str) -> Vec<Node<'a, 'i>> {
        self.children(node, list).flat_map(|l| self.children(l, item)).collect()
    }

    // ------------------------------------------------------------ messages

    /// `species 'S1'`, `kineticLaw in reaction 'r1'`, `speciesReference of
    /// 'S1' in reaction 'r1'`: the element, by its id, else by what it
    /// refers to and the nearest enclosing element with an id.
    fn what(&self, node: Node) -> String {
        let name = node.tag_name().name();
        if let Some(id) = node.attribute("id") {
            return format!("{name} '{id}'");
        }
        let mut what = name.to_string();
        if let Some(v) = ["variable", "symbol", "species"].iter().find_map(|k| node.attribute(*k)) {
            what = format!("{name} of '{v}'");
        }
        let owner = node
            .ancestors()
            .skip(1)
            .find(|a| a.is_element() && a.tag_name().name() != "model" && a.has_attribute("id"));
        if let Some(owner) = owner {
            what = format!("{what} in {} '{}'", owner.tag_name().name(), owner.attribute("id").unwrap_or(""));
        }
        what
    }

    fn line_column(&self, node: Node) -> (usize, usize) {
        crate::model::line_column(self.text, node.range().start)
    }

    /// The context of an unsupported construct: the element and its position.
    fn context(&self, node: Node) -> String {
        let (line, column) = self.line_column(node);
        format!("{}, {}:{line}:{column}", self.what(node), self.source)
    }

    /// `err` located at `node`.
    fn at(&self, node: Node, err: SaspError) -> SaspError {
        let (line, column) = self.line_column(node);
        FileError::At { path: self.source.into(), line, column: Some(column), source: Box::new(err) }.into()
    }

    /// A [`ModelError::Invalid`] of `node`, located at it.
    pub(super) fn invalid(&self, node: Node, reason: impl Into<String>) -> SaspError {
        self.at(node, ModelError::invalid(self.what(node), reason).into())
    }

    pub(super) fn unsupported(&self, construct: impl Into<String>, node: Node) -> SaspError {
        SaspError::unsupported(construct, self.context(node))
    }

    // ------------------------------------------------------------ attributes

    fn required(&self, node: Node, attr: &str) -> crate::Result<String> {
        node.attribute(attr)
            .map(str::to_string)
            .ok_or_else(|| self.invalid(node, format!("missing required attribute '{attr}'")))
    }

    fn number(&self, node: Node, attr: &str) -> crate::Result<Option<f64>> {
        let Some(text) = node.attribute(attr) else { return Ok(None) };
        parse_number(text)
            .map(Some)
            .ok_or_else(|| self.invalid(node, format!("attribute '{attr}' is not a number: '{text}'")))
    }

    /// A boolean attribute; `default` when absent in Level 2 (`None`: required).
    fn boolean(&self, node: Node, attr: &str, l2_default: Option<bool>) -> crate::Result<bool> {
        let default = if self.level == 2 { l2_default } else { None };
        self.boolean_or(node, attr, default)
    }

    /// A boolean attribute, `default` when absent (`None`: required).
    fn boolean_or(&self, node: Node, attr: &str, default: Option<bool>) -> crate::Result<bool> {
        match node.attribute(attr).map(str::trim) {
            Some("true" | "1") => Ok(true),
            Some("false" | "0") => Ok(false),
            Some(other) => Err(self.invalid(node, format!("attribute '{attr}' is not a boolean: '{other}'"))),
            None => default.ok_or_else(|| {
                self.invalid(
                    node,
                    format!("missing required attribute '{attr}' (SBML Level {} Version {})", self.level, self.version),
                )
            }),
        }
    }

    // ------------------------------------------------------------ math

    /// An expression error of the math of `node`.
    fn expr_error(&self, node: Node, e: ExprError) -> SaspError {
        match e {
            ExprError::Unsupported(construct) => self.unsupported(construct, node),
            other => self.invalid(node, other.to_string()),
        }
    }

    /// The `<math>` child of `node`, read and inlined; `None` without one.
    fn math(&self, node: Node) -> crate::Result<Option<Expr>> {
        let Some(math) = node.children().find(|c| c.is_element() && c.tag_name().name() == "math") else {
            return Ok(None);
        };
        if math.tag_name().namespace().is_some_and(|ns| ns != MATHML) {
            return Err(self.invalid(node, "<math> is not in the MathML namespace"));
        }
        let expr = mathml::read_expr(math).map_err(|e| self.expr_error(node, e))?;
        expr.inline(&self.functions).map(Some).map_err(|e| self.expr_error(node, e))
    }

    // ------------------------------------------------------------ document

    fn document(mut self, root: Node) -> crate::Result<Document> {
        if root.tag_name().name() != "sbml" {
            return Err(self.at(
                root,
                ModelError::invalid("document", format!("not SBML: the root element is <{}>", root.tag_name().name()))
                    .into(),
            ));
        }
        let int = |attr: &str| -> crate::Result<u32> {
            let text = root.attribute(attr).ok_or_else(|| {
                self.at(root, ModelError::invalid("sbml", format!("missing required attribute '{attr}'")).into())
            })?;
            text.trim().parse::<u32>().map_err(|_| {
                self.at(
                    root,
                    ModelError::invalid("sbml", format!("attribute '{attr}' is not a level: '{text}'")).into(),
                )
            })
        };
        let (level, version) = (int("level")?, int("version")?);
        // L2V3 differs from L2V4 in validation rules, not in what a model
        // means for simulation: it is read as L2V4.
        if !matches!((level, version), (2, 3) | (2, 4) | (3, 1) | (3, 2)) {
            return Err(SaspError::unsupported(
                format!("SBML Level {level} Version {version}"),
                format!("{} (L2V3, L2V4, L3V1 and L3V2 are read)", self.source),
            ));
        }
        self.level = level;
        self.version = version;
        self.ns = root.tag_name().namespace().map(str::to_string);
        // Packages the document declares required.
        let mut comp = false;
        for attr in root.attributes() {
            let Some(uri) = attr.namespace() else { continue };
            if attr.name() == "required" && matches!(attr.value().trim(), "true" | "1") {
                if uri == comp::COMP_NS {
                    comp = comp::uses_comp(root);
                    continue;
                }
                if uri.starts_with(crate::sbml::fbc::FBC_NS_PREFIX) {
                    // Read (`Document::flux_balance`); a time course does
                    // not depend on it.
                    continue;
                }
                // A package declared required but not used anywhere (no
                // element or attribute of its namespace) changes nothing.
                let used = root.descendants().any(|n| {
                    n.tag_name().namespace() == Some(uri)
                        || (n != root && n.attributes().any(|a| a.namespace() == Some(uri)))
                });
                if used {
                    let prefix = root.namespaces().find(|n| n.uri() == uri).and_then(|n| n.name()).unwrap_or(uri);
                    return Err(SaspError::unsupported(
                        format!("required package '{prefix}'"),
                        self.source.to_string(),
                    ));
                }
            }
        }
        if comp {
            // Hierarchical composition: read the flattened document.
            return read_str(&comp::flatten(root, self.source)?, &format!("{} (flattened)", self.source));
        }
        let mut doc = Document {
            level,
            version,
            model_id: String::new(),
            compartments: Vec::new(),
            species: Vec::new(),
            parameters: Vec::new(),
            initial_assignments: Vec::new(),
            rules: Vec::new(),
            reactions: Vec::new(),
            events: Vec::new(),
            conversion_factor: None,
            flux_balance: None,
        };
        let Some(model) = self.child(root, "model") else { return Ok(doc) };
        doc.model_id = model.attribute("id").unwrap_or("").to_string();
        if level == 3 {
            doc.conversion_factor = model.attribute("conversionFactor").map(str::to_string);
        }
        let mut functions = FunctionTable::new();
        for def in self.list(model, "listOfFunctionDefinitions", "functionDefinition") {
            let id = self.required(def, "id")?;
            let Some(math) = def.children().find(|c| c.is_element() && c.tag_name().name() == "math") else {
                continue;
            };
            let lambda = mathml::read_lambda(math).map_err(|e| self.expr_error(def, e))?;
            functions.insert(&id, lambda);
        }
        self.functions = functions;
        for c in self.list(model, "listOfCompartments", "compartment") {
            doc.compartments.push(self.compartment(c)?);
        }
        for s in self.list(model, "listOfSpecies", "species") {
            doc.species.push(self.species(s)?);
        }
        for p in self.list(model, "listOfParameters", "parameter") {
            doc.parameters.push(SbmlParameter {
                id: self.required(p, "id")?,
                value: self.number(p, "value")?,
                constant: self.boolean(p, "constant", Some(true))?,
            });
        }
        for a in self.list(model, "listOfInitialAssignments", "initialAssignment") {
            let symbol = self.required(a, "symbol")?;
            if let Some(math) = self.math(a)? {
                doc.initial_assignments.push(InitialAssignment { symbol, math });
            }
        }
        for list in self.children(model, "listOfRules") {
            for r in list.children().filter(|c| c.is_element() && c.tag_name().namespace() == self.ns.as_deref()) {
                if let Some(rule) = self.rule(r)? {
                    doc.rules.push(rule);
                }
            }
        }
        for r in self.list(model, "listOfReactions", "reaction") {
            doc.reactions.push(self.reaction(r)?);
        }
        for e in self.list(model, "listOfEvents", "event") {
            if let Some(event) = self.event(e)? {
                doc.events.push(event);
            }
        }
        doc.flux_balance = match self.flux_balance_decl(model) {
            Ok(decl) => decl.map(Ok),
            Err(e) => Some(Err(FbcRefusal::from(e))),
        };
        Ok(doc)
    }

    fn compartment(&self, c: Node) -> crate::Result<SbmlCompartment> {
        let dims = self.number(c, "spatialDimensions")?;
        Ok(SbmlCompartment {
            id: self.required(c, "id")?,
            size: self.number(c, "size")?,
            constant: self.boolean(c, "constant", Some(true))?,
            spatial_dimensions: if self.level == 2 { Some(dims.unwrap_or(3.0)) } else { dims },
        })
    }

    fn species(&self, s: Node) -> crate::Result<SbmlSpecies> {
        let species = SbmlSpecies {
            id: self.required(s, "id")?,
            compartment: self.required(s, "compartment")?,
            initial_amount: self.number(s, "initialAmount")?,
            initial_concentration: self.number(s, "initialConcentration")?,
            has_only_substance_units: self.boolean(s, "hasOnlySubstanceUnits", Some(false))?,
            boundary_condition: self.boolean(s, "boundaryCondition", Some(false))?,
            constant: self.boolean(s, "constant", Some(false))?,
            conversion_factor: if self.level == 3 { s.attribute("conversionFactor").map(str::to_string) } else { None },
        };
        if species.initial_amount.is_some() && species.initial_concentration.is_some() {
            return Err(self.invalid(s, "both 'initialAmount' and 'initialConcentration' are set"));
        }
        Ok(species)
    }

    /// A rule, `None` when it has no math (no effect).
    fn rule(&self, r: Node) -> crate::Result<Option<Rule>> {
        let name = r.tag_name().name();
        if !matches!(name, "assignmentRule" | "rateRule" | "algebraicRule") {
            return Ok(None);
        }
        let Some(math) = self.math(r)? else { return Ok(None) };
        if name == "algebraicRule" {
            return Ok(Some(Rule::Algebraic { math }));
        }
        let variable = self.required(r, "variable")?;
        Ok(Some(if name == "assignmentRule" {
            Rule::Assignment { variable, math }
        } else {
            Rule::Rate { variable, math }
        }))
    }

    fn reaction(&self, r: Node) -> crate::Result<Reaction> {
        let id = self.required(r, "id")?;
        let reversible = self.boolean(r, "reversible", Some(true))?;
        // `fast`: required in L3V1, gone in L3V2 (false when absent there).
        let fast_default = if self.level == 3 && self.version == 1 { None } else { Some(false) };
        let fast = self.boolean_or(r, "fast", fast_default)?;
        let refs = |list: &str| -> crate::Result<Vec<SpeciesReference>> {
            self.list(r, list, "speciesReference").into_iter().map(|s| self.species_reference(s)).collect()
        };
        let reactants = refs("listOfReactants")?;
        let products = refs("listOfProducts")?;
        let modifiers = self
            .list(r, "listOfModifiers", "modifierSpeciesReference")
            .into_iter()
            .map(|m| self.required(m, "species"))
            .collect::<crate::Result<_>>()?;
        let (mut kinetic_law, mut local_parameters) = (None, Vec::new());
        if let Some(law) = self.child(r, "kineticLaw") {
            let (list, item) = if self.level == 2 {
                ("listOfParameters", "parameter")
            } else {
                ("listOfLocalParameters", "localParameter")
            };
            for p in self.list(law, list, item) {
                let pid = self.required(p, "id")?;
                let value = self.number(p, "value")?.ok_or_else(|| {
                    self.invalid(p, format!("local parameter '{pid}' of reaction '{id}' has no value"))
                })?;
                local_parameters.push((pid, value));
            }
            kinetic_law = self.math(law)?;
        }
        Ok(Reaction { id, reversible, fast, reactants, products, modifiers, kinetic_law, local_parameters })
    }

    fn species_reference(&self, s: Node) -> crate::Result<SpeciesReference> {
        let species = self.required(s, "species")?;
        let id = s.attribute("id").map(str::to_string);
        let mut stoichiometry = self.number(s, "stoichiometry")?;
        if self.level == 3 {
            let constant = self.boolean(s, "constant", None)?;
            return Ok(SpeciesReference { species, id, stoichiometry, constant, stoichiometry_math: None });
        }
        let stoichiometry_math = match self.child(s, "stoichiometryMath") {
            Some(m) => Some(self.math(m)?.ok_or_else(|| self.invalid(m, "no <math>"))?),
            None => None,
        };
        if stoichiometry_math.is_none() && stoichiometry.is_none() {
            stoichiometry = Some(1.0);
        }
        let constant = stoichiometry_math.is_none();
        Ok(SpeciesReference { species, id, stoichiometry, constant, stoichiometry_math })
    }

    /// An event, `None` without a trigger or trigger math (it never fires).
    fn event(&self, e: Node) -> crate::Result<Option<SbmlEvent>> {
        // A delay or priority without math has no effect (SBML Test Suite case 01241).
        let delay = match self.child(e, "delay") {
            Some(d) => self.math(d)?,
            None => None,
        };
        let priority = match self.child(e, "priority") {
            Some(p) => self.math(p)?,
            None => None,
        };
        let use_values_from_trigger_time = self.boolean(e, "useValuesFromTriggerTime", Some(true))?;
        let Some(trigger) = self.child(e, "trigger") else {
            if self.level == 3 && self.version == 2 {
                return Ok(None);
            }
            return Err(self.invalid(e, "no <trigger>"));
        };
        let initial_value = self.boolean(trigger, "initialValue", Some(true))?;
        let persistent = self.boolean(trigger, "persistent", Some(true))?;
        // A trigger without math never fires: the event is ignored (case 01238).
        let Some(math) = self.math(trigger)? else { return Ok(None) };
        let mut assignments = Vec::new();
        for a in self.list(e, "listOfEventAssignments", "eventAssignment") {
            let variable = self.required(a, "variable")?;
            if let Some(m) = self.math(a)? {
                assignments.push((variable, m));
            }
        }
        Ok(Some(SbmlEvent {
            id: e.attribute("id").map(str::to_string),
            trigger: math,
            initial_value,
            persistent,
            delay,
            priority,
            use_values_from_trigger_time,
            assignments,
        }))
    }
}
