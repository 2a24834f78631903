"""The incident list at /incidents/: local ISO times, derived status, filters, sorting, exports."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.urls import reverse

from incidents.models import Incident
from tests.factories import make_incident, make_team

URL = reverse("incident-list")
SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SHANGHAI)


@pytest.fixture
def incidents(team, other_team):
    """The seed's POS incident (resolved after 89 minutes, half counted) and two more."""
    pos = make_incident(
        team,
        at(2024, 8, 12, 9, 27),
        title="POS卡类型试算失败",
        grade=Incident.Grade.C,
        detected_at=at(2024, 8, 12, 9, 40),
        resolved_at=at(2024, 8, 12, 10, 56),
        responsibility_share=Decimal("0.5"),
        impact_count=201,
        affected_system="收银台",
        detection=Incident.Detection.PROACTIVE,
    )
    warning = make_incident(
        team,
        at(2024, 8, 14, 23, 30),
        title="=cmd|' /C calc'!A0",
        kind=Incident.Kind.RISK,
        mitigated_at=at(2024, 8, 15, 0, 10),
        detection=Incident.Detection.REPORTED,
    )
    rollback = make_incident(
        other_team,
        at(2024, 8, 20, 1, 5),
        title="Rollback of release 42",
        kind=Incident.Kind.CHANGE,
        grade=Incident.Grade.A,
    )
    return {"pos": pos, "warning": warning, "rollback": rollback}


def titles(response):
    return [row.record.title for row in response.context["table"].paginated_rows]


def read_csv(response):
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(body)))


def test_anonymous_is_sent_to_login(client, incidents):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_list_shows_local_iso_start_status_and_time_to_resolve(client_for, outsider, incidents):
    response = client_for(outsider).get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert titles(response) == ["Rollback of release 42", "=cmd|' /C calc'!A0", "POS卡类型试算失败"]
    assert "2024-08-12 09:27" in html
    # 2024-08-20 01:05 in Shanghai is still the 19th in UTC: the page must not show UTC.
    assert "2024-08-20 01:05" in html
    assert "1 h 29 min" in html
    assert ">Resolved</span>" in html and ">Mitigated</span>" in html and ">Open</span>" in html
    assert reverse("incident-detail", kwargs={"pk": incidents["pos"].pk}) in html


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"team": "payments"}, {"POS卡类型试算失败", "=cmd|' /C calc'!A0"}),
        ({"grade": "C"}, {"POS卡类型试算失败"}),
        ({"grade": "none"}, {"=cmd|' /C calc'!A0"}),
        ({"kind": "change"}, {"Rollback of release 42"}),
        ({"status": "open"}, {"Rollback of release 42"}),
        ({"status": "mitigated"}, {"=cmd|' /C calc'!A0"}),
        ({"status": "resolved"}, {"POS卡类型试算失败"}),
        ({"detection": "reported"}, {"=cmd|' /C calc'!A0"}),
        ({"detection": "proactive"}, {"POS卡类型试算失败"}),
        ({"detection": "unknown"}, {"Rollback of release 42"}),
        ({"started_from": "2024-08-14"}, {"=cmd|' /C calc'!A0", "Rollback of release 42"}),
        ({"started_to": "2024-08-14"}, {"POS卡类型试算失败", "=cmd|' /C calc'!A0"}),
        # 2024-08-20 01:05 Shanghai is 2024-08-19 in UTC: dates are local days.
        ({"started_from": "2024-08-20", "started_to": "2024-08-20"}, {"Rollback of release 42"}),
        ({"q": "收银台"}, {"POS卡类型试算失败"}),
        ({"q": "release"}, {"Rollback of release 42"}),
    ],
)
def test_filters(client_for, member, incidents, params, expected):
    response = client_for(member).get(URL, params)
    assert response.status_code == 200
    assert set(titles(response)) == expected


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"team": "nobody"}, "team"),
        ({"grade": "Z"}, "grade"),
        ({"kind": "meteor"}, "kind"),
        ({"status": "closed"}, "status"),
        ({"detection": "psychic"}, "detection"),
        ({"started_from": "2024-13-45"}, "started_from"),
        ({"started_to": "yesterday"}, "started_to"),
        ({"started_from": "2024-08-20", "started_to": "2024-08-01"}, "started_to"),
    ],
)
def test_bad_filter_values_show_an_error(client_for, member, incidents, params, field):
    response = client_for(member).get(URL, params)
    assert response.status_code == 200
    assert field in response.context["filter"].form.errors
    assert titles(response) == []


@pytest.mark.parametrize(
    ("sort", "first"),
    [
        ("started_at", "POS卡类型试算失败"),
        ("time_to_resolve", "POS卡类型试算失败"),
        ("-time_to_resolve", "POS卡类型试算失败"),
        ("status", "=cmd|' /C calc'!A0"),
        ("-status", "POS卡类型试算失败"),
        ("team", "=cmd|' /C calc'!A0"),  # within the team, newest first
        ("-team", "Rollback of release 42"),
    ],
)
def test_sorting(client_for, member, incidents, sort, first):
    response = client_for(member).get(URL, {"sort": sort})
    assert titles(response)[0] == first


@pytest.mark.parametrize("params", [{"sort": "nonsense"}, {"page": "999"}, {"page": "abc"}, {"page": "-3"}])
def test_bogus_sort_and_page_do_not_fail(client_for, member, incidents, params):
    response = client_for(member).get(URL, params)
    assert response.status_code == 200
    assert len(titles(response)) == 3


def test_csv_export_uses_local_iso_times_and_numbers(client_for, member, incidents):
    response = client_for(member).get(URL, {"_export": "csv", "started_to": "2024-08-14"})
    assert response.status_code == 200
    assert 'filename="incidents-to-2024-08-14.csv"' in response["Content-Disposition"]
    rows = {row["Title"]: row for row in read_csv(response)}
    pos = rows["POS卡类型试算失败"]
    assert pos["Started"] == "2024-08-12 09:27"
    assert pos["Resolved"] == "2024-08-12 10:56"
    assert pos["Time to resolve (min)"] == "89"
    assert pos["Responsibility share"] == "0.5"
    assert pos["Failed operations"] == "201"
    assert pos["Grade"] == "C"
    assert pos["Status"] == "Resolved"
    assert "Time to resolve" not in pos
    warning = rows["'=cmd|' /C calc'!A0"]
    assert warning["Time to resolve (min)"] == ""
    assert warning["Started"] == "2024-08-14 23:30"


def test_xlsx_export_keeps_numbers(client_for, member, incidents):
    response = client_for(member).get(URL, {"_export": "xlsx", "team": "payments"})
    assert 'filename="incidents.xlsx"' in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header, *rows = sheet.iter_rows(values_only=True)
    records = [dict(zip(header, row, strict=True)) for row in rows]
    pos = next(row for row in records if row["Title"] == "POS卡类型试算失败")
    assert pos["Time to resolve (min)"] == 89
    assert pos["Responsibility share"] == pytest.approx(0.5)
    # A real date-time cell, in the site's time zone (the CSV writes the same moment as ISO text).
    assert pos["Started"] == dt.datetime(2024, 8, 12, 9, 27)


def test_export_in_another_configured_time_zone(client_for, member, incidents, settings):
    settings.TIME_ZONE = "UTC"
    rows = {row["Title"]: row for row in read_csv(client_for(member).get(URL, {"_export": "csv"}))}
    assert rows["POS卡类型试算失败"]["Started"] == "2024-08-12 01:27"


def test_query_count_does_not_grow_with_incidents(client_for, member, django_assert_num_queries):
    client = client_for(member)
    team = make_team()
    make_incident(team, at(2024, 8, 12, 9, 0))

    def page():
        # Session, user, row count, the page of rows, team choices.
        with django_assert_num_queries(5):
            response = client.get(URL)
            assert response.status_code == 200
        return response

    page()
    for number in range(60):
        make_incident(make_team(), at(2024, 7, 1, 9, 0) + dt.timedelta(hours=number), resolved_at=None)
    assert len(titles(page())) == 50


def test_pages_of_a_list_sorted_on_a_tied_column_never_repeat_or_skip_a_row(client_for, member, team):
    for hour in range(25):
        make_incident(team, at(2024, 8, 12, hour % 24, hour), title=f"row {hour}", grade=Incident.Grade.C)
    client = client_for(member)
    seen = []
    for page in (1, 2, 3):
        response = client.get(URL, {"sort": "grade", "per_page": 10, "page": page})
        # Every row ties on the grade: the id settles their order in SQL, on every database.
        assert response.context["table"].data.data.query.order_by[-1] == "pk"
        seen += titles(response)
    assert sorted(seen) == sorted(f"row {hour}" for hour in range(25))
