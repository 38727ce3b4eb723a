//! Property tests of the exact comparison on random small policy pairs:
//! `diff(A, A)` is equivalent; every witness is real (checked by the evaluator);
//! and no difference is missed on sampled concrete requests.

use super::compare::{compare, Comparison, PolicySet, Verdict};
use crate::catalog::Catalog;
use crate::eval::{CompiledPolicySet, Context, Decision, Request};
use crate::policy::{parse_policy, Policy};
use proptest::prelude::*;
use serde_json::{json, Value};

const ACTIONS: &[&str] = &[
    "s3:GetObject",
    "s3:PutObject",
    "s3:Get*",
    "s3:*",
    "dynamodb:GetItem",
    "dynamodb:*",
    "sqs:SendMessage",
];
const RESOURCES: &[&str] = &[
    "*",
    "arn:aws:s3:::bucket-*",
    "arn:aws:s3:::bucket-a/*",
    "arn:aws:dynamodb:us-east-1:111122223333:table/t*",
    "arn:aws:sqs:*:111122223333:q",
];

fn condition() -> impl Strategy<Value = Option<Value>> {
    prop_oneof![
        2 => Just(None),
        1 => Just(Some(json!({"StringEquals": {"aws:ResourceTag/team": "a"}}))),
        1 => Just(Some(json!({"StringEqualsIfExists": {"aws:ResourceTag/team": ["a", "b"]}}))),
        1 => Just(Some(json!({"StringLike": {"s3:prefix": "a*"}}))),
        1 => Just(Some(json!({"NumericLessThan": {"s3:max-keys": "10"}}))),
        1 => Just(Some(json!({"Bool": {"aws:SecureTransport": "true"}}))),
        1 => Just(Some(json!({"NotIpAddress": {"aws:SourceIp": "10.0.0.0/8"}}))),
        1 => Just(Some(json!({"ForAnyValue:StringEquals": {"aws:TagKeys": ["team", "env"]}}))),
        1 => Just(Some(json!({"Null": {"aws:ResourceTag/team": "false"}}))),
    ]
}

fn statement() -> impl Strategy<Value = Value> {
    (
        prop::bool::weighted(0.8),
        prop::sample::subsequence(ACTIONS, 1..3),
        prop::sample::subsequence(RESOURCES, 1..3),
        prop::bool::weighted(0.2),
        condition(),
    )
        .prop_map(|(allow, actions, resources, not_resource, condition)| {
            let mut s = json!({
                "Effect": if allow { "Allow" } else { "Deny" },
                "Action": actions,
            });
            s[if not_resource {
                "NotResource"
            } else {
                "Resource"
            }] = json!(resources);
            if let Some(c) = condition {
                s["Condition"] = c;
            }
            s
        })
}

fn policy() -> impl Strategy<Value = Value> {
    prop::collection::vec(statement(), 1..4)
        .prop_map(|statements| json!({"Version": "2012-10-17", "Statement": statements}))
}

fn parse(value: &Value) -> Policy {
    parse_policy(&value.to_string()).unwrap_or_else(|e| panic!("{e:?}"))
}

fn run(a: &Policy, b: &Policy) -> Comparison {
    compare(
        PolicySet {
            identity: &[a],
            boundaries: &[],
        },
        PolicySet {
            identity: &[b],
            boundaries: &[],
        },
        Catalog::get(),
    )
}

/// Concrete requests on the actions and resources the generator uses, with contexts
/// made of the keys it tests, where the catalog says the action carries them.
fn sample_requests() -> Vec<Request> {
    let catalog = Catalog::get();
    let targets = [
        ("s3:GetObject", "arn:aws:s3:::bucket-a/k"),
        ("s3:GetObject", "arn:aws:s3:::other/k"),
        ("s3:PutObject", "arn:aws:s3:::bucket-b/k"),
        ("s3:ListBucket", "arn:aws:s3:::bucket-a"),
        (
            "dynamodb:GetItem",
            "arn:aws:dynamodb:us-east-1:111122223333:table/t1",
        ),
        (
            "dynamodb:GetItem",
            "arn:aws:dynamodb:us-east-1:111122223333:table/x",
        ),
        ("sqs:SendMessage", "arn:aws:sqs:eu-west-1:111122223333:q"),
    ];
    let contexts: Vec<Vec<(&str, Vec<&str>)>> = vec![
        vec![],
        vec![
            ("aws:ResourceTag/team", vec!["a"]),
            ("aws:SecureTransport", vec!["true"]),
        ],
        vec![
            ("aws:ResourceTag/team", vec!["c"]),
            ("aws:SourceIp", vec!["10.1.2.3"]),
        ],
        vec![
            ("s3:prefix", vec!["abc"]),
            ("s3:max-keys", vec!["5"]),
            ("aws:SourceIp", vec!["192.0.2.1"]),
        ],
        vec![
            ("aws:TagKeys", vec!["env"]),
            ("aws:SecureTransport", vec!["false"]),
        ],
        vec![("s3:prefix", vec!["zz"]), ("s3:max-keys", vec!["50"])],
    ];
    let mut out = Vec::new();
    for (action, resource) in targets {
        let Some(a) = catalog.action(action) else {
            continue;
        };
        for keys in &contexts {
            let mut context = Context::new();
            for (key, values) in keys {
                if catalog.action_supports_key(a, key) {
                    context.set(key, values.iter().map(|v| v.to_string()).collect());
                }
            }
            out.push(Request {
                action: action.to_string(),
                resource: resource.to_string(),
                principal: None,
                context,
            });
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn a_policy_is_equivalent_to_itself(a in policy()) {
        let a = parse(&a);
        let result = run(&a, &a);
        prop_assert!(result.unproven.is_empty(), "{:?}", result.unproven);
        prop_assert_eq!(result.verdict, Verdict::Equivalent);
    }

    #[test]
    fn witnesses_are_real_and_no_sampled_difference_is_missed(a in policy(), b in policy()) {
        let (pa, pb) = (parse(&a), parse(&b));
        let result = run(&pa, &pb);
        let (ea, eb) = (CompiledPolicySet::new(&[&pa], &[]), CompiledPolicySet::new(&[&pb], &[]));
        for d in &result.added {
            prop_assert_eq!(eb.evaluate(&d.witness), Decision::Allow, "{:?}", d);
            prop_assert!(ea.evaluate(&d.witness) != Decision::Allow, "{:?}", d);
        }
        for d in &result.removed {
            prop_assert_eq!(ea.evaluate(&d.witness), Decision::Allow, "{:?}", d);
            prop_assert!(eb.evaluate(&d.witness) != Decision::Allow, "{:?}", d);
        }
        if result.unproven.is_empty() {
            for request in sample_requests() {
                let (da, db) = (ea.evaluate(&request), eb.evaluate(&request));
                if db == Decision::Allow && da != Decision::Allow {
                    prop_assert!(!result.added.is_empty(), "missed added access: {:?}\nA={}\nB={}", request, a, b);
                }
                if da == Decision::Allow && db != Decision::Allow {
                    prop_assert!(!result.removed.is_empty(), "missed removed access: {:?}\nA={}\nB={}", request, a, b);
                }
            }
        }
    }
}
