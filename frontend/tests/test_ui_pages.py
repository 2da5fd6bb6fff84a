"""Every page through streamlit's AppTest, the backend faked with httpx.MockTransport."""

import json
from pathlib import Path

import httpx
import pytest
from streamlit.testing.v1 import AppTest

from examples.translate import OPERATION as TRANSLATE
from examples.translate.operation import LANGUAGES, Translation
from llm_starter_api.text.registry import Registry
from llm_starter_models import JobState, TextProcessingRequest, TextProcessingResponse
from llm_starter_ui.session import API_KEY_INPUT, CLOCK_KEY, TRANSPORT_KEY
from llm_starter_ui.tables import WIDTH_PX

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
        at.switch_page(f"views/{page}.py").run()
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


TRANSLATED = "Le Golden Gate a été achevé en 1937. Il est peint en orange international."
TARGET_LANGUAGE = "process_options_translate_target_language"


@pytest.fixture
def translating(fake):
    """The fake backend with the translate plug-in (examples/translate) listed as the API lists it."""
    fake.catalog.operations.append(Registry([TRANSLATE]).catalog()[0])
    built_in = fake.routes[("POST", PROCESS)]

    def process(request: httpx.Request) -> httpx.Response:
        if TextProcessingRequest.model_validate_json(request.content).operation != "translate":
            return built_in(request)
        output = Translation(translation=TRANSLATED, source_language="en")
        return fake.json(
            TextProcessingResponse(
                operation="translate",
                output=output.model_dump(mode="json"),
                metadata={"model": "fake-model"},
                processing_time=0.25,
                cache_hit=False,
            )
        )

    fake.routes[("POST", PROCESS)] = process
    return fake


def pick_translate(fake) -> AppTest:
    at = open_page(fake)
    picker = at.selectbox(key="process_operation")
    assert picker.options[-1] == (
        "Translate: The text in another language, with the language it was written in"
    )
    picker.select_index(len(picker.options) - 1).run()
    return at


def test_a_plugin_operation_is_offered_with_its_option_widget(translating) -> None:
    at = pick_translate(translating)
    language = at.selectbox(key=TARGET_LANGUAGE)
    assert (language.options, language.value) == (list(LANGUAGES), "en")
    assert language.label.startswith("Language to translate into (ISO 639-1 code: en English")
    assert not at.slider  # no built-in operation's option


def test_a_plugin_operation_sends_its_option_and_renders_its_output(translating) -> None:
    at = pick_translate(translating)
    at.selectbox(key=TARGET_LANGUAGE).select("fr").run()
    at.text_area(key="process_text").input(TEXT)
    click(at, "Process")

    [sent] = translating.sent(PROCESS)
    request = TextProcessingRequest.model_validate_json(sent.content)
    assert (request.operation, request.options) == ("translate", {"target_language": "fr"})
    assert "Translate" in texts(at.subheader)
    assert [(m.label, m.value) for m in at.metric] == [("Source language", "en")]
    assert texts(at.markdown)[:2] == ["**Translation**", TRANSLATED]
    assert "**Note**" not in texts(at.markdown)  # a field without a value is not shown
    assert "Processing time: 0.25 s · Model: fake-model · Cache hit: no" in texts(at.caption)


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


def test_the_text_limits_are_shown_where_the_text_goes(fake) -> None:
    fake.catalog.max_text_length = 20_000
    at = open_page(fake)
    area = at.text_area(key="process_text")
    assert (area.max_chars, area.help) == (
        20_000,
        "This backend takes texts of 10 to 20,000 characters.",
    )
    upload = at.file_uploader(key="process_text_upload")
    assert upload.label == "Or upload a file (.txt or .md, up to 20,000 characters)"
    assert upload.proto.max_upload_size_mb == 1


def test_an_uploaded_text_over_the_limit_is_not_used(fake) -> None:
    fake.catalog.max_text_length = 100
    at = open_page(fake)
    at.text_area(key="process_text").input(TEXT)
    at.file_uploader(key="process_text_upload").set_value(("long.txt", b"x" * 101, "text/plain"))
    at.run()
    assert at.warning[0].value == (
        "long.txt has 101 characters, more than this backend takes (100); "
        "using the text area instead."
    )
    click(at, "Process")
    assert "Summary of The" in texts(at.markdown)


def test_a_short_text_is_explained_without_calling_the_backend(fake) -> None:
    at = process(fake, text="tiny")
    assert "`text`: must be at least 10 characters long" in at.error[0].value
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
    assert "Start it with `make run`" in at.error[0].value
    assert "`uvicorn llm_starter_api.main:create_app --factory --port 8000`" in at.error[0].value
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
    assert not at.exception
    assert at.title[0].value == "The frontend cannot start"
    assert "FRONTEND_TIMEOUT_SECONDS: Input should be greater than 0" in at.error[0].value
    assert "`.env` file" in at.markdown[0].value
    assert not at.text_input  # no sidebar, no page of the app


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


@pytest.mark.parametrize("page", ["batch", "jobs"])
def test_batch_inputs_show_the_limits(fake, page: str) -> None:
    at = open_page(fake, page)
    assert at.text_area(key=f"{page}_lines").help == "Texts each of 10 to 50,000 characters."
    at.radio(key=f"{page}_source").set_value("Upload a file").run()
    upload = at.file_uploader(key=f"{page}_upload")
    assert "up to 5 MB; texts each of 10 to 50,000 characters" in upload.label
    assert upload.proto.max_upload_size_mb == 5


def test_the_batch_table_fits_the_page(fake) -> None:
    at = run_batch(fake, [TEXT, f"{TEXT} FAIL"])
    columns = json.loads(at.dataframe[0].proto.columns)
    # Every column sized, not as wide as its longest text, and all of them within the page.
    widths = [config["width"] for name, config in columns.items() if name != "_index"]
    assert len(widths) == 7
    assert sum(widths) <= WIDTH_PX
    assert columns["processing_time"]["type_config"]["format"] == "%.2f"


def test_batch_results_table_shows_each_outcome(fake) -> None:
    lines = [f"{TEXT} Number {n}." for n in range(12)] + ["tiny", f"{TEXT} FAIL"]
    at = run_batch(fake, lines)
    assert len(fake.sent(BATCH)) == 2  # 13 valid texts in chunks of 10
    table = at.dataframe[0].value
    assert list(table["status"]) == ["completed"] * 12 + ["failed", "failed"]
    assert table["result"][0] == "Summary of The"
    assert table["error"][12].startswith("text: must be at least 10 characters")
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


def status(fake, clock: list[float]) -> AppTest:
    """The status page, its readings taken at the times in `clock`."""
    return open_page(fake, "status", **{CLOCK_KEY: lambda: clock[0]})


def internals(fake, *, breakers: list[dict] | None = None) -> None:
    """The internal monitoring routes, answering as the real backend does."""
    tiers = {
        "memory": {"hits": 3, "misses": 1, "latency": {"p50_ms": 0.1}},
        "redis": {"hits": 0, "misses": 0, "latency": {"p50_ms": None}},
    }
    fake.routes[("GET", "/internal/cache/metrics")] = lambda r: fake.json(
        {"hits": 3, "misses": 1, "hit_ratio": 0.75, "tiers": tiers}
    )
    fake.routes[("GET", "/internal/resilience/circuit-breakers")] = lambda r: fake.json(
        {"breakers": breakers or [{"name": "local", "state": "closed", "retry_after": 0.0}]}
    )
    usage = {"calls": 4, "errors": 0, "input_tokens": 900, "output_tokens": 120, "cost_usd": 0.0}
    fake.routes[("GET", "/internal/monitoring/metrics")] = lambda r: fake.json(
        {
            "requests": {"by_route": {f"POST {PROCESS}": {"requests": 4, "mean_latency_ms": 3}}},
            "llm": {"calls": 4, "by_model": {"local": usage}},
        }
    )


def test_status_page_charts_rate_errors_and_latency_between_readings(fake) -> None:
    internals(fake)
    clock = [1000.0]
    at = status(fake, clock)
    assert "The first numbers come with the next reading." in texts(at.caption)
    assert not at.get("vega_lite_chart")
    fake.metrics.served(PROCESS, seconds=0.004, times=8)
    fake.metrics.served(PROCESS, seconds=0.3, status=503, times=2)
    fake.metrics.served("/v1/health", seconds=0.001, times=30, method="GET")  # not traffic
    clock[0] += 5
    at.run()
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Requests/s"] == "2.00"
    assert metrics["Server errors"] == "20.0%"
    # Interpolated in the bucket as Prometheus does: the 5th of 8 in (0, 5 ms], and 9.5th of 10
    # with the last 2 in (250, 500 ms].
    assert metrics["p50 latency"] == "3.1 ms"
    assert metrics["p95 latency"] == "437.5 ms"
    assert len(at.get("vega_lite_chart")) == 3  # requests/s, server errors, latency
    clock[0] += 5
    at.run()
    assert {m.label: m.value for m in at.metric}["Requests/s"] == "1.00"  # 10 over the last 10 s


def test_status_page_draws_no_chart_that_has_nothing_to_say(fake) -> None:
    internals(fake)
    clock = [1000.0]
    at = status(fake, clock)
    clock[0] += 5
    at.run()
    assert {m.label: m.value for m in at.metric}["p95 latency"] == "no requests"
    assert "nothing to chart yet" in " ".join(texts(at.caption))
    assert not at.get("vega_lite_chart")
    fake.metrics.served(PROCESS, seconds=0.02, times=5)
    clock[0] += 5
    at.run()
    assert len(at.get("vega_lite_chart")) == 2  # no server errors: no error chart
    assert "None in the last 15 minutes." in texts(at.caption)


def test_status_page_shows_cache_tiers_breakers_and_model_usage(fake) -> None:
    internals(
        fake,
        breakers=[
            {"name": "local", "state": "closed", "retry_after": 0.0, "calls": 4},
            {"name": "openai:gpt-4o-mini", "state": "open", "retry_after": 27.2, "opened": 1},
        ],
    )
    at = status(fake, [1000.0])
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Memory tier hit ratio"] == "75%"
    assert "No lookups yet in: redis (a tier not configured has none)." in texts(at.caption)
    table = next(m.value for m in at.markdown if m.value.startswith("| Breaker"))
    assert "| `local` | :green-badge[closed] | - |" in table
    assert "| `openai:gpt-4o-mini` | :red-badge[open] | 27 s |" in table
    usage = at.dataframe[0].value
    assert list(usage["model"]) == ["local"]
    assert list(usage["input tokens"]) == [900]


def test_status_page_says_what_is_switched_off(fake) -> None:
    del fake.routes[("GET", "/metrics")]
    at = status(fake, [1000.0])
    infos = [i.value for i in at.info]
    assert "Prometheus metrics are off on this backend (METRICS_ENABLED=false)." in infos
    assert (
        infos.count(
            "The internal API is off on this backend: in production it needs INTERNAL_API_ENABLED=true."
        )
        == 3
    )
    assert at.success[0].value == "API key accepted"
    assert {m.label: m.value for m in at.metric}["Version"] == "9.9.9"


def test_status_page_explains_a_refused_key(fake) -> None:
    fake.fail("GET", "/v1/auth/status", fake.error(401, "unauthorized", "key please"))
    at = status(fake, [1000.0])
    assert len(at.error) == 1
    assert "check the key in the sidebar" in at.error[0].value
    assert "Traffic" not in texts(at.subheader)


def test_status_page_when_the_backend_is_down(fake) -> None:
    fake.handle = refuse
    at = status(fake, [1000.0])
    assert at.error[0].value.startswith("Backend unreachable at http://localhost:8000")
    assert "make run" in at.error[0].value
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


def test_the_retention_note_gives_one_date_once_the_job_has_ended(fake) -> None:
    fake.job_state = JobState.RUNNING
    at = submit(fake, TEXTS)
    assert (
        "Results are kept for a retention period after the job ends; the date shows then."
        in texts(at.caption)
    )
    assert not [c for c in texts(at.caption) if "kept until" in c]
    fake.job_state = JobState.COMPLETED
    at.run()
    expires = fake.job_expires_at
    notes = [c for c in texts(at.caption) if c.startswith("Results are kept")]
    assert notes == [f"Results are kept until {expires:%Y-%m-%d %H:%M} UTC, then deleted."]


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
