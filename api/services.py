"""Writes from the API, under the weekly form's rules: one team week at a time, at a known revision.

Each write takes the week's report row under lock, refuses a stale revision (412) or a published
week (409, except for an admin, as in the form), changes only what differs, and bumps the revision
with `bump_revision()` only when something changed, so a repeated PUT changes nothing and keeps the
ETag. History rows name the token's owner with the reason "api" (pages/history.py shows "via API").
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.exceptions import APIException
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from common.weeks import IsoWeek
from incidents.models import Incident, week_of
from okrs.models import KeyResult, KeyResultUpdate
from ops import data_version
from pages import overview
from pages.history import REASON_API
from reports.models import KPI, KPIValue, Team, Week, WeeklyReport


class PreconditionFailed(APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_code = "stale"

    def __init__(self, expected: int, current: int):
        super().__init__(
            _(
                "This week changed since revision %(expected)s was read (it is now at revision "
                '%(current)s); nothing was written. Read it again and retry with If-Match: "%(current)s".'
            )
            % {"expected": expected, "current": current}
        )
        self.current = current


class WeekIsLocked(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "locked"

    def __init__(self, week):
        super().__init__(
            _("%(week)s is published and locked: only an admin can change it; nothing was written.")
            % {"week": week}
        )


def stamp(obj, user):
    """Mark the next save as made via the API by `user`, for django-simple-history."""
    obj._history_user = user
    obj._change_reason = REASON_API
    return obj


def current_revision(team: Team, week: IsoWeek) -> int:
    report = WeeklyReport.objects.filter(team=team, week__starts_on=week.monday).only("revision").first()
    return report.revision if report else 0


@dataclass
class Claim:
    """A team week under lock: its report (None before the first save) and the revision it was read at."""

    team: Team
    week: IsoWeek
    report: WeeklyReport | None
    user: object

    @property
    def revision(self) -> int:
        return self.report.revision if self.report else 0

    def commit(self) -> int:
        """Something changed: move the week to its next revision (creating its draft report) and return it."""
        if self.report is None:
            report = WeeklyReport(
                team=self.team, week=Week.objects.get_for(self.week), revision=1, updated_by=self.user
            )
            try:
                # A savepoint: a concurrent first save surfaces as a stale revision, not a broken transaction.
                with transaction.atomic():
                    stamp(report, self.user).save()
            except IntegrityError as error:
                raise PreconditionFailed(0, current_revision(self.team, self.week)) from error
            self.report = report
        else:
            WeeklyReport.objects.filter(pk=self.report.pk).bump_revision(self.report.team_id)
            self.report.revision += 1
            self.report.updated_by = self.user
            stamp(self.report, self.user).save(update_fields=["revision", "updated_by", "updated_at"])
        # After the report's write, whose data version renewal the commit runs first.
        overview.keep_part_after_write(self.team.pk, self.week)
        return self.report.revision


def claim_week(team: Team, week: IsoWeek, user, *, expected: int | None, allow_locked: bool) -> Claim:
    """Lock the week's report row; refuse a stale `expected` revision or a locked week. Call inside atomic."""
    report = (
        WeeklyReport.objects.select_for_update()
        .select_related("week")
        .filter(team=team, week__starts_on=week.monday)
        .first()
    )
    claim = Claim(team, week, report, user)
    if expected is not None and expected != claim.revision:
        raise PreconditionFailed(expected, claim.revision)
    if report is not None and report.is_locked and not allow_locked:
        raise WeekIsLocked(week)
    return claim


@dataclass
class ValueInput:
    kpi: KPI
    value: Decimal | None
    note: str | None  # None: keep the note there is


def set_kpi_values(claim: Claim, items: list[ValueInput]) -> int:
    """Set (or, with a null value, clear) each KPI's value in the claimed week; returns how many changed."""
    user = claim.user
    week_row = Week.objects.filter(starts_on=claim.week.monday).first()
    existing = {}
    if week_row is not None:
        existing = {
            value.kpi_id: value
            for value in KPIValue.objects.filter(week=week_row, kpi__in=[item.kpi.pk for item in items])
        }
    changes = []
    for item in items:
        row = existing.get(item.kpi.pk)
        if row is not None:
            row.kpi = item.kpi  # already loaded: the computed-KPI check below reads it without a query
        if row is None:
            if item.value is not None:
                changes.append(("add", item, None))
        elif item.value is None:
            changes.append(("delete", item, row))
        elif row.value != item.value or (item.note is not None and row.note != item.note):
            changes.append(("change", item, row))
    if not changes:
        return 0
    claim.commit()
    week_row = week_row or Week.objects.get_for(claim.week)
    added, edited, deleted = [], [], []
    for action, item, row in changes:
        if action == "add":
            added.append(
                KPIValue(kpi=item.kpi, week=week_row, value=item.value, note=item.note or "", updated_by=user)
            )
        elif action == "delete":
            deleted.append(row)
        else:
            row.value = item.value
            if item.note is not None:
                row.note = item.note
            row.updated_by = user
            row.is_generated = False
            edited.append(row)
    _write_values(claim, added, edited, deleted)
    return len(changes)


def _write_values(claim: Claim, added: list, edited: list, deleted: list) -> None:
    """A handful of statements whatever the number of values: one per kind of change, one for their history.

    Saving row by row cost three or four queries per value (signals, history, the computed-KPI guard).
    A computed KPI's value is still saved row by row so its pre_save guard replaces what was typed.
    """
    user = claim.user
    for rows in (added, edited, deleted):
        for row in [row for row in rows if row.kpi.is_computed]:
            rows.remove(row)
            stamp(row, user)
            if rows is deleted:
                row.delete()
            else:
                row.save()
    now = timezone.now()
    if added:
        for row in added:
            stamp(row, user)._history_date = now
        bulk_create_with_history(added, KPIValue, default_user=user, default_change_reason=REASON_API)
    if edited:
        for row in edited:
            row.updated_at = now
            stamp(row, user)._history_date = now
        # bulk_update writes a CASE over every row for each field, 23 of the PUT's 49 ms for 40 values
        # with five fields; the three every edited row shares are one plain UPDATE instead.
        bulk_update_with_history(
            edited, KPIValue, ["value", "note"], default_user=user, default_change_reason=REASON_API
        )
        KPIValue.objects.filter(pk__in=[row.pk for row in edited]).update(
            updated_by=user, is_generated=False, updated_at=now
        )
    if deleted:
        history = KPIValue.history.model
        fields = [field.attname for field in history.tracked_fields]
        history.objects.bulk_create(
            [
                history(
                    history_date=now,
                    history_user=user,
                    history_change_reason=REASON_API,
                    history_type="-",
                    **{name: getattr(row, name) for name in fields},
                )
                for row in deleted
            ]
        )
        # A raw delete: QuerySet.delete() would send post_delete and write a second, unsigned history row.
        KPIValue.objects.filter(pk__in=[row.pk for row in deleted])._raw_delete(KPIValue.objects.db)
    if added or edited or deleted:
        # Bulk writes and the raw delete send no signal: the pages' tokens must be renewed here.
        data_version.changed(KPIValue.objects.db, teams=[claim.team.pk])


UPDATE_FIELDS = ("progress", "current_value", "status", "note")


def set_key_result_update(claim: Claim, key_result: KeyResult, fields: dict) -> bool:
    """Set the given fields of the item's update in the claimed week, as the form does; True if it changed.

    Fields left out keep what is there (a new update starts on track with no note). An update left
    with no progress, value or note is deleted, as the form deletes a cleared row.
    """
    user = claim.user
    update = KeyResultUpdate.objects.filter(key_result=key_result, week__starts_on=claim.week.monday).first()
    current = {name: getattr(update, name) if update else None for name in UPDATE_FIELDS}
    if update is None:
        current.update(status=KeyResultUpdate.Status.ON_TRACK, note="")
    wanted = {**current, **fields}
    empty = wanted["progress"] is None and wanted["current_value"] is None and not wanted["note"]
    if empty:
        if update is None:
            return False
        claim.commit()
        stamp(update, user).delete()
        return True
    if update is not None and all(getattr(update, name) == wanted[name] for name in UPDATE_FIELDS):
        return False
    claim.commit()
    if update is None:
        update = KeyResultUpdate(key_result=key_result, week=Week.objects.get_for(claim.week))
    for name, value in wanted.items():
        setattr(update, name, value)
    update.updated_by = user
    update.is_generated = False
    stamp(update, user).save()
    return True


def save_incident(form, user, *, allow_locked: bool, expected: int | None = None) -> Incident:
    """Save a validated IncidentForm, refusing a locked week, and bump the weeks it leaves and enters.

    `expected`, from If-Match, is the revision of the week the incident is in now (for a new one,
    the week it starts in). Call inside atomic.
    """
    incident = form.instance
    team = incident.team
    weeks = [week_of(form.cleaned_data["started_at"])]
    if incident.pk:
        before = Incident.objects.filter(pk=incident.pk).select_related("week").get().week.iso
        weeks.insert(0, before)
    claims = []
    for position, week in enumerate(dict.fromkeys(weeks)):
        claims.append(
            claim_week(
                team, week, user, expected=expected if position == 0 else None, allow_locked=allow_locked
            )
        )
    saved = stamp(form.save(commit=False), user)
    saved.save()
    for claim in claims:
        # An incident is part of its week's report: forms opened on it must reload (no report, no form).
        if claim.report is not None:
            WeeklyReport.objects.filter(pk=claim.report.pk).bump_revision(claim.report.team_id)
    return saved
