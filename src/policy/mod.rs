//! The IAM policy model with source positions, and its strict parser.

pub mod decode;
pub mod json;
pub mod model;
pub mod parse;
pub mod source;
pub mod span;

pub use decode::{chars_without_whitespace, decode_document};
pub use json::{parse_json, JsonKind, JsonValue, Member, PolicyError};
pub use model::*;
pub use parse::{parse_policy, policy_from_json};
pub use source::SourceFile;
