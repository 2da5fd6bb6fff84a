"""The README and docs/development.md name every check `make lint` runs."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
DOCS = ["README.md", "docs/development.md"]


def lint_checks() -> list[str]:
    """Each command of the Makefile's lint recipe, as the docs name it (`ruff format --check`)."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = re.search(r"^lint:.*\n((?:\t.*\n)+)", makefile, re.MULTILINE)
    assert recipe, "the Makefile has no lint target"
    checks = []
    for line in recipe.group(1).splitlines():
        command = re.sub(r"^\t(\$\(RUN\) )?", "", line).split(" || ")[0]
        if " || " not in line:
            continue  # rc=0 and exit $rc: the recipe's frame, not a check
        words = command.split()
        two = {"ruff": 2, "promtool": 3}.get(words[0], 1)
        checks.append(" ".join(w for w in words[:two] if not w.startswith(".")))
    return checks


def test_the_lint_recipe_is_read() -> None:
    assert {"ruff check", "lint-imports", "promtool test rules"} <= set(lint_checks())


@pytest.mark.parametrize("doc", DOCS)
def test_the_doc_names_every_lint_check(doc: str) -> None:
    text = (ROOT / doc).read_text(encoding="utf-8")
    missing = [check for check in lint_checks() if f"`{check}" not in text]
    assert not missing, f"{doc} does not say that make lint runs {missing}"
