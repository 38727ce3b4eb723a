//! Measures evaluations per second against Chalk's documented scoped execution role
//! (region `us-east-1`, account `111122223333`), built in code because the policy
//! parser lives elsewhere.
//!
//! Run: `cargo run --release --example eval_bench`

use std::hint::black_box;
use std::time::Instant;

use iamscope::eval::build::{policy, StatementBuilder as S};
use iamscope::eval::{CompiledPolicySet, Context, Decision, Request};

const TAG: &str = "aws:ResourceTag/chalk.ai/managed-by";

fn scoped_role() -> iamscope::policy::Policy {
    let r = |s: &str| {
        s.replace("${AWS_REGION}", "us-east-1")
            .replace("${AWS_ACCOUNT_ID}", "111122223333")
    };
    let managed_resources: Vec<String> = [
        "arn:aws:eks:${AWS_REGION}:${AWS_ACCOUNT_ID}:*",
        "arn:aws:ecr:*",
        "arn:aws:iam::${AWS_ACCOUNT_ID}:policy/*",
        "arn:aws:iam::aws:policy/*",
        "arn:aws:iam::${AWS_ACCOUNT_ID}:role/*",
        "arn:aws:iam::${AWS_ACCOUNT_ID}:oidc-provider/*",
        "arn:aws:cloudwatch:${AWS_REGION}:${AWS_ACCOUNT_ID}:chalk*",
        "arn:aws:ec2:${AWS_REGION}:${AWS_ACCOUNT_ID}:*",
        "arn:aws:secretsmanager:${AWS_REGION}:${AWS_ACCOUNT_ID}:*",
        "arn:aws:dynamodb:${AWS_REGION}:${AWS_ACCOUNT_ID}:table/chalk*",
        "arn:aws:kms:${AWS_REGION}:${AWS_ACCOUNT_ID}:*",
        "arn:aws:logs:${AWS_REGION}:${AWS_ACCOUNT_ID}:log-group:*",
        "arn:aws:kafka:${AWS_REGION}:${AWS_ACCOUNT_ID}:cluster/chalk*",
        "arn:aws:elasticloadbalancing:${AWS_REGION}:${AWS_ACCOUNT_ID}:k8s-*",
        "arn:aws:rds:${AWS_REGION}:${AWS_ACCOUNT_ID}:*:chalk*",
        "arn:aws:sqs:${AWS_REGION}:${AWS_ACCOUNT_ID}:chalk*",
        "arn:aws:elasticache:${AWS_REGION}:${AWS_ACCOUNT_ID}:*:chalk*",
        "arn:aws:acm:${AWS_REGION}:${AWS_ACCOUNT_ID}:*",
        "arn:aws:application-autoscaling:${AWS_REGION}:${AWS_ACCOUNT_ID}:*",
        "arn:aws:glue:${AWS_REGION}:${AWS_ACCOUNT_ID}:*",
    ]
    .iter()
    .map(|s| r(s))
    .collect();
    let managed: Vec<&str> = managed_resources.iter().map(String::as_str).collect();
    let kafka_conf = r("arn:aws:kafka:${AWS_REGION}:${AWS_ACCOUNT_ID}:configuration/chalk*");
    policy(&[
        S::allow(
            &[
                "eks:*",
                "ecr:*",
                "cloudwatch:*",
                "iam:GetPolicy",
                "iam:GetPolicyVersion",
                "iam:GetRole",
                "iam:GetRolePolicy",
                "iam:ListRolePolicies",
                "iam:ListAttachedRolePolicies",
                "iam:ListPolicyVersions",
                "iam:GetOpenIDConnectProvider",
                "iam:ListInstanceProfilesForRole",
                "ec2:*",
                "secretsmanager:*",
                "dynamodb:*",
                "kms:*",
                "logs:*",
                "kafka:*",
                "elasticloadbalancing:*",
                "sqs:*",
                "rds:*",
                "elasticache:*",
                "acm:*",
                "application-autoscaling:*",
                "glue:*",
            ],
            &managed,
        )
        .sid("ChalkManagedResources")
        .condition("StringEquals", TAG, &["chalk"])
        .build(),
        S::allow(
            &[
                "iam:GetPolicy",
                "iam:GetPolicyVersion",
                "kafka:DescribeConfiguration",
                "kafka:DescribeConfigurationRevision",
                "s3:*",
            ],
            &[
                "arn:aws:iam::aws:policy/*",
                &kafka_conf,
                "arn:aws:s3:::chalk-*",
            ],
        )
        .sid("ChalkUntaggedResources")
        .build(),
        S::allow(
            &[
                "eks:Describe*",
                "dynamodb:Describe*",
                "dynamodb:ListTables*",
                "elasticache:Describe*",
                "acm:Describe*",
                "route53:List*",
                "route53:Get*",
            ],
            &["*"],
        )
        .sid("ChalkDescribeResources")
        .condition("StringEquals", TAG, &["chalk"])
        .build(),
        S::allow(
            &[
                "ecr:GetAuthorizationToken",
                "ec2:Describe*",
                "logs:DescribeLogGroups",
            ],
            &["*"],
        )
        .sid("ChalkGlobalDescribe")
        .build(),
    ])
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
        action: action.to_string(),
        resource: resource.to_string(),
        principal: None,
        context,
    }
}

fn main() {
    let role = scoped_role();
    let set = CompiledPolicySet::new(&[&role], &[]);
    let requests = [
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
                "arn:aws:dynamodb:us-east-1:111122223333:table/chalk-online",
                true,
            ),
            Decision::Allow,
        ),
    ];
    for (r, expected) in &requests {
        let got = set.evaluate(r);
        if got != *expected {
            eprintln!("unexpected decision for {}: {:?}", r.action, got);
            std::process::exit(1);
        }
    }
    let rounds = 300_000usize;
    let start = Instant::now();
    let mut allowed = 0usize;
    for _ in 0..rounds {
        for (r, _) in &requests {
            if black_box(set.evaluate(black_box(r))) == Decision::Allow {
                allowed += 1;
            }
        }
    }
    let elapsed = start.elapsed();
    let n = rounds * requests.len();
    println!(
        "{n} evaluations in {:.3}s: {:.0} evaluations/second ({allowed} allowed)",
        elapsed.as_secs_f64(),
        n as f64 / elapsed.as_secs_f64()
    );
}
