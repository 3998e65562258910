//! Typed compartments: what each state variable of a model *is*.
//!
//! A compartment kind says which biological population or molecule a state
//! variable stands for and so which quantity (and unit dimension) it
//! measures. Interventions select compartments by kind or by name:
//! neutralizing antibodies bind a species, NK depletion acts on the
//! `nk.*` family, p53 restoration on [`TumorState::Proliferating`] cells.
//!
//! Kinds are open. The well-known kinds of the reference model are
//! constants; any other kind is written with its quantity and a name of the
//! user's choosing, and is validated (units) like the well-known ones:
//!
//! | text | kind | quantity |
//! |---|---|---|
//! | `tumor.proliferating`, `tumor.p53_deficient`, `tumor.senescent` | [`Compartment::Tumor`] | cells |
//! | `p53_activity` | [`Compartment::P53Activity`] | fraction |
//! | `nk.recruited`, `nk.activated` | [`Compartment::Nk`] | cells |
//! | `myeloid` | [`Compartment::Myeloid`] | cells |
//! | `chemokine.<NAME>` (`CCL2` … `CXCL1_2` well-known, any other name, e.g. `CXCL10`) | [`Compartment::Chemokine`] | concentration |
//! | `cytokine.<NAME>` (`NK_activating` well-known, e.g. `IFNg`) | [`Compartment::Cytokine`] | index |
//! | `antibody.depot`, `antibody.plasma`, `antibody.tumor`, `antibody.complex` | [`Compartment::Antibody`] | concentration |
//! | `cells.<NAME>`, `concentration.<NAME>`, `fraction.<NAME>`, `index.<NAME>`, `length.<NAME>` (e.g. `cells.T_effector`) | [`Compartment::Named`] | as written |
//! | `other.cells`, `other.concentration`, `other.fraction`, `other.index`, `other.length` | [`Compartment::Other`] | as written |
//!
//! A name is an identifier: an ASCII letter, then letters, digits or `_`,
//! at most 64 characters. Names are interned ([`Name`]): a kind is a small
//! `Copy` value that compares as cheaply as an integer.
//!
//! The *family* of a kind is its text before the first dot (`nk` for both
//! NK states, `chemokine`, `cells`, …; the whole text for `myeloid` and
//! `p53_activity`): [`Compartment::family`].

use super::units::Dimension;
use crate::error::{ModelError, Result, SaspError};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// What kind of quantity a compartment holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Quantity {
    /// Cell numbers, in 10⁶ cells.
    Cells,
    /// Molar concentration, in nM.
    Concentration,
    /// A fraction between 0 and 1 (e.g. p53 activity).
    Fraction,
    /// A dimensionless activity index (e.g. lumped cytokine activity).
    Index,
    /// A length, in mm (rarely a state; for user models).
    Length,
}

impl Quantity {
    /// Every quantity, in declaration order.
    pub const ALL: [Quantity; 5] =
        [Quantity::Cells, Quantity::Concentration, Quantity::Fraction, Quantity::Index, Quantity::Length];

    /// The dimension a unit of this quantity must have.
    pub fn dimension(self) -> Dimension {
        match self {
            Quantity::Cells => Dimension::CELLS,
            Quantity::Concentration => Dimension::CONCENTRATION,
            Quantity::Fraction | Quantity::Index => Dimension::NONE,
            Quantity::Length => Dimension::LENGTH,
        }
    }

    /// The word of kinds of this quantity: `cells`, `concentration`,
    /// `fraction`, `index`, `length`.
    pub fn word(self) -> &'static str {
        match self {
            Quantity::Cells => "cells",
            Quantity::Concentration => "concentration",
            Quantity::Fraction => "fraction",
            Quantity::Index => "index",
            Quantity::Length => "length",
        }
    }

    fn from_word(word: &str) -> Option<Quantity> {
        Quantity::ALL.into_iter().find(|q| q.word() == word)
    }
}

/// States of tumor cells.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TumorState {
    /// Proliferating cells whose p53 can be restored (shRNA under doxycycline control).
    Proliferating,
    /// Proliferating cells that are p53-deficient for good: they never senesce.
    P53Deficient,
    /// Senescent cells: no division, secrete the SASP.
    Senescent,
}

/// States of NK cells in the tumor.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NkState {
    /// Recruited, resting NK cells.
    Recruited,
    /// Activated (cytotoxic) NK cells.
    Activated,
}

/// An interned identifier: the name of a chemokine, a cytokine or a user
/// kind.
///
/// Copying and comparing it is as cheap as an integer, and two names are
/// equal exactly when their texts are. The texts of names that are not
/// well-known are kept for the life of the process (one copy per distinct
/// name).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Name(u32);

/// The texts of the well-known names, indexed by their id: the chemokines,
/// then the cytokine.
const WELL_KNOWN_NAMES: [&str; 6] = ["CCL2", "CCL3", "CCL4", "CCL5", "CXCL1_2", "NK_activating"];

/// Texts of the other names: id `WELL_KNOWN_NAMES.len() + k` is entry `k`.
static USER_NAMES: std::sync::Mutex<Vec<&'static str>> = std::sync::Mutex::new(Vec::new());

/// Longest name accepted.
const MAX_NAME: usize = 64;

/// Most distinct names one process interns (each is kept for the life of
/// the process, so input must not grow the table without bound).
pub const MAX_NAMES: usize = 100_000;

impl Name {
    /// The name `text`, checked to be an identifier (an ASCII letter, then
    /// letters, digits or `_`; at most 64 characters).
    pub fn new(text: &str) -> Result<Name> {
        if let Some(k) = WELL_KNOWN_NAMES.iter().position(|&n| n == text) {
            return Ok(Name(k as u32));
        }
        let identifier = text.len() <= MAX_NAME
            && text.starts_with(|c: char| c.is_ascii_alphabetic())
            && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !identifier {
            return Err(ModelError::InvalidName {
                name: text.to_string(),
                reason: format!(
                    "an ASCII letter, then letters, digits or '_', at most {MAX_NAME} characters \
                     (e.g. CCL2, CXCL10, T_effector)"
                ),
            }
            .into());
        }
        let mut names = USER_NAMES.lock().unwrap_or_else(|e| e.into_inner());
        let k = match names.iter().position(|&n| n == text) {
            Some(k) => k,
            None if names.len() >= MAX_NAMES => {
                return Err(SaspError::LimitExceeded {
                    what: "distinct kind names",
                    requested: (names.len() + 1) as f64,
                    limit: MAX_NAMES,
                    hint: format!("interning '{text}'"),
                })
            }
            None => {
                names.push(Box::leak(text.to_string().into_boxed_str()));
                names.len() - 1
            }
        };
        Ok(Name((WELL_KNOWN_NAMES.len() + k) as u32))
    }

    /// The text.
    pub fn as_str(self) -> &'static str {
        let id = self.0 as usize;
        match WELL_KNOWN_NAMES.get(id) {
            Some(name) => name,
            None => USER_NAMES.lock().unwrap_or_else(|e| e.into_inner())[id - WELL_KNOWN_NAMES.len()],
        }
    }
}

impl fmt::Debug for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.as_str())
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Refuses `text` when it differs from one of `known` only in case
/// (`ccl2` for `CCL2`): almost certainly a typo that would otherwise name a
/// new species.
fn refuse_case_variant(what: &'static str, text: &str, known: &[&str]) -> Result<()> {
    match known.iter().find(|n| n.eq_ignore_ascii_case(text) && **n != text) {
        Some(known) => Err(ModelError::CaseVariant { what, name: text.to_string(), known: known.to_string() }.into()),
        None => Ok(()),
    }
}

/// A chemokine: a well-known one ([`Chemokine::CCL2`] …) or any other by
/// name ([`Chemokine::named`]).
///
/// A small interned value (a [`Name`]): copying and comparing it is as
/// cheap as an integer, and two chemokines are equal exactly when their
/// names are.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Chemokine(Name);

impl Chemokine {
    /// CCL2 (MCP-1): the NK-recruiting signal of the reference model.
    pub const CCL2: Chemokine = Chemokine(Name(0));
    /// CCL3 (MIP-1α).
    pub const CCL3: Chemokine = Chemokine(Name(1));
    /// CCL4 (MIP-1β).
    pub const CCL4: Chemokine = Chemokine(Name(2));
    /// CCL5 (RANTES).
    pub const CCL5: Chemokine = Chemokine(Name(3));
    /// CXCL1 and CXCL2, lumped.
    pub const CXCL1_2: Chemokine = Chemokine(Name(4));

    /// The well-known chemokines, in declaration order.
    pub const WELL_KNOWN: [Chemokine; 5] =
        [Chemokine::CCL2, Chemokine::CCL3, Chemokine::CCL4, Chemokine::CCL5, Chemokine::CXCL1_2];

    /// The chemokine called `name`: a well-known one if the name is one of
    /// theirs, otherwise a user chemokine. The name must be an identifier
    /// (see [`Name::new`]) and must not differ from a well-known name only
    /// in case (`ccl2` is refused, pointing at `CCL2`).
    pub fn named(name: &str) -> Result<Chemokine> {
        let known: Vec<&str> = Chemokine::WELL_KNOWN.iter().map(|c| c.name()).collect();
        refuse_case_variant("chemokine", name, &known)?;
        Name::new(name).map(Chemokine)
    }

    /// The name (`CCL2`, …, `CXCL1_2`, or the user's name, e.g. `CXCL10`).
    pub fn name(self) -> &'static str {
        self.0.as_str()
    }

    /// Is this one of [`Chemokine::WELL_KNOWN`]?
    pub fn is_well_known(self) -> bool {
        Chemokine::WELL_KNOWN.contains(&self)
    }
}

impl fmt::Debug for Chemokine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Chemokine({})", self.name())
    }
}

impl fmt::Display for Chemokine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Chemokine {
    type Err = SaspError;

    fn from_str(s: &str) -> Result<Chemokine> {
        Chemokine::named(s)
    }
}

/// A cytokine (or a lumped cytokine activity): the well-known
/// [`Cytokine::NK_ACTIVATING`] or any other by name ([`Cytokine::named`]).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Cytokine(Name);

impl Cytokine {
    /// IL-12, IL-15 and IL-18 lumped into one NK-activating activity.
    pub const NK_ACTIVATING: Cytokine = Cytokine(Name(5));

    /// The cytokine called `name` (an identifier; not a case variant of
    /// `NK_activating`).
    pub fn named(name: &str) -> Result<Cytokine> {
        refuse_case_variant("cytokine", name, &[Cytokine::NK_ACTIVATING.name()])?;
        Name::new(name).map(Cytokine)
    }

    /// The name (`NK_activating` or the user's, e.g. `IFNg`).
    pub fn name(self) -> &'static str {
        self.0.as_str()
    }
}

impl fmt::Debug for Cytokine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Cytokine({})", self.name())
    }
}

/// The four pools of an antibody's pharmacokinetics.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AntibodyPool {
    /// Intraperitoneal depot (where bolus doses go).
    Depot,
    /// Plasma.
    Plasma,
    /// Free antibody in the tumor interstitium.
    Tumor,
    /// Antibody bound to its target.
    Complex,
}

/// What a state variable is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Compartment {
    /// Tumor cells.
    Tumor(TumorState),
    /// p53 activity in restorable tumor cells, 0..1.
    P53Activity,
    /// NK cells in the tumor.
    Nk(NkState),
    /// Myeloid cells in the tumor.
    Myeloid,
    /// A free chemokine in the tumor interstitium.
    Chemokine(Chemokine),
    /// A cytokine activity.
    Cytokine(Cytokine),
    /// One pool of an antibody.
    Antibody(AntibodyPool),
    /// A kind of the user's model: its quantity and its name
    /// (`cells.T_effector`).
    Named(Quantity, Name),
    /// A user-defined compartment with a declared quantity and no name of
    /// its kind.
    Other(Quantity),
}

impl Compartment {
    /// The user kind `<quantity>.<name>` (e.g. `Compartment::named(Quantity::Cells, "T_effector")`).
    pub fn named(quantity: Quantity, name: &str) -> Result<Compartment> {
        Ok(Compartment::Named(quantity, Name::new(name)?))
    }

    /// The quantity the compartment holds.
    pub fn quantity(self) -> Quantity {
        match self {
            Compartment::Tumor(_) | Compartment::Nk(_) | Compartment::Myeloid => Quantity::Cells,
            Compartment::P53Activity => Quantity::Fraction,
            Compartment::Chemokine(_) | Compartment::Antibody(_) => Quantity::Concentration,
            Compartment::Cytokine(_) => Quantity::Index,
            Compartment::Named(q, _) | Compartment::Other(q) => q,
        }
    }

    /// Is this a chemokine?
    pub fn chemokine(self) -> Option<Chemokine> {
        match self {
            Compartment::Chemokine(c) => Some(c),
            _ => None,
        }
    }

    /// The family: the kind's text before the first dot (`tumor`, `nk`,
    /// `chemokine`, `cytokine`, `antibody`, `cells`, …, `other`), or the
    /// whole text for `p53_activity` and `myeloid`.
    pub fn family(self) -> &'static str {
        match self {
            Compartment::Tumor(_) => "tumor",
            Compartment::P53Activity => "p53_activity",
            Compartment::Nk(_) => "nk",
            Compartment::Myeloid => "myeloid",
            Compartment::Chemokine(_) => "chemokine",
            Compartment::Cytokine(_) => "cytokine",
            Compartment::Antibody(_) => "antibody",
            Compartment::Named(q, _) => q.word(),
            Compartment::Other(_) => "other",
        }
    }
}

impl fmt::Display for Compartment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Compartment::Tumor(TumorState::Proliferating) => write!(f, "tumor.proliferating"),
            Compartment::Tumor(TumorState::P53Deficient) => write!(f, "tumor.p53_deficient"),
            Compartment::Tumor(TumorState::Senescent) => write!(f, "tumor.senescent"),
            Compartment::P53Activity => write!(f, "p53_activity"),
            Compartment::Nk(NkState::Recruited) => write!(f, "nk.recruited"),
            Compartment::Nk(NkState::Activated) => write!(f, "nk.activated"),
            Compartment::Myeloid => write!(f, "myeloid"),
            Compartment::Chemokine(c) => write!(f, "chemokine.{}", c.name()),
            Compartment::Cytokine(c) => write!(f, "cytokine.{}", c.name()),
            Compartment::Antibody(AntibodyPool::Depot) => write!(f, "antibody.depot"),
            Compartment::Antibody(AntibodyPool::Plasma) => write!(f, "antibody.plasma"),
            Compartment::Antibody(AntibodyPool::Tumor) => write!(f, "antibody.tumor"),
            Compartment::Antibody(AntibodyPool::Complex) => write!(f, "antibody.complex"),
            Compartment::Named(q, name) => write!(f, "{}.{name}", q.word()),
            Compartment::Other(q) => write!(f, "other.{}", q.word()),
        }
    }
}

impl FromStr for Compartment {
    type Err = SaspError;

    fn from_str(s: &str) -> Result<Compartment> {
        let kind = match s {
            "tumor.proliferating" => Compartment::Tumor(TumorState::Proliferating),
            "tumor.p53_deficient" => Compartment::Tumor(TumorState::P53Deficient),
            "tumor.senescent" => Compartment::Tumor(TumorState::Senescent),
            "p53_activity" => Compartment::P53Activity,
            "nk.recruited" => Compartment::Nk(NkState::Recruited),
            "nk.activated" => Compartment::Nk(NkState::Activated),
            "myeloid" => Compartment::Myeloid,
            "antibody.depot" => Compartment::Antibody(AntibodyPool::Depot),
            "antibody.plasma" => Compartment::Antibody(AntibodyPool::Plasma),
            "antibody.tumor" => Compartment::Antibody(AntibodyPool::Tumor),
            "antibody.complex" => Compartment::Antibody(AntibodyPool::Complex),
            _ => {
                let unknown = || SaspError::from(ModelError::UnknownKind(s.to_string()));
                let (family, name) = s.split_once('.').ok_or_else(unknown)?;
                match (family, Quantity::from_word(family)) {
                    ("chemokine", _) => Compartment::Chemokine(Chemokine::named(name)?),
                    ("cytokine", _) => Compartment::Cytokine(Cytokine::named(name)?),
                    ("other", _) => Compartment::Other(Quantity::from_word(name).ok_or_else(unknown)?),
                    (_, Some(q)) => Compartment::Named(q, Name::new(name)?),
                    _ => return Err(unknown()),
                }
            }
        };
        Ok(kind)
    }
}

crate::util::text::serde_as_text!(Compartment);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_through_text() {
        let kinds = [
            Compartment::Tumor(TumorState::Proliferating),
            Compartment::Tumor(TumorState::P53Deficient),
            Compartment::Tumor(TumorState::Senescent),
            Compartment::P53Activity,
            Compartment::Nk(NkState::Recruited),
            Compartment::Nk(NkState::Activated),
            Compartment::Myeloid,
            Compartment::Chemokine(Chemokine::CCL5),
            Compartment::Chemokine(Chemokine::CXCL1_2),
            Compartment::Chemokine(Chemokine::named("CXCL10").unwrap()),
            Compartment::Cytokine(Cytokine::NK_ACTIVATING),
            Compartment::Cytokine(Cytokine::named("IFNg").unwrap()),
            Compartment::Antibody(AntibodyPool::Complex),
            Compartment::named(Quantity::Cells, "T_effector").unwrap(),
            Compartment::named(Quantity::Concentration, "IFNg").unwrap(),
            Compartment::Other(Quantity::Length),
        ];
        for k in kinds {
            assert_eq!(k.to_string().parse::<Compartment>().unwrap(), k);
        }
        let cxcl10 = "chemokine.CXCL10".parse::<Compartment>().unwrap();
        assert_eq!(cxcl10.chemokine().unwrap().name(), "CXCL10");
        assert_eq!(cxcl10.quantity(), Quantity::Concentration);
        assert_eq!(Chemokine::named("CCL2").unwrap(), Chemokine::CCL2);
        assert_eq!(Chemokine::named("CXCL10").unwrap(), Chemokine::named("CXCL10").unwrap());
        assert_ne!(Chemokine::named("CXCL10").unwrap(), Chemokine::named("CXCL9").unwrap());
        assert!(!Chemokine::named("CXCL10").unwrap().is_well_known());
        for bad in ["chemokine.", "chemokine.CCL-2", "chemokine.2CCL", "chemokine.ccl2", "chemokine.CC L2"] {
            assert!(bad.parse::<Compartment>().is_err(), "{bad}");
        }
        assert!("chemokine.ccl2".parse::<Compartment>().unwrap_err().to_string().contains("'CCL2'"));
        assert!("tumour".parse::<Compartment>().is_err());
        let t = "cells.T_effector".parse::<Compartment>().unwrap();
        assert_eq!((t.quantity(), t.family()), (Quantity::Cells, "cells"));
        assert_eq!("index.x".parse::<Compartment>().unwrap().quantity(), Quantity::Index);
        assert_eq!(
            "cytokine.NK_activating".parse::<Compartment>().unwrap(),
            Compartment::Cytokine(Cytokine::NK_ACTIVATING)
        );
        assert_eq!(Compartment::Nk(NkState::Activated).family(), "nk");
        for bad in ["cells.", "cells.1x", "volume.x", "other.x", "cytokine.nk_activating", "cells.a.b"] {
            assert!(bad.parse::<Compartment>().is_err(), "{bad}");
        }
    }
}
