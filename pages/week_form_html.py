"""The weekly form's long loops written out in Python: the KPI tables, the key-result tables, the
incident records, the narrative sections and this week's TODOs.

Through the templates each KPI row cost ~30 variable lookups, six `{% translate %}` tags and an error
list per field, and each incident record an include with a loop over its eleven fields: about half of
the form's GET. The widgets themselves still render through their bound fields (and so through
common/widgets.py); only the markup around them is printed here. The HTML is the templates', character
for character (tests/pages/test_week_form_html.py renders both ways, in both languages).
"""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from common.widgets import field_html, printed


def _errors(field) -> str:
    """`{{ field.errors }}`: an empty list prints nothing, so it is not rendered at all.

    Read from the form's errors: BoundField.errors builds a new empty list on every call.
    """
    errors = field.form.errors.get(field.name)
    return str(errors) if errors else ""


def _label_for(field) -> str:
    return printed(field.id_for_label)


def _kpi_row(row, field, note, texts: dict[str, str]) -> str:
    kpi, change = row.kpi, row.change
    has_errors = (field is not None and _errors(field)) or _errors(note)
    unit = printed(row.unit_suffix)
    name = printed(kpi.name)
    flags = (' data-percent="1"' if kpi.is_percent else "") + (
        ' data-count="1"' if kpi.unit == "count" else ""
    )
    if field is not None:
        heading = f'<label for="{_label_for(field)}">{name}</label>'
        this_week = f'{field_html(field)}<span class="unit">{unit}</span>{_errors(field)}'
    else:
        heading = name
        this_week = (
            f'<span class="computed-value">{printed(row.current_text or "—")}</span> '
            f'<span class="badge from-incidents" title="{printed(kpi.get_computed_from_display())}">'
            f"{texts['from incidents']}</span>"
        )
    if change.current is not None:
        if change.previous is None:
            shown = texts["new"]
        else:
            shown = printed(row.absolute_text)
            relative = row.relative_text
            if relative:
                shown += f' <span class="muted">({printed(relative)})</span>'
    elif note.value():
        shown = texts["missing"]
    else:
        shown = ""
    return (
        f'\n    <tr class="kpi-row{" field-error" if has_errors else ""}" data-kpi="{name}" '
        f'data-previous="{printed(row.previous_plain)}" data-decimals="{printed(kpi.decimals)}" '
        f'data-direction="{printed(kpi.direction)}" data-unit="{unit}"{flags}>\n'
        f'      <th scope="row">{heading}</th>\n'
        f'      <td class="num last-week"><span class="cell-label">{texts["Last week"]}</span>'
        f"{printed(row.previous_text or '—')}</td>\n"
        f'      <td class="this-week"><span class="cell-label">{texts["This week"]}</span>{this_week}</td>\n'
        f'      <td class="num change tone-{printed(change.tone)}" aria-live="polite">'
        f'<span class="cell-label">{texts["Change"]}</span><span class="change-text">{shown}</span></td>\n'
        f'      <td class="note"><label class="visually-hidden" for="{_label_for(note)}">'
        f"{printed(note.label)}</label>{field_html(note)}{_errors(note)}</td>\n"
        f"    </tr>\n    "
    )


def _texts(*messages: str) -> dict[str, str]:
    """Each `{% translate %}` once per table rather than once per row."""
    return {message: escape(gettext(message)) for message in messages}


def kpi_tables(groups) -> SafeString:
    """What reports/_week_form_kpis.html printed for `groups` (WeekForm.kpi_groups and the folded ones)."""
    texts = _texts("KPI", "Last week", "This week", "Change", "Note", "new", "missing", "from incidents")
    # `{{ group|default:_("Ungrouped") }}`: the template's translated literal is safe, so not escaped.
    ungrouped = gettext("Ungrouped")
    parts = []
    for group, rows in groups:
        parts.append(
            f"\n<h3>{printed(group) if group else ungrouped}</h3>\n"
            '<div class="table-scroll" tabindex="0">\n'
            '<table class="kpi-inputs">\n'
            "  <thead><tr>\n"
            f'    <th>{texts["KPI"]}</th><th class="num">{texts["Last week"]}</th>\n'
            f'    <th>{texts["This week"]}</th><th class="num">{texts["Change"]}</th>'
            f"<th>{texts['Note']}</th>\n"
            "  </tr></thead>\n"
            "  <tbody>\n    "
        )
        parts.extend(_kpi_row(row, field, note, texts) for row, field, note in rows)
        parts.append("\n  </tbody>\n</table>\n</div>\n")
    parts.append("\n")
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped or rendered safe


def _key_result_row(row, value, status, note, eta, texts: dict[str, str]) -> str:
    key_result = row.key_result
    has_errors = any(_errors(field) for field in (value, status, note, eta))
    title = printed(key_result.title)
    owner = printed(key_result.owner.get_username()) if key_result.owner else ""
    carried = f" · {texts['carried']}" if not row.current and row.previous else ""
    unit = printed(key_result.unit_label) if row.is_value else "%"
    cells = "".join(
        f'\n          <td{css}><label class="visually-hidden" for="{_label_for(field)}">'
        f"{printed(field.label)}</label>{field_html(field)}{_errors(field)}</td>"
        for css, field in (("", status), ("", eta), (' class="note"', note))
    )
    return (
        f'\n        <tr class="kr-row{" field-error" if has_errors else ""}" data-kr="{title}">\n'
        f'          <th scope="row"><label for="{_label_for(value)}">{title}</label>\n'
        f'            <span class="muted small">{owner}{carried}</span></th>\n'
        f'          <td class="num last-week"><span class="cell-label">{texts["Last week"]}</span>'
        f"{printed(row.previous_text or '—')}</td>\n"
        f'          <td class="this-week"><span class="cell-label">{texts["This week"]}</span>'
        f'{field_html(value)}<span class="unit">{unit}</span>{_errors(value)}</td>'
        f"{cells}\n"
        f"        </tr>\n        "
    )


def objective_tables(groups) -> SafeString:
    """What the `{% for objective, items in form.objective_groups %}` loop of week_form.html printed."""
    if not groups:
        return mark_safe(f'\n    <p class="muted">{escape(gettext("No open key results."))}</p>\n    ')  # noqa: S308 - escaped
    texts = _texts("Key result", "Last week", "This week", "Status", "ETA", "Note")
    texts["carried"] = escape(gettext("carried from last week; saved as unchanged unless edited"))
    parts = []
    for objective, items in groups:
        parts.append(
            f"\n    <h3>{printed(objective.code)} {printed(objective.title)}</h3>\n"
            '    <div class="table-scroll" tabindex="0"><table class="kr-inputs">\n'
            "      <thead><tr>\n"
            f'        <th>{texts["Key result"]}</th><th class="num">{texts["Last week"]}</th>\n'
            f"        <th>{texts['This week']}</th><th>{texts['Status']}</th><th>{texts['ETA']}</th>"
            f"<th>{texts['Note']}</th>\n"
            "      </tr></thead>\n"
            "      <tbody>\n        "
        )
        parts.extend(_key_result_row(*item, texts) for item in items)
        parts.append("\n      </tbody>\n    </table></div>\n    ")
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped or rendered safe


def incident_record(incident, texts: dict[str, str] | None = None) -> SafeString:
    """What reports/_week_form_incident.html printed for one incident's form."""
    texts = texts or _incident_texts()
    initial_id = incident.initial.get("id")
    if initial_id:
        # `{{ incident.initial.title|default:_("Record") }}`: the translated literal is not escaped.
        title = incident.initial.get("title")
        legend = printed(title) if title else texts["Record"]
    else:
        legend = texts["New record"]
    non_field = incident.non_field_errors()
    fields = []
    for field in incident.visible_fields():
        name = field.name
        if name == "DELETE":
            continue
        errors = _errors(field)
        help_text = field.help_text
        help_span = f'<span class="muted small">{printed(help_text)}</span>' if help_text else ""
        fields.append(
            f'\n    <div class="field field-{printed(name)}{" field-error" if errors else ""}">\n'
            f'      <label for="{_label_for(field)}">{printed(field.label)}</label>\n'
            f"      {field_html(field)}\n"
            f"      {help_span}\n"
            f"      {errors}\n"
            f"    </div>\n    "
        )
    remove = ""
    if initial_id:
        delete = incident["DELETE"]
        remove = (
            f'<label class="inline-check" for="{_label_for(delete)}">{field_html(delete)} '
            f"{texts['Remove this record']}</label>"
        )
    return mark_safe(  # noqa: S308 - every value above is escaped or rendered safe
        f'<fieldset class="incident-row{" field-error" if incident.errors else ""}">\n'
        f"  <legend>{legend}</legend>\n"
        f"  {field_html(incident['id'])}\n"
        f"  {str(non_field) if non_field else ''}\n"
        f'  <div class="incident-grid">\n    {"".join(fields)}\n  </div>\n'
        f"  {remove}\n"
        "</fieldset>\n"
    )


def _incident_texts() -> dict[str, str]:
    texts = _texts("New record", "Remove this record")
    texts["Record"] = gettext("Record")
    return texts


def incident_records(formset) -> SafeString:
    """What the `{% for incident in form.incidents %}` loop of week_form.html printed."""
    texts = _incident_texts()
    return mark_safe(  # noqa: S308 - every value is escaped or rendered safe
        "".join(f"\n      {incident_record(form, texts)}\n    " for form in formset)
    )


def section_rows(formset) -> SafeString:
    """What the `{% for section in form.sections %}` loop of week_form.html printed."""
    texts = _texts("Title", "Remove", "Text")
    parts = []
    for form in formset:
        title, delete, body = form["title"], form["DELETE"], form["body"]
        parts.append(
            f'\n    <div class="section-row{" field-error" if form.errors else ""}">\n'
            f"      {field_html(form['id'])}\n"
            '      <div class="section-head">\n'
            f'        <label for="{_label_for(title)}">{texts["Title"]}</label>{field_html(title)}\n'
            f'        <label class="inline-check" for="{_label_for(delete)}">{field_html(delete)} '
            f"{texts['Remove']}</label>\n"
            "      </div>\n"
            f"      {_errors(title)}\n"
            f'      <label class="visually-hidden" for="{_label_for(body)}">{texts["Text"]}</label>'
            f"{field_html(body)}{_errors(body)}\n"
            "    </div>\n    "
        )
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped or rendered safe


def todo_rows(formset) -> SafeString:
    """What the `{% for todo in form.todos %}` loop of week_form.html printed."""
    texts = _texts("TODO", "Section", "Remove")
    parts = []
    for form in formset:
        text, section, delete = form["text"], form["section_title"], form["DELETE"]
        errors = form.errors
        parts.append(
            '\n    <div class="todo-row">\n'
            f"      {field_html(form['id'])}\n"
            f'      <label class="visually-hidden" for="{_label_for(text)}">{texts["TODO"]}</label>'
            f"{field_html(text)}\n"
            f'      <label class="visually-hidden" for="{_label_for(section)}">{texts["Section"]}</label>'
            f"{field_html(section)}\n"
            f'      <label class="inline-check" for="{_label_for(delete)}">{field_html(delete)} '
            f"{texts['Remove']}</label>\n"
            f"      {str(errors) if errors else ''}\n"
            "    </div>\n    "
        )
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped or rendered safe
