"""The overview built from kept team parts equals the overview built from every row, after any write.

The rest of the suite keeps nothing (reportsite/settings_test.py); here the parts are kept in a real
in-memory cache and the writes are committed, so the team tokens move the way they do on the server.
"""

import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from bench.generator import LAST_WEEK
from incidents.models import Incident
from incidents.summary import WeekFigures, summarize
from okrs.models import KeyResult, KeyResultUpdate
from okrs.rules import active_key_results, okr_groups, okr_rows
from ops import data_version
from pages import overview
from pages.overview import MOVERS, OVERVIEW_LIST_LIMIT
from reports import ranking
from reports.access import LEADS_GROUP, MANAGERS_GROUP
from reports.models import KPI, KPIValue, Team, Week
from tests.factories import make_incident, make_kpi, make_team, make_user, make_value
from tests.pages.test_dashboards import ITEMS_READ, OVERVIEW_QUERIES, UPDATES_READ

pytestmark = pytest.mark.django_db(transaction=True)

# session, user, teams with their tokens, reports, the archived teams' incidents: every part and every
# row shown (the listed incidents too) comes from the cache.
KEPT_QUERIES = 5


@pytest.fixture(autouse=True)
def kept(settings):
    settings.CACHES = {
        **settings.CACHES,
        overview.CACHE_ALIAS: {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "test-overview-parts",
        },
    }
    caches[overview.CACHE_ALIAS].clear()
    yield caches[overview.CACHE_ALIAS]
    caches[overview.CACHE_ALIAS].clear()


@pytest.fixture
def department():
    # 3 teams of 40 KPIs and 20 key results, two incidents each a week: more rows than the overview shows.
    # The flush between transactional tests took the role groups a migration made.
    for name in (LEADS_GROUP, MANAGERS_GROUP):
        Group.objects.get_or_create(name=name)
    call_command("seed_bench", scale=10, weeks=6, force=True, fresh=True, stdout=StringIO())
    return list(Team.objects.filter(is_active=True))


@pytest.fixture
def builds(monkeypatch):
    """The teams whose part each call of department_week built."""
    built: list[list[str]] = []
    real = overview._build_parts

    def spy(teams, *args):
        built.append(sorted(team.slug for team in teams))
        return real(teams, *args)

    monkeypatch.setattr(overview, "_build_parts", spy)
    return built


def snapshot(page: overview.DepartmentWeek) -> dict:
    """Everything the overview prints, as plain values."""

    def kpi_rows(rows):
        return [
            (
                row.kpi.pk,
                row.kpi.team_id,
                tuple(row.reasons),
                row.change.current,
                row.change.previous,
                tuple(row.trend),
            )
            for row in rows
        ]

    incidents = page.incidents
    return {
        # The rows as the page prints them: kept HTML, or written in this call.
        "printed": [str(page.improved.html), str(page.attention.html)]
        + [str(group.rows.html) for group in page.okr_groups]
        + [str(page.incidents.incidents.html)],
        "teams": [
            (item.team.slug, item.is_missing, item.card, item.better, item.worse) for item in page.teams
        ],
        "improved": kpi_rows(page.improved),
        "attention": kpi_rows(page.attention),
        "totals": (page.improved_total, page.attention_total, page.has_data),
        "okrs": [
            (
                group.key,
                group.total,
                [
                    (
                        row.key_result.pk,
                        row.percent,
                        row.previous_percent,
                        row.update_values,
                        row.previous_values,
                    )
                    for row in group.rows
                ],
            )
            for group in page.okr_groups
        ],
        "incidents": (
            [record.pk for record in incidents.incidents],
            incidents.count,
            incidents.tally,
            incidents.incident_count,
            incidents.resolved_count,
            incidents.mean_time_to_resolve,
            incidents.proactive_share,
        ),
    }


def from_every_row() -> dict:
    caches[overview.CACHE_ALIAS].clear()
    return snapshot(overview.department_week(LAST_WEEK))


def test_the_merged_lists_equal_one_ranking_of_every_row(department):
    """Merging the teams' top candidates gives the lists ranked over every KPI and key result at once."""
    page = overview.department_week(LAST_WEEK)
    kpis = list(KPI.objects.filter(team__is_active=True).select_related("team"))
    moves = ranking.moves(kpis, ranking.weekly_history(kpis, LAST_WEEK)).values()
    improved, attention = ranking.improved_most(moves), ranking.worse_or_off_target(moves)
    assert [row.kpi.pk for row in page.improved] == [move.kpi.pk for move in improved[:MOVERS]]
    assert [row.kpi.pk for row in page.attention] == [move.kpi.pk for move in attention[:OVERVIEW_LIST_LIMIT]]
    assert (page.improved_total, page.attention_total) == (len(improved), len(attention))
    every_item = okr_rows(active_key_results(objective__team__is_active=True), LAST_WEEK)
    for merged, ranked in zip(
        page.okr_groups, okr_groups(every_item, limit=OVERVIEW_LIST_LIMIT), strict=True
    ):
        assert (merged.key, merged.total) == (ranked.key, ranked.total)
        assert [row.key_result.pk for row in merged.rows] == [row.key_result.pk for row in ranked.rows]
    records = Incident.objects.filter(week__starts_on__in=[LAST_WEEK.monday, LAST_WEEK.previous().monday])
    everything = summarize(records.select_related("week"), LAST_WEEK)
    figures = (
        "count",
        "tally",
        "incident_count",
        "resolved_count",
        "mean_time_to_resolve",
        "proactive_share",
    )
    assert [getattr(page.incidents, name) for name in figures] == [
        getattr(everything, name) for name in figures
    ]


def test_rows_of_kpis_ranked_in_the_request_equal_rows_worked_out_from_their_history():
    """A row shown after its team was ranked takes its usual move and count from the ranking and reads
    only the sparkline's weeks: the row, its move (a running total's increment too) and its reasons are
    those of the row worked out from the thirteen weeks before."""
    team = make_team()
    kinds = [KPI.Kind.LEVEL, KPI.Kind.CUMULATIVE, KPI.Kind.MONTH_TO_DATE]
    kpis = [
        make_kpi(team, f"kpi {index}", position=index, kind=kinds[index % 3], target=Decimal(index * 3))
        for index in range(9)
    ]
    for back in range(16):
        for index, kpi in enumerate(kpis):
            # Gaps, flat stretches and moves older than the sparkline's twelve weeks.
            if (back + index) % 5 != 3:
                figure = Decimal(index * 7 + (back * (index + 1)) % 6) / 4 + (back > 12) * 40
                make_value(kpi, LAST_WEEK.shifted(-back), figure)
    teams = list(data_version.with_team_tokens(Team.objects.filter(pk=team.pk)))
    built = overview._build_parts(teams, overview._incident_records(LAST_WEEK, teams), LAST_WEEK)
    # Two KPIs have no value this week: they were ranked with no figures, and their rows work them out.
    without_a_value = {kpis[3].pk, kpis[8].pk}
    assert {pk for pk, move in built.ranked.items() if move.change.current is None} == without_a_value
    shown = [kpi.pk for kpi in kpis if kpi.pk not in without_a_value]
    wanted = {overview.IMPROVED: shown, overview.ATTENTION: shown[:4]}

    from_ranking = overview._load_kpi_rows(wanted, LAST_WEEK, {team.pk: team}, built.ranked)
    from_history = overview._load_kpi_rows(wanted, LAST_WEEK, {team.pk: team})

    assert from_ranking == from_history
    every = {overview.IMPROVED: [kpi.pk for kpi in kpis]}
    assert overview._load_kpi_rows(every, LAST_WEEK, {team.pk: team}, built.ranked) == (
        overview._load_kpi_rows(every, LAST_WEEK, {team.pk: team})
    )
    assert any(row.move.previous_increment is not None for row in from_ranking.values())
    assert any(row.move.score is not None for row in from_ranking.values())


def test_kept_parts_give_the_page_built_from_every_row(department, builds):
    first = snapshot(overview.department_week(LAST_WEEK))
    assert builds == [sorted(team.slug for team in department)]
    assert len(first["attention"]) == OVERVIEW_LIST_LIMIT
    assert any(len(rows) == OVERVIEW_LIST_LIMIT for _key, _total, rows in first["okrs"])
    assert snapshot(overview.department_week(LAST_WEEK)) == first
    assert builds[1:] == []  # nothing built: every part and every row shown came from the cache


def test_a_write_to_one_team_rebuilds_that_team_only(department, builds):
    before = snapshot(overview.department_week(LAST_WEEK))
    team = department[1]
    value = KPIValue.objects.filter(kpi__team=team, week__starts_on=LAST_WEEK.monday).first()
    value.value = value.value * 3 + 7
    value.save()
    after = snapshot(overview.department_week(LAST_WEEK))
    assert builds[-1] == [team.slug]
    assert after != before
    assert after == from_every_row()


def test_rows_read_back_from_the_cache_equal_rows_built_afresh(department, kept):
    overview.department_week(LAST_WEEK)
    team = department[0]
    make_incident(team, _at(10), week=Week.objects.get(starts_on=LAST_WEEK.monday), grade="A")
    # This page builds one team and reads the others' rows back; the check drops every row entry.
    partly_kept = snapshot(overview.department_week(LAST_WEEK))
    for key in [key for key in kept._cache if "|" in key]:
        kept.delete(key.split(":", 2)[2])  # stored under ":1:<key>": the cache's version prefix
    assert snapshot(overview.department_week(LAST_WEEK)) == partly_kept == from_every_row()


def test_after_a_write_to_one_team_the_other_teams_rows_are_read_back_not_loaded(
    department, client_for, manager
):
    client = client_for(manager)
    url = reverse("department-week", kwargs={"week": LAST_WEEK})
    client.get(url)
    value = KPIValue.objects.filter(kpi__team=department[0], week__starts_on=LAST_WEEK.monday).first()
    value.value += 1
    value.save()
    with CaptureQueriesContext(connection) as after_write:
        client.get(url)
    # One team built, every other team's part and shown row from the cache: no query loads a row.
    assert len(after_write.captured_queries) == OVERVIEW_QUERIES + ITEMS_READ + UPDATES_READ


def test_a_write_no_team_owns_rebuilds_every_team(department, builds):
    overview.department_week(LAST_WEEK)
    Week.objects.get(starts_on=LAST_WEEK.monday).save()
    assert snapshot(overview.department_week(LAST_WEEK)) == from_every_row()
    assert builds[1] == sorted(team.slug for team in department)


def test_a_persons_new_name_is_printed_without_building_a_part(department, builds):
    first = overview.department_week(LAST_WEEK)
    shown = next(row.key_result for group in first.okr_groups for row in group.rows)
    owner = make_user("owner", first_name="Wang")
    KeyResult.objects.filter(pk=shown.pk).update(owner=owner)  # no signal: the pages keep the old owner
    overview.department_week(LAST_WEEK)
    owner.first_name, owner.last_name = "Li", "Lei"
    owner.save()
    renamed = overview.department_week(LAST_WEEK)
    assert "Li Lei" in "".join(str(group.rows.html) for group in renamed.okr_groups)
    assert builds == [sorted(team.slug for team in department)]
    assert snapshot(renamed) == from_every_row()


def test_a_kpi_moved_between_teams_rebuilds_both(department, builds):
    overview.department_week(LAST_WEEK)
    source, target = department[0], department[2]
    kpi = KPI.objects.filter(team=source).first()
    kpi.team, kpi.name = target, f"{kpi.name} (moved)"
    kpi.save()
    after = snapshot(overview.department_week(LAST_WEEK))
    assert builds[-1] == sorted([source.slug, target.slug])
    assert after == from_every_row()


def test_cards_and_rows_are_kept_per_language(department):
    with translation.override("zh-hans"):
        chinese = overview.department_week(LAST_WEEK).teams[0].card
    english = overview.department_week(LAST_WEEK).teams[0].card
    assert "查看团队周报 →" in chinese
    assert "Open the team's week →" in english
    with translation.override("zh-hans"):
        assert overview.department_week(LAST_WEEK).teams[0].card == chinese


def test_a_second_language_writes_the_cards_and_rows_without_building_a_part(
    department, builds, client_for, manager
):
    client = client_for(manager)
    url = reverse("department-week", kwargs={"week": LAST_WEEK})
    assert "查看团队周报 →" in client.get(url, headers={"accept-language": "zh-hans"}).content.decode()
    with CaptureQueriesContext(connection) as second_language:
        response = client.get(url, headers={"accept-language": "en"})
    assert "Open the team's week →" in response.content.decode()
    assert builds == [sorted(team.slug for team in department)]
    # The kept page's queries, then the cards' headline KPIs and the shown rows' KPIs with their
    # history (one load for both), key results with their updates, incidents.
    assert len(second_language.captured_queries) == KEPT_QUERIES + 5


def test_a_page_written_from_another_languages_parts_equals_the_page_built_from_every_row(department, builds):
    with translation.override("zh-hans"):
        overview.department_week(LAST_WEEK)
    written = snapshot(overview.department_week(LAST_WEEK))
    assert len(builds) == 1
    assert written == from_every_row()


def test_an_archived_teams_incidents_still_count(department):
    archived = department[2]
    kept_page = snapshot(overview.department_week(LAST_WEEK))
    Team.objects.filter(pk=archived.pk).update(is_active=False)  # no signal: the tokens stay as they were
    page = overview.department_week(LAST_WEEK)
    assert [item.team for item in page.teams] == department[:2]
    assert page.incidents.count == kept_page["incidents"][1]


def test_the_query_count_when_every_part_is_kept(department, client_for, manager):
    client = client_for(manager)
    url = reverse("department-week", kwargs={"week": LAST_WEEK})
    # The first view also works out the week's ranking figures (reports/week_figures.py); the second
    # builds every part again from them.
    assert client.get(url).status_code == 200
    caches[overview.CACHE_ALIAS].clear()
    with CaptureQueriesContext(connection) as built:
        assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as kept_page:
        assert client.get(url).status_code == 200
    assert len(built.captured_queries) == OVERVIEW_QUERIES + ITEMS_READ + UPDATES_READ
    assert len(kept_page.captured_queries) == KEPT_QUERIES


def test_the_incident_list_is_cut_to_the_most_severe_with_a_link_to_the_week(department, client_for, manager):
    week_row = Week.objects.get(starts_on=LAST_WEEK.monday)
    team = department[0]
    for number in range(OVERVIEW_LIST_LIMIT):
        Incident.objects.create(
            team=team, week=week_row, title=f"minor {number}", grade="D", started_at=_at(number)
        )
    severe = Incident.objects.create(team=team, week=week_row, title="severe", grade="A", started_at=_at(30))
    page = overview.department_week(LAST_WEEK)
    listed = page.incidents.incidents
    assert len(listed) == OVERVIEW_LIST_LIMIT and severe in listed
    assert [record.started_at for record in listed] == sorted(record.started_at for record in listed)
    total = Incident.objects.filter(week=week_row).count()
    assert page.incidents.count == total and page.incidents.is_cut
    html = client_for(manager).get(reverse("department-week", kwargs={"week": LAST_WEEK})).content.decode()
    assert f'href="{reverse("incident-list")}?week={LAST_WEEK}"' in html
    assert f"of {total} records" in html
    listing = client_for(manager).get(reverse("incident-list"), {"week": str(LAST_WEEK)})
    assert listing.status_code == 200
    assert listing.context["table"].page.paginator.count == total


def _at(hour: int):
    return timezone.make_aware(dt.datetime.combine(LAST_WEEK.monday, dt.time(0)) + dt.timedelta(hours=hour))


def test_team_figures_add_up_to_the_department_figures(department):
    records = list(
        Incident.objects.filter(week__starts_on__in=[LAST_WEEK.monday, LAST_WEEK.previous().monday])
    )
    by_team = {}
    for record in records:
        by_team.setdefault(record.team_id, []).append(record)
    summed = sum((WeekFigures.of(rows, LAST_WEEK) for rows in by_team.values()), WeekFigures.nothing())
    assert summed == WeekFigures.of(records, LAST_WEEK)
    assert summed.records > 0 and summed.this_tally != {grade: Decimal(0) for grade in summed.this_tally}


def test_after_a_restart_the_parts_are_read_back_from_the_database(
    department, settings, builds, client_for, manager
):
    settings.CACHES = {
        **settings.CACHES,
        overview.CACHE_ALIAS: {"BACKEND": "ops.fragment_store.KeptFragmentCache", "LOCATION": "test-restart"},
    }
    kept = caches[overview.CACHE_ALIAS]
    kept.clear()
    client = client_for(manager)
    url = reverse("department-week", kwargs={"week": LAST_WEEK})
    client.get(url)
    built = snapshot(overview.department_week(LAST_WEEK))
    kept.forget_in_this_process()
    with CaptureQueriesContext(connection) as restarted:
        assert client.get(url).status_code == 200
    # Every part, then every row shown, read back in one query each: nothing built again.
    assert len(restarted.captured_queries) == KEPT_QUERIES + 2
    assert builds == [sorted(team.slug for team in department)]
    kept.forget_in_this_process()
    assert snapshot(overview.department_week(LAST_WEEK)) == built == from_every_row()
    kept.clear()


def test_rows_deleted_while_the_page_is_built_are_left_out(department, monkeypatch, client_for, manager):
    """A KPI, an incident and a key result deleted between the ranking and the loading of the rows shown
    (another request's write) are not printed, and the page is still served."""
    gone: dict[str, int] = {}
    real_load, real_whole = overview._load_rows, overview.make_whole

    def first_id(keys: list[str], kind: str) -> int:
        return next(int(key.partition(":")[2]) for key in keys if key.startswith(f"{kind}:"))

    def load_after_deletes(keys, *args):
        keys = list(keys)
        if not gone.get("kpi"):
            gone["kpi"] = first_id(keys, overview.ATTENTION)
            gone["incident"] = first_id(keys, overview.INCIDENT)
            # Values protect their KPI: an admin deletes them first.
            KPIValue.objects.filter(kpi_id=gone["kpi"]).delete()
            KPI.objects.filter(pk=gone["kpi"]).delete()
            Incident.objects.filter(pk=gone["incident"]).delete()
        return real_load(keys, *args)

    def make_whole_after_a_delete(rows):
        rows = list(rows)
        if not gone.get("key_result"):
            gone["key_result"] = rows[0].key_result.pk
            KeyResultUpdate.objects.filter(key_result_id=gone["key_result"]).delete()
            KeyResult.objects.filter(pk=gone["key_result"]).delete()
        return real_whole(rows)

    pages = []
    real_week = overview.department_week
    monkeypatch.setattr(overview, "_load_rows", load_after_deletes)
    monkeypatch.setattr(overview, "make_whole", make_whole_after_a_delete)
    monkeypatch.setattr(overview, "department_week", lambda week: pages.append(real_week(week)) or pages[-1])

    response = client_for(manager).get(reverse("department-week", kwargs={"week": LAST_WEEK}))

    assert response.status_code == 200
    assert set(gone) == {"kpi", "incident", "key_result"}
    assert reverse("kpi-detail", kwargs={"pk": gone["kpi"]}) not in response.content.decode()
    page = pages[0]
    # The lists' objects are the printed rows, one for one (RenderedRows checks the count).
    assert gone["kpi"] not in [row.kpi.pk for row in [*page.improved, *page.attention]]
    assert gone["kpi"] not in [row.kpi.pk for item in page.teams for row in item.headline]
    assert gone["incident"] not in [record.pk for record in page.incidents.incidents]
    assert gone["key_result"] not in [row.key_result.pk for group in page.okr_groups for row in group.rows]
    assert len(page.attention) == OVERVIEW_LIST_LIMIT - 1
