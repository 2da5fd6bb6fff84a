"""Choice: an operation with its options and question, as a page or a batch uses it."""

from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from pydantic_core import InitErrorDetails

from llm_starter_models import OperationInfo, TextProcessingRequest


@dataclass(frozen=True, slots=True)
class Choice:
    """An operation with the options and question chosen for it."""

    operation: OperationInfo
    options: dict[str, Any]
    question: str | None

    def request(self, text: str) -> TextProcessingRequest:
        """The request for `text` (raises ValidationError when invalid)."""
        if self.operation.requires_question and not (self.question or "").strip():
            missing = InitErrorDetails(type="missing", loc=("question",), input=self.question)
            raise ValidationError.from_exception_data("TextProcessingRequest", [missing])
        return TextProcessingRequest(
            text=text,
            operation=self.operation.id,
            options=self.options,
            question=self.question or None,
        )
