"""Teams, ISO weeks, weekly reports and KPIs with their weekly values."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q, Subquery
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from common.weeks import IsoWeek
from ops import data_version
from ops.data_version import RemembersTeamPath
from reports.kinds import guess_kind
from reports.number_rules import check_kpi_value

# The years a week may be entered for by hand; the same range as incident times.
WEEK_YEARS = (1970, 2999)


class TeamQuerySet(models.QuerySet):
    def missing_report(self, week: IsoWeek):
        """Active teams that have not handed in the week (no report, or only a draft)."""
        handed_in = WeeklyReport.objects.done().filter(week__starts_on=week.monday).values("team")
        return self.filter(is_active=True).exclude(pk__in=handed_in)


class Team(models.Model):
    """An org unit that reports weekly; leads edit its week, members read it."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=50, unique=True)
    parent = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent team"),
    )
    leads = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="led_teams", verbose_name=_("leads")
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="member_teams", verbose_name=_("members")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_("Archived teams keep their history but expect no new reports."),
    )
    history = HistoricalRecords(excluded_fields=["position"])

    objects = TeamQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self):
        return self.name


class WeekQuerySet(models.QuerySet):
    def get_for(self, week: IsoWeek) -> Week:
        obj, _created = self.get_or_create(
            starts_on=week.monday, defaults={"year": week.year, "number": week.number}
        )
        return obj

    def id_starting(self, monday: dt.date) -> Subquery:
        """The id of the week starting on `monday` as a subquery, for a join's condition (a
        `FilteredRelation` cannot follow the week to its Monday)."""
        return Subquery(self.filter(starts_on=monday).order_by().values("pk")[:1])


class Week(models.Model):
    """An ISO week (2024-W33 runs Monday 2024-08-12 to Sunday 2024-08-18)."""

    year = models.PositiveSmallIntegerField(_("ISO year"))
    number = models.PositiveSmallIntegerField(_("ISO week number"))
    # Every range query ("the last 12 weeks") runs on this column.
    starts_on = models.DateField(_("starts on (Monday)"), unique=True)

    objects = WeekQuerySet.as_manager()

    class Meta:
        ordering = ["starts_on"]
        verbose_name = _("week")
        verbose_name_plural = _("weeks")
        constraints = [
            models.UniqueConstraint(fields=["year", "number"], name="reports_week_unique_iso"),
            models.CheckConstraint(
                condition=Q(number__gte=1, number__lte=53),
                name="reports_week_number_range",
                violation_error_message=_("An ISO week number runs from 1 to 53."),
            ),
        ]

    def __str__(self):
        return str(self.iso)

    @property
    def iso(self) -> IsoWeek:
        return IsoWeek(self.year, self.number)

    def clean_fields(self, exclude=None):
        # Year and number follow from the Monday; derive them first so they are not reported missing.
        if self._starts_on_allowed():
            iso = IsoWeek.from_date(self.starts_on)
            self.year, self.number = iso.year, iso.number
        super().clean_fields(exclude=exclude)

    def clean(self):
        super().clean()
        starts_on = self.starts_on
        if not isinstance(starts_on, dt.date):
            return
        if starts_on.weekday() != 0:
            raise ValidationError({"starts_on": _("A week starts on a Monday.")})
        if not self._starts_on_allowed():
            # Beyond these years the week arithmetic (next week, UTC conversion) overflows.
            raise ValidationError(
                {
                    "starts_on": _("Choose a Monday between %(first)s and %(last)s.")
                    % {"first": WEEK_YEARS[0], "last": WEEK_YEARS[1]}
                }
            )

    def _starts_on_allowed(self) -> bool:
        starts_on = self.starts_on
        return (
            isinstance(starts_on, dt.date)
            and starts_on.weekday() == 0
            and WEEK_YEARS[0] <= starts_on.year <= WEEK_YEARS[1]
        )

    def save(self, *args, **kwargs):
        # The Monday is the source of truth; year and number always follow from it.
        iso = IsoWeek.from_date(self.starts_on)
        self.year, self.number = iso.year, iso.number
        super().save(*args, **kwargs)


class WeeklyReportQuerySet(models.QuerySet):
    def done(self):
        """Handed in: submitted or published. A draft still counts as missing."""
        return self.filter(status__in=WeeklyReport.DONE_STATUSES)

    def showing(self, rows) -> WeeklyReportQuerySet:
        """The reports whose weekly form shows any of `rows` (see `weekly_reports_showing`)."""
        conditions = [condition for row in rows for condition in row.weekly_reports_showing()]
        if not conditions:
            return self.none()
        combined = Q()
        for condition in conditions:
            combined |= condition
        return self.filter(combined)

    def bump_revision(self, team_id: int | None = None) -> int:
        """These weeks changed: a weekly form opened before now is stale, and so are cached pages.

        The one way a revision moves, whoever writes (the form, the importer, publish and unlock, the
        admin, incident edits). Chain it after a filter on the expected revision for a compare-and-swap.
        `team_id`, when the caller knows the reports' team, spares the query that finds their teams.
        Returns the number of reports bumped; a week without a report has no open form to warn.
        """
        teams = [team_id] if team_id is not None else list(self.values_list("team_id", flat=True).distinct())
        bumped = self.update(revision=F("revision") + 1)
        if bumped:
            data_version.changed(self.db, teams=teams)  # update() sends no signal
        return bumped


class WeeklyReport(RemembersTeamPath, models.Model):
    """One team's week: its status, narrative, reflections and plans."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        PUBLISHED = "published", _("Published")

    DONE_STATUSES = (Status.SUBMITTED, Status.PUBLISHED)

    team = models.ForeignKey(Team, models.PROTECT, related_name="reports", verbose_name=_("team"))
    week = models.ForeignKey(Week, models.PROTECT, related_name="reports", verbose_name=_("week"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    reflections = models.TextField(_("reflections"), blank=True, help_text=_("收获与反思, in Markdown."))
    other = models.TextField(_("other items"), blank=True, help_text=_("其他, in Markdown."))
    is_generated = models.BooleanField(
        _("generated"),
        default=False,
        help_text=_("Made up by the demo loader, not reported by anyone."),
    )
    # Bumped on every save of the weekly form; a save that opened an older revision is a conflict.
    revision = models.PositiveIntegerField(_("revision"), default=1)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )
    history = HistoricalRecords()

    objects = WeeklyReportQuerySet.as_manager()

    class Meta:
        ordering = ["-week__starts_on", "team__position", "team__name"]
        verbose_name = _("weekly report")
        verbose_name_plural = _("weekly reports")
        constraints = [
            models.UniqueConstraint(
                fields=["team", "week"],
                name="reports_weeklyreport_one_per_team_week",
                violation_error_message=_("This team already has a report for this week."),
            ),
        ]
        # The overview lists one week's reports of every team; (week, team) serves it.
        indexes = [models.Index(fields=["week", "team"], name="reports_report_week_team")]

    def __str__(self):
        return f"{self.team} · {self.week}"

    @property
    def is_done(self) -> bool:
        return self.status in self.DONE_STATUSES

    def weekly_reports_showing(self) -> list[Q]:
        return [Q(pk=self.pk)]

    @property
    def is_locked(self) -> bool:
        return self.status == self.Status.PUBLISHED

    def get_absolute_url(self):
        return reverse("team-week", kwargs={"team": self.team.slug, "week": self.week.iso})


class ReportSection(RemembersTeamPath, models.Model):
    """A titled piece of a report's narrative, in Markdown, shown in order."""

    report = models.ForeignKey(
        WeeklyReport, models.CASCADE, related_name="sections", verbose_name=_("report")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"), blank=True, help_text=_("Markdown."))
    history = HistoricalRecords()

    class Meta:
        ordering = ["report", "position", "id"]
        verbose_name = _("report section")
        verbose_name_plural = _("report sections")

    def __str__(self):
        return self.title

    def weekly_reports_showing(self) -> list[Q]:
        return [Q(pk=self.report_id)]


class TodoItemQuerySet(models.QuerySet):
    def open_in(self, team: Team, week: IsoWeek):
        """A team's TODOs as of a week: raised in it or earlier, and not closed before it.

        One closed in this very week still shows, ticked, so the week's page says what got done.
        """
        return self.filter(report__team=team, report__week__starts_on__lte=week.monday).filter(
            Q(done_in__isnull=True) | Q(done_in__week__starts_on__gte=week.monday)
        )


class TodoItem(RemembersTeamPath, models.Model):
    """A TODO raised in one week's report, carried forward until a later week marks it done."""

    report = models.ForeignKey(
        WeeklyReport, models.CASCADE, related_name="todos", verbose_name=_("raised in report")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    text = models.TextField(
        _("text"), help_text=_("Markdown; sub-items may be indented below the first line.")
    )
    section_title = models.CharField(
        _("section"),
        max_length=200,
        blank=True,
        help_text=_("The narrative section the TODO belongs to."),
    )
    done_in = models.ForeignKey(
        WeeklyReport,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="closed_todos",
        verbose_name=_("done in report"),
    )
    history = HistoricalRecords()

    objects = TodoItemQuerySet.as_manager()

    class Meta:
        ordering = ["report", "position", "id"]
        verbose_name = _("TODO")
        verbose_name_plural = _("TODOs")

    def __str__(self):
        return self.text.splitlines()[0] if self.text else ""

    @property
    def done_where_raised(self) -> bool:
        """Ticked off in the week that raised it: done as of that week, which its document says with a tick.

        One ticked off in a later week was still open as of its own.
        """
        return self.done_in_id is not None and self.done_in_id == self.report_id

    def weekly_reports_showing(self) -> list[Q]:
        # Raised in one report, ticked off in another.
        return [Q(pk=pk) for pk in (self.report_id, self.done_in_id) if pk]


class PlanItem(RemembersTeamPath, models.Model):
    """One of a report's next-week plans (下周工作及目标); the following week ticks it off."""

    report = models.ForeignKey(WeeklyReport, models.CASCADE, related_name="plans", verbose_name=_("report"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    text = models.TextField(_("text"))
    is_done = models.BooleanField(_("done"), default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["report", "position", "id"]
        verbose_name = _("next-week plan")
        verbose_name_plural = _("next-week plans")

    def __str__(self):
        return self.text

    def weekly_reports_showing(self) -> list[Q]:
        # Written in its week's form, ticked off in the next week's.
        report = self.report
        following = report.week.starts_on + dt.timedelta(days=7)
        return [Q(pk=report.pk), Q(team_id=report.team_id, week__starts_on=following)]


class KPI(RemembersTeamPath, models.Model):
    """A metric a team reports every week, and how to read it."""

    class Unit(models.TextChoices):
        COUNT = "count", _("Count")
        PERCENT = "percent", _("Percent")
        CURRENCY = "currency", _("Currency")
        NUMBER = "number", _("Number")
        DURATION = "duration", _("Duration")

    class Computed(models.TextChoices):
        # Counted from the week's incident records (incidents/summary.py), never typed: one source per fact.
        TYPED = "", _("Typed (form, import)")
        INCIDENTS_AB = "incidents_ab", _("Incidents of grade A and B (responsibility shares)")
        INCIDENTS_A = "incidents_a", _("Incidents of grade A (responsibility shares)")
        INCIDENTS_B = "incidents_b", _("Incidents of grade B (responsibility shares)")
        INCIDENTS_C = "incidents_c", _("Incidents of grade C (responsibility shares)")
        INCIDENTS_D = "incidents_d", _("Incidents of grade D (responsibility shares)")
        INCIDENTS_PROACTIVE = "incidents_proactive", _("Share of incidents found by the team")

    class Direction(models.TextChoices):
        HIGHER_IS_BETTER = "up", _("Higher is better")
        LOWER_IS_BETTER = "down", _("Lower is better")
        NEUTRAL = "neutral", _("Neutral")

    class Kind(models.TextChoices):
        LEVEL = "level", _("Level (a rate, a count per week)")
        CUMULATIVE = "cumulative", _("Cumulative (a running total)")
        MONTH_TO_DATE = "month_to_date", _("Month to date")

        @classmethod
        def guess(cls, name: str) -> str:
            """The kind a KPI's name suggests (reports/kinds.py); the importer sets it on KPIs it creates."""
            return cls(guess_kind(name))

    team = models.ForeignKey(Team, models.PROTECT, related_name="kpis", verbose_name=_("team"))
    name = models.CharField(_("name"), max_length=100)
    group = models.CharField(
        _("group"), max_length=100, blank=True, help_text=_("e.g. 效能度量, 系统运行数据.")
    )
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices, default=Unit.NUMBER)
    unit_label = models.CharField(
        _("unit label"),
        max_length=20,
        blank=True,
        help_text=_("Shown after the value: 万元 for currency in ten-thousands, 笔, 个, min …"),
    )
    decimals = models.PositiveSmallIntegerField(_("decimals"), default=0)
    direction = models.CharField(
        _("direction"), max_length=7, choices=Direction.choices, default=Direction.NEUTRAL
    )
    kind = models.CharField(
        _("kind"),
        max_length=13,
        choices=Kind.choices,
        default=Kind.LEVEL,
        help_text=_(
            "A cumulative or month-to-date figure rises by construction: it is compared by its weekly "
            "increment and never ranked among the week's moves."
        ),
    )
    target = models.DecimalField(_("target"), max_digits=20, decimal_places=6, null=True, blank=True)
    aliases = models.CharField(
        _("aliases"),
        max_length=300,
        blank=True,
        help_text=_("Other names the importer recognises, separated by commas."),
    )
    description = models.TextField(_("description"), blank=True)
    computed_from = models.CharField(
        _("computed from"),
        max_length=20,
        choices=Computed.choices,
        default=Computed.TYPED,
        blank=True,
        help_text=_("A computed KPI is counted from the week's incident records and cannot be typed."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_("Archived KPIs keep their history but leave the weekly form."),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["team__position", "team__name", "position", "name"]
        verbose_name = _("KPI")
        verbose_name_plural = _("KPIs")
        constraints = [
            models.UniqueConstraint(
                fields=["team", "name"],
                name="reports_kpi_unique_name_per_team",
                violation_error_message=_("This team already has a KPI with this name."),
            ),
            models.CheckConstraint(
                condition=Q(decimals__lte=6),
                name="reports_kpi_decimals_range",
                violation_error_message=_("A KPI shows at most 6 decimals."),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("kpi-detail", kwargs={"pk": self.pk})

    @property
    def is_percent(self) -> bool:
        return self.unit == self.Unit.PERCENT

    @property
    def is_computed(self) -> bool:
        return bool(self.computed_from)

    def places_for(self, value: Decimal) -> int:
        """Decimals to print: a count that is whole prints as 1, not 1.0; a share of one keeps 0.5."""
        if self.unit == self.Unit.COUNT and value == value.to_integral_value():
            return 0
        return self.decimals

    @property
    def is_running_total(self) -> bool:
        """Cumulative or month to date: its weekly increment is what a reader compares."""
        return self.kind != KIND_LEVEL

    def alias_list(self) -> list[str]:
        return [alias.strip() for alias in self.aliases.split(",") if alias.strip()]

    def target_met(self, value: Decimal | None) -> bool | None:
        """True or False against the target; None when there is no target, value or direction."""
        target, direction = self.target, self.direction
        if target is None or value is None or direction == DIRECTION_NEUTRAL:
            return None
        if direction == DIRECTION_HIGHER_IS_BETTER:
            return value >= target
        return value <= target


# The choices' plain values: a rule that ranks a department's 1,200 KPIs compares a str with a str,
# not with an enum member found through two class attributes (reports/comparison.py `Change` too).
KIND_LEVEL = KPI.Kind.LEVEL.value
DIRECTION_NEUTRAL = KPI.Direction.NEUTRAL.value
DIRECTION_HIGHER_IS_BETTER = KPI.Direction.HIGHER_IS_BETTER.value


class KPIValue(RemembersTeamPath, models.Model):
    """One KPI's value in one week."""

    kpi = models.ForeignKey(KPI, models.PROTECT, related_name="values", verbose_name=_("KPI"))
    week = models.ForeignKey(Week, models.PROTECT, related_name="kpi_values", verbose_name=_("week"))
    # Empty when the week has only a note saying why the figure is missing.
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=6, null=True, blank=True)
    # The same KPI's value in the calendar week before, kept by the database's own triggers (migration
    # 0006) on every insert, update and delete, bulk and raw ones included, so the lists sort and
    # export by change as a plain column instead of looking last week up per row (bench/FINDINGS.md
    # §19). Whatever a save writes here is replaced. A migration that makes SQLite rebuild this table
    # or the week table drops their triggers: tests/reports/test_week_figures.py checks they exist.
    previous_value = models.DecimalField(
        _("last week"), max_digits=20, decimal_places=6, null=True, blank=True, editable=False
    )
    note = models.TextField(_("note"), blank=True)
    is_generated = models.BooleanField(_("generated"), default=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )
    # Last week's value is history already: it is the previous week's own row.
    history = HistoricalRecords(excluded_fields=["previous_value"])

    class Meta:
        ordering = ["kpi", "week__starts_on"]
        verbose_name = _("KPI value")
        verbose_name_plural = _("KPI values")
        constraints = [
            # Also the index for "this KPI's values over a range of weeks" (sparklines, KPI page).
            models.UniqueConstraint(
                fields=["kpi", "week"],
                name="reports_kpivalue_one_per_kpi_week",
                violation_error_message=_("This KPI already has a value for this week."),
            ),
            models.CheckConstraint(
                condition=Q(value__isnull=False) | ~Q(note=""),
                name="reports_kpivalue_value_or_note",
                violation_error_message=_("Enter a value, or a note saying why it is missing."),
            ),
        ]
        # A week's values of every KPI (overview, admin changelist filtered by week). The value rides in
        # the index so the weeks of history the pages compare against are read from it alone, never
        # from the rows beside it (their notes and authors): 12 ms instead of 38 for the 16,800 values
        # of thirty teams' fourteen weeks on SQLite (bench/FINDINGS.md §15a). Last week's value rides
        # too, for the ranking of a department's week (reports/week_figures.py, §21), and the value's id,
        # which that ranking joins its kept figures on: SQLite keeps it in every index, PostgreSQL read
        # the 1,200 rows beside the index for it (the ranking's query 3.2 → 2.2 ms, §23).
        indexes = [
            models.Index(
                fields=["week", "kpi", "value", "previous_value", "id"], name="reports_kpivalue_week_ranked"
            )
        ]

    def __str__(self):
        return f"{self.kpi} · {self.week}: {self.value}"

    def weekly_reports_showing(self) -> list[Q]:
        return [Q(team_id=self.kpi.team_id, week_id=self.week_id)]

    def clean(self):
        super().clean()
        if self.kpi_id is None or self.value is None:
            return
        # The weekly form's rule, so the admin cannot store what the form would refuse.
        try:
            check_kpi_value(self.kpi, self.value)
        except ValidationError as error:
            raise ValidationError({"value": error}) from error


class KpiValueFigures(models.Model):
    """What the ranking needs of a value's earlier weeks, worked out once instead of on every view.

    The overview ranks every KPI's move against its usual move, the median of its changes over the
    twelve weeks before (reports/ranking.py): read from the history, that was 16,800 values for thirty
    teams on every view that had to build their parts. Here each value keeps its usual move and the
    number of changes behind it, worked out by reports/week_figures.py when a page first needs them.

    They are right only while the values they were worked out from are unchanged. The database's
    triggers (migration 0006) renew `stamp` whenever a value of the thirteen weeks before is written,
    moved or deleted, by any path; figures count only when `worked_out_at` is the current stamp, so
    stale figures are worked out again, never shown. Written only by reports/week_figures.py, never by a
    model's save, so no stale instance can write old figures over new ones.
    """

    value = models.OneToOneField(
        KPIValue,
        models.DO_NOTHING,
        primary_key=True,
        # The delete trigger removes a value's figures with it, raw deletes included.
        db_constraint=False,
        related_name="figures",
    )
    stamp = models.PositiveIntegerField(default=0)
    worked_out_at = models.PositiveIntegerField(null=True)
    # The median of 6-place changes has at most 7 places.
    usual_move = models.DecimalField(max_digits=21, decimal_places=7, null=True)
    changes_before = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("KPI value figures")
        verbose_name_plural = _("KPI value figures")
        # The ranking reads a week's figures beside its values from this index alone, not the rows
        # (reports/week_figures.py): 1,200 values' ranking read in 2 ms instead of 6 on SQLite (§21).
        indexes = [
            models.Index(
                fields=["value", "stamp", "worked_out_at", "usual_move", "changes_before"],
                name="reports_figures_covering",
            )
        ]

    def __str__(self):
        return f"figures of value {self.value_id}"
