//! Errors of the snapshot loaders.

/// Why a snapshot could not be loaded. Every variant names the file; shape
/// problems also give the JSON pointer of the offending value.
#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    /// No path was given.
    #[error("no snapshot files given")]
    NoInput,
    /// A directory argument holds no `*.json` file.
    #[error("directory `{path}` holds no `.json` files")]
    EmptyDirectory {
        /// The directory.
        path: String,
    },
    /// A file or directory could not be read.
    #[error("cannot read `{path}`: {source}")]
    Io {
        /// The path that failed.
        path: String,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The file is not JSON.
    #[error("{path}:{line}:{column}: invalid json: {message}")]
    Syntax {
        /// The file.
        path: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What the JSON parser expected.
        message: String,
    },
    /// The JSON does not have the shape of an AWS CLI snapshot.
    #[error("{path}:{line}:{column}: at `{pointer}`: {message}")]
    Shape {
        /// The file.
        path: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// JSON pointer of the offending value (`/RoleDetailList/3`).
        pointer: String,
        /// What was found and what was expected.
        message: String,
    },
    /// A value has the right type but inconsistent content.
    #[error("{path}: at `{pointer}`: {message}")]
    Invalid {
        /// The file.
        path: String,
        /// JSON pointer of the offending value.
        pointer: String,
        /// What is wrong.
        message: String,
    },
    /// The file is JSON but neither kind of snapshot.
    #[error(
        "{path}: not a snapshot: expected a top-level `RoleDetailList`, `UserDetailList`, \
         `GroupDetailList` or `Policies` (aws iam get-account-authorization-details) or \
         `ResourceTagMappingList` (aws resourcegroupstaggingapi get-resources)"
    )]
    UnknownKind {
        /// The file.
        path: String,
    },
    /// Two files describe different accounts.
    #[error(
        "snapshots mix accounts `{first}` (in `{first_path}`) and `{second}` (in `{second_path}`)"
    )]
    MixedAccounts {
        /// The account seen first.
        first: String,
        /// The file it was seen in.
        first_path: String,
        /// The other account.
        second: String,
        /// The file it was seen in.
        second_path: String,
    },
}
