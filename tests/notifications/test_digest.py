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
from notifications import platforms
from notifications.delivery import email_parts
from notifications.digest import DIGEST_LINES, digest_data, digest_message
from notifications.message import Message
from notifications.models import Notification
from notifications.schedule import queue_digest
from pages.demo.seed import SEED_WEEK
from tests.notifications.factories import make_channel

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    call_command("load_demo", force=True, verbosity=0)
    return IsoWeek.parse(str(SEED_WEEK))


def text_of(fragment: str) -> str:
    return " ".join(htmllib.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def section(page: str, element_id: str) -> str:
    match = re.search(rf'id="{element_id}".*?</(section|table)>', page, re.S)
    assert match, element_id
    return match.group(0)


def overview_page(client, week, language) -> str:
    client.force_login(User.objects.get(username="manager"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(reverse("department-week", kwargs={"week": week}))
    assert response.status_code == 200
    return response.content.decode()


def mover_rows(page: str, element_id: str) -> dict[str, str]:
    """Each KPI row of an overview mover list, as text: name team prev → cur change rel."""
    rows = re.findall(r'<tr class="[^"]*" data-kpi="([^"]+)">(.*?)</tr>', section(page, element_id), re.S)
    return {htmllib.unescape(name): text_of(row) for name, row in rows}


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_digest_figures_equal_the_overview_of_the_sample_week(client, demo, language):
    week = demo
    page = overview_page(client, week, language)
    with translation.override(language):
        message = digest_message(digest_data(week))
        headings = {
            "better": translation.gettext("Moved most — better"),
            "worse": translation.gettext("Moved most — worse"),
            "attention": translation.gettext("Worse or missing target"),
            "incidents": translation.gettext("Incidents"),
            "stalled": translation.gettext("Stalled (no progress for two weeks or more)"),
        }
    if language == "zh-hans":
        assert headings["better"] != "Moved most — better"  # really translated
    sections = {section.heading.rsplit(" (", 1)[0]: section for section in message.sections}
    checked = 0
    for key, element_id in (("better", "moved-better"), ("worse", "moved-worse"), ("attention", "attention")):
        rows = mover_rows(page, element_id)
        digest_section = sections[headings[key]]
        assert len(digest_section.lines) == min(len(rows), DIGEST_LINES)
        for line in digest_section.lines:
            name = line.text.split(" (", 1)[0]
            figures = line.text.split("): ", 1)[1]
            values, _sep, changes = figures.partition(", ")
            assert values in rows[name]  # last week → this week, as the page writes them
            for piece in re.split(r"[ ()·]+", changes):
                if piece:
                    assert piece in rows[name] or piece in line.text
            checked += 1
    assert checked >= 5
    # Totals: the attention badge, the incident count and grade tally, stalled items, missing teams.
    attention_badge = re.search(r'worse=true" class="badge badge-worse">(\d+)<', page).group(1)
    assert sections[headings["attention"]].heading.endswith(f"({attention_badge})")
    incidents = section(page, "incidents")
    count = re.search(r"<dd>(\d+)</dd>", incidents).group(1)
    assert sections[headings["incidents"]].heading.endswith(f"({count})")
    tally = dict(re.findall(r'data-grade="([A-D])">([^<]+)<', incidents))
    assert {grade: value["this"] for grade, value in message.data["tally"].items()} == tally
    assert "C 0.5" in sections[headings["incidents"]].lines[0].text
    stalled = re.search(r'id="okr-stalled">.*?class="badge">(\d+)<', page, re.S)
    if stalled:
        assert sections[headings["stalled"]].heading.endswith(f"({stalled.group(1)})")
    missing_on_page = [
        text_of(badge).split(" · ")[0]
        for badge in re.findall(r'class="badge badge-warn">(.*?)</a>', section(page, "missing"), re.S)
    ]
    with translation.override(language):
        missing_heading = translation.gettext("Who is missing")
    assert missing_on_page, "the sample week has teams still missing"
    assert [line.text.split(" · ")[0] for line in sections[missing_heading].lines] == missing_on_page
    assert message.data["missing"] and len(message.data["missing"]) == len(missing_on_page)


def test_the_seed_figures_in_the_digest(demo):
    message = digest_message(digest_data(demo))
    text = message.plain_text()
    assert "需求吞吐率 (支付 Payments): 96.05% → 81.72%, −14.33 pp (−14.92%)" in text
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
    assert zh.language == "zh-hans"
    assert zh.message["sections"][0]["heading"].startswith("改善最多")
    assert (
        Message.from_dict(zh.message).data
        == Message.from_dict(Notification.objects.get(channel__name="en").message).data
    )
