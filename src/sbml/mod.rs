//! SBML: export of sasp models ([`export`], [`export_experiment`]), import of
//! SBML models, and the SBML Test Suite runner ([`suite`], [`simulate_case`]).

mod case;
mod export;
pub mod suite;
pub use case::simulate_case;
pub use export::{export, export_experiment};
