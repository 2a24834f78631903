"""Objectives (O1…O4), their key results, and each key result's weekly progress."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ops.data_version import RemembersTeamPath
from reports.models import Team, Week


class Objective(RemembersTeamPath, models.Model):
    """An objective of a team for a period, such as 【O1 业务服务】 in 2024-H2."""

    team = models.ForeignKey(Team, models.PROTECT, related_name="objectives", verbose_name=_("team"))
    code = models.CharField(_("code"), max_length=10, help_text=_("O1, O2 …"))
    title = models.CharField(_("title"), max_length=200)
    period = models.CharField(_("period"), max_length=20, help_text=_("e.g. 2024-H2 or 2024-Q3."))
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["team__position", "team__name", "period", "position", "code"]
        verbose_name = _("objective")
        verbose_name_plural = _("objectives")
        constraints = [
            models.UniqueConstraint(
                fields=["team", "period", "code"],
                name="okrs_objective_unique_code",
                violation_error_message=_(
                    "This team already has an objective with this code in this period."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.title}"


# An item counts while both it and its objective are open; as a Q so a list can also keep closed
# items that still have an update in the shown week.
ACTIVE_KEY_RESULT = Q(is_active=True, objective__is_active=True)


class KeyResultQuerySet(models.QuerySet):
    def active(self):
        """Open items of open objectives: what a week's form asks about and the overview follows."""
        return self.filter(ACTIVE_KEY_RESULT)

    def in_board_order(self):
        """Team, objective, then the item's own position: the order of the form, the overview and the list."""
        return self.order_by(
            "objective__team__position",
            "objective__team__name",
            "objective__period",
            "objective__position",
            "objective__code",
            "position",
            "pk",
        )


class KeyResult(RemembersTeamPath, models.Model):
    """An item of an objective, measured by a progress percentage or by a value from start to target."""

    class Measure(models.TextChoices):
        PROGRESS = "progress", _("Progress percentage")
        VALUE = "value", _("Value from start to target")

    objective = models.ForeignKey(
        Objective, models.PROTECT, related_name="key_results", verbose_name=_("objective")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="key_results",
        verbose_name=_("owner"),
    )
    eta = models.DateField(_("ETA"), null=True, blank=True)
    measure = models.CharField(_("measure"), max_length=10, choices=Measure.choices, default=Measure.PROGRESS)
    start_value = models.DecimalField(
        _("start value"), max_digits=20, decimal_places=6, null=True, blank=True
    )
    target_value = models.DecimalField(
        _("target value"), max_digits=20, decimal_places=6, null=True, blank=True
    )
    unit_label = models.CharField(_("unit label"), max_length=20, blank=True)
    is_active = models.BooleanField(
        _("open"),
        default=True,
        help_text=_("Closed items keep their history but leave the weekly form."),
    )
    history = HistoricalRecords()

    objects = KeyResultQuerySet.as_manager()

    class Meta:
        ordering = ["objective", "position", "id"]
        verbose_name = _("key result")
        verbose_name_plural = _("key results")

    def __str__(self):
        return self.title


class KeyResultUpdate(RemembersTeamPath, models.Model):
    """A key result's progress, status and note in one week."""

    class Status(models.TextChoices):
        ON_TRACK = "on_track", _("On track")
        AT_RISK = "at_risk", _("At risk")
        BLOCKED = "blocked", _("Blocked")
        DONE = "done", _("Done")

    key_result = models.ForeignKey(
        KeyResult, models.PROTECT, related_name="updates", verbose_name=_("key result")
    )
    week = models.ForeignKey(Week, models.PROTECT, related_name="key_result_updates", verbose_name=_("week"))
    progress = models.DecimalField(_("progress (%)"), max_digits=5, decimal_places=2, null=True, blank=True)
    current_value = models.DecimalField(
        _("current value"), max_digits=20, decimal_places=6, null=True, blank=True
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ON_TRACK)
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
    history = HistoricalRecords()

    class Meta:
        ordering = ["key_result", "week__starts_on"]
        verbose_name = _("key result update")
        verbose_name_plural = _("key result updates")
        constraints = [
            # Also the index for "this item's updates over a range of weeks" (stalled check, progress bar).
            models.UniqueConstraint(
                fields=["key_result", "week"],
                name="okrs_keyresultupdate_one_per_week",
                violation_error_message=_("This key result already has an update for this week."),
            ),
            models.CheckConstraint(
                condition=Q(progress__isnull=True) | Q(progress__gte=0, progress__lte=100),
                name="okrs_keyresultupdate_progress_range",
                violation_error_message=_("Progress is a percentage from 0 to 100."),
            ),
        ]
        # The OKR board and overview read a few weeks' updates of every item, and the look-back reads
        # its figures from the index alone, never the rows beside them (their notes): a department's
        # 1,800 recent updates took 13 ms to read from the table on SQLite, 3 from the index
        # (okrs/rules.py `_history`, bench/FINDINGS.md §21). The id rides along for PostgreSQL, which
        # keeps no row id in its indexes.
        indexes = [
            models.Index(
                fields=["week", "key_result", "progress", "current_value", "status", "id"],
                name="okrs_update_week_figures",
            )
        ]

    def __str__(self):
        return f"{self.key_result} · {self.week}"

    def weekly_reports_showing(self) -> list[Q]:
        return [Q(team_id=self.key_result.objective.team_id, week_id=self.week_id)]


class KeyResultUpdateFigures(models.Model):
    """What the look-back worked out for an update's week, kept instead of read again on every view.

    The overview ranks a department's items by their week (okrs/rules.py `okr_rows`): for each, the
    previous update, both percents and whether progress has stalled, read from the item's updates of
    the weeks before. At scale 100 that was 1,800 updates read and ~13 ms of every view that built the
    teams' parts (bench/FINDINGS.md §26). Each update of the week keeps its row's figures here, worked
    out by okrs/kept_look_back.py when a page first needs them.

    They are right only while what they were worked out from is unchanged: the item's updates of the
    look-back window (okrs/progress.py) and its measure, start and target. The database's triggers
    (migration 0003) renew `stamp` whenever one of those is written, moved or deleted, by any path;
    figures count only when `worked_out_at` is the current stamp, so stale figures are worked out again,
    never shown. Written only by okrs/kept_look_back.py, never by a model's save.
    """

    update = models.OneToOneField(
        KeyResultUpdate,
        models.DO_NOTHING,
        primary_key=True,
        # The delete trigger removes an update's figures with it, raw deletes included.
        db_constraint=False,
        related_name="figures",
    )
    stamp = models.PositiveIntegerField(default=0)
    worked_out_at = models.PositiveIntegerField(null=True)
    # The latest update before the week in the look-back window (an id, not a key: it is only read).
    previous_id = models.BigIntegerField(null=True)
    # Percents have two places (okrs/progress.py), as the progress they may be.
    percent = models.DecimalField(max_digits=5, decimal_places=2, null=True)
    previous_percent = models.DecimalField(max_digits=5, decimal_places=2, null=True)
    is_stalled = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("key result update figures")
        verbose_name_plural = _("key result update figures")
        # The overview reads a week's figures beside its items from this index alone, not the rows
        # (okrs/kept_look_back.py), as the values' figures are read (reports.KpiValueFigures).
        indexes = [
            models.Index(
                fields=[
                    "update",
                    "stamp",
                    "worked_out_at",
                    "previous_id",
                    "percent",
                    "previous_percent",
                    "is_stalled",
                ],
                name="okrs_figures_covering",
            )
        ]

    def __str__(self):
        return f"figures of update {self.update_id}"
