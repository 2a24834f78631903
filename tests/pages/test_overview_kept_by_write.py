"""A lead's save keeps the team's overview part: the manager's next view builds nothing for that team.

Committed writes on a real in-memory cache, as in test_overview_parts.py, whose fixtures these reuse.
"""

import logging

import pytest
from django.urls import reverse

from bench.generator import LAST_WEEK
from bench.measure import form_data
from documents.export import team_week_markdown
from documents.importer import import_report, parse_document
from documents.importer.catalogue import catalogue_of
from pages import overview
from pages.forms import kpi_key
from reports.models import KPIValue, WeeklyReport
from tests.api.conftest import ApiClient, issue
from tests.incidents.test_incident_create import post_data as incident_post_data
from tests.pages.test_overview_parts import builds, department, from_every_row, kept, snapshot

pytestmark = pytest.mark.django_db(transaction=True)

__all__ = ["builds", "department", "kept"]  # fixtures, used by name


def edit_url(team) -> str:
    return reverse("team-week-edit", kwargs={"team": team.slug, "week": LAST_WEEK})


def a_value_of(team) -> KPIValue:
    return KPIValue.objects.filter(
        kpi__team=team, week__starts_on=LAST_WEEK.monday, kpi__is_active=True
    ).first()


def changed(value: KPIValue):
    # One up, or one down where a percentage is near its top: a figure every kind of KPI accepts.
    return value.value - 1 if value.value > 90 else value.value + 1


def save_a_new_value(client, team) -> KPIValue:
    """The lead's form posted with one KPI value changed, as a browser sends it."""
    value = a_value_of(team)
    data = form_data(client.get(edit_url(team)).content.decode(), edit_url(team))
    data[kpi_key(value.kpi)] = [str(changed(value))]
    response = client.post(edit_url(team), data)
    assert response.status_code == 302, response.context["form"].errors
    return value


def test_after_a_leads_save_the_overview_builds_no_part(department, builds, client_for):
    overview.department_week(LAST_WEEK)
    team = department[1]
    client = client_for(team.leads.get())
    save_a_new_value(client, team)
    assert builds[1:] == [[team.slug]]  # built by the save, not by a view
    after = snapshot(overview.department_week(LAST_WEEK))
    assert builds[2:] == []
    assert after == from_every_row()


def test_the_card_is_kept_in_the_writers_language(department, builds, client_for):
    team = department[0]
    client = client_for(team.leads.get())
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    save_a_new_value(client, team)
    manager_view = client.get(reverse("department-week", kwargs={"week": LAST_WEEK}))
    assert manager_view.status_code == 200
    # The page built every team but the one whose save kept its part and its card.
    assert builds[-1] == sorted(other.slug for other in department if other != team)
    assert "查看团队周报 →" in manager_view.content.decode()


def test_an_api_write_keeps_the_part(department, builds):
    overview.department_week(LAST_WEEK)
    team = department[2]
    value = a_value_of(team)
    url = f"/api/v1/teams/{team.slug}/weeks/{LAST_WEEK}/kpi-values/"
    body = {"values": [{"kpi": value.kpi_id, "value": str(value.value + 11)}]}
    response = ApiClient(issue(team.leads.get())).put(url, body)
    assert response.status_code == 200, response.content
    assert builds[1:] == [[team.slug]]
    after = snapshot(overview.department_week(LAST_WEEK))
    assert builds[2:] == []
    assert after == from_every_row()


def test_publishing_keeps_the_part(department, builds, client_for, admin_user):
    team = department[0]
    report = WeeklyReport.objects.get(team=team, week__starts_on=LAST_WEEK.monday)
    WeeklyReport.objects.filter(pk=report.pk).update(status=WeeklyReport.Status.SUBMITTED)
    overview.department_week(LAST_WEEK)
    publish = reverse("team-week-publish", kwargs={"team": team.slug, "week": LAST_WEEK})
    assert client_for(admin_user).post(publish).status_code == 302
    assert builds[1:] == [[team.slug]]
    after = snapshot(overview.department_week(LAST_WEEK))
    assert builds[2:] == []
    assert after == from_every_row()


def test_a_part_that_fails_to_build_fails_no_save(department, builds, client_for, monkeypatch, caplog):
    """The save is committed before the part is built: a failure is logged and the view builds it."""
    team = department[1]
    client = client_for(team.leads.get())

    def broken(*args):
        raise RuntimeError("the part could not be built")

    monkeypatch.setattr(overview, "_incident_records", broken)
    with caplog.at_level(logging.ERROR, logger="pages.overview"):
        value = save_a_new_value(client, team)
    assert "was not kept after its write" in caplog.text
    assert KPIValue.objects.get(pk=value.pk).value == changed(value)
    monkeypatch.undo()
    assert snapshot(overview.department_week(LAST_WEEK)) == from_every_row()


def test_an_import_keeps_the_part(department, builds):
    team = department[1]
    document = team_week_markdown(team, LAST_WEEK)
    a_value_of(team).delete()
    overview.department_week(LAST_WEEK)
    built_before = len(builds)
    result = import_report(parse_document(document, catalogue=catalogue_of(team)), team)
    assert result.changed
    assert builds[built_before:] == [[team.slug]]
    after = snapshot(overview.department_week(LAST_WEEK))
    assert builds[built_before + 1 :] == []
    assert after == from_every_row()


def test_recording_an_incident_keeps_the_part(department, builds, client_for):
    overview.department_week(LAST_WEEK)
    team = department[1]
    url = reverse("incident-create", kwargs={"team": team.slug, "week": LAST_WEEK})
    started = f"{LAST_WEEK.monday.isoformat()}T10:00"
    data = incident_post_data(started_at=started, detected_at=started)
    response = client_for(team.leads.get()).post(url, data)
    assert response.status_code == 302
    assert builds[1:] == [[team.slug]]
    after = snapshot(overview.department_week(LAST_WEEK))
    assert builds[2:] == []
    assert after == from_every_row()
