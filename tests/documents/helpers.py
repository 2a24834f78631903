"""Shared helpers for the document tests: the seed, the fixtures, and a census of every row."""

from __future__ import annotations

import re
from pathlib import Path

from documents.importer.parser import section_kind
from documents.importer.text import is_rule, line_titles
from incidents.models import Incident
from okrs.models import KeyResult, KeyResultUpdate, Objective
from reports.models import KPI, KPIValue, PlanItem, ReportSection, TodoItem, Week, WeeklyReport

FIXTURES = Path(__file__).resolve().parent / "fixtures"
# The project's own copy of ../shared/seed/2024-W33.md: a clone must test without anything beside it.
SEED = FIXTURES / "2024-W33.md"
MODELS = [
    Week, WeeklyReport, ReportSection, TodoItem, PlanItem, KPI, KPIValue,
    Objective, KeyResult, KeyResultUpdate, Incident,
]  # fmt: skip


def create_every_kpi(team, text: str) -> dict[str, str]:
    """The preview's answers that create a KPI for every figure no KPI of the team takes."""
    from documents.importer import parse_document
    from documents.importer.catalogue import catalogue_of

    parsed = parse_document(text, catalogue=catalogue_of(team))
    return {f"unplaced_{index}": "create" for index in range(len(parsed.unplaced_figures))}


def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def census() -> dict[str, int]:
    """Row counts of every model the importer writes, and of their history tables."""
    counts = {model.__name__: model.objects.count() for model in MODELS}
    for model in MODELS:
        if hasattr(model, "history"):
            counts[f"{model.__name__} history"] = model.history.count()
    return counts


def week_haystack(team, week, markdown: str) -> str:
    """Every text the week holds, stored or rendered back, to look lines up in."""
    report = WeeklyReport.objects.get(team=team, week__starts_on=week.monday)
    texts = [markdown, report.other, report.reflections]
    texts += [f"{section.title}\n{section.body}" for section in report.sections.all()]
    texts += [todo.text for todo in report.todos.all()]
    texts += [plan.text for plan in report.plans.all()]
    texts += [update.note for update in KeyResultUpdate.objects.filter(week__starts_on=week.monday)]
    texts += [incident.description for incident in Incident.objects.filter(team=team)]
    return "\n".join(texts)


def missing_lines(source: str, haystack: str) -> list[str]:
    """Non-blank source lines that cannot be found again (list and heading markers aside)."""
    missing = []
    lines = source.splitlines()
    for line, title in zip(lines, line_titles(lines), strict=True):
        text = line.strip()
        if not text or is_rule(line):
            continue  # a rule is layout: a list or the events part at it as at a blank line
        if title is not None and section_kind(title) in {"other", "reflections", "plans", "todos"}:
            continue  # a variant name of a fixed section (其它, 下周计划) is written back as the house name
        candidates = {text, re.sub(r"^(?:[-*+]\s+|\d+[.、)]\s*|#+\s*)", "", text).strip()}
        candidates.add(text.strip("-#* ").strip("【】*：: "))
        if not any(candidate and candidate in haystack for candidate in candidates):
            missing.append(line)
    return missing
