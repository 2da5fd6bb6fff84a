"""Texts for a batch from pasted lines or an uploaded .txt, .csv or .jsonl file."""

import csv
import io
import json
from pathlib import PurePath

UPLOAD_TYPES = ("txt", "csv", "jsonl")


class InputFileError(ValueError):
    """An uploaded file that holds no readable texts; the message says why."""


def from_lines(pasted: str) -> list[str]:
    """One text per non-blank line."""
    return [line.strip() for line in pasted.splitlines() if line.strip()]


def _from_csv(content: str) -> list[str]:
    reader = csv.DictReader(io.StringIO(content))
    if reader.fieldnames is None or "text" not in reader.fieldnames:
        found = ", ".join(reader.fieldnames or []) or "none"
        raise InputFileError(f"The CSV needs a 'text' column; its columns are: {found}")
    return [row["text"].strip() for row in reader if (row["text"] or "").strip()]


def _from_jsonl(content: str) -> list[str]:
    texts = []
    for number, line in enumerate(content.splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputFileError(f"Line {number} is not valid JSON: {exc.msg}") from None
        text = record.get("text") if isinstance(record, dict) else None
        if not isinstance(text, str):
            raise InputFileError(f'Line {number} has no "text" string field')
        if text.strip():
            texts.append(text.strip())
    return texts


def from_upload(name: str, data: bytes) -> list[str]:
    """The texts of an uploaded file, by its extension."""
    suffix = PurePath(name).suffix.lower().lstrip(".")
    try:
        content = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputFileError(f"{name} is not UTF-8 text") from None
    match suffix:
        case "txt":
            texts = from_lines(content)
        case "csv":
            texts = _from_csv(content)
        case "jsonl":
            texts = _from_jsonl(content)
        case _:
            raise InputFileError(f"{name}: expected one of .{', .'.join(UPLOAD_TYPES)}")
    if not texts:
        raise InputFileError(f"{name} holds no texts")
    return texts
