"""A ticked item (`- [x] …`) is a TODO or plan done: read, kept, written back, never lost on a round trip."""

import pytest
from django.urls import reverse

from common.weeks import IsoWeek
from documents.export import team_week_markdown
from documents.importer import import_report, parse_document
from reports.models import PlanItem, TodoItem, WeeklyReport
from tests.factories import make_report

W33 = IsoWeek(2024, 33)
DOCUMENT = """# 2024-W33

## 【系统运行数据】
本周平稳。
**TODO：**
1. [x] 银联证书续期
2. [ ] 对账导出改为分页流式

## TODO
- [X] 清理过期白名单
* 补充监控告警

# 下周工作及目标
1. [x] 灰度切换
2. 压测
"""


def test_a_tick_is_read_as_done_and_the_box_is_no_part_of_the_text():
    parsed = parse_document(DOCUMENT)
    assert [(todo.text, todo.done) for todo in parsed.todos] == [
        ("银联证书续期", True),
        ("对账导出改为分页流式", False),
        ("清理过期白名单", True),
        ("补充监控告警", False),
    ]
    assert parsed.plans == ["灰度切换", "压测"] and parsed.plans_done == {0}


@pytest.mark.django_db
def test_ticked_items_are_imported_done_and_written_back_ticked(team):
    import_report(parse_document(DOCUMENT), team)
    report = WeeklyReport.objects.get(team=team, week__starts_on=W33.monday)
    todos = list(report.todos.order_by("position"))
    assert [todo.done_in_id == report.pk for todo in todos] == [True, False, True, False]
    assert [plan.is_done for plan in report.plans.order_by("position")] == [True, False]

    document = team_week_markdown(team, W33)
    for line in ("1. [x] 银联证书续期", "2. 对账导出改为分页流式", "1. [x] 灰度切换", "2. 压测"):
        assert line in document.splitlines()
    # The round trip: the written document read back changes nothing.
    result = import_report(parse_document(document), team)
    assert not any(key.startswith(("TODO", "plan")) for key in result.changes)
    assert [todo.done_in_id == report.pk for todo in report.todos.order_by("position")] == [
        True,
        False,
        True,
        False,
    ]


@pytest.mark.django_db
def test_an_item_without_a_tick_keeps_what_the_app_records(team):
    """A hand that writes no boxes, or a TODO ticked off in a later week, is not undone by an import."""
    import_report(parse_document(DOCUMENT.replace("[x] ", "").replace("[X] ", "")), team)
    report = WeeklyReport.objects.get(team=team, week__starts_on=W33.monday)
    later = make_report(team, W33.next())
    first = report.todos.order_by("position").first()
    TodoItem.objects.filter(pk=first.pk).update(done_in=later)
    PlanItem.objects.filter(report=report, position=1).update(is_done=True)

    import_report(parse_document(DOCUMENT), team)
    first.refresh_from_db()
    assert first.done_in == later  # done in W34 stays W34's news, though W33's document ticks it
    assert [plan.is_done for plan in report.plans.order_by("position")] == [True, True]
    assert "1. 银联证书续期" in team_week_markdown(team, W33)  # open as of W33


def test_the_preview_shows_which_items_are_done(client_for, lead, team):
    response = client_for(lead).post(reverse("report-import", args=[team.slug]), {"content": DOCUMENT})
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('<span class="badge badge-better">done</span>') == 3


REORDERED = """# 2024-W33

## TODO
- 新增：核对退款差错
- 补充监控告警
- 清理过期白名单

# 下周工作及目标
1. 新增：演练
2. 压测
3. 灰度切换
"""


@pytest.mark.django_db
def test_an_item_keeps_what_the_app_records_of_it_when_a_document_inserts_or_reorders_items(team):
    """Matched by position, an inserted first TODO took the first row, and with it the done mark of the
    item that row held: a new TODO read as done in W34, the old one as open."""
    import_report(parse_document(DOCUMENT.replace("[x] ", "").replace("[X] ", "")), team)
    report = WeeklyReport.objects.get(team=team, week__starts_on=W33.monday)
    later = make_report(team, W33.next())
    whitelist = report.todos.get(text="清理过期白名单")
    TodoItem.objects.filter(pk=whitelist.pk).update(done_in=later)
    PlanItem.objects.filter(report=report, text="灰度切换").update(is_done=True)
    kept_ids = {todo.text: todo.pk for todo in report.todos.all()}

    result = import_report(parse_document(REORDERED), team)

    todos = list(report.todos.order_by("position"))
    assert [(todo.text, todo.done_in_id) for todo in todos] == [
        ("新增：核对退款差错", None),
        ("补充监控告警", None),
        ("清理过期白名单", later.pk),
    ]
    # The items the document kept keep their rows (and history); the two it dropped are deleted.
    assert {todo.text: todo.pk for todo in todos[1:]} == {
        text: kept_ids[text] for text in ("补充监控告警", "清理过期白名单")
    }
    assert [(plan.text, plan.is_done) for plan in report.plans.order_by("position")] == [
        ("新增：演练", False),
        ("压测", False),
        ("灰度切换", True),
    ]
    assert result.changes["TODO removed"] == 1 and result.changes["TODO created"] == 0
    # The same document again writes nothing.
    again = import_report(parse_document(REORDERED), team)
    assert not any(key.startswith(("TODO", "plan")) for key in again.changes)


@pytest.mark.django_db
def test_an_item_reworded_where_it_stood_keeps_its_row(team):
    import_report(parse_document(DOCUMENT), team)
    report = WeeklyReport.objects.get(team=team, week__starts_on=W33.monday)
    before = list(report.todos.order_by("position").values_list("pk", "text", "done_in"))
    import_report(parse_document(DOCUMENT.replace("对账导出改为分页流式", "对账导出改为分页流式导出")), team)
    after = list(report.todos.order_by("position").values_list("pk", "text", "done_in"))
    assert [pk for pk, _text, _done in after] == [pk for pk, _text, _done in before]
    assert after[1][1] == "对账导出改为分页流式导出" and after[0][2] == report.pk


@pytest.mark.django_db
def test_a_new_item_never_takes_a_dropped_items_row_from_another_place(team):
    """The TODO done in W34 is dropped from W33's document and a new one added further down: the new
    one is a new row, not the dropped one's row with its done mark."""
    document = "# 2024-W33\n\n## TODO\n- 甲\n- 乙\n- 丙\n"
    import_report(parse_document(document), team)
    report = WeeklyReport.objects.get(team=team, week__starts_on=W33.monday)
    dropped = report.todos.get(text="甲")
    TodoItem.objects.filter(pk=dropped.pk).update(done_in=make_report(team, W33.next()))

    import_report(parse_document("# 2024-W33\n\n## TODO\n- 乙\n- 新\n- 丙\n"), team)

    todos = list(report.todos.order_by("position"))
    assert [(todo.text, todo.done_in_id) for todo in todos] == [("乙", None), ("新", None), ("丙", None)]
    assert dropped.pk not in {todo.pk for todo in todos}
