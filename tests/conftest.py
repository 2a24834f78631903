"""The shared cast: a team with its lead and member, another team's lead, a manager, an admin."""

import pytest
from django.utils import translation

from tests.factories import make_lead, make_manager, make_team, make_user

pytest_plugins = ["tests.browser"]


@pytest.fixture(autouse=True)
def english_by_default():
    """A request in Chinese leaves its language active in the thread; every test starts in English."""
    with translation.override("en"):
        yield


@pytest.fixture
def team(db):
    return make_team("Payments", slug="payments")


@pytest.fixture
def other_team(db):
    return make_team("Risk", slug="risk")


@pytest.fixture
def lead(team):
    return make_lead(team, "lead")


@pytest.fixture
def member(team):
    user = make_user("member")
    team.members.add(user)
    return user


@pytest.fixture
def other_lead(other_team):
    return make_lead(other_team, "otherlead")


@pytest.fixture
def outsider(db):
    return make_user("outsider")


@pytest.fixture
def manager(db):
    return make_manager("manager")


@pytest.fixture
def admin_user(db):
    return make_user("admin", is_staff=True, is_superuser=True)


@pytest.fixture
def client_for(client):
    """A client logged in as the given user: `client_for(lead).get(url)`."""

    def login(user):
        client.force_login(user)
        return client

    return login
