//! Pieces shared by the demo and the synthetic generator: a seeded random
//! number generator, entity builders in the shape `aws iam
//! get-account-authorization-details` prints, URL encoding of documents, and
//! the page writers.

use std::path::Path;

use iamscope::account::write::encode_document;
use serde::Serialize;
use serde_json::{json, Map, Value};

/// A small deterministic generator (SplitMix64): the same seed gives the same account.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// A number in `lo..=hi`.
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// `len` characters from `alphabet`.
    pub fn token(&mut self, alphabet: &str, len: usize) -> String {
        let chars: Vec<char> = alphabet.chars().collect();
        (0..len).map(|_| *self.pick(&chars)).collect()
    }
}

pub const UPPER_ALNUM: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
pub const LOWER_HEX: &str = "0123456789abcdef";
pub const ALNUM: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// A unique id as IAM prints them: `prefix` and 17 characters.
pub fn unique_id(rng: &mut Rng, prefix: &str) -> String {
    format!("{prefix}{}", rng.token(UPPER_ALNUM, 17))
}

/// A key id as KMS prints them (a UUID).
pub fn uuid(rng: &mut Rng) -> String {
    format!(
        "{}-{}-{}-{}-{}",
        rng.token(LOWER_HEX, 8),
        rng.token(LOWER_HEX, 4),
        rng.token(LOWER_HEX, 4),
        rng.token(LOWER_HEX, 4),
        rng.token(LOWER_HEX, 12)
    )
}

/// A creation date between 2019 and 2025, as the CLI prints it.
pub fn date(rng: &mut Rng) -> String {
    format!(
        "{}-{:02}-{:02}T{:02}:{:02}:{:02}+00:00",
        rng.range(2019, 2025),
        rng.range(1, 12),
        rng.range(1, 28),
        rng.below(24),
        rng.below(60),
        rng.below(60)
    )
}

/// `[{"Key": k, "Value": v}, ...]`.
pub fn tags(pairs: &[(&str, &str)]) -> Value {
    Value::Array(
        pairs
            .iter()
            .map(|(k, v)| json!({"Key": k, "Value": v}))
            .collect(),
    )
}

/// The last path segment of a policy ARN: its name.
pub fn policy_name(arn: &str) -> &str {
    arn.rsplit('/').next().unwrap_or(arn)
}

fn attached(arns: &[String]) -> Value {
    Value::Array(
        arns.iter()
            .map(|arn| json!({"PolicyName": policy_name(arn), "PolicyArn": arn}))
            .collect(),
    )
}

fn inline_list(inline: &[(String, Value)]) -> Value {
    Value::Array(
        inline
            .iter()
            .map(|(name, doc)| json!({"PolicyName": name, "PolicyDocument": doc}))
            .collect(),
    )
}

/// A role entry of `RoleDetailList`.
pub struct RoleSpec {
    pub name: String,
    pub path: String,
    pub trust: Value,
    pub inline: Vec<(String, Value)>,
    pub attached: Vec<String>,
    pub boundary: Option<String>,
    pub tags: Vec<(String, String)>,
    pub description: Option<String>,
}

impl RoleSpec {
    pub fn new(name: &str, trust: Value) -> Self {
        RoleSpec {
            name: name.to_string(),
            path: "/".to_string(),
            trust,
            inline: Vec::new(),
            attached: Vec::new(),
            boundary: None,
            tags: Vec::new(),
            description: None,
        }
    }

    pub fn path(mut self, path: &str) -> Self {
        self.path = path.to_string();
        self
    }

    pub fn inline(mut self, name: &str, doc: Value) -> Self {
        self.inline.push((name.to_string(), doc));
        self
    }

    pub fn attach(mut self, arn: &str) -> Self {
        self.attached.push(arn.to_string());
        self
    }

    pub fn boundary(mut self, arn: &str) -> Self {
        self.boundary = Some(arn.to_string());
        self
    }

    pub fn tag(mut self, key: &str, value: &str) -> Self {
        self.tags.push((key.to_string(), value.to_string()));
        self
    }

    pub fn describe(mut self, text: &str) -> Self {
        self.description = Some(text.to_string());
        self
    }

    pub fn build(self, rng: &mut Rng, account: &str) -> Value {
        let mut role = Map::new();
        role.insert("Path".into(), json!(self.path));
        role.insert("RoleName".into(), json!(self.name));
        role.insert("RoleId".into(), json!(unique_id(rng, "AROA")));
        role.insert(
            "Arn".into(),
            json!(format!(
                "arn:aws:iam::{account}:role{}{}",
                self.path, self.name
            )),
        );
        role.insert("CreateDate".into(), json!(date(rng)));
        role.insert("AssumeRolePolicyDocument".into(), self.trust);
        if let Some(description) = self.description {
            role.insert("Description".into(), json!(description));
        }
        role.insert("MaxSessionDuration".into(), json!(3600));
        role.insert("InstanceProfileList".into(), json!([]));
        role.insert("RolePolicyList".into(), inline_list(&self.inline));
        role.insert("AttachedManagedPolicies".into(), attached(&self.attached));
        if let Some(arn) = self.boundary {
            role.insert(
                "PermissionsBoundary".into(),
                json!({"PermissionsBoundaryType": "PermissionsBoundaryPolicy", "PermissionsBoundaryArn": arn}),
            );
        }
        let pairs: Vec<(&str, &str)> = self
            .tags
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        role.insert("Tags".into(), tags(&pairs));
        role.insert("RoleLastUsed".into(), json!({}));
        Value::Object(role)
    }
}

/// A user entry of `UserDetailList`.
#[allow(clippy::too_many_arguments)]
pub fn user(
    rng: &mut Rng,
    account: &str,
    name: &str,
    groups: &[&str],
    inline: &[(String, Value)],
    attached_arns: &[String],
    boundary: Option<&str>,
    user_tags: &[(&str, &str)],
) -> Value {
    let mut user = Map::new();
    user.insert("Path".into(), json!("/"));
    user.insert("UserName".into(), json!(name));
    user.insert("UserId".into(), json!(unique_id(rng, "AIDA")));
    user.insert(
        "Arn".into(),
        json!(format!("arn:aws:iam::{account}:user/{name}")),
    );
    user.insert("CreateDate".into(), json!(date(rng)));
    user.insert("UserPolicyList".into(), inline_list(inline));
    user.insert("GroupList".into(), json!(groups));
    user.insert("AttachedManagedPolicies".into(), attached(attached_arns));
    if let Some(arn) = boundary {
        user.insert(
            "PermissionsBoundary".into(),
            json!({"PermissionsBoundaryType": "PermissionsBoundaryPolicy", "PermissionsBoundaryArn": arn}),
        );
    }
    user.insert("Tags".into(), tags(user_tags));
    Value::Object(user)
}

/// A group entry of `GroupDetailList`.
pub fn group(
    rng: &mut Rng,
    account: &str,
    name: &str,
    inline: &[(String, Value)],
    attached_arns: &[String],
) -> Value {
    json!({
        "Path": "/",
        "GroupName": name,
        "GroupId": unique_id(rng, "AGPA"),
        "Arn": format!("arn:aws:iam::{account}:group/{name}"),
        "CreateDate": date(rng),
        "GroupPolicyList": inline_list(inline),
        "AttachedManagedPolicies": attached(attached_arns),
    })
}

/// A managed policy entry of `Policies`; `versions` oldest first, `default`
/// the index of the default one.
pub fn managed_policy(
    rng: &mut Rng,
    arn: &str,
    path: &str,
    versions: &[Value],
    default: usize,
    attachment_count: usize,
) -> Value {
    let default_id = format!("v{}", default + 1);
    let created = date(rng);
    let list: Vec<Value> = versions
        .iter()
        .enumerate()
        .rev()
        .map(|(i, doc)| {
            json!({
                "Document": doc,
                "VersionId": format!("v{}", i + 1),
                "IsDefaultVersion": i == default,
                "CreateDate": created,
            })
        })
        .collect();
    let id = unique_id(rng, "ANPA");
    json!({
        "PolicyName": policy_name(arn),
        "PolicyId": id,
        "Arn": arn,
        "Path": path,
        "DefaultVersionId": default_id,
        "AttachmentCount": attachment_count,
        "PermissionsBoundaryUsageCount": 0,
        "IsAttachable": true,
        "CreateDate": created,
        "UpdateDate": created,
        "PolicyVersionList": list,
    })
}

/// An AWS managed policy entry, with one default version holding `document`.
pub fn aws_managed_policy(
    rng: &mut Rng,
    name: &str,
    path: &str,
    version_id: &str,
    document: &Value,
) -> Value {
    json!({
        "PolicyName": name,
        "PolicyId": unique_id(rng, "ANPA"),
        "Arn": format!("arn:aws:iam::aws:policy{path}{name}"),
        "Path": path,
        "DefaultVersionId": version_id,
        "AttachmentCount": 1,
        "PermissionsBoundaryUsageCount": 0,
        "IsAttachable": true,
        "CreateDate": "2015-02-06T18:39:46+00:00",
        "UpdateDate": "2024-01-05T22:38:26+00:00",
        "PolicyVersionList": [{
            "Document": document,
            "VersionId": version_id,
            "IsDefaultVersion": true,
            "CreateDate": "2024-01-05T22:38:26+00:00",
        }],
    })
}

/// Replaces every policy document in an IAM entity by its URL-encoded text
/// (the raw API's form). Documents are serialized the way a console user
/// typically submits them: indented with four spaces.
pub fn encode_documents(entity: &mut Value) {
    let encode = |doc: &mut Value| {
        if doc.is_object() {
            *doc = Value::String(encode_document(&pretty(doc, 4)));
        }
    };
    if let Some(doc) = entity.get_mut("AssumeRolePolicyDocument") {
        encode(doc);
    }
    for list in ["RolePolicyList", "UserPolicyList", "GroupPolicyList"] {
        if let Some(Value::Array(items)) = entity.get_mut(list) {
            for item in items {
                if let Some(doc) = item.get_mut("PolicyDocument") {
                    encode(doc);
                }
            }
        }
    }
    if let Some(Value::Array(versions)) = entity.get_mut("PolicyVersionList") {
        for version in versions {
            if let Some(doc) = version.get_mut("Document") {
                encode(doc);
            }
        }
    }
}

/// `value` as JSON indented by `indent` spaces.
pub fn pretty(value: &Value, indent: usize) -> String {
    let spaces = vec![b' '; indent];
    let formatter = serde_json::ser::PrettyFormatter::with_indent(&spaces);
    let mut out = Vec::new();
    let mut ser = serde_json::Serializer::with_formatter(&mut out, formatter);
    // Serializing a Value into memory cannot fail.
    let _ = value.serialize(&mut ser);
    String::from_utf8(out).unwrap_or_default()
}

/// One page of `get-account-authorization-details`.
pub struct AuthPage {
    pub users: Vec<Value>,
    pub groups: Vec<Value>,
    pub roles: Vec<Value>,
    pub policies: Vec<Value>,
    /// `Some(marker)` when more pages follow.
    pub marker: Option<String>,
}

impl AuthPage {
    pub fn to_json(&self) -> Value {
        let mut page = Map::new();
        page.insert("UserDetailList".into(), Value::Array(self.users.clone()));
        page.insert("GroupDetailList".into(), Value::Array(self.groups.clone()));
        page.insert("RoleDetailList".into(), Value::Array(self.roles.clone()));
        page.insert("Policies".into(), Value::Array(self.policies.clone()));
        page.insert("IsTruncated".into(), json!(self.marker.is_some()));
        if let Some(marker) = &self.marker {
            page.insert("Marker".into(), json!(marker));
        }
        Value::Object(page)
    }
}

/// One page of `resourcegroupstaggingapi get-resources`.
pub fn tagging_page(resources: Vec<Value>, token: Option<&str>) -> Value {
    json!({
        "PaginationToken": token.unwrap_or(""),
        "ResourceTagMappingList": resources,
    })
}

/// `{"ResourceARN": arn, "Tags": [...]}`.
pub fn tagged(arn: &str, pairs: &[(&str, &str)]) -> Value {
    json!({"ResourceARN": arn, "Tags": tags(pairs)})
}

/// Writes `value` to `dir/name` as the aws CLI prints JSON (four spaces).
pub fn write_json(dir: &Path, name: &str, value: &Value) -> Result<(), String> {
    let path = dir.join(name);
    let mut text = pretty(value, 4);
    text.push('\n');
    std::fs::write(&path, text).map_err(|e| format!("cannot write `{}`: {e}", path.display()))
}
