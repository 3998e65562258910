//! Transport on the grid: each compartment's diffusion coefficient and
//! boundary conditions, chemotaxis terms with their receptor law, and the
//! vascular density that scales NK entry.

use super::{Boundary, Grid};
use crate::error::{ModelError, Result, SaspError};
use crate::model::Model;

/// Transport of each compartment: diffusion coefficient and boundaries.
#[derive(Clone, Debug, PartialEq)]
pub struct Transport {
    /// Diffusion coefficient per compartment (mm²/day), in the model's order.
    pub diffusion: Vec<f64>,
    /// Boundary per compartment and side: `[axis0−, axis0+, axis1−, axis1+, …]`.
    pub boundaries: Vec<Vec<Boundary>>,
    /// Chemotaxis terms.
    pub chemotaxis: Vec<Chemotaxis>,
    /// Vascular density per cell (mean 1), scaling NK recruitment; `None`
    /// for uniform entry.
    pub vascular_density: Option<Vec<f64>>,
}

/// One chemotaxis term: `population` moves up the gradient of `signal`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Chemotaxis {
    /// Index of the moving compartment (e.g. recruited NK cells).
    pub population: usize,
    /// Index of the attracting compartment (e.g. a chemokine).
    pub signal: usize,
    /// Sensitivity `χ` (mm²/day per unit of signal).
    pub sensitivity: f64,
    /// Receptor saturation constant `K` (signal units; `f64::INFINITY` for none).
    pub saturation: f64,
}

impl Chemotaxis {
    /// The receptor law `φ(c) = c / (1 + c/K)` (negative `c` taken as linear).
    pub(super) fn potential(&self, c: f64) -> f64 {
        c / (1.0 + c.max(0.0) / self.saturation)
    }

    /// `φ'(c) = 1 / (1 + c/K)²`.
    pub(super) fn potential_slope(&self, c: f64) -> f64 {
        let r = 1.0 + c.max(0.0) / self.saturation;
        1.0 / (r * r)
    }
}

impl Transport {
    /// Every compartment immobile with zero-flux sides.
    pub fn immobile(model: &Model, grid: &Grid) -> Transport {
        let m = model.dimension();
        Transport {
            diffusion: vec![0.0; m],
            boundaries: vec![vec![Boundary::ZeroFlux; 2 * grid.shape.len()]; m],
            chemotaxis: Vec::new(),
            vascular_density: None,
        }
    }

    /// NK entry through vessels of density `density` (shaped like the grid,
    /// non-negative; 1 recruits at the well-mixed rate): see [`vessels`](super::vessels).
    pub fn vascular_entry(mut self, density: ndarray::ArrayViewD<f64>) -> Result<Transport> {
        if let Some(bad) = density.iter().find(|v| !(v.is_finite() && **v >= 0.0)) {
            return Err(ModelError::InvalidParameter { name: "vascular density".into(), value: *bad }.into());
        }
        if density.iter().all(|&v| v == 0.0) {
            return Err(SaspError::InvalidOptions("vascular density is zero everywhere".into()));
        }
        self.vascular_density = Some(density.iter().copied().collect());
        Ok(self)
    }

    /// The transport the model file declares (`[[transport]]`: diffusion and
    /// chemotaxis per compartment), zero-flux sides; others immobile.
    pub fn declared(model: &Model, grid: &Grid) -> Result<Transport> {
        let mut transport = Transport::immobile(model, grid);
        for (k, t) in model.spec().transport.iter().enumerate() {
            // Validated and converted when the model was built.
            let (diffusion, chemotaxis) = model.transport_canonical(k).unwrap_or((t.diffusion, None));
            transport = transport.diffusing(model, &t.compartment, diffusion)?;
            if let (Some(c), Some((chi, saturation))) = (&t.chemotaxis, chemotaxis) {
                transport = transport.saturating_chemotaxis(model, &t.compartment, &c.signal, chi, saturation)?;
            }
        }
        Ok(transport)
    }

    /// Sets a compartment's diffusion coefficient (mm²/day).
    pub fn diffusing(mut self, model: &Model, compartment: &str, d: f64) -> Result<Transport> {
        if !(d.is_finite() && d >= 0.0) {
            return Err(ModelError::InvalidParameter { name: format!("diffusion of {compartment}"), value: d }.into());
        }
        let i = model.index_of(compartment)?;
        self.diffusion[i] = d;
        Ok(self)
    }

    /// Adds chemotaxis of `population` up the gradient of `signal` with
    /// sensitivity `chi` (mm²/day per unit of signal), without saturation.
    pub fn chemotaxis(self, model: &Model, population: &str, signal: &str, chi: f64) -> Result<Transport> {
        self.saturating_chemotaxis(model, population, signal, chi, f64::INFINITY)
    }

    /// Adds chemotaxis with receptor saturation constant `k`: flux
    /// `χ n ∇c / (1 + c/K)²`.
    pub fn saturating_chemotaxis(
        mut self,
        model: &Model,
        population: &str,
        signal: &str,
        chi: f64,
        k: f64,
    ) -> Result<Transport> {
        if !(chi.is_finite() && chi >= 0.0) {
            return Err(ModelError::InvalidParameter {
                name: format!("chemotaxis of {population} to {signal}"),
                value: chi,
            }
            .into());
        }
        if k.is_nan() || k <= 0.0 {
            return Err(ModelError::InvalidParameter {
                name: format!("receptor saturation of {population} to {signal}"),
                value: k,
            }
            .into());
        }
        let (population, signal) = (model.index_of(population)?, model.index_of(signal)?);
        if population == signal {
            return Err(SaspError::InvalidOptions(format!(
                "compartment {population} cannot be its own chemotactic signal"
            )));
        }
        self.chemotaxis.push(Chemotaxis { population, signal, sensitivity: chi, saturation: k });
        Ok(self)
    }

    /// Sets one boundary for every side of a compartment.
    pub fn boundary(mut self, model: &Model, compartment: &str, b: Boundary) -> Result<Transport> {
        let i = model.index_of(compartment)?;
        for side in self.boundaries[i].iter_mut() {
            *side = b;
        }
        Ok(self)
    }
}
