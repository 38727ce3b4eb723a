//! The command line: flags, subcommands, and running them. One module per
//! subcommand; `output` holds what they share (reading inputs, writing output).

mod audit;
mod baseline;
mod catalog;
mod diff;
mod explain;
pub mod gate;
mod k8s;
mod lint;
mod output;
pub mod permissions;
pub mod policy_input;
mod repo_diff;
pub mod snapshot;

pub use output::{emit, new_report, read_sources, render, use_color};

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use crate::exit::{Error, Status};
use crate::registry::{self, RULES};
use crate::report::{rule_list, Format, Severity};

/// Audits AWS IAM policies: lint, exact diff, evaluation, and account audits.
#[derive(Debug, Parser)]
#[command(name = "iamscope", version, about)]
pub struct Cli {
    /// Output format.
    #[arg(long, global = true, value_enum, default_value_t = FormatArg::Table)]
    pub format: FormatArg,
    /// Exit with status 1 when a finding is at or above this severity
    /// (info, low, medium, high, critical).
    #[arg(long, global = true, default_value = "high", value_parser = parse_severity)]
    pub fail_on: Severity,
    /// Write the output to FILE instead of stdout.
    #[arg(long, short = 'o', global = true, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// When to color the table output.
    #[arg(long, global = true, value_enum, default_value_t = ColorArg::Auto)]
    pub color: ColorArg,
    /// Read the configuration from FILE instead of the nearest `iamscope.toml`
    /// upward from the working directory.
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Use no configuration file.
    #[arg(long, global = true, conflicts_with = "config")]
    pub no_config: bool,
    /// A JSON report of an earlier run: mark findings new or unchanged and list
    /// the resolved ones.
    #[arg(long, global = true, value_name = "REPORT")]
    pub previous: Option<PathBuf>,
    /// Exit with status 1 only for new findings at or above `--fail-on`.
    #[arg(long, global = true, requires = "previous")]
    pub fail_on_new: bool,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// List every rule with its default severity.
    Rules,
    /// Print a rule's documentation.
    Rule {
        /// The rule id, such as `invalid-policy`.
        id: String,
    },
    /// Check policy documents for mistakes and risky grants.
    Lint(lint::LintArgs),
    /// Compare two policy sets exactly: what NEW allows that OLD does not, and back.
    Diff(diff::DiffArgs),
    /// Decide one request against policies and say why each statement applied or not.
    Explain(explain::ExplainArgs),
    /// List the documented vendor policies, or print one rendered with parameters.
    Baseline(baseline::BaselineArgs),
    /// Print the embedded IAM action catalog's source, version, date and counts.
    Catalog(catalog::CatalogArgs),
    /// Audit Kubernetes RBAC (kubectl JSON or manifests) against Chalk's documented roles.
    K8sAudit(k8s::K8sAuditArgs),
    /// Audit an account (snapshot or live) and its cluster's RBAC against Chalk's documented roles.
    Audit(audit::AuditArgs),
    /// Read the live account and save it as snapshot files.
    Snapshot(snapshot::SnapshotArgs),
    /// Print the least-privilege IAM policy iamscope needs to read an account.
    Permissions(permissions::PermissionsArgs),
}

/// `--format` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// A table with source snippets.
    Table,
    /// Versioned JSON.
    Json,
    /// SARIF 2.1.0.
    Sarif,
    /// Markdown for pull-request comments.
    Markdown,
}

impl From<FormatArg> for Format {
    fn from(format: FormatArg) -> Self {
        match format {
            FormatArg::Table => Format::Table,
            FormatArg::Json => Format::Json,
            FormatArg::Sarif => Format::Sarif,
            FormatArg::Markdown => Format::Markdown,
        }
    }
}

/// `--color` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorArg {
    /// Color when writing to a terminal and `NO_COLOR` is unset.
    Auto,
    /// Always color.
    Always,
    /// Never color.
    Never,
}

fn parse_severity(text: &str) -> Result<Severity, String> {
    text.parse()
}

/// Runs the parsed command line and returns the exit status it earned.
pub fn run(cli: &Cli) -> Result<Status, Error> {
    let format = Format::from(cli.format);
    match &cli.command {
        Command::Rules => {
            emit(cli, &rule_list::render_list(&RULES, format))?;
            Ok(Status::Clean)
        }
        Command::Rule { id } => {
            let rule = registry::find(id).ok_or_else(|| Error::UnknownRule {
                id: id.clone(),
                suggestion: registry::suggest(id),
            })?;
            emit(cli, &rule_list::render_one(rule, format))?;
            Ok(Status::Clean)
        }
        Command::Lint(args) => lint::run(cli, args),
        Command::Diff(args) => diff::run(cli, args),
        Command::Explain(args) => explain::run(cli, args),
        Command::Baseline(args) => baseline::run(cli, args),
        Command::Catalog(args) => catalog::run(cli, args),
        Command::K8sAudit(args) => k8s::run(cli, args),
        Command::Audit(args) => audit::run(cli, args),
        Command::Snapshot(args) => snapshot::run(cli, args),
        Command::Permissions(args) => permissions::run(cli, args),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn command_line_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn fail_on_defaults_to_high() {
        let cli = Cli::try_parse_from(["iamscope", "lint", "a.json"]).unwrap();
        assert_eq!(cli.fail_on, Severity::High);
        assert_eq!(cli.format, FormatArg::Table);
    }

    #[test]
    fn global_flags_are_accepted_after_the_subcommand() {
        let cli = Cli::try_parse_from([
            "iamscope",
            "lint",
            "a.json",
            "--format",
            "sarif",
            "--fail-on",
            "LOW",
        ])
        .unwrap();
        assert_eq!(cli.format, FormatArg::Sarif);
        assert_eq!(cli.fail_on, Severity::Low);
    }

    #[test]
    fn rejects_an_unknown_severity() {
        let error = Cli::try_parse_from(["iamscope", "--fail-on", "severe", "rules"]).unwrap_err();
        assert!(
            error.to_string().contains("unknown severity `severe`"),
            "{error}"
        );
    }
}
