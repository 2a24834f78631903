"""One incident's page at /incidents/<id>/: timeline with durations, impact, cause, actions, team week."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from common.formatting import format_duration
from incidents.models import FollowUpAction, Incident
from incidents.services import timeline
from tests.factories import make_incident, make_user

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SHANGHAI)


@pytest.fixture
def incident(team):
    incident = make_incident(
        team,
        at(2024, 8, 12, 9, 27),
        title="POS卡类型试算失败",
        grade=Incident.Grade.C,
        detected_at=at(2024, 8, 12, 9, 40),
        resolved_at=at(2024, 8, 12, 10, 56),
        impact="POS 卡类型试算接口失败",
        impact_count=201,
        cause="配置缺失",
        resolution="10:56 手动执行",
        description="**Root** <script>alert(1)</script>",
    )
    owner = make_user("owner", first_name="Li", last_name="Lei")
    FollowUpAction.objects.create(incident=incident, description="加监控", owner=owner, position=1)
    FollowUpAction.objects.create(
        incident=incident, description="复盘", position=2, done_on=dt.date(2024, 8, 16)
    )
    return incident


def url(incident):
    return reverse("incident-detail", kwargs={"pk": incident.pk})


def test_anonymous_is_sent_to_login(client, incident):
    response = client.get(url(incident))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_detail_shows_timeline_impact_cause_actions_and_week_link(client_for, outsider, incident):
    response = client_for(outsider).get(url(incident))
    assert response.status_code == 200
    html = response.content.decode()
    assert "2024-08-12 09:27" in html and "2024-08-12 09:40" in html and "2024-08-12 10:56" in html
    assert "+13 min" in html  # started → detected
    assert "+1 h 16 min" in html  # detected → resolved (mitigation not recorded)
    assert "1 h 29 min" in html  # time to resolve
    assert "201 failed operations" in html
    assert "配置缺失" in html and "10:56 手动执行" in html
    assert "加监控" in html and "Li Lei" in html and "2024-08-16" in html
    assert reverse("team-week", kwargs={"team": "payments", "week": "2024-W33"}) in html
    assert "<strong>Root</strong>" in html
    assert "<script>alert(1)</script>" not in html


def test_unknown_incident_is_404(client_for, member, incident):
    assert (
        client_for(member).get(reverse("incident-detail", kwargs={"pk": incident.pk + 1000})).status_code
        == 404
    )


def test_open_incident_without_resolution_says_so(client_for, member, team):
    incident = make_incident(team, at(2024, 8, 13, 8, 0), title="Still burning")
    html = client_for(member).get(url(incident)).content.decode()
    assert "Not resolved yet" in html
    assert ">Open</span>" in html


def test_post_is_not_allowed(client_for, member, incident):
    assert client_for(member).post(url(incident)).status_code == 405


def test_query_count_does_not_grow_with_actions(client_for, member, incident, django_assert_num_queries):
    client = client_for(member)
    # Session, user, incident with team and week, follow-up actions with owners.
    with django_assert_num_queries(4):
        assert client.get(url(incident)).status_code == 200
    for number in range(10):
        FollowUpAction.objects.create(
            incident=incident, description=f"Action {number}", owner=make_user(), position=10 + number
        )
    with django_assert_num_queries(4):
        assert client.get(url(incident)).status_code == 200


def test_timeline_measures_from_the_last_known_moment(team):
    incident = make_incident(
        team, at(2024, 8, 12, 9, 0), mitigated_at=at(2024, 8, 12, 9, 30), resolved_at=at(2024, 8, 14, 12, 0)
    )
    steps = timeline(incident)
    assert [step.since_previous for step in steps] == [
        None,
        None,
        dt.timedelta(minutes=30),
        dt.timedelta(days=2, hours=2, minutes=30),
    ]
    assert steps[3].since_previous_text == "2 d 2 h"


@pytest.mark.parametrize(
    ("duration", "text"),
    [
        (dt.timedelta(minutes=45, seconds=59), "45 min"),
        (dt.timedelta(hours=1, minutes=29), "1 h 29 min"),
        (dt.timedelta(days=1, hours=3, minutes=5), "1 d 3 h"),
        (dt.timedelta(0), "0 min"),
        (None, ""),
    ],
)
def test_format_duration(duration, text):
    assert format_duration(duration) == text
