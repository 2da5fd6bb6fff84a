"""Two API processes and a job worker on one Redis behave as one service.

The cache, the rate limits, the circuit breakers and the jobs are shared through Redis; the metrics
through PROMETHEUS_MULTIPROC_DIR, so whichever process is scraped reports every process's counts.
"""

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis
from apitest import API_KEY
from fakes.openai_server import FakeOpenAI, HTTPError
from redisproc import RedisServer, unique_prefix
from spawn import (
    Spawner,
    api_command,
    base_env,
    free_port,
    wait_healthy,
    wait_until,
    worker_command,
)

pytestmark = [pytest.mark.slow, pytest.mark.redis, pytest.mark.timeout(600)]

SECOND_KEY = "second-key-0123456789"
PROCESS = "/v1/text_processing/process"
BREAKERS = "/internal/resilience/circuit-breakers"
HEAVY_LIMIT = 5


def text(name: str) -> dict[str, str]:
    return {
        "text": f"{name}: the harbour tide rose twice today and every ferry ran.",
        "operation": "summarize",
    }


def samples(exposition: str, metric: str) -> dict[str, float]:
    """`metric`'s samples by label set, from the Prometheus text format."""
    pattern = re.compile(rf"^{metric}(\{{.*\}}) ([0-9.e+-]+)$", re.MULTILINE)
    return {labels: float(value) for labels, value in pattern.findall(exposition)}


@pytest.fixture
def stack(
    tmp_path: Path, redis_server: RedisServer, spawn: Spawner
) -> Iterator[tuple[list[str], FakeOpenAI]]:
    """Two API processes and a worker sharing a Redis of their own and a metrics directory."""
    metrics_dir = tmp_path / "metrics"
    metrics_dir.mkdir()
    prefix = unique_prefix()
    with FakeOpenAI.running() as provider:
        env = base_env(
            API_KEY=API_KEY,
            ADDITIONAL_API_KEYS=SECOND_KEY,
            LLM_MODEL="openai:fake-model",
            OPENAI_BASE_URL=provider.url,
            CACHE_REDIS_URL=redis_server.url,
            CACHE_KEY_PREFIX=prefix,
            RATE_LIMIT_HEAVY=f"{HEAVY_LIMIT}/hour",  # no slot frees while the test runs,
            RATE_LIMIT_KEY_PREFIX=f"{prefix}:ratelimit",
            RESILIENCE_CUSTOM_CONFIG=json.dumps(
                {"attempts": 1, "failure_threshold": 2, "recovery_timeout": 300}
            ),
            PROMETHEUS_MULTIPROC_DIR=str(metrics_dir),
        )
        ports = [free_port(), free_port()]
        apis = [spawn(f"api-{port}", api_command(port), env) for port in ports]
        worker = spawn("worker", worker_command(), env)
        urls = [f"http://127.0.0.1:{port}" for port in ports]
        for process, url in zip(apis, urls, strict=True):
            wait_healthy(process, url)
        with redis.Redis.from_url(redis_server.url) as client:
            health = f"{prefix}:jobs:queue:health-check"  # written on the worker's first poll
            wait_until(lambda: client.exists(health), what="the worker polling", watch=[worker])
        yield urls, provider


def test_two_api_processes_and_a_worker_act_as_one_service(
    stack: tuple[list[str], FakeOpenAI],
) -> None:
    (a, b), provider = stack
    first, second = {"X-API-Key": API_KEY}, {"X-API-Key": SECOND_KEY}
    with httpx.Client(timeout=20) as http:
        # The cache: answered on A, a hit on B.
        assert http.post(a + PROCESS, json=text("X"), headers=first).json()["cache_hit"] is False
        assert http.post(b + PROCESS, json=text("X"), headers=first).json()["cache_hit"] is True

        # Jobs: submitted on A, run by the worker, read on B.
        batch = {"requests": [text("J0"), text("J1")]}
        job = http.post(a + "/v1/text_processing/jobs", json=batch, headers=first).json()
        assert poll_job(http, b + job["links"]["self"], first)["state"] == "completed"

        # The rate limit: HEAVY_LIMIT heavy requests per hour for this key, wherever they land;
        # the two posts and the two-item job above (a unit per item) took four of them.
        assert http.post(a + PROCESS, json=text("Y"), headers=first).status_code == 200
        limited = http.post(b + PROCESS, json=text("W"), headers=first)
        assert limited.status_code == 429
        assert int(limited.headers["Retry-After"]) >= 1

        # The breaker: tripped through A by a failing provider, open as B sees it.
        provider.script(HTTPError(500), HTTPError(500))
        for name in ("V1", "V2"):
            assert http.post(a + PROCESS, json=text(name), headers=second).status_code == 503
        breakers = http.get(b + BREAKERS, headers=first).json()["breakers"]
        assert [(br["name"], br["state"]) for br in breakers] == [("openai:fake-model", "open")]
        asked = len(provider.requests)
        fast = http.post(b + PROCESS, json=text("V3"), headers=second)
        assert (fast.status_code, len(provider.requests)) == (503, asked)  # B never called it

        # The metrics: every process's counts, whichever process is scraped.
        scrapes = [http.get(url + "/metrics", headers=first).text for url in (a, b)]
    requests = [samples(s, "http_requests_total") for s in scrapes]
    processed = [
        {labels: n for labels, n in counts.items() if PROCESS + '"' in labels}
        for counts in requests
    ]
    assert processed[0] == processed[1]
    assert processed[0] == {
        f'{{method="POST",route="{PROCESS}",status="200"}}': 3.0,
        f'{{method="POST",route="{PROCESS}",status="429"}}': 1.0,
        f'{{method="POST",route="{PROCESS}",status="503"}}': 3.0,
    }
    calls = [samples(s, "llm_calls_total") for s in scrapes]
    assert calls[0] == calls[1]
    # X and Y on the API processes, J0 and J1 on the worker.
    assert sum(n for labels, n in calls[0].items() if 'outcome="ok"' in labels) == 4.0


def poll_job(http: httpx.Client, url: str, headers: dict[str, str]) -> dict[str, Any]:
    body: dict[str, Any] = {}

    def ended() -> bool:
        body.update(http.get(url, headers=headers).json())
        return body["state"] not in ("queued", "running")

    wait_until(ended, what="the job ending")
    return body
