"""The real app in headless Chromium against the real backend (embedded engine)."""

import os
import re
import shutil
import sys
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from spawn import Spawner, answers_ok, api_command, free_port, wait_healthy
from waits import PATIENCE, wait_until

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.timeout(600)]

ROOT = Path(__file__).parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# A fresh key per run: rate-limit windows kept in a shared store never carry over between runs.
KEY = f"e2e-{uuid.uuid4().hex}"
TEXT = (
    "The Golden Gate Bridge was completed in 1937. It spans the Golden Gate strait. "
    "Many tourists visit it every year. The bridge is painted international orange."
)
WAIT_MS = int(PATIENCE * 1000)  # Playwright waits for each condition up to this long


@pytest.fixture
def servers(spawn: Spawner) -> str:
    """The backend (requiring KEY) and the frontend pointed at it; returns the frontend URL."""
    api_port, ui_port = free_port(), free_port()
    base = {k: v for k, v in os.environ.items() if k not in ("API_KEY", "FRONTEND_API_KEY")}
    # The way the container starts it: python -m llm_starter_ui <streamlit options>.
    frontend = [sys.executable, "-m", "llm_starter_ui", "--server.headless", "true"]
    frontend += ["--server.address", "127.0.0.1", "--server.port", str(ui_port)]
    frontend += ["--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]
    api_env = base | {"API_KEY": KEY, "ENVIRONMENT": "testing"}
    ui_env = base | {"BACKEND_URL": f"http://127.0.0.1:{api_port}"}
    ui_url = f"http://127.0.0.1:{ui_port}"
    backend = spawn("backend", api_command(api_port), api_env)
    ui = spawn("frontend", frontend, ui_env)
    wait_healthy(backend, f"http://127.0.0.1:{api_port}")
    wait_until(lambda: answers_ok(f"{ui_url}/_stcore/health"), what="Streamlit", watch=[ui])
    return ui_url


def chromium() -> str:
    # Debian's chromium here; GitHub's Ubuntu runners ship Google Chrome instead.
    found = (shutil.which(name) for name in ("chromium", "chromium-browser", "google-chrome"))
    path = next((p for p in found if p), None)
    if path is None:
        pytest.fail(
            "chromium is not installed: run `apt-get install -y chromium` "
            "(never `playwright install`, which downloads a browser and fails offline)"
        )
    return path


def pick(page: "Page", label: str, option: str) -> None:
    """Choose an option of a Streamlit select box."""
    page.get_by_test_id("stSelectbox").filter(has_text=label).click()
    page.get_by_role("option", name=option).click()


def submit_lines(page: "Page", *, link: str, heading: str, texts: list[str], button: str) -> None:
    """Open a page from the sidebar, paste texts one per line, and press its button."""
    from playwright.sync_api import expect

    page.get_by_role("link", name=link).click()
    # Wait for the new page: until it renders, the old page's widgets are still there.
    expect(page.get_by_role("heading", name=heading)).to_be_visible()
    lines = page.get_by_label("One text per line")
    lines.fill("\n".join(texts))
    lines.press("Control+Enter")
    page.get_by_role("button", name=button).click()


def test_process_batch_jobs_stream_and_status_in_a_real_browser(
    servers: str, tmp_path: Path
) -> None:
    try:
        from playwright.sync_api import expect, sync_playwright
    except ImportError:
        pytest.fail("playwright is not installed: it belongs in the root dev dependency group")
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "ui-failure.png").unlink(missing_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium(), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1300})
        expect.set_options(timeout=WAIT_MS)
        try:
            page.goto(servers)
            # The backend requires a key and none is configured: the page says so.
            expect(page.get_by_text("check the key in the sidebar")).to_be_visible()
            page.get_by_label("API key", exact=True).fill(KEY)
            page.get_by_label("API key", exact=True).press("Enter")

            page.get_by_label("Text", exact=True).fill(TEXT)
            page.get_by_label("Text", exact=True).press("Control+Enter")
            page.get_by_role("button", name="Process", exact=True).click()
            expect(page.get_by_text("Model: local")).to_be_visible()
            expect(page.get_by_role("heading", name="Summary")).to_be_visible()
            page.screenshot(path=ARTIFACTS / "ui-process.png", full_page=True)

            batch = [TEXT, "too short", TEXT.replace("1937", "1938")]
            submit_lines(
                page, link="Batch", heading="Process a batch", texts=batch, button="Run batch"
            )
            expect(page.get_by_text("3 of 3 texts finished")).to_be_visible()
            expect(page.get_by_role("button", name="Download CSV")).to_be_visible()
            page.screenshot(path=ARTIFACTS / "ui-batch.png", full_page=True)

            job = [TEXT, TEXT.replace("1937", "1939")]
            submit_lines(page, link="Jobs", heading="Batch jobs", texts=job, button="Submit job")
            expect(page.get_by_text("completed: 2 of 2 texts done, 0 failed")).to_be_visible()
            expect(page.get_by_role("button", name="Download CSV")).to_be_visible()
            page.screenshot(path=ARTIFACTS / "ui-jobs.png", full_page=True)

            page.get_by_role("link", name="Stream").click()
            expect(
                page.get_by_role("heading", name="Stream a summary or an answer")
            ).to_be_visible()
            expect(page.get_by_role("heading", name="Process a batch")).to_have_count(0)
            pick(page, "Operation", "Question & Answer")
            pick(page, "Example text", "Photosynthesis (science)")
            expect(page.get_by_label("Question", exact=True)).to_have_value(
                "Where does the Calvin cycle take place?"
            )
            page.get_by_role("button", name="Stream", exact=True).click()
            expect(page.get_by_text("Model: local")).to_be_visible()
            page.screenshot(path=ARTIFACTS / "ui-stream.png", full_page=True)

            page.get_by_role("link", name="Status").click()
            expect(page.get_by_role("heading", name="Backend status")).to_be_visible()
            expect(page.get_by_text("API key accepted")).to_be_visible()
            # Degraded is a fair answer too (say, no Redis); the page must show the status either way.
            expect(page.get_by_text(re.compile(r"^(healthy|degraded|unhealthy)$"))).to_be_visible()
            expect(page.get_by_role("heading", name="Requests and errors")).to_be_visible()
            expect(page.get_by_text("Running...")).to_have_count(0)
            page.screenshot(path=ARTIFACTS / "ui-status.png", full_page=True)
        except Exception:
            # Whatever failed, the screenshot shows what the page looked like at that moment.
            page.screenshot(path=ARTIFACTS / "ui-failure.png", full_page=True)
            for log in sorted(tmp_path.glob("*.log")):  # the spawned servers' output
                print(f"--- {log.name}\n{log.read_text()[-4000:]}")
            raise
        finally:
            browser.close()
