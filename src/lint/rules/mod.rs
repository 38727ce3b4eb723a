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

#[cfg(test)]
mod chalk_tests {
    use super::*;
    use crate::lint::context::PolicyKind;

    /// `(rule id, number of findings)` of every rule that fires on `text`.
    fn counts(text: &str, kind: PolicyKind) -> Vec<(&'static str, usize)> {
        RULES
            .iter()
            .map(|(meta, check)| (meta.id, grants::run_check(text, kind, *check).len()))
            .filter(|(_, n)| *n > 0)
            .collect()
    }

    #[test]
    fn chalk_broad_policy_trips_escalation_write_and_service_wildcards() {
        let text = include_str!("../../../fixtures/chalk/broad.json");
        assert_eq!(
            counts(text, PolicyKind::Identity),
            vec![
                ("privilege-escalation", 7),
                ("service-wildcard", 25),
                ("wildcard-resource-write", 1),
            ]
        );
    }

    #[test]
    fn chalk_scoped_policy_trips_bucket_pattern_and_service_wildcards_only() {
        let text = include_str!("../../../fixtures/chalk/scoped-execution.json");
        assert_eq!(
            counts(text, PolicyKind::Identity),
            vec![
                ("cross-account-bucket-pattern", 1),
                ("service-wildcard", 17)
            ]
        );
    }

    #[test]
    fn chalk_trust_and_logs_policies_are_clean() {
        let trust = include_str!("../../../fixtures/chalk/trust.json");
        assert_eq!(counts(trust, PolicyKind::Trust), vec![]);
        let logs = include_str!("../../../fixtures/chalk/logs-read.json");
        assert_eq!(counts(logs, PolicyKind::Identity), vec![]);
    }
}
