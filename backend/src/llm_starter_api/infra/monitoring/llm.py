"""Model call metrics: calls, latency, tokens and estimated cost by model, operation and outcome."""

import asyncio
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

from pydantic_ai.exceptions import UnexpectedModelBehavior
from pydantic_ai.usage import RunUsage

from llm_starter_api.infra.monitoring.context import note_model
from llm_starter_api.infra.monitoring.metrics import (
    LLM_CALLS,
    LLM_COST,
    LLM_DURATION,
    LLM_TOKENS,
    LLM_UNPRICED,
)

logger = logging.getLogger(__name__)

# LLM_MODEL prefixes to genai-prices provider ids; local and self-hosted models cost nothing here.
PRICED_PROVIDERS = {"openai": "openai", "google-gla": "google", "anthropic": "anthropic"}


@cache
def _warn_unpriced(model: str) -> None:
    logger.warning(
        "no price known for model %s: llm_unpriced_tokens_total counts its tokens", model
    )


def estimate_cost(model: str, *, input_tokens: int, output_tokens: int) -> float | None:
    """US dollars for one call from genai-prices' bundled price table (no network); None when
    the model has no known price. The embedded engine costs nothing."""
    if model == "local":
        return 0.0
    provider, _, name = model.partition(":")
    provider_id = PRICED_PROVIDERS.get(provider)
    if provider_id is None:
        return None
    if not (input_tokens or output_tokens):
        return 0.0
    if not _has_price(provider_id, name):
        return None
    from genai_prices import Usage, calc_price

    price = calc_price(
        Usage(input_tokens=input_tokens, output_tokens=output_tokens),
        name,
        provider_id=provider_id,
    )
    return float(price.total_price)


@cache
def _has_price(provider_id: str, name: str) -> bool:
    """Whether genai-prices knows the model. Remembered: it caches the models it finds but
    searches its whole table again for each call of one it does not (0.5 ms a call here)."""
    # Imported on first use: the price table takes a few hundred ms to load.
    from genai_prices import Usage, calc_price

    try:
        calc_price(Usage(input_tokens=1), name, provider_id=provider_id)
    except LookupError:
        return False
    return True


def record_llm_call(
    *,
    model: str,
    operation: str,
    seconds: float,
    outcome: str,
    input_tokens: int = 0,
    output_tokens: int = 0,
) -> None:
    """Count one model call (one attempt) and the tokens it spent, whatever its outcome."""
    LLM_CALLS.labels(model, operation, outcome).inc()
    LLM_DURATION.labels(model, operation).observe(seconds)
    tokens = {"input": input_tokens, "output": output_tokens}
    for direction, count in tokens.items():
        if count:
            LLM_TOKENS.labels(model, operation, direction, outcome).inc(count)
    cost = estimate_cost(model, input_tokens=input_tokens, output_tokens=output_tokens)
    if cost is None:
        _warn_unpriced(model)
        for direction, count in tokens.items():
            if count:
                LLM_UNPRICED.labels(model, direction).inc(count)
    elif cost:
        LLM_COST.labels(model, operation).inc(cost)
    note_model(model)


@contextmanager
def observe_llm_call(model: str, operation: str) -> Iterator[RunUsage]:
    """Time the block as one model call and count the usage it fills in, even when it fails:
    the provider bills invalid answers and cut-off attempts too."""
    usage = RunUsage()
    started = time.perf_counter()
    outcome = "error"
    try:
        yield usage
        outcome = "ok"
    except asyncio.CancelledError:
        # The client went away (a closed stream, a disconnect): ended early, not in error.
        outcome = "cancelled"
        raise
    except TimeoutError:
        outcome = "timeout"
        raise
    except UnexpectedModelBehavior:
        outcome = "invalid"
        raise
    finally:
        record_llm_call(
            model=model,
            operation=operation,
            seconds=time.perf_counter() - started,
            outcome=outcome,
            input_tokens=usage.input_tokens,
            output_tokens=usage.output_tokens,
        )
