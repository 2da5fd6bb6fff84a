"""Schemathesis against the app's own OpenAPI: every operation with every check, then the links
between them (a job submitted, read and cancelled; a batch and its status), no exclusions."""

import os
import uuid
from typing import Any

import pytest
import schemathesis
from apitest import API_KEY, make_settings
from hypothesis import HealthCheck, settings

from llm_starter_api.main import create_app

# Rate limits off: the fuzzer's burst would otherwise be answered with (documented) 429s. Jobs and
# batch outcomes live in the shared Redis under a prefix of this run's own.
APP = create_app(
    make_settings(
        rate_limit_enabled=False,
        cache_preset="disabled",
        cache_redis_url="redis://127.0.0.1:6379/13",
        cache_key_prefix=f"fuzz-{uuid.uuid4().hex[:8]}",
    )
)
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)
SETTINGS = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "25")),
    # The same examples every run in CI; FUZZ_SEED=random explores new ones locally.
    derandomize=os.environ.get("FUZZ_SEED") != "random",
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


def _headers(case: Any) -> dict[str, str]:
    """The API key, and a fresh Idempotency-Key where the generated one is valid: generated keys
    repeat across different bodies, which the server rightly refuses (422)."""
    headers = {"X-API-Key": API_KEY}
    key = (case.headers or {}).get("Idempotency-Key")
    valid = isinstance(key, str) and key.isascii() and key.isprintable() and " " not in key
    if valid and 0 < len(key) <= 200:
        headers["Idempotency-Key"] = f"{key}-{uuid.uuid4().hex}"
    return headers


@pytest.mark.slow
@schema.parametrize()  # type: ignore[untyped-decorator]  # schemathesis' decorator is untyped
@SETTINGS
def test_every_operation_passes_every_check(case: Any) -> None:
    case.call_and_validate(headers=_headers(case))


Stateful = schema.as_state_machine()


class JobsAndBatches(Stateful):  # type: ignore[misc,valid-type]  # built at run time
    def get_call_kwargs(self, case: Any) -> dict[str, Any]:
        return {"headers": _headers(case)}


TestStatefulLinks = pytest.mark.slow(JobsAndBatches.TestCase)
TestStatefulLinks.settings = SETTINGS
