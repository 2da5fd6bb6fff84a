"""TextService: one request in, one response out, through the operation's agent."""

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

from pydantic_ai.exceptions import AgentRunError
from pydantic_ai.models import Model
from pydantic_ai.usage import RunUsage

from llm_starter_api.errors import InvalidInput
from llm_starter_api.infra.cache.keys import CacheKey
from llm_starter_api.infra.cache.response_cache import ResponseCache
from llm_starter_api.infra.monitoring.llm import observe_llm_call
from llm_starter_api.infra.resilience.calls import Resilience
from llm_starter_api.infra.security.injection import InjectionGuard
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

    def __init__(
        self,
        agents: Agents,
        *,
        max_text_length: int,
        timeout_seconds: float,
        cache: ResponseCache,
        resilience: Resilience[Model],
        injection: InjectionGuard | None = None,
    ) -> None:
        self.agents = agents
        self.injection = injection or InjectionGuard("off")
        self.resilience = resilience
        self.cache = cache
        self.max_text_length = max_text_length
        self.timeout_seconds = timeout_seconds

    def check(self, request: TextProcessingRequest) -> bool:
        """Refuse what the shared model cannot know (the server's limits, injection in block mode);
        True when the input is flagged as a likely prompt injection."""
        if len(request.text) > self.max_text_length:
            raise InvalidInput(
                f"text: {len(request.text)} characters is over this server's limit of "
                f"{self.max_text_length}",
                details={"errors": [{"field": "text", "reason": "too long"}]},
            )
        return self.injection.check(text=request.text, question=request.question)

    def _task(self, request: TextProcessingRequest) -> Task:
        return Task(
            operation=request.operation.value,
            document=request.text,
            question=request.question if request.operation is Op.QA else None,
            options=effective_options(request),
        )

    def _metadata(
        self, request: TextProcessingRequest, usage: RunUsage, model_id: str | None = None
    ) -> dict[str, Any]:
        model_id = model_id or self.agents.model_id
        metadata: dict[str, Any] = {
            "word_count": len(request.text.split()),
            "model": model_id,
            "prompt_version": PROMPT_VERSION,
            "input_tokens": usage.input_tokens,
            "output_tokens": usage.output_tokens,
        }
        if model_id == "local":
            metadata["engine"] = "extractive"
        return metadata

    def cache_key(self, request: TextProcessingRequest) -> CacheKey:
        """The cache key: everything that changes the answer (user_metadata does not)."""
        task = self._task(request)
        return self.cache.key(
            operation=task.operation,
            model=self.agents.model_id,
            prompt_version=PROMPT_VERSION,
            inputs={"text": task.document, "question": task.question, "options": task.options},
        )

    async def process(self, request: TextProcessingRequest) -> TextProcessingResponse:
        """Process one request, from the cache when it can; provider failures become 503 or 502."""
        flagged = self.check(request)
        started = time.perf_counter()
        key = self.cache_key(request)
        value, hit = await self.cache.get_or_compute(
            key, lambda: self._run(request, started, flagged)
        )
        return _as_hit(value, started) if hit else TextProcessingResponse.model_validate(value)

    def cached(self, request: TextProcessingRequest) -> TextProcessingResponse | None:
        """The answer `process` would give from this process's memory tier, if it holds one.

        Never calls a model nor waits on a store; refuses what `process` refuses.
        """
        self.check(request)
        started = time.perf_counter()
        if (value := self.cache.peek(self.cache_key(request))) is None:
            return None
        return _as_hit(value, started)

    async def _run(
        self, request: TextProcessingRequest, started: float, flagged: bool = False
    ) -> dict[str, Any]:
        agent, prompt = self.agents[request.operation], self._task(request).render()
        try:
            with observe_llm_call(self.agents.model_id, request.operation.value) as call:
                # Deadline, retries, breakers and fallback models: the resilience layer's job.
                answer = await self.resilience.call(
                    request.operation.value, lambda model: agent.run(prompt, model=model)
                )
                call.answered(answer.model_id, answer.value.usage)
        except (TimeoutError, AgentRunError) as exc:
            raise to_app_error(exc) from exc
        run, metadata = answer.value, self._metadata(request, answer.value.usage, answer.model_id)
        if flagged:
            metadata["injection_flagged"] = True
        if answer.degraded:
            metadata["degraded"] = True  # a fallback model answered: the cache skips these
        return _response(
            request.operation,
            run.output,
            metadata=metadata,
            processing_time=time.perf_counter() - started,
        ).model_dump(mode="json")

    def check_streamable(self, request: TextProcessingRequest) -> bool:
        """Refuse, before any streaming starts, what cannot be streamed; True when flagged."""
        flagged = self.check(request)
        if request.operation not in STREAMING_OPERATIONS:
            raise InvalidInput(
                f"operation: {request.operation.value} does not stream; streaming supports "
                + ", ".join(op.value for op in STREAMING_OPERATIONS)
                + " (use /process for the others)",
                details={"errors": [{"field": "operation", "reason": "does not stream"}]},
            )
        return flagged

    async def stream(
        self, request: TextProcessingRequest
    ) -> AsyncIterator[str | TextProcessingResponse]:
        """Text chunks as the model writes them, then the full response."""
        flagged = self.check_streamable(request)
        started = time.perf_counter()
        agent = self.agents[request.operation]
        try:
            with observe_llm_call(self.agents.model_id, request.operation.value) as call:
                async with (
                    asyncio.timeout(self.timeout_seconds),
                    agent.run_stream(self._task(request).render()) as run,
                ):
                    async for chunk in run.stream_text(delta=True, debounce_by=None):
                        yield chunk
                    output = await run.get_output()
                call.answered(self.agents.model_id, run.usage)
        except (TimeoutError, AgentRunError) as exc:
            raise to_app_error(exc) from exc
        metadata = self._metadata(request, run.usage)
        if flagged:
            metadata["injection_flagged"] = True
        yield _response(
            request.operation,
            output,
            metadata=metadata,
            processing_time=time.perf_counter() - started,
        )


def _as_hit(value: dict[str, Any], started: float) -> TextProcessingResponse:
    # A new dict: callers coalesced onto one computation share its value.
    return TextProcessingResponse.model_validate(
        value | {"cache_hit": True, "processing_time": time.perf_counter() - started}
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
