//! `allow-with-not-action`: `Allow` combined with `NotAction` or `NotResource`.

use crate::declare_rule;
use crate::lint::context::LintContext;
use crate::policy::{Effect, ItemList, Policy, Statement};
use crate::report::Finding;

use super::grants::list_truncated;

declare_rule! {
    /// ## What it does
    ///
    /// Flags each `NotAction` or `NotResource` element of an `Allow` statement (one finding per
    /// element, at the element).
    ///
    /// ## Why it matters
    ///
    /// `Allow` + `NotAction` grants every action except the listed ones, including actions
    /// of services that do not exist yet; `Allow` + `NotResource` grants the actions on every
    /// resource except the listed ones, in every account. Both are easy to misread as
    /// restrictions and grow silently over time.
    ///
    /// ## Example
    ///
    /// ```json
    /// {
    ///   "Version": "2012-10-17",
    ///   "Statement": [{ "Effect": "Allow", "NotAction": "iam:*", "Resource": "*" }]
    /// }
    /// ```
    ///
    /// ## Remediation
    ///
    /// List what is allowed with `Action`/`Resource`. To carve out exceptions from a broad
    /// grant, add a separate `Deny` statement, where `NotAction`/`NotResource` is safe.
    ///
    /// ## References
    ///
    /// - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html
    /// - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notresource.html
    pub struct AllowWithNotAction {
        id: "allow-with-not-action",
        severity: High,
        summary: "an `Allow` statement uses `NotAction` or `NotResource`, granting everything not listed",
    }
}

/// Flags `NotAction` and `NotResource` in `Allow` statements.
pub fn check(policy: &Policy, cx: &LintContext<'_>, out: &mut Vec<Finding>) {
    for statement in &policy.statements {
        if statement.effect.value != Effect::Allow {
            continue;
        }
        if statement.action.negated {
            out.push(finding(
                cx,
                statement,
                &statement.action,
                "NotAction",
                "every action",
            ));
        }
        if let Some(resource) = statement.resource.as_ref().filter(|r| r.negated) {
            out.push(finding(
                cx,
                statement,
                resource,
                "NotResource",
                "its actions on every resource",
            ));
        }
    }
}

fn finding(
    cx: &LintContext<'_>,
    statement: &Statement,
    list: &ItemList,
    key: &str,
    what: &str,
) -> Finding {
    let meta = AllowWithNotAction::META;
    let names: Vec<String> = list.items.iter().map(|i| i.value.clone()).collect();
    Finding::new(
        meta.id,
        meta.severity,
        format!(
            "`Allow` with `{key}` grants {what} except {}",
            list_truncated(&names, 5)
        ),
    )
    .at(cx.location(list.pos, format!("{}/{key}", statement.pointer())))
    .in_statement(statement.label())
    .subject(key)
    .detail(
        "suggestion",
        format!("list what is allowed instead, or move `{key}` to a `Deny` statement"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::context::PolicyKind;
    use crate::lint::rules::grants::{places, run_check};

    #[test]
    fn flags_not_action_and_not_resource_in_allow() {
        let findings = run_check(
            include_str!("../../../fixtures/lint/allow-with-not-action/flagged.json"),
            PolicyKind::Identity,
            check,
        );
        assert_eq!(
            places(&findings),
            vec![
                (6, 20, "/Statement/0/NotAction".to_string()),
                (12, 22, "/Statement/1/NotResource".to_string()),
            ]
        );
        assert!(findings.iter().all(|f| f.rule == "allow-with-not-action"));
        assert_eq!(
            findings[0].message,
            "`Allow` with `NotAction` grants every action except `iam:*`, `organizations:*`"
        );
    }

    #[test]
    fn ignores_not_action_in_deny() {
        let findings = run_check(
            include_str!("../../../fixtures/lint/allow-with-not-action/clean.json"),
            PolicyKind::Identity,
            check,
        );
        assert!(findings.is_empty(), "{findings:?}");
    }
}
