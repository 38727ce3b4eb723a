//! SARIF 2.1.0 output, for code-scanning services.

use serde_json::{json, Map, Value};

use super::docs::{rule_markdown, what_it_does};
use super::finding::{Finding, Severity};
use super::fingerprint::fingerprints;
use super::report::Report;
use super::review::Change;
use super::rule::RuleMeta;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// The SARIF `level` for a severity.
pub fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// The `security-severity` score GitHub code scanning uses to rank alerts.
fn security_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "0.0",
    }
}

/// The report as a SARIF log. `rules` is the rule table to describe in
/// `tool.driver.rules` (normally every registered rule).
pub fn to_value(report: &Report, rules: &[RuleMeta]) -> Value {
    let mut driver = Map::new();
    driver.insert("name".into(), "iamscope".into());
    driver.insert("version".into(), report.tool_version.clone().into());
    driver.insert("semanticVersion".into(), report.tool_version.clone().into());
    if let Some(uri) = option_env!("CARGO_PKG_REPOSITORY").filter(|u| !u.is_empty()) {
        driver.insert("informationUri".into(), uri.into());
    }
    driver.insert("rules".into(), rules.iter().map(rule_value).collect());

    let prints = fingerprints(report.findings());
    let results: Vec<Value> = report
        .findings()
        .iter()
        .zip(prints)
        .map(|(finding, print)| result_value(finding, &print, rules))
        .collect();

    let mut run = Map::new();
    run.insert("tool".into(), json!({ "driver": driver }));
    if !report.notes.is_empty() {
        let notifications: Vec<Value> = report
            .notes
            .iter()
            .map(|note| json!({ "level": "note", "message": { "text": note } }))
            .collect();
        run.insert(
            "invocations".into(),
            json!([{ "executionSuccessful": true, "toolExecutionNotifications": notifications }]),
        );
    }
    run.insert("columnKind".into(), "unicodeCodePoints".into());
    run.insert("results".into(), results.into());
    let mut properties = Map::new();
    properties.insert("command".into(), report.command.clone().into());
    if let Some(catalog) = &report.catalog {
        properties.insert(
            "catalog".into(),
            json!({ "source": catalog.source, "version": catalog.version, "date": catalog.date }),
        );
    }
    for (key, value) in &report.extra {
        properties
            .entry(key.clone())
            .or_insert_with(|| value.clone());
    }
    run.insert("properties".into(), properties.into());

    json!({ "$schema": SCHEMA, "version": "2.1.0", "runs": [run] })
}

/// The SARIF log as pretty-printed text, ending in a newline.
pub fn render(report: &Report, rules: &[RuleMeta]) -> String {
    let mut text = serde_json::to_string_pretty(&to_value(report, rules)).unwrap_or_default();
    text.push('\n');
    text
}

fn rule_value(meta: &RuleMeta) -> Value {
    let full = what_it_does(meta).unwrap_or_else(|| meta.summary.to_owned());
    let markdown = rule_markdown(meta);
    json!({
        "id": meta.id,
        "name": meta.id,
        "shortDescription": { "text": meta.summary },
        "fullDescription": { "text": full },
        "help": { "text": markdown, "markdown": markdown },
        "defaultConfiguration": { "level": level(meta.severity) },
        "properties": {
            "tags": ["security"],
            "security-severity": security_severity(meta.severity),
        },
    })
}

/// The `partialFingerprints` key. `v2` since fingerprints prefer the `Sid` and the
/// subject over statement and array indices.
pub const FINGERPRINT_KEY: &str = "iamscopeFinding/v2";

fn result_value(finding: &Finding, fingerprint: &str, rules: &[RuleMeta]) -> Value {
    let mut result = Map::new();
    result.insert("ruleId".into(), finding.rule.into());
    if let Some(index) = rules.iter().position(|r| r.id == finding.rule) {
        result.insert("ruleIndex".into(), index.into());
    }
    result.insert("level".into(), level(finding.severity).into());
    result.insert("message".into(), json!({ "text": finding.message }));
    let location = location_value(finding);
    if !location.is_empty() {
        result.insert("locations".into(), json!([location]));
    }
    result.insert(
        "partialFingerprints".into(),
        json!({ FINGERPRINT_KEY: fingerprint }),
    );
    if let Some(change) = finding.change {
        let state = match change {
            Change::New => "new",
            Change::Unchanged => "unchanged",
        };
        result.insert("baselineState".into(), state.into());
    }
    if let Some(waiver) = &finding.suppression {
        result.insert(
            "suppressions".into(),
            json!([{
                "kind": "external",
                "status": "accepted",
                "justification": waiver.reason,
                "properties": { "expires": waiver.expires, "source": waiver.source },
            }]),
        );
    }
    let mut properties = Map::new();
    properties.insert("severity".into(), finding.severity.as_str().into());
    if let Some(statement) = &finding.statement {
        properties.insert("statement".into(), statement.clone().into());
    }
    if let Some(subject) = &finding.subject {
        properties.insert("subject".into(), subject.clone().into());
    }
    if !finding.details.is_empty() {
        let details: Vec<Value> = finding
            .details
            .iter()
            .map(|(key, value)| json!({ "key": key, "value": value }))
            .collect();
        properties.insert("details".into(), details.into());
    }
    result.insert("properties".into(), properties.into());
    Value::Object(result)
}

fn location_value(finding: &Finding) -> Map<String, Value> {
    let loc = &finding.location;
    let mut location = Map::new();
    if let Some(file) = &loc.file {
        let mut physical = Map::new();
        physical.insert(
            "artifactLocation".into(),
            json!({ "uri": uri_reference(file) }),
        );
        if let Some(line) = loc.line.filter(|&l| l > 0) {
            let mut region = Map::new();
            region.insert("startLine".into(), line.into());
            if let Some(column) = loc.column.filter(|&c| c > 0) {
                region.insert("startColumn".into(), column.into());
            }
            physical.insert("region".into(), region.into());
        }
        location.insert("physicalLocation".into(), physical.into());
    }
    if !loc.pointer.is_empty() {
        let qualified = match &loc.file {
            Some(file) => format!("{file}#{}", loc.pointer),
            None => loc.pointer.clone(),
        };
        location.insert(
            "logicalLocations".into(),
            json!([{ "name": loc.pointer, "fullyQualifiedName": qualified, "kind": "element" }]),
        );
    }
    location
}

/// A file name as a relative URI reference: backslashes become slashes and bytes
/// outside the unreserved set are percent-encoded.
fn uri_reference(file: &str) -> String {
    let mut uri = String::with_capacity(file.len());
    for byte in file.replace('\\', "/").bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
            uri.push(char::from(byte));
        } else {
            uri.push_str(&format!("%{byte:02X}"));
        }
    }
    uri
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Location;

    #[test]
    fn maps_severities_to_levels() {
        assert_eq!(level(Severity::Critical), "error");
        assert_eq!(level(Severity::High), "error");
        assert_eq!(level(Severity::Medium), "warning");
        assert_eq!(level(Severity::Low), "note");
        assert_eq!(level(Severity::Info), "note");
    }

    #[test]
    fn percent_encodes_file_names() {
        assert_eq!(uri_reference(r"dir\my policy.json"), "dir/my%20policy.json");
        assert_eq!(uri_reference("role/a:b"), "role/a%3Ab");
    }

    #[test]
    fn leaves_out_the_region_when_there_is_no_line() {
        let finding = Finding::new("r", Severity::Low, "m").at(Location {
            file: Some("role/x".into()),
            line: None,
            column: None,
            pointer: "/Statement/0".into(),
        });
        let location = location_value(&finding);
        assert!(location["physicalLocation"].get("region").is_none());
        assert_eq!(location["logicalLocations"][0]["name"], "/Statement/0");
    }

    #[test]
    fn indexes_known_rules_only() {
        let meta = RuleMeta {
            id: "known",
            severity: Severity::High,
            summary: "s",
            docs: "",
        };
        let known = result_value(&Finding::new("known", Severity::High, "m"), "f", &[meta]);
        let unknown = result_value(&Finding::new("other", Severity::High, "m"), "f", &[meta]);
        assert_eq!(known["ruleIndex"], 0);
        assert!(unknown.get("ruleIndex").is_none());
    }
}
