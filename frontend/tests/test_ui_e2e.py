"""The real app in headless Chromium against the real backend (embedded engine)."""

import os
import re
import shutil
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest
from spawn import Spawner, answers_ok, api_command, free_port, wait_healthy
from waits import PATIENCE, wait_until

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page, Route

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


@dataclass(frozen=True, slots=True)
class Servers:
    ui: str
    api: str


def frontend_argv(port: int) -> list[str]:
    # The way the container starts it: python -m llm_starter_ui <streamlit options>; the app's own
    # .streamlit/config.toml supplies the rest (no usage statistics, no Deploy button, ...).
    argv = [sys.executable, "-m", "llm_starter_ui", "--server.headless", "true"]
    argv += ["--server.address", "127.0.0.1", "--server.port", str(port)]
    return [*argv, "--server.fileWatcherType", "none"]


def clean_env() -> dict[str, str]:
    names = ("API_KEY", "FRONTEND_API_KEY", "BACKEND_URL", "FRONTEND_TIMEOUT_SECONDS")
    return {k: v for k, v in os.environ.items() if k not in names}


@pytest.fixture
def servers(spawn: Spawner) -> Servers:
    """The backend (requiring KEY) and the frontend pointed at it."""
    api_port, ui_port = free_port(), free_port()
    base = clean_env()
    api_url = f"http://127.0.0.1:{api_port}"
    ui_url = f"http://127.0.0.1:{ui_port}"
    backend = spawn(
        "backend", api_command(api_port), base | {"API_KEY": KEY, "ENVIRONMENT": "testing"}
    )
    ui = spawn("frontend", frontend_argv(ui_port), base | {"BACKEND_URL": api_url})
    wait_healthy(backend, api_url)
    wait_until(lambda: answers_ok(f"{ui_url}/_stcore/health"), what="Streamlit", watch=[ui])
    return Servers(ui_url, api_url)


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
    lines = page.get_by_role("textbox", name="One text per line")
    lines.fill("\n".join(texts))
    lines.press("Control+Enter")
    page.get_by_role("button", name=button).click()


def offline(context: "BrowserContext") -> list[str]:
    """Abort every request that leaves this machine; the returned list collects their URLs."""
    attempted: list[str] = []

    def handle(route: "Route") -> None:
        if route.request.url.startswith("http://127.0.0.1:"):
            route.continue_()
        else:
            attempted.append(route.request.url)
            route.abort()

    context.route("**/*", handle)
    return attempted


def check_api_docs(page: "Page", api: str) -> None:
    """Swagger UI and ReDoc render the API's operations with no network."""
    from playwright.sync_api import expect

    page.goto(f"{api}/docs")
    paths = page.locator(".opblock-summary-path")
    expect(paths.filter(has_text=re.compile(r"^/v1/text_processing/process$"))).to_be_visible()
    expect(paths.filter(has_text="/v1/text_processing/jobs/{job_id}").first).to_be_visible()
    page.screenshot(path=ARTIFACTS / "docs-swagger.png")
    page.goto(f"{api}/redoc")
    expect(page.get_by_role("heading", name="LLM Starter API")).to_be_visible()
    # One section per operation, each named by its summary.
    sections = page.locator("h2")
    expect(sections.filter(has_text="Process Stream").first).to_be_visible()
    expect(sections.filter(has_text="Batch Process").first).to_be_attached()
    page.screenshot(path=ARTIFACTS / "docs-redoc.png")


def fits(page: "Page") -> bool:
    """Whether the page's first table shows all its columns without scrolling sideways."""
    scroller = page.get_by_test_id("stDataFrame").first.locator(".dvn-scroller")
    return bool(scroller.evaluate("e => e.scrollWidth <= e.clientWidth + 1"))


def test_process_batch_jobs_stream_and_status_in_a_real_browser(
    servers: Servers, tmp_path: Path
) -> None:
    try:
        from playwright.sync_api import expect, sync_playwright
    except ImportError:
        pytest.fail("playwright is not installed: it belongs in the root dev dependency group")
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "ui-failure.png").unlink(missing_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium(), args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1400, "height": 1300})
        # As on a machine without internet: the docs and the UI must not need it.
        attempted = offline(context)
        page = context.new_page()
        expect.set_options(timeout=WAIT_MS)
        try:
            check_api_docs(page, servers.api)

            page.goto(servers.ui)
            # The backend requires a key and none is configured: the page says so.
            expect(page.get_by_text("check the key in the sidebar")).to_be_visible()
            expect(page.get_by_role("button", name="Deploy")).to_have_count(0)
            page.get_by_label("API key", exact=True).fill(KEY)
            page.get_by_label("API key", exact=True).press("Enter")

            expect(page.get_by_text(re.compile(r"^1MB per file"))).to_be_visible()
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
            expect(page.get_by_test_id("stDataFrame").locator("canvas").first).to_be_visible()
            assert fits(page), "the batch table scrolls sideways"
            page.screenshot(path=ARTIFACTS / "ui-batch.png", full_page=True)

            job = [TEXT, TEXT.replace("1937", "1939")]
            submit_lines(page, link="Jobs", heading="Batch jobs", texts=job, button="Submit job")
            expect(page.get_by_text("completed: 2 of 2 texts done, 0 failed")).to_be_visible()
            expect(page.get_by_role("button", name="Download CSV")).to_be_visible()
            expect(page.get_by_text(re.compile(r"^Results are kept until .* UTC"))).to_be_visible()
            page.get_by_text("Upload a file").click()
            expect(page.get_by_text(re.compile(r"^5MB per file"))).to_be_visible()
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
            expect(page.get_by_text("Requests/s")).to_be_visible()
            # Traffic between two readings of /metrics: the rate and latency charts draw it.
            with httpx.Client(base_url=servers.api, headers={"X-API-Key": KEY}) as api:
                for n in range(3):
                    body = {"text": f"{TEXT} Take {n}.", "operation": "sentiment"}
                    api.post("/v1/text_processing/process", json=body).raise_for_status()
            charts = page.get_by_test_id("stVegaLiteChart")
            expect(charts).to_have_count(2)  # no server errors, so no error chart
            for chart in charts.all():
                expect(chart.locator("canvas, svg").first).to_be_visible()
            expect(page.get_by_text(re.compile(r"^\d+(\.\d)? ms$")).first).to_be_visible()
            expect(page.get_by_text("Memory tier hit ratio")).to_be_visible()
            expect(page.locator("code", has_text=re.compile("^local$"))).to_be_visible()
            expect(page.get_by_text("closed", exact=True)).to_be_visible()
            expect(page.get_by_text("Running...")).to_have_count(0)
            page.screenshot(path=ARTIFACTS / "ui-status.png", full_page=True)

            # A page's own URL runs the app around it (sidebar and all), in a new session.
            page.goto(f"{servers.ui}/jobs")
            expect(
                page.get_by_role("heading", name="Batch jobs")
                .or_(page.get_by_text("check the key in the sidebar"))
                .first
            ).to_be_visible()
            expect(page.get_by_label("API key", exact=True)).to_be_visible()
            assert attempted == [], f"requests left the machine: {attempted}"
        except Exception:
            # Whatever failed, the screenshot shows what the page looked like at that moment.
            page.screenshot(path=ARTIFACTS / "ui-failure.png", full_page=True)
            for log in sorted(tmp_path.glob("*.log")):
                print(f"--- {log.name}\n{log.read_text()[-4000:]}")
            raise
        finally:
            browser.close()


def test_bad_frontend_settings_get_a_page_that_says_what_to_fix(spawn: Spawner) -> None:
    from playwright.sync_api import expect, sync_playwright

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = clean_env() | {"FRONTEND_TIMEOUT_SECONDS": "-1"}
    ARTIFACTS.mkdir(exist_ok=True)
    ui = spawn("frontend", frontend_argv(port), env)
    wait_until(lambda: answers_ok(f"{url}/_stcore/health"), what="Streamlit", watch=[ui])
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium(), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            expect.set_options(timeout=WAIT_MS)
            for path in ("", "/status"):
                page.goto(f"{url}{path}")
                expect(
                    page.get_by_role("heading", name="The frontend cannot start")
                ).to_be_visible()
                expect(page.get_by_text("FRONTEND_TIMEOUT_SECONDS")).to_be_visible()
                expect(page.get_by_text("Page not found")).to_have_count(0)
                # No list of the app's files, nor any page of it.
                expect(page.get_by_test_id("stSidebarNav")).to_have_count(0)
                expect(
                    page.get_by_role("link", name=re.compile("batch|jobs|status"))
                ).to_have_count(0)
            page.screenshot(path=ARTIFACTS / "ui-config-error.png", full_page=True)
        finally:
            browser.close()
