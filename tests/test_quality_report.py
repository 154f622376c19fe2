"""The scorecard chart (PNG bytes) and the self-contained HTML report."""

from __future__ import annotations

import base64
import re

import pandas as pd

from tests.test_scorecard import AT, RUN, example_frames
from validators.quality_report import quality_report_html, scorecard_chart_png
from validators.scorecard import quality_scorecard
from validators.validation import ExpectationOutcome, SuiteOutcome

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
HOSTILE = "<script>alert('客户')</script>"


def scorecard() -> pd.DataFrame:
    return quality_scorecard(*example_frames(), run_id=RUN, measured_at=AT)


def outcomes() -> list[SuiteOutcome]:
    """Outcomes as ``run_suite`` returns them (samples already masked)."""
    placeholder = ExpectationOutcome(
        expectation="expect_column_values_to_be_in_set(phone_is_placeholder)",
        column="phone_is_placeholder", severity="error", success=False, element_count=326,
        unexpected_count=1, unexpected_percent=100 / 326, sample=("+86 138****8000", HOSTILE),
        why="A well-known dummy number would ring a stranger, not the customer.",
    )
    email = ExpectationOutcome(
        expectation="expect_column_values_to_not_be_null(email, mostly=0.2)", column="email",
        severity="warning", success=True, element_count=326, unexpected_count=190,
        unexpected_percent=58.3, sample=("CM-008531B64402",), why="Fewer customers than usual have email.",
    )
    return [SuiteOutcome("golden_customers", (placeholder, email))]


def test_chart_is_a_png() -> None:
    png = scorecard_chart_png(scorecard())
    assert png.startswith(PNG_SIGNATURE)
    assert len(png) > 10_000  # something was drawn


def test_chart_of_an_empty_scorecard_is_still_a_png() -> None:
    assert scorecard_chart_png(scorecard().iloc[0:0]).startswith(PNG_SIGNATURE)


def test_html_is_one_self_contained_page() -> None:
    png = scorecard_chart_png(scorecard())
    page = quality_report_html(scorecard(), outcomes(), png, "客户主数据 quality report")
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert f'src="data:image/png;base64,{base64.b64encode(png).decode()}"' in page
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)  # no external assets
    assert "<link" not in page and "<script" not in page


def test_html_has_the_scorecard_table_and_every_expectation() -> None:
    page = quality_report_html(scorecard(), outcomes(), b"\x89PNG", "report")
    assert '<table class="scorecard">' in page
    header = re.search(r'<table class="scorecard"><tr>(.*?)</tr>', page).group(1)
    assert re.findall(r"<th>(.*?)</th>", header) == ["metric", "web_forms", "wechat", "ALL"]
    assert "<tr><th>records_read</th><td" in page and ">33.3%<" in page  # web_forms quarantine rate
    assert "expect_column_values_to_be_in_set(phone_is_placeholder)" in page
    assert "+86 138****8000" in page and ">FAIL<" in page and "errors FAILED" in page


def test_html_escapes_values() -> None:
    card = scorecard()
    card.loc[card["source_system"] == "wechat", "source_system"] = HOSTILE
    page = quality_report_html(card, outcomes(), b"\x89PNG", f"report {HOSTILE}")
    assert "<script>" not in page
    assert "&lt;script&gt;alert(&#x27;客户&#x27;)&lt;/script&gt;" in page


def test_html_of_an_empty_run() -> None:
    page = quality_report_html(scorecard().iloc[0:0], [], scorecard_chart_png(scorecard().iloc[0:0]), "empty")
    assert "The scorecard is empty." in page and "No expectation suites were run." in page
