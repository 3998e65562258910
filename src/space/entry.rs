//! Vascular entry: NK recruitment scaled by the vascular density. Every
//! process with role [`RECRUITMENT`] is scaled in cell `c` by its density
//! `v_c`, by adding `(v_c − 1) · f_recruit(y_c)` to that cell's reactions.

use super::RECRUITMENT;
use crate::error::{ModelError, Result, SaspError};
use crate::model::Model;

/// Vascular entry: the recruitment processes alone, each cell's weight
/// `v_c − 1`, and where their Jacobian entries go in the model pattern.
#[derive(Clone, Debug)]
pub(super) struct VascularEntry {
    pub(super) recruitment: Model,
    pub(super) weight: Vec<f64>,
    pub(super) into_local: Vec<usize>,
}

impl VascularEntry {
    /// The recruitment processes of `model` (those tagged
    /// [`RECRUITMENT`]) as a model of their own, weighted by `v_c − 1`
    /// for the `density` `v` of each of the `cells`.
    pub(super) fn new(model: &Model, density: &[f64], cells: usize) -> Result<VascularEntry> {
        let m = model.dimension();
        let local = model.sparsity();
        if density.len() != cells {
            return Err(SaspError::DimensionMismatch {
                what: "vascular density",
                expected: cells,
                found: density.len(),
            });
        }
        let mut spec = model.spec().clone();
        spec.processes.retain(|p| p.has_role(RECRUITMENT));
        if spec.processes.is_empty() {
            return Err(ModelError::Missing {
                needed_by: "vascular entry (it scales recruitment)".to_string(),
                what: format!("a process with role '{RECRUITMENT}'"),
                model: model.name().to_string(),
            }
            .into());
        }
        let recruitment = Model::from_spec(spec)?;
        let sub = recruitment.sparsity();
        let mut into_local = Vec::with_capacity(sub.nnz());
        for i in 0..m {
            for &j in sub.row(i) {
                into_local.push(local.position(i, j).expect("recruitment entries lie in the model pattern"));
            }
        }
        let weight = density.iter().map(|v| v - 1.0).collect();
        Ok(VascularEntry { recruitment, weight, into_local })
    }
}
