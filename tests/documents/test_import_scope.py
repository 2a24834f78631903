"""Issue 13: an import changes the week it was asked to and nothing else; bad files write nothing."""

import io
import zipfile
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.forms.models import model_to_dict
from django.urls import reverse

from common.markdown import render_markdown
from common.weeks import IsoWeek
from documents.importer import import_report, parse_document
from documents.importer.catalogue import catalogue_of
from incidents.models import Incident
from okrs.models import KeyResult, KeyResultUpdate, Objective
from pages.demo.seed import KPIS
from reports.models import KPI, KPIValue, PlanItem, ReportSection, TodoItem, WeeklyReport
from tests.documents.helpers import census
from tests.documents.test_corpus import CORPUS, EXPECTED, FILES, read, with_catalogue
from tests.factories import make_team

BY_WEEK = sorted(FILES, key=lambda name: EXPECTED["files"][name]["week"])


def rows_outside(week: IsoWeek) -> dict:
    """Every row the importer could touch that belongs to another week, field by field."""
    monday = week.monday
    per_week = {
        "report": WeeklyReport.objects.exclude(week__starts_on=monday),
        "section": ReportSection.objects.exclude(report__week__starts_on=monday),
        "todo": TodoItem.objects.exclude(report__week__starts_on=monday),
        "plan": PlanItem.objects.exclude(report__week__starts_on=monday),
        "value": KPIValue.objects.exclude(week__starts_on=monday),
        "update": KeyResultUpdate.objects.exclude(week__starts_on=monday),
        "incident": Incident.objects.exclude(week__starts_on=monday),
    }
    snapshot = {name: {row.pk: model_to_dict(row) for row in rows} for name, rows in per_week.items()}
    for name, model in [("kpi", KPI), ("objective", Objective), ("key result", KeyResult)]:
        # An item's empty ETA is the one thing a report may fill ("预计9/10上线"): the text states it.
        snapshot[name] = {row.pk: model_to_dict(row, exclude=["eta"]) for row in model.objects.all()}
    return snapshot


@pytest.fixture
def corpus_team(team):
    with_catalogue(team)
    for name in BY_WEEK:
        import_report(read(name, team), team)
    return team


def corrected(name: str) -> str:
    text = (CORPUS / name).read_text(encoding="utf-8")
    return text.replace("99.999%", "99.990%").replace("71.60%", "72.60%")


def test_importing_a_week_leaves_every_other_weeks_rows_identical(corpus_team):
    week = IsoWeek(2024, 40)
    before = rows_outside(week)
    result = import_report(
        parse_document(corrected("style-b-2024-W40.md"), catalogue=catalogue_of(corpus_team)), corpus_team
    )
    assert result.changed
    assert KPIValue.objects.get(kpi__name="入金有效成功率", week__starts_on=week.monday).value == Decimal(
        "99.99"
    )
    after = rows_outside(week)
    for name, rows in before.items():
        assert after[name] == rows, name  # row by row, field by field; no KPI and no key result made


def test_a_handed_in_last_week_keeps_its_rows_and_an_empty_value_stays_empty(team):
    with_catalogue(team)
    import_report(read("style-a-2024-W34.md", team), team)
    WeeklyReport.objects.filter(week__starts_on=IsoWeek(2024, 34).monday).update(status="submitted")
    KPIValue.objects.filter(kpi__name="需求交付数", week__starts_on=IsoWeek(2024, 34).monday).delete()
    before = rows_outside(IsoWeek(2024, 35))
    result = import_report(read("style-b-2024-W35.md", team), team)
    after = rows_outside(IsoWeek(2024, 35))
    for name, rows in before.items():
        assert {pk: after[name].get(pk) for pk in rows} == rows, name  # every existing row as it was
        if name not in ("objective", "key result"):  # W35 brings its own O3 and new items
            assert after[name].keys() == rows.keys(), name
    assert not KPIValue.objects.filter(
        kpi__name="需求交付数", week__starts_on=IsoWeek(2024, 34).monday
    ).exists()
    assert any("were not written" in warning for warning in result.warnings)


def test_key_result_order_is_never_changed_by_another_week(team):
    with_catalogue(team)
    import_report(read("style-a-2024-W34.md", team), team)
    objective = Objective.objects.get(code="O2")
    titles = list(objective.key_results.order_by("position").values_list("title", flat=True))
    KeyResult.objects.filter(objective=objective, title="实时数仓").update(position=0)  # the lead reorders
    order = list(objective.key_results.order_by("position").values_list("pk", flat=True))
    import_report(read("style-a-2024-W48.md", team), team)  # lists 实时数仓 third
    assert (
        list(objective.key_results.order_by("position").values_list("pk", flat=True))[: len(order)] == order
    )
    assert titles  # the objective had items to order


def test_the_issues_throughput_line_lands_in_the_kpi_and_creates_none(team):
    with_catalogue(team)
    text = "# 2024-W34\n\n## 【效能度量】\n\n1. 需求吞吐率回升：**↑3.28个百分点**（81.72%），研发积压消化\n"
    parsed = parse_document(text, catalogue=catalogue_of(team))
    [figure] = parsed.figures
    assert (figure.name, figure.value, figure.previous) == ("需求吞吐率", Decimal("85.00"), Decimal("81.72"))
    kpis = KPI.objects.count()
    import_report(parsed, team)
    assert KPI.objects.count() == kpis


def test_bold_and_italics_next_to_chinese_punctuation_render():
    html = render_markdown("需求吞吐率下降**：↓14.92%**，*（研发）*。")
    assert "<strong>：↓14.92%</strong>" in html and "<em>（研发）</em>" in html and "**" not in html


# -- the upload page: many weeks, and files it refuses -------------------------------------------------


def url(team):
    return reverse("report-import", args=[team.slug])


def zipped(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_a_zip_of_weeks_is_previewed_as_a_table_and_imported_in_week_order(client_for, lead, team):
    with_catalogue(team)
    names = ["style-b-2024-W35.md", "style-a-2024-W34.md", "style-c-2024-W36.md"]
    data = zipped({f"reports/{name}": (CORPUS / name).read_bytes() for name in names})
    client = client_for(lead)
    before = census()
    html = client.post(url(team), {"document": SimpleUploadedFile("q3.zip", data)}).content.decode()
    assert census() == before
    assert html.index("2024-W34") < html.index("2024-W35") < html.index("2024-W36")
    assert 'name="contents"' in html
    texts = [(CORPUS / name).read_text(encoding="utf-8") for name in names]
    response = client.post(url(team), {"contents": texts, "names": names, "confirm": "1"})
    assert response.status_code == 302
    weeks = set(WeeklyReport.objects.filter(team=team).values_list("week__number", flat=True))
    assert weeks == {34, 35, 36}
    assert KPI.objects.filter(team=team).count() == len(KPIS)  # no KPI made on the way


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.md", b"", "empty"),
        ("binary.md", bytes(range(256)) * 4, "binary"),
        ("huge.md", b"# 2024-W33\n" + b"x" * (10 * 1024 * 1024), "larger than"),
        ("huge.zip", b"PK\x03\x04" + b"\x00" * (10 * 1024 * 1024), "larger than"),
        (
            "risk.md",
            "# 风控部 2024-W33 周报\n\n## 【效能度量】\n\n- 需求交付数 5个\n".encode(),
            "not Payments",
        ),
        ("escape.zip", zipped({"../../etc/w33.md": b"# 2024-W33\n\n## x\n"}), "outside the archive"),
        ("bomb.zip", zipped({"w33.md": b"# 2024-W33\n\n## x\n" + b" " * (2 * 1024 * 1024)}), "far larger"),
        ("pictures.zip", zipped({"w33.png": b"\x89PNG"}), "not a Markdown"),
        ("broken.zip", b"PK\x03\x04 not really", "readable .zip"),
    ],
    ids=[
        "empty",
        "binary",
        "10MB",
        "10MB-zip",
        "wrong-team",
        "path-traversal",
        "zip-bomb",
        "not-text",
        "bad-zip",
    ],
)
def test_bad_files_are_refused_with_a_clear_message_and_write_nothing(
    client_for, lead, team, name, data, message
):
    make_team("风控部", slug="risk")
    before = census()
    response = client_for(lead).post(url(team), {"document": SimpleUploadedFile(name, data), "confirm": "1"})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert census() == before


# -- the command: a folder, the summary table, --create-kpis --------------------------------------------


def test_command_imports_a_folder_in_week_order_with_a_summary_table(team, tmp_path):
    with_catalogue(team)
    for name in ["style-d-2025-W02.md", "style-c-2025-W01.md", "style-b-2024-W52.md"]:
        (tmp_path / name).write_bytes((CORPUS / name).read_bytes())
    out = io.StringIO()
    call_command("import_report", str(tmp_path), team="payments", stdout=out, stderr=io.StringIO())
    table = out.getvalue().split("week       figures")[1].splitlines()
    assert [line.split()[0] for line in table[1:]] == ["2024-W52", "2025-W01", "2025-W02"]
    assert table[1].split()[1:4] == ["14", "2", "0"]  # figures, incidents, unplaced


def test_command_creates_no_kpi_unless_told(team, tmp_path):
    path = tmp_path / "w35.md"
    path.write_bytes((CORPUS / "style-b-2024-W35.md").read_bytes())
    out = io.StringIO()
    call_command("import_report", str(path), team="payments", dry_run=True, stdout=out, stderr=io.StringIO())
    assert "Unplaced" in out.getvalue() and not KPI.objects.exists()
    call_command("import_report", str(path), team="payments", stdout=io.StringIO(), stderr=io.StringIO())
    assert not KPI.objects.exists() and not KPIValue.objects.exists()
    call_command("import_report", str(path), team="payments", create_kpis=True, stdout=io.StringIO())
    assert KPIValue.objects.filter(kpi__name="吞吐率").get(week__number=35).value == Decimal("88.36")


def test_command_refuses_two_files_of_one_week(team, tmp_path):
    for name in ["a.md", "b.md"]:
        (tmp_path / name).write_bytes((CORPUS / "style-b-2024-W35.md").read_bytes())
    with pytest.raises(CommandError, match="both 2024-W35"):
        call_command("import_report", str(tmp_path), team="payments", stdout=io.StringIO())
    assert not WeeklyReport.objects.exists()


# -- mapping an unplaced figure remembers its wording as an alias -----------------------------------------


def test_mapping_an_unplaced_figure_remembers_an_alias_and_places_it(client_for, lead, team):
    kpi = KPI.objects.create(team=team, name="Throughput", unit=KPI.Unit.PERCENT, decimals=2)
    text = "# 2024-W35\n\n## 【效能度量】\n\n- 吞吐率: 88.36%, 上升3.36pp\n"
    response = client_for(lead).post(url(team), {"content": text, "confirm": "1", "unplaced_0": str(kpi.pk)})
    assert response.status_code == 302
    kpi.refresh_from_db()
    assert "吞吐率" in kpi.alias_list()
    assert KPIValue.objects.get(kpi=kpi, week__number=35).value == Decimal("88.36")
    assert KPIValue.objects.get(kpi=kpi, week__number=34).value == Decimal("85.00")
    assert KPI.objects.filter(team=team).count() == 1
    assert kpi.history.count() == 2  # the alias change is recorded, with who and when


def test_a_mapped_wording_is_remembered_without_its_verb(client_for, lead, team):
    kpi = KPI.objects.create(team=team, name="Throughput", unit=KPI.Unit.PERCENT, decimals=2)
    text = "# 2024-W35\n\n## 【效能度量】\n\n- 吞吐率回升：**↑3.36%（85.00%→88.36%）**\n"
    client_for(lead).post(url(team), {"content": text, "confirm": "1", "unplaced_0": str(kpi.pk)})
    kpi.refresh_from_db()
    assert kpi.alias_list() == ["吞吐率"]
    assert KPIValue.objects.get(kpi=kpi, week__number=35).value == Decimal("88.36")


def test_kpi_page_edits_aliases_for_the_teams_lead_only(client_for, lead, outsider, team):
    kpi = KPI.objects.create(team=team, name="需求吞吐率", unit=KPI.Unit.PERCENT)
    other = KPI.objects.create(team=team, name="延期率", unit=KPI.Unit.PERCENT)
    target = reverse("kpi-aliases", args=[kpi.pk])
    assert client_for(outsider).post(target, {"aliases": "吞吐"}).status_code == 403
    assert 'name="aliases"' in client_for(lead).get(kpi.get_absolute_url()).content.decode()
    client_for(lead).post(target, {"aliases": "吞吐率， 需求吞吐 ,吞吐率"})
    kpi.refresh_from_db()
    assert kpi.aliases == "吞吐率, 需求吞吐"
    response = client_for(lead).post(target, {"aliases": "延期率"}, follow=True)
    assert "already names the KPI" in response.content.decode()
    kpi.refresh_from_db()
    assert kpi.aliases == "吞吐率, 需求吞吐" and other.aliases == ""


# -- incident counts are counted from the records, never typed by an import ------------------------------


def test_a_stated_incident_count_is_checked_against_the_records_never_typed(team):
    with_catalogue(team)
    text = (CORPUS / "style-a-2024-W48.md").read_text(encoding="utf-8")
    # The document claims a C-grade count its own incident (one C grade at half share) does not give.
    claimed = text.replace("事故数AB级0次，C级0.5次，D级0次", "事故数AB级0次，C级1次，D级0次")
    assert claimed != text
    result = import_report(parse_document(claimed, catalogue=catalogue_of(team)), team)
    week = IsoWeek(2024, 48)
    counted = {
        value.kpi.name: value.value
        for value in KPIValue.objects.filter(week__starts_on=week.monday, kpi__computed_from__gt="")
    }
    assert counted == {"AB级事故数": Decimal(0), "C级事故数": Decimal("0.5"), "D级事故数": Decimal(0)}
    assert any("C级事故数" in warning and "0.5" in warning and "1" in warning for warning in result.warnings)
    assert not any("AB级事故数" in warning for warning in result.warnings)
    # The prose keeps the claim as written; the figures that agree with the records are references.
    body = "\n".join(
        ReportSection.objects.filter(report__week__starts_on=week.monday).values_list("body", flat=True)
    )
    assert "C级1次" in body
    assert "(kpi:" in body.split("C级1次")[0].splitlines()[-1]
    again = import_report(parse_document(claimed, catalogue=catalogue_of(team)), team)
    assert not again.changed
