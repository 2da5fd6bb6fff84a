"""Resilient model calls: one deadline, retries of transient failures, breakers, fallback models."""

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from functools import partial

from pydantic_ai.exceptions import AgentRunError, UnexpectedModelBehavior
from redis.asyncio import Redis

from llm_starter_api.infra.resilience.breaker import (
    BreakerConfig,
    BreakerState,
    CircuitBreaker,
    CircuitOpen,
    MemoryStore,
)
from llm_starter_api.infra.resilience.policy import Policy, Strategy
from llm_starter_api.infra.resilience.redis_store import RedisStore
from llm_starter_api.infra.resilience.retry import Deadline, Sleep, retrying
from llm_starter_api.llm.errors import is_transient

KEY_PREFIX = "llmstarter:resilience"


@dataclass(frozen=True, slots=True)
class Answer[T]:
    """A model's answer and which model gave it; `degraded` when a fallback did."""

    value: T
    model_id: str
    degraded: bool


@dataclass(slots=True)
class OperationCounts:
    """What one operation's calls met in this process; the observability layer exports these."""

    calls: int = 0
    successes: int = 0
    failures: int = 0
    retries: int = 0
    fallbacks: int = 0
    rejected: int = 0
    """Models skipped because their breaker was open."""


class Resilience[M]:
    """Calls a model through its breaker with retries, then the fallback models in order."""

    def __init__(
        self,
        policy: Policy,
        models: Sequence[tuple[str, M]],
        breakers: Sequence[CircuitBreaker],
        *,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.policy = policy
        self.models = models
        self.breakers = {breaker.name: breaker for breaker in breakers}
        self.sleep = sleep
        self.counts: dict[str, OperationCounts] = {}
        self.shared = any(isinstance(b.store, RedisStore) for b in breakers)

    @classmethod
    def create(
        cls,
        policy: Policy,
        models: Sequence[tuple[str, M]],
        *,
        redis: Redis | None = None,
        key_prefix: str = KEY_PREFIX,
    ) -> "Resilience[M]":
        """One breaker per model, its state in Redis when there is one (else in this process)."""
        strategy = policy.default
        config = BreakerConfig(
            strategy.failure_threshold, strategy.window, strategy.recovery_timeout
        )
        breakers = [
            CircuitBreaker(
                name, RedisStore(redis, name, config, prefix=key_prefix), clock=time.time
            )
            if redis is not None
            else CircuitBreaker(name, MemoryStore(config))
            for name, _ in models
        ]
        return cls(policy, models, breakers)

    async def call[T](self, operation: str, run: Callable[[str, M], Awaitable[T]]) -> Answer[T]:
        """`run(model_id, model)` on the first model that answers before the operation's deadline.

        A transient failure is retried, then the next model is tried; an invalid answer
        (UnexpectedModelBehavior) goes to the next model at once; any other failure is final.
        """
        strategy = self.policy.for_operation(operation)
        counts = self.counts.get(operation) or self.counts.setdefault(operation, OperationCounts())
        counts.calls += 1
        deadline = Deadline.after(strategy.deadline)

        def count_retry() -> None:
            counts.retries += 1

        first_error: BaseException | None = None
        for index, (model_id, model) in enumerate(self.models):
            breaker = self.breakers[model_id]
            attempt = partial(
                self._attempt, breaker, partial(run, model_id), model, strategy, deadline
            )
            try:
                value = await retrying(
                    attempt, strategy, deadline, on_retry=count_retry, sleep=self.sleep
                )
            except CircuitOpen as exc:
                counts.rejected += 1
                first_error = first_error or exc
                continue
            except (TimeoutError, AgentRunError) as exc:
                if not (is_transient(exc) or isinstance(exc, UnexpectedModelBehavior)):
                    counts.failures += 1
                    raise
                first_error = first_error or exc
                continue
            counts.successes += 1
            if index:
                counts.fallbacks += 1
            return Answer(value, model_id, degraded=index > 0)
        counts.failures += 1
        assert first_error is not None  # there is always a primary model
        raise first_error

    async def _attempt[T](
        self,
        breaker: CircuitBreaker,
        run: Callable[[M], Awaitable[T]],
        model: M,
        strategy: Strategy,
        deadline: Deadline,
    ) -> T:
        left = deadline.remaining()
        if left <= 0:
            raise TimeoutError  # out of time before this model's turn: not the model's failure
        probe = await breaker.acquire()
        try:
            async with asyncio.timeout(min(strategy.attempt_timeout, left)):
                value = await run(model)
        except (TimeoutError, AgentRunError) as exc:
            if is_transient(exc):
                await breaker.record_failure()
            elif probe:
                await breaker.record_success()  # a permanent error still proves the model answers
            raise
        if probe:
            await breaker.record_success()
        return value

    @asynccontextmanager
    async def streaming(self, operation: str) -> AsyncIterator[tuple[str, M, bool]]:
        """The first model whose breaker admits a call, LLM_MODEL's first, for a stream: it cannot
        be retried once it has begun, but its breaker learns how it ended. Yields the model's id,
        the model and whether it is a fallback; CircuitOpen when every breaker is open."""
        counts = self.counts.get(operation) or self.counts.setdefault(operation, OperationCounts())
        counts.calls += 1
        first_error: CircuitOpen | None = None
        for index, (model_id, model) in enumerate(self.models):
            breaker = self.breakers[model_id]
            try:
                probe = await breaker.acquire()
            except CircuitOpen as exc:
                counts.rejected += 1
                first_error = first_error or exc
                continue
            try:
                yield model_id, model, index > 0
            except (TimeoutError, AgentRunError) as exc:
                counts.failures += 1
                if is_transient(exc):
                    await breaker.record_failure()
                elif probe:
                    await breaker.record_success()
                raise
            counts.successes += 1
            counts.fallbacks += index > 0
            if probe:
                await breaker.record_success()
            return
        counts.failures += 1
        assert first_error is not None  # there is always a primary model
        raise first_error

    async def open_breakers(self) -> list[str]:
        """Names of the breakers that are open now."""
        snapshots = {name: await b.snapshot() for name, b in self.breakers.items()}
        return [name for name, shot in snapshots.items() if shot.state is BreakerState.OPEN]
