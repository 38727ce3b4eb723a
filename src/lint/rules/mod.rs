//! The lint rules, one module per rule, and the one table that registers them.

use crate::lint::context::LintContext;
use crate::policy::Policy;
use crate::report::{Finding, RuleMeta};

pub mod allow_with_not_action;
pub mod cross_account_bucket_pattern;
pub mod grants;
pub mod ineffective_condition;
pub mod malformed_arn;
pub mod missing_version;
pub mod privilege_escalation;
pub mod redundant_action;
pub mod resource_mismatch;
pub mod service_wildcard;
pub mod trust_missing_external_id;
pub mod trust_wildcard_principal;
pub mod unknown_action;
pub mod unsupported_condition_key;
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
        ineffective_condition::IneffectiveCondition::META,
        ineffective_condition::check,
    ),
    (malformed_arn::MalformedArn::META, malformed_arn::check),
    (
        missing_version::MissingVersion::META,
        missing_version::check,
    ),
    (
        privilege_escalation::PrivilegeEscalation::META,
        privilege_escalation::check,
    ),
    (
        redundant_action::RedundantAction::META,
        redundant_action::check,
    ),
    (
        resource_mismatch::ResourceMismatch::META,
        resource_mismatch::check,
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
    (unknown_action::UnknownAction::META, unknown_action::check),
    (
        unsupported_condition_key::UnsupportedConditionKey::META,
        unsupported_condition_key::check,
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
                ("redundant-action", 1),
                ("service-wildcard", 25),
                ("wildcard-resource-write", 1),
            ]
        );
    }

    #[test]
    fn chalk_scoped_policy_trips_bucket_pattern_tag_key_and_service_wildcards_only() {
        let text = include_str!("../../../fixtures/chalk/scoped-execution.json");
        assert_eq!(
            counts(text, PolicyKind::Identity),
            vec![
                ("cross-account-bucket-pattern", 1),
                ("service-wildcard", 17),
                ("unsupported-condition-key", 1),
            ]
        );
    }

    #[test]
    fn chalk_trust_is_clean_and_logs_flags_only_its_unfilled_account_placeholder() {
        let trust = include_str!("../../../fixtures/chalk/trust.json");
        assert_eq!(counts(trust, PolicyKind::Trust), vec![]);
        let logs = include_str!("../../../fixtures/chalk/logs-read.json");
        assert_eq!(
            counts(logs, PolicyKind::Identity),
            vec![("malformed-arn", 1)]
        );
    }
}
