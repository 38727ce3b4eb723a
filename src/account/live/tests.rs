use super::*;

/// The SDK client calls (`.get_policy()` on `iam`, ...) made in this module.
fn fluent_calls() -> BTreeSet<String> {
    let source = include_str!("../live.rs");
    let pattern = regex::Regex::new(r"\b(?:iam|client)\s*\.\s*([a-z][a-z_]*)\s*\(\s*\)").unwrap();
    pattern
        .captures_iter(source)
        .map(|c| c[1].to_string())
        .filter(|name| name != "clone")
        .collect()
}

fn camel(snake: &str) -> String {
    snake
        .split('_')
        .map(|part| {
            let mut chars = part.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}

#[test]
fn every_called_operation_is_in_the_read_operations() {
    let calls = fluent_calls();
    assert!(calls.len() >= 4, "{calls:?}");
    for call in calls {
        let name = camel(&call);
        assert!(
            READ_OPERATIONS.iter().any(|op| op.name == name),
            "`{call}` ({name}) is called but missing from READ_OPERATIONS"
        );
    }
}

#[test]
fn committed_policy_is_the_printed_policy() {
    let committed: Value =
        serde_json::from_str(include_str!("../../../docs/iam-policy-for-iamscope.json")).unwrap();
    assert_eq!(committed, read_policy());
    let actions = committed["Statement"][0]["Action"].as_array().unwrap();
    for op in READ_OPERATIONS {
        assert!(actions.iter().any(|a| a == op.action), "{}", op.action);
    }
    // Read-only: nothing but Get/List/Describe.
    for action in actions {
        let name = action.as_str().unwrap().split(':').nth(1).unwrap();
        assert!(
            name.starts_with("Get") || name.starts_with("List"),
            "{name}"
        );
    }
}

#[test]
fn assume_role_policy_names_only_the_audit_role() {
    let policy = assume_role_policy("arn:aws:iam::111122223333:role/iamscope-audit");
    assert_eq!(policy["Statement"][0]["Action"], "sts:AssumeRole");
    assert_eq!(
        policy["Statement"][0]["Resource"],
        "arn:aws:iam::111122223333:role/iamscope-audit"
    );
}

#[test]
fn classifies_throttling_and_denial_codes() {
    assert_eq!(classify_code("Throttling"), FailureKind::Throttled);
    assert_eq!(classify_code("ThrottlingException"), FailureKind::Throttled);
    assert_eq!(classify_code("AccessDenied"), FailureKind::Denied);
    assert_eq!(classify_code("AccessDeniedException"), FailureKind::Denied);
    assert_eq!(classify_code("NoSuchEntity"), FailureKind::Other);
}

#[test]
fn debug_output_hides_the_external_id() {
    let options = LiveOptions {
        external_id: Some("s3cr3t-external-id".to_string()),
        ..LiveOptions::default()
    };
    let text = format!("{options:?}");
    assert!(!text.contains("s3cr3t"), "{text}");
    assert!(text.contains("<set>"), "{text}");
}

#[test]
fn attached_arns_include_boundaries() {
    let page = json!({
        "RoleDetailList": [{
            "AttachedManagedPolicies": [{"PolicyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}],
            "PermissionsBoundary": {"PermissionsBoundaryArn": "arn:aws:iam::aws:policy/PowerUserAccess"}
        }],
        "UserDetailList": [],
        "GroupDetailList": [{"AttachedManagedPolicies": [{"PolicyArn": "arn:aws:iam::123456789012:policy/x"}]}]
    });
    let arns: Vec<String> = attached_arns(&page).into_iter().collect();
    assert_eq!(
        arns,
        [
            "arn:aws:iam::123456789012:policy/x",
            "arn:aws:iam::aws:policy/PowerUserAccess",
            "arn:aws:iam::aws:policy/ReadOnlyAccess"
        ]
    );
}
