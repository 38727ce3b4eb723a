//! `privilege-escalation`: grants that let the holder raise its own privileges.

use crate::catalog::split_arn;
use crate::catalog::text::FastMap;
use crate::declare_rule;
use crate::lint::context::{summarize_list, LintContext, PolicyKind};
use crate::policy::{Effect, Policy, Pos, Statement};
use crate::report::Finding;

use super::grants::{
    action_list_covers, is_only_wildcards, is_restricting, matching_action_item, wildcard_match,
};

declare_rule! {
    /// ## What it does
    ///
    /// Flags each known privilege-escalation path that an identity policy grants as a whole:
    /// every required action is allowed by some `Allow` statement of the policy (after
    /// expanding wildcards such as `iam:*`, `iam:Put*` or `*`, and counting `NotAction`
    /// statements), on a resource pattern that can match an IAM principal ARN of the type the
    /// action acts on. One finding per path, located at the first statement granting the
    /// path's key action (its first action).
    ///
    /// | path | required actions | why |
    /// | --- | --- | --- |
    /// | `pass-any-role` | `iam:PassRole` on any role | hands any role, including admin ones, to a service the holder controls |
    /// | `put-role-policy` | `iam:PutRolePolicy` on a role | writes an inline admin policy into a role (its own) |
    /// | `attach-role-policy` | `iam:AttachRolePolicy` on a role | attaches `AdministratorAccess` to a role |
    /// | `update-assume-role-policy` | `iam:UpdateAssumeRolePolicy` on a role | lets itself assume a more privileged role |
    /// | `put-user-policy` | `iam:PutUserPolicy` on a user | writes an inline admin policy into a user |
    /// | `attach-user-policy` | `iam:AttachUserPolicy` on a user | attaches an admin policy to a user |
    /// | `put-group-policy` | `iam:PutGroupPolicy` on a group | writes an admin policy into a group it is in |
    /// | `attach-group-policy` | `iam:AttachGroupPolicy` on a group | attaches an admin policy to a group |
    /// | `add-user-to-group` | `iam:AddUserToGroup` on a group | joins a more privileged group |
    /// | `create-policy-version` | `iam:CreatePolicyVersion` on a policy | rewrites a managed policy attached to itself (new default version) |
    /// | `set-default-policy-version` | `iam:SetDefaultPolicyVersion` on a policy | reverts a managed policy to a more permissive version |
    /// | `create-access-key` | `iam:CreateAccessKey` on a user | gets credentials of another user |
    /// | `create-login-profile` | `iam:CreateLoginProfile` on a user | sets a console password for another user |
    /// | `update-login-profile` | `iam:UpdateLoginProfile` on a user | resets another user's console password |
    /// | `assume-any-role` | `sts:AssumeRole` on any role | becomes any role that trusts the account |
    /// | `pass-role-ec2` | `iam:PassRole` on any role + `ec2:RunInstances` | launches an instance with a privileged instance profile and reads its credentials |
    /// | `pass-role-lambda-invoke` | `iam:PassRole` on any role + `lambda:CreateFunction` + `lambda:InvokeFunction` | runs its own code as a privileged role |
    /// | `pass-role-lambda-event-source` | `iam:PassRole` on any role + `lambda:CreateFunction` + `lambda:CreateEventSourceMapping` | runs its own code as a privileged role, triggered by an event source |
    /// | `pass-role-cloudformation` | `iam:PassRole` on any role + `cloudformation:CreateStack` | provisions anything a privileged role may create |
    /// | `pass-role-glue` | `iam:PassRole` on any role + `glue:CreateDevEndpoint` | opens a shell on an endpoint running as a privileged role |
    /// | `pass-role-data-pipeline` | `iam:PassRole` on any role + `datapipeline:CreatePipeline` + `datapipeline:PutPipelineDefinition` | runs commands as a privileged role |
    /// | `create-role-attach-assume` | `iam:CreateRole` + `iam:AttachRolePolicy` + `sts:AssumeRole` on roles | creates a role it can assume and attaches an admin policy |
    /// | `create-role-put-assume` | `iam:CreateRole` + `iam:PutRolePolicy` + `sts:AssumeRole` on roles | creates a role it can assume and writes an admin policy into it |
    ///
    /// Kept simple, and documented:
    /// - Resource scope: "on a role/user/group/policy" means a `Resource` item that can match
    ///   an ARN of that IAM resource type (`*`, `arn:aws:iam::*:role/chalk-*` both do: the
    ///   holder's own role may match). "On any role" means `*` or a role ARN whose name is
    ///   only wildcards (`arn:aws:iam::123456789012:role/*`); `iam:PassRole` on named roles is
    ///   least privilege and is not flagged. Actions other than IAM/STS ones (`ec2:RunInstances`)
    ///   count on any resource. `NotResource` counts unless it excludes everything.
    /// - Conditions are not evaluated, except that a `PassRole` grant whose statement restricts
    ///   `iam:PassedToService` to other services does not count for a path through a service.
    ///   The finding lists the granting statements' restricting conditions under
    ///   `conditions not evaluated`, so that a reviewer sees at once when one blocks the path
    ///   (an `iam:PolicyARN` condition naming only harmless policies, say).
    /// - A `Deny` statement without conditions, on a resource that is only wildcards, removes
    ///   the actions it covers.
    /// - `create-access-key`, `create-login-profile` and `update-login-profile` do not count a
    ///   resource that names only the caller's own user through the policy variable
    ///   (`arn:aws:iam::*:user/${aws:username}`, in `2012-10-17` documents where variables are
    ///   substituted): managing one's own credentials is self-service, not escalation.
    /// - Only identity policies are checked: in resource and trust policies the grant goes to
    ///   someone else.
    ///
    /// ## Why it matters
    ///
    /// Each path turns a limited role into an administrator of the account: the policy's
    /// other restrictions stop meaning anything.
    ///
    /// ## Example
    ///
    /// ```json
    /// {
    ///   "Version": "2012-10-17",
    ///   "Statement": [{ "Effect": "Allow", "Action": ["iam:PassRole", "ec2:RunInstances"], "Resource": "*" }]
    /// }
    /// ```
    ///
    /// ## Remediation
    ///
    /// Scope `iam:PassRole` to the roles the workload must pass (and add an
    /// `iam:PassedToService` condition), scope IAM write actions to resources the holder does
    /// not act as, and attach a permissions boundary to roles the holder may create.
    ///
    /// ## References
    ///
    /// - https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html
    /// - https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html
    /// - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#ck_PassedToService
    pub struct PrivilegeEscalation {
        id: "privilege-escalation",
        severity: Critical,
        summary: "the policy grants a known privilege-escalation path (`iam:PassRole` on any role, `iam:PutRolePolicy`...)",
    }
}

/// Which resources a step's action must be allowed on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    /// Any resource (the action is not an IAM one).
    Any,
    /// Every role: `*` or `role/<wildcards>`.
    AnyRole,
    /// At least one ARN of this IAM resource type (`role`, `user`, `group`, `policy`).
    IamType(&'static str),
}

/// One action a path needs.
#[derive(Debug, Clone, Copy)]
struct Step {
    action: &'static str,
    scope: Scope,
}

/// An escalation path: all steps are needed; the first is the key action.
#[derive(Debug, Clone, Copy)]
struct EscalationPath {
    id: &'static str,
    steps: &'static [Step],
    /// The service principal a `PassRole` step passes the role to.
    passed_to: Option<&'static str>,
    /// Whether granting the path on the caller's own user (`user/${aws:username}`) is
    /// self-service rather than escalation (managing one's own credentials).
    self_service: bool,
    why: &'static str,
}

const fn step(action: &'static str, scope: Scope) -> Step {
    Step { action, scope }
}

const PASS_ANY: Step = step("iam:PassRole", Scope::AnyRole);
const ROLE: Scope = Scope::IamType("role");
const USER: Scope = Scope::IamType("user");
const GROUP: Scope = Scope::IamType("group");
const POLICY: Scope = Scope::IamType("policy");

const fn single(id: &'static str, steps: &'static [Step], why: &'static str) -> EscalationPath {
    EscalationPath {
        id,
        steps,
        passed_to: None,
        self_service: false,
        why,
    }
}

/// A path through another user's credentials: harmless on the caller's own user.
const fn credentials(
    id: &'static str,
    steps: &'static [Step],
    why: &'static str,
) -> EscalationPath {
    EscalationPath {
        id,
        steps,
        passed_to: None,
        self_service: true,
        why,
    }
}

const fn via(
    id: &'static str,
    steps: &'static [Step],
    service: &'static str,
    why: &'static str,
) -> EscalationPath {
    EscalationPath {
        id,
        steps,
        passed_to: Some(service),
        self_service: false,
        why,
    }
}

/// The paths, in the order of the table in the rule's documentation.
const PATHS: &[EscalationPath] = &[
    single(
        "pass-any-role",
        &[PASS_ANY],
        "it can hand any role, including administrator roles, to a service it controls",
    ),
    single(
        "put-role-policy",
        &[step("iam:PutRolePolicy", ROLE)],
        "it can write an inline administrator policy into a role, possibly its own",
    ),
    single(
        "attach-role-policy",
        &[step("iam:AttachRolePolicy", ROLE)],
        "it can attach `AdministratorAccess` to a role, possibly its own",
    ),
    single(
        "update-assume-role-policy",
        &[step("iam:UpdateAssumeRolePolicy", ROLE)],
        "it can make a more privileged role trust it and assume it",
    ),
    single(
        "put-user-policy",
        &[step("iam:PutUserPolicy", USER)],
        "it can write an inline administrator policy into a user",
    ),
    single(
        "attach-user-policy",
        &[step("iam:AttachUserPolicy", USER)],
        "it can attach an administrator policy to a user",
    ),
    single(
        "put-group-policy",
        &[step("iam:PutGroupPolicy", GROUP)],
        "it can write an administrator policy into a group",
    ),
    single(
        "attach-group-policy",
        &[step("iam:AttachGroupPolicy", GROUP)],
        "it can attach an administrator policy to a group",
    ),
    single(
        "add-user-to-group",
        &[step("iam:AddUserToGroup", GROUP)],
        "it can join a more privileged group",
    ),
    single(
        "create-policy-version",
        &[step("iam:CreatePolicyVersion", POLICY)],
        "it can rewrite a managed policy attached to itself as a new default version",
    ),
    single(
        "set-default-policy-version",
        &[step("iam:SetDefaultPolicyVersion", POLICY)],
        "it can switch a managed policy to a more permissive version",
    ),
    credentials(
        "create-access-key",
        &[step("iam:CreateAccessKey", USER)],
        "it can create access keys for another user",
    ),
    credentials(
        "create-login-profile",
        &[step("iam:CreateLoginProfile", USER)],
        "it can set a console password for another user",
    ),
    credentials(
        "update-login-profile",
        &[step("iam:UpdateLoginProfile", USER)],
        "it can reset another user's console password",
    ),
    single(
        "assume-any-role",
        &[step("sts:AssumeRole", Scope::AnyRole)],
        "it can become any role that trusts the account",
    ),
    via(
        "pass-role-ec2",
        &[PASS_ANY, step("ec2:RunInstances", Scope::Any)],
        "ec2.amazonaws.com",
        "it can launch an instance with a privileged instance profile and use its credentials",
    ),
    via(
        "pass-role-lambda-invoke",
        &[
            PASS_ANY,
            step("lambda:CreateFunction", Scope::Any),
            step("lambda:InvokeFunction", Scope::Any),
        ],
        "lambda.amazonaws.com",
        "it can run its own code as a privileged role",
    ),
    via(
        "pass-role-lambda-event-source",
        &[
            PASS_ANY,
            step("lambda:CreateFunction", Scope::Any),
            step("lambda:CreateEventSourceMapping", Scope::Any),
        ],
        "lambda.amazonaws.com",
        "it can run its own code as a privileged role, triggered by an event source",
    ),
    via(
        "pass-role-cloudformation",
        &[PASS_ANY, step("cloudformation:CreateStack", Scope::Any)],
        "cloudformation.amazonaws.com",
        "it can provision anything a privileged role may create",
    ),
    via(
        "pass-role-glue",
        &[PASS_ANY, step("glue:CreateDevEndpoint", Scope::Any)],
        "glue.amazonaws.com",
        "it can open a shell on a development endpoint running as a privileged role",
    ),
    via(
        "pass-role-data-pipeline",
        &[
            PASS_ANY,
            step("datapipeline:CreatePipeline", Scope::Any),
            step("datapipeline:PutPipelineDefinition", Scope::Any),
        ],
        "datapipeline.amazonaws.com",
        "it can run commands as a privileged role",
    ),
    single(
        "create-role-attach-assume",
        &[
            step("iam:CreateRole", ROLE),
            step("iam:AttachRolePolicy", ROLE),
            step("sts:AssumeRole", ROLE),
        ],
        "it can create a role that trusts it, attach an administrator policy and assume it",
    ),
    single(
        "create-role-put-assume",
        &[
            step("iam:CreateRole", ROLE),
            step("iam:PutRolePolicy", ROLE),
            step("sts:AssumeRole", ROLE),
        ],
        "it can create a role that trusts it, write an administrator policy into it and assume it",
    ),
];

/// Flags every escalation path the policy grants.
pub fn check(policy: &Policy, cx: &LintContext<'_>, out: &mut Vec<Finding>) {
    let meta = PrivilegeEscalation::META;
    if cx.kind != PolicyKind::Identity {
        return;
    }
    let allows: Vec<&Statement> = policy
        .statements
        .iter()
        .filter(|s| s.effect.value == Effect::Allow && s.principal.is_none())
        .collect();
    if allows.is_empty() {
        return;
    }
    // Policy variables are only substituted in `2012-10-17` documents.
    let variables = policy.supports_variables();
    // Many paths share step actions (`iam:PassRole` above all): which statements' action
    // lists cover an action, and whether a deny removes it, is decided once per action.
    let mut covering: FastMap<&'static str, Vec<&Statement>> = FastMap::default();
    'paths: for path in PATHS {
        // The statements granting each step; the path holds when none is empty.
        let mut grants: Vec<Vec<&Statement>> = Vec::with_capacity(path.steps.len());
        for step in path.steps {
            let candidates = covering.entry(step.action).or_insert_with(|| {
                if denied(policy, step.action) {
                    return Vec::new();
                }
                allows
                    .iter()
                    .copied()
                    .filter(|s| action_list_covers(&s.action, step.action))
                    .collect()
            });
            let granting: Vec<&Statement> = candidates
                .iter()
                .copied()
                .filter(|s| grants_step_on_scope(cx, s, step, path, variables))
                .collect();
            if granting.is_empty() {
                continue 'paths;
            }
            grants.push(granting);
        }
        let key = path.steps[0].action;
        let Some(first) = grants.first().and_then(|g| g.first()) else {
            continue;
        };
        let (pos, pointer) = key_location(first, key);
        let required: Vec<String> = path
            .steps
            .iter()
            .map(|s| match s.scope {
                Scope::AnyRole => format!("`{}` on any role", s.action),
                Scope::IamType(t) => format!("`{}` on a {t}", s.action),
                Scope::Any => format!("`{}`", s.action),
            })
            .collect();
        let granted_by: Vec<String> = path
            .steps
            .iter()
            .zip(&grants)
            .map(|(s, g)| {
                let labels: Vec<String> = g.iter().map(|st| st.label()).collect();
                format!("`{}` by {}", s.action, labels.join(", "))
            })
            .collect();
        let mut finding = Finding::new(
            meta.id,
            meta.severity,
            format!(
                "escalation path `{}`: {} granted, so {}",
                path.id,
                required.join(" + "),
                path.why
            ),
        )
        .at(cx.location(pos, pointer))
        .in_statement(first.label())
        .subject(key)
        .detail("path", path.id)
        .detail("granted by", granted_by.join("; "));
        let unevaluated = unevaluated_conditions(&grants);
        if !unevaluated.is_empty() {
            // The rule does not evaluate these; showing them lets a reviewer see at once
            // when one blocks the path (`iam:PolicyARN` naming a harmless policy).
            finding = finding.detail("conditions not evaluated", unevaluated.join("; "));
        }
        out.push(finding);
    }
}

/// The restricting conditions of the statements that grant a path, once each, as
/// `#1: ArnEquals iam:PolicyARN arn:aws:iam::aws:policy/AWSDenyAll`.
fn unevaluated_conditions(grants: &[Vec<&Statement>]) -> Vec<String> {
    let mut seen: Vec<(Option<usize>, usize)> = Vec::new();
    let mut out = Vec::new();
    for statement in grants.iter().flatten() {
        for (i, condition) in statement.conditions.iter().enumerate() {
            if !is_restricting(condition) || seen.contains(&(statement.index, i)) {
                continue;
            }
            seen.push((statement.index, i));
            let values: Vec<&str> = condition.values.iter().map(|v| v.value.as_str()).collect();
            out.push(format!(
                "{}: {} {} {}",
                statement.label(),
                condition.operator.value,
                condition.key.value,
                summarize_list(&values, 3)
            ));
        }
    }
    out
}

/// Where a statement grants `action`: the matching `Action` item, or the `NotAction` element.
fn key_location(statement: &Statement, action: &str) -> (Pos, String) {
    match matching_action_item(&statement.action, action) {
        Some(item) => (item.pos, statement.action_pointer(item)),
        None => (
            statement.action.pos,
            format!(
                "{}/{}",
                statement.pointer(),
                if statement.action.negated {
                    "NotAction"
                } else {
                    "Action"
                }
            ),
        ),
    }
}

/// Whether an `Allow` statement whose action list covers `step`'s action grants it on the
/// step's scope.
fn grants_step_on_scope(
    cx: &LintContext<'_>,
    statement: &Statement,
    step: &Step,
    path: &EscalationPath,
    variables: bool,
) -> bool {
    if let (Some(service), true) = (path.passed_to, step.action == "iam:PassRole") {
        if !passes_to(statement, service) {
            return false;
        }
    }
    let Some(resources) = &statement.resource else {
        return false;
    };
    if resources.negated {
        return !resources.items.iter().any(|i| is_only_wildcards(&i.value));
    }
    resources.items.iter().any(|i| {
        !(path.self_service && variables && is_own_user(&i.value))
            && in_scope(cx, &i.value, step.scope)
    })
}

/// Whether a resource pattern names only the caller's own IAM user:
/// `arn:aws:iam::<account or *>:user/[path/]${aws:username}`. User names are unique in an
/// account whatever their path, so a wildcard path still names the caller.
fn is_own_user(pattern: &str) -> bool {
    let Some(arn) = split_arn(pattern) else {
        return false;
    };
    let Some(rest) = arn.resource.strip_prefix("user/") else {
        return false;
    };
    let name = rest.rsplit('/').next().unwrap_or(rest);
    arn.service.eq_ignore_ascii_case("iam")
        && arn.region.is_empty()
        && name.eq_ignore_ascii_case("${aws:username}")
}

/// Whether the statement's `iam:PassedToService` conditions (if any) allow `service`.
fn passes_to(statement: &Statement, service: &str) -> bool {
    statement
        .conditions
        .iter()
        .filter(|c| c.key.value.eq_ignore_ascii_case("iam:PassedToService") && is_restricting(c))
        .all(|c| c.values.iter().any(|v| wildcard_match(&v.value, service)))
}

/// Whether a resource pattern reaches the step's scope.
fn in_scope(cx: &LintContext<'_>, pattern: &str, scope: Scope) -> bool {
    if is_only_wildcards(pattern) {
        return pattern.contains('*');
    }
    match scope {
        Scope::Any => true,
        Scope::AnyRole => split_arn(pattern).is_some_and(|arn| {
            (arn.service.eq_ignore_ascii_case("iam") || is_only_wildcards(arn.service))
                && (arn.region.is_empty() || is_only_wildcards(arn.region))
                && (is_only_wildcards(arn.resource)
                    || arn
                        .resource
                        .strip_prefix("role/")
                        .or_else(|| {
                            arn.resource
                                .strip_prefix("role")
                                .filter(|r| r.starts_with('*'))
                        })
                        .is_some_and(|rest| is_only_wildcards(rest) && rest.contains('*')))
        }),
        Scope::IamType(name) => cx
            .catalog
            .service("iam")
            .and_then(|s| s.resource_type(name))
            .is_some_and(|rt| {
                rt.arn_formats
                    .iter()
                    .any(|f| cx.arn_format_may_match(f, pattern))
            }),
    }
}

/// Whether an unconditional `Deny` on every resource removes `action`.
fn denied(policy: &Policy, action: &str) -> bool {
    policy.statements.iter().any(|s| {
        s.effect.value == Effect::Deny
            && s.principal.is_none()
            && s.conditions.is_empty()
            && action_list_covers(&s.action, action)
            && s.resource.as_ref().is_some_and(|r| {
                !r.negated
                    && r.items
                        .iter()
                        .any(|i| is_only_wildcards(&i.value) && i.value.contains('*'))
            })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::rules::grants::{places, run_check};

    fn paths(findings: &[Finding]) -> Vec<&str> {
        findings
            .iter()
            .filter_map(|f| {
                f.details
                    .iter()
                    .find(|(k, _)| k == "path")
                    .map(|(_, v)| v.as_str())
            })
            .collect()
    }

    #[test]
    fn flags_paths_across_statements_after_expanding_wildcards() {
        let findings = run_check(
            include_str!("../../../fixtures/lint/privilege-escalation/flagged.json"),
            PolicyKind::Identity,
            check,
        );
        assert_eq!(
            paths(&findings),
            vec![
                "pass-any-role",
                "put-role-policy",
                "pass-role-ec2",
                "pass-role-lambda-invoke"
            ]
        );
        assert_eq!(
            places(&findings),
            vec![
                (13, 17, "/Statement/1/Action".to_string()),
                (6, 18, "/Statement/0/Action/0".to_string()),
                (13, 17, "/Statement/1/Action".to_string()),
                (13, 17, "/Statement/1/Action".to_string()),
            ]
        );
        assert!(findings.iter().all(|f| f.rule == "privilege-escalation"));
        assert_eq!(findings[2].subject.as_deref(), Some("iam:PassRole"));
    }

    #[test]
    fn accepts_named_roles_other_services_and_denied_actions() {
        let findings = run_check(
            include_str!("../../../fixtures/lint/privilege-escalation/clean.json"),
            PolicyKind::Identity,
            check,
        );
        assert!(findings.is_empty(), "{findings:?}");
    }

    #[test]
    fn flags_the_chalk_broad_policy() {
        let findings = run_check(
            include_str!("../../../fixtures/chalk/broad.json"),
            PolicyKind::Identity,
            check,
        );
        assert_eq!(
            paths(&findings),
            vec![
                "pass-any-role",
                "put-role-policy",
                "attach-role-policy",
                "update-assume-role-policy",
                "create-policy-version",
                "pass-role-ec2",
                "pass-role-glue",
            ]
        );
    }

    #[test]
    fn flags_not_action_grants_at_the_element() {
        let findings = run_check(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":"s3:*","Resource":"*"}]}"#,
            PolicyKind::Identity,
            check,
        );
        assert!(paths(&findings).contains(&"create-access-key"));
        assert_eq!(findings[0].location.pointer, "/Statement/0/NotAction");
    }

    #[test]
    fn accepts_credential_management_on_the_caller_own_user() {
        let findings = run_check(
            include_str!("../../../fixtures/lint/privilege-escalation/self-service.json"),
            PolicyKind::Identity,
            check,
        );
        // Statement 1 scopes the credential actions to `${aws:username}` only; statement 2
        // also names another user, which is still a path.
        assert_eq!(paths(&findings), vec!["create-access-key"]);
        assert_eq!(findings[0].location.pointer, "/Statement/2/Action");
    }

    #[test]
    fn flags_the_self_reference_where_variables_are_not_substituted() {
        let text = include_str!("../../../fixtures/lint/privilege-escalation/self-service.json")
            .replace("2012-10-17", "2008-10-17");
        let findings = run_check(&text, PolicyKind::Identity, check);
        assert_eq!(
            paths(&findings),
            vec![
                "create-access-key",
                "create-login-profile",
                "update-login-profile"
            ]
        );
    }

    #[test]
    fn recognises_only_exact_own_user_references() {
        assert!(is_own_user("arn:aws:iam::*:user/${aws:username}"));
        assert!(is_own_user(
            "arn:aws:iam::111122223333:user/dev/${AWS:UserName}"
        ));
        assert!(!is_own_user("arn:aws:iam::*:user/*${aws:username}"));
        assert!(!is_own_user("arn:aws:iam::*:user/${aws:username}*"));
        assert!(!is_own_user("arn:aws:iam::*:role/${aws:username}"));
        assert!(!is_own_user("arn:aws:iam::*:user/*"));
    }

    #[test]
    fn lists_the_conditions_it_does_not_evaluate() {
        let policy = r#"{"Version":"2012-10-17","Statement":[{"Sid":"Attach","Effect":"Allow",
            "Action":"iam:AttachRolePolicy","Resource":"*",
            "Condition":{"ArnEquals":{"iam:PolicyARN":"arn:aws:iam::aws:policy/AWSDenyAll"}}}]}"#;
        let found = run_check(policy, PolicyKind::Identity, check);
        let attach = found.iter().find(|f| {
            f.details
                .iter()
                .any(|d| d == &("path".into(), "attach-role-policy".into()))
        });
        let details = attach.map(|f| f.details.clone()).unwrap_or_default();
        assert!(
            details.contains(&(
                "conditions not evaluated".to_string(),
                "Attach: ArnEquals iam:PolicyARN arn:aws:iam::aws:policy/AWSDenyAll".to_string()
            )),
            "{details:?}"
        );
    }

    #[test]
    fn every_path_is_documented() {
        for path in PATHS {
            assert!(
                PrivilegeEscalation::META
                    .docs
                    .contains(&format!("| `{}` |", path.id)),
                "`{}` is missing from the docs table",
                path.id
            );
        }
    }
}
