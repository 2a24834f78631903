"""The Simplified Chinese translation: complete, matching its sources, compiled, and used by the pages."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from html import unescape
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from reports.models import KPI
from tests.factories import (
    make_incident,
    make_key_result,
    make_kpi,
    make_objective,
    make_report,
    make_update,
    make_value,
)

ROOT = Path(settings.BASE_DIR)
LC_MESSAGES = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES"
PO_PATH = LC_MESSAGES / "django.po"
MO_PATH = LC_MESSAGES / "django.mo"
ZH = "zh-hans"

# printf-style (%(name)s, %s, %d …) and str.format-style ({name}) placeholders; %% is a literal percent sign.
PLACEHOLDER = re.compile(r"%\([^)]+\)[#0 +-]*\d*(?:\.\d+)?[sdifr]|%[sdifr]|\{\w*\}")
CJK = re.compile(r"[\u4e00-\u9fff]")
HEADING = re.compile(r"<h([1-3])\b[^>]*>(.*?)</h\1>", re.S)


def placeholders(text: str) -> Counter:
    return Counter(PLACEHOLDER.findall(text.replace("%%", "")))


def translations(entries) -> dict[tuple[str | None, str], tuple[str, ...]]:
    """Every entry as (context, msgid) → its msgstr forms, so a .po and a .mo compare field by field."""
    result = {}
    for entry in entries:
        if entry.msgid == "" or entry.obsolete:
            continue
        if entry.msgid_plural:
            forms = tuple(entry.msgstr_plural[index] for index in sorted(entry.msgstr_plural))
        else:
            forms = (entry.msgstr,)
        result[(entry.msgctxt or None, entry.msgid)] = forms
    return result


@pytest.fixture(scope="module")
def po():
    return polib.pofile(str(PO_PATH))


# --- the catalogue itself ---------------------------------------------------------------------------


def test_header_declares_chinese_with_a_single_plural_form(po):
    assert po.metadata["Language"] == "zh_Hans"
    assert po.metadata["Content-Type"] == "text/plain; charset=UTF-8"
    assert po.metadata["Plural-Forms"].replace(" ", "") == "nplurals=1;plural=0;"
    assert not po.metadata_is_fuzzy


def test_every_entry_is_translated_and_none_is_fuzzy(po):
    untranslated = [entry.msgid for entry in po.untranslated_entries()]
    fuzzy = [entry.msgid for entry in po.fuzzy_entries()]
    assert len(po) > 400
    assert untranslated == []
    assert fuzzy == []


def test_plural_entries_have_exactly_one_chinese_form(po):
    plurals = [entry for entry in po if entry.msgid_plural]
    assert plurals, "the catalogue has plural entries (blocktranslate count …)"
    wrong = [entry.msgid for entry in plurals if sorted(entry.msgstr_plural) != [0]]
    assert wrong == []


def test_placeholders_of_every_translation_match_its_source(po):
    mismatched = []
    for entry in po:
        if entry.msgid_plural:
            # A Chinese sentence has one form; it must work for the singular and the plural source alike.
            sources, targets = [entry.msgid_plural], list(entry.msgstr_plural.values())
        else:
            sources, targets = [entry.msgid], [entry.msgstr]
        for source in sources:
            for target in targets:
                if placeholders(source) != placeholders(target):
                    mismatched.append((entry.msgid, target))
    assert mismatched == []


def test_placeholder_check_catches_a_dropped_or_renamed_placeholder():
    assert placeholders("Imported %(week)s.") == placeholders("已导入 %(week)s。")
    assert placeholders("Imported %(week)s.") != placeholders("已导入。")
    assert placeholders("Imported %(week)s.") != placeholders("已导入 %(wek)s。")
    assert placeholders("progress %(current)s%%") == placeholders("进度 %(current)s%%")
    assert placeholders("{count} rows") != placeholders("行")


def test_translations_keep_the_leading_and_trailing_whitespace_of_their_source(po):
    def edges(text: str) -> tuple[str, str]:
        return text[: len(text) - len(text.lstrip())], text[len(text.rstrip()) :]

    differing = [
        entry.msgid
        for entry in po
        for target in (entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr])
        if edges(entry.msgid) != edges(target)
    ]
    assert differing == []


def test_chinese_text_is_used_for_the_seeds_terms(po):
    by_id = {entry.msgid: entry.msgstr for entry in po if not entry.msgid_plural}
    assert by_id["Grade A"] == "A级"
    assert by_id["Found by the team"] == "主动发现"
    assert by_id["Reflections"] == "收获与反思"
    assert by_id["Draft"] == "草稿"
    assert by_id["Submitted"] == "已提交"
    assert by_id["Published"] == "已发布"
    assert by_id["Unlock"] == "解锁"


# --- the compiled catalogue ------------------------------------------------------------------------


def test_committed_mo_matches_the_po(po):
    """A .po edited without recompiling leaves a stale .mo: Django would serve the old text."""
    assert MO_PATH.exists(), "compile with: manage.py compilemessages -l zh_Hans"
    mo = polib.mofile(str(MO_PATH))
    assert translations(mo) == translations(po)
    assert mo.metadata["Plural-Forms"].replace(" ", "") == "nplurals=1;plural=0;"


# --- the sources: nothing marked for translation is missing ---------------------------------------

SOURCE_SUFFIXES = {".py", ".html", ".txt", ".po"}
SKIPPED_DIRECTORIES = {".git", ".venv", "node_modules", "staticfiles", "test-artifacts", "__pycache__"}


def copy_sources(destination: Path) -> None:
    """Only what makemessages reads (and the current .po to merge into): the repository holds large data."""

    def ignore(directory, names):
        skipped = []
        for name in names:
            path = Path(directory) / name
            if path.is_dir():
                if name in SKIPPED_DIRECTORIES or name.startswith("."):
                    skipped.append(name)
            elif path.suffix not in SOURCE_SUFFIXES and name != "manage.py":
                skipped.append(name)
        return skipped

    shutil.copytree(ROOT, destination, ignore=ignore)


@pytest.mark.skipif(
    shutil.which("xgettext") is None,
    reason="GNU gettext (xgettext) is not installed, so makemessages cannot run; install gettext to check "
    "that the .po holds every string marked for translation",
)
def test_every_string_marked_for_translation_is_in_the_po(tmp_path, po):
    copy = tmp_path / "src"
    copy_sources(copy)
    # The same command as `make messages`, run on a copy so the committed catalogue is never touched.
    env = {**os.environ, "DEBUG": "true", "DJANGO_SETTINGS_MODULE": "reportsite.settings_test"}
    env.pop("DATABASE_URL", None)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "zh_Hans", "--no-obsolete"],
        cwd=copy,
        env=env,
        check=True,
        capture_output=True,
    )
    extracted = polib.pofile(str(copy / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"))
    committed = translations(po)
    missing = [
        entry.msgid
        for entry in extracted
        if entry.msgid and (entry.msgctxt or None, entry.msgid) not in committed
    ]
    assert missing == [], "run `make messages` and translate the new entries"
    assert len(extracted) > 400


# --- the pages --------------------------------------------------------------------------------------


def headings(html: str) -> list[str]:
    return [" ".join(unescape(re.sub(r"<[^>]+>", " ", inner)).split()) for _, inner in HEADING.findall(html)]


def test_english_is_the_default_language(client):
    assert settings.LANGUAGE_CODE == "en"
    html = client.get(reverse("login")).content.decode()
    assert '<html lang="en">' in html
    assert "<h1>Log in</h1>" in html
    assert "登录" not in html


def test_login_page_renders_in_chinese_with_the_language_cookie(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = ZH
    response = client.get(reverse("login"))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="zh-hans">' in html
    assert "<h1>登录</h1>" in html
    assert "用户名" in html and "密码" in html
    assert "Log in" not in html


def test_login_page_renders_in_chinese_for_a_chinese_browser(client):
    html = client.get(reverse("login"), headers={"accept-language": "zh-CN,zh;q=0.9"}).content.decode()
    assert "<h1>登录</h1>" in html


def seed_week(team, other_team):
    """Enough of 2024-W33 for every section of the department overview to show its heading."""
    deliveries = make_kpi(team, "需求交付数", group="效能度量")
    throughput = make_kpi(team, "需求吞吐率", group="效能度量", unit=KPI.Unit.PERCENT, decimals=2)
    bugs = make_kpi(team, "线上bug", group="效能度量", direction=KPI.Direction.LOWER_IS_BETTER)
    for kpi, last, this in ((deliveries, 292, 313), (throughput, "96.05", "81.72"), (bugs, 9, 12)):
        make_value(kpi, "2024-W32", last)
        make_value(kpi, "2024-W33", this)
    make_report(team, "2024-W33", status="submitted")
    make_report(other_team, "2024-W33")
    make_incident(team, title="POS卡类型试算准确率未达到99.9%", grade="C")
    objective = make_objective(team, "O1", title="业务服务")
    moved = make_key_result(objective, title="对公收佣")
    for week, progress in (("2024-W31", 70), ("2024-W32", 75), ("2024-W33", 80)):
        make_update(moved, week, progress)
    stalled = make_key_result(objective, title="新银收入", eta=dt.date(2024, 8, 1))
    for week in ("2024-W31", "2024-W32", "2024-W33"):
        make_update(stalled, week, 85)


@pytest.fixture
def chinese_manager_client(client_for, manager):
    client = client_for(manager)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = ZH
    return client


def test_department_week_shows_chinese_headings_and_no_english_one(chinese_manager_client, team, other_team):
    team.name, other_team.name = "支付", "风控"
    team.save()
    other_team.save()
    seed_week(team, other_team)

    html = chinese_manager_client.get(
        reverse("department-week", kwargs={"week": "2024-W33"})
    ).content.decode()

    found = headings(html)
    for expected in ("部门总览", "改善最多", "变差或未达标", "团队", "生产事件", "本周 OKR", "有进展"):
        assert any(expected in heading for heading in found), (expected, found)
    # Week labels, the product name "OKR" and KPI names are data, not English text.
    english = [h for h in found if re.search(r"[A-Za-z]", re.sub(r"\d{4}-W\d{2}|OKR", "", h))]
    assert english == []
    assert "Department overview" not in html
    assert "本周" in html and "上周" in html


def test_department_week_stays_english_without_the_cookie(client_for, manager, team, other_team):
    seed_week(team, other_team)
    html = client_for(manager).get(reverse("department-week", kwargs={"week": "2024-W33"})).content.decode()
    assert "Department overview" in html
    assert "部门总览" not in html


def test_incident_durations_are_written_in_chinese(chinese_manager_client, team):
    started = timezone.make_aware(dt.datetime(2024, 8, 12, 9, 27))
    incident = make_incident(
        team, started_at=started, resolved_at=started + dt.timedelta(hours=1, minutes=29)
    )
    html = chinese_manager_client.get(reverse("incident-detail", kwargs={"pk": incident.pk})).content.decode()
    assert "1小时29分钟" in html
    assert "时间线" in html


def test_language_switch_sets_chinese_and_redirects_back(client_for, manager):
    client = client_for(manager)
    target = reverse("department-week", kwargs={"week": "2024-W33"})

    response = client.post(reverse("set_language"), {"language": ZH, "next": target})

    assert response.status_code == 302
    assert response["Location"] == target
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == ZH
    assert "部门总览" in client.get(target).content.decode()


def test_language_switch_back_to_english(chinese_manager_client):
    target = reverse("department-week", kwargs={"week": "2024-W33"})
    response = chinese_manager_client.post(reverse("set_language"), {"language": "en", "next": target})
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert "Department overview" in chinese_manager_client.get(target).content.decode()


def test_language_switch_refuses_an_unknown_language_and_an_outside_redirect(client_for, manager):
    client = client_for(manager)
    response = client.post(reverse("set_language"), {"language": "xx-evil", "next": "https://evil.example/"})
    assert response.status_code == 302
    assert not response["Location"].startswith("https://evil.example")
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    assert (
        "Department overview"
        in client.get(reverse("department-week", kwargs={"week": "2024-W33"})).content.decode()
    )


def test_language_switch_is_post_only(client_for, manager):
    client = client_for(manager)
    response = client.get(reverse("set_language"), {"language": ZH, "next": "/"})
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_translation_strings_reach_chinese_text_at_all(po):
    """Guard against a catalogue that is 'complete' because msgstr was copied from msgid."""
    singular = [entry for entry in po if not entry.msgid_plural]
    untranslated_copies = [
        entry.msgid for entry in singular if entry.msgstr == entry.msgid and CJK.search(entry.msgid) is None
    ]
    # A handful of terms are the same in both languages (TODO, Markdown, API, O1, O2 …).
    assert set(untranslated_copies) <= {"TODO", "Markdown", "API"}
