""".env.example lists exactly the documented variables (plus what compose.yaml interpolates)."""

import re
from pathlib import Path

from test_env_docs import documented

from llm_starter_api.config import Settings
from llm_starter_ui.config import Settings as FrontendSettings

ROOT = Path(__file__).parents[2]
EXAMPLE = ROOT / ".env.example"


def listed() -> set[str]:
    """Names set (`NAME=value`) or shown commented out (`# NAME=value`) in .env.example."""
    text = EXAMPLE.read_text(encoding="utf-8")
    return set(re.findall(r"^(?:# )?([A-Z][A-Z0-9_]*)=", text, re.MULTILINE))


def compose_only() -> set[str]:
    """Variables compose.yaml interpolates from .env that are no setting of either app."""
    text = (ROOT / "compose.yaml").read_text(encoding="utf-8")
    return set(re.findall(r"\$\{([A-Z_][A-Z0-9_]*)", text)) - documented()


def test_every_documented_variable_is_in_the_example() -> None:
    missing = documented() - listed()
    assert not missing, f"add to .env.example: {sorted(missing)}"


def test_the_example_lists_nothing_undocumented() -> None:
    stale = listed() - documented() - compose_only()
    assert not stale, f"remove from .env.example or document: {sorted(stale)}"


def test_the_example_as_is_is_a_valid_configuration(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    backend = Settings(_env_file=env_file)  # type: ignore[call-arg]  # pydantic-settings' init option
    FrontendSettings(_env_file=env_file)  # type: ignore[call-arg]
    assert (backend.environment, backend.llm_model) == ("development", "local")
