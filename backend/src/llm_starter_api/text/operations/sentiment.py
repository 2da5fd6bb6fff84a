"""sentiment: positive, negative, neutral or mixed, with confidence."""

from llm_starter_api.llm import local
from llm_starter_api.llm.task import Task
from llm_starter_api.text.operations.base import Operation
from llm_starter_models import ProcessingOptions, SentimentResult


def _engine(task: Task) -> dict[str, object]:
    verdict = local.sentiment(task.document)
    return {
        "sentiment": verdict.label,
        "confidence": verdict.confidence,
        "explanation": verdict.explanation,
    }


OPERATION = Operation(
    id="sentiment",
    name="Sentiment Analysis",
    description="Positive, negative, neutral or mixed, with confidence",
    output=SentimentResult,
    instructions=(
        "Classify the overall sentiment of the document as positive, negative, neutral, or mixed "
        "(strong positive and strong negative parts together). Give a confidence between 0 and 1 "
        "and a one-sentence explanation that does not quote the document."
    ),
    prompt_version="2026-12-05.1",
    engine=_engine,
    options=ProcessingOptions,
    option_names=(),
    cache="long",  # sentiment barely changes with wording
    resilience="quick",
    output_tokens=lambda options: 160,
    wire=lambda verdict: {"sentiment": verdict},
    output_field="sentiment",
)
