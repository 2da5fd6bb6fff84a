"""Responses of the v1 service endpoints: health, auth status, operations, errors."""

from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, Field

from llm_starter_models.text import utcnow


class HealthResponse(BaseModel):
    """GET /v1/health: the template-compatible health summary."""

    status: Literal["healthy", "degraded", "unhealthy"]
    timestamp: AwareDatetime = Field(default_factory=utcnow)
    version: str
    ai_model_available: bool
    resilience_healthy: bool | None = None
    cache_healthy: bool | None = None


class AuthStatusResponse(BaseModel):
    """GET /v1/auth/status: whether the caller is authenticated; never echoes key material."""

    authenticated: bool
    api_key_prefix: None = Field(default=None, description="always null: keys are never echoed")
    message: str


class OptionSpec(BaseModel):
    """One option of an operation, with its type, bounds and default."""

    name: str
    type: Literal["integer", "number", "string", "boolean"] = "integer"
    minimum: float | None = None
    maximum: float | None = None
    default: Any = None
    choices: list[str] | None = Field(default=None, description="the allowed values, if listed")
    description: str = ""


class OperationInfo(BaseModel):
    """One operation as clients build their widgets from it."""

    id: str
    name: str
    description: str
    options: list[str]
    requires_question: bool = False
    option_specs: list[OptionSpec] = Field(default_factory=list)
    streams: bool = Field(default=False, description="whether POST /process/stream runs it")
    output_field: str = Field(default="output", description="the response field holding its answer")
    output_schema: dict[str, Any] | None = Field(
        default=None, description="JSON Schema of its answer, for operations answering in `output`"
    )


class OperationsResponse(BaseModel):
    """GET /v1/text_processing/operations, with the server's input limits."""

    operations: list[OperationInfo]
    max_text_length: int = Field(description="longest accepted text, in characters")
    max_batch_size: int = Field(description="most requests accepted in one batch")


class ErrorResponse(BaseModel):
    """The one error body every failing request gets."""

    success: Literal[False] = False
    error: str = Field(description="a message safe to show to the user")
    error_code: str
    details: dict[str, Any] | None = None
    request_id: str | None = None
    timestamp: AwareDatetime = Field(default_factory=utcnow)
