"""The built-in operations' request rules, as the API validates each body (by its operation)."""

import json
from typing import Any

import pytest
from pydantic import ValidationError

from llm_starter_api.text import registry
from llm_starter_models import ProcessingOptions, TextProcessingOperation, TextProcessingRequest
from llm_starter_models.text import MAX_QUESTION_LENGTH

TEXT = "The quick brown fox jumps over the lazy dog."
OPTION_RANGES = {"max_length": (10, 500), "max_points": (1, 20), "num_questions": (1, 20)}
NOT_QA = [op for op in TextProcessingOperation if op is not TextProcessingOperation.QA]
OPERATIONS = registry.load([])


def request(**fields: Any) -> TextProcessingRequest:
    """Validate a request from its JSON body, as the API receives it."""
    body = {"text": TEXT, "operation": "summarize"} | fields
    return OPERATIONS.parse(json.dumps(body).encode())


def error_locs(error: ValidationError) -> list[tuple[int | str, ...]]:
    """Where each error is, without the operation tag pydantic puts first."""
    return [
        e["loc"][1:] if e["loc"] and e["loc"][0] in OPERATIONS else e["loc"] for e in error.errors()
    ]


# operation and question


@pytest.mark.parametrize("operation", ["translate", "Summarize", "", "key-points"])
def test_an_operation_this_server_lacks_is_rejected(operation: str) -> None:
    with pytest.raises(ValidationError) as caught:
        request(operation=operation)
    assert [e["type"] for e in caught.value.errors()] == ["union_tag_invalid"]


@pytest.mark.parametrize(
    "question_field",
    [{}, {"question": None}, {"question": ""}, {"question": "   "}, {"question": "\n\t\u00a0"}],
    ids=["omitted", "null", "empty", "spaces", "whitespace"],
)
def test_qa_without_question_is_rejected(question_field: dict[str, str | None]) -> None:
    with pytest.raises(ValidationError) as caught:
        request(operation="qa", **question_field)
    assert error_locs(caught.value) == [("question",)]


def test_qa_with_question_is_accepted_and_keeps_it() -> None:
    assert request(operation="qa", question="Who jumps?").question == "Who jumps?"


@pytest.mark.parametrize("question", [None, "", "   ", "Unused question?"])
@pytest.mark.parametrize("operation", NOT_QA)
def test_question_is_ignored_for_other_operations(
    operation: TextProcessingOperation, question: str | None
) -> None:
    assert request(operation=operation, question=question).operation == operation


def test_question_longer_than_the_limit_is_rejected() -> None:
    request(operation="qa", question="q" * MAX_QUESTION_LENGTH)
    with pytest.raises(ValidationError) as caught:
        request(operation="qa", question="q" * (MAX_QUESTION_LENGTH + 1))
    assert ("question",) in error_locs(caught.value)


# options


@pytest.mark.parametrize("value", ["10", 10.5, True], ids=["string", "float", "bool"])
@pytest.mark.parametrize("name", OPTION_RANGES)
def test_option_of_wrong_type_is_rejected_naming_the_field(name: str, value: object) -> None:
    with pytest.raises(ValidationError) as caught:
        request(options={name: value})
    assert error_locs(caught.value) == [("options", name)]


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("max_length", 9),
        ("max_length", 501),
        ("max_points", 0),
        ("max_points", 21),
        ("num_questions", 0),
        ("num_questions", 21),
        ("num_questions", -1),
    ],
)
def test_option_out_of_range_is_rejected_naming_the_field(name: str, value: int) -> None:
    with pytest.raises(ValidationError) as caught:
        request(options={name: value})
    assert error_locs(caught.value) == [("options", name)]


@pytest.mark.parametrize(
    ("name", "value"), [(name, bound) for name, bounds in OPTION_RANGES.items() for bound in bounds]
)
def test_option_at_range_bound_is_accepted(name: str, value: int) -> None:
    assert getattr(request(options={name: value}).options, name) == value


@pytest.mark.parametrize("name", ["temperature", "maxLength", "max_words"])
def test_unknown_option_is_rejected(name: str) -> None:
    with pytest.raises(ValidationError) as caught:
        request(options={name: 10})
    assert [e["type"] for e in caught.value.errors()] == ["extra_forbidden"]
    assert error_locs(caught.value) == [("options", name)]


@pytest.mark.parametrize("options_field", [{"options": None}, {}], ids=["null", "omitted"])
def test_null_or_omitted_options_take_the_defaults(options_field: dict[str, None]) -> None:
    parsed = request(**options_field)
    assert parsed.options == ProcessingOptions()
    assert OPERATIONS["summarize"].effective_options(parsed.options) == {"max_length": 100}
