//! `trust-drift`: who can assume a Chalk role, compared with the documented trust.

use std::collections::BTreeSet;

use super::rules::TrustDrift;
use super::source::{LoadedPolicy, SnapshotFiles};
use crate::baseline::Profile;
use crate::eval::{CompiledPolicySet, Context, Decision, Request};
use crate::lint::rules::grants::action_list_covers;
use crate::policy::{Effect, Policy, PrincipalKind, Statement};
use crate::report::Finding;

/// An external id no one was given, to tell a real `sts:ExternalId` check from a permissive one.
const PROBE_EXTERNAL_ID: &str = "iamscope-probe-not-an-external-id";

/// A principal named in a trust statement, normalised (`123456789012` becomes its root ARN).
fn principal_names(statement: &Statement) -> Vec<String> {
    let Some(principals) = &statement.principal else {
        return Vec::new();
    };
    if principals.negated {
        return vec!["NotPrincipal (everyone not listed)".to_string()];
    }
    if principals.everyone {
        return vec!["*".to_string()];
    }
    principals
        .entries
        .iter()
        .map(|(kind, item)| normalise(*kind, &item.value))
        .collect()
}

fn normalise(kind: PrincipalKind, value: &str) -> String {
    match kind {
        PrincipalKind::Aws if value.len() == 12 && value.bytes().all(|b| b.is_ascii_digit()) => {
            format!("arn:aws:iam::{value}:root")
        }
        PrincipalKind::Aws => value.to_string(),
        other => format!("{}:{value}", other.as_str()),
    }
}

fn grants_assume(statement: &Statement) -> bool {
    action_list_covers(&statement.action, "sts:AssumeRole")
}

/// Every principal an `Allow` statement covering `sts:AssumeRole` names.
fn named_principals(policy: &Policy) -> BTreeSet<String> {
    policy
        .statements
        .iter()
        .filter(|s| s.effect.value == Effect::Allow && grants_assume(s))
        .flat_map(principal_names)
        .collect()
}

fn applies_to(statement: &Statement, principal: &str) -> bool {
    principal_names(statement)
        .iter()
        .any(|p| p == principal || p == "*" || p.starts_with("NotPrincipal"))
}

/// Checks the role's trust policy; `role` names the role in messages.
pub fn check(
    role: &str,
    trust: &LoadedPolicy,
    profile: &Profile,
    external_id: Option<&str>,
    files: &SnapshotFiles,
    out: &mut Vec<Finding>,
) {
    let Some(policy) = trust.policy() else {
        return;
    };
    let meta = TrustDrift::META;
    let assume = |s: &&Statement| grants_assume(s);
    let allowed = named_principals(policy);
    let at = |principal: &str| {
        policy
            .statements
            .iter()
            .filter(|s| s.effect.value == Effect::Allow)
            .filter(assume)
            .find(|s| applies_to(s, principal))
            .map_or_else(
                || trust.locate("", files),
                |s| trust.locate(&s.pointer(), files),
            )
    };

    for principal in &allowed {
        if profile.is_vendor_principal(principal) {
            continue;
        }
        let probe = restricted(policy, principal);
        let set = CompiledPolicySet::new(&[&probe], &[]);
        // A principal whose statements need some external id still holds the role.
        let can = [None, Some(PROBE_EXTERNAL_ID)]
            .iter()
            .chain(external_id.map(Some).iter())
            .any(|id| set.evaluate(&assume_request(*id)) == Decision::Allow)
            || !probe.statements.is_empty();
        if can {
            out.push(
                Finding::new(
                    meta.id,
                    meta.severity,
                    format!("role `{role}` can be assumed by `{principal}`, which the documented trust policy does not name"),
                )
                .at(at(principal))
                .subject(principal.clone()),
            );
        }
    }

    let vendor: Vec<&String> = profile.recognition.trusted_principals.iter().collect();
    let present: Vec<&&String> = vendor.iter().filter(|v| allowed.contains(**v)).collect();
    if present.is_empty() {
        out.push(
            Finding::new(
                meta.id,
                meta.severity,
                format!(
                    "role `{role}` is recognised as Chalk's but its trust policy does not let `{}` assume it",
                    vendor.first().map_or("", |v| v.as_str())
                ),
            )
            .at(trust.locate("", files)),
        );
        return;
    }
    for principal in present {
        let probe = restricted(policy, principal);
        let set = CompiledPolicySet::new(&[&probe], &[]);
        let allows = |id: Option<&str>| set.evaluate(&assume_request(id)) == Decision::Allow;
        let mut problems = Vec::new();
        if allows(None) {
            problems.push("can be assumed by `{p}` without any `sts:ExternalId`".to_string());
        }
        if allows(Some(PROBE_EXTERNAL_ID)) {
            problems.push("can be assumed by `{p}` with an arbitrary `sts:ExternalId`".to_string());
        }
        if let Some(expected) = external_id {
            if !allows(Some(expected)) {
                problems.push(format!(
                    "cannot be assumed by `{{p}}` with the documented external id `{expected}`"
                ));
            }
        }
        for problem in problems {
            let text = problem.replace("{p}", principal);
            out.push(
                Finding::new(meta.id, meta.severity, format!("role `{role}` {text}"))
                    .at(at(principal))
                    .subject((*principal).clone()),
            );
        }
    }
}

/// How a principal named in a trust policy can assume the role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Assume {
    /// Only when the statements' conditions hold (a specific `sts:ExternalId`, a source
    /// network...).
    Conditional,
    /// Without any `sts:ExternalId`, or with an arbitrary one, and no other condition in
    /// the way.
    Open,
}

impl Assume {
    /// For messages: `only under its conditions` or `without conditions`.
    pub fn describe(self) -> &'static str {
        match self {
            Assume::Conditional => "only under its conditions",
            Assume::Open => "with no `sts:ExternalId` check",
        }
    }
}

/// Who can assume a role under `policy`: every principal named in an `Allow` statement
/// that covers `sts:AssumeRole` (normalised: an account id is its root ARN), and how. The
/// evaluator decides `Open` on the requests without an external id and with an arbitrary
/// one; a principal named only in statements whose conditions those requests fail is
/// `Conditional`. A `Deny` that always applies to the principal removes it.
pub fn assumers(policy: &Policy) -> std::collections::BTreeMap<String, Assume> {
    named_principals(policy)
        .into_iter()
        .filter_map(|principal| {
            let probe = restricted(policy, &principal);
            let set = CompiledPolicySet::new(&[&probe], &[]);
            let allows = |id: Option<&str>| set.evaluate(&assume_request(id)) == Decision::Allow;
            let open = allows(None) || allows(Some(PROBE_EXTERNAL_ID));
            let always_denied = probe.statements.iter().any(|s| {
                s.effect.value == Effect::Deny && s.conditions.is_empty() && grants_assume(s)
            });
            match (open, always_denied) {
                (_, true) => None,
                (true, false) => Some((principal, Assume::Open)),
                (false, false) => Some((principal, Assume::Conditional)),
            }
        })
        .collect()
}

/// How a trust policy lets a principal in beyond a reference trust (a documented one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Beyond {
    /// The reference does not name the principal.
    NotNamed,
    /// The reference names it but refuses this `sts:ExternalId` (`None`: a request
    /// without one).
    ExternalId(Option<String>),
}

/// Each principal `policy` lets assume the role beyond `reference`: one it does not name,
/// or an external id (or none) it refuses. The evaluator tries no id, an arbitrary one and
/// every id either policy names.
pub fn beyond(reference: &Policy, policy: &Policy) -> Vec<(String, Beyond)> {
    let allowed = assumers(reference);
    let probes = external_id_probes(&[policy, reference]);
    assumers(policy)
        .into_keys()
        .filter_map(|principal| {
            if !allowed.contains_key(&principal) {
                return Some((principal, Beyond::NotNamed));
            }
            let opened = probes.iter().find(|probe| {
                can_assume(policy, &principal, probe.as_deref())
                    && !can_assume(reference, &principal, probe.as_deref())
            })?;
            Some((principal, Beyond::ExternalId(opened.clone())))
        })
        .collect()
}

/// Whether `principal` can assume the role under `policy` with `sts:ExternalId` set to
/// `external_id` (`None`: a request without one).
fn can_assume(policy: &Policy, principal: &str, external_id: Option<&str>) -> bool {
    let probe = restricted(policy, principal);
    CompiledPolicySet::new(&[&probe], &[]).evaluate(&assume_request(external_id)) == Decision::Allow
}

/// The external ids worth trying on `policies`: none, an arbitrary one, and every value
/// their `sts:ExternalId` conditions name.
fn external_id_probes(policies: &[&Policy]) -> Vec<Option<String>> {
    let mut ids: Vec<Option<String>> = vec![None, Some(PROBE_EXTERNAL_ID.to_string())];
    for condition in policies
        .iter()
        .flat_map(|p| &p.statements)
        .flat_map(|s| &s.conditions)
        .filter(|c| c.key.value.eq_ignore_ascii_case("sts:ExternalId"))
    {
        for value in &condition.values {
            let id = Some(value.value.clone());
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
    }
    ids
}

/// What a change of a trust policy from `before` (`None` for a new role) to `after` opens:
/// `(principal, message)` for each principal that can assume the role after and could not
/// before, or could only under conditions and now can without them (`trust-widened`).
pub fn widened(before: Option<&Policy>, after: &Policy) -> Vec<(String, String)> {
    let before = before.map(assumers).unwrap_or_default();
    assumers(after)
        .into_iter()
        .filter_map(|(principal, how)| {
            let message = match before.get(&principal) {
                Some(was) if *was >= how => return None,
                Some(was) => format!(
                    "`{principal}` can now assume the role {}; before, {}",
                    how.describe(),
                    was.describe()
                ),
                None => format!(
                    "`{principal}` can now assume the role ({}), and could not before",
                    how.describe()
                ),
            };
            Some((principal, message))
        })
        .collect()
}

/// The trust policy's statements that apply to `principal`, without their `Principal`.
fn restricted(policy: &Policy, principal: &str) -> Policy {
    let mut probe = policy.clone();
    probe.statements.retain(|s| applies_to(s, principal));
    for statement in &mut probe.statements {
        statement.principal = None;
        statement.resource = None;
    }
    probe
}

fn assume_request(external_id: Option<&str>) -> Request {
    let mut context = Context::new();
    if let Some(id) = external_id {
        context.insert("sts:ExternalId", id);
    }
    Request {
        action: "sts:AssumeRole".to_string(),
        resource: "*".to_string(),
        principal: None,
        context,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::parse_policy;

    fn who(text: &str) -> Vec<(String, Assume)> {
        let policy = parse_policy(text).unwrap_or_else(|e| panic!("{e:?}"));
        assumers(&policy).into_iter().collect()
    }

    #[test]
    fn an_external_id_condition_makes_a_principal_conditional() {
        let found = who(r#"{"Version":"2012-10-17","Statement":[
              {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::754784422779:role/chalk-api-server"},
               "Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"abc"}}},
              {"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"sts:AssumeRole"}]}"#);
        assert_eq!(
            found,
            [
                ("arn:aws:iam::111122223333:root".to_string(), Assume::Open),
                (
                    "arn:aws:iam::754784422779:role/chalk-api-server".to_string(),
                    Assume::Conditional
                ),
            ]
        );
    }

    #[test]
    fn an_ineffective_external_id_check_is_open_and_a_plain_deny_removes() {
        let found = who(r#"{"Version":"2012-10-17","Statement":[
              {"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::1:role/a","arn:aws:iam::1:role/b"]},
               "Action":"sts:AssumeRole","Condition":{"StringLikeIfExists":{"sts:ExternalId":"*"}}},
              {"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::1:role/b"},"Action":"sts:AssumeRole"}]}"#);
        assert_eq!(found, [("arn:aws:iam::1:role/a".to_string(), Assume::Open)]);
    }

    #[test]
    fn external_ids_to_try_include_none_an_arbitrary_one_and_each_named() {
        let policy = parse_policy(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::1:role/a"},
              "Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":["x","y"]}}}]}"#,
        )
        .unwrap();
        let probes = external_id_probes(&[&policy, &policy]);
        assert_eq!(probes.len(), 4, "{probes:?}");
        assert!(probes.contains(&None) && probes.contains(&Some("y".into())));
        let role = "arn:aws:iam::1:role/a";
        assert!(can_assume(&policy, role, Some("x")));
        assert!(!can_assume(&policy, role, Some("z")));
        assert!(!can_assume(&policy, role, None));
        assert!(!can_assume(&policy, "arn:aws:iam::1:role/b", Some("x")));
    }

    #[test]
    fn statements_that_do_not_cover_assume_role_name_no_one() {
        let found = who(r#"{"Version":"2012-10-17","Statement":[
              {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::1:role/a"},"Action":"sts:TagSession"}]}"#);
        assert!(found.is_empty(), "{found:?}");
    }
}
