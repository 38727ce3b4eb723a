use super::*;
use crate::report::Location;

fn error(text: &str) -> (u32, u32, String) {
    match parse("iamscope.toml", text) {
        Err(ConfigError::Invalid {
            line,
            column,
            message,
            ..
        }) => (line, column, message),
        other => panic!("expected an error, got {other:?}"),
    }
}

#[test]
fn reads_overrides_switches_and_waivers() {
    let config = parse(
        "iamscope.toml",
        r#"
[rules]
service-wildcard = "high"
missing-version = "off"

[[waivers]]
rule = "wildcard-resource-write"
file = "legacy/*.json"
reason = "legacy role"
expires = 2030-01-31
"#,
    )
    .unwrap();
    assert_eq!(
        config.rules.get("service-wildcard"),
        Some(&RuleSetting::Severity(Severity::High))
    );
    assert_eq!(config.rules.get("missing-version"), Some(&RuleSetting::Off));
    let waiver = &config.waivers[0];
    assert_eq!(waiver.rule, Some("wildcard-resource-write"));
    assert_eq!(waiver.expires.to_string(), "2030-01-31");
    assert_eq!((waiver.line, waiver.column), (6, 1));
}

#[test]
fn accepts_a_quoted_expiry_date() {
    let config = parse(
        "c",
        "[[waivers]]\nsubject = \"sqs:*\"\nreason = \"r\"\nexpires = \"2031-02-03\"\n",
    )
    .unwrap();
    assert_eq!(config.waivers[0].expires.to_string(), "2031-02-03");
}

#[test]
fn rejects_an_unknown_rule_with_its_position() {
    let (line, column, message) = error("[rules]\nservice-wildcrd = \"high\"\n");
    assert_eq!((line, column), (2, 1));
    assert!(
        message.contains("did you mean `service-wildcard`"),
        "{message}"
    );
}

#[test]
fn rejects_an_unknown_key() {
    let (line, _, message) =
        error("[[waivers]]\nrule = \"service-wildcard\"\nreson = \"x\"\nexpires = 2030-01-01\n");
    assert_eq!(line, 3);
    assert!(message.contains("reson"), "{message}");
}

#[test]
fn rejects_a_bad_date_and_a_bad_severity() {
    let (line, column, message) = error(
        "[[waivers]]\nrule = \"service-wildcard\"\nreason = \"x\"\nexpires = \"2030-02-30\"\n",
    );
    assert_eq!((line, column), (4, 11));
    assert!(message.contains("2030-02-30"), "{message}");
    let (line, column, message) = error("[rules]\nservice-wildcard = \"severe\"\n");
    assert_eq!((line, column), (2, 20));
    assert!(message.contains("`severe`"), "{message}");
}

#[test]
fn requires_a_reason_and_a_matcher() {
    let (line, _, message) =
        error("[[waivers]]\nrule = \"service-wildcard\"\nexpires = 2030-01-01\n");
    assert_eq!(line, 1);
    assert!(message.contains("`reason`"), "{message}");
    let (_, _, message) = error("[[waivers]]\nreason = \"r\"\nexpires = 2030-01-01\n");
    assert!(message.contains("at least one of"), "{message}");
}

#[test]
fn waivers_match_on_every_matcher_they_have() {
    let config = parse(
        "c",
        "[[waivers]]\nrule = \"trust-wildcard-principal\"\nprincipal = \"arn:aws:iam::*:root\"\nreason = \"r\"\nexpires = 2030-01-01\n",
    )
    .unwrap();
    let waiver = &config.waivers[0];
    let finding = Finding::new("trust-wildcard-principal", Severity::High, "m")
        .at(Location::default())
        .subject("arn:aws:iam::111122223333:root");
    assert!(waiver.matches(&finding));
    assert!(!waiver.matches(&finding.clone().subject("*")));
    let by_detail = Finding::new("trust-wildcard-principal", Severity::High, "m")
        .detail("principal", "arn:aws:iam::111122223333:root");
    assert!(waiver.matches(&by_detail));
    assert_eq!(
        waiver.describe(),
        "rule `trust-wildcard-principal`, principal `arn:aws:iam::*:root`"
    );
}

#[test]
fn finds_the_nearest_file_upward() {
    let dir = std::env::temp_dir().join(format!("iamscope-config-{}", std::process::id()));
    let nested = dir.join("a/b");
    std::fs::create_dir_all(&nested).unwrap();
    std::fs::write(dir.join(FILE_NAME), "").unwrap();
    assert_eq!(discover(&nested), Some(dir.join(FILE_NAME)));
    std::fs::remove_dir_all(&dir).unwrap();
}
