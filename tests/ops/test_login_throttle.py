"""Login throttling: repeated failures for a username or an address are refused until the window passes."""

import datetime as dt

import pytest
from django.contrib.auth import SESSION_KEY
from django.db.models import F
from django.urls import reverse

from ops import throttle
from ops.models import LoginFailure
from tests.browser import login, screenshot

LOGIN = "/accounts/login/"


@pytest.fixture(autouse=True)
def limits(settings):
    settings.LOGIN_THROTTLE_USER_ATTEMPTS = 5
    settings.LOGIN_THROTTLE_IP_ATTEMPTS = 8
    settings.LOGIN_THROTTLE_WINDOW_SECONDS = 900
    settings.TRUST_X_FORWARDED_FOR = False
    return settings


def post_login(client, username, password, ip="10.0.0.1", **extra):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip, **extra)


def fail(client, username, times, ip="10.0.0.1"):
    for _ in range(times):
        response = post_login(client, username, "wrong-password", ip=ip)
        assert response.status_code == 200


def age_failures(seconds):
    LoginFailure.objects.update(attempted_at=F("attempted_at") - dt.timedelta(seconds=seconds))


def test_login_url_is_served_by_the_throttled_view():
    assert reverse("login") == LOGIN


def test_correct_password_logs_in_and_forgives_earlier_username_failures(client, lead):
    fail(client, "lead", 4)
    response = post_login(client, "lead", "pw-lead")
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(lead.pk)
    assert not LoginFailure.objects.filter(key="user:lead").exists()
    # The address keeps its count: forgiving it would let one account reset a guessing run.
    assert LoginFailure.objects.filter(key="ip:10.0.0.1").count() == 4


def test_sixth_attempt_after_five_failures_is_refused_even_with_the_right_password(client, lead):
    fail(client, "lead", 5)
    response = post_login(client, "lead", "pw-lead")
    assert response.status_code == 429
    assert SESSION_KEY not in client.session
    assert "Too many failed login attempts" in response.content.decode()
    assert 0 < int(response["Retry-After"]) <= 900
    # The refused attempt was not checked and not counted, so the lock cannot be extended by hammering.
    assert LoginFailure.objects.filter(key="user:lead").count() == 5


def test_the_refusal_page_keeps_the_username_and_shows_no_password_error(client, lead):
    fail(client, "lead", 5)
    body = post_login(client, "lead", "pw-lead").content.decode()
    assert 'value="lead"' in body
    assert "didn&#x27;t match" not in body and "didn't match" not in body


def test_username_lock_applies_from_every_address_and_in_any_case(client, lead):
    fail(client, "lead", 5, ip="10.0.0.1")
    assert post_login(client, "LEAD", "pw-lead", ip="10.9.9.9").status_code == 429


def test_other_users_are_not_locked_by_someone_elses_failures(client, lead, member):
    fail(client, "lead", 5, ip="10.0.0.1")
    assert post_login(client, "member", "pw-member", ip="10.0.0.2").status_code == 302


def test_address_guessing_many_usernames_is_refused_for_every_username(client, lead):
    for number in range(8):
        fail(client, f"guess{number}", 1, ip="10.0.0.7")
    assert post_login(client, "lead", "pw-lead", ip="10.0.0.7").status_code == 429
    assert post_login(client, "lead", "pw-lead", ip="10.0.0.8").status_code == 302


def test_lock_lifts_once_the_window_has_passed(client, lead):
    fail(client, "lead", 5)
    age_failures(899)
    assert post_login(client, "lead", "pw-lead").status_code == 429
    age_failures(2)
    assert post_login(client, "lead", "pw-lead").status_code == 302


def test_retry_after_counts_from_the_failure_that_must_leave_the_window(lead):
    now = dt.datetime(2024, 8, 16, 12, 0, tzinfo=dt.UTC)
    for minutes_ago in (10, 8, 6, 4, 2):
        throttle.record_failure("lead", "10.0.0.1", now=now - dt.timedelta(minutes=minutes_ago))
    # The oldest failure (10 minutes ago) leaves the 15-minute window in 5 minutes.
    assert throttle.seconds_locked("lead", "10.0.0.1", now=now) == 300
    assert throttle.seconds_locked("lead", "10.0.0.1", now=now + dt.timedelta(minutes=5)) == 0


def test_recording_a_failure_sweeps_expired_rows(db):
    now = dt.datetime(2024, 8, 16, 12, 0, tzinfo=dt.UTC)
    throttle.record_failure("old", "10.0.0.1", now=now - dt.timedelta(hours=1))
    throttle.record_failure("new", "10.0.0.2", now=now)
    assert sorted(LoginFailure.objects.values_list("key", flat=True)) == ["ip:10.0.0.2", "user:new"]


def test_forwarded_for_is_ignored_unless_trusted(client, lead, limits):
    for number in range(8):
        fail(client, f"x{number}", 1, ip="10.0.0.1")
    spoofed = {"HTTP_X_FORWARDED_FOR": "203.0.113.5"}
    assert post_login(client, "lead", "pw-lead", ip="10.0.0.1", **spoofed).status_code == 429

    limits.TRUST_X_FORWARDED_FOR = True
    # Behind a trusted proxy the header names the real client, so 10.0.0.1's failures are not its own.
    assert post_login(client, "lead", "pw-lead", ip="10.0.0.1", **spoofed).status_code == 302


def test_behind_a_trusted_proxy_a_client_cannot_hide_behind_a_forged_forwarded_for(client, lead, limits):
    limits.TRUST_X_FORWARDED_FOR = True
    proxy = "10.0.0.254"
    for number in range(8):
        response = post_login(client, f"g{number}", "x", ip=proxy, HTTP_X_FORWARDED_FOR="198.51.100.9")
        assert response.status_code == 200
    # The client prepends an address of its choice; the proxy appends the one it saw, right-most.
    forged = {"HTTP_X_FORWARDED_FOR": "192.0.2.1, 198.51.100.9"}
    assert post_login(client, "lead", "pw-lead", ip=proxy, **forged).status_code == 429
    other_client = {"HTTP_X_FORWARDED_FOR": "198.51.100.10"}
    assert post_login(client, "lead", "pw-lead", ip=proxy, **other_client).status_code == 302


@pytest.mark.parametrize(
    "data",
    [{}, {"username": ""}, {"username": "a" * 5000, "password": "x"}, {"password": "only"}],
    ids=["nothing", "blank-username", "huge-username", "no-username"],
)
def test_malformed_login_posts_show_the_form_and_change_nothing_else(client, lead, data):
    response = client.post(LOGIN, data, REMOTE_ADDR="10.0.0.1")
    assert response.status_code == 200
    assert SESSION_KEY not in client.session
    assert all(len(key) <= 200 for key in LoginFailure.objects.values_list("key", flat=True))


def test_admin_login_goes_through_the_throttled_login(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"] == LOGIN + "?next=/admin/"


def test_anonymous_admin_visit_ends_on_the_throttled_login(client):
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0].startswith(LOGIN)


@pytest.mark.browser
def test_browser_sees_the_lockout_message(browser_page, live_server, django_user_model):
    # A plain user: live_server tests flush the database, so role groups made by migrations may be gone.
    django_user_model.objects.create_user("lead", password="pw-lead")
    page = browser_page
    for _ in range(5):
        page.goto(live_server.url + LOGIN)
        page.fill("#id_username", "lead")
        page.fill("#id_password", "wrong")
        with page.expect_navigation():
            page.click("form:has(#id_password) button[type=submit]")
    with pytest.raises(AssertionError, match="login as 'lead' failed"):
        login(page, live_server.url, "lead", "pw-lead")
    assert "Too many failed login attempts" in page.inner_text(".messages")
    screenshot(page, "login-throttled")
