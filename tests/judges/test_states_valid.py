"""The Nu HTML checker over the states of tests/judges/states.py, in English and Chinese: 0 errors.

One run of the checker for every file, as in test_html_valid.py.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from tests.judges.pages import LANGUAGES, load_demo, nu_errors, require_vnu
from tests.judges.states import admin_states, client_for, empty_department_states, states

pytestmark = pytest.mark.django_db


def test_every_state_is_valid_html(tmp_path: Path):
    require_vnu()
    files: dict[Path, str] = {}

    def keep(state, label: str, response):
        assert response.status_code == state.status, (label, response.status_code)
        assert response["Content-Type"].startswith("text/html"), label
        path = tmp_path / f"state-{len(files):03d}.html"
        path.write_text(response.content.decode(), encoding="utf-8")
        files[path] = label

    for language in LANGUAGES:
        for state in empty_department_states():
            keep(state, f"{language} {state}", state.make(client_for(state.role, language)))
    load_demo()
    for language in LANGUAGES:
        for state in [*states(), *admin_states()]:
            keep(state, f"{language} {state}", state.make(client_for(state.role, language)))

    errors = nu_errors(list(files))
    summary = Counter(re.sub(r"“[^”]*”", "“…”", message["message"]) for message in errors)
    where = Counter(files[Path(message["url"].removeprefix("file:"))] for message in errors)
    assert not errors, f"{len(errors)} Nu errors: {summary.most_common(20)} on {where.most_common(40)}"
