use crate::run;

const INVALID: &str = "invalid-policy/trailing-comma.json";

#[test]
fn findings_below_fail_on_exit_0() {
    // invalid-policy is critical: nothing is above critical, but critical itself fails.
    assert_eq!(run(&["lint", "--fail-on", "critical", INVALID]).code, 1);
    assert_eq!(run(&["lint", "--fail-on", "info", INVALID]).code, 1);
    assert_eq!(
        run(&["lint", "--fail-on", "info", "valid/read-reports.json"]).code,
        0
    );
}

#[test]
fn missing_file_exits_2() {
    let run = run(&["lint", "x.json"]);
    assert_eq!(run.code, 2);
    assert_eq!(run.stdout, "");
    insta::assert_snapshot!(run.stderr, @r"
    error: cannot read `x.json`: No such file or directory
    help: pass `-` to read the policy from stdin
    ");
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(run(&["lint"]).code, 2);
    assert_eq!(run(&["lint", "--format", "xml", INVALID]).code, 2);
    let bad_severity = run(&["lint", "--fail-on", "severe", INVALID]);
    assert_eq!(bad_severity.code, 2);
    assert!(
        bad_severity.stderr.contains("unknown severity `severe`"),
        "{}",
        bad_severity.stderr
    );
}

#[test]
fn help_and_version_exit_0() {
    assert_eq!(run(&["--help"]).code, 0);
    let version = run(&["--version"]);
    assert_eq!(version.code, 0);
    assert_eq!(version.stdout, "iamscope [VERSION]\n");
}
