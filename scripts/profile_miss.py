"""Profile cache misses through the app in-process (cProfile), against the fake OpenAI server.

    uv run python scripts/profile_miss.py [--calls 300] [--operation sentiment] [--top 40]

Prints the functions taking the most cumulative and own time over `--calls` misses (each a new
text), after a warm-up: where a miss's time goes, to decide what to take off the hot path.
"""

import argparse
import asyncio
import cProfile
import pstats
import sys
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "backend" / "tests"))

from apitest import make_settings
from fakes.openai_server import FakeOpenAI
from pydantic_ai.models import override_allow_model_requests

from llm_starter_api.main import create_app

TEXT = "The harbour reopened after the storm and the ferries ran on time again."


async def misses(url: str, operation: str, calls: int, profile: cProfile.Profile) -> None:
    settings = make_settings(
        llm_model="openai:fake-model",
        openai_base_url=url,
        llm_output_mode="tool",
        rate_limit_enabled=False,
        log_level="WARNING",
    )
    app = create_app(settings)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app),
            base_url="http://profile",
            headers={"X-API-Key": settings.api_keys[0]},
        ) as client,
    ):

        async def post(n: int) -> None:
            body = {"text": f"{TEXT} {n}", "operation": operation, "question": "Which harbour?"}
            response = await client.post("/v1/text_processing/process", json=body)
            response.raise_for_status()

        for n in range(20):  # warm-up: first-call imports and caches stay out of the profile
            await post(-n - 1)
        profile.enable()
        for n in range(calls):
            await post(n)
        profile.disable()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--operation", default="sentiment")
    parser.add_argument("--top", type=int, default=40)
    args = parser.parse_args()
    profile = cProfile.Profile()
    with override_allow_model_requests(True), FakeOpenAI.running() as provider:
        asyncio.run(misses(provider.url, args.operation, args.calls, profile))
    stats = pstats.Stats(profile).strip_dirs()
    stats.sort_stats("cumulative").print_stats(args.top)
    stats.sort_stats("tottime").print_stats(args.top)


if __name__ == "__main__":
    main()
