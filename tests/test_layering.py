"""Imports run downward only: a module may import its own room and the rooms below it, never above.

The rooms, bottom to top (README "The rooms"):
    common    no models: ISO weeks, the list pipeline, exports, formatting, Markdown, charts
    ops       health, backups, login throttling, the data version and page cache
    reports   teams, weeks, weekly reports, KPIs and their values, the KPI list
    okrs, incidents    the two domains that stand on the weekly data; neither imports the other
    pages     the pages that join everything: overview, team week, weekly form, change history, demo
    documents the weekly document, Markdown export and import
    notifications  channels, the outbox and its worker, the digest (built from the overview's data)
    api       the JSON API: reads every domain, writes through the weekly form's rules (beside documents)
    reportsite the wiring: settings, URLs, WSGI
    bench     the benchmark, which runs the whole site
Every import is read from the source (top-level and inside functions alike), so a lazy import is
no way around the rule.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

LEVEL = {
    "common": 0,
    "ops": 1,
    "reports": 2,
    "okrs": 3,
    "incidents": 3,
    "pages": 4,
    "documents": 5,
    "notifications": 5,
    "api": 5,
    "reportsite": 6,
    "bench": 7,
}


def project_imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found.extend((node.lineno, name) for name in names if name.split(".")[0] in LEVEL)
    return found


def room_modules():
    for room in LEVEL:
        for path in sorted((ROOT / room).rglob("*.py")):
            # Migrations name their dependencies by app label; they are the schema's history, not code.
            if "migrations" not in path.parts:
                yield room, path


def upward_imports(room: str, path: Path) -> list[str]:
    errors = []
    for line, name in project_imports(path):
        target = name.split(".")[0]
        if target == room:
            continue
        if LEVEL[target] >= LEVEL[room]:
            shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path.name
            errors.append(f"{shown}:{line} imports {name} ({target} is not below {room})")
    return errors


def test_every_room_exists():
    assert all((ROOT / room / "__init__.py").exists() for room in LEVEL)


@pytest.mark.parametrize("room", list(LEVEL))
def test_no_room_imports_upward_or_sideways(room):
    errors = [error for r, path in room_modules() if r == room for error in upward_imports(r, path)]
    assert errors == []


def test_common_holds_no_models():
    assert not list((ROOT / "common").rglob("models.py"))
    assert not list((ROOT / "common").rglob("migrations"))


def test_the_rule_catches_an_upward_import(tmp_path):
    module = tmp_path / "upward.py"
    module.write_text(
        "from django.db import models\nfrom pages import dashboards\nfrom common.weeks import IsoWeek\n"
    )
    assert upward_imports("reports", module) == ["upward.py:2 imports pages (pages is not below reports)"]
    assert upward_imports("documents", module) == []


def test_sibling_domains_do_not_import_each_other(tmp_path):
    module = tmp_path / "sideways.py"
    module.write_text("from okrs.models import KeyResult\n")
    assert upward_imports("incidents", module) == [
        "sideways.py:1 imports okrs.models (okrs is not below incidents)"
    ]


def test_a_lazy_import_counts_too(tmp_path):
    module = tmp_path / "lazy.py"
    module.write_text("def f():\n    from okrs.models import KeyResult\n    return KeyResult\n")
    assert [name for _line, name in project_imports(module)] == ["okrs.models"]
