"""questions: questions the text answers."""

from pydantic import BaseModel, Field

from llm_starter_api.llm import local
from llm_starter_api.llm.task import Task
from llm_starter_api.text.operations.base import Operation
from llm_starter_models import ProcessingOptions


class Questions(BaseModel):
    """Questions the document answers."""

    questions: list[str] = Field(min_length=1)


def _engine(task: Task) -> dict[str, list[str]]:
    count = task.options["num_questions"]
    return {"questions": local.questions(task.document, num_questions=count)}


OPERATION = Operation(
    id="questions",
    name="Generate Questions",
    description="Questions the text answers",
    output=Questions,
    instructions=(
        "Write {num_questions} distinct questions that the document itself answers, useful for "
        "checking a reader's understanding."
    ),
    prompt_version="2026-12-05.1",
    engine=_engine,
    options=ProcessingOptions,
    option_names=("num_questions",),
    defaults={"num_questions": 5},
    cache="standard",
    resilience="standard",
    output_tokens=lambda options: 40 * options["num_questions"] + 32,
    wire=lambda found: {"questions": found.questions},
    output_field="questions",
)
