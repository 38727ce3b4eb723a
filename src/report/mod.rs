//! Findings, rule metadata, and the renderers that turn findings into output.

mod finding;
mod rule;

pub use finding::{Finding, Location, Severity};
pub use rule::RuleMeta;
