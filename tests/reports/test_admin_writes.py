"""Admin writes that could corrupt data or slip past the weekly form: weeks, KPI values, revisions."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from reports.forms import KPIValueField
from reports.models import KPIValue, Week
from tests.factories import make_kpi, make_value, make_week
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


# KPI values entered in the admin follow the weekly form's rules for the KPI.


def kpi_value_post(value, note="", week=None):
    data = {"value": value, "note": note, "is_generated": ""}
    if week is not None:
        data.update(kpi=str(week[0].pk), week=str(week[1].pk), updated_by="")
    return data


@pytest.mark.parametrize(
    ("unit", "decimals", "typed", "message"),
    [
        ("percent", 3, "99.9985", "Enter at most 3 decimal places."),
        ("percent", 2, "100.5", "A percentage runs from 0 to 100."),
        ("percent", 2, "-1", "This value cannot be negative."),
        ("count", 0, "1.5", "Enter a whole number."),
        ("count", 2, "1.5", "Enter a whole number."),
        ("count", 0, "-3", "This value cannot be negative."),
        ("currency", 1, "18.25", "Enter at most 1 decimal places."),
    ],
)
def test_admin_kpi_value_follows_the_kpis_rules(admin_client, team, unit, decimals, typed, message):
    kpi = make_kpi(team, "k", unit=unit, decimals=decimals)
    value = make_value(kpi, "2024-W33", "1")
    before = database_state()
    response = admin_client.post(
        admin_url(KPIValue, "change", value.pk), kpi_value_post(typed, week=(kpi, value.week))
    )
    assert response.status_code == 200
    assert message in response.context["adminform"].form.errors["value"]
    assert database_state() == before


def test_admin_kpi_value_within_the_rules_is_saved(admin_client, team):
    kpi = make_kpi(team, "k", unit="percent", decimals=3)
    value = make_value(kpi, "2024-W33", "1")
    response = admin_client.post(
        admin_url(KPIValue, "change", value.pk), kpi_value_post("99.998", week=(kpi, value.week))
    )
    assert response.status_code == 302
    value.refresh_from_db()
    assert value.value == Decimal("99.998")


def test_kpi_value_clean_uses_the_weekly_form_rule(team):
    kpi = make_kpi(team, "k", unit="percent", decimals=3)
    with pytest.raises(ValidationError) as error:
        KPIValue(kpi=kpi, week=make_week("2024-W33"), value=Decimal("99.9985")).full_clean()
    assert error.value.message_dict["value"] == ["Enter at most 3 decimal places."]
    with pytest.raises(ValidationError):
        KPIValueField(kpi).clean("99.9985")
