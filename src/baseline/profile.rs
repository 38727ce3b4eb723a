//! A vendor profile (`rules/<vendor>/profile.toml`) and the documented policies it names.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use regex::Regex;
use serde::Deserialize;
use toml::Spanned;

use super::error::BaselineError;
use super::glob::glob_match;
use super::placeholder::{placeholders, substitute};
use super::Params;
use crate::policy::span::{line_col, strip_serde_position};

/// A vendor's documented IAM roles: policies, parameters, and how the vendor's
/// roles and resources are recognised in an account.
#[derive(Debug, Clone)]
pub struct Profile {
    /// Short vendor id, the prefix of policy ids (`chalk`).
    pub vendor: String,
    /// Display name (`Chalk`).
    pub name: String,
    /// Where the documented roles come from.
    pub source: String,
    /// The tag the vendor puts on the resources it manages.
    pub managed_tag: ManagedTag,
    /// How the vendor's roles are recognised; callers may replace either list.
    pub recognition: Recognition,
    /// Parameters that may appear as `${NAME}` in the policy documents.
    pub parameters: Vec<Parameter>,
    /// The documented policies, in file order.
    pub policies: Vec<DocumentedPolicy>,
    /// Role kinds, narrowest first: which policies a recognised role is compared with.
    pub role_kinds: Vec<RoleKind>,
    /// Name patterns of the resources the vendor manages.
    pub resource_patterns: Vec<ResourcePattern>,
}

/// The tag key and value marking a resource as managed by the vendor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManagedTag {
    /// Tag key (`chalk.ai/managed-by`).
    pub key: String,
    /// Tag value (`chalk`).
    pub value: String,
}

/// How a role in an account is recognised as the vendor's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recognition {
    /// Principal ARNs whose presence in a trust policy marks the role as the vendor's.
    pub trusted_principals: Vec<String>,
    /// `*` globs on role names, matched case-insensitively.
    pub role_name_patterns: Vec<String>,
}

/// A parameter substituted for `${NAME}` in policy documents.
#[derive(Debug, Clone)]
pub struct Parameter {
    /// Placeholder name (`AWS_REGION`).
    pub name: String,
    /// What the value is.
    pub description: String,
    /// The command-line flag that supplies it (`--region`).
    pub flag: String,
    /// Human description of a valid value, used in error messages.
    pub expected: Option<String>,
    pattern: Option<Regex>,
}

impl Parameter {
    /// Checks `value` against the parameter's declared pattern.
    pub fn check(&self, value: &str) -> Result<(), BaselineError> {
        match &self.pattern {
            Some(re) if !re.is_match(value) => Err(BaselineError::InvalidParameter {
                value: value.to_string(),
                flag: self.flag.clone(),
                expected: self
                    .expected
                    .clone()
                    .unwrap_or_else(|| format!("a value matching `{}`", re.as_str())),
            }),
            _ => Ok(()),
        }
    }
}

/// What a documented policy is compared with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PolicyKind {
    /// A trust (assume-role) policy, compared with a role's trust policy.
    Trust,
    /// A permissions policy, compared with the union of a role's inline and attached policies.
    Permissions,
}

/// One documented policy, as a template with `${NAME}` placeholders.
#[derive(Debug, Clone)]
pub struct DocumentedPolicy {
    /// Full id, `<vendor>:<local id>` (`chalk:scoped-execution`).
    pub id: String,
    /// Trust or permissions.
    pub kind: PolicyKind,
    /// One-line description.
    pub description: String,
    /// Path of the template, for messages (`rules/chalk/scoped-execution.json`).
    pub file: String,
    /// The template text: JSON with placeholders inside strings.
    pub template: String,
    /// Parameters the template uses, in order of first appearance.
    pub parameters: Vec<String>,
}

/// A kind of vendor role and the documented policies it should match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleKind {
    /// Kind id (`scoped-execution`).
    pub id: String,
    /// What the role is for.
    pub description: String,
    /// `*` globs on role names (case-insensitive) that select this kind.
    pub name_patterns: Vec<String>,
    /// Full id of the documented trust policy, if any.
    pub trust: Option<String>,
    /// Full ids of the documented permissions policies.
    pub policies: Vec<String>,
    /// Actions the documented permissions policies name, lower-cased, as written.
    pub documented_actions: BTreeSet<String>,
    /// Whether an audit expects the account to hold a role of this kind.
    pub expected: bool,
}

/// A name pattern of resources the vendor manages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourcePattern {
    /// ARN service (`dynamodb`).
    pub service: String,
    /// `*` glob on the ARN's resource part (`table/chalk*`).
    pub resource: String,
    /// Whether the documented policy also requires the managed-by tag.
    pub tag_protected: bool,
}

impl ResourcePattern {
    /// Whether `arn` belongs to this pattern's service and its resource part
    /// (everything after the account field) matches the pattern.
    pub fn matches_arn(&self, arn: &str) -> bool {
        let mut parts = arn.splitn(6, ':');
        let (Some("arn"), Some(_partition), Some(service), Some(_), Some(_), Some(resource)) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        ) else {
            return false;
        };
        service == self.service && glob_match(&self.resource, resource, false)
    }
}

/// How a baseline role kind was chosen for a role.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum KindChoice<'a> {
    /// The role name matched one of the kind's name patterns.
    ByName(&'a RoleKind),
    /// No name pattern matched; the kind whose documented actions overlap most
    /// with the role's (Jaccard index of the lower-cased action strings).
    BestMatch(&'a RoleKind, f64),
}

impl<'a> KindChoice<'a> {
    /// The chosen kind.
    pub fn kind(&self) -> &'a RoleKind {
        match *self {
            KindChoice::ByName(kind) | KindChoice::BestMatch(kind, _) => kind,
        }
    }
}

impl Profile {
    /// Loads `profile.toml` and its policy files from a vendor folder.
    pub fn load_dir(dir: &Path) -> Result<Profile, BaselineError> {
        let read = |path: &Path| {
            std::fs::read_to_string(path).map_err(|source| BaselineError::Io {
                path: path.display().to_string(),
                source,
            })
        };
        let profile_path = dir.join("profile.toml");
        let text = read(&profile_path)?;
        Profile::parse(&profile_path.display().to_string(), &text, |file| {
            read(&dir.join(file)).map(|text| (dir.join(file).display().to_string(), text))
        })
    }

    /// Parses a profile from its text. `file` names it in errors; `read_policy`
    /// returns the display path and text of a policy file named in the profile.
    pub fn parse(
        file: &str,
        text: &str,
        read_policy: impl Fn(&str) -> Result<(String, String), BaselineError>,
    ) -> Result<Profile, BaselineError> {
        let raw: RawProfile = toml::from_str(text).map_err(|err| {
            let (line, column) = err.span().map_or((0, 0), |span| line_col(text, span.start));
            BaselineError::Profile {
                file: file.to_string(),
                line,
                column,
                message: err.message().trim_end().to_string(),
            }
        })?;
        let at = |span: std::ops::Range<usize>, message: String| {
            let (line, column) = line_col(text, span.start);
            BaselineError::Profile {
                file: file.to_string(),
                line,
                column,
                message,
            }
        };

        let vendor = raw.vendor.id.get_ref().clone();
        if !is_id(&vendor) {
            return Err(at(
                raw.vendor.id.span(),
                format!("vendor id `{vendor}` must be lower-case letters, digits and `-`"),
            ));
        }

        let mut parameters: Vec<Parameter> = Vec::new();
        for param in raw.parameters {
            let name = param.name.get_ref();
            if !super::placeholder::is_parameter_name(name) {
                return Err(at(
                    param.name.span(),
                    format!("parameter name `{name}` must be upper-case letters, digits and `_`"),
                ));
            }
            if parameters.iter().any(|p| &p.name == name) {
                return Err(at(
                    param.name.span(),
                    format!("parameter `{name}` is declared twice"),
                ));
            }
            let pattern = match &param.pattern {
                Some(pattern) => Some(Regex::new(pattern.get_ref()).map_err(|err| {
                    at(pattern.span(), format!("invalid parameter pattern: {err}"))
                })?),
                None => None,
            };
            parameters.push(Parameter {
                name: name.clone(),
                description: param.description,
                flag: param.flag,
                expected: param.expected,
                pattern,
            });
        }

        let mut policies: Vec<DocumentedPolicy> = Vec::new();
        for policy in raw.policies {
            let local = policy.id.get_ref();
            if !is_id(local) {
                return Err(at(
                    policy.id.span(),
                    format!("policy id `{local}` must be lower-case letters, digits and `-`"),
                ));
            }
            let id = format!("{vendor}:{local}");
            if policies.iter().any(|p| p.id == id) {
                return Err(at(
                    policy.id.span(),
                    format!("policy `{id}` is declared twice"),
                ));
            }
            let (path, template) = read_policy(policy.file.get_ref())?;
            check_template(&path, &template, &parameters)?;
            let mut used: Vec<String> = Vec::new();
            for placeholder in placeholders(&template) {
                if !used.contains(&placeholder.name) {
                    used.push(placeholder.name);
                }
            }
            policies.push(DocumentedPolicy {
                id,
                kind: policy.kind,
                description: policy.description,
                file: path,
                template,
                parameters: used,
            });
        }

        let resolve = |local: &Spanned<String>, want: PolicyKind| {
            let id = format!("{vendor}:{}", local.get_ref());
            match policies.iter().find(|p| p.id == id) {
                Some(policy) if policy.kind == want => Ok(policy),
                Some(_) => Err(at(
                    local.span(),
                    format!("policy `{id}` is not a {} policy", kind_name(want)),
                )),
                None => Err(at(local.span(), format!("unknown policy `{id}`"))),
            }
        };
        let mut role_kinds: Vec<RoleKind> = Vec::new();
        for kind in raw.role_kinds {
            if role_kinds.iter().any(|k| &k.id == kind.id.get_ref()) {
                return Err(at(
                    kind.id.span(),
                    format!("role kind `{}` is declared twice", kind.id.get_ref()),
                ));
            }
            let trust = match &kind.trust {
                Some(local) => Some(resolve(local, PolicyKind::Trust)?.id.clone()),
                None => None,
            };
            let mut ids = Vec::new();
            let mut documented_actions = BTreeSet::new();
            for local in &kind.policies {
                let policy = resolve(local, PolicyKind::Permissions)?;
                documented_actions.extend(template_actions(&policy.template));
                ids.push(policy.id.clone());
            }
            role_kinds.push(RoleKind {
                id: kind.id.into_inner(),
                description: kind.description,
                name_patterns: kind.name_patterns,
                trust,
                policies: ids,
                documented_actions,
                expected: kind.expected,
            });
        }

        Ok(Profile {
            vendor,
            name: raw.vendor.name,
            source: raw.vendor.source,
            managed_tag: ManagedTag {
                key: raw.managed_tag.key,
                value: raw.managed_tag.value,
            },
            recognition: Recognition {
                trusted_principals: raw.recognition.trusted_principals,
                role_name_patterns: raw.recognition.role_name_patterns,
            },
            parameters,
            policies,
            role_kinds,
            resource_patterns: raw
                .resource_patterns
                .into_iter()
                .map(|p| ResourcePattern {
                    service: p.service,
                    resource: p.resource,
                    tag_protected: p.tag_protected,
                })
                .collect(),
        })
    }

    /// The documented policy with full id `id` (`chalk:trust`).
    pub fn policy(&self, id: &str) -> Option<&DocumentedPolicy> {
        self.policies.iter().find(|p| p.id == id)
    }

    /// The declared parameter named `name`.
    pub fn parameter(&self, name: &str) -> Option<&Parameter> {
        self.parameters.iter().find(|p| p.name == name)
    }

    /// The role kind with id `id`.
    pub fn role_kind(&self, id: &str) -> Option<&RoleKind> {
        self.role_kinds.iter().find(|k| k.id == id)
    }

    /// Renders the documented policy `id` with `params` substituted.
    ///
    /// Every parameter the policy uses must be given and valid; values are
    /// JSON-escaped, so the result is JSON whenever the template is.
    pub fn render(&self, id: &str, params: &Params) -> Result<String, BaselineError> {
        let policy = self
            .policy(id)
            .ok_or_else(|| BaselineError::UnknownPolicy {
                id: id.to_string(),
                known: self
                    .policies
                    .iter()
                    .map(|p| format!("`{}`", p.id))
                    .collect::<Vec<_>>()
                    .join(", "),
            })?;
        let mut values = BTreeMap::new();
        for name in &policy.parameters {
            // `check_template` guarantees every used name is declared.
            let Some(param) = self.parameter(name) else {
                continue;
            };
            let value = params
                .get(name)
                .ok_or_else(|| BaselineError::MissingParameter {
                    policy: policy.id.clone(),
                    name: name.clone(),
                    flag: param.flag.clone(),
                })?;
            param.check(value)?;
            values.insert(name.clone(), json_escape(value));
        }
        Ok(substitute(&policy.template, &values))
    }

    /// Whether `principal` is one of the vendor's trusted principals.
    pub fn is_vendor_principal(&self, principal: &str) -> bool {
        self.recognition
            .trusted_principals
            .iter()
            .any(|p| p == principal)
    }

    /// Whether `role_name` matches one of the recognition name patterns.
    pub fn is_vendor_role_name(&self, role_name: &str) -> bool {
        self.recognition
            .role_name_patterns
            .iter()
            .any(|p| glob_match(p, role_name, true))
    }

    /// Chooses the role kind whose documented policies a recognised role is compared with.
    ///
    /// By name first: the first kind (in profile order) with a name pattern
    /// matching `role_name`. Otherwise by best match: the kind with the highest
    /// Jaccard overlap between `granted_actions` (the actions the role's
    /// policies name, as written) and the kind's documented actions, compared
    /// case-insensitively; ties go to the earlier kind. `None` when no name
    /// matches and no kind shares an action with the role.
    pub fn choose_kind(
        &self,
        role_name: &str,
        granted_actions: &BTreeSet<String>,
    ) -> Option<KindChoice<'_>> {
        if let Some(kind) = self.role_kinds.iter().find(|k| {
            k.name_patterns
                .iter()
                .any(|p| glob_match(p, role_name, true))
        }) {
            return Some(KindChoice::ByName(kind));
        }
        let granted: BTreeSet<String> = granted_actions
            .iter()
            .map(|a| a.to_ascii_lowercase())
            .collect();
        let mut best: Option<(&RoleKind, f64)> = None;
        for kind in self
            .role_kinds
            .iter()
            .filter(|k| !k.documented_actions.is_empty())
        {
            let shared = kind.documented_actions.intersection(&granted).count();
            if shared == 0 {
                continue;
            }
            let union = kind.documented_actions.union(&granted).count();
            let score = shared as f64 / union as f64;
            if best.is_none_or(|(_, top)| score > top) {
                best = Some((kind, score));
            }
        }
        best.map(|(kind, score)| KindChoice::BestMatch(kind, score))
    }

    /// The resource patterns that `arn` matches.
    pub fn resource_patterns_for(&self, arn: &str) -> Vec<&ResourcePattern> {
        self.resource_patterns
            .iter()
            .filter(|p| p.matches_arn(arn))
            .collect()
    }
}

fn kind_name(kind: PolicyKind) -> &'static str {
    match kind {
        PolicyKind::Trust => "trust",
        PolicyKind::Permissions => "permissions",
    }
}

fn is_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// A template must be JSON and may only use declared parameters.
fn check_template(path: &str, text: &str, parameters: &[Parameter]) -> Result<(), BaselineError> {
    if let Err(err) = serde_json::from_str::<serde_json::Value>(text) {
        return Err(BaselineError::PolicyJson {
            file: path.to_string(),
            line: err.line() as u32,
            column: err.column() as u32,
            message: strip_serde_position(&err.to_string()),
        });
    }
    for placeholder in placeholders(text) {
        if !parameters.iter().any(|p| p.name == placeholder.name) {
            let (line, column) = line_col(text, placeholder.offset);
            return Err(BaselineError::UndeclaredPlaceholder {
                file: path.to_string(),
                line,
                column,
                name: placeholder.name,
            });
        }
    }
    Ok(())
}

/// Lower-cased `Action` strings of every statement in a JSON template.
fn template_actions(template: &str) -> BTreeSet<String> {
    let mut actions = BTreeSet::new();
    let Ok(doc) = serde_json::from_str::<serde_json::Value>(template) else {
        return actions;
    };
    let statements = match doc.get("Statement") {
        Some(serde_json::Value::Array(list)) => list.iter().collect::<Vec<_>>(),
        Some(single) => vec![single],
        None => Vec::new(),
    };
    for statement in statements {
        match statement.get("Action") {
            Some(serde_json::Value::String(a)) => {
                actions.insert(a.to_ascii_lowercase());
            }
            Some(serde_json::Value::Array(list)) => {
                actions.extend(
                    list.iter()
                        .filter_map(|a| a.as_str())
                        .map(str::to_ascii_lowercase),
                );
            }
            _ => {}
        }
    }
    actions
}

/// `value` escaped for use inside a JSON string literal (without the quotes).
fn json_escape(value: &str) -> String {
    let quoted = serde_json::Value::String(value.to_string()).to_string();
    quoted[1..quoted.len() - 1].to_string()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProfile {
    vendor: RawVendor,
    managed_tag: RawTag,
    recognition: RawRecognition,
    #[serde(default)]
    parameters: Vec<RawParameter>,
    #[serde(default)]
    policies: Vec<RawPolicy>,
    #[serde(default)]
    role_kinds: Vec<RawRoleKind>,
    #[serde(default)]
    resource_patterns: Vec<RawResourcePattern>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawVendor {
    id: Spanned<String>,
    name: String,
    source: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTag {
    key: String,
    value: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRecognition {
    #[serde(default)]
    trusted_principals: Vec<String>,
    #[serde(default)]
    role_name_patterns: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawParameter {
    name: Spanned<String>,
    description: String,
    flag: String,
    pattern: Option<Spanned<String>>,
    expected: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPolicy {
    id: Spanned<String>,
    file: Spanned<String>,
    kind: PolicyKind,
    description: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRoleKind {
    id: Spanned<String>,
    description: String,
    #[serde(default)]
    name_patterns: Vec<String>,
    trust: Option<Spanned<String>>,
    #[serde(default)]
    policies: Vec<Spanned<String>>,
    #[serde(default)]
    expected: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawResourcePattern {
    service: String,
    resource: String,
    tag_protected: bool,
}
