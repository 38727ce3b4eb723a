//! `unsupported-condition-key`: a condition key the statement's actions never carry.

use std::rc::Rc;

use crate::declare_rule;
use crate::lint::context::{
    classify_key, summarize_list, KeyClass, LintContext, PolicyKind, StatementActions, MAX_LISTED,
};
use crate::policy::{Condition, ConditionOp, Effect, Policy, SetQualifier, Statement};
use crate::report::Finding;

declare_rule! {
    /// ## What it does
    /// Flags, in `Allow` statements of identity policies, a condition with a positive
    /// operator (`StringEquals`, `ArnLike`, ...) on a key that some of the statement's actions
    /// never have in their request context, such as `aws:ResourceTag/...` on
    /// `route53:ListHostedZones`, `ec2:DescribeInstances` or `sts:GetCallerIdentity`. Each
    /// affected action is named. Only keys whose presence depends on the action are judged
    /// (`aws:ResourceTag/...`, `aws:RequestTag/...`, `aws:TagKeys` and service keys); actions
    /// reached only through a whole-service wildcard (`ec2:*`) are not listed, since tag-scoping
    /// `ec2:*` deliberately leaves out the actions that cannot be tag-scoped.
    ///
    /// It also flags, in any statement, a key whose prefix is a known service but which that
    /// service does not define (`s3:prefixx`), with the closest defined key.
    ///
    /// `...IfExists`, negated operators, `ForAllValues` and `Null` make the condition true when
    /// the key is missing; those cases are reported by `ineffective-condition`.
    ///
    /// ## Why it matters
    /// A positive condition on a missing key is false, so the statement grants nothing for
    /// those actions: the policy does not do what its author intended, and the usual "fix"
    /// under time pressure is to drop the condition altogether. A misspelled key makes the
    /// whole statement dead (in an `Allow`) or toothless (in a `Deny`).
    ///
    /// ## Example
    /// ```json
    /// {
    ///   "Effect": "Allow",
    ///   "Action": ["route53:List*", "eks:Describe*"],
    ///   "Resource": "*",
    ///   "Condition": { "StringEquals": { "aws:ResourceTag/team": "data" } }
    /// }
    /// ```
    /// `route53:ListHostedZones` has no resource and so no `aws:ResourceTag`: it is never allowed.
    ///
    /// ## Remediation
    /// Move the listed actions to a statement without the condition (they usually are read-only
    /// listing calls), or scope them with keys they support; fix misspelled keys.
    ///
    /// ## References
    /// - https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html
    /// - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
    /// - https://docs.aws.amazon.com/IAM/latest/UserGuide/access_tags.html
    pub struct UnsupportedConditionKey {
        id: "unsupported-condition-key",
        severity: Medium,
        summary: "a condition key that the statement's actions never carry, or that does not exist",
    }
}

/// Whether a missing key makes this condition false (rather than true).
fn false_when_missing(cond: &Condition) -> bool {
    let op = cond.operator.value;
    !op.if_exists
        && !op.op.is_negated()
        && op.op != ConditionOp::Null
        && op.set != Some(SetQualifier::ForAllValues)
}

fn applies_to_actions(stmt: &Statement, cx: &LintContext<'_>) -> bool {
    cx.kind == PolicyKind::Identity && stmt.effect.value == Effect::Allow && !stmt.action.negated
}

/// Reports condition keys that are unknown, or missing for some of the statement's actions.
pub fn check(policy: &Policy, cx: &LintContext<'_>, out: &mut Vec<Finding>) {
    let meta = UnsupportedConditionKey::META;
    for stmt in &policy.statements {
        let mut expanded: Option<Rc<StatementActions<'_>>> = None;
        for cond in &stmt.conditions {
            let key = &cond.key.value;
            let location = || cx.location(cond.key.pos, stmt.condition_pointer(cond));
            match classify_key(cx.catalog, key) {
                KeyClass::UnknownServiceKey { suggestion } => {
                    let prefix = key.split_once(':').map_or(key.as_str(), |(p, _)| p);
                    let mut finding = Finding::new(
                        meta.id,
                        meta.severity,
                        format!("`{key}` is not a condition key of service `{prefix}`"),
                    )
                    .at(location())
                    .in_statement(stmt.label())
                    .subject(key.clone());
                    if let Some(s) = suggestion {
                        finding = finding.detail("suggestion", s);
                    }
                    out.push(finding);
                }
                KeyClass::ActionDependent
                    if false_when_missing(cond) && applies_to_actions(stmt, cx) =>
                {
                    let actions = expanded.get_or_insert_with(|| cx.statement_actions(stmt));
                    let affected: Vec<String> = actions
                        .narrow_actions()
                        .filter(|a| !cx.catalog.action_supports_key(a, key))
                        .map(|a| a.full_name())
                        .collect();
                    if affected.is_empty() {
                        continue;
                    }
                    let count = affected.len();
                    let what = if count == 1 {
                        format!("`{}`", affected[0])
                    } else {
                        format!("{count} actions")
                    };
                    out.push(
                        Finding::new(
                            meta.id,
                            meta.severity,
                            format!(
                                "`{key}` is never present for {what} of this statement, so `{}` grants {} nothing",
                                cond.operator.value,
                                if count == 1 { "it" } else { "them" }
                            ),
                        )
                        .at(location())
                        .in_statement(stmt.label())
                        .subject(key.clone())
                        .detail("affected actions", summarize_list(&affected, MAX_LISTED)),
                    );
                }
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::context::{located, run_check};

    #[test]
    fn flags_tag_keys_on_untaggable_actions_and_misspelled_keys() {
        let found = run_check(
            check,
            include_str!("../../../fixtures/lint/unsupported-condition-key/flagged.json"),
        );
        let got = located(&found);
        assert_eq!(
            got,
            [
                (
                    "unsupported-condition-key",
                    Some(14),
                    Some(26),
                    "/Statement/0/Condition/StringEquals/aws:ResourceTag~1team"
                ),
                (
                    "unsupported-condition-key",
                    Some(24),
                    Some(11),
                    "/Statement/1/Condition/StringLike/s3:prefixx"
                ),
            ]
        );
        let affected = &found[0].details[0].1;
        assert!(affected.contains("route53:ListHostedZones"), "{affected}");
        assert!(affected.contains("sts:GetCallerIdentity"), "{affected}");
        assert!(!affected.contains("eks:DescribeCluster"), "{affected}");
        assert_eq!(
            found[1].details,
            [("suggestion".to_string(), "s3:prefix".to_string())]
        );
    }

    #[test]
    fn ignores_supported_keys_service_wildcards_and_if_exists() {
        let found = run_check(
            check,
            include_str!("../../../fixtures/lint/unsupported-condition-key/clean.json"),
        );
        assert_eq!(found, []);
    }
}
