"""A batch or job of N items costs N heavy units: the entry pays one, the route charges the rest."""

from typing import Any

import pytest
from apitest import ClientFactory

BATCH = "/v1/text_processing/batch_process"
JOBS = "/v1/text_processing/jobs"
PROCESS = "/v1/text_processing/process"


def batch(body: dict[str, Any], count: int) -> dict[str, Any]:
    return {"requests": [body] * count}


@pytest.mark.parametrize(("path", "status"), [(BATCH, 200), (JOBS, 202)])
async def test_n_items_cost_n_units_and_a_batch_over_the_allowance_gets_429_naming_it(
    make_client: ClientFactory, body: dict[str, Any], path: str, status: int
) -> None:
    async with make_client(rate_limit_heavy="5/minute") as client:
        three = await client.post(path, json=batch(body, 3))
        again = await client.post(path, json=batch(body, 3))
        one = await client.post(path, json=batch(body, 1))
        single = await client.post(PROCESS, json=body)
    assert three.status_code == status, three.text
    assert three.headers["x-ratelimit-remaining"] == "2"
    # Its entry took one unit; the two more it needs are not there.
    assert again.status_code == 429
    error = again.json()
    assert error["error_code"] == "rate_limited"
    assert error["details"] == {"route_class": "heavy", "cost": 3, "remaining": 1, "limit": 5}
    assert "3 heavy units and 1 remain" in error["error"]
    assert 1 <= int(again.headers["retry-after"]) <= 60
    assert again.headers["x-ratelimit-remaining"] == "1"
    # What remained fits a batch that size.
    assert (one.status_code, one.headers["x-ratelimit-remaining"]) == (status, "0")
    assert single.status_code == 429


async def test_a_batch_costing_more_than_the_whole_limit_is_told_to_send_fewer_items(
    make_client: ClientFactory, body: dict[str, Any]
) -> None:
    async with make_client(rate_limit_heavy="5/minute") as client:
        response = await client.post(BATCH, json=batch(body, 6))
    assert response.status_code == 429
    assert response.json()["details"] == {
        "route_class": "heavy",
        "cost": 6,
        "remaining": 4,
        "limit": 5,
    }
    assert "send fewer items" in response.json()["error"]
    assert "retry-after" not in response.headers  # waiting would not help


async def test_a_batch_over_the_batch_size_limit_is_422_and_charges_only_its_entry(
    make_client: ClientFactory, body: dict[str, Any]
) -> None:
    async with make_client(rate_limit_heavy="5/minute", max_batch_size=3) as client:
        too_big = await client.post(BATCH, json=batch(body, 4))
        fits = await client.post(BATCH, json=batch(body, 3))
    assert too_big.status_code == 422
    assert (fits.status_code, fits.headers["x-ratelimit-remaining"]) == (200, "1")


async def test_without_rate_limits_a_batch_costs_nothing(
    make_client: ClientFactory, body: dict[str, Any]
) -> None:
    async with make_client(rate_limit_enabled=False, rate_limit_heavy="1/minute") as client:
        responses = [await client.post(BATCH, json=batch(body, 3)) for _ in range(2)]
    assert [r.status_code for r in responses] == [200, 200]
