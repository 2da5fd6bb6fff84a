"""Results as text: one-line summaries, Markdown and JSON documents, batch tables and CSV."""

import csv
import io
import json
from collections.abc import Sequence
from typing import Any

from llm_starter_models import (
    BatchTextProcessingItem,
    TextProcessingRequest,
    TextProcessingResponse,
)
from llm_starter_models import TextProcessingOperation as Op

BATCH_COLUMNS = ("index", "status", "result", "error", "processing_time", "cache_hit", "text")


def result_text(response: TextProcessingResponse) -> str:
    """The result on one line, whatever the operation."""
    if response.sentiment is not None:
        sentiment = response.sentiment
        return f"{sentiment.sentiment} ({sentiment.confidence:.0%}): {sentiment.explanation}"
    if response.key_points is not None:
        return " | ".join(response.key_points)
    if response.questions is not None:
        return " | ".join(response.questions)
    return response.result or ""


def _numbered(items: Sequence[str]) -> str:
    return "\n".join(f"{number}. {item}" for number, item in enumerate(items, 1))


def result_markdown(response: TextProcessingResponse) -> str:
    """The result as Markdown: prose, a sentiment line, or a numbered list."""
    match response.operation:
        case Op.SENTIMENT if response.sentiment is not None:
            s = response.sentiment
            return (
                f"**{s.sentiment.capitalize()}** ({s.confidence:.0%} confidence)\n\n{s.explanation}"
            )
        case Op.KEY_POINTS:
            return _numbered(response.key_points or [])
        case Op.QUESTIONS:
            return _numbered(response.questions or [])
        case _:
            return response.result or ""


def details_line(response: TextProcessingResponse) -> str:
    """Processing time, model and cache hit in one line."""
    seconds = "?" if response.processing_time is None else f"{response.processing_time:.2f} s"
    model = response.metadata.get("model", "unknown")
    cache = {True: "yes", False: "no", None: "unknown"}[response.cache_hit]
    return f"Processing time: {seconds} · Model: {model} · Cache hit: {cache}"


def response_markdown(request: TextProcessingRequest, response: TextProcessingResponse) -> str:
    """A standalone Markdown document of one request and its result."""
    parts = [f"# {response.operation.value.replace('_', ' ').capitalize()}", ""]
    if request.question:
        parts += [f"**Question:** {request.question}", ""]
    parts += ["## Result", "", result_markdown(response), "", f"_{details_line(response)}_", ""]
    parts += ["## Text", "", request.text.strip(), ""]
    return "\n".join(parts)


def response_json(request: TextProcessingRequest, response: TextProcessingResponse) -> str:
    """The request and the full response as a JSON document."""
    document = {
        "request": request.model_dump(mode="json", exclude_none=True),
        "response": response.model_dump(mode="json"),
    }
    return json.dumps(document, indent=2, ensure_ascii=False)


def batch_rows(
    texts: Sequence[str], items: Sequence[BatchTextProcessingItem]
) -> list[dict[str, Any]]:
    """One flat row per item, for the table and the CSV."""
    rows = []
    for item in items:
        response = item.response
        rows.append(
            {
                "index": item.request_index,
                "status": item.status.value,
                "result": result_text(response) if response else "",
                "error": item.error or "",
                "processing_time": response.processing_time if response else None,
                "cache_hit": response.cache_hit if response else None,
                "text": texts[item.request_index],
            }
        )
    return rows


def rows_csv(rows: Sequence[dict[str, Any]]) -> str:
    """The rows as CSV with a header line."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=BATCH_COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def batch_json(texts: Sequence[str], items: Sequence[BatchTextProcessingItem]) -> str:
    """Every item with its text and full response as a JSON array."""
    document = [
        {"text": texts[item.request_index], **item.model_dump(mode="json")} for item in items
    ]
    return json.dumps(document, indent=2, ensure_ascii=False)
