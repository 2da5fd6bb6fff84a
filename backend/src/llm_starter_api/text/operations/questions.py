"""questions: questions the text answers."""

from functools import cache
from typing import Annotated

from pydantic import BaseModel, Field, WithJsonSchema, create_model

from llm_starter_api.llm import local
from llm_starter_api.llm.task import Task
from llm_starter_api.text.operations.base import Operation
from llm_starter_models import ProcessingOptions


class Questions(BaseModel):
    """Questions the document answers."""

    questions: list[str] = Field(min_length=1)


QUESTION_CHARACTERS = 100
"""Longest question the schema asks for: one sentence."""

_Question = Annotated[str, WithJsonSchema({"type": "string", "maxLength": QUESTION_CHARACTERS})]


@cache
def questions_output(num_questions: int) -> type[Questions]:
    """Questions holding at most `num_questions` questions: its JSON Schema says so (maxItems, and
    each question's maxLength), which servers that constrain output to the schema follow. A longer
    question from a model that does not is kept; more questions than asked are invalid."""
    return create_model(
        "Questions",
        __base__=Questions,
        __doc__=Questions.__doc__,
        questions=(list[_Question], Field(min_length=1, max_length=num_questions)),
    )


def _engine(task: Task) -> dict[str, list[str]]:
    count = task.options["num_questions"]
    return {"questions": local.questions(task.document, num_questions=count)}


OPERATION = Operation(
    id="questions",
    name="Generate Questions",
    description="Questions the text answers",
    output=Questions,
    output_for=lambda options: questions_output(options["num_questions"]),
    instructions=(
        "Write {num_questions} distinct questions that the document itself answers, useful for "
        "checking a reader's understanding."
    ),
    prompt_version="2026-12-05.2",
    engine=_engine,
    options=ProcessingOptions,
    option_names=("num_questions",),
    defaults={"num_questions": 5},
    cache="standard",
    resilience="standard",
    # A token is at least one character: a schema-constrained answer always fits, however
    # a small model spells its questions.
    output_tokens=lambda options: (QUESTION_CHARACTERS + 8) * options["num_questions"] + 32,
    wire=lambda found: {"questions": found.questions},
    output_field="questions",
)
