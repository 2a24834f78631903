"""Each team's data version changes with the committed writes to that team's rows, and only with them.

The overview keeps every team's part under its team's token (pages/overview.py): a write the token
misses would leave a stale card, a write it over-counts only costs a rebuild. So every way a row
reaches its team is walked here with real commits, and every doubt falls to the department's token,
which every part is keyed on as well.
"""

import pytest
from django.db import transaction

from common.weeks import IsoWeek
from ops import data_version
from ops.models import ScopedDataVersion
from reports.models import KPI, KPIValue, Team, Week, WeeklyReport
from tests.factories import (
    make_incident,
    make_key_result,
    make_kpi,
    make_objective,
    make_report,
    make_team,
    make_update,
    make_user,
    make_value,
)
from tests.pages.weekform_helpers import build_last_week, edit_url, form_data
from tests.reports.test_admin_writes import admin_save

pytestmark = pytest.mark.django_db(transaction=True)
DEPARTMENT, PEOPLE = ScopedDataVersion.DEPARTMENT, ScopedDataVersion.PEOPLE


def tokens() -> dict[int, str]:
    return dict(ScopedDataVersion.objects.values_list("scope", "token"))


def renewed(action) -> set[int]:
    """The scopes (team ids, DEPARTMENT, PEOPLE) whose token the committed `action` renewed."""
    before = tokens()
    action()
    after = tokens()
    return {scope for scope, token in after.items() if before.get(scope) != token}


@pytest.fixture
def two_teams():
    payments, risk = make_team("Payments", slug="payments"), make_team("Risk", slug="risk")
    kpi = make_kpi(payments, "需求交付数")
    value = make_value(kpi, "2024-W33", 313)
    data_version.bump()  # a department token to start from, as the migration leaves one
    return payments, risk, kpi, value


def test_a_value_renews_its_team_only(two_teams):
    payments, _risk, kpi, value = two_teams
    value.value = 314
    assert renewed(value.save) == {payments.pk}
    assert renewed(lambda: make_value(kpi, "2024-W34", 320)) == {payments.pk}
    assert renewed(value.delete) == {payments.pk}


def test_rows_reached_through_their_parents(two_teams):
    payments, risk, _kpi, _value = two_teams
    report = make_report(risk, "2024-W33")
    objective = make_objective(payments)
    key_result = make_key_result(objective)
    assert renewed(lambda: report.sections.create(title="进展", body="…")) == {risk.pk}
    assert renewed(lambda: make_update(key_result, "2024-W33", 40)) == {payments.pk}
    incident = make_incident(risk)
    assert renewed(lambda: incident.actions.create(description="加监控")) == {risk.pk}


def test_rows_whose_parent_is_not_loaded_are_looked_up_at_the_commit(two_teams):
    payments, _risk, kpi, _value = two_teams
    week = Week.objects.get_for(IsoWeek.parse("2024-W35"))
    # Built from ids only: nothing loaded says which team, so the commit reads it (one query per kind).
    assert renewed(lambda: KPIValue.objects.create(kpi_id=kpi.pk, week_id=week.pk, value=1)) == {payments.pk}


def test_many_writes_in_one_transaction_renew_each_team_once(two_teams):
    payments, risk, kpi, _value = two_teams

    def both():
        with transaction.atomic():
            make_value(kpi, "2024-W34", 1)
            make_report(risk, "2024-W34")

    assert renewed(both) == {payments.pk, risk.pk}


def test_a_rolled_back_write_renews_nothing(two_teams):
    _payments, _risk, kpi, _value = two_teams

    def fail():
        with pytest.raises(RuntimeError), transaction.atomic():
            make_value(kpi, "2024-W34", 1)
            raise RuntimeError

    assert renewed(fail) == set()


def test_a_kpi_moved_to_another_team_renews_both(two_teams, client, admin_user):
    payments, risk, kpi, _value = two_teams
    client.force_login(admin_user)
    assert renewed(lambda: admin_save(client, kpi, team=str(risk.pk))) >= {payments.pk, risk.pk}
    value = KPIValue.objects.get()
    value.kpi = make_kpi(payments, "线上bug")
    assert renewed(value.save) == {payments.pk, risk.pk}


def test_a_move_whose_old_team_is_unknown_renews_the_department(two_teams):
    payments, risk, kpi, _value = two_teams
    stranger = KPI(pk=kpi.pk, team=risk, name=kpi.name)  # not read from the database: no old team known
    assert DEPARTMENT in renewed(lambda: stranger.save(force_update=True))


def test_a_new_week_renews_no_team(two_teams):
    assert renewed(lambda: Week.objects.get_for(IsoWeek.parse("2031-W01"))) == set()


def test_writes_no_team_owns_renew_the_department(two_teams):
    week = Week.objects.get_for(IsoWeek.parse("2030-W01"))
    assert renewed(week.save) == {DEPARTMENT}
    assert renewed(data_version.changed) == {DEPARTMENT}


def test_a_person_renews_the_people_only(two_teams):
    payments, _risk, _kpi, _value = two_teams
    assert renewed(lambda: make_user("lead")) == {PEOPLE}
    user = make_user("owner")
    make_key_result(make_objective(payments), owner=user)
    user.first_name = "Wang"
    assert renewed(user.save) == {PEOPLE}
    # Deleting a person sets the rows that named them to nobody, with no signal: only names change.
    assert renewed(user.delete) == {PEOPLE}


def test_a_restored_person_renews_the_department(two_teams):
    user = make_user("lead")
    assert renewed(lambda: user.save_base(raw=True)) == {DEPARTMENT}


def test_a_team_renamed_renews_itself(two_teams):
    payments, _risk, _kpi, _value = two_teams
    payments.name = "Payments & Risk"
    assert renewed(payments.save) == {payments.pk}


def test_deleting_a_report_with_its_sections_renews_its_team_or_the_department(two_teams):
    payments, _risk, _kpi, _value = two_teams
    report = make_report(payments, "2024-W33")
    report.sections.create(title="进展", body="…")
    # The sections' report is gone by the commit, so their team cannot be read: the department is renewed.
    assert renewed(report.delete) & {payments.pk, DEPARTMENT}


def test_a_revision_bump_renews_the_reports_teams(two_teams):
    payments, risk, _kpi, _value = two_teams
    make_report(payments, "2024-W33")
    make_report(risk, "2024-W33")
    assert renewed(lambda: WeeklyReport.objects.filter(team=risk).bump_revision()) == {risk.pk}
    assert renewed(lambda: WeeklyReport.objects.all().bump_revision()) == {payments.pk, risk.pk}


def test_the_weekly_form_renews_the_leads_team_only(client_for, lead, team, other_team):
    build_last_week(team)
    make_kpi(other_team, "其他")
    client = client_for(lead)
    data = form_data(client.get(edit_url(team)))
    assert renewed(lambda: client.post(edit_url(team), data)) == {team.pk}


def test_the_tokens_are_read_with_the_teams(two_teams):
    payments, risk, _kpi, value = two_teams
    value.save()
    (quiet,) = Team.objects.bulk_create([Team(name="Quiet", slug="quiet")])  # no signal, no token yet
    teams = {team.pk: team for team in data_version.with_team_tokens(Team.objects.all())}
    assert teams[payments.pk].data_token == tokens()[payments.pk]
    assert teams[risk.pk].data_token == tokens()[risk.pk]
    assert teams[quiet.pk].data_token == ""
    assert teams[payments.pk].department_token == tokens()[DEPARTMENT]
    assert teams[payments.pk].people_token == ""
    make_user("lead")
    (payments,) = data_version.with_team_tokens(Team.objects.filter(pk=payments.pk))
    assert payments.people_token == tokens()[PEOPLE]
    ScopedDataVersion.objects.filter(scope=DEPARTMENT).delete()
    assert {team.department_token for team in data_version.with_team_tokens(Team.objects.all())} == {None}
