"""Admin writes that could corrupt data or slip past the weekly form: weeks, KPI values, revisions."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from reports.models import Week
from tests.factories import make_week
from tests.reports.weekform_helpers import database_state

pytestmark = pytest.mark.django_db


def admin_url(model, page, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{page}", args=args)


@pytest.fixture
def admin_client(client_for, admin_user):
    return client_for(admin_user)


# Weeks are made by Week.objects.get_for; the admin only lists them.


@pytest.mark.parametrize("starts_on", ["2024-08-13", "9999-12-31", "2030-01-02", "0001-01-01", ""])
def test_admin_cannot_add_a_week(admin_client, starts_on):
    before = database_state()
    assert admin_client.get(admin_url(Week, "add")).status_code == 403
    response = admin_client.post(admin_url(Week, "add"), {"starts_on": starts_on})
    assert response.status_code == 403
    assert database_state() == before


def test_admin_cannot_move_or_delete_a_week(admin_client):
    week = make_week("2024-W33")
    before = database_state()
    response = admin_client.post(admin_url(Week, "change", week.pk), {"starts_on": "2024-08-19"})
    assert response.status_code == 403
    assert admin_client.post(admin_url(Week, "delete", week.pk), {"post": "yes"}).status_code == 403
    week.refresh_from_db()
    assert week.starts_on == dt.date(2024, 8, 12)
    assert database_state() == before


def test_admin_still_lists_searches_and_shows_weeks(admin_client):
    week = make_week("2024-W33")
    response = admin_client.get(admin_url(Week, "changelist") + "?q=2024-08-12")
    assert response.status_code == 200 and "2024-W33" in response.content.decode()
    assert admin_client.get(admin_url(Week, "change", week.pk)).status_code == 200


def test_week_autocomplete_still_answers_for_other_admins(admin_client):
    make_week("2024-W33")
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "reports", "model_name": "kpivalue", "field_name": "week", "term": "2024"},
    )
    assert response.status_code == 200
    assert [row["text"] for row in response.json()["results"]] == ["2024-W33"]


@pytest.mark.parametrize(
    "starts_on",
    [dt.date(2024, 8, 13), dt.date(2030, 1, 2), dt.date(9999, 12, 27), dt.date(1969, 12, 29)],
)
def test_week_clean_requires_a_monday_between_1970_and_2999(starts_on):
    with pytest.raises(ValidationError) as error:
        Week(starts_on=starts_on).full_clean()
    assert "starts_on" in error.value.message_dict


def test_week_clean_accepts_a_monday_and_derives_year_and_number():
    week = Week(starts_on=dt.date(2024, 12, 30))
    week.full_clean()
    assert (week.year, week.number) == (2025, 1)
