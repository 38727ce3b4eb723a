//! Exact comparison of two policy sets: which requests NEW allows that OLD does
//! not, and the reverse, each with a witness request.
//!
//! The request space is every action of the catalog, every resource ARN of the
//! formats the action accepts, and every context. It is cut into classes:
//! 1. actions are grouped by which statements (of either side) name them, which of
//!    the tested condition keys they can carry, and which ARN formats they accept;
//! 2. within a group, [`super::space`] gives representative resources and key
//!    states that realise every combination of the statements' atomic tests.
//!
//! Both sides are then evaluated, with the real evaluator, on the product of the
//! representatives. Every difference found is therefore a real request that one
//! side allows and the other denies, and no class of requests is skipped: where a
//! class cannot be enumerated exactly, it is reported as unproven, never as equal.

use super::automaton::{self, Pattern};
use super::space::{self, CannotProve, KeyShape, KeyState};
use crate::catalog::text::has_wildcard;
use crate::catalog::{arn_format_may_match, Action, Catalog};
use crate::eval::pattern::Glob;
use crate::eval::{
    CompiledPolicySet, Context, Decision, Explanation, Outcome, PolicySource, Request,
};
use crate::policy::{Condition, Effect, Policy, Statement};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// One side of a comparison: a principal's identity policies and its boundaries.
#[derive(Debug, Clone, Copy)]
pub struct PolicySet<'a> {
    /// Identity policies (inline and managed).
    pub identity: &'a [&'a Policy],
    /// Permissions boundaries (empty for none).
    pub boundaries: &'a [&'a Policy],
}

/// Which side a statement belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Side {
    /// The baseline (OLD).
    Old,
    /// The proposal (NEW).
    New,
}

/// A statement, named by side, policy and index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StatementRef {
    /// Which side.
    pub side: Side,
    /// Whether it is in a permissions boundary rather than an identity policy.
    pub boundary: bool,
    /// Index of the policy within its list.
    pub policy: usize,
    /// Index of the statement within the policy.
    pub statement: usize,
}

/// A request that one side allows and the other does not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    /// Every catalog action for which the same difference holds, sorted.
    pub actions: Vec<String>,
    /// A concrete request showing it (its action is one of `actions`).
    pub witness: Request,
    /// OLD's decision on the witness.
    pub old: Decision,
    /// NEW's decision on the witness.
    pub new: Decision,
    /// The statements that decided on the side that allows (its Allow statements),
    /// and on the side that denies, its matching Deny statements, if any.
    pub responsible: Vec<StatementRef>,
}

/// A class of requests that could not be compared exactly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unproven {
    /// The actions concerned.
    pub actions: Vec<String>,
    /// Why.
    pub reason: String,
}

/// The overall verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Both allow exactly the same requests.
    Equivalent,
    /// NEW allows everything OLD does, and more.
    Broader,
    /// NEW allows a strict subset of what OLD allows.
    Narrower,
    /// Each allows something the other does not.
    Incomparable,
}

impl Verdict {
    /// The kebab-case name used in output.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Equivalent => "equivalent",
            Verdict::Broader => "broader",
            Verdict::Narrower => "narrower",
            Verdict::Incomparable => "incomparable",
        }
    }
}

/// The result of a comparison.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comparison {
    /// The verdict over the classes that were decided. When `unproven` is not
    /// empty, the verdict only holds for the rest of the space.
    pub verdict: Verdict,
    /// Requests NEW allows and OLD does not.
    pub added: Vec<Difference>,
    /// Requests OLD allows and NEW does not.
    pub removed: Vec<Difference>,
    /// Classes that could not be decided exactly.
    pub unproven: Vec<Unproven>,
    /// How many representative requests were evaluated (on each side).
    pub requests_evaluated: usize,
    /// How many action groups the catalog's actions fell into.
    pub action_groups: usize,
}

/// Representative requests per action group at most, before the group is reported unproven.
const MAX_POINTS_PER_GROUP: usize = 200_000;

/// A statement of either side, with what the comparison needs to know about it.
struct Entry<'a> {
    statement: &'a Statement,
    variables: bool,
}

/// Compares OLD with NEW over the whole catalog.
pub fn compare(old: PolicySet<'_>, new: PolicySet<'_>, catalog: &Catalog) -> Comparison {
    let entries = collect_entries(old, new);
    let old_eval = CompiledPolicySet::new(old.identity, old.boundaries);
    let new_eval = CompiledPolicySet::new(new.identity, new.boundaries);

    let groups = group_actions(&entries, catalog);
    let mut added: Vec<Difference> = Vec::new();
    let mut removed: Vec<Difference> = Vec::new();
    let mut unproven: Vec<Unproven> = Vec::new();
    let mut requests_evaluated = 0;
    let mut cache = ResourceCache::default();

    for group in &groups {
        let relevant: Vec<&Entry<'_>> = group.relevant.iter().map(|&i| &entries[i]).collect();
        let names: Vec<String> = group.actions.iter().map(|a| a.full_name()).collect();
        let points = match representatives(group.actions[0], &relevant, catalog, &mut cache) {
            Ok(points) => points,
            Err(cannot) => {
                unproven.push(Unproven {
                    actions: names,
                    reason: cannot.reason,
                });
                continue;
            }
        };
        let action = names[0].clone();
        let mut seen: BTreeSet<(bool, Vec<StatementRef>)> = BTreeSet::new();
        for (resource, context) in points {
            requests_evaluated += 1;
            let request = Request {
                action: action.clone(),
                resource,
                principal: None,
                context,
            };
            let o = old_eval.evaluate(&request);
            let n = new_eval.evaluate(&request);
            let is_added = n == Decision::Allow && o != Decision::Allow;
            let is_removed = o == Decision::Allow && n != Decision::Allow;
            if !is_added && !is_removed {
                continue;
            }
            let responsible = responsible_statements(&old_eval, &new_eval, &request, is_added);
            // One witness per distinct set of responsible statements in this group.
            if !seen.insert((is_added, responsible.clone())) {
                continue;
            }
            let difference = Difference {
                actions: names.clone(),
                witness: request,
                old: o,
                new: n,
                responsible,
            };
            if is_added {
                added.push(difference);
            } else {
                removed.push(difference);
            }
        }
    }

    let added = merge_differences(added);
    let removed = merge_differences(removed);
    let verdict = match (added.is_empty(), removed.is_empty()) {
        (true, true) => Verdict::Equivalent,
        (false, true) => Verdict::Broader,
        (true, false) => Verdict::Narrower,
        (false, false) => Verdict::Incomparable,
    };
    Comparison {
        verdict,
        added,
        removed,
        unproven,
        requests_evaluated,
        action_groups: groups.len(),
    }
}

fn collect_entries<'a>(old: PolicySet<'a>, new: PolicySet<'a>) -> Vec<Entry<'a>> {
    let mut entries = Vec::new();
    for set in [old, new] {
        for policies in [set.identity, set.boundaries] {
            for policy in policies {
                for statement in &policy.statements {
                    entries.push(Entry {
                        statement,
                        variables: policy.supports_variables(),
                    });
                }
            }
        }
    }
    entries
}

/// Actions that behave alike for every statement of both sides.
struct Group<'c> {
    actions: Vec<&'c Action>,
    relevant: Vec<usize>,
}

fn group_actions<'c>(entries: &[Entry<'_>], catalog: &'c Catalog) -> Vec<Group<'c>> {
    let matchers: Vec<ActionMatcher> = entries
        .iter()
        .map(|e| ActionMatcher::new(e.statement))
        .collect();
    let mut groups: HashMap<GroupKey, Group<'c>> = HashMap::new();
    let mut order: Vec<GroupKey> = Vec::new();
    for service in catalog.services() {
        // Statements that can name this service's actions at all.
        let candidates: Vec<usize> = matchers
            .iter()
            .enumerate()
            .filter(|(_, m)| m.may_name_service(service.prefix))
            .map(|(i, _)| i)
            .collect();
        if candidates.is_empty() {
            continue;
        }
        for action in &service.actions {
            let name = action.full_name();
            let relevant: Vec<usize> = candidates
                .iter()
                .copied()
                .filter(|&i| matchers[i].matches(&name))
                .collect();
            // No statement of either side names it: both deny implicitly.
            if relevant.is_empty() {
                continue;
            }
            let keys: BTreeSet<String> = relevant
                .iter()
                .flat_map(|&i| entries[i].statement.conditions.iter())
                .map(|c| c.key.value.to_ascii_lowercase())
                .collect();
            let supported: Vec<bool> = keys
                .iter()
                .map(|k| catalog.action_supports_key(action, k))
                .collect();
            let key = GroupKey {
                relevant: relevant.clone(),
                supported,
                formats: resource_formats(action, catalog),
            };
            match groups.get_mut(&key) {
                Some(group) => group.actions.push(action),
                None => {
                    order.push(key.clone());
                    groups.insert(
                        key,
                        Group {
                            actions: vec![action],
                            relevant,
                        },
                    );
                }
            }
        }
    }
    order
        .into_iter()
        .filter_map(|k| groups.remove(&k))
        .collect()
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct GroupKey {
    relevant: Vec<usize>,
    supported: Vec<bool>,
    formats: Vec<String>,
}

/// The ARN formats of the action's resource types; empty when it accepts only `*`.
fn resource_formats(action: &Action, catalog: &Catalog) -> Vec<String> {
    let mut formats: Vec<String> = catalog
        .action_resource_types(action)
        .flat_map(|rt| rt.arn_formats.iter().map(|f| f.to_string()))
        .collect();
    formats.sort();
    formats.dedup();
    formats
}

/// A statement's `Action`/`NotAction`, compiled for case-insensitive matching.
struct ActionMatcher {
    negated: bool,
    patterns: Vec<Glob>,
    /// The part of each pattern before its first `:` (or `*` when a wildcard comes first).
    service_parts: Vec<Glob>,
}

impl ActionMatcher {
    fn new(statement: &Statement) -> Self {
        ActionMatcher {
            negated: statement.action.negated,
            patterns: statement
                .action
                .items
                .iter()
                .map(|i| Glob::new(&i.value, true))
                .collect(),
            service_parts: statement
                .action
                .items
                .iter()
                .map(|i| Glob::new(service_part(&i.value), true))
                .collect(),
        }
    }

    fn matches(&self, action: &str) -> bool {
        self.patterns.iter().any(|p| p.is_match(action)) != self.negated
    }

    /// Whether some action of service `prefix` may match: always for `NotAction`, else
    /// when a pattern's service part can match the prefix.
    fn may_name_service(&self, prefix: &str) -> bool {
        self.negated || self.service_parts.iter().any(|p| p.is_match(prefix))
    }
}

/// The service part of an action pattern: up to its first `:`, or everything (`*`)
/// when a wildcard before the colon may stand for more than the prefix.
fn service_part(pattern: &str) -> &str {
    match pattern.split_once(':') {
        Some((service, _)) if !has_wildcard(service) => service,
        _ => "*",
    }
}

/// The representative (resource, context) pairs of one action group.
fn representatives(
    action: &Action,
    relevant: &[&Entry<'_>],
    catalog: &Catalog,
    cache: &mut ResourceCache,
) -> Result<Vec<(String, Context)>, CannotProve> {
    let resources = resource_representatives(action, relevant, catalog, cache)?;
    let mut by_key: BTreeMap<String, Vec<&Condition>> = BTreeMap::new();
    for entry in relevant {
        if entry.variables
            && entry
                .statement
                .conditions
                .iter()
                .any(|c| c.values.iter().any(|v| v.value.contains("${")))
        {
            return Err(cannot(format!(
                "statement {} uses policy variables in its conditions",
                entry.statement.label()
            )));
        }
        for condition in &entry.statement.conditions {
            by_key
                .entry(condition.key.value.to_ascii_lowercase())
                .or_default()
                .push(condition);
        }
    }
    let mut key_states: Vec<(String, Vec<KeyState>)> = Vec::new();
    for (key, conditions) in &by_key {
        let shape = KeyShape {
            may_be_absent: !catalog.key_always_present(key),
            may_be_present: catalog.action_supports_key(action, key),
            multi_valued: catalog.key_is_multi_valued(key),
        };
        key_states.push((key.clone(), space::key_states(conditions, shape)?));
    }
    let total = key_states
        .iter()
        .try_fold(resources.len(), |acc, (_, states)| {
            acc.checked_mul(states.len())
        })
        .unwrap_or(usize::MAX);
    if total > MAX_POINTS_PER_GROUP {
        return Err(cannot(format!(
            "{total} classes of requests for `{}`; more than {MAX_POINTS_PER_GROUP} are not enumerated",
            action.full_name()
        )));
    }
    let mut points = Vec::with_capacity(total);
    let mut index = vec![0usize; key_states.len()];
    for resource in &resources {
        loop {
            let mut context = Context::new();
            for ((key, states), &i) in key_states.iter().zip(&index) {
                if let KeyState::Values(values) = &states[i] {
                    context.set(key, values.clone());
                }
            }
            points.push((resource.clone(), context));
            if !advance(&mut index, &key_states) {
                break;
            }
        }
    }
    Ok(points)
}

/// Steps a mixed-radix counter; false when it wraps around.
fn advance(index: &mut [usize], key_states: &[(String, Vec<KeyState>)]) -> bool {
    for (i, (_, states)) in index.iter_mut().zip(key_states) {
        *i += 1;
        if *i < states.len() {
            return true;
        }
        *i = 0;
    }
    false
}

fn cannot(reason: String) -> CannotProve {
    CannotProve { reason }
}

/// Memoised resource analysis: many action groups share their ARN formats and
/// resource patterns, and the automaton work is the comparison's main cost.
#[derive(Default)]
struct ResourceCache {
    /// Whether some ARN of a format matches a policy pattern.
    overlaps: HashMap<(String, String), bool>,
    /// Realisable truth vectors of patterns over one format's ARNs, with witnesses.
    regions: HashMap<(Vec<String>, String), Result<Vec<VectorWitness>, usize>>,
}

/// A truth vector over resource patterns, and an ARN that realises it.
type VectorWitness = (Vec<bool>, String);

impl ResourceCache {
    fn overlaps(&mut self, pattern: &str, format: &str) -> bool {
        let key = (pattern.to_string(), format.to_string());
        if let Some(&known) = self.overlaps.get(&key) {
            return known;
        }
        // The catalog's check errs towards `true`; keeping a pattern that cannot
        // match only costs time, dropping one that can would lose exactness.
        let overlap = !different_services(pattern, format) && arn_format_may_match(format, pattern);
        self.overlaps.insert(key, overlap);
        overlap
    }

    /// The truth vectors of `texts` realised by ARNs of `format`, each with a witness
    /// ARN; `Err` carries the automaton states visited when it gave up.
    fn regions(&mut self, texts: &[String], format: &str) -> Result<Vec<VectorWitness>, usize> {
        // `*` matches every ARN: its truth is fixed, no automaton needed.
        if texts.iter().all(|t| t == "*") {
            return Ok(vec![(
                vec![true; texts.len()],
                space::format_example(format),
            )]);
        }
        let key = (texts.to_vec(), format.to_string());
        if let Some(known) = self.regions.get(&key) {
            return known.clone();
        }
        let mut patterns: Vec<Pattern> = texts.iter().map(|t| space::resource_pattern(t)).collect();
        patterns.push(space::format_pattern(format));
        let result = automaton::regions(&patterns, space::MAX_AUTOMATON_STATES)
            .map(|regions| {
                regions
                    .into_iter()
                    .filter(|r| r.matches.last() == Some(&true))
                    .map(|r| {
                        let witness = space::beautify_arn(&r.witness, &patterns, &r.matches);
                        let mut vector = r.matches;
                        vector.pop();
                        (vector, witness)
                    })
                    .collect()
            })
            .map_err(|e| e.visited);
        self.regions.insert(key, result.clone());
        result
    }
}

/// Whether an ARN pattern names, literally, another service than a format: then
/// no ARN of the format matches it, as ARN patterns match segment by segment.
fn different_services(pattern: &str, format: &str) -> bool {
    let service = |text: &str| {
        let mut parts = text.splitn(4, ':');
        let (arn, _, service, rest) = (parts.next(), parts.next(), parts.next(), parts.next());
        match (arn, service, rest) {
            (Some("arn"), Some(s), Some(_)) if !s.contains(['*', '?', '$']) => Some(s.to_string()),
            _ => None,
        }
    };
    matches!((service(pattern), service(format)), (Some(a), Some(b)) if a != b)
}

/// Resource ARNs that realise every combination of the relevant statements'
/// resource patterns, among the ARNs the action accepts.
fn resource_representatives(
    action: &Action,
    relevant: &[&Entry<'_>],
    catalog: &Catalog,
    cache: &mut ResourceCache,
) -> Result<Vec<String>, CannotProve> {
    let formats = resource_formats(action, catalog);
    if formats.is_empty() {
        // The action accepts only `*` as its resource.
        return Ok(vec!["*".to_string()]);
    }
    let mut texts: Vec<String> = Vec::new();
    for entry in relevant {
        let Some(list) = &entry.statement.resource else {
            continue;
        };
        for item in &list.items {
            if entry.variables && item.value.contains("${") {
                return Err(cannot(format!(
                    "statement {} uses a policy variable in `{}`",
                    entry.statement.label(),
                    item.value
                )));
            }
            // A pattern no ARN of these formats can match is false on every ARN the
            // action accepts: it cannot tell two such ARNs apart.
            if formats.iter().any(|f| cache.overlaps(&item.value, f)) {
                texts.push(item.value.clone());
            }
        }
    }
    texts.sort_unstable();
    texts.dedup();
    // The resource patterns' truth vectors over the ARNs of each format, united;
    // one format at a time keeps the automaton products small.
    let mut by_vector: BTreeMap<Vec<bool>, String> = BTreeMap::new();
    for format in &formats {
        for (vector, witness) in cache.regions(&texts, format).map_err(|visited| {
            cannot(format!(
                "resource patterns for `{}` too complex to enumerate ({visited} automaton states)",
                action.full_name()
            ))
        })? {
            by_vector.entry(vector).or_insert(witness);
        }
    }
    Ok(by_vector.into_values().collect())
}

/// The statements that explain a difference on `request`.
fn responsible_statements(
    old: &CompiledPolicySet,
    new: &CompiledPolicySet,
    request: &Request,
    added: bool,
) -> Vec<StatementRef> {
    let (allowing, allowing_side, denying, denying_side) = if added {
        (new, Side::New, old, Side::Old)
    } else {
        (old, Side::Old, new, Side::New)
    };
    let mut out = matched(&allowing.explain(request), Effect::Allow, allowing_side);
    out.extend(matched(
        &denying.explain(request),
        Effect::Deny,
        denying_side,
    ));
    out.sort();
    out
}

/// The statements of `effect` that matched the request in an explanation.
fn matched(explanation: &Explanation, effect: Effect, side: Side) -> Vec<StatementRef> {
    explanation
        .statements
        .iter()
        .filter(|s| s.effect == effect && s.outcome == Outcome::Matched)
        .map(|s| StatementRef {
            side,
            boundary: s.source == PolicySource::Boundary,
            policy: s.policy,
            statement: s.statement,
        })
        .collect()
}

/// Merges differences that have the same responsible statements, decisions and
/// context shape (which keys the witness carries) across action groups.
fn merge_differences(differences: Vec<Difference>) -> Vec<Difference> {
    let mut merged: Vec<Difference> = Vec::new();
    let mut index: HashMap<(Vec<StatementRef>, Decision, Decision, Vec<String>), usize> =
        HashMap::new();
    for d in differences {
        let shape: Vec<String> = d
            .witness
            .context
            .iter()
            .map(|(k, _)| k.to_string())
            .collect();
        let key = (d.responsible.clone(), d.old, d.new, shape);
        match index.get(&key) {
            Some(&i) => merged[i].actions.extend(d.actions),
            None => {
                index.insert(key, merged.len());
                merged.push(d);
            }
        }
    }
    for d in &mut merged {
        d.actions.sort();
        d.actions.dedup();
    }
    merged
}
