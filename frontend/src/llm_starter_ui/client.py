"""ApiClient: the typed HTTP client of the v1 API, with bounded retries; no Streamlit here."""

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Self

import httpx
from pydantic import BaseModel, ValidationError
from tenacity import RetryCallState, Retrying, retry_if_exception

from llm_starter_models import (
    AuthStatusResponse,
    BatchTextProcessingRequest,
    BatchTextProcessingResponse,
    HealthResponse,
    JobResponse,
    OperationsResponse,
    TextProcessingRequest,
    TextProcessingResponse,
)
from llm_starter_ui.errors import ApiError, BackendUnreachable
from llm_starter_ui.sse import read_stream

type Sleep = Callable[[float], None]

PROCESS = "/v1/text_processing/process"
JOBS = "/v1/text_processing/jobs"


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How often and how long to retry connection failures and 503s."""

    attempts: int = 3
    max_wait: float = 10.0  # seconds of waiting in total, across all retries
    backoff: float = 0.5  # first wait when the server names none; doubles each retry


def _transient(exc: BaseException) -> bool:
    return isinstance(exc, BackendUnreachable) or (isinstance(exc, ApiError) and exc.status == 503)


class ApiClient:
    """One `httpx.Client` to the backend; every method returns shared models or raises ApiError."""

    def __init__(
        self,
        base_url: str,
        *,
        api_key: str | None = None,
        timeout: float = 60.0,
        transport: httpx.BaseTransport | None = None,
        retry: RetryPolicy = RetryPolicy(),
        sleep: Sleep = time.sleep,
    ) -> None:
        self.base_url = base_url
        self.retry = retry
        self._sleep = sleep
        self._http = httpx.Client(
            base_url=base_url,
            headers={"X-API-Key": api_key} if api_key else {},
            timeout=httpx.Timeout(timeout, connect=min(timeout, 5.0)),
            transport=transport,
        )

    def _wait(self, state: RetryCallState) -> float:
        # Retry-After from the server beats our backoff.
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, ApiError) and exc.retry_after is not None:
            return exc.retry_after
        return float(self.retry.backoff * 2 ** (state.attempt_number - 1))

    def _stop(self, state: RetryCallState) -> bool:
        # A wait past the budget is not worth blocking for: the caller shows "retry after N s".
        over_budget = state.idle_for + state.upcoming_sleep > self.retry.max_wait
        return state.attempt_number >= self.retry.attempts or over_budget

    def _retrying(self) -> Retrying:
        return Retrying(
            retry=retry_if_exception(_transient),
            wait=self._wait,
            stop=self._stop,
            sleep=self._sleep,
            reraise=True,
        )

    def _send_once(self, request: httpx.Request, *, stream: bool = False) -> httpx.Response:
        try:
            response = self._http.send(request, stream=stream)
        except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
            raise BackendUnreachable(self.base_url, str(exc) or type(exc).__name__) from exc
        except httpx.TimeoutException as exc:
            raise ApiError(None, "timeout", "The backend did not answer in time") from exc
        except httpx.TransportError as exc:
            raise ApiError(None, "transport_error", f"The connection failed: {exc}") from exc
        if response.is_error:
            response.read()
            response.close()
            raise ApiError.from_response(response)
        return response

    def _send(self, request: httpx.Request, *, stream: bool = False) -> httpx.Response:
        return self._retrying()(self._send_once, request, stream=stream)

    def _call[M: BaseModel](self, model: type[M], method: str, path: str, body: Any = None) -> M:
        response = self._send(self._http.build_request(method, path, json=body))
        try:
            return model.model_validate_json(response.content)
        except ValidationError as exc:
            message = f"The backend answered {path} in an unexpected shape"
            raise ApiError(response.status_code, "invalid_response", message) from exc

    def health(self) -> HealthResponse:
        """GET /v1/health."""
        return self._call(HealthResponse, "GET", "/v1/health")

    def auth_status(self) -> AuthStatusResponse:
        """GET /v1/auth/status."""
        return self._call(AuthStatusResponse, "GET", "/v1/auth/status")

    def operations(self) -> OperationsResponse:
        """The operations, their options and the server's input limits."""
        return self._call(OperationsResponse, "GET", "/v1/text_processing/operations")

    def process(self, request: TextProcessingRequest) -> TextProcessingResponse:
        """Run one operation on one text."""
        return self._call(TextProcessingResponse, "POST", PROCESS, _body(request))

    def batch_process(self, batch: BatchTextProcessingRequest) -> BatchTextProcessingResponse:
        """Run several requests as one batch."""
        path = "/v1/text_processing/batch_process"
        return self._call(BatchTextProcessingResponse, "POST", path, _body(batch))

    def batch_status(self, batch_id: str) -> BatchTextProcessingResponse:
        """The stored outcome of a finished batch."""
        path = f"/v1/text_processing/batch_status/{batch_id}"
        return self._call(BatchTextProcessingResponse, "GET", path)

    def submit_job(self, batch: BatchTextProcessingRequest) -> JobResponse:
        """Queue a batch as a background job (202); poll it with `job`."""
        return self._call(JobResponse, "POST", JOBS, _body(batch))

    def job(self, job_id: str) -> JobResponse:
        """A job's state, progress and the item outcomes stored so far."""
        return self._call(JobResponse, "GET", f"{JOBS}/{job_id}")

    def cancel_job(self, job_id: str) -> JobResponse:
        """Cancel a job; the outcomes stored so far stay readable."""
        return self._call(JobResponse, "DELETE", f"{JOBS}/{job_id}")

    def internal(self, path: str) -> Any:
        """The JSON of an internal (admin) endpoint, whose shape this client does not fix."""
        return self._send(self._http.build_request("GET", path)).json()

    def metrics(self) -> str:
        """GET /metrics: the Prometheus text exposition (the same key as the API)."""
        return self._send(self._http.build_request("GET", "/metrics")).text

    def stream(self, request: TextProcessingRequest) -> Iterator[str | TextProcessingResponse]:
        """Text chunks as the server sends them, then the final response."""
        headers = {"Accept": "text/event-stream", "Cache-Control": "no-store"}
        built = self._http.build_request(
            "POST", f"{PROCESS}/stream", json=_body(request), headers=headers
        )
        # Only opening the stream is retried: once text has arrived, a retry would repeat it.
        response = self._send(built, stream=True)
        try:
            yield from read_stream(response)
        finally:
            response.close()

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def _body(model: BaseModel) -> Any:
    return model.model_dump(mode="json", exclude_none=True)
