"""pip-audit of every package in uv.lock, telling a finding apart from an audit that cannot run here.

Usage: python scripts/audit.py [--ignore-vuln ID ...]   (what `make audit` runs; stdlib only)

Exit 0: every package was checked and none has a known vulnerability (ignored ids aside).
Exit 1: a vulnerability, or an incomplete audit (some packages could not be checked).
Exit 3: nothing could be checked because the package index serves no per-version JSON, which
pip-audit needs; that is no finding, and GitHub Actions' audit job is where the audit completes.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PYPI = "https://pypi.org"
NOT_FOUND = "Dependency not found on PyPI and could not be audited"
CANNOT_AUDIT_HERE = 3

type Probe = Callable[[str, str], tuple[int, int]]


@dataclass(frozen=True, slots=True)
class Verdict:
    code: int
    message: str


def http_status(url: str) -> int:
    """The HTTP status a GET of `url` answers, 0 if nothing answers."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - fixed https URLs
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0


def probe_index(name: str, version: str, base: str = PYPI) -> tuple[int, int]:
    """Status of the per-version JSON pip-audit asks for, and of the same package's simple page."""
    return (
        http_status(f"{base}/pypi/{name}/{version}/json"),
        http_status(f"{base}/simple/{name}/"),
    )


def verdict(report: dict[str, Any], probe: Probe) -> Verdict:
    """Judge pip-audit's JSON report (`-f json`, run without --strict)."""
    deps: list[dict[str, Any]] = report["dependencies"]
    vulnerable = [d for d in deps if d.get("vulns")]
    skipped = [d for d in deps if "skip_reason" in d]
    if vulnerable:
        lines = [
            f"  {d['name']} {d['version']}: {v['id']} (fixed in {', '.join(v['fix_versions']) or 'no release yet'})"
            for d in vulnerable
            for v in d["vulns"]
        ]
        unchecked = f"; {len(skipped)} packages could not be checked" if skipped else ""
        return Verdict(1, "Known vulnerabilities:\n" + "\n".join(lines) + unchecked)
    if not skipped:
        return Verdict(0, f"No known vulnerabilities in {len(deps)} packages.")
    reasons = "\n".join(f"  {d['skip_reason']}" for d in skipped)
    if len(skipped) == len(deps) and all(d["skip_reason"].startswith(NOT_FOUND) for d in skipped):
        name = skipped[0]["name"]
        version = re.findall(r"\(([^()]+)\)$", skipped[0]["skip_reason"])[-1]
        json_status, simple_status = probe(name, version)
        if json_status != 200 and simple_status == 200:
            return Verdict(
                CANNOT_AUDIT_HERE,
                f"Audit not possible here (no finding): none of {len(deps)} packages could be "
                f"checked. This machine's package index serves {name} {version} (its simple page "
                f"answers {simple_status}) but not the per-version JSON pip-audit reads "
                f"({PYPI}/pypi/{name}/{version}/json answers {json_status or 'nothing'}). The audit "
                "completes in GitHub Actions (the `audit` job of .github/workflows/test.yml), where "
                "PyPI's JSON API answers.",
            )
    return Verdict(1, f"Incomplete audit: {len(skipped)} of {len(deps)} not checked:\n{reasons}")


def run_pip_audit(uv: str, ignored: Sequence[str]) -> dict[str, Any]:
    """Export uv.lock's packages (with hashes) and audit them; pip-audit's JSON report."""
    with tempfile.TemporaryDirectory() as tmp:
        requirements, report = Path(tmp) / "requirements.txt", Path(tmp) / "report.json"
        export = [uv, "export", "--frozen", "--all-packages", "--no-emit-workspace", "-q"]
        subprocess.run([*export, "-o", str(requirements)], cwd=ROOT, check=True)  # noqa: S603
        audit = [uv, "tool", "run", "pip-audit", "-r", str(requirements), "--disable-pip"]
        audit += ["--progress-spinner", "off", "-f", "json", "-o", str(report)]
        audit += [arg for vuln in ignored for arg in ("--ignore-vuln", vuln)]
        # Its own summary ("No known vulnerabilities found") would mislead when nothing was
        # checked, so its output shows only if it fails to run. Exit 1 means vulnerabilities.
        done = subprocess.run(audit, cwd=ROOT, check=False, capture_output=True, text=True)  # noqa: S603
        if done.returncode not in (0, 1) or not report.exists():
            sys.exit(f"{done.stderr}pip-audit failed (exit {done.returncode})")
        result: dict[str, Any] = json.loads(report.read_text())
        return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ignore-vuln", action="append", default=[], metavar="ID")
    args = parser.parse_args()
    # `uv run` names itself in UV; make runs this script through it.
    uv = os.environ.get("UV") or shutil.which("uv") or str(ROOT / ".tools" / "bin" / "uv")
    result = verdict(run_pip_audit(uv, args.ignore_vuln), probe_index)
    print(result.message, file=sys.stderr if result.code else sys.stdout)
    return result.code


if __name__ == "__main__":
    sys.exit(main())
