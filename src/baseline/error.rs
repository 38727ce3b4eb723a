//! Errors of the baseline layer and position helpers.

/// Errors loading a vendor profile or rendering a documented policy.
#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    /// A file could not be read.
    #[error("cannot read `{path}`: {source}")]
    Io {
        /// The path that failed.
        path: String,
        /// The underlying error.
        source: std::io::Error,
    },
    /// `profile.toml` is not valid TOML or does not have the expected shape.
    #[error("{file}:{line}:{column}: {message}")]
    Profile {
        /// The profile file.
        file: String,
        /// 1-based line (0 when unknown).
        line: u32,
        /// 1-based column in characters (0 when unknown).
        column: u32,
        /// What is wrong.
        message: String,
    },
    /// A policy template is not valid JSON.
    #[error("{file}:{line}:{column}: invalid policy json: {message}")]
    PolicyJson {
        /// The template file.
        file: String,
        /// 1-based line.
        line: u32,
        /// 1-based column.
        column: u32,
        /// What serde_json expected.
        message: String,
    },
    /// A policy template uses a `${NAME}` the profile does not declare.
    #[error("{file}:{line}:{column}: placeholder `${{{name}}}` is not a declared parameter")]
    UndeclaredPlaceholder {
        /// The template file.
        file: String,
        /// 1-based line.
        line: u32,
        /// 1-based column.
        column: u32,
        /// The placeholder name.
        name: String,
    },
    /// No documented policy has this id.
    #[error("unknown policy `{id}` (known: {known})")]
    UnknownPolicy {
        /// The id asked for.
        id: String,
        /// The known ids, formatted for the message.
        known: String,
    },
    /// A policy needs a parameter that was not given.
    #[error("policy `{policy}` needs parameter `{name}`: pass `{flag}`")]
    MissingParameter {
        /// Full policy id.
        policy: String,
        /// Parameter name.
        name: String,
        /// The flag that supplies it.
        flag: String,
    },
    /// A parameter value does not have the declared shape.
    #[error("invalid value `{value}` for `{flag}`: expected {expected}")]
    InvalidParameter {
        /// The value given.
        value: String,
        /// The flag that supplied it.
        flag: String,
        /// What a valid value looks like.
        expected: String,
    },
    /// A parameter name given by the caller is not declared by the profile.
    #[error("unknown parameter `{name}` for vendor `{vendor}`")]
    UnknownParameter {
        /// The parameter name.
        name: String,
        /// The vendor id.
        vendor: String,
    },
}
