//! Writes AWS account snapshots (`aws iam get-account-authorization-details`
//! and `aws resourcegroupstaggingapi get-resources` JSON) for demos and
//! benchmarks.
//!
//! ```text
//! cargo run --release --example gen_account -- --roles 5000 --policies 20000 --resources 50000 --out DIR
//! cargo run --example gen_account -- --demo --out fixtures/demo-account
//! ```
//!
//! `--check` loads what was written with `iamscope::account::load_snapshot`
//! and prints the counts and how long loading took.

mod common;
mod demo;
mod synthetic;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::Parser;
use serde_json::Value;

/// Generates account snapshots: the demo account, or a synthetic one of any size.
#[derive(Parser)]
struct Args {
    /// Folder to write the snapshot files into (created if missing).
    #[arg(long)]
    out: PathBuf,
    /// Write the demo account (fixtures/demo-account) instead of a synthetic one.
    #[arg(long)]
    demo: bool,
    /// Roles in the synthetic account (a handful of them Chalk's).
    #[arg(long, default_value_t = 1000)]
    roles: usize,
    /// Customer managed policies in the synthetic account (each with 1-3 versions).
    #[arg(long, default_value_t = 2000)]
    policies: usize,
    /// Tagged resources in the synthetic account, over many services and regions.
    #[arg(long, default_value_t = 5000)]
    resources: usize,
    /// Users (default: one per 50 roles).
    #[arg(long)]
    users: Option<usize>,
    /// Groups (default: one per 200 roles).
    #[arg(long)]
    groups: Option<usize>,
    /// Entries per file, as the CLI pages them.
    #[arg(long, default_value_t = 1000)]
    page_size: usize,
    /// Seed: the same seed writes the same files.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Account id of the synthetic account.
    #[arg(long, default_value = "111122223333")]
    account_id: String,
    /// AWS managed policy documents, one `<Name>.json` each (`scripts/fetch-corpus.py`).
    /// Without it, the documents are taken from `fixtures/demo-account`.
    #[arg(long, default_value = ".corpus/aws-managed")]
    aws_managed: PathBuf,
    /// Load the output with the library afterwards and report the time taken.
    #[arg(long)]
    check: bool,
    /// Only load `--out` (written before) and report the time taken.
    #[arg(long, conflicts_with = "demo")]
    load_only: bool,
}

fn main() -> ExitCode {
    match run(&Args::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &Args) -> Result<(), String> {
    let started = Instant::now();
    if args.load_only {
        // Nothing to write.
    } else if args.demo {
        demo::write(&args.out, &args.aws_managed)?;
        eprintln!("wrote the demo account into `{}`", args.out.display());
    } else {
        let documents = aws_documents(args)?;
        let size = synthetic::Size {
            roles: args.roles,
            policies: args.policies,
            resources: args.resources,
            users: args.users.unwrap_or(args.roles / 50),
            groups: args.groups.unwrap_or(args.roles / 200),
            page_size: args.page_size,
            seed: args.seed,
            account: args.account_id.clone(),
        };
        let summary = synthetic::write(&args.out, &size, &documents)?;
        eprintln!(
            "wrote {} roles, {} users, {} groups, {} managed policies, {} resources in {} files into `{}` ({:.2?})",
            summary.roles,
            summary.users,
            summary.groups,
            summary.policies,
            summary.resources,
            summary.files,
            args.out.display(),
            started.elapsed()
        );
    }
    if args.check || args.load_only {
        let started = Instant::now();
        let account = iamscope::account::load_snapshot(std::slice::from_ref(&args.out))
            .map_err(|e| format!("the output does not load: {e}"))?;
        eprintln!(
            "loaded {} roles, {} users, {} groups, {} managed policies, {} resources in {:.2?}",
            account.roles.len(),
            account.users.len(),
            account.groups.len(),
            account.managed_policies.len(),
            account.resources.len(),
            started.elapsed()
        );
    }
    Ok(())
}

/// AWS managed documents by name: from the corpus, else from the demo.
fn aws_documents(args: &Args) -> Result<BTreeMap<String, Value>, String> {
    let mut documents = BTreeMap::new();
    if args.aws_managed.is_dir() {
        for (name, _, _) in demo::AWS_MANAGED {
            let path = args.aws_managed.join(format!("{name}.json"));
            if let Ok(text) = std::fs::read_to_string(&path) {
                let value = serde_json::from_str(&text)
                    .map_err(|e| format!("`{}` is not json: {e}", path.display()))?;
                documents.insert((*name).to_string(), value);
            }
        }
        return Ok(documents);
    }
    demo_aws_documents()
}

/// The AWS managed documents the committed demo account holds, by name.
fn demo_aws_documents() -> Result<BTreeMap<String, Value>, String> {
    let demo_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/demo-account");
    let account = iamscope::account::load_snapshot(&[demo_dir]).map_err(|e| {
        format!("no AWS managed documents (run `python3 scripts/fetch-corpus.py`): {e}")
    })?;
    let mut documents = BTreeMap::new();
    for policy in account.managed_policies.iter().filter(|p| p.is_aws_managed) {
        let value = serde_json::from_str(&policy.default_version_document.text)
            .map_err(|e| format!("`{}` is not json: {e}", policy.arn))?;
        documents.insert(policy.name.clone(), value);
    }
    Ok(documents)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn size(seed: u64) -> synthetic::Size {
        synthetic::Size {
            roles: 120,
            policies: 150,
            resources: 700,
            users: 7,
            groups: 3,
            page_size: 100,
            seed,
            account: "111122223333".to_string(),
        }
    }

    fn generate(name: &str, seed: u64) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("gen-account-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let documents = demo_aws_documents().unwrap();
        synthetic::write(&dir, &size(seed), &documents).unwrap();
        dir
    }

    fn files(dir: &std::path::Path) -> Vec<(String, String)> {
        let mut files: Vec<(String, String)> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| {
                let path = e.unwrap().path();
                let name = path.file_name().unwrap().to_string_lossy().into_owned();
                (name, std::fs::read_to_string(&path).unwrap())
            })
            .collect();
        files.sort();
        files
    }

    #[test]
    fn synthetic_account_loads_with_the_requested_counts() {
        let dir = generate("counts", 7);
        let account = iamscope::account::load_snapshot(std::slice::from_ref(&dir)).unwrap();
        assert_eq!(account.roles.len(), 120);
        assert_eq!(account.users.len(), 7);
        assert_eq!(account.groups.len(), 3);
        let local = account
            .managed_policies
            .iter()
            .filter(|p| !p.is_aws_managed)
            .count();
        assert_eq!(local, 150);
        assert_eq!(account.resources.len(), 700);
        assert!(account.role("ChalkScopedExecutionRole").is_some());
        // 280 IAM entities in pages of 100, URL-encoded and objects alternating.
        let names: Vec<String> = files(&dir).into_iter().map(|(n, _)| n).collect();
        assert!(
            names.contains(&"auth-details-0003.json".to_string()),
            "{names:?}"
        );
        assert!(
            !names.contains(&"auth-details-0004.json".to_string()),
            "{names:?}"
        );
        let page1 = std::fs::read_to_string(dir.join("auth-details-0001.json")).unwrap();
        let page2 = std::fs::read_to_string(dir.join("auth-details-0002.json")).unwrap();
        assert!(page1.contains("\"AssumeRolePolicyDocument\": \"%7B"));
        assert!(page2.contains("\"AssumeRolePolicyDocument\": {"));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn same_seed_writes_the_same_files() {
        let a = generate("seed-a", 42);
        let b = generate("seed-b", 42);
        let c = generate("seed-c", 43);
        assert_eq!(files(&a), files(&b));
        assert_ne!(files(&a), files(&c));
        for dir in [a, b, c] {
            let _ = std::fs::remove_dir_all(&dir);
        }
    }
}
