"""The preview of several files: each document's warnings and unplaced figures shown under that document,
worded as the preview of the document alone words them, before anything is written."""

import re

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from reports.models import WeeklyReport
from tests.documents.helpers import census

# Each document says one thing the import wants checked, a different thing in each.
TITLE = "# 清算组周报 2025-W42\n\n## 下周计划\n1. 复盘\n"  # the title names no team of the page
STRAY = "# 2025-W43\n\n## Lowlights\n- 10月22日 14:05 入金通道故障，影响32笔\n"  # an event read from prose
UNPLACED = "# 2025-W44\n\n## 清算\n- 清算笔数：1200笔\n\n## 下周计划\n1. 压测\n"  # a figure no KPI takes
QUIET = ["# 2025-W45\n\n## 下周计划\n1. 复盘\n", "# 2025-W46\n\n## 下周计划\n1. 压测\n"]
FILES = {"w42-title.md": TITLE, "w43-stray.md": STRAY, "w44-unplaced.md": UNPLACED}


def url(team):
    return reverse("report-import", args=[team.slug])


def uploads(files: dict[str, str]):
    return [
        SimpleUploadedFile(name, text.encode(), content_type="text/markdown") for name, text in files.items()
    ]


def warnings_in(html: str) -> list[str]:
    return [
        item
        for block in re.findall(r'<ul class="doc-warnings">(.*?)</ul>', html, re.S)
        for item in re.findall(r"<li>(.*?)</li>", block, re.S)
    ]


def documents_in(html: str) -> dict[str, str]:
    """Each document's part of a batch preview, by its file name."""
    parts = html.split('<section class="doc-import-week"')[1:]
    return {re.search(r"<h2[^>]*>[^<]*· ([^<·]+) ·", part)[1].strip(): part for part in parts}


def test_each_documents_warnings_are_shown_under_it_as_the_single_preview_words_them(client_for, lead, team):
    client = client_for(lead)
    alone = {
        name: warnings_in(client.post(url(team), {"content": text}).content.decode())
        for name, text in FILES.items()
    }
    assert alone["w42-title.md"] and alone["w43-stray.md"]
    assert "names “清算组”, not Payments" in alone["w42-title.md"][0]
    assert "入金通道故障" in alone["w43-stray.md"][0] and "not titled as" in alone["w43-stray.md"][0]
    before = census()
    html = client.post(url(team), {"document": uploads(FILES)}).content.decode()
    assert census() == before
    parts = documents_in(html)
    assert list(parts) == list(FILES)  # week order, which the names follow
    for name, part in parts.items():
        assert warnings_in(part) == alone[name]
    assert "2025-W42" in parts["w42-title.md"].split("</h2>")[0]


def test_the_figures_no_kpi_takes_are_listed_under_their_document_without_a_choice(client_for, lead, team):
    html = client_for(lead).post(url(team), {"document": uploads(FILES)}).content.decode()
    part = documents_in(html)["w44-unplaced.md"]
    assert "Figures no KPI takes (1)" in part and "清算笔数" in part and "1200" in part
    assert "import this week on its own" in part
    assert "unplaced_0" not in html  # the batch sends its texts back unchanged: nothing to choose
    assert "Figures no KPI takes" not in documents_in(html)["w42-title.md"]


def test_a_batch_without_warnings_shows_none(client_for, lead, team):
    files = {f"quiet-{index}.md": text for index, text in enumerate(QUIET)}
    html = client_for(lead).post(url(team), {"document": uploads(files)}).content.decode()
    assert list(documents_in(html)) == list(files)
    assert 'class="doc-warnings"' not in html and warnings_in(html) == []


def test_the_confirm_of_a_batch_with_warnings_imports_every_week(client_for, lead, team):
    client = client_for(lead)
    client.post(url(team), {"document": uploads(FILES)})
    assert not WeeklyReport.objects.exists()
    response = client.post(
        url(team), {"contents": list(FILES.values()), "names": list(FILES), "confirm": "1"}
    )
    assert response.status_code == 302
    weeks = WeeklyReport.objects.filter(team=team).values_list("week__number", flat=True)
    assert sorted(weeks) == [42, 43, 44]
    assert not team.kpis.filter(name="清算笔数").exists()  # a batch makes no KPI


def test_a_published_week_of_the_batch_is_named_under_its_document(client_for, lead, team):
    client = client_for(lead)
    client.post(url(team), {"contents": [TITLE], "names": ["w42.md"], "confirm": "1"})
    WeeklyReport.objects.update(status=WeeklyReport.Status.PUBLISHED)
    html = client.post(url(team), {"document": uploads(FILES)}).content.decode()
    parts = documents_in(html)
    assert "only an admin can overwrite it" in parts["w42-title.md"]
    assert "only an admin can overwrite it" not in parts["w43-stray.md"]
    assert 'name="confirm"' not in html


def test_the_batch_preview_shows_the_warnings_and_its_own_words_in_chinese(client_for, lead, team):
    client = client_for(lead)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    alone = warnings_in(client.post(url(team), {"content": STRAY}).content.decode())
    html = client.post(url(team), {"document": uploads(FILES)}).content.decode()
    parts = documents_in(html)
    assert alone and warnings_in(parts["w43-stray.md"]) == alone
    assert "入金通道故障" in alone[0] and "not titled as" not in alone[0]
    assert "单独导入这一周" in parts["w44-unplaced.md"]
    assert "import this week on its own" not in html
