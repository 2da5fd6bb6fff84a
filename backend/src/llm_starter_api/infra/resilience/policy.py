"""Strategies, presets and the policy they resolve to: how hard each operation retries, and when
breakers trip."""

from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace

from llm_starter_api.config_values import (
    ResilienceOverrides,
    ResiliencePresetName,
    StrategyName,
)


@dataclass(frozen=True, slots=True)
class Strategy:
    """Retry, deadline and breaker numbers; times in seconds."""

    attempts: int
    backoff_base: float
    backoff_max: float
    jitter: float
    attempt_timeout: float
    deadline: float
    failure_threshold: int
    window: float
    recovery_timeout: float

    def as_dict(self) -> dict[str, float]:
        """The numbers, for the internal API."""
        return asdict(self)


REFERENCE_TIMEOUT = 30.0
"""The LLM_TIMEOUT_SECONDS the strategies' deadlines and attempt timeouts are written for; another
timeout scales them alike (a model four times slower gets four times as long)."""

STRATEGIES: Mapping[StrategyName, Strategy] = {
    # Fail fast: short operations that are cheap to ask again.
    "aggressive": Strategy(2, 0.2, 2.0, 0.2, 8.0, 10.0, 3, 30.0, 15.0),
    "balanced": Strategy(3, 0.5, 5.0, 0.5, 15.0, 20.0, 5, 60.0, 30.0),
    # Patient: long answers that are expensive to lose.
    "conservative": Strategy(4, 1.0, 10.0, 1.0, 20.0, 30.0, 8, 120.0, 60.0),
    # Must answer: most attempts, breaker slow to trip and quick to probe again.
    "critical": Strategy(5, 0.5, 8.0, 0.5, 30.0, 45.0, 10, 120.0, 20.0),
}


@dataclass(frozen=True, slots=True)
class Preset:
    """A default strategy (which also sets the breakers) and the strategy of each call class.

    Each operation names its class ("quick", "standard" or "patient"); a class not listed here
    takes the default strategy.
    """

    strategy: StrategyName
    classes: Mapping[str, StrategyName]


PRESETS: Mapping[ResiliencePresetName, Preset] = {
    "simple": Preset("balanced", {}),
    "development": Preset("aggressive", {}),
    "production": Preset("balanced", {"quick": "aggressive", "patient": "conservative"}),
}


@dataclass(frozen=True, slots=True)
class Policy:
    """The effective strategy of each operation, and the one every breaker uses."""

    preset: ResiliencePresetName
    default: Strategy
    operations: Mapping[str, Strategy]

    def for_operation(self, operation: str) -> Strategy:
        """The strategy of an operation (the default for unknown ones)."""
        return self.operations.get(operation, self.default)


def resolve(
    preset: ResiliencePresetName,
    overrides: ResilienceOverrides,
    *,
    timeout: float,
    classes: Mapping[str, str],
) -> Policy:
    """Apply overrides to a preset for the operations in `classes` (operation -> call class).

    Deadlines and attempt timeouts follow `timeout` (LLM_TIMEOUT_SECONDS): written for
    REFERENCE_TIMEOUT, scaled by timeout / REFERENCE_TIMEOUT, unless the overrides set them.
    """
    chosen = PRESETS[preset]
    numbers = overrides.numbers()
    scale = timeout / REFERENCE_TIMEOUT

    def effective(name: StrategyName) -> Strategy:
        base = STRATEGIES[name]
        scaled = replace(
            base, deadline=base.deadline * scale, attempt_timeout=base.attempt_timeout * scale
        )
        strategy = replace(scaled, **numbers)
        return replace(strategy, attempt_timeout=min(strategy.attempt_timeout, strategy.deadline))

    default_name = overrides.strategy or chosen.strategy
    names = {op: chosen.classes.get(kind, default_name) for op, kind in classes.items()}
    names |= overrides.operations
    return Policy(preset, effective(default_name), {op: effective(n) for op, n in names.items()})
