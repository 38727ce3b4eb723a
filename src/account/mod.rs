//! The account model: the IAM roles, users, groups, managed policies and
//! tagged resources of one AWS account, and the loaders that build it from
//! offline snapshots.
//!
//! Policy documents stay text ([`PolicyText`]); the policy parser turns them
//! into `Policy` values where a check needs them, so one malformed document
//! becomes a finding rather than a failed load.

mod error;
pub mod live;
mod snapshot;
pub mod write;

use std::collections::BTreeMap;

pub use error::SnapshotError;
pub use snapshot::{load_snapshot, load_snapshot_texts, load_snapshot_with_texts};

/// Everything known about one account.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Account {
    /// The 12-digit account id, when any entity ARN revealed it.
    pub account_id: Option<String>,
    /// IAM roles, in order of first appearance.
    pub roles: Vec<Role>,
    /// IAM users, in order of first appearance.
    pub users: Vec<User>,
    /// IAM groups, in order of first appearance.
    pub groups: Vec<Group>,
    /// Managed policies (customer managed, and AWS managed ones the snapshot lists).
    pub managed_policies: Vec<ManagedPolicy>,
    /// Resources with their tags, from the tagging API.
    pub resources: Vec<TaggedResource>,
    /// What the read that made this account could not read (a live read's
    /// failures, or a snapshot's `iamscope-read-failures.json`). Non-empty
    /// means incomplete: an audit of it must not come back clean.
    pub incomplete: Vec<String>,
}

impl Account {
    /// The role named `name` (IAM role names are unique regardless of case).
    pub fn role(&self, name: &str) -> Option<&Role> {
        self.roles
            .iter()
            .find(|role| role.name.eq_ignore_ascii_case(name))
    }

    /// The managed policy with ARN `arn`.
    pub fn managed_policy(&self, arn: &str) -> Option<&ManagedPolicy> {
        self.managed_policies.iter().find(|p| p.arn == arn)
    }

    /// Whether everything was read.
    pub fn is_complete(&self) -> bool {
        self.incomplete.is_empty()
    }

    /// The tagged resource with ARN `arn`.
    pub fn resource(&self, arn: &str) -> Option<&TaggedResource> {
        self.resources.iter().find(|r| r.arn == arn)
    }
}

/// A policy document kept as text, with where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyText {
    /// Where the document was read: `file.json#/RoleDetailList/3/RolePolicyList/0/PolicyDocument`
    /// for snapshots, or a logical name such as `role/chalk-scoped/inline/chalk`.
    pub origin: String,
    /// The JSON text, URL-decoded. Documents the snapshot held as JSON objects
    /// are re-serialized (pretty-printed), so positions refer to this text.
    pub text: String,
}

impl PolicyText {
    /// A document read from `origin`.
    pub fn new(origin: impl Into<String>, text: impl Into<String>) -> Self {
        PolicyText {
            origin: origin.into(),
            text: text.into(),
        }
    }
}

/// An IAM role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Role {
    /// Role name.
    pub name: String,
    /// Role ARN.
    pub arn: String,
    /// Role path (`/` when the snapshot omits it).
    pub path: String,
    /// Unique role id (`AROA...`), when the snapshot has it.
    pub role_id: Option<String>,
    /// The trust (assume-role) policy.
    pub trust_policy: PolicyText,
    /// Inline policies: name and document.
    pub inline: Vec<(String, PolicyText)>,
    /// ARNs of attached managed policies.
    pub attached: Vec<String>,
    /// ARN of the permissions boundary policy.
    pub boundary: Option<String>,
    /// Tags on the role.
    pub tags: BTreeMap<String, String>,
}

/// An IAM user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// User name.
    pub name: String,
    /// User ARN.
    pub arn: String,
    /// User path (`/` when the snapshot omits it).
    pub path: String,
    /// Unique user id (`AIDA...`), when the snapshot has it.
    pub user_id: Option<String>,
    /// Inline policies: name and document.
    pub inline: Vec<(String, PolicyText)>,
    /// ARNs of attached managed policies.
    pub attached: Vec<String>,
    /// Names of the groups the user belongs to.
    pub groups: Vec<String>,
    /// ARN of the permissions boundary policy.
    pub boundary: Option<String>,
    /// Tags on the user.
    pub tags: BTreeMap<String, String>,
}

/// An IAM group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// Group name.
    pub name: String,
    /// Group ARN.
    pub arn: String,
    /// Group path (`/` when the snapshot omits it).
    pub path: String,
    /// Unique group id (`AGPA...`), when the snapshot has it.
    pub group_id: Option<String>,
    /// Inline policies: name and document.
    pub inline: Vec<(String, PolicyText)>,
    /// ARNs of attached managed policies.
    pub attached: Vec<String>,
}

/// A managed policy and its default version's document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManagedPolicy {
    /// Policy ARN.
    pub arn: String,
    /// Policy name.
    pub name: String,
    /// The document of the default version.
    pub default_version_document: PolicyText,
    /// Id of the default version (`v3`), when the snapshot has it.
    pub default_version_id: Option<String>,
    /// Whether AWS owns the policy (`arn:<partition>:iam::aws:policy/...`).
    pub is_aws_managed: bool,
}

/// A resource and its tags.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaggedResource {
    /// Resource ARN.
    pub arn: String,
    /// Tag key to value.
    pub tags: BTreeMap<String, String>,
}

/// The account field of `arn`, when it is a 12-digit account id.
pub(crate) fn arn_account(arn: &str) -> Option<&str> {
    let account = arn.split(':').nth(4)?;
    (account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit())).then_some(account)
}

/// Whether `arn` names an AWS managed policy.
pub(crate) fn is_aws_managed_arn(arn: &str) -> bool {
    let mut parts = arn.split(':');
    parts.next() == Some("arn")
        && parts.nth(1) == Some("iam")
        && parts.nth(1) == Some("aws")
        && parts.next().is_some_and(|rest| rest.starts_with("policy/"))
}

#[cfg(test)]
mod tests;
