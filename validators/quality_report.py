"""The quality scorecard and suite outcomes as a picture and one HTML page.

Pure: both functions return bytes or text and write nothing, so the caller
decides where a report lives (a Dagster asset, the store, a mail). Nothing here
sees a record: the scorecard holds only counts and shares, and suite samples
were masked by ``run_suite``; every string is still HTML-escaped, because a
source name or a reason code comes from data too.

matplotlib is imported inside the function (it costs a second) and draws on
its Agg canvas directly, without pyplot, so no global backend or figure state
is touched in a process that also runs a UI or other threads.
"""

from __future__ import annotations

import base64
import html
import io

import pandas as pd

from .scorecard import ALL_SOURCES
from .validation import SuiteOutcome

__all__ = ["quality_report_html", "scorecard_chart_png"]

#: Bars of the left panel, in this order, with their axis labels.
_SHARE_METRICS: dict[str, str] = {
    "completeness_name": "name",
    "completeness_phone": "phone",
    "completeness_email": "email",
    "completeness_company": "company",
    "completeness_city": "city",
    "validity_phone": "valid phone",
    "validity_email": "valid email",
}
_COUNT_METRICS = ("records_read", "records_accepted", "records_quarantined")
_ALL_COLOR = "#7f7f7f"


def scorecard_chart_png(scorecard: pd.DataFrame) -> bytes:
    """Per source: completeness and validity bars (left), quarantine rate (right)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    table = _matrix(scorecard)
    sources = list(table.columns)
    fig = Figure(figsize=(12, 5), dpi=100, layout="constrained")
    FigureCanvasAgg(fig)  # the Agg backend, for this figure only
    left, right = fig.subplots(1, 2, width_ratios=(3, 1))
    metrics = [m for m in _SHARE_METRICS if m in table.index]
    width = 0.8 / max(len(sources), 1)
    for i, source in enumerate(sources):
        values = [_percent(table, m, source) for m in metrics]
        positions = [x + (i - (len(sources) - 1) / 2) * width for x in range(len(metrics))]
        color = _ALL_COLOR if source == ALL_SOURCES else None
        left.bar(positions, values, width=width, label=source, color=color)
    left.set_xticks(range(len(metrics)), [_SHARE_METRICS[m] for m in metrics])
    left.set_ylim(0, 122)  # headroom for the one-row legend
    left.set_yticks(range(0, 101, 20))
    left.set_ylabel("share of records (%)")
    left.set_xlabel("field completeness and validity")
    left.set_title("Completeness and validity per source")
    if not sources:
        left.text(0.5, 0.5, "no records in this run", ha="center", transform=left.transAxes)
    else:
        left.legend(loc="upper center", ncols=len(sources), fontsize="small", frameon=False)
    rates = [_percent(table, "quarantine_rate", s) for s in sources]
    colors = [_ALL_COLOR if s == ALL_SOURCES else "#c0504d" for s in sources]
    bars = right.bar(range(len(sources)), rates, color=colors)
    right.bar_label(bars, labels=[f"{r:.1f}%" for r in rates], fontsize="small")
    right.set_xticks(range(len(sources)), sources, rotation=30, ha="right")
    right.set_ylim(0, max([*rates, 10.0]) * 1.15)
    right.set_ylabel("quarantined ÷ read (%)")
    right.set_xlabel("source")
    right.set_title("Quarantine rate")
    run = _first(scorecard, "run_id")
    fig.suptitle(f"Data quality scorecard{f' — run {run}' if run else ''}")
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


def quality_report_html(
    scorecard: pd.DataFrame, outcomes: list[SuiteOutcome], chart_png: bytes, title: str
) -> str:
    """One self-contained page: chart, scorecard (metric × source) and every suite."""
    chart = base64.b64encode(chart_png).decode("ascii")
    run, measured = _first(scorecard, "run_id"), _first(scorecard, "measured_at")
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{_esc(title)}</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>{_esc(title)}</h1>",
        f"<p>Run <code>{_esc(run or '—')}</code>, measured {_esc(measured or '—')}.</p>",
        _summary(outcomes),
        f'<img alt="Data quality scorecard chart" src="data:image/png;base64,{chart}">',
        "<h2>Scorecard</h2>",
        _scorecard_table(scorecard),
        *(_suite_section(o) for o in outcomes),
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"


_CSS = (
    "body{font-family:system-ui,sans-serif;margin:2em;color:#222}"
    "table{border-collapse:collapse;margin:1em 0}"
    "th,td{border:1px solid #ccc;padding:.3em .6em;text-align:left;vertical-align:top}"
    "td.num{text-align:right;font-variant-numeric:tabular-nums}"
    "th{background:#f3f3f3}.pass{color:#1a7f37}.fail{color:#cf222e;font-weight:bold}"
    ".warn{color:#9a6700;font-weight:bold}img{max-width:100%}"
)


def _summary(outcomes: list[SuiteOutcome]) -> str:
    items = []
    for o in outcomes:
        state = ("pass", "errors passed") if o.errors_passed else ("fail", "errors FAILED")
        warn = ("pass", "warnings passed") if o.warnings_passed else ("warn", "warnings failed")
        items.append(
            f'<li>{_esc(o.suite)}: <span class="{state[0]}">{state[1]}</span>, '
            f'<span class="{warn[0]}">{warn[1]}</span></li>'
        )
    return f"<ul>{''.join(items)}</ul>" if items else "<p>No expectation suites were run.</p>"


def _scorecard_table(scorecard: pd.DataFrame) -> str:
    table = _matrix(scorecard)
    if table.empty:
        return "<p>The scorecard is empty.</p>"
    head = "".join(f"<th>{_esc(s)}</th>" for s in table.columns)
    rows = []
    for metric in table.index:
        cells = "".join(f'<td class="num">{_esc(_format(metric, table.at[metric, s]))}</td>' for s in table.columns)
        rows.append(f"<tr><th>{_esc(metric)}</th>{cells}</tr>")
    return f'<table class="scorecard"><tr><th>metric</th>{head}</tr>{"".join(rows)}</table>'


def _suite_section(outcome: SuiteOutcome) -> str:
    rows = []
    for o in outcome.outcomes:
        css = "pass" if o.success else ("fail" if o.severity == "error" else "warn")
        sample = "<br>".join(_esc(s) for s in o.sample)
        rows.append(
            f"<tr><td><code>{_esc(o.expectation)}</code></td><td>{_esc(o.severity)}</td>"
            f'<td class="{css}">{"pass" if o.success else "FAIL"}</td>'
            f'<td class="num">{o.unexpected_count} of {o.element_count} ({o.unexpected_percent:.1f}%)</td>'
            f"<td>{sample}</td><td>{_esc(o.why)}</td></tr>"
        )
    head = "<tr><th>expectation</th><th>severity</th><th>result</th><th>unexpected</th><th>sample (masked)</th><th>why</th></tr>"
    return f"<h2>Suite {_esc(outcome.suite)}</h2><table>{head}{''.join(rows)}</table>"


def _matrix(scorecard: pd.DataFrame) -> pd.DataFrame:
    """metric × source (sources in scorecard order, ALL last), values as floats."""
    if scorecard.empty:
        return pd.DataFrame()
    order = list(dict.fromkeys(scorecard["source_system"].astype(str)))
    order = [s for s in order if s != ALL_SOURCES] + ([ALL_SOURCES] if ALL_SOURCES in order else [])
    metrics = list(dict.fromkeys(scorecard["metric"].astype(str)))
    table = scorecard.pivot_table(index="metric", columns="source_system", values="value", aggfunc="last")
    return table.reindex(index=metrics, columns=order)


def _percent(table: pd.DataFrame, metric: str, source: str) -> float:
    if metric not in table.index or source not in table.columns:
        return 0.0
    value = table.at[metric, source]
    return 0.0 if pd.isna(value) else float(value) * 100


def _format(metric: str, value: float) -> str:
    if pd.isna(value):
        return "–"
    return f"{int(value)}" if metric in _COUNT_METRICS else f"{value:.1%}"


def _first(scorecard: pd.DataFrame, column: str) -> str | None:
    if column not in scorecard or scorecard.empty:
        return None
    return str(scorecard[column].iloc[0])


def _esc(value: object) -> str:
    return html.escape(str(value), quote=True)
