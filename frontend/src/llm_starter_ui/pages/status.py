"""Status page: health, authentication, and the internal monitoring endpoints when they exist."""

from typing import Any

import streamlit as st

from llm_starter_ui import monitoring, session
from llm_starter_ui.errors import ApiError

NOT_AVAILABLE = "Not available on this backend."
UNKNOWN = "unknown"
CHART_HEIGHT = 240


def fetch(path: str) -> Any | None:
    """The JSON at an internal path; None after saying why it is missing."""
    try:
        return session.client().internal(path)
    except ApiError as exc:
        if exc.status == 404:
            st.info(f"{NOT_AVAILABLE} (`{path}` answered 404)")
        else:
            session.show_error(exc)
        return None


def show_health() -> bool:
    """Health as metrics; False when the backend cannot be reached."""
    try:
        health = session.client().health()
    except ApiError as exc:
        session.show_error(exc)
        return False
    cells = st.columns(5)
    cells[0].metric("Status", health.status)
    cells[1].metric("Version", health.version)
    cells[2].metric("Model available", "yes" if health.ai_model_available else "no")
    for cell, label, value in (
        (cells[3], "Cache healthy", health.cache_healthy),
        (cells[4], "Resilience healthy", health.resilience_healthy),
    ):
        cell.metric(label, UNKNOWN if value is None else ("yes" if value else "no"))
    return True


def show_auth() -> bool:
    """Whether the backend accepts this session's key; False after explaining why not."""
    try:
        auth = session.client().auth_status()
    except ApiError as exc:
        session.show_error(exc)
        return False
    (st.success if auth.authenticated else st.info)(auth.message)
    return True


def show_cache() -> None:
    """Hit ratio and hit/miss counters."""
    data = fetch(monitoring.CACHE_METRICS)
    if data is None:
        return
    ratio = monitoring.hit_ratio(data)
    st.metric("Hit ratio", UNKNOWN if ratio is None else f"{ratio:.0%}")
    tiers = monitoring.hits_and_misses(data)
    if tiers:
        chart = monitoring.long_form(tiers, "tier")
        st.bar_chart(chart, x="tier", y="value", color="counter", stack=False, height=CHART_HEIGHT)
    with st.expander("Raw cache metrics"):
        st.json(data)


def show_breakers() -> None:
    """Each breaker's state and how many are in each state."""
    data = fetch(monitoring.CIRCUIT_BREAKERS)
    if data is None:
        return
    states = monitoring.breaker_states(data)
    if not states:
        st.caption("No circuit breakers reported.")
    else:
        st.dataframe([{"breaker": n, "state": s} for n, s in states.items()], hide_index=True)
        counts = monitoring.state_counts(states)
        st.bar_chart(
            {"state": list(counts), "breakers": list(counts.values())},
            x="state",
            height=CHART_HEIGHT,
        )
    with st.expander("Raw circuit breaker states"):
        st.json(data)


def show_operations() -> None:
    """Model calls, failures, retries and fallbacks per operation."""
    data = fetch(monitoring.RESILIENCE_METRICS)
    if data is None:
        return
    table = monitoring.per_operation(data)
    if table:
        chart = monitoring.long_form(table, "operation")
        st.bar_chart(
            chart, x="operation", y="value", color="counter", stack=False, height=CHART_HEIGHT
        )
    else:
        st.caption("No model calls yet.")


def show_rates() -> None:
    """Request and error rates."""
    data = fetch(monitoring.MONITORING_METRICS)
    if data is None:
        return
    found = monitoring.rates(data)
    if found:
        st.bar_chart(
            {"metric": list(found), "value": list(found.values())}, x="metric", height=CHART_HEIGHT
        )
    else:
        st.caption("No rates reported.")
    with st.expander("Raw monitoring metrics"):
        st.json(data)


def show_internals() -> None:
    """Cache, breakers, model calls and rates, each where the backend has it."""
    st.subheader("Cache")
    show_cache()
    st.subheader("Circuit breakers")
    show_breakers()
    st.subheader("Model calls per operation")
    show_operations()
    st.subheader("Requests and errors")
    show_rates()


st.title("Backend status")
st.button("Refresh")
st.subheader("Health")
# The rest needs a reachable backend, and the internal endpoints the same key as auth/status:
# one explanation of either is enough.
if show_health():
    st.subheader("Authentication")
    if show_auth():
        show_internals()
