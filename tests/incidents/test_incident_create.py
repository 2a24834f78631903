"""Recording an incident from the weekly form: its times checked at the field, its actions with it."""

from decimal import Decimal

import pytest
from django.urls import reverse

from incidents.models import FollowUpAction, Incident
from tests.factories import make_user
from tests.pages.weekform_helpers import database_state

pytestmark = pytest.mark.django_db

URL = reverse("incident-create", kwargs={"team": "payments", "week": "2024-W33"})


def post_data(**overrides):
    data = {
        "title": "商户签约通知返回403",
        "kind": "incident",
        "grade": "C",
        "affected_system": "cf-tenant",
        "started_at": "2024-08-15T14:36",
        "detected_at": "2024-08-15T14:40",
        "mitigated_at": "",
        "resolved_at": "2024-08-15T16:00",
        "detection": "proactive",
        "responsibility_share": "0.5",
        "impact_count": "201",
        "description": "金融关闭了网络权限",
        "impact": "201次报错",
        "cause": "网络权限",
        "resolution": "下线处理",
        "actions-TOTAL_FORMS": "3",
        "actions-INITIAL_FORMS": "0",
        "actions-MIN_NUM_FORMS": "0",
        "actions-MAX_NUM_FORMS": "30",
        "actions-0-description": "排查业务使用场景",
        "actions-0-owner": "",
        "actions-0-due_on": "2024-08-30",
        "actions-0-done_on": "",
    }
    data.update(overrides)
    return data


def test_lead_records_an_incident_with_actions(client_for, lead, team):
    response = client_for(lead).post(
        URL, post_data(**{"actions-1-description": "补充监控", "actions-1-owner": str(lead.pk)})
    )
    assert response.status_code == 302
    assert response.url == reverse("team-week-edit", kwargs={"team": "payments", "week": "2024-W33"})
    incident = Incident.objects.get()
    assert (incident.team, str(incident.week), incident.grade) == (team, "2024-W33", "C")
    assert incident.responsibility_share == Decimal("0.5")
    assert incident.impact_count == 201
    assert incident.history.get().history_user == lead
    actions = list(FollowUpAction.objects.order_by("position"))
    assert [(a.position, a.description, a.owner) for a in actions] == [
        (0, "排查业务使用场景", None),
        (1, "补充监控", lead),
    ]


def test_form_opens_at_the_week_with_its_monday(client_for, lead, team):
    response = client_for(lead).get(URL)
    assert response.status_code == 200
    assert 'value="2024-08-12T09:00"' in response.content.decode()


def test_incident_of_another_week_is_filed_there_with_a_warning(client_for, lead, team):
    response = client_for(lead).post(
        URL, post_data(started_at="2024-08-20T10:00", detected_at="", resolved_at=""), follow=True
    )
    assert str(Incident.objects.get().week) == "2024-W34"
    assert "started in 2024-W34" in response.content.decode()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("resolved_at", "2024-08-15T10:00", "cannot be resolved before it started"),
        ("detected_at", "2024-08-14T10:00", "cannot be detected before it started"),
        ("mitigated_at", "2024-08-15T14:00", "cannot be mitigated before it started"),
        ("responsibility_share", "1.5", ""),
        ("started_at", "yesterday", "valid date"),
        ("impact_count", "-3", ""),
        ("impact_count", "99999999999999999999", ""),
        ("responsibility_share", "1e5", ""),
        ("grade", "Z", "valid choice"),
    ],
)
def test_bad_input_is_shown_at_its_field_and_saves_nothing(client_for, lead, team, field, value, message):
    client = client_for(lead)
    before = database_state()
    response = client.post(URL, post_data(**{field: value}))
    assert response.status_code == 400
    assert database_state() == before
    errors = response.context["form"].errors
    assert field in errors
    assert message in " ".join(errors[field])
    assert "商户签约通知返回403" in response.content.decode()


def test_bad_action_rows_save_nothing(client_for, lead, team):
    before = database_state()
    response = client_for(lead).post(URL, post_data(**{"actions-0-due_on": "not a date"}))
    assert response.status_code == 400
    assert database_state() == before
    response = client_for(lead).post(URL, post_data(**{"actions-TOTAL_FORMS": "garbage"}))
    assert response.status_code == 400
    assert database_state() == before


def test_anonymous_goes_to_login(client, team):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response.url


@pytest.mark.parametrize("who", ["member", "other_lead", "manager", "outsider"])
def test_only_the_lead_or_admin_records(request, client_for, team, who):
    user = request.getfixturevalue(who)
    client = client_for(user)
    assert client.get(URL).status_code == 403
    before = database_state()
    assert client.post(URL, post_data()).status_code == 403
    assert database_state() == before


def test_admin_records_for_any_team(client_for, admin_user, team):
    assert client_for(admin_user).post(URL, post_data()).status_code == 302


def test_unknown_team_or_week_is_404(client_for, lead, team):
    assert client_for(lead).get("/teams/nope/weeks/2024-W33/incidents/new/").status_code == 404
    assert client_for(lead).get("/teams/payments/weeks/2024-W54/incidents/new/").status_code == 404


def test_owner_list_costs_one_query_whatever_the_rows(client_for, lead, team, django_assert_num_queries):
    client = client_for(lead)
    client.get(URL)
    with django_assert_num_queries(5) as first:
        client.get(URL)
    for number in range(10):
        make_user(f"extra{number}")
    with django_assert_num_queries(len(first.captured_queries)):
        client.get(URL)


# A published week is locked: its incidents change only through an admin, and any new incident
# makes weekly forms opened before it stale.


def _published(team, week):
    from reports.models import WeeklyReport
    from tests.factories import make_report

    return make_report(team, week, status=WeeklyReport.Status.PUBLISHED)


@pytest.mark.parametrize("url_week", ["2024-W32", "2024-W33"])
def test_lead_cannot_add_an_incident_to_a_published_week(client_for, lead, team, url_week):
    report = _published(team, "2024-W32")
    url = reverse("incident-create", kwargs={"team": "payments", "week": url_week})
    before = database_state()
    response = client_for(lead).post(
        url, post_data(started_at="2024-08-07T10:00", detected_at="", resolved_at="")
    )
    assert response.status_code == 400
    errors = response.context["form"].errors["started_at"]
    assert errors == ["2024-W32 is published and locked: only an admin can add an incident to it."]
    assert database_state() == before
    report.refresh_from_db()
    assert report.revision == 1


def test_admin_adds_an_incident_to_a_published_week_and_bumps_its_revision(client_for, admin_user, team):
    report = _published(team, "2024-W32")
    url = reverse("incident-create", kwargs={"team": "payments", "week": "2024-W32"})
    response = client_for(admin_user).post(
        url, post_data(started_at="2024-08-07T10:00", detected_at="", resolved_at="")
    )
    assert response.status_code == 302
    assert str(Incident.objects.get().week) == "2024-W32"
    report.refresh_from_db()
    assert report.revision == 2


def test_new_incident_bumps_the_revision_of_its_weeks_report(client_for, lead, team):
    from tests.factories import make_report

    report = make_report(team, "2024-W33")
    assert client_for(lead).post(URL, post_data()).status_code == 302
    report.refresh_from_db()
    assert report.revision == 2


def test_new_incident_of_a_week_without_report_creates_no_report(client_for, lead, team):
    from reports.models import WeeklyReport

    assert client_for(lead).post(URL, post_data()).status_code == 302
    assert not WeeklyReport.objects.exists()
