"""Filters every list shares: the ISO-week box, the `q` search, a yes/no choice; a model choice that reads
its rows once, and a filter form whose labels are written in Python."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils.formats import localize
from django.utils.functional import cached_property
from django.utils.html import conditional_escape
from django.utils.translation import gettext_lazy as _
from django_filters.fields import ModelChoiceField, ModelChoiceIterator

from common.weeks import IsoWeek
from common.widgets import WidgetRenderer

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


LABEL = "django/forms/label.html"
LABEL_CONTEXT = {"field", "label", "attrs", "use_tag", "tag"}
# Switched off by the tests that render Django's template to compare with.
LABELS_ENABLED = True


def _printed(value) -> str:
    """`{{ value }}` with autoescape on (no time zone or date here: labels, tags and attribute names)."""
    value = localize(value)
    return conditional_escape(value if issubclass(type(value), str) else str(value))


def _label(context: dict) -> str:
    """django/forms/label.html and the django/forms/attrs.html it includes."""
    if not context["use_tag"]:
        return _printed(context["label"])
    attrs = "".join(
        f" {_printed(name)}" if value is True else f' {_printed(name)}="{conditional_escape(str(value))}"'
        for name, value in (context["attrs"] or {}).items()
        if value is not False
    )
    tag = _printed(context["tag"])
    return f"<{tag}{attrs}>{_printed(context['label'])}</{tag}>"


class FilterFormRenderer(WidgetRenderer):
    """The site's form renderer (common/widgets.py), with the field labels written in Python as well:
    a list's filter form printed each of its labels through two templates, a third of the form."""

    def render(self, template_name, context, request=None):
        if template_name == LABEL and LABELS_ENABLED and set(context) == LABEL_CONTEXT:
            return _label(context).strip()
        return super().render(template_name, context, request)


class FilterForm(forms.Form):
    """The form of a list's filters (FilterSet Meta.form)."""

    # One renderer for every request: a renderer made per form would build its template engine each time.
    default_renderer = FilterFormRenderer()
