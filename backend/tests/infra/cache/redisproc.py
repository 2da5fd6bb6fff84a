"""Real Redis for tests: the shared server (own DB, own prefix) and throwaway redis-server processes."""

import shutil
import signal
import socket
import subprocess
import time
import uuid
from collections.abc import Sequence
from pathlib import Path

import pytest
import redis

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


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def redis_server_binary() -> str:
    """The redis-server executable; a missing one fails the test with the fix."""
    path = shutil.which("redis-server")
    if path is None:
        pytest.fail("redis-server is not installed: `apt-get install -y redis-server`")
    return path


class RedisServer:
    """A redis-server of our own on a fixed port, without persistence, that tests stop and restart."""

    def __init__(self, workdir: Path, *, port: int | None = None, args: Sequence[str] = ()) -> None:
        self.workdir = workdir
        self.port = port or free_port()
        self.args = list(args)
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """A plaintext URL for this server (DB 0)."""
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, *, listen_port: int | None = None) -> None:
        """Start it and wait until it accepts connections on `listen_port` (default: its port)."""
        command = [
            redis_server_binary(),
            "--bind", "127.0.0.1",
            "--port", str(self.port),
            "--save", "",
            "--appendonly", "no",
            "--dir", str(self.workdir),
            *self.args,
        ]  # fmt: skip
        self.process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=self.workdir
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                error = self.process.stderr.read().decode() if self.process.stderr else ""
                pytest.fail(f"redis-server exited at start: {error[-2000:]}")
            try:
                socket.create_connection(("127.0.0.1", listen_port or self.port), 0.2).close()
            except OSError:
                time.sleep(0.02)
            else:
                return
        pytest.fail("redis-server did not start listening within 10 s")

    def stop(self) -> None:
        """SIGTERM, then wait for it to exit."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.process.stderr is not None:
            self.process.stderr.close()
