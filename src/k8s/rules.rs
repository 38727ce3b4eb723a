//! The rules of the Kubernetes RBAC audit.

use crate::declare_rule;
use crate::report::RuleMeta;

declare_rule! {
    /// ## What it does
    /// Compares a live Chalk Role or ClusterRole with the role Chalk documents, exactly: every
    /// (API group, resource, verb, resource name) class the live role allows and the documented
    /// one does not, with a concrete witness request such as `deletecollection secrets in
    /// namespace chalk`. A `*` is compared symbolically, so verbs no list names (`escalate`,
    /// `impersonate`, custom verbs) count.
    ///
    /// ## Why it matters
    /// Chalk's roles are reviewed once, from the documentation; a role that gained rules since
    /// holds access nobody approved. Drift on `secrets` or with `*` verbs is the usual way a
    /// narrow service account becomes a path to every credential in the namespace.
    ///
    /// ## Example
    /// Live rule `{apiGroups: [""], resources: [secrets], verbs: ["*"]}` in
    /// `chalk-management-role`, documented verbs `get, list, watch, create, patch, update,
    /// delete`. Witness: `deletecollection secrets in namespace chalk`.
    ///
    /// ## Remediation
    /// Restore the documented rules (`kubectl apply` the documented role), or record the
    /// extra access as approved by changing the profile.
    ///
    /// ## References
    /// - https://kubernetes.io/docs/reference/access-authn-authz/rbac/
    /// - Chalk documentation, "Deploying Chalk to your AWS account", Kubernetes roles
    pub struct GrantBeyondBaseline {
        id: "rbac-grant-beyond-baseline",
        severity: High,
        summary: "a Chalk role grants requests its documented role does not",
    }
}

declare_rule! {
    /// ## What it does
    /// Reports the request classes the documented Chalk role allows and the live role does not,
    /// with a witness request.
    ///
    /// ## Why it matters
    /// Missing access is safe, but it breaks the Chalk feature that needs it (log rendering,
    /// autoscaling, job management) in ways that are slow to diagnose.
    ///
    /// ## Example
    /// The documented `chalk-cluster-management-role` allows `watch nodes`; the live role lists
    /// only `get` and `list`.
    ///
    /// ## Remediation
    /// Re-apply the documented role, or confirm the feature is unused.
    ///
    /// ## References
    /// - https://kubernetes.io/docs/reference/access-authn-authz/rbac/
    pub struct BaselineGrantMissing {
        id: "rbac-baseline-grant-missing",
        severity: Low,
        summary: "a Chalk role lacks a grant its documented role has",
    }
}

declare_rule! {
    /// ## What it does
    /// Reports a role bound to one of Chalk's subjects that allows `escalate` or `bind` on roles
    /// or cluster roles, `impersonate` on users, groups or service accounts, or lists `*` verbs
    /// on `*` resources.
    ///
    /// ## Why it matters
    /// Each of these lets the holder give itself any permission: `escalate` edits a role beyond
    /// its own rights, `bind` grants any role, `impersonate` acts as anyone, and `*` on `*` is
    /// already everything. None of Chalk's documented roles needs them.
    ///
    /// ## Example
    /// `ClusterRoleBinding chalk-admin` binds `cluster-admin` (`*` verbs on `*` resources) to
    /// `ServiceAccount chalk/chalk-management`.
    ///
    /// ## Remediation
    /// Remove the binding, and bind only the documented roles.
    ///
    /// ## References
    /// - https://kubernetes.io/docs/concepts/security/rbac-good-practices/#privilege-escalation-risks
    pub struct DangerousVerb {
        id: "rbac-dangerous-verb",
        severity: Critical,
        summary: "a Chalk subject can escalate, bind, impersonate, or use every verb on every resource",
    }
}

declare_rule! {
    /// ## What it does
    /// Reports a ClusterRoleBinding that gives one of Chalk's subjects `get`, `list` or `watch`
    /// on `secrets` cluster-wide.
    ///
    /// ## Why it matters
    /// Chalk documents secret access only inside its own namespace. Cluster-wide read exposes
    /// every service-account token and credential of the cluster.
    ///
    /// ## Example
    /// A ClusterRole with `{resources: [secrets], verbs: [get, list]}` bound to
    /// `ServiceAccount chalk/chalk-management` through a ClusterRoleBinding.
    ///
    /// ## Remediation
    /// Grant secrets through a RoleBinding in Chalk's namespace only.
    ///
    /// ## References
    /// - https://kubernetes.io/docs/concepts/security/rbac-good-practices/#listing-secrets
    pub struct SecretsClusterWide {
        id: "rbac-secrets-cluster-wide",
        severity: High,
        summary: "a Chalk subject can read secrets in every namespace",
    }
}

declare_rule! {
    /// ## What it does
    /// Reports `pods/exec` held by one of Chalk's subjects when the profile does not enable
    /// Chalk's optional exec rule (`allow_pod_exec`, `--allow-pod-exec`).
    ///
    /// ## Why it matters
    /// `pods/exec` runs commands inside containers and reads whatever they can, mounted secrets
    /// included. Chalk documents it as optional (thread dumps, profiling); a deployment that did
    /// not opt in should not grant it.
    ///
    /// ## Example
    /// `chalk-management-role` keeps the rule `{resources: [pods/exec], verbs: [create, get]}`.
    ///
    /// ## Remediation
    /// Remove the rule, or enable it knowingly with `--allow-pod-exec`.
    ///
    /// ## References
    /// - https://kubernetes.io/docs/concepts/security/rbac-good-practices/#exec
    pub struct PodExec {
        id: "rbac-pod-exec",
        severity: Medium,
        summary: "a Chalk subject can exec into pods though the optional rule is off",
    }
}

declare_rule! {
    /// ## What it does
    /// Reports a binding of a documented Chalk role to a subject the profile does not name as
    /// its holder, and a binding of one of Chalk's subjects to any role that is not documented
    /// for it (such as `cluster-admin`).
    ///
    /// ## Why it matters
    /// Bindings decide who holds what: a clean role bound to the wrong account, or Chalk's
    /// account bound to a broad role, undoes the least-privilege design as surely as an edited
    /// role.
    ///
    /// ## Example
    /// `ClusterRoleBinding chalk-admin` binds `cluster-admin` to
    /// `ServiceAccount chalk/chalk-management`.
    ///
    /// ## Remediation
    /// Delete the binding, or name the subject with `--management-subject`/`--workload-subject`
    /// when it really is Chalk's.
    ///
    /// ## References
    /// - https://kubernetes.io/docs/reference/access-authn-authz/rbac/#rolebinding-and-clusterrolebinding
    pub struct UnexpectedBinding {
        id: "rbac-unexpected-binding",
        severity: High,
        summary: "a documented role is bound to someone else, or a Chalk subject to another role",
    }
}

declare_rule! {
    /// ## What it does
    /// Reports a documented role that the input does not contain, and a binding of a Chalk
    /// subject to a role that is not in the input (its grants cannot be checked).
    ///
    /// ## Why it matters
    /// An absent role breaks the Chalk features that need it; an unresolvable binding hides what
    /// Chalk's account can do. Both can also mean the dump is incomplete.
    ///
    /// ## Example
    /// No `Role chalk/chalk-job-reader` in the output of `kubectl get roles -A -o json`.
    ///
    /// ## Remediation
    /// Create the documented role, or dump every RBAC object with
    /// `kubectl get clusterroles,roles,clusterrolebindings,rolebindings -A -o json`.
    ///
    /// ## References
    /// - https://kubernetes.io/docs/reference/access-authn-authz/rbac/
    pub struct RoleNotFound {
        id: "rbac-role-not-found",
        severity: Medium,
        summary: "a documented Chalk role, or a role bound to a Chalk subject, is not in the input",
    }
}

/// Every rule of the Kubernetes audit, in listing order.
pub const RULES: &[RuleMeta] = &[
    GrantBeyondBaseline::META,
    BaselineGrantMissing::META,
    DangerousVerb::META,
    SecretsClusterWide::META,
    PodExec::META,
    UnexpectedBinding::META,
    RoleNotFound::META,
];
