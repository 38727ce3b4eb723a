//! `wildcard-resource-write`: write-like actions allowed on `"Resource": "*"` without a condition.

use crate::catalog::{split_arn, Action};
use crate::declare_rule;
use crate::lint::context::LintContext;
use crate::policy::{Effect, Policy, Statement};
use crate::report::Finding;

use super::grants::{has_restricting_condition, is_only_wildcards};

/// How many action names a finding lists before `and N more`.
const MAX_LISTED: usize = 10;

declare_rule! {
    /// ## What it does
    ///
    /// Flags each `Allow` statement that grants Write, Permissions management or Tagging
    /// actions (by the catalog's access level; composite levels such as `Tagging, Write`
    /// count) on a resource that is only wildcards (`*`, or an ARN such as `arn:*:*:*:*:*`
    /// whose fields after the partition are only wildcards), when the statement has no
    /// restricting condition. One finding per statement, at the wildcard resource.
    ///
    /// A *restricting condition* is kept simple: at least one condition whose operator is
    /// positive (not `StringNotEquals`, `NotIpAddress`...), has no `IfExists`, has no
    /// `ForAllValues:`, and, for `StringLike`/`ArnLike`, has a value that is not only
    /// wildcards. Whether the condition key is ever present for the action is not checked.
    ///
    /// Action patterns are expanded with the catalog; the details name the write actions
    /// (truncated with a count). Actions that accept only `"*"` (no resource-level
    /// permissions, such as `ec2:AdvertiseByoipCidr`) are reported too, but separately, and
    /// when a statement's write actions all accept only `*` the message says so. `NotAction`
    /// statements are left to `allow-with-not-action`.
    ///
    /// ## Why it matters
    ///
    /// A write grant on `*` reaches every resource of that type in the account (and, for
    /// services such as S3, other accounts' resources that trust the account), including
    /// resources created later.
    ///
    /// ## Example
    ///
    /// ```json
    /// {
    ///   "Version": "2012-10-17",
    ///   "Statement": [{ "Effect": "Allow", "Action": "s3:PutObject", "Resource": "*" }]
    /// }
    /// ```
    ///
    /// ## Remediation
    ///
    /// Name the resources (ARN patterns), or add a condition such as
    /// `"StringEquals": {"aws:ResourceTag/team": "data"}` for actions that support it.
    ///
    /// ## References
    ///
    /// - https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege
    /// - https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html
    pub struct WildcardResourceWrite {
        id: "wildcard-resource-write",
        severity: High,
        summary: "write, permissions-management or tagging actions are allowed on `\"Resource\": \"*\"` with no restricting condition",
    }
}

/// Flags unconditioned write-like grants on wildcard resources.
pub fn check(policy: &Policy, cx: &LintContext<'_>, out: &mut Vec<Finding>) {
    let meta = WildcardResourceWrite::META;
    for statement in &policy.statements {
        if statement.effect.value != Effect::Allow
            || statement.action.negated
            || has_restricting_condition(statement)
        {
            continue;
        }
        let Some(resource) = statement
            .resource
            .as_ref()
            .filter(|r| !r.negated)
            .and_then(|r| r.items.iter().find(|i| is_wildcard_resource(&i.value)))
        else {
            continue;
        };
        let (scoped, star_only) = write_actions(cx, statement);
        if scoped.is_empty() && star_only.is_empty() {
            continue;
        }
        let message = if scoped.is_empty() {
            format!(
                "{} write action(s) allowed on `{}` with no restricting condition; they accept only `*`, so only a condition can narrow them",
                star_only.len(),
                resource.value
            )
        } else {
            format!(
                "{} write action(s) that accept specific resources are allowed on `{}` with no restricting condition",
                scoped.len(),
                resource.value
            )
        };
        let mut finding = Finding::new(meta.id, meta.severity, message)
            .at(cx.location(resource.pos, statement.resource_pointer(resource)))
            .in_statement(statement.label())
            .subject(resource.value.clone());
        if !scoped.is_empty() {
            finding = finding.detail("affected actions", names(&scoped));
        }
        if !star_only.is_empty() {
            finding = finding.detail("actions that accept only `*`", names(&star_only));
        }
        out.push(finding);
    }
}

/// The write-like actions a statement's `Action` names, sorted and deduplicated: those that
/// accept specific resources, then those that accept only `*`.
fn write_actions<'c>(
    cx: &LintContext<'c>,
    statement: &Statement,
) -> (Vec<&'c Action>, Vec<&'c Action>) {
    let mut all: Vec<&'c Action> = Vec::new();
    let everything = statement.action.items.iter().any(|i| {
        i.value
            .split(':')
            .all(|part| is_only_wildcards(part) && part.contains('*'))
    });
    if everything {
        // The catalog's own order is already sorted and unique.
        all.extend(cx.catalog.actions().filter(|a| a.access.is_write_like()));
    } else {
        for item in &statement.action.items {
            all.extend(
                cx.expand(&item.value)
                    .iter()
                    .copied()
                    .filter(|a| a.access.is_write_like()),
            );
        }
        all.sort_unstable_by(|a, b| (a.service, a.name).cmp(&(b.service, b.name)));
        all.dedup_by(|a, b| std::ptr::eq(*a, *b));
    }
    all.into_iter().partition(|a| !a.accepts_only_star())
}

/// The first names of `actions` in backticks, with `and N more` past [`MAX_LISTED`].
fn names(actions: &[&Action]) -> String {
    let shown: Vec<String> = actions
        .iter()
        .take(MAX_LISTED)
        .map(|a| format!("`{}:{}`", a.service, a.name))
        .collect();
    let mut out = shown.join(", ");
    if actions.len() > MAX_LISTED {
        out.push_str(&format!(" and {} more", actions.len() - MAX_LISTED));
    }
    out
}

/// `*`-only resources, and ARNs whose fields after the partition are all empty or wildcards
/// with at least one wildcard (`arn:aws:*:*:*:*`).
fn is_wildcard_resource(value: &str) -> bool {
    if is_only_wildcards(value) {
        return value.contains('*');
    }
    let Some(arn) = split_arn(value) else {
        return false;
    };
    let fields = [arn.service, arn.region, arn.account, arn.resource];
    let empty_or_wild = |s: &str| s.is_empty() || is_only_wildcards(s);
    fields.iter().all(|f| empty_or_wild(f))
        && is_only_wildcards(arn.service)
        && arn.resource.contains('*')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::context::PolicyKind;
    use crate::lint::rules::grants::{places, run_check};

    #[test]
    fn flags_write_actions_on_star_once_per_statement() {
        let findings = run_check(
            include_str!("../../../fixtures/lint/wildcard-resource-write/flagged.json"),
            PolicyKind::Identity,
            check,
        );
        assert_eq!(
            places(&findings),
            vec![
                (7, 19, "/Statement/0/Resource".to_string()),
                (12, 42, "/Statement/1/Resource/1".to_string()),
                (17, 19, "/Statement/2/Resource".to_string()),
            ]
        );
        assert!(findings.iter().all(|f| f.rule == "wildcard-resource-write"));
        assert_eq!(
            findings[0].details[0],
            (
                "affected actions".to_string(),
                "`s3:PutObject`, `sqs:SendMessage`".to_string()
            )
        );
        assert!(findings[2].message.contains("accept only `*`"));
        assert!(findings[2].details[0]
            .1
            .contains("`ec2:AdvertiseByoipCidr`"));
    }

    #[test]
    fn truncates_expanded_wildcards_with_a_count() {
        let findings = run_check(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#,
            PolicyKind::Identity,
            check,
        );
        assert_eq!(findings.len(), 1);
        assert!(findings[0].details[0].1.contains(" more"));
    }

    #[test]
    fn accepts_read_only_scoped_and_conditioned_grants() {
        let findings = run_check(
            include_str!("../../../fixtures/lint/wildcard-resource-write/clean.json"),
            PolicyKind::Identity,
            check,
        );
        assert!(findings.is_empty(), "{findings:?}");
    }

    #[test]
    fn recognises_all_wildcard_arns() {
        assert!(is_wildcard_resource("*"));
        assert!(is_wildcard_resource("arn:aws:*:*:*:*"));
        assert!(is_wildcard_resource("arn:*:*:*:*:*"));
        assert!(!is_wildcard_resource("arn:aws:s3:::*"));
        assert!(!is_wildcard_resource("arn:aws:ecr:*"));
    }
}
