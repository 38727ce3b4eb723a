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
use super::request::{Decision, Request};
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
        let req = Prepared::new(request);
        let identity = self.identity.scan(&req);
        if identity.0 {
            return Decision::ExplicitDeny;
        }
        let boundary = self.boundary.as_ref().map(|b| b.scan(&req));
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
