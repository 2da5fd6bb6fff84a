"""Structured logs with structlog: JSON in production, readable console lines in development."""

import logging
import sys
from typing import Any, Literal, TextIO

import orjson
import structlog
from structlog.tracebacks import ExceptionDictTransformer
from structlog.typing import Processor

type LogFormat = Literal["json", "console"]

_HANDLER_NAME = "llm_starter_api"


class _StderrHandler(logging.StreamHandler[TextIO]):
    """Writes to whatever `sys.stderr` is when a record arrives (test runners swap it)."""

    @property  # a read-only view of the attribute StreamHandler sets
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, _value: TextIO) -> None:
        pass


def _orjson_text(value: Any, **_options: Any) -> str:
    # orjson instead of json: an access line is written on every request (at INFO, /v1/health went
    # from 121 to 113 µs per request in `scripts/request_cost.py --path /v1/health --log-level
    # INFO`); values it cannot encode are written as str().
    return orjson.dumps(value, default=str).decode()


def default_format(environment: str, override: LogFormat | None) -> LogFormat:
    """LOG_FORMAT when set, else JSON in production and console lines elsewhere."""
    if override is not None:
        return override
    return "json" if environment == "production" else "console"


def configure_logging(*, level: str, fmt: LogFormat, stream: TextIO | None = None) -> None:
    """Route structlog and the standard library (uvicorn, libraries) through one formatter."""
    shared: list[Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    structlog.configure(
        # Level first: a line below LOG_LEVEL costs a level check, not the whole chain.
        processors=[
            structlog.stdlib.filter_by_level,
            *shared,
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    # Tracebacks without frame locals: locals hold request text and keys, which logs never get.
    final: list[Processor] = (
        [
            structlog.processors.ExceptionRenderer(ExceptionDictTransformer(show_locals=False)),
            structlog.processors.JSONRenderer(serializer=_orjson_text),
        ]
        if fmt == "json"
        else [
            structlog.dev.ConsoleRenderer(
                colors=False, exception_formatter=structlog.dev.plain_traceback
            )
        ]
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, *final],
    )
    handler = logging.StreamHandler(stream) if stream else _StderrHandler()
    handler.set_name(_HANDLER_NAME)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    # Replace, never stack: create_app may run more than once in a process (tests, reloads).
    for old in [h for h in root.handlers if h.get_name() == _HANDLER_NAME]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error"):
        uvicorn_logger = logging.getLogger(name)
        uvicorn_logger.handlers.clear()
        uvicorn_logger.propagate = True
    # Our access middleware writes one richer line per request; uvicorn's would repeat it.
    logging.getLogger("uvicorn.access").disabled = True
