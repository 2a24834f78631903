"""The schedule (digest day and hour, reminder day and hour, time zone) and the worker command."""

import datetime as dt
import zoneinfo
from io import StringIO

import pytest
from django.core.management import call_command

from notifications.models import Notification
from notifications.schedule import queue_due
from reports.models import WeeklyReport
from tests.factories import make_report
from tests.notifications.factories import make_channel

pytestmark = pytest.mark.django_db
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(day: str, hour: int, minute: int = 0, tz=SHANGHAI) -> dt.datetime:
    return dt.datetime.fromisoformat(day).replace(hour=hour, minute=minute, tzinfo=tz)


@pytest.fixture
def schedule(settings):
    settings.NOTIFY_TIME_ZONE = "Asia/Shanghai"
    settings.NOTIFY_DIGEST_WEEKDAY, settings.NOTIFY_DIGEST_HOUR = 1, 9
    settings.NOTIFY_REMINDER_WEEKDAY, settings.NOTIFY_REMINDER_HOUR = 5, 15


def test_digest_of_last_week_is_due_on_monday_at_nine_local_time_once(schedule, team):
    make_channel("generic", url="https://example.com/h", on_reminder=False)
    assert queue_due(at("2024-08-19", 8, 59)) == []  # Monday 2024-W34, before nine
    (digest,) = queue_due(at("2024-08-19", 9, 0))
    assert digest.event == "digest" and digest.message["data"]["week"] == "2024-W33"
    assert queue_due(at("2024-08-19", 9, 5)) == []
    assert queue_due(at("2024-08-21", 12)) == []  # later that week: already sent


def test_the_schedule_reads_its_own_time_zone(schedule, settings, team):
    settings.NOTIFY_TIME_ZONE = "Europe/Berlin"
    make_channel("generic", url="https://example.com/h", on_reminder=False)
    # 09:00 in Berlin is 15:00 in Shanghai: nothing yet at 14:00 Shanghai time.
    assert queue_due(at("2024-08-19", 14)) == []
    assert len(queue_due(at("2024-08-19", 15, 1))) == 1


def test_reminder_on_friday_afternoon_for_teams_still_missing_once(
    schedule, team, lead, other_team, other_lead, mailoutbox
):
    make_channel("generic", name="department", url="https://example.com/d", on_digest=False)
    make_channel("generic", name="risk", team=other_team, url="https://example.com/r", on_digest=False)
    make_report(other_team, "2024-W34", status=WeeklyReport.Status.SUBMITTED)
    Notification.objects.all().delete()
    assert queue_due(at("2024-08-23", 14, 59)) == []  # Friday, before three
    queued = queue_due(at("2024-08-23", 15))
    assert sorted(row.channel.name if row.channel else row.recipients[0] for row in queued) == [
        "department",
        "lead@example.com",
    ]  # Risk submitted: neither its lead nor its channel is reminded
    department = next(row for row in queued if row.channel)
    assert department.message["data"]["missing"] == ["payments"]
    assert queue_due(at("2024-08-23", 16)) == []


def test_run_notifications_once_queues_and_delivers(schedule, settings, receiver, team):
    make_channel("generic", url=receiver.url("/hook"), on_reminder=False)
    out = StringIO()
    call_command("run_notifications", "--once", stdout=out)
    assert "delivery attempt" in out.getvalue()
    make_report(team, "2024-W34", status=WeeklyReport.Status.SUBMITTED)
    call_command("run_notifications", "--once", "--no-schedule", stdout=out)
    assert Notification.objects.get(event="submitted").status == Notification.Status.SENT
    assert len(receiver.at("/hook")) >= 1


def test_remind_missing_reminds_channels_too(team, lead, receiver):
    make_channel("generic", name="payments hook", team=team, url=receiver.url("/hook"))
    out = StringIO()
    call_command("remind_missing", "--week", "2024-W34", stdout=out, stderr=StringIO())
    assert "Reminded Payments: channel payments hook" in out.getvalue()
    assert "2 reminder(s) sent" in out.getvalue()
    assert len(receiver.at("/hook")) == 1


def test_remind_missing_says_which_reminders_wait_for_a_retry(team, lead, refused_url):
    make_channel("generic", name="down", team=team, url=refused_url)
    out, err = StringIO(), StringIO()
    call_command("remind_missing", "--week", "2024-W34", stdout=out, stderr=err)
    assert "Not delivered yet, the worker retries: Payments: channel down" in err.getvalue()
    assert "1 reminder(s) sent" in out.getvalue()
