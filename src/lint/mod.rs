//! Lint rules over a single policy document.

pub mod context;
pub mod rules;
