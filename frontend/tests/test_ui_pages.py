"""Every page through streamlit's AppTest, the backend faked with httpx.MockTransport."""

import json
from pathlib import Path

import httpx
import pytest
from streamlit.testing.v1 import AppTest

from llm_starter_models import JobState
from llm_starter_ui.session import API_KEY_INPUT, TRANSPORT_KEY

APP = Path(__file__).parents[1] / "src" / "llm_starter_ui" / "app.py"
TEXT = "The Golden Gate Bridge was completed in 1937. It is painted international orange."
PROCESS = "/v1/text_processing/process"
STREAM = "/v1/text_processing/process/stream"
BATCH = "/v1/text_processing/batch_process"
OPERATIONS = ["summarize", "sentiment", "key_points", "questions", "qa"]


def open_page(fake, page: str | None = None, **state: object) -> AppTest:
    """The app on `page`, talking to the fake backend."""
    at = AppTest.from_file(str(APP), default_timeout=30)
    at.session_state[TRANSPORT_KEY] = fake.transport
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    if page is not None:
        at.switch_page(f"pages/{page}.py").run()
    assert not at.exception, at.exception
    return at


def texts(elements) -> list[str]:
    return [element.value for element in elements]


def click(at: AppTest, label: str) -> AppTest:
    next(button for button in at.button if button.label == label).click().run()
    assert not at.exception, at.exception
    return at


def process(fake, operation: str = "summarize", text: str = TEXT, **state: object) -> AppTest:
    at = open_page(fake, **state)
    at.selectbox(key="process_operation").select_index(OPERATIONS.index(operation)).run()
    at.text_area(key="process_text").input(text)
    if operation == "qa":
        at.text_input(key="process_question").input("When was it completed?")
    return click(at, "Process")


def test_process_page_lists_the_backends_operations_with_their_options(fake) -> None:
    at = open_page(fake)
    assert at.title[0].value == "Process a text"
    picker = at.selectbox(key="process_operation")
    assert picker.options == [f"{op.name}: {op.description}" for op in fake.catalog.operations]
    slider = at.slider[0]
    assert (slider.min, slider.max, slider.value) == (10, 500, 100)


@pytest.mark.parametrize(
    ("operation", "heading", "shown"),
    [
        ("summarize", "Summary", "Summary of The"),
        ("qa", "Answer", "Answer to When was it completed?"),
        ("key_points", "Key points", "1. First point\n2. Second point"),
        ("questions", "Questions", "1. Why?\n2. How?"),
        ("sentiment", "Sentiment", "Warm words throughout."),
    ],
)
def test_each_operation_renders_its_result_and_details(
    fake, operation: str, heading: str, shown: str
) -> None:
    at = process(fake, operation)
    assert heading in texts(at.subheader)
    assert shown in texts(at.markdown)
    assert "Processing time: 0.25 s · Model: fake-model · Cache hit: no" in texts(at.caption)
    assert len(fake.sent(PROCESS)) == 1


def test_sentiment_shows_label_and_confidence(fake) -> None:
    at = process(fake, "sentiment")
    assert [(m.label, m.value) for m in at.metric] == [
        ("Sentiment", "Positive"),
        ("Confidence", "87%"),
    ]


def test_the_result_stays_when_the_page_reruns(fake) -> None:
    at = process(fake)
    at.run()
    assert "Summary of The" in texts(at.markdown)
    assert len(fake.sent(PROCESS)) == 1


def test_an_example_fills_the_text_and_the_question(fake) -> None:
    at = open_page(fake)
    at.selectbox(key="process_text_example").select("Headphones (product review)").run()
    assert at.text_area(key="process_text").value.startswith("I have used these headphones")
    assert at.session_state["process_question"] == "What went wrong with the headphones?"


def test_an_uploaded_file_is_processed_instead_of_the_text_area(fake) -> None:
    at = open_page(fake)
    at.text_area(key="process_text").input("typed text that loses")
    at.file_uploader(key="process_text_upload").set_value(
        ("notes.md", f"Uploaded {TEXT}".encode(), "text/markdown")
    )
    at.run()
    assert f"Using notes.md ({len(TEXT) + 9} characters) instead of the text area." in texts(
        at.caption
    )
    click(at, "Process")
    assert "Summary of Uploaded" in texts(at.markdown)


def test_a_short_text_is_explained_without_calling_the_backend(fake) -> None:
    at = process(fake, text="tiny")
    assert "`text`: text must be at least 10 characters long" in at.error[0].value
    assert fake.sent(PROCESS) == []


@pytest.mark.parametrize(
    ("response", "message"),
    [
        (
            lambda f: f.error(401, "unauthorized", "A valid API key is required"),
            "The backend refused the API key (401): check the key in the sidebar.",
        ),
        (
            lambda f: f.error(429, "rate_limited", "slow down", retry_after=17),
            "Too many requests (429): retry in 17 s.",
        ),
        (
            lambda f: f.error(503, "provider_unavailable", "Model down", retry_after=45),
            "The model provider is unavailable (503): retry after 45 s. Model down",
        ),
        (
            lambda f: f.error(413, "payload_too_large", "The body is over 1 MB"),
            "The input was too large for this backend (413): The body is over 1 MB",
        ),
        (
            lambda f: f.error(
                422,
                "validation_error",
                "text: too long",
                problems=[{"field": "text", "reason": "too long"}],
            ),
            "The input was refused (422):\n- `text`: too long",
        ),
    ],
)
def test_backend_errors_are_explained(fake, response, message: str) -> None:
    fake.fail("POST", PROCESS, response(fake))
    at = process(fake)
    assert at.error[0].value.startswith(message)
    assert "Request id: `req-123`" in at.error[0].value
    assert "Summary" not in texts(at.subheader)


def refuse(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("Connection refused", request=request)


def test_an_unreachable_backend_is_a_state_not_a_crash(fake) -> None:
    fake.handle = refuse
    at = open_page(fake)
    assert at.error[0].value.startswith("Backend unreachable at http://localhost:8000")
    assert not at.selectbox


@pytest.mark.parametrize("configured", [None, "configured-key"])
def test_a_typed_key_is_sent_with_every_call(fake, monkeypatch, configured: str | None) -> None:
    if configured:
        monkeypatch.setenv("FRONTEND_API_KEY", configured)
    at = open_page(fake)
    at.text_input(key=API_KEY_INPUT).input("typed-key").run()
    at.text_area(key="process_text").input(TEXT)
    click(at, "Process")
    assert {r.headers.get("X-API-Key") for r in fake.requests[1:]} == {"typed-key"}


def test_the_configured_key_is_used_but_never_shown(fake, monkeypatch) -> None:
    monkeypatch.setenv("FRONTEND_API_KEY", "configured-key")
    at = open_page(fake)
    field = at.text_input(key=API_KEY_INPUT)
    assert (field.value, field.placeholder) == ("", "using the configured key")
    at.text_area(key="process_text").input(TEXT)
    click(at, "Process")
    assert fake.sent(PROCESS)[0].headers["X-API-Key"] == "configured-key"


def test_invalid_settings_stop_the_app_naming_the_variable(fake, monkeypatch) -> None:
    monkeypatch.setenv("FRONTEND_TIMEOUT_SECONDS", "-1")
    at = AppTest.from_file(str(APP), default_timeout=30).run()
    assert "FRONTEND_TIMEOUT_SECONDS: Input should be greater than 0" in at.error[0].value


def stream(fake, operation: str = "summarize") -> AppTest:
    at = open_page(fake, "stream")
    at.selectbox(key="stream_operation").select_index(["summarize", "qa"].index(operation)).run()
    at.text_area(key="stream_text").input(TEXT)
    if operation == "qa":
        at.text_input(key="stream_question").input("When?")
    return click(at, "Stream")


def test_stream_page_offers_only_streaming_operations(fake) -> None:
    at = open_page(fake, "stream")
    assert [o.split(":")[0] for o in at.selectbox(key="stream_operation").options] == [
        "Summarize",
        "Qa",
    ]


@pytest.mark.parametrize(
    ("operation", "shown"), [("summarize", "Summary of The"), ("qa", "Answer to When?")]
)
def test_streamed_text_is_written_then_the_details(fake, operation: str, shown: str) -> None:
    at = stream(fake, operation)
    assert shown in texts(at.markdown)
    assert "Processing time: 0.25 s · Model: fake-model · Cache hit: no" in texts(at.caption)
    assert len(fake.sent(STREAM)) == 1


def test_a_backend_without_streaming_says_so(fake) -> None:
    del fake.routes[("POST", STREAM)]
    at = stream(fake)
    assert "does not offer streaming" in at.warning[0].value
    assert not at.error


def test_an_error_event_keeps_the_streamed_text_and_explains(fake) -> None:
    error = {"success": False, "error": "Model down", "error_code": "provider_unavailable"}
    body = fake.sse(("delta", {"text": "Half a summary"}), ("error", error))
    fake.fail(
        "POST",
        STREAM,
        httpx.Response(200, content=body, headers={"content-type": "text/event-stream"}),
    )
    at = stream(fake)
    assert "Half a summary" in texts(at.markdown)
    assert "The model provider is unavailable (503)" in at.error[0].value


def run_batch(fake, lines: list[str], **state: object) -> AppTest:
    at = open_page(fake, "batch", **state)
    at.text_area(key="batch_lines").input("\n".join(lines)).run()
    return click(at, "Run batch")


def test_batch_results_table_shows_each_outcome(fake) -> None:
    lines = [f"{TEXT} Number {n}." for n in range(12)] + ["tiny", f"{TEXT} FAIL"]
    at = run_batch(fake, lines)
    assert len(fake.sent(BATCH)) == 2  # 13 valid texts in chunks of 10
    table = at.dataframe[0].value
    assert list(table["status"]) == ["completed"] * 12 + ["failed", "failed"]
    assert table["result"][0] == "Summary of The"
    assert table["error"][12].startswith("text: text must be at least 10 characters")
    assert table["error"][13] == "model failed"
    assert [(m.label, m.value) for m in at.metric] == [("Completed", "12"), ("Failed", "2")]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("texts.csv", f'id,text\n1,"{TEXT}"\n2,"{TEXT} Again."\n'),
        ("texts.jsonl", f'{{"text": "{TEXT}"}}\n{{"text": "{TEXT} Again."}}\n'),
    ],
)
def test_batch_texts_from_an_uploaded_file(fake, name: str, content: str) -> None:
    at = open_page(fake, "batch")
    at.radio(key="batch_source").set_value("Upload a file").run()
    at.file_uploader(key="batch_upload").set_value((name, content.encode(), "text/plain")).run()
    click(at, "Run batch")
    assert list(at.dataframe[0].value["status"]) == ["completed", "completed"]


def test_an_unreadable_upload_says_why(fake) -> None:
    at = open_page(fake, "batch")
    at.radio(key="batch_source").set_value("Upload a file").run()
    at.file_uploader(key="batch_upload").set_value(("t.csv", b"id,body\n1,x\n", "text/csv")).run()
    assert at.error[0].value == "The CSV needs a 'text' column; its columns are: id, body"
    assert next(b for b in at.button if b.label == "Run batch").disabled


def test_batch_chunks_follow_a_smaller_server_limit(fake) -> None:
    fake.catalog.max_batch_size = 3
    run_batch(fake, [f"{TEXT} Number {n}." for n in range(7)])
    assert len(fake.sent(BATCH)) == 3


def test_a_batch_that_fails_entirely_says_why(fake) -> None:
    fake.fail("POST", BATCH, fake.error(401, "unauthorized", "A valid API key is required"))
    at = run_batch(fake, [TEXT, TEXT])
    assert at.error[0].value == "Every text failed; the first error: A valid API key is required"


def test_the_batch_button_waits_for_texts(fake) -> None:
    at = open_page(fake, "batch")
    assert next(b for b in at.button if b.label == "Run batch").disabled


def test_status_page_shows_health_auth_and_missing_internals(fake) -> None:
    at = open_page(fake, "status")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Status"] == "healthy"
    assert metrics["Version"] == "9.9.9"
    assert metrics["Cache healthy"] == "unknown"
    assert at.success[0].value == "API key accepted"
    assert [i.value.split(" (")[0] for i in at.info] == ["Not available on this backend."] * 4


def test_status_page_charts_the_internals_when_they_exist(fake) -> None:
    fake.routes[("GET", "/internal/cache/metrics")] = lambda r: fake.json(
        {"hits": 3, "misses": 1, "hit_ratio": 0.75, "tiers": {"memory": {"hits": 3, "misses": 1}}}
    )
    fake.routes[("GET", "/internal/resilience/circuit-breakers")] = lambda r: fake.json(
        {"breakers": [{"name": "local", "state": "closed"}, {"name": "openai:x", "state": "open"}]}
    )
    fake.routes[("GET", "/internal/resilience/metrics")] = lambda r: fake.json(
        {"operations": {"summarize": {"calls": 2, "failures": 0}}, "breakers": []}
    )
    fake.routes[("GET", "/internal/monitoring/metrics")] = lambda r: fake.json(
        {"requests": {"rate_per_minute": 6.0}, "errors": {"error_rate": 0.1}}
    )
    at = open_page(fake, "status")
    assert {m.label: m.value for m in at.metric}["Hit ratio"] == "75%"
    assert list(at.dataframe[0].value["state"]) == ["closed", "open"]
    assert not at.info
    assert len(at.get("vega_lite_chart")) == 4


def test_status_page_explains_a_refused_key(fake) -> None:
    fake.fail("GET", "/v1/auth/status", fake.error(401, "unauthorized", "key please"))
    at = open_page(fake, "status")
    assert len(at.error) == 1
    assert "check the key in the sidebar" in at.error[0].value
    assert "Cache" not in texts(at.subheader)


def test_status_page_when_the_backend_is_down(fake) -> None:
    fake.handle = refuse
    at = open_page(fake, "status")
    assert at.error[0].value.startswith("Backend unreachable at http://localhost:8000")
    assert not at.metric


# Jobs

JOBS = "/v1/text_processing/jobs"
JOB_ID = "job-1"  # the fake backend's one job
TEXTS = ["Rivers carry water to the sea, all year.", "Mountains rise slowly over the ages."]


def submit(fake, lines: list[str]) -> AppTest:
    at = open_page(fake, "jobs")
    at.text_area(key="jobs_lines").input("\n".join(lines)).run()
    return click(at, "Submit job")


def test_a_submitted_job_is_followed_to_its_results(fake) -> None:
    at = submit(fake, TEXTS)
    sent = json.loads(fake.sent(JOBS)[0].content)
    assert [item["text"] for item in sent["requests"]] == TEXTS
    assert any(JOB_ID in markdown.value for markdown in at.markdown)
    table = at.dataframe[0].value
    assert list(table["result"]) == ["Summary of Rivers", "Summary of Mountains"]
    assert list(table["text"]) == TEXTS
    assert not [button for button in at.button if button.label == "Cancel"]
    # Ended: polled no more, however often the page redraws.
    polls = len(fake.sent(f"{JOBS}/{JOB_ID}"))
    at.run()
    assert len(fake.sent(f"{JOBS}/{JOB_ID}")) == polls


def test_a_running_job_can_be_cancelled(fake) -> None:
    fake.job_state = JobState.RUNNING
    at = submit(fake, TEXTS)
    assert not at.dataframe  # nothing stored yet
    click(at, "Cancel")
    assert [r.method for r in fake.sent(f"{JOBS}/{JOB_ID}")].count("DELETE") == 1
    assert not [button for button in at.button if button.label == "Cancel"]


def test_texts_the_server_would_refuse_are_named_and_left_out(fake) -> None:
    at = submit(fake, ["too short", *TEXTS])
    assert "Text 1 not submitted" in at.warning[0].value
    sent = json.loads(fake.sent(JOBS)[0].content)
    assert [item["text"] for item in sent["requests"]] == TEXTS


def test_more_texts_than_a_job_takes_are_not_submitted(fake) -> None:
    fake.catalog = fake.catalog.model_copy(update={"max_batch_size": 1})
    at = submit(fake, TEXTS)
    assert "more than one job takes (1)" in at.error[0].value
    assert not fake.sent(JOBS)


def test_a_job_the_backend_no_longer_knows_leaves_the_list(fake) -> None:
    fake.job_state = JobState.RUNNING
    at = submit(fake, TEXTS)
    fake.fail("GET", f"{JOBS}/{JOB_ID}", fake.error(404, "not_found", "No job job-1"))
    at.run()
    assert "no longer known" in at.info[0].value
    at.run()
    assert not at.info
    assert not any(JOB_ID in markdown.value for markdown in at.markdown)
