"""Cache settings: presets with single overrides, and unsafe or invalid configuration refused by name."""

from pathlib import Path

import pytest
from apitest import make_settings
from cryptography.fernet import Fernet
from pydantic import ValidationError

from llm_starter_api.config import ConfigError, load_settings
from llm_starter_api.infra.cache.presets import PRESETS
from llm_starter_api.infra.cache.setup import cache_preset, create_response_cache, operation_ttls
from llm_starter_api.resources import load_operations, storable

CLASSES = {op.id: op.cache for op in load_operations(make_settings())}

REMOTE = "redis://cache.internal:6379/0"


@pytest.mark.parametrize("name", list(PRESETS))
async def test_every_preset_builds_a_working_cache_without_redis(name: str) -> None:
    settings = make_settings(cache_preset=name)
    cache = create_response_cache(settings, None, classes=CLASSES, storable=storable)
    status = await cache.status()
    assert status.tier == ("disabled" if name == "disabled" else "memory")


def test_single_settings_override_the_preset(monkeypatch: pytest.MonkeyPatch) -> None:
    for variable, value in {
        "CACHE_PRESET": "ai-production",
        "CACHE_DEFAULT_TTL": "42",
        "CACHE_MEMORY_MAX_ENTRIES": "0",
        "CACHE_OPERATION_TTLS": '{"qa": 7}',
    }.items():
        monkeypatch.setenv(variable, value)
    settings = load_settings()
    preset = cache_preset(settings)
    assert (preset.default_ttl, preset.memory_max_entries) == (42, 0)
    assert preset.compression_level == PRESETS["ai-production"].compression_level
    ttls = operation_ttls(preset, CLASSES, settings.cache_operation_ttls)
    assert ttls["qa"] == 7
    assert ttls["sentiment"] == PRESETS["ai-production"].class_ttls["long"] == 24 * 3600
    assert ttls["summarize"] == PRESETS["ai-production"].class_ttls["standard"]


def test_an_operation_this_server_lacks_in_the_ttls_stops_start_up() -> None:
    settings = make_settings(cache_operation_ttls={"translate": 60})
    with pytest.raises(ConfigError, match=r"CACHE_OPERATION_TTLS: unknown operation.*translate"):
        load_operations(settings)


def test_the_default_is_an_in_memory_development_cache() -> None:
    settings = make_settings()
    assert settings.cache_preset == "development"
    assert settings.cache_redis_url is None


def test_production_refuses_plaintext_redis_on_another_host() -> None:
    with pytest.raises(ValidationError, match="CACHE_ALLOW_PLAINTEXT_REDIS"):
        make_settings(environment="production", cache_redis_url=REMOTE)


@pytest.mark.parametrize(
    "overrides",
    [
        {"cache_redis_url": REMOTE, "cache_allow_plaintext_redis": True},
        {"cache_redis_url": "rediss://cache.internal:6380/0"},
        {"cache_redis_url": "redis://127.0.0.1:6379/0"},
        {"cache_redis_url": "unix:///run/redis.sock"},
    ],
)
def test_production_accepts_tls_local_or_explicitly_allowed_redis(
    overrides: dict[str, object],
) -> None:
    assert make_settings(environment="production", **overrides).cache_redis_url is not None


def test_tls_files_need_a_rediss_url(tmp_path: Path) -> None:
    ca = tmp_path / "ca.crt"
    ca.write_text("not read at start-up")
    with pytest.raises(ValidationError, match="rediss://"):
        make_settings(cache_redis_url="redis://127.0.0.1:6379/0", cache_redis_ca_cert=ca)


def test_a_missing_tls_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="cache_redis_ca_cert"):
        make_settings(
            cache_redis_url="rediss://127.0.0.1:6380/0", cache_redis_ca_cert=tmp_path / "none"
        )


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("CACHE_ENCRYPTION_KEY", "not-a-fernet-key"),
        ("CACHE_REDIS_URL", "http://127.0.0.1:6379"),
        ("CACHE_PRESET", "turbo"),
        ("CACHE_KEY_PREFIX", "app:*"),
    ],
)
def test_invalid_values_stop_start_up_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigError) as raised:
        load_settings()
    assert f"{variable}:" in str(raised.value)
    assert value not in str(raised.value) or variable == "CACHE_PRESET"


def test_redis_url_is_read_when_cache_redis_url_is_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/3")
    settings = load_settings()
    assert settings.cache_redis_url is not None
    assert settings.cache_redis_url.get_secret_value() == "redis://127.0.0.1:6379/3"
    monkeypatch.setenv("CACHE_REDIS_URL", "redis://127.0.0.1:6379/4")
    assert str(load_settings().cache_redis_url.get_secret_value()).endswith("/4")  # type: ignore[union-attr]


def test_a_valid_encryption_key_is_accepted_and_kept_secret() -> None:
    key = Fernet.generate_key().decode()
    settings = make_settings(cache_encryption_key=key)
    assert key not in repr(settings)
