#!/usr/bin/env python3
"""Push a CSV of weekly figures to reportsite, one PUT per team week (standard library only).

    REPORTSITE_URL=https://reports.example.com REPORTSITE_TOKEN=rsk_… python3 push_kpis_csv.py figures.csv

The CSV has a header row `team,week,kpi,value[,note]`: the team's slug, an ISO week (2024-W33), the
KPI by id or by name, and the value as written (99.998). Each team week is sent in one request, with
If-Match of the revision just read, so a week someone saved meanwhile is reported, not overwritten.
Exits non-zero when any week was refused, printing the server's message.
"""

from __future__ import annotations

import csv
import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict


def call(method: str, url: str, token: str, body=None, headers=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("Authorization", f"Bearer {token}")
    request.add_header("Accept", "application/json")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.load(response), response.headers.get("ETag")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}"), None


def kpi_ids(base: str, token: str, team: str) -> dict[str, int]:
    """Names and ids of the team's KPIs, both as text, following every page of the list."""
    ids, url = {}, f"{base}/api/v1/kpis/?" + urllib.parse.urlencode({"team": team, "page_size": 500})
    while url:
        status, page, _etag = call("GET", url, token)
        if status != 200:
            raise SystemExit(f"Could not list the KPIs of {team}: {page.get('detail', status)}")
        for kpi in page["results"]:
            ids[kpi["name"]] = ids[str(kpi["id"])] = kpi["id"]
        url = page["next"]
    return ids


def main(path: str) -> int:
    base = os.environ.get("REPORTSITE_URL", "http://127.0.0.1:8000").rstrip("/")
    token = os.environ.get("REPORTSITE_TOKEN") or sys.exit("Set REPORTSITE_TOKEN to an API token.")
    weeks: dict[tuple[str, str], list[dict]] = defaultdict(list)
    with open(path, newline="", encoding="utf-8-sig") as handle:
        for row in csv.DictReader(handle):
            weeks[(row["team"].strip(), row["week"].strip())].append(row)
    failed, known = 0, {}
    for (team, week), rows in weeks.items():
        if team not in known:
            known[team] = kpi_ids(base, token, team)
        values, unknown = [], []
        for row in rows:
            kpi = known[team].get(row["kpi"].strip())
            if kpi is None:
                unknown.append(row["kpi"])
                continue
            item = {"kpi": kpi, "value": row["value"].strip() or None}
            if row.get("note") is not None:
                item["note"] = row["note"].strip()
            values.append(item)
        if unknown:
            print(f"{team} {week}: no KPI named {', '.join(unknown)}; nothing sent", file=sys.stderr)
            failed += 1
            continue
        url = f"{base}/api/v1/teams/{team}/weeks/{week}/"
        status, _document, etag = call("GET", url, token)
        if status != 200:
            print(f"{team} {week}: {_document.get('detail', status)}", file=sys.stderr)
            failed += 1
            continue
        status, answer, _etag = call(
            "PUT", url + "kpi-values/", token, {"values": values}, {"If-Match": etag}
        )
        if status == 200:
            print(
                f"{team} {week}: {answer['changed']} of {len(values)} values changed, "
                f"revision {answer['revision']}"
            )
        else:
            print(
                f"{team} {week}: {status} {answer.get('detail')} "
                + json.dumps(answer.get("errors", ""), ensure_ascii=False),
                file=sys.stderr,
            )
            failed += 1
    return 1 if failed else 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1]))
