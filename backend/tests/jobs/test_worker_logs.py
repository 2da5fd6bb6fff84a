"""The worker process's output in production: every line JSON, arq's start-up lines included."""

import json

import httpx
import pytest
import redis
from apitest import API_KEY, make_settings, serve
from redisproc import RedisServer, unique_prefix
from spawn import Spawner, base_env, worker_command
from waits import eventually, wait_until

from llm_starter_api.main import create_app

pytestmark = [pytest.mark.redis, pytest.mark.slow, pytest.mark.timeout(300)]

BATCH = {"requests": [{"text": "Rivers carry water to the sea.", "operation": "summarize"}]}


async def test_every_worker_line_is_json_in_production(
    spawn: Spawner, redis_server: RedisServer
) -> None:
    prefix = unique_prefix()
    env = base_env(
        ENVIRONMENT="production",
        API_KEY=API_KEY,
        REDIS_URL=redis_server.url,
        CACHE_KEY_PREFIX=prefix,
    )
    worker = spawn("worker", worker_command(), env)
    store = redis.Redis.from_url(redis_server.url)
    health = f"{prefix}:jobs:queue:health-check"  # written on the worker's first poll
    wait_until(lambda: store.exists(health), what="the worker polling", watch=[worker])
    store.close()

    # A job through the API, so the worker logs a run too.
    app = create_app(make_settings(cache_redis_url=redis_server.url, cache_key_prefix=prefix))
    async with serve(app) as client:
        location = (await client.post("/v1/text_processing/jobs", json=BATCH)).json()["links"]

        async def completed() -> bool:
            job: httpx.Response = await client.get(location["self"])
            return job.json()["state"] == "completed"

        await eventually(completed, what="the job completed by the worker")
    worker.stop()

    lines = [line for line in worker.log.read_text().splitlines() if line.strip()]
    records = []
    for line in lines:
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError:
            pytest.fail(f"not JSON: {line!r}\n--- output ---\n" + "\n".join(lines))
    assert all({"event", "level", "timestamp", "logger"} <= set(record) for record in records)
    events = [(record["logger"], record["event"]) for record in records]
    assert any(logger == "arq.worker" and "Starting worker" in e for logger, e in events), events
    assert any("redis_version" in e for _, e in events), events  # arq's next start-up line
    assert any("run_batch_job(" in e for _, e in events), events  # arq's lines of the job's run
    assert API_KEY not in "\n".join(lines)
