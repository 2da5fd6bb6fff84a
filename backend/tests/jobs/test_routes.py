"""The job API in one process: in-process runner without Redis, arq with a worker on Redis."""

import warnings
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
import redis
from apitest import ClientFactory, make_settings, serve
from arq.worker import Worker
from fakes.openai_server import FakeOpenAI, Hang
from pydantic_ai.models import override_allow_model_requests
from redisproc import RedisServer
from waits import eventually

from llm_starter_api.config import Settings
from llm_starter_api.jobs import worker as job_worker
from llm_starter_api.main import create_app

JOBS = "/v1/text_processing/jobs"
OTHER_KEY = "other-key-0123456789"
FINAL = {"completed", "failed", "cancelled"}


def batch(count: int = 3, operation: str = "summarize") -> dict[str, Any]:
    texts = [
        f"Document {i}: rivers carry water to the sea, and the sea feeds the rain."
        for i in range(count)
    ]
    return {"requests": [{"text": t, "operation": operation} for t in texts], "batch_id": "b-1"}


async def until_final(client: httpx.AsyncClient, location: str) -> dict[str, Any]:
    body: dict[str, Any] = {}

    async def final() -> bool:
        body.update((await client.get(location)).json())
        return body["state"] in FINAL

    await eventually(final, what=f"the job at {location} finishing")
    return body


async def test_a_job_is_accepted_then_read_back_with_every_result(
    make_client: ClientFactory,
) -> None:
    async with make_client() as client:
        response = await client.post(JOBS, json=batch())
        assert response.status_code == 202, response.text
        accepted = response.json()
        location = response.headers["Location"]
        assert location == f"{JOBS}/{accepted['job_id']}" == accepted["links"]["self"]
        assert accepted["state"] == "queued"
        assert accepted["progress"] == {"done": 0, "failed": 0, "total": 3}
        body = await until_final(client, location)
    assert body["state"] == "completed"
    assert body["batch_id"] == "b-1"
    assert body["progress"] == {"done": 3, "failed": 0, "total": 3}
    assert [item["request_index"] for item in body["results"]] == [0, 1, 2]
    assert all(item["response"]["result"] for item in body["results"])
    assert body["started_at"] <= body["finished_at"] < body["expires_at"]


async def test_the_same_idempotency_key_answers_the_same_job(make_client: ClientFactory) -> None:
    async with make_client() as client:
        headers = {"Idempotency-Key": "order-42"}
        first = await client.post(JOBS, json=batch(), headers=headers)
        again = await client.post(JOBS, json=batch(), headers=headers)
        fresh = await client.post(JOBS, json=batch())
    assert (first.status_code, again.status_code) == (202, 202)
    assert again.json()["job_id"] == first.json()["job_id"] != fresh.json()["job_id"]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers


async def test_an_idempotency_key_reused_with_another_body_is_refused(
    make_client: ClientFactory,
) -> None:
    async with make_client() as client:
        headers = {"Idempotency-Key": "order-42"}
        await client.post(JOBS, json=batch(2), headers=headers)
        reused = await client.post(JOBS, json=batch(3), headers=headers)
    assert reused.status_code == 422
    assert reused.json()["error_code"] == "idempotency_key_reused"


@pytest.mark.parametrize("key", ["", "x" * 256, "with space"])
async def test_a_malformed_idempotency_key_is_refused(make_client: ClientFactory, key: str) -> None:
    async with make_client() as client:
        response = await client.post(JOBS, json=batch(), headers={"Idempotency-Key": key})
    assert response.status_code == 422


async def test_only_the_submitting_caller_can_read_or_cancel_a_job(
    make_client: ClientFactory,
) -> None:
    async with make_client(additional_api_keys=OTHER_KEY) as client:
        job = (await client.post(JOBS, json=batch())).json()
        other = {"X-API-Key": OTHER_KEY}
        # The same Idempotency-Key from another caller is another job.
        mine = await client.post(JOBS, json=batch(), headers={"Idempotency-Key": "k"})
        theirs = await client.post(JOBS, json=batch(), headers={"Idempotency-Key": "k", **other})
        read = await client.get(f"{JOBS}/{job['job_id']}", headers=other)
        cancel = await client.delete(f"{JOBS}/{job['job_id']}", headers=other)
        malformed = await client.get(f"{JOBS}/not-a-job-id")
    assert (read.status_code, cancel.status_code, malformed.status_code) == (404, 404, 404)
    assert mine.json()["job_id"] != theirs.json()["job_id"]


async def test_a_wrong_method_names_every_method_the_path_allows(
    make_client: ClientFactory,
) -> None:
    async with make_client() as client:
        response = await client.put(f"{JOBS}/{'0' * 32}")
    assert response.status_code == 405
    assert response.headers["Allow"] == "DELETE, GET"


async def test_a_batch_over_the_limit_is_refused(make_client: ClientFactory) -> None:
    async with make_client(max_batch_size=2) as client:
        response = await client.post(JOBS, json=batch(3))
    assert response.status_code == 422
    assert "batch limit of 2" in response.json()["error"]


@pytest.fixture
def provider() -> Iterator[FakeOpenAI]:
    with override_allow_model_requests(True), FakeOpenAI.running() as server:
        yield server


async def test_cancelling_keeps_the_items_done_and_stops_the_rest(
    make_client: ClientFactory, provider: FakeOpenAI
) -> None:
    provider.script(Hang(0), Hang(30), Hang(30))
    settings = {"llm_model": "openai:fake-model", "openai_base_url": provider.url}
    async with make_client(batch_concurrency=1, **settings) as client:
        job = (await client.post(JOBS, json=batch())).json()
        location = job["links"]["self"]

        async def first_stored_second_asked() -> bool:
            done = (await client.get(location)).json()["progress"]["done"]
            return bool(done) and len(provider.requests) == 2

        # Cancel once the first item is stored and the second is at the provider.
        await eventually(first_stored_second_asked, what="one item stored, the next one asked")
        cancelled = await client.delete(location)
        again = await client.delete(location)
        final = (await client.get(location)).json()
    assert cancelled.status_code == 200
    assert cancelled.json()["state"] == again.json()["state"] == final["state"] == "cancelled"
    assert [item["request_index"] for item in final["results"]] == [0]
    assert len(provider.requests) == 2  # the second item was cut off; the third never started


# --- On Redis, with an arq worker in this process ---


@pytest.fixture
def redis_settings(redis_server: RedisServer) -> Settings:
    return make_settings(cache_redis_url=redis_server.url, rate_limit_enabled=False)


@pytest.fixture
async def redis_client(redis_settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    async with serve(create_app(redis_settings)) as client:
        yield client


async def run_worker(settings: Settings) -> Worker:
    """Run every queued job with a burst-mode worker, as `make worker` would."""
    options = job_worker.worker_settings(settings)
    worker = Worker(**{**options, "burst": True, "handle_signals": False, "poll_delay": 0.05})
    await worker.async_run()
    with warnings.catch_warnings():
        # arq 0.28 closes its client with close(), which redis-py 7 deprecates for aclose().
        warnings.filterwarnings("ignore", "Call to deprecated close", DeprecationWarning)
        await worker.close()
    return worker


@pytest.mark.redis
async def test_on_redis_a_worker_runs_the_job_and_any_process_reads_it(
    redis_settings: Settings, redis_client: httpx.AsyncClient
) -> None:
    accepted = (await redis_client.post(JOBS, json=batch())).json()
    location = accepted["links"]["self"]
    assert (await redis_client.get(location)).json()["state"] == "queued"  # no worker yet
    worker = await run_worker(redis_settings)
    assert worker.jobs_complete == 1
    async with serve(create_app(redis_settings)) as another_process:
        body = (await another_process.get(location)).json()
    assert body["state"] == "completed"
    assert body["progress"] == {"done": 3, "failed": 0, "total": 3}


@pytest.mark.redis
async def test_on_redis_a_job_cancelled_while_queued_never_runs(
    redis_settings: Settings, redis_client: httpx.AsyncClient
) -> None:
    accepted = (await redis_client.post(JOBS, json=batch())).json()
    cancelled = (await redis_client.delete(accepted["links"]["self"])).json()
    worker = await run_worker(redis_settings)
    final = (await redis_client.get(accepted["links"]["self"])).json()
    assert cancelled["state"] == final["state"] == "cancelled"
    assert final["results"] == []
    assert worker.jobs_complete == 0


@pytest.mark.redis
async def test_on_redis_a_job_the_worker_gave_up_on_reads_as_failed(
    redis_settings: Settings, redis_client: httpx.AsyncClient, redis_server: RedisServer
) -> None:
    accepted = (await redis_client.post(JOBS, json=batch())).json()
    # As if every try so far had died with its worker.
    with redis.Redis.from_url(redis_server.url) as client:
        client.set(f"arq:retry:{accepted['job_id']}", 3)
    await run_worker(redis_settings)
    final = (await redis_client.get(accepted["links"]["self"])).json()
    assert final["state"] == "failed"
    assert "max 3 retries exceeded" in final["error"]
