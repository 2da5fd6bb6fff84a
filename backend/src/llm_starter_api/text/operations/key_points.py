"""key_points: the most important points of the text."""

from pydantic import BaseModel, Field

from llm_starter_api.llm import local
from llm_starter_api.llm.task import Task
from llm_starter_api.text.operations.base import Operation
from llm_starter_models import ProcessingOptions


class KeyPoints(BaseModel):
    """The key points of a document, in document order."""

    points: list[str] = Field(min_length=1)


def _engine(task: Task) -> dict[str, list[str]]:
    return {"points": local.key_points(task.document, max_points=task.options["max_points"])}


OPERATION = Operation(
    id="key_points",
    name="Key Points",
    description="The most important points of the text",
    output=KeyPoints,
    instructions=(
        "List the most important points of the document, at most {max_points}, each one short "
        "sentence, in the order they appear."
    ),
    prompt_version="2026-12-05.1",
    engine=_engine,
    options=ProcessingOptions,
    option_names=("max_points",),
    defaults={"max_points": 5},
    cache="standard",
    resilience="quick",
    output_tokens=lambda options: 60 * options["max_points"] + 32,
    wire=lambda found: {"key_points": found.points},
    output_field="key_points",
)
