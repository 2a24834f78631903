"""Page states a GET of one sample never shows, for both judges: forms sent back with errors, a conflict,
a locked week, the import's previews and refusals, the login's refusals, pages with nothing to list, and
the admin's forms. Each state is made with the test client and judged as the server sent it.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tests.documents.helpers import fixture
from tests.judges.pages import SEED_TEAM, SEED_WEEK


@dataclass(frozen=True)
class State:
    label: str
    role: str | None  # None: nobody logged in
    make: Callable[[Client], object]  # returns the response to judge
    status: int = 200  # what the state answers; another status means the state was not reached

    def __str__(self):
        return self.label


def client_for(role: str | None, language: str) -> Client:
    client = Client()
    if role is not None:
        client.force_login(User.objects.get(username=role))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


EDIT = f"/teams/{SEED_TEAM}/weeks/{SEED_WEEK}/edit/"
IMPORT = f"/teams/{SEED_TEAM}/import/"
# Figures the payments team has no KPI for: the preview asks where each goes.
UNPLACED = "# 2024-W35\n\n## 【效能度量】\n\n- 吞吐率: 88.36%, 上升3.36pp\n- 新指标甲: 12个\n"


def _form_data(response) -> dict:
    from tests.pages.weekform_helpers import form_data

    return form_data(response)


def _conflict(client: Client):
    """The lead saves after the admin saved the same week since the lead opened it."""
    mine = _form_data(client.get(EDIT))
    other = Client()
    other.force_login(User.objects.get(username="admin"))
    theirs = _form_data(other.get(EDIT))
    theirs["reflections"] = "管理员先保存的反思"
    assert other.post(EDIT, theirs).status_code == 302
    mine["reflections"] = "负责人后保存的反思"
    return client.post(EDIT, mine)


def _field_errors(client: Client):
    data = _form_data(client.get(EDIT))
    for name in data:
        if name.startswith("kpi_"):
            data[name] = "not a number"
        if name.startswith("kr_") and name.endswith("_progress"):
            data[name] = "150"
    return client.post(EDIT, data)


def _locked_week(client: Client):
    from reports.models import WeeklyReport

    report = WeeklyReport.objects.filter(team__slug=SEED_TEAM, status=WeeklyReport.Status.PUBLISHED).first()
    assert report is not None, "the demo has no published week of the seed team"
    return client.get(reverse("team-week-edit", kwargs={"team": SEED_TEAM, "week": report.week.iso}))


def _published_week() -> str:
    from reports.models import WeeklyReport

    report = WeeklyReport.objects.filter(team__slug=SEED_TEAM, status=WeeklyReport.Status.PUBLISHED).last()
    return str(report.week.iso)


def _import_published(client: Client):
    """A report for a published week, which a lead may preview but not import."""
    text = fixture("2024-W34.md").replace("2024-W34", _published_week(), 1)
    return client.post(IMPORT, {"content": text})


def _aliases_refused(client: Client):
    from reports.models import KPI

    kpis = KPI.objects.filter(team__slug=SEED_TEAM).order_by("pk")
    url = reverse("kpi-aliases", kwargs={"pk": kpis[0].pk})
    return client.post(url, {"aliases": kpis[1].name}, follow=True)


def _incident_without_actions(client: Client):
    from incidents.models import Incident

    incident = Incident.objects.filter(actions__isnull=True).order_by("pk").first()
    return client.get(reverse("incident-detail", kwargs={"pk": incident.pk}))


def _email_preview(event: str):
    def make(client: Client):
        pk = _email_channel(client)
        return client.get(reverse("notification-channel-preview-email", kwargs={"pk": pk, "event": event}))

    return make


def _saved(client: Client):
    """The form again after a save, with its message."""
    return client.post(EDIT, _form_data(client.get(EDIT)), follow=True)


def _several_files(client: Client):
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("2024-W34.md", fixture("2024-W34.md"))
        zipped.writestr("2025-W01.md", fixture("2025-W01.md"))
    upload = SimpleUploadedFile("weeks.zip", archive.getvalue(), content_type="application/zip")
    return client.post(IMPORT, {"document": upload})


def _email_channel(client: Client) -> int:
    from notifications.models import Channel
    from reports.models import Team

    channel, _created = Channel.objects.get_or_create(
        name="Payments mail",
        defaults={
            "kind": Channel.Kind.EMAIL,
            "team": Team.objects.get(slug=SEED_TEAM),
            "emails": "lead@example.com",
        },
    )
    return channel.pk


def _channel_with_history(client: Client):
    """An email channel with its test message in the list of recent ones."""
    pk = _email_channel(client)
    client.post(reverse("notification-channel-test", kwargs={"pk": pk}))
    return client.get(reverse("notification-channel", kwargs={"pk": pk}))


def _new_token(client: Client):
    return client.post(reverse("api-tokens"), {"name": "CI", "scope": "read", "days": "30"}, follow=True)


def _throttled(client: Client):
    from django.conf import settings

    for _attempt in range(settings.LOGIN_THROTTLE_USER_ATTEMPTS):
        client.post(reverse("login"), {"username": "nobody", "password": "wrong"})
    return client.post(reverse("login"), {"username": "nobody", "password": "wrong"})


def _events() -> list[str]:
    from notifications.models import Event

    return list(Event.values)


def states() -> list[State]:
    return [
        State("login", None, lambda c: c.get(reverse("login"))),
        State(
            "login refused",
            None,
            lambda c: c.post(reverse("login"), {"username": "lead", "password": "wrong"}),
        ),
        State("login throttled", None, _throttled, 429),
        State("weekly form with a bad revision", "lead", lambda c: c.post(EDIT, {"revision": "x"}), 400),
        State("weekly form with field errors", "lead", _field_errors, 400),
        State("weekly form after a save", "lead", _saved),
        State("weekly form in conflict", "lead", _conflict, 409),
        State("weekly form of a locked week", "lead", _locked_week),
        State(
            "weekly form of a week nobody wrote",
            "lead",
            lambda c: c.get(reverse("team-week-edit", kwargs={"team": SEED_TEAM, "week": "2024-W34"})),
        ),
        State(
            "published week as admin",
            "admin",
            lambda c: c.get(reverse("team-week", kwargs={"team": SEED_TEAM, "week": _published_week()})),
        ),
        State("KPI page after other names were refused", "lead", _aliases_refused),
        State("incident without follow-up actions", "lead", _incident_without_actions),
        State("import form", "lead", lambda c: c.get(IMPORT)),
        State("import preview of a published week", "lead", _import_published),
        State("import refused", "lead", lambda c: c.post(IMPORT, {"content": fixture("not-a-report.md")})),
        State("import bad week", "lead", lambda c: c.post(IMPORT, {"content": UNPLACED, "week": "2024-W99"})),
        State("import preview", "lead", lambda c: c.post(IMPORT, {"content": fixture("2024-W34.md")})),
        State("import preview unplaced", "lead", lambda c: c.post(IMPORT, {"content": UNPLACED})),
        State("import preview several files", "lead", _several_files),
        State(
            "incident form with errors",
            "lead",
            lambda c: c.post(f"/teams/{SEED_TEAM}/weeks/{SEED_WEEK}/incidents/new/", {}),
            400,
        ),
        State(
            "channel form with errors",
            "lead",
            lambda c: c.post(reverse("notification-channel-new"), {"kind": "email"}),
            400,
        ),
        State("email channel with a test sent", "lead", _channel_with_history),
        State(
            "email channel preview",
            "lead",
            lambda c: c.get(reverse("notification-channel-preview", kwargs={"pk": _email_channel(c)})),
        ),
        *(State(f"email preview {event}", "lead", _email_preview(event)) for event in _events()),
        State("token form with errors", "lead", lambda c: c.post(reverse("api-tokens"), {}), 400),
        State("new token shown", "lead", _new_token),
        State("403", "manager", lambda c: c.get(EDIT), 403),
        State("404", "lead", lambda c: c.get("/weeks/2024-W99/"), 404),
        State("404 of an unknown team", "lead", lambda c: c.get("/teams/nope/weeks/2024-W33/"), 404),
    ]


def admin_states() -> list[State]:
    """Every model's changelist, and the add, change, history and delete pages the admin may open."""
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = User.objects.get(username="admin")
    result = []
    for model, model_admin in sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label):
        if model._meta.app_label == "auth":
            continue  # Django's own, unchanged
        label, prefix = model._meta.label, f"admin:{model._meta.app_label}_{model._meta.model_name}"
        obj = model._default_manager.order_by("pk").last()
        pages = [("list", "changelist", [])]
        if model_admin.has_add_permission(request):
            pages.append(("add", "add", []))
        if obj is not None:
            pages += [("change", "change", [obj.pk]), ("history", "history", [obj.pk])]
            if model_admin.has_delete_permission(request, obj):
                pages.append(("delete", "delete", [obj.pk]))
        urls = [(page, reverse(f"{prefix}_{view}", args=args)) for page, view, args in pages]
        result += [State(f"admin {label} {page}", "admin", lambda c, u=url: c.get(u)) for page, url in urls]
    return result


def _empty_user(username: str) -> User:
    """Users of a department with no team yet (the demo's users come with their teams)."""
    user, created = User.objects.get_or_create(
        username=username, defaults={"is_staff": username == "root", "is_superuser": username == "root"}
    )
    return user


def empty_department_states() -> list[State]:
    """A department before anything is written: no team, week, KPI, objective or incident."""

    def get(name, **kwargs):
        return lambda c: c.get(reverse(name, kwargs=kwargs))

    week = {"week": SEED_WEEK}
    pages = [
        ("overview", get("department-week", **week)),
        ("KPI list", get("kpi-list")),
        ("OKR list", get("okr-list")),
        ("OKR quarter", get("okr-quarter", quarter="2024-Q3")),
        ("incident list", get("incident-list")),
        ("department document", get("department-document", **week)),
        ("channels", get("notification-channels")),
        ("tokens", get("api-tokens")),
    ]
    result = []
    for username in ("root", "reader"):
        _empty_user(username)
        result += [State(f"empty department {label} as {username}", username, make) for label, make in pages]
    return result
