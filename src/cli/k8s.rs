//! `iamscope k8s-audit`: Chalk's Kubernetes RBAC against the documented roles.

use std::path::PathBuf;

use clap::Args;

use super::{new_report, read_sources, render, Cli};
use crate::exit::{decide, Error, Status};
use crate::k8s::{self, AuditOptions, K8sProfile};
use crate::policy::SourceFile;
use crate::report::Finding;

/// Arguments of `iamscope k8s-audit`.
#[derive(Debug, Args)]
pub struct K8sAuditArgs {
    /// Output of `kubectl get clusterroles,roles,clusterrolebindings,rolebindings -A -o json`,
    /// or Role/ClusterRole/RoleBinding/ClusterRoleBinding manifests (JSON or YAML);
    /// `-` reads stdin.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<String>,
    /// What the deployment is expected to hold.
    #[command(flatten)]
    pub expect: K8sExpectations,
}

/// The flags that say which Kubernetes grants Chalk's deployment is expected to hold;
/// shared by `k8s-audit` and `audit --kubernetes`.
#[derive(Debug, Args)]
pub struct K8sExpectations {
    /// Chalk's namespace (default from the profile: `chalk`).
    #[arg(long, value_name = "NAMESPACE")]
    pub namespace: Option<String>,
    /// A subject Chalk manages the cluster as: `NS/NAME` (service account),
    /// `User:NAME` or `Group:NAME`. Repeatable; replaces the profile's.
    #[arg(long = "management-subject", value_name = "SUBJECT")]
    pub management: Vec<String>,
    /// A subject Chalk's workloads run as. Repeatable; replaces the profile's.
    #[arg(long = "workload-subject", value_name = "SUBJECT")]
    pub workload: Vec<String>,
    /// Expect the optional `pods/exec` rule of `chalk-management-role`.
    #[arg(long)]
    pub allow_pod_exec: bool,
    /// Expect the optional RBAC read rule of `chalk-management-role`.
    #[arg(long)]
    pub allow_rbac_read: bool,
    /// Expect `argo-workflows-role` (in-cluster image building).
    #[arg(long)]
    pub argo: bool,
    /// A folder with another `kubernetes.toml` and its role files.
    #[arg(long = "k8s-profile", value_name = "DIR")]
    pub profile: Option<PathBuf>,
}

impl K8sExpectations {
    /// The flags as overrides of the profile.
    pub fn options(&self) -> AuditOptions {
        AuditOptions {
            namespace: self.namespace.clone(),
            management: self.management.clone(),
            workload: self.workload.clone(),
            allow_pod_exec: self.allow_pod_exec.then_some(true),
            allow_rbac_read: self.allow_rbac_read.then_some(true),
            argo: self.argo.then_some(true),
        }
    }

    /// Audits the cluster dumps in `sources`.
    pub fn audit(&self, sources: &[SourceFile]) -> Result<Vec<Finding>, Error> {
        let profile = match &self.profile {
            Some(dir) => K8sProfile::load_dir(dir)?,
            None => K8sProfile::builtin()?,
        };
        Ok(k8s::audit(sources, &profile, &self.options())?)
    }
}

/// Audits the files and reports.
pub fn run(cli: &Cli, args: &K8sAuditArgs) -> Result<Status, Error> {
    let sources = read_sources(&args.files)?;
    let findings = args.expect.audit(&sources)?;
    let mut report = new_report("k8s-audit");
    report.catalog = None;
    report.extend_findings(findings);
    for source in sources {
        report.add_source(source.name, source.text);
    }
    render(cli, &mut report)?;
    Ok(decide(report.max_severity(), cli.fail_on, true))
}
