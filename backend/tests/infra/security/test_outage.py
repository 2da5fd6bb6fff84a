"""Rate limits across a Redis outage: two API processes, a redis-server killed and restarted empty.

The limit is per hour so that no window ends during the test; the phases are ended on purpose.
`pytest backend/tests/infra/security/test_outage.py -s` prints the figures docs/security.md quotes.
"""

from collections import Counter

import httpx
import pytest
from apitest import API_KEY
from prometheus_client.parser import text_string_to_metric_families
from redisproc import RedisServer
from spawn import Process, Spawner, api_command, base_env, free_port, wait_healthy, wait_until

pytestmark = [pytest.mark.slow, pytest.mark.redis, pytest.mark.timeout(300)]

LIMIT = 10
PROCESS = "/v1/text_processing/process"
BODY = {"text": "The museum reopened its east wing after two years.", "operation": "sentiment"}


def storage_down(client: httpx.Client, url: str) -> bool:
    """Whether the process at `url` is deciding without Redis (its own /metrics)."""
    text = client.get(f"{url}/metrics").text
    for family in text_string_to_metric_families(text):
        if family.name == "rate_limit_storage_down":
            return family.samples[0].value == 1
    raise AssertionError("rate_limit_storage_down is not exposed")


class Traffic:
    """Requests sent round-robin to the processes; status codes counted per phase."""

    def __init__(self, client: httpx.Client, urls: list[str]) -> None:
        self.client, self.urls, self.sent = client, urls, 0
        self.codes: dict[str, Counter[int]] = {}

    def send(self, phase: str, count: int) -> None:
        for _ in range(count):
            url = self.urls[self.sent % len(self.urls)]
            status = self.client.post(f"{url}{PROCESS}", json=BODY).status_code
            self.codes.setdefault(phase, Counter())[status] += 1
            self.sent += 1

    def admitted(self, phase: str) -> int:
        return self.codes.get(phase, Counter())[200]


def apis(spawn: Spawner, redis_server: RedisServer, mode: str) -> tuple[list[Process], list[str]]:
    env = base_env(
        API_KEY=API_KEY,
        CACHE_REDIS_URL=redis_server.url,
        RATE_LIMIT_HEAVY=f"{LIMIT}/hour",
        RATE_LIMIT_PROCESSES="2",
        RATE_LIMIT_ON_STORAGE_ERROR=mode,
    )
    ports = [free_port(), free_port()]
    servers = [spawn(f"api-{port}", api_command(port), env) for port in ports]
    urls = [f"http://127.0.0.1:{port}" for port in ports]
    for server, url in zip(servers, urls, strict=True):
        wait_healthy(server, url)
    return servers, urls


@pytest.mark.parametrize("mode", ["local", "closed", "open"])
def test_the_limit_holds_across_a_redis_outage_and_an_empty_restart(
    mode: str, redis_server: RedisServer, spawn: Spawner
) -> None:
    servers, urls = apis(spawn, redis_server, mode)
    with httpx.Client(headers={"X-API-Key": API_KEY}, timeout=30) as client:
        traffic = Traffic(client, urls)
        traffic.send("up", 2 * LIMIT)

        redis_server.process.kill()  # SIGKILL: no save, and there is no persistence anyway
        traffic.send("down", 2 * LIMIT)
        assert all(storage_down(client, url) for url in urls)

        redis_server.start()  # empty: the window Redis held is gone

        def both_back() -> bool:
            traffic.send("reconnecting", len(urls))
            return not any(storage_down(client, url) for url in urls)

        wait_until(both_back, what="both processes counting in Redis again", watch=servers)
        traffic.send("back", 2 * LIMIT)

    phases = ("up", "down", "reconnecting", "back")
    print(f"\n{mode}: " + ", ".join(f"{p} {dict(traffic.codes.get(p, {}))}" for p in phases))
    admitted = {phase: traffic.admitted(phase) for phase in phases}
    assert admitted["up"] == LIMIT
    if mode == "open":
        # Everything while Redis is away, then a fresh window in the empty Redis (which the
        # first process back starts using while the other still reconnects).
        assert admitted["down"] == 2 * LIMIT
        assert 0 < admitted["back"] <= LIMIT
        assert traffic.codes["back"][429] > 0
        return
    # Each process already admitted its share (LIMIT / 2) while Redis was up: nothing more,
    # neither during the outage nor from the empty Redis within the hour.
    assert sum(admitted.values()) == LIMIT
    refusal = 503 if mode == "closed" else 429
    assert set(traffic.codes["down"]) == {refusal}
    assert set(traffic.codes["back"]) == {429}
