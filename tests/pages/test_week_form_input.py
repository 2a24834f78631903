"""Bad input on the weekly form: a clear message at the field, everything typed kept, nothing saved."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from pages.forms import KPIValueField, ProgressField, parse_decimal
from reports.models import KPI, KPIValue
from tests.factories import make_kpi
from tests.pages.weekform_helpers import build_last_week, database_state, edit_url, form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def last_week(team):
    return build_last_week(team)


def percent_kpi(decimals=2):
    return make_kpi(name=f"rate {decimals}", unit=KPI.Unit.PERCENT, decimals=decimals)


@pytest.mark.parametrize(
    "typed", ["81.72", "81.72%", "81.72％", "  81.72 % ", "８１．７２％", "\u300081.72\u3000"]
)
def test_percent_accepts_the_ways_people_type_it(typed):
    assert KPIValueField(percent_kpi()).clean(typed) == Decimal("81.72")


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("abc", "Enter a number"),
        ("101", "from 0 to 100"),
        ("-0.5", "cannot be negative"),
        ("81.723", "at most 2 decimal places"),
        ("1e2", "Enter a number"),
        ("NaN", "Enter a number"),
        ("81.72pp", "Enter a number"),
    ],
)
def test_percent_rejects_with_a_clear_message(typed, message):
    with pytest.raises(ValidationError) as error:
        KPIValueField(percent_kpi()).clean(typed)
    assert message in " ".join(error.value.messages)


def test_trailing_zeros_do_not_count_as_precision():
    assert KPIValueField(percent_kpi()).clean("81.720") == Decimal("81.720")


@pytest.mark.parametrize(("typed", "message"), [("3.5", "whole number"), ("-1", "negative"), ("x", "number")])
def test_count_is_whole_and_not_negative(typed, message):
    with pytest.raises(ValidationError) as error:
        KPIValueField(make_kpi(unit=KPI.Unit.COUNT)).clean(typed)
    assert message in " ".join(error.value.messages)


def test_count_accepts_grouping_and_its_unit_label():
    kpi = make_kpi(unit=KPI.Unit.COUNT, unit_label="笔")
    assert KPIValueField(kpi).clean("1,134笔") == 1134
    assert KPIValueField(kpi).clean("313.0") == 313


def test_currency_may_be_negative_within_its_decimals():
    kpi = make_kpi(unit=KPI.Unit.CURRENCY, unit_label="万元", decimals=2)
    assert KPIValueField(kpi).clean("-12.5万元") == Decimal("-12.5")
    with pytest.raises(ValidationError):
        KPIValueField(kpi).clean("1.234")


def test_too_large_a_number_is_refused_not_a_crash():
    with pytest.raises(ValidationError):
        parse_decimal("1" * 15)
    with pytest.raises(ValidationError):
        parse_decimal("9" * 100)


def test_progress_is_a_percentage():
    assert ProgressField().clean("85%") == 85
    for bad in ("120", "-5", "50.123", "half"):
        with pytest.raises(ValidationError):
            ProgressField().clean(bad)


def test_bad_values_keep_input_and_save_nothing(client_for, lead, team, last_week):
    client = client_for(lead)
    data = form_data(client.get(edit_url(team)))
    delivered, throughput = last_week["delivered"], last_week["throughput"]
    data.update(
        {
            f"kpi_{delivered.pk}": "330",
            f"kpi_{throughput.pk}": "abc",
            f"kpi_{last_week['success'].pk}": "100.5",
            f"kr_{last_week['progress_kr'].pk}_progress": "150",
            "sections-0-body": "本周进展：理房通上线",
            "reflections": "保留我输入的反思",
            "plans_text": "计划一",
            "action": "submit",
        }
    )
    before = database_state()
    response = client.post(edit_url(team), data)
    assert response.status_code == 400
    assert database_state() == before
    form = response.context["form"]
    assert "Enter a number" in form.errors[f"kpi_{throughput.pk}"][0]
    assert "0 to 100" in form.errors[f"kpi_{last_week['success'].pk}"][0]
    assert f"kr_{last_week['progress_kr'].pk}_progress" in form.errors
    html = response.content.decode()
    assert 'value="330"' in html and 'value="abc"' in html
    assert "本周进展：理房通上线" in html and "保留我输入的反思" in html and "计划一" in html
    assert "Nothing was saved" in html


def test_a_note_without_a_value_is_kept(client_for, lead, team, last_week):
    client = client_for(lead)
    data = form_data(client.get(edit_url(team)))
    data[f"kpi_{last_week['delivered'].pk}_note"] = "数据平台故障，本周无法统计"
    assert client.post(edit_url(team), data).status_code == 302
    stored = KPIValue.objects.get(kpi=last_week["delivered"], week__number=34)
    assert (stored.value, stored.note) == (None, "数据平台故障，本周无法统计")
    page = client.get(edit_url(team)).content.decode()
    assert "数据平台故障，本周无法统计" in page and "missing" in page
    # Clearing the note as well removes the row: nothing is left to say.
    data = form_data(client.get(edit_url(team)))
    data[f"kpi_{last_week['delivered'].pk}_note"] = ""
    assert client.post(edit_url(team), data).status_code == 302
    assert not KPIValue.objects.filter(kpi=last_week["delivered"], week__number=34).exists()


def test_section_text_without_a_title_is_refused(client_for, lead, team, last_week):
    client = client_for(lead)
    data = form_data(client.get(edit_url(team)))
    data["sections-2-body"] = "orphan text"
    before = database_state()
    assert client.post(edit_url(team), data).status_code == 400
    assert database_state() == before


@pytest.mark.parametrize(
    "tamper",
    [
        {"revision": "abc"},
        {"revision": "-1"},
        {"sections-TOTAL_FORMS": "x"},
        {"sections-TOTAL_FORMS": "100000"},
        {"todos-INITIAL_FORMS": ""},
        {"action": "delete-everything"},
        {"sections-0-id": "not-a-number"},
        {"sections-0-id": "99999999999999999999999"},
        {"revision": "99999999999999999999"},
    ],
)
def test_tampered_form_data_is_rejected_without_a_crash(client_for, lead, team, last_week, tamper):
    client = client_for(lead)
    data = form_data(client.get(edit_url(team)))
    data.update(tamper)
    before = database_state()
    response = client.post(edit_url(team), data)
    assert response.status_code == 400
    assert database_state() == before


def test_an_empty_post_is_rejected_without_a_crash(client_for, lead, team, last_week):
    before = database_state()
    assert client_for(lead).post(edit_url(team), {}).status_code == 400
    assert database_state() == before


def test_a_foreign_section_id_cannot_touch_another_report(client_for, lead, team, last_week):
    """Ids in the form only match this report's own rows; someone else's section stays as it was."""
    client = client_for(lead)
    foreign = last_week["report"].sections.first()
    data = form_data(client.get(edit_url(team)))
    data["sections-0-id"] = str(foreign.pk)
    data["sections-0-title"] = "hijacked"
    data["sections-1-id"] = str(foreign.pk + 1)
    data["sections-1-DELETE"] = "on"
    assert client.post(edit_url(team), data).status_code == 302
    foreign.refresh_from_db()
    assert foreign.title == "贝易转"
    assert last_week["report"].sections.count() == 2
    assert KPIValue.objects.filter(week__number=34).count() == 0
