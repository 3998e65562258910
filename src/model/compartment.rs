//! Typed compartments: what each state variable of a model *is*.
//!
//! A compartment kind says which biological population or molecule a state
//! variable stands for and so which quantity it measures. The kind is what
//! interventions act on: neutralizing antibodies take a [`Chemokine`], NK
//! depletion acts on [`NkState`] compartments, p53 restoration on
//! [`TumorState::Proliferating`] cells and [`Compartment::P53Activity`].
//! Anything else is a [`Compartment::Other`] with a declared quantity.
//!
//! In model files a kind is written as a dotted name: `tumor.proliferating`,
//! `tumor.p53_deficient`, `tumor.senescent`, `p53_activity`, `nk.recruited`,
//! `nk.activated`, `myeloid`, `chemokine.<NAME>`, `cytokine.NK_activating`, `antibody.depot`, `antibody.plasma`,
//! `antibody.tumor`, `antibody.complex`, `other.cells`, `other.concentration`,
//! `other.fraction`, `other.index`, `other.length`.
//!
//! Chemokines are open: `chemokine.CCL2` … `chemokine.CXCL1_2` are the
//! well-known ones ([`Chemokine::WELL_KNOWN`]), and any other identifier
//! names a chemokine of the user's model (`chemokine.CXCL10`), with the same
//! unit (nM), role (a target for neutralizing antibodies) and validation.

use super::units::Dimension;
use crate::error::{Result, SaspError};
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
    /// The dimension a unit of this quantity must have.
    pub fn dimension(self) -> Dimension {
        match self {
            Quantity::Cells => Dimension::CELLS,
            Quantity::Concentration => Dimension::CONCENTRATION,
            Quantity::Fraction | Quantity::Index => Dimension::NONE,
            Quantity::Length => Dimension::LENGTH,
        }
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

/// A chemokine: a well-known one ([`Chemokine::CCL2`] …) or any other by
/// name ([`Chemokine::named`]).
///
/// A small interned value: copying and comparing it is as cheap as an
/// integer, and two chemokines are equal exactly when their names are. The
/// names of user chemokines are kept for the life of the process (one copy
/// per distinct name).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Chemokine(u32);

/// The names of the well-known chemokines, indexed by their id.
const WELL_KNOWN_NAMES: [&str; 5] = ["CCL2", "CCL3", "CCL4", "CCL5", "CXCL1_2"];

/// Names of user chemokines: id `WELL_KNOWN_NAMES.len() + k` is entry `k`.
static USER_NAMES: std::sync::Mutex<Vec<&'static str>> = std::sync::Mutex::new(Vec::new());

/// Longest chemokine name accepted.
const MAX_NAME: usize = 64;

impl Chemokine {
    /// CCL2 (MCP-1): the NK-recruiting signal of the reference model.
    pub const CCL2: Chemokine = Chemokine(0);
    /// CCL3 (MIP-1α).
    pub const CCL3: Chemokine = Chemokine(1);
    /// CCL4 (MIP-1β).
    pub const CCL4: Chemokine = Chemokine(2);
    /// CCL5 (RANTES).
    pub const CCL5: Chemokine = Chemokine(3);
    /// CXCL1 and CXCL2, lumped.
    pub const CXCL1_2: Chemokine = Chemokine(4);

    /// The well-known chemokines, in declaration order.
    pub const WELL_KNOWN: [Chemokine; 5] =
        [Chemokine::CCL2, Chemokine::CCL3, Chemokine::CCL4, Chemokine::CCL5, Chemokine::CXCL1_2];

    /// The chemokine called `name`: a well-known one if the name is one of
    /// theirs, otherwise a user chemokine. The name must be an identifier
    /// (an ASCII letter, then letters, digits or `_`; at most 64
    /// characters) and must not differ from a well-known name only in case
    /// (`ccl2` is refused, pointing at `CCL2`).
    pub fn named(name: &str) -> Result<Chemokine> {
        if let Some(k) = WELL_KNOWN_NAMES.iter().position(|&n| n == name) {
            return Ok(Chemokine(k as u32));
        }
        let identifier = name.len() <= MAX_NAME
            && name.starts_with(|c: char| c.is_ascii_alphabetic())
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !identifier {
            return Err(SaspError::InvalidModel(format!(
                "'{name}' is not a valid chemokine name: an ASCII letter, then letters, digits or '_', \
                 at most {MAX_NAME} characters (e.g. CCL2, CXCL10)"
            )));
        }
        if let Some(known) = WELL_KNOWN_NAMES.iter().find(|n| n.eq_ignore_ascii_case(name)) {
            return Err(SaspError::InvalidModel(format!(
                "chemokine '{name}' differs from the well-known '{known}' only in case: write '{known}'"
            )));
        }
        let mut names = USER_NAMES.lock().unwrap_or_else(|e| e.into_inner());
        let k = match names.iter().position(|&n| n == name) {
            Some(k) => k,
            None => {
                names.push(Box::leak(name.to_string().into_boxed_str()));
                names.len() - 1
            }
        };
        Ok(Chemokine((WELL_KNOWN_NAMES.len() + k) as u32))
    }

    /// The name (`CCL2`, …, `CXCL1_2`, or the user's name, e.g. `CXCL10`).
    pub fn name(self) -> &'static str {
        let id = self.0 as usize;
        match WELL_KNOWN_NAMES.get(id) {
            Some(name) => name,
            None => USER_NAMES.lock().unwrap_or_else(|e| e.into_inner())[id - WELL_KNOWN_NAMES.len()],
        }
    }

    /// Is this one of [`Chemokine::WELL_KNOWN`]?
    pub fn is_well_known(self) -> bool {
        (self.0 as usize) < WELL_KNOWN_NAMES.len()
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

/// Cytokines (or lumped cytokine activities).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Cytokine {
    /// IL-12, IL-15 and IL-18 lumped into one NK-activating activity.
    NkActivating,
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
    /// A user-defined compartment with a declared quantity.
    Other(Quantity),
}

impl Compartment {
    /// The quantity the compartment holds.
    pub fn quantity(self) -> Quantity {
        match self {
            Compartment::Tumor(_) | Compartment::Nk(_) | Compartment::Myeloid => Quantity::Cells,
            Compartment::P53Activity => Quantity::Fraction,
            Compartment::Chemokine(_) | Compartment::Antibody(_) => Quantity::Concentration,
            Compartment::Cytokine(_) => Quantity::Index,
            Compartment::Other(q) => q,
        }
    }

    /// Is this a chemokine (a valid target for a neutralizing antibody)?
    pub fn chemokine(self) -> Option<Chemokine> {
        match self {
            Compartment::Chemokine(c) => Some(c),
            _ => None,
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
            Compartment::Cytokine(Cytokine::NkActivating) => write!(f, "cytokine.NK_activating"),
            Compartment::Antibody(AntibodyPool::Depot) => write!(f, "antibody.depot"),
            Compartment::Antibody(AntibodyPool::Plasma) => write!(f, "antibody.plasma"),
            Compartment::Antibody(AntibodyPool::Tumor) => write!(f, "antibody.tumor"),
            Compartment::Antibody(AntibodyPool::Complex) => write!(f, "antibody.complex"),
            Compartment::Other(Quantity::Cells) => write!(f, "other.cells"),
            Compartment::Other(Quantity::Concentration) => write!(f, "other.concentration"),
            Compartment::Other(Quantity::Fraction) => write!(f, "other.fraction"),
            Compartment::Other(Quantity::Index) => write!(f, "other.index"),
            Compartment::Other(Quantity::Length) => write!(f, "other.length"),
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
            "cytokine.NK_activating" => Compartment::Cytokine(Cytokine::NkActivating),
            "antibody.depot" => Compartment::Antibody(AntibodyPool::Depot),
            "antibody.plasma" => Compartment::Antibody(AntibodyPool::Plasma),
            "antibody.tumor" => Compartment::Antibody(AntibodyPool::Tumor),
            "antibody.complex" => Compartment::Antibody(AntibodyPool::Complex),
            "other.cells" => Compartment::Other(Quantity::Cells),
            "other.concentration" => Compartment::Other(Quantity::Concentration),
            "other.fraction" => Compartment::Other(Quantity::Fraction),
            "other.index" => Compartment::Other(Quantity::Index),
            "other.length" => Compartment::Other(Quantity::Length),
            _ => match s.strip_prefix("chemokine.") {
                Some(name) => Compartment::Chemokine(Chemokine::named(name)?),
                None => {
                    return Err(SaspError::InvalidModel(format!(
                        "unknown compartment kind '{s}' (see sasp::model::compartment for the list)"
                    )))
                }
            },
        };
        Ok(kind)
    }
}

impl Serialize for Compartment {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Compartment {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

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
            Compartment::Cytokine(Cytokine::NkActivating),
            Compartment::Antibody(AntibodyPool::Complex),
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
    }
}
