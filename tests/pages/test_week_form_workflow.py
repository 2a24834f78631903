"""draft → submitted → published (locked); managers publish, admins unlock; every change has a who."""

import pytest
from django.urls import reverse

from common.weeks import IsoWeek
from pages.history import recent_changes
from reports.models import WeeklyReport
from tests.factories import make_report
from tests.pages.weekform_helpers import THIS_WEEK, build_last_week, database_state, edit_url, form_data

pytestmark = pytest.mark.django_db


def action_url(name, team, week=THIS_WEEK):
    return reverse(name, kwargs={"team": team.slug, "week": week})


@pytest.fixture
def submitted(team):
    return make_report(team, THIS_WEEK, status=WeeklyReport.Status.SUBMITTED)


def test_manager_publishes_a_submitted_week(client_for, manager, team, submitted):
    response = client_for(manager).post(action_url("team-week-publish", team))
    assert response.status_code == 302
    assert response.url == action_url("team-week", team)
    submitted.refresh_from_db()
    assert submitted.status == WeeklyReport.Status.PUBLISHED
    assert submitted.published_by == manager and submitted.published_at is not None
    assert submitted.revision == 2
    record = submitted.history.first()
    assert (record.history_user, record.history_change_reason) == (manager, "published")


def test_admin_publishes_too(client_for, admin_user, team, submitted):
    client_for(admin_user).post(action_url("team-week-publish", team))
    submitted.refresh_from_db()
    assert submitted.is_locked


@pytest.mark.parametrize("who", ["lead", "member", "other_lead", "outsider"])
def test_only_managers_publish(request, client_for, team, submitted, who):
    user = request.getfixturevalue(who)
    before = database_state()
    response = client_for(user).post(action_url("team-week-publish", team))
    assert response.status_code == 403
    assert database_state() == before


def test_a_draft_cannot_be_published(client_for, manager, team):
    draft = make_report(team, THIS_WEEK)
    before = database_state()
    response = client_for(manager).post(action_url("team-week-publish", team), follow=False)
    assert response.status_code == 302
    assert database_state() == before
    draft.refresh_from_db()
    assert draft.status == WeeklyReport.Status.DRAFT


def test_publishing_a_week_without_report_is_404(client_for, manager, team):
    assert client_for(manager).post(action_url("team-week-publish", team)).status_code == 404
    assert client_for(manager).post(action_url("team-week-publish", team, "2024-W60")).status_code == 404


def test_publish_and_unlock_are_post_only(client_for, admin_user, team, submitted):
    client = client_for(admin_user)
    assert client.get(action_url("team-week-publish", team)).status_code == 405
    assert client.get(action_url("team-week-unlock", team)).status_code == 405


def test_anonymous_publish_goes_to_login(client, team, submitted):
    response = client.post(action_url("team-week-publish", team))
    assert response.status_code == 302 and "/accounts/login/" in response.url
    submitted.refresh_from_db()
    assert submitted.status == WeeklyReport.Status.SUBMITTED


def test_admin_unlocks_back_to_submitted_with_who_in_history(client_for, admin_user, team):
    report = make_report(team, THIS_WEEK, status=WeeklyReport.Status.PUBLISHED)
    response = client_for(admin_user).post(action_url("team-week-unlock", team))
    assert response.status_code == 302
    assert response.url == edit_url(team)
    report.refresh_from_db()
    assert report.status == WeeklyReport.Status.SUBMITTED
    record = report.history.first()
    assert (record.history_user, record.history_change_reason) == (admin_user, "unlocked")
    changes = recent_changes(team, IsoWeek.parse(THIS_WEEK))
    assert changes[0].who == "admin" and changes[0].reason == "unlocked"


@pytest.mark.parametrize("who", ["manager", "lead", "member"])
def test_only_admins_unlock(request, client_for, team, who):
    report = make_report(team, THIS_WEEK, status=WeeklyReport.Status.PUBLISHED)
    user = request.getfixturevalue(who)
    before = database_state()
    assert client_for(user).post(action_url("team-week-unlock", team)).status_code == 403
    assert database_state() == before
    report.refresh_from_db()
    assert report.is_locked


def test_unlocking_an_unlocked_week_changes_nothing(client_for, admin_user, team, submitted):
    before = database_state()
    assert client_for(admin_user).post(action_url("team-week-unlock", team)).status_code == 302
    assert database_state() == before


def test_unlocked_week_is_editable_by_its_lead_again(client_for, admin_user, lead, team):
    build_last_week(team)
    make_report(team, THIS_WEEK, status=WeeklyReport.Status.PUBLISHED)
    client_for(admin_user).post(action_url("team-week-unlock", team))
    client = client_for(lead)
    response = client.get(edit_url(team))
    assert response.context["read_only"] is False
    assert client.post(edit_url(team), form_data(response)).status_code == 302


def test_latest_changes_show_who_changed_what(client_for, lead, team, django_assert_num_queries):
    last_week = build_last_week(team)
    client = client_for(lead)
    data = form_data(client.get(edit_url(team)))
    data[f"kpi_{last_week['delivered'].pk}"] = "330"
    data["action"] = "submit"
    client.post(edit_url(team), data)
    week = IsoWeek.parse(THIS_WEEK)
    with django_assert_num_queries(1):
        changes = recent_changes(team, week)
    whats = [(change.who, change.kind, change.what) for change in changes]
    assert ("lead", "KPI value", "需求交付数: 330") in whats
    assert ("lead", "next-week plan", "贝易转业务拓展方案") not in whats  # untouched last-week plan
    html = client.get(edit_url(team)).content.decode()
    assert "Latest changes" in html and "需求交付数: 330" in html


def test_team_week_page_shows_latest_changes_and_publish_to_managers(client_for, lead, manager, team):
    last_week = build_last_week(team)
    client = client_for(lead)
    data = form_data(client.get(edit_url(team)))
    data[f"kpi_{last_week['delivered'].pk}"] = "330"
    data["action"] = "submit"
    client.post(edit_url(team), data)
    page = action_url("team-week", team)
    html = client.get(page).content.decode()
    assert "Latest changes" in html and "需求交付数: 330" in html
    assert action_url("team-week-publish", team) not in html  # leads do not publish
    html = client_for(manager).get(page).content.decode()
    assert action_url("team-week-publish", team) in html
    assert action_url("team-week-unlock", team) not in html


def test_team_week_page_offers_unlock_to_admins_only(client_for, manager, admin_user, team):
    make_report(team, THIS_WEEK, status=WeeklyReport.Status.PUBLISHED)
    page = action_url("team-week", team)
    assert action_url("team-week-unlock", team) not in client_for(manager).get(page).content.decode()
    assert action_url("team-week-unlock", team) in client_for(admin_user).get(page).content.decode()


def test_unlock_clears_who_published_and_when(client_for, manager, admin_user, team, submitted):
    client_for(manager).post(action_url("team-week-publish", team))
    client_for(admin_user).post(action_url("team-week-unlock", team))
    submitted.refresh_from_db()
    assert (submitted.status, submitted.published_at, submitted.published_by) == ("submitted", None, None)
    html = client_for(admin_user).get(action_url("team-week", team)).content.decode()
    assert "Published by" not in html


def test_workflow_reason_is_a_stable_code_shown_as_a_translated_label(client_for, manager, team, submitted):
    from django.utils import translation

    client_for(manager).post(action_url("team-week-publish", team))
    assert submitted.history.first().history_change_reason == "published"
    with translation.override("zh-hans"):
        change = recent_changes(team, IsoWeek.parse(THIS_WEEK))[0]
        label = str(change.reason_label)
    assert change.reason == "published"
    assert label and label != "published"
    client = client_for(manager)
    client.cookies["django_language"] = "zh-hans"
    html = client.get(action_url("team-week", team), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert f'<span class="badge">{label}</span>' in html
    assert '<span class="badge">published</span>' not in html
