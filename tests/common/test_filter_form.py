"""A list's filter form printed with its labels written in Python equals the form printed by the templates."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from common import widgets
from common.lists import filters
from tests.factories import make_key_result, make_objective, make_team

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


@pytest.mark.parametrize(
    "params",
    [{}, {"team": "risk", "q": "<b>", "status": "at_risk"}, {"week": "2024-W99", "team": "ghost"}],
)
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_labels_equal_the_template(client_for, member, team, monkeypatch, params, language):
    make_key_result(make_objective(make_team(name="风控 <&>", slug="risk")), title="item")
    make_key_result(make_objective(team), title="other")
    client = client_for(member)
    calls = []
    real = filters._label
    with monkeypatch.context() as spy:
        spy.setattr(filters, "_label", lambda context: calls.append(1) or real(context))
        written = CSRF.sub(
            "", client.get(reverse("okr-list"), params, HTTP_ACCEPT_LANGUAGE=language).content.decode()
        )
    assert len(calls) == 6
    monkeypatch.setattr(filters, "LABELS_ENABLED", False)
    monkeypatch.setattr(widgets, "ENABLED", False)
    templated = CSRF.sub(
        "", client.get(reverse("okr-list"), params, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    )
    assert templated == written
    assert '<label for="id_team">' in written
