"""The Monday digest of the sample week: every figure equals the department overview's, in both languages."""

import html as htmllib
import re

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from common.weeks import IsoWeek
from incidents.models import Incident
from notifications import platforms
from notifications.delivery import email_parts
from notifications.digest import DIGEST_LINES, digest_data, digest_message
from notifications.message import Message
from notifications.models import Notification
from notifications.schedule import queue_digest
from okrs.models import KeyResult
from pages.demo.seed import SEED_WEEK
from pages.overview import department_week
from tests.notifications.factories import make_channel

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    call_command("load_demo", force=True, verbosity=0)
    return IsoWeek.parse(str(SEED_WEEK))


def text_of(fragment: str) -> str:
    return " ".join(htmllib.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def section(page: str, element_id: str) -> str:
    match = re.search(rf'id="{element_id}".*?</section>', page, re.S)
    assert match, element_id
    return match.group(0)


def overview_page(client, week, language) -> str:
    client.force_login(User.objects.get(username="manager"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(reverse("department-week", kwargs={"week": week}))
    assert response.status_code == 200
    # The labels a phone shows in a stacked row ("Grade", "ETA") are no part of a cell's value.
    return re.sub(r'<span class="cell-label">[^<]*</span> ?', "", response.content.decode())


def mover_rows(page: str, element_id: str) -> list[dict]:
    """Each row of an overview mover list, cell by cell as the page writes it, with its reason row."""
    rows = []
    pattern = (
        r'<tr class="tone-[^"]*" data-kpi="[^"]+">(.*?)</tr>'
        r'(?:\s*<tr class="reason-row"><td[^>]*>(.*?)</td></tr>)?'
    )
    for row, reasons in re.findall(pattern, section(page, element_id), re.S):
        name_cell, values_cell, change_cell = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        name, team = (text_of(link) for link in re.findall(r"<a [^>]*>(.*?)</a>", name_cell))
        relative = re.search(r'<span class="small">(.*?)</span>', change_cell)
        target = re.search(r'<span class="badge badge-worse">(.*?)</span>', change_cell)
        rows.append(
            {
                "name": name,
                "team": team,
                "values": text_of(values_cell),
                "current": text_of(re.search(r"<strong>(.*?)</strong>", values_cell).group(1)),
                "change": text_of(change_cell.split("<br>")[0]),
                "relative": text_of(relative.group(1)) if relative else "",
                # The badge reads "target 90.00%" (目标 90.00%): its last word is the figure.
                "target": text_of(target.group(1)).split()[-1] if target else "",
                "reasons": text_of(reasons),
            }
        )
    return rows


def okr_group_rows(page: str, key: str) -> tuple[int, list[dict]] | None:
    """An OKR group of the overview: its count badge and each row's team, code and title, progress, ETA."""
    match = re.search(rf'id="okr-{key}".*?class="badge">(\d+)</a>.*?</table>', page, re.S)
    if not match:
        return None
    rows = []
    for row in re.findall(r'<tr class="okr-row[^"]*">(.*?)</tr>', match.group(0), re.S):
        team = text_of(re.search(r'<td class="team"><a [^>]*>(.*?)</a></td>', row).group(1))
        title_cell = re.search(
            r'<td class="okr-title">(.*?)(?:<span class="muted small">|<div|</td>)', row, re.S
        )
        progress = re.search(r'<span class="num">(.*?)</span>', row)
        eta = re.search(r'<td class="eta[^"]*">([^<]*)', row)
        rows.append(
            {
                "item": text_of(title_cell.group(1)),
                "team": team,
                "percent": text_of(progress.group(1)) if progress else "",
                "eta": eta.group(1).strip(),
            }
        )
    return int(match.group(1)), rows


def sections_by_heading(message: Message) -> dict[str, object]:
    return {section.heading.rsplit(" (", 1)[0]: section for section in message.sections}


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_digest_figures_equal_the_overview_of_the_sample_week(client, demo, language):
    week = demo
    page = overview_page(client, week, language)
    # Built once for every channel, as queue_digest does, here in the other language: only the message is
    # written in the channel's.
    with translation.override("zh-hans" if language == "en" else "en"):
        data = digest_data(week)
    with translation.override(language):
        message = digest_message(data)
        gettext = translation.gettext
        headings = {
            "missing": gettext("Who is missing"),
            "improved": gettext("Improved most"),
            "attention": gettext("Worse or off target"),
            "off_target": gettext("Off target"),
            "incidents": gettext("Incidents"),
            "stalled": gettext("Stalled (no progress for two weeks or more)"),
        }
        incident_kind = str(Incident.Kind.INCIDENT.label)

        def more(count):
            return gettext("and %(count)s more") % {"count": count}

        def this_week(tally, last):
            return gettext("This week: %(tally)s (last week: %(last)s)") % {"tally": tally, "last": last}

        def handed_in(done, total):
            return gettext("%(done)s of %(total)s teams handed in their week.") % {
                "done": done,
                "total": total,
            }

    if language == "zh-hans":
        assert headings["improved"] != "Improved most"  # really translated
    sections = sections_by_heading(message)
    # The overview's order, with the digest's list of target misses after the list it is drawn from.
    assert list(sections) == [headings[key] for key in headings]

    # The two ranked lists: the same rows in the same order, each figure and reason as the page writes it.
    misses = []
    for key in ("improved", "attention"):
        rows = mover_rows(page, key)
        badge = re.search(rf'id="{key}">\s*<h2>.*?class="badge[^"]*">(\d+)<', page, re.S).group(1)
        digest_section = sections[headings[key]]
        assert digest_section.heading == f"{headings[key]} ({badge})"
        shown = rows[:DIGEST_LINES]
        assert len(shown) == DIGEST_LINES
        assert digest_section.more == more(int(badge) - DIGEST_LINES)
        for line, row in zip(digest_section.lines, shown, strict=True):
            expected = f"{row['name']} ({row['team']}): {row['values']}"
            expected += f", {row['change']}" if row["change"] else ""
            expected += f" ({row['relative']})" if row["relative"] else ""
            assert row["reasons"], "every ranked row says why it is listed"
            assert line.text == f"{expected} · {row['reasons']}"
            # The page's "target" badge is not repeated: the reasons name the target it misses.
            assert row["target"] in line.text
        if key == "attention":
            assert len(rows) == int(badge)  # the whole list is on the page, so its misses can be counted
            misses = [row for row in rows if row["target"]]

    # Target misses: every off-target row of the page's list, in its order, with its reasons.
    assert len(misses) >= 2, "the sample week has KPIs off target"
    off_target = sections[headings["off_target"]]
    assert off_target.heading == f"{headings['off_target']} ({len(misses)})"
    assert [line.text for line in off_target.lines] == [
        f"{row['name']} ({row['team']}): {row['current']} · {row['reasons']}" for row in misses[:DIGEST_LINES]
    ]

    # Incidents: the count, the other records, the tally of both weeks, the stats and every record.
    incidents = section(page, "incidents")
    count = re.search(r'data-metric="incidents">(\d+)', incidents).group(1)
    others = re.search(r'data-metric="incidents">\d+ <span class="muted small">\(\+(.*?)\)</span>', incidents)
    digest_incidents = sections[headings["incidents"]]
    assert others, "the sample week has risk warnings or changes besides its incidents"
    assert digest_incidents.heading == f"{headings['incidents']} ({count}, +{text_of(others.group(1))})"
    tally_this = dict(re.findall(r'data-grade="([A-D])">([^<]+)<', incidents))
    tally_last = re.findall(
        r'<td class="num">([^<]+)</td>', re.search(r'class="tally-last.*?</tr>', incidents, re.S).group(0)
    )
    assert digest_incidents.lines[0].text == this_week(
        " · ".join(f"{grade} {value}" for grade, value in tally_this.items()),
        " · ".join(f"{grade} {value}" for grade, value in zip(tally_this, tally_last, strict=True)),
    )
    assert {grade: value["this"] for grade, value in message.data["tally"].items()} == tally_this
    for metric, line in zip(
        ("mean-time-to-resolve", "found-by-team"), digest_incidents.lines[1:3], strict=True
    ):
        label, figure = re.search(rf'<dt>([^<]+)</dt><dd data-metric="{metric}">([^<]+)', incidents).groups()
        assert line.text.startswith(label.strip()) and line.text.endswith(figure.strip())
    records = re.findall(r"<tr>\s*<td class=\"nowrap\">.*?</tr>", incidents, re.S)
    record_lines = digest_incidents.lines[3:]
    assert len(record_lines) == min(len(records), DIGEST_LINES) and len(records) >= 2
    for line, record in zip(record_lines, records, strict=False):
        cells = re.findall(r"<td[^>]*>(.*?)</td>", record, re.S)
        team, title, grade, resolved = text_of(cells[1]), cells[2], text_of(cells[3]), text_of(cells[5])
        kind_and_impact = re.search(r'<span class="muted small">(.*?)</span>', title, re.S).group(1)
        title = text_of(re.search(r"<a [^>]*>(.*?)</a>", title).group(1))
        assert line.text.startswith(f"[{grade}] {title}" if grade != "–" else title)
        assert f"{title} ({team})" in line.text and line.text.endswith(f" · {resolved}")
        kind = text_of(kind_and_impact).split(" · ")[0]
        assert (kind in line.text) is (kind != incident_kind)
        if line.detail:
            assert text_of(kind_and_impact).endswith(line.detail)  # the failed operations
    assert any(line.detail for line in record_lines)

    # Stalled key results: the page's count and rows.
    stalled = okr_group_rows(page, "stalled")
    assert stalled, "the sample week has stalled key results"
    total, rows = stalled
    assert sections[headings["stalled"]].heading == f"{headings['stalled']} ({total})"
    assert [line.text for line in sections[headings["stalled"]].lines] == [
        f"{row['item']} ({row['team']}) {row['percent']}" for row in rows[:DIGEST_LINES]
    ]
    assert okr_group_rows(page, "overdue") is None and message.data["okr_overdue"] == 0

    # Who is missing, as the page's badges say it (a draft is marked), and the teams that handed in.
    missing_on_page = [
        text_of(badge)
        for badge in re.findall(r'class="badge badge-warn">(.*?)</a>', section(page, "missing"), re.S)
    ]
    assert missing_on_page, "the sample week has teams still missing"
    assert [line.text for line in sections[headings["missing"]].lines] == missing_on_page
    assert len(message.data["missing"]) == len(missing_on_page)
    teams = page.count('class="card team-card"')
    assert message.intro == handed_in(teams - len(missing_on_page), teams)


def test_overdue_key_results_as_the_overview_lists_them(client, demo):
    row = next(row for row in department_week(demo).okr_groups.stalled.rows)
    KeyResult.objects.filter(pk=row.key_result.pk).update(eta=demo.monday)
    page = overview_page(client, demo, "en")
    total, rows = okr_group_rows(page, "overdue")
    message = digest_message(digest_data(demo))
    overdue = sections_by_heading(message)["Past their ETA and not done"]
    assert overdue.heading == f"Past their ETA and not done ({total})" and total == 1
    assert [line.text for line in overdue.lines] == [
        f"{row['item']} ({row['team']}) {row['percent']} · ETA {row['eta']}" for row in rows
    ]
    assert message.data["okr_overdue"] == 1


def test_a_cut_overview_list_claims_no_count_of_target_misses(demo):
    data = digest_data(demo)
    overview = data.overview
    assert overview.attention_total == len(overview.attention)
    overview.attention = overview.attention[: len(overview.attention) - 1]
    message = digest_message(data)
    off_target = sections_by_heading(message)["Off target"]
    assert off_target.heading == "Off target" and off_target.more == ""
    assert off_target.lines and message.data["off_target"] is None


def test_the_seed_figures_in_the_digest(demo):
    message = digest_message(digest_data(demo))
    text = message.plain_text()
    assert (
        "需求吞吐率 (支付 Payments): 96.05% → 81.72%, −14.33 pp (−14.92%)"
        " · missed target 90.00%, met last week · 35.4× its usual move"
    ) in text
    assert message.link_url == f"https://reports.example.com/weeks/{demo}/"


@pytest.mark.parametrize("kind", ["dingtalk", "feishu", "wecom", "slack", "generic"])
def test_every_platform_rendering_carries_the_figures_and_the_link(demo, kind):
    message = digest_message(digest_data(demo))
    body = platforms.body_for(kind, message)
    rendered = str(body) if kind != "generic" else body["text"]
    assert "96.05% → 81.72%" in rendered
    assert message.link_url in str(body)
    if kind == "wecom":
        assert len(body["markdown"]["content"].encode()) <= 4096


def test_a_short_platform_keeps_every_section_of_the_digest_notes_go_first(demo):
    message = digest_message(digest_data(demo))
    content = platforms.body_for("wecom", message)["markdown"]["content"]
    assert len(content.encode()) <= 4000
    for section in message.sections:
        assert f"**{section.heading}**" in content, section.heading
    assert message.sections[1].lines[0].text in content  # the first mover survives, its note does not
    assert message.sections[1].lines[0].detail not in content
    assert message.link_url in content
    # DingTalk has room for the whole digest, notes included.
    full = platforms.body_for("dingtalk", message)["markdown"]["text"]
    assert message.sections[1].lines[0].detail.split()[0] in full


def test_the_email_digest_is_html_with_the_same_figures(demo):
    subject, text, html = email_parts(digest_message(digest_data(demo)), "en")
    assert subject == f"Department overview {demo}"
    assert "96.05% → 81.72%" in text and "96.05% → 81.72%" in html
    assert f'href="{digest_message(digest_data(demo)).link_url}"' in html


def test_the_digest_is_queued_once_per_channel_in_its_language(demo):
    make_channel("dingtalk", name="en", url="https://oapi.dingtalk.com/robot/send?access_token=a")
    make_channel(
        "feishu", name="zh", url="https://open.feishu.cn/open-apis/bot/v2/hook/b", language="zh-hans"
    )
    first = queue_digest(demo)
    assert len(first) == 2
    assert queue_digest(demo) == []  # the schedule checked again: nothing new
    zh = Notification.objects.get(channel__name="zh")
    en = Notification.objects.get(channel__name="en")
    assert zh.language == "zh-hans"
    assert [section["heading"].split(" (")[0] for section in zh.message["sections"][:3]] == [
        "尚未提交",
        "改善最多",
        "变差或未达标",
    ]
    # The reasons too are in each channel's language, though the figures were computed once for both.
    assert "为其常规波动的 35.4 倍" in zh.message["sections"][2]["lines"][0]["text"]
    assert "35.4× its usual move" in en.message["sections"][2]["lines"][0]["text"]
    assert Message.from_dict(zh.message).data == Message.from_dict(en.message).data
