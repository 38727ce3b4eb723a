//! Findings, rule metadata, and the renderers that turn findings into output.
//!
//! Checks build [`Finding`] values; the renderers (table, JSON, SARIF, Markdown) all
//! take the same [`Report`] and never reach back into the checks.

pub mod docs;
mod finding;
mod fingerprint;
pub mod json;
pub mod markdown;
#[expect(
    clippy::module_inception,
    reason = "the module is named after the type it holds"
)]
mod report;
mod review;
mod rule;
pub mod rule_list;
pub mod sarif;
mod snippet;
pub mod table;

pub use finding::{Finding, Location, Severity};
pub use fingerprint::{fingerprint, fingerprints};
pub use report::{CatalogStamp, Report, Summary};
pub use review::{Change, Resolved, Suppression};
pub use rule::RuleMeta;

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A table with snippets, for people at a terminal.
    Table,
    /// Versioned JSON (`docs/json-output.md`).
    Json,
    /// SARIF 2.1.0.
    Sarif,
    /// Markdown fit for a pull-request comment.
    Markdown,
}

/// Renders `report` in `format`. `rules` describes the rules for SARIF; `color`
/// applies to the table only.
pub fn render(report: &Report, format: Format, rules: &[RuleMeta], color: bool) -> String {
    match format {
        Format::Table => table::render(report, color),
        Format::Json => json::render(report),
        Format::Sarif => sarif::render(report, rules),
        Format::Markdown => markdown::render(report),
    }
}
