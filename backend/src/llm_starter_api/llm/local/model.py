"""The embedded engine as a pydantic-ai model, so it shares every provider's code path."""

import json
from collections.abc import AsyncIterator, Callable, Mapping
from typing import Any

import anyio
from pydantic import BaseModel
from pydantic_ai.messages import ModelMessage, ModelResponse, TextPart, ToolCallPart
from pydantic_ai.models.function import AgentInfo, DeltaToolCall, DeltaToolCalls, FunctionModel

from llm_starter_api.llm.task import Task, current_task

MODEL_NAME = "local-extractive"

type Engine = Callable[[Task], object]
"""An operation's answer, computed offline: a str, or a Pydantic model of its output type."""


class LocalEngine:
    """Answers each task with its operation's engine function, in the form the agent asked for."""

    def __init__(self, engines: Mapping[str, Engine]) -> None:
        self.engines = dict(engines)

    def answer(self, task: Task) -> object:
        engine = self.engines.get(task.operation)
        if engine is None:
            raise ValueError(f"the embedded engine has no operation {task.operation!r}")
        return engine(task)

    def respond(self, messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        return ModelResponse(parts=[_part(self.answer(current_task()), info)])

    async def stream(
        self, messages: list[ModelMessage], info: AgentInfo
    ) -> AsyncIterator[str | DeltaToolCalls]:
        # CPU-bound, like every engine call: off the event loop, as pydantic-ai runs `respond`.
        answer = await anyio.to_thread.run_sync(self.answer, current_task())
        if not isinstance(answer, str) or info.output_tools:
            part = _part(answer, info)
            if isinstance(part, ToolCallPart):
                yield {0: DeltaToolCall(name=part.tool_name, json_args=part.args_as_json_str())}
                return
            answer = part.content
        # Word by word, as a generative model would stream; whitespace is kept exactly.
        for index, word in enumerate(answer.split(" ")):
            yield word if index == 0 else f" {word}"


def _part(answer: object, info: AgentInfo) -> TextPart | ToolCallPart:
    """A tool call when the agent offers an output tool, else text (JSON for structured output)."""
    args: Any = answer.model_dump(mode="json") if isinstance(answer, BaseModel) else answer
    if info.output_tools:
        # pydantic-ai wraps a non-object output in one field of its tool's arguments.
        return ToolCallPart(
            info.output_tools[0].name, args if isinstance(args, dict) else {"response": args}
        )
    return TextPart(answer if isinstance(answer, str) else json.dumps(args))


def local_model(engines: Mapping[str, Engine]) -> FunctionModel:
    """The embedded offline engine: extractive, deterministic, no network."""
    engine = LocalEngine(engines)
    return FunctionModel(engine.respond, stream_function=engine.stream, model_name=MODEL_NAME)
