//! Model variants: a few changes to a model, written as a short file of their
//! own instead of a copy of the whole model — another rate law for some
//! processes (a structural alternative), new parameters, a dropped mechanism.
//!
//! ```toml
//! [variant]
//! name = "iannello2013_saturating_kill"      # the variant's model name
//! description = "NK killing saturates in the effector-to-target ratio"   # optional
//! references = ["de Pillis et al., Cancer Res 2005;65:7950"]            # optional, added
//! remove = ["k_kill"]                         # items of the base dropped (by name)
//!
//! [[parameter]]        # a base parameter of the same name is replaced in place,
//! name = "d_kill"      # any other is added after the base's
//! value = 5.8
//! unit = "1/day"
//! tag = "F"
//!
//! [[process]]          # likewise for compartments, processes and assignments
//! name = "NKG2D killing of proliferating cells"
//! changes = { P = -1, Na = "-p_ex" }
//! rate = { law = "expression", rate = "d_kill*g_NKG2D*P*ET^lambda/(s + ET^lambda)" }
//! ```
//!
//! Sections: `[variant]` (required), `[[compartment]]`, `[[parameter]]`,
//! `[[process]]`, `[[assignment]]`, each with the syntax of a model file
//! (docs/model.md); anything else is refused. `remove` names compartments,
//! parameters, processes or assignments of the base, each of which must
//! exist. The result is validated as a whole model; errors name the variant's
//! file and, where they concern an item it writes, its line.

use super::file::{error_position, line_column};
use super::spec::{AssignmentDecl, CompartmentDecl, ModelSpec, ParameterDecl, ProcessDecl};
use super::Model;
use crate::error::{FileError, ModelError, Result};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// What a variant changes in its base model (see the module docs).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelVariant {
    /// The variant's name, description, added references and removals.
    pub variant: VariantInfo,
    /// Compartments replaced (same name) or added.
    #[serde(default, rename = "compartment", skip_serializing_if = "Vec::is_empty")]
    pub compartments: Vec<CompartmentDecl>,
    /// Parameters replaced (same name) or added.
    #[serde(default, rename = "parameter", skip_serializing_if = "Vec::is_empty")]
    pub parameters: Vec<ParameterDecl>,
    /// Processes replaced (same name) or added.
    #[serde(default, rename = "process", skip_serializing_if = "Vec::is_empty")]
    pub processes: Vec<ProcessDecl>,
    /// Assignments replaced (same name) or added.
    #[serde(default, rename = "assignment", skip_serializing_if = "Vec::is_empty")]
    pub assignments: Vec<AssignmentDecl>,
}

/// The `[variant]` table.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VariantInfo {
    /// The new model's name.
    pub name: String,
    /// What the variant changes (replaces the base's description when given).
    #[serde(default)]
    pub description: String,
    /// Literature the variant adds to the base's references.
    #[serde(default)]
    pub references: Vec<String>,
    /// Names of base compartments, parameters, processes or assignments to drop.
    #[serde(default)]
    pub remove: Vec<String>,
}

/// Replaces the item of `base` named as `item` in place, or appends it.
fn merge<T: Clone>(base: &mut Vec<T>, items: &[T], name: impl Fn(&T) -> &str) {
    for item in items {
        match base.iter_mut().find(|b| name(b) == name(item)) {
            Some(slot) => *slot = item.clone(),
            None => base.push(item.clone()),
        }
    }
}

impl ModelVariant {
    /// `base` with this variant's changes (not yet validated: build the
    /// result with [`Model::from_spec`]).
    pub fn apply(&self, base: &ModelSpec) -> Result<ModelSpec> {
        let mut spec = base.clone();
        for name in &self.variant.remove {
            let before =
                spec.compartments.len() + spec.parameters.len() + spec.processes.len() + spec.assignments.len();
            spec.compartments.retain(|c| &c.name != name);
            spec.parameters.retain(|p| &p.name != name);
            spec.processes.retain(|p| &p.name != name);
            spec.assignments.retain(|a| &a.name != name);
            let after = spec.compartments.len() + spec.parameters.len() + spec.processes.len() + spec.assignments.len();
            if after == before {
                return Err(ModelError::Missing {
                    needed_by: format!("variant '{}', which removes it,", self.variant.name),
                    what: format!("an item named '{name}'"),
                    model: base.model.name.clone(),
                }
                .into());
            }
        }
        merge(&mut spec.compartments, &self.compartments, |c| &c.name);
        merge(&mut spec.parameters, &self.parameters, |p| &p.name);
        merge(&mut spec.processes, &self.processes, |p| &p.name);
        merge(&mut spec.assignments, &self.assignments, |a| &a.name);
        spec.model.name = self.variant.name.clone();
        if !self.variant.description.is_empty() {
            spec.model.description = self.variant.description.clone();
        }
        spec.model.references.extend(self.variant.references.iter().cloned());
        Ok(spec)
    }
}

impl Model {
    /// This model with the changes of a variant file's text (module
    /// [`variant`](self::super::variant)); `origin` names the text in errors,
    /// which carry its line where they concern an item it writes.
    ///
    /// ```
    /// let base = sasp::models::iannello2013()?;
    /// let variant = base.with_variant_toml(
    ///     "[variant]\nname = \"slower\"\n[[parameter]]\nname = \"r\"\nvalue = 0.2\nunit = \"1/day\"\ntag = \"A\"\n",
    ///     "slower.toml",
    /// )?;
    /// assert_eq!(variant.name(), "slower");
    /// assert_eq!(variant.parameter("r")?, 0.2);
    /// # Ok::<(), sasp::SaspError>(())
    /// ```
    pub fn with_variant_toml(&self, text: &str, origin: impl AsRef<Path>) -> Result<Model> {
        let origin = origin.as_ref().to_path_buf();
        let variant: ModelVariant = toml::from_str(text).map_err(|e| {
            let (line, column) = e.span().map_or((1, 1), |span| line_column(text, span.start));
            FileError::Syntax { path: origin.clone(), line, column, message: e.message().to_string() }
        })?;
        let at = |e: crate::SaspError| match error_position(text, &e) {
            Some(pos) => {
                let (line, column) = line_column(text, pos);
                FileError::At { path: origin.clone(), line, column: Some(column), source: Box::new(e) }.into()
            }
            None => e,
        };
        variant.apply(self.spec()).and_then(Model::from_spec).map_err(at)
    }

    /// Reads a variant file and applies it to this model ([`Model::with_variant_toml`]).
    pub fn with_variant_file(&self, path: impl AsRef<Path>) -> Result<Model> {
        let path = path.as_ref();
        let text =
            std::fs::read_to_string(path).map_err(|source| FileError::Io { path: path.to_path_buf(), source })?;
        self.with_variant_toml(&text, path)
    }
}
