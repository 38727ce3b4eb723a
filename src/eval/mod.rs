//! Request evaluation following AWS's documented policy evaluation logic.
//!
//! [`CompiledPolicySet`] compiles identity policies and permissions boundaries
//! once; [`CompiledPolicySet::evaluate`] decides a [`Request`] without allocating
//! (unless a policy variable must be substituted), and
//! [`CompiledPolicySet::explain`] reports every statement's outcome. The
//! primitive matchers ([`pattern::matches`], [`condition::evaluate`]) are public
//! for reuse by the policy diff.

pub mod build;
pub mod compiled;
pub mod condition;
pub mod date;
pub mod decimal;
pub mod evaluate;
pub mod pattern;
pub mod request;
pub mod variables;

pub use compiled::CompiledPolicySet;
pub use evaluate::{Explanation, Outcome, PolicySource, StatementOutcome};
pub use request::{Context, Decision, Request};
pub use variables::VarResolver;
