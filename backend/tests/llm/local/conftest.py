"""Realistic texts for the local engine's tests, kept as plain files in texts/."""

from pathlib import Path

import pytest

_TEXTS = Path(__file__).parent / "texts"


@pytest.fixture(scope="session")
def texts() -> dict[str, str]:
    """Each texts/<name>.txt by name."""
    return {path.stem: path.read_text(encoding="utf-8") for path in sorted(_TEXTS.glob("*.txt"))}
