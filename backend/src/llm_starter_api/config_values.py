"""What settings hold and infra reads too: preset names, resilience overrides, keys, Redis URLs.

Settings validate these values at start-up; infra builds its services from them. They live here,
not in infra, so that config never imports infra (an import-linter contract in pyproject.toml).
"""

from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from cryptography.fernet import Fernet, MultiFernet
from pydantic import BaseModel, ConfigDict, Field, ValidationError

type CachePresetName = Literal[
    "disabled",
    "minimal",
    "simple",
    "development",
    "production",
    "ai-development",
    "ai-production",
]
"""CACHE_PRESET: infra/cache/presets.py defines each."""

type ResiliencePresetName = Literal["simple", "development", "production"]
"""RESILIENCE_PRESET: infra/resilience/policy.py defines each."""

type StrategyName = Literal["aggressive", "balanced", "conservative", "critical"]
"""A resilience strategy: infra/resilience/policy.py holds its numbers."""


# --- the cache's encryption keys ---


def fernet_keys(keys: str) -> MultiFernet:
    """Comma-separated Fernet keys: the first encrypts, all decrypt (key rotation); ValueError if bad."""
    parts = [key.strip() for key in keys.split(",") if key.strip()]
    if not parts:
        raise ValueError("no key given")
    try:
        return MultiFernet([Fernet(key) for key in parts])
    except ValueError:
        raise ValueError(
            "not a valid Fernet key (32 url-safe base64-encoded bytes; generate one with "
            '`python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"`)'
        ) from None


# --- Redis URLs ---

REDIS_SCHEMES = ("redis", "rediss", "unix")
_LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


def uses_tls(url: str) -> bool:
    """Whether the URL asks for TLS (`rediss://`)."""
    return urlsplit(url).scheme == "rediss"


def is_local(url: str) -> bool:
    """Whether the URL points at this machine (loopback or a unix socket)."""
    parts = urlsplit(url)
    return parts.scheme == "unix" or (parts.hostname or "localhost") in _LOCAL_HOSTS


# --- RESILIENCE_CUSTOM_CONFIG ---

_Seconds = Annotated[float, Field(gt=0, le=600)]


class ResilienceOverrides(BaseModel):
    """RESILIENCE_CUSTOM_CONFIG: a strategy per operation, and numbers overriding every strategy."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    strategy: StrategyName | None = None
    operations: dict[str, StrategyName] = Field(default_factory=dict)
    # The numbers of a strategy (infra/resilience/policy.py's Strategy), each optional.
    attempts: Annotated[int, Field(ge=1, le=10)] | None = None
    backoff_base: Annotated[float, Field(ge=0, le=60)] | None = None
    backoff_max: Annotated[float, Field(ge=0, le=300)] | None = None
    jitter: Annotated[float, Field(ge=0, le=60)] | None = None
    attempt_timeout: _Seconds | None = None
    deadline: _Seconds | None = None
    failure_threshold: Annotated[int, Field(ge=1, le=1000)] | None = None
    window: _Seconds | None = None
    recovery_timeout: _Seconds | None = None

    def numbers(self) -> dict[str, Any]:
        """The strategy numbers this override sets."""
        return self.model_dump(exclude={"strategy", "operations"}, exclude_none=True)


def parse_overrides(raw: str) -> ResilienceOverrides:
    """Parse the JSON of RESILIENCE_CUSTOM_CONFIG; the error names every bad key."""
    try:
        return ResilienceOverrides.model_validate_json(raw.strip() or "{}")
    except ValidationError as exc:
        problems = [
            f"{'.'.join(str(part) for part in error['loc']) or 'JSON'}: {error['msg']}"
            for error in exc.errors(include_url=False, include_input=False)
        ]
        raise ValueError("; ".join(problems)) from None
