//! Vascular density fields for NK entry.

use super::Grid;
use ndarray::{ArrayD, IxDyn};

/// Uniform density: every cell 1.
pub fn uniform(grid: &Grid) -> ArrayD<f64> {
    ArrayD::from_elem(IxDyn(&grid.shape), 1.0)
}

/// Rim-enhanced density, normalized to mean 1: `1 + (enhancement − 1)
/// exp(−d / width)`, where `d` (mm) is a cell centre's distance to the
/// nearest grid side — vessels crowd the tumor's edge. On a radial grid the
/// only side is the surface, and the mean is over the body's volume
/// (`Σ v_c V_c / Σ V_c = 1`).
pub fn rim(grid: &Grid, enhancement: f64, width: f64) -> ArrayD<f64> {
    let h = grid.spacing;
    let profile = |d: f64| 1.0 + (enhancement - 1.0) * (-d / width).exp();
    if grid.is_radial() {
        let n = grid.cells();
        let v: Vec<f64> = (0..n).map(|i| profile((n as f64 - i as f64 - 0.5) * h)).collect();
        let volume: f64 = (0..n).map(|i| grid.cell_volume(i)).sum();
        let mean = v.iter().enumerate().map(|(i, x)| x * grid.cell_volume(i)).sum::<f64>() / volume;
        return ArrayD::from_shape_fn(IxDyn(&grid.shape), |index| v[index[0]] / mean);
    }
    let mut v = ArrayD::from_shape_fn(IxDyn(&grid.shape), |index| {
        let d = (0..grid.shape.len())
            .map(|a| {
                let x = (index[a] as f64 + 0.5) * h;
                x.min(grid.shape[a] as f64 * h - x)
            })
            .fold(f64::INFINITY, f64::min);
        profile(d)
    });
    let mean = v.mean().unwrap_or(1.0);
    v.mapv_inplace(|x| x / mean);
    v
}
