//! SBML: export of sasp models ([`export`], [`export_experiment`]), import of
//! SBML models, and the SBML Test Suite runner.

mod export;
pub mod read;
pub use export::{export, export_experiment};
