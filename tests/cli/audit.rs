use crate::run;

const DIR: &str = "../../fixtures/audit";

fn path(name: &str) -> String {
    format!("{DIR}/{name}")
}

fn audit_json(files: &[&str], extra: &[&str]) -> (i32, serde_json::Value) {
    let paths: Vec<String> = files.iter().map(|f| path(f)).collect();
    let mut args = vec![
        "audit",
        "--format",
        "json",
        "--region",
        "us-east-1",
        "--snapshot",
    ];
    args.extend(paths.iter().map(String::as_str));
    args.extend(extra);
    let run = run(&args);
    let value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}\n{}", run.stdout, run.stderr));
    (run.code, value)
}

#[test]
fn documented_role_audits_clean_at_the_default_threshold() {
    let (code, value) = audit_json(&["scoped-ok.json"], &["--external-id", "ext-1234"]);
    assert_eq!(value["command"], "audit");
    assert_eq!(value["audit"]["roles_found"], 1);
    assert_eq!(value["audit"]["roles_in_line"], 1);
    assert_eq!(value["audit"]["complete"], true);
    // The documented role itself has lint findings at medium at most.
    assert_eq!(code, 0);
}

#[test]
fn drifted_role_fails_with_located_witnesses() {
    let (code, value) = audit_json(&["scoped-drifted.json", "tagging.json"], &[]);
    assert_eq!(code, 1);
    assert_eq!(value["audit"]["roles_drifted"], 1);
    assert_eq!(value["audit"]["tag_problems"], 2);
    let findings = value["findings"].as_array().unwrap();
    let pass = findings
        .iter()
        .find(|f| {
            f["rule"] == "grant-beyond-baseline"
                && f["message"].as_str().unwrap().contains("iam:PassRole")
        })
        .unwrap();
    assert_eq!(
        pass["location"]["pointer"],
        "/RoleDetailList/0/RolePolicyList/0/PolicyDocument/Statement/4"
    );
    assert!(pass["location"]["line"].as_u64().unwrap() > 1);
    assert!(pass["details"]["witness"]
        .as_str()
        .unwrap()
        .starts_with("iam:PassRole on "));
    assert!(findings.iter().any(|f| f["rule"] == "trust-drift"));
}

#[test]
fn table_output_opens_the_notes_with_the_audit_summary() {
    let args = [
        "audit",
        "--region",
        "us-east-1",
        "--snapshot",
        &path("admin-attached.json"),
    ];
    let run = run(&args);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stdout.contains("error[extra-managed-policy]"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("audit: 1 Chalk roles found, 0 in line"),
        "{}",
        run.stdout
    );
}

#[test]
fn missing_policy_document_exits_3_unless_partial_is_allowed() {
    let (code, value) = audit_json(&["admin-missing.json"], &[]);
    assert_eq!(code, 3);
    assert_eq!(value["audit"]["complete"], false);
    let (code, _) = audit_json(&["admin-missing.json"], &["--allow-partial"]);
    assert_eq!(code, 1);
}

#[test]
fn malformed_snapshot_exits_2_with_a_position() {
    let run = run(&[
        "audit",
        "--region",
        "us-east-1",
        "--snapshot",
        "../../fixtures/snapshots/bad",
    ]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(run.stderr.starts_with("error: "), "{}", run.stderr);
    assert!(run.stdout.is_empty());
}

#[test]
fn missing_region_is_a_usage_error() {
    let run = run(&["audit", "--snapshot", &path("scoped-ok.json")]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("--region"), "{}", run.stderr);
}

#[test]
fn readme_demo_audits_iam_tags_and_kubernetes_in_one_report() {
    let run = crate::diff::run_at_root(
        &[
            "audit",
            "--snapshot",
            "fixtures/demo-account",
            "--region",
            "us-east-1",
            "--log-group",
            "/aws/eks/chalk-prod/cluster",
            "--kubernetes",
            "fixtures/demo-account/kubernetes/cluster.json",
            "--format",
            "json",
        ],
        "",
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let rules: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["rule"].as_str())
        .collect();
    for expected in [
        "grant-beyond-baseline",
        "extra-managed-policy",
        "trust-drift",
        "tagged-non-chalk-resource",
        "untagged-chalk-resource",
        "tag-tamper-principal",
        "rbac-grant-beyond-baseline",
        "rbac-unexpected-binding",
    ] {
        assert!(
            rules.contains(&expected),
            "{expected} missing from {rules:?}"
        );
    }
    // The documented scoped role itself is in line: nothing is reported on it.
    let roles = json["audit"]["roles"].as_array().unwrap();
    let status = |name: &str| {
        roles
            .iter()
            .find(|r| r["name"] == name)
            .map(|r| r["status"].clone())
    };
    assert_eq!(status("ChalkScopedExecutionRole"), Some("in-line".into()));
    assert_eq!(
        status("ChalkScopedExecutionRole-legacy"),
        Some("drifted".into())
    );
}
