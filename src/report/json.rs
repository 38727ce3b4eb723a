//! JSON output, schema version `1` (documented in `docs/json-output.md`).
//!
//! The document is built field by field rather than derived from the Rust types, so
//! that refactoring [`Finding`] cannot silently change the published schema.

use serde_json::{json, Map, Value};

use super::finding::{Finding, Severity};
use super::fingerprint::fingerprints;
use super::report::Report;
use super::review::Resolved;

/// The schema version written as `"version"`. Bump it on any incompatible change.
pub const SCHEMA_VERSION: &str = "1";

/// The report as a JSON value.
pub fn to_value(report: &Report) -> Value {
    let mut root = Map::new();
    root.insert("version".into(), SCHEMA_VERSION.into());
    root.insert(
        "tool".into(),
        json!({ "name": "iamscope", "version": report.tool_version }),
    );
    root.insert(
        "catalog".into(),
        report.catalog.as_ref().map_or(
            Value::Null,
            |c| json!({ "source": c.source, "version": c.version, "date": c.date }),
        ),
    );
    root.insert("command".into(), report.command.clone().into());
    for (key, value) in &report.extra {
        // Extra fields never replace the fixed ones.
        if !root.contains_key(key)
            && !matches!(key.as_str(), "findings" | "resolved" | "summary" | "notes")
        {
            root.insert(key.clone(), value.clone());
        }
    }
    let prints = fingerprints(report.findings());
    root.insert(
        "findings".into(),
        report
            .findings()
            .iter()
            .zip(prints)
            .map(|(finding, print)| finding_value(finding, print))
            .collect(),
    );
    if let Some(resolved) = &report.resolved {
        root.insert(
            "resolved".into(),
            resolved.iter().map(resolved_value).collect(),
        );
    }
    root.insert("summary".into(), summary_value(report));
    root.insert("notes".into(), report.notes.clone().into());
    Value::Object(root)
}

/// The report as pretty-printed JSON text, ending in a newline.
pub fn render(report: &Report) -> String {
    // Serializing a `Value` cannot fail: every key is a string.
    let mut text = serde_json::to_string_pretty(&to_value(report)).unwrap_or_default();
    text.push('\n');
    text
}

fn finding_value(finding: &Finding, fingerprint: String) -> Value {
    let mut details = Map::new();
    for (key, value) in &finding.details {
        match details.get_mut(key) {
            // A repeated key keeps every value, one per line, in order.
            Some(Value::String(existing)) => {
                existing.push('\n');
                existing.push_str(value);
            }
            _ => {
                details.insert(key.clone(), value.clone().into());
            }
        }
    }
    let location = &finding.location;
    let mut value = json!({
        "rule": finding.rule,
        "severity": finding.severity.as_str(),
        "message": finding.message,
        "location": {
            "file": location.file,
            "line": location.line,
            "column": location.column,
            "pointer": location.pointer,
        },
        "statement": finding.statement,
        "subject": finding.subject,
        "details": details,
        "fingerprint": fingerprint,
    });
    if let Value::Object(map) = &mut value {
        if let Some(change) = finding.change {
            map.insert("status".into(), change.as_str().into());
        }
        if let Some(waiver) = &finding.suppression {
            map.insert(
                "suppressed".into(),
                json!({ "reason": waiver.reason, "expires": waiver.expires, "source": waiver.source }),
            );
        }
    }
    value
}

fn resolved_value(resolved: &Resolved) -> Value {
    let location = &resolved.location;
    json!({
        "rule": resolved.rule,
        "severity": resolved.severity,
        "message": resolved.message,
        "location": {
            "file": location.file,
            "line": location.line,
            "column": location.column,
            "pointer": location.pointer,
        },
        "fingerprint": resolved.fingerprint,
    })
}

fn summary_value(report: &Report) -> Value {
    let summary = report.summary();
    let by_severity: Map<String, Value> = Severity::ALL
        .iter()
        .rev()
        .map(|s| {
            let count = summary.by_severity.get(s).copied().unwrap_or(0);
            (s.as_str().to_owned(), count.into())
        })
        .collect();
    let by_rule: Map<String, Value> = summary
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
