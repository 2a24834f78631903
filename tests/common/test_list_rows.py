"""Every list's head and body rows written in Python print what django-tables2's table blocks printed."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import override_settings

from common.lists import rows
from okrs import table_rows as key_result_rows
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
    # Markup and repeated keys in the query: every sort link carries them, escaped as {% querystring %} does.
    "/kpis/?week=2024-W33&ref=%3Cb%3E&ref=a%26b%22&sort=week",
    "/incidents/?ref=%3Ci%3E&ref=x&sort=-team",
]


@pytest.fixture
def demo(db):
    # Per test: data committed beside a running xdist worker would leak into other modules' tests.
    with override_settings(DEBUG=True):
        call_command("load_demo", stdout=StringIO())


def page(client, url: str, language: str) -> str:
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return CSRF.sub("", response.content.decode())


@pytest.mark.parametrize("url", PAGES)
def test_written_rows_equal_the_table_block(demo, client, monkeypatch, url):
    client.force_login(User.objects.get(username="manager"))
    for language in ("en", "zh-hans"):
        calls = []
        with monkeypatch.context() as spy:
            for writer in (rows.RowWriter, table_rows.RowWriter, key_result_rows.RowWriter):
                real = writer.row_html
                spy.setattr(
                    writer,
                    "row_html",
                    lambda self, row, real=real, calls=calls: calls.append(1) or real(self, row),
                )
            written = page(client, url, language)
        assert len(calls) > 3
        with monkeypatch.context() as off:
            off.setattr(rows, "ENABLED", False)
            off.setattr(table_rows, "VISIBLE", ())
            off.setattr(key_result_rows, "VISIBLE", ())
            assert page(client, url, language) == written
