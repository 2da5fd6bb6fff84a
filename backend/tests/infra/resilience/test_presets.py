"""Presets, strategies and RESILIENCE_CUSTOM_CONFIG: resolved as documented, validated, and live."""

from dataclasses import replace

import pytest
from apitest import make_settings
from fakes.openai_server import FakeOpenAI, HTTPError
from infra.resilience.resilience_support import PROCESS, Sleeps, body, fake_provider_app
from pydantic import ValidationError

from llm_starter_api.config import ConfigError, load_settings
from llm_starter_api.config_values import ResilienceOverrides, parse_overrides
from llm_starter_api.infra.resilience.policy import STRATEGIES, resolve
from llm_starter_api.resources import load_operations

# The built-in operations' call classes, as the composition root hands them to the policy.
CLASSES = {op.id: op.resilience for op in load_operations(make_settings())}


def test_simple_uses_balanced_everywhere() -> None:
    policy = resolve("simple", ResilienceOverrides(), timeout=30, classes=CLASSES)

    assert policy.default == STRATEGIES["balanced"]
    assert set(policy.operations.values()) == {STRATEGIES["balanced"]}


def test_production_maps_operations_to_their_strategies() -> None:
    policy = resolve("production", ResilienceOverrides(), timeout=30, classes=CLASSES)

    assert policy.for_operation("sentiment") == STRATEGIES["aggressive"]
    assert policy.for_operation("qa") == STRATEGIES["conservative"]
    assert policy.for_operation("summarize") == STRATEGIES["balanced"]


@pytest.mark.parametrize("timeout", [12.0, 120.0])
def test_deadlines_and_attempt_timeouts_follow_llm_timeout(timeout: float) -> None:
    policy = resolve("production", ResilienceOverrides(), timeout=timeout, classes=CLASSES)

    scale = timeout / 30  # the strategies are written for the default 30 s
    qa, sentiment = policy.for_operation("qa"), policy.for_operation("sentiment")
    assert (qa.deadline, qa.attempt_timeout) == pytest.approx((30 * scale, 20 * scale))
    assert (sentiment.deadline, sentiment.attempt_timeout) == pytest.approx((10 * scale, 8 * scale))


def test_explicit_deadlines_win_over_llm_timeout() -> None:
    overrides = parse_overrides('{"deadline": 50, "attempt_timeout": 45}')
    policy = resolve("production", overrides, timeout=300, classes=CLASSES)

    assert (policy.default.deadline, policy.default.attempt_timeout) == (50, 45)


def test_a_self_hosted_model_gets_the_longer_default_timeout() -> None:
    assert make_settings().llm_timeout == 30
    local_server = make_settings(
        llm_model="openai:smollm2", openai_base_url="http://127.0.0.1:1/v1"
    )
    assert local_server.llm_timeout == 120
    assert make_settings(llm_model="ollama:llama3.2").llm_timeout == 120
    assert make_settings(llm_model="ollama:llama3.2", llm_timeout_seconds=9).llm_timeout == 9


def test_custom_config_overrides_numbers_strategy_and_operations() -> None:
    overrides = parse_overrides(
        '{"strategy": "critical", "operations": {"qa": "aggressive"}, "attempts": 2}'
    )

    policy = resolve("production", overrides, timeout=30, classes=CLASSES)

    assert policy.default == replace(STRATEGIES["critical"], attempts=2)
    assert policy.for_operation("qa") == replace(STRATEGIES["aggressive"], attempts=2)
    # The preset's own exceptions stay unless the custom config names the operation.
    assert policy.for_operation("sentiment") == replace(STRATEGIES["aggressive"], attempts=2)


@pytest.mark.parametrize(
    ("raw", "named"),
    [
        ('{"atempts": 2}', "atempts"),
        ('{"attempts": 0}', "attempts"),
        ('{"deadline": -1}', "deadline"),
        ('{"strategy": "reckless"}', "strategy"),
        ("{not json", "JSON"),
    ],
)
def test_bad_custom_config_is_refused_naming_the_key(raw: str, named: str) -> None:
    with pytest.raises(ValidationError, match=named):
        make_settings(resilience_custom_config=raw)


def test_an_operation_this_server_lacks_stops_start_up_naming_the_variable() -> None:
    settings = make_settings(resilience_custom_config='{"operations": {"translate": "balanced"}}')
    with pytest.raises(
        ConfigError, match=r"RESILIENCE_CUSTOM_CONFIG: unknown operation.*translate"
    ):
        load_operations(settings)


def test_start_up_names_resilience_custom_config_and_the_bad_key(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("RESILIENCE_CUSTOM_CONFIG", '{"attempts": 3, "retry_forever": true}')

    with pytest.raises(ConfigError) as raised:
        load_settings()

    assert "RESILIENCE_CUSTOM_CONFIG:" in str(raised.value)
    assert "retry_forever" in str(raised.value)


@pytest.mark.parametrize(
    ("fallbacks", "named"),
    [("local, gpt-4", "gpt-4"), ("anthropic:claude-sonnet-4-5", "ANTHROPIC_API_KEY")],
)
def test_bad_fallback_models_are_refused(fallbacks: str, named: str) -> None:
    with pytest.raises(ValidationError, match=named):
        make_settings(llm_fallback_models=fallbacks)


# Live: the same failing provider, two presets. development is aggressive (2 attempts, trips at 3
# failures, 10 s deadline); simple is balanced (3 attempts, trips at 5, 20 s deadline).


@pytest.mark.parametrize(("preset", "attempts"), [("development", 2), ("simple", 3)])
async def test_the_preset_sets_how_often_a_request_is_tried(
    provider: FakeOpenAI, preset: str, attempts: int
) -> None:
    provider.script(*[HTTPError(500)] * 10)

    async with fake_provider_app(provider.url, resilience_preset=preset) as (client, resources):
        resources.resilience.sleep = Sleeps()
        response = await client.post(PROCESS, json=body())

    assert response.status_code == 503
    assert len(provider.requests) == attempts


@pytest.mark.parametrize(("preset", "threshold"), [("development", 3), ("simple", 5)])
async def test_the_preset_sets_after_how_many_failures_the_breaker_opens(
    provider: FakeOpenAI, preset: str, threshold: int
) -> None:
    provider.script(*[HTTPError(500)] * 20)

    async with fake_provider_app(provider.url, resilience_preset=preset) as (client, resources):
        resources.resilience.sleep = Sleeps()
        errors = [(await client.post(PROCESS, json=body())).json() for _ in range(4)]

    assert len(provider.requests) == threshold  # then the breaker stops every call
    assert errors[-1]["details"]["reason"] == "circuit_open"


@pytest.mark.parametrize(
    ("preset", "tries", "waits"), [("development", 1, []), ("simple", 2, [15])]
)
async def test_the_preset_sets_the_deadline_that_bounds_waiting_for_retry_after(
    provider: FakeOpenAI, preset: str, tries: int, waits: list[float]
) -> None:
    provider.script(HTTPError(429, retry_after="15"))
    sleeps = Sleeps()

    async with fake_provider_app(provider.url, resilience_preset=preset) as (client, resources):
        resources.resilience.sleep = sleeps
        await client.post(PROCESS, json=body())

    # 15 s fits in simple's 20 s deadline but not in development's 10 s: no point waiting then.
    assert len(provider.requests) == tries
    assert sleeps.waits == waits
