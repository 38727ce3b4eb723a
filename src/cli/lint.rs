//! `iamscope lint`: every defect and risky grant in policy documents.

use clap::Args;

use super::{new_report, read_sources, render, Cli};
use crate::exit::{decide, Error, Status};
use crate::lint::{lint_sources_with, LintOptions, PolicyType};

/// Arguments of `iamscope lint`.
#[derive(Debug, Args)]
pub struct LintArgs {
    /// Policy files to check; `-` reads one from stdin.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<String>,
    /// What the documents are meant to be; decides the size quota checked.
    #[arg(long, value_enum, default_value_t = PolicyType::Managed)]
    pub policy_type: PolicyType,
    /// Skip files that are not IAM policy documents (JSON without a `Statement`),
    /// as a pre-commit hook given every staged `*.json` file needs.
    #[arg(long)]
    pub policies_only: bool,
    /// The AWS account the policies live in: principals of this account are not treated as
    /// third parties (`trust-missing-external-id`).
    #[arg(long, value_name = "ACCOUNT")]
    pub account_id: Option<String>,
}

/// Lints the files and reports.
pub fn run(cli: &Cli, args: &LintArgs) -> Result<Status, Error> {
    // Load the catalog while the files are read and parsed: each takes milliseconds to
    // tens of milliseconds on a large batch, and only the rules need the catalog (they
    // wait for it). The thread's only result is the loaded catalog, so it is not joined.
    std::thread::spawn(|| {
        crate::catalog::Catalog::get();
    });
    let mut sources = read_sources(&args.files)?;
    if args.policies_only {
        sources.retain(|s| super::repo_diff::is_policy_document(&s.text));
    }
    let mut report = new_report("lint");
    let options = LintOptions {
        policy_type: args.policy_type,
        account_id: args.account_id.clone(),
    };
    report.extend_findings(lint_sources_with(&sources, &options));
    for source in sources {
        report.add_source(source.name, source.text);
    }
    render(cli, &mut report)?;
    Ok(decide(report.max_severity(), cli.fail_on, true))
}
