//! The request space of one action group, cut into finitely many classes.
//!
//! For every variable a policy can test (the resource, and each condition key), we
//! compute representative values such that every combination of the policies'
//! atomic tests (a resource pattern, one condition value) that any real value can
//! produce is produced by some representative. Evaluating both policy sets on the
//! product of representatives then decides the comparison exactly. Where that
//! guarantee cannot be given, the construct is reported as [`CannotProve`].

use super::automaton::{self, CharClass, Elem, Pattern};
use super::ordered::{date_representatives, numeric_representatives};
use crate::policy::{Condition, ConditionOp, Operator, SetQualifier};
use std::net::IpAddr;

/// Why part of a comparison is not decided exactly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CannotProve {
    /// What could not be decided, in one sentence.
    pub reason: String,
}

impl CannotProve {
    pub(super) fn new(reason: impl Into<String>) -> Self {
        CannotProve {
            reason: reason.into(),
        }
    }
}

/// Product states visited at most per pattern set before giving up.
pub const MAX_AUTOMATON_STATES: usize = 50_000;
/// Representative values per multi-valued key at most (the key's states are subsets).
const MAX_SET_REPRESENTATIVES: usize = 10;

/// One state of a condition key in a request.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum KeyState {
    /// The request does not carry the key.
    Absent,
    /// The request carries the key with these values (one for a single-valued key;
    /// possibly none for a multi-valued key sent empty).
    Values(Vec<String>),
}

/// How a key's values are compared, by operator family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Family {
    String,
    Numeric,
    Date,
    Bool,
    Binary,
    Ip,
    /// `Null` only asks whether the key is present.
    Presence,
}

fn family(op: ConditionOp) -> Family {
    use ConditionOp::*;
    match op {
        StringEquals
        | StringNotEquals
        | StringEqualsIgnoreCase
        | StringNotEqualsIgnoreCase
        | StringLike
        | StringNotLike
        | ArnEquals
        | ArnLike
        | ArnNotEquals
        | ArnNotLike => Family::String,
        NumericEquals
        | NumericNotEquals
        | NumericLessThan
        | NumericLessThanEquals
        | NumericGreaterThan
        | NumericGreaterThanEquals => Family::Numeric,
        DateEquals
        | DateNotEquals
        | DateLessThan
        | DateLessThanEquals
        | DateGreaterThan
        | DateGreaterThanEquals => Family::Date,
        Bool => Family::Bool,
        BinaryEquals => Family::Binary,
        IpAddress | NotIpAddress => Family::Ip,
        Null => Family::Presence,
    }
}

/// What the request space allows for one key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyShape {
    /// The key may be absent from the request.
    pub may_be_absent: bool,
    /// The key may be present in the request (false when the action never carries it).
    pub may_be_present: bool,
    /// The key may carry several values (it is multi-valued, or a set operator tests it).
    pub multi_valued: bool,
}

/// The pattern a policy value stands for under a string-family operator.
pub fn string_pattern(op: ConditionOp, value: &str) -> Pattern {
    use ConditionOp::*;
    match op {
        StringEquals | StringNotEquals => Pattern::literal(value, false),
        StringEqualsIgnoreCase | StringNotEqualsIgnoreCase => Pattern::literal(value, true),
        StringLike | StringNotLike => Pattern::glob(value, false),
        _ => arn_pattern(value),
    }
}

/// An `ArnLike`/`ArnEquals` pattern, as the evaluator reads it: both ARNs must have
/// six colon-delimited parts, matched part by part; wildcards stay inside their part
/// for the first five, and the sixth (the resource) may contain colons. A pattern
/// that is not a six-part ARN matches nothing.
pub fn arn_pattern(value: &str) -> Pattern {
    let segments: Vec<&str> = value.splitn(6, ':').collect();
    if segments.len() != 6 || segments[0] != "arn" {
        return Pattern::never();
    }
    let mut elems = Vec::new();
    for (i, segment) in segments.iter().enumerate() {
        if i > 0 {
            elems.push(Elem::Lit(':'));
        }
        let class = if i < 5 {
            CharClass::NotColon
        } else {
            CharClass::Any
        };
        elems.extend(segment.chars().map(|c| match c {
            '*' => Elem::Star(class),
            '?' => Elem::One(class),
            c => Elem::Lit(c),
        }));
    }
    Pattern::from_elems(elems)
}

/// The pattern a `Resource`/`NotResource` entry stands for, as the evaluator
/// matches it ([`crate::eval::pattern::ArnPattern`]): `*` is everything; a pattern
/// not starting with `arn:` is a whole-string glob; an ARN pattern is matched per
/// colon-delimited segment, where the sixth part (the resource) may hold colons,
/// and a shorter pattern whose last segment ends in `*` matches the rest of the ARN.
pub fn resource_pattern(text: &str) -> Pattern {
    if !text.starts_with("arn:") {
        return Pattern::glob(text, false);
    }
    let segments: Vec<&str> = text.splitn(6, ':').collect();
    let k = segments.len();
    let open_end = k == 6 || segments[k - 1].ends_with('*');
    let mut elems = Vec::new();
    for (i, segment) in segments.iter().enumerate() {
        if i > 0 {
            elems.push(Elem::Lit(':'));
        }
        let class = if i == k - 1 && open_end {
            CharClass::Any
        } else {
            CharClass::NotColon
        };
        elems.extend(segment.chars().map(|c| match c {
            '*' => Elem::Star(class),
            '?' => Elem::One(class),
            c => Elem::Lit(c),
        }));
    }
    Pattern::from_elems(elems)
}

/// The ARNs of a Service Authorization Reference format such as
/// `arn:${Partition}:s3:::${BucketName}/${ObjectName}`: a variable is one or more
/// characters, never a colon in the first five segments, and neither `:` nor `/`
/// when it is the whole resource part (a bucket, queue or topic name).
pub fn format_pattern(format: &str) -> Pattern {
    let segments: Vec<&str> = format.splitn(6, ':').collect();
    let mut elems = Vec::new();
    for (i, segment) in segments.iter().enumerate() {
        if i > 0 {
            elems.push(Elem::Lit(':'));
        }
        let single_name =
            i == 5 && segment.starts_with("${") && segment.find('}') == Some(segment.len() - 1);
        let class = match i {
            0..=4 => CharClass::NotColon,
            _ if single_name => CharClass::Name,
            _ => CharClass::Any,
        };
        let mut rest = *segment;
        while !rest.is_empty() {
            if let (Some(start), true) = (rest.strip_prefix("${"), true) {
                if let Some(end) = start.find('}') {
                    elems.push(Elem::One(class));
                    elems.push(Elem::Star(class));
                    rest = &start[end + 1..];
                    continue;
                }
            }
            let mut chars = rest.chars();
            if let Some(c) = chars.next() {
                elems.push(Elem::Lit(c));
            }
            rest = chars.as_str();
        }
    }
    Pattern::from_elems(elems)
}

/// A realistic ARN of a format: `aws`, `us-east-1`, `111122223333`, and `example`
/// for every other variable.
pub fn format_example(format: &str) -> String {
    let mut out = String::new();
    let mut rest = format;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let Some(end) = rest[start..].find('}') else {
            break;
        };
        let name = &rest[start + 2..start + end];
        out.push_str(match name {
            "Partition" => "aws",
            "Region" => "us-east-1",
            "Account" => "111122223333",
            _ => "example",
        });
        rest = &rest[start + end + 1..];
    }
    out.push_str(rest);
    out
}

/// Makes a witness ARN read like a real one (`aws` partition, a real-looking region
/// and account) wherever that keeps its truth values against `patterns`.
pub fn beautify_arn(witness: &str, patterns: &[Pattern], matches: &[bool]) -> String {
    const CHOICES: [(usize, &[&str]); 3] = [
        (1, &["aws"]),
        (3, &["us-east-1", "eu-west-1"]),
        (4, &["111122223333", "444455556666"]),
    ];
    let mut best = witness.to_string();
    for (index, candidates) in CHOICES {
        for candidate in candidates {
            let mut parts: Vec<&str> = best.splitn(6, ':').collect();
            if parts.len() != 6 || parts[index].is_empty() || parts[index] == *candidate {
                break;
            }
            parts[index] = candidate;
            let tried = parts.join(":");
            if patterns
                .iter()
                .map(|p| p.matches(&tried))
                .eq(matches.iter().copied())
            {
                best = tried;
                break;
            }
        }
    }
    best
}

/// The states of one condition key that together cover every behaviour of `conditions`
/// (all of which test this key).
pub fn key_states(
    conditions: &[&Condition],
    shape: KeyShape,
) -> Result<Vec<KeyState>, CannotProve> {
    let mut states = Vec::new();
    if shape.may_be_absent {
        states.push(KeyState::Absent);
    }
    if !shape.may_be_present {
        return Ok(states);
    }
    let values = value_representatives(conditions)?;
    let multi = shape.multi_valued || conditions.iter().any(|c| c.operator.value.set.is_some());
    if !multi {
        states.extend(values.into_iter().map(|v| KeyState::Values(vec![v])));
        return Ok(states);
    }
    if values.len() > MAX_SET_REPRESENTATIVES {
        return Err(CannotProve::new(format!(
            "the multi-valued key `{}` is tested against {} classes of values; more than {MAX_SET_REPRESENTATIVES} are not enumerated",
            conditions.first().map(|c| c.key.value.as_str()).unwrap_or_default(),
            values.len()
        )));
    }
    // A set's behaviour depends only on which value classes it contains.
    for mask in 0u32..(1 << values.len()) {
        let set = values
            .iter()
            .enumerate()
            .filter(|(i, _)| mask >> i & 1 == 1)
            .map(|(_, v)| v.clone())
            .collect();
        states.push(KeyState::Values(set));
    }
    Ok(states)
}

/// Values of a key that realise every combination of the conditions' value tests.
fn value_representatives(conditions: &[&Condition]) -> Result<Vec<String>, CannotProve> {
    let mut families: Vec<Family> = conditions
        .iter()
        .map(|c| family(c.operator.value.op))
        .collect();
    families.sort();
    families.dedup();
    families.retain(|f| *f != Family::Presence);
    let key = conditions
        .first()
        .map(|c| c.key.value.as_str())
        .unwrap_or_default();
    if families.len() > 1 {
        return Err(CannotProve::new(format!(
            "the key `{key}` is compared by operators of different kinds ({families:?}); mixed comparisons are not enumerated"
        )));
    }
    let values_of = |f: Family| {
        conditions
            .iter()
            .filter(move |c| family(c.operator.value.op) == f)
            .flat_map(|c| {
                c.values
                    .iter()
                    .map(move |v| (c.operator.value, v.value.as_str()))
            })
    };
    let Some(&family) = families.first() else {
        // Only `Null` tests: any one value stands for all.
        return Ok(vec!["present".to_string()]);
    };
    if conditions
        .iter()
        .any(|c| c.values.iter().any(|v| v.value.contains("${")))
    {
        return Err(CannotProve::new(format!(
            "a condition on `{key}` uses a policy variable; values that depend on other keys are not enumerated"
        )));
    }
    Ok(match family {
        Family::String => string_representatives(values_of(Family::String))?,
        Family::Numeric => numeric_representatives(values_of(Family::Numeric).map(|(_, v)| v))?,
        Family::Date => date_representatives(values_of(Family::Date).map(|(_, v)| v))?,
        Family::Bool => vec!["true".into(), "false".into(), "neither".into()],
        Family::Binary => {
            let mut out: Vec<String> = values_of(Family::Binary)
                .map(|(_, v)| v.to_string())
                .collect();
            out.push(fresh_value(&out));
            out.sort();
            out.dedup();
            out
        }
        Family::Ip => ip_representatives(values_of(Family::Ip).map(|(_, v)| v)),
        Family::Presence => vec!["present".to_string()],
    })
}

fn string_representatives<'a>(
    values: impl Iterator<Item = (Operator, &'a str)>,
) -> Result<Vec<String>, CannotProve> {
    let mut patterns: Vec<Pattern> = values.map(|(op, v)| string_pattern(op.op, v)).collect();
    patterns.sort_by(|a, b| format!("{a:?}").cmp(&format!("{b:?}")));
    patterns.dedup();
    let regions = automaton::regions(&patterns, MAX_AUTOMATON_STATES).map_err(|e| {
        CannotProve::new(format!(
            "string conditions too complex to enumerate ({} automaton states)",
            e.visited
        ))
    })?;
    Ok(regions.into_iter().map(|r| r.witness).collect())
}

fn fresh_value(taken: &[String]) -> String {
    (0..)
        .map(|i| format!("other{i}"))
        .find(|c| !taken.contains(c))
        .unwrap_or_default()
}

/// The first and last address of each CIDR, and their neighbours outside it, plus a
/// value that is not an address. Membership only changes at those boundaries.
fn ip_representatives<'a>(values: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut out: Vec<IpAddr> = Vec::new();
    for value in values {
        let Some((first, last)) = cidr_bounds(value) else {
            continue;
        };
        out.push(first);
        out.push(last);
        match (first, last) {
            (IpAddr::V4(f), IpAddr::V4(l)) => {
                out.extend(u32::from(f).checked_sub(1).map(|n| IpAddr::V4(n.into())));
                out.extend(u32::from(l).checked_add(1).map(|n| IpAddr::V4(n.into())));
            }
            (IpAddr::V6(f), IpAddr::V6(l)) => {
                out.extend(u128::from(f).checked_sub(1).map(|n| IpAddr::V6(n.into())));
                out.extend(u128::from(l).checked_add(1).map(|n| IpAddr::V6(n.into())));
            }
            _ => {}
        }
    }
    out.push(IpAddr::V4([192, 0, 2, 1].into()));
    out.push(IpAddr::V6([0x2001, 0xdb8, 0, 0, 0, 0, 0, 1].into()));
    out.sort();
    out.dedup();
    let mut strings: Vec<String> = out.into_iter().map(|a| a.to_string()).collect();
    strings.push("not-an-address".to_string());
    strings
}

/// The first and last address of a CIDR block (or of a single address).
pub fn cidr_bounds(text: &str) -> Option<(IpAddr, IpAddr)> {
    let (addr, prefix) = match text.trim().split_once('/') {
        Some((a, p)) => (a, Some(p.parse::<u32>().ok()?)),
        None => (text.trim(), None),
    };
    match addr.parse::<IpAddr>().ok()? {
        IpAddr::V4(a) => {
            let bits = prefix.unwrap_or(32);
            if bits > 32 {
                return None;
            }
            let mask = if bits == 0 {
                0
            } else {
                u32::MAX << (32 - bits)
            };
            let n = u32::from(a) & mask;
            Some((IpAddr::V4(n.into()), IpAddr::V4((n | !mask).into())))
        }
        IpAddr::V6(a) => {
            let bits = prefix.unwrap_or(128);
            if bits > 128 {
                return None;
            }
            let mask = if bits == 0 {
                0
            } else {
                u128::MAX << (128 - bits)
            };
            let n = u128::from(a) & mask;
            Some((IpAddr::V6(n.into()), IpAddr::V6((n | !mask).into())))
        }
    }
}

/// Whether the operator reads the key as a set (for documentation and callers).
pub fn is_set_operator(op: &Operator) -> bool {
    matches!(
        op.set,
        Some(SetQualifier::ForAllValues | SetQualifier::ForAnyValue)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::{Item, Located};

    fn cond(op: &str, key: &str, values: &[&str]) -> Condition {
        Condition {
            operator: Located::unlocated(
                Operator::parse(op).unwrap_or_else(|| panic!("bad op {op}")),
            ),
            key: Located::unlocated(key.to_string()),
            values: values.iter().map(|v| Item::unlocated(*v)).collect(),
        }
    }

    const SINGLE: KeyShape = KeyShape {
        may_be_absent: true,
        may_be_present: true,
        multi_valued: false,
    };

    #[test]
    fn tag_equality_gives_absent_matching_and_other() {
        let c = cond(
            "StringEquals",
            "aws:ResourceTag/chalk.ai/managed-by",
            &["chalk"],
        );
        let states = key_states(&[&c], SINGLE).unwrap_or_default();
        assert_eq!(states.len(), 3);
        assert!(states.contains(&KeyState::Absent));
        assert!(states.contains(&KeyState::Values(vec!["chalk".into()])));
    }

    #[test]
    fn key_the_action_never_carries_is_only_absent() {
        let c = cond("StringEquals", "aws:ResourceTag/x", &["y"]);
        let shape = KeyShape {
            may_be_present: false,
            ..SINGLE
        };
        assert_eq!(
            key_states(&[&c], shape).unwrap_or_default(),
            vec![KeyState::Absent]
        );
    }

    #[test]
    fn set_operator_enumerates_subsets_including_empty() {
        let c = cond("ForAllValues:StringEquals", "aws:TagKeys", &["a", "b"]);
        let states = key_states(&[&c], SINGLE).unwrap_or_default();
        // absent + 2^3 subsets of {a, b, other}
        assert_eq!(states.len(), 9);
        assert!(states.contains(&KeyState::Values(vec![])));
    }

    #[test]
    fn mixed_operator_kinds_cannot_be_proved() {
        let a = cond("StringLike", "k", &["1*"]);
        let b = cond("NumericLessThan", "k", &["5"]);
        assert!(key_states(&[&a, &b], SINGLE).is_err());
    }

    #[test]
    fn cidr_edges_and_neighbours() {
        let reps = ip_representatives(["10.0.0.0/8"].into_iter());
        for want in ["9.255.255.255", "10.0.0.0", "10.255.255.255", "11.0.0.0"] {
            assert!(reps.contains(&want.to_string()), "{want} missing");
        }
    }

    #[test]
    fn format_variables_fill_their_segment() {
        let bucket = format_pattern("arn:${Partition}:s3:::${BucketName}");
        assert!(bucket.matches("arn:aws:s3:::chalk-data"));
        assert!(!bucket.matches("arn:aws:s3:::chalk-data/key"));
        let object = format_pattern("arn:${Partition}:s3:::${BucketName}/${ObjectName}");
        assert!(object.matches("arn:aws:s3:::b/k/with:colon"));
        let table =
            format_pattern("arn:${Partition}:dynamodb:${Region}:${Account}:table/${TableName}");
        assert!(table.matches("arn:aws:dynamodb:us-east-1:111122223333:table/chalk"));
        assert!(!table.matches("arn:aws:dynamodb::111122223333:table/chalk"));
    }

    #[test]
    fn format_example_fits_its_format() {
        let format = "arn:${Partition}:dynamodb:${Region}:${Account}:table/${TableName}";
        let example = format_example(format);
        assert_eq!(
            example,
            "arn:aws:dynamodb:us-east-1:111122223333:table/example"
        );
        assert!(format_pattern(format).matches(&example));
    }

    #[test]
    fn beautified_witness_keeps_its_truth_values() {
        let patterns = vec![
            resource_pattern("arn:aws:dynamodb:us-east-1:111122223333:table/chalk*"),
            format_pattern("arn:${Partition}:dynamodb:${Region}:${Account}:table/${TableName}"),
        ];
        let pretty = beautify_arn("arn:x:dynamodb:x:x:table/x", &patterns, &[false, true]);
        assert_eq!(pretty, "arn:aws:dynamodb:us-east-1:111122223333:table/x");
    }

    proptest::proptest! {
        #[test]
        fn resource_patterns_agree_with_the_evaluator(
            pattern in "(arn:)?[ab*?:]{0,8}",
            value in "(arn:)?[ab:]{0,8}",
        ) {
            let ours = resource_pattern(&pattern).matches(&value);
            let evaluator = crate::eval::pattern::matches_resource(&pattern, &value);
            proptest::prop_assert_eq!(ours, evaluator, "pattern {:?} value {:?}", pattern, value);
        }

        #[test]
        fn arn_condition_patterns_agree_with_the_evaluator(
            pattern in "arn:[ab*?:]{0,10}",
            value in "arn:[ab:]{0,10}",
        ) {
            let ours = arn_pattern(&pattern).matches(&value);
            let evaluator = crate::eval::pattern::ArnPattern::new(&pattern, false)
                .matches_arn_condition(&value, &crate::eval::VarResolver::new(&crate::eval::Context::new()));
            proptest::prop_assert_eq!(ours, evaluator, "pattern {:?} value {:?}", pattern, value);
        }
    }

    #[test]
    fn arn_wildcards_stay_in_their_segment() {
        let p = arn_pattern("arn:aws:iam::*:role/x");
        assert!(p.matches("arn:aws:iam::123:role/x"));
        assert!(!p.matches("arn:aws:iam::1:2:role/x"));
        let last = arn_pattern("arn:aws:s3:::b/*");
        assert!(last.matches("arn:aws:s3:::b/a:b"));
    }
}
