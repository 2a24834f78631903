"""Every endpoint × role × token scope: who reads, who writes, and that a refusal writes nothing.

Reads: any active user with any usable token. Writes: a read-write token of the team's lead or of an
admin; a manager reads everything but, like in the form, does not write a team's week.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from api.models import ApiToken
from tests.api.conftest import ApiClient, issue
from tests.api.endpoints import ENDPOINTS
from tests.factories import make_lead, make_manager, make_team, make_user
from tests.security.helpers import census

pytestmark = pytest.mark.django_db

WRITERS = {"lead", "admin"}


def _user(role, team):
    if role == "lead":
        return make_lead(team, "lead2")
    if role == "member":
        user = make_user("member2")
        team.members.add(user)
        return user
    if role == "other_lead":
        return make_lead(make_team("Risk", slug="risk"), "risklead")
    if role == "manager":
        return make_manager("manager2")
    if role == "admin":
        return make_user("admin2", is_staff=True, is_superuser=True)
    return make_user("outsider2")


@pytest.mark.parametrize("scope", [ApiToken.Scope.READ, ApiToken.Scope.WRITE])
@pytest.mark.parametrize("role", ["member", "outsider", "other_lead", "manager", "lead", "admin"])
def test_permission_matrix(world, team, role, scope):
    client = ApiClient(issue(_user(role, team), scope))
    wrong = []
    for endpoint in ENDPOINTS:
        may = not endpoint.writes or (scope == ApiToken.Scope.WRITE and role in WRITERS)
        before = census()
        response = _call(client, endpoint, world)
        expected = endpoint.ok if may else 403
        if response.status_code != expected:
            wrong.append((endpoint.method, endpoint.template, response.status_code, response.content[:200]))
        elif not may:
            body = response.json()
            if not body.get("detail") or census() != before:
                wrong.append((endpoint.method, endpoint.template, "refused but wrote or said nothing", body))
    assert wrong == []


def _call(client, endpoint, world):
    from tests.api.endpoints import call

    return call(client, endpoint, world)


@pytest.mark.parametrize(
    "state",
    ["anonymous", "garbage", "revoked", "expired", "inactive owner", "malformed header"],
)
def test_no_usable_token_gets_401_json_everywhere(world, lead, state):
    headers = {}
    if state == "garbage":
        client = ApiClient("rsk_deadbeef_not-a-real-token")
    elif state == "revoked":
        token, text = ApiToken.issue(lead, "x", scope=ApiToken.Scope.WRITE)
        token.revoke(lead)
        client = ApiClient(text)
    elif state == "expired":
        client = ApiClient(issue(lead, expires_at=timezone.now() - dt.timedelta(seconds=1)))
    elif state == "inactive owner":
        client = ApiClient(issue(lead))
        lead.is_active = False
        lead.save()
    elif state == "malformed header":
        client = ApiClient()
        headers = {"Authorization": "Bearer two words"}
    else:
        client = ApiClient()
    from tests.api.endpoints import call

    for endpoint in ENDPOINTS:
        before = census()
        response = call(client, endpoint, world, **headers)
        assert response.status_code == 401, (endpoint, response.content)
        assert response.json()["detail"]
        assert response["WWW-Authenticate"].startswith("Bearer")
        assert census() == before


def test_token_never_grants_more_than_its_owner_has_now(world, team):
    user = make_lead(team, "lead3")
    client = ApiClient(issue(user))
    url = "/api/v1/teams/payments/weeks/2024-W33/kpi-values/"
    body = {"values": [{"kpi": world["bugs"].pk, "value": 3}]}
    assert client.put(url, body).status_code == 200
    team.leads.remove(user)
    response = client.put(url, {"values": [{"kpi": world["bugs"].pk, "value": 4}]})
    assert response.status_code == 403
    assert "Only a lead of Payments or an admin" in response.json()["detail"]


def test_read_only_token_of_an_admin_cannot_write(world, admin_user):
    client = ApiClient(issue(admin_user, ApiToken.Scope.READ))
    response = client.put(
        "/api/v1/teams/payments/weeks/2024-W33/kpi-values/", {"values": [{"kpi": 1, "value": 1}]}
    )
    assert response.status_code == 403
    assert "read-only" in response.json()["detail"]
