//! `iamscope explain`: the decision for one request, and why each statement did or
//! did not apply.

use clap::Args;
use serde_json::{json, Map, Value};

use super::policy_input::{LoadedPolicy, Loader, ParamArgs};
use super::{emit, new_report, render, Cli, FormatArg};
use crate::catalog::Catalog;
use crate::eval::{
    CompiledPolicySet, Context, Explanation, Outcome, PolicySource, Request, StatementOutcome,
};
use crate::exit::{Error, Status};
use crate::policy::{Effect, Statement};
use crate::report::{table::location_label, Location, Report};

/// Arguments of `iamscope explain`.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// Identity policies: files, `-` for stdin, or documented policy ids.
    #[arg(long, required = true, num_args = 1.., value_name = "POLICY")]
    pub policy: Vec<String>,
    /// Permissions boundaries (repeatable).
    #[arg(long, value_name = "POLICY")]
    pub boundary: Vec<String>,
    /// The action, `service:Action`.
    #[arg(long)]
    pub action: String,
    /// The resource ARN (`*` for actions that take no resource).
    #[arg(long, value_name = "ARN")]
    pub resource: String,
    /// The calling principal's ARN.
    #[arg(long, value_name = "ARN")]
    pub principal: Option<String>,
    /// A tag on the resource: sets `aws:ResourceTag/KEY` (repeatable).
    #[arg(long, value_name = "KEY=VALUE", value_parser = parse_pair)]
    pub resource_tag: Vec<(String, String)>,
    /// A tag in the request: sets `aws:RequestTag/KEY` and adds KEY to `aws:TagKeys`.
    #[arg(long, value_name = "KEY=VALUE", value_parser = parse_pair)]
    pub request_tag: Vec<(String, String)>,
    /// A condition key and value; repeat a key for a multi-valued key.
    #[arg(long, value_name = "KEY=VALUE", value_parser = parse_pair)]
    pub context: Vec<(String, String)>,
    /// Parameters of documented policies.
    #[command(flatten)]
    pub params: ParamArgs,
}

fn parse_pair(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((key, value)) if !key.is_empty() => Ok((key.to_owned(), value.to_owned())),
        _ => Err(format!("expected `KEY=VALUE`, got `{text}`")),
    }
}

impl ExplainArgs {
    /// The request, and its context keys as the user spelled them (for display).
    fn request(&self) -> (Request, Vec<(String, String)>) {
        let mut shown: Vec<(String, String)> = Vec::new();
        for (key, value) in &self.resource_tag {
            shown.push((format!("aws:ResourceTag/{key}"), value.clone()));
        }
        for (key, value) in &self.request_tag {
            shown.push((format!("aws:RequestTag/{key}"), value.clone()));
            shown.push(("aws:TagKeys".to_owned(), key.clone()));
        }
        shown.extend(self.context.iter().cloned());
        let mut context = Context::new();
        for (key, value) in &shown {
            context.insert(key, value.clone());
        }
        let request = Request {
            action: self.action.clone(),
            resource: self.resource.clone(),
            principal: self.principal.clone(),
            context,
        };
        (request, shown)
    }
}

/// Evaluates the request and reports the explanation.
pub fn run(cli: &Cli, args: &ExplainArgs) -> Result<Status, Error> {
    let mut loader = Loader::new();
    let identity = loader.load_all(&args.policy, &args.params)?;
    let boundaries = loader.load_all(&args.boundary, &args.params)?;
    let (request, shown) = args.request();
    let id_refs: Vec<_> = identity.iter().map(|p| &p.policy).collect();
    let b_refs: Vec<_> = boundaries.iter().map(|p| &p.policy).collect();
    let explanation = CompiledPolicySet::new(&id_refs, &b_refs).explain(&request);

    let mut report = new_report("explain");
    report
        .extra
        .insert("decision".into(), explanation.decision.as_str().into());
    report
        .extra
        .insert("request".into(), request_value(&request, &shown));
    let lookup = Sides {
        identity: &identity,
        boundaries: &boundaries,
    };
    let statements: Vec<Value> = explanation
        .statements
        .iter()
        .map(|s| statement_value(s, &lookup, &request))
        .collect();
    report.extra.insert("statements".into(), statements.into());
    report.notes = request_notes(&request, &shown, &explanation, &lookup);
    for loaded in identity.iter().chain(&boundaries) {
        report.add_source(loaded.source.name.clone(), loaded.source.text.clone());
    }
    if cli.format == FormatArg::Table {
        emit(
            cli,
            &explanation_text(&report, &explanation, &lookup, &request, &shown),
        )?;
    } else {
        render(cli, &mut report)?;
    }
    Ok(Status::Clean)
}

/// The loaded identity policies and boundaries of one side, to find statements by index.
pub(super) struct Sides<'a> {
    pub(super) identity: &'a [LoadedPolicy],
    pub(super) boundaries: &'a [LoadedPolicy],
}

impl Sides<'_> {
    /// The policy and statement that an outcome or reference names.
    pub(super) fn statement(
        &self,
        boundary: bool,
        policy: usize,
        statement: usize,
    ) -> Option<(&LoadedPolicy, &Statement)> {
        let list = if boundary {
            self.boundaries
        } else {
            self.identity
        };
        let loaded = list.get(policy)?;
        Some((loaded, loaded.policy.statements.get(statement)?))
    }

    /// Where a statement is: file, line and column of its object, and its pointer.
    pub(super) fn location(&self, boundary: bool, policy: usize, statement: usize) -> Location {
        match self.statement(boundary, policy, statement) {
            Some((loaded, st)) => Location {
                file: Some(loaded.source.name.clone()),
                line: st.pos.is_known().then_some(st.pos.line),
                column: st.pos.is_known().then_some(st.pos.column),
                pointer: st.pointer(),
            },
            None => Location::default(),
        }
    }

    /// `Sid (file:line:col)` or `#2 (file:line:col)`.
    pub(super) fn describe(&self, boundary: bool, policy: usize, statement: usize) -> String {
        let label = self
            .statement(boundary, policy, statement)
            .map_or_else(|| format!("#{statement}"), |(_, st)| st.label());
        format!(
            "`{label}` ({})",
            location_label(&self.location(boundary, policy, statement))
        )
    }
}

/// Why a statement did not apply, in words; `None` when it matched.
pub(super) fn reason(outcome: &Outcome, request: &Request) -> Option<String> {
    match outcome {
        Outcome::Matched => None,
        Outcome::ActionNotMatched => {
            Some(format!("its action does not match `{}`", request.action))
        }
        Outcome::ResourceNotMatched => Some(format!(
            "its resource does not match `{}`",
            request.resource
        )),
        Outcome::ConditionFailed { operator, key } => {
            let state = match request.context.get(key) {
                None => "the key is absent from the request".to_owned(),
                Some([]) => "the key is present with no values".to_owned(),
                Some(values) => format!(
                    "the request has {}",
                    values
                        .iter()
                        .map(|v| format!("`{v}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            };
            Some(format!(
                "condition `{operator}` on `{key}` does not hold: {state}"
            ))
        }
    }
}

fn outcome_name(outcome: &Outcome) -> &'static str {
    match outcome {
        Outcome::Matched => "matched",
        Outcome::ActionNotMatched => "action-not-matched",
        Outcome::ResourceNotMatched => "resource-not-matched",
        Outcome::ConditionFailed { .. } => "condition-failed",
    }
}

fn effect_name(effect: Effect) -> &'static str {
    match effect {
        Effect::Allow => "Allow",
        Effect::Deny => "Deny",
    }
}

fn request_value(request: &Request, shown: &[(String, String)]) -> Value {
    let mut context: Map<String, Value> = Map::new();
    for (key, value) in shown {
        match context.get_mut(key) {
            Some(Value::Array(values)) => values.push(value.clone().into()),
            _ => {
                context.insert(key.clone(), json!([value]));
            }
        }
    }
    json!({
        "action": request.action,
        "resource": request.resource,
        "principal": request.principal,
        "context": context,
    })
}

fn statement_value(s: &StatementOutcome, sides: &Sides<'_>, request: &Request) -> Value {
    let boundary = s.source == PolicySource::Boundary;
    let location = sides.location(boundary, s.policy, s.statement);
    let condition = match &s.outcome {
        Outcome::ConditionFailed { operator, key } => {
            json!({ "operator": operator.to_string(), "key": key })
        }
        _ => Value::Null,
    };
    json!({
        "source": if boundary { "boundary" } else { "identity" },
        "file": location.file,
        "line": location.line,
        "column": location.column,
        "pointer": location.pointer,
        "sid": s.sid,
        "effect": effect_name(s.effect),
        "outcome": outcome_name(&s.outcome),
        "condition": condition,
        "reason": reason(&s.outcome, request),
        "decisive": s.decisive,
    })
}

/// Warnings about the request itself: an action the catalog does not know, keys the
/// action never carries, and tag conditions that can never hold for this action.
fn request_notes(
    request: &Request,
    shown: &[(String, String)],
    explanation: &Explanation,
    sides: &Sides<'_>,
) -> Vec<String> {
    let catalog = Catalog::get();
    let Some(action) = catalog.action(&request.action) else {
        return vec![format!(
            "`{}` is not in the IAM action catalog; condition keys are not checked",
            request.action
        )];
    };
    let mut notes = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    for (key, _) in shown {
        let lower = key.to_ascii_lowercase();
        if seen.contains(&lower) {
            continue;
        }
        seen.push(lower);
        if !catalog.action_supports_key(action, key) {
            notes.push(format!(
                "condition key `{key}` is not supported by `{}` per the catalog: AWS does not send it with this request",
                request.action
            ));
        }
    }
    for s in &explanation.statements {
        if let Outcome::ConditionFailed { key, .. } = &s.outcome {
            let is_resource_tag = key
                .get(..16)
                .is_some_and(|p| p.eq_ignore_ascii_case("aws:ResourceTag/"));
            if is_resource_tag && !catalog.action_supports_key(action, key) {
                notes.push(format!(
                    "statement {} tests `{key}`, but `{}` never carries resource tags: the condition cannot hold for this action",
                    sides.describe(s.source == PolicySource::Boundary, s.policy, s.statement),
                    request.action
                ));
            }
        }
    }
    notes
}

/// The table format: the decision, the request, then every statement with its outcome.
fn explanation_text(
    report: &Report,
    explanation: &Explanation,
    sides: &Sides<'_>,
    request: &Request,
    shown: &[(String, String)],
) -> String {
    let mut out = format!("decision: {}\n", explanation.decision.as_str());
    out.push_str(&format!(
        "request: `{}` on `{}`\n",
        request.action, request.resource
    ));
    if let Some(principal) = &request.principal {
        out.push_str(&format!("principal: `{principal}`\n"));
    }
    for (key, value) in shown {
        out.push_str(&format!("context: `{key}` = `{value}`\n"));
    }
    let decisive: Vec<&StatementOutcome> = explanation.decisive().collect();
    if decisive.is_empty() {
        out.push_str("decided by: no statement allows the request\n");
    } else {
        for s in decisive {
            out.push_str(&format!(
                "decided by: {} {} statement {}\n",
                effect_name(s.effect),
                source_name(s.source),
                sides.describe(s.source == PolicySource::Boundary, s.policy, s.statement)
            ));
        }
    }
    out.push_str("\nstatements:\n");
    for s in &explanation.statements {
        let what = match reason(&s.outcome, request) {
            None if s.decisive => "matched (decisive)".to_owned(),
            None => "matched".to_owned(),
            Some(reason) => format!("does not apply: {reason}"),
        };
        out.push_str(&format!(
            "  {} {} {}: {what}\n",
            source_name(s.source),
            effect_name(s.effect),
            sides.describe(s.source == PolicySource::Boundary, s.policy, s.statement),
        ));
    }
    for note in &report.notes {
        out.push_str(&format!("note: {note}\n"));
    }
    if let Some(catalog) = &report.catalog {
        out.push_str(&format!("catalog: {}\n", catalog.describe()));
    }
    out
}

fn source_name(source: PolicySource) -> &'static str {
    match source {
        PolicySource::Identity => "identity",
        PolicySource::Boundary => "boundary",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_pairs_at_the_first_equals_sign() {
        assert_eq!(
            parse_pair("aws:SourceIp=10.0.0.0/8").unwrap(),
            ("aws:SourceIp".to_owned(), "10.0.0.0/8".to_owned())
        );
        assert_eq!(parse_pair("k=a=b").unwrap().1, "a=b");
        assert!(parse_pair("novalue").is_err());
        assert!(parse_pair("=v").is_err());
    }

    #[test]
    fn names_the_failing_condition_and_the_request_state() {
        let mut context = Context::new();
        context.insert("aws:ResourceTag/team", "red");
        let request = Request {
            action: "s3:GetObject".into(),
            resource: "arn:aws:s3:::b/k".into(),
            principal: None,
            context,
        };
        let outcome = Outcome::ConditionFailed {
            operator: crate::policy::Operator::parse("StringEquals").unwrap(),
            key: "aws:ResourceTag/team".into(),
        };
        assert_eq!(
            reason(&outcome, &request).unwrap(),
            "condition `StringEquals` on `aws:ResourceTag/team` does not hold: the request has `red`"
        );
        assert_eq!(reason(&Outcome::Matched, &request), None);
    }
}
