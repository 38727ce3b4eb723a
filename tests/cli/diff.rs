//! `iamscope diff` on the pairs of the semantics issue, all derived from the
//! documented scoped execution role rendered for us-east-1 / 111122223333
//! (`fixtures/diff/scoped-role.json`). Each comparison takes a moment in a debug
//! build, so every test runs one diff and checks several things about it.

use crate::Run;

/// Runs `iamscope` with `args` from the repository root, so `fixtures/diff/...`
/// paths appear in output as the user would type them.
pub fn run_at_root(args: &[&str], stdin: &str) -> Run {
    crate::run_in(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")),
        args,
        stdin,
    )
}

const OLD: &str = "fixtures/diff/scoped-role.json";
const PARAMS: [&str; 4] = ["--region", "us-east-1", "--account-id", "111122223333"];

fn json(run: &Run) -> serde_json::Value {
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {}", run.stdout))
}

fn with_params<'a>(args: &[&'a str]) -> Vec<&'a str> {
    let mut all = args.to_vec();
    all.extend(PARAMS);
    all
}

#[test]
fn reordered_statements_are_equivalent() {
    let run = run_at_root(
        &[
            "diff",
            "--format",
            "json",
            "--fail-on-new-access",
            OLD,
            "fixtures/diff/reordered-statements.json",
        ],
        "",
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let value = json(&run);
    assert_eq!(value["verdict"], "equivalent");
    assert_eq!(value["findings"], serde_json::json!([]));
    assert_eq!(value["comparison"]["complete"], true);
}

#[test]
fn if_exists_against_the_documented_role_fails_the_gate_with_an_untagged_witness() {
    let run = run_at_root(
        &with_params(&[
            "diff",
            "chalk:scoped-execution",
            "fixtures/diff/string-equals-if-exists.json",
            "--fail-on-new-access",
        ]),
        "",
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stdout
            .starts_with("verdict: broader (NEW allows requests that OLD does not)\n"),
        "{}",
        run.stdout
    );
    // The witness lacks the tag, and the finding points at the NEW statement.
    assert!(
        run.stdout
            .contains("without `aws:ResourceTag/chalk.ai/managed-by`"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("--> fixtures/diff/string-equals-if-exists.json:4:5"),
        "{}",
        run.stdout
    );
    // OLD's reason names the condition that kept the request out.
    assert!(
        run.stdout.contains(
            "old: implicit-deny: the closest statement `ChalkManagedResources` (chalk:scoped-execution:4:5) names the action, but condition `StringEquals` on `aws:ResourceTag/chalk.ai/managed-by` does not hold: the key is absent from the request"
        ),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("new-access"), "{}", run.stdout);
    assert!(!run.stdout.contains("removed-access"), "{}", run.stdout);
}

#[test]
fn widening_a_table_pattern_is_broader_in_json() {
    let run = run_at_root(
        &[
            "diff",
            "--format",
            "json",
            OLD,
            "fixtures/diff/table-wildcard.json",
        ],
        "",
    );
    // new-access is high, the default `--fail-on`.
    assert_eq!(run.code, 1, "{}", run.stderr);
    let value = json(&run);
    assert_eq!(value["verdict"], "broader");
    let findings = value["findings"].as_array().unwrap();
    assert!(!findings.is_empty());
    for finding in findings {
        assert_eq!(finding["rule"], "new-access");
        assert_eq!(
            finding["location"]["file"],
            "fixtures/diff/table-wildcard.json"
        );
        assert_eq!(finding["location"]["line"], 4);
        assert_eq!(finding["location"]["pointer"], "/Statement/0");
        assert_eq!(finding["statement"], "ChalkManagedResources");
        let witness: serde_json::Value =
            serde_json::from_str(finding["details"]["witness"].as_str().unwrap()).unwrap();
        let resource = witness["resource"].as_str().unwrap();
        assert!(resource.starts_with("arn:aws:dynamodb:us-east-1:111122223333:table/"));
        assert!(!resource.contains("table/chalk"), "{resource}");
        assert!(finding["details"]["actions"]
            .as_str()
            .unwrap()
            .contains("dynamodb:GetItem"));
    }
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn an_added_deny_is_narrower_and_passes_the_gate() {
    let run = run_at_root(
        &[
            "diff",
            "--format",
            "json",
            "--fail-on-new-access",
            "--old",
            OLD,
            "--new",
            "fixtures/diff/added-deny.json",
        ],
        "",
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let value = json(&run);
    assert_eq!(value["verdict"], "narrower");
    let findings = value["findings"].as_array().unwrap();
    assert!(!findings.is_empty());
    for finding in findings {
        assert_eq!(finding["rule"], "removed-access");
        assert_eq!(finding["severity"], "low");
        assert_eq!(finding["location"]["file"], OLD);
        assert_eq!(finding["details"]["actions"], "kms:ScheduleKeyDeletion");
        assert!(
            finding["details"]["new"]
                .as_str()
                .unwrap()
                .starts_with("explicit-deny by `NoKeyDeletion` (fixtures/diff/added-deny.json:"),
            "{finding}"
        );
    }
}

#[test]
fn markdown_output_states_the_verdict() {
    let run = run_at_root(
        &[
            "diff",
            "--format",
            "markdown",
            "-",
            "fixtures/diff/added-deny.json",
        ],
        &std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(OLD))
            .unwrap(),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.starts_with(
            "### iamscope diff\n\n**verdict: narrower (NEW allows a strict subset of what OLD allows)**\n\n"
        ),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("`removed-access`"), "{}", run.stdout);
}

#[test]
fn a_documented_policy_without_its_parameters_exits_2() {
    let run = run_at_root(
        &[
            "diff",
            "chalk:scoped-execution",
            OLD,
            "--account-id",
            "111122223333",
        ],
        "",
    );
    assert_eq!(run.code, 2);
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        "error: policy `chalk:scoped-execution` needs parameter `AWS_REGION`: pass `--region`\n"
    );
}

#[test]
fn an_unknown_policy_id_exits_2() {
    let run = run_at_root(&["diff", "chalk:nope", OLD], "");
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .starts_with("error: unknown policy `chalk:nope` (known: `chalk:trust`"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .ends_with("help: run `iamscope baseline` to list the documented policies\n"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_policy_that_does_not_parse_exits_2_with_its_position() {
    let run = run_at_root(
        &["diff", OLD, "-"],
        "{\"Version\": \"2012-10-17\",\n \"Statement\": [{\"Effect\": \"Allow\",}]}",
    );
    assert_eq!(run.code, 2);
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        "error: -:2:34: trailing comma before `}`\nhelp: run `iamscope lint -` to see every problem\n"
    );
}

#[test]
fn a_missing_new_side_is_a_usage_error() {
    let run = run_at_root(&["diff", OLD], "");
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.starts_with("error: missing the NEW policy"),
        "{}",
        run.stderr
    );
}

#[test]
fn an_unproven_part_fails_the_new_access_gate_closed() {
    let args = [
        "diff",
        "fixtures/diff/get-object.json",
        "fixtures/diff/policy-variable-condition.json",
    ];
    let gated = run_at_root(&[&args[..], &["--fail-on-new-access"]].concat(), "");
    assert_eq!(gated.code, 1, "{}", gated.stderr);
    assert!(
        gated.stdout.starts_with(
            "verdict: equivalent (both allow exactly the same requests, on the parts that were proved; 1 part(s) unproven)\n"
        ),
        "{}",
        gated.stdout
    );
    assert!(
        gated.stdout.contains(
            "cannot compare `s3:GetObject` exactly: statement #0 uses policy variables in its conditions"
        ),
        "{}",
        gated.stdout
    );
    // Without the gate, the medium finding is below the default `--fail-on high`.
    assert_eq!(run_at_root(&args, "").code, 0);
}

#[test]
fn two_trust_policies_are_compared_for_who_can_assume_the_role() {
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("diff-trust-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let trust = |principals: &[&str]| {
        crate::trust_policy(
            principals,
            Some(r#"{"StringEquals":{"sts:ExternalId":"abc"}}"#),
        )
    };
    std::fs::write(dir.join("old.json"), trust(&[crate::CHALK_PRINCIPAL])).unwrap();
    std::fs::write(
        dir.join("new.json"),
        trust(&[crate::CHALK_PRINCIPAL, "arn:aws:iam::999999999999:root"]),
    )
    .unwrap();
    let run = crate::run_in(
        &dir,
        &[
            "--no-config",
            "diff",
            "old.json",
            "new.json",
            "--fail-on-new-access",
            "--format",
            "json",
        ],
        "",
    );
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let report = json(&run);
    let widened: Vec<&serde_json::Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "trust-widened")
        .collect();
    assert_eq!(widened.len(), 1, "{report}");
    assert_eq!(widened[0]["subject"], "arn:aws:iam::999999999999:root");
    assert!(report["notes"]
        .to_string()
        .contains("1 principal(s) widened"));
    // The same file on both sides: nothing widened, the gate passes.
    let same = crate::run_in(
        &dir,
        &[
            "--no-config",
            "diff",
            "new.json",
            "new.json",
            "--fail-on-new-access",
        ],
        "",
    );
    assert_eq!(same.code, 0, "{}{}", same.stdout, same.stderr);
}
