//! `redundant-action`: an action item that another item of the statement already covers.

use crate::catalog::text::{has_wildcard, FastMap, FastSet};

use crate::catalog::text::glob_match_ci;
use crate::catalog::{Action, Catalog};
use crate::declare_rule;
use crate::lint::context::LintContext;
use crate::policy::Policy;
use crate::report::Finding;

declare_rule! {
    /// ## What it does
    /// Flags `Action`/`NotAction` items that add nothing to their statement: an item listed
    /// twice (compared case-insensitively), or an item already covered by a wildcard in the
    /// same statement (`s3:GetObject` next to `s3:Get*` or `s3:*`). Each redundant item is
    /// reported once, naming the item that covers it.
    ///
    /// ## Why it matters
    /// Redundant items make a policy longer and harder to review, and they hide intent: a
    /// reviewer who sees `s3:GetObject` may not notice that `s3:*` next to it grants every S3
    /// action. Removing the narrow item makes the real breadth visible. Policy size is also
    /// limited (6,144 characters for a managed policy).
    ///
    /// ## Example
    /// ```json
    /// { "Effect": "Allow", "Action": ["s3:*", "s3:GetObject", "s3:getobject"], "Resource": "*" }
    /// ```
    ///
    /// ## Remediation
    /// Delete the redundant item, or replace the wildcard with the narrow actions you meant.
    ///
    /// ## References
    /// - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html
    /// - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
    pub struct RedundantAction {
        id: "redundant-action",
        severity: Low,
        summary: "an action item that another item of the same statement already covers",
    }
}

/// Catalog expansions of wildcard items, computed at most once per check call.
struct Expansions<'c> {
    catalog: &'c Catalog,
    sets: FastMap<String, FastSet<*const Action>>,
}

impl Expansions<'_> {
    fn ensure(&mut self, pattern: &str) -> String {
        let key = pattern.to_ascii_lowercase();
        if !self.sets.contains_key(&key) {
            let set = self
                .catalog
                .expand(pattern)
                .into_iter()
                .map(|a| a as *const Action)
                .collect();
            self.sets.insert(key.clone(), set);
        }
        key
    }

    /// Whether `inner` names at least one action and only actions that `outer` names too.
    fn non_empty_subset(&mut self, inner: &str, outer: &str) -> bool {
        let (i, o) = (self.ensure(inner), self.ensure(outer));
        match (self.sets.get(&i), self.sets.get(&o)) {
            (Some(i), Some(o)) => !i.is_empty() && i.len() <= o.len() && i.is_subset(o),
            _ => false,
        }
    }
}

/// Whether the wildcard pattern `outer` covers every action `inner` can name.
fn covers(outer: &str, inner: &str, expansions: &mut Expansions<'_>) -> bool {
    if !has_wildcard(outer) || !glob_match_ci(outer, inner) {
        return false;
    }
    if !has_wildcard(inner) {
        return true;
    }
    // A wildcard `?` in `outer` can match a literal `*` of `inner` without covering what it
    // stands for, so compare what both name in the catalog too.
    expansions.non_empty_subset(inner, outer)
}

/// Reports duplicate action items and items covered by a wildcard of the same statement.
pub fn check(policy: &Policy, cx: &LintContext<'_>, out: &mut Vec<Finding>) {
    let meta = RedundantAction::META;
    let mut expand = Expansions {
        catalog: cx.catalog,
        sets: FastMap::default(),
    };
    for stmt in &policy.statements {
        let items = &stmt.action.items;
        // Index the items so that each one is compared only with its possible coverers:
        // earlier equal items, and wildcard items of the same service or of any service.
        let lowered: Vec<String> = items.iter().map(|i| i.value.to_ascii_lowercase()).collect();
        let mut first_seen: FastMap<&str, usize> =
            FastMap::with_capacity_and_hasher(items.len(), Default::default());
        let mut wild_by_service: FastMap<&str, Vec<usize>> = FastMap::default();
        let mut wild_any_service: Vec<usize> = Vec::new();
        for (j, low) in lowered.iter().enumerate() {
            first_seen.entry(low.as_str()).or_insert(j);
            if has_wildcard(low) {
                match low.split_once(':') {
                    Some((prefix, _)) if !has_wildcard(prefix) => {
                        wild_by_service.entry(prefix).or_default().push(j)
                    }
                    _ => wild_any_service.push(j),
                }
            }
        }
        for (i, item) in items.iter().enumerate() {
            let value = &item.value;
            let low = lowered[i].as_str();
            let first = first_seen.get(low).copied().unwrap_or(i);
            let (message, by) = if first < i {
                (
                    format!("`{value}` is listed twice in this statement"),
                    items[first].value.as_str(),
                )
            } else if wild_by_service.is_empty() && wild_any_service.is_empty() {
                // Without wildcard items, only a repeated item can be redundant.
                continue;
            } else {
                let prefix = low.split_once(':').map_or(low, |(p, _)| p);
                let mut candidates: Vec<usize> = wild_by_service
                    .get(prefix)
                    .into_iter()
                    .flatten()
                    .chain(&wild_any_service)
                    .copied()
                    .collect();
                candidates.sort_unstable();
                let cover = candidates.into_iter().find(|&j| {
                    let other = &items[j].value;
                    j != i
                        && lowered[j] != lowered[i]
                        && covers(other, value, &mut expand)
                        // Two patterns covering each other: keep the first, flag the later one.
                        && (j < i || !covers(value, other, &mut expand))
                });
                match cover {
                    Some(j) => (
                        format!(
                            "`{value}` is already covered by `{}` in this statement",
                            items[j].value
                        ),
                        items[j].value.as_str(),
                    ),
                    None => continue,
                }
            };
            out.push(
                Finding::new(meta.id, meta.severity, message)
                    .at(cx.location(item.pos, stmt.action_pointer(item)))
                    .in_statement(stmt.label())
                    .subject(value.clone())
                    .detail("covered by", by),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::context::run_check;

    #[test]
    fn flags_duplicates_and_items_under_wildcards() {
        let found = run_check(
            check,
            include_str!("../../../fixtures/lint/redundant-action/flagged.json"),
        );
        let got: Vec<_> = found
            .iter()
            .map(|f| {
                (
                    f.rule,
                    f.location.line,
                    f.location.column,
                    f.location.pointer.as_str(),
                    f.details[0].1.as_str(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (
                    "redundant-action",
                    Some(7),
                    Some(9),
                    "/Statement/0/Action/0",
                    "s3:Get*"
                ),
                (
                    "redundant-action",
                    Some(9),
                    Some(9),
                    "/Statement/0/Action/2",
                    "s3:GetObject"
                ),
                (
                    "redundant-action",
                    Some(11),
                    Some(9),
                    "/Statement/0/Action/4",
                    "sqs:*"
                ),
            ]
        );
        assert_eq!(
            found[0].message,
            "`s3:GetObject` is already covered by `s3:Get*` in this statement"
        );
    }

    #[test]
    fn keeps_distinct_and_partly_overlapping_items() {
        let found = run_check(
            check,
            include_str!("../../../fixtures/lint/redundant-action/clean.json"),
        );
        assert_eq!(found, []);
    }
}
