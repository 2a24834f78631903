"""Every page and action against every role: who is sent to login, refused, shown, or redirected.

The matrix is data: adding a page is one line in PAGES and one expected answer per role.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from notifications.models import Channel
from reports.models import WeeklyReport
from tests.factories import make_incident, make_kpi, make_report

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "member", "lead", "other_lead", "manager", "admin"]
LOGIN = "login"  # a redirect to the login page

READ = dict.fromkeys(ROLES[1:], 200) | {"anonymous": LOGIN}
# The home page sends everyone who may read on to the latest week's overview.
FORWARD = dict.fromkeys(ROLES[1:], 302) | {"anonymous": LOGIN}
EDIT = {"anonymous": LOGIN, "member": 403, "lead": 200, "other_lead": 403, "manager": 403, "admin": 200}
PUBLISH = {"anonymous": LOGIN, "member": 403, "lead": 403, "other_lead": 403, "manager": 302, "admin": 302}
# Notification channels: admins any, leads their own team's (the world's channel is Payments').
CHANNELS_NEW = {
    "anonymous": LOGIN,
    "member": 403,
    "lead": 200,
    "other_lead": 200,
    "manager": 403,
    "admin": 200,
}
# A POST that a lead of the team (or an admin) may make; it ends on a redirect either way.
CHANNEL_ACT = {
    "anonymous": LOGIN,
    "member": 403,
    "lead": 302,
    "other_lead": 403,
    "manager": 403,
    "admin": 302,
}
UNLOCK = {"anonymous": LOGIN, "member": 403, "lead": 403, "other_lead": 403, "manager": 403, "admin": 302}

W = {"team": "payments", "week": "2024-W33"}
# (name, method, url kwargs — callables get the world dict —, expected answers per role)
PAGES = [
    ("home", "get", {}, FORWARD),
    ("department-week", "get", {"week": "2024-W33"}, READ),
    ("team-week", "get", W, READ),
    ("team-week-edit", "get", W, EDIT),
    ("team-week-publish", "post", W, PUBLISH),
    ("team-week-unlock", "post", {"team": "payments", "week": "2024-W32"}, UNLOCK),
    ("kpi-list", "get", {}, READ),
    ("kpi-detail", "get", {"pk": lambda world: world["kpi"].pk}, READ),
    # A lead of the KPI's team or an admin saves its other names (back to the KPI page, saved or not).
    ("kpi-aliases", "post", {"pk": lambda world: world["kpi"].pk}, CHANNEL_ACT),
    ("okr-list", "get", {}, READ),
    ("okr-quarter", "get", {"quarter": "2024-Q3"}, READ),
    ("incident-list", "get", {}, READ),
    ("incident-detail", "get", {"pk": lambda world: world["incident"].pk}, READ),
    ("incident-create", "get", W, EDIT),
    ("team-week-markdown", "get", W, READ),
    ("team-week-print", "get", W, READ),
    ("department-document", "get", {"week": "2024-W33"}, READ),
    ("department-markdown", "get", {"week": "2024-W33"}, READ),
    ("report-import", "get", {"team": "payments"}, EDIT),
    ("notification-channels", "get", {}, READ),
    ("notification-channel-new", "get", {}, CHANNELS_NEW),
    ("notification-channel", "get", {"pk": lambda world: world["channel"].pk}, EDIT),
    ("notification-channel-preview", "get", {"pk": lambda world: world["channel"].pk}, EDIT),
    (
        "notification-channel-preview-email",
        "get",
        {"pk": lambda world: world["channel"].pk, "event": "digest"},
        EDIT,
    ),
    ("notification-channel-test", "post", {"pk": lambda world: world["channel"].pk}, CHANNEL_ACT),
    ("notification-channel-delete", "post", {"pk": lambda world: world["channel"].pk}, CHANNEL_ACT),
    # The API's pages (its endpoints: tests/api/test_permissions.py). Everyone manages their own tokens.
    ("api-tokens", "get", {}, READ),
    ("api-token-revoke", "post", {"pk": 999999}, dict.fromkeys(ROLES[1:], 404) | {"anonymous": LOGIN}),
    ("api-docs", "get", {}, READ),
    ("api-schema", "get", {}, READ | {"anonymous": 401}),
]

# Pages still being built elsewhere: (name) -> reason. Empty when every page exists.
UNBUILT: dict[str, str] = {}

CASES = [
    pytest.param(
        name,
        method,
        kwargs,
        role,
        expected[role],
        id=f"{name}-{role}",
        marks=[pytest.mark.xfail(reason=UNBUILT[name], strict=True)] if name in UNBUILT else [],
    )
    for name, method, kwargs, expected in PAGES
    for role in ROLES
]


@pytest.fixture
def world(team, other_team, lead, member, other_lead, manager, admin_user):
    make_report(team, "2024-W33", status=WeeklyReport.Status.SUBMITTED)
    make_report(team, "2024-W32", status=WeeklyReport.Status.PUBLISHED)
    return {
        "kpi": make_kpi(team, "需求交付数"),
        "incident": make_incident(team),
        # An email list: the test button delivers to the test mailbox, never the network.
        "channel": Channel.objects.create(
            name="Payments mail", kind="email", team=team, emails="a@example.com"
        ),
        "users": {
            "member": member,
            "lead": lead,
            "other_lead": other_lead,
            "manager": manager,
            "admin": admin_user,
        },
    }


def test_every_page_is_in_the_matrix():
    from django.urls import get_resolver

    named = {name for name in get_resolver().reverse_dict if isinstance(name, str)}
    outside = {"login", "logout", "set_language", "healthz"}
    assert {name for name, *_rest in PAGES} == {
        name for name in named if not name.startswith("admin") and name not in outside
    } - {name for name in named if ":" in name}


@pytest.mark.parametrize(("name", "method", "kwargs", "role", "expected"), CASES)
def test_permission(client, world, name, method, kwargs, role, expected):
    url = reverse(
        name, kwargs={key: value(world) if callable(value) else value for key, value in kwargs.items()}
    )
    if role != "anonymous":
        client.force_login(world["users"][role])
    response = getattr(client, method)(url)
    if expected == LOGIN:
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
    else:
        assert response.status_code == expected
        if expected == 302:
            assert not response.url.startswith(reverse("login"))
