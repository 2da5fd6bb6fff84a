"""pydantic-ai agents per operation and output mode, built once and reused by every request."""

from collections.abc import Iterable
from typing import Any

from pydantic_ai import Agent
from pydantic_ai.models import Model
from pydantic_ai.settings import ModelSettings

from llm_starter_api.llm.output_modes import OutputMode, output_spec
from llm_starter_api.text.operations.base import Operation


class Agents:
    """An agent per operation and output mode, sharing one model and its settings.

    Built on first use and kept: an agent prepares its output schema (and the tool that carries
    it) once, where passing an output type to each run would build it again every time.
    """

    def __init__(
        self,
        operations: Iterable[Operation],
        model: Model,
        settings: ModelSettings,
        *,
        model_id: str,
    ) -> None:
        self.operations = {operation.id: operation for operation in operations}
        self.model = model
        self.settings = settings
        self.model_id = model_id
        """The model as LLM_MODEL names it: response metadata and cache keys use it."""
        self._agents: dict[tuple[str, OutputMode, Any], Agent[None, Any]] = {}

    def get(
        self, operation: str, mode: OutputMode = "tool", output: Any = None
    ) -> Agent[None, Any]:
        """The agent of `operation` asking for `output` (default: the declared one) in `mode`."""
        output = self.operations[operation].output if output is None else output
        agent = self._agents.get((operation, mode, output))
        if agent is None:
            agent = self._agents[operation, mode, output] = Agent(
                self.model,
                output_type=output_spec(output, mode),
                model_settings=self.settings,
                # Invalid output gets one more try, through pydantic-ai's own validation loop.
                retries=1,
                name=f"text-{operation}",
            )
        return agent

    def __getitem__(self, operation: str) -> Agent[None, Any]:
        return self.get(operation)

    @property
    def by_operation(self) -> dict[str, Agent[None, Any]]:
        """Each operation's default (tool-mode) agent, e.g. for tests to override its model."""
        return {operation: self.get(operation) for operation in self.operations}


def build_agents(
    operations: Iterable[Operation], model: Model, settings: ModelSettings, *, model_id: str
) -> Agents:
    """The agents of every operation over `model`."""
    return Agents(operations, model, settings, model_id=model_id)
