//! Lints every AWS managed policy that moto ships (see `docs/corpus.md`).
//!
//! The corpus is AWS content, so it is not committed: `scripts/fetch-corpus.py` downloads it
//! into `.corpus/aws-managed/` on first use. Without network the test is skipped loudly,
//! except in CI (`CI` set), where it fails.

#![expect(clippy::expect_used, reason = "a test fails loudly on a broken corpus")]

use std::collections::{BTreeMap, BTreeSet};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::process::Command;

use iamscope::lint::{lint_sources, PolicyType, SourceFile};
use iamscope::report::Finding;

/// How many policies moto 5.2.5 ships.
const CORPUS_SIZE: usize = 1_582;

/// Findings per rule over the whole corpus; `docs/corpus.md` reads each rule's findings.
/// Update both together when a rule or the catalog changes.
const EXPECTED_TOTALS: &[(&str, usize)] = &[
    ("allow-with-not-action", 9),
    ("cross-account-bucket-pattern", 303),
    ("ineffective-condition", 17),
    // Only the customer-managed size quota (6,144), which AWS managed policies are not held to.
    ("invalid-policy", 84),
    ("privilege-escalation", 296),
    ("redundant-action", 56),
    ("resource-mismatch", 275),
    ("service-wildcard", 535),
    ("unknown-action", 140),
    ("unsupported-condition-key", 60),
    ("wildcard-resource-write", 1263),
];

/// Services and actions that AWS managed policies name but the catalog (a rescan of the
/// Service Authorization Reference) does not: retired services, renamed actions, or actions
/// newer than the catalog. `service:*` stands for every action of a service. Each `unknown-action`
/// finding must be covered by exactly these entries, and every entry must still be needed.
const RETIRED_OR_NEWER_THAN_CATALOG: &[(&str, &str)] = &[
    (
        "account:SendPhoneNumberVerification",
        "account-verification actions not in the reference",
    ),
    (
        "account:VerifyPhoneNumber",
        "account-verification actions not in the reference",
    ),
    (
        "assurance:*",
        "prefix absent from the reference (preview service in AWS policies)",
    ),
    (
        "budgets:CreateBudget",
        "legacy budgets API names; the reference uses ModifyBudget/ViewBudget",
    ),
    (
        "budgets:DeleteBudget",
        "legacy budgets API names; the reference uses ModifyBudget/ViewBudget",
    ),
    (
        "budgets:DescribeBudget",
        "legacy budgets API names; the reference uses ModifyBudget/ViewBudget",
    ),
    (
        "budgets:DescribeBudgets",
        "legacy budgets API names; the reference uses ModifyBudget/ViewBudget",
    ),
    (
        "budgets:UpdateBudget",
        "legacy budgets API names; the reference uses ModifyBudget/ViewBudget",
    ),
    (
        "builderid:*",
        "AWS Builder ID prefix absent from the reference",
    ),
    (
        "cloud9:ValidateEnvironmentName",
        "console-only Cloud9 action not in the reference",
    ),
    (
        "cloudhsm:*",
        "CloudHSM Classic actions (Hapg, LunaClient, GetConfig), retired",
    ),
    ("deepcomposer:*", "DeepComposer, retired in 2025"),
    ("deeplens:*", "DeepLens, retired in 2024"),
    (
        "deepracer:*",
        "DeepRacer console actions not in the reference",
    ),
    ("elastic-inference:*", "Elastic Inference, retired in 2024"),
    ("iot1click:*", "IoT 1-Click, retired in 2024"),
    (
        "memorydb:ReplicateMultiRegionClusterData",
        "newer than the catalog",
    ),
    (
        "organizations:CreateBuilderIdOwnedAccount",
        "newer than the catalog",
    ),
    (
        "payments:*",
        "payments actions newer than the catalog or console-only",
    ),
    ("qapps:ImportDocumentToQApp", "renamed in the reference"),
    (
        "qapps:ImportDocumentToQAppSession",
        "renamed in the reference",
    ),
    (
        "route53-recovery-control-config:DescribeRoutingControlByName",
        "not in the reference",
    ),
    (
        "securityagent:*",
        "Security Agent actions newer than the catalog",
    ),
    ("zocalo:*", "WorkDocs' old prefix, retired"),
];

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(".corpus/aws-managed")
}

/// The corpus files, fetching them first when missing; `None` (with a loud SKIP) when they
/// cannot be fetched outside CI.
fn corpus_files() -> Option<Vec<PathBuf>> {
    let dir = corpus_dir();
    if !dir.join(".moto-version").is_file() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let status = Command::new("python3")
            .arg(root.join("scripts/fetch-corpus.py"))
            .arg("--out")
            .arg(&dir)
            .status();
        let fetched = matches!(status, Ok(s) if s.success());
        if !fetched {
            if std::env::var_os("CI").is_some() {
                panic!("could not fetch the AWS managed-policy corpus ({status:?}); CI needs it");
            }
            eprintln!("SKIP corpus: `scripts/fetch-corpus.py` failed ({status:?}); no network?");
            return None;
        }
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    Some(files)
}

/// Every finding over the corpus; panics name the policy that made a rule panic.
fn lint_corpus(files: &[PathBuf]) -> Vec<Finding> {
    let mut findings = Vec::new();
    let mut panicked = Vec::new();
    for path in files {
        let name = path.file_name().expect("file name").to_string_lossy();
        let text = std::fs::read_to_string(path).expect("corpus file is UTF-8");
        let source = [SourceFile::new(name.as_ref(), text)];
        match catch_unwind(AssertUnwindSafe(|| {
            lint_sources(&source, PolicyType::Managed)
        })) {
            Ok(found) => findings.extend(found),
            Err(_) => panicked.push(name.into_owned()),
        }
    }
    assert!(panicked.is_empty(), "linting panicked on {panicked:?}");
    findings
}

fn covered(entry: &str, action: &str) -> bool {
    match entry.strip_suffix(":*") {
        Some(service) => action
            .split_once(':')
            .is_some_and(|(s, _)| s.eq_ignore_ascii_case(service)),
        None => entry.eq_ignore_ascii_case(action),
    }
}

#[test]
fn aws_managed_policies_lint_as_recorded() {
    let Some(files) = corpus_files() else {
        return;
    };
    assert_eq!(files.len(), CORPUS_SIZE, "corpus size changed");
    let findings = lint_corpus(&files);

    // AWS's own policies are valid: the only invalid-policy findings allowed are the
    // customer-managed size quota, which AWS managed policies are not held to.
    let invalid: Vec<&Finding> = findings
        .iter()
        .filter(|f| f.rule == "invalid-policy" && !f.details.iter().any(|(k, _)| k == "quota"))
        .collect();
    assert!(
        invalid.is_empty(),
        "AWS managed policies rejected: {invalid:#?}"
    );

    // Unknown actions: exactly the recorded retired or too-new ones.
    let unknown: BTreeSet<String> = findings
        .iter()
        .filter(|f| f.rule == "unknown-action")
        .map(|f| f.subject.clone().unwrap_or_default())
        .collect();
    let uncovered: Vec<&String> = unknown
        .iter()
        .filter(|a| {
            !RETIRED_OR_NEWER_THAN_CATALOG
                .iter()
                .any(|(e, _)| covered(e, a))
        })
        .collect();
    assert!(
        uncovered.is_empty(),
        "unknown actions not in RETIRED_OR_NEWER_THAN_CATALOG: {uncovered:?}"
    );
    let stale: Vec<&str> = RETIRED_OR_NEWER_THAN_CATALOG
        .iter()
        .map(|(e, _)| *e)
        .filter(|e| !unknown.iter().any(|a| covered(e, a)))
        .collect();
    assert!(
        stale.is_empty(),
        "stale RETIRED_OR_NEWER_THAN_CATALOG entries: {stale:?}"
    );

    let mut totals: BTreeMap<&str, usize> = BTreeMap::new();
    for finding in &findings {
        *totals.entry(finding.rule).or_default() += 1;
    }
    let expected: BTreeMap<&str, usize> = EXPECTED_TOTALS.iter().copied().collect();
    assert_eq!(
        totals, expected,
        "per-rule totals changed; review and update docs/corpus.md"
    );
}

#[test]
fn retired_list_has_a_reason_per_entry() {
    for (entry, reason) in RETIRED_OR_NEWER_THAN_CATALOG {
        assert!(entry.contains(':'), "`{entry}` is not service:action");
        assert!(!reason.is_empty(), "`{entry}` has no reason");
    }
}
