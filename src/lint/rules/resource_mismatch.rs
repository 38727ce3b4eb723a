//! `resource-mismatch`: actions for which no resource of the statement can match.

use std::collections::HashMap;

use crate::catalog::arn_format_may_match;
use crate::declare_rule;
use crate::lint::context::{summarize_list, LintContext, MAX_LISTED};
use crate::policy::{Item, Policy};
use crate::report::Finding;

declare_rule! {
    /// ## What it does
    /// Flags actions of a statement that no `Resource` item can apply to: either no ARN
    /// pattern fits any resource type the action accepts (`s3:GetObject` on
    /// `arn:aws:s3:::bucket`, which is a bucket, not an object), or the action supports no
    /// resource-level permissions (it takes only `"*"`) while the statement names only ARNs.
    /// The affected actions of a statement are grouped into one finding per cause.
    ///
    /// ARN patterns are matched against the Service Authorization Reference ARN formats with
    /// wildcards and `${...}` variables treated as matching anything, so only impossible
    /// combinations are reported. Statements with a `"*"` resource, `NotResource` or
    /// `NotAction`, and actions reached only through a whole-service wildcard (`ec2:*`), are
    /// not judged.
    ///
    /// ## Why it matters
    /// The statement grants nothing for those actions. The policy does not do what its author
    /// meant, and the permission will be "fixed" later, often by widening the resource to `*`.
    ///
    /// ## Example
    /// ```json
    /// {
    ///   "Effect": "Allow",
    ///   "Action": ["s3:GetObject", "ec2:DescribeInstances"],
    ///   "Resource": "arn:aws:s3:::reports"
    /// }
    /// ```
    /// `s3:GetObject` needs an object ARN (`arn:aws:s3:::reports/*`); `ec2:DescribeInstances`
    /// takes only `"*"`.
    ///
    /// ## Remediation
    /// Use the resource type the action documents (see the affected actions), or move actions
    /// without resource-level permissions to a statement with `"Resource": "*"`.
    ///
    /// ## References
    /// - https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html
    /// - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
    pub struct ResourceMismatch {
        id: "resource-mismatch",
        severity: Medium,
        summary: "no resource of the statement fits what the action accepts",
    }
}

fn is_all_wildcard(value: &str) -> bool {
    !value.is_empty() && value.bytes().all(|c| c == b'*' || c == b'?')
}

/// Reports actions that no resource item of their statement can apply to.
pub fn check(policy: &Policy, cx: &LintContext<'_>, out: &mut Vec<Finding>) {
    let meta = ResourceMismatch::META;
    for stmt in &policy.statements {
        let Some(resources) = &stmt.resource else {
            continue;
        };
        if resources.negated || stmt.action.negated || resources.items.is_empty() {
            continue;
        }
        // A `*` matches everything; a value that is not an ARN is `malformed-arn`'s concern.
        let judgeable = resources.items.iter().all(|i| {
            i.value.len() > 4
                && i.value[..4].eq_ignore_ascii_case("arn:")
                && !is_all_wildcard(&i.value)
        });
        if !judgeable {
            continue;
        }
        let actions = cx.statement_actions(stmt);
        let mut fits: HashMap<(&str, &str), bool> = HashMap::new();
        let mut only_star: Vec<String> = Vec::new();
        let mut no_fit: Vec<String> = Vec::new();
        for action in actions.narrow_actions() {
            if action.accepts_only_star() {
                only_star.push(action.full_name());
                continue;
            }
            let mut any_type = false;
            let mut fitting = false;
            for rt in cx.catalog.action_resource_types(action) {
                any_type = true;
                let fit = *fits.entry((rt.service, rt.name)).or_insert_with(|| {
                    rt.arn_formats.iter().any(|format| {
                        resources
                            .items
                            .iter()
                            .any(|item: &Item| arn_format_may_match(format, &item.value))
                    })
                });
                if fit {
                    fitting = true;
                    break;
                }
            }
            if any_type && !fitting {
                no_fit.push(action.full_name());
            }
        }
        let key = if resources.negated {
            "NotResource"
        } else {
            "Resource"
        };
        let location = cx.location(resources.pos, format!("{}/{key}", stmt.pointer()));
        let subject = resources
            .items
            .iter()
            .map(|i| i.value.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        let named = |list: &[String]| match list {
            [one] => (format!("`{one}`"), "it"),
            many => (format!("{} actions", many.len()), "them"),
        };
        if !no_fit.is_empty() {
            let (what, pronoun) = named(&no_fit);
            out.push(
                Finding::new(
                    meta.id,
                    meta.severity,
                    format!("no resource of this statement fits a resource type of {what}, so it grants {pronoun} nothing"),
                )
                .at(location.clone())
                .in_statement(stmt.label())
                .subject(subject.clone())
                .detail("affected actions", summarize_list(&no_fit, MAX_LISTED)),
            );
        }
        if !only_star.is_empty() {
            let (what, pronoun) = named(&only_star);
            out.push(
                Finding::new(
                    meta.id,
                    meta.severity,
                    format!("{what} accept only `\"*\"` as resource, but this statement names only ARNs, so it grants {pronoun} nothing"),
                )
                .at(location)
                .in_statement(stmt.label())
                .subject(subject)
                .detail("affected actions", summarize_list(&only_star, MAX_LISTED)),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::context::run_check;

    #[test]
    fn flags_object_actions_on_bucket_arns_and_star_only_actions_on_arns() {
        let found = run_check(
            check,
            include_str!("../../../fixtures/lint/resource-mismatch/flagged.json"),
        );
        let got: Vec<(&str, Option<u32>, Option<u32>, &str)> = found
            .iter()
            .map(|f| {
                (
                    f.rule,
                    f.location.line,
                    f.location.column,
                    f.location.pointer.as_str(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (
                    "resource-mismatch",
                    Some(7),
                    Some(19),
                    "/Statement/0/Resource"
                ),
                (
                    "resource-mismatch",
                    Some(7),
                    Some(19),
                    "/Statement/0/Resource"
                ),
            ]
        );
        assert_eq!(
            found[0].details[0],
            ("affected actions".to_string(), "s3:GetObject".to_string())
        );
        assert_eq!(
            found[1].details[0],
            (
                "affected actions".to_string(),
                "ec2:DescribeInstances".to_string()
            )
        );
    }

    #[test]
    fn accepts_fitting_arns_wildcards_and_placeholders() {
        let found = run_check(
            check,
            include_str!("../../../fixtures/lint/resource-mismatch/clean.json"),
        );
        assert_eq!(found, []);
    }
}
