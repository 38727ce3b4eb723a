//! AWS's size quotas for policy documents, counted as AWS counts them:
//! characters excluding whitespace.

use super::InvalidPolicy;
use crate::policy::chars_without_whitespace;
use crate::report::{Finding, Location};

/// What kind of policy a linted document is meant to be; it decides the size quota.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum PolicyType {
    /// A customer managed policy: 6,144 characters.
    #[default]
    Managed,
    /// An inline role policy: 10,240 characters for all of a role's inline policies together.
    Inline,
    /// A role trust policy: 2,048 characters by default (4,096 on request).
    Trust,
}

impl PolicyType {
    /// The quota in characters without whitespace, and its name in AWS's quota table.
    pub fn quota(self) -> (usize, &'static str) {
        match self {
            PolicyType::Managed => (6_144, "managed policy size"),
            PolicyType::Inline => (
                10_240,
                "role inline policy size (all inline policies of a role together)",
            ),
            PolicyType::Trust => (2_048, "role trust policy length"),
        }
    }
}

/// An `invalid-policy` finding when `text` exceeds the quota of `policy_type`.
pub fn check(file: &str, text: &str, policy_type: PolicyType) -> Option<Finding> {
    let (limit, name) = policy_type.quota();
    // A document of at most `limit` bytes has at most `limit` characters: no count needed.
    if text.len() <= limit {
        return None;
    }
    let size = chars_without_whitespace(text);
    (size > limit).then(|| {
        Finding::new(
            InvalidPolicy::META.id,
            InvalidPolicy::META.severity,
            format!("the document has {size} characters without whitespace, over AWS's {name} quota of {limit}"),
        )
        .at(Location {
            file: Some(file.to_string()),
            line: Some(1),
            column: Some(1),
            pointer: String::new(),
        })
        .detail("quota", format!("{name}: {limit}"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_a_managed_policy_over_6144_characters() {
        let actions: Vec<String> = (0..700).map(|i| format!("\"s3:Get{i:05}\"")).collect();
        let text = format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":[{}],"Resource":"*"}}]}}"#,
            actions.join(",")
        );
        assert!(check("big.json", &text, PolicyType::Managed).is_some());
        assert!(check("big.json", &text, PolicyType::Inline).is_none());
    }
}
