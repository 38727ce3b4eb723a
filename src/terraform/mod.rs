//! IAM policies in a Terraform plan: reads the JSON of `terraform show -json PLAN`
//! (<https://developer.hashicorp.com/terraform/internals/json-format>) and extracts
//! every policy document a change touches, before and after, with the address of
//! the resource that holds it.
//!
//! | resource type | documents |
//! | --- | --- |
//! | `aws_iam_policy`, `aws_iam_role_policy` | `policy` |
//! | `aws_iam_role` | `assume_role_policy` (a trust policy), each `inline_policy` block's `policy` |
//! | `aws_iam_role_policy_attachment` | the attached `policy_arn` (a [`PlanAttachment`]) |
//! | data `aws_iam_policy_document` | the rendered `json`, from `resource_changes` or the prior state |
//!
//! A value Terraform will know only after apply (`after_unknown`) is
//! [`PlanText::Unknown`]: it is never taken as equal to anything.

use serde_json::Value;

/// A policy document's text on one side of a change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlanText {
    /// The resource (or the block) does not exist on this side.
    Absent,
    /// The rendered JSON text.
    Known(String),
    /// Known only after apply.
    Unknown,
}

/// What a document is, which decides how it is compared and linted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentKind {
    /// A managed policy (`aws_iam_policy`) or a policy document data source.
    Managed,
    /// An inline role policy.
    Inline,
    /// A role trust policy (`assume_role_policy`).
    Trust,
    /// The rendered `json` of an `aws_iam_policy_document` data source: it grants
    /// nothing by itself (the resource that uses it is compared), so it is linted only.
    DataSource,
}

/// One policy document in the plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanDocument {
    /// Where findings point: the resource address, with `:assume_role_policy` or
    /// `:inline_policy/NAME` for a role's documents
    /// (`aws_iam_role.chalk:inline_policy/scoped`).
    pub name: String,
    /// The resource address (`module.x.aws_iam_role_policy.chalk_scoped`).
    pub address: String,
    /// The role the document belongs to, when the plan names it (`role`, or the
    /// role's own `name`).
    pub role: Option<String>,
    /// What it is.
    pub kind: DocumentKind,
    /// Before the change.
    pub before: PlanText,
    /// After the change.
    pub after: PlanText,
}

/// A managed policy attached to a role (`aws_iam_role_policy_attachment`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanAttachment {
    /// The resource address.
    pub address: String,
    /// The role's name, when known.
    pub role: Option<String>,
    /// The attached ARN before the change.
    pub before: PlanText,
    /// The attached ARN after the change.
    pub after: PlanText,
}

/// Everything IAM in one plan.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PlanPolicies {
    /// Policy documents, in plan order.
    pub documents: Vec<PlanDocument>,
    /// Managed policy attachments, in plan order.
    pub attachments: Vec<PlanAttachment>,
}

/// Why a plan could not be read.
#[derive(Debug, thiserror::Error)]
pub enum TerraformError {
    /// Not JSON at all.
    #[error("not JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// JSON, but not the output of `terraform show -json PLAN`.
    #[error("not a terraform plan: {0}")]
    NotAPlan(&'static str),
    /// A major format version this reader does not know.
    #[error("unsupported plan format version `{0}` (expected 1.x)")]
    Version(String),
}

/// Parses the text of `terraform show -json PLAN` and extracts its IAM policies.
pub fn read_plan(text: &str) -> Result<PlanPolicies, TerraformError> {
    let plan: Value = serde_json::from_str(text)?;
    extract(&plan)
}

/// Extracts the IAM policies of a parsed plan.
pub fn extract(plan: &Value) -> Result<PlanPolicies, TerraformError> {
    let version = plan
        .get("format_version")
        .and_then(Value::as_str)
        .ok_or(TerraformError::NotAPlan("no `format_version`"))?;
    if version.split('.').next() != Some("1") {
        return Err(TerraformError::Version(version.to_owned()));
    }
    let changes = match plan.get("resource_changes") {
        None => &[][..],
        Some(list) => list
            .as_array()
            .map(Vec::as_slice)
            .ok_or(TerraformError::NotAPlan("`resource_changes` is not a list"))?,
    };
    let mut out = PlanPolicies::default();
    for change in changes {
        extract_change(change, &mut out);
    }
    // Data sources read while planning are in the prior state, not in the changes.
    if let Some(root) = plan.pointer("/prior_state/values/root_module") {
        prior_data_sources(root, &mut out);
    }
    Ok(out)
}

fn str_at<'a>(value: &'a Value, key: &str) -> Option<&'a str> {
    value.get(key).and_then(Value::as_str)
}

/// `after_unknown` marks an attribute `true` when it is known only after apply.
fn is_unknown(unknown: Option<&Value>) -> bool {
    unknown.is_some_and(|v| v.as_bool() == Some(true))
}

/// One side of an attribute: `side` is `before` or `after` (absent for deletes or
/// creates), `unknown` the matching part of `after_unknown`.
fn text_of(side: Option<&Value>, key: &str, unknown: Option<&Value>) -> PlanText {
    let Some(object) = side.filter(|v| v.is_object()) else {
        return if is_unknown(unknown.and_then(|u| u.get(key))) {
            PlanText::Unknown
        } else {
            PlanText::Absent
        };
    };
    if is_unknown(unknown.and_then(|u| u.get(key))) {
        return PlanText::Unknown;
    }
    match object.get(key) {
        Some(Value::String(text)) if !text.is_empty() => PlanText::Known(text.clone()),
        _ => PlanText::Absent,
    }
}

fn extract_change(change: &Value, out: &mut PlanPolicies) {
    let (Some(address), Some(kind)) = (str_at(change, "address"), str_at(change, "type")) else {
        return;
    };
    let mode = str_at(change, "mode").unwrap_or("managed");
    let Some(body) = change.get("change") else {
        return;
    };
    let before = body.get("before").filter(|v| v.is_object());
    let after = body.get("after").filter(|v| v.is_object());
    let unknown = body.get("after_unknown");
    let document =
        |key: &str, kind: DocumentKind, role: Option<String>, suffix: &str| PlanDocument {
            name: format!("{address}{suffix}"),
            address: address.to_owned(),
            role,
            kind,
            before: text_of(before, key, None),
            after: text_of(after, key, unknown),
        };
    let role_of = |key: &str| {
        after
            .or(before)
            .and_then(|v| str_at(v, key))
            .map(str::to_owned)
    };
    match (mode, kind) {
        ("managed", "aws_iam_policy") => {
            out.documents
                .push(document("policy", DocumentKind::Managed, None, ""));
        }
        ("managed", "aws_iam_role_policy") => {
            out.documents.push(document(
                "policy",
                DocumentKind::Inline,
                role_of("role"),
                "",
            ));
        }
        ("managed", "aws_iam_role") => {
            let role = role_of("name");
            out.documents.push(document(
                "assume_role_policy",
                DocumentKind::Trust,
                role.clone(),
                ":assume_role_policy",
            ));
            inline_blocks(address, role, before, after, unknown, out);
        }
        ("managed", "aws_iam_role_policy_attachment") => {
            out.attachments.push(PlanAttachment {
                address: address.to_owned(),
                role: role_of("role"),
                before: text_of(before, "policy_arn", None),
                after: text_of(after, "policy_arn", unknown),
            });
        }
        ("data", "aws_iam_policy_document") => {
            out.documents
                .push(document("json", DocumentKind::DataSource, None, ""));
        }
        _ => {}
    }
}

/// The `inline_policy` blocks of a role, paired by their `name`.
fn inline_blocks(
    address: &str,
    role: Option<String>,
    before: Option<&Value>,
    after: Option<&Value>,
    unknown: Option<&Value>,
    out: &mut PlanPolicies,
) {
    let blocks = |side: Option<&Value>| -> Vec<Value> {
        side.and_then(|v| v.get("inline_policy"))
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
    };
    let (old, new) = (blocks(before), blocks(after));
    let unknown_blocks = unknown
        .and_then(|u| u.get("inline_policy"))
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let name_of = |block: &Value| str_at(block, "name").unwrap_or("").to_owned();
    let mut names: Vec<String> = old.iter().chain(&new).map(name_of).collect();
    names.dedup();
    let mut seen = Vec::new();
    for name in names {
        if seen.contains(&name) {
            continue;
        }
        seen.push(name.clone());
        let old_block = old.iter().find(|b| name_of(b) == name);
        let new_index = new.iter().position(|b| name_of(b) == name);
        let new_unknown = new_index.and_then(|i| unknown_blocks.get(i));
        out.documents.push(PlanDocument {
            name: format!("{address}:inline_policy/{name}"),
            address: address.to_owned(),
            role: role.clone(),
            kind: DocumentKind::Inline,
            before: text_of(old_block, "policy", None),
            after: text_of(new_index.and_then(|i| new.get(i)), "policy", new_unknown),
        });
    }
}

/// `aws_iam_policy_document` data sources of the prior state (read while
/// planning): known after the change, with nothing before.
fn prior_data_sources(module: &Value, out: &mut PlanPolicies) {
    let resources = module.get("resources").and_then(Value::as_array);
    for resource in resources.into_iter().flatten() {
        let is_document = str_at(resource, "mode") == Some("data")
            && str_at(resource, "type") == Some("aws_iam_policy_document");
        let (true, Some(address)) = (is_document, str_at(resource, "address")) else {
            continue;
        };
        if out.documents.iter().any(|d| d.address == address) {
            continue;
        }
        let values = resource.get("values");
        out.documents.push(PlanDocument {
            name: address.to_owned(),
            address: address.to_owned(),
            role: None,
            kind: DocumentKind::DataSource,
            before: PlanText::Absent,
            after: text_of(values, "json", None),
        });
    }
    let children = module.get("child_modules").and_then(Value::as_array);
    for child in children.into_iter().flatten() {
        prior_data_sources(child, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn plan(changes: Value) -> Value {
        json!({"format_version": "1.2", "resource_changes": changes})
    }

    #[test]
    fn reads_before_and_after_of_a_role_policy() {
        let plan = plan(json!([{
            "address": "aws_iam_role_policy.scoped",
            "mode": "managed",
            "type": "aws_iam_role_policy",
            "change": {
                "actions": ["update"],
                "before": {"policy": "{\"a\":1}", "role": "chalk"},
                "after": {"policy": "{\"a\":2}", "role": "chalk"},
                "after_unknown": {}
            }
        }]));
        let found = extract(&plan).unwrap();
        let doc = &found.documents[0];
        assert_eq!(doc.name, "aws_iam_role_policy.scoped");
        assert_eq!(doc.role.as_deref(), Some("chalk"));
        assert_eq!(doc.before, PlanText::Known("{\"a\":1}".into()));
        assert_eq!(doc.after, PlanText::Known("{\"a\":2}".into()));
    }

    #[test]
    fn marks_values_known_after_apply_unknown() {
        let plan = plan(json!([{
            "address": "aws_iam_policy.p",
            "mode": "managed",
            "type": "aws_iam_policy",
            "change": {
                "actions": ["create"],
                "before": null,
                "after": {"name": "p"},
                "after_unknown": {"policy": true, "arn": true}
            }
        }]));
        let found = extract(&plan).unwrap();
        assert_eq!(found.documents[0].before, PlanText::Absent);
        assert_eq!(found.documents[0].after, PlanText::Unknown);
    }

    #[test]
    fn pairs_inline_policy_blocks_by_name() {
        let plan = plan(json!([{
            "address": "aws_iam_role.r",
            "mode": "managed",
            "type": "aws_iam_role",
            "change": {
                "actions": ["update"],
                "before": {"name": "r", "assume_role_policy": "{}", "inline_policy": [
                    {"name": "a", "policy": "A1"}, {"name": "b", "policy": "B"}]},
                "after": {"name": "r", "assume_role_policy": "{}", "inline_policy": [
                    {"name": "a", "policy": "A2"}]},
                "after_unknown": {"inline_policy": [{}]}
            }
        }]));
        let found = extract(&plan).unwrap();
        let names: Vec<&str> = found.documents.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "aws_iam_role.r:assume_role_policy",
                "aws_iam_role.r:inline_policy/a",
                "aws_iam_role.r:inline_policy/b"
            ]
        );
        assert_eq!(found.documents[1].after, PlanText::Known("A2".into()));
        assert_eq!(found.documents[2].after, PlanText::Absent);
        assert_eq!(found.documents[2].before, PlanText::Known("B".into()));
    }

    #[test]
    fn rejects_json_that_is_not_a_plan() {
        let error = read_plan("{\"resources\": []}").unwrap_err();
        assert_eq!(
            error.to_string(),
            "not a terraform plan: no `format_version`"
        );
        assert!(matches!(
            read_plan("{\"format_version\": \"2.0\"}"),
            Err(TerraformError::Version(_))
        ));
        assert!(read_plan("[").is_err());
    }

    #[test]
    fn reads_data_documents_from_the_prior_state() {
        let plan = json!({
            "format_version": "1.2",
            "prior_state": {"values": {"root_module": {"child_modules": [{"resources": [{
                "address": "module.m.data.aws_iam_policy_document.d",
                "mode": "data",
                "type": "aws_iam_policy_document",
                "values": {"json": "{}"}
            }]}]}}}
        });
        let found = extract(&plan).unwrap();
        assert_eq!(
            found.documents[0].name,
            "module.m.data.aws_iam_policy_document.d"
        );
        assert_eq!(found.documents[0].after, PlanText::Known("{}".into()));
    }
}
