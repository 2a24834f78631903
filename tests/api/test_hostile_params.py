"""List parameters past what the database takes: ids past 64 bits, forged cursors: refusals, not 500s."""

from __future__ import annotations

import base64

import pytest

from tests.security.helpers import census

pytestmark = pytest.mark.django_db

ID_FILTERS = [("kpi-values", "kpi"), ("key-results", "objective"), ("key-result-updates", "key_result")]
LISTS = [
    "teams",
    "weeks",
    "kpis",
    "kpi-values",
    "objectives",
    "key-results",
    "key-result-updates",
    "incidents",
]


@pytest.mark.parametrize(("name", "param"), ID_FILTERS)
@pytest.mark.parametrize("value", ["1e30", "-1e30", "9" * 30, "-" + "9" * 30, "9223372036854775808", "1.5"])
def test_an_id_filter_no_column_can_hold_is_a_400_naming_the_parameter(
    api_as, world, lead, name, param, value
):
    response = api_as(lead).get(f"/api/v1/{name}/?{param}={value}")
    assert response.status_code == 400, response.content
    assert param in response.json()["errors"]


@pytest.mark.parametrize(("name", "param"), ID_FILTERS)
def test_an_id_filter_in_range_still_filters(api_as, world, lead, name, param):
    key_result = world["key_result"]
    ids = {"kpi": world["bugs"].pk, "objective": key_result.objective_id, "key_result": key_result.pk}
    client = api_as(lead)
    assert client.get(f"/api/v1/{name}/?{param}={ids[param]}").json()["results"]
    assert client.get(f"/api/v1/{name}/?{param}=9223372036854775807").json()["results"] == []


def _cursor(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


@pytest.mark.parametrize("name", LISTS)
@pytest.mark.parametrize("position", ["\x00", "2024-13-01", "9" * 30, "-5", "", "1 OR 1=1", "٣"])
def test_a_forged_cursor_position_is_an_invalid_cursor(api_as, world, lead, name, position):
    before = census()
    client = api_as(lead)
    response = client.client.get(
        f"/api/v1/{name}/", {"cursor": _cursor(f"p={position}")}, headers=client.headers
    )
    assert response.status_code == 404, response.content
    assert response.json()["detail"] == "Invalid cursor"
    assert census() == before


def test_a_cursor_the_api_wrote_still_pages(api_as, world, lead):
    client = api_as(lead)
    first = client.get("/api/v1/kpis/?page_size=1").json()
    assert first["next"]
    second = client.get(first["next"].replace("http://testserver", ""))
    assert second.status_code == 200
    assert second.json()["results"][0]["id"] != first["results"][0]["id"]
