"""The assistant guides (CLAUDE.md, backend/ and frontend/AGENTS.md) name only make targets and
paths that exist."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]

# Each guide, and where its short paths may start besides the repository root.
GUIDES = {
    "CLAUDE.md": (),
    "backend/AGENTS.md": ("backend", "backend/src/llm_starter_api"),
    "frontend/AGENTS.md": ("frontend", "frontend/src/llm_starter_ui"),
}

FENCE = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)
SPAN = re.compile(r"`([^`\n]+)`")
MAKE = re.compile(r"(?:^|[\s;&|(])make((?:[ \t]+[^\s;&|)]+)*)")
TARGET = re.compile(r"^([a-z][a-z0-9-]*):(?!=)", re.MULTILINE)
EXTENSIONS = re.compile(r"\.(py|md|toml|ya?ml|json|lock|txt|cfg|ini|sh|svg)$")
NAMES = {"Makefile", "Dockerfile", ".python-version", ".env.example", ".dockerignore"}
BRACES = re.compile(r"\{([^{}]*)\}")


def code(text: str) -> list[str]:
    """The guide's code: fenced blocks whole, and each inline code span."""
    fenced = FENCE.findall(text)
    return [*fenced, *SPAN.findall(FENCE.sub("", text))]


def make_targets(text: str) -> set[str]:
    """Every target a `make ...` command in the guide's code names (variables and options aside)."""
    targets = set()
    for snippet in code(text):
        for match in MAKE.finditer(snippet):
            words = match.group(1).split()
            if not words:
                targets.add("make")  # a bare `make`: the default goal, accepted below
            targets.update(w for w in words if "=" not in w and not w.startswith(("-", "<")))
    return targets


def makefile_targets() -> set[str]:
    return {"make", *TARGET.findall((ROOT / "Makefile").read_text(encoding="utf-8"))}


def looks_like_path(span: str) -> bool:
    if any(c in span for c in " <>$=@*:\"'") or span.startswith(("/", "-", "http")):
        return False
    return "/" in span or bool(EXTENSIONS.search(span)) or span in NAMES


def expand(span: str) -> list[str]:
    """`a/{b,c}` as `a/b` and `a/c`; a `...` alternative stands for the rest and is dropped."""
    match = BRACES.search(span)
    if match is None:
        return [span]
    head, tail = span[: match.start()], span[match.end() :]
    choices = [c.strip() for c in match.group(1).split(",") if c.strip() not in ("", "...", "…")]
    return [path for choice in choices for path in expand(head + choice + tail)]


def paths(text: str) -> set[str]:
    spans = SPAN.findall(FENCE.sub("", text))
    return {path for span in spans if looks_like_path(span) for path in expand(span)}


def missing_paths(text: str, bases: tuple[str, ...]) -> list[str]:
    roots = [ROOT, *(ROOT / base for base in bases)]
    return sorted(p for p in paths(text) if not any((root / p).exists() for root in roots))


@pytest.mark.parametrize("guide", GUIDES)
def test_the_guide_exists(guide: str) -> None:
    assert (ROOT / guide).is_file(), f"{guide} is missing (issue 18: assistant guides)"


@pytest.mark.parametrize("guide", GUIDES)
def test_every_make_target_a_guide_names_exists(guide: str) -> None:
    text = (ROOT / guide).read_text(encoding="utf-8")
    named = make_targets(text)
    assert named, f"{guide} names no make target; the parser may be broken"
    unknown = sorted(named - makefile_targets())
    assert not unknown, f"{guide} names make targets the Makefile lacks: {unknown}"


@pytest.mark.parametrize(("guide", "bases"), GUIDES.items())
def test_every_path_a_guide_names_exists(guide: str, bases: tuple[str, ...]) -> None:
    text = (ROOT / guide).read_text(encoding="utf-8")
    assert paths(text), f"{guide} names no path; the parser may be broken"
    missing = missing_paths(text, bases)
    assert not missing, f"{guide} names paths that do not exist: {missing}"


def test_the_checks_catch_a_made_up_target_and_path() -> None:
    text = (
        "Run `make test-fast PY=3.12` and `make lint typecheck`, then `make deploy`.\n"
        "```sh\nmake shipit ARGS=--quick\n```\n"
        "See `backend/src/llm_starter_api/{api,text,nowhere,...}` and `docs/missing.md`.\n"
    )
    assert make_targets(text) - makefile_targets() == {"deploy", "shipit"}
    assert missing_paths(text, ()) == [
        "backend/src/llm_starter_api/nowhere",
        "docs/missing.md",
    ]


def test_claude_md_states_the_pinned_python_and_the_supported_one() -> None:
    pinned = (ROOT / ".python-version").read_text(encoding="utf-8").split()[0]
    text = (ROOT / "CLAUDE.md").read_text(encoding="utf-8")
    assert f"Python {pinned} by default" in text
    assert "3.12 is supported" in text
