"""The hooks: a week's status change and a new A/B-grade incident queue their notifications.

Each model remembers the status (grade) it was loaded with; after a save, a change into submitted or
published (A or B) is announced. The outbox rows are written right there, inside the save's
transaction, so the announcement commits with the change or not at all. Demo data, fixtures and
restores (raw saves, generated rows) announce nothing.
"""

from __future__ import annotations

from django.db.models.signals import post_init, post_save
from django.dispatch import receiver

from incidents.models import Incident
from notifications import events
from notifications.models import Event
from reports.models import WeeklyReport

ANNOUNCED_GRADES = ("A", "B")


@receiver(post_init, sender=WeeklyReport)
def _remember_status(sender, instance, **kwargs):
    # __dict__, not the attribute: a deferred status must not cost a query per loaded report.
    instance._notifications_status = instance.__dict__.get("status")


@receiver(post_save, sender=WeeklyReport)
def _announce_status(sender, instance, created, raw=False, **kwargs):
    before = None if created else getattr(instance, "_notifications_status", None)
    now = instance.status
    instance._notifications_status = now
    if raw or instance.is_generated or before == now:
        return
    if now == WeeklyReport.Status.SUBMITTED and before in (None, WeeklyReport.Status.DRAFT):
        events.safely("submitted", lambda: events.week_status_changed(instance, Event.SUBMITTED))
    elif now == WeeklyReport.Status.PUBLISHED:
        events.safely("published", lambda: events.week_status_changed(instance, Event.PUBLISHED))


@receiver(post_init, sender=Incident)
def _remember_grade(sender, instance, **kwargs):
    instance._notifications_grade = instance.__dict__.get("grade")


@receiver(post_save, sender=Incident)
def _announce_incident(sender, instance, created, raw=False, **kwargs):
    before = None if created else getattr(instance, "_notifications_grade", None)
    instance._notifications_grade = instance.grade
    if raw or instance.is_generated:
        return
    if instance.grade in ANNOUNCED_GRADES and before not in ANNOUNCED_GRADES:
        events.safely("incident", lambda: events.incident_graded(instance))
