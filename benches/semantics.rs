//! Benchmarks of the semantic core against Chalk's documented scoped execution role
//! (rendered from `rules/chalk/` for us-east-1 / 111122223333):
//! - evaluations per second, single-threaded;
//! - the exact comparison of the role with itself and with three variants.
//!
//! Run: `cargo bench --bench semantics` (figures go to docs/performance.md).

use std::hint::black_box;
use std::time::{Duration, Instant};

use iamscope::baseline::{render, Params};
use iamscope::catalog::Catalog;
use iamscope::diff::{compare, PolicySet};
use iamscope::eval::{CompiledPolicySet, Context, Decision, Request};
use iamscope::policy::{parse_policy, Policy};

const TAG: &str = "aws:ResourceTag/chalk.ai/managed-by";

fn scoped_text() -> String {
    let params = Params::new()
        .with("AWS_REGION", "us-east-1")
        .with("AWS_ACCOUNT_ID", "111122223333");
    render("chalk:scoped-execution", &params).unwrap_or_else(|e| panic!("{e}"))
}

fn parse(text: &str) -> Policy {
    parse_policy(text).unwrap_or_else(|e| panic!("{e:?}"))
}

fn request(action: &str, resource: &str, tagged: bool) -> Request {
    let mut context = Context::new();
    context.insert(
        "aws:PrincipalArn",
        "arn:aws:iam::111122223333:role/chalk-scoped",
    );
    if tagged {
        context.insert(TAG, "chalk");
    }
    Request {
        action: action.into(),
        resource: resource.into(),
        principal: None,
        context,
    }
}

/// The median of `runs` timings of `f`.
fn median(runs: usize, mut f: impl FnMut()) -> Duration {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .collect();
    times.sort();
    times[runs / 2]
}

fn bench_evaluations(role: &Policy) {
    let set = CompiledPolicySet::new(&[role], &[]);
    let cases = [
        (
            request(
                "sqs:SendMessage",
                "arn:aws:sqs:us-east-1:111122223333:chalk-jobs",
                true,
            ),
            Decision::Allow,
        ),
        (
            request(
                "sqs:SendMessage",
                "arn:aws:sqs:us-east-1:111122223333:chalk-jobs",
                false,
            ),
            Decision::ImplicitDeny,
        ),
        (
            request(
                "rds:ModifyDBInstance",
                "arn:aws:rds:us-east-1:111122223333:db:chalk-online",
                true,
            ),
            Decision::Allow,
        ),
        (
            request("ec2:DescribeInstances", "*", false),
            Decision::Allow,
        ),
        (
            request(
                "ec2:RunInstances",
                "arn:aws:ec2:us-east-1:111122223333:instance/i-1",
                false,
            ),
            Decision::ImplicitDeny,
        ),
        (
            request(
                "s3:GetObject",
                "arn:aws:s3:::chalk-offline/data.parquet",
                false,
            ),
            Decision::Allow,
        ),
        (
            request("s3:GetObject", "arn:aws:s3:::other/data.parquet", false),
            Decision::ImplicitDeny,
        ),
        (
            request("iam:CreateRole", "arn:aws:iam::111122223333:role/x", true),
            Decision::ImplicitDeny,
        ),
        (
            request("route53:ListHostedZones", "*", true),
            Decision::Allow,
        ),
        (
            request(
                "dynamodb:GetItem",
                "arn:aws:dynamodb:us-east-1:111122223333:table/payments",
                true,
            ),
            Decision::ImplicitDeny,
        ),
    ];
    for (req, want) in &cases {
        assert_eq!(set.evaluate(req), *want, "{req:?}");
    }
    const N: usize = 2_000_000;
    let time = median(5, || {
        for i in 0..N {
            black_box(set.evaluate(black_box(&cases[i % cases.len()].0)));
        }
    });
    let per_second = N as f64 / time.as_secs_f64();
    println!(
        "evaluate: {N} requests in {time:.3?} (median of 5): {per_second:.0} evaluations/second"
    );
}

fn bench_diff(name: &str, old: &Policy, new: &Policy, expected: &str) {
    let catalog = Catalog::get();
    let mut verdict = String::new();
    let time = median(7, || {
        let result = compare(
            PolicySet {
                identity: &[old],
                boundaries: &[],
            },
            PolicySet {
                identity: &[new],
                boundaries: &[],
            },
            catalog,
        );
        verdict = result.verdict.as_str().to_string();
    });
    assert_eq!(verdict, expected, "{name}");
    println!("diff {name}: {verdict} in {time:.1?} (median of 7)");
}

fn main() {
    let text = scoped_text();
    let role = parse(&text);
    // Load the catalog outside the timings (it is loaded once per process).
    let _ = Catalog::get();
    bench_evaluations(&role);
    let if_exists = parse(&text.replacen("\"StringEquals\"", "\"StringEqualsIfExists\"", 1));
    let widened = parse(&text.replace("table/chalk*", "table/*"));
    let reordered = {
        let mut value: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
        if let Some(statements) = value["Statement"].as_array_mut() {
            statements.reverse();
        }
        parse(&value.to_string())
    };
    bench_diff("scoped vs itself", &role, &role, "equivalent");
    bench_diff("scoped vs reordered", &role, &reordered, "equivalent");
    bench_diff(
        "scoped vs StringEqualsIfExists",
        &role,
        &if_exists,
        "broader",
    );
    bench_diff("scoped vs table/* widened", &role, &widened, "broader");
}
