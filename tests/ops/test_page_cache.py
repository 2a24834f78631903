"""The dashboards served from the page cache: never stale, never someone else's, and cheap on a hit.

The rest of the suite renders through a DummyCache (reportsite/settings_test.py); here the real
in-memory cache runs with real commits, the way the server runs.
"""

import re

import pytest
from django.core.cache import caches
from django.test import Client
from django.urls import reverse

from ops.page_cache import CACHE_ALIAS, CSRF_MARKER, WHOAMI_MARKER
from reports.models import ReportSection, WeeklyReport
from tests.factories import make_lead, make_report, make_team, make_user
from tests.pages.test_dashboards import OKR_OLDER_WEEKS, TEAM_WEEK_QUERIES
from tests.pages.weekform_helpers import THIS_WEEK, build_last_week, edit_url, form_data
from tests.reports.test_admin_writes import admin_save

pytestmark = pytest.mark.django_db(transaction=True)

LAST_WEEK = "2024-W33"
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.CACHES = {
        **settings.CACHES,
        CACHE_ALIAS: {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "test-pages"},
    }
    caches[CACHE_ALIAS].clear()
    yield caches[CACHE_ALIAS]
    caches[CACHE_ALIAS].clear()


@pytest.fixture
def seeded(team):
    return build_last_week(team)


def team_url(team, week=LAST_WEEK):
    return reverse("team-week", kwargs={"team": team.slug, "week": week})


def department_url(week=LAST_WEEK):
    return reverse("department-week", kwargs={"week": week})


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_a_second_view_is_served_from_the_cache_in_a_few_queries(
    seeded, team, lead, manager, django_assert_num_queries
):
    lead_client, manager_client = logged_in(lead), logged_in(manager)
    first = page(manager_client, department_url())
    # session (with the data version, in the same statement) and user: nothing about the week is read again.
    with django_assert_num_queries(2):
        again = page(manager_client, department_url())
    assert CSRF_INPUT.sub("", again) == CSRF_INPUT.sub("", first)

    page(lead_client, team_url(team))
    # session with data version, user, led teams (edit link), groups (publish button): not even the team.
    with django_assert_num_queries(4):
        page(lead_client, team_url(team))


def shows(figure: str, html: str) -> bool:
    """The figure is printed as such: not inside a tag (a row id, kpi-13351 on PostgreSQL) or a number."""
    text = re.sub(r"<[^>]*>", " ", html)
    return re.search(rf"(?<![\d.]){re.escape(figure)}(?![\d.])", text) is not None


def test_a_saved_week_shows_at_once_on_both_dashboards(seeded, team, lead, manager):
    lead_client, manager_client = logged_in(lead), logged_in(manager)
    week_url = team_url(team, THIS_WEEK)
    assert not shows("335", page(manager_client, week_url))
    assert not shows("335", page(manager_client, department_url(THIS_WEEK)))

    data = form_data(lead_client.get(edit_url(team)))
    data[f"kpi_{seeded['delivered'].pk}"] = "335"
    assert lead_client.post(edit_url(team), data).status_code == 302

    html = page(manager_client, week_url)
    assert shows("335", html) and "+22" in html and "+7.03%" in html
    assert shows("335", page(manager_client, department_url(THIS_WEEK)))


def test_an_edit_in_the_admin_shows_at_once(seeded, team, admin_user, manager):
    manager_client = logged_in(manager)
    section = ReportSection.objects.get(report=seeded["report"], title="贝易转")
    assert "累计交易1134笔" in page(manager_client, team_url(team))
    admin = logged_in(admin_user)
    admin_save(admin, seeded["report"], **{"sections-0-body": "累计交易2000笔"})
    section.refresh_from_db()
    assert section.body == "累计交易2000笔"
    html = page(manager_client, team_url(team))
    assert "累计交易2000笔" in html and "累计交易1134笔" not in html


def test_people_with_other_roles_never_get_each_others_page(seeded, team, lead, manager):
    make_report(team, THIS_WEEK, status=WeeklyReport.Status.SUBMITTED)
    member = make_user("member")
    other_lead = make_lead(make_team("Risk", slug="risk"), "otherlead")
    url = team_url(team, THIS_WEEK)
    edit_link = edit_url(team)
    publish = reverse("team-week-publish", kwargs={"team": team.slug, "week": THIS_WEEK})

    lead_html = page(logged_in(lead), url)
    assert edit_link in lead_html and publish not in lead_html
    member_html = page(logged_in(member), url)
    assert edit_link not in member_html and publish not in member_html
    assert edit_link not in page(logged_in(other_lead), url)
    manager_html = page(logged_in(manager), url)
    assert publish in manager_html and edit_link not in manager_html
    assert edit_link in page(logged_in(lead), url)


def test_each_person_sees_their_own_name_and_gets_a_csrf_token_that_works(seeded, team):
    alice = make_user("alice", first_name="Alice", last_name="<Lead>")
    bob = make_user("bob")
    url = team_url(team)
    page(logged_in(alice), url)

    bob_client = Client(enforce_csrf_checks=True)
    bob_client.force_login(bob)
    html = page(bob_client, url)
    assert '<span class="whoami">bob</span>' in html
    assert "Alice" not in html
    assert CSRF_MARKER not in html and WHOAMI_MARKER not in html
    token = CSRF_INPUT.search(html).group(1)
    response = bob_client.post(
        reverse("set_language"), {"language": "zh-hans", "next": url, "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302

    alice_client = logged_in(alice)
    alice_html = page(alice_client, url)
    assert '<span class="whoami">Alice &lt;Lead&gt;</span>' in alice_html


def test_languages_are_cached_apart(seeded, team, manager):
    client = logged_in(manager)
    assert "Department overview" in page(client, department_url())
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    html = page(client, department_url())
    assert "部门总览" in html and "Department overview" not in html


def test_a_one_off_message_is_shown_once_and_not_cached(seeded, team, lead):
    client = logged_in(lead)
    page(client, team_url(team, THIS_WEEK))
    data = form_data(client.get(edit_url(team)))
    response = client.post(edit_url(team), data, follow=True)
    messages = [str(message) for message in response.context["messages"]]
    assert messages and messages[0] in response.content.decode()
    assert messages[0] not in page(client, team_url(team, THIS_WEEK))


def test_text_written_like_a_marker_stays_text(seeded, team, lead):
    section = ReportSection.objects.get(report=seeded["report"], title="贝易转")
    section.title = f"{CSRF_MARKER} {WHOAMI_MARKER}"
    section.body = f"{CSRF_MARKER} and {WHOAMI_MARKER}"
    section.save()
    client = logged_in(lead)
    page(client, team_url(team))
    html = page(client, team_url(team))
    token = CSRF_INPUT.search(html).group(1)
    assert html.count(token) == html.count("csrfmiddlewaretoken")
    assert html.count(">lead<") == 1
    assert "&lt;!--rs:csrf-token--&gt;" in html


def test_switched_off_with_zero_seconds(settings, seeded, team, lead, django_assert_num_queries):
    settings.PAGE_CACHE_SECONDS = 0
    client = logged_in(lead)
    page(client, team_url(team))
    # The seeded items were first reported this week: their look-back reads its older weeks too.
    with django_assert_num_queries(TEAM_WEEK_QUERIES + OKR_OLDER_WEEKS):
        page(client, team_url(team))


def test_an_unknown_or_renamed_team_is_a_404_also_after_its_page_was_cached(seeded, team, manager):
    client = logged_in(manager)
    assert client.get(team_url(team)).status_code == 200
    assert client.get("/teams/nope/weeks/2024-W33/").status_code == 404
    assert client.get("/teams/nope/weeks/2024-W33/").status_code == 404
    old_url = team_url(team)
    team.slug = "payments-cn"
    team.save()
    assert client.get(old_url).status_code == 404
    assert client.get(team_url(team)).status_code == 200
