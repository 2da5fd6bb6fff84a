"""Cache presets: small frozen sets of defaults that single CACHE_* settings override."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from llm_starter_api.config_values import CachePresetName

_MB = 1024 * 1024
_HOUR = 3600


def _ttls(**seconds: int) -> Mapping[str, int]:
    return MappingProxyType(seconds)


@dataclass(frozen=True, slots=True)
class CachePreset:
    """Defaults of the AI response cache."""

    enabled: bool = True
    default_ttl: int = _HOUR
    class_ttls: Mapping[str, int] = field(default_factory=lambda: _ttls())
    """Seconds per retention class ("short", "standard", "long"); each cached operation names its
    class, and classes not listed here use `default_ttl`."""
    memory_max_entries: int = 1000
    memory_max_bytes: int = 64 * _MB
    memory_ttl: int = 300
    """Longest an entry stays in the memory tier in front of Redis (other processes may invalidate)."""
    compression_threshold: int = 4096
    """Values of at least this many bytes of JSON are compressed with zstd."""
    compression_level: int = 3


# Answers that barely change with wording are kept long; free-form answers shorter.
_AI_TTLS = _ttls(short=_HOUR // 2, standard=2 * _HOUR, long=24 * _HOUR)
_AI_DEV_TTLS = _ttls(short=300, standard=600, long=1800)

PRESETS: Mapping[CachePresetName, CachePreset] = MappingProxyType(
    {
        "disabled": CachePreset(enabled=False),
        "minimal": CachePreset(
            default_ttl=300, memory_max_entries=100, memory_max_bytes=8 * _MB, memory_ttl=60
        ),
        "simple": CachePreset(memory_max_entries=500, memory_max_bytes=32 * _MB),
        "development": CachePreset(default_ttl=1800, memory_ttl=60),
        "production": CachePreset(
            memory_max_entries=2000,
            memory_max_bytes=128 * _MB,
            compression_threshold=1024,
            compression_level=6,
        ),
        "ai-development": CachePreset(
            default_ttl=1800, class_ttls=_AI_DEV_TTLS, memory_ttl=60, compression_threshold=1024
        ),
        "ai-production": CachePreset(
            default_ttl=2 * _HOUR,
            class_ttls=_AI_TTLS,
            memory_max_entries=5000,
            memory_max_bytes=256 * _MB,
            compression_threshold=1024,
            compression_level=6,
        ),
    }
)
