"""The incident form used from the weekly form: the incident, then its follow-up actions."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from incidents.models import FollowUpAction, Incident

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
# Year 1 or 9999 pass the date parser but overflow converting to UTC or finding the ISO week.
MOMENT_YEARS = (1970, 2999)
MOMENTS = ("started_at", "detected_at", "mitigated_at", "resolved_at")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format=DATETIME_FORMAT, **kwargs)


def refuse_moments_out_of_range(form, data):
    """Field errors for times the database and the week arithmetic cannot hold (also used by the admin)."""
    for name in MOMENTS:
        moment = data.get(name)
        if moment and not MOMENT_YEARS[0] <= moment.year <= MOMENT_YEARS[1]:
            form.add_error(
                name,
                _("Enter a time between %(first)s and %(last)s.")
                % {"first": MOMENT_YEARS[0], "last": MOMENT_YEARS[1]},
            )


class IncidentForm(forms.ModelForm):
    class Meta:
        model = Incident
        fields = [
            "title",
            "kind",
            "grade",
            "affected_system",
            "started_at",
            "detected_at",
            "mitigated_at",
            "resolved_at",
            "detection",
            "responsibility_share",
            "impact_count",
            "description",
            "impact",
            "cause",
            "resolution",
        ]
        widgets = {
            name: DateTimeInput() for name in ("started_at", "detected_at", "mitigated_at", "resolved_at")
        } | {
            "description": forms.Textarea(attrs={"rows": 4}),
            "impact": forms.Textarea(attrs={"rows": 2}),
            "cause": forms.Textarea(attrs={"rows": 2}),
            "resolution": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("started_at", "detected_at", "mitigated_at", "resolved_at"):
            self.fields[name].input_formats = [DATETIME_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]

    def clean(self):
        data = super().clean()
        refuse_moments_out_of_range(self, data)
        started = data.get("started_at")
        messages = {
            "detected_at": _("An incident cannot be detected before it started."),
            "mitigated_at": _("An incident cannot be mitigated before it started."),
            "resolved_at": _("An incident cannot be resolved before it started."),
        }
        share = data.get("responsibility_share")
        if share is not None and not 0 <= share <= 1:
            self.add_error("responsibility_share", _("The responsibility share runs from 0 to 1."))
        if started:
            # At the field, not only as the database constraint's form-wide message.
            for name, message in messages.items():
                moment = data.get(name)
                if moment and moment < started:
                    self.add_error(name, message)
        return data


class FollowUpActionForm(forms.ModelForm):
    class Meta:
        model = FollowUpAction
        fields = ["description", "owner", "due_on", "done_on"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2}),
            "due_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "done_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }


class BaseFollowUpFormSet(forms.BaseInlineFormSet):
    def __init__(self, *args, owners=None, **kwargs):
        self.owner_choices = owners
        super().__init__(*args, **kwargs)

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if self.owner_choices is not None:
            # One owner list for every row, instead of one query per row.
            form.fields["owner"].choices = [("", "---------"), *self.owner_choices]


FollowUpFormSet = forms.inlineformset_factory(
    Incident,
    FollowUpAction,
    form=FollowUpActionForm,
    formset=BaseFollowUpFormSet,
    extra=3,
    max_num=30,
    validate_max=True,
    can_delete=False,
)


def owner_choices():
    users = get_user_model().objects.filter(is_active=True).order_by("username")
    return [(user.pk, user.get_full_name() or user.get_username()) for user in users]


class WeekIncidentForm(forms.Form):
    """One record of the week, typed inside the weekly form; saved with the week (pages/editing/saving.py).

    A row left blank adds nothing; follow-up actions are one per line.
    """

    id = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1, max_value=2**63 - 1)
    title = forms.CharField(
        label=gettext_lazy("Title"),
        max_length=300,
        required=False,
        help_text=gettext_lazy("Optional: the first clause of the description when left empty."),
    )
    # Not required: a blank row posted by a plain client adds nothing, and a filled one defaults them.
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"),
        choices=Incident.Kind.choices,
        initial=Incident.Kind.INCIDENT,
        required=False,
    )
    grade = forms.ChoiceField(label=gettext_lazy("Grade"), choices=Incident.Grade.choices, required=False)
    responsibility_share = forms.DecimalField(
        label=gettext_lazy("Responsibility share"),
        min_value=0,
        max_value=1,
        max_digits=3,
        decimal_places=2,
        initial="1",
        required=False,
        help_text=gettext_lazy("0.5 counts as half an incident in the grade tally."),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 4, "class": "num-input"}),
    )
    detection = forms.ChoiceField(
        label=gettext_lazy("Discovery"),
        choices=Incident.Detection.choices,
        initial=Incident.Detection.UNKNOWN,
        required=False,
    )
    started_at = forms.DateTimeField(label=gettext_lazy("Start"), required=False, widget=DateTimeInput())
    resolved_at = forms.DateTimeField(label=gettext_lazy("End"), required=False, widget=DateTimeInput())
    description = forms.CharField(
        label=gettext_lazy("What happened"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    impact = forms.CharField(
        label=gettext_lazy("Impact"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    cause = forms.CharField(
        label=gettext_lazy("Cause"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    actions = forms.CharField(
        label=gettext_lazy("Follow-up actions"),
        required=False,
        help_text=gettext_lazy("One per line."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    TEXTS = ("title", "description", "impact", "cause", "actions")

    def __init__(self, *args, week=None, **kwargs):
        self.week = week
        super().__init__(*args, **kwargs)
        for name in ("started_at", "resolved_at"):
            self.fields[name].input_formats = [DATETIME_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not data.get("started_at") and not any((data.get(name) or "").strip() for name in self.TEXTS)

    def clean(self):
        data = super().clean()
        refuse_moments_out_of_range(self, data)
        if data.get("DELETE") or self.is_blank():
            return data
        data["kind"] = data.get("kind") or Incident.Kind.INCIDENT
        data["detection"] = data.get("detection") or Incident.Detection.UNKNOWN
        if data.get("responsibility_share") is None and "responsibility_share" not in self.errors:
            data["responsibility_share"] = Decimal(1)
        started, resolved = data.get("started_at"), data.get("resolved_at")
        if not started and "started_at" not in self.errors:
            self.add_error("started_at", _("When did it start? The start decides the week it counts in."))
        if started and resolved and resolved < started:
            self.add_error("resolved_at", _("An incident cannot be resolved before it started."))
        if started and self.week and "started_at" not in self.errors:
            day = timezone.localtime(started).date()
            if not self.week.monday <= day <= self.week.sunday:
                self.add_error(
                    "started_at",
                    _("This form is for %(week)s (%(first)s to %(last)s); record it in its own week.")
                    % {"week": self.week, "first": self.week.monday, "last": self.week.sunday},
                )
        return data
