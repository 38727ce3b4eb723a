//! Exact comparison of two policy sets.

pub mod automaton;
pub mod space;
