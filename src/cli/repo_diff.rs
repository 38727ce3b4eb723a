//! `iamscope diff` over whole changes: two directories (`--base-dir`/`--head-dir`),
//! two git revisions (`--git-base`/`--git-head`, head defaulting to the working
//! tree), or a Terraform plan (`--terraform-plan`, the JSON of `terraform show -json`).
//!
//! Each side is a set of named policy documents. Documents are paired by name
//! (the path, or the Terraform resource address); each changed pair is compared
//! exactly (`new-access`, `removed-access`, `comparison-unproven`), its lint
//! findings that the base did not have are reported, and a document recognised
//! as a vendor role (`--documented PATTERN=POLICY-ID`) is compared with the
//! documented policy (`grant-beyond-baseline`, `baseline-grant-missing`), keeping
//! only the drift the base did not already have.

use std::collections::{BTreeMap, HashSet};
use std::io;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::json;

use super::diff::{compare_loaded, DiffArgs};
use super::explain::Sides;
use super::policy_input::{LoadedPolicy, Loader};
use super::{new_report, render, Cli};
use crate::audit::trust::{beyond as beyond_trust, widened, Beyond};
use crate::catalog::Catalog;
use crate::config::glob_match;
use crate::exit::{decide_diff, Error, Status};
use crate::lint::context::PolicyKind;
use crate::lint::{lint_sources, PolicyType};
use crate::policy::{parse_policy, Policy, SourceFile};
use crate::report::{fingerprint, Finding, Location, Report, RuleMeta, Severity};
use crate::terraform::{read_plan, DocumentKind, PlanText};

/// Rules whose findings mean the change may grant access it did not before; they
/// decide `--fail-on-new-access`.
const NEW_ACCESS_RULES: &[&str] = &[
    "new-access",
    "trust-widened",
    "comparison-unproven",
    "grant-beyond-baseline",
    "extra-managed-policy",
    "trust-drift",
];

/// The AWS managed policies whose documents are known without the account:
/// `AdministratorAccess` allows everything.
const KNOWN_MANAGED: &[(&str, &str)] = &[(
    "arn:aws:iam::aws:policy/AdministratorAccess",
    "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\n      \"Effect\": \"Allow\",\n      \"Action\": \"*\",\n      \"Resource\": \"*\"\n    }\n  ]\n}\n",
)];

/// Whether `diff` was asked to compare whole changes rather than two policy sets.
pub(super) fn wanted(args: &DiffArgs) -> bool {
    args.base_dir.is_some()
        || args.head_dir.is_some()
        || args.git_base.is_some()
        || args.terraform_plan.is_some()
}

/// One document on both sides of a change.
#[derive(Debug, Clone)]
pub(super) struct Pair {
    /// The path or Terraform address findings point at.
    pub name: String,
    /// The role the document belongs to (Terraform), for `--documented` patterns.
    pub role: Option<String>,
    /// What the document is: decides the lint quota, and trust policies are not
    /// compared (the comparison covers identity policies).
    pub kind: PolicyType,
    /// Whether to compare the two sides (not for trust policies, which the
    /// comparison of identity policies does not cover, nor for data sources).
    pub compare: bool,
    /// Whether to lint the head (not for AWS managed policies).
    pub lint: bool,
    /// The base text.
    pub old: PlanText,
    /// The head text.
    pub new: PlanText,
}

/// A `--documented PATTERN=POLICY-ID` mapping.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Documented {
    pattern: String,
    policy_id: String,
}

/// Parses `PATTERN=POLICY-ID`.
fn parse_documented(text: &str) -> Result<Documented, Error> {
    match text.rsplit_once('=') {
        Some((pattern, id)) if !pattern.is_empty() && !id.is_empty() => Ok(Documented {
            pattern: pattern.to_owned(),
            policy_id: id.to_owned(),
        }),
        _ => Err(Error::Usage {
            message: format!("`--documented {text}` is not `PATTERN=POLICY-ID`"),
            help: Some("for example `--documented '*chalk*scoped*=chalk:scoped-execution'`".into()),
        }),
    }
}

/// The policy files of one side, by name, and how many JSON files were not policies.
#[derive(Debug, Default)]
pub(super) struct Tree {
    files: BTreeMap<String, String>,
    skipped: usize,
}

impl Tree {
    fn add(&mut self, name: String, text: Option<String>) {
        match text {
            Some(text) if is_policy_document(&text) => {
                self.files.insert(name, text);
            }
            _ => self.skipped += 1,
        }
    }
}

/// A JSON object with a `Statement` member is a policy document; so is text that
/// is not valid JSON but mentions `"Statement"` (a broken policy, which lint
/// reports). Other JSON (package manifests, fixtures) is skipped.
pub(super) fn is_policy_document(text: &str) -> bool {
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(value) => value.get("Statement").is_some(),
        Err(_) => text.contains("\"Statement\""),
    }
}

/// Whether `policy` is a role trust policy: every statement names a principal and grants
/// only `sts:AssumeRole`-family actions.
pub(super) fn is_trust(policy: &Policy) -> bool {
    PolicyKind::detect(policy, Catalog::get()) == PolicyKind::Trust
}

fn is_json_name(name: &str) -> bool {
    name.to_ascii_lowercase().ends_with(".json")
}

/// Every `*.json` file under `dir` (hidden directories skipped), named by its path
/// relative to `dir` with `/` separators.
pub(super) fn tree_from_dir(dir: &Path) -> Result<Tree, Error> {
    let read_error = |path: &Path, source: io::Error| Error::Read {
        path: path.display().to_string(),
        source,
    };
    let mut tree = Tree::default();
    let mut stack: Vec<PathBuf> = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        let entries = std::fs::read_dir(&current).map_err(|e| read_error(&current, e))?;
        for entry in entries {
            let entry = entry.map_err(|e| read_error(&current, e))?;
            let path = entry.path();
            let file_name = entry.file_name().to_string_lossy().into_owned();
            let kind = entry.file_type().map_err(|e| read_error(&path, e))?;
            if kind.is_dir() {
                if !file_name.starts_with('.') {
                    stack.push(path);
                }
            } else if is_json_name(&file_name) {
                let relative = path.strip_prefix(dir).unwrap_or(&path);
                let name = relative
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/");
                tree.add(name, std::fs::read_to_string(&path).ok());
            }
        }
    }
    Ok(tree)
}

/// Runs `git ARGS` and returns its standard output.
fn git(args: &[&str]) -> Result<Vec<u8>, Error> {
    let what = format!("git {}", args.join(" "));
    let output = Command::new("git")
        .args(args)
        .output()
        .map_err(|source| Error::Read {
            path: what.clone(),
            source,
        })?;
    if !output.status.success() {
        let message = String::from_utf8_lossy(&output.stderr).trim().to_owned();
        return Err(Error::Read {
            path: what,
            source: io::Error::other(message),
        });
    }
    Ok(output.stdout)
}

fn repo_root() -> Result<PathBuf, Error> {
    let out = git(&["rev-parse", "--show-toplevel"])?;
    Ok(PathBuf::from(String::from_utf8_lossy(&out).trim()))
}

fn nul_list(bytes: &[u8]) -> Vec<String> {
    bytes
        .split(|b| *b == 0)
        .filter(|s| !s.is_empty())
        .map(|s| String::from_utf8_lossy(s).into_owned())
        .collect()
}

/// The `*.json` files of the git revision `reference`, named by their path from the
/// repository root.
pub(super) fn tree_from_git(root: &Path, reference: &str) -> Result<Tree, Error> {
    let root_arg = root.display().to_string();
    let names = git(&[
        "-C",
        &root_arg,
        "ls-tree",
        "-r",
        "-z",
        "--name-only",
        reference,
    ])?;
    let mut tree = Tree::default();
    for name in nul_list(&names).into_iter().filter(|n| is_json_name(n)) {
        let object = format!("{reference}:{name}");
        let text = git(&["-C", &root_arg, "show", &object])?;
        tree.add(name, String::from_utf8(text).ok());
    }
    Ok(tree)
}

/// The `*.json` files of the working tree that git tracks or would track
/// (untracked files not ignored), named by their path from the repository root.
pub(super) fn tree_from_worktree(root: &Path) -> Result<Tree, Error> {
    let root_arg = root.display().to_string();
    let names = git(&[
        "-C",
        &root_arg,
        "ls-files",
        "-z",
        "--cached",
        "--others",
        "--exclude-standard",
    ])?;
    let mut tree = Tree::default();
    let mut seen = HashSet::new();
    for name in nul_list(&names).into_iter().filter(|n| is_json_name(n)) {
        if !seen.insert(name.clone()) {
            continue;
        }
        let path = root.join(&name);
        // A tracked file deleted from the working tree is deleted at head.
        if path.is_file() {
            tree.add(name, std::fs::read_to_string(&path).ok());
        }
    }
    Ok(tree)
}

/// Pairs two trees by name.
pub(super) fn pair_trees(base: &Tree, head: &Tree) -> Vec<Pair> {
    let mut names: Vec<&String> = base.files.keys().chain(head.files.keys()).collect();
    names.sort();
    names.dedup();
    names
        .into_iter()
        .map(|name| {
            let side = |tree: &Tree| {
                tree.files
                    .get(name)
                    .map_or(PlanText::Absent, |t| PlanText::Known(t.clone()))
            };
            let (old, new) = (side(base), side(head));
            // A role trust policy is reviewed for who can assume the role; the comparison
            // of identity policies does not cover principals.
            let trust = [&new, &old].into_iter().any(|text| match text {
                PlanText::Known(text) => parse_policy(text).is_ok_and(|p| is_trust(&p)),
                _ => false,
            });
            Pair {
                name: name.clone(),
                role: None,
                kind: if trust {
                    PolicyType::Trust
                } else {
                    PolicyType::Managed
                },
                compare: !trust,
                lint: true,
                old,
                new,
            }
        })
        .collect()
}

/// The pairs of a Terraform plan: its documents, and its managed policy
/// attachments as the attached policy's document (when known) under the
/// attachment's address.
fn pairs_from_plan(path: &str, findings: &mut Vec<Finding>) -> Result<Vec<Pair>, Error> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
        path: path.to_owned(),
        source,
    })?;
    let plan = read_plan(&text).map_err(|e| Error::Read {
        path: path.to_owned(),
        source: io::Error::other(e.to_string()),
    })?;
    let mut pairs: Vec<Pair> = plan
        .documents
        .into_iter()
        .map(|d| Pair {
            name: d.name,
            role: d.role,
            kind: match d.kind {
                DocumentKind::Managed | DocumentKind::DataSource => PolicyType::Managed,
                DocumentKind::Inline => PolicyType::Inline,
                DocumentKind::Trust => PolicyType::Trust,
            },
            compare: !matches!(d.kind, DocumentKind::Trust | DocumentKind::DataSource),
            lint: true,
            old: d.before,
            new: d.after,
        })
        .collect();
    let document = |arn: &PlanText| match arn {
        PlanText::Known(arn) => KNOWN_MANAGED
            .iter()
            .find(|(known, _)| known == arn)
            .map_or(PlanText::Unknown, |(_, doc)| {
                PlanText::Known((*doc).to_owned())
            }),
        other => other.clone(),
    };
    for attachment in plan.attachments {
        if attachment.before == attachment.after {
            continue;
        }
        if let PlanText::Known(arn) = &attachment.after {
            if document(&attachment.after) == PlanText::Unknown {
                findings.push(unproven(
                    &attachment.address,
                    format!("the document of the attached policy `{arn}` is not in the plan"),
                ));
                continue;
            }
        }
        pairs.push(Pair {
            name: attachment.address,
            role: attachment.role,
            kind: PolicyType::Managed,
            compare: true,
            // AWS's own documents: their lint findings are not the change's.
            lint: false,
            old: document(&attachment.before),
            new: document(&attachment.after),
        });
    }
    Ok(pairs)
}

fn rule(id: &str) -> Option<&'static RuleMeta> {
    crate::registry::find(id)
}

fn finding(id: &'static str, message: String) -> Finding {
    let severity = rule(id).map_or(Severity::High, |r| r.severity);
    Finding::new(id, severity, message)
}

fn at_file(name: &str) -> Location {
    Location {
        file: Some(name.to_owned()),
        ..Location::default()
    }
}

fn unproven(name: &str, why: String) -> Finding {
    finding(
        "comparison-unproven",
        format!("cannot compare `{name}`: {why}"),
    )
    .at(at_file(name))
}

/// `trust-widened` findings for a trust policy changed from `before` to `after`, located at
/// `name`.
pub(super) fn trust_widened(name: &str, before: Option<&Policy>, after: &Policy) -> Vec<Finding> {
    let Some(meta) = rule("trust-widened") else {
        return Vec::new();
    };
    widened(before, after)
        .into_iter()
        .map(|(principal, message)| {
            Finding::new(meta.id, meta.severity, message)
                .at(at_file(name))
                .subject(principal)
        })
        .collect()
}

fn loaded(name: &str, text: &str) -> Option<LoadedPolicy> {
    let policy = parse_policy(text).ok()?;
    Some(LoadedPolicy {
        source: SourceFile::new(name, text),
        policy,
    })
}

/// What one pair contributed to the report.
#[derive(Debug, Default)]
struct PairOutcome {
    findings: Vec<Finding>,
    summary: String,
}

/// Reviews every pair: comparison, new lint findings, documented drift.
pub(super) struct Review<'a> {
    documented: &'a [Documented],
    params: &'a super::policy_input::ParamArgs,
}

impl Review<'_> {
    fn documented_for(&self, pair: &Pair) -> Option<&Documented> {
        let lower = |s: &str| s.to_ascii_lowercase();
        self.documented.iter().find(|d| {
            let pattern = lower(&d.pattern);
            glob_match(&pattern, &lower(&pair.name))
                || pair
                    .role
                    .as_deref()
                    .is_some_and(|role| glob_match(&pattern, &lower(role)))
        })
    }

    /// Lint findings of the head text that the base text did not have, by fingerprint.
    fn new_lint(pair: &Pair) -> Vec<Finding> {
        let PlanText::Known(new) = &pair.new else {
            return Vec::new();
        };
        if !pair.lint {
            return Vec::new();
        }
        let head = lint_sources(
            &[SourceFile::new(pair.name.clone(), new.clone())],
            pair.kind,
        );
        let base: HashSet<String> = match &pair.old {
            PlanText::Known(old) => lint_sources(
                &[SourceFile::new(pair.name.clone(), old.clone())],
                pair.kind,
            )
            .iter()
            .map(fingerprint)
            .collect(),
            _ => HashSet::new(),
        };
        head.into_iter()
            .filter(|f| !base.contains(&fingerprint(f)))
            .collect()
    }

    fn review(&self, pair: &Pair) -> Result<Option<PairOutcome>, Error> {
        if let (PlanText::Known(old), PlanText::Known(new)) = (&pair.old, &pair.new) {
            if old == new {
                return Ok(None);
            }
        }
        let state = match (&pair.old, &pair.new) {
            (PlanText::Absent, PlanText::Absent) => return Ok(None),
            (PlanText::Absent, _) => "added",
            (_, PlanText::Absent) => "deleted",
            _ => "changed",
        };
        let mut out = PairOutcome::default();
        out.findings.extend(Self::new_lint(pair));
        let old = match &pair.old {
            PlanText::Known(text) => loaded(&pair.name, text),
            _ => None,
        };
        let mut summary = state.to_owned();
        if pair.kind == PolicyType::Trust {
            summary.push_str(&self.review_trust(pair, old.as_ref(), &mut out.findings)?);
        } else if !pair.compare {
            summary.push_str(", policy document data source (linted, not compared)");
        } else {
            match &pair.new {
                PlanText::Unknown => {
                    out.findings.push(unproven(
                        &pair.name,
                        "the policy is known only after apply".to_owned(),
                    ));
                    summary.push_str(", known only after apply");
                }
                PlanText::Known(text) if loaded(&pair.name, text).is_none() => {
                    summary.push_str(", not a valid policy (see the lint findings)");
                }
                new_text => {
                    let new = match new_text {
                        PlanText::Known(text) => loaded(&pair.name, text),
                        _ => None,
                    };
                    let (old_list, new_list): (Vec<_>, Vec<_>) =
                        (old.iter().cloned().collect(), new.iter().cloned().collect());
                    let (comparison, mut findings) = compare_loaded(
                        Sides {
                            identity: &old_list,
                            boundaries: &[],
                        },
                        Sides {
                            identity: &new_list,
                            boundaries: &[],
                        },
                    );
                    if state == "changed" {
                        // Removed access points at the base text; at head only the
                        // file and pointer still hold.
                        for f in findings.iter_mut().filter(|f| f.rule == "removed-access") {
                            f.location.line = None;
                            f.location.column = None;
                        }
                    }
                    out.findings.append(&mut findings);
                    summary.push_str(&format!(
                        ", {} ({} new, {} removed, {} unproven)",
                        comparison.verdict.as_str(),
                        comparison.added.len(),
                        comparison.removed.len(),
                        comparison.unproven.len()
                    ));
                    if let (Some(documented), Some(new)) = (self.documented_for(pair), &new) {
                        let drift = self.drift(documented, new, old.as_ref())?;
                        summary.push_str(&format!(
                            ", {} drift finding(s) from `{}`",
                            drift.len(),
                            documented.policy_id
                        ));
                        out.findings.extend(drift);
                    }
                }
            }
        }
        out.summary = format!("{}: {summary}", pair.name);
        Ok(Some(out))
    }

    /// Who can newly assume the role of a trust policy pair (`trust-widened`); returns the
    /// summary's words.
    fn review_trust(
        &self,
        pair: &Pair,
        old: Option<&LoadedPolicy>,
        out: &mut Vec<Finding>,
    ) -> Result<String, Error> {
        let new = match &pair.new {
            PlanText::Known(text) => match loaded(&pair.name, text) {
                Some(new) => new,
                None => {
                    return Ok(", trust policy, not a valid policy (see the lint findings)".into())
                }
            },
            PlanText::Unknown => {
                out.push(unproven(
                    &pair.name,
                    "the trust policy is known only after apply".into(),
                ));
                return Ok(", trust policy known only after apply".into());
            }
            PlanText::Absent => return Ok(", trust policy".into()),
        };
        let found = trust_widened(&pair.name, old.map(|o| &o.policy), &new.policy);
        let mut summary = format!(", trust policy ({} principal(s) widened", found.len());
        out.extend(found);
        if let Some(documented) = self.documented_for(pair) {
            let drift = self.trust_drift(documented, &pair.name, &new.policy, old)?;
            summary.push_str(&format!(
                ", {} drift finding(s) from `{}`",
                drift.len(),
                documented.policy_id
            ));
            out.extend(drift);
        }
        summary.push(')');
        Ok(summary)
    }

    /// `trust-drift` for each principal the head trust lets assume the role beyond the
    /// documented trust (a principal it does not name, or an `sts:ExternalId`, or none,
    /// that it refuses), unless the base already did.
    fn trust_drift(
        &self,
        documented: &Documented,
        name: &str,
        head: &Policy,
        base: Option<&LoadedPolicy>,
    ) -> Result<Vec<Finding>, Error> {
        let reference = Loader::new().load(&documented.policy_id, self.params)?;
        let Some(meta) = rule("trust-drift") else {
            return Ok(Vec::new());
        };
        let id = &documented.policy_id;
        let beyond = |policy: &Policy| -> Vec<(String, String)> {
            beyond_trust(&reference.policy, policy)
                .into_iter()
                .map(|(principal, how)| {
                    let how = match how {
                        Beyond::NotNamed => String::new(),
                        Beyond::ExternalId(None) => " without any `sts:ExternalId`".to_string(),
                        Beyond::ExternalId(Some(value)) => {
                            format!(" with `sts:ExternalId` `{value}`")
                        }
                    };
                    let message = format!(
                        "`{principal}` can assume the role{how}, which the documented trust `{id}` does not allow"
                    );
                    (principal, message)
                })
                .collect()
        };
        let already: HashSet<String> = base
            .map(|b| beyond(&b.policy).into_iter().map(|(p, _)| p).collect())
            .unwrap_or_default();
        Ok(beyond(head)
            .into_iter()
            .filter(|(principal, _)| !already.contains(principal))
            .map(|(principal, message)| {
                Finding::new(meta.id, meta.severity, message)
                    .at(at_file(name))
                    .subject(principal)
            })
            .collect())
    }

    /// Compares `head` (and `base`, when there is one) with the documented policy
    /// and keeps the head's drift findings the base did not have.
    fn drift(
        &self,
        documented: &Documented,
        head: &LoadedPolicy,
        base: Option<&LoadedPolicy>,
    ) -> Result<Vec<Finding>, Error> {
        let reference = Loader::new().load(&documented.policy_id, self.params)?;
        let one = |policy: &LoadedPolicy| -> Vec<Finding> {
            let docs = [reference.clone()];
            let mine = [policy.clone()];
            let (_, findings) = compare_loaded(
                Sides {
                    identity: &docs,
                    boundaries: &[],
                },
                Sides {
                    identity: &mine,
                    boundaries: &[],
                },
            );
            findings
                .into_iter()
                .filter_map(|f| as_drift(f, &policy.source.name, &documented.policy_id))
                .collect()
        };
        let head_drift = one(head);
        let base_drift: HashSet<String> = base
            .map(|b| one(b).iter().map(fingerprint).collect())
            .unwrap_or_default();
        Ok(head_drift
            .into_iter()
            .filter(|f| !base_drift.contains(&fingerprint(f)))
            .collect())
    }
}

/// A finding of the comparison documented-vs-file, restated as drift from the
/// documented policy: new access is `grant-beyond-baseline`, removed access
/// `baseline-grant-missing`.
fn as_drift(mut f: Finding, name: &str, policy_id: &str) -> Option<Finding> {
    let (id, verb) = match f.rule {
        "new-access" => ("grant-beyond-baseline", "allows beyond"),
        "removed-access" => ("baseline-grant-missing", "lacks access granted by"),
        "comparison-unproven" => return Some(f.at(at_file(name))),
        _ => return None,
    };
    let meta = rule(id)?;
    let witness = f
        .message
        .split_once(" on ")
        .map(|(_, rest)| rest.split_once("; ").map_or(rest, |(w, _)| w))
        .unwrap_or("");
    let subject = f.subject.clone().unwrap_or_default();
    f.message = format!("`{name}` {verb} the documented `{policy_id}`: `{subject}` on {witness}");
    f.rule = meta.id;
    f.severity = meta.severity;
    if id == "baseline-grant-missing" {
        // The statement is in the documented policy: point at the file itself.
        f.location = at_file(name);
        f.statement = None;
    }
    Some(f)
}

/// Runs `diff` over whole changes.
pub(super) fn run(cli: &Cli, args: &DiffArgs) -> Result<Status, Error> {
    if args.old.is_some()
        || args.new.is_some()
        || !args.more_old.is_empty()
        || !args.more_new.is_empty()
    {
        return Err(Error::Usage {
            message: "policy arguments cannot be combined with `--base-dir`, `--git-base` or `--terraform-plan`".into(),
            help: Some("compare two policies, or two whole changes, in one run".into()),
        });
    }
    let documented = args
        .documented
        .iter()
        .map(|d| parse_documented(d))
        .collect::<Result<Vec<_>, _>>()?;
    let mut findings: Vec<Finding> = Vec::new();
    let mut notes: Vec<String> = Vec::new();
    let (mode, pairs) = if let Some(plan) = &args.terraform_plan {
        ("terraform", pairs_from_plan(plan, &mut findings)?)
    } else if let Some(base) = &args.git_base {
        let root = repo_root()?;
        let base_tree = tree_from_git(&root, base)?;
        let head_tree = match &args.git_head {
            Some(head) => tree_from_git(&root, head)?,
            None => tree_from_worktree(&root)?,
        };
        skipped_note(&mut notes, base_tree.skipped + head_tree.skipped);
        ("git", pair_trees(&base_tree, &head_tree))
    } else {
        let (Some(base), Some(head)) = (&args.base_dir, &args.head_dir) else {
            return Err(Error::Usage {
                message: "`--base-dir` and `--head-dir` go together".into(),
                help: Some("pass `--base-dir OLD --head-dir NEW`".into()),
            });
        };
        let base_tree = tree_from_dir(base)?;
        let head_tree = tree_from_dir(head)?;
        skipped_note(&mut notes, base_tree.skipped + head_tree.skipped);
        ("directories", pair_trees(&base_tree, &head_tree))
    };

    let review = Review {
        documented: &documented,
        params: &args.params,
    };
    let mut report = new_report("diff");
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for pair in &pairs {
        let key = match (&pair.old, &pair.new) {
            (PlanText::Absent, _) => "added",
            (_, PlanText::Absent) => "deleted",
            (a, b) if a == b => "unchanged",
            _ => "changed",
        };
        *counts.entry(key).or_default() += 1;
        if let Some(outcome) = review.review(pair)? {
            report.headline.push(outcome.summary);
            findings.extend(outcome.findings);
        }
        let text = match (&pair.new, &pair.old) {
            (PlanText::Known(text), _) | (_, PlanText::Known(text)) => Some(text),
            _ => None,
        };
        if let Some(text) = text {
            report.add_source(pair.name.clone(), text.clone());
        }
    }
    report.extra.insert("mode".into(), mode.into());
    report.extra.insert(
        "documents".into(),
        json!({
            "changed": counts.get("changed").copied().unwrap_or(0),
            "added": counts.get("added").copied().unwrap_or(0),
            "deleted": counts.get("deleted").copied().unwrap_or(0),
            "unchanged": counts.get("unchanged").copied().unwrap_or(0),
        }),
    );
    if report.headline.is_empty() {
        report
            .headline
            .push("no policy document changed".to_owned());
    }
    report.notes.extend(notes);
    report.extend_findings(findings);
    render(cli, &mut report)?;
    let gate = new_access_or_unproven(&report);
    Ok(decide_diff(
        report.max_severity(),
        cli.fail_on,
        args.fail_on_new_access,
        gate,
    ))
}

fn skipped_note(notes: &mut Vec<String>, skipped: usize) {
    if skipped > 0 {
        notes.push(format!(
            "{skipped} JSON file(s) that are not policy documents were skipped"
        ));
    }
}

/// Whether an active (not waived) finding says the change may grant new access.
fn new_access_or_unproven(report: &Report) -> bool {
    report
        .findings()
        .iter()
        .any(|f| f.is_active() && NEW_ACCESS_RULES.contains(&f.rule))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_documented_mappings() {
        assert_eq!(
            parse_documented("*chalk*scoped*=chalk:scoped-execution").unwrap(),
            Documented {
                pattern: "*chalk*scoped*".into(),
                policy_id: "chalk:scoped-execution".into()
            }
        );
        assert!(parse_documented("chalk:scoped-execution").is_err());
        assert!(parse_documented("=x").is_err());
    }

    #[test]
    fn recognises_policy_documents_only() {
        assert!(is_policy_document(
            r#"{"Version":"2012-10-17","Statement":[]}"#
        ));
        assert!(!is_policy_document(r#"{"name":"package"}"#));
        assert!(!is_policy_document("not json"));
        assert!(is_policy_document(r#"{"Statement": [,]}"#));
    }

    #[test]
    fn pairs_files_by_name() {
        let mut base = Tree::default();
        let mut head = Tree::default();
        let doc = r#"{"Statement":[]}"#;
        base.add("a.json".into(), Some(doc.into()));
        base.add("gone.json".into(), Some(doc.into()));
        head.add("a.json".into(), Some(doc.into()));
        head.add("new.json".into(), Some(doc.into()));
        head.add("package.json".into(), Some("{}".into()));
        assert_eq!(head.skipped, 1);
        let pairs = pair_trees(&base, &head);
        let names: Vec<&str> = pairs.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["a.json", "gone.json", "new.json"]);
        assert_eq!(pairs[1].new, PlanText::Absent);
        assert_eq!(pairs[2].old, PlanText::Absent);
    }

    #[test]
    fn restates_new_access_as_drift() {
        let f = Finding::new(
            "new-access",
            Severity::High,
            "NEW allows `s3:GetObject` on `arn:aws:s3:::b/k`; OLD: implicit-deny",
        )
        .subject("s3:GetObject");
        let drift = as_drift(f, "p.json", "chalk:scoped-execution").unwrap();
        assert_eq!(drift.rule, "grant-beyond-baseline");
        assert_eq!(
            drift.message,
            "`p.json` allows beyond the documented `chalk:scoped-execution`: `s3:GetObject` on `arn:aws:s3:::b/k`"
        );
    }
}
