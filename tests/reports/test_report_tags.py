"""Template filters of report_tags: progress changes, percents, shares and durations as people write them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from common.formatting import format_duration
from reports.templatetags.report_tags import duration, percent, share, signed_pp


@pytest.mark.parametrize(
    ("value", "text"),
    [("5.00", "+5 pp"), ("-2.50", "\u22122.5 pp"), ("0.00", "0 pp"), ("1E+1", "+10 pp"), ("-0.00", "0 pp")],
)
def test_signed_pp(value, text):
    assert signed_pp(Decimal(value)) == text


@pytest.mark.parametrize(
    ("value", "text"), [("85", "85%"), ("62.50", "62.5%"), ("100.00", "100%"), ("1E+2", "100%")]
)
def test_percent(value, text):
    assert percent(Decimal(value)) == text


@pytest.mark.parametrize(("value", "text"), [("0.50", "0.5"), ("1.00", "1"), ("10.00", "10"), ("-0.00", "0")])
def test_share(value, text):
    assert share(Decimal(value)) == text


def test_missing_values_are_a_dash():
    assert (signed_pp(None), percent(None), share(None), duration(None)) == ("", "–", "–", "–")


@pytest.mark.parametrize(
    "value",
    [
        dt.timedelta(minutes=45, seconds=59),
        dt.timedelta(hours=1, minutes=29),
        dt.timedelta(days=1, hours=3, minutes=5),
        dt.timedelta(0),
    ],
)
def test_duration_reads_like_the_incident_pages(value):
    assert duration(value) == format_duration(value)
