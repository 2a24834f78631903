"""Deleting something with history is refused, never a 500, and archiving is offered instead.

Teams, KPIs, objectives and key results are PROTECTed by their history. The admin's delete page and
its "delete selected" action must show Django's "cannot delete" page and leave every row; the
"Archive selected" action sets is_active=False, which takes a KPI off the weekly form while its
history stays on the KPI page.
"""

from __future__ import annotations

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse

from okrs.models import KeyResult, Objective
from reports.models import KPI, Team, WeeklyReport
from tests.factories import make_key_result, make_kpi, make_objective, make_report, make_update, make_value
from tests.security.helpers import census

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(team):
    kpi = make_kpi(team, "需求交付数")
    make_value(kpi, "2024-W32", 292)
    make_value(kpi, "2024-W33", 313)
    objective = make_objective(team, "O1", title="业务服务")
    key_result = make_key_result(objective, title="对公收佣")
    make_update(key_result, "2024-W33", 80)
    make_report(team, "2024-W33", status=WeeklyReport.Status.SUBMITTED)
    return {"team": team, "kpi": kpi, "objective": objective, "key_result": key_result}


def rows(world):
    return {name: type(obj).objects.filter(pk=obj.pk).exists() for name, obj in world.items()}


MODELS = {
    "team": "reports_team",
    "kpi": "reports_kpi",
    "objective": "okrs_objective",
    "key_result": "okrs_keyresult",
}


@pytest.mark.parametrize("name", list(MODELS))
def test_the_delete_page_of_an_object_with_history_refuses_and_offers_archiving(
    client_for, admin_user, world, name
):
    client = client_for(admin_user)
    obj = world[name]
    url = reverse(f"admin:{MODELS[name]}_delete", args=[obj.pk])
    before = census()

    page = client.get(url)
    assert page.status_code == 200
    assert page.context["protected"], "Django lists what protects the object"
    assert "Archive selected" in page.content.decode()

    confirmed = client.post(url, {"post": "yes"})
    assert confirmed.status_code == 200
    assert confirmed.context["protected"]
    assert census() == before
    assert all(rows(world).values())
    assert not LogEntry.objects.filter(action_flag=3).exists()


@pytest.mark.parametrize("name", list(MODELS))
def test_the_delete_selected_action_leaves_every_row(client_for, admin_user, world, name):
    client = client_for(admin_user)
    obj = world[name]
    before = census()
    response = client.post(
        reverse(f"admin:{MODELS[name]}_changelist"),
        {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"},
    )
    assert response.status_code == 200
    assert "protected" in response.content.decode().lower() or response.context["protected"]
    assert census() == before
    assert all(rows(world).values())


@pytest.mark.parametrize("name", list(MODELS))
def test_archive_selected_deactivates_and_records_history(client_for, admin_user, world, name):
    client = client_for(admin_user)
    obj = world[name]
    model = type(obj)
    history_before = model.history.filter(id=obj.pk).count()
    response = client.post(
        reverse(f"admin:{MODELS[name]}_changelist"),
        {"action": "archive_selected", "_selected_action": [obj.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert "1 archived." in response.content.decode()
    obj.refresh_from_db()
    assert obj.is_active is False
    assert model.history.filter(id=obj.pk).count() == history_before + 1
    assert model.history.filter(id=obj.pk).latest("history_date").history_user == admin_user
    assert all(rows(world).values())


def test_only_change_permission_may_archive(client, world):
    from django.contrib.auth.models import Permission

    from tests.factories import make_user

    viewer = make_user("viewer", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_kpi"))
    client.force_login(viewer)
    response = client.post(
        reverse("admin:reports_kpi_changelist"),
        {"action": "archive_selected", "_selected_action": [world["kpi"].pk]},
    )
    assert response.status_code in (200, 302, 403)
    world["kpi"].refresh_from_db()
    assert world["kpi"].is_active is True


def test_an_archived_kpi_leaves_the_weekly_form_but_keeps_its_history_page(
    client_for, admin_user, lead, world
):
    kpi = world["kpi"]
    other = make_kpi(world["team"], "需求吞吐率")
    client_for(admin_user).post(
        reverse("admin:reports_kpi_changelist"),
        {"action": "archive_selected", "_selected_action": [kpi.pk]},
    )
    form = client_for(lead).get(reverse("team-week-edit", kwargs={"team": "payments", "week": "2024-W34"}))
    assert form.status_code == 200
    assert f"kpi_{kpi.pk}" not in form.context["form"].fields
    assert f"kpi_{other.pk}" in form.context["form"].fields

    page = client_for(lead).get(reverse("kpi-detail", kwargs={"pk": kpi.pk}))
    assert page.status_code == 200
    assert [str(row.week) for row in page.context["rows"]] == ["2024-W33", "2024-W32"]
    html = page.content.decode()
    assert "313" in html and "292" in html


def test_archived_rows_can_be_restored_with_their_history_intact(client_for, admin_user, world):
    client = client_for(admin_user)
    client.post(
        reverse("admin:reports_team_changelist"),
        {"action": "archive_selected", "_selected_action": [world["team"].pk]},
    )
    assert Team.objects.get(pk=world["team"].pk).is_active is False
    assert KPI.objects.filter(team=world["team"]).count() == 1
    assert Objective.objects.filter(team=world["team"]).count() == 1
    assert KeyResult.objects.filter(objective__team=world["team"]).count() == 1
    assert world["kpi"].values.count() == 2
