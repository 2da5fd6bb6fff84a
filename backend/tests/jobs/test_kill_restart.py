"""A job survives SIGKILL of the API and the worker mid-job; no item is computed or stored twice."""

import json
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis
from apitest import API_KEY
from fakes.openai_server import FakeOpenAI, Hang
from infra.cache.redisproc import RedisServer, free_port, unique_prefix
from jobs import processes

pytestmark = [pytest.mark.slow, pytest.mark.redis]

ITEMS = 10
TEXTS = [
    f"Report {i}: the harbour tide rose twice today and every ferry ran." for i in range(ITEMS)
]
JOB_TIMEOUT_SECONDS = 6  # arq hands a dead worker's job on 6 + 2 + 10 s after it started


def poll(
    client: httpx.Client, url: str, until: Callable[[dict[str, Any]], bool], seconds: float
) -> dict[str, Any]:
    """GET the job until `until(body)` holds."""
    deadline = time.monotonic() + seconds
    body: dict[str, Any] = {}
    while time.monotonic() < deadline:
        body = client.get(url).json()
        if until(body):
            return body
        time.sleep(0.05)
    pytest.fail(f"the job did not get there within {seconds} s: {body}")


def test_a_job_survives_killing_the_api_and_the_worker_mid_job(
    redis_server: RedisServer, tmp_path: Path
) -> None:
    prefix = unique_prefix()
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    body = {"requests": [{"text": text, "operation": "summarize"} for text in TEXTS]}
    store = redis.Redis.from_url(redis_server.url)
    with FakeOpenAI.running() as provider:
        provider.script(*[Hang(0.5)] * 3 * ITEMS)  # every answer takes half a second
        env = processes.base_env(
            API_KEY=API_KEY,
            LLM_MODEL="openai:fake-model",
            OPENAI_BASE_URL=provider.url,
            CACHE_REDIS_URL=redis_server.url,
            CACHE_KEY_PREFIX=prefix,
            RATE_LIMIT_ENABLED="false",
            BATCH_CONCURRENCY="2",
            JOB_TIMEOUT_SECONDS=str(JOB_TIMEOUT_SECONDS),
        )
        queue = f"{prefix}:jobs:queue"
        api, worker = processes.api(env, tmp_path, port), processes.worker(env, tmp_path)
        try:
            api.start(), worker.start()
            processes.wait_healthy(api, url)
            processes.wait_polling(worker, store, queue)
            with httpx.Client(base_url=url, headers={"X-API-Key": API_KEY}, timeout=10) as client:
                job = client.post("/v1/text_processing/jobs", json=body).json()
                location = job["links"]["self"]
                poll(client, location, lambda job: job["progress"]["done"] >= 3, 20)

            worker.kill()
            api.kill()
            items_key = f"{prefix}:jobs:{{{job['job_id']}}}:items"
            before = {int(index) for index in store.hkeys(items_key)}
            assert 0 < len(before) < ITEMS, "the kill was meant to land mid-job"
            killed_at = time.monotonic()

            api.start(), worker.start()
            processes.wait_healthy(api, url)
            with httpx.Client(base_url=url, headers={"X-API-Key": API_KEY}, timeout=10) as client:
                final = poll(client, location, lambda job: job["state"] != "running", 40)
            resumed_after = time.monotonic() - killed_at
        finally:
            api.stop()
            worker.stop()

    assert final["state"] == "completed", final
    assert final["progress"] == {"done": ITEMS, "failed": 0, "total": ITEMS}
    assert [item["request_index"] for item in final["results"]] == list(range(ITEMS))
    assert all(item["status"] == "completed" for item in final["results"])
    assert store.hlen(items_key) == ITEMS  # one outcome per item, never a second
    assert store.hget(f"{prefix}:jobs:{{{job['job_id']}}}", "attempts") == b"2"

    asked = Counter(
        text for request in provider.requests for text in TEXTS if text in json.dumps(request.body)
    )
    assert {TEXTS[i]: asked[TEXTS[i]] for i in before} == {TEXTS[i]: 1 for i in before}
    assert all(asked[text] >= 1 for text in TEXTS)
    assert resumed_after < JOB_TIMEOUT_SECONDS + 2 + 10 + 10
