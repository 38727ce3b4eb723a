//! What the review layer (configuration, waivers, history) records on findings:
//! a waiver that suppresses a finding, and whether a finding is new since the
//! previous report.

use serde::Serialize;

use super::finding::Location;

/// A waiver from the configuration file that suppresses a finding: the finding is
/// still listed, but does not count for the exit status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Suppression {
    /// Why the finding is accepted, as written in the waiver.
    pub reason: String,
    /// The last day the waiver applies, `YYYY-MM-DD`.
    pub expires: String,
    /// Where the waiver is written: `iamscope.toml:12:1`.
    pub source: String,
}

/// How a finding compares with the previous report given by `--previous`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Change {
    /// The previous report has no finding with this fingerprint.
    New,
    /// The previous report has a finding with this fingerprint.
    Unchanged,
}

impl Change {
    /// The lowercase name used in JSON and tables.
    pub fn as_str(self) -> &'static str {
        match self {
            Change::New => "new",
            Change::Unchanged => "unchanged",
        }
    }
}

/// A finding of the previous report that the current run no longer produces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    /// The rule id, as the previous report wrote it.
    pub rule: String,
    /// The severity, as the previous report wrote it.
    pub severity: String,
    /// The message.
    pub message: String,
    /// Where it was.
    pub location: Location,
    /// Its fingerprint.
    pub fingerprint: String,
}

/// The status shown in the table and Markdown `Status` column: `new`, `unchanged`,
/// `waived`, or both (`new, waived`); `None` when nothing is known.
pub fn status_label(finding: &super::finding::Finding) -> Option<String> {
    let parts: Vec<&str> = finding
        .change
        .map(Change::as_str)
        .into_iter()
        .chain(finding.suppression.as_ref().map(|_| "waived"))
        .collect();
    (!parts.is_empty()).then(|| parts.join(", "))
}

/// Whether any finding of `findings` has a status to show.
pub fn has_status(findings: &[super::finding::Finding]) -> bool {
    findings.iter().any(|f| status_label(f).is_some())
}
