//! JSON output, schema version `1` (documented in `docs/json-output.md`).
//!
//! The document is built field by field rather than derived from the Rust types, so
//! that refactoring [`Finding`] cannot silently change the published schema.

use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{json, Value};

use super::finding::{Finding, Location, Severity};
use super::fingerprint::fingerprints;
use super::report::Report;
use super::review::Resolved;

/// The schema version written as `"version"`. Bump it on any incompatible change.
pub const SCHEMA_VERSION: &str = "1";

/// Top-level keys that `Report::extra` may not replace.
const FIXED_KEYS: [&str; 8] = [
    "version", "tool", "catalog", "command", "findings", "resolved", "summary", "notes",
];

/// The report as a JSON value.
pub fn to_value(report: &Report) -> Value {
    // Serializing into a `Value` cannot fail: every key is a string.
    serde_json::to_value(ReportJson(report)).unwrap_or_default()
}

/// The report as pretty-printed JSON text, ending in a newline. Written straight from the
/// report, without building a `Value` tree first (a large audit has tens of thousands of
/// findings).
pub fn render(report: &Report) -> String {
    let mut text = serde_json::to_string_pretty(&ReportJson(report)).unwrap_or_default();
    text.push('\n');
    text
}

/// The schema, written field by field: serializing [`Report`] itself would let a refactoring
/// of the Rust types silently change the published format.
struct ReportJson<'a>(&'a Report);

impl Serialize for ReportJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let report = self.0;
        let mut root = serializer.serialize_map(None)?;
        root.serialize_entry("version", SCHEMA_VERSION)?;
        root.serialize_entry(
            "tool",
            &json!({ "name": "iamscope", "version": report.tool_version }),
        )?;
        root.serialize_entry(
            "catalog",
            &report
                .catalog
                .as_ref()
                .map(|c| json!({ "source": c.source, "version": c.version, "date": c.date })),
        )?;
        root.serialize_entry("command", &report.command)?;
        for (key, value) in &report.extra {
            // Extra fields never replace the fixed ones.
            if !FIXED_KEYS.contains(&key.as_str()) {
                root.serialize_entry(key, value)?;
            }
        }
        let prints = fingerprints(report.findings());
        root.serialize_entry(
            "findings",
            &Seq(report
                .findings()
                .iter()
                .zip(&prints)
                .map(|(f, p)| FindingJson(f, p))),
        )?;
        if let Some(resolved) = &report.resolved {
            root.serialize_entry("resolved", &Seq(resolved.iter().map(ResolvedJson)))?;
        }
        root.serialize_entry("summary", &summary_value(report))?;
        root.serialize_entry("notes", &report.notes)?;
        root.end()
    }
}

/// A sequence written from an iterator (cloned, since `serialize` takes `&self`).
struct Seq<I>(I);

impl<I> Serialize for Seq<I>
where
    I: Iterator + Clone,
    I::Item: Serialize,
{
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.clone())
    }
}

struct FindingJson<'a>(&'a Finding, &'a String);

impl Serialize for FindingJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let (finding, fingerprint) = (self.0, self.1);
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("rule", finding.rule)?;
        map.serialize_entry("severity", finding.severity.as_str())?;
        map.serialize_entry("message", &finding.message)?;
        map.serialize_entry("location", &LocationJson(&finding.location))?;
        map.serialize_entry("statement", &finding.statement)?;
        map.serialize_entry("subject", &finding.subject)?;
        map.serialize_entry("details", &DetailsJson(&finding.details))?;
        map.serialize_entry("fingerprint", fingerprint)?;
        if let Some(change) = finding.change {
            map.serialize_entry("status", change.as_str())?;
        }
        if let Some(waiver) = &finding.suppression {
            map.serialize_entry(
                "suppressed",
                &json!({ "reason": waiver.reason, "expires": waiver.expires, "source": waiver.source }),
            )?;
        }
        map.end()
    }
}

struct LocationJson<'a>(&'a Location);

impl Serialize for LocationJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let location = self.0;
        let mut map = serializer.serialize_map(Some(4))?;
        map.serialize_entry("file", &location.file)?;
        map.serialize_entry("line", &location.line)?;
        map.serialize_entry("column", &location.column)?;
        map.serialize_entry("pointer", &location.pointer)?;
        map.end()
    }
}

/// Details as an object; a repeated key keeps every value, one per line, in order.
struct DetailsJson<'a>(&'a [(String, String)]);

impl Serialize for DetailsJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut joined: Vec<(&str, String)> = Vec::with_capacity(self.0.len());
        for (key, value) in self.0 {
            match joined.iter_mut().find(|(k, _)| k == key) {
                Some((_, existing)) => {
                    existing.push('\n');
                    existing.push_str(value);
                }
                None => joined.push((key, value.clone())),
            }
        }
        serializer.collect_map(joined)
    }
}

struct ResolvedJson<'a>(&'a Resolved);

impl Serialize for ResolvedJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let resolved = self.0;
        let mut map = serializer.serialize_map(Some(5))?;
        map.serialize_entry("rule", &resolved.rule)?;
        map.serialize_entry("severity", &resolved.severity)?;
        map.serialize_entry("message", &resolved.message)?;
        map.serialize_entry("location", &LocationJson(&resolved.location))?;
        map.serialize_entry("fingerprint", &resolved.fingerprint)?;
        map.end()
    }
}

fn summary_value(report: &Report) -> Value {
    let summary = report.summary();
    let by_severity: serde_json::Map<String, Value> = Severity::ALL
        .iter()
        .rev()
        .map(|s| {
            let count = summary.by_severity.get(s).copied().unwrap_or(0);
            (s.as_str().to_owned(), count.into())
        })
        .collect();
    let by_rule: serde_json::Map<String, Value> = summary
        .by_rule
        .iter()
        .map(|(rule, count)| ((*rule).to_owned(), (*count).into()))
        .collect();
    json!({
        "total": summary.total,
        "by_severity": by_severity,
        "by_rule": by_rule,
        "suppressed": summary.suppressed,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{CatalogStamp, Location};

    fn sample() -> Report {
        let mut report = Report::new("diff");
        report.catalog = Some(CatalogStamp {
            source: "src".into(),
            version: "1.0".into(),
            date: "2026-01-01".into(),
        });
        report.extra.insert("verdict".into(), "broader".into());
        report.extra.insert("findings".into(), "ignored".into());
        report.extend_findings([Finding::new("some-rule", Severity::High, "bad `x`")
            .at(Location {
                file: Some("p.json".into()),
                line: Some(3),
                column: Some(5),
                pointer: "/Statement/0".into(),
            })
            .detail("action", "s3:GetObject")
            .detail("action", "s3:PutObject")]);
        report
    }

    #[test]
    fn writes_versioned_top_level_fields_in_order() {
        let value = to_value(&sample());
        let keys: Vec<_> = value.as_object().unwrap().keys().cloned().collect();
        assert_eq!(
            keys,
            ["version", "tool", "catalog", "command", "verdict", "findings", "summary", "notes"]
        );
        assert_eq!(value["version"], "1");
        assert_eq!(value["catalog"]["date"], "2026-01-01");
        assert_eq!(value["verdict"], "broader");
    }

    #[test]
    fn joins_repeated_detail_keys() {
        let value = to_value(&sample());
        assert_eq!(
            value["findings"][0]["details"]["action"],
            "s3:GetObject\ns3:PutObject"
        );
        assert_eq!(value["findings"][0]["statement"], Value::Null);
        assert_eq!(value["findings"][0]["location"]["line"], 3);
    }

    #[test]
    fn counts_every_severity_even_when_zero() {
        let value = to_value(&sample());
        assert_eq!(value["summary"]["total"], 1);
        assert_eq!(value["summary"]["by_severity"]["high"], 1);
        assert_eq!(value["summary"]["by_severity"]["info"], 0);
        assert_eq!(value["summary"]["by_rule"]["some-rule"], 1);
    }

    #[test]
    fn every_field_is_documented() {
        let docs = include_str!("../../docs/json-output.md");
        let mut report = sample();
        report.findings_mut()[0].change = Some(crate::report::Change::New);
        report.findings_mut()[0].suppression = Some(crate::report::Suppression {
            reason: "r".into(),
            expires: "2030-01-01".into(),
            source: "iamscope.toml:1:1".into(),
        });
        report.resolved = Some(Vec::new());
        let value = to_value(&report);
        assert_eq!(value["findings"][0]["status"], "new");
        assert_eq!(value["findings"][0]["suppressed"]["reason"], "r");
        assert_eq!(value["summary"]["suppressed"], 1);
        let finding = &value["findings"][0];
        let top = value
            .as_object()
            .unwrap()
            .keys()
            .filter(|k| *k != "verdict");
        let nested = finding.as_object().unwrap().keys();
        for key in top.chain(nested) {
            assert!(
                docs.contains(&format!("| `{key}")),
                "`{key}` is not documented"
            );
        }
        for key in value["summary"].as_object().unwrap().keys() {
            assert!(
                docs.contains(&format!("| `summary.{key}`")),
                "`summary.{key}`"
            );
        }
        for key in finding["location"].as_object().unwrap().keys() {
            assert!(
                docs.contains(&format!("| `location.{key}`")),
                "`location.{key}`"
            );
        }
    }
}
