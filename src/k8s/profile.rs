//! The Kubernetes profile: the documented roles (`rules/chalk/kubernetes/*.yaml`),
//! who is meant to hold them, and which optional parts are expected.

use std::path::Path;

use serde::Deserialize;

use super::error::K8sError;
use super::model::{Cluster, RoleDef, Subject};

const BUILTIN_DIR: &str = "rules/chalk/kubernetes";
const BUILTIN_FILES: &[(&str, &str)] = &[
    (
        "kubernetes.toml",
        include_str!("../../rules/chalk/kubernetes/kubernetes.toml"),
    ),
    (
        "chalk-cluster-management-role.yaml",
        include_str!("../../rules/chalk/kubernetes/chalk-cluster-management-role.yaml"),
    ),
    (
        "chalk-management-role.yaml",
        include_str!("../../rules/chalk/kubernetes/chalk-management-role.yaml"),
    ),
    (
        "chalk-job-reader.yaml",
        include_str!("../../rules/chalk/kubernetes/chalk-job-reader.yaml"),
    ),
    (
        "argo-workflows-role.yaml",
        include_str!("../../rules/chalk/kubernetes/argo-workflows-role.yaml"),
    ),
];

/// Which of Chalk's subjects a role is meant for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Holder {
    /// The management service account Chalk uses to manage the cluster.
    Management,
    /// The workload service accounts that run Chalk's batch jobs.
    Workload,
}

/// A documented option that turns rules or roles on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OptionName {
    /// `pods/exec` in chalk-management-role.
    PodExec,
    /// Read access to the namespace's RBAC in chalk-management-role.
    RbacRead,
    /// The Argo role for in-cluster image building.
    Argo,
}

/// One rule of a documented role that is expected only when its option is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OptionalRule {
    /// 0-based index into the role's rules.
    pub rule: usize,
    /// The option.
    pub option: OptionName,
}

/// A documented role as declared in `kubernetes.toml`, with its template text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentedRoleSpec {
    /// The template file name.
    pub file: String,
    /// The template text, with `${NAMESPACE}`.
    pub template: String,
    /// Who is meant to hold it.
    pub holders: Vec<Holder>,
    /// Rules expected only with an option.
    pub optional: Vec<OptionalRule>,
    /// The option the whole role depends on, if any.
    pub when: Option<OptionName>,
}

/// A documented role rendered for one namespace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentedRole {
    /// The role with every rule, optional ones included.
    pub role: RoleDef,
    /// Who is meant to hold it.
    pub holders: Vec<Holder>,
    /// Rules expected only with an option.
    pub optional: Vec<OptionalRule>,
    /// Whether the role is expected at all under the settings.
    pub expected: bool,
}

/// The Kubernetes profile: documented roles plus the settings of one deployment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct K8sProfile {
    /// Where the profile was read from (for messages).
    pub dir: String,
    /// Chalk's namespace.
    pub namespace: String,
    /// Management subjects, possibly with `${NAMESPACE}`.
    pub management: Vec<String>,
    /// Workload subjects, possibly with `${NAMESPACE}`.
    pub workload: Vec<String>,
    /// Whether the optional `pods/exec` rule is expected.
    pub allow_pod_exec: bool,
    /// Whether the optional RBAC read rule is expected.
    pub allow_rbac_read: bool,
    /// Whether in-cluster image building (the Argo role) is in use.
    pub argo: bool,
    /// The documented roles.
    pub roles: Vec<DocumentedRoleSpec>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProfile {
    defaults: RawDefaults,
    roles: Vec<RawRole>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDefaults {
    namespace: String,
    management: Vec<String>,
    workload: Vec<String>,
    allow_pod_exec: bool,
    allow_rbac_read: bool,
    argo: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRole {
    file: String,
    holders: Vec<Holder>,
    #[serde(default)]
    optional: Vec<OptionalRule>,
    when: Option<OptionName>,
}

impl K8sProfile {
    /// The built-in Chalk profile.
    pub fn builtin() -> Result<K8sProfile, K8sError> {
        K8sProfile::parse(BUILTIN_DIR, |name| {
            BUILTIN_FILES
                .iter()
                .find(|(file, _)| *file == name)
                .map(|(_, text)| (*text).to_owned())
                .ok_or_else(|| format!("no embedded file `{name}`"))
        })
    }

    /// Loads `kubernetes.toml` and the role files it names from `dir`.
    pub fn load_dir(dir: &Path) -> Result<K8sProfile, K8sError> {
        K8sProfile::parse(&dir.display().to_string(), |name| {
            std::fs::read_to_string(dir.join(name))
                .map_err(|e| format!("cannot read `{name}`: {e}"))
        })
    }

    fn parse(
        dir: &str,
        read: impl Fn(&str) -> Result<String, String>,
    ) -> Result<K8sProfile, K8sError> {
        let profile_file = format!("{dir}/kubernetes.toml");
        let err = |file: &str, message: String| K8sError::Profile {
            file: file.to_owned(),
            message,
        };
        let text = read("kubernetes.toml").map_err(|m| err(&profile_file, m))?;
        let raw: RawProfile =
            toml::from_str(&text).map_err(|e| err(&profile_file, e.to_string()))?;
        let mut roles = Vec::new();
        for role in raw.roles {
            let path = format!("{dir}/{}", role.file);
            let template = read(&role.file).map_err(|m| err(&path, m))?;
            roles.push(DocumentedRoleSpec {
                file: role.file,
                template,
                holders: role.holders,
                optional: role.optional,
                when: role.when,
            });
        }
        let profile = K8sProfile {
            dir: dir.to_owned(),
            namespace: raw.defaults.namespace,
            management: raw.defaults.management,
            workload: raw.defaults.workload,
            allow_pod_exec: raw.defaults.allow_pod_exec,
            allow_rbac_read: raw.defaults.allow_rbac_read,
            argo: raw.defaults.argo,
            roles,
        };
        // Validate the templates and subjects once, so mistakes surface at load.
        profile.documented_roles()?;
        profile.subjects(Holder::Management)?;
        profile.subjects(Holder::Workload)?;
        Ok(profile)
    }

    /// Whether `option` is on.
    pub fn enabled(&self, option: OptionName) -> bool {
        match option {
            OptionName::PodExec => self.allow_pod_exec,
            OptionName::RbacRead => self.allow_rbac_read,
            OptionName::Argo => self.argo,
        }
    }

    fn substitute(&self, text: &str) -> String {
        text.replace("${NAMESPACE}", &self.namespace)
    }

    /// The subjects of `holder`, with the namespace substituted.
    pub fn subjects(&self, holder: Holder) -> Result<Vec<Subject>, K8sError> {
        let specs = match holder {
            Holder::Management => &self.management,
            Holder::Workload => &self.workload,
        };
        specs
            .iter()
            .map(|spec| {
                Subject::parse(&self.substitute(spec)).map_err(|message| K8sError::Profile {
                    file: format!("{}/kubernetes.toml", self.dir),
                    message,
                })
            })
            .collect()
    }

    /// The documented roles rendered for this profile's namespace.
    pub fn documented_roles(&self) -> Result<Vec<DocumentedRole>, K8sError> {
        let mut out = Vec::new();
        for spec in &self.roles {
            let logical = format!("{}/{}", self.dir, spec.file);
            let mut cluster = Cluster::default();
            cluster
                .load_text(&logical, &self.substitute(&spec.template))
                .map_err(|e| K8sError::Profile {
                    file: logical.clone(),
                    message: e.to_string(),
                })?;
            let [role] =
                <[RoleDef; 1]>::try_from(cluster.roles).map_err(|_| K8sError::Profile {
                    file: logical.clone(),
                    message: "a documented role file must hold exactly one Role or ClusterRole"
                        .into(),
                })?;
            if let Some(bad) = spec.optional.iter().find(|o| o.rule >= role.rules.len()) {
                return Err(K8sError::Profile {
                    file: logical,
                    message: format!("optional rule {} does not exist", bad.rule),
                });
            }
            out.push(DocumentedRole {
                expected: spec.when.is_none_or(|o| self.enabled(o)),
                role,
                holders: spec.holders.clone(),
                optional: spec.optional.clone(),
            });
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_profile_holds_the_four_documented_roles() {
        let profile = K8sProfile::builtin().unwrap();
        let roles = profile.documented_roles().unwrap();
        let names: Vec<&str> = roles.iter().map(|r| r.role.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "chalk-cluster-management-role",
                "chalk-management-role",
                "chalk-job-reader",
                "argo-workflows-role"
            ]
        );
        assert_eq!(roles[1].role.namespace.as_deref(), Some("chalk"));
        assert!(roles[0].role.namespace.is_none());
        assert!(!roles[3].expected, "argo is off by default");
        assert_eq!(roles[0].role.rules.len(), 6);
        assert_eq!(roles[1].role.rules.len(), 14);
    }

    #[test]
    fn optional_rules_point_at_exec_and_rbac_read() {
        let profile = K8sProfile::builtin().unwrap();
        let roles = profile.documented_roles().unwrap();
        let management = &roles[1];
        let exec = management
            .optional
            .iter()
            .find(|o| o.option == OptionName::PodExec)
            .unwrap();
        assert_eq!(management.role.rules[exec.rule].resources, ["pods/exec"]);
        let read = management
            .optional
            .iter()
            .find(|o| o.option == OptionName::RbacRead)
            .unwrap();
        assert_eq!(
            management.role.rules[read.rule].resources,
            ["roles", "serviceaccounts", "rolebindings"]
        );
    }

    #[test]
    fn namespace_is_substituted_in_roles_and_subjects() {
        let mut profile = K8sProfile::builtin().unwrap();
        profile.namespace = "features".into();
        let roles = profile.documented_roles().unwrap();
        assert_eq!(roles[2].role.namespace.as_deref(), Some("features"));
        let subjects = profile.subjects(Holder::Management).unwrap();
        assert_eq!(subjects[0].namespace.as_deref(), Some("features"));
    }
}
