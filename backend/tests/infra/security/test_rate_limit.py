"""Rate limits: per client and route class, accurate headers, 429 with Retry-After, memory fallback."""

import time
from typing import Any

import pytest
from apitest import API_KEY, ClientFactory
from prometheus_client import REGISTRY

from llm_starter_api.infra.security.rate_limit import RateLimiter, RouteClass, route_class

PROCESS = "/v1/text_processing/process"


@pytest.mark.parametrize(
    ("method", "path", "expected"),
    [
        ("POST", "/v1/text_processing/process", RouteClass.HEAVY),
        ("POST", "/v1/text_processing/process/stream", RouteClass.HEAVY),
        ("POST", "/v1/text_processing/batch_process", RouteClass.HEAVY),
        ("POST", "/v1/text_processing/jobs", RouteClass.HEAVY),
        ("GET", "/v1/text_processing/jobs/job-1", RouteClass.STANDARD),
        ("DELETE", "/v1/text_processing/jobs/job-1", RouteClass.STANDARD),
        ("GET", "/v1/auth/status", RouteClass.AUTH),
        ("GET", "/v1/text_processing/operations", RouteClass.STANDARD),
        ("GET", "/internal/info", RouteClass.STANDARD),
        ("GET", "/v1/health/ready", None),
        ("GET", "/v1/health", None),
    ],
)
def test_routes_fall_into_their_class(method: str, path: str, expected: RouteClass | None) -> None:
    assert route_class(path, method) == expected


async def test_over_limit_requests_get_429_with_retry_after_and_accurate_headers(
    make_client: ClientFactory, body: dict[str, Any]
) -> None:
    async with make_client(rate_limit_heavy="3/minute") as client:
        responses = [await client.post(PROCESS, json=body) for _ in range(4)]
    assert [r.status_code for r in responses] == [200, 200, 200, 429]
    assert [r.headers["x-ratelimit-limit"] for r in responses] == ["3"] * 4
    assert [r.headers["x-ratelimit-remaining"] for r in responses] == ["2", "1", "0", "0"]
    refused = responses[-1]
    assert refused.json()["error_code"] == "rate_limited"
    assert refused.json()["request_id"] == refused.headers["x-request-id"]
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert time.time() < int(refused.headers["x-ratelimit-reset"]) <= time.time() + 61


async def test_route_classes_and_clients_have_separate_allowances(
    make_client: ClientFactory, body: dict[str, Any]
) -> None:
    async with make_client(
        rate_limit_heavy="1/minute", additional_api_keys="second-key-abcdef"
    ) as client:
        first = await client.post(PROCESS, json=body)
        again = await client.post(PROCESS, json=body)
        other_class = await client.get("/v1/text_processing/operations")
        other_key = await client.post(
            PROCESS, json=body, headers={"X-API-Key": "second-key-abcdef"}
        )
    assert (first.status_code, again.status_code) == (200, 429)
    assert other_class.status_code == 200
    assert other_key.status_code == 200


async def test_invalid_keys_share_their_address_allowance(make_client: ClientFactory) -> None:
    # Random keys must not each buy a fresh allowance.
    async with make_client(client_key=None, rate_limit_auth="2/minute") as client:
        codes = [
            (await client.get("/v1/auth/status", headers={"X-API-Key": f"guess-{n}"})).status_code
            for n in range(3)
        ]
    assert codes == [401, 401, 429]


async def test_health_probes_are_never_limited(make_client: ClientFactory) -> None:
    async with make_client(rate_limit_standard="1/minute") as client:
        codes = [(await client.get("/v1/health/live")).status_code for _ in range(3)]
    assert codes == [200, 200, 200]


async def test_disabled_rate_limits_send_no_headers(
    make_client: ClientFactory, body: dict[str, Any]
) -> None:
    async with make_client(rate_limit_enabled=False, rate_limit_heavy="1/minute") as client:
        responses = [await client.post(PROCESS, json=body) for _ in range(2)]
    assert [r.status_code for r in responses] == [200, 200]
    assert "x-ratelimit-limit" not in responses[0].headers


async def test_unreachable_redis_falls_back_to_memory_and_still_limits(
    make_client: ClientFactory, body: dict[str, Any]
) -> None:
    before = REGISTRY.get_sample_value("rate_limit_storage_fallbacks_total") or 0.0
    async with make_client(
        rate_limit_heavy="2/minute", rate_limit_storage_url="redis://127.0.0.1:1/0"
    ) as client:
        codes = [(await client.post(PROCESS, json=body)).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    assert (REGISTRY.get_sample_value("rate_limit_storage_fallbacks_total") or 0.0) > before


async def test_the_most_constrained_of_several_limits_is_reported() -> None:
    limiter = RateLimiter({RouteClass.HEAVY: "2/hour;10/day"})
    limiter.use_storage(None)
    first = await limiter.hit(RouteClass.HEAVY, "key:a")
    second = await limiter.hit(RouteClass.HEAVY, "key:a")
    third = await limiter.hit(RouteClass.HEAVY, "key:a")
    assert (first.limit, first.remaining) == (2, 1)
    assert (second.limit, second.remaining) == (2, 0)
    assert not third.allowed
    assert third.limit == 2
    assert 0 < third.retry_after() <= 3600  # the hourly limit's slot, not the daily one


async def test_rejections_are_counted_by_route_class(
    make_client: ClientFactory, body: dict[str, Any]
) -> None:
    sample = ("rate_limit_rejections_total", {"route_class": "heavy"})
    before = REGISTRY.get_sample_value(*sample) or 0.0
    async with make_client(rate_limit_heavy="1/minute") as client:
        for _ in range(3):
            await client.post(PROCESS, json=body, headers={"X-API-Key": API_KEY})
    assert REGISTRY.get_sample_value(*sample) == before + 2


async def test_submitting_a_job_uses_the_heavy_allowance(
    make_client: ClientFactory, body: dict[str, Any]
) -> None:
    async with make_client(rate_limit_heavy="1/minute") as client:
        processed = await client.post("/v1/text_processing/process", json=body)
        submitted = await client.post("/v1/text_processing/jobs", json={"requests": [body]})
    assert processed.status_code == 200
    assert submitted.status_code == 429
    assert submitted.json()["details"]["route_class"] == "heavy"
