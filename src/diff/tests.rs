//! The comparison's verdicts on the pairs the semantics issue names, all against
//! the documented scoped execution role.

use super::compare::{compare, Comparison, PolicySet, Verdict};
use crate::baseline::{render, Params};
use crate::catalog::Catalog;
use crate::eval::{CompiledPolicySet, Decision};
use crate::policy::{parse_policy, Policy};

fn scoped_text() -> String {
    let params = Params::new()
        .with("AWS_REGION", "us-east-1")
        .with("AWS_ACCOUNT_ID", "111122223333");
    render("chalk:scoped-execution", &params).unwrap()
}

fn parse(text: &str) -> Policy {
    parse_policy(text).unwrap_or_else(|e| panic!("{e:?}\n{text}"))
}

fn diff(old: &str, new: &str) -> Comparison {
    let old = parse(old);
    let new = parse(new);
    compare(
        PolicySet {
            identity: &[&old],
            boundaries: &[],
        },
        PolicySet {
            identity: &[&new],
            boundaries: &[],
        },
        Catalog::get(),
    )
}

/// The scoped role with `edit` applied to its JSON value.
fn variant(edit: impl FnOnce(&mut serde_json::Value)) -> String {
    let mut value: serde_json::Value = serde_json::from_str(&scoped_text()).unwrap();
    edit(&mut value);
    serde_json::to_string_pretty(&value).unwrap()
}

fn assert_verdict(new: &str, verdict: Verdict) -> Comparison {
    let result = diff(&scoped_text(), new);
    assert!(
        result.unproven.is_empty(),
        "unproven: {:?}",
        result.unproven
    );
    assert_eq!(
        result.verdict, verdict,
        "added {:#?}\nremoved {:#?}",
        result.added, result.removed
    );
    result
}

/// Every witness really is allowed by one side and denied by the other.
fn assert_witnesses_are_real(old: &str, new: &str, result: &Comparison) {
    let old = parse(old);
    let new = parse(new);
    let old = CompiledPolicySet::new(&[&old], &[]);
    let new = CompiledPolicySet::new(&[&new], &[]);
    for d in &result.added {
        assert_eq!(new.evaluate(&d.witness), Decision::Allow, "{d:?}");
        assert_ne!(old.evaluate(&d.witness), Decision::Allow, "{d:?}");
    }
    for d in &result.removed {
        assert_eq!(old.evaluate(&d.witness), Decision::Allow, "{d:?}");
        assert_ne!(new.evaluate(&d.witness), Decision::Allow, "{d:?}");
    }
}

#[test]
fn identical_policies_are_equivalent() {
    assert_verdict(&scoped_text(), Verdict::Equivalent);
}

#[test]
fn reordered_statements_are_equivalent() {
    let new = variant(|v| {
        v["Statement"].as_array_mut().unwrap().reverse();
    });
    assert_verdict(&new, Verdict::Equivalent);
}

#[test]
fn split_statements_are_equivalent() {
    let new = variant(|v| {
        let statements = v["Statement"].as_array_mut().unwrap();
        let first = statements[0].clone();
        let actions = first["Action"].as_array().unwrap().clone();
        let (a, b) = actions.split_at(actions.len() / 2);
        let mut one = first.clone();
        one["Action"] = serde_json::Value::Array(a.to_vec());
        let mut two = first;
        two["Action"] = serde_json::Value::Array(b.to_vec());
        statements[0] = one;
        statements.push(two);
    });
    assert_verdict(&new, Verdict::Equivalent);
}

#[test]
fn removed_sids_and_action_case_and_single_element_arrays_are_equivalent() {
    let new = variant(|v| {
        for s in v["Statement"].as_array_mut().unwrap() {
            s.as_object_mut().unwrap().remove("Sid");
            let actions: Vec<serde_json::Value> = s["Action"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| serde_json::Value::String(a.as_str().unwrap().to_uppercase()))
                .collect();
            s["Action"] = serde_json::Value::Array(actions);
        }
        v["Statement"][3]["Action"] = serde_json::json!([
            "ECR:GETAUTHORIZATIONTOKEN",
            "ec2:Describe*",
            "logs:DescribeLogGroups"
        ]);
        v["Statement"][0]["Condition"]["StringEquals"]["aws:ResourceTag/chalk.ai/managed-by"] =
            serde_json::json!(["chalk"]);
    });
    assert_verdict(&new, Verdict::Equivalent);
}

#[test]
fn string_like_without_wildcards_equals_string_equals() {
    let new = variant(|v| {
        let condition = v["Statement"][0]["Condition"].as_object_mut().unwrap();
        let equals = condition.remove("StringEquals").unwrap();
        condition.insert("StringLike".into(), equals);
    });
    assert_verdict(&new, Verdict::Equivalent);
}

#[test]
fn removing_the_tag_condition_is_broader() {
    let old = scoped_text();
    let new = variant(|v| {
        v["Statement"][0]
            .as_object_mut()
            .unwrap()
            .remove("Condition");
    });
    let result = assert_verdict(&new, Verdict::Broader);
    assert_witnesses_are_real(&old, &new, &result);
}

#[test]
fn string_equals_if_exists_lets_untagged_resources_through() {
    let old = scoped_text();
    let new = variant(|v| {
        let condition = v["Statement"][0]["Condition"].as_object_mut().unwrap();
        let equals = condition.remove("StringEquals").unwrap();
        condition.insert("StringEqualsIfExists".into(), equals);
    });
    let result = assert_verdict(&new, Verdict::Broader);
    assert_witnesses_are_real(&old, &new, &result);
    // A witness without the tag on a taggable resource.
    assert!(result.added.iter().any(|d| d
        .witness
        .context
        .get("aws:resourcetag/chalk.ai/managed-by")
        .is_none()
        && d.witness.resource.starts_with("arn:aws:")));
}

#[test]
fn string_like_star_is_broader() {
    let new = variant(|v| {
        v["Statement"][0]["Condition"] =
            serde_json::json!({"StringLike": {"aws:ResourceTag/chalk.ai/managed-by": "*"}});
    });
    assert_verdict(&new, Verdict::Broader);
}

#[test]
fn widening_a_table_pattern_is_broader_with_a_table_witness() {
    let old = scoped_text();
    let new = old.replace("table/chalk*", "table/*");
    let result = assert_verdict(&new, Verdict::Broader);
    assert_witnesses_are_real(&old, &new, &result);
    assert!(result
        .added
        .iter()
        .all(|d| d.actions.iter().all(|a| a.starts_with("dynamodb:"))));
    assert!(result
        .added
        .iter()
        .any(|d| d.witness.resource.contains(":table/")
            && !d.witness.resource.contains("table/chalk")));
}

#[test]
fn widening_the_region_is_broader() {
    let old = scoped_text();
    let new = old.replace(":us-east-1:", ":*:");
    let result = assert_verdict(&new, Verdict::Broader);
    assert_witnesses_are_real(&old, &new, &result);
}

#[test]
fn adding_a_deny_is_narrower() {
    let old = scoped_text();
    let new = variant(|v| {
        v["Statement"]
            .as_array_mut()
            .unwrap()
            .push(serde_json::json!({
                "Effect": "Deny", "Action": "kms:ScheduleKeyDeletion", "Resource": "*"
            }));
    });
    let result = assert_verdict(&new, Verdict::Narrower);
    assert_witnesses_are_real(&old, &new, &result);
    assert!(result
        .removed
        .iter()
        .all(|d| d.actions == ["kms:ScheduleKeyDeletion"]));
}

#[test]
fn narrowing_kms_to_decrypt_is_narrower() {
    let new = variant(|v| {
        for a in v["Statement"][0]["Action"].as_array_mut().unwrap() {
            if a == "kms:*" {
                *a = serde_json::json!("kms:Decrypt");
            }
        }
    });
    assert_verdict(&new, Verdict::Narrower);
}

#[test]
fn widening_one_thing_and_narrowing_another_is_incomparable() {
    let old = scoped_text();
    let new = old
        .replace("table/chalk*", "table/*")
        .replace("\"kms:*\"", "\"kms:Decrypt\"");
    let result = assert_verdict(&new, Verdict::Incomparable);
    assert_witnesses_are_real(&old, &new, &result);
}

fn with_condition(op: &str, key: &str, value: &str) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"s3:ListBucket",
        "Resource":"arn:aws:s3:::chalk-data","Condition":{{"{op}":{{"{key}":"{value}"}}}}}}]}}"#
    )
}

#[test]
fn numbers_a_float_cannot_tell_apart_are_still_compared_exactly() {
    // As f64 both constants are 1.0; `1.000000000000000000001` is allowed only by `new`.
    let old = with_condition("NumericLessThanEquals", "s3:max-keys", "1");
    let new = with_condition("NumericLessThan", "s3:max-keys", "1.00000000000000000001");
    let result = diff(&old, &new);
    assert!(result.unproven.is_empty(), "{:?}", result.unproven);
    assert_eq!(result.verdict, Verdict::Broader);
    assert_witnesses_are_real(&old, &new, &result);
}

#[test]
fn dates_half_a_second_apart_are_compared_exactly() {
    let old = with_condition("DateLessThan", "aws:CurrentTime", "2030-01-01T00:00:00Z");
    let new = with_condition("DateLessThan", "aws:CurrentTime", "2030-01-01T00:00:00.5Z");
    let result = diff(&old, &new);
    assert_eq!(result.verdict, Verdict::Broader);
    assert_witnesses_are_real(&old, &new, &result);
}
