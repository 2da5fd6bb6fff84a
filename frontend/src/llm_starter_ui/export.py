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

BATCH_COLUMNS = ("index", "status", "result", "error", "processing_time", "cache_hit", "text")


def is_score(value: object) -> bool:
    """A number between 0 and 1: a confidence or a score, shown as a percentage."""
    return isinstance(value, float) and 0.0 <= value <= 1.0


def output_text(output: object) -> str:
    """Any JSON answer on one line: text, items joined by |, fields as name: value."""
    match output:
        case None:
            return ""
        case str():
            return output
        case list():
            return " | ".join(output_text(item) for item in output)
        case dict():
            fields = ((name, value) for name, value in output.items() if value is not None)
            return "; ".join(f"{name}: {output_text(value)}" for name, value in fields)
        case _:
            return f"{output:.0%}" if is_score(output) else str(output)


def result_text(response: TextProcessingResponse) -> str:
    """The result on one line, whatever the operation."""
    if response.sentiment is not None:
        sentiment = response.sentiment
        return f"{sentiment.sentiment} ({sentiment.confidence:.0%}): {sentiment.explanation}"
    if response.key_points is not None:
        return " | ".join(response.key_points)
    if response.questions is not None:
        return " | ".join(response.questions)
    if response.result is not None:
        return response.result
    return output_text(response.output)


def _numbered(items: Sequence[object]) -> str:
    return "\n".join(f"{number}. {output_text(item)}" for number, item in enumerate(items, 1))


def output_markdown(output: object) -> str:
    """Any JSON answer as Markdown: prose, a numbered list, or one labelled line per field."""
    match output:
        case list():
            return _numbered(output)
        case dict():
            lines = []
            for name, value in output.items():
                if value is None:
                    continue  # a field the answer left unset
                label = name.replace("_", " ").capitalize()
                shown = f"\n{_numbered(value)}" if isinstance(value, list) else output_text(value)
                lines.append(f"**{label}:** {shown}")
            return "\n\n".join(lines)
        case _:
            return output_text(output)


def result_markdown(response: TextProcessingResponse) -> str:
    """The result as Markdown: prose, a sentiment line, a numbered list, or the generic output."""
    if response.sentiment is not None:
        s = response.sentiment
        return f"**{s.sentiment.capitalize()}** ({s.confidence:.0%} confidence)\n\n{s.explanation}"
    if response.key_points is not None:
        return _numbered(response.key_points)
    if response.questions is not None:
        return _numbered(response.questions)
    if response.result is not None:
        return response.result
    return output_markdown(response.output)


def details_line(response: TextProcessingResponse) -> str:
    """Processing time, model and cache hit in one line."""
    seconds = "?" if response.processing_time is None else f"{response.processing_time:.2f} s"
    model = response.metadata.get("model", "unknown")
    cache = {True: "yes", False: "no", None: "unknown"}[response.cache_hit]
    return f"Processing time: {seconds} · Model: {model} · Cache hit: {cache}"


def response_markdown(request: TextProcessingRequest, response: TextProcessingResponse) -> str:
    """A standalone Markdown document of one request and its result."""
    parts = [f"# {response.operation.replace('_', ' ').capitalize()}", ""]
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
