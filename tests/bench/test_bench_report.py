"""The bench's own logic: the budget verdicts and the form reader the POST measurement relies on."""

import pytest
from django.core.signals import request_started
from django.urls import reverse

from bench import measure
from bench.measure import form_data, measure_page, percentile
from bench.report import budget, cold_table, foreign_sections, markdown, merge_round

FORM_PAGE = """
<form method="post" action="/i18n/setlang/"><input name="language" value="zh-hans"></form>
<form method="post">
  <input type="hidden" name="revision" value="3">
  <input name="kpi_1" value="313">
  <input type="checkbox" name="plan_1_done" checked>
  <input type="checkbox" name="plan_2_done">
  <textarea name="reflections">
line one
line two</textarea>
  <select name="kr_1_status">
    <option value="on_track">On</option><option value="done" selected>Done</option>
  </select>
  <select name="kr_2_status"><option value="on_track">On</option><option value="blocked">B</option></select>
  <button type="submit" name="action" value="save">Save draft</button>
  <button type="submit" name="action" value="submit">Submit</button>
</form>
"""


def test_form_reader_submits_the_pages_own_form_as_a_browser_would():
    data = form_data(FORM_PAGE, "/teams/payments/weeks/2024-W33/edit/")
    assert data == {
        "revision": ["3"],
        "kpi_1": ["313"],
        "plan_1_done": ["on"],
        "reflections": ["line one\nline two"],
        "kr_1_status": ["done"],
        "kr_2_status": ["on_track"],
        "action": ["save"],
    }


def test_percentile_picks_the_95th_of_twenty():
    assert percentile([float(n) for n in range(1, 21)], 0.95) == 19.0


def _run(scale, *, queries=10, median=20.0, admin=30.0, ratio=0.5, rss=50.0):
    pages = {"team_week": {"queries": queries, "median_ms": median, "p95_ms": median}}
    pages["admin_changelist"] = {"queries": 9, "median_ms": admin, "p95_ms": admin}
    return {
        "db": "sqlite",
        "scale": scale,
        "pages": pages,
        "throughput": {
            "ratio": ratio,
            "workers": 2,
            "threads": 4,
            "seconds_per_target": 8,
            "team_week": {"ok": 10, "requests_per_second": 40, "statuses": {"200": 10}},
            "minimal": {"requests_per_second": 80},
        },
        "csv_export": {
            "status": 200,
            "streaming": True,
            "rss_peak_mb": 90.0,
            "rss_growth_mb": rss,
            "tracemalloc_peak_mb": 5.0,
            "lines": 1,
            "bytes": 1,
            "seconds": 1,
        },
    }


def verdicts(checks):
    return {check["check"]: check["result"] for check in checks}


def test_budget_passes_when_every_figure_is_within_it():
    result = verdicts(budget([_run(1), _run(100, median=25.0)]))
    assert result["queries do not grow: team_week"] == "PASS"
    assert result["time x100/x1 <= 1.3: team_week"] == "PASS"
    assert result["team week faster than admin changelist (x100)"] == "PASS"
    assert result["team week throughput >= 40% of minimal (x100)"] == "PASS"
    assert result["CSV export of all values (x100) < 100 MB"] == "PASS"
    # Pages that were not measured are neither passed nor missed.
    assert result["queries do not grow: overview"] == "N/A"


def test_budget_misses_growing_queries_slower_pages_and_memory():
    runs = [_run(1), _run(100, queries=11, median=27.0, admin=26.0, ratio=0.39, rss=120.0)]
    result = verdicts(budget(runs))
    assert result["queries do not grow: team_week"] == "MISS"
    assert result["time x100/x1 <= 1.3: team_week"] == "MISS"
    assert result["team week faster than admin changelist (x100)"] == "MISS"
    assert result["team week throughput >= 40% of minimal (x100)"] == "MISS"
    assert result["CSV export of all values (x100) < 100 MB"] == "MISS"


def test_results_page_has_a_budget_table_and_a_section_per_run():
    runs = [_run(1), _run(100)]
    for run in runs:
        run.update(database="bench", generation_seconds=1.0, rows={})
        for page in run["pages"].values():
            page.update(method="GET", url="/x/", status=200, n=20)
    results = {
        "date": "2026-01-01T00:00:00+00:00",
        "machine": {"cpu": "cpu", "cpus": 2, "platform": "linux", "python": "3.11"},
        "total_seconds": 1,
        "runs": runs,
        "budget": budget(runs),
    }
    text = markdown(results)
    assert "| team week faster than admin changelist (x100) | sqlite | **PASS** |" in text
    assert "### sqlite — scale 1" in text
    assert "### sqlite — scale 100" in text


def test_rounds_are_pooled_into_one_median_and_a_changing_query_count_shows():
    run = {}
    first = {"pages": {"team_week": {"queries": 15, "samples_ms": [10.0, 12.0, 14.0]}}}
    second = {"pages": {"team_week": {"queries": 16, "samples_ms": [30.0, 32.0]}}, "throughput": {"x": 1}}
    merge_round(run, first)
    merge_round(run, second)
    page = run["pages"]["team_week"]
    assert page["n"] == 5
    assert page["median_ms"] == 14.0
    assert page["queries_by_round"] == [15, 16]
    assert page["queries"] == 16
    assert run["throughput"] == {"x": 1}


def test_the_round_with_the_median_throughput_ratio_stands_for_the_run():
    run = {}
    for ratio in (0.52, 0.31, 0.47):
        merge_round(run, {"pages": {}, "throughput": {"ratio": ratio}})
    assert run["throughput"] == {"ratio": 0.47}
    assert [load["ratio"] for load in run["throughput_rounds"]] == [0.52, 0.31, 0.47]


def test_the_concurrent_writers_section_survives_a_rewrite():
    old = "# Results\n\n## Budget\n\nold\n\n## Concurrent writers\n\n| x |\n\n## Findings\n\nold\n"
    assert foreign_sections(old) == "\n## Concurrent writers\n\n| x |\n"
    assert foreign_sections("# Results\n") == ""


def test_first_views_after_a_write_are_in_the_budget_and_shown_beside_it():
    # Issue #16 moved the cold pages into the budget: they had been shown beside it only.
    runs = [_run(1), _run(100)]
    for run, cold_ms in zip(runs, (30.0, 300.0), strict=True):
        run["pages"]["overview_cold"] = {"queries": 11, "median_ms": cold_ms, "p95_ms": cold_ms}
        run["pages"]["team_week_cold"] = {"queries": 18, "median_ms": 40.0, "p95_ms": 40.0}
    checks = budget(runs)
    assert verdicts(checks)["time x100/x1 <= 1.3: overview_cold"] == "MISS"
    assert verdicts(checks)["time x100/x1 <= 1.3: team_week_cold"] == "PASS"
    assert (
        "first view after a write: 40.0 ms"
        in verdict_details(checks)["team week faster than admin changelist (x1)"]
    )
    table = cold_table(runs)
    assert "| overview | sqlite | 11 / 11 | x1: 30.0 / x100: 300.0 | x10.00 |" in table
    assert "| team_week | sqlite | 18 / 18 | x1: 40.0 / x100: 40.0 | x1.00 |" in table


def test_every_cold_page_is_compared_with_the_admin_of_its_rows():
    runs = [_run(1)]
    pages = runs[0]["pages"]
    pages["kpi_list"] = {"queries": 6, "median_ms": 30.0, "admin": "admin_values"}
    pages["admin_values"] = {"queries": 9, "median_ms": 25.0}
    pages["form_get"] = {"queries": 15, "median_ms": 20.0, "admin": "admin_team_week"}
    pages["admin_team_week"] = {"queries": 9, "median_ms": 25.0}
    pages["kpi_detail"] = {"queries": 4, "median_ms": 20.0, "admin": "admin_kpi_values"}
    result = verdicts(budget(runs))
    assert result["cold page faster than the admin of its rows (x1): kpi_list"] == "MISS"
    assert result["cold page faster than the admin of its rows (x1): form_get"] == "PASS"
    assert result["cold page faster than the admin of its rows (x1): kpi_detail"] == "N/A"


def test_csv_export_is_held_to_a_share_of_the_floor_and_xlsx_to_a_refusal():
    runs = [_run(1)]
    export = runs[0]["csv_export"]
    export.update(rows_per_second=25_000, floor={"rows_per_second": 100_000, "seconds": 1.0})
    export["xlsx"] = {"refused": True, "message_shown": True, "row_limit": 50_000, "seconds": 0.1}
    result = verdicts(budget(runs))
    assert result["CSV export of all values (x1) >= 30% of the values_list floor"] == "MISS"
    assert result["XLSX export of all values (x1) refused above the row limit, pointing to CSV"] == "PASS"
    export["rows_per_second"] = 31_000
    export["xlsx"]["message_shown"] = False
    result = verdicts(budget(runs))
    assert result["CSV export of all values (x1) >= 30% of the values_list floor"] == "PASS"
    assert result["XLSX export of all values (x1) refused above the row limit, pointing to CSV"] == "MISS"


def verdict_details(checks):
    return {check["check"]: check["detail"] for check in checks}


def test_a_page_that_reads_fewer_queries_at_a_larger_scale_does_not_grow():
    # _run(1) reads 10 queries (see _run); one fewer at scale 100 is not growth.
    runs = [_run(1), _run(100, queries=9)]
    assert verdicts(budget(runs))["queries do not grow: team_week"] == "PASS"


def test_the_admin_requested_alternately_with_a_page_is_its_yardstick():
    runs = [_run(1)]
    pages = runs[0]["pages"]
    # The admin's own block ran while the host was fast; beside the page it measured as slow as the page.
    pages["admin_values"] = {"queries": 9, "median_ms": 25.0}
    pages["kpi_list"] = {"queries": 6, "median_ms": 30.0, "admin": "admin_values", "admin_median_ms": 33.0}
    pages["kpi_list_week"] = {
        "queries": 6,
        "median_ms": 20.0,
        "admin": "admin_values",
        "admin_median_ms": 19.0,
    }
    checks = budget(runs)
    result = verdicts(checks)
    assert result["cold page faster than the admin of its rows (x1): kpi_list"] == "PASS"
    assert result["cold page faster than the admin of its rows (x1): kpi_list_week"] == "MISS"
    detail = verdict_details(checks)["cold page faster than the admin of its rows (x1): kpi_list"]
    assert detail == "30.0 ms vs admin_values 33.0 ms (requested alternately)"


def test_rounds_pool_the_alternated_admin_samples_with_the_pages():
    run = {}
    first = {"pages": {"kpi_list": {"samples_ms": [10.0, 30.0], "admin_samples_ms": [40.0, 50.0]}}}
    second = {"pages": {"kpi_list": {"samples_ms": [20.0], "admin_samples_ms": [20.0]}}}
    merge_round(run, first)
    merge_round(run, second)
    page = run["pages"]["kpi_list"]
    assert page["admin_samples_ms"] == [40.0, 50.0, 20.0]
    assert page["admin_median_ms"] == 40.0
    assert page["median_ms"] == 20.0


@pytest.mark.django_db
def test_a_page_and_its_admin_are_requested_alternately(client, django_user_model, monkeypatch):
    monkeypatch.setattr(measure, "TIME_PER_PAGE", 0)  # the fewest timed requests: measure.MIN_REPS
    admin = django_user_model.objects.create_superuser("bench-admin", password="x")
    client.force_login(admin)
    requested = []
    page = {"name": "kpi_list", "url": reverse("kpi-list"), "user": "admin"}
    yardstick = {"name": "admin_values", "url": "/admin/reports/kpivalue/", "user": "admin"}

    def record(**kwargs):
        requested.append(kwargs["environ"]["PATH_INFO"])

    request_started.connect(record)
    try:
        result = measure_page(client, page, (client, yardstick))
    finally:
        request_started.disconnect(record)
    assert result["status"] == 200
    assert len(result["admin_samples_ms"]) == len(result["samples_ms"]) >= 10
    timed = requested[-2 * len(result["samples_ms"]) :]
    assert timed == [page["url"], yardstick["url"]] * len(result["samples_ms"])
    assert result["admin_median_ms"] > 0
