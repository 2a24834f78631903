"""CSRF on every form: a POST without the token is a 403 and writes nothing; with it, it goes through.

The positive half keeps the test honest: the same POST with the page's token is NOT a 403.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from reports.models import KPI, Team, WeeklyReport
from tests.factories import make_kpi, make_report
from tests.security.helpers import census

pytestmark = pytest.mark.django_db

W = {"team": "payments", "week": "2024-W33"}
IMPORT = "# 2024-W33\n\n收获与反思\n\n- csrf\n"


@pytest.fixture
def world(team, lead, admin_user):
    make_report(team, "2024-W33", status=WeeklyReport.Status.SUBMITTED)
    make_report(team, "2024-W32", status=WeeklyReport.Status.PUBLISHED)
    return {"kpi": make_kpi(team, "需求交付数"), "team": team}


def _endpoints(world):
    kpi, team = world["kpi"], world["team"]
    return [
        # (url, data, the page whose form carries the token)
        (reverse("team-week-edit", kwargs=W), {"revision": "1", "reflections": "x"}, None),
        (reverse("team-week-publish", kwargs=W), {}, None),
        (reverse("team-week-unlock", kwargs={"team": "payments", "week": "2024-W32"}), {}, None),
        (
            reverse("incident-create", kwargs=W),
            {"title": "x", "started_at": "2024-08-12 09:00", "actions-TOTAL_FORMS": "0"},
            None,
        ),
        (reverse("report-import", kwargs={"team": "payments"}), {"content": IMPORT, "confirm": "1"}, None),
        (reverse("set_language"), {"language": "zh-hans", "next": "/"}, None),
        (reverse("logout"), {}, None),
        (reverse("admin:reports_kpi_delete", args=[kpi.pk]), {"post": "yes"}, None),
        (reverse("admin:reports_team_change", args=[team.pk]), {"name": "Renamed", "slug": "renamed"}, None),
        (
            reverse("admin:reports_kpi_changelist"),
            {"action": "delete_selected", "_selected_action": [kpi.pk], "post": "yes"},
            None,
        ),
    ]


def test_every_post_without_a_token_is_refused_and_writes_nothing(world, admin_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)
    for url, data, _page in _endpoints(world):
        before = census()
        response = client.post(url, data)
        assert response.status_code == 403, url
        assert b"CSRF" in response.content, url
        assert census() == before, url
    # Still logged in (the logout POST was refused too) and nothing renamed.
    assert client.get(reverse("kpi-list")).status_code == 200
    assert Team.objects.filter(slug="payments").exists()
    assert KPI.objects.filter(pk=world["kpi"].pk).exists()


def test_a_forged_token_is_refused(world, admin_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)
    client.get(reverse("team-week-edit", kwargs=W))  # sets the csrftoken cookie
    before = census()
    response = client.post(
        reverse("report-import", kwargs={"team": "payments"}),
        {"content": IMPORT, "confirm": "1", "csrfmiddlewaretoken": "x" * 64},
    )
    assert response.status_code == 403
    assert census() == before


def test_the_login_form_needs_its_token(world):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "admin", "password": "pw-admin"})
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_with_the_pages_token_the_same_posts_go_through(world, admin_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)
    client.get(reverse("team-week", kwargs=W))
    token = client.cookies["csrftoken"].value
    for url, data, _page in _endpoints(world):
        if url == reverse("logout"):
            continue
        response = client.post(url, {**data, "csrfmiddlewaretoken": token})
        assert response.status_code != 403, url
    assert WeeklyReport.objects.get(team__slug="payments", week__number=33).reflections


@pytest.mark.parametrize(
    ("language", "title", "advice"),
    [
        ("en", "The form could not be sent", "what you typed is usually still in the form"),
        ("zh-hans", "表单无法提交", "您输入的内容通常仍在表单中"),
    ],
)
def test_a_refused_form_says_why_and_what_to_do_in_the_readers_language(world, lead, language, title, advice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(lead)
    url = reverse("team-week-edit", kwargs=W)
    response = client.post(url, {"revision": "1", "reflections": "x"}, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 403
    html = response.content.decode()
    assert title in html and advice in html
    assert f'<html lang="{language}">' in html
    # The site's own style sheet, not Django's inline <style> (which the Content-Security-Policy blocks).
    assert "<style" not in html and "/static/css/app.css" in html
    assert "Nothing was saved." in html or "未保存任何内容" in html
