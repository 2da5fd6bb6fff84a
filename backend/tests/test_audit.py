"""scripts/audit.py: a vulnerability fails, an index without per-version JSON is said apart."""

import importlib.util
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "audit.py"


@pytest.fixture(scope="module")
def audit() -> ModuleType:
    spec = importlib.util.spec_from_file_location("audit_script", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def not_found(name: str, version: str) -> dict[str, Any]:
    """A package as pip-audit 2.x reports one it could not look up (its exact wording)."""
    reason = f"Dependency not found on PyPI and could not be audited: {name} ({version})"
    return {"name": name, "skip_reason": reason}


def checked(name: str, version: str, *vuln_ids: str) -> dict[str, Any]:
    vulns = [{"id": v, "fix_versions": ["9.9"], "aliases": [], "description": ""} for v in vuln_ids]
    return {"name": name, "version": version, "vulns": vulns}


def index_without_json(name: str, version: str) -> tuple[int, int]:
    return 404, 200


def index_with_json(name: str, version: str) -> tuple[int, int]:
    return 200, 200


def test_nothing_checkable_on_an_index_without_json_is_no_finding(audit: ModuleType) -> None:
    report = {"dependencies": [not_found("altair", "6.3.0"), not_found("anyio", "4.12.0")]}
    result = audit.verdict(report, index_without_json)
    assert result.code == audit.CANNOT_AUDIT_HERE == 3
    assert "Audit not possible here (no finding)" in result.message
    assert "https://pypi.org/pypi/altair/6.3.0/json answers 404" in result.message
    assert "GitHub Actions" in result.message


def test_a_vulnerability_fails_even_when_other_packages_could_not_be_checked(
    audit: ModuleType,
) -> None:
    report = {
        "dependencies": [checked("jinja2", "3.1.0", "GHSA-h5c8-rqwp-cp95"), not_found("x", "1")]
    }
    result = audit.verdict(report, index_without_json)
    assert result.code == 1
    assert "jinja2 3.1.0: GHSA-h5c8-rqwp-cp95 (fixed in 9.9)" in result.message


@pytest.mark.parametrize(
    ("dependencies", "probe"),
    [
        # Some packages checked, one not: a package missing from PyPI, not a machine without JSON.
        ([checked("anyio", "4.12.0"), not_found("private-pkg", "1.0")], index_without_json),
        # Nothing found although the index does serve the JSON: something else is wrong.
        ([not_found("altair", "6.3.0")], index_with_json),
    ],
)
def test_an_incomplete_audit_fails(
    audit: ModuleType, dependencies: list[dict[str, Any]], probe: Any
) -> None:
    result = audit.verdict({"dependencies": dependencies}, probe)
    assert result.code == 1
    assert result.message.startswith("Incomplete audit")


def test_a_complete_clean_audit_passes(audit: ModuleType) -> None:
    report = {"dependencies": [checked("anyio", "4.12.0"), checked("altair", "6.3.0")]}
    assert audit.verdict(report, index_without_json).code == 0


class _Index(BaseHTTPRequestHandler):
    """Simple pages for every package, no JSON API: what the project's machines' index does."""

    def do_GET(self) -> None:
        self.send_response(200 if self.path.startswith("/simple/") else 404)
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def index() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Index)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.mark.timeout(30)
def test_the_probe_reads_both_answers_over_http(audit: ModuleType, index: str) -> None:
    assert audit.probe_index("altair", "6.3.0", base=index) == (404, 200)
    assert audit.probe_index("altair", "6.3.0", base="http://127.0.0.1:9") == (0, 0)
