//! Exact comparison of two policy sets.

pub mod automaton;
pub mod compare;
pub mod space;

#[cfg(test)]
mod tests;
