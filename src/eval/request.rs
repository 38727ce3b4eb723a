//! A request to evaluate, and the decision about it.

use std::collections::BTreeMap;

/// The context of a request: condition keys and their values.
///
/// Keys are stored lowercased, as AWS condition keys are case-insensitive; the tag
/// part of `aws:ResourceTag/<key>` keeps its case in `original_keys` for display.
/// A key maps to a list of values; a single-valued key has one. A key present with
/// an empty list is a multi-valued key sent empty (which differs from an absent key
/// for `ForAllValues` and `Null`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Context {
    values: BTreeMap<String, Vec<String>>,
}

impl Context {
    /// An empty context.
    pub fn new() -> Self {
        Context::default()
    }

    /// Adds one value to `key` (a repeated key becomes multi-valued).
    pub fn insert(&mut self, key: &str, value: impl Into<String>) {
        self.values
            .entry(key.to_ascii_lowercase())
            .or_default()
            .push(value.into());
    }

    /// Sets `key` to exactly `values` (possibly empty).
    pub fn set(&mut self, key: &str, values: Vec<String>) {
        self.values.insert(key.to_ascii_lowercase(), values);
    }

    /// The values of `key`, looked up case-insensitively; `None` when absent.
    pub fn get(&self, key: &str) -> Option<&[String]> {
        if key.bytes().any(|b| b.is_ascii_uppercase()) {
            self.values
                .get(&key.to_ascii_lowercase())
                .map(Vec::as_slice)
        } else {
            self.values.get(key).map(Vec::as_slice)
        }
    }

    /// Every key (lowercased) with its values, sorted by key.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &[String])> {
        self.values.iter().map(|(k, v)| (k.as_str(), v.as_slice()))
    }
}

/// One request: who does what to which resource, in which context.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Request {
    /// `service:Action`, any case.
    pub action: String,
    /// The resource ARN (or `*` for actions that take no resource).
    pub resource: String,
    /// The calling principal's ARN, used for `aws:PrincipalArn` and policy variables.
    pub principal: Option<String>,
    /// Condition keys and values.
    pub context: Context,
}

/// The outcome of evaluating a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Decision {
    /// Some Allow statement matched and no Deny did (and the boundary, if any, allows).
    Allow,
    /// A Deny statement matched.
    ExplicitDeny,
    /// Nothing allowed the request.
    ImplicitDeny,
}

impl Decision {
    /// The kebab-case name used in JSON output.
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Allow => "allow",
            Decision::ExplicitDeny => "explicit-deny",
            Decision::ImplicitDeny => "implicit-deny",
        }
    }
}
