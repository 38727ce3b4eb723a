//! Keeps the demo account (`fixtures/demo-account/`) honest: it loads through
//! the library, holds what its README says, and its Chalk roles compare with
//! the documented policies as the README promises.

#![expect(
    clippy::unwrap_used,
    reason = "test helpers run outside #[test] functions; a panic there is a test failure"
)]

use std::path::PathBuf;

use iamscope::account::{load_snapshot, Account, Role};
use iamscope::baseline::{render, Params};
use iamscope::catalog::Catalog;
use iamscope::diff::{compare, Comparison, PolicySet, Verdict};
use iamscope::eval::{CompiledPolicySet, Context, Decision, Request};
use iamscope::policy::{parse_policy, Policy};

fn demo() -> Account {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/demo-account");
    load_snapshot(&[dir]).unwrap()
}

fn params() -> Params {
    Params::new()
        .with("AWS_REGION", "us-east-1")
        .with("AWS_ACCOUNT_ID", "111122223333")
        .with("EXTERNAL_ID", "chalk-ext-7f3a9c")
        .with("LOG_GROUP", "/aws/eks/chalk-prod/cluster")
}

fn documented(id: &str) -> Policy {
    parse_policy(&render(id, &params()).unwrap()).unwrap()
}

fn parse(text: &str) -> Policy {
    parse_policy(text).unwrap_or_else(|e| panic!("{e:?}\n{text}"))
}

fn role<'a>(account: &'a Account, name: &str) -> &'a Role {
    account
        .role(name)
        .unwrap_or_else(|| panic!("no role `{name}`"))
}

/// The role's inline policy named `policy`, parsed.
fn inline(role: &Role, policy: &str) -> Policy {
    let (_, text) = role
        .inline
        .iter()
        .find(|(name, _)| name == policy)
        .unwrap_or_else(|| panic!("role `{}` has no inline policy `{policy}`", role.name));
    parse(&text.text)
}

fn diff(old: &Policy, new: &[&Policy]) -> Comparison {
    compare(
        PolicySet {
            identity: &[old],
            boundaries: &[],
        },
        PolicySet {
            identity: new,
            boundaries: &[],
        },
        Catalog::get(),
    )
}

#[test]
fn demo_loads_with_the_documented_counts() {
    let account = demo();
    assert_eq!(account.account_id.as_deref(), Some("111122223333"));
    assert_eq!(account.roles.len(), 31);
    assert_eq!(account.users.len(), 6);
    assert_eq!(account.groups.len(), 4);
    let aws_managed = account
        .managed_policies
        .iter()
        .filter(|p| p.is_aws_managed)
        .count();
    assert_eq!(account.managed_policies.len(), 19);
    assert_eq!(aws_managed, 14);
    assert_eq!(account.resources.len(), 63);
    let eu = account
        .resources
        .iter()
        .filter(|r| r.arn.contains(":eu-west-1:"))
        .count();
    assert_eq!(eu, 11);
}

#[test]
fn every_document_in_the_demo_parses() {
    let account = demo();
    let mut texts = Vec::new();
    for role in &account.roles {
        texts.push(&role.trust_policy);
        texts.extend(role.inline.iter().map(|(_, t)| t));
    }
    for user in &account.users {
        texts.extend(user.inline.iter().map(|(_, t)| t));
    }
    for group in &account.groups {
        texts.extend(group.inline.iter().map(|(_, t)| t));
    }
    texts.extend(
        account
            .managed_policies
            .iter()
            .map(|p| &p.default_version_document),
    );
    for text in &texts {
        assert!(
            parse_policy(&text.text).is_ok(),
            "{} does not parse",
            text.origin
        );
    }
    assert!(texts.len() >= 70, "only {} documents", texts.len());
}

#[test]
fn every_attached_policy_is_listed() {
    let account = demo();
    let attached = account
        .roles
        .iter()
        .flat_map(|r| r.attached.iter().chain(&r.boundary))
        .chain(
            account
                .users
                .iter()
                .flat_map(|u| u.attached.iter().chain(&u.boundary)),
        )
        .chain(account.groups.iter().flat_map(|g| &g.attached));
    for arn in attached {
        assert!(
            account.managed_policy(arn).is_some(),
            "`{arn}` is not in Policies"
        );
    }
}

#[test]
fn only_the_default_version_of_a_managed_policy_counts() {
    let account = demo();
    let policy = account
        .managed_policy("arn:aws:iam::111122223333:policy/ci-deploy-artifacts")
        .unwrap();
    assert_eq!(policy.default_version_id.as_deref(), Some("v3"));
    assert!(policy
        .default_version_document
        .text
        .contains("s3:PutObject"));
    assert!(!policy.default_version_document.text.contains("s3:*"));
}

#[test]
fn both_document_forms_are_present() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/demo-account");
    let page1 = std::fs::read_to_string(dir.join("auth-details-page1.json")).unwrap();
    let page2 = std::fs::read_to_string(dir.join("auth-details-page2.json")).unwrap();
    assert!(page1.contains("\"AssumeRolePolicyDocument\": \"%7B"));
    assert!(page2.contains("\"AssumeRolePolicyDocument\": {"));
    // The Chalk roles are on both pages.
    assert!(page1.contains("\"RoleName\": \"ChalkScopedExecutionRole\""));
    assert!(page2.contains("\"RoleName\": \"ChalkScopedExecutionRole-legacy\""));
}

#[test]
fn chalk_scoped_role_is_the_documented_policy_rewritten() {
    let account = demo();
    let role = role(&account, "ChalkScopedExecutionRole");
    let text = &role.inline[0].1.text;
    let documented_text = render("chalk:scoped-execution", &params()).unwrap();
    // Not the same text, nor the same statement order: only meaning is shared.
    assert_ne!(
        serde_json::from_str::<serde_json::Value>(text).unwrap(),
        serde_json::from_str::<serde_json::Value>(&documented_text).unwrap()
    );
    assert!(!text.contains("ChalkManagedResources"));
    assert_eq!(role.attached, Vec::<String>::new());

    let result = diff(
        &documented("chalk:scoped-execution"),
        &[&inline(role, "chalk-scoped-execution")],
    );
    assert!(result.unproven.is_empty(), "{:?}", result.unproven);
    assert_eq!(
        result.verdict,
        Verdict::Equivalent,
        "added {:#?}\nremoved {:#?}",
        result.added,
        result.removed
    );
}

#[test]
fn legacy_chalk_role_is_broader_than_documented() {
    let account = demo();
    let role = role(&account, "ChalkScopedExecutionRole-legacy");
    let policy = inline(role, "chalk-scoped-execution");
    let result = diff(&documented("chalk:scoped-execution"), &[&policy]);
    assert!(result.unproven.is_empty(), "{:?}", result.unproven);
    assert_eq!(result.verdict, Verdict::Broader, "{:#?}", result.removed);
    let added: Vec<&str> = result
        .added
        .iter()
        .flat_map(|d| d.actions.iter().map(String::as_str))
        .collect();
    assert!(added.contains(&"iam:PassRole"), "{added:?}");
    // `table/chalk*` widened to `table/*`: the wrongly tagged payments table
    // is now in reach; the untagged case is the `IfExists` drift.
    let payments = |tag: Option<&str>| {
        let mut context = Context::new();
        if let Some(tag) = tag {
            context.insert("aws:ResourceTag/chalk.ai/managed-by", tag);
        }
        Request {
            action: "dynamodb:DeleteTable".to_string(),
            resource: "arn:aws:dynamodb:us-east-1:111122223333:table/payments-prod".to_string(),
            principal: None,
            context,
        }
    };
    let documented = documented("chalk:scoped-execution");
    let before = CompiledPolicySet::new(&[&documented], &[]);
    let after = CompiledPolicySet::new(&[&policy], &[]);
    for tag in [Some("chalk"), None] {
        assert_eq!(before.evaluate(&payments(tag)), Decision::ImplicitDeny);
        assert_eq!(after.evaluate(&payments(tag)), Decision::Allow);
    }
    assert_eq!(
        after.evaluate(&payments(Some("payments"))),
        Decision::ImplicitDeny
    );
    assert!(role
        .attached
        .contains(&"arn:aws:iam::aws:policy/AdministratorAccess".to_string()));
}

#[test]
fn chalk_logs_role_matches_the_documented_logs_policy() {
    let account = demo();
    let role = role(&account, "ChalkLogsReaderRole");
    let result = diff(
        &documented("chalk:logs-read"),
        &[&inline(role, "chalk-logs-read")],
    );
    assert!(result.unproven.is_empty(), "{:?}", result.unproven);
    assert_eq!(result.verdict, Verdict::Equivalent);
}

#[test]
fn chalk_trust_is_documented_except_on_the_provisioning_role() {
    let account = demo();
    for name in [
        "ChalkScopedExecutionRole",
        "ChalkScopedExecutionRole-legacy",
        "ChalkLogsReaderRole",
    ] {
        let trust = &role(&account, name).trust_policy.text;
        assert_eq!(parse(trust), documented("chalk:trust"), "{name}");
    }
    let trust = &role(&account, "ChalkProvisioningRole").trust_policy.text;
    assert!(trust.contains("754784422779:role/chalk-api-server"));
    assert!(!trust.contains("sts:ExternalId"));
}

#[test]
fn tags_hold_the_planted_mistakes() {
    let account = demo();
    let managed = |arn: &str| {
        account
            .resource(arn)
            .unwrap_or_else(|| panic!("no resource `{arn}`"))
            .tags
            .get("chalk.ai/managed-by")
            .cloned()
    };
    assert_eq!(
        managed("arn:aws:dynamodb:us-east-1:111122223333:table/payments-prod").as_deref(),
        Some("chalk")
    );
    assert_eq!(
        managed("arn:aws:dynamodb:us-east-1:111122223333:table/chalk-backfill-staging"),
        None
    );
    assert_eq!(
        managed("arn:aws:dynamodb:us-east-1:111122223333:table/chalk-online-store").as_deref(),
        Some("chalk")
    );
    let tagged_chalk = account
        .resources
        .iter()
        .filter(|r| r.tags.get("chalk.ai/managed-by").map(String::as_str) == Some("chalk"))
        .count();
    assert_eq!(tagged_chalk, 25);
    let services: std::collections::BTreeSet<&str> = account
        .resources
        .iter()
        .filter_map(|r| r.arn.split(':').nth(2))
        .collect();
    for service in [
        "dynamodb",
        "sqs",
        "s3",
        "kms",
        "secretsmanager",
        "rds",
        "elasticache",
        "eks",
        "logs",
        "ec2",
    ] {
        assert!(services.contains(service), "no {service} resource");
    }
}
