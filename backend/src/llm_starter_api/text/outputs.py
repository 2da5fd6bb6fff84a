"""Typed outputs the agents ask models for."""

from pydantic import BaseModel, Field


class KeyPoints(BaseModel):
    """The key points of a document, in document order."""

    points: list[str] = Field(min_length=1)


class Questions(BaseModel):
    """Questions the document answers."""

    questions: list[str] = Field(min_length=1)
