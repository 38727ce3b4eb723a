//! `trust-missing-external-id`: a role trusts an AWS account or principal without `sts:ExternalId`.

use crate::declare_rule;
use crate::lint::context::{LintContext, PolicyKind};
use crate::policy::{ConditionOp, Effect, Policy, PrincipalKind, SetQualifier, Statement};
use crate::report::Finding;

use super::grants::{action_list_covers, principal_pointer};

declare_rule! {
    /// ## What it does
    ///
    /// In a trust policy, flags each `AWS` principal (an account id or an ARN) of an `Allow`
    /// statement granting `sts:AssumeRole` when the statement has no `sts:ExternalId` condition
    /// with a positive operator (`StringEquals`, `StringLike` or their `IgnoreCase` forms,
    /// without `IfExists` and without `ForAllValues:`). One finding per principal.
    ///
    /// Principals of the role's own account (`arn:aws:iam::111122223333:root`, the bare id
    /// `111122223333`, or a user or role of that account) are not third parties and are not
    /// flagged when the account is known: `iamscope lint --account-id 111122223333`, or the
    /// snapshot's account in `iamscope audit`. Without it every `AWS` principal is treated as
    /// potentially a third party, since the policy alone does not say which account is its
    /// own. `Service` and `Federated` principals are not flagged, and neither is `"*"` (see
    /// `trust-wildcard-principal`).
    ///
    /// ## Why it matters
    ///
    /// A vendor that assumes roles in many customer accounts can be tricked into using its
    /// access on another customer's behalf (the confused deputy): anyone who learns the role
    /// ARN can configure it in their own vendor account. A secret external id per customer,
    /// checked by the trust policy, prevents that.
    ///
    /// ## Example
    ///
    /// ```json
    /// {
    ///   "Version": "2012-10-17",
    ///   "Statement": [{
    ///     "Effect": "Allow",
    ///     "Principal": { "AWS": "arn:aws:iam::111122223333:role/vendor" },
    ///     "Action": "sts:AssumeRole"
    ///   }]
    /// }
    /// ```
    ///
    /// ## Remediation
    ///
    /// Add `"Condition": {"StringEquals": {"sts:ExternalId": "<the id the vendor gave you>"}}`.
    ///
    /// ## References
    ///
    /// - https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_common-scenarios_third-party.html
    /// - https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html
    pub struct TrustMissingExternalId {
        id: "trust-missing-external-id",
        severity: Critical,
        summary: "a trust policy lets another account assume the role without an `sts:ExternalId` condition",
    }
}

/// Flags `AWS` principals allowed `sts:AssumeRole` without an external id condition.
pub fn check(policy: &Policy, cx: &LintContext<'_>, out: &mut Vec<Finding>) {
    let meta = TrustMissingExternalId::META;
    if cx.kind != PolicyKind::Trust {
        return;
    }
    for statement in &policy.statements {
        let Some(principals) = statement.principal.as_ref().filter(|p| !p.negated) else {
            continue;
        };
        if statement.effect.value != Effect::Allow
            || !action_list_covers(&statement.action, "sts:AssumeRole")
            || has_external_id(statement)
        {
            continue;
        }
        for (kind, item) in &principals.entries {
            if *kind != PrincipalKind::Aws || item.value == "*" {
                continue;
            }
            let account = account_of(&item.value);
            if account.is_some() && account.as_deref() == cx.account_id {
                continue;
            }
            let mut finding = Finding::new(
                meta.id,
                meta.severity,
                format!(
                    "`{}` may assume this role without an `sts:ExternalId` condition",
                    item.value
                ),
            )
            .at(cx.location(item.pos, principal_pointer(statement, *kind, item)))
            .in_statement(statement.label())
            .subject(item.value.clone());
            if let Some(account) = account {
                finding = finding.detail("account", account);
            }
            out.push(finding.detail(
                "suggestion",
                "add `\"Condition\": {\"StringEquals\": {\"sts:ExternalId\": \"<external id>\"}}`",
            ));
        }
    }
}

/// Whether the statement requires an external id with a positive string operator.
fn has_external_id(statement: &Statement) -> bool {
    statement.conditions.iter().any(|c| {
        let op = c.operator.value;
        c.key.value.eq_ignore_ascii_case("sts:ExternalId")
            && matches!(
                op.op,
                ConditionOp::StringEquals
                    | ConditionOp::StringLike
                    | ConditionOp::StringEqualsIgnoreCase
            )
            && !op.if_exists
            && op.set != Some(SetQualifier::ForAllValues)
    })
}

/// The account id named by a principal: a bare 12-digit id or the account field of an ARN.
fn account_of(principal: &str) -> Option<String> {
    if principal.len() == 12 && principal.bytes().all(|c| c.is_ascii_digit()) {
        return Some(principal.to_string());
    }
    crate::catalog::split_arn(principal)
        .map(|arn| arn.account.to_string())
        .filter(|a| !a.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::rules::grants::{places, run_check};

    #[test]
    fn flags_each_aws_principal_without_external_id() {
        let findings = run_check(
            include_str!("../../../fixtures/lint/trust-missing-external-id/flagged.json"),
            PolicyKind::Trust,
            check,
        );
        assert_eq!(
            places(&findings),
            vec![
                (7, 11, "/Statement/0/Principal/AWS/0".to_string()),
                (8, 11, "/Statement/0/Principal/AWS/1".to_string()),
                (19, 29, "/Statement/1/Principal/AWS".to_string()),
            ]
        );
        assert!(findings
            .iter()
            .all(|f| f.rule == "trust-missing-external-id"));
        assert!(findings[0]
            .details
            .contains(&("account".into(), "754784422779".into())));
    }

    #[test]
    fn accepts_external_id_and_service_principals() {
        let findings = run_check(
            include_str!("../../../fixtures/lint/trust-missing-external-id/clean.json"),
            PolicyKind::Trust,
            check,
        );
        assert!(findings.is_empty(), "{findings:?}");
    }

    #[test]
    fn accepts_principals_of_the_role_own_account_when_known() {
        let text =
            include_str!("../../../fixtures/lint/trust-missing-external-id/same-account.json");
        let policy = match crate::policy::parse_policy(text) {
            Ok(p) => p,
            Err(e) => panic!("fixture does not parse: {e:?}"),
        };
        let catalog = crate::catalog::Catalog::get();
        let run = |account: Option<&str>| {
            let cx = LintContext::new("trust.json", catalog, &policy).with_account_id(account);
            let mut out = Vec::new();
            check(&policy, &cx, &mut out);
            out
        };
        // Only the third-party principal is left once the role's account is known.
        assert_eq!(
            places(&run(Some("111122223333"))),
            vec![(10, 11, "/Statement/0/Principal/AWS/3".to_string())]
        );
        // Without the account, the policy cannot tell its own account from another.
        assert_eq!(run(None).len(), 4);
        assert_eq!(run(Some("999999999999")).len(), 4);
    }

    #[test]
    fn accepts_the_chalk_trust_policy() {
        let findings = run_check(
            include_str!("../../../fixtures/chalk/trust.json"),
            PolicyKind::Trust,
            check,
        );
        assert!(findings.is_empty(), "{findings:?}");
    }

    #[test]
    fn flags_the_chalk_trust_policy_without_its_condition() {
        let findings = run_check(
            include_str!(
                "../../../fixtures/lint/trust-missing-external-id/chalk-no-external-id.json"
            ),
            PolicyKind::Trust,
            check,
        );
        assert_eq!(
            places(&findings),
            vec![(7, 8, "/Statement/0/Principal/AWS".to_string())]
        );
    }
}
