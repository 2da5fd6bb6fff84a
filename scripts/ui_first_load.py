"""Time a cold UI's first page in headless Chromium: `python -m llm_starter_ui` against `streamlit run`.

`uv run python scripts/ui_first_load.py --rounds 3` starts the backend once, then for each round and
each way of starting the UI: a fresh UI server, one browser load of its first page (title, then
text area), the server stopped. The two ways differ only in the modules `python -m llm_starter_ui`
imports before it serves. Needs chromium on PATH; requests leaving the machine are aborted.
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
from contextlib import contextmanager

from playwright.sync_api import Route, sync_playwright

UI_WAYS = {
    "python -m llm_starter_ui": [sys.executable, "-m", "llm_starter_ui"],
    "streamlit run app.py": [
        *(sys.executable, "-m", "streamlit", "run", "frontend/src/llm_starter_ui/app.py"),
    ],
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def server(argv: list[str], health: str, env: dict[str, str]) -> Iterator[None]:
    """A process that answers `health` with 200 before the block runs; stopped after it."""
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S603 - our argv
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(health, timeout=1):  # noqa: S310 - http://127.0.0.1 only
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"{argv[2]} did not start") from None
                time.sleep(0.2)
        yield
    finally:
        proc.terminate()
        proc.wait(timeout=15)


def offline(route: Route) -> None:
    if route.request.url.startswith("http://127.0.0.1:"):
        route.continue_()
    else:
        route.abort()


def first_load(url: str, chromium: str) -> tuple[float, float]:
    """Seconds from navigation to the page title, and to the text area."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium, args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        try:
            context = browser.new_context()
            context.route("**/*", offline)
            page = context.new_page()
            started = time.monotonic()
            page.goto(url)
            page.locator("h1").first.wait_for(timeout=60_000)
            title = time.monotonic() - started
            page.locator("textarea").first.wait_for(timeout=60_000)
            return title, time.monotonic() - started
        finally:
            browser.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    chromium = shutil.which("chromium") or shutil.which("google-chrome")
    if chromium is None:
        raise SystemExit("chromium is not on PATH")
    env = {k: v for k, v in os.environ.items() if k not in ("API_KEY", "FRONTEND_API_KEY")}
    api_port = free_port()
    api = f"http://127.0.0.1:{api_port}"
    backend = [sys.executable, "-m", "uvicorn", "llm_starter_api.main:create_app", "--factory"]
    backend += ["--port", str(api_port), "--log-level", "warning"]
    results: dict[str, list[tuple[float, float]]] = {way: [] for way in UI_WAYS}
    with server(backend, f"{api}/v1/health", env):
        for _ in range(args.rounds):
            for way, argv in UI_WAYS.items():
                port = free_port()
                ui = f"http://127.0.0.1:{port}"
                options = ["--server.headless", "true", "--server.address", "127.0.0.1"]
                options += ["--server.port", str(port), "--server.fileWatcherType", "none"]
                with server([*argv, *options], f"{ui}/_stcore/health", env | {"BACKEND_URL": api}):
                    results[way].append(first_load(ui, chromium))
    print(f"{'UI started with':<26} {'title, s (median, range)':<28} text area, s")
    for way, loads in results.items():
        titles, areas = [t for t, _ in loads], [a for _, a in loads]
        print(
            f"{way:<26} {statistics.median(titles):.2f} ({min(titles):.2f}-{max(titles):.2f})"
            f"{'':<12} {statistics.median(areas):.2f} ({min(areas):.2f}-{max(areas):.2f})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
