//! The decision for a request, following AWS's policy evaluation logic for one
//! principal in one account: an explicit `Deny` in any identity policy or
//! permissions boundary wins; otherwise the request is allowed only when an
//! identity policy allows it and, when boundaries are given, a boundary allows it
//! too; otherwise it is implicitly denied.
//!
//! A statement applies when its `Action` matches (or `NotAction` does not), its
//! `Resource` matches (or `NotResource` does not; a statement without either
//! element, as in trust policies, applies to every resource), and every condition
//! holds. Statements with a `Principal` are evaluated like identity statements
//! (the principal is not checked).

use super::compiled::{Check, CompiledPolicySet, CompiledStatement, Prepared};
use super::request::{Context, Decision, Request};
use crate::policy::model::{Effect, Operator};

/// Which kind of policy a statement came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PolicySource {
    /// An identity policy (inline or managed).
    Identity,
    /// A permissions boundary.
    Boundary,
}

/// What happened to one statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Action, resource and every condition matched.
    Matched,
    /// `Action` did not match (or `NotAction` did).
    ActionNotMatched,
    /// `Resource` did not match (or `NotResource` did).
    ResourceNotMatched,
    /// The first condition that did not hold.
    ConditionFailed {
        /// The condition's operator.
        operator: Operator,
        /// The condition key as written.
        key: String,
    },
}

/// One statement's outcome in an [`Explanation`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementOutcome {
    /// Identity policy or boundary.
    pub source: PolicySource,
    /// Index of the policy in the slice given to [`CompiledPolicySet::new`].
    pub policy: usize,
    /// Index of the statement in its policy.
    pub statement: usize,
    /// The statement's `Sid`, if any.
    pub sid: Option<String>,
    /// The statement's effect.
    pub effect: Effect,
    /// Whether and why it applied.
    pub outcome: Outcome,
    /// Whether this statement decided the result (a matching Deny for an explicit
    /// deny; a matching Allow for an allow).
    pub decisive: bool,
}

/// A decision with the outcome of every statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Explanation {
    /// The decision, equal to [`CompiledPolicySet::evaluate`].
    pub decision: Decision,
    /// Every statement, identity policies first, in document order.
    pub statements: Vec<StatementOutcome>,
}

impl Explanation {
    /// The statements that decided the result.
    pub fn decisive(&self) -> impl Iterator<Item = &StatementOutcome> {
        self.statements.iter().filter(|s| s.decisive)
    }
}

fn decide(identity: (bool, bool), boundary: Option<(bool, bool)>) -> Decision {
    let (id_deny, id_allow) = identity;
    let (b_deny, b_allow) = boundary.unwrap_or((false, true));
    if id_deny || b_deny {
        Decision::ExplicitDeny
    } else if id_allow && b_allow {
        Decision::Allow
    } else {
        Decision::ImplicitDeny
    }
}

impl CompiledPolicySet {
    /// The decision for `request` (fast path, no explanation).
    pub fn evaluate(&self, request: &Request) -> Decision {
        self.decide_prepared(&Prepared::new(request))
    }

    /// The decision for the request made of these parts, as [`CompiledPolicySet::evaluate`]
    /// gives it, for callers that try many requests sharing their parts (no
    /// [`Request`] is built).
    pub fn evaluate_parts(
        &self,
        action: &str,
        resource: &str,
        principal: Option<&str>,
        context: &Context,
    ) -> Decision {
        self.decide_prepared(&Prepared::from_parts(action, resource, principal, context))
    }

    fn decide_prepared(&self, req: &Prepared<'_>) -> Decision {
        let identity = self.identity.scan(req);
        if identity.0 {
            return Decision::ExplicitDeny;
        }
        let boundary = self.boundary.as_ref().map(|b| b.scan(req));
        decide(identity, boundary)
    }

    /// The decision for `request` with every statement's outcome.
    pub fn explain(&self, request: &Request) -> Explanation {
        let req = Prepared::new(request);
        let mut statements = Vec::new();
        let mut summary = |source, list: &[CompiledStatement]| {
            let (mut deny, mut allow) = (false, false);
            for st in list {
                let check = st.check(&req);
                let outcome = match check {
                    Check::Matched => {
                        match st.effect {
                            Effect::Deny => deny = true,
                            Effect::Allow => allow = true,
                        }
                        Outcome::Matched
                    }
                    Check::Action => Outcome::ActionNotMatched,
                    Check::Resource => Outcome::ResourceNotMatched,
                    Check::Condition(i) => {
                        let c = &st.conditions[i];
                        Outcome::ConditionFailed {
                            operator: c.operator,
                            key: c.key.clone(),
                        }
                    }
                };
                statements.push(StatementOutcome {
                    source,
                    policy: st.policy,
                    statement: st.index,
                    sid: st.sid.clone(),
                    effect: st.effect,
                    outcome,
                    decisive: false,
                });
            }
            (deny, allow)
        };
        let identity = summary(PolicySource::Identity, &self.identity.statements);
        let boundary = self
            .boundary
            .as_ref()
            .map(|b| summary(PolicySource::Boundary, &b.statements));
        let decision = decide(identity, boundary);
        let decisive_effect = match decision {
            Decision::ExplicitDeny => Some(Effect::Deny),
            Decision::Allow => Some(Effect::Allow),
            Decision::ImplicitDeny => None,
        };
        for s in &mut statements {
            s.decisive = s.outcome == Outcome::Matched && Some(s.effect) == decisive_effect;
        }
        Explanation {
            decision,
            statements,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::build::{policy, policy_with_version, StatementBuilder as S};
    use crate::eval::request::Context;
    use crate::policy::model::Policy;

    fn req(action: &str, resource: &str, pairs: &[(&str, &str)]) -> Request {
        let mut context = Context::new();
        for (k, v) in pairs {
            context.insert(k, *v);
        }
        Request {
            action: action.to_string(),
            resource: resource.to_string(),
            principal: None,
            context,
        }
    }

    fn decide_with(identity: &[&Policy], boundaries: &[&Policy], r: &Request) -> Decision {
        let set = CompiledPolicySet::new(identity, boundaries);
        let fast = set.evaluate(r);
        assert_eq!(fast, set.explain(r).decision, "evaluate and explain agree");
        fast
    }

    const BUCKET: &str = "arn:aws:s3:::chalk-data";

    #[test]
    fn evaluate_parts_decides_as_evaluate() {
        let p = policy_with_version(
            Some("2012-10-17"),
            &[
                S::allow(&["s3:*"], &["arn:aws:s3:::${aws:username}-*"]).build(),
                S::deny(&["s3:DeleteObject"], &["*"]).build(),
            ],
        );
        let set = CompiledPolicySet::new(&[&p], &[]);
        let mut requests = vec![
            req(
                "s3:GetObject",
                "arn:aws:s3:::alice-data",
                &[("aws:username", "alice")],
            ),
            req(
                "s3:GetObject",
                "arn:aws:s3:::bob-data",
                &[("aws:username", "alice")],
            ),
            req(
                "s3:DeleteObject",
                "arn:aws:s3:::alice-data",
                &[("aws:username", "alice")],
            ),
        ];
        let mut with_principal = requests[0].clone();
        with_principal.principal = Some("arn:aws:iam::111122223333:user/alice".to_string());
        requests.push(with_principal);
        let decisions: Vec<Decision> = requests
            .iter()
            .map(|r| {
                let parts =
                    set.evaluate_parts(&r.action, &r.resource, r.principal.as_deref(), &r.context);
                assert_eq!(parts, set.evaluate(r));
                parts
            })
            .collect();
        assert_eq!(
            decisions[..3],
            [
                Decision::Allow,
                Decision::ImplicitDeny,
                Decision::ExplicitDeny
            ]
        );
    }

    #[test]
    fn allow_matches_action_case_insensitively() {
        let p = policy(&[S::allow(&["s3:Get*"], &["arn:aws:s3:::chalk-*"]).build()]);
        assert_eq!(
            decide_with(&[&p], &[], &req("S3:GETOBJECT", BUCKET, &[])),
            Decision::Allow
        );
        assert_eq!(
            decide_with(&[&p], &[], &req("s3:PutObject", BUCKET, &[])),
            Decision::ImplicitDeny
        );
    }

    #[test]
    fn explicit_deny_wins_over_allow() {
        let p = policy(&[S::allow(&["s3:*"], &["*"]).build()]);
        let d = policy(&[S::deny(&["s3:DeleteBucket"], &["*"])
            .sid("NoDelete")
            .build()]);
        let r = req("s3:DeleteBucket", BUCKET, &[]);
        assert_eq!(decide_with(&[&p, &d], &[], &r), Decision::ExplicitDeny);
        let set = CompiledPolicySet::new(&[&p, &d], &[]);
        let ex = set.explain(&r);
        let decisive: Vec<_> = ex.decisive().collect();
        assert_eq!(decisive.len(), 1);
        assert_eq!(decisive[0].sid.as_deref(), Some("NoDelete"));
        assert_eq!(decisive[0].policy, 1);
    }

    #[test]
    fn boundary_caps_identity_allow() {
        let p = policy(&[S::allow(&["s3:*", "ec2:*"], &["*"]).build()]);
        let b = policy(&[S::allow(&["s3:*"], &["*"]).build()]);
        assert_eq!(
            decide_with(&[&p], &[&b], &req("ec2:RunInstances", "*", &[])),
            Decision::ImplicitDeny
        );
        assert_eq!(
            decide_with(&[&p], &[&b], &req("s3:ListBucket", BUCKET, &[])),
            Decision::Allow
        );
        // A boundary alone grants nothing.
        let none = policy(&[]);
        assert_eq!(
            decide_with(&[&none], &[&b], &req("s3:ListBucket", BUCKET, &[])),
            Decision::ImplicitDeny
        );
        // A deny in the boundary is an explicit deny.
        let bd = policy(&[S::deny(&["s3:ListBucket"], &["*"]).build()]);
        assert_eq!(
            decide_with(&[&p], &[&b, &bd], &req("s3:ListBucket", BUCKET, &[])),
            Decision::ExplicitDeny
        );
    }

    #[test]
    fn not_action_and_not_resource_invert_matching() {
        let p = policy(&[
            S::allow(&["iam:*"], &["*"]).not_action().build(),
            S::deny(&["*"], &["arn:aws:s3:::chalk-*"])
                .not_resource()
                .build(),
        ]);
        assert_eq!(
            decide_with(&[&p], &[], &req("s3:GetObject", BUCKET, &[])),
            Decision::Allow
        );
        assert_eq!(
            decide_with(
                &[&p],
                &[],
                &req("iam:GetRole", "arn:aws:iam::1:role/x", &[])
            ),
            Decision::ExplicitDeny
        );
        assert_eq!(
            decide_with(&[&p], &[], &req("s3:GetObject", "arn:aws:s3:::other", &[])),
            Decision::ExplicitDeny
        );
    }

    #[test]
    fn explains_each_failing_part() {
        let p = policy(&[
            S::allow(&["ec2:*"], &["*"]).build(),
            S::allow(&["s3:*"], &["arn:aws:s3:::other"]).build(),
            S::allow(&["s3:*"], &["*"])
                .condition(
                    "StringEquals",
                    "aws:ResourceTag/chalk.ai/managed-by",
                    &["chalk"],
                )
                .build(),
        ]);
        let ex = CompiledPolicySet::new(&[&p], &[]).explain(&req("s3:GetObject", BUCKET, &[]));
        assert_eq!(ex.decision, Decision::ImplicitDeny);
        let outcomes: Vec<_> = ex.statements.iter().map(|s| s.outcome.clone()).collect();
        assert_eq!(outcomes[0], Outcome::ActionNotMatched);
        assert_eq!(outcomes[1], Outcome::ResourceNotMatched);
        match &outcomes[2] {
            Outcome::ConditionFailed { operator, key } => {
                assert_eq!(operator.to_string(), "StringEquals");
                assert_eq!(key, "aws:ResourceTag/chalk.ai/managed-by");
            }
            other => panic!("expected a condition failure, got {other:?}"),
        }
        assert_eq!(ex.decisive().count(), 0);
    }

    #[test]
    fn resource_variables_need_2012_version() {
        let stmt = S::allow(&["s3:*"], &["arn:aws:s3:::home/${aws:username}/*"]).build();
        let r = req(
            "s3:GetObject",
            "arn:aws:s3:::home/alice/f",
            &[("aws:username", "alice")],
        );
        assert_eq!(
            decide_with(&[&policy(std::slice::from_ref(&stmt))], &[], &r),
            Decision::Allow
        );
        let old = policy_with_version(Some("2008-10-17"), std::slice::from_ref(&stmt));
        assert_eq!(decide_with(&[&old], &[], &r), Decision::ImplicitDeny);
        let literal = req("s3:GetObject", "arn:aws:s3:::home/${aws:username}/f", &[]);
        assert_eq!(decide_with(&[&old], &[], &literal), Decision::Allow);
        // A missing variable makes the resource entry match nothing.
        let anon = req("s3:GetObject", "arn:aws:s3:::home/alice/f", &[]);
        assert_eq!(
            decide_with(&[&policy(&[stmt])], &[], &anon),
            Decision::ImplicitDeny
        );
    }

    // AWS (policy variables): a key that is "not present" means "any attempt to
    // match it fails and causes the statement to be invalid"; a `NotResource`
    // entry with such a variable makes its statement not apply.
    #[test]
    fn not_resource_with_a_missing_variable_does_not_apply() {
        let stmt = |effect: fn(&[&str], &[&str]) -> S| {
            effect(
                &["logs:*"],
                &["arn:aws:logs:eu-west-1:1:log-group:${aws:PrincipalTag/team}x"],
            )
            .not_resource()
            .build()
        };
        let r = req(
            "logs:PutMetricFilter",
            "arn:aws:logs:eu-west-1:1:log-group:bob",
            &[("aws:username", "bob")],
        );
        let allow_all = policy(&[S::allow(&["*"], &["*"]).build()]);
        let deny = policy(&[stmt(S::deny)]);
        assert_eq!(decide_with(&[&allow_all, &deny], &[], &r), Decision::Allow);
        let allow = policy(&[stmt(S::allow)]);
        assert_eq!(decide_with(&[&allow], &[], &r), Decision::ImplicitDeny);
        // With the tag present the entry resolves and the statement applies.
        let tagged = req(
            "logs:PutMetricFilter",
            "arn:aws:logs:eu-west-1:1:log-group:bob",
            &[("aws:PrincipalTag/team", "red")],
        );
        assert_eq!(
            decide_with(&[&allow_all, &deny], &[], &tagged),
            Decision::ExplicitDeny
        );
    }

    #[test]
    fn scoped_role_requires_tag_for_tagged_services() {
        let p = policy(&[
            S::allow(
                &["eks:*", "sqs:*"],
                &[
                    "arn:aws:eks:us-east-1:111122223333:*",
                    "arn:aws:sqs:us-east-1:111122223333:chalk*",
                ],
            )
            .condition(
                "StringEquals",
                "aws:ResourceTag/chalk.ai/managed-by",
                &["chalk"],
            )
            .build(),
            S::allow(&["ec2:Describe*"], &["*"]).build(),
        ]);
        let q = "arn:aws:sqs:us-east-1:111122223333:chalk-jobs";
        let tag = ("aws:ResourceTag/chalk.ai/managed-by", "chalk");
        assert_eq!(
            decide_with(&[&p], &[], &req("sqs:SendMessage", q, &[tag])),
            Decision::Allow
        );
        assert_eq!(
            decide_with(&[&p], &[], &req("sqs:SendMessage", q, &[])),
            Decision::ImplicitDeny
        );
        assert_eq!(
            decide_with(&[&p], &[], &req("ec2:DescribeInstances", "*", &[])),
            Decision::Allow
        );
        assert_eq!(
            decide_with(&[&p], &[], &req("ec2:RunInstances", "*", &[])),
            Decision::ImplicitDeny
        );
    }
}
