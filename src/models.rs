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

/// Text of `models/iannello2013_saturating_kill.toml`, a variant file
/// ([`crate::model::variant`]) of the reference model.
pub const IANNELLO2013_SATURATING_KILL_TOML: &str = include_str!("../models/iannello2013_saturating_kill.toml");

/// The reference model with a structural alternative for NK killing: the
/// kill rate per tumor cell saturates in the effector-to-target ratio
/// (de Pillis et al., Cancer Res 2005),
///
/// `Y' −= d_kill · g · Y · D`,  `D = ET^λ/(s + ET^λ)`,  `ET = max(Na, 0)/(max(T, 0) + T_eps)`,
///
/// for each tumor population `Y` (P, Q, S) and route `g` (`g_NKG2D`,
/// `g_other`), instead of `k_kill · g · Na · Y/(T + T_eps)`, which grows
/// with the ratio without bound. `λ` (`lambda_kill`) and `s` (`s_kill`) are
/// de Pillis's; `d_kill` replaces `k_kill` among the fitted parameters
/// (`examples/calibrate.rs --kill saturating`). docs/findings.md compares
/// the two structures.
///
/// ```
/// let model = sasp::models::iannello2013_saturating_kill()?;
/// assert!(model.parameter("k_kill").is_err());
/// assert_eq!(model.parameter("lambda_kill")?, 1.36);
/// # Ok::<(), sasp::SaspError>(())
/// ```
pub fn iannello2013_saturating_kill() -> Result<Model> {
    iannello2013()?.with_variant_toml(IANNELLO2013_SATURATING_KILL_TOML, "models/iannello2013_saturating_kill.toml")
}

/// Text of `models/iannello2013_spatial.toml`.
pub const IANNELLO2013_SPATIAL_TOML: &str = include_str!("../models/iannello2013_spatial.toml");

/// Grid spacing (mm) the spatial reference model's file is written for.
pub const SPATIAL_REFERENCE_SPACING: f64 = 0.0625;

/// The spatial reference model (`models/iannello2013_spatial.toml`): the
/// well-mixed model on boxes of `spacing × spacing × spacing` mm, with the
/// transport its file declares (see `docs/spatial.md`). The file is written
/// for boxes of 62.5 µm; for another `spacing` the box capacity `K`, the
/// regularization `T_eps` and the initial cell amounts are scaled by
/// `(spacing / 0.0625)³`, so that densities stay the same.
///
/// ```
/// let model = sasp::models::iannello2013_spatial(0.25)?;
/// assert_eq!(model.dimension(), 13);
/// assert!((model.parameter("K")? - 0.25f64.powi(3)).abs() < 1e-15);
/// assert_eq!(model.spec().transport.len(), 11);
/// # Ok::<(), sasp::SaspError>(())
/// ```
pub fn iannello2013_spatial(spacing: f64) -> Result<Model> {
    let model = Model::from_toml_str(IANNELLO2013_SPATIAL_TOML, "models/iannello2013_spatial.toml")?;
    if !(spacing.is_finite() && spacing > 0.0) {
        return Err(crate::ModelError::InvalidParameter { name: "grid spacing".into(), value: spacing }.into());
    }
    let scale = (spacing / SPATIAL_REFERENCE_SPACING).powi(3);
    if scale == 1.0 {
        return Ok(model);
    }
    let mut spec = model.spec().clone();
    for c in &mut spec.compartments {
        if c.kind.quantity() == crate::model::Quantity::Cells {
            c.initial *= scale;
        }
    }
    for p in &mut spec.parameters {
        if p.name == "K" || p.name == "T_eps" {
            p.value *= scale;
        }
    }
    Model::from_spec(spec)
}
