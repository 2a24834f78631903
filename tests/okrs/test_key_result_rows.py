"""The OKR board's hand-written body rows print what django-tables2's row block printed."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from common.lists import rows
from okrs import table_rows
from okrs.models import KeyResult, KeyResultUpdate
from tests.factories import make_key_result, make_objective, make_team, make_update, make_user

URL = reverse("okr-list")
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
Status = KeyResultUpdate.Status


@pytest.fixture
def board(team):
    """Markup in names, titles, codes and notes; owners with and without a name; no ETA, past the ETA,
    done late, value-measured with and without a target, no update this week, a closed item."""
    other = make_team(name="风控 <&>", slug="risk")
    named = make_user("zhang", first_name="San", last_name="<Zhang>")
    plain = make_user("li&si")
    o1 = make_objective(team, "O1", title="业务 <b>服务</b>", position=1)
    o2 = make_objective(other, "<O2>", title="能力 & 升级", position=2)
    late = make_key_result(o1, title="对公收佣 <i>", position=1, owner=named, eta=dt.date(2024, 8, 1))
    done = make_key_result(o1, title="", position=2, owner=plain, eta=dt.date(2024, 8, 1))
    fresh = make_key_result(o1, title="no update", position=3, eta=dt.date(2024, 12, 1))
    value = make_key_result(
        o2, title="新办卡", measure=KeyResult.Measure.VALUE, start_value=0, target_value=20, unit_label="张"
    )
    open_value = make_key_result(o2, title="open", measure=KeyResult.Measure.VALUE, unit_label=" <u>")
    closed = make_key_result(o2, title="closed", is_active=False)
    make_update(late, "2024-W32", 75)
    make_update(late, "2024-W33", "62.5", status=Status.AT_RISK, note="a <i>note</i>\n'line' & \"more\"")
    make_update(done, "2024-W31", 90)
    make_update(done, "2024-W33", 100, status=Status.DONE)
    make_update(value, "2024-W32", current_value=15)
    make_update(value, "2024-W33", current_value=12, status=Status.BLOCKED, note="=x")
    make_update(open_value, "2024-W33", current_value="1.5")
    make_update(closed, "2024-W33", 40, note="closed but updated")
    return fresh


def page(client, params, **headers) -> str:
    response = client.get(URL, params, **headers)
    assert response.status_code == 200
    return CSRF.sub("", response.content.decode())


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"week": "2024-W32"},
        {"week": "2024-W33", "sort": "-change"},
        {"sort": "progress", "team": "risk"},
        {"status": "at_risk"},
        {"q": "note"},
        {"week": "2024-W10"},
    ],
)
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_written_rows_equal_the_table_block(client_for, member, board, monkeypatch, params, language):
    client = client_for(member)
    calls = []
    real = table_rows.RowWriter.row_html
    with monkeypatch.context() as spy:
        spy.setattr(table_rows.RowWriter, "row_html", lambda self, row: calls.append(1) or real(self, row))
        written = page(client, params, HTTP_ACCEPT_LANGUAGE=language)
    assert calls or "No key results match these filters." in written or "没有" in written
    monkeypatch.setattr(table_rows, "VISIBLE", ())
    monkeypatch.setattr(rows, "ENABLED", False)
    assert page(client, params, HTTP_ACCEPT_LANGUAGE=language) == written


def test_the_fixture_reaches_every_kind_of_cell(client_for, member, board):
    html = page(client_for(member), {"week": "2024-W33"})
    assert 'class="past-eta-date"' in html and "past-eta even" in html
    assert '<span class="tone-worse">' in html and '<span class="tone-better">' in html
    assert "12.00 / 20.00张" in html and "1.50 &lt;u&gt;" in html
    assert "San &lt;Zhang&gt;" in html and "li&amp;si" in html


def test_rows_alternate_from_even_whatever_was_read_before(client_for, member, board):
    html = page(client_for(member), {"status": "at_risk"})
    assert re.findall(r'<tr class="([^"]*)">', html) == ["past-eta even"]


def test_an_unknown_column_set_falls_back_to_the_table_block(client_for, member, board, monkeypatch):
    calls = []
    monkeypatch.setattr(table_rows, "VISIBLE", ())
    monkeypatch.setattr(table_rows.RowWriter, "row_html", lambda self, row: calls.append(row))
    assert "对公收佣" in page(client_for(member), {})
    assert calls == []
