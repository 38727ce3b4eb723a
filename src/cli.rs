//! The command line: flags, subcommands, and running them.

use std::io::{self, IsTerminal, Read, Write};
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use crate::catalog::Catalog;
use crate::exit::{decide, Error, Status};
use crate::lint::{lint_sources, PolicyType, SourceFile};
use crate::registry::{self, RULES};
use crate::report::{self, rule_list, CatalogStamp, Format, Report, Severity};

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
    Lint {
        /// Policy files to check; `-` reads one from stdin.
        #[arg(required = true, value_name = "FILE")]
        files: Vec<String>,
        /// What the documents are meant to be; decides the size quota checked.
        #[arg(long, value_enum, default_value_t = PolicyType::Managed)]
        policy_type: PolicyType,
    },
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
        Command::Lint { files, policy_type } => {
            let sources = read_sources(files)?;
            let mut report = new_report("lint");
            report.extend_findings(lint_sources(&sources, *policy_type));
            for source in sources {
                report.add_source(source.name, source.text);
            }
            emit(
                cli,
                &report::render(&report, format, &RULES, use_color(cli)),
            )?;
            Ok(decide(report.max_severity(), cli.fail_on, true))
        }
    }
}

/// A report stamped with the embedded catalog's source and date.
fn new_report(command: &str) -> Report {
    let mut report = Report::new(command);
    let info = Catalog::get().info();
    report.catalog = Some(CatalogStamp {
        source: info.package.to_string(),
        version: info.version.to_string(),
        date: info.date.get(..10).unwrap_or(info.date).to_string(),
    });
    report
}

/// Reads every named file, and stdin for `-` (once, however often `-` is given).
fn read_sources(files: &[String]) -> Result<Vec<SourceFile>, Error> {
    let mut sources: Vec<SourceFile> = Vec::with_capacity(files.len());
    for name in files {
        if sources.iter().any(|s| &s.name == name) {
            continue;
        }
        let text = if name == "-" {
            let mut text = String::new();
            io::stdin().read_to_string(&mut text).map(|_| text)
        } else {
            std::fs::read_to_string(name)
        }
        .map_err(|source| Error::Read {
            path: name.clone(),
            source,
        })?;
        sources.push(SourceFile::new(name.clone(), text));
    }
    Ok(sources)
}

/// Colors only for the terminal: `--color always`, or `auto` with stdout a terminal,
/// no `--output` file, and `NO_COLOR` unset or empty (<https://no-color.org>).
fn use_color(cli: &Cli) -> bool {
    match cli.color {
        ColorArg::Always => true,
        ColorArg::Never => false,
        ColorArg::Auto => {
            cli.output.is_none()
                && io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    }
}

/// Writes the rendered output to `--output` or stdout.
fn emit(cli: &Cli, text: &str) -> Result<(), Error> {
    match &cli.output {
        Some(path) => std::fs::write(path, text).map_err(|source| Error::Write {
            path: path.display().to_string(),
            source,
        }),
        None => {
            let mut stdout = io::stdout().lock();
            stdout
                .write_all(text.as_bytes())
                .and_then(|()| stdout.flush())
                .map_err(|source| Error::Write {
                    path: "-".to_owned(),
                    source,
                })
        }
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
