"""Admin writes that could corrupt data or slip past the weekly form: weeks, KPI values, revisions."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from pages.forms import KPIValueField
from reports.models import KPIValue, Week, WeeklyReport
from tests.factories import make_kpi, make_value, make_week
from tests.pages.weekform_helpers import database_state

pytestmark = pytest.mark.django_db


def admin_url(model, page, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{page}", args=args)


@pytest.fixture
def admin_client(admin_user):
    # Its own client: the lead's fixtures log in on the shared `client`.
    client = Client()
    client.force_login(admin_user)
    return client


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


# An admin save of anything the weekly form shows bumps that week's report revision, so a lead's
# form opened before it is a conflict instead of silently writing the old values back.


def admin_post_data(response, **changes):
    """The POST the admin page would send unchanged, then `changes` applied."""
    from django.forms import BooleanField, SplitDateTimeField

    forms = [response.context["adminform"].form]
    data = {}
    for inline in response.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        data.update({management.add_prefix(name): management[name].value() for name in management.fields})
        forms += inline.formset.forms
    for form in forms:
        for name, field in form.fields.items():
            value, key = form[name].value(), form.add_prefix(name)
            if isinstance(field, BooleanField):
                if value:
                    data[key] = "on"
            elif isinstance(field, SplitDateTimeField):
                data[f"{key}_0"] = value.date().isoformat() if value else ""
                data[f"{key}_1"] = value.time().isoformat() if value else ""
            else:
                data[key] = "" if value is None else value
    data.update(changes)
    return data


def admin_save(client, obj, **changes):
    url = admin_url(type(obj), "change", obj.pk)
    response = client.post(url, admin_post_data(client.get(url), **changes))
    assert response.status_code == 302, response.context["adminform"].form.errors
    return response


@pytest.fixture
def lead_saved(client_for, lead, team):
    """The lead saved week 34 once (revision 1) with a KPI value, a key-result update and rows."""
    from tests.pages.weekform_helpers import build_last_week, edit_url, form_data

    last_week = build_last_week(team)
    client = client_for(lead)
    data = form_data(client.get(edit_url(team)))
    data[f"kpi_{last_week['delivered'].pk}"] = "300"
    data[f"kr_{last_week['progress_kr'].pk}_progress"] = "85"
    data["sections-0-body"] = "lead body"
    data["todos-0-text"] = "own todo"
    data["plans_text"] = "plan A"
    assert client.post(edit_url(team), data).status_code == 302
    report = WeeklyReport.objects.get(team=team, week__number=34)
    assert report.revision == 1
    return {**last_week, "client": client, "report": report}


def revision(saved):
    return WeeklyReport.objects.get(pk=saved["report"].pk).revision


def test_admin_change_of_a_kpi_value_makes_the_open_form_a_conflict(admin_client, lead_saved, team):
    from tests.pages.weekform_helpers import edit_url, form_data

    client, delivered = lead_saved["client"], lead_saved["delivered"]
    stale = form_data(client.get(edit_url(team)))
    value = KPIValue.objects.get(kpi=delivered, week__number=34)
    admin_save(admin_client, value, value="350", note="admin note")
    assert revision(lead_saved) == 2

    stale["reflections"] = "typed only here"
    before = database_state()
    assert client.post(edit_url(team), stale).status_code == 409
    assert database_state() == before
    value.refresh_from_db()
    assert (value.value, value.note) == (350, "admin note")


def test_admin_add_and_delete_of_a_kpi_value_bump_the_revision(admin_client, lead_saved, team):
    throughput = lead_saved["throughput"]
    week = Week.objects.get(number=34, year=2024)
    response = admin_client.post(admin_url(KPIValue, "add"), kpi_value_post("80", week=(throughput, week)))
    assert response.status_code == 302
    assert revision(lead_saved) == 2
    value = KPIValue.objects.get(kpi=throughput, week=week)
    assert admin_client.post(admin_url(KPIValue, "delete", value.pk), {"post": "yes"}).status_code == 302
    assert revision(lead_saved) == 3


def test_admin_value_of_a_week_without_report_creates_no_report(admin_client, team):
    kpi = make_kpi(team, "k")
    value = make_value(kpi, "2024-W30", "1")
    admin_save(admin_client, value, value="2")
    assert not WeeklyReport.objects.exists()


def test_admin_inline_kpi_value_bumps_the_revision(admin_client, lead_saved):
    from reports.models import KPI

    delivered = lead_saved["delivered"]
    url = admin_url(KPI, "change", delivered.pk)
    data = admin_post_data(admin_client.get(url))
    index = next(
        key.split("-")[1]
        for key, value in data.items()
        if key.endswith("-value") and str(value) in {"300", "300.000000"}
    )
    prefix = next(key for key in data if key.endswith("-TOTAL_FORMS")).rsplit("-", 1)[0]
    data[f"{prefix}-{index}-value"] = "301"
    assert admin_client.post(url, data).status_code == 302
    assert KPIValue.objects.get(kpi=delivered, week__number=34).value == 301
    assert revision(lead_saved) == 2


def test_admin_change_of_a_key_result_update_bumps_the_revision(admin_client, lead_saved):
    from okrs.models import KeyResultUpdate

    update = KeyResultUpdate.objects.get(key_result=lead_saved["progress_kr"], week__number=34)
    admin_save(admin_client, update, progress="90")
    assert revision(lead_saved) == 2


def test_admin_inline_key_result_update_bumps_the_revision(admin_client, lead_saved):
    from okrs.models import KeyResult, KeyResultUpdate

    key_result = lead_saved["progress_kr"]
    url = admin_url(KeyResult, "change", key_result.pk)
    data = admin_post_data(admin_client.get(url))
    prefix = next(key for key in data if key.endswith("-TOTAL_FORMS") and "update" in key).rsplit("-", 1)[0]
    index = next(
        key.split("-")[-2]
        for key, value in data.items()
        if key.startswith(prefix) and key.endswith("-progress") and str(value) in {"85", "85.00"}
    )
    data[f"{prefix}-{index}-note"] = "admin"
    assert admin_client.post(url, data).status_code == 302
    assert KeyResultUpdate.objects.get(key_result=key_result, week__number=34).note == "admin"
    assert revision(lead_saved) == 2


@pytest.mark.parametrize("model_name", ["ReportSection", "TodoItem", "PlanItem"])
def test_admin_change_of_a_report_row_bumps_the_revision(admin_client, lead_saved, model_name):
    from django.apps import apps

    model = apps.get_model("reports", model_name)
    row = model.objects.filter(report=lead_saved["report"]).first()
    field = {"ReportSection": "body", "TodoItem": "text", "PlanItem": "text"}[model_name]
    admin_save(admin_client, row, **{field: "admin text"})
    assert revision(lead_saved) == 2


def test_admin_change_of_the_report_and_its_inlines_bumps_the_revision_once(admin_client, lead_saved):
    report = lead_saved["report"]
    url = admin_url(WeeklyReport, "change", report.pk)
    data = admin_post_data(admin_client.get(url), reflections="admin reflections")
    body_key = next(key for key, value in data.items() if key.endswith("-body") and value == "lead body")
    data[body_key] = "admin body"
    assert admin_client.post(url, data).status_code == 302
    report.refresh_from_db()
    assert (report.revision, report.reflections) == (2, "admin reflections")
    assert report.sections.get(body="admin body")


def test_admin_plan_edit_bumps_the_next_week_whose_form_ticks_it(admin_client, lead_saved, team):
    from tests.factories import make_report

    next_week = make_report(team, "2024-W35")
    plan = lead_saved["report"].plans.get()
    admin_save(admin_client, plan, is_done="on")
    next_week.refresh_from_db()
    assert (revision(lead_saved), next_week.revision) == (2, 2)
