"""In-process measurements of one bench database: server time and queries per page, the SQL floor,
gunicorn throughput and the CSV export's memory. Run by bench.run as a subprocess:

    DJANGO_SETTINGS_MODULE=bench.settings DATABASE_URL=... python -m bench.measure pages --out FILE
    ... python -m bench.measure csv-memory --out FILE
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
import tracemalloc
from html.parser import HTMLParser

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
django.setup()

from django.apps import apps  # noqa: E402
from django.contrib.auth.models import User  # noqa: E402
from django.core.cache import caches  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from api.models import ApiToken  # noqa: E402
from bench import generator  # noqa: E402
from bench.report import percentile, summary  # noqa: E402,F401
from ops import data_version, page_cache  # noqa: E402
from pages import overview  # noqa: E402
from reports.models import KPI, KPIValue, Team, Week  # noqa: E402
from reportsite.collector import settle_after_start_up  # noqa: E402

WEEK = generator.LAST_WEEK
TIME_PER_PAGE = float(os.environ.get("BENCH_SECONDS_PER_PAGE", "2"))
MIN_REPS, MAX_REPS, WARMUP = 10, 100, 3
TRACEMALLOC_LINES = 50_000


class _FormFields(HTMLParser):
    """The fields a browser would submit from the page's POST form (first submit button pressed)."""

    def __init__(self, action: str):
        super().__init__()
        self.action = action
        self.fields: list[tuple[str, str]] = []
        self.in_form = self.done = False
        self.submit: tuple[str, str] | None = None
        self._textarea: str | None = None
        self._select: str | None = None
        self._select_first: str | None = None
        self._select_chosen = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        # The page's own form posts to itself; base.html's language switcher posts elsewhere.
        is_post = (attrs.get("method") or "").lower() == "post"
        if (
            tag == "form"
            and is_post
            and not self.done
            and (attrs.get("action") or self.action) == self.action
        ):
            self.in_form = True
        if not self.in_form:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = (attrs.get("type") or "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.fields.append((name, attrs.get("value") or "on"))
            elif kind == "submit":
                self.submit = self.submit or (name, attrs.get("value") or "")
            elif kind not in ("file", "button", "image", "reset"):
                self.fields.append((name, attrs.get("value") or ""))
        elif tag == "button" and name and (attrs.get("type") or "submit") == "submit":
            self.submit = self.submit or (name, attrs.get("value") or "")
        elif tag == "textarea" and name:
            self._textarea, self._text = name, ""
        elif tag == "select" and name:
            self._select, self._select_first, self._select_chosen = name, None, False
        elif tag == "option" and self._select:
            value = attrs.get("value") or ""
            if self._select_first is None:
                self._select_first = value
            if "selected" in attrs and not self._select_chosen:
                self.fields.append((self._select, value))
                self._select_chosen = True

    def handle_data(self, data):
        if self._textarea:
            self._text += data

    def handle_endtag(self, tag):
        if tag == "form" and self.in_form:
            self.in_form, self.done = False, True
        elif tag == "textarea" and self._textarea:
            self.fields.append((self._textarea, self._text.removeprefix("\n")))
            self._textarea = None
        elif tag == "select" and self._select:
            if not self._select_chosen and self._select_first is not None:
                self.fields.append((self._select, self._select_first))
            self._select = None


def form_data(html: str, action: str) -> dict[str, list[str]]:
    parser = _FormFields(action)
    parser.feed(html)
    data: dict[str, list[str]] = {}
    for name, value in parser.fields:
        data.setdefault(name, []).append(value)
    if parser.submit:
        data.setdefault(parser.submit[0], []).append(parser.submit[1])
    return data


def context() -> dict:
    team = Team.objects.get(slug=f"{generator.SLUG_PREFIX}000")
    week = Week.objects.get(starts_on=WEEK.monday)
    kpi = KPI.objects.filter(team=team).order_by("position").first()
    return {
        "team": team,
        "week": week,
        "kpi": kpi,
        "admin": User.objects.get(username=generator.ADMIN_USERNAME),
        "lead": User.objects.get(username=f"{generator.SLUG_PREFIX}lead-000"),
    }


def pages(ctx: dict) -> list[dict]:
    """Every page, and beside it the Django admin changelist of the same rows ("admin": its name).

    Every GET page is measured cold: the page cache is emptied before each timed request, as on the
    first view after a write (for the pages the cache never holds this changes nothing). The two cached
    dashboards are measured as served as well.
    """
    team, week = ctx["team"].slug, WEEK
    team_pk, week_pk = ctx["team"].pk, ctx["week"].pk
    edit = reverse("team-week-edit", kwargs={"team": team, "week": week})
    overview = reverse("department-week", kwargs={"week": week})
    team_week = reverse("team-week", kwargs={"team": team, "week": week})
    values = "/admin/reports/kpivalue/"
    return [
        # As served: the dashboards come from the page cache until the data changes (ops/page_cache.py).
        {"name": "overview", "url": overview, "user": "admin"},
        {"name": "team_week", "url": team_week, "user": "admin"},
        # The first view after a write: the cache is emptied before every timed request. For the
        # overview that write is a lead's save of the measured team (its data version renewed, as a
        # commit renews it), so the overview builds that team's part again and keeps the others'
        # (pages/overview.py). "Restart" drops the parts from the process's memory, as a restart does, and
        # reads them back from the database (ops/fragment_store.py); "all cold" drops every team's part
        # everywhere, as a write no team owns does (a restore, a new release); "other language" (as after a
        # person's new name) is the first view in English after every part was built for a reader of
        # Chinese; "after saves" is the Monday view: every team saved its week since anyone looked, and
        # each save kept its team's part and card (pages/overview.py `keep_part_after_write`).
        {
            "name": "overview_cold",
            "url": overview,
            "user": "admin",
            "cold": True,
            "write_team": team_pk,
            "admin": "admin_changelist",
        },
        {
            "name": "overview_restart",
            "url": overview,
            "user": "admin",
            "cold": True,
            "restart": True,
            "admin": "admin_changelist",
        },
        {
            "name": "overview_all_cold",
            "url": overview,
            "user": "admin",
            "cold": True,
            "all_cold": True,
            "admin": "admin_changelist",
        },
        {
            "name": "overview_language",
            "url": overview,
            "user": "admin",
            "cold": True,
            "all_cold": True,
            "other_language": "zh-hans",
            "admin": "admin_changelist",
        },
        {
            "name": "overview_after_saves",
            "url": overview,
            "user": "admin",
            "cold": True,
            "all_cold": True,
            "after_saves": True,
            "admin": "admin_changelist",
        },
        {
            "name": "team_week_cold",
            "url": team_week,
            "user": "admin",
            "cold": True,
            "admin": "admin_team_week",
        },
        {"name": "form_get", "url": edit, "user": "lead", "cold": True, "admin": "admin_team_week"},
        {"name": "form_post", "url": edit, "user": "lead", "post": True},
        {
            "name": "kpi_list",
            "url": reverse("kpi-list"),
            "user": "admin",
            "cold": True,
            "admin": "admin_values",
        },
        # Every week's values sorted by their change against last week: a sort of the whole history,
        # which grows with it by construction, as the admin's unfiltered list does (bench/FINDINGS.md §19).
        {
            "name": "kpi_list_by_change",
            "url": reverse("kpi-list") + "?sort=-change",
            "user": "admin",
            "cold": True,
            "admin": "admin_values",
        },
        # One team's week: the same 40 rows at every scale. The whole department's week showed 40 rows
        # at scale 1 and a full page of 50 beyond, which measured the page size, not the scale.
        {
            "name": "kpi_list_week",
            "url": reverse("kpi-list") + f"?week={week}&team={team}",
            "user": "admin",
            "cold": True,
            "admin": "admin_team_week",
        },
        {
            "name": "kpi_detail",
            "url": reverse("kpi-detail", kwargs={"pk": ctx["kpi"].pk}),
            "user": "admin",
            "cold": True,
            "admin": "admin_kpi_values",
        },
        # The team's board shows the same 20 items at every scale; the whole department's grows with it.
        {
            "name": "okr_list",
            "url": reverse("okr-list") + f"?team={team}",
            "user": "admin",
            "cold": True,
            "admin": "admin_team_key_results",
        },
        {
            "name": "okr_list_all",
            "url": reverse("okr-list"),
            "user": "admin",
            "cold": True,
            "admin": "admin_key_results",
        },
        {
            "name": "incident_list",
            "url": reverse("incident-list"),
            "user": "admin",
            "cold": True,
            "admin": "admin_incidents",
        },
        # The API: one team's week of KPI values (40 rows at every scale), and a bulk PUT of those 40
        # values, alternating between two sets so that every timed PUT really writes.
        {
            "name": "api_kpi_values",
            "url": reverse("api:kpi-value-list") + f"?team={team}&week={week}",
            "user": "admin",
            "cold": True,
            "admin": "admin_team_week",
        },
        {
            "name": "api_kpi_values_put",
            "url": reverse("api:team-week-kpi-values", kwargs={"team": team, "week": week}),
            "user": "lead",
            "api_put": _put_bodies(ctx),
        },
        # The yardsticks: the admin changelist of the rows each page above shows (the admin pages by 100).
        {"name": "admin_changelist", "url": f"{values}?week__id__exact={week_pk}", "user": "admin"},
        {
            "name": "admin_team_week",
            "url": f"{values}?week__id__exact={week_pk}&kpi__team__id__exact={team_pk}",
            "user": "admin",
        },
        {"name": "admin_values", "url": values, "user": "admin"},
        {"name": "admin_kpi_values", "url": f"{values}?kpi__id__exact={ctx['kpi'].pk}", "user": "admin"},
        {
            "name": "admin_team_key_results",
            "url": f"/admin/okrs/keyresult/?objective__team__id__exact={team_pk}",
            "user": "admin",
        },
        {"name": "admin_key_results", "url": "/admin/okrs/keyresult/", "user": "admin"},
        {"name": "admin_incidents", "url": "/admin/incidents/incident/", "user": "admin"},
    ]


def _put_bodies(ctx: dict) -> list[dict]:
    """Two valid bodies that differ from each other, and a third that puts this week back as it was.

    The timed PUTs alternate between the values of the two weeks before this one, so every PUT really
    writes whatever an earlier run left in this week (alternating this week's values with last week's
    wrote nothing after an odd number of PUTs); the last body, sent untimed after them, restores this
    week's values for the next run.
    """
    mondays = [WEEK.monday, WEEK.shifted(-1).monday, WEEK.shifted(-2).monday]
    values = KPIValue.objects.filter(kpi__team=ctx["team"], week__starts_on__in=mondays)
    by_week: dict = {monday: {} for monday in mondays}
    for kpi_id, monday, value in values.values_list("kpi_id", "week__starts_on", "value"):
        by_week[monday][kpi_id] = value
    kpis = sorted(set.intersection(*(set(by_week[monday]) for monday in mondays)))[:40]
    return [
        {"values": [{"kpi": kpi, "value": str(by_week[monday][kpi])} for kpi in kpis]}
        for monday in (mondays[2], mondays[1], mondays[0])
    ]


def _make_cold(client: Client, page: dict):
    """What comes before a cold page's request, untimed and uncounted: the caches emptied, the write."""
    if page.get("cold"):
        caches[page_cache.CACHE_ALIAS].clear()
    if page.get("write_team"):
        data_version.bump(teams=[page["write_team"]])
    if page.get("restart"):
        caches[overview.CACHE_ALIAS].forget_in_this_process()
    if page.get("all_cold"):
        caches[overview.CACHE_ALIAS].clear()
    if page.get("after_saves"):
        # What each team's save does after its commit (outside a transaction it runs at once).
        for team in Team.objects.filter(is_active=True).values_list("pk", flat=True):
            overview.keep_part_after_write(team, WEEK)
    if page.get("other_language"):
        client.get(page["url"], headers={"accept-language": page["other_language"]})
        caches[page_cache.CACHE_ALIAS].clear()


def _request(client: Client, page: dict, prepared: bool = False):
    """One timed request; for the form POST, the untimed GET before it supplies fresh fields."""
    if page.get("api_put"):
        page["_turn"] = page.get("_turn", 0) + 1
        body = json.dumps(page["api_put"][page["_turn"] % 2])
        started = time.perf_counter()
        response = client.put(page["url"], body, content_type="application/json", headers=page["headers"])
        return time.perf_counter() - started, response
    if page.get("post"):
        data = form_data(client.get(page["url"]).content.decode(), page["url"])
        started = time.perf_counter()
        response = client.post(page["url"], data)
    else:
        if not prepared:
            _make_cold(client, page)
        started = time.perf_counter()
        response = client.get(page["url"])
    if response.streaming:
        b"".join(response.streaming_content)
    return time.perf_counter() - started, response


def measure_page(client: Client, page: dict, yardstick: tuple[Client, dict] | None = None) -> dict:
    """The page's queries and times; with a yardstick (its admin changelist, and the client that requests
    it), the two are requested alternately, so a change in the shared host's speed lands on both alike.

    Each page measured in its own block, tens of seconds from its admin's block, compared the host's
    speed at two moments as much as the pages: the same build's overview measured 48 to 66 ms in one
    session (bench/FINDINGS.md §28).
    """
    method = "PUT" if page.get("api_put") else "POST" if page.get("post") else "GET"
    result = {"url": page["url"], "user": page["user"], "method": method}
    if page.get("admin"):
        result["admin"] = page["admin"]
    _seconds, response = _request(client, page)
    result["status"] = response.status_code
    ok = response.status_code == 200 or (page.get("post") and response.status_code == 302)
    if not ok:
        result["error"] = f"status {response.status_code}"
        if page.get("post") and response.status_code == 200:
            result["error"] += " (the form re-rendered: the submitted fields were rejected)"
        return result
    if page.get("post"):
        data = form_data(client.get(page["url"]).content.decode(), page["url"])
        with CaptureQueriesContext(connection) as queries:
            client.post(page["url"], data)
    else:
        # The simulated write's two UPDATEs are not the page's queries.
        _make_cold(client, page)
        with CaptureQueriesContext(connection) as queries:
            _request(client, page, prepared=True)
    result["queries"] = len(queries.captured_queries)
    for _ in range(WARMUP):
        _request(client, page)
    seconds: list[float] = []
    beside: list[float] = []
    deadline = time.perf_counter() + TIME_PER_PAGE
    while len(seconds) < MIN_REPS or (time.perf_counter() < deadline and len(seconds) < MAX_REPS):
        elapsed, _response = _request(client, page)
        seconds.append(elapsed)
        if yardstick:
            elapsed, _response = _request(*yardstick)
            beside.append(elapsed)
    result.update(summary(seconds))
    # Kept so bench.run can pool rounds measured at different moments into one median.
    result["samples_ms"] = [round(value * 1000, 3) for value in seconds]
    if beside:
        result["admin_samples_ms"] = [round(value * 1000, 3) for value in beside]
        result["admin_median_ms"] = summary(beside)["median_ms"]
    return result


def sql_floor(ctx: dict) -> dict:
    """The rows the team week shows (each active KPI, this and last week's value), in one query."""
    previous = Week.objects.filter(starts_on=WEEK.previous().monday).values_list("pk", flat=True).first()
    sql = (
        'SELECT k.id, k.name, k."group", k.unit, k.unit_label, k.decimals, k.direction, k.target, '
        "cur.value, cur.note, prev.value "
        "FROM reports_kpi k "
        "LEFT JOIN reports_kpivalue cur ON cur.kpi_id = k.id AND cur.week_id = %s "
        "LEFT JOIN reports_kpivalue prev ON prev.kpi_id = k.id AND prev.week_id = %s "
        "WHERE k.team_id = %s AND k.is_active "
        'ORDER BY k."group", k.position, k.name'
    )
    params = [ctx["week"].pk, previous, ctx["team"].pk]
    seconds, rows = [], 0
    with connection.cursor() as cursor:
        for repetition in range(WARMUP + 200):
            started = time.perf_counter()
            cursor.execute(sql, params)
            rows = len(cursor.fetchall())
            if repetition >= WARMUP:
                seconds.append(time.perf_counter() - started)
    return {"sql": sql, "rows": rows, **summary(seconds)}


def session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def forget_bench_history() -> int:
    """Delete every history record: the generator writes none, so all came from earlier runs' writes.

    Each run's form POSTs and API PUTs add history to the measured team's week (40 rows a PUT), and the
    team week's change log reads that week's history: left, it grew run by run (8,640 rows after a day's
    runs at one scale, 0 at another), and the page measured the bench's past, not the scale.
    """
    deleted = 0
    with connection.cursor() as cursor:
        for model in apps.get_models():
            if hasattr(model, "instance_type"):  # simple-history's historical models
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")
                deleted += cursor.rowcount
    data_version.changed()
    return deleted


def run_pages(out: str, gunicorn: bool):
    forget_bench_history()
    ctx = context()
    clients = {"admin": Client(), "lead": Client()}
    clients["admin"].force_login(ctx["admin"])
    clients["lead"].force_login(ctx["lead"])
    # As a gunicorn worker does after loading the app (gunicorn.conf.py): the in-process times are then
    # a worker's, not those of a process whose collector walks start-up's objects again and again.
    settle_after_start_up()
    result = {"pages": {}, "vendor": connection.vendor}
    by_name = {page["name"]: page for page in pages(ctx)}
    # The form POST and the API PUT write, so they go last: every other page reads the data as generated.
    for page in sorted(by_name.values(), key=lambda page: bool(page.get("post") or page.get("api_put"))):
        if page.get("api_put"):
            # A bearer token, as scripts send; made per run, so the token's lookup is part of the time.
            _token, text = ApiToken.issue(ctx["lead"], "bench", scope=ApiToken.Scope.WRITE)
            page["headers"] = {"Authorization": f"Bearer {text}"}
        admin = by_name.get(page.get("admin"))
        yardstick = (clients[admin["user"]], admin) if admin else None
        result["pages"][page["name"]] = measure_page(clients[page["user"]], page, yardstick)
        if page.get("api_put"):
            restore = json.dumps(page["api_put"][2])
            clients[page["user"]].put(
                page["url"], restore, content_type="application/json", headers=page["headers"]
            )
        print(f"    {page['name']}: {result['pages'][page['name']]}", file=sys.stderr)
    forget_bench_history()
    result["sql_floor"] = sql_floor(ctx)
    if gunicorn:
        from bench import load

        team_week = result["pages"]["team_week"]["url"]
        result["throughput"] = load.throughput(team_week, session_cookie(ctx["admin"]))
    with open(out, "w") as handle:
        json.dump(result, handle, indent=2, default=str)


def _stream_export(client: Client, max_lines: int | None = None):
    response = client.get(reverse("kpi-list") + "?_export=csv")
    size = lines = 0
    chunks = response.streaming_content if response.streaming else [response.content]
    for chunk in chunks:
        size += len(chunk)
        lines += chunk.count(b"\n")
        if max_lines and lines >= max_lines:
            break
    # Closed at once, as a WSGI server closes a download the client dropped: left to the garbage
    # collector, the abandoned generator closed its server-side cursor whenever a collection ran, which
    # on PostgreSQL could be inside the next query, holding the connection's lock: a deadlock.
    response.close()
    return response, size, lines


class _Echo:
    def write(self, value):
        return value


def csv_floor() -> dict:
    """The floor under the full CSV export: the same rows' stored fields, through the same joins and in
    the same order, by `values_list` straight into `csv.writer`: no comparison, no formatting."""
    import csv

    writer = csv.writer(_Echo())
    rows = KPIValue.objects.order_by(
        "-week__starts_on", "kpi__team__position", "kpi__team__name", "kpi__position", "kpi__name"
    ).values_list(
        "kpi__team__name",
        "kpi__group",
        "kpi__name",
        "week__year",
        "week__number",
        "value",
        "note",
        "kpi__unit",
        "kpi__unit_label",
        "kpi__direction",
        "kpi__target",
    )
    started = time.perf_counter()
    lines = size = 0
    for row in rows.iterator(chunk_size=2000):
        size += len(writer.writerow(row))
        lines += 1
    seconds = time.perf_counter() - started
    return {
        "lines": lines,
        "chars": size,
        "seconds": round(seconds, 2),
        "rows_per_second": round(lines / seconds),
    }


def xlsx_of_everything(client: Client) -> dict:
    """The XLSX export of every KPI value: refused (the list page with a message) above the row limit."""
    from common.lists import exports

    started = time.perf_counter()
    response = client.get(reverse("kpi-list") + "?_export=xlsx")
    seconds = time.perf_counter() - started
    refused = response.get("Content-Type", "").startswith("text/html")
    return {
        "status": response.status_code,
        "refused": refused,
        "row_limit": exports.XLSX_MAX_ROWS,
        "seconds": round(seconds, 2),
        "bytes": len(response.content),
        "message_shown": refused and "CSV" in response.content.decode(),
    }


def run_csv_memory(out: str):
    """Peak memory of streaming the export of every KPI value (no filter), in a fresh process."""
    ctx = context()
    client = Client()
    client.force_login(ctx["admin"])
    client.get(reverse("healthz"))
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    response, size, lines = _stream_export(client)
    seconds = time.perf_counter() - started
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # A second pass under tracemalloc (several times slower, so not timed, and over the first lines
    # only): Python's own allocations at their peak, which a streaming export reaches early.
    tracemalloc.start()
    _stream_export(client, max_lines=TRACEMALLOC_LINES)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    result = {
        "status": response.status_code,
        "rows_per_second": round((lines - 1) / seconds) if seconds else None,
        "floor": csv_floor(),
        "xlsx": xlsx_of_everything(client),
        "streaming": response.streaming,
        "content_type": response.get("Content-Type", ""),
        "bytes": size,
        "lines": lines,
        "seconds": round(seconds, 2),
        "tracemalloc_peak_mb": round(peak / 2**20, 1),
        "tracemalloc_lines": min(lines, TRACEMALLOC_LINES),
        # ru_maxrss is in KiB on Linux; the growth over the process's peak before the request.
        "rss_before_mb": round(rss_before / 1024, 1),
        "rss_peak_mb": round(rss_after / 1024, 1),
        "rss_growth_mb": round((rss_after - rss_before) / 1024, 1),
    }
    with open(out, "w") as handle:
        json.dump(result, handle, indent=2)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("what", choices=["pages", "csv-memory"])
    parser.add_argument("--out", required=True)
    parser.add_argument("--no-gunicorn", action="store_true")
    args = parser.parse_args()
    if args.what == "pages":
        run_pages(args.out, gunicorn=not args.no_gunicorn)
    else:
        run_csv_memory(args.out)


if __name__ == "__main__":
    main()
