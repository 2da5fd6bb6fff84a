"""Start the real stack (Redis when REDIS_URL is set, backend, frontend), check it over HTTP, stop it.

Run with `uv run python scripts/test_integration.py`. Exits non-zero on the first failed check.
With `--backend URL [--frontend URL] --api-key KEY` it checks a stack already running instead (the
images under `docker compose up`, in .github/workflows/images.yml); stdlib only, so any Python runs it.
Grows with the stack: add a check when a feature lands.
"""

import argparse
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

API_KEY = "integration-key-0123456789"
TEXT = (
    "The Golden Gate Bridge was completed in 1937 after four years of construction. "
    "It spans the Golden Gate strait at the entrance to San Francisco Bay. "
    "Its towers rise 227 meters above the water, and it is painted international orange."
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def call(url: str, body: dict[str, Any] | None = None, *, key: str | None) -> tuple[int, Any]:
    """(status, parsed JSON or text) of one HTTP request."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method="POST" if data else "GET")  # noqa: S310 - http:// URLs the caller gives
    request.add_header("Content-Type", "application/json")
    if key:
        request.add_header("X-API-Key", key)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - same
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, raw = error.code, error.read()
    try:
        return status, json.loads(raw)
    except ValueError:
        return status, raw.decode(errors="replace")


def wait_until(check: Callable[[], bool], what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"FAIL: {what} did not come up within {timeout:.0f} s")


@contextmanager
def process(argv: list[str], env: dict[str, str]) -> Iterator[subprocess.Popen[bytes]]:
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # noqa: S603 - fixed argv
    try:
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def check(name: str, ok: bool, detail: object = "") -> None:
    print(f"  {'ok  ' if ok else 'FAIL'} {name}")
    if not ok:
        raise SystemExit(f"FAIL: {name}: {detail}")


def run_checks(backend: str, frontend: str, key: str) -> None:
    """Every check, over HTTP, against a backend and a frontend already running."""
    wait_until(lambda: call(f"{backend}/v1/health", key=None)[0] == 200, "backend")
    status, health = call(f"{backend}/v1/health", key=None)
    check("health is public and healthy", status == 200 and health["status"] == "healthy", health)
    status, _ = call(f"{backend}/v1/text_processing/operations", key="wrong")
    check("a wrong key is refused", status == 401, status)
    for operation in ("summarize", "sentiment", "key_points", "questions", "qa"):
        body = {"text": TEXT, "operation": operation, "question": "How tall are the towers?"}
        status, data = call(f"{backend}/v1/text_processing/process", body, key=key)
        check(f"{operation} answers", status == 200 and data["success"], data)
    status, data = call(
        f"{backend}/v1/text_processing/process", {"text": "short", "operation": "qa"}, key=key
    )
    check("bad input is a 422 naming the field", status == 422 and "text" in data["error"], data)
    batch = {"requests": [{"text": TEXT, "operation": "sentiment"}] * 3, "batch_id": "it-1"}
    status, data = call(f"{backend}/v1/text_processing/batch_process", batch, key=key)
    check("batch completes every item", status == 200 and data["completed"] == 3, data)
    status, data = call(f"{backend}/v1/text_processing/batch_status/it-1", key=key)
    check("batch outcome is stored", status == 200 and data["batch_id"] == "it-1", data)
    wait_until(lambda: call(f"{frontend}/_stcore/health", key=None)[0] == 200, "frontend")
    check("frontend serves its health endpoint", True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", metavar="URL", help="check this running backend instead")
    parser.add_argument("--frontend", metavar="URL", default="http://127.0.0.1:8501")
    parser.add_argument("--api-key", default=API_KEY, help="the running backend's key")
    args = parser.parse_args()
    if args.backend:
        print(f"checking the running stack at {args.backend} and {args.frontend}")
        run_checks(args.backend.rstrip("/"), args.frontend.rstrip("/"), args.api_key)
        print("integration: all checks passed")
        return 0
    backend_port, frontend_port = free_port(), free_port()
    env = {**os.environ, "ENVIRONMENT": "development", "API_KEY": API_KEY, "LLM_MODEL": "local"}
    backend = f"http://127.0.0.1:{backend_port}"
    uvicorn = [sys.executable, "-m", "uvicorn", "llm_starter_api.main:create_app", "--factory"]
    streamlit = [sys.executable, "-m", "streamlit", "run", "frontend/src/llm_starter_ui/app.py"]
    with (
        process([*uvicorn, "--port", str(backend_port)], env),
        process(
            [*streamlit, "--server.headless", "true", "--server.port", str(frontend_port)],
            {**env, "BACKEND_URL": backend, "FRONTEND_API_KEY": API_KEY},
        ),
    ):
        print(f"backend on {backend}, redis: {os.environ.get('REDIS_URL', 'not configured')}")
        run_checks(backend, f"http://127.0.0.1:{frontend_port}", API_KEY)
    print("integration: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
