//! The audit: documented roles compared exactly with the live ones, bindings
//! checked against who is meant to hold what, and risky grants of Chalk's subjects.

use std::collections::{BTreeMap, BTreeSet};

use super::model::{Binding, BindingKind, Cluster, Origin, PolicyRule, RoleDef, RoleKind, Subject};
use super::profile::{DocumentedRole, Holder, K8sProfile, OptionName};
use super::rbac::{self, allows, Concretizer, Grant, Request, Sym};
use super::rules::{
    BaselineGrantMissing, DangerousVerb, GrantBeyondBaseline, PodExec, RoleNotFound,
    SecretsClusterWide, UnexpectedBinding,
};
use super::K8sError;
use crate::report::{Finding, Location, RuleMeta};

/// Most request classes listed in one finding's details.
const MAX_LISTED: usize = 12;

fn location(origin: &Origin) -> Location {
    Location {
        file: Some(origin.file.clone()),
        line: origin.pos.is_known().then_some(origin.pos.line),
        column: origin.pos.is_known().then_some(origin.pos.column),
        pointer: origin.pointer.clone(),
    }
}

fn finding(meta: RuleMeta, message: String, origin: &Origin) -> Finding {
    Finding::new(meta.id, meta.severity, message).at(location(origin))
}

fn scope(role: &RoleDef) -> String {
    match &role.namespace {
        Some(ns) => format!("in namespace `{ns}`"),
        None => "cluster-wide".to_owned(),
    }
}

/// The rules a role grants: its own, plus those of the ClusterRoles its
/// `aggregationRule` selects when they are in the input.
pub fn effective_rules<'a>(cluster: &'a Cluster, role: &'a RoleDef) -> Vec<&'a PolicyRule> {
    let mut rules: Vec<&PolicyRule> = role.rules.iter().collect();
    if let Some(selectors) = &role.aggregation {
        for other in &cluster.roles {
            let selected = other.kind == RoleKind::ClusterRole
                && other.name != role.name
                && selectors.iter().any(|s| s.matches(&other.labels));
            if selected {
                for rule in &other.rules {
                    if !rules.contains(&rule) {
                        rules.push(rule);
                    }
                }
            }
        }
    }
    rules
}

/// A live role in the input with `kind`, `name` and (for Roles) `namespace`.
fn find_role<'a>(
    cluster: &'a Cluster,
    kind: RoleKind,
    name: &str,
    namespace: Option<&str>,
) -> Option<&'a RoleDef> {
    cluster.roles.iter().find(|r| {
        r.kind == kind
            && r.name == name
            && (kind == RoleKind::ClusterRole || r.namespace.as_deref() == namespace)
    })
}

/// Runs every check over a loaded cluster.
pub fn audit_cluster(cluster: &Cluster, profile: &K8sProfile) -> Result<Vec<Finding>, K8sError> {
    let documented = profile.documented_roles()?;
    let mut chalk: Vec<(Subject, Holder)> = Vec::new();
    for holder in [Holder::Management, Holder::Workload] {
        chalk.extend(profile.subjects(holder)?.into_iter().map(|s| (s, holder)));
    }
    let mut findings = Vec::new();
    for doc in &documented {
        let live = find_role(
            cluster,
            doc.role.kind,
            &doc.role.name,
            doc.role.namespace.as_deref(),
        );
        match live {
            Some(live) => findings.extend(compare_role(cluster, live, doc, profile)),
            None if doc.expected => findings.push(
                Finding::new(
                    RoleNotFound::META.id,
                    RoleNotFound::META.severity,
                    format!(
                        "documented `{}` is not in the input",
                        doc.role.display_name()
                    ),
                )
                .subject(doc.role.name.clone())
                .detail("documented in", doc.role.origin.file.clone()),
            ),
            None => {}
        }
    }
    for binding in &cluster.bindings {
        findings.extend(check_binding(
            cluster,
            binding,
            &documented,
            &chalk,
            profile,
        ));
    }
    Ok(findings)
}

/// The exact comparison of one live role with its documented role.
fn compare_role(
    cluster: &Cluster,
    live: &RoleDef,
    doc: &DocumentedRole,
    profile: &K8sProfile,
) -> Vec<Finding> {
    let disabled: Vec<(OptionName, &PolicyRule)> = doc
        .optional
        .iter()
        .filter(|o| !profile.enabled(o.option))
        .filter_map(|o| doc.role.rules.get(o.rule).map(|r| (o.option, r)))
        .collect();
    let expected: Vec<&PolicyRule> = doc
        .role
        .rules
        .iter()
        .filter(|r| !disabled.iter().any(|(_, d)| std::ptr::eq(*d, *r)))
        .collect();
    let live_rules = effective_rules(cluster, live);
    let difference = rbac::compare(&live_rules, &expected);
    let all: Vec<&PolicyRule> = live_rules
        .iter()
        .chain(&doc.role.rules.iter().collect::<Vec<_>>())
        .copied()
        .collect();
    let concretizer = Concretizer::new(&all);
    let where_ = scope(live);

    // Extra grants per live rule; pods/exec grants of a disabled optional rule go to
    // rbac-pod-exec instead.
    let mut beyond: BTreeMap<usize, Vec<&Grant>> = BTreeMap::new();
    let mut exec: BTreeMap<usize, Vec<&Grant>> = BTreeMap::new();
    for (grant, index) in &difference.extra {
        let optional = match grant {
            Grant::Resource(atom) => {
                let witness = concretizer.witness(atom);
                disabled
                    .iter()
                    .find(|(_, rule)| allows(rule, &witness.request()))
                    .map(|(option, _)| *option)
            }
            Grant::Url(..) => None,
        };
        if optional == Some(OptionName::PodExec) {
            exec.entry(*index).or_default().push(grant);
        } else {
            beyond.entry(*index).or_default().push(grant);
        }
    }
    let mut findings = Vec::new();
    for (index, grants) in &beyond {
        let Some(rule) = live_rules.get(*index) else {
            continue;
        };
        let witness = witness_text(&concretizer, grants[0]);
        let mut f = finding(
            GrantBeyondBaseline::META,
            format!(
                "`{}` allows `{}` {where_} beyond the documented role",
                live.display_name(),
                witness.0
            ),
            &rule.origin,
        )
        .subject(live.name.clone())
        .detail("witness", format!("{} {where_}", witness.0));
        if let Some(note) = witness.1 {
            f = f.detail("note", note);
        }
        f = f.detail("beyond the documentation", summarize(grants));
        let needs_option = grants.iter().all(|g| match g {
            Grant::Resource(atom) => {
                let w = concretizer.witness(atom);
                disabled
                    .iter()
                    .any(|(o, r)| *o == OptionName::RbacRead && allows(r, &w.request()))
            }
            Grant::Url(..) => false,
        });
        if needs_option {
            f = f.detail(
                "optional",
                "documented as optional: enable with `--allow-rbac-read` if intended",
            );
        }
        findings.push(f);
    }
    for (index, grants) in &exec {
        let Some(rule) = live_rules.get(*index) else {
            continue;
        };
        let witness = witness_text(&concretizer, grants[0]);
        findings.push(
            finding(
                PodExec::META,
                format!(
                    "`{}` allows `{}` {where_} but the optional exec rule is not enabled",
                    live.display_name(),
                    witness.0
                ),
                &rule.origin,
            )
            .subject(live.name.clone())
            .detail("witness", format!("{} {where_}", witness.0))
            .detail(
                "enable",
                "`--allow-pod-exec` if Chalk support needs thread dumps",
            ),
        );
    }
    let mut missing: BTreeMap<usize, Vec<&Grant>> = BTreeMap::new();
    for (grant, index) in &difference.missing {
        missing.entry(*index).or_default().push(grant);
    }
    for (index, grants) in &missing {
        let Some(doc_rule) = expected.get(*index) else {
            continue;
        };
        let witness = witness_text(&concretizer, grants[0]);
        let mut f = finding(
            BaselineGrantMissing::META,
            format!(
                "`{}` does not allow `{}` {where_}, which the documented role grants",
                live.display_name(),
                witness.0
            ),
            &live.origin,
        )
        .subject(live.name.clone())
        .detail("witness", format!("{} {where_}", witness.0))
        .detail(
            "documented rule",
            format!("{} {}", doc_rule.origin.file, doc_rule.origin.pointer),
        )
        .detail("missing", summarize(grants));
        if let Some(note) = witness.1 {
            f = f.detail("note", note);
        }
        findings.push(f);
    }
    findings
}

/// A grant's witness request as text, and a note when it stands for a class.
fn witness_text(concretizer: &Concretizer, grant: &Grant) -> (String, Option<String>) {
    match grant {
        Grant::Resource(atom) => {
            let witness = concretizer.witness(atom);
            let note = witness.symbolic.then(|| {
                "a `*` grants values neither role names; the witness shows one of them".to_owned()
            });
            (witness.to_string(), note)
        }
        Grant::Url(path, verb) => {
            let verb = match verb {
                Sym::Named(v) => v.clone(),
                Sym::Other => "x-iamscope-verb".to_owned(),
            };
            (format!("{verb} {path}"), None)
        }
    }
}

/// `secrets: <any other verb>; pods/exec: create, get`: the grant classes grouped
/// by group and resource.
fn summarize(grants: &[&Grant]) -> String {
    let mut groups: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for grant in grants {
        let (key, verb) = match grant {
            Grant::Resource(atom) => {
                let mut key = rbac::describe_resource(&atom.resource);
                if atom.group != Sym::Named(String::new()) {
                    key = format!(
                        "{key} (group {})",
                        rbac::describe(&atom.group, "any other group")
                    );
                }
                (key, rbac::describe(&atom.verb, "any other verb"))
            }
            Grant::Url(path, verb) => (path.clone(), rbac::describe(verb, "any other verb")),
        };
        groups.entry(key).or_default().insert(verb);
    }
    let total = groups.len();
    let mut parts: Vec<String> = groups
        .into_iter()
        .take(MAX_LISTED)
        .map(|(k, verbs)| format!("{k}: {}", verbs.into_iter().collect::<Vec<_>>().join(", ")))
        .collect();
    if total > MAX_LISTED {
        parts.push(format!("and {} more", total - MAX_LISTED));
    }
    parts.join("; ")
}

fn subject_matches(chalk: &Subject, bound: &Subject) -> bool {
    chalk == bound
}

/// Checks one binding: who it binds to what, and what Chalk's subjects gain.
fn check_binding(
    cluster: &Cluster,
    binding: &Binding,
    documented: &[DocumentedRole],
    chalk: &[(Subject, Holder)],
    profile: &K8sProfile,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    let doc = documented.iter().find(|d| {
        d.role.kind == binding.role_kind
            && d.role.name == binding.role_name
            && (d.role.kind == RoleKind::ClusterRole || d.role.namespace == binding.namespace)
    });
    let role_label = match (binding.role_kind, &binding.namespace) {
        (RoleKind::Role, Some(ns)) => format!("Role {ns}/{}", binding.role_name),
        (kind, _) => format!("{} {}", kind.as_str(), binding.role_name),
    };
    let mut chalk_subjects = Vec::new();
    for (index, subject) in binding.subjects.iter().enumerate() {
        let holders: Vec<Holder> = chalk
            .iter()
            .filter(|(s, _)| subject_matches(s, subject))
            .map(|(_, h)| *h)
            .collect();
        let origin = binding
            .subject_origins
            .get(index)
            .unwrap_or(&binding.origin);
        if !holders.is_empty() {
            chalk_subjects.push(subject);
        }
        let message = match doc {
            Some(doc) if !doc.holders.iter().any(|h| holders.contains(h)) => Some(format!(
                "`{}` binds documented `{role_label}` to `{subject}`, which the profile does not name as its holder",
                binding.display_name()
            )),
            None if !holders.is_empty() => Some(format!(
                "`{}` binds Chalk's `{subject}` to `{role_label}`, which Chalk does not document",
                binding.display_name()
            )),
            _ => None,
        };
        if let Some(message) = message {
            findings.push(
                finding(UnexpectedBinding::META, message, origin)
                    .subject(subject.to_string())
                    .detail("role", role_label.clone()),
            );
        }
    }
    if chalk_subjects.is_empty() {
        return findings;
    }
    let holders_text = chalk_subjects
        .iter()
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let Some(role) = find_role(
        cluster,
        binding.role_kind,
        &binding.role_name,
        binding.namespace.as_deref(),
    ) else {
        if !doc.is_some_and(|d| d.expected) {
            findings.push(
                finding(
                    RoleNotFound::META,
                    format!(
                        "`{}` binds Chalk's {holders_text} to `{role_label}`, which is not in the input",
                        binding.display_name()
                    ),
                    &binding.origin,
                )
                .subject(binding.role_name.clone()),
            );
        }
        return findings;
    };
    let cluster_wide = binding.kind == BindingKind::ClusterRoleBinding;
    let where_ = match (&binding.kind, &binding.namespace) {
        (BindingKind::RoleBinding, Some(ns)) => format!("in namespace `{ns}`"),
        _ => "cluster-wide".to_owned(),
    };
    for rule in effective_rules(cluster, role) {
        let dangerous = dangerous_grants(rule);
        if !dangerous.is_empty() {
            findings.push(
                finding(
                    DangerousVerb::META,
                    format!(
                        "`{}` gives {holders_text} `{}` {where_} through `{role_label}`",
                        binding.display_name(),
                        dangerous.join("`, `")
                    ),
                    &rule.origin,
                )
                .subject(role.name.clone())
                .detail("binding", binding.display_name()),
            );
        }
        let reads_secrets = ["get", "list", "watch"].into_iter().filter(|verb| {
            allows(
                rule,
                &Request {
                    group: "",
                    resource: "secrets",
                    verb,
                    name: None,
                },
            )
        });
        let verbs: Vec<&str> = reads_secrets.collect();
        if cluster_wide && !verbs.is_empty() {
            findings.push(
                finding(
                    SecretsClusterWide::META,
                    format!(
                        "`{}` gives {holders_text} `{} secrets` in every namespace through `{role_label}`",
                        binding.display_name(),
                        verbs.join("/")
                    ),
                    &rule.origin,
                )
                .subject(role.name.clone())
                .detail("binding", binding.display_name()),
            );
        }
        let exec = ["create", "get"].into_iter().find(|verb| {
            allows(
                rule,
                &Request {
                    group: "",
                    resource: "pods/exec",
                    verb,
                    name: None,
                },
            )
        });
        // Documented roles are held to their optional rule by the comparison.
        if let (Some(verb), None, false) = (exec, doc, profile.allow_pod_exec) {
            findings.push(
                finding(
                    PodExec::META,
                    format!(
                        "`{}` gives {holders_text} `{verb} pods/exec` {where_} through `{role_label}`",
                        binding.display_name()
                    ),
                    &rule.origin,
                )
                .subject(role.name.clone())
                .detail("binding", binding.display_name()),
            );
        }
    }
    findings
}

/// The self-escalation grants of one rule: `escalate`/`bind` on roles,
/// `impersonate` on identities, `*` verbs on `*` resources.
pub fn dangerous_grants(rule: &PolicyRule) -> Vec<String> {
    let mut out = Vec::new();
    if rule.verbs.iter().any(|v| v == "*") && rule.resources.iter().any(|r| r == "*") {
        out.push("* on *".to_owned());
    }
    let checks: [(&str, &str, &[&str]); 3] = [
        (
            "escalate",
            "rbac.authorization.k8s.io",
            &["roles", "clusterroles"],
        ),
        (
            "bind",
            "rbac.authorization.k8s.io",
            &["roles", "clusterroles"],
        ),
        ("impersonate", "", &["users", "groups", "serviceaccounts"]),
    ];
    for (verb, group, resources) in checks {
        for resource in resources {
            let request = Request {
                group,
                resource,
                verb,
                name: None,
            };
            let also_auth = Request {
                group: "authentication.k8s.io",
                resource: "userextras",
                verb,
                name: None,
            };
            if allows(rule, &request) || (verb == "impersonate" && allows(rule, &also_auth)) {
                out.push(format!("{verb} {resource}"));
                break;
            }
        }
    }
    if out.len() > 1 && out[0] == "* on *" {
        out.truncate(1);
    }
    out
}
