"""Per-session state: settings, the API key, one ApiClient, and showing errors."""

import time
from collections.abc import Callable
from typing import cast

import httpx
import streamlit as st

from llm_starter_models import OperationsResponse
from llm_starter_ui.client import ApiClient
from llm_starter_ui.config import Settings, load_settings
from llm_starter_ui.errors import ApiError, describe

TRANSPORT_KEY = "http_transport"
"""Session-state key of an `httpx.BaseTransport` to use instead of the network (tests)."""

CLOCK_KEY = "clock"
"""Session-state key of a `() -> float` clock to use instead of `time.time` (tests)."""

API_KEY_INPUT = "api_key_input"
"""Session-state key of the sidebar's API key field."""

API_KEY = "api_key"
"""Session-state key of the typed API key, kept apart from the widget, whose state Streamlit
drops on any run that does not draw it."""

_SETTINGS = "_settings"
_CLIENT = "_client"
_OPERATIONS = "_operations"


def settings() -> Settings:
    """The settings, read once per session (raises ConfigError when invalid)."""
    if _SETTINGS not in st.session_state:
        st.session_state[_SETTINGS] = load_settings()
    return cast("Settings", st.session_state[_SETTINGS])


def keep_typed_key() -> None:
    """Store the sidebar field's key (the field's on_change callback)."""
    st.session_state[API_KEY] = str(st.session_state.get(API_KEY_INPUT) or "").strip()


def api_key() -> str | None:
    """The key typed into the sidebar, else the configured FRONTEND_API_KEY, else none."""
    typed = str(st.session_state.get(API_KEY) or "")
    if typed:
        return typed
    configured = settings().frontend_api_key
    return configured.get_secret_value() if configured else None


def client() -> ApiClient:
    """This session's client, rebuilt when the API key changes."""
    config = settings()
    identity = (config.base_url, api_key())
    cached = st.session_state.get(_CLIENT)
    if cached is not None and cached[0] == identity:
        return cast("ApiClient", cached[1])
    if cached is not None:
        cached[1].close()
    transport = st.session_state.get(TRANSPORT_KEY)
    assert transport is None or isinstance(transport, httpx.BaseTransport)
    fresh = ApiClient(
        config.base_url,
        api_key=identity[1],
        timeout=config.frontend_timeout_seconds,
        transport=transport,
    )
    st.session_state[_CLIENT] = (identity, fresh)
    st.session_state.pop(_OPERATIONS, None)
    return fresh


def now() -> float:
    """Seconds since the epoch, from the session's clock when one is set (tests)."""
    clock = cast("Callable[[], float]", st.session_state.get(CLOCK_KEY, time.time))
    return clock()


def show_error(error: ApiError) -> None:
    """Explain a failed call on the page."""
    st.error(describe(error))


def operations() -> OperationsResponse | None:
    """The backend's operations, fetched once per client; None (and an error shown) on failure."""
    current = client()
    cached = st.session_state.get(_OPERATIONS)
    if cached is not None and cached[0] is current:
        return cast("OperationsResponse", cached[1])
    try:
        fetched = current.operations()
    except ApiError as exc:
        show_error(exc)
        return None
    st.session_state[_OPERATIONS] = (current, fetched)
    return fetched
