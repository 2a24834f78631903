"""The weekly form carries last week forward and keeps the week's incidents and computed KPIs in one place."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from common.weeks import IsoWeek
from incidents.models import Incident
from okrs.models import KeyResultUpdate
from pages.history import recent_changes
from reports.models import KPI, KPIValue, TodoItem
from tests.factories import make_incident, make_kpi, make_value
from tests.pages.weekform_helpers import build_last_week, database_state, edit_url, form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def last_week(team):
    return build_last_week(team)


def at(day, hour, minute=0):
    return timezone.make_aware(dt.datetime(2024, 8, day, hour, minute))


def test_key_results_start_from_last_week_and_are_saved_unchanged(client_for, lead, team, last_week):
    kr = last_week["progress_kr"]
    client = client_for(lead)
    response = client.get(edit_url(team))
    form = response.context["form"]
    assert form[f"kr_{kr.pk}_progress"].value() == "80"
    assert "carried from last week" in response.content.decode()
    assert client.post(edit_url(team), form_data(response)).status_code == 302
    update = KeyResultUpdate.objects.get(key_result=kr, week__number=34)
    assert (update.progress, update.status, update.note) == (Decimal("80"), "on_track", "")
    # A key result nobody reported last week is not invented.
    assert not KeyResultUpdate.objects.filter(key_result=last_week["value_kr"], week__number=34).exists()


def test_an_edited_key_result_and_its_eta_are_saved(client_for, lead, team, last_week):
    kr = last_week["progress_kr"]
    client = client_for(lead)
    data = form_data(client.get(edit_url(team)))
    data.update({f"kr_{kr.pk}_progress": "90", f"kr_{kr.pk}_eta": "2024-09-10"})
    assert client.post(edit_url(team), data).status_code == 302
    kr.refresh_from_db()
    assert kr.eta == dt.date(2024, 9, 10)
    assert KeyResultUpdate.objects.get(key_result=kr, week__number=34).progress == 90
    assert kr.history.first().history_user == lead


def test_a_carried_todo_is_reworded_with_its_history(client_for, lead, team, last_week):
    todo = last_week["todo"]
    client = client_for(lead)
    data = form_data(client.get(edit_url(team)))
    assert data[f"todo_{todo.pk}_text"] == "饱和度&代码量偏低的排查和宣导"
    data[f"todo_{todo.pk}_text"] = "饱和度偏低的排查：已完成宣导，剩排查"
    assert client.post(edit_url(team), data).status_code == 302
    todo.refresh_from_db()
    assert todo.text == "饱和度偏低的排查：已完成宣导，剩排查" and todo.done_in is None
    assert TodoItem.objects.count() == 1
    wordings = [row.text for row in todo.history.order_by("history_date")]
    assert wordings == ["饱和度&代码量偏低的排查和宣导", "饱和度偏低的排查：已完成宣导，剩排查"]
    assert todo.history.first().history_user == lead


def test_a_carried_todo_cannot_be_cleared(client_for, lead, team, last_week):
    todo = last_week["todo"]
    client = client_for(lead)
    data = form_data(client.get(edit_url(team)))
    data[f"todo_{todo.pk}_text"] = "  "
    before = database_state()
    response = client.post(edit_url(team), data)
    assert response.status_code == 400
    assert "tick it done instead" in response.content.decode()
    assert database_state() == before


def test_last_weeks_plans_are_this_weeks_checklist(client_for, lead, team, last_week):
    html = client_for(lead).get(edit_url(team)).content.decode()
    assert "checklist: last week" in html and "贝易转业务拓展方案" in html


def incident_rows(data, rows):
    """Replace the incident formset of `data` with `rows` (dicts of field values)."""
    for key in [key for key in data if key.startswith("incidents-")]:
        del data[key]
    data["incidents-TOTAL_FORMS"] = str(len(rows))
    data["incidents-INITIAL_FORMS"] = str(sum(1 for row in rows if row.get("id")))
    data["incidents-MIN_NUM_FORMS"], data["incidents-MAX_NUM_FORMS"] = "0", "1000"
    for index, row in enumerate(rows):
        defaults = {"kind": "incident", "grade": "", "responsibility_share": "1", "detection": "unknown"}
        for name, value in {**defaults, **row}.items():
            data[f"incidents-{index}-{name}"] = value
    return data


def test_incidents_are_added_edited_and_removed_in_the_form(client_for, lead, team, last_week):
    client = client_for(lead)
    data = incident_rows(
        form_data(client.get(edit_url(team))),
        [
            {
                "description": "POS卡类型试算未执行，导致201次报错。手动执行后恢复",
                "grade": "C",
                "responsibility_share": "0.5",
                "detection": "proactive",
                "started_at": "2024-08-19T09:27",
                "resolved_at": "2024-08-19T10:03",
                "impact": "201次报错",
                "cause": "定时任务漏配",
                "actions": "补充变更checklist\n定时任务巡检",
            },
            {
                "kind": "risk",
                "title": "证书即将过期",
                "started_at": "2024-08-20T10:00",
                "resolved_at": "2024-08-23T10:00",
            },
        ],
    )
    assert client.post(edit_url(team), data).status_code == 302
    first, second = Incident.objects.filter(team=team).order_by("started_at")
    assert first.title == "POS卡类型试算未执行"  # the description's first clause
    assert (first.grade, first.responsibility_share, first.detection) == ("C", Decimal("0.5"), "proactive")
    assert [a.description for a in first.actions.all()] == ["补充变更checklist", "定时任务巡检"]
    assert (second.kind, second.detection, second.week.number) == ("risk", "unknown", 34)
    assert first.history.first().history_user == lead

    response = client.get(edit_url(team))
    data = form_data(response)
    assert data["incidents-0-title"] == "POS卡类型试算未执行"
    assert data["incidents-0-actions"] == "补充变更checklist\n定时任务巡检"  # as saved, in order
    data["incidents-0-actions"] = "补充变更checklist"
    data["incidents-1-DELETE"] = "on"
    assert client.post(edit_url(team), data).status_code == 302
    assert list(Incident.objects.filter(team=team).values_list("title", flat=True)) == ["POS卡类型试算未执行"]
    assert [a.description for a in Incident.objects.get().actions.all()] == ["补充变更checklist"]


def test_an_incident_outside_the_week_is_refused(client_for, lead, team, last_week):
    client = client_for(lead)
    data = incident_rows(
        form_data(client.get(edit_url(team))), [{"title": "上周的事", "started_at": "2024-08-12T09:00"}]
    )
    before = database_state()
    response = client.post(edit_url(team), data)
    assert response.status_code == 400
    assert "record it in its own week" in response.content.decode()
    assert database_state() == before
    data = incident_rows(data, [{"title": "没有开始时间"}])
    response = client.post(edit_url(team), data)
    assert response.status_code == 400 and "When did it start?" in response.content.decode()
    assert database_state() == before


def test_computed_kpis_are_read_only_and_follow_the_records(client_for, lead, team, last_week):
    c_grade = make_kpi(
        team, "C级事故数", group="系统运行数据", unit=KPI.Unit.COUNT, decimals=1, unit_label="次",
        computed_from=KPI.Computed.INCIDENTS_C, position=9,
    )  # fmt: skip
    found = make_kpi(
        team, "事故主动发现占比", unit=KPI.Unit.PERCENT, decimals=1,
        computed_from=KPI.Computed.INCIDENTS_PROACTIVE, position=10,
    )  # fmt: skip
    make_incident(team, at(19, 9), grade="C", responsibility_share=Decimal("0.5"), detection="proactive")
    make_incident(team, at(20, 9), grade="C", kind="change", detection="reported")
    make_incident(team, at(21, 9), detection="unknown")
    client = client_for(lead)
    response = client.get(edit_url(team))
    assert f"kpi_{c_grade.pk}" not in response.context["form"].fields
    html = response.content.decode()
    assert "from incidents" in html and "1.5次" in html
    data = form_data(response)
    data[f"kpi_{c_grade.pk}"] = "7"  # a tampered POST cannot type it
    data[f"kpi_{c_grade.pk}_note"] = "C级0.5次：按一半责任计入"
    assert client.post(edit_url(team), data).status_code == 302
    stored = KPIValue.objects.get(kpi=c_grade, week__number=34)
    assert (stored.value, stored.note) == (Decimal("1.5"), "C级0.5次：按一半责任计入")
    # Proactive share over incidents with known discovery: the change and the unknown are left out.
    assert KPIValue.objects.get(kpi=found, week__number=34).value == Decimal("100")
    Incident.objects.filter(kind="change").delete()
    assert KPIValue.objects.get(kpi=c_grade, week__number=34).value == Decimal("0.5")


def test_rarely_filled_kpis_fold_under_other_kpis(client_for, lead, team, last_week):
    rare = make_kpi(team, "偶尔填写", group="效能度量", position=20)
    make_value(rare, "2024-W25", 1)  # filled once, nine weeks ago
    for week in ("2024-W30", "2024-W31"):
        make_value(last_week["delivered"], week, 300)
    response = client_for(lead).get(edit_url(team))
    form = response.context["form"]
    shown = [row.kpi.name for _group, rows in form.kpi_groups() for row, _field, _note in rows]
    folded = [row.kpi.name for _group, rows in form.other_kpi_groups() for row, _field, _note in rows]
    # Filled in 4 of the 4 weeks with figures, against 1 of 4 (入金有效成功率) and none (偶尔填写).
    assert shown == ["需求交付数", "需求吞吐率"] and folded == ["入金有效成功率", "偶尔填写"]
    assert '<details class="other-kpis">' in response.content.decode()


def test_whole_counts_print_without_decimals(client_for, lead, team, last_week):
    tally = make_kpi(team, "D级事故数", unit=KPI.Unit.COUNT, decimals=1, unit_label="次")
    make_value(tally, "2024-W33", 1)
    html = client_for(lead).get(edit_url(team)).content.decode()
    assert "1次" in html and "1.0次" not in html


def test_items_carried_unchanged_stay_out_of_the_latest_changes(client_for, lead, team, last_week):
    client = client_for(lead)
    data = form_data(client.get(edit_url(team)))
    data[f"kpi_{last_week['delivered'].pk}"] = "330"
    client.post(edit_url(team), data)
    update = KeyResultUpdate.objects.get(key_result=last_week["progress_kr"], week__number=34)
    assert update.history.get().history_change_reason == "carried"
    whats = [change.what for change in recent_changes(team, IsoWeek(2024, 34))]
    assert "需求交付数: 330" in whats and not any("对公收佣" in what for what in whats)
