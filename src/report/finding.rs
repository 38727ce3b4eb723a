//! Findings: what every check (lint, diff, audit) produces and every renderer consumes.

use serde::Serialize;

use super::review::{Change, Suppression};
use std::fmt;
use std::str::FromStr;

/// How serious a finding is. Ordered from least to most severe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Informational only.
    Info,
    /// Low risk or hygiene.
    Low,
    /// Worth fixing.
    Medium,
    /// A real risk.
    High,
    /// Fix before approving.
    Critical,
}

impl Severity {
    /// Every severity, least severe first.
    pub const ALL: [Severity; 5] = [
        Severity::Info,
        Severity::Low,
        Severity::Medium,
        Severity::High,
        Severity::Critical,
    ];

    /// The lowercase name used in flags and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Severity {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Severity::ALL
            .into_iter()
            .find(|sev| sev.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| {
                format!("unknown severity `{s}` (expected info, low, medium, high or critical)")
            })
    }
}

/// Where a finding points: a file (when there is one), a line and column (when the
/// source text is known) and always a JSON pointer into the document.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Location {
    /// The file name as the user gave it, `-` for stdin, or a logical name such as
    /// `role/chalk-scoped:inline/chalk` for policies that have no file.
    pub file: Option<String>,
    /// 1-based line, when known.
    pub line: Option<u32>,
    /// 1-based column, when known.
    pub column: Option<u32>,
    /// JSON pointer to the element, such as `/Statement/2/Resource/0`.
    pub pointer: String,
}

/// One problem found by a check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The rule id, kebab-case (`wildcard-resource-write`).
    pub rule: &'static str,
    /// The severity.
    pub severity: Severity,
    /// One sentence saying what is wrong, naming the values involved.
    pub message: String,
    /// Where it is.
    pub location: Location,
    /// The statement's Sid, or `#index` when it has none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub statement: Option<String>,
    /// The offending action, resource, key or principal.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// Further facts as ordered key/value pairs (affected actions, a witness request,
    /// a suggestion), rendered by every output format.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub details: Vec<(String, String)>,
    /// The waiver that suppresses this finding, set by the review layer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suppression: Option<Suppression>,
    /// New or unchanged since the previous report, set when `--previous` is given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub change: Option<Change>,
}

impl Finding {
    /// Starts a finding for `rule` at `severity` with `message`.
    pub fn new(rule: &'static str, severity: Severity, message: impl Into<String>) -> Self {
        Finding {
            rule,
            severity,
            message: message.into(),
            location: Location::default(),
            statement: None,
            subject: None,
            details: Vec::new(),
            suppression: None,
            change: None,
        }
    }

    /// Sets the location.
    pub fn at(mut self, location: Location) -> Self {
        self.location = location;
        self
    }

    /// Sets the statement label.
    pub fn in_statement(mut self, label: impl Into<String>) -> Self {
        self.statement = Some(label.into());
        self
    }

    /// Sets the offending value.
    pub fn subject(mut self, subject: impl Into<String>) -> Self {
        self.subject = Some(subject.into());
        self
    }

    /// Adds a detail line.
    pub fn detail(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.details.push((key.into(), value.into()));
        self
    }

    /// Whether this finding counts for the exit status: it is not waived.
    pub fn is_active(&self) -> bool {
        self.suppression.is_none()
    }

    /// The ordering used by every report: most severe first (what a reviewer reads
    /// first), then file, line, column, rule, message. Deterministic output depends on it.
    pub fn sort_key(&self) -> (std::cmp::Reverse<Severity>, &Location, &str, &str) {
        (
            std::cmp::Reverse(self.severity),
            &self.location,
            self.rule,
            &self.message,
        )
    }
}
