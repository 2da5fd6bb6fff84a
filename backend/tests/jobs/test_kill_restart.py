"""A job survives SIGKILL of the API and the worker mid-job; no item is computed or stored twice."""

import json
from collections import Counter
from collections.abc import Callable
from typing import Any

import httpx
import pytest
import redis
from apitest import API_KEY
from arq.constants import in_progress_key_prefix
from fakes.openai_server import DEFAULT_TEXT, FakeOpenAI, Hang, Text
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

from llm_starter_api.jobs.worker import TIMEOUT_MARGIN_SECONDS

pytestmark = [pytest.mark.slow, pytest.mark.redis, pytest.mark.timeout(600)]

ITEMS = 10
TEXTS = [
    f"Report {i}: the harbour tide rose twice today and every ferry ran." for i in range(ITEMS)
]
ANSWERED = 3  # the provider answers the first three calls, then hangs until the kill
JOB_TIMEOUT_SECONDS = 300
# arq keeps a job "in progress" this long after a run starts; then another worker may take it.
IN_PROGRESS_SECONDS = JOB_TIMEOUT_SECONDS + TIMEOUT_MARGIN_SECONDS + 10


def job_until(
    client: httpx.Client, url: str, condition: Callable[[dict[str, Any]], bool], what: str
) -> dict[str, Any]:
    """GET the job until `condition(body)` holds; the last body read."""
    last: dict[str, Any] = {}

    def holds() -> bool:
        last.update(client.get(url).json())
        return condition(last)

    wait_until(holds, what=what)
    return last


def test_a_job_survives_killing_the_api_and_the_worker_mid_job(
    redis_server: RedisServer, spawn: Spawner
) -> None:
    prefix = unique_prefix()
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    body = {"requests": [{"text": text, "operation": "summarize"} for text in TEXTS]}
    store = redis.Redis.from_url(redis_server.url)
    with FakeOpenAI.running() as provider:
        # Two runners (BATCH_CONCURRENCY) hang on the calls after the answered ones: the kill
        # lands mid-job whatever the machine's speed. After the restart every call is answered.
        provider.script(*[Text(DEFAULT_TEXT)] * ANSWERED, Hang(3600), Hang(3600))
        env = base_env(
            API_KEY=API_KEY,
            LLM_MODEL="openai:fake-model",
            OPENAI_BASE_URL=provider.url,
            CACHE_REDIS_URL=redis_server.url,
            CACHE_KEY_PREFIX=prefix,
            RATE_LIMIT_ENABLED="false",
            BATCH_CONCURRENCY="2",
            JOB_TIMEOUT_SECONDS=str(JOB_TIMEOUT_SECONDS),
            # One attempt that outlasts the test: no retry consumes the provider's script.
            LLM_TIMEOUT_SECONDS="600",
            RESILIENCE_CUSTOM_CONFIG=json.dumps({"attempts": 1}),
        )
        api = spawn("api", api_command(port), env)
        worker = spawn("worker", worker_command(), env)
        wait_healthy(api, url)
        queue_health = f"{prefix}:jobs:queue:health-check"  # written on the worker's first poll
        wait_until(lambda: store.exists(queue_health), what="the worker polling", watch=[worker])
        with httpx.Client(base_url=url, headers={"X-API-Key": API_KEY}, timeout=30) as client:
            job = client.post("/v1/text_processing/jobs", json=body).json()
            location = job["links"]["self"]
            job_until(client, location, lambda j: j["progress"]["done"] >= ANSWERED, "3 items done")
            wait_until(lambda: len(provider.requests) == ANSWERED + 2, what="two calls hanging")

        worker.kill()
        api.kill()
        items_key = f"{prefix}:jobs:{{{job['job_id']}}}:items"
        before = {int(index) for index in store.hkeys(items_key)}
        assert len(before) == ANSWERED

        # The dead worker's claim expires on its own; the test ends that wait instead of sitting it out.
        in_progress = f"{in_progress_key_prefix}{job['job_id']}"
        assert 0 < store.pttl(in_progress) <= IN_PROGRESS_SECONDS * 1000
        store.delete(in_progress)

        api.start(), worker.start()
        wait_healthy(api, url)
        with httpx.Client(base_url=url, headers={"X-API-Key": API_KEY}, timeout=30) as client:
            final = job_until(client, location, lambda j: j["state"] != "running", "job ended")

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
