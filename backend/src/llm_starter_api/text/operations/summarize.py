"""summarize: a short summary of the text."""

from llm_starter_api.llm import local
from llm_starter_api.llm.task import Task
from llm_starter_api.text.operations.base import Operation
from llm_starter_models import ProcessingOptions


def _engine(task: Task) -> str:
    return local.summarize(task.document, max_length=task.options["max_length"])


OPERATION = Operation(
    id="summarize",
    name="Summarize",
    description="A short summary of the text",
    output=str,
    instructions=(
        "Summarize the document in at most {max_length} words, in the document's language. "
        "Reply with the summary only."
    ),
    prompt_version="2026-12-05.1",
    engine=_engine,
    options=ProcessingOptions,
    option_names=("max_length",),
    defaults={"max_length": 100},
    streams=True,
    cache="standard",
    resilience="standard",
    # About two tokens a word, whatever the language, and room to end the sentence.
    output_tokens=lambda options: 2 * options["max_length"] + 32,
    wire=lambda summary: {"result": summary},
    output_field="result",
)
