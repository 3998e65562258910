//! The grid: a uniform grid of 1 to 3 Cartesian axes, its cells numbered
//! row-major (the last axis fastest), or one radial axis of a radially
//! symmetric sphere or cylinder ([`Geometry`]), and the boundary condition
//! of each side.

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

/// What a grid's cells are: boxes of a Cartesian grid, or shells of a
/// radially symmetric body on one radial axis.
///
/// On a radial grid of `n` cells of width `h`, cell `i` is the shell
/// `r_{i−½} = i h ≤ r ≤ r_{i+½} = (i + 1) h` (its centre at `(i + ½) h`):
/// axis side − is the centre `r = 0`, side + the surface `r = R = n h`.
/// The finite volumes then weight each face's flux by its area `A` and
/// divide by the cell's volume `V`:
///
/// `dy_i/dt = f(y_i) + (1/V_i) Σ_faces A_f · (flux density across f)`,
///
/// with `A(r) = 4π r²`, `V_i = 4π/3 (r_{i+½}³ − r_{i−½}³)` for a sphere and
/// `A(r) = 2π r`, `V_i = π (r_{i+½}² − r_{i−½}²)` (per unit length) for a
/// cylinder. For diffusion this is the radial Laplacian
/// `D r^{−k} ∂_r (r^k ∂_r y)` (`k` = 2, 1) to second order; the face at the
/// centre has no area, so nothing crosses it (the centre is not a side and
/// takes only [`Boundary::ZeroFlux`]). With a zero-flux surface the total
/// `Σ_i V_i y_i` is conserved exactly by every transport term.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Geometry {
    /// Boxes of side `h` on 1 to 3 axes.
    #[default]
    Cartesian,
    /// Cylindrical shells on one radial axis: a radially symmetric cylinder
    /// (or disk), per unit length.
    Cylindrical,
    /// Spherical shells on one radial axis: a radially symmetric sphere (a
    /// tumor spheroid).
    Spherical,
}

impl Geometry {
    /// The exponent `k` of the face area `A ∝ r^k` on a radial axis (1 for
    /// a cylinder, 2 for a sphere), `None` for Cartesian grids.
    fn radial_exponent(self) -> Option<i32> {
        match self {
            Geometry::Cartesian => None,
            Geometry::Cylindrical => Some(1),
            Geometry::Spherical => Some(2),
        }
    }
}

/// A uniform grid of cells: Cartesian boxes or radial shells ([`Geometry`]).
#[derive(Clone, Debug, PartialEq)]
pub struct Grid {
    /// Cells along each axis (1 to 3 axes; one for a radial grid).
    pub shape: Vec<usize>,
    /// Cell size (mm): a box's side, or a shell's width.
    pub spacing: f64,
    /// Boxes or shells.
    pub geometry: Geometry,
}

impl Grid {
    /// A Cartesian grid with `shape` cells of size `spacing` mm.
    pub fn new(shape: &[usize], spacing: f64) -> Result<Grid> {
        if shape.is_empty() || shape.len() > 3 || shape.contains(&0) {
            return Err(SaspError::InvalidOptions(format!(
                "a grid has 1 to 3 axes of at least one cell, not {shape:?}"
            )));
        }
        if !(spacing.is_finite() && spacing > 0.0) {
            return Err(SaspError::InvalidOptions(format!("grid spacing {spacing} must be positive")));
        }
        Ok(Grid { shape: shape.to_vec(), spacing, geometry: Geometry::Cartesian })
    }

    /// A radially symmetric sphere of radius `cells · spacing` mm cut into
    /// `cells` spherical shells of width `spacing` ([`Geometry::Spherical`]).
    ///
    /// ```
    /// use sasp::space::Grid;
    /// let grid = Grid::spherical(40, 0.1)?; // a sphere of radius 4 mm
    /// let volume: f64 = (0..grid.cells()).map(|i| grid.cell_volume(i)).sum();
    /// assert!((volume - 4.0 / 3.0 * std::f64::consts::PI * 64.0).abs() < 1e-9);
    /// # Ok::<(), sasp::SaspError>(())
    /// ```
    pub fn spherical(cells: usize, spacing: f64) -> Result<Grid> {
        Ok(Grid { geometry: Geometry::Spherical, ..Grid::new(&[cells], spacing)? })
    }

    /// A radially symmetric cylinder of radius `cells · spacing` mm cut into
    /// `cells` cylindrical shells of width `spacing` ([`Geometry::Cylindrical`]).
    pub fn cylindrical(cells: usize, spacing: f64) -> Result<Grid> {
        Ok(Grid { geometry: Geometry::Cylindrical, ..Grid::new(&[cells], spacing)? })
    }

    /// Number of cells.
    pub fn cells(&self) -> usize {
        self.shape.iter().product()
    }

    /// Whether the cells are radial shells (one axis, its − side the centre).
    pub fn is_radial(&self) -> bool {
        self.geometry != Geometry::Cartesian
    }

    /// The volume of cell `c` (mm³; in a cylinder mm² per unit length, on a
    /// Cartesian grid of fewer than 3 axes `h^d`).
    pub fn cell_volume(&self, c: usize) -> f64 {
        let h = self.spacing;
        match self.geometry.radial_exponent() {
            None => h.powi(self.shape.len() as i32),
            Some(k) => {
                let (inner, outer) = (c as f64 * h, (c + 1) as f64 * h);
                let full = if k == 2 { 4.0 / 3.0 } else { 1.0 } * std::f64::consts::PI;
                full * (outer.powi(k + 1) - inner.powi(k + 1))
            }
        }
    }

    /// The area of the face of cell `c` on its `side` (`2·axis` for −,
    /// `2·axis + 1` for +): `h^{d−1}` on a Cartesian grid, `4π r²` or
    /// `2π r` at the face's radius `r` on a radial one (0 at the centre).
    pub fn face_area(&self, c: usize, side: usize) -> f64 {
        let h = self.spacing;
        match self.geometry.radial_exponent() {
            None => h.powi(self.shape.len() as i32 - 1),
            Some(k) => {
                let r = (c + side % 2) as f64 * h;
                let full = if k == 2 { 4.0 } else { 2.0 } * std::f64::consts::PI;
                full * r.powi(k)
            }
        }
    }

    /// The factor `A_f h / V_c` by which a flux across face `side` of cell
    /// `c` enters that cell's rate, relative to a Cartesian box's 1: `None`
    /// on a Cartesian grid (every factor 1), else one per (cell, side).
    pub(super) fn face_factors(&self) -> Option<Vec<f64>> {
        self.geometry.radial_exponent()?;
        let sides = 2 * self.shape.len();
        Some(
            (0..self.cells() * sides)
                .map(|k| {
                    let (c, side) = (k / sides, k % sides);
                    self.face_area(c, side) * self.spacing / self.cell_volume(c)
                })
                .collect(),
        )
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
