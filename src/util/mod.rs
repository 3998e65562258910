//! Small utilities every layer may use (the bottom layer, beside
//! [`crate::error`]): safe file writing, CSV text, hashing, a reproducible
//! random number generator. They know nothing of models or solvers.

pub mod files;
pub mod hash;
pub mod rng;
pub mod text;
