//! Scan-to-scan history: compares a run's findings with a JSON report of an earlier
//! run (`--previous`), by fingerprint.

use std::collections::HashSet;

use serde_json::Value;

use crate::report::json::SCHEMA_VERSION;
use crate::report::{fingerprints, Change, Finding, Location, Resolved};

/// Why a previous report could not be used.
#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    /// The file could not be read.
    #[error("cannot read previous report `{path}`: {}", crate::exit::plain_io(.source))]
    Read {
        /// The path as given.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// The file is not JSON.
    #[error("previous report `{path}` is not valid JSON: {message}")]
    Json {
        /// The path as given.
        path: String,
        /// The parser's message, with its position.
        message: String,
    },
    /// The report was written with another JSON schema version.
    #[error("previous report `{path}` has schema version `{found}`, this iamscope reads version `{SCHEMA_VERSION}`")]
    Version {
        /// The path as given.
        path: String,
        /// The version it declares (`none` when it declares none).
        found: String,
    },
    /// The JSON is not an iamscope report.
    #[error("previous report `{path}` is not an iamscope JSON report: {message}")]
    Shape {
        /// The path as given.
        path: String,
        /// What is missing.
        message: String,
    },
}

/// A finding of the previous report, as far as the comparison needs it.
pub type PreviousFinding = Resolved;

/// Reads a previous JSON report from `path`.
pub fn load(path: &str) -> Result<Vec<PreviousFinding>, HistoryError> {
    let text = std::fs::read_to_string(path).map_err(|source| HistoryError::Read {
        path: path.to_owned(),
        source,
    })?;
    parse(path, &text)
}

/// Parses a previous JSON report; `path` names it in errors.
pub fn parse(path: &str, text: &str) -> Result<Vec<PreviousFinding>, HistoryError> {
    let shape = |message: &str| HistoryError::Shape {
        path: path.to_owned(),
        message: message.to_owned(),
    };
    let root: Value = serde_json::from_str(text).map_err(|err| HistoryError::Json {
        path: path.to_owned(),
        message: err.to_string(),
    })?;
    let Value::Object(root) = root else {
        return Err(shape("the top level is not an object"));
    };
    match root.get("version") {
        Some(Value::String(version)) if version == SCHEMA_VERSION => {}
        Some(Value::String(version)) => {
            return Err(HistoryError::Version {
                path: path.to_owned(),
                found: version.clone(),
            })
        }
        Some(_) => return Err(shape("`version` is not a string")),
        None => {
            return Err(HistoryError::Version {
                path: path.to_owned(),
                found: "none".to_owned(),
            })
        }
    }
    let Some(Value::Array(findings)) = root.get("findings") else {
        return Err(shape("`findings` is missing or not an array"));
    };
    findings
        .iter()
        .map(|finding| {
            let text = |key: &str| finding.get(key).and_then(Value::as_str).map(str::to_owned);
            let location = finding.get("location");
            let field = |key: &str| location.and_then(|l| l.get(key));
            let number = |key: &str| {
                field(key)
                    .and_then(Value::as_u64)
                    .and_then(|n| u32::try_from(n).ok())
            };
            Ok(Resolved {
                fingerprint: text("fingerprint")
                    .ok_or_else(|| shape("a finding has no `fingerprint`"))?,
                rule: text("rule").ok_or_else(|| shape("a finding has no `rule`"))?,
                severity: text("severity").unwrap_or_default(),
                message: text("message").unwrap_or_default(),
                location: Location {
                    file: field("file").and_then(Value::as_str).map(str::to_owned),
                    line: number("line"),
                    column: number("column"),
                    pointer: field("pointer")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_owned(),
                },
            })
        })
        .collect()
}

/// Marks each finding new or unchanged against `previous`, and returns the previous
/// findings that are gone, in the previous report's order.
pub fn compare(findings: &mut [Finding], previous: Vec<PreviousFinding>) -> Vec<Resolved> {
    let before: HashSet<&str> = previous.iter().map(|p| p.fingerprint.as_str()).collect();
    let prints = fingerprints(findings);
    for (finding, print) in findings.iter_mut().zip(&prints) {
        finding.change = Some(if before.contains(print.as_str()) {
            Change::Unchanged
        } else {
            Change::New
        });
    }
    let now: HashSet<&str> = prints.iter().map(String::as_str).collect();
    previous
        .into_iter()
        .filter(|p| !now.contains(p.fingerprint.as_str()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{json, Report, Severity};

    fn finding(subject: &str) -> Finding {
        Finding::new("service-wildcard", Severity::Medium, format!("`{subject}`"))
            .at(Location {
                file: Some("p.json".into()),
                line: Some(3),
                column: Some(1),
                pointer: "/Statement/0/Action/0".into(),
            })
            .subject(subject)
    }

    #[test]
    fn marks_new_unchanged_and_resolved() {
        let mut old = Report::new("lint");
        old.extend_findings([finding("sqs:*"), finding("sns:*")]);
        let previous = parse("old.json", &json::render(&old)).unwrap();
        let mut now = vec![finding("sqs:*"), finding("kms:*")];
        let resolved = compare(&mut now, previous);
        assert_eq!(now[0].change, Some(Change::Unchanged));
        assert_eq!(now[1].change, Some(Change::New));
        assert_eq!(resolved.len(), 1);
        assert_eq!(resolved[0].message, "`sns:*`");
    }

    #[test]
    fn rejects_another_schema_version() {
        let error = parse("old.json", r#"{"version": "2", "findings": []}"#).unwrap_err();
        assert_eq!(
            error.to_string(),
            "previous report `old.json` has schema version `2`, this iamscope reads version `1`"
        );
        assert!(matches!(
            parse("old.json", r#"{"findings": []}"#),
            Err(HistoryError::Version { .. })
        ));
    }

    #[test]
    fn rejects_what_is_not_a_report() {
        assert!(matches!(parse("x", "[1]"), Err(HistoryError::Shape { .. })));
        assert!(matches!(
            parse("x", r#"{"version": "1", "findings": [{"rule": "r"}]}"#),
            Err(HistoryError::Shape { .. })
        ));
        assert!(matches!(parse("x", "{"), Err(HistoryError::Json { .. })));
    }
}
