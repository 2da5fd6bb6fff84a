"""Time to each Streamlit page's main content in headless Chromium, as a ratio to a minimal page.

    uv run python scripts/bench_frontend.py [--rounds 3] [--chromium /usr/bin/chromium]

Starts the backend (embedded engine, a key required), the UI with that key configured, and
`benchmarks/bare_page.py` (a title and a button) under the same Streamlit command and options. Each
round opens every page, in a rotated order, in a new tab of one browser whose cache a first,
untimed visit has warmed: a new tab is a new Streamlit session, so each visit runs the page's
script and its backend calls afresh. The time runs from the navigation until the page's main
content is visible: its primary button, or for Status the last section that needs backend data.
Prints a Markdown table of the medians, the rounds' range and each page's ratio to the minimal page
in the same run. Needs Chromium (`apt-get install -y chromium`); never `playwright install`.
"""

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from importlib.metadata import version
from pathlib import Path
from typing import Literal

from playwright.sync_api import Browser, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
KEY = "bench-frontend-key-0123456789"
CHROMIUM_ARGS = [
    *("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"),
    *("--disable-component-update", "--disable-sync", "--no-first-run"),
]
BASELINE = "minimal page"
type Role = Literal["button", "heading"]
# Page: (URL path, ARIA role, accessible name) of the element that says its main content is there.
PAGES: dict[str, tuple[str, Role, str]] = {
    BASELINE: ("/", "button", "Go"),
    "Process": ("/", "button", "Process"),
    "Stream": ("/stream", "button", "Stream"),
    "Batch": ("/batch", "button", "Run batch"),
    "Jobs": ("/jobs", "button", "Submit job"),
    "Status": ("/status", "heading", "Requests and errors"),
}
STREAMLIT_OPTIONS = [
    *("--server.headless", "true", "--server.address", "127.0.0.1"),
    *("--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def server(argv: list[str], health: str, env: dict[str, str]) -> Iterator[None]:
    """Run a server until its health URL answers 200; stop it (SIGTERM, then SIGKILL) afterwards."""
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S603 - fixed argv
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise SystemExit(f"{argv[2]} exited with {proc.returncode}")
            try:
                with urllib.request.urlopen(health, timeout=1) as response:  # noqa: S310 - 127.0.0.1
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit(f"{health} did not answer within 60 s")
            time.sleep(0.2)
        yield
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def visit_ms(browser: Browser, url: str, role: Role, name: str) -> float:
    """Milliseconds from navigating a new tab to `url` until the element is visible."""
    page = browser.contexts[0].new_page()
    try:
        started = time.perf_counter()
        page.goto(url, wait_until="commit")
        page.get_by_role(role, name=name, exact=True).wait_for(state="visible", timeout=60_000)
        return (time.perf_counter() - started) * 1000
    finally:
        page.close()


def measure(browser: Browser, urls: dict[str, str], rounds: int) -> dict[str, list[float]]:
    names = list(PAGES)
    times: dict[str, list[float]] = {name: [] for name in names}
    for name in names:  # warm the browser cache (Streamlit's bundle) and each page once, untimed
        visit_ms(browser, urls[name] + PAGES[name][0], *PAGES[name][1:])
    for round_number in range(rounds):
        order = names[round_number % len(names) :] + names[: round_number % len(names)]
        for name in order:
            path, role, label = PAGES[name]
            times[name].append(visit_ms(browser, urls[name] + path, role, label))
        print(f"round {round_number + 1}/{rounds} done", file=sys.stderr)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--chromium", default=shutil.which("chromium") or shutil.which("google-chrome")
    )
    args = parser.parse_args()
    if not args.chromium:
        parser.error("no Chromium found: apt-get install -y chromium (never `playwright install`)")
    api, ui, bare = free_port(), free_port(), free_port()
    base = {k: v for k, v in os.environ.items() if k not in ("API_KEY", "FRONTEND_API_KEY")}
    streamlit = [sys.executable, "-m", "streamlit", "run"]
    with ExitStack() as stack:
        backend = [sys.executable, "-m", "uvicorn", "llm_starter_api.main:create_app"]
        backend += ["--factory", "--port", str(api), "--no-access-log"]
        api_env = base | {"API_KEY": KEY, "ENVIRONMENT": "testing", "LOG_LEVEL": "WARNING"}
        stack.enter_context(server(backend, f"http://127.0.0.1:{api}/v1/health", api_env))
        ui_env = base | {"BACKEND_URL": f"http://127.0.0.1:{api}", "FRONTEND_API_KEY": KEY}
        app = ROOT / "frontend" / "src" / "llm_starter_ui" / "app.py"
        for script, port in ((app, ui), (ROOT / "benchmarks" / "bare_page.py", bare)):
            argv = [*streamlit, str(script), *STREAMLIT_OPTIONS, "--server.port", str(port)]
            stack.enter_context(server(argv, f"http://127.0.0.1:{port}/_stcore/health", ui_env))
        urls = {name: f"http://127.0.0.1:{ui}" for name in PAGES} | {
            BASELINE: f"http://127.0.0.1:{bare}"
        }
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS)
            browser.new_context(viewport={"width": 1400, "height": 1000})
            try:
                chromium_version = browser.version
                times = measure(browser, urls, args.rounds)
            finally:
                browser.close()
    floor = statistics.median(times[BASELINE])
    print(
        f"\nTime to main content, median of {args.rounds} rounds, warm browser cache, Python "
        f"{sys.version.split()[0]}, Streamlit {version('streamlit')}, Chromium {chromium_version}, "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}\n"
    )
    print("| page | waits for | median ms | range ms | ratio to minimal page |")
    print("|---|---|---:|---:|---:|")
    for name, samples in times.items():
        _, role, label = PAGES[name]
        median = statistics.median(samples)
        print(
            f'| {name} | {role} "{label}" | {median:.0f} | {min(samples):.0f}-{max(samples):.0f} '
            f"| {median / floor:.2f} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
