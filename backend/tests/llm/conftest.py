"""Fixtures for tests of the provider path: a fake OpenAI-compatible server on a real socket."""

from collections.abc import Iterator

import pytest
from fakes.openai_server import FakeOpenAI
from pydantic_ai.models import override_allow_model_requests


@pytest.fixture
def allow_model_requests() -> Iterator[None]:
    """Lift the root conftest's ban on model requests: these tests only reach local sockets."""
    with override_allow_model_requests(True):
        yield


@pytest.fixture
def openai_server(allow_model_requests: None) -> Iterator[FakeOpenAI]:
    """A running fake OpenAI server; script it with `openai_server.script(...)`."""
    with FakeOpenAI.running() as server:
        yield server
