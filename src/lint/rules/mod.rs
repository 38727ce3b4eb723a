//! The lint rules, one module per rule, and the registry table.

use crate::policy::Policy;
use crate::report::{Finding, RuleMeta};

use super::context::LintContext;

pub mod allow_with_not_action;
pub mod cross_account_bucket_pattern;
pub mod grants;
pub mod missing_version;
pub mod privilege_escalation;
pub mod service_wildcard;
pub mod trust_missing_external_id;
pub mod trust_wildcard_principal;
pub mod wildcard_resource_write;

/// A rule's check: reads the policy and appends its findings.
pub type CheckFn = fn(&Policy, &LintContext<'_>, &mut Vec<Finding>);

/// Every rule with its check, sorted by rule id.
pub const RULES: &[(RuleMeta, CheckFn)] = &[
    (
        allow_with_not_action::AllowWithNotAction::META,
        allow_with_not_action::check,
    ),
    (
        cross_account_bucket_pattern::CrossAccountBucketPattern::META,
        cross_account_bucket_pattern::check,
    ),
    (
        missing_version::MissingVersion::META,
        missing_version::check,
    ),
    (
        privilege_escalation::PrivilegeEscalation::META,
        privilege_escalation::check,
    ),
    (
        service_wildcard::ServiceWildcard::META,
        service_wildcard::check,
    ),
    (
        trust_missing_external_id::TrustMissingExternalId::META,
        trust_missing_external_id::check,
    ),
    (
        trust_wildcard_principal::TrustWildcardPrincipal::META,
        trust_wildcard_principal::check,
    ),
    (
        wildcard_resource_write::WildcardResourceWrite::META,
        wildcard_resource_write::check,
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_is_sorted_with_unique_kebab_case_ids() {
        let ids: Vec<&str> = RULES.iter().map(|(meta, _)| meta.id).collect();
        let mut sorted = ids.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(ids, sorted);
        for id in ids {
            assert!(
                id.bytes().all(|c| c.is_ascii_lowercase() || c == b'-'),
                "`{id}` is not kebab-case"
            );
        }
    }

    #[test]
    fn every_rule_documents_the_fixed_headings() {
        for (meta, _) in RULES {
            let mut at = 0;
            for heading in [
                "## What it does",
                "## Why it matters",
                "## Example",
                "## Remediation",
                "## References",
            ] {
                let found = meta.docs[at..].find(heading);
                assert!(found.is_some(), "`{}` lacks `{heading}` in order", meta.id);
                at += found.unwrap_or(0);
            }
            assert!(
                meta.docs.contains("https://docs.aws.amazon.com/"),
                "`{}`",
                meta.id
            );
        }
    }
}
