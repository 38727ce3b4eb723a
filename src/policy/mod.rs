//! The IAM policy model with source positions, and its strict parser.

pub mod model;
pub mod span;

pub use model::*;
