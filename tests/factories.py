"""Plain factory functions with overridable defaults, shared by every test module."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

from django.contrib.auth.models import Group, User
from django.utils import timezone

from common.weeks import IsoWeek
from incidents.models import Incident
from okrs.models import KeyResult, KeyResultUpdate, Objective
from reports.access import LEADS_GROUP, MANAGERS_GROUP
from reports.models import KPI, KPIValue, Team, Week, WeeklyReport

_sequence = itertools.count(1)

SEED_WEEK = IsoWeek(2024, 33)


def make_user(username: str | None = None, *, groups: tuple[str, ...] = (), **fields) -> User:
    username = username or f"user{next(_sequence)}"
    fields.setdefault("email", f"{username}@example.com")
    user = User.objects.create_user(username=username, password="pw-" + username, **fields)
    for name in groups:
        # get_or_create: live_server and transactional tests flush the groups the migration made.
        user.groups.add(Group.objects.get_or_create(name=name)[0])
    return user


def make_lead(team: Team, username: str | None = None) -> User:
    user = make_user(username, groups=(LEADS_GROUP,))
    team.leads.add(user)
    return user


def make_manager(username: str | None = None) -> User:
    return make_user(username, groups=(MANAGERS_GROUP,))


def make_team(name: str | None = None, **fields) -> Team:
    number = next(_sequence)
    name = name or f"Team {number}"
    fields.setdefault("slug", f"team-{number}")
    return Team.objects.create(name=name, **fields)


def make_week(week: IsoWeek | str = SEED_WEEK) -> Week:
    if isinstance(week, str):
        week = IsoWeek.parse(week)
    return Week.objects.get_for(week)


def make_report(team: Team | None = None, week: IsoWeek | str = SEED_WEEK, **fields) -> WeeklyReport:
    return WeeklyReport.objects.create(team=team or make_team(), week=make_week(week), **fields)


def make_kpi(team: Team | None = None, name: str | None = None, **fields) -> KPI:
    fields.setdefault("unit", KPI.Unit.COUNT)
    fields.setdefault("direction", KPI.Direction.HIGHER_IS_BETTER)
    return KPI.objects.create(team=team or make_team(), name=name or f"KPI {next(_sequence)}", **fields)


def make_value(kpi: KPI, week: IsoWeek | str, value, **fields) -> KPIValue:
    return KPIValue.objects.create(kpi=kpi, week=make_week(week), value=Decimal(str(value)), **fields)


def make_objective(team: Team | None = None, code: str = "O1", **fields) -> Objective:
    fields.setdefault("title", f"Objective {next(_sequence)}")
    fields.setdefault("period", "2024-H2")
    return Objective.objects.create(team=team or make_team(), code=code, **fields)


def make_key_result(objective: Objective | None = None, **fields) -> KeyResult:
    fields.setdefault("title", f"Key result {next(_sequence)}")
    return KeyResult.objects.create(objective=objective or make_objective(), **fields)


def make_update(key_result: KeyResult, week: IsoWeek | str, progress=None, **fields) -> KeyResultUpdate:
    return KeyResultUpdate.objects.create(
        key_result=key_result,
        week=make_week(week),
        progress=None if progress is None else Decimal(str(progress)),
        **fields,
    )


def make_incident(team: Team | None = None, started_at: dt.datetime | None = None, **fields) -> Incident:
    started_at = started_at or timezone.make_aware(dt.datetime(2024, 8, 12, 9, 27))
    fields.setdefault("title", f"Incident {next(_sequence)}")
    return Incident.objects.create(team=team or make_team(), started_at=started_at, **fields)
