"""The public v1 API's Pydantic models, shared by the backend and the frontend."""

from llm_starter_models.jobs import JobProgress, JobResponse, JobState
from llm_starter_models.service import (
    AuthStatusResponse,
    ErrorResponse,
    HealthResponse,
    OperationInfo,
    OperationsResponse,
    OptionSpec,
)
from llm_starter_models.text import (
    MIN_TEXT_LENGTH,
    OPTION_LIMITS,
    BatchItemStatus,
    BatchTextProcessingItem,
    BatchTextProcessingRequest,
    BatchTextProcessingResponse,
    ProcessingOptions,
    SentimentResult,
    TextProcessingOperation,
    TextProcessingRequest,
    TextProcessingResponse,
)

__all__ = [
    "MIN_TEXT_LENGTH",
    "OPTION_LIMITS",
    "AuthStatusResponse",
    "BatchItemStatus",
    "BatchTextProcessingItem",
    "BatchTextProcessingRequest",
    "BatchTextProcessingResponse",
    "ErrorResponse",
    "HealthResponse",
    "JobProgress",
    "JobResponse",
    "JobState",
    "OperationInfo",
    "OperationsResponse",
    "OptionSpec",
    "ProcessingOptions",
    "SentimentResult",
    "TextProcessingOperation",
    "TextProcessingRequest",
    "TextProcessingResponse",
]
