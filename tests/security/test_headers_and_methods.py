"""What an outside scan reads off every URL pattern: headers, and the HTTP methods each one answers.

Every pattern of the site (admin included, from tests/security/helpers.py) is asked, as a logged-in
admin, with GET for its headers and with TRACE, PUT, PATCH, DELETE and OPTIONS, which no view serves.
"""

from __future__ import annotations

import pytest
from django.urls import resolve

from reports.models import WeeklyReport
from reportsite.middleware import API_PREFIXES
from tests.factories import make_incident, make_key_result, make_kpi, make_objective, make_report, make_value
from tests.security.helpers import census, every_url
from tests.settings_probe import PRODUCTION, read_settings

pytestmark = pytest.mark.django_db

URLS = every_url()
IDS = [path for path, _label in URLS]
REFUSED_METHODS = ["TRACE", "PUT", "PATCH", "DELETE", "OPTIONS"]
# The app's patterns that take a POST; every other app pattern reads only and refuses one.
TAKES_POST = {
    "login",
    "logout",
    "set_language",
    "team-week-edit",
    "team-week-publish",
    "team-week-unlock",
    "incident-create",
    "report-import",
    "kpi-aliases",
    "api-tokens",
    "api-token-revoke",
    "notification-channel-new",
    "notification-channel",
    "notification-channel-delete",
    "notification-channel-test",
}
# Django's set_language answers a GET with a redirect back, changing nothing.
POST_ONLY = {
    "logout",
    "team-week-publish",
    "team-week-unlock",
    "api-token-revoke",
    "kpi-aliases",
    "notification-channel-delete",
    "notification-channel-test",
}
API_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"}


@pytest.fixture
def world(team, lead, manager, admin_user):
    make_report(team, "2024-W33", status=WeeklyReport.Status.SUBMITTED)
    make_value(make_kpi(team, "需求交付数"), "2024-W33", 313)
    make_key_result(make_objective(team, "O1"))
    make_incident(team)
    return admin_user


def _is_api(path: str) -> bool:
    return path.startswith(API_PREFIXES)


def _is_app(path: str) -> bool:
    # /api/ itself is the API's catch-all: a JSON 404 for any address no endpoint serves.
    return not path.startswith(("/admin/", "/api/")) or path.startswith(("/api/tokens/", "/api/docs/"))


def _served_by_api_view(path: str) -> set[str]:
    """The methods the Django REST framework view at path implements (a viewset: its routed actions)."""
    func = resolve(path).func
    actions = getattr(func, "actions", None)
    if actions:
        return {method.upper() for method in actions}
    view = func.cls
    return {method.upper() for method in view.http_method_names if hasattr(view, method)}


@pytest.mark.parametrize(("path", "label"), [url for url in URLS if not _is_api(url[0])], ids=lambda v: v)
def test_methods_no_view_serves_are_refused_everywhere(client_for, world, path, label):
    client = client_for(world)
    before = census()
    for method in REFUSED_METHODS:
        response = client.generic(method, path, "title=x&revision=0")
        assert response.status_code == 405, f"{method} {path} answered {response.status_code}"
        assert set(response["Allow"].replace(" ", "").split(",")) == {"GET", "HEAD", "POST"}
        assert not response.content
    assert census() == before


@pytest.mark.parametrize(("path", "label"), [url for url in URLS if _is_api(url[0])], ids=lambda v: v)
def test_api_endpoints_refuse_trace_options_and_every_method_they_do_not_serve(
    client_for, world, path, label
):
    client = client_for(world)
    before = census()
    for method in ("TRACE", "OPTIONS"):
        response = client.generic(method, path)
        assert response.status_code == 405, f"{method} {path} answered {response.status_code}"
        assert set(response["Allow"].replace(" ", "").split(",")) == API_METHODS
        assert response.json()["code"] == "method_not_allowed"
    for method in {"PUT", "PATCH", "DELETE"} - _served_by_api_view(path):
        response = client.generic(method, path, "{}", content_type="application/json")
        assert response.status_code == 405, f"{method} {path} answered {response.status_code}"
        assert method not in response["Allow"]
        assert response.json()["detail"]
    assert census() == before


@pytest.mark.parametrize(("path", "label"), [url for url in URLS if _is_app(url[0])], ids=lambda v: v)
def test_each_app_view_answers_only_its_own_methods(client_for, world, path, label):
    client = client_for(world)
    before = census()
    name = resolve(path).url_name
    post = client.post(path, {})
    get = client.get(path)
    if name in POST_ONLY:
        assert get.status_code == 405, path
    else:
        assert get.status_code != 405, path
    if name in TAKES_POST:
        assert post.status_code != 405, path
    else:
        assert post.status_code == 405, f"POST {path} answered {post.status_code}"
        assert census() == before


@pytest.mark.parametrize(("path", "label"), [url for url in URLS if _is_app(url[0])], ids=lambda v: v)
def test_every_page_a_get_reads_answers_head_as_well(client_for, world, path, label):
    # HTTP servers must answer HEAD wherever they answer GET: monitors and link checkers send it.
    if resolve(path).url_name in POST_ONLY:
        return
    client = client_for(world)
    assert client.head(path).status_code == client.get(path).status_code, path


@pytest.mark.parametrize(("path", "label"), URLS, ids=IDS)
def test_every_answer_to_a_logged_in_user_is_private_and_locked_down(client_for, world, path, label):
    response = client_for(world).get(path)
    assert response["Cache-Control"] == "no-store, private", path
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "default-src 'none'" in policy and "frame-ancestors 'none'" in policy
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]


@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
@pytest.mark.parametrize("name", ["/kpis/", "/okrs/", "/incidents/"])
def test_exports_are_never_stored(client_for, world, name, export_format):
    response = client_for(world).get(name, {"_export": export_format})
    assert "attachment" in response["Content-Disposition"]
    assert response["Cache-Control"] == "no-store, private"


def test_anonymous_pages_carry_the_policies_but_may_be_cached_by_their_own_rules(client):
    response = client.get("/accounts/login/")
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "microphone=()" in response["Permissions-Policy"]
    # Django's login view sets its own never-cache headers, which ours leave alone for anonymous readers.
    assert "must-revalidate" in response["Cache-Control"]


def test_errors_raised_before_the_view_carry_the_headers_too(client_for, world):
    response = client_for(world).get("/weeks/2024-W99/")
    assert response.status_code == 404
    assert response["Cache-Control"] == "no-store, private"
    assert "Content-Security-Policy" in response


def test_production_enforces_the_policy_and_report_only_is_a_switch():
    names = ["CONTENT_SECURITY_POLICY", "CONTENT_SECURITY_POLICY_REPORT_ONLY"]
    enforced = read_settings(names, **PRODUCTION)
    assert enforced["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]["script-src"] == ["'self'"]
    assert enforced["CONTENT_SECURITY_POLICY_REPORT_ONLY"] is None
    trial = read_settings(names, **PRODUCTION, CSP_REPORT_ONLY="true")
    assert trial["CONTENT_SECURITY_POLICY"] is None
    assert trial["CONTENT_SECURITY_POLICY_REPORT_ONLY"]["DIRECTIVES"]["style-src"] == ["'self'"]


LOCKED_DOWN = ("Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options", "Referrer-Policy")


def _assert_locked_down(response):
    missing = [name for name in LOCKED_DOWN if name not in response]
    assert not missing, f"{response.status_code} without {missing}"
    assert "camera=()" in response["Permissions-Policy"]


def test_a_refused_host_is_a_clear_400_with_every_header_even_during_the_https_redirect(client, settings):
    # The production default: SecurityMiddleware reads the Host for its redirect and is the one refusing.
    settings.DEBUG = False
    settings.SECURE_SSL_REDIRECT = True
    for host in ("evil.example", "user:pw@localhost", "localhost:abc"):
        response = client.get("/", HTTP_HOST=host)
        assert response.status_code == 400, host
        _assert_locked_down(response)
        assert "Bad request" in response.content.decode()


def test_a_body_django_refuses_to_parse_is_a_clear_400_with_every_header(client_for, world, settings):
    settings.DEBUG = False
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    response = client_for(world).post("/accounts/login/", {f"f{i}": "1" for i in range(20)})
    assert response.status_code == 400
    _assert_locked_down(response)
    assert "too many fields" in response.content.decode()


def test_refused_methods_and_static_files_carry_every_header(client):
    _assert_locked_down(client.generic("PROPFIND", "/"))
    _assert_locked_down(client.get("/static/css/app.css"))


def test_the_apis_refused_method_is_said_in_the_readers_language(client):
    response = client.generic("PROPFIND", "/api/v1/incidents/", headers={"accept-language": "zh-hans"})
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"
    assert response.json()["detail"] == "方法 “PROPFIND” 不被允许。"
