"""qa: answers a question from the text."""

from llm_starter_api.llm import local
from llm_starter_api.llm.task import Task
from llm_starter_api.text.operations.base import Operation
from llm_starter_models import ProcessingOptions


def _engine(task: Task) -> str:
    return local.answer(task.document, task.question or "")


OPERATION = Operation(
    id="qa",
    name="Question & Answer",
    description="Answers a question from the text",
    output=str,
    instructions=(
        "Answer the question after the document using only the document. If the document does "
        "not answer it, say so plainly. Reply with the answer only."
    ),
    prompt_version="2026-12-05.1",
    engine=_engine,
    options=ProcessingOptions,
    option_names=(),
    requires_question=True,
    streams=True,
    cache="short",  # free-form answers are kept shortest
    resilience="patient",
    output_tokens=lambda options: 256,
    wire=lambda answer: {"result": answer},
    output_field="result",
)
