//! The IAM policy document model.
//!
//! Every element keeps its source position ([`Pos`]) and its index in the JSON
//! array it came from, so that a finding can name `/Statement/2/Resource/0` and
//! a line and column. Equality ignores positions and indices: policies compare by
//! meaning (see [`Located`]).

use std::fmt;

pub use super::span::{Located, Pos};

/// A whole policy document: identity, resource or trust policy.
#[derive(Debug, Clone)]
pub struct Policy {
    /// `Version`, when present (`2012-10-17` or `2008-10-17`).
    pub version: Option<Located<String>>,
    /// `Id`, when present.
    pub id: Option<Located<String>>,
    /// The statements in document order.
    pub statements: Vec<Statement>,
    /// Whether `Statement` was written as an array (it may be a single object).
    pub statement_is_array: bool,
    /// Position of the document's opening brace.
    pub pos: Pos,
}

impl Policy {
    /// Whether policy variables (`${aws:username}`) are substituted in this document.
    /// AWS only does so for `"Version": "2012-10-17"`.
    pub fn supports_variables(&self) -> bool {
        self.version
            .as_ref()
            .is_some_and(|v| v.value == "2012-10-17")
    }

    /// Whether any statement names a `Principal` or `NotPrincipal`
    /// (a resource-based or trust policy rather than an identity policy).
    pub fn has_principals(&self) -> bool {
        self.statements.iter().any(|s| s.principal.is_some())
    }
}

/// `Allow` or `Deny`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Effect {
    /// `"Effect": "Allow"`.
    Allow,
    /// `"Effect": "Deny"`.
    Deny,
}

impl fmt::Display for Effect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Effect::Allow => "Allow",
            Effect::Deny => "Deny",
        })
    }
}

/// One string from a string-or-array element (`Action`, `Resource`, condition values...).
#[derive(Debug, Clone, Default)]
pub struct Item {
    /// The string as written (numbers and booleans in condition values are kept in
    /// their JSON text form, as AWS compares them as strings).
    pub value: String,
    /// Where the string starts.
    pub pos: Pos,
    /// Index in the JSON array, or `None` when the element was a single string.
    pub index: Option<usize>,
}

impl Item {
    /// An item with no source position, for generated policies.
    pub fn unlocated(value: impl Into<String>) -> Self {
        Item {
            value: value.into(),
            pos: Pos::NONE,
            index: None,
        }
    }
}

impl PartialEq for Item {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}

impl Eq for Item {}

impl std::hash::Hash for Item {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.value.hash(state);
    }
}

/// A positive or negated list: `Action`/`NotAction`, `Resource`/`NotResource`.
#[derive(Debug, Clone)]
pub struct ItemList {
    /// `true` for the `Not...` form.
    pub negated: bool,
    /// The listed strings in document order.
    pub items: Vec<Item>,
    /// Where the element's value starts.
    pub pos: Pos,
}

impl ItemList {
    /// A positive list without positions, for generated policies.
    pub fn of(values: &[&str]) -> Self {
        ItemList {
            negated: false,
            items: values.iter().map(|v| Item::unlocated(*v)).collect(),
            pos: Pos::NONE,
        }
    }
}

/// The kind of a principal entry in `Principal`/`NotPrincipal`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PrincipalKind {
    /// `"AWS"`: accounts, users, roles, sessions.
    Aws,
    /// `"Service"`: AWS service principals (`ec2.amazonaws.com`).
    Service,
    /// `"Federated"`: identity providers.
    Federated,
    /// `"CanonicalUser"`: S3 canonical user ids.
    CanonicalUser,
}

impl PrincipalKind {
    /// The JSON key of this kind.
    pub fn as_str(self) -> &'static str {
        match self {
            PrincipalKind::Aws => "AWS",
            PrincipalKind::Service => "Service",
            PrincipalKind::Federated => "Federated",
            PrincipalKind::CanonicalUser => "CanonicalUser",
        }
    }
}

/// A `Principal` or `NotPrincipal` element.
#[derive(Debug, Clone)]
pub struct Principals {
    /// `true` for `NotPrincipal`.
    pub negated: bool,
    /// `true` when the element is the bare string `"*"` (everyone, including anonymous).
    pub everyone: bool,
    /// The `{kind: value-or-values}` entries, in document order.
    pub entries: Vec<(PrincipalKind, Item)>,
    /// Where the element's value starts.
    pub pos: Pos,
}

/// The base comparison of a condition operator, without `IfExists` or a set qualifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[allow(missing_docs)]
pub enum ConditionOp {
    StringEquals,
    StringNotEquals,
    StringEqualsIgnoreCase,
    StringNotEqualsIgnoreCase,
    StringLike,
    StringNotLike,
    NumericEquals,
    NumericNotEquals,
    NumericLessThan,
    NumericLessThanEquals,
    NumericGreaterThan,
    NumericGreaterThanEquals,
    DateEquals,
    DateNotEquals,
    DateLessThan,
    DateLessThanEquals,
    DateGreaterThan,
    DateGreaterThanEquals,
    Bool,
    BinaryEquals,
    IpAddress,
    NotIpAddress,
    ArnEquals,
    ArnLike,
    ArnNotEquals,
    ArnNotLike,
    Null,
}

impl ConditionOp {
    /// Every operator, for parsing and exhaustive tests.
    pub const ALL: [ConditionOp; 27] = [
        ConditionOp::StringEquals,
        ConditionOp::StringNotEquals,
        ConditionOp::StringEqualsIgnoreCase,
        ConditionOp::StringNotEqualsIgnoreCase,
        ConditionOp::StringLike,
        ConditionOp::StringNotLike,
        ConditionOp::NumericEquals,
        ConditionOp::NumericNotEquals,
        ConditionOp::NumericLessThan,
        ConditionOp::NumericLessThanEquals,
        ConditionOp::NumericGreaterThan,
        ConditionOp::NumericGreaterThanEquals,
        ConditionOp::DateEquals,
        ConditionOp::DateNotEquals,
        ConditionOp::DateLessThan,
        ConditionOp::DateLessThanEquals,
        ConditionOp::DateGreaterThan,
        ConditionOp::DateGreaterThanEquals,
        ConditionOp::Bool,
        ConditionOp::BinaryEquals,
        ConditionOp::IpAddress,
        ConditionOp::NotIpAddress,
        ConditionOp::ArnEquals,
        ConditionOp::ArnLike,
        ConditionOp::ArnNotEquals,
        ConditionOp::ArnNotLike,
        ConditionOp::Null,
    ];

    /// The operator's name as written in policies.
    pub fn as_str(self) -> &'static str {
        match self {
            ConditionOp::StringEquals => "StringEquals",
            ConditionOp::StringNotEquals => "StringNotEquals",
            ConditionOp::StringEqualsIgnoreCase => "StringEqualsIgnoreCase",
            ConditionOp::StringNotEqualsIgnoreCase => "StringNotEqualsIgnoreCase",
            ConditionOp::StringLike => "StringLike",
            ConditionOp::StringNotLike => "StringNotLike",
            ConditionOp::NumericEquals => "NumericEquals",
            ConditionOp::NumericNotEquals => "NumericNotEquals",
            ConditionOp::NumericLessThan => "NumericLessThan",
            ConditionOp::NumericLessThanEquals => "NumericLessThanEquals",
            ConditionOp::NumericGreaterThan => "NumericGreaterThan",
            ConditionOp::NumericGreaterThanEquals => "NumericGreaterThanEquals",
            ConditionOp::DateEquals => "DateEquals",
            ConditionOp::DateNotEquals => "DateNotEquals",
            ConditionOp::DateLessThan => "DateLessThan",
            ConditionOp::DateLessThanEquals => "DateLessThanEquals",
            ConditionOp::DateGreaterThan => "DateGreaterThan",
            ConditionOp::DateGreaterThanEquals => "DateGreaterThanEquals",
            ConditionOp::Bool => "Bool",
            ConditionOp::BinaryEquals => "BinaryEquals",
            ConditionOp::IpAddress => "IpAddress",
            ConditionOp::NotIpAddress => "NotIpAddress",
            ConditionOp::ArnEquals => "ArnEquals",
            ConditionOp::ArnLike => "ArnLike",
            ConditionOp::ArnNotEquals => "ArnNotEquals",
            ConditionOp::ArnNotLike => "ArnNotLike",
            ConditionOp::Null => "Null",
        }
    }

    /// Whether this is a negated operator (`StringNotEquals`, `NotIpAddress`...), which
    /// AWS evaluates as true when the key is absent.
    pub fn is_negated(self) -> bool {
        matches!(
            self,
            ConditionOp::StringNotEquals
                | ConditionOp::StringNotEqualsIgnoreCase
                | ConditionOp::StringNotLike
                | ConditionOp::NumericNotEquals
                | ConditionOp::DateNotEquals
                | ConditionOp::NotIpAddress
                | ConditionOp::ArnNotEquals
                | ConditionOp::ArnNotLike
        )
    }
}

/// `ForAllValues:` or `ForAnyValue:`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SetQualifier {
    /// `ForAllValues:`: every value of the request's key must match (true when the key is absent or empty).
    ForAllValues,
    /// `ForAnyValue:`: at least one value of the request's key must match.
    ForAnyValue,
}

/// A fully parsed condition operator such as `ForAnyValue:StringLikeIfExists`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Operator {
    /// The set qualifier, if any.
    pub set: Option<SetQualifier>,
    /// The base comparison.
    pub op: ConditionOp,
    /// Whether the `IfExists` suffix is present.
    pub if_exists: bool,
}

impl Operator {
    /// Parses an operator name. Operator names are case-sensitive in AWS,
    /// except that the whole string must match a known operator exactly.
    pub fn parse(text: &str) -> Option<Operator> {
        let (set, rest) = if let Some(rest) = text.strip_prefix("ForAllValues:") {
            (Some(SetQualifier::ForAllValues), rest)
        } else if let Some(rest) = text.strip_prefix("ForAnyValue:") {
            (Some(SetQualifier::ForAnyValue), rest)
        } else {
            (None, text)
        };
        let (base, if_exists) = match rest.strip_suffix("IfExists") {
            Some(base) => (base, true),
            None => (rest, false),
        };
        let op = ConditionOp::ALL
            .into_iter()
            .find(|op| op.as_str() == base)?;
        // `Null` takes no IfExists: AWS rejects `NullIfExists`.
        if op == ConditionOp::Null && if_exists {
            return None;
        }
        Some(Operator { set, op, if_exists })
    }
}

impl fmt::Display for Operator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.set {
            Some(SetQualifier::ForAllValues) => f.write_str("ForAllValues:")?,
            Some(SetQualifier::ForAnyValue) => f.write_str("ForAnyValue:")?,
            None => {}
        }
        f.write_str(self.op.as_str())?;
        if self.if_exists {
            f.write_str("IfExists")?;
        }
        Ok(())
    }
}

/// One `operator -> key -> values` entry of a `Condition` block.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    /// The parsed operator.
    pub operator: Located<Operator>,
    /// The condition key as written (keys are case-insensitive in AWS).
    pub key: Located<String>,
    /// The values to compare with; any one matching satisfies the condition.
    pub values: Vec<Item>,
}

/// One statement of a policy.
#[derive(Debug, Clone)]
pub struct Statement {
    /// Index in the `Statement` array, or `None` when `Statement` was a single object.
    pub index: Option<usize>,
    /// Where the statement's object starts.
    pub pos: Pos,
    /// `Sid`, when present.
    pub sid: Option<Located<String>>,
    /// `Effect`.
    pub effect: Located<Effect>,
    /// `Principal` or `NotPrincipal`, when present.
    pub principal: Option<Principals>,
    /// `Action` or `NotAction` (exactly one is required).
    pub action: ItemList,
    /// `Resource` or `NotResource`; `None` is allowed in trust policies only.
    pub resource: Option<ItemList>,
    /// The flattened `Condition` block, in document order.
    pub conditions: Vec<Condition>,
}

impl Statement {
    /// The JSON pointer of this statement: `/Statement/2`, or `/Statement` for a single object.
    pub fn pointer(&self) -> String {
        match self.index {
            Some(i) => format!("/Statement/{i}"),
            None => "/Statement".to_string(),
        }
    }

    /// A short human label: the Sid when there is one, otherwise `#index`.
    pub fn label(&self) -> String {
        match (&self.sid, self.index) {
            (Some(sid), _) if !sid.value.is_empty() => sid.value.clone(),
            (_, Some(i)) => format!("#{i}"),
            _ => "#0".to_string(),
        }
    }

    /// The JSON pointer of item `item` of this statement's `Action`/`NotAction`.
    pub fn action_pointer(&self, item: &Item) -> String {
        let key = if self.action.negated {
            "NotAction"
        } else {
            "Action"
        };
        item_pointer(&self.pointer(), key, item)
    }

    /// The JSON pointer of item `item` of this statement's `Resource`/`NotResource`.
    pub fn resource_pointer(&self, item: &Item) -> String {
        let key = match &self.resource {
            Some(list) if list.negated => "NotResource",
            _ => "Resource",
        };
        item_pointer(&self.pointer(), key, item)
    }

    /// The JSON pointer of a condition's key inside this statement.
    pub fn condition_pointer(&self, condition: &Condition) -> String {
        format!(
            "{}/Condition/{}/{}",
            self.pointer(),
            escape_pointer(&condition.operator.value.to_string()),
            escape_pointer(&condition.key.value)
        )
    }
}

fn item_pointer(statement: &str, key: &str, item: &Item) -> String {
    match item.index {
        Some(i) => format!("{statement}/{key}/{i}"),
        None => format!("{statement}/{key}"),
    }
}

/// Escapes one JSON-pointer reference token (RFC 6901).
pub fn escape_pointer(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

// Equality of the structures below compares meaning: positions, array indices
// and whether `Statement` was written as an array do not take part.

impl PartialEq for Policy {
    fn eq(&self, other: &Self) -> bool {
        self.version == other.version && self.id == other.id && self.statements == other.statements
    }
}

impl PartialEq for ItemList {
    fn eq(&self, other: &Self) -> bool {
        self.negated == other.negated && self.items == other.items
    }
}

impl PartialEq for Principals {
    fn eq(&self, other: &Self) -> bool {
        self.negated == other.negated
            && self.everyone == other.everyone
            && self.entries == other.entries
    }
}

impl PartialEq for Statement {
    fn eq(&self, other: &Self) -> bool {
        self.sid == other.sid
            && self.effect == other.effect
            && self.principal == other.principal
            && self.action == other.action
            && self.resource == other.resource
            && self.conditions == other.conditions
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_qualified_operators() {
        let op = Operator::parse("ForAnyValue:StringLikeIfExists");
        assert_eq!(
            op,
            Some(Operator {
                set: Some(SetQualifier::ForAnyValue),
                op: ConditionOp::StringLike,
                if_exists: true
            })
        );
        assert_eq!(
            op.map(|o| o.to_string()).as_deref(),
            Some("ForAnyValue:StringLikeIfExists")
        );
    }

    #[test]
    fn rejects_unknown_and_null_if_exists() {
        assert_eq!(Operator::parse("StringEqual"), None);
        assert_eq!(Operator::parse("stringequals"), None);
        assert_eq!(Operator::parse("NullIfExists"), None);
    }

    #[test]
    fn pointer_escapes_slashes_in_condition_keys() {
        assert_eq!(
            escape_pointer("aws:ResourceTag/chalk.ai/managed-by"),
            "aws:ResourceTag~1chalk.ai~1managed-by"
        );
    }
}
