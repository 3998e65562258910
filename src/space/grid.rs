//! The grid: a uniform Cartesian grid of 1 to 3 axes, its cells numbered
//! row-major (the last axis fastest), and the boundary condition of each
//! side.

use crate::error::{Result, SaspError};

/// What happens at one side of the grid for one compartment.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Boundary {
    /// No flux through the side.
    ZeroFlux,
    /// The value on the side is fixed.
    Dirichlet(f64),
    /// The side wraps around to the opposite one.
    Periodic,
}

/// A uniform Cartesian grid of cells.
#[derive(Clone, Debug, PartialEq)]
pub struct Grid {
    /// Cells along each axis (1 to 3 axes).
    pub shape: Vec<usize>,
    /// Cell size (mm).
    pub spacing: f64,
}

impl Grid {
    /// A grid with `shape` cells of size `spacing` mm.
    pub fn new(shape: &[usize], spacing: f64) -> Result<Grid> {
        if shape.is_empty() || shape.len() > 3 || shape.contains(&0) {
            return Err(SaspError::InvalidOptions(format!(
                "a grid has 1 to 3 axes of at least one cell, not {shape:?}"
            )));
        }
        if !(spacing.is_finite() && spacing > 0.0) {
            return Err(SaspError::InvalidOptions(format!("grid spacing {spacing} must be positive")));
        }
        Ok(Grid { shape: shape.to_vec(), spacing })
    }

    /// Number of cells.
    pub fn cells(&self) -> usize {
        self.shape.iter().product()
    }

    /// The neighbour of `cell` along `axis` in direction `dir` (−1 or +1), or
    /// `None` at a non-periodic side; `periodic` says whether that side wraps.
    pub(super) fn neighbour(&self, cell: usize, axis: usize, dir: isize, periodic: bool) -> Option<usize> {
        let stride: usize = self.shape[axis + 1..].iter().product();
        let n = self.shape[axis];
        let i = (cell / stride) % n;
        let j = i as isize + dir;
        let j = if j < 0 || j >= n as isize {
            if !periodic {
                return None;
            }
            j.rem_euclid(n as isize) as usize
        } else {
            j as usize
        };
        Some(cell - i * stride + j * stride)
    }
}
