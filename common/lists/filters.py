"""Filters every list shares: the ISO-week box, the `q` search, a yes/no choice."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common.weeks import IsoWeek

YES_NO = [("true", _("Yes")), ("false", _("No"))]


class IsoWeekField(forms.CharField):
    """A `2024-W33` text field that cleans to an IsoWeek; 2024-W99 is a form error, not a 500."""

    default_error_messages = {
        "invalid": _("Enter an ISO week such as 2024-W33."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.widget.attrs.update({"placeholder": "2024-W33", "size": 9, "maxlength": 8})

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            return IsoWeek.parse(value)
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


class IsoWeekFilter(django_filters.Filter):
    """Matches rows whose week (via `field_name`, a Week foreign key) is the given ISO week."""

    field_class = IsoWeekField

    def filter(self, qs, value):
        if value is None:
            return qs
        return qs.filter(**{f"{self.field_name}__starts_on": value.monday})


def search_any(queryset, value: str, fields: tuple[str, ...]):
    """The `q` box: rows where any of the fields contains the text; a blank search keeps every row."""
    value = value.strip()
    if not value:
        return queryset
    condition = Q()
    for field in fields:
        condition |= Q(**{f"{field}__icontains": value})
    return queryset.filter(condition)
