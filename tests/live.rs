//! The live account read, against real servers on loopback.
//!
//! - A tiny HTTP server in this process answers as IAM and the tagging API do
//!   (two pages of `GetAccountAuthorizationDetails` with `IsTruncated`/`Marker`,
//!   throttling, denial): pagination, the write/load round trip, and the
//!   incomplete path.
//! - moto (`scripts/moto-server.sh`), an AWS-compatible server: resources are
//!   created through the API with boto3 from moto's venv, then the real binary
//!   runs `iamscope snapshot`. Each test works in its own moto account: boto3
//!   sends `x-moto-account-id`, creates an `auditor` user and its access key in
//!   that account, and iamscope signs with that key, which moto maps back to the
//!   account. The server URL comes from `IAMSCOPE_MOTO_URL` or
//!   `target/moto.url`; without either the test starts the server through the
//!   script. When it cannot start, the tests fail under CI (`CI` set) and print
//!   a loud SKIP otherwise.
#![expect(
    clippy::unwrap_used,
    reason = "test helpers outside `#[test]` functions panic on failed set-up"
)]

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Arc, Mutex, Once, OnceLock};
use std::time::Duration;

use iamscope::account::live::{self, FailureKind, LiveOptions};
use iamscope::account::write::{write_snapshot, FAILURES_FILE, IAM_FILE};
use iamscope::account::{load_snapshot, Account};
use iamscope::baseline::{render, Params};

// ---------------------------------------------------------------- fake server

/// One request as the fake server saw it.
#[derive(Debug, Clone)]
struct Seen {
    target: String,
    body: String,
}

/// An answer: status, content type, body.
type Answer = (u16, &'static str, String);

/// Serves `answer` on a loopback port until the test process ends; returns
/// the URL and the requests seen.
fn fake_server(
    answer: impl Fn(&Seen) -> Answer + Send + Sync + 'static,
) -> (String, Arc<Mutex<Vec<Seen>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&seen);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            if let Some(request) = read_request(&stream) {
                log.lock().unwrap().push(request.clone());
                let (status, content_type, body) = answer(&request);
                let mut stream = stream;
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status} X\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\
                     x-amzn-RequestId: test\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
            }
        }
    });
    (url, seen)
}

fn read_request(stream: &TcpStream) -> Option<Seen> {
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    let mut reader = BufReader::new(stream);
    let mut length = 0;
    let mut target = String::new();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).ok()?;
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        let lower = line.to_ascii_lowercase();
        if let Some(value) = lower.strip_prefix("content-length:") {
            length = value.trim().parse().ok()?;
        }
        if lower.starts_with("x-amz-target:") {
            target = line["x-amz-target:".len()..].trim().to_string();
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some(Seen {
        target,
        body: String::from_utf8_lossy(&body).into_owned(),
    })
}

fn encoded(json: &str) -> String {
    iamscope::account::write::encode_document(json)
}

const TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
const INLINE: &str = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"s3:GetObject\", \"Resource\": \"arn:aws:s3:::a+b/caf\u{e9}\"}]\n}";
const READ_ONLY_DOC: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:Get*","Resource":"*"}]}"#;

fn role_xml(name: &str, extra: &str) -> String {
    format!(
        "<member><Path>/</Path><RoleName>{name}</RoleName><RoleId>AROA{name}</RoleId>\
         <Arn>arn:aws:iam::111122223333:role/{name}</Arn><CreateDate>2024-01-01T00:00:00Z</CreateDate>\
         <AssumeRolePolicyDocument>{}</AssumeRolePolicyDocument>{extra}</member>",
        encoded(TRUST)
    )
}

/// IAM and tagging answers for an account of two roles over two pages, a
/// user, a group, a customer managed policy and an attached AWS policy.
fn fake_aws(seen: &Seen, tagging: &dyn Fn() -> Answer) -> Answer {
    if seen.target.contains("GetResources") {
        return tagging();
    }
    let xml = |action: &str, result: String| -> Answer {
        (
            200,
            "text/xml",
            format!(
                "<{action}Response xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\">\
                 <{action}Result>{result}</{action}Result>\
                 <ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></{action}Response>"
            ),
        )
    };
    if seen.body.contains("Action=GetPolicyVersion") {
        return xml(
            "GetPolicyVersion",
            format!(
                "<PolicyVersion><Document>{}</Document><VersionId>v7</VersionId>\
                 <IsDefaultVersion>true</IsDefaultVersion></PolicyVersion>",
                encoded(READ_ONLY_DOC)
            ),
        );
    }
    if seen.body.contains("Action=GetPolicy") {
        return xml(
            "GetPolicy",
            "<Policy><PolicyName>ReadOnlyAccess</PolicyName>\
             <Arn>arn:aws:iam::aws:policy/ReadOnlyAccess</Arn><DefaultVersionId>v7</DefaultVersionId></Policy>"
                .to_string(),
        );
    }
    if seen.body.contains("Marker=page-2") {
        let role = role_xml(
            "second",
            &format!(
                "<RolePolicyList><member><PolicyName>inline</PolicyName><PolicyDocument>{}</PolicyDocument></member></RolePolicyList>\
                 <AttachedManagedPolicies><member><PolicyName>ReadOnlyAccess</PolicyName>\
                 <PolicyArn>arn:aws:iam::aws:policy/ReadOnlyAccess</PolicyArn></member></AttachedManagedPolicies>\
                 <PermissionsBoundary><PermissionsBoundaryType>Policy</PermissionsBoundaryType>\
                 <PermissionsBoundaryArn>arn:aws:iam::111122223333:policy/boundary</PermissionsBoundaryArn></PermissionsBoundary>\
                 <Tags><member><Key>team</Key><Value>data</Value></member></Tags>",
                encoded(INLINE)
            ),
        );
        return xml(
            "GetAccountAuthorizationDetails",
            format!(
                "<IsTruncated>false</IsTruncated><RoleDetailList>{role}</RoleDetailList>\
                 <UserDetailList><member><Path>/</Path><UserName>alice</UserName><UserId>AIDA1</UserId>\
                 <Arn>arn:aws:iam::111122223333:user/alice</Arn><GroupList><member>admins</member></GroupList>\
                 </member></UserDetailList>\
                 <GroupDetailList><member><Path>/</Path><GroupName>admins</GroupName><GroupId>AGPA1</GroupId>\
                 <Arn>arn:aws:iam::111122223333:group/admins</Arn></member></GroupDetailList>\
                 <Policies><member><PolicyName>boundary</PolicyName><Arn>arn:aws:iam::111122223333:policy/boundary</Arn>\
                 <DefaultVersionId>v2</DefaultVersionId><PolicyVersionList>\
                 <member><Document>{}</Document><VersionId>v1</VersionId><IsDefaultVersion>false</IsDefaultVersion></member>\
                 <member><Document>{}</Document><VersionId>v2</VersionId><IsDefaultVersion>true</IsDefaultVersion></member>\
                 </PolicyVersionList></member></Policies>",
                encoded("{\"old\": true}"),
                encoded(READ_ONLY_DOC)
            ),
        );
    }
    xml(
        "GetAccountAuthorizationDetails",
        format!(
            "<IsTruncated>true</IsTruncated><Marker>page-2</Marker>\
             <RoleDetailList>{}</RoleDetailList><UserDetailList/><GroupDetailList/><Policies/>",
            role_xml("first", "")
        ),
    )
}

fn tags_ok() -> Answer {
    (
        200,
        "application/x-amz-json-1.1",
        r#"{"PaginationToken":"","ResourceTagMappingList":[
            {"ResourceARN":"arn:aws:s3:::shared-bucket","Tags":[{"Key":"env","Value":"prod"}]},
            {"ResourceARN":"arn:aws:sqs:us-east-1:111122223333:q","Tags":[]}]}"#
            .to_string(),
    )
}

fn tags_denied() -> Answer {
    (
        400,
        "application/x-amz-json-1.1",
        r#"{"__type":"AccessDeniedException","message":"not authorized to perform tag:GetResources"}"#
            .to_string(),
    )
}

fn tags_throttled() -> Answer {
    (
        400,
        "application/x-amz-json-1.1",
        r#"{"__type":"ThrottlingException","message":"Rate exceeded"}"#.to_string(),
    )
}

/// Dummy credentials and no local AWS configuration, for in-process reads.
fn isolated_env() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        for (key, value) in dummy_env() {
            std::env::set_var(key, value);
        }
        for key in ["AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_SESSION_TOKEN"] {
            std::env::remove_var(key);
        }
    });
}

fn dummy_env() -> [(&'static str, &'static str); 6] {
    [
        ("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE"),
        (
            "AWS_SECRET_ACCESS_KEY",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        ),
        ("AWS_REGION", "us-east-1"),
        ("AWS_EC2_METADATA_DISABLED", "true"),
        ("AWS_CONFIG_FILE", "/nonexistent/iamscope-test-config"),
        (
            "AWS_SHARED_CREDENTIALS_FILE",
            "/nonexistent/iamscope-test-credentials",
        ),
    ]
}

fn options(url: &str, tag_regions: &[&str]) -> LiveOptions {
    LiveOptions {
        region: Some("us-east-1".to_string()),
        tag_regions: tag_regions.iter().map(|r| r.to_string()).collect(),
        endpoint_url: Some(url.to_string()),
        max_attempts: 2,
        ..LiveOptions::default()
    }
}

/// The account without the origins, which name where a document was read.
fn without_origins(mut account: Account) -> Account {
    let clear = |text: &mut iamscope::account::PolicyText| text.origin.clear();
    for role in &mut account.roles {
        clear(&mut role.trust_policy);
        role.inline.iter_mut().for_each(|(_, t)| clear(t));
    }
    for user in &mut account.users {
        user.inline.iter_mut().for_each(|(_, t)| clear(t));
    }
    for group in &mut account.groups {
        group.inline.iter_mut().for_each(|(_, t)| clear(t));
    }
    for policy in &mut account.managed_policies {
        clear(&mut policy.default_version_document);
    }
    account
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

#[test]
fn reads_every_page_of_authorization_details() {
    isolated_env();
    let (url, seen) = fake_server(|s| fake_aws(s, &tags_ok));
    let read = live::read(&options(&url, &["us-east-1"]));
    assert!(read.is_complete(), "{:?}", read.failures);
    let account = &read.account;
    let names: Vec<&str> = account.roles.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["first", "second"]);
    assert_eq!(account.account_id.as_deref(), Some("111122223333"));
    let second = account.role("second").unwrap();
    assert_eq!(second.inline[0].1.text, INLINE);
    assert_eq!(second.trust_policy.text, TRUST);
    assert_eq!(
        second.boundary.as_deref(),
        Some("arn:aws:iam::111122223333:policy/boundary")
    );
    assert_eq!(second.tags.get("team").map(String::as_str), Some("data"));
    assert_eq!(account.users[0].groups, ["admins"]);
    // The customer policy keeps its default version, not the first listed.
    let boundary = account
        .managed_policy("arn:aws:iam::111122223333:policy/boundary")
        .unwrap();
    assert_eq!(boundary.default_version_document.text, READ_ONLY_DOC);
    // The attached AWS managed policy is fetched on its own.
    let aws = account
        .managed_policy("arn:aws:iam::aws:policy/ReadOnlyAccess")
        .unwrap();
    assert!(aws.is_aws_managed);
    assert_eq!(aws.default_version_id.as_deref(), Some("v7"));
    assert_eq!(aws.default_version_document.text, READ_ONLY_DOC);
    assert_eq!(account.resources.len(), 2);

    let seen = seen.lock().unwrap();
    let pages: Vec<&Seen> = seen
        .iter()
        .filter(|s| s.body.contains("Action=GetAccountAuthorizationDetails"))
        .collect();
    assert_eq!(pages.len(), 2);
    assert!(!pages[0].body.contains("Marker"));
    assert!(pages[1].body.contains("Marker=page-2"));
    assert!(
        pages[0].body.contains("Filter.member.1=Role"),
        "{}",
        pages[0].body
    );
    assert!(pages[0].body.contains("MaxItems=1000"), "{}", pages[0].body);
    assert!(
        !pages[0].body.contains("AWSManagedPolicy"),
        "{}",
        pages[0].body
    );
    assert_eq!(read.calls.requests["GetAccountAuthorizationDetails"], 2);
    assert_eq!(read.calls.requests["GetPolicy"], 1);
    assert_eq!(read.calls.requests["GetPolicyVersion"], 1);
    assert_eq!(read.calls.requests["GetResources"], 1);
    assert_eq!(read.calls.attempts, 5);
}

#[test]
fn a_written_snapshot_loads_as_the_account_read() {
    isolated_env();
    let (url, _) = fake_server(|s| fake_aws(s, &tags_ok));
    let read = live::read(&options(&url, &["us-east-1", "eu-west-1"]));
    assert!(read.is_complete(), "{:?}", read.failures);
    // S3 buckets are listed in every region; the account keeps one.
    assert_eq!(read.account.resources.len(), 2);
    let dir = temp_dir("round-trip");
    let files = write_snapshot(&dir, &read.account, &read.tag_regions, &read.failures).unwrap();
    assert_eq!(files.len(), 3, "{files:?}");
    let loaded = load_snapshot(&[dir]).unwrap();
    assert!(loaded.is_complete());
    assert_eq!(without_origins(loaded), without_origins(read.account));
}

#[test]
fn denied_tag_reads_make_the_read_incomplete() {
    isolated_env();
    let (url, _) = fake_server(|s| fake_aws(s, &tags_denied));
    let read = live::read(&options(&url, &["us-east-1"]));
    assert_eq!(read.failures.len(), 1, "{:?}", read.failures);
    let failure = &read.failures[0];
    assert_eq!(failure.operation, "GetResources");
    assert_eq!(failure.kind, FailureKind::Denied);
    assert!(
        failure.error.contains("AccessDeniedException"),
        "{}",
        failure.error
    );
    assert_eq!(
        failure.left_unread,
        "every resource tag in region `us-east-1`"
    );
    // IAM was still read.
    assert_eq!(read.account.roles.len(), 2);
    assert_eq!(
        read.account.incomplete,
        std::slice::from_ref(&failure.left_unread)
    );

    // The snapshot keeps the gap: loading it marks the account incomplete.
    let dir = temp_dir("denied");
    write_snapshot(&dir, &read.account, &read.tag_regions, &read.failures).unwrap();
    assert!(dir.join(FAILURES_FILE).is_file());
    let loaded = load_snapshot(&[dir]).unwrap();
    assert!(!loaded.is_complete());
    assert_eq!(loaded.incomplete, read.account.incomplete);
}

#[test]
fn throttling_is_retried_then_reported() {
    isolated_env();
    let (url, seen) = fake_server(|s| fake_aws(s, &tags_throttled));
    let read = live::read(&options(&url, &["us-east-1"]));
    assert_eq!(read.failures.len(), 1, "{:?}", read.failures);
    assert_eq!(read.failures[0].kind, FailureKind::Throttled);
    let tag_attempts = seen
        .lock()
        .unwrap()
        .iter()
        .filter(|s| s.target.contains("GetResources"))
        .count();
    assert_eq!(tag_attempts, 2, "max attempts is 2");
    assert_eq!(read.calls.requests["GetResources"], 1);
}

// ------------------------------------------------------------- the binary

fn iamscope() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_iamscope"));
    command.env_clear();
    if let Ok(path) = std::env::var("PATH") {
        command.env("PATH", path);
    }
    command.envs(dummy_env());
    command
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn snapshot_of_an_unreachable_endpoint_exits_incomplete() {
    // A port that was just free: nothing listens there.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dir = temp_dir("unreachable");
    let output = iamscope()
        .args(["snapshot", "--out"])
        .arg(&dir)
        .args([
            "--endpoint-url",
            &format!("http://127.0.0.1:{port}"),
            "--max-attempts",
            "1",
        ])
        .output()
        .unwrap();
    let text = stderr(&output);
    assert_eq!(output.status.code(), Some(3), "{text}");
    assert!(text.contains("incomplete"), "{text}");
    assert!(
        text.contains("every IAM role, user, group and customer managed policy"),
        "{text}"
    );
    assert!(
        text.contains("every resource tag in region `us-east-1`"),
        "{text}"
    );
    assert!(
        !text.contains("wJalrXUtnFEMI"),
        "the secret key leaked: {text}"
    );
    let failures = std::fs::read_to_string(dir.join(FAILURES_FILE)).unwrap();
    assert!(
        failures.contains("unreachable") || failures.contains("other"),
        "{failures}"
    );
    assert!(!load_snapshot(&[dir]).unwrap().is_complete());
}

#[test]
fn snapshot_with_denied_tags_exits_3_unless_partial_is_allowed() {
    let (url, _) = fake_server(|s| fake_aws(s, &tags_denied));
    let dir = temp_dir("denied-cli");
    let run = |extra: &[&str]| {
        iamscope()
            .args(["snapshot", "--out"])
            .arg(&dir)
            .args(["--endpoint-url", &url, "--max-attempts", "1"])
            .args(extra)
            .output()
            .unwrap()
    };
    let output = run(&[]);
    let text = stderr(&output);
    assert_eq!(output.status.code(), Some(3), "{text}");
    assert!(
        text.contains("GetResources in `us-east-1` was denied"),
        "{text}"
    );
    let output = run(&["--allow-partial"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(dir.join(FAILURES_FILE).is_file());
}

#[test]
fn permissions_prints_the_committed_policy() {
    let output = iamscope().arg("permissions").output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let printed: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let committed: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/iam-policy-for-iamscope.json"),
        )
        .unwrap(),
    )
    .unwrap();
    assert_eq!(printed, committed);
}

// ------------------------------------------------------------------- moto

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn answers(url: &str) -> bool {
    let Some(addr) = url.strip_prefix("http://") else {
        return false;
    };
    addr.parse()
        .ok()
        .and_then(|addr| TcpStream::connect_timeout(&addr, Duration::from_secs(2)).ok())
        .is_some()
}

/// The moto server's URL, starting it when needed; `None` (after a loud
/// SKIP) when it cannot run outside CI.
fn moto() -> Option<&'static str> {
    static URL: OnceLock<Option<String>> = OnceLock::new();
    URL.get_or_init(|| {
        if let Ok(url) = std::env::var("IAMSCOPE_MOTO_URL") {
            return Some(url);
        }
        let file = root().join("target/moto.url");
        let known = || {
            std::fs::read_to_string(&file)
                .ok()
                .map(|u| u.trim().to_string())
                .filter(|u| answers(u))
        };
        if let Some(url) = known() {
            return Some(url);
        }
        let status = Command::new("bash")
            .arg(root().join("scripts/moto-server.sh"))
            .arg("start")
            .status();
        if let Some(url) = known() {
            return Some(url);
        }
        let why = format!("cannot start moto with scripts/moto-server.sh ({status:?})");
        assert!(std::env::var_os("CI").is_none(), "{why}");
        eprintln!("\n*** SKIP: {why}: the live tests against moto did not run ***\n");
        None
    })
    .as_deref()
}

/// Creates, in moto account `account`, the resources of a Chalk deployment
/// (one role as documented, one drifted), other roles, and tagged and
/// mistagged resources in two regions; prints the auditor's access key.
const SEED: &str = r#"
import json, sys, boto3
cfg = json.load(open(sys.argv[1]))
def client(service, region="us-east-1"):
    c = boto3.client(service, region_name=region, endpoint_url=cfg["url"],
                     aws_access_key_id="AKIAIOSFODNN7EXAMPLE", aws_secret_access_key="x")
    def header(request, **kwargs):
        request.headers["x-moto-account-id"] = cfg["account"]
    c.meta.events.register("before-sign.*.*", header)
    return c
iam = client("iam")
p = cfg["prefix"]
iam.create_user(UserName="auditor")
key = iam.create_access_key(UserName="auditor")["AccessKey"]
iam.create_role(RoleName=p + "-chalk-scoped", AssumeRolePolicyDocument=cfg["trust"])
iam.put_role_policy(RoleName=p + "-chalk-scoped", PolicyName="chalk", PolicyDocument=cfg["scoped"])
iam.create_role(RoleName=p + "-chalk-drifted", AssumeRolePolicyDocument=cfg["trust"])
iam.put_role_policy(RoleName=p + "-chalk-drifted", PolicyName="chalk", PolicyDocument=cfg["drifted"])
local = iam.create_policy(PolicyName=p + "-local", PolicyDocument=cfg["local"])["Policy"]["Arn"]
for i in range(cfg["others"]):
    name = "%s-other-%d" % (p, i)
    iam.create_role(RoleName=name, AssumeRolePolicyDocument=cfg["ec2_trust"],
                    Tags=[{"Key": "team", "Value": "data"}])
    if i == 0:
        iam.attach_role_policy(RoleName=name, PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess")
        iam.attach_role_policy(RoleName=name, PolicyArn=local)
managed = [{"Key": "chalk.ai/managed-by", "Value": "chalk"}]
wrong = [{"Key": "chalk.ai/managed-by", "Value": "someone-else"}]
for region in cfg["regions"]:
    ddb = client("dynamodb", region)
    for name, tags in [("chalk-" + p + "-features", managed), ("chalk-" + p + "-mistagged", wrong)]:
        ddb.create_table(TableName=name, BillingMode="PAY_PER_REQUEST",
                         AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                         KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}], Tags=tags)
    sqs = client("sqs", region)
    sqs.create_queue(QueueName="chalk-" + p + "-queue", tags={"chalk.ai/managed-by": "chalk"})
    sqs.create_queue(QueueName=p + "-untagged-queue", tags={"owner": "web"})
s3 = client("s3")
bucket = "chalk-%s-%s-bucket" % (p, cfg["account"])
s3.create_bucket(Bucket=bucket)
s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": managed})
print(json.dumps({"key": key["AccessKeyId"], "secret": key["SecretAccessKey"]}))
"#;

/// A moto account id no earlier run or other test used: moto keeps what
/// earlier runs created for as long as it runs.
fn fresh_account() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64;
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    format!("2{:011}", (nanos / 1000 + n * 7919) % 100_000_000_000)
}

struct Seeded {
    key: String,
    secret: String,
}

fn seed(url: &str, account: &str, prefix: &str, others: usize) -> Seeded {
    let params = Params::new()
        .with("AWS_REGION", "us-east-1")
        .with("AWS_ACCOUNT_ID", account)
        .with("EXTERNAL_ID", "chalk-external-id-1234");
    let scoped = render("chalk:scoped-execution", &params).unwrap();
    let trust = render("chalk:trust", &params).unwrap();
    let mut drifted: serde_json::Value = serde_json::from_str(&scoped).unwrap();
    drifted["Statement"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({
            "Sid": "Drift", "Effect": "Allow", "Action": "s3:*", "Resource": "*"
        }));
    let config = serde_json::json!({
        "url": url,
        "account": account,
        "prefix": prefix,
        "trust": trust,
        "scoped": scoped,
        "drifted": drifted.to_string(),
        "local": r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sqs:SendMessage","Resource":"*"}]}"#,
        "ec2_trust": TRUST,
        "others": others,
        "regions": ["us-east-1", "eu-west-1"],
    });
    let dir = temp_dir(&format!("seed-{prefix}"));
    std::fs::create_dir_all(&dir).unwrap();
    let config_file = dir.join("seed.json");
    std::fs::write(&config_file, config.to_string()).unwrap();
    let script = dir.join("seed.py");
    std::fs::write(&script, SEED).unwrap();
    let output = Command::new(root().join("target/moto-venv/bin/python"))
        .arg(&script)
        .arg(&config_file)
        .output()
        .unwrap();
    assert!(output.status.success(), "seed failed: {}", stderr(&output));
    let keys: BTreeMap<String, String> = serde_json::from_slice(&output.stdout).unwrap();
    Seeded {
        key: keys["key"].clone(),
        secret: keys["secret"].clone(),
    }
}

fn snapshot_from_moto(url: &str, seeded: &Seeded, dir: &Path) -> Output {
    iamscope()
        .env("AWS_ACCESS_KEY_ID", &seeded.key)
        .env("AWS_SECRET_ACCESS_KEY", &seeded.secret)
        .args(["snapshot", "--out"])
        .arg(dir)
        .args([
            "--endpoint-url",
            url,
            "--tag-regions",
            "us-east-1,eu-west-1",
        ])
        .output()
        .unwrap()
}

#[test]
fn snapshot_of_a_moto_account_holds_what_was_created() {
    let Some(url) = moto() else { return };
    let account = fresh_account();
    let account = account.as_str();
    let seeded = seed(url, account, "snap", 3);
    let dir = temp_dir("moto-snapshot");
    let output = snapshot_from_moto(url, &seeded, &dir);
    let text = stderr(&output);
    assert_eq!(output.status.code(), Some(0), "{text}");
    assert!(
        !text.contains(&seeded.secret),
        "the secret key leaked: {text}"
    );
    assert!(dir.join(IAM_FILE).is_file());
    assert!(dir.join("tags-us-east-1.json").is_file());
    assert!(dir.join("tags-eu-west-1.json").is_file());
    assert!(!dir.join(FAILURES_FILE).exists());

    let loaded = load_snapshot(&[dir]).unwrap();
    assert!(loaded.is_complete());
    assert_eq!(loaded.account_id.as_deref(), Some(account));
    let mut roles: Vec<&str> = loaded.roles.iter().map(|r| r.name.as_str()).collect();
    roles.sort_unstable();
    assert_eq!(
        roles,
        [
            "snap-chalk-drifted",
            "snap-chalk-scoped",
            "snap-other-0",
            "snap-other-1",
            "snap-other-2"
        ]
    );
    // The documented policy comes back as it was put, as the same policy.
    let scoped = loaded.role("snap-chalk-scoped").unwrap();
    let expected = render(
        "chalk:scoped-execution",
        &Params::new()
            .with("AWS_REGION", "us-east-1")
            .with("AWS_ACCOUNT_ID", account),
    )
    .unwrap();
    let as_json = |text: &str| serde_json::from_str::<serde_json::Value>(text).unwrap();
    assert_eq!(as_json(&scoped.inline[0].1.text), as_json(&expected));
    assert!(scoped
        .trust_policy
        .text
        .contains("754784422779:role/chalk-api-server"));
    assert!(scoped.trust_policy.text.contains("chalk-external-id-1234"));
    let drifted = loaded.role("snap-chalk-drifted").unwrap();
    assert!(drifted.inline[0].1.text.contains("\"Drift\""));
    // The attached AWS managed policy was fetched, the customer one listed.
    let other = loaded.role("snap-other-0").unwrap();
    assert_eq!(other.attached.len(), 2);
    for arn in &other.attached {
        let policy = loaded
            .managed_policy(arn)
            .unwrap_or_else(|| panic!("{arn} missing"));
        assert!(
            policy.default_version_document.text.contains("Statement"),
            "{arn}"
        );
    }
    assert!(loaded
        .managed_policy("arn:aws:iam::aws:policy/ReadOnlyAccess")
        .is_some_and(|p| p.is_aws_managed));
    // Only attached AWS policies, not the ~1,500 moto loads.
    assert!(
        loaded.managed_policies.len() <= 2,
        "{}",
        loaded.managed_policies.len()
    );
    assert_eq!(loaded.role("snap-other-1").unwrap().tags["team"], "data");

    // Tagged and mistagged resources of both regions, the bucket once.
    let tag = |arn_part: &str| -> Option<String> {
        let found: Vec<_> = loaded
            .resources
            .iter()
            .filter(|r| r.arn.ends_with(arn_part))
            .collect();
        assert!(found.len() <= 1, "{arn_part} listed {} times", found.len());
        found.first().map(|r| {
            r.tags
                .get("chalk.ai/managed-by")
                .cloned()
                .unwrap_or_default()
        })
    };
    for region in ["us-east-1", "eu-west-1"] {
        let table = format!("dynamodb:{region}:{account}:table/chalk-snap-features");
        let found = loaded.resources.iter().find(|r| r.arn.contains(&table));
        assert_eq!(
            found
                .and_then(|r| r.tags.get("chalk.ai/managed-by"))
                .map(String::as_str),
            Some("chalk"),
            "{table} in {:?}",
            loaded.resources.iter().map(|r| &r.arn).collect::<Vec<_>>()
        );
        let mistagged = format!("dynamodb:{region}:{account}:table/chalk-snap-mistagged");
        let found = loaded.resources.iter().find(|r| r.arn.contains(&mistagged));
        assert_eq!(
            found
                .and_then(|r| r.tags.get("chalk.ai/managed-by"))
                .map(String::as_str),
            Some("someone-else")
        );
        let queue = format!("sqs:{region}:{account}:chalk-snap-queue");
        assert!(
            loaded.resources.iter().any(|r| r.arn.contains(&queue)),
            "{queue}"
        );
    }
    assert_eq!(
        tag(&format!(":::chalk-snap-{account}-bucket")).as_deref(),
        Some("chalk")
    );
}

#[test]
fn snapshot_of_a_moto_account_is_refused_when_tags_are_denied() {
    // moto answers IAM, and the fake server stands in for a tagging API that denies.
    let Some(url) = moto() else { return };
    let account = fresh_account();
    let seeded = seed(url, &account, "deny", 0);
    let moto_url = url.to_string();
    let (proxy, _) = fake_server(move |seen| {
        if seen.target.contains("GetResources") {
            return tags_denied();
        }
        forward(&moto_url, &account, seen)
    });
    let dir = temp_dir("moto-denied");
    let output = snapshot_from_moto(&proxy, &seeded, &dir);
    let text = stderr(&output);
    assert_eq!(output.status.code(), Some(3), "{text}");
    assert!(
        text.contains("every resource tag in region `eu-west-1`"),
        "{text}"
    );
    let loaded = load_snapshot(&[dir]).unwrap();
    assert_eq!(loaded.incomplete.len(), 2, "{:?}", loaded.incomplete);
    assert!(loaded.role("deny-chalk-scoped").is_some());
}

/// Sends an IAM query request on to moto in `account` (moto does not check
/// signatures; `x-moto-account-id` picks the account).
fn forward(url: &str, account: &str, seen: &Seen) -> Answer {
    let addr = url.trim_start_matches("http://");
    let Ok(mut stream) = TcpStream::connect(addr) else {
        return (502, "text/plain", "moto unreachable".to_string());
    };
    let _ = write!(
        stream,
        "POST / HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         Authorization: AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20240101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=x\r\n\
         x-moto-account-id: {account}\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{}",
        seen.body.len(),
        seen.body
    );
    let mut response = String::new();
    let _ = stream.read_to_string(&mut response);
    let (head, body) = response.split_once("\r\n\r\n").unwrap_or(("", ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(502);
    (status, "text/xml", body.to_string())
}

#[test]
fn snapshot_assumes_the_audit_role_when_asked() {
    let Some(url) = moto() else { return };
    let account = fresh_account();
    let seeded = seed(url, &account, "assume", 0);
    let dir = temp_dir("moto-assume");
    let role = format!("arn:aws:iam::{account}:role/assume-chalk-scoped");
    let output = iamscope()
        .env("AWS_ACCESS_KEY_ID", &seeded.key)
        .env("AWS_SECRET_ACCESS_KEY", &seeded.secret)
        .args(["snapshot", "--out"])
        .arg(&dir)
        .args(["--endpoint-url", url, "--role-arn", &role])
        .args(["--external-id", "chalk-external-id-1234"])
        .output()
        .unwrap();
    let text = stderr(&output);
    assert_eq!(output.status.code(), Some(0), "{text}");
    assert!(!text.contains("chalk-external-id-1234"), "{text}");
    let loaded = load_snapshot(&[dir]).unwrap();
    assert_eq!(loaded.account_id.as_deref(), Some(account.as_str()));
    assert!(loaded.role("assume-chalk-drifted").is_some());
}

/// Runs `iamscope audit` with `source` (snapshot or live flags) and returns its JSON.
fn audit_json(seeded: &Seeded, source: &[&str]) -> (i32, serde_json::Value) {
    let output = iamscope()
        .env("AWS_ACCESS_KEY_ID", &seeded.key)
        .env("AWS_SECRET_ACCESS_KEY", &seeded.secret)
        .arg("audit")
        .args(source)
        .args([
            "--region",
            "us-east-1",
            "--external-id",
            "chalk-external-id-1234",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let json = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", stderr(&output)));
    (output.status.code().unwrap_or(-1), json)
}

/// The findings of an audit report without their locations (a live read has no
/// files), in a canonical order.
fn findings_by_meaning(report: &serde_json::Value) -> Vec<(String, String, String)> {
    let mut out: Vec<(String, String, String)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or_default().to_string(),
                f["message"].as_str().unwrap_or_default().to_string(),
                f["subject"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn live_audit_reports_exactly_what_the_audit_of_its_snapshot_reports() {
    let Some(url) = moto() else { return };
    let account = fresh_account();
    let seeded = seed(url, &account, "same", 2);
    let dir = temp_dir("moto-live-vs-snapshot");
    let output = snapshot_from_moto(url, &seeded, &dir);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));

    let dir_text = dir.to_string_lossy().to_string();
    let (snapshot_code, from_snapshot) = audit_json(&seeded, &["--snapshot", &dir_text]);
    let (live_code, live) = audit_json(
        &seeded,
        &[
            "--live",
            "--endpoint-url",
            url,
            "--tag-regions",
            "us-east-1,eu-west-1",
        ],
    );
    assert_eq!(live_code, snapshot_code);
    assert_eq!(live["audit"], from_snapshot["audit"]);
    assert_eq!(
        findings_by_meaning(&live),
        findings_by_meaning(&from_snapshot)
    );
    // The drifted Chalk role's extra `s3:*` on `*` is found, with a witness.
    assert!(
        findings_by_meaning(&live)
            .iter()
            .any(|(rule, message, _)| rule == "grant-beyond-baseline" && message.contains("s3:")),
        "{:#?}",
        findings_by_meaning(&live)
    );
}
