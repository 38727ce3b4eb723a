"""Creates N IAM roles in a fresh moto account, for measuring a live scan.

Usage: target/moto-venv/bin/python scripts/moto-seed-roles.py URL ACCOUNT N

Each role has a trust policy, one inline policy, and every tenth role the AWS
managed policy ReadOnlyAccess attached. Prints the access key of an `auditor`
user of that account as `export` lines for the shell.
"""

import json
import sys

import boto3

url, account, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
iam = boto3.client(
    "iam",
    region_name="us-east-1",
    endpoint_url=url,
    aws_access_key_id="AKIAIOSFODNN7EXAMPLE",
    aws_secret_access_key="x",
)
iam.meta.events.register(
    "before-sign.*.*", lambda request, **_: request.headers.__setitem__("x-moto-account-id", account)
)
trust = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ],
    }
)
for i in range(count):
    name = "role-%04d" % i
    iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust)
    document = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bucket-%d/*" % i}],
    }
    iam.put_role_policy(RoleName=name, PolicyName="inline", PolicyDocument=json.dumps(document))
    if i % 10 == 0:
        iam.attach_role_policy(RoleName=name, PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess")
iam.create_user(UserName="auditor")
key = iam.create_access_key(UserName="auditor")["AccessKey"]
print("export AWS_ACCESS_KEY_ID=%s AWS_SECRET_ACCESS_KEY=%s" % (key["AccessKeyId"], key["SecretAccessKey"]))
