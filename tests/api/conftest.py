"""API tests: a client that sends a bearer token, and tokens of every scope for the shared cast."""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache
from django.test import Client

from api.models import ApiToken


@pytest.fixture(autouse=True)
def fresh_throttle():
    # Throttle counters live in the default cache; one test's requests must not count against the next.
    cache.clear()
    yield
    cache.clear()


class ApiClient:
    """Django's test client with `Authorization: Bearer` and JSON bodies."""

    def __init__(self, token_text: str | None = None):
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {token_text}"} if token_text else {}

    def _call(self, method, url, body=None, **headers):
        kwargs = {"headers": {**self.headers, **headers}}
        if body is not None:
            kwargs.update(data=json.dumps(body), content_type="application/json")
        return getattr(self.client, method)(url, **kwargs)

    def get(self, url, **headers):
        return self._call("get", url, **headers)

    def put(self, url, body, **headers):
        return self._call("put", url, body, **headers)

    def patch(self, url, body, **headers):
        return self._call("patch", url, body, **headers)

    def post(self, url, body, **headers):
        return self._call("post", url, body, **headers)


def issue(user, scope=ApiToken.Scope.WRITE, **fields) -> str:
    _token, text = ApiToken.issue(user, "test", scope=scope, **fields)
    return text


@pytest.fixture
def api_as():
    """`api_as(user)`: a client with a new read-write token of the user; `api_as(user, "read")` read-only."""

    def make(user, scope=ApiToken.Scope.WRITE):
        return ApiClient(issue(user, scope))

    return make


WEEK = "2024-W33"


@pytest.fixture
def world(team, lead):
    """Payments with a percent KPI and a count KPI (values last week and this), a key result, an incident."""
    from tests.factories import (
        make_incident,
        make_key_result,
        make_kpi,
        make_objective,
        make_update,
        make_value,
    )

    rate = make_kpi(team, "入金有效成功率", unit="percent", decimals=3, group="系统运行数据", position=1)
    bugs = make_kpi(team, "线上bug", unit="count", direction="down", group="效能度量", position=2)
    make_value(rate, "2024-W32", "99.990")
    make_value(bugs, "2024-W32", 12)
    value = make_value(bugs, WEEK, 10)
    key_result = make_key_result(make_objective(team), title="POS 上线")
    update = make_update(key_result, WEEK, 80)
    incident = make_incident(team, grade="C", description="POS卡类型试算失败")
    return {
        "rate": rate,
        "bugs": bugs,
        "value": value,
        "key_result": key_result,
        "update": update,
        "incident": incident,
    }
