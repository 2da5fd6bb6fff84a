"""Settings: the only reader of the environment."""

import re
from functools import cached_property
from ipaddress import IPv4Network, IPv6Network
from pathlib import Path
from typing import Annotated, Literal, Self

import limits
from pydantic import (
    AliasChoices,
    Field,
    FilePath,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from llm_starter_api.config_values import (
    REDIS_SCHEMES,
    CachePresetName,
    ResilienceOverrides,
    ResiliencePresetName,
    fernet_keys,
    is_local,
    parse_overrides,
    uses_tls,
)
from llm_starter_models.settings_errors import describe_invalid_settings

type Environment = Literal["development", "testing", "production"]

# Which secret each provider prefix needs; the variable name is what start-up errors mention.
PROVIDER_KEYS: dict[str, str] = {
    "openai": "OPENAI_API_KEY",
    "google-gla": "GEMINI_API_KEY",
    "anthropic": "ANTHROPIC_API_KEY",
}
MODEL_PREFIXES = ("local", "openai", "google-gla", "anthropic", "ollama")
HOSTED_TIMEOUT = 30.0
SELF_HOSTED_TIMEOUT = 120.0

type OutputModeSetting = Literal["auto", "tool", "native", "prompted"]


class ConfigError(SystemExit):
    """Invalid configuration; stops start-up with a message naming the variables."""


class Settings(BaseSettings):
    """Every setting of the backend, read once at start-up from the environment (and `.env`)."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", frozen=True
    )

    environment: Environment = "development"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"

    # Authentication: keys accepted as `Authorization: Bearer` or `X-API-Key`, trimmed like the
    # presented key is.
    api_key: SecretStr | None = None
    additional_api_keys: Annotated[list[SecretStr], NoDecode] = Field(default_factory=list)

    # The model: `local` (the embedded engine) or `<provider>:<model name>`.
    llm_model: str = "local"
    llm_temperature: float = Field(default=0.3, ge=0.0, le=2.0)
    llm_max_output_tokens: int = Field(default=1024, ge=1, le=200_000)
    # Unset: 30 s for hosted providers, 120 s for self-hosted servers (OPENAI_BASE_URL, Ollama).
    llm_timeout_seconds: float | None = Field(default=None, gt=0.0, le=600.0)
    # How structured answers are asked for; LLM_OUTPUT_MODES sets it per model (JSON).
    llm_output_mode: OutputModeSetting = "auto"
    llm_output_modes: dict[str, OutputModeSetting] = Field(default_factory=dict)
    # Model calls one API process makes at once; more wait LLM_QUEUE_TIMEOUT_SECONDS, then 503.
    llm_max_concurrent_calls: int = Field(default=100, ge=1, le=100_000)
    llm_queue_timeout_seconds: float = Field(default=0.0, ge=0.0, le=60.0)
    # Characters of an invalid answer quoted in its 502 and log line; 0 quotes none.
    llm_invalid_output_excerpt: int | None = Field(default=None, ge=0, le=500)
    openai_api_key: SecretStr | None = None
    openai_base_url: str | None = None
    gemini_api_key: SecretStr | None = None
    anthropic_api_key: SecretStr | None = None
    ollama_base_url: str = "http://localhost:11434/v1"

    # Input limits and batches.
    max_text_length: int = Field(default=50_000, ge=100, le=2_000_000)
    max_batch_size: int = Field(default=50, ge=1, le=1_000)
    batch_concurrency: int = Field(default=4, ge=1, le=64)
    batch_retention_seconds: int = Field(default=3600, ge=60, le=7 * 24 * 3600)

    # Operation plug-ins: modules (import paths) each defining OPERATION or OPERATIONS, added to the
    # five built-in operations (docs/customization.md).
    operation_plugins: Annotated[list[str], NoDecode] = Field(default_factory=list)

    # The /internal admin API: on by default except in production.
    internal_api_enabled: bool | None = None
    # The only keys /internal accepts; unset outside production, the client keys do.
    internal_api_keys: Annotated[list[SecretStr], NoDecode] = Field(default_factory=list)

    # --- Redis and the AI response cache (infra/cache) ---
    cache_preset: CachePresetName = "development"
    # The process's one Redis; unset means the cache lives in this process's memory.
    cache_redis_url: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("cache_redis_url", "redis_url")
    )
    cache_key_prefix: str = Field(default="llmstarter", pattern=r"^[A-Za-z0-9_.-]{1,64}$")
    # Whose answers a hit may serve: the same API key's (key) or anyone's (shared: a hit tells
    # the caller that someone sent the same text).
    cache_scope: Literal["key", "shared"] = "key"
    # Unset values come from the preset.
    cache_default_ttl: int | None = Field(default=None, ge=1, le=90 * 24 * 3600)
    cache_operation_ttls: dict[str, Annotated[int, Field(ge=1)]] = Field(default_factory=dict)
    cache_memory_max_entries: int | None = Field(default=None, ge=0, le=10_000_000)
    cache_memory_max_bytes: int | None = Field(default=None, ge=0)
    cache_memory_ttl: int | None = Field(default=None, ge=1)
    cache_compression_threshold: int | None = Field(default=None, ge=0)
    cache_compression_level: int | None = Field(default=None, ge=1, le=22)
    cache_encryption_key: SecretStr | None = None
    # Longer than the event loop's stalls under a burst (docs/cache.md#connection-pool).
    cache_redis_timeout_seconds: float = Field(default=1.0, gt=0.0, le=30.0)
    cache_redis_max_connections: int = Field(default=50, ge=1, le=10_000)
    # How long a call waits for a free pooled connection: a burst queues, it does not fail.
    cache_redis_pool_timeout_seconds: float = Field(default=10.0, gt=0.0, le=300.0)
    cache_redis_ca_cert: FilePath | None = None
    cache_redis_client_cert: FilePath | None = None
    cache_redis_client_key: FilePath | None = None
    cache_allow_plaintext_redis: bool = False
    cache_lock_seconds: float = Field(default=5.0, gt=0.0, le=300.0)

    @field_validator("cache_redis_url")
    @classmethod
    def _redis_scheme(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and value.get_secret_value().partition("://")[0] not in REDIS_SCHEMES:
            raise ValueError("expected a redis://, rediss:// or unix:// URL")
        return value

    @field_validator("cache_encryption_key")
    @classmethod
    def _fernet_key(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None:
            fernet_keys(value.get_secret_value())
        return value

    @model_validator(mode="after")
    def _cache_transport(self) -> Self:
        url = self.cache_redis_url.get_secret_value() if self.cache_redis_url else None
        tls_files = (
            self.cache_redis_ca_cert,
            self.cache_redis_client_cert,
            self.cache_redis_client_key,
        )
        if any(tls_files) and not (url and uses_tls(url)):
            raise ValueError(
                "CACHE_REDIS_CA_CERT/CLIENT_CERT/CLIENT_KEY need a rediss:// CACHE_REDIS_URL"
            )
        plaintext_remote = url is not None and not uses_tls(url) and not is_local(url)
        if (
            self.environment == "production"
            and plaintext_remote
            and not self.cache_allow_plaintext_redis
        ):
            raise ValueError(
                "CACHE_REDIS_URL (or REDIS_URL) reaches a remote Redis without TLS: use rediss:// "
                "or set CACHE_ALLOW_PLAINTEXT_REDIS=true"
            )
        return self

    # --- Batch jobs (jobs/) ---
    # Finished jobs (state and item outcomes) stay readable this long.
    job_retention_seconds: int = Field(default=86_400, ge=60, le=30 * 24 * 3600)
    # Longest run of one job; arq hands a dead worker's job to another this long plus 10 s after
    # it started, so it also bounds how soon a crashed job resumes.
    job_timeout_seconds: float = Field(default=600.0, ge=1.0, le=6 * 3600)
    job_max_tries: int = Field(default=3, ge=1, le=20)
    # Jobs one worker (or the API process, without Redis) runs at once; items: BATCH_CONCURRENCY.
    job_concurrency: int = Field(default=4, ge=1, le=256)

    # --- Resilience (infra/resilience) ---
    resilience_preset: ResiliencePresetName = "simple"
    # JSON: {"strategy": ..., "operations": {"qa": "critical"}, "attempts": 2, ...}; see docs.
    resilience_custom_config: Annotated[ResilienceOverrides, NoDecode] = Field(
        default_factory=ResilienceOverrides
    )
    # Tried in order when LLM_MODEL's breaker is open or its retries are spent.
    llm_fallback_models: Annotated[list[str], NoDecode] = Field(default_factory=list)

    @field_validator("resilience_custom_config", mode="before")
    @classmethod
    def _parse_resilience_config(cls, value: object) -> object:
        return parse_overrides(value) if isinstance(value, str) else value

    @field_validator("llm_fallback_models")
    @classmethod
    def _known_fallbacks(cls, value: list[str]) -> list[str]:
        for model in value:
            try:
                cls._known_model_prefix(model)
            except ValueError as exc:
                raise ValueError(f"{model!r}: {exc}") from None
        return value

    @model_validator(mode="after")
    def _fallback_keys(self) -> Self:
        for model in self.llm_fallback_models:
            provider = model.partition(":")[0]
            variable = PROVIDER_KEYS.get(provider)
            keyless = provider == "openai" and self.openai_base_url
            if variable and getattr(self, variable.lower()) is None and not keyless:
                raise ValueError(f"LLM_FALLBACK_MODELS={model} needs {variable}")
        return self

    # --- Security and observability (infra/security, infra/monitoring) ---

    # Rate limits per client (hashed API key, else IP) and route class, in `limits` notation.
    rate_limit_enabled: bool = True
    # A batch of N items costs N heavy units: the default lets a full batch (MAX_BATCH_SIZE) in.
    rate_limit_heavy: str = "60/minute"
    rate_limit_standard: str = "120/minute"
    rate_limit_auth: str = "20/minute"
    # Unset: the shared Redis client when the app has one, else per-process memory.
    rate_limit_storage_url: str | None = None
    # Unset: `<CACHE_KEY_PREFIX>:ratelimit`, so deployments sharing a Redis count apart.
    rate_limit_key_prefix: str | None = None
    # While Redis is down: each process enforces its share (local), admits (open) or refuses (closed).
    rate_limit_on_storage_error: Literal["local", "open", "closed"] = "local"
    # Processes serving the API in all (replicas x workers); `local` gives each limit / this.
    rate_limit_processes: int = Field(default=1, ge=1, le=10_000)
    # Proxies whose X-Forwarded-For is believed; empty means the peer address is the client.
    trusted_proxies: Annotated[list[IPv4Network | IPv6Network], NoDecode] = Field(
        default_factory=list
    )
    # Unset: large enough for the largest valid batch (see `request_byte_limit`).
    max_request_bytes: int | None = Field(default=None, ge=1024)
    # From the end of the headers to the body's last byte; past it, 408 (uvicorn has no such limit).
    request_body_timeout_seconds: float = Field(default=15.0, gt=0.0, le=3600.0)
    cors_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)
    injection_detection: Literal["block", "flag", "log", "off"] = "flag"
    log_format: Literal["json", "console"] | None = None
    metrics_enabled: bool = True
    prometheus_multiproc_dir: str | None = None
    otel_exporter_otlp_endpoint: str | None = None
    otel_service_name: str = "llm-starter-api"

    @field_validator(
        "additional_api_keys",
        "internal_api_keys",
        "llm_fallback_models",
        "operation_plugins",
        "trusted_proxies",
        "cors_origins",
        mode="before",
    )
    @classmethod
    def _split_commas(cls, value: object) -> object:
        """Lists come from the environment as comma-separated values."""
        if isinstance(value, str):
            return [item.strip() for item in value.split(",") if item.strip()]
        return value

    @field_validator("rate_limit_heavy", "rate_limit_standard", "rate_limit_auth")
    @classmethod
    def _rate_limit_notation(cls, value: str) -> str:
        try:
            items = limits.parse_many(value)
        except ValueError:
            raise ValueError("expected limits like '30/minute' or '5/second;100/hour'") from None
        if any(item.amount < 1 for item in items):
            raise ValueError("each limit must allow at least one request")
        return value

    @field_validator("rate_limit_storage_url")
    @classmethod
    def _storage_scheme(cls, value: str | None) -> str | None:
        schemes = ("redis://", "rediss://", "unix://", "memory://")
        if value is not None and not value.startswith(schemes):
            raise ValueError("expected a redis://, rediss://, unix:// or memory:// URL")
        return value

    @field_validator("cors_origins")
    @classmethod
    def _origins(cls, origins: list[str]) -> list[str]:
        for origin in origins:
            if origin != "*" and not re.fullmatch(r"https?://[^/\s]+", origin):
                raise ValueError(f"{origin!r} is not an origin like https://app.example.com")
        return origins

    @field_validator("prometheus_multiproc_dir")
    @classmethod
    def _existing_directory(cls, value: str | None) -> str | None:
        if value is not None and not Path(value).is_dir():
            raise ValueError(f"{value!r} is not an existing directory")
        return value

    @property
    def rate_limit_prefix(self) -> str:
        """Prefix of the rate-limit keys in Redis."""
        return self.rate_limit_key_prefix or f"{self.cache_key_prefix}:ratelimit"

    @property
    def request_byte_limit(self) -> int:
        """Largest accepted body: MAX_REQUEST_BYTES, else the largest valid batch, fully escaped."""
        if self.max_request_bytes is not None:
            return self.max_request_bytes
        # JSON may escape every character as \uXXXX (6 bytes); 1 MiB covers fields and questions.
        return self.max_text_length * self.max_batch_size * 6 + 1024 * 1024

    @field_validator("api_key", mode="before")
    @classmethod
    def _trim_key(cls, value: object) -> object:
        # Presented keys are trimmed, so a configured key must be too; blank means unset.
        if isinstance(value, str):
            return value.strip() or None
        return value

    @field_validator("llm_model")
    @classmethod
    def _known_model_prefix(cls, value: str) -> str:
        prefix, _, name = value.partition(":")
        if prefix not in MODEL_PREFIXES or (prefix != "local" and not name) or value == "local:":
            raise ValueError(
                "expected 'local' or '<provider>:<model>' with provider one of "
                + ", ".join(MODEL_PREFIXES[1:])
            )
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        provider = self.model_provider
        key_variable = PROVIDER_KEYS.get(provider)
        # An OpenAI-compatible server reached through OPENAI_BASE_URL may need no key.
        keyless = provider == "openai" and self.openai_base_url
        if key_variable and getattr(self, key_variable.lower()) is None and not keyless:
            raise ValueError(f"LLM_MODEL={self.llm_model} needs {key_variable}")
        if self.environment == "production" and not self.api_keys:
            raise ValueError("production needs API_KEY (and optionally ADDITIONAL_API_KEYS)")
        if self.environment == "production" and self.internal_api_on and not self.internal_api_keys:
            raise ValueError(
                "INTERNAL_API_ENABLED=true in production needs INTERNAL_API_KEYS: the admin keys, "
                "the only keys /internal accepts"
            )
        return self

    @property
    def llm_timeout(self) -> float:
        """LLM_TIMEOUT_SECONDS, else the default for where LLM_MODEL is served."""
        if self.llm_timeout_seconds is not None:
            return self.llm_timeout_seconds
        return SELF_HOSTED_TIMEOUT if self.self_hosted(self.llm_model) else HOSTED_TIMEOUT

    def self_hosted(self, model: str) -> bool:
        """Whether `model` is served by a server of the deployment's own (OPENAI_BASE_URL, Ollama),
        where tool calling, speed and prices differ from the hosted providers'."""
        provider = model.partition(":")[0]
        return provider == "ollama" or (provider == "openai" and self.openai_base_url is not None)

    def output_mode(self, model: str) -> OutputModeSetting:
        """LLM_OUTPUT_MODES' entry for `model`, else LLM_OUTPUT_MODE."""
        return self.llm_output_modes.get(model, self.llm_output_mode)

    @property
    def invalid_output_excerpt(self) -> int:
        """LLM_INVALID_OUTPUT_EXCERPT, else 0 in production (answers may echo user text), 120 elsewhere."""
        if self.llm_invalid_output_excerpt is not None:
            return self.llm_invalid_output_excerpt
        return 0 if self.environment == "production" else 120

    @property
    def model_provider(self) -> str:
        """The provider part of `llm_model` (`local` for the embedded engine)."""
        return self.llm_model.partition(":")[0]

    @cached_property
    def api_keys(self) -> tuple[str, ...]:
        """Every accepted API key; empty means the API runs open (never in production)."""
        keys = [self.api_key, *self.additional_api_keys]
        return tuple(key.get_secret_value() for key in keys if key is not None)

    @cached_property
    def admin_keys(self) -> tuple[str, ...]:
        """Keys /internal accepts: INTERNAL_API_KEYS, else (outside production) the client keys."""
        if self.internal_api_keys or self.environment == "production":
            return tuple(key.get_secret_value() for key in self.internal_api_keys)
        return self.api_keys

    @property
    def internal_api_on(self) -> bool:
        """Whether /internal answers; production must opt in with INTERNAL_API_ENABLED."""
        if self.internal_api_enabled is None:
            return self.environment != "production"
        return self.internal_api_enabled


def load_settings() -> Settings:
    """Read the settings, turning validation errors into one message naming each variable."""
    try:
        return Settings()
    except ValidationError as exc:
        raise ConfigError(describe_invalid_settings(exc)) from None
