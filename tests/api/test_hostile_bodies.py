"""Bodies no client sends but an attacker will: each a 400 naming the problem, nothing written."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.api.conftest import issue
from tests.api.endpoints import WRITES
from tests.security.helpers import census

pytestmark = pytest.mark.django_db

VALUES = "/api/v1/teams/payments/weeks/2024-W33/kpi-values/"


def _send(token, method, url, raw: str | bytes, content_type="application/json"):
    return Client().generic(
        method, url, raw, content_type=content_type, headers={"Authorization": f"Bearer {token}"}
    )


DEEP_OBJECT = '{"a":' * 5000 + "1" + "}" * 5000
DEEP_LIST = "[" * 100_000 + "]" * 100_000


@pytest.mark.parametrize("endpoint", WRITES, ids=lambda e: f"{e.method} {e.template}")
@pytest.mark.parametrize("raw", [DEEP_OBJECT, DEEP_LIST], ids=["objects", "lists"])
def test_a_body_nested_past_the_recursion_limit_is_a_400(world, lead, endpoint, raw):
    before = census()
    response = _send(issue(lead), endpoint.method, endpoint.url(world), raw)
    assert response.status_code == 400, response.content
    assert "nests lists or objects more than 32 deep" in response.json()["detail"]
    assert census() == before


@pytest.mark.parametrize(
    "raw",
    [
        '{"values": [{"kpi": %(kpi)s, "value": "1", "note": "\\ud800"}]}',
        '{"values": [{"kpi": %(kpi)s, "value": "\\udfff"}]}',
        '{"values": [{"kpi": %(kpi)s, "value": "1", "\\ud800": 1}]}',
    ],
)
def test_a_lone_surrogate_anywhere_in_the_body_is_a_400(world, lead, raw):
    before = census()
    response = _send(issue(lead), "PUT", VALUES, raw % {"kpi": world["bugs"].pk})
    assert response.status_code == 400, response.content
    assert "not valid Unicode" in response.json()["detail"]
    assert census() == before


def test_a_lone_surrogate_in_a_choice_field_is_a_400_not_an_error_that_cannot_be_rendered(world, lead):
    """The choice field's message echoes the value: it was the response that failed to encode."""
    url = f"/api/v1/teams/payments/weeks/2024-W33/key-results/{world['key_result'].pk}/"
    before = census()
    response = _send(issue(lead), "PUT", url, '{"progress": "5", "status": "\\ud800"}')
    assert response.status_code == 400
    assert census() == before


def test_a_surrogate_pair_is_an_ordinary_character_and_is_stored(world, lead):
    raw = '{"values": [{"kpi": KPI, "value": "4", "note": "\\ud83d\\ude00 ok"}]}'
    raw = raw.replace("KPI", str(world["bugs"].pk))
    response = _send(issue(lead), "PUT", VALUES, raw)
    assert response.status_code == 200, response.content
    assert response.json()["values"][0]["note"] == "😀 ok"


@pytest.mark.parametrize("raw", ['{"values": NaN}', '{"values": [{"kpi": 1, "value": Infinity}]}'])
def test_non_json_numbers_are_refused(world, lead, raw):
    response = _send(issue(lead), "PUT", VALUES, raw)
    assert response.status_code == 400
    assert "is not a JSON number" in response.json()["detail"]


@pytest.mark.parametrize("charset", ["bz2_codec", "zlib_codec", "no-such-charset-at-all"])
def test_a_charset_that_is_not_a_text_encoding_is_a_400(world, lead, charset):
    response = _send(issue(lead), "PUT", VALUES, b'{"values": []}', f"application/json; charset={charset}")
    assert response.status_code == 400


def test_a_utf16_body_named_as_such_is_read(world, lead):
    raw = '{"values": [{"kpi": KPI, "value": "6", "note": "十六"}]}'.replace("KPI", str(world["bugs"].pk))
    raw = raw.encode("utf-16")
    response = _send(issue(lead), "PUT", VALUES, raw, "application/json; charset=utf-16")
    assert response.status_code == 200, response.content
    assert response.json()["values"][0]["note"] == "十六"


def test_the_refusal_is_in_the_readers_language(world, lead):
    response = Client().generic(
        "PUT",
        VALUES,
        DEEP_LIST,
        content_type="application/json",
        headers={"Authorization": f"Bearer {issue(lead)}", "Accept-Language": "zh-hans"},
    )
    assert response.json()["detail"] == "请求体中列表或对象的嵌套超过 32 层。"
