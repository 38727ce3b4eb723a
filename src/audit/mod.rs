//! The account audit: Chalk's roles compared exactly with Chalk's documented
//! roles, and the `chalk.ai/managed-by` tag that the scoped role relies on.
//!
//! Input is the account model loaded from snapshots ([`crate::account`]) plus
//! the snapshot texts (to locate findings); output is findings and a summary.
//! Nothing here reads files or talks to the network.

pub mod roles;
pub mod rules;
pub mod source;
pub mod tags;
pub mod trust;

use std::collections::BTreeMap;

pub use rules::RULES;
pub use source::{LoadedPolicy, SnapshotFiles};

use crate::account::Account;
use crate::baseline::{BaselineError, Params, Profile};
use crate::report::Finding;
use rules::ChalkRoleNotFound;

/// What the user told the audit.
#[derive(Debug, Clone, Default)]
pub struct AuditOptions {
    /// `--region`: the region of the deployment (inferred from the tagged resources when absent).
    pub region: Option<String>,
    /// `--account-id`: defaults to the snapshot's account id.
    pub account_id: Option<String>,
    /// `--external-id`: the external id Chalk gave the customer.
    pub external_id: Option<String>,
    /// `--log-group`: the log group of the logs-reader role.
    pub log_group: Option<String>,
    /// `--role NAME=KIND`: roles to audit as a given kind.
    pub role_kinds: Vec<(String, String)>,
}

/// How one recognised role compares with its documented role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoleStatus {
    /// Allows exactly the documented requests, with the documented trust.
    InLine,
    /// Allows only documented requests, but not all of them (or part is unproven).
    Narrower,
    /// Allows more than documented, or its trust differs.
    Drifted,
    /// Could not be compared (a document is missing or invalid).
    NotCompared,
    /// No documented kind fits it.
    NoKind,
}

impl RoleStatus {
    /// The kebab-case name used in output.
    pub fn as_str(self) -> &'static str {
        match self {
            RoleStatus::InLine => "in-line",
            RoleStatus::Narrower => "narrower",
            RoleStatus::Drifted => "drifted",
            RoleStatus::NotCompared => "not-compared",
            RoleStatus::NoKind => "no-kind",
        }
    }
}

/// The result of an audit.
#[derive(Debug, Clone)]
pub struct AuditOutcome {
    /// Every finding.
    pub findings: Vec<Finding>,
    /// Each recognised Chalk role and its status, in account order.
    pub roles: Vec<(String, RoleStatus)>,
    /// Resources with a tag problem.
    pub tag_problems: usize,
    /// Principals other than Chalk's that can change the managed tag.
    pub tag_tamper_principals: usize,
    /// Whether everything needed could be read.
    pub complete: bool,
    /// Remarks about the run.
    pub notes: Vec<String>,
}

impl AuditOutcome {
    /// The summary as JSON (the top-level `audit` object).
    pub fn summary_json(&self) -> serde_json::Value {
        let count = |status: RoleStatus| self.roles.iter().filter(|(_, s)| *s == status).count();
        serde_json::json!({
            "roles_found": self.roles.len(),
            "roles_in_line": count(RoleStatus::InLine),
            "roles_narrower": count(RoleStatus::Narrower),
            "roles_drifted": count(RoleStatus::Drifted),
            "roles_not_compared": count(RoleStatus::NotCompared) + count(RoleStatus::NoKind),
            "tag_problems": self.tag_problems,
            "tag_tamper_principals": self.tag_tamper_principals,
            "complete": self.complete,
            "roles": self.roles.iter().map(|(name, status)| serde_json::json!({
                "name": name, "status": status.as_str()
            })).collect::<Vec<_>>(),
        })
    }

    /// One line per fact, for the table and Markdown notes.
    pub fn summary_lines(&self) -> Vec<String> {
        let count = |status: RoleStatus| self.roles.iter().filter(|(_, s)| *s == status).count();
        vec![format!(
            "audit: {} Chalk roles found, {} in line with the documentation, {} narrower, {} drifted, {} not compared; {} tag problems; {} principals can change the managed tag{}",
            self.roles.len(),
            count(RoleStatus::InLine),
            count(RoleStatus::Narrower),
            count(RoleStatus::Drifted),
            count(RoleStatus::NotCompared) + count(RoleStatus::NoKind),
            self.tag_problems,
            self.tag_tamper_principals,
            if self.complete { "" } else { " (incomplete)" }
        )]
    }
}

/// Why an audit could not run.
#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    /// A documented policy could not be rendered (a parameter is missing or invalid).
    #[error(transparent)]
    Render(#[from] BaselineError),
    /// A rendered documented policy is not a valid policy.
    #[error("documented policy `{id}` is invalid: {message}")]
    Baseline {
        /// The policy id.
        id: String,
        /// The parser's message.
        message: String,
    },
    /// `--role NAME=KIND` with an unknown kind.
    #[error("unknown role kind `{kind}` (known: {known})")]
    UnknownKind {
        /// The kind as given.
        kind: String,
        /// The known kinds.
        known: String,
    },
}

/// The region of the tagged resources, when they all share one.
fn inferred_region(account: &Account) -> Option<String> {
    let mut regions = account
        .resources
        .iter()
        .filter_map(|r| r.arn.split(':').nth(3))
        .filter(|r| !r.is_empty());
    let first = regions.next()?;
    regions.all(|r| r == first).then(|| first.to_string())
}

/// Audits `account` against `profile`. `texts` holds the snapshot files' texts
/// by the names the loader used, to locate findings.
pub fn audit(
    account: &Account,
    texts: &BTreeMap<String, String>,
    profile: &Profile,
    options: &AuditOptions,
) -> Result<AuditOutcome, AuditError> {
    audit_files(account, &SnapshotFiles::new(texts), profile, options)
}

/// [`audit`] with the snapshot files already wrapped, so that the caller decides
/// when the positions parsed from them are freed.
pub fn audit_files(
    account: &Account,
    files: &SnapshotFiles<'_>,
    profile: &Profile,
    options: &AuditOptions,
) -> Result<AuditOutcome, AuditError> {
    let mut notes = Vec::new();
    let mut params = Params::new();
    let region = options.region.clone().or_else(|| {
        let region = inferred_region(account);
        if let Some(region) = &region {
            notes.push(format!(
                "region `{region}` inferred from the tagged resources (pass `--region` to set it)"
            ));
        }
        region
    });
    if let Some(region) = region {
        params.set("AWS_REGION", region);
    }
    if let Some(account_id) = options
        .account_id
        .clone()
        .or_else(|| account.account_id.clone())
    {
        params.set("AWS_ACCOUNT_ID", account_id);
    }
    if let Some(id) = &options.external_id {
        params.set("EXTERNAL_ID", id.clone());
    }
    if let Some(group) = &options.log_group {
        params.set("LOG_GROUP", group.clone());
    }

    // The tag-tamper check, the longest, runs on another core meanwhile; it needs
    // only the names of Chalk's roles, and its findings come last as before.
    let chalk_roles = roles::chalk_role_names(account, profile, options);
    let tamper = || {
        let mut found = Vec::new();
        let (count, incomplete) =
            tags::check_tamper(account, files, profile, &chalk_roles, &mut found);
        (count, incomplete, found)
    };
    let parallel = std::thread::available_parallelism().is_ok_and(|n| n.get() > 1);
    let (role_results, tag_problems, findings, tamper) = std::thread::scope(|scope| {
        let handle = parallel.then(|| scope.spawn(tamper));
        let mut findings = Vec::new();
        let role_results =
            roles::audit_roles(account, files, profile, options, &params, &mut findings)?;
        for kind in profile.role_kinds.iter().filter(|k| k.expected) {
            if !role_results.kinds.contains(&kind.id) {
                let meta = ChalkRoleNotFound::META;
                findings.push(
                    Finding::new(
                        meta.id,
                        meta.severity,
                        format!(
                            "no role of the account is recognised as Chalk's `{}` role ({})",
                            kind.id, kind.description
                        ),
                    )
                    .subject(kind.id.clone()),
                );
            }
        }
        let file_names = files.names();
        let tag_problems =
            tags::check_resources(account, files, &file_names, profile, &mut findings);
        let tamper = match handle {
            Some(handle) => handle
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            None => tamper(),
        };
        Ok::<_, AuditError>((role_results, tag_problems, findings, tamper))
    })?;
    let mut findings = findings;
    let (tamper, tamper_incomplete, tamper_findings) = tamper;
    findings.extend(tamper_findings);
    for (name, status) in &role_results.roles {
        if *status == RoleStatus::NoKind {
            notes.push(format!("role `{name}` is recognised as Chalk's but fits no documented role kind (use `--role {name}=KIND`)"));
        }
    }

    let complete = !tamper_incomplete
        && role_results
            .roles
            .iter()
            .all(|(_, s)| *s != RoleStatus::NotCompared);
    Ok(AuditOutcome {
        findings,
        roles: role_results.roles,
        tag_problems,
        tag_tamper_principals: tamper,
        complete,
        notes,
    })
}

#[cfg(test)]
mod tests;
