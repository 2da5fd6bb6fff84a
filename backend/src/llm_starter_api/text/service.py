"""TextService: one request in, one response out, through the operation's agent."""

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic_ai import AgentRunResult
from pydantic_ai.exceptions import AgentRunError, UnexpectedModelBehavior
from pydantic_ai.models import Model
from pydantic_ai.usage import RunUsage

from llm_starter_api.errors import AppError, InvalidInput
from llm_starter_api.infra.cache.keys import CacheKey
from llm_starter_api.infra.cache.response_cache import ResponseCache
from llm_starter_api.infra.monitoring.llm import observe_llm_call
from llm_starter_api.infra.resilience.admission import Admission
from llm_starter_api.infra.resilience.calls import Resilience
from llm_starter_api.infra.security.injection import InjectionGuard
from llm_starter_api.llm.errors import InvalidOutput, invalid_output, to_app_error
from llm_starter_api.llm.output_modes import OutputModes
from llm_starter_api.llm.task import Task, asking
from llm_starter_api.text.agents import Agents
from llm_starter_api.text.operations.base import Operation
from llm_starter_api.text.registry import Registry
from llm_starter_models import TextProcessingRequest, TextProcessingResponse

logger = logging.getLogger(__name__)

type CacheScope = Literal["key", "shared"]

SHARED_SCOPE = "shared"
"""The one cache scope of every caller under CACHE_SCOPE=shared."""


@dataclass(frozen=True, slots=True)
class Prepared:
    """A request checked and keyed for one owner: the work a cache lookup needs, done once.

    `TextService.lookup` makes it (CachedAnswers, ahead of the route); `process` takes it instead of
    checking, building the task and hashing the text a second time on a miss.
    """

    request: TextProcessingRequest
    owner: str
    flagged: bool
    operation: Operation
    task: Task
    key: CacheKey


class TextService:
    """Runs text operations on the configured model, bounded by a deadline."""

    def __init__(
        self,
        operations: Registry,
        agents: Agents,
        *,
        max_text_length: int,
        max_output_tokens: int,
        timeout_seconds: float,
        cache: ResponseCache,
        resilience: Resilience[Model],
        output_modes: OutputModes,
        injection: InjectionGuard | None = None,
        invalid_output_excerpt: int = 0,
        admission: Admission | None = None,
        cache_scope: CacheScope = "key",
    ) -> None:
        self.cache_scope = cache_scope
        """Whose answers a hit may serve: the caller's own (key) or anyone's (shared)."""
        self.admission = admission
        """The process's cap on model calls in flight (None: no cap, as in the job worker)."""
        self.operations = operations
        self.output_modes = output_modes
        self.invalid_output_excerpt = invalid_output_excerpt
        self.agents = agents
        self.max_output_tokens = max_output_tokens
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

    def _task(self, request: TextProcessingRequest) -> tuple[Operation, Task]:
        operation = self.operations[request.operation]
        return operation, Task(
            operation=operation.id,
            document=request.text,
            question=request.question if operation.requires_question else None,
            options=operation.effective_options(self.operations.narrow(request).options),
        )

    def _run_options(self, operation: Operation, task: Task) -> dict[str, Any]:
        """What one agent run needs besides the prompt: its instructions and output cap."""
        cap = min(operation.output_tokens(task.options), self.max_output_tokens)
        return {
            "instructions": operation.instructions_for(task.options),
            "model_settings": {"max_tokens": cap},
        }

    def _metadata(
        self,
        request: TextProcessingRequest,
        usage: RunUsage,
        model_id: str | None = None,
    ) -> dict[str, Any]:
        model_id = model_id or self.agents.model_id
        metadata: dict[str, Any] = {
            "word_count": len(request.text.split()),
            "model": model_id,
            "prompt_version": self.operations[request.operation].prompt_version,
            "input_tokens": usage.input_tokens,
            "output_tokens": usage.output_tokens,
        }
        if model_id == "local":
            metadata["engine"] = "extractive"
        return metadata

    def scope_of(self, owner: str) -> str:
        """The cache scope of `owner`'s answers (an owner tag, never a key): its own, or shared."""
        return SHARED_SCOPE if self.cache_scope == "shared" else owner

    def cache_key(self, request: TextProcessingRequest, *, owner: str) -> CacheKey:
        """The cache key: the caller's scope and everything that changes the answer (user_metadata
        does not)."""
        return self._key(*self._task(request), owner=owner)

    def _key(self, operation: Operation, task: Task, *, owner: str) -> CacheKey:
        return self.cache.key(
            scope=self.scope_of(owner),
            operation=operation.id,
            model=self.agents.model_id,
            prompt_version=operation.prompt_version,
            inputs={"text": task.document, "question": task.question, "options": task.options},
        )

    def prepare(self, request: TextProcessingRequest, *, owner: str) -> Prepared:
        """Refuse what `check` refuses, then build the task and the cache key, once."""
        flagged = self.check(request)
        operation, task = self._task(request)
        key = self._key(operation, task, owner=owner)
        return Prepared(request, owner, flagged, operation, task, key)

    async def process(
        self, request: TextProcessingRequest, *, owner: str, prepared: Prepared | None = None
    ) -> TextProcessingResponse:
        """Process one request for `owner` (`owner_of` its API key), from the cache when it can;
        provider failures become 503 or 502. `prepared`, from `lookup` on this very request and
        owner, saves doing that work again."""
        started = time.perf_counter()
        if prepared is None or prepared.request is not request or prepared.owner != owner:
            prepared = self.prepare(request, owner=owner)
        ready = prepared
        value, hit = await self.cache.get_or_compute(
            ready.key,
            lambda: self._run(ready, started),
            admit=self.admission.admit if self.admission is not None else None,
        )
        return _as_hit(value, started) if hit else TextProcessingResponse.model_validate(value)

    def cached(
        self, request: TextProcessingRequest, *, owner: str
    ) -> TextProcessingResponse | None:
        """The answer `process` would give `owner` from this process's memory tier, if it holds one.

        Never calls a model nor waits on a store; refuses what `process` refuses.
        """
        return self.lookup(request, owner=owner)[1]

    def lookup(
        self, request: TextProcessingRequest, *, owner: str
    ) -> tuple[Prepared, TextProcessingResponse | None]:
        """`cached`, and the prepared request to hand to `process` when it finds nothing."""
        started = time.perf_counter()
        prepared = self.prepare(request, owner=owner)
        value = self.cache.peek(prepared.key)
        return prepared, None if value is None else _as_hit(value, started)

    async def _run(self, prepared: Prepared, started: float) -> dict[str, Any]:
        request, operation, task = prepared.request, prepared.operation, prepared.task
        try:
            with asking(task):
                # Deadline, retries, breakers and fallback models: the resilience layer's job.
                async with self._slot():
                    answer = await self.resilience.call(
                        operation.id,
                        lambda model_id, model: self._ask(operation, task, model_id, model),
                    )
        except (TimeoutError, AgentRunError) as exc:
            raise self._failed(exc) from exc
        metadata = self._metadata(request, answer.value.usage, answer.model_id)
        if prepared.flagged:
            metadata["injection_flagged"] = True
        if answer.degraded:
            metadata["degraded"] = True  # a fallback model answered: the cache skips these
        return _response(
            operation,
            answer.value.output,
            metadata=metadata,
            processing_time=time.perf_counter() - started,
        ).model_dump(mode="json")

    async def _ask(
        self, operation: Operation, task: Task, model_id: str, model: Model
    ) -> AgentRunResult[Any]:
        """One model's answer, trying its output modes in turn; each try counts in the metrics."""
        run = self._run_options(operation, task)
        modes = self.output_modes.candidates(model_id) if operation.output is not str else ("tool",)
        output = operation.output_type(task.options)
        for index, mode in enumerate(modes):
            try:
                with observe_llm_call(model_id, operation.id) as usage:
                    result = await self.agents.get(operation.id, mode, output).run(
                        task.prompt(), model=model, usage=usage, **run
                    )
            except UnexpectedModelBehavior as exc:
                if index + 1 < len(modes):
                    continue  # a server that ignores this mode may follow the next
                raise invalid_output(
                    exc,
                    model=model_id,
                    operation=operation.id,
                    modes=modes,
                    excerpt_chars=self.invalid_output_excerpt,
                ) from exc
            if len(modes) > 1 or index:
                self.output_modes.worked(model_id, mode)
            return result
        raise AssertionError("unreachable: every model has an output mode")

    def _slot(self) -> AbstractAsyncContextManager[None]:
        return self.admission.slot() if self.admission is not None else nullcontext()

    def _failed(self, exc: BaseException) -> AppError:
        """The API error for a failed call; an invalid answer is also logged, with its reason."""
        error = to_app_error(exc)
        if isinstance(exc, InvalidOutput):
            logger.warning("invalid model output: %s", exc, extra=exc.details())
        return error

    def check_streamable(self, request: TextProcessingRequest) -> bool:
        """Refuse, before any streaming starts, what cannot be streamed; True when flagged."""
        flagged = self.check(request)
        if not self.operations[request.operation].streams:
            streaming = ", ".join(op.id for op in self.operations if op.streams)
            raise InvalidInput(
                f"operation: {request.operation} does not stream; streaming supports "
                f"{streaming} (use /process for the others)",
                details={"errors": [{"field": "operation", "reason": "does not stream"}]},
            )
        return flagged

    async def stream(
        self, request: TextProcessingRequest
    ) -> AsyncIterator[str | TextProcessingResponse]:
        """Text chunks as the model writes them, then the full response."""
        flagged = self.check_streamable(request)
        started = time.perf_counter()
        operation, task = self._task(request)
        agent, run_options = self.agents[operation.id], self._run_options(operation, task)
        deadline = self.resilience.policy.for_operation(operation.id).deadline
        try:
            # A stream cannot be retried once begun; it takes the first model whose breaker
            # admits it (fallbacks after LLM_MODEL), and fails with the same errors as /process.
            async with (
                self._slot(),
                self.resilience.streaming(operation.id) as (model_id, model, degraded),
                asyncio.timeout(deadline),
            ):
                with observe_llm_call(model_id, operation.id) as usage, asking(task):
                    async with agent.run_stream(
                        task.prompt(), model=model, usage=usage, **run_options
                    ) as run:
                        async for chunk in run.stream_text(delta=True, debounce_by=None):
                            yield chunk
                        output = await run.get_output()
        except (TimeoutError, AgentRunError) as exc:
            raise self._failed(exc) from exc
        metadata = self._metadata(request, usage, model_id)
        if flagged:
            metadata["injection_flagged"] = True
        if degraded:
            metadata["degraded"] = True
        yield _response(
            operation,
            output,
            metadata=metadata,
            processing_time=time.perf_counter() - started,
        )


def _as_hit(value: dict[str, Any], started: float) -> TextProcessingResponse:
    """A stored answer as this response: timed now, the time it was generated in `cached_at`."""
    # New dicts: callers coalesced onto one computation share its value.
    metadata = {**value.get("metadata", {}), "cached_at": value["timestamp"]}
    return TextProcessingResponse.model_validate(
        value
        | {
            "metadata": metadata,
            "cache_hit": True,
            "processing_time": time.perf_counter() - started,
            "timestamp": datetime.now(UTC),
        }
    )


def _response(
    operation: Operation, output: object, *, metadata: dict[str, Any], processing_time: float
) -> TextProcessingResponse:
    return TextProcessingResponse(
        operation=operation.id,
        metadata=metadata,
        processing_time=processing_time,
        cache_hit=False,
        **operation.wire(output),
    )
