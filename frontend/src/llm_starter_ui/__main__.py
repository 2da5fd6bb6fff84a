"""`python -m llm_starter_ui [streamlit options]`: serve the app with Streamlit.

Streamlit reads the app's settings from `.streamlit/config.toml` beside app.py; options given here
(`--server.port 9501`) override them.
"""

import importlib
import sys
from pathlib import Path

from streamlit.web import cli

WARM = (
    "llm_starter_ui.session",
    "llm_starter_ui.widgets",
    "llm_starter_ui.render",
    "llm_starter_ui.trends",
    "llm_starter_ui.monitoring",
    "pandas",
    "altair",
)
"""Imported before the server answers rather than in the first visitor's script run. On a cold
server the first page's title took a median 2.41 s without this and 1.38 s with it (3 rounds of
`uv run python scripts/ui_first_load.py`; the text area 2.58 s and 2.09 s)."""


def main() -> None:
    """Run `streamlit run <installed app.py>` with the given options."""
    for module in WARM:
        importlib.import_module(module)
    app = Path(__file__).with_name("app.py")
    sys.argv = ["streamlit", "run", str(app), *sys.argv[1:]]
    cli.main()


if __name__ == "__main__":
    main()
