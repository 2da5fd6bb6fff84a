"""The embedded engine as a pydantic-ai model, so it shares every provider's code path."""

import json
from collections.abc import AsyncIterator
from typing import Any

import anyio
from pydantic_ai.messages import (
    ModelMessage,
    ModelRequest,
    ModelResponse,
    TextPart,
    ToolCallPart,
    UserPromptPart,
)
from pydantic_ai.models.function import AgentInfo, DeltaToolCall, DeltaToolCalls, FunctionModel

from llm_starter_api.llm import local
from llm_starter_api.llm.task import Task

MODEL_NAME = "local-extractive"


def _task(messages: list[ModelMessage]) -> Task:
    request = messages[-1]
    assert isinstance(request, ModelRequest)
    for part in reversed(request.parts):
        if isinstance(part, UserPromptPart) and isinstance(part.content, str):
            return Task.parse(part.content)
    raise ValueError("the embedded engine needs a rendered task as the user prompt")


def _option(task: Task, name: str) -> int:
    if name not in task.options:
        raise ValueError(f"the task does not state its {name} option")
    return task.options[name]


def _text_answer(task: Task) -> str | None:
    """The answer of a text operation, or None for a structured one."""
    match task.operation:
        case "summarize":
            return local.summarize(task.document, max_length=_option(task, "max_length"))
        case "qa":
            return local.answer(task.document, task.question or "")
        case _:
            return None


def _structured_answer(task: Task) -> dict[str, Any]:
    match task.operation:
        case "sentiment":
            verdict = local.sentiment(task.document)
            return {
                "sentiment": verdict.label,
                "confidence": verdict.confidence,
                "explanation": verdict.explanation,
            }
        case "key_points":
            return {
                "points": local.key_points(task.document, max_points=_option(task, "max_points"))
            }
        case "questions":
            count = _option(task, "num_questions")
            return {"questions": local.questions(task.document, num_questions=count)}
        case other:
            raise ValueError(f"the embedded engine has no operation {other!r}")


def _respond(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
    task = _task(messages)
    text = _text_answer(task)
    if text is not None:
        return ModelResponse(parts=[TextPart(text)])
    tool = info.output_tools[0].name
    return ModelResponse(parts=[ToolCallPart(tool, _structured_answer(task))])


async def _stream(
    messages: list[ModelMessage], info: AgentInfo
) -> AsyncIterator[str | DeltaToolCalls]:
    task = _task(messages)
    # CPU-bound, like every engine call: off the event loop, as pydantic-ai runs `_respond`.
    text = await anyio.to_thread.run_sync(_text_answer, task)
    if text is None:
        args = json.dumps(await anyio.to_thread.run_sync(_structured_answer, task))
        yield {0: DeltaToolCall(name=info.output_tools[0].name, json_args=args)}
        return
    # Word by word, as a generative model would stream; whitespace is kept exactly.
    words = text.split(" ")
    for index, word in enumerate(words):
        yield word if index == 0 else f" {word}"


def local_model() -> FunctionModel:
    """The embedded offline engine: extractive, deterministic, no network."""
    return FunctionModel(_respond, stream_function=_stream, model_name=MODEL_NAME)
