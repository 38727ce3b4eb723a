#!/usr/bin/env python3
"""Regenerates the Chalk baseline policies in this folder from the text of
Chalk's "Deploying Chalk to your AWS account" page (saved as plain text).

Usage: python3 rules/chalk/extract.py REFERENCE.txt

The page's JSON blocks are printed back to back. This script cuts them out,
repairs the two syntax slips in the broad policy (a missing comma after
"application-autoscaling:*", a trailing comma after "route53:*"), replaces
the documented placeholders with the profile's parameters, and writes the
documents with two-space indentation. Content is otherwise kept as written,
including the duplicated iam:CreateServiceLinkedRole in the broad policy and
the literal us-east-1 region of the logs policy.
"""

import json
import pathlib
import sys


def cut(text, start_marker, end_marker):
    start = text.index(start_marker)
    end = text.index(end_marker, start)
    return text[start:end]


def main():
    src = pathlib.Path(sys.argv[1]).read_text(encoding="utf-8")
    out = pathlib.Path(__file__).resolve().parent

    trust = cut(src, '{\n"Version": "2012-10-17",\n"Statement": [\n{\n"Effect": "Allow",\n"Principal"', '}{\n"Statement"') + "}"
    trust = trust.replace("<your-chalk-external-id>", "${EXTERNAL_ID}")

    broad = cut(src, '{\n"Statement": [\n{\n"Resource": "*"', "cloudwatch: The metrics")
    broad = broad.replace('"application-autoscaling:*"\n"elasticache', '"application-autoscaling:*",\n"elasticache')
    broad = broad.replace('"route53:*",\n]', '"route53:*"\n]')

    scoped = cut(src, '{\n"Version": "2012-10-17",\n"Statement": [\n{\n"Sid": "ChalkManagedResources"', "Note that most permissions")

    logs = cut(src, '{\n"Statement": [\n{\n"Action": [\n"logs:TestMetricFilter"', "Chalk will create the underlying VPC")
    logs = logs.replace("<your account id>", "${AWS_ACCOUNT_ID}").replace("<the log group path>", "${LOG_GROUP}")

    for name, text in (
        ("trust", trust),
        ("broad-provisioning", broad),
        ("scoped-execution", scoped),
        ("logs-read", logs),
    ):
        doc = json.loads(text)
        (out / f"{name}.json").write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
