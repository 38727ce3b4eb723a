//! `trust-wildcard-principal`: `"Principal": "*"` in an `Allow` statement with nothing pinning the caller.

use crate::declare_rule;
use crate::lint::context::LintContext;
use crate::policy::{Effect, Policy, PrincipalKind, Statement};
use crate::report::Finding;

use super::grants::{has_restricting_condition_on, principal_pointer};

/// Condition keys that pin who the caller is (or on whose behalf a service calls).
const PINNING_KEYS: [&str; 10] = [
    "aws:PrincipalArn",
    "aws:PrincipalAccount",
    "aws:PrincipalOrgID",
    "aws:PrincipalOrgPaths",
    "aws:SourceAccount",
    "aws:SourceArn",
    "aws:SourceOrgID",
    "aws:SourceOrgPaths",
    "sts:ExternalId",
    "aws:userid",
];

declare_rule! {
    /// ## What it does
    ///
    /// In a trust or resource policy, flags each `Allow` statement whose principal is everyone
    /// (`"Principal": "*"` or `{"AWS": "*"}`) when no condition pins the caller: a restricting
    /// condition (positive operator, no `IfExists`, not only wildcards) on one of
    /// `aws:PrincipalArn`, `aws:PrincipalAccount`, `aws:PrincipalOrgID`,
    /// `aws:PrincipalOrgPaths`, `aws:SourceAccount`, `aws:SourceArn`, `aws:SourceOrgID`,
    /// `aws:SourceOrgPaths`, `sts:ExternalId` or `aws:userid`. One finding per statement, at
    /// the principal.
    ///
    /// Other conditions (`aws:SourceIp`, `aws:SourceVpce`, `aws:SecureTransport`) narrow the
    /// network path but not who may call, so they do not suppress the finding.
    ///
    /// ## Why it matters
    ///
    /// `*` includes every AWS account and, for most resource policies, anonymous callers: a
    /// trust policy with it lets anyone assume the role, a bucket or queue policy with it makes
    /// the resource public.
    ///
    /// ## Example
    ///
    /// ```json
    /// {
    ///   "Version": "2012-10-17",
    ///   "Statement": [{ "Effect": "Allow", "Principal": { "AWS": "*" }, "Action": "sts:AssumeRole" }]
    /// }
    /// ```
    ///
    /// ## Remediation
    ///
    /// Name the principals, or add a condition such as
    /// `"StringEquals": {"aws:PrincipalOrgID": "o-exampleorgid"}`.
    ///
    /// ## References
    ///
    /// - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-anonymous
    /// - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalorgid
    pub struct TrustWildcardPrincipal {
        id: "trust-wildcard-principal",
        severity: Critical,
        summary: "a trust or resource policy allows `\"*\"` as principal with no condition pinning the caller",
    }
}

/// Flags `Allow` statements with an everyone principal and no pinning condition.
pub fn check(policy: &Policy, cx: &LintContext<'_>, out: &mut Vec<Finding>) {
    let meta = TrustWildcardPrincipal::META;
    for statement in &policy.statements {
        let Some(principals) = statement.principal.as_ref().filter(|p| !p.negated) else {
            continue;
        };
        if statement.effect.value != Effect::Allow
            || has_restricting_condition_on(statement, &PINNING_KEYS)
        {
            continue;
        }
        let (pos, pointer) = if principals.everyone {
            (principals.pos, format!("{}/Principal", statement.pointer()))
        } else {
            let Some((kind, item)) = principals
                .entries
                .iter()
                .find(|(kind, item)| *kind == PrincipalKind::Aws && item.value == "*")
            else {
                continue;
            };
            (item.pos, principal_pointer(statement, *kind, item))
        };
        out.push(
            Finding::new(
                meta.id,
                meta.severity,
                format!(
                    "any principal, in any account, is allowed {} with no condition pinning the caller",
                    actions_phrase(statement)
                ),
            )
            .at(cx.location(pos, pointer))
            .in_statement(statement.label())
            .subject("*")
            .detail(
                "suggestion",
                "name the principals or add a `StringEquals` condition on `aws:PrincipalOrgID` or `aws:PrincipalAccount`",
            ),
        );
    }
}

fn actions_phrase(statement: &Statement) -> String {
    let names: Vec<String> = statement
        .action
        .items
        .iter()
        .map(|i| format!("`{}`", i.value))
        .collect();
    let shown = names.iter().take(3).cloned().collect::<Vec<_>>().join(", ");
    let more = if names.len() > 3 {
        format!(" and {} more", names.len() - 3)
    } else {
        String::new()
    };
    if statement.action.negated {
        format!("every action except {shown}{more}")
    } else {
        format!("{shown}{more}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::context::PolicyKind;
    use crate::lint::rules::grants::{places, run_check};

    #[test]
    fn flags_everyone_principals_without_pinning_condition() {
        let findings = run_check(
            include_str!("../../../fixtures/lint/trust-wildcard-principal/flagged.json"),
            PolicyKind::Trust,
            check,
        );
        assert_eq!(
            places(&findings),
            vec![
                (5, 48, "/Statement/0/Principal/AWS".to_string()),
                (11, 20, "/Statement/1/Principal".to_string()),
            ]
        );
        assert!(findings
            .iter()
            .all(|f| f.rule == "trust-wildcard-principal"));
        assert!(findings[0].message.contains("`sts:AssumeRole`"));
    }

    #[test]
    fn accepts_pinned_callers_and_deny() {
        let findings = run_check(
            include_str!("../../../fixtures/lint/trust-wildcard-principal/clean.json"),
            PolicyKind::Resource,
            check,
        );
        assert!(findings.is_empty(), "{findings:?}");
    }
}
