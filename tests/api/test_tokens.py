"""Personal tokens: made on the user's page, shown once, stored hashed, revoked; the command; throttling."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from api.models import ApiToken
from tests.api.conftest import ApiClient, issue

pytestmark = pytest.mark.django_db


def test_token_page_creates_a_token_shown_once_and_stored_hashed(client_for, lead):
    client = client_for(lead)
    response = client.post("/api/tokens/", {"name": "monitoring", "scope": "write", "days": "30"})
    assert response.status_code == 302
    page = client.get("/api/tokens/").content.decode()
    token = ApiToken.objects.get()
    start = page.index('value="rsk_') + len('value="')
    text = page[start : page.index('"', start)]
    assert text.startswith(f"rsk_{token.prefix}_") and text not in token.digest
    assert token.expires_at is not None and token.can_write
    assert text not in client.get("/api/tokens/").content.decode()  # shown once
    assert ApiClient(text).get("/api/v1/teams/").status_code == 200
    assert "monitoring" in client.get("/api/tokens/").content.decode()


def test_token_page_refuses_bad_input_and_creates_nothing(client_for, lead):
    response = client_for(lead).post("/api/tokens/", {"name": " ", "scope": "admin", "days": "0"})
    assert response.status_code == 400
    assert ApiToken.objects.count() == 0


def test_token_page_needs_login(client):
    assert client.get("/api/tokens/").status_code == 302


def test_revoked_token_stops_working_and_others_cannot_revoke_it(client_for, lead, other_lead):
    token, text = ApiToken.issue(lead, "ci", scope=ApiToken.Scope.READ)
    assert client_for(other_lead).post(f"/api/tokens/{token.pk}/revoke/").status_code == 404
    assert ApiClient(text).get("/api/v1/teams/").status_code == 200
    client_for(lead).post(f"/api/tokens/{token.pk}/revoke/")
    response = ApiClient(text).get("/api/v1/teams/")
    assert response.status_code == 401 and "revoked" in response.json()["detail"]


def test_last_use_is_recorded(lead):
    token, text = ApiToken.issue(lead, "ci", scope=ApiToken.Scope.READ)
    ApiClient(text).get("/api/v1/teams/")
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_create_api_token_command_prints_the_token_once(lead):
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "create_api_token", "lead", "--name", "push", "--read-only", "--days", "7", stdout=out, stderr=err
    )
    text = out.getvalue().strip()
    token = ApiToken.objects.get()
    assert token.scope == ApiToken.Scope.READ and token.expires_at is not None
    assert ApiClient(text).get("/api/v1/kpis/").status_code == 200
    assert text not in err.getvalue()


def test_create_api_token_command_refuses_unknown_user_and_bad_days(lead):
    with pytest.raises(CommandError):
        call_command("create_api_token", "nobody", "--name", "x")
    with pytest.raises(CommandError):
        call_command("create_api_token", "lead", "--name", "x", "--days", "0")
    assert ApiToken.objects.count() == 0


def test_throttled_per_token_with_a_json_message(lead, settings):
    rest = dict(settings.REST_FRAMEWORK)
    rest["DEFAULT_THROTTLE_RATES"] = {"api": "3/minute"}
    with override_settings(REST_FRAMEWORK=rest):
        first, second = ApiClient(issue(lead)), ApiClient(issue(lead))
        statuses = [first.get("/api/v1/teams/").status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
        refused = first.get("/api/v1/teams/")
        assert "Too many requests" in refused.json()["detail"]
        assert second.get("/api/v1/teams/").status_code == 200  # another token has its own allowance
