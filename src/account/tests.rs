use std::path::PathBuf;

use super::*;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/snapshots")).join(name)
}

fn load(names: &[&str]) -> Result<Account, SnapshotError> {
    let paths: Vec<PathBuf> = names.iter().map(|n| fixture(n)).collect();
    load_snapshot(&paths)
}

fn load_err(names: &[&str]) -> SnapshotError {
    match load(names) {
        Ok(account) => panic!("expected an error, loaded {} roles", account.roles.len()),
        Err(err) => err,
    }
}

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).expect("document is json")
}

#[test]
fn directory_merges_pages_and_regions_once_per_arn() {
    let account = load(&[""]).expect("fixture directory loads");
    let roles: Vec<&str> = account.roles.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(
        roles,
        [
            "chalk-scoped-execution",
            "chalk-provisioning",
            "AWSServiceRoleForAmazonEKS",
            "chalk-logs-reader",
            "app-orders-api"
        ]
    );
    assert_eq!(account.account_id.as_deref(), Some("111122223333"));
    assert_eq!(account.users.len(), 1);
    assert_eq!(account.groups.len(), 1);
    let policies: Vec<&str> = account
        .managed_policies
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(
        policies,
        ["chalk-broad-provisioning", "AdministratorAccess"]
    );
    // Six resources in us-east-1, two in us-west-2, the S3 bucket in both.
    assert_eq!(account.resources.len(), 7);
    assert_eq!(
        account
            .resources
            .iter()
            .filter(|r| r.arn == "arn:aws:s3:::chalk-offline-store")
            .count(),
        1
    );
}

#[test]
fn duplicate_role_keeps_the_first_page_copy() {
    let account = load(&[
        "auth-details-page1-encoded.json",
        "auth-details-page2-plain.json",
    ])
    .expect("pages load");
    let role = account.role("chalk-scoped-execution").expect("role");
    assert!(
        role.trust_policy.origin.ends_with(
            "auth-details-page1-encoded.json#/RoleDetailList/0/AssumeRolePolicyDocument"
        ),
        "{}",
        role.trust_policy.origin
    );
    assert_eq!(
        account
            .roles
            .iter()
            .filter(|r| r.name == "chalk-scoped-execution")
            .count(),
        1
    );
}

#[test]
fn url_encoded_and_object_documents_give_the_same_policy() {
    let encoded = load(&["auth-details-page1-encoded.json"]).expect("page 1");
    let plain = load(&["auth-details-page2-plain.json"]).expect("page 2");
    let a = encoded.role("chalk-scoped-execution").expect("role");
    let b = plain.role("chalk-scoped-execution").expect("role");
    assert_eq!(json(&a.inline[0].1.text), json(&b.inline[0].1.text));
    assert_eq!(json(&a.trust_policy.text), json(&b.trust_policy.text));
    // The object form is re-serialized pretty, keeping key order.
    assert!(b.trust_policy.text.starts_with("{\n  \"Version\""));
    assert!(a.inline[0]
        .1
        .text
        .contains("arn:aws:dynamodb:us-east-1:111122223333:table/chalk*"));
    assert!(a.inline[0].1.origin.ends_with(
        "auth-details-page1-encoded.json#/RoleDetailList/0/RolePolicyList/0/PolicyDocument"
    ));
}

#[test]
fn role_fields_are_read() {
    let account = load(&["auth-details-page2-plain.json"]).expect("page 2");
    let role = account
        .role("APP-ORDERS-API")
        .expect("case-insensitive lookup");
    assert_eq!(role.arn, "arn:aws:iam::111122223333:role/app-orders-api");
    assert_eq!(role.path, "/");
    assert!(role.role_id.is_some());
    assert_eq!(
        role.boundary.as_deref(),
        Some("arn:aws:iam::111122223333:policy/app-boundary")
    );
    assert_eq!(role.tags.get("team").map(String::as_str), Some("orders"));
    assert_eq!(role.inline[0].0, "orders-table");

    let full = load(&["auth-details-page1-encoded.json"]).expect("page 1");
    let eks = full.role("AWSServiceRoleForAmazonEKS").expect("role");
    assert_eq!(eks.path, "/aws-service-role/eks.amazonaws.com/");
    assert_eq!(
        eks.attached,
        ["arn:aws:iam::aws:policy/aws-service-role/AmazonEKSServiceRolePolicy"]
    );
    assert_eq!(
        full.role("chalk-scoped-execution")
            .expect("role")
            .tags
            .get("chalk.ai/managed-by")
            .map(String::as_str),
        Some("chalk")
    );
}

#[test]
fn users_and_groups_keep_policy_variables() {
    let account = load(&["auth-details-page1-encoded.json"]).expect("page 1");
    let user = &account.users[0];
    assert_eq!(user.name, "ci-deployer");
    assert_eq!(user.groups, ["admins"]);
    assert!(user.inline[0].1.text.contains("user/${aws:username}"));
    assert_eq!(
        account.groups[0].attached,
        ["arn:aws:iam::aws:policy/AdministratorAccess"]
    );
}

#[test]
fn managed_policy_uses_its_default_version() {
    let account = load(&["auth-details-page1-encoded.json"]).expect("page 1");
    let broad = account
        .managed_policy("arn:aws:iam::111122223333:policy/chalk-broad-provisioning")
        .expect("policy");
    assert_eq!(broad.default_version_id.as_deref(), Some("v2"));
    assert!(!broad.is_aws_managed);
    assert!(broad
        .default_version_document
        .text
        .contains("iam:CreateServiceLinkedRole"));

    let plain = load(&["auth-details-page2-plain.json"]).expect("page 2");
    let admin = plain
        .managed_policy("arn:aws:iam::aws:policy/AdministratorAccess")
        .expect("policy");
    assert!(admin.is_aws_managed);
}

#[test]
fn resource_tags_are_read_per_region_page() {
    let account = load(&["tagging-us-east-1.json", "tagging-us-west-2.json"]).expect("tagging");
    let eks = account
        .resource("arn:aws:eks:us-east-1:111122223333:cluster/chalk-prod")
        .expect("cluster");
    assert_eq!(eks.tags.len(), 2);
    let sqs = account
        .resource("arn:aws:sqs:us-east-1:111122223333:chalk-metrics")
        .expect("queue");
    assert!(sqs.tags.is_empty());
    assert!(account.roles.is_empty());
    assert_eq!(account.account_id.as_deref(), Some("111122223333"));
}

#[test]
fn empty_snapshot_is_an_account_without_roles_not_an_error() {
    let account =
        load_snapshot_texts(&[("-".to_string(), r#"{"RoleDetailList": []}"#.to_string())])
            .expect("valid snapshot");
    assert!(account.roles.is_empty());
    assert_eq!(account.account_id, None);
}

#[test]
fn syntax_error_names_file_line_and_column() {
    let err = load_err(&["bad/syntax-missing-comma.json"]);
    let SnapshotError::Syntax {
        path, line, column, ..
    } = &err
    else {
        panic!("expected a syntax error, got {err:?}");
    };
    assert!(path.ends_with("bad/syntax-missing-comma.json"));
    assert_eq!((*line, *column), (5, 7), "{err}");
    assert!(err.to_string().contains("expected `,` or `}`"), "{err}");
}

#[test]
fn role_list_that_is_not_an_array_is_a_shape_error() {
    let err = load_err(&["bad/role-list-not-array.json"]);
    let SnapshotError::Shape {
        pointer,
        line,
        message,
        ..
    } = &err
    else {
        panic!("expected a shape error, got {err:?}");
    };
    assert_eq!(pointer, "/RoleDetailList");
    assert_eq!(*line, 2, "{err}");
    assert!(
        message.contains("invalid type: object, expected an array"),
        "{message}"
    );
}

#[test]
fn role_without_arn_names_the_role_pointer() {
    let err = load_err(&["bad/role-missing-arn.json"]);
    let SnapshotError::Shape {
        pointer, message, ..
    } = &err
    else {
        panic!("expected a shape error, got {err:?}");
    };
    assert_eq!(pointer, "/RoleDetailList/1");
    assert_eq!(message, "missing field `Arn`");
}

#[test]
fn bad_url_encoding_is_reported_at_the_document() {
    let err = load_err(&["bad/bad-url-encoding.json"]);
    let SnapshotError::Shape {
        pointer,
        message,
        line,
        ..
    } = &err
    else {
        panic!("expected a shape error, got {err:?}");
    };
    assert_eq!(pointer, "/RoleDetailList/0/AssumeRolePolicyDocument");
    assert_eq!(*line, 6);
    assert!(
        message.contains("cannot url-decode policy document: invalid percent escape `%zz`"),
        "{message}"
    );
}

#[test]
fn document_of_the_wrong_type_says_what_was_expected() {
    let err = load_err(&["bad/document-is-number.json"]);
    let SnapshotError::Shape {
        pointer, message, ..
    } = &err
    else {
        panic!("expected a shape error, got {err:?}");
    };
    assert_eq!(pointer, "/RoleDetailList/0/RolePolicyList/0/PolicyDocument");
    assert!(message.contains("expected a policy document"), "{message}");
}

#[test]
fn tag_without_key_is_a_shape_error() {
    let err = load_err(&["bad/tag-missing-key.json"]);
    assert!(
        matches!(&err, SnapshotError::Shape { pointer, .. } if pointer == "/ResourceTagMappingList/0/Tags/0"),
        "{err:?}"
    );
}

#[test]
fn unrecognised_json_is_not_a_snapshot() {
    let err = load_err(&["bad/not-a-snapshot.json"]);
    assert!(matches!(err, SnapshotError::UnknownKind { .. }), "{err:?}");
    assert!(err.to_string().contains("`ResourceTagMappingList`"));

    let err =
        load_snapshot_texts(&[("top.json".to_string(), "[1, 2]".to_string())]).expect_err("array");
    assert!(
        err.to_string()
            .starts_with("top.json:1:1: at `/`: invalid type: array, expected a json object"),
        "{err}"
    );
}

#[test]
fn policy_without_default_version_is_invalid() {
    let err = load_err(&["bad/no-default-version.json"]);
    let SnapshotError::Invalid { pointer, .. } = &err else {
        panic!("expected an invalid error, got {err:?}");
    };
    assert_eq!(pointer, "/Policies/0/PolicyVersionList");
}

#[test]
fn files_from_two_accounts_are_refused() {
    let err = load_err(&["tagging-us-east-1.json", "bad/other-account.json"]);
    let SnapshotError::MixedAccounts { first, second, .. } = &err else {
        panic!("expected mixed accounts, got {err:?}");
    };
    assert_eq!(
        (first.as_str(), second.as_str()),
        ("111122223333", "444455556666")
    );
}

#[test]
fn missing_file_and_empty_inputs_are_errors() {
    assert!(matches!(
        load_err(&["does-not-exist.json"]),
        SnapshotError::Io { .. }
    ));
    assert!(matches!(load_snapshot(&[]), Err(SnapshotError::NoInput)));

    let dir = std::env::temp_dir().join(format!("iamscope-empty-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let result = load_snapshot(std::slice::from_ref(&dir));
    let _ = std::fs::remove_dir(&dir);
    assert!(matches!(result, Err(SnapshotError::EmptyDirectory { .. })));
}

#[test]
fn aws_managed_arns_are_recognised_in_every_partition() {
    assert!(is_aws_managed_arn("arn:aws:iam::aws:policy/ReadOnlyAccess"));
    assert!(is_aws_managed_arn(
        "arn:aws-us-gov:iam::aws:policy/service-role/X"
    ));
    assert!(!is_aws_managed_arn("arn:aws:iam::111122223333:policy/aws"));
    assert_eq!(
        arn_account("arn:aws:iam::111122223333:role/x"),
        Some("111122223333")
    );
    assert_eq!(arn_account("arn:aws:s3:::bucket"), None);
}

#[test]
fn parallel_load_returns_each_file_text_and_the_sequential_account() {
    let names = [
        "auth-details-page1-encoded.json",
        "auth-details-page2-plain.json",
        "tagging-us-east-1.json",
        "tagging-us-west-2.json",
    ];
    let paths: Vec<PathBuf> = names.iter().map(|n| fixture(n)).collect();
    let (account, texts) = load_snapshot_with_texts(&paths).expect("fixtures load");
    let one_by_one: Vec<(String, String)> = paths
        .iter()
        .map(|p| {
            let text = std::fs::read_to_string(p).expect("fixture readable");
            (p.display().to_string(), text)
        })
        .collect();
    assert_eq!(
        account,
        load_snapshot_texts(&one_by_one).expect("texts load")
    );
    assert_eq!(texts.into_iter().collect::<Vec<_>>(), one_by_one);
}

#[test]
fn parallel_load_reports_the_first_bad_file_in_order() {
    let paths = [
        fixture("auth-details-page1-encoded.json"),
        fixture("bad/role-list-not-array.json"),
        fixture("bad/syntax-missing-comma.json"),
    ];
    let err = load_snapshot_with_texts(&paths).expect_err("a file is bad");
    assert!(
        err.to_string().contains("role-list-not-array.json"),
        "{err}"
    );
}
