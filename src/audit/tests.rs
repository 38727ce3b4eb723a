use std::collections::BTreeMap;
use std::path::PathBuf;

use super::*;
use crate::account::load_snapshot;
use crate::baseline::builtin_profile;
use crate::eval::{CompiledPolicySet, Decision, Request};
use crate::policy::parse_policy;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/audit")
        .join(name)
}

fn run_with(names: &[&str], options: AuditOptions) -> AuditOutcome {
    let paths: Vec<PathBuf> = names.iter().map(|n| fixture(n)).collect();
    let account = load_snapshot(&paths).unwrap();
    let texts: BTreeMap<String, String> = paths
        .iter()
        .map(|p| (p.display().to_string(), std::fs::read_to_string(p).unwrap()))
        .collect();
    audit(
        &account,
        &texts,
        &builtin_profile("chalk").unwrap(),
        &options,
    )
    .unwrap()
}

fn run(names: &[&str]) -> AuditOutcome {
    run_with(
        names,
        AuditOptions {
            region: Some("us-east-1".into()),
            external_id: Some("ext-1234".into()),
            ..AuditOptions::default()
        },
    )
}

fn of<'a>(outcome: &'a AuditOutcome, rule: &str) -> Vec<&'a Finding> {
    outcome.findings.iter().filter(|f| f.rule == rule).collect()
}

fn detail<'a>(finding: &'a Finding, key: &str) -> Vec<&'a str> {
    finding
        .details
        .iter()
        .filter(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
        .collect()
}

const DRIFT_RULES: [&str; 5] = [
    "grant-beyond-baseline",
    "baseline-grant-missing",
    "extra-managed-policy",
    "trust-drift",
    "chalk-role-not-found",
];

#[test]
fn documented_scoped_role_is_in_line() {
    let outcome = run(&["scoped-ok.json"]);
    assert_eq!(
        outcome.roles,
        [("chalk-scoped-execution".to_string(), RoleStatus::InLine)]
    );
    for rule in DRIFT_RULES {
        assert!(
            of(&outcome, rule).is_empty(),
            "{rule}: {:?}",
            of(&outcome, rule)
        );
    }
    assert!(outcome.complete);
    // The documented policy's own lint findings (its service wildcards) are its
    // design, not drift: they are not repeated on the vendor's role.
    assert!(of(&outcome, "service-wildcard").is_empty());
    assert!(of(&outcome, "cross-account-bucket-pattern").is_empty());
}

#[test]
fn flags_if_exists_and_extra_pass_role_with_witnesses() {
    let outcome = run(&["scoped-drifted.json"]);
    assert_eq!(outcome.roles[0].1, RoleStatus::Drifted);
    let added = of(&outcome, "grant-beyond-baseline");
    let pass = added
        .iter()
        .find(|f| f.message.contains("iam:PassRole"))
        .expect("a PassRole finding");
    assert_eq!(pass.statement.as_deref(), Some("PassAnyRole"));
    assert!(pass
        .location
        .pointer
        .ends_with("/PolicyDocument/Statement/4"));
    let if_exists = added
        .iter()
        .find(|f| f.statement.as_deref() == Some("ChalkManagedResources"))
        .expect("an IfExists finding");
    // The witness is real: the drifted policy allows it, the documented one does not.
    let witness = detail(if_exists, "witness")[0];
    assert!(
        !witness.contains("aws:resourcetag/chalk.ai/managed-by=chalk"),
        "{witness}"
    );
    let (line, column) = (if_exists.location.line, if_exists.location.column);
    assert!(line.is_some() && column.is_some());
}

#[test]
fn witnesses_of_added_access_are_allowed_by_the_role_only() {
    let outcome = run(&["scoped-drifted.json"]);
    let text = std::fs::read_to_string(fixture("scoped-drifted.json")).unwrap();
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    let inline = value["RoleDetailList"][0]["RolePolicyList"][0]["PolicyDocument"].to_string();
    let drifted = parse_policy(&inline).unwrap();
    let documented = parse_policy(
        &builtin_profile("chalk")
            .unwrap()
            .render(
                "chalk:scoped-execution",
                &crate::baseline::Params::new()
                    .with("AWS_REGION", "us-east-1")
                    .with("AWS_ACCOUNT_ID", "111122223333"),
            )
            .unwrap(),
    )
    .unwrap();
    let role = CompiledPolicySet::new(&[&drifted], &[]);
    let doc = CompiledPolicySet::new(&[&documented], &[]);
    let added = of(&outcome, "grant-beyond-baseline");
    assert!(added.len() >= 2);
    for finding in added {
        let msg = &finding.message;
        let action = msg.split('`').nth(3).unwrap();
        let resource = msg.split('`').nth(5).unwrap();
        let request = Request {
            action: action.into(),
            resource: resource.into(),
            ..Request::default()
        };
        // Context-free witnesses can be replayed directly.
        if detail(finding, "witness")[0].ends_with("with no condition keys") {
            assert_eq!(role.evaluate(&request), Decision::Allow, "{msg}");
            assert_ne!(doc.evaluate(&request), Decision::Allow, "{msg}");
        }
    }
}

#[test]
fn trust_without_external_id_is_trust_drift() {
    let outcome = run(&["scoped-drifted.json"]);
    let drift = of(&outcome, "trust-drift");
    assert!(drift
        .iter()
        .any(|f| f.message.contains("without any `sts:ExternalId`")));
    assert!(drift
        .iter()
        .all(|f| f.location.pointer == "/RoleDetailList/0/AssumeRolePolicyDocument/Statement/0"));
}

#[test]
fn wrong_external_id_is_trust_drift() {
    let outcome = run_with(
        &["scoped-ok.json"],
        AuditOptions {
            region: Some("us-east-1".into()),
            external_id: Some("other-id".into()),
            ..AuditOptions::default()
        },
    );
    let drift = of(&outcome, "trust-drift");
    assert_eq!(drift.len(), 1, "{drift:?}");
    assert!(drift[0].message.contains("cannot be assumed"));
}

#[test]
fn attached_administrator_access_is_an_extra_managed_policy() {
    let outcome = run(&["admin-attached.json"]);
    let extra = of(&outcome, "extra-managed-policy");
    assert_eq!(extra.len(), 1);
    assert_eq!(
        extra[0].subject.as_deref(),
        Some("arn:aws:iam::aws:policy/AdministratorAccess")
    );
    assert_eq!(
        extra[0].location.pointer,
        "/RoleDetailList/0/AttachedManagedPolicies/0"
    );
    assert!(!of(&outcome, "grant-beyond-baseline").is_empty());
    assert_eq!(outcome.roles[0].1, RoleStatus::Drifted);
}

#[test]
fn missing_managed_document_makes_the_audit_incomplete() {
    let outcome = run(&["admin-missing.json"]);
    assert!(!outcome.complete);
    assert_eq!(outcome.roles[0].1, RoleStatus::NotCompared);
    assert_eq!(of(&outcome, "policy-document-missing").len(), 1);
    assert_eq!(of(&outcome, "extra-managed-policy").len(), 1);
}

#[test]
fn reports_tagged_non_chalk_and_untagged_chalk_resources() {
    let outcome = run(&["scoped-ok.json", "tagging.json"]);
    let tagged = of(&outcome, "tagged-non-chalk-resource");
    assert_eq!(tagged.len(), 1);
    assert_eq!(
        tagged[0].subject.as_deref(),
        Some("arn:aws:dynamodb:us-east-1:111122223333:table/payments")
    );
    assert_eq!(tagged[0].location.pointer, "/ResourceTagMappingList/1");
    let untagged = of(&outcome, "untagged-chalk-resource");
    assert_eq!(untagged.len(), 1);
    assert_eq!(
        untagged[0].subject.as_deref(),
        Some("arn:aws:sqs:us-east-1:111122223333:chalk-events")
    );
    assert_eq!(outcome.tag_problems, 2);
}

#[test]
fn user_with_tag_resources_on_star_can_tamper() {
    let outcome = run(&["scoped-ok.json", "tag-tamper-user.json", "tagging.json"]);
    let tamper = of(&outcome, "tag-tamper-principal");
    assert_eq!(tamper.len(), 1, "{tamper:?}");
    assert_eq!(
        tamper[0].subject.as_deref(),
        Some("arn:aws:iam::111122223333:user/tagger")
    );
    assert!(detail(tamper[0], "actions")[0].contains("tag:TagResources"));
    assert_eq!(outcome.tag_tamper_principals, 1);
}

#[test]
fn tag_condition_on_another_key_still_counts_as_tampering() {
    let mut policy = parse_policy(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:CreateTags","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}]}"#,
    )
    .unwrap();
    let relaxed = tags_relax_for_test(&mut policy);
    assert_eq!(relaxed, ["IpAddress aws:SourceIp"]);
}

fn tags_relax_for_test(policy: &mut crate::policy::Policy) -> Vec<String> {
    tags::relax_conditions(policy, &["ec2:CreateTags".to_string()])
}

#[test]
fn missing_scoped_role_is_reported() {
    let outcome = run(&["tag-tamper-user.json"]);
    let missing = of(&outcome, "chalk-role-not-found");
    assert_eq!(missing.len(), 1);
    assert_eq!(missing[0].subject.as_deref(), Some("scoped-execution"));
}
