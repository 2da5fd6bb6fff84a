"""TextService: one request in, one response out, through the operation's agent."""

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

from pydantic_ai.exceptions import AgentRunError
from pydantic_ai.usage import RunUsage

from llm_starter_api.errors import InvalidInput
from llm_starter_api.llm.errors import to_app_error
from llm_starter_api.llm.task import Task
from llm_starter_api.text.agents import Agents
from llm_starter_api.text.operations import effective_options
from llm_starter_api.text.outputs import KeyPoints, Questions
from llm_starter_api.text.prompts import PROMPT_VERSION
from llm_starter_models import (
    SentimentResult,
    TextProcessingOperation,
    TextProcessingRequest,
    TextProcessingResponse,
)
from llm_starter_models import TextProcessingOperation as Op

STREAMING_OPERATIONS = (Op.SUMMARIZE, Op.QA)


class TextService:
    """Runs text operations on the configured model, bounded by a deadline."""

    def __init__(self, agents: Agents, *, max_text_length: int, timeout_seconds: float) -> None:
        self.agents = agents
        self.max_text_length = max_text_length
        self.timeout_seconds = timeout_seconds

    def check(self, request: TextProcessingRequest) -> None:
        """Refuse what the shared model cannot know: the server's own limits."""
        if len(request.text) > self.max_text_length:
            raise InvalidInput(
                f"text: {len(request.text)} characters is over this server's limit of "
                f"{self.max_text_length}",
                details={"errors": [{"field": "text", "reason": "too long"}]},
            )

    def _task(self, request: TextProcessingRequest) -> Task:
        return Task(
            operation=request.operation.value,
            document=request.text,
            question=request.question if request.operation is Op.QA else None,
            options=effective_options(request),
        )

    def _metadata(self, request: TextProcessingRequest, usage: RunUsage) -> dict[str, Any]:
        metadata: dict[str, Any] = {
            "word_count": len(request.text.split()),
            "model": self.agents.model_id,
            "prompt_version": PROMPT_VERSION,
            "input_tokens": usage.input_tokens,
            "output_tokens": usage.output_tokens,
        }
        if self.agents.model_id == "local":
            metadata["engine"] = "extractive"
        return metadata

    async def process(self, request: TextProcessingRequest) -> TextProcessingResponse:
        """Process one request; provider failures become transient (503) or permanent (502)."""
        self.check(request)
        started = time.perf_counter()
        agent = self.agents[request.operation]
        try:
            async with asyncio.timeout(self.timeout_seconds):
                run = await agent.run(self._task(request).render())
        except (TimeoutError, AgentRunError) as exc:
            raise to_app_error(exc) from exc
        return _response(
            request.operation,
            run.output,
            metadata=self._metadata(request, run.usage),
            processing_time=time.perf_counter() - started,
        )

    def check_streamable(self, request: TextProcessingRequest) -> None:
        """Refuse, before any streaming starts, what cannot be streamed."""
        self.check(request)
        if request.operation not in STREAMING_OPERATIONS:
            raise InvalidInput(
                f"operation: {request.operation.value} does not stream; streaming supports "
                + ", ".join(op.value for op in STREAMING_OPERATIONS)
                + " (use /process for the others)",
                details={"errors": [{"field": "operation", "reason": "does not stream"}]},
            )

    async def stream(
        self, request: TextProcessingRequest
    ) -> AsyncIterator[str | TextProcessingResponse]:
        """Text chunks as the model writes them, then the full response."""
        self.check_streamable(request)
        started = time.perf_counter()
        agent = self.agents[request.operation]
        try:
            async with (
                asyncio.timeout(self.timeout_seconds),
                agent.run_stream(self._task(request).render()) as run,
            ):
                async for chunk in run.stream_text(delta=True, debounce_by=None):
                    yield chunk
                output = await run.get_output()
        except (TimeoutError, AgentRunError) as exc:
            raise to_app_error(exc) from exc
        yield _response(
            request.operation,
            output,
            metadata=self._metadata(request, run.usage),
            processing_time=time.perf_counter() - started,
        )


def _response(
    operation: TextProcessingOperation,
    output: object,
    *,
    metadata: dict[str, Any],
    processing_time: float,
) -> TextProcessingResponse:
    fields: dict[str, Any] = {}
    match operation:
        case Op.SUMMARIZE | Op.QA:
            assert isinstance(output, str)
            fields["result"] = output
        case Op.SENTIMENT:
            assert isinstance(output, SentimentResult)
            fields["sentiment"] = output
        case Op.KEY_POINTS:
            assert isinstance(output, KeyPoints)
            fields["key_points"] = output.points
        case Op.QUESTIONS:
            assert isinstance(output, Questions)
            fields["questions"] = output.questions
    return TextProcessingResponse(
        operation=operation,
        metadata=metadata,
        processing_time=processing_time,
        cache_hit=False,
        **fields,
    )
