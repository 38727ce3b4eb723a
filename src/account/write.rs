//! Writes an [`Account`] as snapshot files that [`load_snapshot`] reads back
//! into the same account: one `aws iam get-account-authorization-details`
//! file, one `aws resourcegroupstaggingapi get-resources` file per region, and
//! the read failures, when there were any.
//!
//! Documents are written URL-encoded, as the IAM API returns them, rather than
//! as the JSON objects the aws cli prints: the loader accepts both, and the
//! encoded text comes back byte for byte (an object would come back
//! re-formatted, and a document that is not valid JSON could not be written).
//!
//! [`load_snapshot`]: super::load_snapshot

use std::path::{Path, PathBuf};

use serde_json::{json, Value};

use super::live::ReadFailure;
use super::{Account, PolicyText, TaggedResource};

/// The file of IAM entities and managed policies.
pub const IAM_FILE: &str = "iam-authorization-details.json";
/// The file listing what a live read could not read; its presence marks the
/// snapshot incomplete.
pub const FAILURES_FILE: &str = "iamscope-read-failures.json";
/// The top-level key of [`FAILURES_FILE`].
pub const FAILURES_KEY: &str = "IamscopeReadFailures";

/// The tag file of `region`.
pub fn tags_file(region: &str) -> String {
    format!("tags-{region}.json")
}

/// Why a snapshot could not be written.
#[derive(Debug, thiserror::Error)]
#[error("cannot write `{path}`: {source}")]
pub struct WriteError {
    /// The file or directory.
    pub path: String,
    /// The cause.
    pub source: std::io::Error,
}

/// Writes `account` into `dir` (created when missing) and returns the files
/// written. Files of an earlier snapshot (`iam-authorization-details.json`,
/// `tags-*.json`, the failures file) are removed first so none lingers; other
/// files are left alone. Resources go to the file of the region their ARN
/// names, or of the first of `tag_regions` when the ARN names none (S3).
pub fn write_snapshot(
    dir: &Path,
    account: &Account,
    tag_regions: &[String],
    failures: &[ReadFailure],
) -> Result<Vec<PathBuf>, WriteError> {
    let io_err = |path: &Path| {
        let path = path.display().to_string();
        move |source| WriteError { path, source }
    };
    std::fs::create_dir_all(dir).map_err(io_err(dir))?;
    for entry in std::fs::read_dir(dir).map_err(io_err(dir))? {
        let path = entry.map_err(io_err(dir))?.path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        let ours = name == IAM_FILE
            || name == FAILURES_FILE
            || (name.starts_with("tags-") && name.ends_with(".json"));
        if ours && path.is_file() {
            std::fs::remove_file(&path).map_err(io_err(&path))?;
        }
    }

    let mut files = vec![(dir.join(IAM_FILE), authorization_details(account))];
    for (region, resources) in by_region(&account.resources, tag_regions) {
        files.push((dir.join(tags_file(&region)), tag_mappings(&resources)));
    }
    if !failures.is_empty() {
        files.push((dir.join(FAILURES_FILE), json!({ FAILURES_KEY: failures })));
    }
    let mut written = Vec::new();
    for (path, value) in files {
        let text = serde_json::to_string_pretty(&value)
            .map_err(|err| io_err(&path)(std::io::Error::other(err)))?;
        std::fs::write(&path, text + "\n").map_err(io_err(&path))?;
        written.push(path);
    }
    Ok(written)
}

/// The account's IAM part as `aws iam get-account-authorization-details` prints it.
pub fn authorization_details(account: &Account) -> Value {
    let roles: Vec<Value> = account
        .roles
        .iter()
        .map(|role| {
            let mut value = json!({
                "Path": role.path,
                "RoleName": role.name,
                "RoleId": role.role_id,
                "Arn": role.arn,
                "AssumeRolePolicyDocument": document(&role.trust_policy),
                "RolePolicyList": inline(&role.inline),
                "AttachedManagedPolicies": attached(&role.attached),
                "Tags": tags(&role.tags),
            });
            if let Some(arn) = &role.boundary {
                value["PermissionsBoundary"] = boundary(arn);
            }
            value
        })
        .collect();
    let users: Vec<Value> = account
        .users
        .iter()
        .map(|user| {
            let mut value = json!({
                "Path": user.path,
                "UserName": user.name,
                "UserId": user.user_id,
                "Arn": user.arn,
                "UserPolicyList": inline(&user.inline),
                "GroupList": user.groups,
                "AttachedManagedPolicies": attached(&user.attached),
                "Tags": tags(&user.tags),
            });
            if let Some(arn) = &user.boundary {
                value["PermissionsBoundary"] = boundary(arn);
            }
            value
        })
        .collect();
    let groups: Vec<Value> = account
        .groups
        .iter()
        .map(|group| {
            json!({
                "Path": group.path,
                "GroupName": group.name,
                "GroupId": group.group_id,
                "Arn": group.arn,
                "GroupPolicyList": inline(&group.inline),
                "AttachedManagedPolicies": attached(&group.attached),
            })
        })
        .collect();
    let policies: Vec<Value> = account
        .managed_policies
        .iter()
        .map(|policy| {
            json!({
                "PolicyName": policy.name,
                "Arn": policy.arn,
                "DefaultVersionId": policy.default_version_id,
                "PolicyVersionList": [{
                    "Document": document(&policy.default_version_document),
                    "VersionId": policy.default_version_id,
                    "IsDefaultVersion": true
                }]
            })
        })
        .collect();
    json!({
        "UserDetailList": users,
        "GroupDetailList": groups,
        "RoleDetailList": roles,
        "Policies": policies,
        "IsTruncated": false
    })
}

/// Resources as `aws resourcegroupstaggingapi get-resources` prints them.
pub fn tag_mappings(resources: &[&TaggedResource]) -> Value {
    let list: Vec<Value> = resources
        .iter()
        .map(|r| json!({"ResourceARN": r.arn, "Tags": tags(&r.tags)}))
        .collect();
    json!({"PaginationToken": "", "ResourceTagMappingList": list})
}

/// Resources grouped by the region file they go to, in `tag_regions` order.
fn by_region<'a>(
    resources: &'a [TaggedResource],
    tag_regions: &[String],
) -> Vec<(String, Vec<&'a TaggedResource>)> {
    let mut groups: Vec<(String, Vec<&TaggedResource>)> = tag_regions
        .iter()
        .map(|region| (region.clone(), Vec::new()))
        .collect();
    for resource in resources {
        let arn_region = resource.arn.split(':').nth(3).unwrap_or_default();
        let region = if !arn_region.is_empty() {
            arn_region.to_string()
        } else if let Some(first) = tag_regions.first() {
            first.clone()
        } else {
            "global".to_string()
        };
        match groups.iter_mut().find(|(r, _)| *r == region) {
            Some((_, list)) => list.push(resource),
            None => groups.push((region, vec![resource])),
        }
    }
    groups
}

fn document(text: &PolicyText) -> Value {
    Value::String(encode_document(&text.text))
}

fn inline(list: &[(String, PolicyText)]) -> Vec<Value> {
    list.iter()
        .map(|(name, text)| json!({"PolicyName": name, "PolicyDocument": document(text)}))
        .collect()
}

fn attached(arns: &[String]) -> Vec<Value> {
    arns.iter()
        .map(|arn| {
            let name = arn.rsplit('/').next().unwrap_or(arn);
            json!({"PolicyName": name, "PolicyArn": arn})
        })
        .collect()
}

fn boundary(arn: &str) -> Value {
    json!({"PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": arn})
}

fn tags(tags: &std::collections::BTreeMap<String, String>) -> Vec<Value> {
    tags.iter()
        .map(|(key, value)| json!({"Key": key, "Value": value}))
        .collect()
}

/// URL-encodes a policy document as the IAM API does (RFC 3986: every byte
/// but the unreserved `A-Z a-z 0-9 - _ . ~` becomes `%XX`).
pub fn encode_document(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::decode_document;

    #[test]
    fn encoded_documents_decode_to_the_same_text() {
        for text in [
            r#"{"Version": "2012-10-17", "Statement": []}"#,
            "{\n  \"a\": \"x+y %41 caf\u{e9}\"\n}",
            "not json at all",
        ] {
            let encoded = encode_document(text);
            assert!(
                !encoded.contains('{') && !encoded.contains(' '),
                "{encoded}"
            );
            assert_eq!(decode_document(&encoded), text);
        }
    }

    #[test]
    fn resources_without_a_region_go_to_the_first_scanned_region() {
        let resource = |arn: &str| TaggedResource {
            arn: arn.to_string(),
            tags: Default::default(),
        };
        let resources = [
            resource("arn:aws:s3:::bucket"),
            resource("arn:aws:sqs:eu-west-1:123456789012:q"),
            resource("arn:aws:dynamodb:us-east-1:123456789012:table/t"),
        ];
        let regions = ["us-east-1".to_string(), "eu-west-1".to_string()];
        let groups = by_region(&resources, &regions);
        let arns = |i: usize| -> Vec<&str> { groups[i].1.iter().map(|r| r.arn.as_str()).collect() };
        assert_eq!(groups[0].0, "us-east-1");
        assert_eq!(
            arns(0),
            [
                "arn:aws:s3:::bucket",
                "arn:aws:dynamodb:us-east-1:123456789012:table/t"
            ]
        );
        assert_eq!(groups[1].0, "eu-west-1");
        assert_eq!(arns(1), ["arn:aws:sqs:eu-west-1:123456789012:q"]);
    }
}
