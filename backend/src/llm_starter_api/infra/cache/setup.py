"""Settings to a ResponseCache: the preset, overridden by single CACHE_* settings."""

import dataclasses
from collections.abc import Callable, Mapping

from redis.asyncio import Redis

from llm_starter_api.config import Settings
from llm_starter_api.config_values import fernet_keys
from llm_starter_api.infra.cache.availability import Availability
from llm_starter_api.infra.cache.codec import Codec, Value
from llm_starter_api.infra.cache.locks import RedisLocks
from llm_starter_api.infra.cache.lru import LRUStore
from llm_starter_api.infra.cache.memory import MemoryCache
from llm_starter_api.infra.cache.presets import PRESETS, CachePreset
from llm_starter_api.infra.cache.protocol import Cache
from llm_starter_api.infra.cache.redis_cache import RedisCache
from llm_starter_api.infra.cache.response_cache import ResponseCache
from llm_starter_api.infra.redis import RedisOptions


def cache_preset(settings: Settings) -> CachePreset:
    """The preset CACHE_PRESET names, with every single CACHE_* setting that is set applied over it."""
    preset = PRESETS[settings.cache_preset]
    overrides = {
        name: value
        for name in (
            "default_ttl",
            "memory_max_entries",
            "memory_max_bytes",
            "memory_ttl",
            "compression_threshold",
            "compression_level",
        )
        if (value := getattr(settings, f"cache_{name}")) is not None
    }
    return dataclasses.replace(preset, **overrides)


def operation_ttls(
    preset: CachePreset, classes: Mapping[str, str], overrides: Mapping[str, int]
) -> dict[str, int]:
    """Seconds per operation: its retention class's TTL in the preset, unless overridden."""
    ttls = {op: preset.class_ttls.get(name, preset.default_ttl) for op, name in classes.items()}
    return ttls | dict(overrides)


def redis_options(settings: Settings) -> RedisOptions | None:
    """How to reach Redis, when CACHE_REDIS_URL (or REDIS_URL) is set."""
    if settings.cache_redis_url is None:
        return None
    return RedisOptions(
        url=settings.cache_redis_url.get_secret_value(),
        timeout_seconds=settings.cache_redis_timeout_seconds,
        max_connections=settings.cache_redis_max_connections,
        pool_timeout_seconds=settings.cache_redis_pool_timeout_seconds,
        ca_cert=settings.cache_redis_ca_cert,
        client_cert=settings.cache_redis_client_cert,
        client_key=settings.cache_redis_client_key,
    )


def create_response_cache(
    settings: Settings,
    redis: Redis | None,
    *,
    classes: Mapping[str, str],
    storable: Callable[[Value], bool],
) -> ResponseCache:
    """The cache the text service uses: Redis with a memory tier, memory alone, or none.

    `classes` gives each operation's retention class; `storable` says which answers to keep.
    """
    preset = cache_preset(settings)
    key = settings.cache_encryption_key
    codec = Codec(
        compression_threshold=preset.compression_threshold,
        compression_level=preset.compression_level,
        encryption=fernet_keys(key.get_secret_value()) if key else None,
    )
    store = LRUStore(max_entries=preset.memory_max_entries, max_bytes=preset.memory_max_bytes)
    cache: Cache | None = None
    locks = None
    if not preset.enabled:
        cache = None
    elif redis is None:
        cache = MemoryCache(store, codec)
    else:
        availability = Availability()
        assert settings.cache_redis_url is not None
        cache = RedisCache(
            redis,
            url=settings.cache_redis_url.get_secret_value(),
            front=store,
            codec=codec,
            memory_ttl=preset.memory_ttl,
            prefix=settings.cache_key_prefix,
            availability=availability,
        )
        locks = RedisLocks(redis, availability, ttl_seconds=settings.cache_lock_seconds)
    return ResponseCache(
        cache,
        prefix=settings.cache_key_prefix,
        default_ttl=preset.default_ttl,
        operation_ttls=operation_ttls(preset, classes, settings.cache_operation_ttls),
        storable=storable,
        locks=locks,
        # A waiter gives up on another process's computation once it could have finished.
        wait_seconds=settings.llm_timeout + settings.cache_lock_seconds,
    )
