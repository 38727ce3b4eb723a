//! A policy set compiled once for fast repeated evaluation.
//!
//! Action patterns are split into a lowercased literal service prefix and a
//! case-insensitive glob for the action name; statements are indexed by the
//! services they name, so a request only visits statements that can match its
//! action (plus those with `NotAction` or a wildcard service). Resource patterns
//! and condition values are compiled into globs with precomputed literal
//! prefixes/suffixes; only values holding policy variables are resolved per request.

use crate::catalog::text::has_wildcard;
use std::collections::HashMap;

use super::condition::CompiledCondition;
use super::pattern::{ArnParts, ArnPattern, Glob};
use super::request::{Context, Request};
use super::variables::VarResolver;
use crate::policy::model::{Effect, Policy};

/// A compiled `Action`/`NotAction` entry.
#[derive(Debug, Clone)]
struct ActionPattern {
    /// The literal service prefix, lowercased; `None` when the service part has wildcards
    /// or there is no colon, in which case `glob` covers the whole action.
    service: Option<Box<str>>,
    glob: Glob,
}

impl ActionPattern {
    fn new(pattern: &str) -> ActionPattern {
        match pattern.split_once(':') {
            Some((svc, name)) if !has_wildcard(svc) => ActionPattern {
                service: Some(svc.to_ascii_lowercase().into()),
                glob: Glob::new(name, true),
            },
            _ => ActionPattern {
                service: None,
                glob: Glob::new(pattern, true),
            },
        }
    }

    fn matches(&self, req: &Prepared<'_>) -> bool {
        match &self.service {
            Some(svc) => match req.name {
                Some(name) => req.service.eq_ignore_ascii_case(svc) && self.glob.is_match(name),
                None => false,
            },
            None => self.glob.is_match(req.action),
        }
    }
}

/// Why a statement did or did not apply to a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Check {
    Matched,
    Action,
    Resource,
    /// Index of the first failing condition.
    Condition(usize),
}

/// A compiled statement.
#[derive(Debug, Clone)]
pub(crate) struct CompiledStatement {
    pub(crate) policy: usize,
    pub(crate) index: usize,
    pub(crate) sid: Option<String>,
    pub(crate) effect: Effect,
    not_action: bool,
    actions: Vec<ActionPattern>,
    /// `(negated, patterns)`; `None` when the statement has no resource element.
    resources: Option<(bool, Vec<ArnPattern>)>,
    pub(crate) conditions: Vec<CompiledCondition>,
}

impl CompiledStatement {
    pub(crate) fn check(&self, req: &Prepared<'_>) -> Check {
        let any_action = self.actions.iter().any(|a| a.matches(req));
        if any_action == self.not_action {
            return Check::Action;
        }
        let resolver = VarResolver {
            context: req.context,
            principal: req.principal,
            enabled: true,
        };
        if let Some((negated, patterns)) = &self.resources {
            let any = patterns
                .iter()
                .any(|p| p.matches_resource(&req.arn, &resolver));
            if any == *negated {
                return Check::Resource;
            }
            // A `NotResource` entry whose variable has no value makes the statement
            // invalid: it does not apply (see `ArnPattern::is_resolvable`).
            if *negated && !patterns.iter().all(|p| p.is_resolvable(&resolver)) {
                return Check::Resource;
            }
        }
        match self
            .conditions
            .iter()
            .position(|c| !c.matches(req.context, &resolver))
        {
            Some(i) => Check::Condition(i),
            None => Check::Matched,
        }
    }
}

/// A request split once for matching.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Prepared<'a> {
    pub(crate) action: &'a str,
    pub(crate) service: &'a str,
    pub(crate) name: Option<&'a str>,
    pub(crate) arn: ArnParts<'a>,
    pub(crate) context: &'a Context,
    pub(crate) principal: Option<&'a str>,
}

impl<'a> Prepared<'a> {
    pub(crate) fn new(request: &'a Request) -> Self {
        Prepared::from_parts(
            &request.action,
            &request.resource,
            request.principal.as_deref(),
            &request.context,
        )
    }

    /// The same from borrowed parts (no [`Request`] needs to be built).
    pub(crate) fn from_parts(
        action: &'a str,
        resource: &'a str,
        principal: Option<&'a str>,
        context: &'a Context,
    ) -> Self {
        let (service, name) = match action.split_once(':') {
            Some((s, n)) => (s, Some(n)),
            None => (action, None),
        };
        Prepared {
            action,
            service,
            name,
            arn: ArnParts::split(resource),
            context,
            principal,
        }
    }
}

/// The statements of one kind of policy (identity or boundary), with the service index.
#[derive(Debug, Clone, Default)]
pub(crate) struct Group {
    pub(crate) statements: Vec<CompiledStatement>,
    by_service: HashMap<Box<str>, Vec<u32>>,
    always: Vec<u32>,
}

impl Group {
    fn new(policies: &[&Policy]) -> Group {
        let mut group = Group::default();
        for (p, policy) in policies.iter().enumerate() {
            let variables = policy.supports_variables();
            for (s, st) in policy.statements.iter().enumerate() {
                let actions: Vec<ActionPattern> = st
                    .action
                    .items
                    .iter()
                    .map(|i| ActionPattern::new(&i.value))
                    .collect();
                let idx = group.statements.len() as u32;
                if st.action.negated || actions.iter().any(|a| a.service.is_none()) {
                    group.always.push(idx);
                } else {
                    let mut services: Vec<&str> = actions
                        .iter()
                        .filter_map(|a| a.service.as_deref())
                        .collect();
                    services.sort_unstable();
                    services.dedup();
                    for svc in services {
                        group.by_service.entry(svc.into()).or_default().push(idx);
                    }
                }
                group.statements.push(CompiledStatement {
                    policy: p,
                    index: s,
                    sid: st.sid.as_ref().map(|s| s.value.clone()),
                    effect: st.effect.value,
                    not_action: st.action.negated,
                    actions,
                    resources: st.resource.as_ref().map(|r| {
                        (
                            r.negated,
                            r.items
                                .iter()
                                .map(|i| ArnPattern::new(&i.value, variables))
                                .collect(),
                        )
                    }),
                    conditions: st
                        .conditions
                        .iter()
                        .map(|c| CompiledCondition::new(c, variables))
                        .collect(),
                });
            }
        }
        group
    }

    /// Scans the statements that can match: `(explicit deny, allowed)`.
    pub(crate) fn scan(&self, req: &Prepared<'_>) -> (bool, bool) {
        let mut allowed = false;
        let mut buf = [0u8; 64];
        let indexed: &[u32] = match lower_into(req.service, &mut buf) {
            Some(svc) => self.by_service.get(svc).map_or(&[], Vec::as_slice),
            // A service name too long or non-ASCII: search every entry.
            None => return self.scan_all(req),
        };
        for &i in indexed.iter().chain(self.always.iter()) {
            let st = &self.statements[i as usize];
            if st.effect == Effect::Allow && allowed {
                continue;
            }
            if st.check(req) == Check::Matched {
                match st.effect {
                    Effect::Deny => return (true, allowed),
                    Effect::Allow => allowed = true,
                }
            }
        }
        (false, allowed)
    }

    fn scan_all(&self, req: &Prepared<'_>) -> (bool, bool) {
        let mut allowed = false;
        for st in &self.statements {
            if st.check(req) == Check::Matched {
                match st.effect {
                    Effect::Deny => return (true, allowed),
                    Effect::Allow => allowed = true,
                }
            }
        }
        (false, allowed)
    }
}

fn lower_into<'b>(s: &str, buf: &'b mut [u8; 64]) -> Option<&'b str> {
    if s.len() > buf.len() || !s.is_ascii() {
        return None;
    }
    let out = &mut buf[..s.len()];
    for (o, b) in out.iter_mut().zip(s.bytes()) {
        *o = b.to_ascii_lowercase();
    }
    std::str::from_utf8(out).ok()
}

/// Identity policies and optional permissions boundaries, compiled once.
#[derive(Debug, Clone)]
pub struct CompiledPolicySet {
    pub(crate) identity: Group,
    pub(crate) boundary: Option<Group>,
}

impl CompiledPolicySet {
    /// Compiles `identity` policies (inline and managed) and permissions `boundaries`
    /// (an empty slice means no boundary).
    pub fn new(identity: &[&Policy], boundaries: &[&Policy]) -> CompiledPolicySet {
        CompiledPolicySet {
            identity: Group::new(identity),
            boundary: (!boundaries.is_empty()).then(|| Group::new(boundaries)),
        }
    }
}
