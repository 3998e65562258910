//! Forward sensitivities (`sasp::solve::sensitivity`, `Model::sensitivities_from`)
//! against analytic derivatives and central finite differences.

use sasp::solve::bdf::Bdf;
use sasp::solve::sensitivity::{solve_forward, Variational};
use sasp::solve::{JacobianStructure, OdeSystem, Options, Tolerance};

/// `y' = −k y` with `k` a state of zero rate: `z = (y, k)`.
#[derive(Debug)]
struct Decay;

impl OdeSystem for Decay {
    fn dimension(&self) -> usize {
        2
    }
    fn rhs(&self, _t: f64, z: &[f64], dz: &mut [f64]) {
        dz[0] = -z[1] * z[0];
        dz[1] = 0.0;
    }
    fn is_autonomous(&self) -> bool {
        true
    }
    fn jacobian(&self, _t: f64, z: &[f64], j: &mut [f64]) -> bool {
        // Dense, column-major.
        j.copy_from_slice(&[-z[1], 0.0, -z[0], 0.0]);
        true
    }
}

/// Robertson's stiff kinetics with its three rate constants as states.
struct Robertson;

impl OdeSystem for Robertson {
    fn dimension(&self) -> usize {
        6
    }
    fn rhs(&self, _t: f64, z: &[f64], dz: &mut [f64]) {
        let (y1, y2, y3, k1, k2, k3) = (z[0], z[1], z[2], z[3], z[4], z[5]);
        dz[0] = -k1 * y1 + k3 * y2 * y3;
        dz[1] = k1 * y1 - k3 * y2 * y3 - k2 * y2 * y2;
        dz[2] = k2 * y2 * y2;
        dz[3..].fill(0.0);
    }
    fn is_autonomous(&self) -> bool {
        true
    }
    fn jacobian_structure(&self) -> JacobianStructure {
        JacobianStructure::Dense
    }
    fn jacobian(&self, _t: f64, z: &[f64], j: &mut [f64]) -> bool {
        let (y1, y2, y3, k1, k2, k3) = (z[0], z[1], z[2], z[3], z[4], z[5]);
        j.fill(0.0);
        let mut set = |i: usize, c: usize, v: f64| j[c * 6 + i] = v;
        set(0, 0, -k1);
        set(0, 1, k3 * y3);
        set(0, 2, k3 * y2);
        set(0, 3, -y1);
        set(0, 5, y2 * y3);
        set(1, 0, k1);
        set(1, 1, -k3 * y3 - 2.0 * k2 * y2);
        set(1, 2, -k3 * y2);
        set(1, 3, y1);
        set(1, 4, -y2 * y2);
        set(1, 5, -y2 * y3);
        set(2, 1, 2.0 * k2 * y2);
        set(2, 4, y2 * y2);
        true
    }
}

fn tight() -> Options {
    Options { rtol: 1e-10, atol: Tolerance::Scalar(1e-14), max_steps: 1_000_000, ..Options::default() }
}

fn unit(n: usize, i: usize) -> Vec<f64> {
    let mut e = vec![0.0; n];
    e[i] = 1.0;
    e
}

#[test]
fn decay_sensitivities_are_the_analytic_derivatives() {
    let (y0, k) = (3.0, 0.7);
    let times = [0.5, 1.0, 2.0, 5.0];
    let run = solve_forward(&Decay, 0.0, &[y0, k], &[unit(2, 0), unit(2, 1)], &times, &tight()).unwrap();
    for (i, &t) in times.iter().enumerate() {
        let e = (-k * t).exp();
        assert!((run.y[i][0] - y0 * e).abs() <= 1e-8 * y0 * e, "y at {t}");
        let (d_y0, d_k) = (run.s[i][0][0], run.s[i][1][0]);
        assert!((d_y0 - e).abs() <= 1e-7 * e, "∂y/∂y0 at {t}: {d_y0} vs {e}");
        let exact = -t * y0 * e;
        assert!((d_k - exact).abs() <= 1e-7 * exact.abs(), "∂y/∂k at {t}: {d_k} vs {exact}");
        // The parameter's own row stays the unit vector.
        assert_eq!((run.s[i][1][1], run.s[i][0][1]), (1.0, 0.0));
    }
}

/// Robertson's states at `times` for rate constants `k` (at tight tolerances).
fn robertson(k: [f64; 3], times: &[f64]) -> Vec<Vec<f64>> {
    let z0 = [1.0, 0.0, 0.0, k[0], k[1], k[2]];
    let stepper = Bdf::new(&Robertson, tight()).unwrap();
    let s = sasp::solve::solve(&Robertson, stepper, 0.0, &z0, *times.last().unwrap(), times).unwrap();
    (0..times.len()).map(|i| s.state(i)[..3].to_vec()).collect()
}

#[test]
fn robertson_sensitivities_match_central_differences() {
    let k = [0.04, 3e7, 1e4];
    let times = [0.4, 4.0, 40.0, 400.0];
    let z0 = [1.0, 0.0, 0.0, k[0], k[1], k[2]];
    let s0: Vec<Vec<f64>> = (3..6).map(|i| unit(6, i)).collect();
    let run = solve_forward(&Robertson, 0.0, &z0, &s0, &times, &tight()).unwrap();
    for p in 0..3 {
        let h = 1e-4 * k[p];
        let (mut up, mut down) = (k, k);
        up[p] += h;
        down[p] -= h;
        let (a, b) = (robertson(up, &times), robertson(down, &times));
        for (i, &t) in times.iter().enumerate() {
            for c in 0..3 {
                let fd = (a[i][c] - b[i][c]) / (2.0 * h);
                let s = run.s[i][p][c];
                // Relative to the sensitivity's scale over the three species.
                let scale = (0..3).map(|c| run.s[i][p][c].abs()).fold(0.0, f64::max);
                assert!((s - fd).abs() <= 1e-5 * scale, "∂y{c}/∂k{p} at t = {t}: {s} vs {fd}");
            }
        }
    }
}

#[test]
fn refusals_are_errors() {
    #[derive(Debug)]
    struct NoJacobian;
    impl OdeSystem for NoJacobian {
        fn dimension(&self) -> usize {
            1
        }
        fn rhs(&self, _t: f64, y: &[f64], dy: &mut [f64]) {
            dy[0] = -y[0];
        }
    }
    let e = Variational::new(NoJacobian, 1).unwrap_err().to_string();
    assert!(e.contains("analytic Jacobian"), "{e}");
    let e = solve_forward(&Decay, 0.0, &[1.0, 1.0], &[vec![1.0]], &[1.0], &tight()).unwrap_err().to_string();
    assert!(e.contains("initial sensitivity"), "{e}");
    let e = Variational::new(Decay, usize::MAX / 2).unwrap_err().to_string();
    assert!(e.contains("exceed"), "{e}");
}
