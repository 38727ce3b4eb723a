use std::collections::BTreeSet;

use super::*;

fn chalk() -> Profile {
    match try_builtin_profiles() {
        Ok(profiles) => profiles
            .into_iter()
            .find(|p| p.vendor == "chalk")
            .expect("chalk profile is built in"),
        Err(err) => panic!("built-in profiles must parse: {err}"),
    }
}

fn full_params() -> Params {
    Params::new()
        .with("AWS_REGION", "eu-west-1")
        .with("AWS_ACCOUNT_ID", "111122223333")
        .with("EXTERNAL_ID", "chalk-ext-0123")
        .with("LOG_GROUP", "/aws/containerinsights/chalk/application")
}

/// A one-policy profile for tests of the format itself.
fn custom(profile: &str, template: &str) -> Result<Profile, BaselineError> {
    let template = template.to_string();
    Profile::parse("test/profile.toml", profile, move |name| {
        Ok((format!("test/{name}"), template.clone()))
    })
}

const MINIMAL: &str = r#"
[vendor]
id = "acme"
name = "Acme"
source = "test"

[managed_tag]
key = "acme/managed"
value = "yes"

[recognition]
trusted_principals = []

[[parameters]]
name = "TOKEN"
description = "a token"
flag = "--token"

[[policies]]
id = "p"
file = "p.json"
kind = "permissions"
description = "test policy"
"#;

#[test]
fn builtin_chalk_profile_declares_the_four_documented_policies() {
    let profile = chalk();
    let ids: Vec<_> = profile.policies.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "chalk:trust",
            "chalk:broad-provisioning",
            "chalk:scoped-execution",
            "chalk:logs-read"
        ]
    );
    assert_eq!(profile.managed_tag.key, "chalk.ai/managed-by");
    assert_eq!(profile.managed_tag.value, "chalk");
    assert!(profile.is_vendor_principal("arn:aws:iam::754784422779:role/chalk-api-server"));
    assert!(documented_policies()
        .iter()
        .all(|p| !p.description.is_empty()));
}

#[test]
fn every_rendered_policy_is_valid_json_without_placeholders() {
    for policy in documented_policies() {
        let text = render(&policy.id, &full_params())
            .unwrap_or_else(|err| panic!("{} must render: {err}", policy.id));
        let value: serde_json::Value = serde_json::from_str(&text)
            .unwrap_or_else(|err| panic!("{} must be json: {err}", policy.id));
        assert_eq!(value["Version"], "2012-10-17", "{}", policy.id);
        assert!(
            placeholder::placeholders(&text).is_empty(),
            "{} kept a placeholder",
            policy.id
        );
    }
}

#[test]
fn broad_policy_keeps_documented_content_with_repaired_syntax() {
    let text = render("chalk:broad-provisioning", &Params::new()).expect("no parameters needed");
    let value: serde_json::Value = serde_json::from_str(&text).expect("valid json");
    let actions: Vec<&str> = value["Statement"][0]["Action"]
        .as_array()
        .expect("action list")
        .iter()
        .filter_map(|a| a.as_str())
        .collect();
    assert_eq!(actions.len(), 91);
    assert_eq!(
        actions
            .iter()
            .filter(|a| **a == "iam:CreateServiceLinkedRole")
            .count(),
        2
    );
    assert!(actions.contains(&"application-autoscaling:*"));
    assert!(actions.contains(&"elasticache:CreateCacheSubnetGroup"));
    assert_eq!(actions.last(), Some(&"route53:*"));
}

#[test]
fn scoped_policy_renders_region_and_account_into_arns() {
    let text = render("chalk:scoped-execution", &full_params()).expect("renders");
    let value: serde_json::Value = serde_json::from_str(&text).expect("valid json");
    let sids: Vec<_> = value["Statement"]
        .as_array()
        .expect("statements")
        .iter()
        .map(|s| s["Sid"].as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(
        sids,
        [
            "ChalkManagedResources",
            "ChalkUntaggedResources",
            "ChalkDescribeResources",
            "ChalkGlobalDescribe"
        ]
    );
    assert!(text.contains("\"arn:aws:dynamodb:eu-west-1:111122223333:table/chalk*\""));
}

#[test]
fn logs_policy_keeps_documented_us_east_1_region() {
    let text = render("chalk:logs-read", &full_params()).expect("renders");
    assert!(text.contains(
        "arn:aws:logs:us-east-1:111122223333:log-group:/aws/containerinsights/chalk/application:*"
    ));
}

#[test]
fn missing_parameter_names_it_and_its_flag() {
    let params = Params::new().with("AWS_ACCOUNT_ID", "111122223333");
    let err = render("chalk:scoped-execution", &params).expect_err("region missing");
    assert_eq!(
        err.to_string(),
        "policy `chalk:scoped-execution` needs parameter `AWS_REGION`: pass `--region`"
    );
    let err = render("chalk:trust", &Params::new()).expect_err("external id missing");
    assert!(err.to_string().contains("pass `--external-id`"), "{err}");
}

#[test]
fn malformed_account_id_is_rejected_with_its_flag() {
    let params = full_params().with("AWS_ACCOUNT_ID", "1234");
    let err = render("chalk:scoped-execution", &params).expect_err("bad account id");
    assert_eq!(
        err.to_string(),
        "invalid value `1234` for `--account-id`: expected 12 digits"
    );
}

#[test]
fn unknown_policy_id_lists_the_known_ones() {
    let err = render("chalk:nope", &Params::new()).expect_err("unknown");
    assert!(
        err.to_string().contains("`chalk:scoped-execution`"),
        "{err}"
    );
    let err = render("other:thing", &Params::new()).expect_err("unknown vendor");
    assert!(matches!(err, BaselineError::UnknownPolicy { .. }));
}

#[test]
fn renderer_leaves_iam_policy_variables_and_escapes_values() {
    let template = r#"{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:username}/${TOKEN}"}]}"#;
    let profile = custom(MINIMAL, template).expect("profile parses");
    let text = profile
        .render("acme:p", &Params::new().with("TOKEN", "a\"b"))
        .expect("renders");
    let value: serde_json::Value = serde_json::from_str(&text).expect("still json");
    assert_eq!(
        value["Statement"][0]["Resource"],
        "arn:aws:s3:::b/${aws:username}/a\"b"
    );
}

#[test]
fn profile_syntax_error_reports_line_and_column() {
    let broken = MINIMAL.replace("name = \"Acme\"", "name = \"Acme");
    let err = custom(&broken, "{}").expect_err("broken toml");
    let BaselineError::Profile { line, file, .. } = &err else {
        panic!("expected a profile error, got {err:?}");
    };
    assert_eq!(file, "test/profile.toml");
    assert_eq!(*line, 4, "{err}");
}

#[test]
fn unknown_profile_key_is_reported_at_its_line() {
    let typo = MINIMAL.replace("flag = \"--token\"", "flags = \"--token\"");
    let err = custom(&typo, "{}").expect_err("unknown field");
    let BaselineError::Profile { line, message, .. } = &err else {
        panic!("expected a profile error, got {err:?}");
    };
    assert_eq!(*line, 17, "{err}");
    assert!(message.contains("flags"), "{message}");
}

#[test]
fn role_kind_naming_an_unknown_policy_points_at_the_reference() {
    let text = format!(
        "{MINIMAL}\n[[role_kinds]]\nid = \"k\"\ndescription = \"d\"\npolicies = [\"missing\"]\n"
    );
    let err = custom(&text, "{}").expect_err("unknown policy");
    let BaselineError::Profile {
        line,
        column,
        message,
        ..
    } = &err
    else {
        panic!("expected a profile error, got {err:?}");
    };
    assert_eq!(message, "unknown policy `acme:missing`");
    assert_eq!((*line, *column), (28, 13), "{err}");
}

#[test]
fn trust_reference_must_name_a_trust_policy() {
    let text =
        format!("{MINIMAL}\n[[role_kinds]]\nid = \"k\"\ndescription = \"d\"\ntrust = \"p\"\n");
    let err = custom(&text, "{}").expect_err("wrong kind");
    assert!(
        err.to_string()
            .ends_with("policy `acme:p` is not a trust policy"),
        "{err}"
    );
}

#[test]
fn undeclared_placeholder_in_template_is_positioned() {
    let err = custom(MINIMAL, "{\n  \"Resource\": \"${REGION}\"\n}").expect_err("undeclared");
    assert_eq!(
        err.to_string(),
        "test/p.json:2:16: placeholder `${REGION}` is not a declared parameter"
    );
}

#[test]
fn invalid_template_json_is_positioned() {
    let err = custom(MINIMAL, "{\n  \"a\": [1,]\n}").expect_err("bad json");
    let BaselineError::PolicyJson { line, file, .. } = &err else {
        panic!("expected a json error, got {err:?}");
    };
    assert_eq!((file.as_str(), *line), ("test/p.json", 2));
}

#[test]
fn role_kind_is_chosen_by_name_before_best_match() {
    let profile = chalk();
    let none = BTreeSet::new();
    let choice = profile
        .choose_kind("prod-chalk-scoped-execution", &none)
        .expect("name matches");
    assert!(matches!(choice, KindChoice::ByName(k) if k.id == "scoped-execution"));

    let broad: BTreeSet<String> = ["sqs:*", "sns:*", "redshift:*", "route53:*", "s3:*"]
        .into_iter()
        .map(String::from)
        .collect();
    let choice = profile
        .choose_kind("ChalkDeployer", &broad)
        .expect("actions overlap");
    assert!(
        matches!(choice, KindChoice::BestMatch(k, _) if k.id == "provisioning"),
        "{choice:?}"
    );

    let logs: BTreeSet<String> = ["logs:StopQuery", "logs:Get*"]
        .into_iter()
        .map(String::from)
        .collect();
    let choice = profile.choose_kind("ChalkUi", &logs).expect("overlap");
    assert_eq!(choice.kind().id, "logs-reader");

    let unrelated: BTreeSet<String> = ["lambda:InvokeFunction".to_string()].into();
    assert!(profile.choose_kind("chalk-other", &unrelated).is_none());
}

#[test]
fn role_names_are_recognised_case_insensitively() {
    let mut profile = chalk();
    assert!(profile.is_vendor_role_name("ChalkScopedRole"));
    assert!(!profile.is_vendor_role_name("app-deployer"));
    profile.recognition.role_name_patterns = vec!["vendor-*".to_string()];
    assert!(!profile.is_vendor_role_name("ChalkScopedRole"));
}

#[test]
fn resource_patterns_follow_the_scoped_policy_arns() {
    let profile = chalk();
    let service_of = |arn: &str| -> Vec<String> {
        profile
            .resource_patterns_for(arn)
            .iter()
            .map(|p| format!("{}:{}", p.service, p.resource))
            .collect()
    };
    assert_eq!(
        service_of("arn:aws:dynamodb:us-east-1:111122223333:table/chalk-online"),
        ["dynamodb:table/chalk*"]
    );
    assert!(service_of("arn:aws:dynamodb:us-east-1:111122223333:table/orders").is_empty());
    assert_eq!(service_of("arn:aws:s3:::chalk-offline"), ["s3:chalk-*"]);
    assert_eq!(
        service_of("arn:aws:rds:us-east-1:111122223333:db:chalk-online"),
        ["rds:*:chalk*"]
    );
    // The documented `k8s-*` pattern does not reach real load balancer ARNs.
    assert!(service_of(
        "arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/k8s-chalk/50dc6c495c0c9188"
    )
    .is_empty());
    let s3 = profile
        .resource_patterns
        .iter()
        .find(|p| p.service == "s3")
        .expect("s3 pattern");
    assert!(!s3.tag_protected);
}

#[test]
fn loading_the_folder_matches_the_embedded_profile() {
    let dir = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/rules/chalk"));
    let loaded = Profile::load_dir(dir).expect("folder loads");
    let embedded = chalk();
    assert_eq!(loaded.vendor, embedded.vendor);
    assert_eq!(loaded.role_kinds, embedded.role_kinds);
    let templates =
        |p: &Profile| -> Vec<String> { p.policies.iter().map(|d| d.template.clone()).collect() };
    assert_eq!(templates(&loaded), templates(&embedded));
}

#[test]
fn resource_patterns_agree_with_the_scoped_policy_arns() {
    let profile = chalk();
    let template = &profile
        .policy("chalk:scoped-execution")
        .expect("scoped policy")
        .template;
    let value: serde_json::Value = serde_json::from_str(template).expect("json");
    let mut documented = BTreeSet::new();
    for statement in value["Statement"].as_array().expect("statements") {
        let resources = match &statement["Resource"] {
            serde_json::Value::Array(list) => list.clone(),
            single => vec![single.clone()],
        };
        for arn in resources.iter().filter_map(|r| r.as_str()) {
            let parts: Vec<&str> = arn.splitn(6, ':').collect();
            // `*` and AWS-owned policies name no vendor resource.
            if arn == "*" || arn.starts_with("arn:aws:iam::aws:") {
                continue;
            }
            let resource = parts.get(5).copied().unwrap_or("*");
            let tagged = statement.get("Condition").is_some();
            documented.insert(format!("{}:{resource}:{tagged}", parts[2]));
        }
    }
    let declared: BTreeSet<String> = profile
        .resource_patterns
        .iter()
        .map(|p| format!("{}:{}:{}", p.service, p.resource, p.tag_protected))
        .collect();
    assert_eq!(declared, documented);
}
