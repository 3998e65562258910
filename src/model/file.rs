//! Model files: TOML, one source of truth for a model.
//!
//! Syntax errors come with the file, line and column the TOML parser reports;
//! errors found when the model is validated come with the line of the item they
//! name (the offending name, looked up after the process or item that uses it).

use super::spec::ModelSpec;
use super::Model;
use crate::error::{FileError, ModelError, Result, SaspError};
use std::path::Path;

/// 1-based (line, column) of byte offset `pos` in `text`.
pub(crate) fn line_column(text: &str, pos: usize) -> (usize, usize) {
    let before = &text[..pos.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// The text between the first pair of single quotes of `message`.
fn first_quoted(message: &str) -> Option<&str> {
    let start = message.find('\'')? + 1;
    let len = message[start..].find('\'')?;
    Some(&message[start..start + len])
}

/// Byte offset of `"needle"` in `text`, searched after `"anchor"` when given.
fn locate(text: &str, anchor: Option<&str>, needle: &str) -> Option<usize> {
    let from = anchor.and_then(|a| text.find(&format!("\"{a}\""))).unwrap_or(0);
    let quoted = format!("\"{needle}\"");
    if let Some(k) = text[from..].find(&quoted) {
        return Some(from + k);
    }
    // Keys of inline tables (e.g. `changes = { P = -1 }`) are not quoted.
    text[from..].find(&format!("{needle} =")).map(|k| from + k)
}

/// Byte offset of `key` in the `[[section]]` table whose `name` is `name`
/// (of the name itself when the table has no such key), found in the parsed
/// document: the item's own table, not the first place its name is written.
fn item_position(text: &str, section: &str, name: &str, key: &str) -> Option<usize> {
    let document = toml::de::DeTable::parse(text).ok()?;
    let tables = document.get_ref().get(section)?.get_ref().as_array()?;
    tables.iter().find_map(|table| {
        let table = table.get_ref().as_table()?;
        let own = table.get("name")?;
        if own.get_ref().as_str()? != name {
            return None;
        }
        Some(table.get(key).map_or(own.span().start, |v| v.span().start))
    })
}

/// Byte offset of `key` in the `[model]` table.
fn model_key_position(text: &str, key: &str) -> Option<usize> {
    let document = toml::de::DeTable::parse(text).ok()?;
    let model = document.get_ref().get("model")?;
    Some(model.get_ref().as_table()?.get(key).map_or(model.span().start, |v| v.span().start))
}

/// Where in the file a validation error points, as a byte offset.
pub(super) fn error_position(text: &str, error: &SaspError) -> Option<usize> {
    let error = match error {
        SaspError::Model(e) => e,
        SaspError::InvalidSchedule { name, .. } => return locate(text, None, name),
        _ => return None,
    };
    match error {
        ModelError::InvalidParameter { name, .. } if item_position(text, "parameter", name, "value").is_some() => {
            item_position(text, "parameter", name, "value")
        }
        ModelError::InvalidInitialValue { name, .. } => item_position(text, "compartment", name, "initial"),
        ModelError::NotFinite { kind, name, .. } => match *kind {
            "parameter" => item_position(text, "parameter", name, "value"),
            "compartment" => item_position(text, "compartment", name, "initial"),
            "input" => item_position(text, "input", name, "default"),
            "process" => item_position(text, "process", name, "name"),
            "model" => model_key_position(text, "initial_time"),
            _ => None,
        },
        ModelError::NoCompartments(_) => model_key_position(text, "name"),
        ModelError::UnknownCompartment { name, context }
        | ModelError::UnknownParameter { name, context }
        | ModelError::UnknownInput { name, context } => locate(text, first_quoted(context), name),
        ModelError::Duplicate { name, .. } => {
            let quoted = format!("\"{name}\"");
            let first = text.find(&quoted)?;
            text[first + 1..].find(&quoted).map(|k| first + 1 + k)
        }
        ModelError::InvalidParameter { name, .. } => locate(text, None, name),
        ModelError::UnitParse { text: unit, reason } => locate(text, first_quoted(reason), unit),
        ModelError::UnitMismatch { context, .. } => locate(text, None, first_quoted(context)?),
        // A constraint is known by its variable: its own `variable = …` line.
        ModelError::Invalid { item, .. } if item.starts_with("constraint on ") => {
            let variable = first_quoted(item)?;
            text.find(&format!("variable = \"{variable}\"")).or_else(|| locate(text, None, variable))
        }
        // The rest: the first name the message quotes.
        other => {
            let message = other.to_string();
            locate(text, None, first_quoted(&message)?)
        }
    }
}

impl Model {
    /// Parses and builds a model from TOML text; `origin` names the source in errors.
    pub fn from_toml_str(text: &str, origin: impl AsRef<Path>) -> Result<Model> {
        let origin = origin.as_ref().to_path_buf();
        let spec: ModelSpec = toml::from_str(text).map_err(|e| {
            let (line, column) = e.span().map_or((1, 1), |span| line_column(text, span.start));
            FileError::Syntax { path: origin.clone(), line, column, message: e.message().to_string() }
        })?;
        Model::from_spec(spec).map_err(|e| match error_position(text, &e) {
            Some(pos) => {
                let (line, column) = line_column(text, pos);
                FileError::At { path: origin, line, column: Some(column), source: Box::new(e) }.into()
            }
            None => e,
        })
    }

    /// Reads and builds a model file.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Model> {
        let path = path.as_ref();
        let text =
            std::fs::read_to_string(path).map_err(|source| FileError::Io { path: path.to_path_buf(), source })?;
        Model::from_toml_str(&text, path)
    }

    /// The model's declaration as TOML text (reads back to an equal model).
    pub fn to_toml(&self) -> Result<String> {
        if self.spec.processes.iter().any(|p| matches!(p.rate, super::RateLaw::Custom(_))) {
            return Err(SaspError::Serialization {
                what: "TOML",
                reason: "a model with custom (closure) rate laws cannot be written to a file".to_string(),
            });
        }
        toml::to_string_pretty(self.spec())
            .map_err(|e| SaspError::Serialization { what: "TOML", reason: e.to_string() })
    }

    /// Writes the model file atomically (temporary file, then rename).
    pub fn write_file(&self, path: impl AsRef<Path>) -> Result<()> {
        crate::util::files::write_atomic(path.as_ref(), self.to_toml()?.as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_are_one_based() {
        let text = "ab\ncd\nef";
        assert_eq!(line_column(text, 0), (1, 1));
        assert_eq!(line_column(text, 4), (2, 2));
        assert_eq!(line_column(text, 6), (3, 1));
    }
}
