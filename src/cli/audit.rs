//! `iamscope audit`: Chalk's roles in an account against Chalk's documented roles.

use std::collections::BTreeMap;
use std::path::PathBuf;

use clap::Args;

use super::{new_report, read_sources, render, Cli};
use crate::account::load_snapshot;
use crate::audit::source::split_origin;
use crate::audit::{audit, AuditOptions};
use crate::baseline::builtin_profile;
use crate::exit::{decide, Error, Status};
use crate::report::Report;

/// Arguments of `iamscope audit`.
#[derive(Debug, Args)]
pub struct AuditArgs {
    /// Snapshot files or directories: `aws iam get-account-authorization-details`
    /// and `aws resourcegroupstaggingapi get-resources` output.
    #[arg(long, num_args = 1.., value_name = "PATH", required_unless_present = "kubernetes")]
    pub snapshot: Vec<PathBuf>,
    /// Kubernetes RBAC to audit too (or alone): `kubectl get clusterroles,roles,
    /// clusterrolebindings,rolebindings -A -o json` output or manifests; `-` reads stdin.
    #[arg(long, num_args = 1.., value_name = "FILE")]
    pub kubernetes: Vec<String>,
    /// What the Kubernetes side is expected to hold (with `--kubernetes`).
    #[command(flatten)]
    pub k8s: super::k8s::K8sExpectations,
    /// Region of the Chalk deployment (inferred from the tagged resources when they share one).
    #[arg(long)]
    pub region: Option<String>,
    /// Account id of the deployment (defaults to the snapshot's).
    #[arg(long)]
    pub account_id: Option<String>,
    /// External id Chalk gave you; the trust policies must require exactly it.
    #[arg(long)]
    pub external_id: Option<String>,
    /// Log group of the logs-reader role.
    #[arg(long)]
    pub log_group: Option<String>,
    /// Audit role NAME as documented role KIND (`scoped-execution`, `provisioning`, `logs-reader`).
    #[arg(long = "role", value_name = "NAME=KIND", value_parser = parse_role)]
    pub roles: Vec<(String, String)>,
    /// Report an incomplete audit with the findings' exit status instead of 3.
    #[arg(long)]
    pub allow_partial: bool,
}

fn parse_role(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((name, kind)) if !name.is_empty() && !kind.is_empty() => {
            Ok((name.to_string(), kind.to_string()))
        }
        _ => Err(format!("expected `NAME=KIND`, got `{text}`")),
    }
}

/// Runs the audit and reports.
pub fn run(cli: &Cli, args: &AuditArgs) -> Result<Status, Error> {
    let mut report = new_report("audit");
    let complete = if args.snapshot.is_empty() {
        true
    } else {
        audit_account(args, &mut report)?
    };
    if !args.kubernetes.is_empty() {
        let sources = read_sources(&args.kubernetes)?;
        report.extend_findings(args.k8s.audit(&sources)?);
        for source in sources {
            report.add_source(source.name, source.text);
        }
    }
    render(cli, &mut report)?;
    Ok(decide(
        report.max_severity(),
        cli.fail_on,
        complete || args.allow_partial,
    ))
}

/// Audits the AWS snapshot into `report`; returns whether everything was read.
fn audit_account(args: &AuditArgs, report: &mut Report) -> Result<bool, Error> {
    let account = load_snapshot(&args.snapshot)?;
    // The texts of every file the account was read from, to locate findings.
    let mut texts: BTreeMap<String, String> = BTreeMap::new();
    let origins = account
        .roles
        .iter()
        .map(|r| &r.trust_policy.origin)
        .chain(
            account
                .managed_policies
                .iter()
                .map(|p| &p.default_version_document.origin),
        )
        .chain(
            account
                .users
                .iter()
                .flat_map(|u| u.inline.iter().map(|(_, t)| &t.origin)),
        )
        .chain(
            account
                .groups
                .iter()
                .flat_map(|g| g.inline.iter().map(|(_, t)| &t.origin)),
        );
    let mut names: Vec<String> = origins.map(|o| split_origin(o).0.to_string()).collect();
    names.extend(snapshot_files(&args.snapshot));
    names.sort();
    names.dedup();
    for name in names {
        if let Ok(text) = std::fs::read_to_string(&name) {
            texts.insert(name, text);
        }
    }
    let profile = builtin_profile("chalk").ok_or_else(|| Error::Read {
        path: "rules/chalk/profile.toml".to_string(),
        source: std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "built-in profile is invalid",
        ),
    })?;
    let options = AuditOptions {
        region: args.region.clone(),
        account_id: args.account_id.clone(),
        external_id: args.external_id.clone(),
        log_group: args.log_group.clone(),
        role_kinds: args.roles.clone(),
    };
    let outcome = audit(&account, &texts, &profile, &options)?;
    report.extra.insert("audit".into(), outcome.summary_json());
    report.headline.extend(outcome.summary_lines());
    report.headline.extend(
        outcome
            .roles
            .iter()
            .map(|(name, status)| format!("  {:<13} {name}", status.as_str())),
    );
    report.notes.extend(outcome.notes.iter().cloned());
    if !outcome.complete {
        report.notes.push(
            "the audit is incomplete: some policies could not be read (see `policy-document-missing` and `invalid-policy`)".to_string(),
        );
    }
    report.extend_findings(outcome.findings);
    for (name, text) in texts {
        report.add_source(name, text);
    }
    Ok(outcome.complete)
}

/// Every JSON file a snapshot path names (a directory's `*.json` files).
fn snapshot_files(paths: &[PathBuf]) -> Vec<String> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            if let Ok(entries) = std::fs::read_dir(path) {
                files.extend(
                    entries
                        .filter_map(Result::ok)
                        .map(|e| e.path())
                        .filter(|p| {
                            p.extension()
                                .is_some_and(|e| e.eq_ignore_ascii_case("json"))
                        })
                        .map(|p| p.display().to_string()),
                );
            }
        } else {
            files.push(path.display().to_string());
        }
    }
    files
}
