//! `iamscope snapshot`: reads the live account and saves it as snapshot files
//! that `--snapshot` audits load offline.

use std::path::PathBuf;

use clap::Args;

use super::Cli;
use crate::account::live::{self, LiveOptions, LiveRead, DEFAULT_MAX_ATTEMPTS};
use crate::account::write::{write_snapshot, FAILURES_FILE};
use crate::exit::{Error, Status};

/// Where and how to read the live account; shared by every command that reads it.
#[derive(Debug, Args)]
pub struct LiveArgs {
    /// A named profile from the AWS config files (default: the SDK's default chain).
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
    /// The region for IAM calls and, without `--tag-regions`, the tag scan.
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,
    /// Regions whose resource tags are read, comma-separated.
    #[arg(long, value_name = "REGION,...", value_delimiter = ',')]
    pub tag_regions: Vec<String>,
    /// An audit role to assume before reading.
    #[arg(long, value_name = "ARN")]
    pub role_arn: Option<String>,
    /// The external id the audit role's trust policy requires.
    #[arg(long, value_name = "ID", requires = "role_arn")]
    pub external_id: Option<String>,
    /// Send requests to this endpoint (a local test server) instead of AWS.
    #[arg(long, value_name = "URL")]
    pub endpoint_url: Option<String>,
    /// Attempts per call, retries on throttling included.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MAX_ATTEMPTS)]
    pub max_attempts: u32,
}

impl LiveArgs {
    /// The options of [`live::read`].
    pub fn options(&self) -> LiveOptions {
        LiveOptions {
            profile: self.profile.clone(),
            region: self.region.clone(),
            tag_regions: self.tag_regions.clone(),
            role_arn: self.role_arn.clone(),
            external_id: self.external_id.clone(),
            endpoint_url: self.endpoint_url.clone(),
            max_attempts: self.max_attempts,
            progress: true,
        }
    }
}

/// Arguments of `iamscope snapshot`.
#[derive(Debug, Args)]
pub struct SnapshotArgs {
    /// The directory to write the snapshot files into (created when missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Exit 0 even when some of the account could not be read (the snapshot
    /// still records what is missing, so audits of it report it).
    #[arg(long)]
    pub allow_partial: bool,
    /// Where and how to read the account.
    #[command(flatten)]
    pub live: LiveArgs,
}

/// Reads the account, writes the snapshot, and says what was read.
pub fn run(_cli: &Cli, args: &SnapshotArgs) -> Result<Status, Error> {
    let read = live::read(&args.live.options());
    let files = write_snapshot(&args.out, &read.account, &read.tag_regions, &read.failures)
        .map_err(|err| Error::Write {
            path: err.path,
            source: err.source,
        })?;
    eprintln!("{}", summary(&read));
    eprintln!("wrote {} files to `{}`", files.len(), args.out.display());
    if read.is_complete() {
        return Ok(Status::Clean);
    }
    eprintln!(
        "incomplete: {} calls failed; the snapshot lists them in `{FAILURES_FILE}`:",
        read.failures.len()
    );
    for failure in &read.failures {
        eprintln!("  - {failure}");
    }
    Ok(if args.allow_partial {
        Status::Clean
    } else {
        Status::Incomplete
    })
}

/// One line on what a read found and what it cost.
pub fn summary(read: &LiveRead) -> String {
    let account = &read.account;
    let calls = read
        .calls
        .requests
        .iter()
        .map(|(op, n)| format!("{op} {n}"))
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "read account `{}`: {} roles, {} users, {} groups, {} managed policies, {} tagged resources \
         in {} regions; {} requests ({calls}), {} attempts, {:.2} s",
        account.account_id.as_deref().unwrap_or("unknown"),
        account.roles.len(),
        account.users.len(),
        account.groups.len(),
        account.managed_policies.len(),
        account.resources.len(),
        read.tag_regions.len(),
        read.calls.total_requests(),
        read.calls.attempts,
        read.calls.elapsed.as_secs_f64(),
    )
}
