//! The models that ship with the library, loaded from `models/*.toml`.
//!
//! The files are compiled into the library (so the constructors work from any
//! directory), and are the one source of truth: edit the TOML, not Rust.

use crate::error::Result;
use crate::model::Model;

/// Text of `models/iannello2013.toml`.
pub const IANNELLO2013_TOML: &str = include_str!("../models/iannello2013.toml");

/// The well-mixed reference model of senescence-driven NK immunosurveillance
/// (Iannello et al., J Exp Med 2013), as specified in `docs/model.md`.
///
/// ```
/// let model = sasp::models::iannello2013()?;
/// assert_eq!(model.dimension(), 13);
/// assert_eq!(model.initial_time(), -14.0);
/// # Ok::<(), sasp::SaspError>(())
/// ```
pub fn iannello2013() -> Result<Model> {
    Model::from_toml_str(IANNELLO2013_TOML, "models/iannello2013.toml")
}
