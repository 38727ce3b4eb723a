//! Times one comparison of the scoped role against itself (a development probe).
use iamscope::baseline::{render, Params};
use iamscope::catalog::Catalog;
use iamscope::diff::{compare, PolicySet};
use iamscope::policy::parse_policy;
use std::time::Instant;

fn main() {
    let params = Params::new()
        .with("AWS_REGION", "us-east-1")
        .with("AWS_ACCOUNT_ID", "111122223333");
    let text = render("chalk:scoped-execution", &params).unwrap_or_default();
    let policy = match parse_policy(&text) {
        Ok(p) => p,
        Err(e) => return eprintln!("{e:?}"),
    };
    let catalog = Catalog::get();
    let start = Instant::now();
    let result = compare(
        PolicySet {
            identity: &[&policy],
            boundaries: &[],
        },
        PolicySet {
            identity: &[&policy],
            boundaries: &[],
        },
        catalog,
    );
    println!(
        "{:?} in {:?}: {} groups, {} requests, {} unproven",
        result.verdict,
        start.elapsed(),
        result.action_groups,
        result.requests_evaluated,
        result.unproven.len()
    );
}
