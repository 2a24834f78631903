"""Concurrent writers: no 5xx, no lost write, conflicts detected instead of silent overwrites.

The short load run starts gunicorn on 127.0.0.1 in a subprocess (bench.load_concurrent, the same
harness as the 60-second bench) on SQLite always, and on PostgreSQL when the suite runs on it.
The deterministic tests pin the race the load test found: an import landing between opening the
weekly form and saving it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse

from documents.importer import import_report, parse_document
from reports.models import KPIValue, WeeklyReport
from tests.factories import make_kpi
from tests.pages.weekform_helpers import database_state, form_data

ROOT = Path(__file__).resolve().parents[2]
WEEK = "2024-W40"


def run_load(database_url: str, tmp_path: Path, seconds: int = 5, clients: int = 8) -> dict:
    out = tmp_path / "result.json"
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.load_concurrent",
            "--seconds",
            str(seconds),
            "--clients",
            str(clients),
            "--workers",
            "2",
            "--threads",
            "4",
            "--database-url",
            database_url,
            "--json",
            str(out),
        ],
        cwd=ROOT,
        env={k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"},
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert out.exists(), completed.stderr[-3000:]
    return json.loads(out.read_text(encoding="utf-8"))


def assert_clean(result: dict):
    assert result["server_errors"] == 0, result["errors"]
    assert result["errors"] == []
    assert result["lost_or_overwritten"] == 0, result["problems"]
    assert result["stale_writes_accepted"] == 0
    # Every writing role got writes through (the form writer racing an importer may lose every race
    # in a short run, but it must have tried), and the stale probes were all caught.
    for role in ("contend", "mixed_import", "form", "import", "probe"):
        assert result["by_role"][role]["accepted"] > 0, role
    mixed = result["by_role"]["mixed_form"]
    assert mixed["accepted"] + mixed["conflicts"] > 0
    assert result["by_role"]["probe"]["conflicts"] == result["by_role"]["probe"]["accepted"]
    assert result["by_role"]["reader"]["requests"] > 0


def test_concurrent_writers_on_sqlite(tmp_path):
    result = run_load(f"sqlite:///{tmp_path / 'concurrent.sqlite3'}", tmp_path)
    assert result["database"] == "SQLite"
    assert_clean(result)


@pytest.mark.django_db
def test_concurrent_writers_on_postgresql(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("the suite runs on SQLite; DATABASE_URL=postgres://… runs this on PostgreSQL")
    result = run_load(os.environ["DATABASE_URL"], tmp_path)
    assert result["database"] == "PostgreSQL"
    assert_clean(result)


# --- The race, step by step ------------------------------------------------------------------------


def _document(value: str) -> str:
    return (
        f"# {WEEK}\n\n## 【系统运行数据】\n\n- 导入计数: {value}\n\n## 【收获与反思】\n\n- 第{value}次导入\n"
    )


@pytest.mark.django_db
def test_a_form_opened_before_an_import_cannot_overwrite_it(client_for, lead, team):
    imported = make_kpi(team, "导入计数", group="系统运行数据")
    typed = make_kpi(team, "表单计数", group="系统运行数据")
    import_report(parse_document(_document("100"), None), team, lead)
    url = reverse("team-week-edit", kwargs={"team": team.slug, "week": WEEK})
    client = client_for(lead)
    opened = form_data(client.get(url))
    assert opened[f"kpi_{imported.pk}"] == "100"

    result = import_report(parse_document(_document("200"), None), team, lead)
    assert result.changed

    opened[f"kpi_{typed.pk}"] = "7"
    before = database_state()
    response = client.post(url, opened)
    assert response.status_code == 409
    assert database_state() == before
    assert KPIValue.objects.get(kpi=imported, week__number=40).value == 200
    assert "第200次导入" in WeeklyReport.objects.get(team=team, week__number=40).reflections

    # The conflict page shows what the import changed; saving from it is then a decision, not an accident.
    rows = {row.label: (row.theirs, row.yours) for row in response.context["conflict"]}
    assert rows["导入计数"] == ("200", "100")
    retry = form_data(response)
    assert client.post(url, retry).status_code == 302
    assert KPIValue.objects.get(kpi=typed, week__number=40).value == 7


@pytest.mark.django_db
def test_an_import_that_changes_nothing_keeps_the_revision(lead, team):
    make_kpi(team, "导入计数", group="系统运行数据")
    import_report(parse_document(_document("100"), None), team, lead)
    revision = WeeklyReport.objects.get(team=team, week__number=40).revision
    again = import_report(parse_document(_document("100"), None), team, lead)
    assert not again.changed
    assert WeeklyReport.objects.get(team=team, week__number=40).revision == revision
