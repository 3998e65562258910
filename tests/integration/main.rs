//! The integration tests, one module per subject, in one test binary: one
//! link of the library instead of one per file, and every test of every
//! subject shares the cores. Run one subject with a filter on its module,
//! `cargo test --release --test integration -- sbml_read::`.

mod calibration;
mod chemotaxis;
#[cfg(feature = "cli")]
mod cli;
/// Helpers shared by the subjects.
mod common;
mod compiled;
mod delays;
mod errors;
mod expr;
mod expression_laws;
mod flux_balance;
mod fuzz;
mod golden;
mod growth;
mod gsa;
mod imex;
#[cfg(feature = "plot")]
mod interventions;
mod laws;
mod layers;
mod linear_solvers;
mod mathml_write;
mod model_file;
#[cfg(feature = "plot")]
mod observables;
mod open_kinds;
mod own_model;
/// `examples/own_model.rs`, which several subjects run.
#[allow(dead_code)]
#[path = "../../examples/own_model.rs"]
mod own_model_example;
mod petab;
mod radial;
mod reference_model;
mod sbml;
mod sbml_comp;
mod sbml_import;
mod sbml_read;
mod sbml_roundtrip;
mod sbml_suite;
mod sensitivity;
mod solver_failures;
mod solvers;
mod space;
mod ssa;
#[cfg(feature = "cli")]
mod ssa_cli;
mod ssa_hybrid;
mod ssa_tau;
mod sweep;
mod switches;
mod uncertainty;
mod validation;
