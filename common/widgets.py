"""The form renderer: Django's, with its plain widget and error list templates written out in Python.

The weekly form has ~190 widgets; each went through a template (an include of input.html, another of
attrs.html, a loop over its attributes): half of the form's GET. `WidgetRenderer` prints what those
templates print, character for character, for the inputs, the text area and the select with its
options (tests/common/test_widgets.py renders pages both ways); every other template, a custom
option template or a widget the table below does not name goes through Django's templates as before.

Every `{{ field.errors }}` renders an error list through two templates too, empty or not: ~280 of them
on the weekly form. Those are written out here as well, and so is a form of hidden fields alone (a
formset's management form, three on the weekly form), which went through div.html's loops.
"""

from __future__ import annotations

import html

from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.formats import localize
from django.utils.functional import Promise
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData
from django.utils.timezone import template_localtime

WIDGETS = "django/forms/widgets/"
OPTION = WIDGETS + "select_option.html"


def printed(value) -> str:
    """`{{ value }}`: render_value_in_context with autoescape on."""
    if isinstance(value, Promise):
        # A lazy translation (labels, choices): localize() and template_localtime() pass it through
        # and it is printed as its text, so take the text once here.
        value = str(value)
    if type(value) is str:
        # Most values are plain strings, which localize() and template_localtime() return unchanged:
        # escape() itself, without conditional_escape's lazy-string wrapper and checks (~3,000 a page).
        return html.escape(value)
    value = localize(template_localtime(value))
    if not issubclass(type(value), str):
        value = str(value)
    return conditional_escape(value)


def _formatted(value) -> str:
    """`{{ value|stringformat:'s' }}`: stringformat keeps a safe value safe, anything else is escaped."""
    if type(value) is str:
        return html.escape(value)  # as in printed()
    text = "%s" % value  # noqa: UP031 - stringformat's own operation
    # conditional_escape() of the plain string "%s" gives is escape(): an integer's "1" as it is.
    return text if isinstance(value, SafeData) else html.escape(text)


def _attrs(attrs: dict) -> str:
    """django/forms/widgets/attrs.html."""
    parts = []
    for name, value in attrs.items():
        if value is not False:
            parts.append(f" {printed(name)}" if value is True else f' {printed(name)}="{_formatted(value)}"')
    return "".join(parts)


def _input(widget: dict) -> str:
    """django/forms/widgets/input.html, its own trailing newline included."""
    value = f' value="{_formatted(widget["value"])}"' if widget["value"] is not None else ""
    return (
        f'<input type="{printed(widget["type"])}" name="{printed(widget["name"])}"{value}'
        f"{_attrs(widget['attrs'])}>\n"
    )


def _including_input(widget: dict) -> str:
    # text.html, number.html, …: `{% include "…/input.html" %}` and the file's own newline.
    return _input(widget) + "\n"


def _textarea(widget: dict) -> str:
    value = printed(widget["value"]) if widget["value"] else ""
    return f'<textarea name="{printed(widget["name"])}"{_attrs(widget["attrs"])}>\n{value}</textarea>\n'


def _option(option: dict) -> str:
    return (
        f'<option value="{_formatted(option["value"])}"{_attrs(option["attrs"])}>'
        f"{printed(option['label'])}</option>\n"
    )


def _select(widget: dict) -> str | None:
    parts = [f'<select name="{printed(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{printed(group_name)}">')
        for option in group_choices:
            if option["template_name"] != OPTION:
                return None
            parts.append("\n  " + _option(option))
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>\n")
    return "".join(parts)


def _error_list(context: dict) -> str:
    """django/forms/errors/list/default.html, which includes ul.html."""
    errors = context["errors"]
    if not errors:
        return ""
    # Iterating an ErrorList gives its messages, as the template's loop does.
    items = "".join(f"<li>{printed(error)}</li>" for error in errors)
    field_id = getattr(errors, "field_id", None)
    described = f' id="{printed(field_id)}_error"' if field_id else ""
    return f'<ul class="{printed(context["error_class"])}"{described}>{items}</ul>'


def _error_dict(context: dict) -> str:
    """django/forms/errors/dict/default.html (`{{ form.errors }}`), which includes ul.html."""
    errors = context["errors"]
    if not errors:
        return ""
    # Each field's name, then its error list as printed above.
    items = "".join(f"<li>{printed(name)}{printed(error)}</li>" for name, error in errors)
    return f'<ul class="{printed(context["error_class"])}">{items}</ul>'


ERRORS = "django/forms/errors/"
ERROR_WRITERS = {
    ERRORS + "list/default.html": _error_list,
    ERRORS + "list/ul.html": _error_list,
    ERRORS + "dict/default.html": _error_dict,
    ERRORS + "dict/ul.html": _error_dict,
}


def _hidden_only_form(context: dict) -> str | None:
    """django/forms/div.html for a form of hidden fields without errors (a formset's management form):
    its hidden fields one after the other. Any other form goes through the template."""
    if context["fields"] or context["errors"]:
        return None
    return "".join(str(field) for field in context["hidden_fields"])


FORM_WRITERS = {"django/forms/div.html": _hidden_only_form}
FORM_CONTEXT = {"form", "fields", "hidden_fields", "errors"}

WRITERS = {
    WIDGETS + "input.html": _input,
    WIDGETS + "textarea.html": _textarea,
    WIDGETS + "select.html": _select,
    **{
        f"{WIDGETS}{name}.html": _including_input
        for name in (
            "text",
            "number",
            "hidden",
            "checkbox",
            "date",
            "email",
            "url",
            "password",
            "time",
            "datetime",
        )
    },
}
# Switched off by the tests that render Django's templates to compare with.
ENABLED = True

# Django's own widget classes whose context is the plain one the writers above read.
PLAIN_WIDGETS = (
    forms.TextInput,
    forms.NumberInput,
    forms.EmailInput,
    forms.HiddenInput,
    forms.DateInput,
    forms.Textarea,
    forms.CheckboxInput,
    forms.Select,
)


def field_html(field) -> str:
    """`{{ field }}` for a bound field of a plain widget, without the general path's work per field.

    BoundField.as_widget builds the widget's extra attributes (asking for the field's errors twice, each
    time building an empty list when there are none), then the widget renders through the renderer. For
    the weekly form's ~270 fields that was a fifth of the page. This builds the same attributes in the
    same order (BoundField.build_widget_attrs, then the id) and calls the writer directly; any field it
    does not cover prints as before (tests/common/test_widgets.py compares both ways).
    """
    form, model_field = field.form, field.field
    widget = model_field.widget
    plain = ENABLED and type(widget) in PLAIN_WIDGETS and isinstance(form.renderer, WidgetRenderer)
    writer = WRITERS.get(widget.template_name) if plain else None
    if writer is None or model_field.show_hidden_initial or model_field.localize:
        return str(field)
    attrs = {}
    if widget.use_required_attribute(field.initial) and model_field.required and form.use_required_attribute:
        attrs["required"] = True
    if model_field.disabled:
        attrs["disabled"] = True
    errors = form.errors.get(field.name)
    if errors and not widget.is_hidden:
        attrs["aria-invalid"] = "true"
    auto_id = field.auto_id
    if not widget.attrs.get("aria-describedby") and auto_id and not widget.is_hidden:
        described = [f"{auto_id}_helptext"] if field.help_text else []
        if errors:
            described.append(f"{auto_id}_error")
        if described:
            attrs["aria-describedby"] = " ".join(described)
    if auto_id and "id" not in widget.attrs:
        attrs["id"] = auto_id
    html = writer(widget.get_context(field.html_name, field.value(), attrs)["widget"])
    # As BaseRenderer.render strips a template's output.
    return str(field) if html is None else html.strip()


class WidgetRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        writer = WRITERS.get(template_name) if ENABLED else None
        if writer is not None and set(context) == {"widget"}:
            html = writer(context["widget"])
            if html is not None:
                # As BaseRenderer.render does with the template's output.
                return html.strip()
        writer = ERROR_WRITERS.get(template_name) if ENABLED else None
        if writer is not None and set(context) == {"errors", "error_class"}:
            return writer(context).strip()
        writer = FORM_WRITERS.get(template_name) if ENABLED else None
        if writer is not None and set(context) == FORM_CONTEXT:
            html = writer(context)
            if html is not None:
                return html.strip()
        return super().render(template_name, context, request)
