//! The RBAC model: roles, bindings and subjects read from `kubectl -o json` lists
//! or single manifests (JSON or YAML), every rule keeping where it was written.

use std::collections::BTreeMap;

use super::error::K8sError;
use super::yaml::parse_yaml_documents;
use crate::policy::span::Pos;
use crate::policy::{parse_json, JsonKind, JsonValue, SourceFile};

/// Where an element was read: file, JSON pointer inside its document, position.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Origin {
    /// The file name as given (`-` for stdin), or a logical name for documented roles.
    pub file: String,
    /// JSON pointer inside the document, such as `/items/3/rules/2`.
    pub pointer: String,
    /// Line and column, when known.
    pub pos: Pos,
}

/// One `rules[]` entry of a Role or ClusterRole.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PolicyRule {
    /// `apiGroups`; `""` is the core group, `*` every group.
    pub api_groups: Vec<String>,
    /// `resources`, with subresources as `pods/log`; `*` and `*/scale` are patterns.
    pub resources: Vec<String>,
    /// `verbs`; `*` is every verb.
    pub verbs: Vec<String>,
    /// `resourceNames`; empty means every name.
    pub resource_names: Vec<String>,
    /// `nonResourceURLs`; a trailing `*` matches by prefix.
    pub non_resource_urls: Vec<String>,
    /// Where the rule was written.
    pub origin: Origin,
}

/// Role or ClusterRole.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RoleKind {
    /// A namespaced Role.
    Role,
    /// A ClusterRole.
    ClusterRole,
}

impl RoleKind {
    /// The Kubernetes kind name.
    pub fn as_str(self) -> &'static str {
        match self {
            RoleKind::Role => "Role",
            RoleKind::ClusterRole => "ClusterRole",
        }
    }
}

/// A label selector of an `aggregationRule`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LabelSelector {
    /// `matchLabels`.
    pub match_labels: BTreeMap<String, String>,
    /// `matchExpressions`: key, operator (`In`, `NotIn`, `Exists`, `DoesNotExist`), values.
    pub match_expressions: Vec<(String, String, Vec<String>)>,
}

impl LabelSelector {
    /// Whether `labels` satisfy every requirement. An empty selector matches nothing,
    /// as the aggregation controller treats it.
    pub fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        if self.match_labels.is_empty() && self.match_expressions.is_empty() {
            return false;
        }
        self.match_labels
            .iter()
            .all(|(k, v)| labels.get(k) == Some(v))
            && self
                .match_expressions
                .iter()
                .all(|(key, op, values)| match op.as_str() {
                    "In" => labels.get(key).is_some_and(|v| values.contains(v)),
                    "NotIn" => labels.get(key).is_none_or(|v| !values.contains(v)),
                    "Exists" => labels.contains_key(key),
                    "DoesNotExist" => !labels.contains_key(key),
                    _ => false,
                })
    }
}

/// A Role or ClusterRole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleDef {
    /// Role or ClusterRole.
    pub kind: RoleKind,
    /// `metadata.name`.
    pub name: String,
    /// `metadata.namespace` (Roles only).
    pub namespace: Option<String>,
    /// `metadata.labels`.
    pub labels: BTreeMap<String, String>,
    /// `rules`, as written.
    pub rules: Vec<PolicyRule>,
    /// `aggregationRule.clusterRoleSelectors`, when present.
    pub aggregation: Option<Vec<LabelSelector>>,
    /// Where the object starts.
    pub origin: Origin,
}

impl RoleDef {
    /// `Role chalk/chalk-management-role` or `ClusterRole cluster-admin`.
    pub fn display_name(&self) -> String {
        match &self.namespace {
            Some(ns) => format!("{} {ns}/{}", self.kind.as_str(), self.name),
            None => format!("{} {}", self.kind.as_str(), self.name),
        }
    }
}

/// The kind of a binding subject.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SubjectKind {
    /// A service account (namespaced).
    ServiceAccount,
    /// A user.
    User,
    /// A group.
    Group,
}

/// Who a binding grants to.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Subject {
    /// ServiceAccount, User or Group.
    pub kind: SubjectKind,
    /// The name.
    pub name: String,
    /// The namespace (service accounts only).
    pub namespace: Option<String>,
}

impl Subject {
    /// Parses `ServiceAccount:NS/NAME`, `NS/NAME` (a service account), `User:NAME`
    /// or `Group:NAME`.
    pub fn parse(spec: &str) -> Result<Subject, String> {
        let (kind, rest) = match spec.split_once(':') {
            Some(("ServiceAccount", rest)) => (SubjectKind::ServiceAccount, rest),
            Some(("User", rest)) => (SubjectKind::User, rest),
            Some(("Group", rest)) => (SubjectKind::Group, rest),
            _ => (SubjectKind::ServiceAccount, spec),
        };
        match kind {
            SubjectKind::ServiceAccount => match rest.split_once('/') {
                Some((ns, name)) if !ns.is_empty() && !name.is_empty() && !name.contains('/') => {
                    Ok(Subject {
                        kind,
                        name: name.to_owned(),
                        namespace: Some(ns.to_owned()),
                    })
                }
                _ => Err(format!(
                    "invalid subject `{spec}`: expected `NAMESPACE/NAME`, `User:NAME` or `Group:NAME`"
                )),
            },
            _ if rest.is_empty() => Err(format!("invalid subject `{spec}`: the name is empty")),
            _ => Ok(Subject {
                kind,
                name: rest.to_owned(),
                namespace: None,
            }),
        }
    }
}

impl std::fmt::Display for Subject {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (&self.kind, &self.namespace) {
            (SubjectKind::ServiceAccount, Some(ns)) => {
                write!(f, "ServiceAccount {ns}/{}", self.name)
            }
            (SubjectKind::ServiceAccount, None) => write!(f, "ServiceAccount {}", self.name),
            (SubjectKind::User, _) => write!(f, "User {}", self.name),
            (SubjectKind::Group, _) => write!(f, "Group {}", self.name),
        }
    }
}

/// RoleBinding or ClusterRoleBinding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BindingKind {
    /// Grants in one namespace.
    RoleBinding,
    /// Grants cluster-wide.
    ClusterRoleBinding,
}

/// A RoleBinding or ClusterRoleBinding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding {
    /// RoleBinding or ClusterRoleBinding.
    pub kind: BindingKind,
    /// `metadata.name`.
    pub name: String,
    /// `metadata.namespace` (RoleBindings only).
    pub namespace: Option<String>,
    /// `roleRef.kind`.
    pub role_kind: RoleKind,
    /// `roleRef.name`.
    pub role_name: String,
    /// `subjects`.
    pub subjects: Vec<Subject>,
    /// Where each subject was written, parallel to `subjects`.
    pub subject_origins: Vec<Origin>,
    /// Where the object starts.
    pub origin: Origin,
}

impl Binding {
    /// `RoleBinding chalk/x` or `ClusterRoleBinding x`.
    pub fn display_name(&self) -> String {
        match (&self.kind, &self.namespace) {
            (BindingKind::RoleBinding, Some(ns)) => format!("RoleBinding {ns}/{}", self.name),
            (BindingKind::RoleBinding, None) => format!("RoleBinding {}", self.name),
            (BindingKind::ClusterRoleBinding, _) => format!("ClusterRoleBinding {}", self.name),
        }
    }
}

/// Every role and binding read from the inputs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cluster {
    /// Roles and ClusterRoles.
    pub roles: Vec<RoleDef>,
    /// RoleBindings and ClusterRoleBindings.
    pub bindings: Vec<Binding>,
}

impl Cluster {
    /// Reads every source: a JSON document (a `List` or one object) or a YAML stream.
    pub fn load(sources: &[SourceFile]) -> Result<Cluster, K8sError> {
        let mut cluster = Cluster::default();
        for source in sources {
            cluster.load_text(&source.name, &source.text)?;
        }
        Ok(cluster)
    }

    /// Reads one file's text into the model.
    pub fn load_text(&mut self, file: &str, text: &str) -> Result<(), K8sError> {
        let trimmed = text.trim_start_matches('\u{feff}').trim_start();
        let documents = if trimmed.starts_with('{') || trimmed.starts_with('[') {
            vec![parse_json(text).map_err(|e| K8sError::parse(file, e.pos, e.message))?]
        } else {
            parse_yaml_documents(text).map_err(|e| K8sError::parse(file, e.pos, e.message))?
        };
        for document in &documents {
            self.load_object(file, document, "")?;
        }
        Ok(())
    }

    fn load_object(
        &mut self,
        file: &str,
        value: &JsonValue,
        pointer: &str,
    ) -> Result<(), K8sError> {
        let reader = Reader {
            file,
            value,
            pointer,
        };
        let kind = reader.string("kind")?;
        match kind.as_str() {
            "Role" | "ClusterRole" => self.roles.push(reader.role()?),
            "RoleBinding" | "ClusterRoleBinding" => self.bindings.push(reader.binding()?),
            k if k == "List" || k.ends_with("List") => {
                let items = reader.child("items")?;
                for (index, item) in reader.array_of(items, "items")?.iter().enumerate() {
                    self.load_object(file, item, &format!("{pointer}/items/{index}"))?;
                }
            }
            // ServiceAccounts and anything else in a mixed dump carry no RBAC grants.
            _ => {}
        }
        Ok(())
    }
}

/// `metadata.name`, `metadata.namespace` and `metadata.labels`.
type Metadata = (String, Option<String>, BTreeMap<String, String>);

/// Reads fields of one object, turning shape errors into positioned errors.
struct Reader<'a> {
    file: &'a str,
    value: &'a JsonValue,
    pointer: &'a str,
}

impl Reader<'_> {
    fn error(&self, at: &JsonValue, message: String) -> K8sError {
        K8sError::parse(self.file, at.pos, message)
    }

    fn origin(&self, suffix: &str, at: &JsonValue) -> Origin {
        Origin {
            file: self.file.to_owned(),
            pointer: format!("{}{suffix}", self.pointer),
            pos: at.pos,
        }
    }

    fn child(&self, key: &str) -> Result<&JsonValue, K8sError> {
        if self.value.as_object().is_none() {
            return Err(self.error(
                self.value,
                format!("expected an object, found {}", self.value.kind),
            ));
        }
        self.value
            .get(key)
            .ok_or_else(|| self.error(self.value, format!("missing field `{key}`")))
    }

    fn string(&self, key: &str) -> Result<String, K8sError> {
        let value = self.child(key)?;
        value.as_str().map(str::to_owned).ok_or_else(|| {
            self.error(
                value,
                format!("`{key}` must be a string, found {}", value.kind),
            )
        })
    }

    fn array_of<'v>(&self, value: &'v JsonValue, key: &str) -> Result<&'v [JsonValue], K8sError> {
        match &value.kind {
            JsonKind::Array(items) => Ok(items),
            JsonKind::Null => Ok(&[]),
            other => Err(self.error(value, format!("`{key}` must be an array, found {other}"))),
        }
    }

    fn strings(&self, value: Option<&JsonValue>, key: &str) -> Result<Vec<String>, K8sError> {
        let Some(value) = value else {
            return Ok(Vec::new());
        };
        self.array_of(value, key)?
            .iter()
            .map(|item| {
                item.as_str().map(str::to_owned).ok_or_else(|| {
                    self.error(
                        item,
                        format!("`{key}` must hold strings, found {}", item.kind),
                    )
                })
            })
            .collect()
    }

    fn string_map(
        &self,
        value: Option<&JsonValue>,
        key: &str,
    ) -> Result<BTreeMap<String, String>, K8sError> {
        let Some(value) = value else {
            return Ok(BTreeMap::new());
        };
        if value.kind == JsonKind::Null {
            return Ok(BTreeMap::new());
        }
        let members = value.as_object().ok_or_else(|| {
            self.error(
                value,
                format!("`{key}` must be an object, found {}", value.kind),
            )
        })?;
        members
            .iter()
            .map(|m| {
                m.value
                    .as_str()
                    .map(|v| (m.key.clone(), v.to_owned()))
                    .ok_or_else(|| self.error(&m.value, format!("`{key}` values must be strings")))
            })
            .collect()
    }

    fn metadata(&self) -> Result<Metadata, K8sError> {
        let metadata = self.child("metadata")?;
        let meta = Reader {
            file: self.file,
            value: metadata,
            pointer: self.pointer,
        };
        let name = meta.string("name")?;
        let namespace = match metadata.get("namespace") {
            Some(v) if v.kind != JsonKind::Null => Some(
                v.as_str()
                    .map(str::to_owned)
                    .ok_or_else(|| self.error(v, "`namespace` must be a string".to_owned()))?,
            ),
            _ => None,
        };
        let labels = meta.string_map(metadata.get("labels"), "labels")?;
        Ok((name, namespace, labels))
    }

    fn role(&self) -> Result<RoleDef, K8sError> {
        let kind = if self.string("kind")? == "Role" {
            RoleKind::Role
        } else {
            RoleKind::ClusterRole
        };
        let (name, namespace, labels) = self.metadata()?;
        if kind == RoleKind::Role && namespace.is_none() {
            return Err(self.error(
                self.value,
                format!("Role `{name}` has no `metadata.namespace`"),
            ));
        }
        let mut rules = Vec::new();
        if let Some(list) = self.value.get("rules") {
            for (index, rule) in self.array_of(list, "rules")?.iter().enumerate() {
                rules.push(self.rule(rule, index)?);
            }
        }
        let aggregation = match self.value.get("aggregationRule") {
            Some(agg) if agg.kind != JsonKind::Null && kind == RoleKind::ClusterRole => {
                let mut selectors = Vec::new();
                if let Some(list) = agg.get("clusterRoleSelectors") {
                    for selector in self.array_of(list, "clusterRoleSelectors")? {
                        selectors.push(self.selector(selector)?);
                    }
                }
                Some(selectors)
            }
            _ => None,
        };
        Ok(RoleDef {
            kind,
            name,
            namespace: if kind == RoleKind::Role {
                namespace
            } else {
                None
            },
            labels,
            rules,
            aggregation,
            origin: self.origin("", self.value),
        })
    }

    fn rule(&self, rule: &JsonValue, index: usize) -> Result<PolicyRule, K8sError> {
        if rule.as_object().is_none() {
            return Err(self.error(
                rule,
                format!("a rule must be an object, found {}", rule.kind),
            ));
        }
        let parsed = PolicyRule {
            api_groups: self.strings(rule.get("apiGroups"), "apiGroups")?,
            resources: self.strings(rule.get("resources"), "resources")?,
            verbs: self.strings(rule.get("verbs"), "verbs")?,
            resource_names: self.strings(rule.get("resourceNames"), "resourceNames")?,
            non_resource_urls: self.strings(rule.get("nonResourceURLs"), "nonResourceURLs")?,
            origin: self.origin(&format!("/rules/{index}"), rule),
        };
        if parsed.verbs.is_empty() {
            return Err(self.error(
                rule,
                "a rule must list at least one verb in `verbs`".to_owned(),
            ));
        }
        Ok(parsed)
    }

    fn selector(&self, value: &JsonValue) -> Result<LabelSelector, K8sError> {
        let match_labels = self.string_map(value.get("matchLabels"), "matchLabels")?;
        let mut match_expressions = Vec::new();
        if let Some(list) = value.get("matchExpressions") {
            for expr in self.array_of(list, "matchExpressions")? {
                let reader = Reader {
                    file: self.file,
                    value: expr,
                    pointer: self.pointer,
                };
                let key = reader.string("key")?;
                let op = reader.string("operator")?;
                if !matches!(op.as_str(), "In" | "NotIn" | "Exists" | "DoesNotExist") {
                    return Err(self.error(expr, format!("unknown selector operator `{op}`")));
                }
                let values = self.strings(expr.get("values"), "values")?;
                match_expressions.push((key, op, values));
            }
        }
        Ok(LabelSelector {
            match_labels,
            match_expressions,
        })
    }

    fn binding(&self) -> Result<Binding, K8sError> {
        let kind = if self.string("kind")? == "RoleBinding" {
            BindingKind::RoleBinding
        } else {
            BindingKind::ClusterRoleBinding
        };
        let (name, namespace, _) = self.metadata()?;
        let role_ref = self.child("roleRef")?;
        let role_reader = Reader {
            file: self.file,
            value: role_ref,
            pointer: self.pointer,
        };
        let role_kind = match role_reader.string("kind")?.as_str() {
            "Role" => RoleKind::Role,
            "ClusterRole" => RoleKind::ClusterRole,
            other => return Err(self.error(role_ref, format!("unknown roleRef kind `{other}`"))),
        };
        if kind == BindingKind::ClusterRoleBinding && role_kind == RoleKind::Role {
            return Err(self.error(
                role_ref,
                format!("ClusterRoleBinding `{name}` cannot refer to a Role"),
            ));
        }
        let role_name = role_reader.string("name")?;
        let mut subjects = Vec::new();
        let mut subject_origins = Vec::new();
        if let Some(list) = self.value.get("subjects") {
            for (index, item) in self.array_of(list, "subjects")?.iter().enumerate() {
                subject_origins.push(self.origin(&format!("/subjects/{index}"), item));
                let reader = Reader {
                    file: self.file,
                    value: item,
                    pointer: self.pointer,
                };
                let subject_kind = match reader.string("kind")?.as_str() {
                    "ServiceAccount" => SubjectKind::ServiceAccount,
                    "User" => SubjectKind::User,
                    "Group" => SubjectKind::Group,
                    other => {
                        return Err(self.error(item, format!("unknown subject kind `{other}`")))
                    }
                };
                let subject_ns = match item.get("namespace").and_then(JsonValue::as_str) {
                    Some(ns) if !ns.is_empty() => Some(ns.to_owned()),
                    // A service account subject without a namespace means the binding's.
                    _ if subject_kind == SubjectKind::ServiceAccount => namespace.clone(),
                    _ => None,
                };
                subjects.push(Subject {
                    kind: subject_kind,
                    name: reader.string("name")?,
                    namespace: if subject_kind == SubjectKind::ServiceAccount {
                        subject_ns
                    } else {
                        None
                    },
                });
            }
        }
        Ok(Binding {
            kind,
            name,
            namespace: if kind == BindingKind::RoleBinding {
                namespace
            } else {
                None
            },
            role_kind,
            role_name,
            subjects,
            subject_origins,
            origin: self.origin("", self.value),
        })
    }
}
