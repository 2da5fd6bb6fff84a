"""`python -m llm_starter_ui [streamlit options]`: serve the app with Streamlit."""

import sys
from pathlib import Path

from streamlit.web import cli


def main() -> None:
    """Run `streamlit run <installed app.py>` with the given options."""
    app = Path(__file__).with_name("app.py")
    sys.argv = ["streamlit", "run", str(app), *sys.argv[1:]]
    cli.main()


if __name__ == "__main__":
    main()
