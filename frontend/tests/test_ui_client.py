"""ApiClient against httpx.MockTransport: typed answers, mapped errors, bounded retries, streams."""

import httpx
import pytest

from llm_starter_models import (
    BatchTextProcessingRequest,
    TextProcessingRequest,
    TextProcessingResponse,
)
from llm_starter_ui.client import ApiClient, RetryPolicy
from llm_starter_ui.errors import ApiError, BackendUnreachable, FieldProblem, parse_retry_after

URL = "http://backend.test"
TEXT = "The Golden Gate Bridge was completed in 1937 and is painted orange."
SUMMARIZE = TextProcessingRequest(text=TEXT, operation="summarize")


def make_client(
    handler: httpx.MockTransport, sleeps: list[float] | None = None, **kwargs: object
) -> ApiClient:
    record = sleeps if sleeps is not None else []
    return ApiClient(URL, transport=handler, sleep=record.append, **kwargs)  # type: ignore[arg-type]


def test_answers_are_the_shared_models(fake) -> None:
    with make_client(fake.transport) as client:
        assert client.health().version == "9.9.9"
        assert client.auth_status().authenticated
        assert client.operations().operations[0].id == "summarize"
        assert client.process(SUMMARIZE).result == "Summary of The"
        batch = client.batch_process(BatchTextProcessingRequest(requests=[SUMMARIZE]))
        assert batch.results[0].response is not None


@pytest.mark.parametrize(("key", "sent"), [("secret-key", "secret-key"), (None, None)])
def test_the_api_key_goes_in_x_api_key(fake, key: str | None, sent: str | None) -> None:
    with make_client(fake.transport, api_key=key) as client:
        client.health()
    assert fake.requests[0].headers.get("X-API-Key") == sent


def test_the_request_body_leaves_out_nulls(fake) -> None:
    with make_client(fake.transport) as client:
        client.process(SUMMARIZE)
    assert b"question" not in fake.requests[0].content


@pytest.mark.parametrize(
    ("status", "code", "retry_after"),
    [(401, "unauthorized", None), (413, "payload_too_large", None), (429, "rate_limited", 7)],
)
def test_errors_carry_status_code_message_and_retry_after(
    fake, status: int, code: str, retry_after: int | None
) -> None:
    fake.fail("GET", "/v1/health", fake.error(status, code, "nope", retry_after=retry_after))
    sleeps: list[float] = []
    with make_client(fake.transport, sleeps) as client, pytest.raises(ApiError) as caught:
        client.health()
    error = caught.value
    assert (error.status, error.code, error.message) == (status, code, "nope")
    assert error.retry_after == retry_after
    assert error.request_id == "req-123"
    assert sleeps == []  # only connection failures and 503 are retried


def test_validation_errors_list_each_field_and_reason(fake) -> None:
    problems = [
        {"field": "text", "reason": "too long"},
        {"field": "options.max_length", "reason": "too big"},
    ]
    fake.fail(
        "POST",
        "/v1/text_processing/process",
        fake.error(422, "validation_error", "bad", problems=problems),
    )
    with make_client(fake.transport) as client, pytest.raises(ApiError) as caught:
        client.process(SUMMARIZE)
    assert caught.value.problems == (
        FieldProblem("text", "too long"),
        FieldProblem("options.max_length", "too big"),
    )


def test_an_error_body_that_is_not_ours_keeps_the_http_status(fake) -> None:
    fake.fail("GET", "/v1/health", httpx.Response(502, text="<html>Bad Gateway</html>"))
    with make_client(fake.transport) as client, pytest.raises(ApiError) as caught:
        client.health()
    assert (caught.value.status, caught.value.code) == (502, "http_error")


def test_a_503_is_retried_after_the_servers_retry_after(fake) -> None:
    answers = iter([fake.error(503, "provider_unavailable", "busy", retry_after=2)])
    healthy = fake.routes[("GET", "/v1/health")]
    fake.routes[("GET", "/v1/health")] = lambda r: next(answers, None) or healthy(r)
    sleeps: list[float] = []
    with make_client(fake.transport, sleeps) as client:
        assert client.health().status == "healthy"
    assert sleeps == [2.0]


def test_a_503_without_retry_after_backs_off_then_gives_up(fake) -> None:
    fake.fail("GET", "/v1/health", fake.error(503, "provider_unavailable", "busy"))
    sleeps: list[float] = []
    with make_client(fake.transport, sleeps) as client, pytest.raises(ApiError) as caught:
        client.health()
    assert caught.value.status == 503
    assert sleeps == [0.5, 1.0]
    assert len(fake.requests) == 3


def test_a_retry_after_beyond_the_wait_budget_is_not_waited_for(fake) -> None:
    fake.fail("GET", "/v1/health", fake.error(503, "provider_unavailable", "busy", retry_after=60))
    sleeps: list[float] = []
    with make_client(fake.transport, sleeps) as client, pytest.raises(ApiError) as caught:
        client.health()
    assert caught.value.retry_after == 60
    assert sleeps == []
    assert len(fake.requests) == 1


def test_the_wait_budget_bounds_the_sum_of_waits(fake) -> None:
    fake.fail("GET", "/v1/health", fake.error(503, "provider_unavailable", "busy", retry_after=4))
    sleeps: list[float] = []
    policy = RetryPolicy(attempts=10, max_wait=10.0)
    with make_client(fake.transport, sleeps, retry=policy) as client, pytest.raises(ApiError):
        client.health()
    assert sleeps == [4.0, 4.0]


@pytest.mark.parametrize(
    ("failure", "attempts", "code", "message"),
    [
        (httpx.ConnectError, 3, "unreachable", f"Backend unreachable at {URL}: refused"),
        (httpx.ConnectTimeout, 3, "unreachable", f"Backend unreachable at {URL}: refused"),
        (httpx.ReadTimeout, 1, "timeout", "The backend did not answer in time"),
        (httpx.RemoteProtocolError, 1, "transport_error", "The connection failed: refused"),
    ],
)
def test_connection_failures_retry_only_when_nothing_was_sent(
    failure: type[httpx.TransportError], attempts: int, code: str, message: str
) -> None:
    tries = 0

    def fail(request: httpx.Request) -> httpx.Response:
        nonlocal tries
        tries += 1
        raise failure("refused", request=request)

    with make_client(httpx.MockTransport(fail)) as client, pytest.raises(ApiError) as caught:
        client.process(SUMMARIZE)
    assert (tries, caught.value.status, caught.value.code) == (attempts, None, code)
    assert caught.value.message == message
    assert isinstance(caught.value, BackendUnreachable) == (code == "unreachable")


def test_an_unexpected_answer_shape_is_an_api_error(fake) -> None:
    fake.fail("GET", "/v1/health", httpx.Response(200, json={"status": "splendid"}))
    with make_client(fake.transport) as client, pytest.raises(ApiError) as caught:
        client.health()
    assert caught.value.code == "invalid_response"


def test_internal_returns_json_and_404s_raise(fake) -> None:
    fake.routes[("GET", "/internal/cache/metrics")] = lambda r: fake.json({"hits": 3})
    with make_client(fake.transport) as client:
        assert client.internal("/internal/cache/metrics") == {"hits": 3}
        with pytest.raises(ApiError) as caught:
            client.internal("/internal/nothing")
    assert caught.value.status == 404


def test_a_stream_yields_chunks_then_the_final_response(fake) -> None:
    with make_client(fake.transport) as client:
        parts = list(client.stream(SUMMARIZE))
    *chunks, final = parts
    assert chunks == ["Summary", " of", " The"]
    assert isinstance(final, TextProcessingResponse)
    assert final.result == "".join(chunks)
    assert fake.requests[0].headers["Accept"] == "text/event-stream"


def stream_answer(fake, *events: tuple[str, object]) -> None:
    body = fake.sse(*events)
    fake.fail(
        "POST",
        "/v1/text_processing/process/stream",
        httpx.Response(200, content=body, headers={"content-type": "text/event-stream"}),
    )


def test_an_error_event_raises_with_the_status_its_code_implies(fake) -> None:
    error = {"success": False, "error": "model gone", "error_code": "provider_unavailable"}
    stream_answer(fake, ("delta", {"text": "Half"}), ("error", error))
    with make_client(fake.transport) as client, pytest.raises(ApiError) as caught:
        for _ in client.stream(SUMMARIZE):
            pass
    assert (caught.value.status, caught.value.message) == (503, "model gone")


def test_a_stream_cut_before_done_is_an_error(fake) -> None:
    stream_answer(fake, ("delta", {"text": "Half"}))
    with make_client(fake.transport) as client, pytest.raises(ApiError) as caught:
        list(client.stream(SUMMARIZE))
    assert caught.value.code == "stream_incomplete"


def test_a_malformed_delta_is_an_error(fake) -> None:
    stream_answer(fake, ("delta", ["not", "an", "object"]))
    with make_client(fake.transport) as client, pytest.raises(ApiError) as caught:
        list(client.stream(SUMMARIZE))
    assert caught.value.code == "invalid_stream"


@pytest.mark.parametrize("status", [404, 422])
def test_a_refused_stream_raises_before_any_chunk(fake, status: int) -> None:
    fake.fail("POST", "/v1/text_processing/process/stream", fake.error(status, "x", "refused"))
    with make_client(fake.transport) as client, pytest.raises(ApiError) as caught:
        next(iter(client.stream(SUMMARIZE)))
    assert caught.value.status == status


def test_opening_a_stream_is_retried_on_503(fake) -> None:
    answers = iter([fake.error(503, "provider_unavailable", "busy", retry_after=1)])
    streaming = fake.routes[("POST", "/v1/text_processing/process/stream")]
    fake.routes[("POST", "/v1/text_processing/process/stream")] = lambda r: (
        next(answers, None) or streaming(r)
    )
    sleeps: list[float] = []
    with make_client(fake.transport, sleeps) as client:
        assert isinstance(list(client.stream(SUMMARIZE))[-1], TextProcessingResponse)
    assert sleeps == [1.0]


@pytest.mark.parametrize(
    ("header", "seconds"),
    [(None, None), ("", None), ("12", 12.0), ("-3", 0.0), ("soon", None), ("nan", None)],
)
def test_retry_after_is_read_as_seconds(header: str | None, seconds: float | None) -> None:
    assert parse_retry_after(header) == seconds


def test_retry_after_may_be_an_http_date() -> None:
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0
