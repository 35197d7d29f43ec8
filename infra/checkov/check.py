"""make checkov: checkov on template.yaml, every finding justified in infra/checkov/justified.yaml, every
justification still needed.

checkov runs with all its CloudFormation checks (none skipped on its command line) and reports its findings as
JSON. The test fails on a finding (a check on a resource) that justified.yaml does not list, and on an entry of
justified.yaml that checkov no longer finds (the template was fixed, or a resource renamed): the file says
exactly why each finding stays. checkov does not evaluate SAM's inline policies; internal/grants does.
"""
import fnmatch
import json
import os
import subprocess
import sys

import yaml

TEMPLATE = "template.yaml"
JUSTIFIED = "infra/checkov/justified.yaml"
# checkov beside the interpreter running this (the venv's), whatever the PATH.
CHECKOV = os.path.join(os.path.dirname(sys.executable), "checkov")


def main():
    out = subprocess.run(
        [CHECKOV, "-f", TEMPLATE, "--framework", "cloudformation",
         "--skip-download", "--compact", "--quiet", "--soft-fail", "-o", "json"],
        capture_output=True, text=True, check=False)
    try:
        report = json.loads(out.stdout)
    except json.JSONDecodeError:
        sys.exit(f"checkov did not answer JSON (exit {out.returncode}):\n{out.stdout}\n{out.stderr}")
    reports = report if isinstance(report, list) else [report]
    findings = {}
    for r in reports:
        if r.get("summary", {}).get("parsing_errors"):
            sys.exit(f"checkov could not parse {TEMPLATE}: {r['summary']}")
        for f in r.get("results", {}).get("failed_checks", []):
            findings.setdefault(f["check_id"], set()).add(f["resource"])
    with open(JUSTIFIED, encoding="utf-8") as fh:
        justified = yaml.safe_load(fh) or {}
    problems = []
    for check, entry in sorted(justified.items()):
        if not isinstance(entry, dict) or not str(entry.get("why", "")).strip() or not entry.get("resources"):
            problems.append(f"{JUSTIFIED}: {check} needs a why and its resources")
            continue
        for res in entry["resources"]:
            if not any(fnmatch.fnmatchcase(f, res) for f in findings.get(check, set())):
                problems.append(f"{JUSTIFIED}: {check} on {res} no longer fires: remove it")
    names = {f["check_id"]: f["check_name"] for r in reports for f in r.get("results", {}).get("failed_checks", [])}
    for check, resources in sorted(findings.items()):
        listed = (justified.get(check) or {}).get("resources") or []
        for res in sorted(r for r in resources if not any(fnmatch.fnmatchcase(r, p) for p in listed)):
            problems.append(f"{TEMPLATE}: {check} ({names[check]}) on {res}: fix it, or say why it stays in {JUSTIFIED}")
    total = sum(len(v) for v in findings.values())
    if problems:
        print("\n".join(problems))
        sys.exit(f"checkov: {len(problems)} problem(s)")
    print(f"checkov {TEMPLATE}: {total} finding(s) of {len(findings)} check(s), each justified in {JUSTIFIED}")


if __name__ == "__main__":
    main()
