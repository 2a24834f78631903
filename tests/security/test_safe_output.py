"""Hostile text in every free-text field is harmless on every page, export and admin screen.

Each field holds a script tag, an attribute break-out and a `javascript:` link. A page is safe when
none of them arrives as markup: no raw `<script>alert`, no real tag carrying `onerror=`, no
`href="javascript:`. Escaped text (`&lt;script&gt;`) is fine and expected.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone

from common.lists.exports import reads_as_formula
from incidents.models import FollowUpAction
from reports.models import PlanItem, ReportSection, TodoItem, WeeklyReport
from tests.factories import (
    make_incident,
    make_key_result,
    make_kpi,
    make_objective,
    make_report,
    make_update,
    make_value,
)
from tests.spreadsheet import read_xlsx

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
BREAKOUT = '"><img src=x onerror=alert(1)>'
JS_LINK = '[click](javascript:alert(1)) <a href="javascript:alert(1)">a</a> javascript:alert(1)'


def hostile(label: str, limit: int | None = None) -> str:
    text = f"{label} {SCRIPT} {BREAKOUT} {JS_LINK}"
    return text[:limit] if limit else text


def short(label: str, limit: int) -> str:
    """For short columns: the two payloads that fit, the break-out first."""
    return f'"><img src=x onerror=alert(1)><script>alert(1)</script>{label}'[:limit]


class _Markup(HTMLParser):
    """Collects what the browser would treat as markup: real tags, their attributes, script bodies."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self._in_script = tag == "script"
        for name, value in attrs:
            value = (value or "").strip().lower()
            # The site's own handlers (a print button) are fine; the stored payload calls alert.
            if name.startswith("on") and "alert" in value:
                self.found.append(f"<{tag} {name}=…>")
            if name in ("href", "src", "action", "formaction", "xlink:href") and value.startswith(
                "javascript:"
            ):
                self.found.append(f"<{tag} {name}={value!r}>")
        if tag == "img" and dict(attrs).get("src") == "x":
            self.found.append("<img src=x>")

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script and "alert(" in data:
            self.found.append(f"<script>{data[:40]}")


def assert_harmless(html: str, where: str):
    parser = _Markup()
    parser.feed(html)
    parser.close()
    assert not parser.found, f"live markup from stored text in {where}: {parser.found}"


@pytest.fixture
def world(team, other_team, lead, admin_user):
    team.name = short("team", 100)
    team.save()
    kpi = make_kpi(
        team,
        short("kpi", 100),
        group=short("group", 100),
        unit_label="<b>x",
        aliases=short("alias", 300),
        description=hostile("kpi description"),
        target="300",
    )
    make_value(kpi, "2024-W32", 292, note=hostile("last note"))
    make_value(kpi, "2024-W33", 313, note=hostile("kpi note"))
    report = make_report(
        team,
        "2024-W33",
        status=WeeklyReport.Status.SUBMITTED,
        reflections=hostile("reflections"),
        other=hostile("other"),
    )
    previous = make_report(team, "2024-W32", status=WeeklyReport.Status.SUBMITTED)
    ReportSection.objects.create(report=report, title=short("section", 200), body=hostile("section body"))
    TodoItem.objects.create(report=report, text=hostile("todo"), section_title=short("todo section", 200))
    TodoItem.objects.create(report=previous, text=hostile("open todo"))
    PlanItem.objects.create(report=report, text=hostile("plan"))
    PlanItem.objects.create(report=previous, text=hostile("last plan"))
    objective = make_objective(team, "O1", title=short("objective", 200), period="2024-H2")
    key_result = make_key_result(objective, title=short("key result", 300), description=hostile("kr"))
    make_update(key_result, "2024-W32", 40, note=hostile("kr last"))
    make_update(key_result, "2024-W33", 50, note=hostile("kr note"))
    incident = make_incident(
        team,
        started_at=timezone.make_aware(dt.datetime(2024, 8, 13, 9, 27)),
        title=short("incident", 300),
        affected_system=short("system", 200),
        description=hostile("incident description"),
        impact=hostile("impact"),
        cause=hostile("cause"),
        resolution=hostile("resolution"),
    )
    FollowUpAction.objects.create(incident=incident, description=hostile("action"))
    return {
        "kpi": kpi,
        "report": report,
        "objective": objective,
        "key_result": key_result,
        "incident": incident,
    }


W = {"team": "payments", "week": "2024-W33"}
PAGES = [
    ("department-week", {"week": "2024-W33"}),
    ("department-week", {"week": "2024-W34"}),
    ("team-week", W),
    ("team-week", {"team": "payments", "week": "2024-W34"}),
    ("team-week-edit", W),
    ("team-week-edit", {"team": "payments", "week": "2024-W34"}),
    ("team-week-print", W),
    ("department-document", {"week": "2024-W33"}),
    ("kpi-list", {}),
    ("okr-list", {}),
    ("incident-list", {}),
    ("incident-create", W),
    ("report-import", {"team": "payments"}),
]


@pytest.mark.parametrize(("name", "kwargs"), PAGES, ids=[f"{n}-{k.get('week', '')}" for n, k in PAGES])
def test_pages_show_hostile_text_as_text(client_for, admin_user, world, name, kwargs):
    response = client_for(admin_user).get(reverse(name, kwargs=kwargs))
    assert response.status_code == 200
    html = response.content.decode()
    assert_harmless(html, name)


def test_the_hostile_text_is_on_the_pages_escaped(client_for, admin_user, world):
    """The checks above must be looking at pages that do show the hostile fields."""
    client = client_for(admin_user)
    html = client.get(reverse("team-week", kwargs=W)).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "section body" in html and "reflections" in html and "kpi note" in html
    html = client.get(reverse("incident-detail", kwargs={"pk": world["incident"].pk})).content.decode()
    assert "incident description" in html and "&lt;script&gt;" in html


def test_object_pages_show_hostile_text_as_text(client_for, admin_user, world):
    client = client_for(admin_user)
    for url in [
        reverse("kpi-detail", kwargs={"pk": world["kpi"].pk}),
        reverse("incident-detail", kwargs={"pk": world["incident"].pk}),
        reverse("kpi-list") + "?q=%3Cscript%3Ealert(1)%3C/script%3E",
        reverse("incident-list") + '?q="><img src=x onerror=alert(1)>',
        reverse("okr-list") + "?q=javascript:alert(1)&objective=<script>alert(1)</script>",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_harmless(response.content.decode(), url)


def test_the_import_preview_shows_a_hostile_document_as_text(client_for, lead, world):
    document = (
        "# 2024-W35\n\n"
        f"- 【{short('section', 60)}】\n"
        f"  - {hostile('item')}\n"
        f"  - TODO: {hostile('todo')}\n\n"
        f"收获与反思\n\n- {hostile('reflection')}\n\n"
        f"下周工作及目标\n\n1. {hostile('plan')}\n"
    )
    response = client_for(lead).post(
        reverse("report-import", kwargs={"team": "payments"}), {"content": document}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "reflection" in html
    assert_harmless(html, "import preview")


@pytest.mark.parametrize("name", ["team-week-markdown", "department-markdown"])
def test_markdown_downloads_are_attachments_that_are_never_sniffed(client_for, member, world, name):
    kwargs = W if name == "team-week-markdown" else {"week": "2024-W33"}
    response = client_for(member).get(reverse(name, kwargs=kwargs))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/markdown")
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "reflections" in response.content.decode()


def _cells_csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
@pytest.mark.parametrize("name", ["kpi-list", "okr-list", "incident-list"])
def test_exports_neutralise_formulas_and_keep_numbers(client_for, member, world, name, export_format):
    from reports.models import KPIValue

    # Formula starts in the fields the exports carry: KPI name/group/note, KR title/note, incident title.
    formula = '=HYPERLINK("http://evil.example","x")'
    kpi = world["kpi"]
    kpi.name, kpi.group = "+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0"
    kpi.save()
    KPIValue.objects.filter(kpi=kpi).update(note="-2+3+cmd|' /C calc'!A0")
    world["key_result"].title = formula
    world["key_result"].save()
    # Full-width (as an IME types it) and after spaces (which some spreadsheets trim on import).
    world["incident"].title = "＝" + formula[1:]
    world["incident"].affected_system = "  @evil"
    world["incident"].save()

    response = client_for(member).get(reverse(name), {"_export": export_format})
    assert response.status_code == 200
    if export_format == "xlsx":
        _assert_xlsx_text_is_never_a_formula(read_xlsx(response.content), name)
        return
    rows = _cells_csv(response)
    assert len(rows) > 1
    texts = [cell for row in rows[1:] for cell in row if isinstance(cell, str)]
    assert any(cell.startswith("'") for cell in texts), "the hostile cells are exported"
    for cell in texts:
        if reads_as_formula(cell) and not cell.startswith("-"):
            pytest.fail(f"{name}.{export_format}: formula cell {cell!r}")
        if cell.startswith("-"):
            # A minus may only start a plain number (a change such as -21), never a formula.
            assert re.fullmatch(r"-\d[\d.,]*(%| pp)?", cell), f"{name}.{export_format}: {cell!r}"


def _assert_xlsx_text_is_never_a_formula(sheet, name):
    """XLSX cells are typed: hostile text is kept as it was typed, in a text cell, never a formula."""
    from openpyxl.utils import get_column_letter

    assert len(sheet.rows) > 1
    assert all(cell.formula is None for cell in sheet.cells.values()), name
    hostile = 0
    for row_number, row in enumerate(sheet.rows[1:], start=2):
        for column, value in enumerate(row, start=1):
            if isinstance(value, str) and reads_as_formula(value):
                cell = sheet.cells[f"{get_column_letter(column)}{row_number}"]
                assert cell.type in ("s", "inlineStr", "str") and cell.quote_prefix, (name, value, cell)
                hostile += 1
    assert hostile, "the hostile cells are exported"
    assert any(isinstance(value, int | float) for row in sheet.rows[1:] for value in row), (
        "numbers stay numbers"
    )


def test_admin_screens_show_hostile_text_as_text(client_for, admin_user, world):
    client = client_for(admin_user)
    objects = {
        "reports/team": world["report"].team.pk,
        "reports/kpi": world["kpi"].pk,
        "reports/weeklyreport": world["report"].pk,
        "okrs/objective": world["objective"].pk,
        "okrs/keyresult": world["key_result"].pk,
        "incidents/incident": world["incident"].pk,
    }
    for model in [
        "reports/team",
        "reports/kpi",
        "reports/kpivalue",
        "reports/weeklyreport",
        "reports/reportsection",
        "reports/todoitem",
        "reports/planitem",
        "okrs/objective",
        "okrs/keyresult",
        "okrs/keyresultupdate",
        "incidents/incident",
        "incidents/followupaction",
    ]:
        urls = [f"/admin/{model}/", f"/admin/{model}/?q=%3Cscript%3E"]
        if model in objects:
            pk = objects[model]
            urls += [
                f"/admin/{model}/{pk}/change/",
                f"/admin/{model}/{pk}/history/",
                f"/admin/{model}/{pk}/delete/",
            ]
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            assert_harmless(response.content.decode(), url)


@pytest.mark.parametrize(
    "html",
    [
        f"<p>{SCRIPT}</p>",
        f'<p title="a">{BREAKOUT}</p>',
        '<a href="javascript:alert(1)">x</a>',
        "<a href=' JavaScript:alert(1)'>x</a>",
        '<div title=""><img src=x onerror=alert(1)>"></div>',
    ],
)
def test_the_checker_catches_live_markup(html):
    with pytest.raises(AssertionError):
        assert_harmless(html, "sample")


def test_the_checker_accepts_escaped_text():
    assert_harmless(
        '<p title="&quot;&gt;&lt;img src=x onerror=alert(1)&gt;">&lt;script&gt;alert(1)&lt;/script&gt; '
        'javascript:alert(1) <a href="https://example.com">ok</a></p>'
        '<button onclick="window.print()">p</button>',
        "sample",
    )
