"""Saving the weekly form: everything in one transaction, guarded by the report's revision.

The form carries the revision it was opened at. The save bumps it with a compare-and-swap UPDATE
(`WHERE revision = opened`), so of two people saving the same week only the first wins; the second
gets EditConflict, nothing of theirs is written, and the view shows what changed in between.

Within a save, only what the person changed is written: every input is compared with the
`opened` snapshot (what the page showed), and a field whose input still equals it keeps the
value now in the database. So data written meanwhile by a path that did not bump the revision is
never silently put back, and an untouched value is never rewritten (or rounded).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from incidents import summary
from incidents.models import FollowUpAction, Incident
from okrs.models import KeyResultUpdate
from pages import overview
from pages.editing.loading import WeekData, flatten, initial_for
from pages.forms import WeekForm, kpi_key, kr_key
from pages.history import REASON_CARRIED
from reports.models import KPIValue, PlanItem, ReportSection, TodoItem, Week, WeeklyReport


class EditConflict(Exception):
    """Someone saved this week after the form was opened."""


class WeekLocked(Exception):
    """The week is published; only an admin may change it."""


def _save(obj, user, **fields):
    for name, value in fields.items():
        setattr(obj, name, value)
    # The middleware sets the history user for web requests; commands and tests go through here too.
    obj._history_user = user
    obj.save()
    return obj


def _delete(obj, user):
    obj._history_user = user
    obj.delete()


def _claim_report(data: WeekData, expected: int, user, *, allow_locked: bool) -> WeeklyReport:
    """The report row at the next revision, or EditConflict when `expected` is no longer current."""
    week_row = Week.objects.get_for(data.week)
    report = WeeklyReport.objects.filter(team=data.team, week=week_row).first()
    if report is None:
        if expected != 0:
            raise EditConflict
        report = WeeklyReport(team=data.team, week=week_row, revision=1, updated_by=user)
        report._history_user = user
        try:
            # A savepoint, so a concurrent first save surfaces as a conflict, not a broken transaction.
            with transaction.atomic():
                report.save()
        except IntegrityError as error:
            raise EditConflict from error
        return report
    claimed = WeeklyReport.objects.filter(pk=report.pk, revision=expected).bump_revision(report.team_id)
    if not claimed:
        raise EditConflict
    if report.is_locked and not allow_locked:
        raise WeekLocked
    report.revision = expected + 1
    return report


class Touched:
    """Which inputs differ from what the page showed when it was opened (the `opened` snapshot).

    Without a usable snapshot every input counts as typed, and the save compares with the database.
    """

    def __init__(self, form: WeekForm):
        opened = form.cleaned_data.get("opened")
        self.snapshot = opened if isinstance(opened, dict) else None
        self.rows = {"sections": {}, "todos": {}, "incidents": {}}
        for key, value in (self.snapshot or {}).items():
            prefix, _sep, rest = key.partition("-")
            index, _sep, name = rest.partition("-")
            if prefix in self.rows and name == "id":
                self.rows[prefix][str(value)] = index

    def field(self, form, name: str, key: str | None = None) -> bool:
        if self.snapshot is None:
            return True
        return not _same_input(form, name, self.snapshot.get(key or name, ""))

    def row_field(self, prefix: str, form, name: str) -> bool:
        """A formset row's field, matched to the snapshot by the row's id, not its position."""
        if self.snapshot is None:
            return True
        index = self.rows[prefix].get(str(form.cleaned_data.get("id")))
        if index is None:
            return True
        return self.field(form, name, f"{prefix}-{index}-{name}")


def _same_input(form, name: str, shown) -> bool:
    if not isinstance(shown, str):
        return False
    typed = form.data.get(form.add_prefix(name), "")
    if isinstance(typed, str) and typed.strip() == shown.strip():
        return True
    # "81.72%" typed over a shown "81.72" is the same value; compare what both mean.
    try:
        return form.fields[name].clean(shown) == form.cleaned_data.get(name)
    except ValidationError:
        return False


@transaction.atomic
def save_week(data: WeekData, form: WeekForm, user, *, allow_locked: bool = False) -> WeeklyReport:
    """Write what was changed; raises EditConflict or WeekLocked and then writes nothing."""
    cleaned = form.cleaned_data
    touched = Touched(form)
    report = _claim_report(data, cleaned["revision"], user, allow_locked=allow_locked)
    week_row = report.week
    fields = {name: cleaned[name] for name in ("reflections", "other") if touched.field(form, name)}
    fields["updated_by"] = user
    if form.wants_submit and report.status == WeeklyReport.Status.DRAFT:
        fields.update(status=WeeklyReport.Status.SUBMITTED, submitted_at=timezone.now(), submitted_by=user)
    _save(report, user, **fields)

    _save_kpi_values(data, form, touched, week_row, user)
    _save_key_results(data, form, touched, week_row, user)
    _save_rows(
        ReportSection,
        report,
        form.sections,
        touched,
        user,
        content=lambda row: {"title": row["title"].strip(), "body": row["body"]},
        is_blank=lambda fields: not fields["title"].strip() and not fields["body"].strip(),
    )
    _save_rows(
        TodoItem,
        report,
        form.todos,
        touched,
        user,
        content=lambda row: {"text": row["text"].strip(), "section_title": row["section_title"].strip()},
        is_blank=lambda fields: not fields["text"].strip(),
    )
    _save_todo_ticks(data, form, touched, report, user)
    _save_plan_ticks(data, form, touched, user)
    if touched.field(form, "plans_text"):
        _save_plans(report, cleaned["plans_text"], user)
    _save_incidents(data, form, touched, user)
    # The computed KPIs follow the records just saved (incidents.signals also does, one by one).
    summary.refresh_computed_values(data.team.pk, [week_row.pk], user)
    overview.keep_part_after_write(data.team.pk, data.week)
    return report


def _save_kpi_values(data, form, touched, week_row, user):
    cleaned = form.cleaned_data
    existing = {value.kpi_id: value for value in KPIValue.objects.filter(week=week_row, kpi__in=data.kpis)}
    for kpi in data.kpis:
        key = kpi_key(kpi)
        # A computed KPI has only its note here; its value is counted from the records (incidents.signals).
        value_typed = key in form.fields and touched.field(form, key)
        note_typed = touched.field(form, f"{key}_note")
        if not value_typed and not note_typed:
            continue
        value, note = cleaned.get(key), cleaned.get(f"{key}_note", "").strip()
        row = existing.get(kpi.pk)
        if row is not None:
            row.kpi = kpi  # already read: the computed-KPI guard (incidents.signals) needs no query for it
        if row is None:
            # A note alone is kept: it says why the figure is missing this week.
            if value is not None or note:
                _save(KPIValue(kpi=kpi, week=week_row), user, value=value, note=note, updated_by=user)
            continue
        value = value if value_typed else row.value
        note = note if note_typed else row.note
        if value is None and not note:
            _delete(row, user)
            continue
        if row.value != value or row.note != note:
            _save(row, user, value=value, note=note, updated_by=user, is_generated=False)


def _save_key_results(data, form, touched, week_row, user):
    cleaned = form.cleaned_data
    existing = {
        update.key_result_id: update
        for update in KeyResultUpdate.objects.filter(week=week_row, key_result__in=data.key_results)
    }
    previous = {row.key_result.pk: row.previous for row in data.key_result_rows}
    for key_result in data.key_results:
        key = kr_key(key_result)
        eta_field = f"{key}_eta"
        eta = cleaned.get(eta_field)
        if eta_field in form.fields and touched.field(form, eta_field) and key_result.eta != eta:
            _save(key_result, user, eta=eta)
        # Model field -> form field; a key result shows either progress or a current value.
        names = {
            "progress": f"{key}_progress",
            "current_value": f"{key}_value",
            "status": f"{key}_status",
            "note": f"{key}_note",
        }
        typed = {
            name: cleaned.get(field) if name != "note" else cleaned.get(field, "").strip()
            for name, field in names.items()
            if field in form.fields and touched.field(form, field)
        }
        update = existing.get(key_result.pk)
        if not typed:
            carried = previous.get(key_result.pk)
            if update is None and carried is not None:
                # Nothing edited: the item is saved as unchanged since last week, not as "not updated".
                fields = {name: getattr(carried, name) for name in ("progress", "current_value", "status")}
                update = KeyResultUpdate(key_result=key_result, week=week_row)
                update._change_reason = REASON_CARRIED
                _save(update, user, updated_by=user, **fields)
            continue
        current = {name: getattr(update, name) if update else None for name in names}
        if update is None:
            current.update(status=KeyResultUpdate.Status.ON_TRACK, note="")
            # A new row starts from everything the form shows, typed or carried forward (the status).
            typed = {
                name: cleaned.get(field) if name != "note" else cleaned.get(field, "").strip()
                for name, field in names.items()
                if field in form.fields
            }
        fields = {**current, **typed}
        empty = fields["progress"] is None and fields["current_value"] is None and not fields["note"]
        if empty:
            if update is not None:
                _delete(update, user)
            continue
        if update is None:
            _save(KeyResultUpdate(key_result=key_result, week=week_row), user, updated_by=user, **fields)
        elif any(getattr(update, name) != value for name, value in fields.items()):
            _save(update, user, updated_by=user, is_generated=False, **fields)


def _save_rows(model, report, formset, touched, user, *, content, is_blank):
    """Sections and this week's TODOs: update by id, add new rows, delete cleared or ticked ones.

    Rows the form did not show (added by someone else meanwhile) are left alone, and so are the
    fields of a shown row that the person did not change.
    """
    existing = {row.pk: row for row in model.objects.filter(report=report)}
    prefix = formset.prefix
    position = 0
    for form in formset.forms:
        row_data = form.cleaned_data
        if not row_data:
            continue
        row = existing.get(row_data.get("id"))
        typed = content(row_data)
        if row is not None:
            typed = {
                name: value if touched.row_field(prefix, form, name) else getattr(row, name)
                for name, value in typed.items()
            }
        if row_data.get("DELETE") or is_blank(typed):
            if row is not None:
                _delete(row, user)
            continue
        fields = {**typed, "position": position}
        position += 1
        if row is None:
            _save(model(report=report), user, **fields)
        elif any(getattr(row, name) != value for name, value in fields.items()):
            _save(row, user, **fields)


def _save_todo_ticks(data, form, touched, report, user):
    cleaned = form.cleaned_data
    current = {todo.pk: todo for todo in TodoItem.objects.filter(pk__in=[t.pk for t in data.open_todos])}
    for todo in current.values():
        text_key = f"todo_{todo.pk}_text"
        text = cleaned.get(text_key, "").strip()
        if text_key in form.fields and touched.field(form, text_key) and text and text != todo.text:
            # Reworded, still the same TODO: its history shows the earlier wording.
            _save(todo, user, text=text)
        key = f"todo_{todo.pk}_done"
        if not touched.field(form, key):
            continue
        done = cleaned.get(key, False)
        if done and todo.done_in_id != report.pk:
            _save(todo, user, done_in=report)
        elif not done and todo.done_in_id == report.pk:
            _save(todo, user, done_in=None)


def _save_plan_ticks(data, form, touched, user):
    cleaned = form.cleaned_data
    for plan in PlanItem.objects.filter(pk__in=[p.pk for p in data.previous_plans]):
        key = f"plan_{plan.pk}_done"
        if not touched.field(form, key):
            continue
        done = cleaned.get(key, False)
        if plan.is_done != done:
            _save(plan, user, is_done=done)


def _save_plans(report, text, user):
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    plans = list(PlanItem.objects.filter(report=report))
    for position, line in enumerate(lines):
        if position < len(plans):
            plan = plans[position]
            if plan.text != line or plan.position != position:
                # A changed text is a different plan: next week's tick no longer applies.
                _save(plan, user, text=line, position=position, is_done=plan.is_done and plan.text == line)
        else:
            _save(PlanItem(report=report), user, text=line, position=position)
    for plan in plans[len(lines) :]:
        _delete(plan, user)


INCIDENT_FIELDS = (
    "title",
    "kind",
    "grade",
    "responsibility_share",
    "detection",
    "started_at",
    "resolved_at",
    "description",
    "impact",
    "cause",
)


def _save_incidents(data, form, touched, user):
    """The week's incidents as typed in the form: update by id, add filled rows, remove ticked ones."""
    existing = {
        incident.pk: incident
        for incident in Incident.objects.filter(team=data.team, week__starts_on=data.week.monday)
    }
    for row_form in form.incidents.forms:
        row_data = row_form.cleaned_data
        if not row_data:
            continue
        incident = existing.get(row_data.get("id"))
        if row_data.get("DELETE"):
            if incident is not None:
                _delete(incident, user)
            continue
        if incident is None and row_form.is_blank():
            continue
        fields = {
            name: row_data[name].strip() if isinstance(row_data[name], str) else row_data[name]
            for name in INCIDENT_FIELDS
        }
        actions_typed = True
        if incident is None:
            incident = Incident(team=data.team)
        else:
            fields = {n: v for n, v in fields.items() if touched.row_field("incidents", row_form, n)}
            actions_typed = touched.row_field("incidents", row_form, "actions")
        if incident.pk is None or any(getattr(incident, n) != v for n, v in fields.items()):
            _save(incident, user, **fields)
        if actions_typed:
            _save_actions(incident, row_data.get("actions", ""), user)


def _save_actions(incident, text, user):
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    actions = list(FollowUpAction.objects.filter(incident=incident))
    for position, line in enumerate(lines):
        if position < len(actions):
            action = actions[position]
            if action.description != line or action.position != position:
                _save(action, user, description=line, position=position)
        else:
            _save(FollowUpAction(incident=incident), user, description=line, position=position)
    for action in actions[len(lines) :]:
        _delete(action, user)


@dataclass
class ConflictRow:
    label: str
    theirs: str
    yours: str


def describe_conflict(fresh: WeekData, form: WeekForm) -> list[ConflictRow]:
    """Field by field, what changed since the form was opened: the saved value against the typed one."""
    now = flatten(initial_for(fresh))
    opened = form.cleaned_data.get("opened") if hasattr(form, "cleaned_data") else None
    labels = form.labels()
    rows = []
    for key, theirs in now.items():
        if key.endswith("-id"):
            continue
        yours = form.data.get(key, "")
        before = opened.get(key) if opened else None
        changed = theirs != before if opened is not None else theirs != yours
        if changed:
            rows.append(ConflictRow(labels.get(key, key), _shown(theirs), _shown(yours)))
    return rows


def _shown(value: str) -> str:
    return "\u2713" if value == "on" else value


def rebind_after_conflict(fresh: WeekData, form: WeekForm, *, read_only: bool = False) -> WeekForm:
    """The same typed input, now carrying the current revision: saving it again applies it."""
    data = form.data.copy()
    data["revision"] = str(fresh.revision)
    data["opened"] = json.dumps(flatten(initial_for(fresh)), ensure_ascii=False)
    return WeekForm(fresh, data=data, initial=initial_for(fresh), read_only=read_only)
