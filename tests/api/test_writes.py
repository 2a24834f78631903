"""API writes: the form's rules, revisions as ETags, history "via API", pages and export updated."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ops import data_version
from reports.models import KPIValue, WeeklyReport
from tests.api.conftest import ApiClient, issue
from tests.api.endpoints import WRITES, call
from tests.factories import make_report
from tests.security.fuzz import FUZZ
from tests.security.helpers import census

pytestmark = pytest.mark.django_db

VALUES = "/api/v1/teams/payments/weeks/2024-W33/kpi-values/"


def test_bulk_put_writes_values_with_history_via_api_and_bumps_revision(
    world, lead, django_capture_on_commit_callbacks
):
    client = ApiClient(issue(lead))
    version = data_version.current()
    body = {"values": [{"kpi": world["rate"].pk, "value": "99.998"}, {"kpi": world["bugs"].pk, "value": "9"}]}
    # The data version is renewed after the commit, as on a real request.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.put(VALUES, body)
    assert response.status_code == 200, response.content
    data = response.json()
    assert response["ETag"] == '"1"' and data["revision"] == 1 and data["changed"] == 2
    rate = next(row for row in data["values"] if row["kpi"] == world["rate"].pk)
    assert rate["value"] == "99.998"
    assert rate["comparison"] == {
        "previous": "99.99",
        "absolute": "0.008",
        "absolute_unit": "pp",
        "relative": "0.01",
        "tone": "better",
        "target_met": None,
    }
    stored = KPIValue.objects.get(kpi=world["rate"], week__number=33)
    assert stored.value == Decimal("99.998")
    latest = stored.history.latest()
    assert latest.history_user == lead and latest.history_change_reason == "api"
    assert data_version.current() != version


def test_repeated_put_is_idempotent(world, lead):
    client = ApiClient(issue(lead))
    body = {"values": [{"kpi": world["bugs"].pk, "value": 7, "note": "two from payments"}]}
    first = client.put(VALUES, body)
    before = census()
    second = client.put(VALUES, body)
    assert second.status_code == 200
    assert second.json()["changed"] == 0
    assert second["ETag"] == first["ETag"]
    assert census() == before


def test_stale_if_match_writes_nothing_on_every_write_endpoint(world, lead):
    make_report(world["rate"].team, "2024-W33", revision=5)
    client = ApiClient(issue(lead))
    for endpoint in WRITES:
        before = census()
        response = call(client, endpoint, world, **{"If-Match": '"4"'})
        assert response.status_code == 412, (endpoint, response.content)
        assert 'If-Match: "5"' in response.json()["detail"]
        assert census() == before
    assert WeeklyReport.objects.get().revision == 5


def test_current_if_match_writes(world, lead):
    make_report(world["rate"].team, "2024-W33", revision=5)
    client = ApiClient(issue(lead))
    response = client.put(VALUES, {"values": [{"kpi": world["bugs"].pk, "value": 3}]}, **{"If-Match": '"5"'})
    assert response.status_code == 200
    assert response["ETag"] == '"6"'


def test_published_week_is_409_for_a_lead_and_writable_for_an_admin(world, lead, admin_user):
    make_report(world["rate"].team, "2024-W33", status=WeeklyReport.Status.PUBLISHED)
    client = ApiClient(issue(lead))
    for endpoint in WRITES:
        before = census()
        response = call(client, endpoint, world)
        assert response.status_code == 409, (endpoint, response.content)
        assert "published and locked" in response.json()["detail"]
        assert census() == before
    admin = ApiClient(issue(admin_user))
    assert admin.put(VALUES, {"values": [{"kpi": world["bugs"].pk, "value": 2}]}).status_code == 200


def test_api_write_shows_on_the_team_week_page_and_in_the_markdown_export(world, lead, client_for):
    client = ApiClient(issue(lead))
    response = client.put(VALUES, {"values": [{"kpi": world["rate"].pk, "value": "99.123"}]})
    assert response.status_code == 200
    browser = client_for(lead)
    page = browser.get("/teams/payments/weeks/2024-W33/").content.decode()
    assert "99.123%" in page
    assert "via API" in page
    markdown = browser.get("/teams/payments/weeks/2024-W33/report.md").content.decode()
    assert "99.123%" in markdown


def test_key_result_and_incident_writes_are_recorded_via_api(world, lead):
    client = ApiClient(issue(lead))
    url = f"/api/v1/teams/payments/weeks/2024-W33/key-results/{world['key_result'].pk}/"
    response = client.put(url, {"progress": "90", "status": "at_risk"})
    assert response.status_code == 200
    assert response.json()["update"]["progress"] == "90"
    world["update"].refresh_from_db()
    assert world["update"].history.latest().history_change_reason == "api"
    created = client.post(
        "/api/v1/incidents/", {"team": "payments", "started_at": "2024-08-14T10:00:00+08:00", "grade": "D"}
    )
    assert created.status_code == 201
    assert created.json()["started_at"] == "2024-08-14T10:00:00+08:00"
    assert created.json()["week"] == "2024-W33"


def test_value_the_form_refuses_is_a_400_naming_the_kpi(world, lead):
    client = ApiClient(issue(lead))
    before = census()
    response = client.put(VALUES, {"values": [{"kpi": world["bugs"].pk, "value": "2.5"}]})
    assert response.status_code == 400
    assert response.json()["errors"]["values"][0]["value"] == ["线上bug: Enter a whole number."]
    assert census() == before


# Bad input for each write endpoint, generated: wrong types, out-of-range numbers, unknown ids.
junk = st.one_of(
    st.none(),
    st.booleans(),
    st.text(max_size=30),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)
bad_number = st.one_of(
    st.sampled_from(["NaN", "Infinity", "-1", "101", "1e999", "abc", " x", "99.9999999", "1" * 30, "0x10"]),
    st.decimals(min_value=-(10**6), max_value=-1, allow_nan=False, places=2).map(str),
    st.lists(st.integers(), min_size=1, max_size=2),
    st.booleans(),
)


def _bad_body(draw_kind, endpoint, world, data):
    template = endpoint.template
    if template.endswith("/kpi-values/"):
        item = data.draw(
            st.one_of(
                st.fixed_dictionaries({"kpi": st.just(world["rate"].pk), "value": bad_number}),
                st.fixed_dictionaries({"kpi": st.integers(10**6, 10**9), "value": st.just("1")}),
                st.fixed_dictionaries({"kpi": junk, "value": st.just("1")}),
            )
        )
        return data.draw(st.sampled_from([{"values": [item]}, {"values": item}, {"values": []}, [item]]))
    if "/kpi-values/{kpi}/" in template:
        return (
            data.draw(st.sampled_from([{"value": None, "note": "x"}, {}]))
            if draw_kind
            else {"value": data.draw(bad_number)}
        )
    if "/key-results/" in template:
        return data.draw(
            st.one_of(
                st.fixed_dictionaries({"progress": bad_number}),
                st.fixed_dictionaries({"current_value": st.just("5")}),
                st.fixed_dictionaries(
                    {
                        "status": st.text(max_size=10).filter(
                            lambda s: s not in {"on_track", "at_risk", "blocked", "done"}
                        )
                    }
                ),
            )
        )
    bad_incident = st.one_of(
        st.fixed_dictionaries(
            {"started_at": st.sampled_from(["yesterday", "2024-13-01T00:00", "", "0001-01-01T00:00Z"])}
        ),
        st.fixed_dictionaries(
            {
                "started_at": st.just("2024-08-12T09:00:00+08:00"),
                "resolved_at": st.just("2024-08-12T08:00:00+08:00"),
            }
        ),
        st.fixed_dictionaries(
            {"started_at": st.just("2024-08-12T09:00:00+08:00"), "grade": st.text(min_size=2, max_size=4)}
        ),
        st.fixed_dictionaries(
            {"started_at": st.just("2024-08-12T09:00:00+08:00"), "responsibility_share": bad_number}
        ),
        st.fixed_dictionaries(
            {
                "started_at": st.just("2024-08-12T09:00:00+08:00"),
                "kind": junk.filter(lambda v: v not in ("incident", "risk", "change")),
            }
        ),
    )
    body = data.draw(bad_incident)
    if endpoint.method == "POST":
        body = {"team": "payments", **body}
    return body


@pytest.mark.parametrize("endpoint", WRITES, ids=lambda e: f"{e.method} {e.template}")
@FUZZ
@given(data=st.data(), kind=st.booleans())
def test_bad_input_is_400_with_field_errors_and_writes_nothing(world, lead, endpoint, data, kind):
    client = ApiClient(issue(lead))
    body = _bad_body(kind, endpoint, world, data)
    before = census()
    response = getattr(client, endpoint.method.lower())(endpoint.url(world), body)
    assert response.status_code == 400, (body, response.content)
    payload = response.json()
    assert payload["code"] == "invalid" and payload["errors"], payload
    assert census() == before
