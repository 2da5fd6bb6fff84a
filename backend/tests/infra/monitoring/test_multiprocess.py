"""Multiprocess mode: with PROMETHEUS_MULTIPROC_DIR, the exposition adds up every worker."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from waits import PATIENCE

from llm_starter_api.infra.monitoring.metrics import exposition

pytestmark = pytest.mark.slow

# A worker: counts three requests and one model call, as the middleware and service would.
WORKER = """
from llm_starter_api.infra.monitoring.metrics import HTTP_REQUESTS, record_breaker_state
from llm_starter_api.infra.monitoring.llm import record_llm_call
for _ in range(3):
    HTTP_REQUESTS.labels("GET", "/v1/health", "200").inc()
record_llm_call(model="local", operation="summarize", seconds=0.1, outcome="ok")
record_breaker_state("local", "open" if {worker} == 1 else "closed")
"""


def test_counts_from_several_workers_add_up(tmp_path: Path) -> None:
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    for worker in range(2):
        subprocess.run(
            [sys.executable, "-c", WORKER.format(worker=worker)],
            env=env,
            check=True,
            timeout=PATIENCE,
        )
    text = exposition(str(tmp_path)).decode()
    assert 'http_requests_total{method="GET",route="/v1/health",status="200"} 6.0' in text
    assert 'llm_calls_total{model="local",operation="summarize",outcome="ok"} 2.0' in text
    # Live gauges of exited workers are dropped only when marked dead; until then: the worst.
    assert 'circuit_breaker_state{breaker="local"} 2.0' in text
