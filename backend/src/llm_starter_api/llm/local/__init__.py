"""The embedded offline text engine: deterministic, standard library plus VADER, no network."""

from llm_starter_api.llm.local.keypoints import key_points
from llm_starter_api.llm.local.qa import NO_ANSWER, answer
from llm_starter_api.llm.local.questions import questions
from llm_starter_api.llm.local.sentiment import SentimentLabel, SentimentVerdict, sentiment
from llm_starter_api.llm.local.summarize import summarize

__all__ = [
    "NO_ANSWER",
    "SentimentLabel",
    "SentimentVerdict",
    "answer",
    "key_points",
    "questions",
    "sentiment",
    "summarize",
]
