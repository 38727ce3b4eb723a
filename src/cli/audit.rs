//! `iamscope audit`: Chalk's roles in an account against Chalk's documented roles.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use clap::Args;

use super::{new_report, read_sources, render, Cli};
use crate::account::live::{self, LiveOptions, DEFAULT_MAX_ATTEMPTS};
use crate::account::{load_snapshot_with_texts, Account};
use crate::audit::{audit_files, AuditOptions, SnapshotFiles};
use crate::baseline::builtin_profile;
use crate::exit::{decide, Error, Status};
use crate::report::Report;

/// Arguments of `iamscope audit`.
#[derive(Debug, Args)]
pub struct AuditArgs {
    /// Snapshot files or directories: `aws iam get-account-authorization-details`
    /// and `aws resourcegroupstaggingapi get-resources` output.
    #[arg(
        long,
        num_args = 1..,
        value_name = "PATH",
        required_unless_present_any = ["kubernetes", "live"],
        conflicts_with = "live"
    )]
    pub snapshot: Vec<PathBuf>,
    /// Read the account itself through the AWS API (read-only calls; see
    /// `iamscope permissions`) instead of a snapshot.
    #[arg(long)]
    pub live: bool,
    /// How to reach the live account (with `--live`).
    #[command(flatten)]
    pub reach: LiveReach,
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

/// How `audit --live` reaches the account. The deployment's `--region` is also the
/// region of the IAM calls and, without `--tag-regions`, of the tag scan.
#[derive(Debug, Args)]
pub struct LiveReach {
    /// A named profile from the AWS config files (default: the SDK's default chain).
    #[arg(
        long = "profile",
        id = "aws_profile",
        value_name = "NAME",
        requires = "live"
    )]
    pub aws_profile: Option<String>,
    /// Regions whose resource tags are read, comma-separated.
    #[arg(
        long,
        value_name = "REGION,...",
        value_delimiter = ',',
        requires = "live"
    )]
    pub tag_regions: Vec<String>,
    /// An audit role to assume before reading.
    #[arg(long, value_name = "ARN", requires = "live")]
    pub role_arn: Option<String>,
    /// The external id the audit role's trust policy requires.
    #[arg(long, value_name = "ID", requires = "role_arn")]
    pub role_external_id: Option<String>,
    /// Send requests to this endpoint (a local test server) instead of AWS.
    #[arg(long, value_name = "URL", requires = "live")]
    pub endpoint_url: Option<String>,
    /// Attempts per call, retries on throttling included.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MAX_ATTEMPTS)]
    pub max_attempts: u32,
}

/// Runs the audit and reports.
pub fn run(cli: &Cli, args: &AuditArgs) -> Result<Status, Error> {
    let mut report = new_report("audit");
    let (account, texts) = if args.live {
        let read = live::read(&LiveOptions {
            profile: args.reach.aws_profile.clone(),
            region: args.region.clone(),
            tag_regions: args.reach.tag_regions.clone(),
            role_arn: args.reach.role_arn.clone(),
            external_id: args.reach.role_external_id.clone(),
            endpoint_url: args.reach.endpoint_url.clone(),
            max_attempts: args.reach.max_attempts,
            progress: true,
        });
        report.notes.push(super::snapshot::summary(&read));
        (Some(read.account), BTreeMap::new())
    } else if args.snapshot.is_empty() {
        (None, BTreeMap::new())
    } else {
        let (account, texts) = load_snapshot_with_texts(&args.snapshot)?;
        (Some(account), texts)
    };
    let files = SnapshotFiles::new(&texts);
    let complete = match &account {
        Some(account) => audit_account(args, account, &files, &mut report)?,
        None => true,
    };
    if !args.kubernetes.is_empty() {
        let sources = read_sources(&args.kubernetes)?;
        report.extend_findings(args.k8s.audit(&sources)?);
        for source in sources {
            report.add_source(source.name, source.text);
        }
    }
    render(cli, &mut report)?;
    // The account model of a large snapshot, the snapshot texts and the positions
    // parsed from them are millions of small allocations: freeing them one by one
    // took about a tenth of the run. Nothing is left to do but exit, so the OS
    // reclaims them instead.
    std::mem::forget(files);
    std::mem::forget(account);
    std::mem::forget(texts);
    Ok(decide(
        report.max_severity(),
        cli.fail_on,
        complete || args.allow_partial,
    ))
}

/// Audits the account into `report`; returns whether everything was read. The
/// texts of the files that hold findings go into the report (table and Markdown
/// output quote their lines).
fn audit_account(
    args: &AuditArgs,
    account: &Account,
    files: &SnapshotFiles<'_>,
    report: &mut Report,
) -> Result<bool, Error> {
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
    let outcome = audit_files(account, files, &profile, &options)?;
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
    let quoted: BTreeSet<String> = outcome
        .findings
        .iter()
        .filter_map(|f| f.location.file.clone())
        .collect();
    report.extend_findings(outcome.findings);
    for name in quoted {
        if let Some(text) = files.text(&name) {
            report.add_source(name, text);
        }
    }
    // What the read of the account itself left out (a live read's failed calls, or
    // a snapshot that recorded them): such an audit is never clean.
    for gap in &account.incomplete {
        report.notes.push(format!("not read: {gap}"));
    }
    Ok(outcome.complete && account.is_complete())
}
