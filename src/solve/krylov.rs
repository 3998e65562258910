//! Newton–Krylov linear solves for systems on grids of cells.
//!
//! Implicit methods on a grid solve `M x = b` with `M = I − c J` many times per
//! step. A direct sparse LU of `M` fills in badly on 2D and 3D grids (the
//! Brusselator on 32×32 fills 12,288 entries to 147,546, and factoring is most
//! of the run time), so on grids `M` is never factored. Instead:
//!
//! - **GMRES** (restarted, right-preconditioned, Saad & Schultz 1986) solves
//!   `M x = b` using only products `M v = v − c (J v)` with the sparse Jacobian,
//!   in the weighted RMS norm the step-size control uses, to a tolerance set by
//!   the Newton iteration (inexact Newton);
//! - the **preconditioner** is an operator split of `M` (the way CVODE's users
//!   precondition reaction–diffusion, Brown & Hindmarsh 1989):
//!
//!   `P = (I − c R)(I − c T̄)`,  so `P⁻¹ = (I − c T̄)⁻¹ (I − c R)⁻¹`,
//!
//!   where `T̄` is each mobile species' transport between cells plus its
//!   common decay, and `R = J − T̄` restricted to each cell (the reaction
//!   block, with everything that couples species within a cell). `(I − c R)`
//!   is factored densely per cell (`m × m`, m species), kept as its explicit
//!   inverse in single precision. `T̄` is, per species, a constant-coefficient
//!   operator `Σ_d a_d L_d + ρ̄` on the grid, with `a_d` the mean of the
//!   Jacobian's entries that join neighbours along axis `d` (`D/Δx²` for
//!   diffusion, plus the upwind drift of a chemotactic population), `L_d`
//!   the 1D second difference along that axis, periodic when the Jacobian
//!   wraps around, and `ρ̄ ≤ 0` the decay every cell has: the largest over
//!   cells of the species' own rate (its diagonal entry less the
//!   transport's), or 0 if some cell has none. It is solved exactly in the eigenbasis of the `L_d` (`L_d =
//!   Q_d Λ_d Q_dᵀ`): `(I − c T̄)⁻¹ = Q (I − c (Σ_d a_d Λ_d + ρ̄))⁻¹ Qᵀ`,
//!   where `Q_dᵀ` is a fast transform along axis `d` (the DCT-II on a
//!   zero-flux axis, the Hartley transform on a periodic one), so one solve
//!   costs `O(N log N)` for `N` cells, with nothing to factor when `c`
//!   changes. A zero-flux first axis is not transformed: in the other
//!   axes' eigenbasis, each of their modes leaves a tridiagonal system
//!   along it, solved by Thomas's elimination for all modes at once
//!   (`O(N)`, contiguous rows instead of gathered lines; in 1D the whole
//!   solve). Variable coefficients, cross-species transport (the drift's
//!   dependence on the chemokine gradient) and the split error `c² R T̄` are
//!   what GMRES iterates away.
//!
//!   The decay matters: the split error of a chemokine that diffuses fast
//!   and decays fast is `c² δ D/Δx²` per unit, large at the steps a slow
//!   tissue allows (δ = 20/day, `D/Δx²` = 166/day and c ≈ 0.1 day on a
//!   64×64 tumor slice). With its decay in `T̄`, a chemokine's own
//!   reaction and transport are solved exactly, and GMRES takes a third of
//!   the iterations it took without (610 against 1,951 there).
//!
//! The cell blocks are refactored only when the Jacobian is re-evaluated or
//! `c` has drifted by more than 50 % since (CVODE uses 30 %); GMRES absorbs a
//! stale preconditioner with a few more iterations.

use super::linalg::{invert_in_place, Singular};
use super::Stats;
use crate::error::SaspError;
use crate::solve::SparsityPattern;
use rayon::prelude::*;
use rustdct::rustfft::num_complex::Complex;
use rustdct::rustfft::{Fft, FftPlanner};
use rustdct::{DctPlanner, TransformType2And3};
use std::sync::Arc;

/// A Cartesian grid of cells that each hold the same `species`, stored cell
/// by cell: component `s` of cell `c` at index `c·species + s`, and cells in
/// row-major order of `shape` (the last axis fastest; unused axes are 1).
/// Systems that declare it (through [`super::OdeSystem::cell_layout`]) can be
/// solved by Newton–Krylov methods (`Method::BdfKrylov`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CellLayout {
    /// Cells along each axis (`[n, 1, 1]` in 1D, `[nx, ny, 1]` in 2D).
    pub shape: [usize; 3],
    /// Components per cell.
    pub species: usize,
}

impl CellLayout {
    /// The layout of a grid of `shape` (1 to 3 axes) with `species` per cell.
    pub fn new(shape: &[usize], species: usize) -> CellLayout {
        let mut full = [1; 3];
        full[..shape.len()].copy_from_slice(shape);
        CellLayout { shape: full, species }
    }

    /// Number of cells.
    pub fn cells(&self) -> usize {
        self.shape.iter().product()
    }

    /// Cell `c`'s index along each axis.
    fn coordinates(&self, c: usize) -> [usize; 3] {
        let [_, ny, nz] = self.shape;
        [c / (ny * nz), (c / nz) % ny, c % nz]
    }
}

/// Systems smaller than this stay on one thread (waking threads would cost
/// more than it saves); on larger ones the Jacobian products, cell blocks and
/// species solves here, and the grid's right-hand side and Jacobian
/// (`space`), run in parallel, each piece's arithmetic the same whatever the
/// thread count, so results are identical.
pub(crate) const PARALLEL_MIN: usize = 32_768;
/// Chunk of the parallel vector loops.
const CHUNK: usize = 4096;
/// Cells per chunk of parallel work on a grid.
pub(crate) const CHUNK_CELLS: usize = 256;

/// One chunk of cells' inversion work: its index, the inverses it fills,
/// and its scratch (pivots and the block being inverted).
type InversionChunk<'a> = (usize, ((&'a mut [f32], &'a mut [usize]), &'a mut [f64]));
/// Below this, `4 c Σ_d a_d` (a bound on `‖c T̄_s‖`) is too small for a
/// species' transport solve to pay: GMRES absorbs a perturbation of the
/// identity this small in a fraction of an iteration.
const WEAK_TRANSPORT: f64 = 1e-2;
/// Rebuild the preconditioner when `c` drifts further than this (relative).
const STALE_C: f64 = 0.5;
/// Krylov vectors kept before GMRES restarts.
const RESTART: usize = 20;
/// Restarts before GMRES gives up (and the Newton iteration reports failure).
const MAX_CYCLES: usize = 3;

/// The 1D second difference `L` along one axis, diagonalized by a fast
/// transform: `L = Q Λ Qᵀ`, with `Q` applied in `O(n log n)` by a cosine
/// transform (zero-flux axis) or a Hartley transform (periodic axis).
///
/// - Zero-flux axis (`L`'s diagonal −1 at both ends): the eigenvectors are
///   `cos(π k (j + ½)/n)` with `λ_k = −4 sin²(π k / 2n)`; `Qᵀ` is the DCT-II
///   and `Q` the DCT-III, whose product is `n/2` times the identity.
/// - Periodic axis (`L` circulant): the eigenvalues `λ_k = −4 sin²(π k / n)`
///   are even in `k`, so the real Hartley basis `cas(2π j k / n)` (cas = cos +
///   sin) diagonalizes `L`; the Hartley transform, computed from one complex
///   FFT as `H_k = Re F_k − Im F_k`, is its own inverse up to `n`.
///
/// Transforms come from the maintained `rustdct`/`rustfft` crates (planned
/// once per axis, any length), not a hand-written copy.
#[derive(Clone)]
struct AxisBasis {
    transform: AxisTransform,
    eigenvalues: Vec<f64>,
    /// `L`'s diagonal (−2, or −1 at the ends of a non-periodic axis).
    diagonal: Vec<f64>,
    /// The factor that makes back-transform ∘ transform the identity.
    normalization: f64,
}

/// The transform that diagonalizes an axis's second difference.
#[derive(Clone)]
enum AxisTransform {
    /// DCT-II forward, DCT-III back (zero-flux axis).
    Cosine(Arc<dyn TransformType2And3<f64>>),
    /// The Hartley transform through a complex FFT (periodic axis).
    Hartley(Arc<dyn Fft<f64>>),
}

impl std::fmt::Debug for AxisBasis {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match self.transform {
            AxisTransform::Cosine(_) => "cosine",
            AxisTransform::Hartley(_) => "Hartley",
        };
        write!(f, "AxisBasis({kind}, n = {})", self.eigenvalues.len())
    }
}

impl AxisBasis {
    fn new(n: usize, periodic: bool) -> AxisBasis {
        use std::f64::consts::PI;
        let (transform, eigenvalues, normalization) = if periodic {
            let fft = FftPlanner::new().plan_fft_forward(n);
            let eigenvalues = (0..n).map(|k| -4.0 * (PI * k as f64 / n as f64).sin().powi(2)).collect();
            (AxisTransform::Hartley(fft), eigenvalues, 1.0 / n as f64)
        } else {
            let transform = AxisTransform::Cosine(DctPlanner::new().plan_dct2(n));
            let eigenvalues = (0..n).map(|k| -4.0 * (PI * k as f64 / (2 * n) as f64).sin().powi(2)).collect();
            (transform, eigenvalues, 2.0 / n as f64)
        };
        let diagonal = (0..n).map(|i| if periodic || (i > 0 && i + 1 < n) { -2.0 } else { -1.0 }).collect();
        AxisBasis { transform, eigenvalues, diagonal, normalization }
    }

    /// Scratch this axis needs: `(real, complex)` lengths, the line included.
    fn scratch_len(&self) -> (usize, usize) {
        let n = self.eigenvalues.len();
        match &self.transform {
            AxisTransform::Cosine(dct) => (n + dct.get_scratch_len(), 0),
            AxisTransform::Hartley(fft) => (n, n + fft.get_inplace_scratch_len()),
        }
    }

    /// Transforms one line in place: `Qᵀ` (`forward`) or `Q` up to the normalization.
    fn transform_line(&self, line: &mut [f64], forward: bool, real: &mut [f64], complex: &mut [Complex<f64>]) {
        match &self.transform {
            AxisTransform::Cosine(dct) => {
                if forward {
                    dct.process_dct2_with_scratch(line, real);
                } else {
                    dct.process_dct3_with_scratch(line, real);
                }
            }
            AxisTransform::Hartley(fft) => {
                let (buffer, scratch) = complex.split_at_mut(line.len());
                for (b, &x) in buffer.iter_mut().zip(line.iter()) {
                    *b = Complex::new(x, 0.0);
                }
                fft.process_with_scratch(buffer, scratch);
                for (x, b) in line.iter_mut().zip(buffer.iter()) {
                    *x = b.re - b.im;
                }
            }
        }
    }

    /// Transforms every line along axis `d` of a field in row-major order of
    /// `shape`: lines of the last axis in place; the others, `LINES` adjacent
    /// lines at a time (so each cache line of the field is read once), gathered
    /// into `scratch` and scattered back.
    fn transform_axis(
        &self,
        shape: &[usize; 3],
        d: usize,
        field: &mut [f64],
        forward: bool,
        scratch: &mut AxisScratch,
    ) {
        let n = shape[d];
        let stride: usize = shape[d + 1..].iter().product();
        let AxisScratch { real, complex } = scratch;
        if stride == 1 {
            for line in field.chunks_mut(n) {
                self.transform_line(line, forward, real, complex);
            }
            return;
        }
        let (lines, real) = real.split_at_mut(LINES * n);
        for slab in field.chunks_mut(n * stride) {
            for first in (0..stride).step_by(LINES) {
                let count = LINES.min(stride - first);
                for j in 0..n {
                    for (b, x) in slab[j * stride + first..j * stride + first + count].iter().enumerate() {
                        lines[b * n + j] = *x;
                    }
                }
                for line in lines.chunks_mut(n).take(count) {
                    self.transform_line(line, forward, real, complex);
                }
                for j in 0..n {
                    for (b, x) in slab[j * stride + first..j * stride + first + count].iter_mut().enumerate() {
                        *x = lines[b * n + j];
                    }
                }
            }
        }
    }
}

/// Is the first axis solved by tridiagonal (Thomas) solves instead of a
/// transform? When it is zero-flux and has more than one cell: its lines
/// are the field's most strided, which a transform must gather and
/// scatter, while an elimination along them runs down contiguous rows of
/// the other axes' modes (and in 1D no transform is left at all).
fn first_axis_tridiagonal(axes: &[Option<AxisBasis>; 3]) -> bool {
    matches!(&axes[0], Some(AxisBasis { transform: AxisTransform::Cosine(_), .. }))
}

/// Lines of a strided axis transformed together (one cache line of `f64`s).
const LINES: usize = 8;

/// Work space of the axis transforms (sized for the longest axis).
#[derive(Clone, Debug, Default)]
struct AxisScratch {
    real: Vec<f64>,
    complex: Vec<Complex<f64>>,
}

impl AxisScratch {
    fn for_axes(axes: &[Option<AxisBasis>; 3]) -> AxisScratch {
        let (mut real, mut complex) = (0, 0);
        for axis in axes.iter().flatten() {
            let (r, c) = axis.scratch_len();
            // The gathered lines of a strided axis come first.
            real = real.max(r + LINES * axis.eigenvalues.len());
            complex = complex.max(c);
        }
        AxisScratch { real: vec![0.0; real], complex: vec![Complex::new(0.0, 0.0); complex] }
    }
}

/// One mobile species' transport between cells, `T̄_s = Σ_d a_d L_d`, solved spectrally.
#[derive(Clone, Debug)]
struct SpeciesTransport {
    species: usize,
    /// Jacobian positions of the entries joining neighbours along each axis.
    axis_entries: [Vec<usize>; 3],
    /// `a_d`, the mean coupling along each axis.
    coupling: [f64; 3],
    /// Off-cell entries coupling this species to another one (chemotactic
    /// drift up a signal's gradient): `(cell, column in J, position in J)`.
    cross: Vec<(usize, usize, usize)>,
    /// `1/(1 − c (Σ_d a_d λ_d + ρ̄))` for each mode, in cell order; with
    /// tridiagonal solves along the first axis, the reciprocal pivots of
    /// each line's elimination (at the line's cells).
    inverse_symbol: Vec<f64>,
    /// With tridiagonal solves along the first axis: each line's
    /// elimination multipliers (at the line's cells; empty otherwise).
    multipliers: Vec<f64>,
    /// With tridiagonal solves: their off-diagonal `−c a_0`, and the
    /// other axes' transform normalization.
    off_diagonal: f64,
    normalization: f64,
    /// Is the transport solved at this `c`? A species without drift whose
    /// transport is weak (`4 c Σ_d a_d` below [`WEAK_TRANSPORT`]: slow
    /// diffusion, short steps) is left to GMRES, its diagonal in the cell block.
    active: bool,
    /// The species' values gathered across cells, and the transforms' work space.
    gathered: Vec<f64>,
    scratch: AxisScratch,
}

/// The operator-split preconditioner `P = (I − c R)(I − c T̄)` for a grid.
#[derive(Clone, Debug)]
pub(crate) struct SplitPreconditioner {
    layout: CellLayout,
    /// Eigenbases of the axes with more than one cell (`None` otherwise).
    axes: [Option<AxisBasis>; 3],
    /// Same-cell Jacobian entries, cell by cell: `(column-major index in the
    /// cell's m×m block, position in J)`, cell `c`'s at `block_start[c]..block_start[c+1]`.
    block_entries: Vec<(u32, u32)>,
    block_start: Vec<usize>,
    /// Position in J of each cell's diagonal entries, cell by cell (`u32::MAX`: none).
    diagonal_entries: Vec<u32>,
    /// `(I − c R)⁻¹` for each cell, column-major `m × m`, cell after cell,
    /// in single precision.
    inverses: Vec<f32>,
    /// The transport solves' diagonal `c (Σ_d a_d (L_d)ᵢᵢ + ρ̄)`, taken out
    /// of each cell's block (`R = J − T̄`), cell by cell.
    shift: Vec<f64>,
    /// Work space, per chunk of [`CHUNK_CELLS`] cells: the inversions' pivots,
    /// `2m` numbers (the products' work space for more than 16 species) and
    /// one `m × m` block.
    pivots: Vec<usize>,
    work: Vec<f64>,
    factors: Vec<f64>,
    transports: Vec<SpeciesTransport>,
    /// The `c` it was built for.
    c: f64,
}

impl SplitPreconditioner {
    /// Sorts the Jacobian pattern into per-cell blocks and per-species,
    /// per-axis transport, and computes the axes' eigenbases (once per solve).
    pub(crate) fn new(pattern: &SparsityPattern, layout: CellLayout) -> SplitPreconditioner {
        let (cells, m) = (layout.cells(), layout.species);
        assert_eq!(pattern.n(), cells * m, "cell layout must cover the state");
        // Drift pairs (population p, signal q): an entry joining p in one cell
        // to q in another. Their whole coupling, the same-cell part included,
        // goes into the transport solve, which is then block triangular
        // (signals first) and exact for a drift up a diffusing signal.
        let mut drift = vec![false; m * m];
        for row in 0..pattern.n() {
            for &col in pattern.row(row) {
                if row / m != col / m && row % m != col % m {
                    drift[(row % m) * m + col % m] = true;
                }
            }
        }
        // A pair both ways would make the transport solve cyclic: leave it to GMRES.
        for p in 0..m {
            for q in 0..p {
                if drift[p * m + q] && drift[q * m + p] {
                    (drift[p * m + q], drift[q * m + p]) = (false, false);
                }
            }
        }
        let mut block_entries = Vec::new();
        let mut block_start = Vec::with_capacity(cells + 1);
        let mut diagonal_entries = vec![u32::MAX; cells * m];
        let mut axis_entries: Vec<[Vec<usize>; 3]> = vec![Default::default(); m];
        let mut cross: Vec<Vec<(usize, usize, usize)>> = vec![Vec::new(); m];
        let mut wraps = [false; 3];
        for cell in 0..cells {
            block_start.push(block_entries.len());
            let here = layout.coordinates(cell);
            for s in 0..m {
                let row = cell * m + s;
                for k in pattern.range(row) {
                    let col = pattern.col()[k];
                    let (other, j) = (col / m, col % m);
                    if j != s && drift[s * m + j] {
                        cross[s].push((cell, col, k));
                    } else if other == cell {
                        if j == s {
                            diagonal_entries[row] = k as u32;
                        }
                        block_entries.push(((j * m + s) as u32, k as u32));
                    } else if j == s {
                        // A same-species neighbour along exactly one axis is transport.
                        let there = layout.coordinates(other);
                        let mut differing = (0..3).filter(|&d| here[d] != there[d]);
                        if let (Some(d), None) = (differing.next(), differing.next()) {
                            axis_entries[s][d].push(k);
                            let n = layout.shape[d];
                            if n > 2 && here[d].abs_diff(there[d]) == n - 1 {
                                wraps[d] = true;
                            }
                        }
                    }
                }
            }
        }
        block_start.push(block_entries.len());
        let axes = [0, 1, 2].map(|d| (layout.shape[d] > 1).then(|| AxisBasis::new(layout.shape[d], wraps[d])));
        let scratch = AxisScratch::for_axes(&axes);
        let along_first = first_axis_tridiagonal(&axes);
        let mut transports: Vec<SpeciesTransport> = axis_entries
            .into_iter()
            .zip(cross)
            .enumerate()
            .filter(|(_, (entries, cross))| entries.iter().any(|e| !e.is_empty()) || !cross.is_empty())
            .map(|(species, (axis_entries, cross))| SpeciesTransport {
                species,
                axis_entries,
                cross,
                coupling: [0.0; 3],
                inverse_symbol: vec![0.0; cells],
                multipliers: if along_first { vec![0.0; cells] } else { Vec::new() },
                off_diagonal: 0.0,
                normalization: 1.0,
                active: true,
                gathered: vec![0.0; cells],
                scratch: scratch.clone(),
            })
            .collect();
        // Signals before the populations that climb them.
        transports.sort_by_key(|t| !t.cross.is_empty());
        SplitPreconditioner {
            layout,
            axes,
            block_entries,
            block_start,
            diagonal_entries,
            inverses: vec![0.0; cells * m * m],
            shift: vec![0.0; cells * m],
            pivots: vec![0; cells.div_ceil(CHUNK_CELLS) * m],
            work: vec![0.0; cells.div_ceil(CHUNK_CELLS) * 2 * m],
            factors: vec![0.0; cells.div_ceil(CHUNK_CELLS) * m * m],
            transports,
            c: f64::NAN,
        }
    }

    /// Builds `I − c T̄_s` for every mobile species and factors `I − c R` for
    /// every cell from the Jacobian values `jac`.
    pub(crate) fn setup(&mut self, jac: &[f64], c: f64) -> Result<(), Singular> {
        let (cells, m) = (self.layout.cells(), self.layout.species);
        self.c = c;
        self.shift.fill(0.0);
        for tr in &mut self.transports {
            for d in 0..3 {
                let entries = &tr.axis_entries[d];
                let mean = entries.iter().map(|&k| jac[k]).sum::<f64>() / entries.len().max(1) as f64;
                // Transport spreads; a negative mean coupling (never from
                // diffusion or upwinded drift) is left to GMRES.
                tr.coupling[d] = if mean.is_finite() { mean.max(0.0) } else { 0.0 };
            }
            tr.active = !tr.cross.is_empty() || 4.0 * c * tr.coupling.iter().sum::<f64>() >= WEAK_TRANSPORT;
            if !tr.active {
                continue;
            }
            // The transforms' normalization is folded into the symbol (or,
            // with tridiagonal solves along the first axis, into their
            // right-hand side; that axis is not transformed).
            let along_first = !tr.multipliers.is_empty();
            let normalization: f64 =
                self.axes.iter().skip(usize::from(along_first)).flatten().map(|a| a.normalization).product();
            // Each cell's transport diagonal `Σ_d a_d (L_d)ᵢᵢ`, and the weakest
            // own rate over cells: what the Jacobian's diagonal holds beyond
            // the transport's.
            let mut weakest = f64::NEG_INFINITY;
            for cell in 0..cells {
                let k = self.layout.coordinates(cell);
                let mut diagonal = 0.0;
                for (d, axis) in self.axes.iter().enumerate() {
                    if let Some(axis) = axis {
                        diagonal += tr.coupling[d] * axis.diagonal[k[d]];
                    }
                }
                self.shift[cell * m + tr.species] = diagonal;
                let p = self.diagonal_entries[cell * m + tr.species];
                weakest = weakest.max(if p == u32::MAX { 0.0 } else { jac[p as usize] } - diagonal);
            }
            // The decay every cell has goes with the transport; what is left
            // in the cell blocks is then a decay too, so they stay as well
            // conditioned as `I − c R` was (a mean rate would leave growth in
            // some cells, and a nearly singular block).
            let decay = if weakest.is_finite() { weakest.min(0.0) } else { 0.0 };
            for cell in 0..cells {
                // The reaction block keeps what the transport solve does not
                // explain: R = J − T̄ − ρ̄.
                let shift = &mut self.shift[cell * m + tr.species];
                *shift = c * (*shift + decay);
            }
            // `σ = 1 − c (Σ_d a_d λ_d + ρ̄)` of a cell's mode, over the
            // transformed axes.
            let (layout, axes, coupling) = (&self.layout, &self.axes, &tr.coupling);
            let sigma = |cell: usize| {
                let k = layout.coordinates(cell);
                let symbol: f64 = (usize::from(along_first)..3)
                    .filter_map(|d| axes[d].as_ref().map(|axis| coupling[d] * axis.eigenvalues[k[d]]))
                    .sum();
                1.0 - c * (symbol + decay)
            };
            match (along_first, &self.axes[0]) {
                (true, Some(first)) => {
                    // Each mode r of the other axes has, along the first axis,
                    // the tridiagonal `σ_r − c a_0 L_0`, strictly diagonally
                    // dominant: Thomas's elimination needs no pivoting.
                    let stride = cells / first.diagonal.len();
                    let off = -c * coupling[0];
                    for r in 0..stride {
                        let sigma_r = sigma(r);
                        let mut pivot = 0.0;
                        for (i, &l_ii) in first.diagonal.iter().enumerate() {
                            let at = i * stride + r;
                            let multiplier = if i == 0 { 0.0 } else { off / pivot };
                            pivot = sigma_r - c * coupling[0] * l_ii - multiplier * off;
                            tr.multipliers[at] = multiplier;
                            tr.inverse_symbol[at] = 1.0 / pivot;
                        }
                    }
                    tr.off_diagonal = off;
                    tr.normalization = normalization;
                }
                _ => {
                    for cell in 0..cells {
                        tr.inverse_symbol[cell] = normalization / sigma(cell);
                    }
                }
            }
        }
        // Each cell's `I − c R` is assembled and inverted (Gauss–Jordan) in
        // double precision and kept in single precision: applying the
        // preconditioner is then a dense product per cell, whose rows are
        // independent (the triangular solves are a chain of dependent
        // updates), reading half the memory. A preconditioner needs no more:
        // GMRES iterates its rounding away with the rest of the split error.
        let (block_entries, block_start, shift) = (&self.block_entries, &self.block_start, &self.shift);
        let invert = |(chunk, ((inverses, pivots), factors)): InversionChunk| {
            for (k, inverse) in inverses.chunks_exact_mut(m * m).enumerate() {
                let cell = chunk * CHUNK_CELLS + k;
                factors.fill(0.0);
                for &(local, k) in &block_entries[block_start[cell]..block_start[cell + 1]] {
                    factors[local as usize] = -c * jac[k as usize];
                }
                for s in 0..m {
                    factors[s * m + s] += 1.0 + shift[cell * m + s];
                }
                // Column-major in, column-major out.
                invert_in_place(factors, m, pivots)?;
                for (a, &x) in inverse.iter_mut().zip(&*factors) {
                    *a = x as f32;
                }
            }
            Ok(())
        };
        let chunks = self
            .inverses
            .chunks_mut(CHUNK_CELLS * m * m)
            .zip(self.pivots.chunks_mut(m))
            .zip(self.factors.chunks_mut(m * m))
            .enumerate();
        if cells * m >= PARALLEL_MIN {
            chunks.par_bridge().try_for_each(invert)
        } else {
            chunks.into_iter().try_for_each(invert)
        }
    }

    /// `v ← P⁻¹ v = (I − c T̄)⁻¹ (I − c R)⁻¹ v`.
    pub(crate) fn apply(&mut self, jac: &[f64], v: &mut [f64]) {
        let m = self.layout.species;
        let parallel = v.len() >= PARALLEL_MIN;
        let block_solve = |((xs, inverses), y): ((&mut [f64], &[f32]), &mut [f64])| {
            for (x, inverse) in xs.chunks_mut(m).zip(inverses.chunks_exact(m * m)) {
                matrix_times_in_place(inverse, x, &mut y[..m]);
            }
        };
        let chunk = m * CHUNK_CELLS;
        if parallel {
            v.par_chunks_mut(chunk)
                .zip(self.inverses.par_chunks(chunk * m))
                .zip(self.work.par_chunks_mut(2 * m))
                .for_each(block_solve);
        } else {
            v.chunks_mut(chunk)
                .zip(self.inverses.chunks(chunk * m))
                .zip(self.work.chunks_mut(2 * m))
                .for_each(block_solve);
        }
        // Signals first (no drift terms), then the populations that climb them;
        // within each group the species are independent.
        let first_population =
            self.transports.iter().position(|t| !t.cross.is_empty()).unwrap_or(self.transports.len());
        for group in [0..first_population, first_population..self.transports.len()] {
            let (layout, axes, c) = (&self.layout, &self.axes, self.c);
            let v_read: &[f64] = v;
            let solve = |tr: &mut SpeciesTransport| {
                if tr.active {
                    tr.solve(layout, axes, c, jac, v_read)
                }
            };
            if parallel {
                self.transports[group.clone()].par_iter_mut().for_each(solve);
            } else {
                self.transports[group.clone()].iter_mut().for_each(solve);
            }
            for tr in self.transports[group].iter().filter(|t| t.active) {
                for (cell, &g) in v.chunks_exact_mut(m).zip(&tr.gathered) {
                    cell[tr.species] = g;
                }
            }
        }
    }
}

impl SpeciesTransport {
    /// Solves `(I − c T̄_s) x_s = r_s + c T_sq x_q` into `gathered`, from the
    /// state `v` (with the signals `x_q` of any drift already solved).
    fn solve(&mut self, layout: &CellLayout, axes: &[Option<AxisBasis>; 3], c: f64, jac: &[f64], v: &[f64]) {
        for (g, cell) in self.gathered.iter_mut().zip(v.chunks_exact(layout.species)) {
            *g = cell[self.species];
        }
        for &(cell, col, k) in &self.cross {
            self.gathered[cell] += c * jac[k] * v[col];
        }
        let skip = usize::from(!self.multipliers.is_empty());
        for (d, axis) in axes.iter().enumerate().skip(skip) {
            if let Some(axis) = axis {
                axis.transform_axis(&layout.shape, d, &mut self.gathered, true, &mut self.scratch);
            }
        }
        if self.multipliers.is_empty() {
            for (g, f) in self.gathered.iter_mut().zip(&self.inverse_symbol) {
                *g *= f;
            }
        } else {
            self.solve_lines(layout.shape[0]);
        }
        for (d, axis) in axes.iter().enumerate().skip(skip) {
            if let Some(axis) = axis {
                axis.transform_axis(&layout.shape, d, &mut self.gathered, false, &mut self.scratch);
            }
        }
    }

    /// Thomas's algorithm along the first axis (`n` cells), every line at
    /// once: the lines are the modes of the other axes, contiguous in
    /// `gathered`, so each step of the elimination is one vector update.
    fn solve_lines(&mut self, n: usize) {
        let stride = self.gathered.len() / n;
        let (g, scale, off) = (&mut self.gathered, self.normalization, self.off_diagonal);
        for x in &mut g[..stride] {
            *x *= scale;
        }
        for i in 1..n {
            let (before, here) = g.split_at_mut(i * stride);
            let previous = &before[(i - 1) * stride..];
            let multipliers = &self.multipliers[i * stride..(i + 1) * stride];
            for ((x, &p), &l) in here[..stride].iter_mut().zip(previous).zip(multipliers) {
                *x = *x * scale - l * p;
            }
        }
        let last = (n - 1) * stride;
        for (x, &inv) in g[last..].iter_mut().zip(&self.inverse_symbol[last..]) {
            *x *= inv;
        }
        for i in (0..n - 1).rev() {
            let (here, after) = g.split_at_mut((i + 1) * stride);
            let next = &after[..stride];
            let pivots = &self.inverse_symbol[i * stride..(i + 1) * stride];
            for ((x, &q), &inv) in here[i * stride..].iter_mut().zip(next).zip(pivots) {
                *x = (*x - off * q) * inv;
            }
        }
    }
}

/// `x ← A x` for a column-major square `A` of order `x.len()`, with `y` (of
/// the same length) as work space. Orders up to 16 (the cells' species) go
/// to a copy compiled for that order, which the compiler unrolls and
/// vectorizes; larger ones to the general loop.
fn matrix_times_in_place(a: &[f32], x: &mut [f64], y: &mut [f64]) {
    macro_rules! by_order {
        ($($k:literal)*) => {
            match x.len() {
                $($k => matrix_times_order::<$k>(a, x.try_into().expect("order")),)*
                _ => {
                    y.fill(0.0);
                    for (column, &xj) in a.chunks_exact(x.len()).zip(x.iter()) {
                        for (yi, &aij) in y.iter_mut().zip(column) {
                            *yi += f64::from(aij) * xj;
                        }
                    }
                    x.copy_from_slice(y);
                }
            }
        };
    }
    by_order!(1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16)
}

/// [`matrix_times_in_place`] for an order `N` known at compile time.
#[inline(always)]
fn matrix_times_order<const N: usize>(a: &[f32], x: &mut [f64; N]) {
    let mut y = [0.0; N];
    for (column, &xj) in a[..N * N].chunks_exact(N).zip(x.iter()) {
        for (yi, &aij) in y.iter_mut().zip(column) {
            *yi += f64::from(aij) * xj;
        }
    }
    *x = y;
}

/// `out = v − c (J v)` for the Jacobian `matrix`.
fn iteration_matrix_times(matrix: &SinglePrecisionJacobian, c: f64, v: &[f64], out: &mut [f64]) {
    let rows = |(chunk, out): (usize, &mut [f64])| {
        for (k, o) in out.iter_mut().enumerate() {
            let i = chunk * CHUNK + k;
            let r = matrix.row_start[i]..matrix.row_start[i + 1];
            let jv: f64 = matrix.values[r.clone()]
                .iter()
                .zip(&matrix.columns[r])
                .map(|(&a, &j)| f64::from(a) * v[j as usize])
                .sum();
            *o = v[i] - c * jv;
        }
    };
    if out.len() >= PARALLEL_MIN {
        out.par_chunks_mut(CHUNK).enumerate().for_each(rows);
    } else {
        out.chunks_mut(CHUNK).enumerate().for_each(rows);
    }
}

/// Weighted inner product `Σ wᵢ² uᵢ vᵢ / n`: its norm is the weighted RMS norm
/// of the error control. Long vectors (from [`PARALLEL_MIN`]) are summed in
/// fixed chunks on all cores, the chunks' sums (kept in `partials`) added in
/// order, so the result is the same whatever the thread count; shorter ones
/// stay on one thread (waking threads would cost more than it saves).
/// Within a chunk the terms go to [`LANES`] running sums, element `i` to
/// sum `i mod LANES`, added at the end: independent sums that vector
/// instructions carry side by side, where one running sum is a chain of
/// dependent additions.
fn dot(u: &[f64], v: &[f64], w: &[f64], partials: &mut [f64]) -> f64 {
    /// Running sums of a chunk.
    const LANES: usize = 8;
    let chunk_sum = |((a, b), w): ((&[f64], &[f64]), &[f64])| -> f64 {
        let mut sums = [0.0; LANES];
        let whole = a.len().min(b.len()).min(w.len()) / LANES * LANES;
        for ((a, b), w) in
            a[..whole].chunks_exact(LANES).zip(b[..whole].chunks_exact(LANES)).zip(w[..whole].chunks_exact(LANES))
        {
            for (((s, &a), &b), &w) in sums.iter_mut().zip(a).zip(b).zip(w) {
                *s += a * b * w * w;
            }
        }
        for (((s, &a), &b), &w) in sums.iter_mut().zip(&a[whole..]).zip(&b[whole..]).zip(&w[whole..]) {
            *s += a * b * w * w;
        }
        sums.iter().sum()
    };
    let s: f64 = if u.len() >= PARALLEL_MIN {
        let chunks = u.par_chunks(CHUNK).zip(v.par_chunks(CHUNK)).zip(w.par_chunks(CHUNK));
        partials.par_iter_mut().zip(chunks).for_each(|(p, c)| *p = chunk_sum(c));
        partials.iter().sum()
    } else {
        chunk_sum(((u, v), w))
    };
    s / u.len() as f64
}

/// `y ← y + a x` (on all cores for long vectors).
fn axpy(a: f64, x: &[f64], y: &mut [f64]) {
    let update = |(y, x): (&mut [f64], &[f64])| {
        for (y, &x) in y.iter_mut().zip(x) {
            *y += a * x;
        }
    };
    if y.len() >= PARALLEL_MIN {
        y.par_chunks_mut(CHUNK).zip(x.par_chunks(CHUNK)).for_each(update);
    } else {
        update((y, x));
    }
}

/// `y ← a x` (on all cores for long vectors).
fn scaled_copy(a: f64, x: &[f64], y: &mut [f64]) {
    let copy = |(y, x): (&mut [f64], &[f64])| {
        for (y, &x) in y.iter_mut().zip(x) {
            *y = a * x;
        }
    };
    if y.len() >= PARALLEL_MIN {
        y.par_chunks_mut(CHUNK).zip(x.par_chunks(CHUNK)).for_each(copy);
    } else {
        copy((y, x));
    }
}

/// The Jacobian in compressed rows, its values in single precision and its
/// columns as 32-bit indices: the products `J v` that GMRES makes several
/// times per linear solve read a third of the memory of the `f64`/`usize`
/// original. The products are still summed in double precision. Newton's
/// iteration converges to the same solution with any matrix near `J` (the
/// residual is always the exact right-hand side); a relative perturbation of
/// 6·10⁻⁸ is far below what a Jacobian held over several steps already carries.
#[derive(Clone, Debug)]
struct SinglePrecisionJacobian {
    row_start: Vec<usize>,
    columns: Vec<u32>,
    values: Vec<f32>,
    /// Do `values` hold the current Jacobian?
    current: bool,
}

impl SinglePrecisionJacobian {
    fn new(pattern: &SparsityPattern) -> Result<SinglePrecisionJacobian, SaspError> {
        let n = pattern.n();
        if u32::try_from(n).is_err() {
            return Err(SaspError::InvalidOptions(format!(
                "a Newton–Krylov solve takes at most {} unknowns, not {n}",
                u32::MAX
            )));
        }
        Ok(SinglePrecisionJacobian {
            row_start: (0..=n).map(|i| if i < n { pattern.range(i).start } else { pattern.col().len() }).collect(),
            // Every column is below n, so it fits.
            columns: pattern.col().iter().map(|&j| j as u32).collect(),
            values: vec![0.0; pattern.col().len()],
            current: false,
        })
    }

    fn copy(&mut self, jac: &[f64]) {
        for (a, &b) in self.values.iter_mut().zip(jac) {
            *a = b as f32;
        }
        self.current = true;
    }
}

/// Newton–Krylov solves of `(I − c J) x = b`: GMRES with the split preconditioner.
#[derive(Clone, Debug)]
pub(crate) struct KrylovSolver {
    n: usize,
    matrix: SinglePrecisionJacobian,
    preconditioner: SplitPreconditioner,
    /// The `c` the preconditioner was built for (NaN: none yet, or stale).
    built_for: f64,
    /// The current `c` of the iteration matrix.
    c: f64,
    /// Krylov basis, `RESTART + 1` vectors.
    basis: Vec<f64>,
    /// The preconditioned basis `z_k = P⁻¹ v_k`, `RESTART` vectors: the
    /// update is `Σ y_k z_k`, with no further preconditioner solve.
    preconditioned: Vec<f64>,
    /// Hessenberg matrix, column-major `(RESTART + 1) × RESTART`.
    hessenberg: Vec<f64>,
    cs: Vec<f64>,
    sn: Vec<f64>,
    g: Vec<f64>,
    /// The residual norm GMRES's recurrence estimates.
    g_residual: f64,
    x: Vec<f64>,
    w: Vec<f64>,
    /// Chunk sums of the inner products of long vectors.
    partials: Vec<f64>,
}

impl KrylovSolver {
    /// Storage for a system on `layout` with Jacobian `pattern`; refused when
    /// the layout does not cover the state or the state is too large to index.
    pub(crate) fn new(pattern: &SparsityPattern, layout: CellLayout) -> Result<KrylovSolver, SaspError> {
        let n = pattern.n();
        if layout.cells() * layout.species != n {
            return Err(SaspError::InvalidOptions(format!(
                "cell layout {:?} × {} species does not cover the {n} components",
                layout.shape, layout.species
            )));
        }
        Ok(KrylovSolver {
            n,
            matrix: SinglePrecisionJacobian::new(pattern)?,
            preconditioner: SplitPreconditioner::new(pattern, layout),
            built_for: f64::NAN,
            c: f64::NAN,
            basis: vec![0.0; (RESTART + 1) * n],
            preconditioned: vec![0.0; RESTART * n],
            hessenberg: vec![0.0; (RESTART + 1) * RESTART],
            cs: vec![0.0; RESTART],
            sn: vec![0.0; RESTART],
            g: vec![0.0; RESTART + 1],
            g_residual: f64::INFINITY,
            x: vec![0.0; n],
            w: vec![0.0; n],
            partials: vec![0.0; n.div_ceil(CHUNK)],
        })
    }

    /// The Jacobian changed: the preconditioner must be rebuilt at the next [`KrylovSolver::prepare`].
    pub(crate) fn invalidate(&mut self) {
        self.built_for = f64::NAN;
        self.matrix.current = false;
    }

    /// The preconditioner must be rebuilt at the next [`KrylovSolver::prepare`], even for the same `c`.
    pub(crate) fn discard_preconditioner(&mut self) {
        self.built_for = f64::NAN;
    }

    /// Will [`KrylovSolver::prepare`] rebuild the preconditioner for `c`
    /// (none yet, or built for a `c` more than [`STALE_C`] away)?
    pub(crate) fn needs_setup(&self, c: f64) -> bool {
        self.built_for.is_nan() || (c / self.built_for - 1.0).abs() > STALE_C
    }

    /// Sets the iteration matrix to `I − c J`, rebuilding the preconditioner
    /// when it is stale (counted as a factorization).
    pub(crate) fn prepare(&mut self, jac: &[f64], c: f64, stats: &mut Stats) -> Result<(), Singular> {
        self.c = c;
        if !self.matrix.current {
            self.matrix.copy(jac);
        }
        if self.needs_setup(c) {
            stats.factorizations += 1;
            self.built_for = f64::NAN;
            self.preconditioner.setup(jac, c)?;
            self.built_for = c;
        }
        Ok(())
    }

    /// Solves `(I − c J) x = b` in place to weighted RMS residual `≤ tol`
    /// (weights `w`); returns `false` when GMRES does not get there.
    pub(crate) fn solve(&mut self, jac: &[f64], b: &mut [f64], w: &[f64], tol: f64, stats: &mut Stats) -> bool {
        stats.linear_solves += 1;
        let (n, c) = (self.n, self.c);
        self.x.fill(0.0);
        // r = b − M x, with x = 0 at first.
        self.basis[..n].copy_from_slice(b);
        let mut beta = dot(&self.basis[..n], &self.basis[..n], w, &mut self.partials).sqrt();
        for _ in 0..MAX_CYCLES {
            if beta <= tol {
                b.copy_from_slice(&self.x);
                return true;
            }
            for v in &mut self.basis[..n] {
                *v /= beta;
            }
            self.g.fill(0.0);
            self.g[0] = beta;
            let mut k_used = 0;
            let h = RESTART + 1;
            for k in 0..RESTART {
                stats.linear_iterations += 1;
                // z_k = P⁻¹ v_k, w = M z_k
                let z = &mut self.preconditioned[k * n..(k + 1) * n];
                z.copy_from_slice(&self.basis[k * n..(k + 1) * n]);
                self.preconditioner.apply(jac, z);
                iteration_matrix_times(&self.matrix, c, z, &mut self.w);
                // Modified Gram–Schmidt.
                for i in 0..=k {
                    let vi = &self.basis[i * n..(i + 1) * n];
                    let hik = dot(&self.w, vi, w, &mut self.partials);
                    self.hessenberg[k * h + i] = hik;
                    axpy(-hik, vi, &mut self.w);
                }
                let norm = dot(&self.w, &self.w, w, &mut self.partials).sqrt();
                self.hessenberg[k * h + k + 1] = norm;
                if norm > 0.0 {
                    scaled_copy(1.0 / norm, &self.w, &mut self.basis[(k + 1) * n..(k + 2) * n]);
                }
                // Apply the previous rotations to the new column, then zero its subdiagonal.
                let col = &mut self.hessenberg[k * h..(k + 1) * h];
                for i in 0..k {
                    let (a, b) = (col[i], col[i + 1]);
                    col[i] = self.cs[i] * a + self.sn[i] * b;
                    col[i + 1] = -self.sn[i] * a + self.cs[i] * b;
                }
                let (a, b) = (col[k], col[k + 1]);
                let r = a.hypot(b);
                let (cs, sn) = if r == 0.0 { (1.0, 0.0) } else { (a / r, b / r) };
                self.cs[k] = cs;
                self.sn[k] = sn;
                col[k] = r;
                col[k + 1] = 0.0;
                self.g[k + 1] = -sn * self.g[k];
                self.g[k] *= cs;
                k_used = k + 1;
                self.g_residual = self.g[k + 1].abs();
                if self.g_residual <= tol || norm == 0.0 {
                    break;
                }
            }
            // y = H⁻¹ g (upper triangular), then x += Z y.
            for i in (0..k_used).rev() {
                let mut s = self.g[i];
                for j in i + 1..k_used {
                    s -= self.hessenberg[j * h + i] * self.g[j];
                }
                let d = self.hessenberg[i * h + i];
                if d == 0.0 || !s.is_finite() {
                    return false;
                }
                self.g[i] = s / d;
            }
            for j in 0..k_used {
                axpy(self.g[j], &self.preconditioned[j * n..(j + 1) * n], &mut self.x);
            }
            if self.g_residual <= tol {
                b.copy_from_slice(&self.x);
                return true;
            }
            // Restart from the true residual.
            iteration_matrix_times(&self.matrix, c, &self.x, &mut self.w);
            for i in 0..n {
                self.basis[i] = b[i] - self.w[i];
            }
            beta = dot(&self.basis[..n], &self.basis[..n], w, &mut self.partials).sqrt();
            if !beta.is_finite() {
                return false;
            }
        }
        if beta <= tol {
            b.copy_from_slice(&self.x);
            return true;
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::solve::linalg::DenseLu;

    /// A 5-point (7-point in 3D) pattern on `shape` with `m` species: every
    /// species couples to all species in its cell and to itself in the
    /// neighbouring cells; species 0 also to species 1 in the neighbours (a drift).
    fn grid_pattern(layout: CellLayout, periodic: [bool; 3]) -> SparsityPattern {
        let m = layout.species;
        let [_, ny, nz] = layout.shape;
        let mut row_start = vec![0];
        let mut col = Vec::new();
        for cell in 0..layout.cells() {
            let k = layout.coordinates(cell);
            let mut nbrs = Vec::new();
            for d in 0..3 {
                let n = layout.shape[d] as isize;
                for delta in [-1, 1] {
                    let i = k[d] as isize + delta;
                    let i = if (0..n).contains(&i) {
                        i
                    } else if periodic[d] && n > 2 {
                        i.rem_euclid(n)
                    } else {
                        continue;
                    };
                    let mut j = k;
                    j[d] = i as usize;
                    nbrs.push((j[0] * ny + j[1]) * nz + j[2]);
                }
            }
            for s in 0..m {
                let mut cols: Vec<usize> = (0..m).map(|j| cell * m + j).collect();
                for &nb in &nbrs {
                    cols.push(nb * m + s);
                    if s == 0 && m > 1 {
                        cols.push(nb * m + 1);
                    }
                }
                cols.sort_unstable();
                cols.dedup();
                col.extend(cols);
                row_start.push(col.len());
            }
        }
        SparsityPattern::from_csr(layout.cells() * m, row_start, col).expect("a valid pattern")
    }

    /// `x` solving `(I − cJ) x = b` by a dense LU.
    fn dense_solve(pattern: &SparsityPattern, jac: &[f64], c: f64, b: &[f64]) -> Vec<f64> {
        let n = pattern.n();
        let mut lu = DenseLu::new(n);
        let a = lu.matrix_mut();
        for i in 0..n {
            a[i * n + i] = 1.0;
            for k in pattern.range(i) {
                a[pattern.col()[k] * n + i] -= c * jac[k];
            }
        }
        lu.factor().unwrap();
        let mut x = b.to_vec();
        lu.solve(&mut x);
        x
    }

    /// Pure diffusion with one coefficient per species: `J` is exactly `T̄`.
    fn diffusion_values(pattern: &SparsityPattern, m: usize, coefficient: &[f64]) -> Vec<f64> {
        let mut jac = vec![0.0; pattern.nnz()];
        for i in 0..pattern.n() {
            let r = pattern.range(i);
            let mut diagonal = None;
            let mut off = 0.0;
            for k in r {
                let j = pattern.col()[k];
                if j == i {
                    diagonal = Some(k);
                } else if j % m == i % m && j / m != i / m {
                    jac[k] = coefficient[i % m];
                    off += coefficient[i % m];
                }
            }
            jac[diagonal.unwrap()] = -off;
        }
        jac
    }

    #[test]
    fn constant_coefficient_diffusion_with_a_shared_decay_is_solved_in_one_iteration_on_every_kind_of_grid() {
        for (shape, periodic) in [
            (vec![12], [false; 3]),
            (vec![12], [true, false, false]),
            (vec![9, 7], [false; 3]),
            (vec![8, 8], [true, true, false]),
            (vec![6, 5], [true, false, false]),
            (vec![5, 4, 6], [false, true, false]),
        ] {
            let layout = CellLayout::new(&shape, 2);
            let pattern = grid_pattern(layout, periodic);
            // No drift entries in pure diffusion: drop species 0 → 1 off-cell couplings by value 0.
            let mut jac = diffusion_values(&pattern, 2, &[300.0, 40.0]);
            // A decay that every cell shares (species 0 fast, species 1 slow)
            // goes with the transport: the preconditioner stays exact.
            for i in 0..pattern.n() {
                let k = pattern.position(i, i).expect("the pattern holds the diagonal");
                jac[k] -= [25.0, 0.5][i % 2];
            }
            let mut solver = KrylovSolver::new(&pattern, layout).expect("layout covers the grid");
            let c = 0.05;
            let mut stats = Stats::default();
            solver.prepare(&jac, c, &mut stats).unwrap();
            let b: Vec<f64> = (0..pattern.n()).map(|i| ((i * 7919) % 13) as f64 - 6.0).collect();
            let expected = dense_solve(&pattern, &jac, c, &b);
            let mut x = b.clone();
            let w = vec![1.0; pattern.n()];
            assert!(solver.solve(&jac, &mut x, &w, 1e-10, &mut stats));
            let err = x.iter().zip(&expected).map(|(a, e)| (a - e).abs()).fold(0.0, f64::max);
            assert!(err < 1e-9, "{shape:?} {periodic:?}: error {err:e}");
            assert_eq!(stats.linear_iterations, 1, "{shape:?} {periodic:?}: the preconditioner is exact here");
        }
    }

    #[test]
    fn gmres_solves_variable_transport_reactions_and_drift_to_the_requested_tolerance() {
        let layout = CellLayout::new(&[10, 9], 3);
        let pattern = grid_pattern(layout, [false, true, false]);
        // Diffusion that varies from cell to cell, a drift of species 0 up
        // species 1, and stiff reactions coupling the three species in each cell.
        let mut jac = vec![0.0; pattern.nnz()];
        for i in 0..pattern.n() {
            let (cell, s) = (i / 3, i % 3);
            for k in pattern.range(i) {
                let j = pattern.col()[k];
                let (other, q) = (j / 3, j % 3);
                let wobble = 1.0 + 0.5 * ((cell * 31 + other * 17) % 7) as f64 / 7.0;
                jac[k] = match (other == cell, q == s) {
                    (false, true) => 100.0 * wobble * (s + 1) as f64,
                    (false, false) => -30.0 * wobble,
                    (true, true) => -1000.0 * wobble - 400.0 * (s + 1) as f64,
                    (true, false) => 250.0 * wobble * if q > s { 1.0 } else { -0.5 },
                };
            }
        }
        let mut solver = KrylovSolver::new(&pattern, layout).expect("layout covers the grid");
        let c = 0.01;
        let mut stats = Stats::default();
        solver.prepare(&jac, c, &mut stats).unwrap();
        let b: Vec<f64> = (0..pattern.n()).map(|i| (i as f64 * 0.37).sin()).collect();
        let expected = dense_solve(&pattern, &jac, c, &b);
        let w = vec![1e3; pattern.n()];
        for tol in [1e-2, 1e-6] {
            let mut x = b.clone();
            assert!(solver.solve(&jac, &mut x, &w, tol, &mut stats));
            let rms = (x.iter().zip(&expected).map(|(a, e)| ((a - e) * 1e3).powi(2)).sum::<f64>() / pattern.n() as f64)
                .sqrt();
            // The residual tolerance bounds the error through ‖M⁻¹‖ (≤ 1 here, as M = I − cJ with J dissipative).
            assert!(rms < 10.0 * tol, "tol {tol:e}: weighted error {rms:e}");
        }
        assert!(stats.linear_iterations > 2, "variable coefficients need more than one iteration");
    }
}
