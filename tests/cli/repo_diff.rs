//! `iamscope diff` over whole changes (directories, git revisions) and the CI
//! examples of `docs/ci.md` and `.pre-commit-hooks.yaml`, run through the real binary.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::Run;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_iamscope"))
}

/// Runs `iamscope` in `dir` without a configuration file.
fn run_in(dir: &Path, args: &[&str]) -> Run {
    crate::run_in(dir, &[&["--no-config"], args].concat(), "")
}

fn json(run: &Run) -> Value {
    serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}{}", run.stdout, run.stderr))
}

/// `(rule, file, line)` of every finding.
fn findings(report: &Value) -> Vec<(String, String, Option<u64>)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_owned(),
                f["location"]["file"].as_str().unwrap_or("").to_owned(),
                f["location"]["line"].as_u64(),
            )
        })
        .collect()
}

const DIRS: [&str; 5] = [
    "diff",
    "--base-dir",
    "fixtures/repo/base",
    "--head-dir",
    "fixtures/repo/head",
];

#[test]
fn reports_widened_added_and_deleted_files_but_not_reordered_ones() {
    let run = run_in(&root(), &[&DIRS[..], &["--format", "json"]].concat());
    assert_eq!(run.code, 1, "{}", run.stderr);
    let report = json(&run);
    let found = findings(&report);
    assert!(found.contains(&(
        "new-access".into(),
        "policies/widened.json".into(),
        Some(10)
    )));
    assert!(found.contains(&("new-access".into(), "policies/added.json".into(), Some(4))));
    assert!(found.contains(&(
        "removed-access".into(),
        "policies/deleted.json".into(),
        Some(4)
    )));
    assert!(
        !found
            .iter()
            .any(|(_, file, _)| file == "policies/reordered.json"),
        "{found:?}"
    );
    assert_eq!(report["mode"], "directories");
    assert_eq!(report["documents"]["changed"], 2);
    assert_eq!(report["documents"]["added"], 1);
    assert_eq!(report["documents"]["deleted"], 1);
    let notes = report["notes"].to_string();
    assert!(
        notes.contains("2 JSON file(s) that are not policy documents"),
        "{notes}"
    );
}

#[test]
fn markdown_summary_lists_each_changed_file() {
    let run = run_in(&root(), &[&DIRS[..], &["--format", "markdown"]].concat());
    assert!(
        run.stdout.starts_with("### iamscope diff"),
        "{}",
        run.stdout
    );
    assert!(run
        .stdout
        .contains("policies/reordered.json: changed, equivalent (0 new, 0 removed, 0 unproven)"));
    assert!(run
        .stdout
        .contains("policies/widened.json: changed, broader (1 new"));
    assert!(run
        .stdout
        .contains("policies/deleted.json: deleted, narrower"));
}

#[test]
fn sarif_annotates_the_responsible_statement() {
    let run = run_in(&root(), &[&DIRS[..], &["--format", "sarif"]].concat());
    let sarif = json(&run);
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let widened = results
        .iter()
        .find(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                == "policies/widened.json"
        })
        .unwrap();
    assert_eq!(widened["ruleId"], "new-access");
    assert_eq!(
        widened["locations"][0]["physicalLocation"]["region"]["startLine"],
        10
    );
}

#[test]
fn identical_trees_pass_the_new_access_gate() {
    let run = run_in(
        &root(),
        &[
            "diff",
            "--base-dir",
            "fixtures/repo/head",
            "--head-dir",
            "fixtures/repo/head",
            "--fail-on-new-access",
        ],
    );
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("no policy document changed"),
        "{}",
        run.stdout
    );
}

#[test]
fn rejects_policy_arguments_with_a_whole_change() {
    let run = run_in(&root(), &[&DIRS[..], &["a.json"]].concat());
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("cannot be combined"), "{}", run.stderr);
}

/// A git repository in a temporary directory: `main` holds the base fixtures,
/// `feature` (checked out) the head fixtures, and `origin` is the repository itself
/// so that `origin/main` exists as in a CI checkout.
struct Repo {
    dir: PathBuf,
}

impl Repo {
    fn new(name: &str) -> Repo {
        let dir = std::env::temp_dir().join(format!("iamscope-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let repo = Repo { dir };
        repo.git(&["init", "-q", "-b", "main"]);
        repo.copy_tree("fixtures/repo/base");
        repo.git(&["add", "-A"]);
        repo.git(&["commit", "-q", "-m", "base"]);
        repo.git(&["checkout", "-q", "-b", "feature"]);
        repo.clear();
        repo.copy_tree("fixtures/repo/head");
        repo.git(&["add", "-A"]);
        repo.git(&["commit", "-q", "-m", "head"]);
        repo.git(&["remote", "add", "origin", "."]);
        repo.git(&["fetch", "-q", "origin"]);
        repo
    }

    fn git(&self, args: &[&str]) {
        let status = Command::new("git")
            .current_dir(&self.dir)
            .env("GIT_AUTHOR_NAME", "t")
            .env("GIT_AUTHOR_EMAIL", "t@example.com")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "t@example.com")
            .args(args)
            .status()
            .unwrap();
        assert!(status.success(), "git {args:?}");
    }

    fn clear(&self) {
        for entry in std::fs::read_dir(&self.dir).unwrap() {
            let path = entry.unwrap().path();
            if path.file_name().unwrap() != ".git" {
                if path.is_dir() {
                    std::fs::remove_dir_all(&path).unwrap();
                } else {
                    std::fs::remove_file(&path).unwrap();
                }
            }
        }
    }

    fn copy_tree(&self, from: &str) {
        fn copy(from: &Path, to: &Path) {
            std::fs::create_dir_all(to).unwrap();
            for entry in std::fs::read_dir(from).unwrap() {
                let path = entry.unwrap().path();
                let target = to.join(path.file_name().unwrap());
                if path.is_dir() {
                    copy(&path, &target);
                } else {
                    std::fs::copy(&path, &target).unwrap();
                }
            }
        }
        copy(&root().join(from), &self.dir);
    }
}

impl Drop for Repo {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

#[test]
fn compares_two_git_commits() {
    let repo = Repo::new("two-commits");
    let run = run_in(
        &repo.dir,
        &[
            "diff",
            "--git-base",
            "main",
            "--git-head",
            "feature",
            "--format",
            "json",
        ],
    );
    let report = json(&run);
    assert_eq!(report["mode"], "git");
    let found = findings(&report);
    assert!(found.contains(&(
        "new-access".into(),
        "policies/widened.json".into(),
        Some(10)
    )));
    assert!(found.contains(&(
        "removed-access".into(),
        "policies/deleted.json".into(),
        Some(4)
    )));
    assert!(!found.iter().any(|(_, f, _)| f == "policies/reordered.json"));
}

#[test]
fn compares_the_working_tree_by_default() {
    let repo = Repo::new("worktree");
    // An uncommitted widening of a file that the two commits do not change.
    let path = repo.dir.join("policies/reordered.json");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replace("\"logs:PutLogEvents\"", "\"logs:*\"")).unwrap();
    let run = run_in(
        &repo.dir,
        &["diff", "--git-base", "feature", "--format", "json"],
    );
    let found = findings(&json(&run));
    assert_eq!(
        found
            .iter()
            .map(|(rule, file, _)| (rule.as_str(), file.as_str()))
            .collect::<Vec<_>>(),
        // The widening, and the lint finding the base did not have.
        [
            ("new-access", "policies/reordered.json"),
            ("service-wildcard", "policies/reordered.json")
        ]
    );
}

#[test]
fn an_unknown_git_ref_is_an_error() {
    let repo = Repo::new("bad-ref");
    let run = run_in(&repo.dir, &["diff", "--git-base", "no-such-branch"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("git"), "{}", run.stderr);
}

/// The body of the first fenced `yaml` block after `heading` in `docs/ci.md`.
fn yaml_block(heading: &str) -> String {
    let doc = std::fs::read_to_string(root().join("docs/ci.md")).unwrap();
    let section = &doc[doc.find(heading).unwrap()..];
    let start = section.find("```yaml\n").unwrap() + "```yaml\n".len();
    let body = &section[start..];
    body[..body.find("```").unwrap()].to_owned()
}

/// Runs a shell command line from the docs in `dir`, with the built `iamscope`
/// first on `PATH`.
fn shell(dir: &Path, line: &str, env: &[(&str, &str)]) -> std::process::Output {
    let bin_dir = bin().parent().unwrap().to_path_buf();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut command = Command::new("sh");
    command
        .current_dir(dir)
        .env("PATH", path)
        .arg("-c")
        .arg(line);
    for (key, value) in env {
        command.env(key, value);
    }
    command.output().unwrap()
}

#[test]
fn github_workflow_gate_fails_on_new_access_and_writes_sarif() {
    let block = yaml_block("## GitHub Actions");
    assert!(block.contains("github/codeql-action/upload-sarif"));
    let runs: Vec<&str> = block
        .lines()
        .filter_map(|l| l.trim().strip_prefix("run: "))
        .filter(|l| l.starts_with("iamscope "))
        .collect();
    assert_eq!(runs.len(), 1, "{block}");
    let repo = Repo::new("github");
    let output = shell(&repo.dir, runs[0], &[]);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let sarif: Value =
        serde_json::from_str(&std::fs::read_to_string(repo.dir.join("iamscope.sarif")).unwrap())
            .unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    assert!(sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["ruleId"] == "new-access"));
}

#[test]
fn gitlab_job_script_runs_and_writes_the_markdown_report() {
    let block = yaml_block("## GitLab CI");
    let lines: Vec<&str> = block
        .lines()
        .filter_map(|l| l.trim().strip_prefix("- "))
        .filter(|l| l.starts_with("git ") || l.starts_with("iamscope "))
        .collect();
    assert_eq!(lines.len(), 2, "{block}");
    let repo = Repo::new("gitlab");
    let env = [("CI_MERGE_REQUEST_TARGET_BRANCH_NAME", "main")];
    let fetch = shell(&repo.dir, lines[0], &env);
    assert!(fetch.status.success(), "{fetch:?}");
    let gate = shell(&repo.dir, lines[1], &env);
    assert_eq!(gate.status.code(), Some(1), "{gate:?}");
    let markdown = std::fs::read_to_string(repo.dir.join("iamscope.md")).unwrap();
    assert!(
        markdown.contains("policies/widened.json: changed, broader"),
        "{markdown}"
    );
}

#[test]
fn pre_commit_hook_lints_staged_policies_and_skips_other_json() {
    let hooks = std::fs::read_to_string(root().join(".pre-commit-hooks.yaml")).unwrap();
    assert!(hooks.contains("- id: iamscope-lint"));
    let entry = hooks
        .lines()
        .find_map(|l| l.trim().strip_prefix("entry: "))
        .unwrap();
    assert!(entry.starts_with("iamscope lint"), "{entry}");
    // pre-commit appends the staged file names to the entry.
    let clean = shell(
        &root(),
        &format!("{entry} --no-config fixtures/repo/head/package.json fixtures/repo/head/policies/added.json"),
        &[],
    );
    assert_eq!(clean.status.code(), Some(0), "{clean:?}");
    let bad = shell(
        &root(),
        &format!("{entry} --no-config fixtures/repo/head/package.json tests/fixtures/invalid-policy/trailing-comma.json"),
        &[],
    );
    assert_eq!(bad.status.code(), Some(1), "{bad:?}");
}

#[test]
fn trust_policies_are_reviewed_for_who_can_newly_assume_the_role() {
    use crate::{trust_policy as trust, CHALK_PRINCIPAL as CHALK};
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("trust-review-{}", std::process::id()));
    for (side, text) in [
        (
            "base",
            trust(
                &[CHALK],
                Some(r#"{"StringEquals":{"sts:ExternalId":"abc"}}"#),
            ),
        ),
        ("head", trust(&[CHALK, "111122223333"], None)),
    ] {
        std::fs::create_dir_all(dir.join(side)).unwrap();
        std::fs::write(dir.join(side).join("trust.json"), text).unwrap();
    }
    let review = |base: &str, head: &str| {
        run_in(
            &dir,
            &[
                "diff",
                "--base-dir",
                base,
                "--head-dir",
                head,
                "--format",
                "json",
                "--fail-on-new-access",
            ],
        )
    };

    let widened = review("base", "head");
    assert_eq!(widened.code, 1, "{}{}", widened.stdout, widened.stderr);
    let report = json(&widened);
    let mut found: Vec<(String, String)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "trust-widened")
        .map(|f| {
            (
                f["subject"].as_str().unwrap().to_owned(),
                f["message"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    found.sort();
    assert_eq!(found.len(), 2, "{found:?}");
    assert_eq!(found[0].0, "arn:aws:iam::111122223333:root");
    assert!(found[0].1.contains("could not before"), "{}", found[0].1);
    assert_eq!(found[1].0, CHALK);
    assert!(
        found[1]
            .1
            .contains("no `sts:ExternalId` check; before, only under its conditions"),
        "{}",
        found[1].1
    );
    assert!(!report["findings"].to_string().contains("\"new-access\""));

    // The other way round the trust only narrows: the gate passes.
    let narrowed = review("head", "base");
    assert_eq!(narrowed.code, 0, "{}{}", narrowed.stdout, narrowed.stderr);
    assert!(
        !narrowed.stdout.contains("trust-widened"),
        "{}",
        narrowed.stdout
    );
}
