//! `iamscope diff --terraform-plan` on hand-built `terraform show -json` fixtures
//! (see `fixtures/terraform/README.md`).

use std::path::PathBuf;

use serde_json::Value;

use crate::{Run, CHALK_PRINCIPAL as CHALK};

fn run(args: &[&str]) -> Run {
    crate::run_in(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")),
        &[&["--no-config"], args].concat(),
        "",
    )
}

fn json(run: &Run) -> Value {
    serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}{}", run.stdout, run.stderr))
}

/// `(rule, location.file)` of every finding.
fn found(report: &Value) -> Vec<(String, String)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_owned(),
                f["location"]["file"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect()
}

fn has(found: &[(String, String)], rule: &str, file: &str) -> bool {
    found.iter().any(|(r, f)| r == rule && f == file)
}

const CHALK_PLAN: &[&str] = &[
    "diff",
    "--terraform-plan",
    "fixtures/terraform/chalk-plan.json",
    "--documented",
    "*chalk*scoped*=chalk:scoped-execution",
    "--region",
    "us-east-1",
    "--account-id",
    "111122223333",
    "--fail-on-new-access",
    "--format",
    "json",
];

#[test]
fn reports_a_widened_role_policy_an_attached_administrator_and_an_unknown_document() {
    let run = run(CHALK_PLAN);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let report = json(&run);
    assert_eq!(report["mode"], "terraform");
    let found = found(&report);
    // The IfExists widening: new access, drift from the documented role, and lint.
    assert!(
        has(&found, "new-access", "aws_iam_role_policy.chalk_scoped"),
        "{found:?}"
    );
    assert!(has(
        &found,
        "grant-beyond-baseline",
        "aws_iam_role_policy.chalk_scoped"
    ));
    assert!(has(
        &found,
        "ineffective-condition",
        "aws_iam_role_policy.chalk_scoped"
    ));
    // AdministratorAccess attached to the Chalk role.
    assert!(has(
        &found,
        "new-access",
        "aws_iam_role_policy_attachment.chalk_admin"
    ));
    assert!(has(
        &found,
        "grant-beyond-baseline",
        "aws_iam_role_policy_attachment.chalk_admin"
    ));
    // AWS's own document is not linted.
    assert!(!has(
        &found,
        "service-wildcard",
        "aws_iam_role_policy_attachment.chalk_admin"
    ));
    // Known only after apply: unproven, never equal.
    assert!(has(
        &found,
        "comparison-unproven",
        "aws_iam_policy.generated"
    ));
    // The unchanged role (no-op) and the data source give nothing.
    assert!(
        !found.iter().any(|(_, f)| f.starts_with("aws_iam_role.")),
        "{found:?}"
    );
    assert!(
        !found.iter().any(|(_, f)| f.starts_with("data.")),
        "{found:?}"
    );
}

#[test]
fn the_drift_the_base_already_had_is_not_repeated() {
    let report = json(&run(CHALK_PLAN));
    let drift: Vec<&Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| {
            f["rule"] == "grant-beyond-baseline"
                && f["location"]["file"] == "aws_iam_role_policy.chalk_scoped"
        })
        .collect();
    // Only the IfExists statement drifts: the base was the documented policy.
    assert_eq!(drift.len(), 1, "{drift:?}");
    assert_eq!(drift[0]["statement"], "ChalkManagedResources");
}

#[test]
fn an_unknown_after_apply_document_fails_the_gate_closed() {
    let plan = "fixtures/terraform/unknown-after-apply.json";
    let gated = run(&[
        "diff",
        "--terraform-plan",
        plan,
        "--fail-on-new-access",
        "--format",
        "json",
    ]);
    assert_eq!(gated.code, 1);
    assert_eq!(
        found(&json(&gated)),
        [(
            "comparison-unproven".to_owned(),
            "aws_iam_policy.generated".to_owned()
        )]
    );
    let plain = run(&["diff", "--terraform-plan", plan]);
    assert_eq!(plain.code, 0, "{}", plain.stdout);
    assert!(plain.stdout.contains("known only after apply"));
}

#[test]
fn rejects_json_that_is_not_a_plan() {
    let path = PathBuf::from("fixtures/repo/base/package.json");
    let run = run(&["diff", "--terraform-plan", path.to_str().unwrap()]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("not a terraform plan"),
        "{}",
        run.stderr
    );
}

#[test]
fn sarif_of_a_plan_names_resource_addresses_and_matches_the_schema() {
    let mut args: Vec<&str> = CHALK_PLAN[..CHALK_PLAN.len() - 1].to_vec();
    args.push("sarif");
    let run = run(&args);
    crate::sarif_schema::assert_valid_sarif(&run.stdout);
    let sarif: Value = serde_json::from_str(&run.stdout).unwrap();
    let uris: Vec<&str> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].as_str())
        .collect();
    assert!(
        uris.contains(&"aws_iam_role_policy.chalk_scoped"),
        "{uris:?}"
    );
}

/// Chalk's trust, with the `Condition` object `condition` when given.
fn chalk_trust(condition: Option<&str>) -> String {
    crate::trust_policy(&[CHALK], condition)
}

/// Writes a plan in which `aws_iam_role.chalk`'s trust goes from `before` to `after`.
fn trust_plan(tag: &str, before: &str, after: &str) -> String {
    let plan = serde_json::json!({
        "format_version": "1.2",
        "resource_changes": [{
            "address": "aws_iam_role.chalk",
            "mode": "managed",
            "type": "aws_iam_role",
            "change": {
                "actions": ["update"],
                "before": {"name": "chalk", "assume_role_policy": before},
                "after": {"name": "chalk", "assume_role_policy": after},
                "after_unknown": {}
            }
        }]
    });
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("trust-plan-{tag}-{}.json", std::process::id()));
    std::fs::write(&path, plan.to_string()).unwrap();
    path.to_string_lossy().into_owned()
}

#[test]
fn a_trust_beyond_the_documented_one_is_drift_unless_the_base_had_it() {
    let with_id = chalk_trust(Some(r#"{"StringEquals":{"sts:ExternalId":"abc"}}"#));
    let documented = [
        "--documented",
        "*chalk*=chalk:trust",
        "--external-id",
        "abc",
    ];
    let review = |plan: &str| {
        let args = [
            &[
                "diff",
                "--terraform-plan",
                plan,
                "--fail-on-new-access",
                "--format",
                "json",
            ][..],
            &documented[..],
        ]
        .concat();
        run(&args)
    };
    // The head drops the documented external id: drift, and the gate fails.
    let dropped = review(&trust_plan("drop", &with_id, &chalk_trust(None)));
    assert_eq!(dropped.code, 1, "{}{}", dropped.stdout, dropped.stderr);
    let report = json(&dropped);
    assert!(
        has(
            &found(&report),
            "trust-drift",
            "aws_iam_role.chalk:assume_role_policy"
        ),
        "{:?}",
        found(&report)
    );
    assert!(report["findings"].to_string().contains(
        "can assume the role without any `sts:ExternalId`, which the documented trust `chalk:trust` does not allow"
    ));
    // Another customer's external id instead of the documented one: drift too (the
    // confused deputy), although an external id is still required.
    let other = chalk_trust(Some(r#"{"StringEquals":{"sts:ExternalId":"xyz"}}"#));
    let swapped = json(&review(&trust_plan("swap", &with_id, &other)));
    assert!(
        swapped["findings"]
            .to_string()
            .contains("with `sts:ExternalId` `xyz`"),
        "{swapped}"
    );
    // A head equal to the documented trust is no drift (a wording change only).
    let kept = review(&trust_plan("keep", &chalk_trust(None), &with_id));
    let report = json(&kept);
    assert!(
        !has(
            &found(&report),
            "trust-drift",
            "aws_iam_role.chalk:assume_role_policy"
        ),
        "{:?}",
        found(&report)
    );
    // Drift the base already had is not repeated.
    let unchanged = review(&trust_plan(
        "same",
        &chalk_trust(None),
        &format!("{} ", chalk_trust(None)),
    ));
    assert!(!has(
        &found(&json(&unchanged)),
        "trust-drift",
        "aws_iam_role.chalk:assume_role_policy"
    ));
}

#[test]
fn a_role_whose_trust_drops_the_external_id_fails_the_gate() {
    let path = trust_plan(
        "widened",
        &chalk_trust(Some(r#"{"StringEquals":{"sts:ExternalId":"abc"}}"#)),
        &chalk_trust(None),
    );
    let run = run(&[
        "diff",
        "--terraform-plan",
        &path,
        "--fail-on-new-access",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let report = json(&run);
    assert!(
        has(
            &found(&report),
            "trust-widened",
            "aws_iam_role.chalk:assume_role_policy"
        ),
        "{:?}",
        found(&report)
    );
    let widened = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "trust-widened")
        .unwrap();
    assert_eq!(widened["subject"], CHALK);
}
