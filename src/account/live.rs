//! Reads the live account through the AWS SDK: read-only, a handful of
//! paginated calls, and honest about what it could not read.
//!
//! The IAM entities come from `GetAccountAuthorizationDetails` (roles, users,
//! groups and customer managed policies, all pages), never one call per
//! role. AWS managed policies are not listed in full (the
//! `AWSManagedPolicy` filter returns about 1,500 large documents, several MB
//! in many pages): only those attached to an entity or used as a permissions
//! boundary are fetched, with `GetPolicy` + `GetPolicyVersion` (two calls per
//! distinct attached AWS managed policy, run eight at a time). Resource tags
//! come from `GetResources` in every scanned region, concurrently.
//!
//! What AWS said is first laid out as the JSON that `aws iam
//! get-account-authorization-details` and `aws resourcegroupstaggingapi
//! get-resources` print, then loaded with the snapshot loader, so a live read
//! and a snapshot of it give the same [`Account`].
//!
//! Every call that fails after the SDK's retries (standard mode, exponential
//! backoff on throttling) becomes a [`ReadFailure`] naming what was left
//! unread; the account then lists those gaps in [`Account::incomplete`].
//! Credentials never leave the SDK: errors are rendered from the service's
//! error code and message, and no configuration is printed.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::io::IsTerminal;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use aws_config::retry::RetryConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_iam::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::write::{encode_document, IAM_FILE};
use super::{is_aws_managed_arn, load_snapshot_texts, Account};
use crate::policy::decode_document;

/// One AWS API operation iamscope calls, and the IAM action that allows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Operation {
    /// The operation name, as in the API reference (`GetAccountAuthorizationDetails`).
    pub name: &'static str,
    /// The IAM action the caller needs (`iam:GetAccountAuthorizationDetails`).
    pub action: &'static str,
}

/// `iam:GetAccountAuthorizationDetails`: roles, users, groups, customer managed policies.
pub const GET_ACCOUNT_AUTHORIZATION_DETAILS: Operation = Operation {
    name: "GetAccountAuthorizationDetails",
    action: "iam:GetAccountAuthorizationDetails",
};
/// `iam:GetPolicy`: the default version id of an attached AWS managed policy.
pub const GET_POLICY: Operation = Operation {
    name: "GetPolicy",
    action: "iam:GetPolicy",
};
/// `iam:GetPolicyVersion`: the document of an attached AWS managed policy.
pub const GET_POLICY_VERSION: Operation = Operation {
    name: "GetPolicyVersion",
    action: "iam:GetPolicyVersion",
};
/// `tag:GetResources`: tagged resources of one region.
pub const GET_RESOURCES: Operation = Operation {
    name: "GetResources",
    action: "tag:GetResources",
};
/// `sts:AssumeRole`: only with `--role-arn`, and granted to the caller, not the audit role.
pub const ASSUME_ROLE: Operation = Operation {
    name: "AssumeRole",
    action: "sts:AssumeRole",
};

/// Every operation the live read calls with the audit role's credentials.
/// The code and the least-privilege policy are both checked against this list.
pub const READ_OPERATIONS: [Operation; 4] = [
    GET_ACCOUNT_AUTHORIZATION_DETAILS,
    GET_POLICY,
    GET_POLICY_VERSION,
    GET_RESOURCES,
];

/// The least-privilege policy for the identity iamscope reads the account with.
pub fn read_policy() -> Value {
    let actions: Vec<&str> = READ_OPERATIONS.iter().map(|op| op.action).collect();
    json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "IamscopeReadOnly",
            "Effect": "Allow",
            "Action": actions,
            "Resource": "*"
        }]
    })
}

/// The policy the caller needs to assume the audit role `role_arn`.
pub fn assume_role_policy(role_arn: &str) -> Value {
    json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "IamscopeAssumeAuditRole",
            "Effect": "Allow",
            "Action": ASSUME_ROLE.action,
            "Resource": role_arn
        }]
    })
}

/// Where and how to read the account. Credentials come from the SDK's default
/// chain (environment, profiles, SSO, container and instance roles).
#[derive(Clone, Default)]
pub struct LiveOptions {
    /// A named profile of the shared config files.
    pub profile: Option<String>,
    /// The region for IAM requests and the default tag scan region.
    pub region: Option<String>,
    /// Regions whose resource tags are read; empty means the configured region.
    pub tag_regions: Vec<String>,
    /// An audit role to assume before reading.
    pub role_arn: Option<String>,
    /// The external id the audit role's trust policy requires.
    pub external_id: Option<String>,
    /// Another endpoint (a local test server); `AWS_ENDPOINT_URL` works too.
    pub endpoint_url: Option<String>,
    /// Attempts per call, retries on throttling included (the SDK's standard mode).
    pub max_attempts: u32,
    /// Whether to show a progress bar (only ever drawn on a terminal's stderr).
    pub progress: bool,
}

// Written by hand so that the external id is never printed.
impl fmt::Debug for LiveOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LiveOptions")
            .field("profile", &self.profile)
            .field("region", &self.region)
            .field("tag_regions", &self.tag_regions)
            .field("role_arn", &self.role_arn)
            .field("external_id", &self.external_id.as_ref().map(|_| "<set>"))
            .field("endpoint_url", &self.endpoint_url)
            .field("max_attempts", &self.max_attempts)
            .finish()
    }
}

/// The region used when neither the options nor the environment name one:
/// IAM is global and signs in `us-east-1`.
pub const FALLBACK_REGION: &str = "us-east-1";

/// Items per `GetAccountAuthorizationDetails` page: the most IAM allows (the
/// default is 100), so an account of E entities costs about E / 1000 calls.
pub const GAAD_PAGE_SIZE: i32 = 1000;

/// Resources per `GetResources` page: the most the tagging API allows.
pub const TAGS_PAGE_SIZE: i32 = 100;

/// The default number of attempts per call.
pub const DEFAULT_MAX_ATTEMPTS: u32 = 8;

/// What a live read produced.
#[derive(Debug, Clone)]
pub struct LiveRead {
    /// What was read; [`Account::incomplete`] names the gaps.
    pub account: Account,
    /// The calls that failed and what they left unread. Empty means complete.
    pub failures: Vec<ReadFailure>,
    /// How many calls were made, and how long it took.
    pub calls: CallStats,
    /// The regions whose tags were scanned.
    pub tag_regions: Vec<String>,
}

impl LiveRead {
    /// Whether everything was read.
    pub fn is_complete(&self) -> bool {
        self.failures.is_empty()
    }
}

/// A call that failed after its retries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ReadFailure {
    /// The operation (`GetResources`).
    pub operation: String,
    /// The region it was sent to.
    pub region: String,
    /// Why it failed, in one word.
    pub kind: FailureKind,
    /// The error, as the service or the SDK told it (never credentials).
    pub error: String,
    /// What is missing from the account because of it.
    pub left_unread: String,
}

impl fmt::Display for ReadFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} in `{}` {}: {}; not read: {}",
            self.operation, self.region, self.kind, self.error, self.left_unread
        )
    }
}

/// Why a call failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FailureKind {
    /// Still throttled after every retry.
    Throttled,
    /// Access denied, or the credentials were refused.
    Denied,
    /// The endpoint could not be reached or did not answer in time.
    Unreachable,
    /// Anything else (no credentials, a malformed answer, a server error).
    Other,
}

impl fmt::Display for FailureKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            FailureKind::Throttled => "was throttled",
            FailureKind::Denied => "was denied",
            FailureKind::Unreachable => "could not reach the endpoint",
            FailureKind::Other => "failed",
        })
    }
}

/// Counts of the calls a read made.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CallStats {
    /// Requests per operation (a page is one request), retries not counted.
    pub requests: BTreeMap<&'static str, u64>,
    /// HTTP attempts sent, retries included.
    pub attempts: u64,
    /// Wall time of the whole read.
    pub elapsed: Duration,
}

impl CallStats {
    /// Requests over every operation.
    pub fn total_requests(&self) -> u64 {
        self.requests.values().sum()
    }
}

/// Reads the account. Blocks on its own tokio runtime; never fails as a whole:
/// whatever could not be read is listed in [`LiveRead::failures`].
pub fn read(options: &LiveOptions) -> LiveRead {
    match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime.block_on(read_async(options)),
        Err(err) => {
            let failure = ReadFailure {
                operation: "(all)".to_string(),
                region: region_or_fallback(options),
                kind: FailureKind::Other,
                error: format!("cannot start the async runtime: {err}"),
                left_unread: "the whole account".to_string(),
            };
            finish(
                Vec::new(),
                Vec::new(),
                vec![failure],
                Stats::default(),
                Instant::now(),
                Vec::new(),
            )
        }
    }
}

/// [`read`] for callers already inside a tokio runtime.
pub async fn read_async(options: &LiveOptions) -> LiveRead {
    let started = Instant::now();
    let stats = Stats::default();
    let progress = Progress::new(options.progress);
    let config = sdk_config(options).await;
    let region = config
        .region()
        .map_or_else(|| FALLBACK_REGION.to_string(), |r| r.to_string());
    let tag_regions = if options.tag_regions.is_empty() {
        vec![region.clone()]
    } else {
        options.tag_regions.clone()
    };

    let iam = aws_sdk_iam::Client::from_conf(
        aws_sdk_iam::config::Builder::from(&config)
            .interceptor(stats.counter())
            .build(),
    );
    progress.message("reading IAM authorization details");
    let mut failures = Vec::new();
    let mut iam_page = read_authorization_details(&iam, &region, &stats, &mut failures).await;
    progress.message("reading attached AWS managed policies");
    read_attached_aws_policies(&iam, &region, &stats, &mut iam_page, &mut failures).await;

    progress.message(format!("reading tags in {} regions", tag_regions.len()));
    let mut tags = Vec::new();
    let mut tasks = tokio::task::JoinSet::new();
    for (index, tag_region) in tag_regions.iter().enumerate() {
        let client = aws_sdk_resourcegroupstagging::Client::from_conf(
            aws_sdk_resourcegroupstagging::config::Builder::from(&config)
                .region(Region::new(tag_region.clone()))
                .interceptor(stats.counter())
                .build(),
        );
        let stats = stats.clone();
        let tag_region = tag_region.clone();
        tasks.spawn(async move {
            let result = read_tags(&client, &tag_region, &stats).await;
            (index, result)
        });
    }
    let mut per_region = Vec::new();
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok(done) => per_region.push(done),
            Err(err) => failures.push(ReadFailure {
                operation: GET_RESOURCES.name.to_string(),
                region: "(unknown)".to_string(),
                kind: FailureKind::Other,
                error: format!("the region's task stopped: {err}"),
                left_unread: "tags of one region".to_string(),
            }),
        }
    }
    // Region order, whatever order the tasks finished in.
    per_region.sort_by_key(|(index, _)| *index);
    for (_, (mappings, failure)) in per_region {
        tags.push(mappings);
        failures.extend(failure);
    }
    progress.finish();
    finish(vec![iam_page], tags, failures, stats, started, tag_regions)
}

fn region_or_fallback(options: &LiveOptions) -> String {
    options
        .region
        .clone()
        .unwrap_or_else(|| FALLBACK_REGION.to_string())
}

async fn sdk_config(options: &LiveOptions) -> SdkConfig {
    let attempts = options.max_attempts.max(1);
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .retry_config(RetryConfig::standard().with_max_attempts(attempts));
    if let Some(profile) = &options.profile {
        loader = loader.profile_name(profile);
    }
    if let Some(region) = &options.region {
        loader = loader.region(Region::new(region.clone()));
    }
    if let Some(url) = &options.endpoint_url {
        loader = loader.endpoint_url(url);
    }
    let mut config = loader.load().await;
    if config.region().is_none() {
        config = config
            .into_builder()
            .region(Region::new(FALLBACK_REGION))
            .build();
    }
    let Some(role_arn) = &options.role_arn else {
        return config;
    };
    let mut assume = aws_config::sts::AssumeRoleProvider::builder(role_arn.clone())
        .session_name("iamscope")
        .configure(&config);
    if let Some(external_id) = &options.external_id {
        assume = assume.external_id(external_id.clone());
    }
    let provider = assume.build().await;
    config
        .into_builder()
        .credentials_provider(aws_credential_provider(provider))
        .build()
}

fn aws_credential_provider(
    provider: aws_config::sts::AssumeRoleProvider,
) -> aws_sdk_iam::config::SharedCredentialsProvider {
    aws_sdk_iam::config::SharedCredentialsProvider::new(provider)
}

/// Reads every page of `GetAccountAuthorizationDetails` into one page in the
/// aws cli's JSON shape.
async fn read_authorization_details(
    iam: &aws_sdk_iam::Client,
    region: &str,
    stats: &Stats,
    failures: &mut Vec<ReadFailure>,
) -> Value {
    use aws_sdk_iam::types::EntityType;
    let mut roles = Vec::new();
    let mut users = Vec::new();
    let mut groups = Vec::new();
    let mut policies = Vec::new();
    let mut pages = iam
        .get_account_authorization_details()
        .filter(EntityType::Role)
        .filter(EntityType::User)
        .filter(EntityType::Group)
        .filter(EntityType::LocalManagedPolicy)
        .max_items(GAAD_PAGE_SIZE)
        .into_paginator()
        .send();
    let mut read = 0_u64;
    while let Some(page) = pages.next().await {
        stats.request(GET_ACCOUNT_AUTHORIZATION_DETAILS.name);
        match page {
            Ok(page) => {
                read += 1;
                roles.extend(page.role_detail_list().iter().filter_map(role_json));
                users.extend(page.user_detail_list().iter().filter_map(user_json));
                groups.extend(page.group_detail_list().iter().filter_map(group_json));
                policies.extend(page.policies().iter().filter_map(policy_json));
            }
            Err(err) => {
                let left_unread = if read == 0 {
                    "every IAM role, user, group and customer managed policy".to_string()
                } else {
                    format!(
                        "IAM roles, users, groups and customer managed policies after page {read}"
                    )
                };
                failures.push(failure(
                    GET_ACCOUNT_AUTHORIZATION_DETAILS,
                    region,
                    &err,
                    left_unread,
                ));
                break;
            }
        }
    }
    json!({
        "UserDetailList": users,
        "GroupDetailList": groups,
        "RoleDetailList": roles,
        "Policies": policies,
        "IsTruncated": false
    })
}

/// Adds to `page` the AWS managed policies its entities use and it lacks.
async fn read_attached_aws_policies(
    iam: &aws_sdk_iam::Client,
    region: &str,
    stats: &Stats,
    page: &mut Value,
    failures: &mut Vec<ReadFailure>,
) {
    let present: BTreeSet<String> = page["Policies"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|p| p["Arn"].as_str().map(str::to_string))
        .collect();
    let wanted: BTreeSet<String> = attached_arns(page)
        .into_iter()
        .filter(|arn| is_aws_managed_arn(arn) && !present.contains(arn))
        .collect();
    const CONCURRENCY: usize = 8;
    let mut tasks = tokio::task::JoinSet::new();
    let mut fetched = Vec::new();
    for arn in wanted {
        if tasks.len() >= CONCURRENCY {
            if let Some(done) = tasks.join_next().await {
                fetched.push(done);
            }
        }
        let iam = iam.clone();
        let stats = stats.clone();
        let region = region.to_string();
        tasks.spawn(async move { read_aws_policy(&iam, &region, &stats, arn).await });
    }
    while let Some(done) = tasks.join_next().await {
        fetched.push(done);
    }
    let mut policies = Vec::new();
    for done in fetched {
        match done {
            Ok(Ok(policy)) => policies.push(policy),
            Ok(Err(failure)) => failures.push(failure),
            Err(err) => failures.push(ReadFailure {
                operation: GET_POLICY.name.to_string(),
                region: region.to_string(),
                kind: FailureKind::Other,
                error: format!("the task stopped: {err}"),
                left_unread: "one attached AWS managed policy".to_string(),
            }),
        }
    }
    policies.sort_by(|a, b| a["Arn"].as_str().cmp(&b["Arn"].as_str()));
    failures.sort_by(|a, b| (&a.operation, &a.left_unread).cmp(&(&b.operation, &b.left_unread)));
    if let Some(list) = page["Policies"].as_array_mut() {
        list.extend(policies);
    }
}

/// The managed policy ARNs attached to, or bounding, any entity of `page`.
fn attached_arns(page: &Value) -> BTreeSet<String> {
    let mut arns = BTreeSet::new();
    for list in ["RoleDetailList", "UserDetailList", "GroupDetailList"] {
        for entity in page[list].as_array().into_iter().flatten() {
            for attached in entity["AttachedManagedPolicies"]
                .as_array()
                .into_iter()
                .flatten()
            {
                if let Some(arn) = attached["PolicyArn"].as_str() {
                    arns.insert(arn.to_string());
                }
            }
            if let Some(arn) = entity["PermissionsBoundary"]["PermissionsBoundaryArn"].as_str() {
                arns.insert(arn.to_string());
            }
        }
    }
    arns
}

async fn read_aws_policy(
    iam: &aws_sdk_iam::Client,
    region: &str,
    stats: &Stats,
    arn: String,
) -> Result<Value, ReadFailure> {
    let left_unread = || format!("the document of AWS managed policy `{arn}`");
    stats.request(GET_POLICY.name);
    let policy = iam
        .get_policy()
        .policy_arn(&arn)
        .send()
        .await
        .map_err(|err| failure(GET_POLICY, region, &err, left_unread()))?;
    let policy = policy.policy();
    let version_id = policy
        .and_then(|p| p.default_version_id())
        .unwrap_or("v1")
        .to_string();
    let name = policy
        .and_then(|p| p.policy_name())
        .map_or_else(|| name_from_arn(&arn), str::to_string);
    stats.request(GET_POLICY_VERSION.name);
    let version = iam
        .get_policy_version()
        .policy_arn(&arn)
        .version_id(&version_id)
        .send()
        .await
        .map_err(|err| failure(GET_POLICY_VERSION, region, &err, left_unread()))?;
    let Some(document) = version.policy_version().and_then(|v| v.document()) else {
        return Err(ReadFailure {
            operation: GET_POLICY_VERSION.name.to_string(),
            region: region.to_string(),
            kind: FailureKind::Other,
            error: "the answer has no document".to_string(),
            left_unread: left_unread(),
        });
    };
    Ok(json!({
        "PolicyName": name,
        "Arn": arn,
        "DefaultVersionId": version_id,
        "PolicyVersionList": [{
            "Document": document_json(document),
            "VersionId": version_id,
            "IsDefaultVersion": true
        }]
    }))
}

/// Every page of `GetResources` in `region`, as one `get-resources` output.
async fn read_tags(
    client: &aws_sdk_resourcegroupstagging::Client,
    region: &str,
    stats: &Stats,
) -> (Value, Option<ReadFailure>) {
    let mut mappings = Vec::new();
    let mut failure_seen = None;
    let mut pages = client
        .get_resources()
        .resources_per_page(TAGS_PAGE_SIZE)
        .into_paginator()
        .send();
    let mut read = 0_u64;
    while let Some(page) = pages.next().await {
        stats.request(GET_RESOURCES.name);
        match page {
            Ok(page) => {
                read += 1;
                for mapping in page.resource_tag_mapping_list() {
                    let Some(arn) = mapping.resource_arn() else {
                        continue;
                    };
                    let tags: Vec<Value> = mapping
                        .tags()
                        .iter()
                        .map(|t| json!({"Key": t.key(), "Value": t.value()}))
                        .collect();
                    mappings.push(json!({"ResourceARN": arn, "Tags": tags}));
                }
            }
            Err(err) => {
                let left_unread = if read == 0 {
                    format!("every resource tag in region `{region}`")
                } else {
                    format!("resource tags in region `{region}` after page {read}")
                };
                failure_seen = Some(failure(GET_RESOURCES, region, &err, left_unread));
                break;
            }
        }
    }
    (
        json!({"PaginationToken": "", "ResourceTagMappingList": mappings, "Region": region}),
        failure_seen,
    )
}

/// Loads the pages with the snapshot loader and attaches the failures.
fn finish(
    iam_pages: Vec<Value>,
    tags: Vec<Value>,
    failures: Vec<ReadFailure>,
    stats: Stats,
    started: Instant,
    tag_regions: Vec<String>,
) -> LiveRead {
    let mut failures = failures;
    let mut texts = Vec::new();
    for (i, page) in iam_pages.iter().enumerate() {
        texts.push((format!("live:{IAM_FILE}#page{}", i + 1), page.to_string()));
    }
    for page in &tags {
        let region = page["Region"].as_str().unwrap_or_default();
        texts.push((format!("live:tags-{region}"), page.to_string()));
    }
    let mut account = if texts.is_empty() {
        Account::default()
    } else {
        match load_snapshot_texts(&texts) {
            Ok(account) => account,
            Err(err) => {
                failures.push(ReadFailure {
                    operation: GET_ACCOUNT_AUTHORIZATION_DETAILS.name.to_string(),
                    region: "(all)".to_string(),
                    kind: FailureKind::Other,
                    error: format!("the answers do not form an account: {err}"),
                    left_unread: "the whole account".to_string(),
                });
                Account::default()
            }
        }
    };
    account.incomplete = failures.iter().map(|f| f.left_unread.clone()).collect();
    LiveRead {
        account,
        failures,
        calls: stats.finish(started),
        tag_regions,
    }
}

fn failure<E, R>(
    operation: Operation,
    region: &str,
    err: &SdkError<E, R>,
    left_unread: String,
) -> ReadFailure
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: fmt::Debug,
{
    let (kind, error) = describe(err);
    ReadFailure {
        operation: operation.name.to_string(),
        region: region.to_string(),
        kind,
        error,
        left_unread,
    }
}

/// The failure kind and a message without credentials: the service's code and
/// message when it answered, the SDK's error chain otherwise.
fn describe<E, R>(err: &SdkError<E, R>) -> (FailureKind, String)
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: fmt::Debug,
{
    match err {
        SdkError::ServiceError(service) => {
            let inner = service.err();
            let code = inner.code().unwrap_or("unknown error");
            let message = inner.message().unwrap_or_default();
            let kind = classify_code(code);
            let text = if message.is_empty() {
                code.to_string()
            } else {
                format!("{code}: {message}")
            };
            (kind, text)
        }
        SdkError::DispatchFailure(_) | SdkError::TimeoutError(_) => (
            FailureKind::Unreachable,
            DisplayErrorContext(err).to_string(),
        ),
        _ => (FailureKind::Other, DisplayErrorContext(err).to_string()),
    }
}

/// The kind of an AWS error code.
pub fn classify_code(code: &str) -> FailureKind {
    const THROTTLED: [&str; 6] = [
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "TooManyRequestsException",
        "RequestLimitExceeded",
        "RequestThrottled",
    ];
    const DENIED: [&str; 7] = [
        "AccessDenied",
        "AccessDeniedException",
        "UnauthorizedOperation",
        "UnrecognizedClientException",
        "InvalidClientTokenId",
        "ExpiredToken",
        "SignatureDoesNotMatch",
    ];
    if THROTTLED.contains(&code) {
        FailureKind::Throttled
    } else if DENIED.contains(&code) {
        FailureKind::Denied
    } else {
        FailureKind::Other
    }
}

fn name_from_arn(arn: &str) -> String {
    arn.rsplit('/').next().unwrap_or(arn).to_string()
}

/// A document as the snapshot holds it: URL-encoded, like the IAM API, so the
/// loader decodes it back to exactly the text AWS gave. Both URL-encoded (AWS)
/// and raw JSON (some emulators) answers are accepted.
fn document_json(document: &str) -> Value {
    Value::String(encode_document(&decode_document(document)))
}

fn tags_json(tags: &[aws_sdk_iam::types::Tag]) -> Vec<Value> {
    tags.iter()
        .map(|t| json!({"Key": t.key(), "Value": t.value()}))
        .collect()
}

fn inline_json(list: &[aws_sdk_iam::types::PolicyDetail]) -> Vec<Value> {
    list.iter()
        .filter_map(|p| {
            Some(json!({
                "PolicyName": p.policy_name()?,
                "PolicyDocument": document_json(p.policy_document()?)
            }))
        })
        .collect()
}

fn attached_json(list: &[aws_sdk_iam::types::AttachedPolicy]) -> Vec<Value> {
    list.iter()
        .filter_map(|p| {
            let arn = p.policy_arn()?;
            Some(json!({
                "PolicyName": p.policy_name().map_or_else(|| name_from_arn(arn), str::to_string),
                "PolicyArn": arn
            }))
        })
        .collect()
}

fn boundary_json(
    boundary: Option<&aws_sdk_iam::types::AttachedPermissionsBoundary>,
) -> Option<Value> {
    let arn = boundary?.permissions_boundary_arn()?;
    Some(json!({
        "PermissionsBoundaryType": "Policy",
        "PermissionsBoundaryArn": arn
    }))
}

fn role_json(role: &aws_sdk_iam::types::RoleDetail) -> Option<Value> {
    let mut value = json!({
        "Path": role.path().unwrap_or("/"),
        "RoleName": role.role_name()?,
        "RoleId": role.role_id(),
        "Arn": role.arn()?,
        "AssumeRolePolicyDocument": document_json(role.assume_role_policy_document().unwrap_or("")),
        "RolePolicyList": inline_json(role.role_policy_list()),
        "AttachedManagedPolicies": attached_json(role.attached_managed_policies()),
        "Tags": tags_json(role.tags()),
    });
    if let Some(boundary) = boundary_json(role.permissions_boundary()) {
        value["PermissionsBoundary"] = boundary;
    }
    Some(value)
}

fn user_json(user: &aws_sdk_iam::types::UserDetail) -> Option<Value> {
    let mut value = json!({
        "Path": user.path().unwrap_or("/"),
        "UserName": user.user_name()?,
        "UserId": user.user_id(),
        "Arn": user.arn()?,
        "UserPolicyList": inline_json(user.user_policy_list()),
        "GroupList": user.group_list(),
        "AttachedManagedPolicies": attached_json(user.attached_managed_policies()),
        "Tags": tags_json(user.tags()),
    });
    if let Some(boundary) = boundary_json(user.permissions_boundary()) {
        value["PermissionsBoundary"] = boundary;
    }
    Some(value)
}

fn group_json(group: &aws_sdk_iam::types::GroupDetail) -> Option<Value> {
    Some(json!({
        "Path": group.path().unwrap_or("/"),
        "GroupName": group.group_name()?,
        "GroupId": group.group_id(),
        "Arn": group.arn()?,
        "GroupPolicyList": inline_json(group.group_policy_list()),
        "AttachedManagedPolicies": attached_json(group.attached_managed_policies()),
    }))
}

fn policy_json(policy: &aws_sdk_iam::types::ManagedPolicyDetail) -> Option<Value> {
    let arn = policy.arn()?;
    let versions: Vec<Value> = policy
        .policy_version_list()
        .iter()
        .filter(|v| v.is_default_version() || v.version_id() == policy.default_version_id())
        .map(|v| {
            json!({
                "Document": v.document().map(document_json),
                "VersionId": v.version_id(),
                "IsDefaultVersion": true
            })
        })
        .take(1)
        .collect();
    Some(json!({
        // Some emulators leave the name out; the ARN ends with it.
        "PolicyName": policy.policy_name().map_or_else(|| name_from_arn(arn), str::to_string),
        "PolicyId": policy.policy_id(),
        "Arn": arn,
        "Path": policy.path().unwrap_or("/"),
        "DefaultVersionId": policy.default_version_id(),
        "PolicyVersionList": versions
    }))
}

/// Request and attempt counters, shared by every client of one read.
#[derive(Debug, Clone, Default)]
struct Stats {
    requests: Arc<std::sync::Mutex<BTreeMap<&'static str, u64>>>,
    attempts: Arc<AtomicU64>,
}

impl Stats {
    fn request(&self, operation: &'static str) {
        if let Ok(mut requests) = self.requests.lock() {
            *requests.entry(operation).or_default() += 1;
        }
    }

    fn counter(&self) -> AttemptCounter {
        AttemptCounter(Arc::clone(&self.attempts))
    }

    fn finish(self, started: Instant) -> CallStats {
        let requests = self
            .requests
            .lock()
            .map(|requests| requests.clone())
            .unwrap_or_default();
        CallStats {
            requests,
            attempts: self.attempts.load(Ordering::Relaxed),
            elapsed: started.elapsed(),
        }
    }
}

/// Counts HTTP attempts (retries included) as they are sent.
#[derive(Debug, Clone)]
struct AttemptCounter(Arc<AtomicU64>);

impl aws_sdk_iam::config::Intercept for AttemptCounter {
    fn name(&self) -> &'static str {
        "IamscopeAttemptCounter"
    }

    fn read_before_transmit(
        &self,
        _context: &aws_sdk_iam::config::interceptors::BeforeTransmitInterceptorContextRef<'_>,
        _runtime_components: &aws_sdk_iam::config::RuntimeComponents,
        _cfg: &mut aws_sdk_iam::config::ConfigBag,
    ) -> Result<(), aws_sdk_iam::error::BoxError> {
        self.0.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }
}

/// A spinner on stderr, drawn only when stderr is a terminal.
struct Progress(Option<ProgressBar>);

impl Progress {
    fn new(wanted: bool) -> Self {
        if !wanted || !std::io::stderr().is_terminal() {
            return Progress(None);
        }
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} ({elapsed})") {
            bar.set_style(style);
        }
        bar.enable_steady_tick(Duration::from_millis(120));
        Progress(Some(bar))
    }

    fn message(&self, message: impl Into<String>) {
        if let Some(bar) = &self.0 {
            bar.set_message(message.into());
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}

#[cfg(test)]
mod tests;
