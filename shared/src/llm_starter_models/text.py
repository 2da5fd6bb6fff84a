"""Requests and responses of the v1 text-processing API."""

from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
)
from pydantic_core import PydanticSerializationError, to_json

MIN_TEXT_LENGTH = 10
"""Shortest accepted text, counted after stripping surrounding whitespace."""

BLANK = r"\t\n\u000b\f\r\u001c-\u001f \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
"""What `str.strip()` strips, spelled for any regex dialect (ECMA's whitespace class differs: it
has U+FEFF and lacks U+001C-U+001F and U+0085)."""

TEXT_PATTERN = rf"^[{BLANK}]*[^{BLANK}][\s\S]{{{MIN_TEXT_LENGTH - 2},}}[^{BLANK}][{BLANK}]*$"
"""The same rule as JSON Schema can say it: MIN_TEXT_LENGTH characters from the first non-blank to
the last (the validator applies it; the pattern tells schema-driven clients)."""

OPERATION_ID = r"^[a-z][a-z0-9_]{0,63}$"
"""What an operation id looks like; the server lists its operations in GET /operations."""

MAX_QUESTION_LENGTH = 2_000

OPTION_LIMITS: dict[str, tuple[int, int]] = {
    "max_length": (10, 500),
    "max_points": (1, 20),
    "num_questions": (1, 20),
}
"""Inclusive (minimum, maximum) of each processing option."""


def _integral(value: object) -> object:
    # JSON Schema counts 12.0 as an integer, so a schema-driven client may send it; true or "12"
    # stay refused (strict).
    return int(value) if isinstance(value, float) and value.is_integer() else value


_Integral = BeforeValidator(_integral)
_BoundedMaxLength = Annotated[
    int,
    Field(ge=OPTION_LIMITS["max_length"][0], le=OPTION_LIMITS["max_length"][1], strict=True),
    _Integral,
]
_BoundedMaxPoints = Annotated[
    int,
    Field(ge=OPTION_LIMITS["max_points"][0], le=OPTION_LIMITS["max_points"][1], strict=True),
    _Integral,
]
_BoundedNumQuestions = Annotated[
    int,
    Field(ge=OPTION_LIMITS["num_questions"][0], le=OPTION_LIMITS["num_questions"][1], strict=True),
    _Integral,
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
    """The five operations every server offers (a server may add its own: see GET /operations)."""

    SUMMARIZE = "summarize"
    SENTIMENT = "sentiment"
    KEY_POINTS = "key_points"
    QUESTIONS = "questions"
    QA = "qa"


class ProcessingOptions(BaseModel):
    """The built-in operations' options; each applies to one operation and is ignored by the others."""

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


def _text_has_content(text: str) -> str:
    # Checked on the stripped length, but the text itself is kept exactly as sent.
    if len(text.strip()) < MIN_TEXT_LENGTH:
        raise ValueError(
            f"must be at least {MIN_TEXT_LENGTH} characters long, "
            "not counting leading and trailing whitespace"
        )
    return text


ProcessText = Annotated[
    UnicodeStr,
    AfterValidator(_text_has_content),
    Field(
        description=f"The text to process: at least {MIN_TEXT_LENGTH} characters after stripping; "
        "the server states its upper bound in GET /v1/text_processing/operations.",
        json_schema_extra={"pattern": TEXT_PATTERN},
    ),
]
"""A text to process: valid Unicode with MIN_TEXT_LENGTH characters of content."""


def _question_fits(question: str) -> str:
    # Checked here rather than by a length constraint, which pydantic would apply to the validated
    # value generically and report in "items".
    if len(question) > MAX_QUESTION_LENGTH:
        raise ValueError(f"must be at most {MAX_QUESTION_LENGTH} characters, not {len(question)}")
    return question


Question = Annotated[
    UnicodeStr,
    AfterValidator(_question_fits),
    Field(json_schema_extra={"maxLength": MAX_QUESTION_LENGTH}),
]
"""A question about the text, of at most MAX_QUESTION_LENGTH characters."""


MAX_METADATA_DEPTH = 32
"""Deepest nesting of user_metadata: it is the caller's bookkeeping, not a document."""


def _depth(value: object, limit: int) -> int:
    """How deeply `value` nests lists and objects, counting no further than `limit` + 1."""
    if limit < 0 or not isinstance(value, dict | list):
        return 0
    children = value.values() if isinstance(value, dict) else value
    return 1 + max((_depth(child, limit - 1) for child in children), default=0)


def _metadata_is_json(metadata: dict[str, Any] | None) -> dict[str, Any] | None:
    # Kept and stored with batch jobs, so it must serialise: no unpaired surrogates inside.
    if metadata is not None:
        if _depth(metadata, MAX_METADATA_DEPTH) > MAX_METADATA_DEPTH:
            raise ValueError(f"must not nest objects or lists more than {MAX_METADATA_DEPTH} deep")
        try:
            to_json(metadata)
        except PydanticSerializationError:
            raise ValueError(
                "must be JSON with valid Unicode strings (no unpaired surrogates)"
            ) from None
    return metadata


UserMetadata = Annotated[dict[str, Any] | None, AfterValidator(_metadata_is_json)]
"""The caller's own data, kept with the request and never sent to a model."""


class TextProcessingRequest(BaseModel):
    """One text and the operation to run on it; the server checks options and question per operation."""

    model_config = ConfigDict(extra="forbid")

    text: ProcessText
    operation: str = Field(
        pattern=OPERATION_ID, description="An operation id from GET /v1/text_processing/operations"
    )
    question: Question | None = Field(
        default=None, description="Required by operations that need one (qa); ignored otherwise."
    )
    options: dict[str, Any] = Field(
        default_factory=dict, description="The operation's options, by name (see GET /operations)"
    )
    user_metadata: UserMetadata = None

    @field_validator("options", mode="before")
    @classmethod
    def _null_options_are_empty(cls, options: object) -> object:
        return {} if options is None else options


class SentimentResult(BaseModel):
    """The sentiment of a text."""

    sentiment: Literal["positive", "negative", "neutral", "mixed"]
    confidence: float = Field(ge=0.0, le=1.0)
    explanation: str


class TextProcessingResponse(BaseModel):
    """The outcome of one processed text."""

    operation: str
    success: bool = True
    result: str | None = Field(default=None, description="summarize and qa answer here")
    sentiment: SentimentResult | None = None
    key_points: list[str] | None = None
    questions: list[str] | None = None
    output: Any = Field(
        default=None,
        description="The typed output of an operation with no field of its own above (one a "
        "server adds); its JSON Schema is the operation's `output_schema` in GET /operations.",
    )
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
