//! Property: no input makes the parser or any lint rule panic (`lint_sources`), nor the
//! evaluator or the exact comparison on what the parser accepts.

use iamscope::catalog::Catalog;
use iamscope::diff::{compare, PolicySet};
use iamscope::eval::{CompiledPolicySet, Context, Request};
use iamscope::lint::{lint_sources, PolicyType, SourceFile};
use iamscope::policy::{parse_policy, Policy};
use proptest::prelude::*;
use serde_json::{json, Value};

fn lint(text: &str) -> usize {
    lint_sources(&[SourceFile::new("p.json", text)], PolicyType::Managed).len()
}

/// Strings that the parser and rules care about, mixed with arbitrary ones.
fn token() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("*".to_string()),
        Just("s3:GetObject".to_string()),
        Just("iam:PassRole".to_string()),
        Just("ec2:Describe*".to_string()),
        Just("arn:aws:s3:::bucket/*".to_string()),
        Just("arn:aws:iam::123456789012:role/*".to_string()),
        Just("${aws:username}".to_string()),
        "[a-z0-9]{1,8}:[A-Za-z*?]{0,12}",
        "arn:[a-z*]{0,4}:[a-z0-9*-]{0,8}:[a-z0-9*-]{0,6}:[0-9*]{0,12}:[ -~]{0,16}",
        // Short text with multi-byte characters next to the ASCII that rules look at: byte
        // offsets that land inside a character are the classic slicing panic.
        "[ -~\u{e9}\u{38e}\u{20ac}\u{1d11e}]{0,8}",
        "(arn|ARN|[0-9]{4}-[0-9]{2}-)[0-9:T+\\-\u{e9}\u{20ac}]{0,10}",
        any::<String>(),
    ]
}

fn strings() -> impl Strategy<Value = Value> {
    prop_oneof![
        token().prop_map(Value::String),
        prop::collection::vec(token(), 0..4).prop_map(|v| json!(v)),
        any::<i64>().prop_map(|n| json!(n)),
        Just(Value::Null),
        Just(json!({})),
    ]
}

fn condition() -> impl Strategy<Value = Value> {
    let op = prop_oneof![
        Just("StringEquals"),
        Just("StringLike"),
        Just("ForAllValues:StringEquals"),
        Just("ForAnyValue:StringLike"),
        Just("ArnLike"),
        Just("StringEqualsIfExists"),
        Just("Null"),
        Just("Bool"),
        Just("IpAddress"),
        Just("NumericLessThan"),
        Just("DateGreaterThan"),
    ];
    let key = prop_oneof![
        Just("aws:SourceIp"),
        Just("aws:TagKeys"),
        Just("aws:ResourceTag/team"),
        Just("iam:PassedToService"),
        Just("s3:prefix"),
        Just("sts:ExternalId"),
        Just("aws:ResourceAccount"),
    ];
    prop::collection::vec((op, key, strings()), 0..3).prop_map(|entries| {
        let mut cond = serde_json::Map::new();
        for (op, key, value) in entries {
            cond.insert(op.to_string(), json!({ key: value }));
        }
        Value::Object(cond)
    })
}

fn principal() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(json!("*")),
        Just(json!({"AWS": "*"})),
        Just(json!({"AWS": "arn:aws:iam::123456789012:root"})),
        Just(json!({"Service": "ec2.amazonaws.com"})),
        Just(json!({"Federated": "cognito-identity.amazonaws.com"})),
        strings(),
    ]
}

fn statement() -> impl Strategy<Value = Value> {
    (
        prop_oneof![Just("Allow"), Just("Deny"), Just("allow")],
        any::<bool>(),
        strings(),
        any::<bool>(),
        strings(),
        prop::option::of(condition()),
        prop::option::of((any::<bool>(), principal())),
        prop::option::of(token()),
    )
        .prop_map(
            |(effect, not_action, action, not_resource, resource, cond, princ, sid)| {
                let mut s = serde_json::Map::new();
                s.insert("Effect".into(), json!(effect));
                let a = if not_action { "NotAction" } else { "Action" };
                s.insert(a.into(), action);
                let r = if not_resource {
                    "NotResource"
                } else {
                    "Resource"
                };
                s.insert(r.into(), resource);
                if let Some(cond) = cond {
                    s.insert("Condition".into(), cond);
                }
                if let Some((not, p)) = princ {
                    s.insert(if not { "NotPrincipal" } else { "Principal" }.into(), p);
                }
                if let Some(sid) = sid {
                    s.insert("Sid".into(), json!(sid));
                }
                Value::Object(s)
            },
        )
}

fn document() -> impl Strategy<Value = Value> {
    (
        prop_oneof![
            Just(json!("2012-10-17")),
            Just(json!("2008-10-17")),
            strings()
        ],
        any::<bool>(),
        prop::collection::vec(statement(), 0..4),
    )
        .prop_map(|(version, with_version, statements)| {
            let mut doc = serde_json::Map::new();
            if with_version {
                doc.insert("Version".into(), version);
            }
            doc.insert("Statement".into(), Value::Array(statements));
            Value::Object(doc)
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let text = String::from_utf8_lossy(&bytes);
        // Invalid input must give at least one invalid-policy finding.
        let object = text.trim_start().starts_with('{');
        prop_assert!(lint(&text) > 0 || object, "no finding for non-object input");
    }

    #[test]
    fn arbitrary_strings_never_panic(text in any::<String>()) {
        let _ = lint(&text);
    }

    #[test]
    fn json_shaped_documents_never_panic(doc in document(), pretty in any::<bool>()) {
        let text = if pretty {
            serde_json::to_string_pretty(&doc)
        } else {
            serde_json::to_string(&doc)
        };
        let text = text.map_err(|e| TestCaseError::fail(e.to_string()))?;
        let _ = lint(&text);
    }

    #[test]
    fn truncated_documents_never_panic(doc in document(), cut in any::<prop::sample::Index>()) {
        let text = serde_json::to_string(&doc).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let mut end = cut.index(text.len() + 1);
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        prop_assert!(lint(&text[..end]) > 0 || end == text.len());
    }
}

/// A statement for the semantic layers: few actions (the comparison of `*` walks the whole
/// catalog, too slow for many cases of a debug build), but resources and condition values
/// drawn from the same text, multi-byte characters included.
fn semantic_statement() -> impl Strategy<Value = Value> {
    (
        prop_oneof![Just("Allow"), Just("Deny")],
        prop::sample::subsequence(
            &["s3:GetObject", "s3:Get*", "sqs:SendMessage", "kms:Decrypt"][..],
            1..3,
        ),
        any::<bool>(),
        prop::collection::vec(token(), 1..3),
        prop::option::of(condition()),
    )
        .prop_map(|(effect, actions, not_resource, resources, cond)| {
            let mut s = json!({ "Effect": effect, "Action": actions });
            s[if not_resource {
                "NotResource"
            } else {
                "Resource"
            }] = json!(resources);
            if let Some(cond) = cond {
                s["Condition"] = cond;
            }
            s
        })
}

fn semantic_policy() -> impl Strategy<Value = Policy> {
    prop::collection::vec(semantic_statement(), 1..3).prop_filter_map(
        "not a policy",
        |statements| {
            parse_policy(&json!({ "Version": "2012-10-17", "Statement": statements }).to_string())
                .ok()
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// The evaluator and the exact comparison take whatever the parser accepts.
    #[test]
    fn evaluation_and_comparison_never_panic(
        a in semantic_policy(),
        b in semantic_policy(),
        resource in token(),
        value in token(),
    ) {
        let (a_set, b_set) = ([&a], [&b]);
        let _ = compare(
            PolicySet { identity: &a_set, boundaries: &[] },
            PolicySet { identity: &b_set, boundaries: &[] },
            Catalog::get(),
        );
        let mut context = Context::new();
        for condition in a.statements.iter().flat_map(|s| &s.conditions) {
            context.insert(&condition.key.value, value.clone());
        }
        let request = Request {
            action: "s3:GetObject".into(),
            resource,
            principal: Some("arn:aws:iam::123456789012:role/r".into()),
            context,
        };
        let _ = CompiledPolicySet::new(&[&a], &[]).evaluate(&request);
    }
}
