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
    UnexpectedModelBehavior,
)

from llm_starter_api.errors import AppError, ProviderRejected, ProviderUnavailable

_TRANSIENT = (
    TimeoutError,
    ModelRateLimitError,
    ModelUnavailableError,
    ModelServerError,
    ModelConnectionError,
    ModelRequestTimeout,
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
    if isinstance(exc, UnexpectedModelBehavior):
        return ProviderRejected("The language model returned an invalid answer")
    if isinstance(exc, ModelAPIError):
        return ProviderRejected()
    return AppError()
