"""The operations: one module each, declaring everything about it (see base.Operation)."""

from llm_starter_api.text.operations import key_points, qa, questions, sentiment, summarize
from llm_starter_api.text.operations.base import Operation

BUILT_IN: tuple[Operation, ...] = (
    summarize.OPERATION,
    sentiment.OPERATION,
    key_points.OPERATION,
    questions.OPERATION,
    qa.OPERATION,
)
"""The five operations of the v1 API, in the order the catalog lists them."""
