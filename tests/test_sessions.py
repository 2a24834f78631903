"""reportsite.sessions: Django's database sessions with the load written in SQL; it must load the same."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore as DjangoSessionStore
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from ops import data_version
from reportsite.sessions import SessionStore

pytestmark = pytest.mark.django_db


def test_the_app_uses_it():
    assert settings.SESSION_ENGINE == "reportsite.sessions"


def test_it_loads_what_django_saved_exactly():
    saved = DjangoSessionStore()
    saved.update({"answer": 42, "name": "王小明", "nested": {"weeks": ["2024-W33"]}})
    saved.create()
    loaded = SessionStore(saved.session_key)
    assert loaded.load() == DjangoSessionStore(saved.session_key).load()
    assert loaded["name"] == "王小明" and loaded.session_key == saved.session_key


@pytest.mark.parametrize("seconds, alive", [(-1, False), (1, True), (-86400, False), (86400, True)])
def test_expiry_is_compared_to_the_second_on_both_databases(seconds, alive):
    store = SessionStore()
    store["k"] = "v"
    store.create()
    Session.objects.filter(session_key=store.session_key).update(
        expire_date=timezone.now() + dt.timedelta(seconds=seconds)
    )
    again = SessionStore(store.session_key)
    assert again.load() == ({"k": "v"} if alive else {})
    # An expired key is given up, as Django does, so saving issues a new one.
    assert (again.session_key == store.session_key) is alive


@pytest.mark.parametrize("key", [None, "", "nosuchkey00000000000000000000000", "x" * 40])
def test_unknown_keys_load_nothing(key):
    store = SessionStore(key)
    assert store.load() == {}
    assert store.session_key is None


def test_a_logged_in_user_stays_logged_in_and_logging_out_ends_it(client, lead, team):
    client.force_login(lead)
    url = reverse("team-week", kwargs={"team": team.slug, "week": "2024-W33"})
    assert client.get(url).status_code == 200
    client.post(reverse("logout"))
    response = client.get(url)
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_the_load_brings_the_data_version_along():
    data_version.bump()
    store = SessionStore()
    store["k"] = "v"
    store.create()
    loaded = SessionStore(store.session_key)
    assert loaded.data_version is None  # nothing read yet
    loaded.load()
    assert loaded.data_version is not None
    assert loaded.data_version == data_version.current()


def test_no_session_no_data_version_and_the_page_cache_asks_itself():
    data_version.bump()
    missing = SessionStore("nosuchkey00000000000000000000000")
    missing.load()
    assert missing.data_version is None
    assert data_version.for_request(SimpleNamespace(session=missing)) == data_version.current()
    assert data_version.for_request(SimpleNamespace()) == data_version.current()
