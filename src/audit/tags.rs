//! The managed tag: resources tagged or named wrongly, and principals that can
//! change the tag (see the docs of `tag-tamper-principal` for the method).

use std::cell::OnceCell;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::rc::Rc;

use super::roles::describe;
use super::rules::{
    PolicyDocumentMissing, TagTamperPrincipal, TaggedNonChalkResource, UntaggedChalkResource,
};
use super::source::SnapshotFiles;
use crate::account::{Account, PolicyText};
use crate::baseline::{Profile, ResourcePattern};
use crate::catalog::{Action, Catalog};
use crate::eval::{CompiledPolicySet, Context, Decision, Request};
use crate::lint::rules::grants::action_list_covers;
use crate::policy::{Effect, Policy};
use crate::report::{Finding, Location};

/// Counts for the summary.
#[derive(Debug, Default)]
pub struct TagResults {
    /// Resources with a tag problem.
    pub resource_problems: usize,
    /// Principals able to change the managed tag.
    pub tamper_principals: usize,
    /// Whether some principal could not be checked (a policy document is missing).
    pub incomplete: bool,
}

/// Where each of `wanted` sits in the tagging snapshot files: the first entry
/// that lists it, files in name order.
fn resource_locations(
    files: &SnapshotFiles<'_>,
    names: &[String],
    wanted: &HashSet<&str>,
) -> HashMap<String, Location> {
    // Only files that can hold the list are parsed: its key is in the text as
    // written, or spelt with `\u` escapes.
    let names: Vec<&str> = names
        .iter()
        .map(String::as_str)
        .filter(|name| {
            files
                .text(name)
                .is_some_and(|t| t.contains("ResourceTagMappingList") || t.contains("\\u"))
        })
        .collect();
    files.prefetch(&names);
    let mut found = HashMap::new();
    for file in names {
        let Some(list) = files
            .lookup(file, "/ResourceTagMappingList")
            .and_then(|v| v.as_array())
        else {
            continue;
        };
        for (i, entry) in list.iter().enumerate() {
            if let Some(arn) = entry.get("ResourceARN").and_then(|v| v.as_str()) {
                if !wanted.contains(arn) || found.contains_key(arn) {
                    continue;
                }
                found.insert(
                    arn.to_string(),
                    Location {
                        file: Some(file.to_string()),
                        line: Some(entry.pos.line),
                        column: Some(entry.pos.column),
                        pointer: format!("/ResourceTagMappingList/{i}"),
                    },
                );
            }
        }
    }
    found
}

/// Whether a pattern names resources specifically (`table/chalk*`), not every
/// resource of a type (`log-group:*`).
fn is_specific(pattern: &ResourcePattern) -> bool {
    let last = pattern
        .resource
        .rsplit(['/', ':'])
        .next()
        .unwrap_or(&pattern.resource);
    !last.chars().all(|c| c == '*')
}

/// `tagged-non-chalk-resource` and `untagged-chalk-resource`.
pub fn check_resources(
    account: &Account,
    files: &SnapshotFiles<'_>,
    file_names: &[String],
    profile: &Profile,
    out: &mut Vec<Finding>,
) -> usize {
    let tag = &profile.managed_tag;
    // The problems first: only their resources are located in the files.
    let mut problems: Vec<(&str, Finding)> = Vec::new();
    for resource in &account.resources {
        let tagged = resource.tags.get(&tag.key) == Some(&tag.value);
        let patterns = profile.resource_patterns_for(&resource.arn);
        if tagged && patterns.is_empty() {
            let meta = TaggedNonChalkResource::META;
            problems.push((
                &resource.arn,
                Finding::new(
                    meta.id,
                    meta.severity,
                    format!(
                        "`{}` carries `{}={}` but its name fits none of Chalk's resource patterns, so Chalk's scoped role can act on it",
                        resource.arn, tag.key, tag.value
                    ),
                ),
            ));
        } else if !tagged {
            if let Some(pattern) = patterns.iter().find(|p| p.tag_protected && is_specific(p)) {
                let meta = UntaggedChalkResource::META;
                problems.push((
                    &resource.arn,
                    Finding::new(
                        meta.id,
                        meta.severity,
                        format!(
                            "`{}` is named like a Chalk resource (`{}`) but lacks `{}={}`, so Chalk's scoped role cannot manage it",
                            resource.arn, pattern.resource, tag.key, tag.value
                        ),
                    ),
                ));
            }
        }
    }
    let count = problems.len();
    if count == 0 {
        return 0;
    }
    let wanted: HashSet<&str> = problems.iter().map(|(arn, _)| *arn).collect();
    let locations = resource_locations(files, file_names, &wanted);
    out.extend(problems.into_iter().map(|(arn, finding)| {
        let at = locations.get(arn).cloned().unwrap_or_default();
        finding.at(at).subject(arn.to_string())
    }));
    count
}

/// A policy cut down to what can decide a tagging request, with the
/// conditions that were relaxed to get there.
struct Relaxed {
    policy: Policy,
    dropped: Vec<String>,
}

fn is_tag_key(key: &str) -> bool {
    key.to_ascii_lowercase().contains("tag")
}

fn relax(policy: &Policy, actions: &[String]) -> Relaxed {
    let mut dropped = Vec::new();
    // Only the statements kept are copied: most statements name no tagging action.
    let statements = policy
        .statements
        .iter()
        .filter(|s| actions.iter().any(|a| action_list_covers(&s.action, a)))
        .filter_map(|s| {
            let other = s.conditions.iter().any(|c| !is_tag_key(&c.key.value));
            match s.effect.value {
                // A Deny that depends on another key may not apply: leave it out.
                Effect::Deny => (!other).then(|| s.clone()),
                Effect::Allow => {
                    let mut s = s.clone();
                    for c in s.conditions.iter().filter(|c| !is_tag_key(&c.key.value)) {
                        dropped.push(format!("{} {}", c.operator.value, c.key.value));
                    }
                    s.conditions.retain(|c| is_tag_key(&c.key.value));
                    Some(s)
                }
            }
        })
        .collect();
    Relaxed {
        policy: Policy {
            version: policy.version.clone(),
            id: policy.id.clone(),
            statements,
            statement_is_array: policy.statement_is_array,
            pos: policy.pos,
        },
        dropped,
    }
}

/// Relaxes `policy` in place as the tag-tamper check does; returns the dropped conditions.
pub fn relax_conditions(policy: &mut Policy, actions: &[String]) -> Vec<String> {
    let relaxed = relax(policy, actions);
    *policy = relaxed.policy;
    relaxed.dropped
}

/// The tagging actions checked, and the requests each is tried with.
struct Targets<'a> {
    actions: Vec<Target>,
    names: Vec<String>,
    /// The tagged resources of each service that has some.
    services: Vec<ServiceResources<'a>>,
    /// Request sets, each shared by the tagging actions of one service that
    /// support the same condition keys (their requests differ only in the action).
    shared: Vec<Shared>,
    /// The managed tag's key and value.
    tag: (&'a str, &'a str),
}

/// One tagging action and the index of its request set in [`Targets::shared`].
struct Target {
    name: String,
    shared: usize,
}

/// Which of the keys of a tagging request an action supports; they decide the context.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct KeySupport {
    tag_keys: bool,
    request_tag: bool,
    resource_tags: bool,
}

/// The tagged resources of one service, sorted by ARN on first use (so the
/// resources a pattern can match form ranges, see [`Target::candidates`]).
struct ServiceResources<'a> {
    resources: Vec<&'a crate::account::TaggedResource>,
    sorted: OnceCell<Sorted<'a>>,
}

/// Sorted resources with the `aws:ResourceTag/<k>` keys their tags give.
struct Sorted<'a> {
    arns: Vec<&'a str>,
    tags: Vec<Context>,
    /// The first resource of each distinct set of tag keys and values.
    by_tags: Vec<usize>,
}

impl<'a> ServiceResources<'a> {
    fn sorted(&self) -> &Sorted<'a> {
        self.sorted.get_or_init(|| {
            let mut resources = self.resources.clone();
            resources.sort_by(|a, b| a.arn.cmp(&b.arn));
            let tags: Vec<Context> = resources
                .iter()
                .map(|resource| {
                    let mut context = Context::new();
                    for (k, v) in &resource.tags {
                        context.insert(&format!("aws:ResourceTag/{k}"), v.clone());
                    }
                    context
                })
                .collect();
            let mut seen: HashSet<&Context> = HashSet::new();
            let by_tags = tags
                .iter()
                .enumerate()
                .filter(|(_, context)| seen.insert(context))
                .map(|(i, _)| i)
                .collect();
            Sorted {
                arns: resources.iter().map(|r| r.arn.as_str()).collect(),
                tags,
                by_tags,
            }
        })
    }
}

/// The requests that change the managed tag with some tagging actions: one per
/// resource of their service (or one on `*`), each context built on first use
/// (only requests some principal tries) and then shared by every principal.
struct Shared {
    /// Index into [`Targets::services`]; `None` for one request on `*`.
    service: Option<usize>,
    keys: KeySupport,
    /// The context without resource tags.
    base: Context,
    contexts: OnceCell<Vec<OnceCell<Context>>>,
}

impl<'a> Targets<'a> {
    /// The resource ARNs of request set `s`, sorted.
    fn arns(&self, s: usize) -> &[&'a str] {
        const STAR: &[&str] = &["*"];
        match self.shared[s].service {
            Some(v) => &self.services[v].sorted().arns,
            None => STAR,
        }
    }

    /// The context of request `i` of request set `s`: the base keys, plus the
    /// resource's tags when the actions carry `aws:ResourceTag/<k>`.
    fn context(&self, s: usize, i: usize) -> &Context {
        let shared = &self.shared[s];
        let Some(v) = shared.service.filter(|_| shared.keys.resource_tags) else {
            return &shared.base;
        };
        let sorted = self.services[v].sorted();
        let contexts = shared
            .contexts
            .get_or_init(|| (0..sorted.arns.len()).map(|_| OnceCell::new()).collect());
        contexts[i].get_or_init(|| {
            // Tag keys, request tag and resource tag keys never collide, so adding the
            // base keys to the resource's tags builds the same context as the reverse.
            let mut context = sorted.tags[i].clone();
            add_base_keys(&mut context, shared.keys, self.tag);
            context
        })
    }

    /// One request of set `s` per distinct context (in ARN order): when every
    /// statement naming the action is on `*`, the resource ARN cannot change the
    /// decision, only its context.
    fn by_context(&self, s: usize) -> Vec<usize> {
        let shared = &self.shared[s];
        match shared.service.filter(|_| shared.keys.resource_tags) {
            // The base is constant, so contexts differ exactly when the tags do.
            Some(v) => self.services[v].sorted().by_tags.clone(),
            None => vec![0],
        }
    }

    /// The witness request `i` of set `s` for `action`.
    fn request(&self, action: &str, s: usize, i: usize, caller: Option<&str>) -> Request {
        Request {
            action: action.to_string(),
            resource: self.arns(s)[i].to_string(),
            principal: caller.map(str::to_string),
            context: self.context(s, i).clone(),
        }
    }
}

/// The keys every tagging request of an action carries: `aws:TagKeys` and
/// `aws:RequestTag/<key>` as the action supports them.
fn add_base_keys(context: &mut Context, keys: KeySupport, (key, value): (&str, &str)) {
    if keys.tag_keys {
        context.set("aws:TagKeys", vec![key.to_string()]);
    }
    if keys.request_tag {
        context.insert(&format!("aws:RequestTag/{key}"), value.to_string());
    }
}

impl Target {
    /// The requests some Allow statement of `identity` naming this action could allow,
    /// as indices into its request set: a resource pattern only matches ARNs that
    /// start with its literal prefix (the text before its first wildcard or
    /// variable), so each pattern selects a range of the sorted requests. `*`,
    /// `NotResource` or a missing `Resource` select all of them.
    fn candidates(
        &self,
        targets: &Targets<'_>,
        identity: &[&Policy],
        boundary: &[&Policy],
    ) -> Vec<usize> {
        let mut prefixes: Vec<&str> = Vec::new();
        let mut all_star = true;
        for policy in identity.iter().chain(boundary) {
            for statement in &policy.statements {
                if !action_list_covers(&statement.action, &self.name) {
                    continue;
                }
                let star = statement
                    .resource
                    .as_ref()
                    .is_some_and(|list| !list.negated && list.items.iter().all(|i| i.value == "*"));
                all_star &= star;
                if statement.effect.value != Effect::Allow || boundary.contains(policy) {
                    continue;
                }
                match &statement.resource {
                    Some(list) if !list.negated => {
                        prefixes.extend(list.items.iter().map(|i| literal_prefix(&i.value)))
                    }
                    _ => prefixes.push(""),
                }
            }
        }
        if all_star {
            return targets.by_context(self.shared);
        }
        let arns = targets.arns(self.shared);
        if prefixes.contains(&"") {
            return (0..arns.len()).collect();
        }
        prefixes.sort_unstable();
        prefixes.dedup();
        let mut out: Vec<usize> = Vec::new();
        for prefix in prefixes {
            let start = arns.partition_point(|arn| *arn < prefix);
            out.extend((start..arns.len()).take_while(|&i| arns[i].starts_with(prefix)));
        }
        out
    }
}

/// The text of a resource pattern before its first wildcard or policy variable.
fn literal_prefix(pattern: &str) -> &str {
    let end = pattern.find(['*', '?', '$']).unwrap_or(pattern.len());
    &pattern[..end]
}

fn targets<'a>(
    account: &'a Account,
    catalog: &'a Catalog,
    key: &'a str,
    value: &'a str,
) -> Targets<'a> {
    let mut by_service: BTreeMap<&str, Vec<&crate::account::TaggedResource>> = BTreeMap::new();
    for resource in &account.resources {
        if let Some(service) = resource.arn.split(':').nth(2) {
            by_service.entry(service).or_default().push(resource);
        }
    }
    let request_tag = format!("aws:RequestTag/{key}");
    let resource_tag = format!("aws:ResourceTag/{key}");
    let mut targets = Targets {
        actions: Vec::new(),
        names: Vec::new(),
        services: Vec::new(),
        shared: Vec::new(),
        tag: (key, value),
    };
    let mut index: HashMap<(Option<usize>, KeySupport), usize> = HashMap::new();
    let mut add = |targets: &mut Targets<'a>, action: &'a Action, service: Option<usize>| {
        let keys = KeySupport {
            tag_keys: catalog.action_supports_key(action, "aws:TagKeys"),
            request_tag: catalog.action_supports_key(action, &request_tag),
            // Whether the action carries `aws:ResourceTag/<k>` does not depend on `k`.
            resource_tags: catalog.action_supports_key(action, &resource_tag),
        };
        let service = service.filter(|_| !action.accepts_only_star());
        let shared = *index.entry((service, keys)).or_insert_with(|| {
            let mut base = Context::new();
            add_base_keys(&mut base, keys, (key, value));
            targets.shared.push(Shared {
                service,
                keys,
                base,
                contexts: OnceCell::new(),
            });
            targets.shared.len() - 1
        });
        targets.actions.push(Target {
            name: action.full_name(),
            shared,
        });
    };
    for name in ["tag:TagResources", "tag:UntagResources"] {
        if let Some(action) = catalog.action(name) {
            add(&mut targets, action, None);
        }
    }
    for (service, resources) in by_service {
        let Some(found) = catalog.service(service) else {
            continue;
        };
        let v = targets.services.len();
        targets.services.push(ServiceResources {
            resources,
            sorted: OnceCell::new(),
        });
        for action in found.actions.iter().filter(|a| a.access.tagging) {
            add(&mut targets, action, Some(v));
        }
    }
    targets.names = targets.actions.iter().map(|t| t.name.clone()).collect();
    targets
}

/// A principal's policies: identity documents and boundary.
struct Principal<'a> {
    kind: &'static str,
    name: &'a str,
    arn: &'a str,
    identity: Vec<&'a PolicyText>,
    boundary: Option<&'a PolicyText>,
    missing: Vec<&'a str>,
}

fn principals<'a>(account: &'a Account, chalk_roles: &HashSet<String>) -> Vec<Principal<'a>> {
    // Indexed once: `Account::managed_policy` is a linear search.
    let index: HashMap<&str, &PolicyText> = account
        .managed_policies
        .iter()
        .map(|p| (p.arn.as_str(), &p.default_version_document))
        .collect();
    let managed =
        |arn: &'a String, identity: &mut Vec<&'a PolicyText>, missing: &mut Vec<&'a str>| {
            match index.get(arn.as_str()) {
                Some(p) => identity.push(*p),
                None => missing.push(arn.as_str()),
            }
        };
    // A permissions boundary's document, or its ARN listed as missing.
    let boundary_of = |arn: Option<&'a str>, missing: &mut Vec<&'a str>| {
        let arn = arn?;
        let found = index.get(arn).copied();
        if found.is_none() {
            missing.push(arn);
        }
        found
    };
    let mut all = Vec::new();
    for role in account
        .roles
        .iter()
        .filter(|r| !chalk_roles.contains(&r.name))
    {
        let mut identity: Vec<&PolicyText> = role.inline.iter().map(|(_, t)| t).collect();
        let mut missing = Vec::new();
        for arn in &role.attached {
            managed(arn, &mut identity, &mut missing);
        }
        let boundary = boundary_of(role.boundary.as_deref(), &mut missing);
        all.push(Principal {
            kind: "role",
            name: &role.name,
            arn: &role.arn,
            identity,
            boundary,
            missing,
        });
    }
    for user in &account.users {
        let mut identity: Vec<&PolicyText> = user.inline.iter().map(|(_, t)| t).collect();
        let mut missing = Vec::new();
        for arn in &user.attached {
            managed(arn, &mut identity, &mut missing);
        }
        for group in account
            .groups
            .iter()
            .filter(|g| user.groups.contains(&g.name))
        {
            identity.extend(group.inline.iter().map(|(_, t)| t));
            for arn in &group.attached {
                managed(arn, &mut identity, &mut missing);
            }
        }
        let boundary = boundary_of(user.boundary.as_deref(), &mut missing);
        all.push(Principal {
            kind: "user",
            name: &user.name,
            arn: &user.arn,
            identity,
            boundary,
            missing,
        });
    }
    all
}

/// Whether a policy uses `${...}` policy variables (which may name the caller).
fn uses_variables(policy: &Policy) -> bool {
    policy.supports_variables()
        && policy.statements.iter().any(|s| {
            s.resource
                .iter()
                .flat_map(|r| r.items.iter())
                .any(|i| i.value.contains("${"))
                || s.conditions
                    .iter()
                    .any(|c| c.values.iter().any(|v| v.value.contains("${")))
        })
}

/// A document parsed and relaxed once (managed policies are shared), with a
/// number that identifies it among the documents of the check.
struct Loaded {
    id: usize,
    relaxed: Relaxed,
}

/// What decides the tagging requests a principal can make: its relaxed identity
/// documents that still have statements (in order), its boundary documents, and
/// the caller's ARN when policy variables may name it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct SetKey<'a> {
    identity: Vec<usize>,
    boundary: Vec<usize>,
    caller: Option<&'a str>,
}

/// The tagging actions a principal can use to change the tag, each with its
/// witness request, as `(target, request)` indices.
type Hits = Vec<(usize, usize)>;

/// The tagging actions (indices into `targets.actions`) the set allows, each with
/// the first request allowed (an index into its request set).
fn tamper_hits(
    targets: &Targets<'_>,
    identity: &[&Policy],
    boundary: &[&Policy],
    caller: Option<&str>,
) -> Hits {
    let set = CompiledPolicySet::new(identity, boundary);
    let mut hits = Vec::new();
    for (t, target) in targets.actions.iter().enumerate() {
        if !identity
            .iter()
            .flat_map(|p| p.statements.iter())
            .any(|s| s.effect.value == Effect::Allow && action_list_covers(&s.action, &target.name))
        {
            continue;
        }
        let arns = targets.arns(target.shared);
        let allowed = target
            .candidates(targets, identity, boundary)
            .into_iter()
            .find(|&i| {
                let context = targets.context(target.shared, i);
                set.evaluate_parts(&target.name, arns[i], caller, context) == Decision::Allow
            });
        if let Some(i) = allowed {
            hits.push((t, i));
        }
    }
    hits
}

/// `tag-tamper-principal`: every principal other than Chalk's roles that can change the tag.
pub fn check_tamper<'a>(
    account: &'a Account,
    files: &SnapshotFiles<'_>,
    profile: &Profile,
    chalk_roles: &HashSet<String>,
    out: &mut Vec<Finding>,
) -> (usize, bool) {
    let catalog = Catalog::get();
    let key = &profile.managed_tag.key;
    let value = &profile.managed_tag.value;
    let targets = targets(account, catalog, key, value);
    let mut parsed: HashMap<&'a str, Option<Rc<Loaded>>> = HashMap::new();
    // Principals whose sets are the same (users of one group, roles whose only
    // tagging grant is one shared managed policy) are evaluated once.
    let mut evaluated: HashMap<SetKey<'a>, Rc<Hits>> = HashMap::new();
    let mut incomplete = false;
    let mut count = 0;

    for principal in principals(account, chalk_roles) {
        for arn in &principal.missing {
            incomplete = true;
            let meta = PolicyDocumentMissing::META;
            out.push(
                Finding::new(
                    meta.id,
                    meta.severity,
                    format!(
                        "the policy `{arn}` of {} `{}` is not in the snapshot, so whether it can change `{key}` is unknown",
                        principal.kind, principal.name
                    ),
                )
                .subject(principal.arn.to_string()),
            );
        }
        let mut load = |text: &'a PolicyText| {
            let next = parsed.len();
            parsed
                .entry(text.origin.as_str())
                .or_insert_with(|| {
                    let policy = files.policy(text)?;
                    Some(Rc::new(Loaded {
                        id: next,
                        relaxed: relax(&policy, &targets.names),
                    }))
                })
                .clone()
        };
        let identity: Vec<Rc<Loaded>> =
            principal.identity.iter().filter_map(|&t| load(t)).collect();
        let boundary: Vec<Rc<Loaded>> = principal.boundary.and_then(load).into_iter().collect();
        // Fast path: no Allow statement that can match a tagging action.
        let allows = |rc: &Rc<Loaded>| {
            rc.relaxed
                .policy
                .statements
                .iter()
                .any(|s| s.effect.value == Effect::Allow)
        };
        if !identity.iter().any(allows) {
            continue;
        }
        let identity_refs: Vec<&Policy> = identity.iter().map(|rc| &rc.relaxed.policy).collect();
        let boundary_refs: Vec<&Policy> = boundary.iter().map(|rc| &rc.relaxed.policy).collect();
        // Policy variables may name the caller: give those sets the principal's ARN.
        let with_principal = identity_refs
            .iter()
            .chain(&boundary_refs)
            .any(|p| uses_variables(p));
        let caller = with_principal.then_some(principal.arn);
        // An identity document left without statements changes no decision.
        let set_key = SetKey {
            identity: identity
                .iter()
                .filter(|rc| !rc.relaxed.policy.statements.is_empty())
                .map(|rc| rc.id)
                .collect(),
            boundary: boundary.iter().map(|rc| rc.id).collect(),
            caller,
        };
        let hits = evaluated
            .entry(set_key)
            .or_insert_with(|| {
                Rc::new(tamper_hits(
                    &targets,
                    &identity_refs,
                    &boundary_refs,
                    caller,
                ))
            })
            .clone();
        let Some(&(first_target, first_request)) = hits.first() else {
            continue;
        };
        let first = targets.actions[first_target].name.as_str();
        let witness = {
            let target = &targets.actions[first_target];
            targets.request(&target.name, target.shared, first_request, caller)
        };
        count += 1;
        let meta = TagTamperPrincipal::META;
        // Where: the first original Allow statement that names the action. The
        // documents are parsed again here: few principals have a finding.
        let mut location = Location::default();
        let mut scope: BTreeSet<String> = BTreeSet::new();
        let mut label = None;
        for text in &principal.identity {
            let Some(policy) = files.policy(text) else {
                continue;
            };
            for s in policy
                .statements
                .iter()
                .filter(|s| s.effect.value == Effect::Allow && action_list_covers(&s.action, first))
            {
                if label.is_none() {
                    location = files.place(text).locate(&s.pointer(), files);
                    label = Some(s.label());
                }
                if let Some(resources) = &s.resource {
                    let prefix = if resources.negated {
                        "NotResource "
                    } else {
                        ""
                    };
                    scope.extend(
                        resources
                            .items
                            .iter()
                            .map(|i| format!("{prefix}{}", i.value)),
                    );
                }
            }
        }
        let dropped: BTreeSet<&String> = identity
            .iter()
            .flat_map(|rc| rc.relaxed.dropped.iter())
            .collect();
        let actions: Vec<&str> = hits
            .iter()
            .map(|&(t, _)| targets.actions[t].name.as_str())
            .collect();
        let mut finding = Finding::new(
            meta.id,
            meta.severity,
            format!(
                "{} `{}` can change the `{key}` tag with `{first}` on `{}`",
                principal.kind, principal.name, witness.resource
            ),
        )
        .at(location)
        .subject(principal.arn.to_string())
        .detail("witness", describe(&witness))
        .detail("actions", actions.join(", "))
        .detail(
            "resource scope",
            scope.into_iter().collect::<Vec<_>>().join(", "),
        );
        if let Some(label) = label {
            finding = finding.in_statement(label);
        }
        if !dropped.is_empty() {
            finding = finding.detail(
                "under conditions",
                dropped.into_iter().cloned().collect::<Vec<_>>().join(", "),
            );
        }
        out.push(finding);
    }
    (count, incomplete)
}
