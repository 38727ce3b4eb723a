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
use context::{LintContext, LintMemo};
use std::rc::Rc;

/// How `lint_sources_with` reads the documents.
#[derive(Debug, Clone, Default)]
pub struct LintOptions {
    /// What the documents are meant to be; decides the size quota checked.
    pub policy_type: PolicyType,
    /// The account the documents live in, if known; see [`LintContext::account_id`].
    pub account_id: Option<String>,
}

/// Lints every source: a document IAM would reject gives `invalid-policy` findings
/// (syntax, structure, size quota); a valid one goes through every lint rule.
pub fn lint_sources(sources: &[SourceFile], policy_type: PolicyType) -> Vec<Finding> {
    lint_sources_with(
        sources,
        &LintOptions {
            policy_type,
            account_id: None,
        },
    )
}

/// [`lint_sources`] with every option.
pub fn lint_sources_with(sources: &[SourceFile], options: &LintOptions) -> Vec<Finding> {
    // Documents are independent: many of them are linted on every core. The report
    // sorts findings, so the output does not depend on the split.
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    if threads < 2 || sources.len() < PARALLEL_THRESHOLD {
        return lint_serially(sources, options);
    }
    let chunk = sources.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let handles: Vec<_> = sources
            .chunks(chunk)
            .map(|part| scope.spawn(move || lint_serially(part, options)))
            .collect();
        handles
            .into_iter()
            .flat_map(|handle| {
                // The parser and rules never panic on input (fuzzed and property-tested);
                // a panicking thread would be a bug, so surface it rather than lose findings.
                handle
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    })
}

/// Below this many documents, starting threads costs more than it saves.
const PARALLEL_THRESHOLD: usize = 64;

fn lint_serially(sources: &[SourceFile], options: &LintOptions) -> Vec<Finding> {
    // Parse everything first: parsing needs no catalog, so a caller that loads the catalog
    // on another thread meanwhile (the CLI does) keeps both cores busy.
    let parsed: Vec<_> = sources
        .iter()
        .map(|source| {
            let text = decode_document(&source.text);
            let policy = parse_policy(&text);
            (source, text, policy)
        })
        .collect();
    let mut findings = Vec::new();
    let memo = Rc::new(LintMemo::for_catalog(Catalog::get()));
    for (source, text, policy) in &parsed {
        match policy {
            Err(errors) => findings.extend(
                errors
                    .iter()
                    .map(|e| InvalidPolicy::from_policy_error(&source.name, e)),
            ),
            Ok(policy) => {
                findings.extend(quota::check(&source.name, text, options.policy_type));
                let cx = LintContext::new(&source.name, Catalog::get(), policy)
                    .with_account_id(options.account_id.as_deref())
                    .with_memo(&memo);
                run_rules(policy, &cx, &mut findings);
            }
        }
    }
    findings
}

/// Runs every lint rule over one parsed policy named `file`, whose account is unknown.
pub fn lint_policy(file: &str, policy: &Policy, findings: &mut Vec<Finding>) {
    lint_policy_in_account(file, policy, None, findings);
}

/// Runs every lint rule over one parsed policy named `file` that lives in `account_id`
/// (when known: principals of that account are then not treated as third parties).
pub fn lint_policy_in_account(
    file: &str,
    policy: &Policy,
    account_id: Option<&str>,
    findings: &mut Vec<Finding>,
) {
    let cx = LintContext::new(file, Catalog::get(), policy).with_account_id(account_id);
    run_rules(policy, &cx, findings);
}

fn run_rules(policy: &Policy, cx: &LintContext<'_>, findings: &mut Vec<Finding>) {
    for (_, check) in rules::RULES {
        check(policy, cx, findings);
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
