"""/healthz: answers load balancers without login and reports whether the database answers."""

from unittest import mock

import pytest
from django.db import DatabaseError
from django.db.backends.utils import CursorWrapper

pytestmark = pytest.mark.django_db

HEALTHZ = "/healthz"


def test_healthz_answers_anonymous_with_ok_json(client):
    response = client.get(HEALTHZ)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_healthz_costs_one_query(client, django_assert_num_queries):
    with django_assert_num_queries(1):
        client.get(HEALTHZ)


def test_healthz_reports_503_when_the_database_fails(client):
    with mock.patch.object(CursorWrapper, "execute", side_effect=DatabaseError("connection refused")):
        response = client.get(HEALTHZ)
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unreachable"}


def test_healthz_refuses_writes(client):
    assert client.post(HEALTHZ).status_code == 405


def test_healthz_is_not_redirected_to_https_behind_ssl_redirect(client, settings):
    # Container health checks speak plain HTTP to the app; redirecting them would mark it unhealthy.
    settings.SECURE_SSL_REDIRECT = True
    assert client.get(HEALTHZ).status_code == 200
    assert client.get("/accounts/login/").status_code == 301
