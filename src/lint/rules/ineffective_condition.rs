//! `ineffective-condition`: a condition that is always true for some of the actions it covers.

use std::rc::Rc;

use crate::declare_rule;
use crate::lint::context::{
    classify_key, summarize_list, KeyClass, LintContext, StatementActions, MAX_LISTED,
};
use crate::policy::{Condition, ConditionOp, Effect, Policy, SetQualifier};
use crate::report::Finding;

declare_rule! {
    /// ## What it does
    /// Flags, in `Allow` statements, conditions that do not restrict some of the actions they
    /// cover, and names those actions:
    ///
    /// - `...IfExists` on a key that the actions never carry (always true for them);
    /// - a negated operator (`StringNotEquals`, `ArnNotLike`, ...) on such a key;
    /// - `ForAllValues:` on such a key, or on a key that is absent for many principals
    ///   (`aws:PrincipalTag/...`, `aws:SourceVpce`): `ForAllValues` is true when the key is
    ///   absent or empty;
    /// - `"Null": {"key": "true"}` on a key that the actions never carry;
    /// - `StringLike` whose only value is `"*"` on a key present in every request, or with
    ///   `IfExists`: it matches everything.
    ///
    /// Only keys whose presence depends on the action (`aws:ResourceTag/...`,
    /// `aws:RequestTag/...`, `aws:TagKeys`, service keys) are judged per action.
    ///
    /// ## Why it matters
    /// The statement looks scoped but is not. With `ec2:*` on `*` and
    /// `StringEqualsIfExists` on `aws:ResourceTag/team`, every action that has no resource
    /// tag (`ec2:CreateVpc`, `ec2:RunInstances` on new resources, ...) is allowed without any
    /// condition. In a `Deny` an always-true condition only makes the deny broader, so those
    /// statements are not checked.
    ///
    /// ## Example
    /// ```json
    /// {
    ///   "Effect": "Allow",
    ///   "Action": "ec2:*",
    ///   "Resource": "*",
    ///   "Condition": { "StringEqualsIfExists": { "aws:ResourceTag/team": "data" } }
    /// }
    /// ```
    ///
    /// ## Remediation
    /// Use the operator without `IfExists` and split the actions that cannot carry the key into
    /// their own, narrower statement; use `ForAnyValue:` or add a `"Null": {"key": "false"}`
    /// test next to `ForAllValues:`; replace `StringLike "*"` with a real value.
    ///
    /// ## References
    /// - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
    /// - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
    /// - https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html
    pub struct IneffectiveCondition {
        id: "ineffective-condition",
        severity: High,
        summary: "a condition that is always true for some of the actions it covers",
    }
}

/// Why a condition is true when its key is missing, if it is.
fn true_when_missing(cond: &Condition) -> Option<String> {
    let op = cond.operator.value;
    let key = &cond.key.value;
    if op.op == ConditionOp::Null {
        let tests_absence = cond
            .values
            .iter()
            .any(|v| v.value.eq_ignore_ascii_case("true"));
        return tests_absence.then(|| format!("`Null` `true` holds when `{key}` is missing"));
    }
    if op.set == Some(SetQualifier::ForAllValues) {
        return Some(format!("`{op}` is true when `{key}` is missing or empty"));
    }
    (op.if_exists || op.op.is_negated()).then(|| format!("`{op}` is true when `{key}` is missing"))
}

fn matches_anything(cond: &Condition) -> bool {
    cond.operator.value.op == ConditionOp::StringLike
        && cond.operator.value.set.is_none()
        && !cond.values.is_empty()
        && cond.values.iter().all(|v| v.value == "*")
}

/// Reports conditions that leave some of their actions unrestricted.
pub fn check(policy: &Policy, cx: &LintContext<'_>, out: &mut Vec<Finding>) {
    let meta = IneffectiveCondition::META;
    for stmt in policy
        .statements
        .iter()
        .filter(|s| s.effect.value == Effect::Allow)
    {
        let mut expanded: Option<Rc<StatementActions<'_>>> = None;
        for cond in &stmt.conditions {
            let key = &cond.key.value;
            let op = cond.operator.value;
            let class = classify_key(cx.catalog, key);
            let finding = |message: String| {
                Finding::new(meta.id, meta.severity, message)
                    .at(cx.location(cond.key.pos, stmt.condition_pointer(cond)))
                    .in_statement(stmt.label())
                    .subject(key.clone())
            };
            if matches_anything(cond) && (op.if_exists || class == KeyClass::Always) {
                out.push(finding(format!(
                    "`{op}` with the only value `*` matches every value of `{key}`, so the condition is always true"
                )));
                continue;
            }
            let Some(reason) = true_when_missing(cond) else {
                continue;
            };
            match class {
                KeyClass::ActionDependent => {
                    let actions = expanded.get_or_insert_with(|| cx.statement_actions(stmt));
                    let affected: Vec<String> = actions
                        .actions
                        .iter()
                        .filter(|a| !cx.catalog.action_supports_key(a, key))
                        .map(|a| a.full_name())
                        .collect();
                    if affected.is_empty() {
                        continue;
                    }
                    let what = match affected.as_slice() {
                        [one] => format!("`{one}`, so it does not restrict it"),
                        many => format!("{} actions, so it does not restrict them", many.len()),
                    };
                    out.push(
                        finding(format!("{reason}, which it always is for {what}"))
                            .detail("affected actions", summarize_list(&affected, MAX_LISTED)),
                    );
                }
                KeyClass::Conditional if op.set == Some(SetQualifier::ForAllValues) => {
                    out.push(finding(format!(
                        "{reason}, which it is for many requests, so the condition does not restrict them"
                    )));
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
    fn flags_conditions_that_are_true_for_actions_without_the_key() {
        let found = run_check(
            check,
            include_str!("../../../fixtures/lint/ineffective-condition/flagged.json"),
        );
        let got = located(&found);
        assert_eq!(
            got,
            [
                (
                    "ineffective-condition",
                    Some(9),
                    Some(34),
                    "/Statement/0/Condition/StringEqualsIfExists/aws:ResourceTag~1team"
                ),
                (
                    "ineffective-condition",
                    Some(17),
                    Some(39),
                    "/Statement/1/Condition/ForAllValues:StringEquals/aws:PrincipalTag~1team"
                ),
                (
                    "ineffective-condition",
                    Some(18),
                    Some(18),
                    "/Statement/1/Condition/Null/aws:ResourceTag~1env"
                ),
                (
                    "ineffective-condition",
                    Some(19),
                    Some(24),
                    "/Statement/1/Condition/StringLike/aws:PrincipalArn"
                ),
            ]
        );
        let affected = &found[0].details[0].1;
        assert!(affected.contains("ec2:CancelBundleTask"), "{affected}");
        assert!(affected.ends_with(" more"), "{affected}");
        assert_eq!(found[2].details[0].1, "sts:GetCallerIdentity");
    }

    #[test]
    fn ignores_deny_statements_and_keys_the_actions_carry() {
        let found = run_check(
            check,
            include_str!("../../../fixtures/lint/ineffective-condition/clean.json"),
        );
        assert_eq!(found, []);
    }
}
