"""reportsite.backends: each request's user read by plain SQL must be the user the ORM would give."""

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.urls import reverse

from reportsite.backends import ModelBackendWithPlainUserLookup
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_the_app_uses_it_and_nothing_else():
    assert settings.AUTHENTICATION_BACKENDS == ["reportsite.backends.ModelBackendWithPlainUserLookup"]


def test_it_gives_the_same_user_as_the_orm_with_every_field_converted():
    user = make_user("wang", first_name="小明", last_name="王", is_staff=True)
    user.last_login = user.date_joined
    user.save()
    loaded = ModelBackendWithPlainUserLookup().get_user(user.pk)
    expected = User.objects.get(pk=user.pk)
    assert {f.attname: getattr(loaded, f.attname) for f in User._meta.concrete_fields} == {
        f.attname: getattr(expected, f.attname) for f in User._meta.concrete_fields
    }
    assert loaded.last_login.tzinfo is not None and loaded._state.adding is False


def test_unknown_and_inactive_users_are_nobody():
    backend = ModelBackendWithPlainUserLookup()
    assert backend.get_user(987654) is None
    assert backend.get_user(make_user("gone", is_active=False).pk) is None


def test_logging_in_through_the_form_and_being_deactivated_later(client, team):
    user = make_user("lead")
    url = reverse("team-week", kwargs={"team": team.slug, "week": "2024-W33"})
    response = client.post(reverse("login"), {"username": "lead", "password": "pw-lead"})
    assert response.status_code == 302
    assert client.get(url).status_code == 200
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert client.get(url).status_code == 302
