"""Reading the backend's internal monitoring JSON, whatever its exact shape, into chart data."""

from collections import Counter
from collections.abc import Mapping
from typing import Any

CACHE_METRICS = "/internal/cache/metrics"
CIRCUIT_BREAKERS = "/internal/resilience/circuit-breakers"
RESILIENCE_METRICS = "/internal/resilience/metrics"
MONITORING_METRICS = "/internal/monitoring/metrics"


def numbers(data: Any, prefix: str = "") -> dict[str, float]:
    """Every numeric leaf of nested objects, keyed by its dotted path (booleans left out)."""
    found: dict[str, float] = {}
    if isinstance(data, Mapping):
        for key, value in data.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            if isinstance(value, bool):
                continue
            if isinstance(value, int | float):
                found[path] = float(value)
            else:
                found.update(numbers(value, path))
    return found


def _leaf(path: str) -> str:
    return path.rsplit(".", 1)[-1].lower()


def hit_ratio(data: Any) -> float | None:
    """The cache hit ratio (0 to 1) as reported, else from hits and misses, else None."""
    values = numbers(data)
    for path, value in values.items():
        if _leaf(path) in ("hit_ratio", "hit_rate"):
            return value / 100 if value > 1 else value
    hits = sum(v for p, v in values.items() if _leaf(p) == "hits")
    misses = sum(v for p, v in values.items() if _leaf(p) == "misses")
    return hits / (hits + misses) if hits + misses else None


def hits_and_misses(data: Any) -> dict[str, dict[str, float]]:
    """Hits and misses per tier (`tiers`), else the totals as one tier named `all`."""
    tiers = data.get("tiers") if isinstance(data, Mapping) else None
    groups = tiers if isinstance(tiers, Mapping) and tiers else {"all": data}
    counts = {}
    for tier, values in groups.items():
        found = {k: v for k, v in numbers(values).items() if k in ("hits", "misses")}
        if found:
            counts[str(tier)] = found
    return counts


def per_operation(data: Any) -> dict[str, dict[str, float]]:
    """Counters per operation from `{"operations": {name: {counter: n}}}`."""
    operations = data.get("operations") if isinstance(data, Mapping) else None
    if not isinstance(operations, Mapping):
        return {}
    return {str(name): numbers(counts) for name, counts in operations.items() if numbers(counts)}


def long_form(table: Mapping[str, Mapping[str, float]], row: str) -> dict[str, list[Any]]:
    """Columns `row`, `counter`, `value` for a grouped bar chart."""
    columns: dict[str, list[Any]] = {row: [], "counter": [], "value": []}
    for name, counters in table.items():
        for counter, value in counters.items():
            columns[row].append(name)
            columns["counter"].append(counter)
            columns["value"].append(value)
    return columns


def breaker_states(data: Any) -> dict[str, str]:
    """Breaker name to state, from a mapping, a list of objects, or either under a wrapper key."""
    if isinstance(data, Mapping):
        for wrapper in ("breakers", "circuit_breakers", "circuit_breakers_status"):
            if wrapper in data:
                return breaker_states(data[wrapper])
        states = {}
        for name, value in data.items():
            if isinstance(value, str):
                states[str(name)] = value
            elif isinstance(value, Mapping) and isinstance(value.get("state"), str):
                states[str(name)] = value["state"]
        return states
    if isinstance(data, list):
        return {
            str(item.get("name", index)): item["state"]
            for index, item in enumerate(data)
            if isinstance(item, Mapping) and isinstance(item.get("state"), str)
        }
    return {}


def state_counts(states: Mapping[str, str]) -> dict[str, int]:
    """How many breakers are in each state."""
    return dict(Counter(state.lower() for state in states.values()))


def rates(data: Any) -> dict[str, float]:
    """The numbers whose names say they are rates (requests or errors per unit, ratios)."""
    return {p: v for p, v in numbers(data).items() if "rate" in _leaf(p)}
