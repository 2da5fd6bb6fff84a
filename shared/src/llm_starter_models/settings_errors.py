"""One message for invalid settings, naming each environment variable: backend and frontend alike."""

from pydantic import ValidationError


def describe_invalid_settings(exc: ValidationError) -> str:
    """`Invalid configuration:` and one line per bad variable (its name and the reason, no value)."""
    lines = []
    for error in exc.errors(include_url=False, include_input=False):
        variable = "_".join(str(part) for part in error["loc"]).upper() or "configuration"
        lines.append(f"  {variable}: {error['msg']}")
    return "Invalid configuration:\n" + "\n".join(lines)
