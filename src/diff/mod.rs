//! Exact comparison of two policy sets.

pub mod automaton;
pub mod compare;
pub mod ordered;
pub mod rules;
pub mod space;

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;

pub use compare::{
    compare, Comparison, Difference, PolicySet, Side, StatementRef, Unproven, Verdict,
};
pub use rules::{ComparisonUnproven, NewAccess, RemovedAccess, TrustWidened};

use crate::report::RuleMeta;

/// The rules of the comparison, in the order they are listed.
pub const RULES: &[RuleMeta] = &[
    NewAccess::META,
    RemovedAccess::META,
    ComparisonUnproven::META,
    TrustWidened::META,
];
