"""One pydantic-ai agent per operation, each with a typed output."""

from dataclasses import dataclass
from typing import Any

from pydantic_ai import Agent
from pydantic_ai.models import Model
from pydantic_ai.settings import ModelSettings

from llm_starter_api.text.outputs import KeyPoints, Questions
from llm_starter_api.text.prompts import INSTRUCTIONS
from llm_starter_models import SentimentResult
from llm_starter_models import TextProcessingOperation as Op

OUTPUT_TYPES: dict[Op, type[Any]] = {
    Op.SUMMARIZE: str,
    Op.SENTIMENT: SentimentResult,
    Op.KEY_POINTS: KeyPoints,
    Op.QUESTIONS: Questions,
    Op.QA: str,
}


@dataclass(frozen=True, slots=True)
class Agents:
    """The agents of every operation, sharing one model and its settings."""

    by_operation: dict[Op, Agent[None, Any]]
    model_id: str
    """The model as LLM_MODEL names it: response metadata and cache keys use it."""

    def __getitem__(self, operation: Op) -> Agent[None, Any]:
        return self.by_operation[operation]


def build_agents(model: Model, settings: ModelSettings, *, model_id: str) -> Agents:
    """Create the agents once, at start-up."""
    agents: dict[Op, Agent[None, Any]] = {
        operation: Agent(
            model,
            output_type=OUTPUT_TYPES[operation],
            instructions=INSTRUCTIONS[operation],
            model_settings=settings,
            # Invalid output gets one more try, through pydantic-ai's own validation loop.
            retries=1,
            name=f"text-{operation.value}",
        )
        for operation in Op
    }
    return Agents(agents, model_id)
