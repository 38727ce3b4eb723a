//! Small helpers shared by the rules: IAM wildcard matching, what an `Allow` statement grants,
//! and which conditions count as restricting.

use crate::policy::{
    Condition, ConditionOp, Item, ItemList, PrincipalKind, SetQualifier, Statement,
};

/// Whether `text` matches the IAM wildcard `pattern` (`*` any run, `?` one character),
/// ASCII case-insensitively, like IAM compares action names.
pub fn wildcard_match(pattern: &str, text: &str) -> bool {
    let p = pattern.as_bytes();
    let t = text.as_bytes();
    let (mut pi, mut ti) = (0, 0);
    // Linear backtracking: remember the last `*` and how much it has swallowed.
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        match p.get(pi) {
            Some(&c) if c == b'?' || c.eq_ignore_ascii_case(&t[ti]) => {
                pi += 1;
                ti += 1;
            }
            Some(&b'*') => {
                star = Some((pi, ti));
                pi += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    pi = sp + 1;
                    ti = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    p[pi..].iter().all(|&c| c == b'*')
}

/// Whether `s` is non-empty and made only of `*` and `?`.
pub fn is_only_wildcards(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|c| c == b'*' || c == b'?')
}

pub use crate::catalog::text::has_wildcard;

/// Whether an `Action`/`NotAction` list covers the concrete action `action`: a positive list
/// when one of its patterns matches, a negated list when none does.
pub fn action_list_covers(list: &ItemList, action: &str) -> bool {
    let any = list.items.iter().any(|i| wildcard_match(&i.value, action));
    any != list.negated
}

/// The first item of a positive `Action` list that matches `action`.
pub fn matching_action_item<'a>(list: &'a ItemList, action: &str) -> Option<&'a Item> {
    if list.negated {
        return None;
    }
    list.items.iter().find(|i| wildcard_match(&i.value, action))
}

/// Whether a condition restricts the request rather than being trivially true: its operator is
/// positive (not `StringNotEquals`, `NotIpAddress`...), without `IfExists` and without
/// `ForAllValues:` (both are true when the key is absent), and a `...Like` operator has at least
/// one value that is not only wildcards.
pub fn is_restricting(condition: &Condition) -> bool {
    let op = condition.operator.value;
    if op.op.is_negated() || op.if_exists || op.set == Some(SetQualifier::ForAllValues) {
        return false;
    }
    if matches!(op.op, ConditionOp::StringLike | ConditionOp::ArnLike) {
        return condition
            .values
            .iter()
            .any(|v| !is_only_wildcards(&v.value));
    }
    true
}

/// Whether the statement has at least one restricting condition (see [`is_restricting`]).
pub fn has_restricting_condition(statement: &Statement) -> bool {
    statement.conditions.iter().any(is_restricting)
}

/// Whether the statement has a restricting condition on one of `keys` (case-insensitive).
pub fn has_restricting_condition_on(statement: &Statement, keys: &[&str]) -> bool {
    statement
        .conditions
        .iter()
        .any(|c| keys.iter().any(|k| c.key.value.eq_ignore_ascii_case(k)) && is_restricting(c))
}

/// The JSON pointer of a principal entry: `/Statement/0/Principal/AWS/1`.
pub fn principal_pointer(statement: &Statement, kind: PrincipalKind, item: &Item) -> String {
    let key = match &statement.principal {
        Some(p) if p.negated => "NotPrincipal",
        _ => "Principal",
    };
    match item.index {
        Some(i) => format!("{}/{key}/{}/{i}", statement.pointer(), kind.as_str()),
        None => format!("{}/{key}/{}", statement.pointer(), kind.as_str()),
    }
}

/// Joins up to `max` names in backticks, adding `and N more` when there are more.
pub fn list_truncated(names: &[String], max: usize) -> String {
    let shown: Vec<String> = names.iter().take(max).map(|n| format!("`{n}`")).collect();
    let mut out = shown.join(", ");
    if names.len() > max {
        out.push_str(&format!(" and {} more", names.len() - max));
    }
    out
}

/// Parses `text` and runs `check` on it as a policy of `kind`, for rule tests.
#[cfg(test)]
pub fn run_check(
    text: &str,
    kind: crate::lint::context::PolicyKind,
    check: super::CheckFn,
) -> Vec<crate::report::Finding> {
    let policy = match crate::policy::parse_policy(text) {
        Ok(policy) => policy,
        Err(errors) => panic!("fixture does not parse: {errors:?}"),
    };
    let mut cx = crate::lint::context::LintContext::new(
        "policy.json",
        crate::catalog::Catalog::get(),
        &policy,
    );
    cx.kind = kind;
    let mut out = Vec::new();
    check(&policy, &cx, &mut out);
    out
}

/// `(line, column, pointer)` of each finding, for compact assertions.
#[cfg(test)]
pub fn places(findings: &[crate::report::Finding]) -> Vec<(u32, u32, String)> {
    findings
        .iter()
        .map(|f| {
            (
                f.location.line.unwrap_or(0),
                f.location.column.unwrap_or(0),
                f.location.pointer.clone(),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcard_match_is_case_insensitive_and_anchored() {
        assert!(wildcard_match("iam:Put*", "iam:PutRolePolicy"));
        assert!(wildcard_match("IAM:passrole", "iam:PassRole"));
        assert!(wildcard_match("*", "s3:GetObject"));
        assert!(wildcard_match("iam:?assRole", "iam:PassRole"));
        assert!(!wildcard_match("iam:Pass", "iam:PassRole"));
        assert!(!wildcard_match("s3:*", "s3express:CreateSession"));
    }

    #[test]
    fn negated_action_list_covers_what_it_does_not_name() {
        let list = ItemList {
            negated: true,
            ..ItemList::of(&["iam:*"])
        };
        assert!(action_list_covers(&list, "ec2:RunInstances"));
        assert!(!action_list_covers(&list, "iam:PassRole"));
    }

    #[test]
    fn truncates_long_lists_with_a_count() {
        let names: Vec<String> = ["a", "b", "c"].iter().map(|s| s.to_string()).collect();
        assert_eq!(list_truncated(&names, 2), "`a`, `b` and 1 more");
        assert_eq!(list_truncated(&names, 5), "`a`, `b`, `c`");
    }
}
