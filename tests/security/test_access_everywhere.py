"""Login everywhere, and the role matrix carried to exports, imports and form POSTs.

The first part walks EVERY URL pattern of the site (admin included) with sample arguments, so a page
added later without `login_required` fails here without anyone listing it. The second part extends
tests/reports/test_permissions_matrix.py (pages opened with GET) to the writes and downloads.
"""

from __future__ import annotations

import pytest
from django.urls import resolve, reverse

from reports.models import WeeklyReport
from tests.factories import make_incident, make_key_result, make_kpi, make_objective, make_report, make_value
from tests.security.helpers import census, every_url

pytestmark = pytest.mark.django_db

PUBLIC = {"/accounts/login/", "/healthz"}
# The JSON API answers a request without credentials with 401 (404 past its endpoints), never a redirect.
API_PREFIXES = ("/api/v1/", "/api/schema/")


def _is_api(path: str) -> bool:
    return path.startswith(API_PREFIXES) or path == "/api/"


# Logging out is POST only (Django 5); a GET is refused before anything is shown.
POST_ONLY = {"/accounts/logout/"}
URLS = every_url()


@pytest.fixture
def world(team, other_team, lead, member, other_lead, manager, admin_user):
    """Real rows behind the sample ids, so a missing login check would show a page, not a 404."""
    make_report(team, "2024-W33", status=WeeklyReport.Status.SUBMITTED)
    make_report(team, "2024-W32", status=WeeklyReport.Status.PUBLISHED)
    kpi = make_kpi(team, "需求交付数")
    make_value(kpi, "2024-W33", 313)
    make_update_world = make_key_result(make_objective(team, "O1"))
    return {
        "kpi": kpi,
        "key_result": make_update_world,
        "incident": make_incident(team),
        "users": {
            "member": member,
            "lead": lead,
            "other_lead": other_lead,
            "manager": manager,
            "admin": admin_user,
        },
    }


def test_the_walk_covers_every_named_page():
    paths = {path for path, _label in URLS}
    for name, kwargs in [
        ("home", {}),
        ("team-week-edit", {"team": "payments", "week": "2024-W33"}),
        ("report-import", {"team": "payments"}),
        ("kpi-detail", {"pk": 1}),
        ("department-markdown", {"week": "2024-W33"}),
        ("admin:reports_kpi_delete", {"object_id": 1}),
    ]:
        assert reverse(name, kwargs=kwargs) in paths
    # Every sample path resolves to the pattern it was made from (no typo in the samples).
    for path, _label in URLS:
        resolve(path)
    assert len(URLS) > 100


def _ends_at_login(response) -> bool:
    return response.status_code == 200 and response.request["PATH_INFO"] == reverse("login")


@pytest.mark.parametrize(("path", "label"), URLS, ids=[path for path, _label in URLS])
def test_anonymous_get_ends_at_the_login_page(client, world, path, label):
    response = client.get(path, follow=True)
    if _is_api(path):
        assert response.status_code in (401, 404), f"{path} answered {response.status_code}"
        assert response.json()["detail"]
        return
    if path in PUBLIC:
        assert response.status_code == 200
        return
    if path in POST_ONLY:
        assert response.status_code == 405
        return
    assert response.redirect_chain, f"{path} answered {response.status_code} without a redirect"
    assert _ends_at_login(response), f"{path} → {response.redirect_chain} {response.status_code}"


@pytest.mark.parametrize(("path", "label"), URLS, ids=[path for path, _label in URLS])
def test_anonymous_post_writes_nothing_and_is_sent_to_login_or_refused(client, world, path, label):
    before = census()
    response = client.post(path, {"title": "x", "revision": "0", "content": "# 2024-W33\n其他\nx"})
    assert census() == before
    if _is_api(path):
        assert response.status_code in (401, 404, 405), f"{path} answered {response.status_code}"
        return
    if path in PUBLIC:
        # The login form re-renders with an error; /healthz is GET only.
        assert response.status_code in (200, 405)
        return
    # GET-only pages refuse the method before looking at the user; everything else sends to login.
    assert response.status_code in (302, 405), f"{path} answered {response.status_code}"
    if response.status_code == 302:
        assert client.get(response.url, follow=True).request["PATH_INFO"] == reverse("login")


# --- The role matrix for downloads and writes -------------------------------------------------------

ROLES = ["anonymous", "member", "lead", "other_lead", "manager", "admin"]
LOGIN = "login"
READ = dict.fromkeys(ROLES[1:], 200) | {"anonymous": LOGIN}
W = {"team": "payments", "week": "2024-W33"}


def edit(ok):
    return {"anonymous": LOGIN, "member": 403, "lead": ok, "other_lead": 403, "manager": 403, "admin": ok}


IMPORT = "# 2024-W33\n\n收获与反思\n\n- 矩阵测试\n"
# (name, method, url kwargs, query string, POST data, expected answers per role)
CASES = [
    ("kpi-list", "get", {}, "_export=csv", None, READ),
    ("kpi-list", "get", {}, "_export=xlsx", None, READ),
    ("okr-list", "get", {}, "_export=csv", None, READ),
    ("okr-list", "get", {}, "_export=xlsx", None, READ),
    ("incident-list", "get", {}, "_export=csv", None, READ),
    ("incident-list", "get", {}, "_export=xlsx", None, READ),
    ("team-week-markdown", "get", W, "", None, READ),
    ("department-markdown", "get", {"week": "2024-W33"}, "", None, READ),
    # Import: the preview (no confirm) writes nothing; confirm writes the week for its editors.
    ("report-import", "post", {"team": "payments"}, "", {"content": IMPORT}, edit(200)),
    ("report-import", "post", {"team": "payments"}, "", {"content": IMPORT, "confirm": "1"}, edit(302)),
    # An empty weekly form or incident form is rejected at the field, but only for someone who may edit.
    ("team-week-edit", "post", W, "", {}, edit(400)),
    ("incident-create", "post", W, "", {}, edit(400)),
]

PARAMS = [
    pytest.param(
        *case[:5],
        role,
        case[5][role],
        id=f"{case[0]}-{case[1]}-{case[3] or 'plain'}-{role}"
        + ("-confirm" if case[4] and "confirm" in case[4] else ""),
    )
    for case in CASES
    for role in ROLES
]


@pytest.mark.parametrize(("name", "method", "kwargs", "query", "data", "role", "expected"), PARAMS)
def test_permission_of_downloads_and_writes(client, world, name, method, kwargs, query, data, role, expected):
    url = reverse(name, kwargs=kwargs) + (f"?{query}" if query else "")
    if role != "anonymous":
        client.force_login(world["users"][role])
    before = census()
    response = client.post(url, data) if method == "post" else client.get(url)
    if expected == LOGIN:
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
    else:
        assert response.status_code == expected
    if expected != 302:
        # Refused, sent to login, shown a preview or a form error: nothing was written.
        assert census() == before
    else:
        assert WeeklyReport.objects.get(team__slug="payments", week__number=33).reflections
    if expected == 200 and query.startswith("_export"):
        assert "attachment" in response["Content-Disposition"]
