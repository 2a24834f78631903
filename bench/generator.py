"""A department N times the demo's size, with years of weekly history, for the benchmark.

The formula (scale N, W weeks of history ending at 2024-W33, the seed week):

    teams          = max(1, round(0.3 * N))        scale 1 -> 1, 10 -> 3, 100 -> 30
    KPIs           = 40 per team                   about the demo's payments team (33 KPIs)
    key results    = 20 per team (4 objectives x 5)
    KPI values     = one per KPI and week, except the last 2 KPIs of each team, which start
                     half-way through the history (so "new" values exist)
    KR updates     = one per key result and week
    weekly reports = one per team and week, 3 sections, 2 next-week plans, a TODO every 4th week
    incidents      = round(1.28 * W) per team (about 20k at scale 100 over 10 years), two of them
                     in the last week (one still open)

A team therefore always has the same size: scale multiplies teams and their history, so the
team-level pages can be compared across scales while everything around them grows.

Rows are bulk-created without history records (simple-history only records saves) and with a
seeded random generator, so the same scale, seed and weeks give the same data.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, User
from django.db import connection, transaction
from django.utils import timezone

from common.weeks import IsoWeek
from incidents.models import FollowUpAction, Incident, week_of
from okrs.models import KeyResult, KeyResultUpdate, Objective
from ops import data_version
from reports.access import LEADS_GROUP, MANAGERS_GROUP
from reports.models import KPI, KPIValue, PlanItem, ReportSection, Team, TodoItem, Week, WeeklyReport

GENERATOR_VERSION = 3
LAST_WEEK = IsoWeek(2024, 33)
DEFAULT_WEEKS = 520
KPIS_PER_TEAM = 40
LATE_KPIS_PER_TEAM = 2
OBJECTIVES_PER_TEAM = 4
KEY_RESULTS_PER_OBJECTIVE = 5
INCIDENTS_PER_TEAM_WEEK = Decimal("1.28")
INCIDENTS_IN_LAST_WEEK = 2
TODO_EVERY = 4
SLUG_PREFIX = "bench-"
ADMIN_USERNAME = "bench-admin"
MANAGER_USERNAME = "bench-manager"
PASSWORD = "bench-password"
BATCH = 5000
MARKER_TABLE = "bench_dataset"

GROUPS = ["效能度量", "系统运行数据", "DocAI 识别率", "业务数据", "Delivery", "Reliability"]
# (unit, unit label, decimals, low, high): the plausible range of a KPI of that unit.
UNITS = [
    (KPI.Unit.PERCENT, "", 2, Decimal(0), Decimal(100)),
    (KPI.Unit.COUNT, "个", 0, Decimal(0), Decimal(2000)),
    (KPI.Unit.CURRENCY, "万元", 2, Decimal(0), Decimal(5000)),
    (KPI.Unit.NUMBER, "", 1, Decimal(0), Decimal(10000)),
    (KPI.Unit.DURATION, "min", 0, Decimal(0), Decimal(600)),
]
DIRECTIONS = [KPI.Direction.HIGHER_IS_BETTER, KPI.Direction.LOWER_IS_BETTER, KPI.Direction.NEUTRAL]
SECTION_TITLES = ["【业务进展】", "【效能度量】", "【支付安全】"]
SYSTEMS = ["收银台", "出金", "入金", "存管", "对公收佣", "贝易转", "银企通", "POS"]


@dataclass(frozen=True)
class Plan:
    """How many rows of each kind a scale gives; the tests check the generator against it."""

    scale: int
    weeks: int

    @property
    def teams(self) -> int:
        return max(1, round(self.scale * 0.3))

    @property
    def kpis(self) -> int:
        return self.teams * KPIS_PER_TEAM

    @property
    def late_start(self) -> int:
        """Index of the first week in which the late KPIs have values."""
        return self.weeks // 2

    @property
    def kpi_values(self) -> int:
        regular = (KPIS_PER_TEAM - LATE_KPIS_PER_TEAM) * self.weeks
        late = LATE_KPIS_PER_TEAM * (self.weeks - self.late_start)
        return self.teams * (regular + late)

    @property
    def key_results(self) -> int:
        return self.teams * OBJECTIVES_PER_TEAM * KEY_RESULTS_PER_OBJECTIVE

    @property
    def key_result_updates(self) -> int:
        return self.key_results * self.weeks

    @property
    def reports(self) -> int:
        return self.teams * self.weeks

    @property
    def incidents_per_team(self) -> int:
        return int((INCIDENTS_PER_TEAM_WEEK * self.weeks).to_integral_value())

    @property
    def incidents(self) -> int:
        return self.teams * self.incidents_per_team

    def iso_weeks(self) -> list[IsoWeek]:
        return [LAST_WEEK.shifted(offset) for offset in range(1 - self.weeks, 1)]


# -- the marker: which dataset a database holds ------------------------------------------------


def _ensure_marker_table():
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {MARKER_TABLE} "
            "(scale integer NOT NULL, seed integer NOT NULL, weeks integer NOT NULL, "
            "version integer NOT NULL, seconds double precision NOT NULL)"
        )


def read_marker() -> dict | None:
    """The dataset this database holds, or None when it holds no complete bench dataset."""
    _ensure_marker_table()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT scale, seed, weeks, version, seconds FROM {MARKER_TABLE}")
        row = cursor.fetchone()
    if row is None:
        return None
    return dict(zip(["scale", "seed", "weeks", "version", "seconds"], row, strict=True))


def _write_marker(plan: Plan, seed: int, seconds: float):
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {MARKER_TABLE}")
        cursor.execute(
            f"INSERT INTO {MARKER_TABLE} (scale, seed, weeks, version, seconds) VALUES (%s, %s, %s, %s, %s)",
            [plan.scale, seed, plan.weeks, GENERATOR_VERSION, seconds],
        )


def marker_matches(marker: dict | None, plan: Plan, seed: int) -> bool:
    return marker is not None and (
        marker["scale"],
        marker["seed"],
        marker["weeks"],
        marker["version"],
    ) == (plan.scale, seed, plan.weeks, GENERATOR_VERSION)


def has_bench_rows() -> bool:
    return Team.objects.filter(slug__startswith=SLUG_PREFIX).exists()


def delete_bench_data():
    """Remove every bench row. Raw deletes: the ORM's delete would load each row to record history."""
    teams = Team.objects.filter(slug__startswith=SLUG_PREFIX)
    doomed = [
        FollowUpAction.objects.filter(incident__team__in=teams),
        Incident.objects.filter(team__in=teams),
        KeyResultUpdate.objects.filter(key_result__objective__team__in=teams),
        KeyResult.objects.filter(objective__team__in=teams),
        Objective.objects.filter(team__in=teams),
        KPIValue.objects.filter(kpi__team__in=teams),
        KPI.objects.filter(team__in=teams),
        TodoItem.objects.filter(report__team__in=teams),
        PlanItem.objects.filter(report__team__in=teams),
        ReportSection.objects.filter(report__team__in=teams),
        WeeklyReport.objects.filter(team__in=teams),
    ]
    with transaction.atomic():
        for queryset in doomed:
            # Materialise the ids first: MySQL-style self-referencing deletes are not portable.
            ids = list(queryset.values_list("pk", flat=True))
            for start in range(0, len(ids), BATCH):
                chunk = queryset.model.objects.filter(pk__in=ids[start : start + BATCH])
                chunk._raw_delete(chunk.db)
        for team in teams:
            team.leads.clear()
            team.members.clear()
        teams._raw_delete(teams.db)
        users = User.objects.filter(username__startswith=SLUG_PREFIX)
        users.delete()
        _ensure_marker_table()
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {MARKER_TABLE}")
        data_version.changed()  # raw deletes send no signals


# -- the generator ---------------------------------------------------------------------------


def _rng(seed: int, *parts) -> random.Random:
    # One stream per team and kind of row: a team's data is the same at every scale, so its pages
    # show the same rows whether it is alone or one of thirty. (String seeds hash with SHA-512.)
    return random.Random(":".join(str(part) for part in (seed, *parts)))


def _bulk(model, rows):
    return model.objects.bulk_create(rows, batch_size=BATCH)


def _decimal(value: float, places: int) -> Decimal:
    return Decimal(f"{value:.{places}f}")


def _ensure_weeks(plan: Plan) -> list[Week]:
    # save() is bypassed by bulk_create, so year and number are set here from the Monday.
    weeks = plan.iso_weeks()
    Week.objects.bulk_create(
        [Week(year=w.year, number=w.number, starts_on=w.monday) for w in weeks],
        batch_size=BATCH,
        ignore_conflicts=True,
    )
    by_monday = {week.starts_on: week for week in Week.objects.filter(starts_on__gte=weeks[0].monday)}
    return [by_monday[w.monday] for w in weeks]


def _users(plan: Plan) -> list[User]:
    # One hash for everyone: hashing 30 passwords would take longer than generating the history.
    password = make_password(PASSWORD)
    admin = User(username=ADMIN_USERNAME, is_staff=True, is_superuser=True, password=password)
    manager = User(username=MANAGER_USERNAME, password=password)
    leads = [User(username=f"{SLUG_PREFIX}lead-{i:03d}", password=password) for i in range(plan.teams)]
    _bulk(User, [admin, manager, *leads])
    created = {u.username: u for u in User.objects.filter(username__startswith=SLUG_PREFIX)}
    Group.objects.get(name=MANAGERS_GROUP).user_set.add(created[MANAGER_USERNAME])
    leads = [created[u.username] for u in leads]
    Group.objects.get(name=LEADS_GROUP).user_set.add(*leads)
    return leads


def _teams(plan: Plan, leads: list[User]) -> list[Team]:
    teams = _bulk(
        Team,
        [
            Team(name=f"Bench team {i:03d}", slug=f"{SLUG_PREFIX}{i:03d}", position=100 + i)
            for i in range(plan.teams)
        ],
    )
    teams = list(Team.objects.filter(slug__startswith=SLUG_PREFIX).order_by("slug"))
    Team.leads.through.objects.bulk_create(
        [
            Team.leads.through(team_id=team.pk, user_id=lead.pk)
            for team, lead in zip(teams, leads, strict=True)
        ]
    )
    return teams


def _kpis(seed: int, teams: list[Team]) -> list[KPI]:
    rows = []
    for team in teams:
        rng = _rng(seed, "kpis", team.slug)
        for position in range(KPIS_PER_TEAM):
            unit, label, decimals, low, high = UNITS[position % len(UNITS)]
            direction = rng.choice(DIRECTIONS)
            has_target = direction != KPI.Direction.NEUTRAL and rng.random() < 0.3
            rows.append(
                KPI(
                    team=team,
                    name=f"{GROUPS[position % len(GROUPS)]} KPI {position:02d}",
                    group=GROUPS[position % len(GROUPS)],
                    unit=unit,
                    unit_label=label,
                    decimals=decimals,
                    direction=direction,
                    target=_decimal(float(low + (high - low) * Decimal("0.6")), decimals)
                    if has_target
                    else None,
                    position=position,
                )
            )
    _bulk(KPI, rows)
    return list(KPI.objects.filter(team__in=teams).select_related("team").order_by("team__slug", "position"))


def _walk(rng: random.Random, kpi: KPI, length: int) -> list[Decimal]:
    low, high = next((lo, hi) for unit, _l, _d, lo, hi in UNITS if unit == kpi.unit)
    low, high = float(low), float(high)
    center = rng.uniform(low + (high - low) * 0.2, low + (high - low) * 0.8)
    value, step = center, (high - low) * 0.02
    values = []
    for _ in range(length):
        # Pulled back toward the KPI's own level, so ten years of noise stay plausible.
        value = min(high, max(low, value + 0.1 * (center - value) + rng.gauss(0, step)))
        values.append(_decimal(value, kpi.decimals))
    return values


def _kpi_values(seed: int, plan: Plan, kpis: list[KPI], weeks: list[Week]):
    rows = []
    for kpi in kpis:
        rng = _rng(seed, "values", kpi.team.slug, kpi.position)
        late = kpi.position >= KPIS_PER_TEAM - LATE_KPIS_PER_TEAM
        first = plan.late_start if late else 0
        series = _walk(rng, kpi, len(weeks) - first)
        note_every = 13 if kpi.position % 7 == 0 else 0
        for index, value in enumerate(series):
            note = (
                f"Breakdown for week {index}: 11 forgot to move the card."
                if note_every and not index % 13
                else ""
            )
            rows.append(
                KPIValue(kpi=kpi, week=weeks[first + index], value=value, note=note, is_generated=True)
            )
            if len(rows) >= BATCH:
                _bulk(KPIValue, rows)
                rows = []
    _bulk(KPIValue, rows)


def _reports(seed: int, teams: list[Team], weeks: list[Week], leads: list[User]):
    reports = []
    for team, lead in zip(teams, leads, strict=True):
        for index, week in enumerate(weeks):
            last = index == len(weeks) - 1
            reports.append(
                WeeklyReport(
                    team=team,
                    week=week,
                    status=WeeklyReport.Status.SUBMITTED if last else WeeklyReport.Status.PUBLISHED,
                    reflections=f"- 本周收获 {index}：复盘了线上问题，补充了 checklist。",
                    other="- 其他事项：无",
                    is_generated=True,
                    updated_by=lead,
                )
            )
    _bulk(WeeklyReport, reports)
    reports = list(WeeklyReport.objects.filter(team__in=teams).order_by("team__slug", "week__starts_on"))
    sections, plans, todos = [], [], []
    per_team = len(weeks)
    for offset, report in enumerate(reports):
        index = offset % per_team
        if index == 0:
            rng = _rng(seed, "reports", teams[offset // per_team].slug)
        for position, title in enumerate(SECTION_TITLES):
            body = "\n".join(
                f"{n}. 进展 {index}-{n}：完成 {rng.randint(1, 99)}%，"
                f"预计{rng.randint(1, 12)}/{rng.randint(1, 28)}上线"
                for n in range(1, 5)
            )
            sections.append(ReportSection(report=report, position=position, title=title, body=body))
        plans += [
            PlanItem(report=report, position=n, text=f"下周目标 {index}-{n}", is_done=index < per_team - 1)
            for n in range(2)
        ]
        if index % TODO_EVERY == 0:
            # Done two weeks later (when there is a later week), so some TODOs are always open.
            done = reports[offset + 2] if index + 2 < per_team else None
            todos.append(TodoItem(report=report, position=0, text=f"TODO {index}: 线上BUG定级", done_in=done))
        if len(sections) >= BATCH:
            _bulk(ReportSection, sections)
            _bulk(PlanItem, plans)
            sections, plans = [], []
    _bulk(ReportSection, sections)
    _bulk(PlanItem, plans)
    _bulk(TodoItem, todos)


def _okrs(seed: int, teams: list[Team], weeks: list[Week], leads: list[User]):
    objectives = _bulk(
        Objective,
        [
            Objective(team=team, code=f"O{n + 1}", title=f"Objective {n + 1}", period="2024-Q3", position=n)
            for team in teams
            for n in range(OBJECTIVES_PER_TEAM)
        ],
    )
    objectives = list(Objective.objects.filter(team__in=teams).order_by("team__slug", "position"))
    owner_of = {team.pk: lead for team, lead in zip(teams, leads, strict=True)}
    slug_of = {team.pk: team.slug for team in teams}
    last_monday = weeks[-1].starts_on
    _bulk(
        KeyResult,
        [
            KeyResult(
                objective=objective,
                position=n,
                title=f"{objective.code}.{n + 1} 关键结果",
                owner=owner_of[objective.team_id],
                eta=last_monday
                + dt.timedelta(
                    days=_rng(seed, "eta", slug_of[objective.team_id], objective.code, n).randint(-60, 120)
                ),
            )
            for objective in objectives
            for n in range(KEY_RESULTS_PER_OBJECTIVE)
        ],
    )
    key_results = (
        KeyResult.objects.filter(objective__in=objectives)
        .select_related("objective__team")
        .order_by("objective__team__slug", "pk")
    )
    rows = []
    for key_result in key_results:
        rng = _rng(
            seed, "updates", key_result.objective.team.slug, key_result.objective.code, key_result.position
        )
        progress = 0.0
        for index, week in enumerate(weeks):
            # A half-year cycle: progress climbs from 0, with stalls, and starts again.
            if index % 26 == 0:
                progress = 0.0
            if rng.random() > 0.3:
                progress = min(100.0, progress + rng.uniform(0, 9))
            status = (
                KeyResultUpdate.Status.DONE
                if progress >= 100
                else rng.choice(
                    [KeyResultUpdate.Status.ON_TRACK] * 8
                    + [KeyResultUpdate.Status.AT_RISK, KeyResultUpdate.Status.BLOCKED]
                )
            )
            rows.append(
                KeyResultUpdate(
                    key_result=key_result,
                    week=week,
                    progress=_decimal(progress, 2),
                    status=status,
                    note=f"进度{progress:.0f}%",
                    is_generated=True,
                )
            )
            if len(rows) >= BATCH:
                _bulk(KeyResultUpdate, rows)
                rows = []
    _bulk(KeyResultUpdate, rows)


def _incidents(seed: int, plan: Plan, teams: list[Team], weeks: list[Week]):
    week_by_monday = {week.starts_on: week for week in weeks}
    grades = [Incident.Grade.A] + [Incident.Grade.B] * 3 + [Incident.Grade.C] * 10 + [Incident.Grade.D] * 20
    grades += [Incident.Grade.NONE] * 6
    rows = []
    for team in teams:
        rng = _rng(seed, "incidents", team.slug)
        for number in range(plan.incidents_per_team):
            # Every team has two incidents in the last week (one still open), so the measured week
            # shows the same parts at every scale; the rest fall anywhere in the history.
            week = weeks[-1] if number < INCIDENTS_IN_LAST_WEEK else rng.choice(weeks)
            # Local time in the configured zone; the week follows from it, as Incident.save() would do.
            local = dt.datetime.combine(week.starts_on, dt.time()) + dt.timedelta(
                minutes=rng.randrange(7 * 24 * 60)
            )
            started = timezone.make_aware(local)
            detected = started + dt.timedelta(minutes=rng.randint(0, 30))
            resolved = detected + dt.timedelta(minutes=rng.randint(5, 600))
            open_incident = number == 0
            rows.append(
                Incident(
                    team=team,
                    week=week_by_monday[week_of(started).monday],
                    title=f"{rng.choice(SYSTEMS)} 调用失败",
                    kind=rng.choice(list(Incident.Kind.values)),
                    grade=rng.choice(grades),
                    affected_system=rng.choice(SYSTEMS),
                    started_at=started,
                    detected_at=detected,
                    mitigated_at=None if open_incident else resolved - dt.timedelta(minutes=3),
                    resolved_at=None if open_incident else resolved,
                    description="POS卡类型试算接口报错，手动执行后恢复。",
                    impact_count=rng.randint(0, 500),
                    cause="网络权限被关闭",
                    resolution="恢复权限，补偿重试",
                    detection=rng.choice(list(Incident.Detection.values)),
                    responsibility_share=rng.choice([Decimal(1), Decimal(1), Decimal("0.5")]),
                    is_generated=True,
                )
            )
    incidents = _bulk(Incident, rows)
    incidents = Incident.objects.filter(team__in=teams).order_by("pk").values_list("pk", "started_at")
    _bulk(
        FollowUpAction,
        [
            FollowUpAction(
                incident_id=pk, description="补充监控告警", due_on=started.date() + dt.timedelta(days=14)
            )
            for pk, started in incidents
        ],
    )


def analyze():
    """Refresh the planner's statistics, as any bulk load should be followed by.

    PostgreSQL's autovacuum would get there by itself after a while; SQLite never does unless
    told, and without statistics it sorts every KPI value for the first page of /kpis/. On
    PostgreSQL the tables are vacuumed too: a server with autovacuum switched off (this workplace's
    is) never sets the visibility map of a bulk-loaded table, so every index-only scan also read the
    row: the CSV export's look-up of last week's value made 607,200 heap fetches, and its query took
    3.4 s instead of 2.8 (bench/FINDINGS.md §17). Production's autovacuum does this by itself.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA analysis_limit=400")
        # VACUUM cannot run in a transaction: the tests seed inside one, and analyzing is all they need.
        vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
        cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")


def generate(scale: int, seed: int = 42, weeks: int = DEFAULT_WEEKS, log=lambda message: None) -> Plan:
    """Fill the database with a bench dataset; the caller has made sure none is there."""
    plan = Plan(scale=scale, weeks=weeks)
    started = timezone.now()
    with transaction.atomic():
        week_rows = _ensure_weeks(plan)
        leads = _users(plan)
        teams = _teams(plan, leads)
        log(f"{len(teams)} teams, {len(week_rows)} weeks")
        kpis = _kpis(seed, teams)
        _kpi_values(seed, plan, kpis, week_rows)
        log(f"{plan.kpi_values} KPI values")
        _reports(seed, teams, week_rows, leads)
        log(f"{plan.reports} weekly reports")
        _okrs(seed, teams, week_rows, leads)
        log(f"{plan.key_result_updates} key result updates")
        _incidents(seed, plan, teams, week_rows)
        log(f"{plan.incidents} incidents")
        _write_marker(plan, seed, (timezone.now() - started).total_seconds())
        data_version.changed()  # bulk inserts send no signals
    return plan
