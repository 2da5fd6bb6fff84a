"""Rates, error ratios and latency percentiles between readings of /metrics, for the status page."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import pairwise
from typing import Any

from llm_starter_ui.scrape import Reading, quantile


@dataclass(frozen=True, slots=True)
class Interval:
    """What the API did between two readings."""

    end: float
    seconds: float
    requests: float
    server_errors: float
    buckets: tuple[tuple[float, float], ...]

    @property
    def rate(self) -> float:
        """Requests per second."""
        return self.requests / self.seconds if self.seconds > 0 else 0.0

    @property
    def error_ratio(self) -> float | None:
        """Server errors per request; None without requests."""
        return self.server_errors / self.requests if self.requests else None

    def latency_ms(self, q: float) -> float | None:
        """The q-quantile of request latency in milliseconds; None without requests."""
        seconds = quantile(q, self.buckets)
        return None if seconds is None else seconds * 1000


def between(earlier: Reading, later: Reading) -> Interval:
    """The interval from one reading to the next; a counter that went down means a restart."""
    restarted = later.requests < earlier.requests
    base = Reading(earlier.at, 0.0, 0.0, ()) if restarted else earlier
    before = dict(base.buckets)
    return Interval(
        end=later.at,
        seconds=later.at - earlier.at,
        requests=later.requests - base.requests,
        server_errors=later.server_errors - base.server_errors,
        buckets=tuple((bound, count - before.get(bound, 0.0)) for bound, count in later.buckets),
    )


def intervals(readings: Sequence[Reading]) -> list[Interval]:
    """Each interval between consecutive readings."""
    return [between(a, b) for a, b in pairwise(readings)]


def combined(parts: Sequence[Interval]) -> Interval | None:
    """The intervals as one (for the headline numbers); None when there are none."""
    if not parts:
        return None
    totals: dict[float, float] = {}
    for part in parts:
        for bound, count in part.buckets:
            totals[bound] = totals.get(bound, 0.0) + count
    return Interval(
        end=parts[-1].end,
        seconds=sum(part.seconds for part in parts),
        requests=sum(part.requests for part in parts),
        server_errors=sum(part.server_errors for part in parts),
        buckets=tuple(sorted(totals.items())),
    )


def recent(parts: Sequence[Interval], seconds: float) -> list[Interval]:
    """The intervals that began within `seconds` before the end of the last one, at least one."""
    if not parts:
        return []
    since = parts[-1].end - seconds
    return [part for part in parts[:-1] if part.end - part.seconds >= since] + [parts[-1]]


def chart_rows(parts: Sequence[Interval]) -> list[dict[str, Any]]:
    """Long-form points (time, measure, value) per interval; none where it had no requests."""
    rows: list[dict[str, Any]] = []
    for part in parts:
        ratio = part.error_ratio
        values = {
            "requests/s": round(part.rate, 3),
            "errors %": None if ratio is None else round(100 * ratio, 2),
            "p50 ms": part.latency_ms(0.5),
            "p95 ms": part.latency_ms(0.95),
        }
        time = datetime.fromtimestamp(part.end, UTC).isoformat()
        rows += [
            {"time": time, "measure": measure, "value": value}
            for measure, value in values.items()
            if value is not None
        ]
    return rows
