//! The managed tag: resources tagged or named wrongly, and principals that can
//! change the tag (see the docs of `tag-tamper-principal` for the method).

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::rc::Rc;

use super::roles::describe;
use super::rules::{
    PolicyDocumentMissing, TagTamperPrincipal, TaggedNonChalkResource, UntaggedChalkResource,
};
use super::source::{LoadedPolicy, SnapshotFiles};
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

/// Where each tagged resource sits in the tagging snapshot files.
fn resource_locations(files: &SnapshotFiles, names: &[String]) -> HashMap<String, Location> {
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
                found.entry(arn.to_string()).or_insert_with(|| Location {
                    file: Some(file.clone()),
                    line: Some(entry.pos.line),
                    column: Some(entry.pos.column),
                    pointer: format!("/ResourceTagMappingList/{i}"),
                });
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
    files: &SnapshotFiles,
    file_names: &[String],
    profile: &Profile,
    out: &mut Vec<Finding>,
) -> usize {
    let locations = resource_locations(files, file_names);
    let tag = &profile.managed_tag;
    let mut problems = 0;
    for resource in &account.resources {
        let tagged = resource.tags.get(&tag.key) == Some(&tag.value);
        let patterns = profile.resource_patterns_for(&resource.arn);
        let at = locations.get(&resource.arn).cloned().unwrap_or_default();
        if tagged && patterns.is_empty() {
            let meta = TaggedNonChalkResource::META;
            problems += 1;
            out.push(
                Finding::new(
                    meta.id,
                    meta.severity,
                    format!(
                        "`{}` carries `{}={}` but its name fits none of Chalk's resource patterns, so Chalk's scoped role can act on it",
                        resource.arn, tag.key, tag.value
                    ),
                )
                .at(at)
                .subject(resource.arn.clone()),
            );
        } else if !tagged {
            if let Some(pattern) = patterns.iter().find(|p| p.tag_protected && is_specific(p)) {
                let meta = UntaggedChalkResource::META;
                problems += 1;
                out.push(
                    Finding::new(
                        meta.id,
                        meta.severity,
                        format!(
                            "`{}` is named like a Chalk resource (`{}`) but lacks `{}={}`, so Chalk's scoped role cannot manage it",
                            resource.arn, pattern.resource, tag.key, tag.value
                        ),
                    )
                    .at(at)
                    .subject(resource.arn.clone()),
                );
            }
        }
    }
    problems
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
    let mut relaxed = policy.clone();
    let mut dropped = Vec::new();
    relaxed.statements.retain_mut(|s| {
        if !actions.iter().any(|a| action_list_covers(&s.action, a)) {
            return false;
        }
        let other = s.conditions.iter().any(|c| !is_tag_key(&c.key.value));
        match s.effect.value {
            // A Deny that depends on another key may not apply: leave it out.
            Effect::Deny => !other,
            Effect::Allow => {
                for c in s.conditions.iter().filter(|c| !is_tag_key(&c.key.value)) {
                    dropped.push(format!("{} {}", c.operator.value, c.key.value));
                }
                s.conditions.retain(|c| is_tag_key(&c.key.value));
                true
            }
        }
    });
    Relaxed {
        policy: relaxed,
        dropped,
    }
}

/// Relaxes `policy` in place as the tag-tamper check does; returns the dropped conditions.
pub fn relax_conditions(policy: &mut Policy, actions: &[String]) -> Vec<String> {
    let relaxed = relax(policy, actions);
    *policy = relaxed.policy;
    relaxed.dropped
}

/// The tagging actions checked, and the resources each is tried on.
struct Targets<'a> {
    actions: Vec<Target<'a>>,
    names: Vec<String>,
}

/// One tagging action and the requests that change the managed tag with it: one per
/// resource of its service (or one on `*`), built on first use (only actions some
/// principal's statements name are ever built) and then shared by every principal.
struct Target<'a> {
    name: String,
    action: &'a Action,
    resources: Vec<&'a crate::account::TaggedResource>,
    tag: (&'a str, &'a str),
    built: std::cell::OnceCell<Built>,
}

/// The requests of a target, sorted by resource ARN.
struct Built {
    requests: Vec<Request>,
    /// One request per distinct context (resource tags): when every statement naming
    /// the action is on `*`, the resource ARN cannot change the decision, only its tags.
    by_context: Vec<usize>,
}

impl<'a> Target<'a> {
    fn new(
        action: &'a Action,
        resources: &[&'a crate::account::TaggedResource],
        key: &'a str,
        value: &'a str,
    ) -> Self {
        Target {
            name: action.full_name(),
            action,
            resources: resources.to_vec(),
            tag: (key, value),
            built: std::cell::OnceCell::new(),
        }
    }

    fn built(&self) -> &Built {
        self.built.get_or_init(|| {
            build(
                self.action,
                &self.name,
                &self.resources,
                self.tag.0,
                self.tag.1,
            )
        })
    }
}

fn build(
    action: &Action,
    name: &str,
    resources: &[&crate::account::TaggedResource],
    key: &str,
    value: &str,
) -> Built {
    {
        let catalog = Catalog::get();
        let name = name.to_string();
        let supports_tag_keys = catalog.action_supports_key(action, "aws:TagKeys");
        let request_tag = format!("aws:RequestTag/{key}");
        let supports_request_tag = catalog.action_supports_key(action, &request_tag);
        // Whether the action carries `aws:ResourceTag/<k>` does not depend on `k`.
        let supports_resource_tags =
            catalog.action_supports_key(action, &format!("aws:ResourceTag/{key}"));
        let base = {
            let mut context = Context::new();
            if supports_tag_keys {
                context.set("aws:TagKeys", vec![key.to_string()]);
            }
            if supports_request_tag {
                context.insert(&request_tag, value.to_string());
            }
            context
        };
        let requests = if resources.is_empty() || action.accepts_only_star() {
            vec![Request {
                action: name.clone(),
                resource: "*".to_string(),
                principal: None,
                context: base,
            }]
        } else {
            resources
                .iter()
                .map(|resource| {
                    let mut context = base.clone();
                    if supports_resource_tags {
                        for (k, v) in &resource.tags {
                            context.insert(&format!("aws:ResourceTag/{k}"), v.clone());
                        }
                    }
                    Request {
                        action: name.clone(),
                        resource: resource.arn.clone(),
                        principal: None,
                        context,
                    }
                })
                .collect()
        };
        let mut requests = requests;
        // Sorted by ARN, so the resources a pattern can match form ranges (see `candidates`).
        requests.sort_by(|a, b| a.resource.cmp(&b.resource));
        let mut seen: HashSet<Vec<(String, Vec<String>)>> = HashSet::new();
        let by_context = requests
            .iter()
            .enumerate()
            .filter(|(_, r)| {
                seen.insert(
                    r.context
                        .iter()
                        .map(|(k, v)| (k.to_string(), v.to_vec()))
                        .collect(),
                )
            })
            .map(|(i, _)| i)
            .collect();
        Built {
            requests,
            by_context,
        }
    }
}

impl Target<'_> {
    /// The requests some Allow statement of `identity` naming this action could allow:
    /// a resource pattern only matches ARNs that start with its literal prefix (the text
    /// before its first wildcard or variable), so each pattern selects a range of the
    /// sorted requests. `*`, `NotResource` or a missing `Resource` select all of them.
    fn candidates<'r>(&'r self, identity: &[&Policy], boundary: &[&Policy]) -> Vec<&'r Request> {
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
        let built = self.built();
        if all_star {
            return built
                .by_context
                .iter()
                .map(|&i| &built.requests[i])
                .collect();
        }
        if prefixes.contains(&"") {
            return built.requests.iter().collect();
        }
        prefixes.sort_unstable();
        prefixes.dedup();
        let mut out: Vec<&Request> = Vec::new();
        for prefix in prefixes {
            let start = built
                .requests
                .partition_point(|r| r.resource.as_str() < prefix);
            out.extend(
                built.requests[start..]
                    .iter()
                    .take_while(|r| r.resource.starts_with(prefix)),
            );
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
    let mut actions = Vec::new();
    for name in ["tag:TagResources", "tag:UntagResources"] {
        if let Some(action) = catalog.action(name) {
            actions.push(Target::new(action, &[], key, value));
        }
    }
    for (service, resources) in &by_service {
        let Some(service) = catalog.service(service) else {
            continue;
        };
        for action in service.actions.iter().filter(|a| a.access.tagging) {
            actions.push(Target::new(action, resources, key, value));
        }
    }
    let names = actions.iter().map(|t| t.name.clone()).collect();
    Targets { actions, names }
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

/// `tag-tamper-principal`: every principal other than Chalk's roles that can change the tag.
pub fn check_tamper(
    account: &Account,
    files: &SnapshotFiles,
    profile: &Profile,
    chalk_roles: &HashSet<String>,
    out: &mut Vec<Finding>,
) -> (usize, bool) {
    let catalog = Catalog::get();
    let key = &profile.managed_tag.key;
    let value = &profile.managed_tag.value;
    let targets = targets(account, catalog, key, value);
    let mut parsed: HashMap<String, Option<Rc<(LoadedPolicy, Relaxed)>>> = HashMap::new();
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
        let mut load = |text: &PolicyText| {
            parsed
                .entry(text.origin.clone())
                .or_insert_with(|| {
                    let loaded = files.load(text).ok()?;
                    let relaxed = relax(loaded.policy()?, &targets.names);
                    Some(Rc::new((loaded, relaxed)))
                })
                .clone()
        };
        let identity: Vec<Rc<(LoadedPolicy, Relaxed)>> =
            principal.identity.iter().filter_map(|t| load(t)).collect();
        let boundary: Vec<Rc<(LoadedPolicy, Relaxed)>> =
            principal.boundary.iter().filter_map(|t| load(t)).collect();
        // Fast path: no Allow statement that can match a tagging action.
        let allows = |rc: &Rc<(LoadedPolicy, Relaxed)>| {
            rc.1.policy
                .statements
                .iter()
                .any(|s| s.effect.value == Effect::Allow)
        };
        if !identity.iter().any(allows) {
            continue;
        }
        let identity_refs: Vec<&Policy> = identity.iter().map(|rc| &rc.1.policy).collect();
        let boundary_refs: Vec<&Policy> = boundary.iter().map(|rc| &rc.1.policy).collect();
        let set = CompiledPolicySet::new(&identity_refs, &boundary_refs);

        // Policy variables may name the caller: give those sets the principal's ARN.
        let with_principal = identity_refs
            .iter()
            .chain(&boundary_refs)
            .any(|p| uses_variables(p));
        let mut hits: Vec<(String, Request)> = Vec::new();
        for target in &targets.actions {
            if !identity_refs
                .iter()
                .flat_map(|p| p.statements.iter())
                .any(|s| {
                    s.effect.value == Effect::Allow && action_list_covers(&s.action, &target.name)
                })
            {
                continue;
            }
            let candidates = target.candidates(&identity_refs, &boundary_refs);
            let allowed = candidates.into_iter().find_map(|request| {
                if with_principal {
                    let mut request = request.clone();
                    request.principal = Some(principal.arn.to_string());
                    (set.evaluate(&request) == Decision::Allow).then_some(request)
                } else {
                    (set.evaluate(request) == Decision::Allow).then(|| request.clone())
                }
            });
            if let Some(request) = allowed {
                hits.push((target.name.clone(), request));
            }
        }
        let Some((first, witness)) = hits.first() else {
            continue;
        };
        count += 1;
        let meta = TagTamperPrincipal::META;
        // Where: the first original Allow statement that names the action.
        let mut location = Location::default();
        let mut scope: BTreeSet<String> = BTreeSet::new();
        let mut label = None;
        for rc in &identity {
            let Some(policy) = rc.0.policy() else {
                continue;
            };
            for s in policy
                .statements
                .iter()
                .filter(|s| s.effect.value == Effect::Allow && action_list_covers(&s.action, first))
            {
                if label.is_none() {
                    location = rc.0.locate(&s.pointer(), files);
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
        let dropped: BTreeSet<&String> =
            identity.iter().flat_map(|rc| rc.1.dropped.iter()).collect();
        let actions: Vec<&str> = hits.iter().map(|(a, _)| a.as_str()).collect();
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
        .detail("witness", describe(witness))
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
