//! # sasp — senescence, SASP and NK-cell surveillance models
//!
//! `sasp` builds ODE models of how senescent tumor cells call in natural killer
//! (NK) cells and get eliminated, from typed compartments (tumor cells by
//! state, NK cells, chemokines, cytokines, antibodies), parameters with units
//! and provenance, and rate laws that know their own derivatives.
//!
//! ```
//! use sasp::prelude::*;
//!
//! let model = sasp::models::iannello2013()?;            // models/iannello2013.toml
//! let days: Vec<f64> = (0..=21).map(f64::from).collect();
//! let run = simulate(&model, &[Switch::p53_restored_at(0.0)], 21.0, &days, Method::Auto, &Options::default())?;
//! let volume = |k: usize| model.value_of("T", run.state(k)).unwrap();
//! assert!(volume(21) < volume(0));                       // the tumor regresses
//! # Ok::<(), sasp::SaspError>(())
//! ```
//!
//! Layers (data flows one way): [`model`] → [`solve`] → [`experiment`], with
//! [`intervene`] describing timed changes and [`output`] writing files.
//!
//! ## Cargo features
//!
//! - `plot` (on by default): [`plot`], figures as PNG and SVG (plotters).
//! - `cli` (on by default, implies `plot`): the `sasp` command line (clap,
//!   indicatif). With `default-features = false` the crate is the engine
//!   alone — models, solvers, experiments, sweeps, calibration, CSV/JSON and
//!   SBML output:
//!
//!   ```toml
//!   sasp = { version = "0.1", default-features = false }
//!   ```
//! - `ode_solvers` (off by default): `solve::OdeSolversSystem`, which makes any
//!   [`solve::OdeSystem`] — a model's, from [`Model::system`](model::Model::system) —
//!   an `ode_solvers::System`, for programs that integrate with the
//!   [`ode_solvers`](https://crates.io/crates/ode_solvers) crate
//!   (`docs/library.md`, "Drive a model with the `ode_solvers` crate").
//!
//! The benchmarks against other solvers are not part of this crate: they are
//! the workspace member `sasp-bench` (`benches/`), so that their comparison
//! solvers are built only for `cargo bench -p sasp-bench`.
#![deny(missing_docs)]
// Numerical kernels index several arrays with one loop variable; iterator
// chains there would obscure the formulas.
#![allow(clippy::needless_range_loop)]

pub mod calibrate;
pub mod error;
pub mod experiment;
pub mod expr;
pub mod flux_balance;
pub mod gsa;
pub mod intervene;
pub mod model;
pub mod models;
pub mod optimize;
pub mod output;
pub mod petab;
#[cfg(feature = "plot")]
pub mod plot;
pub mod sbml;
pub mod solve;
pub mod space;
pub mod ssa;
pub mod sweep;
pub mod testset;
pub mod util;

pub use error::{FileError, ModelError, Result, SaspError, SolveError, SolveErrorKind};
/// The `ndarray` version that [`space`] fields use.
pub use ndarray;

/// The names most programs need: models and their parts, simulation,
/// experiments with arms and dose schedules, solver choices.
///
/// [`Result`] takes an optional error type (`Result<T>` is
/// `Result<T, SaspError>`), so a glob import leaves `Result<T, E>` meaning
/// what it means in `std`.
pub mod prelude {
    pub use crate::error::{Result, SaspError};
    pub use crate::experiment::{simulate, ArmResult, Experiment};
    pub use crate::intervene::{Antibody, Arm, DoseSchedule, P53Restoration, Switch};
    pub use crate::model::{
        Chemokine, Compartment, Factor, Model, ModelBuilder, NkState, ParameterDecl, ProcessDecl, Provenance, Quantity,
        RateLaw, TumorState,
    };
    pub use crate::solve::{Method, OdeSystem, Options, Solution, Tolerance};
}

/// The README's code compiles and runs as a doctest.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;

/// The manual's code compiles and runs as doctests.
#[doc = include_str!("../docs/library.md")]
#[doc = include_str!("../docs/solvers.md")]
#[doc = include_str!("../docs/sweeps.md")]
#[doc = include_str!("../docs/spatial.md")]
#[doc = include_str!("../docs/sbml.md")]
#[doc = include_str!("../docs/petab.md")]
#[doc = include_str!("../docs/gsa.md")]
#[doc = include_str!("../docs/ssa.md")]
#[doc = include_str!("../docs/flux_balance.md")]
#[cfg(doctest)]
pub struct ManualDoctests;
