"""Cache counters and per-tier latency percentiles over a bounded window of recent lookups."""

from collections import Counter, deque
from typing import Any, Literal

type Tier = Literal["memory", "redis"]
type Outcome = Literal["hit", "miss"]
type Event = Literal["hit", "miss", "error", "corrupted", "coalesced", "lock_wait", "store", "skip"]

WINDOW = 1024


class LatencyWindow:
    """The most recent `size` observations: bounded memory, O(1) per observation, recent percentiles."""

    def __init__(self, size: int = WINDOW) -> None:
        self.samples: deque[float] = deque(maxlen=size)

    def add(self, seconds: float) -> None:
        """Observe one duration."""
        self.samples.append(seconds)

    def percentiles(self) -> dict[str, float | None]:
        """p50, p95 and p99 in milliseconds (None before any observation)."""
        if not self.samples:
            return {"p50_ms": None, "p95_ms": None, "p99_ms": None}
        ordered = sorted(self.samples)
        last = len(ordered) - 1
        return {f"p{p}_ms": round(ordered[round(last * p / 100)] * 1000, 4) for p in (50, 95, 99)}


class CacheMetrics:
    """Hits and misses per tier, errors, corrupted values, coalesced requests, and latencies."""

    def __init__(self) -> None:
        self.counts: Counter[Event] = Counter()
        self.lookups: Counter[tuple[Tier, Outcome]] = Counter()
        self.latency: dict[Tier, LatencyWindow] = {
            "memory": LatencyWindow(),
            "redis": LatencyWindow(),
        }

    def lookup(self, tier: Tier, outcome: Outcome, seconds: float) -> None:
        """One lookup in one tier, and how long it took."""
        self.lookups[tier, outcome] += 1
        self.latency[tier].add(seconds)

    def count(self, event: Event) -> None:
        """One more of `event`."""
        self.counts[event] += 1

    def snapshot(self) -> dict[str, Any]:
        """Everything, with the overall hit ratio."""
        hits, misses = self.counts["hit"], self.counts["miss"]
        total = hits + misses
        return {
            "hits": hits,
            "misses": misses,
            "hit_ratio": round(hits / total, 4) if total else 0.0,
            "errors": self.counts["error"],
            "corrupted": self.counts["corrupted"],
            "coalesced": self.counts["coalesced"],
            "lock_waits": self.counts["lock_wait"],
            "stores": self.counts["store"],
            "skipped_degraded": self.counts["skip"],
            "tiers": {
                tier: {
                    "hits": self.lookups[tier, "hit"],
                    "misses": self.lookups[tier, "miss"],
                    "latency": window.percentiles(),
                }
                for tier, window in self.latency.items()
            },
        }
