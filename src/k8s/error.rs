//! Errors of the Kubernetes audit: unreadable inputs and bad profiles.

use crate::policy::span::Pos;

/// Why the Kubernetes audit could not run.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum K8sError {
    /// An input is not valid JSON or YAML, or not the shape of an RBAC object.
    #[error("{file}:{line}:{column}: {message}")]
    Parse {
        /// The file as given (`-` for stdin).
        file: String,
        /// 1-based line (0 when unknown).
        line: u32,
        /// 1-based column in characters (0 when unknown).
        column: u32,
        /// What is wrong.
        message: String,
    },
    /// The Kubernetes profile (`kubernetes.toml` or a documented role) is invalid.
    #[error("invalid kubernetes profile `{file}`: {message}")]
    Profile {
        /// The profile file.
        file: String,
        /// What is wrong.
        message: String,
    },
}

impl K8sError {
    /// A parse error at `pos` in `file`.
    pub fn parse(file: &str, pos: Pos, message: impl Into<String>) -> Self {
        K8sError::Parse {
            file: file.to_owned(),
            line: pos.line,
            column: pos.column,
            message: message.into(),
        }
    }
}
