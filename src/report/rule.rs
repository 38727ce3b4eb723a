//! Rule metadata: declared once per rule, with its documentation as the doc comment.

use super::finding::Severity;

/// What every rule declares about itself. Docs pages, `iamscope rule <id>` and
/// SARIF `rules[]` are all generated from these values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleMeta {
    /// Kebab-case id naming the risky pattern.
    pub id: &'static str,
    /// Default severity.
    pub severity: Severity,
    /// One-line summary.
    pub summary: &'static str,
    /// Full Markdown documentation with the headings *What it does*, *Why it matters*,
    /// *Example*, *Remediation*, *References*.
    pub docs: &'static str,
}

/// Declares a rule: a unit struct whose doc comment becomes its documentation.
///
/// ```text
/// declare_rule! {
///     /// ## What it does
///     /// ...
///     pub struct ServiceWildcard {
///         id: "service-wildcard",
///         severity: Medium,
///         summary: "an action element grants every action of a service",
///     }
/// }
/// ```
#[macro_export]
macro_rules! declare_rule {
    (
        $(#[doc = $doc:expr])*
        pub struct $name:ident {
            id: $id:literal,
            severity: $sev:ident,
            summary: $summary:literal $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        #[derive(Debug, Clone, Copy, Default)]
        pub struct $name;

        impl $name {
            /// This rule's metadata.
            pub const META: $crate::report::RuleMeta = $crate::report::RuleMeta {
                id: $id,
                severity: $crate::report::Severity::$sev,
                summary: $summary,
                docs: concat!($($doc, "\n"),*),
            };
        }
    };
}
