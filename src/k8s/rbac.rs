//! RBAC semantics: whether a rule allows a request, and an exact comparison of two
//! rule sets.
//!
//! Matching follows the Kubernetes RBAC authorizer: each of `apiGroups`, `verbs`
//! and `resources` matches by `*` or exact string; a resource entry `*/scale`
//! matches the `scale` subresource of any resource; an empty `resourceNames`
//! matches every name (including requests that carry none, like `list` and
//! `create`), a non-empty one only those names; a `nonResourceURLs` entry is `*`,
//! an exact path, or a prefix ending in `*`.
//!
//! The comparison is exact without a fixed list of verbs or resources: in every
//! position the values named by either side are kept, and everything else is one
//! symbolic value, [`Sym::Other`] ("any verb named by neither role"), which no
//! exact entry matches and every `*` does. Rules only test equality with named
//! values or `*`, so one representative per class decides the whole class.

use std::collections::BTreeSet;
use std::fmt;

use super::model::PolicyRule;

/// One resource request, as the authorizer sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Request<'a> {
    /// API group, `""` for core.
    pub group: &'a str,
    /// Resource, with its subresource as `pods/exec`.
    pub resource: &'a str,
    /// Verb.
    pub verb: &'a str,
    /// The object's name, when the request names one.
    pub name: Option<&'a str>,
}

/// Whether `rule` allows the resource request `request`.
pub fn allows(rule: &PolicyRule, request: &Request<'_>) -> bool {
    let (base, sub) = split_resource(request.resource);
    let resource = ResourceValue {
        base: Sym::Named(base.to_owned()),
        sub: sub.map(|s| Sym::Named(s.to_owned())),
    };
    let name = match request.name {
        Some(n) => NameValue::Named(n.to_owned()),
        None => NameValue::Absent,
    };
    rule.non_resource_urls.is_empty()
        && matches_list(&rule.api_groups, &Sym::Named(request.group.to_owned()))
        && matches_list(&rule.verbs, &Sym::Named(request.verb.to_owned()))
        && rule
            .resources
            .iter()
            .any(|r| resource_matches(r, &resource))
        && names_match(&rule.resource_names, &name)
}

/// Whether `rule` allows `verb` on the non-resource URL `path`.
pub fn allows_url(rule: &PolicyRule, path: &str, verb: &str) -> bool {
    matches_list(&rule.verbs, &Sym::Named(verb.to_owned()))
        && rule.non_resource_urls.iter().any(|u| url_matches(u, path))
}

fn split_resource(resource: &str) -> (&str, Option<&str>) {
    match resource.split_once('/') {
        Some((base, sub)) => (base, Some(sub)),
        None => (resource, None),
    }
}

/// A value in one position: a name that some rule mentions, or any other value.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Sym {
    /// A value named by one of the compared rule sets.
    Named(String),
    /// Every value named by neither side.
    Other,
}

/// A resource with an optional subresource.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ResourceValue {
    /// The resource (`pods`).
    pub base: Sym,
    /// The subresource (`exec`), when there is one.
    pub sub: Option<Sym>,
}

/// The object name of a request.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum NameValue {
    /// Requests that name no object (`list`, `create`, `deletecollection`).
    Absent,
    /// A name listed in some `resourceNames`.
    Named(String),
    /// Any other name.
    Other,
}

fn matches_list(list: &[String], value: &Sym) -> bool {
    list.iter().any(|entry| {
        entry == "*"
            || match value {
                Sym::Named(name) => entry == name,
                Sym::Other => false,
            }
    })
}

fn resource_matches(entry: &str, value: &ResourceValue) -> bool {
    if entry == "*" {
        return true;
    }
    let named = |s: &Sym, text: &str| matches!(s, Sym::Named(n) if n == text);
    match (split_resource(entry), &value.sub) {
        (("*", Some(sub)), Some(value_sub)) => named(value_sub, sub),
        ((base, None), None) => named(&value.base, base),
        ((base, Some(sub)), Some(value_sub)) => named(&value.base, base) && named(value_sub, sub),
        _ => false,
    }
}

fn names_match(list: &[String], name: &NameValue) -> bool {
    list.is_empty() || matches!(name, NameValue::Named(n) if list.contains(n))
}

fn url_matches(entry: &str, path: &str) -> bool {
    entry == "*"
        || entry == path
        || entry
            .strip_suffix('*')
            .is_some_and(|prefix| path.starts_with(prefix))
}

/// One class of resource requests: every request in it is allowed by the same rules.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Atom {
    /// API group.
    pub group: Sym,
    /// Resource and subresource.
    pub resource: ResourceValue,
    /// Verb.
    pub verb: Sym,
    /// Object name.
    pub name: NameValue,
}

/// A grant one side holds and the other does not, with the rule that grants it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Grant {
    /// A resource request class.
    Resource(Atom),
    /// A non-resource URL request: path (concrete representative) and verb.
    Url(String, Sym),
}

/// The exact difference between two rule sets.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Difference {
    /// Grants of the left side that the right side lacks, each with the index of
    /// the first left rule granting it.
    pub extra: Vec<(Grant, usize)>,
    /// Grants of the right side that the left side lacks, with the right rule index.
    pub missing: Vec<(Grant, usize)>,
}

/// The named values of every position, plus [`Sym::Other`]: the classes the
/// comparison enumerates.
struct Universe {
    groups: Vec<Sym>,
    resources: Vec<ResourceValue>,
    verbs: Vec<Sym>,
    names: Vec<NameValue>,
    urls: Vec<String>,
}

impl Universe {
    fn of(rules: &[&PolicyRule]) -> Universe {
        let mut groups = BTreeSet::new();
        let mut bases = BTreeSet::new();
        let mut subs = BTreeSet::new();
        let mut verbs = BTreeSet::new();
        let mut names = BTreeSet::new();
        for rule in rules {
            groups.extend(rule.api_groups.iter().filter(|g| *g != "*").cloned());
            verbs.extend(rule.verbs.iter().filter(|v| *v != "*").cloned());
            names.extend(rule.resource_names.iter().cloned());
            for resource in &rule.resources {
                let (base, sub) = split_resource(resource);
                if base != "*" {
                    bases.insert(base.to_owned());
                }
                if let Some(sub) = sub {
                    subs.insert(sub.to_owned());
                }
            }
        }
        let with_other = |set: BTreeSet<String>| {
            let mut v: Vec<Sym> = set.into_iter().map(Sym::Named).collect();
            v.push(Sym::Other);
            v
        };
        let bases = with_other(bases);
        let subs = with_other(subs);
        let mut resources = Vec::new();
        for base in &bases {
            resources.push(ResourceValue {
                base: base.clone(),
                sub: None,
            });
            for sub in &subs {
                resources.push(ResourceValue {
                    base: base.clone(),
                    sub: Some(sub.clone()),
                });
            }
        }
        let mut name_values = vec![NameValue::Absent];
        name_values.extend(names.into_iter().map(NameValue::Named));
        name_values.push(NameValue::Other);
        Universe {
            groups: with_other(groups),
            resources,
            verbs: with_other(verbs),
            names: name_values,
            urls: url_representatives(rules),
        }
    }
}

/// One path per class of URLs that the rules' URL entries cannot tell apart: every
/// exact path, and for each prefix (and for no prefix) a path whose longest
/// matching prefix is that one and that equals no exact path.
fn url_representatives(rules: &[&PolicyRule]) -> Vec<String> {
    let entries: BTreeSet<&str> = rules
        .iter()
        .flat_map(|r| r.non_resource_urls.iter().map(String::as_str))
        .collect();
    if entries.is_empty() {
        return Vec::new();
    }
    let exact: BTreeSet<&str> = entries
        .iter()
        .copied()
        .filter(|e| !e.ends_with('*'))
        .collect();
    let prefixes: Vec<&str> = entries.iter().filter_map(|e| e.strip_suffix('*')).collect();
    let mut out: BTreeSet<String> = exact.iter().map(|s| (*s).to_owned()).collect();
    let fresh = |base: &str| -> Option<String> {
        ["x-unlisted", "y-unlisted", "z-unlisted", "q", "0", "~"]
            .iter()
            .map(|tail| format!("{base}{tail}"))
            .find(|candidate| {
                !exact.contains(candidate.as_str())
                    && !prefixes
                        .iter()
                        .any(|p| p.len() > base.len() && candidate.starts_with(p))
            })
    };
    for prefix in &prefixes {
        out.extend(fresh(prefix));
    }
    // Paths under no prefix at all.
    if let Some(root) = fresh("/") {
        if !prefixes.iter().any(|p| root.starts_with(p)) {
            out.insert(root);
        }
    }
    out.into_iter().collect()
}

/// Every grant class of `rules` over `universe`, with the first granting rule.
fn grants(rules: &[&PolicyRule], universe: &Universe) -> Vec<(Grant, Option<usize>)> {
    // Per rule and position, which class indices it matches: the enumeration is
    // then a product of lookups.
    struct Masks {
        groups: Vec<bool>,
        resources: Vec<bool>,
        verbs: Vec<bool>,
        names: Vec<bool>,
    }
    let masks: Vec<Option<Masks>> = rules
        .iter()
        .map(|rule| {
            (rule.non_resource_urls.is_empty()).then(|| Masks {
                groups: universe
                    .groups
                    .iter()
                    .map(|g| matches_list(&rule.api_groups, g))
                    .collect(),
                resources: universe
                    .resources
                    .iter()
                    .map(|r| rule.resources.iter().any(|e| resource_matches(e, r)))
                    .collect(),
                verbs: universe
                    .verbs
                    .iter()
                    .map(|v| matches_list(&rule.verbs, v))
                    .collect(),
                names: universe
                    .names
                    .iter()
                    .map(|n| names_match(&rule.resource_names, n))
                    .collect(),
            })
        })
        .collect();
    let mut out = Vec::new();
    for (gi, group) in universe.groups.iter().enumerate() {
        for (ri, resource) in universe.resources.iter().enumerate() {
            for (vi, verb) in universe.verbs.iter().enumerate() {
                for (ni, name) in universe.names.iter().enumerate() {
                    let by = masks.iter().position(|m| {
                        m.as_ref().is_some_and(|m| {
                            m.groups[gi] && m.resources[ri] && m.verbs[vi] && m.names[ni]
                        })
                    });
                    out.push((
                        Grant::Resource(Atom {
                            group: group.clone(),
                            resource: resource.clone(),
                            verb: verb.clone(),
                            name: name.clone(),
                        }),
                        by,
                    ));
                }
            }
        }
    }
    for url in &universe.urls {
        for verb in &universe.verbs {
            let by = rules.iter().position(|rule| {
                matches_list(&rule.verbs, verb)
                    && rule.non_resource_urls.iter().any(|u| url_matches(u, url))
            });
            out.push((Grant::Url(url.clone(), verb.clone()), by));
        }
    }
    out
}

/// The exact difference between `left` and `right`: every class of requests one
/// allows and the other does not.
pub fn compare(left: &[&PolicyRule], right: &[&PolicyRule]) -> Difference {
    let all: Vec<&PolicyRule> = left.iter().chain(right).copied().collect();
    let universe = Universe::of(&all);
    let mut difference = Difference::default();
    let right_grants = grants(right, &universe);
    for ((grant, l), (_, r)) in grants(left, &universe).into_iter().zip(right_grants) {
        match (l, r) {
            (Some(l), None) => difference.extra.push((grant, l)),
            (None, Some(r)) => difference.missing.push((grant, r)),
            _ => {}
        }
    }
    difference
}

/// Concrete values standing for [`Sym::Other`] in witnesses: the first candidate
/// that neither side names, so the witness is a real request in that class.
#[derive(Debug, Clone)]
pub struct Concretizer {
    named: BTreeSet<String>,
}

impl Concretizer {
    /// A concretizer avoiding every value named in `rules`.
    pub fn new(rules: &[&PolicyRule]) -> Self {
        let mut named = BTreeSet::new();
        for rule in rules {
            named.extend(rule.api_groups.iter().cloned());
            named.extend(rule.verbs.iter().cloned());
            named.extend(rule.resource_names.iter().cloned());
            for resource in &rule.resources {
                let (base, sub) = split_resource(resource);
                named.insert(base.to_owned());
                named.extend(sub.map(str::to_owned));
            }
        }
        Concretizer { named }
    }

    fn pick(&self, candidates: &[&str], fallback: &str) -> String {
        candidates
            .iter()
            .find(|c| !self.named.contains(**c))
            .map_or_else(|| fallback.to_owned(), |c| (*c).to_owned())
    }

    fn sym(&self, sym: &Sym, candidates: &[&str], fallback: &str) -> (String, bool) {
        match sym {
            Sym::Named(n) => (n.clone(), false),
            Sym::Other => (self.pick(candidates, fallback), true),
        }
    }

    /// A concrete request of `atom`'s class, and whether a value was chosen for
    /// [`Sym::Other`] (the witness then stands for every value of that class).
    pub fn witness(&self, atom: &Atom) -> Witness {
        let (verb, v_other) = self.sym(
            &atom.verb,
            &[
                "escalate",
                "bind",
                "impersonate",
                "deletecollection",
                "delete",
                "create",
                "update",
                "patch",
                "get",
                "list",
                "watch",
            ],
            "x-iamscope-verb",
        );
        let (group, g_other) = self.sym(
            &atom.group,
            &[
                "rbac.authorization.k8s.io",
                "apps",
                "batch",
                "admissionregistration.k8s.io",
                "x-iamscope.example.com",
            ],
            "x-iamscope.example.com",
        );
        let (base, b_other) = self.sym(
            &atom.resource.base,
            &[
                "secrets",
                "clusterroles",
                "roles",
                "pods",
                "nodes",
                "namespaces",
                "x-iamscope-resources",
            ],
            "x-iamscope-resources",
        );
        let (sub, s_other) = match &atom.resource.sub {
            None => (None, false),
            Some(sub) => {
                let (s, o) = self.sym(
                    sub,
                    &[
                        "exec",
                        "attach",
                        "portforward",
                        "proxy",
                        "status",
                        "x-iamscope-sub",
                    ],
                    "x-iamscope-sub",
                );
                (Some(s), o)
            }
        };
        let (name, n_other) = match &atom.name {
            NameValue::Absent => (None, false),
            NameValue::Named(n) => (Some(n.clone()), false),
            NameValue::Other => (
                Some(self.pick(&["example", "x-iamscope-name"], "x-iamscope-name")),
                true,
            ),
        };
        Witness {
            verb,
            group,
            resource: match sub {
                Some(sub) => format!("{base}/{sub}"),
                None => base,
            },
            name,
            symbolic: v_other || g_other || b_other || s_other || n_other,
        }
    }
}

/// A concrete request that proves a difference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Witness {
    /// Verb.
    pub verb: String,
    /// API group (`""` for core).
    pub group: String,
    /// Resource, `pods/exec` for subresources.
    pub resource: String,
    /// Object name, when the request names one.
    pub name: Option<String>,
    /// Whether some value stands for a whole class of values named by neither side.
    pub symbolic: bool,
}

impl Witness {
    /// The request as [`Request`], to check it against rules.
    pub fn request(&self) -> Request<'_> {
        Request {
            group: &self.group,
            resource: &self.resource,
            verb: &self.verb,
            name: self.name.as_deref(),
        }
    }
}

impl fmt::Display for Witness {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.verb, self.resource)?;
        if !self.group.is_empty() {
            write!(f, " (group {})", self.group)?;
        }
        if let Some(name) = &self.name {
            write!(f, " named `{name}`")?;
        }
        Ok(())
    }
}

/// `verb` rendered for messages, `<any other verb>` for [`Sym::Other`].
pub fn describe(sym: &Sym, other: &str) -> String {
    match sym {
        Sym::Named(n) if n.is_empty() => "\"\"".to_owned(),
        Sym::Named(n) => n.clone(),
        Sym::Other => format!("<{other}>"),
    }
}

/// `resource` rendered for messages.
pub fn describe_resource(resource: &ResourceValue) -> String {
    let base = describe(&resource.base, "any other resource");
    match &resource.sub {
        Some(sub) => format!("{base}/{}", describe(sub, "any other subresource")),
        None => base,
    }
}
