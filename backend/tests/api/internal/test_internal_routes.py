"""The internal API: authenticated, and hidden in production unless enabled."""

import pytest
from apitest import ClientFactory


async def test_internal_info_names_the_model_and_environment(make_client: ClientFactory) -> None:
    async with make_client() as client:
        response = await client.get("/internal/info")
    assert response.status_code == 200
    assert response.json()["model"] == "local"
    assert response.json()["environment"] == "testing"


@pytest.mark.parametrize(("enabled", "status"), [(None, 404), (False, 404), (True, 200)])
async def test_production_hides_internal_unless_enabled(
    make_client: ClientFactory, enabled: bool | None, status: int
) -> None:
    admin = "admin-key-0123456789"
    async with make_client(
        client_key=admin,
        environment="production",
        internal_api_enabled=enabled,
        internal_api_keys=admin,
    ) as client:
        response = await client.get("/internal/info")
    assert response.status_code == status


async def test_development_can_switch_internal_off(make_client: ClientFactory) -> None:
    async with make_client(environment="development", internal_api_enabled=False) as client:
        assert (await client.get("/internal/info")).status_code == 404
