//! `service-wildcard`: `service:*` or `*` in an `Allow` statement's `Action`.

use crate::catalog::text::has_wildcard;
use crate::declare_rule;
use crate::lint::context::LintContext;
use crate::policy::{Effect, Policy};
use crate::report::Finding;

use super::grants::is_only_wildcards;

declare_rule! {
    /// ## What it does
    ///
    /// Flags each `Action` item of an `Allow` statement that grants every action of a service
    /// (`s3:*`) or of every service (`*`). Patterns that keep part of the name
    /// (`s3:Get*`) are not flagged, and neither is `NotAction` (see `allow-with-not-action`).
    ///
    /// ## Why it matters
    ///
    /// A service wildcard grants today's destructive and permission-changing actions of the
    /// service along with the ones the workload needs, and silently grows whenever AWS adds
    /// actions to the service.
    ///
    /// ## Example
    ///
    /// ```json
    /// {
    ///   "Version": "2012-10-17",
    ///   "Statement": [{ "Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::reports/*" }]
    /// }
    /// ```
    ///
    /// ## Remediation
    ///
    /// List the actions the workload uses (IAM Access Analyzer can generate the list from
    /// CloudTrail activity), or at least narrow the pattern (`s3:Get*`).
    ///
    /// ## References
    ///
    /// - https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege
    /// - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html
    pub struct ServiceWildcard {
        id: "service-wildcard",
        severity: Medium,
        summary: "an `Allow` statement grants every action of a service (`service:*`) or of all services (`*`)",
    }
}

/// Flags `*` and `service:*` items of `Allow` statements' `Action`.
pub fn check(policy: &Policy, cx: &LintContext<'_>, out: &mut Vec<Finding>) {
    let meta = ServiceWildcard::META;
    for statement in &policy.statements {
        if statement.effect.value != Effect::Allow || statement.action.negated {
            continue;
        }
        for item in &statement.action.items {
            let value = item.value.as_str();
            let (message, count) = match value.split_once(':') {
                None if is_only_wildcards(value) && value.contains('*') => (
                    format!("`{value}` grants every action of every service"),
                    cx.catalog.info().actions,
                ),
                Some((prefix, name))
                    if is_only_wildcards(name)
                        && name.contains('*')
                        && is_only_wildcards(prefix)
                        && prefix.contains('*') =>
                {
                    (
                        format!("`{value}` grants every action of every service"),
                        cx.catalog.info().actions,
                    )
                }
                Some((prefix, name))
                    if is_only_wildcards(name) && name.contains('*') && !has_wildcard(prefix) =>
                {
                    let count = cx
                        .catalog
                        .service(prefix)
                        .map_or(0, |service| service.actions.len());
                    (
                        format!("`{value}` grants every action of service `{prefix}`"),
                        count,
                    )
                }
                _ => continue,
            };
            out.push(
                Finding::new(meta.id, meta.severity, message)
                    .at(cx.location(item.pos, statement.action_pointer(item)))
                    .in_statement(statement.label())
                    .subject(value)
                    .detail("actions granted today", count.to_string()),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::context::PolicyKind;
    use crate::lint::rules::grants::{places, run_check};

    #[test]
    fn flags_each_service_and_global_wildcard() {
        let findings = run_check(
            include_str!("../../../fixtures/lint/service-wildcard/flagged.json"),
            PolicyKind::Identity,
            check,
        );
        assert_eq!(
            places(&findings),
            vec![
                (6, 18, "/Statement/0/Action/0".to_string()),
                (6, 37, "/Statement/0/Action/2".to_string()),
                (11, 17, "/Statement/1/Action".to_string()),
            ]
        );
        assert!(findings.iter().all(|f| f.rule == "service-wildcard"));
        assert_eq!(
            findings[0].message,
            "`s3:*` grants every action of service `s3`"
        );
        assert_eq!(findings[2].subject.as_deref(), Some("*"));
    }

    #[test]
    fn ignores_partial_patterns_deny_and_not_action() {
        let findings = run_check(
            include_str!("../../../fixtures/lint/service-wildcard/clean.json"),
            PolicyKind::Identity,
            check,
        );
        assert!(findings.is_empty(), "{findings:?}");
    }
}
