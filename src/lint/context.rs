//! What every lint rule gets besides the policy: the file name, the catalog and the policy's kind.

use crate::catalog::Catalog;
use crate::policy::Pos;
use crate::report::Location;

/// The kind of a policy document, which decides which rules apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PolicyKind {
    /// An identity-based policy (no `Principal`).
    Identity,
    /// A role trust policy: statements with `Principal` and `sts:AssumeRole*`-family actions only.
    Trust,
    /// Any other resource-based policy (S3 bucket, SQS queue, KMS key...).
    Resource,
}

/// The context a rule runs in.
#[derive(Debug, Clone, Copy)]
pub struct LintContext<'a> {
    /// The file name (or logical name) findings point at.
    pub file: &'a str,
    /// The IAM action catalog.
    pub catalog: &'a Catalog,
    /// The policy's kind.
    pub kind: PolicyKind,
}

impl LintContext<'_> {
    /// The location of the element at `pos` with JSON pointer `pointer` in this file.
    pub fn location(&self, pos: Pos, pointer: String) -> Location {
        let known = pos.is_known();
        Location {
            file: Some(self.file.to_string()),
            line: known.then_some(pos.line),
            column: known.then_some(pos.column),
            pointer,
        }
    }
}
