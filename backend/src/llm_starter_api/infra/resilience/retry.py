"""Retries of transient failures: exponential backoff with jitter, Retry-After, one total deadline."""

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from pydantic_ai.exceptions import ModelAPIError
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential_jitter,
)
from tenacity.stop import stop_base
from tenacity.wait import wait_base

from llm_starter_api.infra.resilience.policy import Strategy
from llm_starter_api.llm.errors import is_transient

type Sleep = Callable[[float], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class Deadline:
    """A point on the monotonic clock that a request must finish by."""

    at: float

    @classmethod
    def after(cls, seconds: float) -> "Deadline":
        return cls(time.monotonic() + seconds)

    def remaining(self) -> float:
        return self.at - time.monotonic()


class _Backoff(wait_base):
    """Exponential backoff with jitter, or longer when the provider sent Retry-After."""

    def __init__(self, strategy: Strategy) -> None:
        self.exponential = wait_exponential_jitter(
            initial=strategy.backoff_base, max=strategy.backoff_max, jitter=strategy.jitter
        )

    def __call__(self, retry_state: RetryCallState) -> float:
        failure = retry_state.outcome.exception() if retry_state.outcome else None
        asked = failure.retry_after if isinstance(failure, ModelAPIError) else None
        # Retry-After from the provider beats our backoff: asking sooner only earns another 429.
        return max(self.exponential(retry_state), asked or 0.0)


class _OutOfTime(stop_base):
    """Stop when the next wait would end past the deadline: the request is over by then."""

    def __init__(self, deadline: Deadline) -> None:
        self.deadline = deadline

    def __call__(self, retry_state: RetryCallState) -> bool:
        return (retry_state.upcoming_sleep or 0.0) >= self.deadline.remaining()


async def retrying[T](
    attempt: Callable[[], Awaitable[T]],
    strategy: Strategy,
    deadline: Deadline,
    *,
    on_retry: Callable[[], None],
    sleep: Sleep = asyncio.sleep,
) -> T:
    """Run `attempt` until it succeeds, fails permanently, or runs out of attempts or time."""
    try:
        # The first attempt runs outside tenacity: building its retry loop costs ~50 us, which
        # calls that succeed (nearly all of them) should not pay.
        return await attempt()
    except (TimeoutError, ModelAPIError) as exc:
        if strategy.attempts == 1 or not is_transient(exc):
            raise
        first: list[BaseException] = [exc]

    async def again() -> T:
        if first:
            raise first.pop()  # tenacity sees the first failure as its own first attempt
        return await attempt()

    def count_retry(_: RetryCallState) -> None:
        on_retry()

    retry_loop = AsyncRetrying(
        stop=stop_after_attempt(strategy.attempts) | _OutOfTime(deadline),
        wait=_Backoff(strategy),
        retry=retry_if_exception(is_transient),
        before_sleep=count_retry,
        sleep=sleep,
        reraise=True,
    )
    return await retry_loop(again)
