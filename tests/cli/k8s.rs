//! `iamscope k8s-audit` on realistic `kubectl -o json` dumps and manifests.

use serde_json::Value;

use crate::{run, run_with_stdin};

const DEMO: &str = "../../fixtures/demo-account/kubernetes/cluster.json";
const CLEAN: &str = "../../fixtures/k8s/clean.json";
const CLEAN_EXEC: &str = "../../fixtures/k8s/clean-with-pod-exec.json";
const MANIFESTS: &str = "../../fixtures/k8s/manifests.yaml";

fn findings(args: &[&str]) -> (i32, Vec<Value>) {
    let mut all = vec!["k8s-audit", "--format", "json"];
    all.extend_from_slice(args);
    let run = run(&all);
    let json: Value =
        serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {}", run.stderr));
    (run.code, json["findings"].as_array().unwrap().clone())
}

fn rules_of(findings: &[Value]) -> Vec<&str> {
    let mut rules: Vec<&str> = findings
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    rules.sort_unstable();
    rules.dedup();
    rules
}

fn with_rule<'a>(findings: &'a [Value], rule: &str) -> Vec<&'a Value> {
    findings.iter().filter(|f| f["rule"] == rule).collect()
}

#[test]
fn demo_cluster_flags_the_drifted_role_and_the_cluster_admin_binding() {
    let (code, found) = findings(&[DEMO]);
    assert_eq!(code, 1);
    assert_eq!(
        rules_of(&found),
        [
            "rbac-dangerous-verb",
            "rbac-grant-beyond-baseline",
            "rbac-pod-exec",
            "rbac-secrets-cluster-wide",
            "rbac-unexpected-binding"
        ]
    );
    let beyond = with_rule(&found, "rbac-grant-beyond-baseline");
    assert_eq!(beyond.len(), 1);
    assert_eq!(beyond[0]["location"]["pointer"], "/items/13/rules/4");
    assert!(beyond[0]["location"]["line"].as_u64().unwrap() > 1);
    let details = beyond[0]["details"].to_string();
    assert!(
        details.contains("escalate secrets in namespace `chalk`"),
        "{details}"
    );
    let binding = with_rule(&found, "rbac-unexpected-binding");
    assert!(binding[0]["message"]
        .as_str()
        .unwrap()
        .contains("cluster-admin"));
    assert_eq!(
        with_rule(&found, "rbac-dangerous-verb")[0]["severity"],
        "critical"
    );
    // pods/exec: once from the drifted role, once from cluster-admin.
    assert_eq!(with_rule(&found, "rbac-pod-exec").len(), 2);
}

#[test]
fn clean_cluster_has_no_findings() {
    let (code, found) = findings(&[CLEAN]);
    assert_eq!(code, 0);
    assert!(found.is_empty(), "{found:?}");
}

#[test]
fn pod_exec_is_clean_only_when_the_optional_rule_is_enabled() {
    let (code, found) = findings(&[CLEAN_EXEC]);
    assert_eq!(code, 0, "medium is below the default threshold");
    assert_eq!(rules_of(&found), ["rbac-pod-exec"]);
    let (_, found) = findings(&[CLEAN_EXEC, "--allow-pod-exec"]);
    assert!(found.is_empty(), "{found:?}");
    // With the option on, the clean dump lacks the documented exec rule.
    let (_, found) = findings(&[CLEAN, "--allow-pod-exec"]);
    assert_eq!(rules_of(&found), ["rbac-baseline-grant-missing"]);
}

#[test]
fn yaml_manifests_flag_bindings_missing_roles_and_risky_grants() {
    let (code, found) = findings(&[MANIFESTS]);
    assert_eq!(code, 1);
    assert_eq!(
        rules_of(&found),
        [
            "rbac-baseline-grant-missing",
            "rbac-dangerous-verb",
            "rbac-role-not-found",
            "rbac-secrets-cluster-wide",
            "rbac-unexpected-binding"
        ]
    );
    let missing = with_rule(&found, "rbac-baseline-grant-missing");
    assert!(missing[0]["message"]
        .as_str()
        .unwrap()
        .contains("watch jobs"));
    let not_found = with_rule(&found, "rbac-role-not-found");
    assert!(not_found[0]["message"]
        .as_str()
        .unwrap()
        .contains("chalk-management-role"));
    let unexpected = with_rule(&found, "rbac-unexpected-binding");
    assert!(unexpected.iter().any(|f| f["message"]
        .as_str()
        .unwrap()
        .contains("ServiceAccount chalk/default")));
    let dangerous = with_rule(&found, "rbac-dangerous-verb");
    assert_eq!(dangerous[0]["location"]["line"], 57);
    assert!(dangerous[0]["message"]
        .as_str()
        .unwrap()
        .contains("escalate roles"));
}

#[test]
fn subjects_can_be_renamed_on_the_command_line() {
    let (_, found) = findings(&[MANIFESTS, "--workload-subject", "chalk/default"]);
    assert!(with_rule(&found, "rbac-unexpected-binding")
        .iter()
        .all(|f| !f["message"].as_str().unwrap().contains("chalk/default")));
}

#[test]
fn reads_the_kubectl_dump_from_stdin() {
    let text = std::fs::read_to_string(crate::fixtures().join(DEMO)).unwrap();
    let run = run_with_stdin(&["k8s-audit", "-", "--format", "json"], &text);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stdout.contains("\"file\": \"-\""), "{}", run.stdout);
}

#[test]
fn invalid_yaml_exits_2_with_file_line_and_column() {
    let run = run(&["k8s-audit", "../../fixtures/k8s/invalid.yaml"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .starts_with("error: ../../fixtures/k8s/invalid.yaml:"),
        "{}",
        run.stderr
    );
    let position = run.stderr.split(':').nth(2).unwrap();
    assert!(position.parse::<u32>().unwrap() >= 6, "{}", run.stderr);
}

#[test]
fn the_rules_are_listed_and_documented() {
    let run = run(&["rule", "rbac-grant-beyond-baseline"]);
    assert_eq!(run.code, 0);
    assert!(run.stdout.contains("What it does"));
}
