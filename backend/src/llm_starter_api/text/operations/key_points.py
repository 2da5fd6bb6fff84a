"""key_points: the most important points of the text."""

from functools import cache
from typing import Annotated

from pydantic import BaseModel, Field, WithJsonSchema, create_model

from llm_starter_api.llm import local
from llm_starter_api.llm.task import Task
from llm_starter_api.text.operations.base import Operation
from llm_starter_models import ProcessingOptions


class KeyPoints(BaseModel):
    """The key points of a document, in document order."""

    points: list[str] = Field(min_length=1)


POINT_CHARACTERS = 150
"""Longest point the schema asks for: one short sentence."""

_Point = Annotated[str, WithJsonSchema({"type": "string", "maxLength": POINT_CHARACTERS})]


@cache
def key_points_output(max_points: int) -> type[KeyPoints]:
    """KeyPoints holding at most `max_points` points: its JSON Schema says so (maxItems, and each
    point's maxLength), which servers that constrain output to the schema follow. A longer point
    from a model that does not is kept; more points than asked are invalid."""
    return create_model(
        "KeyPoints",
        __base__=KeyPoints,
        __doc__=KeyPoints.__doc__,
        points=(list[_Point], Field(min_length=1, max_length=max_points)),
    )


def _engine(task: Task) -> dict[str, list[str]]:
    return {"points": local.key_points(task.document, max_points=task.options["max_points"])}


OPERATION = Operation(
    id="key_points",
    name="Key Points",
    description="The most important points of the text",
    output=KeyPoints,
    output_for=lambda options: key_points_output(options["max_points"]),
    instructions=(
        "List the most important points of the document, at most {max_points}, each one short "
        "sentence, in the order they appear."
    ),
    prompt_version="2026-12-05.2",
    engine=_engine,
    options=ProcessingOptions,
    option_names=("max_points",),
    defaults={"max_points": 5},
    cache="standard",
    resilience="quick",
    # A token is at least one character: a schema-constrained answer always fits, however
    # a small model spells its points.
    output_tokens=lambda options: (POINT_CHARACTERS + 8) * options["max_points"] + 32,
    wire=lambda found: {"key_points": found.points},
    output_field="key_points",
)
