//! Synthetic accounts of any size, for benchmarks: many distinct customer
//! roles with inline and managed policies, a handful of Chalk roles, users,
//! groups, and tagged resources over many services and regions. The same
//! seed gives the same files.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::{json, Value};

use crate::common::{
    aws_managed_policy, encode_documents, group, managed_policy, tagged, tagging_page, user, uuid,
    write_json, AuthPage, Rng, RoleSpec, ALNUM, LOWER_HEX,
};
use crate::demo::{self, AWS_MANAGED};

/// What to generate.
pub struct Size {
    pub roles: usize,
    pub policies: usize,
    pub resources: usize,
    pub users: usize,
    pub groups: usize,
    pub page_size: usize,
    pub seed: u64,
    pub account: String,
}

const TEAMS: &[&str] = &[
    "payments",
    "checkout",
    "search",
    "growth",
    "identity",
    "platform",
    "data-eng",
    "ml",
    "billing",
    "fraud",
    "catalog",
    "mobile",
    "support",
    "finance",
    "security",
    "logistics",
];
const APPS: &[&str] = &[
    "api",
    "worker",
    "ingest",
    "scheduler",
    "etl",
    "webhook",
    "gateway",
    "indexer",
    "exporter",
    "notifier",
    "reconciler",
    "sync",
    "batch",
    "stream",
    "cache-warmer",
    "reporter",
];
const ENVS: &[&str] = &["prod", "staging", "dev"];
const KINDS: &[&str] = &[
    "lambda", "task", "service", "job", "deploy", "readonly", "node", "notebook",
];
const REGIONS: &[&str] = &[
    "us-east-1",
    "us-east-2",
    "us-west-2",
    "eu-west-1",
    "eu-central-1",
    "ap-southeast-2",
    "ap-northeast-1",
    "sa-east-1",
];

/// Per service: real action names, and how a resource of it is named.
const SERVICES: &[(&str, &[&str], &str)] = &[
    (
        "s3",
        &[
            "GetObject",
            "PutObject",
            "DeleteObject",
            "ListBucket",
            "GetBucketLocation",
            "GetObjectTagging",
        ],
        "s3",
    ),
    (
        "dynamodb",
        &[
            "GetItem",
            "PutItem",
            "UpdateItem",
            "DeleteItem",
            "Query",
            "Scan",
            "BatchGetItem",
            "BatchWriteItem",
            "DescribeTable",
        ],
        "table",
    ),
    (
        "sqs",
        &[
            "SendMessage",
            "ReceiveMessage",
            "DeleteMessage",
            "GetQueueAttributes",
            "ChangeMessageVisibility",
        ],
        "queue",
    ),
    (
        "sns",
        &["Publish", "Subscribe", "GetTopicAttributes"],
        "topic",
    ),
    (
        "kms",
        &["Decrypt", "Encrypt", "GenerateDataKey", "DescribeKey"],
        "key",
    ),
    (
        "secretsmanager",
        &["GetSecretValue", "DescribeSecret"],
        "secret",
    ),
    (
        "logs",
        &[
            "CreateLogStream",
            "PutLogEvents",
            "CreateLogGroup",
            "FilterLogEvents",
        ],
        "log-group",
    ),
    (
        "lambda",
        &["InvokeFunction", "GetFunction", "UpdateFunctionCode"],
        "function",
    ),
    (
        "ecr",
        &[
            "BatchGetImage",
            "GetDownloadUrlForLayer",
            "PutImage",
            "InitiateLayerUpload",
        ],
        "repository",
    ),
    (
        "rds",
        &[
            "DescribeDBInstances",
            "CreateDBSnapshot",
            "DescribeDBClusters",
        ],
        "db",
    ),
    (
        "elasticache",
        &["DescribeReplicationGroups", "DescribeCacheClusters"],
        "replicationgroup",
    ),
    (
        "states",
        &["StartExecution", "DescribeExecution"],
        "stateMachine",
    ),
    (
        "kinesis",
        &[
            "PutRecord",
            "PutRecords",
            "GetRecords",
            "GetShardIterator",
            "DescribeStream",
        ],
        "stream",
    ),
];

fn name(rng: &mut Rng) -> String {
    format!("{}-{}", rng.pick(TEAMS), rng.pick(APPS))
}

fn resource_arn(
    rng: &mut Rng,
    account: &str,
    service: &str,
    kind: &str,
    base: &str,
    region: &str,
) -> String {
    match kind {
        "s3" => format!("arn:aws:s3:::acme-{base}-{}", rng.token(LOWER_HEX, 6)),
        "table" => format!("arn:aws:dynamodb:{region}:{account}:table/{base}"),
        "queue" => format!("arn:aws:sqs:{region}:{account}:{base}"),
        "topic" => format!("arn:aws:sns:{region}:{account}:{base}"),
        "key" => format!("arn:aws:kms:{region}:{account}:key/{}", uuid(rng)),
        "secret" => format!(
            "arn:aws:secretsmanager:{region}:{account}:secret:{base}-{}",
            rng.token(ALNUM, 6)
        ),
        "log-group" => format!("arn:aws:logs:{region}:{account}:log-group:/aws/lambda/{base}"),
        "function" => format!("arn:aws:lambda:{region}:{account}:function:{base}"),
        "repository" => format!("arn:aws:ecr:{region}:{account}:repository/{base}"),
        "db" => format!("arn:aws:rds:{region}:{account}:db:{base}"),
        "replicationgroup" => {
            format!("arn:aws:elasticache:{region}:{account}:replicationgroup:{base}")
        }
        "stateMachine" => format!("arn:aws:states:{region}:{account}:stateMachine:{base}"),
        _ => format!("arn:aws:{service}:{region}:{account}:stream/{base}"),
    }
}

/// A plausible statement: a few actions of one service on a few named
/// resources, sometimes a wildcard or a condition.
fn statement(rng: &mut Rng, account: &str) -> Value {
    let (service, actions, kind) = *rng.pick(SERVICES);
    let count = rng.range(1, actions.len().min(5));
    let mut chosen: Vec<String> = Vec::new();
    for _ in 0..count {
        let action = format!("{service}:{}", rng.pick(actions));
        if !chosen.contains(&action) {
            chosen.push(action);
        }
    }
    let region = *rng.pick(&REGIONS[..4]);
    let resources: Vec<String> = if rng.chance(8) {
        vec!["*".to_string()]
    } else {
        (0..rng.range(1, 3))
            .map(|_| {
                let base = name(rng);
                let mut arn = resource_arn(rng, account, service, kind, &base, region);
                if kind == "s3" && rng.chance(50) {
                    arn.push_str("/*");
                }
                arn
            })
            .collect()
    };
    let mut statement = json!({
        "Effect": if rng.chance(4) { "Deny" } else { "Allow" },
        "Action": if chosen.len() == 1 { json!(chosen[0]) } else { json!(chosen) },
        "Resource": if resources.len() == 1 { json!(resources[0]) } else { json!(resources) },
    });
    if rng.chance(15) {
        statement["Condition"] = match rng.below(3) {
            0 => json!({"StringEquals": {"aws:RequestedRegion": region}}),
            1 => json!({"Bool": {"aws:SecureTransport": "true"}}),
            _ => json!({"StringEquals": {format!("aws:ResourceTag/team"): *rng.pick(TEAMS)}}),
        };
    }
    if rng.chance(30) {
        statement["Sid"] = json!(format!("Stmt{}", rng.token("0123456789", 13)));
    }
    statement
}

fn document(rng: &mut Rng, account: &str) -> Value {
    let statements: Vec<Value> = (0..rng.range(1, 4))
        .map(|_| statement(rng, account))
        .collect();
    json!({"Version": "2012-10-17", "Statement": statements})
}

fn trust(rng: &mut Rng, account: &str) -> Value {
    let statement = match rng.below(6) {
        0 | 1 => json!({
            "Effect": "Allow",
            "Principal": {"Service": *rng.pick(&["lambda.amazonaws.com", "ecs-tasks.amazonaws.com", "ec2.amazonaws.com", "glue.amazonaws.com", "sagemaker.amazonaws.com", "states.amazonaws.com"])},
            "Action": "sts:AssumeRole"
        }),
        2 => json!({
            "Effect": "Allow",
            "Principal": {"AWS": format!("arn:aws:iam::{}:root", rng.token("0123456789", 12))},
            "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"sts:ExternalId": rng.token(ALNUM, 16)}}
        }),
        3 => json!({
            "Effect": "Allow",
            "Principal": {"Federated": format!("arn:aws:iam::{account}:oidc-provider/token.actions.githubusercontent.com")},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {"StringLike": {"token.actions.githubusercontent.com:sub": format!("repo:acme-corp/{}:*", name(rng))}}
        }),
        4 => json!({
            "Effect": "Allow",
            "Principal": {"AWS": format!("arn:aws:iam::{account}:root")},
            "Action": "sts:AssumeRole",
            "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}
        }),
        _ => json!({
            "Effect": "Allow",
            "Principal": {"Federated": format!("arn:aws:iam::{account}:saml-provider/okta")},
            "Action": "sts:AssumeRoleWithSAML",
            "Condition": {"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}}
        }),
    };
    json!({"Version": "2012-10-17", "Statement": [statement]})
}

fn aws_arn(name: &str, path: &str) -> String {
    format!("arn:aws:iam::aws:policy{path}{name}")
}

/// Writes a synthetic account into `out`; `aws_documents` holds the AWS
/// managed documents by name (those of the demo).
pub fn write(
    out: &Path,
    size: &Size,
    aws_documents: &BTreeMap<String, Value>,
) -> Result<Summary, String> {
    let mut rng = Rng::new(size.seed);
    let account = size.account.as_str();
    let local_arns: Vec<String> = (0..size.policies)
        .map(|i| format!("arn:aws:iam::{account}:policy/{}-{i:05}", name(&mut rng)))
        .collect();

    // Chalk roles: the documented scoped, logs and provisioning roles, and a
    // few drifted copies, rendered for this account.
    let mut roles: Vec<Value> = Vec::new();
    let chalk_count = 3 + size.roles / 1000;
    let scoped = render_for("chalk:scoped-execution", account)?;
    let logs = render_for("chalk:logs-read", account)?;
    let broad = render_for("chalk:broad-provisioning", account)?;
    let chalk_trust = render_for("chalk:trust", account)?;
    for i in 0..chalk_count.min(size.roles) {
        let (role_name, doc_name, mut doc) = match i {
            0 => (
                "ChalkScopedExecutionRole".to_string(),
                "chalk-scoped-execution",
                scoped.clone(),
            ),
            1 => (
                "ChalkLogsReaderRole".to_string(),
                "chalk-logs-read",
                logs.clone(),
            ),
            2 => (
                "ChalkProvisioningRole".to_string(),
                "chalk-broad-provisioning",
                broad.clone(),
            ),
            _ => (
                format!("ChalkScopedExecutionRole-{i}"),
                "chalk-scoped-execution",
                scoped.clone(),
            ),
        };
        if i >= 3 && rng.chance(50) {
            if let Some(Value::Array(list)) = doc.get_mut("Statement") {
                list.push(json!({"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}));
            }
        }
        let spec = RoleSpec::new(&role_name, chalk_trust.clone())
            .inline(doc_name, doc)
            .tag("chalk.ai/managed-by", "chalk");
        roles.push(spec.build(&mut rng, account));
    }
    for i in roles.len()..size.roles {
        let base = name(&mut rng);
        let kind = *rng.pick(KINDS);
        let mut spec = RoleSpec::new(&format!("{base}-{kind}-{i:05}"), trust(&mut rng, account))
            .tag("team", base.split('-').next().unwrap_or("platform"))
            .tag("env", ENVS[rng.below(ENVS.len())]);
        for j in 0..rng.range(1, 5) {
            spec = spec.inline(&format!("{base}-{j}"), document(&mut rng, account));
        }
        if !local_arns.is_empty() {
            for _ in 0..rng.range(0, 3) {
                let arn = rng.pick(&local_arns).clone();
                if !spec.attached.contains(&arn) {
                    spec = spec.attach(&arn);
                }
            }
        }
        if rng.chance(40) {
            let (aws_name, path, _) = *rng.pick(AWS_MANAGED);
            spec = spec.attach(&aws_arn(aws_name, path));
        }
        if rng.chance(10) && !local_arns.is_empty() {
            let arn = rng.pick(&local_arns).clone();
            spec = spec.boundary(&arn);
        }
        roles.push(spec.build(&mut rng, account));
    }

    let group_names: Vec<String> = (0..size.groups)
        .map(|i| format!("{}-{i:04}", rng.pick(TEAMS)))
        .collect();
    let mut groups = Vec::new();
    for group_name in &group_names {
        let inline = vec![("team-access".to_string(), document(&mut rng, account))];
        let attached: Vec<String> = if local_arns.is_empty() {
            Vec::new()
        } else {
            vec![rng.pick(&local_arns).clone()]
        };
        groups.push(group(&mut rng, account, group_name, &inline, &attached));
    }
    let mut users = Vec::new();
    for i in 0..size.users {
        let user_name = format!(
            "{}.{}{i:05}",
            rng.token("abcdefghijklmnopqrstuvwxyz", 5),
            rng.token("abcdefghijklmnopqrstuvwxyz", 1)
        );
        let member: Vec<&str> = if group_names.is_empty() {
            Vec::new()
        } else {
            vec![rng.pick(&group_names).as_str()]
        };
        let inline = if rng.chance(20) {
            vec![("own".to_string(), document(&mut rng, account))]
        } else {
            Vec::new()
        };
        users.push(user(
            &mut rng,
            account,
            &user_name,
            &member,
            &inline,
            &[],
            None,
            &[],
        ));
    }

    let mut policies = Vec::new();
    for arn in &local_arns {
        let versions: Vec<Value> = (0..rng.range(1, 3))
            .map(|_| document(&mut rng, account))
            .collect();
        let default = rng.below(versions.len());
        policies.push(managed_policy(&mut rng, arn, "/", &versions, default, 1));
    }
    for (aws_name, path, version) in AWS_MANAGED {
        if let Some(doc) = aws_documents.get(*aws_name) {
            policies.push(aws_managed_policy(&mut rng, aws_name, path, version, doc));
        }
    }

    let summary = Summary {
        roles: roles.len(),
        users: users.len(),
        groups: groups.len(),
        policies: policies.len(),
        resources: size.resources,
        files: 0,
    };
    std::fs::create_dir_all(out).map_err(|e| format!("cannot create `{}`: {e}", out.display()))?;
    let mut files = write_auth_pages(
        out,
        size.page_size,
        users,
        groups,
        roles,
        policies,
        &mut rng,
    )?;
    files += write_resources(out, size, &mut rng)?;
    Ok(Summary { files, ..summary })
}

/// What was written.
pub struct Summary {
    pub roles: usize,
    pub users: usize,
    pub groups: usize,
    pub policies: usize,
    pub resources: usize,
    pub files: usize,
}

fn render_for(id: &str, account: &str) -> Result<Value, String> {
    let params = iamscope::baseline::Params::new()
        .with("AWS_REGION", "us-east-1")
        .with("AWS_ACCOUNT_ID", account)
        .with("EXTERNAL_ID", demo::EXTERNAL_ID)
        .with("LOG_GROUP", demo::LOG_GROUP);
    let text = iamscope::baseline::render(id, &params)
        .map_err(|e| format!("cannot render `{id}`: {e}"))?;
    serde_json::from_str(&text).map_err(|e| format!("rendered `{id}` is not json: {e}"))
}

/// Pages of `page_size` entities, users first, then groups, roles, policies;
/// even pages URL-encoded (raw API), odd pages objects (aws CLI).
fn write_auth_pages(
    out: &Path,
    page_size: usize,
    users: Vec<Value>,
    groups: Vec<Value>,
    roles: Vec<Value>,
    policies: Vec<Value>,
    rng: &mut Rng,
) -> Result<usize, String> {
    enum Kind {
        User,
        Group,
        Role,
        Policy,
    }
    let entities: Vec<(Kind, Value)> = users
        .into_iter()
        .map(|v| (Kind::User, v))
        .chain(groups.into_iter().map(|v| (Kind::Group, v)))
        .chain(roles.into_iter().map(|v| (Kind::Role, v)))
        .chain(policies.into_iter().map(|v| (Kind::Policy, v)))
        .collect();
    let pages = entities.len().div_ceil(page_size.max(1)).max(1);
    let mut iter = entities.into_iter();
    for index in 0..pages {
        let mut page = AuthPage {
            users: Vec::new(),
            groups: Vec::new(),
            roles: Vec::new(),
            policies: Vec::new(),
            marker: (index + 1 < pages).then(|| rng.token(ALNUM, 32)),
        };
        for (kind, mut value) in iter.by_ref().take(page_size.max(1)) {
            if index % 2 == 0 {
                encode_documents(&mut value);
            }
            match kind {
                Kind::User => page.users.push(value),
                Kind::Group => page.groups.push(value),
                Kind::Role => page.roles.push(value),
                Kind::Policy => page.policies.push(value),
            }
        }
        write_json(
            out,
            &format!("auth-details-{:04}.json", index + 1),
            &page.to_json(),
        )?;
    }
    Ok(pages)
}

const TAG_SERVICES: &[&str] = &[
    "dynamodb",
    "sqs",
    "s3",
    "kms",
    "secretsmanager",
    "rds",
    "elasticache",
    "eks",
    "logs",
    "ec2",
    "sns",
    "lambda",
    "ecr",
    "kinesis",
    "states",
];

fn write_resources(out: &Path, size: &Size, rng: &mut Rng) -> Result<usize, String> {
    let account = size.account.as_str();
    let mut by_region: BTreeMap<&str, Vec<Value>> = BTreeMap::new();
    for i in 0..size.resources {
        let region = if rng.chance(60) {
            "us-east-1"
        } else {
            *rng.pick(REGIONS)
        };
        let service = *rng.pick(TAG_SERVICES);
        let is_chalk = rng.chance(8);
        let base = if is_chalk {
            format!("chalk-{}-{i:06}", rng.pick(APPS))
        } else {
            format!("{}-{i:06}", name(rng))
        };
        let arn = match service {
            "ec2" => {
                format!(
                    "arn:aws:ec2:{region}:{account}:{}",
                    rng.pick(&[
                        "instance/i-0",
                        "volume/vol-0",
                        "security-group/sg-0",
                        "subnet/subnet-0"
                    ])
                ) + &rng.token(LOWER_HEX, 16)
            }
            "eks" => format!("arn:aws:eks:{region}:{account}:cluster/{base}"),
            "logs" => format!("arn:aws:logs:{region}:{account}:log-group:/app/{base}"),
            "s3" => format!("arn:aws:s3:::{base}"),
            "sqs" => format!("arn:aws:sqs:{region}:{account}:{base}"),
            "dynamodb" => format!("arn:aws:dynamodb:{region}:{account}:table/{base}"),
            "kms" => format!("arn:aws:kms:{region}:{account}:key/{}", uuid(rng)),
            "secretsmanager" => format!(
                "arn:aws:secretsmanager:{region}:{account}:secret:{base}-{}",
                rng.token(ALNUM, 6)
            ),
            "rds" => format!("arn:aws:rds:{region}:{account}:db:{base}"),
            "elasticache" => {
                format!("arn:aws:elasticache:{region}:{account}:replicationgroup:{base}")
            }
            "sns" => format!("arn:aws:sns:{region}:{account}:{base}"),
            "lambda" => format!("arn:aws:lambda:{region}:{account}:function:{base}"),
            "ecr" => format!("arn:aws:ecr:{region}:{account}:repository/{base}"),
            "kinesis" => format!("arn:aws:kinesis:{region}:{account}:stream/{base}"),
            _ => format!("arn:aws:states:{region}:{account}:stateMachine:{base}"),
        };
        let team = *rng.pick(TEAMS);
        let env = *rng.pick(ENVS);
        let mut tags: Vec<(&str, &str)> = vec![("team", team), ("env", env)];
        // Most Chalk resources carry the managed-by tag; a few do not, and a
        // few others wrongly do.
        if (is_chalk && !rng.chance(5)) || (!is_chalk && rng.chance(1)) {
            tags.push(("chalk.ai/managed-by", "chalk"));
        }
        by_region
            .entry(region)
            .or_default()
            .push(tagged(&arn, &tags));
    }
    let mut files = 0;
    for (region, list) in by_region {
        let chunks: Vec<Vec<Value>> = list
            .chunks(size.page_size.max(1))
            .map(<[Value]>::to_vec)
            .collect();
        let count = chunks.len();
        for (index, chunk) in chunks.into_iter().enumerate() {
            let token = (index + 1 < count).then(|| rng.token(ALNUM, 40));
            write_json(
                out,
                &format!("tagging-{region}-{:04}.json", index + 1),
                &tagging_page(chunk, token.as_deref()),
            )?;
            files += 1;
        }
    }
    Ok(files)
}
