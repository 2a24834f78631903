"""The weekly form: KPI values, key-result updates, narrative, TODOs and plans in one POST.

Numbers arrive as people type them ("81.72%", "81.72％", " 1,134 ", "1829万元"); the fields here
turn them into exact Decimals or give a message that says what is wrong with the value.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils.choices import BaseChoiceIterator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common import json_input
from incidents.forms import WeekIncidentForm
from okrs.models import KeyResult, KeyResultUpdate
from reports.models import KPI
from reports.number_rules import check_kpi_value, check_percent, check_places

# The model columns are DecimalField(max_digits=20, decimal_places=6): 14 digits before the point.
MAX_INTEGER_DIGITS = 14
NUMBER_RE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
GROUPED_RE = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
ACTION_SAVE = "save"
ACTION_SUBMIT = "submit"


def normalise_number_text(text: str) -> str:
    # NFKC folds full-width digits, ％ and the ideographic space into their ASCII forms.
    return unicodedata.normalize("NFKC", text or "").strip().replace("\u2212", "-")


def parse_decimal(text: str, *, percent=False, suffixes=()) -> Decimal | None:
    """Decimal from typed text, None for blank; raises ValidationError with a readable message."""
    text = normalise_number_text(text)
    if not text:
        return None
    if len(text) > 60:
        raise ValidationError(_("Enter a number, such as 313 or 81.72."), code="invalid")
    if percent and text.endswith("%"):
        text = text[:-1].strip()
    for suffix in suffixes:
        if suffix and text.endswith(suffix):
            text = text[: -len(suffix)].strip()
    if GROUPED_RE.match(text):
        text = text.replace(",", "")
    if not NUMBER_RE.match(text):
        raise ValidationError(_("Enter a number, such as 313 or 81.72."), code="invalid")
    try:
        value = Decimal(text)
    except InvalidOperation as error:  # pragma: no cover - the pattern already excludes these
        raise ValidationError(_("Enter a number, such as 313 or 81.72."), code="invalid") from error
    integer_digits = len(str(abs(value).to_integral_value(rounding="ROUND_FLOOR")))
    if integer_digits > MAX_INTEGER_DIGITS:
        raise ValidationError(_("This number is too large."), code="too_large")
    return value


class NumberTextField(forms.CharField):
    """Text, not type=number: "81.72%" and full-width digits must reach the server to be understood."""

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.update({"inputmode": "decimal", "autocomplete": "off", "size": 10, "class": "num-input"})
        return attrs


class KPIValueField(NumberTextField):
    """A KPI's weekly value, checked against the KPI's unit and precision."""

    def __init__(self, kpi: KPI, *, stored: Decimal | None = None, **kwargs):
        self.kpi = kpi
        self.stored = stored
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value):
        kpi = self.kpi
        number = parse_decimal(super().to_python(value), percent=kpi.is_percent, suffixes=(kpi.unit_label,))
        if number is None:
            return None
        # The value already stored passes as it is (it may predate the rule, or the KPI's decimals
        # may have been lowered since): refusing it would block saving fields the lead did change.
        if self.stored is not None and number == self.stored:
            return number
        check_kpi_value(kpi, number)
        return number


class ProgressField(NumberTextField):
    """A key result's progress: 0–100 with up to two decimals, "%" allowed."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value):
        number = parse_decimal(super().to_python(value), percent=True)
        if number is None:
            return None
        check_percent(number)
        check_places(number, 2)
        return number


class KeyResultValueField(NumberTextField):
    """A key result's current value, measured from its start value to its target."""

    def __init__(self, key_result: KeyResult, **kwargs):
        self.key_result = key_result
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value):
        number = parse_decimal(super().to_python(value), suffixes=(self.key_result.unit_label,))
        if number is not None:
            check_places(number, 6)
        return number


class FixedChoices(BaseChoiceIterator):
    """Choices already in (value, label) pairs, shared by many fields.

    A plain list is normalized twice per field (the field's choices, then its widget's): ~30 µs for
    each key result's status field. Django takes a choice iterator as it is.
    """

    def __init__(self, pairs: list[tuple[str, str]]):
        self.pairs = pairs

    def __iter__(self):
        return iter(self.pairs)


def kpi_key(kpi) -> str:
    return f"kpi_{kpi.pk}"


def kr_key(key_result) -> str:
    return f"kr_{key_result.pk}"


class SectionForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1, max_value=2**63 - 1)
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200, required=False)
    body = forms.CharField(
        label=gettext_lazy("Text"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )

    def clean(self):
        data = super().clean()
        if data.get("body", "").strip() and not data.get("title", "").strip():
            self.add_error("title", _("Give the section a title, or clear its text to remove it."))
        return data


class TodoForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1, max_value=2**63 - 1)
    text = forms.CharField(
        label=gettext_lazy("TODO"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    section_title = forms.CharField(
        label=gettext_lazy("Section"),
        max_length=200,
        required=False,
        help_text=gettext_lazy(
            "The narrative section the TODO is listed under in the weekly document, such as 贝易转; "
            "empty puts it in the general TODO list."
        ),
    )


SectionFormSet = forms.formset_factory(SectionForm, extra=2, can_delete=True, max_num=60, validate_max=True)
TodoFormSet = forms.formset_factory(TodoForm, extra=3, can_delete=True, max_num=100, validate_max=True)
IncidentFormSet = forms.formset_factory(
    WeekIncidentForm, extra=1, can_delete=True, max_num=50, validate_max=True
)


class WeekForm(forms.Form):
    """Everything the lead types for one week; its fields follow the team's KPIs and key results."""

    # Bounded so a tampered value cannot overflow the database's integer in the revision check.
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=2**31 - 1)
    # What the page showed when it was opened, so a conflict can say what changed since.
    opened = forms.CharField(widget=forms.HiddenInput, required=False)
    action = forms.ChoiceField(
        choices=[(ACTION_SAVE, ACTION_SAVE), (ACTION_SUBMIT, ACTION_SUBMIT)], required=False
    )
    reflections = forms.CharField(
        label=gettext_lazy("Reflections (收获与反思)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    plans_text = forms.CharField(
        label=gettext_lazy("Next week's plans (下周工作及目标)"),
        help_text=gettext_lazy("One plan per line."),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    other = forms.CharField(
        label=gettext_lazy("Other (其他)"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, week_data, *args, read_only=False, **kwargs):
        self.week_data = week_data
        super().__init__(*args, **kwargs)
        stored = {row.kpi.pk: row.change.current for row in week_data.kpi_rows}
        # Each label's wording translated once for the form, not once per KPI or key result.
        kpi_note = _("%(name)s — note")
        for kpi in week_data.kpis:
            key = kpi_key(kpi)
            # A computed KPI has no input: its value is counted from the week's incident records.
            if not kpi.is_computed:
                self.fields[key] = KPIValueField(kpi, stored=stored.get(kpi.pk), label=kpi.name)
            self.fields[f"{key}_note"] = forms.CharField(
                label=kpi_note % {"name": kpi.name},
                required=False,
                widget=forms.Textarea(attrs={"rows": 1}),
            )
        # Translated once for the form rather than once per option of every item's select.
        statuses = FixedChoices([(value, str(label)) for value, label in KeyResultUpdate.Status.choices])
        kr_status, kr_note, kr_eta = _("%(title)s — status"), _("%(title)s — note"), _("%(title)s — ETA")
        for key_result in week_data.key_results:
            key = kr_key(key_result)
            if key_result.measure == KeyResult.Measure.VALUE:
                self.fields[f"{key}_value"] = KeyResultValueField(key_result, label=key_result.title)
            else:
                self.fields[f"{key}_progress"] = ProgressField(label=key_result.title)
            self.fields[f"{key}_status"] = forms.ChoiceField(
                label=kr_status % {"title": key_result.title},
                choices=statuses,
            )
            self.fields[f"{key}_note"] = forms.CharField(
                label=kr_note % {"title": key_result.title},
                required=False,
                widget=forms.Textarea(attrs={"rows": 1}),
            )
            self.fields[f"{key}_eta"] = forms.DateField(
                label=kr_eta % {"title": key_result.title},
                required=False,
                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            )
        for todo in week_data.open_todos:
            self.fields[f"todo_{todo.pk}_done"] = forms.BooleanField(
                label=_("Done: %(todo)s") % {"todo": todo}, required=False
            )
            # Reworded in place: the same TODO with its history, not a new one.
            self.fields[f"todo_{todo.pk}_text"] = forms.CharField(
                label=_("TODO: %(todo)s") % {"todo": todo},
                required=False,
                widget=forms.Textarea(attrs={"rows": 1}),
            )
        for plan in week_data.previous_plans:
            self.fields[f"plan_{plan.pk}_done"] = forms.BooleanField(
                label=_("Done: %(plan)s") % {"plan": plan.text}, required=False
            )
        formset_kwargs = {"data": self.data if self.is_bound else None}
        self.sections = SectionFormSet(
            prefix="sections", initial=kwargs.get("initial", {}).get("_sections"), **formset_kwargs
        )
        self.todos = TodoFormSet(
            prefix="todos", initial=kwargs.get("initial", {}).get("_todos"), **formset_kwargs
        )
        self.incidents = IncidentFormSet(
            prefix="incidents",
            initial=kwargs.get("initial", {}).get("_incidents"),
            form_kwargs={"week": week_data.week},
            **formset_kwargs,
        )
        if read_only:
            for field in self.fields.values():
                field.disabled = True
            for form in [*self.sections.forms, *self.todos.forms, *self.incidents.forms]:
                for field in form.fields.values():
                    field.disabled = True

    def clean(self):
        data = super().clean()
        for todo in self.week_data.open_todos:
            key = f"todo_{todo.pk}_text"
            if key in data and not data[key].strip():
                self.add_error(key, _("A carried TODO keeps its text: tick it done instead of clearing it."))
        opened = data.get("opened") or ""
        try:
            # A tampered snapshot only costs its comparison: every input then counts as typed.
            data["opened"] = json_input.loads(opened) if opened else None
        except ValueError:
            data["opened"] = None
        if not isinstance(data["opened"], dict):
            data["opened"] = None
        return data

    def is_valid(self):
        # Evaluate all three so every error shows on the first re-render, not one part at a time.
        results = [
            super().is_valid(),
            self.sections.is_valid(),
            self.todos.is_valid(),
            self.incidents.is_valid(),
        ]
        return all(results)

    @property
    def wants_submit(self) -> bool:
        return self.cleaned_data.get("action") == ACTION_SUBMIT

    def labels(self) -> dict[str, str]:
        """A readable name for every key of the flattened form data, for the conflict table."""
        names = {name: str(field.label or name) for name, field in self.fields.items()}
        for prefix, formset, noun in (
            ("sections", self.sections, _("Section")),
            ("todos", self.todos, _("TODO")),
            ("incidents", self.incidents, _("Incident")),
        ):
            for index, form in enumerate(formset.forms):
                for name, field in form.fields.items():
                    names[f"{prefix}-{index}-{name}"] = f"{noun} {index + 1}: {field.label or name}"
        return names

    # Rows for the template, each with its bound fields: templates cannot look fields up by a computed name.
    def _kpi_groups(self, folded: bool):
        groups = []
        for group, rows in self.week_data.kpi_groups(folded=folded):
            items = []
            for row in rows:
                key = kpi_key(row.kpi)
                items.append((row, self[key] if key in self.fields else None, self[f"{key}_note"]))
            groups.append((group, items))
        return groups

    def kpi_groups(self):
        """The KPIs the team fills most weeks, by group."""
        return self._kpi_groups(folded=False)

    def other_kpi_groups(self):
        """The rest, folded under "other KPIs" (opened when one of them has an error)."""
        return self._kpi_groups(folded=True)

    def other_kpis_have_errors(self, groups=None) -> bool:
        """Whether the folded KPIs have an error; `groups` is other_kpi_groups() when already built."""
        return any(
            (field is not None and field.errors) or note.errors
            for _group, rows in (self.other_kpi_groups() if groups is None else groups)
            for _row, field, note in rows
        )

    def objective_groups(self):
        groups = []
        for objective, rows in self.week_data.objective_groups():
            items = []
            for row in rows:
                key = kr_key(row.key_result)
                value = self[f"{key}_value"] if row.is_value else self[f"{key}_progress"]
                items.append((row, value, self[f"{key}_status"], self[f"{key}_note"], self[f"{key}_eta"]))
            groups.append((objective, items))
        return groups

    def text_fields(self):
        """Reflections, plans and other, in the order visible_fields() gives them."""
        return [self[name] for name in ("reflections", "plans_text", "other")]

    def open_todo_fields(self):
        return [
            (todo, self[f"todo_{todo.pk}_done"], self[f"todo_{todo.pk}_text"])
            for todo in self.week_data.open_todos
        ]

    def previous_plan_fields(self):
        return [(plan, self[f"plan_{plan.pk}_done"]) for plan in self.week_data.previous_plans]
