//! The review layer on the real binary: `iamscope.toml`, waivers, `--previous`.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::Run;

/// The day the tests run on, so that waiver expiry does not depend on the clock.
const TODAY: &str = "2026-06-01";

fn config_fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/config")
}

/// Runs `iamscope` in `fixtures/config/<dir>` so that its `iamscope.toml` is found.
fn run_in(dir: &str, args: &[&str]) -> Run {
    let output = assert_cmd::Command::new(env!("CARGO_BIN_EXE_iamscope"))
        .current_dir(config_fixtures().join(dir))
        .env("IAMSCOPE_TODAY", TODAY)
        .env_remove("NO_COLOR")
        .args(args)
        .output()
        .unwrap();
    Run {
        code: output.status.code().unwrap(),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}

fn json(run: &Run) -> Value {
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {}", run.stdout))
}

fn rules(report: &Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn severity_override_changes_the_exit_code() {
    let plain = run_in(".", &["lint", "policy.json"]);
    assert_eq!(plain.code, 0, "{}", plain.stderr);
    let raised = run_in("severity", &["lint", "--format", "json", "../policy.json"]);
    assert_eq!(raised.code, 1, "{}", raised.stderr);
    assert_eq!(json(&raised)["findings"][0]["severity"], "high");
    let ignored = run_in("severity", &["lint", "--no-config", "../policy.json"]);
    assert_eq!(ignored.code, 0, "{}", ignored.stderr);
}

#[test]
fn config_flag_names_the_file() {
    let run = run_in(
        ".",
        &["lint", "--config", "severity/iamscope.toml", "policy.json"],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
}

#[test]
fn a_rule_switched_off_reports_nothing() {
    let run = run_in("off", &["lint", "--format", "json", "../policy.json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(json(&run)["summary"]["total"], 0);
}

#[test]
fn waiver_suppresses_and_a_stale_waiver_is_reported() {
    let run = run_in(
        "waived",
        &[
            "lint",
            "--format",
            "json",
            "--fail-on",
            "medium",
            "../policy.json",
        ],
    );
    let report = json(&run);
    // sns:* is still active at medium: exit 1; sqs:* is listed but suppressed.
    assert_eq!(run.code, 1, "{}", run.stderr);
    let sqs = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["subject"] == "sqs:*")
        .unwrap();
    assert_eq!(
        sqs["suppressed"]["reason"],
        "queue fan-out needs every SQS action; tracked in SEC-12"
    );
    assert_eq!(sqs["suppressed"]["source"], "iamscope.toml:1:1");
    assert_eq!(report["summary"]["suppressed"], 1);
    let stale = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "waiver-stale")
        .unwrap();
    assert_eq!(stale["location"]["file"], "iamscope.toml");
    assert_eq!(stale["location"]["line"], 8);
    assert_eq!(stale["severity"], "low");

    let sarif = run_in("waived", &["lint", "--format", "sarif", "../policy.json"]);
    let sarif: Value = serde_json::from_str(&sarif.stdout).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let suppressed: Vec<_> = results
        .iter()
        .filter_map(|r| r.get("suppressions"))
        .collect();
    assert_eq!(suppressed.len(), 1);
    assert_eq!(suppressed[0][0]["kind"], "external");
    assert_eq!(
        suppressed[0][0]["justification"],
        "queue fan-out needs every SQS action; tracked in SEC-12"
    );
}

#[test]
fn a_waiver_that_suppresses_the_only_failing_finding_passes() {
    let run = run_in(
        ".",
        &[
            "lint",
            "--config",
            "waived/iamscope.toml",
            "--fail-on",
            "medium",
            "history/after/policy.json",
        ],
    );
    // sqs:* is waived, kms:* is waived too: nothing active at medium.
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("(2 waived)"), "{}", run.stdout);
    assert!(run.stdout.contains("│ waived"), "{}", run.stdout);
}

#[test]
fn an_expired_waiver_becomes_a_finding_and_suppresses_nothing() {
    let run = run_in("expired", &["lint", "--format", "json", "../policy.json"]);
    // service-wildcard is raised to high and the waiver no longer applies.
    assert_eq!(run.code, 1, "{}", run.stderr);
    let report = json(&run);
    assert!(rules(&report).contains(&"waiver-expired".to_owned()));
    assert_eq!(report["summary"]["suppressed"], 0);
    let expired = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "waiver-expired")
        .unwrap();
    assert_eq!(expired["severity"], "medium");
    assert_eq!(expired["location"]["line"], 4);
    assert!(
        expired["message"]
            .as_str()
            .unwrap()
            .contains("expired on 2026-05-31"),
        "{expired}"
    );
}

#[test]
fn config_errors_name_the_line_and_column() {
    let run = run_in("bad", &["lint", "../policy.json"]);
    assert_eq!(run.code, 2);
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        "error: iamscope.toml:5:8: unknown rule `service-wildcrd` (did you mean `service-wildcard`?)\n\
         help: see docs/configuration.md, or pass `--no-config`\n"
    );
}

#[test]
fn fingerprints_survive_moving_an_unrelated_statement_above() {
    let before = json(&run_in(".", &["lint", "--format", "json", "policy.json"]));
    let after = json(&run_in(
        "moved",
        &["lint", "--format", "json", "policy.json"],
    ));
    let prints = |report: &Value| {
        let mut prints: Vec<(String, String)> = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["subject"].as_str().unwrap().to_owned(),
                    f["fingerprint"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        prints.sort();
        prints
    };
    assert_eq!(prints(&before).len(), 2);
    assert_eq!(prints(&before), prints(&after));
    // The lines did move: the fingerprints are equal despite that.
    assert_ne!(
        before["findings"][0]["location"],
        after["findings"][0]["location"]
    );
}

fn previous_report(path: &Path) {
    let run = run_in(
        "history/before",
        &[
            "lint",
            "--format",
            "json",
            "-o",
            path.to_str().unwrap(),
            "policy.json",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
}

fn temp(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("iamscope-gate-{}-{name}", std::process::id()))
}

#[test]
fn previous_report_marks_new_unchanged_and_resolved() {
    let previous = temp("previous.json");
    previous_report(&previous);
    let run = run_in(
        "history/after",
        &[
            "lint",
            "--format",
            "json",
            "--previous",
            previous.to_str().unwrap(),
            "policy.json",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report = json(&run);
    let status: Vec<(String, String)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["subject"].as_str().unwrap().to_owned(),
                f["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        status,
        [
            ("sqs:*".to_owned(), "unchanged".to_owned()),
            ("kms:*".to_owned(), "new".to_owned())
        ]
    );
    let resolved = report["resolved"].as_array().unwrap();
    assert_eq!(resolved.len(), 1);
    assert!(resolved[0]["message"].as_str().unwrap().contains("sns:*"));

    let table = run_in(
        "history/after",
        &[
            "lint",
            "--previous",
            previous.to_str().unwrap(),
            "policy.json",
        ],
    );
    assert!(table.stdout.contains("│ unchanged"), "{}", table.stdout);
    assert!(table.stdout.contains("│ new"), "{}", table.stdout);
    assert!(
        table
            .stdout
            .contains("resolved since the previous report (1):"),
        "{}",
        table.stdout
    );
    let markdown = run_in(
        "history/after",
        &[
            "lint",
            "--format",
            "markdown",
            "--previous",
            previous.to_str().unwrap(),
            "policy.json",
        ],
    );
    assert!(
        markdown.stdout.contains("| new | medium |"),
        "{}",
        markdown.stdout
    );
    std::fs::remove_file(previous).unwrap();
}

#[test]
fn fail_on_new_ignores_findings_the_previous_report_had() {
    let previous = temp("fail-on-new.json");
    previous_report(&previous);
    let prev = previous.to_str().unwrap();
    // Unchanged sqs:* at medium: without --fail-on-new it fails, with it it passes.
    let old = run_in(
        "history/before",
        &[
            "lint",
            "--fail-on",
            "medium",
            "--previous",
            prev,
            "policy.json",
        ],
    );
    assert_eq!(old.code, 1, "{}", old.stderr);
    let gated = run_in(
        "history/before",
        &[
            "lint",
            "--fail-on",
            "medium",
            "--previous",
            prev,
            "--fail-on-new",
            "policy.json",
        ],
    );
    assert_eq!(gated.code, 0, "{}", gated.stderr);
    // kms:* is new at medium: it fails.
    let new = run_in(
        "history/after",
        &[
            "lint",
            "--fail-on",
            "medium",
            "--previous",
            prev,
            "--fail-on-new",
            "policy.json",
        ],
    );
    assert_eq!(new.code, 1, "{}", new.stderr);
    std::fs::remove_file(previous).unwrap();
}

#[test]
fn a_previous_report_of_another_schema_version_exits_2() {
    let previous = temp("v9.json");
    std::fs::write(&previous, r#"{"version": "9", "findings": []}"#).unwrap();
    let run = run_in(
        ".",
        &[
            "lint",
            "--previous",
            previous.to_str().unwrap(),
            "policy.json",
        ],
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("has schema version `9`, this iamscope reads version `1`"),
        "{}",
        run.stderr
    );
    std::fs::remove_file(previous).unwrap();
}

#[test]
fn fail_on_new_needs_a_previous_report() {
    assert_eq!(
        run_in(".", &["lint", "--fail-on-new", "policy.json"]).code,
        2
    );
}
