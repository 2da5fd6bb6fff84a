"""The process's one Redis client: a bounded pool, short timeouts, TLS and password from the URL."""

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from redis.asyncio import BlockingConnectionPool, Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisError

from llm_starter_api.config_values import uses_tls

# What a failing Redis call can raise: redis-py's own errors, and OS-level socket errors.
REDIS_ERRORS: tuple[type[Exception], ...] = (RedisError, OSError, TimeoutError)


@dataclass(frozen=True, slots=True)
class RedisOptions:
    """How to reach Redis; the URL carries host, port, DB number and password."""

    url: str
    timeout_seconds: float = 1.0
    max_connections: int = 50
    pool_timeout_seconds: float = 10.0
    """How long a call waits for a free connection when all `max_connections` are in use."""
    ca_cert: Path | None = None
    client_cert: Path | None = None
    client_key: Path | None = None


def has_password(url: str) -> bool:
    """Whether the URL carries a password (never shown)."""
    return bool(urlsplit(url).password)


def redacted(url: str) -> str:
    """The URL without its credentials, for status pages and logs."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}{parts.path}"


def create_redis(options: RedisOptions) -> Redis:
    """A client over a bounded pool; connections open lazily, so a down Redis does not stop start-up."""
    tls: dict[str, object] = {}
    if uses_tls(options.url):
        tls = {
            "ssl_ca_certs": str(options.ca_cert) if options.ca_cert else None,
            "ssl_certfile": str(options.client_cert) if options.client_cert else None,
            "ssl_keyfile": str(options.client_key) if options.client_key else None,
        }
    pool = BlockingConnectionPool.from_url(
        options.url,
        max_connections=options.max_connections,
        # A burst queues for a connection rather than failing as if Redis were down; the wait is
        # bounded apart from the socket timeout, since queueing behind a busy event loop takes
        # longer than any one command.
        timeout=options.pool_timeout_seconds,
        socket_timeout=options.timeout_seconds,
        socket_connect_timeout=options.timeout_seconds,
        # No hidden retries: a failing call falls back to the memory tier at once, and the cache
        # decides when to try Redis again.
        retry=Retry(NoBackoff(), 0),
        **tls,
    )
    return Redis.from_pool(pool)
