//! Kubernetes RBAC audit: the cluster permissions Chalk holds, compared with the
//! roles Chalk documents (`rules/chalk/kubernetes/`).
//!
//! Inputs are the JSON of `kubectl get clusterroles,roles,clusterrolebindings,rolebindings
//! -A -o json`, or single manifests in JSON or YAML. They are loaded into one
//! [`Cluster`] model first; the checks are plain functions over it.

mod audit;
mod error;
mod model;
mod profile;
pub mod rbac;
mod rules;
mod yaml;

#[cfg(test)]
mod tests;

pub use audit::{audit_cluster, dangerous_grants, effective_rules};
pub use error::K8sError;
pub use model::{
    Binding, BindingKind, Cluster, LabelSelector, Origin, PolicyRule, RoleDef, RoleKind, Subject,
    SubjectKind,
};
pub use profile::{
    DocumentedRole, DocumentedRoleSpec, Holder, K8sProfile, OptionName, OptionalRule,
};
pub use rules::RULES;
pub use yaml::parse_yaml_documents;

use crate::policy::SourceFile;
use crate::report::Finding;

/// Run-time settings that override the profile's `[defaults]`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditOptions {
    /// Chalk's namespace.
    pub namespace: Option<String>,
    /// Management subjects (`NS/NAME`, `User:NAME`, `Group:NAME`); empty keeps the profile's.
    pub management: Vec<String>,
    /// Workload subjects; empty keeps the profile's.
    pub workload: Vec<String>,
    /// Expect the optional `pods/exec` rule.
    pub allow_pod_exec: Option<bool>,
    /// Expect the optional RBAC read rule.
    pub allow_rbac_read: Option<bool>,
    /// Expect the Argo role (in-cluster image building).
    pub argo: Option<bool>,
}

impl K8sProfile {
    /// This profile with `options` applied.
    pub fn with_options(&self, options: &AuditOptions) -> K8sProfile {
        let mut profile = self.clone();
        if let Some(ns) = &options.namespace {
            profile.namespace.clone_from(ns);
        }
        if !options.management.is_empty() {
            profile.management.clone_from(&options.management);
        }
        if !options.workload.is_empty() {
            profile.workload.clone_from(&options.workload);
        }
        profile.allow_pod_exec = options.allow_pod_exec.unwrap_or(profile.allow_pod_exec);
        profile.allow_rbac_read = options.allow_rbac_read.unwrap_or(profile.allow_rbac_read);
        profile.argo = options.argo.unwrap_or(profile.argo);
        profile
    }
}

/// Audits the RBAC objects in `inputs` against `profile` with `options` applied.
///
/// Fails with [`K8sError::Parse`] (file, line, column) on input that is not JSON or
/// YAML of RBAC objects, and with [`K8sError::Profile`] on a bad subject or template.
pub fn audit(
    inputs: &[SourceFile],
    profile: &K8sProfile,
    options: &AuditOptions,
) -> Result<Vec<Finding>, K8sError> {
    let cluster = Cluster::load(inputs)?;
    audit_cluster(&cluster, &profile.with_options(options))
}
