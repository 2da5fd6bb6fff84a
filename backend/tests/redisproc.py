"""Real Redis for tests: the shared server (own DB, own prefix) and throwaway redis-server processes."""

import os
import shutil
import socket
import uuid
from collections.abc import Sequence
from pathlib import Path

import pytest
import redis
from spawn import Process, free_port, wait_until

SHARED_HOST, SHARED_PORT = "127.0.0.1", 6379
SHARED_DB = 9  # the shared server's DB for these tests; keys also carry a unique prefix
SHARED_URL = f"redis://{SHARED_HOST}:{SHARED_PORT}/{SHARED_DB}"


def unique_prefix() -> str:
    """A key prefix no other test (or process) uses."""
    return f"t{uuid.uuid4().hex[:12]}"


def shared_redis() -> redis.Redis:
    """A client of the shared server; fails the test, not skips it, when the server is down."""
    client = redis.Redis.from_url(SHARED_URL, socket_timeout=2)
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.fail(
            f"no Redis on {SHARED_HOST}:{SHARED_PORT}: start one (`redis-server --daemonize yes`); "
            ".ci/run starts it in CI"
        )
    return client


def delete_prefix(client: redis.Redis, prefix: str) -> None:
    """Delete every key a test wrote under `prefix`."""
    keys = list(client.scan_iter(match=f"{prefix}:*", count=500))
    if keys:
        client.unlink(*keys)


def redis_server_binary() -> str:
    """The redis-server executable; a missing one fails the test with the fix."""
    path = shutil.which("redis-server")
    if path is None:
        pytest.fail("redis-server is not installed: `apt-get install -y redis-server`")
    return path


class RedisServer:
    """A redis-server of our own on a fixed port, without persistence, that tests stop and restart."""

    def __init__(self, workdir: Path, *, port: int | None = None, args: Sequence[str] = ()) -> None:
        self.port = port or free_port()
        command = [
            redis_server_binary(),
            "--bind", "127.0.0.1",
            "--port", str(self.port),
            "--save", "",
            "--appendonly", "no",
            "--dir", str(workdir),
            *args,
        ]  # fmt: skip
        self.process = Process(f"redis-{self.port}", command, os.environ, workdir)

    @property
    def url(self) -> str:
        """A plaintext URL for this server (DB 0)."""
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        """Start it and wait until it accepts connections on its port."""
        self.process.start()
        wait_until(self._listening, what="redis-server listening", watch=[self.process])

    def _listening(self) -> bool:
        try:
            socket.create_connection(("127.0.0.1", self.port), 1).close()
        except OSError:
            return False
        return True

    def stop(self) -> None:
        """SIGTERM, then wait for it to exit."""
        self.process.stop()
