//! Exit codes, and the top-level error that every failure becomes.
//!
//! | code | meaning |
//! | --- | --- |
//! | 0 | success: no finding at or above `--fail-on` |
//! | 1 | at least one finding at or above `--fail-on` |
//! | 2 | usage, input or output error (bad flag, unreadable file, unknown rule, policy that does not parse where one is required, missing parameter of a documented policy) |
//! | 2 | usage, input or output error (bad flag, unreadable file, unknown rule, invalid `iamscope.toml`, previous report of another schema version) |
//! | 3 | incomplete scan: some of the account could not be read (live audits) |

use std::io;
use std::process::ExitCode;

use crate::baseline::BaselineError;
use crate::config::ConfigError;
use crate::history::HistoryError;
use crate::report::Severity;

/// How a run ended, as the process exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Nothing at or above the failure threshold.
    Clean = 0,
    /// At least one finding at or above the failure threshold.
    Findings = 1,
    /// The command could not run: usage, input or output error.
    Error = 2,
    /// The scan could not read everything it needed (live audits).
    Incomplete = 3,
}

impl Status {
    /// The numeric exit code.
    pub fn code(self) -> u8 {
        self as u8
    }
}

impl From<Status> for ExitCode {
    fn from(status: Status) -> Self {
        ExitCode::from(status.code())
    }
}

/// Decides the exit status of a run that completed: the one place exit codes are chosen.
///
/// An incomplete scan wins over findings, because a clean result from a partial scan
/// proves nothing; otherwise the run fails when any finding is at or above `fail_on`.
/// Pass `Report::max_severity()`, which leaves out waived findings and, under
/// `--fail-on-new`, findings the previous report already had.
pub fn decide(max_severity: Option<Severity>, fail_on: Severity, complete: bool) -> Status {
    if !complete {
        Status::Incomplete
    } else if max_severity.is_some_and(|severity| severity >= fail_on) {
        Status::Findings
    } else {
        Status::Clean
    }
}

/// The exit status of `iamscope diff`.
///
/// With `--fail-on-new-access` the run fails when NEW allows any request OLD does
/// not, and also when part of the comparison is unproven: a gate fails closed,
/// treating what it cannot prove as possible new access. Otherwise, and in
/// addition, the usual `--fail-on` threshold applies to the findings.
pub fn decide_diff(
    max_severity: Option<Severity>,
    fail_on: Severity,
    fail_on_new_access: bool,
    new_access_or_unproven: bool,
) -> Status {
    if fail_on_new_access && new_access_or_unproven {
        Status::Findings
    } else {
        decide(max_severity, fail_on, true)
    }
}

/// Everything that stops a command before it can report.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An input file could not be read.
    #[error("cannot read `{path}`: {}", plain_io(.source))]
    Read {
        /// The path as given.
        path: String,
        /// The cause.
        source: io::Error,
    },
    /// The output could not be written.
    #[error("cannot write `{path}`: {}", plain_io(.source))]
    Write {
        /// The output path, or `-` for stdout.
        path: String,
        /// The cause.
        source: io::Error,
    },
    /// A snapshot could not be loaded (it is never reported as clean).
    #[error(transparent)]
    Snapshot(#[from] crate::account::SnapshotError),
    /// The audit could not run (a parameter is missing or invalid).
    #[error(transparent)]
    Audit(#[from] crate::audit::AuditError),
    /// `iamscope rule <id>` with an id no rule has.
    #[error("unknown rule `{id}`")]
    UnknownRule {
        /// The id as given.
        id: String,
        /// The closest known id.
        suggestion: Option<&'static str>,
    },
    /// A policy argument is not a valid policy document.
    #[error("{file}:{line}:{column}: {message}{}", more_errors(*.more))]
    InvalidPolicy {
        /// The file, `-`, or documented policy id.
        file: String,
        /// 1-based line of the first problem.
        line: u32,
        /// 1-based column of the first problem.
        column: u32,
        /// What is wrong.
        message: String,
        /// How many further problems the document has.
        more: usize,
    },
    /// A documented policy could not be rendered (unknown id, missing or invalid parameter).
    #[error(transparent)]
    Baseline(#[from] BaselineError),
    /// A command was given arguments that do not fit together.
    #[error("{message}")]
    Usage {
        /// What is wrong.
        message: String,
        /// What to do instead.
        help: Option<String>,
    },
    /// Kubernetes input or profile that cannot be read (`iamscope k8s-audit`).
    #[error(transparent)]
    Kubernetes(#[from] crate::k8s::K8sError),
    /// The configuration file is unreadable or invalid.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The previous report given by `--previous` cannot be used.
    #[error(transparent)]
    History(#[from] HistoryError),
}

impl Error {
    /// The exit status for this error.
    pub fn status(&self) -> Status {
        match self {
            Error::Read { .. }
            | Error::Write { .. }
            | Error::UnknownRule { .. }
            | Error::InvalidPolicy { .. }
            | Error::Baseline(_)
            | Error::Usage { .. }
            | Error::Kubernetes(_)
            | Error::Snapshot(_)
            | Error::Audit(_)
            | Error::Config(_)
            | Error::History(_) => Status::Error,
        }
    }

    /// A line telling the user what to do next, when there is something useful to say.
    pub fn help(&self) -> Option<String> {
        match self {
            Error::UnknownRule {
                suggestion: Some(id),
                ..
            } => Some(format!("did you mean `{id}`?")),
            Error::UnknownRule {
                suggestion: None, ..
            } => Some("run `iamscope rules` to list every rule".to_owned()),
            Error::Read { .. } => Some("pass `-` to read the policy from stdin".to_owned()),
            Error::InvalidPolicy { file, .. } => {
                Some(format!("run `iamscope lint {file}` to see every problem"))
            }
            Error::Baseline(BaselineError::UnknownPolicy { .. }) => {
                Some("run `iamscope baseline` to list the documented policies".to_owned())
            }
            Error::Usage { help, .. } => help.clone(),
            Error::Write { .. }
            | Error::Baseline(_)
            | Error::Kubernetes(_)
            | Error::Snapshot(_)
            | Error::Audit(_) => None,
            Error::Config(ConfigError::Invalid { .. }) => {
                Some("see docs/configuration.md, or pass `--no-config`".to_owned())
            }
            Error::Config(_) => None,
            Error::History(HistoryError::Version { .. }) => Some(
                "write the previous report again with this iamscope, or drop `--previous`"
                    .to_owned(),
            ),
            Error::History(_) => None,
        }
    }
}

/// ` (and N more problems)` when a document has more than one problem.
fn more_errors(more: usize) -> String {
    match more {
        0 => String::new(),
        1 => " (and 1 more problem)".to_owned(),
        n => format!(" (and {n} more problems)"),
    }
}

/// An I/O error's message without the `(os error N)` suffix std appends.
pub(crate) fn plain_io(error: &io::Error) -> String {
    let text = error.to_string();
    match text.rfind(" (os error ") {
        Some(index) if text.ends_with(')') => text[..index].to_owned(),
        _ => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fails_only_at_or_above_the_threshold() {
        assert_eq!(
            decide(Some(Severity::Medium), Severity::High, true),
            Status::Clean
        );
        assert_eq!(
            decide(Some(Severity::High), Severity::High, true),
            Status::Findings
        );
        assert_eq!(
            decide(Some(Severity::Critical), Severity::High, true),
            Status::Findings
        );
        assert_eq!(decide(None, Severity::Info, true), Status::Clean);
    }

    #[test]
    fn incomplete_scans_win_over_findings() {
        assert_eq!(
            decide(Some(Severity::Critical), Severity::High, false),
            Status::Incomplete
        );
        assert_eq!(Status::Incomplete.code(), 3);
    }

    #[test]
    fn new_access_gate_fails_closed_on_unproven_parts() {
        assert_eq!(
            decide_diff(Some(Severity::Medium), Severity::High, true, true),
            Status::Findings
        );
        assert_eq!(
            decide_diff(Some(Severity::Medium), Severity::High, false, true),
            Status::Clean
        );
        assert_eq!(
            decide_diff(Some(Severity::Low), Severity::Low, true, false),
            Status::Findings
        );
        assert_eq!(
            decide_diff(None, Severity::High, true, false),
            Status::Clean
        );
    }

    #[test]
    fn policy_errors_read_like_compiler_diagnostics() {
        let error = Error::InvalidPolicy {
            file: "p.json".into(),
            line: 3,
            column: 7,
            message: "expected a value".into(),
            more: 2,
        };
        assert_eq!(
            error.to_string(),
            "p.json:3:7: expected a value (and 2 more problems)"
        );
        assert_eq!(error.status(), Status::Error);
    }

    #[test]
    fn read_errors_drop_the_os_error_number() {
        let error = Error::Read {
            path: "x.json".into(),
            source: io::Error::from_raw_os_error(2),
        };
        assert_eq!(
            error.to_string(),
            "cannot read `x.json`: No such file or directory"
        );
        assert_eq!(error.status(), Status::Error);
    }

    #[test]
    fn unknown_rules_suggest_a_close_id() {
        let error = Error::UnknownRule {
            id: "invalid-polcy".into(),
            suggestion: Some("invalid-policy"),
        };
        assert_eq!(
            error.help().as_deref(),
            Some("did you mean `invalid-policy`?")
        );
    }
}
