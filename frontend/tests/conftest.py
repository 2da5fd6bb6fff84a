"""Frontend fixtures: a fake v1 backend behind httpx.MockTransport, and clean settings."""

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest

# The backend tests' fixture for child processes (reaped after each test), for the e2e test.
from spawn import spawn  # noqa: F401

from llm_starter_models import (
    OPTION_LIMITS,
    BatchItemStatus,
    BatchTextProcessingItem,
    BatchTextProcessingRequest,
    BatchTextProcessingResponse,
    ErrorResponse,
    JobProgress,
    JobResponse,
    JobState,
    OperationInfo,
    OperationsResponse,
    OptionSpec,
    SentimentResult,
    TextProcessingRequest,
    TextProcessingResponse,
)
from llm_starter_models import TextProcessingOperation as Op

type Route = Callable[[httpx.Request], httpx.Response]

JOBS = "/v1/text_processing/jobs"
JOB_ID = "job-1"

OPTION_OF = {Op.SUMMARIZE: "max_length", Op.KEY_POINTS: "max_points", Op.QUESTIONS: "num_questions"}
DEFAULTS = {"max_length": 100, "max_points": 5, "num_questions": 5}


def catalog(*, max_text_length: int = 50_000, max_batch_size: int = 50) -> OperationsResponse:
    """The operations as the real backend lists them."""
    operations = []
    for op in Op:
        option = OPTION_OF.get(op)
        specs = []
        if option:
            low, high = OPTION_LIMITS[option]
            specs = [
                OptionSpec(
                    name=option,
                    minimum=low,
                    maximum=high,
                    default=DEFAULTS[option],
                    description=option,
                )
            ]
        operations.append(
            OperationInfo(
                id=op,
                name=op.value.replace("_", " ").title(),
                description=f"does {op.value}",
                options=[spec.name for spec in specs],
                requires_question=op is Op.QA,
                option_specs=specs,
                streams=op in (Op.SUMMARIZE, Op.QA),
            )
        )
    return OperationsResponse(
        operations=operations, max_text_length=max_text_length, max_batch_size=max_batch_size
    )


def answer(request: TextProcessingRequest) -> TextProcessingResponse:
    """A recognisable response per operation."""
    first = request.text.split()[0]
    fields: dict[str, Any] = {}
    match request.operation:
        case Op.SUMMARIZE:
            fields["result"] = f"Summary of {first}"
        case Op.QA:
            fields["result"] = f"Answer to {request.question}"
        case Op.SENTIMENT:
            fields["sentiment"] = SentimentResult(
                sentiment="positive", confidence=0.87, explanation="Warm words throughout."
            )
        case Op.KEY_POINTS:
            fields["key_points"] = ["First point", "Second point"]
        case Op.QUESTIONS:
            fields["questions"] = ["Why?", "How?"]
    return TextProcessingResponse(
        operation=request.operation,
        metadata={"model": "fake-model", "word_count": len(request.text.split())},
        processing_time=0.25,
        cache_hit=False,
        **fields,
    )


def sse(*events: tuple[str, Any]) -> bytes:
    """An event-stream body."""
    return "".join(f"event: {kind}\ndata: {json.dumps(data)}\n\n" for kind, data in events).encode()


class FakeMetrics:
    """The backend's request metrics, same names, labels and buckets, in a registry of their own."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "http_requests", "requests", ["method", "route", "status"], registry=self.registry
        )
        self.duration = Histogram(
            "http_request_duration_seconds",
            "latency",
            ["method", "route"],
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0),
            registry=self.registry,
        )

    def served(
        self, route: str, *, seconds: float, status: int = 200, times: int = 1, method: str = "POST"
    ) -> None:
        """Count `times` requests to `route` that took `seconds` each."""
        for _ in range(times):
            self.requests.labels(method, route, str(status)).inc()
            self.duration.labels(method, route).observe(seconds)

    def text(self) -> str:
        return generate_latest(self.registry).decode()


class FakeBackend:
    """Answers like the v1 API; tests replace `routes` entries to script other answers."""

    def __init__(self) -> None:
        self.catalog = catalog()
        self.requests: list[httpx.Request] = []
        self.routes: dict[tuple[str, str], Route] = {
            ("GET", "/v1/health"): lambda r: self.json(
                {"status": "healthy", "version": "9.9.9", "ai_model_available": True}
            ),
            ("GET", "/v1/auth/status"): lambda r: self.json(
                {"authenticated": True, "api_key_prefix": None, "message": "API key accepted"}
            ),
            ("GET", "/v1/text_processing/operations"): lambda r: self.json(self.catalog),
            ("POST", "/v1/text_processing/process"): self._process,
            ("POST", "/v1/text_processing/batch_process"): self._batch,
            ("POST", "/v1/text_processing/process/stream"): self._stream,
            ("POST", JOBS): self._submit_job,
            ("GET", f"{JOBS}/{JOB_ID}"): lambda r: self.json(self._job_view()),
            ("DELETE", f"{JOBS}/{JOB_ID}"): self._cancel_job,
        }
        self.metrics = FakeMetrics()
        self.routes[("GET", "/metrics")] = lambda r: httpx.Response(200, text=self.metrics.text())
        self.job: BatchTextProcessingRequest | None = None
        self.job_state = JobState.COMPLETED
        self.job_created_at = datetime(2030, 1, 2, 3, 4, tzinfo=UTC)
        self.job_expires_at = self.job_created_at + timedelta(days=1)
        """What GET answers once a job was submitted: its results are there when completed."""

    @property
    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        route = self.routes.get((request.method, request.url.path))
        if route is None:
            return self.error(404, "not_found", "Not Found")
        return route(request)

    def sent(self, path: str) -> list[httpx.Request]:
        return [request for request in self.requests if request.url.path == path]

    @staticmethod
    def json(body: Any, status: int = 200) -> httpx.Response:
        if hasattr(body, "model_dump"):
            body = body.model_dump(mode="json")
        return httpx.Response(status, json=body)

    @staticmethod
    def error(
        status: int,
        code: str,
        message: str,
        *,
        problems: list[dict[str, str]] | None = None,
        retry_after: int | None = None,
    ) -> httpx.Response:
        body = ErrorResponse(
            error=message,
            error_code=code,
            details={"errors": problems} if problems else None,
            request_id="req-123",
        )
        headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
        return httpx.Response(status, json=body.model_dump(mode="json"), headers=headers)

    sse = staticmethod(sse)

    def fail(self, method: str, path: str, response: httpx.Response) -> None:
        """Make every call to the route answer `response`."""
        self.routes[(method, path)] = lambda r: response

    def _process(self, request: httpx.Request) -> httpx.Response:
        return self.json(answer(TextProcessingRequest.model_validate_json(request.content)))

    def _batch(self, request: httpx.Request) -> httpx.Response:
        batch = BatchTextProcessingRequest.model_validate_json(request.content)
        items = []
        for index, item in enumerate(batch.requests):
            if "FAIL" in item.text:
                items.append(
                    BatchTextProcessingItem(
                        request_index=index, status=BatchItemStatus.FAILED, error="model failed"
                    )
                )
            else:
                items.append(
                    BatchTextProcessingItem(
                        request_index=index, status=BatchItemStatus.COMPLETED, response=answer(item)
                    )
                )
        failed = sum(item.status is BatchItemStatus.FAILED for item in items)
        return self.json(
            BatchTextProcessingResponse(
                batch_id="b1",
                total_requests=len(items),
                completed=len(items) - failed,
                failed=failed,
                results=items,
                total_processing_time=0.5,
            )
        )

    def _stream(self, request: httpx.Request) -> httpx.Response:
        parsed = TextProcessingRequest.model_validate_json(request.content)
        final = answer(parsed)
        words = (final.result or "").split(" ")
        chunks = [word if i == 0 else f" {word}" for i, word in enumerate(words)]
        body = sse(
            *(("delta", {"text": chunk}) for chunk in chunks),
            ("done", final.model_dump(mode="json")),
        )
        return httpx.Response(200, content=body, headers={"content-type": "text/event-stream"})

    def _job_view(self, state: JobState | None = None) -> JobResponse:
        assert self.job is not None, "no job was submitted"
        state = state or self.job_state
        done = state is JobState.COMPLETED
        results = [
            BatchTextProcessingItem(
                request_index=index, status=BatchItemStatus.COMPLETED, response=answer(item)
            )
            for index, item in enumerate(self.job.requests)
            if done
        ]
        now = self.job_created_at
        return JobResponse(
            job_id=JOB_ID,
            state=state,
            progress=JobProgress(done=len(results), failed=0, total=len(self.job.requests)),
            results=results,
            created_at=now,
            expires_at=self.job_expires_at,
            links={"self": f"{JOBS}/{JOB_ID}"},
        )

    def _submit_job(self, request: httpx.Request) -> httpx.Response:
        self.job = BatchTextProcessingRequest.model_validate_json(request.content)
        return self.json(self._job_view(JobState.QUEUED), status=202)

    def _cancel_job(self, request: httpx.Request) -> httpx.Response:
        self.job_state = JobState.CANCELLED
        return self.json(self._job_view())


@pytest.fixture
def fake() -> FakeBackend:
    return FakeBackend()


@pytest.fixture(autouse=True)
def clean_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No frontend variable or .env of the developer's leaks into a test."""
    for name in ("BACKEND_URL", "FRONTEND_API_KEY", "FRONTEND_TIMEOUT_SECONDS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
