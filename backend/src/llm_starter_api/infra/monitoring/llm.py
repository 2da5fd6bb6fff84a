"""Model call metrics: calls, latency, tokens and estimated cost by model and operation."""

import asyncio
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache

from pydantic_ai.usage import RunUsage

from llm_starter_api.infra.monitoring.context import note_model
from llm_starter_api.infra.monitoring.metrics import LLM_CALLS, LLM_COST, LLM_DURATION, LLM_TOKENS

logger = logging.getLogger(__name__)

# LLM_MODEL prefixes to genai-prices provider ids; local and self-hosted models cost nothing here.
PRICED_PROVIDERS = {"openai": "openai", "google-gla": "google", "anthropic": "anthropic"}


@cache
def _warn_unpriced(model: str) -> None:
    logger.warning("no price known for model %s: its cost is counted as 0", model)


def estimate_cost(model: str, *, input_tokens: int, output_tokens: int) -> float:
    """US dollars for one call from genai-prices' bundled price table (no network); 0 if unknown."""
    provider, _, name = model.partition(":")
    provider_id = PRICED_PROVIDERS.get(provider)
    if provider_id is None or not (input_tokens or output_tokens):
        return 0.0
    # Imported on first use: the price table takes a few hundred ms to load.
    from genai_prices import Usage, calc_price

    try:
        price = calc_price(
            Usage(input_tokens=input_tokens, output_tokens=output_tokens),
            name,
            provider_id=provider_id,
        )
    except LookupError:
        _warn_unpriced(model)
        return 0.0
    return float(price.total_price)


@dataclass(slots=True)
class LLMCall:
    """A call in progress; once the model has answered, say which model and how many tokens."""

    model: str
    input_tokens: int = 0
    output_tokens: int = 0

    def answered(self, model: str, usage: RunUsage) -> None:
        """Record the model that answered (a fallback, perhaps) and its token usage."""
        self.model = model
        self.input_tokens = usage.input_tokens
        self.output_tokens = usage.output_tokens


def record_llm_call(
    *,
    model: str,
    operation: str,
    seconds: float,
    outcome: str,
    input_tokens: int = 0,
    output_tokens: int = 0,
) -> None:
    """Count one finished model call."""
    LLM_CALLS.labels(model, operation, outcome).inc()
    LLM_DURATION.labels(model, operation).observe(seconds)
    if input_tokens:
        LLM_TOKENS.labels(model, operation, "input").inc(input_tokens)
    if output_tokens:
        LLM_TOKENS.labels(model, operation, "output").inc(output_tokens)
    cost = estimate_cost(model, input_tokens=input_tokens, output_tokens=output_tokens)
    if cost:
        LLM_COST.labels(model, operation).inc(cost)
    note_model(model)


@contextmanager
def observe_llm_call(model: str, operation: str) -> Iterator[LLMCall]:
    """Time the block as one model call; an exception counts as an error, cancellation apart."""
    call = LLMCall(model)
    started = time.perf_counter()
    outcome = "error"
    try:
        yield call
        outcome = "ok"
    except asyncio.CancelledError:
        # The client went away (a closed stream, a disconnect): ended early, not in error.
        outcome = "cancelled"
        raise
    finally:
        record_llm_call(
            model=call.model,
            operation=operation,
            seconds=time.perf_counter() - started,
            outcome=outcome,
            input_tokens=call.input_tokens,
            output_tokens=call.output_tokens,
        )
