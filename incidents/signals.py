"""Computed KPIs follow their records, whoever writes: the weekly form, incident pages, importer, admin.

Bulk writes send no signals; their callers refresh (`incidents.summary.refresh_all`).
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import Signal

from incidents import summary
from incidents.models import Incident
from reports.models import KPI, KPIValue, WeeklyReport

# Sent by the incident page inside the transaction that recorded an incident, with `team_id` and the
# ISO `week` it landed in: the rooms above keep what they derive from that week (pages keeps the team's
# overview part, as the weekly form's save does), and this room imports none of them.
incident_recorded = Signal()


def _incident_saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    loaded_team, loaded_week = getattr(instance, "_loaded", (None, None))
    summary.refresh_computed_values(instance.team_id, [instance.week_id])
    if loaded_week and (loaded_team, loaded_week) != (instance.team_id, instance.week_id):
        # Moved to another week or team: the week it left counts one record fewer.
        summary.refresh_computed_values(loaded_team, [loaded_week])
    instance._loaded = (instance.team_id, instance.week_id)


def _incident_deleted(sender, instance, **kwargs):
    summary.refresh_computed_values(instance.team_id, [instance.week_id])


def _report_saved(sender, instance, created=False, raw=False, **kwargs):
    if created and not raw:
        # A reported week with no incident shows 0, not a missing figure.
        summary.refresh_computed_values(instance.team_id, [instance.week_id])


def _kpi_saved(sender, instance, raw=False, **kwargs):
    if not raw and instance.computed_from:
        summary.refresh_kpi(instance)


def _value_saving(sender, instance, raw=False, **kwargs):
    """A computed KPI's value is never typed: a form, import or admin edit keeps only its note."""
    if raw or getattr(instance, "_computed", False) or not instance.kpi.computed_from:
        return
    records = Incident.objects.filter(team_id=instance.kpi.team_id, week_id=instance.week_id)
    instance.value = summary.computed_value(instance.kpi.computed_from, records)


def connect():
    post_save.connect(_incident_saved, sender=Incident, dispatch_uid="incidents:computed:save")
    post_delete.connect(_incident_deleted, sender=Incident, dispatch_uid="incidents:computed:delete")
    post_save.connect(_report_saved, sender=WeeklyReport, dispatch_uid="incidents:computed:report")
    post_save.connect(_kpi_saved, sender=KPI, dispatch_uid="incidents:computed:kpi")
    pre_save.connect(_value_saving, sender=KPIValue, dispatch_uid="incidents:computed:value")
