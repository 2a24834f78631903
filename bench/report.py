"""The budget checks and RESULTS.md, from the measurements bench.run collected."""

from __future__ import annotations

import statistics
from pathlib import Path

FINDINGS = Path(__file__).resolve().parent / "FINDINGS.md"
TIME_RATIO = 1.3
THROUGHPUT_SHARE = 0.4
CSV_MEMORY_MB = 100
CSV_FLOOR_SHARE = 0.3
PAGE_ORDER = [
    "overview",
    "overview_cold",
    "overview_restart",
    "overview_all_cold",
    "overview_language",
    "overview_after_saves",
    "team_week",
    "team_week_cold",
    "form_get",
    "form_post",
    "kpi_list",
    "kpi_list_by_change",
    "kpi_list_week",
    "kpi_detail",
    "okr_list",
    "okr_list_all",
    "incident_list",
    "api_kpi_values",
    "api_kpi_values_put",
    "admin_changelist",
    "admin_team_week",
    "admin_values",
    "admin_kpi_values",
    "admin_team_key_results",
    "admin_key_results",
    "admin_incidents",
]
# The admin changelists are the yardsticks each page is compared with, not pages of the app.
ADMIN = {name for name in PAGE_ORDER if name.startswith("admin_")}
# Measured and shown, but outside the scale checks: the whole department's OKR board is one row per key
# result of every team, so its content grows with the scale by design (it is still compared with the admin).
OUTSIDE_BUDGET = ADMIN | {"okr_list_all"}
# Checked for constant queries and against the admin, not for time across scales: with every team's part
# dropped the overview builds thirty teams' parts at scale 100 and one at scale 1; after a restart it reads
# thirty kept parts where scale 1 reads one; in a second language it writes thirty cards where scale 1
# writes one; after every team's save it reads thirty parts and cards their saves kept.
# Sorting every value of every week by its change reads them all, at any scale, as the admin's list does.
OUTSIDE_SCALE_RATIO = {
    "overview_restart",
    "overview_all_cold",
    "overview_language",
    "overview_after_saves",
    "kpi_list_by_change",
}
# The dashboards as rendered on the first view after a write, before the page cache holds them.
COLD = {
    "overview_cold": "overview",
    "overview_restart": "overview, after a restart (the parts read from the database)",
    "overview_all_cold": "overview, every team's part dropped",
    "overview_language": "overview, first view in a second language (the parts kept, the cards written)",
    "overview_after_saves": "overview, first view after every team saved its week (parts kept by the saves)",
    "team_week_cold": "team_week",
}


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def summary(seconds: list[float]) -> dict:
    return {
        "n": len(seconds),
        "median_ms": round(statistics.median(seconds) * 1000, 3),
        "p95_ms": round(percentile(seconds, 0.95) * 1000, 3),
        "min_ms": round(min(seconds) * 1000, 3),
    }


def merge_round(run: dict, measured: dict):
    """Pool a later round's samples into the run; a page whose query count differs says so."""
    if "pages" not in run:
        run.update(measured)
        if "throughput" in measured:
            run["throughput_rounds"] = [measured["throughput"]]
        return
    for name, page in measured["pages"].items():
        pooled = run["pages"].setdefault(name, page)
        if pooled is page or "samples_ms" not in page or "samples_ms" not in pooled:
            continue
        if page.get("queries") != pooled.get("queries"):
            pooled.setdefault("queries_by_round", [pooled["queries"]]).append(page.get("queries"))
            pooled["queries"] = max(pooled["queries"], page.get("queries") or 0)
        pooled["samples_ms"] += page["samples_ms"]
        pooled.update(summary([value / 1000 for value in pooled["samples_ms"]]))
        if "admin_samples_ms" in page and "admin_samples_ms" in pooled:
            pooled["admin_samples_ms"] += page["admin_samples_ms"]
            pooled["admin_median_ms"] = round(statistics.median(pooled["admin_samples_ms"]), 3)
    if "sql_floor" in measured:
        run["sql_floor"] = measured["sql_floor"]
    if "throughput" in measured:
        # Each round's ratio is measured back to back under one server; the round with the median
        # ratio stands for the run, and every round's ratio is listed beside it.
        rounds = run.get("throughput_rounds", []) + [measured["throughput"]]
        rounds = [load for load in rounds if load.get("ratio") is not None] or rounds
        run["throughput_rounds"] = rounds
        run["throughput"] = sorted(rounds, key=lambda load: load.get("ratio") or 0)[(len(rounds) - 1) // 2]


def _runs_by(runs: list[dict]) -> dict[str, dict[int, dict]]:
    by_db: dict[str, dict[int, dict]] = {}
    for run in runs:
        by_db.setdefault(run["db"], {})[run["scale"]] = run
    return by_db


def _check(name: str, db: str, passed: bool | None, detail: str) -> dict:
    result = "PASS" if passed else ("MISS" if passed is not None else "N/A")
    return {"check": name, "db": db, "result": result, "detail": detail}


def budget(runs: list[dict]) -> list[dict]:
    checks = []
    for db, by_scale in _runs_by(runs).items():
        scales = sorted(by_scale)
        small, large = scales[0], scales[-1]
        for page in PAGE_ORDER:
            if page in OUTSIDE_BUDGET:
                continue
            measured = [by_scale[s]["pages"].get(page, {}) for s in scales]
            counts = [m.get("queries") for m in measured]
            if any(count is None for count in counts):
                errors = ", ".join(
                    f"{s}: {m.get('error', 'not measured')}" for s, m in zip(scales, measured, strict=True)
                )
                checks.append(_check(f"queries do not grow: {page}", db, None, errors))
                checks.append(_check(f"time x{large}/x{small} <= {TIME_RATIO}: {page}", db, None, errors))
                continue
            detail = " / ".join(f"x{s}: {c}" for s, c in zip(scales, counts, strict=True))
            # Not more than at the smallest scale: a row shown from another team's kept part can spare the
            # query that loads it, so a larger department may read one query fewer, never one more.
            grows = any(count > counts[0] for count in counts[1:])
            checks.append(_check(f"queries do not grow: {page}", db, not grows, detail))
            if page in OUTSIDE_SCALE_RATIO:
                continue
            ratio = measured[-1]["median_ms"] / measured[0]["median_ms"]
            detail = f"{measured[0]['median_ms']:.1f} ms -> {measured[-1]['median_ms']:.1f} ms (x{ratio:.2f})"
            checks.append(
                _check(f"time x{large}/x{small} <= {TIME_RATIO}: {page}", db, ratio <= TIME_RATIO, detail)
            )
        for scale in scales:
            checks += _against_admin(db, scale, by_scale[scale]["pages"])
        for scale in scales:
            pages = by_scale[scale]["pages"]
            team, admin = pages.get("team_week", {}), pages.get("admin_changelist", {})
            cold = pages.get("team_week_cold", {}).get("median_ms")
            if "median_ms" in team and "median_ms" in admin:
                detail = f"{team['median_ms']:.1f} ms vs admin {admin['median_ms']:.1f} ms"
                if cold is not None:
                    detail += f" (first view after a write: {cold:.1f} ms)"
                checks.append(
                    _check(
                        f"team week faster than admin changelist (x{scale})",
                        db,
                        team["median_ms"] < admin["median_ms"],
                        detail,
                    )
                )
            else:
                checks.append(
                    _check(f"team week faster than admin changelist (x{scale})", db, None, "not measured")
                )
            load = by_scale[scale].get("throughput")
            if load and load.get("ratio") is not None and load["team_week"]["ok"]:
                detail = (
                    f"{load['team_week']['requests_per_second']} vs {load['minimal']['requests_per_second']} "
                    f"req/s ({load['ratio']:.0%})"
                )
                checks.append(
                    _check(
                        f"team week throughput >= {THROUGHPUT_SHARE:.0%} of minimal (x{scale})",
                        db,
                        load["ratio"] >= THROUGHPUT_SHARE,
                        detail,
                    )
                )
            else:
                checks.append(
                    _check(
                        f"team week throughput >= {THROUGHPUT_SHARE:.0%} of minimal (x{scale})",
                        db,
                        None,
                        "not measured",
                    )
                )
        export = by_scale[large].get("csv_export", {})
        if "rss_growth_mb" in export and export.get("status") == 200:
            peak = max(export["rss_growth_mb"], export["tracemalloc_peak_mb"])
            detail = (
                f"{export['lines']} lines, {export['bytes'] / 2**20:.0f} MB in {export['seconds']} s; "
                f"RSS growth {export['rss_growth_mb']} MB, Python peak {export['tracemalloc_peak_mb']} MB"
            )
            checks.append(
                _check(
                    f"CSV export of all values (x{large}) < {CSV_MEMORY_MB} MB",
                    db,
                    peak < CSV_MEMORY_MB,
                    detail,
                )
            )
        else:
            checks.append(
                _check(
                    f"CSV export of all values (x{large}) < {CSV_MEMORY_MB} MB",
                    db,
                    None,
                    export.get("error") or f"status {export.get('status')}",
                )
            )
        checks += _csv_checks(db, large, export)
    return checks


def _against_admin(db: str, scale: int, pages: dict) -> list[dict]:
    """Each page rendered cold against the admin changelist of the same rows, measured in the same run."""
    checks = []
    for name in PAGE_ORDER:
        page = pages.get(name, {})
        if not page.get("admin"):
            continue
        admin = pages.get(page["admin"], {})
        label = f"cold page faster than the admin of its rows (x{scale}): {name}"
        # The admin requested alternately with the page (bench.measure.measure_page) is the yardstick;
        # results measured before that compare with the admin's own block.
        yardstick = page.get("admin_median_ms", admin.get("median_ms"))
        if "median_ms" not in page or yardstick is None:
            checks.append(_check(label, db, None, page.get("error") or admin.get("error") or "not measured"))
            continue
        detail = f"{page['median_ms']:.1f} ms vs {page['admin']} {yardstick:.1f} ms"
        if "admin_median_ms" in page:
            detail += " (requested alternately)"
        checks.append(_check(label, db, page["median_ms"] < yardstick, detail))
    return checks


def _csv_checks(db: str, scale: int, export: dict) -> list[dict]:
    checks = []
    floor = export.get("floor") or {}
    label = f"CSV export of all values (x{scale}) >= {CSV_FLOOR_SHARE:.0%} of the values_list floor"
    if export.get("status") == 200 and export.get("rows_per_second") and floor.get("rows_per_second"):
        share = export["rows_per_second"] / floor["rows_per_second"]
        detail = (
            f"{export['rows_per_second']} vs floor {floor['rows_per_second']} rows/s ({share:.0%}); "
            f"export {export['seconds']} s, floor {floor['seconds']} s"
        )
        checks.append(_check(label, db, share >= CSV_FLOOR_SHARE, detail))
    else:
        checks.append(_check(label, db, None, export.get("error") or "not measured"))
    xlsx = export.get("xlsx") or {}
    label = f"XLSX export of all values (x{scale}) refused above the row limit, pointing to CSV"
    if xlsx:
        detail = (
            f"limit {xlsx['row_limit']} rows: refused={xlsx['refused']}, message names CSV="
            f"{xlsx['message_shown']}, {xlsx['seconds']} s"
        )
        checks.append(_check(label, db, xlsx["refused"] and xlsx["message_shown"], detail))
    else:
        checks.append(_check(label, db, None, "not measured"))
    return checks


def cold_table(runs: list[dict]) -> str:
    """The cached dashboards' first view after a write, scale against scale, beside the budget."""
    lines = [
        "| page | db | queries | median ms by scale | largest / smallest |",
        "|---|---|---|---|---|",
    ]
    for db, by_scale in _runs_by(runs).items():
        scales = sorted(by_scale)
        for cold, served in COLD.items():
            measured = [by_scale[s]["pages"].get(cold, {}) for s in scales]
            if not all("median_ms" in m for m in measured):
                continue
            queries = " / ".join(str(m.get("queries")) for m in measured)
            times = " / ".join(f"x{s}: {m['median_ms']:.1f}" for s, m in zip(scales, measured, strict=True))
            ratio = measured[-1]["median_ms"] / measured[0]["median_ms"]
            lines.append(f"| {served} | {db} | {queries} | {times} | x{ratio:.2f} |")
    return "\n".join(lines)


def budget_table(checks: list[dict]) -> str:
    lines = ["| check | db | result | detail |", "|---|---|---|---|"]
    lines += [f"| {c['check']} | {c['db']} | **{c['result']}** | {c['detail']} |" for c in checks]
    return "\n".join(lines)


def _server(load: dict) -> str:
    server = load.get("server")
    if not server:  # results written before the server settings were recorded: sync workers
        return f"-w {load['workers']} sync"
    workers = f"{server['workers']} {server['worker_class']} workers × {server['threads']} threads"
    return f"{workers}, gunicorn.conf.py"


def _round_ratios(run: dict) -> str:
    ratios = [load.get("ratio") for load in run.get("throughput_rounds", [])]
    if len(ratios) < 2:
        return ""
    return " (the median of the rounds' ratios " + ", ".join(str(ratio) for ratio in ratios) + ")"


def _run_section(run: dict) -> str:
    rows = run.get("rows", {})
    lines = [
        f"### {run['db']} — scale {run['scale']}",
        "",
        f"Database `{run['database']}`: {rows.get('Team')} teams, {rows.get('KPIValue')} KPI values, "
        f"{rows.get('KeyResultUpdate')} key result updates, {rows.get('WeeklyReport')} weekly reports, "
        f"{rows.get('Incident')} incidents. Generated in {run['generation_seconds']} s"
        + (" (reused, generated by an earlier run)." if run.get("reused") else "."),
        "",
        "| page | URL | status | queries | median ms | p95 ms | n |",
        "|---|---|---|---|---|---|---|",
    ]
    for name in PAGE_ORDER:
        page = run["pages"].get(name)
        if page is None:
            continue
        label = name
        if name in ADMIN:
            label = f"{name} (the yardstick)"
        elif name in OUTSIDE_BUDGET:
            label = f"{name} (outside the scale checks)"
        if name in COLD:
            label = f"{name} (first view after a write)"
        lines.append(
            f"| {label} | `{page['method']} {page['url']}` | {page.get('status')} | "
            f"{page.get('queries', '–')} | {page.get('median_ms', '–')} | {page.get('p95_ms', '–')} | "
            f"{page.get('n', page.get('error', ''))} |"
        )
    floor = run.get("sql_floor")
    if floor:
        lines += [
            "",
            f"SQL floor (the team week's {floor['rows']} KPI rows with this and last week's value, one "
            f"hand-written query): median {floor['median_ms']} ms, p95 {floor['p95_ms']} ms.",
        ]
    load = run.get("throughput")
    if load:
        lines += [
            "",
            f"Throughput under gunicorn ({_server(load)}, {load.get('load_threads', load.get('threads'))} "
            f"client threads, {load['seconds_per_target']} s each): minimal view "
            f"{load['minimal']['requests_per_second']} req/s, logged-in minimal view "
            f"{load.get('minimal_logged_in', {}).get('requests_per_second')} req/s, "
            f"team week {load['team_week']['requests_per_second']} req/s "
            f"(statuses {load['team_week']['statuses']}), ratio {load['ratio']}" + _round_ratios(run) + ".",
        ]
    export = run.get("csv_export")
    if export:
        if "error" in export or export.get("status") != 200:
            lines += ["", f"CSV export: {export.get('error') or export.get('status')}"]
        else:
            lines += [
                "",
                f"CSV export of all KPI values: {export['lines']} lines, {export['bytes']} bytes in "
                f"{export['seconds']} s, streaming={export['streaming']}; peak RSS growth "
                f"{export['rss_growth_mb']} MB (process peak {export['rss_peak_mb']} MB), Python allocations "
                f"peak {export['tracemalloc_peak_mb']} MB.",
            ]
            floor = export.get("floor")
            if floor:
                lines.append(
                    f"The floor (`values_list` of the same rows' stored fields into `csv.writer`, same "
                    f"joins and order): {floor['lines']} rows in {floor['seconds']} s, "
                    f"{floor['rows_per_second']} rows/s; the export {export.get('rows_per_second')} rows/s."
                )
            xlsx = export.get("xlsx")
            if xlsx:
                lines.append(
                    f"XLSX of all KPI values: status {xlsx['status']}, refused={xlsx['refused']} (limit "
                    f"{xlsx['row_limit']} rows), {xlsx['bytes']} bytes in {xlsx['seconds']} s."
                )
    return "\n".join(lines)


# Sections of RESULTS.md that other bench tools write (bench.load_concurrent); kept on rewrite.
FOREIGN_HEADINGS = ("## Concurrent writers",)


def foreign_sections(text: str) -> str:
    kept = []
    for heading in FOREIGN_HEADINGS:
        start = text.find(heading)
        if start == -1:
            continue
        end = text.find("\n## ", start + len(heading))
        kept.append(text[start:] if end == -1 else text[start : end + 1])
    return "".join("\n" + section.rstrip("\n") + "\n" for section in kept)


def markdown(results: dict) -> str:
    machine = results["machine"]
    parts = [
        "# reportsite benchmark results",
        "",
        "Written by `make bench` (`python -m bench.run`); the generator and its formula are described in "
        "`bench/generator.py`. Server times are the Django test client in-process (DEBUG off, logged in), "
        f"medians and 95th percentiles after warm-up, every scale measured in {results.get('rounds', 2)} "
        f"interleaved rounds of at least {results.get('seconds_per_page', 2)} s per page (10 to 100 "
        "requests) whose samples are pooled. Conditions: a shared 2-CPU virtual machine whose "
        "speed varies from minute to minute (see the load averages), so single figures are noisy; the "
        "budget compares medians, and a page compared with an admin changelist is requested alternately "
        "with it, so the two medians come from the same minutes.",
        "",
        f"- Date: {results['date']} (UTC)",
        f"- Machine: {machine['cpu']} × {machine['cpus']} CPUs, {machine['platform']}, "
        f"Python {machine['python']}",
        f"- Load average at start {machine.get('load_average_at_start')}, at end "
        f"{machine.get('load_average_at_end')}; total run {results['total_seconds']} s.",
        "",
        "## Budget",
        "",
        budget_table(results["budget"]),
        "",
        "### First view after a write",
        "",
        "The overview and the team week are served from the page cache (`ops/page_cache.py`), keyed on a "
        "data version that every committed write renews. The first view after a write renders the page "
        "afresh, once per server process; every page is measured that way (the cache emptied before each "
        "timed request) and compared above with the admin changelist of the same rows. The overview is "
        "assembled from one part per team, kept under that team's own data version (`pages/overview.py`): "
        "its first view after a write is measured after a write to the measured team (its part rebuilt, "
        "the others' kept); after a restart of the server process (`overview_restart`: the parts read back "
        "from the database table behind each process's memory, `ops/fragment_store.py`); and with every "
        "team's part dropped (`overview_all_cold`, as after a write no team owns, a restore or a new "
        "release: nothing kept); in English after every part was built for a reader of Chinese "
        "(`overview_language`: the parts' figures kept, the cards and rows written again, as after a "
        "person's new name); and after every team saved its week since anyone last looked, as on a Monday "
        "morning (`overview_after_saves`: each save kept its team's part and, in the writer's language, "
        "its card). The dashboards:",
        "",
        cold_table(results["runs"]),
        "",
        "## Measurements",
    ]
    for run in results["runs"]:
        parts += ["", _run_section(run)]
    if FINDINGS.exists():
        parts += ["", FINDINGS.read_text().rstrip()]
    return "\n".join(parts) + "\n"
