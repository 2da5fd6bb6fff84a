"""Estimated cost from genai-prices' bundled table, offline; unknown and local models cost 0."""

from typing import Any

import pytest
from prometheus_client import REGISTRY
from pydantic_ai.usage import RunUsage

from llm_starter_api.infra.monitoring.llm import estimate_cost, observe_llm_call


def test_known_provider_models_are_priced() -> None:
    cost = estimate_cost("openai:gpt-4o-mini", input_tokens=1_000_000, output_tokens=0)
    assert 0.01 < cost < 10


@pytest.mark.parametrize("model", ["local", "ollama:llama3.2", "openai:no-such-model-xyz"])
def test_unpriced_models_cost_nothing(model: str) -> None:
    assert estimate_cost(model, input_tokens=1000, output_tokens=1000) == 0.0


def _value(name: str, **labels: Any) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_an_observed_call_counts_the_model_that_answered() -> None:
    labels = {"model": "openai:gpt-4o-mini", "operation": "test-op"}
    calls, cost = (
        _value("llm_calls_total", outcome="ok", **labels),
        _value("llm_cost_usd_total", **labels),
    )
    with observe_llm_call("local", "test-op") as call:
        call.answered("openai:gpt-4o-mini", RunUsage(input_tokens=500, output_tokens=100))
    assert _value("llm_calls_total", outcome="ok", **labels) == calls + 1
    assert _value("llm_cost_usd_total", **labels) > cost


def test_a_failed_call_counts_as_an_error() -> None:
    before = _value("llm_calls_total", model="local", operation="test-fail", outcome="error")
    with pytest.raises(TimeoutError), observe_llm_call("local", "test-fail"):
        raise TimeoutError
    assert (
        _value("llm_calls_total", model="local", operation="test-fail", outcome="error")
        == before + 1
    )
