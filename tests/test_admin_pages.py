"""Every registered admin answers: changelist, search, add, change and history pages, without N+1."""

import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports.models import KPIValue
from tests.factories import make_kpi, make_team, make_value

pytestmark = pytest.mark.django_db

# Iterating over the registry covers every model registered later, too.
REGISTERED = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)
MODEL_IDS = [model._meta.label for model, _ in REGISTERED]
# A changelist shows up to 100 rows a page and today needs 5-9 queries with the demo loaded;
# a per-row query would take it far past this.
CHANGELIST_QUERY_CEILING = 15


def admin_url(model, page, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{page}", args=args)


@pytest.fixture
def demo(client, django_user_model):
    """A client logged in as the demo's superuser, with the whole demo loaded."""
    with override_settings(DEBUG=True):
        call_command("load_demo", stdout=StringIO())
    client.force_login(django_user_model.objects.get(username="admin"))
    return client


@pytest.fixture
def admin_client_(client, admin_user):
    client.force_login(admin_user)
    return client


def _failures(client, urls):
    answers = {url: client.get(url).status_code for url in urls}
    return {url: status for url, status in answers.items() if status != 200}


# Rows the demo does not make; a newly registered model without demo rows needs one here.
EXTRA_OBJECTS = {
    "ops.LoginFailure": {"key": "lead|127.0.0.1"},
    "notifications.Channel": {"name": "Department mail", "kind": "email", "emails": "a@example.com"},
    "notifications.Notification": {
        "event": "test",
        "title": "Test",
        "message": {"event": "test", "title": "Test"},
        "max_attempts": 1,
        "next_attempt_at": dt.datetime(2024, 8, 19, tzinfo=dt.UTC),
        "recipients": ["a@example.com"],
    },
    # A token's secret is made by ApiToken.issue, never typed; the admin only sees and revokes tokens.
    "api.ApiToken": lambda: {"user": User.objects.order_by("pk").first(), "name": "ci", "prefix": "0000abcd"},
}


def _some_object(model):
    obj = model._default_manager.order_by("pk").last()
    if obj is None and model._meta.label in EXTRA_OBJECTS:
        spec = EXTRA_OBJECTS[model._meta.label]
        obj = model._default_manager.create(**(spec() if callable(spec) else spec))
    assert obj is not None, f"the demo has no {model._meta.label}: add it to EXTRA_OBJECTS"
    return obj


def test_every_changelist_answers_200_within_a_fixed_number_of_queries(demo):
    too_many, failures = {}, {}
    for model, _ in REGISTERED:
        url = admin_url(model, "changelist")
        with CaptureQueriesContext(connection) as queries:
            status = demo.get(url).status_code
        if status != 200:
            failures[url] = status
        if len(queries) > CHANGELIST_QUERY_CEILING:
            too_many[url] = len(queries)
    assert failures == {}
    assert too_many == {}


def test_every_changelist_search_answers_200(demo):
    urls = [admin_url(model, "changelist") + "?q=%E6%94%AF%E4%BB%98" for model, _ in REGISTERED]
    urls += [admin_url(model, "changelist") + "?q=2024" for model, _ in REGISTERED]
    assert _failures(demo, urls) == {}


# Admins that only list and show their rows (weeks are made by Week.objects.get_for).
# The outbox is written by events, never by hand; a token's secret is made by ApiToken.issue.
READ_ONLY = {"reports.Week", "notifications.Notification", "api.ApiToken"}


def test_every_add_page_answers_200(demo):
    urls = [admin_url(model, "add") for model, _ in REGISTERED if model._meta.label not in READ_ONLY]
    assert _failures(demo, urls) == {}


def test_read_only_admins_refuse_adding(demo):
    answers = {
        label: demo.get(admin_url(model, "add")).status_code
        for model, _ in REGISTERED
        if (label := model._meta.label) in READ_ONLY
    }
    assert answers == dict.fromkeys(READ_ONLY, 403)


def test_every_change_page_of_a_real_object_answers_200(demo):
    urls = [admin_url(model, "change", _some_object(model).pk) for model, _ in REGISTERED]
    assert _failures(demo, urls) == {}


def test_every_history_page_answers_200(demo):
    urls = [admin_url(model, "history", _some_object(model).pk) for model, _ in REGISTERED]
    assert _failures(demo, urls) == {}


def test_registry_covers_the_apps_models():
    labels = set(MODEL_IDS)
    assert {
        "reports.KPIValue",
        "okrs.KeyResultUpdate",
        "incidents.Incident",
        "reports.WeeklyReport",
    } <= labels


@pytest.mark.parametrize("model", [model for model, _ in REGISTERED], ids=MODEL_IDS)
def test_anonymous_visitor_is_sent_to_the_admin_login(client, model):
    url = admin_url(model, "changelist")
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_staff_without_permissions_cannot_open_a_changelist(client, django_user_model):
    clerk = django_user_model.objects.create_user("clerk", password="pw", is_staff=True)
    client.force_login(clerk)
    assert client.get(admin_url(KPIValue, "changelist")).status_code == 403


def test_unknown_object_in_the_admin_is_not_a_server_error(admin_client_):
    response = admin_client_.get(admin_url(KPIValue, "change", 999999))
    assert response.status_code in {302, 404}


def _kpi_values(teams: int, kpis: int, weeks: int) -> None:
    for t in range(teams):
        team = make_team()
        for k in range(kpis):
            kpi = make_kpi(team, name=f"KPI {t}-{k}")
            for w in range(weeks):
                make_value(kpi, f"2024-W{w + 1:02d}", Decimal(w))


def test_kpi_value_changelist_query_count_does_not_grow_with_rows(admin_client_, django_assert_num_queries):
    _kpi_values(teams=1, kpis=1, weeks=2)
    # The same count with 2 rows and with 98 rows over more teams, KPIs and weeks: no per-row query.
    with django_assert_num_queries(_PINNED_KPIVALUE_CHANGELIST):
        admin_client_.get(admin_url(KPIValue, "changelist"))
    _kpi_values(teams=3, kpis=4, weeks=8)
    assert KPIValue.objects.count() == 98
    with django_assert_num_queries(_PINNED_KPIVALUE_CHANGELIST):
        admin_client_.get(admin_url(KPIValue, "changelist"))


_PINNED_KPIVALUE_CHANGELIST = 9
