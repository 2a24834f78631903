"""The login page is the one form anyone can post to: no username or forwarded address makes it fail."""

from __future__ import annotations

import pytest
from django.test import Client

from ops.models import LoginFailure

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


@pytest.mark.parametrize("username", ["a\x00b", "\x00", "lead\x00", "\x00" * 200])
def test_a_nul_in_the_username_is_a_failed_login_not_a_500(lead, username):
    response = Client().post(LOGIN, {"username": username, "password": "wrong"})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not any("\x00" in key for key in LoginFailure.objects.values_list("key", flat=True))


def test_a_nul_username_is_still_counted_and_throttled(settings, lead):
    settings.LOGIN_THROTTLE_USER_ATTEMPTS = 3
    settings.LOGIN_THROTTLE_IP_ATTEMPTS = 100
    client = Client()
    statuses = [client.post(LOGIN, {"username": "a\x00b", "password": "x"}).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


@pytest.mark.parametrize("forwarded", ["\x00", "203.0.113.9, \x00", "x" * 1000])
def test_a_hostile_forwarded_address_is_a_key_like_any_other(settings, lead, forwarded):
    settings.TRUST_X_FORWARDED_FOR = True
    response = Client().post(
        LOGIN, {"username": "lead", "password": "wrong"}, headers={"X-Forwarded-For": forwarded}
    )
    assert response.status_code == 200
    keys = list(LoginFailure.objects.values_list("key", flat=True))
    assert any(key.startswith("ip:") for key in keys)
    assert all("\x00" not in key and len(key) <= 200 for key in keys)
