//! `cross-account-bucket-pattern`: a wildcard S3 bucket name without a resource-account condition.

use crate::catalog::split_arn;
use crate::declare_rule;
use crate::lint::context::LintContext;
use crate::policy::{Effect, Policy, Statement};
use crate::report::Finding;

use super::grants::{
    has_restricting_condition_on, has_wildcard, is_only_wildcards, wildcard_match,
};

/// Condition keys that pin the account owning the resource.
const ACCOUNT_KEYS: [&str; 2] = ["aws:ResourceAccount", "s3:ResourceAccount"];

declare_rule! {
    /// ## What it does
    ///
    /// Flags each S3 bucket or object ARN of an `Allow` statement whose bucket name mixes
    /// literal text and a wildcard (`arn:aws:s3:::chalk-*`, `arn:aws:s3:::logs-??/*`) when the
    /// statement can grant S3 actions and has no positive `aws:ResourceAccount` or
    /// `s3:ResourceAccount` condition. One finding per resource item.
    ///
    /// Not flagged:
    /// - bucket names that are only wildcards (`arn:aws:s3:::*`): they do not pose as scoped,
    ///   and `wildcard-resource-write` covers them;
    /// - policy variables (`${aws:username}`), which IAM substitutes;
    /// - policies that also have a `Deny` statement with a negated condition on one of those
    ///   keys (`StringNotEquals` `aws:ResourceAccount`), the usual guardrail pattern.
    ///
    /// ## Why it matters
    ///
    /// Bucket ARNs name no account and bucket names are global, so `chalk-*` also matches
    /// buckets that anyone, in any account, can create with that prefix. The role can then
    /// write data into (or read data from) a stranger's bucket whenever that bucket's policy
    /// lets it, which is how data gets exfiltrated or poisoned ("bucket sniping").
    ///
    /// ## Example
    ///
    /// ```json
    /// {
    ///   "Version": "2012-10-17",
    ///   "Statement": [{ "Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::chalk-*" }]
    /// }
    /// ```
    ///
    /// ## Remediation
    ///
    /// Add `"Condition": {"StringEquals": {"aws:ResourceAccount": "<your account id>"}}`, or
    /// list exact bucket names.
    ///
    /// ## References
    ///
    /// - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-resourceaccount
    /// - https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
    /// - https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html#amazons3-policy-keys
    pub struct CrossAccountBucketPattern {
        id: "cross-account-bucket-pattern",
        severity: Medium,
        summary: "an S3 bucket name pattern can match other accounts' buckets (no `aws:ResourceAccount` condition)",
    }
}

/// Flags wildcard bucket-name ARNs in `Allow` statements without a resource-account condition.
pub fn check(policy: &Policy, cx: &LintContext<'_>, out: &mut Vec<Finding>) {
    let meta = CrossAccountBucketPattern::META;
    if has_account_guardrail(policy) {
        return;
    }
    for statement in &policy.statements {
        if statement.effect.value != Effect::Allow
            || !grants_s3(statement)
            || has_restricting_condition_on(statement, &ACCOUNT_KEYS)
        {
            continue;
        }
        let Some(resources) = statement.resource.as_ref().filter(|r| !r.negated) else {
            continue;
        };
        for item in &resources.items {
            let Some(bucket) = wildcard_bucket(&item.value) else {
                continue;
            };
            out.push(
                Finding::new(
                    meta.id,
                    meta.severity,
                    format!(
                        "`{}` matches buckets named `{bucket}` in any account, as no `aws:ResourceAccount` condition pins the owner",
                        item.value
                    ),
                )
                .at(cx.location(item.pos, statement.resource_pointer(item)))
                .in_statement(statement.label())
                .subject(item.value.clone())
                .detail(
                    "suggestion",
                    "add `\"Condition\": {\"StringEquals\": {\"aws:ResourceAccount\": \"<account id>\"}}`",
                ),
            );
        }
    }
}

/// Whether the statement's actions can include an S3 action.
fn grants_s3(statement: &Statement) -> bool {
    statement.action.negated
        || statement.action.items.iter().any(|i| {
            let prefix = i.value.split_once(':').map_or(i.value.as_str(), |(p, _)| p);
            wildcard_match(prefix, "s3")
        })
}

/// The bucket name of an S3 bucket/object ARN when it mixes literals and wildcards.
fn wildcard_bucket(value: &str) -> Option<&str> {
    let arn = split_arn(value)?;
    let empty_or_wild = |s: &str| s.is_empty() || is_only_wildcards(s);
    if !arn.service.eq_ignore_ascii_case("s3")
        || !empty_or_wild(arn.region)
        || !empty_or_wild(arn.account)
    {
        return None;
    }
    let bucket = arn.resource.split('/').next().unwrap_or(arn.resource);
    let without_variables = strip_variables(bucket);
    (has_wildcard(&without_variables) && !is_only_wildcards(&without_variables)).then_some(bucket)
}

/// `bucket` with `${...}` policy variables removed (IAM substitutes them).
fn strip_variables(bucket: &str) -> String {
    let mut out = String::with_capacity(bucket.len());
    let mut rest = bucket;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        match rest[start..].find('}') {
            Some(len) => rest = &rest[start + len + 1..],
            None => {
                rest = &rest[start..];
                break;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Whether some `Deny` statement refuses requests for resources outside an account
/// (`StringNotEquals` on `aws:ResourceAccount` / `s3:ResourceAccount`).
fn has_account_guardrail(policy: &Policy) -> bool {
    policy.statements.iter().any(|s| {
        s.effect.value == Effect::Deny
            && s.conditions.iter().any(|c| {
                c.operator.value.op.is_negated()
                    && ACCOUNT_KEYS
                        .iter()
                        .any(|k| c.key.value.eq_ignore_ascii_case(k))
            })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::context::PolicyKind;
    use crate::lint::rules::grants::{places, run_check};

    #[test]
    fn flags_prefixed_bucket_patterns_without_account_condition() {
        let findings = run_check(
            include_str!("../../../fixtures/lint/cross-account-bucket-pattern/flagged.json"),
            PolicyKind::Identity,
            check,
        );
        assert_eq!(
            places(&findings),
            vec![
                (8, 9, "/Statement/0/Resource/0".to_string()),
                (9, 9, "/Statement/0/Resource/1".to_string()),
            ]
        );
        assert!(findings
            .iter()
            .all(|f| f.rule == "cross-account-bucket-pattern"));
        assert!(findings[0].message.contains("`chalk-*`"));
    }

    #[test]
    fn accepts_account_condition_exact_names_and_variables() {
        let findings = run_check(
            include_str!("../../../fixtures/lint/cross-account-bucket-pattern/clean.json"),
            PolicyKind::Identity,
            check,
        );
        assert!(findings.is_empty(), "{findings:?}");
    }

    #[test]
    fn flags_the_chalk_scoped_policy_bucket() {
        let findings = run_check(
            include_str!("../../../fixtures/chalk/scoped-execution.json"),
            PolicyKind::Identity,
            check,
        );
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].subject.as_deref(), Some("arn:aws:s3:::chalk-*"));
        assert_eq!(findings[0].location.pointer, "/Statement/1/Resource/2");
    }

    #[test]
    fn ignores_pure_wildcard_and_non_bucket_arns() {
        assert_eq!(wildcard_bucket("arn:aws:s3:::*"), None);
        assert_eq!(wildcard_bucket("arn:aws:s3:::*/*"), None);
        assert_eq!(
            wildcard_bucket("arn:aws:s3:us-east-1:123456789012:accesspoint/a*"),
            None
        );
        assert_eq!(wildcard_bucket("arn:aws:s3:::${aws:username}"), None);
        assert_eq!(wildcard_bucket("arn:aws:s3:::logs-??/x"), Some("logs-??"));
    }
}
