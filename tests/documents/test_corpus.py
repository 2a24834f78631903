"""Issue 13's corpus: 14 reports in four hands, imported into a team with the demo KPI catalogue.

Every figure is checked by value (and last week's value by how the text gives it), every incident by
its times, kind, grade, share, discovery and impact, against tests/documents/corpus/expected.json.
"""

import datetime as dt
import json
import zoneinfo
from decimal import Decimal
from pathlib import Path

import pytest

from common.weeks import IsoWeek
from documents.export import team_week_markdown
from documents.importer import import_report, parse_document
from documents.importer.catalogue import catalogue_of
from incidents.models import Incident
from okrs.models import KeyResultUpdate
from pages.demo.seed import KPIS
from reports.models import KPI, KPIValue
from tests.documents.helpers import week_haystack

CORPUS = Path(__file__).resolve().parent / "corpus"
EXPECTED = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))
FILES = sorted(EXPECTED["files"])
ZONE = zoneinfo.ZoneInfo(EXPECTED["timezone"])


def with_catalogue(team):
    for position, seed in enumerate(KPIS, start=1):
        KPI.objects.create(
            team=team,
            name=seed.name,
            group=seed.group,
            unit=seed.unit,
            unit_label=seed.unit_label,
            decimals=seed.decimals,
            direction=seed.direction,
            aliases=seed.aliases,
            computed_from=seed.computed_from,
            position=position,
        )
    return team


def moment(text):
    return dt.datetime.fromisoformat(text).replace(tzinfo=ZONE) if text else None


def read(name, team):
    return parse_document((CORPUS / name).read_text(encoding="utf-8"), catalogue=catalogue_of(team))


@pytest.mark.parametrize("name", FILES)
def test_every_figure_of_the_corpus_is_read_by_value(team, name):
    with_catalogue(team)
    expected = EXPECTED["files"][name]
    parsed = read(name, team)
    assert str(parsed.week) == expected["week"]
    figures = {figure.name: figure for figure in parsed.placed_figures}
    for stated in expected["figures"]:
        figure = figures.get(stated["kpi"])
        assert figure is not None, (name, stated["kpi"])
        assert figure.value == Decimal(stated["value"]), (name, stated)
        if stated["previous"] is None:
            assert figure.previous is None, (name, stated)
        else:
            assert figure.previous == Decimal(stated["previous"]), (name, stated)
            assert figure.previous_source == stated["previous_source"], (name, stated)
    assert set(figures) == {stated["kpi"] for stated in expected["figures"]}, name


@pytest.mark.parametrize("name", FILES)
def test_every_corpus_week_imports_with_figures_items_incidents_and_text(team, name):
    with_catalogue(team)
    expected = EXPECTED["files"][name]
    kpis_before = KPI.objects.count()
    parsed = read(name, team)
    import_report(parsed, team)
    assert KPI.objects.count() == kpis_before  # no KPI is created without asking
    week = IsoWeek.parse(expected["week"])
    for stated in expected["figures"]:
        value = KPIValue.objects.get(kpi__team=team, kpi__name=stated["kpi"], week__starts_on=week.monday)
        assert value.value == Decimal(stated["value"]), (name, stated)
        if stated["previous"] is not None:  # last week is empty and has no report: filled, and said so
            previous = KPIValue.objects.get(kpi__name=stated["kpi"], week__starts_on=week.previous().monday)
            assert previous.value == Decimal(stated["previous"]), (name, stated)
    updates = list(KeyResultUpdate.objects.filter(week__starts_on=week.monday).select_related("key_result"))
    for item in expected["key_results"]:
        matching = [update for update in updates if item["key_result"] in update.key_result.title]
        assert matching, (name, item)
        assert matching[0].progress == Decimal(item["progress"]), (name, item)
    incidents = list(Incident.objects.filter(team=team).order_by("started_at"))
    assert len(incidents) == len(expected["incidents"]), name
    for incident, stated in zip(incidents, expected["incidents"], strict=True):
        assert incident.started_at == moment(stated["started_at"]), (name, stated)
        assert incident.resolved_at == moment(stated["resolved_at"]), (name, stated)
        assert incident.kind == stated["kind"], (name, stated)
        assert incident.grade == stated["grade"], (name, stated)
        assert incident.responsibility_share == Decimal(stated["share"]), (name, stated)
        assert incident.detection == stated["discovery"], (name, stated)
        assert incident.impact == stated["impact"], (name, stated)
        assert stated["title_fragment"] in f"{incident.title}\n{incident.description}", (name, stated)
    haystack = week_haystack(team, week, team_week_markdown(team, week))
    for fragment in expected["todos"] + expected["kept_text"]:
        assert fragment in haystack, (name, fragment)


def test_the_whole_corpus_in_week_order_then_again_changes_nothing(team):
    with_catalogue(team)
    for name in sorted(FILES, key=lambda name: EXPECTED["files"][name]["week"]):
        import_report(read(name, team), team)
    for name in FILES:
        assert not import_report(read(name, team), team).changed, name


def test_export_import_export_of_a_corpus_week_is_identical_and_states_each_figure_once(team, other_team):
    with_catalogue(team)
    with_catalogue(other_team)
    week = IsoWeek(2024, 34)
    import_report(read("style-a-2024-W34.md", team), team)
    first = team_week_markdown(team, week)
    import_report(parse_document(first, catalogue=catalogue_of(other_team)), other_team)
    assert team_week_markdown(other_team, week) == first
    # The throughput stands once, in the prose as written, with its value from the data.
    assert first.count("需求吞吐率") == 1
    assert "需求吞吐率上升**：↑4.01%(81.72%→85.00%)**" in first
    value = KPIValue.objects.get(kpi__team=team, kpi__name="需求吞吐率", week__starts_on=week.monday)
    value.value = Decimal("85.5")
    value.save()
    assert "需求吞吐率上升**：↑4.01%(81.72%→85.50%)**" in team_week_markdown(team, week)
