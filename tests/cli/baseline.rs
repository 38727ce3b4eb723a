//! `iamscope baseline`: listing and rendering the documented policies.

use crate::diff::run_at_root;

#[test]
fn lists_the_documented_policies() {
    let run = run_at_root(&["baseline"], "");
    assert_eq!(run.code, 0, "{}", run.stderr);
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn lists_the_documented_policies_as_json() {
    let run = run_at_root(&["baseline", "--format", "json"], "");
    assert_eq!(run.code, 0, "{}", run.stderr);
    let value: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(value["command"], "baseline");
    let ids: Vec<&str> = value["policies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "chalk:trust",
            "chalk:broad-provisioning",
            "chalk:scoped-execution",
            "chalk:logs-read"
        ]
    );
    assert_eq!(value["policies"][0]["kind"], "trust");
    assert_eq!(
        value["policies"][0]["parameters"],
        serde_json::json!(["--external-id"])
    );
}

#[test]
fn prints_a_rendered_policy_equal_to_the_fixture() {
    let run = run_at_root(
        &[
            "baseline",
            "chalk:scoped-execution",
            "--region",
            "us-east-1",
            "--account-id",
            "111122223333",
        ],
        "",
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let fixture = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/diff/scoped-role.json"),
    )
    .unwrap();
    assert_eq!(run.stdout, fixture);
}

#[test]
fn a_missing_parameter_names_its_flag() {
    let run = run_at_root(&["baseline", "chalk:trust"], "");
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "error: policy `chalk:trust` needs parameter `EXTERNAL_ID`: pass `--external-id`\n"
    );
}

#[test]
fn an_invalid_parameter_is_rejected() {
    let run = run_at_root(
        &[
            "baseline",
            "chalk:scoped-execution",
            "--region",
            "mars",
            "--account-id",
            "111122223333",
        ],
        "",
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("invalid value `mars` for `--region`"),
        "{}",
        run.stderr
    );
}

#[test]
fn an_unknown_policy_id_exits_2() {
    let run = run_at_root(&["baseline", "chalk:nope"], "");
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.starts_with("error: unknown policy `chalk:nope`"),
        "{}",
        run.stderr
    );
}
