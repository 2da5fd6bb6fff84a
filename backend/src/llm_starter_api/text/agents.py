"""One pydantic-ai agent per operation, each with its typed output, sharing one model."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pydantic_ai import Agent
from pydantic_ai.models import Model
from pydantic_ai.settings import ModelSettings

from llm_starter_api.text.operations.base import Operation


@dataclass(frozen=True, slots=True)
class Agents:
    """The agents of every operation."""

    by_operation: dict[str, Agent[None, Any]]
    model_id: str
    """The model as LLM_MODEL names it: response metadata and cache keys use it."""

    def __getitem__(self, operation: str) -> Agent[None, Any]:
        return self.by_operation[operation]


def build_agents(
    operations: Iterable[Operation], model: Model, settings: ModelSettings, *, model_id: str
) -> Agents:
    """Create the agents once, at start-up; each request brings its own instructions."""
    agents: dict[str, Agent[None, Any]] = {
        operation.id: Agent(
            model,
            output_type=operation.output,
            model_settings=settings,
            # Invalid output gets one more try, through pydantic-ai's own validation loop.
            retries=1,
            name=f"text-{operation.id}",
        )
        for operation in operations
    }
    return Agents(agents, model_id)
