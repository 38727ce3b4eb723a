//! Chalk's roles: recognition, the exact comparison with the documented
//! policies, attached managed policies, and lint of their documents.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::rc::Rc;

use super::rules::{
    BaselineGrantMissing, ExtraManagedPolicy, GrantBeyondBaseline, PolicyDocumentMissing,
};
use super::source::{split_origin, LoadedPolicy, SnapshotFiles};
use super::{trust, AuditError, AuditOptions, RoleStatus};
use crate::account::{Account, PolicyText, Role};
use crate::baseline::{Params, Profile, RoleKind};
use crate::catalog::Catalog;
use crate::diff::{compare, Comparison, Difference, PolicySet, Side};
use crate::eval::Request;
use crate::lint::{lint_policy, lint_policy_in_account};
use crate::policy::{parse_policy, Policy};
use crate::report::{Finding, Location};

/// What the role pass found.
pub struct RoleResults {
    /// Each recognised role with its status.
    pub roles: Vec<(String, RoleStatus)>,
    /// Names of every role recognised as Chalk's.
    pub chalk_roles: HashSet<String>,
    /// Kinds of the recognised roles.
    pub kinds: BTreeSet<String>,
}

/// Compiled documented policies per kind, rendered once.
#[derive(Default)]
struct Baselines {
    by_kind: HashMap<String, Rc<Vec<Policy>>>,
}

impl Baselines {
    fn get(
        &mut self,
        profile: &Profile,
        kind: &RoleKind,
        params: &Params,
    ) -> Result<Rc<Vec<Policy>>, AuditError> {
        if let Some(found) = self.by_kind.get(&kind.id) {
            return Ok(found.clone());
        }
        let mut policies = Vec::new();
        for id in &kind.policies {
            let text = profile.render(id, params)?;
            let policy = parse_policy(&text).map_err(|errors| AuditError::Baseline {
                id: id.clone(),
                message: errors
                    .first()
                    .map(|e| e.message.clone())
                    .unwrap_or_default(),
            })?;
            policies.push(policy);
        }
        let policies = Rc::new(policies);
        self.by_kind.insert(kind.id.clone(), policies.clone());
        Ok(policies)
    }
}

/// The canonical JSON of a document: member order kept, whitespace dropped.
fn canonical(text: &str) -> String {
    serde_json::from_str::<serde_json::Value>(text)
        .map(|v| v.to_string())
        .unwrap_or_else(|_| text.to_string())
}

/// Whether `role` is Chalk's: named by `--role`, trusting Chalk's principal, or named like it.
fn is_chalk_role(role: &Role, profile: &Profile, options: &AuditOptions) -> bool {
    if options
        .role_kinds
        .iter()
        .any(|(name, _)| name.eq_ignore_ascii_case(&role.name))
    {
        return true;
    }
    if profile.is_vendor_role_name(&role.name) {
        return true;
    }
    // Cheap textual pre-check, confirmed on the parsed trust policy.
    profile
        .recognition
        .trusted_principals
        .iter()
        .any(|p| role.trust_policy.text.contains(p.as_str()))
        && parse_policy(&role.trust_policy.text).is_ok_and(|policy| {
            policy.statements.iter().any(|s| {
                s.principal.as_ref().is_some_and(|p| {
                    p.entries
                        .iter()
                        .any(|(_, item)| profile.is_vendor_principal(&item.value))
                })
            })
        })
}

/// The names of the roles of `account` recognised as Chalk's (those [`audit_roles`]
/// audits and reports in [`RoleResults::chalk_roles`]).
pub fn chalk_role_names(
    account: &Account,
    profile: &Profile,
    options: &AuditOptions,
) -> HashSet<String> {
    account
        .roles
        .iter()
        .filter(|r| is_chalk_role(r, profile, options))
        .map(|r| r.name.clone())
        .collect()
}

/// The (rule, subject) of every lint finding the documented policies themselves
/// have, such as Chalk's service wildcards: on a vendor role they are the documented
/// design, not drift, and the exact comparison reports any widening of them.
fn documented_lint_findings(
    profile: &Profile,
    params: &Params,
) -> HashSet<(&'static str, Option<String>)> {
    let mut found = Vec::new();
    for documented in &profile.policies {
        // A policy that cannot be rendered here (a missing parameter) is not compared either.
        let Ok(text) = profile.render(&documented.id, params) else {
            continue;
        };
        if let Ok(policy) = crate::policy::parse_policy(&text) {
            lint_policy(&documented.id, &policy, &mut found);
        }
    }
    found.into_iter().map(|f| (f.rule, f.subject)).collect()
}

/// Audits every Chalk role of `account`.
pub fn audit_roles(
    account: &Account,
    files: &SnapshotFiles<'_>,
    profile: &Profile,
    options: &AuditOptions,
    params: &Params,
    out: &mut Vec<Finding>,
) -> Result<RoleResults, AuditError> {
    let catalog = Catalog::get();
    let mut baselines = Baselines::default();
    let mut comparisons: HashMap<String, Rc<Comparison>> = HashMap::new();
    let mut extra_cache: HashMap<(String, String), bool> = HashMap::new();
    let mut linted: HashSet<String> = HashSet::new();
    let by_design = documented_lint_findings(profile, params);
    // Principals of the audited account itself are not third parties for the trust lint.
    let own_account = options
        .account_id
        .as_deref()
        .or(account.account_id.as_deref());
    // AWS's own managed policies are not linted here: attaching one is the finding
    // (`extra-managed-policy`), its content is AWS's.
    let aws_managed: HashSet<&str> = account
        .managed_policies
        .iter()
        .filter(|p| p.is_aws_managed)
        .map(|p| p.default_version_document.origin.as_str())
        .collect();
    let mut results = RoleResults {
        roles: Vec::new(),
        chalk_roles: HashSet::new(),
        kinds: BTreeSet::new(),
    };

    for role in account
        .roles
        .iter()
        .filter(|r| is_chalk_role(r, profile, options))
    {
        results.chalk_roles.insert(role.name.clone());
        let before = out.len();
        let mut comparable = true;
        let role_pointer = split_origin(&role.trust_policy.origin)
            .1
            .trim_end_matches("/AssumeRolePolicyDocument")
            .to_string();
        let role_file = split_origin(&role.trust_policy.origin).0.to_string();
        let role_location = files.location(&role_file, &role_pointer);

        let mut load = |text: &PolicyText, out: &mut Vec<Finding>| match files.load(text) {
            Ok(loaded) => {
                if !aws_managed.contains(text.origin.as_str()) && linted.insert(text.origin.clone())
                {
                    if let Some(policy) = loaded.policy() {
                        let mut found = Vec::new();
                        lint_policy_in_account(&loaded.file, policy, own_account, &mut found);
                        out.extend(
                            found
                                .into_iter()
                                .filter(|f| !by_design.contains(&(f.rule, f.subject.clone())))
                                .map(|f| loaded.relocate(f)),
                        );
                    }
                }
                Some(loaded)
            }
            Err(errors) => {
                out.extend(errors);
                None
            }
        };

        let trust_policy = load(&role.trust_policy, out);
        let mut identity: Vec<(String, String, LoadedPolicy)> = Vec::new();
        for (_, text) in &role.inline {
            match load(text, out) {
                Some(loaded) => identity.push((canonical(&text.text), String::new(), loaded)),
                None => comparable = false,
            }
        }
        for arn in &role.attached {
            match account.managed_policy(arn) {
                Some(managed) => match load(&managed.default_version_document, out) {
                    Some(loaded) => identity.push((
                        canonical(&managed.default_version_document.text),
                        arn.clone(),
                        loaded,
                    )),
                    None => comparable = false,
                },
                None => {
                    comparable = false;
                    out.push(missing_document(
                        &role.name,
                        arn,
                        "attached",
                        &role_location,
                    ));
                }
            }
        }
        let mut boundary: Option<(String, LoadedPolicy)> = None;
        if let Some(arn) = &role.boundary {
            match account.managed_policy(arn) {
                Some(managed) => match load(&managed.default_version_document, out) {
                    Some(loaded) => {
                        boundary = Some((canonical(&managed.default_version_document.text), loaded))
                    }
                    None => comparable = false,
                },
                None => {
                    comparable = false;
                    out.push(missing_document(
                        &role.name,
                        arn,
                        "boundary",
                        &role_location,
                    ));
                }
            }
        }

        // The kind: `--role` first, then the profile's choice.
        let granted: BTreeSet<String> = identity
            .iter()
            .filter_map(|(_, _, l)| l.policy())
            .flat_map(|p| p.statements.iter())
            .flat_map(|s| s.action.items.iter().map(|i| i.value.clone()))
            .collect();
        let kind = match options
            .role_kinds
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(&role.name))
        {
            Some((_, id)) => Some(profile.role_kind(id).ok_or_else(|| {
                AuditError::UnknownKind {
                    kind: id.clone(),
                    known: profile
                        .role_kinds
                        .iter()
                        .map(|k| format!("`{}`", k.id))
                        .collect::<Vec<_>>()
                        .join(", "),
                }
            })?),
            None => profile.choose_kind(&role.name, &granted).map(|c| c.kind()),
        };

        if let Some(trust_policy) = &trust_policy {
            trust::check(
                &role.name,
                trust_policy,
                profile,
                options.external_id.as_deref(),
                files,
                out,
            );
        }

        let Some(kind) = kind else {
            results.roles.push((role.name.clone(), RoleStatus::NoKind));
            continue;
        };
        results.kinds.insert(kind.id.clone());
        let documented = baselines.get(profile, kind, params)?;
        let documented_refs: Vec<&Policy> = documented.iter().collect();

        // Attached managed policies outside the documented role.
        for arn in &role.attached {
            let meta = ExtraManagedPolicy::META;
            let is_extra = if crate::account::is_aws_managed_arn(arn) {
                true
            } else {
                match identity.iter().find(|(_, a, _)| a == arn) {
                    Some((canon, _, loaded)) => *extra_cache
                        .entry((kind.id.clone(), canon.clone()))
                        .or_insert_with(|| {
                            loaded.policy().is_some_and(|policy| {
                                let alone = compare(
                                    PolicySet {
                                        identity: &documented_refs,
                                        boundaries: &[],
                                    },
                                    PolicySet {
                                        identity: &[policy],
                                        boundaries: &[],
                                    },
                                    catalog,
                                );
                                !alone.added.is_empty() || !alone.unproven.is_empty()
                            })
                        }),
                    None => false,
                }
            };
            if is_extra {
                let index = role.attached.iter().position(|a| a == arn).unwrap_or(0);
                let location = files.location(
                    &role_file,
                    &format!("{role_pointer}/AttachedManagedPolicies/{index}"),
                );
                out.push(
                    Finding::new(
                        meta.id,
                        meta.severity,
                        format!(
                            "role `{}` has `{arn}` attached, which the documented `{}` role does not include",
                            role.name, kind.id
                        ),
                    )
                    .at(location)
                    .subject(arn.clone()),
                );
            }
        }

        if !comparable {
            results
                .roles
                .push((role.name.clone(), RoleStatus::NotCompared));
            continue;
        }

        // The exact comparison, cached by the canonical effective set.
        identity.sort_by(|a, b| a.0.cmp(&b.0));
        let mut key = format!("{}\u{0}", kind.id);
        for (canon, _, _) in &identity {
            key.push_str(canon);
            key.push('\u{0}');
        }
        key.push('\u{1}');
        if let Some((canon, _)) = &boundary {
            key.push_str(canon);
        }
        let new_identity: Vec<&Policy> =
            identity.iter().filter_map(|(_, _, l)| l.policy()).collect();
        let new_boundary: Vec<&Policy> = boundary.iter().filter_map(|(_, l)| l.policy()).collect();
        let comparison = comparisons
            .entry(key)
            .or_insert_with(|| {
                Rc::new(compare(
                    PolicySet {
                        identity: &documented_refs,
                        boundaries: &[],
                    },
                    PolicySet {
                        identity: &new_identity,
                        boundaries: &new_boundary,
                    },
                    catalog,
                ))
            })
            .clone();

        let policy_id = kind.policies.join("`, `");
        for difference in &comparison.added {
            let meta = GrantBeyondBaseline::META;
            let mut finding = Finding::new(
                meta.id,
                meta.severity,
                format!(
                    "role `{}` allows `{}` on `{}`, which the documented `{policy_id}` policy does not",
                    role.name, difference.witness.action, difference.witness.resource
                ),
            )
            .subject(role.name.clone())
            .detail("witness", describe(&difference.witness))
            .detail("actions", action_list(difference));
            let mut located = false;
            for r in difference
                .responsible
                .iter()
                .filter(|r| r.side == Side::New)
            {
                let loaded = if r.boundary {
                    boundary.as_ref().map(|(_, l)| l)
                } else {
                    identity.get(r.policy).map(|(_, _, l)| l)
                };
                let Some(loaded) = loaded else { continue };
                let Some(statement) = loaded.policy().and_then(|p| p.statements.get(r.statement))
                else {
                    continue;
                };
                let location = loaded.locate(&statement.pointer(), files);
                finding = finding.detail("statement", describe_location(&location));
                if !located {
                    finding = finding.at(location).in_statement(statement.label());
                    located = true;
                }
            }
            if !located {
                finding = finding.at(role_location.clone());
            }
            out.push(finding);
        }
        for difference in &comparison.removed {
            let meta = BaselineGrantMissing::META;
            out.push(
                Finding::new(
                    meta.id,
                    meta.severity,
                    format!(
                        "role `{}` does not allow `{}` on `{}`, which the documented `{policy_id}` policy allows",
                        role.name, difference.witness.action, difference.witness.resource
                    ),
                )
                .at(role_location.clone())
                .subject(role.name.clone())
                .detail("witness", describe(&difference.witness))
                .detail("actions", action_list(difference)),
            );
        }
        for unproven in &comparison.unproven {
            let meta = crate::diff::ComparisonUnproven::META;
            out.push(
                Finding::new(
                    meta.id,
                    meta.severity,
                    format!(
                        "role `{}` cannot be compared exactly with `{policy_id}`: {}",
                        role.name, unproven.reason
                    ),
                )
                .at(role_location.clone())
                .subject(role.name.clone())
                .detail("actions", truncated(&unproven.actions)),
            );
        }
        let drifted = out[before..].iter().any(|f| {
            matches!(
                f.rule,
                "grant-beyond-baseline" | "extra-managed-policy" | "trust-drift"
            )
        });
        let status = if drifted {
            RoleStatus::Drifted
        } else if !comparison.removed.is_empty() || !comparison.unproven.is_empty() {
            RoleStatus::Narrower
        } else {
            RoleStatus::InLine
        };
        results.roles.push((role.name.clone(), status));
    }
    Ok(results)
}

fn missing_document(role: &str, arn: &str, what: &str, at: &Location) -> Finding {
    let meta = PolicyDocumentMissing::META;
    Finding::new(
        meta.id,
        meta.severity,
        format!("the {what} policy `{arn}` of role `{role}` is not in the snapshot, so the role cannot be compared exactly"),
    )
    .at(at.clone())
    .subject(arn.to_string())
}

/// `s3:GetObject on arn:... with aws:resourcetag/k=v`.
pub fn describe(request: &Request) -> String {
    let mut text = format!("{} on {}", request.action, request.resource);
    let context: Vec<String> = request
        .context
        .iter()
        .map(|(k, v)| {
            if v.is_empty() {
                format!("{k}=[]")
            } else {
                format!("{k}={}", v.join(","))
            }
        })
        .collect();
    if context.is_empty() {
        text.push_str(" with no condition keys");
    } else {
        text.push_str(" with ");
        text.push_str(&context.join("; "));
    }
    text
}

fn describe_location(location: &Location) -> String {
    format!(
        "{}:{}:{} {}",
        location.file.as_deref().unwrap_or("-"),
        location.line.unwrap_or(0),
        location.column.unwrap_or(0),
        location.pointer
    )
}

fn action_list(difference: &Difference) -> String {
    truncated(&difference.actions)
}

fn truncated(actions: &[String]) -> String {
    const MAX: usize = 10;
    let mut text = actions
        .iter()
        .take(MAX)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if actions.len() > MAX {
        text.push_str(&format!(" and {} more", actions.len() - MAX));
    }
    text
}
