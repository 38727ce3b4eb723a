//! Loaders for offline snapshots: the JSON printed by
//! `aws iam get-account-authorization-details` and by
//! `aws resourcegroupstaggingapi get-resources`.
//!
//! A file's kind is told by its top-level keys. Several files (pages, regions)
//! of one account merge into one [`Account`]; an entity or resource listed
//! twice (same ARN) is kept once, as first seen.

use crate::policy::span::{line_col, strip_serde_position};
use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::Deserialize;

use super::error::SnapshotError;
use super::{
    arn_account, is_aws_managed_arn, Account, Group, ManagedPolicy, PolicyText, Role,
    TaggedResource, User,
};
use crate::policy::decode::percent_decode;

/// Loads and merges snapshot files. A directory loads every `*.json` file
/// directly inside it, in name order.
pub fn load_snapshot(paths: &[PathBuf]) -> Result<Account, SnapshotError> {
    load_snapshot_with_texts(paths).map(|(account, _)| account)
}

/// [`load_snapshot`], also returning the text of every file read, by the name used
/// in origins (to locate findings later without reading the files again).
///
/// Files are read and parsed on every core (a large account's snapshot is tens of
/// files of megabytes) and merged in order, so the result and the first error are
/// those of reading them one after the other.
pub fn load_snapshot_with_texts(
    paths: &[PathBuf],
) -> Result<(Account, BTreeMap<String, String>), SnapshotError> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            files.extend(json_files_in(path)?);
        } else {
            files.push(path.clone());
        }
    }
    if files.is_empty() {
        return Err(SnapshotError::NoInput);
    }
    let parsed = read_and_parse(&files);
    let mut builder = Builder::default();
    let mut texts = BTreeMap::new();
    for (file, result) in files.iter().zip(parsed) {
        let (text, raw) = result?;
        let name = file.display().to_string();
        builder.merge(&name, raw?)?;
        texts.insert(name, text);
    }
    Ok((builder.account, texts))
}

/// What reading and parsing one file gave: its text and parsed content, or why not.
type Parsed = Result<(String, Result<RawFile, SnapshotError>), SnapshotError>;

fn read_and_parse_one(file: &Path) -> Parsed {
    let name = file.display().to_string();
    let text = std::fs::read_to_string(file).map_err(|source| SnapshotError::Io {
        path: name.clone(),
        source,
    })?;
    let raw = parse_file(&name, &text);
    Ok((text, raw))
}

/// Reads and parses `files` on up to all cores; results in the order of `files`.
fn read_and_parse(files: &[PathBuf]) -> Vec<Parsed> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(files.len());
    if threads < 2 {
        return files.iter().map(|f| read_and_parse_one(f)).collect();
    }
    // Each thread takes the next file not taken yet: sizes vary a lot.
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut done: Vec<(usize, Parsed)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(file) = files.get(i) else {
                            break;
                        };
                        mine.push((i, read_and_parse_one(file)));
                    }
                    mine
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect()
    });
    done.sort_by_key(|(i, _)| *i);
    // A worker cannot panic on input (reading and parsing return errors); should one
    // die anyway, its files are read again here.
    let mut out: Vec<Parsed> = Vec::with_capacity(files.len());
    let mut done = done.into_iter().peekable();
    for (i, file) in files.iter().enumerate() {
        match done.next_if(|(j, _)| *j == i) {
            Some((_, parsed)) => out.push(parsed),
            None => out.push(read_and_parse_one(file)),
        }
    }
    out
}

/// Loads and merges snapshots given as `(name, text)` pairs; `name` stands for
/// the file in errors and origins (`-` for standard input, say).
pub fn load_snapshot_texts(files: &[(String, String)]) -> Result<Account, SnapshotError> {
    if files.is_empty() {
        return Err(SnapshotError::NoInput);
    }
    let mut builder = Builder::default();
    for (name, text) in files {
        builder.add(name, text)?;
    }
    Ok(builder.account)
}

fn json_files_in(dir: &Path) -> Result<Vec<PathBuf>, SnapshotError> {
    let io_err = |source| SnapshotError::Io {
        path: dir.display().to_string(),
        source,
    };
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io_err)? {
        let path = entry.map_err(io_err)?.path();
        let is_json = path
            .extension()
            .is_some_and(|ext| ext.eq_ignore_ascii_case("json"));
        if is_json && path.is_file() {
            files.push(path);
        }
    }
    if files.is_empty() {
        return Err(SnapshotError::EmptyDirectory {
            path: dir.display().to_string(),
        });
    }
    files.sort();
    Ok(files)
}

#[derive(Default)]
struct Builder {
    account: Account,
    seen: HashSet<(Entity, String)>,
    /// The account id and the file that revealed it.
    account_source: Option<(String, String)>,
}

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Entity {
    Role,
    User,
    Group,
    Policy,
    Resource,
}

impl Builder {
    fn add(&mut self, path: &str, text: &str) -> Result<(), SnapshotError> {
        let file = parse_file(path, text)?;
        self.merge(path, file)
    }

    /// Adds a parsed file to the account.
    fn merge(&mut self, path: &str, file: RawFile) -> Result<(), SnapshotError> {
        if file.roles.is_none()
            && file.users.is_none()
            && file.groups.is_none()
            && file.policies.is_none()
            && file.tag_mappings.is_none()
            && file.read_failures.is_none()
        {
            return Err(SnapshotError::UnknownKind {
                path: path.to_string(),
            });
        }
        let origin = |pointer: String| format!("{path}#{pointer}");

        for (i, raw) in file.roles.into_iter().flatten().enumerate() {
            if !self.first(Entity::Role, &raw.arn) {
                continue;
            }
            self.note_account(&raw.arn, path)?;
            let at = format!("/RoleDetailList/{i}");
            self.account.roles.push(Role {
                trust_policy: PolicyText::new(
                    origin(format!("{at}/AssumeRolePolicyDocument")),
                    raw.trust.0,
                ),
                inline: inline(raw.inline, &origin(format!("{at}/RolePolicyList"))),
                attached: raw.attached.into_iter().map(|a| a.arn).collect(),
                boundary: raw.boundary.and_then(|b| b.arn),
                tags: tag_map(raw.tags),
                name: raw.name,
                arn: raw.arn,
                path: raw.path.unwrap_or_else(|| "/".to_string()),
                role_id: raw.role_id,
            });
        }

        for (i, raw) in file.users.into_iter().flatten().enumerate() {
            if !self.first(Entity::User, &raw.arn) {
                continue;
            }
            self.note_account(&raw.arn, path)?;
            self.account.users.push(User {
                inline: inline(
                    raw.inline,
                    &origin(format!("/UserDetailList/{i}/UserPolicyList")),
                ),
                attached: raw.attached.into_iter().map(|a| a.arn).collect(),
                groups: raw.groups,
                boundary: raw.boundary.and_then(|b| b.arn),
                tags: tag_map(raw.tags),
                name: raw.name,
                arn: raw.arn,
                path: raw.path.unwrap_or_else(|| "/".to_string()),
                user_id: raw.user_id,
            });
        }

        for (i, raw) in file.groups.into_iter().flatten().enumerate() {
            if !self.first(Entity::Group, &raw.arn) {
                continue;
            }
            self.note_account(&raw.arn, path)?;
            self.account.groups.push(Group {
                inline: inline(
                    raw.inline,
                    &origin(format!("/GroupDetailList/{i}/GroupPolicyList")),
                ),
                attached: raw.attached.into_iter().map(|a| a.arn).collect(),
                name: raw.name,
                arn: raw.arn,
                path: raw.path.unwrap_or_else(|| "/".to_string()),
                group_id: raw.group_id,
            });
        }

        for (i, mut raw) in file.policies.into_iter().flatten().enumerate() {
            if !self.first(Entity::Policy, &raw.arn) {
                continue;
            }
            let is_aws_managed = is_aws_managed_arn(&raw.arn);
            if !is_aws_managed {
                self.note_account(&raw.arn, path)?;
            }
            let at = format!("/Policies/{i}/PolicyVersionList");
            let default = raw
                .versions
                .iter()
                .position(|v| v.is_default)
                .or_else(|| {
                    let id = raw.default_version_id.as_deref()?;
                    raw.versions
                        .iter()
                        .position(|v| v.version_id.as_deref() == Some(id))
                })
                .ok_or_else(|| SnapshotError::Invalid {
                    path: path.to_string(),
                    pointer: at.clone(),
                    message: format!("policy `{}` has no default version", raw.arn),
                })?;
            let version = raw.versions.swap_remove(default);
            let Some(document) = version.document else {
                return Err(SnapshotError::Invalid {
                    path: path.to_string(),
                    pointer: format!("{at}/{default}"),
                    message: format!("default version of policy `{}` has no `Document`", raw.arn),
                });
            };
            self.account.managed_policies.push(ManagedPolicy {
                default_version_document: PolicyText::new(
                    origin(format!("{at}/{default}/Document")),
                    document.0,
                ),
                default_version_id: version.version_id.or(raw.default_version_id),
                is_aws_managed,
                name: raw.name,
                arn: raw.arn,
            });
        }

        // A live read that failed in part wrote what it could not read.
        for raw in file.read_failures.into_iter().flatten() {
            self.account.incomplete.push(raw.left_unread);
        }

        for raw in file.tag_mappings.into_iter().flatten() {
            if !self.first(Entity::Resource, &raw.arn) {
                continue;
            }
            if arn_account(&raw.arn).is_some() {
                self.note_account(&raw.arn, path)?;
            }
            self.account.resources.push(TaggedResource {
                tags: tag_map(raw.tags),
                arn: raw.arn,
            });
        }
        Ok(())
    }

    /// Records `arn` and tells whether it is new.
    fn first(&mut self, entity: Entity, arn: &str) -> bool {
        self.seen.insert((entity, arn.to_string()))
    }

    /// Checks that `arn` belongs to the account seen so far.
    fn note_account(&mut self, arn: &str, path: &str) -> Result<(), SnapshotError> {
        let Some(id) = arn_account(arn) else {
            return Ok(());
        };
        match &self.account_source {
            None => {
                self.account_source = Some((id.to_string(), path.to_string()));
                self.account.account_id = Some(id.to_string());
                Ok(())
            }
            Some((first, _)) if first == id => Ok(()),
            Some((first, first_path)) => Err(SnapshotError::MixedAccounts {
                first: first.clone(),
                first_path: first_path.clone(),
                second: id.to_string(),
                second_path: path.to_string(),
            }),
        }
    }
}

fn parse_file(path: &str, text: &str) -> Result<RawFile, SnapshotError> {
    // serde's derived structs also accept arrays, so a top-level value that
    // is not an object is refused here, after checking it is JSON at all.
    let start = text.len() - text.trim_start().len();
    if !text[start..].starts_with('{') {
        if let Ok(value) = serde_json::from_str::<serde_json::Value>(text) {
            let (line, column) = line_col(text, start);
            return Err(SnapshotError::Shape {
                path: path.to_string(),
                line: line as usize,
                column: column as usize,
                pointer: "/".to_string(),
                message: format!(
                    "invalid type: {}, expected a json object (an aws cli snapshot)",
                    json_type(&value)
                ),
            });
        }
    }
    let mut de = serde_json::Deserializer::from_str(text);
    let result = serde_path_to_error::deserialize::<_, RawFile>(&mut de)
        .map_err(|err| {
            let pointer = json_pointer(err.path());
            (err.into_inner(), Some(pointer))
        })
        .and_then(|file| de.end().map(|()| file).map_err(|err| (err, None)));
    result.map_err(|(err, pointer)| {
        // serde speaks of maps and sequences; JSON users know objects and arrays.
        let message = strip_serde_position(&err.to_string())
            .replace("type: map", "type: object")
            .replace("a sequence", "an array")
            .replace("type: sequence", "type: array");
        match (err.classify(), pointer) {
            (serde_json::error::Category::Data, Some(pointer)) => SnapshotError::Shape {
                path: path.to_string(),
                line: err.line(),
                column: err.column(),
                pointer,
                message,
            },
            _ => SnapshotError::Syntax {
                path: path.to_string(),
                line: err.line(),
                column: err.column(),
                message,
            },
        }
    })
}

/// A serde path as a JSON pointer (`/RoleDetailList/3/Arn`).
fn json_pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut pointer = String::new();
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => pointer.push_str(&format!("/{index}")),
            Segment::Map { key } | Segment::Enum { variant: key } => {
                pointer.push('/');
                pointer.push_str(&key.replace('~', "~0").replace('/', "~1"));
            }
            Segment::Unknown => pointer.push_str("/?"),
        }
    }
    if pointer.is_empty() {
        pointer.push('/');
    }
    pointer
}

fn json_type(value: &serde_json::Value) -> &'static str {
    match value {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "boolean",
        serde_json::Value::Number(_) => "number",
        serde_json::Value::String(_) => "string",
        serde_json::Value::Array(_) => "array",
        serde_json::Value::Object(_) => "object",
    }
}

fn inline(list: Vec<RawInline>, origin_prefix: &str) -> Vec<(String, PolicyText)> {
    list.into_iter()
        .enumerate()
        .map(|(j, p)| {
            let text = PolicyText::new(format!("{origin_prefix}/{j}/PolicyDocument"), p.document.0);
            (p.name, text)
        })
        .collect()
}

fn tag_map(tags: Vec<RawTag>) -> BTreeMap<String, String> {
    tags.into_iter().map(|t| (t.key, t.value)).collect()
}

/// A policy document as the snapshot holds it: a URL-encoded JSON string (the
/// IAM API) or a JSON object (the aws CLI decodes documents). Held as text.
struct Document(String);

impl<'de> Deserialize<'de> for Document {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct DocumentVisitor;

        impl<'de> Visitor<'de> for DocumentVisitor {
            type Value = Document;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a policy document (a url-encoded json string or an object)")
            }

            fn visit_str<E: de::Error>(self, value: &str) -> Result<Document, E> {
                // Some tools store the document as plain (not encoded) JSON text.
                if value.trim_start().starts_with('{') {
                    return Ok(Document(value.to_string()));
                }
                percent_decode(value)
                    .map(Document)
                    .map_err(|err| E::custom(format!("cannot url-decode policy document: {err}")))
            }

            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Document, A::Error> {
                let object =
                    serde_json::Map::deserialize(de::value::MapAccessDeserializer::new(map))?;
                serde_json::to_string_pretty(&serde_json::Value::Object(object))
                    .map(Document)
                    .map_err(de::Error::custom)
            }
        }

        deserializer.deserialize_any(DocumentVisitor)
    }
}

#[derive(Deserialize)]
#[serde(expecting = "a json object (an aws cli snapshot)")]
struct RawFile {
    #[serde(rename = "RoleDetailList")]
    roles: Option<Vec<RawRole>>,
    #[serde(rename = "UserDetailList")]
    users: Option<Vec<RawUser>>,
    #[serde(rename = "GroupDetailList")]
    groups: Option<Vec<RawGroup>>,
    #[serde(rename = "Policies")]
    policies: Option<Vec<RawPolicy>>,
    #[serde(rename = "ResourceTagMappingList")]
    tag_mappings: Option<Vec<RawTagMapping>>,
    #[serde(rename = "IamscopeReadFailures")]
    read_failures: Option<Vec<RawReadFailure>>,
}

#[derive(Deserialize)]
#[serde(expecting = "a read failure object with `LeftUnread`")]
struct RawReadFailure {
    #[serde(rename = "LeftUnread")]
    left_unread: String,
}

#[derive(Deserialize)]
#[serde(expecting = "a role object")]
struct RawRole {
    #[serde(rename = "RoleName")]
    name: String,
    #[serde(rename = "Arn")]
    arn: String,
    #[serde(rename = "Path")]
    path: Option<String>,
    #[serde(rename = "RoleId")]
    role_id: Option<String>,
    #[serde(rename = "AssumeRolePolicyDocument")]
    trust: Document,
    #[serde(rename = "RolePolicyList", default)]
    inline: Vec<RawInline>,
    #[serde(rename = "AttachedManagedPolicies", default)]
    attached: Vec<RawAttached>,
    #[serde(rename = "PermissionsBoundary")]
    boundary: Option<RawBoundary>,
    #[serde(rename = "Tags", default)]
    tags: Vec<RawTag>,
}

#[derive(Deserialize)]
#[serde(expecting = "a user object")]
struct RawUser {
    #[serde(rename = "UserName")]
    name: String,
    #[serde(rename = "Arn")]
    arn: String,
    #[serde(rename = "Path")]
    path: Option<String>,
    #[serde(rename = "UserId")]
    user_id: Option<String>,
    #[serde(rename = "UserPolicyList", default)]
    inline: Vec<RawInline>,
    #[serde(rename = "AttachedManagedPolicies", default)]
    attached: Vec<RawAttached>,
    #[serde(rename = "GroupList", default)]
    groups: Vec<String>,
    #[serde(rename = "PermissionsBoundary")]
    boundary: Option<RawBoundary>,
    #[serde(rename = "Tags", default)]
    tags: Vec<RawTag>,
}

#[derive(Deserialize)]
#[serde(expecting = "a group object")]
struct RawGroup {
    #[serde(rename = "GroupName")]
    name: String,
    #[serde(rename = "Arn")]
    arn: String,
    #[serde(rename = "Path")]
    path: Option<String>,
    #[serde(rename = "GroupId")]
    group_id: Option<String>,
    #[serde(rename = "GroupPolicyList", default)]
    inline: Vec<RawInline>,
    #[serde(rename = "AttachedManagedPolicies", default)]
    attached: Vec<RawAttached>,
}

#[derive(Deserialize)]
#[serde(expecting = "a managed policy object")]
struct RawPolicy {
    #[serde(rename = "PolicyName")]
    name: String,
    #[serde(rename = "Arn")]
    arn: String,
    #[serde(rename = "DefaultVersionId")]
    default_version_id: Option<String>,
    #[serde(rename = "PolicyVersionList", default)]
    versions: Vec<RawVersion>,
}

#[derive(Deserialize)]
#[serde(expecting = "a policy version object")]
struct RawVersion {
    #[serde(rename = "Document")]
    document: Option<Document>,
    #[serde(rename = "VersionId")]
    version_id: Option<String>,
    #[serde(rename = "IsDefaultVersion", default)]
    is_default: bool,
}

#[derive(Deserialize)]
#[serde(expecting = "an inline policy object")]
struct RawInline {
    #[serde(rename = "PolicyName")]
    name: String,
    #[serde(rename = "PolicyDocument")]
    document: Document,
}

#[derive(Deserialize)]
#[serde(expecting = "an attached policy object")]
struct RawAttached {
    #[serde(rename = "PolicyArn")]
    arn: String,
}

#[derive(Deserialize)]
#[serde(expecting = "a permissions boundary object")]
struct RawBoundary {
    #[serde(rename = "PermissionsBoundaryArn")]
    arn: Option<String>,
}

#[derive(Deserialize)]
#[serde(expecting = "a tag object with `Key` and `Value`")]
struct RawTag {
    #[serde(rename = "Key")]
    key: String,
    #[serde(rename = "Value", default)]
    value: String,
}

#[derive(Deserialize)]
#[serde(expecting = "a resource tag mapping object")]
struct RawTagMapping {
    #[serde(rename = "ResourceARN")]
    arn: String,
    #[serde(rename = "Tags", default)]
    tags: Vec<RawTag>,
}
