"""The internal resilience API: configuration, metrics, breakers and their reset, behind the API key."""

from collections.abc import AsyncIterator

import httpx
import pytest
from apitest import ClientFactory, make_settings, serve

from llm_starter_api.infra.resilience.calls import Resilience
from llm_starter_api.infra.resilience.policy import STRATEGIES
from llm_starter_api.main import create_app

BASE = "/internal/resilience"
PROCESS = "/v1/text_processing/process"
TEXT = "Tides rise and fall twice a day along most coasts of the world."


@pytest.fixture
async def app_and_resilience() -> AsyncIterator[tuple[httpx.AsyncClient, Resilience[object]]]:
    app = create_app(make_settings(llm_fallback_models="ollama:llama3.2"))
    async with serve(app) as client:
        yield client, app.state.resources.resilience


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", f"{BASE}/health"),
        ("GET", f"{BASE}/config"),
        ("GET", f"{BASE}/metrics"),
        ("GET", f"{BASE}/circuit-breakers"),
        ("POST", f"{BASE}/circuit-breakers/local/reset"),
    ],
)
async def test_resilience_routes_need_the_api_key(
    make_client: ClientFactory, method: str, path: str
) -> None:
    async with make_client(client_key=None) as client:
        response = await client.request(method, path)
    assert response.status_code == 401


async def test_config_shows_the_effective_strategy_of_each_operation(
    make_client: ClientFactory,
) -> None:
    async with make_client(
        resilience_preset="production",
        llm_fallback_models="local,ollama:llama3.2",
        llm_output_modes={"local": "native"},
    ) as client:
        config = (await client.get(f"{BASE}/config")).json()

    assert config["preset"] == "production"
    # As set; ollama:llama3.2 still probes (auto) until a structured answer teaches it a mode.
    assert config["output_modes"] == {"local": "native", "ollama:llama3.2": "auto"}
    assert config["models"] == ["local", "ollama:llama3.2"]  # LLM_MODEL is not repeated
    assert config["breaker_state"] == "memory"
    assert config["operations"]["sentiment"] == STRATEGIES["aggressive"].as_dict()
    # Conservative, written for LLM_TIMEOUT_SECONDS of 30 s (the default here: LLM_MODEL is local).
    assert config["operations"]["qa"]["deadline"] == 30.0
    assert config["default"]["failure_threshold"] == STRATEGIES["balanced"].failure_threshold


async def test_metrics_count_calls_per_operation_and_list_every_breaker(
    app_and_resilience: tuple[httpx.AsyncClient, Resilience[object]],
) -> None:
    client, _ = app_and_resilience
    await client.post(PROCESS, json={"text": TEXT, "operation": "summarize"})

    metrics = (await client.get(f"{BASE}/metrics")).json()

    summarize = metrics["operations"]["summarize"]
    assert (summarize["calls"], summarize["successes"], summarize["retries"]) == (1, 1, 0)
    breakers = {b["name"]: b for b in metrics["breakers"]}
    assert set(breakers) == {"local", "ollama:llama3.2"}
    assert (breakers["local"]["state"], breakers["local"]["calls"]) == ("closed", 1)


async def test_an_open_breaker_shows_everywhere_until_reset(
    app_and_resilience: tuple[httpx.AsyncClient, Resilience[object]],
) -> None:
    client, resilience = app_and_resilience
    for _ in range(resilience.policy.default.failure_threshold):
        await resilience.breakers["ollama:llama3.2"].record_failure()

    breakers = (await client.get(f"{BASE}/circuit-breakers")).json()["breakers"]
    health = (await client.get(f"{BASE}/health")).json()
    public = (await client.get("/v1/health")).json()
    reset = await client.post(f"{BASE}/circuit-breakers/ollama:llama3.2/reset")
    after = (await client.get(f"{BASE}/health")).json()

    assert {b["name"]: b["state"] for b in breakers} == {
        "local": "closed",
        "ollama:llama3.2": "open",
    }
    assert health == {"healthy": False, "open_breakers": ["ollama:llama3.2"]}
    assert public["resilience_healthy"] is False
    assert reset.status_code == 200
    assert (reset.json()["state"], reset.json()["failures_in_window"]) == ("closed", 0)
    assert after == {"healthy": True, "open_breakers": []}


async def test_resetting_an_unknown_breaker_is_404(make_client: ClientFactory) -> None:
    async with make_client() as client:
        response = await client.post(f"{BASE}/circuit-breakers/openai:nope/reset")
    assert response.status_code == 404
    assert response.json()["error_code"] == "not_found"
