"""The department overview and a team's week: the seed's figures, access, empty weeks, query counts."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from common.weeks import IsoWeek
from incidents.models import Incident
from pages import dashboards
from pages import overview as overview_page
from reports.models import KPI, ReportSection, Team, TodoItem, WeeklyReport
from tests.factories import (
    make_incident,
    make_key_result,
    make_kpi,
    make_objective,
    make_report,
    make_team,
    make_update,
    make_value,
)

W33 = IsoWeek(2024, 33)
W32 = IsoWeek(2024, 32)
PCT = {"unit": KPI.Unit.PERCENT, "decimals": 2}
DELAYS = "11个属于忘记拖动卡片，实际无延期"


def at(day: int, hour: int, minute: int, month: int = 8) -> dt.datetime:
    return timezone.make_aware(dt.datetime(2024, month, day, hour, minute))


def seed_payments(team):
    """The seed's 效能度量 figures for W32 → W33, plus a new KPI and one whose last week was 0."""
    group = "效能度量"
    kpis = {
        "需求交付数": make_kpi(team, "需求交付数", group=group, position=1, unit_label=""),
        "需求吞吐率": make_kpi(team, "需求吞吐率", group=group, position=2, **PCT),
        "延期率": make_kpi(team, "延期率", group=group, position=3, direction="down", **PCT),
        "代码当量": make_kpi(team, "代码当量", group=group, position=4, unit="number", decimals=1),
        "线上bug": make_kpi(team, "线上bug", group=group, position=5, direction="down", unit_label="个"),
        "饱和度": make_kpi(team, "饱和度", group=group, position=6, **PCT),
        "回滚次数": make_kpi(team, "回滚次数", group="系统运行数据", position=7, direction="down"),
    }
    figures = {
        "需求交付数": ("292", "313"),
        "需求吞吐率": ("96.05", "81.72"),
        "延期率": ("3.08", "4.79"),
        "代码当量": ("4990.8", "5033.8"),
        "线上bug": ("9", "12"),
        "饱和度": (None, "90"),
        "回滚次数": ("0", "1"),
    }
    for name, (last, this) in figures.items():
        if last is not None:
            make_value(kpis[name], W32, last)
        make_value(kpis[name], W33, this, note=DELAYS if name == "延期率" else "")
    return kpis


def row_of(html: str, kpi_name: str) -> str:
    match = re.search(rf'<tr class="kpi-row[^"]*" data-kpi="{re.escape(kpi_name)}".*?</tr>', html, re.S)
    assert match, f"no row for {kpi_name}"
    return match.group(0)


def team_url(team, week=W33):
    return reverse("team-week", kwargs={"team": team.slug, "week": week})


# ---------------------------------------------------------------- team week: the rules


@pytest.fixture
def seeded(team):
    return seed_payments(team)


@pytest.fixture
def demo(db):
    """The demo data: the seed week 2024-W33 of `payments` with the figures the seed states for W32."""
    call_command("load_demo", force=True, verbosity=0)  # tests run with DEBUG off
    return Team.objects.get(slug="payments")


@pytest.fixture
def demo_html(demo, client):
    client.force_login(User.objects.get(username="member"))
    response = client.get(team_url(demo))
    assert response.status_code == 200
    return response.content.decode()


def test_deliveries_313_vs_292_show_plus_21_and_plus_7_19_percent_in_green(demo_html):
    row = row_of(demo_html, "需求交付数")
    assert 'data-tone="better"' in row
    assert re.search(r'change-abs tone-better">.*?\+21个</td>', row, re.S)
    assert 'change-rel tone-better">+7.19%</td>' in row
    assert ">313个<" in row and ">292个<" in row


def test_throughput_shows_minus_14_33_pp_beside_minus_14_92_percent_in_red(demo_html):
    row = row_of(demo_html, "需求吞吐率")
    assert 'data-tone="worse"' in row
    assert re.search(r'change-abs tone-worse">.*?\u221214.33 pp</td>', row, re.S)
    assert 'change-rel tone-worse">\u221214.92%</td>' in row
    assert ">81.72%<" in row and ">96.05%<" in row


def test_rising_delay_rate_is_red_because_lower_is_better_and_shows_its_note(demo_html):
    row = row_of(demo_html, "延期率")
    assert 'data-tone="worse"' in row
    assert re.search(r"tone-worse\">.*?\+1.71 pp</td>", row, re.S)
    assert ">4.79%<" in row and ">3.08%<" in row
    assert "11个属于忘记拖动卡片" in row


def test_demo_week_shows_the_seed_incidents_with_the_half_c_grade(demo, client):
    client.force_login(User.objects.get(username="manager"))
    html = client.get(department_url()).content.decode()
    assert 'class="tally-this"' in html and 'data-grade="C">0.5<' in html
    assert "201 failed operations" in html


def test_more_bugs_than_last_week_is_red(client_for, member, team, seeded):
    row = row_of(client_for(member).get(team_url(team)).content.decode(), "线上bug")
    assert 'data-tone="worse"' in row
    assert re.search(r"tone-worse\">.*?\+3个</td>", row, re.S)


def test_code_equivalent_keeps_one_decimal(demo_html):
    row = row_of(demo_html, "代码当量")
    assert ">5033.8<" in row and ">4990.8<" in row
    assert re.search(r"\+43.0</td>", row)
    assert "+0.86%" in row


def test_kpi_without_last_week_value_is_new_with_no_change(client_for, member, team, seeded):
    row = row_of(client_for(member).get(team_url(team)).content.decode(), "饱和度")
    assert 'data-tone="new"' in row
    assert "badge-new" in row
    assert " pp" not in row and "%</td>" not in row.split("90.00%")[1]


def test_last_week_zero_gives_absolute_change_only(client_for, member, team, seeded):
    row = row_of(client_for(member).get(team_url(team)).content.decode(), "回滚次数")
    assert re.search(r'change-abs tone-worse">.*?\+1</td>', row, re.S)
    assert re.search(r'change-rel tone-worse"><span class="muted"[^>]*>–</span></td>', row)


def test_target_missed_and_met_are_shown(client_for, member, team, seeded):
    KPI.objects.filter(pk=seeded["延期率"].pk).update(target=Decimal("4"))
    KPI.objects.filter(pk=seeded["需求交付数"].pk).update(target=Decimal("300"))
    html = client_for(member).get(team_url(team)).content.decode()
    assert "badge-worse" in row_of(html, "延期率").split('class="target"')[1]
    assert "badge-better" in row_of(html, "需求交付数").split('class="target"')[1]


def test_sparkline_marks_the_last_point_in_the_tone_colour(client_for, member, team, seeded):
    row = row_of(client_for(member).get(team_url(team)).content.decode(), "需求吞吐率")
    assert "<svg" in row and 'fill="#c62828"' in row


# ---------------------------------------------------------------- team week: the rest of the page


def test_team_week_shows_okr_progress_change_incidents_sections_todos_and_plans(
    client_for, member, team, other_team
):
    objective = make_objective(team, "O1", title="业务服务")
    kr = make_key_result(objective, title="芝麻免押", eta=dt.date(2024, 9, 10))
    make_update(kr, W32, 65)
    make_update(kr, W33, 70, note="二期开发联调")
    report = make_report(team, W33, status=WeeklyReport.Status.SUBMITTED, reflections="**稳定性**")
    ReportSection.objects.create(report=report, position=1, title="贝易转", body="- 累计交易1134笔")
    old = make_report(team, "2024-W30")
    TodoItem.objects.create(report=old, text="线上BUG定级和复盘规则")
    TodoItem.objects.create(report=old, text="already closed", done_in=make_report(team, "2024-W31"))
    TodoItem.objects.create(report=report, text="饱和度排查", done_in=make_report(team, "2024-W34"))
    TodoItem.objects.create(report=make_report(other_team, W33), text="not ours")
    report.plans.create(text="贝易转业务拓展方案")
    make_incident(team, at(15, 14, 36), title="cf-tenant 403", grade="C", resolved_at=at(15, 16, 6))
    make_incident(other_team, at(15, 14, 36), title="someone else's")

    html = client_for(member).get(team_url(team)).content.decode()

    assert "芝麻免押" in html and "+5 pp" in html and "70%" in html
    assert 'class="previous"' in html  # the tick at last week's progress
    assert "cf-tenant 403" in html and "someone else" not in html
    assert "1 h 30 min" in html
    assert "<li>累计交易1134笔</li>" in html
    assert "<strong>稳定性</strong>" in html
    assert "线上BUG定级和复盘规则" in html and "carried forward from 2024-W30" in html
    assert "饱和度排查" in html and "done in 2024-W34" in html
    assert "already closed" not in html and "not ours" not in html
    assert "贝易转业务拓展方案" in html
    assert 'id="empty-state"' not in html


def test_narrative_markdown_cannot_inject_script(client_for, member, team):
    report = make_report(team, W33)
    ReportSection.objects.create(report=report, title="x", body="<script>alert(1)</script>[a](javascript:x)")
    html = client_for(member).get(team_url(team)).content.decode()
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)" in html
    assert 'href="javascript' not in html


def test_links_to_edit_only_for_who_can_edit(client_for, lead, other_lead, team, seeded):
    edit = reverse("team-week-edit", kwargs={"team": team.slug, "week": W33})
    assert edit in client_for(lead).get(team_url(team)).content.decode()
    html = client_for(other_lead).get(team_url(team)).content.decode()
    assert edit not in html
    assert reverse("team-week-markdown", kwargs={"team": team.slug, "week": W33}) in html
    assert reverse("team-week-print", kwargs={"team": team.slug, "week": W33}) in html
    assert team_url(team, W32) in html and team_url(team, IsoWeek(2024, 34)) in html


def test_archived_kpi_stays_in_the_weeks_it_has_values_and_leaves_the_others(
    client_for, member, team, seeded
):
    make_value(seeded["饱和度"], IsoWeek(2024, 34), "88")
    KPI.objects.filter(pk=seeded["饱和度"].pk).update(is_active=False)
    client = client_for(member)
    assert 'data-kpi="饱和度"' in client.get(team_url(team)).content.decode()
    assert 'data-kpi="饱和度"' not in client.get(team_url(team, IsoWeek(2024, 35))).content.decode()


def test_team_week_with_no_data_is_a_friendly_empty_state(client_for, member, team):
    response = client_for(member).get(team_url(team, IsoWeek(2020, 53)))
    assert response.status_code == 200
    assert 'id="empty-state"' in response.content.decode()


def test_team_week_anonymous_is_sent_to_login(client, team):
    response = client.get(team_url(team))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_unknown_team_is_404(client_for, member):
    assert client_for(member).get("/teams/nope/weeks/2024-W33/").status_code == 404


@pytest.mark.parametrize("week", ["2024-W99", "2024-W00", "abc", "2021-W53"])
def test_impossible_weeks_are_404(client_for, member, team, week):
    client = client_for(member)
    assert client.get(f"/teams/{team.slug}/weeks/{week}/").status_code == 404
    assert client.get(f"/weeks/{week}/").status_code == 404


def test_team_week_refuses_post(client_for, lead, team, seeded):
    assert client_for(lead).post(team_url(team)).status_code == 405


# ---------------------------------------------------------------- department week


def department_url(week=W33):
    return reverse("department-week", kwargs={"week": week})


def test_overview_lists_movers_attention_and_missing_teams(client_for, manager, team, seeded):
    quiet = make_team("Quiet", slug="quiet")
    drafting = make_team("Drafting", slug="drafting")
    make_report(drafting, W33, status=WeeklyReport.Status.DRAFT)
    make_report(team, W33, status=WeeklyReport.Status.SUBMITTED)
    make_team("Archived", slug="archived", is_active=False)

    overview = overview_page.department_week(W33)

    # Two weeks of values are too little history for a usual move: the plain comparison ranks them,
    # and each row says so. 回滚次数 went 0 → 1: no relative change, so its magnitude is the absolute 1.
    assert [row.kpi.name for row in overview.improved] == ["需求交付数", "代码当量"]
    assert [row.kpi.name for row in overview.attention] == ["延期率", "线上bug", "需求吞吐率", "回滚次数"]
    assert all(row.reasons == ["too little history: plain change"] for row in overview.attention)
    assert [item.team.slug for item in overview.missing_teams] == ["drafting", "quiet"]

    html = client_for(manager).get(department_url()).content.decode()
    assert 'id="missing"' in html
    missing = html.split('id="missing"')[1].split("</section>")[0]
    assert "Quiet" in missing and "Drafting" in missing and "Payments" not in missing
    assert "Archived" not in html
    assert team_url(quiet) in html and team_url(team) in html
    assert department_url(W32) in html and department_url(IsoWeek(2024, 34)) in html
    assert quiet.name in html


def test_overview_team_card_leads_with_the_teams_ranked_moves_with_their_change(
    client_for, manager, team, seeded
):
    overview = overview_page.department_week(W33)
    (payments,) = [item for item in overview.teams if item.team == team]
    assert [row.kpi.name for row in payments.headline] == ["延期率", "线上bug", "需求吞吐率", "需求交付数"]
    html = client_for(manager).get(department_url()).content.decode()
    card = html.split('class="card team-card"')[1]
    assert "+21" in card and "+7.19%" in card and "\u221214.33 pp" in card and "(\u221214.92%)" in card


def test_overview_incident_tally_sums_responsibility_share_against_last_week(client_for, manager, team):
    proactive = Incident.Detection.PROACTIVE
    make_incident(
        team,
        at(12, 9, 27),
        grade="C",
        responsibility_share=Decimal("0.5"),
        resolved_at=at(12, 10, 56),
        detection=proactive,
    )
    make_incident(
        team, at(13, 16, 57), kind=Incident.Kind.CHANGE, resolved_at=at(13, 18, 20), detection=proactive
    )
    make_incident(team, at(15, 14, 36), detection=Incident.Detection.REPORTED)
    make_incident(team, at(7, 10, 0), grade="B", resolved_at=at(7, 11, 0))  # W32
    make_incident(team, at(8, 10, 0), grade="C")  # W32

    summary = overview_page.department_week(W33).incidents

    assert summary.tally == [
        ("A", 0, 0),
        ("B", 0, Decimal("1")),
        ("C", Decimal("0.5"), Decimal("1")),
        ("D", 0, 0),
    ]
    assert summary.count == 3 and summary.incident_count == 2
    # Incidents only: the change (83 min) is not an outage; the unresolved incident has no time yet.
    assert summary.mean_time_to_resolve == dt.timedelta(minutes=89)
    # Over incidents whose discovery is known: the change is left out, so 1 of 2.
    assert summary.proactive_share == Decimal("50.0")

    html = client_for(manager).get(department_url()).content.decode()
    assert 'data-grade="C">0.5<' in html
    assert 'data-grade="B">0<' in html
    assert "50%" in html and "1 of 2 with known discovery" in html
    assert "1 h 29 min" in html  # the mean of one resolved incident


def test_overview_okr_moved_stalled_and_overdue(team):
    objective = make_objective(team, "O2")
    moved = make_key_result(objective, title="moved")
    make_update(moved, W32, 80)
    make_update(moved, W33, 85)
    stalled = make_key_result(objective, title="stalled")
    for week in ("2024-W31", W32, W33):
        make_update(stalled, week, 30)
    two_same = make_key_result(objective, title="two same only")
    make_update(two_same, W32, 40)
    make_update(two_same, W33, 40)
    overdue = make_key_result(objective, title="overdue", eta=dt.date(2024, 8, 10))
    make_update(overdue, W33, 90)
    done = make_key_result(objective, title="done late", eta=dt.date(2024, 8, 1))
    make_update(done, W32, 100, status="done")
    make_update(done, W33, 100, status="done")
    closed = make_key_result(objective, title="closed", is_active=False, eta=dt.date(2024, 8, 1))
    make_update(closed, W33, 10)

    overview = overview_page.department_week(W33)

    groups = overview.okr_groups
    assert [(row.key_result.title, row.delta) for row in groups.advanced.rows] == [("moved", Decimal("5"))]
    assert [row.key_result.title for row in groups.stalled.rows] == ["stalled"]
    assert [row.key_result.title for row in groups.overdue.rows] == ["overdue"]
    # Its first figure ever: started, not advanced.
    assert "overdue" in [row.key_result.title for row in groups.started.rows]


def stalled_titles(team, histories: dict[str, list[tuple[str, int | None]]], **fields) -> list[str]:
    objective = make_objective(team, "O3")
    for title, updates in histories.items():
        item = make_key_result(objective, title=title, **fields)
        for week, progress in updates:
            make_update(item, week, progress)
    return [row.key_result.title for row in overview_page.department_week(W33).okr_groups.stalled.rows]


def test_stalled_is_no_progress_change_since_two_weeks_ago_whatever_the_gaps(team):
    assert stalled_titles(
        team,
        {
            # Moved in W31, then nothing since: unchanged for two weeks although the last two
            # earlier updates differ.
            "moved then flat": [("2024-W30", 20), ("2024-W31", 30), (W33, 30)],
            # Reported two weeks ago and this week only, same figure.
            "gap of two weeks": [("2024-W31", 30), (W33, 30)],
            # Last reported many weeks ago, same figure now.
            "long gap": [("2024-W25", 30), (W33, 30)],
        },
    ) == ["moved then flat", "gap of two weeks", "long gap"]


def test_not_stalled_when_progress_moved_within_the_last_two_weeks_or_history_is_too_short(team):
    assert (
        stalled_titles(
            team,
            {
                "one week flat": [(W32, 40), (W33, 40)],
                "moved last week": [("2024-W20", 30), ("2024-W21", 30), (W32, 40), (W33, 40)],
                "moved and back": [("2024-W31", 30), (W32, 40), (W33, 30)],
                "moved this week": [("2024-W31", 30), (W32, 30), (W33, 35)],
                "no update this week": [("2024-W30", 30), ("2024-W31", 30)],
                "no figure this week": [("2024-W30", 30), ("2024-W31", 30), (W33, None)],
            },
        )
        == []
    )


def test_done_items_are_never_stalled(team):
    objective = make_objective(team, "O3")
    item = make_key_result(objective, title="done")
    for week in ("2024-W31", W32):
        make_update(item, week, 100)
    make_update(item, W33, 100, status="done")
    assert overview_page.department_week(W33).okr_groups.stalled.rows == []


def test_overview_okr_section_renders_change_and_flags(client_for, manager, team):
    objective = make_objective(team, "O1")
    kr = make_key_result(objective, title="新银收入", eta=dt.date(2024, 8, 1))
    for week, progress in (("2024-W31", 85), (W32, 85), (W33, 85)):
        make_update(kr, week, progress)
    html = client_for(manager).get(department_url()).content.decode()
    assert 'id="okr-stalled"' in html and 'id="okr-overdue"' in html and "新银收入" in html


def test_overview_week_with_no_data_is_a_friendly_empty_state(client_for, manager, team, seeded):
    response = client_for(manager).get(department_url(IsoWeek(2030, 5)))
    assert response.status_code == 200
    assert 'id="empty-state"' in response.content.decode()


def test_overview_anonymous_is_sent_to_login(client):
    response = client.get(department_url())
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_overview_is_readable_by_any_logged_in_user(client_for, outsider, team, seeded):
    assert client_for(outsider).get(department_url()).status_code == 200


# ---------------------------------------------------------------- home


def test_home_redirects_to_the_latest_week_with_data(client_for, member, team, seeded):
    make_value(seeded["需求交付数"], "2024-W30", "100")
    make_report(team, "2024-W20")
    response = client_for(member).get(reverse("home"))
    assert response.status_code == 302 and response["Location"] == department_url(W33)


def test_home_with_an_incident_only_week_redirects_there(client_for, member, team, seeded):
    make_incident(team, at(2, 9, 0, month=9))  # 2024-W36
    response = client_for(member).get(reverse("home"))
    assert response["Location"] == department_url(IsoWeek(2024, 36))


def test_home_ignores_weeks_after_the_current_one(client_for, member, team, seeded):
    far = IsoWeek(2999, 10)
    make_value(seeded["需求交付数"], far, "1")
    make_report(team, far)
    make_incident(team, timezone.make_aware(dt.datetime.combine(far.monday, dt.time(9))))
    response = client_for(member).get(reverse("home"))
    assert response["Location"] == department_url(W33)


def test_home_with_only_future_data_redirects_to_the_current_week(client_for, member, team):
    make_report(team, IsoWeek(2999, 10))
    response = client_for(member).get(reverse("home"))
    assert response["Location"] == department_url(dashboards.current_week())


def test_home_without_any_data_redirects_to_the_current_week(client_for, member):
    response = client_for(member).get(reverse("home"))
    assert response["Location"] == department_url(dashboards.current_week())


def test_home_anonymous_is_sent_to_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


# ---------------------------------------------------------------- query counts


def grow_history(teams: int, weeks: int, kpis_per_team: int = 3) -> None:
    """Teams, each with KPIs valued every week, OKR items updated every week, incidents and reports."""
    for _ in range(teams):
        add_team_history(make_team(), weeks, kpis_per_team)


def add_team_history(team, weeks: int, kpis_per_team: int = 3, skip: int = 0) -> None:
    """New KPIs and OKR items valued over `weeks` weeks; reports and incidents for weeks after `skip`."""
    kpis = [make_kpi(team, group=f"g{index % 2}", position=index) for index in range(kpis_per_team)]
    objective = make_objective(team, f"O{skip + 1}")
    key_results = [make_key_result(objective, eta=dt.date(2024, 8, 1)) for _ in range(2)]
    for offset in range(weeks):
        week = W33.shifted(-offset)
        for index, kpi in enumerate(kpis):
            make_value(kpi, week, 100 + offset + index, note="n")
        for kr in key_results:
            make_update(kr, week, max(0, 90 - offset))
        if offset < skip:
            continue
        report = make_report(team, week, status=WeeklyReport.Status.SUBMITTED)
        ReportSection.objects.create(report=report, title="s", body="text")
        TodoItem.objects.create(report=report, text="todo")
        report.plans.create(text="plan")
        monday = timezone.make_aware(dt.datetime.combine(week.monday, dt.time(10)))
        make_incident(team, monday, grade="C", resolved_at=monday + dt.timedelta(hours=1))


def test_overview_query_count_does_not_grow_with_weeks_kpis_and_teams(
    client_for, manager, team, django_assert_num_queries
):
    add_team_history(team, weeks=3)
    grow_history(teams=1, weeks=3)
    client = client_for(manager)
    url = department_url()
    # The first view works out the week's ranking figures; the next reads them.
    with django_assert_num_queries(OVERVIEW_QUERIES + FIGURES_WORKED_OUT + ITEMS_READ + UPDATES_READ):
        assert client.get(url).status_code == 200
    with django_assert_num_queries(OVERVIEW_QUERIES + ITEMS_READ + UPDATES_READ):
        assert client.get(url).status_code == 200

    add_team_history(team, weeks=30, kpis_per_team=30, skip=3)
    grow_history(teams=10, weeks=30, kpis_per_team=5)
    with django_assert_num_queries(OVERVIEW_QUERIES + FIGURES_WORKED_OUT + ITEMS_READ + UPDATES_READ):
        client.get(url)
    with django_assert_num_queries(OVERVIEW_QUERIES + ITEMS_READ + UPDATES_READ):
        response = client.get(url)
    assert len(response.context["overview"].teams) == 12


def test_team_week_query_count_does_not_grow_with_history(client_for, lead, team, django_assert_num_queries):
    add_team_history(team, weeks=3)
    client = client_for(lead)
    with django_assert_num_queries(TEAM_WEEK_QUERIES):
        assert client.get(team_url(team)).status_code == 200

    add_team_history(team, weeks=40, kpis_per_team=30, skip=3)
    grow_history(teams=5, weeks=20)
    with django_assert_num_queries(TEAM_WEEK_QUERIES):
        response = client.get(team_url(team))
    assert len(response.context["data"].todos) == 40


# session (which brings the data version along, reportsite/sessions.py), user, then: teams with their
# data versions, reports, the incidents' figures, and for the teams whose part is not kept (all of them
# here: tests keep nothing) KPIs with this week's values and their kept ranking figures
# (reports/week_figures.py), key results with this week's updates and their kept figures
# (okrs/kept_look_back.py); then the KPIs of the cards' headlines and of the listed rows, their
# history, and the listed incidents (pages/overview.py). A page served from the cache stops after the user.
OVERVIEW_QUERIES = 10
# When figures are missing or stale: a value's KPIs' history and the upsert that keeps its figures
# (reports/week_figures.py); an update's look-back and the upsert that keeps its figures
# (okrs/kept_look_back.py).
FIGURES_WORKED_OUT = 4
# When a listed key result was ranked in this request: the listed items whole, with their objectives,
# teams and owners (the ranking read them as plain rows, okrs/ranked_items.py).
ITEMS_READ = 1
# When a listed key result built in this request was reported: its updates' whole rows, for their notes
# (the look-back of a department's items reads only their figures, okrs/rules.py).
UPDATES_READ = 1
# session with the data version, user, team, the lead check for the edit link, the publish check (the
# user's groups); then KPIs with this week's notes, their 14-week history (reports/ranking.py), report
# (+ sections, plans), TODOs, key results, updates, incidents, and the latest-changes panel
# (pages/history.py, one UNION query). A page served from the cache stops after the publish check.
TEAM_WEEK_QUERIES = 15
# When a key result's previous update, or the start of its flat run, lies before the recent weeks the
# OKR look-back reads first (okrs/rules.py): the rest of the window for those items.
OKR_OLDER_WEEKS = 1
