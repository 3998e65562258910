//! Any [`OdeSystem`] — a model's system with its
//! inputs fixed, a spatial system, a test problem, your own — as an
//! [`ode_solvers::System`], for programs that already drive the `ode_solvers`
//! crate (feature `ode_solvers`, off by default).
//!
//! ```
//! use ode_solvers::continuous_output_model::ContinuousOutputModel;
//! use ode_solvers::Dopri5;
//! use sasp::model::{Compartment, ModelBuilder, ProcessDecl, Provenance, Quantity, RateLaw};
//! use sasp::solve::OdeSolversSystem;
//!
//! let model = ModelBuilder::new("decay")
//!     .compartment("x", Compartment::Other(Quantity::Concentration), "nM", 1.0)
//!     .parameter("k", 0.5, "1/day", Provenance::Assumed, "")
//!     .process(ProcessDecl::new("loss", RateLaw::FirstOrder { k: "k".into(), of: "x".into() }).change("x", -1.0))
//!     .build()?;
//! let system = OdeSolversSystem::new(model.system(&[])?)?;
//! let y0 = system.state(&model.initial_state())?;
//! let mut dopri = Dopri5::new(system, 0.0, 4.0, 1.0, y0, 1e-8, 1e-10);
//! let mut curve = ContinuousOutputModel::new();
//! dopri.integrate_with_continuous_output_model(&mut curve).expect("ode_solvers' Dopri5");
//! let x = |t: f64| curve.evaluate(t).unwrap()[0];
//! assert!((x(3.0) - (-1.5_f64).exp()).abs() < 1e-8);
//! assert!((dopri.y_out().last().unwrap()[0] - (-2.0_f64).exp()).abs() < 1e-8); // the last step ends on t = 4
//! # Ok::<(), sasp::SaspError>(())
//! ```
//!
//! Read states from the steps, as here (or with `OutputType::Sparse`):
//! `ode_solvers` 0.6.2's default dense output writes its point at `t_end` by
//! extrapolation from the step before, and panics when started at t < 0
//! (`docs/library.md`).
//!
//! The bridge passes the right-hand side only: `ode_solvers`' methods are
//! explicit and take no Jacobian. Input switches, doses and other state jumps
//! (which the [driver](super::integrate) applies at
//! exact stops) are the caller's: integrate piecewise between them, changing
//! the system's inputs through [`OdeSolversSystem::inner_mut`].
//!
//! `ode_solvers` 0.6 is built on nalgebra 0.34 and sasp on 0.35: the bridge
//! reads and writes the vectors' storage as `f64` slices, so the two versions
//! never meet and nothing is copied per call.

use ode_solvers::{DVector, SVector, System};

use super::OdeSystem;
use crate::error::{Result, SaspError};

/// An [`OdeSystem`] seen as an [`ode_solvers::System`] on `f64` vectors,
/// dynamic ([`DVector`]) or of a size fixed at compile time ([`SVector`]).
#[derive(Clone, Debug)]
pub struct OdeSolversSystem<S> {
    system: S,
}

impl<S: OdeSystem> OdeSolversSystem<S> {
    /// Wraps a system (a reference works too: `&S` is an [`OdeSystem`]).
    /// Refuses what `ode_solvers`' integrators cannot solve: a
    /// differential–algebraic system, and a delay differential equation
    /// (whose history only sasp's driver records).
    pub fn new(system: S) -> Result<OdeSolversSystem<S>> {
        let what = if !system.algebraic_components().is_empty() {
            "a differential–algebraic system"
        } else if system.history().is_some() {
            "a delay differential equation"
        } else {
            return Ok(OdeSolversSystem { system });
        };
        Err(SaspError::unsupported(format!("{what} in the ode_solvers bridge"), "integrate it with sasp's methods"))
    }

    /// The wrapped system.
    pub fn inner(&self) -> &S {
        &self.system
    }

    /// The wrapped system, to change (e.g. a model's inputs between two
    /// integrations).
    pub fn inner_mut(&mut self) -> &mut S {
        &mut self.system
    }

    /// Unwraps the system.
    pub fn into_inner(self) -> S {
        self.system
    }

    /// A state as the [`DVector`] `ode_solvers` integrates (nalgebra 0.34's),
    /// after checking its length against the system's dimension.
    pub fn state(&self, y: &[f64]) -> Result<DVector<f64>> {
        let n = self.system.dimension();
        if y.len() != n {
            return Err(SaspError::DimensionMismatch { what: "state", expected: n, found: y.len() });
        }
        Ok(DVector::from_column_slice(y))
    }
}

impl<S: OdeSystem> System<f64, DVector<f64>> for OdeSolversSystem<S> {
    fn system(&self, t: f64, y: &DVector<f64>, dy: &mut DVector<f64>) {
        self.system.rhs(t, y.as_slice(), dy.as_mut_slice());
    }
}

impl<S: OdeSystem, const N: usize> System<f64, SVector<f64, N>> for OdeSolversSystem<S> {
    fn system(&self, t: f64, y: &SVector<f64, N>, dy: &mut SVector<f64, N>) {
        self.system.rhs(t, y.as_slice(), dy.as_mut_slice());
    }
}
