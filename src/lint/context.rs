//! What every lint rule receives besides the policy: the file name, the catalog and the kind
//! of policy; plus helpers that several rules share (action expansion, key classification).

use std::cell::RefCell;
use std::collections::HashSet;
use std::rc::Rc;

use crate::catalog::text::{cmp_ci, edit_distance_within, has_wildcard, FastMap};
use crate::catalog::{global_key, Action, Catalog, KeyAvailability};
use crate::policy::{Policy, Pos, Statement};
use crate::report::Location;

/// Actions that belong in a role trust policy.
const TRUST_ACTIONS: [&str; 6] = [
    "sts:AssumeRole",
    "sts:AssumeRoleWithSAML",
    "sts:AssumeRoleWithWebIdentity",
    "sts:TagSession",
    "sts:SetSourceIdentity",
    "sts:SetContext",
];

/// What a policy document is attached as, guessed from its content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PolicyKind {
    /// No statement names a principal: attached to a user, group or role.
    Identity,
    /// Every statement names a principal and grants only `sts:AssumeRole*`-family actions.
    Trust,
    /// Some statement names a principal (bucket, key, queue policies...).
    Resource,
}

impl PolicyKind {
    /// Classifies `policy`: `Trust` when every statement has a `Principal`/`NotPrincipal` and
    /// only trust actions (`sts:AssumeRole`, `sts:TagSession`, ...); `Resource` when any
    /// statement has a principal otherwise; `Identity` else.
    pub fn detect(policy: &Policy, catalog: &Catalog) -> PolicyKind {
        if !policy.has_principals() {
            return PolicyKind::Identity;
        }
        let trust = !policy.statements.is_empty()
            && policy.statements.iter().all(|s| {
                s.principal.is_some()
                    && !s.action.negated
                    && s.action
                        .items
                        .iter()
                        .all(|item| is_trust_action_pattern(catalog, &item.value))
            });
        if trust {
            PolicyKind::Trust
        } else {
            PolicyKind::Resource
        }
    }
}

fn is_trust_action_pattern(catalog: &Catalog, pattern: &str) -> bool {
    let is_trust = |name: &str| TRUST_ACTIONS.iter().any(|t| t.eq_ignore_ascii_case(name));
    if !has_wildcard(pattern) {
        return is_trust(pattern);
    }
    let expanded = catalog.expand(pattern);
    !expanded.is_empty()
        && expanded.iter().all(|a| {
            a.service.eq_ignore_ascii_case("sts")
                && TRUST_ACTIONS
                    .iter()
                    .any(|t| t[4..].eq_ignore_ascii_case(a.name))
        })
}

/// The context a rule runs in, for one policy: it also caches the action expansions that
/// several rules need, so each pattern and each statement is expanded once per policy.
#[derive(Debug, Clone)]
pub struct LintContext<'a> {
    /// The file name as the user gave it (or a logical name for live policies).
    pub file: &'a str,
    /// The IAM action catalog.
    pub catalog: &'a Catalog,
    /// What the policy is attached as.
    pub kind: PolicyKind,
    /// The account the policy lives in, when known (`--account-id`, a snapshot's account):
    /// principals of that account are not third parties. `None` when the policy is read on
    /// its own, since the document does not say which account is its own.
    pub account_id: Option<&'a str>,
    /// Expansions of action patterns as written, shared by the rules.
    patterns: RefCell<FastMap<String, Rc<[&'a Action]>>>,
    /// Expansions of whole statements, by statement index.
    statements: RefCell<FastMap<Option<usize>, Rc<StatementActions<'a>>>>,
    /// Answers that do not depend on the policy, shared with the other policies linted on
    /// the same thread.
    memo: Rc<LintMemo>,
}

/// Answers that depend only on the catalog and their arguments, kept across the policies
/// one thread lints: the same action names, wildcards and resource patterns come back in
/// policy after policy.
#[derive(Debug, Default)]
pub struct LintMemo {
    /// The catalog the action caches below describe; `None` disables them.
    catalog: Option<&'static Catalog>,
    /// Action name as written -> the catalog action.
    actions: RefCell<FastMap<Box<str>, Option<&'static Action>>>,
    /// Wildcard action pattern as written -> its expansion.
    expansions: RefCell<FastMap<Box<str>, Rc<[&'static Action]>>>,
    /// Policy resource pattern -> (catalog ARN format address, length) -> may match.
    arn_fits: RefCell<FastMap<Box<str>, FitsByFormat>>,
}

impl LintMemo {
    /// A memo whose action caches describe `catalog`; contexts of another catalog share
    /// only its catalog-independent answers.
    pub fn for_catalog(catalog: &'static Catalog) -> Self {
        LintMemo {
            catalog: Some(catalog),
            ..LintMemo::default()
        }
    }
}

/// (catalog ARN format address, length) -> whether it may match one resource pattern.
type FitsByFormat = FastMap<(usize, usize), bool>;

impl<'a> LintContext<'a> {
    /// A context for `policy` read from `file`, with its kind detected.
    pub fn new(file: &'a str, catalog: &'a Catalog, policy: &Policy) -> Self {
        LintContext {
            file,
            catalog,
            kind: PolicyKind::detect(policy, catalog),
            account_id: None,
            patterns: RefCell::default(),
            statements: RefCell::default(),
            memo: Rc::default(),
        }
    }

    /// The same context, sharing `memo` with other contexts of the same catalog.
    pub fn with_memo(mut self, memo: &Rc<LintMemo>) -> Self {
        self.memo = Rc::clone(memo);
        self
    }

    /// [`arn_format_may_match`](crate::catalog::arn_format_may_match) for a catalog ARN
    /// format, remembered per thread: the automaton search behind it is the costliest check
    /// of a lint pass. A `'static` format is catalog data, so its address names its text.
    pub fn arn_format_may_match(&self, format: &'static str, pattern: &str) -> bool {
        let slot = (format.as_ptr() as usize, format.len());
        if let Some(&known) = self
            .memo
            .arn_fits
            .borrow()
            .get(pattern)
            .and_then(|by_format| by_format.get(&slot))
        {
            return known;
        }
        let fits = crate::catalog::arn_format_may_match(format, pattern);
        self.memo
            .arn_fits
            .borrow_mut()
            .entry(pattern.into())
            .or_default()
            .insert(slot, fits);
        fits
    }

    /// The same context for a policy that lives in account `account_id`.
    pub fn with_account_id(mut self, account_id: Option<&'a str>) -> Self {
        self.account_id = account_id;
        self
    }

    /// The catalog actions a statement's `Action`/`NotAction` covers; see [`StatementActions`].
    /// Computed once per statement of the policy this context is for.
    pub fn statement_actions(&self, stmt: &Statement) -> Rc<StatementActions<'a>> {
        if let Some(found) = self.statements.borrow().get(&stmt.index) {
            return Rc::clone(found);
        }
        let actions = Rc::new(StatementActions::build(self.catalog, stmt, |p| {
            self.expand(p)
        }));
        self.statements
            .borrow_mut()
            .insert(stmt.index, Rc::clone(&actions));
        actions
    }

    /// Whether an action pattern names at least one catalog action: the cached expansion when
    /// a rule already computed it, else a check that stops at the first match.
    pub fn names_any(&self, pattern: &str) -> bool {
        if !has_wildcard(pattern) {
            return self.action(pattern).is_some();
        }
        if let Some(found) = self.cached_expansion(pattern) {
            return !found.is_empty();
        }
        self.catalog.matches_any(pattern)
    }

    /// The catalog action `name` (no wildcards), case-insensitively.
    pub fn action(&self, name: &str) -> Option<&'a Action> {
        let Some(catalog) = self.shared_catalog() else {
            return self.catalog.action(name);
        };
        if let Some(&found) = self.memo.actions.borrow().get(name) {
            return found;
        }
        let found = catalog.action(name);
        self.memo.actions.borrow_mut().insert(name.into(), found);
        found
    }

    /// The catalog actions an action pattern names (see [`Catalog::expand`]), in catalog
    /// order. A wildcard pattern is expanded once per policy (once per thread with a memo).
    pub fn expand(&self, pattern: &str) -> Expansion<'a> {
        if !has_wildcard(pattern) {
            return Expansion::One(self.action(pattern));
        }
        if let Some(found) = self.cached_expansion(pattern) {
            return Expansion::Many(found);
        }
        let actions: Rc<[&'a Action]> = match self.shared_catalog() {
            Some(catalog) => {
                let actions: Rc<[&'static Action]> = catalog.expand(pattern).into();
                self.memo
                    .expansions
                    .borrow_mut()
                    .insert(pattern.into(), Rc::clone(&actions));
                actions
            }
            None => {
                let actions: Rc<[&'a Action]> = self.catalog.expand(pattern).into();
                self.patterns
                    .borrow_mut()
                    .insert(pattern.to_string(), Rc::clone(&actions));
                actions
            }
        };
        Expansion::Many(actions)
    }

    fn cached_expansion(&self, pattern: &str) -> Option<Rc<[&'a Action]>> {
        if self.shared_catalog().is_some() {
            let found = self.memo.expansions.borrow().get(pattern).map(Rc::clone)?;
            return Some(found);
        }
        self.patterns.borrow().get(pattern).map(Rc::clone)
    }

    /// The catalog of the memo's action caches, when it is this context's catalog.
    fn shared_catalog(&self) -> Option<&'static Catalog> {
        self.memo
            .catalog
            .filter(|shared| std::ptr::eq(*shared, self.catalog))
    }
}

impl LintContext<'_> {
    /// The location of an element at `pos` with JSON pointer `pointer` in this file;
    /// line and column are `None` when the position is unknown.
    pub fn location(&self, pos: Pos, pointer: String) -> Location {
        let known = pos.is_known();
        Location {
            file: Some(self.file.to_string()),
            line: known.then_some(pos.line),
            column: known.then_some(pos.column),
            pointer,
        }
    }
}

/// What [`LintContext::expand`] gives: the actions an action pattern names.
#[derive(Debug, Clone)]
pub enum Expansion<'a> {
    /// An exact action name: the action, if the catalog has it.
    One(Option<&'a Action>),
    /// A wildcard pattern: its cached expansion.
    Many(Rc<[&'a Action]>),
}

impl<'a> std::ops::Deref for Expansion<'a> {
    type Target = [&'a Action];

    fn deref(&self) -> &Self::Target {
        match self {
            Expansion::One(action) => action.as_slice(),
            Expansion::Many(actions) => actions,
        }
    }
}

/// The catalog actions one statement applies to, expanded once so that a rule does not
/// re-expand wildcards for every condition or resource it looks at.
///
/// For `Action` it is the union of the items' expansions; for `NotAction` it is every catalog
/// action that no item matches. Sorted by service then name, without duplicates.
#[derive(Debug, Clone, Default)]
pub struct StatementActions<'c> {
    /// The actions, sorted by service then name.
    pub actions: Vec<&'c Action>,
    /// Parallel to `actions`: whether some item names the action more narrowly than a
    /// whole-service wildcard (`s3:GetObject`, `s3:Get*`, but not `s3:*` or `*`).
    /// Always `false` under `NotAction`.
    pub narrow: Vec<bool>,
    /// Whether the statement uses `NotAction`.
    pub negated: bool,
}

impl<'c> StatementActions<'c> {
    /// Expands `stmt`'s action items against `catalog`.
    pub fn of(catalog: &'c Catalog, stmt: &Statement) -> Self {
        Self::build(catalog, stmt, |p| Expansion::Many(catalog.expand(p).into()))
    }

    /// Expands `stmt`'s action items with `expand`, which gives the catalog actions a pattern
    /// names; under `NotAction` the result is the rest of `catalog`.
    fn build(
        catalog: &'c Catalog,
        stmt: &Statement,
        expand: impl Fn(&str) -> Expansion<'c>,
    ) -> Self {
        let mut pairs: Vec<(&'c Action, bool)> = Vec::new();
        for item in &stmt.action.items {
            let narrow = !is_service_wide(&item.value);
            pairs.extend(expand(&item.value).iter().map(|a| (*a, narrow)));
        }
        if stmt.action.negated {
            let excluded: HashSet<*const Action> =
                pairs.iter().map(|(a, _)| *a as *const Action).collect();
            let actions: Vec<&'c Action> = catalog
                .actions()
                .filter(|a| !excluded.contains(&(*a as *const Action)))
                .collect();
            let narrow = vec![false; actions.len()];
            return StatementActions {
                actions,
                narrow,
                negated: true,
            };
        }
        pairs.sort_by(|(a, an), (b, bn)| {
            cmp_ci(a.service, b.service)
                .then_with(|| cmp_ci(a.name, b.name))
                .then_with(|| bn.cmp(an))
        });
        // After sorting, the narrow entry of an action (if any) comes first.
        pairs.dedup_by(|later, first| std::ptr::eq(later.0, first.0));
        let (actions, narrow) = pairs.into_iter().unzip();
        StatementActions {
            actions,
            narrow,
            negated: false,
        }
    }

    /// The actions named more narrowly than a whole-service wildcard (see `narrow`).
    pub fn narrow_actions(&self) -> impl Iterator<Item = &'c Action> + '_ {
        self.actions
            .iter()
            .zip(&self.narrow)
            .filter(|(_, n)| **n)
            .map(|(a, _)| *a)
    }
}

/// Whether an action pattern covers a whole service or more (`*`, `s3:*`, `*:*`).
pub fn is_service_wide(pattern: &str) -> bool {
    match pattern.split_once(':') {
        Some((_, action)) => action.bytes().all(|c| c == b'*'),
        None => pattern.bytes().all(|c| c == b'*'),
    }
}

/// How a condition key relates to actions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyClass {
    /// A global key present in every request (`aws:PrincipalArn`, `aws:CurrentTime`).
    Always,
    /// A global key whose presence does not depend on the action (`aws:SourceVpce`,
    /// `aws:PrincipalTag/...`).
    Conditional,
    /// A key present only for actions or resource types that list it: the tag keys
    /// `aws:ResourceTag/...`, `aws:RequestTag/...`, `aws:TagKeys`, and service keys.
    ActionDependent,
    /// A key whose prefix is a known service but which that service does not define
    /// (`s3:prefixx`), with the closest defined key when one is close.
    UnknownServiceKey {
        /// The closest key of the service, if close enough to be a typo.
        suggestion: Option<&'static str>,
    },
    /// Anything else (`aws:` keys missing from the global list, other prefixes): not judged.
    Unknown,
}

/// Classifies a condition key (case-insensitively).
pub fn classify_key(catalog: &Catalog, key: &str) -> KeyClass {
    if let Some(global) = global_key(key) {
        return match global.availability {
            KeyAvailability::Always => KeyClass::Always,
            KeyAvailability::Conditional => KeyClass::Conditional,
            KeyAvailability::Listed => KeyClass::ActionDependent,
        };
    }
    // Keys are also listed per action; a key that only appears there still counts as known.
    let Some((service, listed)) = catalog.service_lists_key(key) else {
        return KeyClass::Unknown;
    };
    if listed {
        return KeyClass::ActionDependent;
    }
    let limit = (key.len() / 3).max(1);
    let suggestion = service
        .condition_keys
        .iter()
        .filter_map(|k| Some((edit_distance_within(k.name, key, limit)?, k.name)))
        .min_by_key(|(d, _)| *d)
        .map(|(_, name)| name);
    KeyClass::UnknownServiceKey { suggestion }
}

/// Joins names for a details line, keeping at most `max` and counting the rest:
/// `a, b, c and 12 more`.
pub fn summarize_list<S: AsRef<str>>(names: &[S], max: usize) -> String {
    let shown: Vec<&str> = names.iter().take(max).map(AsRef::as_ref).collect();
    let mut out = shown.join(", ");
    if names.len() > max {
        out.push_str(&format!(" and {} more", names.len() - max));
    }
    out
}

/// How many action names a finding's details list before counting the rest.
pub const MAX_LISTED: usize = 10;

/// `(rule, line, column, pointer)` of each finding, for compact assertions in rule tests.
#[cfg(test)]
pub(crate) fn located(
    findings: &[crate::report::Finding],
) -> Vec<(&'static str, Option<u32>, Option<u32>, &str)> {
    findings
        .iter()
        .map(|f| {
            (
                f.rule,
                f.location.line,
                f.location.column,
                f.location.pointer.as_str(),
            )
        })
        .collect()
}

/// Test support for rule modules: parses a fixture and runs one check over it.
#[cfg(test)]
pub(crate) fn run_check(
    check: crate::lint::rules::CheckFn,
    text: &str,
) -> Vec<crate::report::Finding> {
    let policy = match crate::policy::parse_policy(text) {
        Ok(p) => p,
        Err(e) => panic!("fixture does not parse: {e:?}"),
    };
    let catalog = Catalog::get();
    let cx = LintContext::new("fixture.json", catalog, &policy);
    let mut out = Vec::new();
    check(&policy, &cx, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::text::key_matches_template;
    use crate::policy::parse_policy;

    fn policy(text: &str) -> Policy {
        match parse_policy(text) {
            Ok(p) => p,
            Err(e) => panic!("fixture does not parse: {e:?}"),
        }
    }

    fn kind(text: &str) -> PolicyKind {
        PolicyKind::detect(&policy(text), Catalog::get())
    }

    #[test]
    fn detects_trust_resource_and_identity_policies() {
        assert_eq!(
            kind(include_str!("../../fixtures/chalk/trust.json")),
            PolicyKind::Trust
        );
        assert_eq!(
            kind(include_str!("../../fixtures/chalk/scoped-execution.json")),
            PolicyKind::Identity
        );
        assert_eq!(
            kind(
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*",
                "Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}"#
            ),
            PolicyKind::Resource
        );
        assert_eq!(
            kind(
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
                "Principal":{"Federated":"cognito-identity.amazonaws.com"},
                "Action":["sts:AssumeRoleWithWebIdentity","sts:TagSession"]}]}"#
            ),
            PolicyKind::Trust
        );
    }

    #[test]
    fn expands_not_action_to_the_rest_of_the_catalog() {
        let p = policy(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}]}"#,
        );
        let catalog = Catalog::get();
        let expanded = StatementActions::of(catalog, &p.statements[0]);
        assert!(expanded.negated);
        assert!(expanded.actions.iter().all(|a| a.service != "iam"));
        assert_eq!(
            expanded.actions.len(),
            catalog.actions().count() - catalog.expand("iam:*").len()
        );
    }

    #[test]
    fn expansion_deduplicates_and_marks_narrow_items() {
        let p = policy(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
            "Action":["s3:*","s3:GetObject","S3:getobject","sqs:SendMessage"],"Resource":"*"}]}"#,
        );
        let expanded = StatementActions::of(Catalog::get(), &p.statements[0]);
        let narrow: Vec<String> = expanded.narrow_actions().map(Action::full_name).collect();
        assert_eq!(narrow, ["s3:GetObject", "sqs:SendMessage"]);
        assert_eq!(
            expanded.actions.len(),
            Catalog::get().expand("s3:*").len() + 1
        );
    }

    #[test]
    fn expansions_are_computed_once_per_policy() {
        let p = policy(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Condition":{"Bool":{"aws:SecureTransport":"true"}},
            "Action":["s3:Get*","sqs:SendMessage"],"Resource":"*"}]}"#,
        );
        let cx = LintContext::new("p.json", Catalog::get(), &p);
        let first = cx.expand("s3:Get*");
        assert!(std::ptr::eq(first.as_ptr(), cx.expand("s3:Get*").as_ptr()));
        assert_eq!(first.len(), Catalog::get().expand("s3:Get*").len());
        assert_eq!(cx.expand("sqs:SendMessage").len(), 1);
        assert!(cx.expand("sqs:NoSuchAction").is_empty());
        assert!(cx.names_any("s3:Get*") && !cx.names_any("s3:Nope*"));
        let stmt = &p.statements[0];
        let actions = cx.statement_actions(stmt);
        assert!(Rc::ptr_eq(&actions, &cx.statement_actions(stmt)));
        assert_eq!(
            actions.actions.len(),
            StatementActions::of(Catalog::get(), stmt).actions.len()
        );
    }

    #[test]
    fn classifies_condition_keys() {
        let c = Catalog::get();
        assert_eq!(classify_key(c, "aws:PrincipalArn"), KeyClass::Always);
        assert_eq!(classify_key(c, "aws:SourceVpce"), KeyClass::Conditional);
        assert_eq!(
            classify_key(c, "aws:ResourceTag/team"),
            KeyClass::ActionDependent
        );
        assert_eq!(classify_key(c, "s3:prefix"), KeyClass::ActionDependent);
        assert_eq!(
            classify_key(c, "s3:prefixx"),
            KeyClass::UnknownServiceKey {
                suggestion: Some("s3:prefix")
            }
        );
        assert_eq!(classify_key(c, "custom:thing"), KeyClass::Unknown);
    }

    #[test]
    fn literal_tag_key_placeholders_match_any_tag() {
        let c = Catalog::get();
        let key = "secretsmanager:ResourceTag/aws:secretsmanager:owningService";
        assert_eq!(classify_key(c, key), KeyClass::ActionDependent);
        let get = c.action("secretsmanager:GetSecretValue");
        assert!(get.is_some_and(|a| c.action_supports_key(a, key)));
        assert!(!key_matches_template(
            "secretsmanager:resource/Type",
            "secretsmanager:resource/x"
        ));
    }

    #[test]
    fn summarizes_long_lists_with_a_count() {
        assert_eq!(summarize_list(&["a", "b", "c"], 2), "a, b and 1 more");
        assert_eq!(summarize_list(&["a"], 2), "a");
    }

    #[test]
    fn location_omits_unknown_positions() {
        let p = policy(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#,
        );
        let cx = LintContext::new("p.json", Catalog::get(), &p);
        let loc = cx.location(Pos::NONE, "/Statement/0".into());
        assert_eq!((loc.line, loc.column), (None, None));
        assert_eq!(loc.file.as_deref(), Some("p.json"));
    }

    #[test]
    fn a_memo_shares_action_answers_only_with_contexts_of_its_catalog() {
        const TINY: &str = r#"{"source":{"package":"t","version":"1","date":"2026"},
            "services":[{"prefix":"s3","name":"S3","actions":[["Zap","Write",[]]],
            "resource_types":[],"condition_keys":[]}]}"#;
        let tiny = Catalog::from_json(TINY).unwrap();
        let p = policy(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#,
        );
        let memo = Rc::new(LintMemo::for_catalog(Catalog::get()));
        let full = LintContext::new("p.json", Catalog::get(), &p).with_memo(&memo);
        assert!(full.expand("s3:*").len() > 100);
        assert!(full.action("s3:GetObject").is_some());
        let other = LintContext::new("p.json", &tiny, &p).with_memo(&memo);
        let names: Vec<&str> = other.expand("s3:*").iter().map(|a| a.name).collect();
        assert_eq!(names, ["Zap"]);
        assert!(other.action("s3:GetObject").is_none());
        assert!(!other.names_any("s3:Get*"));
    }
}
