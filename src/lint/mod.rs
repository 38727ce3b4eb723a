//! Lint checks over policy documents: one file per rule.

pub mod context;
pub mod invalid_policy;
pub mod quota;
pub mod rules;

pub use crate::policy::SourceFile;
pub use invalid_policy::InvalidPolicy;
pub use quota::PolicyType;

use crate::catalog::Catalog;
use crate::policy::{decode_document, parse_policy, Policy};
use crate::report::Finding;
use context::LintContext;

/// Lints every source: a document IAM would reject gives `invalid-policy` findings
/// (syntax, structure, size quota); a valid one goes through every lint rule.
pub fn lint_sources(sources: &[SourceFile], policy_type: PolicyType) -> Vec<Finding> {
    let mut findings = Vec::new();
    for source in sources {
        let text = decode_document(&source.text);
        match parse_policy(&text) {
            Err(errors) => findings.extend(
                errors
                    .iter()
                    .map(|e| InvalidPolicy::from_policy_error(&source.name, e)),
            ),
            Ok(policy) => {
                findings.extend(quota::check(&source.name, &text, policy_type));
                lint_policy(&source.name, &policy, &mut findings);
            }
        }
    }
    findings
}

/// Runs every lint rule over one parsed policy named `file`.
pub fn lint_policy(file: &str, policy: &Policy, findings: &mut Vec<Finding>) {
    let cx = LintContext::new(file, Catalog::get(), policy);
    for (_, check) in rules::RULES {
        check(policy, &cx, findings);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_only_the_invalid_sources() {
        let findings = lint_sources(
            &[
                SourceFile::new(
                    "good.json",
                    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#,
                ),
                SourceFile::new("bad.json", "{"),
            ],
            PolicyType::Managed,
        );
        assert!(!findings.is_empty());
        assert!(findings
            .iter()
            .all(|f| f.location.file.as_deref() == Some("bad.json")));
    }

    #[test]
    fn verbatim_broad_policy_fails_at_the_missing_comma() {
        let text = include_str!("../../fixtures/chalk/broad-verbatim.json");
        let findings = lint_sources(&[SourceFile::new("broad.json", text)], PolicyType::Managed);
        assert_eq!(findings[0].rule, "invalid-policy");
        assert_eq!(
            (findings[0].location.line, findings[0].location.column),
            (Some(82), Some(28))
        );
    }
}
