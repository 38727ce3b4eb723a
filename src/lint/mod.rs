//! Lint checks over policy documents: one file per rule.

pub mod invalid_policy;

pub use invalid_policy::InvalidPolicy;

use crate::report::Finding;

/// A policy document as read from a file or stdin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// The name the user gave (`-` for stdin).
    pub name: String,
    /// The document text.
    pub text: String,
}

impl SourceFile {
    /// A source named `name` holding `text`.
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        SourceFile {
            name: name.into(),
            text: text.into(),
        }
    }
}

/// Lints every source and returns the findings, in no particular order.
///
/// This version checks JSON syntax only (`invalid-policy` with serde_json's
/// position); the strict policy parser and the other rules plug in here.
pub fn lint_sources(sources: &[SourceFile]) -> Vec<Finding> {
    sources.iter().filter_map(json_syntax_finding).collect()
}

/// The `invalid-policy` finding saying where `source` stops being JSON, if it does.
fn json_syntax_finding(source: &SourceFile) -> Option<Finding> {
    serde_json::from_str::<serde_json::Value>(&source.text)
        .err()
        .map(|error| InvalidPolicy::from_json_error(&source.name, &error))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_only_the_invalid_sources() {
        let findings = lint_sources(&[
            SourceFile::new("good.json", r#"{"Version":"2012-10-17","Statement":[]}"#),
            SourceFile::new("bad.json", "{"),
        ]);
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].location.file.as_deref(), Some("bad.json"));
    }
}
