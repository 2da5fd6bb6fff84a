"""Requests and responses of the v1 text-processing API."""

from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Any, Literal, Self

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticSerializationError, to_json

MIN_TEXT_LENGTH = 10
"""Shortest accepted text, counted after stripping surrounding whitespace."""

MAX_QUESTION_LENGTH = 2_000

OPTION_LIMITS: dict[str, tuple[int, int]] = {
    "max_length": (10, 500),
    "max_points": (1, 20),
    "num_questions": (1, 20),
}
"""Inclusive (minimum, maximum) of each processing option."""

_BoundedMaxLength = Annotated[
    int, Field(ge=OPTION_LIMITS["max_length"][0], le=OPTION_LIMITS["max_length"][1], strict=True)
]
_BoundedMaxPoints = Annotated[
    int, Field(ge=OPTION_LIMITS["max_points"][0], le=OPTION_LIMITS["max_points"][1], strict=True)
]
_BoundedNumQuestions = Annotated[
    int,
    Field(ge=OPTION_LIMITS["num_questions"][0], le=OPTION_LIMITS["num_questions"][1], strict=True),
]


def _valid_unicode(value: str) -> str:
    # JSON can spell an unpaired surrogate (`"\\ud800"`) that no UTF-8 encodes: such a text could
    # be neither hashed, stored nor sent to a model, so it is refused here rather than fail later.
    try:
        value.encode()
    except UnicodeEncodeError as exc:
        raise ValueError(
            f"contains an unpaired surrogate (U+{ord(value[exc.start]):04X}) at character "
            f"{exc.start}, which is not valid Unicode"
        ) from None
    return value


UnicodeStr = Annotated[str, AfterValidator(_valid_unicode)]
"""A string that encodes as UTF-8: no unpaired surrogates."""


class TextProcessingOperation(StrEnum):
    """The operations the API offers."""

    SUMMARIZE = "summarize"
    SENTIMENT = "sentiment"
    KEY_POINTS = "key_points"
    QUESTIONS = "questions"
    QA = "qa"


class ProcessingOptions(BaseModel):
    """Per-operation options; each applies to one operation and is ignored by the others."""

    model_config = ConfigDict(extra="forbid")

    max_length: _BoundedMaxLength | None = Field(
        default=None, description="summarize: longest summary, in words"
    )
    max_points: _BoundedMaxPoints | None = Field(
        default=None, description="key_points: most points returned"
    )
    num_questions: _BoundedNumQuestions | None = Field(
        default=None, description="questions: how many questions to generate"
    )


def utcnow() -> datetime:
    """The current time, timezone-aware."""
    return datetime.now(UTC)


class TextProcessingRequest(BaseModel):
    """One text and the operation to run on it."""

    model_config = ConfigDict(extra="forbid")

    text: UnicodeStr = Field(
        description=f"The text to process: at least {MIN_TEXT_LENGTH} characters after stripping; "
        "the server states its upper bound in GET /v1/text_processing/operations."
    )
    operation: TextProcessingOperation
    question: Annotated[UnicodeStr, StringConstraints(max_length=MAX_QUESTION_LENGTH)] | None = (
        Field(default=None, description="Required for qa; ignored otherwise.")
    )
    options: ProcessingOptions = Field(default_factory=ProcessingOptions)
    user_metadata: dict[str, Any] | None = None

    @field_validator("text")
    @classmethod
    def _text_has_content(cls, text: str) -> str:
        # Checked on the stripped length, but the text itself is kept exactly as sent.
        if len(text.strip()) < MIN_TEXT_LENGTH:
            raise ValueError(
                f"text must be at least {MIN_TEXT_LENGTH} characters long, "
                "not counting leading and trailing whitespace"
            )
        return text

    @field_validator("user_metadata")
    @classmethod
    def _metadata_is_json(cls, metadata: dict[str, Any] | None) -> dict[str, Any] | None:
        # Kept and stored with batch jobs, so it must serialise: no unpaired surrogates inside.
        if metadata is not None:
            try:
                to_json(metadata)
            except PydanticSerializationError:
                raise ValueError(
                    "must be JSON with valid Unicode strings (no unpaired surrogates)"
                ) from None
        return metadata

    @field_validator("options", mode="before")
    @classmethod
    def _null_options_are_empty(cls, options: object) -> object:
        return {} if options is None else options

    @model_validator(mode="after")
    def _qa_needs_question(self) -> Self:
        if self.operation is TextProcessingOperation.QA and not (
            self.question and self.question.strip()
        ):
            raise ValueError("question is required for the qa operation")
        return self


class SentimentResult(BaseModel):
    """The sentiment of a text."""

    sentiment: Literal["positive", "negative", "neutral", "mixed"]
    confidence: float = Field(ge=0.0, le=1.0)
    explanation: str


class TextProcessingResponse(BaseModel):
    """The outcome of one processed text."""

    operation: TextProcessingOperation
    success: bool = True
    result: str | None = Field(default=None, description="summarize and qa answer here")
    sentiment: SentimentResult | None = None
    key_points: list[str] | None = None
    questions: list[str] | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)
    # Infinity would serialise as null and not read back; no real duration is infinite.
    processing_time: float | None = Field(
        default=None, ge=0.0, allow_inf_nan=False, description="seconds"
    )
    timestamp: AwareDatetime = Field(default_factory=utcnow)
    cache_hit: bool | None = None


class BatchTextProcessingRequest(BaseModel):
    """Several process requests run as one batch."""

    model_config = ConfigDict(extra="forbid")

    requests: list[TextProcessingRequest] = Field(
        min_length=1,
        description="The server states its largest batch in GET /v1/text_processing/operations.",
    )
    batch_id: (
        Annotated[
            str, StringConstraints(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_.:-]+$")
        ]
        | None
    ) = None


class BatchItemStatus(StrEnum):
    """Where one batch item stands."""

    PENDING = "pending"
    PROCESSING = "processing"
    COMPLETED = "completed"
    FAILED = "failed"


class BatchTextProcessingItem(BaseModel):
    """The outcome of one request in a batch."""

    request_index: int = Field(ge=0)
    status: BatchItemStatus
    response: TextProcessingResponse | None = None
    error: str | None = None


class BatchTextProcessingResponse(BaseModel):
    """The outcome of a whole batch."""

    batch_id: str
    total_requests: int = Field(ge=0)
    completed: int = Field(ge=0)
    failed: int = Field(ge=0)
    results: list[BatchTextProcessingItem]
    total_processing_time: float = Field(ge=0.0, allow_inf_nan=False, description="seconds")
    timestamp: AwareDatetime = Field(default_factory=utcnow)
