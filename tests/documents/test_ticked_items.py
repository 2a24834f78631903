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
