"""Write the demo (seed week + generated history) into the database, adding only what is missing.

Every row has a natural key (a team's slug, a KPI's name in its team, a week's Monday …). The
loader builds the full demo in memory, reads which keys already exist, and bulk-creates the
rest, so a second run writes nothing and rows someone edited since are left alone. Children of
a report or incident (sections, TODOs, plans, follow-up actions) are only written with a parent
created in the same run.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.contrib.auth.models import Group, User
from django.db import transaction
from simple_history.utils import bulk_create_with_history

from common.weeks import IsoWeek
from incidents.models import FollowUpAction, Incident
from incidents.summary import refresh_all
from okrs.models import KeyResult, KeyResultUpdate, Objective
from ops import data_version
from pages.demo import seed
from pages.demo.history import GENERATED_WEEKS, generate
from pages.demo.teams import NEIGHBOUR_KPIS, NEIGHBOUR_OBJECTIVES, PAYMENTS, TEAMS, USERS
from pages.history import REASON_DEMO
from reports.models import KPI, KPIValue, PlanItem, ReportSection, Team, TodoItem, Week, WeeklyReport


def _has_history(model) -> bool:
    return hasattr(model._meta, "simple_history_manager_attribute")


class _Writer:
    """Creates the missing rows of each model and counts them."""

    def __init__(self):
        self.created: Counter[str] = Counter()

    def create(self, model, objs: list) -> list:
        if not objs:
            return []
        if _has_history(model):
            objs = bulk_create_with_history(objs, model, default_change_reason=REASON_DEMO)
        else:
            objs = model.objects.bulk_create(objs)
        data_version.changed()  # bulk inserts send no signals
        self.created[model._meta.verbose_name_plural] += len(objs)
        return objs

    def ensure(self, model, existing, key, candidates: list) -> dict:
        """All candidates by key: the stored row where one exists, else the newly created one."""
        found = {key(obj): obj for obj in existing}
        missing, seen = [], set(found)
        for obj in candidates:
            if key(obj) not in seen:
                seen.add(key(obj))
                missing.append(obj)
        for obj in self.create(model, missing):
            found[key(obj)] = obj
        return found


def _ensure_users(writer: _Writer) -> tuple[dict[str, User], set[str]]:
    users, created_names = {}, set()
    for spec in USERS:
        user, created = User.objects.get_or_create(
            username=spec.username,
            defaults={
                "first_name": spec.first_name,
                "email": f"{spec.username}@example.com",
                "is_staff": spec.is_superuser,
                "is_superuser": spec.is_superuser,
            },
        )
        if created:
            user.set_password(spec.password)
            user.save(update_fields=["password"])
            # get_or_create: the role groups come from a migration, but a flushed database lacks them.
            user.groups.add(*(Group.objects.get_or_create(name=name)[0] for name in spec.groups))
            writer.created[User._meta.verbose_name_plural] += 1
            created_names.add(spec.username)
        users[spec.username] = user
    return users, created_names


def _ensure_teams(writer: _Writer, users: dict[str, User], new_users: set[str]) -> dict[str, Team]:
    candidates = [Team(slug=t.slug, name=t.name, position=t.position) for t in TEAMS]
    slugs = [t.slug for t in TEAMS]
    teams = writer.ensure(Team, Team.objects.filter(slug__in=slugs), lambda t: t.slug, candidates)
    for spec in USERS:
        # A newly created user joins its teams; an existing one keeps whatever an admin gave it.
        if spec.username in new_users:
            for slug in spec.leads:
                teams[slug].leads.add(users[spec.username])
            for slug in spec.member_of:
                teams[slug].members.add(users[spec.username])
    return teams


def _ensure_weeks(writer: _Writer, weeks: list[IsoWeek]) -> dict[IsoWeek, Week]:
    # bulk_create skips Week.save(), so year and number are set here from the same IsoWeek.
    candidates = [Week(starts_on=w.monday, year=w.year, number=w.number) for w in weeks]
    stored = Week.objects.filter(starts_on__in=[w.monday for w in weeks])
    by_monday = writer.ensure(Week, stored, lambda w: w.starts_on, candidates)
    return {w: by_monday[w.monday] for w in weeks}


def _kpi(team: Team, spec: seed.KpiSeed, position: int) -> KPI:
    return KPI(
        team=team,
        name=spec.name,
        group=spec.group,
        unit=spec.unit,
        unit_label=spec.unit_label,
        decimals=spec.decimals,
        direction=spec.direction,
        kind=spec.kind,
        target=spec.target,
        aliases=spec.aliases,
        computed_from=spec.computed_from,
        position=position,
    )


def _ensure_kpis(writer: _Writer, teams: dict[str, Team]) -> dict[tuple[str, str], KPI]:
    specs = {PAYMENTS.slug: seed.KPIS, **NEIGHBOUR_KPIS}
    candidates = [
        _kpi(teams[slug], spec, position)
        for slug, kpis in specs.items()
        for position, spec in enumerate(kpis)
    ]
    slug_of = {team.pk: slug for slug, team in teams.items()}
    stored = KPI.objects.filter(team__in=teams.values())
    return writer.ensure(KPI, stored, lambda k: (slug_of[k.team_id], k.name), candidates)


def _ensure_values(writer, kpis, weeks, history, lead: User) -> None:
    candidates = []
    for spec in seed.KPIS:
        kpi = kpis[(PAYMENTS.slug, spec.name)]
        stated = [(seed.SEED_WEEK, spec.value, spec.note)]
        if spec.previous is not None:
            stated.append((seed.PREVIOUS_WEEK, spec.previous, ""))
        for week, value, note in stated:
            candidates.append(KPIValue(kpi=kpi, week=weeks[week], value=value, note=note, updated_by=lead))
    for (slug, name, week), value in history.kpi_values.items():
        candidates.append(KPIValue(kpi=kpis[(slug, name)], week=weeks[week], value=value, is_generated=True))
    stored = KPIValue.objects.filter(kpi__in=kpis.values()).only("kpi_id", "week_id")
    writer.ensure(KPIValue, stored, lambda v: (v.kpi_id, v.week_id), candidates)


def _ensure_okrs(writer, teams, weeks, history, lead: User) -> None:
    specs = {PAYMENTS.slug: seed.OBJECTIVES, **NEIGHBOUR_OBJECTIVES}
    slug_of = {team.pk: slug for slug, team in teams.items()}
    candidates = [
        Objective(team=teams[slug], code=o.code, title=o.title, period=seed.OKR_PERIOD, position=i)
        for slug, objectives in specs.items()
        for i, o in enumerate(objectives)
    ]
    stored = Objective.objects.filter(team__in=teams.values(), period=seed.OKR_PERIOD)
    objectives = writer.ensure(Objective, stored, lambda o: (slug_of[o.team_id], o.code), candidates)

    code_of = {o.pk: key for key, o in objectives.items()}
    kr_candidates = [
        KeyResult(
            objective=objectives[(slug, o.code)],
            position=i,
            title=kr.title,
            description=kr.text,
            eta=kr.eta,
            owner=lead if slug == PAYMENTS.slug else None,
        )
        for slug, objs in specs.items()
        for o in objs
        for i, kr in enumerate(o.key_results, start=1)
    ]
    stored = KeyResult.objects.filter(objective__in=objectives.values())
    key_results = writer.ensure(
        KeyResult, stored, lambda k: (*code_of[k.objective_id], k.title), kr_candidates
    )

    updates = [
        KeyResultUpdate(
            key_result=key_results[(PAYMENTS.slug, o.code, kr.title)],
            week=weeks[seed.SEED_WEEK],
            progress=kr.progress,
            status=kr.status,
            note=kr.text,
            updated_by=lead,
        )
        for o in seed.OBJECTIVES
        for kr in o.key_results
    ]
    for (slug, code, title, week), (progress, status, note) in history.kr_updates.items():
        updates.append(
            KeyResultUpdate(
                key_result=key_results[(slug, code, title)],
                week=weeks[week],
                progress=progress,
                status=status,
                note=note,
                is_generated=True,
            )
        )
    stored = KeyResultUpdate.objects.filter(key_result__in=key_results.values()).only(
        "key_result_id", "week_id"
    )
    writer.ensure(KeyResultUpdate, stored, lambda u: (u.key_result_id, u.week_id), updates)


def _ensure_incidents(writer, teams, weeks, history) -> None:
    payments = teams[PAYMENTS.slug]
    candidates, actions = [], {}
    for spec in seed.INCIDENTS:
        incident = Incident(
            team=payments,
            week=weeks[IsoWeek.from_date(spec.started_at.date())],
            **{field: getattr(spec, field) for field in spec._fields if field != "actions"},
        )
        candidates.append(incident)
        actions[(payments.pk, spec.started_at, spec.title)] = spec.actions
    for g in history.incidents:
        fields = g._asdict() | {
            "team": teams[g.team],
            "week": weeks[IsoWeek.from_date(g.started_at.date())],
            "description": f"{g.title}。原因：{g.cause}；处理：{g.resolution}",
            "is_generated": True,
        }
        candidates.append(Incident(**fields))
    stored = Incident.objects.filter(team__in=teams.values()).only("team_id", "started_at", "title")
    before = {(i.team_id, i.started_at, i.title) for i in stored}

    def key(i):
        return (i.team_id, i.started_at, i.title)

    found = writer.ensure(Incident, stored, key, candidates)
    writer.create(
        FollowUpAction,
        [
            FollowUpAction(incident=incident, position=position, description=text)
            for k, incident in found.items()
            if k not in before
            for position, text in enumerate(actions.get(k, ()), start=1)
        ],
    )


def _seed_report(team: Team, week: Week, lead: User) -> WeeklyReport:
    return WeeklyReport(
        team=team,
        week=week,
        status=WeeklyReport.Status.SUBMITTED,
        reflections=seed.REFLECTIONS,
        other=seed.OTHER,
        updated_by=lead,
        submitted_by=lead,
        submitted_at=seed.SUBMITTED_AT,
    )


def _generated_report(team: Team, week: Week, status: str, iso: IsoWeek) -> WeeklyReport:
    friday = iso.monday + dt.timedelta(days=4)
    submitted = dt.datetime(friday.year, friday.month, friday.day, 18, 0, tzinfo=seed.SHANGHAI)
    published = submitted + dt.timedelta(days=3, hours=-8) if status == "published" else None
    return WeeklyReport(
        team=team,
        week=week,
        status=status,
        is_generated=True,
        submitted_at=submitted,
        published_at=published,
    )


def _ensure_reports(writer, teams, weeks, history, lead: User) -> None:
    payments = teams[PAYMENTS.slug]
    candidates = [_seed_report(payments, weeks[seed.SEED_WEEK], lead)]
    parts = {(payments.pk, weeks[seed.SEED_WEEK].pk): (seed.SECTIONS, seed.PLANS, [])}
    for g in history.reports:
        team, week = teams[g.team], weeks[g.week]
        candidates.append(_generated_report(team, week, g.status, g.week))
        parts[(team.pk, week.pk)] = (g.sections, g.plans, [g.todo] if g.todo else [])
    stored = WeeklyReport.objects.filter(team__in=teams.values()).only("team_id", "week_id")
    before = {(r.team_id, r.week_id) for r in stored}
    reports = writer.ensure(WeeklyReport, stored, lambda r: (r.team_id, r.week_id), candidates)
    new = {k: r for k, r in reports.items() if k not in before}

    sections, plans, todos = [], [], []
    week_after = {weeks[w].pk: weeks[w.next()].pk for w in weeks if w.next() in weeks}
    for (team_id, week_id), report in new.items():
        report_sections, report_plans, report_todos = parts[(team_id, week_id)]
        for position, (title, body) in enumerate(report_sections, start=1):
            sections.append(ReportSection(report=report, position=position, title=title, body=body))
        for position, text in enumerate(report_plans, start=1):
            plans.append(PlanItem(report=report, position=position, text=text, is_done=report.is_generated))
        for position, text in enumerate(report_todos, start=1):
            closing = reports.get((team_id, week_after.get(week_id)))
            todos.append(TodoItem(report=report, position=position, text=text, done_in=closing))
    payments_w33 = new.get((payments.pk, weeks[seed.SEED_WEEK].pk))
    if payments_w33 is not None:
        for position, text in enumerate(seed.TODOS, start=1):
            todos.append(
                TodoItem(report=payments_w33, position=position, text=text, section_title=seed.TODO_SECTION)
            )
    writer.create(ReportSection, sections)
    writer.create(PlanItem, plans)
    writer.create(TodoItem, todos)


@transaction.atomic
def load_demo() -> Counter[str]:
    """Load the demo; returns how many rows of each kind were created (empty on a second run)."""
    writer = _Writer()
    history = generate()
    users, new_users = _ensure_users(writer)
    teams = _ensure_teams(writer, users, new_users)
    weeks = _ensure_weeks(writer, [*GENERATED_WEEKS, seed.SEED_WEEK])
    kpis = _ensure_kpis(writer, teams)
    lead = users["lead"]
    _ensure_values(writer, kpis, weeks, history, lead)
    _ensure_okrs(writer, teams, weeks, history, lead)
    _ensure_incidents(writer, teams, weeks, history)
    _ensure_reports(writer, teams, weeks, history, lead)
    # Rows above went in bulk, without signals: count the computed KPIs from the records once, here.
    refresh_all()
    return writer.created
