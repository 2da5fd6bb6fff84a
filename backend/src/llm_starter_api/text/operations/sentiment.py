"""sentiment: positive, negative, neutral or mixed, with confidence."""

from typing import Annotated

from pydantic import ConfigDict, Field, WithJsonSchema

from llm_starter_api.llm import local
from llm_starter_api.llm.task import Task
from llm_starter_api.text.operations.base import Operation
from llm_starter_models import ProcessingOptions, SentimentResult

EXPLANATION_CHARACTERS = 240
"""Longest explanation the schema asks for: one sentence."""


# The explanation is bounded in the schema the model is asked for, so a server constraining output
# to it cannot run out of tokens mid-sentence; a longer one from a model ignoring the schema is kept.
class BoundedSentiment(SentimentResult):
    """The sentiment of a text."""

    model_config = ConfigDict(title="SentimentResult")

    explanation: Annotated[
        str,
        Field(),
        WithJsonSchema({"type": "string", "maxLength": EXPLANATION_CHARACTERS}),
    ]


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
    output=BoundedSentiment,
    instructions=(
        "Classify the overall sentiment of the document as positive, negative, neutral, or mixed "
        "(strong positive and strong negative parts together). Give a confidence between 0 and 1 "
        "and a one-sentence explanation that does not quote the document."
    ),
    prompt_version="2026-12-05.2",
    engine=_engine,
    options=ProcessingOptions,
    option_names=(),
    cache="long",  # sentiment barely changes with wording
    resilience="quick",
    # A token is at least one character: the longest answer the schema allows fits.
    output_tokens=lambda options: EXPLANATION_CHARACTERS + 80,
    wire=lambda verdict: {"sentiment": verdict},
    output_field="sentiment",
)
