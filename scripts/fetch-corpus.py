#!/usr/bin/env python3
"""Fetches the AWS managed policies that the PyPI package `moto` ships, at test time.

The policies are AWS's content, so they are not committed: this script downloads a
pinned moto wheel with pip (no install), reads the one JSON string inside
`moto/iam/aws_managed_policies.py`, and writes each policy's default document to
`.corpus/aws-managed/<PolicyName>.json`. Idempotent: does nothing when the corpus
for the pinned version is already there.

Usage: python3 scripts/fetch-corpus.py [--out DIR]
"""
import argparse
import json
import pathlib
import subprocess
import sys
import tempfile
import zipfile

MOTO_VERSION = "5.2.5"
MEMBER = "moto/iam/aws_managed_policies.py"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=".corpus/aws-managed")
    args = parser.parse_args()
    out = pathlib.Path(args.out)
    stamp = out / ".moto-version"
    if stamp.is_file() and stamp.read_text().strip() == MOTO_VERSION:
        return 0

    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
             "--only-binary=:all:", "-d", tmp, f"moto=={MOTO_VERSION}"],
            check=True,
        )
        wheel = next(pathlib.Path(tmp).glob("moto-*.whl"))
        with zipfile.ZipFile(wheel) as zf:
            source = zf.read(MEMBER).decode("utf-8")

    start = source.index('"""') + 3
    end = source.index('"""', start)
    policies = json.loads(source[start:end])

    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.json"):
        old.unlink()
    for name, entry in sorted(policies.items()):
        document = entry["Document"]
        (out / f"{name}.json").write_text(json.dumps(document, indent=2) + "\n")
    (out / "ORIGIN").write_text(
        f"AWS managed policies as shipped in moto {MOTO_VERSION} ({MEMBER}).\n"
        "Content by Amazon Web Services; fetched at test time, not committed.\n"
    )
    stamp.write_text(MOTO_VERSION + "\n")
    print(f"fetched {len(policies)} AWS managed policies into {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
