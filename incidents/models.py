"""Production incidents, risk warnings and changes (releases, rollbacks), with their follow-up actions."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from common.weeks import IsoWeek
from ops.data_version import RemembersTeamPath
from reports.models import Team, Week


def week_of(moment: dt.datetime) -> IsoWeek:
    """The ISO week an incident belongs to, by its start in the configured time zone."""
    return IsoWeek.from_date(timezone.localtime(moment).date())


# A clause ends at a sentence or clause mark, Chinese or Western, or at the end of a line.
CLAUSE_END = re.compile(r"[。；;，,.!?！？\n]")
TITLE_LENGTH = 80


def title_from(description: str) -> str:
    """The first clause of a description, without Markdown marks, cut to a title's length."""
    text = re.sub(r"[*_`#>\[\]]", "", description).strip()
    clause = CLAUSE_END.split(text, maxsplit=1)[0].strip() if text else ""
    if len(clause) > TITLE_LENGTH:
        clause = clause[: TITLE_LENGTH - 1].rstrip() + "…"
    return clause or str(_("Untitled incident"))


class IncidentQuerySet(models.QuerySet):
    def in_week(self, week: IsoWeek):
        return self.filter(week__starts_on=week.monday)


class Incident(RemembersTeamPath, models.Model):
    """A production event: when it started, was detected, mitigated and resolved, and what it cost."""

    class Grade(models.TextChoices):
        A = "A", _("Grade A")
        B = "B", _("Grade B")
        C = "C", _("Grade C")
        D = "D", _("Grade D")
        NONE = "", _("Not graded")

    class Kind(models.TextChoices):
        INCIDENT = "incident", _("Incident")
        RISK = "risk", _("Risk or capacity warning")
        # A release, migration or rollback worth recording; graded when it hurt production.
        CHANGE = "change", _("Change or rollback")

    class Detection(models.TextChoices):
        PROACTIVE = "proactive", _("Found by the team")
        REPORTED = "reported", _("Reported by others")
        # Most reports do not say; claiming "found by us" then would inflate the proactive share.
        UNKNOWN = "unknown", _("Not stated")

    team = models.ForeignKey(Team, models.PROTECT, related_name="incidents", verbose_name=_("team"))
    # Derived from started_at on every save; stored so a week's incidents are one indexed lookup.
    week = models.ForeignKey(
        Week, models.PROTECT, related_name="incidents", verbose_name=_("week"), editable=False
    )
    title = models.CharField(
        _("title"),
        max_length=300,
        blank=True,
        help_text=_("Optional: the first clause of the description when left empty."),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.INCIDENT)
    grade = models.CharField(_("grade"), max_length=1, choices=Grade.choices, default=Grade.NONE, blank=True)
    affected_system = models.CharField(_("affected system"), max_length=200, blank=True)
    started_at = models.DateTimeField(_("started at"))
    detected_at = models.DateTimeField(_("detected at"), null=True, blank=True)
    mitigated_at = models.DateTimeField(_("mitigated at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True, help_text=_("What happened, in Markdown."))
    impact = models.TextField(_("impact"), blank=True)
    impact_count = models.PositiveIntegerField(
        _("failed operations"), null=True, blank=True, help_text=_("e.g. 201 failed calls.")
    )
    cause = models.TextField(_("cause"), blank=True)
    resolution = models.TextField(_("resolution"), blank=True)
    detection = models.CharField(
        _("detected"), max_length=10, choices=Detection.choices, default=Detection.UNKNOWN
    )
    responsibility_share = models.DecimalField(
        _("responsibility share"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("1"),
        help_text=_("The share that counts toward the grade tally: 0.5 counts as half an incident."),
    )
    is_generated = models.BooleanField(_("generated"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()

    objects = IncidentQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        constraints = [
            models.CheckConstraint(
                condition=Q(detected_at__isnull=True) | Q(detected_at__gte=F("started_at")),
                name="incidents_incident_detected_after_start",
                violation_error_message=_("An incident cannot be detected before it started."),
            ),
            models.CheckConstraint(
                condition=Q(mitigated_at__isnull=True) | Q(mitigated_at__gte=F("started_at")),
                name="incidents_incident_mitigated_after_start",
                violation_error_message=_("An incident cannot be mitigated before it started."),
            ),
            models.CheckConstraint(
                condition=Q(resolved_at__isnull=True) | Q(resolved_at__gte=F("started_at")),
                name="incidents_incident_resolved_after_start",
                violation_error_message=_("An incident cannot be resolved before it started."),
            ),
            models.CheckConstraint(
                condition=Q(responsibility_share__gte=0, responsibility_share__lte=1),
                name="incidents_incident_share_range",
                violation_error_message=_("The responsibility share runs from 0 to 1."),
            ),
        ]
        # A week's incidents of a team (team week, tally) and of everyone (overview) in time order.
        indexes = [
            models.Index(fields=["week", "team", "started_at"], name="incidents_week_team_start"),
            models.Index(fields=["team", "started_at"], name="incidents_team_start"),
            # The incident list's default order, newest first: its first page is read backwards from
            # here instead of sorting every incident (46 ms for 19,980 on PostgreSQL, bench/FINDINGS.md).
            models.Index(fields=["started_at"], name="incidents_started_at"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("incident-detail", kwargs={"pk": self.pk})

    def weekly_reports_showing(self) -> list[Q]:
        return [Q(team_id=self.team_id, week_id=self.week_id)]

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        # Where it was when read, so a save that moves it can recount the week it left.
        instance._loaded = (instance.__dict__.get("team_id"), instance.__dict__.get("week_id"))
        return instance

    def save(self, *args, **kwargs):
        if not self.title.strip():
            self.title = title_from(self.description)
        self.week = Week.objects.get_for(week_of(self.started_at))
        super().save(*args, **kwargs)

    @property
    def time_to_resolve(self) -> dt.timedelta | None:
        return self.resolved_at - self.started_at if self.resolved_at else None

    @property
    def status(self) -> str:
        if self.resolved_at:
            return "resolved"
        if self.mitigated_at:
            return "mitigated"
        return "open"


class FollowUpAction(RemembersTeamPath, models.Model):
    """Something to do so that an incident does not happen again."""

    incident = models.ForeignKey(Incident, models.CASCADE, related_name="actions", verbose_name=_("incident"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    description = models.TextField(_("description"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner"),
    )
    due_on = models.DateField(_("due on"), null=True, blank=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["incident", "position", "id"]
        verbose_name = _("follow-up action")
        verbose_name_plural = _("follow-up actions")

    def __str__(self):
        return self.description.splitlines()[0] if self.description else ""

    def weekly_reports_showing(self) -> list[Q]:
        return self.incident.weekly_reports_showing()
