"""Cache keys: a digest of everything that changes an answer, under SCAN-friendly segments."""

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import orjson

# Slugs hold only these, so no segment can contain a glob character (`*?[]\`) or a separator.
_UNSAFE = re.compile(r"[^a-z0-9._-]+")
_SLUG_LENGTH = 48


def slug(value: str) -> str:
    """A short, glob-safe, lower-case tag of a value (the digest, not the tag, tells values apart)."""
    return _UNSAFE.sub("-", value.lower()).strip("-")[:_SLUG_LENGTH] or "none"


@dataclass(frozen=True, slots=True)
class CacheKey:
    """One key: `{prefix}:ai:{scope}:{operation}:{model}:{prompt_version}:{digest}`."""

    name: str
    operation: str
    """The operation, which picks the TTL."""

    @property
    def lock_name(self) -> str:
        """The single-flight lock of this key, outside the `:ai:` namespace that invalidation scans."""
        prefix, _, rest = self.name.partition(":ai:")
        return f"{prefix}:lock:{rest}"


def ai_key(
    prefix: str,
    *,
    scope: str,
    operation: str,
    model: str,
    prompt_version: str,
    inputs: Mapping[str, Any],
) -> CacheKey:
    """The key of one AI answer in `scope` (whose answers these are: the caller's tag, never a
    secret); `inputs` (text, options, question...) reach it only hashed."""
    identity = {
        "scope": scope,
        "operation": operation,
        "model": model,
        "prompt_version": prompt_version,
        "inputs": inputs,
    }
    digest = hashlib.sha256(orjson.dumps(identity, option=orjson.OPT_SORT_KEYS)).hexdigest()
    tags = (slug(scope), slug(operation), slug(model), slug(prompt_version))
    segments = (prefix, "ai", *tags, digest)
    return CacheKey(":".join(segments), operation)


def ai_pattern(
    prefix: str,
    *,
    scope: str | None = None,
    operation: str | None = None,
    model: str | None = None,
    prompt_version: str | None = None,
) -> str:
    """A SCAN MATCH pattern for the answers of a scope, operation, model and/or prompt version."""
    segments = [
        slug(value) if value is not None else "*"
        for value in (scope, operation, model, prompt_version)
    ]
    return ":".join((prefix, "ai", *segments, "*"))
