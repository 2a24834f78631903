"""The incident form used from the weekly form: the incident, then its follow-up actions."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

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
