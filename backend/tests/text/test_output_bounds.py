"""key_points and questions ask for at most as many items as requested, each of bounded length."""

from collections.abc import Callable

import pytest
from apitest import ClientFactory
from pydantic import BaseModel, ValidationError

from llm_starter_api.text.operations import key_points, questions, sentiment
from llm_starter_api.text.operations.base import Operation


@pytest.mark.parametrize(
    ("build", "field", "chars"),
    [
        (key_points.key_points_output, "points", key_points.POINT_CHARACTERS),
        (questions.questions_output, "questions", questions.QUESTION_CHARACTERS),
    ],
)
def test_the_schema_bounds_items_and_their_length(
    build: Callable[[int], type[BaseModel]], field: str, chars: int
) -> None:
    schema = build(3).model_json_schema()["properties"][field]
    assert (schema["minItems"], schema["maxItems"]) == (1, 3)
    assert schema["items"] == {"type": "string", "maxLength": chars}
    assert build(3) is build(3)  # one model (and so one agent) per count


def test_more_items_than_asked_are_invalid_a_longer_item_is_kept() -> None:
    bounded = key_points.key_points_output(2)
    with pytest.raises(ValidationError, match="at most 2 items"):
        bounded.model_validate({"points": ["a", "b", "c"]})
    long = "x" * (key_points.POINT_CHARACTERS + 50)
    assert bounded.model_validate({"points": [long]}).points == [long]


@pytest.mark.parametrize(
    ("operation", "option"),
    [(key_points.OPERATION, "max_points"), (questions.OPERATION, "num_questions")],
)
def test_the_output_cap_holds_a_schema_bounded_answer(operation: Operation, option: str) -> None:
    for count in (1, 5, 20):
        items = operation.output_type({option: count}).model_json_schema()["properties"]
        (schema,) = items.values()
        # A token is at least one character: the longest answer the schema allows fits.
        assert operation.output_tokens({option: count}) >= count * schema["items"]["maxLength"]


async def test_the_service_asks_for_the_requested_count(make_client: ClientFactory) -> None:
    async with make_client() as client:
        text = " ".join(
            f"Sentence number {i} says something new about harbour {i}." for i in range(9)
        )
        body = {"text": text, "operation": "key_points", "options": {"max_points": 2}}
        answer = (await client.post("/v1/text_processing/process", json=body)).json()
    assert 1 <= len(answer["key_points"]) <= 2
    assert answer["metadata"]["prompt_version"] == key_points.OPERATION.prompt_version


def test_sentiment_bounds_its_explanation_within_its_cap() -> None:
    schema = sentiment.OPERATION.output_type({}).model_json_schema()
    bound = schema["properties"]["explanation"]["maxLength"]
    assert bound == sentiment.EXPLANATION_CHARACTERS
    assert sentiment.OPERATION.output_tokens({}) >= bound
    assert schema["title"] == "SentimentResult"
