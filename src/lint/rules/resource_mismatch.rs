//! `resource-mismatch`: actions for which no resource of the statement can match.

use crate::catalog::text::FastMap;

use crate::declare_rule;
use crate::lint::context::{is_service_wide, summarize_list, LintContext, MAX_LISTED};
use crate::policy::{Item, Policy};
use crate::report::Finding;

declare_rule! {
    /// ## What it does
    /// Flags actions of a statement that no `Resource` item can apply to: either no ARN
    /// pattern fits any resource type the action accepts (`s3:GetObject` on
    /// `arn:aws:s3:::bucket`, which is a bucket, not an object), or the action supports no
    /// resource-level permissions (a listing action that takes only `"*"`) while the statement
    /// names only ARNs. An item is reported only when none of the actions it names can apply
    /// (`s3:Get*` on bucket ARNs is fine); the items of a statement are grouped into one
    /// finding per cause.
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
    ///   "Action": ["s3:GetObject", "s3:ListAllMyBuckets"],
    ///   "Resource": "arn:aws:s3:::reports"
    /// }
    /// ```
    /// `s3:GetObject` needs an object ARN (`arn:aws:s3:::reports/*`); `s3:ListAllMyBuckets`
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
                && i.value
                    .get(..4)
                    .is_some_and(|p| p.eq_ignore_ascii_case("arn:"))
                && !is_all_wildcard(&i.value)
        });
        if !judgeable {
            continue;
        }
        let mut fits: FastMap<(&str, &str), bool> = FastMap::default();
        let mut only_star: Vec<String> = Vec::new();
        let mut no_fit: Vec<String> = Vec::new();
        for item in &stmt.action.items {
            if is_service_wide(&item.value) {
                continue;
            }
            let actions = cx.expand(&item.value);
            if actions.is_empty() {
                continue;
            }
            // An item counts only when none of its actions can apply: `s3:Get*` on bucket ARNs
            // is fine even though `s3:GetObject` needs objects.
            let mut all_star_lists = true;
            let dead = actions.iter().all(|action| {
                if action.accepts_only_star() {
                    // Only listing actions are trusted to take no resource; for the others the
                    // published data is known to lag behind what IAM checks.
                    let listing =
                        action.access.list && !action.access.read && !action.access.is_write_like();
                    all_star_lists &= listing;
                    return listing;
                }
                all_star_lists = false;
                let mut any_type = false;
                let fitting = cx.catalog.action_resource_types(action).any(|rt| {
                    any_type = true;
                    *fits.entry((rt.service, rt.name)).or_insert_with(|| {
                        rt.arn_formats.iter().any(|format| {
                            resources
                                .items
                                .iter()
                                .any(|item: &Item| cx.arn_format_may_match(format, &item.value))
                        })
                    })
                });
                any_type && !fitting
            });
            if !dead {
                continue;
            }
            if all_star_lists {
                only_star.push(item.value.clone());
            } else {
                no_fit.push(item.value.clone());
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
            many => (format!("{} action items", many.len()), "them"),
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
                    format!("the listing {what} {} only `\"*\"` as resource, but this statement names only ARNs, so it grants {pronoun} nothing", if only_star.len() == 1 { "accepts" } else { "accept" }),
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
    use crate::lint::context::{located, run_check};

    #[test]
    fn flags_object_actions_on_bucket_arns_and_listing_actions_on_arns() {
        let found = run_check(
            check,
            include_str!("../../../fixtures/lint/resource-mismatch/flagged.json"),
        );
        let got = located(&found);
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
                "s3:ListAllMyBuckets".to_string()
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

    #[test]
    fn resource_with_a_multibyte_character_at_byte_four_is_not_judged() {
        // `A A` then a two-byte character across bytes 3..5: a byte slice at 4 would panic.
        let policy = "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":[\"A A\u{38e}\"]}]}";
        assert_eq!(run_check(check, policy), []);
    }
}
