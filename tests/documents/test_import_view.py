"""The upload page (preview, then confirm) and the import command."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from common.weeks import IsoWeek
from documents.importer.text import MAX_BYTES
from reports.models import KPIValue, WeeklyReport
from tests.documents.helpers import FIXTURES, census, create_every_kpi, seed_text
from tests.documents.test_corpus import with_catalogue
from tests.factories import make_report

W33 = IsoWeek(2024, 33)


def url(team):
    return reverse("report-import", args=[team.slug])


def upload(data: bytes, name="2024-W33.md"):
    return SimpleUploadedFile(name, data, content_type="text/markdown")


def test_lead_sees_a_preview_and_nothing_is_written(client_for, lead, team):
    before = census()
    response = client_for(lead).post(url(team), {"document": upload(seed_text().encode())})
    assert response.status_code == 200
    html = response.content.decode()
    assert "需求交付数" in html and "313" in html and "292" in html
    assert "2024-08-12 09:27" in html
    assert "对公收佣" in html and "80" in html
    assert "饱和度&amp;代码量偏低的排查和宣导" in html
    assert 'name="confirm"' in html
    assert census() == before


def test_confirm_imports_and_redirects_to_the_week(client_for, lead, team):
    client = client_for(lead)
    answers = create_every_kpi(team, seed_text())
    response = client.post(url(team), {"content": seed_text(), "week": "", "confirm": "1", **answers})
    assert response.status_code == 302
    assert response["Location"] == reverse("team-week", args=[team.slug, W33])
    assert KPIValue.objects.filter(kpi__team=team, kpi__name="需求交付数").count() == 2
    before = census()
    client.post(url(team), {"content": seed_text(), "confirm": "1"})
    assert census() == before


def test_page_needs_login(client, team):
    response = client.get(url(team))
    assert response.status_code == 302 and reverse("login") in response["Location"]


@pytest.mark.parametrize("who", ["member", "other_lead", "manager", "outsider"])
def test_only_leads_of_the_team_and_admins_may_import(client_for, team, who, request):
    user = request.getfixturevalue(who)
    before = census()
    response = client_for(user).post(url(team), {"content": seed_text(), "confirm": "1"})
    assert response.status_code == 403
    assert census() == before


def test_admin_may_import_and_unknown_team_is_404(client_for, admin_user, team):
    client = client_for(admin_user)
    assert client.get(url(team)).status_code == 200
    assert client.get(reverse("report-import", args=["nope"])).status_code == 404


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"\x00\x01\x02", "binary"),
        ("中文周报".encode("gbk"), "UTF-8"),
        (b"# 2024-W33\n" + b"x" * MAX_BYTES, "1 MB"),
        ((FIXTURES / "not-a-report.md").read_bytes(), "week title"),
        (b"# 2024-W33\n\njust some words\n", "section"),
    ],
    ids=["empty", "binary", "gbk", "huge", "no-week", "no-structure"],
)
def test_bad_files_get_a_clear_message_and_change_nothing(client_for, lead, team, data, message):
    before = census()
    response = client_for(lead).post(url(team), {"document": upload(data), "confirm": "1"})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert census() == before


def test_bad_week_field_is_rejected(client_for, lead, team):
    response = client_for(lead).post(url(team), {"content": seed_text(), "week": "2024-W99", "confirm": "1"})
    assert "Give the week as 2024-W33." in response.content.decode()
    assert not WeeklyReport.objects.exists()


def test_the_week_read_from_the_title_can_be_changed_in_the_preview(client_for, lead, team):
    html = client_for(lead).post(url(team), {"content": seed_text()}).content.decode()
    assert 'name="week"' in html and 'value="2024-W33"' in html and "from the title" in html
    html = client_for(lead).post(url(team), {"content": seed_text(), "week": "2024-W34"}).content.decode()
    assert 'value="2024-W34"' in html and "names 2024-W33" in html
    assert not WeeklyReport.objects.exists()


def test_published_week_refuses_a_lead_but_not_an_admin(client_for, lead, admin_user, team):
    make_report(team, W33, status=WeeklyReport.Status.PUBLISHED)
    before = census()
    response = client_for(lead).post(url(team), {"content": seed_text(), "confirm": "1"})
    assert response.status_code == 200
    assert "only an admin can overwrite it" in response.content.decode()
    assert 'name="confirm"' not in response.content.decode()
    assert census() == before
    answers = create_every_kpi(team, seed_text())
    response = client_for(admin_user).post(url(team), {"content": seed_text(), "confirm": "1", **answers})
    assert response.status_code == 302
    assert KPIValue.objects.filter(kpi__team=team).exists()


def test_import_command_dry_run_writes_nothing(team, tmp_path):
    path = tmp_path / "w33.md"
    path.write_text(seed_text(), encoding="utf-8")
    before = census()
    out = io.StringIO()
    call_command("import_report", str(path), team="payments", dry_run=True, stdout=out, stderr=io.StringIO())
    assert "需求交付数 = 313 (last week 292)" in out.getvalue()
    assert "2024-08-12 09:27 → 10:56" in out.getvalue()
    assert census() == before


def test_import_command_imports_once(team, tmp_path):
    path = tmp_path / "w33.md"
    path.write_text(seed_text(), encoding="utf-8")
    out = io.StringIO()
    call_command(
        "import_report", str(path), team="payments", week="2024-W33", stdout=out, stderr=io.StringIO()
    )
    assert "Imported 2024-W33" in out.getvalue()
    before = census()
    out = io.StringIO()
    call_command("import_report", str(path), team="payments", stdout=out, stderr=io.StringIO())
    assert "already up to date" in out.getvalue()
    assert census() == before


@pytest.mark.parametrize(
    ("content", "options", "message"),
    [
        (b"", {}, "empty"),
        (b"\xff\xfe\x00", {}, "binary"),
        (seed_text().encode(), {"week": "junk"}, "2024-W33"),
        (seed_text().encode(), {"team": "nope"}, "nope"),
    ],
    ids=["empty", "binary", "bad-week", "bad-team"],
)
def test_import_command_errors_write_nothing(team, tmp_path, content, options, message):
    path = tmp_path / "in.md"
    path.write_bytes(content)
    before = census()
    with pytest.raises(CommandError, match=message):
        call_command("import_report", str(path), **{"team": "payments", **options}, stdout=io.StringIO())
    assert census() == before


def test_import_command_refuses_a_published_week_without_the_flag(team, tmp_path):
    make_report(team, W33, status=WeeklyReport.Status.PUBLISHED)
    path = tmp_path / "in.md"
    path.write_text(seed_text(), encoding="utf-8")
    with pytest.raises(CommandError, match="published"):
        call_command("import_report", str(path), team="payments", stdout=io.StringIO())
    call_command(
        "import_report",
        str(path),
        team="payments",
        allow_published=True,
        create_kpis=True,
        stdout=io.StringIO(),
    )
    assert KPIValue.objects.filter(kpi__team=team).exists()


def test_import_command_missing_file(team):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_report", "/nonexistent/report.md", team="payments")


def test_nothing_given_asks_for_a_file(client_for, lead, team):
    response = client_for(lead).post(url(team), {"content": "", "confirm": "1"})
    assert "Choose a file or paste the report." in response.content.decode()


def test_preview_labels_its_fixed_parts_in_the_readers_language(client_for, lead, team):
    html = client_for(lead).post(url(team), {"content": seed_text()}).content.decode()
    assert "<h3>Other</h3>" in html and "<h3>Reflections</h3>" in html
    assert "<h3>【其他】</h3>" not in html and "<h3>收获与反思</h3>" not in html


def test_preview_says_an_incident_count_is_counted_from_the_records(client_for, lead, team):
    with_catalogue(team)
    response = client_for(lead).post(url(team), {"document": upload(seed_text().encode())})
    html = response.content.decode()
    row = html.split("C级事故数</td>")[1].split("</tr>")[0]
    assert "counted from the incidents, not typed" in row
    assert "fills last week" not in row


def test_an_upload_with_a_bom_and_windows_lines_in_a_week_of_the_month_is_previewed(client_for, lead, team):
    with_catalogue(team)
    before = census()
    text = "\ufeff#### 支付部 2025年4月第2周 工作周报\r\n\r\n##### 【数据】\r\n"
    text += "* 需求交付数 ３０５个（上周２９８个）\r\n"
    response = client_for(lead).post(url(team), {"document": upload(text.encode(), "weekly.md")})
    html = response.content.decode()
    assert "2025-W15" in html and "the week of the month" in html
    assert "305" in html and "298" in html
    assert census() == before
