//! `unknown-action`: an action or service prefix that does not exist.

use crate::catalog::text::has_wildcard;
use crate::declare_rule;
use crate::lint::context::LintContext;
use crate::policy::Policy;
use crate::report::Finding;

declare_rule! {
    /// ## What it does
    /// Flags `Action` and `NotAction` items that name no IAM action: an unknown service
    /// prefix (`s4:GetObject`), an unknown action (`s3:GetObjects`), a wildcard pattern
    /// that matches no action (`s3:Gett*`), or an item without a service prefix. Names are
    /// compared case-insensitively, as IAM does, and a close known name is suggested.
    ///
    /// ## Why it matters
    /// IAM accepts unknown action names without complaint, so a typo silently grants
    /// nothing (in an `Allow`) or denies nothing (in a `Deny`), and under `NotAction` it
    /// excludes nothing. A misspelled deny is a hole that looks like a control.
    ///
    /// ## Example
    /// ```json
    /// { "Effect": "Deny", "Action": "s3:DeleteObjects", "Resource": "*" }
    /// ```
    /// `s3:DeleteObjects` is not an action (the API call of that name is authorized by
    /// `s3:DeleteObject`), so nothing is denied.
    ///
    /// ## Remediation
    /// Use the suggested name, or look the action up in the Service Authorization Reference.
    /// Actions retired by AWS can be removed.
    ///
    /// ## References
    /// - https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html
    /// - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html
    pub struct UnknownAction {
        id: "unknown-action",
        severity: High,
        summary: "an action or service prefix that does not exist",
    }
}

/// Why an action item names nothing.
enum Problem {
    NoPrefix,
    UnknownService(String),
    UnknownAction,
    EmptyPattern,
}

fn problem(cx: &LintContext<'_>, value: &str) -> Option<Problem> {
    let catalog = cx.catalog;
    if value.bytes().all(|c| c == b'*') {
        return None;
    }
    let Some((prefix, _)) = value.split_once(':') else {
        return Some(Problem::NoPrefix);
    };
    let wildcard = has_wildcard(value);
    if !has_wildcard(prefix) && catalog.service(prefix).is_none() {
        return Some(Problem::UnknownService(prefix.to_string()));
    }
    (!cx.names_any(value)).then_some(if wildcard {
        Problem::EmptyPattern
    } else {
        Problem::UnknownAction
    })
}

/// Reports action items that name no action.
pub fn check(policy: &Policy, cx: &LintContext<'_>, out: &mut Vec<Finding>) {
    let meta = UnknownAction::META;
    for stmt in &policy.statements {
        for item in &stmt.action.items {
            let Some(problem) = problem(cx, &item.value) else {
                continue;
            };
            let value = &item.value;
            let message = match &problem {
                Problem::NoPrefix => format!("`{value}` has no service prefix"),
                Problem::UnknownService(prefix) => {
                    format!("`{prefix}` in `{value}` is not a known service prefix")
                }
                Problem::UnknownAction => format!("`{value}` is not a known action"),
                Problem::EmptyPattern => format!("`{value}` matches no known action"),
            };
            let mut finding = Finding::new(meta.id, meta.severity, message)
                .at(cx.location(item.pos, stmt.action_pointer(item)))
                .in_statement(stmt.label())
                .subject(value.clone());
            if let Some(suggestion) = cx.catalog.suggest(value) {
                finding = finding.detail("suggestion", suggestion);
            }
            out.push(finding);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::context::run_check;

    #[test]
    fn flags_typos_unknown_services_and_empty_patterns() {
        let found = run_check(
            check,
            include_str!("../../../fixtures/lint/unknown-action/flagged.json"),
        );
        let got: Vec<(&str, u32, u32, &str)> = found
            .iter()
            .map(|f| {
                (
                    f.rule,
                    f.location.line.unwrap_or(0),
                    f.location.column.unwrap_or(0),
                    f.location.pointer.as_str(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("unknown-action", 8, 9, "/Statement/0/Action/1"),
                ("unknown-action", 9, 9, "/Statement/0/Action/2"),
                ("unknown-action", 10, 9, "/Statement/0/Action/3"),
                ("unknown-action", 16, 20, "/Statement/1/NotAction"),
            ]
        );
        assert_eq!(found[0].message, "`s3:GetObjects` is not a known action");
        assert_eq!(
            found[0].details,
            [("suggestion".to_string(), "s3:GetObject".to_string())]
        );
        assert_eq!(
            found[1].message,
            "`s4` in `s4:PutObject` is not a known service prefix"
        );
        assert_eq!(found[2].message, "`s3:Gett*` matches no known action");
        assert_eq!(found[3].subject.as_deref(), Some("IAM:PassRoles"));
    }

    #[test]
    fn accepts_known_actions_in_any_case() {
        let found = run_check(
            check,
            include_str!("../../../fixtures/lint/unknown-action/clean.json"),
        );
        assert_eq!(found, []);
    }
}
