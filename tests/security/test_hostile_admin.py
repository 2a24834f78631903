"""The admin's own views with ids and filters no row can have: every admin, Django's User and Group too.

Each was a 500 in Django's or django-simple-history's code (reportsite/admin_site.py): an action on a
selection that is not an id, the history of an id that is not one, a NUL in a choice filter, and on
SQLite an id past 64 bits or a date filter at the calendar's edge.
"""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

from tests.factories import make_incident, make_kpi, make_report, make_value
from tests.security.helpers import census

pytestmark = pytest.mark.django_db

ADMINS = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)
IDS = [model._meta.label for model, _admin in ADMINS]
NOT_IDS = ["abc", "\x00", "1\x00", "9" * 30, "1.5"]


@pytest.fixture
def world(team, admin_user):
    make_report(team, "2024-W33")
    make_value(make_kpi(team, "需求交付数"), "2024-W33", 313)
    make_incident(team)
    return admin_user


def _changelist(model) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def _actions(model_admin, user) -> list[str]:
    request = type("Request", (), {"user": user, "GET": {}, "method": "GET"})()
    return list(model_admin.get_actions(request))


@pytest.mark.parametrize(("model", "model_admin"), ADMINS, ids=IDS)
def test_an_action_on_a_selection_that_names_no_row_changes_nothing(client_for, world, model, model_admin):
    client = client_for(world)
    before = census()
    for action in _actions(model_admin, world):
        for selected in NOT_IDS:
            response = client.post(
                _changelist(model), {"action": action, "_selected_action": [selected], "index": "0"}
            )
            assert response.status_code == 302, (action, selected, response.status_code)
    assert census() == before


@pytest.mark.parametrize(("model", "model_admin"), ADMINS, ids=IDS)
def test_the_history_of_an_id_that_is_not_one_is_not_found(client_for, world, model, model_admin):
    client = client_for(world)
    for object_id in ["abc", "%00", "1%00"]:
        response = client.get(f"{_changelist(model)}{object_id}/history/")
        assert response.status_code in (302, 404), (object_id, response.status_code)
    if hasattr(model, "history"):
        first = model.objects.first()
        if first is not None:
            for version in ["abc", "%00", "9" * 30]:
                response = client.get(f"{_changelist(model)}{first.pk}/history/{version}/")
                assert response.status_code == 404, (version, response.status_code)


@pytest.mark.parametrize(("model", "model_admin"), ADMINS, ids=IDS)
def test_a_nul_in_any_changelist_parameter_is_an_invalid_filter(client_for, world, model, model_admin):
    client = client_for(world)
    names = ["q", "o", "p", "status__exact", "grade__exact", "team__id__exact", "is_active__exact"]
    for name in names:
        response = client.get(_changelist(model), {name: "a\x00b"})
        assert response.status_code in (200, 302), (name, response.status_code)


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_a_date_filter_at_the_calendars_edge_is_an_invalid_filter(client_for, world, day):
    for lookup in ["started_at__gte", "started_at__lt"]:
        response = client_for(world).get(reverse("admin:incidents_incident_changelist"), {lookup: day})
        assert response.status_code in (200, 302), (lookup, response.status_code)


def test_a_real_selection_still_runs_the_action(client_for, world, team):
    make_kpi(team, "线上bug")
    kpi = make_kpi(team, "延期率")
    response = client_for(world).post(
        reverse("admin:reports_kpi_changelist"),
        {"action": "archive_selected", "_selected_action": [str(kpi.pk)], "index": "0"},
    )
    assert response.status_code == 302
    kpi.refresh_from_db()
    assert not kpi.is_active
