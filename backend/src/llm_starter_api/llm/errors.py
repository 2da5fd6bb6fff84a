"""Provider failures sorted into transient (retry later) and permanent (fix the request)."""

from pydantic_ai.exceptions import (
    ModelAPIError,
    ModelAuthenticationError,
    ModelConnectionError,
    ModelHTTPError,
    ModelNotFoundError,
    ModelQuotaExceededError,
    ModelRateLimitError,
    ModelRequestTimeout,
    ModelServerError,
    ModelUnavailableError,
    ToolRetryError,
    UnexpectedModelBehavior,
)
from pydantic_core import ValidationError

from llm_starter_api.errors import (
    AppError,
    InvalidModelOutput,
    ProviderRejected,
    ProviderUnavailable,
)

_TRANSIENT = (
    TimeoutError,
    ModelRateLimitError,
    ModelUnavailableError,
    ModelServerError,
    ModelConnectionError,
    ModelRequestTimeout,
)


class InvalidOutput(UnexpectedModelBehavior):
    """A model answered, but not validly, in every output mode tried: a capability problem of
    that model (fallback models may do better), not an outage."""

    def __init__(
        self, *, model: str, operation: str, modes: tuple[str, ...], reason: str, excerpt: str
    ) -> None:
        super().__init__(f"{model} gave no valid {operation} answer ({', '.join(modes)}): {reason}")
        self.model = model
        self.operation = operation
        self.modes = modes
        self.reason = reason
        self.excerpt = excerpt

    def details(self) -> dict[str, object]:
        """What a client and the log may know: never the request, only a bounded excerpt."""
        details: dict[str, object] = {
            "operation": self.operation,
            "model": self.model,
            "output_modes": list(self.modes),
            "reason": self.reason,
        }
        if self.excerpt:
            details["excerpt"] = self.excerpt
        return details


def invalid_output(
    exc: UnexpectedModelBehavior,
    *,
    model: str,
    operation: str,
    modes: tuple[str, ...],
    excerpt_chars: int,
) -> InvalidOutput:
    """Why the answer was refused (from pydantic-ai's validation), with at most `excerpt_chars`
    of it (0: none)."""
    problems: list[dict[str, object]] = []
    cause = exc.__cause__
    feedback = getattr(cause.tool_retry, "content", "") if isinstance(cause, ToolRetryError) else ""
    if isinstance(cause, ValidationError):
        problems = [dict(error) for error in cause.errors(include_url=False)]
    elif isinstance(feedback, list):
        problems = [dict(error) for error in feedback if isinstance(error, dict)]
    if not problems:
        text = str(feedback or exc)
        return InvalidOutput(
            model=model, operation=operation, modes=modes, reason=text[:200], excerpt=""
        )
    reasons = []
    for problem in problems[:3]:
        loc = problem.get("loc")
        where = ".".join(str(part) for part in loc) if isinstance(loc, tuple) and loc else "answer"
        message = str(problem.get("msg", "invalid"))
        if problem.get("type") == "json_invalid":
            message = f"not the JSON asked for ({message})"
        reasons.append(f"{where}: {message}")
    raw = problems[0].get("input")
    excerpt = raw[:excerpt_chars] if isinstance(raw, str) and excerpt_chars > 0 else ""
    return InvalidOutput(
        model=model, operation=operation, modes=modes, reason="; ".join(reasons), excerpt=excerpt
    )


def is_transient(exc: BaseException) -> bool:
    """Whether a failure may pass by itself: timeouts, 429, 5xx, connection errors."""
    if isinstance(exc, _TRANSIENT):
        return True
    if isinstance(exc, ModelHTTPError):
        return exc.status_code in (408, 409, 429) or exc.status_code >= 500
    return False


def to_app_error(exc: BaseException) -> AppError:
    """The API error for a failed model call; never carries the provider's body or keys."""
    if is_transient(exc):
        retry_after = exc.retry_after if isinstance(exc, ModelAPIError) else None
        return ProviderUnavailable(retry_after=retry_after or 5.0)
    if isinstance(exc, ModelAuthenticationError):
        return ProviderRejected("The provider refused the credentials: check the provider API key")
    if isinstance(exc, ModelNotFoundError):
        return ProviderRejected("The provider does not know the configured model: check LLM_MODEL")
    if isinstance(exc, ModelQuotaExceededError):
        return ProviderRejected("The provider account's quota or billing is exhausted")
    if isinstance(exc, ModelHTTPError):
        return ProviderRejected(
            f"The language model provider rejected the request (HTTP {exc.status_code})"
        )
    if isinstance(exc, InvalidOutput):
        return InvalidModelOutput(
            f"The language model gave no valid {exc.operation} answer: {exc.reason}",
            details=exc.details(),
        )
    if isinstance(exc, UnexpectedModelBehavior):
        return InvalidModelOutput(details={"reason": str(exc)[:200]})
    if isinstance(exc, ModelAPIError):
        return ProviderRejected()
    return AppError()
