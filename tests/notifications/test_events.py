"""The hooks: status changes and A/B incidents write outbox rows in the transaction of the change."""

import pytest
from django.db import transaction
from django.urls import reverse

from incidents.models import Incident
from notifications.models import Notification
from reports.models import WeeklyReport
from tests.factories import make_incident, make_report
from tests.notifications.factories import make_channel
from tests.pages.weekform_helpers import THIS_WEEK, build_last_week, edit_url, form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def channels(team, other_team):
    return {
        "department": make_channel("generic", name="department", url="https://hooks.example.com/d"),
        "payments": make_channel("slack", name="payments", team=team, url="https://hooks.example.com/p"),
        "risk": make_channel("wecom", name="risk", team=other_team, url="https://hooks.example.com/r"),
        "quiet": make_channel("generic", name="quiet", url="https://hooks.example.com/q", on_submitted=False),
    }


def queued(event):
    return sorted(
        row.channel.name for row in Notification.objects.filter(event=event).select_related("channel")
    )


def test_submitting_the_weekly_form_announces_to_the_team_and_department(client_for, lead, team, channels):
    build_last_week(team)
    Notification.objects.all().delete()  # last week's report was created submitted
    client = client_for(lead)
    data = form_data(client.get(edit_url(team)))
    data["action"] = "submit"
    assert client.post(edit_url(team), data).status_code == 302
    assert queued("submitted") == ["department", "payments"]
    row = Notification.objects.get(channel=channels["payments"])
    assert row.title == "Payments submitted 2024-W34"
    assert row.message["data"] == {"team": "payments", "week": THIS_WEEK, "by": "lead"}
    assert row.status == Notification.Status.PENDING


def test_saving_a_draft_announces_nothing(client_for, lead, team, channels):
    build_last_week(team)
    client = client_for(lead)
    data = form_data(client.get(edit_url(team)))
    data["action"] = "save"
    Notification.objects.all().delete()
    assert client.post(edit_url(team), data).status_code == 302
    assert Notification.objects.count() == 0


def test_publishing_announces_once_and_unlocking_announces_nothing(
    client_for, manager, admin_user, team, channels
):
    make_report(team, THIS_WEEK, status=WeeklyReport.Status.SUBMITTED)
    Notification.objects.all().delete()  # created submitted: announced as such
    kwargs = {"team": team.slug, "week": THIS_WEEK}
    assert client_for(manager).post(reverse("team-week-publish", kwargs=kwargs)).status_code == 302
    assert queued("published") == ["department", "payments", "quiet"]
    assert "manager published" in Notification.objects.filter(event="published").first().message["intro"]
    assert client_for(admin_user).post(reverse("team-week-unlock", kwargs=kwargs)).status_code == 302
    assert Notification.objects.filter(event="submitted").count() == 0
    assert Notification.objects.count() == 3


def test_a_rolled_back_change_leaves_no_notification(team, channels):
    report = make_report(team, THIS_WEEK, status=WeeklyReport.Status.DRAFT)
    with pytest.raises(RuntimeError), transaction.atomic():
        report.status = WeeklyReport.Status.SUBMITTED
        report.save()
        assert Notification.objects.count() == 2  # written with the change...
        raise RuntimeError("the save fails after")
    assert Notification.objects.count() == 0  # ...and gone with it
    assert WeeklyReport.objects.get(pk=report.pk).status == WeeklyReport.Status.DRAFT


def test_generated_reports_announce_nothing(team, channels):
    make_report(team, THIS_WEEK, status=WeeklyReport.Status.SUBMITTED, is_generated=True)
    assert Notification.objects.count() == 0


@pytest.mark.parametrize(("grade", "announced"), [("A", True), ("B", True), ("C", False), ("", False)])
def test_a_new_incident_is_announced_when_graded_a_or_b(team, channels, grade, announced):
    make_incident(team, grade=grade, title="POS 卡类型试算失败", impact_count=201)
    assert bool(queued("incident")) is announced
    if announced:
        assert queued("incident") == ["department", "payments", "quiet"]
        row = Notification.objects.filter(event="incident").first()
        assert row.title == f"Grade {grade} incident in Payments: POS 卡类型试算失败"
        assert any("201 failed operations" in line["text"] for line in row.message["sections"][0]["lines"])


def test_an_incident_raised_to_b_is_announced_once(team, channels):
    incident = make_incident(team, grade="C")
    incident.grade = "B"
    incident.save()
    incident.description = "more detail"
    incident.save()
    assert Notification.objects.filter(event="incident").count() == 3
    again = Incident.objects.get(pk=incident.pk)
    again.save()
    assert Notification.objects.filter(event="incident").count() == 3


def test_the_channel_language_decides_the_message_language(team):
    make_channel("generic", name="zh", url="https://hooks.example.com/zh", language="zh-hans")
    make_incident(team, grade="A", title="t")
    row = Notification.objects.get()
    assert row.language == "zh-hans"
    assert row.message["sections"][0]["heading"] == "事件"  # "Incident", translated


def test_switched_off_channels_hear_nothing(team):
    make_channel("generic", url="https://hooks.example.com/x", is_active=False)
    make_incident(team, grade="A")
    assert Notification.objects.count() == 0
