"""The weekly form's hand-written loops print what the template loops they replaced printed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from common.weeks import IsoWeek
from incidents.models import FollowUpAction
from pages.editing import initial_for, load_week
from pages.forms import WeekForm
from pages.views.weekly_form import _fresh_form
from pages.week_form_html import (
    incident_record,
    incident_records,
    kpi_tables,
    objective_tables,
    section_rows,
    todo_rows,
)
from reports.models import KPI
from tests.factories import make_incident, make_key_result, make_kpi, make_objective, make_update, make_value
from tests.pages.weekform_helpers import LAST_WEEK, build_last_week, edit_url, form_data

pytestmark = pytest.mark.django_db

# The loops of templates/reports/week_form.html before they moved to pages/week_form_html.py:
# reports/_week_form_kpis.html, the objectives' loop, reports/_week_form_incident.html, the sections' loop
# and the loop over this week's TODOs.
OLD_KPIS, OLD_OBJECTIVES, OLD_INCIDENT, OLD_SECTIONS, OLD_TODOS = (
    (Path(__file__).parent / "week_form_loops_before.html").read_text().split("{# -- #}\n")
)
OLD_OBJECTIVES, OLD_SECTIONS, OLD_TODOS = (
    "{% load i18n %}" + fragment.removesuffix("\n") for fragment in (OLD_OBJECTIVES, OLD_SECTIONS, OLD_TODOS)
)
# week_form.html's loop over the records, the include written in place.
OLD_INCIDENTS = "{% for incident in form.incidents %}\n      " + OLD_INCIDENT + "\n    {% endfor %}"
LANGUAGES = ["en", "zh-hans"]


def old(fragment: str, **context) -> str:
    return Template(fragment).render(Context(context))


def assert_same_html(form: WeekForm):
    for groups in (form.kpi_groups(), form.other_kpi_groups()):
        assert str(kpi_tables(groups)) == old(OLD_KPIS, groups=groups)
    assert str(objective_tables(form.objective_groups())) == old(OLD_OBJECTIVES, form=form)
    assert str(incident_records(form.incidents)) == old(OLD_INCIDENTS, form=form)
    empty = form.incidents.empty_form
    assert str(incident_record(empty)) == old(OLD_INCIDENT, incident=empty)
    assert str(section_rows(form.sections)) == old(OLD_SECTIONS, form=form)
    assert str(todo_rows(form.todos)) == old(OLD_TODOS, form=form)


@pytest.fixture
def week(team, lead):
    """Last week's report with every kind of row: computed, folded, ungrouped, marked-up names."""
    build_last_week(team)
    make_kpi(team, "C级事故数", unit=KPI.Unit.COUNT, decimals=1, computed_from="incidents_c", position=4)
    marked = make_kpi(team, "<b>\"吞吐\"</b> & 'x'", group="", unit_label="个<", position=5)
    make_value(marked, "2024-W32", 7)
    make_value(marked, LAST_WEEK, 9, note="积压 <减少>")
    make_kpi(team, "rarely filled", group="其他", position=6)  # folded: no value in the window
    # Saved without a figure but with a note: its change reads "missing".
    noted = make_kpi(team, "missing with a note", group="其他", position=7)
    make_value(noted, "2024-W30", 1)
    make_value(noted, "2024-W31", 1)
    noted_value = make_value(noted, LAST_WEEK, 1, note="系统故障")
    noted_value.value = None
    noted_value.save()
    objective = make_objective(team, "O2", title="<稳定性> & 'more'")
    owned = make_key_result(objective, title='可用性 "99.99%"', owner=lead, position=1)
    make_update(owned, "2024-W32", 50)
    started = timezone.make_aware(dt.datetime(2024, 8, 13, 9, 27))
    titled = make_incident(team, started_at=started, title="POS <卡> & 'x'", grade="C")
    FollowUpAction.objects.create(incident=titled, description="复盘")
    make_incident(team, started_at=started, title="", kind="change")
    return IsoWeek.parse(LAST_WEEK)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("read_only", [False, True])
def test_an_opened_week_prints_as_the_templates_did(team, week, language, read_only):
    data = load_week(team, week)
    assert [[row.kpi.name for row in rows] for _group, rows in data.kpi_groups(folded=True)] == [
        ["rarely filled"]
    ]
    with translation.override(language):
        assert_same_html(_fresh_form(data, read_only=read_only))


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_week_with_errors_prints_as_the_templates_did(client_for, lead, team, week, language):
    data = load_week(team, week)
    post = form_data(client_for(lead).get(edit_url(team, LAST_WEEK)))
    kpis = {kpi.name: kpi for kpi in data.kpis}
    key_result = data.key_results[0]
    post.update(
        {
            f"kpi_{kpis['需求交付数'].pk}": "abc",
            f"kpi_{kpis['rarely filled'].pk}": "1.5.5",
            f"kr_{key_result.pk}_progress": "200",
            f"kr_{key_result.pk}_status": "nope",
            f"kr_{key_result.pk}_eta": "someday",
            "incidents-0-resolved_at": "2024-08-12 09:00",
            "incidents-1-responsibility_share": "<2>",
            "sections-0-title": "",  # a text without a title
            "sections-0-body": "正文",
            "sections-1-title": "x" * 201,
            "todos-0-section_title": "y" * 201,
        }
    )
    form = WeekForm(data, data=post, initial=initial_for(data))
    assert not form.is_valid()
    form.incidents.forms[1].add_error(None, "a record-wide <problem>")
    assert form.other_kpis_have_errors()
    assert form.sections.forms[0]["title"].errors and form.sections.forms[1]["title"].errors
    assert form.todos.forms[0].errors
    with translation.override(language):
        assert_same_html(form)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_team_without_key_results_or_incidents_prints_as_the_templates_did(team, language):
    data = load_week(team, IsoWeek.parse(LAST_WEEK))
    assert not data.key_results and not data.kpis
    with translation.override(language):
        assert_same_html(_fresh_form(data))
