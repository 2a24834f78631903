"""Hidden fields a browser never changes, changed: each costs at most its own purpose, never a 500.

The weekly form's `opened` snapshot is JSON the page wrote; sent back tampered, the save simply
compares every input with the database instead (tests/pages cover that), whatever shape it has.
"""

from __future__ import annotations

import pytest

from reports.models import WeeklyReport
from tests.pages.weekform_helpers import build_last_week, edit_url, form_data
from tests.security.helpers import census

pytestmark = pytest.mark.django_db


@pytest.fixture
def week(team, lead):
    return build_last_week(team)


@pytest.mark.parametrize(
    "opened",
    [
        "[" * 100_000,
        '{"a":' * 5_000 + "1" + "}" * 5_000,
        '{"reflections": "\\ud800", "sections-0-id": "\\udfff"}',
        '{"reflections": ["x"], "sections-0-id": {"a": 1}}',
        '{"reflections": NaN}',
        "null",
        "\x00",
    ],
    ids=["deep-lists", "deep-objects", "lone-surrogates", "wrong-types", "nan", "null", "nul"],
)
def test_a_tampered_snapshot_saves_what_was_typed(client_for, lead, team, week, opened):
    client = client_for(lead)
    data = form_data(client.get(edit_url(team)))
    data["opened"] = opened
    data["reflections"] = "typed"
    response = client.post(edit_url(team), data)
    # A NUL is refused at the field like any text; every other shape saves what was typed.
    if "\x00" in opened:
        assert response.status_code == 400
        return
    assert response.status_code == 302, response.status_code
    assert WeeklyReport.objects.get(team=team, week__number=34).reflections == "typed"


def test_a_snapshot_nested_too_deep_writes_nothing_when_the_form_is_refused(client_for, lead, team, week):
    client = client_for(lead)
    data = form_data(client.get(edit_url(team)))
    data["opened"] = "[" * 100_000
    data["revision"] = "-1"
    before = census()
    response = client.post(edit_url(team), data)
    assert response.status_code == 400
    assert census() == before
