"""Retries against the fake provider: transient failures only, Retry-After, one total deadline."""

import json

import pytest
from fakes.openai_server import Disconnect, FakeOpenAI, Hang, HTTPError, Reply, ToolCall
from infra.resilience.resilience_support import PROCESS, Sleeps, body, fake_provider_app

# Short waits so tests are quick; the numbers under test are set per test.
FAST = {"backoff_base": 0.01, "backoff_max": 0.05, "jitter": 0.01}


def custom(**numbers: float) -> str:
    return json.dumps(FAST | numbers)


@pytest.mark.parametrize(
    "failure",
    [
        pytest.param(HTTPError(500), id="500"),
        pytest.param(HTTPError(503), id="503"),
        pytest.param(HTTPError(429), id="429"),
        pytest.param(Disconnect(), id="connection-dropped"),
    ],
)
async def test_transient_failures_are_retried_until_an_answer(
    provider: FakeOpenAI, failure: Reply
) -> None:
    provider.script(failure, failure)

    async with fake_provider_app(provider.url, resilience_custom_config=custom(attempts=3)) as (
        client,
        resources,
    ):
        response = await client.post(PROCESS, json=body())

    assert response.status_code == 200, response.text
    assert len(provider.requests) == 3
    assert resources.resilience.counts["summarize"].retries == 2


async def test_retries_stop_after_the_strategy_s_attempts(provider: FakeOpenAI) -> None:
    provider.script(*[HTTPError(500)] * 5)

    async with fake_provider_app(provider.url, resilience_custom_config=custom(attempts=3)) as (
        client,
        _,
    ):
        response = await client.post(PROCESS, json=body())

    assert response.status_code == 503
    assert response.json()["error_code"] == "provider_unavailable"
    assert len(provider.requests) == 3


@pytest.mark.parametrize(
    "failure",
    [
        pytest.param(HTTPError(401, code="invalid_api_key"), id="401"),
        pytest.param(HTTPError(400), id="400"),
        pytest.param(HTTPError(404, code="model_not_found"), id="404"),
    ],
)
async def test_permanent_failures_are_never_retried(provider: FakeOpenAI, failure: Reply) -> None:
    provider.script(failure)

    async with fake_provider_app(provider.url, resilience_custom_config=custom(attempts=5)) as (
        client,
        _,
    ):
        response = await client.post(PROCESS, json=body())

    assert response.status_code == 502
    assert len(provider.requests) == 1


async def test_invalid_output_gets_only_pydantic_ai_s_one_validation_retry(
    provider: FakeOpenAI,
) -> None:
    invalid = ToolCall({"sentiment": "ecstatic", "confidence": 7})
    provider.script(invalid, invalid, invalid)

    async with fake_provider_app(
        provider.url, llm_output_mode="tool", resilience_custom_config=custom(attempts=5)
    ) as (client, _):
        response = await client.post(PROCESS, json=body(operation="sentiment"))

    assert response.status_code == 502
    assert len(provider.requests) == 2  # the first answer and its one validation retry


async def test_retry_after_is_honoured_before_the_next_attempt(provider: FakeOpenAI) -> None:
    provider.script(HTTPError(429, retry_after="1"))

    async with fake_provider_app(provider.url, resilience_custom_config=custom(attempts=2)) as (
        client,
        resources,
    ):
        resources.resilience.sleep = sleeps = Sleeps()
        response = await client.post(PROCESS, json=body())

    assert response.status_code == 200, response.text
    assert len(provider.requests) == 2
    assert sleeps.waits == [1.0]  # Retry-After, not the strategy's 0.01 s backoff


async def test_retry_after_beyond_the_deadline_fails_at_once_passing_it_on(
    provider: FakeOpenAI,
) -> None:
    provider.script(HTTPError(429, retry_after="30"))

    async with fake_provider_app(
        provider.url, resilience_custom_config=custom(attempts=3, deadline=5)
    ) as (client, resources):
        resources.resilience.sleep = sleeps = Sleeps()
        response = await client.post(PROCESS, json=body())

    assert response.status_code == 503
    assert response.headers["retry-after"] == "30"
    assert len(provider.requests) == 1
    assert sleeps.waits == []  # waiting out Retry-After would outlast the deadline


async def test_a_hanging_attempt_is_cut_at_the_attempt_timeout_and_retried(
    provider: FakeOpenAI,
) -> None:
    provider.script(*[Hang(3600)] * 3)

    async with fake_provider_app(
        provider.url, resilience_custom_config=custom(attempts=3, attempt_timeout=0.3, deadline=600)
    ) as (client, resources):
        resources.resilience.sleep = Sleeps()
        response = await client.post(PROCESS, json=body())

    assert response.status_code == 503
    assert len(provider.requests) == 3


async def test_a_hanging_provider_never_keeps_a_request_past_its_deadline(
    provider: FakeOpenAI,
) -> None:
    provider.script(*[Hang(3600)] * 10)

    # Ten attempts of up to ten minutes each: only the deadline can end this within the test's timeout.
    async with fake_provider_app(
        provider.url, resilience_custom_config=custom(attempts=10, attempt_timeout=600, deadline=2)
    ) as (client, _):
        response = await client.post(PROCESS, json=body())

    assert response.status_code == 503
    assert len(provider.requests) == 1  # the deadline ended the one attempt; none came after


async def test_llm_timeout_seconds_sets_every_strategy_s_deadline(provider: FakeOpenAI) -> None:
    provider.script(*[Hang(3600)] * 10)

    async with fake_provider_app(
        provider.url, llm_timeout_seconds=2, resilience_preset="production"
    ) as (client, resources):
        response = await client.post(PROCESS, json=body(operation="qa"))

    qa = resources.resilience.policy.for_operation("qa")
    # Conservative's 30 s and 20 s, written for 30 s, scaled to 2 s.
    assert (qa.deadline, qa.attempt_timeout) == pytest.approx((2, 4 / 3))
    assert response.status_code == 503
    assert len(provider.requests) == 1
