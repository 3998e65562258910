use nalgebra::DMatrix;
use sasp::model::Model;

/// A small deterministic generator (SplitMix64), so tests need no extra crates.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Log-uniform in [lo, hi].
    pub fn log_uniform(&mut self, lo: f64, hi: f64) -> f64 {
        (lo.ln() + self.uniform() * (hi.ln() - lo.ln())).exp()
    }
}

/// Central-difference Jacobian with one Richardson extrapolation (error O(h⁴)),
/// step relative to each (positive) component.
pub fn fd_jacobian(model: &Model, t: f64, y: &[f64], inputs: &[f64]) -> DMatrix<f64> {
    let n = y.len();
    let mut jac = DMatrix::zeros(n, n);
    let mut yp = y.to_vec();
    let mut up = vec![0.0; n];
    let mut down = vec![0.0; n];
    let mut diff = |yp: &mut Vec<f64>, j: usize, h: f64| -> Vec<f64> {
        yp[j] = y[j] + h;
        model.rhs(t, yp, inputs, &mut up).unwrap();
        yp[j] = y[j] - h;
        model.rhs(t, yp, inputs, &mut down).unwrap();
        yp[j] = y[j];
        up.iter().zip(&down).map(|(a, b)| (a - b) / (2.0 * h)).collect()
    };
    for j in 0..n {
        let h = 1e-3 * y[j].abs().max(1e-12);
        let coarse = diff(&mut yp, j, h);
        let fine = diff(&mut yp, j, h / 2.0);
        for i in 0..n {
            jac[(i, j)] = (4.0 * fine[i] - coarse[i]) / 3.0;
        }
    }
    jac
}

/// Compares the analytic dense and sparse Jacobians with finite differences and
/// returns the worst relative error over well-scaled entries.
///
/// Finite differences of row `i` carry a round-off error of about
/// `ε·Sᵢ/hⱼ`, where `Sᵢ = |fᵢ| + Σⱼ |Jᵢⱼ| yⱼ` is the size of the terms that make
/// up `fᵢ`. An entry is well scaled when its contribution `|Jᵢⱼ| yⱼ` is at least
/// `1e-3 Sᵢ`; there the relative error must be small. Every other entry must
/// agree to `1e-9 Sᵢ / yⱼ`, so a wrong analytic entry cannot hide.
pub fn check_jacobian(model: &Model, t: f64, y: &[f64], inputs: &[f64]) -> f64 {
    let n = model.dimension();
    let mut dense = DMatrix::zeros(n, n);
    model.jacobian_dense(t, y, inputs, &mut dense).unwrap();
    let pattern = model.sparsity();
    let mut values = vec![0.0; pattern.nnz()];
    model.jacobian_sparse(t, y, inputs, &mut values).unwrap();
    // Sparse and dense agree entry by entry, and the dense one is zero off the pattern.
    for i in 0..n {
        for j in 0..n {
            let sparse = pattern.position(i, j).map_or(0.0, |k| values[k]);
            assert_eq!(sparse, dense[(i, j)], "sparse and dense Jacobians differ at ({i}, {j})");
        }
    }
    let fd = fd_jacobian(model, t, y, inputs);
    let mut f = vec![0.0; n];
    model.rhs(t, y, inputs, &mut f).unwrap();
    let mut worst: f64 = 0.0;
    for i in 0..n {
        let size: f64 = f[i].abs() + (0..n).map(|j| fd[(i, j)].abs() * y[j]).sum::<f64>();
        for j in 0..n {
            let (a, b) = (dense[(i, j)], fd[(i, j)]);
            if a.abs().max(b.abs()) * y[j] >= 1e-3 * size {
                worst = worst.max((a - b).abs() / a.abs().max(b.abs()));
            } else {
                assert!(
                    (a - b).abs() * y[j] <= 1e-9 * size,
                    "entry ({i}, {j}): analytic {a}, finite-difference {b}, row size {size}"
                );
            }
        }
    }
    worst
}

/// The largest difference between a system's sparse analytic Jacobian at
/// `y` and central differences of its right-hand side, relative to
/// `max(|entry|, 1)`, over every entry (outside the pattern the Jacobian is
/// 0), with where it is: `(error, i, j, difference, analytic)`.
pub fn sparse_jacobian_error(system: &impl sasp::solve::OdeSystem, y: &[f64]) -> (f64, usize, usize, f64, f64) {
    let sasp::solve::JacobianStructure::Sparse(pattern) = system.jacobian_structure() else {
        panic!("the system declares no sparse Jacobian")
    };
    let mut values = vec![0.0; pattern.nnz()];
    assert!(system.jacobian(0.0, y, &mut values), "no analytic Jacobian");
    let n = system.dimension();
    let (mut up, mut down) = (vec![0.0; n], vec![0.0; n]);
    let mut worst = (0.0, 0, 0, 0.0, 0.0);
    for j in 0..n {
        let h = 1e-6 * y[j].abs().max(1.0);
        let (mut yp, mut ym) = (y.to_vec(), y.to_vec());
        yp[j] += h;
        ym[j] -= h;
        system.rhs(0.0, &yp, &mut up);
        system.rhs(0.0, &ym, &mut down);
        for i in 0..n {
            let fd = (up[i] - down[i]) / (2.0 * h);
            let exact = pattern.position(i, j).map_or(0.0, |k| values[k]);
            let error = (fd - exact).abs() / exact.abs().max(1.0);
            if error > worst.0 {
                worst = (error, i, j, fd, exact);
            }
        }
    }
    worst
}

/// Asserts that a system's sparse analytic Jacobian at `y` equals central
/// differences entry by entry (and is zero outside its pattern), to `tol`
/// relative to `max(|entry|, 1)`.
pub fn assert_sparse_jacobian_matches_differences(system: &impl sasp::solve::OdeSystem, y: &[f64], tol: f64) {
    let (error, i, j, fd, exact) = sparse_jacobian_error(system, y);
    assert!(error <= tol, "({i}, {j}): {fd} vs {exact}");
}

/// U + V → 2V (`k` = 0.5/(nM·day)), V → U (`b` = 1/day), both concentrations
/// (nM) starting at `u0` and `v0`: a two-species autocatalysis for the grid tests.
pub fn autocatalysis(u0: f64, v0: f64) -> Model {
    use sasp::model::{Compartment, ModelBuilder, ProcessDecl, Provenance, Quantity, RateLaw};
    let conc = Compartment::Other(Quantity::Concentration);
    ModelBuilder::new("autocatalysis")
        .compartment("U", conc, "nM", u0)
        .compartment("V", conc, "nM", v0)
        .parameter("k", 0.5, "1/(nM*day)", Provenance::Assumed, "test")
        .parameter("b", 1.0, "1/day", Provenance::Assumed, "test")
        .process(
            ProcessDecl::new("conversion", RateLaw::MassAction { k: "k".into(), of: vec!["U".into(), "V".into()] })
                .change("U", -1.0)
                .change("V", 1.0),
        )
        .process(
            ProcessDecl::new("return", RateLaw::FirstOrder { k: "b".into(), of: "V".into() })
                .change("V", -1.0)
                .change("U", 1.0),
        )
        .build()
        .expect("a valid model")
}

/// [`autocatalysis`] on a 2 mm line of 40 cells (zero flux), `U` diffusing at
/// 0.1 mm²/day and `V` at 0.01, and its smooth start
/// `U = 1 + 0.5 cos(πx)`, `V = 0.5 + 0.2 cos(2πx)`.
pub fn autocatalysis_line(model: &Model) -> (sasp::space::SpatialSystem<'_>, Vec<f64>) {
    use sasp::space::{Grid, SpatialSystem, Transport};
    use std::f64::consts::PI;
    let n = 40;
    let grid = Grid::new(&[n], 0.05).expect("a valid grid");
    let transport = Transport::immobile(model, &grid)
        .diffusing(model, "U", 0.1)
        .and_then(|t| t.diffusing(model, "V", 0.01))
        .expect("U and V are compartments");
    let system = SpatialSystem::new(model, grid, transport, &[]).expect("a valid grid system");
    let y0 = (0..n)
        .flat_map(|i| {
            let x = (i as f64 + 0.5) / n as f64;
            [1.0 + 0.5 * (PI * x).cos(), 0.5 + 0.2 * (2.0 * PI * x).cos()]
        })
        .collect();
    (system, y0)
}
