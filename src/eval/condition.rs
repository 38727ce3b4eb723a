//! Condition operators, evaluated against a request context.
//!
//! # Semantics (AWS "Condition operators" and "Conditions with multiple context
//! keys or values")
//! - Blocks, operators and keys are ANDed (see `compiled.rs`); the values of one key
//!   are ORed: a positive operator matches a request value when *any* policy value
//!   matches it; a negated operator (`StringNotEquals`, `NotIpAddress`, `ArnNotLike`,
//!   ...) matches when the request value matches *none* of them.
//! - Key absent: `...IfExists` is true; a negated operator is true; otherwise false.
//!   `ForAllValues:` is true and `ForAnyValue:` false for an absent key (before
//!   `IfExists`, which makes an absent key true in every case, as AWS documents).
//! - `ForAllValues:` is true when every request value matches (vacuously true for
//!   an empty set); `ForAnyValue:` when at least one does (false for an empty set).
//!   With a negated base operator the per-value test is the negated one, so
//!   `ForAllValues:StringNotEquals` = every request value differs from all policy
//!   values and `ForAnyValue:StringNotLike` = some request value matches none.
//! - A single-valued operator (no set qualifier) against a key holding zero or
//!   several values does not match, negated or not (the behaviour of the independent
//!   simulator `@cloud-copilot/iam-simulate`; AWS asks for a set qualifier there).
//!   A key with exactly one value is treated as single-valued ("the difference
//!   between single-valued and multivalued context keys depends on the number of
//!   values in the request context"); with a set qualifier its values are always
//!   iterated as a set.
//! - `Null`: `"true"` matches when the key is absent, `"false"` when it is present
//!   (a key present with an empty list counts as present).
//! - Values that cannot be interpreted (a `Date` value that does not parse, a
//!   number with an exponent, a bad CIDR, invalid base64, an unresolved policy
//!   variable) never match: such a comparison is neither a match for positive
//!   operators nor a non-match for negated ones, so a condition that cannot be
//!   evaluated does not match. The same holds for request values of the wrong type.
//! - Numbers are compared exactly as decimals (`[+-]digits[.digits]`). Dates are
//!   ISO 8601 (`2024-01-31`, `2024-01-31T12:00:00Z`, fractional seconds, `+hh:mm`
//!   offsets; no offset means UTC) or integer epoch seconds. `Bool` takes `true`/
//!   `false` in any case. `BinaryEquals` compares base64-decoded bytes (the context
//!   value is base64 too). `IpAddress` takes IPv4/IPv6 addresses or CIDR blocks.
//! - `ArnEquals` and `ArnLike` are the same operator in AWS: both ARNs must have six
//!   colon-separated parts and each part is matched with `*`/`?` separately,
//!   case-sensitively.
//! - Policy variables are substituted in the values of `String*` and `Arn*` operators
//!   (only in `2012-10-17` documents); other operators take their values literally.
//! - Key names are case-insensitive.

use std::cmp::Ordering;
use std::net::IpAddr;

use super::date::parse_date;
use super::decimal::Decimal;
use super::pattern::{ArnPattern, Glob};
use super::request::Context;
use super::variables::{self, Tok, VarResolver};
use crate::policy::model::{Condition, ConditionOp, Operator, SetQualifier};

/// A condition compiled for repeated evaluation.
#[derive(Debug, Clone)]
pub struct CompiledCondition {
    /// The operator.
    pub operator: Operator,
    /// The condition key as written.
    pub key: String,
    key_lower: String,
    values: Values,
}

#[derive(Debug, Clone)]
enum StrVal {
    /// Exact text (lowercased for the ignore-case operators).
    Text(String),
    Glob(Glob),
    /// Holds variables: resolved per request.
    Template(Vec<Tok>),
}

#[derive(Debug, Clone)]
enum Values {
    Str(Vec<StrVal>),
    Num(Vec<Option<String>>),
    Date(Vec<Option<i128>>),
    Bool(Vec<Option<bool>>),
    Binary(Vec<Option<Vec<u8>>>),
    Ip(Vec<Option<(IpAddr, u8)>>),
    Arn(Vec<ArnPattern>),
    Null(Vec<Option<bool>>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cmp {
    Match,
    NoMatch,
    Invalid,
}

impl From<bool> for Cmp {
    fn from(b: bool) -> Cmp {
        if b {
            Cmp::Match
        } else {
            Cmp::NoMatch
        }
    }
}

fn is_string_like(op: ConditionOp) -> bool {
    matches!(op, ConditionOp::StringLike | ConditionOp::StringNotLike)
}

fn is_ignore_case(op: ConditionOp) -> bool {
    matches!(
        op,
        ConditionOp::StringEqualsIgnoreCase | ConditionOp::StringNotEqualsIgnoreCase
    )
}

impl CompiledCondition {
    /// Compiles `condition`; `variables` enables policy variables in its values.
    pub fn new(condition: &Condition, variables: bool) -> CompiledCondition {
        use ConditionOp as O;
        let operator = condition.operator.value;
        let raw = condition.values.iter().map(|i| i.value.as_str());
        let values = match operator.op {
            O::StringEquals
            | O::StringNotEquals
            | O::StringEqualsIgnoreCase
            | O::StringNotEqualsIgnoreCase
            | O::StringLike
            | O::StringNotLike => Values::Str(
                raw.map(|v| {
                    let like = is_string_like(operator.op);
                    let toks = variables::parse(v, like, variables);
                    if variables::has_vars(&toks) {
                        StrVal::Template(toks)
                    } else if like {
                        StrVal::Glob(Glob::from_tokens(&toks, false))
                    } else if is_ignore_case(operator.op) {
                        StrVal::Text(variables::to_text(&toks).to_lowercase())
                    } else {
                        StrVal::Text(variables::to_text(&toks))
                    }
                })
                .collect(),
            ),
            O::NumericEquals
            | O::NumericNotEquals
            | O::NumericLessThan
            | O::NumericLessThanEquals
            | O::NumericGreaterThan
            | O::NumericGreaterThanEquals => Values::Num(
                raw.map(|v| Decimal::parse(v).map(|_| v.to_string()))
                    .collect(),
            ),
            O::DateEquals
            | O::DateNotEquals
            | O::DateLessThan
            | O::DateLessThanEquals
            | O::DateGreaterThan
            | O::DateGreaterThanEquals => Values::Date(raw.map(parse_date).collect()),
            O::Bool => Values::Bool(raw.map(parse_bool).collect()),
            O::BinaryEquals => Values::Binary(raw.map(decode_base64).collect()),
            O::IpAddress | O::NotIpAddress => Values::Ip(raw.map(parse_cidr).collect()),
            O::ArnEquals | O::ArnLike | O::ArnNotEquals | O::ArnNotLike => {
                Values::Arn(raw.map(|v| ArnPattern::new(v, variables)).collect())
            }
            O::Null => Values::Null(raw.map(parse_bool).collect()),
        };
        CompiledCondition {
            operator,
            key: condition.key.value.clone(),
            key_lower: condition.key.value.to_ascii_lowercase(),
            values,
        }
    }

    /// Whether the condition holds for the request context.
    pub fn matches(&self, context: &Context, resolver: &VarResolver<'_>) -> bool {
        let found = context.get(&self.key_lower);
        if let Values::Null(vals) = &self.values {
            let absent = found.is_none();
            return vals.contains(&Some(absent));
        }
        let op = self.operator;
        match (op.set, found) {
            (_, None) if op.if_exists => true,
            (None, None) => op.op.is_negated(),
            (Some(SetQualifier::ForAllValues), None) => true,
            (Some(SetQualifier::ForAnyValue), None) => false,
            (None, Some([one])) => self.test_value(one, resolver),
            (None, Some(_)) => false,
            (Some(SetQualifier::ForAllValues), Some(vs)) => {
                vs.iter().all(|v| self.test_value(v, resolver))
            }
            (Some(SetQualifier::ForAnyValue), Some(vs)) => {
                vs.iter().any(|v| self.test_value(v, resolver))
            }
        }
    }

    /// The base operator applied to one request value against all policy values.
    fn test_value(&self, value: &str, resolver: &VarResolver<'_>) -> bool {
        let n = self.len();
        if self.operator.op.is_negated() {
            (0..n).all(|i| self.compare(i, value, resolver) == Cmp::NoMatch)
        } else {
            (0..n).any(|i| self.compare(i, value, resolver) == Cmp::Match)
        }
    }

    fn len(&self) -> usize {
        match &self.values {
            Values::Str(v) => v.len(),
            Values::Num(v) => v.len(),
            Values::Date(v) => v.len(),
            Values::Bool(v) | Values::Null(v) => v.len(),
            Values::Binary(v) => v.len(),
            Values::Ip(v) => v.len(),
            Values::Arn(v) => v.len(),
        }
    }

    /// The positive comparison of policy value `i` with request value `value`.
    fn compare(&self, i: usize, value: &str, resolver: &VarResolver<'_>) -> Cmp {
        let op = self.operator.op;
        match &self.values {
            Values::Str(vals) => {
                let ic = is_ignore_case(op);
                match &vals[i] {
                    StrVal::Text(t) if ic => eq_ignore_case(t, value).into(),
                    StrVal::Text(t) => (t == value).into(),
                    StrVal::Glob(g) => g.is_match(value).into(),
                    StrVal::Template(toks) => match variables::resolve(toks, resolver) {
                        None => Cmp::Invalid,
                        Some(r) if is_string_like(op) => {
                            Glob::from_tokens(&r, false).is_match(value).into()
                        }
                        Some(r) if ic => {
                            eq_ignore_case(&variables::to_text(&r).to_lowercase(), value).into()
                        }
                        Some(r) => (variables::to_text(&r) == value).into(),
                    },
                }
            }
            Values::Num(vals) => {
                let (Some(p), Some(v)) = (
                    vals[i].as_deref().and_then(Decimal::parse),
                    Decimal::parse(value),
                ) else {
                    return Cmp::Invalid;
                };
                ordering_matches(op, v.cmp(&p)).into()
            }
            Values::Date(vals) => {
                let (Some(p), Some(v)) = (vals[i], parse_date(value)) else {
                    return Cmp::Invalid;
                };
                ordering_matches(op, v.cmp(&p)).into()
            }
            Values::Bool(vals) => match (vals[i], parse_bool(value)) {
                (Some(p), Some(v)) => (p == v).into(),
                _ => Cmp::Invalid,
            },
            Values::Binary(vals) => match (&vals[i], decode_base64(value)) {
                (Some(p), Some(v)) => (*p == v).into(),
                _ => Cmp::Invalid,
            },
            Values::Ip(vals) => match (vals[i], parse_ip(value)) {
                (Some(net), Some(ip)) => cidr_contains(net, ip).into(),
                _ => Cmp::Invalid,
            },
            Values::Arn(vals) => {
                if is_full_arn(value) {
                    vals[i].matches_arn_condition(value, resolver).into()
                } else {
                    Cmp::Invalid
                }
            }
            // `Null` is decided in `matches` and never compares values.
            Values::Null(_) => Cmp::Invalid,
        }
    }
}

/// Whether a request value is a six-part ARN.
fn is_full_arn(value: &str) -> bool {
    value.starts_with("arn:") && value.bytes().filter(|b| *b == b':').count() >= 5
}

fn eq_ignore_case(lower_policy: &str, value: &str) -> bool {
    if value.is_ascii() && lower_policy.is_ascii() {
        lower_policy.eq_ignore_ascii_case(value)
    } else {
        lower_policy == value.to_lowercase()
    }
}

/// `request.cmp(policy)` against the operator's comparison.
fn ordering_matches(op: ConditionOp, ord: Ordering) -> bool {
    use ConditionOp as O;
    match op {
        O::NumericEquals | O::NumericNotEquals | O::DateEquals | O::DateNotEquals => {
            ord == Ordering::Equal
        }
        O::NumericLessThan | O::DateLessThan => ord == Ordering::Less,
        O::NumericLessThanEquals | O::DateLessThanEquals => ord != Ordering::Greater,
        O::NumericGreaterThan | O::DateGreaterThan => ord == Ordering::Greater,
        O::NumericGreaterThanEquals | O::DateGreaterThanEquals => ord != Ordering::Less,
        _ => false,
    }
}

/// Tests one condition against a context (compiles it first; use
/// [`CompiledCondition`] for repeated evaluation).
pub fn evaluate(condition: &Condition, context: &Context, resolver: &VarResolver<'_>) -> bool {
    CompiledCondition::new(condition, resolver.enabled).matches(context, resolver)
}

fn parse_bool(text: &str) -> Option<bool> {
    if text.eq_ignore_ascii_case("true") {
        Some(true)
    } else if text.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

/// Decodes standard base64 (padding optional); `None` when malformed.
pub fn decode_base64(text: &str) -> Option<Vec<u8>> {
    let body = text.trim_end_matches('=');
    if text.len() - body.len() > 2 || body.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(body.len() * 3 / 4);
    let mut acc: u32 = 0;
    let mut bits = 0;
    for c in body.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

fn parse_ip(text: &str) -> Option<IpAddr> {
    text.parse().ok()
}

fn parse_cidr(text: &str) -> Option<(IpAddr, u8)> {
    let (addr, prefix) = match text.split_once('/') {
        Some((a, p)) => (a, Some(p)),
        None => (text, None),
    };
    let ip: IpAddr = addr.parse().ok()?;
    let max = if ip.is_ipv4() { 32 } else { 128 };
    let prefix = match prefix {
        Some(p) => {
            // Digits only: `u8::from_str` would also take a `+` sign.
            if !p.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            let p: u8 = p.parse().ok()?;
            if p > max {
                return None;
            }
            p
        }
        None => max,
    };
    Some((ip, prefix))
}

fn cidr_contains((net, prefix): (IpAddr, u8), ip: IpAddr) -> bool {
    match (net, ip) {
        (IpAddr::V4(n), IpAddr::V4(i)) => {
            let mask = u32::MAX.checked_shl(32 - u32::from(prefix)).unwrap_or(0);
            u32::from(n) & mask == u32::from(i) & mask
        }
        (IpAddr::V6(n), IpAddr::V6(i)) => {
            let mask = u128::MAX.checked_shl(128 - u32::from(prefix)).unwrap_or(0);
            u128::from(n) & mask == u128::from(i) & mask
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::build::StatementBuilder;

    fn cond(op: &str, key: &str, values: &[&str]) -> Condition {
        StatementBuilder::allow(&["*"], &["*"])
            .condition(op, key, values)
            .build()
            .conditions
            .remove(0)
    }

    fn ctx(pairs: &[(&str, &[&str])]) -> Context {
        let mut c = Context::new();
        for (k, vs) in pairs {
            c.set(k, vs.iter().map(|v| v.to_string()).collect());
        }
        c
    }

    fn check(op: &str, key: &str, values: &[&str], context: &Context) -> bool {
        let condition = cond(op, key, values);
        assert_eq!(
            condition.operator.value.to_string(),
            op,
            "test operator must parse"
        );
        evaluate(&condition, context, &VarResolver::new(context))
    }

    #[test]
    fn string_operators_compare_values() {
        let c = ctx(&[("s3:prefix", &["Home/Alice"])]);
        assert!(check("StringEquals", "S3:Prefix", &["x", "Home/Alice"], &c));
        assert!(!check("StringEquals", "s3:prefix", &["home/alice"], &c));
        assert!(check(
            "StringEqualsIgnoreCase",
            "s3:prefix",
            &["home/ALICE"],
            &c
        ));
        assert!(!check(
            "StringNotEqualsIgnoreCase",
            "s3:prefix",
            &["home/alice"],
            &c
        ));
        assert!(check("StringLike", "s3:prefix", &["Home/*"], &c));
        assert!(!check("StringLike", "s3:prefix", &["home/*"], &c));
        assert!(check("StringNotLike", "s3:prefix", &["Other/*", "x"], &c));
        assert!(!check(
            "StringNotEquals",
            "s3:prefix",
            &["x", "Home/Alice"],
            &c
        ));
        // StringEquals takes `*` literally.
        assert!(!check("StringEquals", "s3:prefix", &["Home/*"], &c));
    }

    #[test]
    fn absent_key_rules() {
        let c = Context::new();
        assert!(!check("StringEquals", "aws:username", &["a"], &c));
        assert!(check("StringEqualsIfExists", "aws:username", &["a"], &c));
        assert!(check("StringNotEquals", "aws:username", &["a"], &c));
        assert!(check("NumericLessThanIfExists", "k:n", &["1"], &c));
        assert!(check(
            "ForAllValues:StringEquals",
            "aws:TagKeys",
            &["a"],
            &c
        ));
        assert!(!check(
            "ForAnyValue:StringEquals",
            "aws:TagKeys",
            &["a"],
            &c
        ));
        assert!(check(
            "ForAnyValue:StringEqualsIfExists",
            "aws:TagKeys",
            &["a"],
            &c
        ));
    }

    #[test]
    fn set_qualifiers_with_empty_and_multiple_values() {
        let empty = ctx(&[("aws:TagKeys", &[])]);
        assert!(check(
            "ForAllValues:StringEquals",
            "aws:TagKeys",
            &["a"],
            &empty
        ));
        assert!(!check(
            "ForAnyValue:StringEquals",
            "aws:TagKeys",
            &["a"],
            &empty
        ));
        let two = ctx(&[("aws:TagKeys", &["a", "b"])]);
        assert!(check(
            "ForAllValues:StringEquals",
            "aws:TagKeys",
            &["a", "b", "c"],
            &two
        ));
        assert!(!check(
            "ForAllValues:StringEquals",
            "aws:TagKeys",
            &["a"],
            &two
        ));
        assert!(check(
            "ForAnyValue:StringEquals",
            "aws:TagKeys",
            &["b"],
            &two
        ));
        assert!(!check(
            "ForAnyValue:StringEquals",
            "aws:TagKeys",
            &["c"],
            &two
        ));
        // Negated base operators apply per request value.
        assert!(check(
            "ForAllValues:StringNotEquals",
            "aws:TagKeys",
            &["c"],
            &two
        ));
        assert!(!check(
            "ForAllValues:StringNotEquals",
            "aws:TagKeys",
            &["a"],
            &two
        ));
        assert!(check(
            "ForAnyValue:StringNotLike",
            "aws:TagKeys",
            &["a*"],
            &two
        ));
        assert!(!check(
            "ForAnyValue:StringNotLike",
            "aws:TagKeys",
            &["?"],
            &two
        ));
        // A single-valued operator does not match a multi-valued key.
        assert!(!check("StringEquals", "aws:TagKeys", &["a", "b"], &two));
        assert!(!check("StringNotEquals", "aws:TagKeys", &["z"], &two));
    }

    #[test]
    fn null_checks_presence() {
        let present = ctx(&[("aws:TokenIssueTime", &["x"])]);
        let empty = ctx(&[("aws:TagKeys", &[])]);
        let none = Context::new();
        assert!(check("Null", "aws:TokenIssueTime", &["true"], &none));
        assert!(!check("Null", "aws:TokenIssueTime", &["true"], &present));
        assert!(check("Null", "aws:TokenIssueTime", &["false"], &present));
        assert!(check("Null", "aws:TagKeys", &["false"], &empty));
        assert!(!check("Null", "aws:TokenIssueTime", &["maybe"], &none));
    }

    #[test]
    fn numeric_is_exact_decimal() {
        let c = ctx(&[("s3:max-keys", &["10"])]);
        assert!(check("NumericEquals", "s3:max-keys", &["10.0"], &c));
        assert!(check("NumericLessThan", "s3:max-keys", &["10.5"], &c));
        assert!(check("NumericLessThanEquals", "s3:max-keys", &["10"], &c));
        assert!(!check("NumericGreaterThan", "s3:max-keys", &["10"], &c));
        assert!(check(
            "NumericGreaterThanEquals",
            "s3:max-keys",
            &["-3"],
            &c
        ));
        assert!(check("NumericNotEquals", "s3:max-keys", &["11"], &c));
        // Unparseable values never match, not even for the negated operator.
        assert!(!check("NumericEquals", "s3:max-keys", &["ten"], &c));
        assert!(!check("NumericNotEquals", "s3:max-keys", &["ten"], &c));
        let big = ctx(&[("k:n", &["9007199254740993"])]);
        assert!(!check("NumericEquals", "k:n", &["9007199254740992"], &big));
        assert!(check("NumericGreaterThan", "k:n", &["-0.5"], &big));
    }

    #[test]
    fn dates_accept_iso_and_epoch() {
        let c = ctx(&[("aws:CurrentTime", &["2024-06-01T12:00:00Z"])]);
        assert!(check(
            "DateGreaterThan",
            "aws:CurrentTime",
            &["2024-01-01"],
            &c
        ));
        assert!(check(
            "DateLessThan",
            "aws:CurrentTime",
            &["2024-06-01T12:00:01Z"],
            &c
        ));
        assert!(check(
            "DateEquals",
            "aws:CurrentTime",
            &["2024-06-01T14:00:00+02:00"],
            &c
        ));
        assert!(check("DateEquals", "aws:CurrentTime", &["1717243200"], &c));
        assert!(check(
            "DateLessThanEquals",
            "aws:CurrentTime",
            &["2024-06-01T12:00:00.000Z"],
            &c
        ));
        assert!(!check(
            "DateGreaterThanEquals",
            "aws:CurrentTime",
            &["tomorrow"],
            &c
        ));
        assert!(!check(
            "DateNotEquals",
            "aws:CurrentTime",
            &["tomorrow"],
            &c
        ));
        assert!(check(
            "DateNotEquals",
            "aws:CurrentTime",
            &["2020-01-01"],
            &c
        ));
    }

    #[test]
    fn bool_binary_and_ip() {
        let c = ctx(&[
            ("aws:SecureTransport", &["TRUE"]),
            ("k:bin", &["aGVsbG8="]),
            ("aws:SourceIp", &["203.0.113.7"]),
            ("k:ip6", &["2001:db8::1"]),
        ]);
        assert!(check("Bool", "aws:SecureTransport", &["true"], &c));
        assert!(!check("Bool", "aws:SecureTransport", &["false"], &c));
        assert!(check("BinaryEquals", "k:bin", &["aGVsbG8"], &c));
        assert!(!check("BinaryEquals", "k:bin", &["aGVsbA=="], &c));
        assert!(!check("BinaryEquals", "k:bin", &["!!"], &c));
        assert!(check("IpAddress", "aws:SourceIp", &["203.0.113.0/24"], &c));
        assert!(check("IpAddress", "aws:SourceIp", &["203.0.113.7"], &c));
        assert!(!check(
            "IpAddress",
            "aws:SourceIp",
            &["198.51.100.0/24"],
            &c
        ));
        assert!(check(
            "NotIpAddress",
            "aws:SourceIp",
            &["198.51.100.0/24"],
            &c
        ));
        assert!(check("IpAddress", "aws:SourceIp", &["0.0.0.0/0"], &c));
        assert!(check("IpAddress", "k:ip6", &["2001:db8::/32"], &c));
        assert!(!check("IpAddress", "k:ip6", &["203.0.113.0/24"], &c));
        assert!(!check("IpAddress", "aws:SourceIp", &["203.0.113.0/33"], &c));
    }

    #[test]
    fn arn_operators_match_per_segment() {
        let c = ctx(&[(
            "aws:SourceArn",
            &["arn:aws:sns:us-east-1:111122223333:topic:x"],
        )]);
        assert!(check(
            "ArnLike",
            "aws:SourceArn",
            &["arn:aws:sns:*:111122223333:*"],
            &c
        ));
        assert!(check(
            "ArnEquals",
            "aws:SourceArn",
            &["arn:aws:sns:us-east-?:*:topic:*"],
            &c
        ));
        assert!(!check(
            "ArnLike",
            "aws:SourceArn",
            &["arn:aws:sns:*:999:*"],
            &c
        ));
        assert!(check(
            "ArnNotLike",
            "aws:SourceArn",
            &["arn:aws:sns:*:999:*"],
            &c
        ));
        assert!(!check(
            "ArnNotEquals",
            "aws:SourceArn",
            &["arn:aws:sns:*:*:*"],
            &c
        ));
        // A five-part policy value is not an ARN and never matches.
        assert!(!check("ArnLike", "aws:SourceArn", &["arn:aws:sns:*:*"], &c));
    }

    #[test]
    fn condition_values_substitute_variables() {
        let c = ctx(&[
            ("aws:username", &["alice"]),
            ("s3:prefix", &["home/alice/docs"]),
        ]);
        assert!(check(
            "StringLike",
            "s3:prefix",
            &["home/${aws:username}/*"],
            &c
        ));
        assert!(!check(
            "StringLike",
            "s3:prefix",
            &["home/${aws:userid}/*"],
            &c
        ));
        assert!(!check(
            "StringNotLike",
            "s3:prefix",
            &["home/${aws:userid}/*"],
            &c
        ));
        let literal = Condition {
            ..cond("StringLike", "s3:prefix", &["home/${aws:username}/*"])
        };
        let disabled = VarResolver {
            enabled: false,
            ..VarResolver::new(&c)
        };
        assert!(!evaluate(&literal, &c, &disabled));
    }

    // Pins the known disagreement `for-any-value-if-exists-on-absent-key` of
    // tests/oracle_agreement.rs: AWS documents IfExists as "If the key is not
    // present, evaluate the condition element as true", on any operator.
    #[test]
    fn for_any_value_if_exists_is_true_on_an_absent_key() {
        let c = ctx(&[("aws:username", &["alice"])]);
        for op in [
            "ForAnyValue:StringLikeIfExists",
            "ForAnyValue:StringNotEqualsIfExists",
            "ForAnyValue:NumericLessThanIfExists",
            "ForAnyValue:NotIpAddressIfExists",
            "ForAnyValue:DateEqualsIfExists",
        ] {
            assert!(check(op, "aws:CalledVia", &["1"], &c), "{op}");
        }
        // Without IfExists, ForAnyValue on an absent key is false.
        assert!(!check(
            "ForAnyValue:StringLike",
            "aws:CalledVia",
            &["*"],
            &c
        ));
        // IfExists does not rescue a present key that fails.
        let present = ctx(&[("aws:CalledVia", &["athena.amazonaws.com"])]);
        assert!(!check(
            "ForAnyValue:StringLikeIfExists",
            "aws:CalledVia",
            &["cloudformation*"],
            &present
        ));
    }

    // Pins the known disagreement `date-epoch-seconds`: AWS takes date values "in
    // one of the W3C implementations of the ISO 8601 date formats or in epoch
    // (UNIX) time", so an epoch value is seconds and the same instant as its ISO
    // form, on either side of the comparison.
    #[test]
    fn epoch_seconds_and_iso_dates_are_the_same_instant() {
        let iso = ctx(&[("aws:CurrentTime", &["2024-06-17T06:00:00Z"])]);
        assert!(check(
            "DateEquals",
            "aws:CurrentTime",
            &["1718604000"],
            &iso
        ));
        assert!(!check(
            "DateGreaterThan",
            "aws:CurrentTime",
            &["1718604000"],
            &iso
        ));
        assert!(!check(
            "DateNotEquals",
            "aws:CurrentTime",
            &["1718604000"],
            &iso
        ));
        assert!(check(
            "DateLessThan",
            "aws:CurrentTime",
            &["1718604001"],
            &iso
        ));
        let epoch = ctx(&[("aws:EpochTime", &["1718604000"])]);
        assert!(check(
            "DateEquals",
            "aws:EpochTime",
            &["2024-06-17T06:00:00Z"],
            &epoch
        ));
        assert!(check(
            "DateGreaterThan",
            "aws:EpochTime",
            &["2024-06-17T05:59:59Z"],
            &epoch
        ));
    }

    // Pins the known disagreement `escape-variable-in-exact-string-operator`: AWS
    // documents `${*}`, `${?}` and `${$}` "in any string where you can use
    // regular policy variables", the exact String operators included.
    #[test]
    fn escapes_stand_for_their_character_in_exact_string_operators() {
        let c = ctx(&[("aws:ResourceTag/env", &["a*b"])]);
        assert!(check(
            "StringEquals",
            "aws:ResourceTag/env",
            &["a${*}b"],
            &c
        ));
        assert!(check(
            "StringEqualsIgnoreCase",
            "aws:ResourceTag/env",
            &["A${*}B"],
            &c
        ));
        assert!(!check(
            "StringNotEqualsIgnoreCase",
            "aws:ResourceTag/env",
            &["a${*}b", "red"],
            &c
        ));
        // The escape is one literal character, not a wildcard.
        let other = ctx(&[("aws:ResourceTag/env", &["axxb"])]);
        assert!(!check(
            "StringLike",
            "aws:ResourceTag/env",
            &["a${*}b"],
            &other
        ));
        assert!(check("StringLike", "aws:ResourceTag/env", &["a${*}b"], &c));
    }

    // Pins the known disagreement `single-operator-on-one-valued-multivalued-key`:
    // AWS classifies a key by "the number of values in the request context", so
    // `aws:TagKeys` with one value is compared like a single-valued key.
    #[test]
    fn single_operator_on_a_one_valued_key_compares_the_value() {
        let one = ctx(&[("aws:TagKeys", &["Owner"])]);
        assert!(check("StringEquals", "aws:TagKeys", &["Owner"], &one));
        assert!(!check("StringNotEquals", "aws:TagKeys", &["Owner"], &one));
        assert!(check(
            "StringLike",
            "aws:CalledVia",
            &["*"],
            &ctx(&[("aws:CalledVia", &["c"])])
        ));
        // Zero or several values: a single-valued operator does not match.
        let two = ctx(&[("aws:TagKeys", &["Owner", "team"])]);
        assert!(!check("StringEquals", "aws:TagKeys", &["Owner"], &two));
        assert!(!check("StringNotEquals", "aws:TagKeys", &["x"], &two));
        let none = ctx(&[("aws:TagKeys", &[])]);
        assert!(!check("StringNotEquals", "aws:TagKeys", &["x"], &none));
    }
}
