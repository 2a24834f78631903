"""remind_missing: the leads of active teams that have not submitted the week get one email each."""

from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from reports.models import WeeklyReport
from tests.factories import make_lead, make_report, make_team

pytestmark = pytest.mark.django_db


def run(*args):
    out, err = StringIO(), StringIO()
    call_command("remind_missing", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_reminds_only_leads_of_teams_that_have_not_submitted(team, lead, other_team, other_lead):
    done_team = make_team("Done")
    make_lead(done_team, "donelead")
    make_report(done_team, "2024-W34", status=WeeklyReport.Status.SUBMITTED)
    make_report(team, "2024-W34", status=WeeklyReport.Status.DRAFT)  # a draft is still missing
    archived = make_team("Archived", is_active=False)
    make_lead(archived, "archivedlead")

    out, _err = run("--week", "2024-W34", "--base-url", "https://reports.example.com/")
    recipients = sorted(message.to[0] for message in mail.outbox)
    assert recipients == ["lead@example.com", "otherlead@example.com"]
    message = next(m for m in mail.outbox if m.to == ["lead@example.com"])
    assert "2024-W34" in message.subject and "Payments" in message.subject
    assert "https://reports.example.com/teams/payments/weeks/2024-W34/edit/" in message.body
    assert "Reminded Payments: lead <lead@example.com>" in out
    assert "Reminded Risk: otherlead <otherlead@example.com>" in out
    assert "2 reminder(s) sent" in out


def test_published_week_needs_no_reminder(team, lead):
    make_report(team, "2024-W34", status=WeeklyReport.Status.PUBLISHED)
    out, _err = run("--week", "2024-W34")
    assert mail.outbox == []
    assert "0 reminder(s) sent" in out


def test_teams_without_lead_or_email_are_reported(team, lead):
    lead.email = ""
    lead.save()
    make_team("Orphans")
    out, err = run("--week", "2024-W34")
    assert mail.outbox == []
    assert "Orphans: no lead to remind" in err
    assert "Payments: lead has no email address" in err


@pytest.mark.parametrize("week", ["2024-W99", "2024-34", "next week", "2021-W53"])
def test_bad_week_is_a_clear_command_error(team, lead, week):
    with pytest.raises(CommandError, match="Use the form 2024-W34"):
        run("--week", week)
    assert mail.outbox == []
