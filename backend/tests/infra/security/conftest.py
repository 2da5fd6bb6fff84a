"""Security fixtures."""

from typing import Any

import pytest


@pytest.fixture
def body() -> dict[str, Any]:
    """A valid process request."""
    return {"text": "The museum reopened its east wing after two years.", "operation": "sentiment"}
