"""The pages the outside judges read, and the judges themselves (the Nu HTML checker and axe-core).

Every URL pattern of the app is reversed with real rows of the demo department; a pattern added later
without a sample here fails `test_every_url_pattern_has_a_sample` instead of going unjudged. The
checkers come from npm (`.ci/run` installs them under ~/.cache/reportsite-ci/checkers); tests that need
them skip, saying what is missing, where they or Java are absent.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.browser import screenshot

CHECKERS = Path(
    os.environ.get(
        "REPORTSITE_CHECKERS", Path.home() / ".cache" / "reportsite-ci" / "checkers" / "node_modules"
    )
)
VNU_JAR = CHECKERS / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_JS = CHECKERS / "axe-core" / "axe.min.js"

ROLES = {"lead": "lead", "manager": "manager", "admin": "admin"}  # demo username → password
LANGUAGES = ["en", "zh-hans"]
SEED_TEAM = "payments"
SEED_WEEK = "2024-W33"

# Patterns that answer no page to a GET: POST-only actions, the language switch, JSON and Markdown.
NOT_PAGES = {
    "logout",
    "set_language",
    "team-week-publish",
    "team-week-unlock",
    "healthz",
    "team-week-markdown",
    "department-markdown",
    "kpi-aliases",
    "notification-channel-test",
    "notification-channel-delete",
    "api-token-revoke",
    "api-schema",
    # The email a preview frames: a mail document styled inline, as mail clients need, not a site page.
    "notification-channel-preview-email",
}


@dataclass(frozen=True)
class Page:
    name: str
    path: str

    def __str__(self):
        return f"{self.name} {self.path}"


def _app_patterns(patterns=None, namespace=""):
    """(name, pattern) of every named pattern outside the admin, which is Django's own and judged there."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            # The admin is Django's own and judged below; the JSON API answers no HTML (tests/api/).
            if pattern.namespace in ("admin", "api"):
                continue
            yield from _app_patterns(pattern.url_patterns, pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield pattern.name, pattern


def sample_kwargs() -> dict[str, dict]:
    """URL arguments for each pattern, taken from the loaded demo department."""
    from incidents.models import Incident
    from notifications.models import Channel
    from reports.models import KPI, Team

    week = {"week": SEED_WEEK}
    team_week = {"team": SEED_TEAM, "week": SEED_WEEK}
    kpi = KPI.objects.filter(team__slug=SEED_TEAM, name="需求吞吐率").get()
    # The seed week's incident with follow-up actions: the fullest detail page.
    incident = Incident.objects.filter(team__slug=SEED_TEAM, actions__isnull=False).order_by("pk").first()
    # The demo has no chat channel; the team's webhook is the fullest channel page.
    channel, _created = Channel.objects.get_or_create(
        name="Payments DingTalk",
        defaults={
            "kind": Channel.Kind.DINGTALK,
            "team": Team.objects.get(slug=SEED_TEAM),
            "url": "https://oapi.dingtalk.com/robot/send?access_token=demo",
            "secret": "SECdemo",
        },
    )
    return {
        "home": {},
        "login": {},
        "department-week": week,
        "team-week": team_week,
        "team-week-edit": team_week,
        "kpi-list": {},
        "kpi-detail": {"pk": kpi.pk},
        "okr-list": {},
        "incident-list": {},
        "incident-detail": {"pk": incident.pk},
        "incident-create": team_week,
        "team-week-print": team_week,
        "department-document": week,
        "report-import": {"team": SEED_TEAM},
        "okr-quarter": {"quarter": "2024-Q3"},
        "notification-channels": {},
        "notification-channel-new": {},
        "notification-channel": {"pk": channel.pk},
        "notification-channel-preview": {"pk": channel.pk},
        "api-tokens": {},
        "api-docs": {},
    }


def pattern_names() -> set[str]:
    return {name for name, _pattern in _app_patterns()}


def pages() -> list[Page]:
    """One page per URL pattern, plus the states a single sample would miss."""
    samples = sample_kwargs()
    result = [Page(name, reverse(name, kwargs=kwargs)) for name, kwargs in samples.items()]
    result += [
        # A team without a report that week, a week nobody wrote, a filtered and sorted list on page 2,
        # a filter the form refuses.
        Page("team-week", reverse("team-week", kwargs={"team": "platform", "week": SEED_WEEK})),
        Page("department-week", reverse("department-week", kwargs={"week": "2030-W01"})),
        Page("kpi-list", reverse("kpi-list") + "?team=payments&sort=-change&page=2"),
        Page("incident-list", reverse("incident-list") + "?grade=C&sort=-started_at"),
        Page("incident-list", reverse("incident-list") + "?started_from=2024-13-45"),
    ]
    # The admin is Django's, judged here where the app shapes it: its index and the lists admins use
    # most, for every role (others see the login page instead). Every model's list, add, change, history
    # and delete pages are judged once, as the admin, in states.py.
    result += [
        Page(name, reverse(name))
        for name in (
            "admin:index",
            "admin:reports_kpi_changelist",
            "admin:reports_weeklyreport_changelist",
            "admin:incidents_incident_changelist",
        )
    ]
    return result


def load_demo() -> None:
    from django.core.management import call_command

    call_command("load_demo", force=True, verbosity=0)


# --- The Nu HTML checker ---------------------------------------------------------------------------------


def require_vnu() -> list[str]:
    """The command line of the Nu checker, or a skip naming what is missing."""
    java = shutil.which("java")
    if java is None:
        pytest.skip("Java is not installed (apt-get install default-jre-headless); the Nu checker needs it")
    if not VNU_JAR.exists():
        pytest.skip(f"the Nu HTML checker is not installed at {VNU_JAR} (bash .ci/run installs vnu-jar)")
    return [java, "-Xss1024k", "-jar", str(VNU_JAR)]


def nu_errors(files: list[Path]) -> list[dict]:
    """Every error the Nu checker finds in the files (warnings and info messages left out)."""
    command = require_vnu()
    done = subprocess.run(
        [*command, "--format", "json", "--exit-zero-always", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    messages = json.loads(done.stderr or done.stdout)["messages"]
    return [message for message in messages if message.get("type") == "error"]


# --- axe-core ------------------------------------------------------------------------------------------


def require_axe() -> str:
    if not AXE_JS.exists():
        pytest.skip(f"axe-core is not installed at {AXE_JS} (bash .ci/run installs it from npm)")
    return AXE_JS.read_text()


PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1440, "height": 900}


def collect_errors(page) -> list[str]:
    """The page's script errors and failed subresources, as they happen.

    A refused page (403) is a page to judge; a stylesheet, script or icon that fails is a problem.
    """
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "response",
        lambda answer: (
            answer.status >= 400
            and answer.request.resource_type != "document"
            and errors.append(f"{answer.status} {answer.url}")
        ),
    )
    return errors


def layout_problems(page, label: str, axe_source: str, shot_name: str) -> list[str]:
    """At the desktop and phone widths: axe, no sideways scroll, no overlap.

    The page is already loaded at DESKTOP; an overflowing width leaves a screenshot named `shot_name`.
    axe runs at both widths because the phone layout is another page to a reader (a menu folded away,
    tables turned into cards) and can fail where the desktop one passes.
    """
    problems = []
    for viewport in (DESKTOP, PHONE):
        page.set_viewport_size(viewport)
        problems += [
            f"{label} at {viewport['width']} px: axe {violation['impact']} {violation['id']} "
            f"{violation['nodes'][:3]}"
            for violation in axe_violations(page, axe_source)
        ]
        layout = page.evaluate(OVERFLOW_JS)
        if layout["scrollWidth"] > layout["width"] or layout["wide"]:
            width = f"page {layout['scrollWidth']} px wide"
            problems.append(f"{label} at {viewport['width']} px: {width}; {layout['wide']}")
            screenshot(page, f"{shot_name}-{viewport['width']}")
        for overlap in page.evaluate(OVERLAP_JS):
            problems.append(f"{label} at {viewport['width']} px: {overlap}")
    return problems


def axe_violations(page, axe_source: str, impacts=("serious", "critical")) -> list[dict]:
    """axe-core's violations of the given impacts on the page as it is rendered now."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Evaluated over the DevTools protocol: a <script> tag would be refused by the page's own CSP.
        page.evaluate(axe_source)
    result = page.evaluate(
        "() => axe.run(document, {resultTypes: ['violations']}).then(r => r.violations.map(v => ({"
        "id: v.id, impact: v.impact, help: v.help, "
        "nodes: v.nodes.map(n => n.target.join(' ') + ' — ' + n.failureSummary)})))"
    )
    return [violation for violation in result if violation["impact"] in impacts]


# Elements wider than the viewport, or poking past its right edge, outside a container that scrolls
# sideways by design (a wide table in its card). Reported as "tag.class: right edge" for the message.
OVERFLOW_JS = """
() => {
  const width = document.documentElement.clientWidth;
  const scrolls = el => {
    for (let node = el.parentElement; node && node !== document.body; node = node.parentElement) {
      const overflowX = getComputedStyle(node).overflowX;
      const inside = node.getBoundingClientRect().right <= width + 1;
      if ((overflowX === 'auto' || overflowX === 'scroll') && inside) return true;
    }
    return false;
  };
  const wide = [];
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;
    if ((box.right > width + 1 || box.left < -1) && !scrolls(el)) {
      const name = `${el.tagName.toLowerCase()}.${[...el.classList].join('.')}`;
      wide.push(`${name}: ${Math.round(box.left)}..${Math.round(box.right)}`);
    }
  }
  return {width, scrollWidth: document.documentElement.scrollWidth, wide: wide.slice(0, 8)};
}
"""


# Controls (links, buttons, fields) drawn over one another, as "tag "text" over tag "text"". A bar held at
# the window's edge (position sticky or fixed) passes over the content scrolling beneath it by design, so
# only two held bars, or two controls of the page, are compared. Each line of a wrapped link is its own box,
# and only what shows counts: the part of a wide table scrolled out of its card lies under nothing.
OVERLAP_JS = """
() => {
  const held = el => {
    for (let node = el; node && node !== document.body; node = node.parentElement) {
      const position = getComputedStyle(node).position;
      if (position === 'sticky' || position === 'fixed') return node;
    }
    return null;
  };
  // What shows of an element: its boxes cut to every ancestor that clips (a table scrolled in its card).
  const shown = el => {
    const box = r => ({left: r.left, right: r.right, top: r.top, bottom: r.bottom});
    let rects = [...el.getClientRects()].map(box);
    for (let node = el.parentElement; node && node !== document.body; node = node.parentElement) {
      const style = getComputedStyle(node);
      if (style.overflowX === 'visible' && style.overflowY === 'visible') continue;
      const clip = node.getBoundingClientRect();
      rects = rects.map(r => ({
        left: Math.max(r.left, clip.left), right: Math.min(r.right, clip.right),
        top: Math.max(r.top, clip.top), bottom: Math.min(r.bottom, clip.bottom),
      }));
    }
    return rects.filter(r => r.right - r.left > 2 && r.bottom - r.top > 2);
  };
  const controls = [...document.body.querySelectorAll(
    'a[href], button, input:not([type=hidden]), select, textarea, summary')].filter(el => {
    const style = getComputedStyle(el);
    return style.visibility !== 'hidden' && el.getClientRects().length > 0
      && !el.closest('[hidden], [aria-hidden=true]');
  }).map(el => ({
    el, bar: held(el), rects: shown(el),
  }));
  const name = el => {
    const text = (el.textContent || el.name || el.id || '').trim().slice(0, 30);
    return `${el.tagName.toLowerCase()} "${text}"`;
  };
  const found = [];
  for (let i = 0; i < controls.length; i++) {
    for (let j = i + 1; j < controls.length; j++) {
      const a = controls[i], b = controls[j];
      // A bar held at the window's edge passes over the content scrolling beneath it by design.
      if (a.bar !== b.bar && (!a.bar || !b.bar)) continue;
      if (a.el.contains(b.el) || b.el.contains(a.el)) continue;
      const hit = a.rects.some(ra => b.rects.some(rb =>
        Math.min(ra.right, rb.right) - Math.max(ra.left, rb.left) > 2 &&
        Math.min(ra.bottom, rb.bottom) - Math.max(ra.top, rb.top) > 2));
      if (hit) found.push(`${name(a.el)} over ${name(b.el)}`);
    }
  }
  return found.slice(0, 8);
}
"""
