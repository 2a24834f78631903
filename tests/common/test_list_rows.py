"""Every list's body rows written by common/lists/rows.py print what django-tables2's row block printed."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import override_settings

from common.lists import rows
from reports import table_rows

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
PAGES = [
    "/incidents/",
    "/incidents/?sort=-grade&page=2",
    "/incidents/?sort=time_to_resolve",
    "/okrs/",
    "/okrs/?team=payments",
    "/okrs/?week=2024-W33&sort=-change",
    "/okrs/quarters/2024-Q3/",
    "/kpis/?week=2024-W33",
    "/kpis/?sort=-change&page=3",
]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), override_settings(DEBUG=True):
        call_command("load_demo", stdout=StringIO())
    yield
    with django_db_blocker.unblock():
        call_command("flush", "--noinput", verbosity=0)


def page(client, url: str, language: str) -> str:
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return CSRF.sub("", response.content.decode())


@pytest.mark.django_db
@pytest.mark.parametrize("url", PAGES)
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_written_rows_equal_the_table_block(demo, client, monkeypatch, url, language):
    client.force_login(User.objects.get(username="manager"))
    calls = []
    with monkeypatch.context() as spy:
        for writer in (rows.RowWriter, table_rows.RowWriter):
            real = writer.row_html
            spy.setattr(writer, "row_html", lambda self, row, real=real: calls.append(1) or real(self, row))
        written = page(client, url, language)
    assert len(calls) > 3
    monkeypatch.setattr(rows, "ENABLED", False)
    monkeypatch.setattr(table_rows, "VISIBLE", ())
    assert page(client, url, language) == written
