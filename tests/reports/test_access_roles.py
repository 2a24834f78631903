"""What grants editing a team's week: being listed in Team.leads, not membership of the "Team leads" group."""

import pytest

from reports.access import LEADS_GROUP, can_edit_team
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_listed_lead_without_the_group_edits(team):
    user = make_user("listed")
    team.leads.add(user)
    assert can_edit_team(user, team)


def test_group_member_not_listed_as_lead_does_not_edit(team):
    assert not can_edit_team(make_user("grouped", groups=(LEADS_GROUP,)), team)


def test_docstring_says_what_grants_editing():
    import reports.access

    doc = " ".join(reports.access.__doc__.split())
    assert "Team.leads" in doc and "grants nothing" in doc
