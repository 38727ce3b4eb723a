//! The demo account `fixtures/demo-account/`: account 111122223333 with a
//! Chalk deployment in us-east-1 next to a few dozen unrelated customer
//! roles. Each part is there to produce (or not produce) a finding; the
//! folder's README lists them.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use iamscope::baseline::{render, Params};
use serde_json::{json, Value};

use crate::common::{
    aws_managed_policy, encode_documents, group, managed_policy, tagged, tagging_page, user,
    write_json, AuthPage, Rng, RoleSpec,
};

pub const ACCOUNT: &str = "111122223333";
pub const REGION: &str = "us-east-1";
pub const EXTERNAL_ID: &str = "chalk-ext-7f3a9c";
pub const LOG_GROUP: &str = "/aws/eks/chalk-prod/cluster";
const CHALK_API_SERVER: &str = "arn:aws:iam::754784422779:role/chalk-api-server";

/// The AWS managed policies the demo attaches: name, path, default version.
/// Their documents are AWS's, read from the moto corpus (`scripts/fetch-corpus.py`).
pub const AWS_MANAGED: &[(&str, &str, &str)] = &[
    ("AdministratorAccess", "/", "v1"),
    ("ReadOnlyAccess", "/", "v190"),
    ("PowerUserAccess", "/", "v12"),
    ("AmazonEKSWorkerNodePolicy", "/", "v3"),
    ("AmazonEKS_CNI_Policy", "/", "v6"),
    ("AmazonEKSClusterPolicy", "/", "v10"),
    ("AmazonEC2ContainerRegistryReadOnly", "/", "v3"),
    ("AmazonSSMManagedInstanceCore", "/", "v2"),
    ("AmazonS3ReadOnlyAccess", "/", "v3"),
    ("AWSLambdaBasicExecutionRole", "/service-role/", "v1"),
    ("AWSLambdaVPCAccessExecutionRole", "/service-role/", "v3"),
    ("AmazonECSTaskExecutionRolePolicy", "/service-role/", "v1"),
    ("AmazonRDSEnhancedMonitoringRole", "/service-role/", "v1"),
    ("AWSGlueServiceRole", "/service-role/", "v5"),
];

fn aws(name: &str) -> String {
    let path = AWS_MANAGED
        .iter()
        .find(|(n, _, _)| *n == name)
        .map_or("/", |(_, path, _)| path);
    format!("arn:aws:iam::aws:policy{path}{name}")
}

fn local(name: &str) -> String {
    format!("arn:aws:iam::{ACCOUNT}:policy/{name}")
}

fn doc(statements: Value) -> Value {
    json!({"Version": "2012-10-17", "Statement": statements})
}

fn allow(actions: Value, resources: Value) -> Value {
    json!({"Effect": "Allow", "Action": actions, "Resource": resources})
}

fn service_trust(service: &str) -> Value {
    doc(json!([{
        "Effect": "Allow",
        "Principal": {"Service": service},
        "Action": "sts:AssumeRole"
    }]))
}

fn chalk_trust() -> Result<Value, String> {
    rendered("chalk:trust")
}

fn params() -> Params {
    Params::new()
        .with("AWS_REGION", REGION)
        .with("AWS_ACCOUNT_ID", ACCOUNT)
        .with("EXTERNAL_ID", EXTERNAL_ID)
        .with("LOG_GROUP", LOG_GROUP)
}

/// A documented Chalk policy rendered for the demo account.
pub fn rendered(id: &str) -> Result<Value, String> {
    let text = render(id, &params()).map_err(|e| format!("cannot render `{id}`: {e}"))?;
    serde_json::from_str(&text).map_err(|e| format!("rendered `{id}` is not json: {e}"))
}

fn statements(policy: &Value) -> Vec<Value> {
    policy["Statement"].as_array().cloned().unwrap_or_default()
}

fn sid_is(statement: &Value, sid: &str) -> bool {
    statement["Sid"] == json!(sid)
}

fn sorted_strings(value: &Value) -> Value {
    let mut items: Vec<String> = match value {
        Value::String(s) => vec![s.clone()],
        Value::Array(a) => a
            .iter()
            .filter_map(|v| v.as_str().map(String::from))
            .collect(),
        _ => Vec::new(),
    };
    items.sort();
    json!(items)
}

/// The documented scoped policy, meaning unchanged, text rewritten the way a
/// Terraform module would print it: statements reordered, new Sids, sorted
/// lists, one statement split in two, condition values as one-element lists.
fn scoped_reformatted() -> Result<Value, String> {
    let documented = statements(&rendered("chalk:scoped-execution")?);
    let find = |sid: &str| {
        documented
            .iter()
            .find(|s| sid_is(s, sid))
            .cloned()
            .ok_or_else(|| format!("documented scoped policy has no statement `{sid}`"))
    };
    let rewrite = |s: &Value, sid: &str| {
        let mut out = serde_json::Map::new();
        out.insert("Effect".into(), s["Effect"].clone());
        out.insert("Action".into(), sorted_strings(&s["Action"]));
        out.insert("Resource".into(), sorted_strings(&s["Resource"]));
        if let Some(condition) = s.get("Condition") {
            let mut condition = condition.clone();
            if let Some(value) =
                condition.pointer_mut("/StringEquals/aws:ResourceTag~1chalk.ai~1managed-by")
            {
                *value = json!([value.clone()]);
            }
            out.insert("Condition".into(), condition);
        }
        out.insert("Sid".into(), json!(sid));
        Value::Object(out)
    };
    let global = find("ChalkGlobalDescribe")?;
    let token = json!({
        "Effect": "Allow",
        "Action": "ecr:GetAuthorizationToken",
        "Resource": "*",
        "Sid": "EcrLogin"
    });
    let mut describe = rewrite(&global, "DescribeAnywhere");
    describe["Action"] = json!(["ec2:Describe*", "logs:DescribeLogGroups"]);
    let statements = vec![
        describe,
        rewrite(&find("ChalkUntaggedResources")?, "NameScopedResources"),
        rewrite(&find("ChalkManagedResources")?, "TagScopedResources"),
        token,
        rewrite(&find("ChalkDescribeResources")?, "TagScopedDescribe"),
    ];
    Ok(json!({"Statement": statements, "Version": "2012-10-17"}))
}

/// The documented scoped policy with the drift the README describes.
fn scoped_drifted() -> Result<Value, String> {
    let mut policy = rendered("chalk:scoped-execution")?;
    let Some(Value::Array(list)) = policy.get_mut("Statement") else {
        return Err("documented scoped policy has no statement list".into());
    };
    for statement in list.iter_mut() {
        if sid_is(statement, "ChalkManagedResources") {
            if let Some(Value::Object(condition)) = statement.get_mut("Condition") {
                if let Some(test) = condition.remove("StringEquals") {
                    condition.insert("StringEqualsIfExists".into(), test);
                }
            }
            if let Some(Value::Array(resources)) = statement.get_mut("Resource") {
                for resource in resources {
                    if resource.as_str()
                        == Some("arn:aws:dynamodb:us-east-1:111122223333:table/chalk*")
                    {
                        *resource = json!("arn:aws:dynamodb:us-east-1:111122223333:table/*");
                    }
                }
            }
        }
    }
    list.push(json!({
        "Sid": "ChalkPassRoles",
        "Effect": "Allow",
        "Action": "iam:PassRole",
        "Resource": "*"
    }));
    Ok(policy)
}

/// The role a `chalk` name or trust marks as Chalk's: four of them.
fn chalk_roles() -> Result<Vec<RoleSpec>, String> {
    let no_external_id = doc(json!([{
        "Effect": "Allow",
        "Principal": {"AWS": CHALK_API_SERVER},
        "Action": "sts:AssumeRole"
    }]));
    Ok(vec![
        RoleSpec::new("ChalkScopedExecutionRole", chalk_trust()?)
            .describe("Chalk ongoing maintenance (scoped)")
            .inline("chalk-scoped-execution", scoped_reformatted()?)
            .tag("chalk.ai/managed-by", "chalk")
            .tag("managed-by", "terraform"),
        RoleSpec::new("ChalkLogsReaderRole", chalk_trust()?)
            .describe("Chalk web UI reads the engine logs")
            .inline("chalk-logs-read", rendered("chalk:logs-read")?)
            .tag("chalk.ai/managed-by", "chalk"),
        RoleSpec::new("ChalkScopedExecutionRole-legacy", chalk_trust()?)
            .describe("Chalk maintenance role from the 2023 deployment; hand-edited since")
            .inline("chalk-scoped-execution", scoped_drifted()?)
            .attach(&aws("AdministratorAccess"))
            .tag("chalk.ai/managed-by", "chalk"),
        RoleSpec::new("ChalkProvisioningRole", no_external_id)
            .describe("Chalk initial provisioning")
            .inline(
                "chalk-broad-provisioning",
                rendered("chalk:broad-provisioning")?,
            )
            .tag("chalk.ai/managed-by", "chalk"),
    ])
}

fn github_oidc_trust(repo: &str) -> Value {
    doc(json!([{
        "Effect": "Allow",
        "Principal": {"Federated": format!("arn:aws:iam::{ACCOUNT}:oidc-provider/token.actions.githubusercontent.com")},
        "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": {
            "StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
            "StringLike": {"token.actions.githubusercontent.com:sub": format!("repo:acme-corp/{repo}:ref:refs/heads/main")}
        }
    }]))
}

fn lambda_role(name: &str, statements: Value, vpc: bool) -> RoleSpec {
    let managed = if vpc {
        "AWSLambdaVPCAccessExecutionRole"
    } else {
        "AWSLambdaBasicExecutionRole"
    };
    RoleSpec::new(name, service_trust("lambda.amazonaws.com"))
        .path("/service-role/")
        .attach(&aws(managed))
        .inline(&format!("{name}-access"), doc(statements))
        .tag("team", "commerce")
        .tag("env", "prod")
}

/// The customer's own roles, unrelated to Chalk.
fn customer_roles() -> Vec<RoleSpec> {
    let a = |s: &str| format!("arn:aws:{s}");
    let acct = ACCOUNT;
    let root_mfa_trust = doc(json!([{
        "Effect": "Allow",
        "Principal": {"AWS": format!("arn:aws:iam::{acct}:root")},
        "Action": "sts:AssumeRole",
        "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}
    }]));
    let sso_trust = doc(json!([{
        "Effect": "Allow",
        "Principal": {"Federated": format!("arn:aws:iam::{acct}:saml-provider/AWSSSO_5b1c2d3e4f_DO_NOT_DELETE")},
        "Action": ["sts:AssumeRoleWithSAML", "sts:TagSession"],
        "Condition": {"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}}
    }]));
    vec![
        // CI/CD
        RoleSpec::new("github-actions-deploy", github_oidc_trust("storefront"))
            .describe("GitHub Actions deploys the storefront")
            .attach(&local("ci-deploy-artifacts"))
            .inline("ecs-deploy", doc(json!([
                allow(json!(["ecs:UpdateService", "ecs:DescribeServices", "ecs:RegisterTaskDefinition", "ecs:DescribeTaskDefinition"]), json!("*")),
                {"Sid": "PassAnyRole", "Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}
            ])))
            .tag("team", "platform"),
        RoleSpec::new("terraform-apply", doc(json!([{
            "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::444455556666:role/atlantis"},
            "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"sts:ExternalId": "atlantis-prod-3b8e"}}
        }])))
            .describe("Atlantis in the tooling account applies Terraform")
            .attach(&aws("PowerUserAccess"))
            .inline("iam-for-terraform", doc(json!([allow(
                json!(["iam:CreateRole", "iam:DeleteRole", "iam:AttachRolePolicy", "iam:DetachRolePolicy", "iam:PutRolePolicy", "iam:DeleteRolePolicy", "iam:GetRole", "iam:PassRole", "iam:TagRole"]),
                json!(a(&format!("iam::{acct}:role/app-*")))
            )])))
            .tag("team", "platform"),
        RoleSpec::new("ci-image-builder", github_oidc_trust("base-images"))
            .inline("ecr-push", doc(json!([
                allow(json!("ecr:GetAuthorizationToken"), json!("*")),
                allow(json!(["ecr:BatchCheckLayerAvailability", "ecr:InitiateLayerUpload", "ecr:UploadLayerPart", "ecr:CompleteLayerUpload", "ecr:PutImage"]),
                      json!(a(&format!("ecr:us-east-1:{acct}:repository/base/*"))))
            ])))
            .tag("team", "platform"),
        // Data science
        RoleSpec::new("ds-notebook-execution", service_trust("sagemaker.amazonaws.com"))
            .describe("SageMaker notebooks of the data-science team")
            .attach(&aws("AmazonS3ReadOnlyAccess"))
            .attach(&local("data-lake-read"))
            .inline("athena-queries", doc(json!([
                allow(json!(["athena:StartQueryExecution", "athena:GetQueryExecution", "athena:GetQueryResults", "glue:GetTable", "glue:GetDatabase", "glue:GetPartitions"]), json!("*")),
                allow(json!(["s3:PutObject", "s3:GetObject"]), json!("arn:aws:s3:::acme-athena-results/*"))
            ])))
            .tag("team", "data-science"),
        RoleSpec::new("ds-training-jobs", service_trust("sagemaker.amazonaws.com"))
            .attach(&local("data-lake-read"))
            .inline("model-artifacts", doc(json!([
                allow(json!(["s3:PutObject", "s3:GetObject", "s3:ListBucket"]), json!(["arn:aws:s3:::acme-ml-models", "arn:aws:s3:::acme-ml-models/*"])),
                allow(json!(["ecr:GetAuthorizationToken", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]), json!("*"))
            ])))
            .tag("team", "data-science"),
        RoleSpec::new("glue-etl-nightly", service_trust("glue.amazonaws.com"))
            .path("/service-role/")
            .attach(&aws("AWSGlueServiceRole"))
            .attach(&local("data-lake-read"))
            .inline("write-curated", doc(json!([allow(json!(["s3:PutObject", "s3:DeleteObject"]), json!("arn:aws:s3:::acme-data-lake/curated/*"))])))
            .tag("team", "data-eng"),
        // Lambda
        lambda_role("orders-processor", json!([
            allow(json!(["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:Query"]), json!(a(&format!("dynamodb:us-east-1:{acct}:table/orders")))),
            allow(json!(["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"]), json!(a(&format!("sqs:us-east-1:{acct}:orders-events"))))
        ]), false),
        lambda_role("image-resizer", json!([
            allow(json!("s3:GetObject"), json!("arn:aws:s3:::acme-uploads/*")),
            allow(json!("s3:PutObject"), json!("arn:aws:s3:::acme-thumbnails/*"))
        ]), false),
        lambda_role("payments-webhook", json!([
            allow(json!("secretsmanager:GetSecretValue"), json!(a(&format!("secretsmanager:us-east-1:{acct}:secret:payments/stripe-webhook-*")))),
            allow(json!(["dynamodb:PutItem", "dynamodb:GetItem"]), json!(a(&format!("dynamodb:us-east-1:{acct}:table/payments-prod"))))
        ]), true),
        lambda_role("report-exporter", json!([
            allow(json!(["rds-data:ExecuteStatement", "rds-data:BatchExecuteStatement"]), json!(a(&format!("rds:us-east-1:{acct}:cluster:reporting")))),
            allow(json!("s3:PutObject"), json!("arn:aws:s3:::acme-reports/*")),
            allow(json!("kms:Decrypt"), json!(a(&format!("kms:us-east-1:{acct}:key/2f6d1c8e-4b0a-4d57-9a3e-7c1b5e2f9d40"))))
        ]), true),
        lambda_role("cost-tagger", json!([
            {"Sid": "TagEverything", "Effect": "Allow", "Action": ["tag:TagResources", "tag:UntagResources", "tag:GetResources"], "Resource": "*"}
        ]), false),
        // EKS and EC2
        RoleSpec::new("eks-cluster-role", service_trust("eks.amazonaws.com"))
            .attach(&aws("AmazonEKSClusterPolicy"))
            .tag("team", "platform"),
        RoleSpec::new("eks-node-group-general", service_trust("ec2.amazonaws.com"))
            .attach(&aws("AmazonEKSWorkerNodePolicy"))
            .attach(&aws("AmazonEKS_CNI_Policy"))
            .attach(&aws("AmazonEC2ContainerRegistryReadOnly"))
            .attach(&aws("AmazonSSMManagedInstanceCore"))
            .tag("team", "platform"),
        RoleSpec::new("ec2-bastion", service_trust("ec2.amazonaws.com"))
            .attach(&aws("AmazonSSMManagedInstanceCore"))
            .tag("team", "platform"),
        RoleSpec::new("ecs-task-execution", service_trust("ecs-tasks.amazonaws.com"))
            .attach(&aws("AmazonECSTaskExecutionRolePolicy"))
            .inline("pull-secrets", doc(json!([allow(json!("secretsmanager:GetSecretValue"), json!(a(&format!("secretsmanager:us-east-1:{acct}:secret:ecs/*"))))]))),
        RoleSpec::new("checkout-api-task", service_trust("ecs-tasks.amazonaws.com"))
            .inline("checkout", doc(json!([
                allow(json!(["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:UpdateItem"]), json!([
                    a(&format!("dynamodb:us-east-1:{acct}:table/carts")),
                    a(&format!("dynamodb:us-east-1:{acct}:table/orders"))
                ])),
                allow(json!("sqs:SendMessage"), json!(a(&format!("sqs:us-east-1:{acct}:orders-events"))))
            ])))
            .boundary(&local("app-permissions-boundary"))
            .tag("team", "commerce"),
        RoleSpec::new("rds-enhanced-monitoring", service_trust("monitoring.rds.amazonaws.com"))
            .attach(&aws("AmazonRDSEnhancedMonitoringRole")),
        RoleSpec::new("s3-replication-eu", service_trust("s3.amazonaws.com"))
            .inline("replicate", doc(json!([
                allow(json!(["s3:GetReplicationConfiguration", "s3:ListBucket"]), json!("arn:aws:s3:::acme-data-lake")),
                allow(json!(["s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl"]), json!("arn:aws:s3:::acme-data-lake/*")),
                allow(json!(["s3:ReplicateObject", "s3:ReplicateDelete"]), json!("arn:aws:s3:::acme-data-lake-eu/*"))
            ]))),
        // People
        RoleSpec::new("security-auditor", doc(json!([{
            "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::999988887777:role/security-tooling"},
            "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"sts:ExternalId": "sec-audit-91c4"}}
        }])))
            .describe("read-only access for the security account")
            .attach(&aws("ReadOnlyAccess"))
            .tag("team", "security"),
        RoleSpec::new("break-glass-admin", root_mfa_trust.clone())
            .describe("emergency access; alarms on use")
            .attach(&aws("AdministratorAccess"))
            .tag("team", "security"),
        RoleSpec::new("legacy-ops-admin", root_mfa_trust)
            .describe("pre-SSO operations role, pending removal")
            .inline("everything", doc(json!([{"Effect": "Allow", "Action": "*:*", "Resource": "*"}])))
            .tag("team", "ops"),
        RoleSpec::new("support-engineer", sso_trust.clone())
            .path("/aws-reserved/sso.amazonaws.com/")
            .inline("all-but-iam", doc(json!([{
                "Sid": "EverythingButIam",
                "Effect": "Allow",
                "NotAction": ["iam:*", "organizations:*", "account:*"],
                "Resource": "*"
            }]))),
        RoleSpec::new("AWSReservedSSO_Developer_8f2a61c9d4e7b305", sso_trust)
            .path("/aws-reserved/sso.amazonaws.com/")
            .attach(&aws("PowerUserAccess"))
            .boundary(&local("app-permissions-boundary")),
        RoleSpec::new("partner-analytics-import", doc(json!([{
            "Effect": "Allow",
            "Principal": {"AWS": "*"},
            "Action": "sts:AssumeRole"
        }])))
            .describe("vendor uploads usage exports (set up in a hurry)")
            .inline("write-imports", doc(json!([allow(json!(["s3:PutObject", "s3:ListBucket"]), json!(["arn:aws:s3:::acme-partner-imports", "arn:aws:s3:::acme-partner-imports/*"]))]))),
        RoleSpec::new("metrics-exporter", doc(json!([{
            "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::444455556666:role/grafana"},
            "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"sts:ExternalId": "grafana-7c21"}}
        }])))
            .inline("read-metrics", doc(json!([allow(json!(["cloudwatch:GetMetricData", "cloudwatch:ListMetrics", "cloudwatch:DescribeAlarms", "logs:StartQuery", "logs:GetQueryResults", "tag:GetResources"]), json!("*"))]))),
        RoleSpec::new("backup-operator", service_trust("backup.amazonaws.com"))
            .inline("backup", doc(json!([
                allow(json!(["dynamodb:CreateBackup", "dynamodb:DescribeTable", "rds:CreateDBSnapshot", "rds:DescribeDBInstances", "ec2:CreateSnapshot", "ec2:DescribeVolumes"]), json!("*")),
                allow(json!("ec2:CreateTags"), json!(a("ec2:*::snapshot/*")))
            ]))),
        RoleSpec::new("kms-key-admin", doc(json!([{
            "Effect": "Allow",
            "Principal": {"AWS": format!("arn:aws:iam::{acct}:root")},
            "Action": "sts:AssumeRole"
        }])))
            .inline("key-admin", doc(json!([allow(
                json!(["kms:Create*", "kms:Describe*", "kms:Enable*", "kms:List*", "kms:Put*", "kms:Update*", "kms:Revoke*", "kms:Disable*", "kms:Get*", "kms:TagResource", "kms:UntagResource", "kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion"]),
                json!(a(&format!("kms:*:{acct}:key/*")))
            )]))),
    ]
}

/// `(name, versions oldest first, default index)`: the customer managed policies.
fn customer_policies() -> Vec<(String, Vec<Value>, usize)> {
    let bucket = |name: &str| {
        json!([
            format!("arn:aws:s3:::{name}"),
            format!("arn:aws:s3:::{name}/*")
        ])
    };
    vec![
        (
            "ci-deploy-artifacts".into(),
            vec![
                // v1 and v2 are kept by IAM but grant nothing: only v3 counts.
                doc(json!([allow(json!("s3:*"), json!("*"))])),
                doc(json!([allow(json!(["s3:*"]), bucket("acme-artifacts"))])),
                doc(json!([allow(json!(["s3:PutObject", "s3:GetObject", "s3:ListBucket"]), bucket("acme-artifacts"))])),
            ],
            2,
        ),
        (
            "data-lake-read".into(),
            vec![
                doc(json!([allow(json!(["s3:GetObject", "s3:ListBucket"]), bucket("acme-data-lake"))])),
                doc(json!([
                    allow(json!(["s3:GetObject", "s3:ListBucket"]), bucket("acme-data-lake")),
                    allow(json!("kms:Decrypt"), json!(format!("arn:aws:kms:us-east-1:{ACCOUNT}:key/9b4e3a71-0c2d-4f8e-b6a5-1d7c3e9f2a84")))
                ])),
            ],
            1,
        ),
        (
            "app-permissions-boundary".into(),
            vec![doc(json!([
                allow(json!(["s3:*", "dynamodb:*", "sqs:*", "sns:*", "logs:*", "cloudwatch:*", "secretsmanager:GetSecretValue", "kms:Decrypt", "ecs:*", "ecr:*", "lambda:*"]), json!("*")),
                {"Sid": "NoIamChanges", "Effect": "Deny", "Action": ["iam:*", "organizations:*"], "Resource": "*"}
            ]))],
            0,
        ),
        (
            "ec2-tagging".into(),
            vec![
                doc(json!([allow(json!(["ec2:CreateTags", "ec2:DeleteTags"]), json!(format!("arn:aws:ec2:us-east-1:{ACCOUNT}:instance/*")))])),
                doc(json!([allow(json!(["ec2:CreateTags", "ec2:DeleteTags", "ec2:DescribeTags"]), json!("*"))])),
            ],
            1,
        ),
        (
            "self-service-credentials".into(),
            vec![doc(json!([allow(
                json!(["iam:ChangePassword", "iam:CreateAccessKey", "iam:DeleteAccessKey", "iam:ListAccessKeys", "iam:EnableMFADevice", "iam:ListMFADevices"]),
                json!(format!("arn:aws:iam::{ACCOUNT}:user/${{aws:username}}"))
            )]))],
            0,
        ),
    ]
}

/// Users and groups.
fn users_and_groups(rng: &mut Rng) -> (Vec<Value>, Vec<Value>) {
    let none: &[(String, Value)] = &[];
    let groups = vec![
        group(rng, ACCOUNT, "admins", none, &[aws("AdministratorAccess")]),
        group(
            rng,
            ACCOUNT,
            "developers",
            none,
            &[aws("PowerUserAccess"), local("self-service-credentials")],
        ),
        group(
            rng,
            ACCOUNT,
            "auditors",
            none,
            &[aws("ReadOnlyAccess"), local("self-service-credentials")],
        ),
        group(
            rng,
            ACCOUNT,
            "ops",
            &[(
                "instance-tagging".into(),
                doc(
                    json!([{"Sid": "TagAnyInstance", "Effect": "Allow", "Action": ["ec2:CreateTags", "ec2:DescribeInstances"], "Resource": "*"}]),
                ),
            )],
            &[local("self-service-credentials")],
        ),
    ];
    let users = vec![
        user(
            rng,
            ACCOUNT,
            "alice.nguyen",
            &["admins"],
            none,
            &[],
            None,
            &[("team", "platform")],
        ),
        user(
            rng,
            ACCOUNT,
            "bob.martinez",
            &["developers"],
            none,
            &[],
            Some(&local("app-permissions-boundary")),
            &[("team", "commerce")],
        ),
        user(
            rng,
            ACCOUNT,
            "carol.smith",
            &["ops"],
            none,
            &[local("ec2-tagging")],
            None,
            &[("team", "ops")],
        ),
        user(
            rng,
            ACCOUNT,
            "dmitri.ivanov",
            &["auditors"],
            none,
            &[],
            None,
            &[("team", "security")],
        ),
        user(
            rng,
            ACCOUNT,
            "svc-tag-sync",
            &[],
            &[(
                "tag-sync".into(),
                doc(json!([allow(
                    json!([
                        "tag:TagResources",
                        "tag:GetResources",
                        "tag:GetTagKeys",
                        "tag:GetTagValues"
                    ]),
                    json!("*")
                )])),
            )],
            &[],
            None,
            &[("owner", "finops")],
        ),
        user(
            rng,
            ACCOUNT,
            "svc-legacy-backup",
            &[],
            &[(
                "s3-backup".into(),
                doc(json!([allow(
                    json!(["s3:PutObject", "s3:GetObject", "s3:ListBucket"]),
                    json!(["arn:aws:s3:::acme-backups", "arn:aws:s3:::acme-backups/*"])
                )])),
            )],
            &[],
            None,
            &[],
        ),
    ];
    (users, groups)
}

const MANAGED: (&str, &str) = ("chalk.ai/managed-by", "chalk");

/// The tagged resources, per file name.
fn resources() -> Vec<(String, Vec<Value>)> {
    let r = |region: &str, rest: &str| {
        format!(
            "arn:aws:{}:{region}:{ACCOUNT}:{}",
            rest.split_once(':').map_or("", |p| p.0),
            rest.split_once(':').map_or(rest, |p| p.1)
        )
    };
    let us = |rest: &str| r("us-east-1", rest);
    let eu = |rest: &str| r("eu-west-1", rest);
    let chalk_env: &[(&str, &str)] = &[MANAGED, ("chalk.ai/environment", "prod")];
    let chalk: Vec<Value> = vec![
        tagged(&us("dynamodb:table/chalk-online-store"), chalk_env),
        tagged(&us("dynamodb:table/chalk-offline-metadata"), chalk_env),
        tagged(&us("sqs:chalk-ingest"), chalk_env),
        tagged(&us("sqs:chalk-results"), chalk_env),
        tagged(
            "arn:aws:s3:::chalk-prod-offline-store-111122223333",
            chalk_env,
        ),
        tagged(
            "arn:aws:s3:::chalk-prod-query-results-111122223333",
            chalk_env,
        ),
        tagged(
            &us("kms:key/6c1f0e2a-93b7-4d58-a1e4-0b8d2c7f5e13"),
            &[MANAGED, ("Name", "chalk-prod-secrets")],
        ),
        tagged(
            &us("secretsmanager:secret:chalk/prod/metadata-db-credentials-Xk29Pq"),
            chalk_env,
        ),
        tagged(
            &us("secretsmanager:secret:chalk/prod/api-signing-key-3fTb8Z"),
            chalk_env,
        ),
        tagged(&us("rds:db:chalk-metadata-prod"), chalk_env),
        tagged(&us("rds:subgrp:chalk-metadata-subnets"), chalk_env),
        tagged(
            &us("elasticache:replicationgroup:chalk-online-cache"),
            chalk_env,
        ),
        tagged(&us("elasticache:cluster:chalk-online-cache-001"), chalk_env),
        tagged(
            &us("eks:cluster/chalk-prod"),
            &[
                MANAGED,
                ("chalk.ai/environment", "prod"),
                ("kubernetes.io/cluster/chalk-prod", "owned"),
            ],
        ),
        tagged(
            &us("eks:nodegroup/chalk-prod/engine/4ec6a1b2-77d3-2f0e-9b1a-5d8c3e6f0a12"),
            chalk_env,
        ),
        tagged(&us("logs:log-group:/aws/eks/chalk-prod/cluster"), chalk_env),
        tagged(&us("logs:log-group:/chalk/prod/engine"), chalk_env),
        tagged(
            &us("ec2:vpc/vpc-0c4d9a1b2e3f40567"),
            &[MANAGED, ("Name", "chalk-prod")],
        ),
        tagged(
            &us("ec2:subnet/subnet-0a1b2c3d4e5f60718"),
            &[MANAGED, ("Name", "chalk-prod-private-a")],
        ),
        tagged(
            &us("ec2:subnet/subnet-0f9e8d7c6b5a40312"),
            &[MANAGED, ("Name", "chalk-prod-private-b")],
        ),
        tagged(
            &us("ec2:security-group/sg-0d2e4f6a8b0c13579"),
            &[MANAGED, ("Name", "chalk-prod-engine")],
        ),
        tagged(
            &us("ec2:instance/i-0a7c3e5b9d1f24680"),
            &[
                MANAGED,
                ("Name", "chalk-prod-engine"),
                ("eks:cluster-name", "chalk-prod"),
            ],
        ),
        tagged(
            &us("ec2:instance/i-0b8d4f6a0c2e35791"),
            &[
                MANAGED,
                ("Name", "chalk-prod-engine"),
                ("eks:cluster-name", "chalk-prod"),
            ],
        ),
    ];
    let mut us_page1 = chalk;
    us_page1.extend([
        // The wrongly tagged non-Chalk table: the scoped role can act on it.
        tagged(
            &us("dynamodb:table/payments-prod"),
            &[
                MANAGED,
                ("team", "payments"),
                ("data-classification", "pci"),
            ],
        ),
        // Chalk-named but untagged: the scoped role cannot act on it.
        tagged(
            &us("dynamodb:table/chalk-backfill-staging"),
            &[("team", "ml-platform"), ("env", "staging")],
        ),
    ]);
    let app: &[(&str, &str)] = &[("team", "commerce"), ("env", "prod")];
    let data: &[(&str, &str)] = &[("team", "data-eng"), ("env", "prod")];
    let us_page2 = vec![
        tagged(&us("dynamodb:table/orders"), app),
        tagged(&us("dynamodb:table/carts"), app),
        tagged(
            &us("dynamodb:table/sessions"),
            &[("team", "commerce"), ("env", "prod"), ("ttl", "enabled")],
        ),
        tagged(&us("sqs:orders-events"), app),
        tagged(&us("sqs:orders-events-dlq"), app),
        tagged(&us("sqs:email-outbound"), &[("team", "growth")]),
        tagged("arn:aws:s3:::acme-data-lake", data),
        tagged("arn:aws:s3:::acme-artifacts", &[("team", "platform")]),
        tagged("arn:aws:s3:::acme-uploads", app),
        tagged("arn:aws:s3:::acme-thumbnails", app),
        tagged("arn:aws:s3:::acme-cloudtrail-logs", &[("team", "security")]),
        tagged(
            &us("kms:key/2f6d1c8e-4b0a-4d57-9a3e-7c1b5e2f9d40"),
            &[("team", "data-eng"), ("Name", "reporting")],
        ),
        tagged(
            &us("kms:key/9b4e3a71-0c2d-4f8e-b6a5-1d7c3e9f2a84"),
            &[("team", "data-eng"), ("Name", "data-lake")],
        ),
        tagged(
            &us("secretsmanager:secret:payments/stripe-webhook-a8Kd2L"),
            &[("team", "payments")],
        ),
        tagged(&us("secretsmanager:secret:ecs/checkout-api-db-7QwErT"), app),
        tagged(&us("rds:db:storefront-prod"), app),
        tagged(&us("rds:cluster:reporting"), data),
        tagged(&us("elasticache:replicationgroup:storefront-sessions"), app),
        tagged(
            &us("eks:cluster/platform-prod"),
            &[("team", "platform"), ("env", "prod")],
        ),
        tagged(&us("logs:log-group:/aws/lambda/orders-processor"), app),
        tagged(
            &us("logs:log-group:/aws/lambda/payments-webhook"),
            &[("team", "payments")],
        ),
        tagged(&us("logs:log-group:/ecs/checkout-api"), app),
        tagged(
            &us("ec2:vpc/vpc-0123456789abcdef0"),
            &[("Name", "main-prod"), ("team", "platform")],
        ),
        tagged(
            &us("ec2:instance/i-0f1e2d3c4b5a69788"),
            &[("Name", "bastion"), ("team", "platform")],
        ),
        tagged(
            &us("ec2:security-group/sg-0a9b8c7d6e5f43210"),
            &[("Name", "storefront-alb")],
        ),
        tagged(
            &us("ec2:volume/vol-0e1d2c3b4a5968778"),
            &[("Name", "bastion-root")],
        ),
    ];
    let eu_page = vec![
        tagged(
            &eu("dynamodb:table/orders"),
            &[
                ("team", "commerce"),
                ("env", "prod"),
                ("replica-of", "us-east-1"),
            ],
        ),
        tagged(
            &eu("dynamodb:table/payments-prod"),
            &[("team", "payments"), ("data-classification", "pci")],
        ),
        tagged(&eu("sqs:orders-events"), app),
        tagged("arn:aws:s3:::acme-data-lake-eu", data),
        tagged(
            &eu("kms:key/0e5b7c9d-1a3f-4b6e-8d2c-4f7a9b1c3e50"),
            &[("team", "data-eng")],
        ),
        tagged(&eu("secretsmanager:secret:storefront/eu/db-Rt5Yu7"), app),
        tagged(&eu("rds:db:storefront-eu"), app),
        tagged(
            &eu("elasticache:replicationgroup:storefront-sessions-eu"),
            app,
        ),
        tagged(
            &eu("eks:cluster/platform-eu"),
            &[("team", "platform"), ("env", "prod")],
        ),
        tagged(&eu("logs:log-group:/ecs/checkout-api"), app),
        tagged(&eu("ec2:vpc/vpc-0fedcba9876543210"), &[("Name", "main-eu")]),
        // A Chalk resource outside the deployment region: tagged, but the
        // region-bound scoped policy cannot reach it.
        tagged(&eu("sqs:chalk-ingest-eu"), chalk_env),
    ];
    vec![
        ("tagging-us-east-1-page1.json".into(), us_page1),
        ("tagging-us-east-1-page2.json".into(), us_page2),
        ("tagging-eu-west-1.json".into(), eu_page),
    ]
}

/// Where the AWS managed documents come from: the moto corpus, or (without
/// it) the `Policies` of an existing demo folder.
fn aws_documents(corpus: &Path, existing: &Path) -> Result<BTreeMap<String, Value>, String> {
    let mut documents = BTreeMap::new();
    if corpus.is_dir() {
        for (name, _, _) in AWS_MANAGED {
            let path = corpus.join(format!("{name}.json"));
            let text = std::fs::read_to_string(&path)
                .map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
            let value: Value = serde_json::from_str(&text)
                .map_err(|e| format!("`{}` is not json: {e}", path.display()))?;
            documents.insert((*name).to_string(), value);
        }
        return Ok(documents);
    }
    let account = iamscope::account::load_snapshot(&[PathBuf::from(existing)]).map_err(|e| {
        format!(
            "no corpus at `{}` (run `python3 scripts/fetch-corpus.py`) and no demo to reuse: {e}",
            corpus.display()
        )
    })?;
    for policy in account.managed_policies.iter().filter(|p| p.is_aws_managed) {
        let value: Value = serde_json::from_str(&policy.default_version_document.text)
            .map_err(|e| format!("`{}` in the existing demo is not json: {e}", policy.arn))?;
        documents.insert(policy.name.clone(), value);
    }
    for (name, _, _) in AWS_MANAGED {
        if !documents.contains_key(*name) {
            return Err(format!(
                "no document for `{name}`: run `python3 scripts/fetch-corpus.py`"
            ));
        }
    }
    Ok(documents)
}

/// Writes the demo account into `out`.
pub fn write(out: &Path, corpus: &Path) -> Result<(), String> {
    let documents = aws_documents(corpus, out)?;
    let mut rng = Rng::new(0x1111_2222_3333);

    // Pages are contiguous runs of roles; the Chalk roles are spread over
    // both so that both document forms (encoded, object) carry one.
    let mut chalk = chalk_roles()?.into_iter();
    let mut customer = customer_roles().into_iter();
    let mut ordered: Vec<RoleSpec> = Vec::new();
    ordered.extend(customer.by_ref().take(12));
    ordered.extend(chalk.by_ref().take(2));
    ordered.extend(chalk);
    ordered.extend(customer);
    let split = 14;
    let mut roles: Vec<Value> = Vec::new();
    let mut attachment_counts: BTreeMap<String, usize> = BTreeMap::new();
    for spec in ordered {
        for arn in &spec.attached {
            *attachment_counts.entry(arn.clone()).or_default() += 1;
        }
        roles.push(spec.build(&mut rng, ACCOUNT));
    }
    let (users, groups) = users_and_groups(&mut rng);
    for entity in users.iter().chain(&groups) {
        if let Some(Value::Array(list)) = entity.get("AttachedManagedPolicies") {
            for item in list {
                if let Some(arn) = item["PolicyArn"].as_str() {
                    *attachment_counts.entry(arn.to_string()).or_default() += 1;
                }
            }
        }
    }

    let mut policies: Vec<Value> = Vec::new();
    for (name, versions, default) in customer_policies() {
        let arn = local(&name);
        let count = attachment_counts.get(&arn).copied().unwrap_or(0);
        policies.push(managed_policy(
            &mut rng, &arn, "/", &versions, default, count,
        ));
    }
    for (name, path, version) in AWS_MANAGED {
        let Some(document) = documents.get(*name) else {
            return Err(format!("no document for `{name}`"));
        };
        let mut policy = aws_managed_policy(&mut rng, name, path, version, document);
        policy["AttachmentCount"] = json!(attachment_counts.get(&aws(name)).copied().unwrap_or(0));
        policies.push(policy);
    }

    // Page 1: what the raw IAM API returns (URL-encoded documents); page 2:
    // what the aws CLI prints (documents as objects).
    let page2_roles = roles.split_off(split);
    let mut page1 = AuthPage {
        users,
        groups,
        roles,
        policies: Vec::new(),
        marker: Some("AAEAAZ2nLrQ6dK1mN4pXg7T0Yb3c5e8f".to_string()),
    };
    for entity in page1
        .users
        .iter_mut()
        .chain(page1.groups.iter_mut())
        .chain(page1.roles.iter_mut())
    {
        encode_documents(entity);
    }
    let page2 = AuthPage {
        users: Vec::new(),
        groups: Vec::new(),
        roles: page2_roles,
        policies,
        marker: None,
    };

    std::fs::create_dir_all(out).map_err(|e| format!("cannot create `{}`: {e}", out.display()))?;
    write_json(out, "auth-details-page1.json", &page1.to_json())?;
    write_json(out, "auth-details-page2.json", &page2.to_json())?;
    for (name, list) in resources() {
        let token = (name == "tagging-us-east-1-page1.json").then_some("eyJ0b2tlbiI6ICJwYWdlMiJ9");
        write_json(out, &name, &tagging_page(list, token))?;
    }
    Ok(())
}
