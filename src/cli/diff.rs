//! `iamscope diff`: the exact difference in access between two policy sets.

use std::collections::BTreeMap;
use std::path::PathBuf;

use clap::Args;
use serde_json::{json, Map, Value};

use super::explain::{reason, Sides};
use super::policy_input::{LoadedPolicy, Loader, ParamArgs};
use super::{emit, new_report, Cli, FormatArg};
use crate::catalog::Catalog;
use crate::diff::{
    compare, Comparison, ComparisonUnproven, Difference, NewAccess, PolicySet, RemovedAccess, Side,
    StatementRef, Unproven, Verdict,
};
use crate::eval::{CompiledPolicySet, Decision, Explanation, Outcome, PolicySource, Request};
use crate::exit::{decide_diff, Error, Status};
use crate::policy::{Effect, Policy};
use crate::report::{self, Finding, Format, Location, Report};

/// Arguments of `iamscope diff`.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The baseline policy: a file, `-` for stdin, or a documented policy id.
    #[arg(value_name = "OLD")]
    pub old: Option<String>,
    /// The proposed policy: a file, `-` for stdin, or a documented policy id.
    #[arg(value_name = "NEW")]
    pub new: Option<String>,
    /// A further identity policy of the baseline (repeatable).
    #[arg(long = "old", value_name = "POLICY")]
    pub more_old: Vec<String>,
    /// A further identity policy of the proposal (repeatable).
    #[arg(long = "new", value_name = "POLICY")]
    pub more_new: Vec<String>,
    /// A permissions boundary of the baseline (repeatable).
    #[arg(long, value_name = "POLICY")]
    pub old_boundary: Vec<String>,
    /// A permissions boundary of the proposal (repeatable).
    #[arg(long, value_name = "POLICY")]
    pub new_boundary: Vec<String>,
    /// Exit 1 when NEW allows any request OLD does not, or when part of the
    /// comparison cannot be proved (fail closed).
    #[arg(long)]
    pub fail_on_new_access: bool,
    /// Compare every policy file under this directory (the base of a change)
    /// with the same paths under `--head-dir`.
    #[arg(long, value_name = "DIR", requires = "head_dir")]
    pub base_dir: Option<PathBuf>,
    /// The head of a change compared with `--base-dir`.
    #[arg(long, value_name = "DIR", requires = "base_dir")]
    pub head_dir: Option<PathBuf>,
    /// Compare every policy file of this git revision with `--git-head` (or the
    /// working tree). Run inside the repository.
    #[arg(long, value_name = "REF", conflicts_with_all = ["base_dir", "head_dir"])]
    pub git_base: Option<String>,
    /// The head revision compared with `--git-base`; the working tree when absent.
    #[arg(long, value_name = "REF", requires = "git_base")]
    pub git_head: Option<String>,
    /// Compare the IAM policies before and after a Terraform plan: the JSON of
    /// `terraform show -json PLAN`.
    #[arg(long, value_name = "PLAN", conflicts_with_all = ["base_dir", "head_dir", "git_base"])]
    pub terraform_plan: Option<String>,
    /// With `--base-dir`, `--git-base` or `--terraform-plan`: compare the files
    /// (or Terraform addresses and role names) matching PATTERN with a documented
    /// policy, rendered with the parameter flags (repeatable;
    /// `'*chalk*scoped*=chalk:scoped-execution'`).
    #[arg(long, value_name = "PATTERN=POLICY-ID")]
    pub documented: Vec<String>,
    /// Parameters of documented policies.
    #[command(flatten)]
    pub params: ParamArgs,
}

impl DiffArgs {
    /// The identity policy arguments of each side: positionals first, then the flags.
    fn sides(&self) -> Result<(Vec<String>, Vec<String>), Error> {
        let mut old: Vec<String> = self.old.iter().cloned().collect();
        let mut new: Vec<String> = self.new.iter().cloned().collect();
        if self.old.is_some() && self.new.is_none() && self.more_new.is_empty() {
            return Err(usage("missing the NEW policy"));
        }
        old.extend(self.more_old.iter().cloned());
        new.extend(self.more_new.iter().cloned());
        if old.is_empty() || new.is_empty() {
            return Err(usage("`diff` needs an OLD and a NEW policy"));
        }
        Ok((old, new))
    }
}

fn usage(message: &str) -> Error {
    Error::Usage {
        message: message.to_owned(),
        help: Some("pass `iamscope diff OLD NEW`, or `--old POLICY --new POLICY`".to_owned()),
    }
}

/// Compares the two sides and reports every difference.
pub fn run(cli: &Cli, args: &DiffArgs) -> Result<Status, Error> {
    if super::repo_diff::wanted(args) {
        return super::repo_diff::run(cli, args);
    }
    let (old_args, new_args) = args.sides()?;
    let mut loader = Loader::new();
    let old_identity = loader.load_all(&old_args, &args.params)?;
    let old_boundaries = loader.load_all(&args.old_boundary, &args.params)?;
    let new_identity = loader.load_all(&new_args, &args.params)?;
    let new_boundaries = loader.load_all(&args.new_boundary, &args.params)?;

    let (comparison, findings) = compare_loaded(
        Sides {
            identity: &old_identity,
            boundaries: &old_boundaries,
        },
        Sides {
            identity: &new_identity,
            boundaries: &new_boundaries,
        },
    );
    let mut report = new_report("diff");
    report
        .extra
        .insert("verdict".into(), comparison.verdict.as_str().into());
    report.extra.insert(
        "comparison".into(),
        json!({
            "complete": comparison.unproven.is_empty(),
            "added": comparison.added.len(),
            "removed": comparison.removed.len(),
            "unproven": comparison.unproven.len(),
            "action_groups": comparison.action_groups,
            "requests_evaluated": comparison.requests_evaluated,
        }),
    );
    report.extend_findings(findings);
    // Two trust policies: the request comparison does not look at principals, so who can
    // assume the role is compared on its own.
    let trust_widened = match (&old_identity[..], &new_identity[..]) {
        ([old], [new])
            if super::repo_diff::is_trust(&old.policy)
                && super::repo_diff::is_trust(&new.policy) =>
        {
            let found =
                super::repo_diff::trust_widened(&new.source.name, Some(&old.policy), &new.policy);
            report.notes.push(format!(
                "both documents are trust policies: the verdict compares their actions and conditions; who can assume the role is compared separately ({} principal(s) widened, `trust-widened`)",
                found.len()
            ));
            found
        }
        _ => Vec::new(),
    };
    let widened = !trust_widened.is_empty();
    report.extend_findings(trust_widened);
    if !comparison.unproven.is_empty() {
        report.notes.push(format!(
            "the verdict `{}` holds only for the parts of the comparison that were proved; {} part(s) could not be",
            comparison.verdict.as_str(),
            comparison.unproven.len()
        ));
    }
    for loaded in old_identity
        .iter()
        .chain(&old_boundaries)
        .chain(&new_identity)
        .chain(&new_boundaries)
    {
        report.add_source(loaded.source.name.clone(), loaded.source.text.clone());
    }
    write(cli, &mut report, &comparison)?;
    Ok(decide_diff(
        report.max_severity(),
        cli.fail_on,
        args.fail_on_new_access,
        !comparison.added.is_empty() || !comparison.unproven.is_empty() || widened,
    ))
}

/// Compares two loaded sides exactly and builds one finding per difference (with a
/// witness and the responsible statements) and per unproven part.
pub(super) fn compare_loaded(old: Sides<'_>, new: Sides<'_>) -> (Comparison, Vec<Finding>) {
    let (oi, ob, ni, nb) = (
        refs(old.identity),
        refs(old.boundaries),
        refs(new.identity),
        refs(new.boundaries),
    );
    let comparison = compare(
        PolicySet {
            identity: &oi,
            boundaries: &ob,
        },
        PolicySet {
            identity: &ni,
            boundaries: &nb,
        },
        Catalog::get(),
    );
    let ctx = DiffContext {
        old,
        new,
        old_eval: CompiledPolicySet::new(&oi, &ob),
        new_eval: CompiledPolicySet::new(&ni, &nb),
        key_names: key_names(oi.iter().chain(&ob).chain(&ni).chain(&nb).copied()),
    };
    let mut findings: Vec<Finding> = Vec::new();
    findings.extend(comparison.added.iter().map(|d| ctx.added(d)));
    findings.extend(comparison.removed.iter().map(|d| ctx.removed(d)));
    findings.extend(comparison.unproven.iter().map(|u| ctx.unproven(u)));
    (comparison, findings)
}

fn refs(list: &[LoadedPolicy]) -> Vec<&Policy> {
    list.iter().map(|p| &p.policy).collect()
}

/// The verdict in words, the first line of the table and Markdown output.
fn verdict_line(comparison: &Comparison) -> String {
    let meaning = match comparison.verdict {
        Verdict::Equivalent => "both allow exactly the same requests",
        Verdict::Broader => "NEW allows requests that OLD does not",
        Verdict::Narrower => "NEW allows a strict subset of what OLD allows",
        Verdict::Incomparable => "each allows requests the other does not",
    };
    match comparison.unproven.len() {
        0 => format!("verdict: {} ({meaning})", comparison.verdict.as_str()),
        n => format!(
            "verdict: {} ({meaning}, on the parts that were proved; {n} part(s) unproven)",
            comparison.verdict.as_str()
        ),
    }
}

fn write(cli: &Cli, report: &mut Report, comparison: &Comparison) -> Result<(), Error> {
    // Config, waivers and `--previous` apply to every format, as in other commands.
    super::gate::apply(cli, report)?;
    let report = &*report;
    match cli.format {
        FormatArg::Table => {
            let body = report::render(
                report,
                Format::Table,
                &crate::registry::RULES,
                super::use_color(cli),
            );
            emit(cli, &format!("{}\n\n{body}", verdict_line(comparison)))
        }
        FormatArg::Markdown => {
            let body = report::render(report, Format::Markdown, &crate::registry::RULES, false);
            // After the heading line, before the summary.
            let text = match body.split_once("\n\n") {
                Some((heading, rest)) => {
                    format!("{heading}\n\n**{}**\n\n{rest}", verdict_line(comparison))
                }
                None => body,
            };
            emit(cli, &text)
        }
        FormatArg::Json | FormatArg::Sarif => emit(
            cli,
            &report::render(
                report,
                Format::from(cli.format),
                &crate::registry::RULES,
                false,
            ),
        ),
    }
}

/// What building the findings needs: both sides' sources, both evaluators, and the
/// condition keys as written in the policies (the evaluator lowercases them).
struct DiffContext<'a> {
    old: Sides<'a>,
    new: Sides<'a>,
    old_eval: CompiledPolicySet,
    new_eval: CompiledPolicySet,
    key_names: BTreeMap<String, String>,
}

fn key_names<'p>(policies: impl Iterator<Item = &'p Policy>) -> BTreeMap<String, String> {
    let mut names = BTreeMap::new();
    for policy in policies {
        for statement in &policy.statements {
            for condition in &statement.conditions {
                names
                    .entry(condition.key.value.to_ascii_lowercase())
                    .or_insert_with(|| condition.key.value.clone());
            }
        }
    }
    names
}

/// `a`, `b`, `c` and N more.
fn summarise_actions(actions: &[String]) -> String {
    const SHOWN: usize = 3;
    let head: Vec<String> = actions
        .iter()
        .take(SHOWN)
        .map(|a| format!("`{a}`"))
        .collect();
    match actions.len().saturating_sub(SHOWN) {
        0 => head.join(", "),
        more => format!("{} and {more} more", head.join(", ")),
    }
}

impl DiffContext<'_> {
    fn sides(&self, side: Side) -> &Sides<'_> {
        match side {
            Side::Old => &self.old,
            Side::New => &self.new,
        }
    }

    fn display_key(&self, key: &str) -> String {
        self.key_names
            .get(key)
            .cloned()
            .unwrap_or_else(|| key.to_owned())
    }

    /// Condition keys tested by statements that name the witness's action on
    /// either side but absent from the witness: the absences that matter.
    fn absent_keys(&self, witness: &Request, old: &Explanation, new: &Explanation) -> Vec<String> {
        let mut keys: Vec<String> = Vec::new();
        for (sides, explanation) in [(&self.old, old), (&self.new, new)] {
            for s in &explanation.statements {
                if s.outcome == Outcome::ActionNotMatched {
                    continue;
                }
                let boundary = s.source == PolicySource::Boundary;
                let Some((_, statement)) = sides.statement(boundary, s.policy, s.statement) else {
                    continue;
                };
                for condition in &statement.conditions {
                    let lower = condition.key.value.to_ascii_lowercase();
                    if witness.context.get(&lower).is_none() && !keys.contains(&lower) {
                        keys.push(lower);
                    }
                }
            }
        }
        keys.sort();
        keys.into_iter().map(|k| self.display_key(&k)).collect()
    }

    /// `` on `arn` with `k` = `v`, without `x` ``.
    fn describe_witness(&self, witness: &Request, absent: &[String]) -> String {
        let mut text = format!("on `{}`", witness.resource);
        let present: Vec<String> = witness
            .context
            .iter()
            .map(|(key, values)| {
                let values: Vec<String> = values.iter().map(|v| format!("`{v}`")).collect();
                let values = if values.is_empty() {
                    "no values".to_owned()
                } else {
                    values.join(", ")
                };
                format!("`{}` = {values}", self.display_key(key))
            })
            .collect();
        if !present.is_empty() {
            text.push_str(&format!(" with {}", present.join(" and ")));
        }
        if !absent.is_empty() {
            let absent: Vec<String> = absent.iter().map(|k| format!("`{k}`")).collect();
            let joiner = if present.is_empty() { " " } else { ", " };
            text.push_str(&format!("{joiner}without {}", absent.join(" or ")));
        }
        text
    }

    fn witness_value(&self, witness: &Request, absent: &[String]) -> Value {
        let context: Map<String, Value> = witness
            .context
            .iter()
            .map(|(key, values)| (self.display_key(key), json!(values)))
            .collect();
        json!({
            "action": witness.action,
            "resource": witness.resource,
            "context": context,
            "absent_keys": absent,
        })
    }

    /// Why one side decides the witness as it does: the decisive statements, or the
    /// statement that came closest to allowing it and why it did not.
    fn side_reason(&self, side: Side, explanation: &Explanation, witness: &Request) -> String {
        let sides = self.sides(side);
        let describe = |s: &crate::eval::StatementOutcome| {
            sides.describe(s.source == PolicySource::Boundary, s.policy, s.statement)
        };
        let decision = explanation.decision.as_str();
        match explanation.decision {
            Decision::Allow | Decision::ExplicitDeny => {
                let by: Vec<String> = explanation.decisive().map(describe).collect();
                format!("{decision} by {}", by.join(", "))
            }
            Decision::ImplicitDeny => {
                let allows = |source: PolicySource| {
                    explanation.statements.iter().any(|s| {
                        s.source == source
                            && s.effect == Effect::Allow
                            && s.outcome == Outcome::Matched
                    })
                };
                if allows(PolicySource::Identity) && !allows(PolicySource::Boundary) {
                    return format!(
                        "{decision}: an identity statement allows it but no permissions boundary statement does"
                    );
                }
                let rank = |outcome: &Outcome| match outcome {
                    Outcome::ConditionFailed { .. } => 0,
                    Outcome::ResourceNotMatched => 1,
                    _ => 2,
                };
                let closest = explanation
                    .statements
                    .iter()
                    .filter(|s| {
                        s.effect == Effect::Allow
                            && s.source == PolicySource::Identity
                            && rank(&s.outcome) < 2
                    })
                    .min_by_key(|s| rank(&s.outcome));
                match closest.and_then(|s| Some((s, reason(&s.outcome, witness)?))) {
                    Some((s, why)) => format!(
                        "{decision}: the closest statement {} names the action, but {why}",
                        describe(s)
                    ),
                    None => format!("{decision}: no Allow statement names `{}`", witness.action),
                }
            }
        }
    }

    /// The location of the first responsible statement of `side`, with its label.
    fn locate(&self, side: Side, responsible: &[StatementRef]) -> (Location, Option<String>) {
        let sides = self.sides(side);
        match responsible.iter().find(|r| r.side == side) {
            Some(r) => (
                sides.location(r.boundary, r.policy, r.statement),
                sides
                    .statement(r.boundary, r.policy, r.statement)
                    .map(|(_, st)| st.label()),
            ),
            None => (self.side_file(side), None),
        }
    }

    /// The side's first file, when nothing more precise is known.
    fn side_file(&self, side: Side) -> Location {
        Location {
            file: self
                .sides(side)
                .identity
                .first()
                .map(|p| p.source.name.clone()),
            ..Location::default()
        }
    }

    fn responsible_detail(&self, responsible: &[StatementRef]) -> String {
        responsible
            .iter()
            .map(|r| {
                let side = match r.side {
                    Side::Old => "OLD",
                    Side::New => "NEW",
                };
                format!(
                    "{side} {}",
                    self.sides(r.side)
                        .describe(r.boundary, r.policy, r.statement)
                )
            })
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn difference(&self, d: &Difference, added: bool) -> Finding {
        let old = self.old_eval.explain(&d.witness);
        let new = self.new_eval.explain(&d.witness);
        let absent = self.absent_keys(&d.witness, &old, &new);
        let witness = self.describe_witness(&d.witness, &absent);
        let actions = summarise_actions(&d.actions);
        let (meta, message, side) = if added {
            (
                NewAccess::META,
                format!("NEW allows {actions} {witness}; OLD: {}", d.old.as_str()),
                Side::New,
            )
        } else {
            (
                RemovedAccess::META,
                format!(
                    "NEW no longer allows {actions} {witness}; NEW: {}",
                    d.new.as_str()
                ),
                Side::Old,
            )
        };
        let (location, label) = self.locate(side, &d.responsible);
        let mut finding = Finding::new(meta.id, meta.severity, message)
            .at(location)
            .subject(d.witness.action.clone())
            .detail(
                "witness",
                serde_json::to_string(&self.witness_value(&d.witness, &absent)).unwrap_or_default(),
            )
            .detail("actions", d.actions.join(", "))
            .detail("old", self.side_reason(Side::Old, &old, &d.witness))
            .detail("new", self.side_reason(Side::New, &new, &d.witness));
        if !d.responsible.is_empty() {
            finding = finding.detail("responsible", self.responsible_detail(&d.responsible));
        }
        if let Some(label) = label {
            finding = finding.in_statement(label);
        }
        finding
    }

    fn added(&self, d: &Difference) -> Finding {
        self.difference(d, true)
    }

    fn removed(&self, d: &Difference) -> Finding {
        self.difference(d, false)
    }

    fn unproven(&self, u: &Unproven) -> Finding {
        let meta = ComparisonUnproven::META;
        Finding::new(
            meta.id,
            meta.severity,
            format!(
                "cannot compare {} exactly: {}",
                summarise_actions(&u.actions),
                u.reason
            ),
        )
        .at(self.side_file(Side::New))
        .detail("actions", u.actions.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summarises_long_action_lists() {
        let actions: Vec<String> = ["a:A", "a:B", "a:C", "a:D", "a:E"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(
            summarise_actions(&actions),
            "`a:A`, `a:B`, `a:C` and 2 more"
        );
        assert_eq!(summarise_actions(&actions[..2]), "`a:A`, `a:B`");
    }

    #[test]
    fn requires_both_sides() {
        let args = DiffArgs {
            old: Some("a.json".into()),
            new: None,
            more_old: vec![],
            more_new: vec![],
            old_boundary: vec![],
            new_boundary: vec![],
            fail_on_new_access: false,
            base_dir: None,
            head_dir: None,
            git_base: None,
            git_head: None,
            terraform_plan: None,
            documented: vec![],
            params: ParamArgs::default(),
        };
        assert!(args.sides().unwrap_err().to_string().contains("NEW"));
        let flags = DiffArgs {
            old: None,
            more_old: vec!["a.json".into()],
            more_new: vec!["b.json".into(), "c.json".into()],
            ..args
        };
        let (old, new) = flags.sides().unwrap();
        assert_eq!(old, ["a.json"]);
        assert_eq!(new, ["b.json", "c.json"]);
    }
}
