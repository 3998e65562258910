//! The spatial reference geometry: a 2D slice through a subcutaneous tumor.
//!
//! A square slice of side `L` (8 mm) cut into `n × n` boxes; the tumor is a
//! disk of radius 2.8 mm in the middle (the equatorial slice of a ≈ 100 mm³
//! sphere) at occupancy 0.9, host tissue (occupancy 0) around it. Vascular
//! density is 1 inside the tumor, 2 within 0.5 mm of its rim and 0.2 in the
//! host tissue, and scales NK recruitment (which is also proportional to the
//! local tumor amount, so empty host boxes recruit nothing). All sides are
//! zero-flux. With [`TumorSlice::mobility`] set (to [`TUMOR_MOBILITY`]),
//! tumor cells move with the Darcy velocity of their occupancy
//! (pressure-driven motion), so the tumor grows outward while it proliferates
//! and shrinks when cleared; by default they are immobile, because the
//! Newton–Krylov preconditioner does not yet handle that motion well (a
//! 128×128 run costs about 100× more with it; docs/spatial.md). The model is [`crate::models::iannello2013_spatial`] at the
//! slice's spacing; cell amounts start at the model's per-box values scaled
//! by the local occupancy, concentrations at the model's values inside the
//! tumor and 0 outside.
//!
//! [`TumorSlice::spheroid`] is the same geometry in 3D: a cube of side `L`
//! cut into `n × n × n` boxes around a tumor sphere of radius 2.8 mm (≈ 92 mm³).
//! [`TumorSlice::radial_spheroid`] is that sphere radially symmetric: a
//! sphere of host tissue of radius `L/2` around the tumor, cut into `n`
//! spherical shells ([`Grid::spherical`]); one radial axis instead of
//! `n³` boxes, so a 21-day run takes milliseconds, not minutes.
//!
//! ```
//! use sasp::space::slice::TumorSlice;
//! let slice = TumorSlice::new(32);
//! let model = slice.model()?;
//! let system = slice.system(&model, &[1.0])?;             // doxycycline on: p53 restored
//! let y0 = slice.initial_state(&system, slice.occupancy().mapv(|o| if o > 0.0 { 1.0 } else { 0.0 }).view())?;
//! let tumor_mm3 = slice.tumor_volume(&system, &y0)?;    // mm³ per mm of slice thickness
//! assert!((tumor_mm3 - 0.9 * std::f64::consts::PI * 2.8 * 2.8).abs() < 1.0);
//! # Ok::<(), sasp::SaspError>(())
//! ```

use super::{Grid, SpatialSystem, Transport};
use crate::error::{ModelError, Result, SaspError};
use crate::model::{Model, Quantity, TumorState};
use ndarray::{Array2, ArrayD, ArrayViewD, Dimension, IxDyn};

/// The reference slice (or spheroid): geometry, vasculature and initial state.
#[derive(Clone, Debug, PartialEq)]
pub struct TumorSlice {
    /// Boxes per side (the radial spheroid: shells from the centre to the surface).
    pub cells: usize,
    /// 2 for the slice (a disk in a square), 3 for the spheroid (a sphere in
    /// a cube), 1 for the radially symmetric spheroid (a sphere in a sphere
    /// of diameter `side`, on spherical shells).
    pub dimensions: usize,
    /// Side of the square slice (mm).
    pub side: f64,
    /// Tumor radius (mm).
    pub radius: f64,
    /// Width of the rim with denser vessels (mm).
    pub rim: f64,
    /// Tumor occupancy inside the disk (volume fraction of tumor cells).
    pub occupancy: f64,
    /// Vascular density inside the tumor, on its rim, and in the host tissue.
    pub vascular: [f64; 3],
    /// Mobility `κ` (mm²/day) of the tumor cells' pressure-driven motion
    /// ([`Transport::pressure_motion`]: `∂n/∂t = ∇·(κ n ∇ρ)`, `ρ = T/K` the
    /// box occupancy); 0, the default, for none (tumor cells then only
    /// spread by their slow declared diffusion and cannot expand). See
    /// [`TUMOR_MOBILITY`] for the reference value.
    pub mobility: f64,
}

/// The reference slice's tumor-cell mobility `κ` (mm²/day).
///
/// Chosen so that the disk's rim advances at the speed the well-mixed
/// growth implies. A sphere whose volume grows at the well-mixed model's
/// relative rate at day 0 before restoration, `λ = T'/T = 0.307`/day (94.8
/// mm³), has a radius growing at `λ R / 3 = 0.287` mm/day at `R = 2.8` mm;
/// the porous-Fisher front of growth rate `r = 0.35`/day moves at
/// `c = √(κ r / 2)` (Aronson 1980, Newman 1980), so `κ = 2 c² / r = 0.47`
/// (docs/spatial.md, "Growth and pressure-driven motion").
pub const TUMOR_MOBILITY: f64 = 0.47;

impl TumorSlice {
    /// The reference slice (docs/spatial.md: 8 mm square, tumor disk of radius 2.8 mm) on `cells × cells` boxes.
    pub fn new(cells: usize) -> TumorSlice {
        TumorSlice {
            cells,
            dimensions: 2,
            side: 8.0,
            radius: 2.8,
            rim: 0.5,
            occupancy: 0.9,
            vascular: [1.0, 2.0, 0.2],
            mobility: 0.0,
        }
    }

    /// The reference geometry in 3D: a tumor sphere of radius 2.8 mm in the
    /// middle of an 8 mm cube of host tissue, on `cells × cells × cells` boxes.
    pub fn spheroid(cells: usize) -> TumorSlice {
        TumorSlice { dimensions: 3, ..TumorSlice::new(cells) }
    }

    /// The reference spheroid radially symmetric: the tumor sphere of radius
    /// 2.8 mm in the middle of a sphere of host tissue of diameter 8 mm (the
    /// cube's inscribed sphere), on `cells` spherical shells from the centre
    /// to the surface (zero flux there, as at the cube's faces). Its
    /// [`tumor_volume`](TumorSlice::tumor_volume) is in mm³, like the 3D
    /// spheroid's; fields are radial profiles, `[cells]`-shaped, shell 0 at
    /// the centre.
    ///
    /// ```
    /// use sasp::space::slice::TumorSlice;
    /// let spheroid = TumorSlice::radial_spheroid(64);
    /// let model = spheroid.model()?;
    /// let system = spheroid.system(&model, &[1.0])?;
    /// let y0 = spheroid.initial_state(&system, spheroid.occupancy().mapv(|o| if o > 0.0 { 1.0 } else { 0.0 }).view())?;
    /// let sphere = 0.9 * 4.0 / 3.0 * std::f64::consts::PI * 2.8f64.powi(3);
    /// // The 45 shells whose centres lie in the tumor reach 2.8125 mm: 1.4 % more.
    /// assert!((spheroid.tumor_volume(&system, &y0)? / sphere - 1.0).abs() < 0.02);
    /// # Ok::<(), sasp::SaspError>(())
    /// ```
    pub fn radial_spheroid(cells: usize) -> TumorSlice {
        TumorSlice { dimensions: 1, ..TumorSlice::new(cells) }
    }

    /// The grid's shape: `cells` along each of the `dimensions` axes (at
    /// most 3: [`TumorSlice::grid`] refuses more, and no field is built for them).
    fn shape(&self) -> Vec<usize> {
        vec![self.cells; self.dimensions.min(3)]
    }

    /// Number of boxes.
    fn boxes(&self) -> usize {
        self.shape().iter().product()
    }

    /// Box size (mm); in the radial spheroid, the shells' width.
    pub fn spacing(&self) -> f64 {
        if self.dimensions == 1 {
            self.side / 2.0 / self.cells as f64
        } else {
            self.side / self.cells as f64
        }
    }

    /// The grid: Cartesian in 2D and 3D, spherical shells in the radial spheroid.
    pub fn grid(&self) -> Result<Grid> {
        match self.dimensions {
            1 => Grid::spherical(self.cells, self.spacing()),
            2 | 3 => Grid::new(&self.shape(), self.spacing()),
            d => Err(SaspError::InvalidOptions(format!(
                "the reference geometry has 2 or 3 dimensions (1: the radial spheroid), not {d}"
            ))),
        }
    }

    /// Distance (mm) from the centre of the box (or shell) at `index` to the geometry's centre.
    fn distance(&self, index: &[usize]) -> f64 {
        let h = self.spacing();
        if self.dimensions == 1 {
            return (index[0] as f64 + 0.5) * h;
        }
        index.iter().map(|&i| ((i as f64 + 0.5) * h - self.side / 2.0).powi(2)).sum::<f64>().sqrt()
    }

    /// A field over the boxes, from each box's distance to the centre.
    fn radial(&self, f: impl Fn(f64) -> f64) -> ArrayD<f64> {
        ArrayD::from_shape_fn(IxDyn(&self.shape()), |ix| f(self.distance(ix.slice())))
    }

    /// Tumor occupancy of each box at the start.
    pub fn occupancy(&self) -> ArrayD<f64> {
        self.radial(|d| if d <= self.radius { self.occupancy } else { 0.0 })
    }

    /// Vascular density of each box.
    pub fn vascular_density(&self) -> ArrayD<f64> {
        let [inside, rim, host] = self.vascular;
        self.radial(|d| {
            if d > self.radius {
                host
            } else if d > self.radius - self.rim {
                rim
            } else {
                inside
            }
        })
    }

    /// The spatial reference model at this slice's box size.
    pub fn model(&self) -> Result<Model> {
        crate::models::iannello2013_spatial(self.spacing())
    }

    /// Solver options for this slice at relative tolerance `rtol`: absolute
    /// tolerances of 1e-4 of a box's capacity (`K`) for cell amounts and 1e-4
    /// of their unit for concentrations (the state spans ten decades
    /// otherwise: a scalar atol would be too loose for NK cells or too tight
    /// for chemokines).
    pub fn options(&self, model: &Model, rtol: f64) -> Result<crate::solve::Options> {
        use crate::solve::{Options, Tolerance};
        let capacity = model.parameter_canonical("K")?;
        let m = model.dimension();
        let atol = (0..self.boxes() * m)
            .map(|i| if model.kind(i % m).quantity() == Quantity::Cells { 1e-4 * capacity } else { 1e-4 })
            .collect();
        Ok(Options { rtol, atol: Tolerance::PerComponent(atol), max_steps: 1_000_000, ..Options::default() })
    }

    /// The grid system: the model's declared transport with zero-flux sides,
    /// pressure-driven motion of all tumor cells (occupancy `T/K`, mobility
    /// [`TumorSlice::mobility`]; none when it is 0), and NK entry through
    /// this slice's vessels. `inputs` as for the model (`[1.0]`: doxycycline
    /// on, p53 restored).
    pub fn system<'m>(&self, model: &'m Model, inputs: &[f64]) -> Result<SpatialSystem<'m>> {
        let grid = self.grid()?;
        let mut transport = Transport::declared(model, &grid)?.vascular_entry(self.vascular_density().view())?;
        if self.mobility != 0.0 {
            let names: Vec<&str> = model
                .compartment_names()
                .enumerate()
                .filter(|&(k, _)| matches!(model.kind(k), crate::model::Compartment::Tumor(_)))
                .map(|(_, name)| name)
                .collect();
            let capacity = model.parameter_canonical("K")?;
            transport = transport.pressure_motion(model, &names, capacity, self.mobility)?;
        }
        SpatialSystem::new(model, grid, transport, inputs)
    }

    /// The state at the start: in each box, cell amounts are the model's
    /// initial (per box at occupancy [`TumorSlice::occupancy`]) scaled by the
    /// local occupancy, with a fraction `restorable` (a field in 0..1) of the
    /// tumor cells p53-restorable (`P`) and the rest p53-deficient (`Q`);
    /// concentrations are the model's initial values inside the tumor, 0 outside.
    pub fn initial_state(&self, system: &SpatialSystem, restorable: ArrayViewD<f64>) -> Result<Vec<f64>> {
        let model = system.model();
        let occupancy = self.occupancy();
        if restorable.shape() != occupancy.shape() {
            return Err(SaspError::InvalidOptions(format!(
                "restorable fraction has shape {:?}, the slice is {:?}",
                restorable.shape(),
                occupancy.shape()
            )));
        }
        if let Some(bad) = restorable.iter().find(|f| !(0.0..=1.0).contains(*f)) {
            return Err(ModelError::InvalidParameter { name: "restorable fraction".into(), value: *bad }.into());
        }
        let y0 = model.initial_state();
        let (p, q) = (model.index_of("P")?, model.index_of("Q")?);
        let tumor0 = y0[p] + y0[q];
        let mut y = system.uniform(&y0);
        for s in 0..model.dimension() {
            let extensive = model.kind(s).quantity() == Quantity::Cells;
            let field = ArrayD::from_shape_fn(IxDyn(occupancy.shape()), |ix| {
                let o = occupancy[&ix];
                let relative = o / self.occupancy;
                if s == p {
                    tumor0 * relative * restorable[&ix]
                } else if s == q {
                    tumor0 * relative * (1.0 - restorable[&ix])
                } else if extensive {
                    y0[s] * relative
                } else if o > 0.0 {
                    y0[s]
                } else {
                    0.0
                }
            });
            system.set_field(&mut y, model.compartment_names().nth(s).unwrap_or_default(), field.view())?;
        }
        Ok(y)
    }

    /// Tumor in the slice (all tumor compartments): the boxes' amounts (10⁶
    /// cells ≈ mm³) summed over a slice one box thick, divided by that
    /// thickness — mm³ per mm of thickness, i.e. the tumor's area in mm² at
    /// full occupancy. In the spheroid: the boxes' amounts summed (mm³); in
    /// the radial spheroid, each shell's amount per box times the boxes it
    /// holds (`V_c / h³`), summed (mm³).
    pub fn tumor_volume(&self, system: &SpatialSystem, y: &[f64]) -> Result<f64> {
        let tumor = system.model().indices_where(|k| matches!(k, crate::model::Compartment::Tumor(_)));
        self.summed(system, y, &tumor)
    }

    /// The amounts of compartments `of` summed over the geometry in
    /// [`TumorSlice::tumor_volume`]'s measure: divided by the slice's
    /// thickness (one box) in 2D, as they are in 3D, and each shell's
    /// weighted by the boxes it holds (`V_c / h³`) in the radial spheroid.
    fn summed(&self, system: &SpatialSystem, y: &[f64], of: &[usize]) -> Result<f64> {
        let m = system.model().dimension();
        let grid = system.grid();
        if y.len() != grid.cells() * m {
            return Err(SaspError::DimensionMismatch {
                what: "grid state",
                expected: grid.cells() * m,
                found: y.len(),
            });
        }
        let in_cell = |cell: &[f64]| of.iter().map(|&s| cell[s]).sum::<f64>();
        if grid.is_radial() {
            let box_volume = grid.spacing.powi(3);
            return Ok(y.chunks(m).enumerate().map(|(c, cell)| in_cell(cell) * grid.cell_volume(c) / box_volume).sum());
        }
        let total: f64 = y.chunks(m).map(in_cell).sum();
        Ok(total / self.spacing().powi(3 - self.dimensions.min(3) as i32))
    }

    /// p53-deficient tumor cells in the slice, in the same measure as
    /// [`TumorSlice::tumor_volume`].
    pub fn deficient_volume(&self, system: &SpatialSystem, y: &[f64]) -> Result<f64> {
        let q = system.model().indices_where(|k| k == crate::model::Compartment::Tumor(TumorState::P53Deficient));
        self.summed(system, y, &q)
    }

    /// Where the p53-restorable cells are, for the bystander experiment: clones
    /// of radius `clone_radius` (mm; at least half a box) centred at points
    /// drawn uniformly in the tumor with a fixed `seed` (the sweeps'
    /// SplitMix64), added until they cover at least `fraction` of the tumor's
    /// boxes. Returns the field (1 in a clone, 0 elsewhere) and the fraction
    /// of tumor boxes it covers.
    pub fn clones(&self, fraction: f64, clone_radius: f64, seed: u64) -> Result<(ArrayD<f64>, f64)> {
        if !(0.0..=1.0).contains(&fraction) {
            return Err(ModelError::InvalidParameter { name: "restorable fraction".into(), value: fraction }.into());
        }
        if !(clone_radius.is_finite() && clone_radius > 0.0) {
            return Err(ModelError::InvalidParameter { name: "clone radius".into(), value: clone_radius }.into());
        }
        if self.dimensions != 2 {
            return Err(SaspError::InvalidOptions("clones are drawn on the 2D slice only".into()));
        }
        let n = self.cells;
        let h = self.spacing();
        let inside: Vec<(usize, usize)> =
            (0..n * n).map(|k| (k / n, k % n)).filter(|&(i, j)| self.distance(&[i, j]) <= self.radius).collect();
        let mut field = Array2::<f64>::zeros((n, n));
        let mut covered = 0usize;
        let mut rng = crate::util::rng::Rng::new(seed, 0);
        let reach = (clone_radius / h).ceil() as isize + 1;
        while (covered as f64) < fraction * inside.len() as f64 {
            // A centre uniform in the disk.
            let (r, theta) = (self.radius * rng.uniform().sqrt(), std::f64::consts::TAU * rng.uniform());
            let (cx, cy) = (self.side / 2.0 + r * theta.cos(), self.side / 2.0 + r * theta.sin());
            let (ci, cj) = ((cx / h) as isize, (cy / h) as isize);
            for i in ci - reach..=ci + reach {
                for j in cj - reach..=cj + reach {
                    if i < 0 || j < 0 || i >= n as isize || j >= n as isize {
                        continue;
                    }
                    let (i, j) = (i as usize, j as usize);
                    let (x, y) = ((i as f64 + 0.5) * h, (j as f64 + 0.5) * h);
                    let in_clone = (x - cx).hypot(y - cy) <= clone_radius.max(0.5 * h);
                    if in_clone && self.distance(&[i, j]) <= self.radius && field[(i, j)] == 0.0 {
                        field[(i, j)] = 1.0;
                        covered += 1;
                    }
                }
            }
        }
        let covered_fraction = if inside.is_empty() { 0.0 } else { covered as f64 / inside.len() as f64 };
        Ok((field.into_dyn(), covered_fraction))
    }
}
