//! Standard initial-value test problems with reference solutions, shared by the
//! `testset` example, the benches and the tests.
//!
//! | name | n | t_end | stiff | reference |
//! |---|---|---|---|---|
//! | `robertson` | 3 | 1e5 | yes | none published at 1e5 |
//! | `robertson-long` | 3 | 4e10 | yes | none at 4e10; the IVP test set's at 1e11 ([`ROBERTSON_1E11`]) |
//! | `hires` | 8 | 321.8122 | yes | IVP test set (Mazzia & Magherini), RADAU5 at 1.1e-18 |
//! | `pollution` | 20 | 60 | yes | IVP test set (Verwer 1994), RADAU5 at 1.1e-18 |
//! | `vdp` | 2 | 2000 | yes (μ = 1000) | none (compute one at tight tolerance) |
//! | `arenstorf` | 4 | one period | no | the orbit is periodic: `y(t_end) = y(0)` |
// Coefficients and reference values are kept with the digits they were published with.
#![allow(clippy::excessive_precision)]

pub mod grid;

use crate::error::{Result, SaspError};
use crate::model::SparsityPattern;
use crate::solve::{JacobianStructure, OdeSystem};

/// Which problem.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Robertson's chemical kinetics to 1e5.
    Robertson,
    /// Robertson's chemical kinetics to 4e10.
    RobertsonLong,
    /// HIRES: plant physiology, 8 species.
    Hires,
    /// Air pollution chemistry, 20 species, 25 reactions.
    Pollution,
    /// Van der Pol oscillator, μ = 1000.
    VanDerPol,
    /// Arenstorf's restricted three-body orbit.
    Arenstorf,
}

/// A test problem: the system, its interval, initial state and reference.
#[derive(Clone, Debug)]
pub struct Problem {
    /// Which problem.
    pub kind: Kind,
}

/// Names accepted by [`Problem::by_name`].
pub const NAMES: [&str; 6] = ["robertson", "robertson-long", "hires", "pollution", "vdp", "arenstorf"];

/// Runs of the reference model accepted by [`run`]: `anti-ccl2` is the
/// anti-CCL2 arm of `models/iannello2013.toml` (17 states: the model's 13 and
/// the antibody's depot, plasma, tumor and complex pools; p53 restored at
/// day 0; 330 nM into the depot every two days from day −1, 11 doses), from
/// injection at day −14 to day 21, sampled daily with the three clearance
/// events: [`crate::experiment::Experiment::run_prepared`] on the arm prepared
/// once, so the time is the solve's. `y` is the state at day 21; the default
/// `atol` is the experiments' 1e-9.
pub const MODEL_NAMES: [&str; 1] = ["anti-ccl2"];

/// The reference model and its anti-CCL2 arm applied to it (see [`MODEL_NAMES`]).
pub fn anti_ccl2_arm() -> Result<(crate::model::Model, crate::intervene::PreparedArm)> {
    use crate::intervene::{Antibody, Arm, P53Restoration};
    let model = crate::models::iannello2013()?;
    let arm = Arm::new("anti-CCL2")
        .with(P53Restoration::at(0.0))
        .with(Antibody::neutralizing(crate::model::Chemokine::CCL2, crate::experiment::paper::antibody_schedule()));
    let prepared = arm.prepare(&model, model.initial_time())?;
    Ok((model, prepared))
}

/// Grid problems accepted by [`run`] (with a grid size `n`; see [`grid`]).
pub const GRID_NAMES: [&str; 3] = ["brusselator2d", "brusselator3d", "keller-segel"];

/// The IVP test set's Robertson reference at `t = 1e11` (RADAU5 at 1.1e-18):
/// integrate `robertson-long` on to 1e11 to compare.
pub const ROBERTSON_1E11: [f64; 3] = [0.2083340149701255e-7, 0.8333360770334713e-13, 0.9999999791665050];

/// Arenstorf's mass ratio and orbit period.
const ARENSTORF_MU: f64 = 0.012277471;
const ARENSTORF_PERIOD: f64 = 17.065_216_560_157_962;

/// Pollution rate constants k1..k25 (Verwer 1994).
const POLLUTION_K: [f64; 25] = [
    0.35, 26.6, 1.23e4, 8.6e-4, 8.2e-4, 1.5e4, 1.3e-4, 2.4e4, 1.65e4, 9.0e3, 2.2e-2, 1.2e4, 1.88, 1.63e4, 4.8e6,
    3.5e-4, 1.75e-2, 1.0e8, 4.44e11, 1.24e3, 2.1, 5.78, 4.74e-2, 1.78e3, 3.12,
];

/// Pollution reactions: reactants (0-based species; `usize::MAX` = none).
const POLLUTION_REACTANTS: [[usize; 2]; 25] = {
    const N: usize = usize::MAX;
    [
        [0, N],
        [1, 3],
        [4, 1],
        [6, N],
        [6, N],
        [6, 5],
        [8, N],
        [8, 5],
        [10, 1],
        [10, 0],
        [12, N],
        [9, 1],
        [13, N],
        [0, 5],
        [2, N],
        [3, N],
        [3, N],
        [15, N],
        [15, N],
        [16, 5],
        [18, N],
        [18, N],
        [0, 3],
        [18, 0],
        [19, N],
    ]
};

/// Pollution stoichiometry: `(species, ν)` per reaction.
const POLLUTION_CHANGES: [&[(usize, f64)]; 25] = [
    &[(0, -1.0), (1, 1.0), (2, 1.0)],
    &[(1, -1.0), (3, -1.0), (0, 1.0)],
    &[(4, -1.0), (1, -1.0), (0, 1.0), (5, 1.0)],
    &[(6, -1.0), (4, 2.0), (7, 1.0)],
    &[(6, -1.0), (7, 1.0)],
    &[(6, -1.0), (5, -1.0), (4, 1.0), (7, 1.0)],
    &[(8, -1.0), (4, 1.0), (7, 1.0), (9, 1.0)],
    &[(8, -1.0), (5, -1.0), (10, 1.0)],
    &[(10, -1.0), (1, -1.0), (0, 1.0), (9, 1.0), (11, 1.0)],
    &[(10, -1.0), (0, -1.0), (12, 1.0)],
    &[(12, -1.0), (0, 1.0), (10, 1.0)],
    &[(9, -1.0), (1, -1.0), (0, 1.0), (13, 1.0)],
    &[(13, -1.0), (4, 1.0), (6, 1.0)],
    &[(0, -1.0), (5, -1.0), (14, 1.0)],
    &[(2, -1.0), (3, 1.0)],
    &[(3, -1.0), (15, 1.0)],
    &[(3, -1.0), (2, 1.0)],
    &[(15, -1.0), (5, 2.0)],
    &[(15, -1.0), (2, 1.0)],
    &[(16, -1.0), (5, -1.0), (4, 1.0), (17, 1.0)],
    &[(18, -1.0), (1, 1.0)],
    &[(18, -1.0), (0, 1.0), (2, 1.0)],
    &[(0, -1.0), (3, -1.0), (18, 1.0)],
    &[(18, -1.0), (0, -1.0), (19, 1.0)],
    &[(19, -1.0), (0, 1.0), (18, 1.0)],
];

/// The Pollution Jacobian's pattern: every (changed species, reactant) pair and the diagonal.
fn pollution_pattern() -> SparsityPattern {
    let mut rows: Vec<Vec<usize>> = (0..20).map(|i| vec![i]).collect();
    for r in 0..25 {
        for &(i, _) in POLLUTION_CHANGES[r] {
            for &a in POLLUTION_REACTANTS[r].iter().filter(|&&a| a != usize::MAX) {
                rows[i].push(a);
            }
        }
    }
    let mut row_start = vec![0];
    let mut col = Vec::new();
    for mut r in rows {
        r.sort_unstable();
        r.dedup();
        col.extend(r);
        row_start.push(col.len());
    }
    SparsityPattern::from_csr(20, row_start, col).expect("a valid pattern")
}

/// Jacobian scatter plan: `(position in the pattern, reaction, reactant 0 or 1, ν)`.
fn pollution_plan() -> Vec<(usize, usize, usize, f64)> {
    let pattern = pollution_pattern();
    let mut plan = Vec::new();
    for r in 0..25 {
        for (which, &a) in POLLUTION_REACTANTS[r].iter().enumerate().filter(|(_, &a)| a != usize::MAX) {
            for &(i, nu) in POLLUTION_CHANGES[r] {
                plan.push((pattern.position(i, a).expect("in pattern"), r, which, nu));
            }
        }
    }
    plan
}

static POLLUTION_PLAN: std::sync::OnceLock<Vec<(usize, usize, usize, f64)>> = std::sync::OnceLock::new();

impl Problem {
    /// The problem called `name` (see [`NAMES`]).
    pub fn by_name(name: &str) -> Result<Problem> {
        let kind = match name {
            "robertson" => Kind::Robertson,
            "robertson-long" => Kind::RobertsonLong,
            "hires" => Kind::Hires,
            "pollution" => Kind::Pollution,
            "vdp" => Kind::VanDerPol,
            "arenstorf" => Kind::Arenstorf,
            _ => return Err(SaspError::UnknownProblem { name: name.to_string(), known: NAMES.join(", ") }),
        };
        Ok(Problem { kind })
    }

    /// The problem's name.
    pub fn name(&self) -> &'static str {
        match self.kind {
            Kind::Robertson => "robertson",
            Kind::RobertsonLong => "robertson-long",
            Kind::Hires => "hires",
            Kind::Pollution => "pollution",
            Kind::VanDerPol => "vdp",
            Kind::Arenstorf => "arenstorf",
        }
    }

    /// Start time.
    pub fn t0(&self) -> f64 {
        0.0
    }

    /// End time.
    pub fn t_end(&self) -> f64 {
        match self.kind {
            Kind::Robertson => 1e5,
            Kind::RobertsonLong => 4e10,
            Kind::Hires => 321.8122,
            Kind::Pollution => 60.0,
            Kind::VanDerPol => 2000.0,
            Kind::Arenstorf => ARENSTORF_PERIOD,
        }
    }

    /// Initial state.
    pub fn y0(&self) -> Vec<f64> {
        match self.kind {
            Kind::Robertson | Kind::RobertsonLong => vec![1.0, 0.0, 0.0],
            Kind::Hires => vec![1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0057],
            Kind::Pollution => {
                let mut y = vec![0.0; 20];
                y[1] = 0.2;
                y[3] = 0.04;
                y[6] = 0.1;
                y[7] = 0.3;
                y[8] = 0.01;
                y[16] = 0.007;
                y
            }
            Kind::VanDerPol => vec![2.0, 0.0],
            Kind::Arenstorf => vec![0.994, 0.0, 0.0, -2.001_585_106_379_082_5],
        }
    }

    /// The customary absolute tolerance for this problem at relative tolerance `rtol`.
    pub fn default_atol(&self, rtol: f64) -> f64 {
        match self.kind {
            Kind::Robertson | Kind::RobertsonLong => 1e-4 * rtol,
            Kind::Hires | Kind::Pollution => 1e-4 * rtol,
            Kind::VanDerPol | Kind::Arenstorf => rtol,
        }
    }

    /// A published reference solution at `t_end`, where one exists.
    ///
    /// HIRES and Pollution: the IVP test set's RADAU5 solutions at
    /// `rtol = atol = 1.1e-18` (Mazzia & Magherini, Test Set for IVP Solvers,
    /// release 2.4). Arenstorf: the initial state (the orbit is periodic).
    /// Robertson has none at 1e5 or 4e10; see [`ROBERTSON_1E11`].
    pub fn reference(&self) -> Option<Vec<f64>> {
        match self.kind {
            Kind::Hires => Some(vec![
                0.7371312573325668e-3,
                0.1442485726316185e-3,
                0.5888729740967575e-4,
                0.1175651343283149e-2,
                0.2386356198831331e-2,
                0.6238968252742796e-2,
                0.2849998395185769e-2,
                0.2850001604814231e-2,
            ]),
            Kind::Pollution => Some(vec![
                0.5646255480022769e-01,
                0.1342484130422339e+00,
                0.4139734331099427e-08,
                0.5523140207484359e-02,
                0.2018977262302196e-06,
                0.1464541863493966e-06,
                0.7784249118997964e-01,
                0.3245075353396018e+00,
                0.7494013383880406e-02,
                0.1622293157301561e-07,
                0.1135863833257075e-07,
                0.2230505975721359e-02,
                0.2087162882798630e-03,
                0.1396921016840158e-04,
                0.8964884856898295e-02,
                0.4352846369330103e-17,
                0.6899219696263405e-02,
                0.1007803037365946e-03,
                0.1772146513969984e-05,
                0.5682943292316392e-04,
            ]),
            Kind::Arenstorf => Some(self.y0()),
            _ => None,
        }
    }
}

impl OdeSystem for Problem {
    fn dimension(&self) -> usize {
        match self.kind {
            Kind::Robertson | Kind::RobertsonLong => 3,
            Kind::Hires => 8,
            Kind::Pollution => 20,
            Kind::VanDerPol => 2,
            Kind::Arenstorf => 4,
        }
    }

    fn rhs(&self, _t: f64, y: &[f64], dy: &mut [f64]) {
        match self.kind {
            Kind::Robertson | Kind::RobertsonLong => {
                let (a, b, c) = (0.04 * y[0], 1e4 * y[1] * y[2], 3e7 * y[1] * y[1]);
                dy[0] = -a + b;
                dy[1] = a - b - c;
                dy[2] = c;
            }
            Kind::Hires => {
                dy[0] = -1.71 * y[0] + 0.43 * y[1] + 8.32 * y[2] + 0.0007;
                dy[1] = 1.71 * y[0] - 8.75 * y[1];
                dy[2] = -10.03 * y[2] + 0.43 * y[3] + 0.035 * y[4];
                dy[3] = 8.32 * y[1] + 1.71 * y[2] - 1.12 * y[3];
                dy[4] = -1.745 * y[4] + 0.43 * y[5] + 0.43 * y[6];
                dy[5] = -280.0 * y[5] * y[7] + 0.69 * y[3] + 1.71 * y[4] - 0.43 * y[5] + 0.69 * y[6];
                dy[6] = 280.0 * y[5] * y[7] - 1.81 * y[6];
                dy[7] = -dy[6];
            }
            Kind::Pollution => {
                dy.fill(0.0);
                for r in 0..25 {
                    let [a, b] = POLLUTION_REACTANTS[r];
                    let mut rate = POLLUTION_K[r] * y[a];
                    if b != usize::MAX {
                        rate *= y[b];
                    }
                    for &(i, nu) in POLLUTION_CHANGES[r] {
                        dy[i] += nu * rate;
                    }
                }
            }
            Kind::VanDerPol => {
                dy[0] = y[1];
                dy[1] = 1000.0 * (1.0 - y[0] * y[0]) * y[1] - y[0];
            }
            Kind::Arenstorf => {
                let mu = ARENSTORF_MU;
                let mu1 = 1.0 - mu;
                let d1 = ((y[0] + mu).powi(2) + y[1] * y[1]).powf(1.5);
                let d2 = ((y[0] - mu1).powi(2) + y[1] * y[1]).powf(1.5);
                dy[0] = y[2];
                dy[1] = y[3];
                dy[2] = y[0] + 2.0 * y[3] - mu1 * (y[0] + mu) / d1 - mu * (y[0] - mu1) / d2;
                dy[3] = y[1] - 2.0 * y[2] - mu1 * y[1] / d1 - mu * y[1] / d2;
            }
        }
    }

    fn is_autonomous(&self) -> bool {
        true
    }

    /// Dense, except Pollution: 20 species, 25 reactions, a sparse Jacobian.
    fn jacobian_structure(&self) -> JacobianStructure {
        match self.kind {
            Kind::Pollution => JacobianStructure::Sparse(pollution_pattern()),
            _ => JacobianStructure::Dense,
        }
    }

    fn jacobian(&self, _t: f64, y: &[f64], jac: &mut [f64]) -> bool {
        let n = self.dimension();
        jac.fill(0.0);
        if self.kind == Kind::Pollution {
            let plan = POLLUTION_PLAN.get_or_init(pollution_plan);
            for &(slot, r, which, nu) in plan {
                let [a, b] = POLLUTION_REACTANTS[r];
                let k = POLLUTION_K[r];
                let d = match (which, b == usize::MAX) {
                    (0, true) => k,
                    (0, false) => k * y[b],
                    _ => k * y[a],
                };
                jac[slot] += nu * d;
            }
            return true;
        }
        let mut set = |i: usize, j: usize, v: f64| jac[j * n + i] += v;
        match self.kind {
            Kind::Robertson | Kind::RobertsonLong => {
                set(0, 0, -0.04);
                set(0, 1, 1e4 * y[2]);
                set(0, 2, 1e4 * y[1]);
                set(1, 0, 0.04);
                set(1, 1, -1e4 * y[2] - 6e7 * y[1]);
                set(1, 2, -1e4 * y[1]);
                set(2, 1, 6e7 * y[1]);
            }
            Kind::Hires => {
                for &(i, j, v) in &[
                    (0, 0, -1.71),
                    (0, 1, 0.43),
                    (0, 2, 8.32),
                    (1, 0, 1.71),
                    (1, 1, -8.75),
                    (2, 2, -10.03),
                    (2, 3, 0.43),
                    (2, 4, 0.035),
                    (3, 1, 8.32),
                    (3, 2, 1.71),
                    (3, 3, -1.12),
                    (4, 4, -1.745),
                    (4, 5, 0.43),
                    (4, 6, 0.43),
                    (5, 3, 0.69),
                    (5, 4, 1.71),
                    (5, 5, -0.43),
                    (5, 6, 0.69),
                    (6, 6, -1.81),
                    (7, 6, 1.81),
                ] {
                    set(i, j, v);
                }
                let (a, b) = (280.0 * y[7], 280.0 * y[5]);
                set(5, 5, -a);
                set(5, 7, -b);
                set(6, 5, a);
                set(6, 7, b);
                set(7, 5, -a);
                set(7, 7, -b);
            }
            Kind::Pollution => unreachable!("handled above"),
            Kind::VanDerPol => {
                set(0, 1, 1.0);
                set(1, 0, -2000.0 * y[0] * y[1] - 1.0);
                set(1, 1, 1000.0 * (1.0 - y[0] * y[0]));
            }
            Kind::Arenstorf => return false,
        }
        true
    }
}

impl Problem {
    /// The Jacobian–vector product `J(y)·v`, for solvers that take one (diffsol);
    /// `None` for problems without an analytic Jacobian.
    pub fn jacobian_times(&self, y: &[f64], v: &[f64], out: &mut [f64]) -> Option<()> {
        match self.kind {
            Kind::Robertson | Kind::RobertsonLong => {
                let a = 0.04 * v[0];
                let b = 1e4 * (v[1] * y[2] + y[1] * v[2]);
                let c = 6e7 * y[1] * v[1];
                out[0] = -a + b;
                out[1] = a - b - c;
                out[2] = c;
            }
            Kind::Hires => {
                let bim = 280.0 * (v[5] * y[7] + y[5] * v[7]);
                out[0] = -1.71 * v[0] + 0.43 * v[1] + 8.32 * v[2];
                out[1] = 1.71 * v[0] - 8.75 * v[1];
                out[2] = -10.03 * v[2] + 0.43 * v[3] + 0.035 * v[4];
                out[3] = 8.32 * v[1] + 1.71 * v[2] - 1.12 * v[3];
                out[4] = -1.745 * v[4] + 0.43 * v[5] + 0.43 * v[6];
                out[5] = -bim + 0.69 * v[3] + 1.71 * v[4] - 0.43 * v[5] + 0.69 * v[6];
                out[6] = bim - 1.81 * v[6];
                out[7] = -out[6];
            }
            Kind::Pollution => {
                out.fill(0.0);
                for r in 0..25 {
                    let [a, b] = POLLUTION_REACTANTS[r];
                    let k = POLLUTION_K[r];
                    let d = if b == usize::MAX { k * v[a] } else { k * (v[a] * y[b] + y[a] * v[b]) };
                    for &(i, nu) in POLLUTION_CHANGES[r] {
                        out[i] += nu * d;
                    }
                }
            }
            Kind::VanDerPol => {
                out[0] = v[1];
                out[1] = (-2000.0 * y[0] * y[1] - 1.0) * v[0] + 1000.0 * (1.0 - y[0] * y[0]) * v[1];
            }
            Kind::Arenstorf => return None,
        }
        Some(())
    }
}

/// The IVP test set's mixed error at the end point,
/// `max_i |y_i − ref_i| / (atol/rtol + |ref_i|)`: a relative error for
/// components above `atol/rtol`, an absolute one (scaled by `rtol/atol`) below.
/// A solve "meets its tolerance" when this is about `rtol`.
pub fn mixed_error(y: &[f64], reference: &[f64], atol: f64, rtol: f64) -> f64 {
    let floor = atol / rtol;
    y.iter().zip(reference).map(|(a, r)| (a - r).abs() / (floor + r.abs())).fold(0.0, f64::max)
}

/// Maximum relative error `max_i |y_i − ref_i| / |ref_i|` over components with `|ref_i| > floor`.
pub fn relative_error(y: &[f64], reference: &[f64], floor: f64) -> f64 {
    y.iter().zip(reference).filter(|(_, r)| r.abs() > floor).map(|(a, r)| ((a - r) / r).abs()).fold(0.0, f64::max)
}

/// One timed solve of a test problem, as the `testset` runner reports it.
#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    /// Problem name.
    pub problem: String,
    /// The concrete method used (`auto` resolved).
    pub method: String,
    /// Relative tolerance.
    pub rtol: f64,
    /// Absolute tolerance.
    pub atol: f64,
    /// End time.
    pub t_end: f64,
    /// State at `t_end`.
    pub y: Vec<f64>,
    /// Work counters.
    pub stats: crate::solve::Stats,
    /// Median wall time of the repeats (solve only), in seconds.
    pub wall_s: f64,
    /// Fastest of the repeats, in seconds: on a shared machine, where other
    /// work only ever adds time, the steadier figure.
    pub wall_min_s: f64,
    /// Mixed error against the published reference, where there is one.
    pub error: Option<f64>,
}

impl Report {
    /// The report as one JSON object.
    pub fn to_json(&self) -> String {
        let list = |v: &[f64]| v.iter().map(|x| format!("{x:e}")).collect::<Vec<_>>().join(", ");
        let s = &self.stats;
        format!(
            "{{\"problem\": \"{}\", \"method\": \"{}\", \"rtol\": {:e}, \"atol\": {:e}, \"t_end\": {:e}, \"n\": {}, \"y\": [{}], \
             \"steps\": {}, \"rejected\": {}, \"rhs_evals\": {}, \"jac_evals\": {}, \"factorizations\": {}, \
             \"linear_solves\": {}, \"linear_iterations\": {}, \"wall_s\": {:e}, \"wall_min_s\": {:e}, \"error\": {}}}",
            self.problem,
            self.method,
            self.rtol,
            self.atol,
            self.t_end,
            self.y.len(),
            list(&self.y),
            s.steps,
            s.rejected,
            s.rhs_evals,
            s.jac_evals,
            s.factorizations,
            s.linear_solves,
            s.linear_iterations,
            self.wall_s,
            self.wall_min_s,
            self.error.map_or("null".to_string(), |e| format!("{e:e}")),
        )
    }
}

/// Runs `solve` `repeat` times: the last result and the median and fastest wall times.
fn timed_run<T>(repeat: usize, solve: &mut dyn FnMut() -> Result<T>) -> Result<(T, Wall)> {
    let mut times = Vec::with_capacity(repeat);
    let mut last = None;
    for _ in 0..repeat {
        let start = std::time::Instant::now();
        let run = solve()?;
        times.push(start.elapsed().as_secs_f64());
        last = Some(run);
    }
    times.sort_by(f64::total_cmp);
    let wall = Wall { median: times[times.len() / 2], min: times[0] };
    Ok((last.ok_or_else(|| SaspError::InvalidOptions("no solve ran".into()))?, wall))
}

/// Median and fastest wall time of repeated solves (seconds).
#[derive(Clone, Copy)]
struct Wall {
    median: f64,
    min: f64,
}

/// Solves problem `name` with method `method` `repeat` times and reports the last solve
/// with the median wall time. `atol` defaults to [`Problem::default_atol`] (1e-2·rtol for
/// the grid problems); `n` is the grid size of the grid problems (default 32 for
/// `brusselator2d`, 16 for `brusselator3d` (at most 256), 200 for `keller-segel`).
pub fn run(name: &str, method: &str, rtol: f64, atol: Option<f64>, n: Option<usize>, repeat: usize) -> Result<Report> {
    use crate::solve::{integrate, Method, Options, Plan, Tolerance};
    let method = Method::parse(method)?;
    if repeat == 0 {
        return Err(SaspError::InvalidOptions("repeat must be at least 1".into()));
    }
    let timed = |solve: &mut dyn FnMut() -> Result<crate::solve::Integration>| timed_run(repeat, solve);
    let report = |problem: &dyn OdeSystem,
                  name: &str,
                  atol: f64,
                  t_end: f64,
                  run: crate::solve::Integration,
                  wall: Wall,
                  error| Report {
        problem: name.to_string(),
        method: method.resolve(problem.dimension(), rtol, problem.cell_layout()).name().to_string(),
        rtol,
        atol,
        t_end,
        y: run.y,
        stats: run.solution.stats,
        wall_s: wall.median,
        wall_min_s: wall.min,
        error,
    };
    match name {
        "anti-ccl2" => {
            if n.is_some() {
                return Err(SaspError::InvalidOptions(format!("--n applies to the grid problems, not to '{name}'")));
            }
            let atol = atol.unwrap_or(1e-9);
            let options = Options { rtol, atol: Tolerance::Scalar(atol), ..Options::default() };
            let (model, arm) = anti_ccl2_arm()?;
            let t_end = 21.0;
            let experiment = crate::experiment::Experiment::new(&model).until(t_end).method(method).options(options);
            let (result, wall) = timed_run(repeat, &mut || experiment.run_prepared(&arm))?;
            let n = result.compartments.len();
            Ok(Report {
                problem: name.to_string(),
                method: method.resolve(n, rtol, None).name().to_string(),
                rtol,
                atol,
                t_end,
                y: result.states[result.states.len() - n..].to_vec(),
                stats: result.stats,
                wall_s: wall.median,
                wall_min_s: wall.min,
                error: None,
            })
        }
        "brusselator2d" | "brusselator3d" | "keller-segel" => {
            let n = n.unwrap_or(match name {
                "brusselator2d" => 32,
                "brusselator3d" => 16,
                _ => 200,
            });
            let largest = if name == "brusselator3d" { 256 } else { 4096 };
            if !(3..=largest).contains(&n) {
                return Err(SaspError::InvalidOptions(format!("grid size {n} of '{name}' must be 3 to {largest}")));
            }
            let atol = atol.unwrap_or(1e-2 * rtol);
            let options = Options { rtol, atol: Tolerance::Scalar(atol), max_steps: 1_000_000, ..Options::default() };
            if name != "keller-segel" {
                let t_end = 11.5;
                let base =
                    if name == "brusselator2d" { grid::Brusselator2d::new(n) } else { grid::Brusselator2d::new_3d(n) };
                let (run, wall) = timed(&mut || base.solve(method, options.clone()))?;
                Ok(report(&base, name, atol, t_end, run, wall, None))
            } else {
                let t_end = 20.0;
                let system = grid::KellerSegel { n };
                let y0 = system.y0();
                let (run, wall) = timed(&mut || {
                    let mut stepper = method.stepper(&system, options.clone())?;
                    let plan = Plan::end_only();
                    integrate(&mut stepper, &mut &system, 0.0, &y0, t_end, &plan, &mut |_, _, _, _| Ok(()))
                })?;
                Ok(report(&system, name, atol, t_end, run, wall, None))
            }
        }
        _ => {
            if n.is_some() {
                return Err(SaspError::InvalidOptions(format!("--n applies to the grid problems, not to '{name}'")));
            }
            let problem = Problem::by_name(name)?;
            let atol = atol.unwrap_or(problem.default_atol(rtol));
            let options = Options { rtol, atol: Tolerance::Scalar(atol), ..Options::default() };
            let (t_end, y0) = (problem.t_end(), problem.y0());
            let (run, wall) = timed(&mut || {
                let mut stepper = method.stepper(&problem, options.clone())?;
                let plan = Plan::end_only();
                integrate(&mut stepper, &mut &problem, problem.t0(), &y0, t_end, &plan, &mut |_, _, _, _| Ok(()))
            })?;
            let error = problem.reference().map(|r| mixed_error(&run.y, &r, atol, rtol));
            Ok(report(&problem, problem.name(), atol, t_end, run, wall, error))
        }
    }
}
