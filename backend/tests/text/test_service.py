"""TextService with scripted models: typed outputs, the deadline, and provider failures sorted."""

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from apitest import make_settings
from pydantic_ai.exceptions import (
    ModelAuthenticationError,
    ModelConnectionError,
    ModelHTTPError,
    ModelRateLimitError,
    ModelServerError,
)
from pydantic_ai.messages import ModelMessage, ModelResponse
from pydantic_ai.models import Model
from pydantic_ai.models.function import AgentInfo, FunctionModel
from pydantic_ai.models.test import TestModel

from llm_starter_api.errors import AppError, ProviderRejected, ProviderUnavailable
from llm_starter_api.resources import Resources
from llm_starter_api.text.service import TextService
from llm_starter_models import TextProcessingOperation as Op
from llm_starter_models import TextProcessingRequest

TEXT = "Rivers carry water to the sea. The Nile is the longest river in Africa."


async def no_wait(seconds: float) -> None:
    """Retries' backoff, skipped: these tests count attempts, not seconds."""


@pytest.fixture
def resources() -> Resources:
    created = Resources.create(make_settings())
    created.resilience.sleep = no_wait
    return created


@contextmanager
def every_agent_uses(resources: Resources, model: Model) -> Iterator[TextService]:
    agents = resources.agents.by_operation.values()
    overrides = [agent.override(model=model) for agent in agents]
    for override in overrides:
        override.__enter__()
    try:
        yield resources.text_service
    finally:
        for override in reversed(overrides):
            override.__exit__(None, None, None)


def request(operation: Op) -> TextProcessingRequest:
    question = "Which river is longest?" if operation is Op.QA else None
    return TextProcessingRequest(text=TEXT, operation=operation, question=question)


@pytest.mark.parametrize("operation", list(Op))
async def test_typed_outputs_of_any_model_fill_the_response(
    resources: Resources, operation: Op
) -> None:
    with every_agent_uses(resources, TestModel()) as service:
        response = await service.process(request(operation), owner="anonymous")
    filled = [response.result, response.sentiment, response.key_points, response.questions]
    assert sum(value is not None for value in filled) == 1


def failing(exc: Exception) -> FunctionModel:
    def fail(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        raise exc

    return FunctionModel(fail)


@pytest.mark.parametrize(
    ("exc", "expected", "retry_after"),
    [
        (
            ModelHTTPError.for_category(
                ModelRateLimitError, status_code=429, model_name="m", retry_after=12
            ),
            ProviderUnavailable,
            12,
        ),
        (
            ModelHTTPError.for_category(ModelServerError, status_code=500, model_name="m"),
            ProviderUnavailable,
            5,
        ),
        (ModelHTTPError(503, "m"), ProviderUnavailable, 5),
        (ModelConnectionError("m", "connection refused"), ProviderUnavailable, 5),
        (
            ModelHTTPError.for_category(
                ModelAuthenticationError, status_code=401, model_name="m", body="bad key sk-secret"
            ),
            ProviderRejected,
            None,
        ),
        (ModelHTTPError(400, "m", body="sk-secret"), ProviderRejected, None),
    ],
)
async def test_provider_failures_are_transient_or_permanent(
    resources: Resources, exc: Exception, expected: type[AppError], retry_after: float | None
) -> None:
    with every_agent_uses(resources, failing(exc)) as service, pytest.raises(expected) as raised:
        await service.process(request(Op.SUMMARIZE), owner="anonymous")
    assert raised.value.retry_after == retry_after
    assert "sk-secret" not in raised.value.message


async def test_a_hanging_model_is_cut_off_at_the_deadline() -> None:
    resources = Resources.create(make_settings(llm_timeout_seconds=1))

    async def hang(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        await asyncio.sleep(3600)  # only the deadline ends this within the test's timeout
        raise AssertionError("unreachable")

    with (
        every_agent_uses(resources, FunctionModel(hang)) as service,
        pytest.raises(ProviderUnavailable),
    ):
        await service.process(request(Op.SENTIMENT), owner="anonymous")
