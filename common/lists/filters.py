"""Filters every list shares: the ISO-week box, the `q` search, a yes/no choice."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django_filters.fields import ModelChoiceField, ModelChoiceIterator

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


class _ListedRows(forms.models.ModelChoiceIterator):
    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for row in self.field.rows:
            yield self.choice(row)

    def __len__(self):
        return len(self.field.rows) + (1 if self.field.empty_label is not None else 0)

    def __bool__(self):
        return self.field.empty_label is not None or bool(self.field.rows)


class ListedChoiceIterator(ModelChoiceIterator, _ListedRows):
    """django-filters' iterator (its "null" choice) over the field's rows read once."""


class ListedModelChoiceField(ModelChoiceField):
    """A model choice whose rows are read once per form: the picked value is found among the rows the
    select shows. Django's field asks the database once to check the value and again to list the
    options, the latter through a server-side cursor on PostgreSQL (DECLARE, FETCH, CLOSE).
    For short lists (teams), compared as text: `to_field_name` should be a text key such as a slug.
    """

    iterator = ListedChoiceIterator

    @cached_property
    def rows(self) -> list:
        return list(self.queryset)

    def _set_queryset(self, queryset):
        self.__dict__.pop("rows", None)
        super()._set_queryset(queryset)

    queryset = property(ModelChoiceField._get_queryset, _set_queryset)

    def to_python(self, value):
        if self.null_label is not None and value == self.null_value:
            return value
        if value in self.empty_values:
            return None
        self.validate_no_null_characters(value)
        key = self.to_field_name or "pk"
        if isinstance(value, self.queryset.model):
            value = getattr(value, key)
        for row in self.rows:
            if str(getattr(row, key)) == str(value):
                return row
        raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")


class ListedModelChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = ListedModelChoiceField
