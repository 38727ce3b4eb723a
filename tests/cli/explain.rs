//! `iamscope explain` on the documented scoped execution role.

use crate::diff::run_at_root;

const ROLE: &str = "fixtures/diff/scoped-role.json";
const TABLE: &str = "arn:aws:dynamodb:us-east-1:111122223333:table/chalk-features";

fn explain(extra: &[&str]) -> crate::Run {
    let mut args = vec![
        "explain",
        "--policy",
        ROLE,
        "--action",
        "dynamodb:GetItem",
        "--resource",
        TABLE,
    ];
    args.extend(extra);
    run_at_root(&args, "")
}

#[test]
fn a_tagged_table_is_allowed_by_the_managed_resources_statement() {
    let run = explain(&["--resource-tag", "chalk.ai/managed-by=chalk"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    insta::assert_snapshot!(run.stdout);
    assert!(
        run.stdout.starts_with("decision: allow\n"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains(
            "decided by: Allow identity statement `ChalkManagedResources` (fixtures/diff/scoped-role.json:4:5)"
        ),
        "{}",
        run.stdout
    );
}

#[test]
fn an_untagged_table_is_implicitly_denied_naming_the_condition() {
    let run = explain(&["--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let value: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(value["decision"], "implicit-deny");
    let first = &value["statements"][0];
    assert_eq!(first["outcome"], "condition-failed");
    assert_eq!(first["condition"]["operator"], "StringEquals");
    assert_eq!(
        first["condition"]["key"],
        "aws:ResourceTag/chalk.ai/managed-by"
    );
    assert_eq!(first["line"], 4);
    assert_eq!(first["decisive"], false);
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn json_follows_the_common_versioned_shape() {
    let run = explain(&[
        "--format",
        "json",
        "--resource-tag",
        "chalk.ai/managed-by=chalk",
    ]);
    let value: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let keys: Vec<&str> = value
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "version",
            "tool",
            "catalog",
            "command",
            "decision",
            "request",
            "statements",
            "findings",
            "summary",
            "notes"
        ]
    );
    assert_eq!(value["version"], "1");
    assert_eq!(value["command"], "explain");
    assert_eq!(value["findings"], serde_json::json!([]));
    assert_eq!(
        value["request"]["context"]["aws:ResourceTag/chalk.ai/managed-by"],
        serde_json::json!(["chalk"])
    );
}

#[test]
fn request_tags_set_tag_keys_and_warn_when_the_action_never_carries_them() {
    let run = explain(&[
        "--format",
        "json",
        "--request-tag",
        "team=red",
        "--context",
        "aws:TagKeys=extra",
    ]);
    let value: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        value["request"]["context"]["aws:TagKeys"],
        serde_json::json!(["team", "extra"])
    );
    let notes: Vec<&str> = value["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap())
        .collect();
    assert!(
        notes.contains(
            &"condition key `aws:RequestTag/team` is not supported by `dynamodb:GetItem` per the catalog: AWS does not send it with this request"
        ),
        "{notes:?}"
    );
}

#[test]
fn a_resource_tag_condition_on_an_action_without_resource_tags_is_noted() {
    let policy = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Action": "ec2:DescribeInstances", "Resource": "*",
        "Condition": {"StringEquals": {"aws:ResourceTag/team": "red"}}}]}"#;
    let run = run_at_root(
        &[
            "explain",
            "--policy",
            "-",
            "--action",
            "ec2:DescribeInstances",
            "--resource",
            "*",
        ],
        policy,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.starts_with("decision: implicit-deny\n"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains(
            "note: statement `#0` (-:1:41) tests `aws:ResourceTag/team`, but `ec2:DescribeInstances` never carries resource tags"
        ),
        "{}",
        run.stdout
    );
}

#[test]
fn a_documented_policy_id_renders_with_the_parameter_flags() {
    let run = run_at_root(
        &[
            "explain",
            "--policy",
            "chalk:scoped-execution",
            "--region",
            "us-east-1",
            "--account-id",
            "111122223333",
            "--action",
            "sqs:SendMessage",
            "--resource",
            "arn:aws:sqs:us-east-1:111122223333:chalk-jobs",
            "--resource-tag",
            "chalk.ai/managed-by=chalk",
        ],
        "",
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("decided by: Allow identity statement `ChalkManagedResources` (chalk:scoped-execution:4:5)"),
        "{}",
        run.stdout
    );
}

#[test]
fn input_errors_exit_2() {
    let missing = run_at_root(
        &[
            "explain",
            "--policy",
            "chalk:scoped-execution",
            "--action",
            "s3:GetObject",
            "--resource",
            "*",
        ],
        "",
    );
    assert_eq!(missing.code, 2);
    assert!(
        missing.stderr.contains("pass `--region`"),
        "{}",
        missing.stderr
    );

    let bad = run_at_root(
        &[
            "explain",
            "--policy",
            "-",
            "--action",
            "s3:GetObject",
            "--resource",
            "*",
        ],
        "{\"Version\": \"2012-10-17\", \"Statement\": []",
    );
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.starts_with("error: -:1:"), "{}", bad.stderr);

    let pair = explain(&["--context", "no-equals-sign"]);
    assert_eq!(pair.code, 2);
    assert!(
        pair.stderr.contains("expected `KEY=VALUE`"),
        "{}",
        pair.stderr
    );
}
