//! The lint rules, one module per rule, and the table that registers them.

use crate::lint::context::LintContext;
use crate::policy::Policy;
use crate::report::{Finding, RuleMeta};

pub mod ineffective_condition;
pub mod malformed_arn;
pub mod redundant_action;
pub mod resource_mismatch;
pub mod unknown_action;
pub mod unsupported_condition_key;

/// The signature every rule's `check` function has.
pub type CheckFn = fn(&Policy, &LintContext<'_>, &mut Vec<Finding>);

/// Every rule with its check, sorted by rule id.
pub const RULES: &[(RuleMeta, CheckFn)] = &[
    (
        ineffective_condition::IneffectiveCondition::META,
        ineffective_condition::check,
    ),
    (malformed_arn::MalformedArn::META, malformed_arn::check),
    (
        redundant_action::RedundantAction::META,
        redundant_action::check,
    ),
    (
        resource_mismatch::ResourceMismatch::META,
        resource_mismatch::check,
    ),
    (unknown_action::UnknownAction::META, unknown_action::check),
    (
        unsupported_condition_key::UnsupportedConditionKey::META,
        unsupported_condition_key::check,
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_with_unique_kebab_case_ids() {
        let ids: Vec<&str> = RULES.iter().map(|(meta, _)| meta.id).collect();
        assert!(ids.windows(2).all(|w| w[0] < w[1]), "{ids:?}");
        assert!(ids
            .iter()
            .all(|id| id.bytes().all(|c| c.is_ascii_lowercase() || c == b'-')));
    }

    #[test]
    fn every_rule_documents_the_required_headings() {
        for (meta, _) in RULES {
            for heading in [
                "## What it does",
                "## Why it matters",
                "## Example",
                "## Remediation",
                "## References",
            ] {
                assert!(meta.docs.contains(heading), "{} lacks {heading}", meta.id);
            }
            assert!(
                meta.docs.contains("https://docs.aws.amazon.com/"),
                "{}",
                meta.id
            );
        }
    }
}
