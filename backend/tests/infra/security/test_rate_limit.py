"""Rate limits: per client and route class, accurate headers, 429 with Retry-After, memory fallback."""

import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from apitest import API_KEY, ClientFactory, make_settings
from prometheus_client import REGISTRY
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from llm_starter_api.api.route_classes import ROUTE_CLASSES
from llm_starter_api.infra.security import limiter as limiter_module
from llm_starter_api.infra.security.auth import APIKeys
from llm_starter_api.infra.security.limiter import RateLimiter, RouteClass
from llm_starter_api.infra.security.rate_limit import RateLimitMiddleware, RouteRule, RouteTable
from llm_starter_api.main import create_app

PROCESS = "/v1/text_processing/process"
SECURITY = Path(limiter_module.__file__).parent


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
        ("GET", "/metrics", None),
        ("GET", "/v1/healthz", RouteClass.STANDARD),  # a rule's path is a whole segment
        ("GET", "/v1/text_processing/health", RouteClass.STANDARD),
    ],
)
def test_routes_fall_into_their_class(method: str, path: str, expected: RouteClass | None) -> None:
    assert ROUTE_CLASSES(path, method) == expected


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


async def test_under_a_root_path_routes_keep_their_class(body: dict[str, Any]) -> None:
    # Behind a proxy mounting the app under /api, uvicorn puts the root path in front of the path.
    app = create_app(make_settings(rate_limit_heavy="1/minute", rate_limit_standard="1/minute"))
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app, root_path="/api"),
            base_url="http://testserver/api",
            headers={"X-API-Key": API_KEY},
        ) as client,
    ):
        processed = [(await client.post(PROCESS, json=body)).status_code for _ in range(2)]
        probes = [(await client.get("/v1/health/live")).status_code for _ in range(3)]
    assert processed == [200, 429]
    assert probes == [200, 200, 200]


async def test_the_middleware_classes_routes_only_by_the_table_it_is_given() -> None:
    async def endpoint(request: Request) -> PlainTextResponse:
        return PlainTextResponse("ok")

    limiter = RateLimiter({RouteClass.HEAVY: "1/minute", RouteClass.STANDARD: "100/minute"})
    limiter.use_storage(None)
    app = RateLimitMiddleware(
        Starlette(routes=[Route("/costly", endpoint), Route("/cheap", endpoint)]),
        limiter=limiter,
        keys=APIKeys(()),
        classify=RouteTable([RouteRule("/costly", RouteClass.HEAVY)]),
    )
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app), base_url="http://testserver"
    ) as client:
        costly = [(await client.get("/costly")).status_code for _ in range(2)]
        cheap = [(await client.get("/cheap")).status_code for _ in range(3)]
    assert (costly, cheap) == ([200, 429], [200, 200, 200])


def test_the_security_layer_names_no_route_of_ours() -> None:
    for module in SECURITY.glob("*.py"):
        assert "/v1" not in module.read_text(encoding="utf-8"), module.name


async def test_closed_mode_answers_503_while_the_storage_is_unreachable(
    make_client: ClientFactory, body: dict[str, Any]
) -> None:
    async with make_client(
        rate_limit_storage_url="redis://127.0.0.1:1/0", rate_limit_on_storage_error="closed"
    ) as client:
        refused = await client.post(PROCESS, json=body)
        probe = await client.get("/v1/health/live")
    assert refused.status_code == 503
    assert refused.json()["error_code"] == "rate_limit_unavailable"
    assert 1 <= int(refused.headers["retry-after"]) <= 5
    assert probe.status_code == 200


async def test_open_mode_admits_over_the_limit_while_the_storage_is_unreachable(
    make_client: ClientFactory, body: dict[str, Any]
) -> None:
    async with make_client(
        rate_limit_heavy="1/minute",
        rate_limit_storage_url="redis://127.0.0.1:1/0",
        rate_limit_on_storage_error="open",
    ) as client:
        codes = [(await client.post(PROCESS, json=body)).status_code for _ in range(3)]
    assert codes == [200, 200, 200]
