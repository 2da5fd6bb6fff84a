"""Status page: health, then traffic, cache, breakers and model usage, refreshed while it is open."""

from collections import deque
from datetime import UTC, datetime
from typing import Any

import altair as alt
import streamlit as st
from pydantic import BaseModel, ValidationError

from llm_starter_ui import monitoring, scrape, session, trends
from llm_starter_ui.errors import ApiError

SAMPLE_SECONDS = 5.0
KEEP_SECONDS = 15 * 60
HEADLINE_SECONDS = 60
CHART_HEIGHT = 220
COLOURS = ("#1f6feb", "#8250df")
READINGS = "status_readings"

OFF = {
    scrape.METRICS: "Prometheus metrics are off on this backend (METRICS_ENABLED=false).",
    "internal": "The internal API is off on this backend: in production it needs "
    "INTERNAL_API_ENABLED=true.",
}


def readings() -> deque[scrape.Reading]:
    """This session's readings of /metrics, the last KEEP_SECONDS of them."""
    kept: deque[scrape.Reading] = st.session_state.setdefault(
        READINGS, deque(maxlen=int(KEEP_SECONDS / SAMPLE_SECONDS) + 1)
    )
    return kept


def explain(exc: ApiError, path: str) -> None:
    if exc.status == 404:
        st.info(OFF[scrape.METRICS] if path == scrape.METRICS else OFF["internal"])
    else:
        session.show_error(exc)


def fetch[M: BaseModel](model: type[M], path: str) -> M | None:
    """An internal endpoint's JSON as `model`; None after saying why it is missing."""
    try:
        data: Any = session.client().internal(path)
        return model.model_validate(data)
    except ApiError as exc:
        explain(exc, path)
    except ValidationError:
        st.warning(f"`{path}` answered in a shape this page does not know; is the backend newer?")
    return None


def show_health() -> bool:
    """Health as metrics, then whether the key is accepted; False after explaining a failure."""
    client = session.client()
    try:
        health = client.health()
        auth = client.auth_status()
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
        cell.metric(label, "unknown" if value is None else ("yes" if value else "no"))
    # Answered at all: the key is accepted, or the backend is open; the internal API is ours.
    (st.success if auth.authenticated else st.info)(auth.message)
    return True


def _ms(value: float | None) -> str:
    return "no requests" if value is None else f"{value:,.1f} ms"


def show_traffic() -> None:
    """Rate, server errors and latency of the API over the last minutes, from /metrics."""
    try:
        text = session.client().metrics()
    except ApiError as exc:
        explain(exc, scrape.METRICS)
        return
    readings().append(scrape.parse(text, at=session.now()))
    parts = trends.intervals(list(readings()))
    minutes = KEEP_SECONDS // 60
    st.caption(
        f"API traffic (the v1 routes, less health probes and this page's own calls), read from "
        f"/metrics every {SAMPLE_SECONDS:.0f} s while this page is open; the last {minutes} "
        f"minutes are kept in this browser session. Headline numbers: the last {HEADLINE_SECONDS} s; "
        "latency percentiles are estimated within the histogram's buckets, as Prometheus does."
    )
    headline = trends.combined(trends.recent(parts, HEADLINE_SECONDS))
    if headline is None:
        st.caption("The first numbers come with the next reading.")
        return
    ratio = headline.error_ratio
    cells = st.columns(4)
    cells[0].metric("Requests/s", f"{headline.rate:,.2f}")
    cells[1].metric("Server errors", "no requests" if ratio is None else f"{ratio:.1%}")
    cells[2].metric("p50 latency", _ms(headline.latency_ms(0.5)))
    cells[3].metric("p95 latency", _ms(headline.latency_ms(0.95)))
    window = trends.combined(parts)
    assert window is not None
    if not window.requests:
        st.caption("No API requests since this page started reading; nothing to chart yet.")
        return
    rows = trends.chart_rows(parts)
    # One time axis for the three charts, the whole window, even where a chart has few points.
    span = [iso(parts[0].end - parts[0].seconds), iso(parts[-1].end)]
    rate, errors, latency = st.columns(3)
    rate.markdown("**Requests per second**")
    rate.altair_chart(line_chart(rows, span, "requests/s"), width="stretch")
    errors.markdown("**Server errors, % of requests**")
    if window.server_errors:
        errors.altair_chart(line_chart(rows, span, "errors %"), width="stretch")
    else:
        errors.caption(f"None in the last {minutes} minutes.")
    latency.markdown("**Latency p50 and p95, ms**")
    latency.altair_chart(line_chart(rows, span, "p50 ms", "p95 ms"), width="stretch")


def iso(at: float) -> str:
    return datetime.fromtimestamp(at, UTC).isoformat()


def line_chart(rows: list[dict[str, Any]], span: list[str], *measures: str) -> alt.Chart:
    """Lines with a dot per reading, so that a lone interval with requests still shows."""
    values = [row for row in rows if row["measure"] in measures]
    colour = alt.Color(
        "measure:N",
        scale=alt.Scale(domain=list(measures), range=list(COLOURS[: len(measures)])),
        legend=alt.Legend(orient="bottom", title=None) if len(measures) > 1 else None,
    )
    chart: alt.Chart = (
        alt.Chart(alt.InlineData(values=values))
        .mark_line(point=True)
        .encode(
            x=alt.X("time:T", title=None, scale=alt.Scale(domain=span)),
            y=alt.Y("value:Q", title=None),
            color=colour,
            tooltip=["measure:N", "time:T", "value:Q"],
        )
        .properties(height=CHART_HEIGHT)
    )
    return chart


def show_cache() -> None:
    """Hit ratio per cache tier since start-up."""
    metrics = fetch(monitoring.CacheMetrics, monitoring.CACHE_METRICS)
    if metrics is None:
        return
    rows = monitoring.cache_rows(metrics)
    unused = [tier for tier in metrics.tiers if tier not in {row["tier"] for row in rows}]
    for cell, row in zip(st.columns(max(len(rows), 1)), rows, strict=False):
        cell.metric(
            f"{row['tier'].capitalize()} tier hit ratio",
            f"{row['hit ratio']:.0%}",
            help=f"{row['hits']:,} hits of {row['lookups']:,} lookups since the backend started",
        )
    if unused:
        st.caption(f"No lookups yet in: {', '.join(unused)} (a tier not configured has none).")


def show_breakers() -> None:
    """Each model's breaker, coloured by state, with the time until an open one retries."""
    breakers = fetch(monitoring.Breakers, monitoring.CIRCUIT_BREAKERS)
    if breakers is None:
        return
    if not breakers.breakers:
        st.caption("No circuit breakers reported.")
        return
    st.markdown(monitoring.breakers_markdown(breakers))


def show_usage() -> None:
    """Tokens and cost per model, and the busiest routes, since start-up."""
    summary = fetch(monitoring.Summary, monitoring.MONITORING_METRICS)
    if summary is None:
        return
    models = monitoring.model_rows(summary)
    if models:
        st.dataframe(
            models,
            hide_index=True,
            width="stretch",
            column_config={"cost USD": st.column_config.NumberColumn(format="$%.4f")},
        )
        st.caption("Cost is estimated from token counts with genai-prices; local models cost 0.")
    else:
        st.caption("No model calls since the backend started.")
    routes = monitoring.route_rows(summary)
    if routes:
        with st.expander("Requests per route since the backend started"):
            st.dataframe(routes, hide_index=True, width="stretch")


def show_everything() -> None:
    """The whole page below the title; redrawn every SAMPLE_SECONDS."""
    st.subheader("Health")
    if not show_health():
        return
    st.subheader("Traffic")
    show_traffic()
    st.subheader("Cache")
    show_cache()
    st.subheader("Circuit breakers")
    show_breakers()
    st.subheader("Models: tokens and cost")
    show_usage()


st.title("Backend status")
st.fragment(show_everything, run_every=SAMPLE_SECONDS)()
