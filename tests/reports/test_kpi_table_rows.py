"""The KPI list's hand-written body rows print what django-tables2's row block printed."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from reports import table_rows
from reports.models import KPI, KPIValue
from tests.factories import make_kpi, make_team, make_value, make_week

URL = reverse("kpi-list")
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


@pytest.fixture
def history(team):
    other = make_team(name="风控 <&>", slug="risk")
    rate = make_kpi(team, "需求吞吐率", group="效能", unit=KPI.Unit.PERCENT, decimals=2, target="90")
    bugs = make_kpi(
        other, "<b>bugs</b>", direction=KPI.Direction.LOWER_IS_BETTER, unit_label="个", target="10"
    )
    total = make_kpi(
        other, "累计", kind=KPI.Kind.CUMULATIVE, direction=KPI.Direction.NEUTRAL, unit_label="万元"
    )
    for week, values in {
        "2024-W31": ("96.05", 12, 1000),
        "2024-W32": ("81.72", "9", 1100),
        "2024-W33": ("81.72", 0, 1100),
    }.items():
        for kpi, value in zip((rate, bugs, total), values, strict=True):
            make_value(kpi, week, value, note="a <i>note</i>\nline" if kpi is bugs else "")
    KPIValue.objects.create(kpi=rate, week=make_week("2024-W34"), value=None, note="=missing")


def page(client, params, **headers) -> str:
    return CSRF.sub("", client.get(URL, params, **headers).content.decode())


@pytest.mark.parametrize(
    "params", [{}, {"sort": "change"}, {"sort": "-relative_change", "team": "risk"}, {"week": "2024-W33"}]
)
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_written_rows_equal_the_table_block(client_for, member, history, monkeypatch, params, language):
    client = client_for(member)
    calls = []
    real = table_rows.RowWriter.row_html
    with monkeypatch.context() as spy:
        spy.setattr(table_rows.RowWriter, "row_html", lambda self, row: calls.append(1) or real(self, row))
        written = page(client, params, HTTP_ACCEPT_LANGUAGE=language)
    assert calls
    assert 'class="tone-' in written
    monkeypatch.setattr(table_rows, "VISIBLE", ())
    assert page(client, params, HTTP_ACCEPT_LANGUAGE=language) == written


def test_an_unknown_column_set_falls_back_to_the_table_block(client_for, member, history, monkeypatch):
    calls = []
    monkeypatch.setattr(table_rows, "VISIBLE", ())
    monkeypatch.setattr(table_rows.RowWriter, "row_html", lambda self, row: calls.append(row))
    assert "需求吞吐率" in page(client_for(member), {})
    assert calls == []
