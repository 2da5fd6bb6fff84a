"""The environment-variable document lists exactly the settings that exist, backend and frontend."""

import re
from pathlib import Path

from llm_starter_api.config import Settings
from llm_starter_ui.config import Settings as FrontendSettings

DOC = Path(__file__).parents[2] / "docs" / "get-started" / "ENVIRONMENT_VARIABLES.md"


def documented() -> set[str]:
    return set(re.findall(r"^\| `([A-Z0-9_]+)` \|", DOC.read_text(encoding="utf-8"), re.MULTILINE))


def settings() -> set[str]:
    fields = [*Settings.model_fields, *FrontendSettings.model_fields]
    return {name.upper() for name in fields}


def test_every_setting_is_documented() -> None:
    missing = settings() - documented()
    assert not missing, f"add to {DOC.name}: {sorted(missing)}"


def test_every_documented_variable_exists() -> None:
    stale = documented() - settings()
    assert not stale, f"remove from {DOC.name} or implement: {sorted(stale)}"
