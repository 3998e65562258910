//! Choosing a method by name at run time.

use super::bdf::Bdf;
use super::dop853::Dop853;
use super::dopri5::Dopri5;
use super::driver::Stepper;
use super::rosenbrock::Rosenbrock;
use super::{CellLayout, OdeSystem, Options, Stats};
use crate::error::{Result, SaspError};

/// The largest 1D grid system (unknowns) that [`Method::Auto`] gives to a
/// Rosenbrock method: measured faster than BDF at equal error up to 8,000
/// (Keller–Segel, N = 4000: Rodas5P 22 steps in 22 ms, BDF 103 steps in 29 ms).
pub const ROSENBROCK_1D_MAX: usize = 10_000;

/// The integration methods, by the names `testset --method` takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Method {
    /// Explicit Dormand–Prince 5(4): non-stiff problems.
    Dopri5,
    /// Explicit Dormand–Prince 8(5,3): non-stiff problems at tight tolerances.
    Dop853,
    /// Rodas5P, order 5(4) Rosenbrock: stiff problems, moderate to tight tolerances.
    Rodas5p,
    /// Rodas3, order 3(2) Rosenbrock: stiff problems, loose tolerances.
    Rodas3,
    /// Variable-order BDF (1–5): long stiff runs without events.
    Bdf,
    /// BDF with Newton–Krylov (GMRES) solves preconditioned by cell and by
    /// species: large grids (systems that report a cell layout).
    BdfKrylov,
    /// The library's default choice (see [`Method::resolve`]).
    Auto,
}

impl Method {
    /// Every concrete method, in the order `--list-methods` prints them.
    pub const ALL: [Method; 6] =
        [Method::Dopri5, Method::Dop853, Method::Rodas5p, Method::Rodas3, Method::Bdf, Method::BdfKrylov];

    /// The method's name.
    pub fn name(self) -> &'static str {
        match self {
            Method::Dopri5 => "dopri5",
            Method::Dop853 => "dop853",
            Method::Rodas5p => "rodas5p",
            Method::Rodas3 => "rodas3",
            Method::Bdf => "bdf",
            Method::BdfKrylov => "bdf-krylov",
            Method::Auto => "auto",
        }
    }

    /// Parses a method name (lower case).
    pub fn parse(name: &str) -> Result<Method> {
        Method::ALL.into_iter().chain([Method::Auto]).find(|m| m.name() == name).ok_or_else(|| {
            let known: Vec<&str> = Method::ALL.iter().map(|m| m.name()).collect();
            SaspError::UnknownMethod { name: name.to_string(), known: format!("{}, auto", known.join(", ")) }
        })
    }

    /// The concrete method `Auto` stands for, for a system of dimension `n` at
    /// relative tolerance `rtol`, laid out as `layout` if it is on a grid:
    ///
    /// - large systems (n > 500) on 2D and 3D grids: BDF with Newton–Krylov
    ///   solves (a direct LU would fill in);
    /// - other large systems (big networks, 1D grids above
    ///   [`ROSENBROCK_1D_MAX`] unknowns): BDF with the direct LU of the
    ///   Jacobian's structure (one factorization per several steps beats a
    ///   Rosenbrock method's eight solves per step);
    /// - otherwise, 1D grids included (their banded LU makes a Rosenbrock
    ///   step's solves cheap, and Rodas5P takes a fifth of BDF's steps:
    ///   Keller–Segel at N = 1000–4000, docs/spatial.md), Rodas5P, or Rodas3
    ///   when `rtol > 1e-3`. Biological models with binding and dosing are
    ///   stiff, so the default is implicit; Rosenbrock methods restart cheaply
    ///   at every dose.
    pub fn resolve(self, n: usize, rtol: f64, layout: Option<CellLayout>) -> Method {
        let axes = layout.map_or(0, |l| l.shape.iter().filter(|&&k| k > 1).count());
        match self {
            Method::Auto if n > 500 && axes >= 2 => Method::BdfKrylov,
            Method::Auto if n > 500 && !(axes == 1 && n <= ROSENBROCK_1D_MAX) => Method::Bdf,
            Method::Auto if rtol > 1e-3 => Method::Rodas3,
            Method::Auto => Method::Rodas5p,
            m => m,
        }
    }

    /// The concrete method `Auto` stands for with `system` at `rtol`: as
    /// [`Method::resolve`] for its dimension and layout, except that a
    /// differential–algebraic system ([`OdeSystem::algebraic_components`])
    /// gets a method that integrates one (Rodas5P for Rodas3, BDF with a
    /// direct solve for Newton–Krylov BDF).
    pub fn resolve_for<S: OdeSystem>(self, system: &S, rtol: f64) -> Method {
        let method = self.resolve(system.dimension(), rtol, system.cell_layout());
        if self != Method::Auto || system.algebraic_components().is_empty() {
            return method;
        }
        match method {
            Method::Rodas3 => Method::Rodas5p,
            Method::BdfKrylov => Method::Bdf,
            m => m,
        }
    }

    /// A stepper of this method for `system`.
    pub fn stepper<S: OdeSystem>(self, system: &S, options: Options) -> Result<AnyStepper> {
        let n = system.dimension();
        Ok(match self.resolve_for(system, options.rtol) {
            Method::Dopri5 => AnyStepper::Dopri5(Dopri5::new(n, options)?),
            Method::Dop853 => AnyStepper::Dop853(Dop853::new(n, options)?),
            Method::Rodas5p => AnyStepper::Rosenbrock(Rosenbrock::rodas5p(system, options)?),
            Method::Rodas3 => AnyStepper::Rosenbrock(Rosenbrock::rodas3(system, options)?),
            Method::Bdf => AnyStepper::Bdf(Bdf::new(system, options)?),
            Method::BdfKrylov => AnyStepper::Bdf(Bdf::krylov(system, options)?),
            Method::Auto => unreachable!("resolved above"),
        })
    }
}

/// Any of the library's steppers, chosen at run time. (Created once per solve,
/// so the size difference between variants does not matter.)
#[derive(Clone, Debug)]
#[allow(clippy::large_enum_variant)]
pub enum AnyStepper {
    /// Dormand–Prince 5(4).
    Dopri5(Dopri5),
    /// Dormand–Prince 8(5,3).
    Dop853(Dop853),
    /// A Rosenbrock method.
    Rosenbrock(Rosenbrock),
    /// BDF.
    Bdf(Bdf),
}

macro_rules! dispatch {
    ($self:ident, $s:ident => $e:expr) => {
        match $self {
            AnyStepper::Dopri5($s) => $e,
            AnyStepper::Dop853($s) => $e,
            AnyStepper::Rosenbrock($s) => $e,
            AnyStepper::Bdf($s) => $e,
        }
    };
}

impl Stepper for AnyStepper {
    fn name(&self) -> &'static str {
        dispatch!(self, s => s.name())
    }
    fn reset<S: OdeSystem>(&mut self, system: &S, t: f64, y: &[f64]) -> Result<()> {
        dispatch!(self, s => s.reset(system, t, y))
    }
    fn solves_dae(&self) -> bool {
        dispatch!(self, s => s.solves_dae())
    }
    fn make_consistent<S: OdeSystem>(&mut self, system: &S, t: f64, y: &mut [f64]) -> Result<()> {
        dispatch!(self, s => s.make_consistent(system, t, y))
    }
    fn step<S: OdeSystem>(&mut self, system: &S, t_stop: f64) -> Result<()> {
        dispatch!(self, s => s.step(system, t_stop))
    }
    fn t(&self) -> f64 {
        dispatch!(self, s => s.t())
    }
    fn y(&self) -> &[f64] {
        dispatch!(self, s => s.y())
    }
    fn t_prev(&self) -> f64 {
        dispatch!(self, s => s.t_prev())
    }
    fn prepare_dense<S: OdeSystem>(&mut self, system: &S) {
        dispatch!(self, s => s.prepare_dense(system))
    }
    fn interpolate(&self, t: f64, out: &mut [f64]) {
        dispatch!(self, s => s.interpolate(t, out))
    }
    fn stats(&self) -> Stats {
        dispatch!(self, s => s.stats())
    }
}
