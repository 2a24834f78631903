"""Every URL argument fuzzed through the raw path: never a 5xx, nothing written.

`<week>`, `<slug>` and `<pk>` are filled with hostile text, percent-encoded the way a browser
would send it, plus raw byte sequences that are not UTF-8 (lone surrogates, 0xFF) or hide a NUL.
"""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from tests.factories import make_incident, make_kpi, make_report, make_value
from tests.security.fuzz import FUZZ, HOSTILE, any_text
from tests.security.helpers import census, every_url

pytestmark = pytest.mark.django_db

RAW = ["%ED%A0%80", "%FF%FE", "%00", "%2e%2e%2f%2e%2e%2f", "%25", "%", "%C0%AE", "9" * 30, "-1", "0"]
# The site's own routes (not the admin), with the argument slots left open.
TEMPLATES = sorted(
    {
        re.sub(r"payments|2024-W33|(?<=/)1(?=/|$)", "{}", path)
        for path, _label in every_url()
        if not path.startswith("/admin/") and re.search(r"payments|2024-W33|/1/", path)
    }
)
argument = st.one_of(
    st.sampled_from(RAW),
    st.sampled_from(HOSTILE).map(lambda text: quote(text[:2000], safe="")),
    any_text.map(lambda text: quote(text, safe="")),
)


@pytest.fixture
def world(team, lead, admin_user):
    make_report(team, "2024-W33")
    make_value(make_kpi(team, "需求交付数"), "2024-W33", 313)
    make_incident(team)


def test_there_are_templates_for_every_argument():
    joined = " ".join(TEMPLATES)
    assert "/teams/{}/weeks/{}/edit/" in joined
    assert "/kpis/{}/" in joined and "/incidents/{}/" in joined and "/weeks/{}/document.md" in joined


@FUZZ
# Three values: the API's team-week routes take a team, a week and a KPI or key result.
@given(template=st.sampled_from(TEMPLATES), values=st.lists(argument, min_size=3, max_size=3))
@example(template="/kpis/{}/", values=["99999999999999999999999", ""])
@example(template="/incidents/{}/", values=["9223372036854775808", ""])
@example(template="/teams/{}/weeks/{}/", values=["payments", "2024-W99"])
@example(template="/teams/{}/weeks/{}/edit/", values=["payments", "0000-W01"])
@example(template="/weeks/{}/document.md", values=["9999-W53", ""])
def test_fuzzed_path_arguments_never_fail(client, world, admin_user, template, values):
    client.force_login(admin_user)
    path = template.format(*values[: template.count("{}")])
    before = census()
    for method in (client.get, client.post):
        response = method(path)
        assert response.status_code < 500, path
        if response.streaming:
            b"".join(response.streaming_content)
    assert census() == before
