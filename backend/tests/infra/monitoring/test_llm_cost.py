"""Usage you can bill from: every attempt's tokens by outcome, priced offline, unknown prices shown."""

from typing import Any

import pytest
from prometheus_client import REGISTRY
from pydantic_ai.exceptions import UnexpectedModelBehavior

from llm_starter_api.infra.monitoring.llm import estimate_cost, observe_llm_call


def _value(name: str, **labels: Any) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_known_provider_models_are_priced() -> None:
    cost = estimate_cost("openai:gpt-4o-mini", input_tokens=1_000_000, output_tokens=0)
    assert cost is not None
    assert 0.01 < cost < 10


def test_the_embedded_engine_costs_nothing() -> None:
    assert estimate_cost("local", input_tokens=1000, output_tokens=1000) == 0.0


@pytest.mark.parametrize("model", ["ollama:llama3.2", "openai:no-such-model-xyz"])
def test_a_model_without_a_known_price_has_none(model: str) -> None:
    assert estimate_cost(model, input_tokens=1000, output_tokens=1000) is None


def test_an_unpriced_model_s_tokens_show_in_their_own_series() -> None:
    labels = {"model": "openai:no-such-model-xyz"}
    before = _value("llm_unpriced_tokens_total", direction="output", **labels)
    with observe_llm_call("openai:no-such-model-xyz", "test-unpriced") as usage:
        usage.input_tokens, usage.output_tokens = 40, 7
    assert _value("llm_unpriced_tokens_total", direction="output", **labels) == before + 7


def test_an_answered_call_counts_tokens_and_cost() -> None:
    labels = {"model": "openai:gpt-4o-mini", "operation": "test-op"}
    calls, cost = (
        _value("llm_calls_total", outcome="ok", **labels),
        _value("llm_cost_usd_total", **labels),
    )
    with observe_llm_call("openai:gpt-4o-mini", "test-op") as usage:
        usage.input_tokens, usage.output_tokens = 500, 100
    assert _value("llm_calls_total", outcome="ok", **labels) == calls + 1
    assert _value("llm_tokens_total", direction="input", outcome="ok", **labels) >= 500
    assert _value("llm_cost_usd_total", **labels) > cost


@pytest.mark.parametrize(
    ("failure", "outcome"),
    [
        (TimeoutError(), "timeout"),
        (UnexpectedModelBehavior("invalid"), "invalid"),
        (RuntimeError("boom"), "error"),
    ],
)
def test_a_failed_call_still_counts_the_tokens_it_spent(failure: Exception, outcome: str) -> None:
    labels = {"model": "openai:gpt-4o-mini", "operation": f"test-{outcome}"}
    before = _value("llm_tokens_total", direction="output", outcome=outcome, **labels)
    cost = _value("llm_cost_usd_total", **labels)

    def spend_then_fail() -> None:
        with observe_llm_call(**labels) as usage:
            usage.input_tokens, usage.output_tokens = 300, 50
            raise failure

    with pytest.raises(type(failure)):
        spend_then_fail()
    assert _value("llm_calls_total", outcome=outcome, **labels) >= 1
    assert _value("llm_tokens_total", direction="output", outcome=outcome, **labels) == before + 50
    assert _value("llm_cost_usd_total", **labels) > cost  # billed all the same
