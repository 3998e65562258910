//! SBML: export of sasp models ([`export`], [`export_experiment`]), reading
//! SBML documents ([`read`]) and importing them as models ([`import`],
//! [`Model::from_sbml`](crate::model::Model::from_sbml)), and the SBML Test
//! Suite runner ([`suite`], [`simulate_case`]) with its stochastic cases
//! ([`stochastic`]), and flux balance problems of documents with the fbc
//! package ([`fbc`], [`flux_balance`]).

mod algebraic;
mod case;
mod comp;
mod export;
mod fast;
pub mod fbc;
pub mod import;
pub mod read;
mod sensitivity;
pub mod stochastic;
pub mod suite;
pub use case::simulate_case;
pub use export::{export, export_experiment};
pub use fbc::flux_balance;
pub use import::Import;
