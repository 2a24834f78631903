"""Two people saving the same week: the second sees what changed, keeps their input, overwrites nothing."""

import pytest
from django.test import Client

from reports.models import KPIValue, WeeklyReport
from tests.factories import make_lead
from tests.pages.weekform_helpers import build_last_week, database_state, edit_url, form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def last_week(team):
    return build_last_week(team)


@pytest.fixture
def two_leads(lead, team):
    first, second = Client(), Client()
    first.force_login(lead)
    second.force_login(make_lead(team, "colead"))
    return first, second


def value_of(kpi):
    return KPIValue.objects.get(kpi=kpi, week__number=34).value


def test_second_save_of_a_new_week_is_a_conflict(two_leads, team, last_week):
    first, second = two_leads
    delivered, throughput = last_week["delivered"], last_week["throughput"]
    mine = form_data(first.get(edit_url(team)))
    theirs = form_data(second.get(edit_url(team)))
    mine[f"kpi_{delivered.pk}"] = "330"
    assert first.post(edit_url(team), mine).status_code == 302

    theirs[f"kpi_{delivered.pk}"] = "331"
    theirs[f"kpi_{throughput.pk}"] = "80"
    before = database_state()
    response = second.post(edit_url(team), theirs)
    assert response.status_code == 409
    assert database_state() == before
    assert value_of(delivered) == 330
    assert not KPIValue.objects.filter(kpi=throughput, week__number=34).exists()

    rows = {row.label: (row.theirs, row.yours) for row in response.context["conflict"]}
    assert rows == {"需求交付数": ("330", "331")}
    html = response.content.decode()
    assert "Someone else saved this week" in html
    assert 'value="331"' in html and 'value="80"' in html  # the second person's input is kept

    # Saving again, with the revision the conflict page carries, applies the second person's version.
    retry = form_data(response)
    assert str(retry["revision"]) == "1"
    assert second.post(edit_url(team), retry).status_code == 302
    assert value_of(delivered) == 331
    assert value_of(throughput) == 80
    assert WeeklyReport.objects.get(team=team, week__number=34).revision == 2


def test_conflict_on_an_existing_week_lists_changed_fields_only(two_leads, team, last_week):
    first, second = two_leads
    delivered = last_week["delivered"]
    start = form_data(first.get(edit_url(team)))
    start[f"kpi_{delivered.pk}"] = "300"
    first.post(edit_url(team), start)

    mine = form_data(first.get(edit_url(team)))
    theirs = form_data(second.get(edit_url(team)))
    assert mine["revision"] == theirs["revision"] == 1
    mine["reflections"] = "第一个人的反思"
    assert first.post(edit_url(team), mine).status_code == 302

    theirs["reflections"] = "第二个人的反思"
    theirs[f"kpi_{delivered.pk}"] = "305"
    response = second.post(edit_url(team), theirs)
    assert response.status_code == 409
    rows = {row.label: (row.theirs, row.yours) for row in response.context["conflict"]}
    # The KPI was not changed by the first person after the second opened the page.
    assert rows == {"Reflections (收获与反思)": ("第一个人的反思", "第二个人的反思")}
    report = WeeklyReport.objects.get(team=team, week__number=34)
    assert (report.reflections, report.revision) == ("第一个人的反思", 2)
    assert value_of(delivered) == 300


def test_a_stale_revision_without_snapshot_still_conflicts(two_leads, team, last_week):
    first, _second = two_leads
    data = form_data(first.get(edit_url(team)))
    first.post(edit_url(team), data)
    data["opened"] = "{not json"
    data["reflections"] = "late"
    before = database_state()
    response = first.post(edit_url(team), data)
    assert response.status_code == 409
    assert database_state() == before
    assert [row.label for row in response.context["conflict"]] == ["Reflections (收获与反思)"]


# A save writes only what the person changed since opening the form: data written meanwhile by a
# path that did not bump the revision (a direct fix, an older admin) is never silently put back.


@pytest.fixture
def saved_week(client_for, lead, team, last_week):
    """Week 34 saved once by the lead with a value in every part of the form."""
    client = client_for(lead)
    data = form_data(client.get(edit_url(team)))
    data[f"kpi_{last_week['delivered'].pk}"] = "300"
    data[f"kpi_{last_week['delivered'].pk}_note"] = "lead note"
    data[f"kr_{last_week['progress_kr'].pk}_progress"] = "85"
    data[f"kr_{last_week['progress_kr'].pk}_note"] = "kr note"
    data["sections-0-body"] = "lead body"
    data["todos-0-text"] = "own todo"
    data["plans_text"] = "plan A"
    data["reflections"] = "lead reflections"
    assert client.post(edit_url(team), data).status_code == 302
    return client


def _write_behind_the_forms_back(team, last_week):
    from okrs.models import KeyResultUpdate
    from reports.models import PlanItem, ReportSection, TodoItem

    report = WeeklyReport.objects.get(team=team, week__number=34)
    KPIValue.objects.filter(kpi=last_week["delivered"], week__number=34).update(value=350, note="admin note")
    KeyResultUpdate.objects.filter(key_result=last_week["progress_kr"], week__number=34).update(
        progress=90, note="admin kr note"
    )
    ReportSection.objects.filter(report=report, position=0).update(body="admin body")
    TodoItem.objects.filter(report=report).update(text="admin todo")
    PlanItem.objects.filter(report=report).update(text="admin plan")
    PlanItem.objects.filter(pk=last_week["plan"].pk).update(is_done=True)
    TodoItem.objects.filter(pk=last_week["todo"].pk).update(done_in=report)
    WeeklyReport.objects.filter(pk=report.pk).update(reflections="admin reflections")


def test_untouched_fields_do_not_overwrite_newer_data(saved_week, team, last_week):
    from okrs.models import KeyResultUpdate
    from reports.models import PlanItem, ReportSection, TodoItem

    data = form_data(saved_week.get(edit_url(team)))
    _write_behind_the_forms_back(team, last_week)
    data["other"] = "only this was typed"
    assert saved_week.post(edit_url(team), data).status_code == 302

    report = WeeklyReport.objects.get(team=team, week__number=34)
    value = KPIValue.objects.get(kpi=last_week["delivered"], week__number=34)
    update = KeyResultUpdate.objects.get(key_result=last_week["progress_kr"], week__number=34)
    assert (value.value, value.note) == (350, "admin note")
    assert (update.progress, update.note) == (90, "admin kr note")
    assert ReportSection.objects.get(report=report, position=0).body == "admin body"
    assert TodoItem.objects.get(report=report).text == "admin todo"
    assert list(PlanItem.objects.filter(report=report).values_list("text", flat=True)) == ["admin plan"]
    assert PlanItem.objects.get(pk=last_week["plan"].pk).is_done
    assert TodoItem.objects.get(pk=last_week["todo"].pk).done_in == report
    assert (report.reflections, report.other) == ("admin reflections", "only this was typed")


def test_a_touched_field_is_written_and_its_untouched_neighbour_kept(saved_week, team, last_week):
    delivered = last_week["delivered"]
    data = form_data(saved_week.get(edit_url(team)))
    _write_behind_the_forms_back(team, last_week)
    data[f"kpi_{delivered.pk}"] = "333"
    data["reflections"] = "typed again"
    assert saved_week.post(edit_url(team), data).status_code == 302
    value = KPIValue.objects.get(kpi=delivered, week__number=34)
    assert (value.value, value.note) == (333, "admin note")
    assert WeeklyReport.objects.get(team=team, week__number=34).reflections == "typed again"


def test_an_untouched_value_deleted_meanwhile_is_not_brought_back(saved_week, team, last_week):
    data = form_data(saved_week.get(edit_url(team)))
    KPIValue.objects.filter(kpi=last_week["delivered"], week__number=34).delete()
    data["other"] = "x"
    assert saved_week.post(edit_url(team), data).status_code == 302
    assert not KPIValue.objects.filter(kpi=last_week["delivered"], week__number=34).exists()


def test_clearing_a_shown_value_still_deletes_it(saved_week, team, last_week):
    delivered = last_week["delivered"]
    data = form_data(saved_week.get(edit_url(team)))
    data[f"kpi_{delivered.pk}"] = ""
    data[f"kpi_{delivered.pk}_note"] = ""
    assert saved_week.post(edit_url(team), data).status_code == 302
    assert not KPIValue.objects.filter(kpi=delivered, week__number=34).exists()


# A value stored with more places than its KPI shows (entered before the rule, or decimals lowered
# since) is shown exactly and survives a save that did not touch it.


@pytest.mark.parametrize("snapshot", [True, False], ids=["with-snapshot", "without-snapshot"])
def test_an_untouched_precise_value_is_not_rounded_by_a_save(client_for, lead, team, last_week, snapshot):
    from decimal import Decimal

    from tests.factories import make_report, make_value

    success = last_week["success"]  # percent, 3 decimals
    make_report(team, "2024-W34")
    make_value(success, "2024-W34", "99.9985")
    client = client_for(lead)
    data = form_data(client.get(edit_url(team)))
    assert data[f"kpi_{success.pk}"] == "99.9985"
    if not snapshot:
        data.pop("opened")
    data["reflections"] = "typed"
    assert client.post(edit_url(team), data).status_code == 302
    assert KPIValue.objects.get(kpi=success, week__number=34).value == Decimal("99.9985")


def test_typing_a_new_value_with_too_many_places_is_still_refused(client_for, lead, team, last_week):
    from tests.factories import make_report, make_value

    success = last_week["success"]
    make_report(team, "2024-W34")
    make_value(success, "2024-W34", "99.9985")
    client = client_for(lead)
    data = form_data(client.get(edit_url(team)))
    data[f"kpi_{success.pk}"] = "99.9975"
    before = database_state()
    response = client.post(edit_url(team), data)
    assert response.status_code == 400
    assert database_state() == before


def test_exact_prefill_strips_trailing_zeros(client_for, lead, team, last_week):
    from tests.factories import make_report, make_value

    make_report(team, "2024-W34")
    make_value(last_week["throughput"], "2024-W34", "81.70")
    data = form_data(client_for(lead).get(edit_url(team)))
    assert data[f"kpi_{last_week['throughput'].pk}"] == "81.7"
